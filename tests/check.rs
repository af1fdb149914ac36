//! `kubectl sts check`: read-only risk checks on the live cluster (a clean set has none; two
//! budgets, a budget allowing nothing, pinned volumes and what a drain would hit are found),
//! RBAC denials reported as missing permissions, and manifests checked without a cluster.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kube_sim::SimConfig;

use crate::harness::{kubeconfig_for, one_per, Cluster, Out, Sts, Tool};

fn doc(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

/// `(id, verdict)` of each finding, for the test's namespace only (`-A` on a real cluster
/// holds others).
fn ids(d: &serde_json::Value, ns: &str) -> Vec<String> {
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["namespace"] == ns)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name)
}

fn pdb(c: &Cluster, name: &str, bound: &str) {
    crate::harness::budget(c, name, "flask", bound);
}

#[test]
fn a_spread_set_is_clean_and_its_budgets_risks_are_found_read_only() {
    // four nodes for three replicas, one per node: a drain has somewhere to go
    let c = Cluster::fast("check-live", 4);
    if !c.require_ready_nodes(4) || c.class_or_skip("network").is_none() {
        return;
    }
    Sts {
        class: "network",
        pod_extra: &one_per("flask", "kubernetes.io/hostname"),
        ..Default::default()
    }
    .deploy(&c, 90);
    // no budget: kubectl drain or an autoscaler could take a second pod down (STS022)
    let o = c.sts(&["check", "flask", "--ignore", "STS015", "--color", "never"]);
    assert_eq!(o.code, 5, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("WARNING STS022 NoDisruptionBudget: no PodDisruptionBudget selects the pods of statefulset")
            && o.stdout.contains(&format!("→ kubectl create poddisruptionbudget flask -n {} --selector 'app=flask' --max-unavailable 1", c.namespace)),
        "{}",
        o.stdout
    );
    pdb(&c, "flask-extra", "maxUnavailable: 1");
    // the test image has no readiness probe (STS015); everything else is as it should be
    let o = c.sts(&["check", "flask", "--ignore", "STS015"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("no findings in 1 StatefulSet(s); ignored: STS015"),
        "{}",
        o.stdout
    );
    let o = c.sts(&["check", "flask"]);
    assert_eq!(o.code, 5, "a warning fails by default: {}", o.stdout);
    assert_eq!(c.sts(&["check", "flask", "--fail-on", "error"]).code, 0);

    // a budget that allows nothing, and a second one over the same pods
    pdb(&c, "flask", "minAvailable: 3");
    pdb(&c, "flask-extra", "maxUnavailable: 1");
    c.eventually(30, "the budgets computed", || {
        (c.jsonpath(&["get", "pdb", "flask"], "{.status.currentHealthy}") == "3").then_some(())
    });
    let before = c.kubectl_ok(&[
        "get",
        "pods,pdb,statefulsets",
        "-o",
        "jsonpath={.items[*].metadata.resourceVersion}",
    ]);
    if let Some(sim) = c.sim() {
        sim.clear_requests();
    }
    let o = c.sts(&["check", "flask", "-o", "json", "--fail-on", "error"]);
    // read-only: only GETs (on the simulator's request log), one list of each kind
    if let Some(sim) = c.sim() {
        let reqs: Vec<_> = sim
            .requests()
            .into_iter()
            .filter(|r| !r.is_discovery())
            .collect();
        assert!(reqs.iter().all(|r| r.method == "GET"), "{reqs:?}");
        // one set's: its volumes by name, the pods of each node its pods run on (what a drain
        // of it takes down) and STS023's one Summary per node running one of its pods (four
        // here); of the rest one list per kind
        let (named, lists): (Vec<_>, Vec<_>) = reqs.iter().partition(|r| {
            r.path.starts_with("/api/v1/persistentvolumes/")
                || r.query.contains("fieldSelector=spec.nodeName")
                || r.path.ends_with("/proxy/stats/summary")
        });
        assert!(lists.len() <= 8, "one list per kind: {lists:?}");
        assert!(named.len() <= 3 + 4 + 4, "{named:?}");
    }
    assert_eq!(o.code, 5, "{}", o.stderr);
    let d = doc(&o);
    assert_eq!(d["kind"], "CheckResult");
    assert_eq!(d["apiVersion"], "kubectl-sts/v1");
    let got = ids(&d, &c.namespace);
    for id in ["STS001", "STS007", "STS015", "STS020"] {
        assert!(got.contains(&id.to_string()), "{id} in {got:?}");
    }
    // each node running a pod would block on it: the eviction API refuses a pod two budgets select
    let drains: Vec<(&str, &str)> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "STS020")
        .map(|f| (f["node"].as_str().unwrap(), f["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(drains.len(), 3, "{drains:?}");
    assert!(
        drains.iter().all(|(_, v)| *v == "MultiplePdbs"),
        "{drains:?}"
    );
    // and nothing changed
    let after = c.kubectl_ok(&[
        "get",
        "pods,pdb,statefulsets",
        "-o",
        "jsonpath={.items[*].metadata.resourceVersion}",
    ]);
    assert_eq!(before, after);

    // the human report: by set, severity, ID and code, what to do, where it is documented
    let o = c.sts(&["check", "flask", "--color", "never"]);
    assert_eq!(o.code, 5);
    assert!(
        o.stdout
            .contains("ERROR   STS001 MultiplePdbs: 2 PodDisruptionBudgets (flask, flask-extra)"),
        "{}",
        o.stdout
    );
    assert!(o
        .stdout
        .contains("see https://github.com/kubernetes/kubernetes/issues/75957"));
    // ignoring what is known leaves the rest, and says so
    let o = c.sts(&[
        "check",
        "flask",
        "-o",
        "json",
        "--ignore",
        "sts001,STS007,STS015,STS020",
        "--fail-on",
        "info",
    ]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert_eq!(
        doc(&o)["ignored"],
        serde_json::json!(["STS001", "STS007", "STS015", "STS020"])
    );
}

#[test]
fn pinned_volumes_make_every_node_a_drain_that_would_block_in_check_all_namespaces() {
    let c = Cluster::fast("check-pinned", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    Sts {
        pod_extra: &one_per("flask", "kubernetes.io/hostname"),
        ..Default::default()
    }
    .deploy(&c, 90);
    let o = c.sts(&["check", "-A", "-o", "json"]);
    assert_eq!(o.code, 5, "{}", o.stderr);
    let d = doc(&o);
    let set = format!("{}/flask", c.namespace);
    assert!(
        d["statefulsets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| *s == set),
        "{d}"
    );
    let pinned: Vec<&str> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["namespace"] == c.namespace.as_str() && f["id"] == "STS020")
        .map(|f| f["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(pinned, ["PinnedVolume"; 3], "{d}");
    // NAME and -A do not go together; an unknown set is not found
    assert_eq!(c.sts(&["check", "flask", "-A"]).code, 2);
    let o = c.sts(&["check", "nosuch"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("statefulset \"nosuch\" not found"),
        "{}",
        o.stderr
    );
}

#[test]
fn denied_lists_are_missing_permissions_not_errors() {
    let config = SimConfig {
        tokens: vec![
            ("admin".into(), "admin".into()),
            ("narrow".into(), "bob".into()),
            ("namespaced".into(), "carol".into()),
        ],
        deny: ["poddisruptionbudgets", "storageclasses", "nodes"]
            .iter()
            .map(|r| ("bob".to_string(), "list".to_string(), r.to_string()))
            .chain([("carol".into(), "list".into(), "pods@cluster".into())])
            .collect(),
        speed: 5.0,
        ..SimConfig::default()
    };
    let c = Cluster::with_nodes("check-rbac", 3, config);
    if c.skip_unless_sim("serves its own tokens and deny rules") {
        return;
    }
    Sts {
        replicas: 1,
        ..Default::default()
    }
    .deploy(&c, 60);
    let bob = kubeconfig_for(&c, "bob", Some("narrow"));
    let o = c.sts_with(&["check", "flask", "-o", "json", "--fail-on", "none"], &bob);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let d = doc(&o);
    assert_eq!(
        d["missingPermissions"],
        serde_json::json!([
            "list nodes",
            "list poddisruptionbudgets.policy",
            "list storageclasses.storage.k8s.io"
        ])
    );
    let not_run: Vec<&str> = d["notRun"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for id in ["STS001", "STS005", "STS007", "STS008", "STS016", "STS020"] {
        assert!(not_run.contains(&id), "{id} in {not_run:?}");
    }
    // what needs none of them still ran
    assert!(ids(&d, &c.namespace).contains(&"STS015".to_string()), "{d}");

    // pods listed only in the namespace: every check but drain's
    let carol = kubeconfig_for(&c, "carol", Some("namespaced"));
    let o = c.sts_with(
        &["check", "flask", "-o", "json", "--fail-on", "none"],
        &carol,
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let d = doc(&o);
    assert_eq!(
        d["missingPermissions"],
        serde_json::json!(["list pods (all namespaces)"])
    );
    let not_run: Vec<&str> = d["notRun"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(not_run, ["STS020"]);
    // STS009, STS010 and STS014 ran on the namespace's pods (not listed above as not run)
    assert!(ids(&d, &c.namespace).contains(&"STS015".to_string()), "{d}");
}

/// The tool with a kubeconfig that cannot be read: a manifest check must not need one.
fn offline(args: &[&str], stdin: Option<&str>) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("kubeconfig");
    std::fs::write(&broken, "this: is: not a kubeconfig: [").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(args)
        .env("KUBECONFIG", &broken)
        .env("HOME", dir.path())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap().into()
}

#[test]
fn a_manifest_is_checked_without_a_cluster() {
    let clean = fixture("clean.yaml");
    let risky = fixture("risky.yaml");
    let o = offline(&["check", "-f", clean.to_str().unwrap()], None);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("no findings in 1 StatefulSet(s)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("not run: STS004, STS008, STS009, STS010, STS014, STS020"),
        "{}",
        o.stdout
    );

    let o = offline(
        &["check", "-f", risky.to_str().unwrap(), "-o", "json"],
        None,
    );
    assert_eq!(o.code, 5, "{}", o.stderr);
    let d = doc(&o);
    assert_eq!(
        ids(&d, "prod"),
        [
            "STS001", "STS007", "STS012", "STS002", "STS003", "STS005", "STS006", "STS015",
            "STS021", "STS016", "STS017", "STS019"
        ]
    );
    assert_eq!(
        d["counts"],
        serde_json::json!({"error": 3, "warning": 6, "info": 3})
    );

    // stdin, as `helm template … | kubectl sts check -f -`; the same findings
    let text = std::fs::read_to_string(&risky).unwrap();
    let o = offline(
        &["check", "-f", "-", "-o", "yaml", "--ignore", "STS001"],
        Some(&text),
    );
    assert_eq!(o.code, 5, "{}", o.stderr);
    assert!(
        o.stdout.contains("kind: CheckResult") && o.stdout.contains("source: stdin"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("id: STS001"), "{}", o.stdout);
    // a name picks one set; -n is the namespace of objects that name none
    assert_eq!(
        offline(
            &["check", "db", "-f", clean.to_str().unwrap(), "-n", "team"],
            None
        )
        .code,
        0
    );
    let o = offline(&["check", "web", "-f", clean.to_str().unwrap()], None);
    assert_eq!(o.code, 3, "{}", o.stderr);
}

#[test]
fn bad_input_is_a_usage_error_and_reads_nothing() {
    let clean = fixture("clean.yaml");
    let cases: [(&[&str], Option<&str>, &str); 5] = [
        (&["check", "-f", "/nonexistent/chart.yaml"], None, "cannot read /nonexistent/chart.yaml"),
        (&["check", "-f", "-"], Some("kind: [unclosed"), "not valid YAML"),
        (&["check", "-f", "-"], Some("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec: {replicas: lots}\n"), "object 1 (StatefulSet a)"),
        (&["check", "-f", clean.to_str().unwrap(), "--ignore", "STS999"], None, "no check \"STS999\""),
        (&["check", "-f", clean.to_str().unwrap(), "-A"], None, "drop -A"),
    ];
    for (args, stdin, want) in cases {
        let o = offline(args, stdin);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(want), "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}: {}", o.stdout);
    }
    // the list of checks needs nothing at all
    let o = offline(&["check", "--list"], None);
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout.lines().filter(|l| l.starts_with("STS0")).count(),
        kubectl_sts::model::check::CHECKS.len()
    );
}

/// Exit 2 with exactly one line on stderr (no code frame, no library value) and nothing on
/// stdout.
fn refused_in_one_line(what: &str, o: &Out, want: &str) {
    assert_eq!(o.code, 2, "{what}: {}\n{}", o.stdout, o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: one line on stderr, got:\n{}",
        o.stderr
    );
    assert!(lines[0].starts_with("error: "), "{what}: {}", lines[0]);
    assert!(
        lines[0].contains(want),
        "{what}: wanted {want:?} in: {}",
        lines[0]
    );
    for internals in ["-->", " | ", "{", "Some("] {
        assert!(
            !lines[0].contains(internals),
            "{what}: {internals} in: {}",
            lines[0]
        );
    }
    assert!(o.stdout.is_empty(), "{what}: {}", o.stdout);
}

#[test]
fn a_manifest_with_nothing_to_check_or_beyond_reason_is_an_input_error_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("chart.yaml");
    std::fs::write(&bad, "a: b\n  c: d\n  - e\n").unwrap();
    let bad_arg = bad.to_str().unwrap();
    let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
    let storm = "---\nkind: ConfigMap\n".repeat(70_000);
    let unnamed = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {namespace: db}\nspec: {selector: {}, template: {}}\n";
    let cases: [(&[&str], &str, String); 7] = [
        // nothing could be checked: not a silent green
        (&["check", "-f", "-"], "", "stdin holds no apps/v1 StatefulSet, so nothing was checked (it is empty)".into()),
        (
            &["check", "-f", "-"],
            "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: apps/v1\nkind: Deployment\n",
            "nothing was checked (2 object(s): ConfigMap, Deployment)".into(),
        ),
        (&["check", "-f", "-", "-o", "json"], "# only comments\n---\n", "nothing was checked (it is empty)".into()),
        // the file and the position, one line
        (
            &["check", "-f", bad_arg],
            "",
            format!("error: {bad_arg} is not valid YAML: line 2, column 4: mapping values are not allowed in this context"),
        ),
        (&["check", "-f", "-"], &deep, "stdin is refused: line 1, column 131: nested deeper than 128 levels".into()),
        (&["check", "-f", "-"], &storm, "more than 65536 YAML documents".into()),
        (&["check", "-f", "-"], unnamed, "stdin: object 1 (StatefulSet) has no metadata.name".into()),
    ];
    for (args, stdin, want) in cases {
        let o = offline(
            args,
            (!stdin.is_empty() || args.contains(&"-")).then_some(stdin),
        );
        refused_in_one_line(
            &format!("{args:?} {}", &stdin[..stdin.len().min(40)]),
            &o,
            &want,
        );
    }
}

#[test]
fn nested_lists_and_more_than_a_thousand_documents_are_read() {
    let clean = std::fs::read_to_string(fixture("clean.yaml")).unwrap();
    // a List of Lists (kubectl get -o yaml of several lists), then 1500 more objects
    let nested = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: apps/v1\n    kind: StatefulSet\n    metadata: {name: nested}\n    spec: {selector: {matchLabels: {app: nested}}, template: {metadata: {labels: {app: nested}}}}\n";
    let many = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n".repeat(1500);
    let text = format!("{clean}\n---\n{nested}{many}");
    let o = offline(
        &["check", "-f", "-", "-o", "json", "--fail-on", "none"],
        Some(&text),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        doc(&o)["statefulsets"],
        serde_json::json!(["default/db", "default/nested"])
    );
}

#[test]
fn ctrl_c_while_reading_stdin_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubectl-sts"))
        .args(["check", "-f", "-"])
        .env("KUBECONFIG", dir.path().join("none"))
        .env("HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // a writer that has sent half a manifest and hangs (a slow helm, a forgotten terminal)
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"apiVersion: apps/v1\nkind: StatefulSet\n")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    // then the writer goes away too: a tool that heard nothing would now read to the end and
    // go on (and this test would not hang on it)
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(stdin);
    let o: Out = child.wait_with_output().unwrap().into();
    assert_eq!(o.code, 130, "{}", o.stderr);
    // a plain Ctrl-C says nothing more; nothing was checked, nothing printed
    assert_eq!(o.stderr, "");
    assert_eq!(o.stdout, "");
}

#[test]
fn the_readme_lists_every_check_as_the_tool_does() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for c in kubectl_sts::model::check::CHECKS {
        let severity = format!("{:?}", c.severity).to_lowercase();
        let row = format!("| {} | `{}` | {severity} | {} |", c.id, c.code, c.title);
        assert!(readme.contains(&row), "README lacks {row}");
    }
}
