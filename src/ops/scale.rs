//! `scale`: one ordinal per step, each step guarded before and verified after.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::gate::{settle, LazyWaker};
use super::lease::Leases;
use super::retry::{write_reproven, Reproven};
use super::Waker;
use crate::cluster::{selector_string, Cluster};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::model::gate::{only_settling, spec_moved, would_wait, Verdict, Wait};
use crate::model::gate::{Blocker, BlockerCode};
use crate::model::health::pod_ready;
use crate::model::scale::{
    autoscalers_of, interference, plan, preflight, retained_claims, step_blockers, step_progress,
    too_many_steps, Progress, Step,
};
use crate::model::view::SetView;
use crate::model::Access;

/// `--max-steps` unless given.
pub const DEFAULT_MAX_STEPS: i64 = 100;

#[derive(Debug, Clone)]
pub struct ScaleOptions {
    pub name: String,
    pub replicas: i64,
    /// Longest wait for one step to finish.
    pub timeout: Duration,
    pub dry_run: bool,
    pub allow_claim_deletion: bool,
    /// kubectl scale's precondition: proceed only if spec.replicas is this now.
    pub current_replicas: Option<i64>,
    /// A scale of more steps than this is refused (`--max-steps`).
    pub max_steps: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Every step done.
    Completed,
    /// Already at the requested replicas.
    Unchanged,
    /// `--dry-run`: the guards were checked, nothing changed.
    DryRun,
    /// A guard refused the next step; nothing more was changed.
    Refused,
    /// Somebody else changed the StatefulSet meanwhile; stopped without fighting them.
    Interfered,
    /// A step did not finish within `--timeout`.
    TimedOut,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    #[serde(flatten)]
    pub step: Step,
    pub seconds: f64,
}

/// The `kubectl-sts/v1 ScaleResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub from: i64,
    pub to: i64,
    /// spec.replicas when the command ended.
    pub replicas: i64,
    pub outcome: Outcome,
    pub message: String,
    /// Why the next step was refused, or what a timed-out step still waited for.
    pub blockers: Vec<Blocker>,
    pub plan: Vec<Step>,
    pub steps: Vec<StepRecord>,
    /// Claims of ordinals at or above the final replicas, kept for a later scale-up.
    pub retained_claims: Vec<String>,
    /// What the gate waited for before a step (a pod inside minReadySeconds, the controller
    /// catching up), and how long.
    pub waits: Vec<Wait>,
}

impl ScaleReport {
    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            Outcome::Completed | Outcome::Unchanged => ExitCode::Ok,
            // only blockers that settle by themselves: the command would wait, then go on
            Outcome::DryRun if only_settling(&self.blockers) => ExitCode::Ok,
            Outcome::DryRun | Outcome::Refused | Outcome::Interfered => ExitCode::Refused,
            Outcome::TimedOut => ExitCode::TimedOut,
        }
    }
}

fn waiting_blockers(w: Vec<String>) -> Vec<Blocker> {
    w.into_iter()
        .map(|message| Blocker::new(BlockerCode::StepNotFinished, message))
        .collect()
}

/// Why the command stops before a write.
struct Stop {
    outcome: Outcome,
    message: String,
    blockers: Vec<Blocker>,
}

impl Stop {
    fn apply(
        self,
        mut report: ScaleReport,
        state: &SetView,
        finish: impl Fn(ScaleReport, &SetView, Outcome, String) -> ScaleReport,
    ) -> ScaleReport {
        report.blockers = self.blockers;
        finish(report, state, self.outcome, self.message)
    }
}

/// The gate before writing step `i` (0-based): nobody else changed the set since this
/// command's last write left it at `expected`, and — after waiting for what settles by
/// itself — the guards pass. Ok(state) to write.
#[allow(clippy::too_many_arguments)]
async fn gate_step(
    cluster: &Cluster,
    ns: &str,
    opts: &ScaleOptions,
    waker: &mut LazyWaker<'_>,
    log: &mut crate::progress::Progress<'_>,
    waits: &mut Vec<Wait>,
    claims: &std::collections::BTreeMap<i64, Vec<String>>,
    set_uid: &str,
    expected: i64,
    i: usize,
    step: &Step,
) -> Result<Result<SetView, (SetView, Stop)>, Error> {
    let g = settle(waker, log, opts.timeout, waits, async || {
        let state = read_without_claims(cluster, ns, &opts.name, claims).await?;
        // someone else's change: nothing to wait for, the caller stops
        let blockers = if interference(&state, set_uid, expected).is_some() {
            vec![]
        } else {
            // the whole preflight again, not only the first time: a GitOps change of the
            // retention policy or a new autoscaler mid-scale stops the next step
            blockers_now(cluster, ns, opts, &state).await?
        };
        Ok((state, blockers))
    })
    .await?;
    let state = g.state;
    if let Some(m) = interference(&state, set_uid, expected) {
        let stop = Stop {
            outcome: Outcome::Interfered,
            message: format!("{m}; stopped"),
            blockers: vec![],
        };
        return Ok(Err((state, stop)));
    }
    let refusing = |blockers: Vec<Blocker>, outcome: Outcome, what: &str| Stop {
        outcome,
        message: format!(
            "{what} step {} (replicas {expected} → {}): {}; stopped at {expected} replicas",
            i + 1,
            step.replicas,
            Blocker::first_reason(&blockers)
        ),
        blockers,
    };
    let stop = match g.verdict {
        Verdict::Clear | Verdict::Wait(_) => return Ok(Ok(state)),
        Verdict::Refuse(b) | Verdict::NotSettling(b) => refusing(b, Outcome::Refused, "refusing"),
        Verdict::TimedOut(b) => refusing(
            b,
            Outcome::TimedOut,
            &format!(
                "still waiting after {} (--timeout) before",
                crate::kubefmt::human_duration(opts.timeout.as_secs() as i64)
            ),
        ),
    };
    Ok(Err((state, stop)))
}

/// The autoscalers that target the set now (read before every step: one may be created
/// mid-scale); None when RBAC denies the list (warned once, before the first step).
async fn autoscalers_now(
    cluster: &Cluster,
    ns: &str,
    name: &str,
) -> Result<Option<Vec<String>>, Error> {
    Ok(match cluster.autoscalers(ns).await? {
        Access::Ok(hpas) => Some(autoscalers_of(name, &hpas)),
        Access::Forbidden => None,
    })
}

/// Everything that blocks a step of this scale now: the whole preflight (autoscalers read
/// again, the retention policy as the set says now) and the step's own guards.
async fn blockers_now(
    cluster: &Cluster,
    ns: &str,
    opts: &ScaleOptions,
    state: &SetView,
) -> Result<Vec<Blocker>, Error> {
    let autoscalers = autoscalers_now(cluster, ns, &opts.name)
        .await?
        .unwrap_or_default();
    let mut blockers = preflight(
        state,
        opts.replicas,
        opts.allow_claim_deletion,
        &autoscalers,
    );
    blockers.extend(step_blockers(state));
    Ok(blockers)
}

/// Reads the set's state. Claims only where a guard or the report needs them; nodes
/// only those of pods that are not Ready (they only explain why), each by name, so
/// that a long wait on a large cluster does not list every node every few seconds.
async fn read(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    claims: bool,
) -> Result<(SetView, k8s_openapi::api::apps::v1::StatefulSet), Error> {
    let mut parts = cluster.set_parts(ns, name, claims).await?;
    let unready: std::collections::BTreeSet<String> = parts
        .pods
        .iter()
        .filter(|p| !pod_ready(p))
        .filter_map(|p| p.spec.as_ref()?.node_name.clone())
        .take(MAX_NODES_EXPLAINED + 1)
        .collect();
    if !unready.is_empty() && unready.len() <= MAX_NODES_EXPLAINED {
        let found = futures::future::join_all(unready.iter().map(|n| cluster.node_opt(n))).await;
        let mut nodes = Vec::new();
        for f in found {
            match f? {
                Access::Ok(n) => nodes.extend(n),
                Access::Forbidden => {
                    nodes.clear();
                    break;
                }
            }
        }
        parts.nodes = Access::Ok(nodes);
    }
    Ok((SetView::from_parts(&parts), parts.set))
}

/// Beyond this many nodes with unready pods the blockers name the pods without their nodes.
const MAX_NODES_EXPLAINED: usize = 10;

/// Runs the guarded scale; progress lines go to `log`.
/// A scale down takes the set's disruption Lease first (`leases`; released by the caller).
pub async fn run(
    cluster: &Cluster,
    ns: &str,
    opts: &ScaleOptions,
    leases: &Leases,
    log: &mut crate::progress::Progress<'_>,
) -> Result<ScaleReport, Error> {
    let mut report = run_steps(cluster, ns, opts, leases, log).await?;
    if report.replicas != report.from || !report.steps.is_empty() {
        // something was written: report the claims as they are now
        if let Ok((s, _)) = read(cluster, ns, &opts.name, true).await {
            report.retained_claims = retained_claims(&s, s.replicas);
            report.replicas = s.replicas;
        }
    }
    Ok(report)
}

async fn run_steps(
    cluster: &Cluster,
    ns: &str,
    opts: &ScaleOptions,
    leases: &Leases,
    log: &mut crate::progress::Progress<'_>,
) -> Result<ScaleReport, Error> {
    let (mut state, set) = read(cluster, ns, &opts.name, true).await?;
    let first_claims = state.claims.clone();
    let set_uid = state.uid.clone();
    // an implausible jump is refused before a plan of that size is even built
    let too_far = too_many_steps(state.replicas, opts.replicas, opts.max_steps);
    let steps = if too_far.is_some() {
        vec![]
    } else {
        plan(&state, opts.replicas)
    };
    let mut report = ScaleReport {
        api_version: "kubectl-sts/v1",
        kind: "ScaleResult",
        namespace: ns.into(),
        name: opts.name.clone(),
        from: state.replicas,
        to: opts.replicas,
        replicas: state.replicas,
        outcome: Outcome::Completed,
        message: String::new(),
        blockers: vec![],
        plan: steps.clone(),
        steps: vec![],
        retained_claims: vec![],
        waits: vec![],
    };
    let finish = |mut r: ScaleReport, state: &SetView, outcome, message: String| {
        r.outcome = outcome;
        r.message = message;
        r.replicas = state.replicas;
        r.retained_claims = retained_claims(state, state.replicas);
        r
    };
    if let Some(want) = opts.current_replicas {
        if want != state.replicas {
            return Ok(finish(
                report,
                &state,
                Outcome::Refused,
                format!(
                    "expected {want} current replicas (--current-replicas), found {}; nothing changed",
                    state.replicas
                ),
            ));
        }
    }
    if let Some(b) = too_far {
        let msg = format!(
            "refusing to scale statefulset {ns}/{} from {} to {}: {}; nothing changed",
            opts.name,
            state.replicas,
            opts.replicas,
            Blocker::first_reason(std::slice::from_ref(&b))
        );
        report.blockers = vec![b];
        return Ok(finish(report, &state, Outcome::Refused, msg));
    }
    if steps.is_empty() {
        let msg = format!(
            "statefulset {ns}/{} already has {} replicas",
            opts.name, state.replicas
        );
        return Ok(finish(report, &state, Outcome::Unchanged, msg));
    }
    if autoscalers_now(cluster, ns, &opts.name).await?.is_none() {
        log.say(&format!(
            "warning: not allowed to list horizontalpodautoscalers in {ns}: an autoscaler could undo this scale"
        ));
    }
    // the first gate: what needs a person refuses at once (nothing changed); what settles by
    // itself (a pod inside minReadySeconds, the controller catching up) is waited for
    let mut waker = LazyWaker::new(|| Waker::new(cluster, ns, &opts.name, &selector_string(&set)));
    let mut waits = Vec::new();
    // the first evaluation uses the read that planned (a refusal costs one read, as before)
    let mut fresh = Some(state.clone());
    let mut evaluate = async || {
        let state = match fresh.take() {
            Some(s) => s,
            None => read(cluster, ns, &opts.name, true).await?.0,
        };
        let blockers = blockers_now(cluster, ns, opts, &state).await?;
        Ok::<_, Error>((state, blockers))
    };
    let refused = |blockers: &[Blocker], state: &SetView| {
        format!(
            "refusing to scale statefulset {ns}/{} from {} to {}: {}; nothing changed",
            opts.name,
            state.replicas,
            opts.replicas,
            Blocker::first_reason(blockers)
        )
    };
    if opts.dry_run {
        let (state, blockers) = evaluate().await?;
        let msg = if blockers.is_empty() {
            format!(
                "statefulset {ns}/{} may be scaled from {} to {} in {} step(s): {}",
                opts.name,
                state.replicas,
                opts.replicas,
                steps.len(),
                describe_plan(&steps)
            )
        } else if only_settling(&blockers) {
            format!(
                "statefulset {ns}/{} {}, then be scaled from {} to {} in {} step(s): {}",
                opts.name,
                would_wait(&blockers),
                state.replicas,
                opts.replicas,
                steps.len(),
                describe_plan(&steps)
            )
        } else {
            format!(
                "scaling statefulset {ns}/{} from {} to {} would be refused now: {}",
                opts.name,
                state.replicas,
                opts.replicas,
                Blocker::first_reason(&blockers)
            )
        };
        report.blockers = blockers;
        return Ok(finish(report, &state, Outcome::DryRun, msg));
    }
    let mut g = settle(&mut waker, log, opts.timeout, &mut waits, &mut evaluate).await?;
    // removing pods takes pods of the set down: once the guards let it (a refusal writes
    // nothing, not even the Lease), another kubectl-sts process doing the same (a drain, a
    // rollout) is waited for, and the guards judge again what it left
    if matches!(g.verdict, Verdict::Clear | Verdict::Wait(_)) && opts.replicas < g.state.replicas {
        if let Err(why) = leases.acquire(ns, &opts.name, opts.timeout, log).await? {
            report.blockers = vec![Blocker::new(BlockerCode::DisruptionLeaseHeld, why)];
            let msg = refused(&report.blockers, &g.state);
            return Ok(finish(report, &g.state, Outcome::Refused, msg));
        }
        g = settle(&mut waker, log, opts.timeout, &mut waits, &mut evaluate).await?;
    }
    report.waits = std::mem::take(&mut waits);
    state = g.state;
    match g.verdict {
        Verdict::Clear | Verdict::Wait(_) => {}
        Verdict::Refuse(b) | Verdict::NotSettling(b) => {
            let msg = refused(&b, &state);
            report.blockers = b;
            return Ok(finish(report, &state, Outcome::Refused, msg));
        }
        Verdict::TimedOut(b) => {
            let msg = format!(
                "statefulset {ns}/{} was not ready to scale within {} (--timeout): {}; nothing changed",
                opts.name,
                crate::kubefmt::human_duration(opts.timeout.as_secs() as i64),
                Blocker::first_reason(&b)
            );
            report.blockers = b;
            return Ok(finish(report, &state, Outcome::TimedOut, msg));
        }
    }
    if let Some(m) = interference(&state, &set_uid, report.from) {
        // changed while the gate waited: a fresh start decides anew
        return Ok(finish(
            report,
            &state,
            Outcome::Interfered,
            format!("{m}; nothing changed"),
        ));
    }

    let claim_note = if opts.replicas < state.replicas && state.when_scaled == "Delete" {
        "whenScaled: Delete, so the StatefulSet controller deletes the removed pods' claims"
    } else {
        "claims are kept"
    };
    log.say(&format!(
        "scaling statefulset {ns}/{} from {} to {}, one pod at a time ({claim_note})",
        opts.name, state.replicas, opts.replicas
    ));
    let total = steps.len();
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            match gate_step(
                cluster,
                ns,
                opts,
                &mut waker,
                log,
                &mut report.waits,
                &first_claims,
                &set_uid,
                steps[i - 1].replicas,
                i,
                step,
            )
            .await?
            {
                Ok(s) => state = s,
                Err((s, stop)) => return Ok(stop.apply(report, &s, finish)),
            }
        }
        let action = if step.removes { "removing" } else { "adding" };
        log.say(&format!(
            "step {}/{total}: replicas {} → {} ({action} {})",
            i + 1,
            state.replicas,
            step.replicas,
            step.pod
        ));
        let started = Instant::now();
        let current = state.replicas;
        // the spec as this write was decided on: a status write by the controller moves the
        // resourceVersion but not the generation
        let basis = (state.uid.clone(), state.generation);
        let mut stopped: Option<(SetView, Stop)> = None;
        if let Err(why) = leases.check(ns, &opts.name) {
            let stop = Stop {
                outcome: Outcome::Interfered,
                message: format!("{why}; stopped at {current} replicas"),
                blockers: vec![Blocker::new(BlockerCode::DisruptionLeaseLost, why)],
            };
            return Ok(stop.apply(report, &state, finish));
        }
        let written = write_reproven(
            &mut state,
            async |s: &SetView| {
                cluster
                    .scale_if_unchanged(ns, &opts.name, &s.resource_version, step.replicas)
                    .await
            },
            // read again and re-prove: the same set at the same spec, spec.replicas as this
            // command left it, and the gate (which waits again for what settles by itself)
            async || {
                let gated = gate_step(
                    cluster,
                    ns,
                    opts,
                    &mut waker,
                    log,
                    &mut report.waits,
                    &first_claims,
                    &set_uid,
                    current,
                    i,
                    step,
                )
                .await?;
                Ok(match gated {
                    Ok(s) => match spec_moved(&s.name, (&basis.0, basis.1), (&s.uid, s.generation))
                    {
                        None => Ok(s),
                        Some(m) => Err(format!("{m}; stopped at {current} replicas")),
                    },
                    Err((s, stop)) => {
                        let why = stop.message.clone();
                        stopped = Some((s, stop));
                        Err(why)
                    }
                })
            },
        )
        .await?;
        match written {
            Reproven::Done(()) => {}
            Reproven::Broken(why) => {
                return Ok(match stopped.take() {
                    Some((s, stop)) => stop.apply(report, &s, finish),
                    None => finish(report, &state, Outcome::Interfered, why),
                });
            }
            Reproven::KeptChanging(m) => {
                let msg = format!(
                    "statefulset {ns}/{} kept changing ({m}); stopped at {} replicas",
                    opts.name, state.replicas
                );
                return Ok(finish(report, &state, Outcome::Interfered, msg));
            }
            Reproven::Gone => {
                return Err(Error::not_found(format!(
                    "statefulset {ns}/{} was deleted during the scale",
                    opts.name
                )))
            }
        }
        loop {
            state = read_without_claims(cluster, ns, &opts.name, &first_claims).await?;
            match step_progress(&state, step, &set_uid) {
                Progress::Done => break,
                Progress::Interfered(m) => {
                    return Ok(finish(
                        report,
                        &state,
                        Outcome::Interfered,
                        format!("{m}; stopped"),
                    ));
                }
                Progress::Waiting(w) => {
                    if started.elapsed() >= opts.timeout {
                        report.blockers = waiting_blockers(w);
                        let msg = format!(
                            "step {}/{total} (replicas → {}) did not finish within {}; spec.replicas stays {}",
                            i + 1,
                            step.replicas,
                            crate::kubefmt::human_duration(opts.timeout.as_secs() as i64),
                            state.replicas
                        );
                        return Ok(finish(report, &state, Outcome::TimedOut, msg));
                    }
                    log.waiting(&w.join("; "), started);
                }
            }
            waker.changed().await;
        }
        log.done();
        let secs = started.elapsed().as_secs_f64();
        log.say(&format!(
            "  done in {secs:.1}s: {} {}, {} of {} Ready",
            step.pod,
            if step.removes { "gone" } else { "Ready" },
            state.ready_replicas,
            state.replicas
        ));
        report.steps.push(StepRecord {
            step: step.clone(),
            seconds: (secs * 10.0).round() / 10.0,
        });
    }
    let msg = format!(
        "statefulset {ns}/{} scaled from {} to {}",
        opts.name, report.from, opts.replicas
    );
    Ok(finish(report, &state, Outcome::Completed, msg))
}

/// A read in the loop: the claims (which only the report uses) carried over from the first.
async fn read_without_claims(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    claims: &std::collections::BTreeMap<i64, Vec<String>>,
) -> Result<SetView, Error> {
    let (mut s, _) = read(cluster, ns, name, false).await?;
    s.claims = claims.clone();
    Ok(s)
}

fn describe_plan(steps: &[Step]) -> String {
    let words: Vec<String> = steps
        .iter()
        .map(|s| format!("{} {}", if s.removes { "remove" } else { "add" }, s.pod))
        .collect();
    crate::model::summarised(&words, ", then ")
}
