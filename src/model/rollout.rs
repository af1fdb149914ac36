//! Where a StatefulSet's update stands: the one answer to "is a rollout in progress?" that
//! inspect, the overview and scale's guards share (`pkg/controller/statefulset`: a
//! RollingUpdate replaces pods from the highest ordinal down to the partition; OnDelete
//! replaces none until the operator deletes them).

use serde::Serialize;

use super::gate::{set_blockers, Blocker, BlockerCode};
use super::update::Strategy;
use super::view::{PodView, SetView};

/// One ordinal of `rollout status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdinalStatus {
    pub ordinal: i64,
    pub pod: Option<String>,
    pub revision: Option<String>,
    /// On the update revision.
    pub updated: bool,
    pub ready: bool,
    pub available: bool,
    /// At or above the partition: the strategy moves it to the update revision.
    pub to_update: bool,
    pub restarts: i32,
    pub waiting_reason: Option<String>,
    pub status: String,
}

/// The overall state, in the words `rollout status` prints (serialized as its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all_fields = "camelCase")]
pub enum Overall {
    /// Every pod the strategy updates runs the update revision and is available.
    Complete,
    /// The controller has not yet seen the latest spec.
    ControllerBehind { generation: i64, observed: i64 },
    /// RollingUpdate: the controller is replacing pods.
    InProgress { updated: i64, want: i64 },
    /// OnDelete: the pods move when deleted (by you, or `rollout apply`).
    WaitingForDeletes { updated: i64, want: i64 },
    /// Every pod at and above the partition is updated; those below wait for it to be lowered.
    PausedAtPartition {
        partition: i64,
        updated: i64,
        want: i64,
    },
    /// The controller stops at a pod without a claim template's volume (`model::stuck`):
    /// nothing above it moves until the pods are replaced from that ordinal upwards.
    ControllerStuck {
        pod: String,
        ordinal: i64,
        claim_templates: Vec<String>,
        /// The pods to replace, in this order.
        replace: Vec<String>,
    },
    /// A pod has not been Ready for longer than the stuck threshold while the update waits.
    Stuck {
        pod: String,
        revision: Option<String>,
        not_ready_seconds: i64,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub overall: Overall,
    pub words: String,
    /// Exit 0: every pod the strategy should update is on the update revision and available.
    pub done: bool,
    pub rows: Vec<OrdinalStatus>,
}

/// Where the rollout stands, for every strategy (what `kubectl rollout status` cannot say for
/// OnDelete, kubernetes/kubernetes#64500, and says misleadingly with a partition).
pub fn rollout_status(v: &SetView, stuck_after: i64) -> StatusView {
    let from = v.update_from();
    let rows: Vec<OrdinalStatus> = (v.start..v.start + v.replicas)
        .map(|o| {
            let p = v.pod(o);
            OrdinalStatus {
                ordinal: o,
                pod: p.map(|p| p.name.clone()),
                revision: p.and_then(|p| p.revision.clone()),
                updated: p.is_some_and(|p| v.on_update(p)),
                ready: p.is_some_and(|p| p.ready),
                available: p.is_some_and(|p| p.available && !p.terminating),
                to_update: o >= from,
                restarts: p.map_or(0, |p| p.restarts),
                waiting_reason: p.and_then(|p| p.waiting_reason.clone()),
                status: p.map_or_else(|| "Missing".into(), |p| p.status.clone()),
            }
        })
        .collect();
    let want = rows.iter().filter(|r| r.to_update).count() as i64;
    let updated = rows
        .iter()
        .filter(|r| r.to_update && r.updated && r.available)
        .count() as i64;
    let extra = v.pods.iter().any(|p| !v.in_range(p.ordinal));
    let behind = v.observed_generation < v.generation;
    // a set its controller cannot move past is not done, whatever the revisions say: the pods
    // lack a claim's volume, and nothing (scale, update, a lost pod) happens above it
    let done = !behind && !extra && updated == want && v.stuck.is_none();
    let stuck = v
        .pods
        .iter()
        .filter(|p| v.in_range(p.ordinal) && !p.ready && !p.terminating)
        .filter(|p| p.not_ready_seconds.is_some_and(|s| s > stuck_after))
        .max_by_key(|p| p.ordinal);
    let (overall, words) = if behind {
        (
            Overall::ControllerBehind {
                generation: v.generation,
                observed: v.observed_generation,
            },
            format!(
                "waiting for the StatefulSet controller to observe generation {} (it has seen {})",
                v.generation, v.observed_generation
            ),
        )
    } else if let Some(s) = &v.stuck {
        (
            Overall::ControllerStuck {
                pod: s.pod.clone(),
                ordinal: s.ordinal,
                claim_templates: s.templates.clone(),
                replace: s.replace.clone(),
            },
            format!(
                "stuck at ordinal {} ({}): it has no volume for claim template {}, which the StatefulSet controller cannot add to an existing pod, so it goes no further (no higher ordinal is created or updated, no pod is removed); {}",
                s.ordinal,
                s.pod,
                s.templates.join(", "),
                s.unblock(&v.namespace)
            ),
        )
    } else if let (false, Some(p)) = (done, stuck) {
        let secs = p.not_ready_seconds.unwrap_or(0);
        let reason = p.waiting_reason.clone().unwrap_or_else(|| p.status.clone());
        (
            Overall::Stuck {
                pod: p.name.clone(),
                revision: p.revision.clone(),
                not_ready_seconds: secs,
                reason: reason.clone(),
            },
            format!(
                "stuck: pod {} on revision {} not Ready for {} ({reason}, {} restarts)",
                p.name,
                p.revision.as_deref().unwrap_or("?"),
                crate::kubefmt::human_duration(secs),
                p.restarts
            ),
        )
    } else if done {
        match v.strategy {
            Strategy::RollingUpdate { partition, .. } if partition > 0 && v.replicas > 0 => (
                Overall::PausedAtPartition {
                    partition,
                    updated,
                    want,
                },
                format!(
                    "paused at partition {partition}: {updated} pod(s) from ordinal {from} up are updated and available; those below stay at {} until the partition is lowered",
                    v.current_revision.as_deref().unwrap_or("the current revision")
                ),
            ),
            _ => (
                Overall::Complete,
                format!(
                    "complete: {updated} of {want} pods on revision {} and available",
                    v.update_revision.as_deref().unwrap_or("?")
                ),
            ),
        }
    } else if v.strategy == Strategy::OnDelete {
        (
            Overall::WaitingForDeletes { updated, want },
            format!(
                "waiting for you to delete pods (OnDelete): {updated} of {want} on revision {}; kubectl sts rollout apply {} does it one at a time",
                v.update_revision.as_deref().unwrap_or("?"),
                v.name
            ),
        )
    } else {
        (
            Overall::InProgress { updated, want },
            format!(
                "in progress: {updated} of {want} pods on revision {} and available",
                v.update_revision.as_deref().unwrap_or("?")
            ),
        )
    };
    StatusView {
        overall,
        words,
        done,
        rows,
    }
}

/// May a pod be taken down for the next step? The same guards and codes as scale: the
/// controller has caught up, every pod in range exists and is Ready, available and not
/// terminating, nothing lingers above the range.
pub fn step_blockers(v: &SetView) -> Vec<Blocker> {
    // first: the cause, which no waiting clears
    let stuck = v.stuck.iter().map(|s| s.blocker(&v.namespace, &v.name));
    let mut out: Vec<Blocker> = stuck.collect();
    out.extend(set_blockers(&v.facts()));
    out
}

/// One step of `rollout apply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all_fields = "camelCase")]
pub enum ApplyStep {
    /// OnDelete: delete this pod; the controller recreates it at the update revision.
    DeletePod { pod: String, ordinal: i64 },
    /// RollingUpdate: lower the partition; the controller replaces `pods`.
    LowerPartition {
        from: i64,
        to: i64,
        pods: Vec<String>,
    },
}

impl ApplyStep {
    pub fn describe(&self) -> String {
        match self {
            ApplyStep::DeletePod { pod, .. } => format!("delete {pod}"),
            ApplyStep::LowerPartition { from, to, pods } => {
                format!("partition {from} → {to} ({})", pods.join(", "))
            }
        }
    }

    /// The pods this step moves to the update revision.
    pub fn pods(&self) -> Vec<String> {
        match self {
            ApplyStep::DeletePod { pod, .. } => vec![pod.clone()],
            ApplyStep::LowerPartition { pods, .. } => pods.clone(),
        }
    }
}

/// The plan of `rollout apply`: for OnDelete every pod in range not on the update revision,
/// highest ordinal first (the order the controller itself updates in); for RollingUpdate the
/// partition lowered to `to_partition`, `maxUnavailable` ordinals at a time. Err: why there
/// is no plan to make (a usage problem, said in words).
pub fn apply_plan(v: &SetView, to_partition: Option<i64>) -> Result<Vec<ApplyStep>, String> {
    match (v.strategy, to_partition) {
        (Strategy::OnDelete, Some(_)) => Err(format!(
            "statefulset {} uses OnDelete, which has no partition: drop --to-partition",
            v.name
        )),
        (Strategy::OnDelete, None) => Ok((v.start..v.start + v.replicas)
            .rev()
            .filter(|o| v.pod(*o).is_none_or(|p| !v.on_update(p)))
            .map(|o| ApplyStep::DeletePod {
                pod: format!("{}-{o}", v.name),
                ordinal: o,
            })
            .collect()),
        (Strategy::RollingUpdate { partition, .. }, None) if partition > 0 => Err(format!(
            "statefulset {} is paused at partition {partition}: say how far to go with --to-partition N (0 updates every pod)",
            v.name
        )),
        (Strategy::RollingUpdate { .. }, None) => Ok(vec![]),
        (Strategy::RollingUpdate { .. }, Some(n)) if n < 0 => {
            Err("--to-partition must be 0 or more".into())
        }
        // raising it would be a pause, not a rollout: a request apply cannot carry out
        (Strategy::RollingUpdate { partition, .. }, Some(n)) if n > partition => Err(format!(
            "statefulset {} is at partition {partition}: rollout apply only lowers the partition, and --to-partition {n} is above it (to hold more pods back, patch spec.updateStrategy.rollingUpdate.partition yourself)",
            v.name
        )),
        (
            Strategy::RollingUpdate {
                partition,
                max_unavailable,
            },
            Some(n),
        ) => {
            let mut steps = Vec::new();
            let mut p = partition.min(v.replicas);
            while p > n {
                let to = (p - max_unavailable).max(n);
                steps.push(ApplyStep::LowerPartition {
                    from: p,
                    to,
                    pods: (to..p).rev().map(|o| format!("{}-{}", v.name, v.start + o)).collect(),
                });
                p = to;
            }
            Ok(steps)
        }
    }
}

/// Is the step done: the pods it moves are new (not `old_uids`), on the revision the controller
/// gives their ordinals (the update revision, or the current one below a partition) and
/// available, and every other pod is Ready and available again? The words: what is awaited.
pub fn step_done(v: &SetView, step: &ApplyStep, old_uids: &[String]) -> Result<(), Vec<String>> {
    let mut waiting = Vec::new();
    let moved = step.pods();
    for name in &moved {
        match v.pods.iter().find(|p| &p.name == name) {
            None => waiting.push(format!("{name} is being recreated")),
            Some(p) if old_uids.contains(&p.uid) => {
                waiting.push(format!("{name} is still the old pod ({})", p.status))
            }
            Some(p) if !v.on_target(p) => waiting.push(format!(
                "{name} is on revision {} instead of {}",
                p.revision.as_deref().unwrap_or("?"),
                v.comes_back_at(p.ordinal).map_or("?", |r| r.as_str())
            )),
            Some(p) if !p.available || p.terminating => waiting.push(format!(
                "{name} is on revision {} but not yet available ({})",
                p.revision.as_deref().unwrap_or("?"),
                p.status
            )),
            Some(_) => {}
        }
    }
    waiting.extend(
        step_blockers(v)
            .into_iter()
            .filter(|b| {
                !moved
                    .iter()
                    .any(|m| b.message.starts_with(&format!("{m} ")))
            })
            .map(|b| b.message),
    );
    if waiting.is_empty() {
        Ok(())
    } else {
        Err(waiting)
    }
}

/// What `rollout apply` may do with the pod of a DeletePod step, on the state read right
/// before the delete, against the read that planned it: delete only the pod it planned (same
/// uid) while it is still on an old revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteTarget<'a> {
    /// Still the planned pod, on an old revision: delete it (uid and resourceVersion from `now`).
    Delete(&'a PodView),
    /// No pod: someone deleted it; the controller re-creates it at the update revision.
    Gone,
    /// Someone else replaced it already and it runs the update revision: nothing to delete.
    AlreadyUpdated,
    /// Another pod than the one planned, still on an old revision: stop, someone else acts.
    Replaced {
        planned: Option<String>,
        now: String,
    },
}

/// The gracePeriodSeconds a delete of this pod carries: none (its own) unless its own is 0 —
/// a DELETE without one would then remove the object at once, a force delete: the controller
/// re-creates the same identity while the old container may still run. Then 1, what
/// `kubectl delete --grace-period=0` sends without --force.
pub fn delete_grace(p: &PodView) -> Option<u32> {
    (p.own_grace <= 0).then_some(1)
}

/// What the output says when [`delete_grace`] gives a pod a grace period of its own.
pub fn delete_grace_note(p: &PodView) -> Option<String> {
    delete_grace(p).map(|g| {
        format!(
            "{}'s terminationGracePeriodSeconds is 0: deleted with a grace period of {g}s (as kubectl delete --grace-period=0 does without --force), not force-deleted",
            p.name
        )
    })
}

pub fn delete_target<'a>(planned: &SetView, now: &'a SetView, ordinal: i64) -> DeleteTarget<'a> {
    let Some(p) = now.pod(ordinal) else {
        return DeleteTarget::Gone;
    };
    if now.on_target(p) {
        return DeleteTarget::AlreadyUpdated;
    }
    let was = planned.pod(ordinal).map(|q| q.uid.clone());
    if was.as_deref() == Some(p.uid.as_str()) {
        DeleteTarget::Delete(p)
    } else {
        DeleteTarget::Replaced {
            planned: was,
            now: p.uid.clone(),
        }
    }
}

/// The pod `rollout repair` would delete: an OrderedReady RollingUpdate set, a pod on a
/// revision other than the update revision, not Ready (and not terminating) for longer than
/// `stuck_after` — the controller waits for it forever ("forced rollback",
/// kubernetes/kubernetes#67250: it never replaces a pod that is not Running and Ready). The
/// highest such ordinal, as the controller updates from the top.
pub fn repair_target(v: &SetView, stuck_after: i64) -> Result<&PodView, Blocker> {
    // a pod deleted above the ordinal the controller is stuck at never comes back; the one at
    // it is the replacement `StuckAt::unblock` describes, one ordinal at a time — not a repair
    if let Some(s) = &v.stuck {
        return Err(s.blocker(&v.namespace, &v.name));
    }
    if v.strategy == Strategy::OnDelete {
        return Err(Blocker::new(
            BlockerCode::RepairNotApplicable,
            format!(
                "statefulset {} uses OnDelete: no controller waits on a pod; kubectl sts rollout apply {} replaces them",
                v.name, v.name
            ),
        ));
    }
    if !v.ordered_ready {
        return Err(Blocker::new(
            BlockerCode::RepairNotApplicable,
            format!(
                "statefulset {} uses podManagementPolicy Parallel: the controller does not wait on one pod",
                v.name
            ),
        ));
    }
    let unhealthy: Vec<&PodView> = v
        .pods
        .iter()
        .filter(|p| v.in_range(p.ordinal) && !p.ready && !p.terminating)
        .collect();
    let stuck: Vec<&&PodView> = unhealthy
        .iter()
        .filter(|p| p.not_ready_seconds.is_some_and(|s| s > stuck_after))
        .collect();
    // only a pod that would come back at another revision than its own: below a partition
    // that is the current revision, not the update revision
    if let Some(p) = stuck
        .iter()
        .filter(|p| !v.on_target(p))
        .max_by_key(|p| p.ordinal)
    {
        return Ok(p);
    }
    match (stuck.first(), unhealthy.first()) {
        (Some(p), _) if v.on_update(p) => Err(Blocker::new(
            BlockerCode::BadUpdateRevision,
            format!(
                "{} is not Ready on the update revision {} itself: recreating it would run the same template; change the template back (kubectl rollout undo sts/{}), then repair",
                p.name,
                v.update_revision.as_deref().unwrap_or("?"),
                v.name
            ),
        )),
        (Some(p), _) => Err(Blocker::new(
            BlockerCode::BadUpdateRevision,
            format!(
                "{} is not Ready on the current revision {}, below the partition: recreating it would run the same template; lower the partition to move it to the update revision (kubectl sts rollout apply {} --to-partition {})",
                p.name,
                p.revision.as_deref().unwrap_or("?"),
                v.name,
                p.ordinal - v.start
            ),
        )),
        (None, Some(p)) => Err(Blocker::new(
            BlockerCode::NothingStuck,
            format!(
                "{} is not Ready, but only for {} (--stuck-after {}): give it time",
                p.name,
                crate::kubefmt::human_duration(p.not_ready_seconds.unwrap_or(0)),
                crate::kubefmt::human_duration(stuck_after)
            ),
        )),
        (None, None) => Err(Blocker::new(
            BlockerCode::NothingStuck,
            format!("every pod of statefulset {} is Ready: nothing is stuck", v.name),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::set::REVISION_LABEL;
    use crate::model::stuck::StuckAt;
    use crate::model::update::*;
    use k8s_openapi::api::apps::v1::StatefulSet;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
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

    /// A set as `kubectl get sts -o json` has it: generation, spec, status.
    fn with_status(
        spec: serde_json::Value,
        generation: i64,
        status: serde_json::Value,
    ) -> StatefulSet {
        serde_json::from_value(json!({
            "metadata": {"name": "flask", "generation": generation},
            "spec": spec,
            "status": status,
        }))
        .unwrap()
    }

    #[test]
    fn golden_a_set_recreated_over_older_pods_is_not_settled() {
        // golden apply/add-claim-template.txt: orphan delete, then create with a changed
        // template; the statuses after the create and after each pod replaced from 0 up
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/kube-sim/golden/apply");
        let text = std::fs::read_to_string(dir.join("add-claim-template.txt")).unwrap();
        let statuses: Vec<serde_json::Value> = text
            .lines()
            .filter(|l| l.starts_with("{\"availableReplicas\""))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(statuses.len(), 4);
        let desired: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("add-claim-template.desired.json")).unwrap(),
        )
        .unwrap();
        // the server gave it generation 1, which the status has observed
        let state = |i: usize| {
            rollout_state(&with_status(
                desired["spec"].clone(),
                1,
                statuses[i].clone(),
            ))
        };
        let rev = "flask-7587cd6b4f".to_string();
        // both revisions are the new one while every pod runs the old one: 0 of 3 updated
        assert_eq!(
            statuses[0]["currentRevision"],
            statuses[0]["updateRevision"]
        );
        assert_eq!(statuses[0].get("updatedReplicas"), None, "omitted while 0");
        assert_eq!(
            state(0),
            RolloutState::InProgress {
                updated: 0,
                want: 3,
                revision: rev.clone()
            }
        );
        assert!(state(0).in_progress() && state(0).updating());
        for (i, updated) in [(1, 1), (2, 2)] {
            assert_eq!(
                state(i),
                RolloutState::InProgress {
                    updated,
                    want: 3,
                    revision: rev.clone()
                }
            );
        }
        assert_eq!(state(3), RolloutState::Settled);
    }

    #[test]
    fn a_ready_pod_going_away_is_not_an_update_but_a_pod_on_an_older_revision_is() {
        // status as the controller writes it while web-2 (Ready, revision a) terminates: it
        // counts in readyReplicas but not in updatedReplicas (computeReplicaStatus)
        let set = with_status(
            json!({"replicas": 3, "selector": {}, "serviceName": "web", "template": {},
                "updateStrategy": rolling(0)}),
            3,
            json!({"replicas": 3, "readyReplicas": 3, "observedGeneration": 3,
                "updatedReplicas": 2, "currentRevision": "a", "updateRevision": "a"}),
        );
        assert!(
            rollout_state(&set).in_progress(),
            "status alone cannot tell"
        );
        let pod = |name: &str, rev: &str, terminating: bool| -> k8s_openapi::api::core::v1::Pod {
            let mut p = json!({"metadata": {"name": name, "labels": {REVISION_LABEL: rev}}});
            if terminating {
                p["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
            }
            serde_json::from_value(p).unwrap()
        };
        let going = [
            pod("web-0", "a", false),
            pod("web-1", "a", false),
            pod("web-2", "a", true),
        ];
        assert_eq!(rollout_state_with_pods(&set, &going), RolloutState::Settled);
        // near miss: a live pod on an older revision (a set re-created over its pods)
        let behind = [
            pod("web-0", "z", false),
            pod("web-1", "a", false),
            pod("web-2", "a", true),
        ];
        assert!(rollout_state_with_pods(&set, &behind).in_progress());
        // revisions that differ are an update whatever the pods
        let mut other = set.clone();
        other.status.as_mut().unwrap().update_revision = Some("b".into());
        assert!(rollout_state_with_pods(&other, &going).in_progress());
    }

    #[test]
    fn settled_only_when_the_controller_has_seen_the_spec_and_updated_enough() {
        let st = |current: &str, update: &str, updated: i64, observed: i64| {
            json!({"replicas": 3, "readyReplicas": 3, "observedGeneration": observed,
                "updatedReplicas": updated, "currentRevision": current, "updateRevision": update})
        };
        let spec = |strategy: serde_json::Value| {
            json!({"replicas": 3, "selector": {}, "serviceName": "flask", "template": {},
                "updateStrategy": strategy})
        };
        // a generation the controller has not observed: nothing is settled yet, whatever the
        // counts say (kubectl: "Waiting for statefulset spec update to be observed")
        let s = rollout_state(&with_status(spec(rolling(0)), 3, st("a", "a", 3, 2)));
        assert_eq!(
            s,
            RolloutState::NotObserved {
                generation: 3,
                observed: 2
            }
        );
        assert!(s.in_progress() && s.updating());
        // observedGeneration absent (0) on a server object: not observed either
        let unseen = with_status(spec(rolling(0)), 1, json!({"replicas": 0}));
        assert!(matches!(
            rollout_state(&unseen),
            RolloutState::NotObserved { .. }
        ));
        // observed; the same revision, every pod on it: settled
        assert_eq!(
            rollout_state(&with_status(spec(rolling(0)), 3, st("a", "a", 3, 3))),
            RolloutState::Settled
        );
        // the same revision, fewer updated than replicas − partition: in progress
        for (partition, updated, want) in [(0, 2, 3), (1, 1, 2), (2, 0, 1)] {
            assert_eq!(
                rollout_state(&with_status(
                    spec(rolling(partition)),
                    3,
                    st("a", "a", updated, 3)
                )),
                RolloutState::InProgress {
                    updated,
                    want,
                    revision: "a".into()
                },
                "partition {partition}"
            );
        }
        // … and enough: settled, never "paused" (nothing differs between the revisions)
        assert_eq!(
            rollout_state(&with_status(spec(rolling(2)), 3, st("a", "a", 1, 3))),
            RolloutState::Settled
        );
        assert_eq!(
            rollout_state(&with_status(spec(rolling(5)), 3, st("a", "a", 0, 3))),
            RolloutState::Settled,
            "a partition above replicas wants none"
        );
        // the same revision, a pod down (terminating on a dead node, or missing): updated is
        // short by it without any update — kubectl waits for readiness there, not a rollout
        let mut down = st("a", "a", 2, 3);
        down["readyReplicas"] = json!(2);
        assert_eq!(
            rollout_state(&with_status(spec(rolling(0)), 3, down.clone())),
            RolloutState::Settled
        );
        assert_eq!(
            rollout_state(&with_status(
                spec(json!({"type": "OnDelete"})),
                3,
                down.clone()
            )),
            RolloutState::Settled
        );
        // … but a Ready pod beyond the updated ones is on another revision
        down["updatedReplicas"] = json!(1);
        assert!(rollout_state(&with_status(spec(rolling(0)), 3, down.clone())).in_progress());
        // revisions that differ need no such evidence
        down["updateRevision"] = json!("b");
        down["updatedReplicas"] = json!(2);
        assert!(rollout_state(&with_status(spec(rolling(0)), 3, down)).in_progress());
        // OnDelete: the same revision but pods on another one wait for deletes
        let on_delete = spec(json!({"type": "OnDelete"}));
        assert_eq!(
            rollout_state(&with_status(on_delete.clone(), 3, st("a", "a", 1, 3))),
            RolloutState::WaitingForDeletes {
                updated: 1,
                replicas: 3
            }
        );
        assert_eq!(
            rollout_state(&with_status(on_delete.clone(), 3, st("a", "a", 3, 3))),
            RolloutState::Settled
        );
        assert_eq!(
            rollout_state(&with_status(on_delete, 3, st("a", "b", 3, 3))),
            RolloutState::WaitingForDeletes {
                updated: 3,
                replicas: 3
            },
            "revisions differ: the controller has not moved currentRevision yet"
        );
        // revisions differ, partition reached: paused; all updated without one: settled
        assert_eq!(
            rollout_state(&with_status(spec(rolling(2)), 3, st("a", "b", 1, 3))),
            RolloutState::PausedAtPartition { partition: 2 }
        );
        assert_eq!(
            rollout_state(&with_status(spec(rolling(0)), 3, st("a", "b", 3, 3))),
            RolloutState::Settled
        );
    }

    #[test]
    fn a_pod_with_grace_0_is_deleted_with_1_never_forced() {
        let mut p = pv(2, "a", true);
        assert_eq!(delete_grace(&p), None, "its own 30 s");
        assert_eq!(delete_grace_note(&p), None);
        p.own_grace = 0;
        assert_eq!(delete_grace(&p), Some(1));
        assert!(delete_grace_note(&p).unwrap().starts_with(
            "web-2's terminationGracePeriodSeconds is 0: deleted with a grace period of 1s"
        ));
    }

    fn pv(ordinal: i64, rev: &str, ready: bool) -> PodView {
        PodView {
            name: format!("web-{ordinal}"),
            ordinal,
            uid: format!("u{ordinal}"),
            resource_version: "1".into(),
            revision: Some(rev.into()),
            ready,
            available: ready,
            terminating: false,
            restarts: if ready { 0 } else { 4 },
            waiting_reason: (!ready).then(|| "CrashLoopBackOff".to_string()),
            not_ready_seconds: (!ready).then_some(600),
            status: if ready { "Running" } else { "CrashLoopBackOff" }.into(),
            node: None,
            dead_node: None,
            available_in: None,
            grace_left: None,
            starting: None,
            own_grace: 30,
        }
    }

    fn view(strategy: Strategy, revs: &[(&str, bool)]) -> SetView {
        SetView {
            namespace: "ns".into(),
            name: "web".into(),
            uid: "set".into(),
            resource_version: "9".into(),
            generation: 2,
            observed_generation: 2,
            replicas: revs.len() as i64,
            status_replicas: revs.len() as i64,
            ready_replicas: revs.len() as i64,
            start: 0,
            ordered_ready: true,
            min_ready_seconds: 0,
            strategy,
            current_revision: Some("web-a".into()),
            update_revision: Some("web-b".into()),
            when_scaled: "Retain".into(),
            rollout_in_progress: None,
            pods: revs
                .iter()
                .enumerate()
                .map(|(i, (r, ready))| pv(i as i64, r, *ready))
                .collect(),
            claims: Default::default(),
            termination_grace: 30,
            stuck: None,
        }
    }

    const RU: Strategy = Strategy::RollingUpdate {
        partition: 0,
        max_unavailable: 1,
    };

    fn ru(partition: i64, max_unavailable: i64) -> Strategy {
        Strategy::RollingUpdate {
            partition,
            max_unavailable,
        }
    }

    #[test]
    fn status_for_every_strategy() {
        let s = rollout_status(&view(RU, &[("web-b", true), ("web-b", true)]), 300);
        assert!(s.done);
        assert_eq!(s.overall, Overall::Complete);
        let s = rollout_status(&view(RU, &[("web-a", true), ("web-b", true)]), 300);
        assert!(!s.done);
        assert_eq!(
            s.overall,
            Overall::InProgress {
                updated: 1,
                want: 2
            }
        );
        let s = rollout_status(
            &view(Strategy::OnDelete, &[("web-a", true), ("web-b", true)]),
            300,
        );
        assert_eq!(
            s.overall,
            Overall::WaitingForDeletes {
                updated: 1,
                want: 2
            }
        );
        assert!(s.words.contains("rollout apply web"), "{}", s.words);
        // partition 1: ordinal 1 updated is all the strategy wants: done, paused
        let s = rollout_status(&view(ru(1, 1), &[("web-a", true), ("web-b", true)]), 300);
        assert!(s.done);
        assert_eq!(
            s.overall,
            Overall::PausedAtPartition {
                partition: 1,
                updated: 1,
                want: 1
            }
        );
        assert!(!s.rows[0].to_update && s.rows[1].to_update);
        // the controller behind: never done
        let mut v = view(RU, &[("web-b", true)]);
        v.generation = 3;
        let s = rollout_status(&v, 300);
        assert!(!s.done);
        assert!(matches!(s.overall, Overall::ControllerBehind { .. }));
        // a pod on the update revision but not available yet: not done
        let mut v = view(RU, &[("web-b", true)]);
        v.pods[0].available = false;
        assert!(!rollout_status(&v, 300).done);
        // a pod above the range still there: not done
        let mut v = view(RU, &[("web-b", true)]);
        v.pods.push(pv(1, "web-b", true));
        assert!(!rollout_status(&v, 300).done);
        // a missing pod: not done
        let mut v = view(RU, &[("web-b", true), ("web-b", true)]);
        v.pods.pop();
        let s = rollout_status(&v, 300);
        assert!(!s.done);
        assert_eq!(s.rows[1].status, "Missing");
    }

    #[test]
    fn a_pod_not_ready_for_too_long_is_stuck() {
        let v = view(RU, &[("web-a", true), ("web-b", false)]);
        let s = rollout_status(&v, 300);
        match &s.overall {
            Overall::Stuck {
                pod,
                not_ready_seconds,
                reason,
                ..
            } => {
                assert_eq!(pod, "web-1");
                assert_eq!(*not_ready_seconds, 600);
                assert_eq!(reason, "CrashLoopBackOff");
            }
            o => panic!("{o:?}"),
        }
        assert!(
            s.words
                .starts_with("stuck: pod web-1 on revision web-b not Ready for 10m"),
            "{}",
            s.words
        );
        // not for long enough: in progress
        assert!(matches!(
            rollout_status(&v, 900).overall,
            Overall::InProgress { .. }
        ));
    }

    fn stuck(ordinal: i64, replace: &[&str]) -> StuckAt {
        StuckAt {
            ordinal,
            pod: format!("web-{ordinal}"),
            templates: vec!["logs".into()],
            replace: replace.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_set_its_controller_cannot_move_past_is_stuck_and_never_done() {
        // every pod on the update revision and available: done, but for the pod without the
        // claim's volume
        let mut v = view(RU, &[("web-b", true), ("web-b", true), ("web-b", true)]);
        assert!(rollout_status(&v, 300).done);
        v.stuck = Some(stuck(0, &["web-0", "web-1", "web-2"]));
        let s = rollout_status(&v, 300);
        assert!(!s.done);
        assert_eq!(
            s.overall,
            Overall::ControllerStuck {
                pod: "web-0".into(),
                ordinal: 0,
                claim_templates: vec!["logs".into()],
                replace: vec!["web-0".into(), "web-1".into(), "web-2".into()],
            }
        );
        assert!(
            s.words.starts_with(
                "stuck at ordinal 0 (web-0): it has no volume for claim template logs"
            ),
            "{}",
            s.words
        );
        assert!(
            s.words
                .contains("kubectl delete pod web-0 -n ns, then web-1, then web-2"),
            "{}",
            s.words
        );
        // it outranks a pod not Ready for too long (the cause, not a symptom) …
        let mut v2 = view(RU, &[("web-a", true), ("web-a", false)]);
        v2.stuck = Some(stuck(0, &["web-0", "web-1"]));
        assert!(matches!(
            rollout_status(&v2, 300).overall,
            Overall::ControllerStuck { .. }
        ));
        // … but not a generation the controller has not seen yet
        v2.generation = 3;
        assert!(matches!(
            rollout_status(&v2, 300).overall,
            Overall::ControllerBehind { .. }
        ));
        // serialized with its facts, for scripts
        let doc = serde_json::to_value(&s.overall).unwrap();
        assert_eq!(doc["state"], "ControllerStuck");
        assert_eq!(doc["claimTemplates"], json!(["logs"]));
        assert_eq!(doc["replace"], json!(["web-0", "web-1", "web-2"]));
    }

    #[test]
    fn no_rollout_step_and_no_repair_on_a_stuck_set() {
        let mut v = view(
            Strategy::OnDelete,
            &[("web-a", true), ("web-a", true), ("web-a", true)],
        );
        assert!(step_blockers(&v).is_empty());
        v.stuck = Some(stuck(1, &["web-1", "web-2"]));
        let b = step_blockers(&v);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].code, BlockerCode::ControllerStuck);
        assert_eq!(b[0].pod.as_deref(), Some("web-1"));
        assert_eq!(b[0].settles_within, None);
        assert!(
            b[0].message
                .starts_with("statefulset ns/web is stuck at ordinal 1 (web-1)"),
            "{}",
            b[0].message
        );
        // first among others: the cause
        v.pods[2].ready = false;
        let b = step_blockers(&v);
        assert_eq!(
            b.iter().map(|b| b.code).collect::<Vec<_>>(),
            [BlockerCode::ControllerStuck, BlockerCode::PodNotReady]
        );
        // repair: a pod it would delete above the stuck ordinal would never come back
        let mut r = view(RU, &[("web-b", true), ("web-b", true), ("web-x", false)]);
        assert_eq!(repair_target(&r, 300).unwrap().name, "web-2");
        r.stuck = Some(stuck(1, &["web-1", "web-2"]));
        assert_eq!(
            repair_target(&r, 300).unwrap_err().code,
            BlockerCode::ControllerStuck
        );
    }

    #[test]
    fn apply_plans() {
        // OnDelete: every pod not on the update revision, highest first
        let v = view(
            Strategy::OnDelete,
            &[("web-a", true), ("web-b", true), ("web-a", true)],
        );
        let plan = apply_plan(&v, None).unwrap();
        assert_eq!(
            plan.iter().map(ApplyStep::describe).collect::<Vec<_>>(),
            ["delete web-2", "delete web-0"]
        );
        assert!(apply_plan(&v, Some(0))
            .unwrap_err()
            .contains("no partition"));
        // a partition lowered one ordinal at a time, or maxUnavailable at a time
        let v = view(ru(3, 1), &[("web-a", true); 4]);
        let plan = apply_plan(&v, Some(1)).unwrap();
        assert_eq!(
            plan.iter().map(ApplyStep::describe).collect::<Vec<_>>(),
            ["partition 3 → 2 (web-2)", "partition 2 → 1 (web-1)"]
        );
        let v = view(ru(4, 2), &[("web-a", true); 4]);
        let plan = apply_plan(&v, Some(0)).unwrap();
        assert_eq!(
            plan.iter().map(ApplyStep::describe).collect::<Vec<_>>(),
            [
                "partition 4 → 2 (web-3, web-2)",
                "partition 2 → 0 (web-1, web-0)"
            ]
        );
        // a partition above replicas starts at replicas
        let v = view(ru(10, 1), &[("web-a", true); 2]);
        assert_eq!(apply_plan(&v, Some(1)).unwrap().len(), 1);
        assert!(apply_plan(&view(ru(2, 1), &[("web-a", true); 3]), None)
            .unwrap_err()
            .contains("--to-partition"));
        assert!(apply_plan(&view(ru(2, 1), &[("web-a", true); 3]), Some(-1)).is_err());
        // above the partition: apply only lowers it
        assert!(apply_plan(&view(ru(1, 1), &[("web-a", true); 3]), Some(2))
            .unwrap_err()
            .contains("only lowers"));
        assert_eq!(
            apply_plan(&view(ru(2, 1), &[("web-a", true); 3]), Some(2)),
            Ok(vec![])
        );
        assert_eq!(
            apply_plan(&view(RU, &[("web-a", true); 3]), None),
            Ok(vec![])
        );
    }

    #[test]
    fn max_unavailable_as_the_controller_reads_it() {
        assert_eq!(max_unavailable(None, 10), 1);
        assert_eq!(max_unavailable(Some(&IntOrString::Int(3)), 10), 3);
        assert_eq!(max_unavailable(Some(&IntOrString::Int(0)), 10), 1);
        assert_eq!(
            max_unavailable(Some(&IntOrString::String("25%".into())), 10),
            2
        );
        assert_eq!(
            max_unavailable(Some(&IntOrString::String("5%".into())), 10),
            1
        );
    }

    #[test]
    fn steps_wait_for_the_new_pod_available_and_every_other_ready() {
        let step = ApplyStep::DeletePod {
            pod: "web-1".into(),
            ordinal: 1,
        };
        let old = vec!["u1".to_string()];
        let mut v = view(Strategy::OnDelete, &[("web-b", true), ("web-a", true)]);
        assert!(step_blockers(&v).is_empty());
        let w = step_done(&v, &step, &old).unwrap_err();
        assert_eq!(w, ["web-1 is still the old pod (Running)"]);
        v.pods[1].uid = "new".into();
        v.pods[1].revision = Some("web-b".into());
        v.pods[1].ready = false;
        v.pods[1].available = false;
        v.pods[1].status = "Init:0/1".into();
        let w = step_done(&v, &step, &old).unwrap_err();
        assert_eq!(
            w,
            ["web-1 is on revision web-b but not yet available (Init:0/1)"]
        );
        v.pods[1].ready = true;
        v.pods[1].available = true;
        assert_eq!(step_done(&v, &step, &old), Ok(()));
        // another pod went down meanwhile: not done, and the next step is blocked
        v.pods[0].ready = false;
        v.pods[0].available = false;
        v.pods[0].status = "CrashLoopBackOff".into();
        assert_eq!(
            step_done(&v, &step, &old).unwrap_err(),
            ["web-0 is not Ready (CrashLoopBackOff)"]
        );
        assert_eq!(step_blockers(&v)[0].code, BlockerCode::PodNotReady);
        v.pods[0].ready = true;
        assert_eq!(step_blockers(&v)[0].code, BlockerCode::PodNotAvailable);
    }

    #[test]
    fn apply_deletes_only_the_pod_it_planned() {
        let planned = view(
            Strategy::OnDelete,
            &[("web-a", true), ("web-a", true), ("web-a", true)],
        );
        // unchanged: the planned pod
        assert!(
            matches!(delete_target(&planned, &planned, 2), DeleteTarget::Delete(p) if p.name == "web-2")
        );
        // gone
        let mut now = planned.clone();
        now.pods.retain(|p| p.ordinal != 2);
        assert_eq!(delete_target(&planned, &now, 2), DeleteTarget::Gone);
        // replaced by someone else, on the update revision
        let mut now = planned.clone();
        now.pods[2].uid = "other".into();
        now.pods[2].revision = now.update_revision.clone();
        assert_eq!(
            delete_target(&planned, &now, 2),
            DeleteTarget::AlreadyUpdated
        );
        // replaced, still old: not ours to delete
        let mut now = planned.clone();
        now.pods[2].uid = "other".into();
        assert_eq!(
            delete_target(&planned, &now, 2),
            DeleteTarget::Replaced {
                planned: Some(planned.pods[2].uid.clone()),
                now: "other".into()
            }
        );
        // planned while missing, a pod on an old revision now: not the one planned
        let mut missing = planned.clone();
        missing.pods.retain(|p| p.ordinal != 1);
        assert!(matches!(
            delete_target(&missing, &planned, 1),
            DeleteTarget::Replaced { planned: None, .. }
        ));
    }

    #[test]
    fn repair_finds_the_pod_the_controller_waits_for() {
        // reverted template: web-2 crash-loops on the old bad revision web-x
        let mut v = view(RU, &[("web-b", true), ("web-b", true), ("web-x", false)]);
        assert_eq!(repair_target(&v, 300).unwrap().name, "web-2");
        // not for long enough
        assert_eq!(
            repair_target(&v, 900).unwrap_err().code,
            BlockerCode::NothingStuck
        );
        // the broken pod is on the update revision: the template itself is bad
        v.pods[2].revision = Some("web-b".into());
        let b = repair_target(&v, 300).unwrap_err();
        assert_eq!(b.code, BlockerCode::BadUpdateRevision);
        assert!(
            b.message.contains("kubectl rollout undo sts/web"),
            "{}",
            b.message
        );
        // below a partition a pod comes back at the current revision (web-a): a stuck pod on
        // another revision is repaired there, one on web-a itself is not
        let mut v = view(
            ru(3, 1),
            &[("web-a", true), ("web-a", true), ("web-x", false)],
        );
        assert_eq!(repair_target(&v, 300).unwrap().name, "web-2");
        assert_eq!(v.comes_back_at(2).unwrap(), "web-a");
        v.pods[2].revision = Some("web-a".into());
        let b = repair_target(&v, 300).unwrap_err();
        assert_eq!(b.code, BlockerCode::BadUpdateRevision);
        assert!(b.message.contains("--to-partition 2"), "{}", b.message);
        // the step is done when the new pod is on the current revision, not the update one
        let step = ApplyStep::DeletePod {
            pod: "web-2".into(),
            ordinal: 2,
        };
        v.pods[2].ready = true;
        v.pods[2].available = true;
        v.pods[2].uid = "new".into();
        assert_eq!(step_done(&v, &step, &["u2".into()]), Ok(()));
        v.pods[2].revision = Some("web-b".into());
        assert!(step_done(&v, &step, &["u2".into()]).is_err());
        // all healthy
        let v = view(RU, &[("web-b", true)]);
        assert_eq!(
            repair_target(&v, 300).unwrap_err().code,
            BlockerCode::NothingStuck
        );
        // OnDelete and Parallel have no controller waiting on one pod
        let v = view(Strategy::OnDelete, &[("web-x", false)]);
        assert_eq!(
            repair_target(&v, 300).unwrap_err().code,
            BlockerCode::RepairNotApplicable
        );
        let mut v = view(RU, &[("web-x", false)]);
        v.ordered_ready = false;
        assert_eq!(
            repair_target(&v, 300).unwrap_err().code,
            BlockerCode::RepairNotApplicable
        );
    }
}
