//! Reads in proportion to the subject: a command about one set GETs the cluster-scoped objects
//! it names (its claims' volumes, its pods' nodes, those volumes' attachments) instead of
//! listing the cluster's, so it costs the same in a cluster of ten sets and of ten thousand.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, NodeSelector, NodeSelectorTerm};
use k8s_openapi::api::storage::v1::{CSIDriver, VolumeAttachment};
use kube::api::{Api, ListParams};
use kube::Resource;
use serde::de::DeserializeOwned;

use super::{Cluster, Slim, PAGE};
use crate::error::Error;
use crate::model::{attachment_name, Access, AttachId, Attachment, Volume};

/// GETs in flight at once: a set of a thousand replicas is read in a few dozen rounds without
/// a burst the API server's priority and fairness would answer with 429s.
const IN_FLIGHT: usize = 16;

impl Cluster {
    /// GET each named object of a kind, [`IN_FLIGHT`] at a time; those that do not exist are
    /// left out; a 403 on any is the permission missing (`Access::Forbidden`).
    pub(super) async fn get_each<K, T>(
        &self,
        api: &Api<K>,
        names: impl IntoIterator<Item = String>,
        map: fn(K) -> T,
        kind: &str,
    ) -> Result<Access<Vec<T>>, Error>
    where
        K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
    {
        // a 429 is asked again by the transport, after the server's Retry-After
        // (`connect::AskAgain`): kube-rs itself has no client-side rate limit
        let got: Vec<(String, Result<Option<K>, kube::Error>)> = futures::stream::iter(names)
            .map(|n| {
                let api = api.clone();
                async move {
                    let r = api.get_opt(&n).await;
                    (n, r)
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let mut out = Vec::with_capacity(got.len());
        for (n, g) in got {
            match g {
                Ok(Some(k)) => out.push(map(k)),
                Ok(None) => {}
                Err(kube::Error::Api(s)) if s.code == 403 => return Ok(Access::Forbidden),
                Err(e) => return Err(self.api_failure(e, &format!("get {kind} {n}"))),
            }
        }
        Ok(Access::Ok(out))
    }

    /// The named PersistentVolumes (a claim's `spec.volumeName`), as the joins read them.
    pub async fn volumes_named(
        &self,
        names: impl IntoIterator<Item = String>,
    ) -> Result<Access<Vec<Volume>>, Error> {
        let api = Api::<k8s_openapi::api::core::v1::PersistentVolume>::all(self.client.clone());
        let unique: BTreeSet<String> = names.into_iter().collect();
        self.get_each(&api, unique, Volume::from, "persistentvolume")
            .await
    }

    /// The named nodes (slimmed as the lists are).
    pub async fn nodes_named(
        &self,
        names: impl IntoIterator<Item = String>,
    ) -> Result<Access<Vec<Node>>, Error> {
        let api = Api::<Node>::all(self.client.clone());
        let unique: BTreeSet<String> = names.into_iter().collect();
        self.get_each(
            &api,
            unique,
            |mut n: Node| {
                n.slim();
                n
            },
            "node",
        )
        .await
    }

    /// Enough of the nodes these volumes' node affinity admits to tell which volume is pinned
    /// (admitted by exactly one node of the cluster, `model::placement::pinned_node`): for each
    /// term every node it admits while it admits at most one, or two of them. A term that is
    /// one `key In (values)` requirement (a local volume's `kubernetes.io/hostname`, TopoLVM's
    /// node key) is read with the others of its key in one list by label selector; any other
    /// term by its own label (and name) selector, stopping at the second node it admits.
    /// Nodes are cluster-scoped with no index on their labels but these selectors: the answer
    /// is as large as the set's volumes' nodes, not the cluster's.
    pub async fn nodes_for_affinity(&self, volumes: &[Volume]) -> Result<Access<Vec<Node>>, Error> {
        let mut by_key: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut others: Vec<&NodeSelectorTerm> = vec![];
        for term in volumes
            .iter()
            .filter_map(|v| v.node_affinity.as_ref())
            .flat_map(|a| &a.node_selector_terms)
        {
            match single_in(term) {
                Some((key, values)) => by_key
                    .entry(key)
                    .or_default()
                    .extend(values.iter().map(String::as_str)),
                None if !others.contains(&term) => others.push(term),
                None => {}
            }
        }
        let mut lists: Vec<(ListParams, Option<NodeSelector>)> = vec![];
        for (key, values) in by_key {
            let values: Vec<&str> = values.into_iter().collect();
            // a URL stays well under the server's limits
            for chunk in values.chunks(100) {
                let sel = format!("{key} in ({})", chunk.join(","));
                lists.push((ListParams::default().labels(&sel).limit(PAGE), None));
            }
        }
        for term in others {
            let (params, exact) = term_params(term);
            let one = NodeSelector {
                node_selector_terms: vec![term.clone()],
            };
            // a term the selectors say all of needs two nodes at most; one they say only part
            // of is read on until two nodes it admits are found
            let params = if exact {
                params.limit(2)
            } else {
                params.limit(PAGE)
            };
            lists.push((params, Some(one)));
        }
        let api = Api::<Node>::all(self.client.clone());
        let got: Vec<Result<Access<Vec<Node>>, Error>> = futures::stream::iter(lists)
            .map(|(p, term)| {
                let api = api.clone();
                async move { self.nodes_admitted(api, p, term).await }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let mut out: BTreeMap<String, Node> = BTreeMap::new();
        for g in got {
            match g? {
                Access::Ok(nodes) => {
                    for n in nodes {
                        out.insert(n.metadata.name.clone().unwrap_or_default(), n);
                    }
                }
                Access::Forbidden => return Ok(Access::Forbidden),
            }
        }
        Ok(Access::Ok(out.into_values().collect()))
    }

    /// The nodes of one selector list; with a `term`, only those it admits, and no more than two.
    async fn nodes_admitted(
        &self,
        api: Api<Node>,
        mut p: ListParams,
        term: Option<NodeSelector>,
    ) -> Result<Access<Vec<Node>>, Error> {
        let mut out = vec![];
        loop {
            let page = match api.list(&p).await {
                Ok(page) => page,
                Err(kube::Error::Api(s)) if s.code == 403 => return Ok(Access::Forbidden),
                Err(e) => return Err(self.api_failure(e, "list nodes")),
            };
            for mut n in page.items {
                if term
                    .as_ref()
                    .is_none_or(|t| crate::model::placement::node_selector_matches(t, &n))
                {
                    n.slim();
                    out.push(n);
                }
            }
            if term.is_some() && out.len() >= 2 {
                return Ok(Access::Ok(out));
            }
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(c) => p = p.continue_token(&c),
                None => return Ok(Access::Ok(out)),
            }
        }
    }

    /// Whether each CSI driver needs attaching: its CSIDriver's `attachRequired`; a driver
    /// without a CSIDriver object (or one that may not be read) needs it, as the attacher
    /// decides (`skipAttach`, pkg/volume/csi/csi_plugin.go).
    async fn attach_required(&self, drivers: BTreeSet<String>) -> Result<BTreeSet<String>, Error> {
        let api = Api::<CSIDriver>::all(self.client.clone());
        let not_attached: BTreeSet<String> = match self
            .get_each(
                &api,
                drivers.iter().cloned(),
                |d: CSIDriver| {
                    (d.spec.attach_required == Some(false))
                        .then(|| d.metadata.name.unwrap_or_default())
                },
                "csidriver",
            )
            .await?
        {
            Access::Ok(v) => v.into_iter().flatten().collect(),
            Access::Forbidden => BTreeSet::new(),
        };
        Ok(drivers.difference(&not_attached).cloned().collect())
    }

    /// The attachments of these volumes to these nodes (volume name → nodes), GET by the name
    /// the CSI attacher gives them: a 404 is "no attachment to that node". A volume whose
    /// driver needs no attaching has none; one whose name cannot be computed (an in-tree
    /// source this tool does not translate) is looked for in the list of them all, as is,
    /// when `elsewhere` says so, every volume: where is it attached, if not where its pod runs?
    pub async fn attachments_to(
        &self,
        volumes: &[Volume],
        on: &BTreeMap<String, BTreeSet<String>>,
        elsewhere: impl Fn(&[Attachment]) -> bool,
    ) -> Result<Access<Vec<Attachment>>, Error> {
        let drivers: BTreeSet<String> = volumes
            .iter()
            .filter_map(|v| match &v.attach {
                AttachId::Csi { driver, .. } => Some(driver.clone()),
                _ => None,
            })
            .collect();
        let attached = self.attach_required(drivers).await?;
        let mut names = vec![];
        let mut unknown = false;
        for v in volumes {
            match &v.attach {
                AttachId::Csi { driver, handle } if attached.contains(driver) => {
                    for node in on.get(&v.name).into_iter().flatten() {
                        names.push(attachment_name(handle, driver, node));
                    }
                }
                AttachId::Unknown => unknown = true,
                _ => {}
            }
        }
        let api = Api::<VolumeAttachment>::all(self.client.clone());
        let found = match self
            .get_each(&api, names, Attachment::from, "volumeattachment")
            .await?
        {
            Access::Ok(v) => v,
            Access::Forbidden => return Ok(Access::Forbidden),
        };
        if !unknown && !elsewhere(&found) {
            return Ok(Access::Ok(found));
        }
        // the question is cluster-wide now (VolumeAttachments have no field selector): the
        // list of them all, these volumes' kept as each page arrives
        let ours: BTreeSet<&str> = volumes.iter().map(|v| v.name.as_str()).collect();
        let keep = |va: &VolumeAttachment| {
            va.spec
                .source
                .persistent_volume_name
                .as_deref()
                .is_some_and(|p| ours.contains(p))
        };
        self.list_maybe_map(
            api,
            ListParams::default(),
            Some(&keep),
            Attachment::from,
            "list volumeattachments",
        )
        .await
    }

    /// Which of these volumes are attached to `node` now (their attachments GET by name).
    pub async fn attached_to(
        &self,
        volumes: &[String],
        node: &str,
    ) -> Result<Access<BTreeSet<String>>, Error> {
        let vols = match self.volumes_named(volumes.iter().cloned()).await? {
            Access::Ok(v) => v,
            Access::Forbidden => return Ok(Access::Forbidden),
        };
        let on = vols
            .iter()
            .map(|v| (v.name.clone(), BTreeSet::from([node.to_string()])))
            .collect();
        Ok(match self.attachments_to(&vols, &on, |_| false).await? {
            Access::Ok(found) => Access::Ok(
                found
                    .into_iter()
                    .filter(|a| a.node == node && a.attached)
                    .filter_map(|a| a.volume)
                    .collect(),
            ),
            Access::Forbidden => Access::Forbidden,
        })
    }
}

/// A term that is one `key In (values)` requirement and nothing else.
fn single_in(term: &NodeSelectorTerm) -> Option<(&str, &[String])> {
    if term.match_fields.as_ref().is_some_and(|f| !f.is_empty()) {
        return None;
    }
    match term.match_expressions.as_deref()? {
        [r] if r.operator == "In" => Some((r.key.as_str(), r.values.as_deref()?)),
        _ => None,
    }
}

/// The label and field selectors a node selector term translates to, and whether they say
/// all of it (Gt/Lt, and a name among several, are left to the client).
fn term_params(term: &NodeSelectorTerm) -> (ListParams, bool) {
    let mut exact = true;
    let mut labels = vec![];
    for r in term.match_expressions.iter().flatten() {
        let values = r.values.as_deref().unwrap_or_default().join(",");
        match r.operator.as_str() {
            "In" => labels.push(format!("{} in ({values})", r.key)),
            "NotIn" => labels.push(format!("{} notin ({values})", r.key)),
            "Exists" => labels.push(r.key.clone()),
            "DoesNotExist" => labels.push(format!("!{}", r.key)),
            _ => exact = false,
        }
    }
    let mut fields = vec![];
    for r in term.match_fields.iter().flatten() {
        match (r.operator.as_str(), r.values.as_deref().unwrap_or_default()) {
            ("In", [one]) => fields.push(format!("{}={one}", r.key)),
            ("NotIn", [one]) => fields.push(format!("{}!={one}", r.key)),
            _ => exact = false,
        }
    }
    let mut p = ListParams::default();
    if !labels.is_empty() {
        p = p.labels(&labels.join(","));
    }
    if !fields.is_empty() {
        p = p.fields(&fields.join(","));
    }
    (p, exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(v: serde_json::Value) -> NodeSelectorTerm {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn node_selector_terms_become_list_selectors() {
        let t = term(serde_json::json!({"matchExpressions": [
            {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a", "b"]},
            {"key": "gpu", "operator": "DoesNotExist"},
        ]}));
        let (p, exact) = term_params(&t);
        assert!(exact);
        assert_eq!(
            p.label_selector.as_deref(),
            Some("topology.kubernetes.io/zone in (a,b),!gpu")
        );
        let t = term(serde_json::json!({
            "matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["4"]}],
            "matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}],
        }));
        let (p, exact) = term_params(&t);
        assert!(!exact, "Gt is the client's");
        assert_eq!(p.field_selector.as_deref(), Some("metadata.name=n1"));
        assert_eq!(p.label_selector, None);
        let t = term(serde_json::json!({"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]}]}));
        assert_eq!(
            single_in(&t).map(|(k, v)| (k, v.len())),
            Some(("kubernetes.io/hostname", 1))
        );
    }
}
