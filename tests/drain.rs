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
fn behind_a_closed_budget(c: &Cluster) -> Option<String> {
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
    let wait = &d["waits"][0];
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
