//! The simulated cluster: an HTTP server on 127.0.0.1 that speaks the
//! Kubernetes REST protocol (what kubectl and kube-rs use), backed by an
//! in-memory store, plus the control loops that make objects behave.
//!
//! Everything it serves is compiled into the binary.

pub mod api;
pub mod defaults;
pub mod discovery;
mod gc;
pub mod openapi;
pub mod registry;
pub mod resources;
pub mod selectors;
pub mod smp;
pub mod status;
pub mod store;
pub mod tables;
pub mod validation;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::task::JoinHandle;

pub use registry::Registry;

/// The simulated control plane's shared state.
pub struct Sim {
    pub registry: Registry,
    address: Mutex<String>,
}

impl Sim {
    /// A fresh cluster with the namespaces every cluster has.
    pub fn new() -> Arc<Sim> {
        let sim = Arc::new(Sim {
            registry: Registry::new(),
            address: Mutex::new("127.0.0.1:6443".into()),
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
        }
        sim
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

    /// Starts the background controllers (garbage collector); needs a tokio runtime.
    pub fn start_controllers(self: &Arc<Self>) -> Vec<JoinHandle<()>> {
        vec![tokio::spawn(self.clone().run_gc())]
    }
}

/// A running simulated cluster, serving on `addr` until dropped.
pub struct SimServer {
    pub sim: Arc<Sim>,
    pub addr: SocketAddr,
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
    /// Serves a fresh cluster on 127.0.0.1:`port` (0 = any free port).
    pub async fn start(port: u16) -> std::io::Result<SimServer> {
        Self::start_with(Sim::new(), port).await
    }

    pub async fn start_with(sim: Arc<Sim>, port: u16) -> std::io::Result<SimServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        *sim.address.lock().unwrap_or_else(|e| e.into_inner()) = addr.to_string();
        let router = sim.router();
        let mut tasks = sim.start_controllers();
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        }));
        Ok(SimServer { sim, addr, tasks })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig whose current context points at this server, namespace `default`.
    pub fn kubeconfig_yaml(&self) -> String {
        kubeconfig_yaml(&self.url())
    }

    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig_yaml())
    }
}

pub const CONTEXT: &str = "kubectl-sts-sim";

pub fn kubeconfig_yaml(server: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {CONTEXT}
  cluster:
    server: {server}
contexts:
- name: {CONTEXT}
  context:
    cluster: {CONTEXT}
    user: {CONTEXT}
    namespace: default
current-context: {CONTEXT}
users:
- name: {CONTEXT}
  user: {{}}
preferences: {{}}
"
    )
}
