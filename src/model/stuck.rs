//! A StatefulSet its controller cannot move past: a pod without the volume of one of the set's
//! claim templates.
//!
//! The controller checks every pod it reaches, lowest ordinal first, against the set's
//! `volumeClaimTemplates` (`storageMatches`, pkg/controller/statefulset/stateful_set_utils.go:
//! for every template, a volume of the template's name whose claim is
//! `<template>-<set>-<ordinal>`). A pod that fails it is updated in place to add the volume
//! (`UpdateStatefulPod` → `updateStorage`, stateful_pod_control.go), which the API refuses —
//! a pod's volumes cannot change (ValidatePodUpdate: `spec: Forbidden: pod updates may not
//! change fields other than …`) — so the sync ends there with a `FailedUpdate` event, every
//! time (`processReplica` returns the error, and `runForAll` stops at it,
//! stateful_set_control.go). It never reaches the higher ordinals (a pod deleted above it is
//! never re-created), the condemned pods (no scale-down) or the rolling update. A set gets there
//! only when it was re-created with other claim templates than its pods were made from (an
//! orphan delete and re-create; golden `apply/add-claim-template.txt`: the controller creates
//! `logs-flask-0`, then fails to update flask-0, forever). Replacing the pods from the lowest
//! ordinal upwards unblocks it: each replacement is made from the template, with every claim's
//! volume, and the controller stops at the next one.
//!
//! Decided on the pods' specs, the controller's own rule, never on its events: events expire,
//! and under OrderedReady the controller does not even try while the pod is not Running, Ready
//! and available (it waits for that first).

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;

use super::gate::{Blocker, BlockerCode};
use super::health::pod_terminating;
use super::set::{missing_volumes, start_ordinal};

/// Where the controller stops, and what replacing clears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StuckAt {
    pub ordinal: i64,
    pub pod: String,
    /// The claim templates that pod has no volume for.
    pub templates: Vec<String>,
    /// Every pod in range without a claim template's volume, lowest ordinal first: the ones to
    /// replace, in this order.
    pub replace: Vec<String>,
}

/// The lowest ordinal in range whose live pod fails `storageMatches`: the controller stops
/// there. Pods being deleted or finished (Failed, Succeeded) are not counted: the controller
/// waits for them to go and makes their replacements from the template. `pods`: the set's pods
/// by ordinal (`inspect::set_pods`).
pub fn stuck_at<'a>(
    set: &StatefulSet,
    pods: impl IntoIterator<Item = (i64, &'a Pod)>,
) -> Option<StuckAt> {
    let name = set.metadata.name.as_deref().unwrap_or_default();
    let start = start_ordinal(set);
    let replicas = set.spec.replicas.unwrap_or(1) as i64;
    let mut failing: Vec<(i64, Vec<String>)> = pods
        .into_iter()
        .filter(|(o, _)| *o >= start && *o < start + replicas)
        .filter(|(_, p)| {
            !pod_terminating(p)
                && !matches!(
                    p.status.as_ref().and_then(|s| s.phase.as_deref()),
                    Some("Failed" | "Succeeded")
                )
        })
        .map(|(o, p)| (o, missing_volumes(set, o, p)))
        .filter(|(_, missing)| !missing.is_empty())
        .collect();
    failing.sort_by_key(|(o, _)| *o);
    let (ordinal, templates) = failing.first().cloned()?;
    Some(StuckAt {
        ordinal,
        pod: format!("{name}-{ordinal}"),
        templates,
        replace: failing.iter().map(|(o, _)| format!("{name}-{o}")).collect(),
    })
}

impl StuckAt {
    /// Where and why, in one sentence.
    pub fn why(&self, ns: &str, set: &str) -> String {
        format!(
            "statefulset {ns}/{set} is stuck at ordinal {} ({}): it has no volume for claim template {}, which the StatefulSet controller cannot add to an existing pod (FailedUpdate), so it goes no further — no higher ordinal is created or updated, no pod is removed",
            self.ordinal,
            self.pod,
            self.templates.join(", ")
        )
    }

    /// How it is unblocked.
    pub fn unblock(&self, ns: &str) -> String {
        let rest = match &self.replace[1..] {
            [] => String::new(),
            more => format!(", then {}", more.join(", then ")),
        };
        format!(
            "replace the pods from the lowest ordinal upwards, one at a time, each Ready and available before the next: kubectl delete pod {} -n {ns}{rest} (each comes back with every claim template's volume)",
            self.pod
        )
    }

    /// The guard's refusal (scale and rollout steps): it needs a person, it never settles.
    pub fn blocker(&self, ns: &str, set: &str) -> Blocker {
        Blocker::new(
            BlockerCode::ControllerStuck,
            format!("{}; {}", self.why(ns, set), self.unblock(ns)),
        )
        .for_pod(&self.pod)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The set re-created with a second template, as golden `apply/add-claim-template*`.
    fn set(templates: &[&str], replicas: i64, start: i64) -> StatefulSet {
        let t: Vec<Value> = templates
            .iter()
            .map(|t| json!({"metadata": {"name": t}}))
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": "flask", "namespace": "gold"},
            "spec": {"replicas": replicas, "selector": {}, "serviceName": "flask",
                "template": {}, "volumeClaimTemplates": t, "ordinals": {"start": start}},
        }))
        .unwrap()
    }

    fn pod(ordinal: i64, volumes: Value, extra: Value) -> Pod {
        let mut p = json!({
            "metadata": {"name": format!("flask-{ordinal}")},
            "spec": {"containers": [], "volumes": volumes},
            "status": {"phase": "Running"},
        });
        if let (Some(m), Some(e)) = (p.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                m.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(p).unwrap()
    }

    fn claim(template: &str, claim: &str) -> Value {
        json!({"name": template, "persistentVolumeClaim": {"claimName": claim}})
    }

    /// A pod made before the `logs` template existed (golden: www and the token volume only).
    fn old(ordinal: i64) -> Pod {
        pod(
            ordinal,
            json!([claim("www", &format!("www-flask-{ordinal}")),
                {"name": "kube-api-access-77x9h", "projected": {"sources": []}}]),
            json!({}),
        )
    }

    /// A pod made from the set's templates (golden: volumes www logs kube-api-access-…).
    fn new(ordinal: i64) -> Pod {
        pod(
            ordinal,
            json!([
                claim("www", &format!("www-flask-{ordinal}")),
                claim("logs", &format!("logs-flask-{ordinal}")),
                {"name": "kube-api-access-kvk5j", "projected": {"sources": []}}
            ]),
            json!({}),
        )
    }

    fn at(set: &StatefulSet, pods: &[Pod]) -> Option<StuckAt> {
        stuck_at(
            set,
            pods.iter().map(|p| {
                let n = p.metadata.name.as_deref().unwrap();
                (n.rsplit('-').next().unwrap().parse().unwrap(), p)
            }),
        )
    }

    #[test]
    fn storage_matches_as_the_controller_checks_it() {
        let s = set(&["www", "logs"], 3, 0);
        assert!(missing_volumes(&s, 0, &new(0)).is_empty());
        assert_eq!(missing_volumes(&s, 0, &old(0)), ["logs"]);
        // the volume is there but names another ordinal's claim
        assert_eq!(missing_volumes(&s, 1, &new(0)), ["www", "logs"]);
        // a volume of the template's name that is not a claim (an emptyDir the template had)
        let p = pod(
            0,
            json!([claim("www", "www-flask-0"), {"name": "logs", "emptyDir": {}}]),
            json!({}),
        );
        assert_eq!(missing_volumes(&s, 0, &p), ["logs"]);
        // the claim under another volume name
        let p = pod(
            0,
            json!([claim("www", "www-flask-0"), claim("log", "logs-flask-0")]),
            json!({}),
        );
        assert_eq!(missing_volumes(&s, 0, &p), ["logs"]);
        // no volumes at all; no templates at all
        assert_eq!(
            missing_volumes(&s, 0, &pod(0, json!(null), json!({}))),
            ["www", "logs"]
        );
        assert!(missing_volumes(&set(&[], 3, 0), 0, &old(0)).is_empty());
        // extra volumes besides the templates' do not matter
        assert!(missing_volumes(&set(&["www"], 3, 0), 0, &new(0)).is_empty());
    }

    #[test]
    fn the_lowest_pod_without_a_templates_volume_is_where_it_stops() {
        let s = set(&["www", "logs"], 3, 0);
        // golden, right after the re-create: every pod old, stuck at 0
        let got = at(&s, &[old(0), old(1), old(2)]).unwrap();
        assert_eq!(
            got,
            StuckAt {
                ordinal: 0,
                pod: "flask-0".into(),
                templates: vec!["logs".into()],
                replace: vec!["flask-0".into(), "flask-1".into(), "flask-2".into()],
            }
        );
        // flask-0 replaced: stuck at 1, then at 2, then not at all
        let got = at(&s, &[new(0), old(1), old(2)]).unwrap();
        assert_eq!((got.ordinal, got.replace.len()), (1, 2));
        assert_eq!(at(&s, &[new(0), new(1), old(2)]).unwrap().ordinal, 2);
        assert_eq!(at(&s, &[new(0), new(1), new(2)]), None);
        // order of the input does not matter; a missing lower pod does not hide it
        assert_eq!(at(&s, &[old(2), new(0)]).unwrap().pod, "flask-2");
        // a pod above the range (condemned) is not checked: processCondemned deletes it as is
        assert_eq!(at(&s, &[new(0), new(1), new(2), old(3)]), None);
        // a pod being deleted, or finished, is replaced from the template by the controller
        let going = pod(
            0,
            json!([claim("www", "www-flask-0")]),
            json!({"metadata": {"name": "flask-0", "deletionTimestamp": "2026-12-07T02:45:33Z"}}),
        );
        assert_eq!(at(&s, &[going, new(1), new(2)]), None);
        for phase in ["Failed", "Succeeded"] {
            let done = pod(
                0,
                json!([claim("www", "www-flask-0")]),
                json!({"status": {"phase": phase}}),
            );
            assert_eq!(at(&s, &[done, new(1)]), None, "{phase}");
        }
        // a pod not Ready is still checked (the rule is on its spec, not on events)
        let pending = pod(
            1,
            json!([claim("www", "www-flask-1")]),
            json!({"status": {"phase": "Pending"}}),
        );
        assert_eq!(at(&s, &[new(0), pending]).unwrap().ordinal, 1);
        // ordinals.start: the range moves with it
        let s5 = set(&["www", "logs"], 2, 5);
        let p5 = pod(5, json!([claim("www", "www-flask-5")]), json!({}));
        let p1 = pod(1, json!([claim("www", "www-flask-1")]), json!({}));
        assert_eq!(at(&s5, &[p1, p5]).unwrap().pod, "flask-5");
        // a set without templates is never stuck this way
        assert_eq!(at(&set(&[], 3, 0), &[old(0)]), None);
    }

    #[test]
    fn it_says_where_why_and_how_it_is_unblocked() {
        let s = set(&["www", "logs"], 3, 0);
        let stuck = at(&s, &[old(0), old(1), old(2)]).unwrap();
        let b = stuck.blocker("gold", "flask");
        assert_eq!(b.code, BlockerCode::ControllerStuck);
        assert_eq!(b.pod.as_deref(), Some("flask-0"));
        assert_eq!(b.settles_within, None, "it needs a person");
        assert!(
            b.message.starts_with(
                "statefulset gold/flask is stuck at ordinal 0 (flask-0): it has no volume for claim template logs"
            ),
            "{}",
            b.message
        );
        assert!(
            b.message.contains(
                "kubectl delete pod flask-0 -n gold, then flask-1, then flask-2 (each comes back"
            ),
            "{}",
            b.message
        );
        assert!(!b.message.contains('\n'));
        let last = at(&s, &[new(0), new(1), old(2)]).unwrap();
        assert!(
            last.unblock("gold")
                .contains("kubectl delete pod flask-2 -n gold (each"),
            "{}",
            last.unblock("gold")
        );
    }
}
