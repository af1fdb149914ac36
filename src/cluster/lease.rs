//! The requests of a StatefulSet's disruption Lease (`model::lease`): get, create, update
//! behind its resourceVersion, delete behind uid and resourceVersion, watch; and a drain's
//! heartbeat on its node.

use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Node;
use kube::api::{Api, DeleteParams, Preconditions, WatchParams};

use super::{write_patch, write_post, Cluster, Guarded};
use crate::error::Error;
use crate::model::lease::{lease_name, LeaseRecord, DRAIN_HEARTBEAT};

impl Cluster {
    /// A Lease request's failure: a 403 names the permission the Lease needs (one line).
    fn lease_failure(&self, e: kube::Error, verb: &str, ns: &str, name: &str) -> Error {
        let what = format!("{verb} lease {ns}/{name}");
        match e {
            kube::Error::Api(s) if s.code == 403 => Error::api(format!(
                "cannot {what}: forbidden (403): kubectl-sts takes a StatefulSet's disruption Lease before it takes one of its pods down, and needs get, create, update and delete on leases (coordination.k8s.io) in namespace {ns} (the edit role grants them from Kubernetes 1.25 and 1.24.4; README, Permissions)"
            )),
            e => self.api_failure(e, &what),
        }
    }

    /// The set's disruption Lease, or None when there is none.
    pub async fn set_lease(&self, ns: &str, set: &str) -> Result<Option<LeaseRecord>, Error> {
        let name = lease_name(set);
        let api: Api<Lease> = Api::namespaced(self.client.clone(), ns);
        match api.get_opt(&name).await {
            Ok(l) => Ok(l.as_ref().map(LeaseRecord::from_lease)),
            Err(e) => Err(self.lease_failure(e, "get", ns, &name)),
        }
    }

    /// POST the Lease; 409 (AlreadyExists: another process created it first) is a Conflict.
    pub async fn create_lease(
        &self,
        ns: &str,
        lease: &Lease,
    ) -> Result<Guarded<LeaseRecord>, Error> {
        let api: Api<Lease> = Api::namespaced(self.client.clone(), ns);
        let written = api.create(&write_post(), lease).await;
        self.lease_written(written, "create", ns, lease)
    }

    /// PUT the Lease behind the resourceVersion it carries: 409 when it changed since it was
    /// read (another process renewed or took it). (A Lease that is gone is created by the PUT:
    /// the Lease strategy's AllowCreateOnUpdate, golden `leases/`.)
    pub async fn update_lease(
        &self,
        ns: &str,
        lease: &Lease,
    ) -> Result<Guarded<LeaseRecord>, Error> {
        let name = lease.metadata.name.clone().unwrap_or_default();
        let api: Api<Lease> = Api::namespaced(self.client.clone(), ns);
        let written = api.replace(&name, &write_post(), lease).await;
        self.lease_written(written, "update", ns, lease)
    }

    /// A create's or update's answer: the Lease as written, or a 409 (404) to decide on.
    fn lease_written(
        &self,
        written: Result<Lease, kube::Error>,
        verb: &str,
        ns: &str,
        lease: &Lease,
    ) -> Result<Guarded<LeaseRecord>, Error> {
        match written {
            Ok(l) => Ok(Guarded::Done(LeaseRecord::from_lease(&l))),
            Err(kube::Error::Api(s)) if s.code == 409 => Ok(Guarded::Conflict(s.message)),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Guarded::Gone),
            Err(e) => Err(self.lease_failure(
                e,
                verb,
                ns,
                lease.metadata.name.as_deref().unwrap_or_default(),
            )),
        }
    }

    /// DELETE the set's Lease, only while it is the one held (uid and resourceVersion).
    pub async fn delete_lease(
        &self,
        ns: &str,
        set: &str,
        held: &LeaseRecord,
    ) -> Result<Guarded<()>, Error> {
        let name = lease_name(set);
        let api: Api<Lease> = Api::namespaced(self.client.clone(), ns);
        let dp = DeleteParams {
            preconditions: Some(Preconditions {
                uid: Some(held.uid.clone()),
                resource_version: Some(held.resource_version.clone()),
            }),
            ..Default::default()
        };
        match api.delete(&name, &dp).await {
            Ok(_) => Ok(Guarded::Done(())),
            Err(kube::Error::Api(s)) if s.code == 409 => Ok(Guarded::Conflict(s.message)),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Guarded::Gone),
            Err(e) => Err(self.lease_failure(e, "delete", ns, &name)),
        }
    }

    /// Changes of the set's Lease (a renewal, a release): what a waiter wakes on.
    pub fn watch_lease(&self, ns: &str, set: &str) -> Vec<super::Changes> {
        vec![super::watch::changes(
            Api::<Lease>::namespaced(self.client.clone(), ns),
            WatchParams::default().fields(&format!("metadata.name={}", lease_name(set))),
        )]
    }

    /// Sets (Some) or removes (None) a drain's heartbeat on the node, only if the node is
    /// unchanged since it was read (the resourceVersion in a merge patch is a precondition).
    pub async fn set_drain_heartbeat(
        &self,
        node: &str,
        resource_version: &str,
        value: Option<&str>,
    ) -> Result<Guarded<Node>, Error> {
        let api: Api<Node> = Api::all(self.client.clone());
        let patch = serde_json::json!({
            "metadata": {
                "resourceVersion": resource_version,
                "annotations": {DRAIN_HEARTBEAT: value},
            },
        });
        let result = api
            .patch(node, &write_patch(), &kube::api::Patch::Merge(patch))
            .await;
        self.guarded(result, &format!("write the drain heartbeat on node {node}"))
    }
}
