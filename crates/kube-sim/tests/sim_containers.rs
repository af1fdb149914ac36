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
