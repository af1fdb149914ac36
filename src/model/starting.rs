//! A replica that is starting, as a pure decision: it settles by itself (the gate and drain
//! wait for it, bounded), unlike a replica that failed or cannot be placed (refused at once).
//!
//! Why: right after a scale-up or a re-creation the new pod is Pending while it is scheduled and
//! its volumes attach, then `ContainerCreating` while its image is pulled, then Running but not
//! yet Ready until its readiness probe first succeeds. On a real cluster that takes seconds to
//! minutes; a guard that reads it as "not Ready, needs a person" stops a runbook (and a drain
//! waiting for a budget stopped `Interfered` after the very scale-up that would have let it
//! go on). A crash loop, a restart, an image that cannot be pulled, or a pod the scheduler
//! marked `Unschedulable` does not settle by itself: those still refuse at once.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, Probe};

use super::health::{pod_ready, pod_terminating};

/// How long a pod may take from its creation until its containers run — scheduling, volume
/// attachment, image pull: the Kubernetes e2e framework's pod start timeout
/// (test/e2e/framework/timeouts.go `podStartTimeout`, 5 minutes).
pub const POD_START_SECONDS: i64 = 300;

/// Allowed beyond a starting pod's own expected time (the probe's period, the kubelet's status
/// write).
pub const STARTING_MARGIN_SECONDS: i64 = 10;

/// The waiting reasons of a container that is still being set up (kubelet
/// `ContainerCreating`, `PodInitializing`); every other reason is a failure
/// (`ErrImagePull`, `ImagePullBackOff`, `CrashLoopBackOff`, `CreateContainerConfigError`…).
const SETTING_UP: [&str; 2] = ["ContainerCreating", "PodInitializing"];

/// Seconds within which `pod`, not Ready, is expected to become Ready by itself (0: it is in
/// its last [`STARTING_MARGIN_SECONDS`]) — None when it is not starting: Ready already,
/// terminating or finished, marked unschedulable by the scheduler, a container failed or
/// restarted, or it has been at it longer than it should take (then it needs a person).
pub fn starting_within(pod: &Pod, now: Timestamp) -> Option<i64> {
    if pod_ready(pod) || pod_terminating(pod) {
        return None;
    }
    let status = pod.status.as_ref()?;
    let created = pod.metadata.creation_timestamp.as_ref()?.0;
    // PodScheduled=False: Unschedulable (nothing fits), SchedulingGated (a gate someone set)
    if status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "PodScheduled" && c.status == "False")
    {
        return None;
    }
    let statuses: Vec<&ContainerStatus> = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .collect();
    if statuses.iter().any(|s| failed(s)) {
        return None;
    }
    let spec = pod.spec.as_ref()?;
    let until = match status.phase.as_deref() {
        // being scheduled, its volumes attached, its images pulled
        Some("Pending") => secs(created) + POD_START_SECONDS,
        // every container started, some not Ready yet: each until its probes had their chance
        Some("Running") => {
            let mut until = None::<i64>;
            for c in &spec.containers {
                let s = statuses.iter().find(|s| s.name == c.name);
                if s.is_some_and(|s| s.ready) {
                    continue;
                }
                let started = s
                    .and_then(|s| s.state.as_ref())
                    .and_then(|st| st.running.as_ref()?.started_at.as_ref());
                let end = match started {
                    Some(t) => secs(t.0) + readiness_window(c),
                    // not started yet (being set up): as a pending pod
                    None => secs(created) + POD_START_SECONDS,
                };
                until = Some(until.map_or(end, |u| u.max(end)));
            }
            // every container Ready, the pod not: a readiness gate, which settles while the
            // pod is young
            until.unwrap_or(secs(created) + POD_START_SECONDS)
        }
        _ => return None,
    };
    // the margin too: the kubelet's status write after the probe's success, a clock a few
    // seconds apart, are no failure
    let left = until - secs(now);
    (left + STARTING_MARGIN_SECONDS > 0).then_some(left.max(0))
}

fn secs(t: Timestamp) -> i64 {
    t.as_second()
}

/// A container that failed: restarted, waiting for a reason other than being set up, or
/// terminated with an error.
fn failed(s: &ContainerStatus) -> bool {
    if s.restart_count > 0 {
        return true;
    }
    let Some(state) = s.state.as_ref() else {
        return false;
    };
    if let Some(w) = &state.waiting {
        if w.reason
            .as_deref()
            .is_some_and(|r| !r.is_empty() && !SETTING_UP.contains(&r))
        {
            return true;
        }
    }
    state.terminated.as_ref().is_some_and(|t| t.exit_code != 0)
}

/// Seconds after a container starts within which its probes decide it is Ready: a startup
/// probe's full allowance, then the readiness probe's first success, at the latest after its
/// initial delay and `failureThreshold` periods (the kubelet does not probe before
/// `initialDelaySeconds`: pkg/kubelet/prober/worker.go; the API's defaults: period 10 s,
/// threshold 3). Without a readiness probe a started container is Ready at once.
pub fn readiness_window(c: &Container) -> i64 {
    let allowance = |p: &Probe| {
        p.initial_delay_seconds.unwrap_or(0) as i64
            + p.period_seconds.unwrap_or(10) as i64 * p.failure_threshold.unwrap_or(3) as i64
    };
    c.startup_probe.as_ref().map_or(0, allowance) + c.readiness_probe.as_ref().map_or(0, allowance)
}

/// A missing ordinal the StatefulSet controller has still to create: it has created fewer pods
/// (`status.replicas`) than the spec wants. It settles by itself, bounded as a pod start.
pub fn being_created(created: i64, replicas: i64) -> bool {
    created < replicas
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        "2026-01-01T00:10:00Z".parse().unwrap()
    }

    fn pod(v: serde_json::Value) -> Pod {
        let mut p = json!({
            "metadata": {"name": "web-3", "creationTimestamp": "2026-01-01T00:09:30Z"},
            "spec": {"containers": [{"name": "app"}]},
        });
        for (k, x) in v.as_object().unwrap() {
            p[k] = x.clone();
        }
        serde_json::from_value(p).unwrap()
    }

    #[test]
    fn pending_while_scheduled_attached_or_pulled_starts_within_the_pod_start_bound() {
        // created 30 s ago, not yet scheduled
        let p = pod(json!({"status": {"phase": "Pending"}}));
        assert_eq!(starting_within(&p, now()), Some(POD_START_SECONDS - 30));
        // ContainerCreating (attaching, pulling)
        let p = pod(json!({"status": {"phase": "Pending", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
             "state": {"waiting": {"reason": "ContainerCreating"}}}]}}));
        assert_eq!(starting_within(&p, now()), Some(POD_START_SECONDS - 30));
        // at it longer than a pod start takes: no longer starting
        let old = pod(
            json!({"metadata": {"name": "web-3", "creationTimestamp": "2026-01-01T00:04:49Z"},
                             "status": {"phase": "Pending"}}),
        );
        assert_eq!(starting_within(&old, now()), None);
    }

    #[test]
    fn running_not_ready_starts_until_its_probes_had_their_chance() {
        let running = |started: &str| {
            pod(json!({
                "spec": {"containers": [{"name": "app", "readinessProbe": {"exec": {"command": ["true"]},
                         "initialDelaySeconds": 20, "periodSeconds": 5, "failureThreshold": 2}}]},
                "status": {"phase": "Running", "containerStatuses": [
                    {"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "", "started": true,
                     "state": {"running": {"startedAt": started}}}]}}))
        };
        // started 10 s ago: 20 + 5 × 2 = 30 s window, 20 s left
        assert_eq!(
            starting_within(&running("2026-01-01T00:09:50Z"), now()),
            Some(20)
        );
        // started 35 s ago: within the margin after its window
        assert_eq!(
            starting_within(&running("2026-01-01T00:09:25Z"), now()),
            Some(0)
        );
        // started 41 s ago: the probe had its chance and failed — needs a person
        assert_eq!(
            starting_within(&running("2026-01-01T00:09:19Z"), now()),
            None
        );
    }

    #[test]
    fn a_failure_a_restart_or_unschedulable_is_not_starting() {
        let waiting = |reason: &str| {
            pod(json!({"status": {"phase": "Pending", "containerStatuses": [
                {"name": "app", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
                 "state": {"waiting": {"reason": reason}}}]}}))
        };
        for r in [
            "ImagePullBackOff",
            "ErrImagePull",
            "CreateContainerConfigError",
            "CrashLoopBackOff",
        ] {
            assert_eq!(starting_within(&waiting(r), now()), None, "{r}");
        }
        let restarted = pod(json!({"status": {"phase": "Running", "containerStatuses": [
            {"name": "app", "ready": false, "restartCount": 1, "image": "x", "imageID": "",
             "state": {"running": {"startedAt": "2026-01-01T00:09:59Z"}}}]}}));
        assert_eq!(starting_within(&restarted, now()), None);
        let init_failed = pod(
            json!({"status": {"phase": "Pending", "initContainerStatuses": [
            {"name": "init", "ready": false, "restartCount": 0, "image": "x", "imageID": "",
             "state": {"terminated": {"exitCode": 1}}}]}}),
        );
        assert_eq!(starting_within(&init_failed, now()), None);
        let unschedulable = pod(json!({"status": {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]}}));
        assert_eq!(starting_within(&unschedulable, now()), None);
        // no creation time: nothing to bound it by
        let p: Pod = serde_json::from_value(
            json!({"metadata": {"name": "web-3"}, "status": {"phase": "Pending"}}),
        )
        .unwrap();
        assert_eq!(starting_within(&p, now()), None);
        let ready = pod(
            json!({"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}),
        );
        assert_eq!(starting_within(&ready, now()), None);
    }

    #[test]
    fn a_missing_ordinal_is_being_created_while_the_controller_has_pods_to_create() {
        assert!(being_created(3, 4));
        assert!(!being_created(4, 4));
    }
}
