//! The simulated control loops. Each is level-triggered: `reconcile` looks at the
//! whole store and moves objects one step toward what the real controller
//! would make of them, writing only through the registry (admission,
//! validation and watch events apply as for any client).

pub mod disruption;
pub mod endpoints;
pub mod events;
pub mod kubelet;
pub mod namespaces;
pub mod nodes;
pub mod placement;
pub mod scheduler;
pub mod statefulset;
pub mod volumes;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::registry::{DeleteOpts, PatchType, Result, WriteOpts};
use super::resources::{self, ResourceDef};
use super::store::Obj;
use super::Sim;

pub fn def(kind: &str) -> &'static ResourceDef {
    resources::by_kind(kind).unwrap_or_else(|| panic!("kind {kind} is served"))
}

pub fn name(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or("")
}

pub fn namespace(o: &Value) -> &str {
    o["metadata"]["namespace"].as_str().unwrap_or("")
}

pub fn uid(o: &Value) -> &str {
    o["metadata"]["uid"].as_str().unwrap_or("")
}

pub fn deleting(o: &Value) -> bool {
    !o["metadata"]["deletionTimestamp"].is_null()
}

/// Condition `type` of `status.conditions` with status "True".
pub fn condition_true(o: &Value, ty: &str) -> bool {
    condition(o, ty).is_some_and(|c| c["status"] == "True")
}

pub fn condition<'a>(o: &'a Value, ty: &str) -> Option<&'a Value> {
    o["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == ty))
}

/// Sets (or replaces) a condition in a conditions array, keeping lastTransitionTime when unchanged.
pub fn set_condition(conds: &mut Vec<Value>, mut c: Value) {
    if let Some(old) = conds.iter_mut().find(|x| x["type"] == c["type"]) {
        if old["status"] == c["status"] && !old["lastTransitionTime"].is_null() {
            c["lastTransitionTime"] = old["lastTransitionTime"].clone();
        }
        *old = c;
    } else {
        conds.push(c);
    }
}

/// In-process client for controllers.
impl Sim {
    pub fn list_kind(&self, kind: &str, ns: Option<&str>) -> Vec<Obj> {
        self.registry
            .store
            .lock()
            .list(def(kind), ns)
            .into_iter()
            .map(|(_, o)| o)
            .collect()
    }

    pub fn get_kind(&self, kind: &str, ns: &str, name: &str) -> Option<Obj> {
        self.registry.store.lock().get(def(kind), ns, name)
    }

    pub fn create_kind(&self, kind: &str, ns: &str, obj: Value) -> Result<Obj> {
        self.registry
            .create(def(kind), ns, obj, &WriteOpts::default())
    }

    pub fn merge_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj> {
        let body = serde_json::to_vec(patch).expect("json");
        self.registry.patch(
            def(kind),
            ns,
            name,
            (PatchType::Merge, &body),
            None,
            &WriteOpts::default(),
        )
    }

    pub fn status_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj> {
        let body = serde_json::to_vec(patch).expect("json");
        self.registry.patch(
            def(kind),
            ns,
            name,
            (PatchType::Merge, &body),
            Some("status"),
            &WriteOpts::default(),
        )
    }

    /// PUT of the status subresource with the object's resourceVersion (optimistic concurrency).
    pub fn status_update(&self, kind: &str, obj: Value) -> Result<Obj> {
        let (ns, n) = (namespace(&obj).to_string(), name(&obj).to_string());
        self.registry.update(
            def(kind),
            &ns,
            &n,
            obj,
            Some("status"),
            &WriteOpts::default(),
        )
    }

    /// PUT of the whole object with its resourceVersion (optimistic concurrency), as a
    /// controller's `Update` (not the status subresource).
    pub fn update_kind(&self, kind: &str, obj: Value) -> Result<Obj> {
        let (ns, n) = (namespace(&obj).to_string(), name(&obj).to_string());
        self.registry
            .update(def(kind), &ns, &n, obj, None, &WriteOpts::default())
    }

    pub fn delete_kind(
        &self,
        kind: &str,
        ns: &str,
        name: &str,
        opts: &DeleteOpts,
    ) -> Result<Value> {
        self.registry.delete(def(kind), ns, name, opts)
    }
}

/// "The API" as the node-side controllers (kubelets, provisioners, CSI attacher, resizer) use
/// it: served in-process by the simulated cluster's registry ([`Sim`]) and, for the real
/// control-plane tier, by a client of an external kube-apiserver
/// ([`crate::agents::KubeApi`], feature `agents`). One implementation of those controllers
/// for both tiers (issue 33, item 3).
pub trait ClusterApi: Sync {
    fn list_kind(&self, kind: &str, ns: Option<&str>) -> Vec<Obj>;
    fn get_kind(&self, kind: &str, ns: &str, name: &str) -> Option<Obj>;
    fn create_kind(&self, kind: &str, ns: &str, obj: Value) -> Result<Obj>;
    /// JSON merge patch (RFC 7386) of the object.
    fn merge_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj>;
    /// A patch of the status subresource. A merge patch; a client of a real API server sends
    /// Pods' and Nodes' as strategic merge patches (as the kubelet does), so conditions of a
    /// type the patch does not name, written by others, are kept.
    fn status_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj>;
    fn delete_kind(&self, kind: &str, ns: &str, name: &str, opts: &DeleteOpts) -> Result<Value>;
    /// Records a core/v1 Event about `obj` (see [`events::record`]).
    fn event(
        &self,
        obj: &Value,
        ty: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        events::record(self, obj, ty, reason, message, component, host)
    }
    fn config(&self) -> &crate::SimConfig;
}

impl ClusterApi for Sim {
    fn list_kind(&self, kind: &str, ns: Option<&str>) -> Vec<Obj> {
        Sim::list_kind(self, kind, ns)
    }
    fn get_kind(&self, kind: &str, ns: &str, name: &str) -> Option<Obj> {
        Sim::get_kind(self, kind, ns, name)
    }
    fn create_kind(&self, kind: &str, ns: &str, obj: Value) -> Result<Obj> {
        Sim::create_kind(self, kind, ns, obj)
    }
    fn merge_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj> {
        Sim::merge_patch(self, kind, ns, name, patch)
    }
    fn status_patch(&self, kind: &str, ns: &str, name: &str, patch: &Value) -> Result<Obj> {
        Sim::status_patch(self, kind, ns, name, patch)
    }
    fn delete_kind(&self, kind: &str, ns: &str, name: &str, opts: &DeleteOpts) -> Result<Value> {
        Sim::delete_kind(self, kind, ns, name, opts)
    }
    fn config(&self) -> &crate::SimConfig {
        Sim::config(self)
    }
}

/// A control loop: `reconcile` is called after changes and on every tick.
pub trait Controller: Send {
    fn name(&self) -> &'static str;
    fn reconcile(&mut self, sim: &Sim);
}

/// The field manager a controller's writes are recorded under in managedFields.
fn manager_of(controller: &str) -> &'static str {
    match controller {
        "kubelet" => "kubelet",
        "default-scheduler" => "kube-scheduler",
        _ => "kube-controller-manager",
    }
}

/// Runs the controllers one after another whenever the store changes (batched)
/// and at least every `tick`, until the simulator goes away.
pub async fn run(sim: Arc<Sim>, mut ctrls: Vec<Box<dyn Controller>>, tick: Duration) {
    let mut rx = sim.registry.store.lock().subscribe();
    let mut ticker = tokio::time::interval(tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            ev = rx.recv() => {
                if let Err(tokio::sync::broadcast::error::RecvError::Closed) = ev { return; }
                // batch a burst of events into one pass
                tokio::time::sleep(Duration::from_millis(2)).await;
                while rx.try_recv().is_ok() {}
            }
        }
        let stopped = sim
            .faults
            .lock()
            .map(|f| f.stopped_controllers.clone())
            .unwrap_or_default();
        for c in ctrls.iter_mut() {
            if !stopped.iter().any(|s| s == c.name()) {
                super::managed::as_manager(manager_of(c.name()), || c.reconcile(&sim));
            }
        }
    }
}
