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

/// Wakes a waiting loop when the set or its pods change (watches), or after
/// `fallback` at the latest: state is always re-read with GETs, so a watch that
/// is denied or cut only makes the wait poll instead.
pub struct Waker {
    events: BoxStream<'static, ()>,
    fallback: Duration,
}

impl Waker {
    pub fn new(cluster: &Cluster, ns: &str, set: &str, selector: &str) -> Waker {
        let sets: Api<StatefulSet> = Api::namespaced(cluster.client.clone(), ns);
        let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), ns);
        let set_events = watcher(
            sets,
            watcher::Config::default().fields(&format!("metadata.name={set}")),
        )
        .default_backoff()
        .map(|_| ());
        let pod_events = watcher(pods, watcher::Config::default().labels(selector))
            .default_backoff()
            .map(|_| ());
        Waker {
            events: futures::stream::select(set_events, pod_events).boxed(),
            fallback: Duration::from_secs(2),
        }
    }

    /// Returns after the next change (and a short debounce of the burst it starts),
    /// or after the fallback interval.
    pub async fn changed(&mut self) {
        if tokio::time::timeout(self.fallback, self.events.next())
            .await
            .is_ok()
        {
            let _ = tokio::time::timeout(Duration::from_millis(150), async {
                while self.events.next().await.is_some() {}
            })
            .await;
        }
    }
}
