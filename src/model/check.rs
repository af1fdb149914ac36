//! `check` as pure decisions: the risks a StatefulSet carries before they bite, each a stable
//! ID with a severity, what to do and the documentation or issue it rests on.
//!
//! Two sources: the live cluster (every check; what the cluster holds: pods, nodes, volumes,
//! classes, budgets) and a manifest (rendered charts, kustomize output: the checks that read
//! only the objects themselves, with whatever Services, budgets and classes the manifest
//! defines). Where a fact cannot be read (RBAC), the checks needing it are reported as not run,
//! never guessed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube_common::selectors::LabelSelector;
use serde::Serialize;

use super::disruption::{
    node_refusal, preflight_indexed, selects_labels, DrainFlags, DrainIndex, DrainInput,
    VerdictCode,
};
use super::findings::{ProblemCode, Severity};
use super::health::{node_health, pod_terminating};
use super::placement::spec_misfit;
use super::set::start_ordinal;
use super::usage::{ClaimQuery, UsageIndex, UsageRead, UsageState};
use super::{Access, Claim, Volume};

/// One check of the list: its stable ID, the code it shares with inspect's problems or
/// drain's verdicts where they overlap, its severity, and what it rests on.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckDef {
    pub id: &'static str,
    pub code: &'static str,
    pub severity: Severity,
    /// Needs the live cluster (pods, nodes, volumes): not run on a manifest.
    pub live_only: bool,
    /// What it looks for, one line (the README's list).
    pub title: &'static str,
    pub reference: &'static str,
}

const fn def(
    id: &'static str,
    code: &'static str,
    severity: Severity,
    live_only: bool,
    title: &'static str,
    reference: &'static str,
) -> CheckDef {
    CheckDef {
        id,
        code,
        severity,
        live_only,
        title,
        reference,
    }
}

/// The codes shared with inspect's problems (one spelling for one fact).
const SERVICE_MISSING: &str = "ServiceMissing";
const SERVICE_NOT_HEADLESS: &str = "ServiceNotHeadless";
const RETAINED_CLAIMS: &str = "RetainedClaims";

/// Every check, in ID order. IDs are never reused or renumbered.
pub const CHECKS: &[CheckDef] = &[
    def("STS001", "MultiplePdbs", Severity::Error, false,
        "two or more PodDisruptionBudgets select one of its pods: every eviction of it fails",
        "https://github.com/kubernetes/kubernetes/issues/75957"),
    def("STS002", "ScaleDownDeletesData", Severity::Warning, false,
        "whenScaled: Delete on volumes reclaimed with Delete: a scale-down destroys data for good",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention"),
    def("STS003", "DeleteDeletesData", Severity::Warning, false,
        "whenDeleted: Delete on volumes reclaimed with Delete: deleting the set destroys its data",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention"),
    def("STS004", RETAINED_CLAIMS, Severity::Info, true,
        "claims kept above the replica count on volumes reclaimed with Delete: deleting one destroys its data",
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming"),
    def("STS005", "ImmediateBinding", Severity::Warning, false,
        "volumeBindingMode Immediate with zonal or node-local storage: a volume may land where the pod cannot run",
        "https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode"),
    def("STS006", "NoStorageClass", Severity::Warning, false,
        "a claim template without storageClassName: new ordinals get whatever class is the default then",
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1"),
    def("STS007", "PdbBlocksEveryDrain", Severity::Error, false,
        "a PodDisruptionBudget that allows no disruption even when every replica is healthy: no drain ever passes",
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions"),
    def("STS008", "AntiAffinityExceedsNodes", Severity::Error, true,
        "more replicas than the nodes its required pod anti-affinity allows: the rest stay Pending",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity"),
    def("STS009", "ReplicasOnOneNode", Severity::Warning, true,
        "every replica runs on one node: one node failure takes the whole set down",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/"),
    def("STS010", "ReplicasInOneZone", Severity::Warning, true,
        "every replica runs in one zone of a multi-zone cluster: one zone failure takes the whole set down",
        "https://kubernetes.io/docs/setup/best-practices/multiple-zones/"),
    def("STS011", SERVICE_MISSING, Severity::Error, false,
        "the governing Service is missing (or serviceName is empty): pods get no stable DNS names",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id"),
    def("STS012", SERVICE_NOT_HEADLESS, Severity::Error, false,
        "the governing Service has a cluster IP: per-pod DNS records need clusterIP: None",
        "https://kubernetes.io/docs/concepts/services-networking/service/#headless-services"),
    def("STS013", "ServiceSelectsNotTheSet", Severity::Error, false,
        "the governing Service's selector does not select the set's pods: they get no DNS records",
        "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pods"),
    def("STS014", "ServiceSelectsOtherPods", Severity::Warning, true,
        "the governing Service also selects pods that are not the set's: clients reach the wrong pods",
        "https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service"),
    def("STS015", "NoReadinessProbe", Severity::Warning, false,
        "a container without a readiness probe: Ready means started, and ordered rollouts and scale steps go on regardless",
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes"),
    def("STS016", "ClassNotExpandable", Severity::Info, false,
        "a StorageClass that does not allow volume expansion: its volumes cannot be grown in place",
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims"),
    def("STS017", "PartitionAboveReplicas", Severity::Info, false,
        "a RollingUpdate partition at or above spec.replicas (it counts from ordinals.start): no pod takes an update (a staging pattern)",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#partitions"),
    def("STS018", "SlowOrderedRecovery", Severity::Warning, false,
        "OrderedReady with a long minReadySeconds: ordinals come back one per minReadySeconds",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#minimum-ready-seconds"),
    def("STS019", "PublishNotReadyAddresses", Severity::Info, false,
        "the governing Service publishes not-ready pods' addresses: right for peer discovery, wrong for clients",
        "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec"),
    def("STS020", "DrainWouldBlock", Severity::Warning, true,
        "draining a node that runs one of its pods would block now (drain's preflight verdict)",
        "https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/"),
    def("STS021", "ZeroGracePeriod", Severity::Warning, false,
        "terminationGracePeriodSeconds 0: a pod is never given the time to stop, and two may run one identity",
        "https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/#statefulset-considerations"),
    def("STS022", "NoDisruptionBudget", Severity::Warning, false,
        "no PodDisruptionBudget selects its pods (two replicas or more): kubectl drain, the cluster autoscaler or any other evicting tool can take a second pod down",
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/"),
    def("STS023", "VolumeFillingUp", Severity::Warning, true,
        "a claim's volume 85 % full or more, bytes or inodes (95 %: an error), from the kubelets' volume stats; the size to grow the template to",
        "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepersistentvolumefillingup/"),
];

/// The check with this ID.
pub fn check_def(id: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().find(|c| c.id == id)
}

/// Inspect's problem that is also a check, by its code (one list of codes).
pub fn check_of_problem(code: ProblemCode) -> Option<&'static CheckDef> {
    let code = code.to_string();
    CHECKS.iter().find(|c| c.code == code)
}

/// Where the objects come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The live cluster: a missing object is missing.
    Cluster,
    /// A manifest: what it does not define may exist in the cluster.
    Manifest,
}

/// Everything the checks read. In a manifest, `pods`, `claims`, `volumes` and `nodes` are
/// empty and the checks reading them are not run.
pub struct CheckInput<'a> {
    pub source: Source,
    /// The sets to check.
    pub sets: &'a [StatefulSet],
    pub services: Access<&'a [Service]>,
    pub pdbs: Access<&'a [PodDisruptionBudget]>,
    pub classes: Access<&'a [StorageClass]>,
    /// Every pod the cluster runs (drain's preflight counts what each node holds), or where
    /// RBAC allows only that, the namespace's (`pods_everywhere` false).
    pub pods: Access<&'a [Pod]>,
    pub pods_everywhere: bool,
    pub claims: Access<&'a [Claim]>,
    pub volumes: Access<&'a [Volume]>,
    pub nodes: Access<&'a [Node]>,
    /// The kubelets' volume stats for STS023 (not read: STS023 is not run).
    pub usage: &'a UsageRead,
    pub now: jiff::Timestamp,
}

/// Usage not read (a manifest; the cluster without `--usage`).
static NOT_READ: UsageRead = UsageRead::NotRead;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub id: &'static str,
    pub code: &'static str,
    pub severity: Severity,
    pub namespace: String,
    pub statefulset: String,
    /// The object the finding is about (`PodDisruptionBudget/x`, `Pod/web-1`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Drain's verdict code (STS020).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictCode>,
    /// The size to grow the claim template to (STS023), as `resize-storage --size` takes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_size: Option<String>,
    pub message: String,
    pub action: String,
    pub reference: &'static str,
}

/// A check that could not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotRun {
    pub id: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub not_run: Vec<NotRun>,
    /// Permissions that were missing, so some checks did not run (least privilege).
    pub missing_permissions: Vec<String>,
}

/// Zonal block storage and node-local provisioners: a volume provisioned before its pod is
/// scheduled is placed without regard to where the pod can run.
const TOPOLOGY_BOUND_PROVISIONERS: &[&str] = &[
    "kubernetes.io/no-provisioner",
    "rancher.io/local-path",
    "local.csi.openebs.io",
    "openebs.io/local",
    "topolvm.io",
    "topolvm.cybozu.com",
    "lvm.csi.metal-stack.io",
    "ebs.csi.aws.com",
    "kubernetes.io/aws-ebs",
    "pd.csi.storage.gke.io",
    "kubernetes.io/gce-pd",
    "disk.csi.azure.com",
    "kubernetes.io/azure-disk",
    "cinder.csi.openstack.org",
    "diskplugin.csi.alibabacloud.com",
];

const ZONE: &str = "topology.kubernetes.io/zone";
const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";

/// Runs every check on every set of the input.
pub fn check(input: &CheckInput<'_>) -> Outcome {
    let mut out = Outcome::default();
    let live = input.source == Source::Cluster;
    let mut not_run: BTreeSet<NotRun> = BTreeSet::new();
    let mut skip = |ids: &[&'static str], reason: &str| {
        for id in ids {
            not_run.insert(NotRun {
                id,
                reason: reason.to_string(),
            });
        }
    };
    if !live {
        let ids: Vec<&'static str> = CHECKS
            .iter()
            .filter(|c| c.live_only)
            .map(|c| c.id)
            .collect();
        skip(
            &ids,
            "reads the live cluster: pods, nodes, volumes; not run on a manifest",
        );
    }
    let mut missing = Vec::new();
    let mut denied = |access_ok: bool, perm: &str, ids: &[&'static str]| {
        if !access_ok {
            missing.push(perm.to_string());
            skip(ids, &format!("not allowed to {perm}"));
        }
    };
    if live {
        // a namespace's pods serve every check but drain's, which must see whole nodes
        let (perm, ids): (&str, &[&'static str]) = match input.pods {
            Access::Ok(_) => ("list pods (all namespaces)", &["STS020"]),
            Access::Forbidden => ("list pods", &["STS009", "STS010", "STS014", "STS020"]),
        };
        denied(
            input.pods.ok().is_some() && input.pods_everywhere,
            perm,
            ids,
        );
        denied(
            input.nodes.ok().is_some(),
            "list nodes",
            &["STS008", "STS010", "STS020"],
        );
        denied(
            input.volumes.ok().is_some(),
            "list persistentvolumes",
            &["STS004", "STS020"],
        );
        denied(
            input.claims.ok().is_some(),
            "list persistentvolumeclaims",
            &["STS004"],
        );
    }
    denied(
        input.pdbs.ok().is_some(),
        "list poddisruptionbudgets.policy",
        &["STS001", "STS007", "STS020", "STS022"],
    );
    denied(
        input.classes.ok().is_some(),
        "list storageclasses.storage.k8s.io",
        &["STS005", "STS016"],
    );
    denied(
        input.services.ok().is_some(),
        "list services",
        &["STS011", "STS012", "STS013", "STS014", "STS019"],
    );
    if live {
        match input.usage {
            UsageRead::NotRead => skip(
                &["STS023"],
                "reads each node's volume stats through the API server, one request per node running the sets' pods: pass --usage",
            ),
            UsageRead::Forbidden => {
                missing.push(super::usage::PERMISSION.to_string());
                skip(
                    &["STS023"],
                    &format!(
                        "not allowed to {} ({})",
                        super::usage::PERMISSION,
                        super::usage::PERMISSION_WARNING
                    ),
                );
            }
            UsageRead::Read(nodes) => {
                for (n, a) in nodes {
                    if let super::usage::NodeAnswer::DidNotAnswer(why) = a {
                        skip(
                            &["STS023"],
                            &format!("for the claims on node {n}, which did not answer ({why})"),
                        );
                    }
                }
            }
        }
    }

    let ctx = Context::new(input);
    let mut drains: HashMap<String, Vec<super::disruption::PodVerdict>> = HashMap::new();
    for set in input.sets {
        let s = SetFacts::new(set, &ctx);
        let mut f = Vec::new();
        pdb_checks(&s, &ctx, &mut f);
        retention_checks(&s, &ctx, &mut f);
        storage_checks(&s, &ctx, &mut f, &mut skip);
        placement_checks(&s, &ctx, &mut f);
        service_checks(&s, &ctx, &mut f);
        template_checks(&s, &mut f);
        drain_check(&s, &ctx, &mut drains, &mut f);
        usage_check(&s, &ctx, &mut f);
        out.findings.extend(f);
    }
    out.findings.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.severity),
            &a.namespace,
            &a.statefulset,
            a.id,
            &a.object,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                &b.namespace,
                &b.statefulset,
                b.id,
                &b.object,
            ))
    });
    out.not_run = not_run.into_iter().collect();
    out.missing_permissions = missing;
    out
}

/// The input indexed once (a thousand sets read one list of each kind).
struct Context<'a> {
    input: &'a CheckInput<'a>,
    live: bool,
    services: HashMap<(&'a str, &'a str), &'a Service>,
    pdbs: HashMap<&'a str, Vec<&'a PodDisruptionBudget>>,
    classes: HashMap<&'a str, &'a StorageClass>,
    default_class: Option<&'a StorageClass>,
    pods_by_ns: HashMap<&'a str, Vec<&'a Pod>>,
    /// By (namespace, name without its ordinal): a set's pods are `<set>-<n>`.
    pods_by_base: HashMap<(&'a str, &'a str), Vec<&'a Pod>>,
    /// By (namespace, name), ordered: a template's claims are one range of names.
    claims: BTreeMap<(&'a str, &'a str), &'a Claim>,
    volumes: HashMap<&'a str, &'a Volume>,
    nodes: HashMap<&'a str, &'a Node>,
    /// Zones of the Ready nodes.
    zones: BTreeSet<&'a str>,
    drain_index: Option<DrainIndex<'a>>,
    usage: UsageIndex<'a>,
}

impl<'a> Context<'a> {
    fn new(input: &'a CheckInput<'a>) -> Context<'a> {
        let services = input
            .services
            .ok()
            .into_iter()
            .flat_map(|s| s.iter())
            .filter_map(|s| {
                Some((
                    (
                        s.metadata.namespace.as_deref()?,
                        s.metadata.name.as_deref()?,
                    ),
                    s,
                ))
            })
            .collect();
        let mut pdbs: HashMap<&str, Vec<&PodDisruptionBudget>> = HashMap::new();
        for b in input.pdbs.ok().into_iter().flat_map(|s| s.iter()) {
            pdbs.entry(b.metadata.namespace.as_deref().unwrap_or_default())
                .or_default()
                .push(b);
        }
        let classes: HashMap<&str, &StorageClass> = input
            .classes
            .ok()
            .into_iter()
            .flat_map(|s| s.iter())
            .filter_map(|c| Some((c.metadata.name.as_deref()?, c)))
            .collect();
        let default_class = classes.values().copied().find(|c| {
            c.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_CLASS))
                .is_some_and(|v| v == "true")
        });
        let mut pods_by_ns: HashMap<&str, Vec<&Pod>> = HashMap::new();
        let mut pods_by_base: HashMap<(&str, &str), Vec<&Pod>> = HashMap::new();
        for p in input.pods.ok().into_iter().flat_map(|s| s.iter()) {
            let ns = p.metadata.namespace.as_deref().unwrap_or_default();
            pods_by_ns.entry(ns).or_default().push(p);
            if let Some((base, _)) = p.metadata.name.as_deref().and_then(|n| n.rsplit_once('-')) {
                pods_by_base.entry((ns, base)).or_default().push(p);
            }
        }
        let nodes: HashMap<&str, &Node> = input
            .nodes
            .ok()
            .into_iter()
            .flat_map(|s| s.iter())
            .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
            .collect();
        let zones = nodes
            .values()
            .filter(|n| !node_health(n, input.now).is_dead())
            .filter_map(|n| n.metadata.labels.as_ref()?.get(ZONE).map(String::as_str))
            .collect();
        let live = input.source == Source::Cluster;
        let drain_index = match (
            live && input.pods_everywhere,
            input.pods.ok(),
            input.nodes.ok(),
            input.pdbs.ok(),
            input.volumes.ok(),
        ) {
            (true, Some(pods), Some(nodes), Some(pdbs), Some(volumes)) => {
                Some(DrainIndex::new(nodes, pods, input.sets, pdbs, volumes))
            }
            _ => None,
        };
        Context {
            input,
            live,
            services,
            pdbs,
            default_class,
            classes,
            pods_by_ns,
            pods_by_base,
            claims: input
                .claims
                .ok()
                .into_iter()
                .flat_map(|s| s.iter())
                .map(|c| ((c.namespace.as_str(), c.name.as_str()), c))
                .collect(),
            volumes: input
                .volumes
                .ok()
                .into_iter()
                .flat_map(|s| s.iter())
                .map(|v| (v.name.as_str(), v))
                .collect(),
            nodes,
            zones,
            drain_index,
            usage: UsageIndex::new(input.usage, input.now),
        }
    }
}

/// The flags of the drain an operator runs for maintenance: DaemonSet pods and emptyDir data
/// are expected, pinned volumes and downtime are what check warns about.
fn drain_flags() -> DrainFlags {
    DrainFlags {
        ignore_daemonsets: true,
        delete_emptydir_data: true,
        ..Default::default()
    }
}

/// One set's facts the checks share.
struct SetFacts<'a> {
    set: &'a StatefulSet,
    ns: &'a str,
    name: &'a str,
    replicas: i64,
    start: i64,
    template: Option<&'a PodSpec>,
    template_labels: BTreeMap<String, String>,
    /// Its pods (live), by ordinal.
    pods: BTreeMap<i64, &'a Pod>,
    /// The budgets that select any of its pods (or, without pods, its template).
    pdbs: Vec<&'a PodDisruptionBudget>,
}

impl<'a> SetFacts<'a> {
    fn new(set: &'a StatefulSet, ctx: &Context<'a>) -> SetFacts<'a> {
        let ns = set.metadata.namespace.as_deref().unwrap_or_default();
        let spec = &set.spec;
        let template_labels = spec
            .template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        let name = set.metadata.name.as_deref().unwrap_or_default();
        let pods = super::set::set_pods(
            set,
            ctx.pods_by_base
                .get(&(ns, name))
                .into_iter()
                .flatten()
                .copied(),
        );
        let mut s = SetFacts {
            set,
            ns,
            name,
            replicas: spec.replicas.unwrap_or(1) as i64,
            start: start_ordinal(set),
            template: spec.template.spec.as_ref(),
            template_labels,
            pods,
            pdbs: vec![],
        };
        s.pdbs = ctx
            .pdbs
            .get(ns)
            .into_iter()
            .flatten()
            .copied()
            .filter(|b| s.label_sets().iter().any(|l| selects_labels(b, l)))
            .collect();
        s
    }

    /// The labels its pods carry: each live pod's, or the template's.
    fn label_sets(&self) -> Vec<BTreeMap<String, String>> {
        if self.pods.is_empty() {
            vec![self.template_labels.clone()]
        } else {
            self.pods
                .values()
                .map(|p| p.metadata.labels.clone().unwrap_or_default())
                .collect()
        }
    }

    fn finding(&self, id: &'static str, message: String, action: String) -> Finding {
        let d = check_def(id).expect("a listed check");
        Finding {
            id,
            code: d.code,
            severity: d.severity,
            namespace: self.ns.to_string(),
            statefulset: self.name.to_string(),
            object: None,
            node: None,
            verdict: None,
            suggested_size: None,
            message,
            action,
            reference: d.reference,
        }
    }

    fn templates(
        &self,
    ) -> impl Iterator<Item = &'a k8s_openapi::api::core::v1::PersistentVolumeClaim> {
        self.set.spec.volume_claim_templates.iter().flatten()
    }

    /// The claims that exist for a template, with their volumes (live).
    fn volumes_of<'c>(
        &self,
        template: &str,
        ctx: &'c Context<'a>,
    ) -> Vec<(&'a Claim, Option<&'a Volume>)>
    where
        'a: 'c,
    {
        let mut out = Vec::new();
        let prefix = format!("{template}-{}-", self.name);
        let from = (self.ns, prefix.as_str());
        for ((_, name), c) in ctx
            .claims
            .range(from..)
            .take_while(|((ns, name), _)| *ns == self.ns && name.starts_with(&prefix))
        {
            if super::set::claim_ordinal(template, self.name, name).is_some() {
                let v = c
                    .volume_name
                    .as_deref()
                    .and_then(|v| ctx.volumes.get(v).copied());
                out.push((*c, v));
            }
        }
        out
    }
}

fn int_or_percent(v: &IntOrString, total: i64) -> Option<i64> {
    // the disruption controller rounds both bounds up (disruption.go:
    // GetScaledValueFromIntOrPercent(…, roundUp=true))
    match v {
        IntOrString::Int(i) => Some(*i as i64),
        IntOrString::String(s) => {
            let p: i64 = s.strip_suffix('%')?.parse().ok()?;
            Some((p * total + 99) / 100)
        }
    }
}

fn show(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// The set's selector as `kubectl create … --selector` takes it (the same grammar as `-l`).
fn selector_arg(s: &SetFacts<'_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    match s.set.spec.selector.match_labels.as_ref() {
        // a set without a selector is refused by the API; its template's labels are the
        // nearest thing to one
        None if s.set.spec.selector.match_expressions.is_none() => {
            parts.extend(s.template_labels.iter().map(|(k, v)| format!("{k}={v}")));
        }
        labels => parts.extend(
            labels
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}={v}")),
        ),
    }
    for e in s.set.spec.selector.match_expressions.iter().flatten() {
        let values = e.values.as_deref().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            _ => format!("!{}", e.key),
        });
    }
    parts.join(",")
}

/// STS022: pods no budget selects. Without one, nothing stops kubectl drain, the cluster
/// autoscaler's scale-down or any other eviction from taking a second pod while one is down
/// (kubectl sts drain orders only its own evictions). With one replica there is no second pod
/// to lose and a budget could only block drains (STS007), so it applies from two.
fn no_budget_check(s: &SetFacts<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if s.replicas < 2 {
        return;
    }
    let budgets: &[&PodDisruptionBudget] = ctx.pdbs.get(s.ns).map_or(&[], Vec::as_slice);
    let covered =
        |labels: &BTreeMap<String, String>| budgets.iter().any(|b| selects_labels(b, labels));
    let bare: Vec<String> = s
        .pods
        .values()
        .filter(|p| !covered(&p.metadata.labels.clone().unwrap_or_default()))
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    let template_bare = !covered(&s.template_labels);
    if bare.is_empty() && !template_bare {
        return;
    }
    let risk = "kubectl drain, the cluster autoscaler or any other tool that evicts can take a second pod down while one is already down (kubectl sts drain orders only its own evictions)";
    let whose = format!("statefulset {}/{} ({} replicas)", s.ns, s.name, s.replicas);
    let message = if !bare.is_empty() && bare.len() < s.pods.len() {
        format!(
            "no PodDisruptionBudget selects pod(s) {} of {whose}: {risk}",
            super::summarised(&bare, ", ")
        )
    } else if ctx.live {
        format!("no PodDisruptionBudget selects the pods of {whose}: {risk}")
    } else {
        format!("no PodDisruptionBudget in the manifest selects the pods of {whose}: unless one in the cluster does, {risk}")
    };
    let taken = |n: &str| {
        budgets
            .iter()
            .any(|b| b.metadata.name.as_deref() == Some(n))
    };
    let name = if taken(s.name) {
        format!("{}-budget", s.name)
    } else {
        s.name.to_string()
    };
    out.push(s.finding(
        "STS022",
        message,
        format!(
            "kubectl create poddisruptionbudget {name} -n {} --selector '{}' --max-unavailable 1",
            s.ns,
            selector_arg(s)
        ),
    ));
}

/// STS001, STS007, STS022.
fn pdb_checks(s: &SetFacts<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.input.pdbs.ok().is_none() {
        return;
    }
    // STS001: per pod (or the template): the eviction API refuses a pod two budgets select
    let labels = s.label_sets();
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    for l in &labels {
        let names: Vec<String> = s
            .pdbs
            .iter()
            .filter(|b| selects_labels(b, l))
            .filter_map(|b| b.metadata.name.clone())
            .collect();
        if names.len() > 1 && seen.insert(names.clone()) {
            let mut f = s.finding(
                "STS001",
                format!(
                    "{} PodDisruptionBudgets ({}) select pods of statefulset {}/{}: the eviction API answers 500 for them, so every drain stops there",
                    names.len(),
                    names.join(", "),
                    s.ns,
                    s.name
                ),
                "make exactly one PodDisruptionBudget select the set's pods (narrow or delete the others)".into(),
            );
            f.object = Some(format!("PodDisruptionBudget/{}", names.join(",")));
            out.push(f);
        }
    }
    no_budget_check(s, ctx, out);
    // STS007: the budget at full health
    if s.replicas < 1 {
        return;
    }
    for b in &s.pdbs {
        let Some(spec) = b.spec.as_ref() else {
            continue;
        };
        let expected = b
            .status
            .as_ref()
            .and_then(|st| st.expected_pods)
            .map(i64::from)
            .filter(|e| ctx.live && *e > 0)
            .unwrap_or(s.replicas);
        let (allowed, bound) = match (&spec.min_available, &spec.max_unavailable) {
            (Some(m), _) => match int_or_percent(m, expected) {
                Some(m2) => (expected - m2, format!("minAvailable {}", show(m))),
                None => continue,
            },
            (None, Some(m)) => match int_or_percent(m, expected) {
                Some(m2) => (m2, format!("maxUnavailable {}", show(m))),
                None => continue,
            },
            (None, None) => continue,
        };
        if allowed < 1 {
            let name = b.metadata.name.as_deref().unwrap_or_default();
            let mut f = s.finding(
                "STS007",
                format!(
                    "PodDisruptionBudget {name} ({bound}) allows no disruption even with all {expected} pod(s) healthy: every eviction waits forever and no node running one of them can be drained"
                ),
                if s.replicas == 1 {
                    "with one replica, a budget cannot protect availability: use maxUnavailable: 1 (or delete it) and plan the downtime, or run more replicas; if it is deliberate (the owner must be asked before any disruption, as the Kubernetes docs suggest for a single-instance stateful app), --ignore STS007".into()
                } else {
                    format!("allow one disruption: minAvailable {} or maxUnavailable 1 (if blocking every drain is deliberate: --ignore STS007)", expected - 1)
                },
            );
            f.object = Some(format!("PodDisruptionBudget/{name}"));
            out.push(f);
        }
    }
}

/// Whether the set's volumes are reclaimed with Delete: the bound volumes' policy (live), else
/// the class's (Delete unless it says otherwise). None: Retain.
fn deleting_reclaim(s: &SetFacts<'_>, ctx: &Context<'_>) -> Option<String> {
    let mut why = BTreeSet::new();
    for t in s.templates() {
        let tname = t.metadata.name.as_deref().unwrap_or_default();
        let bound: Vec<&Volume> = s
            .volumes_of(tname, ctx)
            .into_iter()
            .filter_map(|(_, v)| v)
            .collect();
        if !bound.is_empty() {
            if bound
                .iter()
                .any(|v| v.reclaim_policy.as_deref() == Some("Delete"))
            {
                why.insert(format!("its volumes of {tname} are reclaimed with Delete"));
            }
            continue;
        }
        match template_class(t, ctx) {
            ClassRef::Known(c) if c.reclaim_policy.as_deref().unwrap_or("Delete") == "Delete" => {
                why.insert(format!(
                    "class {} reclaims with Delete",
                    c.metadata.name.as_deref().unwrap_or_default()
                ));
            }
            ClassRef::Known(_) => {}
            ClassRef::Named(n) => {
                why.insert(format!(
                    "class {n} reclaims with Delete unless it says Retain"
                ));
            }
            ClassRef::Default | ClassRef::NoClass => {
                why.insert("the default class reclaims with Delete unless it says Retain".into());
            }
        }
    }
    (!why.is_empty()).then(|| why.into_iter().collect::<Vec<_>>().join("; "))
}

/// STS002, STS003, STS004.
fn retention_checks(s: &SetFacts<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if s.templates().next().is_none() {
        return;
    }
    let policy = s.set.spec.persistent_volume_claim_retention_policy.as_ref();
    let scaled = policy.and_then(|p| p.when_scaled.as_deref()) == Some("Delete");
    let deleted = policy.and_then(|p| p.when_deleted.as_deref()) == Some("Delete");
    if scaled || deleted {
        if let Some(why) = deleting_reclaim(s, ctx) {
            if scaled {
                out.push(s.finding(
                    "STS002",
                    format!("persistentVolumeClaimRetentionPolicy.whenScaled is Delete and {why}: scaling {} down deletes the removed ordinals' claims and their data for good", s.name),
                    "set whenScaled: Retain (claims of removed ordinals are kept and reused on scale-up), or reclaimPolicy Retain on the volumes".into(),
                ));
            }
            if deleted {
                out.push(s.finding(
                    "STS003",
                    format!("persistentVolumeClaimRetentionPolicy.whenDeleted is Delete and {why}: deleting {} (helm uninstall, a re-create) deletes every claim and its data", s.name),
                    "set whenDeleted: Retain unless the data is disposable, or reclaimPolicy Retain on the volumes".into(),
                ));
            }
        }
    }
    // STS004: claims above the replica count, kept, on volumes that go with them
    if !ctx.live || ctx.input.volumes.ok().is_none() || ctx.input.claims.ok().is_none() {
        return;
    }
    let end = s.start + s.replicas;
    let mut kept = Vec::new();
    for t in s.templates() {
        let tname = t.metadata.name.as_deref().unwrap_or_default();
        for (c, v) in s.volumes_of(tname, ctx) {
            let o = super::set::claim_ordinal(tname, s.name, &c.name).unwrap_or(0);
            if (o >= end || o < s.start)
                && v.is_some_and(|v| v.reclaim_policy.as_deref() == Some("Delete"))
            {
                kept.push(c.name.clone());
            }
        }
    }
    if !kept.is_empty() {
        let mut f = s.finding(
            "STS004",
            format!(
                "{} claim(s) of ordinals beyond the {} replica(s) are kept ({}), on volumes reclaimed with Delete: deleting such a claim destroys its data",
                kept.len(),
                s.replicas,
                super::summarised(&kept, ", ")
            ),
            "keep them while the data may be needed (a scale-up reuses them); before deleting one, back it up or set the volume's reclaimPolicy to Retain".into(),
        );
        f.object = Some(format!("PersistentVolumeClaim/{}", kept[0]));
        out.push(f);
    }
}

enum ClassRef<'a> {
    Known(&'a StorageClass),
    /// Named, not read (not in the manifest).
    Named(String),
    /// No storageClassName: the default class, which is unknown.
    Default,
    /// `storageClassName: ""`: no class (pre-provisioned volumes).
    NoClass,
}

fn template_class<'a>(
    t: &k8s_openapi::api::core::v1::PersistentVolumeClaim,
    ctx: &Context<'a>,
) -> ClassRef<'a> {
    match t
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
    {
        Some("") => ClassRef::NoClass,
        Some(n) => ctx
            .classes
            .get(n)
            .copied()
            .map_or(ClassRef::Named(n.to_string()), ClassRef::Known),
        None => ctx.default_class.map_or(ClassRef::Default, ClassRef::Known),
    }
}

/// STS005, STS006, STS016.
fn storage_checks(
    s: &SetFacts<'_>,
    ctx: &Context<'_>,
    out: &mut Vec<Finding>,
    skip: &mut impl FnMut(&[&'static str], &str),
) {
    for t in s.templates() {
        let tname = t.metadata.name.as_deref().unwrap_or_default();
        let named = t
            .spec
            .as_ref()
            .and_then(|s| s.storage_class_name.as_deref());
        if named.is_none() {
            let now = ctx
                .default_class
                .and_then(|c| c.metadata.name.as_deref())
                .map(|c| format!(" (today: {c})"))
                .unwrap_or_default();
            let mut f = s.finding(
                "STS006",
                format!("claim template {tname} names no storageClassName: each new claim gets the default class at the time it is created{now}; if the default changes, new ordinals get other storage than the old ones"),
                format!("name the class in volumeClaimTemplates ({tname}.spec.storageClassName); a template cannot be changed in place: re-create the set with --cascade=orphan"),
            );
            f.object = Some(format!("volumeClaimTemplate/{tname}"));
            out.push(f);
        }
        let class = match template_class(t, ctx) {
            ClassRef::Known(c) => c,
            ClassRef::NoClass => continue,
            ClassRef::Named(n) => {
                if ctx.input.classes.ok().is_some() {
                    skip(
                        &["STS005", "STS016"],
                        &if ctx.live {
                            format!("StorageClass {n} does not exist")
                        } else {
                            format!("StorageClass {n} is not in the manifest")
                        },
                    );
                }
                continue;
            }
            ClassRef::Default => {
                if ctx.input.classes.ok().is_some() {
                    skip(
                        &["STS005", "STS016"],
                        "the default StorageClass is not known",
                    );
                }
                continue;
            }
        };
        let cname = class.metadata.name.as_deref().unwrap_or_default();
        let mode = class.volume_binding_mode.as_deref().unwrap_or("Immediate");
        if mode == "Immediate" {
            let bound_by_topology = TOPOLOGY_BOUND_PROVISIONERS
                .contains(&class.provisioner.as_str())
                || class
                    .allowed_topologies
                    .as_ref()
                    .is_some_and(|t| !t.is_empty())
                || s.volumes_of(tname, ctx)
                    .iter()
                    .any(|(_, v)| v.is_some_and(|v| v.node_affinity.is_some()));
            if bound_by_topology {
                let mut f = s.finding(
                    "STS005",
                    format!("StorageClass {cname} ({}) binds volumes Immediately, and its volumes live in one zone or on one node: a new claim's volume is placed before the pod is scheduled, possibly where the pod cannot run (Pending with a volume node affinity conflict)", class.provisioner),
                    format!("use a class with volumeBindingMode: WaitForFirstConsumer for {tname} (the binding mode of an existing class cannot be changed: create a new class)"),
                );
                f.object = Some(format!("StorageClass/{cname}"));
                out.push(f);
            }
        }
        if class.allow_volume_expansion != Some(true) {
            let mut f = s.finding(
                "STS016",
                format!("StorageClass {cname} does not allow volume expansion: the claims of template {tname} cannot be grown in place (kubectl sts resize-storage refuses)"),
                format!("set allowVolumeExpansion: true on {cname} if its provisioner supports it (the field can be changed), before the volumes fill up"),
            );
            f.object = Some(format!("StorageClass/{cname}"));
            out.push(f);
        }
    }
}

/// The taint the node lifecycle controller puts on a cordoned node (TaintNodeByCondition): it
/// goes with the cordon, so a cordoned node is judged without it.
const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// The live nodes a pod of the template may run on (Ready, matching its node selector and
/// required node affinity, its taints tolerated), each with whether it is cordoned: a cordoned
/// node takes no pod now, but a maintenance cordon ends, so STS008 counts those apart.
fn eligible_nodes<'a>(s: &SetFacts<'_>, ctx: &Context<'a>) -> Vec<(&'a Node, bool)> {
    let mut v: Vec<(&Node, bool)> = ctx
        .nodes
        .values()
        .copied()
        .filter_map(|n| {
            let h = node_health(n, ctx.input.now);
            (!h.is_dead()).then_some((n, h.unschedulable))
        })
        .filter(|(n, cordoned)| {
            let Some(spec) = s.template else {
                return true;
            };
            if !cordoned {
                return spec_misfit(spec, n).is_none();
            }
            let mut uncordoned = (*n).clone();
            if let Some(taints) = uncordoned.spec.as_mut().and_then(|s| s.taints.as_mut()) {
                taints.retain(|t| t.key != UNSCHEDULABLE_TAINT);
            }
            spec_misfit(spec, &uncordoned).is_none()
        })
        .collect();
    v.sort_by_key(|(n, _)| n.metadata.name.clone());
    v
}

/// STS008, STS009, STS010.
fn placement_checks(s: &SetFacts<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if !ctx.live {
        return;
    }
    if ctx.input.nodes.ok().is_some() && s.replicas > 1 {
        let terms = s
            .template
            .and_then(|p| p.affinity.as_ref())
            .and_then(|a| a.pod_anti_affinity.as_ref())
            .and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            });
        for term in terms.into_iter().flatten() {
            let sel = LabelSelector::from_label_selector(
                &serde_json::to_value(&term.label_selector).unwrap_or_default(),
            );
            let own_ns = term
                .namespaces
                .as_ref()
                .is_none_or(|n| n.is_empty() || n.iter().any(|x| x == s.ns));
            if term.label_selector.is_none() || !own_ns || !sel.matches(&s.template_labels) {
                continue;
            }
            let key = &term.topology_key;
            let eligible = eligible_nodes(s, ctx);
            // a node without the key is a domain of its own for the scheduler's filter
            let domain = |n: &Node| match n.metadata.labels.as_ref().and_then(|l| l.get(key)) {
                Some(v) => v.clone(),
                None => format!("node/{}", n.metadata.name.as_deref().unwrap_or_default()),
            };
            let now: BTreeSet<String> = eligible
                .iter()
                .filter(|(_, cordoned)| !cordoned)
                .map(|(n, _)| domain(n))
                .collect();
            if (now.len() as i64) >= s.replicas {
                continue;
            }
            let uncordoned: BTreeSet<String> = eligible.iter().map(|(n, _)| domain(n)).collect();
            let cordoned: Vec<String> = eligible
                .iter()
                .filter(|(n, c)| *c && !now.contains(&domain(n)))
                .filter_map(|(n, _)| n.metadata.name.clone())
                .collect();
            let short = s.replicas - now.len() as i64;
            let message = format!(
                "{} replicas, but required pod anti-affinity on {key} allows one per domain and the live, schedulable nodes it may use offer {}: at least {short} ordinal(s) that must be (re)scheduled stay Pending (and a drain leaves nowhere to go)",
                s.replicas,
                now.len(),
            );
            let action = format!(
                "add nodes (domains of {key}), lower replicas, or make the anti-affinity preferred"
            );
            let f = if cordoned.is_empty() {
                s.finding("STS008", message, action)
            } else if (uncordoned.len() as i64) >= s.replicas {
                // only cordoned nodes are short: a maintenance window, which ends; an error
                // would fail every check run during planned work
                let mut f = s.finding(
                    "STS008",
                    format!(
                        "{message}, while node(s) {} are cordoned; with them uncordoned there are {} domains, enough",
                        super::summarised(&cordoned, ", "),
                        uncordoned.len()
                    ),
                    format!(
                        "if the cordon is maintenance, uncordon when it is over (kubectl sts uncordon NODE after kubectl sts drain, else kubectl uncordon NODE); meanwhile do not move the set's pods; if it is not coming back: {action}"
                    ),
                );
                f.severity = Severity::Warning;
                f
            } else {
                s.finding(
                    "STS008",
                    format!(
                        "{message}; even with the cordoned node(s) {} back there are only {}",
                        super::summarised(&cordoned, ", "),
                        uncordoned.len()
                    ),
                    action,
                )
            };
            out.push(f);
        }
    }
    if ctx.input.pods.ok().is_none() || s.replicas < 2 {
        return;
    }
    let placed: Vec<(&str, &Pod)> = s
        .pods
        .values()
        .filter(|p| !pod_terminating(p))
        .filter_map(|p| Some((p.spec.as_ref()?.node_name.as_deref()?, *p)))
        .collect();
    if placed.len() < 2 {
        return;
    }
    let nodes: BTreeSet<&str> = placed.iter().map(|(n, _)| *n).collect();
    if nodes.len() == 1 {
        let node = nodes.first().copied().unwrap_or_default();
        let mut f = s.finding(
            "STS009",
            format!("all {} running replicas of {} are on node {node}: its failure (or drain) takes the whole set down", placed.len(), s.name),
            "spread the replicas: a topologySpreadConstraint or pod anti-affinity on kubernetes.io/hostname; then move them one at a time (kubectl sts rollout restart)".into(),
        );
        f.node = Some(node.to_string());
        out.push(f);
        return;
    }
    if ctx.input.nodes.ok().is_none() || ctx.zones.len() < 2 {
        return;
    }
    let zones: BTreeSet<Option<&str>> = placed
        .iter()
        .map(|(n, _)| {
            ctx.nodes
                .get(n)
                .and_then(|n| n.metadata.labels.as_ref()?.get(ZONE))
                .map(String::as_str)
        })
        .collect();
    if let [Some(zone)] = zones.iter().copied().collect::<Vec<_>>()[..] {
        out.push(s.finding(
            "STS010",
            format!("all {} running replicas of {} are in zone {zone}, and the cluster has {} zones: a zone failure takes the whole set down", placed.len(), s.name, ctx.zones.len()),
            format!("spread the replicas across zones: a topologySpreadConstraint on {ZONE} (zonal volumes stay in their zone: a replica moves with a new claim)"),
        ));
    }
}

/// STS011–STS014, STS019.
fn service_checks(s: &SetFacts<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if ctx.input.services.ok().is_none() {
        return;
    }
    let name = s.set.spec.service_name.as_deref().unwrap_or_default();
    if name.is_empty() {
        out.push(s.finding(
            "STS011",
            format!("statefulset {}/{} has no serviceName: its pods get no stable DNS names", s.ns, s.name),
            "create a headless Service (clusterIP: None) selecting the pods and name it in spec.serviceName (re-create the set with --cascade=orphan: the field cannot be changed)".into(),
        ));
        return;
    }
    let Some(svc) = ctx.services.get(&(s.ns, name)).copied() else {
        let message = if ctx.live {
            format!(
                "governing Service {}/{name} does not exist: pods get no stable DNS names",
                s.ns
            )
        } else {
            format!("governing Service {}/{name} is not in the manifest: unless it exists in the cluster, pods get no stable DNS names", s.ns)
        };
        let mut f = s.finding(
            "STS011",
            message,
            format!("create a headless Service {name} (clusterIP: None) selecting the pods"),
        );
        f.object = Some(format!("Service/{name}"));
        out.push(f);
        return;
    };
    let spec = svc.spec.clone().unwrap_or_default();
    let object = Some(format!("Service/{name}"));
    // in a manifest, no clusterIP means one is allocated: not headless either
    match spec.cluster_ip.as_deref() {
        Some("None") => {}
        ip => {
            let ip = match ip {
                Some(ip) if !ip.is_empty() => ip.to_string(),
                _ => "unset (one is allocated)".to_string(),
            };
            // The API refuses clusterIP: None on an existing Service (the field is immutable),
            // and deleting the Service to re-create it headless takes away the cluster IP its
            // clients use. serviceName is immutable too, and a pod takes its subdomain (the
            // Service its DNS name hangs under) only when it is created.
            let set = s.name;
            // a manifest not applied yet can still say clusterIP: None from the start
            let first = if ctx.live {
                String::new()
            } else {
                format!("before the first apply: clusterIP: None in {name}; once applied: ")
            };
            let mut f = s.finding(
                "STS012",
                format!("governing Service {}/{name} has clusterIP {ip}: per-pod DNS records need a headless Service", s.ns),
                format!("{first}keep {name} for its clients (its cluster IP cannot be removed in place); create a second, headless Service {set}-headless (clusterIP: None, the same selector and ports), re-create the set with serviceName: {set}-headless (serviceName is immutable: kubectl delete statefulset {set} -n {} --cascade=orphan, then apply it; the pods keep running), then kubectl sts rollout restart {set} -n {} so each pod gets its DNS name under the new Service", s.ns, s.ns),
            );
            f.object = object.clone();
            out.push(f);
        }
    }
    let selector = spec.selector.clone().unwrap_or_default();
    let selects = |labels: &BTreeMap<String, String>| {
        !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    };
    if !selects(&s.template_labels) {
        let why = if selector.is_empty() {
            "has no selector".to_string()
        } else {
            format!(
                "selects {} and the pod template's labels do not match",
                selector
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        };
        let mut f = s.finding(
            "STS013",
            format!(
                "governing Service {}/{name} {why}: the set's pods get no DNS records through it",
                s.ns
            ),
            "make the Service's selector a subset of the pod template's labels".into(),
        );
        f.object = object.clone();
        out.push(f);
    } else if ctx.live && ctx.input.pods.ok().is_some() {
        let uid = s.set.metadata.uid.as_deref();
        let others: Vec<String> = ctx
            .pods_by_ns
            .get(s.ns)
            .into_iter()
            .flatten()
            .filter(|p| !pod_terminating(p))
            .filter(|p| p.metadata.labels.as_ref().is_some_and(&selects))
            .filter(|p| {
                !p.metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|r| r.controller == Some(true) && Some(r.uid.as_str()) == uid)
            })
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        if !others.is_empty() {
            let mut f = s.finding(
                "STS014",
                format!("governing Service {}/{name} also selects {} pod(s) that are not {}'s ({}): its DNS name and endpoints lead to them too", s.ns, others.len(), s.name, super::summarised(&others, ", ")),
                "add a label only this set's pods carry to the Service's selector".into(),
            );
            f.object = object.clone();
            out.push(f);
        }
    }
    if spec.publish_not_ready_addresses == Some(true) {
        let mut f = s.finding(
            "STS019",
            format!("governing Service {}/{name} publishes not-ready addresses: pods resolve before they are Ready (right for peer discovery at bootstrap, wrong if clients use this Service)", s.ns),
            "keep it for peer discovery; give clients their own Service without publishNotReadyAddresses".into(),
        );
        f.object = object;
        out.push(f);
    }
}

/// STS015, STS017, STS018, STS021.
fn template_checks(s: &SetFacts<'_>, out: &mut Vec<Finding>) {
    if let Some(spec) = s.template {
        let bare: Vec<&str> = spec
            .containers
            .iter()
            .filter(|c| c.readiness_probe.is_none())
            .map(|c| c.name.as_str())
            .collect();
        if !bare.is_empty() {
            out.push(s.finding(
                "STS015",
                format!("container(s) {} of {} have no readiness probe: a pod is Ready as soon as it starts, so OrderedReady, guarded scale steps and rollouts go on before the app can serve", bare.join(", "), s.name),
                "add a readinessProbe that passes only when the member can serve (joined its cluster, caught up)".into(),
            ));
        }
        if spec.termination_grace_period_seconds == Some(0) {
            out.push(s.finding(
                "STS021",
                format!("{}'s pods have terminationGracePeriodSeconds 0: they are killed without time to stop, and a replacement may start while the old process still runs (two pods, one identity)", s.name),
                "give the app the time it needs to stop (the default is 30 s)".into(),
            ));
        }
    }
    let spec = &s.set.spec;
    let strategy = spec.update_strategy.as_ref();
    let partition = strategy
        .filter(|u| u.type_.as_deref().unwrap_or("RollingUpdate") == "RollingUpdate")
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .map(i64::from);
    // The partition is an index into the ordinals, counted from ordinals.start, not an
    // ordinal: the controller updates replicas[i] for i >= partition, where replicas[i] is
    // ordinal start + i (stateful_set_control.go), and creates ordinals below start + partition
    // at the current revision (newVersionedStatefulSetPod). So nothing moves once it reaches
    // spec.replicas, whatever start is.
    if let Some(p) = partition.filter(|p| s.replicas > 0 && *p >= s.replicas) {
        let range = if s.start == 0 {
            format!("ordinals 0..{}", s.replicas - 1)
        } else {
            format!(
                "ordinals {}..{}; it counts from ordinals.start {}",
                s.start,
                s.start + s.replicas - 1,
                s.start
            )
        };
        out.push(s.finding(
            "STS017",
            format!("RollingUpdate partition {p} holds every pod of {} at the current revision ({range}, so only pods from ordinal {} would be updated): no pod takes the update revision", s.name, s.start + p),
            format!("intended while staging; to roll out, lower it (kubectl sts rollout apply {} --to-partition N)", s.name),
        ));
    }
    let ordered = spec
        .pod_management_policy
        .as_deref()
        .unwrap_or("OrderedReady")
        == "OrderedReady";
    let min_ready = spec.min_ready_seconds.unwrap_or(0) as i64;
    if ordered && min_ready >= 60 && s.replicas > 1 {
        out.push(s.finding(
            "STS018",
            format!("OrderedReady with minReadySeconds {min_ready}: each ordinal waits until the one before it has been available that long, so bringing {} replicas back takes at least {} min", s.replicas, (min_ready * s.replicas + 59) / 60),
            "use podManagementPolicy: Parallel if the app does not need ordered start-up, or a shorter minReadySeconds with a readiness probe that means it".into(),
        ));
    }
}

/// STS020: drain's preflight on each node running one of the set's pods, the verdicts that
/// block for this set's pods.
fn drain_check(
    s: &SetFacts<'_>,
    ctx: &Context<'_>,
    cache: &mut HashMap<String, Vec<super::disruption::PodVerdict>>,
    out: &mut Vec<Finding>,
) {
    let (Some(index), Some(pods), Some(nodes), Some(pdbs), Some(volumes)) = (
        ctx.drain_index.as_ref(),
        ctx.input.pods.ok(),
        ctx.input.nodes.ok(),
        ctx.input.pdbs.ok(),
        ctx.input.volumes.ok(),
    ) else {
        return;
    };
    let on: BTreeSet<&str> = s
        .pods
        .values()
        .filter_map(|p| p.spec.as_ref()?.node_name.as_deref())
        .collect();
    for node_name in on {
        let Some(node) = ctx.nodes.get(node_name).copied() else {
            continue;
        };
        let input = DrainInput {
            node,
            lease_age: None,
            nodes,
            pods,
            sets: ctx.input.sets,
            pdbs,
            volumes,
            now: ctx.input.now,
            flags: drain_flags(),
        };
        // a dead node is recover's, and inspect's, not a drain's
        if node_refusal(&input, i64::MAX).is_some() {
            continue;
        }
        let verdicts = cache
            .entry(node_name.to_string())
            .or_insert_with(|| preflight_indexed(&input, index));
        for v in verdicts.iter() {
            if v.namespace != s.ns || v.statefulset.as_deref() != Some(s.name) || !v.code.blocks() {
                continue;
            }
            let mut f = s.finding(
                "STS020",
                format!("draining node {node_name} now would block on {}: {:?} ({})", v.name, v.code, v.reason),
                format!("kubectl sts drain {node_name} --dry-run shows every verdict; fix what it names before maintenance"),
            );
            f.node = Some(node_name.to_string());
            f.object = Some(format!("Pod/{}", v.name));
            f.verdict = Some(v.code);
            out.push(f);
        }
    }
}

/// STS023: each claim of the set whose volume is 85 % full or more (95 %: an error), bytes or
/// inodes, with the size to grow its template to: computed once per template from the fullest
/// claim (resize-storage grows every claim of a template to one size), so that it comes back to
/// 60 %. One member far fuller than the others is named a skew.
fn usage_check(s: &SetFacts<'_>, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    use super::usage::{
        grow_to, large_growth, percent, size_quantity, skew, ERROR_FILL, WARN_FILL,
    };
    use kube_common::quantity;
    if !ctx.live {
        return;
    }
    for t in s.templates() {
        let tname = t.metadata.name.as_deref().unwrap_or_default();
        let template_size = t
            .spec
            .as_ref()
            .and_then(|s| s.resources.as_ref()?.requests.as_ref()?.get("storage"))
            .and_then(|q| quantity::parse(&q.0));
        // (claim, its request, the node, its usage) for the claims a running pod mounts
        let mut measured = Vec::new();
        for (c, v) in s.volumes_of(tname, ctx) {
            let Some(o) = super::set::claim_ordinal(tname, s.name, &c.name) else {
                continue;
            };
            let pod = s.pods.get(&o).and_then(|p| {
                let node = p.spec.as_ref()?.node_name.as_deref()?;
                let dead = ctx
                    .nodes
                    .get(node)
                    .is_some_and(|n| node_health(n, ctx.input.now).is_dead());
                (!dead).then_some((p.metadata.uid.as_deref()?, node))
            });
            let request = c.request.as_deref().and_then(quantity::parse);
            let size = [
                v.and_then(|v| v.capacity.as_deref())
                    .and_then(quantity::parse),
                request,
            ]
            .into_iter()
            .flatten()
            .max();
            let Some(u) = ctx.usage.claim(&ClaimQuery {
                namespace: s.ns,
                claim: &c.name,
                size,
                pod,
            }) else {
                return;
            };
            if let (UsageState::Measured, Some(fill)) = (u.state, u.worst_fill()) {
                measured.push((c, request, u, fill));
            }
        }
        let fills: Vec<f64> = measured.iter().map(|m| m.3).collect();
        let skewed = skew(&fills);
        let Some(fullest) = measured.iter().max_by(|a, b| a.3.total_cmp(&b.3)) else {
            continue;
        };
        if fullest.3 < WARN_FILL {
            continue;
        }
        // the size: from the fullest claim's request (else the template's), never below the
        // current size of the template
        let current = template_size.or(fullest.1).unwrap_or(0);
        let grow = grow_to(fullest.1.or(template_size).unwrap_or(0), fullest.3, current);
        let size = size_quantity(grow);
        let expandable = match template_class(t, ctx) {
            ClassRef::Known(c) => Some((
                c.metadata.name.clone().unwrap_or_default(),
                c.allow_volume_expansion == Some(true),
            )),
            _ => None,
        };
        let action = match &expandable {
            Some((class, false)) => format!(
                "StorageClass {class} does not allow volume expansion, so the claims of {tname} cannot be grown in place (kubectl sts resize-storage refuses): free space on the volume, or move the data to claims of an expandable class ({size} or more)"
            ),
            _ => {
                let mut cmd = format!(
                    "kubectl sts resize-storage {} -n {} --template {tname} --size {size}",
                    s.name, s.ns
                );
                if large_growth(grow, current) {
                    cmd.push_str(&format!(
                        " --allow-large-growth (more than {}× the current {}: a claim never shrinks again)",
                        super::usage::LARGE_GROWTH,
                        quantity::human_bytes(current)
                    ));
                }
                format!("{cmd} — every claim of {tname} grows to {size}, the fullest back to about 60 %")
            }
        };
        for (i, (c, _, u, fill)) in measured.iter().enumerate() {
            if *fill < WARN_FILL {
                continue;
            }
            let what = if u.inodes_fuller() {
                format!("its inodes are {} used", percent(*fill))
            } else {
                format!(
                    "{} full ({} of {} used)",
                    percent(*fill),
                    u.used_bytes
                        .map(super::usage::short_bytes)
                        .unwrap_or_else(|| "?".into()),
                    u.capacity_bytes
                        .map(super::usage::short_bytes)
                        .unwrap_or_else(|| "?".into())
                )
            };
            let skew_words = match skewed {
                Some((top, next)) if top == i => format!(
                    "; a skew: the other ordinals' claims of {tname} are at {} or less (one member — a shard, a leader's log — fills faster, and growing the template grows them all)",
                    percent(next)
                ),
                _ => String::new(),
            };
            let mut f = s.finding(
                "STS023",
                format!(
                    "claim {} of statefulset {}/{} is {what}{skew_words}",
                    c.name, s.ns, s.name
                ),
                action.clone(),
            );
            if *fill >= ERROR_FILL {
                f.severity = Severity::Error;
            }
            f.object = Some(format!("PersistentVolumeClaim/{}", c.name));
            f.node = u.node.clone();
            f.suggested_size = expandable
                .as_ref()
                .is_none_or(|(_, e)| *e)
                .then(|| size.clone());
            out.push(f);
        }
    }
}

/// The objects a check reads, as fetched from the cluster or read from a manifest.
#[derive(Debug, Clone)]
pub struct Objects {
    pub sets: Vec<StatefulSet>,
    pub pods: Access<Vec<Pod>>,
    /// The pods are the whole cluster's (not only a namespace's).
    pub pods_everywhere: bool,
    pub claims: Access<Vec<Claim>>,
    pub services: Access<Vec<Service>>,
    pub pdbs: Access<Vec<PodDisruptionBudget>>,
    pub classes: Access<Vec<StorageClass>>,
    pub volumes: Access<Vec<Volume>>,
    pub nodes: Access<Vec<Node>>,
    pub now: jiff::Timestamp,
}

impl Objects {
    /// The input of [`check`] for these objects, for the sets `keep` selects.
    pub fn input<'a>(&'a self, source: Source, sets: &'a [StatefulSet]) -> CheckInput<'a> {
        fn view<T>(a: &Access<Vec<T>>) -> Access<&[T]> {
            match a {
                Access::Ok(v) => Access::Ok(v.as_slice()),
                Access::Forbidden => Access::Forbidden,
            }
        }
        CheckInput {
            source,
            sets,
            services: view(&self.services),
            pdbs: view(&self.pdbs),
            classes: view(&self.classes),
            pods: view(&self.pods),
            pods_everywhere: self.pods_everywhere,
            claims: view(&self.claims),
            volumes: view(&self.volumes),
            nodes: view(&self.nodes),
            usage: &NOT_READ,
            now: self.now,
        }
    }
}

/// A manifest larger than this is refused before it is parsed (rendered charts are a few MB).
pub const MANIFEST_MAX_BYTES: usize = 64 << 20;
/// Documents in one manifest: `kustomize build` of a whole platform stays far below; an
/// endless stream of `---` is refused instead of filling memory.
pub const MANIFEST_MAX_DOCUMENTS: usize = 65_536;
/// Nesting of mappings and sequences (and of `List`s): objects need a few dozen levels at most
/// (a CRD's schema); a deeper document is refused rather than recursed into.
pub const MANIFEST_MAX_DEPTH: usize = 128;

/// What a manifest held, to say what was read when it holds nothing to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestSummary {
    /// YAML documents that were not empty.
    pub documents: usize,
    /// Objects read (a `List`'s items, not the `List`), by kind.
    pub kinds: BTreeMap<String, usize>,
}

impl ManifestSummary {
    /// `empty` or `3 objects: ConfigMap ×2, Deployment`.
    pub fn describe(&self) -> String {
        let objects: usize = self.kinds.values().sum();
        if objects == 0 {
            return match self.documents {
                0 => "it is empty".into(),
                n => format!("{n} document(s), no object in them"),
            };
        }
        let kinds: Vec<String> = self
            .kinds
            .iter()
            .map(|(k, n)| {
                if *n > 1 {
                    format!("{k} ×{n}")
                } else {
                    k.clone()
                }
            })
            .collect();
        format!("{objects} object(s): {}", super::summarised(&kinds, ", "))
    }
}

/// A manifest's objects, and what it held.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub objects: Objects,
    pub read: ManifestSummary,
}

/// The one line for a manifest without a StatefulSet: nothing could be checked, which is not
/// a clean result (an empty `helm template`, the wrong file, a chart whose set is disabled).
pub fn nothing_to_check(m: &Manifest, source: &str) -> Option<String> {
    m.objects.sets.is_empty().then(|| {
        format!(
            "{source} holds no apps/v1 StatefulSet, so nothing was checked ({})",
            m.read.describe()
        )
    })
}

/// The parser's limits: [`MANIFEST_MAX_DOCUMENTS`] and [`MANIFEST_MAX_DEPTH`], and room for
/// as many nodes as a manifest of [`MANIFEST_MAX_BYTES`] may reasonably hold.
fn manifest_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = MANIFEST_MAX_DOCUMENTS;
    budget.max_depth = MANIFEST_MAX_DEPTH;
    budget.max_nodes = 4_000_000;
    budget.max_events = 16_000_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// A YAML error as one line: the source, the position, what is wrong — no code frame, no
/// library value.
fn yaml_error(source: &str, e: &serde_saphyr::Error) -> String {
    use serde_saphyr::budget::BudgetBreach;
    use serde_saphyr::{Error as E, MessageFormatter};
    let mut inner = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    // a limit is not a syntax error: the text may be valid YAML, it is refused all the same
    let refused = matches!(inner, E::Budget { .. });
    let what = match inner {
        E::Budget { breach, .. } => match breach {
            BudgetBreach::Documents { .. } => format!(
                "more than {MANIFEST_MAX_DOCUMENTS} YAML documents; check it in parts"
            ),
            BudgetBreach::Depth { .. } => {
                format!("nested deeper than {MANIFEST_MAX_DEPTH} levels; no Kubernetes object is")
            }
            _ => "too large or too complex to read (more nodes, aliases or text than a manifest holds); check it in parts".into(),
        },
        other => serde_saphyr::UserMessageFormatter
            .format_message(other)
            .into_owned(),
    };
    // one line whatever the parser said
    let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
    let verdict = if refused {
        "is refused"
    } else {
        "is not valid YAML"
    };
    match e.location().filter(|l| l.line() > 0) {
        Some(l) => format!(
            "{source} {verdict}: line {}, column {}: {what}",
            l.line(),
            l.column()
        ),
        None => format!("{source} {verdict}: {what}"),
    }
}

/// A `List`'s items, its nested `List`s' too: `kind: List` (kubectl get -o yaml) and typed
/// lists (`StatefulSetList` from the API, whose items carry no kind: the list's is theirs).
fn flatten(
    doc: serde_json::Value,
    depth: usize,
    out: &mut Vec<serde_json::Value>,
) -> Result<(), String> {
    let serde_json::Value::Object(mut m) = doc else {
        out.push(doc);
        return Ok(());
    };
    let kind = m
        .get("kind")
        .and_then(|k| k.as_str())
        .unwrap_or_default()
        .to_string();
    let Some(item_kind) = kind
        .strip_suffix("List")
        .filter(|_| m.get("items").is_some_and(|i| i.is_array()))
    else {
        out.push(serde_json::Value::Object(m));
        return Ok(());
    };
    if depth >= MANIFEST_MAX_DEPTH {
        return Err(format!(
            "Lists nested deeper than {MANIFEST_MAX_DEPTH} levels"
        ));
    }
    let api = m.get("apiVersion").cloned();
    let items = m.remove("items").and_then(|i| match i {
        serde_json::Value::Array(a) => Some(a),
        _ => None,
    });
    for mut item in items.into_iter().flatten() {
        if let (Some(o), false) = (item.as_object_mut(), item_kind.is_empty()) {
            if !o.contains_key("kind") {
                o.insert("kind".into(), item_kind.into());
                if let Some(api) = &api {
                    o.entry("apiVersion").or_insert_with(|| api.clone());
                }
            }
        }
        flatten(item, depth + 1, out)?;
    }
    Ok(())
}

/// The objects of a manifest (multi-document YAML or JSON, `kind: List` and typed lists
/// included, nested or not) that the checks read: StatefulSets, Services,
/// PodDisruptionBudgets, StorageClasses; every other kind is counted and passed over. Objects
/// without a namespace are in `namespace` (as `kubectl apply -n`). `source` names the input in
/// errors (a path, or `stdin`). Every error is one line.
pub fn parse_manifest(text: &str, namespace: &str, source: &str) -> Result<Manifest, String> {
    if text.len() > MANIFEST_MAX_BYTES {
        return Err(format!(
            "{source} is larger than {} MiB; check it in parts",
            MANIFEST_MAX_BYTES >> 20
        ));
    }
    let docs: Vec<serde_json::Value> =
        serde_saphyr::from_multiple_with_options(text, manifest_options())
            .map_err(|e| yaml_error(source, &e))?;
    let mut read = ManifestSummary::default();
    let mut items = Vec::new();
    for (n, d) in docs.into_iter().enumerate() {
        match d {
            serde_json::Value::Null => {}
            serde_json::Value::Object(_) => {
                read.documents += 1;
                flatten(d, 0, &mut items)
                    .map_err(|e| format!("{source}: document {}: {e}", n + 1))?;
            }
            other => {
                return Err(format!(
                "{source}: document {} is not an object (a manifest holds Kubernetes objects): {}",
                n + 1,
                first_chars(&other.to_string())
            ))
            }
        }
    }
    let mut o = Objects {
        sets: vec![],
        pods: Access::Ok(vec![]),
        pods_everywhere: true,
        claims: Access::Ok(vec![]),
        services: Access::Ok(vec![]),
        pdbs: Access::Ok(vec![]),
        classes: Access::Ok(vec![]),
        volumes: Access::Ok(vec![]),
        nodes: Access::Ok(vec![]),
        now: jiff::Timestamp::now(),
    };
    for (i, mut item) in items.into_iter().enumerate() {
        let text_of = |item: &serde_json::Value, ptr: &str| {
            item.pointer(ptr)
                .and_then(|k| k.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let kind = text_of(&item, "/kind");
        let api = text_of(&item, "/apiVersion");
        let name = text_of(&item, "/metadata/name");
        *read
            .kinds
            .entry(if kind.is_empty() {
                "(no kind)".into()
            } else {
                kind.clone()
            })
            .or_default() += 1;
        let what = if name.is_empty() {
            format!("object {} ({kind})", i + 1)
        } else {
            format!("object {} ({kind} {name})", i + 1)
        };
        let namespaced = matches!(
            (api.as_str(), kind.as_str()),
            ("apps/v1", "StatefulSet") | ("v1", "Service") | ("policy/v1", "PodDisruptionBudget")
        );
        if namespaced
            && item
                .pointer("/metadata/namespace")
                .and_then(|n| n.as_str())
                .is_none_or(str::is_empty)
        {
            if let Some(m) = item.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                m.insert("namespace".into(), namespace.into());
            }
        }
        let bad =
            |e: serde_json::Error| format!("{source}: {what} is not a valid {api} {kind}: {e}");
        match (api.as_str(), kind.as_str()) {
            ("apps/v1", "StatefulSet") => {
                // the API server refuses a set without a name (and one with an invalid name):
                // checking it would report on an object that can never exist
                if name.is_empty() {
                    return Err(format!(
                        "{source}: {what} has no metadata.name: the API server would refuse it"
                    ));
                }
                if let Err(why) = crate::names::dns1123_subdomain(&name) {
                    return Err(format!("{source}: {what} has an invalid name: {why}"));
                }
                o.sets.push(serde_json::from_value(item).map_err(bad)?)
            }
            ("v1", "Service") => push(&mut o.services, serde_json::from_value(item).map_err(bad)?),
            ("policy/v1", "PodDisruptionBudget") => {
                push(&mut o.pdbs, serde_json::from_value(item).map_err(bad)?)
            }
            ("storage.k8s.io/v1", "StorageClass") => {
                push(&mut o.classes, serde_json::from_value(item).map_err(bad)?)
            }
            (_, "StatefulSet") => {
                return Err(format!(
                    "{source}: {what} has apiVersion {api:?}: only apps/v1 StatefulSets exist"
                ))
            }
            _ => {}
        }
    }
    Ok(Manifest { objects: o, read })
}

fn push<T>(a: &mut Access<Vec<T>>, t: T) {
    if let Access::Ok(v) = a {
        v.push(t);
    }
}

fn first_chars(s: &str) -> String {
    s.chars().take(60).collect()
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// The `kubectl-sts/v1 CheckResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// `cluster`, `file:<path>` or `stdin`.
    pub source: String,
    /// The sets checked, `namespace/name`.
    pub statefulsets: Vec<String>,
    pub counts: Counts,
    pub findings: Vec<Finding>,
    /// Checks that did not run, and why (a manifest, a permission, an unknown class).
    pub not_run: Vec<NotRun>,
    pub missing_permissions: Vec<String>,
    /// Check IDs left out by `--ignore`.
    pub ignored: Vec<String>,
}

impl CheckResult {
    pub fn new(
        source: String,
        sets: &[StatefulSet],
        outcome: Outcome,
        ignore: &[String],
    ) -> CheckResult {
        let findings: Vec<Finding> = outcome
            .findings
            .into_iter()
            .filter(|f| !ignore.iter().any(|i| i == f.id))
            .collect();
        let mut counts = Counts::default();
        for f in &findings {
            match f.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        CheckResult {
            api_version: "kubectl-sts/v1",
            kind: "CheckResult",
            source,
            statefulsets: sets
                .iter()
                .map(|s| {
                    format!(
                        "{}/{}",
                        s.metadata.namespace.as_deref().unwrap_or_default(),
                        s.metadata.name.as_deref().unwrap_or_default()
                    )
                })
                .collect(),
            counts,
            findings,
            not_run: outcome
                .not_run
                .into_iter()
                .filter(|n| !ignore.iter().any(|i| i == n.id))
                .collect(),
            missing_permissions: outcome.missing_permissions,
            ignored: ignore.to_vec(),
        }
    }

    /// Whether a finding at or above `at` is left (exit 5).
    pub fn fails(&self, at: Option<Severity>) -> bool {
        at.is_some_and(|at| self.findings.iter().any(|f| f.severity >= at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn now() -> jiff::Timestamp {
        "2026-01-01T00:10:00Z".parse().unwrap()
    }

    /// A set of three that carries none of the risks: a headless Service, a budget allowing
    /// one disruption, a named expandable WaitForFirstConsumer class, Retain on both, a
    /// readiness probe, one replica per node and zone, network volumes.
    struct Fx {
        set: Value,
        service: Value,
        pdbs: Vec<Value>,
        class: Value,
        pods: Vec<Value>,
        volumes: Vec<Value>,
        nodes: Vec<Value>,
        source: Source,
        /// The kubelets' Summaries (STS023); read from no node: every claim unmeasured.
        usage: UsageRead,
    }

    fn node(i: usize) -> Value {
        json!({"metadata": {"name": format!("n{i}"), "labels": {
                "kubernetes.io/hostname": format!("n{i}"), ZONE: format!("z{i}")}},
            "spec": {},
            "status": {"allocatable": {"cpu": "4", "memory": "8Gi"}, "conditions": [{"type": "Ready",
                "status": "True", "lastHeartbeatTime": "2026-01-01T00:09:50Z",
                "lastTransitionTime": "2026-01-01T00:00:00Z"}]}})
    }

    fn pod(i: usize, node: &str) -> Value {
        json!({"metadata": {"name": format!("web-{i}"), "namespace": "db", "uid": format!("p{i}"),
                "labels": {"app": "web", "statefulset.kubernetes.io/pod-name": format!("web-{i}")},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                    "uid": "set-uid", "controller": true}]},
            "spec": {"nodeName": node, "containers": [{"name": "db", "image": "i"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-web-{i}")}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True",
                "lastTransitionTime": "2026-01-01T00:00:00Z"}]}})
    }

    fn volume(i: usize, reclaim: &str) -> Value {
        json!({"metadata": {"name": format!("pv-{i}")},
            "spec": {"claimRef": {"namespace": "db", "name": format!("data-web-{i}")},
                "capacity": {"storage": "1Gi"}, "storageClassName": "fast",
                "persistentVolumeReclaimPolicy": reclaim, "csi": {"driver": "d", "volumeHandle": "h"}},
            "status": {"phase": "Bound"}})
    }

    fn clean() -> Fx {
        Fx {
            set: json!({"metadata": {"name": "web", "namespace": "db", "uid": "set-uid", "generation": 1},
                "spec": {"replicas": 3, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                    "persistentVolumeClaimRetentionPolicy": {"whenScaled": "Retain", "whenDeleted": "Retain"},
                    "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{
                        "name": "db", "image": "i", "readinessProbe": {"exec": {"command": ["ready"]}}}]}},
                    "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                        "storageClassName": "fast", "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}}}}]},
                "status": {"replicas": 3, "readyReplicas": 3, "availableReplicas": 3, "observedGeneration": 1,
                    "currentRevision": "r1", "updateRevision": "r1", "updatedReplicas": 3, "currentReplicas": 3}}),
            service: json!({"metadata": {"name": "web", "namespace": "db"},
                "spec": {"clusterIP": "None", "selector": {"app": "web"}}}),
            pdbs: vec![json!({"metadata": {"name": "web", "namespace": "db"},
                "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}},
                "status": {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3}})],
            class: json!({"metadata": {"name": "fast"}, "provisioner": "ebs.csi.aws.com",
                "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true}),
            pods: (0..3).map(|i| pod(i, &format!("n{i}"))).collect(),
            volumes: (0..3).map(|i| volume(i, "Delete")).collect(),
            nodes: (0..3).map(node).collect(),
            source: Source::Cluster,
            usage: UsageRead::Read(Default::default()),
        }
    }

    /// Staged fills of `data-web-i` (1Gi volumes), each in the Summary of its pod's node n{i}.
    fn fills(fx: &mut Fx, fills: &[(usize, f64)]) {
        const GI: f64 = (1u64 << 30) as f64;
        fx.usage = UsageRead::Read(fills
            .iter()
            .map(|(i, f)| {
                (format!("n{i}"), super::super::usage::NodeAnswer::Summary(from(&json!({"pods": [{"podRef": {"name": format!("web-{i}"), "namespace": "db", "uid": format!("p{i}")},
                    "volume": [{"name": "data", "pvcRef": {"name": format!("data-web-{i}"), "namespace": "db"},
                        "availableBytes": ((1.0 - f) * GI) as u64, "capacityBytes": GI as u64, "usedBytes": (f * GI) as u64,
                        "inodes": 65536, "inodesFree": 60000, "inodesUsed": 5536}]}]}))))
            })
            .collect());
    }

    fn from<T: serde::de::DeserializeOwned>(v: &Value) -> T {
        serde_json::from_value(v.clone()).unwrap()
    }

    impl Fx {
        fn outcome(&self) -> Outcome {
            let volumes: Vec<Volume> = self
                .volumes
                .iter()
                .map(|v| Volume::from(from::<k8s_openapi::api::core::v1::PersistentVolume>(v)))
                .collect();
            let claims: Vec<Claim> = volumes
                .iter()
                .filter_map(|v| {
                    let (ns, name) = v.claim.clone()?;
                    Some(Claim {
                        namespace: ns,
                        name,
                        phase: Some("Bound".into()),
                        volume_name: Some(v.name.clone()),
                        ..Default::default()
                    })
                })
                .collect();
            let live = self.source == Source::Cluster;
            let o = Objects {
                sets: vec![from(&self.set)],
                pods_everywhere: true,
                pods: Access::Ok(if live {
                    self.pods.iter().map(from).collect()
                } else {
                    vec![]
                }),
                claims: Access::Ok(if live { claims } else { vec![] }),
                services: Access::Ok(vec![from(&self.service)]),
                pdbs: Access::Ok(self.pdbs.iter().map(from).collect()),
                classes: Access::Ok(vec![from(&self.class)]),
                volumes: Access::Ok(if live { volumes } else { vec![] }),
                nodes: Access::Ok(if live {
                    self.nodes.iter().map(from).collect()
                } else {
                    vec![]
                }),
                now: now(),
            };
            let mut input = o.input(self.source, &o.sets);
            if live {
                input.usage = &self.usage;
            }
            check(&input)
        }

        fn ids(&self) -> Vec<&'static str> {
            self.outcome().findings.iter().map(|f| f.id).collect()
        }
    }

    /// `check` fires for the changed fixture and not for the near miss.
    fn fires(id: &str, hit: impl Fn(&mut Fx), miss: impl Fn(&mut Fx)) {
        let mut fx = clean();
        hit(&mut fx);
        let got = fx.outcome();
        assert!(
            got.findings.iter().any(|f| f.id == id),
            "{id} should fire: {got:#?}"
        );
        let mut fx = clean();
        miss(&mut fx);
        assert!(
            !fx.ids().contains(&id),
            "{id} should not fire: {:?}",
            fx.ids()
        );
    }

    #[test]
    fn a_volume_filling_up_is_found_with_the_size_to_grow_to() {
        // 84.9 % is a near miss; 85 % a warning
        let mut fx = clean();
        fills(&mut fx, &[(0, 0.3), (1, 0.849), (2, 0.3)]);
        assert!(!fx.ids().contains(&"STS023"), "{:?}", fx.ids());
        fills(&mut fx, &[(0, 0.3), (1, 0.9), (2, 0.31)]);
        let got = fx.outcome();
        let f: Vec<&Finding> = got.findings.iter().filter(|f| f.id == "STS023").collect();
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            f[0].object.as_deref(),
            Some("PersistentVolumeClaim/data-web-1")
        );
        assert_eq!(f[0].node.as_deref(), Some("n1"));
        // 1Gi × 0.9 / 0.6 = 1.5Gi, a whole Gi up
        assert_eq!(f[0].suggested_size.as_deref(), Some("2Gi"));
        assert!(
            f[0].action
                .starts_with("kubectl sts resize-storage web -n db --template data --size 2Gi"),
            "{}",
            f[0].action
        );
        assert!(f[0].message.contains("a skew"), "{}", f[0].message);
        // two members alike: no skew; 95 % is an error
        fills(&mut fx, &[(0, 0.3), (1, 0.96), (2, 0.9)]);
        let got = fx.outcome();
        let f: Vec<&Finding> = got.findings.iter().filter(|f| f.id == "STS023").collect();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].severity, Severity::Error, "most severe first");
        assert!(f.iter().all(|f| !f.message.contains("skew")));
        // one size for the template, from the fullest: 1Gi × 0.96 / 0.6 = 1.6Gi → 2Gi
        assert!(f.iter().all(|f| f.suggested_size.as_deref() == Some("2Gi")));
        // a class that cannot expand: said, no command
        let mut fx = clean();
        fx.class["allowVolumeExpansion"] = json!(false);
        fills(&mut fx, &[(1, 0.9)]);
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS023").unwrap();
        assert!(
            f.action
                .starts_with("StorageClass fast does not allow volume expansion"),
            "{}",
            f.action
        );
        assert_eq!(f.suggested_size, None);
        // a 100Mi template at 90 %: a whole Gi is more than 10×, and the flag is named
        let mut fx = clean();
        fx.set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] =
            json!("100Mi");
        fills(&mut fx, &[(1, 0.9)]);
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS023").unwrap();
        assert!(
            f.action.contains("--size 1Gi --allow-large-growth"),
            "{}",
            f.action
        );
    }

    #[test]
    fn volume_usage_denied_or_unanswered_is_not_run_never_guessed() {
        let mut fx = clean();
        fx.usage = UsageRead::Forbidden;
        let got = fx.outcome();
        assert_eq!(got.missing_permissions, ["get nodes/proxy"]);
        let n = got.not_run.iter().find(|n| n.id == "STS023").unwrap();
        assert!(n.reason.contains("not read-only"), "{}", n.reason);
        fx.usage = UsageRead::Read(
            [(
                "n1".to_string(),
                super::super::usage::NodeAnswer::DidNotAnswer(
                    "503: error trying to reach service".into(),
                ),
            )]
            .into(),
        );
        let got = fx.outcome();
        let n = got.not_run.iter().find(|n| n.id == "STS023").unwrap();
        assert!(
            n.reason
                .starts_with("for the claims on node n1, which did not answer"),
            "{}",
            n.reason
        );
        assert!(got.missing_permissions.is_empty());
    }

    #[test]
    fn the_clean_set_has_no_findings_and_every_check_ran() {
        let got = clean().outcome();
        assert_eq!(got, Outcome::default());
    }

    #[test]
    fn the_list_is_stable_and_shares_inspects_codes() {
        for (i, c) in CHECKS.iter().enumerate() {
            assert_eq!(c.id, format!("STS{:03}", i + 1));
            assert!(c.reference.starts_with("https://"), "{}", c.id);
        }
        assert!(CHECKS.len() >= 15);
        assert_eq!(
            check_of_problem(ProblemCode::ServiceMissing).unwrap().id,
            "STS011"
        );
        assert_eq!(
            check_of_problem(ProblemCode::ServiceNotHeadless)
                .unwrap()
                .id,
            "STS012"
        );
        assert_eq!(
            check_of_problem(ProblemCode::RetainedClaims).unwrap().id,
            "STS004"
        );
        assert!(check_of_problem(ProblemCode::PodNotReady).is_none());
        // drain's verdict, the same fact
        assert_eq!(
            check_def("STS001").unwrap().code,
            format!("{:?}", VerdictCode::MultiplePdbs)
        );
    }

    #[test]
    fn sts001_two_budgets_on_one_pod() {
        // drain's verdict for the same pods says the same
        let mut fx = clean();
        let mut b = fx.pdbs[0].clone();
        b["metadata"]["name"] = json!("web-2");
        fx.pdbs.push(b);
        let verdicts: Vec<Option<VerdictCode>> = fx
            .outcome()
            .findings
            .iter()
            .filter(|f| f.id == "STS020")
            .map(|f| f.verdict)
            .collect();
        assert_eq!(verdicts, [Some(VerdictCode::MultiplePdbs); 3]);
        let second = |fx: &mut Fx, selector: Value| {
            let mut b = fx.pdbs[0].clone();
            b["metadata"]["name"] = json!("web-2");
            b["spec"]["selector"] = selector;
            fx.pdbs.push(b);
        };
        fires(
            "STS001",
            // one pod only, by its pod-name label: still every eviction of that pod fails
            |fx| {
                second(
                    fx,
                    json!({"matchLabels": {"statefulset.kubernetes.io/pod-name": "web-1"}}),
                )
            },
            |fx| second(fx, json!({"matchLabels": {"app": "other"}})),
        );
    }

    #[test]
    fn sts002_and_sts003_retention_delete_on_delete_reclaim() {
        fires(
            "STS002",
            |fx| {
                fx.set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] =
                    json!("Delete")
            },
            |fx| {
                fx.set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] =
                    json!("Delete");
                fx.volumes = (0..3).map(|i| volume(i, "Retain")).collect();
            },
        );
        fires(
            "STS003",
            |fx| {
                fx.set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] =
                    json!("Delete")
            },
            |fx| {
                // no volumes yet: the class says Retain
                fx.set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] =
                    json!("Delete");
                fx.volumes.clear();
                fx.class["reclaimPolicy"] = json!("Retain");
            },
        );
    }

    #[test]
    fn sts004_kept_claims_on_delete_reclaim() {
        fires(
            "STS004",
            |fx| {
                fx.set["spec"]["replicas"] = json!(2);
                fx.pods.pop();
            },
            |fx| {
                fx.set["spec"]["replicas"] = json!(2);
                fx.pods.pop();
                fx.volumes[2] = volume(2, "Retain");
            },
        );
    }

    #[test]
    fn sts005_immediate_binding_on_topology_bound_storage() {
        fires(
            "STS005",
            |fx| fx.class["volumeBindingMode"] = json!("Immediate"),
            |fx| {
                // network storage reachable from every node: Immediate is harmless
                fx.class["volumeBindingMode"] = json!("Immediate");
                fx.class["provisioner"] = json!("nfs.csi.k8s.io");
            },
        );
    }

    #[test]
    fn sts006_no_storage_class_name() {
        fires(
            "STS006",
            |fx| {
                fx.set["spec"]["volumeClaimTemplates"][0]["spec"]
                    .as_object_mut()
                    .unwrap()
                    .remove("storageClassName");
            },
            // "" is a choice: pre-provisioned volumes, no class
            |fx| fx.set["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] = json!(""),
        );
    }

    #[test]
    fn sts007_budget_allowing_no_disruption() {
        let bound = |fx: &mut Fx, k: &str, v: Value| {
            fx.pdbs[0]["spec"] = json!({k: v, "selector": {"matchLabels": {"app": "web"}}});
        };
        fires(
            "STS007",
            |fx| bound(fx, "minAvailable", json!(3)),
            |fx| bound(fx, "minAvailable", json!(2)),
        );
        fires(
            "STS007",
            |fx| bound(fx, "maxUnavailable", json!("0%")),
            |fx| bound(fx, "maxUnavailable", json!("10%")),
        );
        fires(
            "STS007",
            |fx| {
                fx.set["spec"]["replicas"] = json!(1);
                fx.pods.truncate(1);
                fx.pdbs[0]["status"]["expectedPods"] = json!(1);
                bound(fx, "minAvailable", json!(1));
            },
            |fx| bound(fx, "minAvailable", json!("60%")),
        );
    }

    #[test]
    fn sts008_more_replicas_than_anti_affinity_allows() {
        let anti = |fx: &mut Fx, key: &str| {
            fx.set["spec"]["template"]["spec"]["affinity"] = json!({"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": key}]}});
        };
        fires(
            "STS008",
            |fx| {
                anti(fx, "kubernetes.io/hostname");
                fx.set["spec"]["replicas"] = json!(4);
            },
            |fx| anti(fx, "kubernetes.io/hostname"),
        );
        // a tainted node the pods do not tolerate is no domain
        fires(
            "STS008",
            |fx| {
                anti(fx, "kubernetes.io/hostname");
                fx.nodes[2]["spec"]["taints"] =
                    json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]);
            },
            |fx| {
                anti(fx, "kubernetes.io/hostname");
                fx.nodes[2]["spec"]["taints"] =
                    json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]);
                fx.set["spec"]["template"]["spec"]["tolerations"] =
                    json!([{"key": "dedicated", "operator": "Exists"}]);
            },
        );
        // a cordoned node is no domain
        fires(
            "STS008",
            |fx| {
                anti(fx, ZONE);
                fx.nodes[2]["spec"]["unschedulable"] = json!(true);
            },
            |fx| anti(fx, ZONE),
        );
    }

    #[test]
    fn sts009_and_sts010_one_node_one_zone() {
        fires(
            "STS009",
            |fx| fx.pods = (0..3).map(|i| pod(i, "n0")).collect(),
            |fx| fx.pods = vec![pod(0, "n0"), pod(1, "n0"), pod(2, "n1")],
        );
        fires(
            "STS010",
            |fx| {
                fx.nodes[1]["metadata"]["labels"][ZONE] = json!("z0");
                fx.pods[2]["spec"]["nodeName"] = json!("n1");
            },
            // one zone in the whole cluster: nothing to spread over
            |fx| {
                for n in &mut fx.nodes {
                    n["metadata"]["labels"][ZONE] = json!("z0");
                }
            },
        );
        let mut fx = clean();
        fx.nodes[1]["metadata"]["labels"][ZONE] = json!("z0");
        fx.nodes[2]["metadata"]["labels"][ZONE] = json!("z0");
        fx.nodes.push(node(3));
        assert_eq!(fx.ids(), ["STS010"]);
    }

    #[test]
    fn sts011_to_sts014_and_sts019_the_governing_service() {
        fires(
            "STS011",
            |fx| fx.service["metadata"]["name"] = json!("other"),
            |fx| fx.service["spec"]["ports"] = json!([{"port": 5432}]),
        );
        fires(
            "STS011",
            |fx| fx.set["spec"]["serviceName"] = json!(""),
            |_| {},
        );
        fires(
            "STS012",
            |fx| fx.service["spec"]["clusterIP"] = json!("10.0.0.7"),
            |_| {},
        );
        // a manifest's Service without clusterIP gets one allocated
        fires(
            "STS012",
            |fx| {
                fx.source = Source::Manifest;
                fx.service["spec"]
                    .as_object_mut()
                    .unwrap()
                    .remove("clusterIP");
            },
            |fx| fx.source = Source::Manifest,
        );
        fires(
            "STS013",
            |fx| fx.service["spec"]["selector"] = json!({"app": "web", "tier": "db"}),
            |fx| {
                fx.service["spec"]["selector"] = json!({"app": "web", "tier": "db"});
                fx.set["spec"]["template"]["metadata"]["labels"]["tier"] = json!("db");
            },
        );
        fires(
            "STS013",
            |fx| fx.service["spec"]["selector"] = json!({}),
            |_| {},
        );
        fires(
            "STS014",
            |fx| {
                let mut stray = pod(9, "n1");
                stray["metadata"]["name"] = json!("web-debug");
                stray["metadata"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ownerReferences");
                fx.pods.push(stray);
            },
            |fx| {
                let mut other = pod(9, "n1");
                other["metadata"]["name"] = json!("cache-0");
                other["metadata"]["labels"] = json!({"app": "cache"});
                fx.pods.push(other);
            },
        );
        fires(
            "STS019",
            |fx| fx.service["spec"]["publishNotReadyAddresses"] = json!(true),
            |fx| fx.service["spec"]["publishNotReadyAddresses"] = json!(false),
        );
    }

    #[test]
    fn sts015_no_readiness_probe() {
        fires(
            "STS015",
            |fx| {
                fx.set["spec"]["template"]["spec"]["containers"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "metrics", "image": "m"}));
            },
            // an init container needs none
            |fx| {
                fx.set["spec"]["template"]["spec"]["initContainers"] =
                    json!([{"name": "init", "image": "m"}]);
            },
        );
    }

    #[test]
    fn sts016_class_not_expandable() {
        fires(
            "STS016",
            |fx| {
                fx.class
                    .as_object_mut()
                    .unwrap()
                    .remove("allowVolumeExpansion");
            },
            |fx| fx.class["allowVolumeExpansion"] = json!(true),
        );
    }

    #[test]
    fn sts017_partition_at_or_above_every_ordinal() {
        let partition = |fx: &mut Fx, p: i64| {
            fx.set["spec"]["updateStrategy"] =
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": p}});
        };
        fires("STS017", |fx| partition(fx, 3), |fx| partition(fx, 2));
        // ordinals from 5: 5, 6, 7; the partition is an index from start, not an ordinal
        // (stateful_set_control.go: replicas[ordinal-start], updated while target >= partition;
        // newVersionedStatefulSetPod: ordinal < start + partition stays current): 3 holds all
        fires(
            "STS017",
            |fx| {
                fx.set["spec"]["ordinals"] = json!({"start": 5});
                partition(fx, 3);
            },
            |fx| {
                fx.set["spec"]["ordinals"] = json!({"start": 5});
                partition(fx, 2);
            },
        );
        let mut fx = clean();
        fx.set["spec"]["ordinals"] = json!({"start": 5});
        partition(&mut fx, 3);
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS017").unwrap();
        assert!(
            f.message.contains("ordinals 5..7") && f.message.contains("from ordinal 8"),
            "{}",
            f.message
        );
    }

    #[test]
    fn sts008_a_maintenance_cordon_is_a_warning_that_names_the_node() {
        let anti = |fx: &mut Fx| {
            fx.set["spec"]["template"]["spec"]["affinity"] = json!({"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "web"}},
                    "topologyKey": "kubernetes.io/hostname"}]}});
        };
        // as kubectl cordon leaves it: unschedulable, and the taint the node controller adds
        let cordon = |fx: &mut Fx, i: usize| {
            fx.nodes[i]["spec"] = json!({"unschedulable": true, "taints": [
                {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]});
        };
        let mut fx = clean();
        anti(&mut fx);
        cordon(&mut fx, 2);
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS008").unwrap();
        assert_eq!(f.severity, Severity::Warning, "{f:?}");
        assert!(
            f.message.contains("n2") && f.message.contains("cordoned"),
            "{}",
            f.message
        );
        assert!(f.action.contains("uncordon"), "{}", f.action);
        // short even with the cordoned node back: still an error, and it says so
        fx.set["spec"]["replicas"] = json!(4);
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS008").unwrap();
        assert_eq!(f.severity, Severity::Error, "{f:?}");
        assert!(f.message.contains("n2"), "{}", f.message);
        // a dead node is no domain either way (not a cordon that ends)
        let mut fx = clean();
        anti(&mut fx);
        fx.nodes[2]["status"]["conditions"][0]["status"] = json!("Unknown");
        fx.nodes[2]["status"]["conditions"][0]["lastHeartbeatTime"] = json!("2026-01-01T00:00:00Z");
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS008").unwrap();
        assert_eq!(f.severity, Severity::Error, "{f:?}");
    }

    #[test]
    fn sts012_advice_keeps_the_clients_service() {
        let mut fx = clean();
        fx.service["spec"]["clusterIP"] = json!("10.0.0.7");
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS012").unwrap();
        // the API refuses clusterIP: None on an existing Service; deleting it breaks its clients
        assert!(!f.action.contains("recreate the Service"), "{}", f.action);
        for want in [
            "second, headless Service",
            "web-headless",
            "--cascade=orphan",
            "serviceName",
            "kubectl sts rollout restart web",
        ] {
            assert!(f.action.contains(want), "{want}: {}", f.action);
        }
    }

    #[test]
    fn sts022_no_budget_over_two_replicas_or_more() {
        fires(
            "STS022",
            |fx| fx.pdbs.clear(),
            // one replica: no second pod to lose, and a budget could only block drains (STS007)
            |fx| {
                fx.pdbs.clear();
                fx.set["spec"]["replicas"] = json!(1);
                fx.pods.truncate(1);
            },
        );
        // a budget over one pod only: the others are named
        fires(
            "STS022",
            |fx| {
                fx.pdbs[0]["spec"]["selector"] =
                    json!({"matchLabels": {"statefulset.kubernetes.io/pod-name": "web-1"}})
            },
            // a budget with another name that selects them all is as good
            |fx| fx.pdbs[0]["metadata"]["name"] = json!("db-budget"),
        );
        let mut fx = clean();
        fx.pdbs.clear();
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS022").unwrap();
        assert_eq!(f.severity, Severity::Warning);
        for want in ["kubectl drain", "autoscaler", "second pod"] {
            assert!(f.message.contains(want), "{want}: {}", f.message);
        }
        assert_eq!(
            f.action,
            "kubectl create poddisruptionbudget web -n db --selector 'app=web' --max-unavailable 1"
        );
        let mut fx = clean();
        fx.pdbs[0]["spec"]["selector"] =
            json!({"matchLabels": {"statefulset.kubernetes.io/pod-name": "web-1"}});
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS022").unwrap();
        assert!(f.message.contains("web-0, web-2"), "{}", f.message);
        // its name is taken by the narrow budget: the fix takes another
        assert!(
            f.action.contains("poddisruptionbudget web-budget "),
            "{}",
            f.action
        );
        // in a manifest, a budget may live elsewhere: said so; set-based selectors are kept
        let mut fx = clean();
        fx.source = Source::Manifest;
        fx.pdbs.clear();
        fx.set["spec"]["selector"] = json!({"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["cache", "x"]},
                {"key": "canary", "operator": "DoesNotExist"}]});
        let got = fx.outcome();
        let f = got.findings.iter().find(|f| f.id == "STS022").unwrap();
        assert!(f.message.contains("in the manifest"), "{}", f.message);
        assert!(
            f.action
                .contains("--selector 'app=web,tier notin (cache,x),!canary'"),
            "{}",
            f.action
        );
    }

    #[test]
    fn sts018_ordered_ready_with_long_min_ready_seconds() {
        fires(
            "STS018",
            |fx| fx.set["spec"]["minReadySeconds"] = json!(120),
            |fx| {
                fx.set["spec"]["minReadySeconds"] = json!(120);
                fx.set["spec"]["podManagementPolicy"] = json!("Parallel");
            },
        );
    }

    #[test]
    fn sts020_drain_would_block_names_the_node_and_verdict() {
        let pin = |fx: &mut Fx| {
            for (i, v) in fx.volumes.iter_mut().enumerate() {
                v["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [format!("n{i}")]}]}]}});
            }
        };
        fires("STS020", pin, |fx| {
            fx.pods[0]["spec"]["nodeName"] = json!("n0")
        });
        let mut fx = clean();
        pin(&mut fx);
        let got = fx.outcome();
        let blocks: Vec<(Option<&str>, Option<VerdictCode>)> = got
            .findings
            .iter()
            .filter(|f| f.id == "STS020")
            .map(|f| (f.node.as_deref(), f.verdict))
            .collect();
        assert_eq!(
            blocks,
            [
                (Some("n0"), Some(VerdictCode::PinnedVolume)),
                (Some("n1"), Some(VerdictCode::PinnedVolume)),
                (Some("n2"), Some(VerdictCode::PinnedVolume))
            ]
        );
        // a pod already down: draining either other node would take a second one down
        let mut fx = clean();
        fx.pods[2]["status"]["conditions"][0]["status"] = json!("False");
        let verdicts: Vec<Option<VerdictCode>> = fx
            .outcome()
            .findings
            .iter()
            .filter(|f| f.id == "STS020")
            .map(|f| f.verdict)
            .collect();
        assert_eq!(verdicts, [Some(VerdictCode::SetUnhealthy); 2]);
        // a dead node is not drained (inspect and recover say what to do there)
        let mut fx = clean();
        pin(&mut fx);
        fx.nodes[0]["status"]["conditions"][0]["status"] = json!("Unknown");
        assert!(fx
            .outcome()
            .findings
            .iter()
            .all(|f| f.node.as_deref() != Some("n0")));
    }

    /// The verdicts of the set's pods that STS020 reports.
    fn sts020_verdicts(fx: &Fx) -> Vec<Option<VerdictCode>> {
        fx.outcome()
            .findings
            .iter()
            .filter(|f| f.id == "STS020")
            .map(|f| f.verdict)
            .collect()
    }

    #[test]
    fn sts020_shows_drains_zero_grace_verdict() {
        // pods whose own grace is 0: an eviction deletes them at once
        let mut fx = clean();
        for p in &mut fx.pods {
            p["spec"]["terminationGracePeriodSeconds"] = json!(0);
        }
        assert_eq!(
            sts020_verdicts(&fx),
            [Some(VerdictCode::ZeroGracePeriod); 3]
        );
        // near miss: one second
        for p in &mut fx.pods {
            p["spec"]["terminationGracePeriodSeconds"] = json!(1);
        }
        assert!(sts020_verdicts(&fx).is_empty());
    }

    #[test]
    fn sts020_shows_drains_revision_change_verdict() {
        // an OnDelete update nobody applied: each pod would come back at r2
        let mut fx = clean();
        fx.set["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        fx.set["status"]["updateRevision"] = json!("r2");
        fx.set["status"]["updatedReplicas"] = json!(0);
        for p in &mut fx.pods {
            p["metadata"]["labels"]["controller-revision-hash"] = json!("r1");
        }
        assert_eq!(sts020_verdicts(&fx), [Some(VerdictCode::RevisionChange); 3]);
        // near miss: the pods already on the update revision
        for p in &mut fx.pods {
            p["metadata"]["labels"]["controller-revision-hash"] = json!("r2");
        }
        assert!(sts020_verdicts(&fx).is_empty());
    }

    #[test]
    fn sts021_zero_grace_period() {
        fires(
            "STS021",
            |fx| fx.set["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = json!(0),
            |fx| fx.set["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = json!(1),
        );
    }

    #[test]
    fn a_manifest_runs_what_needs_no_cluster_and_says_what_it_did_not() {
        let mut fx = clean();
        fx.source = Source::Manifest;
        fx.set["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = json!(0);
        let got = fx.outcome();
        assert_eq!(
            got.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
            ["STS021"]
        );
        let skipped: Vec<&str> = got.not_run.iter().map(|n| n.id).collect();
        assert_eq!(
            skipped,
            ["STS004", "STS008", "STS009", "STS010", "STS014", "STS020", "STS023"]
        );
        assert!(got.missing_permissions.is_empty());
        // a Service the manifest does not hold may exist: said so
        fx.service["metadata"]["name"] = json!("elsewhere");
        let f = fx
            .outcome()
            .findings
            .into_iter()
            .find(|f| f.id == "STS011")
            .unwrap();
        assert!(
            f.message.contains("is not in the manifest"),
            "{}",
            f.message
        );
    }

    #[test]
    fn denied_lists_are_missing_permissions_and_their_checks_do_not_run() {
        let fx = clean();
        let mut o = Objects {
            sets: vec![from(&fx.set)],
            pods: Access::Forbidden,
            pods_everywhere: true,
            claims: Access::Forbidden,
            services: Access::Ok(vec![from(&fx.service)]),
            pdbs: Access::Forbidden,
            classes: Access::Forbidden,
            volumes: Access::Forbidden,
            nodes: Access::Forbidden,
            now: now(),
        };
        o.sets[0].spec.min_ready_seconds = Some(300);
        let got = check(&o.input(Source::Cluster, &o.sets));
        assert_eq!(
            got.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
            ["STS018"]
        );
        assert_eq!(
            got.missing_permissions,
            [
                "list pods",
                "list nodes",
                "list persistentvolumes",
                "list persistentvolumeclaims",
                "list poddisruptionbudgets.policy",
                "list storageclasses.storage.k8s.io"
            ]
        );
        let skipped: BTreeSet<&str> = got.not_run.iter().map(|n| n.id).collect();
        for id in [
            "STS001", "STS004", "STS005", "STS007", "STS008", "STS009", "STS010", "STS014",
            "STS016", "STS020", "STS022",
        ] {
            assert!(skipped.contains(id), "{id} {skipped:?}");
        }
    }

    #[test]
    fn a_namespaces_pods_serve_every_check_but_drains() {
        let mut fx = clean();
        fx.pods = (0..3).map(|i| pod(i, "n0")).collect();
        let o = Objects {
            sets: vec![from(&fx.set)],
            pods: Access::Ok(fx.pods.iter().map(from).collect()),
            pods_everywhere: false,
            claims: Access::Ok(vec![]),
            services: Access::Ok(vec![from(&fx.service)]),
            pdbs: Access::Ok(fx.pdbs.iter().map(from).collect()),
            classes: Access::Ok(vec![from(&fx.class)]),
            volumes: Access::Ok(vec![]),
            nodes: Access::Ok(fx.nodes.iter().map(from).collect()),
            now: now(),
        };
        let got = check(&o.input(Source::Cluster, &o.sets));
        assert_eq!(
            got.findings.iter().map(|f| f.id).collect::<Vec<_>>(),
            ["STS009"]
        );
        assert_eq!(got.missing_permissions, ["list pods (all namespaces)"]);
        // (and STS023: volume usage was not read)
        assert_eq!(
            got.not_run.iter().map(|n| n.id).collect::<Vec<_>>(),
            ["STS020", "STS023"]
        );
    }

    #[test]
    fn manifests_parse_lists_and_default_the_namespace() {
        let text = "# rendered\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: StatefulSet\n  metadata: {name: a}\n  spec: {selector: {}, template: {}}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b, namespace: other}\nspec: {}\n";
        let m = parse_manifest(text, "team", "x.yaml").unwrap();
        let o = &m.objects;
        assert_eq!(o.sets.len(), 1);
        assert_eq!(o.sets[0].metadata.namespace.as_deref(), Some("team"));
        assert_eq!(
            o.pdbs.ok().unwrap()[0].metadata.namespace.as_deref(),
            Some("other")
        );
        assert_eq!(
            m.read.describe(),
            "3 object(s): ConfigMap, PodDisruptionBudget, StatefulSet"
        );
        let bad = parse_manifest(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec: {replicas: many}\n",
            "x",
            "x.yaml",
        );
        assert!(bad
            .unwrap_err()
            .starts_with("x.yaml: object 1 (StatefulSet a) is not a valid apps/v1 StatefulSet"));
        assert!(parse_manifest("- 1\n", "x", "x.yaml")
            .unwrap_err()
            .contains("not an object"));
    }

    #[test]
    fn a_yaml_error_is_one_line_with_the_source_and_position() {
        let e = parse_manifest("a: b\n  c: d\n  - e\n", "x", "chart.yaml").unwrap_err();
        assert_eq!(
            e,
            "chart.yaml is not valid YAML: line 2, column 4: mapping values are not allowed in this context"
        );
        let e = parse_manifest("a: [", "x", "stdin").unwrap_err();
        assert!(e.starts_with("stdin is not valid YAML: line 1"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }

    #[test]
    fn deep_nesting_and_document_storms_are_refused_in_one_line_and_many_documents_read() {
        for (text, want) in [
            (
                format!("a: {}{}\n", "[".repeat(200), "]".repeat(200)),
                "nested deeper than 128 levels",
            ),
            // deeper than the parser's own flow limit: still one line
            (
                format!("a: {}\n", "[".repeat(100_000)),
                "is not valid YAML: line 1",
            ),
            (
                "---\nkind: ConfigMap\n".repeat(MANIFEST_MAX_DOCUMENTS + 1),
                "more than 65536 YAML documents",
            ),
        ] {
            let e = parse_manifest(&text, "x", "stdin").unwrap_err();
            assert!(e.contains(want), "{want}: {e}");
            assert!(
                !e.contains('\n') && !e.contains('{') && e.len() < 300,
                "{e}"
            );
        }
        let mut deep = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\nspec: {selector: {}, template: {}}\n".to_string();
        for _ in 0..MANIFEST_MAX_DEPTH + 1 {
            deep = format!(
                "apiVersion: v1\nkind: List\nitems:\n- {}",
                deep.replace('\n', "\n  ")
            );
        }
        assert!(parse_manifest(&deep, "x", "stdin").is_err());
        // more than the parser's default 1024 documents is an ordinary manifest
        let many =
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b, c: d}\n"
                .repeat(5000);
        let m = parse_manifest(&many, "x", "stdin").unwrap();
        assert_eq!(m.read.kinds["ConfigMap"], 5000);
    }

    #[test]
    fn nested_and_typed_lists_are_read_and_nothing_to_check_says_what_was_read() {
        let nested = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: apps/v1\n    kind: StatefulSet\n    metadata: {name: a}\n    spec: {selector: {}, template: {}}\n";
        let m = parse_manifest(nested, "x", "stdin").unwrap();
        assert_eq!(m.objects.sets.len(), 1);
        assert_eq!(nothing_to_check(&m, "stdin"), None);
        // as the API answers a list: the items carry no kind
        let typed = "apiVersion: apps/v1\nkind: StatefulSetList\nitems:\n- metadata: {name: a}\n  spec: {selector: {}, template: {}}\n";
        let m = parse_manifest(typed, "x", "stdin").unwrap();
        assert_eq!(m.objects.sets.len(), 1);
        for (text, want) in [
            ("", "stdin holds no apps/v1 StatefulSet, so nothing was checked (it is empty)"),
            ("---\n# only a comment\n---\n", "(it is empty)"),
            (
                "kind: ConfigMap\napiVersion: v1\n---\nkind: Deployment\napiVersion: apps/v1\n---\nkind: Deployment\napiVersion: apps/v1\n",
                "(3 object(s): ConfigMap, Deployment ×2)",
            ),
            ("apiVersion: v1\nkind: List\nitems: []\n", "(1 document(s), no object in them)"),
        ] {
            let m = parse_manifest(text, "x", "stdin").unwrap();
            let got = nothing_to_check(&m, "stdin").unwrap();
            assert!(got.contains(want), "{want}: {got}");
        }
    }

    #[test]
    fn a_statefulset_without_a_valid_name_is_an_input_error() {
        for (meta, want) in [
            (
                "{namespace: x}",
                "object 1 (StatefulSet) has no metadata.name",
            ),
            ("{generateName: web-}", "has no metadata.name"),
            (
                "{name: Web}",
                "object 1 (StatefulSet Web) has an invalid name",
            ),
        ] {
            let text = format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {meta}\nspec: {{selector: {{}}, template: {{}}}}\n");
            let e = parse_manifest(&text, "x", "stdin").unwrap_err();
            assert!(e.starts_with("stdin: ") && e.contains(want), "{want}: {e}");
        }
    }
}
