//! `kubectl-sts force-delete`: only a stuck pod, only on a node proven dead, only
//! when confirmed; the delete carries uid + resourceVersion preconditions.

use std::time::Duration;

use crate::harness::Cluster;
use crate::harness::Sts;
use crate::harness::Tool;
use crate::harness::{kill_flask_1, lab, power};

fn uid(c: &Cluster, pod: &str) -> String {
    c.jsonpath(&["get", "pod", pod], "{.metadata.uid}")
}

#[test]
fn force_delete_refuses_pods_on_ready_nodes_and_foreign_pods() {
    let c = Cluster::fast("force-refuse", 2);
    let Some(class) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &class,
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 90);
    let before = uid(&c, "flask-0");

    // healthy: nothing is stuck
    let out = c.sts(&["force-delete", "flask-0", "--yes", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(out.json()["eligibility"]["code"], "PodHealthy");

    // stuck Terminating (a finalizer holds it) on a node that is Ready: its kubelet is
    // alive, so a grace-0 delete could run two flask-0 at once
    c.kubectl_ok(&[
        "patch",
        "pod",
        "flask-0",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":["example.com/hold"]}}"#,
    ]);
    c.kubectl_ok(&["delete", "pod", "flask-0", "--wait=false"]);
    let out = c.sts(&["force-delete", "flask-0", "--yes", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Refused");
    assert_eq!(d["eligibility"]["code"], "NodeReady");
    assert!(out.stderr.starts_with(&format!(
        "error: refusing to force-delete pod {}/flask-0: node ",
        c.namespace
    )));
    assert_eq!(uid(&c, "flask-0"), before, "nothing deleted");
    assert!(!c
        .jsonpath(&["get", "pod", "flask-0"], "{.metadata.deletionTimestamp}")
        .is_empty());
    c.kubectl_ok(&[
        "patch",
        "pod",
        "flask-0",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ]);

    // a pod no StatefulSet controls is not this tool's business
    c.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: loner\nspec:\n  containers:\n  - name: c\n    image: busybox\n");
    let out = c.sts(&["force-delete", "loner", "--yes"]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("not controlled by a StatefulSet"),
        "{}",
        out.stderr
    );

    let out = c.sts(&["force-delete", "ghost", "--yes"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr.trim(),
        format!(
            "error: pod \"ghost\" not found in namespace \"{}\"",
            c.namespace
        )
    );
    assert_eq!(c.sts(&["force-delete"]).code, 2);
}

#[test]
fn force_delete_frees_a_pod_stuck_on_a_dead_node_once_confirmed() {
    if crate::harness::needs_sim("injects a 409 and reads the simulator's request log") {
        return;
    }
    // network volume, forced detach shortened to 15s (named as such in SimConfig)
    let Some(c) = lab("force-dead", "network", Duration::from_secs(15)) else {
        return;
    };
    let node = kill_flask_1(&c);
    let before = uid(&c, "flask-1");
    let sim = c.sim().unwrap();

    // no terminal, no --yes: not confirmed, nothing deleted
    // (the drill's 8s node grace: 5s of kubelet silence is proof enough here)
    let out = c.sts(&["force-delete", "flask-1", "--node-silence", "5s"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("not confirmed"), "{}", out.stderr);
    assert_eq!(uid(&c, "flask-1"), before);

    // the dry run shows the evidence and what the replacement will meet
    let out = c.sts(&[
        "force-delete",
        "flask-1",
        "--dry-run",
        "--node-silence",
        "5s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "DryRun");
    assert_eq!(d["eligibility"]["eligible"], true);
    assert_eq!(d["node"], node.as_str());
    assert_eq!(d["statefulSet"], "flask");
    let evidence = d["eligibility"]["evidence"].to_string();
    assert!(
        evidence.contains(&format!("lease kube-node-lease/{node}: renewed")),
        "{evidence}"
    );
    assert!(
        d["warnings"][0]
            .as_str()
            .unwrap()
            .contains(&format!("is still attached to node {node}")),
        "{d}"
    );
    assert_eq!(uid(&c, "flask-1"), before);
    let deletes = |c: &Cluster| {
        sim.requests()
            .into_iter()
            .filter(|r| {
                r.method == "DELETE"
                    && r.path == format!("/api/v1/namespaces/{}/pods/flask-1", c.namespace)
            })
            .map(|r| r.status)
            .collect::<Vec<_>>()
    };
    assert!(deletes(&c).is_empty());

    // confirmed: deleted with grace 0, and the replacement runs elsewhere; the first
    // attempt meets a conflict (the pod changed since it was checked), so the node is
    // checked again before the second
    sim.inject(crate::harness::fault("delete", "pods", 409, 1));
    let out = c.sts(&[
        "force-delete",
        "flask-1",
        "--yes",
        "--node-silence",
        "5s",
        "--wait",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Deleted");
    assert_eq!(d["uid"], before.as_str());
    assert_eq!(d["replacement"]["ready"], true);
    assert_ne!(d["replacement"]["uid"], before.as_str());
    assert_ne!(d["replacement"]["node"], node.as_str());
    assert_eq!(deletes(&c), [409u16, 200]);
    let p = c.json(&["get", "pod", "flask-1"]);
    assert_eq!(p["status"]["phase"], "Running");
    assert_eq!(
        p["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"], "www-flask-1",
        "the same claim"
    );
}

#[test]
fn force_delete_waits_for_the_kubelet_to_be_silent_long_enough() {
    // decided before a node is powered off (it once panicked on a real cluster after that,
    // leaving the node off for every later test)
    if crate::harness::needs_sim("reads the simulator's request log") {
        return;
    }
    let Some(c) = lab("force-silence", "local-path", Duration::from_secs(360)) else {
        return;
    };
    let node = kill_flask_1(&c);
    // the node is Unknown, but a demand for 10 minutes of kubelet silence is not met yet
    let out = c.sts(&["force-delete", "flask-1", "--yes", "--node-silence", "10m"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "node {node} is not Ready but its kubelet reported"
        )),
        "{}",
        out.stderr
    );
    assert!(!uid(&c, "flask-1").is_empty());
    // a silence shorter than the kubelet's Lease renew interval (a quarter of its
    // leaseDurationSeconds: 2 s here, 10 s on a real kubelet) proves nothing: a usage error,
    // for force-delete, recover and release-node alike
    let too_short = "1s";
    for args in [
        vec![
            "force-delete",
            "flask-1",
            "--yes",
            "--node-silence",
            too_short,
        ],
        vec!["recover", "flask-1", "--yes", "--node-silence", too_short],
        vec!["release-node", &node, "--node-silence", "0s"],
    ] {
        let out = c.sts(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("proves nothing"), "{}", out.stderr);
    }
    assert!(!uid(&c, "flask-1").is_empty());
    // on a terminal the pod's name must be typed back: a wrong answer deletes nothing
    let Some(wrong) = on_terminal(
        &c,
        &["force-delete", "flask-1", "--node-silence", "5s"],
        "flask-0\n",
    ) else {
        crate::harness::skip("util-linux `script` is not installed: no pseudo-terminal");
        return;
    };
    assert_eq!(wrong.code, 7, "{}", wrong.stdout);
    assert!(
        wrong
            .stdout
            .contains("Type the pod name (flask-1) to confirm:"),
        "{}",
        wrong.stdout
    );
    assert!(!uid(&c, "flask-1").is_empty());

    // the node comes back while the operator reads the prompt: the answer arrives after
    // it is Ready again, and the tool checks again instead of deleting on old evidence
    let sim = c.sim().unwrap();
    sim.clear_requests();
    let late = on_terminal_after(
        &c,
        &["force-delete", "flask-1", "--node-silence", "5s"],
        "flask-1\n",
        || {
            power(&c, &node, true);
            c.eventually(40, "node Ready again", || {
                let ready = crate::harness::ready_condition(&c.json(&["get", "node", &node]))?;
                (ready["status"] == "True").then_some(())
            });
        },
    )
    .unwrap();
    // refused (the node is Ready) or, if its kubelet already finished the pod, already gone
    assert!(
        (late.code == 4
            && late
                .stdout
                .contains(&format!("since the check, node {node} is Ready")))
            || (late.code == 0 && late.stdout.contains("already gone or replaced")),
        "{}: {}",
        late.code,
        late.stdout
    );
    let tool_deletes = sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE" && r.path.ends_with("/pods/flask-1"))
        .count();
    assert_eq!(tool_deletes, 0, "nothing deleted on stale evidence");

    // dead again (flask-1 is back on its node: its volume is pinned there)
    c.wait_ready("flask", 3, 60);
    let node = kill_flask_1(&c);
    // the right answer: deleted; a local volume pinned to the dead node means the
    // replacement cannot move, and the tool says so
    let right = on_terminal(
        &c,
        &["force-delete", "flask-1", "--node-silence", "5s"],
        "flask-1\n",
    )
    .unwrap();
    assert_eq!(right.code, 0, "{}", right.stdout);
    assert!(
        right.stdout.contains(&format!(
            "warning: claim www-flask-1 is on a volume pinned to node {node}"
        )),
        "{}",
        right.stdout
    );
    c.eventually(
        20,
        "flask-1 replaced (and Pending: its volume is on the dead node)",
        || {
            let p = c.try_json(&["get", "pod", "flask-1"])?;
            (p["status"]["phase"] == "Pending").then_some(())
        },
    );
}

/// Runs the tool on a pseudo-terminal (util-linux `script`), typing `input`; the
/// output is the terminal's (stdout and stderr together). None without `script`.
pub(crate) fn on_terminal(c: &Cluster, args: &[&str], input: &str) -> Option<crate::harness::Out> {
    on_terminal_after(c, args, input, || {})
}

/// As `on_terminal`, but types `input` only once the prompt is shown and `meanwhile` ran.
pub(crate) fn on_terminal_after(
    c: &Cluster,
    args: &[&str],
    input: &str,
    meanwhile: impl FnOnce(),
) -> Option<crate::harness::Out> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut line = vec![env!("CARGO_BIN_EXE_kubectl-sts").to_string()];
    line.extend(args.iter().map(|a| a.to_string()));
    line.extend(["--namespace".to_string(), c.namespace.clone()]);
    let mut child = Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("KUBECONFIG", &c.kubeconfig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    // the terminal's output, read on a thread until the prompt shows
    let mut stdout = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !String::from_utf8_lossy(&seen).contains("to confirm: ") {
        match rx.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(chunk) => seen.extend(chunk),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(_) if std::time::Instant::now() > deadline => break,
            Err(_) => {}
        }
    }
    if String::from_utf8_lossy(&seen).contains("to confirm: ") {
        meanwhile();
    }
    let mut stdin = child.stdin.take()?;
    stdin.write_all(input.as_bytes()).ok()?;
    drop(stdin);
    let status = child.wait().ok()?;
    let _ = reader.join();
    seen.extend(rx.try_iter().flatten());
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    Some(crate::harness::Out {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&seen).into_owned(),
        stderr,
    })
}
