//! Real kubectl against the cluster, asserting outcomes and golden columns.

use serde_json::{json, Value};

use crate::harness::{golden_json, Cluster};

/// Loads the recorded seed lab into the test's namespace (sim only).
fn restore_seed(c: &Cluster) {
    let sim = c.sim().expect("sim");
    let objs = golden_json("seed/objects-after-rollout.json");
    let items = objs["list"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let mut o = item.clone();
            if o["metadata"]["namespace"].is_string() {
                o["metadata"]["namespace"] = json!(c.namespace);
            }
            if o["spec"]["claimRef"].is_object() {
                o["spec"]["claimRef"]["namespace"] = json!(c.namespace);
            }
            o
        });
    sim.registry.restore(items).unwrap();
}

fn golden_stdout(cmd: &str) -> String {
    let t = golden_json("seed/kubectl-transcript.json");
    t["commands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cmd"] == cmd)
        .and_then(|c| c["stdout"].as_str())
        .unwrap_or_else(|| panic!("{cmd} not in transcript"))
        .to_string()
}

/// Column start offsets from a header line (tabwriter pads with 3+ spaces).
fn column_starts(header: &str) -> Vec<usize> {
    let b = header.as_bytes();
    let mut starts = vec![0];
    for i in 2..b.len() {
        if b[i] != b' ' && b[i - 1] == b' ' && b[i - 2] == b' ' {
            starts.push(i);
        }
    }
    starts
}

fn cells(line: &str, starts: &[usize]) -> Vec<String> {
    (0..starts.len())
        .map(|k| {
            let a = starts[k].min(line.len());
            let b = starts
                .get(k + 1)
                .copied()
                .unwrap_or(line.len())
                .min(line.len());
            line[a..b].trim().to_string()
        })
        .collect()
}

/// Same header; same cells in every row except the AGE column.
fn assert_columns_match(got: &str, want: &str, ns: &str) {
    let g: Vec<&str> = got.lines().collect();
    let w: Vec<&str> = want.lines().collect();
    assert_eq!(g.len(), w.len(), "got:\n{got}\nwant:\n{want}");
    let (gs, ws) = (column_starts(g[0]), column_starts(w[0]));
    let header = cells(w[0], &ws);
    assert_eq!(cells(g[0], &gs), header, "header");
    let age = header.iter().position(|h| h == "AGE");
    for (gl, wl) in g.iter().zip(w.iter()).skip(1) {
        let mut gc = cells(gl, &gs);
        let mut wc: Vec<String> = cells(wl, &ws)
            .iter()
            .map(|c| c.replace("default/", &format!("{ns}/")))
            .collect();
        if let Some(i) = age {
            gc.remove(i);
            wc.remove(i);
        }
        assert_eq!(gc, wc, "row\n got: {gl}\nwant: {wl}");
    }
}

#[test]
fn get_prints_the_columns_a_real_cluster_prints() {
    let c = Cluster::new("columns");
    if c.skip_unless_sim("restores golden's recorded objects into the simulator's store") {
        return;
    }
    restore_seed(&c);
    for cmd in ["get pods -o wide", "get pvc", "get pv", "get sts flask"] {
        let args: Vec<&str> = cmd.split(' ').collect();
        let out = c.kubectl_ok(&args);
        let want = golden_stdout(&format!("kubectl {cmd}"));
        assert_columns_match(&out, &want, &c.namespace);
    }
    let wide = c.kubectl_ok(&["get", "sts", "flask", "-o", "wide"]);
    assert_columns_match(
        &wide,
        &golden_stdout("kubectl get sts flask -o wide").replace("2/2", "3/3"),
        &c.namespace,
    );
}

fn pod(name: &str, node: Option<&str>, labels: Value) -> Value {
    let mut p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
        "spec": {"terminationGracePeriodSeconds": 30, "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9"}]}});
    if let Some(n) = node {
        p["spec"]["nodeName"] = json!(n);
    }
    p
}

fn sts(name: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
        "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9"}]}}}})
}

#[test]
fn selectors_and_output_formats() {
    let c = Cluster::new("selectors");
    if c.skip_unless_sim("pods pinned to node names that a real cluster lacks") {
        return;
    }
    c.create_json(&pod(
        "a",
        Some("n1"),
        json!({"app": "web", "tier": "front"}),
    ));
    c.create_json(&pod("b", Some("n2"), json!({"app": "web"})));
    c.create_json(&pod("d", None, json!({"app": "db"})));
    let names = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["get", "pods", "-o", "name"];
        a.extend_from_slice(args);
        c.kubectl_ok(&a).lines().map(String::from).collect()
    };
    assert_eq!(names(&["-l", "app=web"]), ["pod/a", "pod/b"]);
    assert_eq!(names(&["-l", "app!=web"]), ["pod/d"]);
    assert_eq!(names(&["-l", "app in (db,cache)"]), ["pod/d"]);
    assert_eq!(names(&["-l", "app notin (web)"]), ["pod/d"]);
    assert_eq!(names(&["-l", "tier"]), ["pod/a"]);
    assert_eq!(names(&["-l", "!tier"]), ["pod/b", "pod/d"]);
    assert_eq!(names(&["--field-selector", "spec.nodeName=n2"]), ["pod/b"]);
    assert_eq!(
        names(&["--field-selector", "metadata.name!=a", "-l", "app=web"]),
        ["pod/b"]
    );
    let bad = c.kubectl(&["get", "pods", "--field-selector", "spec.foo=bar"]);
    assert_ne!(bad.code, 0);
    assert!(
        bad.stderr.contains("field label not supported: spec.foo"),
        "{}",
        bad.stderr
    );

    let list = c.json(&["get", "pods"]);
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert_eq!(list["items"][0]["status"]["phase"], "Pending");
    let yaml = c.kubectl_ok(&["get", "pod", "a", "-o", "yaml"]);
    assert!(
        yaml.contains("nodeName: n1") && yaml.contains("uid: "),
        "{yaml}"
    );
    let wide = c.kubectl_ok(&["get", "pods", "-o", "wide"]);
    assert!(
        wide.lines().next().unwrap().contains("NOMINATED NODE"),
        "{wide}"
    );
    assert!(
        wide.lines()
            .any(|l| l.starts_with("d ") && l.contains("<none>")),
        "{wide}"
    );
    // pagination: kubectl --chunk-size follows continue tokens
    let chunked = c.kubectl_ok(&["get", "pods", "-o", "name", "--chunk-size=1"]);
    assert_eq!(chunked.lines().count(), 3);
}

#[test]
fn watch_streams_changes() {
    let c = Cluster::new("watch");
    if c.skip_unless_sim("binds pods to node n1, which a real cluster may not have") {
        return;
    }
    c.create_json(&pod("w1", Some("n1"), json!({"app": "w"})));
    let child = c.kubectl_spawn(&["get", "pods", "-w", "-l", "app=w"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    c.create_json(&pod("w2", Some("n1"), json!({"app": "w"})));
    c.kubectl_ok(&["label", "pod", "w1", "app=other", "--overwrite"]); // leaves the selector
    c.kubectl_ok(&["delete", "pod", "w2", "--wait=false"]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let mut child = child;
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("w1 ") && l.contains("Pending")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("w2 ") && l.contains("Pending")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("w2 ") && l.contains("Terminating")),
        "{text}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("NAME")).count(),
        1,
        "headers once: {text}"
    );
}

#[test]
fn scale_with_preconditions() {
    let c = Cluster::new("scale");
    c.create_json(&sts("web", 3));
    let out = c.kubectl_ok(&["scale", "sts", "web", "--replicas=2"]);
    assert_eq!(out.trim(), "statefulset.apps/web scaled");
    let s = c.json(&["get", "sts", "web"]);
    assert_eq!(s["spec"]["replicas"], 2);
    assert_eq!(s["metadata"]["generation"], 2);

    let bad = c.kubectl(&[
        "scale",
        "sts",
        "web",
        "--current-replicas=5",
        "--replicas=1",
    ]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("Expected replicas to be 5, was 2"),
        "{}",
        bad.stderr
    );
    c.kubectl_ok(&[
        "scale",
        "sts",
        "web",
        "--current-replicas=2",
        "--replicas=1",
    ]);

    let rv = s["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string(); // stale now
    let stale = c.kubectl(&[
        "scale",
        "sts",
        "web",
        "--resource-version",
        &rv,
        "--replicas=4",
    ]);
    assert_eq!(stale.code, 1, "{}", stale.stdout);
    // kubectl checks the precondition itself, then sends it with the PUT
    assert!(
        stale.stderr.contains("Expected resource version to be"),
        "{}",
        stale.stderr
    );
    assert_eq!(
        c.json(&["get", "sts", "web"])["spec"]["replicas"],
        1,
        "a refused scale changes nothing"
    );
    // with the current resourceVersion it goes through; on a real cluster the controller's
    // status writes may move it between the read and the scale, so read again and retry
    let scaled = (0..10).any(|_| {
        let rv = c.json(&["get", "sts", "web"])["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_string();
        let o = c.kubectl(&[
            "scale",
            "sts",
            "web",
            "--resource-version",
            &rv,
            "--replicas=4",
        ]);
        assert!(
            o.code == 0 || o.stderr.contains("Expected resource version to be"),
            "{}",
            o.stderr
        );
        o.code == 0
    });
    assert!(scaled, "never scaled with a fresh resourceVersion");
    assert_eq!(c.json(&["get", "sts", "web"])["spec"]["replicas"], 4);

    let neg = c.kubectl(&["scale", "sts", "web", "--replicas=-1"]);
    assert_ne!(neg.code, 0);
}

#[test]
fn graceful_and_forced_pod_deletion() {
    let c = Cluster::new("delete");
    if c.skip_unless_sim("without a kubelet the bound pod below would never finish terminating") {
        return;
    }
    c.create_json(&pod("g", Some("n1"), json!({"app": "g"})));
    let out = c.kubectl_ok(&["delete", "pod", "g", "--wait=false"]);
    assert_eq!(out.trim(), "pod \"g\" deleted");
    let row = c.kubectl_ok(&["get", "pod", "g", "--no-headers"]);
    assert!(row.contains("Terminating"), "{row}");
    let p = c.json(&["get", "pod", "g"]);
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 30);
    assert_eq!(p["metadata"]["generation"], 2);

    // kubectl wait --for=delete returns once a grace-0 delete removes it
    let waiter = c.kubectl_spawn(&["wait", "--for=delete", "pod/g", "--timeout=20s"]);
    std::thread::sleep(std::time::Duration::from_millis(800));
    let forced = c.kubectl(&["delete", "pod", "g", "--grace-period=0", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(forced.stdout.trim(), "pod \"g\" force deleted");
    assert!(
        forced.stderr.contains("Immediate deletion does not wait"),
        "{}",
        forced.stderr
    );
    let w = waiter.wait_with_output().unwrap();
    assert!(w.status.success(), "{}", String::from_utf8_lossy(&w.stderr));
    let gone = c.kubectl(&["get", "pod", "g"]);
    assert_eq!(
        gone.stderr.trim(),
        "Error from server (NotFound): pods \"g\" not found"
    );

    // an unscheduled pod goes at once
    c.create_json(&pod("u", None, json!({})));
    c.kubectl_ok(&["delete", "pod", "u", "--wait=false"]);
    assert_ne!(c.kubectl(&["get", "pod", "u"]).code, 0);
}

#[test]
fn not_found_and_already_exists_read_as_on_a_real_server() {
    let c = Cluster::new("errors");
    let nf = c.kubectl(&["get", "sts", "nope"]);
    assert_eq!(nf.code, 1);
    assert_eq!(
        nf.stderr.trim(),
        "Error from server (NotFound): statefulsets.apps \"nope\" not found"
    );
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "flask"}, "spec": {"clusterIP": "None", "ports": [{"port": 80}], "selector": {"app": "flask"}}});
    c.create_json(&svc);
    let again = c.kubectl_stdin(&["create", "--validate=false", "-f", "-"], &svc.to_string());
    assert_eq!(again.code, 1);
    assert_eq!(again.stderr.trim(), "Error from server (AlreadyExists): error when creating \"STDIN\": services \"flask\" already exists");
    let got = c.kubectl_ok(&["get", "svc", "flask", "--no-headers"]);
    assert!(got.contains("None") && got.contains("80/TCP"), "{got}");
}

#[test]
fn deleting_a_namespace_empties_it_first() {
    let c = crate::harness::Cluster::with_nodes("ns-delete", 1, kube_sim::SimConfig::default());
    let Some(_) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    let ns = format!("{}-x", c.namespace);
    c.create_json(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
    // pods are admitted once the serviceaccounts controller has made `default`
    c.eventually(30, "the default ServiceAccount", || {
        (c.kubectl(&["get", "sa", "default", "-n", &ns]).code == 0).then_some(())
    });
    let mut p = pod("p", Some("n1"), json!({"app": "x"}));
    p["metadata"]["namespace"] = json!(ns);
    p["spec"]["terminationGracePeriodSeconds"] = json!(1);
    // a finalizer keeps the namespace Terminating until the test has looked (a loaded machine
    // could otherwise finish the deletion first)
    p["metadata"]["finalizers"] = json!(["example.com/hold"]);
    let o = c.kubectl_stdin(
        &["create", "--validate=false", "-f", "-", "-n", &ns],
        &p.to_string(),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    c.kubectl_ok(&["delete", "namespace", &ns, "--wait=false"]);
    let phase = c.jsonpath(&["get", "namespace", &ns], "{.status.phase}");
    assert_eq!(phase, "Terminating");
    let refused = c.kubectl_stdin(&["create", "--validate=false", "-f", "-", "-n", &ns], &json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": ns}, "spec": {"ports": [{"port": 80}]}}).to_string());
    assert!(
        refused.stderr.contains("because it is being terminated"),
        "{}",
        refused.stderr
    );
    c.kubectl_ok(&[
        "patch",
        "pod",
        "p",
        "-n",
        &ns,
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ]);
    c.eventually(30, "namespace gone", || {
        (c.kubectl(&["get", "namespace", &ns]).code != 0).then_some(())
    });
    assert!(c
        .kubectl_ok(&["get", "pods", "-A", "--no-headers"])
        .lines()
        .all(|l| !l.starts_with(&ns)));
}

/// Every namespace gets a `default` ServiceAccount from the serviceaccounts controller (again
/// if it is deleted), and the ServiceAccount admission refuses a pod whose account does not
/// exist, with plugin/pkg/admission/serviceaccount's message.
#[test]
fn service_accounts_default_and_admission() {
    let c = Cluster::new("service-accounts");
    let rows = c.kubectl_ok(&["get", "sa"]);
    let mut lines = rows.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    // a real v1.36 server prints NAME AGE (no SECRETS column)
    assert_eq!(header, ["NAME", "AGE"], "{rows}");
    assert!(
        lines.any(|l| l.split_whitespace().next() == Some("default")),
        "{rows}"
    );

    let mut p = pod("orphan-sa", None, json!({"app": "sa"}));
    p["spec"]["serviceAccountName"] = json!("nope");
    let o = c.kubectl_stdin(&["create", "-f", "-"], &p.to_string());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert_eq!(
        o.stderr.trim(),
        format!(
            "Error from server (Forbidden): error when creating \"STDIN\": pods \"orphan-sa\" is forbidden: error looking up service account {}/nope: serviceaccount \"nope\" not found",
            c.namespace
        )
    );
    assert_ne!(
        c.kubectl(&["get", "pod", "orphan-sa"]).code,
        0,
        "nothing created"
    );

    // with the account created, the same pod is admitted
    // (JSON: `kubectl create serviceaccount` sends protobuf, which the simulator decodes only
    // for the kinds typed commands here need)
    c.create_json(
        &json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "nope"}}),
    );
    c.kubectl_stdin(&["create", "-f", "-"], &p.to_string());
    assert_eq!(
        c.json(&["get", "pod", "orphan-sa"])["spec"]["serviceAccountName"],
        "nope"
    );

    let uid = c.json(&["get", "sa", "default"])["metadata"]["uid"].clone();
    c.kubectl_ok(&["delete", "sa", "default"]);
    c.eventually(30, "default recreated", || {
        let sa = c.try_json(&["get", "sa", "default"])?;
        (sa["metadata"]["uid"] != uid).then_some(())
    });
}

#[test]
fn horizontal_pod_autoscalers_are_served_in_v2_and_v1() {
    let c = Cluster::new("hpa-versions");
    // created in v1 without a target: v2 (kubectl's default, the preferred version) shows the
    // default CPU metric, v1 the same as targetCPUUtilizationPercentage (golden's server)
    c.apply("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bare\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: web\n  maxReplicas: 3\n");
    let v2 = c.json(&["get", "hpa", "bare", "-o", "json"]);
    assert_eq!(v2["apiVersion"], "autoscaling/v2");
    assert_eq!(
        v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        80
    );
    let v1 = c.json(&[
        "get",
        "horizontalpodautoscalers.v1.autoscaling",
        "bare",
        "-o",
        "json",
    ]);
    assert_eq!(v1["apiVersion"], "autoscaling/v1");
    assert_eq!(v1["spec"]["targetCPUUtilizationPercentage"], 80);

    // created in v2 with what v1 cannot say: kept, and patched in v2
    c.apply("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: rich\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: web\n  maxReplicas: 5\n  metrics:\n  - type: Resource\n    resource:\n      name: memory\n      target:\n        type: AverageValue\n        averageValue: 1Gi\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 60\n");
    c.kubectl_ok(&[
        "patch",
        "hpa",
        "rich",
        "--type=merge",
        "-p",
        r#"{"spec":{"maxReplicas":7}}"#,
    ]);
    let rich = c.json(&["get", "hpa", "rich", "-o", "json"]);
    assert_eq!(rich["spec"]["maxReplicas"], 7);
    assert_eq!(rich["spec"]["metrics"][0]["resource"]["name"], "memory");
    assert_eq!(
        rich["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"],
        60
    );
    let table = c.kubectl_ok(&["get", "hpa", "--no-headers"]);
    assert_eq!(table.lines().count(), 2, "{table}");
    let names = c.kubectl_ok(&[
        "get",
        "horizontalpodautoscalers.v2.autoscaling",
        "-o",
        "name",
    ]);
    assert!(
        names.contains("horizontalpodautoscaler.autoscaling/rich"),
        "{names}"
    );
    c.kubectl_ok(&["delete", "hpa", "rich", "bare"]);
}
