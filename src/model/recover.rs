//! `recover` as pure decisions: which way back is the fastest safe one for a pod stuck on a
//! dead node, what the out-of-service taint does to everything else on that node, how far the
//! recovery has got, and when the node may be given back.
//!
//! Measured on a real v1.36 control plane (golden `dead-node-*`, `out-of-service`): a grace-0
//! delete frees the name at once, but a network volume stays attached to the dead node until
//! the attach/detach controller's forced detach (6 minutes); the out-of-service taint makes the
//! pod GC delete the pod and the attach/detach controller detach at once (≈15 s to Ready); a
//! volume that only the dead node can reach keeps the replacement Pending until the node
//! returns or the ordinal's data is given up.

use k8s_openapi::api::core::v1::{Node, Pod, Taint};
use serde::Serialize;

use super::health::{
    node_health, pod_ready, pod_terminating, LeaseLookup, Readiness, OUT_OF_SERVICE,
};
use super::placement::{tolerates, Placement};
use super::set::{owning_controller, start_ordinal};

/// The taint of the non-graceful node shutdown (GA in 1.28), as `kubectl taint` writes it.
pub const OUT_OF_SERVICE_VALUE: &str = "nodeshutdown";
pub const OUT_OF_SERVICE_EFFECT: &str = "NoExecute";

/// One claim of the stuck pod, as the path decision needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeFacts {
    pub claim: String,
    pub claim_uid: Option<String>,
    pub volume: Option<String>,
    pub placement: Placement,
    /// Why, when it is not plain: which zone has no live node, what could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement_reason: Option<String>,
    /// A VolumeAttachment still ties the volume to the dead node.
    pub attached_to_dead_node: bool,
}

/// The way back, chosen from the pod's volumes (serialized as its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RecoverPath {
    /// Taint the node out of service: the pod GC deletes the pod, the volume is detached at once.
    OutOfServiceTaint,
    /// The data lives only on the dead node: wait for it, or give up the ordinal's claims.
    VolumePinned,
    /// Nothing holds the replacement back: a grace-0 delete frees the name.
    Delete,
}

impl RecoverPath {
    pub fn choose(volumes: &[VolumeFacts]) -> RecoverPath {
        if volumes.iter().any(|v| v.placement == Placement::Pinned) {
            RecoverPath::VolumePinned
        } else if volumes.iter().any(|v| v.attached_to_dead_node) {
            RecoverPath::OutOfServiceTaint
        } else {
            RecoverPath::Delete
        }
    }

    /// What the operator should expect, in words.
    pub fn expectation(self) -> &'static str {
        match self {
            RecoverPath::OutOfServiceTaint => "the volume is still attached to the dead node but can move: tainting the node out of service lets the pod GC delete the pod and the volume be detached at once (Ready again in about 15-60 s, instead of ~6 minutes after a force delete)",
            RecoverPath::VolumePinned => "the data exists only on the dead node: the ordinal can run again only when the node returns, or with fresh empty volumes if its claims are given up",
            RecoverPath::Delete => "no volume holds the replacement back: a grace-0 delete frees the name and the replacement starts at once",
        }
    }
}

/// The expectation when the Node object is gone while a volume is still attached to it: there
/// is nothing to taint, and the attach/detach controller keeps what it last saw mounted, so it
/// waits maxWaitForUnmountDuration before the forced detach
/// (pkg/controller/volume/attachdetach/reconciler/reconciler.go).
pub const NODE_GONE_EXPECTATION: &str = "the Node object is gone, so there is nothing to taint: a grace-0 delete frees the name, but the attach/detach controller still waits about 6 minutes (maxWaitForUnmountDuration) before it detaches a volume it last saw mounted there; the replacement starts after that";

/// What the operator chose for a pinned volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinnedChoice {
    /// Neither: stop and explain.
    None,
    /// `--wait`: wait for the node to return.
    WaitForNode,
    /// `--abandon-data[=claims]`: the claims named (empty: to be typed at the prompt).
    Abandon(Vec<String>),
}

/// Checks the claims named with `--abandon-data=` against the ordinal's: they must be exactly
/// the same set (a typo or a missing one confirms nothing).
pub fn abandon_names_match(named: &[String], claims: &[VolumeFacts]) -> Result<(), String> {
    let mut want: Vec<&str> = claims.iter().map(|c| c.claim.as_str()).collect();
    let mut got: Vec<&str> = named.iter().map(|s| s.trim()).collect();
    want.sort_unstable();
    want.dedup();
    got.sort_unstable();
    got.dedup();
    if want == got {
        Ok(())
    } else {
        Err(format!(
            "--abandon-data names {}, but the claims pinned to the dead node are {}",
            if got.is_empty() {
                "no claim".to_string()
            } else {
                got.join(",")
            },
            want.join(",")
        ))
    }
}

/// What the out-of-service taint does to a pod on the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Fate {
    /// The taint manager evicts it (it does not tolerate the taint), or it is already
    /// terminating; either way the pod GC then deletes it.
    Deleted,
    /// It tolerates the node's taints for a while (`tolerationSeconds`), then is deleted.
    DeletedLater,
    /// It tolerates every taint of the node for good: it stays, bound to a dead node.
    Stays,
}

/// A pod on the node to be tainted, for the preview and the prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePod {
    pub namespace: String,
    pub name: String,
    /// `Kind/name` of its controller; None for a bare pod (deleted for good).
    pub owner: Option<String>,
    pub fate: Fate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_seconds: Option<i64>,
}

impl NodePod {
    pub fn describe(&self) -> String {
        let who = format!("{}/{}", self.namespace, self.name);
        let owner = match &self.owner {
            Some(o) => format!("{o}, recreated elsewhere by its controller"),
            None => "no controller: it is not recreated".into(),
        };
        match self.fate {
            Fate::Deleted => format!("{who} is deleted ({owner})"),
            Fate::DeletedLater => format!(
                "{who} tolerates the taint for {}s, then is deleted ({owner})",
                self.after_seconds.unwrap_or(0)
            ),
            Fate::Stays => format!("{who} tolerates the taint and stays"),
        }
    }
}

/// What the node's NoExecute taints, the out-of-service one added now, do to `pod`, as the
/// taint manager decides (pkg/controller/tainteviction: per taint the first toleration that
/// matches, `GetMatchingTolerations`; the shortest `tolerationSeconds` among them, none at
/// all meaning forever, `getMinTolerationTime`; counted from each taint's `timeAdded`). A pod
/// already terminating is deleted by the pod GC whatever it tolerates.
pub fn taint_fate(pod: &Pod, node_taints: &[Taint], now: jiff::Timestamp) -> NodePod {
    let tolerations = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default();
    let added = out_of_service_taint();
    let taints = node_taints
        .iter()
        .filter(|t| t.effect == OUT_OF_SERVICE_EFFECT && t.key != OUT_OF_SERVICE)
        .chain(std::iter::once(&added));
    // seconds left of each taint's toleration; None = tolerated forever
    let mut left: Vec<Option<i64>> = Vec::new();
    let mut untolerated = false;
    for taint in taints {
        match tolerations.iter().find(|t| tolerates(t, taint)) {
            None => untolerated = true,
            Some(t) => left.push(t.toleration_seconds.map(|secs| {
                let since = taint
                    .time_added
                    .as_ref()
                    .map_or(0, |a| now.duration_since(a.0).as_secs().max(0));
                secs - since
            })),
        }
    }
    let soonest = left.iter().flatten().min().copied();
    let (fate, after) = if pod_terminating(pod) || untolerated {
        (Fate::Deleted, None)
    } else {
        match soonest {
            None => (Fate::Stays, None),
            Some(s) if s <= 0 => (Fate::Deleted, None),
            Some(s) => (Fate::DeletedLater, Some(s)),
        }
    };
    NodePod {
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        name: pod.metadata.name.clone().unwrap_or_default(),
        owner: owning_controller(pod),
        fate,
        after_seconds: after,
    }
}

/// The taint of the non-graceful node shutdown, as `kubectl taint` writes it (no timeAdded:
/// golden `out-of-service/timeline.json`).
pub fn out_of_service_taint() -> Taint {
    Taint {
        key: OUT_OF_SERVICE.into(),
        value: Some(OUT_OF_SERVICE_VALUE.into()),
        effect: OUT_OF_SERVICE_EFFECT.into(),
        time_added: None,
    }
}

/// How far the ordinal has come back (serialized as its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Phase {
    /// The stuck pod is still there.
    OldPodPresent,
    /// Gone; the StatefulSet controller has not created the replacement yet.
    NoReplacement,
    /// The replacement exists but is not scheduled.
    Unscheduled,
    /// Scheduled; a volume is not attached to its node yet.
    WaitingForVolume,
    /// Scheduled with its volumes: containers starting.
    Starting,
    Ready,
}

/// One observation of the ordinal: its pod now, and the volumes of its claims that are not
/// attached to that pod's node (only for volumes that attach at all).
pub struct Observed<'a> {
    pub pod: Option<&'a Pod>,
    pub unattached: Vec<String>,
}

/// The phase, and what it waits for in words.
pub fn phase(old_uid: &str, o: &Observed<'_>) -> (Phase, String) {
    let Some(p) = o.pod else {
        return (
            Phase::NoReplacement,
            "the stuck pod is gone; waiting for the StatefulSet controller to create its replacement".into(),
        );
    };
    let name = p.metadata.name.as_deref().unwrap_or_default();
    let same = p.metadata.uid.as_deref() == Some(old_uid);
    if pod_ready(p) && !pod_terminating(p) {
        return (Phase::Ready, format!("{name} is Ready"));
    }
    if same {
        let node = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .unwrap_or("?");
        let how = if pod_terminating(p) {
            "terminating"
        } else {
            "not Ready"
        };
        return (
            Phase::OldPodPresent,
            format!("the stuck {name} is still there ({how}, on {node})"),
        );
    }
    let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
        let why = p
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "PodScheduled"))
            .and_then(|c| c.message.clone())
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        return (
            Phase::Unscheduled,
            format!("replacement {name} is not scheduled yet{why}"),
        );
    };
    if !o.unattached.is_empty() {
        return (
            Phase::WaitingForVolume,
            format!(
                "replacement {name} on {node} waits for volume {} to be attached there",
                o.unattached.join(", ")
            ),
        );
    }
    (
        Phase::Starting,
        format!("replacement {name} on {node} is starting"),
    )
}

/// May the out-of-service taint come off the node? Only once it is back: Ready, and its
/// kubelet renewing its Lease within `silence` (a Ready condition alone may be stale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReleaseVerdict {
    Release,
    /// The node has no out-of-service taint.
    NotTainted,
    /// Not Ready, or its kubelet is not reporting: the taint stays.
    StillDown,
}

pub fn release_verdict(
    node: &Node,
    lease: LeaseLookup,
    now: jiff::Timestamp,
    silence: std::time::Duration,
) -> (ReleaseVerdict, String) {
    let name = node.metadata.name.as_deref().unwrap_or_default();
    let h = node_health(node, now);
    if !h.out_of_service {
        return (
            ReleaseVerdict::NotTainted,
            format!("node {name} has no {OUT_OF_SERVICE} taint"),
        );
    }
    if h.readiness != Readiness::Ready {
        return (
            ReleaseVerdict::StillDown,
            format!(
                "node {name} is {}: the taint stays until it is back (Ready, its kubelet reporting)",
                h.summary()
            ),
        );
    }
    let beat = match lease {
        LeaseLookup::Renewed(t) => Some(t),
        LeaseLookup::Missing | LeaseLookup::Forbidden => node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
            .and_then(|c| c.last_heartbeat_time.as_ref())
            .map(|t| t.0),
    };
    match beat {
        Some(t) if now.duration_since(t).unsigned_abs() <= silence => (
            ReleaseVerdict::Release,
            format!(
                "node {name} is Ready and its kubelet reported {} ago",
                crate::kubefmt::human_duration(now.duration_since(t).as_secs().max(0))
            ),
        ),
        Some(t) => (
            ReleaseVerdict::StillDown,
            format!(
                "node {name} says Ready but its kubelet last reported {} ago: wait until it reports",
                crate::kubefmt::human_duration(now.duration_since(t).as_secs().max(0))
            ),
        ),
        None => (
            ReleaseVerdict::StillDown,
            format!("node {name} says Ready but no heartbeat of its kubelet can be read"),
        ),
    }
}

/// Whether the StatefulSet controller will create `pod`'s replacement once the pod is gone;
/// `Some(why)` where it will not, so that nothing is given up for nothing.
///
/// pkg/controller/statefulset/stateful_set_control.go (updateStatefulSet): the controller
/// never re-creates an ordinal outside `[start, start + replicas)`, nothing for a set being
/// deleted, and under `OrderedReady` it creates a missing ordinal only when every lower one
/// exists, is not terminating and is Running and Ready (`isRunningAndReady`; it waits for
/// availability too, which settles by itself and is not refused here). `taint`: on the
/// out-of-service taint's path, the set's pods on `dead_node` whose volume only that node can
/// use. The taint deletes every pod on `dead_node` (lower ordinals included), so those come
/// back in order and do not stand in the way — unless a lower one's volume is pinned there:
/// its replacement can start nowhere, and the controller never gets past it.
pub fn replacement_refusal(
    set: &k8s_openapi::api::apps::v1::StatefulSet,
    pods: &[Pod],
    pod: &str,
    dead_node: &str,
    taint: Option<&std::collections::BTreeSet<String>>,
) -> Option<String> {
    let name = set.metadata.name.as_deref().unwrap_or_default();
    if set.metadata.deletion_timestamp.is_some() {
        return Some(format!(
            "statefulset {name} is being deleted: its controller will not create {pod} again"
        ));
    }
    let spec = &set.spec;
    let start = start_ordinal(set);
    let replicas = spec.replicas.unwrap_or(1) as i64;
    let ordinal = super::set::ordinal_of(name, pod)?;
    if ordinal < start || ordinal >= start + replicas {
        return Some(format!(
            "{pod} is outside the {replicas} replicas of statefulset {name} (ordinals {start}..{}): its controller will not create it again; scale the set instead",
            start + replicas - 1
        ));
    }
    let parallel = spec.pod_management_policy.as_deref() == Some("Parallel");
    if parallel {
        return None;
    }
    for o in start..ordinal {
        let lower = format!("{name}-{o}");
        let p = pods
            .iter()
            .find(|p| p.metadata.name.as_deref() == Some(lower.as_str()));
        let on_dead = p
            .and_then(|p| p.spec.as_ref()?.node_name.as_deref())
            .is_some_and(|n| n == dead_node);
        match taint {
            Some(pinned) if on_dead && pinned.contains(&lower) => {
                return Some(format!(
                    "under podManagementPolicy OrderedReady the StatefulSet controller creates {pod} only when every lower ordinal is Running and Ready, and {lower} is on node {dead_node} too with a volume only that node can use: the taint deletes it, but its replacement cannot start anywhere else, so {pod} would never be created; recover {lower} first (--abandon-data or --wait); nothing was written"
                ));
            }
            Some(_) if on_dead => continue,
            _ => {}
        }
        let running = p
            .and_then(|p| p.status.as_ref()?.phase.as_deref())
            .is_some_and(|ph| ph == "Running");
        let state = match p {
            None => "does not exist".to_string(),
            Some(p) if pod_terminating(p) => "is terminating".to_string(),
            Some(p) if !running || !pod_ready(p) => "is not Running and Ready".to_string(),
            Some(_) => continue,
        };
        let what_to_do = if on_dead {
            format!("recover {lower} first")
        } else {
            format!("bring {lower} back first")
        };
        return Some(format!(
            "under podManagementPolicy OrderedReady the StatefulSet controller creates {pod} only when every lower ordinal is Running and Ready, and {lower} {state}{}: {what_to_do}; nothing was written",
            if on_dead { format!(" on node {dead_node}") } else { String::new() }
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::placement::*;
    use crate::model::Volume;
    use k8s_openapi::api::core::v1::NodeSelector;
    use serde_json::{json, Value};
    use std::time::Duration;

    fn node(name: &str, ready: &str, labels: Value, taints: Value) -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": name, "labels": labels},
            "spec": {"taints": taints},
            "status": {"conditions": [{"type": "Ready", "status": ready,
                "lastHeartbeatTime": "2026-01-01T00:09:50Z",
                "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
        }))
        .unwrap()
    }

    fn now() -> jiff::Timestamp {
        "2026-01-01T00:10:00Z".parse().unwrap()
    }

    fn pv(affinity: Value) -> Volume {
        let pv: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(
            json!({"metadata": {"name": "pv"}, "spec": {"nodeAffinity": affinity}}),
        )
        .unwrap();
        Volume::from(pv)
    }

    fn hostname_in(n: &str) -> Value {
        json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [n]}]}]}})
    }

    fn facts(placement: Placement, attached: bool) -> VolumeFacts {
        VolumeFacts {
            claim: "www-web-1".into(),
            claim_uid: None,
            volume: Some("pv".into()),
            placement,
            placement_reason: None,
            attached_to_dead_node: attached,
        }
    }

    #[test]
    fn the_path_follows_the_volumes() {
        use Placement::*;
        assert_eq!(RecoverPath::choose(&[]), RecoverPath::Delete);
        assert_eq!(
            RecoverPath::choose(&[facts(Movable, false)]),
            RecoverPath::Delete
        );
        assert_eq!(
            RecoverPath::choose(&[facts(Unbound, false)]),
            RecoverPath::Delete
        );
        assert_eq!(
            RecoverPath::choose(&[facts(Movable, true)]),
            RecoverPath::OutOfServiceTaint
        );
        // one pinned volume decides, whatever the others
        assert_eq!(
            RecoverPath::choose(&[facts(Movable, true), facts(Pinned, true)]),
            RecoverPath::VolumePinned
        );
        assert_eq!(
            RecoverPath::choose(&[facts(Pinned, false)]),
            RecoverPath::VolumePinned
        );
    }

    #[test]
    fn the_node_a_volume_is_pinned_to_is_the_one_node_its_affinity_admits_whatever_the_key() {
        let labels = |n: &str, h: &str, zone: &str| {
            json!({"kubernetes.io/hostname": h, "topology.kubernetes.io/zone": zone,
                "topology.topolvm.io/node": n})
        };
        // n2's hostname label is not its name (as on some clouds): the name is what is told
        let nodes = [
            node("n1", "True", labels("n1", "n1", "a"), json!([])),
            node("n2", "False", labels("n2", "ip-10-0-0-2", "a"), json!([])),
            node("n3", "True", labels("n3", "n3", "b"), json!([])),
        ];
        let index = NodeIndex::new(&nodes);
        let expr = |key: &str, values: Value| {
            json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": key, "operator": "In", "values": values}]}]}})
        };
        let pinned = |affinity: Value, nodes: Option<&NodeIndex>| pinned_node(&pv(affinity), nodes);
        assert_eq!(
            pinned(hostname_in("n1"), Some(&index)).as_deref(),
            Some("n1")
        );
        assert_eq!(
            pinned(hostname_in("ip-10-0-0-2"), Some(&index)).as_deref(),
            Some("n2"),
            "a dead node is still where the volume lives"
        );
        // a node-local CSI driver's own key (TopoLVM): inspect used to know only the hostname
        assert_eq!(
            pinned(
                expr("topology.topolvm.io/node", json!(["n3"])),
                Some(&index)
            )
            .as_deref(),
            Some("n3")
        );
        // near misses: two nodes of a zone, two hostnames, no node at all, no affinity
        assert_eq!(
            pinned(
                expr("topology.kubernetes.io/zone", json!(["a"])),
                Some(&index)
            ),
            None
        );
        assert_eq!(
            pinned(expr(HOSTNAME, json!(["n1", "n3"])), Some(&index)),
            None
        );
        assert_eq!(pinned(hostname_in("gone"), Some(&index)), None);
        assert_eq!(pinned_node(&Volume::default(), Some(&index)), None);
        // two terms (ORed) that admit the same one node
        let two_terms = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": HOSTNAME, "operator": "In", "values": ["n1"]}]},
            {"matchExpressions": [{"key": "topology.topolvm.io/node", "operator": "In", "values": ["n1"]}]}]}});
        assert_eq!(
            pinned(two_terms.clone(), Some(&index)).as_deref(),
            Some("n1")
        );
        // nodes that may not be read: only one hostname everywhere tells
        assert_eq!(pinned(hostname_in("n1"), None).as_deref(), Some("n1"));
        assert_eq!(pinned(expr(HOSTNAME, json!(["n1", "n3"])), None), None);
        assert_eq!(
            pinned(expr("topology.topolvm.io/node", json!(["n3"])), None),
            None
        );
        assert_eq!(pinned(two_terms, None), None);
        // the same answer as placement's Pinned for the node it names
        for affinity in [
            hostname_in("n1"),
            expr("topology.topolvm.io/node", json!(["n3"])),
        ] {
            let v = pv(affinity.clone());
            let at = pinned_node(&v, Some(&index)).unwrap();
            assert_eq!(
                placement(Some(&v), Some(&nodes), &at, &[]).0,
                Placement::Pinned
            );
        }
    }

    #[test]
    fn a_volume_is_pinned_only_when_no_other_node_satisfies_it() {
        let labels = |n: &str, zone: &str| {
            json!({"kubernetes.io/hostname": n, "topology.kubernetes.io/zone": zone,
                "topology.topolvm.io/node": n})
        };
        // n3 is the dead node (zone a); n1 live in zone a, n2 live in zone b, n4 down in zone c
        let all = vec![
            node("n1", "True", labels("n1", "a"), json!([])),
            node("n2", "True", labels("n2", "b"), json!([])),
            node("n3", "Unknown", labels("n3", "a"), json!([])),
            node("n4", "Unknown", labels("n4", "c"), json!([])),
            node(
                "n5",
                "True",
                labels("n5", "c"),
                json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]),
            ),
        ];
        let mut cordoned = all.clone();
        cordoned[4] = serde_json::from_value(json!({"metadata": {"name": "n5", "labels": labels("n5", "c")},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "True",
                "lastHeartbeatTime": "2026-01-01T00:09:50Z", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}))
        .unwrap();
        let live = live_nodes(&cordoned, "n3", now());
        let p = |affinity: Value| placement(Some(&pv(affinity)), Some(&cordoned), "n3", &live);
        assert_eq!(
            placement(None, Some(&cordoned), "n3", &live),
            (Placement::Unbound, None)
        );
        assert_eq!(p(json!(null)).0, Placement::Movable);
        // the dead node's own hostname, whatever the topology key
        assert_eq!(p(hostname_in("n3")).0, Placement::Pinned);
        let topolvm = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "topology.topolvm.io/node", "operator": "In", "values": ["n3"]}]}]}});
        assert_eq!(p(topolvm).0, Placement::Pinned);
        assert_eq!(p(hostname_in("n2")).0, Placement::Movable);
        let zone = |z: &str| {
            json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [z]}]}]}})
        };
        // a zonal disk matches every node of its zone: movable while one is live
        assert_eq!(p(zone("a")).0, Placement::Movable);
        // zone c: one node down, one cordoned — not pinned, and said so
        let (placed, why) = p(zone("c"));
        assert_eq!(placed, Placement::NoLiveNode);
        let why = why.unwrap();
        assert!(
            why.starts_with("no live, schedulable node in zone c"),
            "{why}"
        );
        assert!(why.contains("n4, n5"), "{why}");
        // a zone that no node has: nothing else could ever take it
        assert_eq!(p(zone("z")).0, Placement::Pinned);
        // nodes that may not be read: unknown, never pinned
        let (placed, why) = placement(Some(&pv(hostname_in("n3"))), None, "n3", &[]);
        assert_eq!(placed, Placement::Unknown);
        assert!(why.unwrap().contains("nodes may not be read"));
        // terms are ORed
        let either = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["n9"]}]},
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n2"]}]}]}});
        assert_eq!(p(either).0, Placement::Movable);
        // an empty term matches nothing, the dead node included
        let empty = json!({"required": {"nodeSelectorTerms": [{}]}});
        assert_eq!(p(empty).0, Placement::Pinned);
    }

    #[test]
    fn node_selector_operators() {
        let n = node(
            "n1",
            "True",
            json!({"disk": "ssd", "cores": "8"}),
            json!([]),
        );
        let m = |op: &str, key: &str, values: Value| {
            let sel: NodeSelector = serde_json::from_value(json!({"nodeSelectorTerms": [
                {"matchExpressions": [{"key": key, "operator": op, "values": values}]}]}))
            .unwrap();
            node_selector_matches(&sel, &n)
        };
        assert!(m("In", "disk", json!(["ssd", "hdd"])));
        assert!(!m("In", "disk", json!(["hdd"])));
        assert!(!m("In", "gpu", json!(["a"])));
        assert!(m("NotIn", "disk", json!(["hdd"])));
        assert!(m("NotIn", "gpu", json!(["a"])));
        assert!(!m("NotIn", "disk", json!(["ssd"])));
        assert!(m("Exists", "disk", json!(null)));
        assert!(!m("Exists", "gpu", json!(null)));
        assert!(m("DoesNotExist", "gpu", json!(null)));
        assert!(!m("DoesNotExist", "disk", json!(null)));
        assert!(m("Gt", "cores", json!(["4"])));
        assert!(!m("Gt", "cores", json!(["8"])));
        assert!(m("Lt", "cores", json!(["16"])));
        assert!(!m("Lt", "disk", json!(["16"])), "not a number");
        assert!(!m("Bogus", "disk", json!(["ssd"])));
    }

    #[test]
    fn live_nodes_are_ready_schedulable_and_not_the_dead_one() {
        let a = node("a", "True", json!({}), json!([]));
        let b = node("b", "Unknown", json!({}), json!([]));
        let mut c = node("c", "True", json!({}), json!([]));
        c.spec.as_mut().unwrap().unschedulable = Some(true);
        let d = node("d", "True", json!({}), json!([]));
        let all = [a, b, c, d];
        let live: Vec<&str> = live_nodes(&all, "d", now())
            .iter()
            .map(|n| n.metadata.name.as_deref().unwrap())
            .collect();
        assert_eq!(live, ["a"]);
    }

    fn pod_with(tolerations: Value, owner: bool, terminating: bool) -> Pod {
        let mut v = json!({
            "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
            "spec": {"containers": [], "tolerations": tolerations, "nodeName": "n3"},
        });
        if owner {
            v["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet",
                "name": "web", "uid": "s", "controller": true}]);
        }
        if terminating {
            v["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:05:00Z");
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn what_the_taint_does_to_each_pod() {
        let fate = |tolerations: Value, node_taints: Value, terminating: bool| {
            let taints: Vec<Taint> = serde_json::from_value(node_taints).unwrap();
            taint_fate(&pod_with(tolerations, true, terminating), &taints, now())
        };
        // the dead node's own taints, added 2 minutes before now()
        let dead = json!([
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": "2026-01-01T00:08:00Z"},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2026-01-01T00:08:00Z"}]);
        // the default tolerations (not-ready, unreachable for 300s) do not cover it
        let defaults = json!([
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]);
        let f = fate(defaults, dead.clone(), false);
        assert_eq!(f.fate, Fate::Deleted);
        assert_eq!(f.owner.as_deref(), Some("StatefulSet/web"));
        assert!(f.describe().contains("recreated elsewhere"));
        let bare = taint_fate(&pod_with(json!([]), false, false), &[], now());
        assert_eq!(bare.owner, None);
        assert!(
            bare.describe().contains("not recreated"),
            "{}",
            bare.describe()
        );
        // tolerate-everything (a node agent's DaemonSet, say)
        assert_eq!(
            fate(json!([{"operator": "Exists"}]), dead.clone(), false).fate,
            Fate::Stays
        );
        // tolerating the out-of-service taint but not the node's unreachable one: deleted
        let key = json!([{"key": OUT_OF_SERVICE, "operator": "Exists"}]);
        assert_eq!(fate(key.clone(), json!([]), false).fate, Fate::Stays);
        assert_eq!(fate(key, dead.clone(), false).fate, Fate::Deleted);
        // forever for out-of-service, 300s for unreachable added 120s ago: 180s left
        let both = json!([{"key": OUT_OF_SERVICE, "operator": "Exists"},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]);
        let b = fate(both, dead.clone(), false);
        assert_eq!((b.fate, b.after_seconds), (Fate::DeletedLater, Some(180)));
        // Equal with the wrong value, or the wrong effect: not tolerated
        let wrong = json!([{"key": OUT_OF_SERVICE, "value": "other", "effect": "NoExecute"}]);
        assert_eq!(fate(wrong, json!([]), false).fate, Fate::Deleted);
        let sched = json!([{"key": OUT_OF_SERVICE, "operator": "Exists", "effect": "NoSchedule"}]);
        assert_eq!(fate(sched, json!([]), false).fate, Fate::Deleted);
        let no_key = json!([{"operator": "Equal", "value": "nodeshutdown"}]);
        assert_eq!(fate(no_key, json!([]), false).fate, Fate::Deleted);
        // tolerated for a while; the first matching toleration counts, not the longest
        let later = json!([
            {"key": OUT_OF_SERVICE, "value": "nodeshutdown", "effect": "NoExecute", "tolerationSeconds": 60},
            {"key": OUT_OF_SERVICE, "operator": "Exists"}]);
        let l = fate(later, json!([]), false);
        assert_eq!((l.fate, l.after_seconds), (Fate::DeletedLater, Some(60)));
        assert!(l.describe().contains("60s"), "{}", l.describe());
        let zero = json!([{"key": OUT_OF_SERVICE, "operator": "Exists", "tolerationSeconds": 0}]);
        assert_eq!(fate(zero, json!([]), false).fate, Fate::Deleted);
        // a pod already terminating is deleted by the pod GC whatever it tolerates
        assert_eq!(
            fate(json!([{"operator": "Exists"}]), dead, true).fate,
            Fate::Deleted
        );
    }

    #[test]
    fn abandoning_needs_exactly_the_ordinals_claims() {
        let claims = [
            facts(Placement::Pinned, false),
            VolumeFacts {
                claim: "data-web-1".into(),
                ..facts(Placement::Pinned, false)
            },
        ];
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(abandon_names_match(&s(&["www-web-1", "data-web-1"]), &claims).is_ok());
        assert!(abandon_names_match(&s(&["data-web-1", "www-web-1"]), &claims).is_ok());
        let e = abandon_names_match(&s(&["www-web-1"]), &claims).unwrap_err();
        assert_eq!(
            e,
            "--abandon-data names www-web-1, but the claims pinned to the dead node are data-web-1,www-web-1"
        );
        assert!(abandon_names_match(&s(&["www-web-1", "data-web-1", "x"]), &claims).is_err());
        assert!(abandon_names_match(&[], &claims).is_err());
        assert!(abandon_names_match(&s(&["www-web-2", "data-web-1"]), &claims).is_err());
    }

    fn ready_pod(uid: &str, node: Option<&str>, ready: bool) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": "web-1", "uid": uid},
            "spec": {"containers": [], "nodeName": node},
            "status": {"phase": if node.is_some() {"Running"} else {"Pending"},
                "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}},
                    {"type": "PodScheduled", "status": if node.is_some() {"True"} else {"False"},
                     "message": "0/3 nodes are available"}]}
        }))
        .unwrap()
    }

    #[test]
    fn the_phases_of_a_recovery() {
        fn obs<'a>(pod: Option<&'a Pod>, un: &[&str]) -> Observed<'a> {
            Observed {
                pod,
                unattached: un.iter().map(|s| s.to_string()).collect(),
            }
        }
        let old = ready_pod("old", Some("n3"), false);
        assert_eq!(phase("old", &obs(Some(&old), &[])).0, Phase::OldPodPresent);
        assert_eq!(phase("old", &obs(None, &[])).0, Phase::NoReplacement);
        let pending = ready_pod("new", None, false);
        let (p, words) = phase("old", &obs(Some(&pending), &[]));
        assert_eq!(p, Phase::Unscheduled);
        assert!(words.contains("0/3 nodes are available"), "{words}");
        let scheduled = ready_pod("new", Some("n1"), false);
        let (p, words) = phase("old", &obs(Some(&scheduled), &["pv-1"]));
        assert_eq!(p, Phase::WaitingForVolume);
        assert!(words.contains("pv-1") && words.contains("n1"), "{words}");
        assert_eq!(phase("old", &obs(Some(&scheduled), &[])).0, Phase::Starting);
        let ready = ready_pod("new", Some("n1"), true);
        assert_eq!(phase("old", &obs(Some(&ready), &[])).0, Phase::Ready);
        // the node came back and the same pod is Ready again (the --wait path)
        let back = ready_pod("old", Some("n3"), true);
        assert_eq!(phase("old", &obs(Some(&back), &[])).0, Phase::Ready);
        assert!(Phase::OldPodPresent < Phase::Ready);
    }

    #[test]
    fn the_taint_comes_off_only_when_the_node_is_back() {
        let taint =
            json!([{"key": OUT_OF_SERVICE, "value": "nodeshutdown", "effect": "NoExecute"}]);
        let silence = Duration::from_secs(40);
        let recent = LeaseLookup::Renewed("2026-01-01T00:09:55Z".parse().unwrap());
        let old = LeaseLookup::Renewed("2026-01-01T00:01:00Z".parse().unwrap());
        let back = node("n3", "True", json!({}), taint.clone());
        assert_eq!(
            release_verdict(&back, recent, now(), silence).0,
            ReleaseVerdict::Release
        );
        assert_eq!(
            release_verdict(&back, old, now(), silence).0,
            ReleaseVerdict::StillDown
        );
        // without a lease, the Ready condition's heartbeat (10s ago) counts
        assert_eq!(
            release_verdict(&back, LeaseLookup::Forbidden, now(), silence).0,
            ReleaseVerdict::Release
        );
        let down = node("n3", "Unknown", json!({}), taint);
        let (v, why) = release_verdict(&down, recent, now(), silence);
        assert_eq!(v, ReleaseVerdict::StillDown);
        assert!(why.contains("Unknown"), "{why}");
        let clean = node("n3", "True", json!({}), json!([]));
        assert_eq!(
            release_verdict(&clean, recent, now(), silence).0,
            ReleaseVerdict::NotTainted
        );
    }

    fn sts(replicas: i32, policy: &str, deleting: bool) -> k8s_openapi::api::apps::v1::StatefulSet {
        let mut v = json!({"metadata": {"name": "web"},
            "spec": {"replicas": replicas, "podManagementPolicy": policy,
                "selector": {}, "serviceName": "web", "template": {}}});
        if deleting {
            v["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        }
        serde_json::from_value(v).unwrap()
    }

    fn member(name: &str, node: &str, phase: &str, ready: bool, deleting: bool) -> Pod {
        let mut v = json!({"metadata": {"name": name}, "spec": {"nodeName": node},
            "status": {"phase": phase, "conditions": [
                {"type": "Ready", "status": if ready {"True"} else {"False"}}]}});
        if deleting {
            v["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn ordered_ready_replacements_wait_for_every_lower_ordinal() {
        let none = std::collections::BTreeSet::new();
        let set = sts(3, "OrderedReady", false);
        let healthy = member("web-0", "n1", "Running", true, false);
        let stuck_dead = member("web-0", "n2", "Running", false, true);
        let web1 = member("web-1", "n2", "Running", false, true);
        // web-0 fine elsewhere: web-1 comes back
        assert_eq!(
            replacement_refusal(&set, &[healthy.clone(), web1.clone()], "web-1", "n2", None),
            None
        );
        // web-0 stuck on the same dead node: refused, and web-0 is named
        let why = replacement_refusal(
            &set,
            &[stuck_dead.clone(), web1.clone()],
            "web-1",
            "n2",
            None,
        )
        .unwrap();
        assert!(
            why.contains("web-0 is terminating on node n2: recover web-0 first"),
            "{why}"
        );
        // ... but the taint deletes web-0 too: not a refusal on that path
        assert_eq!(
            replacement_refusal(
                &set,
                &[stuck_dead.clone(), web1.clone()],
                "web-1",
                "n2",
                Some(&none)
            ),
            None
        );
        // ... unless web-0's volume is pinned to the dead node: its replacement never starts
        let pinned: std::collections::BTreeSet<String> = ["web-0".to_string()].into();
        let why = replacement_refusal(
            &set,
            &[stuck_dead, web1.clone()],
            "web-1",
            "n2",
            Some(&pinned),
        )
        .unwrap();
        assert!(
            why.contains("web-0 is on node n2 too with a volume only that node can use")
                && why.contains("recover web-0 first"),
            "{why}"
        );
        // a lower ordinal missing, or not Ready on a live node, stops the controller too
        let why = replacement_refusal(
            &set,
            std::slice::from_ref(&web1),
            "web-1",
            "n2",
            Some(&none),
        )
        .unwrap();
        assert!(
            why.contains("web-0 does not exist: bring web-0 back first"),
            "{why}"
        );
        let crashing = member("web-0", "n1", "Running", false, false);
        let why = replacement_refusal(
            &set,
            &[crashing.clone(), web1.clone()],
            "web-2",
            "n2",
            Some(&none),
        )
        .unwrap();
        assert!(why.contains("web-0 is not Running and Ready"), "{why}");
        // the lowest ordinal never waits; Parallel never waits
        assert_eq!(replacement_refusal(&set, &[], "web-0", "n2", None), None);
        let parallel = sts(3, "Parallel", false);
        assert_eq!(
            replacement_refusal(&parallel, &[crashing, web1], "web-1", "n2", None),
            None
        );
    }

    #[test]
    fn no_replacement_outside_the_replicas_or_for_a_set_being_deleted() {
        let why =
            replacement_refusal(&sts(2, "Parallel", false), &[], "web-2", "n2", None).unwrap();
        assert!(why.contains("web-2 is outside the 2 replicas"), "{why}");
        let why = replacement_refusal(&sts(3, "Parallel", true), &[], "web-1", "n2", None).unwrap();
        assert!(why.contains("is being deleted"), "{why}");
        assert!(
            replacement_refusal(&sts(3, "Parallel", false), &[], "other-1", "n2", None).is_none()
        );
    }
}
