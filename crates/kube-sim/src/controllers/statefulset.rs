//! The StatefulSet controller, following `pkg/controller/statefulset`:
//! `stateful_set_control.go` (updateStatefulSet: processReplica, processCondemned,
//! rolling update), `stateful_set_utils.go` (identity, storage, revisions) and
//! `stateful_pod_control.go` (PVCs before pods, retention ownerReferences).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{condition, deleting, name, namespace, uid, Controller};
use crate::registry::{parse_time, DeleteOpts};
use crate::selectors::LabelSelector;
use crate::store::Obj;
use crate::Sim;

#[derive(Default)]
pub struct StatefulSetController {
    /// Pods (by uid) whose in-place storage update failed: when it may be tried again.
    backoff: Backoff,
}

/// The workqueue's rate limiter for a sync that failed (`DefaultControllerRateLimiter`:
/// ItemExponentialFailureRateLimiter, 5 ms doubling up to 1000 s), kept per pod whose update
/// fails: without it the sim, which runs its controllers on every write, would retry the
/// refused update (and write its event) in a loop.
#[derive(Default)]
struct Backoff {
    /// pod uid → (next attempt, failures so far)
    until: HashMap<String, (Instant, u32)>,
    /// the uids failing in this pass (the others are forgotten after it)
    seen: Vec<String>,
}

impl Backoff {
    const BASE: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_secs(1000);

    fn waiting(&mut self, uid: &str) -> bool {
        self.seen.push(uid.to_string());
        self.until
            .get(uid)
            .is_some_and(|(next, _)| Instant::now() < *next)
    }

    fn failed(&mut self, uid: &str) {
        let e = self
            .until
            .entry(uid.to_string())
            .or_insert((Instant::now(), 0));
        let delay = Self::BASE
            .saturating_mul(1u32 << e.1.min(20))
            .min(Self::MAX);
        *e = (Instant::now() + delay, e.1 + 1);
    }

    /// Forget the pods not failing any more (replaced, or gone).
    fn end_pass(&mut self) {
        let seen = std::mem::take(&mut self.seen);
        self.until.retain(|uid, _| seen.contains(uid));
    }
}

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        "statefulset-controller"
    }
    fn reconcile(&mut self, sim: &Sim) {
        for set in sim.list_kind("StatefulSet", None) {
            if deleting(&set) {
                continue;
            }
            sync(sim, &set, &mut self.backoff);
        }
        self.backoff.end_pass();
    }
}

fn owned_by(o: &Value, owner_uid: &str) -> bool {
    o["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|a| {
            a.iter()
                .any(|r| r["uid"] == owner_uid && r["controller"] == true)
        })
}

/// `getOrdinal`: the number after the last '-' of `<set>-<n>`, if the name has the parent's prefix.
pub fn ordinal(set_name: &str, pod_name: &str) -> Option<i64> {
    let rest = pod_name.strip_prefix(set_name)?.strip_prefix('-')?;
    if rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

fn is_running_and_ready(p: &Value) -> bool {
    p["status"]["phase"] == "Running"
        && condition(p, "Ready").is_some_and(|c| c["status"] == "True")
}

/// podutil.IsPodAvailable: Ready for at least minReadySeconds.
pub fn is_available(p: &Value, min_ready: i64, now: jiff::Timestamp) -> bool {
    if !is_running_and_ready(p) {
        return false;
    }
    if min_ready == 0 {
        return true;
    }
    let since = condition(p, "Ready")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(parse_time);
    since.is_some_and(|t| now.duration_since(t).as_secs() >= min_ready)
}

fn is_failed_or_succeeded(p: &Value) -> bool {
    matches!(p["status"]["phase"].as_str(), Some("Failed" | "Succeeded"))
}

/// controller.ComputeHash's shape: FNV-32a of the template, encoded with
/// rand.SafeEncodeString (the bcdf... alphabet), e.g. `7d558464d5`.
fn revision_hash(data: &Value, collision: i64) -> String {
    let mut h: u32 = 0x811c9dc5;
    let text = format!("{data}{collision}");
    for b in text.as_bytes() {
        h ^= *b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|d| ALPHA[(d - b'0') as usize % ALPHA.len()] as char)
        .collect()
}

/// getPatch: the part of the set a revision records (the template, replaced wholesale).
fn revision_data(set: &Value) -> Value {
    let mut t = set["spec"]["template"].clone();
    t["$patch"] = json!("replace");
    json!({"spec": {"template": t}})
}

fn selector_labels(set: &Value) -> serde_json::Map<String, Value> {
    set["spec"]["selector"]["matchLabels"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn owner_ref(set: &Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "name": name(set), "uid": uid(set), "controller": true, "blockOwnerDeletion": true})
}

/// Finds or creates the ControllerRevision for the current template; returns (update, current) names.
fn revisions(sim: &Sim, set: &Value) -> (String, String) {
    let ns = namespace(set);
    let data = revision_data(set);
    let hash = revision_hash(&data, set["status"]["collisionCount"].as_i64().unwrap_or(0));
    let rev_name = format!("{}-{}", name(set), hash);
    let owned: Vec<Obj> = sim
        .list_kind("ControllerRevision", Some(ns))
        .into_iter()
        .filter(|r| owned_by(r, uid(set)))
        .collect();
    let max_rev = owned
        .iter()
        .filter_map(|r| r["revision"].as_i64())
        .max()
        .unwrap_or(0);
    // history.FindEqualRevisions: an existing revision with the same data is reused
    let rev_name = owned
        .iter()
        .find(|r| r["data"] == data)
        .map(|r| name(r).to_string())
        .unwrap_or(rev_name);
    match owned.iter().find(|r| name(r) == rev_name) {
        Some(r) => {
            // a rollback to an older template makes that revision the newest again
            if r["revision"].as_i64().unwrap_or(0) < max_rev {
                let _ = sim.merge_patch(
                    "ControllerRevision",
                    ns,
                    &rev_name,
                    &json!({"revision": max_rev + 1}),
                );
            }
        }
        None => {
            let mut labels = selector_labels(set);
            labels.insert("controller.kubernetes.io/hash".into(), json!(hash));
            let mut md = json!({"name": rev_name, "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(set)]});
            if let Some(a) = set["metadata"]["annotations"].as_object() {
                md["annotations"] = json!(a);
            }
            let _ = sim.create_kind(
                "ControllerRevision",
                ns,
                json!({"metadata": md, "data": data, "revision": max_rev + 1}),
            );
        }
    }
    let current = set["status"]["currentRevision"]
        .as_str()
        .filter(|s| !s.is_empty())
        .unwrap_or(&rev_name);
    (rev_name.clone(), current.to_string())
}

/// The pod spec for an ordinal at a revision (newVersionedStatefulSetPod).
fn new_pod(set: &Value, ord: i64, revision: &str, template: &Value) -> Value {
    let set_name = name(set);
    let pod_name = format!("{set_name}-{ord}");
    let mut labels = template["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    labels.insert(POD_NAME_LABEL.into(), json!(pod_name));
    labels.insert(POD_INDEX_LABEL.into(), json!(ord.to_string()));
    labels.insert(REVISION_LABEL.into(), json!(revision));
    let mut md = json!({
        "name": pod_name,
        "generateName": format!("{set_name}-"),
        "namespace": namespace(set),
        "labels": labels,
        "ownerReferences": [owner_ref(set)],
    });
    if let Some(a) = template["metadata"]["annotations"].as_object() {
        md["annotations"] = json!(a);
    }
    let mut spec = template["spec"].clone();
    // updateStorage: template volumes of the same name are replaced by the claims
    let all = with_claim_volumes(set, &spec, &pod_name);
    if !all.is_empty() {
        spec["volumes"] = json!(all);
    }
    // updateIdentity
    spec["hostname"] = json!(pod_name);
    if let Some(svc) = set["spec"]["serviceName"]
        .as_str()
        .filter(|s| !s.is_empty())
    {
        spec["subdomain"] = json!(svc);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec})
}

/// The claim volume of each template for the pod named `pod_name` (`getPersistentVolumeClaims`).
fn claim_volumes(set: &Value, pod_name: &str) -> Vec<Value> {
    set["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let tn = name(t);
            json!({"name": tn, "persistentVolumeClaim": {"claimName": format!("{tn}-{pod_name}")}})
        })
        .collect()
}

/// storageMatches (stateful_set_utils.go): for every claim template, the pod has a volume of
/// the template's name whose claim is `<template>-<pod>`.
fn storage_matches(set: &Value, pod: &Value) -> bool {
    let vols = pod["spec"]["volumes"].as_array();
    claim_volumes(set, name(pod)).iter().all(|want| {
        vols.into_iter().flatten().any(|v| {
            v["name"] == want["name"]
                && v["persistentVolumeClaim"]["claimName"]
                    == want["persistentVolumeClaim"]["claimName"]
        })
    })
}

/// updateStorage: the templates' claim volumes first, then the pod's other volumes (a volume
/// of a template's name is replaced by its claim).
fn with_claim_volumes(set: &Value, spec: &Value, pod_name: &str) -> Vec<Value> {
    let mut all = claim_volumes(set, pod_name);
    let names: Vec<Value> = all.iter().map(|c| c["name"].clone()).collect();
    all.extend(
        spec["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| !names.contains(&v["name"]))
            .cloned(),
    );
    all
}

/// retry.DefaultBackoff's steps: UpdateStatefulPod retries a conflict this many times.
const UPDATE_RETRIES: usize = 5;

/// UpdateStatefulPod (stateful_pod_control.go) for a pod that fails storageMatches: create its
/// missing claims, then update the pod in place with the claims' volumes. The API refuses that
/// update (ValidatePodUpdate: a pod's volumes cannot change), so on a real control plane this
/// never succeeds: the `FailedUpdate` event, and the sync ends here, every time (golden
/// `apply/add-claim-template*`). The real message goes on with a diff of the two pod specs in
/// Go's notation, which is not reproduced. True when the pod was updated.
fn update_storage(sim: &Sim, set: &Value, pod: &Value) -> bool {
    if !ensure_claims(sim, set, name(pod)) {
        return false;
    }
    let mut current = pod.clone();
    for _ in 0..UPDATE_RETRIES {
        let mut obj = current.clone();
        obj["spec"]["volumes"] = json!(with_claim_volumes(set, &current["spec"], name(pod)));
        match sim.update_kind("Pod", obj) {
            Ok(_) => {
                pod_event(sim, set, pod, "Update", None);
                return true;
            }
            // RetryOnConflict: read the pod again and retry
            Err(e) if e.code == 409 => match sim.get_kind("Pod", namespace(pod), name(pod)) {
                Some(p) => current = (*p).clone(),
                None => return false,
            },
            Err(e) => {
                pod_event(sim, set, pod, "Update", Some(e.message()));
                return false;
            }
        }
    }
    false
}

/// `update_storage` unless the pod's last failure is still backing off (then it fails as
/// before, without a request: the sync ends at it all the same).
fn retried_update(sim: &Sim, set: &Value, pod: &Value, backoff: &mut Backoff) -> bool {
    if backoff.waiting(uid(pod)) {
        return false;
    }
    let ok = update_storage(sim, set, pod);
    if !ok {
        backoff.failed(uid(pod));
    }
    ok
}

/// recordPodEvent: `SuccessfulUpdate`/`FailedUpdate` on the set. The verb is capitalised as
/// v1.36.2 writes it (golden `apply/add-claim-template-no-class.events.txt`: `Update Pod
/// flask-0 in StatefulSet flask failed error: …`).
fn pod_event(sim: &Sim, set: &Value, pod: &Value, verb: &str, err: Option<&str>) {
    let (ty, reason, message) = match err {
        None => (
            "Normal",
            format!("Successful{verb}"),
            format!(
                "{verb} Pod {} in StatefulSet {} successful",
                name(pod),
                name(set)
            ),
        ),
        Some(e) => (
            "Warning",
            format!("Failed{verb}"),
            format!(
                "{verb} Pod {} in StatefulSet {} failed error: {e}",
                name(pod),
                name(set)
            ),
        ),
    };
    sim.event(set, ty, &reason, &message, "statefulset-controller", None);
}

/// slowStartBatch (stateful_set_control.go), as a Parallel set's replicas are processed:
/// batches of 1, 2, 4, … (at most 500) pods; an error in a batch ends the sync after that
/// batch. The last index of the batch holding `index`.
fn batch_end(index: usize) -> usize {
    const MAX_BATCH: usize = 500;
    let (mut first, mut size) = (0, 1);
    loop {
        if index < first + size {
            return first + size - 1;
        }
        first += size;
        size = (size * 2).min(MAX_BATCH);
    }
}

/// The template a revision recorded (for pods that must stay at the current revision).
fn template_of(sim: &Sim, set: &Value, rev: &str) -> Value {
    match sim.get_kind("ControllerRevision", namespace(set), rev) {
        Some(r) => {
            let mut t = r["data"]["spec"]["template"].clone();
            if let Some(m) = t.as_object_mut() {
                m.remove("$patch");
            }
            t
        }
        None => set["spec"]["template"].clone(),
    }
}

/// createPersistentVolumeClaims: one claim per template, labelled with the selector.
///
/// Events (recordPodEvent, recordClaimEvent in stateful_pod_control.go) read as v1.36.2 wrote
/// them, the verb capitalised (`Create Claim www-flask-0 Pod flask-0 in StatefulSet flask
/// success`, `Create Pod flask-0 in StatefulSet flask successful`: golden
/// `apply/add-claim-template-no-class.events.txt`), though that source lower-cases it.
fn ensure_claims(sim: &Sim, set: &Value, pod_name: &str) -> bool {
    let ns = namespace(set);
    let when_deleted =
        set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] == "Delete";
    let mut ready = true;
    for t in set["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let claim = format!("{}-{pod_name}", name(t));
        match sim.get_kind("PersistentVolumeClaim", ns, &claim) {
            Some(pvc) => {
                if deleting(&pvc) {
                    // "pvc is being deleted": wait until it is gone, then recreate
                    ready = false;
                } else if when_deleted && !owned_by_uid(&pvc, uid(set)) {
                    add_owner(sim, &pvc, owner_ref(set));
                }
            }
            None => {
                let mut labels = selector_labels(set);
                if let Some(l) = t["metadata"]["labels"].as_object() {
                    labels.extend(l.clone());
                }
                let mut md = json!({"name": claim, "namespace": ns, "labels": labels});
                if let Some(a) = t["metadata"]["annotations"].as_object() {
                    md["annotations"] = json!(a);
                }
                let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": md, "spec": t["spec"].clone()});
                match sim.create_kind("PersistentVolumeClaim", ns, pvc) {
                    Ok(created) => {
                        sim.event(
                            set,
                            "Normal",
                            "SuccessfulCreate",
                            &format!(
                                "Create Claim {claim} Pod {pod_name} in StatefulSet {} success",
                                name(set)
                            ),
                            "statefulset-controller",
                            None,
                        );
                        // whenDeleted=Delete: created without an owner, then given the set as owner (golden variants)
                        if when_deleted {
                            add_owner(sim, &created, owner_ref(set));
                        }
                    }
                    Err(e) => {
                        sim.event(set, "Warning", "FailedCreate", &format!("Create Claim {claim} for Pod {pod_name} in StatefulSet {} failed error: {}", name(set), e.message()), "statefulset-controller", None);
                        ready = false;
                    }
                }
            }
        }
    }
    ready
}

/// updateClaimOwnerRefForSetAndPod, run for every replica: under whenDeleted=Delete the set
/// owns its pods' claims — also after it was re-created and adopted them (an orphan delete
/// took the old set's reference away).
fn retention_owners(sim: &Sim, set: &Value, pod_name: &str) {
    if set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] != "Delete" {
        return;
    }
    for t in set["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let claim = format!("{}-{pod_name}", name(t));
        if let Some(pvc) = sim.get_kind("PersistentVolumeClaim", namespace(set), &claim) {
            if !deleting(&pvc) && !owned_by_uid(&pvc, uid(set)) {
                add_owner(sim, &pvc, owner_ref(set));
            }
        }
    }
}

fn owned_by_uid(o: &Value, owner: &str) -> bool {
    o["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|a| a.iter().any(|r| r["uid"] == owner))
}

fn add_owner(sim: &Sim, o: &Value, r: Value) {
    let mut refs = o["metadata"]["ownerReferences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    refs.push(r);
    let _ = sim.merge_patch(
        o["kind"].as_str().unwrap_or("PersistentVolumeClaim"),
        namespace(o),
        name(o),
        &json!({"metadata": {"ownerReferences": refs}}),
    );
}

/// whenScaled=Delete: before a condemned pod goes, its claims get the pod as controller owner.
fn claim_condemned(sim: &Sim, set: &Value, pod: &Value) {
    if set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] != "Delete" {
        return;
    }
    for t in set["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let claim = format!("{}-{}", name(t), name(pod));
        if let Some(pvc) = sim.get_kind("PersistentVolumeClaim", namespace(set), &claim) {
            if !owned_by_uid(&pvc, uid(pod)) {
                add_owner(
                    sim,
                    &pvc,
                    json!({"apiVersion": "v1", "kind": "Pod", "name": name(pod), "uid": uid(pod), "controller": true, "blockOwnerDeletion": true}),
                );
            }
        }
    }
}

fn delete_pod(sim: &Sim, set: &Value, pod: &Value) {
    let opts = DeleteOpts {
        precondition_uid: Some(uid(pod).to_string()),
        ..Default::default()
    };
    match sim.delete_kind("Pod", namespace(pod), name(pod), &opts) {
        Ok(_) => sim.event(
            set,
            "Normal",
            "SuccessfulDelete",
            &format!(
                "Delete Pod {} in StatefulSet {} successful",
                name(pod),
                name(set)
            ),
            "statefulset-controller",
            None,
        ),
        Err(e) => sim.event(
            set,
            "Warning",
            "FailedDelete",
            &format!(
                "Delete Pod {} in StatefulSet {} failed error: {}",
                name(pod),
                name(set),
                e.message()
            ),
            "statefulset-controller",
            None,
        ),
    }
}

/// ControllerRefManager (pkg/controller/controller_ref_manager.go): orphans that match the
/// set's selector are adopted — ControllerRevisions (`ClaimControllerRevisions`), then pods
/// whose name is one of the set's ordinals (`ClaimPods` with `isMemberOf`), in that order
/// (golden `resize/` step 7: a set re-created after an orphan delete adopts both, and the
/// pods keep running). A set being deleted adopts nothing (`canAdopt`).
fn adopt_orphans(sim: &Sim, set: &Value) {
    let sel = LabelSelector::from_label_selector(&set["spec"]["selector"]);
    for kind in ["ControllerRevision", "Pod"] {
        for o in sim.list_kind(kind, Some(namespace(set))) {
            let has_controller = o["metadata"]["ownerReferences"]
                .as_array()
                .is_some_and(|a| a.iter().any(|r| r["controller"] == true));
            if has_controller || deleting(&o) || !sel.matches_object(&o) {
                continue;
            }
            if kind == "Pod" && ordinal(name(set), name(&o)).is_none() {
                continue;
            }
            let mut refs = o["metadata"]["ownerReferences"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            refs.push(owner_ref(set));
            let _ = sim.merge_patch(
                kind,
                namespace(&o),
                name(&o),
                &json!({"metadata": {"ownerReferences": refs}}),
            );
        }
    }
}

fn sync(sim: &Sim, set: &Value, backoff: &mut Backoff) {
    adopt_orphans(sim, set);
    let ns = namespace(set);
    let now = jiff::Timestamp::now();
    let (update_rev, current_rev) = revisions(sim, set);
    let sel = LabelSelector::from_label_selector(&set["spec"]["selector"]);
    let set_name = name(set);
    let start = set["spec"]["ordinals"]["start"].as_i64().unwrap_or(0);
    let replicas = set["spec"]["replicas"].as_i64().unwrap_or(1);
    let monotonic = set["spec"]["podManagementPolicy"] != "Parallel";
    let min_ready = set["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
    let partition = set["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
        .as_i64()
        .unwrap_or(0);
    let on_delete = set["spec"]["updateStrategy"]["type"] == "OnDelete";

    let mut pods: BTreeMap<i64, Obj> = BTreeMap::new();
    for p in sim.list_kind("Pod", Some(ns)) {
        if !owned_by(&p, uid(set)) || !sel.matches_object(&p) {
            continue;
        }
        if let Some(o) = ordinal(set_name, name(&p)) {
            pods.insert(o, p);
        }
    }
    let in_range = |o: i64| o >= start && o < start + replicas;
    let current_tpl = template_of(sim, set, &current_rev);
    let revision_for = |ord: i64| -> (&str, &Value) {
        // newVersionedStatefulSetPod: below the partition pods stay at the current revision
        if !on_delete && ord - start < partition && current_rev != update_rev {
            (&current_rev, &current_tpl)
        } else {
            (&update_rev, &set["spec"]["template"])
        }
    };

    let status = compute_status(set, &pods, &update_rev, &current_rev, min_ready, now);
    write_status(sim, set, status);
    truncate_history(sim, set, &pods, &[&current_rev, &update_rev]);

    let first_unhealthy = pods
        .iter()
        .find(|(_, p)| !is_running_and_ready(p) || deleting(p))
        .map(|(o, _)| *o);

    // processReplica, ascending; a Parallel set stops at the end of the batch an error fell in
    let mut stop_after: Option<usize> = None;
    for ord in start..start + replicas {
        let index = (ord - start) as usize;
        if stop_after.is_some_and(|end| index > end) {
            return;
        }
        match pods.get(&ord) {
            Some(p) if is_failed_or_succeeded(p) && !deleting(p) => {
                delete_pod(sim, set, p);
                if monotonic {
                    return;
                }
            }
            None => {
                let pod_name = format!("{set_name}-{ord}");
                if !ensure_claims(sim, set, &pod_name) {
                    if monotonic {
                        return;
                    }
                    continue;
                }
                let (rev, tpl) = revision_for(ord);
                let pod = new_pod(set, ord, rev, tpl);
                match sim.create_kind("Pod", ns, pod) {
                    Ok(_) => sim.event(
                        set,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Create Pod {pod_name} in StatefulSet {set_name} successful"),
                        "statefulset-controller",
                        None,
                    ),
                    Err(e) => sim.event(
                        set,
                        "Warning",
                        "FailedCreate",
                        &format!(
                            "Create Pod {pod_name} in StatefulSet {set_name} failed error: {}",
                            e.message()
                        ),
                        "statefulset-controller",
                        None,
                    ),
                }
                if monotonic {
                    return;
                }
            }
            Some(p) => {
                if deleting(p) && monotonic {
                    return;
                }
                if !deleting(p) {
                    retention_owners(sim, set, name(p));
                }
                if !deleting(p) && p["status"]["phase"] == "Pending" {
                    // a Pending pod whose claim was deleted gets a fresh one (stateful_set_control.go:
                    // `isPending(replicas[i])` → createMissingPersistentVolumeClaims), so a
                    // replacement whose volume died with its node can start elsewhere
                    let _ = ensure_claims(sim, set, name(p));
                }
                if monotonic && (!is_running_and_ready(p) || !is_available(p, min_ready, now)) {
                    return;
                }
                // "Enforce the StatefulSet invariants": a pod without a claim template's volume
                // is updated in place, which fails; processReplica returns the error and the
                // sync ends — no higher ordinal, no scale-down, no rolling update
                if !storage_matches(set, p) && !retried_update(sim, set, p, backoff) {
                    if monotonic {
                        return;
                    }
                    stop_after.get_or_insert(batch_end(index));
                }
            }
        }
    }
    if stop_after.is_some() {
        return;
    }

    // processCondemned, descending
    let condemned: Vec<(i64, Obj)> = pods
        .iter()
        .filter(|(o, _)| !in_range(**o))
        .map(|(o, p)| (*o, p.clone()))
        .collect();
    // "Fix pod claims for condemned pods": every condemned pod's claims at once (golden variants)
    for (_, p) in condemned.iter().filter(|(_, p)| !deleting(p)) {
        claim_condemned(sim, set, p);
    }
    for (ord, p) in condemned.iter().rev() {
        if deleting(p) {
            if monotonic {
                return;
            }
            continue;
        }
        let first = first_unhealthy == Some(*ord);
        if monotonic && !first && (!is_running_and_ready(p) || !is_available(p, min_ready, now)) {
            return;
        }
        delete_pod(sim, set, p);
        if monotonic {
            return;
        }
    }

    // rolling update: highest ordinal first, down to the partition, one at a time
    if on_delete {
        return;
    }
    for ord in (start..start + replicas).rev() {
        if ord - start < partition {
            break;
        }
        let Some(p) = pods.get(&ord) else { return };
        let rev = p["metadata"]["labels"][REVISION_LABEL]
            .as_str()
            .unwrap_or("");
        if rev != update_rev && !deleting(p) {
            delete_pod(sim, set, p);
            return;
        }
        if !is_running_and_ready(p) || deleting(p) {
            return;
        }
    }
}

/// truncateHistory: keep revisionHistoryLimit revisions besides the live ones
/// (current, update, and any a pod still runs).
fn truncate_history(sim: &Sim, set: &Value, pods: &BTreeMap<i64, Obj>, keep: &[&str]) {
    let limit = set["spec"]["revisionHistoryLimit"]
        .as_i64()
        .unwrap_or(10)
        .max(0) as usize;
    let live: Vec<&str> = pods
        .values()
        .filter_map(|p| p["metadata"]["labels"][REVISION_LABEL].as_str())
        .chain(keep.iter().copied())
        .collect();
    let mut history: Vec<Obj> = sim
        .list_kind("ControllerRevision", Some(namespace(set)))
        .into_iter()
        .filter(|r| owned_by(r, uid(set)) && !live.contains(&name(r)))
        .collect();
    if history.len() <= limit {
        return;
    }
    history.sort_by_key(|r| r["revision"].as_i64().unwrap_or(0));
    for r in &history[..history.len() - limit] {
        let _ = sim.delete_kind(
            "ControllerRevision",
            namespace(r),
            name(r),
            &DeleteOpts::default(),
        );
    }
}

fn compute_status(
    set: &Value,
    pods: &BTreeMap<i64, Obj>,
    update_rev: &str,
    current_rev: &str,
    min_ready: i64,
    now: jiff::Timestamp,
) -> Value {
    let mut replicas = 0;
    let mut ready = 0;
    let mut available = 0;
    let mut current = 0;
    let mut updated = 0;
    for p in pods.values() {
        replicas += 1;
        if is_running_and_ready(p) {
            ready += 1;
            if is_available(p, min_ready, now) {
                available += 1;
            }
        }
        if deleting(p) {
            continue;
        }
        let rev = p["metadata"]["labels"][REVISION_LABEL]
            .as_str()
            .unwrap_or("");
        if rev == current_rev {
            current += 1;
        }
        if rev == update_rev {
            updated += 1;
        }
    }
    let spec_replicas = set["spec"]["replicas"].as_i64().unwrap_or(1);
    let mut cur_rev = current_rev.to_string();
    // completeRollingUpdate: once every replica is updated the update becomes current
    if set["spec"]["updateStrategy"]["type"] != "OnDelete"
        && updated == spec_replicas
        && ready == spec_replicas
        && replicas == spec_replicas
    {
        cur_rev = update_rev.to_string();
        current = updated;
    }
    let mut s = json!({
        "observedGeneration": set["metadata"]["generation"],
        "replicas": replicas,
        "readyReplicas": ready,
        "currentReplicas": current,
        "updatedReplicas": updated,
        "currentRevision": cur_rev,
        "updateRevision": update_rev,
        "collisionCount": set["status"]["collisionCount"].as_i64().unwrap_or(0),
        "availableReplicas": available,
    });
    // zero-valued optional fields are omitted (golden: no updatedReplicas while 0)
    if let Some(m) = s.as_object_mut() {
        for k in ["readyReplicas", "currentReplicas", "updatedReplicas"] {
            if m[k] == 0 {
                m.remove(k);
            }
        }
    }
    s
}

/// Writes the status when it differs (zero fields are already omitted from `status`).
fn write_status(sim: &Sim, set: &Value, status: Value) {
    if set["status"] == status {
        return;
    }
    let mut obj = set.clone();
    obj["status"] = status;
    let _ = sim.status_update("StatefulSet", obj);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_only_own_pods() {
        assert_eq!(ordinal("web", "web-0"), Some(0));
        assert_eq!(ordinal("web", "web-12"), Some(12));
        assert_eq!(ordinal("web", "web-x"), None);
        assert_eq!(ordinal("web", "webapp-1"), None);
        assert_eq!(ordinal("web", "web-1-2"), None);
    }

    #[test]
    fn storage_matches_and_update_storage_as_the_controller_has_them() {
        let set = json!({"metadata": {"name": "flask"}, "spec": {"volumeClaimTemplates": [
            {"metadata": {"name": "www"}}, {"metadata": {"name": "logs"}}]}});
        let claim =
            |t: &str, c: &str| json!({"name": t, "persistentVolumeClaim": {"claimName": c}});
        let token = json!({"name": "kube-api-access-1", "projected": {"sources": []}});
        let pod =
            |vols: Vec<Value>| json!({"metadata": {"name": "flask-0"}, "spec": {"volumes": vols}});
        // golden: made before `logs` existed
        let old = pod(vec![claim("www", "www-flask-0"), token.clone()]);
        assert!(!storage_matches(&set, &old));
        assert!(storage_matches(
            &set,
            &pod(vec![
                claim("logs", "logs-flask-0"),
                claim("www", "www-flask-0")
            ])
        ));
        // another ordinal's claim, or no claim under the template's name
        assert!(!storage_matches(
            &set,
            &pod(vec![
                claim("www", "www-flask-1"),
                claim("logs", "logs-flask-0")
            ])
        ));
        assert!(!storage_matches(
            &set,
            &pod(vec![
                claim("www", "www-flask-0"),
                json!({"name": "logs", "emptyDir": {}})
            ])
        ));
        // the claims first, the other volumes after; a same-named volume is replaced
        let vols = with_claim_volumes(
            &set,
            &json!({"volumes": [{"name": "logs", "emptyDir": {}}, token.clone()]}),
            "flask-0",
        );
        assert_eq!(
            vols,
            [
                claim("www", "www-flask-0"),
                claim("logs", "logs-flask-0"),
                token
            ]
        );
    }

    #[test]
    fn parallel_sets_stop_at_the_end_of_the_batch() {
        // slowStartBatch: 1, 2, 4, 8 … pods per batch
        let ends: Vec<usize> = (0..16).map(batch_end).collect();
        assert_eq!(
            ends,
            [0, 2, 2, 6, 6, 6, 6, 14, 14, 14, 14, 14, 14, 14, 14, 30]
        );
        // 1 + 2 + … + 256 = 511 pods, then batches stop doubling at 500
        assert_eq!(batch_end(510), 510);
        assert_eq!((batch_end(511), batch_end(1010)), (1010, 1010));
        assert_eq!(batch_end(1011), 1510);
    }

    #[test]
    fn revision_hash_is_stable_and_safe() {
        let h = revision_hash(&json!({"a": 1}), 0);
        assert_eq!(h, revision_hash(&json!({"a": 1}), 0));
        assert_ne!(h, revision_hash(&json!({"a": 2}), 0));
        assert!(h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }
}
