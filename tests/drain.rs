//! `kubectl sts drain NODE`: the preflight refuses what would block before anything is written
//! (a volume only the node holds, two PodDisruptionBudgets, a set's only replica), and a drain
//! moves a network set's pod to another node behind its PodDisruptionBudget.

use crate::harness::{Cluster, Out, Sts, Tool};

fn doc(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

fn pdb(c: &Cluster, name: &str, app: &str) {
    crate::harness::budget(c, name, app, "maxUnavailable: 1");
}

/// A budget over flask's 3 replicas with `minAvailable: 3`: no eviction is allowed until a
/// fourth pod is Ready.
fn budget_allowing_nothing(c: &Cluster) {
    c.apply(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: flask
spec:
  minAvailable: 3
  selector:
    matchLabels:
      app: flask
",
    );
    c.eventually(30, "the budget computed", || {
        (c.jsonpath(&["get", "pdb", "flask"], "{.status.currentHealthy}") == "3").then_some(())
    });
}

/// flask on network volumes behind a budget that allows no disruption; the node of flask-1
/// (None, after saying so, where the cluster has no network class).
pub(crate) fn behind_a_closed_budget(c: &Cluster) -> Option<String> {
    let network = c.class_or_skip("network")?;
    Sts {
        class: &network,
        ..Default::default()
    }
    .deploy(c, 120);
    budget_allowing_nothing(c);
    Some(c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}"))
}

fn unschedulable(c: &Cluster, node: &str) -> bool {
    c.jsonpath(&["get", "node", node], "{.spec.unschedulable}") == "true"
}

fn code_of(d: &serde_json::Value, pod: &str) -> String {
    d["preflight"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == pod)
        .map(|v| v["code"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{pod} not in {d}"))
}

#[test]
fn drain_refuses_what_would_block_and_moves_a_network_pod_behind_its_pdb() {
    let c = Cluster::fast("drain", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        ..Default::default()
    }
    .deploy(&c, 120);
    pdb(&c, "flask", "flask");
    Sts {
        name: "cache",
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 120);
    pdb(&c, "cache", "cache");
    let node = c.jsonpath(&["get", "pod", "cache-1"], "{.spec.nodeName}");

    // a local volume only this node holds: refused before any write
    let out = c.sts(&["drain", &node, "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["kind"], "DrainResult");
    assert_eq!(d["outcome"], "Refused");
    assert_eq!(code_of(&d, "cache-1"), "PinnedVolume", "{d}");
    assert!(!unschedulable(&c, &node), "nothing written: not cordoned");
    // --pod-selector leaves the other pods out, as kubectl drain does
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--pod-selector",
        "app=flask",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let pre = doc(&out)["preflight"].to_string();
    assert!(!pre.contains("cache-"), "{pre}");

    // a second PodDisruptionBudget over flask: the eviction API would answer 500
    pdb(&c, "flask-too", "flask");
    let flask_pod = c.eventually(30, "a flask pod somewhere", || {
        let pods = c.json(&["get", "pods", "-l", "app=flask"]);
        pods["items"].as_array()?.first()?["metadata"]["name"]
            .as_str()
            .map(String::from)
    });
    let flask_node = c.jsonpath(&["get", "pod", &flask_pod], "{.spec.nodeName}");
    let out = c.sts(&["drain", &flask_node, "--dry-run", "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(code_of(&d, &flask_pod), "MultiplePdbs", "{d}");
    let reason = d["preflight"].to_string();
    assert!(reason.contains("flask, flask-too"), "{reason}");
    c.kubectl_ok(&["delete", "pdb", "flask-too"]);

    // the local set gone (its data with it, for this test), the drain goes through
    c.kubectl_ok(&["delete", "sts", "cache"]);
    c.eventually(60, "cache pods gone", || {
        let pods = c.json(&["get", "pods", "-l", "app=cache"]);
        pods["items"].as_array()?.is_empty().then_some(())
    });
    let before: Vec<(String, String)> = {
        let pods = c.json(&["get", "pods", "-l", "app=flask"]);
        pods["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["spec"]["nodeName"] == flask_node.as_str())
            .map(|p| {
                (
                    p["metadata"]["name"].as_str().unwrap().to_string(),
                    p["metadata"]["uid"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert!(!before.is_empty());
    let out = c.sts(&[
        "drain",
        &flask_node,
        "--ignore-daemonsets",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert_eq!(d["cordoned"], true);
    assert!(unschedulable(&c, &flask_node));
    assert!(!c
        .jsonpath(
            &["get", "node", &flask_node],
            "{.metadata.annotations.kubectl-sts\\.io/cordoned-by}"
        )
        .is_empty());
    for (name, uid) in &before {
        let p = c.json(&["get", "pod", name]);
        assert_ne!(p["metadata"]["uid"], uid.as_str(), "{name} replaced");
        assert_ne!(p["spec"]["nodeName"], flask_node.as_str(), "{name} moved");
        let rec = d["evictions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["pod"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} evicted: {d}"));
        assert!(rec["settledSeconds"].as_f64().is_some(), "{rec}");
    }
    // again: nothing left on the node to evict
    let out = c.sts(&["drain", &flask_node, "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(doc(&out)["evictions"].as_array().unwrap().is_empty());
}

#[test]
fn drain_refuses_a_single_replica_without_allow_downtime() {
    let c = Cluster::fast("drain-one", 2);
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 120);
    let node = c.jsonpath(&["get", "pod", "flask-0"], "{.spec.nodeName}");
    let out = c.sts(&["drain", &node, "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(code_of(&d, "flask-0"), "DowntimeNotAllowed", "{d}");
    assert!(!unschedulable(&c, &node));
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--allow-downtime",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(code_of(&doc(&out), "flask-0"), "Downtime");
    assert_eq!(c.sts(&["drain", "nope"]).code, 3);
}

/// The maintenance window: `--pinned wait` evicts the pod whose volume only this node holds
/// last and leaves it Pending; `uncordon` brings the node back into service and follows the pod
/// back to Ready there. A cordon someone else made is theirs: uncordon needs --force.
#[test]
fn pinned_wait_then_uncordon_brings_the_local_pod_back() {
    let c = Cluster::fast("drain-pinned", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    Sts {
        name: "cache",
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 120);
    pdb(&c, "cache", "cache");
    let node = c.jsonpath(&["get", "pod", "cache-1"], "{.spec.nodeName}");
    let before = c.jsonpath(&["get", "pod", "cache-1"], "{.metadata.uid}");
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--pinned",
        "wait",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "WaitingForNode", "{d}");
    assert_eq!(code_of(&d, "cache-1"), "WaitsForNode");
    assert!(
        d["message"].as_str().unwrap().contains("stay Pending"),
        "{d}"
    );
    c.eventually(30, "cache-1 re-created and Pending", || {
        let p = c.try_json(&["get", "pod", "cache-1"])?;
        (p["metadata"]["uid"] != before.as_str() && p["status"]["phase"] == "Pending").then_some(())
    });
    assert!(unschedulable(&c, &node));
    // inspect: planned maintenance, not data to give up
    let out = c.sts(&["inspect", "cache", "-o", "json"]);
    let problems = doc(&out)["problems"].to_string();
    assert!(problems.contains("PlannedMaintenance"), "{problems}");
    assert!(!problems.contains("abandon-data"), "{problems}");

    let out = c.sts(&["uncordon", &node, "--timeout", "60s", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["kind"], "UncordonResult");
    assert_eq!(d["outcome"], "Uncordoned", "{d}");
    assert!(d["followed"].to_string().contains("cache-1"), "{d}");
    assert!(!unschedulable(&c, &node));
    let p = c.json(&["get", "pod", "cache-1"]);
    assert_eq!(p["spec"]["nodeName"], node.as_str(), "back on its node");
    assert_eq!(
        c.jsonpath(
            &["get", "node", &node],
            "{.metadata.annotations.kubectl-sts\\.io/cordoned-by}"
        ),
        "",
        "drain's annotation removed"
    );

    // someone else's cordon stays theirs
    c.kubectl_ok(&["cordon", &node]);
    let out = c.sts(&["uncordon", &node]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert!(unschedulable(&c, &node));
    let out = c.sts(&["uncordon", &node, "--force"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!unschedulable(&c, &node));
}

/// Two ordinals on the drained node: evicted one at a time, the second only once the first's
/// replacement is Ready on the other node — the watch log shows one pod down at most.
#[test]
fn two_ordinals_on_the_node_are_evicted_one_at_a_time() {
    let c = Cluster::fast("drain-two", 2);
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        replicas: 4,
        min_ready: 1,
        ..Default::default()
    }
    .deploy(&c, 120);
    pdb(&c, "flask", "flask");
    let node = c.jsonpath(&["get", "pod", "flask-0"], "{.spec.nodeName}");
    let on_node = c
        .jsonpath(
            &["get", "pods", "-l", "app=flask"],
            "{.items[*].spec.nodeName}",
        )
        .split_whitespace()
        .filter(|n| *n == node)
        .count();
    if on_node < 2 && !c.is_sim() {
        // the simulator's 2 nodes take 2 each; a real cluster may spread them wider
        crate::harness::skip("needs two ordinals of one set on the drained node");
        return;
    }
    let watch = c.watch_pods(Some("app=flask"));
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    let log = watch.stop();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert_eq!(d["evictions"].as_array().unwrap().len(), on_node, "{d}");
    assert!(
        on_node >= 2,
        "the scheduler put {on_node} ordinal(s) on {node}"
    );
    let replicas: Vec<String> = (0..4).map(|i| format!("flask-{i}")).collect();
    let most = crate::harness::most_down_in_one_set(&log, &replicas);
    assert_eq!(most, 1, "never two flask pods down at once:\n{log}");
}

/// A PodDisruptionBudget that allows no disruption makes the drain wait (429s retried), and it
/// finishes once another pod becomes Ready and the budget allows one.
#[test]
fn a_budget_with_nothing_allowed_makes_the_drain_wait_until_it_allows() {
    let c = Cluster::fast("drain-pdb-wait", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(node) = behind_a_closed_budget(&c) else {
        return;
    };
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(code_of(&doc(&out), "flask-1"), "WaitsForPdb");
    let child = c.sts_spawn(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    c.eventually(30, "the drain cordoned the node and waits", || {
        unschedulable(&c, &node).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_secs(6));
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas", "4"]);
    let out: Out = child.wait_with_output().unwrap().into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    let rec = &d["evictions"][0];
    assert_eq!(rec["pod"], "flask-1", "{d}");
    assert!(rec["retries"].as_u64().unwrap() >= 1, "{rec}");
    // the budget's 429s, and (when the drain looks again while flask-3 is still starting)
    // the wait for it to be Ready: both are waits, in the order they happened
    let wait = d["waits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| {
            w["reason"]
                .as_str()
                .unwrap()
                .contains("429 from the eviction API")
        })
        .unwrap_or_else(|| panic!("no wait for the budget: {d}"));
    assert_eq!(
        wait["pod"].as_str().unwrap(),
        format!("{}/flask-1", c.namespace)
    );
    assert!(
        wait["reason"]
            .as_str()
            .unwrap()
            .contains("429 from the eviction API: PodDisruptionBudget flask (minAvailable 3"),
        "{wait}"
    );
    assert!(wait["seconds"].as_f64().unwrap() >= 5.0, "{wait}");
}

/// A node that is down is not drained: its pods cannot terminate; recover is the way.
#[test]
fn a_dead_node_is_refused_and_pointed_to_recover() {
    let Some(c) = crate::harness::lab("drain-dead", "network", std::time::Duration::from_secs(360))
    else {
        return;
    };
    let node = crate::harness::kill_flask_1(&c);
    let out = c.sts(&["drain", &node, "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused");
    assert!(d["message"].as_str().unwrap().contains("recover"), "{d}");
    assert!(!unschedulable(&c, &node), "nothing written");
    crate::harness::power(&c, &node, true);
}

/// `--parallel-sets 2`: two sets drained at once, each still one pod at a time.
#[test]
fn parallel_sets_drain_sets_side_by_side() {
    let c = Cluster::fast("drain-parallel", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    for name in ["alpha", "beta"] {
        Sts {
            name,
            class: &network,
            ..Default::default()
        }
        .deploy(&c, 120);
        pdb(&c, name, name);
    }
    let node = c.jsonpath(&["get", "pod", "alpha-0"], "{.spec.nodeName}");
    let on_node = c
        .jsonpath(&["get", "pods"], "{.items[*].spec.nodeName}")
        .split_whitespace()
        .filter(|n| *n == node)
        .count();
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--parallel-sets",
        "2",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert_eq!(d["evictions"].as_array().unwrap().len(), on_node, "{d}");
    let left_on_node = c
        .jsonpath(&["get", "pods"], "{.items[*].spec.nodeName}")
        .split_whitespace()
        .filter(|n| *n == node)
        .count();
    assert_eq!(left_on_node, 0, "every pod moved off {node}");
    assert_eq!(c.sts(&["drain", &node, "--parallel-sets", "0"]).code, 2);
}

/// Ctrl-C while the drain waits for a budget says what was done (the cordon) and what is left;
/// the node stays cordoned, so running it again continues.
#[test]
fn interrupting_a_drain_says_what_was_done_and_what_is_left() {
    let c = Cluster::fast("drain-interrupted", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(node) = behind_a_closed_budget(&c) else {
        return;
    };
    let child = c.sts_spawn(&["drain", &node, "--ignore-daemonsets", "--timeout", "90s"]);
    c.eventually(30, "the drain cordoned the node and waits", || {
        unschedulable(&c, &node).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    let out = crate::harness::interrupt(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "drain of node {node}: written: cordoned node {node}; left: evict {}/flask-1",
            c.namespace
        )),
        "{}",
        out.stderr
    );
    assert!(unschedulable(&c, &node), "the cordon stays");
}

/// A set whose controller is stuck at flask-0 (golden `apply/add-claim-template*`): a pod of it
/// evicted above ordinal 0 would never be re-created. Drain refuses every pod of it, naming the
/// stuck ordinal and the way out, and writes nothing (no cordon, no eviction).
#[test]
fn drain_refuses_a_set_its_controller_is_stuck_on() {
    let c = Cluster::fast("drain-stuck", 3);
    if crate::harness::stuck_at_ordinal_0(&c, true).is_none() {
        return;
    }
    let node = c.jsonpath(&["get", "pod", "flask-2"], "{.spec.nodeName}");
    let pods = c.jsonpath(&["get", "pods"], "{.items[*].metadata.uid}");
    for dry_run in [true, false] {
        let mut args = vec!["drain", node.as_str(), "--ignore-daemonsets", "-o", "json"];
        if dry_run {
            args.push("--dry-run");
        }
        let out = c.sts(&args);
        assert_eq!(out.code, 4, "{}{}", out.stdout, out.stderr);
        let d = doc(&out);
        assert_eq!(d["outcome"], "Refused");
        assert_eq!(code_of(&d, "flask-2"), "ControllerStuck", "{d}");
        let reason = d["preflight"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "flask-2")
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            reason.contains(
                "is stuck at ordinal 0 (flask-0): it has no volume for claim template logs"
            ),
            "{reason}"
        );
        assert!(
            reason.contains("evicting flask-2 is refused until then: replace the pods from the lowest ordinal upwards"),
            "{reason}"
        );
        assert!(!unschedulable(&c, &node), "not cordoned");
    }
    assert_eq!(
        c.jsonpath(&["get", "pods"], "{.items[*].metadata.uid}"),
        pods,
        "no pod evicted"
    );
    // check runs the same preflight: each node with a pod of the set would block on it (STS020)
    let d = doc(&c.sts(&["check", "flask", "-o", "json"]));
    let verdicts: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "STS020")
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    assert!(
        !verdicts.is_empty() && verdicts.iter().all(|v| *v == "ControllerStuck"),
        "{d}"
    );
}

/// The StatefulSet manifest with the pods' own terminationGracePeriodSeconds set to `grace`.
fn with_grace(sts: &Sts<'_>, grace: u32) -> String {
    let yaml = sts.yaml();
    assert!(yaml.contains("terminationGracePeriodSeconds: 10"), "{yaml}");
    yaml.replace(
        "terminationGracePeriodSeconds: 10",
        &format!("terminationGracePeriodSeconds: {grace}"),
    )
}

/// Issue 31: `--grace-period 0` evicted a StatefulSet pod gracelessly (the name free at once,
/// the same identity started elsewhere while the old container could still run). Refused now,
/// nothing written — and so is the default when the pod's own grace is 0.
#[test]
fn a_graceless_eviction_of_a_statefulset_pod_is_refused() {
    let c = Cluster::fast("drain-grace", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        ..Default::default()
    }
    .deploy(&c, 120);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let uid = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--grace-period",
        "0",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused", "{d}");
    assert_eq!(code_of(&d, "flask-1"), "ZeroGracePeriod", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("positive --grace-period"),
        "{d}"
    );
    assert!(!unschedulable(&c, &node), "nothing written: not cordoned");
    assert_eq!(
        c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}"),
        uid,
        "flask-1 not evicted"
    );
    // near miss: a positive grace may proceed
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--grace-period",
        "1",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(code_of(&doc(&out), "flask-1"), "Evictable");

    // a set whose pods' own grace is 0: the eviction carries none, so the pod's 0 applies
    let zero = Sts {
        name: "zero",
        replicas: 2,
        class: &network,
        ..Default::default()
    };
    c.apply(&with_grace(&zero, 0));
    c.wait_ready("zero", 2, 120);
    let node = c.jsonpath(&["get", "pod", "zero-0"], "{.spec.nodeName}");
    let out = c.sts(&["drain", &node, "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(code_of(&d, "zero-0"), "ZeroGracePeriod", "{d}");
    assert!(!unschedulable(&c, &node));
    // check says the same, as STS020
    let out = c.sts(&["check", "zero", "-o", "json"]);
    let verdicts = doc(&out)["findings"].to_string();
    assert!(
        verdicts.contains("\"verdict\":\"ZeroGracePeriod\""),
        "{verdicts}"
    );
}

/// Issue 31: with an OnDelete template change nobody had applied, drain brought flask-1 back
/// at the new revision while the others stayed on the old one. Refused now, naming both
/// revisions (dry run, run and check alike), unless `--allow-update`.
#[test]
fn a_member_does_not_come_back_at_a_revision_it_was_not_running() {
    let c = Cluster::fast("drain-revision", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        extra: "updateStrategy:\n  type: OnDelete",
        ..Default::default()
    }
    .deploy(&c, 120);
    let old = c.jsonpath(
        &["get", "pod", "flask-1"],
        "{.metadata.labels.controller-revision-hash}",
    );
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type",
        "merge",
        "-p",
        r#"{"spec":{"template":{"metadata":{"annotations":{"example.com/v":"2"}}}}}"#,
    ]);
    let new = c.eventually(30, "a new update revision", || {
        let r = c.jsonpath(&["get", "sts", "flask"], "{.status.updateRevision}");
        (!r.is_empty() && r != old).then_some(r)
    });
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let uid = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");

    let reason_of = |d: &serde_json::Value| {
        d["preflight"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "flask-1")
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(code_of(&d, "flask-1"), "RevisionChange", "{d}");
    let reason = reason_of(&d);
    assert!(
        reason.contains(&format!(
            "runs revision {old} and would come back at revision {new}"
        )),
        "{reason}"
    );
    let out = c.sts(&["drain", &node, "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(doc(&out)["outcome"], "Refused");
    assert!(!unschedulable(&c, &node), "nothing written: not cordoned");
    assert_eq!(
        c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}"),
        uid
    );
    // check's STS020 says the same
    let out = c.sts(&["check", "flask", "-o", "json"]);
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    let findings = doc(&out)["findings"].to_string();
    assert!(
        findings.contains("\"verdict\":\"RevisionChange\""),
        "{findings}"
    );

    // --allow-update: the member may be updated now
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--allow-update",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(doc(&out)["outcome"], "Drained", "{}", out.stdout);
    let p = c.json(&["get", "pod", "flask-1"]);
    assert_ne!(p["metadata"]["uid"], uid.as_str());
    assert_eq!(
        p["metadata"]["labels"]["controller-revision-hash"],
        new.as_str()
    );
    assert_ne!(p["spec"]["nodeName"], node.as_str());
}

/// Issue 31: `--pinned wait` took a single-replica set's only pod down without
/// `--allow-downtime`. Refused now, nothing written; allowed with it.
#[test]
fn pinned_wait_still_needs_allow_downtime_for_a_single_replica() {
    let c = Cluster::fast("drain-pinned-one", 2);
    Sts {
        name: "solo",
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 120);
    let node = c.jsonpath(&["get", "pod", "solo-0"], "{.spec.nodeName}");
    let uid = c.jsonpath(&["get", "pod", "solo-0"], "{.metadata.uid}");
    let args = [
        "drain",
        &node,
        "--ignore-daemonsets",
        "--pinned",
        "wait",
        "--timeout",
        "60s",
        "-o",
        "json",
    ];
    let out = c.sts(&args);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(code_of(&d, "solo-0"), "DowntimeNotAllowed", "{d}");
    assert!(!unschedulable(&c, &node), "nothing written: not cordoned");
    assert_eq!(
        c.jsonpath(&["get", "pod", "solo-0"], "{.metadata.uid}"),
        uid
    );
    let out = c.sts(&[&args[..], &["--allow-downtime"]].concat());
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "WaitingForNode", "{d}");
    assert_eq!(code_of(&d, "solo-0"), "WaitsForNode");
    c.eventually(30, "solo-0 re-created and Pending", || {
        let p = c.try_json(&["get", "pod", "solo-0"])?;
        (p["metadata"]["uid"] != uid.as_str() && p["status"]["phase"] == "Pending").then_some(())
    });
}

/// Issue 31: two pinned pods of one set on the node, with `--pinned wait`: the dry run said
/// both wait for the node, and the run stopped after the first (the second found "a pod already
/// down"). Counted up front now: refused without `--allow-downtime`, and with it both are
/// evicted and the number is said.
#[test]
fn two_pinned_pods_of_one_set_are_counted_up_front() {
    let c = Cluster::fast("drain-pinned-two", 2);
    Sts {
        name: "cache",
        replicas: 4,
        ..Default::default()
    }
    .deploy(&c, 180);
    let node = c.jsonpath(&["get", "pod", "cache-0"], "{.spec.nodeName}");
    let pods = c.json(&["get", "pods", "-l", "app=cache"]);
    let on_node: Vec<(String, String)> = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["spec"]["nodeName"] == node.as_str())
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                p["metadata"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    if on_node.len() < 2 && !c.is_sim() {
        crate::harness::skip("needs two ordinals of one set on the drained node");
        return;
    }
    assert!(on_node.len() >= 2, "{on_node:?}");
    let args = [
        "drain",
        &node,
        "--ignore-daemonsets",
        "--pinned",
        "wait",
        "--timeout",
        "60s",
        "-o",
        "json",
    ];
    let dry = c.sts(&[&args[..], &["--dry-run"]].concat());
    assert_eq!(dry.code, 4, "{}\n{}", dry.stdout, dry.stderr);
    let d = doc(&dry);
    for (name, _) in &on_node {
        assert_eq!(code_of(&d, name), "PinnedTogether", "{d}");
    }
    let n = on_node.len();
    assert!(
        d["message"].as_str().unwrap().contains(&format!(
            "{n} of statefulset {}/cache's 4 replicas",
            c.namespace
        )),
        "{d}"
    );
    let out = c.sts(&args);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    assert!(!unschedulable(&c, &node), "nothing written: not cordoned");

    // --allow-downtime without a budget: nothing says the set may lose that many
    let with = [&args[..], &["--allow-downtime"]].concat();
    let out = c.sts(&with);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    for (name, _) in &on_node {
        assert_eq!(code_of(&d, name), "PinnedTogether", "{d}");
    }
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&format!("no PodDisruptionBudget says the set may lose {n}")),
        "{d}"
    );
    assert!(!unschedulable(&c, &node), "nothing written: not cordoned");

    // a budget that allows that many: the dry run and the run agree, every pinned pod is evicted
    crate::harness::budget(&c, "cache", "cache", &format!("maxUnavailable: {n}"));
    c.eventually(30, "the budget computed", || {
        (c.jsonpath(&["get", "pdb", "cache"], "{.status.disruptionsAllowed}") == n.to_string())
            .then_some(())
    });
    let dry = c.sts(&[&with[..], &["--dry-run"]].concat());
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    let out = c.sts(&with);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "WaitingForNode", "{d}");
    assert_eq!(d["evictions"].as_array().unwrap().len(), n, "{d}");
    assert!(
        d["message"].as_str().unwrap().contains(&format!(
            "{n} pods of statefulset {}/cache down together",
            c.namespace
        )),
        "{d}"
    );
    // cache-0 (the node's lowest) comes back Pending; under OrderedReady the controller
    // re-creates no higher ordinal while it is Pending — none of them is on the node any more
    let before = on_node
        .iter()
        .find(|(n, _)| n == "cache-0")
        .map(|(_, u)| u.clone())
        .unwrap();
    c.eventually(30, "cache-0 re-created and Pending", || {
        let p = c.try_json(&["get", "pod", "cache-0"])?;
        (p["metadata"]["uid"] != before.as_str() && p["status"]["phase"] == "Pending").then_some(())
    });
    for (name, uid) in &on_node {
        if let Some(p) = c.try_json(&["get", "pod", name]) {
            assert_ne!(p["metadata"]["uid"], uid.as_str(), "{name} evicted");
            assert_ne!(p["spec"]["nodeName"], node.as_str(), "{name} off the node");
        }
    }
}

/// A bare pod on `node` that stays Terminating: deleted while the node's kubelet is off (it
/// cannot finish it, and its deletionTimestamp stays), held by a finalizer once it is back.
fn held_pod(c: &Cluster, node: &str) {
    c.apply(&format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: held
  finalizers: [example.com/hold]
spec:
  nodeName: {node}
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:1.28
"
    ));
    c.eventually(60, "held running", || {
        (c.jsonpath(&["get", "pod", "held"], "{.status.phase}") == "Running").then_some(())
    });
    crate::harness::power(c, node, false);
    c.kubectl_ok(&["delete", "pod", "held", "--wait=false"]);
    c.eventually(30, "held terminating", || {
        (!c.jsonpath(&["get", "pod", "held"], "{.metadata.deletionTimestamp}")
            .is_empty())
        .then_some(())
    });
}

/// Issue 31: a pod terminating on the node (deleted by someone else) was skipped and the drain
/// said `Drained` while it was still there. Waited for now, bounded by --timeout, listed;
/// `--skip-wait-for-delete-timeout` leaves a long-deleted one as kubectl drain does, without
/// calling the node drained. (The node's kubelet is off for the first two drains, inside the
/// node-monitor grace period: the node is still Ready, `--node-silence` is stretched.)
#[test]
fn terminating_pods_are_waited_for_and_listed() {
    let c = Cluster::fast("drain-terminating", 2);
    if c.skip_unless_sim("a kubelet that stops without its node going NotReady") {
        return;
    }
    let node = c.ready_nodes()[0].clone();
    held_pod(&c, &node);
    let drain = |extra: &[&str]| -> Vec<String> {
        [
            &[
                "drain",
                &node,
                "--ignore-daemonsets",
                "--node-silence",
                "10m",
                "-o",
                "json",
            ][..],
            extra,
        ]
        .concat()
        .into_iter()
        .map(String::from)
        .collect()
    };
    let run = |extra: &[&str]| {
        let args = drain(extra);
        c.sts(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&["--timeout", "3s"]);
    assert_eq!(out.code, 6, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "TimedOut", "{d}");
    let held = format!("{}/held", c.namespace);
    assert!(d["message"].as_str().unwrap().contains(&held), "{d}");
    assert_eq!(code_of(&d, "held"), "Terminating");
    assert!(d["onNode"].to_string().contains(&held), "{d}");

    // deleted longer ago than --skip-wait-for-delete-timeout: not waited for, listed, and the
    // node not called drained
    let out = run(&["--skip-wait-for-delete-timeout", "1s", "--timeout", "20s"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "LeftTerminating", "{d}");
    assert!(d["message"].as_str().unwrap().contains(&held), "{d}");
    assert!(d["onNode"].to_string().contains(&held), "{d}");

    // waited for until it is gone: the kubelet back, the drain ends once the finalizer goes
    crate::harness::power(&c, &node, true);
    let args = drain(&["--timeout", "60s"]);
    let child = c.sts_spawn(&args.iter().map(String::as_str).collect::<Vec<_>>());
    std::thread::sleep(std::time::Duration::from_secs(3));
    c.kubectl_ok(&[
        "patch",
        "pod",
        "held",
        "--type",
        "merge",
        "-p",
        r#"{"metadata":{"finalizers":null}}"#,
    ]);
    let out: Out = child.wait_with_output().unwrap().into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert!(d["waits"].to_string().contains(&held), "{d}");
    c.eventually(10, "held gone", || {
        c.try_json(&["get", "pod", "held"]).is_none().then_some(())
    });
    assert!(!d["onNode"].to_string().contains("held"), "{d}");
}

/// The kubelet writes its node's status every few seconds: a 409 on the cordon that such a
/// write causes is read again and the cordon written again, not an interference.
#[test]
fn a_kubelet_status_write_before_the_cordon_is_not_interference() {
    let c = Cluster::fast("drain-status-write", 2);
    let Some(sim) = c.sim_or_skip(
        "lands the kubelet's node status write between the tool's read and its cordon (a race a real cluster makes only at random)",
    ) else {
        return;
    };
    let sim = sim.clone();
    sim.interleave(kube_sim::Interleave::status_write("patch", "nodes", 1));
    let out = c.sts(&["drain", "n1", "--ignore-daemonsets", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert_eq!(d["cordoned"], true, "{d}");
    assert!(unschedulable(&c, "n1"));
    let conflicts = sim
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with("/nodes/n1") && r.status == 409)
        .count();
    assert_eq!(conflicts, 1, "the status write made the first cordon a 409");
}

/// Whose cordon it is is proven from the cluster, not from drain's annotation alone: a drain
/// with `--pinned wait` takes a node out for maintenance (cache-1 waits for it; the node then
/// goes down: still planned); a plain `kubectl uncordon` and someone else's `kubectl cordon`
/// later, the annotation is stale — `inspect` no longer calls the waiting pod planned
/// maintenance, and `uncordon` without `--force` leaves the other cordon alone (and removes
/// the stale annotation).
#[test]
fn a_cordon_made_after_a_plain_kubectl_uncordon_is_someone_elses() {
    let Some(c) = crate::harness::lab_with(
        "drain-whose-cordon",
        std::time::Duration::from_secs(360),
        |_| Sts {
            name: "cache",
            replicas: 2,
            ..Default::default()
        },
    ) else {
        return;
    };
    pdb(&c, "cache", "cache");
    let node = c.jsonpath(&["get", "pod", "cache-1"], "{.spec.nodeName}");
    let before = c.jsonpath(&["get", "pod", "cache-1"], "{.metadata.uid}");
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--pinned",
        "wait",
        "--timeout",
        "60s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(doc(&out)["outcome"], "WaitingForNode");
    c.eventually(30, "cache-1 re-created and Pending", || {
        let p = c.try_json(&["get", "pod", "cache-1"])?;
        (p["metadata"]["uid"] != before.as_str() && p["status"]["phase"] == "Pending").then_some(())
    });
    crate::harness::power(&c, &node, false);
    c.eventually(40, "the node NotReady", || {
        let n = c.json(&["get", "node", &node]);
        (crate::harness::ready_condition(&n)?["status"] == "Unknown").then_some(())
    });
    let problems = |c: &Cluster| {
        let out = c.sts(&["inspect", "cache", "-o", "json"]);
        doc(&out)["problems"].to_string()
    };
    // drain's own cordon, the node down during the maintenance: planned
    let p = problems(&c);
    assert!(p.contains("PlannedMaintenance"), "{p}");

    // someone runs the plain kubectl commands: the cordon is theirs now
    c.kubectl_ok(&["uncordon", &node]);
    c.kubectl_ok(&["cordon", &node]);
    let p = problems(&c);
    assert!(!p.contains("PlannedMaintenance"), "{p}");
    assert!(p.contains("PinnedVolumeOnDeadNode"), "{p}");
    let out = c.sts(&["uncordon", &node, "-o", "json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("was stale and is removed"),
        "{d}"
    );
    assert!(unschedulable(&c, &node), "their cordon stays");
    assert_eq!(
        c.jsonpath(
            &["get", "node", &node],
            "{.metadata.annotations.kubectl-sts\\.io/cordoned-by}"
        ),
        "",
        "the stale annotation is removed"
    );
    let out = c.sts(&["uncordon", &node, "--force", "--timeout", "1s"]);
    assert_ne!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    assert!(!unschedulable(&c, &node));
    crate::harness::power(&c, &node, true);
}

/// A replica that is starting is waited for, not an interference: while the drain waits for a
/// budget that allows nothing, a scale-up adds a replica that stays starting for a while (its
/// readiness probe's initial delay: on a real cluster, scheduling, attaching and pulling take as
/// long). The drain waits for it — it is what will let the budget allow the eviction — and then
/// drains.
#[test]
fn a_replica_still_starting_after_a_scale_up_is_waited_for() {
    let c = Cluster::fast("drain-starting", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        extra: "podManagementPolicy: Parallel",
        container_extra: "readinessProbe:\n  exec:\n    command: [\"true\"]\n  initialDelaySeconds: 12\n  periodSeconds: 1",
        ..Default::default()
    }
    .deploy(&c, 120);
    budget_allowing_nothing(&c);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let before = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    let child = c.sts_spawn(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--timeout",
        "120s",
        "-o",
        "json",
    ]);
    c.eventually(30, "the drain cordoned the node and waits", || {
        unschedulable(&c, &node).then_some(())
    });
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas", "4"]);
    let out: Out = child.wait_with_output().unwrap().into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert_eq!(d["evictions"][0]["pod"], "flask-1", "{d}");
    let p = c.json(&["get", "pod", "flask-1"]);
    assert_ne!(p["metadata"]["uid"], before.as_str(), "flask-1 replaced");
    assert_ne!(p["spec"]["nodeName"], node.as_str(), "flask-1 moved");
}

/// `uncordon --force` over drain's stale annotation: the annotation's removal is a write of its
/// own, and the uncordon is conditioned on the node read after it (it used to be sent with the
/// resourceVersion from before, got a 409 from the tool's own write and stopped with "the
/// cordon changed meanwhile", every first time).
#[test]
fn uncordon_force_over_a_stale_annotation_uncordons_the_first_time() {
    let c = Cluster::fast("uncordon-stale", 2);
    let node = "n2";
    if c.skip_unless_sim("drains node n2 by name") {
        return;
    }
    let out = c.sts(&["drain", node, "--ignore-daemonsets", "--timeout", "30s"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(unschedulable(&c, node));
    c.kubectl_ok(&["uncordon", node]);
    c.kubectl_ok(&["cordon", node]);
    let out = c.sts(&["uncordon", node, "--force", "--timeout", "5s", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Uncordoned", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("was stale and is removed"),
        "{d}"
    );
    assert!(!unschedulable(&c, node));
    assert_eq!(
        c.jsonpath(
            &["get", "node", node],
            "{.metadata.annotations.kubectl-sts\\.io/cordoned-by}"
        ),
        ""
    );
}

/// flask (network volumes, a budget) with its StatefulSet controller stopped and a spec change
/// it has not observed (generation above observedGeneration): the simulator, flask-1's node
/// and uid. None (said) where the controller cannot be stopped or there is no network class.
fn unobserved_spec_change(c: &Cluster) -> Option<(std::sync::Arc<kube_sim::Sim>, String, String)> {
    let sim = c
        .sim_or_skip(
            "stops the simulated StatefulSet controller (a real kube-controller-manager cannot be stopped by a test)",
        )?
        .clone();
    let network = c.class_or_skip("network")?;
    Sts {
        class: &network,
        ..Default::default()
    }
    .deploy(c, 120);
    pdb(c, "flask", "flask");
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let before = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    sim.faults
        .lock()
        .unwrap()
        .stopped_controllers
        .push("statefulset-controller".into());
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=merge",
        "-p",
        r#"{"spec":{"minReadySeconds":1}}"#,
    ]);
    Some((sim, node, before))
}

/// A spec change the StatefulSet controller has not observed yet (a scale, an HPA, a GitOps
/// sync: generation above observedGeneration) is waited for, not refused: the drain said "the
/// controller is replacing its pods" and refused (exit 4) before. Here the controller is
/// stopped while the spec changes, and started again a few seconds into the drain.
#[test]
fn a_spec_change_not_yet_observed_is_waited_for() {
    let c = Cluster::fast("drain-unobserved", 3);
    let Some((sim, node, before)) = unobserved_spec_change(&c) else {
        return;
    };
    let dry = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    assert_eq!(
        code_of(&doc(&dry), "flask-1"),
        "WaitsForController",
        "{}",
        dry.stdout
    );
    let child = c.sts_spawn(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    c.eventually(30, "the drain cordoned the node and waits", || {
        unschedulable(&c, &node).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_secs(3));
    sim.faults.lock().unwrap().stopped_controllers.clear();
    let out: Out = child.wait_with_output().unwrap().into();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Drained", "{d}");
    assert!(
        out.stderr
            .contains("waits until the StatefulSet controller has observed generation 2"),
        "{}",
        out.stderr
    );
    let p = c.json(&["get", "pod", "flask-1"]);
    assert_ne!(p["metadata"]["uid"], before.as_str(), "flask-1 replaced");
}

/// A pod that is not a StatefulSet pod, whose terminationGracePeriodSeconds is 0, is evicted
/// with a grace period of 1 s: an Eviction without one would remove it at once, a force delete
/// while its node is alive (the drain passed the pod's 0 through, as kubectl drain does).
#[test]
fn a_pod_of_grace_0_is_evicted_with_1_not_forced() {
    let c = Cluster::fast("drain-grace0", 2);
    if c.skip_unless_sim("places a bare pod on node n2 by name") {
        return;
    }
    c.apply(
        "apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels:
    app: solo
spec:
  nodeName: n2
  terminationGracePeriodSeconds: 0
  containers:
  - name: app
    image: han0495/flask-example-app
",
    );
    c.eventually(60, "solo Running", || {
        (c.jsonpath(&["get", "pod", "solo"], "{.status.phase}") == "Running").then_some(())
    });
    let watch = crate::rollout::watch_listed(&c, "app=solo", 1);
    let out = c.sts(&[
        "drain",
        "n2",
        "--ignore-daemonsets",
        "--force",
        "--timeout",
        "30s",
        "-o",
        "json",
    ]);
    let log = watch.stop();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("solo would have been evicted with grace 0 (its terminationGracePeriodSeconds is 0): evicted with a grace period of 1s"),
        "{}",
        out.stderr
    );
    let first = serde_json::Deserializer::from_str(&log)
        .into_iter::<serde_json::Value>()
        .find_map(|e| e.ok()?["object"]["metadata"]["deletionGracePeriodSeconds"].as_i64());
    assert_eq!(first, Some(1), "evicted with grace 1, not 0:\n{log}");
}

/// A spec change the controller never observes (kube-controller-manager down) is waited for
/// only as long as the controller should take (30 s from when first seen), then the drain stops,
/// saying so, whatever --timeout says.
#[test]
fn a_spec_change_never_observed_stops_the_drain_after_its_bound() {
    let c = Cluster::fast("drain-never-observed", 3);
    let Some((sim, node, before)) = unobserved_spec_change(&c) else {
        return;
    };
    let started = std::time::Instant::now();
    let out = c.sts(&[
        "drain",
        &node,
        "--ignore-daemonsets",
        "--timeout",
        "0",
        "-o",
        "json",
    ]);
    let took = started.elapsed();
    sim.faults.lock().unwrap().stopped_controllers.clear();
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = doc(&out);
    assert_eq!(d["outcome"], "Refused", "{d}");
    let m = d["message"].as_str().unwrap();
    assert!(
        m.contains("until the StatefulSet controller has observed generation 2")
            && m.contains("longer than it should take by itself (30s)"),
        "{m}"
    );
    assert!(took.as_secs() >= 30 && took.as_secs() < 60, "{took:?}");
    assert_eq!(
        c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}"),
        before,
        "flask-1 not evicted"
    );
    c.kubectl_ok(&["uncordon", &node]);
}

/// Issue 34 items 10 and 15: an eviction the API server refuses (403) after the node was
/// cordoned ends the drain with one error line that says what was written (the cordon) and
/// that the node stays cordoned, and the node does.
#[test]
fn a_failed_eviction_after_the_cordon_says_what_was_written_and_the_node_stays_cordoned() {
    let c = Cluster::fast("drain-fails", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(sim) = c.sim_or_skip("injects a refused eviction into the simulator") else {
        return;
    };
    let Some(network) = c.class_or_skip("network") else {
        return;
    };
    Sts {
        class: &network,
        ..Default::default()
    }
    .deploy(&c, 120);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    // the eviction is a create of pods/eviction
    sim.inject(crate::harness::fault("create", "pods", 403, 1));
    let out = c.sts(&["drain", &node, "--ignore-daemonsets", "--timeout", "60s"]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", out.stderr);
    assert!(
        errors[0].contains(&format!(
            "drain of node {node}: written: cordoned node {node}"
        )) && errors[0].contains("the node stays cordoned"),
        "{}",
        errors[0]
    );
    assert!(unschedulable(&c, &node), "still cordoned");
    c.kubectl_ok(&["uncordon", &node]);
}
