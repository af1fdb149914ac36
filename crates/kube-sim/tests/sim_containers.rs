//! Containers that fail, driven by what a real kubelet also honours (so the same tests pass on
//! a real cluster): a command that exits crash-loops, a readiness probe that fails keeps the pod
//! not Ready. Statuses and kubectl's columns as a kubelet writes and kubectl prints them.

use serde_json::{json, Value};

use crate::harness::Cluster;

fn pod(name: &str, container: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"terminationGracePeriodSeconds": 1, "containers": [container]}})
}

fn cells(c: &Cluster, name: &str) -> Vec<String> {
    c.kubectl(&["get", "pod", name, "--no-headers"])
        .stdout
        .split_whitespace()
        .map(String::from)
        .collect()
}

#[test]
fn a_command_that_exits_crash_loops() {
    let c = Cluster::fast("crashloop", 1);
    c.create_json(&pod(
        "crash",
        json!({"name": "app", "image": "busybox:1.28", "command": ["sh", "-c", "exit 1"]}),
    ));
    let p = c.eventually(60, "CrashLoopBackOff", || {
        let p = c.try_json(&["get", "pod", "crash"])?;
        (p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "CrashLoopBackOff")
            .then_some(p)
    });
    assert_eq!(p["status"]["phase"], "Running");
    let st = &p["status"]["containerStatuses"][0];
    assert_eq!(st["ready"], false);
    assert_eq!(st["started"], false);
    assert!(st["restartCount"].as_i64().unwrap() >= 1, "{st}");
    assert_eq!(st["lastState"]["terminated"]["exitCode"], 1);
    assert_eq!(st["lastState"]["terminated"]["reason"], "Error");
    let ready = crate::harness::ready_condition(&p).unwrap();
    assert_eq!(
        (ready["status"].as_str(), ready["reason"].as_str()),
        (Some("False"), Some("ContainersNotReady"))
    );
    let row = cells(&c, "crash");
    assert_eq!(&row[1..3], ["0/1", "CrashLoopBackOff"], "{row:?}");
    // the kubelet restarts it after its back-off (10 s the first time), and counts
    c.eventually(60, "a second restart", || {
        let p = c.try_json(&["get", "pod", "crash"])?;
        (p["status"]["containerStatuses"][0]["restartCount"].as_i64()? >= 2).then_some(())
    });
}

#[test]
fn a_failing_readiness_probe_keeps_the_pod_running_and_not_ready() {
    let c = Cluster::fast("never-ready", 1);
    c.create_json(&pod(
        "unready",
        json!({"name": "app", "image": "busybox:1.28", "command": ["sh", "-c", "sleep 3600"],
            "readinessProbe": {"exec": {"command": ["false"]}, "periodSeconds": 1}}),
    ));
    let p = c.eventually(60, "Running", || {
        let p = c.try_json(&["get", "pod", "unready"])?;
        (p["status"]["phase"] == "Running").then_some(p)
    });
    let st = &p["status"]["containerStatuses"][0];
    assert_eq!(st["ready"], false, "{st}");
    assert!(st["state"]["running"].is_object(), "{st}");
    assert_eq!(st["restartCount"], 0);
    let ready = crate::harness::ready_condition(&p).unwrap();
    assert_eq!(ready["reason"], "ContainersNotReady");
    let row = cells(&c, "unready");
    assert_eq!(&row[1..4], ["0/1", "Running", "0"], "{row:?}");
}

/// A readiness probe's `initialDelaySeconds`: the container runs but is not Ready until the
/// delay has passed since it started (the kubelet's prober does not run before it), then it
/// and the pod are Ready. A pod that stays starting as long as its manifest says, on a real
/// cluster as here.
#[test]
fn a_readiness_probes_initial_delay_keeps_a_started_pod_not_ready_that_long() {
    let c = Cluster::fast("probe-delay", 1);
    c.create_json(&pod(
        "slow",
        json!({"name": "app", "image": "busybox:1.28", "command": ["sleep", "3600"],
               "readinessProbe": {"exec": {"command": ["true"]}, "initialDelaySeconds": 6, "periodSeconds": 1}}),
    ));
    let running = c.eventually(60, "the container running", || {
        let p = c.try_json(&["get", "pod", "slow"])?;
        p["status"]["containerStatuses"][0]["state"]["running"]["startedAt"]
            .is_string()
            .then_some(p)
    });
    let started: jiff::Timestamp = running["status"]["containerStatuses"][0]["state"]["running"]
        ["startedAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(running["status"]["phase"], "Running");
    assert_eq!(running["status"]["containerStatuses"][0]["ready"], false);
    let ready = |p: &Value| {
        p["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    };
    assert!(!ready(&running), "{running}");
    let p = c.eventually(30, "Ready after the delay", || {
        let p = c.try_json(&["get", "pod", "slow"])?;
        ready(&p).then_some(p)
    });
    assert_eq!(p["status"]["containerStatuses"][0]["ready"], true);
    assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 0);
    let became: jiff::Timestamp = p["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        became.duration_since(started).as_secs() >= 6,
        "Ready at {became}, started at {started}"
    );
}
