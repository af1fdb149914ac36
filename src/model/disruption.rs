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
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube_common::selectors::LabelSelector;
use serde::Serialize;

use super::gate::CONTROLLER_SETTLE_SECONDS;
use super::health::{node_health, pod_available, pod_ready, pod_terminating, Readiness};
use super::placement::{
    allocatable, live_nodes, node_selector_matches, placement, requests, spec_misfit, Placement,
};
use super::set::{owning_controller, start_ordinal};
use super::starting::{being_created, starting_within, POD_START_SECONDS, STARTING_MARGIN_SECONDS};
use super::Volume;

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
    /// Its set's spec changed and the StatefulSet controller has not observed it yet (a scale,
    /// an HPA, a GitOps sync): what it will do is not known; the eviction waits until it has,
    /// bounded (then it is refused).
    WaitsForController,
    /// Its volume can live only on this node; with `--pinned wait` evicted last, Pending until
    /// the node returns.
    WaitsForNode,
    /// Already terminating (deleted by someone else): not evicted, waited for until it is gone
    /// from the node, bounded by `--timeout`.
    Terminating,
    /// Terminating, deleted longer ago than `--skip-wait-for-delete-timeout`: not waited for
    /// (as kubectl drain), and the drain does not call the node drained while it is there.
    NotWaitedFor,
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
    /// The controller is replacing its set's pods: evicting one more could take two down, and
    /// the replacement comes back at whatever revision its ordinal gets (`--allow-update` does
    /// not lift it: wait for the rollout).
    RolloutInProgress,
    /// The set's only replica, without `--allow-downtime`.
    DowntimeNotAllowed,
    /// Its set's controller is stuck at a pod without a claim template's volume
    /// (`model::stuck`): a pod evicted above it never comes back.
    ControllerStuck,
    /// A StatefulSet pod would be deleted with grace 0 (`--grace-period 0`, or its own
    /// terminationGracePeriodSeconds 0): the name is free at once and the controller starts the
    /// same identity elsewhere while the old container may still run.
    ZeroGracePeriod,
    /// Its replacement would come back at another revision than the one it runs (OnDelete with
    /// an update pending, a partition boundary, a pod left on a third revision), without
    /// `--allow-update`.
    RevisionChange,
    /// Two or more pods of its set have volumes only this node holds: with `--pinned wait` they
    /// would all be down until the node returns — without `--allow-downtime`, or more than its
    /// PodDisruptionBudget allows.
    PinnedTogether,
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
    /// Its volume can live only on this node (with `--pinned wait`: evicted last, Pending until
    /// the node returns).
    pub pinned: bool,
    /// WaitsForSet, WaitsForController: what is waited for — a key that stays the same while
    /// the wait goes on (a pod and what it waits for, the set's controller; never the words,
    /// which carry numbers that move), the words, and the seconds within which it should
    /// settle by itself from when it was first seen (then it needs a person).
    #[serde(skip)]
    pub settles: Vec<(String, String, i64)>,
    /// The gracePeriodSeconds its Eviction carries ([`eviction_grace`]).
    #[serde(skip)]
    pub eviction_grace: Option<i64>,
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
    /// `--allow-update`: a StatefulSet pod may come back at another revision than its own.
    pub allow_update: bool,
    /// `--grace-period`: the evicted pods' termination grace in seconds (None: each pod's own).
    pub grace_period: Option<i64>,
    /// `--skip-wait-for-delete-timeout` in seconds: a pod deleted longer ago than this is not
    /// waited for (None: always waited for).
    pub skip_wait_for_delete: Option<i64>,
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
        // VolumeBinding's ErrReasonNodeConflict, as v1.36's scheduler prints it (real tier)
        return Some("node(s) didn't match PersistentVolume's node affinity");
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

/// Seconds since the pod's deletionTimestamp when that is more than `skip` (kubectl drain's
/// `shouldSkipPod`, k8s.io/kubectl/pkg/drain/filters.go: such a pod — its kubelet may never
/// finish it — is not waited for). The deletionTimestamp is the end of the grace period, so a
/// pod counts from then, as in kubectl. None: waited for.
pub fn deleted_long_ago(pod: &Pod, skip: Option<i64>, now: jiff::Timestamp) -> Option<i64> {
    let skip = skip.filter(|s| *s > 0)?;
    let t = pod.metadata.deletion_timestamp.as_ref()?;
    let ago = now.duration_since(t.0).as_secs();
    (ago > skip).then_some(ago)
}

/// The grace period a deletion of this pod gets: `--grace-period` when given, else the pod's
/// own terminationGracePeriodSeconds — the Eviction then carries none, and the API server takes
/// the pod's (podStrategy.CheckGracefulDelete, pkg/registry/core/pod/strategy.go; 30 when the
/// field is absent, as defaulting sets it).
fn deletion_grace(pod: &Pod, flags: &DrainFlags) -> i64 {
    flags.grace_period.unwrap_or_else(|| {
        pod.spec
            .as_ref()
            .and_then(|s| s.termination_grace_period_seconds)
            .unwrap_or(30)
    })
}

/// The gracePeriodSeconds an Eviction of this pod carries: `--grace-period`, else none (the
/// pod's own) — but never a grace of 0, which removes the object at once, a force delete of a
/// pod whose node is alive: 1 instead, what `kubectl delete --grace-period=0` sends without
/// --force. (A StatefulSet pod whose grace would be 0 is refused before: ZeroGracePeriod.)
pub fn eviction_grace(pod: &Pod, flags: &DrainFlags) -> Option<i64> {
    if deletion_grace(pod, flags) <= 0 {
        Some(1)
    } else {
        flags.grace_period
    }
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

/// The verdict with its code and reason.
fn done(v: PodVerdict, code: VerdictCode, reason: String) -> PodVerdict {
    PodVerdict { code, reason, ..v }
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
            .and_then(|s| super::set::ordinal_of(s, &name)),
        statefulset,
        code: VerdictCode::Evictable,
        reason: String::new(),
        pdbs: vec![],
        fits: vec![],
        pinned: false,
        settles: vec![],
        eviction_grace: eviction_grace(pod, &input.flags),
    };
    let annotations = pod.metadata.annotations.clone().unwrap_or_default();
    if annotations.contains_key("kubernetes.io/config.mirror") {
        return done(
            v,
            VerdictCode::Skipped,
            "a mirror pod (static, run by the kubelet): not evicted".into(),
        );
    }
    let daemon_set = owner
        .as_deref()
        .is_some_and(|o| o.starts_with("DaemonSet/"));
    if daemon_set && input.flags.ignore_daemonsets {
        // left alone even while terminating (kubectl drain's daemonSetFilter)
        return done(
            v,
            VerdictCode::Skipped,
            "a DaemonSet pod (--ignore-daemonsets): not evicted".into(),
        );
    }
    if pod_terminating(pod) {
        // someone else deleted it: nothing to evict, but it is bound to the node until its
        // kubelet finishes it (and its finalizers are gone; a kubelet reports a deleted pod
        // Failed or Succeeded once its containers stopped, so before the finished check) — the
        // drain is not done before it is gone (kubectl drain waits for every pod it deletes the
        // same way, waitForDelete in pkg/drain/drain.go)
        return match deleted_long_ago(pod, input.flags.skip_wait_for_delete, input.now) {
            Some(ago) => done(
                v,
                VerdictCode::NotWaitedFor,
                format!("terminating, deleted {ago}s ago (more than --skip-wait-for-delete-timeout): not waited for"),
            ),
            None => done(
                v,
                VerdictCode::Terminating,
                "already terminating: not evicted; the drain waits until it is gone".into(),
            ),
        };
    }
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    if matches!(phase, Some("Succeeded" | "Failed")) {
        return done(v, VerdictCode::Skipped, "finished: not evicted".into());
    }
    if daemon_set {
        return done(v, VerdictCode::DaemonSetPod, format!("{ns}/{name} is a DaemonSet pod: pass --ignore-daemonsets (its controller ignores the cordon)"));
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
    // grace 0 frees the pod's name at once: the controller starts the same identity on another
    // node while the old container may still run — what a StatefulSet exists to prevent (docs:
    // force-delete-stateful-set-pod); other pods are evicted with 1 instead (eviction_grace)
    if deletion_grace(pod, &input.flags) == 0 {
        let why = if input.flags.grace_period == Some(0) {
            "--grace-period 0"
        } else {
            "its terminationGracePeriodSeconds is 0 and the eviction carries no grace"
        };
        return done(v, VerdictCode::ZeroGracePeriod, format!("{ns}/{name} would be deleted with grace 0 ({why}): the name is free at once and statefulset {ns}/{set_name} starts the same identity elsewhere while the old container may still run; pass a positive --grace-period (e.g. 1, what kubectl delete makes of 0 without --force)"));
    }
    let Some(set) = index.sets.get(&(ns.as_str(), set_name)).copied() else {
        return pdb_verdict(v, &ns, &name);
    };
    set_verdict(input, index, pod, live, v, set)
}

/// The verdict of a StatefulSet pod past the checks every pod gets: its set's health without
/// it, the revision it comes back at, where it can go, its budget.
fn set_verdict(
    input: &DrainInput<'_>,
    index: &DrainIndex<'_>,
    pod: &Pod,
    live: &[&Node],
    mut v: PodVerdict,
    set: &StatefulSet,
) -> PodVerdict {
    let case = SetCase::new(input, index, live, set, &v);
    if let Some(reason) = case.stuck_refusal() {
        return done(v, VerdictCode::ControllerStuck, reason);
    }
    let pinned = case.pinned_here(pod);
    v.pinned = !pinned.is_empty();
    // with --pinned wait, every pod of the set whose volume only this node holds is down until
    // the node returns, together: counted up front as one group (PinnedTogether below), so
    // that the evictions after the first do not find "a pod already down" that the plan made
    let group = if v.pinned && input.flags.pinned_wait {
        case.pinned_group()
    } else {
        vec![]
    };
    let others = case.others(v.ordinal, &group);
    if !others.down.is_empty() {
        return done(
            v,
            VerdictCode::SetUnhealthy,
            case.set_unhealthy(&others.down),
        );
    }
    let update_note = match case.revision_note(pod, v.ordinal) {
        Ok(note) => note,
        Err(refusal) => return refusal.on(v),
    };
    if v.pinned {
        return case.pinned_verdict(v, &pinned, &group, others.settling, &update_note);
    }
    match case.other_nodes(pod) {
        Ok(fits) => v.fits = fits,
        Err(reason) => return done(v, VerdictCode::NoNodeFits, reason),
    }
    if !others.settling.is_empty() {
        return noted(waits_for_set(v, others.settling), &update_note);
    }
    if case.replicas <= 1 {
        return case.only_replica_verdict(v, &update_note);
    }
    noted(pdb_verdict(v, &case.ns, &case.name), &update_note)
}

/// The reason with the note of the revision it comes back at (empty without `--allow-update`).
fn noted(v: PodVerdict, update_note: &str) -> PodVerdict {
    PodVerdict {
        reason: format!("{}{update_note}", v.reason),
        ..v
    }
}

/// A verdict decided on the way: its code, its reason, and what it waits for.
struct Refusal {
    code: VerdictCode,
    reason: String,
    settles: Vec<(String, String, i64)>,
}

impl Refusal {
    fn new(code: VerdictCode, reason: String) -> Refusal {
        Refusal {
            code,
            reason,
            settles: vec![],
        }
    }

    /// The pod's verdict ends here.
    fn on(self, v: PodVerdict) -> PodVerdict {
        let mut v = done(v, self.code, self.reason);
        v.settles.extend(self.settles);
        v
    }
}

/// The other replicas of the set as the eviction sees them.
struct Others {
    /// Down: missing, terminating, not Ready (and not starting).
    down: Vec<String>,
    /// Settling by itself (Ready inside minReadySeconds, then starting): the eviction waits.
    settling: Vec<(String, String, i64)>,
}

/// One StatefulSet pod on the node being drained, with its set and the set's pods by ordinal.
struct SetCase<'a> {
    input: &'a DrainInput<'a>,
    index: &'a DrainIndex<'a>,
    live: &'a [&'a Node],
    set: &'a StatefulSet,
    ns: String,
    name: String,
    set_name: &'a str,
    node_name: &'a str,
    min_ready: i64,
    replicas: i64,
    start: i64,
    pods: Vec<(i64, &'a Pod)>,
}

impl<'a> SetCase<'a> {
    fn new(
        input: &'a DrainInput<'a>,
        index: &'a DrainIndex<'a>,
        live: &'a [&'a Node],
        set: &'a StatefulSet,
        v: &PodVerdict,
    ) -> SetCase<'a> {
        let ns = v.namespace.clone();
        let set_name = set.metadata.name.as_deref().unwrap_or_default();
        let pods: Vec<(i64, &Pod)> = index
            .by_set
            .get(&(ns.as_str(), set_name))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter_map(|p| {
                Some((
                    super::set::ordinal_of(set_name, p.metadata.name.as_deref()?)?,
                    p,
                ))
            })
            .collect();
        SetCase {
            input,
            index,
            live,
            set,
            name: v.name.clone(),
            ns,
            set_name,
            node_name: input.node.metadata.name.as_deref().unwrap_or_default(),
            min_ready: set.spec.min_ready_seconds.unwrap_or(0) as i64,
            replicas: set.spec.replicas.unwrap_or(1) as i64,
            start: start_ordinal(set),
            pods,
        }
    }

    /// The set's controller is stuck (`model::stuck`): the eviction is refused until it is not.
    fn stuck_refusal(&self) -> Option<String> {
        let s = super::stuck::stuck_at(self.set, self.pods.iter().copied())?;
        Some(format!(
            "{}; evicting {} is refused until then: {}",
            s.why(&self.ns, self.set_name),
            self.name,
            s.unblock(&self.ns)
        ))
    }

    /// The volumes of a pod's claims.
    fn claimed(&self, p: &Pod) -> Vec<&'a Volume> {
        p.spec
            .as_ref()
            .map(|s| {
                s.volumes
                    .iter()
                    .flatten()
                    .filter_map(|vol| vol.persistent_volume_claim.as_ref())
                    .filter_map(|c| {
                        self.index
                            .volumes
                            .get(&(self.ns.as_str(), c.claim_name.as_str()))
                            .copied()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The volumes of a pod's claims that only this node can hold.
    fn pinned_here(&self, p: &Pod) -> Vec<String> {
        self.claimed(p)
            .iter()
            .filter(|pv| {
                placement(Some(pv), Some(self.input.nodes), self.node_name, self.live).0
                    == Placement::Pinned
            })
            .map(|pv| pv.name.clone())
            .collect()
    }

    /// The pods of the set with a volume only this node holds.
    fn pinned_group(&self) -> Vec<(i64, &'a Pod)> {
        self.pods
            .iter()
            .copied()
            .filter(|(_, p)| !self.pinned_here(p).is_empty())
            .collect()
    }

    /// A pod on a node that is not Ready is not starting: its kubelet is not there to start it.
    fn node_dead(&self, p: &Pod) -> Option<String> {
        let on = p.spec.as_ref()?.node_name.as_deref()?;
        let n = self
            .input
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(on))?;
        node_health(n, self.input.now)
            .is_dead()
            .then(|| on.to_string())
    }

    /// The set without this pod (and without the pinned group): every other replica Ready and
    /// available, or settling by itself.
    fn others(&self, ordinal: Option<i64>, group: &[(i64, &Pod)]) -> Others {
        let (down, starting) = self.down_or_starting(ordinal, group);
        let mut settling = self.not_yet_available(ordinal);
        settling.extend(starting);
        Others { down, settling }
    }

    /// The other replicas down, and those starting (being created, scheduled, attached,
    /// pulled, probed; no failure, no restart): these settle by themselves, the eviction waits
    /// for them (model::starting) — a crash loop or an unschedulable replica is down.
    fn down_or_starting(
        &self,
        ordinal: Option<i64>,
        group: &[(i64, &Pod)],
    ) -> (Vec<String>, Vec<(String, String, i64)>) {
        let set_name = self.set_name;
        let in_group = |o: i64| group.iter().any(|(g, _)| *g == o);
        let created = self.set.status.as_ref().map_or(0, |s| s.replicas as i64);
        let mut starting: Vec<(String, String, i64)> = vec![];
        let down = (self.start..self.start + self.replicas)
            .filter(|o| Some(*o) != ordinal && !in_group(*o))
            .filter_map(|o| match self.pods.iter().find(|(po, _)| *po == o) {
                None if being_created(created, self.replicas) => {
                    starting.push((
                        format!("{set_name}-{o} starting"),
                        format!("{set_name}-{o} is created and Ready"),
                        POD_START_SECONDS + STARTING_MARGIN_SECONDS,
                    ));
                    None
                }
                None => Some(format!("{set_name}-{o} is missing")),
                Some((_, p)) if pod_terminating(p) => {
                    Some(format!("{set_name}-{o} is terminating"))
                }
                // the same words while it starts: the drain's waiting line changes only with them
                Some((_, p)) if !pod_ready(p) => {
                    match (self.node_dead(p), starting_within(p, self.input.now)) {
                        (Some(n), _) => Some(format!(
                            "{set_name}-{o} is not Ready (its node {n} is not Ready)"
                        )),
                        (None, Some(within)) => {
                            starting.push((
                                format!("{set_name}-{o} starting"),
                                format!("{set_name}-{o}, which is starting, is Ready"),
                                within.max(0) + STARTING_MARGIN_SECONDS,
                            ));
                            None
                        }
                        (None, None) => Some(format!("{set_name}-{o} is not Ready")),
                    }
                }
                _ => None,
            })
            .collect();
        (down, starting)
    }

    /// The other replicas Ready but inside minReadySeconds: they settle by themselves, the
    /// eviction waits for them.
    fn not_yet_available(&self, ordinal: Option<i64>) -> Vec<(String, String, i64)> {
        let (set_name, min_ready) = (self.set_name, self.min_ready);
        self.pods
            .iter()
            .filter(|(o, p)| {
                Some(*o) != ordinal
                    && pod_ready(p)
                    && !pod_terminating(p)
                    && !pod_available(p, min_ready, self.input.now)
            })
            .map(|(o, _)| {
                (
                    format!("{set_name}-{o} available"),
                    format!(
                        "{set_name}-{o} is Ready but not yet available (minReadySeconds {min_ready})"
                    ),
                    min_ready + STARTING_MARGIN_SECONDS,
                )
            })
            .collect()
    }

    /// Another replica is down: evicting this one would take a second one down.
    fn set_unhealthy(&self, down: &[String]) -> String {
        format!(
            "statefulset {}/{} already has a pod down ({}): evicting {} would take a second one down; wait until it is Ready",
            self.ns,
            self.set_name,
            down.join(", "),
            self.name
        )
    }

    /// The revision the pod runs (the controller's label) against the one its ordinal is
    /// re-created at, by the controller's own rule: a refusal while the controller has not
    /// observed the spec or is rolling out, or without `--allow-update` at another revision;
    /// otherwise the note the reason carries (empty: the same revision).
    fn revision_note(&self, pod: &Pod, ordinal: Option<i64>) -> Result<String, Refusal> {
        let (ns, set_name, name) = (&self.ns, self.set_name, &self.name);
        let runs = pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(super::set::REVISION_LABEL));
        let back = ordinal.and_then(|o| super::update::comes_back_at(self.set, o));
        let state =
            super::update::rollout_state_with_pods(self.set, self.pods.iter().map(|(_, p)| *p));
        if let super::update::RolloutState::NotObserved {
            generation,
            observed,
        } = state
        {
            // a spec change it has not acted on yet (a scale, an HPA, a GitOps sync): it settles
            // by itself, bounded as the gate bounds it; what follows is judged once it has
            let what = format!("the StatefulSet controller has observed generation {generation} of statefulset {ns}/{set_name} (it has {observed}: a spec change it has not acted on yet)");
            let reason = format!("waits until {what}");
            return Err(Refusal {
                // keyed by the set: an HPA bumping the generation again does not restart the clock
                settles: vec![(
                    format!("controller of {ns}/{set_name}"),
                    what,
                    CONTROLLER_SETTLE_SECONDS,
                )],
                ..Refusal::new(VerdictCode::WaitsForController, reason)
            });
        }
        if state.in_progress() {
            // the controller deletes pods itself now: whatever revision the pod would come back
            // at, a drain beside it could take a second one down — --allow-update does not lift it
            let revisions = match (runs, back) {
                (Some(r), Some(b)) if r != b => {
                    format!(" and {name} would come back at revision {b} (it runs {r})")
                }
                (_, Some(b)) => format!(" ({name} would come back at revision {b}, its own)"),
                _ => String::new(),
            };
            let reason = format!(
                "statefulset {ns}/{set_name} is being updated: the controller is replacing its pods, evicting {name} beside it could take a second one down{revisions}; wait for the rollout (kubectl sts rollout status {set_name} -n {ns} --watch)"
            );
            return Err(Refusal::new(VerdictCode::RolloutInProgress, reason));
        }
        // a revision the member was not running: an unplanned update (or a step back) of one
        // member, which a one-way data-format change cannot undo. A pod without the label, or a
        // set whose status has no revisions yet, gives nothing to compare.
        let (Some(runs), Some(back)) = (runs, back) else {
            return Ok(String::new());
        };
        if runs == back {
            return Ok(String::new());
        }
        let why = self.why_comes_back_at(ordinal);
        if !self.input.flags.allow_update {
            let reason = format!("{ns}/{name} runs revision {runs} and would come back at revision {back} ({why}): an update of this one member nobody asked for; pass --allow-update if it may be updated now (kubectl sts rollout status {set_name} -n {ns} shows where the update stands)");
            return Err(Refusal::new(VerdictCode::RevisionChange, reason));
        }
        Ok(format!(
            "; it comes back at revision {back}, not {runs} (--allow-update)"
        ))
    }

    /// Why the ordinal comes back at the revision it does: the update strategy's rule.
    fn why_comes_back_at(&self, ordinal: Option<i64>) -> String {
        match (super::update::Strategy::of(self.set), ordinal) {
            (super::update::Strategy::OnDelete, _) => {
                "OnDelete: a deleted pod comes back at the update revision".to_string()
            }
            (super::update::Strategy::RollingUpdate { partition, .. }, Some(o))
                if o >= self.start + partition =>
            {
                format!("ordinal {o} is at or above the partition ({partition}): it comes back at the update revision")
            }
            (super::update::Strategy::RollingUpdate { partition, .. }, _) => {
                format!("below the partition ({partition}) it comes back at the current revision")
            }
        }
    }

    /// A pod whose volume only this node holds (`--pinned wait` or refused): evicted last, it
    /// stays Pending until the node returns — with the group it goes down with, if the flags
    /// and its budget allow.
    fn pinned_verdict(
        &self,
        v: PodVerdict,
        pinned: &[String],
        group: &[(i64, &Pod)],
        settling: Vec<(String, String, i64)>,
        update_note: &str,
    ) -> PodVerdict {
        let (ns, name, node_name) = (&self.ns, &self.name, self.node_name);
        if !self.input.flags.pinned_wait {
            let reason = format!("{ns}/{name}'s volume ({}) can live only on node {node_name}: evicted, it would stay Pending (kubernetes/kubernetes#91141); pass --pinned wait for a maintenance window in which the node returns", pinned.join(", "));
            return done(v, VerdictCode::PinnedVolume, reason);
        }
        let downtime = match self.pinned_downtime(&v, group) {
            Ok(downtime) => downtime,
            Err(refusal) => return refusal.on(v),
        };
        if !settling.is_empty() {
            return noted(waits_for_set(v, settling), update_note);
        }
        let held = self.held_back(v.ordinal);
        let reason = format!("its volume ({}) can live only on node {node_name}: evicted last, it stays Pending until the node returns (kubectl sts uncordon {node_name} follows it back){downtime}{held}", pinned.join(", "));
        noted(done(v, VerdictCode::WaitsForNode, reason), update_note)
    }

    /// The downtime a pinned pod brings (its group down together, or the set's only replica)
    /// as a note for its reason, or a refusal without `--allow-downtime` or a budget that
    /// allows it.
    fn pinned_downtime(&self, v: &PodVerdict, group: &[(i64, &Pod)]) -> Result<String, Refusal> {
        let (ns, name, set_name, node_name) = (&self.ns, &self.name, self.set_name, self.node_name);
        let (replicas, allow_downtime) = (self.replicas, self.input.flags.allow_downtime);
        let together = group.len() as i64;
        let names: Vec<String> = group
            .iter()
            .map(|(o, _)| format!("{set_name}-{o}"))
            .collect();
        if together > 1 {
            if !allow_downtime {
                let reason = format!("{together} of statefulset {ns}/{set_name}'s {replicas} replicas ({}) have volumes only node {node_name} holds: with --pinned wait they are all down until it returns; pass --allow-downtime to take {together} down together", names.join(", "));
                return Err(Refusal::new(VerdictCode::PinnedTogether, reason));
            }
            // each eviction of the group charges its budget, and none comes back before the
            // node does: the budget must allow every one still to be evicted
            let to_evict = group
                .iter()
                .filter(|(_, p)| {
                    !pod_terminating(p)
                        && p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node_name)
                })
                .count() as i64;
            match v.pdbs.first() {
                Some(b) if i64::from(b.disruptions_allowed) < to_evict => {
                    let reason = format!("{together} of statefulset {ns}/{set_name}'s {replicas} replicas ({}) have volumes only node {node_name} holds, {to_evict} still to be evicted: {} — the next eviction would wait for one of them to return, which needs the node back", names.join(", "), b.describe());
                    return Err(Refusal::new(VerdictCode::PinnedTogether, reason));
                }
                Some(_) => {}
                // nothing bounds how many go down: the budget is what says a quorum set may
                // lose that many (the README: --allow-downtime and a budget that allows it)
                None => {
                    let reason = format!("{together} of statefulset {ns}/{set_name}'s {replicas} replicas ({}) have volumes only node {node_name} holds: with --pinned wait they would all be down until it returns, and no PodDisruptionBudget says the set may lose {together}; create one that allows it (maxUnavailable: {together}) if it may, or move their data off the node first", names.join(", "));
                    return Err(Refusal::new(VerdictCode::PinnedTogether, reason));
                }
            }
            return Ok(format!(
                "; DOWNTIME: {together} of {set_name}'s {replicas} replicas ({}) are down together until it returns (--allow-downtime)",
                names.join(", ")
            ));
        }
        if replicas <= 1 {
            if !allow_downtime {
                let reason = format!("DOWNTIME: statefulset {ns}/{set_name} has one replica: evicting {name} takes it down until node {node_name} returns (its volume lives only there); pass --allow-downtime");
                return Err(Refusal::new(VerdictCode::DowntimeNotAllowed, reason));
            }
            return Ok(format!(
                "; DOWNTIME: {set_name} has one replica: it is down until then (--allow-downtime)"
            ));
        }
        Ok(String::new())
    }

    /// The set's only replica, moved elsewhere: down until it runs again, with
    /// `--allow-downtime`.
    fn only_replica_verdict(&self, v: PodVerdict, update_note: &str) -> PodVerdict {
        let (ns, name, set_name) = (&self.ns, &self.name, self.set_name);
        if self.input.flags.allow_downtime {
            noted(done(v, VerdictCode::Downtime, format!("DOWNTIME: {set_name} has one replica: it is down until {name} runs again elsewhere (--allow-downtime)")), update_note)
        } else {
            done(v, VerdictCode::DowntimeNotAllowed, format!("DOWNTIME: statefulset {ns}/{set_name} has one replica: evicting {name} takes it down until it runs elsewhere; pass --allow-downtime"))
        }
    }

    /// OrderedReady: a Pending ordinal holds back every higher one the controller would have
    /// to create (stateful_set_control.go: monotonic creation) — a note for the reason.
    fn held_back(&self, ordinal: Option<i64>) -> String {
        let ordered = self.set.spec.pod_management_policy.as_deref() != Some("Parallel");
        let higher = ordinal.is_some_and(|o| o + 1 < self.start + self.replicas);
        if ordered && higher {
            format!("; under OrderedReady, while it is Pending no higher ordinal of {} that goes away is re-created", self.set_name)
        } else {
            String::new()
        }
    }

    /// The other live nodes that can take the pod, or why none can (as the scheduler counts
    /// its reasons).
    fn other_nodes(&self, pod: &Pod) -> Result<Vec<String>, String> {
        let own_volumes = self.claimed(pod);
        let mut fits = vec![];
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        let candidates: Vec<&Node> = self
            .input
            .nodes
            .iter()
            .filter(|n| n.metadata.name.as_deref() != Some(self.node_name))
            .collect();
        for n in &candidates {
            let h = node_health(n, self.input.now);
            let why = if h.readiness != Readiness::Ready {
                Some("node(s) were not ready")
            } else if h.unschedulable {
                Some("node(s) were unschedulable")
            } else {
                misfit(pod, &own_volumes, n, self.index)
            };
            match why {
                None => fits.push(n.metadata.name.clone().unwrap_or_default()),
                Some(r) => *reasons.entry(r).or_default() += 1,
            }
        }
        if fits.is_empty() {
            return Err(format!(
                "no other node can take {}/{}: {}",
                self.ns,
                self.name,
                summary(candidates.len(), &reasons)
            ));
        }
        Ok(fits)
    }
}

/// Waits for other replicas of its set that settle by itself, each within its bound.
fn waits_for_set(v: PodVerdict, settling: Vec<(String, String, i64)>) -> PodVerdict {
    let reason = format!(
        "waits until {}",
        settling
            .iter()
            .map(|(_, w, _)| w.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    PodVerdict {
        settles: settling,
        ..done(v, VerdictCode::WaitsForSet, reason)
    }
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

/// Right after `evicted` was evicted: the set's other replicas that are down — missing (an
/// ordinal of the range without a pod), terminating, or not Ready —, by name. Before the
/// eviction they were all Ready (the verdict said so): one down now was taken down beside this
/// drain, outside the set's disruption Lease (kubectl drain, an autoscaler, a person).
pub fn others_down(set: &StatefulSet, pods: &[Pod], evicted: &str) -> Vec<String> {
    let name = set.metadata.name.as_deref().unwrap_or_default();
    let by_ordinal = super::set::set_pods(set, pods);
    let start = super::set::start_ordinal(set);
    let replicas = i64::from(set.spec.replicas.unwrap_or(1));
    (start..start + replicas)
        .filter_map(|o| {
            let pod = format!("{name}-{o}");
            if pod == evicted {
                return None;
            }
            match by_ordinal.get(&o) {
                None => Some(format!("{pod} (missing)")),
                Some(p) if pod_terminating(p) => Some(format!("{pod} (terminating)")),
                Some(p) if !pod_ready(p) => Some(format!("{pod} (not Ready)")),
                Some(_) => None,
            }
        })
        .collect()
}

/// The sets of `verdicts` whose pods are to be evicted while no PodDisruptionBudget selects
/// them, one warning each (issue 34 item 2; `check` says it as STS022): the drain itself takes
/// their pods down one at a time behind their disruption Lease, but nothing stops `kubectl
/// drain`, the cluster autoscaler or another evicting tool from taking a second one meanwhile.
/// A set's only replica (`Downtime`) has no second pod to lose.
pub fn unbudgeted_sets(verdicts: &[PodVerdict]) -> Vec<String> {
    let mut sets: Vec<(String, String)> = vec![];
    for v in verdicts {
        let evicted = matches!(
            v.code,
            VerdictCode::Evictable
                | VerdictCode::WaitsForSet
                | VerdictCode::WaitsForController
                | VerdictCode::WaitsForNode
        );
        if let (true, true, Some(set)) = (evicted, v.pdbs.is_empty(), &v.statefulset) {
            let key = (v.namespace.clone(), set.clone());
            if !sets.contains(&key) {
                sets.push(key);
            }
        }
    }
    sets.into_iter()
        .map(|(ns, set)| format!(
            "statefulset {ns}/{set} has no PodDisruptionBudget: this drain takes its pods down one at a time, behind its disruption Lease, but kubectl drain, the cluster autoscaler or any other tool that evicts can take a second one down meanwhile (kubectl sts check {set} -n {ns}: STS022 gives the budget to create)"
        ))
        .collect()
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
    fn a_set_its_controller_is_stuck_on_blocks_every_pod_of_it() {
        let with_claim = |pods: Vec<Pod>, have: &[bool]| -> Vec<Pod> {
            pods.into_iter()
                .zip(have)
                .map(|(mut p, has)| {
                    if *has {
                        let name = p.metadata.name.clone().unwrap();
                        p.spec.as_mut().unwrap().volumes = Some(vec![serde_json::from_value(
                            json!({"name": "data", "persistentVolumeClaim": {"claimName": format!("data-{name}")}}),
                        )
                        .unwrap()]);
                    }
                    p
                })
                .collect()
        };
        let templated = |c: &mut Case| {
            c.sets[0].spec.volume_claim_templates = Some(vec![serde_json::from_value(
                json!({"metadata": {"name": "data"}}),
            )
            .unwrap()]);
        };
        // every pod made from the template: as before
        let mut c = Case::new(with_claim(web(["n1", "n2", "n3"]), &[true, true, true]));
        templated(&mut c);
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
        // web-2 lacks the claim's volume (a set re-created with another template): the
        // controller stops there; web-0, below it, is refused too — nothing of a set its
        // controller cannot move past is disrupted
        let mut c = Case::new(with_claim(web(["n1", "n2", "n3"]), &[true, true, false]));
        templated(&mut c);
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::ControllerStuck);
        assert!(v.code.blocks());
        assert!(
            v.reason.starts_with("statefulset db/web is stuck at ordinal 2 (web-2): it has no volume for claim template data"),
            "{}",
            v.reason
        );
        assert!(
            v.reason.contains("evicting web-0 is refused until then"),
            "{}",
            v.reason
        );
        assert!(
            v.reason.contains("kubectl delete pod web-2 -n db"),
            "{}",
            v.reason
        );
        // the lowest such pod names it; a pod on the drained node above it as well
        let mut c = Case::new(with_claim(web(["n2", "n1", "n3"]), &[false, false, true]));
        templated(&mut c);
        let v = &c.run()[0];
        assert_eq!(
            (v.name.as_str(), v.code),
            ("web-1", VerdictCode::ControllerStuck)
        );
        assert!(
            v.reason.contains("stuck at ordinal 0 (web-0)"),
            "{}",
            v.reason
        );
        assert!(
            v.reason
                .contains("kubectl delete pod web-0 -n db, then web-1"),
            "{}",
            v.reason
        );
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
        // the same starting pod on a node that just died is not starting: it is down
        let mut dead = c.nodes[2].clone();
        dead.status.as_mut().unwrap().conditions.as_mut().unwrap()[0].status = "Unknown".into();
        c.nodes[2] = dead;
        c.pods[2] = starting(
            json!({"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [{"name": "c", "ready": false, "restartCount": 0, "image": "i", "imageID": "",
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        );
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::SetUnhealthy, "{}", v.reason);
        assert!(
            v.reason
                .contains("web-2 is not Ready (its node n3 is not Ready)"),
            "{}",
            v.reason
        );
        // a scale-up the controller has not carried out yet: being created, bounded as a pod
        // start (the drain stops once it has waited longer)
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.sets[0].spec.replicas = Some(4);
        let v = &c.run()[0];
        assert_eq!(v.code, VerdictCode::WaitsForSet, "{}", v.reason);
        assert!(
            v.reason.contains("web-3 is created and Ready"),
            "{}",
            v.reason
        );
        assert_eq!(
            v.settles,
            [(
                "web-3 starting".to_string(),
                "web-3 is created and Ready".to_string(),
                POD_START_SECONDS + STARTING_MARGIN_SECONDS
            )]
        );
    }

    #[test]
    fn a_set_whose_latest_spec_is_not_observed_is_waited_for_bounded() {
        // kubectl's status viewer: nothing is known until the controller has seen the spec (a
        // scale, an HPA, a GitOps sync): it settles by itself — waited for, not refused
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.sets[0].metadata.generation = Some(2);
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::WaitsForController, "{}", v.reason);
        assert!(!v.code.blocks());
        assert_eq!(v.reason, "waits until the StatefulSet controller has observed generation 2 of statefulset db/web (it has 1: a spec change it has not acted on yet)");
        assert_eq!(
            v.settles[0].2, CONTROLLER_SETTLE_SECONDS,
            "bounded as the gate bounds it"
        );
        // a replica already down still blocks first
        c.pods[2]
            .status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap()[0]
            .status = "False".into();
        c.pods[2].spec.as_mut().unwrap().node_name = Some("n3".into());
        assert_eq!(c.code("web-0"), VerdictCode::SetUnhealthy);
        // the revisions agree, but fewer pods are updated than the strategy wants
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.sets[0].status.as_mut().unwrap().updated_replicas = None;
        assert_eq!(c.code("web-0"), VerdictCode::RolloutInProgress);
    }

    #[test]
    fn an_eviction_never_carries_grace_0() {
        let mut p = pod("solo", "n1", Some(("ReplicaSet", "x")), json!({}));
        let mut flags = DrainFlags::default();
        assert_eq!(eviction_grace(&p, &flags), None, "its own 30 s");
        flags.grace_period = Some(5);
        assert_eq!(eviction_grace(&p, &flags), Some(5));
        flags.grace_period = Some(0);
        assert_eq!(eviction_grace(&p, &flags), Some(1), "--grace-period 0");
        flags.grace_period = None;
        p.spec.as_mut().unwrap().termination_grace_period_seconds = Some(0);
        assert_eq!(eviction_grace(&p, &flags), Some(1), "its own 0");
        flags.grace_period = Some(3);
        assert_eq!(eviction_grace(&p, &flags), Some(3));
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

    fn verdict_of(c: &Case, name: &str) -> PodVerdict {
        c.run().into_iter().find(|v| v.name == name).unwrap()
    }

    #[test]
    fn a_statefulset_pod_is_never_evicted_with_grace_zero() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.pods.push(pod(
            "cache",
            "n1",
            Some(("ReplicaSet", "cache")),
            json!({"metadata": {"labels": {"app": "cache"}}}),
        ));
        // --grace-period 0: refused for the StatefulSet pod, saying what to pass instead
        c.flags.grace_period = Some(0);
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::ZeroGracePeriod);
        assert!(v.code.blocks());
        assert!(
            v.reason.contains("--grace-period 0") && v.reason.contains("e.g. 1"),
            "{}",
            v.reason
        );
        // other pods follow kubectl drain, which passes 0 through
        assert_eq!(c.code("cache"), VerdictCode::Evictable);
        // near miss: a positive grace
        c.flags.grace_period = Some(1);
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
        // the default takes the pod's own grace: 0 there is the same deletion
        c.flags.grace_period = None;
        c.pods[0]
            .spec
            .as_mut()
            .unwrap()
            .termination_grace_period_seconds = Some(0);
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::ZeroGracePeriod);
        assert!(
            v.reason.contains("terminationGracePeriodSeconds is 0"),
            "{}",
            v.reason
        );
        // …which a positive --grace-period overrides
        c.flags.grace_period = Some(5);
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
    }

    /// web with revisions: `current`/`update` in its status, `strategy` as its updateStrategy,
    /// and each pod's `controller-revision-hash`.
    fn revisions(c: &mut Case, current: &str, update: &str, strategy: Value, pods: [&str; 3]) {
        let mut set = serde_json::to_value(&c.sets[0]).unwrap();
        set["spec"]["updateStrategy"] = strategy;
        set["status"]["currentRevision"] = json!(current);
        set["status"]["updateRevision"] = json!(update);
        let updated = pods.iter().filter(|r| **r == update).count();
        set["status"]["updatedReplicas"] = json!(updated);
        c.sets[0] = serde_json::from_value(set).unwrap();
        for (p, r) in c.pods.iter_mut().zip(pods) {
            p.metadata
                .labels
                .get_or_insert_with(Default::default)
                .insert("controller-revision-hash".into(), r.into());
        }
    }

    #[test]
    fn a_pod_that_would_come_back_at_another_revision_is_refused_unless_allowed() {
        // OnDelete with an update nobody applied: web-0 would come back at r2
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(
            &mut c,
            "r1",
            "r2",
            json!({"type": "OnDelete"}),
            ["r1", "r1", "r1"],
        );
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::RevisionChange);
        assert!(v.code.blocks());
        assert!(
            v.reason
                .contains("runs revision r1 and would come back at revision r2")
                && v.reason.contains("OnDelete")
                && v.reason.contains("--allow-update"),
            "{}",
            v.reason
        );
        c.flags.allow_update = true;
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::Evictable);
        assert!(
            v.reason
                .contains("comes back at revision r2, not r1 (--allow-update)"),
            "{}",
            v.reason
        );
        // near miss: a pod already on the update revision comes back as it is
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(
            &mut c,
            "r1",
            "r2",
            json!({"type": "OnDelete"}),
            ["r2", "r1", "r1"],
        );
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);

        // a partition boundary: web-0 below partition 1 runs r2 (the partition was raised
        // after it was updated): it would come back at the current revision r1
        let partition = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}});
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(&mut c, "r1", "r2", partition.clone(), ["r2", "r2", "r2"]);
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::RevisionChange, "{}", v.reason);
        assert!(
            v.reason.contains("would come back at revision r1")
                && v.reason.contains("below the partition (1)"),
            "{}",
            v.reason
        );
        // near miss: below the partition on the current revision, it comes back at it
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(&mut c, "r1", "r2", partition.clone(), ["r1", "r2", "r2"]);
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
        // a pod left on a third revision below the partition: it comes back at the current one
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(&mut c, "r1", "r2", partition.clone(), ["r0", "r2", "r2"]);
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::RevisionChange);
        assert!(
            v.reason
                .contains("runs revision r0 and would come back at revision r1"),
            "{}",
            v.reason
        );
        // at or above the partition, the update one (the partition lowered under a pod that
        // the controller has not replaced yet: nothing is in progress while updatedReplicas
        // still counts it — the status the controller wrote before the partition moved)
        let mut c = Case::new(web(["n2", "n1", "n3"]));
        revisions(&mut c, "r1", "r2", partition, ["r1", "r1", "r2"]);
        let mut status = c.sets[0].status.clone().unwrap();
        status.updated_replicas = Some(2);
        c.sets[0].status = Some(status);
        let v = verdict_of(&c, "web-1");
        assert_eq!(v.code, VerdictCode::RevisionChange);
        assert!(
            v.reason
                .contains("runs revision r1 and would come back at revision r2")
                && v.reason.contains("at or above the partition (1)"),
            "{}",
            v.reason
        );
        // and when current == update but a pod still runs an older one (an orphan delete and
        // re-create with a template change): updatedReplicas is short of replicas, so the
        // controller is rolling the set (rollout_state), which refuses first
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(
            &mut c,
            "r1",
            "r1",
            json!({"type": "RollingUpdate"}),
            ["r0", "r1", "r1"],
        );
        assert_eq!(c.code("web-0"), VerdictCode::RolloutInProgress);
        // the same under OnDelete, where nothing replaces web-0 but a delete: the set waits for
        // deletes, which refuses too
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(
            &mut c,
            "r1",
            "r1",
            json!({"type": "OnDelete"}),
            ["r0", "r1", "r1"],
        );
        assert!(c.code("web-0").blocks(), "{:?}", c.code("web-0"));
        // without the label there is nothing to compare
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(
            &mut c,
            "r1",
            "r2",
            json!({"type": "OnDelete"}),
            ["r1", "r1", "r1"],
        );
        c.pods[0]
            .metadata
            .labels
            .as_mut()
            .unwrap()
            .remove("controller-revision-hash");
        assert_eq!(c.code("web-0"), VerdictCode::Evictable);
    }

    #[test]
    fn a_rollout_in_progress_blocks_even_with_allow_update_and_names_the_revisions() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        revisions(
            &mut c,
            "r1",
            "r2",
            json!({"type": "RollingUpdate"}),
            ["r1", "r1", "r2"],
        );
        c.flags.allow_update = true;
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::RolloutInProgress);
        assert!(
            v.reason
                .contains("would come back at revision r2 (it runs r1)"),
            "{}",
            v.reason
        );
    }

    /// The set's pods each with a volume pinned to its node (`www-web-N` on `pv-N`).
    fn pinned_to_nodes(c: &mut Case) {
        let mut volumes = vec![];
        for p in c.pods.iter_mut() {
            let name = p.metadata.name.clone().unwrap();
            let node = p.spec.as_ref().unwrap().node_name.clone().unwrap();
            p.spec.as_mut().unwrap().volumes = serde_json::from_value(json!([{"name": "www",
                "persistentVolumeClaim": {"claimName": format!("www-{name}")}}]))
            .unwrap();
            let pv: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(json!({
                "metadata": {"name": format!("pv-{name}")},
                "spec": {"claimRef": {"namespace": "db", "name": format!("www-{name}")},
                    "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                        {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}}
            }))
            .unwrap();
            volumes.push(Volume::from(pv));
        }
        c.volumes = volumes;
    }

    #[test]
    fn pinned_wait_keeps_the_downtime_and_settling_guards() {
        // a single replica whose volume lives on the node: still downtime
        let mut c = Case::new(vec![pod(
            "web-0",
            "n1",
            Some(("StatefulSet", "web")),
            json!({}),
        )]);
        c.sets = vec![set("web", 1)];
        pinned_to_nodes(&mut c);
        c.flags.pinned_wait = true;
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::DowntimeNotAllowed);
        assert!(v.reason.contains("--allow-downtime") && v.pinned, "{v:?}");
        c.flags.allow_downtime = true;
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::WaitsForNode);
        assert!(v.reason.contains("DOWNTIME"), "{}", v.reason);

        // another replica inside minReadySeconds: waited for, and still known to be pinned
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        pinned_to_nodes(&mut c);
        c.flags.pinned_wait = true;
        c.sets[0].spec.min_ready_seconds = Some(10);
        c.pods[2]
            .status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap()[0]
            .last_transition_time = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            "2026-01-01T00:09:55Z".parse().unwrap(),
        ));
        let v = verdict_of(&c, "web-0");
        assert_eq!(v.code, VerdictCode::WaitsForSet, "{}", v.reason);
        assert!(v.pinned && !v.code.blocks());
        // near miss: once it is available, WaitsForNode
        c.sets[0].spec.min_ready_seconds = Some(1);
        assert_eq!(c.code("web-0"), VerdictCode::WaitsForNode);
    }

    #[test]
    fn two_pinned_pods_of_one_set_are_counted_up_front() {
        let mut c = Case::new(web(["n1", "n1", "n2"]));
        pinned_to_nodes(&mut c);
        c.flags.pinned_wait = true;
        for name in ["web-0", "web-1"] {
            let v = verdict_of(&c, name);
            assert_eq!(v.code, VerdictCode::PinnedTogether, "{name}");
            assert!(
                v.reason
                    .contains("2 of statefulset db/web's 3 replicas (web-0, web-1)")
                    && v.reason.contains("--allow-downtime"),
                "{}",
                v.reason
            );
        }
        c.flags.allow_downtime = true;
        // no budget: nothing says the set may lose two
        let v = verdict_of(&c, "web-1");
        assert_eq!(v.code, VerdictCode::PinnedTogether);
        assert!(
            v.reason
                .contains("2 of statefulset db/web's 3 replicas (web-0, web-1)")
                && v.reason
                    .contains("no PodDisruptionBudget says the set may lose 2")
                && v.reason.contains("maxUnavailable: 2"),
            "{}",
            v.reason
        );
        c.pdbs = vec![pdb("web", 2)];
        let v = verdict_of(&c, "web-1");
        assert_eq!(v.code, VerdictCode::WaitsForNode);
        assert!(
            v.reason
                .contains("DOWNTIME: 2 of web's 3 replicas (web-0, web-1) are down together"),
            "{}",
            v.reason
        );
        // a budget that allows one: the second eviction could never pass
        c.pdbs = vec![pdb("web", 1)];
        let v = verdict_of(&c, "web-1");
        assert_eq!(v.code, VerdictCode::PinnedTogether);
        assert!(
            v.reason.contains("2 still to be evicted")
                && v.reason.contains("PodDisruptionBudget web"),
            "{}",
            v.reason
        );
        c.pdbs = vec![pdb("web", 2)];
        assert_eq!(c.code("web-1"), VerdictCode::WaitsForNode);
        // during the run: web-1 evicted and re-created Pending (no node): web-0's eviction is
        // the plan's second, not "a pod already down"
        c.pdbs = vec![pdb("web", 1)];
        c.pods[1] = pod(
            "web-1",
            "",
            Some(("StatefulSet", "web")),
            json!({"spec": {"volumes": [{"name": "www",
                "persistentVolumeClaim": {"claimName": "www-web-1"}}]},
                "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}]}}),
        );
        c.pods[1].spec.as_mut().unwrap().node_name = None;
        assert_eq!(c.code("web-0"), VerdictCode::WaitsForNode);
        // near miss: a replica down that is not pinned here still blocks
        c.pods[2]
            .status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap()[0]
            .status = "False".into();
        assert_eq!(c.code("web-0"), VerdictCode::SetUnhealthy);
        // one pinned pod of a set of three is no group
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        pinned_to_nodes(&mut c);
        c.flags.pinned_wait = true;
        assert_eq!(c.code("web-0"), VerdictCode::WaitsForNode);
    }

    #[test]
    fn a_terminating_pod_is_waited_for_unless_deleted_long_ago() {
        let mut c = Case::new(web(["n1", "n2", "n3"]));
        c.pods.push(pod(
            "cache",
            "n1",
            Some(("ReplicaSet", "cache")),
            json!({"metadata": {"labels": {"app": "cache"},
                "deletionTimestamp": "2026-01-01T00:09:00Z"}}),
        ));
        let v = verdict_of(&c, "cache");
        assert_eq!(v.code, VerdictCode::Terminating);
        assert!(!v.code.blocks());
        // deleted 60 s ago, more than --skip-wait-for-delete-timeout 30s: not waited for
        c.flags.skip_wait_for_delete = Some(30);
        let v = verdict_of(&c, "cache");
        assert_eq!(v.code, VerdictCode::NotWaitedFor);
        assert!(!v.code.blocks());
        assert!(v.reason.contains("deleted 60s ago"), "{}", v.reason);
        // near miss: 60 s is not more than 60 (kubectl's `>`)
        c.flags.skip_wait_for_delete = Some(60);
        assert_eq!(c.code("cache"), VerdictCode::Terminating);
        assert_eq!(deleted_long_ago(&c.pods[3], Some(59), now()), Some(60));
        assert_eq!(deleted_long_ago(&c.pods[3], Some(0), now()), None);
        assert_eq!(deleted_long_ago(&c.pods[0], Some(1), now()), None);
        // a DaemonSet pod with --ignore-daemonsets is left alone, terminating or not (without
        // the flag a terminating one is going away: waited for, not a blocker)
        c.pods[3].metadata.owner_references.as_mut().unwrap()[0].kind = "DaemonSet".into();
        assert_eq!(c.code("cache"), VerdictCode::Terminating);
        c.flags.ignore_daemonsets = true;
        assert_eq!(c.code("cache"), VerdictCode::Skipped);
    }

    #[test]
    fn sets_evicted_without_a_budget_are_named_once() {
        let v = |name: &str, set: Option<&str>, code: VerdictCode, budget: bool| PodVerdict {
            namespace: "db".into(),
            name: name.into(),
            uid: format!("u-{name}"),
            owner: set.map(|s| format!("StatefulSet/{s}")),
            statefulset: set.map(String::from),
            ordinal: Some(0),
            code,
            reason: String::new(),
            pdbs: if budget {
                vec![PdbFacts {
                    name: "b".into(),
                    min_available: None,
                    max_unavailable: Some("1".into()),
                    disruptions_allowed: 1,
                    current_healthy: 3,
                    desired_healthy: 2,
                    expected_pods: 3,
                    unhealthy_pod_eviction_policy: None,
                }]
            } else {
                vec![]
            },
            fits: vec![],
            pinned: false,
            settles: vec![],
            eviction_grace: None,
        };
        let got = unbudgeted_sets(&[
            v("web-0", Some("web"), VerdictCode::Evictable, false),
            v("web-1", Some("web"), VerdictCode::WaitsForSet, false),
            v("kv-0", Some("kv"), VerdictCode::Evictable, true),
            v("solo-0", Some("solo"), VerdictCode::Downtime, false),
            v("gone-0", Some("gone"), VerdictCode::Terminating, false),
            v("lone", None, VerdictCode::Evictable, false),
            v("pin-0", Some("pin"), VerdictCode::WaitsForNode, false),
        ]);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("statefulset db/web has no PodDisruptionBudget: this drain takes its pods down one at a time"), "{}", got[0]);
        assert!(got[0].contains("kubectl drain, the cluster autoscaler or any other tool that evicts can take a second one down meanwhile"));
        assert!(got[0].contains("kubectl sts check web -n db: STS022"));
        assert!(got[1].starts_with("statefulset db/pin "), "{}", got[1]);
    }

    #[test]
    fn after_an_eviction_the_other_replicas_down_are_named() {
        let set: StatefulSet = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "uid": "s1"},
            "spec": {"replicas": 4, "selector": {}, "serviceName": "web", "template": {}}
        }))
        .unwrap();
        let pod = |n: &str, ready: bool, deleting: bool| -> Pod {
            let mut p = serde_json::json!({
                "metadata": {"name": n, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "s1", "controller": true}]},
                "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
            });
            if deleting {
                p["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z".into();
            }
            serde_json::from_value(p).unwrap()
        };
        let all_up = [
            pod("web-0", true, false),
            pod("web-1", true, true), // the one just evicted: terminating
            pod("web-2", true, false),
            pod("web-3", true, false),
        ];
        assert!(others_down(&set, &all_up, "web-1").is_empty());
        let two_down = [
            pod("web-0", false, false),
            pod("web-1", true, true),
            pod("web-2", true, true),
        ];
        assert_eq!(
            others_down(&set, &two_down, "web-1"),
            [
                "web-0 (not Ready)",
                "web-2 (terminating)",
                "web-3 (missing)"
            ]
        );
    }
}
