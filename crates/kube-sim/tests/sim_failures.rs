//! Dead nodes, volume attachment and the out-of-service taint, driven with kubectl
//! alone and compared with golden `dead-node-*` and `out-of-service` (drill timings:
//! 8s node grace, 10s tolerations). On a real cluster with `KUBECTL_STS_TEST_POWER_CMD`, or on
//! the harness's own control plane, whose agent nodes power off by annotation.

use std::time::Duration;

use crate::harness::{kill_flask_1, lab, lab_with, power, ready_condition, row, Sts};

#[test]
fn dead_node_pod_stays_terminating_with_golden_conditions() {
    let Some(c) = lab("dead-terminating", "local-path", Duration::from_secs(360)) else {
        return;
    };
    kill_flask_1(&c);
    // golden: READY still 1/1 (containerStatuses ready), STATUS Terminating, and it stays so:
    // checked once the grace period has run out by the server's clock, when a live kubelet
    // would have finished and deleted the pod
    let p = c.json(&["get", "pod", "flask-1"]);
    let deadline: jiff::Timestamp = p["metadata"]["deletionTimestamp"]
        .as_str()
        .expect("terminating")
        .parse()
        .unwrap();
    c.eventually(60, "the grace period over", || {
        let now = server_now(&c);
        (now > deadline).then_some(())
    });
    let r = row(&c, "flask-1");
    let cells: Vec<&str> = r.split_whitespace().collect();
    assert_eq!(&cells[..3], ["flask-1", "1/1", "Terminating"], "{r}");
    let p = c.json(&["get", "pod", "flask-1"]);
    assert_eq!(p["status"]["phase"], "Running");
    assert!(
        p["status"]["reason"].is_null(),
        "status.reason is never set"
    );
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 10);
    assert_eq!(p["metadata"]["generation"], 2);
    let conds = p["status"]["conditions"].as_array().unwrap();
    let ready = conds.iter().find(|c| c["type"] == "Ready").unwrap();
    assert_eq!(ready["status"], "False");
    let dt = conds
        .iter()
        .find(|c| c["type"] == "DisruptionTarget")
        .expect("DisruptionTarget");
    assert_eq!(dt["reason"], "DeletionByTaintManager");
    assert_eq!(
        dt["message"],
        "Taint manager: deleting due to NoExecute taint"
    );
    assert_eq!(dt["observedGeneration"], 1);
    let events = c.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=flask-1",
    ]);
    assert!(
        events.contains("NodeNotReady") && events.contains("TaintManagerEviction"),
        "{events}"
    );
    // no replacement while it exists
    assert_eq!(
        c.json(&[
            "get",
            "pods",
            "-l",
            "statefulset.kubernetes.io/pod-name=flask-1"
        ])["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A node powered back on: the node controller had marked its pods Ready=False
/// (MarkPodsNotReady); a booting kubelet starts their containers again (restartCount + 1, the
/// last run `Unknown` exit 255, as containerd reports a container that died with its machine)
/// and its status manager writes Ready=True once they are ready: the pods do not stay
/// Ready=False for ever. The pods tolerate the unreachable taint, so nothing evicts them.
#[test]
fn pods_become_ready_again_when_their_node_powers_on() {
    let Some(c) = lab_with("power-on-ready", Duration::from_secs(360), |_| {
        Sts {
        pod_extra: "tolerations:\n- key: node.kubernetes.io/unreachable\n  operator: Exists\n  effect: NoExecute",
        ..Default::default()
    }
    }) else {
        return;
    };
    let before = c.json(&["get", "pod", "flask-1"]);
    let node = before["spec"]["nodeName"].as_str().unwrap().to_string();
    power(&c, &node, false);
    c.eventually(
        40,
        "flask-1 marked not Ready by the node controller",
        || {
            let p = c.try_json(&["get", "pod", "flask-1"])?;
            (ready_condition(&p)?["status"] == "False").then_some(())
        },
    );
    power(&c, &node, true);
    let p = c.eventually(40, "flask-1 Ready again on its node", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        (ready_condition(&p)?["status"] == "True").then_some(p)
    });
    assert_eq!(
        p["metadata"]["uid"], before["metadata"]["uid"],
        "the same pod"
    );
    assert_eq!(p["spec"]["nodeName"], node.as_str());
    let app = &p["status"]["containerStatuses"][0];
    assert_eq!(app["ready"], true, "{app}");
    assert_eq!(app["restartCount"], 1, "{app}");
    assert_eq!(app["lastState"]["terminated"]["exitCode"], 255, "{app}");
    assert_eq!(app["lastState"]["terminated"]["reason"], "Unknown", "{app}");
}

#[test]
fn local_volume_replacement_waits_for_its_node() {
    let Some(c) = lab("dead-local-replace", "local-path", Duration::from_secs(360)) else {
        return;
    };
    let node = kill_flask_1(&c);
    let forced = c.kubectl(&["delete", "pod", "flask-1", "--grace-period=0", "--force"]);
    assert_eq!(forced.stdout.trim(), "pod \"flask-1\" force deleted");
    c.eventually(20, "replacement unschedulable", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        let cond = p["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == "PodScheduled")?
            .clone();
        (cond["reason"] == "Unschedulable").then_some(cond["message"].as_str()?.to_string())
    });
    let msg = c.jsonpath(
        &["get", "pod", "flask-1"],
        "{.status.conditions[?(@.type==\"PodScheduled\")].message}",
    );
    assert_eq!(
        msg,
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match PersistentVolume's node affinity. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    assert!(row(&c, "flask-1").contains("Pending"));
    power(&c, &node, true);
    c.eventually(40, "flask-1 Running again on its node", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        (p["status"]["phase"] == "Running" && p["spec"]["nodeName"] == node.as_str()).then_some(())
    });
    c.eventually(20, "taints removed", || {
        c.jsonpath(&["get", "node", &node], "{.spec.taints}")
            .is_empty()
            .then_some(())
    });
}

/// The seed lab's remediation (golden `dead-node-local-storage/timeline.json`, its last marks):
/// the replacement of an ordinal whose volume is pinned to a dead node is Pending and
/// unscheduled; deleting its claim gives up that data, the claim goes (an unscheduled pod does
/// not hold it), the controller creates a fresh one, and the pod becomes Ready on a live node.
#[test]
fn giving_up_a_pinned_claim_lets_the_replacement_start_elsewhere() {
    let Some(c) = lab("dead-local-remedy", "local-path", Duration::from_secs(360)) else {
        return;
    };
    let old_claim = c.json(&["get", "pvc", "www-flask-1"])["metadata"]["uid"].clone();
    let node = kill_flask_1(&c);
    c.kubectl(&["delete", "pod", "flask-1", "--grace-period=0", "--force"]);
    c.eventually(20, "replacement Pending and unscheduled", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        (p["status"]["phase"] == "Pending" && p["spec"]["nodeName"].is_null()).then_some(())
    });
    let del = c.kubectl(&["delete", "pvc", "www-flask-1", "--wait=false"]);
    assert_eq!(del.code, 0, "{}", del.stderr);
    c.eventually(30, "a fresh claim", || {
        let pvc = c.try_json(&["get", "pvc", "www-flask-1"])?;
        (pvc["metadata"]["uid"] != old_claim && pvc["metadata"]["deletionTimestamp"].is_null())
            .then_some(())
    });
    let p = c.eventually(60, "flask-1 Ready on a live node", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        let ready = crate::harness::ready_condition(&p)?;
        (ready["status"] == "True").then_some(p)
    });
    assert_ne!(p["spec"]["nodeName"], node.as_str(), "not on the dead node");
}

#[test]
fn network_volume_waits_for_forced_detach() {
    // the 6-minute forced detach, shortened to 12s for the test (named as such in SimConfig)
    let Some(c) = lab("dead-network-detach", "network", Duration::from_secs(12)) else {
        return;
    };
    let node = kill_flask_1(&c);
    c.kubectl(&["delete", "pod", "flask-1", "--grace-period=0", "--force"]);
    c.eventually(20, "replacement scheduled elsewhere, stuck Init", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        let n = p["spec"]["nodeName"].as_str()?.to_string();
        (n != node && row(&c, "flask-1").contains("Init:0/1")).then_some(())
    });
    let events = c.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "reason=FailedAttachVolume",
    ]);
    assert!(events.contains("Multi-Attach error for volume") && events.contains("Volume is already exclusively attached to one node and can't be attached to another"), "{events}");
    // still attached to the dead node until the forced detach
    let vas = c.kubectl_ok(&["get", "volumeattachments"]);
    assert!(
        vas.lines()
            .any(|l| l.contains(&format!(" {node} ")) && l.contains("true")),
        "{vas}"
    );
    // 12 s here; the real attach/detach controller's 6 minutes elsewhere
    let detach = if c.is_sim() { 40 } else { 420 };
    c.eventually(detach, "Ready after the forced detach", || {
        (c.jsonpath(&["get", "pod", "flask-1"], "{.status.phase}") == "Running").then_some(())
    });
}

#[test]
fn out_of_service_taint_recovers_in_seconds() {
    let Some(c) = lab("out-of-service", "network", Duration::from_secs(360)) else {
        return;
    };
    let node = kill_flask_1(&c);
    let taint = c.kubectl_ok(&[
        "taint",
        "node",
        &node,
        "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
    ]);
    assert_eq!(taint.trim(), format!("node/{node} tainted"));
    // golden: pod GC marks it Failed and force-deletes it; the old attachment goes at once
    let start = std::time::Instant::now();
    c.eventually(30, "replacement Running elsewhere", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        (p["status"]["phase"] == "Running" && p["spec"]["nodeName"] != node.as_str()).then_some(())
    });
    assert!(start.elapsed() < Duration::from_secs(30));
    let vas = c.kubectl_ok(&["get", "volumeattachments"]);
    assert!(
        !vas.lines().any(|l| l.contains(&format!(" {node} "))),
        "no attachment left on the dead node: {vas}"
    );
    c.kubectl_ok(&[
        "taint",
        "node",
        &node,
        "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute-",
    ]);
    power(&c, &node, true);
    c.eventually(30, "node Ready, taints gone", || {
        (c.kubectl_ok(&["get", "node", &node, "--no-headers"])
            .contains(" Ready ")
            && c.jsonpath(&["get", "node", &node], "{.spec.taints}")
                .is_empty())
        .then_some(())
    });
}

/// The API server's clock: the creationTimestamp of an object created now (a Lease: served
/// by every cluster and by the simulator).
fn server_now(c: &crate::harness::Cluster) -> jiff::Timestamp {
    let name = format!("clock-{}", uuid::Uuid::new_v4().simple());
    c.create_json(&serde_json::json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": c.namespace}, "spec": {}
    }));
    let t = c.json(&["get", "lease", &name])["metadata"]["creationTimestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let _ = c.kubectl(&["delete", "lease", &name, "--wait=false"]);
    t
}
