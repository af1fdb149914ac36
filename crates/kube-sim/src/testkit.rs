//! The test harness (feature `testkit`): one harness, two backends: the in-process simulated
//! cluster (default) or an external cluster named by `KUBECTL_STS_TEST_KUBECONFIG`. Every test
//! works in its own namespace so the same suite can run against a real cluster. Tests drive it
//! with the real `kubectl` (`KUBECTL` names another binary).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{Fault, Scenario, Sim, SimConfig, SimServer};

pub const EXTERNAL_ENV: &str = "KUBECTL_STS_TEST_KUBECONFIG";

/// A file of the recorded data (`crates/kube-sim/golden/`, see its README).
pub fn golden(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(rel)
}

pub fn golden_json(rel: &str) -> serde_json::Value {
    let p = golden(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).expect("golden is JSON")
}

/// The seed lab's Service + StatefulSet manifest (the article's, re-indented), as `kubectl apply` takes it.
pub fn seed_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scenarios/seed.yaml")
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

pub fn unique(prefix: &str) -> String {
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
        // pods are refused until the serviceaccounts controller has created `default` (a real
        // control plane takes about a second)
        c.eventually(30, "the namespace's default ServiceAccount", || {
            (c.kubectl(&["get", "serviceaccount", "default"]).code == 0).then_some(())
        });
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

    /// The simulated cluster, or None against a real one.
    pub fn sim(&self) -> Option<&Arc<Sim>> {
        self.server.as_ref().map(|s| &s.sim)
    }

    /// The simulated cluster; against a real one, says the test is skipped and why (see
    /// [`skip`]) and gives None: `let Some(sim) = c.sim_or_skip("…") else { return };`.
    pub fn sim_or_skip(&self, why: &str) -> Option<&Arc<Sim>> {
        let sim = self.sim();
        if sim.is_none() {
            skip(why);
        }
        sim
    }

    /// True on a real cluster, after saying the test is skipped and why.
    pub fn skip_unless_sim(&self, why: &str) -> bool {
        self.sim_or_skip(why).is_none()
    }

    pub fn server_url(&self) -> Option<String> {
        self.server.as_ref().map(|s| s.url())
    }

    pub fn kubectl_cmd(&self, args: &[&str]) -> Command {
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

    /// Fails at once, naming what to set, when a real cluster lacks a storage class a test
    /// deploys with (instead of timing out waiting for claims no provisioner binds).
    pub fn require_storage_class(&self, class: &str) {
        if self.is_sim() {
            return;
        }
        let o = self.kubectl(&["get", "storageclass", class, "-o", "name"]);
        assert_eq!(
            o.code, 0,
            "storage class {class:?} does not exist in the cluster under test: set KUBECTL_STS_TEST_LOCAL_CLASS (node-pinned volumes) and KUBECTL_STS_TEST_NETWORK_CLASS (volumes that can move) to classes it has ({})",
            o.stderr.trim()
        );
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

/// A simulated cluster over HTTPS with tokens for `admin` and `bob` (bob may not list pods), no
/// anonymous access; None against a real cluster.
pub fn secured(test: &str) -> Option<Cluster> {
    let config = SimConfig {
        tls: true,
        tokens: vec![
            ("admin-token".into(), "admin".into()),
            ("bob-token".into(), "bob".into()),
        ],
        deny: vec![("bob".into(), "list".into(), "pods".into())],
        anonymous_auth: false,
        ..SimConfig::default()
    };
    let c = Cluster::with_nodes(test, 0, config);
    if !c.is_sim() {
        skip("needs the simulated cluster's own tokens and deny rules");
        return None;
    }
    Some(c)
}

/// A kubeconfig for this simulated cluster with another token (None: no credentials).
pub fn kubeconfig_for(c: &Cluster, name: &str, token: Option<&str>) -> std::path::PathBuf {
    let p = c.dir.path().join(name);
    std::fs::write(&p, c.server().unwrap().kubeconfig_for(token)).unwrap();
    p
}

/// An injected failure with `Retry-After: 1`.
pub fn fault(verb: &str, resource: &str, status: u16, times: u32) -> Fault {
    Fault {
        verb: verb.into(),
        resource: resource.into(),
        status,
        times,
        retry_after: Some(1),
    }
}

/// The seed lab on 3 nodes with the drill timings golden was recorded with (8 s node-monitor grace,
/// 10 s tolerations, 2 s leases), pods 5x faster; None against a real cluster.
pub fn lab(test: &str, class: &str, force_detach: Duration) -> Option<Cluster> {
    let config = SimConfig {
        node_monitor_grace: Duration::from_secs(8),
        toleration_seconds: 10,
        lease_renew: Duration::from_secs(2),
        force_detach_after: force_detach,
        speed: 5.0,
        ..SimConfig::default()
    };
    let c = Cluster::with_nodes(test, 3, config);
    if !c.is_sim() && std::env::var_os(POWER_ENV).is_none() {
        skip(&format!(
            "powers nodes off: set {POWER_ENV} to run it on a real cluster"
        ));
        return None;
    }
    Sts {
        class,
        ..Default::default()
    }
    .deploy(&c, 90);
    Some(c)
}

/// Powers a simulated node off or on (its kubelet stops or resumes).
/// Powers a node off or on: a simulated one by its annotation (its kubelet stops or resumes),
/// a real one through `KUBECTL_STS_TEST_POWER_CMD off|on NODE` (run by `sh -c`).
pub fn power(c: &Cluster, node: &str, on: bool) {
    let state = if on { "on" } else { "off" };
    if c.is_sim() {
        let v = format!("kubectl-sts.sim/power={state}");
        c.kubectl_ok(&["annotate", "node", node, "--overwrite", &v]);
        return;
    }
    let cmd = std::env::var(POWER_ENV).unwrap_or_else(|_| panic!("{POWER_ENV} is not set"));
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} \"$0\" \"$1\""))
        .args([state, node])
        .output()
        .unwrap_or_else(|e| panic!("{POWER_ENV}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{POWER_ENV} {state} {node} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The command that powers a real cluster's node off and on (`CMD off NODE`, `CMD on NODE`).
pub const POWER_ENV: &str = "KUBECTL_STS_TEST_POWER_CMD";

/// Says visibly that the running test cannot run on this backend, and why: a `skipped:` line
/// on the process's stderr, which libtest does not capture (it captures only the print
/// macros), so a run against a real cluster shows and counts them
/// (`cargo test 2>&1 | grep -c '^skipped:'`). The test then returns without asserting.
pub fn skip(why: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}

/// One pod's `kubectl get --no-headers` line.
pub fn row(c: &Cluster, pod: &str) -> String {
    c.kubectl(&["get", "pod", pod, "--no-headers"]).stdout
}

/// A node's Ready condition, if it has one.
pub fn ready_condition(node: &serde_json::Value) -> Option<serde_json::Value> {
    node["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready")
        .cloned()
}

/// Compares `got` with the checked-in file `dir/name`; `UPDATE_SNAPSHOTS=1` rewrites it.
pub fn assert_snapshot(dir: &Path, name: &str, got: &str) {
    let p = dir.join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&p, got).unwrap();
    }
    let want = std::fs::read_to_string(&p).unwrap_or_default();
    assert_eq!(
        got, want,
        "snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept)"
    );
}

/// Powers off flask-1's node and waits until the taint manager has made it Terminating.
pub fn kill_flask_1(c: &Cluster) -> String {
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    power(c, &node, false);
    c.eventually(40, "node NotReady with unreachable taints", || {
        let n = c.json(&["get", "node", &node]);
        let ready = ready_condition(&n)?;
        let taints = n["spec"]["taints"].as_array().cloned().unwrap_or_default();
        (ready["status"] == "Unknown"
            && ready["reason"] == "NodeStatusUnknown"
            && taints.len() == 2)
            .then_some(())
    });
    let nodes = c.kubectl_ok(&["get", "nodes"]);
    assert!(
        nodes
            .lines()
            .any(|l| l.starts_with(&format!("{node} ")) && l.contains("NotReady")),
        "{nodes}"
    );
    c.eventually(40, "flask-1 Terminating", || {
        row(c, "flask-1").contains("Terminating").then_some(())
    });
    node
}

/// StatefulSet manifests for tests: the seed's shape with knobs.
pub struct Sts<'a> {
    pub name: &'a str,
    pub replicas: i64,
    pub min_ready: i64,
    pub class: &'a str,
    /// extra spec lines (YAML at spec indentation), e.g. "podManagementPolicy: Parallel"
    pub extra: &'a str,
    pub image: &'a str,
}

impl Default for Sts<'_> {
    fn default() -> Self {
        Sts {
            name: "flask",
            replicas: 3,
            min_ready: 0,
            class: "local-path",
            extra: "",
            image: "han0495/flask-example-app",
        }
    }
}

impl Sts<'_> {
    /// Applies it in the cluster's test namespace and waits until every replica is Ready.
    pub fn deploy(&self, c: &Cluster, secs: u64) {
        let class = c.storage_class(self.class == "network");
        c.require_storage_class(&class);
        c.apply(
            &Sts {
                class: &class,
                ..*self
            }
            .yaml(),
        );
        c.wait_ready(self.name, self.replicas, secs);
    }

    /// Service (headless) + StatefulSet, as the seed lab's manifest.
    pub fn yaml(&self) -> String {
        let extra: String = self.extra.lines().map(|l| format!("  {l}\n")).collect();
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: {n}
  labels:
    app: {n}
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: {n}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {n}
spec:
  selector:
    matchLabels:
      app: {n}
  serviceName: {n}
  replicas: {r}
  minReadySeconds: {m}
{extra}  template:
    metadata:
      labels:
        app: {n}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: app
        image: {img}
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/src/app/log
      initContainers:
      - name: init-dump-log
        image: busybox:1.28
        command: ['sh', '-c', 'echo $(hostname) >> /usr/src/app/log/dump.log']
        volumeMounts:
        - name: www
          mountPath: /usr/src/app/log
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      storageClassName: {c}
      resources:
        requests:
          storage: 1Gi
",
            n = self.name,
            r = self.replicas,
            m = self.min_ready,
            c = self.class,
            img = self.image,
        )
    }
}
