//! The garbage collector (kube-controller-manager `pkg/controller/garbagecollector`),
//! reduced to what ownerReferences need here: background deletion of dependents
//! whose owners are all gone, the `orphan` and `foregroundDeletion` finalizers.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{json, Value};

use super::registry::DeleteOpts;
use super::resources::{ResourceDef, RESOURCES};
use super::store::EventType;
use super::Sim;

struct Dependent {
    def: &'static ResourceDef,
    ns: String,
    name: String,
    obj: Arc<Value>,
}

fn owner_uids(o: &Value) -> Vec<String> {
    o["metadata"]["ownerReferences"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["uid"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn finalizers(o: &Value) -> Vec<String> {
    o["metadata"]["finalizers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl Sim {
    fn all_uids_and_dependents(&self, owner: &str) -> (HashSet<String>, Vec<Dependent>) {
        let txn = self.registry.store.lock();
        let mut uids = HashSet::new();
        let mut deps = Vec::new();
        for def in RESOURCES {
            for ((ns, name), o) in txn.list(def, None) {
                if let Some(u) = o["metadata"]["uid"].as_str() {
                    uids.insert(u.to_string());
                }
                if owner_uids(&o).iter().any(|u| u == owner) {
                    deps.push(Dependent {
                        def,
                        ns,
                        name,
                        obj: o.clone(),
                    });
                }
            }
        }
        (uids, deps)
    }

    fn patch_meta(&self, def: &'static ResourceDef, ns: &str, name: &str, patch: Value) {
        let _ = self.merge_patch(def.kind, ns, name, &patch);
    }

    /// One pass for an owner that was deleted or is being deleted.
    fn collect(&self, owner_uid: &str, owner: Option<(&'static ResourceDef, &Value)>) {
        let (live, deps) = self.all_uids_and_dependents(owner_uid);
        let fins = owner.map(|(_, o)| finalizers(o)).unwrap_or_default();
        let orphaning = fins.iter().any(|f| f == "orphan");
        let foreground = fins.iter().any(|f| f == "foregroundDeletion");
        let owner_gone = owner.is_none();
        for d in &deps {
            let refs = d.obj["metadata"]["ownerReferences"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if orphaning {
                let kept: Vec<Value> = refs.into_iter().filter(|r| r["uid"] != owner_uid).collect();
                self.patch_meta(
                    d.def,
                    &d.ns,
                    &d.name,
                    json!({"metadata": {"ownerReferences": kept}}),
                );
                continue;
            }
            if !(owner_gone || foreground) {
                continue;
            }
            let others_alive = refs
                .iter()
                .filter(|r| r["uid"] != owner_uid)
                .any(|r| r["uid"].as_str().is_some_and(|u| live.contains(u)));
            if others_alive {
                let kept: Vec<Value> = refs.into_iter().filter(|r| r["uid"] != owner_uid).collect();
                self.patch_meta(
                    d.def,
                    &d.ns,
                    &d.name,
                    json!({"metadata": {"ownerReferences": kept}}),
                );
            } else if d.obj["metadata"]["deletionTimestamp"].is_null() {
                let opts = DeleteOpts {
                    propagation: Some(
                        if foreground {
                            "Foreground"
                        } else {
                            "Background"
                        }
                        .into(),
                    ),
                    ..Default::default()
                };
                let _ = self.registry.delete(d.def, &d.ns, &d.name, &opts);
            }
        }
        if let Some((def, o)) = owner {
            let ns = o["metadata"]["namespace"].as_str().unwrap_or("");
            let name = o["metadata"]["name"].as_str().unwrap_or("");
            let remove = if orphaning {
                Some("orphan")
            } else if foreground {
                // wait until no blocking dependent is left
                let (_, deps) = self.all_uids_and_dependents(owner_uid);
                let blocking = deps.iter().any(|d| {
                    d.obj["metadata"]["ownerReferences"]
                        .as_array()
                        .is_some_and(|a| {
                            a.iter()
                                .any(|r| r["uid"] == owner_uid && r["blockOwnerDeletion"] == true)
                        })
                });
                (!blocking).then_some("foregroundDeletion")
            } else {
                None
            };
            if let Some(f) = remove {
                let kept: Vec<String> = fins.into_iter().filter(|x| x != f).collect();
                self.patch_meta(def, ns, name, json!({"metadata": {"finalizers": kept}}));
            }
        }
    }

    /// Runs until the simulator is dropped; reacts to deletions and deletion finalizers.
    pub(crate) async fn run_gc(self: Arc<Self>) {
        let mut rx = self.registry.store.lock().subscribe();
        loop {
            let ev = match rx.recv().await {
                Ok(ev) => ev,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(_) => return,
            };
            let uid = ev.object["metadata"]["uid"]
                .as_str()
                .unwrap_or("")
                .to_string();
            match ev.kind {
                EventType::Deleted => {
                    self.collect(&uid, None);
                    // a dependent leaving may let a foreground owner finish
                    for r in ev.object["metadata"]["ownerReferences"]
                        .as_array()
                        .into_iter()
                        .flatten()
                    {
                        self.recheck_owner(r);
                    }
                }
                _ => {
                    let fins = finalizers(&ev.object);
                    if !ev.object["metadata"]["deletionTimestamp"].is_null()
                        && fins
                            .iter()
                            .any(|f| f == "orphan" || f == "foregroundDeletion")
                    {
                        self.collect(&uid, Some((ev.def, &ev.object)));
                    }
                }
            }
        }
    }

    fn recheck_owner(&self, r: &Value) {
        let (Some(kind), Some(name)) = (r["kind"].as_str(), r["name"].as_str()) else {
            return;
        };
        let Some(def) = RESOURCES.iter().find(|d| d.kind == kind) else {
            return;
        };
        let txn = self.registry.store.lock();
        let found = txn
            .list(def, None)
            .into_iter()
            .find(|((_, n), o)| n == name && o["metadata"]["uid"] == r["uid"]);
        drop(txn);
        if let Some((_, o)) = found {
            if !o["metadata"]["deletionTimestamp"].is_null()
                && finalizers(&o).iter().any(|f| f == "foregroundDeletion")
            {
                let uid = o["metadata"]["uid"].as_str().unwrap_or("").to_string();
                self.collect(&uid, Some((def, &o)));
            }
        }
    }
}
