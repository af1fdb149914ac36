//! How full each claim's volume is: the kubelet's Summary API (`/stats/summary`, read through
//! the API server's node proxy) joined to a set's pods and claims, and the decisions on it —
//! the fill, the thresholds, the size to grow to, a member fuller than the others.
//!
//! Fill is `1 − availableBytes/capacityBytes`, as kube-prometheus's
//! `KubePersistentVolumeFillingUp` computes it: `usedBytes` leaves out the filesystem's
//! reserved blocks, so a volume can be full while used < capacity.

use std::collections::HashMap;

use kube_common::quantity;
use serde::{Deserialize, Serialize};

/// A claim at or above this fill is a warning (STS023).
pub const WARN_FILL: f64 = 0.85;
/// A claim at or above this fill is an error (STS023).
pub const ERROR_FILL: f64 = 0.95;
/// The fill a suggested size brings the fullest claim back to.
pub const TARGET_FILL: f64 = 0.6;
/// Inodes are shown beside bytes from this fill on (most volumes never come near).
pub const SHOWN_INODE_FILL: f64 = 0.5;
/// Growth beyond this factor of the current size needs `resize-storage --allow-large-growth`:
/// a claim never shrinks again, so a slip of the unit (Ti for Gi, an extra zero) is for good.
pub const LARGE_GROWTH: i128 = 10;
/// A filesystem reporting more than this many times the claim's size is not the claim's own:
/// a shared filesystem (a local-path directory on the node's disk, NFS, EFS's exabytes).
const SHARED_FACTOR: u64 = 2;
/// The fullest claim is named a skew when it is this far above the next one (one shard, one
/// leader's WAL filling while the others do not).
const SKEW_GAP: f64 = 0.25;

/// The part of a kubelet's `Summary` read (`k8s.io/kubelet/pkg/apis/stats/v1alpha1`): only
/// `pods[].podRef` and `pods[].volume[]`; every other field (a summary carries every
/// container's stats) is skipped unread, and every number is optional.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Summary {
    #[serde(default)]
    pub pods: Vec<PodStats>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStats {
    #[serde(default)]
    pub pod_ref: PodRef,
    #[serde(default)]
    pub volume: Vec<VolumeStats>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PodRef {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub uid: String,
}

/// `VolumeStats`: its `FsStats` inline, the pod's name for the volume, the claim it names.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeStats {
    #[serde(default)]
    pub name: String,
    pub pvc_ref: Option<PvcRef>,
    /// When the kubelet measured it (it does so about once a minute).
    pub time: Option<String>,
    pub available_bytes: Option<u64>,
    pub capacity_bytes: Option<u64>,
    pub used_bytes: Option<u64>,
    pub inodes_free: Option<u64>,
    pub inodes: Option<u64>,
    pub inodes_used: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PvcRef {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
}

/// What one node's kubelet answered, through the API server.
#[derive(Debug, Clone)]
pub enum NodeAnswer {
    Summary(Summary),
    /// No answer: the proxy's error (a 503 when the kubelet cannot be reached), a timeout.
    DidNotAnswer(String),
}

/// The volume usage read for the nodes a set (or the fleet) runs on.
#[derive(Debug, Clone, Default)]
pub enum UsageRead {
    /// Not asked for (the overview without `--usage`).
    #[default]
    NotRead,
    /// `get nodes/proxy` was denied.
    Forbidden,
    /// By node name.
    Read(HashMap<String, NodeAnswer>),
}

/// The permission the Summary API needs, and why it is never asked for in passing.
pub const PERMISSION: &str = "get nodes/proxy";
pub const PERMISSION_WARNING: &str = "nodes/proxy is not read-only: the Kubernetes documentation warns that it also allows running commands in any container on the node through the kubelet";

/// What is known about one claim's volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UsageState {
    /// Its own filesystem's numbers.
    Measured,
    /// The numbers are a shared filesystem's (a disk, a share), far above the claim's size.
    SharedFilesystem,
    /// The pod runs and its kubelet answered, but lists no stats for this volume: its volume
    /// type publishes none (hostPath, a CSI driver without volume stats), or not yet.
    NoStats,
    /// The node the pod runs on did not answer.
    NodeDidNotAnswer,
    /// No running pod mounts it (no pod, a pod not started, a dead node).
    NotMounted,
    /// Not allowed to read it (`get nodes/proxy`).
    Unknown,
}

/// One claim's usage: the state and, where measured, the numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimUsage {
    pub state: UsageState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Why the node did not answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inodes_used: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inodes_free: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inodes: Option<u64>,
    /// `1 − available/capacity`, 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fill: Option<f64>,
    /// `1 − inodesFree/inodes`, 0 to 1 (None where the filesystem counts no inodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inode_fill: Option<f64>,
    /// How old the kubelet's measurement is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_seconds: Option<i64>,
}

impl ClaimUsage {
    fn state(state: UsageState) -> ClaimUsage {
        ClaimUsage {
            state,
            node: None,
            reason: None,
            used_bytes: None,
            available_bytes: None,
            capacity_bytes: None,
            inodes_used: None,
            inodes_free: None,
            inodes: None,
            fill: None,
            inode_fill: None,
            age_seconds: None,
        }
    }

    /// The fuller of bytes and inodes (what the thresholds read), where measured.
    pub fn worst_fill(&self) -> Option<f64> {
        if self.state != UsageState::Measured {
            return None;
        }
        match (self.fill, self.inode_fill) {
            (Some(b), Some(i)) => Some(b.max(i)),
            (b, i) => b.or(i),
        }
    }

    /// Whether inodes, not bytes, are what is filling.
    pub fn inodes_fuller(&self) -> bool {
        matches!((self.fill, self.inode_fill), (Some(b), Some(i)) if i > b)
            || (self.fill.is_none() && self.inode_fill.is_some())
    }

    /// The USED cell: `7.8Gi/10Gi 78%` (inodes when above half), or what is known instead.
    pub fn cell(&self) -> String {
        let mut s = match self.state {
            UsageState::Measured => match (self.used_bytes, self.capacity_bytes, self.fill) {
                (used, Some(cap), Some(fill)) => {
                    // used as the kubelet counts it; the fill from what is left
                    let used = used.unwrap_or((cap as f64 * fill) as u64);
                    format!(
                        "{}/{} {}",
                        short_bytes(used),
                        short_bytes(cap),
                        percent(fill)
                    )
                }
                _ => "no stats".into(),
            },
            UsageState::SharedFilesystem => format!(
                "shared fs ({} of {})",
                self.used_bytes
                    .map(short_bytes)
                    .unwrap_or_else(|| "?".into()),
                self.capacity_bytes
                    .map(short_bytes)
                    .unwrap_or_else(|| "?".into())
            ),
            UsageState::NoStats => "no stats".into(),
            UsageState::NodeDidNotAnswer => "node did not answer".into(),
            UsageState::NotMounted => "-".into(),
            UsageState::Unknown => "unknown".into(),
        };
        if let Some(i) = self
            .inode_fill
            .filter(|i| *i > SHOWN_INODE_FILL && self.state == UsageState::Measured)
        {
            s.push_str(&format!(" inodes {}", percent(i)));
        }
        // the kubelet measures about once a minute: older means it has stopped
        if let Some(age) = self.age_seconds.filter(|a| *a > 180) {
            s.push_str(&format!(
                " ({} ago)",
                kube_common::kubefmt::human_duration(age)
            ));
        }
        s
    }
}

/// A fill as a whole percentage, rounded down: 84.9 % is 84 %, below the 85 % warning, as it
/// should read.
pub fn percent(fill: f64) -> String {
    // (a millionth of a point up: 0.3 computed from bytes is 0.29999…, and reads 30 %)
    format!("{}%", (fill * 100.0 + 1e-6).floor() as i64)
}

/// Bytes as a quantity-like short form: `7.8Gi`, `10Gi`, `512Mi`, `900`.
pub fn short_bytes(n: u64) -> String {
    quantity::human_bytes(n as i128)
        .replace(' ', "")
        .replace("iB", "i")
        .trim_end_matches('B')
        .to_string()
}

/// The fill of bytes: `1 − available/capacity`; without `available`, `used/capacity`.
pub fn byte_fill(v: &VolumeStats) -> Option<f64> {
    fill_of(v.capacity_bytes, v.available_bytes, v.used_bytes)
}

/// The fill of inodes: `1 − free/inodes`; without `inodesFree`, `used/inodes`. None where the
/// filesystem counts none (the kubelet writes 0 for a number its volume plugin does not give).
pub fn inode_fill(v: &VolumeStats) -> Option<f64> {
    fill_of(v.inodes, v.inodes_free, v.inodes_used)
}

/// `1 − free/total` (what is left decides: reserved blocks count as used), else `used/total`;
/// None without a total.
fn fill_of(total: Option<u64>, free: Option<u64>, used: Option<u64>) -> Option<f64> {
    let total = total.filter(|t| *t > 0)? as f64;
    let f = match (free, used) {
        (Some(free), _) => 1.0 - free as f64 / total,
        (None, Some(u)) => u as f64 / total,
        (None, None) => return None,
    };
    Some(f.clamp(0.0, 1.0))
}

/// A filesystem whose capacity is far above what the claim holds (its capacity, or its request
/// where that is larger, as while a resize is under way) is not the claim's own.
pub fn shared_filesystem(stats_capacity: u64, claim_capacity: Option<i128>) -> bool {
    claim_capacity
        .and_then(|c| u64::try_from(c).ok())
        .filter(|c| *c > 0)
        .is_some_and(|c| stats_capacity > c.saturating_mul(SHARED_FACTOR))
}

/// The volume usage read, indexed once by pod uid (a fleet's thousand sets read one index).
pub struct UsageIndex<'a> {
    read: &'a UsageRead,
    /// pod uid → (node, the pod's stats)
    pods: HashMap<&'a str, (&'a str, &'a PodStats)>,
    now: jiff::Timestamp,
}

/// What the join knows of a claim: its name, size, and the pod that mounts it.
#[derive(Debug, Clone, Copy)]
pub struct ClaimQuery<'a> {
    pub namespace: &'a str,
    pub claim: &'a str,
    /// The claim's size: its volume's capacity, or its request (the larger of the two).
    pub size: Option<i128>,
    /// The pod of its ordinal, when it runs on a node that is not dead: (uid, node).
    pub pod: Option<(&'a str, &'a str)>,
}

impl<'a> UsageIndex<'a> {
    pub fn new(read: &'a UsageRead, now: jiff::Timestamp) -> UsageIndex<'a> {
        let mut pods = HashMap::new();
        if let UsageRead::Read(nodes) = read {
            for (node, answer) in nodes {
                if let NodeAnswer::Summary(s) = answer {
                    for p in &s.pods {
                        pods.insert(p.pod_ref.uid.as_str(), (node.as_str(), p));
                    }
                }
            }
        }
        UsageIndex { read, pods, now }
    }

    /// Whether usage was asked for at all.
    pub fn asked(&self) -> bool {
        !matches!(self.read, UsageRead::NotRead)
    }

    pub fn forbidden(&self) -> bool {
        matches!(self.read, UsageRead::Forbidden)
    }

    /// One claim's usage; None when usage was not asked for.
    pub fn claim(&self, q: &ClaimQuery<'_>) -> Option<ClaimUsage> {
        let nodes = match self.read {
            UsageRead::NotRead => return None,
            UsageRead::Forbidden => return Some(ClaimUsage::state(UsageState::Unknown)),
            UsageRead::Read(n) => n,
        };
        let Some((uid, node)) = q.pod else {
            return Some(ClaimUsage::state(UsageState::NotMounted));
        };
        let with_node = |mut u: ClaimUsage| {
            u.node = Some(node.to_string());
            u
        };
        // the summary of the node the pod runs on now (a replaced or terminating twin of the
        // same name has another uid)
        let stats = match (nodes.get(node), self.pods.get(uid)) {
            (Some(NodeAnswer::DidNotAnswer(why)), _) => {
                let mut u = with_node(ClaimUsage::state(UsageState::NodeDidNotAnswer));
                u.reason = Some(why.clone());
                return Some(u);
            }
            (_, Some((on, p))) if *on == node => p,
            // not read (the node was not Ready), or the kubelet does not run it (yet)
            (None, _) => return Some(ClaimUsage::state(UsageState::NotMounted)),
            _ => return Some(with_node(ClaimUsage::state(UsageState::NotMounted))),
        };
        // one claim mounted under two volume names is one volume: the latest measurement
        let v = stats
            .volume
            .iter()
            .filter(|v| {
                v.pvc_ref
                    .as_ref()
                    .is_some_and(|r| r.name == q.claim && r.namespace == q.namespace)
            })
            .max_by_key(|v| {
                v.time
                    .as_deref()
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            });
        let Some(v) = v else {
            return Some(with_node(ClaimUsage::state(UsageState::NoStats)));
        };
        let fill = byte_fill(v);
        let state = match v.capacity_bytes {
            Some(c) if shared_filesystem(c, q.size) => UsageState::SharedFilesystem,
            _ if fill.is_none() && inode_fill(v).is_none() => UsageState::NoStats,
            _ => UsageState::Measured,
        };
        Some(ClaimUsage {
            state,
            node: Some(node.to_string()),
            reason: None,
            used_bytes: v.used_bytes,
            available_bytes: v.available_bytes,
            capacity_bytes: v.capacity_bytes,
            inodes_used: v.inodes_used,
            inodes_free: v.inodes_free,
            inodes: v.inodes,
            fill,
            inode_fill: inode_fill(v),
            age_seconds: v
                .time
                .as_deref()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| self.now.duration_since(t).as_secs().max(0)),
        })
    }
}

/// The nodes whose kubelets are asked: each Ready node that runs one of these pods, once (a
/// node that is not Ready would only time out; where nodes cannot be listed, every pod's node).
pub fn nodes_to_read<'a>(
    pods: impl IntoIterator<Item = &'a k8s_openapi::api::core::v1::Pod>,
    nodes: &crate::model::Access<Vec<k8s_openapi::api::core::v1::Node>>,
    now: jiff::Timestamp,
) -> Vec<String> {
    let ready: Option<std::collections::HashSet<&str>> = nodes.ok().map(|ns| {
        ns.iter()
            .filter(|n| !super::health::node_health(n, now).is_dead())
            .filter_map(|n| n.metadata.name.as_deref())
            .collect()
    });
    let on: std::collections::BTreeSet<String> = pods
        .into_iter()
        .filter_map(|p| p.spec.as_ref()?.node_name.as_deref())
        .filter(|n| ready.as_ref().is_none_or(|r| r.contains(n)))
        .map(String::from)
        .collect();
    on.into_iter().collect()
}

/// The size to grow a template's claims to, so that the fullest comes back to
/// [`TARGET_FILL`]: `ceil(request × fill / TARGET_FILL)`, rounded up to a whole Gi (a whole Ti
/// above 1 Ti), never below the current size and always above the request.
pub fn grow_to(request: i128, fill: f64, current: i128) -> i128 {
    const GI: i128 = 1 << 30;
    const TI: i128 = 1 << 40;
    let round_up = |n: i128| {
        let unit = if n > TI { TI } else { GI };
        (n + unit - 1).div_euclid(unit) * unit
    };
    let wanted = (request as f64 * fill / TARGET_FILL).ceil() as i128;
    let mut size = round_up(wanted.max(current));
    if size <= request {
        size = round_up(request + 1);
    }
    size
}

/// A size as a quantity: `16Gi`, `2Ti`.
pub fn size_quantity(bytes: i128) -> String {
    const TI: i128 = 1 << 40;
    if bytes % TI == 0 {
        format!("{}Ti", bytes / TI)
    } else {
        format!("{}Gi", bytes.div_euclid(1 << 30))
    }
}

/// Whether growing from `current` to `size` needs `--allow-large-growth`.
pub fn large_growth(size: i128, current: i128) -> bool {
    current > 0 && size > current.saturating_mul(LARGE_GROWTH)
}

/// The fullest claim when it is far fuller than the next: (its index, the next one's fill).
pub fn skew(fills: &[f64]) -> Option<(usize, f64)> {
    if fills.len() < 2 {
        return None;
    }
    let (top, max) = fills
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let next = fills
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != top)
        .map(|(_, f)| *f)
        .fold(f64::MIN, f64::max);
    (max - next >= SKEW_GAP).then_some((top, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stats(v: serde_json::Value) -> VolumeStats {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn fill_is_from_what_is_available() {
        // available 0 with used below capacity (reserved blocks): full
        let v = stats(json!({"availableBytes": 0, "capacityBytes": 100, "usedBytes": 95}));
        assert_eq!(byte_fill(&v), Some(1.0));
        let v = stats(json!({"availableBytes": 22, "capacityBytes": 100, "usedBytes": 78}));
        assert!((byte_fill(&v).unwrap() - 0.78).abs() < 1e-9);
        // without available, used
        let v = stats(json!({"capacityBytes": 100, "usedBytes": 40}));
        assert!((byte_fill(&v).unwrap() - 0.4).abs() < 1e-9);
        // no capacity (or the kubelet's 0 for none): no fill
        assert_eq!(byte_fill(&stats(json!({"usedBytes": 40}))), None);
        assert_eq!(
            byte_fill(&stats(json!({"capacityBytes": 0, "availableBytes": 0}))),
            None
        );
        // inodes alike; 0 inodes (a filesystem that counts none) is no fill
        let v = stats(json!({"inodes": 1000, "inodesFree": 100}));
        assert!((inode_fill(&v).unwrap() - 0.9).abs() < 1e-9);
        assert_eq!(
            inode_fill(&stats(json!({"inodes": 0, "inodesFree": 0}))),
            None
        );
    }

    #[test]
    fn a_summary_is_read_for_its_pods_and_volumes_only() {
        let s: Summary = serde_json::from_value(json!({
            "node": {"nodeName": "n1", "cpu": {"usageNanoCores": 5}},
            "pods": [{
                "podRef": {"name": "web-0", "namespace": "db", "uid": "u0"},
                "containers": [{"name": "app", "memory": {"usageBytes": 5}}],
                "volume": [
                    {"name": "kube-api-access", "capacityBytes": 5},
                    {"name": "data", "pvcRef": {"name": "data-web-0", "namespace": "db"},
                     "time": "2026-01-01T00:00:00Z", "availableBytes": 1, "capacityBytes": 10,
                     "usedBytes": 9, "somethingNew": true}
                ]
            }, {"podRef": {"name": "other", "namespace": "db", "uid": "u1"}}]
        }))
        .unwrap();
        assert_eq!(s.pods.len(), 2);
        assert_eq!(s.pods[0].volume.len(), 2);
        assert!(s.pods[1].volume.is_empty());
    }

    fn read(nodes: Vec<(&str, NodeAnswer)>) -> UsageRead {
        UsageRead::Read(nodes.into_iter().map(|(n, a)| (n.to_string(), a)).collect())
    }

    fn summary(v: serde_json::Value) -> NodeAnswer {
        NodeAnswer::Summary(serde_json::from_value(v).unwrap())
    }

    fn q<'a>(claim: &'a str, pod: Option<(&'a str, &'a str)>) -> ClaimQuery<'a> {
        ClaimQuery {
            namespace: "db",
            claim,
            size: Some(10 << 30),
            pod,
        }
    }

    #[test]
    fn claims_are_matched_by_the_current_pods_uid() {
        let now: jiff::Timestamp = "2026-01-01T00:05:00Z".parse().unwrap();
        let r = read(vec![
            (
                "n1",
                summary(json!({"pods": [
                    // the old pod of the same name, still in n1's summary: another uid
                    {"podRef": {"name": "web-0", "namespace": "db", "uid": "old"},
                     "volume": [{"pvcRef": {"name": "data-web-0", "namespace": "db"}, "availableBytes": 0, "capacityBytes": 100}]},
                    {"podRef": {"name": "web-0", "namespace": "db", "uid": "new"},
                     "volume": [
                        {"name": "a", "pvcRef": {"name": "data-web-0", "namespace": "db"}, "time": "2026-01-01T00:00:00Z",
                         "availableBytes": 50, "capacityBytes": 100, "usedBytes": 50},
                        // the same claim mounted twice: one volume, the latest measurement
                        {"name": "b", "pvcRef": {"name": "data-web-0", "namespace": "db"}, "time": "2026-01-01T00:04:00Z",
                         "availableBytes": 40, "capacityBytes": 100, "usedBytes": 60, "inodes": 100, "inodesFree": 30}
                     ]},
                    {"podRef": {"name": "web-1", "namespace": "db", "uid": "u1"}, "volume": [{"name": "tmp", "capacityBytes": 5}]}
                ]})),
            ),
            (
                "n2",
                NodeAnswer::DidNotAnswer("error trying to reach service".into()),
            ),
        ]);
        let idx = UsageIndex::new(&r, now);
        let u = idx.claim(&q("data-web-0", Some(("new", "n1")))).unwrap();
        assert_eq!(u.state, UsageState::Measured);
        assert!((u.fill.unwrap() - 0.6).abs() < 1e-9);
        assert_eq!(u.age_seconds, Some(60));
        assert!((u.inode_fill.unwrap() - 0.7).abs() < 1e-9);
        assert_eq!(u.cell(), "60/100 60% inodes 70%");
        // the pod runs, the kubelet lists no stats for the claim: its volume publishes none
        let u = idx.claim(&q("data-web-1", Some(("u1", "n1")))).unwrap();
        assert_eq!(u.state, UsageState::NoStats);
        // a node that did not answer, with why
        let u = idx.claim(&q("data-web-2", Some(("u2", "n2")))).unwrap();
        assert_eq!(u.state, UsageState::NodeDidNotAnswer);
        assert_eq!(u.reason.as_deref(), Some("error trying to reach service"));
        assert_eq!(u.cell(), "node did not answer");
        // no pod, or a node not read (dead): not mounted
        assert_eq!(
            idx.claim(&q("data-web-3", None)).unwrap().state,
            UsageState::NotMounted
        );
        assert_eq!(
            idx.claim(&q("data-web-3", Some(("u3", "n9"))))
                .unwrap()
                .state,
            UsageState::NotMounted
        );
        // a pod the kubelet of its node does not list (just started): not mounted yet
        assert_eq!(
            idx.claim(&q("data-web-4", Some(("u4", "n1"))))
                .unwrap()
                .state,
            UsageState::NotMounted
        );
        // not asked: nothing; denied: unknown, for every claim
        assert!(UsageIndex::new(&UsageRead::NotRead, now)
            .claim(&q("data-web-0", Some(("new", "n1"))))
            .is_none());
        let denied = UsageRead::Forbidden;
        let u = UsageIndex::new(&denied, now)
            .claim(&q("data-web-0", Some(("new", "n1"))))
            .unwrap();
        assert_eq!(
            (u.state, u.cell().as_str()),
            (UsageState::Unknown, "unknown")
        );
    }

    #[test]
    fn a_filesystem_far_above_the_claim_is_shared() {
        let now = jiff::Timestamp::now();
        let r = read(vec![(
            "n1",
            summary(json!({"pods": [
                {"podRef": {"uid": "u"}, "volume": [
                    {"pvcRef": {"name": "data-web-0", "namespace": "db"},
                     "availableBytes": 1u64 << 40, "capacityBytes": 8u64 << 40, "usedBytes": 1u64 << 30}]}
            ]})),
        )]);
        let idx = UsageIndex::new(&r, now);
        let u = idx.claim(&q("data-web-0", Some(("u", "n1")))).unwrap();
        assert_eq!(u.state, UsageState::SharedFilesystem);
        assert_eq!(
            u.worst_fill(),
            None,
            "a shared filesystem's fill is not the claim's"
        );
        assert_eq!(u.cell(), "shared fs (1Gi of 8Ti)");
        // twice the claim is the limit (a filesystem a little larger than its request is its own)
        assert!(!shared_filesystem(20 << 30, Some(10 << 30)));
        assert!(shared_filesystem((20 << 30) + 1, Some(10 << 30)));
        assert!(
            !shared_filesystem(1 << 50, None),
            "unknown size: not judged"
        );
    }

    #[test]
    fn the_size_to_grow_to() {
        const GI: i128 = 1 << 30;
        // 10Gi at 90 %: 15Gi brings it to 60 %
        assert_eq!(grow_to(10 * GI, 0.9, 10 * GI), 15 * GI);
        // rounded up to a whole Gi
        assert_eq!(grow_to(10 * GI, 0.86, 10 * GI), 15 * GI);
        assert_eq!(grow_to(10 * GI, 0.95, 10 * GI), 16 * GI);
        // never below the current size, always above the request
        assert_eq!(grow_to(10 * GI, 0.86, 40 * GI), 40 * GI);
        assert_eq!(grow_to(10 * GI, 0.5, 10 * GI), 11 * GI);
        // above 1 Ti: whole Ti
        assert_eq!(grow_to(1 << 40, 0.9, 1 << 40), 2 << 40);
        assert_eq!(size_quantity(2 << 40), "2Ti");
        assert_eq!(size_quantity(15 * GI), "15Gi");
        // a small claim rounded up to a whole Gi grows more than 10×
        let s = grow_to(100 << 20, 0.9, 100 << 20);
        assert_eq!(s, GI);
        assert!(large_growth(s, 100 << 20));
        assert!(!large_growth(15 * GI, 10 * GI));
        assert!(!large_growth(100 * GI, 10 * GI), "ten times is allowed");
    }

    #[test]
    fn thresholds_with_near_misses() {
        let u = |fill: f64, inode: Option<f64>| ClaimUsage {
            fill: Some(fill),
            inode_fill: inode,
            ..ClaimUsage::state(UsageState::Measured)
        };
        assert!(u(0.8499, None).worst_fill().unwrap() < WARN_FILL);
        assert!(u(0.85, None).worst_fill().unwrap() >= WARN_FILL);
        assert!(u(0.9499, None).worst_fill().unwrap() < ERROR_FILL);
        assert!(u(0.95, None).worst_fill().unwrap() >= ERROR_FILL);
        // inodes count as much as bytes
        let i = u(0.3, Some(0.96));
        assert!(i.worst_fill().unwrap() >= ERROR_FILL && i.inodes_fuller());
        // 84.99 % reads 84 %: below the warning, as it is
        assert_eq!(percent(0.8499), "84%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn one_member_fuller_than_the_others_is_a_skew() {
        assert_eq!(skew(&[0.3, 0.9, 0.31]), Some((1, 0.31)));
        assert_eq!(skew(&[0.9, 0.88, 0.3]), None, "two members fill alike");
        assert_eq!(skew(&[0.9]), None);
        assert_eq!(skew(&[0.5, 0.74]), None, "a gap below 25 points");
    }

    #[test]
    fn sizes_read_short() {
        assert_eq!(short_bytes(10 << 30), "10Gi");
        assert_eq!(short_bytes((78 << 30) / 10), "7.8Gi");
        assert_eq!(short_bytes(900), "900");
    }
}
