//! Placement as kube-scheduler's filters decide it, driven with kubectl: node selectors and
//! affinity, pod (anti-)affinity by hostname and zone, topology spread, requests against
//! allocatable, zonal and CSI-topology-pinned volumes, and the FailedScheduling message as the
//! scheduler composes it (framework.FitError; reasons and preemption verdicts counted and
//! sorted). Exact messages are asserted on the simulated cluster, whose nodes the test knows;
//! against a real one the reasons are asserted.

use serde_json::Value;

use crate::harness::{in_zone, on_node, one_per, Cluster, Sts};

fn node_of(c: &Cluster, pod: &str) -> String {
    c.jsonpath(&["get", "pod", pod], "{.spec.nodeName}")
}

/// The newest FailedScheduling message of a pod, once there is one.
fn failed_scheduling(c: &Cluster, pod: &str) -> String {
    c.eventually(30, &format!("FailedScheduling for {pod}"), || {
        let p = c.json(&["get", "pod", pod]);
        let cond = p["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["type"] == "PodScheduled" && c["status"] == "False")?
            .clone();
        let events = c.json(&[
            "get",
            "events",
            "--field-selector",
            &format!("involvedObject.name={pod},reason=FailedScheduling"),
        ]);
        let last = events["items"].as_array()?.last()?.clone();
        // the event and the condition say the same (once both are written)
        (last["message"] == cond["message"])
            .then(|| cond["message"].as_str().map(String::from))
            .flatten()
    })
}

fn pvc_affinity(c: &Cluster, claim: &str) -> Value {
    let pv = c.jsonpath(&["get", "pvc", claim], "{.spec.volumeName}");
    c.json(&["get", "pv", &pv])["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]
        ["matchExpressions"][0]
        .clone()
}

#[test]
fn a_node_selector_puts_two_ordinals_on_one_node() {
    let c = Cluster::fast("colocated", 3);
    if !c.require_ready_nodes(2) {
        return;
    }
    let node = c.ready_nodes()[0].clone();
    let placement = on_node(&node);
    Sts {
        replicas: 2,
        pod_extra: &placement,
        ..Default::default()
    }
    .deploy(&c, 90);
    assert_eq!(node_of(&c, "flask-0"), node);
    assert_eq!(node_of(&c, "flask-1"), node);
}

#[test]
fn required_anti_affinity_leaves_the_extra_replica_pending_with_the_schedulers_message() {
    let c = Cluster::fast("anti-affinity", 2);
    let nodes = c.ready_nodes().len();
    let placement = one_per("flask", "kubernetes.io/hostname");
    let sts = Sts {
        replicas: nodes as i64 + 1,
        pod_extra: &placement,
        extra: "podManagementPolicy: Parallel",
        ..Default::default()
    };
    c.apply(&sts.yaml());
    c.wait_ready("flask", nodes as i64, 90);
    let pending = format!("flask-{nodes}");
    let msg = failed_scheduling(&c, &pending);
    if c.is_sim() {
        assert_eq!(
            msg,
            "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        );
    } else {
        assert!(
            msg.contains("didn't match pod anti-affinity rules"),
            "{msg}"
        );
    }
    let placed: std::collections::BTreeSet<String> = (0..nodes)
        .map(|i| node_of(&c, &format!("flask-{i}")))
        .collect();
    assert_eq!(placed.len(), nodes, "one replica per node");
}

#[test]
fn reasons_of_different_filters_are_counted_and_sorted() {
    let c = Cluster::fast("fit-error", 3);
    let Some(_) = c.sim_or_skip("cordons a node and names the simulated nodes in the message")
    else {
        return;
    };
    c.kubectl_ok(&["cordon", "n1"]);
    // a selector only n1 satisfies, and n1 cordoned
    let placement = on_node("n1");
    c.apply(
        &Sts {
            replicas: 1,
            pod_extra: &placement,
            ..Default::default()
        }
        .yaml(),
    );
    assert_eq!(
        failed_scheduling(&c, "flask-0"),
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    c.kubectl_ok(&["uncordon", "n1"]);
    c.wait_ready("flask", 1, 60);
    assert_eq!(node_of(&c, "flask-0"), "n1");
}

#[test]
fn requests_beyond_allocatable_are_insufficient() {
    let c = Cluster::fast("requests", 3);
    c.apply(
        "apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: app
    image: registry.k8s.io/pause:3.9
    resources:
      requests:
        cpu: \"3\"
        memory: 1Gi
",
    );
    c.eventually(30, "big running", || {
        (c.jsonpath(&["get", "pod", "big"], "{.status.phase}") == "Running").then_some(())
    });
    let Some(_) = c.sim_or_skip("sizes requests to the simulated nodes' allocatable (4 cpu)")
    else {
        return;
    };
    let big_node = node_of(&c, "big");
    // 2 more cpus fit on the two idle nodes but not beside `big`; 5 fit nowhere
    let pod = |name: &str, cpu: &str| {
        format!(
            "apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchFields:
          - key: metadata.name
            operator: In
            values: [{big_node}]
  containers:
  - name: app
    image: registry.k8s.io/pause:3.9
    resources:
      requests:
        cpu: \"{cpu}\"
"
        )
    };
    c.apply(&pod("beside", "2"));
    assert_eq!(
        failed_scheduling(&c, "beside"),
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    );
    c.apply(&pod("fits", "1"));
    c.eventually(30, "fits scheduled beside big", || {
        (node_of(&c, "fits") == big_node).then_some(())
    });
}

#[test]
fn zonal_volumes_follow_their_zone_and_spread_keeps_one_replica_per_zone() {
    let Some(c) = Cluster::zoned("zonal", 4, &["zone-a", "zone-b"]) else {
        return;
    };
    let spread = "topologySpreadConstraints:
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: DoNotSchedule
  labelSelector:
    matchLabels:
      app: flask";
    if c.class_or_skip("zonal").is_none() {
        return;
    }
    Sts {
        replicas: 2,
        class: "zonal",
        pod_extra: spread,
        ..Default::default()
    }
    .deploy(&c, 90);
    let zone0 = c.zone_of(&node_of(&c, "flask-0")).expect("zone");
    let zone1 = c.zone_of(&node_of(&c, "flask-1")).expect("zone");
    assert_ne!(zone0, zone1, "one replica per zone");
    let aff = pvc_affinity(&c, "www-flask-0");
    assert_eq!(aff["key"], "topology.kubernetes.io/zone");
    assert_eq!(aff["values"][0], zone0.as_str());

    // its node cordoned and the pod deleted, flask-0 comes back on the other node of its zone,
    // where the zonal volume attaches
    let old = node_of(&c, "flask-0");
    c.kubectl_ok(&["cordon", &old]);
    c.kubectl_ok(&["delete", "pod", "flask-0", "--wait=false"]);
    c.eventually(90, "flask-0 Ready on another node of its zone", || {
        let p = c.try_json(&["get", "pod", "flask-0"])?;
        let n = p["spec"]["nodeName"].as_str()?.to_string();
        let ready = p["status"]["conditions"]
            .as_array()?
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        (ready && n != old).then_some(n)
    });
    let new = node_of(&c, "flask-0");
    assert_eq!(c.zone_of(&new).as_deref(), Some(zone0.as_str()));
    c.kubectl_ok(&["uncordon", &old]);
}

#[test]
fn a_set_kept_in_one_zone_cannot_leave_it() {
    let Some(c) = Cluster::zoned("one-zone", 4, &["zone-a", "zone-b"]) else {
        return;
    };
    let Some(_) = c.sim_or_skip("names the simulated zones and counts nodes in the message") else {
        return;
    };
    let placement = in_zone("zone-a");
    Sts {
        replicas: 2,
        class: "zonal",
        pod_extra: &placement,
        ..Default::default()
    }
    .deploy(&c, 90);
    // zone-a is n1 and n3; both cordoned, flask-1 has nowhere to go
    c.kubectl_ok(&["cordon", "n1", "n3"]);
    c.kubectl_ok(&["delete", "pod", "flask-1", "--wait=false"]);
    c.eventually(60, "flask-1 re-created", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        p["metadata"]["deletionTimestamp"].is_null().then_some(())
    });
    assert_eq!(
        failed_scheduling(&c, "flask-1"),
        "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) were unschedulable. no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."
    );
}

#[test]
fn a_node_local_csi_volume_is_pinned_by_its_own_topology_key() {
    let c = Cluster::fast("node-local", 3);
    if c.class_or_skip("node-local").is_none() {
        return;
    }
    Sts {
        replicas: 1,
        class: "node-local",
        ..Default::default()
    }
    .deploy(&c, 90);
    let node = node_of(&c, "flask-0");
    let aff = pvc_affinity(&c, "www-flask-0");
    let Some(_) = c.sim_or_skip("checks the simulated TopoLVM-like class's topology key") else {
        return;
    };
    assert_eq!(aff["key"], "topology.topolvm.io/node");
    assert_eq!(aff["values"][0], node.as_str());
    c.kubectl_ok(&["cordon", &node]);
    c.kubectl_ok(&["delete", "pod", "flask-0", "--wait=false"]);
    c.eventually(60, "flask-0 re-created", || {
        let p = c.try_json(&["get", "pod", "flask-0"])?;
        p["metadata"]["deletionTimestamp"].is_null().then_some(())
    });
    assert_eq!(
        failed_scheduling(&c, "flask-0"),
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match PersistentVolume's node affinity. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}
