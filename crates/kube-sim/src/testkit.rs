//! The test harness (feature `testkit`): one harness, three backends: the in-process simulated
//! cluster (default), an external cluster named by `KUBECTL_STS_TEST_KUBECONFIG`, or a real
//! control plane of its own with the simulated nodes as agents
//! (`KUBECTL_STS_TEST_CONTROL_PLANE=real`, see [`crate::controlplane`]). Every test
//! works in its own namespace so the same suite can run against a real cluster. Tests drive it
//! with the real `kubectl` (`KUBECTL` names another binary).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::stats::VolumeStage;
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
    /// Real cluster: the lock that lets one test at a time power nodes, across test binaries.
    power_lock: std::sync::OnceLock<std::fs::File>,
    /// Real cluster: nodes this test powered off, powered on again when it ends (even failing).
    powered_off: std::sync::Mutex<Vec<String>>,
    /// The harness's own control plane (`KUBECTL_STS_TEST_CONTROL_PLANE=real`): its nodes as
    /// they were when the test began (cordoned, taint keys), restored when it ends.
    own_nodes: Option<Vec<(String, bool, Vec<String>)>>,
}

/// kubectl bound to a cluster and namespace, cheap to clone into another thread (see
/// [`Cluster::other_writer`]).
#[derive(Clone)]
pub struct Kubectl {
    kubeconfig: PathBuf,
    namespace: String,
    cache_root: PathBuf,
}

impl Kubectl {
    pub fn cmd(&self, args: &[&str]) -> Command {
        let bin = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
        let mut cmd = Command::new(bin);
        // each call gets its own discovery cache, so nothing leaks between calls
        let cache = self.cache_root.join(unique("cache"));
        cmd.env("KUBECONFIG", &self.kubeconfig)
            .env("KUBECACHEDIR", cache)
            .env_remove("KUBECTL_STS_TEST_KUBECONFIG")
            .arg("--namespace")
            .arg(&self.namespace)
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Out {
        self.cmd(args)
            .output()
            .expect("run kubectl (is it on PATH?)")
            .into()
    }

    /// The object as JSON, or None while kubectl cannot get it.
    pub fn try_json(&self, args: &[&str]) -> Option<serde_json::Value> {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let o = self.run(&a);
        (o.code == 0).then(|| serde_json::from_str(&o.stdout).expect("kubectl -o json"))
    }
}

/// Another writer acting behind the tool's back (a GitOps controller re-applying its copy, an
/// operator patching): see [`Cluster::other_writer`]. Dropping it stops it.
pub struct OtherWriter {
    stop: Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<Option<Out>>>,
}

impl OtherWriter {
    /// Stops watching; what its write answered, if it wrote.
    pub fn finish(mut self) -> Option<Out> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.handle
            .take()
            .and_then(|h| h.join().expect("other writer"))
    }
}

impl Drop for OtherWriter {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
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
            None if crate::controlplane::wanted() => {
                (None, crate::controlplane::get().admin_kubeconfig.clone())
            }
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
        let mut c = Cluster {
            rt,
            server,
            dir,
            kubeconfig,
            namespace,
            power_lock: std::sync::OnceLock::new(),
            powered_off: std::sync::Mutex::new(vec![]),
            own_nodes: None,
        };
        if std::env::var_os(EXTERNAL_ENV).is_none() && crate::controlplane::wanted() {
            c.own_nodes = Some(c.node_states());
        }
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

    /// A cluster whose nodes carry zones: simulated nodes n1..nN spread over `zones` in turn;
    /// a real cluster must have nodes in at least that many zones, or the test is skipped.
    pub fn zoned(test: &str, nodes: usize, zones: &[&str]) -> Option<Cluster> {
        let c = Self::with_nodes(
            test,
            nodes,
            SimConfig {
                speed: 5.0,
                zones: zones.iter().map(|z| z.to_string()).collect(),
                ..SimConfig::default()
            },
        );
        if !c.is_sim() {
            let have: std::collections::BTreeSet<String> = c
                .ready_nodes()
                .iter()
                .filter_map(|n| c.zone_of(n))
                .collect();
            if have.len() < zones.len() {
                skip(&format!(
                    "needs Ready nodes in {} zones (topology.kubernetes.io/zone); the cluster has {}",
                    zones.len(),
                    have.len()
                ));
                return None;
            }
        }
        Some(c)
    }

    pub fn is_sim(&self) -> bool {
        self.server.is_some()
    }

    /// On the harness's own real control plane, whose nodes are the simulated cluster's
    /// agents (powered off and on by annotation, as simulated ones).
    pub fn is_own_control_plane(&self) -> bool {
        self.own_nodes.is_some()
    }

    /// The agents' nodes: name, cordoned, taint keys.
    fn node_states(&self) -> Vec<(String, bool, Vec<String>)> {
        let nodes = self.json(&["get", "nodes"]);
        nodes["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| {
                let taints = n["spec"]["taints"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t["key"].as_str().map(String::from))
                    .collect();
                (
                    n["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    n["spec"]["unschedulable"] == true,
                    taints,
                )
            })
            .collect()
    }

    /// Puts the nodes back as they were when the test began — uncordoned, without the taints
    /// it added (not the node lifecycle controller's own not-ready/unreachable ones, which go
    /// when the node is Ready) — and waits until they are Ready and schedulable again, so a
    /// failed drain does not leave later tests without nodes. Assumes one test at a time
    /// changes nodes (the real tier runs with `--test-threads=1`).
    fn restore_nodes(&self) {
        let Some(before) = &self.own_nodes else {
            return;
        };
        const MANAGED: [&str; 2] = [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ];
        for (name, cordoned, taints) in self.node_states() {
            let Some((_, was_cordoned, had)) = before.iter().find(|(n, _, _)| *n == name) else {
                continue;
            };
            if cordoned && !was_cordoned {
                let _ = self.kubectl(&["uncordon", &name]);
            }
            for t in taints
                .iter()
                .filter(|t| !had.contains(t) && !MANAGED.contains(&t.as_str()))
            {
                let _ = self.kubectl(&["taint", "node", &name, &format!("{t}-")]);
            }
        }
        let want = before.iter().filter(|(_, c, _)| !c).count();
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.ready_nodes().len() < want && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(500));
        }
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

    /// Stages what a claim of the test namespace holds, as its node's kubelet reports it through
    /// the Summary API (simulated cluster only; see [`crate::stats`]).
    pub fn stage_volume(&self, claim: &str, stage: crate::stats::VolumeStage) {
        self.sim()
            .expect("staging a volume's usage needs the simulated cluster")
            .stage_volume(&self.namespace, claim, stage);
    }

    /// True on a real cluster, after saying the test is skipped and why.
    pub fn skip_unless_sim(&self, why: &str) -> bool {
        self.sim_or_skip(why).is_none()
    }

    pub fn server_url(&self) -> Option<String> {
        self.server.as_ref().map(|s| s.url())
    }

    /// kubectl for this cluster and namespace, to hand to another thread.
    pub fn kubectl_handle(&self) -> Kubectl {
        Kubectl {
            kubeconfig: self.kubeconfig.clone(),
            namespace: self.namespace.clone(),
            cache_root: self.dir.path().to_path_buf(),
        }
    }

    pub fn kubectl_cmd(&self, args: &[&str]) -> Command {
        self.kubectl_handle().cmd(args)
    }

    /// Plays another writer: polls `when` every 100 ms on its own thread and, the first time it
    /// holds, runs `act` once (a kubectl write, say) — while the test runs the tool. Works the
    /// same against a real cluster. [`OtherWriter::finish`] says what the write answered.
    pub fn other_writer(
        &self,
        mut when: impl FnMut(&Kubectl) -> bool + Send + 'static,
        act: impl FnOnce(&Kubectl) -> Out + Send + 'static,
    ) -> OtherWriter {
        let k = self.kubectl_handle();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                if when(&k) {
                    return Some(act(&k));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            None
        });
        OtherWriter {
            stop,
            handle: Some(handle),
        }
    }

    /// Nodes that are Ready and schedulable now: not cordoned, and without a NoSchedule or
    /// NoExecute taint (a real cluster's control-plane nodes take no test pods).
    pub fn ready_nodes(&self) -> Vec<String> {
        let nodes = self.json(&["get", "nodes"]);
        nodes["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|n| {
                n["spec"]["unschedulable"] != true
                    && ready_condition(n).is_some_and(|c| c["status"] == "True")
                    && n["spec"]["taints"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .all(|t| t["effect"] != "NoSchedule" && t["effect"] != "NoExecute")
            })
            .filter_map(|n| n["metadata"]["name"].as_str().map(String::from))
            .collect()
    }

    /// A node's zone label, if it has one.
    pub fn zone_of(&self, node: &str) -> Option<String> {
        let z = self.jsonpath(
            &["get", "node", node],
            "{.metadata.labels.topology\\.kubernetes\\.io/zone}",
        );
        (!z.is_empty()).then_some(z)
    }

    /// Waits (scaled, up to 60 s) until `n` nodes are Ready and schedulable; false, after
    /// saying on stderr that the test cannot run, when they never are (a real cluster with
    /// fewer nodes, or one a previous test left broken). Call it before changing anything.
    pub fn require_ready_nodes(&self, n: usize) -> bool {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.eventually(60, &format!("{n} Ready nodes"), || {
                (self.ready_nodes().len() >= n).then_some(())
            })
        }))
        .is_ok();
        if !ok {
            skip(&format!(
                "needs {n} Ready, schedulable nodes; the cluster has {}",
                self.ready_nodes().len()
            ));
        }
        ok
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

    /// The class for the kind of volume a test needs (`network`, `zonal`, `node-local`,
    /// `local-path`), or None after saying why the test is skipped: a real cluster without such
    /// storage (kind has only node-pinned local-path volumes) cannot run it.
    pub fn class_or_skip(&self, sim_class: &str) -> Option<String> {
        let class = self.class_for(sim_class);
        if self.is_sim()
            || self
                .kubectl(&["get", "storageclass", &class, "-o", "name"])
                .code
                == 0
        {
            return Some(class);
        }
        let var = match sim_class {
            "network" => "KUBECTL_STS_TEST_NETWORK_CLASS",
            "zonal" => "KUBECTL_STS_TEST_ZONAL_CLASS",
            "node-local" => "KUBECTL_STS_TEST_NODE_LOCAL_CLASS",
            _ => "KUBECTL_STS_TEST_LOCAL_CLASS",
        };
        skip(&format!(
            "needs {sim_class} volumes: the cluster has no storage class {class:?} (set {var})"
        ));
        None
    }

    /// The storage class for node-pinned or network volumes (env overrides for real clusters).
    pub fn storage_class(&self, network: bool) -> String {
        self.class_for(if network { "network" } else { "local-path" })
    }

    /// The real cluster's class for one of the simulated cluster's: `local-path` (pinned by
    /// hostname), `network` (attaches anywhere), `zonal` (a zone's nodes), `node-local` (pinned
    /// by a CSI topology key), each overridable by its variable.
    pub fn class_for(&self, sim_class: &str) -> String {
        let var = match sim_class {
            "network" => "KUBECTL_STS_TEST_NETWORK_CLASS",
            "zonal" => "KUBECTL_STS_TEST_ZONAL_CLASS",
            "node-local" => "KUBECTL_STS_TEST_NODE_LOCAL_CLASS",
            _ => "KUBECTL_STS_TEST_LOCAL_CLASS",
        };
        std::env::var(var).unwrap_or_else(|_| sim_class.to_string())
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
            "storage class {class:?} does not exist in the cluster under test: set KUBECTL_STS_TEST_LOCAL_CLASS (node-pinned volumes) and KUBECTL_STS_TEST_NETWORK_CLASS (volumes that can move) to classes it has; KUBECTL_STS_TEST_ZONAL_CLASS and KUBECTL_STS_TEST_NODE_LOCAL_CLASS for zonal and CSI-topology-pinned ones) ({})",
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
        // a real node this test powered off comes back, even when the test failed
        let off = std::mem::take(&mut *self.powered_off.lock().unwrap_or_else(|e| e.into_inner()));
        for node in off {
            if let Err(e) =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| power(self, &node, true)))
            {
                let _ = writeln!(std::io::stderr(), "could not power {node} back on: {e:?}");
            }
        }
        if self.own_nodes.is_some() {
            if std::thread::panicking() {
                crate::controlplane::get().keep_logs();
            }
            self.restore_nodes();
        }
        if self.server.is_none() {
            let _ = self.kubectl(&[
                "delete",
                "namespace",
                &self.namespace.clone(),
                "--wait=false",
            ]);
        }
        // On the harness's own control plane the next test starts only once this one's pods
        // are gone: a drain looks at every pod on a node, and a set left stuck by the test
        // before, still terminating in its namespace, made a later drain refuse (the real
        // tier's first drain run; the order-dependent drain tests).
        if self.own_nodes.is_some() {
            let deadline = Instant::now() + Duration::from_secs(90);
            while Instant::now() < deadline
                && self
                    .kubectl(&["get", "namespace", &self.namespace.clone(), "-o", "name"])
                    .code
                    == 0
            {
                std::thread::sleep(Duration::from_millis(500));
            }
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
    lab_with(test, force_detach, |_| Sts {
        class,
        ..Default::default()
    })
}

/// As [`lab`], with the set that `sts` makes from the cluster (placement through its nodes:
/// [`Cluster::ready_nodes`]).
pub fn lab_with<'a>(
    test: &str,
    force_detach: Duration,
    sts: impl FnOnce(&Cluster) -> Sts<'a>,
) -> Option<Cluster> {
    let config = SimConfig {
        node_monitor_grace: Duration::from_secs(8),
        toleration_seconds: 10,
        lease_renew: Duration::from_secs(2),
        force_detach_after: force_detach,
        speed: 5.0,
        ..SimConfig::default()
    };
    let c = Cluster::with_nodes(test, 3, config);
    if !c.is_sim() && !c.is_own_control_plane() && std::env::var_os(POWER_ENV).is_none() {
        skip(&format!(
            "powers nodes off: set {POWER_ENV} to run it on a real cluster"
        ));
        return None;
    }
    // maxWaitForUnmountDuration (pkg/controller/volume/attachdetach) is a constant: on a real
    // control plane a test that waits for the forced detach waits 6 minutes
    if !c.is_sim()
        && force_detach < Duration::from_secs(360)
        && std::env::var_os(SLOW_ENV).is_none()
    {
        skip(&format!(
            "waits for the attach/detach controller's forced detach, 6 min on a real control plane (no flag shortens it): set {SLOW_ENV}=1 to run it"
        ));
        return None;
    }
    c.take_power_lock();
    if !c.require_ready_nodes(3) {
        return None;
    }
    let sts = sts(&c);
    c.class_or_skip(sts.class)?;
    sts.deploy(&c, 90);
    Some(c)
}

/// Powers a simulated node off or on (its kubelet stops or resumes).
/// Powers a node off or on: a simulated one by its annotation (its kubelet stops or resumes),
/// a real one through `KUBECTL_STS_TEST_POWER_CMD off|on NODE` (run by `sh -c`).
pub fn power(c: &Cluster, node: &str, on: bool) {
    let state = if on { "on" } else { "off" };
    let annotate = || {
        let v = format!("kubectl-sts.sim/power={state}");
        c.kubectl_ok(&["annotate", "node", node, "--overwrite", &v]);
    };
    if c.is_sim() {
        annotate();
        return;
    }
    c.take_power_lock();
    {
        let mut off = c.powered_off.lock().unwrap_or_else(|e| e.into_inner());
        off.retain(|n| n != node);
        if !on {
            off.push(node.to_string());
        }
    }
    if c.is_own_control_plane() {
        // the agents' kubelets stop and resume by the same annotation
        annotate();
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

/// Runs the tests that take minutes on a real control plane (the 6-minute forced detach).
pub const SLOW_ENV: &str = "KUBECTL_STS_TEST_SLOW";

/// The command that powers a real cluster's node off and on (`CMD off NODE`, `CMD on NODE`).
pub const POWER_ENV: &str = "KUBECTL_STS_TEST_POWER_CMD";

impl Cluster {
    /// Real cluster: one test at a time powers nodes, across the test binaries of both crates
    /// (an exclusive lock on a file in the temporary directory, held until the test ends): run
    /// in parallel they once powered every node of a 3-node cluster off.
    fn take_power_lock(&self) {
        if self.is_sim() || self.power_lock.get().is_some() {
            return;
        }
        let path = std::env::temp_dir().join("kubectl-sts-test-power.lock");
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        f.lock()
            .unwrap_or_else(|e| panic!("lock {}: {e}", path.display()));
        let _ = self.power_lock.set(f);
    }
}

/// Powers off (or on) every node of a zone.
pub fn power_zone(c: &Cluster, zone: &str, on: bool) -> Vec<String> {
    let nodes = c.kubectl_ok(&[
        "get",
        "nodes",
        "-l",
        &format!("topology.kubernetes.io/zone={zone}"),
        "-o",
        "name",
    ]);
    let names: Vec<String> = nodes
        .lines()
        .filter_map(|l| l.strip_prefix("node/"))
        .map(String::from)
        .collect();
    for n in &names {
        power(c, n, on);
    }
    names
}

/// Pod spec lines (for [`Sts::pod_extra`]) that put every replica on one node: co-located
/// ordinals, as a real cluster does when the scheduler finds room only there.
pub fn on_node(node: &str) -> String {
    format!("nodeSelector:\n  kubernetes.io/hostname: {node}")
}

/// Pod spec lines that keep the set in one zone.
pub fn in_zone(zone: &str) -> String {
    format!("nodeSelector:\n  topology.kubernetes.io/zone: {zone}")
}

/// Pod spec lines: at most one replica of `app` per value of `topology_key` (required
/// anti-affinity, as database charts set it).
pub fn one_per(app: &str, topology_key: &str) -> String {
    format!(
        "affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
    - labelSelector:
        matchLabels:
          app: {app}
      topologyKey: {topology_key}"
    )
}

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

/// True, after saying the test is skipped and why, when the tests run against a real cluster:
/// for a test that needs the simulator (its request log, injected faults) to decide so before
/// it creates or powers off anything.
pub fn needs_sim(why: &str) -> bool {
    let real = std::env::var_os(EXTERNAL_ENV).is_some() || crate::controlplane::wanted();
    if real {
        skip(why);
    }
    real
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
    /// extra pod spec lines (YAML at the pod spec's indentation): placement (see
    /// [`on_node`], [`one_per`], [`in_zone`]), resources, tolerations
    pub pod_extra: &'a str,
    /// extra lines of the app container (YAML at the container's indentation), e.g. a
    /// readinessProbe
    pub container_extra: &'a str,
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
            pod_extra: "",
            container_extra: "",
            image: "han0495/flask-example-app",
        }
    }
}

impl Sts<'_> {
    /// Applies it in the cluster's test namespace and waits until every replica is Ready.
    pub fn deploy(&self, c: &Cluster, secs: u64) {
        let class = c.class_for(self.class);
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
        let pod_extra: String = self
            .pod_extra
            .lines()
            .map(|l| format!("      {l}\n"))
            .collect();
        let container_extra: String = self
            .container_extra
            .lines()
            .map(|l| format!("        {l}\n"))
            .collect();
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
{pod_extra}      terminationGracePeriodSeconds: 10
      containers:
      - name: app
        image: {img}
{container_extra}        ports:
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

/// `kubectl get pods -w --output-watch-events -o json` in the test namespace, into a file (a
/// pipe nobody reads while the command under test runs fills at 64 KB and stalls kubectl).
pub struct PodWatch {
    child: std::process::Child,
    path: PathBuf,
}

impl Cluster {
    /// Starts watching the namespace's pods (those `selector` matches, when given).
    pub fn watch_pods(&self, selector: Option<&str>) -> PodWatch {
        let path = self.dir.path().join(unique("pods-watch"));
        let mut args = vec!["get", "pods", "-w", "--output-watch-events", "-o", "json"];
        if let Some(s) = selector {
            args.extend(["-l", s]);
        }
        let child = self
            .kubectl_cmd(&args)
            .stdout(std::fs::File::create(&path).expect("watch log"))
            .stderr(Stdio::null())
            .spawn()
            .expect("kubectl get pods -w");
        PodWatch { child, path }
    }
}

impl PodWatch {
    /// Stops the watch a second after the last change it should see, and returns its log.
    pub fn stop(mut self) -> String {
        std::thread::sleep(Duration::from_secs(1));
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read_to_string(&self.path).expect("watch log")
    }
}

/// The most pods of one StatefulSet (pods `<set>-<ordinal>`) unavailable at once — deleted,
/// terminating or not Ready —, replayed from a [`PodWatch`] log; `up_at_start` names pods
/// that count as up before their first event (a replica missing from the log's start).
pub fn most_down_in_one_set(log: &str, up_at_start: &[String]) -> usize {
    fn set_of(pod: &str) -> &str {
        pod.rsplit_once('-').map_or(pod, |(set, _)| set)
    }
    let mut up: std::collections::BTreeMap<String, bool> =
        up_at_start.iter().map(|p| (p.clone(), true)).collect();
    let mut most = 0;
    for ev in serde_json::Deserializer::from_str(log).into_iter::<serde_json::Value>() {
        // the last event may be cut short where the watch was stopped
        let Ok(ev) = ev else { break };
        let pod = &ev["object"];
        let name = pod["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ready = pod["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        let available =
            ev["type"] != "DELETED" && ready && pod["metadata"]["deletionTimestamp"].is_null();
        let set = set_of(&name).to_string();
        up.insert(name, available);
        let down = up.iter().filter(|(p, a)| set_of(p) == set && !**a).count();
        most = most.max(down);
    }
    most
}
