//! Growing a StatefulSet's volumes by hand, as golden `resize/` recorded it on a real v1.36
//! control plane: claim expansion (refusals, the resizer's conditions), the orphan delete of
//! the set, and its re-creation adopting the pods and the ControllerRevision.

use kube_sim::SimConfig;

use crate::harness::{golden_json, Cluster, Sts};

fn cluster(test: &str) -> Cluster {
    Cluster::with_nodes(
        test,
        2,
        SimConfig {
            speed: 5.0,
            ..SimConfig::default()
        },
    )
}

fn patch_size(c: &Cluster, claim: &str, size: &str) -> crate::harness::Out {
    c.kubectl(&[
        "patch",
        "pvc",
        claim,
        "-p",
        &format!(r#"{{"spec":{{"resources":{{"requests":{{"storage":"{size}"}}}}}}}}"#),
    ])
}

/// The recorded stderr of a golden command, by its title's start.
fn golden_stderr(file: &str, title: &str) -> String {
    let g = golden_json(file);
    g["commands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"].as_str().unwrap_or("").starts_with(title))
        .map(|c| {
            // with -v=8, what a user sees is kept apart from kubectl's log
            c.get("stderr_user_facing")
                .unwrap_or(&c["stderr"])
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .unwrap_or_else(|| panic!("no command {title:?} in {file}"))
}

#[test]
fn claims_grow_only_where_the_class_allows_it_and_never_shrink() {
    let c = cluster("resize-claims");
    if !c.is_own_control_plane()
        && c.skip_unless_sim("the `network` class's resizer is the simulator's (or its agents')")
    {
        return;
    }
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 90);
    // local-path does not allow expansion: admission answers 403 (golden step 1)
    let out = patch_size(&c, "www-flask-0", "2Gi");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        golden_stderr("resize/a-local-path-refusals.json", "step 1:")
    );
    // a shrink is invalid before admission looks (golden step 4)
    let out = patch_size(&c, "www-flask-1", "500Mi");
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        golden_stderr("resize/b3-b4-expand-shrink.json", "step 4a:")
    );

    // the network class: the resizer's sequence, then the kubelet finishes online
    c.kubectl_ok(&["delete", "sts", "flask"]);
    c.kubectl_ok(&["delete", "pvc", "--all", "--wait=false"]);
    if c.class_or_skip("network").is_none() {
        return;
    }
    Sts {
        name: "net",
        replicas: 1,
        class: "network",
        ..Default::default()
    }
    .deploy(&c, 90);
    let out = patch_size(&c, "www-net-0", "3Gi");
    assert_eq!(out.code, 0, "{}", out.stderr);
    c.eventually(30, "the claim's capacity grown", || {
        let p = c.json(&["get", "pvc", "www-net-0"]);
        (p["status"]["capacity"]["storage"] == "3Gi").then_some(())
    });
    let done = c.json(&["get", "pvc", "www-net-0"]);
    assert!(done["status"]["conditions"].is_null(), "{done}");
    assert!(
        done["status"]["allocatedResourceStatuses"].is_null(),
        "{done}"
    );
    assert_eq!(done["status"]["allocatedResources"]["storage"], "3Gi");
    let pv = c.jsonpath(&["get", "pvc", "www-net-0"], "{.spec.volumeName}");
    assert_eq!(
        c.jsonpath(&["get", "pv", &pv], "{.spec.capacity.storage}"),
        "3Gi"
    );
    // the resizer's sequence, in order (its phases pass too fast to poll)
    let events = c.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=www-net-0",
        "--sort-by",
        ".metadata.resourceVersion",
        "-o",
        "custom-columns=:reason",
        "--no-headers",
    ]);
    let order: Vec<&str> = events
        .lines()
        .filter(|r| {
            [
                "ExternalExpanding",
                "Resizing",
                "FileSystemResizeRequired",
                "FileSystemResizeSuccessful",
            ]
            .contains(r)
        })
        .collect();
    assert_eq!(
        order,
        [
            "ExternalExpanding",
            "Resizing",
            "FileSystemResizeRequired",
            "FileSystemResizeSuccessful"
        ],
        "{events}"
    );
    // the kubelet's message names the node, on the claim and on the pod that mounts it
    let node = c.jsonpath(&["get", "pod", "net-0"], "{.spec.nodeName}");
    let messages = c.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "reason=FileSystemResizeSuccessful",
        "-o",
        "custom-columns=:involvedObject.kind,:message",
        "--no-headers",
    ]);
    for kind in ["Pod", "PersistentVolumeClaim"] {
        assert!(
            messages
                .lines()
                .any(|l| l.starts_with(kind) && l.ends_with(&format!("\"{pv}\" {node}"))),
            "{kind}: {messages}"
        );
    }
}

#[test]
fn an_orphan_delete_and_a_re_created_set_keep_the_pods_running() {
    let c = cluster("resize-orphan");
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 90);
    let uids = c.jsonpath(
        &["get", "pods", "-l", "app=flask"],
        "{.items[*].metadata.uid}",
    );
    let revision = c.jsonpath(&["get", "sts", "flask"], "{.status.currentRevision}");
    let out = c.kubectl(&["delete", "sts", "flask", "--cascade=orphan"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "statefulset.apps \"flask\" deleted");
    // orphaned: no owners left, still running
    c.eventually(20, "pods orphaned", || {
        c.jsonpath(
            &["get", "pods", "-l", "app=flask"],
            "{.items[*].metadata.ownerReferences}",
        )
        .is_empty()
        .then_some(())
    });
    assert_eq!(
        c.jsonpath(
            &["get", "controllerrevisions", "-l", "app=flask"],
            "{.items[*].metadata.ownerReferences}"
        ),
        ""
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(
        c.jsonpath(
            &["get", "pods", "-l", "app=flask"],
            "{.items[*].metadata.uid}"
        ),
        uids
    );

    // re-created with a bigger claim template: adopted, same revision, nothing restarted
    let yaml = Sts {
        replicas: 2,
        ..Default::default()
    }
    .yaml()
    .replace("storage: 1Gi", "storage: 2Gi");
    let sts_doc = yaml.split("---\n").nth(1).unwrap().to_string();
    c.apply(&sts_doc);
    let new_uid = c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}");
    c.eventually(20, "pods adopted", || {
        let owners = c.jsonpath(
            &["get", "pods", "-l", "app=flask"],
            "{.items[*].metadata.ownerReferences[0].uid}",
        );
        (owners == format!("{new_uid} {new_uid}")).then_some(())
    });
    assert_eq!(
        c.jsonpath(
            &["get", "controllerrevisions", "-l", "app=flask"],
            "{.items[*].metadata.ownerReferences[0].uid}"
        ),
        new_uid,
        "the orphaned revision adopted, no new one"
    );
    c.eventually(20, "status written", || {
        (c.jsonpath(&["get", "sts", "flask"], "{.status.currentRevision}") == revision)
            .then_some(())
    });
    assert_eq!(
        c.jsonpath(
            &["get", "pods", "-l", "app=flask"],
            "{.items[*].metadata.uid}"
        ),
        uids
    );
    assert_eq!(
        c.jsonpath(
            &["get", "pods", "-l", "app=flask"],
            "{.items[*].status.containerStatuses[0].restartCount}"
        ),
        "0 0"
    );
    // the existing claims keep their size; a new ordinal gets the new template's
    assert_eq!(
        c.jsonpath(
            &["get", "pvc", "www-flask-0"],
            "{.spec.resources.requests.storage}"
        ),
        "1Gi"
    );
}

#[test]
fn creating_a_set_while_its_namesake_is_being_deleted_is_a_conflict() {
    let c = cluster("resize-race");
    if c.skip_unless_sim("holds the deleted set with a finalizer of the test's own") {
        return;
    }
    Sts {
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 90);
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":["example.com/hold"]}}"#,
    ]);
    c.kubectl_ok(&["delete", "sts", "flask", "--cascade=orphan", "--wait=false"]);
    let doc = Sts {
        replicas: 1,
        ..Default::default()
    }
    .yaml();
    let sts_doc = doc.split("---\n").nth(1).unwrap();
    let out = c.kubectl_stdin(&["create", "-f", "-"], sts_doc);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr.trim(),
        "Error from server (AlreadyExists): error when creating \"STDIN\": object is being deleted: statefulsets.apps \"flask\" already exists"
    );
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ]);
}

#[test]
fn a_re_created_set_owns_its_claims_again_under_when_deleted_delete() {
    let c = cluster("resize-retention");
    let sts = Sts {
        replicas: 1,
        extra: "persistentVolumeClaimRetentionPolicy:\n  whenDeleted: Delete\n  whenScaled: Retain",
        ..Default::default()
    };
    sts.deploy(&c, 90);
    let owner = |c: &Cluster| {
        c.jsonpath(
            &["get", "pvc", "www-flask-0"],
            "{.metadata.ownerReferences[*].uid}",
        )
    };
    let first = c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}");
    c.eventually(20, "the set owns its claim", || {
        (owner(&c) == first).then_some(())
    });
    c.kubectl_ok(&["delete", "sts", "flask", "--cascade=orphan"]);
    c.eventually(20, "the claim orphaned", || {
        owner(&c).is_empty().then_some(())
    });
    let yaml = sts.yaml();
    c.apply(yaml.split("---\n").nth(1).unwrap());
    let second = c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}");
    c.eventually(20, "the new set owns the claim", || {
        (owner(&c) == second).then_some(())
    });
    assert_eq!(
        c.kubectl(&["get", "pvc", "www-flask-0"]).code,
        0,
        "the claim survived"
    );
}
