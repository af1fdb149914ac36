//! `kubectl-sts resize-storage`: refused without writing when it cannot be done, confirmed
//! before the first write, then claims grown, the set saved, orphan-deleted and re-created with
//! the bigger template — the pods never restart — and a run cut off after the delete goes on
//! from the saved copy.

use crate::harness::{Cluster, Out, Sts, Tool};

fn doc(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

fn requests(c: &Cluster) -> String {
    c.jsonpath(
        // every claim of the test's namespace, labelled or not
        &["get", "pvc", "--sort-by", "{.metadata.name}"],
        "{.items[*].spec.resources.requests.storage}",
    )
}

fn pod_uids(c: &Cluster) -> String {
    c.jsonpath(
        &["get", "pods", "-l", "app=flask"],
        "{.items[*].metadata.uid}",
    )
}

#[test]
fn resize_storage_grows_every_claim_and_keeps_the_pods_running() {
    let c = Cluster::fast("resize-storage", 2);
    let Some(class) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 120);
    // ordinal 2 scaled away: its claim is retained, and grows too
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas", "2"]);
    c.eventually(60, "flask-2 gone", || {
        (c.kubectl(&["get", "pod", "flask-2"]).code != 0).then_some(())
    });
    c.wait_ready("flask", 2, 60);
    let set_uid = c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}");
    let uids = pod_uids(&c);
    assert_eq!(requests(&c), "1Gi 1Gi 1Gi");
    // a claim restored without the set's labels is still the set's, by its name
    c.kubectl_ok(&["label", "pvc", "www-flask-2", "app-"]);

    // refused or bad requests change nothing
    let out = c.sts(&["resize-storage", "flask", "--size", "1Gi", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(doc(&out)["blockers"][0]["code"], "SizeNotLarger");
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--template",
        "data",
        "--size",
        "3Gi",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no volumeClaimTemplate \"data\" (it has: www)"),
        "{}",
        out.stderr
    );
    assert_eq!(
        c.sts(&["resize-storage", "flask", "--size", "lots"]).code,
        2
    );
    assert_eq!(c.sts(&["resize-storage", "nope", "--size", "3Gi"]).code, 3);
    // no terminal, no --yes
    let out = c.sts(&["resize-storage", "flask", "--size", "3Gi"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert_eq!(requests(&c), "1Gi 1Gi 1Gi");
    // the plan, every write named, the moment the object will not exist included
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "3Gi",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "DryRun");
    let plan = d["plan"].to_string();
    for claim in ["www-flask-0", "www-flask-1", "www-flask-2"] {
        assert!(
            plan.contains(&format!("patch claim {claim}: storage 1Gi → 3Gi")),
            "{plan}"
        );
    }
    assert!(
        plan.contains("the StatefulSet object does not exist"),
        "{plan}"
    );
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}"),
        set_uid
    );

    if let Some(sim) = c.sim() {
        sim.clear_requests();
    }
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "3Gi",
        "--yes",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert_eq!(d["verification"]["podsKept"], true);
    assert_eq!(d["verification"]["adopted"], true);
    assert_eq!(d["verification"]["revisionUnchanged"], true);
    assert_eq!(d["verification"]["claimsResized"], true);
    let warning = d["warnings"][0].as_str().unwrap();
    assert!(warning.contains("GitOps"), "{d}");
    assert!(
        warning.contains("409 conflict with the field manager \"kubectl-sts\""),
        "{warning}"
    );
    // every write names the tool as its field manager (the request log is the simulator's:
    // on a real cluster managedFields show it, which this test does not read)
    match c.sim() {
        Some(sim) => {
            let writes: Vec<_> = sim
                .requests()
                .into_iter()
                .filter(|r| matches!(r.method.as_str(), "POST" | "PUT" | "PATCH"))
                .collect();
            assert!(writes.len() >= 4, "{writes:?}");
            for w in &writes {
                assert!(
                    w.query.contains("fieldManager=kubectl-sts"),
                    "{} {} ?{}",
                    w.method,
                    w.path,
                    w.query
                );
            }
        }
        None => crate::harness::skip("the field manager check reads the simulator's request log"),
    }
    let saved = std::path::PathBuf::from(d["savedTo"].as_str().unwrap());
    assert!(
        saved.starts_with(c.dir.path()),
        "under the user's state directory: {saved:?}"
    );
    let copy: serde_json::Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(
        copy["metadata"]["uid"],
        set_uid.as_str(),
        "the set as it was"
    );
    // the outcome in the cluster
    assert_ne!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}"),
        set_uid
    );
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.volumeClaimTemplates[0].spec.resources.requests.storage}"
        ),
        "3Gi"
    );
    assert_eq!(pod_uids(&c), uids, "no pod restarted");
    assert_eq!(requests(&c), "3Gi 3Gi 3Gi");
    assert_eq!(
        c.jsonpath(&["get", "pvc", "www-flask-0"], "{.status.capacity.storage}"),
        "3Gi"
    );
    // a dry run where only the verification is left neither verifies nor touches local state
    let state: Vec<(std::path::PathBuf, Vec<u8>)> = std::fs::read_dir(saved.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "3Gi",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(doc(&out)["outcome"], "DryRun", "{}", out.stdout);
    for (p, bytes) in &state {
        assert_eq!(
            &std::fs::read(p).unwrap(),
            bytes,
            "{p:?} untouched by a dry run"
        );
    }
    // again: nothing left but to verify
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "3Gi",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(doc(&out)["resumedAt"], "Verify");

    // cut off after the delete (the create fails once): the set is gone, the pods run on,
    // and the same command re-creates it from the saved copy
    let Some(sim) = c.sim() else {
        crate::harness::skip("injects a failed create into the simulator");
        return;
    };
    sim.inject(crate::harness::fault("create", "statefulsets", 500, 1));
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "4Gi",
        "--yes",
        "--timeout",
        "90s",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // what was written and what is left, in the one error line
    assert!(
        out.stderr
            .contains("run the same command again to re-create it")
            && out
                .stderr
                .contains("written: claim www-flask-0 requests 4Gi")
            && out.stderr.contains(
                "deleted statefulset flask with propagationPolicy Orphan (its pods keep running)"
            ),
        "{}",
        out.stderr
    );
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert_eq!(
        errors[0].matches("run the same command again").count(),
        1,
        "{}",
        errors[0]
    );
    assert_ne!(
        c.kubectl(&["get", "sts", "flask"]).code,
        0,
        "deleted, not re-created"
    );
    assert_eq!(pod_uids(&c), uids);
    let gone = |c: &Cluster| c.kubectl(&["get", "sts", "flask"]).code != 0;
    // the saved copy belongs to its request: another size is refused, naming the one saved
    let out = c.sts(&["resize-storage", "flask", "--size", "5Gi", "--yes"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("an unfinished resize of www to 4Gi"),
        "{}",
        out.stderr
    );
    assert!(gone(&c), "nothing created for another request");
    // a resume is previewed and confirmed as a start is: a dry run writes nothing, and
    // without --yes (no terminal) nothing is created
    let out = c.sts(&["resize-storage", "flask", "--size", "4Gi", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("would create statefulset"),
        "{}",
        out.stdout
    );
    assert!(gone(&c), "a dry run never creates");
    let out = c.sts(&["resize-storage", "flask", "--size", "4Gi"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(gone(&c), "not confirmed: nothing created");
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "4Gi",
        "--yes",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["resumedAt"], "Recreate");
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert_eq!(d["verification"]["podsKept"], true);
    assert_eq!(pod_uids(&c), uids);
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.volumeClaimTemplates[0].spec.resources.requests.storage}"
        ),
        "4Gi"
    );

    // finished: the copy is history. Deleted by hand afterwards (orphan), the set is not
    // resurrected from it, by a dry run or otherwise
    c.kubectl_ok(&["delete", "sts", "flask", "--cascade=orphan"]);
    c.eventually(30, "the set gone", || gone(&c).then_some(()));
    for args in [
        vec!["resize-storage", "flask", "--size", "1Gi", "--dry-run"],
        vec!["resize-storage", "flask", "--size", "4Gi", "--yes"],
    ] {
        let out = c.sts(&args);
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(gone(&c), "{args:?}: not created again");
    }
}

#[test]
fn resize_storage_refuses_a_class_that_cannot_expand() {
    let c = Cluster::fast("resize-local", 2);
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 120);
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "2Gi",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused");
    assert_eq!(d["blockers"][0]["code"], "ClassNotExpandable");
    let class = c.storage_class(false);
    assert!(
        d["blockers"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "storage class {class} does not allow volume expansion"
            )),
        "{d}"
    );
    assert_eq!(requests(&c), "1Gi 1Gi");
}

/// A set that Argo CD (or an operator, or Flux) would re-create from its own copy is refused
/// before anything is written; and a spec changed by someone else while the claims grow stops
/// the resize before the set is deleted (the copy saved would no longer be the set confirmed).
#[test]
fn resize_storage_refuses_a_managed_set_and_reproves_the_set_before_deleting_it() {
    let c = Cluster::with_nodes("resize-managed", 2, Default::default());
    let Some(class) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 120);
    let set_uid = c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}");
    c.kubectl_ok(&["label", "sts", "flask", "argocd.argoproj.io/instance=db"]);
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "2Gi",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["blockers"][0]["code"], "ManagedSet", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("Argo CD (application db)"),
        "{d}"
    );
    assert_eq!(requests(&c), "1Gi 1Gi 1Gi", "nothing written");
    // --allow-managed: the user changed the source too
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "2Gi",
        "--allow-managed",
        "--dry-run",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    c.kubectl_ok(&["label", "sts", "flask", "argocd.argoproj.io/instance-"]);

    // someone changes the spec as soon as the first claim has grown
    let writer = c.other_writer(
        |k| {
            k.try_json(&["get", "pvc", "www-flask-0"])
                .is_some_and(|p| p["spec"]["resources"]["requests"]["storage"] == "2Gi")
        },
        |k| {
            k.run(&[
                "patch",
                "sts",
                "flask",
                "--type=merge",
                "-p",
                r#"{"spec":{"minReadySeconds":1}}"#,
            ])
        },
    );
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "2Gi",
        "--yes",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    let patched = writer.finish().expect("the other writer acted");
    assert_eq!(patched.code, 0, "{}", patched.stderr);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Interfered", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("changed since it was confirmed (generation"),
        "{d}"
    );
    // the set was not deleted, and it is the same set
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}"),
        set_uid
    );

    // a GitOps tool takes the set over while the claims grow (a label: the generation does
    // not move): re-evaluated right before the orphan delete, which is not made
    let writer = c.other_writer(
        |k| {
            k.try_json(&["get", "pvc", "www-flask-0"])
                .is_some_and(|p| p["spec"]["resources"]["requests"]["storage"] == "3Gi")
        },
        |k| k.run(&["label", "sts", "flask", "argocd.argoproj.io/instance=db"]),
    );
    let out = c.sts(&[
        "resize-storage",
        "flask",
        "--size",
        "3Gi",
        "--yes",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    let labelled = writer.finish().expect("the other writer acted");
    assert_eq!(labelled.code, 0, "{}", labelled.stderr);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Interfered", "{d}");
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.contains("is now managed by Argo CD (application db)")
            && msg.contains("stopped before deleting it (3 claim(s) request 3Gi"),
        "{d}"
    );
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.uid}"),
        set_uid,
        "not deleted"
    );
}
