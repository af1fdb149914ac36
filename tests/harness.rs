//! The simulator's harness (`kube_sim::testkit`), plus running this tool against its cluster.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use kube_sim::testkit::*;

/// Runs the tool's binaries against a test cluster.
pub trait Tool {
    /// Runs the tool (`kubectl-sts ARGS -n NS`) against this cluster.
    fn sts(&self, args: &[&str]) -> Out;
    /// The same with another kubeconfig (another user).
    fn sts_with(&self, args: &[&str], kubeconfig: &Path) -> Out;
    /// The same with extra environment variables.
    fn sts_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out;
    /// Starts the tool in the background (collect it with `wait_with_output`).
    fn sts_spawn(&self, args: &[&str]) -> std::process::Child;
    /// The same with extra environment variables.
    fn sts_spawn_env(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child;
    /// A directory with `kubectl-sts` and the plugin names `install-links` made beside it (for
    /// kubectl's plugin lookup on PATH), as a user's PATH holds them.
    fn bin_dir() -> PathBuf;
}

fn sts_cmd(c: &Cluster, args: &[&str], kubeconfig: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"));
    cmd.args(args)
        .arg("--namespace")
        .arg(&c.namespace)
        .env("KUBECONFIG", kubeconfig)
        .env_remove("NO_COLOR")
        .env("HOME", c.dir.path())
        .stdin(Stdio::null());
    cmd
}

impl Tool for Cluster {
    fn sts(&self, args: &[&str]) -> Out {
        self.sts_with(args, &self.kubeconfig)
    }

    fn sts_with(&self, args: &[&str], kubeconfig: &Path) -> Out {
        sts_cmd(self, args, kubeconfig)
            .output()
            .expect("run kubectl-sts")
            .into()
    }

    fn sts_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        sts_cmd(self, args, &self.kubeconfig)
            .envs(env.iter().copied())
            .output()
            .expect("run kubectl-sts")
            .into()
    }

    fn sts_spawn(&self, args: &[&str]) -> std::process::Child {
        self.sts_spawn_env(args, &[])
    }

    fn sts_spawn_env(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
        let mut cmd = sts_cmd(self, args, &self.kubeconfig);
        cmd.envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().expect("run kubectl-sts")
    }

    fn bin_dir() -> PathBuf {
        static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
        DIR.get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            std::os::unix::fs::symlink(
                env!("CARGO_BIN_EXE_kubectl-sts"),
                dir.path().join("kubectl-sts"),
            )
            .expect("link kubectl-sts");
            let out = Command::new(dir.path().join("kubectl-sts"))
                .args(["install-links", "--dir"])
                .arg(dir.path())
                .output()
                .expect("run install-links");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            dir
        })
        .path()
        .to_path_buf()
    }
}

/// Compares `got` with `tests/fixtures/NAME`; `UPDATE_SNAPSHOTS=1` rewrites it.
pub fn assert_fixture(name: &str, got: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert_snapshot(&dir, name, got)
}

/// Sends Ctrl-C (SIGINT) to a tool started with `sts_spawn` and collects how it ended.
pub fn interrupt(child: std::process::Child) -> Out {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    child
        .wait_with_output()
        .expect("collect kubectl-sts")
        .into()
}

/// Applies a PodDisruptionBudget over the pods labelled `app=APP`, with its bound as one YAML
/// line (`maxUnavailable: 1`, `minAvailable: 3`).
pub fn budget(c: &Cluster, name: &str, app: &str, bound: &str) {
    c.apply(&format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  {bound}
  selector:
    matchLabels:
      app: {app}
"
    ));
}

/// Golden `apply/add-claim-template*`: `flask` (3 replicas, network volumes) deployed, then
/// orphan-deleted and re-created with a second claim template, `logs` — its container mounting
/// it when `mount` (a new revision, as golden), or not (the template, and so the revision, stay
/// the same: only the pods' specs tell). The new set adopts the pods, none of which has a
/// volume for `logs`: the StatefulSet controller is stuck at flask-0. Returns once it has
/// tried and failed (`FailedUpdate`); None, after saying why, where there is no network class.
pub fn stuck_at_ordinal_0(c: &Cluster, mount: bool) -> Option<()> {
    let network = c.class_or_skip("network")?;
    Sts {
        class: &network,
        ..Default::default()
    }
    .deploy(c, 120);
    let mut set = c.json(&["get", "sts", "flask"]);
    c.kubectl_ok(&["delete", "sts", "flask", "--cascade=orphan"]);
    c.eventually(30, "the set gone, its pods kept", || {
        (c.kubectl(&["get", "sts", "flask"]).code != 0).then_some(())
    });
    set["metadata"] = serde_json::json!({"name": "flask"});
    set.as_object_mut()?.remove("status");
    let mut logs = set["spec"]["volumeClaimTemplates"][0].clone();
    logs["metadata"]["name"] = "logs".into();
    logs.as_object_mut()?.remove("status");
    set["spec"]["volumeClaimTemplates"]
        .as_array_mut()?
        .push(logs);
    if mount {
        set["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
            .as_array_mut()?
            .push(serde_json::json!({"name": "logs", "mountPath": "/logs"}));
    }
    c.create_json(&set);
    c.eventually(60, "the controller stuck at flask-0 (FailedUpdate)", || {
        let evs = c.json(&["get", "events", "--field-selector", "reason=FailedUpdate"]);
        evs["items"]
            .as_array()?
            .iter()
            .filter_map(|e| e["message"].as_str())
            // (the simulated cluster capitalises the verb as v1.36.2 does; older ones do not)
            .any(|m| m.to_lowercase().starts_with("update pod flask-0 "))
            .then_some(())
    });
    Some(())
}
