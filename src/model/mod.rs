//! Plain data and pure decisions: the snapshot fetched from the API, and the
//! per-ordinal join and diagnosis built from it. Nothing here does I/O.

pub mod force;
pub mod health;
pub mod inspect;
pub mod recover;
pub mod resize;
pub mod rollout;
pub mod scale;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::storage::v1::VolumeAttachment;

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
    pub claims: Vec<PersistentVolumeClaim>,
    pub volumes: Access<Vec<PersistentVolume>>,
    pub nodes: Access<Vec<Node>>,
    pub attachments: Access<Vec<VolumeAttachment>>,
    pub service: ServiceLookup,
    pub now: jiff::Timestamp,
}

/// Every StatefulSet of a namespace (or the cluster) and the objects their joins read, as
/// fetched for the overview: one list per kind, each object once (never copied per set).
#[derive(Debug, Clone)]
pub struct Fleet {
    pub sets: Vec<StatefulSet>,
    pub pods: Vec<Pod>,
    pub claims: Vec<PersistentVolumeClaim>,
    pub services: Access<Vec<Service>>,
    pub volumes: Access<Vec<PersistentVolume>>,
    pub nodes: Access<Vec<Node>>,
    pub attachments: Access<Vec<VolumeAttachment>>,
    pub now: jiff::Timestamp,
}
