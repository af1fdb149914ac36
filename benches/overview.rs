//! `cargo bench --bench overview`: inspect at cluster scale, on the simulated cluster (served by
//! this process; the tool and kubectl run as their own processes, so the figures are theirs).
//!
//! 1. The overview of every StatefulSet (`inspect -A`, table and `-o json`) with 3 replicas each,
//!    at 100 and at 1000 sets (5 and 50 namespaces, 10 nodes), side by side with
//!    `kubectl get sts,pods,pvc,pv -A -o json`; prints how each figure grows from 100 to 1000
//!    sets (linear: about 10x for 10x the objects, and memory far less, since most of it is the
//!    program itself). Targets at 1000 sets: `inspect -A` ≤ 0.3x kubectl's wall time and
//!    ≤ 120 MB peak RSS; `inspect -A -o json` ≤ 0.6x and ≤ 200 MB.
//!    `check -A` at the same sizes (a PodDisruptionBudget per set), side by side with `kubectl
//!    get sts,pods,pvc,pv,svc,pdb,storageclasses,nodes -A -o json`; target at 1000 sets ≤ 0.3x.
//! 2. One set of 10 000 replicas: `inspect NAME -o json` ≤ 0.3x `kubectl get sts,pods,pvc,pv -o
//!    json` and ≤ 150 MB.
//!
//! `KUBECTL_STS_BENCH_SETS` (e.g. `100,1000`) and `KUBECTL_STS_BENCH_REPLICAS` (10000) change
//! the sizes; `KUBECTL_STS_BENCH_RUNS` the runs per figure (5, interleaved with kubectl's so
//! that load from elsewhere hits both alike).

mod common;

use std::path::{Path, PathBuf};

use common::{measure, median};
use kube_sim::fixtures::rolled_out_statefulset;
use kube_sim::{Scenario, SimConfig, SimServer};

const NODES: usize = 10;

/// `sets` StatefulSets of 3 replicas over `sets / 20` namespaces (at least one), 10 nodes.
fn fleet(sets: usize) -> Vec<serde_json::Value> {
    let namespaces = (sets / 20).max(1);
    let mut out = Vec::new();
    for i in 0..sets {
        let ns = format!("fleet-{}", i % namespaces);
        let objs = rolled_out_statefulset(&ns, &format!("app-{i}"), 3, NODES);
        out.extend(objs.into_iter().filter(|o| match o["kind"].as_str() {
            Some("Namespace") => i < namespaces,
            Some("Node") => i == 0,
            _ => true,
        }));
        // a budget per set, as charts ship them (check reads them; drain's preflight too)
        out.push(serde_json::json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": format!("app-{i}"), "namespace": ns, "uid": format!("pdb-{i}")},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": format!("app-{i}")}}},
            "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3,
                "observedGeneration": 1}}));
    }
    out
}

struct Loaded {
    server: SimServer,
    kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

fn serve(rt: &tokio::runtime::Runtime, objects: Vec<serde_json::Value>) -> Loaded {
    let server = rt
        .block_on(SimServer::start_scenario(
            &Scenario::default(),
            SimConfig::default(),
            0,
        ))
        .expect("start the simulated cluster");
    server.sim.registry.restore(objects).expect("load objects");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kubeconfig).unwrap();
    Loaded {
        server,
        kubeconfig,
        _dir: dir,
    }
}

/// Median wall seconds and max peak RSS (MB) of each command, runs interleaved.
fn compare(cmds: &[Vec<&str>], kc: &Path, runs: usize) -> Vec<(f64, u64)> {
    for c in cmds {
        measure(c, kc); // warm-up (page cache, kubectl's discovery cache)
    }
    let mut walls = vec![vec![]; cmds.len()];
    let mut rss = vec![0; cmds.len()];
    for _ in 0..runs {
        for (i, c) in cmds.iter().enumerate() {
            let (w, r) = measure(c, kc);
            walls[i].push(w);
            rss[i] = rss[i].max(r);
        }
    }
    walls
        .into_iter()
        .zip(rss)
        .map(|(w, r)| (median(w), r / 1024))
        .collect()
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("KUBECTL_STS_BENCH_SETS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1000]);
    let replicas = env_usize("KUBECTL_STS_BENCH_REPLICAS", 10_000);
    let runs = env_usize("KUBECTL_STS_BENCH_RUNS", 5);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bin = env!("CARGO_BIN_EXE_kubectl-sts");

    println!("overview: every StatefulSet (3 replicas each), median of {runs} runs, peak RSS");
    println!(
        "{:>6} {:<44} {:>10} {:>10} {:>8}",
        "sets", "command", "wall (s)", "RSS (MB)", "vs kubectl"
    );
    let labels = [
        "kubectl-sts inspect -A",
        "kubectl-sts inspect -A -o json",
        "kubectl get sts,pods,pvc,pv -A -o json",
    ];
    let mut by_size = Vec::new();
    let mut check_figures = Vec::new();
    for &sets in &sizes {
        let loaded = serve(&rt, fleet(sets));
        let cmds = vec![
            vec![bin, "inspect", "-A"],
            vec![bin, "inspect", "-A", "-o", "json"],
            vec!["kubectl", "get", "sts,pods,pvc,pv", "-A", "-o", "json"],
        ];
        // the table really lists every set (a bench of an error message would be fast too)
        let out = std::process::Command::new(bin)
            .args(["inspect", "-A"])
            .env("KUBECONFIG", &loaded.kubeconfig)
            .output()
            .unwrap();
        let lines = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(lines, sets + 1, "one line per set and a header");
        let figures = compare(&cmds, &loaded.kubeconfig, runs);
        let kubectl = figures[2].0;
        for (label, (w, r)) in labels.iter().zip(&figures) {
            println!(
                "{sets:>6} {label:<44} {w:>10.3} {r:>10} {:>7.2}x",
                w / kubectl
            );
        }
        by_size.push((sets, figures));

        // check -A reads the same lists and more (services, budgets, classes, nodes) and runs
        // drain's preflight on every node: against kubectl getting those kinds
        let out = std::process::Command::new(bin)
            .args(["check", "-A", "-o", "json", "--fail-on", "none"])
            .env("KUBECONFIG", &loaded.kubeconfig)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a CheckResult");
        assert_eq!(doc["statefulsets"].as_array().map(Vec::len), Some(sets));
        let kinds = "sts,pods,pvc,pv,svc,pdb,storageclasses,nodes";
        let cmds = vec![
            vec![bin, "check", "-A", "--fail-on", "none"],
            vec!["kubectl", "get", kinds, "-A", "-o", "json"],
        ];
        let f = compare(&cmds, &loaded.kubeconfig, runs);
        println!(
            "{sets:>6} {:<44} {:>10.3} {:>10} {:>7.2}x",
            "kubectl-sts check -A",
            f[0].0,
            f[0].1,
            f[0].0 / f[1].0
        );
        println!(
            "{sets:>6} {:<44} {:>10.3} {:>10} {:>7.2}x",
            format!("kubectl get {kinds} -A -o json"),
            f[1].0,
            f[1].1,
            1.0
        );
        check_figures.push((sets, f));
        drop(loaded.server);
    }
    if let (Some((s0, f0)), Some((s1, f1))) = (by_size.first(), by_size.last()) {
        if s1 > s0 {
            println!(
                "growth from {s0} to {s1} sets ({:.0}x the objects):",
                *s1 as f64 / *s0 as f64
            );
            for (i, label) in labels.iter().enumerate() {
                println!(
                    "  {label:<44} wall {:>5.1}x   RSS {:>5.1}x",
                    f1[i].0 / f0[i].0,
                    f1[i].1 as f64 / f0[i].1.max(1) as f64
                );
            }
        }
        let (table, json, kubectl) = (f1[0], f1[1], f1[2].0);
        println!(
            "targets at {s1} sets: inspect -A <= 0.3x kubectl: {:.2}x {}, <= 120 MB: {} {}; -o json <= 0.6x: {:.2}x {}, <= 200 MB: {} {}",
            table.0 / kubectl,
            verdict(table.0 <= 0.3 * kubectl),
            table.1,
            verdict(table.1 <= 120),
            json.0 / kubectl,
            verdict(json.0 <= 0.6 * kubectl),
            json.1,
            verdict(json.1 <= 200),
        );
    }

    if let Some((sets, f)) = check_figures.last() {
        println!(
            "target at {sets} sets: check -A <= 0.3x kubectl get of the same kinds: {:.2}x {}",
            f[0].0 / f[1].0,
            verdict(f[0].0 <= 0.3 * f[1].0)
        );
    }

    let loaded = serve(&rt, rolled_out_statefulset("big", "big", replicas, NODES));
    let cmds = vec![
        vec![bin, "inspect", "big", "-n", "big", "-o", "json"],
        vec![
            "kubectl",
            "get",
            "sts,pods,pvc,pv",
            "-n",
            "big",
            "-o",
            "json",
        ],
    ];
    let f = compare(&cmds, &loaded.kubeconfig, runs);
    println!("one StatefulSet of {replicas} replicas, median of {runs} runs:");
    println!(
        "  {:<44} {:>10.3} s {:>6} MB",
        "kubectl-sts inspect big -o json", f[0].0, f[0].1
    );
    println!(
        "  {:<44} {:>10.3} s {:>6} MB",
        "kubectl get sts,pods,pvc,pv -o json", f[1].0, f[1].1
    );
    println!(
        "targets: <= 0.3x kubectl: {:.2}x {}; <= 150 MB: {}",
        f[0].0 / f[1].0,
        verdict(f[0].0 <= 0.3 * f[1].0),
        verdict(f[0].1 <= 150)
    );
}
