//! `drain` as pure decisions: may this node be drained, and what happens to each pod on it.
//!
//! The preflight reads the node, every node (where can a pod go), the pods, the StatefulSets,
//! the PodDisruptionBudgets and the volumes, and gives every pod on the node a verdict with a
//! stable code. Nothing is written when any verdict blocks. Other pods are treated as `kubectl
//! drain` treats them (k8s.io/kubectl/pkg/drain/filters.go: mirror pods skipped, DaemonSet pods,
//! `emptyDir` data and pods without a controller refused unless told otherwise); StatefulSet
//! pods are looked at as a StatefulSet needs: the set's health without this pod, a rollout in
//! progress, its PodDisruptionBudgets, and whether any other live node can take it (its
//! volumes' node affinity, its node selector and affinity, taints, requests).

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Node, Pod, Toleration};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube_common::selectors::LabelSelector;
use serde::Serialize;

use super::force::owning_controller;
use super::health::{node_health, pod_available, pod_ready, pod_terminating, Readiness};
use super::recover::{live_nodes, node_selector_matches, placement, Placement};
use super::starting::{being_created, starting_within};
use super::Volume;

/// The annotation drain puts on a node it cordons: who and when (so `uncordon` undoes only
/// its own cordon).
pub const CORDONED_BY: &str = "kubectl-sts.io/cordoned-by";

/// What drain does with one pod (serialized as its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum VerdictCode {
    /// Evicted now.
    Evictable,
    /// Its PodDisruptionBudget allows no disruption now: the eviction is retried until it does.
    WaitsForPdb,
    /// Another replica of its set is Ready but inside `minReadySeconds`: the eviction waits
    /// until it is available (it settles by itself).
    WaitsForSet,
    /// Its volume can live only on this node; with `--pinned wait` evicted last, Pending until
    /// the node returns.
    WaitsForNode,
    /// A mirror pod, a finished pod, or a DaemonSet pod with `--ignore-daemonsets`: left alone.
    Skipped,
    /// The set's only replica: the set is down until it runs elsewhere (`--allow-downtime`).
    Downtime,
    // what blocks the drain (nothing is written)
    /// A DaemonSet pod without `--ignore-daemonsets`.
    DaemonSetPod,
    /// `emptyDir` data without `--delete-emptydir-data`.
    LocalStorage,
    /// No controller, without `--force`.
    Unmanaged,
    /// Two or more PodDisruptionBudgets select it: the eviction API answers 500.
    MultiplePdbs,
    /// Its volume can live only on this node (without `--pinned wait`).
    PinnedVolume,
    /// No other live node can take it.
    NoNodeFits,
    /// Another replica of its set is not Ready and available: evicting would take two down.
    SetUnhealthy,
    /// Its set is being updated: the replacement would come back at the update revision.
    RolloutInProgress,
    /// The set's only replica, without `--allow-downtime`.
    DowntimeNotAllowed,
}

impl VerdictCode {
    pub fn blocks(self) -> bool {
        self >= VerdictCode::DaemonSetPod
    }
}

/// One PodDisruptionBudget that selects a pod, with its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbFacts {
    pub name: String,
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
    pub disruptions_allowed: i32,
    pub current_healthy: i32,
    pub desired_healthy: i32,
    pub expected_pods: i32,
    pub unhealthy_pod_eviction_policy: Option<String>,
}

/// The preflight's answer for one pod on the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodVerdict {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// `StatefulSet/web`, `DaemonSet/x`, … or none.
    pub owner: Option<String>,
    /// The StatefulSet, for its pods.
    pub statefulset: Option<String>,
    pub ordinal: Option<i64>,
    pub code: VerdictCode,
    /// One line: why, and for a blocker what to do.
    pub reason: String,
    pub pdbs: Vec<PdbFacts>,
    /// The live nodes it could go to (StatefulSet pods).
    pub fits: Vec<String>,
}

/// The flags that change verdicts, as `kubectl drain` has them (plus drain's own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainFlags {
    /// `--pod-selector`: only the node's pods it matches are drained (as kubectl drain).
    pub pod_selector: Option<LabelSelector>,
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    pub force: bool,
    pub allow_downtime: bool,
    pub pinned_wait: bool,
}

/// Everything the preflight reads.
pub struct DrainInput<'a> {
    pub node: &'a Node,
    /// Seconds since the node's kubelet last renewed its Lease (None: no Lease).
    pub lease_age: Option<i64>,
    pub nodes: &'a [Node],
    /// Every pod of the cluster (where they run, and each set's other replicas).
    pub pods: &'a [Pod],
    pub sets: &'a [StatefulSet],
    pub pdbs: &'a [PodDisruptionBudget],
    pub volumes: &'a [Volume],
    pub now: jiff::Timestamp,
    pub flags: DrainFlags,
}

/// The node itself: a NotReady node or a silent kubelet is not drained (its pods cannot
/// terminate: `recover` is the way). None: drainable.
pub fn node_refusal(input: &DrainInput<'_>, silence: i64) -> Option<String> {
    let h = node_health(input.node, input.now);
    let name = &h.name;
    if h.readiness != Readiness::Ready {
        return Some(format!(
            "node {name} is not Ready ({}): a dead node cannot be drained, its pods cannot terminate; kubectl sts recover POD takes them back",
            h.summary()
        ));
    }
    match input.lease_age {
        Some(age) if age > silence => Some(format!(
            "the kubelet of node {name} has not renewed its Lease for {age}s: it may be dead; kubectl sts recover POD takes its pods back"
        )),
        _ => None,
    }
}

fn labels(pod: &Pod) -> BTreeMap<String, String> {
    pod.metadata.labels.clone().unwrap_or_default()
}

fn selects(pdb: &PodDisruptionBudget, pod: &Pod) -> bool {
    pdb.metadata.namespace == pod.metadata.namespace && selects_labels(pdb, &labels(pod))
}

/// Whether the budget's selector matches these labels (policy/v1: a null selector selects
/// nothing, an empty one every pod of the namespace).
pub(crate) fn selects_labels(pdb: &PodDisruptionBudget, labels: &BTreeMap<String, String>) -> bool {
    let Some(sel) = pdb.spec.as_ref().and_then(|s| s.selector.as_ref()) else {
        return false;
    };
    let v = serde_json::to_value(sel).unwrap_or_default();
    LabelSelector::from_label_selector(&v).matches(labels)
}

fn pdb_facts(pdb: &PodDisruptionBudget) -> PdbFacts {
    let spec = pdb.spec.clone().unwrap_or_default();
    let status = pdb.status.clone().unwrap_or_default();
    let s = |v: Option<k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>| {
        v.map(|v| match v {
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => i.to_string(),
            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s) => s,
        })
    };
    PdbFacts {
        name: pdb.metadata.name.clone().unwrap_or_default(),
        min_available: s(spec.min_available),
        max_unavailable: s(spec.max_unavailable),
        disruptions_allowed: status.disruptions_allowed.unwrap_or(0),
        current_healthy: status.current_healthy.unwrap_or(0),
        desired_healthy: status.desired_healthy.unwrap_or(0),
        expected_pods: status.expected_pods.unwrap_or(0),
        unhealthy_pod_eviction_policy: spec.unhealthy_pod_eviction_policy,
    }
}

impl PdbFacts {
    pub fn describe(&self) -> String {
        format!(
            "PodDisruptionBudget {} ({}; {} healthy of {} wanted, {} disruption(s) allowed)",
            self.name,
            match (&self.min_available, &self.max_unavailable) {
                (Some(m), _) => format!("minAvailable {m}"),
                (_, Some(m)) => format!("maxUnavailable {m}"),
                _ => "no bound".into(),
            },
            self.current_healthy,
            self.desired_healthy,
            self.disruptions_allowed
        )
    }
}

fn tolerates(tolerations: &[Toleration], key: &str, value: Option<&str>, effect: &str) -> bool {
    tolerations.iter().any(|t| {
        let key_ok = match t.key.as_deref() {
            None | Some("") => t.operator.as_deref() == Some("Exists"),
            Some(k) => k == key,
        };
        let value_ok = t.operator.as_deref() == Some("Exists")
            || t.value.as_deref().unwrap_or("") == value.unwrap_or("");
        let effect_ok = t
            .effect
            .as_deref()
            .is_none_or(|e| e.is_empty() || e == effect);
        key_ok && value_ok && effect_ok
    })
}

/// CPU in millicores and memory in bytes that a pod requests (its containers' requests; the
/// init containers' largest when larger, as the scheduler counts).
fn requests(pod: &Pod) -> (i128, i128) {
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

fn allocatable(node: &Node) -> (Option<i128>, Option<i128>) {
    let a = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    (
        a.and_then(|a| a.get("cpu"))
            .and_then(|q| kube_common::quantity::parse_milli(&q.0)),
        a.and_then(|a| a.get("memory"))
            .and_then(|q| kube_common::quantity::parse(&q.0)),
    )
}

/// Why `node` cannot take `pod` (the scheduler's words), or None when it can: its volumes'
/// node affinity, its node selector and required node affinity, the node's taints, its
/// requests against what the node has left, required pod anti-affinity.
fn misfit(
    pod: &Pod,
    volumes: &[&Volume],
    node: &Node,
    index: &DrainIndex<'_>,
) -> Option<&'static str> {
    let spec = pod.spec.as_ref()?;
    let node_labels = node.metadata.labels.clone().unwrap_or_default();
    if volumes.iter().any(|v| {
        v.node_affinity
            .as_ref()
            .is_some_and(|a| !node_selector_matches(a, node))
    }) {
        return Some("node(s) had volume node affinity conflict");
    }
    if let Some(why) = spec_misfit(spec, node) {
        return Some(why);
    }
    let (want_cpu, want_mem) = requests(pod);
    let (cpu, mem) = allocatable(node);
    let used = node
        .metadata
        .name
        .as_deref()
        .and_then(|n| index.used.get(n))
        .copied()
        .unwrap_or((0, 0));
    if cpu.is_some_and(|cpu| want_cpu > 0 && used.0 + want_cpu > cpu) {
        return Some("Insufficient cpu");
    }
    if mem.is_some_and(|mem| want_mem > 0 && used.1 + want_mem > mem) {
        return Some("Insufficient memory");
    }
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    for term in anti.into_iter().flatten() {
        let Some(domain) = node_labels.get(&term.topology_key) else {
            continue;
        };
        let sel = LabelSelector::from_label_selector(
            &serde_json::to_value(&term.label_selector).unwrap_or_default(),
        );
        let neighbours = pod
            .metadata
            .namespace
            .as_deref()
            .and_then(|ns| index.by_namespace.get(ns))
            .map_or(&[][..], Vec::as_slice);
        let clash = neighbours.iter().any(|p| {
            p.metadata.uid != pod.metadata.uid
                && !pod_terminating(p)
                && sel.matches(&labels(p))
                && p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .and_then(|n| index.nodes.get(n))
                    .and_then(|n| n.metadata.labels.as_ref()?.get(&term.topology_key))
                    .is_some_and(|d| d == domain)
        });
        if clash {
            return Some("node(s) didn't match pod anti-affinity rules");
        }
    }
    None
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
                    && !tolerates(tolerations, &t.key, t.value.as_deref(), &t.effect)
            })
        });
    untolerated.then_some("node(s) had untolerated taint")
}

/// The scheduler's summary: `0/3 nodes are available: 1 node(s) were unschedulable, 2 …`.
fn summary(total: usize, reasons: &BTreeMap<&str, usize>) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    format!("0/{total} nodes are available: {}", parts.join(", "))
}

/// Every pod on the node with its verdict, in the order drain would act: other pods first,
/// then StatefulSet pods by set, highest ordinal first.
pub fn preflight(input: &DrainInput<'_>) -> Vec<PodVerdict> {
    preflight_indexed(
        input,
        &DrainIndex::new(
            input.nodes,
            input.pods,
            input.sets,
            input.pdbs,
            input.volumes,
        ),
    )
}

/// The cluster's objects indexed once, so that a verdict costs what the pod's own set, node
/// and namespace hold, not the whole cluster: `check` asks about every node of a thousand sets.
pub struct DrainIndex<'a> {
    /// Pods by the node they are bound to.
    by_node: HashMap<&'a str, Vec<&'a Pod>>,
    /// Pods by namespace (required anti-affinity is namespaced here).
    by_namespace: HashMap<&'a str, Vec<&'a Pod>>,
    /// Pods by (namespace, controlling StatefulSet).
    by_set: HashMap<(&'a str, &'a str), Vec<&'a Pod>>,
    /// CPU millicores and memory bytes requested on each node by pods not finished.
    used: HashMap<&'a str, (i128, i128)>,
    nodes: HashMap<&'a str, &'a Node>,
    /// Volumes by the claim they are bound to (namespace, name).
    volumes: HashMap<(&'a str, &'a str), &'a Volume>,
    pdbs: HashMap<&'a str, Vec<&'a PodDisruptionBudget>>,
    sets: HashMap<(&'a str, &'a str), &'a StatefulSet>,
}

impl<'a> DrainIndex<'a> {
    /// The index of the objects a [`DrainInput`] reads besides its node (one index serves
    /// every node).
    pub fn new(
        nodes: &'a [Node],
        pods: &'a [Pod],
        sets: &'a [StatefulSet],
        pdbs: &'a [PodDisruptionBudget],
        volumes: &'a [Volume],
    ) -> DrainIndex<'a> {
        let mut ix = DrainIndex {
            by_node: HashMap::new(),
            by_namespace: HashMap::new(),
            by_set: HashMap::new(),
            used: HashMap::new(),
            nodes: nodes
                .iter()
                .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
                .collect(),
            volumes: volumes
                .iter()
                .filter_map(|v| {
                    let (ns, name) = v.claim.as_ref()?;
                    Some(((ns.as_str(), name.as_str()), v))
                })
                .collect(),
            pdbs: HashMap::new(),
            sets: sets
                .iter()
                .filter_map(|s| {
                    Some((
                        (
                            s.metadata.namespace.as_deref()?,
                            s.metadata.name.as_deref()?,
                        ),
                        s,
                    ))
                })
                .collect(),
        };
        for b in pdbs {
            if let Some(ns) = b.metadata.namespace.as_deref() {
                ix.pdbs.entry(ns).or_default().push(b);
            }
        }
        for p in pods {
            let ns = p.metadata.namespace.as_deref().unwrap_or_default();
            ix.by_namespace.entry(ns).or_default().push(p);
            if let Some(set) = set_controller(p) {
                ix.by_set.entry((ns, set)).or_default().push(p);
            }
            let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.as_deref()) else {
                continue;
            };
            ix.by_node.entry(node).or_default().push(p);
            let finished = matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            );
            if !finished {
                let (c, m) = requests(p);
                let u = ix.used.entry(node).or_default();
                *u = (u.0 + c, u.1 + m);
            }
        }
        ix
    }
}

/// The StatefulSet that controls the pod, by name.
fn set_controller(pod: &Pod) -> Option<&str> {
    pod.metadata
        .owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true) && r.kind == "StatefulSet")
        .map(|r| r.name.as_str())
}

/// [`preflight`] against an index built once for many nodes (`input.node` is the one asked
/// about; the index must come from the same objects).
pub fn preflight_indexed(input: &DrainInput<'_>, index: &DrainIndex<'_>) -> Vec<PodVerdict> {
    let node_name = input.node.metadata.name.clone().unwrap_or_default();
    let live = live_nodes(input.nodes, &node_name, input.now);
    let mut out: Vec<PodVerdict> = index
        .by_node
        .get(node_name.as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .copied()
        .filter(|p| {
            input
                .flags
                .pod_selector
                .as_ref()
                .is_none_or(|sel| sel.matches(&labels(p)))
        })
        .map(|p| verdict(input, index, p, &live))
        .collect();
    out.sort_by(|a, b| {
        (
            a.statefulset.is_some(),
            &a.namespace,
            &a.statefulset,
            std::cmp::Reverse(a.ordinal),
            &a.name,
        )
            .cmp(&(
                b.statefulset.is_some(),
                &b.namespace,
                &b.statefulset,
                std::cmp::Reverse(b.ordinal),
                &b.name,
            ))
    });
    out
}

fn verdict(
    input: &DrainInput<'_>,
    index: &DrainIndex<'_>,
    pod: &Pod,
    live: &[&Node],
) -> PodVerdict {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let owner = owning_controller(pod);
    // named from the start, so that a pod refused early still says which set it belongs to
    let statefulset = owner
        .as_deref()
        .and_then(|o| o.strip_prefix("StatefulSet/"))
        .map(str::to_string);
    let mut v = PodVerdict {
        namespace: ns.clone(),
        name: name.clone(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        owner: owner.clone(),
        ordinal: statefulset
            .as_deref()
            .and_then(|s| super::inspect::ordinal_of(s, &name)),
        statefulset,
        code: VerdictCode::Evictable,
        reason: String::new(),
        pdbs: vec![],
        fits: vec![],
    };
    let done = |v: PodVerdict, code: VerdictCode, reason: String| PodVerdict { code, reason, ..v };
    let annotations = pod.metadata.annotations.clone().unwrap_or_default();
    if annotations.contains_key("kubernetes.io/config.mirror") {
        return done(
            v,
            VerdictCode::Skipped,
            "a mirror pod (static, run by the kubelet): not evicted".into(),
        );
    }
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if matches!(phase, Some("Succeeded" | "Failed")) || pod_terminating(pod) {
        return done(
            v,
            VerdictCode::Skipped,
            "finished or already terminating".into(),
        );
    }
    if owner
        .as_deref()
        .is_some_and(|o| o.starts_with("DaemonSet/"))
    {
        return if input.flags.ignore_daemonsets {
            done(
                v,
                VerdictCode::Skipped,
                "a DaemonSet pod (--ignore-daemonsets): not evicted".into(),
            )
        } else {
            done(v, VerdictCode::DaemonSetPod, format!("{ns}/{name} is a DaemonSet pod: pass --ignore-daemonsets (its controller ignores the cordon)"))
        };
    }
    if owner.is_none() && !input.flags.force {
        return done(v, VerdictCode::Unmanaged, format!("{ns}/{name} has no controller: nothing would re-create it; pass --force to evict it anyway"));
    }
    let empty_dir = pod.spec.as_ref().is_some_and(|s| {
        s.volumes
            .iter()
            .flatten()
            .any(|vol| vol.empty_dir.is_some())
    });
    if empty_dir && !input.flags.delete_emptydir_data {
        return done(v, VerdictCode::LocalStorage, format!("{ns}/{name} has emptyDir data, lost when it is evicted: pass --delete-emptydir-data"));
    }
    let pdbs: Vec<&PodDisruptionBudget> = index
        .pdbs
        .get(ns.as_str())
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .copied()
        .filter(|b| selects(b, pod))
        .collect();
    v.pdbs = pdbs.iter().map(|b| pdb_facts(b)).collect();
    if pdbs.len() > 1 {
        let names: Vec<&str> = v.pdbs.iter().map(|b| b.name.as_str()).collect();
        let reason = format!(
            "{ns}/{name} is selected by {} PodDisruptionBudgets ({}): the eviction API refuses it with 500 (kubernetes/kubernetes#75957); make one of them select it",
            names.len(),
            names.join(", ")
        );
        return done(v, VerdictCode::MultiplePdbs, reason);
    }
    let Some(set_name) = owner
        .as_deref()
        .and_then(|o| o.strip_prefix("StatefulSet/"))
    else {
        return pdb_verdict(v, &ns, &name);
    };
    let Some(set) = index.sets.get(&(ns.as_str(), set_name)).copied() else {
        return pdb_verdict(v, &ns, &name);
    };
    // the set without this pod: every other replica Ready and available
    let min_ready = set.spec.min_ready_seconds.unwrap_or(0) as i64;
    let replicas = set.spec.replicas.unwrap_or(1) as i64;
    let set_pods: Vec<(i64, &Pod)> = index
        .by_set
        .get(&(ns.as_str(), set_name))
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .copied()
        .filter_map(|p| {
            Some((
                super::inspect::ordinal_of(set_name, p.metadata.name.as_deref()?)?,
                p,
            ))
        })
        .collect();
    let start = set
        .spec
        .ordinals
        .as_ref()
        .and_then(|o| o.start)
        .unwrap_or(0) as i64;
    // starting (being created, scheduled, attached, pulled, probed; no failure, no restart):
    // it settles by itself, the eviction waits for it (model::starting) — a crash loop or an
    // unschedulable replica is down
    let created = set.status.as_ref().map_or(0, |s| s.replicas as i64);
    let mut starting = vec![];
    let others_down: Vec<String> = (start..start + replicas)
        .filter(|o| Some(*o) != v.ordinal)
        .filter_map(|o| match set_pods.iter().find(|(po, _)| *po == o) {
            None if being_created(created, replicas) => {
                starting.push(format!("{set_name}-{o} is created and Ready"));
                None
            }
            None => Some(format!("{set_name}-{o} is missing")),
            Some((_, p)) if pod_terminating(p) => Some(format!("{set_name}-{o} is terminating")),
            // the same words while it starts: the drain's waiting line changes only with them
            Some((_, p)) if !pod_ready(p) => match starting_within(p, input.now) {
                Some(_) => {
                    starting.push(format!("{set_name}-{o}, which is starting, is Ready"));
                    None
                }
                None => Some(format!("{set_name}-{o} is not Ready")),
            },
            _ => None,
        })
        .collect();
    // Ready but inside minReadySeconds: settles by itself, the eviction waits for it
    let mut settling: Vec<String> = set_pods
        .iter()
        .filter(|(o, p)| {
            Some(*o) != v.ordinal
                && pod_ready(p)
                && !pod_terminating(p)
                && !pod_available(p, min_ready, input.now)
        })
        .map(|(o, _)| {
            format!("{set_name}-{o} is Ready but not yet available (minReadySeconds {min_ready})")
        })
        .collect();
    settling.extend(starting);
    if !others_down.is_empty() {
        let reason = format!(
            "statefulset {ns}/{set_name} already has a pod down ({}): evicting {name} would take a second one down; wait until it is Ready",
            others_down.join(", ")
        );
        return done(v, VerdictCode::SetUnhealthy, reason);
    }
    if super::rollout::rollout_state(set).in_progress() {
        let reason = format!(
            "statefulset {ns}/{set_name} is being updated: {name} would come back at the update revision; wait for the rollout (kubectl sts rollout status {set_name} -n {ns} --watch)"
        );
        return done(v, VerdictCode::RolloutInProgress, reason);
    }
    // where can it go
    let claimed: Vec<&Volume> = pod
        .spec
        .as_ref()
        .map(|s| {
            s.volumes
                .iter()
                .flatten()
                .filter_map(|vol| vol.persistent_volume_claim.as_ref())
                .filter_map(|c| {
                    index
                        .volumes
                        .get(&(ns.as_str(), c.claim_name.as_str()))
                        .copied()
                })
                .collect()
        })
        .unwrap_or_default();
    let node_name = input.node.metadata.name.as_deref().unwrap_or_default();
    let pinned: Vec<&str> = claimed
        .iter()
        .filter(|pv| placement(Some(pv), Some(input.nodes), node_name, live).0 == Placement::Pinned)
        .map(|pv| pv.name.as_str())
        .collect();
    if !pinned.is_empty() {
        return if input.flags.pinned_wait {
            {
                // OrderedReady: a Pending ordinal holds back every higher one the controller
                // would have to create (stateful_set_control.go: monotonic creation)
                let ordered = set.spec.pod_management_policy.as_deref() != Some("Parallel");
                let higher = v.ordinal.is_some_and(|o| o + 1 < start + replicas);
                let held = if ordered && higher {
                    format!("; under OrderedReady, while it is Pending no higher ordinal of {set_name} that goes away is re-created")
                } else {
                    String::new()
                };
                done(v, VerdictCode::WaitsForNode, format!("its volume ({}) can live only on node {node_name}: evicted last, it stays Pending until the node returns (kubectl sts uncordon {node_name} follows it back){held}", pinned.join(", ")))
            }
        } else {
            done(v, VerdictCode::PinnedVolume, format!("{ns}/{name}'s volume ({}) can live only on node {node_name}: evicted, it would stay Pending (kubernetes/kubernetes#91141); pass --pinned wait for a maintenance window in which the node returns", pinned.join(", ")))
        };
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let candidates: Vec<&Node> = input
        .nodes
        .iter()
        .filter(|n| n.metadata.name.as_deref() != Some(node_name))
        .collect();
    for n in &candidates {
        let h = node_health(n, input.now);
        let why = if h.readiness != Readiness::Ready {
            Some("node(s) were not ready")
        } else if h.unschedulable {
            Some("node(s) were unschedulable")
        } else {
            misfit(pod, &claimed, n, index)
        };
        match why {
            None => v.fits.push(n.metadata.name.clone().unwrap_or_default()),
            Some(r) => *reasons.entry(r).or_default() += 1,
        }
    }
    if v.fits.is_empty() {
        let reason = format!(
            "no other node can take {ns}/{name}: {}",
            summary(candidates.len(), &reasons)
        );
        return done(v, VerdictCode::NoNodeFits, reason);
    }
    if !settling.is_empty() {
        let reason = format!("waits until {}", settling.join(", "));
        return done(v, VerdictCode::WaitsForSet, reason);
    }
    if replicas <= 1 {
        return if input.flags.allow_downtime {
            done(v, VerdictCode::Downtime, format!("DOWNTIME: {set_name} has one replica: it is down until {name} runs again elsewhere (--allow-downtime)"))
        } else {
            done(v, VerdictCode::DowntimeNotAllowed, format!("DOWNTIME: statefulset {ns}/{set_name} has one replica: evicting {name} takes it down until it runs elsewhere; pass --allow-downtime"))
        };
    }
    pdb_verdict(v, &ns, &name)
}

/// Evictable now, or waiting for its one PodDisruptionBudget.
fn pdb_verdict(v: PodVerdict, ns: &str, name: &str) -> PodVerdict {
    match v.pdbs.first() {
        Some(b) if b.disruptions_allowed < 1 => {
            let reason = format!(
                "{ns}/{name}: {} — the eviction waits until a disruption is allowed",
                b.describe()
            );
            PodVerdict {
                code: VerdictCode::WaitsForPdb,
                reason,
                ..v
            }
        }
        _ => {
            let reason = if v.fits.is_empty() {
                "evicted".to_string()
            } else {
                format!("evicted; it can go to {}", v.fits.join(", "))
            };
            PodVerdict {
                code: VerdictCode::Evictable,
                reason,
                ..v
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn now() -> jiff::Timestamp {
        "2026-01-01T00:10:00Z".parse().unwrap()
    }

    fn node(name: &str, extra: Value) -> Node {
        let mut n = json!({
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi"},
                "conditions": [{"type": "Ready", "status": "True",
                "lastHeartbeatTime": "2026-01-01T00:09:50Z",
                "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
        });
        merge(&mut n, extra);
        serde_json::from_value(n).unwrap()
    }

    fn merge(a: &mut Value, b: Value) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in b {
                    merge(a.entry(k).or_insert(Value::Null), v);
                }
            }
            (a, b) => *a = b,
        }
    }

    fn pod(name: &str, node: &str, owner: Option<(&str, &str)>, extra: Value) -> Pod {
        let mut p = json!({
            "metadata": {"name": name, "namespace": "db", "uid": format!("uid-{name}"),
                "labels": {"app": "web"}},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "i",
                "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True",
                "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
        });
        if let Some((kind, owner)) = owner {
            p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": kind,
                "name": owner, "uid": "o", "controller": true}]);
        }
        merge(&mut p, extra);
        serde_json::from_value(p).unwrap()
    }

    fn set(name: &str, replicas: i64) -> StatefulSet {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "db", "generation": 1},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                "serviceName": name, "template": {}},
            "status": {"replicas": replicas, "readyReplicas": replicas, "observedGeneration": 1,
                "currentRevision": "r1", "updateRevision": "r1", "updatedReplicas": replicas,
                "currentReplicas": replicas}
        }))
        .unwrap()
    }

    fn pdb(name: &str, allowed: i32) -> PodDisruptionBudget {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "db"},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}},
            "status": {"disruptionsAllowed": allowed, "currentHealthy": 3, "desiredHealthy": 2,
                "expectedPods": 3}
        }))
        .unwrap()
    }

    fn web(on: [&str; 3]) -> Vec<Pod> {
        on.iter()
            .enumerate()
            .map(|(i, n)| {
                pod(
                    &format!("web-{i}"),
                    n,
                    Some(("StatefulSet", "web")),
                    json!({}),
                )
            })
            .collect()
    }

    struct Case {
        nodes: Vec<Node>,
        pods: Vec<Pod>,
        sets: Vec<StatefulSet>,
        pdbs: Vec<PodDisruptionBudget>,
        volumes: Vec<Volume>,
        flags: DrainFlags,
    }

    impl Case {
        fn new(pods: Vec<Pod>) -> Case {
            Case {
                nodes: vec![
                    node("n1", json!({})),
                    node("n2", json!({})),
                    node("n3", json!({})),
                ],
                pods,
                sets: vec![set("web", 3)],
                pdbs: vec![],
                volumes: vec![],
                flags: DrainFlags::default(),
            }
        }

        fn run(&self) -> Vec<PodVerdict> {
            preflight(&self.input())
        }

        fn input(&self) -> DrainInput<'_> {
            DrainInput {
                node: &self.nodes[0],
                lease_age: Some(2),
                nodes: &self.nodes,
                pods: &self.pods,
                sets: &self.sets,
                pdbs: &self.pdbs,
                volumes: &self.volumes,
                now: now(),
                flags: self.flags.clone(),
            }
        }

        fn code(&self, name: &str) -> VerdictCode {
            self.run()
                .into_iter()
                .find(|v| v.name == name)
                .unwrap()
                .code
        }
    }

    #[test]
    fn a_healthy_replica_is_evictable_and_says_where_it_can_go() {
        let c = Case::new(web(["n1", "n2", "n3"]));
        let v = c.run();
        assert_eq!(v.len(), 1, "only the node's pods");
        assert_eq!(v[0].code, VerdictCode::Evictable);
        assert_eq!(v[0].fits, ["n2", "n3"]);
        assert!(!v[0].code.blocks());
    }

    #[test]
    fn a_dead_or_silent_node_is_not_drained() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        assert_eq!(node_refusal(&c.input(), 40), None);
        let mut i = c.input();
        i.lease_age = Some(120);
        assert!(node_refusal(&i, 40).unwrap().contains("recover"));
        c.nodes[0] = node(
            "n1",
            json!({"status": {"conditions": [{"type": "Ready", "status": "Unknown",
            "lastHeartbeatTime": "2026-01-01T00:00:00Z", "lastTransitionTime": "2026-01-01T00:01:00Z"}]}}),
        );
        assert!(node_refusal(&c.input(), 40).unwrap().contains("not Ready"));
    }

    #[test]
    fn pdbs_wait_or_block() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.pdbs = vec![pdb("web", 0)];
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::WaitsForPdb);
        assert!(v.reason.contains("PodDisruptionBudget web (maxUnavailable 1; 3 healthy of 2 wanted, 0 disruption(s) allowed)"), "{}", v.reason);
        c.pdbs = vec![pdb("web", 1)];
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
        c.pdbs = vec![pdb("web", 1), pdb("web-too", 1)];
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::MultiplePdbs);
        assert!(
            v.reason.contains("web, web-too") && v.reason.contains("500"),
            "{}",
            v.reason
        );
        assert!(v.code.blocks());
        // a PDB of another namespace or selector does not count
        let mut other = pdb("other", 0);
        other.spec.as_mut().unwrap().selector =
            serde_json::from_value(json!({"matchLabels": {"app": "x"}})).unwrap();
        c.pdbs = vec![other];
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
    }

    #[test]
    fn a_set_already_missing_a_pod_or_updating_blocks() {
        let mut pods = web(["n1", "n2", "n3"]);
        pods[2] = pod(
            "web-2",
            "n3",
            Some(("StatefulSet", "web")),
            json!({"status": {"conditions": [{"type": "Ready", "status": "False"}]}}),
        );
        let c = Case::new(pods);
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::SetUnhealthy);
        assert!(v.reason.contains("web-2 is not Ready"), "{}", v.reason);
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.pods.pop();
        assert_eq!(c.code("web-0"), VerdictCode::SetUnhealthy);
        // Ready 5 s ago under minReadySeconds 10: not down, settling — the eviction waits
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.sets[0].spec.min_ready_seconds = Some(10);
        c.pods[2] = pod(
            "web-2",
            "n3",
            Some(("StatefulSet", "web")),
            json!({"status": {"conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:09:55Z"}]}}),
        );
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::WaitsForSet);
        assert!(!v.code.blocks());
        assert!(
            v.reason.contains("web-2 is Ready but not yet available"),
            "{}",
            v.reason
        );
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.sets[0].status.as_mut().unwrap().update_revision = Some("r2".into());
        c.sets[0].status.as_mut().unwrap().updated_replicas = Some(1);
        assert_eq!(c.code("web-0"), VerdictCode::RolloutInProgress);
    }

    #[test]
    fn a_replica_starting_is_waited_for_a_failed_or_unschedulable_one_blocks() {
        // web-2 created 20 s ago, its container being created: it settles by itself
        let starting = |status: Value| {
            pod(
                "web-2",
                "n3",
                Some(("StatefulSet", "web")),
                json!({"metadata": {"creationTimestamp": "2026-01-01T00:09:40Z"}, "status": status}),
            )
        };
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.pods[2] = starting(
            json!({"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [{"name": "c", "ready": false, "restartCount": 0, "image": "i", "imageID": "",
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        );
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::WaitsForSet, "{}", v.reason);
        assert!(
            v.reason.contains("web-2, which is starting, is Ready"),
            "{}",
            v.reason
        );
        // a crash loop, or a pod the scheduler cannot place: down, refused at once
        c.pods[2] = starting(
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [{"name": "c", "ready": false, "restartCount": 3, "image": "i", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
        );
        assert_eq!(c.code("web-0"), VerdictCode::SetUnhealthy);
        c.pods[2] = starting(json!({"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}));
        assert_eq!(c.code("web-0"), VerdictCode::SetUnhealthy);
        // a scale-up the controller has not carried out yet: being created
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.sets[0].spec.replicas = Some(4);
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::WaitsForSet, "{}", v.reason);
        assert!(
            v.reason.contains("web-3 is created and Ready"),
            "{}",
            v.reason
        );
    }

    #[test]
    fn one_replica_means_downtime() {
        let mut c = Case::new(vec![pod(
            "web-0",
            "n1",
            Some(("StatefulSet", "web")),
            json!({}),
        )]);
        c.sets = vec![set("web", 1)];
        assert_eq!(c.code("web-0"), VerdictCode::DowntimeNotAllowed);
        c.flags.allow_downtime = true;
        assert_eq!(c.code("web-0"), VerdictCode::Downtime);
    }

    #[test]
    fn a_volume_pinned_to_the_node_blocks_unless_the_node_returns() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        let mut p = c.pods[0].clone();
        p.spec.as_mut().unwrap().volumes = serde_json::from_value(json!([{"name": "www",
            "persistentVolumeClaim": {"claimName": "www-web-0"}}]))
        .unwrap();
        c.pods[0] = p;
        let pinned: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(json!({
            "metadata": {"name": "pv0"},
            "spec": {"claimRef": {"namespace": "db", "name": "www-web-0"},
                "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]}]}]}}}
        }))
        .unwrap();
        c.volumes = vec![Volume::from(pinned)];
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::PinnedVolume);
        assert!(v.reason.contains("--pinned wait"), "{}", v.reason);
        c.flags.pinned_wait = true;
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::WaitsForNode);
        assert!(v.reason.contains("under OrderedReady"), "{}", v.reason);
        // a network volume goes anywhere
        c.volumes[0].node_affinity = None;
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
    }

    #[test]
    fn no_node_fits_says_the_schedulers_reasons() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        // n2 cordoned, n3 full
        c.nodes[1] = node("n2", json!({"spec": {"unschedulable": true}}));
        c.pods.push(pod("big", "n3", Some(("ReplicaSet", "big")), json!({"metadata": {"labels": {"app": "big"}},
            "spec": {"containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": "1800m"}}}]}})));
        let v = c.run().into_iter().find(|v| v.name == "web-0").unwrap();
        assert_eq!(v.code, VerdictCode::NoNodeFits);
        assert!(
            v.reason.contains(
                "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable"
            ),
            "{}",
            v.reason
        );
        // required anti-affinity: one replica per node, and every other node has one
        let anti = json!({"spec": {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}}});
        let mut c = Case::new(
            ["n1", "n2", "n3"]
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    pod(
                        &format!("web-{i}"),
                        n,
                        Some(("StatefulSet", "web")),
                        anti.clone(),
                    )
                })
                .collect(),
        );
        assert_eq!(c.code("web-0"), VerdictCode::NoNodeFits);
        c.nodes.push(node("n4", json!({})));
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::Evictable);
        assert_eq!(v.fits, ["n4"]);
        // one per zone: n4 shares zone b with n2, where web-1 runs — read from n2's own labels
        let zone_anti = json!({"spec": {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "topology.kubernetes.io/zone"}]}}}});
        let mut c = Case::new(
            ["n1", "n2"]
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    pod(
                        &format!("web-{i}"),
                        n,
                        Some(("StatefulSet", "web")),
                        zone_anti.clone(),
                    )
                })
                .collect(),
        );
        c.sets = vec![set("web", 2)];
        let zoned = |n: &str, z: &str| {
            node(
                n,
                json!({"metadata": {"labels": {"topology.kubernetes.io/zone": z}}}),
            )
        };
        c.nodes = vec![
            zoned("n1", "a"),
            zoned("n2", "b"),
            zoned("n4", "b"),
            zoned("n5", "c"),
        ];
        let v = &c.run()[0];
        assert_eq!(v.fits, ["n5"], "{v:?}");
    }

    #[test]
    fn other_pods_as_kubectl_drain_treats_them() {
        let mut c = Case::new(vec![
            pod(
                "ds",
                "n1",
                Some(("DaemonSet", "agent")),
                json!({"metadata": {"labels": {"app": "agent"}}}),
            ),
            pod(
                "bare",
                "n1",
                None,
                json!({"metadata": {"labels": {"app": "bare"}}}),
            ),
            pod(
                "cache",
                "n1",
                Some(("ReplicaSet", "cache")),
                json!({"metadata": {"labels": {"app": "cache"}},
                "spec": {"volumes": [{"name": "tmp", "emptyDir": {}}]}}),
            ),
            pod(
                "static",
                "n1",
                None,
                json!({"metadata": {"labels": {"app": "s"}, "annotations": {"kubernetes.io/config.mirror": "x"}}}),
            ),
            pod(
                "done",
                "n1",
                Some(("Job", "j")),
                json!({"metadata": {"labels": {"app": "j"}}, "status": {"phase": "Succeeded"}}),
            ),
        ]);
        assert_eq!(c.code("ds"), VerdictCode::DaemonSetPod);
        assert_eq!(c.code("bare"), VerdictCode::Unmanaged);
        assert_eq!(c.code("cache"), VerdictCode::LocalStorage);
        assert_eq!(c.code("static"), VerdictCode::Skipped);
        assert_eq!(c.code("done"), VerdictCode::Skipped);
        c.flags = DrainFlags {
            ignore_daemonsets: true,
            delete_emptydir_data: true,
            force: true,
            ..Default::default()
        };
        assert_eq!(c.code("ds"), VerdictCode::Skipped);
        assert_eq!(c.code("bare"), VerdictCode::Evictable);
        assert_eq!(c.code("cache"), VerdictCode::Evictable);
    }

    #[test]
    fn a_pod_selector_keeps_only_the_pods_it_matches() {
        let mut pods = web(["n1", "n2", "n3"]);
        pods.push(pod(
            "other",
            "n1",
            Some(("ReplicaSet", "x")),
            json!({"metadata": {"labels": {"app": "x"}}}),
        ));
        let mut c = Case::new(pods);
        c.flags.pod_selector = Some(LabelSelector::parse("app=x").unwrap());
        let names: Vec<String> = c.run().into_iter().map(|v| v.name).collect();
        assert_eq!(names, ["other"]);
    }

    #[test]
    fn statefulset_pods_come_last_highest_ordinal_first() {
        let mut pods = web(["n1", "n1", "n2"]);
        pods.push(pod(
            "other",
            "n1",
            Some(("ReplicaSet", "x")),
            json!({"metadata": {"labels": {"app": "x"}}}),
        ));
        let c = Case::new(pods);
        let names: Vec<String> = c.run().into_iter().map(|v| v.name).collect();
        assert_eq!(names, ["other", "web-1", "web-0"]);
    }
}
