//! The disruption controller (`pkg/controller/disruption`): PodDisruptionBudget
//! status from the pods its selector matches (golden errors.json shows the shape).

use serde_json::{json, Value};

use super::{condition_true, deleting, name, namespace, set_condition, Controller};
use crate::registry::now;
use crate::selectors::LabelSelector;
use crate::Sim;

pub struct DisruptionController;

/// An IntOrString against a total (percentages round up, as GetScaledValueFromIntOrPercent(…, true)).
fn scaled(v: &Value, total: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let pct: f64 = s.strip_suffix('%')?.parse().ok()?;
            Some((pct * total as f64 / 100.0).ceil() as i64)
        }
        _ => None,
    }
}

/// (expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed) for a PDB.
pub fn budget(sim: &Sim, pdb: &Value) -> (i64, i64, i64, i64) {
    let sel = LabelSelector::from_label_selector(&pdb["spec"]["selector"]);
    let pods: Vec<_> = sim
        .list_kind("Pod", Some(namespace(pdb)))
        .into_iter()
        .filter(|p| {
            sel.matches_object(p)
                && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
        })
        .collect();
    let expected = pods.len() as i64;
    let healthy = pods
        .iter()
        .filter(|p| !deleting(p) && condition_true(p, "Ready"))
        .count() as i64;
    let desired = match (
        scaled(&pdb["spec"]["minAvailable"], expected),
        scaled(&pdb["spec"]["maxUnavailable"], expected),
    ) {
        (Some(min), _) => min,
        (None, Some(max)) => (expected - max).max(0),
        (None, None) => expected,
    };
    (expected, desired, healthy, (healthy - desired).max(0))
}

impl Controller for DisruptionController {
    fn name(&self) -> &'static str {
        "disruption-controller"
    }

    fn reconcile(&mut self, sim: &Sim) {
        for pdb in sim.list_kind("PodDisruptionBudget", None) {
            let (expected, desired, healthy, allowed) = budget(sim, &pdb);
            let gen = pdb["metadata"]["generation"].clone();
            let mut conds = pdb["status"]["conditions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let (st, reason) = if allowed > 0 {
                ("True", "SufficientPods")
            } else {
                ("False", "InsufficientPods")
            };
            set_condition(
                &mut conds,
                json!({"type": "DisruptionAllowed", "status": st, "observedGeneration": gen, "lastTransitionTime": now(), "reason": reason, "message": ""}),
            );
            let status = json!({"observedGeneration": gen, "disruptionsAllowed": allowed, "currentHealthy": healthy, "desiredHealthy": desired, "expectedPods": expected, "conditions": conds});
            let cur = &pdb["status"];
            let same = [
                "observedGeneration",
                "disruptionsAllowed",
                "currentHealthy",
                "desiredHealthy",
                "expectedPods",
            ]
            .iter()
            .all(|k| cur[*k] == status[*k])
                && cur["conditions"].as_array().map(|a| a.len()) == Some(1)
                && cur["conditions"][0]["status"] == st;
            if !same {
                let _ = sim.status_patch(
                    "PodDisruptionBudget",
                    namespace(&pdb),
                    name(&pdb),
                    &json!({"status": status}),
                );
            }
        }
    }
}
