//! The simulated cluster: an HTTP server on 127.0.0.1 that speaks the
//! Kubernetes REST protocol (what kubectl and kube-rs use), backed by an
//! in-memory store, plus the control loops that make objects behave.
//!
//! Everything it serves is compiled into the binary.

#[cfg(feature = "agents")]
pub mod agents;
pub mod api;
pub mod config;
pub mod controllers;
#[cfg(feature = "testkit")]
pub mod controlplane;
pub mod conversion;
pub mod defaults;
pub mod discovery;
pub mod fixtures;
mod gc;
pub mod managed;
pub mod openapi;
pub mod protobuf;
pub mod registry;
pub mod resources;
pub use kube_common::selectors;
pub mod smp;
pub mod stats;
pub mod status;
pub mod store;
pub mod tables;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tls;
pub mod validation;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::task::JoinHandle;

pub use registry::Registry;

pub use config::SimConfig;

/// One served request, for tests and benchmarks that count round trips.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    pub latency: std::time::Duration,
    /// The response body's length, when known before it is sent (not a watch's stream): what
    /// a client read, for tests that hold a command's reads to its subject.
    pub bytes: Option<u64>,
}

impl RequestRecord {
    /// `/version`, `/api`, `/apis`, group discovery and OpenAPI: not API round trips of a command.
    pub fn is_discovery(&self) -> bool {
        let p = self.path.trim_end_matches('/');
        p == "/version"
            || p == "/api"
            || p == "/apis"
            || p.starts_with("/openapi")
            || p == "/api/v1"
            || (p.starts_with("/apis/") && p.matches('/').count() <= 3)
    }
}

/// An injected failure: the next `times` requests with this verb on this resource
/// (`*` matches any) get `status` instead of being served.
#[derive(Debug, Clone)]
pub struct Fault {
    pub verb: String,
    pub resource: String,
    pub status: u16,
    pub times: u32,
    /// For 429/503: the Retry-After seconds.
    pub retry_after: Option<u64>,
}

impl Fault {
    /// `VERB:RESOURCE:STATUS[:TIMES]`, e.g. `list:pods:503:2` (the `sim --fault` syntax).
    pub fn parse(s: &str) -> Result<Fault, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let bad = || {
            format!(
                "invalid fault {s:?}: expected VERB:RESOURCE:STATUS[:TIMES], e.g. list:pods:503:2"
            )
        };
        if parts.len() < 3 || parts.len() > 4 {
            return Err(bad());
        }
        let status: u16 = parts[2].parse().map_err(|_| bad())?;
        let times: u32 = match parts.get(3) {
            Some(t) => t.parse().map_err(|_| bad())?,
            None => 1,
        };
        Ok(Fault {
            verb: parts[0].into(),
            resource: parts[1].into(),
            status,
            times,
            retry_after: matches!(status, 429 | 503).then_some(1),
        })
    }
}

/// Another writer's write that lands between a client's read and its own write, made
/// deterministic: the next `times` requests with this verb on a named object of this resource
/// (`*` matches any) find the object written once more just before they are served.
#[derive(Debug, Clone)]
pub struct Interleave {
    pub verb: String,
    pub resource: String,
    pub times: u32,
    /// None: a controller's status write (the kubelet's node status, the StatefulSet
    /// controller's counts): the object's resourceVersion moves and nothing a client reads
    /// from its spec or metadata changes. Some(patch): another writer's merge patch of the
    /// object itself (its spec, its annotations).
    pub patch: Option<serde_json::Value>,
}

impl Interleave {
    /// A status write before each of the next `times` `verb` requests on `resource`.
    pub fn status_write(verb: &str, resource: &str, times: u32) -> Interleave {
        Interleave {
            verb: verb.into(),
            resource: resource.into(),
            times,
            patch: None,
        }
    }
}

/// Failure injection, changeable at run time (tests, `sim` flags).
#[derive(Debug, Default)]
pub struct Faults {
    pub faults: Vec<Fault>,
    /// Writes made just before matching requests are served (see [`Interleave`]).
    pub interleaved: Vec<Interleave>,
    /// Added before every request is served.
    pub latency: std::time::Duration,
    /// Watch streams end after this many events.
    pub cut_watch_after: Option<usize>,
    /// Controllers (by name, e.g. `statefulset-controller`) that do not run: a stopped or
    /// wedged kube-controller-manager, as far as they are concerned.
    pub stopped_controllers: Vec<String>,
}

/// The simulated control plane's shared state.
pub struct Sim {
    pub registry: Registry,
    address: Mutex<String>,
    requests: Mutex<Vec<RequestRecord>>,
    pub faults: Mutex<Faults>,
    /// What tests staged on claims' volumes, by (namespace, claim): what the kubelets' Summary
    /// API reports for them (see [`stats`]).
    volume_stages: Mutex<std::collections::HashMap<(String, String), stats::VolumeStage>>,
}

impl Sim {
    /// A fresh cluster with the namespaces every cluster has.
    pub fn new() -> Arc<Sim> {
        Self::with_config(SimConfig::default())
    }

    pub fn with_config(config: SimConfig) -> Arc<Sim> {
        let sim = Arc::new(Sim {
            registry: Registry::new(config),
            address: Mutex::new("127.0.0.1:6443".into()),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::default()),
            volume_stages: Mutex::new(Default::default()),
        });
        let ns = resources::by_kind("Namespace").expect("namespaces served");
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            sim.registry
                .create(
                    ns,
                    "",
                    json!({"metadata": {"name": name}}),
                    &Default::default(),
                )
                .expect("bootstrap namespace");
            // a running cluster's system namespaces have had their `default` ServiceAccount
            // from the serviceaccounts controller since it started
            let sa = resources::by_kind("ServiceAccount").expect("serviceaccounts served");
            sim.registry
                .create(
                    sa,
                    name,
                    json!({"metadata": {"name": "default", "namespace": name}}),
                    &Default::default(),
                )
                .expect("bootstrap service account");
        }
        sim
    }

    pub fn record(&self, r: RequestRecord) {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(r);
    }

    /// Every request served so far (method, path, query, status, latency).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn clear_requests(&self) {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Injects a failure (see [`Fault`]).
    pub fn inject(&self, f: Fault) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .faults
            .push(f);
    }

    /// Takes one matching fault, if any is left.
    pub fn take_fault(&self, verb: &str, resource: &str) -> Option<Fault> {
        let mut g = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let f = g.faults.iter_mut().find(|f| {
            f.times > 0
                && (f.verb == verb || f.verb == "*")
                && (f.resource == resource || f.resource == "*")
        })?;
        f.times -= 1;
        Some(f.clone())
    }

    /// Makes another writer's write land right before matching requests (see [`Interleave`]).
    pub fn interleave(&self, i: Interleave) {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .interleaved
            .push(i);
    }

    /// Takes one matching interleaved write, if any is left.
    pub fn take_interleave(&self, verb: &str, resource: &str) -> Option<Interleave> {
        let mut g = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let i = g.interleaved.iter_mut().find(|i| {
            i.times > 0
                && (i.verb == verb || i.verb == "*")
                && (i.resource == resource || i.resource == "*")
        })?;
        i.times -= 1;
        Some(i.clone())
    }

    pub fn config(&self) -> &SimConfig {
        &self.registry.config
    }

    pub fn address(&self) -> String {
        self.address
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The axum router; also usable in-process as a tower service for `kube::Client::new`.
    pub fn router(self: &Arc<Self>) -> axum::Router {
        api::router(self.clone())
    }

    /// Starts the background controllers; needs a tokio runtime.
    pub fn start_controllers(self: &Arc<Self>) -> Vec<JoinHandle<()>> {
        use controllers::*;
        let loops: Vec<Box<dyn Controller>> = vec![
            Box::new(statefulset::StatefulSetController::default()),
            Box::new(scheduler::Scheduler::default()),
            Box::new(volumes::Volumes::default()),
            Box::new(kubelet::Kubelets::default()),
            Box::new(nodes::NodeLifecycle::default()),
            Box::new(endpoints::EndpointsController),
            Box::new(disruption::DisruptionController),
            Box::new(namespaces::NamespaceController),
        ];
        vec![
            tokio::spawn(self.clone().run_gc()),
            tokio::spawn(controllers::run(
                self.clone(),
                loops,
                std::time::Duration::from_millis(100),
            )),
        ]
    }

    /// Loads a scenario: nodes `n1..nN`, the storage classes, then its objects.
    pub fn load(&self, scenario: &Scenario) -> Result<(), String> {
        let zones = &self.config().zones;
        for i in 1..=scenario.nodes {
            let mut node = controllers::kubelet::node_object(&format!("n{i}"), i);
            if !zones.is_empty() {
                let labels = &mut node["metadata"]["labels"];
                labels["topology.kubernetes.io/zone"] = json!(zones[(i - 1) % zones.len()]);
                labels["topology.kubernetes.io/region"] = json!(config::REGION);
            }
            self.registry
                .create(controllers::def("Node"), "", node, &Default::default())
                .map_err(|e| e.message().to_string())?;
        }
        for sc in controllers::volumes::storage_classes() {
            self.registry
                .create(
                    controllers::def("StorageClass"),
                    "",
                    sc,
                    &Default::default(),
                )
                .map_err(|e| e.message().to_string())?;
        }
        for obj in &scenario.objects {
            let kind = obj["kind"].as_str().unwrap_or_default();
            let def = resources::by_kind(kind).ok_or_else(|| {
                format!("scenario: kind {kind:?} is not served by the simulated cluster")
            })?;
            let ns = if def.namespaced {
                obj["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default")
                    .to_string()
            } else {
                String::new()
            };
            if def.namespaced && self.get_kind("Namespace", "", &ns).is_none() {
                let _ = self.create_kind("Namespace", "", json!({"metadata": {"name": ns}}));
            }
            // what a cluster starts with has had its `default` ServiceAccounts all along
            if def.namespaced && self.get_kind("ServiceAccount", &ns, "default").is_none() {
                let sa = json!({"metadata": {"name": "default", "namespace": ns}});
                let _ = self.create_kind("ServiceAccount", &ns, sa);
            }
            self.registry
                .create(def, &ns, obj.clone(), &Default::default())
                .map_err(|e| {
                    format!(
                        "scenario: {kind} {}: {}",
                        obj["metadata"]["name"],
                        e.message()
                    )
                })?;
        }
        Ok(())
    }
}

/// What a simulated cluster starts with.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub nodes: usize,
    pub objects: Vec<serde_json::Value>,
}

impl Scenario {
    /// The seed lab: the flask Service + StatefulSet in `default` (embedded).
    pub fn seed(nodes: usize) -> Scenario {
        Scenario::from_yaml(include_str!("scenarios/seed.yaml"), nodes)
            .expect("embedded seed scenario parses")
    }

    /// Multi-document Kubernetes YAML; Node objects in it come in addition to `nodes`.
    pub fn from_yaml(text: &str, nodes: usize) -> Result<Scenario, String> {
        let docs: Vec<serde_json::Value> =
            serde_saphyr::from_multiple(text).map_err(|e| format!("invalid scenario YAML: {e}"))?;
        Ok(Scenario {
            nodes,
            objects: docs.into_iter().filter(|d| d.is_object()).collect(),
        })
    }
}

/// A running simulated cluster, serving on `addr` until dropped.
pub struct SimServer {
    pub sim: Arc<Sim>,
    pub addr: SocketAddr,
    /// With TLS: the CA that signed the serving certificate (PEM).
    pub ca_pem: Option<String>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for SimServer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl SimServer {
    /// Serves a fresh, empty cluster on 127.0.0.1:`port` (0 = any free port).
    pub async fn start(port: u16) -> std::io::Result<SimServer> {
        Self::start_with(Sim::new(), port).await
    }

    /// Serves a cluster loaded with `scenario`, with `config`'s timings.
    pub async fn start_scenario(
        scenario: &Scenario,
        config: SimConfig,
        port: u16,
    ) -> std::io::Result<SimServer> {
        let sim = Sim::with_config(config);
        sim.load(scenario).map_err(std::io::Error::other)?;
        Self::start_with(sim, port).await
    }

    pub async fn start_with(sim: Arc<Sim>, port: u16) -> std::io::Result<SimServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        *sim.address.lock().unwrap_or_else(|e| e.into_inner()) = addr.to_string();
        let router = sim.router();
        let mut tasks = sim.start_controllers();
        let ca_pem = if sim.config().tls {
            let tls = tls::generate().map_err(std::io::Error::other)?;
            tasks.push(tokio::spawn(tls::serve(listener, tls.acceptor, router)));
            Some(tls.ca_pem)
        } else {
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            }));
            None
        };
        Ok(SimServer {
            sim,
            addr,
            ca_pem,
            tasks,
        })
    }

    pub fn url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// A kubeconfig for this server with another user's token (or none).
    pub fn kubeconfig_for(&self, token: Option<&str>) -> String {
        kubeconfig(&self.url(), self.ca_pem.as_deref(), token)
    }

    /// A kubeconfig whose current context points at this server, namespace `default`
    /// (with the first configured token, when the server requires one).
    pub fn kubeconfig_yaml(&self) -> String {
        let token = self.sim.config().tokens.first().map(|(t, _)| t.clone());
        kubeconfig(&self.url(), self.ca_pem.as_deref(), token.as_deref())
    }

    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig_yaml())
    }
}

pub const CONTEXT: &str = "kubectl-sts-sim";

pub fn kubeconfig_yaml(server: &str, token: Option<&str>) -> String {
    kubeconfig(server, None, token)
}

/// A kubeconfig for `server`, trusting `ca_pem` when given, authenticating with `token`.
pub fn kubeconfig(server: &str, ca_pem: Option<&str>, token: Option<&str>) -> String {
    use base64::Engine;
    let ca = match ca_pem {
        Some(pem) => format!(
            "\n    certificate-authority-data: {}",
            base64::engine::general_purpose::STANDARD.encode(pem)
        ),
        None => String::new(),
    };
    let user = match token {
        Some(t) => format!("\n    token: {t}"),
        None => " {}".to_string(),
    };
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {CONTEXT}
  cluster:
    server: {server}{ca}
contexts:
- name: {CONTEXT}
  context:
    cluster: {CONTEXT}
    user: {CONTEXT}
    namespace: default
current-context: {CONTEXT}
users:
- name: {CONTEXT}
  user:{user}
preferences: {{}}
"
    )
}
