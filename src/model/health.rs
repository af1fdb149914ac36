//! Pure decisions about nodes and pods: is this node dead, since when, which
//! taints say so, and when will a pod's toleration of them run out.

use k8s_openapi::api::core::v1::{Node, Pod, Taint};
use serde::Serialize;

pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Readiness {
    Ready,
    NotReady,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeHealth {
    pub name: String,
    pub readiness: Readiness,
    /// Seconds since the Ready condition last changed.
    pub since_seconds: Option<i64>,
    pub unreachable: bool,
    pub not_ready: bool,
    pub out_of_service: bool,
    pub unschedulable: bool,
    /// Every taint as `key=value:Effect`.
    pub taints: Vec<String>,
}

impl NodeHealth {
    /// Not Ready: the kubelet is not (or not known to be) running pods there.
    pub fn is_dead(&self) -> bool {
        self.readiness != Readiness::Ready
    }

    /// `Unknown 2m (unreachable)`-style summary.
    pub fn summary(&self) -> String {
        let mut s = match self.readiness {
            Readiness::Ready => "Ready".to_string(),
            Readiness::NotReady => "NotReady".to_string(),
            Readiness::Unknown => "Unknown".to_string(),
        };
        if let (true, Some(secs)) = (self.is_dead(), self.since_seconds) {
            s.push_str(&format!(" {}", crate::kubefmt::human_duration(secs)));
        }
        let mut marks = Vec::new();
        if self.unreachable {
            marks.push("unreachable");
        }
        if self.not_ready {
            marks.push("not-ready");
        }
        if self.out_of_service {
            marks.push("out-of-service");
        }
        if self.unschedulable {
            marks.push("cordoned");
        }
        if !marks.is_empty() {
            s.push_str(&format!(" ({})", marks.join(", ")));
        }
        s
    }
}

fn taint_string(t: &Taint) -> String {
    match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    }
}

pub fn node_health(node: &Node, now: jiff::Timestamp) -> NodeHealth {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let readiness = match ready.map(|c| c.status.as_str()) {
        Some("True") => Readiness::Ready,
        Some("False") => Readiness::NotReady,
        _ => Readiness::Unknown,
    };
    let since_seconds = ready
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| now.duration_since(t.0).as_secs());
    let taints: Vec<Taint> = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let has = |k: &str| taints.iter().any(|t| t.key == k);
    NodeHealth {
        name: node.metadata.name.clone().unwrap_or_default(),
        readiness,
        since_seconds,
        unreachable: has(UNREACHABLE),
        not_ready: has(NOT_READY),
        out_of_service: has(OUT_OF_SERVICE),
        unschedulable: node
            .spec
            .as_ref()
            .and_then(|s| s.unschedulable)
            .unwrap_or(false),
        taints: taints.iter().map(taint_string).collect(),
    }
}

/// Seconds until the taint-eviction controller deletes `pod` from `node` (0 = due now),
/// from the pod's NoExecute tolerations and the taints' timeAdded. None: not scheduled for eviction.
pub fn eviction_in(pod: &Pod, node: &Node, now: jiff::Timestamp) -> Option<i64> {
    let taints = node.spec.as_ref()?.taints.as_ref()?;
    let tols = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.clone())
        .unwrap_or_default();
    let mut soonest: Option<i64> = None;
    for t in taints.iter().filter(|t| t.effect == "NoExecute") {
        let tol = tols.iter().find(|tol| {
            let key_ok = tol.key.as_deref().is_none_or(str::is_empty)
                && tol.operator.as_deref() == Some("Exists")
                || tol.key.as_deref() == Some(t.key.as_str());
            let effect_ok = tol
                .effect
                .as_deref()
                .is_none_or(|e| e.is_empty() || e == "NoExecute");
            key_ok && effect_ok
        });
        let left = match tol {
            None => 0,
            Some(tol) => match tol.toleration_seconds {
                None => continue, // tolerated forever
                Some(secs) => {
                    let added = t.time_added.as_ref().map(|x| x.0).unwrap_or(now);
                    (secs - now.duration_since(added).as_secs()).max(0)
                }
            },
        };
        soonest = Some(soonest.map_or(left, |s| s.min(left)));
    }
    soonest
}

pub fn pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Ready for at least `min_ready` seconds by `now`: what the StatefulSet controller counts as
/// available (`isRunningAndAvailable`, podutil.IsPodAvailable: the Ready condition's
/// lastTransitionTime + minReadySeconds).
pub fn pod_available(pod: &Pod, min_ready: i64, now: jiff::Timestamp) -> bool {
    if !pod_ready(pod) {
        return false;
    }
    if min_ready <= 0 {
        return true;
    }
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .and_then(|c| c.last_transition_time.as_ref())
        .is_some_and(|t| now.duration_since(t.0).as_secs() >= min_ready)
}

/// A Ready pod not yet available: the seconds until minReadySeconds have passed since it
/// turned Ready (podutil.IsPodAvailable). None when it is not Ready or already available.
pub fn available_in(pod: &Pod, min_ready: i64, now: jiff::Timestamp) -> Option<i64> {
    if !pod_ready(pod) || min_ready <= 0 {
        return None;
    }
    let since = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| now.duration_since(t.0).as_secs());
    match since {
        Some(s) if s >= min_ready => None,
        Some(s) => Some(min_ready - s.max(0)),
        // Ready without a transition time: the controller cannot count it either
        None => Some(min_ready),
    }
}

/// A terminating pod: the seconds left of its grace period (its deletionTimestamp is when the
/// grace ends; negative once past it, as on a dead node).
pub fn grace_left(pod: &Pod, now: jiff::Timestamp) -> Option<i64> {
    pod.metadata
        .deletion_timestamp
        .as_ref()
        .map(|t| t.0.duration_since(now).as_secs())
}

pub fn pod_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

/// The node's Lease (`kube-node-lease/<node>`) renew time, as found.
#[derive(Debug, Clone, Copy)]
pub enum LeaseLookup {
    Renewed(jiff::Timestamp),
    Missing,
    Forbidden,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(v: serde_json::Value) -> Node {
        serde_json::from_value(v).unwrap()
    }
    fn now() -> jiff::Timestamp {
        "2026-01-01T00:10:00Z".parse().unwrap()
    }

    #[test]
    fn unknown_node_with_unreachable_taints_is_dead() {
        let n = node(json!({"metadata": {"name": "n2"},
            "spec": {"taints": [{"key": UNREACHABLE, "effect": "NoSchedule", "timeAdded": "2026-01-01T00:08:00Z"}, {"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": "2026-01-01T00:08:00Z"}]},
            "status": {"conditions": [{"type": "Ready", "status": "Unknown", "lastTransitionTime": "2026-01-01T00:08:00Z"}]}}));
        let h = node_health(&n, now());
        assert!(h.is_dead());
        assert!(h.unreachable && !h.out_of_service);
        assert_eq!(h.since_seconds, Some(120));
        assert_eq!(h.summary(), "Unknown 2m (unreachable)");
    }

    #[test]
    fn ready_node_is_alive() {
        let n = node(
            json!({"metadata": {"name": "n1"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        );
        assert!(!node_health(&n, now()).is_dead());
        let none = node(json!({"metadata": {"name": "n1"}}));
        assert_eq!(node_health(&none, now()).readiness, Readiness::Unknown);
    }

    #[test]
    fn eviction_countdown_follows_toleration_seconds() {
        let n = node(
            json!({"metadata": {"name": "n2"}, "spec": {"taints": [{"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": "2026-01-01T00:09:00Z"}]}}),
        );
        let pod = |secs: Option<i64>| -> Pod {
            let mut tol = json!({"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute"});
            if let Some(s) = secs {
                tol["tolerationSeconds"] = json!(s);
            }
            serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": {"containers": [], "tolerations": [tol]}})).unwrap()
        };
        assert_eq!(eviction_in(&pod(Some(300)), &n, now()), Some(240));
        assert_eq!(eviction_in(&pod(Some(10)), &n, now()), Some(0));
        assert_eq!(eviction_in(&pod(None), &n, now()), None);
        let untolerating: Pod =
            serde_json::from_value(json!({"metadata": {"name": "p"}, "spec": {"containers": []}}))
                .unwrap();
        assert_eq!(eviction_in(&untolerating, &n, now()), Some(0));
    }

    #[test]
    fn seconds_until_available_and_grace_left() {
        let pod = |ready: &str, since: &str, deleting: Option<&str>| -> Pod {
            let mut p = json!({"metadata": {"name": "p"}, "spec": {"containers": []},
                "status": {"conditions": [{"type": "Ready", "status": ready, "lastTransitionTime": since}]}});
            if let Some(d) = deleting {
                p["metadata"]["deletionTimestamp"] = json!(d);
            }
            serde_json::from_value(p).unwrap()
        };
        // Ready 4 s ago, minReadySeconds 10: 6 s to go; at 10 s it is available
        assert_eq!(
            available_in(&pod("True", "2026-01-01T00:09:56Z", None), 10, now()),
            Some(6)
        );
        assert_eq!(
            available_in(&pod("True", "2026-01-01T00:09:50Z", None), 10, now()),
            None
        );
        assert_eq!(
            available_in(&pod("True", "2026-01-01T00:09:59Z", None), 0, now()),
            None
        );
        assert_eq!(
            available_in(&pod("False", "2026-01-01T00:09:59Z", None), 10, now()),
            None
        );
        let deleting = pod("True", "2026-01-01T00:00:00Z", Some("2026-01-01T00:10:25Z"));
        assert_eq!(grace_left(&deleting, now()), Some(25));
        let past = pod("True", "2026-01-01T00:00:00Z", Some("2026-01-01T00:09:00Z"));
        assert_eq!(grace_left(&past, now()), Some(-60));
        assert_eq!(
            grace_left(&pod("True", "2026-01-01T00:00:00Z", None), now()),
            None
        );
    }
}
