//! `kubectl-sts rollout status|apply|repair|restart`: status for every strategy, one pod at a
//! time behind guards, and the stuck-rollout repair (broken template → revert → repair).

use crate::harness::{Cluster, Out, Sts, Tool};

fn uids(c: &Cluster) -> Vec<String> {
    (0..3)
        .map(|i| c.jsonpath(&["get", "pod", &format!("flask-{i}")], "{.metadata.uid}"))
        .collect()
}

fn doc(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

/// The template changed (as `kubectl set env` does), and the controller has seen it.
fn change_template(c: &Cluster, value: &str) {
    let generation: i64 = c
        .jsonpath(&["get", "sts", "flask"], "{.metadata.generation}")
        .parse()
        .unwrap();
    c.kubectl_ok(&["set", "env", "sts/flask", &format!("RELEASE={value}")]);
    c.eventually(30, "the controller observes the new template", || {
        let observed: i64 = c
            .jsonpath(&["get", "sts", "flask"], "{.status.observedGeneration}")
            .parse()
            .ok()?;
        (observed > generation).then_some(())
    });
}

/// A template whose container exits 1: the controller replaces flask-2 first, and it
/// crash-loops on the new revision.
fn break_template(c: &Cluster) {
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op":"add","path":"/spec/template/spec/containers/0/command","value":["sh","-c","exit 1"]}]"#,
    ]);
    c.eventually(90, "flask-2 crash-looping on the broken revision", || {
        // (between the old pod's deletion and its replacement's creation, there is none)
        let p = c.try_json(&["get", "pod", "flask-2"])?;
        let reason = p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"].clone();
        (reason == "CrashLoopBackOff").then_some(())
    });
}

#[test]
fn on_delete_rollout_one_pod_at_a_time_then_restart() {
    let c = Cluster::fast("rollout-ondelete", 2);
    Sts {
        extra: "updateStrategy:\n  type: OnDelete",
        min_ready: 3,
        ..Default::default()
    }
    .deploy(&c, 120);
    // Ready is not yet available (minReadySeconds 3)
    let out = c.sts(&[
        "rollout",
        "status",
        "flask",
        "--watch",
        "--timeout",
        "30s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(doc(&out)["state"], "Complete");

    change_template(&c, "2");
    let before = uids(&c);
    // kubectl rollout status cannot say where OnDelete stands; this does, and exits 5
    let out = c.sts(&["rollout", "status", "flask"]);
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("waiting for you to delete pods (OnDelete): 0 of 3"),
        "{}",
        out.stdout
    );
    let out = c.sts(&["rollout", "status", "flask", "-o", "json"]);
    let d = doc(&out);
    assert_eq!(d["state"], "WaitingForDeletes");
    assert_eq!(d["rows"][2]["updated"], false);

    // a partition on OnDelete is a usage error; the dry run shows the plan and changes nothing
    let out = c.sts(&["rollout", "apply", "flask", "--to-partition", "1"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = c.sts(&["rollout", "apply", "flask", "--dry-run", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "DryRun");
    let plan: Vec<&str> = d["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pod"].as_str().unwrap())
        .collect();
    assert_eq!(
        plan,
        ["flask-2", "flask-1", "flask-0"],
        "highest ordinal first"
    );
    assert_eq!(uids(&c), before);

    let out = c.sts(&[
        "rollout",
        "apply",
        "flask",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert_eq!(d["steps"].as_array().unwrap().len(), 3);
    // minReadySeconds 3: each step waited for its pod to be available, not just Ready (the
    // Ready condition's time has whole seconds, so at least 2 s after it turned Ready)
    for s in d["steps"].as_array().unwrap() {
        assert!(s["seconds"].as_f64().unwrap() >= 2.0, "{s}");
    }
    let after = uids(&c);
    assert!(
        after.iter().zip(&before).all(|(a, b)| a != b),
        "every pod replaced"
    );
    let out = c.sts(&["rollout", "status", "flask", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(doc(&out)["state"], "Complete");
    // nothing left to do
    let out = c.sts(&["rollout", "apply", "flask", "-o", "json"]);
    assert_eq!(out.code, 0);
    assert_eq!(doc(&out)["outcome"], "Unchanged");

    // restart: the template's restartedAt, then (OnDelete) the pods replaced one at a time
    let out = c.sts(&[
        "rollout",
        "restart",
        "flask",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["action"], "restart");
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert!(!c
        .jsonpath(
            &["get", "sts", "flask"],
            "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"
        )
        .is_empty());
    assert!(uids(&c).iter().zip(&after).all(|(a, b)| a != b));
}

#[test]
fn partitioned_rollout_lowers_the_partition_step_by_step() {
    let c = Cluster::fast("rollout-partition", 2);
    Sts {
        extra: "updateStrategy:\n  type: RollingUpdate\n  rollingUpdate:\n    partition: 3",
        ..Default::default()
    }
    .deploy(&c, 120);
    change_template(&c, "2");
    let before = uids(&c);
    // partition 3 of 3 replicas: nothing to update yet, paused
    let out = c.sts(&["rollout", "status", "flask", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(doc(&out)["state"], "PausedAtPartition");
    let out = c.sts(&["rollout", "apply", "flask"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--to-partition"), "{}", out.stderr);

    let out = c.sts(&[
        "rollout",
        "apply",
        "flask",
        "--to-partition",
        "1",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    let steps: Vec<(i64, i64)> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["from"].as_i64().unwrap(), s["to"].as_i64().unwrap()))
        .collect();
    assert_eq!(steps, [(3, 2), (2, 1)]);
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.updateStrategy.rollingUpdate.partition}"
        ),
        "1"
    );
    let now = uids(&c);
    assert_eq!(now[0], before[0], "below the partition: untouched");
    assert_ne!(now[1], before[1]);
    assert_ne!(now[2], before[2]);
    let out = c.sts(&["rollout", "status", "flask"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("paused at partition 1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("keep (below partition)"),
        "{}",
        out.stdout
    );
    // apply only lowers: a partition above the current one is a request it cannot carry out
    let out = c.sts(&["rollout", "apply", "flask", "--to-partition", "3"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("only lowers"), "{}", out.stderr);
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.updateStrategy.rollingUpdate.partition}"
        ),
        "1"
    );
}

/// Someone else deletes flask-1 while `rollout apply` follows its first step: the controller
/// re-creates it at the update revision, and apply must follow that pod, not delete it again.
#[test]
fn rollout_apply_does_not_delete_a_pod_someone_else_already_replaced() {
    let c = Cluster::fast("rollout-replaced", 2);
    Sts {
        extra: "updateStrategy:\n  type: OnDelete",
        min_ready: 2,
        ..Default::default()
    }
    .deploy(&c, 120);
    change_template(&c, "2");
    let before = uids(&c);
    let (b1, b2) = (before[1].clone(), before[2].clone());
    // as soon as apply has deleted flask-2, another operator deletes flask-1
    let other = c.other_writer(
        move |k| {
            let uid = k.run(&["get", "pod", "flask-2", "-o", "jsonpath={.metadata.uid}"]);
            uid.code == 0 && uid.stdout.trim() != b2
        },
        |k| k.run(&["delete", "pod", "flask-1", "--wait=false"]),
    );
    // and the uid of the flask-1 the controller makes in its place
    let b1w = b1.clone();
    let seen = c.other_writer(
        move |k| {
            let uid = k.run(&["get", "pod", "flask-1", "-o", "jsonpath={.metadata.uid}"]);
            uid.code == 0 && !uid.stdout.trim().is_empty() && uid.stdout.trim() != b1w
        },
        |k| k.run(&["get", "pod", "flask-1", "-o", "jsonpath={.metadata.uid}"]),
    );
    let out = c.sts(&[
        "rollout",
        "apply",
        "flask",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    let deleted = other.finish().expect("the other operator deleted flask-1");
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    let replacement = seen.finish().expect("flask-1 was re-created");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(doc(&out)["outcome"], "Completed", "{}", out.stdout);
    assert_eq!(
        uids(&c)[1],
        replacement.stdout.trim(),
        "the flask-1 someone else replaced was not deleted again"
    );
}

#[test]
fn a_broken_template_reverted_is_repaired() {
    let c = Cluster::fast("rollout-repair", 2);
    Sts::default().deploy(&c, 120);
    let good = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
    // a template whose container exits 1: flask-2 is replaced first and crash-loops
    break_template(&c);
    let d = c.eventually(30, "the rollout stuck for more than a second", || {
        let out = c.sts(&[
            "rollout",
            "status",
            "flask",
            "--stuck-after",
            "1s",
            "-o",
            "json",
        ]);
        assert_eq!(out.code, 5);
        let d = doc(&out);
        (d["state"] == "Stuck").then_some(d)
    });
    assert_eq!(d["pod"], "flask-2");
    // restarting now is refused; repairing the new revision's own pod would not help
    let out = c.sts(&["rollout", "restart", "flask", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(doc(&out)["blockers"][0]["code"], "PodNotReady");
    let out = c.sts(&[
        "rollout",
        "repair",
        "flask",
        "--stuck-after",
        "1s",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(doc(&out)["blockers"][0]["code"], "BadUpdateRevision");

    // the template is changed back: the controller still waits for flask-2 (forced rollback)
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/spec/template/spec/containers/0/command"}]"#,
    ]);
    c.eventually(30, "the update revision back to the good one", || {
        (c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}") == good).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_secs(3));
    let stuck = c.jsonpath(&["get", "pod", "flask-2"], "{.metadata.uid}");
    assert_ne!(
        c.jsonpath(
            &["get", "pod", "flask-2"],
            "{.metadata.labels.controller-revision-hash}"
        ),
        good,
        "the controller did not replace it by itself"
    );

    // no terminal, no --yes: nothing deleted; the dry run shows the evidence
    let out = c.sts(&["rollout", "repair", "flask", "--stuck-after", "1s"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    let out = c.sts(&[
        "rollout",
        "repair",
        "flask",
        "--stuck-after",
        "1s",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert!(
        d["evidence"][1]
            .as_str()
            .unwrap()
            .contains("CrashLoopBackOff"),
        "{d}"
    );
    assert_eq!(
        c.jsonpath(&["get", "pod", "flask-2"], "{.metadata.uid}"),
        stuck
    );

    let out = c.sts(&[
        "rollout",
        "repair",
        "flask",
        "--stuck-after",
        "1s",
        "--yes",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    assert_ne!(
        c.jsonpath(&["get", "pod", "flask-2"], "{.metadata.uid}"),
        stuck
    );
    assert_eq!(
        c.jsonpath(
            &["get", "pod", "flask-2"],
            "{.metadata.labels.controller-revision-hash}"
        ),
        good
    );
    let out = c.sts(&["rollout", "status", "flask", "--watch", "--timeout", "60s"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("complete: 3 of 3"), "{}", out.stdout);
}

/// A pod held Terminating (a finalizer nobody removes) never counts as "not Ready for too
/// long": `rollout restart` must still end at its --timeout, saying where it stopped.
#[test]
fn rollout_restart_ends_at_its_timeout_with_a_pod_stuck_terminating() {
    let c = Cluster::fast("rollout-restart-terminating", 2);
    Sts::default().deploy(&c, 120);
    c.kubectl_ok(&[
        "patch",
        "pod",
        "flask-2",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":["example.com/hold"]}}"#,
    ]);
    let out = c.sts(&[
        "rollout",
        "restart",
        "flask",
        "--timeout",
        "15s",
        "-o",
        "json",
    ]);
    // let the pod go whatever happened
    c.kubectl_ok(&[
        "patch",
        "pod",
        "flask-2",
        "--type=merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    assert_eq!(out.code, 6, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "TimedOut", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did not finish within 15s"),
        "{d}"
    );
}

/// Ctrl-C in the middle of `rollout apply` says what was written and what is left.
#[test]
fn interrupting_rollout_apply_says_what_was_done_and_what_is_left() {
    let c = Cluster::fast("rollout-interrupted", 2);
    Sts {
        extra: "updateStrategy:\n  type: OnDelete",
        min_ready: 5,
        ..Default::default()
    }
    .deploy(&c, 120);
    change_template(&c, "2");
    let before = uids(&c);
    let child = c.sts_spawn(&["rollout", "apply", "flask", "--timeout", "90s"]);
    c.eventually(30, "flask-2 deleted by the first step", || {
        let uid = c.jsonpath(
            &["get", "pods"],
            "{.items[?(@.metadata.name==\"flask-2\")].metadata.uid}",
        );
        (uid != before[2]).then_some(())
    });
    let out = crate::harness::interrupt(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "rollout of statefulset {}/flask: written: delete flask-2; left: flask-2 to be followed to available, then delete flask-1, then delete flask-0",
            c.namespace
        )),
        "{}",
        out.stderr
    );
    let now = uids(&c);
    assert_eq!(now[..2], before[..2], "flask-0 and flask-1 untouched");
}

/// A pod below the partition comes back at the current revision: `rollout repair` follows it
/// there instead of waiting for the update revision it will never get.
#[test]
fn repair_below_the_partition_waits_for_the_current_revision() {
    let c = Cluster::fast("rollout-repair-partition", 2);
    Sts::default().deploy(&c, 120);
    let original = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
    break_template(&c);
    let broken = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
    // the fix becomes a third revision, held back by a partition above every pod
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/spec/template/spec/containers/0/command"},{"op":"add","path":"/spec/template/metadata/labels/release","value":"3"},{"op":"add","path":"/spec/updateStrategy/rollingUpdate","value":{"partition":3}}]"#,
    ]);
    let fixed = c.eventually(30, "a third update revision", || {
        let r = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
        (r != broken && r != original).then_some(r)
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    let out = c.sts(&[
        "rollout",
        "repair",
        "flask",
        "--stuck-after",
        "1s",
        "--yes",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Completed", "{d}");
    let rev = c.jsonpath(
        &["get", "pod", "flask-2"],
        "{.metadata.labels.controller-revision-hash}",
    );
    assert_eq!(rev, original, "below the partition: the current revision");
    assert_ne!(rev, fixed);
}

/// Golden `apply/add-claim-template*`: the set re-created with a claim template its pods lack,
/// and a template change with it. `kubectl rollout status` would only wait ("0 out of 3 new
/// pods have been updated") until it times out; this says the controller is stuck at flask-0
/// and how it is unblocked, and refuses what would disrupt the set further: a restart, a
/// repair. Nothing is written.
#[test]
fn a_set_stuck_at_its_lowest_ordinal_is_diagnosed_and_not_rolled() {
    let c = Cluster::fast("rollout-stuck", 3);
    if crate::harness::stuck_at_ordinal_0(&c, true).is_none() {
        return;
    }
    let before = uids(&c);
    let template = c.jsonpath(&["get", "sts", "flask"], "{.spec.template}");
    let out = c.sts(&["rollout", "status", "flask", "-o", "json"]);
    assert_eq!(out.code, 5, "not finished: {}", out.stderr);
    let d = doc(&out);
    assert_eq!(d["state"], "ControllerStuck", "{d}");
    assert_eq!(
        (d["pod"].clone(), d["ordinal"].clone()),
        ("flask-0".into(), 0.into())
    );
    assert_eq!(d["claimTemplates"], serde_json::json!(["logs"]));
    assert_eq!(
        d["replace"],
        serde_json::json!(["flask-0", "flask-1", "flask-2"])
    );
    assert_eq!(d["done"], false);
    let text = c.sts(&["rollout", "status", "flask"]).stdout;
    assert!(
        text.contains("stuck at ordinal 0 (flask-0): it has no volume for claim template logs"),
        "{text}"
    );
    assert!(
        text.contains("replace the pods from the lowest ordinal upwards, one at a time, each Ready and available before the next: kubectl delete pod flask-0 -n"),
        "{text}"
    );
    // --watch keeps following it (someone replacing the pods moves it on), bounded
    let out = c.sts(&["rollout", "status", "flask", "--watch", "--timeout", "2s"]);
    assert_eq!(out.code, 6, "{}", out.stderr);

    for args in [
        vec![
            "rollout",
            "restart",
            "flask",
            "--timeout",
            "20s",
            "-o",
            "json",
        ],
        vec!["rollout", "restart", "flask", "--dry-run", "-o", "json"],
        vec![
            "rollout",
            "repair",
            "flask",
            "--yes",
            "--stuck-after",
            "0s",
            "-o",
            "json",
        ],
    ] {
        let out = c.sts(&args);
        assert_eq!(out.code, 4, "{args:?}: {}{}", out.stdout, out.stderr);
        let d = doc(&out);
        assert_eq!(d["blockers"][0]["code"], "ControllerStuck", "{args:?}: {d}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("is stuck at ordinal 0 (flask-0)"),
            "{args:?}: {d}"
        );
    }
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.template}"),
        template,
        "no restartedAt written"
    );
    assert_eq!(uids(&c), before, "no pod deleted");
}

/// `kubectl get pods -w` of the pods `selector` matches, returned once it has listed `pods` of
/// them (a watch that connects late misses the first events: a delete's first grace).
pub(crate) struct ListedWatch {
    child: std::process::Child,
    path: std::path::PathBuf,
}

pub(crate) fn watch_listed(c: &Cluster, selector: &str, pods: usize) -> ListedWatch {
    let path = c.dir.path().join(format!("listed-watch-{selector}"));
    let child = c
        .kubectl_cmd(&[
            "get",
            "pods",
            "-w",
            "--output-watch-events",
            "-o",
            "json",
            "-l",
            selector,
        ])
        .stdout(std::fs::File::create(&path).expect("watch log"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("kubectl get pods -w");
    c.eventually(30, "the watch listed the pods", || {
        let log = std::fs::read_to_string(&path).ok()?;
        let added = serde_json::Deserializer::from_str(&log)
            .into_iter::<serde_json::Value>()
            .filter_map(Result::ok)
            .filter(|e| e["type"] == "ADDED")
            .count();
        (added >= pods).then_some(())
    });
    ListedWatch { child, path }
}

impl ListedWatch {
    /// Stops it a second after the last change it should see; its log.
    pub(crate) fn stop(mut self) -> String {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read_to_string(&self.path).expect("watch log")
    }
}

/// OnDelete pods whose terminationGracePeriodSeconds is 0: `rollout apply` deletes each with a
/// grace period of 1 s (what `kubectl delete --grace-period=0` does without --force), never with
/// their own 0 — a DELETE without gracePeriodSeconds would remove the object at once, a force
/// delete while the container may still run — and says so.
#[test]
fn on_delete_pods_with_grace_0_are_deleted_with_1_not_forced() {
    let c = Cluster::fast("rollout-grace0", 2);
    Sts {
        replicas: 2,
        extra: "updateStrategy:\n  type: OnDelete",
        ..Default::default()
    }
    .deploy(&c, 120);
    // the template's grace 0, and pods made from it (deleted with their own 10 s)
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op":"replace","path":"/spec/template/spec/terminationGracePeriodSeconds","value":0}]"#,
    ]);
    let out = c.sts(&["rollout", "apply", "flask", "--timeout", "90s"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        c.jsonpath(
            &["get", "pod", "flask-1"],
            "{.spec.terminationGracePeriodSeconds}"
        ),
        "0"
    );
    change_template(&c, "2");
    let watch = watch_listed(&c, "app=flask", 2);
    let out = c.sts(&[
        "rollout",
        "apply",
        "flask",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    let log = watch.stop();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(doc(&out)["outcome"], "Completed", "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "flask-1's terminationGracePeriodSeconds is 0: deleted with a grace period of 1s"
        ),
        "{}",
        out.stderr
    );
    // the first deletion grace each deleted pod got (the kubelet's own delete of grace 0 once
    // the container has stopped comes after, as on a real node)
    let mut first: Vec<(String, i64)> = vec![];
    for e in serde_json::Deserializer::from_str(&log).into_iter::<serde_json::Value>() {
        let e = e.unwrap();
        let m = &e["object"]["metadata"];
        let (Some(uid), Some(g)) = (m["uid"].as_str(), m["deletionGracePeriodSeconds"].as_i64())
        else {
            continue;
        };
        if !first.iter().any(|(u, _)| u == uid) {
            first.push((uid.to_string(), g));
        }
    }
    assert_eq!(first.len(), 2, "both deletes are in the watch:\n{log}");
    assert!(
        first.iter().all(|(_, g)| *g == 1),
        "deleted with grace 1, never 0 (a force delete): {first:?}"
    );
}
