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
    /// What names its VolumeAttachments.
    pub attach: AttachId,
}

/// How the attach/detach controller names a volume's VolumeAttachments: only its CSI attacher
/// writes them (an in-tree plugin that is not migrated writes none), one per node, named
/// [`attachment_name`]. A cluster-scoped kind without a field selector: a command about one
/// set GETs its volumes' attachments by these names instead of listing the cluster's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AttachId {
    /// Not a CSI volume (hostPath, local, nfs, …) nor a migrated in-tree one: no attachment.
    #[default]
    None,
    /// The CSI driver and volume handle (a migrated in-tree volume's translated ones).
    Csi { driver: String, handle: String },
    /// A migrated in-tree volume whose translation this tool does not know (rbd, azureFile):
    /// its attachments can only be found by listing them.
    Unknown,
}

/// The VolumeAttachment the CSI attacher writes for this volume on this node:
/// `csi-` + hex sha256 of volume handle, driver and node name (`getAttachmentName`,
/// pkg/volume/csi/csi_attacher.go).
pub fn attachment_name(handle: &str, driver: &str, node: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{handle}{driver}{node}").as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!("csi-{hex}")
}

/// The CSI driver and handle the attacher uses for a PersistentVolume: its own CSI source, or
/// the one CSI migration translates an in-tree source to (k8s.io/csi-translation-lib/plugins:
/// every in-tree attachable plugin is migrated in v1.36).
fn attach_id(pv: &PersistentVolume) -> AttachId {
    let Some(spec) = pv.spec.as_ref() else {
        return AttachId::None;
    };
    let csi = |driver: &str, handle: String| AttachId::Csi {
        driver: driver.into(),
        handle,
    };
    if let Some(c) = &spec.csi {
        return csi(&c.driver, c.volume_handle.clone());
    }
    if let Some(ebs) = &spec.aws_elastic_block_store {
        // aws_ebs.go: KubernetesVolumeIDToEBSVolumeID (aws://<zone>/<vol-id> → <vol-id>)
        let id = match ebs.volume_id.strip_prefix("aws://") {
            Some(rest) => rest.rsplit('/').next().unwrap_or_default().to_string(),
            None => ebs.volume_id.clone(),
        };
        return csi("ebs.csi.aws.com", id);
    }
    if let Some(pd) = &spec.gce_persistent_disk {
        // gce_pd.go: projects/UNSPECIFIED/zones/<zone>/disks/<name>, or regions/<region> for
        // a regional disk (its zone label lists two zones joined by "__")
        let labels = pv.metadata.labels.as_ref();
        let zone = labels.and_then(|l| {
            l.get("topology.kubernetes.io/zone")
                .or_else(|| l.get("failure-domain.beta.kubernetes.io/zone"))
        });
        return match zone {
            Some(z) if z.contains("__") => {
                let first = z.split("__").next().unwrap_or_default();
                let region = first.rsplit_once('-').map_or(first, |(r, _)| r);
                csi(
                    "pd.csi.storage.gke.io",
                    format!("projects/UNSPECIFIED/regions/{region}/disks/{}", pd.pd_name),
                )
            }
            Some(z) => csi(
                "pd.csi.storage.gke.io",
                format!("projects/UNSPECIFIED/zones/{z}/disks/{}", pd.pd_name),
            ),
            None => AttachId::Unknown,
        };
    }
    if let Some(d) = &spec.azure_disk {
        // azure_disk.go: the disk URI is the handle
        return csi("disk.csi.azure.com", d.disk_uri.clone());
    }
    if let Some(c) = &spec.cinder {
        return csi("cinder.csi.openstack.org", c.volume_id.clone());
    }
    if let Some(v) = &spec.vsphere_volume {
        return csi("csi.vsphere.vmware.com", v.volume_path.clone());
    }
    if let Some(p) = &spec.portworx_volume {
        return csi("pxd.portworx.com", p.volume_id.clone());
    }
    if spec.rbd.is_some() || spec.azure_file.is_some() {
        return AttachId::Unknown;
    }
    AttachId::None
}

impl From<PersistentVolume> for Volume {
    fn from(pv: PersistentVolume) -> Volume {
        let source = volume_source(&pv);
        let attach = attach_id(&pv);
        let name = pv.metadata.name.unwrap_or_default();
        let phase = pv.status.and_then(|s| s.phase);
        let Some(spec) = pv.spec else {
            return Volume {
                name,
                phase,
                attach,
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
            attach,
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
    fn attachments_are_named_as_the_csi_attacher_names_them() {
        // sha256("vol-1" + "ebs.csi.aws.com" + "n1"), as getAttachmentName computes it
        let name = super::attachment_name("vol-1", "ebs.csi.aws.com", "n1");
        assert_eq!(name.len(), 68);
        assert!(name.starts_with("csi-"));
        assert_ne!(
            name,
            super::attachment_name("pv-1", "ebs.csi.aws.com", "n1")
        );
        let pv: k8s_openapi::api::core::v1::PersistentVolume =
            serde_json::from_value(serde_json::json!({"metadata": {"name": "pv-1"},
                "spec": {"awsElasticBlockStore": {"volumeID": "aws://eu-west-1a/vol-1"}}}))
            .unwrap();
        assert_eq!(
            super::Volume::from(pv).attach,
            super::AttachId::Csi {
                driver: "ebs.csi.aws.com".into(),
                handle: "vol-1".into()
            }
        );
        let pv: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(
            serde_json::json!({"metadata": {"name": "pv-2", "labels": {"topology.kubernetes.io/zone": "europe-west1-b"}},
                "spec": {"gcePersistentDisk": {"pdName": "d"}}}),
        )
        .unwrap();
        assert_eq!(
            super::Volume::from(pv).attach,
            super::AttachId::Csi {
                driver: "pd.csi.storage.gke.io".into(),
                handle: "projects/UNSPECIFIED/zones/europe-west1-b/disks/d".into()
            }
        );
    }

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
