//! Storage control loops:
//! - provisioner for the `local-path` (node-pinned) and `network` classes, PV
//!   shape as golden's (`pvc-<claim uid>`, CSI, reclaim Delete);
//! - PV binder (`pkg/controller/volume/persistentvolume`): bind, Released, reclaim;
//! - PVC/PV protection (`pkg/controller/volume/pvcprotection`, `pvprotection`);
//! - attach/detach (`pkg/controller/volume/attachdetach`) + CSI external attacher:
//!   VolumeAttachments, Multi-Attach, forced detach from unhealthy nodes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::ClusterApi;
use super::{condition, deleting, name, namespace, uid, Controller};
use crate::registry::{now, DeleteOpts};
use crate::Sim;

pub const LOCAL_PATH_PROVISIONER: &str = "rancher.io/local-path";
pub const LOCAL_PATH_DRIVER: &str = "local-path.csi.rancher.io";
pub const NETWORK_PROVISIONER: &str = "network.csi.kubectl-sts.io";
/// A zonal block store (as a cloud's disks): a volume lives in the zone of the node it was
/// provisioned for and attaches to any node of that zone.
pub const ZONAL_PROVISIONER: &str = "zonal.csi.kubectl-sts.io";
/// A node-local CSI driver whose volumes are pinned through its own topology key rather than
/// `kubernetes.io/hostname` (TopoLVM's provisioner name and key).
pub const TOPOLVM_PROVISIONER: &str = "topolvm.io";
pub const TOPOLVM_NODE_KEY: &str = "topology.topolvm.io/node";
pub const ZONE_KEY: &str = "topology.kubernetes.io/zone";
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
pub const OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service";

/// The StorageClasses a simulated cluster starts with.
pub fn storage_classes() -> Vec<Value> {
    vec![
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "local-path", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": LOCAL_PATH_PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer"}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "network"},
            "provisioner": NETWORK_PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": true}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "zonal"},
            "provisioner": ZONAL_PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": true}),
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "node-local"},
            "provisioner": TOPOLVM_PROVISIONER, "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": true}),
    ]
}

fn driver_for(provisioner: &str) -> &str {
    if provisioner == LOCAL_PATH_PROVISIONER {
        LOCAL_PATH_DRIVER
    } else {
        provisioner
    }
}

fn finalizers(o: &Value) -> Vec<String> {
    o["metadata"]["finalizers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(String::from))
        .collect()
}

fn remove_finalizer(sim: &dyn ClusterApi, kind: &str, o: &Value, f: &str) {
    let kept: Vec<String> = finalizers(o).into_iter().filter(|x| x != f).collect();
    let _ = sim.merge_patch(
        kind,
        namespace(o),
        name(o),
        &json!({"metadata": {"finalizers": kept}}),
    );
}

/// `kubernetes.io/csi/<driver>^<handle>`: the unique volume name in node status.
pub fn unique_volume_name(pv: &Value) -> String {
    format!(
        "kubernetes.io/csi/{}^{}",
        pv["spec"]["csi"]["driver"].as_str().unwrap_or(""),
        pv["spec"]["csi"]["volumeHandle"].as_str().unwrap_or("")
    )
}

/// VolumeAttachment name as the CSI attacher plugin derives it: `csi-<sha256(volumeHandle +
/// driver + node)>` (`getAttachmentName(pvSrc.VolumeHandle, pvSrc.Driver, node)` in
/// pkg/volume/csi/csi_attacher.go: the volume's handle, not the PersistentVolume's name).
pub fn attachment_name(handle: &str, driver: &str, node: &str) -> String {
    let h = Sha256::digest(format!("{handle}{driver}{node}").as_bytes());
    format!(
        "csi-{}",
        h.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

pub fn node_healthy(node: &Value) -> bool {
    condition(node, "Ready").is_some_and(|c| c["status"] == "True")
}

pub fn has_taint(node: &Value, key: &str) -> bool {
    node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["key"] == key)
}

/// The PVs (by name) a pod's claims are bound to.
pub fn pod_pvs(sim: &dyn ClusterApi, pod: &Value) -> Vec<std::sync::Arc<Value>> {
    pod["spec"]["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["persistentVolumeClaim"]["claimName"].as_str())
        .filter_map(|c| sim.get_kind("PersistentVolumeClaim", namespace(pod), c))
        .filter_map(|pvc| {
            pvc["spec"]["volumeName"]
                .as_str()
                .and_then(|v| sim.get_kind("PersistentVolume", "", v))
        })
        .collect()
}

#[derive(Default)]
pub struct Volumes {
    /// When an attachment stopped being wanted while its node was unhealthy.
    undesired_since: HashMap<String, Instant>,
    /// Attachments last seen in their node's volumesInUse (the actual state of world's
    /// MountedByNode): kept when the Node object goes, as the attach/detach controller keeps it.
    mounted_seen: HashMap<String, bool>,
    /// (pod uid, pv) pairs already told about a Multi-Attach error.
    multi_attach_reported: BTreeSet<(String, String)>,
    attached_reported: BTreeSet<(String, String)>,
    /// Claims being expanded: when the current resize phase began.
    resizing: HashMap<String, Instant>,
    /// See [`Volumes::external_only`].
    external_only: bool,
}

impl Controller for Volumes {
    fn name(&self) -> &'static str {
        "volumes"
    }

    fn reconcile(&mut self, sim: &Sim) {
        self.sync(sim)
    }
}

impl Volumes {
    /// Only what runs outside kube-controller-manager — the external provisioners (with their
    /// reclaim of released volumes), the CSI external attacher and resizer — for an agent
    /// process beside a real control plane, whose PV binder, PVC/PV protection, attach/detach
    /// and expand controllers do the rest.
    pub fn external_only() -> Volumes {
        Volumes {
            external_only: true,
            ..Default::default()
        }
    }

    pub fn sync(&mut self, sim: &dyn ClusterApi) {
        provision_and_bind(sim, self.external_only);
        if !self.external_only {
            protection(sim);
            self.attach_detach(sim);
        }
        external_attacher(sim);
        self.expand(sim);
    }
}

fn quantity(v: &Value) -> Option<i128> {
    v.as_str().and_then(kube_common::quantity::parse)
}

/// The pod running on a node that mounts the claim (the kubelet finishes a file system resize
/// online there).
fn mounting_pod(sim: &dyn ClusterApi, pvc: &Value) -> Option<std::sync::Arc<Value>> {
    sim.list_kind("Pod", Some(namespace(pvc)))
        .into_iter()
        .find(|p| {
            p["status"]["phase"] == "Running"
                && p["spec"]["volumes"].as_array().is_some_and(|vs| {
                    vs.iter()
                        .any(|v| v["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"])
                })
        })
}

impl Volumes {
    /// Volume expansion of a bound claim whose request is above its capacity. The
    /// kube-controller-manager's expand controller only says an external controller must act
    /// (golden `resize/` step 3: event `ExternalExpanding`, nothing else, where no resizer
    /// runs: the `local-path` class never gets here, admission refuses its growth). The
    /// `network` class has a CSI external-resizer, which follows its documented sequence
    /// (kubernetes-csi/external-resizer; KEP-1790 recovery fields): condition `Resizing`,
    /// `allocatedResources` = the request and `allocatedResourceStatuses`
    /// `ControllerResizeInProgress`; then the volume grows (PV capacity) and the claim waits
    /// for its node, `FileSystemResizePending` / `NodeResizePending`; the kubelet of a running
    /// pod that mounts it expands the file system online and sets `status.capacity`, clearing
    /// the condition and the status.
    fn expand(&mut self, sim: &dyn ClusterApi) {
        let step = sim.config().scaled(std::time::Duration::from_secs(1));
        for pvc in sim.list_kind("PersistentVolumeClaim", None) {
            let key = uid(&pvc).to_string();
            let request = quantity(&pvc["spec"]["resources"]["requests"]["storage"]);
            let capacity = quantity(&pvc["status"]["capacity"]["storage"]);
            if pvc["status"]["phase"] != "Bound" || deleting(&pvc) || request <= capacity {
                self.resizing.remove(&key);
                continue;
            }
            let Some(class) = pvc["spec"]["storageClassName"]
                .as_str()
                .and_then(|c| sim.get_kind("StorageClass", "", c))
            else {
                continue;
            };
            let (ns, claim) = (namespace(&pvc).to_string(), name(&pvc).to_string());
            let want = pvc["spec"]["resources"]["requests"]["storage"].clone();
            let statuses = pvc["status"]["allocatedResourceStatuses"]["storage"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let since = self.resizing.get(&key).copied();
            if since.is_none() {
                // kube-controller-manager's expand controller says so on the real tier
                if self.external_only {
                    self.resizing.insert(key.clone(), Instant::now());
                    continue;
                }
                sim.event(
                    &pvc,
                    "Normal",
                    "ExternalExpanding",
                    "waiting for an external controller to expand this PVC",
                    "volume_expand",
                    None,
                );
                self.resizing.insert(key.clone(), Instant::now());
                continue;
            }
            let Some(prov) = class["provisioner"].as_str().filter(|p| {
                [NETWORK_PROVISIONER, ZONAL_PROVISIONER, TOPOLVM_PROVISIONER].contains(p)
            }) else {
                // no resizer runs for it: nothing more happens (golden)
                continue;
            };
            let elapsed = since.map(|t| t.elapsed()).unwrap_or_default();
            let pv_name = pvc["spec"]["volumeName"].as_str().unwrap_or("").to_string();
            match statuses.as_str() {
                "" => {
                    let _ = sim.status_patch("PersistentVolumeClaim", &ns, &claim, &json!({"status": {
                        "conditions": [{"type": "Resizing", "status": "True", "lastProbeTime": null, "lastTransitionTime": crate::registry::now()}],
                        "allocatedResources": {"storage": want},
                        "allocatedResourceStatuses": {"storage": "ControllerResizeInProgress"}}}));
                    sim.event(
                        &pvc,
                        "Normal",
                        "Resizing",
                        &format!("External resizer is resizing volume {pv_name}"),
                        &format!("external-resizer {prov}"),
                        None,
                    );
                    self.resizing.insert(key, Instant::now());
                }
                "ControllerResizeInProgress" if elapsed >= step => {
                    let _ = sim.merge_patch(
                        "PersistentVolume",
                        "",
                        &pv_name,
                        &json!({"spec": {"capacity": {"storage": want}}}),
                    );
                    let _ = sim.status_patch("PersistentVolumeClaim", &ns, &claim, &json!({"status": {
                        "conditions": [{"type": "FileSystemResizePending", "status": "True", "lastProbeTime": null, "lastTransitionTime": crate::registry::now(),
                            "message": "Waiting for user to (re-)start a pod to finish file system resize of volume on node."}],
                        "allocatedResourceStatuses": {"storage": "NodeResizePending"}}}));
                    sim.event(
                        &pvc,
                        "Normal",
                        "FileSystemResizeRequired",
                        "Require file system resize of volume on node",
                        &format!("external-resizer {prov}"),
                        None,
                    );
                    self.resizing.insert(key, Instant::now());
                }
                "NodeResizePending" if elapsed >= step => {
                    if let Some(pod) = mounting_pod(sim, &pvc) {
                        let _ = sim.status_patch("PersistentVolumeClaim", &ns, &claim, &json!({"status": {
                            "capacity": {"storage": want}, "conditions": null, "allocatedResourceStatuses": null}}));
                        // the kubelet's event, on the pod and on the claim, with its node at the
                        // end, as real clusters record it
                        let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
                        let msg = format!(
                            "MountVolume.NodeExpandVolume succeeded for volume \"{pv_name}\" {node}"
                        );
                        for o in [&*pod, &*pvc] {
                            sim.event(
                                o,
                                "Normal",
                                "FileSystemResizeSuccessful",
                                &msg,
                                "kubelet",
                                None,
                            );
                        }
                        self.resizing.remove(&key);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The external provisioners and, unless `external_only`, kube-controller-manager's PV binder.
fn provision_and_bind(sim: &dyn ClusterApi, external_only: bool) {
    let classes: BTreeMap<String, std::sync::Arc<Value>> = sim
        .list_kind("StorageClass", None)
        .into_iter()
        .map(|c| (name(&c).to_string(), c))
        .collect();
    for pvc in sim.list_kind("PersistentVolumeClaim", None) {
        if deleting(&pvc)
            || pvc["spec"]["volumeName"]
                .as_str()
                .is_some_and(|v| !v.is_empty())
        {
            continue;
        }
        let class_name = pvc["spec"]["storageClassName"].as_str().unwrap_or("");
        let Some(class) = classes.get(class_name) else {
            continue;
        };
        let prov = class["provisioner"].as_str().unwrap_or("");
        let pv_name = format!("pvc-{}", uid(&pvc));
        let ns = namespace(&pvc);
        let selected = pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
            .as_str()
            .map(String::from);
        let wffc = class["volumeBindingMode"] == "WaitForFirstConsumer";
        if wffc && selected.is_none() {
            continue;
        }
        let annotated = &pvc["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"];
        if external_only && annotated != prov {
            // an external-provisioner acts on claims the PV controller has handed to it
            // (kubernetes-csi/external-provisioner, its claim filter on this annotation, which
            // pkg/controller/volume/persistentvolume sets for out-of-tree provisioners)
            continue;
        }
        if annotated.is_null() {
            let _ = sim.merge_patch("PersistentVolumeClaim", ns, name(&pvc), &json!({"metadata": {"annotations": {
                "volume.beta.kubernetes.io/storage-provisioner": prov, "volume.kubernetes.io/storage-provisioner": prov}}}));
        }
        let pv = match sim.get_kind("PersistentVolume", "", &pv_name) {
            Some(pv) => pv,
            None => {
                let node = selected.clone().unwrap_or_default();
                let storage = pvc["spec"]["resources"]["requests"]["storage"].clone();
                let mut annotations = json!({"pv.kubernetes.io/provisioned-by": prov});
                let mut spec = json!({
                    "accessModes": pvc["spec"]["accessModes"],
                    "capacity": {"storage": storage},
                    "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": name(&pvc), "namespace": ns,
                        "resourceVersion": pvc["metadata"]["resourceVersion"], "uid": uid(&pvc)},
                    "csi": {"driver": driver_for(prov), "fsType": "ext4", "volumeHandle": pv_name, "volumeAttributes": {}},
                    "persistentVolumeReclaimPolicy": class["reclaimPolicy"].as_str().unwrap_or("Delete"),
                    "storageClassName": class_name,
                    "volumeMode": pvc["spec"]["volumeMode"].as_str().unwrap_or("Filesystem"),
                });
                let pin = |key: &str, value: &str| json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": key, "operator": "In", "values": [value]}]}]}});
                match prov {
                    LOCAL_PATH_PROVISIONER => {
                        annotations["local.path.provisioner/selected-node"] = json!(node);
                        spec["csi"]["volumeAttributes"] = json!({"node": node, "path": format!("/opt/local-path-provisioner/{pv_name}_{ns}_{}", name(&pvc))});
                        spec["nodeAffinity"] = pin("kubernetes.io/hostname", &node);
                    }
                    TOPOLVM_PROVISIONER => {
                        spec["nodeAffinity"] = pin(TOPOLVM_NODE_KEY, &node);
                    }
                    ZONAL_PROVISIONER => {
                        // the zone of the selected node (external-provisioner's topology from
                        // the selected node's labels for the driver's key)
                        let zone = sim.get_kind("Node", "", &node).and_then(|n| {
                            n["metadata"]["labels"][ZONE_KEY].as_str().map(String::from)
                        });
                        let Some(zone) = zone else {
                            continue; // a zonal driver cannot provision for a node without a zone
                        };
                        spec["nodeAffinity"] = pin(ZONE_KEY, &zone);
                    }
                    _ => {}
                }
                let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": pv_name, "annotations": annotations}, "spec": spec});
                match sim.create_kind("PersistentVolume", "", pv) {
                    Ok(pv) => {
                        sim.event(
                            &pvc,
                            "Normal",
                            "ProvisioningSucceeded",
                            &format!("Successfully provisioned volume {pv_name}"),
                            prov,
                            None,
                        );
                        pv
                    }
                    Err(_) => continue,
                }
            }
        };
        if !external_only {
            bind(sim, &pvc, &pv);
        }
    }
    if external_only {
        // the external-provisioner deletes the volumes it provisioned once the PV controller
        // has released them under reclaim policy Delete (the PV controller only waits for it:
        // "waiting for a volume to be deleted by the external provisioner")
        for pv in sim.list_kind("PersistentVolume", None) {
            let ours = classes.values().any(|c| {
                pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == c["provisioner"]
            });
            if ours
                && pv["status"]["phase"] == "Released"
                && pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
                && !deleting(&pv)
            {
                let _ = sim.delete_kind("PersistentVolume", "", name(&pv), &DeleteOpts::default());
            }
        }
        return;
    }
    // PV side: phase Available/Bound/Released, reclaim Delete
    for pv in sim.list_kind("PersistentVolume", None) {
        let claim = &pv["spec"]["claimRef"];
        let phase = pv["status"]["phase"].as_str().unwrap_or("");
        let want = if claim.is_null() {
            "Available"
        } else {
            match sim.get_kind(
                "PersistentVolumeClaim",
                claim["namespace"].as_str().unwrap_or(""),
                claim["name"].as_str().unwrap_or(""),
            ) {
                Some(c) if uid(&c) == claim["uid"].as_str().unwrap_or("") => {
                    if c["spec"]["volumeName"] == pv["metadata"]["name"] {
                        "Bound"
                    } else {
                        phase_or(phase, "Pending")
                    }
                }
                _ => "Released",
            }
        };
        if phase != want {
            let _ = sim.status_patch(
                "PersistentVolume",
                "",
                name(&pv),
                &json!({"status": {"phase": want, "lastPhaseTransitionTime": now()}}),
            );
        }
        if want == "Released"
            && pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
            && !deleting(&pv)
        {
            let _ = sim.delete_kind("PersistentVolume", "", name(&pv), &DeleteOpts::default());
        }
    }
}

fn phase_or<'a>(p: &'a str, d: &'a str) -> &'a str {
    if p.is_empty() {
        d
    } else {
        p
    }
}

/// syncUnboundClaim → bindVolumeToClaim / bindClaimToVolume.
fn bind(sim: &dyn ClusterApi, pvc: &Value, pv: &Value) {
    let ns = namespace(pvc);
    let _ = sim.merge_patch("PersistentVolumeClaim", ns, name(pvc), &json!({
        "metadata": {"annotations": {"pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes"}},
        "spec": {"volumeName": name(pv)}}));
    let _ = sim.status_patch("PersistentVolumeClaim", ns, name(pvc), &json!({"status": {
        "phase": "Bound", "accessModes": pv["spec"]["accessModes"], "capacity": pv["spec"]["capacity"]}}));
    let _ = sim.status_patch(
        "PersistentVolume",
        "",
        name(pv),
        &json!({"status": {"phase": "Bound", "lastPhaseTransitionTime": now()}}),
    );
}

fn protection(sim: &dyn ClusterApi) {
    let pods = sim.list_kind("Pod", None);
    for pvc in sim.list_kind("PersistentVolumeClaim", None) {
        if !deleting(&pvc) || !finalizers(&pvc).iter().any(|f| f == PVC_PROTECTION) {
            continue;
        }
        // in use: a scheduled pod in the namespace that references it and has not terminated
        // (pkg/controller/volume/pvcprotection, podUsesPVC: only pods with spec.nodeName count,
        // "because kubelet sees pods after they have been scheduled and it won't allow starting
        // a pod referencing a PVC with a non-nil deletionTimestamp")
        let used = pods.iter().any(|p| {
            namespace(p) == namespace(&pvc)
                && p["spec"]["nodeName"]
                    .as_str()
                    .is_some_and(|n| !n.is_empty())
                && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
                && p["spec"]["volumes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|v| v["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"])
        });
        if !used {
            remove_finalizer(sim, "PersistentVolumeClaim", &pvc, PVC_PROTECTION);
        }
    }
    for pv in sim.list_kind("PersistentVolume", None) {
        if deleting(&pv)
            && finalizers(&pv).iter().any(|f| f == PV_PROTECTION)
            && pv["status"]["phase"] != "Bound"
        {
            remove_finalizer(sim, "PersistentVolume", &pv, PV_PROTECTION);
        }
    }
}

impl Volumes {
    fn attach_detach(&mut self, sim: &dyn ClusterApi) {
        let nodes: BTreeMap<String, std::sync::Arc<Value>> = sim
            .list_kind("Node", None)
            .into_iter()
            .map(|n| (name(&n).to_string(), n))
            .collect();
        let vas: Vec<_> = sim.list_kind("VolumeAttachment", None);
        // desired: (pv, node) for every pod bound to an existing node that still exists as an object
        let mut desired: BTreeMap<(String, String), std::sync::Arc<Value>> = BTreeMap::new();
        for pod in sim.list_kind("Pod", None) {
            let Some(node) = pod["spec"]["nodeName"]
                .as_str()
                .filter(|n| nodes.contains_key(*n))
            else {
                continue;
            };
            if matches!(
                pod["status"]["phase"].as_str(),
                Some("Succeeded" | "Failed")
            ) {
                continue;
            }
            for pv in pod_pvs(sim, &pod) {
                if pv["spec"]["csi"].is_null() {
                    continue;
                }
                desired
                    .entry((name(&pv).to_string(), node.to_string()))
                    .or_insert_with(|| pod.clone());
            }
        }
        for ((pv_name, node), pod) in &desired {
            let Some(pv) = sim.get_kind("PersistentVolume", "", pv_name) else {
                continue;
            };
            let driver = pv["spec"]["csi"]["driver"].as_str().unwrap_or("");
            let handle = pv["spec"]["csi"]["volumeHandle"].as_str().unwrap_or("");
            let va_name = attachment_name(handle, driver, node);
            let existing = vas.iter().find(|v| name(v) == va_name);
            let elsewhere = vas.iter().find(|v| {
                v["spec"]["source"]["persistentVolumeName"] == pv_name.as_str()
                    && v["spec"]["nodeName"] != node.as_str()
            });
            let rwx = pv["spec"]["accessModes"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|m| m == "ReadWriteMany" || m == "ReadOnlyMany");
            match existing {
                Some(va) => {
                    if va["status"]["attached"] == true
                        && self
                            .attached_reported
                            .insert((uid(pod).to_string(), pv_name.clone()))
                    {
                        sim.event(
                            pod,
                            "Normal",
                            "SuccessfulAttachVolume",
                            &format!("AttachVolume.Attach succeeded for volume \"{pv_name}\" "),
                            "attachdetach-controller",
                            None,
                        );
                    }
                }
                None if elsewhere.is_some() && !rwx => {
                    if self
                        .multi_attach_reported
                        .insert((uid(pod).to_string(), pv_name.clone()))
                    {
                        sim.event(pod, "Warning", "FailedAttachVolume", &format!("Multi-Attach error for volume \"{pv_name}\" Volume is already exclusively attached to one node and can't be attached to another"), "attachdetach-controller", None);
                    }
                }
                None => {
                    let va = json!({"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": {"name": va_name},
                        "spec": {"attacher": driver, "nodeName": node, "source": {"persistentVolumeName": pv_name}}});
                    let _ = sim.create_kind("VolumeAttachment", "", va);
                }
            }
        }
        // detach what is no longer wanted; from an unhealthy node only when forced
        let force_after = sim.config().force_detach_after;
        for va in &vas {
            let key = (
                va["spec"]["source"]["persistentVolumeName"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                va["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
            );
            let node = nodes.get(&key.1);
            let in_use = node.is_some_and(|n| {
                let pv = sim.get_kind("PersistentVolume", "", &key.0);
                pv.is_some_and(|pv| {
                    n["status"]["volumesInUse"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|v| v == unique_volume_name(&pv).as_str())
                })
            });
            // a Node object that is gone leaves MountedByNode as it was last seen: a volume
            // seen mounted still waits for maxWaitForUnmountDuration (6 min) before the forced
            // detach (pkg/controller/volume/attachdetach/reconciler/reconciler.go)
            let mounted = if node.is_some() {
                self.mounted_seen.insert(name(va).to_string(), in_use);
                in_use
            } else {
                self.mounted_seen.get(name(va)).copied().unwrap_or(false)
            };
            if desired.contains_key(&key) || deleting(va) {
                self.undesired_since.remove(name(va));
                if deleting(va) {
                    self.mounted_seen.remove(name(va));
                }
                continue;
            }
            let healthy = node.is_some_and(|n| node_healthy(n));
            let out_of_service = node.is_some_and(|n| has_taint(n, OUT_OF_SERVICE));
            let since = *self
                .undesired_since
                .entry(name(va).to_string())
                .or_insert_with(Instant::now);
            let detach = (node.is_none() && !mounted)
                || (healthy && !in_use)
                || out_of_service
                || since.elapsed() >= force_after;
            if detach {
                let _ = sim.delete_kind("VolumeAttachment", "", name(va), &DeleteOpts::default());
                self.undesired_since.remove(name(va));
                self.mounted_seen.remove(name(va));
            }
        }
        // node.status.volumesAttached mirrors attached VolumeAttachments
        for (node_name, node) in &nodes {
            let mut attached: Vec<Value> = vas
                .iter()
                .filter(|v| {
                    v["spec"]["nodeName"] == node_name.as_str()
                        && v["status"]["attached"] == true
                        && !deleting(v)
                })
                .filter_map(|v| {
                    sim.get_kind(
                        "PersistentVolume",
                        "",
                        v["spec"]["source"]["persistentVolumeName"]
                            .as_str()
                            .unwrap_or(""),
                    )
                })
                .map(|pv| json!({"devicePath": "", "name": unique_volume_name(&pv)}))
                .collect();
            attached.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
            let cur = node["status"]["volumesAttached"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if cur != attached {
                let v = if attached.is_empty() {
                    Value::Null
                } else {
                    json!(attached)
                };
                let _ = sim.status_patch(
                    "Node",
                    "",
                    node_name,
                    &json!({"status": {"volumesAttached": v}}),
                );
            }
        }
    }
}

/// The CSI external-attacher: marks attachments attached (with its finalizer) and
/// releases them when deleted. It runs in the control plane, so a dead node does not stop it.
fn external_attacher(sim: &dyn ClusterApi) {
    for va in sim.list_kind("VolumeAttachment", None) {
        let driver = va["spec"]["attacher"].as_str().unwrap_or("");
        let fin = format!("external-attacher/{}", driver.replace('.', "-"));
        if deleting(&va) {
            if finalizers(&va).contains(&fin) {
                remove_finalizer(sim, "VolumeAttachment", &va, &fin);
            }
            continue;
        }
        if !finalizers(&va).contains(&fin) {
            let mut f = finalizers(&va);
            f.push(fin.clone());
            let _ = sim.merge_patch(
                "VolumeAttachment",
                "",
                name(&va),
                &json!({"metadata": {"finalizers": f}}),
            );
            continue;
        }
        if va["status"]["attached"] != true {
            let node = va["spec"]["nodeName"].clone();
            let _ = sim.status_patch(
                "VolumeAttachment",
                "",
                name(&va),
                &json!({"status": {"attached": true, "attachmentMetadata": {"node": node}}}),
            );
        }
    }
}
