//! What the benches share: timing a command with its peak RSS, and medians.

use std::process::Command;
use std::time::Instant;

/// (wall seconds, peak RSS KiB) of one run, via /usr/bin/time.
pub fn measure(cmd: &[&str], kubeconfig: &std::path::Path) -> (f64, u64) {
    let rss_file =
        std::env::temp_dir().join(format!("kubectl-sts-bench-{}.rss", std::process::id()));
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&rss_file)
        .args(cmd)
        .env("KUBECONFIG", kubeconfig)
        .env(
            "KUBECACHEDIR",
            std::env::temp_dir().join("kubectl-sts-bench-cache"),
        )
        .output()
        .expect("run /usr/bin/time (GNU time)");
    let wall = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss = std::fs::read_to_string(&rss_file)
        .unwrap_or_default()
        .trim()
        .lines()
        .last()
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    (wall, rss)
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}
