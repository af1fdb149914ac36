//! The kinds the simulated API server serves, with the metadata kube-apiserver
//! advertises for them (discovery, scope, subresources, generation semantics).
//! Values copied from a real v1.36 server (`shared/golden/discovery/`).

/// A subresource the simulator really implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubDef {
    pub name: &'static str,
    /// (group, version, kind) of what it returns, when it differs from the parent.
    pub response: Option<(&'static str, &'static str, &'static str)>,
    pub verbs: &'static [&'static str],
}

#[derive(Debug)]
pub struct ResourceDef {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub subresources: &'static [SubDef],
    pub storage_version_hash: &'static str,
    /// Whether the registry maintains `metadata.generation` (bumped on spec changes).
    pub has_generation: bool,
    /// Whether the main resource ignores `status` on update (status only via `/status`).
    pub has_status_subresource: bool,
    /// Field selectors the real registry supports beyond metadata.name/namespace.
    pub field_selectors: &'static [&'static str],
}

impl ResourceDef {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods` or `statefulsets.apps`: how the server names the resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `Pod` or `StatefulSet.apps`: as in precondition and validation messages.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_string()
        } else {
            format!("{}.{}", self.kind, self.group)
        }
    }

    pub fn sub(&self, name: &str) -> Option<&SubDef> {
        self.subresources.iter().find(|s| s.name == name)
    }
}

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const STATUS_VERBS: &[&str] = &["get", "patch", "update"];
const STATUS: SubDef = SubDef {
    name: "status",
    response: None,
    verbs: STATUS_VERBS,
};

// Field selectors: pkg/registry/core/pod/strategy.go ToSelectableFields,
// node/strategy.go, namespace/strategy.go, event/strategy.go, core/secret...
const POD_FIELDS: &[&str] = &[
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
];
const NODE_FIELDS: &[&str] = &["spec.unschedulable"];
const NS_FIELDS: &[&str] = &["status.phase"];
const EVENT_FIELDS: &[&str] = &[
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
];
const PV_FIELDS: &[&str] = &[];

pub static RESOURCES: &[ResourceDef] = &[
    ResourceDef {
        group: "",
        version: "v1",
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        namespaced: false,
        short_names: &["ns"],
        categories: &[],
        verbs: &[
            "create", "delete", "get", "list", "patch", "update", "watch",
        ],
        subresources: &[STATUS],
        storage_version_hash: "Q3oi5N2YM8M=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: NS_FIELDS,
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "Node",
        plural: "nodes",
        singular: "node",
        namespaced: false,
        short_names: &["no"],
        categories: &[],
        verbs: ALL_VERBS,
        // the node proxy to the kubelet (only GET /stats/summary is served: `stats`)
        subresources: &[
            SubDef {
                name: "proxy",
                response: Some(("", "", "NodeProxyOptions")),
                verbs: &["create", "delete", "get", "patch", "update"],
            },
            STATUS,
        ],
        storage_version_hash: "XwShjMxG9Fs=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: NODE_FIELDS,
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        namespaced: true,
        short_names: &["po"],
        categories: &["all"],
        verbs: ALL_VERBS,
        subresources: &[
            SubDef {
                name: "binding",
                response: Some(("", "", "Binding")),
                verbs: &["create"],
            },
            SubDef {
                name: "eviction",
                response: Some(("policy", "v1", "Eviction")),
                verbs: &["create"],
            },
            STATUS,
        ],
        storage_version_hash: "xPOwRZ+Yhw8=",
        has_generation: true,
        has_status_subresource: true,
        field_selectors: POD_FIELDS,
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "Service",
        plural: "services",
        singular: "service",
        namespaced: true,
        short_names: &["svc"],
        categories: &["all"],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "0/CO1lhkEBI=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: &[],
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "Endpoints",
        plural: "endpoints",
        singular: "endpoints",
        namespaced: true,
        short_names: &["ep"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "fWeeMqaN/OA=",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: &[],
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "PersistentVolumeClaim",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        namespaced: true,
        short_names: &["pvc"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "QWTyNDq0dC4=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: &[],
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "PersistentVolume",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        namespaced: false,
        short_names: &["pv"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "HN/zwEC+JgM=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: PV_FIELDS,
    },
    ResourceDef {
        group: "",
        version: "v1",
        kind: "Event",
        plural: "events",
        singular: "event",
        namespaced: true,
        short_names: &["ev"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "r2yiGXH7wu8=",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: EVENT_FIELDS,
    },
    ResourceDef {
        group: "apps",
        version: "v1",
        kind: "StatefulSet",
        plural: "statefulsets",
        singular: "statefulset",
        namespaced: true,
        short_names: &["sts"],
        categories: &["all"],
        verbs: ALL_VERBS,
        subresources: &[
            SubDef {
                name: "scale",
                response: Some(("autoscaling", "v1", "Scale")),
                verbs: STATUS_VERBS,
            },
            STATUS,
        ],
        storage_version_hash: "H+vl74LkKdo=",
        has_generation: true,
        has_status_subresource: true,
        field_selectors: &[],
    },
    // stored and printed for tests that need a DaemonSet's pods on a node (kubectl drain asks
    // for the DaemonSet of such a pod); no DaemonSet controller runs
    ResourceDef {
        group: "apps",
        version: "v1",
        kind: "DaemonSet",
        plural: "daemonsets",
        singular: "daemonset",
        namespaced: true,
        short_names: &["ds"],
        categories: &["all"],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "dd7pWHUlMKQ=",
        has_generation: true,
        has_status_subresource: true,
        field_selectors: &[],
    },
    ResourceDef {
        group: "apps",
        version: "v1",
        kind: "ControllerRevision",
        plural: "controllerrevisions",
        singular: "controllerrevision",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "85nkx63pcBU=",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: &[],
    },
    ResourceDef {
        group: "policy",
        version: "v1",
        kind: "PodDisruptionBudget",
        plural: "poddisruptionbudgets",
        singular: "poddisruptionbudget",
        namespaced: true,
        short_names: &["pdb"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "EVWiDmWqyJw=",
        has_generation: true,
        has_status_subresource: true,
        field_selectors: &[],
    },
    ResourceDef {
        group: "storage.k8s.io",
        version: "v1",
        kind: "StorageClass",
        plural: "storageclasses",
        singular: "storageclass",
        namespaced: false,
        short_names: &["sc"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "K+m6uJwbjGY=",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: &[],
    },
    ResourceDef {
        group: "storage.k8s.io",
        version: "v1",
        kind: "VolumeAttachment",
        plural: "volumeattachments",
        singular: "volumeattachment",
        namespaced: false,
        short_names: &[],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "tJx/ezt6UDU=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: &[],
    },
    // Stored only (no autoscaler runs here): lets tests show that guarded scale refuses a
    // set an HPA manages. golden discovery: autoscaling/v1 horizontalpodautoscalers.
    ResourceDef {
        group: "autoscaling",
        version: "v1",
        kind: "HorizontalPodAutoscaler",
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        namespaced: true,
        short_names: &["hpa"],
        categories: &["all"],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "qwQve8ut294=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: &[],
    },
    // The same objects served in autoscaling/v2, the group's preferred version (golden
    // aggregated discovery). Stored in the v1 form; `api` converts at the boundary
    // (`conversion::hpa_v1_to_v2` / `hpa_v2_to_v1`).
    ResourceDef {
        group: "autoscaling",
        version: "v2",
        kind: "HorizontalPodAutoscaler",
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        namespaced: true,
        short_names: &["hpa"],
        categories: &["all"],
        verbs: ALL_VERBS,
        subresources: &[STATUS],
        storage_version_hash: "qwQve8ut294=",
        has_generation: false,
        has_status_subresource: true,
        field_selectors: &[],
    },
    // the token subresource (TokenRequest) is not served
    ResourceDef {
        group: "",
        version: "v1",
        kind: "ServiceAccount",
        plural: "serviceaccounts",
        singular: "serviceaccount",
        namespaced: true,
        short_names: &["sa"],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "pbx9ZvyFpBE=",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: &[],
    },
    ResourceDef {
        group: "coordination.k8s.io",
        version: "v1",
        kind: "Lease",
        plural: "leases",
        singular: "lease",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "gqkMMb/YqFM=",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: &[],
    },
    ResourceDef {
        group: "discovery.k8s.io",
        version: "v1",
        kind: "EndpointSlice",
        plural: "endpointslices",
        singular: "endpointslice",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: ALL_VERBS,
        subresources: &[],
        storage_version_hash: "qgS0xkrxYAI=",
        // EndpointSlices carry a generation (golden: generation 4).
        has_generation: true,
        has_status_subresource: false,
        field_selectors: &[],
    },
];

pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceDef> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

pub fn by_kind(kind: &str) -> Option<&'static ResourceDef> {
    RESOURCES.iter().find(|r| r.kind == kind)
}

/// Groups in the order a real server lists them (core first, then the
/// aggregator's priority order as in golden `apis.aggregated.json`).
pub fn groups() -> Vec<&'static str> {
    let order = [
        "apps",
        "autoscaling",
        "policy",
        "storage.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
    ];
    order
        .into_iter()
        .filter(|g| RESOURCES.iter().any(|r| r.group == *g))
        .collect()
}

pub fn is_group(group: &str) -> bool {
    RESOURCES.iter().any(|r| r.group == group)
}

/// A group's served versions, the preferred (highest) first: autoscaling v2, v1.
pub fn versions(group: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = RESOURCES
        .iter()
        .filter(|r| r.group == group)
        .map(|r| r.version)
        .collect();
    v.sort_unstable_by_key(|v| {
        std::cmp::Reverse(v.trim_start_matches('v').parse::<u32>().unwrap_or(0))
    });
    v.dedup();
    v
}

/// The definition objects of `def`'s resource are stored under (its first served version).
pub fn storage_def(def: &'static ResourceDef) -> &'static ResourceDef {
    RESOURCES
        .iter()
        .find(|r| r.group == def.group && r.plural == def.plural)
        .unwrap_or(def)
}

/// autoscaling/v1 Scale, for patches sent to `/scale` (not itself a served resource).
pub fn scale_def() -> &'static ResourceDef {
    static SCALE: ResourceDef = ResourceDef {
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
        plural: "scale",
        singular: "",
        namespaced: true,
        short_names: &[],
        categories: &[],
        verbs: &[],
        subresources: &[],
        storage_version_hash: "",
        has_generation: false,
        has_status_subresource: false,
        field_selectors: &[],
    };
    &SCALE
}
