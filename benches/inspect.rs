//! `cargo bench --bench inspect`: inspect on a 1000-replica StatefulSet in the
//! simulated cluster, side by side with `kubectl get sts,pods,pvc,pv -o json`.
//! Prints API round trips (continue pages, discovery and /version not counted),
//! median wall time and peak RSS (GNU time), against the targets:
//! fewer than 10 requests, at most 0.3x kubectl's wall time, under 40 MB.
//! Then the guarded scale's check (`scale --dry-run`: what each wait of a scale step
//! fetches and decides): target 4 requests, faster than inspect.
//! `KUBECTL_STS_BENCH_REPLICAS` changes the size.

mod common;

use common::{measure, median};
use kube_sim::fixtures::rolled_out_statefulset;
use kube_sim::{Scenario, SimConfig, SimServer};

fn main() {
    let replicas: usize = std::env::var("KUBECTL_STS_BENCH_REPLICAS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt
        .block_on(SimServer::start_scenario(
            &Scenario::default(),
            SimConfig::default(),
            0,
        ))
        .unwrap();
    server
        .sim
        .registry
        .restore(rolled_out_statefulset("bench", "big", replicas, 3))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kc).unwrap();
    if std::env::var_os("KUBECTL_STS_BENCH_SERVE").is_some() {
        // keep the loaded cluster up for profiling by hand
        println!("export KUBECONFIG={}", kc.display());
        std::thread::sleep(std::time::Duration::from_secs(600));
        return;
    }
    let bin = env!("CARGO_BIN_EXE_kubectl-sts");
    let runs = 7;

    // warm-up, then count one run's round trips
    measure(&[bin, "inspect", "big", "-n", "bench", "-o", "json"], &kc);
    server.sim.clear_requests();
    measure(&[bin, "inspect", "big", "-n", "bench", "-o", "json"], &kc);
    let reqs = server.sim.requests();
    let counted = reqs
        .iter()
        .filter(|r| !r.is_discovery() && !r.query.contains("continue="))
        .count();
    // interleaved, so that load from elsewhere on the machine hits both sides alike
    let (mut tw, mut trss, mut kw, mut krss) = (vec![], 0, vec![], 0);
    for _ in 0..runs {
        let (w, r) = measure(&[bin, "inspect", "big", "-n", "bench", "-o", "json"], &kc);
        tw.push(w);
        trss = trss.max(r);
        let (w, r) = measure(
            &[
                "kubectl",
                "get",
                "sts,pods,pvc,pv",
                "-n",
                "bench",
                "-o",
                "json",
            ],
            &kc,
        );
        kw.push(w);
        krss = krss.max(r);
    }
    let (t, k) = (median(tw), median(kw));
    println!(
        "inspect on a {replicas}-replica StatefulSet (simulated cluster), median of {runs} runs"
    );
    println!(
        "{:<44} {:>10} {:>12} {:>12}",
        "", "requests", "wall (s)", "peak RSS"
    );
    println!(
        "{:<44} {:>10} {:>12.3} {:>9} MB",
        "kubectl-sts inspect big -o json",
        counted,
        t,
        trss / 1024
    );
    println!(
        "{:<44} {:>10} {:>12.3} {:>9} MB",
        "kubectl get sts,pods,pvc,pv -o json",
        "-",
        k,
        krss / 1024
    );
    println!(
        "targets: requests < 10: {}; wall <= 0.3x kubectl: {:.2}x {}; RSS < 40 MB: {}",
        if counted < 10 { "ok" } else { "MISSED" },
        t / k,
        if t <= 0.3 * k { "ok" } else { "MISSED" },
        if trss < 40 * 1024 { "ok" } else { "MISSED" }
    );

    let down = (replicas / 2).to_string();
    let scale = [
        bin,
        "scale",
        "big",
        "-n",
        "bench",
        "--replicas",
        &down,
        "--dry-run",
        "--max-steps",
        "10000",
    ];
    server.sim.clear_requests();
    measure(&scale, &kc);
    let scale_reqs = server
        .sim
        .requests()
        .iter()
        .filter(|r| !r.is_discovery() && !r.query.contains("continue="))
        .count();
    let (mut sw, mut srss) = (vec![], 0);
    for _ in 0..runs {
        let (w, r) = measure(&scale, &kc);
        sw.push(w);
        srss = srss.max(r);
    }
    let s = median(sw);
    println!(
        "{:<44} {:>10} {:>12.3} {:>9} MB",
        format!("kubectl-sts scale big --replicas {down} --dry-run"),
        scale_reqs,
        s,
        srss / 1024
    );
    println!(
        "targets: scale check requests == 4 (set, pods, claims, autoscalers): {}; wall < inspect's: {}",
        if scale_reqs == 4 { "ok" } else { "MISSED" },
        if s < t { "ok" } else { "MISSED" }
    );
}
