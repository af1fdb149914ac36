//! The kubelet's Summary API (`GET /stats/summary`), as the API server's node proxy reaches it
//! (`/api/v1/nodes/{node}/proxy/stats/summary`).
//!
//! The shape is the kubelet's, field by field (`k8s.io/kubelet/pkg/apis/stats/v1alpha1`
//! `Summary`, built by `pkg/kubelet/server/stats/summary.go`): the node's stats, then one entry
//! per pod the kubelet runs with its containers and `volume` list. The volume list follows
//! `volume_stat_calculator.go` (`calcAndStoreStats`, `parsePodVolumeStats`): a volume whose
//! plugin publishes no metrics (`GetMetrics` is not supported: hostPath, a CSI driver without
//! `GET_VOLUME_STATS`) is left out; the others carry every number, written as 0 where the
//! plugin had none, and a `pvcRef` when the pod's volume names a claim.
//!
//! What a volume holds is staged by tests (`Sim::stage_volume`); unstaged, a volume is freshly
//! formatted (ext4: 11 inodes in use, nothing else).

use serde_json::{json, Value};

use crate::controllers::kubelet::powered_off;
use crate::controllers::volumes::LOCAL_PATH_DRIVER;
use crate::controllers::{name, namespace, uid};
use crate::registry::now;
use crate::status::ApiError;
use crate::Sim;

/// What a test staged for one claim's volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeStage {
    /// Bytes and inodes in use on the volume's filesystem.
    Used { bytes: u64, inodes: u64 },
    /// Its CSI driver does not publish volume stats (no `GET_VOLUME_STATS` capability).
    NoStats,
}

/// Bytes per inode of `mkfs.ext4`'s default profile (`inode_ratio = 16384`).
const BYTES_PER_INODE: u64 = 16384;
/// Inodes a fresh ext4 filesystem uses (the reserved ones up to `lost+found`).
const FRESH_INODES: u64 = 11;

/// `Status` of the node proxy when it cannot reach the kubelet: the proxy transport's own error
/// (apimachinery `pkg/util/proxy/transport.go` `RoundTrip`:
/// `errors.NewServiceUnavailable("error trying to reach service: " + err)`), here the dial to a
/// machine that is off.
fn unreachable(node: &Value) -> ApiError {
    let ip = node["status"]["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["type"] == "InternalIP")
        .and_then(|a| a["address"].as_str())
        .unwrap_or("");
    let port = node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"]
        .as_i64()
        .unwrap_or(10250);
    ApiError::new(
        503,
        "ServiceUnavailable",
        format!("error trying to reach service: dial tcp {ip}:{port}: connect: no route to host"),
        None,
    )
}

impl Sim {
    /// Stages what a claim's volume holds (see [`VolumeStage`]), as its kubelet will report it.
    pub fn stage_volume(&self, namespace: &str, claim: &str, stage: VolumeStage) {
        self.volume_stages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((namespace.to_string(), claim.to_string()), stage);
    }

    fn staged(&self, namespace: &str, claim: &str) -> Option<VolumeStage> {
        self.volume_stages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(namespace.to_string(), claim.to_string()))
            .copied()
    }

    /// What the node proxy answers for `path` on `node` (kube-apiserver
    /// `pkg/registry/core/node/rest/proxy.go`: the node's kubelet, or the proxy's error).
    pub fn node_proxy(&self, node: &str, path: &str) -> Result<Value, ApiError> {
        let def = crate::controllers::def("Node");
        let n = self
            .get_kind("Node", "", node)
            .ok_or_else(|| crate::status::not_found(def, node))?;
        if powered_off(&n) {
            return Err(unreachable(&n));
        }
        match path.trim_matches('/') {
            "stats/summary" => Ok(self.summary(&n)),
            // the kubelet's mux for a path it does not serve
            _ => Err(ApiError::page_not_found()),
        }
    }

    /// The node's Summary: its pods that run, each with the stats of its volumes.
    fn summary(&self, node: &Value) -> Value {
        let node_name = name(node);
        let at = now();
        let disk = quantity(&node["status"]["capacity"]["ephemeral-storage"]).unwrap_or(0);
        let pods: Vec<Value> = self
            .list_kind("Pod", None)
            .iter()
            .filter(|p| p["spec"]["nodeName"] == node_name && p["status"]["phase"] == "Running")
            .map(|p| self.pod_stats(p, disk, &at))
            .collect();
        json!({
            "node": {
                "nodeName": node_name,
                "startTime": node["metadata"]["creationTimestamp"],
                "cpu": {"time": at, "usageNanoCores": 250_000_000u64, "usageCoreNanoSeconds": 1_000_000_000_000u64},
                "memory": {"time": at, "availableBytes": 6u64 << 30, "usageBytes": 2u64 << 30, "workingSetBytes": 2u64 << 30, "rssBytes": 1u64 << 30, "pageFaults": 0, "majorPageFaults": 0},
                "fs": {"time": at, "availableBytes": disk / 10 * 8, "capacityBytes": disk, "usedBytes": disk / 10 * 2,
                    "inodesFree": disk / BYTES_PER_INODE / 10 * 9, "inodes": disk / BYTES_PER_INODE, "inodesUsed": disk / BYTES_PER_INODE / 10},
                "runtime": {"imageFs": {"time": at, "availableBytes": disk / 10 * 8, "capacityBytes": disk, "usedBytes": 1u64 << 30}},
                "rlimit": {"time": at, "maxpid": 4_194_304, "curproc": 300}
            },
            "pods": pods,
        })
    }

    fn pod_stats(&self, pod: &Value, disk: u64, at: &str) -> Value {
        let ns = namespace(pod);
        let started = pod["status"]["startTime"].clone();
        let containers: Vec<Value> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| json!({"name": c["name"], "startTime": started,
                "cpu": {"time": at, "usageNanoCores": 1_000_000u64, "usageCoreNanoSeconds": 1_000_000_000u64},
                "memory": {"time": at, "usageBytes": 20u64 << 20, "workingSetBytes": 16u64 << 20, "rssBytes": 8u64 << 20, "pageFaults": 0, "majorPageFaults": 0},
                "rootfs": {"time": at, "availableBytes": disk / 10 * 8, "capacityBytes": disk, "usedBytes": 4096, "inodesFree": disk / BYTES_PER_INODE / 10 * 9, "inodes": disk / BYTES_PER_INODE, "inodesUsed": 1},
                "logs": {"time": at, "availableBytes": disk / 10 * 8, "capacityBytes": disk, "usedBytes": 4096, "inodesFree": disk / BYTES_PER_INODE / 10 * 9, "inodes": disk / BYTES_PER_INODE, "inodesUsed": 1}}))
            .collect();
        let volumes: Vec<Value> = pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| self.volume_stats(ns, v, disk, at))
            .collect();
        let mut stats = json!({
            "podRef": {"name": name(pod), "namespace": ns, "uid": uid(pod)},
            "startTime": started,
            "containers": containers,
            "cpu": {"time": at, "usageNanoCores": 1_000_000u64, "usageCoreNanoSeconds": 1_000_000_000u64},
            "memory": {"time": at, "usageBytes": 20u64 << 20, "workingSetBytes": 16u64 << 20, "rssBytes": 8u64 << 20, "pageFaults": 0, "majorPageFaults": 0},
            "ephemeral-storage": {"time": at, "availableBytes": disk / 10 * 8, "capacityBytes": disk, "usedBytes": 8192, "inodesFree": disk / BYTES_PER_INODE / 10 * 9, "inodes": disk / BYTES_PER_INODE, "inodesUsed": 2},
            "process_stats": {"process_count": 1},
        });
        // `volume` is omitempty
        if !volumes.is_empty() {
            stats["volume"] = json!(volumes);
        }
        stats
    }

    /// One pod volume's stats, or None where its plugin publishes none.
    fn volume_stats(&self, ns: &str, v: &Value, disk: u64, at: &str) -> Option<Value> {
        let vname = v["name"].as_str().unwrap_or_default();
        let fs = |capacity: u64, used: u64, inodes_used: u64, shared_rest: u64| {
            let inodes = capacity / BYTES_PER_INODE;
            json!({"time": at, "availableBytes": capacity.saturating_sub(used + shared_rest),
                "capacityBytes": capacity, "usedBytes": used,
                "inodesFree": inodes.saturating_sub(inodes_used), "inodes": inodes, "inodesUsed": inodes_used,
                "name": vname})
        };
        let Some(claim) = v["persistentVolumeClaim"]["claimName"].as_str() else {
            // emptyDir and projected volumes live on the node's filesystem: its numbers
            return (v.get("emptyDir").is_some() || v.get("projected").is_some())
                .then(|| fs(disk, 4096, 3, disk / 10 * 2));
        };
        let pvc = self.get_kind("PersistentVolumeClaim", ns, claim)?;
        let pv = self.get_kind("PersistentVolume", "", pvc["spec"]["volumeName"].as_str()?)?;
        // hostPath: its plugin's GetMetrics is not supported (pkg/volume/hostpath)
        if pv["spec"].get("hostPath").is_some() {
            return None;
        }
        let (used, inodes_used) = match self.staged(ns, claim) {
            Some(VolumeStage::NoStats) => return None,
            Some(VolumeStage::Used { bytes, inodes }) => (bytes, inodes),
            None => (0, FRESH_INODES),
        };
        let mut out = if pv["spec"]["csi"]["driver"] == LOCAL_PATH_DRIVER {
            // a directory on the node's disk: statfs answers for the whole disk, which others use too
            fs(disk, used, inodes_used, disk / 10 * 2)
        } else {
            let capacity = quantity(&pv["spec"]["capacity"]["storage"]).unwrap_or(0);
            fs(capacity, used, inodes_used, 0)
        };
        out["pvcRef"] = json!({"name": claim, "namespace": ns});
        Some(out)
    }
}

fn quantity(v: &Value) -> Option<u64> {
    kube_common::quantity::parse(v.as_str()?).and_then(|n| u64::try_from(n).ok())
}
