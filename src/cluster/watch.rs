//! Watches, reduced to wake-ups for the commands that wait (`ops::Waker`).

use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Node, PersistentVolumeClaim, Pod};
use kube::api::{Api, WatchEvent, WatchParams};
use kube::Resource;
use serde::de::DeserializeOwned;

use super::Cluster;

/// A watch reduced to "something changed": waits re-read the state they decide on with GETs,
/// so a watch only wakes them (see `ops::Waker`).
pub type Changes = BoxStream<'static, ()>;

impl Cluster {
    /// Changes of one StatefulSet (by name) and of the pods `selector` matches.
    pub fn watch_set_and_pods(&self, ns: &str, set: &str, selector: &str) -> Vec<Changes> {
        vec![
            changes(
                Api::<StatefulSet>::namespaced(self.client.clone(), ns),
                WatchParams::default().fields(&format!("metadata.name={set}")),
            ),
            changes(
                Api::<Pod>::namespaced(self.client.clone(), ns),
                WatchParams::default().labels(selector),
            ),
        ]
    }

    /// Changes of what inspect shows: StatefulSets, pods and claims in a namespace (or all), and nodes.
    pub fn watch_inspected(&self, ns: Option<&str>) -> Vec<Changes> {
        fn scoped<K>(c: &kube::Client, ns: Option<&str>) -> Api<K>
        where
            K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
            K::DynamicType: Default,
        {
            match ns {
                Some(n) => Api::namespaced(c.clone(), n),
                None => Api::all(c.clone()),
            }
        }
        let c = &self.client;
        let all = WatchParams::default;
        vec![
            changes(scoped::<StatefulSet>(c, ns), all()),
            changes(scoped::<Pod>(c, ns), all()),
            changes(scoped::<PersistentVolumeClaim>(c, ns), all()),
            changes(Api::<Node>::all(c.clone()), all()),
        ]
    }
}

const WATCH_BACKOFF_MIN: Duration = Duration::from_millis(250);
const WATCH_BACKOFF_MAX: Duration = Duration::from_secs(30);

/// A watch that keeps going: it resumes from the last resourceVersion it saw when the server
/// ends the stream, starts again from "0" (the current state, as ADDED events) after a 410,
/// and backs off (250 ms doubling to 30 s) after errors. An error is also a wake-up: the
/// waiter re-reads and finds out. (kube-rs's `runtime::watcher` does the same with a relist,
/// but brings json-patch and a state machine a wake-up does not need.)
fn changes<K>(api: Api<K>, params: WatchParams) -> Changes
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    struct State<K> {
        api: Api<K>,
        params: WatchParams,
        rv: String,
        backoff: Duration,
        events: Option<BoxStream<'static, kube::Result<WatchEvent<K>>>>,
    }
    impl<K> State<K> {
        async fn failed(mut self) -> Option<((), State<K>)> {
            self.events = None;
            tokio::time::sleep(self.backoff).await;
            self.backoff = (self.backoff * 2).min(WATCH_BACKOFF_MAX);
            Some(((), self))
        }
    }
    let start = State {
        api,
        params,
        rv: "0".to_string(),
        backoff: WATCH_BACKOFF_MIN,
        events: None,
    };
    futures::stream::unfold(start, |mut s| async move {
        loop {
            let Some(events) = s.events.as_mut() else {
                match s.api.watch(&s.params, &s.rv).await {
                    Ok(stream) => s.events = Some(stream.boxed()),
                    Err(_) => return s.failed().await,
                }
                continue;
            };
            match events.next().await {
                Some(Ok(
                    WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o),
                )) => {
                    if let Some(rv) = o.meta().resource_version.clone() {
                        s.rv = rv;
                    }
                    s.backoff = WATCH_BACKOFF_MIN;
                    return Some(((), s));
                }
                Some(Ok(WatchEvent::Bookmark(b))) => s.rv = b.metadata.resource_version,
                Some(Ok(WatchEvent::Error(e))) => {
                    if e.code == 410 {
                        s.rv = "0".to_string();
                    }
                    return s.failed().await;
                }
                Some(Err(_)) => return s.failed().await,
                // the server ended the watch (its timeout): resume where it was
                None => s.events = None,
            }
        }
    })
    .boxed()
}
