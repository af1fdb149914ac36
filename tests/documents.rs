//! The `kubectl-sts/v1` result documents, byte for byte: snapshots of `-o json` for scale and
//! force-delete results built from fixed values (inspect's are in `inspect_model`), so a change
//! of the types behind them cannot change what scripts read. `UPDATE_SNAPSHOTS=1` rewrites them.

use kubectl_sts::model::force::{Eligibility, Verdict};
use kubectl_sts::model::gate::Wait;
use kubectl_sts::model::gate::{Blocker, BlockerCode};
use kubectl_sts::model::scale::Step;
use kubectl_sts::ops::force_delete::{ForceDeleteReport, Outcome as ForceOutcome, Replacement};
use kubectl_sts::ops::scale::{Outcome as ScaleOutcome, ScaleReport, StepRecord};
use kubectl_sts::render::{self, Format};

fn json<T: serde::Serialize>(doc: &T) -> String {
    let mut buf = Vec::new();
    render::serialized(&mut buf, doc, Format::Json).unwrap();
    String::from_utf8(buf).unwrap()
}

fn step(replicas: i64, pod: &str, removes: bool) -> Step {
    Step {
        replicas,
        pod: pod.into(),
        removes,
    }
}

#[test]
fn scale_results_keep_their_json() {
    let timed_out = ScaleReport {
        api_version: "kubectl-sts/v1",
        kind: "ScaleResult",
        namespace: "db".into(),
        name: "web".into(),
        from: 4,
        to: 2,
        replicas: 3,
        outcome: ScaleOutcome::TimedOut,
        message: "step to 3 replicas did not finish within 5m".into(),
        blockers: vec![
            Blocker::new(
                BlockerCode::PodNotReady,
                "web-1 is not Ready (Pending)".into(),
            ),
            Blocker::new(BlockerCode::StepNotFinished, "web-3 still exists".into()),
        ],
        plan: vec![step(3, "web-3", true), step(2, "web-2", true)],
        steps: vec![StepRecord {
            step: step(3, "web-3", true),
            seconds: 12.5,
        }],
        retained_claims: vec!["data-web-3".into()],
        waits: vec![Wait {
            code: BlockerCode::PodNotAvailable,
            pod: Some("web-0".into()),
            seconds: 7.5,
        }],
    };
    crate::harness::assert_fixture("scale-timed-out.json", &json(&timed_out));
    let refused = ScaleReport {
        outcome: ScaleOutcome::Refused,
        blockers: vec![
            Blocker::new(BlockerCode::TooManySteps, "too far".into()),
            Blocker::new(BlockerCode::ManagedByAutoscaler, "hpa".into()),
            Blocker::new(BlockerCode::ClaimsWouldBeDeleted, "claims".into()),
            Blocker::new(BlockerCode::RolloutInProgress, "rollout".into()),
            Blocker::new(BlockerCode::GenerationNotObserved, "gen".into()),
            Blocker::new(BlockerCode::ReplicasNotSettled, "settle".into()),
            Blocker::new(BlockerCode::PodMissing, "missing".into()),
            Blocker::new(BlockerCode::PodTerminating, "terminating".into()),
            Blocker::new(BlockerCode::PodOutsideReplicas, "outside".into())
                .for_pod("web-4")
                .settles_within(40),
            Blocker::new(BlockerCode::NotSettling, "not settling".into()).for_pod("web-1"),
        ],
        plan: vec![],
        steps: vec![],
        ..timed_out.clone()
    };
    crate::harness::assert_fixture("scale-refused.json", &json(&refused));
    for outcome in [
        ScaleOutcome::Completed,
        ScaleOutcome::Unchanged,
        ScaleOutcome::DryRun,
        ScaleOutcome::Interfered,
    ] {
        let doc = json(&ScaleReport {
            outcome,
            ..refused.clone()
        });
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["outcome"], format!("{outcome:?}"));
    }
}

#[test]
fn force_delete_results_keep_their_json() {
    let refused = ForceDeleteReport {
        api_version: "kubectl-sts/v1",
        kind: "ForceDeleteResult",
        namespace: "db".into(),
        pod: "web-1".into(),
        uid: "0b7c".into(),
        node: Some("n2".into()),
        stateful_set: Some("web".into()),
        outcome: ForceOutcome::Refused,
        message: "refusing".into(),
        eligibility: Eligibility::new(
            Verdict::KubeletAlive,
            "node n2 is not Ready but its kubelet reported 3s ago".into(),
            vec!["node n2: Ready=Unknown".into()],
        ),
        warnings: vec![],
        replacement: None,
    };
    crate::harness::assert_fixture("force-delete-refused.json", &json(&refused));
    let deleted = ForceDeleteReport {
        outcome: ForceOutcome::Deleted,
        eligibility: Eligibility::new(
            Verdict::Eligible,
            "stuck on a dead node".into(),
            vec!["a".into(), "b".into()],
        ),
        warnings: vec!["volume pvc-1 is still attached to n2".into()],
        replacement: Some(Replacement {
            uid: "9f1e".into(),
            node: Some("n1".into()),
            ready: true,
            phase: "Running".into(),
        }),
        ..refused.clone()
    };
    crate::harness::assert_fixture("force-delete-deleted.json", &json(&deleted));
    for (verdict, code) in [
        (Verdict::NotStatefulSetPod, "NotStatefulSetPod"),
        (Verdict::NotScheduled, "NotScheduled"),
        (Verdict::PodHealthy, "PodHealthy"),
        (Verdict::NodeReady, "NodeReady"),
        (Verdict::NodeUnverifiable, "NodeUnverifiable"),
    ] {
        let e = Eligibility::new(verdict, String::new(), vec![]);
        assert!(!e.eligible());
        let v: serde_json::Value = serde_json::from_str(&json(&e)).unwrap();
        assert_eq!(v["code"], code);
        assert_eq!(v["eligible"], false);
    }
}
