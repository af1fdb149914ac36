//! policy/v1 PodDisruptionBudgets and `pods/eviction` with the disruption controller:
//! a blocked eviction answers golden's 429, an allowed one deletes the pod.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, EvictParams};
use serde_json::Value;

use crate::harness::Sts;
use crate::harness::{golden_json, Cluster};

#[test]
fn eviction_respects_the_disruption_budget() {
    let c = Cluster::fast("eviction", 3);
    let class = c.storage_class(false);
    Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 90);
    c.apply("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: flask\nspec:\n  minAvailable: 3\n  selector:\n    matchLabels:\n      app: flask\n");
    c.eventually(30, "PDB status", || {
        (c.json(&["get", "pdb", "flask"])["status"]["currentHealthy"] == 3).then_some(())
    });
    let pdb = c.json(&["get", "pdb", "flask"]);
    assert_eq!(pdb["status"]["desiredHealthy"], 3);
    assert_eq!(pdb["status"]["disruptionsAllowed"], 0);
    assert_eq!(pdb["status"]["conditions"][0]["reason"], "InsufficientPods");
    let row = c.kubectl_ok(&["get", "pdb", "flask", "--no-headers"]);
    assert!(
        row.split_whitespace()
            .take(4)
            .eq(["flask", "3", "N/A", "0"]),
        "{row}"
    );

    let client = c.client();
    let pods: Api<Pod> = Api::namespaced(client, &c.namespace);
    let err =
        c.rt.block_on(pods.evict("flask-0", &EvictParams::default()))
            .unwrap_err();
    let kube::Error::Api(status) = err else {
        panic!("{err:?}")
    };
    let golden = golden_json("errors.json");
    let want: &Value = &golden["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "429 eviction blocked by PDB")
        .unwrap()["response"]["body"];
    assert_eq!(status.code, 429);
    assert_eq!(status.message, want["message"].as_str().unwrap());
    assert_eq!(status.reason, "TooManyRequests");
    let cause = serde_json::to_value(&status.details).unwrap();
    assert_eq!(
        cause["causes"][0]["message"],
        want["details"]["causes"][0]["message"]
    );
    let got = c.json(&["get", "pod", "flask-0"]);
    assert!(
        got["metadata"]["deletionTimestamp"].is_null(),
        "a refused eviction changes nothing"
    );

    c.kubectl_ok(&[
        "patch",
        "pdb",
        "flask",
        "--type=merge",
        "-p",
        r#"{"spec":{"minAvailable":2}}"#,
    ]);
    c.eventually(30, "one disruption allowed", || {
        (c.json(&["get", "pdb", "flask"])["status"]["disruptionsAllowed"] == 1).then_some(())
    });
    let uid = got["metadata"]["uid"].clone();
    c.rt.block_on(pods.evict("flask-0", &EvictParams::default()))
        .unwrap();
    c.eventually(60, "flask-0 replaced", || {
        let p = c.try_json(&["get", "pod", "flask-0"])?;
        (p["metadata"]["uid"] != uid && p["status"]["phase"] == "Running").then_some(())
    });
}

#[test]
fn kubectl_create_namespace_and_drain_speak_protobuf() {
    let c = Cluster::fast("drain", 3);
    let Some(_) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    let ns = format!("{}-pb", c.namespace);
    assert_eq!(
        c.kubectl_ok(&["create", "namespace", &ns]).trim(),
        format!("namespace/{ns} created")
    );
    assert_eq!(
        c.jsonpath(&["get", "namespace", &ns], "{.status.phase}"),
        "Active"
    );
    Sts {
        class: "network",
        ..Default::default()
    }
    .deploy(&c, 90);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let out = c.kubectl(&["drain", &node, "--ignore-daemonsets", "--timeout=60s"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("pod/flask-1 evicted")
            && out.stdout.contains(&format!("node/{node} drained")),
        "{}",
        out.stdout
    );
    c.wait_ready("flask", 3, 60);
    assert_ne!(
        c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}"),
        node,
        "rescheduled off the cordoned node"
    );
}
