//! The mutating commands' imperative shells: fetch (through `cluster`), decide
//! (through the pure functions in `model`), act behind preconditions, wait,
//! and report. Progress lines go to an injected writer (stderr); the result is
//! a serializable report the CLI renders.

pub mod force_delete;
pub mod scale;

use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::{watcher, WatchStreamExt};
use kube::Api;

use crate::cluster::Cluster;

/// Wakes a waiting loop when watched objects change, or after `fallback` at the
/// latest: state is always re-read with GETs, so a watch that is denied or cut only
/// makes the wait poll instead. Also drives `inspect --watch` (no fallback).
pub struct Waker {
    events: BoxStream<'static, ()>,
    fallback: Option<Duration>,
}

/// A burst of changes (a pod going Terminating, the set's status, endpoints) is one wake-up.
const DEBOUNCE: Duration = Duration::from_millis(200);

impl Waker {
    /// Watches on the set (by name) and its pods (by `selector`), with a 2 s fallback poll.
    pub fn new(cluster: &Cluster, ns: &str, set: &str, selector: &str) -> Waker {
        let sets: Api<StatefulSet> = Api::namespaced(cluster.client.clone(), ns);
        let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), ns);
        Waker::from_streams(
            vec![
                changes(
                    sets,
                    watcher::Config::default().fields(&format!("metadata.name={set}")),
                ),
                changes(pods, watcher::Config::default().labels(selector)),
            ],
            Some(Duration::from_secs(2)),
        )
    }

    pub fn from_streams(streams: Vec<BoxStream<'static, ()>>, fallback: Option<Duration>) -> Waker {
        Waker {
            events: futures::stream::select_all(streams).boxed(),
            fallback,
        }
    }

    /// Returns after the next change (and the burst it starts) or the fallback
    /// interval; false once every stream has ended (only without a fallback).
    pub async fn changed(&mut self) -> bool {
        let next = match self.fallback {
            Some(f) => tokio::time::timeout(f, self.events.next())
                .await
                .unwrap_or(Some(())),
            None => self.events.next().await,
        };
        if next.is_none() {
            return self.fallback.is_some();
        }
        let _ = tokio::time::timeout(DEBOUNCE, async {
            while self.events.next().await.is_some() {}
        })
        .await;
        true
    }
}

/// A watcher's events as bare wake-ups (errors included: they back off, then retry).
pub fn changes<K>(api: Api<K>, config: watcher::Config) -> BoxStream<'static, ()>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
{
    watcher(api, config).default_backoff().map(|_| ()).boxed()
}
