//! The per-StatefulSet disruption Lease as pure decisions: its name, who holds it, and when a
//! waiter may take it.
//!
//! "Never two pods of one set down" holds inside one process by construction; across
//! processes of this tool (two drains on two nodes, a drain beside `rollout apply` or `scale`)
//! the processes order themselves with a `coordination.k8s.io/v1` Lease per set, in the set's
//! namespace ([`lease_name`]), taken before a pod of the set is taken down, renewed while the
//! command waits, and released at its end. Not an annotation on the set: that would bump its
//! resourceVersion under every guarded write of the set, collide with resize's preconditioned
//! orphan delete and be copied into saved sets. The Lease orders only this tool's processes:
//! beside `kubectl drain` or an autoscaler a PodDisruptionBudget is the arbiter.
//!
//! Expiry as client-go's leader election judges it (k8s.io/client-go/tools/leaderelection,
//! `tryAcquireOrRenew`: `observedRecord`/`observedTime`, `isLeaseValid`): a waiter never
//! compares the holder's `renewTime` with its own wall clock (clocks differ between machines);
//! it remembers the Lease as it last saw it and when, on its own monotonic clock, and may take
//! it only once it stayed unchanged — the same `resourceVersion` — for the holder's
//! `leaseDurationSeconds`, by an update that carries that resourceVersion (a 409 means another
//! process won). A holder renews every third of that duration and gives the Lease up when it
//! could not renew for two thirds of it (client-go's RenewDeadline below LeaseDuration), so it
//! stops before a waiter can take it.

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};

/// Every Lease of this tool is named this, then the set's name.
pub const LEASE_PREFIX: &str = "kubectl-sts.";
/// Label (when the name fits a label value) and annotation (always) naming the set.
pub const SET_KEY: &str = "kubectl-sts.io/statefulset";
/// Annotation: what the holder does with the set (`kubectl sts drain node n2`), for the
/// waiters' messages.
pub const PURPOSE: &str = "kubectl-sts.io/purpose";
/// `app.kubernetes.io/managed-by` on every Lease of this tool.
pub const MANAGED_BY: &str = "kubectl-sts";

/// client-go's documented default `LeaseDuration` (and kube-controller-manager's
/// `--leader-elect-lease-duration`): how long a waiter watches a silent Lease before taking it.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(15);

/// The longest a name may be (a DNS-1123 subdomain, as `ValidateLeaseName`).
const NAME_MAX: usize = 253;
/// The longest label value.
const LABEL_VALUE_MAX: usize = 63;

/// The Lease of the set `set` (a DNS-1123 subdomain, as StatefulSet names are): `kubectl-sts.`
/// and the name, which is a subdomain too. A set name longer than 241 characters leaves no room:
/// it is cut, and the sha256 of the whole name (8 hex digits) keeps two such sets apart.
pub fn lease_name(set: &str) -> String {
    let full = format!("{LEASE_PREFIX}{set}");
    if full.len() <= NAME_MAX {
        return full;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(set.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let room = NAME_MAX - LEASE_PREFIX.len() - 1 - hash.len();
    // a subdomain's labels end with a letter or digit: a cut that ends on '.' or '-' is trimmed
    let cut = set[..room].trim_end_matches(['.', '-']);
    format!("{LEASE_PREFIX}{cut}-{hash}")
}

/// This process's holder identity: who, where, which process, and a random part so that two
/// processes with the same pid (two machines, a container restarted) never share one.
pub fn identity(user: &str, host: &str, pid: u32, random: u64) -> String {
    let clean = |s: &str, none: &str| -> String {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .take(64)
            .collect();
        if s.is_empty() {
            none.to_string()
        } else {
            s
        }
    };
    format!(
        "{}@{}:{pid}:{:08x}",
        clean(user, "unknown"),
        clean(host, "unknown-host"),
        random as u32
    )
}

/// A Lease as read: what the decisions need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRecord {
    pub uid: String,
    pub resource_version: String,
    /// `holderIdentity`; empty: nobody holds it.
    pub holder: String,
    pub duration_seconds: Option<i32>,
    /// When the holder took it, by the holder's clock (said, never compared).
    pub acquire_time: Option<jiff::Timestamp>,
    /// When the holder last renewed it, by the holder's clock (said, never compared).
    pub renew_time: Option<jiff::Timestamp>,
    pub transitions: i32,
    /// What the holder does with the set ([`PURPOSE`]), when it says.
    pub purpose: String,
}

impl LeaseRecord {
    pub fn from_lease(l: &Lease) -> LeaseRecord {
        let spec = l.spec.clone().unwrap_or_default();
        LeaseRecord {
            uid: l.metadata.uid.clone().unwrap_or_default(),
            resource_version: l.metadata.resource_version.clone().unwrap_or_default(),
            holder: spec.holder_identity.unwrap_or_default(),
            duration_seconds: spec.lease_duration_seconds,
            acquire_time: spec.acquire_time.map(|t| t.0),
            renew_time: spec.renew_time.map(|t| t.0),
            transitions: spec.lease_transitions.unwrap_or(0),
            purpose: l
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(PURPOSE))
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The holder's own duration (what it promised to renew within); `default` when it states
    /// none (never 0: a Lease that says 0 would otherwise be taken at once).
    pub fn duration(&self, default: Duration) -> Duration {
        match self.duration_seconds {
            Some(s) if s > 0 => Duration::from_secs(s as u64),
            _ => default,
        }
    }

    /// "HOLDER (PURPOSE)" for messages.
    pub fn who(&self) -> String {
        if self.purpose.is_empty() {
            self.holder.clone()
        } else {
            format!("{} ({})", self.holder, self.purpose)
        }
    }
}

/// What a waiter last saw of a Lease and since when, on its own monotonic clock (client-go's
/// `observedRecord` and `observedTime`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The resourceVersion seen (None: no Lease).
    pub resource_version: Option<String>,
    pub since: Instant,
}

/// Where a Lease stands for this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// There is no Lease: create it (an AlreadyExists means another process won).
    Absent,
    /// It exists and nobody holds it (released): take it by an update carrying its
    /// resourceVersion.
    Free,
    /// This process holds it.
    Ours,
    /// Another process holds it and renewed it (its resourceVersion changed) within its
    /// duration, as observed here: wait.
    Held {
        /// How long it has stayed unchanged, as observed here.
        unchanged_for: Duration,
        /// The holder's duration: how long it must stay unchanged before it may be taken.
        duration: Duration,
    },
    /// Another process holds it, and it stayed unchanged for the holder's whole duration on
    /// this process's clock: the holder is gone; take it over by an update carrying the
    /// resourceVersion observed.
    Expired { unchanged_for: Duration },
}

/// Records `lease` as seen at `now`: a different resourceVersion (or a Lease appearing or
/// going) starts the observation afresh. Returns for how long it has been unchanged.
pub fn observe(
    lease: Option<&LeaseRecord>,
    seen: &mut Option<Observation>,
    now: Instant,
) -> Duration {
    let rv = lease.map(|l| l.resource_version.clone());
    match seen {
        Some(o) if o.resource_version == rv => now.saturating_duration_since(o.since),
        _ => {
            *seen = Some(Observation {
                resource_version: rv,
                since: now,
            });
            Duration::ZERO
        }
    }
}

/// Where `lease` stands for the process `me`, observed at `now` (see [`observe`]); `default`:
/// the duration of a Lease that states none. Renew and wall-clock times play no part.
pub fn standing(
    lease: Option<&LeaseRecord>,
    me: &str,
    seen: &mut Option<Observation>,
    now: Instant,
    default: Duration,
) -> Standing {
    let unchanged_for = observe(lease, seen, now);
    let Some(l) = lease else {
        return Standing::Absent;
    };
    if l.holder.is_empty() {
        return Standing::Free;
    }
    if l.holder == me {
        return Standing::Ours;
    }
    let duration = l.duration(default);
    if unchanged_for >= duration {
        Standing::Expired { unchanged_for }
    } else {
        Standing::Held {
            unchanged_for,
            duration,
        }
    }
}

/// How often a holder renews: a third of its duration (at least every second), so that two
/// renewals may fail before the holder gives the Lease up.
pub fn renew_every(duration: Duration) -> Duration {
    (duration / 3).max(Duration::from_millis(500))
}

/// How long a holder may go without a successful renewal before it gives the Lease up (stops
/// before its next write): two thirds of its duration, less than a waiter's wait — client-go's
/// RenewDeadline below LeaseDuration.
pub fn renew_deadline(duration: Duration) -> Duration {
    duration * 2 / 3
}

/// What the Lease says about whom it guards: written on every acquisition.
pub struct Holding<'a> {
    pub namespace: &'a str,
    pub set: &'a str,
    pub me: &'a str,
    pub purpose: &'a str,
    pub duration: Duration,
}

/// The Lease that `holding` writes at `now` (its clock; said, never compared): a fresh one
/// (`previous` None: create), a takeover or a renewal of `previous` (an update carrying its
/// resourceVersion). A renewal keeps `acquireTime` and the transitions; a takeover counts one
/// more transition and starts a new `acquireTime`.
pub fn desired(holding: &Holding, previous: Option<&LeaseRecord>, now: jiff::Timestamp) -> Lease {
    let renewal = previous.is_some_and(|p| p.holder == holding.me);
    let acquire_time = match previous {
        Some(p) if renewal => p.acquire_time.unwrap_or(now),
        _ => now,
    };
    let transitions = match previous {
        None => 0,
        Some(p) if renewal => p.transitions,
        Some(p) => p.transitions.saturating_add(1),
    };
    let mut labels = std::collections::BTreeMap::from([(
        "app.kubernetes.io/managed-by".to_string(),
        MANAGED_BY.to_string(),
    )]);
    if holding.set.len() <= LABEL_VALUE_MAX {
        // a subdomain of at most 63 characters is a valid label value
        labels.insert(SET_KEY.to_string(), holding.set.to_string());
    }
    let annotations = std::collections::BTreeMap::from([
        (SET_KEY.to_string(), holding.set.to_string()),
        (PURPOSE.to_string(), holding.purpose.to_string()),
    ]);
    Lease {
        metadata: ObjectMeta {
            name: Some(lease_name(holding.set)),
            namespace: Some(holding.namespace.to_string()),
            resource_version: previous.map(|p| p.resource_version.clone()),
            labels: Some(labels),
            annotations: Some(annotations),
            ..Default::default()
        },
        spec: Some(LeaseSpec {
            holder_identity: Some(holding.me.to_string()),
            lease_duration_seconds: Some(
                i32::try_from(holding.duration.as_secs().max(1)).unwrap_or(i32::MAX),
            ),
            acquire_time: Some(MicroTime(acquire_time)),
            renew_time: Some(MicroTime(now)),
            lease_transitions: Some(transitions),
            ..Default::default()
        }),
    }
}

/// The refusal when the Lease could not be taken within the command's `--timeout`: who holds
/// it, since when (its clock), that it is alive (renewed within its duration as seen here),
/// how long this process waited, and the break-glass.
pub fn held_refusal(
    ns: &str,
    set: &str,
    lease: &LeaseRecord,
    unchanged_for: Duration,
    waited: Duration,
) -> String {
    let since = lease
        .acquire_time
        .map(|t| format!(" since {} (its clock)", t.strftime("%Y-%m-%dT%H:%M:%SZ")))
        .unwrap_or_default();
    format!(
        "statefulset {ns}/{set} is being disrupted by {}{since}: its lease coordination.k8s.io/{} was renewed {}s ago (as seen from here), so that process is alive; waited {}s (--timeout) and took no pod down. Run again once it is done; if that process is gone for good and its lease is still renewed (a hung process), pass --break-lease {} to take the lease over (it stops before its next write)",
        lease.who(),
        lease_name(set),
        unchanged_for.as_secs(),
        waited.as_secs(),
        lease.holder
    )
}

/// The node annotation a running drain renews (see [`Heartbeat`]).
pub const DRAIN_HEARTBEAT: &str = "kubectl-sts.io/drain-heartbeat";

/// A drain's heartbeat on its node: who drains it and how often it renews. `uncordon` refuses
/// while it is fresh — while its value changes, as observed here (the renew time is the
/// drain's clock, never compared with this one's).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    pub holder: String,
    /// The drain's clock: what makes each renewal a change.
    pub renew_time: String,
    pub renew_every_seconds: u64,
}

impl Heartbeat {
    pub fn value(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The annotation's value read back; a value this tool did not write is a heartbeat of
    /// nobody known, renewed every 10 s.
    pub fn parse(value: &str) -> Heartbeat {
        serde_json::from_str(value).unwrap_or(Heartbeat {
            holder: value.chars().take(80).collect(),
            renew_time: String::new(),
            renew_every_seconds: 10,
        })
    }

    /// How long an unchanged heartbeat is watched before it counts as stale: two renewals
    /// missed, and a second for the reads.
    pub fn watch_for(&self) -> Duration {
        Duration::from_secs(self.renew_every_seconds.clamp(1, 300) * 2 + 1)
    }
}

/// A heartbeat judged by observation: `first` as read at the start, `now` as read `watched`
/// later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pulse {
    /// It changed: a drain is running on the node.
    Fresh(Heartbeat),
    /// Gone meanwhile: the drain ended.
    Gone,
    /// Unchanged for longer than two renewals: its drain is gone.
    Stale(Heartbeat),
    /// Unchanged so far: watch on.
    Watching,
}

pub fn pulse(first: &str, now: Option<&str>, watched: Duration) -> Pulse {
    match now {
        None => Pulse::Gone,
        Some(v) if v != first => Pulse::Fresh(Heartbeat::parse(v)),
        Some(v) => {
            let h = Heartbeat::parse(v);
            if watched >= h.watch_for() {
                Pulse::Stale(h)
            } else {
                Pulse::Watching
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(rv: &str, holder: &str, duration: Option<i32>) -> LeaseRecord {
        LeaseRecord {
            uid: "u1".into(),
            resource_version: rv.into(),
            holder: holder.into(),
            duration_seconds: duration,
            acquire_time: None,
            renew_time: None,
            transitions: 0,
            purpose: String::new(),
        }
    }

    const D: Duration = DEFAULT_DURATION;

    #[test]
    fn the_name_is_the_sets_with_a_prefix_and_stays_a_subdomain_when_long() {
        assert_eq!(lease_name("web"), "kubectl-sts.web");
        assert_eq!(lease_name("db.main"), "kubectl-sts.db.main");
        let just = "a".repeat(241);
        assert_eq!(lease_name(&just).len(), 253);
        assert_eq!(lease_name(&just), format!("kubectl-sts.{just}"));
        // 253 characters: cut, hashed, still ending on an alphanumeric
        let long = format!("{}.{}", "a".repeat(231), "b".repeat(21));
        let other = format!("{}.{}", "a".repeat(231), "c".repeat(21));
        let (n, m) = (lease_name(&long), lease_name(&other));
        assert!(n.len() <= 253 && m.len() <= 253, "{n}");
        assert_ne!(n, m, "two long names that share a prefix stay apart");
        assert!(!n.contains(".-") && !n.contains("-."), "{n}");
        // a cut that would end on '.' or '-' is trimmed
        let dotted = format!("{}.{}", "a".repeat(231), "b".repeat(30));
        let d = lease_name(&dotted);
        assert!(d.chars().last().unwrap().is_ascii_alphanumeric());
        assert!(!d.contains(".-"), "{d}");
        assert_eq!(d, lease_name(&dotted), "the same every time");
    }

    #[test]
    fn the_identity_names_user_host_process_and_a_random_part() {
        assert_eq!(
            identity("alice", "laptop", 4242, 0x1234_abcd),
            "alice@laptop:4242:1234abcd"
        );
        assert_eq!(identity("", " ", 1, 0), "unknown@unknown-host:1:00000000");
        assert_ne!(identity("a", "h", 1, 1), identity("a", "h", 1, 2));
        assert_eq!(identity("a b", "h\n", 7, 0xff), "ab@h:7:000000ff");
    }

    #[test]
    fn no_lease_is_absent_and_a_released_one_is_free() {
        let t = Instant::now();
        let mut seen = None;
        assert_eq!(standing(None, "me", &mut seen, t, D), Standing::Absent);
        let released = record("7", "", Some(15));
        assert_eq!(
            standing(Some(&released), "me", &mut seen, t, D),
            Standing::Free
        );
    }

    #[test]
    fn our_own_lease_is_ours() {
        let mut seen = None;
        let l = record("7", "me", Some(15));
        assert_eq!(
            standing(Some(&l), "me", &mut seen, Instant::now(), D),
            Standing::Ours
        );
    }

    #[test]
    fn another_holder_is_waited_for_a_whole_duration_from_the_first_look() {
        let t0 = Instant::now();
        let mut seen = None;
        let l = record("7", "them", Some(15));
        // the first look starts the clock, however old the Lease is
        assert_eq!(
            standing(Some(&l), "me", &mut seen, t0, D),
            Standing::Held {
                unchanged_for: Duration::ZERO,
                duration: Duration::from_secs(15)
            }
        );
        let t1 = t0 + Duration::from_secs(14);
        assert!(matches!(
            standing(Some(&l), "me", &mut seen, t1, D),
            Standing::Held { unchanged_for, .. } if unchanged_for == Duration::from_secs(14)
        ));
        let t2 = t0 + Duration::from_secs(15);
        assert_eq!(
            standing(Some(&l), "me", &mut seen, t2, D),
            Standing::Expired {
                unchanged_for: Duration::from_secs(15)
            }
        );
    }

    #[test]
    fn a_renewal_starts_the_wait_again() {
        let t0 = Instant::now();
        let mut seen = None;
        standing(Some(&record("7", "them", Some(15))), "me", &mut seen, t0, D);
        let renewed = record("8", "them", Some(15));
        let t1 = t0 + Duration::from_secs(14);
        assert!(matches!(
            standing(Some(&renewed), "me", &mut seen, t1, D),
            Standing::Held { unchanged_for, .. } if unchanged_for.is_zero()
        ));
        // 14 s after the renewal was seen: still held, though 28 s after the first look
        assert!(matches!(
            standing(
                Some(&renewed),
                "me",
                &mut seen,
                t1 + Duration::from_secs(14),
                D
            ),
            Standing::Held { .. }
        ));
        assert!(matches!(
            standing(
                Some(&renewed),
                "me",
                &mut seen,
                t1 + Duration::from_secs(15),
                D
            ),
            Standing::Expired { .. }
        ));
    }

    #[test]
    fn the_holders_clock_plays_no_part() {
        // renewTime 5 minutes in the past or in the future: the verdict is the same as without
        let t0 = Instant::now();
        for skew in [-300i64, 300] {
            let mut l = record("7", "them", Some(15));
            let t = jiff::Timestamp::now()
                .checked_add(jiff::SignedDuration::from_secs(skew))
                .unwrap();
            l.renew_time = Some(t);
            l.acquire_time = Some(t);
            let mut seen = None;
            assert!(matches!(
                standing(Some(&l), "me", &mut seen, t0, D),
                Standing::Held { .. }
            ));
            assert!(matches!(
                standing(Some(&l), "me", &mut seen, t0 + Duration::from_secs(14), D),
                Standing::Held { .. }
            ));
            assert!(matches!(
                standing(Some(&l), "me", &mut seen, t0 + Duration::from_secs(15), D),
                Standing::Expired { .. }
            ));
        }
    }

    #[test]
    fn the_holders_duration_counts_and_a_missing_or_zero_one_is_the_default() {
        let t0 = Instant::now();
        for (d, want) in [(Some(3), 3), (None, 15), (Some(0), 15), (Some(-5), 15)] {
            let mut seen = None;
            let l = record("7", "them", d);
            standing(Some(&l), "me", &mut seen, t0, D);
            let before = t0 + Duration::from_secs(want - 1);
            assert!(
                matches!(
                    standing(Some(&l), "me", &mut seen, before, D),
                    Standing::Held { .. }
                ),
                "{d:?}"
            );
            assert!(
                matches!(
                    standing(Some(&l), "me", &mut seen, t0 + Duration::from_secs(want), D),
                    Standing::Expired { .. }
                ),
                "{d:?}"
            );
        }
    }

    #[test]
    fn a_lease_deleted_and_made_again_is_a_new_observation() {
        let t0 = Instant::now();
        let mut seen = None;
        standing(Some(&record("7", "them", Some(15))), "me", &mut seen, t0, D);
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(standing(None, "me", &mut seen, t1, D), Standing::Absent);
        // re-created by a third process: watched from when it was seen
        let again = record("9", "third", Some(15));
        let t2 = t1 + Duration::from_secs(10);
        assert!(matches!(
            standing(Some(&again), "me", &mut seen, t2, D),
            Standing::Held { unchanged_for, .. } if unchanged_for.is_zero()
        ));
    }

    #[test]
    fn renewals_come_three_times_a_duration_and_give_up_before_a_waiter_takes_over() {
        assert_eq!(renew_every(D), Duration::from_secs(5));
        assert_eq!(renew_deadline(D), Duration::from_secs(10));
        assert!(renew_deadline(D) < D);
        assert_eq!(
            renew_every(Duration::from_secs(1)),
            Duration::from_millis(500)
        );
        for s in 1..60 {
            let d = Duration::from_secs(s);
            assert!(renew_every(d) < renew_deadline(d) || s < 2, "{s}");
            assert!(renew_deadline(d) < d);
        }
    }

    fn holding<'a>() -> Holding<'a> {
        Holding {
            namespace: "db",
            set: "web",
            me: "me@h:1:00000001",
            purpose: "kubectl sts drain node n2",
            duration: D,
        }
    }

    #[test]
    fn a_fresh_lease_says_whom_it_guards_and_who_holds_it() {
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let l = desired(&holding(), None, now);
        assert_eq!(l.metadata.name.as_deref(), Some("kubectl-sts.web"));
        assert_eq!(l.metadata.namespace.as_deref(), Some("db"));
        assert_eq!(l.metadata.resource_version, None);
        let labels = l.metadata.labels.as_ref().unwrap();
        assert_eq!(labels[SET_KEY], "web");
        assert_eq!(labels["app.kubernetes.io/managed-by"], "kubectl-sts");
        let ann = l.metadata.annotations.as_ref().unwrap();
        assert_eq!(ann[PURPOSE], "kubectl sts drain node n2");
        let s = l.spec.unwrap();
        assert_eq!(s.holder_identity.as_deref(), Some("me@h:1:00000001"));
        assert_eq!(s.lease_duration_seconds, Some(15));
        assert_eq!(s.lease_transitions, Some(0));
        assert_eq!(s.acquire_time.unwrap().0, now);
        assert_eq!(s.renew_time.unwrap().0, now);
    }

    #[test]
    fn a_renewal_keeps_the_acquisition_and_a_takeover_counts_a_transition() {
        let t0 = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let t1 = jiff::Timestamp::from_second(1_800_000_005).unwrap();
        let mut mine = record("7", "me@h:1:00000001", Some(15));
        mine.acquire_time = Some(t0);
        mine.transitions = 2;
        let renewed = desired(&holding(), Some(&mine), t1);
        assert_eq!(renewed.metadata.resource_version.as_deref(), Some("7"));
        let s = renewed.spec.unwrap();
        assert_eq!(s.acquire_time.unwrap().0, t0);
        assert_eq!(s.renew_time.unwrap().0, t1);
        assert_eq!(s.lease_transitions, Some(2));
        let mut theirs = mine.clone();
        theirs.holder = "them".into();
        let taken = desired(&holding(), Some(&theirs), t1).spec.unwrap();
        assert_eq!(taken.acquire_time.unwrap().0, t1);
        assert_eq!(taken.lease_transitions, Some(3));
        assert_eq!(taken.holder_identity.as_deref(), Some("me@h:1:00000001"));
    }

    #[test]
    fn a_set_name_too_long_for_a_label_is_only_annotated() {
        let long = "w".repeat(64);
        let h = Holding {
            set: &long,
            ..holding()
        };
        let l = desired(&h, None, jiff::Timestamp::UNIX_EPOCH);
        assert!(!l.metadata.labels.as_ref().unwrap().contains_key(SET_KEY));
        assert_eq!(l.metadata.annotations.as_ref().unwrap()[SET_KEY], long);
    }

    #[test]
    fn a_record_reads_what_the_lease_says() {
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let mut l = desired(&holding(), None, now);
        l.metadata.uid = Some("u9".into());
        l.metadata.resource_version = Some("42".into());
        let r = LeaseRecord::from_lease(&l);
        assert_eq!(r.uid, "u9");
        assert_eq!(r.resource_version, "42");
        assert_eq!(r.holder, "me@h:1:00000001");
        assert_eq!(r.duration(Duration::from_secs(99)), D);
        assert_eq!(r.who(), "me@h:1:00000001 (kubectl sts drain node n2)");
        assert_eq!(r.acquire_time, Some(now));
        let bare = LeaseRecord::from_lease(&Lease::default());
        assert_eq!(bare.holder, "");
        assert_eq!(bare.who(), "");
    }

    #[test]
    fn the_refusal_names_holder_since_and_the_break_glass() {
        let mut l = record("7", "them@h:9:0000abcd", Some(15));
        l.purpose = "kubectl sts rollout apply".into();
        l.acquire_time = Some(jiff::Timestamp::from_second(1_800_000_000).unwrap());
        let m = held_refusal(
            "db",
            "web",
            &l,
            Duration::from_secs(2),
            Duration::from_secs(300),
        );
        assert!(m.starts_with("statefulset db/web is being disrupted by them@h:9:0000abcd (kubectl sts rollout apply) since 2027-01-15T08:00:00Z (its clock)"), "{m}");
        assert!(m.contains("renewed 2s ago"), "{m}");
        assert!(m.contains("waited 300s (--timeout)"), "{m}");
        assert!(m.contains("--break-lease them@h:9:0000abcd"), "{m}");
    }

    #[test]
    fn a_heartbeat_is_fresh_when_it_changes_and_stale_after_two_missed_renewals() {
        let h = Heartbeat {
            holder: "me".into(),
            renew_time: "t1".into(),
            renew_every_seconds: 5,
        };
        let first = h.value();
        assert_eq!(Heartbeat::parse(&first), h);
        assert_eq!(h.watch_for(), Duration::from_secs(11));
        assert_eq!(pulse(&first, Some(&first), Duration::ZERO), Pulse::Watching);
        assert_eq!(
            pulse(&first, Some(&first), Duration::from_secs(10)),
            Pulse::Watching
        );
        assert_eq!(
            pulse(&first, Some(&first), Duration::from_secs(11)),
            Pulse::Stale(h.clone())
        );
        let next = Heartbeat {
            renew_time: "t2".into(),
            ..h.clone()
        };
        assert_eq!(
            pulse(&first, Some(&next.value()), Duration::from_secs(1)),
            Pulse::Fresh(next)
        );
        assert_eq!(pulse(&first, None, Duration::from_secs(1)), Pulse::Gone);
        // a value this tool did not write: someone's, renewed every 10 s
        let odd = Heartbeat::parse("not json");
        assert_eq!(odd.holder, "not json");
        assert_eq!(odd.watch_for(), Duration::from_secs(21));
    }
}
