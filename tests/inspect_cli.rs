//! The real binary (and kubectl's plugin lookup) against a cluster replaying the
//! seed lab: rows, retained claims, dead nodes with storage-specific advice,
//! JSON field by field, and one clear line plus the documented exit code for bad input.

use std::process::{Command, Stdio};

use kube_sim::{kubeconfig_yaml, SimConfig};
use serde_json::Value;

use crate::harness::Sts;
use crate::harness::Tool;
use crate::harness::{Cluster, Out};

fn drill() -> SimConfig {
    SimConfig {
        node_monitor_grace: std::time::Duration::from_secs(8),
        toleration_seconds: 10,
        lease_renew: std::time::Duration::from_secs(2),
        speed: 5.0,
        ..SimConfig::default()
    }
}

fn ready_lab(test: &str, network: bool) -> Cluster {
    let c = Cluster::with_nodes(test, 3, drill());
    let class = c.storage_class(network);
    Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(&c, 90);
    c
}

fn inspect_json(c: &Cluster) -> Value {
    let o = c.sts(&["inspect", "flask", "-o", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).expect("inspect -o json is JSON")
}

#[test]
fn inspect_joins_pods_claims_volumes_and_dns() {
    let c = ready_lab("inspect-rows", false);
    let doc = inspect_json(&c);
    assert_eq!(doc["apiVersion"], "kubectl-sts/v1");
    assert_eq!(doc["kind"], "Inspection");
    assert_eq!(doc["namespace"], c.namespace.as_str());
    assert_eq!(doc["replicas"]["desired"], 3);
    assert_eq!(doc["service"]["state"], "Headless");
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for (i, row) in rows.iter().enumerate() {
        let pod = format!("flask-{i}");
        assert_eq!(row["ordinal"], i);
        assert_eq!(row["kind"], "Expected");
        assert_eq!(row["pod"]["name"], pod.as_str());
        assert_eq!(row["pod"]["status"], "Running");
        assert_eq!(row["pod"]["ready"], true);
        assert_eq!(
            row["pod"]["uid"],
            c.jsonpath(&["get", "pod", &pod], "{.metadata.uid}")
                .as_str()
        );
        assert_eq!(
            row["pod"]["node"],
            c.jsonpath(&["get", "pod", &pod], "{.spec.nodeName}")
                .as_str()
        );
        assert_eq!(
            row["dns"],
            format!("{pod}.flask.{}.svc.cluster.local", c.namespace)
        );
        let v = &row["volumes"][0];
        assert_eq!(v["claim"], format!("www-{pod}"));
        assert_eq!(v["claimPhase"], "Bound");
        assert_eq!(
            v["volume"],
            c.jsonpath(&["get", "pvc", &format!("www-{pod}")], "{.spec.volumeName}")
                .as_str()
        );
        assert_eq!(v["capacity"], "1Gi");
        assert_eq!(v["reclaimPolicy"], "Delete");
        assert_eq!(v["accessModes"], "RWO");
        assert_eq!(row["node"]["readiness"], "Ready");
    }
    assert_eq!(doc["problems"].as_array().unwrap().len(), 0);

    let table = c.sts(&["inspect", "flask"]);
    assert_eq!(table.code, 0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!("StatefulSet {}/flask  ready 3/3", c.namespace)),
        "{}",
        table.stdout
    );
    assert!(
        lines[1].starts_with("ORDINAL") && lines[1].contains("DNS"),
        "{}",
        table.stdout
    );
    assert!(
        !table.stdout.contains('\u{1b}'),
        "no color when not a terminal"
    );
    let colored = c.sts(&["inspect", "flask", "--color", "always"]);
    assert!(colored.stdout.contains('\u{1b}'), "--color always colors");

    let yaml = c.sts(&["inspect", "flask", "-o", "yaml"]);
    assert!(yaml.stdout.contains("kind: Inspection"), "{}", yaml.stdout);
    let overview = c.sts(&["inspect"]);
    assert!(
        overview
            .stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("flask") && l.contains("3/3")),
        "{}",
        overview.stdout
    );
}

#[test]
fn kubectl_finds_the_plugins_on_path() {
    let c = ready_lab("plugin", false);
    let path = format!(
        "{}:{}",
        Cluster::bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // (args, exit code, what the output must contain)
    for (args, code, want) in [
        (vec!["sts-inspect", "flask"], 0, "flask-2.flask."),
        (vec!["sts", "inspect", "flask"], 0, "flask-2.flask."),
        (
            vec!["sts-scale", "flask", "--replicas", "3"],
            0,
            "already has 3 replicas",
        ),
        (
            vec!["sts", "scale", "flask", "--replicas", "2", "--dry-run"],
            0,
            "may be scaled from 3 to 2",
        ),
        (
            vec!["sts-force-delete", "flask-0", "--dry-run"],
            4,
            "is Ready and not terminating",
        ),
        (
            vec!["sts", "force-delete", "flask-0", "--dry-run"],
            4,
            "is Ready and not terminating",
        ),
        // every name install-links made, through the one binary
        (
            vec!["sts-check", "flask", "--fail-on", "none"],
            0,
            "in 1 of 1 StatefulSet(s)",
        ),
        (vec!["sts-release-node", "nosuch"], 3, "nosuch"),
        (vec!["sts-drain", "nosuch", "--dry-run"], 3, "nosuch"),
        (vec!["sts-rollout", "status", "flask"], 0, "flask"),
    ] {
        let bin = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
        let o: Out = Command::new(bin)
            .args(&args)
            .args(["-n", &c.namespace])
            .env("PATH", &path)
            .env("KUBECONFIG", &c.kubeconfig)
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .into();
        assert_eq!(o.code, code, "kubectl {args:?}: {}", o.stderr);
        assert!(
            o.stdout.contains(want) || o.stderr.contains(want),
            "kubectl {args:?}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

#[test]
fn scale_down_shows_the_retained_claim() {
    let c = ready_lab("retained", false);
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=2"]);
    c.eventually(60, "flask-2 gone", || {
        (c.kubectl(&["get", "pod", "flask-2"]).code != 0).then_some(())
    });
    let doc = inspect_json(&c);
    let row = &doc["rows"][2];
    assert_eq!(row["kind"], "Retained");
    assert!(row["pod"].is_null());
    assert_eq!(row["volumes"][0]["claim"], "www-flask-2");
    assert_eq!(row["volumes"][0]["claimPhase"], "Bound");
    assert_eq!(doc["problems"][0]["code"], "RetainedClaims");
    let t = c.sts(&["inspect", "flask", "--fail-on-problems"]);
    assert_eq!(t.code, 0, "retained claims are information, not a failure");
    assert!(t.stdout.contains("2 (retained)"), "{}", t.stdout);
}

fn power_off_node_of(c: &Cluster, pod: &str) -> String {
    let node = c.jsonpath(&["get", "pod", pod], "{.spec.nodeName}");
    c.kubectl_ok(&[
        "annotate",
        "node",
        &node,
        "--overwrite",
        "kubectl-sts.sim/power=off",
    ]);
    node
}

#[test]
fn dead_node_with_pinned_volume_gets_no_force_delete_advice() {
    let c = ready_lab("dead-local", false);
    if c.skip_unless_sim("powers a node off through the simulator's annotation") {
        return;
    }
    let node = power_off_node_of(&c, "flask-1");
    c.eventually(60, "flask-1 Terminating", || {
        let doc = inspect_json(&c);
        (doc["rows"][1]["pod"]["status"] == "Terminating").then_some(())
    });
    let doc = inspect_json(&c);
    assert_eq!(doc["rows"][1]["node"]["readiness"], "Unknown");
    assert_eq!(doc["rows"][1]["node"]["unreachable"], true);
    assert_eq!(doc["rows"][1]["volumes"][0]["pinnedNode"], node.as_str());
    let p = &doc["problems"][0];
    assert_eq!(p["code"], "StuckTerminatingOnDeadNode");
    let action = p["action"].as_str().unwrap();
    assert!(
        action.contains("no force delete helps") && !action.contains("--force"),
        "{action}"
    );
    let t = c.sts(&["inspect", "flask", "--fail-on-problems"]);
    assert_eq!(t.code, 5);
    assert!(
        t.stdout.contains("ERROR [StuckTerminatingOnDeadNode]"),
        "{}",
        t.stdout
    );
}

#[test]
fn dead_node_with_network_volume_gets_out_of_service_advice() {
    let c = ready_lab("dead-network", true);
    if c.skip_unless_sim("powers a node off through the simulator's annotation") {
        return;
    }
    let node = power_off_node_of(&c, "flask-1");
    c.eventually(60, "flask-1 Terminating", || {
        (inspect_json(&c)["rows"][1]["pod"]["status"] == "Terminating").then_some(())
    });
    let doc = inspect_json(&c);
    assert!(doc["rows"][1]["volumes"][0]["pinnedNode"].is_null());
    let action = doc["problems"][0]["action"].as_str().unwrap().to_string();
    assert!(
        action.contains(&format!(
            "confirm the machine {node} is really off, then: kubectl sts recover flask-1 -n {}",
            c.namespace
        )),
        "{action}"
    );
    // after a force delete the replacement waits for the volume still attached to the dead node
    c.kubectl(&["delete", "pod", "flask-1", "--grace-period=0", "--force"]);
    c.eventually(30, "Multi-Attach diagnosed", || {
        let doc = inspect_json(&c);
        doc["problems"]
            .as_array()?
            .iter()
            .any(|p| p["code"] == "VolumeAttachedToDeadNode")
            .then_some(())
    });
    let events = c.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        "reason=FailedAttachVolume",
    ]);
    assert!(events.contains("Multi-Attach error for volume"), "{events}");
}

fn write(c: &Cluster, name: &str, text: &str) -> std::path::PathBuf {
    let p = c.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn assert_one_line(o: &Out, code: i32, needle: &str) {
    assert_eq!(o.code, code, "stdout: {}\nstderr: {}", o.stdout, o.stderr);
    assert_eq!(o.stderr.lines().count(), 1, "one line: {}", o.stderr);
    assert!(
        o.stderr.starts_with("error: ") && o.stderr.contains(needle),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
}

#[test]
fn bad_input_gets_one_clear_line_and_its_exit_code() {
    let c = Cluster::new("bad-input");
    assert_one_line(
        &c.sts(&["inspect", "nope"]),
        3,
        "statefulset \"nope\" not found",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["inspect", "nope", "-n", "no-such-ns"])
        .env("KUBECONFIG", &c.kubeconfig)
        .output()
        .unwrap();
    assert_one_line(&o.into(), 3, "namespace \"no-such-ns\" not found");
    assert_one_line(
        &c.sts(&["inspect", "flask", "--context", "nowhere"]),
        2,
        "context \"nowhere\"",
    );
    let garbage = write(&c, "garbage", "{{{ not yaml");
    assert_one_line(
        &c.sts_with(&["inspect", "flask"], &garbage),
        2,
        "kubeconfig",
    );
    let missing = c.dir.path().join("missing-kubeconfig");
    assert_one_line(
        &c.sts(&[
            "inspect",
            "flask",
            "--kubeconfig",
            missing.to_str().unwrap(),
        ]),
        2,
        "cannot read kubeconfig",
    );
    // a port nobody listens on
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = write(
        &c,
        "dead",
        &kubeconfig_yaml(&format!("http://127.0.0.1:{port}"), None),
    );
    assert_one_line(
        &c.sts_with(&["inspect", "flask"], &dead),
        1,
        "cannot reach the API server",
    );
    assert_one_line(
        &c.sts(&["inspect", "flask", "-o", "xml"]).clone_usage(),
        2,
        "invalid value 'xml'",
    );
}

trait UsageOut {
    fn clone_usage(self) -> Out;
}

impl UsageOut for Out {
    /// clap prints usage errors over several lines; keep its first line for the one-line check.
    fn clone_usage(self) -> Out {
        let first = self.stderr.lines().next().unwrap_or("").to_string();
        Out {
            code: self.code,
            stdout: self.stdout,
            stderr: first,
        }
    }
}

#[test]
fn unauthorized_and_forbidden() {
    let config = SimConfig {
        tokens: vec![
            ("admin".into(), "admin".into()),
            ("good".into(), "alice".into()),
            ("narrow".into(), "bob".into()),
        ],
        deny: vec![
            ("alice".into(), "get".into(), "statefulsets".into()),
            ("bob".into(), "get".into(), "nodes".into()),
            ("bob".into(), "get".into(), "persistentvolumes".into()),
        ],
        ..drill()
    };
    let c = Cluster::with_nodes("auth", 3, config);
    if c.skip_unless_sim("serves its own tokens and deny rules") {
        return;
    }
    let url = c.server_url().unwrap();
    let bad = write(&c, "bad-token", &kubeconfig_yaml(&url, Some("wrong")));
    assert_one_line(
        &c.sts_with(&["inspect", "flask"], &bad),
        1,
        "unauthorized (401)",
    );
    let alice = write(&c, "alice", &kubeconfig_yaml(&url, Some("good")));
    assert_one_line(
        &c.sts_with(&["inspect", "flask"], &alice),
        1,
        "cannot get resource \"statefulsets\" in API group \"apps\"",
    );

    // bob may not get nodes or PVs (one set's are read by name): the table is shown without
    // those facts, exit 0
    Sts {
        class: "local-path",
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 60);
    let bob = write(&c, "bob", &kubeconfig_yaml(&url, Some("narrow")));
    let o = c.sts_with(&["inspect", "flask"], &bob);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("note: not allowed to get nodes, get persistentvolumes"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("flask-0"), "{}", o.stdout);
}

#[test]
fn watch_redraws_when_the_set_changes() {
    let c = ready_lab("inspect-watch", false);
    let out_path = c.dir.path().join("watch.out");
    let out_file = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["inspect", "flask", "--watch", "-n", &c.namespace])
        .env("KUBECONFIG", &c.kubeconfig)
        .stdin(Stdio::null())
        .stdout(out_file)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let header = format!("StatefulSet {}/flask", c.namespace);
    c.eventually(20, "first draw", || {
        std::fs::read_to_string(&out_path)
            .ok()
            .filter(|s| s.contains(&header))
            .map(|_| ())
    });
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=2"]);
    let text = c.eventually(60, "a redraw showing the retained claim", || {
        std::fs::read_to_string(&out_path)
            .ok()
            .filter(|s| s.contains("2 (retained)"))
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(text.matches(&header).count() >= 2, "{text}");
}

/// A broken revision rolled out as an operator would (`kubectl patch` of the template): the
/// controller replaces the highest ordinal, the new pod crash-loops, and the rollout stops there.
/// inspect shows the row as kubectl does (READY 0/1, CrashLoopBackOff, the update revision) and
/// scale refuses while the rollout is in progress.
#[test]
fn a_crash_looping_revision_shows_in_inspect_and_stops_scale() {
    let c = Cluster::fast("broken-revision", 2);
    Sts {
        replicas: 2,
        ..Default::default()
    }
    .deploy(&c, 90);
    c.kubectl_ok(&[
        "patch",
        "sts",
        "flask",
        "--type=json",
        "-p",
        r#"[{"op": "add", "path": "/spec/template/spec/containers/0/command", "value": ["sh", "-c", "exit 1"]}]"#,
    ]);
    let doc = c.eventually(90, "flask-1 crash-looping on the new revision", || {
        let doc = inspect_json(&c);
        (doc["rows"][1]["pod"]["status"] == "CrashLoopBackOff").then_some(doc)
    });
    let row = &doc["rows"][1];
    assert_eq!(row["pod"]["readyContainers"], "0/1");
    assert_eq!(row["revisionState"], "update");
    assert_eq!(
        doc["rows"][0]["revisionState"], "current",
        "flask-0 is not touched"
    );
    let kubectl_row = c.kubectl_ok(&["get", "pod", "flask-1", "--no-headers"]);
    assert!(
        kubectl_row.contains("0/1") && kubectl_row.contains("CrashLoopBackOff"),
        "{kubectl_row}"
    );
    let table = c.sts(&["inspect", "flask"]);
    assert!(
        table.stdout.contains("rolling update in progress"),
        "{}",
        table.stdout
    );
    let scale = c.sts(&["scale", "flask", "--replicas", "1"]);
    assert_eq!(scale.code, 4, "{}", scale.stderr);
    assert!(
        scale.stderr.contains("rolling update is in progress"),
        "{}",
        scale.stderr
    );
}

/// Golden `apply/add-claim-template*`: a set orphan-deleted and re-created with a claim template
/// its pods lack, and a template change with it. inspect says where the controller is stuck and
/// how it is unblocked. Its status names one revision as both current and update while no pod
/// runs it: the overview does not call it `current` (kubectl's status viewer reads
/// updatedReplicas, not the revision names).
#[test]
fn a_set_recreated_with_a_claim_template_its_pods_lack() {
    let c = Cluster::fast("inspect-stuck", 3);
    if crate::harness::stuck_at_ordinal_0(&c, true).is_none() {
        return;
    }
    let doc = inspect_json(&c);
    let problems = doc["problems"].as_array().unwrap();
    let p = problems
        .iter()
        .find(|p| p["code"] == "ControllerStuck")
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(
        (p["severity"].clone(), p["ordinal"].clone()),
        ("Error".into(), 0.into())
    );
    assert!(
        p["message"].as_str().unwrap().starts_with(
            "the StatefulSet controller is stuck at flask-0: it has no volume for claim template logs"
        ),
        "{p}"
    );
    assert_eq!(
        p["action"].as_str().unwrap(),
        format!("replace the pods from the lowest ordinal upwards, one at a time, each Ready and available before the next: kubectl delete pod flask-0 -n {}, then flask-1, then flask-2 (each comes back with every claim template's volume)", c.namespace)
    );
    assert_eq!(
        doc["updateStrategy"]["currentRevision"], doc["updateStrategy"]["updateRevision"],
        "the status names one revision"
    );
    let table = c.sts(&["inspect", "flask", "--fail-on-problems"]);
    assert_eq!(table.code, 5, "{}", table.stderr);
    assert!(table.stdout.contains("ControllerStuck"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("rolling update in progress: 0 of 3 pods on revision"),
        "{}",
        table.stdout
    );
    let overview = c.sts(&["inspect"]);
    let line = overview
        .stdout
        .lines()
        .find(|l| l.starts_with("flask"))
        .unwrap_or_else(|| panic!("{}", overview.stdout));
    assert!(line.contains("updating 0/3"), "{}", overview.stdout);
}
