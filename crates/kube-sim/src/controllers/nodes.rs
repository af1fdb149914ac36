//! Node lifecycle (`pkg/controller/nodelifecycle`), taint-based eviction
//! (`pkg/controller/tainteviction`) and pod GC (`pkg/controller/podgc`), with the
//! behaviour golden `dead-node-*` and `out-of-service` recorded:
//! - Lease not renewed for the grace period → every condition Unknown
//!   (`NodeStatusUnknown`), `unreachable` NoSchedule then NoExecute taints, pods Ready=False;
//! - after a pod's tolerationSeconds → `DisruptionTarget` (DeletionByTaintManager),
//!   graceful delete; the pod then stays Terminating while the node is dead;
//! - `node.kubernetes.io/out-of-service` on a not-ready node → terminating pods
//!   there are marked Failed and force-deleted.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::scheduler::tolerates;
use super::volumes::{has_taint, OUT_OF_SERVICE};
use super::{condition, deleting, name, namespace, set_condition, Controller};
use crate::registry::{now, parse_time, DeleteOpts};
use crate::Sim;

pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";

#[derive(Default)]
pub struct NodeLifecycle {
    /// When pod GC last ran.
    last_gc: Option<Instant>,
    evicted: HashMap<String, ()>,
    /// Pods bound to a node object that does not exist, and since when (podgc quarantine: 40s).
    orphans: HashMap<String, Instant>,
}

fn taints(node: &Value) -> Vec<Value> {
    node["spec"]["taints"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

impl Controller for NodeLifecycle {
    fn name(&self) -> &'static str {
        "node-lifecycle-controller"
    }

    fn reconcile(&mut self, sim: &Sim) {
        let grace = sim.config().node_monitor_grace;
        let now_t = jiff::Timestamp::now();
        for node in sim.list_kind("Node", None) {
            let n = name(&node).to_string();
            let renew = sim
                .get_kind("Lease", "kube-node-lease", &n)
                .and_then(|l| l["spec"]["renewTime"].as_str().and_then(parse_time));
            let heartbeat = condition(&node, "Ready")
                .and_then(|c| c["lastHeartbeatTime"].as_str())
                .and_then(parse_time);
            let last = match (renew, heartbeat) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let stale = last
                .is_some_and(|t| now_t.duration_since(t).as_millis() > grace.as_millis() as i128);
            let ready_status = condition(&node, "Ready")
                .and_then(|c| c["status"].as_str())
                .unwrap_or("Unknown")
                .to_string();
            if stale && ready_status != "Unknown" {
                mark_unknown(sim, &node);
                continue;
            }
            let mut ts = taints(&node);
            let has = |ts: &[Value], eff: &str| {
                ts.iter()
                    .any(|t| t["key"] == UNREACHABLE && t["effect"] == eff)
            };
            if ready_status == "Unknown" {
                // two writes, NoSchedule first (golden)
                for eff in ["NoSchedule", "NoExecute"] {
                    if !has(&ts, eff) {
                        ts.push(json!({"key": UNREACHABLE, "effect": eff, "timeAdded": now()}));
                        let _ = sim.merge_patch("Node", "", &n, &json!({"spec": {"taints": ts}}));
                        break;
                    }
                }
            } else if ready_status == "True" {
                // recovery: NoSchedule removed first, then NoExecute
                for eff in ["NoSchedule", "NoExecute"] {
                    if has(&ts, eff) {
                        ts.retain(|t| !(t["key"] == UNREACHABLE && t["effect"] == eff));
                        let v = if ts.is_empty() {
                            Value::Null
                        } else {
                            json!(ts)
                        };
                        let _ = sim.merge_patch("Node", "", &n, &json!({"spec": {"taints": v}}));
                        break;
                    }
                }
            }
        }
        self.taint_eviction(sim, now_t);
        self.pod_gc(sim);
    }
}

fn mark_unknown(sim: &Sim, node: &Value) {
    let t = now();
    let mut conds = node["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in conds.iter_mut() {
        c["status"] = json!("Unknown");
        c["reason"] = json!("NodeStatusUnknown");
        c["message"] = json!("Kubelet stopped posting node status.");
        c["lastTransitionTime"] = json!(t);
    }
    let _ = sim.status_patch(
        "Node",
        "",
        name(node),
        &json!({"status": {"conditions": conds}}),
    );
    // MarkPodsNotReady
    for pod in sim.list_kind("Pod", None) {
        if pod["spec"]["nodeName"] != node["metadata"]["name"]
            || !super::condition_true(&pod, "Ready")
        {
            continue;
        }
        let mut pc = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        set_condition(
            &mut pc,
            json!({"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": t}),
        );
        let _ = sim.status_patch(
            "Pod",
            namespace(&pod),
            name(&pod),
            &json!({"status": {"conditions": pc}}),
        );
        sim.event(
            &pod,
            "Warning",
            "NodeNotReady",
            "Node is not ready",
            "node-controller",
            None,
        );
    }
}

impl NodeLifecycle {
    fn taint_eviction(&mut self, sim: &Sim, now_t: jiff::Timestamp) {
        let nodes: HashMap<String, std::sync::Arc<Value>> = sim
            .list_kind("Node", None)
            .into_iter()
            .map(|n| (name(&n).to_string(), n))
            .collect();
        for pod in sim.list_kind("Pod", None) {
            if deleting(&pod) {
                continue;
            }
            let Some(node) = pod["spec"]["nodeName"].as_str().and_then(|n| nodes.get(n)) else {
                continue;
            };
            let mut min_wait: Option<i64> = None;
            let mut untolerated = false;
            for t in taints(node).iter().filter(|t| t["effect"] == "NoExecute") {
                let tol = pod["spec"]["tolerations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|tol| tolerates(&json!([tol]), t));
                match tol {
                    None => untolerated = true,
                    Some(tol) => {
                        if let Some(secs) = tol["tolerationSeconds"].as_i64() {
                            let added = t["timeAdded"]
                                .as_str()
                                .and_then(parse_time)
                                .unwrap_or(now_t);
                            let remaining = secs - now_t.duration_since(added).as_secs();
                            min_wait = Some(min_wait.map_or(remaining, |m| m.min(remaining)));
                        }
                    }
                }
            }
            if untolerated || min_wait.is_some_and(|w| w <= 0) {
                self.evict(sim, &pod);
            }
        }
    }

    fn evict(&mut self, sim: &Sim, pod: &Value) {
        let mut pc = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if condition(pod, "DisruptionTarget").is_none() {
            set_condition(
                &mut pc,
                json!({"type": "DisruptionTarget", "observedGeneration": pod["metadata"]["generation"], "status": "True", "lastProbeTime": null,
                "lastTransitionTime": now(), "reason": "DeletionByTaintManager", "message": "Taint manager: deleting due to NoExecute taint"}),
            );
            let _ = sim.status_patch(
                "Pod",
                namespace(pod),
                name(pod),
                &json!({"status": {"conditions": pc}}),
            );
        }
        sim.event(
            pod,
            "Normal",
            "TaintManagerEviction",
            &format!("Marking for deletion Pod {}/{}", namespace(pod), name(pod)),
            "taint-eviction-controller",
            None,
        );
        let _ = sim.delete_kind("Pod", namespace(pod), name(pod), &DeleteOpts::default());
        self.evicted.insert(super::uid(pod).to_string(), ());
    }

    /// gcTerminating: terminating pods on a not-ready node with the out-of-service taint.
    fn pod_gc(&mut self, sim: &Sim) {
        // pkg/controller/podgc: gcCheckPeriod = 20 * time.Second (golden: the pod went
        // Failed 11 s after the taint, somewhere within one period)
        let period = sim.config().scaled(std::time::Duration::from_secs(20));
        if self.last_gc.is_some_and(|t| t.elapsed() < period) {
            return;
        }
        self.last_gc = Some(Instant::now());
        let nodes: HashMap<String, std::sync::Arc<Value>> = sim
            .list_kind("Node", None)
            .into_iter()
            .map(|n| (name(&n).to_string(), n))
            .collect();
        for pod in sim.list_kind("Pod", None) {
            let Some(node_name) = pod["spec"]["nodeName"].as_str().filter(|s| !s.is_empty()) else {
                continue;
            };
            let opts = DeleteOpts {
                grace_period: Some(0),
                precondition_uid: Some(super::uid(&pod).to_string()),
                ..Default::default()
            };
            match nodes.get(node_name) {
                // gcOrphaned: the node object is gone
                None => {
                    let since = *self
                        .orphans
                        .entry(super::uid(&pod).to_string())
                        .or_insert_with(Instant::now);
                    if since.elapsed() >= std::time::Duration::from_secs(40) {
                        let _ = sim.delete_kind("Pod", namespace(&pod), name(&pod), &opts);
                    }
                }
                Some(node) => {
                    let not_ready =
                        !condition(node, "Ready").is_some_and(|c| c["status"] == "True");
                    if deleting(&pod) && not_ready && has_taint(node, OUT_OF_SERVICE) {
                        if pod["status"]["phase"] != "Failed" {
                            let _ = sim.status_patch(
                                "Pod",
                                namespace(&pod),
                                name(&pod),
                                &json!({"status": {"phase": "Failed"}}),
                            );
                        }
                        let _ = sim.delete_kind("Pod", namespace(&pod), name(&pod), &opts);
                    }
                }
            }
        }
    }
}
