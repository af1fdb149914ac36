//! Force-delete eligibility as a pure decision: is this pod stuck on a node that
//! is really dead?
//!
//! A grace-0 delete removes the pod from the API without the kubelet confirming
//! that its containers stopped; the StatefulSet controller then creates a pod
//! with the same identity. If the old containers still run, two pods share one
//! name, DNS record and volume. So the node must be proven dead, not merely
//! NotReady: its Ready condition is not True *and* its kubelet has been silent
//! (no Lease renewal, no status heartbeat) for longer than `silence`. A NotReady
//! node whose kubelet still renews its Lease is alive (e.g. a broken CNI): refuse.
//! (Node lifecycle controller: pkg/controller/nodelifecycle, tryUpdateNodeHealth
//! marks Ready Unknown once neither heartbeat arrived within the grace period.)

use k8s_openapi::api::core::v1::{Node, Pod};
use serde::Serialize;

use super::health::{node_health, pod_ready, pod_terminating, LeaseLookup, Readiness};
use super::set::owning_statefulset;

/// What the node lookup found.
#[derive(Debug, Clone)]
pub enum NodeLookup<'a> {
    Found(&'a Node),
    /// The Node object no longer exists (removed from the cluster).
    Missing,
    /// Not allowed to read nodes: the node cannot be proven dead.
    Forbidden,
}

/// A silence shorter than this proves nothing about the node: its kubelet renews its Lease
/// every quarter of `leaseDurationSeconds` (pkg/kubelet/kubelet.go, nodeLeaseRenewIntervalFraction
/// 0.25), so a live kubelet is routinely "silent" for up to that long. 10 s for the kubelet's
/// default 40 s, and where the Lease gives no duration.
pub fn min_silence(lease_duration: Option<i64>) -> std::time::Duration {
    std::time::Duration::from_secs((lease_duration.unwrap_or(40).max(0) / 4) as u64)
}

/// `--node-silence` against the node's Lease: `Err(usage line)` when it proves nothing.
pub fn check_silence(
    silence: std::time::Duration,
    lease_duration: Option<i64>,
    node: &str,
) -> Result<(), String> {
    let min = min_silence(lease_duration);
    if silence < min {
        return Err(format!(
            "--node-silence {} proves nothing on node {node}: its kubelet renews its Lease only every {}s (a quarter of leaseDurationSeconds {}), so a live node is often silent that long; give at least {}s",
            crate::kubefmt::human_duration(silence.as_secs() as i64),
            min.as_secs(),
            lease_duration.unwrap_or(40),
            min.as_secs()
        ));
    }
    Ok(())
}

/// The verdict: `Eligible`, or why not. Serialized as its name (the document's `code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    Eligible,
    /// No StatefulSet controls the pod.
    NotStatefulSetPod,
    /// The pod was never scheduled: there is no node to be dead.
    NotScheduled,
    /// Ready and not terminating: nothing is stuck.
    PodHealthy,
    NodeReady,
    /// The node is not Ready but its kubelet still reports: it may run the containers.
    KubeletAlive,
    /// The node or its heartbeats cannot be read: death cannot be proven.
    NodeUnverifiable,
}

/// The decision, with the evidence for either answer. Whether it is eligible is the verdict
/// itself (`eligible()`), so the two cannot disagree; the `kubectl-sts/v1` document still has
/// both fields (`eligible`, `code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub verdict: Verdict,
    /// One line: the verdict's reason.
    pub reason: String,
    /// What was checked, for the operator's record.
    pub evidence: Vec<String>,
}

impl Eligibility {
    pub fn new(verdict: Verdict, reason: String, evidence: Vec<String>) -> Eligibility {
        Eligibility {
            verdict,
            reason,
            evidence,
        }
    }

    pub fn eligible(&self) -> bool {
        self.verdict == Verdict::Eligible
    }
}

impl Serialize for Eligibility {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Document<'a> {
            eligible: bool,
            code: Verdict,
            reason: &'a str,
            evidence: &'a [String],
        }
        Document {
            eligible: self.eligible(),
            code: self.verdict,
            reason: &self.reason,
            evidence: &self.evidence,
        }
        .serialize(s)
    }
}

fn refuse(verdict: Verdict, reason: String, evidence: Vec<String>) -> Eligibility {
    Eligibility::new(verdict, reason, evidence)
}

/// May `pod` be deleted with grace period 0?
pub fn eligibility(
    pod: &Pod,
    node: NodeLookup<'_>,
    lease: LeaseLookup,
    now: jiff::Timestamp,
    silence: std::time::Duration,
) -> Eligibility {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let mut evidence = Vec::new();
    if owning_statefulset(pod).is_none() {
        return refuse(
            Verdict::NotStatefulSetPod,
            format!("pod {name} is not controlled by a StatefulSet; use kubectl delete"),
            evidence,
        );
    }
    let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
        return refuse(
            Verdict::NotScheduled,
            format!("pod {name} was never scheduled to a node, so no kubelet holds it; a normal delete removes it"),
            evidence,
        );
    };
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default();
    let terminating = pod_terminating(pod);
    let stuck = terminating || phase == "Unknown" || !pod_ready(pod);
    evidence.push(format!(
        "pod {name}: phase {phase}, {}{}",
        if pod_ready(pod) { "Ready" } else { "not Ready" },
        if terminating { ", terminating" } else { "" }
    ));
    if !stuck {
        return refuse(
            Verdict::PodHealthy,
            format!("pod {name} is Ready and not terminating; nothing is stuck"),
            evidence,
        );
    }
    let node = match node {
        NodeLookup::Missing => {
            evidence.push(format!("node {node_name}: no longer exists"));
            return Eligibility {
                verdict: Verdict::Eligible,
                reason: format!("node {node_name} of pod {name} was removed from the cluster"),
                evidence,
            };
        }
        NodeLookup::Forbidden => {
            return refuse(
                Verdict::NodeUnverifiable,
                format!("not allowed to read node {node_name}: cannot prove it is dead"),
                evidence,
            )
        }
        NodeLookup::Found(n) => n,
    };
    let health = node_health(node, now);
    evidence.push(format!("node {node_name}: {}", health.summary()));
    if health.readiness == Readiness::Ready {
        return refuse(
            Verdict::NodeReady,
            format!("node {node_name} is Ready: its kubelet will finish deleting {name}; force-deleting could run two {name} at once"),
            evidence,
        );
    }
    // the newest sign of life: the Lease renewal or the Ready condition's heartbeat
    let status_beat = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .and_then(|c| c.last_heartbeat_time.as_ref())
        .map(|t| t.0);
    let lease_beat = match lease {
        LeaseLookup::Renewed(t) => {
            evidence.push(format!(
                "lease kube-node-lease/{node_name}: renewed {} ago",
                crate::kubefmt::human_duration(now.duration_since(t).as_secs())
            ));
            Some(t)
        }
        LeaseLookup::Missing => {
            evidence.push(format!("lease kube-node-lease/{node_name}: none"));
            None
        }
        LeaseLookup::Forbidden => {
            evidence.push(format!(
                "lease kube-node-lease/{node_name}: not allowed to read"
            ));
            None
        }
    };
    if let Some(t) = status_beat {
        evidence.push(format!(
            "node status heartbeat: {} ago",
            crate::kubefmt::human_duration(now.duration_since(t).as_secs())
        ));
    }
    let last = lease_beat.into_iter().chain(status_beat).max();
    let Some(last) = last else {
        if health.readiness == Readiness::Unknown && !matches!(lease, LeaseLookup::Forbidden) {
            return Eligibility {
                verdict: Verdict::Eligible,
                reason: format!("node {node_name} has never reported and is not Ready"),
                evidence,
            };
        }
        return refuse(
            Verdict::NodeUnverifiable,
            format!("node {node_name} is {:?} but its kubelet's last heartbeat cannot be read: cannot prove it is dead", health.readiness),
            evidence,
        );
    };
    let quiet = now.duration_since(last);
    let quiet_secs = quiet.as_secs();
    let quiet_for = crate::kubefmt::human_duration(quiet_secs.max(0));
    if quiet.unsigned_abs() < silence || quiet_secs < 0 {
        return refuse(
            Verdict::KubeletAlive,
            format!("node {node_name} is not Ready but its kubelet reported {quiet_for} ago: it may still run {name}'s containers; wait until it has been silent for {}", crate::kubefmt::human_duration(silence.as_secs() as i64)),
            evidence,
        );
    }
    Eligibility {
        verdict: Verdict::Eligible,
        reason: format!(
            "node {node_name} is not Ready and its kubelet has been silent for {quiet_for}"
        ),
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::time::Duration;

    fn now() -> jiff::Timestamp {
        "2026-01-01T00:10:00Z".parse().unwrap()
    }
    const SILENCE: Duration = Duration::from_secs(40);

    fn pod(terminating: bool, ready: bool) -> Pod {
        let mut v = json!({
            "metadata": {"name": "web-1", "namespace": "default", "uid": "p1",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "s1", "controller": true}]},
            "spec": {"nodeName": "n2", "containers": [{"name": "c"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}
        });
        if terminating {
            v["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:05:00Z");
        }
        serde_json::from_value(v).unwrap()
    }

    fn node(status: &str, heartbeat: Option<&str>) -> Node {
        let mut cond = json!({"type": "Ready", "status": status, "lastTransitionTime": "2026-01-01T00:04:00Z"});
        if let Some(h) = heartbeat {
            cond["lastHeartbeatTime"] = Value::from(h);
        }
        serde_json::from_value(
            json!({"metadata": {"name": "n2"}, "status": {"conditions": [cond]}}),
        )
        .unwrap()
    }

    fn lease(t: &str) -> LeaseLookup {
        LeaseLookup::Renewed(t.parse().unwrap())
    }

    #[test]
    fn terminating_pod_on_silent_unknown_node_is_eligible() {
        let n = node("Unknown", Some("2026-01-01T00:03:00Z"));
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Found(&n),
            lease("2026-01-01T00:03:10Z"),
            now(),
            SILENCE,
        );
        assert!(e.eligible(), "{e:?}");
        assert_eq!(
            e.reason,
            "node n2 is not Ready and its kubelet has been silent for 6m50s"
        );
        assert!(e
            .evidence
            .contains(&"lease kube-node-lease/n2: renewed 6m50s ago".to_string()));
    }

    #[test]
    fn ready_node_is_never_eligible() {
        let n = node("True", Some("2026-01-01T00:00:00Z"));
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Found(&n),
            lease("2026-01-01T00:00:00Z"),
            now(),
            SILENCE,
        );
        assert!(!e.eligible());
        assert_eq!(e.verdict, Verdict::NodeReady);
    }

    #[test]
    fn not_ready_node_with_a_live_kubelet_is_refused() {
        // kubelet posts NotReady (say, the CNI is broken) and keeps renewing its lease
        let n = node("False", Some("2026-01-01T00:09:50Z"));
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Found(&n),
            lease("2026-01-01T00:09:58Z"),
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::KubeletAlive, "{e:?}");
        assert!(e.reason.contains("reported 2s ago"), "{}", e.reason);
        // the lease alone is enough to show it is alive
        let n = node("Unknown", Some("2026-01-01T00:01:00Z"));
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Found(&n),
            lease("2026-01-01T00:09:30Z"),
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::KubeletAlive);
    }

    #[test]
    fn unready_but_not_terminating_pod_on_dead_node_is_eligible() {
        // before the 300s toleration runs out the pod is Running, not Ready
        let n = node("Unknown", Some("2026-01-01T00:08:00Z"));
        let e = eligibility(
            &pod(false, false),
            NodeLookup::Found(&n),
            LeaseLookup::Missing,
            now(),
            SILENCE,
        );
        assert!(e.eligible(), "{e:?}");
    }

    #[test]
    fn healthy_or_foreign_or_unscheduled_pods_are_refused() {
        let n = node("Unknown", Some("2026-01-01T00:00:00Z"));
        let e = eligibility(
            &pod(false, true),
            NodeLookup::Found(&n),
            LeaseLookup::Missing,
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::PodHealthy);

        let mut foreign = pod(true, false);
        foreign.metadata.owner_references = None;
        let e = eligibility(
            &foreign,
            NodeLookup::Found(&n),
            LeaseLookup::Missing,
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::NotStatefulSetPod);

        let mut pending = pod(true, false);
        pending.spec.as_mut().unwrap().node_name = None;
        let e = eligibility(
            &pending,
            NodeLookup::Found(&n),
            LeaseLookup::Missing,
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::NotScheduled);
    }

    #[test]
    fn unverifiable_nodes_are_refused_and_removed_nodes_eligible() {
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Forbidden,
            LeaseLookup::Missing,
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::NodeUnverifiable);
        // NotReady without any heartbeat we may read
        let n = node("False", None);
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Found(&n),
            LeaseLookup::Forbidden,
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::NodeUnverifiable);
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Missing,
            LeaseLookup::Missing,
            now(),
            SILENCE,
        );
        assert!(e.eligible());
        assert!(e.reason.contains("removed from the cluster"));
    }

    #[test]
    fn heartbeat_from_the_future_counts_as_alive() {
        // clock skew between this machine and the cluster must not make a node look dead
        let n = node("Unknown", None);
        let e = eligibility(
            &pod(true, false),
            NodeLookup::Found(&n),
            lease("2026-01-01T00:12:00Z"),
            now(),
            SILENCE,
        );
        assert_eq!(e.verdict, Verdict::KubeletAlive);
    }

    #[test]
    fn a_silence_shorter_than_the_renew_interval_proves_nothing() {
        use std::time::Duration;
        assert_eq!(min_silence(Some(40)), Duration::from_secs(10));
        assert_eq!(min_silence(None), Duration::from_secs(10));
        assert_eq!(min_silence(Some(8)), Duration::from_secs(2));
        assert!(check_silence(Duration::from_secs(10), Some(40), "n1").is_ok());
        let e = check_silence(Duration::ZERO, Some(40), "n1").unwrap_err();
        assert!(
            e.contains("--node-silence 0s proves nothing on node n1"),
            "{e}"
        );
        assert!(e.contains("at least 10s"), "{e}");
        assert!(check_silence(Duration::from_secs(9), None, "n1").is_err());
    }
}
