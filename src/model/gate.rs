//! The gate before every guarded write, as pure decisions: the guards shared by scale,
//! rollout and resize (the controller has caught up, every pod in range exists, is Ready,
//! available and not terminating, nothing lingers above the range), which of their blockers
//! settle by themselves and within how long, and — over successive evaluations — whether to
//! wait, go, refuse, or give up on a blocker that did not settle in time.
//!
//! Why waiting matters: `kubectl rollout status` returns for a RollingUpdate StatefulSet when
//! its pods are Ready and updated (kubectl/pkg/polymorphichelpers/rollout_status.go), up to
//! `minReadySeconds` before the controller counts them as available
//! (pkg/controller/statefulset/stateful_set_utils.go isRunningAndAvailable). A runbook that
//! chains `kubectl rollout status && kubectl sts scale` must not be refused for a state that
//! resolves on its own within seconds; a state that needs a person must still be refused at
//! once.

use std::collections::BTreeMap;

use serde::Serialize;

use super::starting::{being_created, POD_START_SECONDS, STARTING_MARGIN_SECONDS};

/// How long the controller may take to observe a new generation or bring its status counts
/// in line, before it is taken as not running.
pub const CONTROLLER_SETTLE_SECONDS: i64 = 30;
/// Allowed beyond the rest of minReadySeconds (the controller's resync after it).
pub const AVAILABLE_MARGIN_SECONDS: i64 = 10;
/// Allowed beyond a terminating pod's grace period (the kubelet's stop and the API delete).
pub const GRACE_MARGIN_SECONDS: i64 = 30;

/// One pod as the shared guards see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFacts<'a> {
    pub name: &'a str,
    pub ordinal: i64,
    pub ready: bool,
    pub available: bool,
    pub terminating: bool,
    /// STATUS as kubectl prints it.
    pub status: &'a str,
    /// `Some(summary)` when the pod's node is known and not Ready.
    pub dead_node: Option<&'a str>,
    /// Ready but not yet available: seconds until minReadySeconds have passed.
    pub available_in: Option<i64>,
    /// Terminating: seconds left of its grace period (deletionTimestamp − now).
    pub grace_left: Option<i64>,
    /// Not Ready but starting (being scheduled, attached, pulled, probed; no failure, no
    /// restart): seconds within which it should be Ready ([`super::starting`]).
    pub starting: Option<i64>,
}

/// A set as the shared guards see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFacts<'a> {
    pub name: &'a str,
    pub generation: i64,
    pub observed_generation: i64,
    pub start: i64,
    pub replicas: i64,
    /// status.replicas: the pods the controller has created.
    pub created: i64,
    pub min_ready_seconds: i64,
    /// The template's terminationGracePeriodSeconds (30 by default): how long a condemned pod
    /// not yet deleted may take once the controller deletes it.
    pub termination_grace: i64,
    pub pods: Vec<PodFacts<'a>>,
}

/// The guards every step of scale, rollout and resize shares. Each blocker names its pod and,
/// where it settles by itself, within how many seconds.
pub fn set_blockers(s: &SetFacts) -> Vec<Blocker> {
    let mut out = Vec::new();
    if s.observed_generation < s.generation {
        out.push(
            Blocker::new(
                BlockerCode::GenerationNotObserved,
                format!(
                    "the StatefulSet controller has not yet observed generation {} (observed {})",
                    s.generation, s.observed_generation
                ),
            )
            .settles_within(CONTROLLER_SETTLE_SECONDS),
        );
    }
    let in_range = |o: i64| o >= s.start && o < s.start + s.replicas;
    for o in s.start..s.start + s.replicas {
        let name = format!("{}-{o}", s.name);
        let b = match s.pods.iter().find(|p| p.ordinal == o) {
            // the controller has pods left to create (a scale-up someone made): it creates it
            None if being_created(s.created, s.replicas) => Blocker::new(
                BlockerCode::PodStarting,
                format!(
                    "{name} is being created (the StatefulSet controller has created {} of {} pods)",
                    s.created, s.replicas
                ),
            )
            .settles_within(POD_START_SECONDS + STARTING_MARGIN_SECONDS),
            None => Blocker::new(BlockerCode::PodMissing, format!("{name} does not exist")),
            // on a dead node nothing finishes the pod: that needs a person (recover)
            Some(p) if p.terminating && p.dead_node.is_some() => Blocker::new(
                BlockerCode::PodTerminating,
                format!(
                    "{name} is terminating ({}) on node {} (not Ready): it will not finish by itself (kubectl sts recover {name})",
                    p.status,
                    p.dead_node.unwrap_or_default()
                ),
            ),
            Some(p) if p.terminating => Blocker::new(
                BlockerCode::PodTerminating,
                format!("{name} is terminating ({})", p.status),
            )
            .settles_within(p.grace_left.unwrap_or(0).max(0) + GRACE_MARGIN_SECONDS),
            // on its way to Ready by itself: waited for, bounded by its own expected time
            Some(p) if !p.ready && p.dead_node.is_none() && p.starting.is_some() => Blocker::new(
                BlockerCode::PodStarting,
                format!("{name} is starting ({}), not Ready yet", p.status),
            )
            .settles_within(p.starting.unwrap_or(0).max(0) + STARTING_MARGIN_SECONDS),
            Some(p) if !p.ready => Blocker::new(
                BlockerCode::PodNotReady,
                match p.dead_node {
                    Some(n) => format!("{name} is not Ready ({}) on node {n}", p.status),
                    None => format!("{name} is not Ready ({})", p.status),
                },
            ),
            Some(p) if !p.available => Blocker::new(
                BlockerCode::PodNotAvailable,
                format!(
                    "{name} is Ready but not yet available (minReadySeconds {})",
                    s.min_ready_seconds
                ),
            )
            .settles_within(
                p.available_in.unwrap_or(s.min_ready_seconds).max(0) + AVAILABLE_MARGIN_SECONDS,
            ),
            Some(_) => continue,
        };
        out.push(b.for_pod(&name));
    }
    for p in s.pods.iter().filter(|p| !in_range(p.ordinal)) {
        // condemned: the controller deletes it (one at a time under OrderedReady) and the
        // kubelet stops it within its grace period
        let grace = match p.grace_left {
            Some(left) => left.max(0),
            None => s.termination_grace.max(0),
        };
        let b = Blocker::new(
            BlockerCode::PodOutsideReplicas,
            format!(
                "{} is outside the {} replicas and still exists ({})",
                p.name, s.replicas, p.status
            ),
        )
        .for_pod(p.name);
        out.push(match p.dead_node {
            // its node is down: no kubelet will stop it
            Some(n) => Blocker {
                message: format!(
                    "{} on node {n} (not Ready): it will not go by itself (kubectl sts recover {})",
                    b.message, p.name
                ),
                ..b
            },
            None => b.settles_within(grace + GRACE_MARGIN_SECONDS),
        });
    }
    out
}

/// Read again after a 409 on its resourceVersion precondition, may a write of the set be made
/// again? Only if it is the same object (`uid`) with the same spec (`generation`: the API
/// server moves it on every spec change, and on nothing else): then what moved the
/// resourceVersion was a status write (the StatefulSet controller's counts) or metadata, and
/// the write is re-proven and retried. Some(why) stops it: someone else changed the set.
pub fn spec_moved(name: &str, basis: (&str, i64), now: (&str, i64)) -> Option<String> {
    if now.0 != basis.0 {
        Some(format!("statefulset {name} was deleted and created again"))
    } else if now.1 != basis.1 {
        Some(format!(
            "the spec of statefulset {name} was changed by someone else meanwhile (generation {} → {})",
            basis.1, now.1
        ))
    } else {
        None
    }
}

/// A wait the gate made, for the result documents (`waits[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Wait {
    pub code: BlockerCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    pub seconds: f64,
}

/// What the gate decides after one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Nothing stands in the way: go on.
    Clear,
    /// Only blockers that settle by themselves, each still within its expected maximum.
    Wait(Vec<Blocker>),
    /// A blocker that needs a person (all blockers are returned, the settling ones too).
    Refuse(Vec<Blocker>),
    /// A settling blocker outlived its expected maximum: each such one as `NotSettling`.
    NotSettling(Vec<Blocker>),
    /// The command's `--timeout` ran out while waiting.
    TimedOut(Vec<Blocker>),
}

type Key = (BlockerCode, Option<String>);

/// The gate's memory across evaluations: when each settling blocker was first seen and what
/// it was allowed then. Times are seconds since the gate began (a plain number, so that this
/// is testable without a clock).
#[derive(Debug, Default)]
pub struct Settling {
    /// (first seen, allowed seconds, last seen)
    seen: BTreeMap<Key, (f64, i64, f64)>,
}

impl Settling {
    /// Judges `blockers`, found `at` seconds after the gate began; `timeout`: the command's
    /// bound on one wait (None: no bound but the blockers' own).
    pub fn judge(&mut self, blockers: Vec<Blocker>, at: f64, timeout: Option<f64>) -> Verdict {
        for b in &blockers {
            if let Some(allowed) = b.settles_within {
                let e = self
                    .seen
                    .entry((b.code, b.pod.clone()))
                    .or_insert((at, allowed, at));
                e.2 = at;
            }
        }
        if blockers.is_empty() {
            return Verdict::Clear;
        }
        if blockers.iter().any(|b| b.settles_within.is_none()) {
            return Verdict::Refuse(blockers);
        }
        let stale: Vec<Blocker> = blockers
            .iter()
            .filter_map(|b| {
                let (first, allowed, _) = self.seen.get(&(b.code, b.pod.clone()))?;
                let waited = at - first;
                (waited > *allowed as f64).then(|| not_settling(b, waited, *allowed))
            })
            .collect();
        if !stale.is_empty() {
            return Verdict::NotSettling(stale);
        }
        if timeout.is_some_and(|t| at >= t) {
            return Verdict::TimedOut(blockers);
        }
        Verdict::Wait(blockers)
    }

    /// What was waited for, and for how long (first seen to last seen).
    pub fn waits(&self) -> Vec<Wait> {
        self.seen
            .iter()
            .map(|((code, pod), (first, _, last))| Wait {
                code: *code,
                pod: pod.clone(),
                seconds: ((last - first) * 10.0).round() / 10.0,
            })
            .collect()
    }
}

/// What the gate waits for, in a waiting line: "web-2 to be available after minReadySeconds,
/// 4 s left". `countdown`: with the seconds left (a spinner redraws them in place; plain lines leave
/// them out so that an unchanged state is one line, not one per evaluation).
pub fn waiting_for(b: &Blocker, countdown: bool) -> String {
    let pod = b.pod.as_deref().unwrap_or("the pod");
    let left = |margin: i64| {
        b.settles_within
            .filter(|_| countdown)
            .map(|s| format!(", {} s left", (s - margin).max(0)))
            .unwrap_or_default()
    };
    match b.code {
        BlockerCode::PodNotAvailable => format!(
            "{pod} to be available after minReadySeconds{}",
            left(AVAILABLE_MARGIN_SECONDS)
        ),
        BlockerCode::PodTerminating => format!(
            "{pod} to finish terminating within its grace period{}",
            left(GRACE_MARGIN_SECONDS)
        ),
        BlockerCode::PodOutsideReplicas => {
            format!("{pod} to be removed by the StatefulSet controller")
        }
        BlockerCode::PodStarting => format!(
            "{pod} to start and become Ready{}",
            left(STARTING_MARGIN_SECONDS)
        ),
        BlockerCode::GenerationNotObserved | BlockerCode::ReplicasNotSettled => {
            format!("the StatefulSet controller to catch up ({})", b.message)
        }
        _ => b.message.clone(),
    }
}

/// A settling blocker that did not settle: what it was, for how long, and where to look.
fn not_settling(b: &Blocker, waited: f64, allowed: i64) -> Blocker {
    let hint = match b.code {
        BlockerCode::GenerationNotObserved
        | BlockerCode::ReplicasNotSettled
        | BlockerCode::PodOutsideReplicas => ": is kube-controller-manager running?",
        BlockerCode::PodTerminating => {
            ": its node may be down or its kubelet stuck (kubectl sts inspect shows the node)"
        }
        BlockerCode::PodNotAvailable => ": is the clock of this machine far from the cluster's?",
        BlockerCode::PodStarting => {
            ": kubectl describe pod shows why (scheduling, volume attachment, image pull, probes)"
        }
        _ => "",
    };
    let mut n = Blocker::new(
        BlockerCode::NotSettling,
        format!(
            "{} for {:.0} s, longer than the {allowed} s it should take{hint}",
            b.message, waited
        ),
    );
    n.pod = b.pod.clone();
    n
}

/// `--dry-run`: every blocker settles by itself (the command would wait, then go on).
pub fn only_settling(blockers: &[Blocker]) -> bool {
    blockers.iter().all(|b| b.settles_within.is_some())
}

/// One line for what a dry run would wait for.
pub fn would_wait(blockers: &[Blocker]) -> String {
    let longest = blockers
        .iter()
        .filter_map(|b| b.settles_within)
        .max()
        .unwrap_or(0);
    let what: Vec<&str> = blockers.iter().map(|b| b.message.as_str()).collect();
    format!(
        "would first wait (at most {longest} s) until {} settle(s): {}",
        blockers.len(),
        what.join("; ")
    )
}

/// The stable codes of [`Blocker`]s, serialized as their names (`kubectl-sts/v1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum BlockerCode {
    /// A HorizontalPodAutoscaler targets the set and would undo the scale.
    ManagedByAutoscaler,
    /// whenScaled: Delete would delete the removed pods' claims.
    ClaimsWouldBeDeleted,
    /// More steps than `--max-steps`.
    TooManySteps,
    GenerationNotObserved,
    RolloutInProgress,
    PodMissing,
    PodTerminating,
    PodNotReady,
    /// Ready, but not for minReadySeconds yet (the controller counts it as unavailable).
    PodNotAvailable,
    /// rollout repair: no pod has been stuck for long enough.
    NothingStuck,
    /// rollout repair: the stuck pod is on the update revision (the template itself is bad).
    BadUpdateRevision,
    /// rollout repair: the strategy or policy has no controller waiting on one pod.
    RepairNotApplicable,
    /// resize-storage: the size does not grow the template.
    SizeNotLarger,
    /// resize-storage: more than ten times the current size, without --allow-large-growth.
    LargeGrowth,
    /// resize-storage: something else re-creates the set from its own copy (an operator, Argo
    /// CD, Flux), without --allow-managed.
    ManagedSet,
    /// resize-storage: a claim is not Bound.
    ClaimNotBound,
    /// resize-storage: a claim's StorageClass does not allow expansion.
    ClassNotExpandable,
    /// resize-storage: a claim's resize already failed.
    ResizeFailing,
    /// A pod above the range still exists.
    PodOutsideReplicas,
    /// status.replicas has not settled on spec.replicas.
    ReplicasNotSettled,
    /// What a step that timed out still waited for.
    StepNotFinished,
    /// A pod on its way to Ready (being created, scheduled, attached, pulled, probed; no
    /// failure, no restart): waited for, bounded by how long a start takes.
    PodStarting,
    /// A blocker that settles by itself did not, within its expected maximum.
    NotSettling,
    /// The StatefulSet controller is stuck at a pod without a claim template's volume
    /// (`model::stuck`): nothing above it is created, updated or removed.
    ControllerStuck,
    /// Another kubectl-sts process holds the set's disruption Lease (`model::lease`) and
    /// renewed it for longer than `--timeout`: it is taking a pod of the set down.
    DisruptionLeaseHeld,
    /// The set's disruption Lease this process held was taken over, deleted or not renewed in
    /// time: another process may be taking a pod down; stopped before the next write.
    DisruptionLeaseLost,
}

/// Why a step may not be taken: a stable code for scripts and one line for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Blocker {
    pub code: BlockerCode,
    pub message: String,
    /// The pod it is about, where it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    /// It settles by itself, within about this many seconds (the gate waits for it); None: it
    /// needs a person.
    #[serde(
        rename = "settlesWithinSeconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub settles_within: Option<i64>,
}

impl Blocker {
    pub fn new(code: BlockerCode, message: String) -> Blocker {
        Blocker {
            code,
            message,
            pod: None,
            settles_within: None,
        }
    }

    pub fn for_pod(mut self, pod: &str) -> Blocker {
        self.pod = Some(pod.to_string());
        self
    }

    pub fn settles_within(mut self, seconds: i64) -> Blocker {
        self.settles_within = Some(seconds);
        self
    }

    /// The first reason, and how many more there are (all of them stay in the document).
    pub fn first_reason(blockers: &[Blocker]) -> String {
        match blockers {
            [] => "no reason given".into(),
            [one] => one.message.clone(),
            [first, rest @ ..] => format!("{} (and {} more)", first.message, rest.len()),
        }
    }
}

pub(crate) fn blocker(code: BlockerCode, message: String) -> Blocker {
    Blocker::new(code, message)
}

/// The template's terminationGracePeriodSeconds (the API's default, 30, when unset).
pub fn termination_grace(set: &k8s_openapi::api::apps::v1::StatefulSet) -> i64 {
    set.spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.termination_grace_period_seconds)
        .unwrap_or(30)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, ordinal: i64) -> PodFacts<'_> {
        PodFacts {
            name,
            ordinal,
            ready: true,
            available: true,
            terminating: false,
            status: "Running",
            dead_node: None,
            available_in: None,
            grace_left: None,
            starting: None,
        }
    }

    fn set<'a>(pods: Vec<PodFacts<'a>>) -> SetFacts<'a> {
        SetFacts {
            name: "web",
            generation: 2,
            observed_generation: 2,
            start: 0,
            replicas: 3,
            created: 3,
            min_ready_seconds: 10,
            termination_grace: 30,
            pods,
        }
    }

    fn codes(b: &[Blocker]) -> Vec<(BlockerCode, Option<&str>, Option<i64>)> {
        b.iter()
            .map(|b| (b.code, b.pod.as_deref(), b.settles_within))
            .collect()
    }

    #[test]
    fn healthy_set_has_no_blockers() {
        let s = set(vec![pod("web-0", 0), pod("web-1", 1), pod("web-2", 2)]);
        assert!(set_blockers(&s).is_empty());
    }

    #[test]
    fn settling_blockers_carry_their_expected_maximum() {
        let mut s = set(vec![
            PodFacts {
                available: false,
                available_in: Some(4),
                ..pod("web-0", 0)
            },
            PodFacts {
                terminating: true,
                grace_left: Some(12),
                status: "Terminating",
                ..pod("web-1", 1)
            },
            pod("web-2", 2),
            pod("web-3", 3),
            PodFacts {
                terminating: true,
                grace_left: Some(-5),
                ..pod("web-4", 4)
            },
        ]);
        s.observed_generation = 1;
        assert_eq!(
            codes(&set_blockers(&s)),
            [
                (BlockerCode::GenerationNotObserved, None, Some(30)),
                (BlockerCode::PodNotAvailable, Some("web-0"), Some(14)),
                (BlockerCode::PodTerminating, Some("web-1"), Some(42)),
                // condemned, not yet deleted: the template's grace + 30
                (BlockerCode::PodOutsideReplicas, Some("web-3"), Some(60)),
                // past its grace (a dead node): only the margin is left
                (BlockerCode::PodOutsideReplicas, Some("web-4"), Some(30)),
            ]
        );
    }

    #[test]
    fn blockers_that_need_a_person_do_not_settle() {
        let s = set(vec![
            PodFacts {
                ready: false,
                available: false,
                status: "CrashLoopBackOff",
                dead_node: Some("n2 Unknown 2m"),
                ..pod("web-0", 0)
            },
            pod("web-2", 2),
            PodFacts {
                terminating: true,
                grace_left: Some(20),
                dead_node: Some("n2 Unknown 2m"),
                ..pod("web-3", 3)
            },
        ]);
        let b = set_blockers(&s);
        assert_eq!(
            codes(&b),
            [
                (BlockerCode::PodNotReady, Some("web-0"), None),
                (BlockerCode::PodMissing, Some("web-1"), None),
                // on a dead node neither a terminating nor a condemned pod goes by itself
                (BlockerCode::PodOutsideReplicas, Some("web-3"), None),
            ]
        );
        let mut s4 = s.clone();
        s4.replicas = 4;
        assert_eq!(
            codes(&set_blockers(&s4))[2],
            (BlockerCode::PodTerminating, Some("web-3"), None)
        );
        assert_eq!(
            b[0].message,
            "web-0 is not Ready (CrashLoopBackOff) on node n2 Unknown 2m"
        );
    }

    #[test]
    fn a_starting_replica_settles_a_failed_one_does_not() {
        let mut s = set(vec![
            PodFacts {
                ready: false,
                available: false,
                status: "ContainerCreating",
                starting: Some(250),
                ..pod("web-0", 0)
            },
            PodFacts {
                ready: false,
                available: false,
                status: "CrashLoopBackOff",
                ..pod("web-1", 1)
            },
            // starting, but its node is down: nothing will start it
            PodFacts {
                ready: false,
                available: false,
                status: "Running",
                starting: Some(20),
                dead_node: Some("n2 Unknown 1m"),
                ..pod("web-2", 2)
            },
        ]);
        s.replicas = 4;
        s.created = 3;
        let b = set_blockers(&s);
        assert_eq!(
            codes(&b),
            [
                (BlockerCode::PodStarting, Some("web-0"), Some(260)),
                (BlockerCode::PodNotReady, Some("web-1"), None),
                (BlockerCode::PodNotReady, Some("web-2"), None),
                // a scale-up the controller is carrying out
                (BlockerCode::PodStarting, Some("web-3"), Some(310)),
            ]
        );
        assert_eq!(
            b[0].message,
            "web-0 is starting (ContainerCreating), not Ready yet"
        );
        assert_eq!(
            b[3].message,
            "web-3 is being created (the StatefulSet controller has created 3 of 4 pods)"
        );
        assert_eq!(waiting_for(&b[0], false), "web-0 to start and become Ready");
        // every pod created: a missing one needs a person
        s.created = 4;
        assert_eq!(codes(&set_blockers(&s))[3].0, BlockerCode::PodMissing);
    }

    fn settling(code: BlockerCode, pod: &str, secs: i64) -> Blocker {
        Blocker::new(code, format!("{pod} settles"))
            .for_pod(pod)
            .settles_within(secs)
    }

    #[test]
    fn the_gate_waits_then_clears_and_records_the_wait() {
        let mut g = Settling::default();
        let b = settling(BlockerCode::PodNotAvailable, "web-2", 14);
        assert!(matches!(
            g.judge(vec![b.clone()], 0.0, None),
            Verdict::Wait(_)
        ));
        assert!(matches!(g.judge(vec![b], 6.0, None), Verdict::Wait(_)));
        assert_eq!(g.judge(vec![], 8.5, None), Verdict::Clear);
        assert_eq!(
            g.waits(),
            [Wait {
                code: BlockerCode::PodNotAvailable,
                pod: Some("web-2".into()),
                seconds: 6.0
            }]
        );
    }

    #[test]
    fn a_blocker_needing_a_person_refuses_at_once_even_beside_settling_ones() {
        let mut g = Settling::default();
        let person = Blocker::new(BlockerCode::PodNotReady, "web-1 is not Ready".into());
        let v = g.judge(
            vec![settling(BlockerCode::PodNotAvailable, "web-2", 14), person],
            0.0,
            None,
        );
        assert!(matches!(v, Verdict::Refuse(b) if b.len() == 2));
    }

    #[test]
    fn a_settling_blocker_that_outlives_its_maximum_is_not_settling() {
        let mut g = Settling::default();
        let b = Blocker::new(
            BlockerCode::GenerationNotObserved,
            "the StatefulSet controller has not yet observed generation 5 (observed 4)".into(),
        )
        .settles_within(30);
        assert!(matches!(
            g.judge(vec![b.clone()], 0.0, None),
            Verdict::Wait(_)
        ));
        // the allowance is fixed when first seen: a later, shorter estimate does not move it
        assert!(matches!(
            g.judge(vec![b.clone()], 30.0, None),
            Verdict::Wait(_)
        ));
        let Verdict::NotSettling(n) = g.judge(vec![b], 30.5, None) else {
            panic!("not settling expected")
        };
        assert_eq!(n[0].code, BlockerCode::NotSettling);
        assert_eq!(
            n[0].message,
            "the StatefulSet controller has not yet observed generation 5 (observed 4) for 30 s, longer than the 30 s it should take: is kube-controller-manager running?"
        );
    }

    #[test]
    fn the_commands_timeout_bounds_the_wait_too() {
        let mut g = Settling::default();
        let b = settling(BlockerCode::PodTerminating, "web-1", 60);
        assert!(matches!(
            g.judge(vec![b.clone()], 0.0, Some(5.0)),
            Verdict::Wait(_)
        ));
        assert!(matches!(
            g.judge(vec![b], 5.0, Some(5.0)),
            Verdict::TimedOut(_)
        ));
    }

    #[test]
    fn only_a_new_object_or_a_new_spec_stops_a_retried_write() {
        // a status write moves neither
        assert_eq!(spec_moved("web", ("u1", 4), ("u1", 4)), None);
        assert_eq!(
            spec_moved("web", ("u1", 4), ("u1", 5)).as_deref(),
            Some("the spec of statefulset web was changed by someone else meanwhile (generation 4 → 5)")
        );
        assert_eq!(
            spec_moved("web", ("u1", 4), ("u2", 1)).as_deref(),
            Some("statefulset web was deleted and created again")
        );
    }

    #[test]
    fn dry_run_words() {
        let b = [
            settling(BlockerCode::PodNotAvailable, "web-2", 14),
            settling(BlockerCode::PodTerminating, "web-1", 40),
        ];
        assert!(only_settling(&b));
        assert!(!only_settling(&[Blocker::new(
            BlockerCode::PodMissing,
            "x".into()
        )]));
        assert_eq!(
            would_wait(&b),
            "would first wait (at most 40 s) until 2 settle(s): web-2 settles; web-1 settles"
        );
    }

    #[test]
    fn waiting_lines_name_the_pod_and_count_down_only_on_a_terminal() {
        let b = Blocker::new(BlockerCode::PodNotAvailable, "x".into())
            .for_pod("web-2")
            .settles_within(4 + AVAILABLE_MARGIN_SECONDS);
        assert_eq!(
            waiting_for(&b, true),
            "web-2 to be available after minReadySeconds, 4 s left"
        );
        assert_eq!(
            waiting_for(&b, false),
            "web-2 to be available after minReadySeconds"
        );
        let t = Blocker::new(BlockerCode::PodTerminating, "x".into())
            .for_pod("web-1")
            .settles_within(GRACE_MARGIN_SECONDS + 12);
        assert_eq!(
            waiting_for(&t, true),
            "web-1 to finish terminating within its grace period, 12 s left"
        );
        let g = Blocker::new(BlockerCode::GenerationNotObserved, "generation 5".into())
            .settles_within(CONTROLLER_SETTLE_SECONDS);
        assert_eq!(
            waiting_for(&g, true),
            "the StatefulSet controller to catch up (generation 5)"
        );
    }
}
