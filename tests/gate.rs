//! The gate before every guarded write: a runbook that chains `kubectl rollout status` and a
//! guarded command works with `minReadySeconds` (the command waits the seconds a Ready pod
//! needs to count as available), while what needs a person still refuses at once and what
//! should settle but does not ends in `NotSettling`.

use crate::harness::{Cluster, Out, Sts, Tool};

fn doc(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

/// The seed lab's shape at real timing: three replicas, `minReadySeconds: 10`, movable volumes.
fn lab(test: &str, extra: &'static str) -> Option<Cluster> {
    let c = Cluster::with_nodes(test, 3, Default::default());
    c.class_or_skip("network")?;
    Sts {
        min_ready: 10,
        class: "network",
        extra,
        ..Default::default()
    }
    .deploy(&c, 180);
    Some(c)
}

/// The runbook's first two lines: a change to the template, then `kubectl rollout status`.
fn change_and_wait(c: &Cluster, value: &str) {
    c.kubectl_ok(&["set", "env", "sts/flask", &format!("RELEASE={value}")]);
    c.kubectl_ok(&["rollout", "status", "sts/flask", "--timeout=180s"]);
}

fn waited_for_availability(d: &serde_json::Value) -> bool {
    d["waits"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|w| w["code"] == "PodNotAvailable" && w["pod"].is_string())
}

#[test]
fn rollout_status_then_scale_waits_for_min_ready_seconds_and_dry_run_does_not_wait() {
    let Some(c) = lab("gate-scale", "") else {
        return;
    };
    change_and_wait(&c, "2");
    // right after `kubectl rollout status`, the last replaced pod is inside minReadySeconds
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "2",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "DryRun");
    let b = &d["blockers"][0];
    assert_eq!(b["code"], "PodNotAvailable", "{d}");
    assert!(b["settlesWithinSeconds"].as_i64().unwrap() <= 20, "{b}");
    assert!(
        d["message"].as_str().unwrap().contains("would first wait"),
        "{d}"
    );
    assert_eq!(d["waits"], serde_json::json!([]), "a dry run does not wait");
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "3"
    );

    change_and_wait(&c, "3");
    let out = c.sts(&["scale", "flask", "--replicas", "2", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed");
    assert!(waited_for_availability(&d), "{d}");
    assert!(
        out.stderr
            .contains("waiting for flask-0 to be available after minReadySeconds"),
        "{}",
        out.stderr
    );
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "2"
    );
}

#[test]
fn rollout_status_then_rollout_apply_to_partition() {
    let Some(c) = lab(
        "gate-partition",
        "updateStrategy:\n  rollingUpdate:\n    partition: 2",
    ) else {
        return;
    };
    // a staged update: only flask-2 moves, and `kubectl rollout status` returns when it is
    // Ready ("partitioned roll out complete")
    change_and_wait(&c, "2");
    let out = c.sts(&[
        "rollout",
        "apply",
        "flask",
        "--to-partition",
        "0",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert!(waited_for_availability(&d), "{d}");
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.updateStrategy.rollingUpdate.partition}"
        ),
        "0"
    );
}

#[test]
fn rollout_status_then_rollout_restart() {
    let Some(c) = lab("gate-restart", "") else {
        return;
    };
    change_and_wait(&c, "2");
    let before = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
    let out = c.sts(&[
        "rollout",
        "restart",
        "flask",
        "--timeout",
        "5m",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert!(waited_for_availability(&d), "{d}");
    assert_ne!(
        c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}"),
        before
    );
}

#[test]
fn rollout_status_then_resize_storage() {
    let Some(c) = lab("gate-resize", "") else {
        return;
    };
    change_and_wait(&c, "2");
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "2Gi",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert!(waited_for_availability(&d), "{d}");
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.volumeClaimTemplates[0].spec.resources.requests.storage}"
        ),
        "2Gi"
    );
}

#[test]
fn a_pod_that_is_not_ready_refuses_at_once_beside_one_that_settles() {
    let Some(c) = lab("gate-unready", "") else {
        return;
    };
    // a bad template: the controller replaces flask-2 with a pod that never gets Ready
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe","value":{"exec":{"command":["false"]},"periodSeconds":1}}]"#,
    ]);
    // ... and past the time its probe had to succeed (3 periods of 1 s after the start, and
    // the 10 s margin): before that it is starting, and waited for
    c.eventually(
        60,
        "flask-2 replaced and not Ready past its probe's window",
        || {
            let p = c.try_json(&["get", "pod", "flask-2"])?;
            let rev = p["metadata"]["labels"]["controller-revision-hash"].as_str()?;
            let update = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
            let started: jiff::Timestamp = p["status"]["containerStatuses"][0]["state"]["running"]
                ["startedAt"]
                .as_str()?
                .parse()
                .ok()?;
            let past = jiff::Timestamp::now().duration_since(started).as_secs() > 14;
            (rev == update && p["status"]["phase"] == "Running" && past).then_some(())
        },
    );
    let out = c.sts(&["scale", "flask", "--replicas", "2", "-o", "json"]);
    assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused");
    assert_eq!(d["waits"], serde_json::json!([]), "nothing waited for: {d}");
    let codes: Vec<&str> = d["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["code"].as_str())
        .collect();
    assert!(codes.contains(&"PodNotReady"), "{d}");
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "3"
    );
}

#[test]
fn a_controller_that_never_observes_the_generation_is_not_settling() {
    let c = Cluster::fast("gate-stalled", 3);
    let Some(sim) = c.sim_or_skip(
        "stops the simulated StatefulSet controller (a real kube-controller-manager cannot be stopped by a test)",
    ) else {
        return;
    };
    let sim = sim.clone();
    Sts::default().deploy(&c, 90);
    sim.faults
        .lock()
        .unwrap()
        .stopped_controllers
        .push("statefulset-controller".into());
    // a spec change the controller never sees
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=merge",
        "-p",
        r#"{"spec":{"minReadySeconds":1}}"#,
    ]);
    let out = c.sts(&["scale", "flask", "--replicas", "2", "-o", "json"]);
    sim.faults.lock().unwrap().stopped_controllers.clear();
    assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused");
    assert_eq!(d["blockers"][0]["code"], "NotSettling", "{d}");
    let m = d["blockers"][0]["message"].as_str().unwrap();
    assert!(
        m.contains("has not yet observed generation 2")
            && m.ends_with("is kube-controller-manager running?"),
        "{m}"
    );
    assert_eq!(d["waits"][0]["code"], "GenerationNotObserved", "{d}");
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "3"
    );
}

/// How many of the simulator's answers to `method` on paths ending in `suffix` were 409.
fn conflicts(sim: &kube_sim::Sim, method: &str, suffix: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(suffix) && r.status == 409)
        .count()
}

/// `rollout restart` right after a read: the StatefulSet controller's status write lands
/// between the tool's read and its patch (on a real cluster at random, after `kubectl rollout
/// status`; here made certain). The 409 it causes is re-proven and retried: the restart goes
/// through.
#[test]
fn a_status_write_between_the_read_and_the_restart_is_not_interference() {
    let c = Cluster::fast("gate-status-write", 3);
    let Some(sim) = c.sim_or_skip(
        "lands the StatefulSet controller's status write between the tool's read and its write (a race a real cluster makes only at random)",
    ) else {
        return;
    };
    let sim = sim.clone();
    Sts::default().deploy(&c, 90);
    let before = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
    sim.interleave(kube_sim::Interleave::status_write(
        "patch",
        "statefulsets",
        1,
    ));
    let out = c.sts(&[
        "rollout",
        "restart",
        "flask",
        "--timeout",
        "2m",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert_eq!(
        conflicts(&sim, "PATCH", "/statefulsets/flask"),
        1,
        "the status write made the first patch a 409"
    );
    assert_ne!(
        c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}"),
        before
    );
    assert!(!c
        .jsonpath(
            &["get", "sts", "flask"],
            "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"
        )
        .is_empty());
}

/// A scale step's write meets a 409: a status write is retried (the scale completes); a spec
/// changed by someone else in that moment (generation moved) stops the scale, nothing written.
#[test]
fn a_scale_step_retries_a_status_write_and_stops_on_a_spec_change() {
    let c = Cluster::fast("gate-scale-conflict", 3);
    let Some(sim) = c.sim_or_skip(
        "lands another writer's write between the tool's read and its write (a race a real cluster makes only at random)",
    ) else {
        return;
    };
    let sim = sim.clone();
    Sts::default().deploy(&c, 90);
    sim.interleave(kube_sim::Interleave::status_write(
        "update",
        "statefulsets",
        1,
    ));
    let out = c.sts(&["scale", "flask", "--replicas", "2", "-o", "json"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(doc(&out)["outcome"], "Completed");
    assert_eq!(conflicts(&sim, "PUT", "/statefulsets/flask/scale"), 1);
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "2"
    );

    // someone else's spec change right before the write: not fought, not written over
    sim.interleave(kube_sim::Interleave {
        verb: "update".into(),
        resource: "statefulsets".into(),
        times: 1,
        patch: Some(serde_json::json!({"spec": {"minReadySeconds": 1}})),
    });
    let out = c.sts(&["scale", "flask", "--replicas", "1", "-o", "json"]);
    assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Interfered", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("was changed by someone else meanwhile (generation"),
        "{d}"
    );
    assert_eq!(conflicts(&sim, "PUT", "/statefulsets/flask/scale"), 2);
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "2",
        "nothing written"
    );
}

/// A replica that is starting (a scale-up someone made: its readiness probe's initial delay
/// keeps it starting, as scheduling, attaching and pulling do on a real cluster) is waited for
/// by the gate, not refused: the scale that follows goes on once it is Ready.
#[test]
fn a_replica_starting_after_a_scale_up_is_waited_for_by_the_gate() {
    let c = Cluster::fast("gate-starting", 3);
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        extra: "podManagementPolicy: Parallel",
        container_extra: "readinessProbe:\n  exec:\n    command: [\"true\"]\n  initialDelaySeconds: 10\n  periodSeconds: 1",
        ..Default::default()
    }
    .deploy(&c, 120);
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas", "4"]);
    c.eventually(30, "flask-3 running and not Ready", || {
        let p = c.try_json(&["get", "pod", "flask-3"])?;
        (p["status"]["containerStatuses"][0]["state"]["running"].is_object()
            && p["status"]["containerStatuses"][0]["ready"] == false)
            .then_some(())
    });
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "5",
        "--timeout",
        "2m",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    let waited = d["waits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "PodStarting" && w["pod"] == "flask-3");
    assert!(waited, "{d}");
    assert!(
        out.stderr
            .contains("waiting for flask-3 to start and become Ready"),
        "{}",
        out.stderr
    );
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "5"
    );
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.status.readyReplicas}"),
        "5"
    );
}
