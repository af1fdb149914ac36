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
    if c.class_or_skip("network").is_none() {
        return;
    }
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

/// A golden eviction answer (`eviction/<file>`: the body, then `HTTP <code>`).
fn golden_answer(file: &str) -> Value {
    let text =
        std::fs::read_to_string(crate::harness::golden(&format!("eviction/{file}"))).unwrap();
    let body = text.rsplit_once("HTTP").unwrap().0;
    serde_json::from_str(body).unwrap()
}

/// Evicts through the API as kubectl drain does (policy/v1 Eviction with `deleteOptions`); the
/// Status of a refusal as JSON. (kube-rs's `Api::evict` sends `delete_options`, which an API
/// server ignores, so its preconditions never reach the server: the body is built here.)
fn evict(c: &Cluster, pod: &str, uid: Option<&str>) -> Result<(), Value> {
    let mut body = serde_json::json!({"apiVersion": "policy/v1", "kind": "Eviction",
        "metadata": {"name": pod, "namespace": c.namespace}});
    if let Some(u) = uid {
        body["deleteOptions"] = serde_json::json!({"preconditions": {"uid": u}});
    }
    let req = http::Request::post(format!(
        "/api/v1/namespaces/{}/pods/{pod}/eviction",
        c.namespace
    ))
    .header("Content-Type", "application/json")
    .body(serde_json::to_vec(&body).unwrap())
    .unwrap();
    match c.rt.block_on(c.client().request::<Value>(req)) {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) => Err(serde_json::to_value(&s).unwrap()),
        Err(e) => panic!("{e:?}"),
    }
}

fn pdb(c: &Cluster, name: &str) -> Value {
    c.json(&["get", "pdb", name])
}

/// Waits until the disruption controller has computed the PDB's status.
fn settled(c: &Cluster, name: &str, allowed: i64) -> Value {
    c.eventually(30, &format!("{name} allows {allowed}"), || {
        let p = pdb(c, name);
        (p["status"]["observedGeneration"] == p["metadata"]["generation"]
            && p["status"]["disruptionsAllowed"] == allowed)
            .then_some(p)
    })
}

#[test]
fn an_eviction_charges_the_budget_before_the_delete_and_a_failed_precondition_keeps_the_charge() {
    let c = Cluster::fast("evict-charge", 3);
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 90);
    c.apply("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web-pdb2\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: flask\n");
    settled(&c, "web-pdb2", 1);

    // a uid precondition that does not match: golden's 409 …
    let err = evict(&c, "flask-1", Some("00000000-0000-0000-0000-000000000000")).unwrap_err();
    let want = golden_answer("uid-mismatch.txt");
    assert_eq!(err["code"], 409);
    assert_eq!(err["reason"], want["reason"]);
    let uid = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    assert_eq!(
        err["message"],
        want["message"]
            .as_str()
            .unwrap()
            .replace("web-1", "flask-1")
            .replace("87585c3f-a7d2-49f8-b35f-5af48775f756", &uid)
    );
    // … and the budget stays charged, as golden's PDB right after it
    let got = pdb(&c, "web-pdb2");
    let want = crate::harness::golden_json("eviction/pdb-after-failed-precondition.json");
    for k in [
        "currentHealthy",
        "desiredHealthy",
        "disruptionsAllowed",
        "expectedPods",
    ] {
        assert_eq!(
            got["status"][k], want["status"][k],
            "{k}: {}",
            got["status"]
        );
    }
    assert!(
        got["status"]["disruptedPods"]["flask-1"].is_string(),
        "{}",
        got["status"]
    );
    assert_eq!(got["status"]["conditions"][0]["reason"], "InsufficientPods");
    // the controller's next passes keep the charge (it lasts 2 minutes or until the pod goes)
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(pdb(&c, "web-pdb2")["status"]["disruptionsAllowed"], 0);

    // a plain eviction now: golden's 429, naming the charged budget
    let err = evict(&c, "flask-1", None).unwrap_err();
    let want = golden_answer("allowed.txt");
    assert_eq!(err["code"], 429);
    assert_eq!(err["message"], want["message"]);
    assert_eq!(err["details"]["causes"][0], want["details"]["causes"][0]);
    assert!(c.json(&["get", "pod", "flask-1"])["metadata"]["deletionTimestamp"].is_null());

    // the charged pod deleted (another way), its entry goes; the replacement Ready, one
    // disruption is allowed again
    c.kubectl_ok(&["delete", "pod", "flask-1", "--wait=false"]);
    c.eventually(60, "flask-1 replaced", || {
        (c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}") != uid).then_some(())
    });
    c.wait_ready("flask", 2, 60);
    let p = settled(&c, "web-pdb2", 1);
    assert!(p["status"]["disruptedPods"].is_null(), "{}", p["status"]);
}

#[test]
fn two_budgets_answer_golden_500_and_max_unavailable_counts_the_sets_scale() {
    let c = Cluster::fast("evict-two", 3);
    Sts::default().deploy(&c, 90);
    // a budget over two of the three pods: maxUnavailable counts the set's scale (3), a plain
    // minAvailable counts the pods it selects (2) — pkg/controller/disruption getExpectedPodCount
    let two = "matchExpressions:\n    - key: statefulset.kubernetes.io/pod-name\n      operator: In\n      values: [flask-0, flask-1]";
    c.apply(&format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: max\nspec:\n  maxUnavailable: 1\n  selector:\n    {two}\n"));
    let p = settled(&c, "max", 0);
    assert_eq!(p["status"]["expectedPods"], 3);
    assert_eq!(p["status"]["desiredHealthy"], 2);
    assert_eq!(p["status"]["currentHealthy"], 2);
    c.apply(&format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: min\nspec:\n  minAvailable: 1\n  selector:\n    {two}\n"));
    let p = settled(&c, "min", 1);
    assert_eq!(p["status"]["expectedPods"], 2);

    let err = evict(&c, "flask-0", None).unwrap_err();
    let want = golden_answer("two-pdbs.txt");
    assert_eq!(err["code"], 500);
    assert_eq!(err["message"], want["message"]);
    assert!(
        err.get("reason").is_none_or(|r| r.is_null() || r == ""),
        "golden's 500 Status has no reason: {err}"
    );
    // flask-2 is under neither: it goes (terminating, or already replaced: another uid — a
    // fast cluster can stop and re-create it between two polls)
    let uid = c.jsonpath(&["get", "pod", "flask-2"], "{.metadata.uid}");
    evict(&c, "flask-2", None).unwrap();
    c.eventually(30, "flask-2 terminating or replaced", || {
        let p = c.try_json(&["get", "pod", "flask-2"])?;
        (!p["metadata"]["deletionTimestamp"].is_null() || p["metadata"]["uid"] != uid.as_str())
            .then_some(())
    });
}

#[test]
fn unready_and_pending_pods_and_the_unhealthy_pod_eviction_policy() {
    let c = Cluster::fast("evict-unhealthy", 3);
    let pod = |name: &str, ready: bool, selector: &str| {
        let probe = if ready {
            String::new()
        } else {
            "    readinessProbe:\n      exec:\n        command: [\"false\"]\n".to_string()
        };
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: q\nspec:\n{selector}  containers:\n  - name: app\n    image: registry.k8s.io/pause:3.9\n{probe}")
    };
    c.apply(&pod("q-ready", true, ""));
    c.apply(&pod("q-unready", false, ""));
    c.eventually(60, "q-ready Ready and q-unready Running", || {
        let r = c.jsonpath(
            &["get", "pod", "q-ready"],
            "{.status.conditions[?(@.type==\"Ready\")].status}",
        );
        let u = c.jsonpath(&["get", "pod", "q-unready"], "{.status.phase}");
        (r == "True" && u == "Running").then_some(())
    });
    // minAvailable 2 with one healthy pod: the budget is not met, the unready pod is protected
    // under IfHealthyBudget (the default) …
    c.apply("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: q\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app: q\n");
    let p = settled(&c, "q", 0);
    assert_eq!(p["status"]["currentHealthy"], 1);
    let err = evict(&c, "q-unready", None).unwrap_err();
    assert_eq!(err["code"], 429, "{err}");
    // … and may go under AlwaysAllow, without a charge
    c.kubectl_ok(&[
        "patch",
        "pdb",
        "q",
        "--type=merge",
        "-p",
        r#"{"spec":{"unhealthyPodEvictionPolicy":"AlwaysAllow"}}"#,
    ]);
    c.eventually(30, "new generation observed", || {
        let p = pdb(&c, "q");
        (p["status"]["observedGeneration"] == p["metadata"]["generation"]).then_some(())
    });
    evict(&c, "q-unready", None).unwrap();
    assert!(pdb(&c, "q")["status"]["disruptedPods"].is_null());

    // IfHealthyBudget with the budget met (minAvailable 1, one healthy): an unready pod goes
    c.apply(&pod("q-unready2", false, ""));
    c.kubectl_ok(&[
        "patch",
        "pdb",
        "q",
        "--type=merge",
        "-p",
        r#"{"spec":{"minAvailable":1,"unhealthyPodEvictionPolicy":"IfHealthyBudget"}}"#,
    ]);
    c.eventually(60, "q-unready2 Running, budget observed", || {
        let p = pdb(&c, "q");
        (c.jsonpath(&["get", "pod", "q-unready2"], "{.status.phase}") == "Running"
            && p["status"]["observedGeneration"] == p["metadata"]["generation"]
            && p["status"]["desiredHealthy"] == 1)
            .then_some(())
    });
    evict(&c, "q-unready2", None).unwrap();

    // a Pending pod skips the budget (canIgnorePDB), even one that allows nothing
    c.apply(&pod(
        "q-pending",
        true,
        "  nodeSelector:\n    nowhere: \"true\"\n",
    ));
    c.kubectl_ok(&[
        "patch",
        "pdb",
        "q",
        "--type=merge",
        "-p",
        r#"{"spec":{"minAvailable":5}}"#,
    ]);
    settled(&c, "q", 0);
    evict(&c, "q-pending", None).unwrap();
    // while the Ready one is still protected
    assert_eq!(evict(&c, "q-ready", None).unwrap_err()["code"], 429);
}

#[test]
fn kubectl_drain_refuses_daemonset_pods_retries_a_budget_and_skips_mirror_pods() {
    let c = Cluster::fast("drain-kinds", 3);
    let Some(_) = c.sim_or_skip(
        "places a DaemonSet's pod and a mirror pod by hand on a node (a real cluster's kubelet and DaemonSet controller own them)",
    ) else {
        return;
    };
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 90);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    c.apply("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n      - name: agent\n        image: registry.k8s.io/pause:3.9\n");
    let ds_uid = c.jsonpath(&["get", "ds", "agent"], "{.metadata.uid}");
    c.apply(&format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent-x\n  labels:\n    app: agent\n  ownerReferences:\n  - apiVersion: apps/v1\n    kind: DaemonSet\n    name: agent\n    uid: {ds_uid}\n    controller: true\n    blockOwnerDeletion: true\nspec:\n  nodeName: {node}\n  containers:\n  - name: agent\n    image: registry.k8s.io/pause:3.9\n"));
    c.apply(&format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: static-{node}\n  annotations:\n    kubernetes.io/config.mirror: abc\nspec:\n  nodeName: {node}\n  containers:\n  - name: etcd\n    image: registry.k8s.io/pause:3.9\n"));
    assert!(c
        .kubectl_ok(&["get", "ds", "agent", "--no-headers"])
        .starts_with("agent "));

    // without --ignore-daemonsets: refused, nothing evicted
    let out = c.kubectl(&["drain", &node, "--timeout=20s"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr
            .contains("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"),
        "{}",
        out.stderr
    );
    assert!(c.json(&["get", "pod", "flask-1"])["metadata"]["deletionTimestamp"].is_null());

    // a budget that allows nothing: drain retries every 5 s and gives up at its timeout
    c.apply("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: flask\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app: flask\n");
    settled(&c, "flask", 0);
    let out = c.kubectl(&["drain", &node, "--ignore-daemonsets", "--timeout=8s"]);
    assert_ne!(out.code, 0);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("Cannot evict pod as it would violate the pod's disruption budget."),
        "{all}"
    );
    assert!(all.contains("will retry after 5s"), "{all}");
    assert!(
        all.contains("Warning: ignoring DaemonSet-managed Pods"),
        "{all}"
    );

    // allowed once more: drained; the DaemonSet's pod and the mirror pod stay
    c.kubectl_ok(&[
        "patch",
        "pdb",
        "flask",
        "--type=merge",
        "-p",
        r#"{"spec":{"minAvailable":1}}"#,
    ]);
    settled(&c, "flask", 1);
    let out = c.kubectl(&["drain", &node, "--ignore-daemonsets", "--timeout=60s"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("pod/flask-1 evicted"), "{}", out.stdout);
    assert!(c.json(&["get", "pod", "agent-x"])["metadata"]["deletionTimestamp"].is_null());
    assert!(
        c.json(&["get", "pod", &format!("static-{node}")])["metadata"]["deletionTimestamp"]
            .is_null()
    );
}
