//! Unknown-field detection for `fieldValidation=Strict|Warn`: a field the typed
//! API struct does not keep after a decode/encode round trip is unknown, which is
//! what the apiserver's strict decoder reports.

use k8s_openapi::api::{apps, coordination, core, discovery, policy, storage};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn roundtrip<T: DeserializeOwned + Serialize>(v: &Value) -> Option<Value> {
    let t: T = serde_json::from_value(v.clone()).ok()?;
    serde_json::to_value(t).ok()
}

fn diff(input: &Value, kept: &Value, path: &str, out: &mut Vec<String>) {
    match (input, kept) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if v.is_null() {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get(k) {
                    Some(bv) => diff(v, bv, &p, out),
                    None => {
                        // empty containers may be dropped by the typed encoder without being unknown
                        let empty = v.as_object().is_some_and(|m| m.is_empty())
                            || v.as_array().is_some_and(|a| a.is_empty());
                        if !empty {
                            out.push(p)
                        }
                    }
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                diff(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Paths (`spec.template.spec.containers[0].imagee`) of fields the kind does not have.
pub fn unknown_fields(kind: &str, v: &Value) -> Vec<String> {
    let kept = match kind {
        "Pod" => roundtrip::<core::v1::Pod>(v),
        "Service" => roundtrip::<core::v1::Service>(v),
        "Namespace" => roundtrip::<core::v1::Namespace>(v),
        "Node" => roundtrip::<core::v1::Node>(v),
        "PersistentVolumeClaim" => roundtrip::<core::v1::PersistentVolumeClaim>(v),
        "PersistentVolume" => roundtrip::<core::v1::PersistentVolume>(v),
        "Endpoints" => roundtrip::<core::v1::Endpoints>(v),
        "Event" => roundtrip::<core::v1::Event>(v),
        "StatefulSet" => roundtrip::<apps::v1::StatefulSet>(v),
        "ControllerRevision" => roundtrip::<apps::v1::ControllerRevision>(v),
        "DaemonSet" => roundtrip::<apps::v1::DaemonSet>(v),
        "StorageClass" => roundtrip::<storage::v1::StorageClass>(v),
        "VolumeAttachment" => roundtrip::<storage::v1::VolumeAttachment>(v),
        "Lease" => roundtrip::<coordination::v1::Lease>(v),
        "ServiceAccount" => roundtrip::<core::v1::ServiceAccount>(v),
        "EndpointSlice" => roundtrip::<discovery::v1::EndpointSlice>(v),
        "PodDisruptionBudget" => roundtrip::<policy::v1::PodDisruptionBudget>(v),
        _ => None,
    };
    let Some(kept) = kept else { return vec![] };
    let mut out = Vec::new();
    diff(v, &kept, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_misspelled_nested_field() {
        let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "a"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "serviceName": "a", "replicaz": 2,
                "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "imagee": "x"}]}}}});
        assert_eq!(
            unknown_fields("StatefulSet", &sts),
            vec!["spec.replicaz", "spec.template.spec.containers[0].imagee"]
        );
    }

    #[test]
    fn known_fields_pass() {
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "labels": {}}, "spec": {"clusterIP": "None", "ports": [{"port": 80, "name": "web"}]}});
        assert!(unknown_fields("Service", &svc).is_empty());
    }
}
