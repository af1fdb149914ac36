//! `kubectl-sts recover` and `release-node`: the way back from a dead node chosen from the
//! pod's volumes, written only when proven and confirmed, and followed to Ready.

use std::time::Duration;

use crate::force_delete::on_terminal;
use crate::harness::{kill_flask_1, lab, power, ready_condition, Cluster, Out, Tool};

fn uid(c: &Cluster, kind: &str, name: &str) -> String {
    c.jsonpath(&["get", kind, name], "{.metadata.uid}")
}

fn out_of_service(c: &Cluster, node: &str) -> bool {
    c.jsonpath(&["get", "node", node], "{.spec.taints[*].key}")
        .contains("node.kubernetes.io/out-of-service")
}

fn node_back(c: &Cluster, node: &str) {
    power(c, node, true);
    c.eventually(60, "node Ready again", || {
        let ready = ready_condition(&c.json(&["get", "node", node]))?;
        (ready["status"] == "True").then_some(())
    });
}

/// The namespace overview's problems for flask: a node the set no longer uses is read only by
/// the overview (one set's inspection reads the nodes its pods and volumes name).
fn overview_problems(c: &Cluster) -> Vec<serde_json::Value> {
    let out = c.sts(&["inspect", "-o", "json"]);
    let doc = out.json();
    doc["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["name"] == "flask")
        .flat_map(|i| i["problems"].as_array().cloned().unwrap_or_default())
        .collect()
}

#[test]
fn recover_takes_a_movable_volume_out_of_service_and_follows_the_replacement() {
    // the forced detach stays at its real 6 minutes: only the out-of-service path can make
    // the replacement Ready within this test's timeout
    let Some(c) = lab("recover-net", "network", Duration::from_secs(360)) else {
        return;
    };
    // a healthy pod is not recovered; a missing one is not found
    let out = c.sts(&["recover", "flask-0", "--yes", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(out.json()["eligibility"]["code"], "PodHealthy");
    assert_eq!(c.sts(&["recover", "ghost", "--yes"]).code, 3);
    assert_eq!(
        c.sts(&["recover", "flask-1", "--wait", "--abandon-data"])
            .code,
        2
    );

    let node = kill_flask_1(&c);
    let before = uid(&c, "pod", "flask-1");
    let args = ["recover", "flask-1", "--node-silence", "5s"];

    // no terminal, no --yes: not confirmed, nothing written
    let out = c.sts(&args);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("not confirmed"), "{}", out.stderr);
    assert!(!out_of_service(&c, &node));

    // the dry run: evidence, path, every pod the taint acts on, the write it would make
    let mut dry = args.to_vec();
    dry.extend(["--dry-run", "-o", "json"]);
    let out = c.sts(&dry);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["kind"], "RecoverResult");
    assert_eq!(d["outcome"], "DryRun");
    assert_eq!(d["path"], "OutOfServiceTaint");
    assert_eq!(d["volumes"][0]["claim"], "www-flask-1");
    assert_eq!(d["volumes"][0]["placement"], "Movable");
    assert_eq!(d["volumes"][0]["attachedToDeadNode"], true);
    let on_node = d["nodePods"].as_array().unwrap();
    assert!(
        on_node.iter().any(|p| p["name"] == "flask-1"
            && p["fate"] == "Deleted"
            && p["owner"] == "StatefulSet/flask"),
        "{d}"
    );
    assert_eq!(d["writes"][0]["done"], false);
    assert_eq!(
        d["writes"][0]["action"],
        format!(
            "kubectl taint node {node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
        )
    );
    assert!(!out_of_service(&c, &node));
    // giving up data is never the path for a volume that can move: the flag is not used
    let mut abandon = dry.clone();
    abandon.push("--abandon-data=www-flask-1");
    let out = c.sts(&abandon);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["path"], "OutOfServiceTaint");
    assert_eq!(d["writes"].as_array().unwrap().len(), 1, "{d}");
    assert!(
        d["warnings"][0]
            .as_str()
            .unwrap()
            .contains("--abandon-data is not used"),
        "{d}"
    );

    // on a terminal the node's name must be typed: the pod's name is not the answer
    if let Some(wrong) = on_terminal(&c, &args, "flask-1\n") {
        assert_eq!(wrong.code, 7, "{}", wrong.stdout);
        assert!(
            wrong
                .stdout
                .contains(&format!("Type the node name ({node}) to confirm:")),
            "{}",
            wrong.stdout
        );
        assert!(
            wrong.stdout.contains("default/flask-1")
                || wrong.stdout.contains("/flask-1 is deleted"),
            "{}",
            wrong.stdout
        );
        assert!(!out_of_service(&c, &node));
    } else {
        crate::harness::skip("util-linux `script` is not installed: no pseudo-terminal");
    }

    // --yes alone does not say the machine is off: the taint needs the node named, and the
    // right one
    let mut yes = args.to_vec();
    yes.push("--yes");
    let out = c.sts(&yes);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("--node-is-off {node}")),
        "{}",
        out.stderr
    );
    let other = if node == "n1" { "n2" } else { "n1" };
    let out = c.sts(&[&yes[..], &["--node-is-off", other]].concat());
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(!out_of_service(&c, &node));

    // confirmed: tainted, followed until the replacement is Ready on a live node
    yes.extend(["--node-is-off", &node, "--timeout", "150s", "-o", "json"]);
    let out = c.sts(&yes);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Recovered", "{d}");
    assert_eq!(d["writes"][0]["done"], true);
    assert_eq!(d["replacement"]["ready"], true);
    assert_ne!(d["replacement"]["uid"], before.as_str());
    assert_ne!(d["replacement"]["node"], node.as_str());
    let phases: Vec<&str> = d["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases.first(), Some(&"OldPodPresent"), "{phases:?}");
    assert_eq!(phases.last(), Some(&"Ready"), "{phases:?}");
    assert!(d["totalSeconds"].as_f64().unwrap() < 150.0);
    assert!(d["followUp"]
        .as_str()
        .unwrap()
        .contains(&format!("kubectl sts release-node {node}")));
    assert!(out_of_service(&c, &node));
    assert_eq!(
        c.jsonpath(
            &["get", "pod", "flask-1"],
            "{.spec.volumes[0].persistentVolumeClaim.claimName}"
        ),
        "www-flask-1",
        "the same claim"
    );

    // the taint stays while the node is down
    let out = c.sts(&["release-node", &node, "--node-silence", "5s"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("the taint stays until it is back"),
        "{}",
        out.stderr
    );
    assert!(out_of_service(&c, &node));

    // back: inspect says the taint is left, release-node removes it (and only it)
    node_back(&c, &node);
    let left = overview_problems(&c);
    assert!(
        left.iter().any(|p| p["code"] == "OutOfServiceTaintLeft"
            && p["action"] == format!("kubectl sts release-node {node}")),
        "{left:?}"
    );
    let out = c.sts(&["release-node", &node, "--node-silence", "5s", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["outcome"], "Released");
    assert!(!out_of_service(&c, &node));
    assert!(!overview_problems(&c)
        .iter()
        .any(|p| p["code"] == "OutOfServiceTaintLeft"));
    let out = c.sts(&["release-node", &node, "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["outcome"], "NothingToDo");
    assert_eq!(c.sts(&["release-node", "no-such-node"]).code, 3);
}

fn json_of(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

#[test]
fn recover_stops_at_pinned_data_unless_told_to_wait_or_to_give_it_up() {
    let Some(c) = lab("recover-pinned", "local-path", Duration::from_secs(360)) else {
        return;
    };
    let node = kill_flask_1(&c);
    let claim_before = uid(&c, "pvc", "www-flask-1");
    let args = ["recover", "flask-1", "--node-silence", "5s", "-o", "json"];

    // by default: explained, exit 4, nothing written
    let out = c.sts(&[&args[..], &["--yes"]].concat());
    assert_eq!(out.code, 4, "{}", out.stderr);
    let d = json_of(&out);
    assert_eq!(d["path"], "VolumePinned");
    assert_eq!(d["volumes"][0]["placement"], "Pinned");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("--abandon-data=www-flask-1 --yes"),
        "{d}"
    );
    assert!(!out_of_service(&c, &node));

    // the claims must be named exactly, with --yes, to give the data up
    for wrong in [
        vec!["--abandon-data=www-flask-0", "--yes"],
        vec!["--abandon-data", "--yes"],
        vec!["--abandon-data=www-flask-1"],
    ] {
        let out = c.sts(&[&args[..], &wrong[..]].concat());
        assert_eq!(out.code, 7, "{wrong:?}: {}", out.stderr);
        assert_eq!(uid(&c, "pvc", "www-flask-1"), claim_before, "{wrong:?}");
    }

    // --wait: writes nothing and follows the ordinal until its node is back
    let waiting = c.sts_spawn(&[&args[..], &["--wait", "--timeout", "120s"]].concat());
    std::thread::sleep(Duration::from_secs(2));
    node_back(&c, &node);
    let out: Out = waiting.wait_with_output().unwrap().into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = json_of(&out);
    assert_eq!(d["outcome"], "Recovered");
    assert_eq!(d["writes"].as_array().unwrap().len(), 0);
    assert_eq!(
        d["replacement"]["node"],
        node.as_str(),
        "back where its data is"
    );
    assert_eq!(uid(&c, "pvc", "www-flask-1"), claim_before);
    c.wait_ready("flask", 3, 90);

    // dead again; now give the data up: the pod and its claim go, an empty claim comes
    let node = kill_flask_1(&c);
    let pod_before = uid(&c, "pod", "flask-1");
    let out = c.sts(
        &[
            &args[..],
            &["--abandon-data=www-flask-1", "--yes", "--timeout", "120s"],
        ]
        .concat(),
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = json_of(&out);
    assert_eq!(d["outcome"], "Recovered", "{d}");
    let writes: Vec<&str> = d["writes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["action"].as_str().unwrap())
        .collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(
        writes[0].starts_with("kubectl delete pod flask-1"),
        "{writes:?}"
    );
    assert!(writes[1].contains("ITS DATA IS GIVEN UP"), "{writes:?}");
    assert_ne!(d["replacement"]["node"], node.as_str());
    assert_ne!(uid(&c, "pod", "flask-1"), pod_before);
    let claim_after = uid(&c, "pvc", "www-flask-1");
    assert!(!claim_after.is_empty() && claim_after != claim_before);
    assert!(!out_of_service(&c, &node), "no taint on this path");
    // the other ordinals' claims are untouched
    assert_eq!(
        c.kubectl_ok(&["get", "pvc", "-o", "name"]).lines().count(),
        3
    );
}

/// Two ordinals on one node that dies (co-located by a nodeSelector while they were created,
/// then the selector removed under OnDelete, so that replacements may go anywhere): the
/// controller under OrderedReady creates flask-1 only after flask-0 is back, so giving up
/// flask-1's data first would lose it for nothing. Refused, naming the ordinal to recover
/// first; recovering flask-0 first, then flask-1, works.
#[test]
fn recover_refuses_an_ordinal_that_ordered_ready_will_not_recreate_yet() {
    let Some(c) = crate::harness::lab_with(
        "recover-ordered",
        Duration::from_secs(360),
        |c: &Cluster| {
            let node = c.ready_nodes().first().cloned().unwrap_or_default();
            let pod_extra: &'static str =
                Box::leak(crate::harness::on_node(&node).into_boxed_str());
            crate::harness::Sts {
                replicas: 2,
                extra: "updateStrategy:\n  type: OnDelete",
                pod_extra,
                ..Default::default()
            }
        },
    ) else {
        return;
    };
    let node = c.jsonpath(&["get", "pod", "flask-0"], "{.spec.nodeName}");
    assert_eq!(
        c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}"),
        node,
        "both ordinals on one node"
    );
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type",
        "json",
        "-p",
        r#"[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]"#,
    ]);
    kill_flask_1(&c);
    c.eventually(40, "flask-0 Terminating too", || {
        crate::harness::row(&c, "flask-0")
            .contains("Terminating")
            .then_some(())
    });
    let pod_before = uid(&c, "pod", "flask-1");
    let claim_before = uid(&c, "pvc", "www-flask-1");
    let base = ["--node-silence", "5s", "--timeout", "120s", "-o", "json"];
    let out = c.sts(
        &[
            &["recover", "flask-1", "--abandon-data=www-flask-1", "--yes"][..],
            &base,
        ]
        .concat(),
    );
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = json_of(&out);
    let msg = d["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains(&format!(
            "flask-0 is terminating on node {node}: recover flask-0 first"
        )),
        "{msg}"
    );
    assert!(
        d["writes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["done"] == false),
        "{d}"
    );
    assert_eq!(uid(&c, "pod", "flask-1"), pod_before, "nothing deleted");
    assert_eq!(
        uid(&c, "pvc", "www-flask-1"),
        claim_before,
        "no data given up"
    );
    // the dry run says the same
    let out = c.sts(
        &[
            &[
                "recover",
                "flask-1",
                "--abandon-data=www-flask-1",
                "--dry-run",
            ][..],
            &base,
        ]
        .concat(),
    );
    assert_eq!(out.code, 4, "{}", out.stdout);

    // in order: flask-0 first, then flask-1
    for ord in ["0", "1"] {
        let pod = format!("flask-{ord}");
        let abandon = format!("--abandon-data=www-flask-{ord}");
        let out = c.sts(&[&["recover", &pod, &abandon, "--yes"][..], &base].concat());
        assert_eq!(out.code, 0, "{pod}: {}\n{}", out.stdout, out.stderr);
        assert_ne!(json_of(&out)["replacement"]["node"], node.as_str());
    }
    assert_ne!(uid(&c, "pvc", "www-flask-1"), claim_before);
}

/// Issue 34 item 12: flask-1's volume can move (the out-of-service taint path), but flask-0 is on
/// the same dead node with a volume only that node can use (a claim restored onto local
/// storage). The taint would delete both; flask-0's replacement can start nowhere, so under
/// OrderedReady flask-1 would never be created again: refused before any write, naming flask-0.
#[test]
fn recover_refuses_the_taint_when_a_lower_ordinal_on_the_node_is_pinned_there() {
    let Some(c) = crate::harness::lab_with(
        "recover-pinned-below",
        Duration::from_secs(360),
        |c: &Cluster| {
            let node = c.ready_nodes().first().cloned().unwrap_or_default();
            let pod_extra: &'static str =
                Box::leak(crate::harness::on_node(&node).into_boxed_str());
            // flask-0's claim exists before the set, on node-local storage: the controller
            // adopts it by name
            let local = c.class_for("local-path");
            c.apply(&format!(
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: www-flask-0\n  labels:\n    app: flask\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: {local}\n  resources:\n    requests:\n      storage: 1Gi\n"
            ));
            crate::harness::Sts {
                replicas: 2,
                class: "network",
                pod_extra,
                ..Default::default()
            }
        },
    ) else {
        return;
    };
    let node = c.jsonpath(&["get", "pod", "flask-0"], "{.spec.nodeName}");
    assert_eq!(
        c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}"),
        node,
        "both ordinals on one node"
    );
    kill_flask_1(&c);
    let pod_before = uid(&c, "pod", "flask-1");
    let base = ["--node-silence", "5s", "-o", "json"];
    for extra in [&["--dry-run"][..], &["--yes", "--timeout", "60s"][..]] {
        let out = c.sts(&[&["recover", "flask-1"][..], extra, &base].concat());
        assert_eq!(out.code, 4, "{extra:?}: {}\n{}", out.stdout, out.stderr);
        let d = json_of(&out);
        assert_eq!(d["path"], "OutOfServiceTaint", "{d}");
        let msg = d["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains(&format!(
                "flask-0 is on node {node} too with a volume only that node can use"
            )) && msg.contains("recover flask-0 first"),
            "{msg}"
        );
    }
    assert!(!out_of_service(&c, &node), "no taint written");
    assert_eq!(uid(&c, "pod", "flask-1"), pod_before, "nothing deleted");
}

/// The operator reads the prompt while someone else force-deletes the pod and the controller
/// re-creates it: the pod confirmed is not the pod there now, so nothing more is written —
/// above all, its claims are not deleted.
#[test]
fn recover_gives_up_no_data_when_the_confirmed_pod_was_replaced_meanwhile() {
    let Some(c) = lab("recover-replaced", "local-path", Duration::from_secs(360)) else {
        return;
    };
    kill_flask_1(&c);
    let pod_before = uid(&c, "pod", "flask-1");
    let claim_before = uid(&c, "pvc", "www-flask-1");
    let Some(out) = crate::force_delete::on_terminal_after(
        &c,
        &[
            "recover",
            "flask-1",
            "--node-silence",
            "5s",
            "--abandon-data=www-flask-1",
        ],
        "www-flask-1\n",
        || {
            c.kubectl_ok(&["delete", "pod", "flask-1", "--force", "--grace-period=0"]);
            c.eventually(20, "flask-1 re-created", || {
                let now = uid(&c, "pod", "flask-1");
                (!now.is_empty() && now != pod_before).then_some(())
            });
        },
    ) else {
        crate::harness::skip("util-linux `script` is not installed: no pseudo-terminal");
        return;
    };
    assert_eq!(out.code, 4, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("is gone or was replaced by a new pod since it was checked"),
        "{}",
        out.stdout
    );
    assert_eq!(
        uid(&c, "pvc", "www-flask-1"),
        claim_before,
        "the data is kept"
    );
}

/// The Node object of the dead node is deleted (as a cloud's node lifecycle controller or an
/// operator does): nothing is left to taint, and the attach/detach controller still waits for
/// its forced detach of the volume it last saw mounted there (6 minutes on a real cluster;
/// this lab shortens it to 20 s), which recover says instead of "starts at once".
#[test]
fn recover_after_the_node_object_is_deleted_says_the_detach_still_waits() {
    let Some(c) = lab("recover-node-gone", "network", Duration::from_secs(20)) else {
        return;
    };
    let node = kill_flask_1(&c);
    c.kubectl_ok(&["delete", "node", &node, "--wait=false"]);
    let out = c.sts(&[
        "recover",
        "flask-1",
        "--yes",
        "--node-silence",
        "5s",
        "--timeout",
        "150s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Recovered", "{d}");
    assert_eq!(d["path"], "Delete", "{d}");
    let expect = d["expectation"].as_str().unwrap();
    assert!(expect.contains("still waits about 6 minutes"), "{expect}");
    assert!(!expect.contains("at once"), "{expect}");
    // the volume moved only with the forced detach (20 s after the pod was deleted), not when
    // the node object went
    assert!(d["totalSeconds"].as_f64().unwrap() >= 15.0, "{d}");
    if !c.is_sim() {
        // a real kubelet registers its Node object again when it starts
        power(&c, &node, true);
    }
}

/// A zonal disk is not pinned because its zone is down: the other nodes of its zone could take
/// it. recover says "no live, schedulable node in zone X" (not "pinned"), does not offer to
/// give up data, and takes the out-of-service path, which works once a node of the zone is back.
#[test]
fn a_zonal_volume_in_a_zone_that_is_down_is_not_pinned() {
    let config = kube_sim::SimConfig {
        node_monitor_grace: Duration::from_secs(8),
        toleration_seconds: 10,
        lease_renew: Duration::from_secs(2),
        force_detach_after: Duration::from_secs(360),
        speed: 5.0,
        zones: vec!["a".into(), "b".into()],
        ..Default::default()
    };
    let c = Cluster::with_nodes("recover-zone-down", 4, config);
    if c.skip_unless_sim(
        "powers a whole zone off (a real cluster's zones are not the test's to stop)",
    ) {
        return;
    }
    let Some(class) = c.class_or_skip("zonal") else {
        return;
    };
    crate::harness::Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 120);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let zone = c.zone_of(&node).expect("zoned nodes");
    let down = crate::harness::power_zone(&c, &zone, false);
    assert!(down.len() >= 2, "{down:?}");
    // every node of the zone, not only flask-1's: the node lifecycle controller marks them one
    // by one, and for a moment the zone still has a live node (then the volume is movable)
    c.eventually(60, "the zone's nodes NotReady", || {
        down.iter()
            .all(|n| {
                let n = c.json(&["get", "node", n]);
                ready_condition(&n).is_some_and(|r| r["status"] == "Unknown")
            })
            .then_some(())
    });
    let out = c.sts(&[
        "recover",
        "flask-1",
        "--node-silence",
        "5s",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = out.json();
    assert_eq!(d["volumes"][0]["placement"], "NoLiveNode", "{d}");
    let why = d["volumes"][0]["placementReason"].as_str().unwrap();
    assert!(
        why.starts_with(&format!("no live, schedulable node in zone {zone}")),
        "{why}"
    );
    assert_ne!(d["path"], "VolumePinned", "{d}");
    // no data to give up: nothing is pinned
    let out = c.sts(&[
        "recover",
        "flask-1",
        "--node-silence",
        "5s",
        "--abandon-data=www-flask-1",
        "--dry-run",
        "-o",
        "json",
    ]);
    let d = out.json();
    assert!(
        d["warnings"]
            .to_string()
            .contains("--abandon-data is not used"),
        "{d}"
    );
}
