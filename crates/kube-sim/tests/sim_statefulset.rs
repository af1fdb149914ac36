//! The seed lab replayed with kubectl alone on a cluster with controllers:
//! ordered rollout, stable identity and storage, scale, variants (golden/seed, variants, updates).

use kube_sim::SimConfig;
use serde_json::Value;

use crate::harness::Cluster;
use crate::harness::Sts;

fn cluster(test: &str) -> Cluster {
    Cluster::with_nodes(
        test,
        3,
        SimConfig {
            speed: 5.0,
            ..SimConfig::default()
        },
    )
}

fn pods(c: &Cluster, selector: &str) -> Vec<Value> {
    c.json(&["get", "pods", "-l", selector])["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn names(items: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = items
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect();
    v.sort();
    v
}

fn time(v: &Value) -> jiff::Timestamp {
    v.as_str().and_then(|s| s.parse().ok()).expect("timestamp")
}

#[test]
fn seed_rollout_is_ordered_and_each_ordinal_gets_its_own_volume() {
    let c = cluster("seed-rollout");
    let class = c.storage_class(false);
    // the seed's minReadySeconds: 10, as in golden/seed
    c.apply(
        &Sts {
            min_ready: 10,
            class: &class,
            ..Default::default()
        }
        .yaml(),
    );
    let out = c.kubectl(&["rollout", "status", "sts/flask", "--timeout=120s"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("roll out complete: 3 new pods have been updated"),
        "{}",
        out.stdout
    );

    let items = pods(&c, "app=flask");
    assert_eq!(names(&items), ["flask-0", "flask-1", "flask-2"]);
    let by = |n: &str| {
        items
            .iter()
            .find(|p| p["metadata"]["name"] == n)
            .unwrap()
            .clone()
    };
    for (prev, next) in [("flask-0", "flask-1"), ("flask-1", "flask-2")] {
        let ready_at = by(prev)["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Ready")
            .unwrap()["lastTransitionTime"]
            .clone();
        let created = by(next)["metadata"]["creationTimestamp"].clone();
        let gap = time(&created).duration_since(time(&ready_at)).as_secs();
        assert!(
            gap >= 10,
            "{next} created {gap}s after {prev} was Ready (minReadySeconds 10)"
        );
    }
    for p in &items {
        let n = p["metadata"]["name"].as_str().unwrap();
        assert_eq!(p["spec"]["hostname"], n);
        assert_eq!(p["spec"]["subdomain"], "flask");
        assert_eq!(
            p["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"],
            n
        );
        assert_eq!(
            p["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"],
            format!("www-{n}")
        );
    }
    let pvcs = c.json(&["get", "pvc"]);
    let mut volumes = Vec::new();
    for pvc in pvcs["items"].as_array().unwrap() {
        assert_eq!(
            pvc["status"]["phase"], "Bound",
            "{}",
            pvc["metadata"]["name"]
        );
        volumes.push(pvc["spec"]["volumeName"].as_str().unwrap().to_string());
    }
    volumes.sort();
    volumes.dedup();
    assert_eq!(volumes.len(), 3, "distinct PVs");
    let header = c.kubectl_ok(&["get", "pvc"]);
    assert!(
        header.starts_with("NAME          STATUS   VOLUME"),
        "{header}"
    );
    // every ordinal by its hostname, in the order of their IPs as strings (RepackSubsets,
    // pkg/api/v1/endpoints/util.go; the real control plane listed `flask-2 flask-0 flask-1`)
    let eps = c.json(&["get", "endpoints", "flask"]);
    let addrs = eps["subsets"][0]["addresses"]
        .as_array()
        .expect("addresses");
    let ips: Vec<&str> = addrs.iter().filter_map(|a| a["ip"].as_str()).collect();
    let mut sorted = ips.clone();
    sorted.sort();
    assert_eq!(ips, sorted, "addresses in the order of their IPs");
    let mut hosts: Vec<&str> = addrs
        .iter()
        .filter_map(|a| a["hostname"].as_str())
        .collect();
    hosts.sort();
    assert_eq!(hosts, ["flask-0", "flask-1", "flask-2"]);
    // the controller's events, word for word as v1.36.2 wrote them for the same rollout
    let golden = std::fs::read_to_string(crate::harness::golden(
        "apply/add-claim-template-no-class.events.txt",
    ))
    .unwrap();
    let mut want: Vec<String> = golden
        .lines()
        .filter(|l| l.contains("SuccessfulCreate") && !l.contains("logs-"))
        .filter_map(|l| l.split_once("flask         ").map(|(_, m)| m.to_string()))
        .collect();
    want.sort();
    let mut ours = event_messages(&c, "SuccessfulCreate");
    ours.sort();
    assert_eq!(ours, want);
}

#[test]
fn deleted_pod_returns_on_its_claim_and_scale_down_keeps_the_claim() {
    let c = cluster("identity");
    let class = c.storage_class(false);
    Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 60);
    let old = c.json(&["get", "pod", "flask-1"]);
    let pv_before = c.jsonpath(&["get", "pvc", "www-flask-1"], "{.spec.volumeName}");
    c.kubectl_ok(&["delete", "pod", "flask-1"]);
    c.eventually(60, "flask-1 back", || {
        let p = c.json(&[
            "get",
            "pods",
            "-l",
            "statefulset.kubernetes.io/pod-name=flask-1",
        ]);
        let p = p["items"].as_array()?.first()?.clone();
        (p["metadata"]["uid"] != old["metadata"]["uid"] && p["status"]["phase"] == "Running")
            .then_some(())
    });
    assert_eq!(
        c.jsonpath(
            &["get", "pod", "flask-1"],
            "{.spec.volumes[0].persistentVolumeClaim.claimName}"
        ),
        "www-flask-1"
    );
    assert_eq!(
        c.jsonpath(&["get", "pvc", "www-flask-1"], "{.spec.volumeName}"),
        pv_before
    );

    c.wait_ready("flask", 3, 60);
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=2"]);
    c.eventually(60, "flask-2 gone", || {
        (names(&pods(&c, "app=flask")) == ["flask-0", "flask-1"]).then_some(())
    });
    assert_eq!(
        c.jsonpath(&["get", "pvc", "www-flask-2"], "{.status.phase}"),
        "Bound",
        "the claim is retained"
    );
    let pv2 = c.jsonpath(&["get", "pvc", "www-flask-2"], "{.spec.volumeName}");
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=3"]);
    c.wait_ready("flask", 3, 60);
    assert_eq!(
        c.jsonpath(&["get", "pvc", "www-flask-2"], "{.spec.volumeName}"),
        pv2,
        "scale-up reuses the retained claim"
    );
}

#[test]
fn parallel_creates_and_removes_at_once() {
    let c = cluster("parallel");
    let class = c.storage_class(false);
    Sts {
        name: "par",
        class: &class,
        extra: "podManagementPolicy: Parallel",
        ..Default::default()
    }
    .deploy(&c, 60);
    let items = pods(&c, "app=par");
    let created: Vec<jiff::Timestamp> = items
        .iter()
        .map(|p| time(&p["metadata"]["creationTimestamp"]))
        .collect();
    let spread = created
        .iter()
        .max()
        .unwrap()
        .duration_since(*created.iter().min().unwrap())
        .as_secs();
    assert!(
        spread <= 1,
        "Parallel creates all pods together (spread {spread}s)"
    );
    c.kubectl_ok(&["scale", "sts", "par", "--replicas=1"]);
    // golden: par-2 and par-1 are deleted at once
    c.eventually(10, "both condemned terminating together", || {
        let items = pods(&c, "app=par");
        let terminating = items
            .iter()
            .filter(|p| !p["metadata"]["deletionTimestamp"].is_null())
            .count();
        (terminating == 2 || names(&items) == ["par-0"]).then_some(())
    });
    c.eventually(60, "scaled to 1", || {
        (names(&pods(&c, "app=par")) == ["par-0"]).then_some(())
    });
    assert_eq!(
        c.json(&["get", "pvc", "-l", "app=par"])["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn ordinals_start_at_five() {
    let c = cluster("ordinals");
    let class = c.storage_class(false);
    Sts {
        name: "ord",
        class: &class,
        extra: "ordinals:\n  start: 5",
        ..Default::default()
    }
    .deploy(&c, 60);
    assert_eq!(names(&pods(&c, "app=ord")), ["ord-5", "ord-6", "ord-7"]);
    assert_eq!(
        c.jsonpath(
            &["get", "pod", "ord-6"],
            "{.metadata.labels.apps\\.kubernetes\\.io/pod-index}"
        ),
        "6"
    );
    c.kubectl_ok(&["scale", "sts", "ord", "--replicas=2"]);
    c.eventually(60, "ord-7 gone", || {
        (names(&pods(&c, "app=ord")) == ["ord-5", "ord-6"]).then_some(())
    });
    assert!(c.kubectl(&["get", "pvc", "www-ord-7"]).code == 0);
}

#[test]
fn retention_when_scaled_delete_removes_condemned_claims() {
    let c = cluster("ret-scaled");
    let class = c.storage_class(false);
    c.apply(&Sts { name: "ret", class: &class, extra: "persistentVolumeClaimRetentionPolicy:\n  whenScaled: Delete\n  whenDeleted: Retain", ..Default::default() }.yaml());
    c.wait_ready("ret", 3, 60);
    assert_eq!(
        c.jsonpath(&["get", "pvc", "www-ret-2"], "{.metadata.ownerReferences}"),
        "",
        "no owner before scale-down"
    );
    c.kubectl_ok(&["scale", "sts", "ret", "--replicas=1"]);
    c.eventually(60, "claims of ret-1 and ret-2 deleted", || {
        let pvcs = c.json(&["get", "pvc", "-l", "app=ret"]);
        (names(pvcs["items"].as_array()?) == ["www-ret-0"]).then_some(())
    });
    assert_eq!(names(&pods(&c, "app=ret")), ["ret-0"]);
    if let Some(sim) = c.sim() {
        // golden: both condemned claims get their pod as owner before the first pod goes
        use kube_sim::store::EventType;
        let txn = sim.registry.store.lock();
        let pvc_def = kube_sim::resources::by_kind("PersistentVolumeClaim").unwrap();
        let pod_def = kube_sim::resources::by_kind("Pod").unwrap();
        let owned_at = |claim: &str| {
            txn.events_since(pvc_def, 1)
                .unwrap()
                .iter()
                .find(|e| {
                    e.name == claim && e.object["metadata"]["ownerReferences"][0]["kind"] == "Pod"
                })
                .map(|e| e.rv)
                .unwrap()
        };
        let first_pod_gone = txn
            .events_since(pod_def, 1)
            .unwrap()
            .iter()
            .filter(|e| e.name.starts_with("ret-") && e.kind == EventType::Deleted)
            .map(|e| e.rv)
            .min()
            .unwrap();
        assert!(owned_at("www-ret-1") < first_pod_gone && owned_at("www-ret-2") < first_pod_gone);
    }
}

#[test]
fn retention_when_deleted_delete_removes_claims_with_the_set() {
    let c = cluster("ret-deleted");
    let class = c.storage_class(false);
    c.apply(&Sts { name: "retdel", class: &class, extra: "persistentVolumeClaimRetentionPolicy:\n  whenScaled: Retain\n  whenDeleted: Delete", ..Default::default() }.yaml());
    c.wait_ready("retdel", 3, 60);
    let owners = c.json(&["get", "pvc", "www-retdel-0"])["metadata"]["ownerReferences"].clone();
    assert_eq!(owners[0]["kind"], "StatefulSet");
    c.kubectl_ok(&["scale", "sts", "retdel", "--replicas=2"]);
    c.eventually(60, "retdel-2 gone", || {
        (names(&pods(&c, "app=retdel")).len() == 2).then_some(())
    });
    assert_eq!(
        c.kubectl(&["get", "pvc", "www-retdel-2"]).code,
        0,
        "kept on scale-down"
    );
    c.kubectl_ok(&["delete", "sts", "retdel"]);
    c.eventually(60, "pods and claims gone", || {
        let pvcs = c.json(&["get", "pvc", "-l", "app=retdel"]);
        (pvcs["items"].as_array()?.is_empty() && pods(&c, "app=retdel").is_empty()).then_some(())
    });
}

fn revisions(c: &Cluster, sel: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pods(c, sel)
        .iter()
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                p["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn partitioned_rolling_update_then_on_delete() {
    let c = cluster("updates");
    let class = c.storage_class(false);
    Sts {
        class: &class,
        extra: "updateStrategy:\n  type: RollingUpdate\n  rollingUpdate:\n    partition: 2",
        ..Default::default()
    }
    .deploy(&c, 60);
    let r1 = revisions(&c, "app=flask")[0].1.clone();
    c.kubectl_ok(&[
        "set",
        "image",
        "sts/flask",
        "app=han0495/flask-example-app:v2",
    ]);
    let out = c.kubectl(&["rollout", "status", "sts/flask", "--timeout=60s"]);
    assert!(
        out.stdout
            .contains("partitioned roll out complete: 1 new pods have been updated"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let revs = revisions(&c, "app=flask");
    assert_eq!(revs[0].1, r1);
    assert_eq!(revs[1].1, r1);
    assert_ne!(revs[2].1, r1, "only flask-2 is at the new revision");
    let st = c.json(&["get", "sts", "flask"])["status"].clone();
    assert_eq!(
        (
            st["updatedReplicas"].as_i64(),
            st["currentReplicas"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_ne!(st["currentRevision"], st["updateRevision"]);

    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "-p",
        r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"#,
    ]);
    let out = c.kubectl(&["rollout", "status", "sts/flask", "--timeout=90s"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let revs = revisions(&c, "app=flask");
    assert!(revs.iter().all(|(_, r)| *r == revs[2].1), "{revs:?}");

    // OnDelete: a new template changes no pod until one is deleted
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=merge",
        "-p",
        r#"{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}"#,
    ]);
    c.kubectl_ok(&[
        "set",
        "image",
        "sts/flask",
        "app=han0495/flask-example-app:v3",
    ]);
    let before = revisions(&c, "app=flask");
    // once the controller has observed the new template (a new updateRevision), a
    // RollingUpdate would already be replacing pods: OnDelete must not
    c.eventually(30, "the new template observed", || {
        let s = c.json(&["get", "sts", "flask"]);
        (s["status"]["observedGeneration"] == s["metadata"]["generation"]
            && s["status"]["updateRevision"] != s["status"]["currentRevision"])
            .then_some(())
    });
    assert_eq!(
        revisions(&c, "app=flask"),
        before,
        "OnDelete changes nothing by itself"
    );
    let rs = c.kubectl(&["rollout", "status", "sts/flask"]);
    assert_eq!(rs.code, 1);
    assert!(
        rs.stderr
            .contains("rollout status is only available for RollingUpdate strategy type"),
        "{}",
        rs.stderr
    );
    c.kubectl_ok(&["delete", "pod", "flask-0"]);
    c.eventually(60, "flask-0 recreated at the new revision", || {
        let revs = revisions(&c, "app=flask");
        (revs.len() == 3 && revs[0].1 != before[0].1).then_some(())
    });
    let image = c.jsonpath(&["get", "pod", "flask-0"], "{.spec.containers[0].image}");
    assert_eq!(image, "han0495/flask-example-app:v3");
}

#[test]
fn delete_propagation_orphan_and_foreground() {
    let c = cluster("propagation");
    let class = c.storage_class(false);
    Sts {
        name: "orph",
        replicas: 2,
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 60);
    // orphan: the pods stay, without their owner reference
    c.kubectl_ok(&["delete", "sts", "orph", "--cascade=orphan"]);
    c.eventually(30, "set gone, pods orphaned", || {
        let items = pods(&c, "app=orph");
        (c.kubectl(&["get", "sts", "orph"]).code != 0
            && items.len() == 2
            && items
                .iter()
                .all(|p| p["metadata"]["ownerReferences"].is_null()))
        .then_some(())
    });

    Sts {
        name: "fg",
        replicas: 2,
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 60);
    // foreground: the set waits, Terminating, until its pods are gone
    c.kubectl_ok(&[
        "delete",
        "sts",
        "fg",
        "--cascade=foreground",
        "--wait=false",
    ]);
    c.eventually(60, "pods then set gone", || {
        (pods(&c, "app=fg").is_empty() && c.kubectl(&["get", "sts", "fg"]).code != 0).then_some(())
    });
    if let Some(sim) = c.sim() {
        // the order, from the store's history: finalizer set, pods deleted, then the set
        use kube_sim::store::EventType;
        let txn = sim.registry.store.lock();
        let sts_def = kube_sim::resources::by_kind("StatefulSet").unwrap();
        let pod_def = kube_sim::resources::by_kind("Pod").unwrap();
        let sts_events = txn.events_since(sts_def, 1).unwrap();
        let marked = sts_events
            .iter()
            .find(|e| {
                e.name == "fg" && e.object["metadata"]["finalizers"][0] == "foregroundDeletion"
            })
            .expect("foregroundDeletion finalizer");
        assert!(!marked.object["metadata"]["deletionTimestamp"].is_null());
        let gone = sts_events
            .iter()
            .find(|e| e.name == "fg" && e.kind == EventType::Deleted)
            .unwrap()
            .rv;
        let last_pod = txn
            .events_since(pod_def, 1)
            .unwrap()
            .iter()
            .filter(|e| e.name.starts_with("fg-") && e.kind == EventType::Deleted)
            .map(|e| e.rv)
            .max()
            .unwrap();
        assert!(
            marked.rv < last_pod && last_pod < gone,
            "set marked, pods gone, then the set"
        );
    }
    assert!(
        c.kubectl(&["get", "pvc", "www-fg-0"]).code == 0,
        "claims are kept (whenDeleted: Retain)"
    );
}

#[test]
fn revision_history_is_truncated_and_repeated_events_are_counted() {
    let c = cluster("history");
    c.apply(
        &Sts {
            name: "hist",
            replicas: 0,
            extra: "revisionHistoryLimit: 1",
            ..Default::default()
        }
        .yaml(),
    );
    for tag in ["v2", "v3", "v4"] {
        c.kubectl_ok(&[
            "set",
            "image",
            "sts/hist",
            &format!("app=han0495/flask-example-app:{tag}"),
        ]);
        c.eventually(20, "new update revision", || {
            let s = c.json(&["get", "sts", "hist"]);
            let rev = s["status"]["updateRevision"].as_str()?.to_string();
            let cr = c.json(&["get", "controllerrevision", &rev]);
            (cr["data"]["spec"]["template"]["spec"]["containers"][0]["image"]
                .as_str()?
                .ends_with(tag))
            .then_some(())
        });
    }
    c.eventually(20, "history truncated", || {
        let n = c.json(&["get", "controllerrevisions", "-l", "app=hist"])["items"]
            .as_array()?
            .len();
        (n <= 3).then_some(())
    });
    let revs: Vec<i64> = c.json(&["get", "controllerrevisions", "-l", "app=hist"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert!(revs.contains(&4), "the newest revision is kept: {revs:?}");

    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    let pod: serde_json::Value = serde_json::json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "x", "namespace": c.namespace, "uid": "u-1"}});
    sim.event(
        &pod,
        "Warning",
        "BackOff",
        "Back-off restarting failed container",
        "kubelet",
        Some("n1"),
    );
    sim.event(
        &pod,
        "Warning",
        "BackOff",
        "Back-off restarting failed container",
        "kubelet",
        Some("n1"),
    );
    let evs = c.json(&["get", "events", "--field-selector", "reason=BackOff"]);
    assert_eq!(evs["items"].as_array().unwrap().len(), 1);
    assert_eq!(evs["items"][0]["count"], 2);
}

/// The status sequence of the ordered rollout, with revision names masked.
fn masked_statuses(statuses: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for mut s in statuses {
        for k in ["currentRevision", "updateRevision"] {
            if s.get(k).is_some() {
                s[k] = Value::from("<rev>");
            }
        }
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    out
}

#[test]
fn rollout_status_sequence_matches_golden() {
    let c = cluster("status-seq");
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    Sts {
        min_ready: 10,
        ..Default::default()
    }
    .deploy(&c, 120);
    c.eventually(30, "3 available", || {
        (c.json(&["get", "sts", "flask"])["status"]["availableReplicas"] == 3).then_some(())
    });
    let ours = {
        let txn = sim.registry.store.lock();
        let def = kube_sim::resources::by_kind("StatefulSet").unwrap();
        let evs = txn.events_since(def, 1).unwrap();
        masked_statuses(
            evs.iter()
                .filter(|e| e.namespace == c.namespace && e.name == "flask")
                .map(|e| e.object["status"].clone()),
        )
    };
    let golden = crate::harness::golden_json("seed/watch-statefulset.summary.json");
    let want = masked_statuses(
        golden["events"]
            .as_array()
            .unwrap()
            .iter()
            .take_while(|e| e["t"].as_f64().unwrap() < 40.0)
            .map(|e| e["status"].clone()),
    );
    assert_eq!(
        ours,
        want,
        "ours:\n{}\ngolden:\n{}",
        serde_json::to_string_pretty(&ours).unwrap(),
        serde_json::to_string_pretty(&want).unwrap()
    );
}

/// Every field path of a JSON value (array elements merged), e.g. `status.conditions[].type`.
fn paths(v: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                paths(x, &p, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| paths(x, &format!("{prefix}[]"), out)),
        _ => {}
    }
}

#[test]
fn objects_have_the_fields_a_real_cluster_gives_them() {
    let c = cluster("shapes");
    let Some(_) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    c.apply(
        &std::fs::read_to_string(crate::harness::seed_manifest())
            .unwrap()
            .replace("minReadySeconds: 10", "minReadySeconds: 0"),
    );
    c.wait_ready("flask", 3, 90);
    let golden = crate::harness::golden_json("seed/objects-after-rollout.json");
    let ours_items = c.json(&[
        "get",
        "sts,pods,pvc,pv,svc,endpoints,endpointslices,controllerrevisions,volumeattachments,nodes",
    ])["items"]
        .as_array()
        .unwrap()
        .clone();
    for kind in [
        "StatefulSet",
        "Pod",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "Service",
        "Endpoints",
        "EndpointSlice",
        "ControllerRevision",
        "VolumeAttachment",
        "Node",
    ] {
        let pick = |items: &[Value]| -> std::collections::BTreeSet<String> {
            let o = items
                .iter()
                .find(|o| o["kind"] == kind && o["metadata"]["name"] != "kubernetes")
                .unwrap_or_else(|| panic!("no {kind}"));
            let mut s = std::collections::BTreeSet::new();
            paths(o, "", &mut s);
            s.retain(|p| {
                !p.starts_with("metadata.managedFields")
                    && !p.contains("last-applied-configuration")
                    // the simulated nodes run a node-local CSI driver (TopoLVM's topology key);
                    // the recorded cluster had none
                    && p != "metadata.labels.topology.topolvm.io/node"
            });
            s
        };
        let want = pick(golden["list"]["items"].as_array().unwrap());
        let got = pick(&ours_items);
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{kind}: missing {missing:?}, extra {extra:?}"
        );
    }
    let types = |p: &Value| -> Vec<String> {
        p["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["type"].as_str().unwrap().to_string())
            .collect()
    };
    let golden_pod = golden["list"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Pod")
        .unwrap()
        .clone();
    let our_pod = ours_items
        .iter()
        .find(|o| o["kind"] == "Pod")
        .unwrap()
        .clone();
    assert_eq!(types(&our_pod), types(&golden_pod), "condition order");
}

/// A pod watch event as golden's summary shows it: type, phase, grace, generation, conditions.
fn pod_step(kind: &str, o: &Value) -> Value {
    let conds: serde_json::Map<String, Value> = o["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let st = c["status"].as_str().unwrap_or("");
            let v = match c["reason"].as_str() {
                Some(r) if st == "False" => format!("{st}/{r}"),
                _ => st.to_string(),
            };
            (c["type"].as_str().unwrap_or("").to_string(), Value::from(v))
        })
        .collect();
    serde_json::json!([
        kind,
        o["status"]["phase"],
        o["metadata"]["deletionGracePeriodSeconds"],
        o["metadata"]["generation"],
        conds
    ])
}

#[test]
fn deleting_a_pod_steps_through_golden_events() {
    let c = cluster("delete-steps");
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    c.apply(
        &std::fs::read_to_string(crate::harness::seed_manifest())
            .unwrap()
            .replace("minReadySeconds: 10", "minReadySeconds: 0"),
    );
    c.wait_ready("flask", 3, 90);
    let from = sim.registry.store.current_rv();
    let old = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    c.kubectl_ok(&["delete", "pod", "flask-1"]);
    c.eventually(60, "flask-1 back and Ready", || {
        let p = c.try_json(&["get", "pod", "flask-1"])?;
        (p["metadata"]["uid"] != old.as_str() && p["status"]["phase"] == "Running").then_some(())
    });
    let ours: Vec<Value> = {
        let txn = sim.registry.store.lock();
        let def = kube_sim::resources::by_kind("Pod").unwrap();
        txn.events_since(def, from)
            .unwrap()
            .iter()
            .filter(|e| e.namespace == c.namespace && e.name == "flask-1")
            .map(|e| pod_step(e.kind.as_str(), &e.object))
            .collect()
    };
    let golden = crate::harness::golden_json("seed/watch-pods.summary.json");
    let want: Vec<Value> = golden["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "flask-1" && (55.0..60.0).contains(&e["t"].as_f64().unwrap()))
        .map(|e| {
            serde_json::json!([
                e["type"],
                e["phase"],
                e["deletionGracePeriodSeconds"],
                e["generation"],
                e["conditions"]
            ])
        })
        .collect();
    assert_eq!(
        ours,
        want,
        "ours:\n{}\ngolden:\n{}",
        serde_json::to_string_pretty(&ours).unwrap(),
        serde_json::to_string_pretty(&want).unwrap()
    );
}

/// The messages of the namespace's events with `reason`, oldest first.
fn event_messages(c: &Cluster, reason: &str) -> Vec<String> {
    let evs = c.json(&[
        "get",
        "events",
        "--field-selector",
        &format!("reason={reason}"),
        "--sort-by=.lastTimestamp",
    ]);
    evs["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["message"].as_str().map(str::to_string))
        .collect()
}

/// Uid, revision and the names of the volumes of each pod of `app=flask`, by name.
fn pod_facts(c: &Cluster) -> std::collections::BTreeMap<String, (String, String, Vec<String>)> {
    pods(c, "app=flask")
        .iter()
        .map(|p| {
            let vols = p["spec"]["volumes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|v| !v["persistentVolumeClaim"].is_null())
                .map(|v| v["name"].as_str().unwrap_or("").to_string())
                .collect();
            (
                p["metadata"]["name"].as_str().unwrap_or("").to_string(),
                (
                    p["metadata"]["uid"].as_str().unwrap_or("").to_string(),
                    p["metadata"]["labels"]["controller-revision-hash"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    vols,
                ),
            )
        })
        .collect()
}

/// Golden `apply/add-claim-template*`: the set orphan-deleted and re-created with a second claim
/// template (`logs`, network class) mounted by its container. The new set adopts the pods and
/// reports its new revision as both current and update; the controller creates `logs-flask-0`,
/// tries to add the volume to flask-0 in place, is refused (`FailedUpdate`), and goes no
/// further: no higher claim, no scale-down, no rolling update, a pod deleted above it not
/// re-created. Replacing the pods from ordinal 0 up unblocks it, one ordinal at a time.
#[test]
fn a_claim_template_added_by_recreating_the_set_stops_the_controller_at_ordinal_0() {
    let c = cluster("add-claim-template");
    let mut new = crate::harness::golden_json("apply/add-claim-template.desired.json");
    new["metadata"] = serde_json::json!({"name": "flask"});
    // golden's 10 s: each replacement would wait 10 s for availability before the next ordinal
    new["spec"]["minReadySeconds"] = Value::from(0);
    let local = c.class_for("local-path");
    let network = c.class_for("network");
    c.require_storage_class(&local);
    c.require_storage_class(&network);
    new["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] = Value::from(local);
    new["spec"]["volumeClaimTemplates"][1]["spec"]["storageClassName"] = Value::from(network);
    // the lab's set as first created: no `logs` template, no mount of it
    let mut old = new.clone();
    old["spec"]["volumeClaimTemplates"]
        .as_array_mut()
        .unwrap()
        .pop();
    old["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        .as_array_mut()
        .unwrap()
        .pop();
    c.create_json(&old);
    c.wait_ready("flask", 3, 90);
    let before = pod_facts(&c);
    let old_rev = before["flask-0"].1.clone();

    c.kubectl_ok(&["delete", "sts", "flask", "--cascade=orphan"]);
    c.eventually(30, "the set gone, its pods kept", || {
        (c.kubectl(&["get", "sts", "flask"]).code != 0 && pods(&c, "app=flask").len() == 3)
            .then_some(())
    });
    c.create_json(&new);

    // the refusal, in the words golden recorded (its message goes on with a diff of the specs)
    let failed = c.eventually(30, "FailedUpdate of flask-0", || {
        event_messages(&c, "FailedUpdate").into_iter().next()
    });
    let golden_events = std::fs::read_to_string(crate::harness::golden(
        "apply/add-claim-template-no-class.events.txt",
    ))
    .unwrap();
    let golden_failed = golden_events
        .lines()
        .find(|l| l.contains("FailedUpdate"))
        .and_then(|l| l.split_once("flask         "))
        .map(|(_, m)| m.to_string())
        .unwrap();
    assert_eq!(failed.lines().next(), Some(golden_failed.as_str()));
    // the status golden recorded 20 s after the create: both revisions the new one, no pod on it
    let golden_text =
        std::fs::read_to_string(crate::harness::golden("apply/add-claim-template.txt")).unwrap();
    let golden_status: Vec<Value> = golden_text
        .lines()
        .filter(|l| l.starts_with("{\"availableReplicas\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mask = |s: &Value| {
        let mut s = s.clone();
        assert_eq!(s["currentRevision"], s["updateRevision"], "{s}");
        s["currentRevision"] = Value::from("<rev>");
        s["updateRevision"] = Value::from("<rev>");
        s
    };
    let status = c.eventually(30, "the status after the re-create", || {
        let s = c.json(&["get", "sts", "flask"])["status"].clone();
        (mask(&s) == mask(&golden_status[0])).then_some(s)
    });
    let new_rev = status["updateRevision"].as_str().unwrap().to_string();
    assert_ne!(new_rev, old_rev, "the template gained a volumeMount");
    // logs-flask-0 only: the controller never reached ordinal 1
    let claims = || {
        names(
            c.json(&["get", "pvc", "-l", "app=flask"])["items"]
                .as_array()
                .unwrap(),
        )
    };
    assert_eq!(
        claims(),
        ["logs-flask-0", "www-flask-0", "www-flask-1", "www-flask-2"]
    );
    assert_eq!(
        c.jsonpath(&["get", "pvc", "logs-flask-0"], "{.status.phase}"),
        "Pending",
        "WaitForFirstConsumer: no pod uses it"
    );
    // nothing moves by itself: no rolling update, and no scale-down …
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=2"]);
    std::thread::sleep(std::time::Duration::from_secs(3));
    let now = pod_facts(&c);
    assert_eq!(now, before, "same pods, same uids, same revision");
    assert!(pods(&c, "app=flask")
        .iter()
        .all(|p| p["metadata"]["deletionTimestamp"].is_null()));
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=3"]);
    // … and a pod deleted above ordinal 0 does not come back
    c.kubectl_ok(&["delete", "pod", "flask-2"]);
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(names(&pods(&c, "app=flask")), ["flask-0", "flask-1"]);
    assert_eq!(claims().len(), 4, "no claim for a higher ordinal");

    // the way out: replace the pods from ordinal 0 upwards, one at a time
    c.kubectl_ok(&["delete", "pod", "flask-0"]);
    let replaced = |pod: &'static str| {
        let old_uid = before[pod].0.clone();
        c.eventually(60, &format!("{pod} replaced, Ready"), || {
            let p = c.try_json(&["get", "pod", pod])?;
            let ready = p["status"]["conditions"]
                .as_array()?
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            (p["metadata"]["uid"] != old_uid.as_str() && ready).then_some(())
        });
    };
    replaced("flask-0");
    let facts = pod_facts(&c);
    assert_eq!(facts["flask-0"].1, new_rev);
    // both, in either order: the controller builds them from a Go map (updateStorage,
    // pkg/controller/statefulset/stateful_set_utils.go), the real tier gave `logs, www`
    let mut vols = facts["flask-0"].2.clone();
    vols.sort();
    assert_eq!(vols, ["logs", "www"], "both claims' volumes");
    // the controller goes on to ordinal 1, and stops there the same way
    c.eventually(30, "FailedUpdate of flask-1", || {
        event_messages(&c, "FailedUpdate")
            .iter()
            .any(|m| m.starts_with("Update Pod flask-1 in StatefulSet flask failed error: Pod \"flask-1\" is invalid: spec: Forbidden: pod updates may not change fields"))
            .then_some(())
    });
    assert!(claims().contains(&"logs-flask-1".to_string()));
    assert!(!claims().contains(&"logs-flask-2".to_string()));
    assert_eq!(
        pod_facts(&c)["flask-1"],
        before["flask-1"],
        "not replaced by itself"
    );
    assert!(!pod_facts(&c).contains_key("flask-2"));

    c.kubectl_ok(&["delete", "pod", "flask-1"]);
    replaced("flask-1");
    // past ordinal 1 at last, the missing flask-2 is created from the template
    c.wait_ready("flask", 3, 60);
    let facts = pod_facts(&c);
    for (pod, (_, rev, vols)) in &facts {
        assert_eq!(rev, &new_rev, "{pod}");
        assert_eq!(vols, &["www", "logs"], "{pod}");
    }
    c.eventually(60, "three logs claims Bound", || {
        let items = c.json(&["get", "pvc", "-l", "app=flask"])["items"].clone();
        (items.as_array()?.len() == 6
            && items
                .as_array()?
                .iter()
                .all(|p| p["status"]["phase"] == "Bound"))
        .then_some(())
    });
    // (the scale above moved the generation on: golden's set stayed at 1)
    c.eventually(30, "the status golden ends with", || {
        let set = c.json(&["get", "sts", "flask"]);
        let mut want = mask(&golden_status[3]);
        want["observedGeneration"] = set["metadata"]["generation"].clone();
        (mask(&set["status"]) == want).then_some(())
    });
}

/// The attach/detach controller names a VolumeAttachment after the volume's CSI handle, its
/// driver and the node (`getAttachmentName(pvSrc.VolumeHandle, pvSrc.Driver, node)`,
/// pkg/volume/csi/csi_attacher.go), not after the PersistentVolume: a client that GETs an
/// attachment by that name finds it only if the simulator names it so.
#[test]
fn a_volume_attachment_is_named_after_the_volume_handle() {
    use sha2::Digest;
    let c = cluster("va-name");
    let Some(_) = c.sim_or_skip("the simulator's attacher (no CSI attacher on the real tier)")
    else {
        return;
    };
    let node = c.ready_nodes()[0].clone();
    let ns = &c.namespace;
    let driver = kube_sim::controllers::volumes::NETWORK_PROVISIONER;
    c.apply(&format!(
        r#"apiVersion: v1
kind: PersistentVolume
metadata: {{name: static-{ns}}}
spec:
  capacity: {{storage: 1Gi}}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  claimRef: {{namespace: {ns}, name: data}}
  csi: {{driver: {driver}, volumeHandle: disk-0042}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: data, namespace: {ns}}}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeName: static-{ns}
  resources: {{requests: {{storage: 1Gi}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: user, namespace: {ns}}}
spec:
  nodeName: {node}
  containers: [{{name: c, image: busybox}}]
  volumes: [{{name: d, persistentVolumeClaim: {{claimName: data}}}}]
"#
    ));
    let want = format!(
        "csi-{:x}",
        sha2::Sha256::digest(format!("disk-0042{driver}{node}").as_bytes())
    );
    let got = c.eventually(30, "the volume's attachment", || {
        c.json(&["get", "volumeattachments"])["items"]
            .as_array()?
            .iter()
            .find(|va| va["spec"]["source"]["persistentVolumeName"] == format!("static-{ns}"))
            .map(|va| va["metadata"]["name"].as_str().unwrap_or("").to_string())
    });
    assert_eq!(got, want);
}
