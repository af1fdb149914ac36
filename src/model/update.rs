//! Where a set's update stands, as the controller and kubectl's status viewer judge it, and the
//! revision each ordinal is (re-)created at: shared by inspect, scale, rollout and drain.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use super::health::pod_terminating;
use super::set::{start_ordinal, REVISION_LABEL};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RolloutState {
    /// Every pod the strategy updates runs the update revision (or no revisions reported yet).
    #[default]
    Settled,
    /// The controller has not yet seen the latest spec: what it will do is not known yet (a
    /// template change may be about to replace pods).
    NotObserved { generation: i64, observed: i64 },
    /// RollingUpdate: the controller is replacing pods; `updated` of `want` are done.
    InProgress {
        updated: i64,
        want: i64,
        revision: String,
    },
    /// RollingUpdate with a partition: every pod from the partition up is updated; the pods
    /// below it stay on the current revision until the partition is lowered.
    PausedAtPartition { partition: i64 },
    /// OnDelete: pods move to the update revision only when deleted; `updated` of `replicas`.
    WaitingForDeletes { updated: i64, replicas: i64 },
}

impl RolloutState {
    /// The controller itself is replacing pods (or may be about to: it has not seen the latest
    /// spec): a disruption must wait, a pod of the new revision that is not Ready stops it.
    pub fn in_progress(&self) -> bool {
        matches!(
            self,
            RolloutState::InProgress { .. } | RolloutState::NotObserved { .. }
        )
    }

    /// An update is under way in any form (in progress, paused at a partition, waiting for
    /// deletes): a pod of the update revision that does not become Ready means a bad revision.
    pub fn updating(&self) -> bool {
        *self != RolloutState::Settled
    }
}

/// Where the update stands, from the set's status, in the order kubectl's status viewer reads
/// it (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go, StatefulSetStatusViewer): the
/// controller must have observed the latest generation, then `readyReplicas`, then
/// `updatedReplicas` must reach `replicas − partition` — whatever the revisions say.
/// `currentRevision == updateRevision` is not enough: a set re-created after an orphan delete
/// with a changed template reports both as its new revision while every pod still runs the old
/// one (`updatedReplicas` 0; golden `apply/add-claim-template.txt`).
pub fn rollout_state(set: &StatefulSet) -> RolloutState {
    let spec = &set.spec;
    let Some(status) = set.status.as_ref() else {
        return RolloutState::Settled;
    };
    // kubectl: `ObservedGeneration == 0 || Generation > ObservedGeneration` (a server always
    // sets generation from 1, so a missing one here is a fixture, not a spec unseen)
    let generation = set.metadata.generation.unwrap_or(0);
    let observed = status.observed_generation.unwrap_or(0);
    if generation > observed {
        return RolloutState::NotObserved {
            generation,
            observed,
        };
    }
    let (Some(current), Some(update)) = (&status.current_revision, &status.update_revision) else {
        return RolloutState::Settled;
    };
    let replicas = spec.replicas.unwrap_or(1) as i64;
    // omitted while 0 (golden: zero-valued status fields are left out)
    let updated = status.updated_replicas.unwrap_or(0) as i64;
    let ready = status.ready_replicas.unwrap_or(0) as i64;
    // Fewer pods on the update revision than the strategy wants. With both revisions the same,
    // a pod missing or terminating (a dead node) leaves updatedReplicas short too, with no
    // update anywhere: kubectl says "waiting for pods to be ready" there, before it looks at
    // updatedReplicas. Pods on another revision show as Ready pods beyond the updated ones.
    let short = |want: i64| updated < want && (current != update || updated < ready);
    let strategy = spec.update_strategy.as_ref();
    if strategy.and_then(|u| u.type_.as_deref()) == Some("OnDelete") {
        // kubectl has no answer for OnDelete (kubernetes/kubernetes#64500); the same count
        return if current == update && !short(replicas) {
            RolloutState::Settled
        } else {
            RolloutState::WaitingForDeletes { updated, replicas }
        };
    }
    let partition = strategy
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0) as i64;
    let want = (replicas - partition).max(0);
    if short(want) {
        RolloutState::InProgress {
            updated,
            want,
            revision: update.clone(),
        }
    } else if partition > 0 && current != update {
        RolloutState::PausedAtPartition { partition }
    } else {
        // every pod updated; the controller moves currentRevision on its next sync
        RolloutState::Settled
    }
}

/// [`rollout_state`] confirmed against the set's pods where its status alone cannot tell. With
/// both revisions the same, `updatedReplicas` short of the target means either pods on an older
/// revision (a set re-created over them: an update the controller carries out) or a pod going
/// away: a terminating pod still counts in `readyReplicas` but no longer in `updatedReplicas`
/// (`computeReplicaStatus`, stateful_set_control.go), so a drain's own eviction would look like
/// an update. Only pods that are not terminating and run another revision (or carry none to
/// read) make it one.
pub fn rollout_state_with_pods<'a>(
    set: &StatefulSet,
    pods: impl IntoIterator<Item = &'a k8s_openapi::api::core::v1::Pod>,
) -> RolloutState {
    let state = rollout_state(set);
    let status = set.status.as_ref();
    let update = status.and_then(|s| s.update_revision.as_deref());
    let same = update.is_some() && update == status.and_then(|s| s.current_revision.as_deref());
    if !same
        || !matches!(
            state,
            RolloutState::InProgress { .. } | RolloutState::WaitingForDeletes { .. }
        )
    {
        return state;
    }
    let behind = pods.into_iter().filter(|p| !pod_terminating(p)).any(|p| {
        p.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(REVISION_LABEL))
            // no label to read: the status is all there is to go by
            .is_none_or(|r| Some(r.as_str()) != update)
    });
    if behind {
        state
    } else {
        RolloutState::Settled
    }
}

/// How the set updates its pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Strategy {
    /// The controller replaces pods from the highest ordinal down to `partition`, waiting for
    /// each to be Ready (OrderedReady) and for at most `maxUnavailable` at a time.
    RollingUpdate {
        partition: i64,
        #[serde(rename = "maxUnavailable")]
        max_unavailable: i64,
    },
    /// Nothing happens until a pod is deleted.
    OnDelete,
}

/// `maxUnavailable` (an int or a percentage of replicas, rounded down, at least 1), as the
/// controller reads it (stateful_set_control.go `getStatefulSetMaxUnavailable`). A server with
/// the MaxUnavailableStatefulSet gate off (beta, on by default since 1.35) drops the field, and
/// then it is 1.
pub fn max_unavailable(v: Option<&IntOrString>, replicas: i64) -> i64 {
    let n = match v {
        None => 1,
        Some(IntOrString::Int(i)) => *i as i64,
        Some(IntOrString::String(s)) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<i64>().ok())
            .map_or(1, |p| p * replicas / 100),
    };
    n.max(1)
}

impl Strategy {
    /// The set's update strategy as the controller reads it (RollingUpdate unless OnDelete).
    pub fn of(set: &StatefulSet) -> Strategy {
        let spec = &set.spec;
        match spec.update_strategy.as_ref() {
            Some(u) if u.type_.as_deref() == Some("OnDelete") => Strategy::OnDelete,
            u => {
                let ru = u.and_then(|u| u.rolling_update.as_ref());
                Strategy::RollingUpdate {
                    partition: ru.and_then(|r| r.partition).unwrap_or(0) as i64,
                    max_unavailable: max_unavailable(
                        ru.and_then(|r| r.max_unavailable.as_ref()),
                        spec.replicas.unwrap_or(1) as i64,
                    ),
                }
            }
        }
    }

    /// The lowest ordinal the strategy updates (the partition, counted from `start`).
    pub fn update_from(self, start: i64) -> i64 {
        match self {
            Strategy::RollingUpdate { partition, .. } => start + partition.max(0),
            Strategy::OnDelete => start,
        }
    }
}

/// The revision the controller gives this ordinal's pod when it creates it: the update
/// revision at and above the partition (every ordinal under OnDelete), the current revision
/// below it (newVersionedStatefulSetPod, pkg/controller/statefulset/stateful_set_utils.go).
/// None while the set's status reports no revisions.
pub fn comes_back_at(set: &StatefulSet, ordinal: i64) -> Option<&String> {
    let status = set.status.as_ref()?;
    let start = start_ordinal(set);
    revision_at(
        ordinal,
        Strategy::of(set).update_from(start),
        status.current_revision.as_ref(),
        status.update_revision.as_ref(),
    )
}

/// The one rule behind [`comes_back_at`] and [`super::view::SetView::comes_back_at`].
pub fn revision_at<'a>(
    ordinal: i64,
    update_from: i64,
    current: Option<&'a String>,
    update: Option<&'a String>,
) -> Option<&'a String> {
    if ordinal >= update_from {
        update
    } else {
        current
    }
}
