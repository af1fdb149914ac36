//! One harness, two backends: the in-process simulated cluster (default) or an
//! external cluster named by `KUBECTL_STS_TEST_KUBECONFIG`. Every test works in
//! its own namespace so the same suite can run against a real cluster.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubectl_sts::sim::{Scenario, Sim, SimConfig, SimServer};

pub const EXTERNAL_ENV: &str = "KUBECTL_STS_TEST_KUBECONFIG";

pub fn golden(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/golden")
        .join(rel)
}

pub fn golden_json(rel: &str) -> serde_json::Value {
    let p = golden(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).expect("golden is JSON")
}

pub fn seed_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds/flask.yaml")
}

pub struct Cluster {
    pub rt: tokio::runtime::Runtime,
    server: Option<SimServer>,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
    pub namespace: String,
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// stdout as JSON (panics with both streams when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}):\nstdout: {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

impl From<Output> for Out {
    fn from(o: Output) -> Self {
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

fn unique(prefix: &str) -> String {
    let u = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}-{}", &u[..6])
}

impl Cluster {
    /// A cluster for one test, with a fresh namespace named after it.
    pub fn new(test: &str) -> Cluster {
        Self::with_nodes(test, 0, SimConfig::default())
    }

    /// A cluster with `nodes` simulated nodes (n1..nN) and the given timings
    /// (ignored against a real cluster, which has its own nodes).
    pub fn with_nodes(test: &str, nodes: usize, config: SimConfig) -> Cluster {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let namespace = unique(
            &format!("t-{}", test.replace('_', "-"))
                .chars()
                .take(40)
                .collect::<String>(),
        );
        let (server, kubeconfig) = match std::env::var_os(EXTERNAL_ENV) {
            Some(path) => (None, PathBuf::from(path)),
            None => {
                let scenario = Scenario {
                    nodes,
                    objects: vec![],
                };
                let server = rt
                    .block_on(SimServer::start_scenario(&scenario, config, 0))
                    .expect("start simulated cluster");
                let kc = dir.path().join("kubeconfig");
                server.write_kubeconfig(&kc).expect("write kubeconfig");
                (Some(server), kc)
            }
        };
        let c = Cluster {
            rt,
            server,
            dir,
            kubeconfig,
            namespace,
        };
        // (JSON on purpose: `kubectl create namespace` sends protobuf, which the sim does not decode)
        c.create_json(&serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": c.namespace}}));
        c
    }

    /// `with_nodes` with pod start and container stop 5x faster (timings objects record stay real).
    pub fn fast(test: &str, nodes: usize) -> Cluster {
        Self::with_nodes(
            test,
            nodes,
            SimConfig {
                speed: 5.0,
                ..SimConfig::default()
            },
        )
    }

    pub fn is_sim(&self) -> bool {
        self.server.is_some()
    }

    pub fn server(&self) -> Option<&SimServer> {
        self.server.as_ref()
    }

    /// kubectl with another kubeconfig (another user).
    pub fn kubectl_with(&self, args: &[&str], kubeconfig: &Path) -> Out {
        let mut cmd = self.kubectl_cmd(args);
        cmd.env("KUBECONFIG", kubeconfig);
        cmd.output().expect("run kubectl").into()
    }

    /// The simulated cluster, or None against a real one (sim-only tests return early).
    pub fn sim(&self) -> Option<&Arc<Sim>> {
        self.server.as_ref().map(|s| &s.sim)
    }

    /// Path of the plugin binaries (for kubectl's plugin lookup on PATH).
    pub fn bin_dir() -> PathBuf {
        Path::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    /// Runs the tool (`kubectl-sts ARGS -n NS`) against this cluster.
    pub fn sts(&self, args: &[&str]) -> Out {
        self.sts_with(args, &self.kubeconfig)
    }

    pub fn sts_with(&self, args: &[&str], kubeconfig: &Path) -> Out {
        self.sts_cmd(args, kubeconfig)
            .output()
            .expect("run kubectl-sts")
            .into()
    }

    fn sts_cmd(&self, args: &[&str], kubeconfig: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"));
        cmd.args(args)
            .arg("--namespace")
            .arg(&self.namespace)
            .env("KUBECONFIG", kubeconfig)
            .env_remove("NO_COLOR")
            .env("HOME", self.dir.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Starts the tool in the background (collect it with `wait_with_output`).
    pub fn sts_spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = self.sts_cmd(args, &self.kubeconfig);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.spawn().expect("run kubectl-sts")
    }

    pub fn server_url(&self) -> Option<String> {
        self.server.as_ref().map(|s| s.url())
    }

    fn kubectl_cmd(&self, args: &[&str]) -> Command {
        let bin = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
        let mut cmd = Command::new(bin);
        // each call gets its own discovery cache, so nothing leaks between calls
        let cache = self.dir.path().join(unique("cache"));
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .env("KUBECACHEDIR", cache)
            .env_remove("KUBECTL_STS_TEST_KUBECONFIG")
            .arg("--namespace")
            .arg(&self.namespace)
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    pub fn kubectl(&self, args: &[&str]) -> Out {
        self.kubectl_cmd(args)
            .output()
            .expect("run kubectl (is it on PATH?)")
            .into()
    }

    pub fn kubectl_ok(&self, args: &[&str]) -> String {
        let o = self.kubectl(args);
        assert_eq!(
            o.code, 0,
            "kubectl {args:?} failed:\nstdout: {}\nstderr: {}",
            o.stdout, o.stderr
        );
        o.stdout
    }

    pub fn kubectl_stdin(&self, args: &[&str], input: &str) -> Out {
        let mut cmd = self.kubectl_cmd(args);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run kubectl");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("kubectl output").into()
    }

    /// Starts kubectl in the background (e.g. `get -w`); kill it when done.
    pub fn kubectl_spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = self.kubectl_cmd(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.spawn().expect("run kubectl")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        serde_json::from_str(&self.kubectl_ok(&a)).expect("kubectl -o json")
    }

    /// The object as JSON, or None while kubectl cannot get it (e.g. between a pod's deletion
    /// and its replacement), for polling in `eventually`.
    pub fn try_json(&self, args: &[&str]) -> Option<serde_json::Value> {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let o = self.kubectl(&a);
        (o.code == 0).then(|| serde_json::from_str(&o.stdout).expect("kubectl -o json"))
    }

    /// Creates objects from JSON through kubectl (validation off until OpenAPI is served).
    pub fn create_json(&self, obj: &serde_json::Value) -> String {
        let o = self.kubectl_stdin(&["create", "--validate=false", "-f", "-"], &obj.to_string());
        assert_eq!(o.code, 0, "create failed: {}", o.stderr);
        o.stdout
    }

    /// `kubectl apply -f -` of YAML/JSON text, in the test namespace.
    pub fn apply(&self, manifest: &str) -> String {
        let o = self.kubectl_stdin(&["apply", "-f", "-"], manifest);
        assert_eq!(o.code, 0, "apply failed: {}", o.stderr);
        o.stdout
    }

    /// A jsonpath value of one object.
    pub fn jsonpath(&self, what: &[&str], path: &str) -> String {
        let mut a = what.to_vec();
        let expr = format!("jsonpath={path}");
        a.extend(["-o", &expr]);
        self.kubectl(&a).stdout
    }

    /// The storage class for node-pinned or network volumes (env overrides for real clusters).
    pub fn storage_class(&self, network: bool) -> String {
        let (var, default) = if network {
            ("KUBECTL_STS_TEST_NETWORK_CLASS", "network")
        } else {
            ("KUBECTL_STS_TEST_LOCAL_CLASS", "local-path")
        };
        std::env::var(var).unwrap_or_else(|_| default.to_string())
    }

    /// A kube client from the kubeconfig, over TCP (as the tool connects).
    pub fn client(&self) -> kube::Client {
        let kc = kube::config::Kubeconfig::read_from(&self.kubeconfig).expect("kubeconfig");
        self.rt.block_on(async {
            let mut cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
                .await
                .expect("config");
            // tests see 429/503 as they come (kube's default retries them for minutes)
            cfg.default_retry = false;
            kube::Client::try_from(cfg).expect("client")
        })
    }

    /// Waits until StatefulSet `sts` reports `n` ready replicas; on timeout, shows the state.
    pub fn wait_ready(&self, sts: &str, n: i64, secs: u64) {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.eventually(secs, &format!("{sts} {n} ready"), || {
                (self.json(&["get", "sts", sts])["status"]["readyReplicas"]
                    .as_i64()
                    .unwrap_or(0)
                    == n)
                    .then_some(())
            })
        }));
        if ok.is_err() {
            let state = self.kubectl(&["get", "sts,pods,pvc,events", "-o", "wide"]);
            panic!(
                "{sts} never had {n} ready pods:\n{}{}",
                state.stdout, state.stderr
            );
        }
    }

    /// Polls `f` until it returns Some, or panics after `secs` (scaled for real clusters).
    pub fn eventually<T>(&self, secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
        let scale: f64 = std::env::var("KUBECTL_STS_TEST_TIMEOUT_SCALE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1.0);
        let deadline = Instant::now() + Duration::from_secs_f64(secs as f64 * scale);
        loop {
            if let Some(v) = f() {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.server.is_none() {
            let _ = self.kubectl(&[
                "delete",
                "namespace",
                &self.namespace.clone(),
                "--wait=false",
            ]);
        }
    }
}
