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

use kube_sim::testkit::{Cluster, Sts};
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

/// The most pods of one set down at once in a watch log that starts with every pod Ready.
fn most_down(log: &str) -> usize {
    let mut up: BTreeMap<String, bool> = BTreeMap::new();
    let mut most = 0;
    for ev in serde_json::Deserializer::from_str(log).into_iter::<serde_json::Value>() {
        let Ok(ev) = ev else { break };
        let pod = &ev["object"];
        let name = pod["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ready = pod["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        up.insert(
            name,
            ev["type"] != "DELETED" && ready && pod["metadata"]["deletionTimestamp"].is_null(),
        );
        for i in 0..SETS {
            let set = format!("s{i:02}-");
            let down = up
                .iter()
                .filter(|(n, a)| n.starts_with(&set) && !**a)
                .count();
            most = most.max(down);
        }
    }
    most
}

fn run(way: Way) -> Result {
    let (c, node) = setup(way);
    let evicted = c
        .jsonpath(&["get", "pods"], "{.items[*].spec.nodeName}")
        .split_whitespace()
        .filter(|n| *n == node)
        .count();
    // into a file: a pipe nobody reads while the drain runs fills at 64 KB and stalls kubectl
    let log_path = std::env::temp_dir().join(format!("kubectl-sts-bench-watch-{way:?}.jsonl"));
    let watch = c
        .kubectl_cmd(&["get", "pods", "-w", "--output-watch-events", "-o", "json"])
        .stdout(std::fs::File::create(&log_path).expect("watch log"))
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl get -w");
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
    std::thread::sleep(std::time::Duration::from_secs(1));
    let mut watch = watch;
    let _ = watch.kill();
    let _ = watch.wait();
    let log = std::fs::read_to_string(&log_path).expect("watch log");
    let _ = std::fs::remove_file(&log_path);
    Result {
        way,
        seconds,
        evicted,
        most_down_in_a_set: most_down(&log),
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
