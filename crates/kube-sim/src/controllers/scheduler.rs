//! A scheduler with the default profile's filters (pkg/scheduler/framework/plugins, in its
//! order, the first failure per node kept): NodeUnschedulable, TaintToleration (and a node not
//! yet tainted by its lifecycle while NotReady), then `placement::filter` — NodeAffinity,
//! NodeResourcesFit, VolumeBinding's node conflict, PodTopologySpread, InterPodAffinity —
//! and WaitForFirstConsumer claims (selected-node annotation, bind after the claim is bound).
//! Messages are kube-scheduler's `FitError` ("0/3 nodes are available: ...").

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::placement::{self, Rejection};
use super::{condition, deleting, name, namespace, set_condition, Controller};
use crate::registry::now;
use crate::Sim;

#[derive(Default)]
pub struct Scheduler {
    /// Last unschedulable message per pod uid, so events are not repeated every pass.
    reported: BTreeMap<String, String>,
}

pub fn tolerates(tolerations: &Value, taint: &Value) -> bool {
    tolerations.as_array().into_iter().flatten().any(|t| {
        let key_ok = t["key"].as_str().is_none_or(str::is_empty) && t["operator"] == "Exists"
            || t["key"] == taint["key"];
        let effect_ok =
            t["effect"].as_str().is_none_or(str::is_empty) || t["effect"] == taint["effect"];
        let value_ok = t["operator"] == "Exists"
            || t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or("");
        key_ok && effect_ok && value_ok
    })
}

pub use super::placement::pv_fits;

/// The node chosen for a pod whose WaitForFirstConsumer claims wait to be bound there.
fn assumed_node(sim: &Sim, pod: &Value) -> Option<String> {
    claims(pod).iter().find_map(|c| {
        let pvc = sim.get_kind("PersistentVolumeClaim", namespace(pod), c)?;
        let unbound = pvc["spec"]["volumeName"].as_str().is_none_or(str::is_empty);
        unbound
            .then(|| {
                pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
                    .as_str()
                    .map(String::from)
            })
            .flatten()
    })
}

fn claims(pod: &Value) -> Vec<String> {
    pod["spec"]["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v["persistentVolumeClaim"]["claimName"]
                .as_str()
                .map(String::from)
        })
        .collect()
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        "default-scheduler"
    }

    fn reconcile(&mut self, sim: &Sim) {
        let all = sim.list_kind("Pod", None);
        let pending: Vec<_> = all
            .iter()
            .filter(|p| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty) && !deleting(p))
            .filter(|p| {
                p["spec"]["schedulerName"]
                    .as_str()
                    .is_none_or(|s| s == "default-scheduler")
            })
            .cloned()
            .collect();
        if pending.is_empty() {
            return;
        }
        let nodes = sim.list_kind("Node", None);
        let namespaces = sim.list_kind("Namespace", None);
        let ns_refs: Vec<&Value> = namespaces.iter().map(|n| &**n).collect();
        let ns_labels = placement::namespace_labels(&ns_refs);
        // pods bound in this pass join the snapshot, so the next pod sees them (as the
        // scheduler's cache assumes a pod on its node before the binding lands)
        let mut placed: Vec<Value> = all
            .iter()
            .filter(|p| {
                p["spec"]["nodeName"]
                    .as_str()
                    .is_some_and(|n| !n.is_empty())
            })
            .map(|p| (**p).clone())
            .collect();
        // a pod whose claims wait for their volumes on the node chosen for it is assumed there
        // (the scheduler's cache assumes a pod on its node until the binding cycle ends)
        for pod in &pending {
            if let Some(node) = assumed_node(sim, pod) {
                let mut p = (**pod).clone();
                p["spec"]["nodeName"] = json!(node);
                placed.push(p);
            }
        }
        for pod in pending {
            if assumed_node(sim, &pod).is_some() {
                continue; // waiting for the provisioner and binder
            }
            if let Some(node) = self.schedule(sim, &pod, &nodes, &placed, &ns_labels) {
                let mut p = (*pod).clone();
                p["spec"]["nodeName"] = json!(node);
                placed.push(p);
            }
        }
    }
}

impl Scheduler {
    /// Schedules one pod; the node it was bound to, if any.
    fn schedule(
        &mut self,
        sim: &Sim,
        pod: &Value,
        nodes: &[std::sync::Arc<Value>],
        placed: &[Value],
        ns_labels: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> Option<String> {
        let ns = namespace(pod);
        // VolumeBinding's PreFilter: the claims must exist; unbound WaitForFirstConsumer claims
        // are bound for the chosen node
        let mut pvs = Vec::new();
        let mut unbound_wffc = Vec::new();
        for c in claims(pod) {
            let Some(pvc) = sim.get_kind("PersistentVolumeClaim", ns, &c) else {
                self.unschedulable(
                    sim,
                    pod,
                    format!("0/{n} nodes are available: persistentvolumeclaim \"{c}\" not found. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.", n = nodes.len()),
                );
                return None;
            };
            if deleting(&pvc) {
                self.unschedulable(
                    sim,
                    pod,
                    format!("0/{n} nodes are available: persistentvolumeclaim \"{c}\" is being deleted. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.", n = nodes.len()),
                );
                return None;
            }
            match pvc["spec"]["volumeName"].as_str().filter(|s| !s.is_empty()) {
                Some(v) => {
                    if let Some(pv) = sim.get_kind("PersistentVolume", "", v) {
                        pvs.push(pv);
                    }
                }
                None => {
                    if pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
                        .is_string()
                    {
                        return None; // waiting for the provisioner and binder
                    }
                    unbound_wffc.push(pvc);
                }
            }
        }
        let node_refs: Vec<&Value> = nodes.iter().map(|n| &**n).collect();
        let placed_refs: Vec<&Value> = placed.iter().collect();
        let snap = placement::Snapshot {
            nodes: &node_refs,
            placed: &placed_refs,
            namespace_labels: ns_labels,
        };
        let pv_refs: Vec<&Value> = pvs.iter().map(|p| &**p).collect();
        let mut rejections = Vec::new();
        let mut fits = Vec::new();
        for node in nodes {
            match Self::filter(pod, node, &pv_refs, &snap) {
                Some(r) => rejections.push(r),
                None => fits.push(node.clone()),
            }
        }
        let load = |n: &Value| {
            placed
                .iter()
                .filter(|p| p["spec"]["nodeName"] == name(n))
                .count()
        };
        let Some(best) = fits.iter().min_by_key(|n| (load(n), name(n).to_string())) else {
            let msg = placement::fit_error(nodes.len(), &rejections);
            self.unschedulable(sim, pod, msg);
            return None;
        };
        let node_name = name(best).to_string();
        if !unbound_wffc.is_empty() {
            for pvc in unbound_wffc {
                let _ = sim.merge_patch("PersistentVolumeClaim", ns, name(&pvc), &json!({"metadata": {"annotations": {"volume.kubernetes.io/selected-node": node_name}}}));
            }
            return Some(node_name); // bind once the claims are bound; assumed there meanwhile
        }
        let binding = json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": name(pod), "namespace": ns}, "target": {"apiVersion": "v1", "kind": "Node", "name": node_name}});
        if sim.registry.bind(ns, name(pod), &binding).is_ok() {
            self.reported.remove(super::uid(pod));
            sim.event(
                pod,
                "Normal",
                "Scheduled",
                &format!("Successfully assigned {ns}/{} to {node_name}", name(pod)),
                "default-scheduler",
                None,
            );
            return Some(node_name);
        }
        None
    }

    /// One node through the filters, in the default profile's order.
    fn filter(
        pod: &Value,
        node: &Value,
        pvs: &[&Value],
        snap: &placement::Snapshot,
    ) -> Option<Rejection> {
        let tolerations = &pod["spec"]["tolerations"];
        // NodeUnschedulable: a cordoned node, unless the pod tolerates the unschedulable taint
        let cordon = json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"});
        if node["spec"]["unschedulable"] == true && !tolerates(tolerations, &cordon) {
            return Some(Rejection {
                reasons: vec![placement::UNSCHEDULABLE.into()],
                resolvable: false,
            });
        }
        // TaintToleration
        let taint = node["spec"]["taints"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| {
                matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute"))
                    && !tolerates(tolerations, t)
            });
        let not_ready = json!({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"});
        let ready = condition(node, "Ready").is_some_and(|c| c["status"] == "True");
        // a NotReady node the lifecycle controller has not tainted yet is treated as tainted
        let taint = taint.or((!ready && !tolerates(tolerations, &not_ready)).then_some(&not_ready));
        if taint.is_some() {
            // v1.36.5 names no taint (plugins/tainttoleration/taint_toleration.go: the key and
            // value only go to the log); the real tier showed it
            return Some(Rejection {
                reasons: vec!["node(s) had untolerated taint(s)".into()],
                resolvable: false,
            });
        }
        placement::filter(pod, node, pvs, snap)
    }

    fn unschedulable(&mut self, sim: &Sim, pod: &Value, msg: String) {
        let uid = super::uid(pod).to_string();
        if self.reported.get(&uid) == Some(&msg) {
            return;
        }
        self.reported.insert(uid, msg.clone());
        let mut conds = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        set_condition(
            &mut conds,
            json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": now(), "reason": "Unschedulable", "message": msg}),
        );
        let _ = sim.status_patch(
            "Pod",
            namespace(pod),
            name(pod),
            &json!({"status": {"conditions": conds}}),
        );
        sim.event(
            pod,
            "Warning",
            "FailedScheduling",
            &msg,
            "default-scheduler",
            None,
        );
    }
}
