//! One projection of a StatefulSet and its pods for the guarded commands: what scale, rollout
//! and resize decide on, built once from the same parts ([`SetView::from_parts`]), and the
//! gate's facts taken from it ([`SetView::facts`]).

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::Pod;

use super::gate::{termination_grace, PodFacts, SetFacts};
use super::health::{
    available_in, grace_left, node_health, pod_available, pod_ready, pod_terminating, NodeHealth,
};
use super::set::{claim_ordinal, set_pods, start_ordinal, REVISION_LABEL};
use super::starting::starting_within;
use super::stuck::{stuck_at, StuckAt};
use super::update::{revision_at, rollout_state_with_pods, RolloutState, Strategy};
use super::SetParts;
use crate::kubefmt;

/// One pod of the set as the guards see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodView {
    pub name: String,
    pub ordinal: i64,
    pub uid: String,
    pub resource_version: String,
    pub revision: Option<String>,
    pub ready: bool,
    /// Ready for minReadySeconds (the controller's `isRunningAndAvailable`): counted as back
    /// only then, as the controller counts it before its next OrderedReady step.
    pub available: bool,
    pub terminating: bool,
    pub restarts: i32,
    /// The first container's waiting reason (CrashLoopBackOff, ImagePullBackOff…).
    pub waiting_reason: Option<String>,
    /// How long it has not been Ready (since its Ready condition turned False, or since it
    /// was created); None when Ready.
    pub not_ready_seconds: Option<i64>,
    /// STATUS as kubectl prints it.
    pub status: String,
    pub node: Option<String>,
    /// `Some(summary)` when the pod's node is known and not Ready (known only when the parts
    /// carry its node).
    pub dead_node: Option<String>,
    /// Ready but not yet available: seconds until it is.
    pub available_in: Option<i64>,
    /// Terminating: seconds left of its grace period.
    pub grace_left: Option<i64>,
    /// Not Ready but starting: seconds within which it should be Ready.
    pub starting: Option<i64>,
    /// Its own terminationGracePeriodSeconds (30 when absent, as defaulting sets it): what a
    /// DELETE without gracePeriodSeconds gives it.
    pub own_grace: i64,
}

/// A StatefulSet reduced to what its guarded scale, rollout and resize are decided on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetView {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    pub generation: i64,
    pub observed_generation: i64,
    /// spec.replicas
    pub replicas: i64,
    /// status.replicas: the pods the controller has created.
    pub status_replicas: i64,
    pub ready_replicas: i64,
    pub start: i64,
    pub ordered_ready: bool,
    pub min_ready_seconds: i64,
    pub strategy: Strategy,
    pub current_revision: Option<String>,
    pub update_revision: Option<String>,
    /// persistentVolumeClaimRetentionPolicy.whenScaled (Retain when absent).
    pub when_scaled: String,
    /// Why a rolling update counts as in progress, if it does (a reached partition and
    /// OnDelete wait for the operator: they never do).
    pub rollout_in_progress: Option<String>,
    /// Pods with an ordinal name and no other controller, by ordinal.
    pub pods: Vec<PodView>,
    /// Claim names by ordinal (from the volumeClaimTemplates; empty when the parts carry no
    /// claims).
    pub claims: BTreeMap<i64, Vec<String>>,
    /// The template's terminationGracePeriodSeconds (default 30).
    pub termination_grace: i64,
    /// The controller cannot move past this pod (`model::stuck`).
    pub stuck: Option<StuckAt>,
}

impl SetView {
    pub fn from_parts(parts: &SetParts) -> SetView {
        let set = &parts.set;
        let spec = &set.spec;
        let status = set.status.clone().unwrap_or_default();
        let name = set.metadata.name.clone().unwrap_or_default();
        let nodes: HashMap<&str, NodeHealth> = parts
            .nodes
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|n| Some((n.metadata.name.as_deref()?, node_health(n, parts.now))))
            .collect();
        let min_ready = spec.min_ready_seconds.unwrap_or(0) as i64;
        let by_ordinal = set_pods(set, &parts.pods);
        let stuck = stuck_at(set, by_ordinal.iter().map(|(o, p)| (*o, *p)));
        let rollout_in_progress =
            rolling_update_in_progress(rollout_state_with_pods(set, by_ordinal.values().copied()));
        // ordered by ordinal (a BTreeMap)
        let pods = by_ordinal
            .into_iter()
            .map(|(ordinal, p)| pod_view(p, ordinal, min_ready, parts.now, &nodes))
            .collect();
        SetView {
            namespace: set.metadata.namespace.clone().unwrap_or_default(),
            uid: set.metadata.uid.clone().unwrap_or_default(),
            resource_version: set.metadata.resource_version.clone().unwrap_or_default(),
            generation: set.metadata.generation.unwrap_or(0),
            observed_generation: status.observed_generation.unwrap_or(0),
            replicas: spec.replicas.unwrap_or(1) as i64,
            status_replicas: status.replicas as i64,
            ready_replicas: status.ready_replicas.unwrap_or(0) as i64,
            start: start_ordinal(set),
            ordered_ready: spec.pod_management_policy.as_deref() != Some("Parallel"),
            min_ready_seconds: min_ready,
            strategy: Strategy::of(set),
            current_revision: status.current_revision.clone(),
            update_revision: status.update_revision.clone(),
            when_scaled: spec
                .persistent_volume_claim_retention_policy
                .as_ref()
                .and_then(|p| p.when_scaled.clone())
                .unwrap_or_else(|| "Retain".into()),
            rollout_in_progress,
            pods,
            claims: claims_by_ordinal(parts, &name),
            termination_grace: termination_grace(set),
            stuck,
            name,
        }
    }

    /// The set as the shared guards ([`super::gate::set_blockers`]) see it.
    pub fn facts(&self) -> SetFacts<'_> {
        SetFacts {
            name: &self.name,
            generation: self.generation,
            observed_generation: self.observed_generation,
            start: self.start,
            replicas: self.replicas,
            created: self.status_replicas,
            min_ready_seconds: self.min_ready_seconds,
            termination_grace: self.termination_grace,
            pods: self
                .pods
                .iter()
                .map(|p| PodFacts {
                    name: &p.name,
                    ordinal: p.ordinal,
                    ready: p.ready,
                    available: p.available,
                    terminating: p.terminating,
                    status: &p.status,
                    dead_node: p.dead_node.as_deref(),
                    available_in: p.available_in,
                    grace_left: p.grace_left,
                    starting: p.starting,
                })
                .collect(),
        }
    }

    /// Whether an ordinal is within spec.replicas (counted from `start`).
    pub fn in_range(&self, ordinal: i64) -> bool {
        ordinal >= self.start && ordinal < self.start + self.replicas
    }

    /// The pod of an ordinal, if it exists.
    pub fn pod(&self, ordinal: i64) -> Option<&PodView> {
        self.pods.iter().find(|p| p.ordinal == ordinal)
    }

    /// The pod name of an ordinal.
    pub fn pod_name(&self, ordinal: i64) -> String {
        format!("{}-{ordinal}", self.name)
    }

    /// The lowest ordinal the strategy updates (the partition, counted from `start`).
    pub fn update_from(&self) -> i64 {
        self.strategy.update_from(self.start)
    }

    /// On the update revision.
    pub fn on_update(&self, p: &PodView) -> bool {
        p.revision.is_some() && p.revision == self.update_revision
    }

    /// The revision the controller gives this ordinal's pod when it creates it: the update
    /// revision at and above the partition, the current revision below it
    /// (newVersionedStatefulSetPod, pkg/controller/statefulset/stateful_set_utils.go).
    pub fn comes_back_at(&self, ordinal: i64) -> Option<&String> {
        revision_at(
            ordinal,
            self.update_from(),
            self.current_revision.as_ref(),
            self.update_revision.as_ref(),
        )
    }

    /// On the revision a re-created pod of its ordinal would have.
    pub fn on_target(&self, p: &PodView) -> bool {
        p.revision.is_some() && p.revision.as_ref() == self.comes_back_at(p.ordinal)
    }
}

/// One pod of the set, at `now`, with its node's health when `nodes` knows it.
fn pod_view(
    p: &Pod,
    ordinal: i64,
    min_ready: i64,
    now: jiff::Timestamp,
    nodes: &HashMap<&str, NodeHealth>,
) -> PodView {
    let ready = pod_ready(p);
    let ready_cond = p
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let since = ready_cond
        .and_then(|c| c.last_transition_time.as_ref())
        .map(|t| t.0)
        .or_else(|| p.metadata.creation_timestamp.as_ref().map(|t| t.0));
    let secs = since.map(|t| now.duration_since(t).as_secs().max(0));
    let statuses = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default();
    let node = p.spec.as_ref().and_then(|s| s.node_name.clone());
    let dead_node = node
        .as_deref()
        .and_then(|n| nodes.get(n))
        .filter(|h| h.is_dead())
        .map(|h| format!("{} {}", h.name, h.summary()));
    let v = serde_json::to_value(p).unwrap_or_default();
    PodView {
        name: p.metadata.name.clone().unwrap_or_default(),
        ordinal,
        uid: p.metadata.uid.clone().unwrap_or_default(),
        resource_version: p.metadata.resource_version.clone().unwrap_or_default(),
        revision: p
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(REVISION_LABEL).cloned()),
        ready,
        available: pod_available(p, min_ready, now),
        terminating: pod_terminating(p),
        restarts: statuses.iter().map(|c| c.restart_count).sum(),
        waiting_reason: statuses
            .iter()
            .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone()),
        not_ready_seconds: if ready { None } else { secs },
        status: kubefmt::pod_summary(&v).status,
        node,
        dead_node,
        available_in: available_in(p, min_ready, now),
        grace_left: grace_left(p, now),
        starting: starting_within(p, now),
        own_grace: p
            .spec
            .as_ref()
            .and_then(|s| s.termination_grace_period_seconds)
            .unwrap_or(30),
    }
}

/// The words for a rolling update in progress; None for anything else.
fn rolling_update_in_progress(state: RolloutState) -> Option<String> {
    match state {
        RolloutState::InProgress {
            updated,
            want,
            revision,
        } => Some(format!(
            "a rolling update is in progress ({updated} of {want} pods at revision {revision})"
        )),
        // a reached partition and OnDelete wait for the operator: they never block a scale;
        // a generation not yet observed is GenerationNotObserved, which settles by itself
        _ => None,
    }
}

/// The set's claims (from its volumeClaimTemplates) among the parts' claims, by ordinal.
fn claims_by_ordinal(parts: &SetParts, set_name: &str) -> BTreeMap<i64, Vec<String>> {
    let mut claims: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for t in parts.set.spec.volume_claim_templates.iter().flatten() {
        let tname = t.metadata.name.clone().unwrap_or_default();
        for c in &parts.claims {
            let Some(cname) = c.metadata.name.clone() else {
                continue;
            };
            if let Some(o) = claim_ordinal(&tname, set_name, &cname) {
                claims.entry(o).or_default().push(cname);
            }
        }
    }
    claims
}
