//! `kubectl apply` with validation, strategic merge patches from kubectl's own
//! commands, and admission (tolerations, service account, PVC protection).

use kube_sim::SimConfig;
use serde_json::Value;

use crate::harness::{seed_manifest, Cluster};

fn seed() -> String {
    std::fs::read_to_string(seed_manifest()).unwrap()
}

#[test]
fn apply_validates_and_reapplies_the_seed_manifest() {
    let c = Cluster::new("apply");
    let out = c.apply(&seed());
    assert_eq!(
        out,
        "service/flask created\nstatefulset.apps/flask created\n"
    );
    // a misspelled field is refused as the real server refuses it (fieldValidation=Strict)
    let bad = c.kubectl_stdin(
        &["apply", "-f", "-"],
        &seed().replace("replicas: 3", "replicaz: 3"),
    );
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("strict decoding error: unknown field \"spec.replicaz\""),
        "{}",
        bad.stderr
    );
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.spec.replicas}"),
        "3",
        "a refused apply changes nothing"
    );
    // re-apply with a new image: only the image changes, the containers' other fields stay
    let out = c.apply(&seed().replace("han0495/flask-example-app", "han0495/flask-example-app:v2"));
    assert_eq!(
        out,
        "service/flask unchanged\nstatefulset.apps/flask configured\n"
    );
    let s = c.json(&["get", "sts", "flask"]);
    let app = &s["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(app["image"], "han0495/flask-example-app:v2");
    assert_eq!(app["ports"][0]["containerPort"], 80);
    assert_eq!(app["volumeMounts"][0]["mountPath"], "/usr/src/app/log");
    assert_eq!(s["metadata"]["generation"], 2);
    // applying the same manifest again is a no-op on the server (kubectl may still say
    // "configured" for a StatefulSet: its patch re-sends volumeClaimTemplates). Judged by spec
    // and generation: the controller's status writes move the resourceVersion at any time.
    c.apply(&seed().replace("han0495/flask-example-app", "han0495/flask-example-app:v2"));
    let again = c.json(&["get", "sts", "flask"]);
    assert_eq!(
        (
            again["spec"].clone(),
            again["metadata"]["generation"].clone()
        ),
        (s["spec"].clone(), Value::from(2))
    );
}

#[test]
fn kubectl_patch_commands_change_exactly_their_fields() {
    let c = Cluster::with_nodes("patches", 2, SimConfig::default());
    c.kubectl_stdin(
        &["create", "-f", "-"],
        &seed().replace("replicas: 3", "replicas: 0"),
    );
    let before = c.json(&["get", "sts", "flask"]);

    c.kubectl_ok(&[
        "set",
        "image",
        "sts/flask",
        "flask-app=han0495/flask-example-app:v3",
    ]);
    let after = c.json(&["get", "sts", "flask"]);
    let (b, a) = (
        &before["spec"]["template"]["spec"],
        &after["spec"]["template"]["spec"],
    );
    assert_eq!(a["containers"][0]["image"], "han0495/flask-example-app:v3");
    let mut b2 = b.clone();
    b2["containers"][0]["image"] = Value::from("han0495/flask-example-app:v3");
    assert_eq!(*a, b2, "set image touches nothing else");
    assert_eq!(a["initContainers"], b["initContainers"]);

    c.kubectl_ok(&["label", "sts", "flask", "tier=web"]);
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.labels.tier}"),
        "web"
    );
    c.kubectl_ok(&["label", "sts", "flask", "tier-"]);
    assert_eq!(
        c.jsonpath(&["get", "sts", "flask"], "{.metadata.labels}"),
        ""
    );

    c.kubectl_ok(&["rollout", "restart", "sts/flask"]);
    let restarted = c.jsonpath(
        &["get", "sts", "flask"],
        "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
    );
    assert!(restarted.ends_with('Z'), "{restarted}");
    assert_eq!(
        c.jsonpath(
            &["get", "sts", "flask"],
            "{.spec.template.metadata.labels.app}"
        ),
        "flask"
    );

    let out = c.kubectl_ok(&["taint", "node", "n1", "dedicated=db:NoSchedule"]);
    assert_eq!(out.trim(), "node/n1 tainted");
    let taints = c.json(&["get", "node", "n1"])["spec"]["taints"].clone();
    assert_eq!(
        taints,
        serde_json::json!([{"effect": "NoSchedule", "key": "dedicated", "value": "db"}])
    );
    c.kubectl_ok(&["taint", "node", "n1", "dedicated-"]);
    assert_eq!(c.jsonpath(&["get", "node", "n1"], "{.spec.taints}"), "");
}

#[test]
fn admission_adds_tolerations_service_account_and_protection() {
    let c = Cluster::fast("admission", 1);
    let Some(_) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    c.apply(
        &seed()
            .replace("replicas: 3", "replicas: 1")
            .replace("minReadySeconds: 10", "minReadySeconds: 0"),
    );
    c.eventually(60, "flask-0 Running", || {
        (c.jsonpath(&["get", "pod", "flask-0"], "{.status.phase}") == "Running").then_some(())
    });
    let p = c.json(&["get", "pod", "flask-0"]);
    let tols = p["spec"]["tolerations"].as_array().unwrap();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let t = tols.iter().find(|t| t["key"] == key).expect(key);
        assert_eq!(
            (
                t["effect"].as_str(),
                t["operator"].as_str(),
                t["tolerationSeconds"].as_i64()
            ),
            (Some("NoExecute"), Some("Exists"), Some(300))
        );
    }
    assert_eq!(p["spec"]["serviceAccountName"], "default");
    let sa = p["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"].as_str().unwrap().starts_with("kube-api-access-"))
        .unwrap();
    let sources = sa["projected"]["sources"].as_array().unwrap();
    assert_eq!(
        sources.len(),
        3,
        "upstream's three sources, not golden's fourth"
    );
    assert_eq!(sources[0]["serviceAccountToken"]["expirationSeconds"], 3607);
    assert_eq!(
        p["spec"]["containers"][0]["volumeMounts"][1]["mountPath"],
        "/var/run/secrets/kubernetes.io/serviceaccount"
    );

    let pvc = c.json(&["get", "pvc", "www-flask-0"]);
    assert_eq!(
        pvc["metadata"]["finalizers"][0],
        "kubernetes.io/pvc-protection"
    );
    let pv = c.json(&["get", "pv", pvc["spec"]["volumeName"].as_str().unwrap()]);
    assert_eq!(
        pv["metadata"]["finalizers"][0],
        "kubernetes.io/pv-protection"
    );
    // in use: deleting the claim leaves it Terminating until no pod uses it
    c.kubectl_ok(&["delete", "pvc", "www-flask-0", "--wait=false"]);
    // the DELETE itself sets deletionTimestamp (the finalizer keeps the object): no wait
    let row = c.kubectl_ok(&["get", "pvc", "www-flask-0", "--no-headers"]);
    assert!(row.contains("Terminating"), "{row}");
    c.kubectl_ok(&["scale", "sts", "flask", "--replicas=0"]);
    c.eventually(60, "claim gone once the pod is", || {
        (c.kubectl(&["get", "pvc", "www-flask-0"]).code != 0).then_some(())
    });
    // reclaim Delete: the volume goes too
    c.eventually(30, "PV deleted", || {
        (c.kubectl(&["get", "pv", pvc["spec"]["volumeName"].as_str().unwrap()])
            .code
            != 0)
            .then_some(())
    });
}
