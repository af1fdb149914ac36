//! A StatefulSet's disruption Lease (`coordination.k8s.io/v1`, kubectl-sts's `model::lease`) is
//! served as the real kube-apiserver v1.36.5 serves it: `golden/leases/exchanges.json`
//! (recorded with `golden/leases/record.py`) replayed in order against a fresh simulated API
//! server — a racing create is AlreadyExists, a stale resourceVersion is a Conflict, an update
//! without one is Invalid (the Lease strategy's AllowUnconditionalUpdate is false), a PUT of a
//! Lease that is gone creates it (AllowCreateOnUpdate is true), the spec is validated
//! (ValidateLeaseSpec), deletes honour uid and resourceVersion preconditions, and an update that
//! changes nothing keeps the resourceVersion.

use serde_json::Value;

use crate::api_golden::{normalize, send};
use crate::harness::golden_json;

/// `${NAME}` in `v` replaced by what an earlier answer bound.
fn substituted(v: &Value, bound: &std::collections::BTreeMap<String, String>) -> Value {
    let mut s = v.to_string();
    for (k, x) in bound {
        s = s.replace(&format!("${{{k}}}"), x);
    }
    serde_json::from_str(&s).expect("still JSON")
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| &v[k])
}

#[test]
fn lease_requests_are_answered_as_golden() {
    let rt = tokio::runtime::Runtime::new().expect("rt");
    let sim = kube_sim::Sim::new();
    let golden = golden_json("leases/exchanges.json");
    let headers =
        serde_json::json!({"Accept": "application/json", "Content-Type": "application/json"});
    let mut bound = std::collections::BTreeMap::new();
    let mut golden_bound = std::collections::BTreeMap::new();
    let mut failures = vec![];
    let exchanges = golden["exchanges"].as_array().expect("exchanges");
    for ex in exchanges {
        let title = ex["title"].as_str().unwrap_or_default();
        let req = &ex["request"];
        let body = (!req["body"].is_null()).then(|| substituted(&req["body"], &bound).to_string());
        let got = send(
            &sim,
            &rt,
            req["method"].as_str().unwrap(),
            req["path"].as_str().unwrap(),
            &headers,
            body,
        );
        let want = &ex["response"];
        let g: Value = serde_json::from_str(&got.body).unwrap_or(Value::Null);
        if u64::from(got.status) != want["status"].as_u64().unwrap() {
            failures.push(format!(
                "{title}: status {} want {}: {}",
                got.status, want["status"], got.body
            ));
            continue;
        }
        for (k, path) in req["bind"].as_object().into_iter().flatten() {
            let v = at(&g, path.as_str().unwrap()).as_str().unwrap_or_default();
            bound.insert(k.clone(), v.to_string());
            golden_bound.insert(k.clone(), ex["bound"][k].as_str().unwrap().to_string());
        }
        let w = &want["body"];
        if w["kind"] == "Status" {
            if normalize(&g) != normalize(w) {
                failures.push(format!("{title}:\n  got  {g}\n  want {w}"));
            }
        } else if w["kind"] == "Lease" {
            if g["spec"] != w["spec"] {
                failures.push(format!("{title}: spec {} want {}", g["spec"], w["spec"]));
            }
            for k in ["name", "namespace"] {
                if g["metadata"][k] != w["metadata"][k] {
                    failures.push(format!("{title}: metadata.{k} {}", g["metadata"][k]));
                }
            }
        }
    }
    // what golden's answers share, the replay's share: the no-op update kept rv2, the renewal
    // moved it off rv1
    for (a, va) in &golden_bound {
        for (b, vb) in &golden_bound {
            if a < b && (va == vb) != (bound[a] == bound[b]) {
                failures.push(format!(
                    "golden has {a} {} {b}; the replay {a}={} {b}={}",
                    if va == vb { "==" } else { "!=" },
                    bound[a],
                    bound[b]
                ));
            }
        }
    }
    assert!(exchanges.len() >= 17, "{} exchanges", exchanges.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
