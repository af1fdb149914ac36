//! The per-ordinal join (pod → PVCs → PVs → node → DNS → revision) and the
//! diagnosis of what is wrong, as pure functions of a [`Snapshot`].
//! The serialized form is the documented `kubectl-sts/v1 Inspection` schema.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::findings::{ProblemCode, Severity};
use super::health::{eviction_in, node_health, pod_ready, pod_terminating, NodeHealth};
use super::placement::{pinned_node, NodeIndex};
use super::set::{claim_ordinal, set_pods, start_ordinal};
use super::stuck::{stuck_at, StuckAt};
use super::update::{rollout_state_with_pods, RolloutState};
use super::usage::{ClaimQuery, ClaimUsage, UsageIndex, UsageState};
use super::{Access, Attachment, Claim, Fleet, ServiceLookup, Snapshot, Volume};
use crate::kubefmt;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub replicas: Replicas,
    pub pod_management_policy: String,
    pub update_strategy: UpdateStrategy,
    pub retention: Retention,
    pub service: ServiceInfo,
    pub ordinals_start: i64,
    pub rows: Vec<OrdinalRow>,
    pub problems: Vec<Problem>,
    /// Permissions that were missing, so some facts are unknown (least privilege).
    pub missing_permissions: Vec<String>,
    /// What the USED column could not show, and why, once each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usage_notes: Vec<String>,
    /// Where the update stands (not part of the document: its facts are in `updateStrategy`
    /// and `replicas`).
    #[serde(skip)]
    pub rollout: RolloutState,
    /// Where the controller is stuck, if it is (its facts are in `problems`).
    #[serde(skip)]
    pub stuck: Option<StuckAt>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replicas {
    pub desired: i64,
    pub ready: i64,
    pub available: i64,
    pub current: i64,
    pub updated: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStrategy {
    #[serde(rename = "type")]
    pub type_: String,
    pub partition: Option<i64>,
    pub current_revision: Option<String>,
    pub update_revision: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    pub when_deleted: String,
    pub when_scaled: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfo {
    pub name: String,
    pub state: ServiceState,
    pub cluster_ip: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RowKind {
    /// An ordinal in `[start, start+replicas)`.
    Expected,
    /// A pod above the range, being removed.
    Condemned,
    /// Only claims: an ordinal no longer in range whose data is kept.
    Retained,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodInfo {
    pub name: String,
    pub uid: String,
    pub phase: String,
    /// STATUS as kubectl prints it (`Running`, `Terminating`, `Init:0/1`...).
    pub status: String,
    /// READY as kubectl prints it (`1/1`).
    pub ready_containers: String,
    pub ready: bool,
    pub terminating: bool,
    pub restarts: i64,
    pub age_seconds: Option<i64>,
    pub ip: Option<String>,
    pub node: Option<String>,
    pub revision: Option<String>,
    /// Seconds until taint-based eviction (toleration running out on a tainted node).
    pub eviction_in_seconds: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeInfo {
    pub template: String,
    pub claim: String,
    /// `Bound`, `Pending`, `Lost`, `Terminating` or `Missing`.
    pub claim_phase: String,
    pub claim_uid: Option<String>,
    pub requested: Option<String>,
    pub template_size: Option<String>,
    pub volume: Option<String>,
    pub capacity: Option<String>,
    pub storage_class: Option<String>,
    pub reclaim_policy: Option<String>,
    pub access_modes: String,
    pub volume_phase: Option<String>,
    /// The node a node-pinned PV can only be used from.
    pub pinned_node: Option<String>,
    /// `csi:<driver>`, `hostPath`, `local`, ...
    pub source: Option<String>,
    pub attached_node: Option<String>,
    /// The volume is attached to a node other than the pod's (the Multi-Attach trap).
    pub attachment_mismatch: bool,
    /// How full it is, when asked (`inspect NAME`, `--usage`): the kubelet's Summary API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<ClaimUsage>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdinalRow {
    pub ordinal: i64,
    pub kind: RowKind,
    pub pod: Option<PodInfo>,
    pub node: Option<NodeHealth>,
    pub volumes: Vec<VolumeInfo>,
    pub dns: String,
    /// `current`, `update`, `current+update` (same), or `other`.
    pub revision_state: Option<RevisionState>,
    /// Below the RollingUpdate partition: stays at the current revision.
    pub below_partition: bool,
}

/// What the governing Service lookup found (serialized as its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ServiceState {
    Headless,
    /// It has a cluster IP: pods get no per-pod DNS records.
    NotHeadless,
    Missing,
    /// Not allowed to read it.
    Unknown,
}

/// Which revision a pod runs, against the set's current and update revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RevisionState {
    #[serde(rename = "current")]
    Current,
    #[serde(rename = "update")]
    Update,
    /// No rollout: the current revision is the update revision.
    #[serde(rename = "current+update")]
    CurrentAndUpdate,
    /// Neither (an old revision left behind).
    #[serde(rename = "other")]
    Other,
}

impl std::fmt::Display for ServiceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub severity: Severity,
    /// Stable identifier for scripts, e.g. `StuckTerminatingOnDeadNode`.
    pub code: ProblemCode,
    pub ordinal: Option<i64>,
    pub message: String,
    /// What to do about it.
    pub action: String,
}

/// Options that change the join (not the data).
#[derive(Debug, Clone)]
pub struct InspectOptions {
    pub cluster_domain: String,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            cluster_domain: "cluster.local".into(),
        }
    }
}

fn qty(q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>) -> Option<String> {
    q.map(|q| q.0.clone())
}

fn pod_info(pod: &Pod, node: Option<&Node>, now: jiff::Timestamp) -> PodInfo {
    let v = serde_json::to_value(pod).unwrap_or_default();
    let s = kubefmt::pod_summary(&v);
    PodInfo {
        name: pod.metadata.name.clone().unwrap_or_default(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        phase: pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        status: s.status,
        ready_containers: format!("{}/{}", s.ready, s.total),
        ready: pod_ready(pod),
        terminating: pod_terminating(pod),
        restarts: s.restarts,
        age_seconds: pod
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| now.duration_since(t.0).as_secs()),
        ip: pod.status.as_ref().and_then(|s| s.pod_ip.clone()),
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        revision: pod
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("controller-revision-hash").cloned()),
        eviction_in_seconds: node.and_then(|n| eviction_in(pod, n, now)),
    }
}

/// The inspection of one StatefulSet.
/// One set's join from a single-set [`Snapshot`].
pub fn inspect(snap: &Snapshot, opts: &InspectOptions) -> Inspection {
    let mut shared = Shared::new(&snap.volumes, &snap.nodes, &snap.attachments, snap.now);
    // one set's volumes, nodes and attachments are read by name (`Cluster::snapshot`)
    shared.verb = "get";
    let objects = SetObjects {
        set: &snap.set,
        pods: snap.pods.iter().collect(),
        claims: snap.claims.iter().collect(),
        service: match &snap.service {
            ServiceLookup::Found(s) => ServiceRef::Found(s),
            ServiceLookup::Missing => ServiceRef::Missing,
            ServiceLookup::Forbidden => ServiceRef::Forbidden,
        },
    };
    inspect_set(&objects, &shared, opts)
}

/// Every set of a [`Fleet`], one at a time: the fleet is indexed once (by namespace and name),
/// so each set is joined against its own objects only and time and memory grow with the number
/// of objects, never with sets × objects. Lazy, so a caller can render and drop each one.
pub fn inspect_fleet<'a>(
    fleet: &'a Fleet,
    opts: &'a InspectOptions,
) -> impl Iterator<Item = Inspection> + 'a {
    let shared = Shared::new(&fleet.volumes, &fleet.nodes, &fleet.attachments, fleet.now);
    let index = FleetIndex::new(fleet);
    fleet
        .sets
        .iter()
        .map(move |set| inspect_set(&index.objects(set), &shared, opts))
}

/// The cluster-scoped facts every set's join reads, indexed once: nodes and volumes by name,
/// attachments by volume, and which nodes are dead. `None`: RBAC denied the list.
pub struct Shared<'a> {
    nodes: Option<HashMap<&'a str, &'a Node>>,
    /// The same nodes for volume node-affinity questions (which volume is pinned where).
    node_index: Option<NodeIndex<'a>>,
    volumes: Option<HashMap<&'a str, &'a Volume>>,
    attachments: Option<HashMap<&'a str, Vec<&'a Attachment>>>,
    dead_nodes: BTreeSet<&'a str>,
    /// Ready nodes that still carry the out-of-service taint (nothing can run there).
    tainted_live_nodes: BTreeSet<&'a str>,
    /// Nodes cordoned by `kubectl sts drain` for maintenance, with who and when.
    maintenance: HashMap<&'a str, &'a str>,
    now: jiff::Timestamp,
    /// How the cluster-scoped objects were read (`list`, `get`): the permission a denial names.
    verb: &'static str,
}

impl<'a> Shared<'a> {
    pub fn new(
        volumes: &'a Access<Vec<Volume>>,
        nodes: &'a Access<Vec<Node>>,
        attachments: &'a Access<Vec<Attachment>>,
        now: jiff::Timestamp,
    ) -> Shared<'a> {
        let nodes: Option<HashMap<&str, &Node>> = nodes.ok().map(|v| {
            v.iter()
                .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
                .collect()
        });
        let dead_nodes = nodes
            .iter()
            .flatten()
            .filter(|(_, n)| node_health(n, now).is_dead())
            .map(|(name, _)| *name)
            .collect();
        let tainted_live_nodes = nodes
            .iter()
            .flatten()
            .filter(|(_, n)| {
                let h = node_health(n, now);
                !h.is_dead() && h.out_of_service
            })
            .map(|(name, _)| *name)
            .collect();
        // only a cordon proven drain's: an annotation a plain `kubectl uncordon` left behind
        // says nothing about a later cordon (see `cordon`)
        let maintenance = nodes
            .iter()
            .flatten()
            .filter(|(_, n)| {
                matches!(
                    super::cordon::cordon_of(n),
                    super::cordon::Cordon::Ours { .. }
                )
            })
            .filter_map(|(name, n)| {
                let by = n
                    .metadata
                    .annotations
                    .as_ref()?
                    .get(super::set::CORDONED_BY)?;
                Some((*name, by.as_str()))
            })
            .collect();
        Shared {
            node_index: nodes.as_ref().map(|m| NodeIndex::new(m.values().copied())),
            maintenance,
            volumes: volumes
                .ok()
                .map(|v| v.iter().map(|p| (p.name.as_str(), p)).collect()),
            attachments: attachments.ok().map(|v| {
                let mut by_pv: HashMap<&str, Vec<&Attachment>> = HashMap::new();
                for va in v {
                    if let Some(pv) = va.volume.as_deref() {
                        by_pv.entry(pv).or_default().push(va);
                    }
                }
                by_pv
            }),
            nodes,
            dead_nodes,
            tainted_live_nodes,
            now,
            verb: "list",
        }
    }

    fn attachments_of(&self, pv: &str) -> &[&'a Attachment] {
        self.attachments
            .as_ref()
            .and_then(|m| m.get(pv))
            .map_or(&[], Vec::as_slice)
    }
}

/// The governing Service as found (borrowed from a snapshot or a fleet).
#[derive(Debug, Clone, Copy)]
pub enum ServiceRef<'a> {
    Found(&'a Service),
    Missing,
    Forbidden,
}

/// One set and the namespaced objects that may be its own (pods and claims by name).
pub struct SetObjects<'a> {
    pub set: &'a StatefulSet,
    pub pods: Vec<&'a Pod>,
    pub claims: Vec<&'a Claim>,
    pub service: ServiceRef<'a>,
}

/// `<base>-<n>` → `<base>`: StatefulSet pods are `<set>-<n>`, claims `<template>-<set>-<n>`.
fn ordinal_base(name: &str) -> Option<&str> {
    let (base, n) = name.rsplit_once('-')?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(base)
}

/// A fleet's namespaced objects by (namespace, name or ordinal base), built in one pass.
struct FleetIndex<'a> {
    pods: HashMap<(&'a str, &'a str), Vec<&'a Pod>>,
    /// by `<namespace>/<template>-<set>` (the base is built per lookup, so the key is owned)
    claims: HashMap<String, Vec<&'a Claim>>,
    services: Option<HashMap<(&'a str, &'a str), &'a Service>>,
}

impl<'a> FleetIndex<'a> {
    fn new(fleet: &'a Fleet) -> FleetIndex<'a> {
        fn key(m: &ObjectMeta) -> Option<(&str, &str)> {
            Some((m.namespace.as_deref()?, ordinal_base(m.name.as_deref()?)?))
        }
        let mut pods: HashMap<(&str, &str), Vec<&Pod>> = HashMap::new();
        for p in &fleet.pods {
            if let Some(k) = key(&p.metadata) {
                pods.entry(k).or_default().push(p);
            }
        }
        let mut claims: HashMap<String, Vec<&Claim>> = HashMap::new();
        for c in &fleet.claims {
            if let Some(base) = ordinal_base(&c.name) {
                claims
                    .entry(format!("{}/{base}", c.namespace))
                    .or_default()
                    .push(c);
            }
        }
        let services = fleet.services.ok().map(|v| {
            v.iter()
                .filter_map(|s| {
                    Some((
                        (
                            s.metadata.namespace.as_deref()?,
                            s.metadata.name.as_deref()?,
                        ),
                        s,
                    ))
                })
                .collect()
        });
        FleetIndex {
            pods,
            claims,
            services,
        }
    }

    fn objects(&self, set: &'a StatefulSet) -> SetObjects<'a> {
        let ns = set.metadata.namespace.as_deref().unwrap_or_default();
        let name = set.metadata.name.as_deref().unwrap_or_default();
        // as the single-set fetch lists them: by the set's selector
        let selector = crate::selectors::LabelSelector::from_label_selector(
            &serde_json::to_value(&set.spec.selector).unwrap_or_default(),
        );
        let empty = BTreeMap::new();
        let pods = self
            .pods
            .get(&(ns, name))
            .into_iter()
            .flatten()
            .filter(|p| selector.matches(p.metadata.labels.as_ref().unwrap_or(&empty)))
            .copied()
            .collect();
        let claims = set
            .spec
            .volume_claim_templates
            .iter()
            .flatten()
            .filter_map(|t| {
                self.claims
                    .get(&format!("{ns}/{}-{name}", t.metadata.name.as_deref()?))
            })
            .flatten()
            .copied()
            .collect();
        let svc = set.spec.service_name.as_deref().unwrap_or_default();
        let service = match &self.services {
            None => ServiceRef::Forbidden,
            Some(m) => m
                .get(&(ns, svc))
                .map_or(ServiceRef::Missing, |s| ServiceRef::Found(s)),
        };
        SetObjects {
            set,
            pods,
            claims,
            service,
        }
    }
}

/// One set's join and diagnosis: reads only its own objects and the shared indexes.
fn inspect_set(objs: &SetObjects<'_>, shared: &Shared<'_>, opts: &InspectOptions) -> Inspection {
    let set = objs.set;
    let spec = &set.spec;
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let name = set.metadata.name.clone().unwrap_or_default();
    let status = set.status.clone().unwrap_or_default();
    let desired = spec.replicas.unwrap_or(1) as i64;
    let start = start_ordinal(set);
    let templates = claim_templates(set);
    let update_type = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.type_.clone())
        .unwrap_or_else(|| "RollingUpdate".into());
    let partition = spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .map(i64::from);
    let pods = set_pods(set, objs.pods.iter().copied());
    let claims = claims_by_ordinal(&objs.claims, &templates, &name);
    let svc_name = spec.service_name.clone().unwrap_or_default();
    let service = service_info(&objs.service, &svc_name);

    let mut ordinals: BTreeSet<i64> = (start..start + desired).collect();
    ordinals.extend(pods.keys().copied());
    ordinals.extend(claims.keys().map(|(o, _)| *o));
    let joined = Joined {
        ns: &ns,
        name: &name,
        svc_name: &svc_name,
        start,
        desired,
        templates: &templates,
        pods: &pods,
        claims: &claims,
        status: &status,
        partitioned: (update_type == "RollingUpdate")
            .then_some(partition)
            .flatten(),
    };
    let rows = ordinals
        .into_iter()
        .map(|o| ordinal_row(&joined, o, shared, opts))
        .collect();

    let retention = spec.persistent_volume_claim_retention_policy.as_ref();
    let mut ins = Inspection {
        api_version: "kubectl-sts/v1",
        kind: "Inspection",
        missing_permissions: missing_permissions(objs, shared, &ns),
        namespace: ns,
        name,
        uid: set.metadata.uid.clone().unwrap_or_default(),
        replicas: Replicas {
            desired,
            ready: status.ready_replicas.unwrap_or(0) as i64,
            available: status.available_replicas.unwrap_or(0) as i64,
            current: status.current_replicas.unwrap_or(0) as i64,
            updated: status.updated_replicas.unwrap_or(0) as i64,
        },
        pod_management_policy: spec
            .pod_management_policy
            .clone()
            .unwrap_or_else(|| "OrderedReady".into()),
        update_strategy: UpdateStrategy {
            type_: update_type,
            partition,
            current_revision: status.current_revision.clone(),
            update_revision: status.update_revision.clone(),
        },
        retention: Retention {
            when_deleted: retention
                .and_then(|r| r.when_deleted.clone())
                .unwrap_or_else(|| "Retain".into()),
            when_scaled: retention
                .and_then(|r| r.when_scaled.clone())
                .unwrap_or_else(|| "Retain".into()),
        },
        service,
        ordinals_start: start,
        rows,
        problems: vec![],
        usage_notes: vec![],
        rollout: rollout_state_with_pods(set, pods.values().copied()),
        stuck: stuck_at(set, pods.iter().map(|(o, p)| (*o, *p))),
    };
    ins.problems = diagnose(&ins, shared);
    ins
}

/// The set's volumeClaimTemplates: each name with its storage request.
fn claim_templates(set: &StatefulSet) -> Vec<(String, Option<String>)> {
    set.spec
        .volume_claim_templates
        .iter()
        .flatten()
        .map(|t| {
            let size = t
                .spec
                .as_ref()
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| qty(r.get("storage")));
            (t.metadata.name.clone().unwrap_or_default(), size)
        })
        .collect()
}

/// The set's claims by ordinal and template.
fn claims_by_ordinal<'c>(
    claims: &[&'c Claim],
    templates: &[(String, Option<String>)],
    set_name: &str,
) -> BTreeMap<(i64, String), &'c Claim> {
    let mut out: BTreeMap<(i64, String), &Claim> = BTreeMap::new();
    for c in claims {
        let cname = c.name.as_str();
        for (t, _) in templates {
            if let Some(o) = claim_ordinal(t, set_name, cname) {
                out.insert((o, t.clone()), c);
            }
        }
    }
    out
}

/// The governing Service as found: headless, not headless, missing, or not readable.
fn service_info(service: &ServiceRef<'_>, svc_name: &str) -> ServiceInfo {
    let (state, cluster_ip) = match service {
        ServiceRef::Found(s) => {
            let ip = s.spec.as_ref().and_then(|s| s.cluster_ip.clone());
            let state = if ip.as_deref() == Some("None") {
                ServiceState::Headless
            } else {
                ServiceState::NotHeadless
            };
            (state, ip)
        }
        ServiceRef::Missing => (ServiceState::Missing, None),
        ServiceRef::Forbidden => (ServiceState::Unknown, None),
    };
    ServiceInfo {
        name: svc_name.to_string(),
        state,
        cluster_ip,
    }
}

/// What the inspection could not read, as the permissions it lacks.
fn missing_permissions(objs: &SetObjects<'_>, shared: &Shared<'_>, ns: &str) -> Vec<String> {
    let mut out = Vec::new();
    if shared.nodes.is_none() {
        out.push(format!("{} nodes", shared.verb));
    }
    if shared.volumes.is_none() {
        out.push(format!("{} persistentvolumes", shared.verb));
    }
    if shared.attachments.is_none() {
        out.push(format!("{} volumeattachments.storage.k8s.io", shared.verb));
    }
    if matches!(objs.service, ServiceRef::Forbidden) {
        out.push(format!("get services ({ns})"));
    }
    out
}

/// One set's objects joined by ordinal: what each row of its inspection is read from.
struct Joined<'a> {
    ns: &'a str,
    name: &'a str,
    svc_name: &'a str,
    start: i64,
    desired: i64,
    templates: &'a [(String, Option<String>)],
    pods: &'a BTreeMap<i64, &'a Pod>,
    claims: &'a BTreeMap<(i64, String), &'a Claim>,
    status: &'a k8s_openapi::api::apps::v1::StatefulSetStatus,
    /// A RollingUpdate's partition, when it has one.
    partitioned: Option<i64>,
}

/// One ordinal's row: its pod, node, volumes, DNS name and revision.
fn ordinal_row(j: &Joined<'_>, o: i64, shared: &Shared<'_>, opts: &InspectOptions) -> OrdinalRow {
    let pod = j.pods.get(&o).copied();
    let kind = if o >= j.start && o < j.start + j.desired {
        RowKind::Expected
    } else if pod.is_some() {
        RowKind::Condemned
    } else {
        RowKind::Retained
    };
    let pod_name = format!("{}-{o}", j.name);
    let node_name = pod.and_then(|p| p.spec.as_ref()?.node_name.clone());
    let node = node_name
        .as_deref()
        .and_then(|n| shared.nodes.as_ref()?.get(n).copied());
    let volumes = j
        .templates
        .iter()
        .map(|(t, tsize)| volume_info(j, o, &pod_name, node_name.as_ref(), t, tsize, shared))
        .collect();
    let revision = pod.and_then(|p| {
        p.metadata
            .labels
            .as_ref()?
            .get("controller-revision-hash")
            .cloned()
    });
    OrdinalRow {
        ordinal: o,
        kind,
        pod: pod.map(|p| pod_info(p, node, shared.now)),
        node: node.map(|n| node_health(n, shared.now)),
        volumes,
        dns: if j.svc_name.is_empty() {
            String::new()
        } else {
            format!(
                "{pod_name}.{}.{}.svc.{}",
                j.svc_name, j.ns, opts.cluster_domain
            )
        },
        revision_state: revision.as_ref().map(|r| revision_state(r, j.status)),
        below_partition: j.partitioned.is_some_and(|p| o - j.start < p),
    }
}

/// Which of the set's revisions a pod's revision is.
fn revision_state(
    revision: &str,
    status: &k8s_openapi::api::apps::v1::StatefulSetStatus,
) -> RevisionState {
    let cur = status.current_revision.as_deref() == Some(revision);
    let upd = status.update_revision.as_deref() == Some(revision);
    match (cur, upd) {
        (true, true) => RevisionState::CurrentAndUpdate,
        (true, false) => RevisionState::Current,
        (false, true) => RevisionState::Update,
        _ => RevisionState::Other,
    }
}

/// One volume of an ordinal (template `t` of size `tsize`): its claim, volume, attachment and
/// where it is pinned.
fn volume_info(
    j: &Joined<'_>,
    o: i64,
    pod_name: &str,
    node_name: Option<&String>,
    t: &str,
    tsize: &Option<String>,
    shared: &Shared<'_>,
) -> VolumeInfo {
    let claim_name = format!("{t}-{pod_name}");
    let c = j.claims.get(&(o, t.to_string())).copied();
    let pv_name = c.and_then(|c| c.volume_name.clone());
    let pv = pv_name
        .as_deref()
        .and_then(|n| shared.volumes.as_ref()?.get(n).copied());
    // live attachments (a deleted one counts while it is still attached)
    let attached: Vec<&String> = pv_name
        .as_deref()
        .map(|pn| {
            shared
                .attachments_of(pn)
                .iter()
                .filter(|va| !va.deleting || va.attached)
                .map(|va| &va.node)
                .collect()
        })
        .unwrap_or_default();
    let attached_node = attached.first().map(|s| s.to_string());
    let mismatch = match (node_name, attached.is_empty()) {
        (Some(n), false) => attached.iter().any(|a| *a != n),
        _ => false,
    };
    let requested = c.and_then(|c| c.request.clone());
    let claim_phase = match c {
        None => "Missing".to_string(),
        Some(c) if c.deleting => "Terminating".to_string(),
        Some(c) => c.phase.clone().unwrap_or_else(|| "Pending".into()),
    };
    VolumeInfo {
        template: t.to_string(),
        claim: claim_name,
        claim_phase,
        claim_uid: c.and_then(|c| c.uid.clone()),
        template_size: if requested.as_ref() != tsize.as_ref() {
            tsize.clone()
        } else {
            None
        },
        requested,
        volume: pv_name,
        capacity: pv.and_then(|p| p.capacity.clone()),
        storage_class: c
            .and_then(|c| c.storage_class.clone())
            .or_else(|| pv.and_then(|p| p.storage_class.clone())),
        reclaim_policy: pv.and_then(|p| p.reclaim_policy.clone()),
        access_modes: kubefmt::access_modes(
            &serde_json::to_value(
                pv.and_then(|p| p.access_modes.clone())
                    .or_else(|| c.and_then(|c| c.access_modes.clone())),
            )
            .unwrap_or_default(),
        ),
        volume_phase: pv.and_then(|p| p.phase.clone()),
        pinned_node: pv.and_then(|p| pinned_node(p, shared.node_index.as_ref())),
        source: pv.and_then(|p| p.source.clone()),
        attached_node,
        attachment_mismatch: mismatch,
        usage: None,
    }
}

/// Everything wrong with the set, each with what to do. Pure: reads only the inspection.
pub fn diagnose(ins: &Inspection, shared: &Shared<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    out.extend(service_problem(ins));
    out.extend(stuck_problem(ins));
    let mut retained = Vec::new();
    for row in &ins.rows {
        if row.kind == RowKind::Retained {
            retained.push(
                row.volumes
                    .iter()
                    .map(|v| v.claim.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            continue;
        }
        match &row.pod {
            None if row.kind == RowKind::Expected => out.push(missing_pod_problem(ins, row)),
            None => {}
            Some(p) => out.extend(pod_problems(ins, shared, row, p)),
        }
        out.extend(volume_problems(&ins.namespace, row));
    }
    out.extend(retained_problem(&retained));
    // cluster-wide, but every set's pods are kept off such a node: each inspection says so
    out.extend(
        shared
            .tainted_live_nodes
            .iter()
            .map(|n| taint_left_problem(n)),
    );
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.ordinal.cmp(&b.ordinal)));
    out
}

/// A governing Service that is missing or not headless.
fn service_problem(ins: &Inspection) -> Option<Problem> {
    let ns = &ins.namespace;
    let svc = &ins.service;
    match svc.state {
        ServiceState::Missing => Some(Problem {
            severity: Severity::Error,
            code: ProblemCode::ServiceMissing,
            ordinal: None,
            message: format!("governing Service {ns}/{} does not exist: pods get no stable DNS names", svc.name),
            action: format!("create a headless Service {} (clusterIP: None) selecting the pods", svc.name),
        }),
        ServiceState::NotHeadless => Some(Problem {
            severity: Severity::Error,
            code: ProblemCode::ServiceNotHeadless,
            ordinal: None,
            message: format!("governing Service {ns}/{} has clusterIP {}: per-pod DNS records need a headless Service", svc.name, svc.cluster_ip.as_deref().unwrap_or("?")),
            // the API refuses clusterIP: None on an existing Service, and deleting it takes its
            // cluster IP from its clients: the same way out as check's STS012
            action: format!("keep {svc} for its clients (its cluster IP cannot be removed in place); create a second, headless Service {set}-headless (clusterIP: None, the same selector and ports), re-create the set with serviceName: {set}-headless (serviceName is immutable: kubectl delete statefulset {set} -n {ns} --cascade=orphan, then apply it; the pods keep running), then kubectl sts rollout restart {set} -n {ns} so each pod gets its DNS name under the new Service", svc = svc.name, set = ins.name),
        }),
        _ => None,
    }
}

/// A controller stuck at an ordinal it has no volume for.
fn stuck_problem(ins: &Inspection) -> Option<Problem> {
    let s = ins.stuck.as_ref()?;
    Some(Problem {
        severity: Severity::Error,
        code: ProblemCode::ControllerStuck,
        ordinal: Some(s.ordinal),
        message: format!(
            "the StatefulSet controller is stuck at {}: it has no volume for claim template {} (the set was re-created with other claim templates than its pods were made from), which cannot be added to an existing pod, so every sync ends there (FailedUpdate): no higher ordinal is created or updated, no pod is removed, and a pod deleted above it does not come back",
            s.pod,
            s.templates.join(", ")
        ),
        action: s.unblock(&ins.namespace),
    })
}

/// An ordinal in range without a pod, and what brings it.
fn missing_pod_problem(ins: &Inspection, row: &OrdinalRow) -> Problem {
    Problem {
        severity: Severity::Warning,
        code: ProblemCode::OrdinalMissing,
        ordinal: Some(row.ordinal),
        message: format!("ordinal {} has no pod", row.ordinal),
        action: if let Some(s) = ins.stuck.as_ref().filter(|s| s.ordinal < row.ordinal) {
            format!(
                "the controller creates it only once it gets past {} (ControllerStuck)",
                s.pod
            )
        } else if ins.pod_management_policy == "OrderedReady" {
            "OrderedReady creates it once every lower ordinal is Running and Ready; check the lower ordinals".into()
        } else {
            "check the StatefulSet's events: kubectl describe sts".into()
        },
    }
}

/// What is wrong with an ordinal's pod: on a dead node, Pending for a volume it cannot get,
/// or not Ready for long.
fn pod_problems(
    ins: &Inspection,
    shared: &Shared<'_>,
    row: &OrdinalRow,
    p: &PodInfo,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(node) = row.node.as_ref().filter(|n| n.is_dead()) {
        out.push(dead_node_problem(&ins.namespace, row, p, node));
    } else if p.node.is_none() || p.phase == "Pending" {
        out.extend(pending_problems(&ins.namespace, shared, row, p));
    }
    out.extend(not_ready_problem(ins, shared, row, p));
    out
}

/// A pod on a dead node: stuck Terminating there, or still running there.
fn dead_node_problem(ns: &str, row: &OrdinalRow, p: &PodInfo, node: &NodeHealth) -> Problem {
    let o = Some(row.ordinal);
    let pinned: Vec<&VolumeInfo> = row
        .volumes
        .iter()
        .filter(|v| v.pinned_node.is_some())
        .collect();
    if p.terminating {
        let nn = &node.name;
        let (action, code) = if pinned.is_empty() {
            (format!(
                "confirm the machine {nn} is really off, then: kubectl sts recover {} -n {ns} (it proves {nn} dead, takes the fastest safe path for the pod's volumes and follows it to Ready)",
                p.name
            ), ProblemCode::StuckTerminatingOnDeadNode)
        } else {
            (format!(
                "its volume is pinned to {nn}: no force delete helps, the pod can only run again when {nn} returns (kubectl sts recover {} -n {ns} --wait follows it). Giving up this ordinal's data is the only other way: kubectl sts recover {} -n {ns} --abandon-data={}; do not do it casually",
                p.name,
                p.name,
                pinned.iter().map(|v| v.claim.as_str()).collect::<Vec<_>>().join(",")
            ), ProblemCode::StuckTerminatingOnDeadNode)
        };
        Problem {
            severity: Severity::Error,
            code,
            ordinal: o,
            message: format!(
                "{} is stuck Terminating on node {nn}, which is {}",
                p.name,
                node.summary()
            ),
            action,
        }
    } else {
        let when = match p.eviction_in_seconds {
            Some(0) => "it is being evicted now".to_string(),
            Some(s) => format!("it will be evicted in {}", kubefmt::human_duration(s)),
            None => "it tolerates the node's taints, so it will not be evicted".to_string(),
        };
        Problem {
            severity: Severity::Error,
            code: ProblemCode::PodOnDeadNode,
            ordinal: o,
            message: format!(
                "{} runs on node {}, which is {}; {when}",
                p.name,
                node.name,
                node.summary()
            ),
            action: format!(
                "check the node; if the machine is really off: kubectl sts recover {} -n {ns}",
                p.name
            ),
        }
    }
}

/// A replacement that cannot start: its pinned volume lives on a node out for maintenance or
/// dead, or its volume is still attached to a dead node.
fn pending_problems(ns: &str, shared: &Shared<'_>, row: &OrdinalRow, p: &PodInfo) -> Vec<Problem> {
    let o = Some(row.ordinal);
    let dead_nodes = &shared.dead_nodes;
    // the dead node a volume is still attached to (any attachment, even one being deleted)
    let attached_to_dead = |pv: &str| -> Option<&str> {
        shared
            .attachments_of(pv)
            .iter()
            .map(|va| va.node.as_str())
            .find(|n| dead_nodes.contains(n))
    };
    let mut out = Vec::new();
    for v in &row.volumes {
        // a node drain took out for maintenance: the pod waits for it by plan
        if let Some((pn, by)) = v
            .pinned_node
            .as_ref()
            .and_then(|n| Some((n, shared.maintenance.get(n.as_str())?)))
        {
            out.push(Problem {
                severity: Severity::Info,
                code: ProblemCode::PlannedMaintenance,
                ordinal: o,
                message: format!("{} is Pending: its volume {} lives on node {pn}, which kubectl sts drain took out for maintenance ({by})", p.name, v.volume.as_deref().unwrap_or("?")),
                action: format!("planned: it starts when {pn} is back in service (kubectl sts uncordon {pn} follows it to Ready)"),
            });
        } else if let Some(pn) = v
            .pinned_node
            .as_ref()
            .filter(|n| dead_nodes.contains(n.as_str()))
        {
            out.push(Problem {
                severity: Severity::Error,
                code: ProblemCode::PinnedVolumeOnDeadNode,
                ordinal: o,
                message: format!("{} is Pending: its volume {} is pinned to node {pn}, which is down", p.name, v.volume.as_deref().unwrap_or("?")),
                action: format!("bring {pn} back; otherwise the ordinal can only start by giving up its data: kubectl sts recover {} -n {ns} --abandon-data={}", p.name, v.claim),
            });
        } else if let Some(dn) = v.volume.as_deref().and_then(attached_to_dead) {
            out.push(Problem {
                severity: Severity::Error,
                code: ProblemCode::VolumeAttachedToDeadNode,
                ordinal: o,
                message: format!("{} waits for volume {}: it is still attached to dead node {dn} (Multi-Attach)", p.name, v.volume.as_deref().unwrap_or("?")),
                action: format!("confirm {dn} is off, then: kubectl taint node {dn} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute to detach it now (kubectl sts release-node {dn} removes it once {dn} is back); otherwise it is force-detached ~6 minutes after the old pod went away"),
            });
        }
    }
    out
}

/// A pod on a live node not Ready for over 5 minutes (not Pending by plan): a rollout stuck
/// on it, or a pod to look at.
fn not_ready_problem(
    ins: &Inspection,
    shared: &Shared<'_>,
    row: &OrdinalRow,
    p: &PodInfo,
) -> Option<Problem> {
    let ns = &ins.namespace;
    // Pending by plan (its volume's node is out for drain's maintenance): said above
    let planned = (p.node.is_none() || p.phase == "Pending")
        && row.volumes.iter().any(|v| {
            v.pinned_node
                .as_deref()
                .is_some_and(|n| shared.maintenance.contains_key(n))
        });
    if planned
        || p.ready
        || p.terminating
        || p.age_seconds.unwrap_or(0) <= 300
        || row.node.as_ref().is_some_and(|n| n.is_dead())
    {
        return None;
    }
    let new_revision = ins.rollout.updating() && row.revision_state == Some(RevisionState::Update);
    // on neither revision (the template was changed back or forward since it was
    // created): an OrderedReady rolling update waits for it forever
    // (kubernetes/kubernetes#67250); deleting it is the repair
    let left_behind = row.revision_state == Some(RevisionState::Other)
        && ins.pod_management_policy == "OrderedReady"
        && ins.update_strategy.type_ == "RollingUpdate";
    Some(Problem {
        severity: Severity::Warning,
        code: if new_revision || left_behind {
            ProblemCode::RolloutStuck
        } else {
            ProblemCode::PodNotReady
        },
        ordinal: Some(row.ordinal),
        message: format!(
            "{} has not been Ready for {} ({})",
            p.name,
            kubefmt::human_duration(p.age_seconds.unwrap_or(0)),
            p.status
        ),
        action: if left_behind {
            format!("it runs an old revision the controller waits for: kubectl sts rollout repair {} -n {ns} replaces it at the update revision", ins.name)
        } else if new_revision {
            format!("the rolling update waits for it: kubectl describe pod {} -n {ns}; roll back the template if the new revision is bad (kubectl rollout undo sts/{}), then kubectl sts rollout repair {} -n {ns}", p.name, ins.name, ins.name)
        } else {
            format!("kubectl describe pod {} -n {ns}", p.name)
        },
    })
}

/// An ordinal's claims Pending for long or Lost, and its volumes Released.
fn volume_problems(ns: &str, row: &OrdinalRow) -> Vec<Problem> {
    let o = Some(row.ordinal);
    let mut out = Vec::new();
    for v in &row.volumes {
        match v.claim_phase.as_str() {
            "Pending" if row.pod.as_ref().is_some_and(|p| p.age_seconds.unwrap_or(0) > 60) => out.push(Problem {
                severity: Severity::Warning,
                code: ProblemCode::ClaimPending,
                ordinal: o,
                message: format!("claim {} is Pending", v.claim),
                action: format!("kubectl describe pvc {} -n {ns} (storage class {})", v.claim, v.storage_class.as_deref().unwrap_or("<none>")),
            }),
            "Lost" => out.push(Problem {
                severity: Severity::Error,
                code: ProblemCode::ClaimLost,
                ordinal: o,
                message: format!("claim {} is Lost: its volume {} is gone", v.claim, v.volume.as_deref().unwrap_or("?")),
                action: "restore the PersistentVolume from backup, or delete the claim to start this ordinal with empty storage".into(),
            }),
            _ => {}
        }
        if v.volume_phase.as_deref() == Some("Released") {
            out.push(Problem {
                severity: Severity::Warning,
                code: ProblemCode::VolumeReleased,
                ordinal: o,
                message: format!("volume {} is Released (its claim was deleted)", v.volume.as_deref().unwrap_or("?")),
                action: "the data is kept only with reclaim policy Retain; rebind it by hand if it is needed".into(),
            });
        }
    }
    out
}

/// The claim sets kept from ordinals above replicas (by design, said once).
fn retained_problem(retained: &[String]) -> Option<Problem> {
    (!retained.is_empty()).then(|| Problem {
        severity: Severity::Info,
        code: ProblemCode::RetainedClaims,
        ordinal: None,
        message: format!("{} claim set(s) retained from ordinals above replicas: {}", retained.len(), retained.join("; ")),
        action: "kept by design (whenScaled: Retain); a scale-up reuses them. Delete them only to discard that data".into(),
    })
}

/// A live node still carrying the out-of-service taint.
fn taint_left_problem(n: &str) -> Problem {
    Problem {
        severity: Severity::Warning,
        code: ProblemCode::OutOfServiceTaintLeft,
        ordinal: None,
        message: format!("node {n} is Ready again but still has the node.kubernetes.io/out-of-service taint: no pod can run there"),
        action: format!("kubectl sts release-node {n}"),
    }
}

/// One line of the overview: what its columns show, taken from the set's full inspection, so
/// the overview and `inspect NAME` always agree (the inspection itself is dropped after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewRow {
    pub namespace: String,
    pub name: String,
    pub ready: i64,
    pub desired: i64,
    pub pod_management_policy: String,
    pub update_type: String,
    /// `current`, `updating N/M`, `paused at partition N`, `OnDelete N/M updated`, or `-` (no
    /// revisions reported yet).
    pub revision: String,
    pub service: String,
    pub service_state: ServiceState,
    /// Claims kept from ordinals above `replicas`.
    pub retained_claims: usize,
    /// Problems that count for `--fail-on-problems`.
    pub failing_problems: usize,
    /// With `--usage`: the fullest claim and its fill (`data-web-2 91%`); `-` where none is
    /// measured. None: usage not read.
    pub fullest: Option<String>,
}

impl From<&Inspection> for OverviewRow {
    fn from(ins: &Inspection) -> Self {
        let revision = match &ins.rollout {
            RolloutState::InProgress { updated, want, .. } => format!("updating {updated}/{want}"),
            RolloutState::PausedAtPartition { partition } => {
                format!("paused at partition {partition}")
            }
            RolloutState::WaitingForDeletes { updated, replicas } => {
                format!("OnDelete {updated}/{replicas} updated")
            }
            RolloutState::NotObserved { generation, .. } => {
                format!("generation {generation} not observed")
            }
            RolloutState::Settled if ins.update_strategy.update_revision.is_some() => {
                "current".into()
            }
            RolloutState::Settled => "-".into(),
        };
        OverviewRow {
            namespace: ins.namespace.clone(),
            name: ins.name.clone(),
            ready: ins.replicas.ready,
            desired: ins.replicas.desired,
            pod_management_policy: ins.pod_management_policy.clone(),
            update_type: ins.update_strategy.type_.clone(),
            revision,
            service: ins.service.name.clone(),
            service_state: ins.service.state,
            retained_claims: ins
                .rows
                .iter()
                .filter(|r| r.kind == RowKind::Retained)
                .map(|r| r.volumes.len())
                .sum(),
            failing_problems: ins.failing_problems(),
            fullest: ins
                .rows
                .iter()
                .flat_map(|r| &r.volumes)
                .any(|v| v.usage.is_some())
                .then(|| fullest_claim(ins).unwrap_or_else(|| "-".into())),
        }
    }
}

/// Fills the USED column from the volume usage read: each claim of a pod that runs on a node
/// that is not dead, matched by the pod's uid. What could not be shown is said once under the
/// table (`usage_notes`); the permission, with why it is not read-only, never as advice.
pub fn attach_usage(ins: &mut Inspection, idx: &UsageIndex<'_>) {
    if !idx.asked() {
        return;
    }
    let ns = ins.namespace.clone();
    let mut silent: BTreeMap<String, String> = BTreeMap::new();
    let (mut no_stats, mut shared) = (Vec::new(), Vec::new());
    for row in &mut ins.rows {
        let pod = row
            .pod
            .as_ref()
            .filter(|_| row.node.as_ref().is_none_or(|n| !n.is_dead()));
        let on = pod.and_then(|p| Some((p.uid.as_str(), p.node.as_deref()?)));
        for v in &mut row.volumes {
            let size = [v.capacity.as_deref(), v.requested.as_deref()]
                .into_iter()
                .flatten()
                .filter_map(kube_common::quantity::parse)
                .max();
            let u = idx.claim(&ClaimQuery {
                namespace: &ns,
                claim: &v.claim,
                size,
                pod: on,
            });
            match u.as_ref().map(|u| u.state) {
                Some(UsageState::NodeDidNotAnswer) => {
                    let u = u.as_ref().expect("some");
                    silent.insert(
                        u.node.clone().unwrap_or_default(),
                        u.reason.clone().unwrap_or_default(),
                    );
                }
                Some(UsageState::NoStats) => no_stats.push(match v.source.as_deref() {
                    Some("hostPath") => format!("{} (hostPath)", v.claim),
                    _ => v.claim.clone(),
                }),
                Some(UsageState::SharedFilesystem) => shared.push(v.claim.clone()),
                _ => {}
            }
            v.usage = u;
        }
    }
    let mut notes = Vec::new();
    if idx.forbidden() {
        ins.missing_permissions
            .push(super::usage::PERMISSION.to_string());
        notes.push(format!(
            "USED unknown: volume usage is read from each node's kubelet through the API server, which needs {} ({})",
            super::usage::PERMISSION,
            super::usage::PERMISSION_WARNING
        ));
    }
    for (node, why) in &silent {
        notes.push(format!("USED: node {node} did not answer ({why})"));
    }
    if !no_stats.is_empty() {
        notes.push(format!(
            "USED: no volume stats for {}: the kubelet lists none for it (hostPath volumes and CSI drivers without volume stats publish none)",
            super::summarised(&no_stats, ", ")
        ));
    }
    if !shared.is_empty() {
        notes.push(format!(
            "USED: {} on a shared filesystem (its capacity is the disk's or the share's, far above the claim's): its numbers are not the claim's, and growing the claim would not change them",
            super::summarised(&shared, ", ")
        ));
    }
    ins.usage_notes = notes;
}

/// The overview's FULLEST cell: the set's fullest claim and its fill (`data-web-2 91%`).
pub fn fullest_claim(ins: &Inspection) -> Option<String> {
    ins.rows
        .iter()
        .flat_map(|r| &r.volumes)
        .filter_map(|v| Some((v, v.usage.as_ref()?.worst_fill()?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(v, f)| format!("{} {}", v.claim, super::usage::percent(f)))
}

impl Inspection {
    /// Problems that count for `--fail-on-problems` (warnings and errors).
    pub fn failing_problems(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity >= Severity::Warning)
            .count()
    }
}

#[cfg(test)]
mod volume_tests {
    use super::*;
    use crate::model::set::bound_to_set;
    use k8s_openapi::api::core::v1::PersistentVolume;
    use serde_json::json;

    #[test]
    fn only_volumes_bound_to_the_sets_own_claims() {
        let set: StatefulSet = serde_json::from_value(json!({
            "metadata": {"name": "web", "namespace": "db"},
            "spec": {"selector": {}, "serviceName": "web", "template": {},
                "volumeClaimTemplates": [{"metadata": {"name": "data"}}, {"metadata": {"name": "logs"}}]}
        }))
        .unwrap();
        let pv = |ns: &str, claim: &str| -> PersistentVolume {
            serde_json::from_value(json!({"metadata": {"name": "pv"},
                "spec": {"claimRef": {"namespace": ns, "name": claim}}}))
            .unwrap()
        };
        assert!(bound_to_set(&pv("db", "data-web-0"), &set));
        assert!(bound_to_set(&pv("db", "logs-web-12"), &set));
        assert!(
            !bound_to_set(&pv("other", "data-web-0"), &set),
            "another namespace"
        );
        assert!(
            !bound_to_set(&pv("db", "data-webby-0"), &set),
            "another set"
        );
        assert!(
            !bound_to_set(&pv("db", "data-web-x"), &set),
            "not an ordinal"
        );
        assert!(
            !bound_to_set(&pv("db", "cache-web-0"), &set),
            "not a template"
        );
        let unbound: PersistentVolume =
            serde_json::from_value(json!({"metadata": {"name": "pv"}, "spec": {}})).unwrap();
        assert!(!bound_to_set(&unbound, &set));
    }
}
