//! Draining one node of a 5-node simulated cluster holding 20 StatefulSets × 3 replicas
//! (network volumes), each with a PodDisruptionBudget `maxUnavailable: 1`:
//!
//! - `kubectl-sts drain NODE --ignore-daemonsets`;
//! - `kubectl drain NODE --ignore-daemonsets --delete-emptydir-data`, on a cluster of its own.
//!
//! For each: the total time, and the largest number of pods of one set unavailable at once
//! (replayed from a `kubectl get pods -w --output-watch-events` log started before the drain).
//! The drain's time is the simulated cluster's (pods start, become Ready, are deleted), not the
//! tool's CPU: a dev build measures the same (`cargo bench --profile dev --bench drain`).

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Instant;

use kube_sim::testkit::{most_down_in_one_set, Cluster, Sts};
use kube_sim::SimConfig;

const SETS: usize = 20;

#[derive(Clone, Copy, Debug)]
enum Way {
    KubectlSts,
    KubectlDrain,
}

struct Result {
    way: Way,
    seconds: f64,
    evicted: usize,
    most_down_in_a_set: usize,
}

fn setup(way: Way) -> (Cluster, String) {
    let c = Cluster::with_nodes(
        &format!("bench-drain-{way:?}").to_lowercase(),
        5,
        SimConfig {
            speed: 5.0,
            ..SimConfig::default()
        },
    );
    let mut yaml = String::new();
    for i in 0..SETS {
        let name = format!("s{i:02}");
        yaml.push_str(
            &Sts {
                name: Box::leak(name.clone().into_boxed_str()),
                class: "network",
                ..Default::default()
            }
            .yaml(),
        );
        yaml.push_str(&format!(
            "\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: {name}\n---\n"
        ));
    }
    c.apply(&yaml);
    for i in 0..SETS {
        c.wait_ready(&format!("s{i:02}"), 3, 600);
    }
    // the node with the most pods
    let mut per_node: BTreeMap<String, usize> = BTreeMap::new();
    for n in c
        .jsonpath(&["get", "pods"], "{.items[*].spec.nodeName}")
        .split_whitespace()
    {
        *per_node.entry(n.to_string()).or_default() += 1;
    }
    let node = per_node
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(k, _)| k.clone())
        .expect("pods");
    (c, node)
}

fn run(way: Way) -> Result {
    let (c, node) = setup(way);
    let evicted = c
        .jsonpath(&["get", "pods"], "{.items[*].spec.nodeName}")
        .split_whitespace()
        .filter(|n| *n == node)
        .count();
    let watch = c.watch_pods(None);
    let t0 = Instant::now();
    let ok = match way {
        Way::KubectlSts => Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
            .args(["drain", &node, "--ignore-daemonsets", "--timeout", "10m"])
            .env("KUBECONFIG", &c.kubeconfig)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run kubectl-sts")
            .success(),
        Way::KubectlDrain => c
            .kubectl_cmd(&[
                "drain",
                &node,
                "--ignore-daemonsets",
                "--delete-emptydir-data",
                "--timeout",
                "10m",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run kubectl drain")
            .success(),
    };
    assert!(ok, "{way:?} failed");
    // kubectl drain returns once the old pods are gone: wait until every set is whole again,
    // so both are timed to the same end
    for i in 0..SETS {
        c.wait_ready(&format!("s{i:02}"), 3, 600);
    }
    let seconds = t0.elapsed().as_secs_f64();
    let log = watch.stop();
    Result {
        way,
        seconds,
        evicted,
        most_down_in_a_set: most_down_in_one_set(&log, &[]),
    }
}

fn main() {
    let handles: Vec<_> = [Way::KubectlSts, Way::KubectlDrain]
        .into_iter()
        .map(|w| std::thread::spawn(move || run(w)))
        .collect();
    println!("drain one of 5 nodes, {SETS} sets × 3 replicas, PDB maxUnavailable 1 each:");
    println!(
        "{:<14} {:>8} {:>20} {:>24}",
        "way", "pods", "until all Ready (s)", "most down in one set"
    );
    for h in handles {
        let r = h.join().expect("bench run");
        println!(
            "{:<14} {:>8} {:>20.1} {:>24}",
            format!("{:?}", r.way),
            r.evicted,
            r.seconds,
            r.most_down_in_a_set
        );
    }
}
