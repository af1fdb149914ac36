//! A scheduler with the filters that matter to StatefulSets: node Ready and
//! schedulable, taints tolerated, PV node affinity, WaitForFirstConsumer claims
//! (selected-node annotation, bind after the claim is bound). Messages follow
//! kube-scheduler's `FitError` ("0/3 nodes are available: ...").

use std::collections::BTreeMap;

use serde_json::{json, Value};

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

/// Does the PV's required node affinity admit this node (hostname terms only)?
pub fn pv_fits(pv: &Value, node: &Value) -> bool {
    let terms = &pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"];
    let Some(terms) = terms.as_array() else {
        return true;
    };
    let labels = &node["metadata"]["labels"];
    terms.iter().any(|term| {
        term["matchExpressions"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|e| {
                let val = labels[e["key"].as_str().unwrap_or("")].as_str();
                let values: Vec<&str> = e["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                match e["operator"].as_str() {
                    Some("In") => val.is_some_and(|v| values.contains(&v)),
                    Some("NotIn") => val.is_none_or(|v| !values.contains(&v)),
                    Some("Exists") => val.is_some(),
                    Some("DoesNotExist") => val.is_none(),
                    _ => false,
                }
            })
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
        let pending: Vec<_> = sim
            .list_kind("Pod", None)
            .into_iter()
            .filter(|p| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty) && !deleting(p))
            .filter(|p| {
                p["spec"]["schedulerName"]
                    .as_str()
                    .is_none_or(|s| s == "default-scheduler")
            })
            .collect();
        if pending.is_empty() {
            return;
        }
        let nodes = sim.list_kind("Node", None);
        let mut load: BTreeMap<String, usize> = BTreeMap::new();
        for p in sim.list_kind("Pod", None) {
            if let Some(n) = p["spec"]["nodeName"].as_str() {
                *load.entry(n.to_string()).or_default() += 1;
            }
        }
        for pod in pending {
            self.schedule(sim, &pod, &nodes, &mut load);
        }
    }
}

impl Scheduler {
    fn schedule(
        &mut self,
        sim: &Sim,
        pod: &Value,
        nodes: &[std::sync::Arc<Value>],
        load: &mut BTreeMap<String, usize>,
    ) {
        let ns = namespace(pod);
        // the claims must exist; unbound WaitForFirstConsumer claims are bound for the chosen node
        let mut pvs = Vec::new();
        let mut unbound_wffc = Vec::new();
        for c in claims(pod) {
            let Some(pvc) = sim.get_kind("PersistentVolumeClaim", ns, &c) else {
                return self.unschedulable(
                    sim,
                    pod,
                    nodes.len(),
                    format!("persistentvolumeclaim \"{c}\" not found"),
                );
            };
            if deleting(&pvc) {
                return self.unschedulable(
                    sim,
                    pod,
                    nodes.len(),
                    format!("persistentvolumeclaim \"{c}\" is being deleted"),
                );
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
                        return; // waiting for the provisioner and binder
                    }
                    unbound_wffc.push(pvc);
                }
            }
        }
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let mut fits = Vec::new();
        for node in nodes {
            let ready = condition(node, "Ready").is_some_and(|c| c["status"] == "True");
            let taint = node["spec"]["taints"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| {
                    matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute"))
                        && !tolerates(&pod["spec"]["tolerations"], t)
                });
            if let Some(t) = taint {
                let v = t["value"].as_str().unwrap_or("");
                *reasons
                    .entry(format!(
                        "node(s) had untolerated taint {{{}: {v}}}",
                        t["key"].as_str().unwrap_or("")
                    ))
                    .or_default() += 1;
                continue;
            }
            if node["spec"]["unschedulable"] == true {
                *reasons
                    .entry("node(s) were unschedulable".into())
                    .or_default() += 1;
                continue;
            }
            if !ready {
                *reasons
                    .entry("node(s) had untolerated taint {node.kubernetes.io/not-ready: }".into())
                    .or_default() += 1;
                continue;
            }
            if !pvs.iter().all(|pv| pv_fits(pv, node)) {
                *reasons
                    .entry("node(s) had volume node affinity conflict".into())
                    .or_default() += 1;
                continue;
            }
            fits.push(node.clone());
        }
        let Some(best) = fits
            .iter()
            .min_by_key(|n| (load.get(name(n)).copied().unwrap_or(0), name(n).to_string()))
        else {
            let msg = reasons
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect::<Vec<_>>()
                .join(", ");
            return self.unschedulable(sim, pod, nodes.len(), msg);
        };
        let node_name = name(best).to_string();
        if !unbound_wffc.is_empty() {
            for pvc in unbound_wffc {
                let _ = sim.merge_patch("PersistentVolumeClaim", ns, name(&pvc), &json!({"metadata": {"annotations": {"volume.kubernetes.io/selected-node": node_name}}}));
            }
            return; // bind once the claims are bound
        }
        let binding = json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": name(pod), "namespace": ns}, "target": {"apiVersion": "v1", "kind": "Node", "name": node_name}});
        if sim.registry.bind(ns, name(pod), &binding).is_ok() {
            *load.entry(node_name.clone()).or_default() += 1;
            self.reported.remove(super::uid(pod));
            sim.event(
                pod,
                "Normal",
                "Scheduled",
                &format!("Successfully assigned {ns}/{} to {node_name}", name(pod)),
                "default-scheduler",
                None,
            );
        }
    }

    fn unschedulable(&mut self, sim: &Sim, pod: &Value, total: usize, why: String) {
        let msg = format!("0/{total} nodes are available: {why}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.");
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
