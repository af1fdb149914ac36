//! `kubectl-sts demo` runs the whole story on a fresh simulated cluster and exits 0.

use std::process::{Command, Stdio};

#[test]
fn demo_tells_the_story_and_exits_zero() {
    if std::env::var_os(crate::harness::EXTERNAL_ENV).is_some() {
        // the demo always runs its own simulated cluster; once (without a real one) is enough
        crate::harness::skip("the demo runs its own simulated cluster, not the one under test");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["demo", "--speed", "50"])
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for fact in [
        "Ordered rollout",
        "flask-1 is back with a new uid, the same name, the same claim www-flask-1 and the same volume (unchanged)",
        "step 1/2: replicas 3 → 2 (removing flask-2)",
        "statefulset default/flask scaled from 3 to 1",
        "2 (retained)",
        "statefulset default/flask scaled from 1 to 3",
        "pod default/flask-1 may be force-deleted",
        "is still attached to node",
        "ERROR [StuckTerminatingOnDeadNode]",
        "wrote: kubectl taint node",
        "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
        "default/flask-1 is Ready again on node",
        "released: the node.kubernetes.io/out-of-service taint is removed",
        "Done: every ordinal Ready",
    ] {
        assert!(text.contains(fact), "missing {fact:?} in:\n{text}");
    }
    assert!(
        text.matches("$ kubectl sts inspect flask").count() >= 5,
        "the inspect table at each step"
    );
}
