//! Guarded scale (`kubectl-sts scale`): one pod at a time, highest ordinal first,
//! every pod Ready before and after each step; claims kept; refusals, timeouts and
//! concurrent changes stop it with the documented exit codes.

use std::time::Duration;

use crate::harness::Cluster;
use crate::harness::Tool;

use crate::harness::{lab, power, Sts};

fn names(c: &Cluster, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = c.json(&["get", kind])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn uids(c: &Cluster, kind: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = c.json(&["get", kind])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["metadata"]["name"].as_str().unwrap().to_string(),
                o["metadata"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn spec_replicas(c: &Cluster) -> String {
    c.jsonpath(&["get", "statefulset", "flask"], "{.spec.replicas}")
}

#[test]
fn scale_down_then_up_one_pod_at_a_time_keeping_claims() {
    let c = Cluster::fast("scale", 3);
    let Some(class) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &class,
        replicas: 4,
        ..Default::default()
    }
    .deploy(&c, 120);
    let claims = uids(&c, "pvc");
    assert_eq!(claims.len(), 4);
    let from = c.sim().map(|s| s.registry.store.current_rv());

    let out = c.sts(&["scale", "flask", "--replicas", "2", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["kind"], "ScaleResult");
    assert_eq!(d["outcome"], "Completed");
    assert_eq!((d["from"].as_i64(), d["to"].as_i64()), (Some(4), Some(2)));
    let stepped: Vec<&str> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pod"].as_str().unwrap())
        .collect();
    assert_eq!(stepped, ["flask-3", "flask-2"]);
    assert_eq!(
        d["retainedClaims"],
        serde_json::json!(["www-flask-2", "www-flask-3"])
    );
    assert!(
        out.stderr
            .contains("step 1/2: replicas 4 → 3 (removing flask-3)"),
        "{}",
        out.stderr
    );
    assert_eq!(names(&c, "pods"), ["flask-0", "flask-1"]);
    assert_eq!(uids(&c, "pvc"), claims, "no claim deleted or replaced");
    assert_eq!(spec_replicas(&c), "2");

    if let (Some(sim), Some(from)) = (c.sim(), from) {
        // flask-3 was gone (DELETED) before spec.replicas went to 2, and the set
        // passed through 3: one ordinal per step, each step awaited
        let txn = sim.registry.store.lock();
        let pods = kube_sim::resources::by_kind("Pod").unwrap();
        let sets = kube_sim::resources::by_kind("StatefulSet").unwrap();
        let pod_gone = |name: &str| {
            txn.events_since(pods, from)
                .unwrap()
                .iter()
                .find(|e| {
                    e.namespace == c.namespace
                        && e.name == name
                        && e.kind == kube_sim::store::EventType::Deleted
                })
                .map(|e| e.rv)
                .unwrap_or_else(|| panic!("{name} never deleted"))
        };
        let replicas_at: Vec<(i64, u64)> = txn
            .events_since(sets, from)
            .unwrap()
            .iter()
            .filter(|e| e.namespace == c.namespace && e.name == "flask")
            .map(|e| (e.object["spec"]["replicas"].as_i64().unwrap(), e.rv))
            .collect();
        let first_at = |n: i64| replicas_at.iter().find(|(r, _)| *r == n).unwrap().1;
        assert!(first_at(3) < pod_gone("flask-3"));
        assert!(pod_gone("flask-3") < first_at(2), "{replicas_at:?}");
        assert!(first_at(2) < pod_gone("flask-2"));
        drop(txn);
        let puts: Vec<_> = sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("/statefulsets/flask/scale"))
            .collect();
        assert_eq!(puts.len(), 2, "one scale write per step");
    }

    let out = c.sts(&["scale", "flask", "--replicas", "4"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(&format!(
            "statefulset {}/flask scaled from 2 to 4",
            c.namespace
        )),
        "{}",
        out.stdout
    );
    assert_eq!(
        names(&c, "pods"),
        ["flask-0", "flask-1", "flask-2", "flask-3"]
    );
    let ready = c.jsonpath(&["get", "statefulset", "flask"], "{.status.readyReplicas}");
    assert_eq!(ready, "4");
    assert_eq!(uids(&c, "pvc"), claims, "the same claims come back");
    let vol = c.jsonpath(
        &["get", "pod", "flask-3"],
        "{.spec.volumes[?(@.name==\"www\")].persistentVolumeClaim.claimName}",
    );
    assert_eq!(vol, "www-flask-3");

    // already there: nothing to do, exit 0
    let out = c.sts(&["scale", "flask", "--replicas", "4"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("already has 4 replicas"),
        "{}",
        out.stdout
    );
}

#[test]
fn scale_checks_and_options_change_nothing_when_they_refuse() {
    let c = Cluster::fast("scale-guards", 3);
    let Some(class) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &class,
        replicas: 2,
        extra: "persistentVolumeClaimRetentionPolicy:\n  whenScaled: Delete",
        ..Default::default()
    }
    .deploy(&c, 90);

    // an autoscaler owns the replica count: any manual scale would be undone
    c.apply("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: flask\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: flask\n  minReplicas: 2\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 80\n");
    if c.is_sim() {
        // kubectl's HPA columns (no autoscaler runs in the simulator, so no current metric)
        let row = c.kubectl_ok(&["get", "hpa", "flask", "--no-headers"]);
        let cells: Vec<&str> = row.split_whitespace().take(7).collect();
        assert_eq!(
            cells,
            [
                "flask",
                "StatefulSet/flask",
                "cpu:",
                "<unknown>/80%",
                "2",
                "5",
                "0"
            ],
            "{row}"
        );
    }
    let out = c.sts(&["scale", "flask", "--replicas", "3", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["blockers"][0]["code"], "ManagedByAutoscaler");
    assert_eq!(
        d["blockers"][0]["message"],
        "horizontalpodautoscaler/flask (minReplicas 2, maxReplicas 5) manages this StatefulSet and would undo a manual scale; change its bounds instead"
    );
    assert_eq!(spec_replicas(&c), "2");
    c.kubectl_ok(&["delete", "hpa", "flask"]);
    // the API server's defaults for autoscaling/v1 (minReplicas 1; no metric → CPU 80%)
    c.apply("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bare\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: other\n  maxReplicas: 3\n");
    // the v1 field, asked for in v1: kubectl reads the preferred autoscaling/v2 otherwise, and
    // drops the version of a short name (`hpa.v1.autoscaling` reads v2 too)
    let bare = c.json(&["get", "horizontalpodautoscalers.v1.autoscaling", "bare"]);
    assert_eq!(bare["spec"]["minReplicas"], 1);
    assert_eq!(bare["spec"]["targetCPUUtilizationPercentage"], 80);
    if c.is_sim() {
        assert_eq!(
            bare["status"],
            serde_json::json!({"currentReplicas": 0, "desiredReplicas": 0})
        );
    }
    c.kubectl_ok(&["delete", "hpa", "bare"]);

    // the controller would delete www-flask-1 on the way down: refused without consent
    let out = c.sts(&["scale", "flask", "--replicas", "1", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Refused");
    assert_eq!(d["blockers"][0]["code"], "ClaimsWouldBeDeleted");
    assert!(d["blockers"][0]["message"]
        .as_str()
        .unwrap()
        .contains("(www-flask-1)"));
    assert!(
        out.stderr
            .starts_with("error: refusing to scale statefulset"),
        "{}",
        out.stderr
    );
    assert_eq!(spec_replicas(&c), "2");

    // kubectl scale's --current-replicas precondition
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "3",
        "--current-replicas",
        "5",
    ]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("expected 5 current replicas"),
        "{}",
        out.stderr
    );
    assert_eq!(spec_replicas(&c), "2");

    // --dry-run: the plan, nothing changed
    let out = c.sts(&["scale", "flask", "--replicas", "4", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("may be scaled from 2 to 4 in 2 step(s): add flask-2, then add flask-3"),
        "{}",
        out.stdout
    );
    assert_eq!(spec_replicas(&c), "2");

    // usage errors and unknown sets
    assert_eq!(c.sts(&["scale", "flask", "--replicas", "-1"]).code, 2);
    assert_eq!(c.sts(&["scale", "flask"]).code, 2);
    assert_eq!(c.sts(&["scale", "flask", "--replicas", "1", "-A"]).code, 2);
    let out = c.sts(&["scale", "nope", "--replicas", "1"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stderr.trim(),
        format!(
            "error: statefulset \"nope\" not found in namespace \"{}\"",
            c.namespace
        )
    );

    // with consent the controller deletes the claim (its policy), never the tool
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "1",
        "--allow-claim-deletion",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    c.eventually(30, "www-flask-1 deleted by the retention policy", || {
        (names(&c, "pvc") == ["www-flask-0"]).then_some(())
    });
    if let Some(sim) = c.sim() {
        let tool_deletes = sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "DELETE" && r.path.contains("persistentvolumeclaims"))
            .count();
        assert_eq!(tool_deletes, 0, "no client ever asked to delete a claim");
    }
}

#[test]
fn scale_refuses_while_a_pod_is_not_ready() {
    if crate::harness::needs_sim("reads the simulator's request log") {
        return;
    }
    let Some(c) = lab("scale-unready", "local-path", Duration::from_secs(360)) else {
        return;
    };
    let node = crate::harness::kill_flask_1(&c);
    let sim = c.sim().unwrap();
    sim.clear_requests();
    let out = c.sts(&["scale", "flask", "--replicas", "2", "-o", "json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let reqs = sim.requests();
    assert!(
        reqs.iter().all(|r| r.method == "GET"),
        "a refusal writes nothing"
    );
    // only the unready pod's node is read, by name; never a list of every node
    let nodes: Vec<&str> = reqs
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/nodes"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(nodes, [format!("/api/v1/nodes/{node}")]);
    let d = out.json();
    assert_eq!(d["outcome"], "Refused");
    let codes: Vec<&str> = d["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["PodTerminating"], "{d}");
    assert!(d["blockers"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("flask-1 is terminating"));
    assert_eq!(spec_replicas(&c), "3");
    // the dry run says the same, with the same exit code
    let out = c.sts(&["scale", "flask", "--replicas", "2", "--dry-run"]);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("flask-1 is terminating"),
        "{}",
        out.stderr
    );
}

/// The highest pod's node dies just as the scale starts: its pod can never finish
/// terminating, so the step cannot complete.
fn power_off_flask_2_node(c: &Cluster) -> String {
    let node = c.jsonpath(&["get", "pod", "flask-2"], "{.spec.nodeName}");
    power(c, &node, false);
    node
}

#[test]
fn a_step_that_cannot_finish_times_out_and_goes_no_further() {
    let Some(c) = lab("scale-timeout", "network", Duration::from_secs(360)) else {
        return;
    };
    power_off_flask_2_node(&c);
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "1",
        "--timeout",
        "4s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "TimedOut");
    assert_eq!(d["replicas"], 2);
    assert_eq!(d["blockers"][0]["code"], "StepNotFinished");
    assert_eq!(
        d["blockers"][0]["message"],
        "flask-2 is still there (Terminating)"
    );
    assert!(
        out.stderr.contains("did not finish within 4s"),
        "{}",
        out.stderr
    );
    assert_eq!(spec_replicas(&c), "2", "stopped after the first step");
    assert!(names(&c, "pods").contains(&"flask-1".to_string()));
}

#[test]
fn someone_else_scaling_meanwhile_stops_the_scale() {
    let Some(c) = lab("scale-interfered", "network", Duration::from_secs(360)) else {
        return;
    };
    power_off_flask_2_node(&c);
    let child = c.sts_spawn(&["scale", "flask", "--replicas", "1", "--timeout", "60s"]);
    c.eventually(20, "first step taken", || {
        (spec_replicas(&c) == "2").then_some(())
    });
    c.kubectl_ok(&["scale", "statefulset", "flask", "--replicas=3"]);
    let out: crate::harness::Out = child.wait_with_output().unwrap().into();
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "error: spec.replicas was changed to 3 by someone else while this step set 2; stopped"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(spec_replicas(&c), "3", "the other change is left alone");
}

#[test]
fn a_gitops_controller_reverting_replicas_mid_scale_stops_the_scale() {
    // another writer (a GitOps controller re-applying its copy) puts replicas back to 3 as soon
    // as the tool has begun; no node is powered off, so this runs on any cluster
    let c = Cluster::with_nodes("scale-gitops", 3, Default::default());
    Sts::default().deploy(&c, 90);
    let gitops = c.other_writer(
        |k| {
            k.try_json(&["get", "sts", "flask"])
                .is_some_and(|s| s["spec"]["replicas"] != 3)
        },
        |k| k.run(&["scale", "statefulset", "flask", "--replicas=3"]),
    );
    let out = c.sts(&["scale", "flask", "--replicas", "1", "--timeout", "60s"]);
    let wrote = gitops.finish().expect("the other writer acted");
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("spec.replicas was changed to 3 by someone else while this step set"),
        "{}",
        out.stderr
    );
    assert_eq!(spec_replicas(&c), "3", "the other change is left alone");
    assert_eq!(names(&c, "pvc").len(), 3, "no claim deleted");
}

#[test]
fn interrupting_a_scale_says_where_it_stopped() {
    let Some(c) = lab("scale-interrupted", "network", Duration::from_secs(360)) else {
        return;
    };
    power_off_flask_2_node(&c);
    let child = c.sts_spawn(&["scale", "flask", "--replicas", "1", "--timeout", "60s"]);
    c.eventually(20, "first step taken", || {
        (spec_replicas(&c) == "2").then_some(())
    });
    let out = crate::harness::interrupt(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "error: interrupted: statefulset {}/flask has spec.replicas 2; run the command again",
            c.namespace
        )),
        "{}",
        out.stderr
    );
    assert_eq!(spec_replicas(&c), "2");
}

#[test]
fn scale_rides_out_passing_api_errors_and_stops_on_lasting_ones() {
    let c = Cluster::fast("scale-faults", 3);
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    Sts {
        class: "network",
        replicas: 3,
        ..Default::default()
    }
    .deploy(&c, 90);
    // a failed write: one line, exit 1, nothing changed
    sim.inject(crate::harness::fault("update", "statefulsets", 500, 1));
    let out = c.sts(&["scale", "flask", "--replicas", "2"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let last = out.stderr.lines().last().unwrap_or_default().to_string();
    assert_eq!(
        last,
        format!(
            "error: cannot scale statefulset {}/flask: Internal error occurred: injected fault (500)",
            c.namespace
        )
    );
    assert_eq!(spec_replicas(&c), "3");
    // a conflict from a status write (the spec unchanged): checked again and written again
    sim.clear_requests();
    sim.inject(crate::harness::fault("update", "statefulsets", 409, 1));
    let out = c.sts(&["scale", "flask", "--replicas", "2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(spec_replicas(&c), "2");
    let puts = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/statefulsets/flask/scale"))
        .map(|r| r.status)
        .collect::<Vec<_>>();
    assert_eq!(puts, [409, 200]);
    // 503s are retried, and watches that keep getting cut only make the waits poll
    sim.inject(crate::harness::fault("list", "pods", 503, 2));
    sim.inject(crate::harness::fault("get", "statefulsets", 503, 1));
    sim.faults.lock().unwrap().cut_watch_after = Some(1);
    let out = c.sts(&["scale", "flask", "--replicas", "1"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(spec_replicas(&c), "1");
    assert_eq!(names(&c, "pods"), ["flask-0"]);
}

/// A plan of a thousand steps is summarised on the one line people read; the document keeps
/// every step.
#[test]
fn a_long_plan_is_summarised_for_people_and_whole_for_scripts() {
    let c = Cluster::fast("scale-long-plan", 2);
    Sts::default().deploy(&c, 90);
    let args = [
        "scale",
        "flask",
        "--replicas",
        "1003",
        "--max-steps",
        "2000",
        "--dry-run",
    ];
    let out = c.sts(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("add flask-7, then … 993 more …, then add flask-1001, then add flask-1002"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.len() < 2000, "{} bytes", out.stdout.len());
    let mut json = args.to_vec();
    json.extend(["-o", "json"]);
    let out = c.sts(&json);
    let d: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(d["plan"].as_array().unwrap().len(), 1000);
    assert_eq!(spec_replicas(&c), "3", "a dry run");
}

/// A set whose controller is stuck at flask-0 (re-created with a claim template its pods have
/// no volume for; its template unchanged, so every revision agrees and no rollout shows):
/// the controller would never remove or add a pod, so a scale is refused — in either direction
/// and in a dry run — naming the stuck ordinal, and nothing is written.
#[test]
fn a_set_stuck_at_its_lowest_ordinal_is_not_scaled() {
    let c = Cluster::fast("scale-stuck", 3);
    if crate::harness::stuck_at_ordinal_0(&c, false).is_none() {
        return;
    }
    let pods = uids(&c, "pods");
    let generation = c.jsonpath(&["get", "sts", "flask"], "{.metadata.generation}");
    for (to, dry_run) in [("2", false), ("4", false), ("2", true)] {
        let mut args = vec![
            "scale",
            "flask",
            "--replicas",
            to,
            "--timeout",
            "20s",
            "-o",
            "json",
        ];
        if dry_run {
            args.push("--dry-run");
        }
        let out = c.sts(&args);
        assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
        let d: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(d["outcome"], if dry_run { "DryRun" } else { "Refused" });
        assert_eq!(d["blockers"][0]["code"], "ControllerStuck", "{d}");
        assert_eq!(d["blockers"][0]["pod"], "flask-0");
        let message = d["message"].as_str().unwrap();
        assert!(
            message.contains(
                "is stuck at ordinal 0 (flask-0): it has no volume for claim template logs"
            ),
            "{message}"
        );
        assert!(
            message.contains("kubectl delete pod flask-0 -n"),
            "{message}"
        );
        assert_eq!(spec_replicas(&c), "3");
    }
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.generation}"),
        generation,
        "nothing written"
    );
    assert_eq!(uids(&c, "pods"), pods);
}

/// The whole preflight runs again before every step, not only before the first: a GitOps
/// change of the retention policy to `whenScaled: Delete` while the first step's pod is still
/// terminating stops the scale before its next step (whose pod's claim the controller would
/// then delete), saying why.
#[test]
fn a_retention_policy_changed_mid_scale_stops_the_next_step() {
    // the removed pod takes 4 s to stop: the other writer's change lands before the next step
    let c = Cluster::with_nodes(
        "scale-policy-mid",
        3,
        kube_sim::SimConfig {
            speed: 5.0,
            container_stop_delay: Duration::from_secs(20),
            ..Default::default()
        },
    );
    if c.skip_unless_sim(
        "holds the removed pod Terminating (the simulator's container stop delay) until another writer's change has landed; on a real cluster the two would race",
    ) {
        return;
    }
    Sts::default().deploy(&c, 90);
    let gitops = c.other_writer(
        |k| {
            k.try_json(&["get", "pod", "flask-2"])
                .is_some_and(|p| !p["metadata"]["deletionTimestamp"].is_null())
        },
        |k| {
            k.run(&[
                "patch",
                "statefulset",
                "flask",
                "--type=merge",
                "-p",
                r#"{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete"}}}"#,
            ])
        },
    );
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "1",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    let wrote = gitops.finish().expect("the other writer acted");
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
    let d: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "Refused", "{d}");
    assert_eq!(d["steps"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["blockers"][0]["code"], "ClaimsWouldBeDeleted", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("refusing step 2 (replicas 2 → 1): persistentVolumeClaimRetentionPolicy.whenScaled is Delete"),
        "{d}"
    );
    assert_eq!(spec_replicas(&c), "2", "the next step was not taken");
    assert!(names(&c, "pvc").contains(&"www-flask-1".to_string()));
}
