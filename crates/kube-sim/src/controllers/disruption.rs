//! The disruption controller (pkg/controller/disruption, trySync): PodDisruptionBudget status
//! from the pods its selector matches, the controllers' scale and the evictions the API server
//! recorded in `status.disruptedPods` (golden `eviction/`).

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::{condition_true, deleting, name, namespace, set_condition, Controller};
use crate::registry::now;
use crate::selectors::LabelSelector;
use crate::Sim;

pub struct DisruptionController;

/// How long an eviction's entry in `disruptedPods` keeps the pod out of the healthy count when
/// the pod is not deleted (DeletionTimeout).
pub const DELETION_TIMEOUT: Duration = Duration::from_secs(120);

/// An IntOrString against a total, percentages rounded up (GetScaledValueFromIntOrPercent(…, true)).
fn scaled(v: &Value, total: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => match s.strip_suffix('%') {
            Some(pct) => {
                let pct: i64 = pct.parse().ok()?;
                Some((pct * total + 99).div_euclid(100))
            }
            None => s.parse().ok(),
        },
        _ => None,
    }
}

/// The computed status of one PDB.
#[derive(Debug, PartialEq)]
pub struct Budget {
    pub expected: i64,
    pub desired: i64,
    pub healthy: i64,
    pub allowed: i64,
    pub disrupted: Map<String, Value>,
    /// Why the status could not be computed (failSafe: nothing allowed).
    pub failed: Option<String>,
}

fn age(ts: &str) -> Option<Duration> {
    let t: jiff::Timestamp = ts.parse().ok()?;
    let d = jiff::Timestamp::now().duration_since(t);
    Some(Duration::from_secs_f64(d.as_secs_f64().max(0.0)))
}

/// getExpectedScale: the sum of the scale of the controllers of the pods (a pod without a
/// controller is unmanaged and adds nothing; a controller the simulator cannot scale fails).
fn expected_scale(sim: &Sim, pods: &[std::sync::Arc<Value>]) -> Result<i64, String> {
    let mut seen = std::collections::BTreeMap::new();
    for p in pods {
        let Some(owner) = p["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["controller"] == true)
        else {
            continue;
        };
        let uid = owner["uid"].as_str().unwrap_or("").to_string();
        if seen.contains_key(&uid) {
            continue;
        }
        let scale = (owner["kind"] == "StatefulSet")
            .then(|| {
                sim.get_kind(
                    "StatefulSet",
                    namespace(p),
                    owner["name"].as_str().unwrap_or(""),
                )
            })
            .flatten()
            .filter(|s| s["metadata"]["uid"] == owner["uid"])
            .map(|s| s["spec"]["replicas"].as_i64().unwrap_or(1))
            .ok_or_else(|| format!("found no controllers for pod {:?}", name(p)))?;
        seen.insert(uid, scale);
    }
    Ok(seen.values().sum())
}

/// trySync's numbers for a PDB.
pub fn budget(sim: &Sim, pdb: &Value) -> Budget {
    let sel = &pdb["spec"]["selector"];
    let selector = LabelSelector::from_label_selector(sel);
    let pods: Vec<_> = sim
        .list_kind("Pod", Some(namespace(pdb)))
        .into_iter()
        .filter(|p| !sel.is_null() && selector.matches_object(p))
        .collect();
    let spec = &pdb["spec"];
    let counts = if !spec["maxUnavailable"].is_null() {
        expected_scale(sim, &pods).map(|expected| {
            let max = scaled(&spec["maxUnavailable"], expected).unwrap_or(0);
            (expected, (expected - max).max(0))
        })
    } else if let Some(n) = spec["minAvailable"].as_i64() {
        Ok((pods.len() as i64, n))
    } else if spec["minAvailable"].is_string() {
        expected_scale(sim, &pods).map(|expected| {
            (
                expected,
                scaled(&spec["minAvailable"], expected).unwrap_or(0),
            )
        })
    } else {
        Ok((0, 0))
    };
    // buildDisruptedPodMap: entries of pods that still exist, are not being deleted and whose
    // eviction is younger than DeletionTimeout
    let recorded = pdb["status"]["disruptedPods"].as_object();
    let disrupted: Map<String, Value> = pods
        .iter()
        .filter(|p| !deleting(p))
        .filter_map(|p| {
            let t = recorded?.get(name(p))?;
            age(t.as_str()?)
                .is_some_and(|a| a < DELETION_TIMEOUT)
                .then(|| (name(p).to_string(), t.clone()))
        })
        .collect();
    let healthy = pods
        .iter()
        .filter(|p| !deleting(p) && !disrupted.contains_key(name(p)) && condition_true(p, "Ready"))
        .count() as i64;
    match counts {
        Ok((expected, desired)) => {
            let allowed = if expected <= 0 {
                0
            } else {
                (healthy - desired).max(0)
            };
            Budget {
                expected,
                desired,
                healthy,
                allowed,
                disrupted,
                failed: None,
            }
        }
        Err(e) => Budget {
            expected: 0,
            desired: 0,
            healthy,
            allowed: 0,
            disrupted,
            failed: Some(e),
        },
    }
}

impl Controller for DisruptionController {
    fn name(&self) -> &'static str {
        "disruption-controller"
    }

    fn reconcile(&mut self, sim: &Sim) {
        for pdb in sim.list_kind("PodDisruptionBudget", None) {
            let b = budget(sim, &pdb);
            let gen = pdb["metadata"]["generation"].clone();
            let mut conds = pdb["status"]["conditions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let (st, reason, message) = match &b.failed {
                Some(e) => ("False", "SyncFailed", e.clone()),
                None if b.allowed > 0 => ("True", "SufficientPods", String::new()),
                None => ("False", "InsufficientPods", String::new()),
            };
            let cur = &pdb["status"];
            let cond_same = conds.iter().any(|c| {
                c["type"] == "DisruptionAllowed" && c["status"] == st && c["reason"] == reason
            });
            if !cond_same {
                set_condition(
                    &mut conds,
                    json!({"type": "DisruptionAllowed", "status": st, "observedGeneration": gen, "lastTransitionTime": now(), "reason": reason, "message": message}),
                );
            }
            let mut status = match b.failed {
                // failSafe: only disruptionsAllowed (to 0) and the condition change
                Some(_) => {
                    let mut s = cur.clone();
                    s["disruptionsAllowed"] = json!(0);
                    s
                }
                None => {
                    json!({"observedGeneration": gen, "disruptionsAllowed": b.allowed, "currentHealthy": b.healthy,
                    "desiredHealthy": b.desired, "expectedPods": b.expected})
                }
            };
            if !b.disrupted.is_empty() {
                status["disruptedPods"] = Value::Object(b.disrupted);
            } else if let Some(o) = status.as_object_mut() {
                o.remove("disruptedPods");
            }
            status["conditions"] = json!(conds);
            if *cur != status {
                let mut new = (*pdb).clone();
                new["status"] = status;
                let _ = sim.status_update("PodDisruptionBudget", new);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scaled;
    use serde_json::json;

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&json!("50%"), 3), Some(2));
        assert_eq!(scaled(&json!("34%"), 3), Some(2));
        assert_eq!(scaled(&json!("33%"), 3), Some(1));
        assert_eq!(scaled(&json!(1), 3), Some(1));
        assert_eq!(scaled(&json!("x%"), 3), None);
    }
}
