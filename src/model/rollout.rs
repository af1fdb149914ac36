//! Where a StatefulSet's update stands: the one answer to "is a rollout in progress?" that
//! inspect, the overview and scale's guards share (`pkg/controller/statefulset`: a
//! RollingUpdate replaces pods from the highest ordinal down to the partition; OnDelete
//! replaces none until the operator deletes them).

use k8s_openapi::api::apps::v1::StatefulSet;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RolloutState {
    /// Every pod the strategy updates runs the update revision (or no revisions reported yet).
    #[default]
    Settled,
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
    /// The controller itself is replacing pods: a scale must wait, a pod of the new revision
    /// that is not Ready stops it.
    pub fn in_progress(&self) -> bool {
        matches!(self, RolloutState::InProgress { .. })
    }

    /// An update is under way in any form (in progress, paused at a partition, waiting for
    /// deletes): a pod of the update revision that does not become Ready means a bad revision.
    pub fn updating(&self) -> bool {
        *self != RolloutState::Settled
    }
}

pub fn rollout_state(set: &StatefulSet) -> RolloutState {
    let spec = &set.spec;
    let Some(status) = set.status.as_ref() else {
        return RolloutState::Settled;
    };
    let (Some(current), Some(update)) = (&status.current_revision, &status.update_revision) else {
        return RolloutState::Settled;
    };
    if current == update {
        return RolloutState::Settled;
    }
    let replicas = spec.replicas.unwrap_or(1) as i64;
    let updated = status.updated_replicas.unwrap_or(0) as i64;
    let strategy = spec.update_strategy.as_ref();
    if strategy.and_then(|u| u.type_.as_deref()) == Some("OnDelete") {
        return RolloutState::WaitingForDeletes { updated, replicas };
    }
    let partition = strategy
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0) as i64;
    let want = (replicas - partition).max(0);
    if updated < want {
        RolloutState::InProgress {
            updated,
            want,
            revision: update.clone(),
        }
    } else if partition > 0 {
        RolloutState::PausedAtPartition { partition }
    } else {
        // every pod updated; the controller moves currentRevision on its next sync
        RolloutState::Settled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(strategy: serde_json::Value, status: serde_json::Value) -> StatefulSet {
        serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {"replicas": 3, "selector": {}, "serviceName": "web", "template": {},
                "updateStrategy": strategy},
            "status": status,
        }))
        .unwrap()
    }

    fn rolling(partition: i64) -> serde_json::Value {
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": partition}})
    }

    fn status(updated: i64, same: bool) -> serde_json::Value {
        json!({"replicas": 3, "updatedReplicas": updated, "currentRevision": "web-a",
            "updateRevision": if same { "web-a" } else { "web-b" }})
    }

    #[test]
    fn every_strategy_has_one_answer() {
        assert_eq!(
            rollout_state(&set(rolling(0), status(3, true))),
            RolloutState::Settled
        );
        assert_eq!(
            rollout_state(&set(rolling(0), status(1, false))),
            RolloutState::InProgress {
                updated: 1,
                want: 3,
                revision: "web-b".into()
            }
        );
        // the partition reached: paused, not in progress (the controller waits for the operator)
        assert_eq!(
            rollout_state(&set(rolling(2), status(1, false))),
            RolloutState::PausedAtPartition { partition: 2 }
        );
        assert!(rollout_state(&set(rolling(1), status(1, false))).in_progress());
        assert!(rollout_state(&set(rolling(2), status(1, false))).updating());
        assert!(!rollout_state(&set(rolling(2), status(1, false))).in_progress());
        assert_eq!(
            rollout_state(&set(json!({"type": "OnDelete"}), status(1, false))),
            RolloutState::WaitingForDeletes {
                updated: 1,
                replicas: 3
            }
        );
        assert_eq!(
            rollout_state(&set(rolling(0), status(3, false))),
            RolloutState::Settled
        );
        assert_eq!(
            rollout_state(&set(rolling(0), json!({"replicas": 3}))),
            RolloutState::Settled
        );
        // no strategy given: RollingUpdate is the default
        assert!(rollout_state(&set(json!(null), status(0, false))).in_progress());
    }
}
