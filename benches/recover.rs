//! Time from a node's death to its StatefulSet pod serving again, network-attached volume,
//! on the simulated cluster with the real control-plane timings (node-monitor grace 50s,
//! default tolerations 300s, pod GC every 20s, forced detach after 6 minutes):
//!
//! - floor: the out-of-service taint applied by hand the moment the node is known dead
//!   (its Ready condition turns Unknown), as in golden `out-of-service`;
//! - `kubectl-sts recover flask-1 --yes --node-is-off NODE`, started at the same moment;
//! - `kubectl-sts force-delete flask-1 --yes --wait`, started at the same moment.
//!
//! The three run side by side, each on its own simulated cluster; about 8 minutes (the
//! force-delete path waits for the forced detach). `cargo bench --bench recover`.

use std::process::Command;
use std::time::Instant;

use kube_sim::testkit::{power, ready_condition, Cluster, Sts};
use kube_sim::SimConfig;

#[derive(Clone, Copy, Debug)]
enum Way {
    Floor,
    Recover,
    ForceDelete,
}

struct Timing {
    way: Way,
    /// power-off → node Unknown (when an operator can know)
    known_dead: f64,
    /// power-off → replacement Ready
    ready: f64,
}

fn run(way: Way) -> Timing {
    let c = Cluster::with_nodes(
        &format!("bench-{way:?}").to_lowercase(),
        3,
        SimConfig::default(),
    );
    Sts {
        class: "network",
        ..Default::default()
    }
    .deploy(&c, 300);
    let node = c.jsonpath(&["get", "pod", "flask-1"], "{.spec.nodeName}");
    let old = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    let t0 = Instant::now();
    power(&c, &node, false);
    c.eventually(120, "node Unknown", || {
        let ready = ready_condition(&c.json(&["get", "node", &node]))?;
        (ready["status"] == "Unknown").then_some(())
    });
    let known_dead = t0.elapsed().as_secs_f64();
    let bin = env!("CARGO_BIN_EXE_kubectl-sts");
    let tool = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .args(["-n", &c.namespace])
            .env("KUBECONFIG", &c.kubeconfig)
            .output()
            .expect("run kubectl-sts");
        assert!(
            out.status.success(),
            "{way:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    match way {
        Way::Floor => {
            c.kubectl_ok(&[
                "taint",
                "node",
                &node,
                "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
            ]);
        }
        Way::Recover => tool(&[
            "recover",
            "flask-1",
            "--yes",
            "--node-is-off",
            &node,
            "--timeout",
            "0",
        ]),
        Way::ForceDelete => tool(&[
            "force-delete",
            "flask-1",
            "--yes",
            "--wait",
            "--timeout",
            "0",
        ]),
    }
    c.eventually(900, "replacement Ready", || {
        let p = c.json(&["get", "pod", "flask-1"]);
        let ready = p["status"]["conditions"]
            .as_array()?
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True");
        (ready && p["metadata"]["uid"] != old.as_str()).then_some(())
    });
    Timing {
        way,
        known_dead,
        ready: t0.elapsed().as_secs_f64(),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    // the pod GC's 20 s period puts up to 20 s of chance into the floor and recover alike:
    // several rounds of each (in sequence), the force-delete path once beside them
    let rounds: usize = std::env::var("KUBECTL_STS_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let started = Instant::now();
    let handles: Vec<_> = [Way::Floor, Way::Recover, Way::ForceDelete]
        .into_iter()
        .map(|w| {
            let n = if matches!(w, Way::ForceDelete) {
                1
            } else {
                rounds
            };
            std::thread::spawn(move || (0..n).map(|_| run(w)).collect::<Vec<_>>())
        })
        .collect();
    let all: Vec<Vec<Timing>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("death → replacement Ready, network volume, real timings (node-monitor grace 50s):");
    println!(
        "{:<14} {:>12} {:>14} {:>16}",
        "way", "known dead", "Ready", "known dead→Ready"
    );
    for t in all.iter().flatten() {
        println!(
            "{:<14} {:>11.1}s {:>13.1}s {:>15.1}s",
            format!("{:?}", t.way),
            t.known_dead,
            t.ready,
            t.ready - t.known_dead
        );
    }
    let med = |i: usize| median(all[i].iter().map(|t| t.ready).collect());
    let (floor, recover, force) = (med(0), med(1), med(2));
    println!(
        "medians of {rounds}: floor {floor:.1}s, recover {recover:.1}s, force-delete {force:.1}s"
    );
    println!(
        "recover / floor = {:.2} (goal ≤ 1.2); force-delete / floor = {:.2}; bench wall {:.0}s",
        recover / floor,
        force / floor,
        started.elapsed().as_secs_f64()
    );
}
