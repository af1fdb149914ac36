//! A node's cordon as pure decisions: whose cordon it is, proven from the cluster, and whether
//! a cordon write may be made again after a 409 (the kubelet writes its node's status every few
//! seconds, which moves the resourceVersion the write was conditioned on).
//!
//! Whose cordon: `drain` cordons with one patch that sets `spec.unschedulable` and its
//! annotation ([`CORDONED_BY`]: who, when), as field manager [`FIELD_MANAGER`]. The API server
//! records in `managedFields` which manager set which field, and moves a field to whoever sets
//! it next or drops it when it is removed (structured-merge-diff's update: golden `resize/`
//! shows `kubectl scale` taking `spec.replicas` from `kubectl-create`). So the cordon is
//! drain's exactly while both hold: the annotation is there and kubectl-sts's entry still owns
//! `spec.unschedulable`. After a plain `kubectl uncordon` (the field removed, nobody's) and a
//! `kubectl cordon` (the field is `kubectl`'s: k8s.io/kubectl pkg/drain/cordon.go names no
//! field manager, so the API server takes the User-Agent's), the annotation alone is stale:
//! it is someone else's cordon. The field must be kubectl-sts's alone: a server-side apply by
//! another manager that sets it too (the same value) co-owns it, and that cordon is theirs as
//! much as drain's ([`Cordon::Shared`]).
//!
//! What managedFields cannot show: another drain (kubectl drain, kured, the node-maintenance
//! operator) on a node drain has already cordoned writes nothing — kubectl's CordonHelper skips
//! a node that is already unschedulable — so that cordon still looks like drain's alone.

use k8s_openapi::api::core::v1::{Node, Pod};

use super::set::CORDONED_BY;
use super::FIELD_MANAGER;

/// Whose cordon a node has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cordon {
    /// Not cordoned; `stale`: drain's annotation left behind (its value).
    NotCordoned { stale: Option<String> },
    /// Cordoned by `kubectl sts drain`, proven: its annotation (`by`: who, when), and
    /// managedFields showing kubectl-sts owning `spec.unschedulable`.
    Ours { by: String },
    /// Drain's annotation and kubectl-sts's entry own `spec.unschedulable`, and so do `others`
    /// (managers that set it too, by server-side apply): not drain's alone to undo.
    Shared { by: String, others: Vec<String> },
    /// Cordoned by someone else; `stale`: drain's annotation is there, but the cordon is not its
    /// own any more (its value).
    Theirs { stale: Option<String> },
}

impl Cordon {
    /// Drain's annotation when it no longer says anything true (to be cleared).
    pub fn stale(&self) -> Option<&str> {
        match self {
            Cordon::NotCordoned { stale } | Cordon::Theirs { stale } => stale.as_deref(),
            Cordon::Ours { .. } | Cordon::Shared { .. } => None,
        }
    }
}

/// Whose cordon `node` has (see the module's words).
pub fn cordon_of(node: &Node) -> Cordon {
    let annotation = node
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CORDONED_BY))
        .cloned();
    match (cordoned(node), annotation) {
        (false, stale) => Cordon::NotCordoned { stale },
        (true, Some(by)) => {
            let owners = unschedulable_owners(node);
            if !owners.iter().any(|m| m == FIELD_MANAGER) {
                return Cordon::Theirs { stale: Some(by) };
            }
            let others: Vec<String> = owners.into_iter().filter(|m| m != FIELD_MANAGER).collect();
            if others.is_empty() {
                Cordon::Ours { by }
            } else {
                Cordon::Shared { by, others }
            }
        }
        (true, None) => Cordon::Theirs { stale: None },
    }
}

/// The managers whose managedFields entries (of the node itself, not of a subresource; any
/// operation, Update or Apply) own `spec.unschedulable`, sorted, each once.
pub fn unschedulable_owners(node: &Node) -> Vec<String> {
    let mut owners: Vec<String> = node
        .metadata
        .managed_fields
        .iter()
        .flatten()
        .filter(|e| e.subresource.as_deref().unwrap_or_default().is_empty())
        .filter(|e| {
            e.fields_v1.as_ref().is_some_and(|f| {
                f.0.get("f:spec")
                    .and_then(|s| s.get("f:unschedulable"))
                    .is_some()
            })
        })
        .filter_map(|e| e.manager.clone())
        .collect();
    owners.sort();
    owners.dedup();
    owners
}

/// The time in drain's annotation (`USER at TIME`).
pub fn cordoned_at(by: &str) -> Option<jiff::Timestamp> {
    by.rsplit_once(" at ")?.1.parse().ok()
}

/// The pods (`ns/name`) whose `DisruptionTarget` condition turned True after `since` (drain's
/// cordon): being evicted or deleted by someone since — another drain (kubectl drain, kured,
/// the node-maintenance operator) writes nothing to a node already cordoned, but its
/// evictions mark the pods.
pub fn disrupted_since(pods: &[Pod], since: jiff::Timestamp) -> Vec<String> {
    pods.iter()
        .filter(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .any(|c| {
                    c.type_ == "DisruptionTarget"
                        && c.status == "True"
                        && c.last_transition_time.as_ref().is_some_and(|t| t.0 > since)
                })
        })
        .map(|p| {
            format!(
                "{}/{}",
                p.metadata.namespace.as_deref().unwrap_or_default(),
                p.metadata.name.as_deref().unwrap_or_default()
            )
        })
        .collect()
}

/// `spec.unschedulable`.
pub fn cordoned(node: &Node) -> bool {
    node.spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
}

/// The node read again after a 409 on drain's cordon: None when the cordon may be written
/// again (the same node object, still not cordoned: what moved was its status); Some(why) when
/// someone else acted on the node meanwhile.
pub fn cordon_moved(uid: &str, now: &Node) -> Option<String> {
    let name = now.metadata.name.as_deref().unwrap_or_default();
    if now.metadata.uid.as_deref() != Some(uid) {
        Some(format!("node {name} was deleted and registered again"))
    } else if cordoned(now) {
        Some(format!(
            "node {name} was cordoned by someone else meanwhile"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A node, cordoned or not, with drain's annotation or not, and managedFields entries of
    /// (manager, subresource, fieldsV1).
    fn with(cordoned: bool, annotation: bool, entries: &[(&str, &str, serde_json::Value)]) -> Node {
        let mut n = json!({
            "metadata": {"name": "n1", "uid": "u1", "managedFields": entries.iter().map(|(m, sub, f)| {
                let mut e = json!({"manager": m, "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": f});
                if !sub.is_empty() { e["subresource"] = json!(sub); }
                e
            }).collect::<Vec<_>>()},
            "spec": {},
        });
        if cordoned {
            n["spec"]["unschedulable"] = json!(true);
        }
        if annotation {
            n["metadata"]["annotations"] = json!({CORDONED_BY: "alice at 2026-01-01T00:00:00Z"});
        }
        serde_json::from_value(n).unwrap()
    }

    fn drains() -> serde_json::Value {
        json!({"f:metadata": {"f:annotations": {".": {}, "f:kubectl-sts.io/cordoned-by": {}}}, "f:spec": {"f:unschedulable": {}}})
    }

    #[test]
    fn drains_cordon_is_its_own_while_kubectl_sts_owns_the_field() {
        let n = with(
            true,
            true,
            &[
                ("kubelet", "status", json!({"f:status": {}})),
                (FIELD_MANAGER, "", drains()),
            ],
        );
        assert_eq!(
            cordon_of(&n),
            Cordon::Ours {
                by: "alice at 2026-01-01T00:00:00Z".into()
            }
        );
    }

    #[test]
    fn after_kubectl_uncordon_and_kubectl_cordon_the_annotation_is_stale() {
        // kubectl uncordon removed the field (nobody's), kubectl cordon set it (kubectl's)
        let n = with(
            true,
            true,
            &[
                (
                    FIELD_MANAGER,
                    "",
                    json!({"f:metadata": {"f:annotations": {".": {}, "f:kubectl-sts.io/cordoned-by": {}}}}),
                ),
                ("kubectl", "", json!({"f:spec": {"f:unschedulable": {}}})),
            ],
        );
        let c = cordon_of(&n);
        assert_eq!(
            c,
            Cordon::Theirs {
                stale: Some("alice at 2026-01-01T00:00:00Z".into())
            }
        );
        assert_eq!(c.stale(), Some("alice at 2026-01-01T00:00:00Z"));
        // uncordoned by kubectl: nobody's cordon, the annotation left behind
        let n = with(
            false,
            true,
            &[(FIELD_MANAGER, "", json!({"f:metadata": {}}))],
        );
        assert_eq!(
            cordon_of(&n),
            Cordon::NotCordoned {
                stale: Some("alice at 2026-01-01T00:00:00Z".into())
            }
        );
    }

    #[test]
    fn neither_the_annotation_alone_nor_the_field_alone_proves_it() {
        // managedFields stripped (or never recorded): no proof
        assert!(matches!(
            cordon_of(&with(true, true, &[])),
            Cordon::Theirs { stale: Some(_) }
        ));
        // the field owned but no annotation (removed by someone): not ours either
        assert_eq!(
            cordon_of(&with(true, false, &[(FIELD_MANAGER, "", drains())])),
            Cordon::Theirs { stale: None }
        );
        // a subresource entry of kubectl-sts's does not count
        assert!(matches!(
            cordon_of(&with(true, true, &[(FIELD_MANAGER, "status", drains())])),
            Cordon::Theirs { .. }
        ));
        assert_eq!(
            cordon_of(&with(false, false, &[])),
            Cordon::NotCordoned { stale: None }
        );
    }

    #[test]
    fn a_cordon_another_manager_co_owns_is_not_drains_alone() {
        // a server-side apply by another manager setting spec.unschedulable: true co-owns it
        let n = with(
            true,
            true,
            &[
                (FIELD_MANAGER, "", drains()),
                (
                    "node-maintenance",
                    "",
                    json!({"f:spec": {"f:unschedulable": {}}}),
                ),
            ],
        );
        let c = cordon_of(&n);
        assert_eq!(
            c,
            Cordon::Shared {
                by: "alice at 2026-01-01T00:00:00Z".into(),
                others: vec!["node-maintenance".into()]
            }
        );
        assert_eq!(
            c.stale(),
            None,
            "drain's annotation still says something true"
        );
        assert_eq!(
            unschedulable_owners(&n),
            [FIELD_MANAGER.to_string(), "node-maintenance".into()]
        );
        // another manager owning only other fields does not share the cordon
        let n = with(
            true,
            true,
            &[
                (FIELD_MANAGER, "", drains()),
                (
                    "node-maintenance",
                    "",
                    json!({"f:metadata": {"f:labels": {}}}),
                ),
            ],
        );
        assert!(matches!(cordon_of(&n), Cordon::Ours { .. }));
    }

    #[test]
    fn pods_disrupted_after_drains_cordon_are_named() {
        let at = cordoned_at("alice at 2026-01-01T00:00:00Z").unwrap();
        assert_eq!(at.to_string(), "2026-01-01T00:00:00Z");
        assert_eq!(cordoned_at("garbage"), None);
        let pod = |name: &str, cond: Option<(&str, &str)>| -> Pod {
            let mut p = json!({"metadata": {"name": name, "namespace": "db"}, "status": {}});
            if let Some((status, t)) = cond {
                p["status"]["conditions"] = json!([{"type": "DisruptionTarget", "status": status,
                    "reason": "EvictionByEvictionAPI", "lastTransitionTime": t}]);
            }
            serde_json::from_value(p).unwrap()
        };
        let pods = [
            pod("before", Some(("True", "2025-12-31T23:59:00Z"))),
            pod("after", Some(("True", "2026-01-01T00:05:00Z"))),
            pod("false", Some(("False", "2026-01-01T00:05:00Z"))),
            pod("none", None),
        ];
        assert_eq!(disrupted_since(&pods, at), ["db/after"]);
    }

    fn node(uid: &str, unschedulable: bool) -> Node {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "n1", "uid": uid},
            "spec": {"unschedulable": unschedulable},
        }))
        .unwrap()
    }

    #[test]
    fn a_status_write_does_not_stop_a_cordon_someone_elses_cordon_does() {
        assert_eq!(cordon_moved("u1", &node("u1", false)), None);
        assert_eq!(
            cordon_moved("u1", &node("u1", true)).as_deref(),
            Some("node n1 was cordoned by someone else meanwhile")
        );
        assert_eq!(
            cordon_moved("u1", &node("u2", false)).as_deref(),
            Some("node n1 was deleted and registered again")
        );
    }
}
