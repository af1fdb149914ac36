//! The mutating commands' imperative shells: fetch (through `cluster`), decide
//! (through the pure functions in `model`), act behind preconditions, wait,
//! and report. Progress lines go to an injected writer (stderr); the result is
//! a serializable report the CLI renders.

pub mod drain;
pub mod force_delete;
pub mod gate;
pub mod lease;
pub mod recover;
pub mod resize;
pub mod retry;
pub mod rollout;
pub mod scale;

use std::sync::Mutex;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::StreamExt;

use crate::cluster::{Changes, Cluster};

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
        Waker::from_streams(
            cluster.watch_set_and_pods(ns, set, selector),
            Some(Duration::from_secs(2)),
        )
    }

    pub fn from_streams(streams: Vec<Changes>, fallback: Option<Duration>) -> Waker {
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

/// What has been written so far and what is left, readable when the command is interrupted
/// (the CLI's Ctrl-C handler reads it while the run is abandoned).
#[derive(Default)]
pub struct Journal {
    inner: Mutex<(Vec<String>, String)>,
}

impl Journal {
    pub fn wrote(&self, what: &str) {
        if let Ok(mut j) = self.inner.lock() {
            j.0.push(what.to_string());
        }
    }

    pub fn left(&self, what: &str) {
        if let Ok(mut j) = self.inner.lock() {
            j.1 = what.to_string();
        }
    }

    /// An error met after this run wrote something says what was written, what is left, and
    /// `go_on` (how to continue): the operator must not have to guess from a bare API error
    /// whether the node is still cordoned or the set already deleted. Before any write the
    /// error is left as it is.
    pub fn after_writes(
        &self,
        e: crate::error::Error,
        what: &str,
        go_on: &str,
    ) -> crate::error::Error {
        let wrote = self.inner.lock().map(|j| !j.0.is_empty()).unwrap_or(false);
        if !wrote {
            return e;
        }
        let summary = self.summary();
        // what is left may say how to go on already
        if summary.contains("run the same command again") {
            e.with_hint(&format!("{what}: {summary}"))
        } else {
            e.with_hint(&format!("{what}: {summary}; {go_on}"))
        }
    }

    /// One sentence for the interruption's error line.
    pub fn summary(&self) -> String {
        let Ok(j) = self.inner.lock() else {
            return String::new();
        };
        let wrote = if j.0.is_empty() {
            "nothing was written".to_string()
        } else {
            format!("written: {}", j.0.join("; "))
        };
        if j.1.is_empty() {
            wrote
        } else {
            format!("{wrote}; left: {}", j.1)
        }
    }
}
