//! `resize-storage` as pure decisions: may a StatefulSet's volumes of one template grow to a
//! size, which claims need it, when is a claim done, and where does a run that was cut off
//! take up again.
//!
//! A volumeClaimTemplate cannot be changed (the API server's 422, golden `resize/` step 2;
//! kubernetes/kubernetes#68737). The recipe: grow every claim, then delete the set with
//! `propagationPolicy: Orphan` (its pods keep running, golden step 6) and create it again with
//! the bigger template (it adopts the pods and its ControllerRevision, the revision does not
//! change because it records only the pod template, golden step 7).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube_common::quantity;
use serde::Serialize;

use super::gate::{Blocker, BlockerCode};
use super::set::claim_ordinal;

/// One claim of the template, as the resize sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimFacts {
    pub name: String,
    pub ordinal: i64,
    #[serde(skip)]
    pub uid: String,
    #[serde(skip)]
    pub resource_version: String,
    pub phase: String,
    pub request: Option<String>,
    pub capacity: Option<String>,
    pub storage_class: Option<String>,
    /// Condition types (Resizing, FileSystemResizePending, ControllerResizeError…).
    pub conditions: Vec<String>,
    /// `allocatedResourceStatuses.storage` (ControllerResizeInProgress, NodeResizePending…).
    pub resize_status: Option<String>,
}

fn size_of(s: Option<&str>) -> Option<i128> {
    s.and_then(quantity::parse)
}

impl ClaimFacts {
    pub fn from_claim(set: &str, template: &str, c: &PersistentVolumeClaim) -> Option<ClaimFacts> {
        let name = c.metadata.name.clone()?;
        let ordinal = claim_ordinal(template, set, &name)?;
        let spec = c.spec.as_ref();
        let status = c.status.as_ref();
        Some(ClaimFacts {
            name,
            ordinal,
            uid: c.metadata.uid.clone().unwrap_or_default(),
            resource_version: c.metadata.resource_version.clone().unwrap_or_default(),
            phase: status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
            request: spec
                .and_then(|s| s.resources.as_ref()?.requests.as_ref()?.get("storage"))
                .map(|q| q.0.clone()),
            capacity: status
                .and_then(|s| s.capacity.as_ref()?.get("storage"))
                .map(|q| q.0.clone()),
            storage_class: spec.and_then(|s| s.storage_class_name.clone()),
            conditions: status
                .and_then(|s| s.conditions.as_ref())
                .map(|cs| cs.iter().map(|c| c.type_.clone()).collect())
                .unwrap_or_default(),
            resize_status: status.and_then(|s| {
                s.allocated_resource_statuses
                    .as_ref()?
                    .get("storage")
                    .cloned()
            }),
        })
    }

    /// The claim's capacity has reached `size`; or, for a claim no pod mounts (retained above
    /// `replicas`), its volume has grown and only the file system waits for the next mount
    /// (`FileSystemResizePending` / `NodeResizePending`: the kubelet expands it then).
    pub fn done(&self, size: i128, mounted: bool) -> bool {
        size_of(self.capacity.as_deref()).is_some_and(|c| c >= size)
            || (!mounted && self.waits_for_mount())
    }

    /// The capacity, where it has not reached `size` yet (a claim not mounted grows when its
    /// pod mounts it): the words name both so a report never says "at 20Gi" of 15Gi.
    pub fn short_of(&self, size: i128) -> Option<&str> {
        let cap = self.capacity.as_deref()?;
        (size_of(Some(cap))? < size).then_some(cap)
    }

    pub fn waits_for_mount(&self) -> bool {
        self.resize_status.as_deref() == Some("NodeResizePending")
            || self
                .conditions
                .iter()
                .any(|c| c == "FileSystemResizePending")
    }

    /// Its request is below `size`: it must be patched.
    pub fn needs_patch(&self, size: i128) -> bool {
        size_of(self.request.as_deref()).is_none_or(|r| r < size)
    }

    /// A resizer has failed on it (kubernetes-csi external-resizer: `ControllerResizeError`,
    /// `NodeResizeError`; KEP-1790's `…Infeasible` statuses).
    pub fn failing(&self) -> Option<String> {
        let cond = self
            .conditions
            .iter()
            .find(|c| c.ends_with("ResizeError"))
            .cloned();
        let status = self
            .resize_status
            .clone()
            .filter(|s| s.ends_with("Infeasible"));
        cond.or(status)
    }

    /// Any sign that something acts on its resize.
    pub fn progressing(&self) -> bool {
        !self.conditions.is_empty() || self.resize_status.is_some()
    }
}

/// The template's storage request in the set.
pub fn template_size(set: &StatefulSet, template: &str) -> Option<String> {
    set.spec
        .volume_claim_templates
        .iter()
        .flatten()
        .find(|t| t.metadata.name.as_deref() == Some(template))?
        .spec
        .as_ref()?
        .resources
        .as_ref()?
        .requests
        .as_ref()?
        .get("storage")
        .map(|q| q.0.clone())
}

/// Checks the command line against the set: the template exists and the size is a quantity
/// that grows it. Err is a usage error, in words.
pub fn check_request(set: &StatefulSet, template: &str, size: &str) -> Result<i128, String> {
    let names: Vec<&str> = set
        .spec
        .volume_claim_templates
        .iter()
        .flatten()
        .filter_map(|t| t.metadata.name.as_deref())
        .collect();
    if !names.contains(&template) {
        return Err(if names.is_empty() {
            format!(
                "statefulset {} has no volumeClaimTemplates: there is no storage to resize",
                set.metadata.name.as_deref().unwrap_or_default()
            )
        } else {
            format!(
                "statefulset {} has no volumeClaimTemplate {template:?} (it has: {})",
                set.metadata.name.as_deref().unwrap_or_default(),
                names.join(", ")
            )
        });
    }
    match quantity::parse(size) {
        Some(s) if s > 0 => Ok(s),
        Some(_) => Err(format!(
            "--size {size} is not positive: sizes are positive and a volume only grows (e.g. --size 5Gi)"
        )),
        None => Err(format!(
            "--size {size:?} is not a storage quantity (e.g. 5Gi, 500Mi, 10G)"
        )),
    }
}

/// A requested size as typed, and what it means when that is not plain to see
/// (`99999999Ei (95.4 YiB)`, `2147483648 (2 GiB)`).
pub fn size_words(size: &str) -> String {
    let Some(n) = quantity::parse(size) else {
        return size.to_string();
    };
    let human = quantity::human_bytes(n);
    let plain = human.replace(' ', "").replace("iB", "i");
    if plain == size {
        size.to_string()
    } else {
        format!("{size} ({human})")
    }
}

/// Growth beyond this factor of the current size needs --allow-large-growth (one constant with
/// check's suggested sizes).
pub use super::usage::LARGE_GROWTH;

/// Who else would re-create this set from a copy of their own after the orphan delete — with
/// the old size, or in a race with ours: its controller (an `ownerReference` with
/// `controller: true`: an operator), Argo CD (its instance label or tracking annotation), Flux
/// (the labels of a Kustomization or a HelmRelease). None: nobody that we can see.
pub fn managed_by(set: &StatefulSet) -> Option<String> {
    let md = &set.metadata;
    if let Some(o) = md
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
    {
        return Some(format!(
            "its controller {} {} (an operator)",
            o.kind, o.name
        ));
    }
    let labels = md.labels.clone().unwrap_or_default();
    let annotations = md.annotations.clone().unwrap_or_default();
    if let Some(app) = labels.get("argocd.argoproj.io/instance") {
        return Some(format!("Argo CD (application {app})"));
    }
    if let Some(id) = annotations.get("argocd.argoproj.io/tracking-id") {
        let app = id.split(':').next().unwrap_or(id);
        return Some(format!("Argo CD (application {app})"));
    }
    let flux = |prefix: &str, what: &str| -> Option<String> {
        let name = labels.get(&format!("{prefix}/name"))?;
        let ns = labels
            .get(&format!("{prefix}/namespace"))
            .map(|n| format!("{n}/"))
            .unwrap_or_default();
        Some(format!("Flux ({what} {ns}{name})"))
    };
    flux("kustomize.toolkit.fluxcd.io", "Kustomization")
        .or_else(|| flux("helm.toolkit.fluxcd.io", "HelmRelease"))
        .or_else(|| {
            labels
                .keys()
                .chain(annotations.keys())
                .find(|k| {
                    k.starts_with("kustomize.toolkit.fluxcd.io/")
                        || k.starts_with("helm.toolkit.fluxcd.io/")
                })
                .map(|k| format!("Flux ({k})"))
        })
}

/// "3 claim(s) request 20Gi", and the capacity of those that do not have it yet.
pub fn claims_words(claims: &[ClaimFacts], size: i128, size_text: &str) -> String {
    let short: Vec<String> = claims
        .iter()
        .filter_map(|c| Some(format!("{} {}", c.name, c.short_of(size)?)))
        .collect();
    let mut words = format!("{} claim(s) request {size_text}", claims.len());
    if !short.is_empty() {
        words.push_str(&format!(
            " (capacity still {}: it grows when the pod mounts the claim)",
            short.join(", ")
        ));
    }
    words
}

/// Why the orphan delete must not happen now, on the set read right before it against the
/// set as confirmed: replaced, being deleted by someone else, or its spec changed meanwhile.
pub fn orphan_delete_refusal(confirmed: &StatefulSet, now: &StatefulSet) -> Option<String> {
    let name = now.metadata.name.as_deref().unwrap_or_default();
    if now.metadata.uid != confirmed.metadata.uid {
        return Some(format!(
            "statefulset {name} was replaced since it was confirmed (uid {} now)",
            now.metadata.uid.as_deref().unwrap_or("?")
        ));
    }
    if now.metadata.deletion_timestamp.is_some() {
        return Some(format!(
            "statefulset {name} is already being deleted by someone else"
        ));
    }
    let (was, is) = (
        confirmed.metadata.generation.unwrap_or(0),
        now.metadata.generation.unwrap_or(0),
    );
    if was != is {
        return Some(format!(
            "the spec of statefulset {name} changed since it was confirmed (generation {was} → {is}): someone else is changing it"
        ));
    }
    None
}

/// Everything the preflight needs besides the claims.
pub struct Preflight<'a> {
    pub template_size: Option<&'a str>,
    pub size: i128,
    pub size_text: &'a str,
    /// StorageClass → allowVolumeExpansion (a class that does not exist is absent).
    pub classes: &'a BTreeMap<String, bool>,
    /// The set's own guards: pods Ready and available, no rollout, controller caught up.
    pub set_blockers: Vec<Blocker>,
    /// --allow-large-growth: more than [`LARGE_GROWTH`] times the current size is meant.
    pub allow_large_growth: bool,
    /// [`managed_by`] of the set, unless --allow-managed says its source was changed too.
    pub managed: Option<String>,
}

/// May the resize start? Nothing is written when this is not empty.
pub fn preflight(p: &Preflight<'_>, claims: &[ClaimFacts]) -> Vec<Blocker> {
    let mut out = Vec::new();
    if size_of(p.template_size).is_some_and(|t| p.size <= t) {
        out.push(Blocker::new(
            BlockerCode::SizeNotLarger,
            format!(
                "the template requests {} already; the size only grows (got {})",
                p.template_size.unwrap_or("?"),
                p.size_text
            ),
        ));
    }
    if let Some(who) = p.managed.as_deref() {
        out.push(Blocker::new(
            BlockerCode::ManagedSet,
            format!(
                "the set is managed by {who}, which re-creates it from its own copy when it is deleted — with the old size, or racing this command's create; change the size in that source first, then pass --allow-managed"
            ),
        ));
    }
    // the current size: the template's, or the largest claim's request where it has none
    let current = size_of(p.template_size).or_else(|| {
        claims
            .iter()
            .filter_map(|c| size_of(c.request.as_deref()))
            .max()
    });
    if let Some(cur) = current.filter(|c| *c > 0) {
        if !p.allow_large_growth && p.size > cur.saturating_mul(LARGE_GROWTH) {
            out.push(Blocker::new(
                BlockerCode::LargeGrowth,
                format!(
                    "{} is more than {LARGE_GROWTH}× the current {}: a claim never shrinks again; pass --allow-large-growth if that is meant",
                    size_words(p.size_text),
                    quantity::human_bytes(cur)
                ),
            ));
        }
    }
    for c in claims {
        if c.phase != "Bound" {
            out.push(Blocker::new(
                BlockerCode::ClaimNotBound,
                format!(
                    "claim {} is {}, not Bound: only a bound claim can grow",
                    c.name, c.phase
                ),
            ));
        }
        if let Some(f) = c.failing() {
            out.push(Blocker::new(
                BlockerCode::ResizeFailing,
                format!(
                    "claim {} has a failed resize ({f}): kubectl describe pvc {}",
                    c.name, c.name
                ),
            ));
        }
    }
    let mut refused: Vec<String> = claims
        .iter()
        .filter(|c| c.needs_patch(p.size))
        .filter_map(|c| {
            let class = c.storage_class.clone().unwrap_or_default();
            (!p.classes.get(&class).copied().unwrap_or(false)).then_some(class)
        })
        .collect();
    refused.sort();
    refused.dedup();
    for class in refused {
        let who: Vec<&str> = claims
            .iter()
            .filter(|c| c.storage_class.as_deref().unwrap_or_default() == class)
            .map(|c| c.name.as_str())
            .collect();
        out.push(Blocker::new(
            BlockerCode::ClassNotExpandable,
            if class.is_empty() {
                format!("claims {} have no storage class: they cannot be expanded", who.join(", "))
            } else if p.classes.contains_key(&class) {
                format!("storage class {class} does not allow volume expansion (allowVolumeExpansion is not true); its claims: {}", who.join(", "))
            } else {
                format!("storage class {class} of claims {} does not exist (or may not be read)", who.join(", "))
            },
        ));
    }
    out.extend(p.set_blockers.iter().cloned());
    out
}

/// Where a run starts, from what exists now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Resume {
    /// The set exists with the old size: from the start (claims already grown are skipped).
    Start,
    /// The set is being deleted (orphan): wait for it to go, then create it from the saved copy.
    AwaitDeletion,
    /// The set is gone and a saved copy exists: create it again from that copy.
    Recreate,
    /// The set already has the new size: only verify.
    Verify,
}

/// What a saved copy belongs to, written beside it (`<name>.record.json`) before the set is
/// deleted: the set it was (uid), the request that deleted it, the cluster it was read from.
/// A resume is refused when any of them differs, and a copy whose resize finished is never
/// used to create a set again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedRecord {
    pub set_uid: String,
    pub template: String,
    pub size: String,
    pub claims: Vec<String>,
    /// `kube-system uid …` where it may be read; otherwise the server URL and its CA's sha256.
    pub cluster: String,
    pub saved_at: String,
    /// The uid of the set this resize created again, once it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_uid: Option<String>,
    /// Verified: the copy is history, never a source for a create.
    #[serde(default)]
    pub complete: bool,
}

/// What this run asks for, to compare with a saved record.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub template: &'a str,
    pub size: i128,
    pub cluster: &'a str,
}

/// Where a run starts. `set`: the live object, if any; `saved`: the copy an earlier run saved
/// and its record (None: a copy without one, from an older version), if any. `Err("")`: not
/// found; `Err(why)`: refused, nothing may be written.
pub fn resume_point(
    set: Option<&StatefulSet>,
    saved: Option<(&StatefulSet, Option<&SavedRecord>)>,
    req: &Request,
) -> Result<Resume, String> {
    let size_in = |s: &StatefulSet| size_of(template_size(s, req.template).as_deref());
    let uid = |s: &StatefulSet| s.metadata.uid.clone().unwrap_or_default();
    let saved = match saved {
        Some((_, None)) => {
            return Err("the saved copy has no record of the resize it belongs to (an older version of kubectl-sts made it): check it, create the set from it by hand if it is still needed (kubectl create -f), or move it away".into())
        }
        Some((copy, Some(r))) => Some((copy, r)),
        None => None,
    };
    let Some((_, record)) = saved.filter(|(_, r)| !r.complete) else {
        // nothing unfinished: a fresh start, or only a verification of a finished resize
        return match (set, saved) {
            (Some(s), Some((_, r)))
                if r.created_uid.as_deref() == Some(uid(s).as_str())
                    && size_in(s).is_some_and(|t| t >= req.size) =>
            {
                Ok(Resume::Verify)
            }
            (Some(s), _) if s.metadata.deletion_timestamp.is_some() => Err("the statefulset is being deleted and no unfinished resize of it was saved here: it cannot be re-created by this command".into()),
            (Some(_), _) => Ok(Resume::Start),
            (None, _) => Err(String::new()),
        };
    };
    if record.cluster != req.cluster {
        return Err(format!(
            "the saved copy was made on another cluster ({}), not this one ({}): it is not used here",
            record.cluster, req.cluster
        ));
    }
    if record.template != req.template || size_of(Some(&record.size)) != Some(req.size) {
        return Err(format!(
            "an unfinished resize of {} to {} (claims {}) was saved on {}: finish that one first (--template {} --size {}), or move the saved copy away",
            record.template,
            record.size,
            record.claims.join(", "),
            record.saved_at,
            record.template,
            record.size
        ));
    }
    match set {
        Some(s) if uid(s) == record.set_uid => {
            if s.metadata.deletion_timestamp.is_some() {
                Ok(Resume::AwaitDeletion)
            } else {
                // saved, but never deleted: start again (the copy is written anew)
                Ok(Resume::Start)
            }
        }
        Some(s) if record.created_uid.as_deref() == Some(uid(s).as_str()) => Ok(Resume::Verify),
        Some(s) => Err(format!(
            "a statefulset of that name exists again with another uid ({}, created {}), not the one saved (uid {}): the saved copy is not used",
            uid(s),
            s.metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.to_string())
                .unwrap_or_else(|| "?".into()),
            record.set_uid
        )),
        None if record.created_uid.is_some() => Err(format!(
            "the set this resize created again (uid {}) has been deleted since: the saved copy is not used to create it once more",
            record.created_uid.as_deref().unwrap_or_default()
        )),
        None => Ok(Resume::Recreate),
    }
}

/// The object to create again: the saved set as it was, without what the server owns, its
/// template's claims at the new size.
pub fn recreated(saved: &StatefulSet, template: &str, size: &str) -> StatefulSet {
    let mut s = saved.clone();
    let m = &mut s.metadata;
    m.uid = None;
    m.resource_version = None;
    m.creation_timestamp = None;
    m.deletion_timestamp = None;
    m.deletion_grace_period_seconds = None;
    m.generation = None;
    m.managed_fields = None;
    m.finalizers = None;
    m.self_link = None;
    s.status = None;
    for t in s.spec.volume_claim_templates.iter_mut().flatten() {
        if t.metadata.name.as_deref() == Some(template) {
            let spec = t.spec.get_or_insert_with(Default::default);
            let res = spec.resources.get_or_insert_with(Default::default);
            res.requests.get_or_insert_with(Default::default).insert(
                "storage".into(),
                k8s_openapi::apimachinery::pkg::api::resource::Quantity(size.into()),
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(size: &str) -> StatefulSet {
        serde_json::from_value(json!({
            "metadata": {"name": "web", "uid": "u1", "resourceVersion": "9", "generation": 3,
                "managedFields": [{"manager": "kubectl"}]},
            "spec": {"selector": {}, "serviceName": "web", "template": {},
                "volumeClaimTemplates": [
                    {"metadata": {"name": "www"}, "spec": {"resources": {"requests": {"storage": size}}}},
                    {"metadata": {"name": "logs"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}]},
            "status": {"replicas": 3}
        }))
        .unwrap()
    }

    fn codes_of(b: &[Blocker]) -> Vec<BlockerCode> {
        b.iter().map(|b| b.code).collect()
    }

    #[test]
    fn a_set_someone_else_recreates_is_managed() {
        let with = |md: serde_json::Value| {
            let mut s = set("1Gi");
            let mut m = serde_json::to_value(&s.metadata).unwrap();
            m.as_object_mut()
                .unwrap()
                .extend(md.as_object().unwrap().clone());
            s.metadata = serde_json::from_value(m).unwrap();
            s
        };
        assert_eq!(managed_by(&set("1Gi")), None);
        assert_eq!(
            managed_by(&with(
                json!({"ownerReferences": [{"apiVersion": "db.example.com/v1",
                "kind": "Cluster", "name": "pg", "uid": "x", "controller": true}]})
            )),
            Some("its controller Cluster pg (an operator)".into())
        );
        // an owner that is not the controller re-creates nothing
        assert_eq!(
            managed_by(&with(json!({"ownerReferences": [{"apiVersion": "v1",
                "kind": "ConfigMap", "name": "c", "uid": "x"}]}))),
            None
        );
        assert_eq!(
            managed_by(&with(
                json!({"labels": {"argocd.argoproj.io/instance": "db"}})
            )),
            Some("Argo CD (application db)".into())
        );
        assert_eq!(
            managed_by(&with(
                json!({"annotations": {"argocd.argoproj.io/tracking-id": "db:apps/StatefulSet:ns/web"}})
            )),
            Some("Argo CD (application db)".into())
        );
        assert_eq!(
            managed_by(&with(
                json!({"labels": {"kustomize.toolkit.fluxcd.io/name": "apps",
                "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}})
            )),
            Some("Flux (Kustomization flux-system/apps)".into())
        );
        assert_eq!(
            managed_by(&with(
                json!({"labels": {"helm.toolkit.fluxcd.io/name": "pg"}})
            )),
            Some("Flux (HelmRelease pg)".into())
        );
        assert_eq!(
            managed_by(&with(
                json!({"labels": {"app.kubernetes.io/managed-by": "Helm"}})
            )),
            None
        );
    }

    #[test]
    fn the_orphan_delete_reproves_its_premise() {
        let confirmed = set("1Gi");
        assert_eq!(orphan_delete_refusal(&confirmed, &confirmed), None);
        // status writes change the resourceVersion, not the premise
        let mut now = confirmed.clone();
        now.metadata.resource_version = Some("10".into());
        assert_eq!(orphan_delete_refusal(&confirmed, &now), None);
        let mut now = confirmed.clone();
        now.metadata.generation = Some(4);
        assert!(orphan_delete_refusal(&confirmed, &now)
            .unwrap()
            .contains("generation 3 → 4"));
        let mut now = confirmed.clone();
        now.metadata.deletion_timestamp = Some(
            k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(jiff::Timestamp::UNIX_EPOCH),
        );
        assert!(orphan_delete_refusal(&confirmed, &now)
            .unwrap()
            .contains("already being deleted"));
        let mut now = confirmed.clone();
        now.metadata.uid = Some("u2".into());
        assert!(orphan_delete_refusal(&confirmed, &now)
            .unwrap()
            .contains("replaced"));
    }

    #[test]
    fn size_words_say_what_a_quantity_means() {
        assert_eq!(size_words("2Gi"), "2Gi");
        assert_eq!(size_words("2147483648"), "2147483648 (2 GiB)");
        assert_eq!(size_words("1.5Gi"), "1.5Gi");
        assert_eq!(size_words("99999999Ei"), "99999999Ei (95.4 YiB)");
    }

    fn claim(name: &str, request: &str, capacity: &str, class: &str) -> ClaimFacts {
        ClaimFacts {
            name: name.into(),
            ordinal: 0,
            uid: "c".into(),
            resource_version: "1".into(),
            phase: "Bound".into(),
            request: Some(request.into()),
            capacity: Some(capacity.into()),
            storage_class: Some(class.into()),
            conditions: vec![],
            resize_status: None,
        }
    }

    #[test]
    fn the_request_is_checked_against_the_set() {
        let s = set("1Gi");
        assert_eq!(check_request(&s, "www", "5Gi"), Ok(5 << 30));
        assert!(check_request(&s, "data", "5Gi")
            .unwrap_err()
            .contains("no volumeClaimTemplate \"data\" (it has: www, logs)"));
        assert!(check_request(&s, "www", "five")
            .unwrap_err()
            .contains("not a storage quantity"));
        assert!(check_request(&s, "www", "0").is_err());
        assert!(check_request(&s, "www", "-1Gi")
            .unwrap_err()
            .contains("sizes are positive"));
    }

    #[test]
    fn preflight_refuses_what_cannot_grow() {
        let classes: BTreeMap<String, bool> = [
            ("network".to_string(), true),
            ("local-path".to_string(), false),
        ]
        .into();
        let p = |template: Option<&'static str>, size: &'static str| Preflight {
            template_size: template,
            size: quantity::parse(size).unwrap(),
            size_text: size,
            classes: &classes,
            set_blockers: vec![],
            allow_large_growth: false,
            managed: None,
        };
        let ok = [claim("www-web-0", "1Gi", "1Gi", "network")];
        assert!(preflight(&p(Some("1Gi"), "5Gi"), &ok).is_empty());
        // ten times is fine, more needs --allow-large-growth (the template, else the claims)
        assert!(preflight(&p(Some("1Gi"), "10Gi"), &ok).is_empty());
        let b = preflight(&p(Some("1Gi"), "99999999Ei"), &ok);
        assert_eq!(codes_of(&b), [BlockerCode::LargeGrowth]);
        assert!(
            b[0].message
                .contains("99999999Ei (95.4 YiB) is more than 10× the current 1 GiB"),
            "{}",
            b[0].message
        );
        assert_eq!(
            codes_of(&preflight(&p(None, "11Gi"), &ok)),
            [BlockerCode::LargeGrowth]
        );
        let allowed = Preflight {
            allow_large_growth: true,
            ..p(Some("1Gi"), "11Gi")
        };
        assert!(preflight(&allowed, &ok).is_empty());
        let managed = Preflight {
            managed: Some("Argo CD (application db)".into()),
            ..p(Some("1Gi"), "2Gi")
        };
        let b = preflight(&managed, &ok);
        assert_eq!(codes_of(&b), [BlockerCode::ManagedSet]);
        assert!(b[0].message.contains("--allow-managed"), "{}", b[0].message);
        let codes = |b: Vec<Blocker>| b.into_iter().map(|b| b.code).collect::<Vec<_>>();
        assert_eq!(
            codes(preflight(&p(Some("5Gi"), "5Gi"), &ok)),
            [BlockerCode::SizeNotLarger]
        );
        assert_eq!(
            codes(preflight(&p(Some("5Gi"), "1Gi"), &ok)),
            [BlockerCode::SizeNotLarger]
        );
        let local = [
            claim("www-web-0", "1Gi", "1Gi", "local-path"),
            claim("www-web-1", "1Gi", "1Gi", "local-path"),
        ];
        let b = preflight(&p(Some("1Gi"), "5Gi"), &local);
        assert_eq!(codes(b.clone()), [BlockerCode::ClassNotExpandable]);
        assert!(b[0]
            .message
            .contains("storage class local-path does not allow volume expansion"));
        assert!(b[0].message.contains("www-web-0, www-web-1"));
        let missing = [claim("www-web-0", "1Gi", "1Gi", "gone")];
        assert!(preflight(&p(Some("1Gi"), "5Gi"), &missing)[0]
            .message
            .contains("does not exist"));
        // a claim already at the size needs no patch, whatever its class
        let grown = [claim("www-web-0", "5Gi", "5Gi", "local-path")];
        assert!(preflight(&p(Some("1Gi"), "5Gi"), &grown).is_empty());
        let mut pending = claim("www-web-0", "1Gi", "1Gi", "network");
        pending.phase = "Pending".into();
        assert_eq!(
            codes(preflight(&p(Some("1Gi"), "5Gi"), &[pending])),
            [BlockerCode::ClaimNotBound]
        );
        let mut failed = claim("www-web-0", "2Gi", "1Gi", "network");
        failed.conditions = vec!["ControllerResizeError".into()];
        assert_eq!(
            codes(preflight(&p(Some("1Gi"), "5Gi"), &[failed])),
            [BlockerCode::ResizeFailing]
        );
        let mut infeasible = claim("www-web-0", "2Gi", "1Gi", "network");
        infeasible.resize_status = Some("ControllerResizeInfeasible".into());
        assert_eq!(
            infeasible.failing().as_deref(),
            Some("ControllerResizeInfeasible")
        );
        // the set's own guards come along
        let mut with_set = p(Some("1Gi"), "5Gi");
        with_set.set_blockers = vec![Blocker::new(
            BlockerCode::PodNotReady,
            "web-1 is not Ready".into(),
        )];
        assert_eq!(codes(preflight(&with_set, &ok)), [BlockerCode::PodNotReady]);
    }

    #[test]
    fn claims_done_and_to_patch() {
        let size = quantity::parse("2Gi").unwrap();
        let c = claim("a", "1Gi", "1Gi", "n");
        assert!(c.needs_patch(size) && !c.done(size, true) && !c.progressing());
        let c = claim("a", "2Gi", "1Gi", "n");
        assert!(!c.needs_patch(size) && !c.done(size, true));
        let c = claim("a", "2Gi", "2Gi", "n");
        assert!(c.done(size, true));
        let c = claim("a", "3Gi", "3Gi", "n");
        assert!(c.done(size, true) && !c.needs_patch(size));
        // grown at the controller, the file system waits for a mount: done only if none mounts it
        let mut c = claim("a", "2Gi", "1Gi", "n");
        c.conditions = vec!["FileSystemResizePending".into()];
        c.resize_status = Some("NodeResizePending".into());
        assert!(c.progressing() && c.done(size, false) && !c.done(size, true));
    }

    fn with_uid(mut s: StatefulSet, uid: &str) -> StatefulSet {
        s.metadata.uid = Some(uid.into());
        s
    }

    fn record(uid: &str) -> SavedRecord {
        SavedRecord {
            set_uid: uid.into(),
            template: "www".into(),
            size: "5Gi".into(),
            claims: vec!["www-web-0".into()],
            cluster: "kube-system uid k".into(),
            saved_at: "2026-01-01T00:00:00Z".into(),
            created_uid: None,
            complete: false,
        }
    }

    #[test]
    fn a_run_resumes_where_the_last_one_stopped() {
        let size = quantity::parse("5Gi").unwrap();
        let req = Request {
            template: "www",
            size,
            cluster: "kube-system uid k",
        };
        let old = with_uid(set("1Gi"), "a");
        let rec = record("a");
        let saved = Some((&old, Some(&rec)));
        assert_eq!(resume_point(Some(&old), None, &req), Ok(Resume::Start));
        // saved but not deleted: start again
        assert_eq!(resume_point(Some(&old), saved, &req), Ok(Resume::Start));
        assert_eq!(resume_point(None, saved, &req), Ok(Resume::Recreate));
        assert_eq!(resume_point(None, None, &req), Err(String::new()));
        let mut deleting = old.clone();
        deleting.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                "2026-01-01T00:00:00Z".parse().unwrap(),
            ));
        assert_eq!(
            resume_point(Some(&deleting), saved, &req),
            Ok(Resume::AwaitDeletion)
        );
        assert!(resume_point(Some(&deleting), None, &req).is_err());
        // created again by an earlier run: only verified
        let created = with_uid(set("5Gi"), "b");
        let rec_created = SavedRecord {
            created_uid: Some("b".into()),
            ..rec.clone()
        };
        assert_eq!(
            resume_point(Some(&created), Some((&old, Some(&rec_created))), &req),
            Ok(Resume::Verify)
        );
        // ... and once verified, still only verified; never created again when gone
        let done = SavedRecord {
            complete: true,
            ..rec_created.clone()
        };
        assert_eq!(
            resume_point(Some(&created), Some((&old, Some(&done))), &req),
            Ok(Resume::Verify)
        );
        assert_eq!(
            resume_point(None, Some((&old, Some(&done))), &req),
            Err(String::new())
        );
        let e = resume_point(None, Some((&old, Some(&rec_created))), &req).unwrap_err();
        assert!(e.contains("has been deleted since"), "{e}");
        // the size is already there and no earlier run made it so: the preflight refuses
        assert_eq!(
            resume_point(Some(&with_uid(set("5Gi"), "c")), None, &req),
            Ok(Resume::Start)
        );
    }

    #[test]
    fn a_saved_copy_is_used_only_for_its_own_set_request_and_cluster() {
        let size = quantity::parse("5Gi").unwrap();
        let req = Request {
            template: "www",
            size,
            cluster: "kube-system uid k",
        };
        let old = with_uid(set("1Gi"), "a");
        let rec = record("a");
        // another set of that name now
        let other = with_uid(set("1Gi"), "z");
        let e = resume_point(Some(&other), Some((&old, Some(&rec))), &req).unwrap_err();
        assert!(e.contains("exists again with another uid (z"), "{e}");
        // another size or template
        let smaller = Request {
            size: quantity::parse("2Gi").unwrap(),
            ..req
        };
        let e = resume_point(None, Some((&old, Some(&rec))), &smaller).unwrap_err();
        assert!(e.contains("an unfinished resize of www to 5Gi"), "{e}");
        // another cluster
        let elsewhere = Request {
            cluster: "kube-system uid other",
            ..req
        };
        let e = resume_point(None, Some((&old, Some(&rec))), &elsewhere).unwrap_err();
        assert!(e.contains("another cluster"), "{e}");
        // a copy without a record
        let e = resume_point(None, Some((&old, None)), &req).unwrap_err();
        assert!(e.contains("has no record"), "{e}");
    }

    #[test]
    fn the_recreated_set_is_the_saved_one_with_the_new_size() {
        let r = recreated(&set("1Gi"), "www", "5Gi");
        assert_eq!(r.metadata.uid, None);
        assert_eq!(r.metadata.resource_version, None);
        assert_eq!(r.metadata.managed_fields, None);
        assert!(r.status.is_none());
        assert_eq!(template_size(&r, "www").as_deref(), Some("5Gi"));
        assert_eq!(
            template_size(&r, "logs").as_deref(),
            Some("1Gi"),
            "other templates kept"
        );
        assert_eq!(r.spec.service_name.as_deref(), Some("web"));
    }

    #[test]
    fn claims_words_name_a_capacity_short_of_the_request() {
        let claim = |name: &str, cap: &str| ClaimFacts {
            name: name.into(),
            ordinal: 0,
            uid: String::new(),
            resource_version: String::new(),
            phase: "Bound".into(),
            request: Some("20Gi".into()),
            capacity: Some(cap.into()),
            storage_class: None,
            conditions: vec![],
            resize_status: None,
        };
        let gi = 1i128 << 30;
        assert_eq!(
            claims_words(&[claim("www-a-0", "20Gi")], 20 * gi, "20Gi"),
            "1 claim(s) request 20Gi"
        );
        assert_eq!(
            claims_words(&[claim("www-a-0", "20Gi"), claim("www-a-1", "15Gi")], 20 * gi, "20Gi"),
            "2 claim(s) request 20Gi (capacity still www-a-1 15Gi: it grows when the pod mounts the claim)"
        );
    }
}
