//! Plain data and pure decisions: the snapshot fetched from the API, and the
//! per-ordinal join and diagnosis built from it. Nothing here does I/O.

pub mod check;
pub mod cordon;
pub mod disruption;
pub mod findings;
pub mod force;
pub mod gate;
pub mod health;
pub mod inspect;
pub mod lease;
pub mod placement;
pub mod recover;
pub mod resize;
pub mod rollout;
pub mod scale;
pub mod set;
pub mod starting;
pub mod stuck;
pub mod update;
pub mod usage;
pub mod view;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    Node, NodeSelector, PersistentVolume, PersistentVolumeClaim, Pod, Service,
};
use k8s_openapi::api::storage::v1::VolumeAttachment;

/// The field manager of every write (kubectl's own are "kubectl-client-side-apply",
/// "kubectl-edit"…): managedFields then name this tool, which proves whose a cordon is
/// (`cordon`), and a later server-side apply's conflict says who changed the field instead of
/// "unknown" (golden resize: after-resize-apply-server-side.txt).
pub const FIELD_MANAGER: &str = "kubectl-sts";

/// A plan's steps joined for one line, summarised beyond a screenful: the first few, how many
/// are left out, the last two (the JSON document keeps every step).
pub fn summarised(items: &[String], sep: &str) -> String {
    const HEAD: usize = 5;
    const TAIL: usize = 2;
    if items.len() <= HEAD + TAIL + 1 {
        return items.join(sep);
    }
    format!(
        "{}{sep}… {} more …{sep}{}",
        items[..HEAD].join(sep),
        items.len() - HEAD - TAIL,
        items[items.len() - TAIL..].join(sep)
    )
}

/// A lookup that may be denied by RBAC (least privilege) rather than fail.
#[derive(Debug, Clone)]
pub enum Access<T> {
    Ok(T),
    Forbidden,
}

impl<T> Access<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Access::Ok(t) => Some(t),
            Access::Forbidden => None,
        }
    }
}

/// What the governing Service lookup found.
#[derive(Debug, Clone)]
pub enum ServiceLookup {
    Found(Box<Service>),
    Missing,
    Forbidden,
}

/// What guarded scale needs about one StatefulSet: the set, its pods, and where
/// fetched, its claims and the nodes (empty when not fetched).
#[derive(Debug, Clone)]
pub struct SetParts {
    pub set: StatefulSet,
    pub pods: Vec<Pod>,
    pub claims: Vec<PersistentVolumeClaim>,
    pub nodes: Access<Vec<Node>>,
    pub now: jiff::Timestamp,
}

/// Everything inspect needs about one StatefulSet, as fetched.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub set: StatefulSet,
    pub pods: Vec<Pod>,
    pub claims: Vec<Claim>,
    pub volumes: Access<Vec<Volume>>,
    pub nodes: Access<Vec<Node>>,
    pub attachments: Access<Vec<Attachment>>,
    pub service: ServiceLookup,
    pub now: jiff::Timestamp,
}

/// Every StatefulSet of a namespace (or the cluster) and the objects their joins read, as
/// fetched for the overview: one list per kind, each object once (never copied per set).
#[derive(Debug, Clone)]
pub struct Fleet {
    pub sets: Vec<StatefulSet>,
    pub pods: Vec<Pod>,
    pub claims: Vec<Claim>,
    pub services: Access<Vec<Service>>,
    pub volumes: Access<Vec<Volume>>,
    pub nodes: Access<Vec<Node>>,
    pub attachments: Access<Vec<Attachment>>,
    pub now: jiff::Timestamp,
}

/// A PersistentVolume as the joins read it, projected as each page is decoded: the typed
/// object is 3.5 KB whatever it holds (its spec inlines every volume source), and a set of
/// ten thousand replicas has ten thousand of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Volume {
    pub name: String,
    /// `spec.claimRef`: namespace and name.
    pub claim: Option<(String, String)>,
    pub capacity: Option<String>,
    pub storage_class: Option<String>,
    pub reclaim_policy: Option<String>,
    pub access_modes: Option<Vec<String>>,
    pub phase: Option<String>,
    /// `spec.nodeAffinity.required`: where the volume can be used from.
    pub node_affinity: Option<NodeSelector>,
    /// `csi:<driver>`, `hostPath`, `local`, …
    pub source: Option<String>,
}

impl From<PersistentVolume> for Volume {
    fn from(pv: PersistentVolume) -> Volume {
        let source = volume_source(&pv);
        let name = pv.metadata.name.unwrap_or_default();
        let phase = pv.status.and_then(|s| s.phase);
        let Some(spec) = pv.spec else {
            return Volume {
                name,
                phase,
                ..Default::default()
            };
        };
        Volume {
            name,
            claim: spec
                .claim_ref
                .map(|c| (c.namespace.unwrap_or_default(), c.name.unwrap_or_default())),
            capacity: spec
                .capacity
                .and_then(|mut c| c.remove("storage"))
                .map(|q| q.0),
            storage_class: spec.storage_class_name,
            reclaim_policy: spec.persistent_volume_reclaim_policy,
            access_modes: spec.access_modes,
            phase,
            node_affinity: spec.node_affinity.and_then(|a| a.required),
            source,
        }
    }
}

/// Which kind of storage backs the volume, as one word.
fn volume_source(pv: &PersistentVolume) -> Option<String> {
    let spec = pv.spec.as_ref()?;
    if let Some(csi) = &spec.csi {
        return Some(format!("csi:{}", csi.driver));
    }
    let named = [
        ("hostPath", spec.host_path.is_some()),
        ("local", spec.local.is_some()),
        ("nfs", spec.nfs.is_some()),
        (
            "awsElasticBlockStore",
            spec.aws_elastic_block_store.is_some(),
        ),
        ("gcePersistentDisk", spec.gce_persistent_disk.is_some()),
        ("iscsi", spec.iscsi.is_some()),
        ("rbd", spec.rbd.is_some()),
        ("cephfs", spec.cephfs.is_some()),
        ("fc", spec.fc.is_some()),
        ("azureDisk", spec.azure_disk.is_some()),
    ];
    named
        .iter()
        .find(|(_, set)| *set)
        .map(|(k, _)| k.to_string())
}

/// A VolumeAttachment as the joins read it (the typed one is 3.6 KB: its source inlines a
/// whole PersistentVolumeSpec).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    pub volume: Option<String>,
    pub node: String,
    pub attached: bool,
    pub deleting: bool,
}

impl From<VolumeAttachment> for Attachment {
    fn from(va: VolumeAttachment) -> Attachment {
        Attachment {
            volume: va.spec.source.persistent_volume_name,
            node: va.spec.node_name,
            attached: va.status.is_some_and(|s| s.attached),
            deleting: va.metadata.deletion_timestamp.is_some(),
        }
    }
}

/// A PersistentVolumeClaim as the joins read it (the typed one is about 1 KB before its
/// strings, and there is one per replica and template).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claim {
    pub namespace: String,
    pub name: String,
    pub uid: Option<String>,
    pub deleting: bool,
    pub phase: Option<String>,
    pub volume_name: Option<String>,
    /// `spec.resources.requests.storage`
    pub request: Option<String>,
    pub storage_class: Option<String>,
    pub access_modes: Option<Vec<String>>,
}

impl From<PersistentVolumeClaim> for Claim {
    fn from(c: PersistentVolumeClaim) -> Claim {
        let spec = c.spec.unwrap_or_default();
        Claim {
            namespace: c.metadata.namespace.unwrap_or_default(),
            name: c.metadata.name.unwrap_or_default(),
            uid: c.metadata.uid,
            deleting: c.metadata.deletion_timestamp.is_some(),
            phase: c.status.and_then(|s| s.phase),
            volume_name: spec.volume_name.filter(|v| !v.is_empty()),
            request: spec
                .resources
                .and_then(|r| r.requests)
                .and_then(|mut r| r.remove("storage"))
                .map(|q| q.0),
            storage_class: spec.storage_class_name,
            access_modes: spec.access_modes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::summarised;

    #[test]
    fn long_plans_are_summarised() {
        let few: Vec<String> = (0..8).map(|i| format!("add web-{i}")).collect();
        assert_eq!(summarised(&few, ", ").matches("add").count(), 8);
        let many: Vec<String> = (0..10_000).map(|i| format!("add web-{i}")).collect();
        let s = summarised(&many, ", then ");
        assert_eq!(
            s,
            "add web-0, then add web-1, then add web-2, then add web-3, then add web-4, then … 9993 more …, then add web-9998, then add web-9999"
        );
    }
}
