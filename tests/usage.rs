//! Volume usage (issue 36): the kubelets' Summary API through the API server's node proxy, as
//! `inspect NAME`'s USED column, `-o json`'s numbers, `inspect --usage`'s FULLEST and `check`'s
//! STS023; the cases told apart (a node that did not answer, a volume without stats, a shared
//! filesystem) and a user without `get nodes/proxy`.
//!
//! Simulated cluster only: the real control plane tier's API server cannot proxy to its agents'
//! kubelets, which listen on 127.0.0.x node addresses it refuses to dial.

use kube_sim::testkit::VolumeStage;
use kube_sim::SimConfig;

use crate::harness::{kubeconfig_for, needs_sim, power, Cluster, Out, Sts, Tool};

const REAL_TIER: &str = "the real control plane's API server cannot proxy to its agents' kubelets (127.0.0.x node addresses): the Summary API is served by the simulated cluster only";

const GI: u64 = 1 << 30;

fn used(bytes: u64) -> VolumeStage {
    VolumeStage::Used {
        bytes,
        inodes: 1000,
    }
}

/// `flask`, three replicas on network volumes: each claim its own filesystem of the claim's
/// size (1Gi).
fn flask(c: &Cluster) {
    Sts {
        class: "network",
        ..Default::default()
    }
    .deploy(c, 90);
}

/// A volume's usage object in `inspect -o json`: (ordinal, template index).
fn usage_of(d: &serde_json::Value, ordinal: i64) -> serde_json::Value {
    d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ordinal"] == ordinal)
        .unwrap_or_else(|| panic!("no row {ordinal}: {d}"))["volumes"][0]["usage"]
        .clone()
}

/// A read-only command that ended without an error (0, or check's 5) and said `text`.
fn says(o: &Out, text: &str) {
    assert!(o.code == 0 || o.code == 5, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(text), "{text:?} in {}", o.stdout);
}

fn sts023(out: &Out) -> Vec<serde_json::Value> {
    let d = out.json();
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "STS023")
        .cloned()
        .collect()
}

#[test]
fn one_claim_filling_up_is_shown_checked_and_sized() {
    if needs_sim(REAL_TIER) {
        return;
    }
    let c = Cluster::fast("usage-fill", 3);
    flask(&c);
    c.stage_volume("www-flask-0", used(3 * GI / 10));
    c.stage_volume("www-flask-1", used(9 * GI / 10));
    c.stage_volume("www-flask-2", used(31 * GI / 100));

    let o = c.sts(&["inspect", "flask", "--color", "never"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("USED"), "{}", o.stdout);
    assert!(o.stdout.contains("921.6Mi/1Gi 90%"), "{}", o.stdout);
    assert!(o.stdout.contains("307.2Mi/1Gi 30%"), "{}", o.stdout);

    // the numbers in -o json
    let d = c.sts(&["inspect", "flask", "-o", "json"]).json();
    let u1 = usage_of(&d, 1);
    assert_eq!(u1["state"], "Measured", "{u1}");
    assert_eq!(u1["usedBytes"], 9 * GI / 10);
    assert_eq!(u1["capacityBytes"], GI);
    assert!((u1["fill"].as_f64().unwrap() - 0.9).abs() < 0.001, "{u1}");
    assert!(u1["ageSeconds"].as_i64().unwrap() < 60, "{u1}");
    assert!(u1["node"].is_string(), "{u1}");

    // check: exit 5, STS023 for the one claim, with the size that brings it back to 60 %
    // (1Gi × 0.9 / 0.6 = 1.5Gi, rounded up to 2Gi) and the skew named
    let o = c.sts(&["check", "flask", "-o", "json"]);
    assert_eq!(o.code, 5, "{}\n{}", o.stdout, o.stderr);
    let f = sts023(&o);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["severity"], "Warning");
    assert_eq!(f[0]["object"], "PersistentVolumeClaim/www-flask-1");
    assert_eq!(f[0]["suggestedSize"], "2Gi");
    let action = f[0]["action"].as_str().unwrap();
    assert!(
        action.starts_with(&format!(
            "kubectl sts resize-storage flask -n {} --template www --size 2Gi",
            c.namespace
        )),
        "{action}"
    );
    let message = f[0]["message"].as_str().unwrap();
    assert!(
        message.contains("90% full") && message.contains("a skew") && message.contains("31%"),
        "{message}"
    );
    // 95 % and more is an error
    c.stage_volume("www-flask-1", used(GI * 96 / 100));
    let f = sts023(&c.sts(&["check", "flask", "-o", "json"]));
    assert_eq!(f[0]["severity"], "Error", "{f:?}");

    // the overview shows nothing of it unless asked (a request per node); asked, the fullest
    let o = c.sts(&["inspect", "--color", "never"]);
    assert!(!o.stdout.contains("FULLEST"), "{}", o.stdout);
    let o = c.sts(&["inspect", "--usage", "--color", "never"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("FULLEST") && o.stdout.contains("www-flask-1 96%"),
        "{}",
        o.stdout
    );
    // check -n without a NAME runs STS023 only with --usage, and says so
    let o = c.sts(&["check", "--color", "never"]);
    assert!(
        o.stdout.contains("not run: STS023") && o.stdout.contains("pass --usage"),
        "{}",
        o.stdout
    );
    assert_eq!(sts023(&c.sts(&["check", "--usage", "-o", "json"])).len(), 1);
}

#[test]
fn the_cases_are_told_apart() {
    if needs_sim(REAL_TIER) {
        return;
    }
    let c = Cluster::fast("usage-cases", 3);
    flask(&c);
    // a directory on the node's disk: the kubelet reports the disk
    Sts {
        name: "loc",
        replicas: 1,
        class: "local-path",
        ..Default::default()
    }
    .deploy(&c, 90);
    // its CSI driver publishes no volume stats
    c.stage_volume("www-flask-0", VolumeStage::NoStats);
    c.stage_volume("www-loc-0", used(GI * 99 / 100));

    let d = c.sts(&["inspect", "loc", "-o", "json"]).json();
    assert_eq!(usage_of(&d, 0)["state"], "SharedFilesystem", "{d}");
    let o = c.sts(&["inspect", "loc", "--color", "never"]);
    assert!(
        o.stdout.contains("shared fs (1013.8Mi of 50Gi)"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("on a shared filesystem"), "{}", o.stdout);
    // a shared filesystem's fill is not the claim's: nothing to grow
    let o = c.sts(&["check", "loc", "-o", "json"]);
    assert!(sts023(&o).is_empty(), "{}", o.stdout);

    let o = c.sts(&["inspect", "flask", "--color", "never"]);
    assert!(o.stdout.contains("no stats"), "{}", o.stdout);
    assert!(
        o.stdout.contains("no volume stats for www-flask-0"),
        "{}",
        o.stdout
    );
    let d = c.sts(&["inspect", "flask", "-o", "json"]).json();
    assert_eq!(usage_of(&d, 0)["state"], "NoStats", "{d}");

    // flask-2's node stops answering (still Ready in the API for the node-monitor grace)
    let node = c.jsonpath(&["get", "pod", "flask-2"], "{.spec.nodeName}");
    power(&c, &node, false);
    says(
        &c.sts(&["inspect", "flask", "--color", "never"]),
        &format!("note: USED: node {node} did not answer (503: error trying to reach service"),
    );
    let d = c.sts(&["inspect", "flask", "-o", "json"]).json();
    assert_eq!(usage_of(&d, 2)["state"], "NodeDidNotAnswer", "{d}");
    // check: not an error; STS023 not run for that node's claims, and why
    says(
        &c.sts(&["check", "flask", "--color", "never"]),
        &format!("not run: STS023 (for the claims on node {node}, which did not answer"),
    );
    power(&c, &node, true);
}

#[test]
fn without_nodes_proxy_usage_is_unknown_once_and_nothing_fails() {
    if needs_sim(REAL_TIER) {
        return;
    }
    // bob may get nodes, not nodes/proxy (it is not read-only)
    let config = SimConfig {
        speed: 5.0,
        // kubectl sends a token only over https
        tls: true,
        tokens: vec![
            ("admin-token".into(), "admin".into()),
            ("bob-token".into(), "bob".into()),
        ],
        deny: vec![("bob".into(), "get".into(), "nodes/proxy".into())],
        anonymous_auth: false,
        ..SimConfig::default()
    };
    let c = Cluster::with_nodes("usage-denied", 3, config);
    flask(&c);
    c.stage_volume("www-flask-1", used(9 * GI / 10));
    let bob = kubeconfig_for(&c, "bob", Some("bob-token"));
    // the deny names the subresource only
    assert_eq!(c.kubectl_with(&["get", "nodes"], &bob).code, 0);

    let o = c.sts_with(&["inspect", "flask", "--color", "never"], &bob);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("unknown"), "{}", o.stdout);
    assert_eq!(
        o.stdout.matches("get nodes/proxy").count(),
        1,
        "said once: {}",
        o.stdout
    );
    assert!(o.stdout.contains("not read-only"), "{}", o.stdout);
    assert!(
        !o.stdout.to_lowercase().contains("grant"),
        "never advised in passing: {}",
        o.stdout
    );
    let d = c.sts_with(&["inspect", "flask", "-o", "json"], &bob).json();
    assert_eq!(usage_of(&d, 1)["state"], "Unknown");
    assert!(
        d["missingPermissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "get nodes/proxy"),
        "{d}"
    );
    // check: STS023 listed as not run, with the permission and why; never an API error
    let o = c.sts_with(&["check", "flask", "-o", "json"], &bob);
    assert_ne!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    let d = o.json();
    assert!(sts023(&o).is_empty());
    let reason = d["notRun"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "STS023")
        .unwrap_or_else(|| panic!("{d}"))["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("not allowed to get nodes/proxy") && reason.contains("not read-only"),
        "{reason}"
    );
    // the admin sees it
    let f = sts023(&c.sts(&["check", "flask", "-o", "json"]));
    assert_eq!(f.len(), 1, "{f:?}");
}
