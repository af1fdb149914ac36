//! Guarded scale as pure decisions: the plan (one ordinal per step), whether the
//! next step may be taken, and whether the last one is done.
//!
//! The rules are the StatefulSet controller's own for OrderedReady scale-down
//! (pkg/controller/statefulset/stateful_set_control.go, processCondemned: never
//! remove a pod while any pod is unhealthy or terminating), applied by the tool
//! before every step for every pod-management policy, plus what a careful
//! operator checks by hand: the controller has caught up, no rollout is running,
//! the claims will survive.

use k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler;
use serde::Serialize;

use super::gate::{blocker, set_blockers, Blocker, BlockerCode, CONTROLLER_SETTLE_SECONDS};
use super::view::SetView;

/// One step of the plan: set spec.replicas to `replicas`, which removes or adds `pod`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub replicas: i64,
    pub pod: String,
    pub removes: bool,
}

/// One ordinal per step, highest first on the way down, lowest first on the way up.
pub fn plan(state: &SetView, target: i64) -> Vec<Step> {
    let from = state.replicas;
    if target < from {
        (target..from)
            .rev()
            .map(|r| Step {
                replicas: r,
                pod: state.pod_name(state.start + r),
                removes: true,
            })
            .collect()
    } else {
        (from + 1..=target)
            .map(|r| Step {
                replicas: r,
                pod: state.pod_name(state.start + r - 1),
                removes: false,
            })
            .collect()
    }
}

/// A scale of more than `max` steps (one pod and one wait each) is refused: a typo
/// (`--replicas 300` for 3) would otherwise start a scale that runs for days, and the plan of
/// `--replicas 2147483647` would not fit in memory.
pub fn too_many_steps(from: i64, to: i64, max: i64) -> Option<Blocker> {
    let steps = (to - from).unsigned_abs();
    (steps > max.max(0) as u64).then(|| {
        blocker(BlockerCode::TooManySteps,
            format!(
                "scaling from {from} to {to} takes {steps} steps, one pod at a time; more than --max-steps {max}: check the number, or raise --max-steps"
            ),
        )
    })
}

/// The names and bounds of the autoscalers whose scaleTargetRef is this set.
pub fn autoscalers_of(set: &str, hpas: &[HorizontalPodAutoscaler]) -> Vec<String> {
    hpas.iter()
        .filter(|h| {
            let r = &h.spec.scale_target_ref;
            r.kind == "StatefulSet"
                && r.name == set
                && r.api_version
                    .as_deref()
                    .is_none_or(|v| v.starts_with("apps/"))
        })
        .map(|h| {
            let spec = &h.spec;
            format!(
                "horizontalpodautoscaler/{} (minReplicas {}, maxReplicas {})",
                h.metadata.name.clone().unwrap_or_default(),
                spec.min_replicas.unwrap_or(1),
                spec.max_replicas
            )
        })
        .collect()
}

/// Checked before every step (a GitOps change of the retention policy or a new autoscaler
/// mid-scale stops the next one). `autoscalers`: from [`autoscalers_of`].
pub fn preflight(
    state: &SetView,
    target: i64,
    allow_claim_deletion: bool,
    autoscalers: &[String],
) -> Vec<Blocker> {
    let mut out = Vec::new();
    for a in autoscalers {
        out.push(blocker(BlockerCode::ManagedByAutoscaler,
            format!("{a} manages this StatefulSet and would undo a manual scale; change its bounds instead"),
        ));
    }
    if target < state.replicas && state.when_scaled == "Delete" && !allow_claim_deletion {
        let doomed: Vec<String> = (state.start + target..state.start + state.replicas)
            .flat_map(|o| state.claims.get(&o).cloned().unwrap_or_default())
            .collect();
        let which = if doomed.is_empty() {
            String::new()
        } else {
            format!(" ({})", doomed.join(", "))
        };
        out.push(blocker(BlockerCode::ClaimsWouldBeDeleted,
            format!(
                "persistentVolumeClaimRetentionPolicy.whenScaled is Delete: the StatefulSet controller would delete the claims of the removed pods{which}; pass --allow-claim-deletion if that data may go"
            ),
        ));
    }
    out
}

/// May the next step be taken? Empty = yes. Every pod in range must be Ready and
/// not terminating, nothing outside the range may linger, and the controller must
/// have caught up with the spec.
pub fn step_blockers(state: &SetView) -> Vec<Blocker> {
    let mut out = set_blockers(&state.facts());
    if let Some(r) = &state.rollout_in_progress {
        // after the generation, as the controller's own order of business
        let at =
            usize::from(out.first().map(|b| b.code) == Some(BlockerCode::GenerationNotObserved));
        out.insert(at, blocker(BlockerCode::RolloutInProgress, r.clone()));
    }
    // first: the cause, which no waiting clears (the controller would create or remove no pod)
    if let Some(s) = &state.stuck {
        out.insert(0, s.blocker(&state.namespace, &state.name));
    }
    if out.is_empty() && state.status_replicas != state.replicas {
        out.push(
            blocker(
                BlockerCode::ReplicasNotSettled,
                format!(
                    "status.replicas is {} while spec.replicas is {}",
                    state.status_replicas, state.replicas
                ),
            )
            .settles_within(CONTROLLER_SETTLE_SECONDS),
        );
    }
    out
}

/// Somebody else's change: the set was replaced, or its spec.replicas is not what the
/// last write of this command (`expected`) left. Checked before every write and while
/// waiting; never fought.
pub fn interference(state: &SetView, set_uid: &str, expected: i64) -> Option<String> {
    if state.uid != set_uid {
        Some(format!(
            "statefulset {} was deleted and created again",
            state.name
        ))
    } else if state.replicas != expected {
        Some(format!(
            "spec.replicas was changed to {} by someone else while this step set {expected}",
            state.replicas
        ))
    } else {
        None
    }
}

/// Where a step stands after spec.replicas was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Done,
    /// Not yet: what is still awaited.
    Waiting(Vec<String>),
    /// Somebody else changed the set: stop, do not fight them.
    Interfered(String),
}

/// Is `step` done: the removed pod gone (or the added one Ready) and every other pod Ready again?
pub fn step_progress(state: &SetView, step: &Step, set_uid: &str) -> Progress {
    if let Some(m) = interference(state, set_uid, step.replicas) {
        return Progress::Interfered(m);
    }
    let mut waiting = Vec::new();
    if step.removes {
        if let Some(p) = state.pods.iter().find(|p| p.name == step.pod) {
            waiting.push(format!("{} is still there ({})", p.name, p.status));
        }
    }
    waiting.extend(
        step_blockers(state)
            .into_iter()
            .filter(|b| b.code != BlockerCode::RolloutInProgress)
            .filter(|b| !(step.removes && b.code == BlockerCode::PodOutsideReplicas))
            .map(|b| b.message),
    );
    if waiting.is_empty() && state.ready_replicas != step.replicas {
        waiting.push(format!(
            "status.readyReplicas is {} of {}",
            state.ready_replicas, step.replicas
        ));
    }
    if waiting.is_empty() {
        Progress::Done
    } else {
        Progress::Waiting(waiting)
    }
}

/// Claims kept for ordinals at or above `replicas` (the data a later scale-up reattaches).
pub fn retained_claims(state: &SetView, replicas: i64) -> Vec<String> {
    state
        .claims
        .iter()
        .filter(|(o, _)| !(state.start..state.start + replicas).contains(*o) && **o >= state.start)
        .flat_map(|(_, c)| c.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::view::PodView;
    use crate::model::SetParts;
    use std::collections::BTreeMap;

    #[test]
    fn implausible_jumps_are_refused_whatever_the_numbers() {
        assert!(too_many_steps(3, 103, 100).is_none());
        assert!(too_many_steps(103, 3, 100).is_none());
        assert_eq!(
            too_many_steps(3, 104, 100).unwrap().code,
            BlockerCode::TooManySteps
        );
        assert!(too_many_steps(0, i32::MAX as i64, 10_000).is_some());
        assert!(too_many_steps(i32::MAX as i64, 0, 10_000).is_some());
        assert!(too_many_steps(5, 5, 1).is_none());
    }

    fn pod(ordinal: i64, ready: bool, terminating: bool) -> PodView {
        PodView {
            name: format!("web-{ordinal}"),
            ordinal,
            uid: format!("uid-{ordinal}"),
            resource_version: "1".into(),
            revision: None,
            ready,
            available: ready,
            terminating,
            status: if terminating {
                "Terminating".into()
            } else if ready {
                "Running".into()
            } else {
                "Pending".into()
            },
            restarts: 0,
            waiting_reason: None,
            not_ready_seconds: None,
            node: Some("n1".into()),
            dead_node: None,
            available_in: None,
            grace_left: None,
            starting: None,
            own_grace: 30,
        }
    }

    fn state(replicas: i64) -> SetView {
        SetView {
            namespace: "default".into(),
            name: "web".into(),
            uid: "set-uid".into(),
            resource_version: "10".into(),
            generation: 2,
            observed_generation: 2,
            replicas,
            status_replicas: replicas,
            ready_replicas: replicas,
            start: 0,
            ordered_ready: true,
            strategy: crate::model::update::Strategy::RollingUpdate {
                partition: 0,
                max_unavailable: 1,
            },
            current_revision: None,
            update_revision: None,
            when_scaled: "Retain".into(),
            rollout_in_progress: None,
            pods: (0..replicas).map(|o| pod(o, true, false)).collect(),
            claims: (0..replicas)
                .map(|o| (o, vec![format!("data-web-{o}")]))
                .collect(),
            min_ready_seconds: 0,
            termination_grace: 30,
            stuck: None,
        }
    }

    fn codes(b: &[Blocker]) -> Vec<String> {
        b.iter().map(|b| format!("{:?}", b.code)).collect()
    }

    fn parts(strategy: serde_json::Value) -> SetParts {
        use serde_json::json;
        let owner = |uid: &str| json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": uid, "controller": true}]);
        let pod = |name: &str, node: &str, ready: bool, extra: serde_json::Value| {
            let mut p = json!({
                "metadata": {"name": name, "uid": format!("u-{name}"), "ownerReferences": owner("s1")},
                "spec": {"nodeName": node, "containers": [{"name": "c"}],
                         "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-{name}")}}]},
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}}]}
            });
            if let Some(m) = extra.as_object() {
                for (k, v) in m {
                    p["metadata"][k] = v.clone();
                }
            }
            serde_json::from_value(p).unwrap()
        };
        let claim =
            |name: &str| serde_json::from_value(json!({"metadata": {"name": name}})).unwrap();
        SetParts {
            set: serde_json::from_value(json!({
                "metadata": {"name": "web", "namespace": "db", "uid": "s1", "resourceVersion": "77", "generation": 4},
                "spec": {"replicas": 3, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                         "template": {"spec": {"containers": [{"name": "c"}]}},
                         "updateStrategy": strategy,
                         "volumeClaimTemplates": [{"metadata": {"name": "data"}}]},
                "status": {"replicas": 3, "readyReplicas": 2, "observedGeneration": 4, "updatedReplicas": 1,
                           "currentRevision": "web-a", "updateRevision": "web-b"}
            }))
            .unwrap(),
            pods: vec![
                pod("web-0", "n1", true, json!({})),
                pod("web-1", "n2", false, json!({"deletionTimestamp": "2026-01-01T00:09:00Z"})),
                pod("web-x", "n1", true, json!({})),
                pod("web-2", "n1", true, json!({"ownerReferences": owner("other")})),
            ],
            claims: vec![claim("data-web-0"), claim("data-web-1"), claim("data-webby-0")],
            nodes: crate::model::Access::Ok(vec![
                serde_json::from_value(json!({"metadata": {"name": "n1"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}})).unwrap(),
                serde_json::from_value(json!({"metadata": {"name": "n2"}, "status": {"conditions": [{"type": "Ready", "status": "Unknown", "lastTransitionTime": "2026-01-01T00:08:00Z"}]}})).unwrap(),
            ]),
            now: "2026-01-01T00:10:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn from_parts_keeps_the_sets_own_ordinal_pods_and_claims() {
        let s = SetView::from_parts(&parts(serde_json::json!({"type": "RollingUpdate"})));
        assert_eq!(
            (s.namespace.as_str(), s.name.as_str(), s.uid.as_str()),
            ("db", "web", "s1")
        );
        assert_eq!((s.replicas, s.status_replicas, s.ready_replicas), (3, 3, 2));
        assert_eq!((s.generation, s.observed_generation), (4, 4));
        assert_eq!(s.resource_version, "77");
        // web-x has no ordinal; web-2 belongs to another controller
        let names: Vec<&str> = s.pods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["web-0", "web-1"]);
        assert!(s.pods[1].terminating && !s.pods[1].ready);
        assert_eq!(s.pods[1].dead_node.as_deref(), Some("n2 Unknown 2m"));
        assert_eq!(s.pods[0].dead_node, None);
        // data-webby-0 is another set's claim, whatever its prefix
        assert_eq!(
            s.claims,
            BTreeMap::from([
                (0, vec!["data-web-0".to_string()]),
                (1, vec!["data-web-1".to_string()])
            ])
        );
        assert_eq!(s.when_scaled, "Retain");
        assert!(s
            .rollout_in_progress
            .as_deref()
            .is_some_and(|r| r.contains("1 of 3 pods at revision web-b")));
        assert_eq!(
            codes(&step_blockers(&s)),
            ["RolloutInProgress", "PodTerminating", "PodMissing"]
        );
    }

    #[test]
    fn a_set_its_controller_is_stuck_on_is_never_scaled() {
        let mut p = parts(serde_json::json!({"type": "RollingUpdate"}));
        // the set re-created with a second template its pods have no volume for
        p.set.spec.volume_claim_templates.as_mut().unwrap().push(
            serde_json::from_value(serde_json::json!({"metadata": {"name": "logs"}})).unwrap(),
        );
        let s = SetView::from_parts(&p);
        // web-1 is terminating (its replacement comes from the template): web-0 is where the
        // controller stops
        let stuck = s.stuck.as_ref().unwrap();
        assert_eq!((stuck.ordinal, stuck.pod.as_str()), (0, "web-0"));
        assert_eq!(stuck.templates, ["logs"]);
        let b = step_blockers(&s);
        assert_eq!(
            codes(&b),
            [
                "ControllerStuck",
                "RolloutInProgress",
                "PodTerminating",
                "PodMissing"
            ]
        );
        assert!(
            b[0].message
                .starts_with("statefulset db/web is stuck at ordinal 0 (web-0)"),
            "{}",
            b[0].message
        );
        assert_eq!(b[0].settles_within, None);
        // the same set with every pod made from its templates is not stuck
        assert_eq!(
            SetView::from_parts(&parts(serde_json::json!({"type": "RollingUpdate"}))).stuck,
            None
        );
        // nothing else wrong: the refusal alone, no status-settling wait
        let mut s = state(3);
        s.stuck = Some(crate::model::stuck::StuckAt {
            ordinal: 1,
            pod: "web-1".into(),
            templates: vec!["logs".into()],
            replace: vec!["web-1".into(), "web-2".into()],
        });
        s.status_replicas = 2;
        assert_eq!(codes(&step_blockers(&s)), ["ControllerStuck"]);
    }

    #[test]
    fn a_partition_or_on_delete_is_not_a_rollout_in_progress() {
        // partition 2: only web-2 is meant to update, and one pod is updated
        let p =
            parts(serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}));
        assert_eq!(SetView::from_parts(&p).rollout_in_progress, None);
        let p = parts(serde_json::json!({"type": "OnDelete"}));
        assert_eq!(SetView::from_parts(&p).rollout_in_progress, None);
    }

    #[test]
    fn plan_goes_one_ordinal_at_a_time_from_the_top() {
        let s = state(5);
        let down = plan(&s, 3);
        assert_eq!(
            down,
            vec![
                Step {
                    replicas: 4,
                    pod: "web-4".into(),
                    removes: true
                },
                Step {
                    replicas: 3,
                    pod: "web-3".into(),
                    removes: true
                }
            ]
        );
        let up = plan(&s, 7);
        assert_eq!(
            up.iter().map(|s| s.pod.as_str()).collect::<Vec<_>>(),
            ["web-5", "web-6"]
        );
        assert!(up.iter().all(|s| !s.removes));
        assert_eq!(up.last().unwrap().replicas, 7);
        assert!(plan(&s, 5).is_empty());
        assert_eq!(plan(&s, 0).len(), 5);
        assert_eq!(plan(&s, 0).last().unwrap().pod, "web-0");
    }

    #[test]
    fn plan_honours_ordinals_start() {
        let mut s = state(3);
        s.start = 10;
        let down = plan(&s, 1);
        assert_eq!(
            down.iter().map(|s| s.pod.as_str()).collect::<Vec<_>>(),
            ["web-12", "web-11"]
        );
        assert_eq!(plan(&s, 4)[0].pod, "web-13");
    }

    #[test]
    fn healthy_set_may_step() {
        assert!(step_blockers(&state(3)).is_empty());
        assert!(step_blockers(&state(0)).is_empty());
    }

    #[test]
    fn any_unready_missing_or_terminating_pod_blocks() {
        let mut s = state(3);
        s.pods[1] = pod(1, false, false);
        assert_eq!(codes(&step_blockers(&s)), ["PodNotReady"]);
        assert_eq!(step_blockers(&s)[0].message, "web-1 is not Ready (Pending)");
        s.pods[1].dead_node = Some("n2 Unknown 2m (unreachable)".into());
        assert_eq!(
            step_blockers(&s)[0].message,
            "web-1 is not Ready (Pending) on node n2 Unknown 2m (unreachable)"
        );

        let mut s = state(3);
        s.pods[0] = pod(0, true, true);
        assert_eq!(codes(&step_blockers(&s)), ["PodTerminating"]);

        let mut s = state(3);
        s.pods.remove(2);
        assert_eq!(codes(&step_blockers(&s)), ["PodMissing"]);
        assert_eq!(step_blockers(&s)[0].message, "web-2 does not exist");
    }

    #[test]
    fn lingering_pods_and_lagging_controller_block() {
        let mut s = state(3);
        s.pods.push(pod(3, true, true));
        assert_eq!(codes(&step_blockers(&s)), ["PodOutsideReplicas"]);

        let mut s = state(3);
        s.observed_generation = 1;
        assert_eq!(codes(&step_blockers(&s)), ["GenerationNotObserved"]);

        let mut s = state(3);
        s.status_replicas = 4;
        assert_eq!(codes(&step_blockers(&s)), ["ReplicasNotSettled"]);

        let mut s = state(3);
        s.rollout_in_progress = Some("a rolling update is in progress".into());
        assert_eq!(codes(&step_blockers(&s)), ["RolloutInProgress"]);
    }

    #[test]
    fn claims_deleting_policy_needs_consent_only_on_the_way_down() {
        let mut s = state(3);
        assert!(preflight(&s, 1, false, &[]).is_empty());
        s.when_scaled = "Delete".into();
        let b = preflight(&s, 1, false, &[]);
        assert_eq!(codes(&b), ["ClaimsWouldBeDeleted"]);
        assert!(b[0].message.contains("(data-web-1, data-web-2)"), "{b:?}");
        assert!(preflight(&s, 1, true, &[]).is_empty());
        assert!(preflight(&s, 5, false, &[]).is_empty());
    }

    #[test]
    fn an_autoscaler_targeting_the_set_refuses_any_manual_scale() {
        let hpa = |name: &str, kind: &str, target: &str| -> HorizontalPodAutoscaler {
            serde_json::from_value(serde_json::json!({
                "metadata": {"name": name},
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
                         "minReplicas": 2, "maxReplicas": 5}
            }))
            .unwrap()
        };
        let hpas = [
            hpa("web", "StatefulSet", "web"),
            hpa("other", "StatefulSet", "db"),
            hpa("dep", "Deployment", "web"),
        ];
        let mine = autoscalers_of("web", &hpas);
        assert_eq!(
            mine,
            ["horizontalpodautoscaler/web (minReplicas 2, maxReplicas 5)"]
        );
        let s = state(3);
        for target in [1, 4] {
            let b = preflight(&s, target, true, &mine);
            assert_eq!(codes(&b), ["ManagedByAutoscaler"]);
        }
    }

    #[test]
    fn scale_down_step_waits_for_the_pod_to_go_and_the_rest_ready() {
        let step = Step {
            replicas: 2,
            pod: "web-2".into(),
            removes: true,
        };
        // spec changed, controller not there yet
        let mut s = state(3);
        s.replicas = 2;
        s.generation = 3;
        match step_progress(&s, &step, "set-uid") {
            Progress::Waiting(w) => {
                assert!(w.iter().any(|m| m == "the StatefulSet controller has not yet observed generation 3 (observed 2)"), "{w:?}");
                assert!(w.iter().any(|m| m == "web-2 is still there (Running)"));
            }
            p => panic!("{p:?}"),
        }
        // terminating
        s.observed_generation = 3;
        s.pods[2].terminating = true;
        s.pods[2].status = "Terminating".into();
        assert_eq!(
            step_progress(&s, &step, "set-uid"),
            Progress::Waiting(vec!["web-2 is still there (Terminating)".into()])
        );
        // gone, but web-0 not ready
        s.pods.pop();
        s.pods[0].ready = false;
        s.status_replicas = 2;
        match step_progress(&s, &step, "set-uid") {
            Progress::Waiting(w) => assert_eq!(w, ["web-0 is not Ready (Running)"]),
            p => panic!("{p:?}"),
        }
        s.pods[0].ready = true;
        s.ready_replicas = 1;
        assert_eq!(
            step_progress(&s, &step, "set-uid"),
            Progress::Waiting(vec!["status.readyReplicas is 1 of 2".into()])
        );
        s.ready_replicas = 2;
        assert_eq!(step_progress(&s, &step, "set-uid"), Progress::Done);
    }

    #[test]
    fn scale_up_step_waits_for_the_new_pod_ready() {
        let step = Step {
            replicas: 4,
            pod: "web-3".into(),
            removes: false,
        };
        let mut s = state(3);
        s.replicas = 4;
        s.generation = 3;
        s.observed_generation = 3;
        match step_progress(&s, &step, "set-uid") {
            Progress::Waiting(w) => assert_eq!(
                w,
                ["web-3 is being created (the StatefulSet controller has created 3 of 4 pods)"]
            ),
            p => panic!("{p:?}"),
        }
        s.pods.push(pod(3, false, false));
        s.status_replicas = 4;
        match step_progress(&s, &step, "set-uid") {
            Progress::Waiting(w) => assert_eq!(w, ["web-3 is not Ready (Pending)"]),
            p => panic!("{p:?}"),
        }
        s.pods[3].starting = Some(40);
        match step_progress(&s, &step, "set-uid") {
            Progress::Waiting(w) => assert_eq!(w, ["web-3 is starting (Pending), not Ready yet"]),
            p => panic!("{p:?}"),
        }
        s.pods[3].ready = true;
        s.ready_replicas = 4;
        // Ready, but not for minReadySeconds yet: not back (the controller would not count it)
        match step_progress(&s, &step, "set-uid") {
            Progress::Waiting(w) => {
                assert_eq!(
                    w,
                    ["web-3 is Ready but not yet available (minReadySeconds 0)"]
                )
            }
            p => panic!("{p:?}"),
        }
        s.pods[3].available = true;
        assert_eq!(step_progress(&s, &step, "set-uid"), Progress::Done);
    }

    #[test]
    fn someone_else_changing_the_set_stops_the_scale() {
        let step = Step {
            replicas: 2,
            pod: "web-2".into(),
            removes: true,
        };
        let s = state(5);
        assert!(matches!(
            step_progress(&s, &step, "set-uid"),
            Progress::Interfered(m) if m.contains("changed to 5")
        ));
        let mut s = state(2);
        s.uid = "other".into();
        assert!(matches!(
            step_progress(&s, &step, "set-uid"),
            Progress::Interfered(m) if m.contains("created again")
        ));
    }

    #[test]
    fn retained_claims_are_those_above_the_range() {
        let s = state(5);
        assert_eq!(retained_claims(&s, 3), ["data-web-3", "data-web-4"]);
        assert!(retained_claims(&s, 5).is_empty());
    }
}
