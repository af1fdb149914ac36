//! Every Kubernetes API call the commands make, and nothing else: connecting from kubeconfig
//! flags and mapping errors to one clear line (`connect`), fetching and writing (here), and
//! watches reduced to wake-ups (`watch`). The client itself never leaves this module.

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{
    Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service,
};
use k8s_openapi::api::storage::v1::VolumeAttachment;
use kube::api::{Api, ListParams};
use kube::Resource;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::model::{Access, Attachment, Claim, Fleet, ServiceLookup, SetParts, Snapshot, Volume};

mod connect;
mod lease;
mod named;
mod watch;
pub use connect::{api_failure, redact_url, ConnectOptions};
pub use watch::Changes;

/// Objects per page of a list (`limit`), as kubectl's `--chunk-size` default.
const PAGE: u32 = 500;

/// Kubelets asked for their Summary at once: a cluster of hundreds of nodes is read in a few
/// rounds without a burst on the API server (each proxied request holds a connection there).
const SUMMARY_PARALLEL: usize = 8;
/// The longest wait for one kubelet's Summary: the API server's own dial to a machine that is
/// off takes 30 s to give up (its kubelet client's dialer timeout).
const SUMMARY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    /// `-n`, else the context's namespace, else `default`.
    pub namespace: String,
    pub server: String,
    /// sha256 of the cluster's CA certificates as configured (None: the system's roots).
    pub ca_sha256: Option<String>,
}

pub use crate::model::FIELD_MANAGER;

fn write_patch() -> kube::api::PatchParams {
    kube::api::PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    }
}

fn write_post() -> kube::api::PostParams {
    kube::api::PostParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    }
}

/// A namespaced kind's API in one namespace, or across all of them.
pub(crate) fn scoped<K: Resource<Scope = k8s_openapi::NamespaceResourceScope>>(
    c: &kube::Client,
    ns: Option<&str>,
) -> Api<K>
where
    K::DynamicType: Default,
{
    match ns {
        Some(n) => Api::namespaced(c.clone(), n),
        None => Api::all(c.clone()),
    }
}

impl Cluster {
    fn api_failure(&self, e: kube::Error, what: &str) -> Error {
        api_failure(e, what, &self.server)
    }

    /// Lists every page (the continue token is followed; pages count as one list). Pages of
    /// [`PAGE`] objects: kubectl's chunk size, which measured best (fewer round trips than 100
    /// for the same peak memory; see `benches/overview.rs`).
    async fn list_all<K>(&self, api: Api<K>, params: ListParams) -> Result<Vec<K>, kube::Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Slim,
    {
        self.list_where(api, params, None).await
    }

    /// `list_all`, keeping only what `keep` accepts as each page arrives (for cluster-scoped
    /// kinds of which one set needs a few: its own volumes, not the cluster's).
    async fn list_where<K>(
        &self,
        api: Api<K>,
        params: ListParams,
        keep: Option<&(dyn Fn(&K) -> bool + Sync)>,
    ) -> Result<Vec<K>, kube::Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Slim,
    {
        self.list_map(api, params, keep, |mut o: K| {
            o.slim();
            o
        })
        .await
    }

    /// Lists every page, keeping what `keep` accepts, each object turned into what the model
    /// reads (`map`) as its page arrives: only the projections outlive the page.
    async fn list_map<K, T>(
        &self,
        api: Api<K>,
        params: ListParams,
        keep: Option<&(dyn Fn(&K) -> bool + Sync)>,
        map: fn(K) -> T,
    ) -> Result<Vec<T>, kube::Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
    {
        // Modest pages, and room reserved from remainingItemCount, keep peak memory flat
        // (a doubling Vec would hold two copies for a moment).
        let mut out = Vec::new();
        let mut p = params.limit(PAGE);
        loop {
            let page = api.list(&p).await?;
            if let (Some(rest), None) = (page.metadata.remaining_item_count, keep) {
                out.reserve_exact(page.items.len() + rest.max(0) as usize);
            }
            out.extend(
                page.items
                    .into_iter()
                    .filter(|o| keep.is_none_or(|k| k(o)))
                    .map(map),
            );
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(c) => p = p.continue_token(&c),
                None => {
                    // a filtered list grew by doubling: give the slack back
                    out.shrink_to_fit();
                    return Ok(out);
                }
            }
        }
    }

    /// `list_map` that RBAC may deny: 403 becomes `Access::Forbidden`.
    async fn list_maybe_map<K, T>(
        &self,
        api: Api<K>,
        params: ListParams,
        keep: Option<&(dyn Fn(&K) -> bool + Sync)>,
        map: fn(K) -> T,
        what: &str,
    ) -> Result<Access<Vec<T>>, Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
    {
        match self.list_map(api, params, keep, map).await {
            Ok(v) => Ok(Access::Ok(v)),
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(Access::Forbidden),
            Err(e) => Err(self.api_failure(e, what)),
        }
    }

    /// A list that RBAC may deny: 403 becomes `Access::Forbidden`.
    async fn list_maybe<K>(
        &self,
        api: Api<K>,
        params: ListParams,
        what: &str,
    ) -> Result<Access<Vec<K>>, Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Slim,
    {
        self.list_maybe_where(api, params, None, what).await
    }

    /// `list_maybe` keeping only what `keep` accepts.
    async fn list_maybe_where<K>(
        &self,
        api: Api<K>,
        params: ListParams,
        keep: Option<&(dyn Fn(&K) -> bool + Sync)>,
        what: &str,
    ) -> Result<Access<Vec<K>>, Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Slim,
    {
        match self.list_where(api, params, keep).await {
            Ok(v) => Ok(Access::Ok(v)),
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(Access::Forbidden),
            Err(e) => Err(self.api_failure(e, what)),
        }
    }

    /// GET the set; on 404, tell a missing namespace apart (checked only then, tolerating 403).
    pub async fn get_statefulset(&self, ns: &str, name: &str) -> Result<StatefulSet, Error> {
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        match api.get(name).await {
            Ok(s) => Ok(s),
            Err(kube::Error::Api(s)) if s.code == 404 => match self.namespace_exists(ns).await? {
                Access::Ok(false) => Err(Error::not_found(format!("namespace \"{ns}\" not found"))),
                _ => Err(Error::not_found(format!(
                    "statefulset \"{name}\" not found in namespace \"{ns}\""
                ))),
            },
            Err(e) => Err(self.api_failure(e, &format!("get statefulset {ns}/{name}"))),
        }
    }

    /// Which cluster this is, stably across kubeconfigs: the uid of its `kube-system`
    /// namespace where it may be read (it lives as long as the cluster); otherwise the server
    /// URL and the sha256 of its CA.
    pub async fn identity(&self) -> Result<String, Error> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        match api.get("kube-system").await {
            Ok(ns) => Ok(format!(
                "kube-system uid {}",
                ns.metadata.uid.unwrap_or_default()
            )),
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 403 => Ok(format!(
                "server {} CA sha256 {}",
                self.server,
                self.ca_sha256.as_deref().unwrap_or("none")
            )),
            Err(e) => Err(self.api_failure(e, "get namespace kube-system")),
        }
    }

    /// Whether a namespace exists (a GET); RBAC may deny it: `Access::Forbidden`.
    pub async fn namespace_exists(&self, ns: &str) -> Result<Access<bool>, Error> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        match api.get(ns).await {
            Ok(_) => Ok(Access::Ok(true)),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Access::Ok(false)),
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(Access::Forbidden),
            Err(e) => Err(self.api_failure(e, &format!("get namespace {ns}"))),
        }
    }

    /// Everything about one set, in proportion to the set whatever the cluster holds: GET it;
    /// its pods and claims by its selector and its Service, side by side; then the volumes its
    /// claims name and the nodes its pods run on, by name; then the nodes its volumes' node
    /// affinity admits (by label selector) and the attachments of its volumes to its pods'
    /// nodes (by the name the CSI attacher gives them). The cluster's attachments are listed
    /// only while a pod waits for a volume not attached to its node (where else it is held is
    /// a cluster-wide question).
    pub async fn snapshot(&self, ns: &str, name: &str) -> Result<Snapshot, Error> {
        let set = self.get_statefulset(ns, name).await?;
        let selector = selector_string(&set);
        let lp = ListParams::default().labels(&selector);
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), ns);
        let svc_name = set.spec.service_name.clone().unwrap_or_default();
        let (pods, claims, service) = tokio::join!(
            self.list_all(pods, lp.clone()),
            self.list_map(pvcs, lp.clone(), None, Claim::from),
            self.service(ns, &svc_name),
        );
        let pods = pods.map_err(|e| self.list_failure(e, "pods", ns, name))?;
        let claims =
            claims.map_err(|e| self.list_failure(e, "persistentvolumeclaims", ns, name))?;
        let (volumes, nodes, attachments) =
            self.set_volumes_and_nodes(&set, &pods, &claims).await?;
        Ok(Snapshot {
            pods,
            claims,
            volumes,
            nodes,
            attachments,
            service: service?,
            set,
            now: jiff::Timestamp::now(),
        })
    }

    /// The cluster-scoped objects one set's pods and claims name: its claims' volumes, its pods'
    /// nodes and those its volumes may be used on, and its volumes' attachments to its pods'
    /// nodes (see [`Cluster::snapshot`]).
    pub async fn set_volumes_and_nodes(
        &self,
        set: &StatefulSet,
        pods: &[Pod],
        claims: &[Claim],
    ) -> Result<
        (
            Access<Vec<Volume>>,
            Access<Vec<Node>>,
            Access<Vec<Attachment>>,
        ),
        Error,
    > {
        use std::collections::{BTreeMap, BTreeSet};
        let pod_nodes: BTreeSet<String> = pods
            .iter()
            .filter_map(|p| p.spec.as_ref()?.node_name.clone())
            .collect();
        let volume_names = claims
            .iter()
            .filter(|c| crate::model::set::claim_named_for_set(set, &c.name))
            .filter_map(|c| c.volume_name.clone());
        let (volumes, nodes) = tokio::join!(
            self.volumes_named(volume_names),
            self.nodes_named(pod_nodes)
        );
        let (volumes, mut nodes) = (volumes?, nodes?);
        let Access::Ok(vols) = &volumes else {
            return Ok((volumes, nodes, Access::Forbidden));
        };
        // volume → the node of the pod that mounts it
        let mut on: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in pods {
            let Some(node) = p.spec.as_ref().and_then(|s| s.node_name.clone()) else {
                continue;
            };
            for c in p
                .spec
                .iter()
                .flat_map(|s| s.volumes.iter().flatten())
                .filter_map(|v| v.persistent_volume_claim.as_ref())
            {
                if let Some(pv) = claims
                    .iter()
                    .find(|x| x.name == c.claim_name)
                    .and_then(|x| x.volume_name.clone())
                {
                    on.entry(pv).or_default().insert(node.clone());
                }
            }
        }
        let sought =
            |found: &[Attachment]| crate::model::set::attachment_sought(pods, claims, vols, found);
        let (admitted, attachments) = tokio::join!(
            self.nodes_for_affinity(vols),
            self.attachments_to(vols, &on, sought)
        );
        let attachments = attachments?;
        // the nodes its volumes are attached to that no pod of it runs on: the node a pod
        // left (a dead one holding its volume) is known from its attachment
        let left: BTreeSet<String> = attachments
            .ok()
            .into_iter()
            .flatten()
            .map(|a| a.node.clone())
            .filter(|n| !pods_nodes_have(&nodes, n))
            .collect();
        let left = self.nodes_named(left).await?;
        for more in [admitted?, left] {
            if let (Access::Ok(have), Access::Ok(more)) = (&mut nodes, more) {
                for n in more {
                    if !have.iter().any(|h| h.metadata.name == n.metadata.name) {
                        have.push(n);
                    }
                }
            }
        }
        Ok((volumes, nodes, attachments))
    }

    fn list_failure(&self, e: kube::Error, kind: &str, ns: &str, set: &str) -> Error {
        self.api_failure(e, &format!("list {kind} of statefulset {ns}/{set}"))
    }

    /// The namespace's HorizontalPodAutoscalers (autoscaling/v1, served by every cluster);
    /// 403 → `Access::Forbidden`, a cluster without the group → none.
    pub async fn autoscalers(
        &self,
        ns: &str,
    ) -> Result<Access<Vec<HorizontalPodAutoscaler>>, Error> {
        let api: Api<HorizontalPodAutoscaler> = Api::namespaced(self.client.clone(), ns);
        match self.list_all(api, ListParams::default()).await {
            Ok(v) => Ok(Access::Ok(v)),
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(Access::Forbidden),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Access::Ok(vec![])),
            Err(e) => Err(self.api_failure(e, &format!("list horizontalpodautoscalers in {ns}"))),
        }
    }

    /// The set and its pods, and its claims if asked: what guarded scale decides on
    /// (2–3 requests; the caller fetches nodes it needs by name).
    pub async fn set_parts(&self, ns: &str, name: &str, claims: bool) -> Result<SetParts, Error> {
        let set = self.get_statefulset(ns, name).await?;
        let lp = ListParams::default().labels(&selector_string(&set));
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), ns);
        let (pods, claims) = tokio::join!(self.list_all(pods, lp.clone()), async {
            if claims {
                // by name, not by the set's labels: restored claims may have none, and a
                // selector of matchExpressions may not carry over to them
                self.list_all(pvcs, ListParams::default()).await
            } else {
                Ok(vec![])
            }
        });
        let claims = claims
            .map_err(|e| self.list_failure(e, "persistentvolumeclaims", ns, name))?
            .into_iter()
            .filter(|c| crate::model::set::claim_of_set(&set, c))
            .collect();
        Ok(SetParts {
            pods: pods.map_err(|e| self.list_failure(e, "pods", ns, name))?,
            claims,
            nodes: Access::Ok(vec![]),
            set,
            now: jiff::Timestamp::now(),
        })
    }

    async fn service(&self, ns: &str, name: &str) -> Result<ServiceLookup, Error> {
        if name.is_empty() {
            return Ok(ServiceLookup::Missing);
        }
        let api: Api<Service> = Api::namespaced(self.client.clone(), ns);
        match api.get(name).await {
            Ok(s) => Ok(ServiceLookup::Found(Box::new(s))),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(ServiceLookup::Missing),
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(ServiceLookup::Forbidden),
            Err(e) => Err(self.api_failure(e, &format!("get service {ns}/{name}"))),
        }
    }

    /// Every set in a namespace (or all) and what their joins read: one paged list per kind,
    /// each object kept once (the joins borrow from it; see `model::inspect::inspect_fleet`).
    pub async fn fleet(&self, ns: Option<&str>) -> Result<Fleet, Error> {
        let c = &self.client;
        let where_ = ns
            .map(|n| format!("in namespace {n}"))
            .unwrap_or_else(|| "in all namespaces".into());
        let (sets, pods, claims, services, volumes, nodes, attachments) = tokio::join!(
            self.list_all(scoped::<StatefulSet>(c, ns), ListParams::default()),
            self.list_all(scoped::<Pod>(c, ns), ListParams::default()),
            self.list_map(
                scoped::<PersistentVolumeClaim>(c, ns),
                ListParams::default(),
                None,
                Claim::from
            ),
            self.list_maybe(
                scoped::<Service>(c, ns),
                ListParams::default(),
                "list services"
            ),
            self.list_maybe_map(
                Api::<PersistentVolume>::all(c.clone()),
                ListParams::default(),
                None,
                Volume::from,
                "list persistentvolumes"
            ),
            self.list_maybe(
                Api::<Node>::all(c.clone()),
                ListParams::default(),
                "list nodes"
            ),
            self.list_maybe_map(
                Api::<VolumeAttachment>::all(c.clone()),
                ListParams::default(),
                None,
                Attachment::from,
                "list volumeattachments"
            ),
        );
        Ok(Fleet {
            sets: sets.map_err(|e| self.api_failure(e, &format!("list statefulsets {where_}")))?,
            pods: pods.map_err(|e| self.api_failure(e, &format!("list pods {where_}")))?,
            claims: claims.map_err(|e| {
                self.api_failure(e, &format!("list persistentvolumeclaims {where_}"))
            })?,
            services: services?,
            volumes: volumes?,
            nodes: nodes?,
            attachments: attachments?,
            now: jiff::Timestamp::now(),
        })
    }
}

/// Drops, right after each page is decoded, what the model never reads, so memory
/// stays proportional to what inspect shows (node images, managed fields, pod volumes but claims,
/// container specs beyond their names, revision data).
pub trait Slim {
    fn slim(&mut self) {}
}

fn slim_meta(m: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) {
    m.managed_fields = None;
    m.annotations = None;
}

/// Also drops labels, for kinds joined by name (a B-tree leaf costs ~0.5 KB per object).
fn slim_meta_unlabelled(m: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) {
    slim_meta(m);
    m.labels = None;
}

/// Deserialized vectors grow by doubling from 4 (one container status holds room for
/// four): give the spare capacity back before the next page is decoded.
fn fit<T>(v: &mut Option<Vec<T>>) {
    if let Some(v) = v.as_mut() {
        v.shrink_to_fit();
    }
}

impl Slim for HorizontalPodAutoscaler {}
impl Slim for k8s_openapi::api::storage::v1::StorageClass {}
impl Slim for StatefulSet {
    fn slim(&mut self) {
        self.metadata.managed_fields = None;
    }
}
impl Slim for Service {
    fn slim(&mut self) {
        slim_meta(&mut self.metadata);
    }
}
impl Slim for PersistentVolumeClaim {
    fn slim(&mut self) {
        slim_meta_unlabelled(&mut self.metadata);
        if let Some(spec) = self.spec.as_mut() {
            fit(&mut spec.access_modes);
        }
        if let Some(st) = self.status.as_mut() {
            fit(&mut st.access_modes);
            fit(&mut st.conditions);
        }
    }
}
impl Slim for VolumeAttachment {
    fn slim(&mut self) {
        slim_meta_unlabelled(&mut self.metadata);
    }
}
impl Slim for ControllerRevision {
    fn slim(&mut self) {
        slim_meta(&mut self.metadata);
        self.data = Default::default();
    }
}
impl Slim for Node {
    fn slim(&mut self) {
        // what inspect reads of drain's cordon (planned maintenance): its annotation, and this
        // tool's managedFields entries, which prove the cordon is still drain's
        let cordoned_by = self
            .metadata
            .annotations
            .as_mut()
            .and_then(|a| a.remove_entry(crate::model::set::CORDONED_BY));
        let ours: Vec<_> = self
            .metadata
            .managed_fields
            .take()
            .into_iter()
            .flatten()
            .filter(|e| e.manager.as_deref() == Some(FIELD_MANAGER))
            .collect();
        // labels kept: a volume's node affinity is matched against them (which volume is
        // pinned to which node, whatever the topology key); nodes are few beside pods
        slim_meta(&mut self.metadata);
        self.metadata.annotations = cordoned_by.map(|kv| [kv].into());
        self.metadata.managed_fields = (!ours.is_empty()).then_some(ours);
        if let Some(st) = self.status.as_mut() {
            st.images = None;
            st.volumes_attached = None;
            st.volumes_in_use = None;
            fit(&mut st.conditions);
        }
    }
}
impl Slim for Pod {
    /// kubefmt's READY/STATUS need container names, init-container restart policies,
    /// readiness gates and the status; health needs node name and tolerations; the stuck
    /// controller (`model::stuck`) the claim volumes.
    fn slim(&mut self) {
        slim_meta(&mut self.metadata);
        if let Some(spec) = self.spec.as_mut() {
            // the claim volumes, each reduced to its name and claim: the controller's
            // storageMatches rule (`model::stuck`) reads them; the other volumes go
            spec.volumes = spec.volumes.take().map(|vs| {
                let mut claims: Vec<k8s_openapi::api::core::v1::Volume> = vs
                    .into_iter()
                    .filter_map(|v| {
                        Some(k8s_openapi::api::core::v1::Volume {
                            persistent_volume_claim: Some(v.persistent_volume_claim?),
                            name: v.name,
                            ..Default::default()
                        })
                    })
                    .collect();
                claims.shrink_to_fit();
                claims
            });
            // the probes say how long a started container may take to be Ready (a replica
            // that is starting is waited for: model::starting)
            let slim_c = |c: &mut k8s_openapi::api::core::v1::Container| {
                *c = k8s_openapi::api::core::v1::Container {
                    name: std::mem::take(&mut c.name),
                    restart_policy: c.restart_policy.take(),
                    readiness_probe: c.readiness_probe.take(),
                    startup_probe: c.startup_probe.take(),
                    ..Default::default()
                };
            };
            spec.containers.iter_mut().for_each(slim_c);
            spec.init_containers.iter_mut().flatten().for_each(slim_c);
            spec.containers.shrink_to_fit();
            fit(&mut spec.init_containers);
            fit(&mut spec.tolerations);
        }
        self.metadata.generate_name = None;
        if let Some(st) = self.status.as_mut() {
            // the conditions the model reads (readiness, scheduling, eviction); the others
            // are several strings each, times ten thousand pods
            if let Some(cs) = st.conditions.as_mut() {
                cs.retain(|c| {
                    matches!(
                        c.type_.as_str(),
                        "Ready" | "PodScheduled" | "DisruptionTarget"
                    )
                });
            }
            fit(&mut st.conditions);
            // statuses: what READY, STATUS and RESTARTS print, not images or resources
            let slim_s = |c: &mut k8s_openapi::api::core::v1::ContainerStatus| {
                c.image = String::new();
                c.image_id = String::new();
                c.container_id = None;
                c.volume_mounts = None;
                c.resources = None;
                c.allocated_resources = None;
                c.allocated_resources_status = None;
                c.user = None;
            };
            st.container_statuses.iter_mut().flatten().for_each(slim_s);
            st.init_container_statuses
                .iter_mut()
                .flatten()
                .for_each(slim_s);
            fit(&mut st.container_statuses);
            fit(&mut st.init_container_statuses);
            st.pod_ips = None;
            st.host_ips = None;
            st.host_ip = None;
            st.qos_class = None;
        }
    }
}

/// Mutations the demo performs (as an operator would with kubectl).
impl Cluster {
    pub async fn delete_pod(&self, ns: &str, name: &str, grace: Option<u32>) -> Result<(), Error> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        let dp = kube::api::DeleteParams {
            grace_period_seconds: grace,
            ..Default::default()
        };
        api.delete(name, &dp)
            .await
            .map(|_| ())
            .map_err(|e| self.api_failure(e, &format!("delete pod {ns}/{name}")))
    }

    pub async fn set_replicas(&self, ns: &str, name: &str, replicas: i32) -> Result<(), Error> {
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        let patch = kube::api::Patch::Merge(serde_json::json!({"spec": {"replicas": replicas}}));
        api.patch_scale(name, &write_patch(), &patch)
            .await
            .map(|_| ())
            .map_err(|e| self.api_failure(e, &format!("scale statefulset {ns}/{name}")))
    }

    pub async fn patch_node(&self, name: &str, patch: serde_json::Value) -> Result<(), Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        api.patch(name, &write_patch(), &kube::api::Patch::Merge(patch))
            .await
            .map(|_| ())
            .map_err(|e| self.api_failure(e, &format!("patch node {name}")))
    }

    pub async fn get_pod(&self, ns: &str, name: &str) -> Result<Option<Pod>, Error> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        api.get_opt(name)
            .await
            .map_err(|e| self.api_failure(e, &format!("get pod {ns}/{name}")))
    }

    pub async fn get_node(&self, name: &str) -> Result<Node, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        api.get(name)
            .await
            .map_err(|e| self.api_failure(e, &format!("get node {name}")))
    }
}

/// Outcome of a write guarded by preconditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guarded<T> {
    Done(T),
    /// 409: the object changed (or was replaced) since it was read; nothing was written.
    Conflict(String),
    /// 404: the object is gone.
    Gone,
}

impl Cluster {
    /// A JSON merge patch whose `metadata.resourceVersion` (when the caller put one in) is the
    /// precondition: 409 if the object changed since it was read.
    async fn merge_patch<K>(
        &self,
        api: Api<K>,
        name: &str,
        patch: serde_json::Value,
        what: &str,
    ) -> Result<Guarded<K>, Error>
    where
        K: Clone + DeserializeOwned + std::fmt::Debug,
    {
        let result = api
            .patch(name, &write_patch(), &kube::api::Patch::Merge(patch))
            .await;
        self.guarded(result, what)
    }

    /// A write's answer as a [`Guarded`]: 409 (a precondition failed) and 404 are outcomes
    /// the caller decides on; anything else is an error.
    fn guarded<T>(&self, result: Result<T, kube::Error>, what: &str) -> Result<Guarded<T>, Error> {
        match result {
            Ok(t) => Ok(Guarded::Done(t)),
            Err(kube::Error::Api(s)) if s.code == 409 => Ok(Guarded::Conflict(s.message)),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Guarded::Gone),
            Err(e) => Err(self.api_failure(e, what)),
        }
    }
}

impl<T> Guarded<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Guarded<U> {
        match self {
            Guarded::Done(t) => Guarded::Done(f(t)),
            Guarded::Conflict(m) => Guarded::Conflict(m),
            Guarded::Gone => Guarded::Gone,
        }
    }
}

/// The mutations of guarded scale and force-delete, each behind preconditions.
impl Cluster {
    /// PUT the scale subresource with the set's resourceVersion as precondition
    /// (what `kubectl scale --resource-version` does): a concurrent change aborts.
    pub async fn scale_if_unchanged(
        &self,
        ns: &str,
        name: &str,
        resource_version: &str,
        replicas: i64,
    ) -> Result<Guarded<()>, Error> {
        use k8s_openapi::api::autoscaling::v1::{Scale, ScaleSpec};
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        let replicas =
            i32::try_from(replicas).map_err(|_| Error::usage("--replicas is out of range"))?;
        let scale = Scale {
            metadata: kube::api::ObjectMeta {
                name: Some(name.into()),
                namespace: Some(ns.into()),
                resource_version: Some(resource_version.into()),
                ..Default::default()
            },
            spec: Some(ScaleSpec {
                replicas: Some(replicas),
            }),
            status: None,
        };
        let result = api
            .replace_scale(name, &write_post(), &scale)
            .await
            .map(|_| ());
        self.guarded(result, &format!("scale statefulset {ns}/{name}"))
    }

    /// DELETE with grace period 0, only if the pod is still the one checked (uid and resourceVersion).
    pub async fn force_delete_pod(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
        resource_version: &str,
    ) -> Result<Guarded<()>, Error> {
        self.delete_pod_if_unchanged(ns, name, uid, resource_version, Some(0))
            .await
    }

    /// DELETE (its own grace period unless `grace`), only if the pod is still the one checked.
    pub async fn delete_pod_if_unchanged(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
        resource_version: &str,
        grace: Option<u32>,
    ) -> Result<Guarded<()>, Error> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        let dp = kube::api::DeleteParams {
            grace_period_seconds: grace,
            preconditions: Some(kube::api::Preconditions {
                uid: Some(uid.into()),
                resource_version: Some(resource_version.into()),
            }),
            ..Default::default()
        };
        let result = api.delete(name, &dp).await.map(|_| ());
        self.guarded(result, &format!("delete pod {ns}/{name}"))
    }

    /// A merge patch of the set, only if it is unchanged since it was read (the
    /// resourceVersion in the patch is a precondition).
    pub async fn patch_set_if_unchanged(
        &self,
        ns: &str,
        name: &str,
        resource_version: &str,
        mut patch: serde_json::Value,
    ) -> Result<Guarded<StatefulSet>, Error> {
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        patch["metadata"] = serde_json::json!({"resourceVersion": resource_version});
        self.merge_patch(api, name, patch, &format!("patch statefulset {ns}/{name}"))
            .await
    }

    /// The set, or None when it does not exist.
    pub async fn statefulset_opt(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<Option<StatefulSet>, Error> {
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        api.get_opt(name)
            .await
            .map_err(|e| self.api_failure(e, &format!("get statefulset {ns}/{name}")))
    }

    /// Every StorageClass → whether it allows volume expansion.
    pub async fn expandable_classes(
        &self,
    ) -> Result<Access<std::collections::BTreeMap<String, bool>>, Error> {
        let api: Api<k8s_openapi::api::storage::v1::StorageClass> = Api::all(self.client.clone());
        Ok(
            match self
                .list_maybe(api, ListParams::default(), "list storageclasses")
                .await?
            {
                Access::Ok(v) => Access::Ok(
                    v.into_iter()
                        .filter_map(|c| {
                            Some((c.metadata.name?, c.allow_volume_expansion.unwrap_or(false)))
                        })
                        .collect(),
                ),
                Access::Forbidden => Access::Forbidden,
            },
        )
    }

    /// Sets a claim's storage request, only if it is unchanged since it was read.
    pub async fn set_claim_size(
        &self,
        ns: &str,
        name: &str,
        resource_version: &str,
        size: &str,
    ) -> Result<Guarded<()>, Error> {
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), ns);
        let patch = serde_json::json!({
            "metadata": {"resourceVersion": resource_version},
            "spec": {"resources": {"requests": {"storage": size}}},
        });
        let what = format!("resize persistentvolumeclaim {ns}/{name}");
        Ok(self.merge_patch(api, name, patch, &what).await?.map(|_| ()))
    }

    /// DELETE the set with `propagationPolicy: Orphan` (its pods and revisions stay), only if it
    /// is still the one read (uid precondition).
    pub async fn delete_statefulset_orphan(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
        resource_version: &str,
    ) -> Result<Guarded<()>, Error> {
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        let dp = kube::api::DeleteParams {
            propagation_policy: Some(kube::api::PropagationPolicy::Orphan),
            preconditions: Some(kube::api::Preconditions {
                uid: Some(uid.into()),
                resource_version: Some(resource_version.into()),
            }),
            ..Default::default()
        };
        let result = api.delete(name, &dp).await.map(|_| ());
        self.guarded(result, &format!("delete statefulset {ns}/{name}"))
    }

    /// POST the set; a 409 (it exists, or its namesake is still being deleted) is a Conflict.
    pub async fn create_statefulset(
        &self,
        ns: &str,
        set: &StatefulSet,
    ) -> Result<Guarded<StatefulSet>, Error> {
        let api: Api<StatefulSet> = Api::namespaced(self.client.clone(), ns);
        let name = set.metadata.name.clone().unwrap_or_default();
        let result = api.create(&write_post(), set).await;
        self.guarded(result, &format!("create statefulset {ns}/{name}"))
    }

    /// Replaces the node's taints, only if it is unchanged since it was read (the
    /// resourceVersion in a merge patch is a precondition): the node lifecycle controller
    /// rewrites the same list, and a blind write could drop its taints or ours.
    pub async fn set_node_taints(
        &self,
        name: &str,
        resource_version: &str,
        taints: &[k8s_openapi::api::core::v1::Taint],
    ) -> Result<Guarded<Node>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let patch = serde_json::json!({
            "metadata": {"resourceVersion": resource_version},
            "spec": {"taints": taints},
        });
        self.merge_patch(api, name, patch, &format!("taint node {name}"))
            .await
    }

    /// DELETE a claim, only if it is still the one checked (uid precondition).
    pub async fn delete_claim(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
    ) -> Result<Guarded<()>, Error> {
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), ns);
        let dp = kube::api::DeleteParams {
            preconditions: Some(kube::api::Preconditions {
                uid: Some(uid.into()),
                resource_version: None,
            }),
            ..Default::default()
        };
        let result = api.delete(name, &dp).await.map(|_| ());
        self.guarded(result, &format!("delete persistentvolumeclaim {ns}/{name}"))
    }

    /// Every pod bound to `node`, in every namespace (what a taint on it acts on).
    pub async fn pods_on_node(&self, node: &str) -> Result<Access<Vec<Pod>>, Error> {
        let api: Api<Pod> = Api::all(self.client.clone());
        let params = ListParams::default().fields(&format!("spec.nodeName={node}"));
        self.list_maybe(api, params, &format!("list pods on node {node}"))
            .await
    }

    /// Every pod not bound to a node, in every namespace (`spec.nodeName=`, the scheduler's
    /// own selector of the pods it has to place).
    pub async fn pods_unscheduled(&self) -> Result<Access<Vec<Pod>>, Error> {
        let api: Api<Pod> = Api::all(self.client.clone());
        let params = ListParams::default().fields("spec.nodeName=");
        self.list_maybe(api, params, "list unscheduled pods").await
    }

    /// Every node with its labels (which the slimmed lists drop): where a volume's node
    /// affinity lets it be used.
    pub async fn nodes_labelled(&self) -> Result<Access<Vec<Node>>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let mut out = Vec::new();
        let mut p = ListParams::default().limit(PAGE);
        loop {
            let page = match api.list(&p).await {
                Ok(page) => page,
                Err(kube::Error::Api(s)) if s.code == 403 => return Ok(Access::Forbidden),
                Err(e) => return Err(self.api_failure(e, "list nodes")),
            };
            out.extend(page.items);
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(c) => p = p.continue_token(&c),
                None => return Ok(Access::Ok(out)),
            }
        }
    }

    /// The claim, or None when it does not exist.
    pub async fn claim_opt(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<Option<PersistentVolumeClaim>, Error> {
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), ns);
        api.get_opt(name)
            .await
            .map_err(|e| self.api_failure(e, &format!("get persistentvolumeclaim {ns}/{name}")))
    }

    /// The volume a claim is bound to; None when it is gone or not bound.
    pub async fn claim_volume(&self, ns: &str, name: &str) -> Result<Option<String>, Error> {
        Ok(self
            .claim_opt(ns, name)
            .await?
            .and_then(|c| c.spec?.volume_name))
    }

    /// The node, `None` when it no longer exists; 403 → `Access::Forbidden`.
    pub async fn node_opt(&self, name: &str) -> Result<Access<Option<Node>>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        match api.get_opt(name).await {
            Ok(n) => Ok(Access::Ok(n)),
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(Access::Forbidden),
            Err(e) => Err(self.api_failure(e, &format!("get node {name}"))),
        }
    }

    /// The volume usage of the pods on these nodes: each kubelet's Summary API through the API
    /// server's node proxy (`GET /api/v1/nodes/{node}/proxy/stats/summary`), [`SUMMARY_PARALLEL`]
    /// at a time, each within [`SUMMARY_TIMEOUT`]. A 403 on any node is the missing permission
    /// (`get nodes/proxy`); any other failure is that node's not answering, never an error.
    pub async fn volume_usage(&self, nodes: Vec<String>) -> crate::model::usage::UsageRead {
        use crate::model::usage::{NodeAnswer, UsageRead};
        use futures::StreamExt;
        enum Got {
            Answer(String, NodeAnswer),
            Forbidden,
        }
        let got: Vec<Got> = futures::stream::iter(nodes)
            .map(|node| async move {
                match tokio::time::timeout(SUMMARY_TIMEOUT, self.summary(&node)).await {
                    Ok(Ok(Some(s))) => Got::Answer(node, NodeAnswer::Summary(s)),
                    Ok(Ok(None)) => Got::Forbidden,
                    Ok(Err(why)) => Got::Answer(node, NodeAnswer::DidNotAnswer(why)),
                    Err(_) => Got::Answer(
                        node,
                        NodeAnswer::DidNotAnswer(format!(
                            "no answer within {}s",
                            SUMMARY_TIMEOUT.as_secs()
                        )),
                    ),
                }
            })
            .buffer_unordered(SUMMARY_PARALLEL)
            .collect()
            .await;
        let mut read = std::collections::HashMap::new();
        for g in got {
            match g {
                Got::Forbidden => return UsageRead::Forbidden,
                Got::Answer(n, a) => {
                    read.insert(n, a);
                }
            }
        }
        UsageRead::Read(read)
    }

    /// One kubelet's Summary; None: 403; Err: why it did not answer (the proxy's message).
    async fn summary(&self, node: &str) -> Result<Option<crate::model::usage::Summary>, String> {
        let path = format!("/api/v1/nodes/{node}/proxy/stats/summary");
        let req = http::Request::get(&path)
            .header(http::header::ACCEPT, "application/json")
            .body(kube::client::Body::empty())
            .map_err(|e| e.to_string())?;
        let res = self.client.send(req).await.map_err(|e| e.to_string())?;
        let status = res.status();
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        match status.as_u16() {
            200 => serde_json::from_slice(&body)
                .map(Some)
                .map_err(|e| format!("its summary could not be read: {e}")),
            403 => Ok(None),
            code => {
                let st: Result<kube::core::Status, _> = serde_json::from_slice(&body);
                let msg = st
                    .map(|s| s.message)
                    .unwrap_or_else(|_| String::from_utf8_lossy(&body).trim().to_string());
                Err(format!(
                    "{code}: {}",
                    msg.split_whitespace().collect::<Vec<_>>().join(" ")
                ))
            }
        }
    }

    /// The node's Lease renew time, the API server's clock (its `Date` header) so that
    /// "silent for N seconds" never depends on this machine's clock, and the Lease's
    /// `leaseDurationSeconds` (its kubelet renews it every quarter of that).
    pub async fn node_lease(
        &self,
        node: &str,
    ) -> Result<
        (
            crate::model::health::LeaseLookup,
            Option<jiff::Timestamp>,
            Option<i64>,
        ),
        Error,
    > {
        use crate::model::health::LeaseLookup;
        use k8s_openapi::api::coordination::v1::Lease;
        let what = format!("get lease kube-node-lease/{node}");
        let req = kube::core::Request::new(
            "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
        )
        .get(node, &kube::api::GetParams::default())
        .map_err(|e| Error::api(format!("cannot {what}: {e}")))?;
        let res = self
            .client
            .send(req.map(kube::client::Body::from))
            .await
            .map_err(|e| self.api_failure(e, &what))?;
        let server_now = res
            .headers()
            .get(http::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(http_date);
        let status = res.status();
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .map_err(|e| Error::api(format!("cannot {what}: {e}")))?
            .to_bytes();
        let mut duration = None;
        let lookup = match status.as_u16() {
            200 => {
                let lease: Lease = serde_json::from_slice(&body)
                    .map_err(|e| Error::api(format!("cannot {what}: {e}")))?;
                duration = lease
                    .spec
                    .as_ref()
                    .and_then(|s| s.lease_duration_seconds)
                    .map(i64::from);
                match lease.spec.and_then(|s| s.renew_time) {
                    Some(t) => LeaseLookup::Renewed(t.0),
                    None => LeaseLookup::Missing,
                }
            }
            404 => LeaseLookup::Missing,
            403 => LeaseLookup::Forbidden,
            _ => {
                let st: Result<kube::core::Status, _> = serde_json::from_slice(&body);
                let msg = st.map(|s| s.message).unwrap_or_else(|_| status.to_string());
                return Err(Error::api(format!(
                    "cannot {what}: {msg} ({})",
                    status.as_u16()
                )));
            }
        };
        Ok((lookup, server_now, duration))
    }
}

/// Whether these nodes (as read) include `name`.
fn pods_nodes_have(nodes: &Access<Vec<Node>>, name: &str) -> bool {
    nodes
        .ok()
        .is_some_and(|v| v.iter().any(|n| n.metadata.name.as_deref() == Some(name)))
}

/// The set's selector as a label-selector query string.
pub fn selector_string(set: &StatefulSet) -> String {
    // the API server validated the selector when the set was created; a set whose selector
    // would not convert is matched by nothing rather than by everything
    kube::core::Selector::try_from(set.spec.selector.clone())
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "kubectl-sts.invalid/selector".into())
}

/// An HTTP `Date` header (IMF-fixdate, RFC 9110: `Sun, 22 Nov 2026 05:58:08 GMT`).
fn http_date(s: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

/// What `drain` reads and writes.
impl Cluster {
    /// What drain's preflight on `node` reads: every pod of the cluster (where the node's pods
    /// can go is judged against what every other node already runs, and required
    /// anti-affinity against what runs in their namespaces: a question about the whole
    /// cluster); of the StatefulSets, budgets and volumes only those of the node's pods (its
    /// pods' owners by name, the budgets of their namespaces, their claims' volumes by name).
    pub async fn drain_reads(
        &self,
        node: &str,
    ) -> Result<
        (
            Vec<Pod>,
            Vec<StatefulSet>,
            Vec<k8s_openapi::api::policy::v1::PodDisruptionBudget>,
            Vec<crate::model::Volume>,
        ),
        Error,
    > {
        use k8s_openapi::api::policy::v1::PodDisruptionBudget;
        use std::collections::BTreeSet;
        // whole objects but their managedFields: the preflight reads what the slimmed lists
        // drop (annotations, volumes, requests, affinity)
        let pods = self
            .list_map(
                Api::<Pod>::all(self.client.clone()),
                ListParams::default(),
                None,
                unmanaged,
            )
            .await
            .map_err(|e| self.api_failure(e, "list pods"))?;
        let on: Vec<&Pod> = pods
            .iter()
            .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node))
            .collect();
        let owners: BTreeSet<(String, String)> = on
            .iter()
            .filter_map(|p| {
                Some((
                    p.metadata.namespace.clone()?,
                    crate::model::set::owning_statefulset(p)?,
                ))
            })
            .collect();
        let namespaces: BTreeSet<String> = on
            .iter()
            .filter_map(|p| p.metadata.namespace.clone())
            .collect();
        let sets = futures::future::join_all(
            owners
                .iter()
                .map(|(ns, name)| self.statefulset_opt(ns, name)),
        );
        let pdbs = futures::future::join_all(namespaces.iter().map(|ns| {
            self.list_map(
                Api::<PodDisruptionBudget>::namespaced(self.client.clone(), ns),
                ListParams::default(),
                None,
                unmanaged,
            )
        }));
        let (sets, pdbs, volumes) = tokio::join!(sets, pdbs, self.volumes_of_pods(&on));
        let mut all_pdbs = vec![];
        for p in pdbs {
            all_pdbs.extend(p.map_err(|e| self.api_failure(e, "list poddisruptionbudgets"))?);
        }
        let sets = sets
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        let volumes = match volumes? {
            Access::Ok(v) => v,
            Access::Forbidden => {
                return Err(Error::api(
                    "cannot get persistentvolumes: forbidden (the drained pods' volumes decide where they can go)",
                ))
            }
        };
        Ok((pods, sets, all_pdbs, volumes))
    }

    /// The volumes these pods' claims are bound to: each claim GET by name, then its volume.
    pub async fn volumes_of_pods(&self, pods: &[&Pod]) -> Result<Access<Vec<Volume>>, Error> {
        use std::collections::{BTreeMap, BTreeSet};
        let mut by_ns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for p in pods {
            let ns = p.metadata.namespace.clone().unwrap_or_default();
            for c in p
                .spec
                .iter()
                .flat_map(|s| s.volumes.iter().flatten())
                .filter_map(|v| v.persistent_volume_claim.as_ref())
            {
                by_ns
                    .entry(ns.clone())
                    .or_default()
                    .insert(c.claim_name.clone());
            }
        }
        let mut names = vec![];
        for (ns, claims) in by_ns {
            let api = Api::<PersistentVolumeClaim>::namespaced(self.client.clone(), &ns);
            match self
                .get_each(&api, claims, Claim::from, "persistentvolumeclaim")
                .await?
            {
                Access::Ok(found) => names.extend(found.into_iter().filter_map(|c| c.volume_name)),
                Access::Forbidden => return Ok(Access::Forbidden),
            }
        }
        self.volumes_named(names).await
    }

    /// Cordons the node behind its resourceVersion, saying who did it in an annotation.
    pub async fn cordon(
        &self,
        name: &str,
        resource_version: &str,
        by: &str,
    ) -> Result<Guarded<Node>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let patch = serde_json::json!({
            "metadata": {"resourceVersion": resource_version,
                "annotations": {crate::model::set::CORDONED_BY: by}},
            "spec": {"unschedulable": true},
        });
        self.merge_patch(api, name, patch, &format!("cordon node {name}"))
            .await
    }

    /// Uncordons the node behind its resourceVersion and drops drain's annotations (its
    /// cordon's and its heartbeat: a drain that still runs stops, it is uncordoned).
    pub async fn uncordon(
        &self,
        name: &str,
        resource_version: &str,
    ) -> Result<Guarded<Node>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let patch = serde_json::json!({
            "metadata": {"resourceVersion": resource_version,
                "annotations": {crate::model::set::CORDONED_BY: null,
                    crate::model::lease::DRAIN_HEARTBEAT: null}},
            "spec": {"unschedulable": null},
        });
        self.merge_patch(api, name, patch, &format!("uncordon node {name}"))
            .await
    }

    /// Removes drain's annotation (nothing else) behind the node's resourceVersion.
    pub async fn clear_cordoned_by(
        &self,
        name: &str,
        resource_version: &str,
    ) -> Result<Guarded<Node>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let patch = serde_json::json!({
            "metadata": {"resourceVersion": resource_version,
                "annotations": {crate::model::set::CORDONED_BY: null}},
        });
        self.merge_patch(api, name, patch, &format!("annotate node {name}"))
            .await
    }

    /// POST an Eviction (policy/v1) for the pod, with its uid as precondition. The body is
    /// written here: kube's `Api::evict` sends its delete options in snake_case, which the
    /// server ignores, preconditions included. Err(status, message) for what the caller
    /// decides on: 429 (a PodDisruptionBudget allows no disruption now), 500 (several select
    /// it), 409 (the uid changed), 404 (gone).
    pub async fn evict(
        &self,
        ns: &str,
        name: &str,
        uid: &str,
        grace_period: Option<i64>,
    ) -> Result<Result<(), (u16, String)>, Error> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        let mut body = serde_json::json!({
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": name, "namespace": ns},
            "deleteOptions": {"preconditions": {"uid": uid}},
        });
        if let Some(g) = grace_period {
            body["deleteOptions"]["gracePeriodSeconds"] = g.into();
        }
        let result: Result<serde_json::Value, kube::Error> = api
            .create_subresource("eviction", name, &write_post(), &body)
            .await;
        match result {
            Ok(_) => Ok(Ok(())),
            Err(kube::Error::Api(s)) if matches!(s.code, 404 | 409 | 429 | 500) => {
                Ok(Err((s.code, s.message)))
            }
            Err(e) => Err(self.api_failure(e, &format!("evict pod {ns}/{name}"))),
        }
    }
}

/// A whole object but its managedFields, which no check reads (often a third of its bytes,
/// and check keeps every pod of the cluster).
fn unmanaged<K: Resource>(mut o: K) -> K {
    o.meta_mut().managed_fields = None;
    o
}

/// The object as [`Slim`] leaves it.
fn slimmed<K: Slim>(mut o: K) -> K {
    o.slim();
    o
}

/// What `check` reads: one list of each kind, side by side.
impl Cluster {
    /// Namespaced kinds in `ns` (or every namespace); pods always cluster-wide (drain's
    /// preflight counts what each node holds); nodes, volumes and classes are cluster-scoped.
    /// RBAC denials become `Access::Forbidden`, reported as missing permissions.
    pub async fn check_reads(
        &self,
        ns: Option<&str>,
    ) -> Result<crate::model::check::Objects, Error> {
        use k8s_openapi::api::policy::v1::PodDisruptionBudget;
        use k8s_openapi::api::storage::v1::StorageClass;
        let c = &self.client;
        let where_ = ns
            .map(|n| format!("in namespace {n}"))
            .unwrap_or_else(|| "in all namespaces".into());
        let all = ListParams::default;
        // whole objects: the checks read the pod template, probes, affinity, selectors
        let (sets, pods, claims, services, pdbs, classes, volumes, nodes) = tokio::join!(
            self.list_map(scoped::<StatefulSet>(c, ns), all(), None, unmanaged),
            self.list_maybe_map(
                Api::<Pod>::all(c.clone()),
                all(),
                None,
                unmanaged,
                "list pods"
            ),
            self.list_map(
                scoped::<PersistentVolumeClaim>(c, ns),
                all(),
                None,
                Claim::from
            ),
            self.list_maybe_map(
                scoped::<Service>(c, ns),
                all(),
                None,
                unmanaged,
                "list services"
            ),
            self.list_maybe_map(
                scoped::<PodDisruptionBudget>(c, ns),
                all(),
                None,
                unmanaged,
                "list poddisruptionbudgets"
            ),
            self.list_maybe_map(
                Api::<StorageClass>::all(c.clone()),
                all(),
                None,
                |o| o,
                "list storageclasses"
            ),
            self.list_maybe_map(
                Api::<PersistentVolume>::all(c.clone()),
                all(),
                None,
                Volume::from,
                "list persistentvolumes"
            ),
            self.list_maybe_map(
                Api::<Node>::all(c.clone()),
                all(),
                None,
                slimmed,
                "list nodes"
            ),
        );
        // a user who may list pods only in the namespace still gets every check but drain's
        let (pods, pods_everywhere) = match (pods?, ns) {
            (Access::Forbidden, Some(ns)) => (
                self.list_maybe_map(
                    Api::<Pod>::namespaced(c.clone(), ns),
                    all(),
                    None,
                    unmanaged,
                    "list pods",
                )
                .await?,
                false,
            ),
            (pods, _) => (pods, true),
        };
        let claims = match claims {
            Ok(v) => Access::Ok(v),
            Err(kube::Error::Api(s)) if s.code == 403 => Access::Forbidden,
            Err(e) => {
                return Err(self.api_failure(e, &format!("list persistentvolumeclaims {where_}")))
            }
        };
        Ok(crate::model::check::Objects {
            sets: sets.map_err(|e| self.api_failure(e, &format!("list statefulsets {where_}")))?,
            pods,
            pods_everywhere,
            claims,
            services: services?,
            pdbs: pdbs?,
            classes: classes?,
            volumes: volumes?,
            nodes: nodes?,
            now: jiff::Timestamp::now(),
        })
    }
}

/// What `check NAME` reads: one set's objects, and the cluster-wide answers its checks need.
impl Cluster {
    /// The set (GET), its pods and claims by its selector, its volumes by name; the namespace's
    /// Services and budgets (namespaced lists: which of them select its pods); the storage
    /// classes (the default one is found only by listing them, and they are few); every node,
    /// slimmed (where its pods could go, the zones of the cluster: STS008, STS010, STS020 are
    /// questions about the whole cluster); and every pod on the nodes its pods run on (by
    /// `spec.nodeName`: what draining one of them takes down, STS020).
    pub async fn check_reads_set(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<crate::model::check::Objects, Error> {
        use k8s_openapi::api::policy::v1::PodDisruptionBudget;
        use k8s_openapi::api::storage::v1::StorageClass;
        let c = &self.client;
        let set = self.get_statefulset(ns, name).await?;
        let lp = ListParams::default().labels(&selector_string(&set));
        let all = ListParams::default;
        let (pods, claims, services, pdbs, classes, nodes) = tokio::join!(
            self.list_maybe_map(
                Api::<Pod>::namespaced(c.clone(), ns),
                lp.clone(),
                None,
                unmanaged,
                "list pods"
            ),
            self.list_maybe_map(
                Api::<PersistentVolumeClaim>::namespaced(c.clone(), ns),
                lp.clone(),
                None,
                Claim::from,
                "list persistentvolumeclaims"
            ),
            self.list_maybe_map(
                Api::<Service>::namespaced(c.clone(), ns),
                all(),
                None,
                unmanaged,
                "list services"
            ),
            self.list_maybe_map(
                Api::<PodDisruptionBudget>::namespaced(c.clone(), ns),
                all(),
                None,
                unmanaged,
                "list poddisruptionbudgets"
            ),
            self.list_maybe_map(
                Api::<StorageClass>::all(c.clone()),
                all(),
                None,
                |o| o,
                "list storageclasses"
            ),
            self.nodes_labelled(),
        );
        let (pods, claims) = (pods?, claims?);
        let on: std::collections::BTreeSet<String> = pods
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|p| p.spec.as_ref()?.node_name.clone())
            .collect();
        let volume_names: Vec<String> = claims
            .ok()
            .into_iter()
            .flatten()
            .filter(|c| crate::model::set::claim_named_for_set(&set, &c.name))
            .filter_map(|c| c.volume_name.clone())
            .collect();
        // whole pods: the preflight reads their requests, affinity and owners
        let node_pods = futures::future::join_all(on.iter().map(|n| {
            self.list_maybe_map(
                Api::<Pod>::all(c.clone()),
                ListParams::default().fields(&format!("spec.nodeName={n}")),
                None,
                unmanaged,
                "list pods",
            )
        }));
        let (volumes, node_pods) = tokio::join!(self.volumes_named(volume_names), node_pods);
        // a user who may not list pods across namespaces still gets every check but drain's
        let mut pods_everywhere = true;
        let mut pods = pods;
        for got in node_pods {
            match (got?, &mut pods) {
                (Access::Ok(more), Access::Ok(pods)) => {
                    for p in more {
                        if !pods.iter().any(|o| o.metadata.uid == p.metadata.uid) {
                            pods.push(p);
                        }
                    }
                }
                _ => pods_everywhere = false,
            }
        }
        Ok(crate::model::check::Objects {
            sets: vec![set],
            pods,
            pods_everywhere,
            claims,
            services: services?,
            pdbs: pdbs?,
            classes: classes?,
            volumes: volumes?,
            nodes: nodes?,
            now: jiff::Timestamp::now(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_date_header_is_read() {
        assert_eq!(
            http_date("Sun, 22 Nov 2026 05:58:08 GMT"),
            Some("2026-11-22T05:58:08Z".parse().unwrap())
        );
        assert_eq!(http_date("yesterday"), None);
    }
}
