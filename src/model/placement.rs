//! Where a pod may go and where a volume can be used: node selectors and affinity terms as the
//! scheduler matches them, taints and tolerations, zones, live and schedulable nodes, resource
//! requests against allocatable, and one definition of a volume *pinned* to a node.

use std::collections::HashMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration,
};
use serde::Serialize;

use super::health::{node_health, Readiness};
use super::Volume;

/// Where a volume of the pod can be used from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Placement {
    /// No volume is bound yet: nothing to move.
    Unbound,
    /// Some live node satisfies the volume's node affinity (or it has none).
    Movable,
    /// Other nodes satisfy it, but none is live and schedulable now (a zone that is down or
    /// cordoned): not pinned — a replacement starts there when one comes back.
    NoLiveNode,
    /// The dead node satisfies it and no other node of the cluster does, live or not: the data
    /// is reachable only from the dead node.
    Pinned,
    /// Nodes or the volume could not be read: nothing can be said (a refusal, never "pinned").
    Unknown,
}

/// Whether `node` satisfies a required node selector: the terms are ORed, a term's
/// requirements ANDed, and an empty term matches nothing (k8s.io/component-helpers
/// scheduling/corev1/nodeaffinity: `NodeSelector.Match`).
pub fn node_selector_matches(sel: &NodeSelector, node: &Node) -> bool {
    sel.node_selector_terms
        .iter()
        .any(|t| term_matches(t, node))
}

fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node.metadata.labels.as_ref();
    exprs
        .iter()
        .all(|r| requirement(r, labels.and_then(|l| l.get(&r.key)).map(String::as_str)))
        && fields.iter().all(|r| {
            // the only field a node selector may name
            r.key == "metadata.name" && requirement(r, node.metadata.name.as_deref())
        })
}

fn requirement(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = r.values.as_deref().unwrap_or_default();
    let number = |s: &str| s.parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => match (
            value.and_then(number),
            values.first().and_then(|x| number(x)),
        ) {
            (Some(v), Some(x)) => (r.operator == "Gt" && v > x) || (r.operator == "Lt" && v < x),
            _ => false,
        },
        _ => false,
    }
}

/// The cluster's nodes, indexed for volume node-affinity questions: a term that requires
/// `kubernetes.io/hostname In [h]` can only be met by the nodes labelled `h`, so a cluster of
/// thousands of nodes is not scanned once per local volume.
pub struct NodeIndex<'a> {
    all: Vec<&'a Node>,
    by_hostname: HashMap<&'a str, Vec<&'a Node>>,
}

pub const HOSTNAME: &str = "kubernetes.io/hostname";

impl<'a> NodeIndex<'a> {
    pub fn new(nodes: impl IntoIterator<Item = &'a Node>) -> NodeIndex<'a> {
        let all: Vec<&Node> = nodes.into_iter().collect();
        let mut by_hostname: HashMap<&str, Vec<&Node>> = HashMap::new();
        for n in &all {
            if let Some(h) = n.metadata.labels.as_ref().and_then(|l| l.get(HOSTNAME)) {
                by_hostname.entry(h.as_str()).or_default().push(n);
            }
        }
        NodeIndex { all, by_hostname }
    }

    /// The nodes that satisfy a required node selector (each at most once).
    fn matching(&self, sel: &NodeSelector) -> Vec<&'a Node> {
        let mut out: Vec<&Node> = vec![];
        for term in &sel.node_selector_terms {
            let candidates: Vec<&Node> = match hostname_values(term) {
                Some(values) => values
                    .iter()
                    .flat_map(|h| self.by_hostname.get(h.as_str()).into_iter().flatten())
                    .copied()
                    .collect(),
                None => self.all.clone(),
            };
            for n in candidates {
                if term_matches(term, n) && !out.iter().any(|o| std::ptr::eq(*o, n)) {
                    out.push(n);
                }
            }
        }
        out
    }
}

/// The values a term's `kubernetes.io/hostname In [...]` requirement allows (None: the term
/// has no such requirement and may match any node).
fn hostname_values(term: &NodeSelectorTerm) -> Option<&[String]> {
    term.match_expressions
        .iter()
        .flatten()
        .find(|r| r.key == HOSTNAME && r.operator == "In")
        .map(|r| r.values.as_deref().unwrap_or_default())
}

/// The one node a volume can be used on: its node affinity admits exactly one node of the
/// cluster, whatever the topology key (`kubernetes.io/hostname`, `topology.topolvm.io/node`,
/// `openebs.io/nodename`, a local or hostPath volume's node) — the same rule as
/// [`placement`]'s `Pinned`. Where the nodes may not be read (`None`), only a volume whose
/// every term requires one and the same `kubernetes.io/hostname` can be told pinned.
pub fn pinned_node(pv: &Volume, nodes: Option<&NodeIndex<'_>>) -> Option<String> {
    let required = pv.node_affinity.as_ref()?;
    match nodes {
        Some(index) => match index.matching(required).as_slice() {
            [only] => only.metadata.name.clone(),
            _ => None,
        },
        None => {
            let mut named = required
                .node_selector_terms
                .iter()
                .map(|t| match hostname_values(t) {
                    Some([one]) => Some(one.as_str()),
                    _ => None,
                });
            let first = named.next()??;
            named.all(|n| n == Some(first)).then(|| first.to_string())
        }
    }
}

/// Can a replacement use this volume somewhere other than the dead node? A volume without
/// node affinity (network-attached) can; a zonal one can within its zone; one that the dead
/// node satisfies and no other node of the cluster does — live or not, whatever the topology
/// key (`kubernetes.io/hostname`, `topology.topolvm.io/node`, `openebs.io/nodename`, a local
/// or hostPath volume's node) — cannot. `nodes`: every node of the cluster (None: they may
/// not be read); `live`: those Ready and schedulable, the dead one excluded.
pub fn placement(
    pv: Option<&Volume>,
    nodes: Option<&[Node]>,
    dead: &str,
    live: &[&Node],
) -> (Placement, Option<String>) {
    let Some(pv) = pv else {
        return (Placement::Unbound, None);
    };
    let Some(required) = pv.node_affinity.as_ref() else {
        return (Placement::Movable, None);
    };
    let Some(nodes) = nodes else {
        return (
            Placement::Unknown,
            Some(format!(
                "volume {} has node affinity, and nodes may not be read: whether it can move is unknown",
                pv.name
            )),
        );
    };
    if live.iter().any(|n| node_selector_matches(required, n)) {
        return (Placement::Movable, None);
    }
    let others: Vec<&Node> = nodes
        .iter()
        .filter(|n| n.metadata.name.as_deref() != Some(dead))
        .filter(|n| node_selector_matches(required, n))
        .collect();
    if others.is_empty() {
        return (Placement::Pinned, None);
    }
    let names: Vec<&str> = others
        .iter()
        .filter_map(|n| n.metadata.name.as_deref())
        .collect();
    let zone = zone_of(required)
        .map(|z| format!(" in zone {z}"))
        .unwrap_or_default();
    (
        Placement::NoLiveNode,
        Some(format!(
            "no live, schedulable node{zone} (its other nodes are down or cordoned: {}); a replacement starts when one is back",
            names.join(", ")
        )),
    )
}

/// The zone a volume's node affinity names (one `In` value of the zone label), for its words.
fn zone_of(sel: &NodeSelector) -> Option<String> {
    sel.node_selector_terms
        .iter()
        .flat_map(|t| t.match_expressions.iter().flatten())
        .find(|r| {
            r.operator == "In"
                && matches!(
                    r.key.as_str(),
                    "topology.kubernetes.io/zone" | "failure-domain.beta.kubernetes.io/zone"
                )
        })
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

/// The nodes a replacement could run on: Ready, not cordoned, not the dead one.
pub fn live_nodes<'a>(nodes: &'a [Node], dead: &str, now: jiff::Timestamp) -> Vec<&'a Node> {
    nodes
        .iter()
        .filter(|n| n.metadata.name.as_deref() != Some(dead))
        .filter(|n| {
            let h = node_health(n, now);
            h.readiness == Readiness::Ready && !h.unschedulable
        })
        .collect()
}

/// Whether a toleration tolerates a taint (k8s.io/api core/v1 `Toleration.ToleratesTaint`:
/// effect empty or equal, key empty with Exists or equal, Exists matches any value, Equal (or
/// empty) the same value).
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or_default();
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or_default();
    let operator = t.operator.as_deref().unwrap_or("Equal");
    if key.is_empty() {
        return operator == "Exists";
    }
    if key != taint.key {
        return false;
    }
    match operator {
        "Exists" => true,
        "Equal" | "" => {
            t.value.as_deref().unwrap_or_default() == taint.value.as_deref().unwrap_or_default()
        }
        _ => false,
    }
}

/// CPU in millicores and memory in bytes that a pod requests (its containers' requests; the
/// init containers' largest when larger, as the scheduler counts).
pub fn requests(pod: &Pod) -> (i128, i128) {
    let Some(spec) = pod.spec.as_ref() else {
        return (0, 0);
    };
    let sum = |cs: &[k8s_openapi::api::core::v1::Container]| {
        cs.iter().fold((0i128, 0i128), |(c, m), ct| {
            let r = ct.resources.as_ref().and_then(|r| r.requests.as_ref());
            let cpu = r
                .and_then(|r| r.get("cpu"))
                .and_then(|q| kube_common::quantity::parse_milli(&q.0))
                .unwrap_or(0);
            let mem = r
                .and_then(|r| r.get("memory"))
                .and_then(|q| kube_common::quantity::parse(&q.0))
                .unwrap_or(0);
            (c + cpu, m + mem)
        })
    };
    let (c, m) = sum(&spec.containers);
    let init = spec
        .init_containers
        .as_deref()
        .map(|ics| {
            ics.iter().fold((0, 0), |(c, m), ic| {
                let (ic_c, ic_m) = sum(std::slice::from_ref(ic));
                (c.max(ic_c), m.max(ic_m))
            })
        })
        .unwrap_or((0, 0));
    (c.max(init.0), m.max(init.1))
}

pub fn allocatable(node: &Node) -> (Option<i128>, Option<i128>) {
    let a = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    (
        a.and_then(|a| a.get("cpu"))
            .and_then(|q| kube_common::quantity::parse_milli(&q.0)),
        a.and_then(|a| a.get("memory"))
            .and_then(|q| kube_common::quantity::parse(&q.0)),
    )
}

/// Why `node` cannot take a pod of this spec by the spec alone (its node selector and required
/// node affinity, the node's NoSchedule/NoExecute taints it does not tolerate), in the
/// scheduler's words; None when it can. Shared with `check` (where a template's pods may run).
pub(crate) fn spec_misfit(
    spec: &k8s_openapi::api::core::v1::PodSpec,
    node: &Node,
) -> Option<&'static str> {
    let node_labels = node.metadata.labels.as_ref();
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| node_labels.and_then(|l| l.get(k)) == Some(v));
    let affinity_ok = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_none_or(|sel| node_selector_matches(sel, node));
    if !selector_ok || !affinity_ok {
        return Some("node(s) didn't match Pod's node affinity/selector");
    }
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    let untolerated = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|ts| {
            ts.iter().any(|t| {
                (t.effect == "NoSchedule" || t.effect == "NoExecute")
                    && !tolerations.iter().any(|tol| tolerates(tol, t))
            })
        });
    // v1.36 TaintToleration words it without the key (seen on the real control plane tier)
    untolerated.then_some("node(s) had untolerated taint(s)")
}
