//! `rollout status|apply|repair|restart`: the update half of operating a StatefulSet, on the
//! same core as scale (`model::rollout` decides; preconditioned writes; watch-driven waits).

use std::time::{Duration, Instant};

use serde::Serialize;

use super::force_delete::Confirm;
use super::gate::{settle, Gated, LazyWaker};
use super::lease::Leases;
use super::retry::{write_reproven, Reproven};
use super::{Journal, Waker};
use crate::cluster::{selector_string, Cluster, Guarded};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::kubefmt::human_duration;
use crate::model::gate::{only_settling, spec_moved, would_wait, Verdict, Wait};
use crate::model::gate::{Blocker, BlockerCode};
use crate::model::rollout::{
    apply_plan, delete_grace, delete_grace_note, delete_target, repair_target, rollout_status,
    step_blockers, step_done, ApplyStep, DeleteTarget, OrdinalStatus, Overall,
};
use crate::model::update::Strategy;
use crate::model::view::SetView;
use crate::progress::Progress;

/// The `kubectl-sts/v1 RolloutStatus` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub strategy: Strategy,
    pub current_revision: Option<String>,
    pub update_revision: Option<String>,
    #[serde(flatten)]
    pub overall: Overall,
    pub message: String,
    /// Every pod the strategy should update is on the update revision and available.
    pub done: bool,
    pub rows: Vec<OrdinalStatus>,
    /// `--watch` gave up after `--timeout`.
    pub timed_out: bool,
}

impl StatusReport {
    pub fn exit_code(&self) -> ExitCode {
        if self.done {
            ExitCode::Ok
        } else if self.timed_out {
            ExitCode::TimedOut
        } else {
            ExitCode::Problems
        }
    }
}

async fn read(cluster: &Cluster, ns: &str, name: &str) -> Result<SetView, Error> {
    Ok(SetView::from_parts(
        &cluster.set_parts(ns, name, false).await?,
    ))
}

fn status_report(v: &SetView, stuck_after: i64) -> StatusReport {
    let s = rollout_status(v, stuck_after);
    StatusReport {
        api_version: "kubectl-sts/v1",
        kind: "RolloutStatus",
        namespace: v.namespace.clone(),
        name: v.name.clone(),
        strategy: v.strategy,
        current_revision: v.current_revision.clone(),
        update_revision: v.update_revision.clone(),
        overall: s.overall,
        message: s.words,
        done: s.done,
        rows: s.rows,
        timed_out: false,
    }
}

/// `rollout status`; with `watch`, waits (watch-driven) until done or `timeout`.
pub async fn status(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    stuck_after: Duration,
    watch: Option<Duration>,
    log: &mut Progress<'_>,
) -> Result<StatusReport, Error> {
    let stuck = i64::try_from(stuck_after.as_secs()).unwrap_or(i64::MAX);
    let v = read(cluster, ns, name).await?;
    let mut report = status_report(&v, stuck);
    let Some(timeout) = watch else {
        return Ok(report);
    };
    let started = Instant::now();
    let mut waker = Waker::new(
        cluster,
        ns,
        name,
        &selector_string_of(cluster, ns, name).await?,
    );
    while !report.done {
        if started.elapsed() >= timeout {
            report.timed_out = true;
            return Ok(report);
        }
        log.waiting(&report.message, started);
        waker.changed().await;
        report = status_report(&read(cluster, ns, name).await?, stuck);
    }
    log.done();
    Ok(report)
}

async fn selector_string_of(cluster: &Cluster, ns: &str, name: &str) -> Result<String, Error> {
    Ok(selector_string(&cluster.get_statefulset(ns, name).await?))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Apply,
    Repair,
    Restart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Completed,
    /// Nothing to do.
    Unchanged,
    DryRun,
    Refused,
    NotConfirmed,
    /// Someone else changed the set (its template, strategy, or the set itself): stopped.
    Interfered,
    TimedOut,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    #[serde(flatten)]
    pub step: ApplyStep,
    pub seconds: f64,
}

/// The `kubectl-sts/v1 RolloutResult` document (apply, repair, restart).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub action: Action,
    pub namespace: String,
    pub name: String,
    pub outcome: Outcome,
    pub message: String,
    pub update_revision: Option<String>,
    pub blockers: Vec<Blocker>,
    /// What was (or would be) done, in order.
    pub plan: Vec<ApplyStep>,
    pub steps: Vec<StepRecord>,
    /// repair: what shows the pod is stuck.
    pub evidence: Vec<String>,
    /// How to undo, when it stopped half way.
    pub go_back: Option<String>,
    /// What the gate waited for before a write, and how long.
    pub waits: Vec<Wait>,
}

impl RolloutReport {
    fn new(action: Action, v: &SetView) -> RolloutReport {
        RolloutReport {
            api_version: "kubectl-sts/v1",
            kind: "RolloutResult",
            action,
            namespace: v.namespace.clone(),
            name: v.name.clone(),
            outcome: Outcome::Completed,
            message: String::new(),
            update_revision: v.update_revision.clone(),
            blockers: vec![],
            plan: vec![],
            steps: vec![],
            evidence: vec![],
            go_back: None,
            waits: vec![],
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            Outcome::Completed | Outcome::Unchanged => ExitCode::Ok,
            // only blockers that settle by themselves: the command would wait, then go on
            Outcome::DryRun if only_settling(&self.blockers) => ExitCode::Ok,
            Outcome::DryRun | Outcome::Refused | Outcome::Interfered => ExitCode::Refused,
            Outcome::NotConfirmed => ExitCode::NotConfirmed,
            Outcome::TimedOut => ExitCode::TimedOut,
        }
    }

    pub fn details(&self) -> Vec<String> {
        let mut d: Vec<String> = self.evidence.clone();
        d.extend(self.blockers.iter().map(|b| b.message.clone()));
        if let Some(g) = &self.go_back {
            d.push(format!("to go back: {g}"));
        }
        d
    }

    /// Stopped before any write by `blockers` (a dry run says it would be).
    fn refused(mut self, blockers: Vec<Blocker>, dry_run: bool, what: &str) -> RolloutReport {
        let (outcome, verb) = if dry_run {
            (Outcome::DryRun, "would be refused now")
        } else {
            (Outcome::Refused, "refused; nothing changed")
        };
        let msg = format!("{what} {verb}: {}", Blocker::first_reason(&blockers));
        self.blockers = blockers;
        self.end(outcome, msg)
    }

    fn end(mut self, outcome: Outcome, message: String) -> RolloutReport {
        self.outcome = outcome;
        self.message = message;
        self
    }
}

#[derive(Debug, Clone)]
pub struct RolloutOptions {
    pub name: String,
    pub dry_run: bool,
    pub yes: bool,
    /// Longest wait for one step (a replacement to become available).
    pub timeout: Duration,
    pub stuck_after: Duration,
    /// apply: lower a RollingUpdate partition to this.
    pub to_partition: Option<i64>,
    /// restart: the whole command's end (its --timeout from the start), every wait included.
    pub deadline: Option<Instant>,
}

impl RolloutOptions {
    /// The longest the next wait may take: --timeout, cut to what is left before the deadline.
    fn wait_limit(&self) -> Duration {
        match self.deadline {
            Some(d) => self
                .timeout
                .min(d.saturating_duration_since(Instant::now())),
            None => self.timeout,
        }
    }

    /// Has a wait begun at `started` run out (its --timeout, or the deadline)?
    fn out_of_time(&self, started: Instant) -> bool {
        started.elapsed() >= self.timeout || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Why the next write must not happen: the set was replaced, its update revision or its
/// strategy changed (someone else is changing it), or a guard fails.
fn interference(first: &SetView, now: &SetView) -> Option<String> {
    if now.uid != first.uid {
        Some(format!(
            "statefulset {} was deleted and created again",
            now.name
        ))
    } else if now.update_revision != first.update_revision {
        Some(format!(
            "the update revision changed from {} to {} (the template was changed meanwhile)",
            first.update_revision.as_deref().unwrap_or("?"),
            now.update_revision.as_deref().unwrap_or("?")
        ))
    } else if std::mem::discriminant(&now.strategy) != std::mem::discriminant(&first.strategy) {
        Some("the update strategy was changed meanwhile".into())
    } else {
        None
    }
}

/// The gate before a write: waits for what settles by itself on fresh state, then hands
/// back the state and the verdict. Someone else's change (see [`interference`]) ends the wait
/// at once; the caller checks it on the state returned.
async fn gate(
    cluster: &Cluster,
    ns: &str,
    opts: &RolloutOptions,
    first: &SetView,
    waker: &mut LazyWaker<'_>,
    log: &mut Progress<'_>,
    waits: &mut Vec<Wait>,
) -> Result<Gated<SetView>, Error> {
    settle(waker, log, opts.wait_limit(), waits, async || {
        let v = read(cluster, ns, &opts.name).await?;
        let blockers = if interference(first, &v).is_some() {
            vec![]
        } else {
            step_blockers(&v)
        };
        Ok((v, blockers))
    })
    .await
}

/// The set read again after a 409: Ok(it) when the write it was for may be made again — the
/// same object with the same spec (`basis`: uid and generation the write was decided on),
/// nobody else's change (see [`interference`]) and the guards still passing; Err(why) when not.
async fn reproven_set(
    cluster: &Cluster,
    ns: &str,
    first: &SetView,
    basis: (&str, i64),
) -> Result<Result<SetView, String>, Error> {
    let now = read(cluster, ns, &first.name).await?;
    let moved = spec_moved(&now.name, basis, (&now.uid, now.generation))
        .or_else(|| interference(first, &now))
        .or_else(|| {
            let b = step_blockers(&now);
            (!b.is_empty()).then(|| Blocker::first_reason(&b))
        });
    Ok(match moved {
        Some(why) => Err(why),
        None => Ok(now),
    })
}

/// A dry run's first check: no wait; blockers that only settle are said as a wait to come.
fn dry_run_check(
    report: RolloutReport,
    blockers: Vec<Blocker>,
    what: &str,
    then: String,
) -> RolloutReport {
    if blockers.is_empty() {
        return report.end(Outcome::DryRun, then);
    }
    if only_settling(&blockers) {
        let msg = format!("{what} {}, then: {then}", would_wait(&blockers));
        let mut r = report.end(Outcome::DryRun, msg);
        r.blockers = blockers;
        return r;
    }
    report.refused(blockers, true, what)
}

/// A gate that did not clear: the report's end. None: go on.
fn gate_stop(
    report: &mut RolloutReport,
    verdict: Verdict,
    timeout: Duration,
    before: &str,
) -> Option<(Outcome, String)> {
    match verdict {
        Verdict::Clear | Verdict::Wait(_) => None,
        Verdict::Refuse(b) | Verdict::NotSettling(b) => {
            let msg = format!("refusing {before}: {}; stopped", Blocker::first_reason(&b));
            report.blockers = b;
            Some((Outcome::Refused, msg))
        }
        Verdict::TimedOut(b) => {
            let msg = format!(
                "still waiting after {} (--timeout) before {before}: {}; stopped",
                human_duration(timeout.as_secs() as i64),
                Blocker::first_reason(&b)
            );
            report.blockers = b;
            Some((Outcome::TimedOut, msg))
        }
    }
}

fn go_back(v: &SetView) -> String {
    match v.strategy {
        Strategy::OnDelete => format!(
            "restore the previous template (kubectl rollout undo sts/{n} -n {ns}), then kubectl sts rollout apply {n} -n {ns} moves the updated pods back; no other pod was touched",
            n = v.name,
            ns = v.namespace
        ),
        Strategy::RollingUpdate { partition, .. } => format!(
            "kubectl patch sts {n} -n {ns} -p '{{\"spec\":{{\"updateStrategy\":{{\"rollingUpdate\":{{\"partition\":{partition}}}}}}}}}' keeps the controller from replacing more pods; kubectl rollout undo sts/{n} -n {ns} restores the template",
            n = v.name,
            ns = v.namespace
        ),
    }
}

/// Takes the set's disruption Lease (waiting at most the next wait's limit): Some(blockers)
/// when another kubectl-sts process holds it on.
async fn take_lease(
    leases: &Leases,
    ns: &str,
    name: &str,
    opts: &RolloutOptions,
    log: &mut Progress<'_>,
) -> Result<Option<Vec<Blocker>>, Error> {
    Ok(leases
        .acquire(ns, name, opts.wait_limit(), log)
        .await?
        .err()
        .map(|why| vec![Blocker::new(BlockerCode::DisruptionLeaseHeld, why)]))
}

/// Before a write: Some(why) when the set's Lease was lost (its blocker goes into the report).
fn lease_lost(leases: &Leases, ns: &str, name: &str, report: &mut RolloutReport) -> Option<String> {
    let why = leases.check(ns, name).err()?;
    report.blockers = vec![Blocker::new(BlockerCode::DisruptionLeaseLost, why.clone())];
    Some(why)
}

/// `rollout apply` (and the OnDelete half of `restart`): one step at a time, each only when
/// every pod is Ready and available, each followed until its pods are back on the update
/// revision and available.
pub async fn apply(
    cluster: &Cluster,
    ns: &str,
    opts: &RolloutOptions,
    leases: &Leases,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<RolloutReport, Error> {
    let v = read(cluster, ns, &opts.name).await?;
    run_plan(cluster, ns, opts, v, Action::Apply, leases, log, journal).await
}

#[allow(clippy::too_many_arguments)]
async fn run_plan(
    cluster: &Cluster,
    ns: &str,
    opts: &RolloutOptions,
    first: SetView,
    action: Action,
    leases: &Leases,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<RolloutReport, Error> {
    let mut report = RolloutReport::new(action, &first);
    let plan = apply_plan(&first, opts.to_partition).map_err(Error::usage)?;
    report.plan = plan.clone();
    let name = &opts.name;
    if plan.is_empty() {
        let msg = match first.strategy {
            Strategy::RollingUpdate { partition: 0, .. } => format!(
                "statefulset {ns}/{name} uses RollingUpdate without a partition: the controller replaces the pods itself (kubectl sts rollout status {name} --watch follows it)"
            ),
            Strategy::RollingUpdate { partition, .. } => format!(
                "statefulset {ns}/{name} is already at partition {partition}: nothing to lower"
            ),
            Strategy::OnDelete => format!(
                "every pod of statefulset {ns}/{name} is on the update revision {}",
                first.update_revision.as_deref().unwrap_or("?")
            ),
        };
        return Ok(report.end(Outcome::Unchanged, msg));
    }
    let described: Vec<String> = plan.iter().map(ApplyStep::describe).collect();
    if opts.dry_run {
        let msg = format!(
            "statefulset {ns}/{name} may be rolled to {} in {} step(s): {}",
            first.update_revision.as_deref().unwrap_or("?"),
            plan.len(),
            crate::model::summarised(&described, ", then ")
        );
        return Ok(dry_run_check(
            report,
            step_blockers(&first),
            &format!("rollout of statefulset {ns}/{name}"),
            msg,
        ));
    }
    let selector = selector_string_of(cluster, ns, name).await?;
    let mut waker = LazyWaker::new(|| Waker::new(cluster, ns, name, &selector));
    log.say(&format!(
        "rolling statefulset {ns}/{name} to revision {}, one step at a time: {}",
        first.update_revision.as_deref().unwrap_or("?"),
        crate::model::summarised(&described, ", then ")
    ));
    let total = plan.len();
    let left = |from: usize| -> String {
        if from >= total {
            String::new()
        } else {
            crate::model::summarised(&described[from..], ", then ")
        }
    };
    journal.left(&left(0));
    for (i, step) in plan.iter().enumerate() {
        // every step, the first included: wait for what settles, then the guards on fresh state;
        // the first write takes the set's disruption Lease once the guards let it (a refusal
        // writes nothing), and the guards judge again what another process left
        let before = format!("step {}/{total} ({})", i + 1, step.describe());
        let mut v = loop {
            let g = gate(
                cluster,
                ns,
                opts,
                &first,
                &mut waker,
                log,
                &mut report.waits,
            )
            .await?;
            if let Some(m) = interference(&first, &g.state) {
                return Ok(report.end(
                    Outcome::Interfered,
                    format!("{m}; stopped before step {}", i + 1),
                ));
            }
            if let Some((outcome, msg)) =
                gate_stop(&mut report, g.verdict, opts.wait_limit(), &before)
            {
                return Ok(report.end(outcome, msg));
            }
            if leases.holds(ns, name) {
                break g.state;
            }
            if let Some(refusal) = take_lease(leases, ns, name, opts, log).await? {
                let what = format!("rollout of statefulset {ns}/{name}");
                return Ok(report.refused(refusal, false, &what));
            }
        };
        log.say(&format!("step {}/{total}: {}", i + 1, step.describe()));
        let started = Instant::now();
        // the pods as planned: a pod someone else replaced since is not "still the old pod"
        let old_uids: Vec<String> = step
            .pods()
            .iter()
            .filter_map(|n| {
                first
                    .pods
                    .iter()
                    .find(|p| &p.name == n)
                    .map(|p| p.uid.clone())
            })
            .collect();
        let guards = |v: &SetView| {
            let b = step_blockers(v);
            (!b.is_empty()).then(|| Blocker::first_reason(&b))
        };
        if let Some(lost) = lease_lost(leases, ns, name, &mut report) {
            return Ok(report.end(
                Outcome::Interfered,
                format!("{lost}; stopped before step {}", i + 1),
            ));
        }
        if let Some(stop) = write_step(cluster, ns, &first, &mut v, step, &guards, log).await? {
            return Ok(report.end(Outcome::Interfered, stop));
        }
        journal.wrote(&step.describe());
        journal.left(&format!(
            "{} to be followed to available{}",
            step.pods().join(", "),
            if i + 1 < total {
                format!(", then {}", left(i + 1))
            } else {
                String::new()
            }
        ));
        loop {
            let now = read(cluster, ns, name).await?;
            if let Some(m) = interference(&first, &now) {
                return Ok(report.end(Outcome::Interfered, format!("{m}; stopped")));
            }
            match step_done(&now, step, &old_uids) {
                Ok(()) => break,
                Err(waiting) => {
                    if opts.out_of_time(started) {
                        log.done();
                        report.go_back = Some(go_back(&now));
                        report.blockers = waiting
                            .into_iter()
                            .map(|m| {
                                Blocker::new(crate::model::gate::BlockerCode::StepNotFinished, m)
                            })
                            .collect();
                        let msg = format!(
                            "step {}/{total} ({}) did not finish within {}: {}; the rollout stops here and no other pod was touched",
                            i + 1,
                            step.describe(),
                            human_duration(started.elapsed().as_secs() as i64),
                            Blocker::first_reason(&report.blockers)
                        );
                        return Ok(report.end(Outcome::TimedOut, msg));
                    }
                    log.waiting(&waiting.join("; "), started);
                }
            }
            waker.changed().await;
        }
        log.done();
        let secs = started.elapsed().as_secs_f64();
        log.say(&format!(
            "  done in {secs:.1}s: {} on revision {} and available",
            step.pods().join(", "),
            first.update_revision.as_deref().unwrap_or("?")
        ));
        report.steps.push(StepRecord {
            step: step.clone(),
            seconds: (secs * 10.0).round() / 10.0,
        });
    }
    let msg = format!(
        "statefulset {ns}/{name}: {} step(s) done; every pod the strategy updates is on revision {} and available",
        report.steps.len(),
        first.update_revision.as_deref().unwrap_or("?")
    );
    Ok(report.end(Outcome::Completed, msg))
}

/// One step's write, behind preconditions; a conflict (the kubelet writing the pod's status,
/// the controller the set's) is read again and the write made again while nothing else moved
/// and the guards still pass (`still_holds`). Some(reason) to stop.
async fn write_step(
    cluster: &Cluster,
    ns: &str,
    first: &SetView,
    v: &mut SetView,
    step: &ApplyStep,
    still_holds: &dyn Fn(&SetView) -> Option<String>,
    log: &mut Progress<'_>,
) -> Result<Option<String>, Error> {
    // said once the delete is made: a pod of grace 0 deleted with 1 (never a force delete)
    let note = std::cell::Cell::new(None::<String>);
    // the set's spec as this write was decided on (a lowered partition is a spec change)
    let basis = (v.uid.clone(), v.generation);
    let set_write = matches!(step, ApplyStep::LowerPartition { .. });
    let written = write_reproven(
        v,
        // Done(Err(why)): the step's own premise failed on this read (nothing written)
        async |v: &SetView| -> Result<Guarded<Result<(), String>>, Error> {
            Ok(match step {
                ApplyStep::DeletePod { ordinal, pod } => match delete_target(first, v, *ordinal) {
                    DeleteTarget::Delete(p) => {
                        let deleted = cluster
                            .delete_pod_if_unchanged(
                                ns,
                                pod,
                                &p.uid,
                                &p.resource_version,
                                delete_grace(p),
                            )
                            .await?;
                        if let Guarded::Done(()) = deleted {
                            note.set(delete_grace_note(p));
                        }
                        deleted.map(Ok)
                    }
                    // someone deleted or replaced it: the controller re-creates it at the
                    // update revision; the step follows that pod instead of deleting a new one
                    DeleteTarget::Gone | DeleteTarget::AlreadyUpdated => Guarded::Done(Ok(())),
                    DeleteTarget::Replaced { planned, now } => Guarded::Done(Err(format!(
                        "{pod} is no longer the pod this rollout planned to delete (uid {} then, {now} now) and is still on an old revision: someone else is replacing pods; stopped before deleting it",
                        planned.as_deref().unwrap_or("none")
                    ))),
                },
                ApplyStep::LowerPartition { from, to, .. } => match v.strategy {
                    Strategy::RollingUpdate { partition, .. } if partition == *from => {
                        let patch = serde_json::json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": to}}}});
                        cluster
                            .patch_set_if_unchanged(ns, &v.name, &v.resource_version, patch)
                            .await?
                            .map(|_| Ok(()))
                    }
                    _ => Guarded::Done(Err(format!(
                        "the partition is no longer {from} (someone else changed it); stopped"
                    ))),
                },
            })
        },
        async || {
            let now = read(cluster, ns, &first.name).await?;
            let moved = set_write
                .then(|| spec_moved(&now.name, (&basis.0, basis.1), (&now.uid, now.generation)))
                .flatten()
                .or_else(|| interference(first, &now))
                .or_else(|| still_holds(&now));
            Ok(match moved {
                Some(m) => Err(format!("{m}; stopped")),
                None => Ok(now),
            })
        },
    )
    .await?;
    if let Some(note) = note.take() {
        log.say(&note);
    }
    match written {
        Reproven::Done(Ok(())) => Ok(None),
        Reproven::Done(Err(stop)) | Reproven::Broken(stop) => Ok(Some(stop)),
        Reproven::Gone if !set_write => Ok(None),
        Reproven::Gone => Err(Error::not_found(format!(
            "statefulset {ns}/{} was deleted during the rollout",
            first.name
        ))),
        Reproven::KeptChanging(m) => Ok(Some(format!(
            "statefulset {ns}/{} kept changing while {} ({m}); stopped",
            first.name,
            step.describe()
        ))),
    }
}

/// `rollout repair`: delete the pod an OrderedReady rolling update waits for forever, after
/// confirmation, and follow its replacement to Ready.
pub async fn repair(
    cluster: &Cluster,
    ns: &str,
    opts: &RolloutOptions,
    leases: &Leases,
    confirm: &mut dyn Confirm,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<RolloutReport, Error> {
    let name = &opts.name;
    let stuck_after = i64::try_from(opts.stuck_after.as_secs()).unwrap_or(i64::MAX);
    let v = read(cluster, ns, name).await?;
    let mut report = RolloutReport::new(Action::Repair, &v);
    let target = match repair_target(&v, stuck_after) {
        Ok(p) => p.clone(),
        Err(b) => {
            let msg = if b.code == crate::model::gate::BlockerCode::ControllerStuck {
                format!("refusing to repair: {}; nothing changed", b.message)
            } else {
                format!(
                    "nothing to repair in statefulset {ns}/{name}: {}",
                    b.message
                )
            };
            report.blockers = vec![b];
            return Ok(report.end(Outcome::Refused, msg));
        }
    };
    report.evidence = vec![
        format!(
            "pod {}: revision {}, the set's update revision {}",
            target.name,
            target.revision.as_deref().unwrap_or("?"),
            v.update_revision.as_deref().unwrap_or("?")
        ),
        format!(
            "not Ready for {} ({}), {} restart(s){}",
            human_duration(target.not_ready_seconds.unwrap_or(0)),
            target.status,
            target.restarts,
            target
                .waiting_reason
                .as_ref()
                .map(|r| format!(", waiting: {r}"))
                .unwrap_or_default()
        ),
        "the OrderedReady controller does not replace a pod that is not Running and Ready, so it waits for this one forever (kubernetes/kubernetes#67250)".into(),
    ];
    let step = ApplyStep::DeletePod {
        pod: target.name.clone(),
        ordinal: target.ordinal,
    };
    report.plan = vec![step.clone()];
    // the update revision, or the current one below a partition
    let back_at = v
        .comes_back_at(target.ordinal)
        .cloned()
        .unwrap_or_else(|| "?".into());
    if opts.dry_run {
        let msg = format!(
            "{} would be deleted so that the controller recreates it at revision {back_at}",
            target.name,
        );
        return Ok(report.end(Outcome::DryRun, msg));
    }
    // the Lease before the prompt (waits come before a prompt, never after it)
    if let Some(refusal) = take_lease(leases, ns, name, opts, log).await? {
        return Ok(report.refused(
            refusal,
            false,
            &format!("the repair of statefulset {ns}/{name}"),
        ));
    }
    if !opts.yes {
        let question = format!(
            "Delete pod {ns}/{} (revision {}) so that the StatefulSet controller recreates it at revision {back_at}?\n{}",
            target.name,
            target.revision.as_deref().unwrap_or("?"),
            report.evidence.join("\n")
        );
        if !confirm.confirm(&question, "pod name", &target.name).await {
            let msg = format!(
                "not confirmed: {} was not deleted (pass --yes to confirm without a prompt)",
                target.name
            );
            return Ok(report.end(Outcome::NotConfirmed, msg));
        }
    }
    // the answer may come later: still the same pod, still stuck?
    let mut now = read(cluster, ns, name).await?;
    match repair_target(&now, stuck_after) {
        Ok(p) if p.uid == target.uid => {}
        _ => {
            let msg = format!("since the check, {} changed (replaced, Ready, or no longer blocking); nothing was deleted", target.name);
            return Ok(report.end(Outcome::Interfered, msg));
        }
    }
    let started = Instant::now();
    // a 409 (the kubelet or the controller wrote the pod) is retried while the same pod is
    // still the one the controller waits for
    let same_pod = |now: &SetView| {
        match repair_target(now, stuck_after) {
        Ok(p) if p.uid == target.uid => None,
        _ => Some(format!(
            "since the check, {} changed (replaced, Ready, or no longer blocking); nothing was deleted",
            target.name
        )),
    }
    };
    if let Some(lost) = lease_lost(leases, ns, name, &mut report) {
        return Ok(report.end(Outcome::Interfered, format!("{lost}; nothing was deleted")));
    }
    if let Some(stop) = write_step(cluster, ns, &v, &mut now, &step, &same_pod, log).await? {
        return Ok(report.end(Outcome::Interfered, stop));
    }
    log.say(&format!("deleted {} (uid {})", target.name, target.uid));
    journal.wrote(&format!("deleted pod {} (uid {})", target.name, target.uid));
    journal.left(&format!(
        "the controller re-creates {} at revision {back_at} (kubectl sts rollout status {name} --watch follows it)",
        target.name
    ));
    let mut waker = Waker::new(
        cluster,
        ns,
        name,
        &selector_string_of(cluster, ns, name).await?,
    );
    let old = vec![target.uid.clone()];
    loop {
        let now = read(cluster, ns, name).await?;
        match step_done(&now, &step, &old) {
            Ok(()) => break,
            Err(w) => {
                if started.elapsed() >= opts.timeout {
                    log.done();
                    report.blockers = w
                        .into_iter()
                        .map(|m| Blocker::new(crate::model::gate::BlockerCode::StepNotFinished, m))
                        .collect();
                    let msg = format!(
                        "{} was recreated but is not available at revision {back_at} within {}: {}",
                        target.name,
                        human_duration(opts.timeout.as_secs() as i64),
                        Blocker::first_reason(&report.blockers)
                    );
                    return Ok(report.end(Outcome::TimedOut, msg));
                }
                log.waiting(&w.join("; "), started);
            }
        }
        waker.changed().await;
    }
    log.done();
    let secs = started.elapsed().as_secs_f64();
    report.steps.push(StepRecord {
        step,
        seconds: (secs * 10.0).round() / 10.0,
    });
    let msg = format!(
        "{} recreated at revision {back_at} and available after {secs:.1}s; the controller goes on with the rollout (kubectl sts rollout status {name} --watch)",
        target.name,
    );
    Ok(report.end(Outcome::Completed, msg))
}

/// `rollout restart`: as `kubectl rollout restart` (the template's restartedAt annotation),
/// refused while any pod is unhealthy, then followed to completion; for OnDelete it performs
/// the rollout itself, as `apply`.
pub async fn restart(
    cluster: &Cluster,
    ns: &str,
    opts: &RolloutOptions,
    leases: &Leases,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<RolloutReport, Error> {
    // --timeout bounds the whole restart: the gate, the controller observing the change, a
    // pod stuck Terminating, every step (Duration::MAX, no limit: no deadline)
    let opts = &RolloutOptions {
        deadline: Instant::now().checked_add(opts.timeout),
        ..opts.clone()
    };
    let name = &opts.name;
    let v = read(cluster, ns, name).await?;
    let mut report = RolloutReport::new(Action::Restart, &v);
    if opts.dry_run {
        let msg = format!(
            "statefulset {ns}/{name} may be restarted: its template gets kubectl.kubernetes.io/restartedAt, then {}",
            match v.strategy {
                Strategy::OnDelete => "each pod is deleted and recreated, highest ordinal first, one at a time".to_string(),
                Strategy::RollingUpdate { partition, .. } if partition > 0 =>
                    format!("the controller replaces the pods from ordinal {partition} up (the partition keeps the others)"),
                Strategy::RollingUpdate { .. } => "the controller replaces every pod, highest ordinal first".into(),
            }
        );
        return Ok(dry_run_check(
            report,
            step_blockers(&v),
            &format!("restart of statefulset {ns}/{name}"),
            msg,
        ));
    }
    let selector = selector_string_of(cluster, ns, name).await?;
    let mut waker = LazyWaker::new(|| Waker::new(cluster, ns, name, &selector));
    let first = v;
    let before = format!("the restart of statefulset {ns}/{name}");
    // the Lease once the guards let the restart (a refusal writes nothing), held until every
    // pod is replaced (the controller takes them down one by one); the guards judge again what
    // another process left
    let v = loop {
        let g = gate(
            cluster,
            ns,
            opts,
            &first,
            &mut waker,
            log,
            &mut report.waits,
        )
        .await?;
        if let Some(m) = interference(&first, &g.state) {
            return Ok(report.end(Outcome::Interfered, format!("{m}; nothing changed")));
        }
        if let Some((outcome, msg)) = gate_stop(&mut report, g.verdict, opts.timeout, &before) {
            let msg = msg.replace("; stopped", "; nothing changed");
            return Ok(report.end(outcome, msg));
        }
        if leases.holds(ns, name) {
            break g.state;
        }
        if let Some(refusal) = take_lease(leases, ns, name, opts, log).await? {
            let what = format!("restart of statefulset {ns}/{name}");
            return Ok(report.refused(refusal, false, &what));
        }
    };
    if let Some(lost) = lease_lost(leases, ns, name, &mut report) {
        return Ok(report.end(Outcome::Interfered, format!("{lost}; nothing changed")));
    }
    // kubectl's own format (kubectl/pkg/polymorphichelpers/objectrestarter.go: time.RFC3339)
    let at = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let patch = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}});
    // a 409 is mostly the controller writing the set's status: re-proven, not interference
    let mut v = v;
    let basis = (v.uid.clone(), v.generation);
    let written = write_reproven(
        &mut v,
        async |v: &SetView| {
            cluster
                .patch_set_if_unchanged(ns, name, &v.resource_version, patch.clone())
                .await
        },
        async || reproven_set(cluster, ns, &first, (&basis.0, basis.1)).await,
    )
    .await?;
    let generation = match written {
        Reproven::Done(s) => s.metadata.generation.unwrap_or(0),
        Reproven::Broken(why) => {
            return Ok(report.end(Outcome::Interfered, format!("{why}; nothing changed")));
        }
        Reproven::KeptChanging(m) => {
            let msg = format!("statefulset {ns}/{name} kept changing while being restarted ({m}); nothing changed, run again");
            return Ok(report.end(Outcome::Interfered, msg));
        }
        Reproven::Gone => {
            return Err(Error::not_found(format!(
                "statefulset \"{name}\" not found"
            )))
        }
    };
    log.say(&format!(
        "statefulset {ns}/{name} restarted (restartedAt {at})"
    ));
    journal.wrote(&format!(
        "kubectl.kubernetes.io/restartedAt {at} on the template of statefulset {ns}/{name}"
    ));
    journal.left(&match v.strategy {
        Strategy::OnDelete => "every pod to be deleted and re-created, highest ordinal first (run the same command again: it restarts them anew; kubectl sts rollout apply goes on with this restart)".to_string(),
        Strategy::RollingUpdate { .. } => format!("the controller replaces the pods by itself (kubectl sts rollout status {name} --watch follows it)"),
    });
    // the controller computes the new revision: wait until it has seen the change
    let started = Instant::now();
    let mut now = read(cluster, ns, name).await?;
    while now.observed_generation < generation || now.update_revision == v.update_revision {
        if opts.out_of_time(started) {
            let msg = format!(
                "the StatefulSet controller did not observe the restart within {}",
                human_duration(started.elapsed().as_secs() as i64)
            );
            return Ok(report.end(Outcome::TimedOut, msg));
        }
        log.waiting("the controller to compute the new revision", started);
        waker.changed().await;
        now = read(cluster, ns, name).await?;
    }
    log.done();
    if now.strategy == Strategy::OnDelete {
        let mut r = run_plan(
            cluster,
            ns,
            &RolloutOptions {
                to_partition: None,
                ..opts.clone()
            },
            now,
            Action::Restart,
            leases,
            log,
            journal,
        )
        .await?;
        // the waits before the restart's own write come first
        let later = std::mem::take(&mut r.waits);
        r.waits = std::mem::take(&mut report.waits);
        r.waits.extend(later);
        if r.outcome == Outcome::Completed {
            r.message = format!("statefulset {ns}/{name} restarted: {}", r.message);
        }
        return Ok(r);
    }
    // RollingUpdate: the controller replaces the pods; follow it, stopping at a stuck pod
    // (--timeout 0 is Duration::MAX: never stuck)
    let stuck = i64::try_from(opts.timeout.as_secs()).unwrap_or(i64::MAX);
    loop {
        let s = rollout_status(&now, stuck);
        if s.done {
            break;
        }
        if let Overall::Stuck { .. } | Overall::ControllerStuck { .. } = s.overall {
            report.go_back = Some(go_back(&now));
            return Ok(report.end(
                Outcome::TimedOut,
                format!("statefulset {ns}/{name}: {}", s.words),
            ));
        }
        // a pod stuck Terminating is never "not Ready for too long": the deadline ends it
        if opts.out_of_time(started) {
            log.done();
            report.go_back = Some(go_back(&now));
            let msg = format!(
                "the restart of statefulset {ns}/{name} did not finish within {} (--timeout): {}",
                human_duration(opts.timeout.as_secs() as i64),
                s.words
            );
            return Ok(report.end(Outcome::TimedOut, msg));
        }
        log.waiting(&s.words, started);
        waker.changed().await;
        now = read(cluster, ns, name).await?;
    }
    log.done();
    report.update_revision = now.update_revision.clone();
    let msg = format!(
        "statefulset {ns}/{name} restarted: every pod the strategy updates is on revision {} and available ({:.1}s)",
        now.update_revision.as_deref().unwrap_or("?"),
        started.elapsed().as_secs_f64()
    );
    Ok(report.end(Outcome::Completed, msg))
}
