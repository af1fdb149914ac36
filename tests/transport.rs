//! The tool over the transports and failures a cluster puts in its way: HTTPS with tokens and
//! the CA from the kubeconfig, a 401, passing and lasting 5xx, and `-v` without credentials.

use crate::harness::{fault, kubeconfig_for, secured, Cluster, Sts, Tool};
use kube_sim::SimConfig;

#[test]
fn the_tool_over_https_with_tokens() {
    let Some(c) = secured("tool-tls") else {
        return;
    };
    // the tool over https (CA from the kubeconfig, token, retry stack)
    let o = c.sts(&["inspect"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.trim(), "No StatefulSets found.");
    // the tool with no token at all: 401, one line, exit 1
    let anonymous = kubeconfig_for(&c, "anonymous", None);
    let o = c.sts_with(&["inspect", "x"], &anonymous);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("unauthorized (401)"), "{}", o.stderr);
}

#[test]
fn the_tool_retries_a_passing_503_or_500_and_reports_a_lasting_one() {
    let c = Cluster::fast("faults-retry", 3);
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    Sts {
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 60);
    sim.inject(fault("get", "statefulsets", 503, 1));
    let ok = c.sts(&["inspect", "flask"]);
    assert_eq!(ok.code, 0, "one 503 is retried: {}", ok.stderr);
    sim.inject(fault("get", "statefulsets", 503, 50));
    let bad = c.sts(&["inspect", "flask"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.starts_with("error: cannot get statefulset") && bad.stderr.contains("(503)"),
        "{}",
        bad.stderr
    );
    sim.faults.lock().unwrap().faults.clear();
    // a read changes nothing: a passing 500 (etcd changing leader) is asked again too
    sim.inject(fault("list", "pods", 500, 2));
    let ok = c.sts(&["inspect", "flask"]);
    assert_eq!(
        ok.code, 0,
        "a passing 500 on a read is retried: {}",
        ok.stderr
    );
    sim.inject(fault("list", "pods", 500, 50));
    let e500 = c.sts(&["inspect", "flask"]);
    assert_eq!(e500.code, 1, "a lasting 500 is reported");
    assert!(
        e500.stderr
            .contains("Internal error occurred: injected fault"),
        "{}",
        e500.stderr
    );
    sim.faults.lock().unwrap().faults.clear();
}

#[test]
fn verbose_logs_requests_without_credentials() {
    for tls in [true, false] {
        let config = SimConfig {
            tls,
            tokens: vec![("s3cr3t-token".into(), "admin".into())],
            ..SimConfig::default()
        };
        let c = Cluster::with_nodes(if tls { "verbose-tls" } else { "verbose-http" }, 0, config);
        if c.skip_unless_sim("serves its own token over http and https") {
            return;
        }
        let o = c.sts(&["inspect", "nope", "-v"]);
        assert_eq!(o.code, 3, "{}", o.stderr);
        assert!(
            o.stderr.lines().any(|l| l.starts_with("I GET ")
                && l.contains("/apis/apps/v1/namespaces/")
                && l.contains("404")),
            "{}",
            o.stderr
        );
        assert!(
            !o.stderr.contains("s3cr3t"),
            "the token never appears: {}",
            o.stderr
        );
        assert_eq!(
            o.stderr.lines().last().unwrap(),
            format!(
                "error: statefulset \"nope\" not found in namespace \"{}\"",
                c.namespace
            )
        );
    }
}
