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

    /// Changes of one pod (by name, through its deletion and re-creation) and of one node: what
    /// a drained pod's wait decides on.
    pub fn watch_pod_and_node(&self, ns: &str, pod: &str, node: &str) -> Vec<Changes> {
        vec![
            changes(
                Api::<Pod>::namespaced(self.client.clone(), ns),
                WatchParams::default().fields(&format!("metadata.name={pod}")),
            ),
            changes(
                Api::<Node>::all(self.client.clone()),
                WatchParams::default().fields(&format!("metadata.name={node}")),
            ),
        ]
    }

    /// Changes of the pods bound to one node (every namespace) and of the node: what the end of
    /// a drain waits on (pods terminating there).
    pub fn watch_node_pods(&self, node: &str) -> Vec<Changes> {
        vec![
            changes(
                Api::<Pod>::all(self.client.clone()),
                WatchParams::default().fields(&format!("spec.nodeName={node}")),
            ),
            changes(
                Api::<Node>::all(self.client.clone()),
                WatchParams::default().fields(&format!("metadata.name={node}")),
            ),
        ]
    }

    /// Changes of what inspect shows: StatefulSets, pods and claims in a namespace (or all), and nodes.
    pub fn watch_inspected(&self, ns: Option<&str>) -> Vec<Changes> {
        use super::scoped;
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
pub(super) fn changes<K>(api: Api<K>, params: WatchParams) -> Changes
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    struct State<K> {
        api: Api<K>,
        params: WatchParams,
        rv: String,
        backoff: Duration,
        events: Option<BoxStream<'static, kube::Result<WatchEvent<K>>>>,
        /// Whether the current stream has delivered anything (bookmarks included).
        delivered: bool,
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
        delivered: false,
    };
    futures::stream::unfold(start, |mut s| async move {
        loop {
            let Some(events) = s.events.as_mut() else {
                match s.api.watch(&s.params, &s.rv).await {
                    Ok(stream) => {
                        s.events = Some(stream.boxed());
                        s.delivered = false;
                    }
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
                    s.delivered = true;
                    return Some(((), s));
                }
                Some(Ok(WatchEvent::Bookmark(b))) => {
                    s.rv = b.metadata.resource_version;
                    s.delivered = true;
                }
                Some(Ok(WatchEvent::Error(e))) => {
                    if e.code == 410 {
                        s.rv = "0".to_string();
                    }
                    return s.failed().await;
                }
                Some(Err(_)) => return s.failed().await,
                // the server ended the watch (its timeout): resume where it was, at once if the
                // stream was alive, after a back-off if it ended empty (no tight loop against a
                // server that closes every watch)
                None if s.delivered => s.events = None,
                None => return s.failed().await,
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::cluster::ConnectOptions;

    /// A server (a broken proxy) that answers every request, watches included, with an empty
    /// 200 and closes: the watch must back off, not spin.
    #[test]
    fn a_watch_that_ends_empty_backs_off() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let kc = dir.path().join("kubeconfig");
        std::fs::write(
            &kc,
            format!("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://{addr}\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\nusers:\n- name: u\n  user: {{}}\n"),
        )
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let cluster = Cluster::connect(&ConnectOptions {
                kubeconfig: Some(kc),
                ..Default::default()
            })
            .await
            .unwrap();
            let mut stream =
                futures::stream::select_all(cluster.watch_set_and_pods("ns", "web", "app=web"));
            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                while stream.next().await.is_some() {}
            })
            .await;
        });
        // two watches backing off 250 ms, 500 ms, 1 s within 2 s: a handful each
        let n = requests.load(Ordering::SeqCst);
        assert!((2..=12).contains(&n), "{n} watch requests in 2 s");
    }
}
