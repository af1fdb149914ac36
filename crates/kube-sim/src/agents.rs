//! The simulated cluster's node-side controllers against an external kube-apiserver (feature
//! `agents`, issue 33 item 3): the kubelets of nodes `n1..nN` (node registration, Lease, status,
//! pod lifecycle, volumes in use, power off/on by annotation) and what runs beside a real
//! control plane rather than in it — the external provisioners, the CSI external attacher and
//! resizer. The same code as in the simulated cluster ([`crate::controllers::kubelet`],
//! [`crate::controllers::volumes`]); only "the API" differs: [`KubeApi`] serves
//! [`ClusterApi`] with a kube-rs client.
//!
//! The controllers are level-triggered and synchronous: the agents run them in a thread of
//! their own, one pass every [`TICK`], each pass reading what it needs by LIST (each kind read
//! at most once a pass, see [`KubeApi::begin_pass`]). Cost: about six LISTs a pass (Nodes, Pods,
//! claims, volumes, attachments, classes), 30 a second — fine for the few dozen objects of a
//! test namespace, not for a big cluster (informers would be the next step).
//!
//! Identity: the agents write with the credentials of the kubeconfig they are given. A real
//! kubelet is `system:node:<name>` in `system:nodes`, limited by the Node authorizer and the
//! NodeRestriction admission plugin; the harness runs the agents as its admin instead (one
//! client for every node), so what they write is not checked as a kubelet's would be.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::controllers::kubelet::{node_object, Kubelets};
use crate::controllers::volumes::{self, Volumes};
use crate::controllers::{def, ClusterApi};
use crate::registry::{DeleteOpts, Result};
use crate::resources::ResourceDef;
use crate::status::ApiError;
use crate::store::Obj;
use crate::SimConfig;

/// How often the agents run a pass (the simulated cluster runs its loops at least every 100 ms
/// and after every change; against a real API server every pass costs LISTs).
pub const TICK: Duration = Duration::from_millis(250);

/// [`ClusterApi`] over HTTP: requests to an external kube-apiserver, blocking on a runtime of
/// the agents' own.
pub struct KubeApi {
    client: kube::Client,
    rt: tokio::runtime::Handle,
    config: SimConfig,
    /// `?fieldManager=` of every write (managedFields name the agent as the real one's are).
    manager: &'static str,
    /// Lists read during the current pass, by kind (cleared by [`KubeApi::begin_pass`] and,
    /// for a kind, by a write to it).
    cache: Mutex<HashMap<&'static str, Vec<Obj>>>,
}

fn url(def: &ResourceDef, ns: &str, name: &str, sub: Option<&str>) -> String {
    let mut u = if def.group.is_empty() {
        format!("/api/{}", def.version)
    } else {
        format!("/apis/{}/{}", def.group, def.version)
    };
    if def.namespaced && !ns.is_empty() {
        u += &format!("/namespaces/{ns}");
    }
    u += &format!("/{}", def.plural);
    if !name.is_empty() {
        u += &format!("/{name}");
    }
    if let Some(s) = sub {
        u += &format!("/{s}");
    }
    u
}

fn api_version(def: &ResourceDef) -> String {
    if def.group.is_empty() {
        def.version.to_string()
    } else {
        format!("{}/{}", def.group, def.version)
    }
}

fn to_api_error(e: kube::Error) -> ApiError {
    match e {
        kube::Error::Api(s) => ApiError::new(s.code, &s.reason, s.message.clone(), None),
        other => ApiError::new(503, "ServiceUnavailable", other.to_string(), None),
    }
}

impl KubeApi {
    pub fn new(
        client: kube::Client,
        rt: tokio::runtime::Handle,
        config: SimConfig,
        manager: &'static str,
    ) -> KubeApi {
        KubeApi {
            client,
            rt,
            config,
            manager,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Forgets what the last pass read: every pass starts from the API server's state.
    pub fn begin_pass(&self) {
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn forget(&self, kind: &str) {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k, _| *k != kind);
    }

    fn send(
        &self,
        method: http::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> std::result::Result<Value, kube::Error> {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::CONTENT_TYPE, content_type)
            .header(http::header::ACCEPT, "application/json")
            .body(body)
            .expect("request");
        self.rt.block_on(self.client.request::<Value>(req))
    }

    fn write(
        &self,
        kind: &str,
        method: http::Method,
        path: String,
        content_type: &str,
        body: &Value,
    ) -> Result<Obj> {
        self.forget(kind);
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}fieldManager={}", self.manager);
        self.send(
            method,
            &path,
            content_type,
            serde_json::to_vec(body).expect("json"),
        )
        .map(Arc::new)
        .map_err(to_api_error)
    }

    fn list_all(&self, d: &'static ResourceDef, ns: Option<&str>) -> Vec<Obj> {
        let path = url(d, ns.unwrap_or(""), "", None);
        let Ok(list) = self.send(http::Method::GET, &path, "application/json", vec![]) else {
            return vec![];
        };
        // list items carry no kind and apiVersion; the controllers read them (events'
        // involvedObject)
        let av = api_version(d);
        list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                let mut o = o.clone();
                o["apiVersion"] = json!(av);
                o["kind"] = json!(d.kind);
                Arc::new(o)
            })
            .collect()
    }

    /// Every object of a kind, read once a pass (Events are never cached: they are many,
    /// namespaced, and written as they are read).
    fn cached(&self, kind: &str, ns: Option<&str>) -> Vec<Obj> {
        let d = def(kind);
        if kind == "Event" {
            return self.list_all(d, ns);
        }
        if let Some(v) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(d.kind)
        {
            return v.clone();
        }
        let v = self.list_all(d, None);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(d.kind, v.clone());
        v
    }
}

impl ClusterApi for KubeApi {
    fn list_kind(&self, kind: &str, ns: Option<&str>) -> Vec<Obj> {
        let all = self.cached(kind, ns);
        match ns {
            Some(ns) if kind != "Event" => all
                .into_iter()
                .filter(|o| o["metadata"]["namespace"] == ns)
                .collect(),
            _ => all,
        }
    }

    fn get_kind(&self, kind: &str, ns: &str, name: &str) -> Option<Obj> {
        self.cached(kind, None).into_iter().find(|o| {
            o["metadata"]["name"] == name && (ns.is_empty() || o["metadata"]["namespace"] == ns)
        })
    }

    fn create_kind(&self, kind: &str, ns: &str, mut obj: Value) -> Result<Obj> {
        let d = def(kind);
        obj["apiVersion"] = json!(api_version(d));
        obj["kind"] = json!(d.kind);
        self.write(
            kind,
            http::Method::POST,
            url(d, ns, "", None),
            "application/json",
            &obj,
        )
    }

    fn merge_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj> {
        let d = def(kind);
        self.write(
            kind,
            http::Method::PATCH,
            url(d, ns, name, None),
            "application/merge-patch+json",
            patch,
        )
    }

    fn status_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj> {
        let d = def(kind);
        // the kubelet's status manager and node status updater send strategic merge patches
        // (pkg/kubelet/status/status_manager.go, pkg/util/node PatchNodeStatus): conditions
        // merge by type, so one another component wrote (DisruptionTarget on a pod,
        // NetworkUnavailable on a node) stays. Claims, volumes and attachments are the
        // controllers' own and replace their status fields as in the simulated cluster.
        let ct = if matches!(kind, "Pod" | "Node") {
            "application/strategic-merge-patch+json"
        } else {
            "application/merge-patch+json"
        };
        self.write(
            kind,
            http::Method::PATCH,
            url(d, ns, name, Some("status")),
            ct,
            patch,
        )
    }

    fn delete_kind(&self, kind: &str, ns: &str, name: &str, opts: &DeleteOpts) -> Result<Value> {
        let d = def(kind);
        let mut body = json!({"kind": "DeleteOptions", "apiVersion": "v1"});
        if let Some(g) = opts.grace_period {
            body["gracePeriodSeconds"] = json!(g);
        }
        if let Some(u) = &opts.precondition_uid {
            body["preconditions"]["uid"] = json!(u);
        }
        if let Some(rv) = &opts.precondition_rv {
            body["preconditions"]["resourceVersion"] = json!(rv);
        }
        if let Some(p) = &opts.propagation {
            body["propagationPolicy"] = json!(p);
        }
        self.forget(kind);
        self.send(
            http::Method::DELETE,
            &url(d, ns, name, None),
            "application/json",
            serde_json::to_vec(&body).expect("json"),
        )
        .map_err(to_api_error)
    }

    fn config(&self) -> &SimConfig {
        &self.config
    }
}

/// What the agents run: nodes `n1..nN`, spread over `zones` in turn (as the simulated
/// cluster's, [`crate::Sim::load`]).
#[derive(Debug, Clone)]
pub struct AgentSpec {
    pub nodes: usize,
    pub zones: Vec<String>,
    pub config: SimConfig,
}

/// The node agents, running in a thread of their own until dropped (or [`Agents::stop`]).
pub struct Agents {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub nodes: Vec<String>,
}

impl Drop for Agents {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Agents {
    /// Registers the nodes (and the storage classes and CSIDrivers of the simulated
    /// provisioners), then runs the kubelets and the external storage controllers against the
    /// API server `config` names.
    pub fn start(config: kube::Config, spec: AgentSpec) -> std::result::Result<Agents, String> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("kube-sim-agents")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let client = {
            let _g = rt.enter();
            kube::Client::try_from(config).map_err(|e| e.to_string())?
        };
        let kubelet_api = KubeApi::new(
            client.clone(),
            rt.handle().clone(),
            spec.config.clone(),
            "kubelet",
        );
        let storage_api = KubeApi::new(
            client,
            rt.handle().clone(),
            spec.config.clone(),
            "kube-sim-storage-agents",
        );
        let names: Vec<String> = (1..=spec.nodes).map(|i| format!("n{i}")).collect();
        register(&kubelet_api, &names, &spec.zones)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let only = names.clone();
        let thread = std::thread::Builder::new()
            .name("kube-sim-agents".into())
            .spawn(move || {
                let _rt = rt; // the client's connections live on it
                let mut kubelets = Kubelets::of_nodes(only);
                let mut storage = Volumes::external_only();
                while !flag.load(Ordering::SeqCst) {
                    let started = std::time::Instant::now();
                    kubelet_api.begin_pass();
                    kubelets.sync(&kubelet_api);
                    storage_api.begin_pass();
                    storage.sync(&storage_api);
                    if let Some(rest) = TICK.checked_sub(started.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Agents {
            stop,
            thread: Some(thread),
            nodes: names,
        })
    }

    /// Stops the agents (their nodes stop renewing leases: to the control plane, powered off).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The Node objects as a kubelet registers them, the simulated classes, and a CSIDriver per
/// driver (attachRequired: the attach/detach controller creates VolumeAttachments for them, as
/// golden's real one did for `local-path.csi.rancher.io`). Objects already there are kept.
fn register(api: &KubeApi, nodes: &[String], zones: &[String]) -> std::result::Result<(), String> {
    let conflict_ok = |r: Result<Obj>| match r {
        Ok(_) => Ok(()),
        Err(e) if e.code == 409 => Ok(()),
        Err(e) => Err(e.message().to_string()),
    };
    for (i, n) in nodes.iter().enumerate() {
        let mut node = node_object(n, i + 1);
        if !zones.is_empty() {
            let labels = &mut node["metadata"]["labels"];
            labels[volumes::ZONE_KEY] = json!(zones[i % zones.len()]);
            labels["topology.kubernetes.io/region"] = json!(crate::config::REGION);
        }
        conflict_ok(api.create_kind("Node", "", node))
            .map_err(|e| format!("register node {n}: {e}"))?;
    }
    for sc in volumes::storage_classes() {
        conflict_ok(api.create_kind("StorageClass", "", sc))
            .map_err(|e| format!("storage class: {e}"))?;
    }
    for driver in [
        volumes::LOCAL_PATH_DRIVER,
        volumes::NETWORK_PROVISIONER,
        volumes::ZONAL_PROVISIONER,
        volumes::TOPOLVM_PROVISIONER,
    ] {
        let body = json!({"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": driver},
            "spec": {"attachRequired": true, "podInfoOnMount": false, "volumeLifecycleModes": ["Persistent"]}});
        let r = api.send(
            http::Method::POST,
            "/apis/storage.k8s.io/v1/csidrivers",
            "application/json",
            serde_json::to_vec(&body).expect("json"),
        );
        match r {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 409 => {}
            Err(e) => return Err(format!("CSIDriver {driver}: {e}")),
        }
    }
    Ok(())
}
