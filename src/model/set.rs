//! What a StatefulSet *is*, read off its objects: the ordinal of a pod and of a claim by
//! name, which pods and volumes are the set's, what controls a pod, the controller's own
//! `storageMatches` rule, and the names this tool and the controller write (annotations,
//! labels).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolume, Pod};

/// The set's first ordinal: `spec.ordinals.start`, 0 when unset (StatefulSetStartOrdinal, GA
/// in 1.31).
pub fn start_ordinal(set: &StatefulSet) -> i64 {
    set.spec
        .ordinals
        .as_ref()
        .and_then(|o| o.start)
        .unwrap_or(0) as i64
}

/// `<pod>-<n>` ordinal for pods of `set` (StatefulSet naming: the suffix after the set's name).
pub fn ordinal_of(set: &str, pod: &str) -> Option<i64> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.is_empty()
        || !rest.bytes().all(|b| b.is_ascii_digit())
        || (rest.len() > 1 && rest.starts_with('0'))
    {
        return None;
    }
    rest.parse().ok()
}

/// The set's pods by ordinal: named `<set>-<n>` and not controlled by another
/// controller (pods with another controller are not this set's, whatever their name).
pub fn set_pods<'a>(
    set: &StatefulSet,
    pods: impl IntoIterator<Item = &'a Pod>,
) -> BTreeMap<i64, &'a Pod> {
    let name = set.metadata.name.as_deref().unwrap_or_default();
    let uid = set.metadata.uid.as_deref().unwrap_or_default();
    pods.into_iter()
        .filter(|p| {
            p.metadata.owner_references.as_ref().is_none_or(|refs| {
                refs.iter()
                    .all(|r| r.controller != Some(true) || r.uid == uid)
            })
        })
        .filter_map(|p| Some((ordinal_of(name, p.metadata.name.as_deref()?)?, p)))
        .collect()
}

/// For claims: `<template>-<set>-<n>` → n (by name, never by labels: labels match other sets too).
pub fn claim_ordinal(template: &str, set: &str, claim: &str) -> Option<i64> {
    ordinal_of(&format!("{template}-{set}"), claim)
}

/// Whether a claim is one of `set`'s by the naming rule (`<template>-<set>-<ordinal>` for any
/// of its templates), whatever its labels.
pub fn claim_of_set(
    set: &StatefulSet,
    claim: &k8s_openapi::api::core::v1::PersistentVolumeClaim,
) -> bool {
    claim
        .metadata
        .name
        .as_deref()
        .is_some_and(|c| claim_named_for_set(set, c))
}

/// [`claim_of_set`] by the claim's name.
pub fn claim_named_for_set(set: &StatefulSet, claim: &str) -> bool {
    let Some(name) = set.metadata.name.as_deref() else {
        return false;
    };
    set.spec
        .volume_claim_templates
        .iter()
        .flatten()
        .filter_map(|t| t.metadata.name.as_deref())
        .any(|t| claim_ordinal(t, name, claim).is_some())
}

/// Whether a PersistentVolume is bound to one of `set`'s claims (by the claim naming rule of
/// [`claim_ordinal`], in the set's namespace): the only volumes a single set's join reads.
pub fn bound_to_set(pv: &PersistentVolume, set: &StatefulSet) -> bool {
    let (Some(ns), Some(name)) = (
        set.metadata.namespace.as_deref(),
        set.metadata.name.as_deref(),
    ) else {
        return false;
    };
    let Some(claim) = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) else {
        return false;
    };
    claim.namespace.as_deref() == Some(ns)
        && set
            .spec
            .volume_claim_templates
            .iter()
            .flatten()
            .filter_map(|t| t.metadata.name.as_deref())
            .any(|t| {
                claim
                    .name
                    .as_deref()
                    .and_then(|c| claim_ordinal(t, name, c))
                    .is_some()
            })
}

/// Whether one of these pods may wait for a volume attached where this read did not look: a
/// pod not yet running on a node (unscheduled, or Pending there) whose CSI volume has no live
/// attachment to its own node. The node it left may still hold it (Multi-Attach, a dead node):
/// the one question about a set's volumes whose answer may be anywhere in the cluster.
pub fn attachment_sought(
    pods: &[Pod],
    claims: &[super::Claim],
    volumes: &[super::Volume],
    found: &[super::Attachment],
) -> bool {
    pods.iter().any(|p| {
        let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
        let pending = p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Pending");
        if node.is_some() && !pending {
            return false;
        }
        let claim_names = p
            .spec
            .iter()
            .flat_map(|s| s.volumes.iter().flatten())
            .filter_map(|v| v.persistent_volume_claim.as_ref())
            .map(|c| c.claim_name.as_str());
        claim_names
            .filter_map(|c| claims.iter().find(|x| x.name == c)?.volume_name.as_deref())
            .filter_map(|pv| volumes.iter().find(|v| v.name == pv))
            .filter(|v| matches!(v.attach, super::AttachId::Csi { .. }))
            .any(|v| {
                !found.iter().any(|a| {
                    a.volume.as_deref() == Some(v.name.as_str())
                        && Some(a.node.as_str()) == node
                        && a.attached
                        && !a.deleting
                })
            })
    })
}

/// The annotation drain puts on a node it cordons: who and when (so `uncordon` undoes only
/// its own cordon).
pub const CORDONED_BY: &str = "kubectl-sts.io/cordoned-by";

/// The revision label the StatefulSet controller puts on every pod.
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// The StatefulSet that controls the pod, if one does.
pub fn owning_statefulset(pod: &Pod) -> Option<String> {
    pod.metadata
        .owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true) && r.kind == "StatefulSet")
        .map(|r| r.name.clone())
}

/// `Kind/name` of the pod's controller, if it has one.
pub fn owning_controller(pod: &Pod) -> Option<String> {
    pod.metadata
        .owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true))
        .map(|r| format!("{}/{}", r.kind, r.name))
}

/// The claim templates whose volume `pod` (ordinal `ordinal` of `set`) lacks: a volume of the
/// template's name that is a claim named `<template>-<set>-<ordinal>` (`storageMatches`). Empty:
/// the controller leaves the pod as it is.
pub fn missing_volumes(set: &StatefulSet, ordinal: i64, pod: &Pod) -> Vec<String> {
    let set_name = set.metadata.name.as_deref().unwrap_or_default();
    let volumes = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or_default();
    set.spec
        .volume_claim_templates
        .iter()
        .flatten()
        .filter_map(|t| t.metadata.name.as_deref())
        .filter(|t| {
            let claim = format!("{t}-{set_name}-{ordinal}");
            !volumes.iter().any(|v| {
                v.name == *t
                    && v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|c| c.claim_name == claim)
            })
        })
        .map(str::to_string)
        .collect()
}
