//! Serving one stored resource in two versions: autoscaling/v1 and autoscaling/v2
//! HorizontalPodAutoscalers (pkg/apis/autoscaling/v1/conversion.go). Objects are stored in the
//! v1 form; what v1 cannot hold travels in the annotations the real conversion uses
//! (`autoscaling.alpha.kubernetes.io/metrics`, `…/behavior`, `…/conditions`,
//! `…/current-metrics`), holding v2 JSON here.

use serde_json::{json, Map, Value};

use crate::resources::{self, ResourceDef};

const METRICS: &str = "autoscaling.alpha.kubernetes.io/metrics";
const BEHAVIOR: &str = "autoscaling.alpha.kubernetes.io/behavior";
const CONDITIONS: &str = "autoscaling.alpha.kubernetes.io/conditions";
const CURRENT: &str = "autoscaling.alpha.kubernetes.io/current-metrics";

/// Whether `def` is served from another version's storage.
pub fn converted(def: &'static ResourceDef) -> bool {
    !std::ptr::eq(def, resources::storage_def(def))
}

/// The stored object as `def`'s version shows it.
pub fn present(def: &'static ResourceDef, stored: &Value) -> Value {
    if converted(def) && def.kind == "HorizontalPodAutoscaler" {
        hpa_v1_to_v2(stored)
    } else {
        stored.clone()
    }
}

/// A body in `def`'s version, in the stored form.
pub fn to_storage(def: &'static ResourceDef, body: &Value) -> Value {
    if converted(def) && def.kind == "HorizontalPodAutoscaler" {
        hpa_v2_to_v1(body)
    } else {
        body.clone()
    }
}

fn take_annotation(o: &mut Value, key: &str) -> Option<Value> {
    // (get_mut, not indexing: indexing a missing key would insert a null)
    let anns = o
        .get_mut("metadata")?
        .get_mut("annotations")?
        .as_object_mut()?;
    let v = anns.remove(key)?;
    if anns.is_empty() {
        if let Some(m) = o["metadata"].as_object_mut() {
            m.remove("annotations");
        }
    }
    v.as_str().and_then(|s| serde_json::from_str(s).ok())
}

fn put_annotation(o: &mut Value, key: &str, v: &Value) {
    if !o["metadata"]["annotations"].is_object() {
        o["metadata"]["annotations"] = json!({});
    }
    o["metadata"]["annotations"][key] = json!(v.to_string());
}

fn cpu_target(percent: &Value) -> Value {
    json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": percent}}})
}

fn is_cpu_utilization(m: &Value) -> bool {
    m["type"] == "Resource"
        && m["resource"]["name"] == "cpu"
        && m["resource"]["target"]["type"] == "Utilization"
}

pub fn hpa_v1_to_v2(v1: &Value) -> Value {
    let mut o = v1.clone();
    o["apiVersion"] = json!("autoscaling/v2");
    let mut metrics: Vec<Value> = take_annotation(&mut o, METRICS)
        .and_then(|m| m.as_array().cloned())
        .unwrap_or_default();
    let behavior = take_annotation(&mut o, BEHAVIOR);
    let conditions = take_annotation(&mut o, CONDITIONS);
    let current = take_annotation(&mut o, CURRENT);
    if let Some(spec) = o.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(cpu) = spec.remove("targetCPUUtilizationPercentage") {
            metrics.push(cpu_target(&cpu));
        }
        if !metrics.is_empty() {
            spec.insert("metrics".into(), Value::Array(metrics));
        }
        if let Some(b) = behavior {
            spec.insert("behavior".into(), b);
        }
    }
    if let Some(status) = o.get_mut("status").and_then(Value::as_object_mut) {
        let mut current: Vec<Value> = current
            .and_then(|c| c.as_array().cloned())
            .unwrap_or_default();
        if let Some(cpu) = status.remove("currentCPUUtilizationPercentage") {
            current.push(json!({"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": cpu}}}));
        }
        if !current.is_empty() {
            status.insert("currentMetrics".into(), Value::Array(current));
        }
        if let Some(c) = conditions {
            status.insert("conditions".into(), c);
        }
    }
    o
}

pub fn hpa_v2_to_v1(v2: &Value) -> Value {
    let mut o = v2.clone();
    if o.get("apiVersion").is_some() {
        o["apiVersion"] = json!("autoscaling/v1");
    }
    let had_spec = o.get("spec").is_some();
    let spec = o
        .get_mut("spec")
        .and_then(Value::as_object_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    let mut v1_spec = Map::new();
    let mut other = Vec::new();
    let mut behavior = None;
    for (k, v) in spec {
        match k.as_str() {
            "metrics" => {
                for m in v.as_array().cloned().unwrap_or_default() {
                    if is_cpu_utilization(&m)
                        && !v1_spec.contains_key("targetCPUUtilizationPercentage")
                    {
                        v1_spec.insert(
                            "targetCPUUtilizationPercentage".into(),
                            m["resource"]["target"]["averageUtilization"].clone(),
                        );
                    } else {
                        other.push(m);
                    }
                }
            }
            "behavior" => behavior = Some(v),
            _ => {
                v1_spec.insert(k, v);
            }
        }
    }
    if had_spec || !v1_spec.is_empty() {
        o["spec"] = Value::Object(v1_spec);
    }
    if !other.is_empty() {
        put_annotation(&mut o, METRICS, &Value::Array(other));
    }
    if let Some(b) = behavior {
        put_annotation(&mut o, BEHAVIOR, &b);
    }
    if let Some(status) = o.get_mut("status").and_then(Value::as_object_mut) {
        let current = status.remove("currentMetrics");
        let conditions = status.remove("conditions");
        let mut rest = Vec::new();
        for m in current
            .and_then(|c| c.as_array().cloned())
            .unwrap_or_default()
        {
            if m["type"] == "Resource"
                && m["resource"]["name"] == "cpu"
                && !m["resource"]["current"]["averageUtilization"].is_null()
            {
                status.insert(
                    "currentCPUUtilizationPercentage".into(),
                    m["resource"]["current"]["averageUtilization"].clone(),
                );
            } else {
                rest.push(m);
            }
        }
        if let Some(c) = conditions {
            put_annotation(&mut o, CONDITIONS, &c);
        }
        if !rest.is_empty() {
            put_annotation(&mut o, CURRENT, &Value::Array(rest));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_and_v2_round_trip() {
        // golden: an HPA created in v1 without a target reads in v2 with the default 80% CPU
        let v1 = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "bare"},
            "spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "web"}, "minReplicas": 1, "maxReplicas": 3,
                "targetCPUUtilizationPercentage": 80},
            "status": {"currentReplicas": 0, "desiredReplicas": 0}});
        let v2 = hpa_v1_to_v2(&v1);
        assert_eq!(v2["apiVersion"], "autoscaling/v2");
        assert_eq!(
            v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
            80
        );
        assert!(v2["spec"]["targetCPUUtilizationPercentage"].is_null());
        assert_eq!(hpa_v2_to_v1(&v2), v1);
        // nothing appears that was not there (a body without status stays without one)
        let body = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "b"}});
        assert_eq!(
            hpa_v2_to_v1(&body),
            json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "b"}})
        );
        assert_eq!(hpa_v1_to_v2(&hpa_v2_to_v1(&body)), body);
        // what v1 cannot hold travels in annotations, and comes back
        let rich = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "rich"},
            "spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "web"}, "maxReplicas": 5,
                "metrics": [
                    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}}},
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}],
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}});
        let stored = hpa_v2_to_v1(&rich);
        assert_eq!(stored["spec"]["targetCPUUtilizationPercentage"], 60);
        assert!(stored["metadata"]["annotations"][METRICS]
            .as_str()
            .unwrap()
            .contains("memory"));
        let back = hpa_v1_to_v2(&stored);
        assert_eq!(back["spec"]["behavior"], rich["spec"]["behavior"]);
        assert_eq!(back["spec"]["metrics"].as_array().unwrap().len(), 2);
        assert!(back["metadata"]["annotations"].is_null());
    }
}
