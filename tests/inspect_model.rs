//! The pure join and diagnosis, on the recorded seed lab (`fixtures/seed-objects.json`,
//! a real cluster's objects) and variations of it; plus the rendered outputs.

use std::path::Path;

use kubectl_sts::model::findings::{ProblemCode, Severity};
use kubectl_sts::model::inspect::{
    inspect, InspectOptions, Inspection, RevisionState, RowKind, ServiceState,
};
use kubectl_sts::model::{Access, ServiceLookup, Snapshot};
use kubectl_sts::render::{self, Format, Style};
use serde_json::{json, Value};

fn fixture() -> Vec<Value> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-objects.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v["items"].as_array().unwrap().clone()
}

fn of<T: serde::de::DeserializeOwned>(objs: &[Value], kind: &str) -> Vec<T> {
    objs.iter()
        .filter(|o| o["kind"] == kind)
        .map(|o| serde_json::from_value(o.clone()).unwrap())
        .collect()
}

/// Two minutes after the golden rollout.
/// The projections the cluster layer makes of each decoded page.
fn volumes(objs: &[Value]) -> Vec<kubectl_sts::model::Volume> {
    of::<k8s_openapi::api::core::v1::PersistentVolume>(objs, "PersistentVolume")
        .into_iter()
        .map(Into::into)
        .collect()
}

fn claims(objs: &[Value]) -> Vec<kubectl_sts::model::Claim> {
    of::<k8s_openapi::api::core::v1::PersistentVolumeClaim>(objs, "PersistentVolumeClaim")
        .into_iter()
        .map(Into::into)
        .collect()
}

fn attachments(objs: &[Value]) -> Vec<kubectl_sts::model::Attachment> {
    of::<k8s_openapi::api::storage::v1::VolumeAttachment>(objs, "VolumeAttachment")
        .into_iter()
        .map(Into::into)
        .collect()
}

fn now() -> jiff::Timestamp {
    "2026-11-22T00:52:00Z".parse().unwrap()
}

fn snapshot(objs: &[Value]) -> Snapshot {
    let services: Vec<k8s_openapi::api::core::v1::Service> = of(objs, "Service");
    let set: k8s_openapi::api::apps::v1::StatefulSet =
        of(objs, "StatefulSet").pop().expect("a StatefulSet");
    let governing = set.spec.service_name.clone();
    Snapshot {
        set,
        pods: of(objs, "Pod"),
        claims: claims(objs),
        volumes: Access::Ok(volumes(objs)),
        nodes: Access::Ok(of(objs, "Node")),
        attachments: Access::Ok(attachments(objs)),
        service: match services.into_iter().find(|s| s.metadata.name == governing) {
            Some(s) => ServiceLookup::Found(Box::new(s)),
            None => ServiceLookup::Missing,
        },
        now: now(),
    }
}

fn run(objs: &[Value]) -> Inspection {
    inspect(&snapshot(objs), &InspectOptions::default())
}

fn edit(objs: &mut [Value], kind: &str, name: &str, f: impl Fn(&mut Value)) {
    let o = objs
        .iter_mut()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{kind} {name}"));
    f(o);
}

fn remove(objs: &mut Vec<Value>, kind: &str, name: &str) {
    objs.retain(|o| !(o["kind"] == kind && o["metadata"]["name"] == name));
}

fn codes(ins: &Inspection) -> Vec<String> {
    ins.problems.iter().map(|p| p.code.to_string()).collect()
}

fn kill_node(objs: &mut [Value], node: &str) {
    edit(objs, "Node", node, |n| {
        for c in n["status"]["conditions"].as_array_mut().unwrap() {
            c["status"] = json!("Unknown");
            c["lastTransitionTime"] = json!("2026-11-22T00:51:00Z");
        }
        n["spec"]["taints"] = json!([
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": "2026-11-22T00:51:00Z"},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2026-11-22T00:51:00Z"}]);
    });
}

#[test]
fn healthy_seed_joins_every_ordinal() {
    let ins = run(&fixture());
    assert_eq!(ins.rows.len(), 3);
    for (i, row) in ins.rows.iter().enumerate() {
        assert_eq!(row.ordinal, i as i64);
        assert_eq!(row.kind, RowKind::Expected);
        let pod = row.pod.as_ref().unwrap();
        assert_eq!(pod.name, format!("flask-{i}"));
        assert_eq!(
            (
                pod.status.as_str(),
                pod.ready_containers.as_str(),
                pod.ready
            ),
            ("Running", "1/1", true)
        );
        assert_eq!(
            row.dns,
            format!("flask-{i}.flask.default.svc.cluster.local")
        );
        let v = &row.volumes[0];
        assert_eq!(v.claim, format!("www-flask-{i}"));
        assert_eq!(v.claim_phase, "Bound");
        assert_eq!(v.requested.as_deref(), Some("1Gi"));
        assert!(v.volume.as_ref().unwrap().starts_with("pvc-"));
        assert_eq!(
            v.pinned_node.as_deref(),
            pod.node.as_deref(),
            "local-path PVs are pinned to the pod's node"
        );
        assert_eq!(v.source.as_deref(), Some("csi:local-path.csi.rancher.io"));
        assert_eq!(v.attached_node.as_deref(), pod.node.as_deref());
        assert!(!v.attachment_mismatch);
        assert_eq!(row.revision_state, Some(RevisionState::CurrentAndUpdate));
        assert_eq!(row.node.as_ref().unwrap().summary(), "Ready");
    }
    assert_eq!(ins.service.state, ServiceState::Headless);
    assert!(ins.problems.is_empty(), "{:?}", ins.problems);
    assert!(ins.missing_permissions.is_empty());
}

#[test]
fn missing_pod_is_a_row_that_says_so() {
    let mut objs = fixture();
    remove(&mut objs, "Pod", "flask-1");
    let ins = run(&objs);
    assert_eq!(ins.rows.len(), 3);
    assert!(ins.rows[1].pod.is_none());
    assert_eq!(codes(&ins), ["OrdinalMissing"]);
    assert_eq!(ins.problems[0].ordinal, Some(1));
}

#[test]
fn scaled_down_claims_are_retained_rows_not_garbage() {
    let mut objs = fixture();
    remove(&mut objs, "Pod", "flask-2");
    edit(&mut objs, "StatefulSet", "flask", |s| {
        s["spec"]["replicas"] = json!(2)
    });
    let ins = run(&objs);
    assert_eq!(ins.rows[2].kind, RowKind::Retained);
    assert_eq!(ins.rows[2].volumes[0].claim_phase, "Bound");
    assert_eq!(codes(&ins), ["RetainedClaims"]);
    assert_eq!(ins.problems[0].severity, Severity::Info);
    assert_eq!(ins.failing_problems(), 0, "retained data is not a failure");
}

#[test]
fn pod_above_the_range_is_being_removed() {
    let mut objs = fixture();
    edit(&mut objs, "StatefulSet", "flask", |s| {
        s["spec"]["replicas"] = json!(2)
    });
    edit(&mut objs, "Pod", "flask-2", |p| {
        p["metadata"]["deletionTimestamp"] = json!("2026-11-22T00:52:10Z")
    });
    let ins = run(&objs);
    assert_eq!(ins.rows[2].kind, RowKind::Condemned);
    assert_eq!(ins.rows[2].pod.as_ref().unwrap().status, "Terminating");
}

#[test]
fn pod_on_dead_node_then_stuck_terminating_with_pinned_volume() {
    let mut objs = fixture();
    kill_node(&mut objs, "n2");
    let ins = run(&objs);
    let row = &ins.rows[1];
    assert!(row.node.as_ref().unwrap().is_dead());
    assert_eq!(
        row.node.as_ref().unwrap().summary(),
        "Unknown 60s (unreachable)"
    );
    // golden pods tolerate unreachable for 10s (drill): already due
    assert_eq!(row.pod.as_ref().unwrap().eviction_in_seconds, Some(0));
    assert_eq!(codes(&ins), ["PodOnDeadNode"]);

    edit(&mut objs, "Pod", "flask-1", |p| {
        p["metadata"]["deletionTimestamp"] = json!("2026-11-22T00:51:20Z");
        p["metadata"]["deletionGracePeriodSeconds"] = json!(10);
    });
    let ins = run(&objs);
    assert_eq!(ins.rows[1].pod.as_ref().unwrap().status, "Terminating");
    assert_eq!(codes(&ins), ["StuckTerminatingOnDeadNode"]);
    let p = &ins.problems[0];
    assert!(
        p.action.contains("pinned to n2") && p.action.contains("no force delete helps"),
        "{}",
        p.action
    );
    assert!(
        !p.action.contains("--force"),
        "never suggest force-delete for pinned volumes"
    );
}

#[test]
fn a_volume_pinned_by_a_node_local_drivers_own_key_is_pinned_too() {
    // TopoLVM-style: the PV names its node by the driver's key, not the hostname; inspect
    // must tell it pinned as recover does (one definition), or it would suggest a force
    // delete that leaves the replacement Pending forever
    let mut objs = fixture();
    for n in ["n1", "n2", "n3"] {
        edit(&mut objs, "Node", n, |node| {
            node["metadata"]["labels"]["topology.topolvm.io/node"] = json!(n);
        });
    }
    for o in objs.iter_mut().filter(|o| o["kind"] == "PersistentVolume") {
        let e = &mut o["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]
            ["matchExpressions"][0];
        assert_eq!(e["key"], "kubernetes.io/hostname");
        e["key"] = json!("topology.topolvm.io/node");
    }
    kill_node(&mut objs, "n2");
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["metadata"]["deletionTimestamp"] = json!("2026-11-22T00:51:20Z");
        p["metadata"]["deletionGracePeriodSeconds"] = json!(10);
    });
    let ins = run(&objs);
    for row in &ins.rows {
        assert_eq!(
            row.volumes[0].pinned_node.as_deref(),
            row.pod.as_ref().unwrap().node.as_deref()
        );
    }
    assert_eq!(codes(&ins), ["StuckTerminatingOnDeadNode"]);
    let p = &ins.problems[0];
    assert!(p.action.contains("pinned to n2"), "{}", p.action);
    assert!(!p.action.contains("--force"), "{}", p.action);
}

#[test]
fn stuck_terminating_with_network_volume_suggests_out_of_service() {
    let mut objs = fixture();
    kill_node(&mut objs, "n2");
    for o in objs.iter_mut().filter(|o| o["kind"] == "PersistentVolume") {
        o["spec"].as_object_mut().unwrap().remove("nodeAffinity");
    }
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["metadata"]["deletionTimestamp"] = json!("2026-11-22T00:51:20Z")
    });
    let ins = run(&objs);
    let p = &ins.problems[0];
    assert_eq!(p.code, ProblemCode::StuckTerminatingOnDeadNode);
    assert!(
        p.action
            .contains("confirm the machine n2 is really off, then: kubectl sts recover flask-1 -n"),
        "{}",
        p.action
    );
}

#[test]
fn replacement_blocked_by_volume_on_dead_node() {
    let mut objs = fixture();
    kill_node(&mut objs, "n2");
    // the force-deleted pod's replacement: Pending, not scheduled
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["spec"].as_object_mut().unwrap().remove("nodeName");
        p["status"] = json!({"phase": "Pending"});
        p["metadata"]["uid"] = json!("new-uid");
    });
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["PinnedVolumeOnDeadNode"]);
    // network volume: scheduled elsewhere, old attachment still on n2 (Multi-Attach)
    for o in objs.iter_mut().filter(|o| o["kind"] == "PersistentVolume") {
        o["spec"].as_object_mut().unwrap().remove("nodeAffinity");
    }
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["spec"]["nodeName"] = json!("n1")
    });
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["VolumeAttachedToDeadNode"]);
    assert!(ins.rows[1].volumes[0].attachment_mismatch);
    assert_eq!(ins.rows[1].volumes[0].attached_node.as_deref(), Some("n2"));
}

/// The managedFields entry of a manager whose Update set `spec.unschedulable` (and, for
/// kubectl-sts, drain's annotation).
fn cordon_entry(manager: &str) -> serde_json::Value {
    let mut f = json!({"f:spec": {"f:unschedulable": {}}});
    if manager == "kubectl-sts" {
        f["f:metadata"] = json!({"f:annotations": {".": {}, "f:kubectl-sts.io/cordoned-by": {}}});
    }
    json!({"manager": manager, "operation": "Update", "apiVersion": "v1", "time": "2026-11-22T00:20:00Z", "fieldsType": "FieldsV1", "fieldsV1": f})
}

/// After `kubectl sts drain`, a plain `kubectl uncordon` and someone else's `kubectl cordon`, the
/// annotation is stale (the field is kubectl's): a dead node's pod waiting for it is not
/// planned maintenance but data pinned to a dead node.
#[test]
fn a_stale_cordon_annotation_on_a_dead_node_is_not_planned_maintenance() {
    let mut objs = fixture();
    kill_node(&mut objs, "n2");
    edit(&mut objs, "Node", "n2", |n| {
        n["spec"]["unschedulable"] = json!(true);
        n["metadata"]["annotations"][kubectl_sts::model::set::CORDONED_BY] =
            json!("kubectl-sts drain by alice at 2026-11-22T00:20:00Z");
        let mut stale = cordon_entry("kubectl-sts");
        stale["fieldsV1"].as_object_mut().unwrap().remove("f:spec");
        n["metadata"]["managedFields"] = json!([stale, cordon_entry("kubectl")]);
    });
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["spec"].as_object_mut().unwrap().remove("nodeName");
        p["status"] = json!({"phase": "Pending"});
        p["metadata"]["uid"] = json!("new-uid");
    });
    assert_eq!(codes(&run(&objs)), ["PinnedVolumeOnDeadNode"]);
    // drain's own cordon on the same dead node: planned
    edit(&mut objs, "Node", "n2", |n| {
        n["metadata"]["managedFields"] = json!([cordon_entry("kubectl-sts")]);
    });
    assert_eq!(codes(&run(&objs)), ["PlannedMaintenance"]);
}

#[test]
fn a_replica_pending_for_drains_maintenance_is_planned_however_long_it_waits() {
    let mut objs = fixture();
    edit(&mut objs, "Node", "n2", |n| {
        n["spec"]["unschedulable"] = json!(true);
        n["metadata"]["annotations"][kubectl_sts::model::set::CORDONED_BY] =
            json!("kubectl-sts drain by alice at 2026-11-22T00:20:00Z");
        n["metadata"]["managedFields"] = json!([cordon_entry("kubectl-sts")]);
    });
    // evicted 30 minutes ago; its replacement waits for n2, which holds its volume
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["spec"].as_object_mut().unwrap().remove("nodeName");
        p["status"] = json!({"phase": "Pending"});
        p["metadata"]["uid"] = json!("new-uid");
        p["metadata"]["creationTimestamp"] = json!("2026-11-22T00:22:00Z");
    });
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["PlannedMaintenance"]);
    assert_eq!(ins.problems[0].severity, Severity::Info);
    // the same pod on a node that is not out for maintenance: not Ready for 30 minutes
    edit(&mut objs, "Node", "n2", |n| {
        n["metadata"]["annotations"]
            .as_object_mut()
            .unwrap()
            .remove(kubectl_sts::model::set::CORDONED_BY);
    });
    assert_eq!(codes(&run(&objs)), ["PodNotReady"]);
}

#[test]
fn service_missing_or_not_headless() {
    let mut objs = fixture();
    edit(&mut objs, "Service", "flask", |s| {
        s["spec"]["clusterIP"] = json!("10.96.0.12")
    });
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["ServiceNotHeadless"]);
    // never "recreate the Service": the API refuses clusterIP: None on an existing Service,
    // and deleting it takes its cluster IP from its clients
    let action = &ins.problems[0].action;
    assert!(
        action.contains("create a second, headless Service flask-headless (clusterIP: None")
            && action.contains("--cascade=orphan")
            && !action.contains("recreate the Service"),
        "{action}"
    );
    remove(&mut objs, "Service", "flask");
    assert_eq!(codes(&run(&objs)), ["ServiceMissing"]);
}

#[test]
fn unbound_claim_and_lost_claim() {
    let mut objs = fixture();
    edit(&mut objs, "PersistentVolumeClaim", "www-flask-0", |c| {
        c["spec"].as_object_mut().unwrap().remove("volumeName");
        c["status"] = json!({"phase": "Pending"});
    });
    edit(&mut objs, "PersistentVolumeClaim", "www-flask-2", |c| {
        c["status"]["phase"] = json!("Lost")
    });
    let ins = run(&objs);
    assert_eq!(ins.rows[0].volumes[0].claim_phase, "Pending");
    assert!(ins.rows[0].volumes[0].volume.is_none());
    assert_eq!(codes(&ins), ["ClaimLost", "ClaimPending"]);
}

#[test]
fn rolling_update_midway_and_partition() {
    let mut objs = fixture();
    edit(&mut objs, "StatefulSet", "flask", |s| {
        s["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = json!(2);
        s["status"]["updateRevision"] = json!("flask-new");
    });
    edit(&mut objs, "Pod", "flask-2", |p| {
        p["metadata"]["labels"]["controller-revision-hash"] = json!("flask-new")
    });
    let ins = run(&objs);
    assert_eq!(ins.rows[2].revision_state, Some(RevisionState::Update));
    assert_eq!(ins.rows[0].revision_state, Some(RevisionState::Current));
    assert!(
        ins.rows[0].below_partition && ins.rows[1].below_partition && !ins.rows[2].below_partition
    );
    // a new-revision pod that never gets Ready stalls the rollout
    edit(&mut objs, "Pod", "flask-2", |p| {
        p["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
        p["status"]["containerStatuses"][0]["ready"] = json!(false);
        p["metadata"]["creationTimestamp"] = json!("2026-11-22T00:40:00Z");
    });
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["RolloutStuck"]);
    assert!(
        ins.problems[0]
            .action
            .contains("kubectl rollout undo sts/flask"),
        "{}",
        ins.problems[0].action
    );
    // the template changed back: the pod is on neither revision, and the OrderedReady
    // controller waits for it forever; the repair is the action
    edit(&mut objs, "StatefulSet", "flask", |s| {
        s["status"]["updateRevision"] = s["status"]["currentRevision"].clone();
    });
    let ins = run(&objs);
    assert_eq!(ins.rows[2].revision_state, Some(RevisionState::Other));
    assert_eq!(codes(&ins), ["RolloutStuck"]);
    assert!(
        ins.problems[0]
            .action
            .contains("kubectl sts rollout repair flask -n"),
        "{}",
        ins.problems[0].action
    );
}

#[test]
fn start_ordinal_two_templates_and_foreign_claims() {
    let mut objs = fixture();
    edit(&mut objs, "StatefulSet", "flask", |s| {
        s["spec"]["ordinals"] = json!({"start": 5});
        s["spec"]["replicas"] = json!(2);
        let mut t2 = s["spec"]["volumeClaimTemplates"][0].clone();
        t2["metadata"]["name"] = json!("logs");
        t2["spec"]["resources"]["requests"]["storage"] = json!("2Gi");
        s["spec"]["volumeClaimTemplates"]
            .as_array_mut()
            .unwrap()
            .push(t2);
    });
    for (old, new) in [("flask-0", "flask-5"), ("flask-1", "flask-6")] {
        edit(&mut objs, "Pod", old, |p| {
            p["metadata"]["name"] = json!(new)
        });
        edit(
            &mut objs,
            "PersistentVolumeClaim",
            &format!("www-{old}"),
            |c| c["metadata"]["name"] = json!(format!("www-{new}")),
        );
    }
    remove(&mut objs, "Pod", "flask-2");
    // a claim of another set that shares the labels must not be joined
    let mut foreign = objs
        .iter()
        .find(|o| o["kind"] == "PersistentVolumeClaim" && o["metadata"]["name"] == "www-flask-2")
        .unwrap()
        .clone();
    foreign["metadata"]["name"] = json!("www-flaskdb-5");
    objs.push(foreign);
    let ins = run(&objs);
    let ords: Vec<i64> = ins.rows.iter().map(|r| r.ordinal).collect();
    assert_eq!(
        ords,
        [2, 5, 6],
        "ordinal 2 is a retained claim below the start"
    );
    assert_eq!(ins.rows[0].kind, RowKind::Retained);
    let r5 = &ins.rows[1];
    assert_eq!(r5.volumes.len(), 2);
    assert_eq!(r5.volumes[1].claim, "logs-flask-5");
    assert_eq!(r5.volumes[1].claim_phase, "Missing");
    assert_eq!(r5.dns, "flask-5.flask.default.svc.cluster.local");
    assert!(ins
        .rows
        .iter()
        .all(|r| r.volumes.iter().all(|v| v.claim != "www-flaskdb-5")));
}

#[test]
fn forbidden_cluster_lookups_are_reported_not_fatal() {
    let mut snap = snapshot(&fixture());
    snap.nodes = Access::Forbidden;
    snap.volumes = Access::Forbidden;
    snap.attachments = Access::Forbidden;
    let ins = inspect(&snap, &InspectOptions::default());
    assert_eq!(
        ins.missing_permissions,
        // one set's are read by name
        [
            "get nodes",
            "get persistentvolumes",
            "get volumeattachments.storage.k8s.io"
        ]
    );
    assert!(ins.rows[0].node.is_none());
    assert!(ins.rows[0].volumes[0].capacity.is_none());
    assert_eq!(ins.rows[0].volumes[0].claim_phase, "Bound");
}

fn rendered(ins: &Inspection, format: Format) -> String {
    let mut buf = Vec::new();
    let style = Style {
        color: false,
        terminal: false,
    };
    match format {
        Format::Table | Format::Wide => {
            render::inspection(&mut buf, ins, format == Format::Wide, style).unwrap()
        }
        f => render::serialized(&mut buf, ins, f).unwrap(),
    }
    String::from_utf8(buf).unwrap()
}

#[test]
fn table_and_documents_snapshots() {
    let mut objs = fixture();
    kill_node(&mut objs, "n2");
    edit(&mut objs, "Pod", "flask-1", |p| {
        p["metadata"]["deletionTimestamp"] = json!("2026-11-22T00:51:20Z")
    });
    let ins = run(&objs);
    crate::harness::assert_fixture("dead-node.table.txt", &rendered(&ins, Format::Table));
    crate::harness::assert_fixture("dead-node.wide.txt", &rendered(&ins, Format::Wide));
    let json_text = rendered(&ins, Format::Json);
    crate::harness::assert_fixture("dead-node.json", &json_text);
    let doc: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(doc["apiVersion"], "kubectl-sts/v1");
    assert_eq!(doc["kind"], "Inspection");
    assert_eq!(doc["rows"][1]["pod"]["status"], "Terminating");
    assert_eq!(doc["problems"][0]["code"], "StuckTerminatingOnDeadNode");
    let yaml = rendered(&ins, Format::Yaml);
    assert!(
        yaml.contains("kind: Inspection") && yaml.contains("code: StuckTerminatingOnDeadNode"),
        "{yaml}"
    );
}

/// The overview joins each set against an index of the fleet's objects; it must find exactly
/// what the single-set fetch finds, so `inspect -A` and `inspect NAME` always agree — also next
/// to a second set whose names share a prefix (`flask` and `flask-canary`).
#[test]
fn the_overview_join_matches_the_single_set_join() {
    use kubectl_sts::model::inspect::inspect_fleet;
    use kubectl_sts::model::Fleet;
    let mut objs = fixture();
    kill_node(&mut objs, "n2");
    // a second set in the same namespace, with pods and claims named like the first one's
    let mut extra: Vec<Value> = objs
        .iter()
        .filter(|o| {
            matches!(
                o["kind"].as_str(),
                Some("StatefulSet" | "Pod" | "PersistentVolumeClaim")
            )
        })
        .cloned()
        .collect();
    for o in &mut extra {
        let name = o["metadata"]["name"]
            .as_str()
            .unwrap()
            .replace("flask", "flask-canary");
        o["metadata"]["name"] = json!(name);
        o["metadata"]["uid"] = json!(format!("canary-{name}"));
        o["metadata"]["ownerReferences"] = json!(null);
        o["metadata"]["labels"]["app"] = json!("canary");
    }
    extra
        .iter_mut()
        .filter(|o| o["kind"] == "StatefulSet")
        .for_each(|s| s["spec"]["selector"] = json!({"matchLabels": {"app": "canary"}}));
    let single = serde_json::to_value(run(&objs)).unwrap();
    let mut all = objs.clone();
    all.extend(extra);
    let fleet = Fleet {
        sets: of(&all, "StatefulSet"),
        pods: of(&all, "Pod"),
        claims: claims(&all),
        services: Access::Ok(of(&all, "Service")),
        volumes: Access::Ok(volumes(&all)),
        nodes: Access::Ok(of(&all, "Node")),
        attachments: Access::Ok(attachments(&all)),
        now: now(),
    };
    let opts = InspectOptions::default();
    let overview: Vec<Value> = inspect_fleet(&fleet, &opts)
        .map(|i| serde_json::to_value(i).unwrap())
        .collect();
    assert_eq!(overview.len(), 2);
    let flask = overview.iter().find(|i| i["name"] == "flask").unwrap();
    assert_eq!(flask, &single);
    let canary = overview
        .iter()
        .find(|i| i["name"] == "flask-canary")
        .unwrap();
    assert_eq!(canary["rows"].as_array().unwrap().len(), 3, "{canary}");
    assert_eq!(canary["rows"][0]["pod"]["name"], "flask-canary-0");
}

/// Golden `apply/add-claim-template.txt`: the set orphan-deleted and re-created with a second
/// claim template (`logs`); it adopts the pods, which have no volume for it, and reports its
/// new revision as both current and update while every pod runs the old one.
#[test]
fn a_set_recreated_with_a_claim_template_its_pods_lack_is_stuck_at_ordinal_0() {
    use kubectl_sts::model::inspect::OverviewRow;
    let mut objs = fixture();
    edit(&mut objs, "StatefulSet", "flask", |s| {
        let mut logs = s["spec"]["volumeClaimTemplates"][0].clone();
        logs["metadata"]["name"] = json!("logs");
        s["spec"]["volumeClaimTemplates"]
            .as_array_mut()
            .unwrap()
            .push(logs);
        // golden's status 20 s after the re-create (updatedReplicas 0, omitted)
        s["status"] = json!({"availableReplicas": 3, "collisionCount": 0,
            "currentRevision": "flask-7587cd6b4f", "observedGeneration": 1, "readyReplicas": 3,
            "replicas": 3, "updateRevision": "flask-7587cd6b4f"});
    });
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["ControllerStuck"]);
    let p = &ins.problems[0];
    assert_eq!((p.severity, p.ordinal), (Severity::Error, Some(0)));
    assert!(
        p.message.starts_with(
            "the StatefulSet controller is stuck at flask-0: it has no volume for claim template logs"
        ),
        "{}",
        p.message
    );
    assert!(
        p.message
            .contains("a pod deleted above it does not come back"),
        "{}",
        p.message
    );
    assert_eq!(
        p.action,
        "replace the pods from the lowest ordinal upwards, one at a time, each Ready and available before the next: kubectl delete pod flask-0 -n default, then flask-1, then flask-2 (each comes back with every claim template's volume)"
    );
    // not "current": no pod runs the revision both fields name (kubectl's updatedReplicas rule)
    assert_eq!(OverviewRow::from(&ins).revision, "updating 0/3");
    let text = rendered(&ins, Format::Table);
    assert!(
        text.contains("rolling update in progress: 0 of 3 pods on revision flask-7587cd6b4f"),
        "{text}"
    );
    assert!(text.contains("ControllerStuck"), "{text}");

    // flask-0 replaced from the template: the controller gets to flask-1 and stops there
    edit(&mut objs, "Pod", "flask-0", |p| {
        p["spec"]["volumes"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "logs", "persistentVolumeClaim": {"claimName": "logs-flask-0"}}));
        p["metadata"]["labels"]["controller-revision-hash"] = json!("flask-7587cd6b4f");
    });
    edit(&mut objs, "StatefulSet", "flask", |s| {
        s["status"]["updatedReplicas"] = json!(1);
    });
    // flask-2 deleted meanwhile: the controller does not create it while stuck below it
    remove(&mut objs, "Pod", "flask-2");
    let ins = run(&objs);
    assert_eq!(codes(&ins), ["ControllerStuck", "OrdinalMissing"]);
    assert_eq!(ins.problems[0].ordinal, Some(1));
    assert!(
        ins.problems[0]
            .action
            .contains("kubectl delete pod flask-1 -n default (each"),
        "{}",
        ins.problems[0].action
    );
    assert_eq!(
        ins.problems[1].action,
        "the controller creates it only once it gets past flask-1 (ControllerStuck)"
    );
    assert_eq!(OverviewRow::from(&ins).revision, "updating 1/3");
}
