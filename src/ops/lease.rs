//! The per-StatefulSet disruption Lease's loop (decisions in `model::lease`): take it before a
//! pod of the set is taken down — waiting, bounded by the command's `--timeout`, while another
//! process of this tool holds it —, renew it in the background while the command works and
//! waits, say before each write whether it is still held, and release it at the end (also on
//! an error or Ctrl-C: the CLI releases whatever is still held, behind uid and resourceVersion).
//!
//! Which commands take it: those that take a pod of a set down — `drain` (each set, before its
//! first eviction, until its last replacement is available), `scale` to fewer replicas,
//! `rollout apply|repair|restart`. Not `recover` and `force-delete`: they act only on a pod
//! already down (its node proven dead), bring it back rather than take one down, and must not
//! wait behind a maintenance in an emergency; nor `resize-storage`, whose pods keep running.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Waker;
use crate::cluster::{Cluster, Guarded};
use crate::error::Error;
use crate::model::lease::{
    desired, held_refusal, identity, lease_name, renew_deadline, renew_every, standing, Heartbeat,
    Holding, LeaseRecord, Standing, DRAIN_HEARTBEAT,
};
use crate::progress::Progress;

/// How this process takes Leases.
#[derive(Debug, Clone)]
pub struct LeaseOptions {
    /// `leaseDurationSeconds` written (`KUBECTL_STS_LEASE_DURATION`, default 15 s).
    pub duration: Duration,
    /// `--break-lease HOLDER`: take the Lease over from exactly this holder without waiting.
    pub break_lease: Option<String>,
    /// What this process does with the sets (`kubectl sts drain node n2`), for waiters.
    pub purpose: String,
}

impl LeaseOptions {
    pub fn new(purpose: impl Into<String>) -> LeaseOptions {
        LeaseOptions {
            duration: crate::model::lease::DEFAULT_DURATION,
            break_lease: None,
            purpose: purpose.into(),
        }
    }
}

/// A Lease this process holds, renewed by a task of its own.
struct Held {
    state: Arc<Mutex<HeldState>>,
    renewer: tokio::task::JoinHandle<()>,
}

struct HeldState {
    /// The Lease as last written by this process.
    record: LeaseRecord,
    /// When a renewal last succeeded (this process's monotonic clock).
    renewed: Instant,
    /// Why it is no longer held (taken over, deleted, not renewed in time).
    lost: Option<String>,
}

/// The Leases of one run of a command, and the heartbeats of the nodes it drains.
pub struct Leases {
    cluster: Cluster,
    me: String,
    opts: LeaseOptions,
    held: Mutex<BTreeMap<(String, String), Held>>,
    /// Nodes whose drain heartbeat this process renews, with the task that renews it.
    beating: Mutex<Vec<(String, tokio::task::JoinHandle<()>)>>,
}

impl Leases {
    pub fn new(cluster: &Cluster, opts: LeaseOptions) -> Leases {
        Leases {
            cluster: cluster.clone(),
            me: holder_identity(),
            opts,
            held: Mutex::new(BTreeMap::new()),
            beating: Mutex::new(vec![]),
        }
    }

    /// This process's holder identity.
    pub fn me(&self) -> &str {
        &self.me
    }

    fn holding<'a>(&'a self, ns: &'a str, set: &'a str) -> Holding<'a> {
        Holding {
            namespace: ns,
            set,
            me: &self.me,
            purpose: &self.opts.purpose,
            duration: self.opts.duration,
        }
    }

    /// Takes the set's Lease: Ok(Ok) once held (at once when it is free or already ours),
    /// Ok(Err(refusal)) when it is held by another live process for longer than `timeout`
    /// (nothing was written), or when breaking it met a renewal.
    pub async fn acquire(
        &self,
        ns: &str,
        set: &str,
        timeout: Duration,
        log: &mut Progress<'_>,
    ) -> Result<Result<(), String>, Error> {
        if self.holds(ns, set) {
            return Ok(self.check(ns, set));
        }
        let started = Instant::now();
        let mut seen = None;
        let mut waker: Option<Waker> = None;
        let holding = self.holding(ns, set);
        loop {
            let lease = self.cluster.set_lease(ns, set).await?;
            let st = standing(
                lease.as_ref(),
                &self.me,
                &mut seen,
                Instant::now(),
                self.opts.duration,
            );
            let now = jiff::Timestamp::now();
            let (written, note) = match (&st, &lease) {
                (Standing::Absent, _) => (
                    self.cluster
                        .create_lease(ns, &desired(&holding, None, now))
                        .await?,
                    None,
                ),
                (Standing::Free | Standing::Ours, Some(l)) => (
                    self.cluster
                        .update_lease(ns, &desired(&holding, Some(l), now))
                        .await?,
                    None,
                ),
                (Standing::Expired { unchanged_for }, Some(l)) => (
                    self.cluster
                        .update_lease(ns, &desired(&holding, Some(l), now))
                        .await?,
                    Some(format!(
                        "the disruption lease of statefulset {ns}/{set} held by {} was not renewed for {}s (as seen from here): its process is gone; taken over",
                        l.who(),
                        unchanged_for.as_secs()
                    )),
                ),
                (Standing::Held { .. }, Some(l))
                    if self.opts.break_lease.as_deref() == Some(l.holder.as_str()) =>
                {
                    // the break-glass: only from the holder named, and only the Lease as read
                    // (its resourceVersion): a renewal meanwhile means that holder is alive
                    match self
                        .cluster
                        .update_lease(ns, &desired(&holding, Some(l), now))
                        .await?
                    {
                        Guarded::Done(r) => {
                            log.done();
                            log.say(&format!(
                                "took the disruption lease of statefulset {ns}/{set} over from {} (--break-lease): that process stops before its next write if it still runs",
                                l.who()
                            ));
                            self.hold(ns, set, r);
                            return Ok(Ok(()));
                        }
                        Guarded::Conflict(_) => {
                            return Ok(Err(format!(
                                "the disruption lease of statefulset {ns}/{set} changed while --break-lease {} was taking it over: that process renewed it (it is alive) or another took it; nothing was taken down — run again to see who holds it now",
                                l.holder
                            )))
                        }
                        Guarded::Gone => continue,
                    }
                }
                (Standing::Held { unchanged_for, duration }, Some(l)) => {
                    if started.elapsed() >= timeout {
                        log.done();
                        return Ok(Err(held_refusal(
                            ns,
                            set,
                            l,
                            *unchanged_for,
                            started.elapsed(),
                        )));
                    }
                    log.waiting(
                        &format!(
                            "the disruption lease of statefulset {ns}/{set}, held by {} (renewed {}s ago as seen from here; taken over after {}s of silence)",
                            l.who(),
                            unchanged_for.as_secs(),
                            duration.as_secs()
                        ),
                        started,
                    );
                    let w = waker.get_or_insert_with(|| {
                        Waker::from_streams(
                            self.cluster.watch_lease(ns, set),
                            Some(self.opts.duration.min(Duration::from_secs(4)) / 4),
                        )
                    });
                    w.changed().await;
                    continue;
                }
                // a standing other than Absent always comes with the Lease read
                (_, None) => continue,
            };
            match written {
                Guarded::Done(r) => {
                    log.done();
                    if let Some(n) = note {
                        log.say(&n);
                    }
                    self.hold(ns, set, r);
                    return Ok(Ok(()));
                }
                // another process created, renewed or took it between the read and the write:
                // look again (its holder is then waited for)
                Guarded::Conflict(_) | Guarded::Gone => continue,
            }
        }
    }

    pub fn holds(&self, ns: &str, set: &str) -> bool {
        self.held
            .lock()
            .map(|h| h.contains_key(&(ns.to_string(), set.to_string())))
            .unwrap_or(false)
    }

    /// Starts renewing a Lease just taken.
    fn hold(&self, ns: &str, set: &str, record: LeaseRecord) {
        let state = Arc::new(Mutex::new(HeldState {
            record,
            renewed: Instant::now(),
            lost: None,
        }));
        let renewer = tokio::spawn(renew(
            self.cluster.clone(),
            ns.to_string(),
            set.to_string(),
            self.me.clone(),
            self.opts.clone(),
            state.clone(),
        ));
        if let Ok(mut h) = self.held.lock() {
            h.insert((ns.to_string(), set.to_string()), Held { state, renewer });
        }
    }

    /// Before a write: Ok while this process holds the set's Lease (or never took it), Err(why)
    /// once it lost it — taken over, deleted, or not renewed within two thirds of its duration.
    pub fn check(&self, ns: &str, set: &str) -> Result<(), String> {
        let Ok(h) = self.held.lock() else {
            return Ok(());
        };
        let Some(held) = h.get(&(ns.to_string(), set.to_string())) else {
            return Ok(());
        };
        let Ok(s) = held.state.lock() else {
            return Ok(());
        };
        let lost = s.lost.clone().or_else(|| {
            let silent = s.renewed.elapsed();
            (silent >= renew_deadline(self.opts.duration))
                .then(|| format!("was not renewed for {}s", silent.as_secs()))
        });
        match lost {
            None => Ok(()),
            Some(why) => Err(format!(
                "the disruption lease of statefulset {ns}/{set} (coordination.k8s.io/{}) {why}: another process may be taking its pods down, so this one stopped before its next write",
                lease_name(set)
            )),
        }
    }

    /// Releases the set's Lease (deleted behind its uid and resourceVersion); a warning when it
    /// could not be (it then expires after its duration).
    pub async fn release(&self, ns: &str, set: &str) -> Option<String> {
        let held = self
            .held
            .lock()
            .ok()?
            .remove(&(ns.to_string(), set.to_string()))?;
        held.renewer.abort();
        let _ = held.renewer.await;
        let (record, lost) = match held.state.lock() {
            Ok(s) => (s.record.clone(), s.lost.is_some()),
            Err(_) => return None,
        };
        if lost {
            return None;
        }
        let mut record = record;
        // a renewal cut short by the abort may have been written: the Lease read again, and
        // deleted while it is still this process's
        for _ in 0..2 {
            match self.cluster.delete_lease(ns, set, &record).await {
                Ok(Guarded::Done(())) | Ok(Guarded::Gone) => return None,
                Ok(Guarded::Conflict(_)) => match self.cluster.set_lease(ns, set).await {
                    Ok(Some(now)) if now.holder == self.me => record = now,
                    Ok(_) => return None,
                    Err(e) => return Some(release_warning(ns, set, &e.to_string())),
                },
                Err(e) => return Some(release_warning(ns, set, &e.to_string())),
            }
        }
        Some(release_warning(ns, set, "it kept changing"))
    }

    /// Releases every Lease still held and ends every heartbeat (the end of a run, an error,
    /// Ctrl-C): the warnings.
    pub async fn release_all(&self) -> Vec<String> {
        let keys: Vec<(String, String)> = self
            .held
            .lock()
            .map(|h| h.keys().cloned().collect())
            .unwrap_or_default();
        let mut warnings = vec![];
        for (ns, set) in keys {
            warnings.extend(self.release(&ns, &set).await);
        }
        let beats: Vec<(String, tokio::task::JoinHandle<()>)> = self
            .beating
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default();
        for (node, task) in beats {
            task.abort();
            let _ = task.await;
            if let Err(e) = heartbeat(&self.cluster, &node, &self.me, None).await {
                warnings.push(format!(
                    "the drain heartbeat on node {node} could not be removed ({e}): kubectl sts uncordon finds it stale after it stops changing"
                ));
            }
        }
        warnings
    }

    /// Writes this process's drain heartbeat on `node` now and renews it every third of the
    /// Lease duration until [`Leases::release_all`]: `uncordon` refuses while it changes.
    pub async fn beat_node(&self, node: &str) -> Result<(), Error> {
        let every = renew_every(self.opts.duration);
        let beat = Heartbeat {
            holder: self.me.clone(),
            renew_time: String::new(),
            renew_every_seconds: every.as_secs().max(1),
        };
        heartbeat(&self.cluster, node, &self.me, Some(&beat)).await?;
        let (cluster, name, me) = (self.cluster.clone(), node.to_string(), self.me.clone());
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                // a failed renewal is tried at the next beat; uncordon allows two to go missing
                let _ = heartbeat(&cluster, &name, &me, Some(&beat)).await;
            }
        });
        if let Ok(mut b) = self.beating.lock() {
            b.push((node.to_string(), task));
        }
        Ok(())
    }
}

/// Writes (`beat`: its renewTime now, on this machine's clock) or removes (None: only while it
/// is this process's) the drain heartbeat on `node`, behind the node's resourceVersion, a few
/// times over the kubelet's status writes. A node that is no longer cordoned gets no heartbeat:
/// its drain stops.
async fn heartbeat(
    cluster: &Cluster,
    node: &str,
    me: &str,
    beat: Option<&Heartbeat>,
) -> Result<(), Error> {
    for _ in 0..super::retry::CONFLICT_ATTEMPTS {
        let n = cluster.get_node(node).await?;
        let current = n
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(DRAIN_HEARTBEAT));
        let value = match beat {
            Some(_) if n.spec.as_ref().and_then(|s| s.unschedulable) != Some(true) => return Ok(()),
            Some(b) => Some(
                Heartbeat {
                    renew_time: jiff::Timestamp::now().to_string(),
                    ..b.clone()
                }
                .value(),
            ),
            None if current.is_none_or(|v| Heartbeat::parse(v).holder != me) => return Ok(()),
            None => None,
        };
        let rv = n.metadata.resource_version.clone().unwrap_or_default();
        match cluster
            .set_drain_heartbeat(node, &rv, value.as_deref())
            .await?
        {
            Guarded::Done(_) | Guarded::Gone => return Ok(()),
            Guarded::Conflict(_) => continue,
        }
    }
    Ok(())
}

fn release_warning(ns: &str, set: &str, why: &str) -> String {
    format!(
        "the disruption lease of statefulset {ns}/{set} (coordination.k8s.io/{}) could not be released ({why}): other kubectl-sts processes take it once it has not been renewed for its duration",
        lease_name(set)
    )
}

/// Renews a held Lease every third of its duration until it is lost (then says why and ends)
/// or the task is aborted (released).
async fn renew(
    cluster: Cluster,
    ns: String,
    set: String,
    me: String,
    opts: LeaseOptions,
    state: Arc<Mutex<HeldState>>,
) {
    let every = renew_every(opts.duration);
    let deadline = renew_deadline(opts.duration);
    let holding = Holding {
        namespace: &ns,
        set: &set,
        me: &me,
        purpose: &opts.purpose,
        duration: opts.duration,
    };
    let lose = |why: String| {
        if let Ok(mut s) = state.lock() {
            s.lost = Some(why);
        }
    };
    let mut pause = every;
    loop {
        tokio::time::sleep(pause).await;
        let Ok((current, renewed)) = state.lock().map(|s| (s.record.clone(), s.renewed)) else {
            return;
        };
        if renewed.elapsed() >= deadline {
            return lose(format!(
                "was not renewed for {}s",
                renewed.elapsed().as_secs()
            ));
        }
        let lease = desired(&holding, Some(&current), jiff::Timestamp::now());
        pause = every;
        match cluster.update_lease(&ns, &lease).await {
            Ok(Guarded::Done(r)) => {
                if let Ok(mut s) = state.lock() {
                    s.record = r;
                    s.renewed = Instant::now();
                }
            }
            // someone else wrote it: still ours (a label edited) is renewed on the fresh
            // version at once; another holder took it over
            Ok(Guarded::Conflict(_)) => match cluster.set_lease(&ns, &set).await {
                Ok(Some(now)) if now.holder == me => {
                    if let Ok(mut s) = state.lock() {
                        s.record = now;
                    }
                    pause = Duration::ZERO;
                }
                Ok(Some(now)) => return lose(format!("was taken over by {}", now.who())),
                Ok(None) => return lose("was deleted by someone else".into()),
                Err(_) => pause = Duration::from_secs(1).min(every),
            },
            Ok(Guarded::Gone) => return lose("was deleted by someone else".into()),
            // a failed request is tried again soon; the deadline above ends it
            Err(_) => pause = Duration::from_secs(1).min(every),
        }
    }
}

/// `user@host:pid:random` for this process (see `model::lease::identity`).
fn holder_identity() -> String {
    use std::hash::{BuildHasher, Hasher};
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let host = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    // a random part: std's per-process random hash keys, mixed with the time
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    identity(&user, &host, std::process::id(), h.finish())
}
