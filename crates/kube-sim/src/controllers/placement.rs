//! Where a pod may run: the Filter plugins of kube-scheduler's default profile that decide
//! placement for StatefulSets, as pure functions over the pod, the node and the pods already
//! placed (pkg/scheduler/framework/plugins). The scheduler runs them per node in the default
//! profile's order and keeps the first failure (framework.RunFilterPlugins stops at the first
//! plugin that does not return Success).
//!
//! Preferred (scoring) terms are not evaluated: they never make a pod unschedulable, and the
//! simulated scheduler places among the feasible nodes by load.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::selectors::{labels_of, LabelSelector};

/// Why a node was filtered out: the plugin's reason and whether preemption could help
/// (framework.Unschedulable) or not (framework.UnschedulableAndUnresolvable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reasons: Vec<String>,
    pub resolvable: bool,
}

impl Rejection {
    fn unresolvable(reason: impl Into<String>) -> Self {
        Rejection {
            reasons: vec![reason.into()],
            resolvable: false,
        }
    }
    fn resolvable(reasons: Vec<String>) -> Self {
        Rejection {
            reasons,
            resolvable: true,
        }
    }
}

// Reason strings as the plugins define them.
pub const UNSCHEDULABLE: &str = "node(s) were unschedulable"; // nodeunschedulable.ErrReasonUnschedulable
pub const NODE_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector"; // nodeaffinity.ErrReasonPod
                                                                                     // volumebinding.ErrReasonNodeConflict (pkg/scheduler/framework/plugins/volumebinding/binder.go,
                                                                                     // v1.36.5: the real tier showed it; "had volume node affinity conflict" was an older wording)
pub const VOLUME_CONFLICT: &str = "node(s) didn't match PersistentVolume's node affinity";
pub const SPREAD: &str = "node(s) didn't match pod topology spread constraints"; // podtopologyspread.ErrReasonConstraintsNotMatch
pub const SPREAD_LABEL: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)"; // ErrReasonNodeLabelNotMatch
pub const AFFINITY: &str = "node(s) didn't match pod affinity rules"; // interpodaffinity.ErrReasonAffinityRulesNotMatch
pub const ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules"; // ErrReasonAntiAffinityRulesNotMatch
pub const EXISTING_ANTI_AFFINITY: &str = "node(s) didn't satisfy existing pods anti-affinity rules"; // ErrReasonExistingAntiAffinityRulesNotMatch

/// One NodeSelectorRequirement against a node's labels (or, for matchFields, its name):
/// k8s.io/component-helpers/scheduling/corev1/nodeaffinity.
fn requirement_matches(e: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = e["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let int = |s: &str| s.parse::<i64>().ok();
    match e["operator"].as_str() {
        Some("In") => value.is_some_and(|v| values.contains(&v)),
        Some("NotIn") => value.is_none_or(|v| !values.contains(&v)),
        Some("Exists") => value.is_some(),
        Some("DoesNotExist") => value.is_none(),
        // Gt/Lt take exactly one integer value and compare the label as an integer
        Some("Gt") => {
            matches!((value.and_then(int), values.first().and_then(|s| int(s))), (Some(v), Some(w)) if v > w)
        }
        Some("Lt") => {
            matches!((value.and_then(int), values.first().and_then(|s| int(s))), (Some(v), Some(w)) if v < w)
        }
        _ => false,
    }
}

/// A NodeSelector (terms ORed; within a term, matchExpressions and matchFields ANDed; a term
/// with neither matches nothing), as nodeaffinity.NewNodeSelector matches it.
pub fn node_selector_matches(selector: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    selector["nodeSelectorTerms"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|term| {
            let exprs = term["matchExpressions"].as_array();
            let fields = term["matchFields"].as_array();
            if exprs.is_none_or(|a| a.is_empty()) && fields.is_none_or(|a| a.is_empty()) {
                return false;
            }
            exprs
                .into_iter()
                .flatten()
                .all(|e| requirement_matches(e, labels[e["key"].as_str().unwrap_or("")].as_str()))
                && fields.into_iter().flatten().all(|e| {
                    // metadata.name is the only supported field
                    e["key"] == "metadata.name"
                        && requirement_matches(e, node["metadata"]["name"].as_str())
                })
        })
}

/// Does a PersistentVolume's required node affinity admit this node (any topology key)?
pub fn pv_fits(pv: &Value, node: &Value) -> bool {
    let required = &pv["spec"]["nodeAffinity"]["required"];
    required.is_null() || node_selector_matches(required, node)
}

/// NodeAffinity: spec.nodeSelector and the required node affinity.
pub fn node_affinity_fits(pod: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    let selector_ok = pod["spec"]["nodeSelector"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels[k] == *v);
    let required =
        &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    selector_ok && (required.is_null() || node_selector_matches(required, node))
}

/// A quantity's value in thousandths (cpu in millicores, memory in milli-bytes).
fn milli(q: &Value) -> i128 {
    q.as_str()
        .and_then(kube_common::quantity::parse_milli)
        .or_else(|| q.as_i64().map(|n| n as i128 * 1000))
        .unwrap_or(0)
}

/// A pod's effective request of a resource: the larger of its containers' sum and its largest
/// init container, plus overhead (resource.PodRequests without sidecar containers).
pub fn pod_request(pod: &Value, resource: &str) -> i128 {
    let sum = |key: &str| -> Vec<i128> {
        pod["spec"][key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| milli(&c["resources"]["requests"][resource]))
            .collect()
    };
    let containers: i128 = sum("containers").into_iter().sum();
    let init = sum("initContainers").into_iter().max().unwrap_or(0);
    containers.max(init) + milli(&pod["spec"]["overhead"][resource])
}

fn terminal(pod: &Value) -> bool {
    matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    )
}

fn deleting(pod: &Value) -> bool {
    !pod["metadata"]["deletionTimestamp"].is_null()
}

/// NodeResourcesFit: cpu, memory and the pod count against the node's allocatable, counting
/// every pod assigned to it that has not terminated (terminating ones included, as NodeInfo).
fn resources_fit(pod: &Value, node: &Value, on_node: &[&Value]) -> Vec<String> {
    let mut out = Vec::new();
    let alloc = &node["status"]["allocatable"];
    let live: Vec<&&Value> = on_node.iter().filter(|p| !terminal(p)).collect();
    if let Some(max) = alloc["pods"].as_str().and_then(|s| s.parse::<usize>().ok()) {
        if live.len() + 1 > max {
            out.push("Too many pods".to_string());
        }
    }
    for r in ["cpu", "memory"] {
        let want = pod_request(pod, r);
        if want == 0 {
            continue;
        }
        let used: i128 = live.iter().map(|p| pod_request(p, r)).sum();
        if alloc[r].is_null() || used + want > milli(&alloc[r]) {
            out.push(format!("Insufficient {r}"));
        }
    }
    out
}

/// The cluster as the scheduler's snapshot sees it for one decision.
pub struct Snapshot<'a> {
    pub nodes: &'a [&'a Value],
    /// Every pod bound to a node.
    pub placed: &'a [&'a Value],
    /// Namespace labels by name (for namespaceSelector).
    pub namespace_labels: &'a BTreeMap<String, BTreeMap<String, String>>,
}

impl Snapshot<'_> {
    fn node(&self, name: &str) -> Option<&Value> {
        self.nodes
            .iter()
            .copied()
            .find(|n| n["metadata"]["name"] == name)
    }

    fn pods_on(&self, node: &str) -> Vec<&Value> {
        self.placed
            .iter()
            .copied()
            .filter(|p| p["spec"]["nodeName"] == node)
            .collect()
    }

    /// The topology value of the node a placed pod runs on.
    fn topology_of(&self, pod: &Value, key: &str) -> Option<String> {
        let n = self.node(pod["spec"]["nodeName"].as_str()?)?;
        n["metadata"]["labels"][key].as_str().map(String::from)
    }
}

/// Does an affinity term of `owner` select `pod`? (labelSelector in the term's namespaces: its
/// `namespaces` list and `namespaceSelector`, or the owner's own namespace when both are unset;
/// a null labelSelector selects nothing.)
fn term_selects(term: &Value, owner: &Value, pod: &Value, snap: &Snapshot) -> bool {
    if term["labelSelector"].is_null() {
        return false;
    }
    let pod_ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let listed: Vec<&str> = term["namespaces"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let ns_ok = match (&term["namespaceSelector"], listed.is_empty()) {
        (Value::Null, true) => owner["metadata"]["namespace"] == pod_ns,
        (sel, _) => {
            listed.contains(&pod_ns)
                || (!sel.is_null()
                    && LabelSelector::from_label_selector(sel).matches(
                        &snap
                            .namespace_labels
                            .get(pod_ns)
                            .cloned()
                            .unwrap_or_default(),
                    ))
        }
    };
    ns_ok && LabelSelector::from_label_selector(&term["labelSelector"]).matches_object(pod)
}

fn required_terms<'v>(pod: &'v Value, kind: &str) -> Vec<&'v Value> {
    pod["spec"]["affinity"][kind]["requiredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .into_iter()
        .flatten()
        .collect()
}

/// InterPodAffinity's Filter, in its order: the pod's affinity, its anti-affinity, then the
/// existing pods' anti-affinity (interpodaffinity/filtering.go).
fn inter_pod_affinity(pod: &Value, node: &Value, snap: &Snapshot) -> Option<Rejection> {
    let label = |key: &str| node["metadata"]["labels"][key].as_str().map(String::from);
    let same = |p: &Value, key: &str| {
        let here = label(key);
        here.is_some() && snap.topology_of(p, key) == here
    };
    let others: Vec<&Value> = snap
        .placed
        .iter()
        .copied()
        .filter(|p| p["metadata"]["uid"] != pod["metadata"]["uid"])
        .collect();
    // the pod's own required affinity: every term satisfied on this node's domain, except that
    // the first pod of a group that matches its own terms may go anywhere the keys exist
    let terms = required_terms(pod, "podAffinity");
    if !terms.is_empty() {
        let satisfied = terms.iter().all(|t| {
            let key = t["topologyKey"].as_str().unwrap_or("");
            others
                .iter()
                .any(|p| term_selects(t, pod, p, snap) && same(p, key))
        });
        let no_match_anywhere = terms
            .iter()
            .all(|t| !others.iter().any(|p| term_selects(t, pod, p, snap)));
        let self_match = terms.iter().all(|t| term_selects(t, pod, pod, snap));
        let keys_present = terms
            .iter()
            .all(|t| label(t["topologyKey"].as_str().unwrap_or("")).is_some());
        if !(satisfied || (no_match_anywhere && self_match && keys_present)) {
            return Some(Rejection::unresolvable(AFFINITY));
        }
    }
    // the pod's own required anti-affinity
    let anti = required_terms(pod, "podAntiAffinity").into_iter().any(|t| {
        let key = t["topologyKey"].as_str().unwrap_or("");
        others
            .iter()
            .any(|p| term_selects(t, pod, p, snap) && same(p, key))
    });
    if anti {
        return Some(Rejection::resolvable(vec![ANTI_AFFINITY.into()]));
    }
    // existing pods' required anti-affinity against this pod
    let existing = others.iter().any(|p| {
        required_terms(p, "podAntiAffinity").into_iter().any(|t| {
            let key = t["topologyKey"].as_str().unwrap_or("");
            term_selects(t, p, pod, snap) && same(p, key)
        })
    });
    if existing {
        return Some(Rejection::resolvable(vec![EXISTING_ANTI_AFFINITY.into()]));
    }
    None
}

/// PodTopologySpread's Filter, for the `DoNotSchedule` constraints (nodeAffinityPolicy Honor,
/// nodeTaintsPolicy Ignore: the defaults; terminating pods are not counted).
fn topology_spread(pod: &Value, node: &Value, snap: &Snapshot) -> Option<Rejection> {
    let constraints: Vec<&Value> = pod["spec"]["topologySpreadConstraints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["whenUnsatisfiable"] == "DoNotSchedule")
        .collect();
    if constraints.is_empty() {
        return None;
    }
    let keys: Vec<&str> = constraints
        .iter()
        .map(|c| c["topologyKey"].as_str().unwrap_or(""))
        .collect();
    let has_keys = |n: &Value| keys.iter().all(|k| n["metadata"]["labels"][*k].is_string());
    if !has_keys(node) {
        return Some(Rejection::unresolvable(SPREAD_LABEL));
    }
    let eligible: Vec<&Value> = snap
        .nodes
        .iter()
        .copied()
        .filter(|n| has_keys(n) && node_affinity_fits(pod, n))
        .collect();
    let ns = &pod["metadata"]["namespace"];
    for c in constraints {
        let key = c["topologyKey"].as_str().unwrap_or("");
        let sel = LabelSelector::from_label_selector(&c["labelSelector"]);
        let selects = |p: &Value| !c["labelSelector"].is_null() && sel.matches_object(p);
        let mut counts: BTreeMap<String, i64> = eligible
            .iter()
            .filter_map(|n| n["metadata"]["labels"][key].as_str())
            .map(|d| (d.to_string(), 0))
            .collect();
        for n in &eligible {
            let Some(d) = n["metadata"]["labels"][key].as_str() else {
                continue;
            };
            let here = snap
                .pods_on(n["metadata"]["name"].as_str().unwrap_or(""))
                .into_iter()
                .filter(|p| {
                    p["metadata"]["namespace"] == *ns
                        && !deleting(p)
                        && p["metadata"]["uid"] != pod["metadata"]["uid"]
                        && selects(p)
                })
                .count() as i64;
            *counts.entry(d.to_string()).or_default() += here;
        }
        let min_domains = c["minDomains"].as_i64().unwrap_or(1);
        let min = if (counts.len() as i64) < min_domains {
            0
        } else {
            counts.values().copied().min().unwrap_or(0)
        };
        let domain = node["metadata"]["labels"][key].as_str().unwrap_or("");
        let self_match = i64::from(selects(pod));
        let skew = counts.get(domain).copied().unwrap_or(0) + self_match - min;
        if skew > c["maxSkew"].as_i64().unwrap_or(1) {
            return Some(Rejection::resolvable(vec![SPREAD.into()]));
        }
    }
    None
}

/// The filters after taints, readiness and cordon (which the scheduler checks itself, with the
/// node's lifecycle): NodeAffinity, NodeResourcesFit, VolumeBinding's node conflict,
/// PodTopologySpread, InterPodAffinity, in the default profile's order.
pub fn filter(pod: &Value, node: &Value, pvs: &[&Value], snap: &Snapshot) -> Option<Rejection> {
    if !node_affinity_fits(pod, node) {
        return Some(Rejection::unresolvable(NODE_AFFINITY));
    }
    let on_node = snap.pods_on(node["metadata"]["name"].as_str().unwrap_or(""));
    let short = resources_fit(pod, node, &on_node);
    if !short.is_empty() {
        return Some(Rejection::resolvable(short));
    }
    if !pvs.iter().all(|pv| pv_fits(pv, node)) {
        return Some(Rejection::unresolvable(VOLUME_CONFLICT));
    }
    topology_spread(pod, node, snap).or_else(|| inter_pod_affinity(pod, node, snap))
}

/// kube-scheduler's FitError message: "0/N nodes are available: <count reason>, …." with the
/// "count reason" strings sorted (framework.FitError.Error, sortReasonsHistogram), then what
/// DefaultPreemption found: nodes whose failure preemption cannot resolve are "not helpful";
/// on the others no pod of lower priority exists to evict here (every pod has priority 0).
pub fn fit_error(total: usize, rejections: &[Rejection]) -> String {
    let histogram = |items: Vec<String>| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in items {
            *counts.entry(r).or_default() += 1;
        }
        let mut s: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
        s.sort();
        s.join(", ")
    };
    let reasons = histogram(
        rejections
            .iter()
            .flat_map(|r| r.reasons.iter().cloned())
            .collect(),
    );
    let preemption = histogram(
        rejections
            .iter()
            .map(|r| {
                if r.resolvable {
                    "No preemption victims found for incoming pod".to_string()
                } else {
                    "Preemption is not helpful for scheduling".to_string()
                }
            })
            .collect(),
    );
    // the PostFilter plugins' messages joined: DynamicResources first (enabled by default; a pod
    // without resource claims gets "no new claims to deallocate",
    // plugins/dynamicresources/dynamicresources.go PostFilter), then DefaultPreemption — as
    // the real v1.36.5 scheduler wrote it on the real tier
    format!("0/{total} nodes are available: {reasons}. no new claims to deallocate, preemption: 0/{total} nodes are available: {preemption}.")
}

/// The namespaces' labels, for namespaceSelector.
pub fn namespace_labels(namespaces: &[&Value]) -> BTreeMap<String, BTreeMap<String, String>> {
    namespaces
        .iter()
        .map(|n| {
            (
                n["metadata"]["name"].as_str().unwrap_or("").to_string(),
                labels_of(n),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str, zone: &str) -> Value {
        json!({"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone}},
            "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}})
    }

    fn pod(name: &str, node: Option<&str>, spec: Value) -> Value {
        let mut p = json!({"metadata": {"name": name, "namespace": "db", "uid": name, "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Running"}});
        if let Some(n) = node {
            p["spec"]["nodeName"] = json!(n);
        }
        for (k, v) in spec.as_object().unwrap() {
            p["spec"][k] = v.clone();
        }
        p
    }

    fn check(pod: &Value, target: &str, nodes: &[Value], placed: &[Value]) -> Option<Rejection> {
        let nodes: Vec<&Value> = nodes.iter().collect();
        let placed: Vec<&Value> = placed.iter().collect();
        let ns = BTreeMap::new();
        let snap = Snapshot {
            nodes: &nodes,
            placed: &placed,
            namespace_labels: &ns,
        };
        let n = nodes
            .iter()
            .find(|n| n["metadata"]["name"] == target)
            .unwrap();
        filter(pod, n, &[], &snap)
    }

    fn reason(r: Option<Rejection>) -> Option<String> {
        r.map(|r| r.reasons.join("; "))
    }

    #[test]
    fn node_selector_and_required_affinity() {
        let nodes = [node("n1", "a"), node("n2", "b")];
        let p = pod(
            "p",
            None,
            json!({"nodeSelector": {"topology.kubernetes.io/zone": "b"}}),
        );
        assert_eq!(
            reason(check(&p, "n1", &nodes, &[])).as_deref(),
            Some(NODE_AFFINITY)
        );
        assert_eq!(check(&p, "n2", &nodes, &[]), None);
        let aff = |op: &str, values: Value| {
            pod(
                "p",
                None,
                json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": op, "values": values}]}]}}}}),
            )
        };
        assert!(check(&aff("NotIn", json!(["a"])), "n1", &nodes, &[]).is_some());
        assert!(check(&aff("NotIn", json!(["a"])), "n2", &nodes, &[]).is_none());
        assert!(check(&aff("Exists", json!([])), "n1", &nodes, &[]).is_none());
        assert!(check(&aff("DoesNotExist", json!([])), "n1", &nodes, &[]).is_some());
        // matchFields on metadata.name; terms are ORed
        let fields = pod(
            "p",
            None,
            json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n2"]}]},
            {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["z"]}]}]}}}}),
        );
        assert!(check(&fields, "n1", &nodes, &[]).is_some());
        assert!(check(&fields, "n2", &nodes, &[]).is_none());
        // an empty term matches nothing
        let empty = pod(
            "p",
            None,
            json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{}]}}}}),
        );
        assert!(check(&empty, "n1", &nodes, &[]).is_some());
    }

    #[test]
    fn gt_and_lt_compare_integers() {
        let mut n = node("n1", "a");
        n["metadata"]["labels"]["gen"] = json!("10");
        let e = |op: &str, v: &str| json!({"nodeSelectorTerms": [{"matchExpressions": [{"key": "gen", "operator": op, "values": [v]}]}]});
        assert!(node_selector_matches(&e("Gt", "9"), &n));
        assert!(!node_selector_matches(&e("Gt", "10"), &n));
        assert!(node_selector_matches(&e("Lt", "11"), &n));
        assert!(!node_selector_matches(&e("Lt", "x"), &n));
    }

    #[test]
    fn requests_against_allocatable() {
        let nodes = [node("n1", "a")];
        let big = |cpu: &str, mem: &str| {
            pod(
                "p",
                None,
                json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": mem}}}]}),
            )
        };
        assert_eq!(check(&big("1500m", "1Gi"), "n1", &nodes, &[]), None);
        let placed = [pod(
            "q",
            Some("n1"),
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "1", "memory": "3Gi"}}}]}),
        )];
        let r = check(&big("1500m", "2Gi"), "n1", &nodes, &placed).unwrap();
        assert_eq!(r.reasons, ["Insufficient cpu", "Insufficient memory"]);
        assert!(r.resolvable);
        // a finished pod frees its requests; init containers count by their largest
        let mut done = placed[0].clone();
        done["status"]["phase"] = json!("Succeeded");
        assert_eq!(check(&big("1500m", "2Gi"), "n1", &nodes, &[done]), None);
        let init = pod(
            "p",
            None,
            json!({"initContainers": [{"name": "i", "resources": {"requests": {"cpu": "3"}}}]}),
        );
        assert_eq!(pod_request(&init, "cpu"), 3000);
        assert!(check(&init, "n1", &nodes, &[]).is_some());
    }

    fn anti(key: &str) -> Value {
        json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": key}]}}})
    }

    #[test]
    fn anti_affinity_by_hostname_and_zone() {
        let nodes = [node("n1", "a"), node("n2", "a"), node("n3", "b")];
        let placed = [pod("web-0", Some("n1"), json!({}))];
        let p = pod("web-1", None, anti("kubernetes.io/hostname"));
        assert_eq!(
            reason(check(&p, "n1", &nodes, &placed)).as_deref(),
            Some(ANTI_AFFINITY)
        );
        assert_eq!(check(&p, "n2", &nodes, &placed), None);
        let z = pod("web-1", None, anti("topology.kubernetes.io/zone"));
        assert!(check(&z, "n2", &nodes, &placed).is_some());
        assert!(check(&z, "n3", &nodes, &placed).is_none());
        // symmetric: an existing pod's anti-affinity keeps a matching newcomer away
        let placed = [pod("web-0", Some("n1"), anti("kubernetes.io/hostname"))];
        let plain = pod("web-1", None, json!({}));
        assert_eq!(
            reason(check(&plain, "n1", &nodes, &placed)).as_deref(),
            Some(EXISTING_ANTI_AFFINITY)
        );
        // other namespaces are not selected by default
        let mut other = placed[0].clone();
        other["metadata"]["namespace"] = json!("elsewhere");
        assert_eq!(check(&plain, "n1", &nodes, &[other]), None);
    }

    #[test]
    fn affinity_needs_a_matching_pod_in_the_domain_unless_first() {
        let nodes = [node("n1", "a"), node("n2", "b")];
        let term = json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "topology.kubernetes.io/zone"}]}}});
        let p = pod("web-1", None, term);
        // first of its group: anywhere
        assert_eq!(check(&p, "n1", &nodes, &[]), None);
        let placed = [pod("web-0", Some("n2"), json!({}))];
        assert_eq!(
            reason(check(&p, "n1", &nodes, &placed)).as_deref(),
            Some(AFFINITY)
        );
        assert_eq!(check(&p, "n2", &nodes, &placed), None);
    }

    #[test]
    fn topology_spread_do_not_schedule() {
        let nodes = [node("n1", "a"), node("n2", "b")];
        let spread = json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "web"}}}]});
        let placed = [pod("web-0", Some("n1"), json!({}))];
        let p = pod("web-1", None, spread.clone());
        assert_eq!(
            reason(check(&p, "n1", &nodes, &placed)).as_deref(),
            Some(SPREAD)
        );
        assert_eq!(check(&p, "n2", &nodes, &placed), None);
        // a terminating pod does not count
        let mut gone = placed[0].clone();
        gone["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        assert_eq!(check(&p, "n1", &nodes, &[gone]), None);
        // a node without the key cannot take the pod at all
        let mut bare = node("n3", "x");
        bare["metadata"]["labels"]
            .as_object_mut()
            .unwrap()
            .remove("topology.kubernetes.io/zone");
        let nodes = [node("n1", "a"), bare];
        let r = check(&p, "n3", &nodes, &[]).unwrap();
        assert_eq!(r.reasons, [SPREAD_LABEL]);
        assert!(!r.resolvable);
    }

    #[test]
    fn fit_error_sorts_count_reason_strings_and_names_preemption() {
        let rs = [
            Rejection::unresolvable(NODE_AFFINITY),
            Rejection::resolvable(vec![ANTI_AFFINITY.into()]),
            Rejection::resolvable(vec![ANTI_AFFINITY.into()]),
        ];
        assert_eq!(
            fit_error(3, &rs),
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
        let cpu = [Rejection::resolvable(vec![
            "Insufficient cpu".into(),
            "Insufficient memory".into(),
        ])];
        assert_eq!(
            fit_error(1, &cpu),
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        );
    }

    #[test]
    fn pv_affinity_with_any_topology_key() {
        let n1 = node("n1", "a");
        let pv = |key: &str, v: &str| json!({"spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": key, "operator": "In", "values": [v]}]}]}}}});
        assert!(pv_fits(&pv("topology.kubernetes.io/zone", "a"), &n1));
        assert!(!pv_fits(&pv("topology.kubernetes.io/zone", "b"), &n1));
        assert!(!pv_fits(&pv("topology.topolvm.io/node", "n1"), &n1));
        assert!(pv_fits(&json!({"spec": {}}), &n1));
    }
}
