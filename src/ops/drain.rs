//! `drain`: the preflight (pure, `model::drain`), then cordon, then evictions through the
//! Eviction API one pod at a time — other pods first, then StatefulSet pods highest ordinal
//! first, each next one only once the previous one's replacement is Ready and available on
//! another node — so no set ever has two pods down because of the drain.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::lease::Leases;
use super::retry::{write_reproven, Reproven};
use super::Journal;
use crate::cluster::Cluster;
use crate::error::Error;
use crate::exit::ExitCode;
use crate::kubefmt::human_duration;
use crate::model::cordon::{cordon_moved, cordon_of, cordoned_at, disrupted_since, Cordon};
use crate::model::disruption::{
    deleted_long_ago, node_refusal, others_down, preflight, unbudgeted_sets, DrainFlags,
    DrainInput, PodVerdict, VerdictCode,
};
use crate::model::health::LeaseLookup;
use crate::model::health::{node_health, pod_available, pod_ready, pod_terminating, Readiness};
use crate::model::lease::{pulse, Heartbeat, Pulse, DRAIN_HEARTBEAT};
use crate::model::set::CORDONED_BY;
use crate::progress::Progress;
use k8s_openapi::api::core::v1::Node;

#[derive(Debug, Clone)]
pub struct DrainOptions {
    pub node: String,
    pub dry_run: bool,
    pub flags: DrainFlags,
    /// Longest wait for one pod: its eviction allowed, its replacement available.
    pub timeout: Duration,
    /// A kubelet silent for longer than this makes the node dead (not drainable).
    pub silence: Duration,
    /// `--parallel-sets`: how many StatefulSets are drained at once (each one pod at a time).
    pub parallel_sets: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Drained,
    /// Drained except pods whose volumes only this node holds: Pending until it returns.
    WaitingForNode,
    /// Drained except pods deleted longer ago than `--skip-wait-for-delete-timeout`, still
    /// bound to the node (not waited for, as kubectl drain): never called `Drained`.
    LeftTerminating,
    DryRun,
    Refused,
    /// Someone else changed what the drain relied on, or the node died meanwhile.
    Interfered,
    TimedOut,
}

/// One eviction done.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvictionRecord {
    pub namespace: String,
    pub pod: String,
    /// Seconds after the drain began.
    pub at_seconds: f64,
    /// How long until its replacement was Ready and available (StatefulSet pods) or it was
    /// gone (others).
    pub settled_seconds: Option<f64>,
    /// Where the replacement runs.
    pub replacement_node: Option<String>,
    /// 429 answers waited out before it was allowed.
    pub retries: u32,
}

/// The `kubectl-sts/v1 DrainResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub node: String,
    pub outcome: Outcome,
    pub message: String,
    /// Whether this drain cordoned the node (false: it was cordoned already).
    pub cordoned: bool,
    pub preflight: Vec<PodVerdict>,
    pub evictions: Vec<EvictionRecord>,
    /// Pods not evicted yet when it stopped.
    pub left: Vec<String>,
    /// What an eviction waited for before it was allowed (a budget's 429s, a replica inside
    /// minReadySeconds, pods terminating on the node), and how long.
    pub waits: Vec<DrainWait>,
    /// The node's pods read again at the end: what the drain leaves there (mirror, DaemonSet
    /// and finished pods, pods deleted longer ago than `--skip-wait-for-delete-timeout`:
    /// `NotWaitedFor`), or what was still there when it stopped.
    pub on_node: Vec<NodePod>,
    /// What the preflight warns of without refusing: a set without a PodDisruptionBudget
    /// (other tools can take a second pod of it down meanwhile).
    pub warnings: Vec<String>,
}

/// A pod bound to the node when the drain ended, with its verdict then.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePod {
    pub pod: String,
    pub code: VerdictCode,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainWait {
    pub pod: String,
    pub reason: String,
    pub seconds: f64,
}

impl DrainReport {
    /// The report of a drain of `node` that has not begun.
    fn new(node: &str) -> DrainReport {
        DrainReport {
            api_version: "kubectl-sts/v1",
            kind: "DrainResult",
            node: node.to_string(),
            outcome: Outcome::Drained,
            message: String::new(),
            cordoned: false,
            preflight: vec![],
            evictions: vec![],
            left: vec![],
            waits: vec![],
            on_node: vec![],
            warnings: vec![],
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            Outcome::Drained
            | Outcome::WaitingForNode
            | Outcome::LeftTerminating
            | Outcome::DryRun => ExitCode::Ok,
            Outcome::Refused | Outcome::Interfered => ExitCode::Refused,
            Outcome::TimedOut => ExitCode::TimedOut,
        }
    }

    /// The warnings; one line per pod: its verdict; then the node's pods at the end.
    pub fn details(&self) -> Vec<String> {
        self.warnings
            .iter()
            .map(|w| format!("warning: {w}"))
            .chain(
                self.preflight
                    .iter()
                    .map(|v| format!("{}/{}: {:?} — {}", v.namespace, v.name, v.code, v.reason)),
            )
            .chain(self.on_node.iter().map(|p| {
                format!(
                    "still on node/{}: {} ({:?} — {})",
                    self.node, p.pod, p.code, p.reason
                )
            }))
            .collect()
    }

    fn end(mut self, outcome: Outcome, message: String) -> DrainReport {
        self.outcome = outcome;
        self.message = message;
        self
    }
}

fn round1(s: f64) -> f64 {
    (s * 10.0).round() / 10.0
}

/// Reads everything and gives the preflight's verdicts; Err(refusal) for a node that is not
/// drainable, or — once the drain has `cordoned` it — that someone uncordoned meanwhile.
async fn evaluate(
    cluster: &Cluster,
    opts: &DrainOptions,
    cordoned: bool,
) -> Result<Result<Vec<PodVerdict>, String>, Error> {
    let node = cluster.get_node(&opts.node).await?;
    if cordoned && !unschedulable(&node) {
        return Ok(Err(uncordoned(&opts.node)));
    }
    let (lease, server_now, _) = cluster.node_lease(&opts.node).await?;
    let now = server_now.unwrap_or_else(jiff::Timestamp::now);
    let lease_age = match lease {
        LeaseLookup::Renewed(t) => Some(now.duration_since(t).as_secs().max(0)),
        LeaseLookup::Missing | LeaseLookup::Forbidden => None,
    };
    let nodes = match cluster.nodes_labelled().await? {
        crate::model::Access::Ok(n) => n,
        crate::model::Access::Forbidden => {
            return Ok(Err(
                "nodes may not be listed: where the pods could go is unknown".into(),
            ))
        }
    };
    let (pods, sets, pdbs, volumes) = cluster.drain_reads(&opts.node).await?;
    let input = DrainInput {
        node: &node,
        lease_age,
        nodes: &nodes,
        pods: &pods,
        sets: &sets,
        pdbs: &pdbs,
        volumes: &volumes,
        now,
        flags: opts.flags.clone(),
    };
    let silence = i64::try_from(opts.silence.as_secs()).unwrap_or(i64::MAX);
    if let Some(why) = node_refusal(&input, silence) {
        return Ok(Err(why));
    }
    Ok(Ok(preflight(&input)))
}

/// The drain: preflight, cordon (and a heartbeat on the node), evictions — each set's behind
/// its disruption Lease (`leases`: what is still held or beating when this returns, the caller
/// releases) —, the last look at the node.
pub async fn run(
    cluster: &Cluster,
    opts: &DrainOptions,
    leases: &Leases,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<DrainReport, Error> {
    let started = Instant::now();
    let node_name = &opts.node;
    let mut report = DrainReport::new(node_name);
    let verdicts = match evaluate(cluster, opts, false).await? {
        Ok(v) => v,
        Err(why) => {
            return Ok(report.end(
                Outcome::Refused,
                format!("refusing to drain node {node_name}: {why}; nothing changed"),
            ))
        }
    };
    report.preflight = verdicts.clone();
    report.warnings = unbudgeted_sets(&verdicts);
    if let Some(message) = refusal(&verdicts, node_name, opts.dry_run) {
        // a dry run that would be refused is a refusal for scripts too
        return Ok(report.end(Outcome::Refused, message));
    }
    let to_evict = to_evict(&verdicts);
    if opts.dry_run {
        let message = dry_run_message(node_name, &to_evict, &verdicts);
        return Ok(report.end(Outcome::DryRun, message));
    }
    for w in &report.warnings {
        log.say(&format!("warning: {w}"));
    }
    match cordon(cluster, node_name, log, journal).await? {
        Ok(cordoned) => report.cordoned = cordoned,
        Err(why) => return Ok(report.end(Outcome::Interfered, why)),
    }
    // uncordon refuses while this changes (a kubectl sts uncordon in another terminal)
    leases.beat_node(node_name).await?;
    let mut waiting_for_node = vec![];
    let mut evictor = Evictor {
        cluster,
        opts,
        leases,
        journal,
        started,
        all: pod_names(to_evict.iter()),
        done: 0,
    };
    if let Some((outcome, msg)) = evictor
        .evict_all(&to_evict, &mut report, &mut waiting_for_node, log)
        .await?
    {
        return Ok(report.end(outcome, msg));
    }
    report.left = vec![];
    journal.left("");
    if let Some((outcome, msg)) = look_at_the_end(cluster, opts, &mut report, log).await? {
        return Ok(report.end(outcome, msg));
    }
    log.done();
    let (outcome, msg) = drained(&report, &waiting_for_node, started.elapsed());
    Ok(report.end(outcome, msg))
}

/// The words of a refusal when the preflight found pods that block the drain (in a dry run:
/// what would be refused); None when nothing blocks it.
fn refusal(verdicts: &[PodVerdict], node_name: &str, dry_run: bool) -> Option<String> {
    let blockers: Vec<&PodVerdict> = verdicts.iter().filter(|v| v.code.blocks()).collect();
    let first = &blockers.first()?.reason;
    let more = if blockers.len() > 1 {
        format!(" (and {} more)", blockers.len() - 1)
    } else {
        String::new()
    };
    let verb = if dry_run {
        "would be refused"
    } else {
        "refused; nothing changed"
    };
    Some(format!("drain of node {node_name} {verb}: {first}{more}"))
}

/// The pods the drain evicts, in the preflight's order with the pinned ones last (they stay
/// Pending until the node returns); skipped and terminating pods are not evicted.
fn to_evict(verdicts: &[PodVerdict]) -> Vec<PodVerdict> {
    let mut v: Vec<PodVerdict> = verdicts
        .iter()
        .filter(|v| {
            !matches!(
                v.code,
                VerdictCode::Skipped | VerdictCode::Terminating | VerdictCode::NotWaitedFor
            )
        })
        .cloned()
        .collect();
    v.sort_by_key(|p| p.pinned);
    v
}

/// What a dry run says a drain would do: cordon, the evictions in order, the terminating pods
/// it would wait for.
fn dry_run_message(node_name: &str, to_evict: &[PodVerdict], verdicts: &[PodVerdict]) -> String {
    let names = pod_names(to_evict.iter());
    let terminating = pod_names(
        verdicts
            .iter()
            .filter(|v| v.code == VerdictCode::Terminating),
    );
    let then_wait = if terminating.is_empty() {
        String::new()
    } else {
        format!(
            "; then wait until {} (terminating) is gone",
            crate::model::summarised(&terminating, ", ")
        )
    };
    format!(
        "node {node_name} may be drained: cordon, then evict one at a time: {}{then_wait}",
        if names.is_empty() {
            "nothing to evict".to_string()
        } else {
            crate::model::summarised(&names, ", then ")
        }
    )
}

/// `namespace/name` of each pod.
fn pod_names<'v>(verdicts: impl Iterator<Item = &'v PodVerdict>) -> Vec<String> {
    verdicts
        .map(|v| format!("{}/{}", v.namespace, v.name))
        .collect()
}

/// The order of the evictions: `first` one group after the other, then `parallel_sets`
/// (`--parallel-sets` of them at once, each one pod at a time), then `last`.
struct EvictionPlan<'v> {
    first: Vec<Vec<&'v PodVerdict>>,
    parallel_sets: Vec<Vec<&'v PodVerdict>>,
    last: Vec<Vec<&'v PodVerdict>>,
}

/// Orders the evictions: other pods first, one at a time; then StatefulSet pods set by set
/// (highest ordinal first within a set, as the preflight lists them), `parallel` sets at
/// once; pinned ones last.
fn plan(to_evict: &[PodVerdict], parallel: usize) -> EvictionPlan<'_> {
    let (others, rest): (Vec<&PodVerdict>, Vec<&PodVerdict>) = to_evict
        .iter()
        .partition(|v| v.statefulset.is_none() && !v.pinned);
    let (pinned, sets): (Vec<&PodVerdict>, Vec<&PodVerdict>) =
        rest.into_iter().partition(|v| v.pinned);
    let mut groups: Vec<Vec<&PodVerdict>> = vec![];
    for v in sets {
        match groups.last_mut() {
            Some(g) if g[0].namespace == v.namespace && g[0].statefulset == v.statefulset => {
                g.push(v)
            }
            _ => groups.push(vec![v]),
        }
    }
    let mut first: Vec<Vec<&PodVerdict>> = others.into_iter().map(|v| vec![v]).collect();
    if parallel <= 1 {
        first.append(&mut groups);
    }
    EvictionPlan {
        first,
        parallel_sets: groups,
        last: pinned.into_iter().map(|v| vec![v]).collect(),
    }
}

/// The evictions of one drain: what they need, and how many of `all` (the pods to evict, in
/// order) are done.
struct Evictor<'a> {
    cluster: &'a Cluster,
    opts: &'a DrainOptions,
    leases: &'a Leases,
    journal: &'a Journal,
    started: Instant,
    all: Vec<String>,
    done: usize,
}

impl Evictor<'_> {
    /// Evicts the pods in the order [`plan`] gives; Some: the drain ends there.
    async fn evict_all(
        &mut self,
        to_evict: &[PodVerdict],
        report: &mut DrainReport,
        waiting: &mut Vec<String>,
        log: &mut Progress<'_>,
    ) -> Result<Option<(Outcome, String)>, Error> {
        let plan = plan(to_evict, self.opts.parallel_sets.max(1));
        for g in &plan.first {
            if let Some(stop) = self.evict_group(g, report, waiting, log).await? {
                return Ok(Some(stop));
            }
        }
        if !plan.parallel_sets.is_empty() {
            if let Some(stop) = self
                .evict_sets_in_parallel(plan.parallel_sets, report, waiting)
                .await?
            {
                return Ok(Some(stop));
            }
        }
        // the pinned ones go last, after the sets run in parallel
        for g in &plan.last {
            if let Some(stop) = self.evict_group(g, report, waiting, log).await? {
                return Ok(Some(stop));
            }
        }
        Ok(None)
    }

    /// Evicts one group's pods one after the other, each once the one before has settled;
    /// Some: the drain ends there.
    async fn evict_group(
        &mut self,
        group: &[&PodVerdict],
        report: &mut DrainReport,
        waiting: &mut Vec<String>,
        log: &mut Progress<'_>,
    ) -> Result<Option<(Outcome, String)>, Error> {
        for planned in group {
            report.left = self.all[self.done..].to_vec();
            self.journal
                .left(&format!("evict {}", report.left.join(", ")));
            let r = evict_one(
                self.cluster,
                self.opts,
                self.leases,
                planned,
                (self.started, waiting.as_slice()),
                log,
                self.journal,
            )
            .await;
            let r = match r {
                Ok(r) => r,
                Err(e) => {
                    release_set(self.leases, group, log).await;
                    return Err(e);
                }
            };
            self.done += 1;
            if let Some(stop) = record(report, waiting, r) {
                release_set(self.leases, group, log).await;
                return Ok(Some(stop));
            }
        }
        release_set(self.leases, group, log).await;
        Ok(None)
    }

    /// Evicts `--parallel-sets` sets at once, each set on its own (one pod of a set at a time,
    /// never two sets' stops mixed); Some: the first stop, once all have ended.
    async fn evict_sets_in_parallel(
        &self,
        groups: Vec<Vec<&PodVerdict>>,
        report: &mut DrainReport,
        waiting: &mut Vec<String>,
    ) -> Result<Option<(Outcome, String)>, Error> {
        use futures::StreamExt;
        let (cluster, opts, leases, started, journal) = (
            self.cluster,
            self.opts,
            self.leases,
            self.started,
            self.journal,
        );
        let results: Vec<Result<Vec<PodResult>, Error>> = futures::stream::iter(groups)
            .map(|g| async move {
                let mut log = Progress::stderr();
                let mut out = vec![];
                for planned in &g {
                    let r = evict_one(
                        cluster,
                        opts,
                        leases,
                        planned,
                        (started, &[]),
                        &mut log,
                        journal,
                    )
                    .await;
                    let r = match r {
                        Ok(r) => r,
                        Err(e) => {
                            release_set(leases, &g, &mut log).await;
                            return Err(e);
                        }
                    };
                    let stop = r.stop.is_some();
                    out.push(r);
                    if stop {
                        break;
                    }
                }
                release_set(leases, &g, &mut log).await;
                Ok(out)
            })
            .buffer_unordered(opts.parallel_sets.max(1))
            .collect()
            .await;
        let mut first_stop = None;
        for r in results {
            for pr in r? {
                if let Some(stop) = record(report, waiting, pr) {
                    first_stop.get_or_insert(stop);
                }
            }
        }
        Ok(first_stop)
    }
}

/// After a group of one set's pods (or a pod that is no set's): the set's disruption Lease
/// released, so that another kubectl-sts process may take its next pod down.
async fn release_set(leases: &Leases, group: &[&PodVerdict], log: &mut Progress<'_>) {
    if let Some(v) = group.first() {
        if let Some(set) = &v.statefulset {
            if let Some(w) = leases.release(&v.namespace, set).await {
                log.say(&format!("warning: {w}"));
            }
        }
    }
}

/// Why the drain stops when its node is schedulable again.
fn uncordoned(node: &str) -> String {
    format!(
        "node/{node} was uncordoned while it was being drained (spec.unschedulable is no longer set: kubectl uncordon, or kubectl sts uncordon --force): the pods it evicts could be scheduled back onto it; run the same command again to cordon it and go on"
    )
}

/// The node's pods read again at the end ([`last_look`]): nothing the drain should have
/// removed may still be there. Records what is left and what was waited for; Some: the drain
/// ends there.
async fn look_at_the_end(
    cluster: &Cluster,
    opts: &DrainOptions,
    report: &mut DrainReport,
    log: &mut Progress<'_>,
) -> Result<Option<(Outcome, String)>, Error> {
    let waited = Instant::now();
    let look = last_look(cluster, opts, log).await?;
    report.on_node = look.left;
    for pod in look.waited_for {
        report.waits.push(DrainWait {
            pod,
            reason: "terminating on the node: waited until it was gone".into(),
            seconds: round1(waited.elapsed().as_secs_f64()),
        });
    }
    Ok(look.stop)
}

/// How a drain that went through ends: drained, drained except pods left terminating (not
/// waited for), or drained except pods waiting for the node (`waiting`).
fn drained(report: &DrainReport, waiting: &[String], elapsed: Duration) -> (Outcome, String) {
    let node_name = &report.node;
    let not_waited: Vec<&str> = report
        .on_node
        .iter()
        .filter(|p| p.code == VerdictCode::NotWaitedFor)
        .map(|p| p.pod.as_str())
        .collect();
    let pinned_note = if waiting.is_empty() {
        String::new()
    } else {
        format!(
            "; {} wait for the node — their volumes live only on it: they stay Pending until it returns, and their PodDisruptionBudgets stay charged meanwhile (other drains and the cluster autoscaler are blocked){}",
            waiting.join(", "),
            down_together(&report.preflight, waiting)
        )
    };
    if !not_waited.is_empty() {
        let msg = format!(
            "node/{node_name} drained except {}: deleted longer ago than --skip-wait-for-delete-timeout, still terminating on the node (not waited for){pinned_note}",
            not_waited.join(", ")
        );
        (Outcome::LeftTerminating, msg)
    } else if waiting.is_empty() {
        let msg = format!(
            "node/{node_name} drained in {:.1}s: {} pod(s) evicted, one at a time",
            elapsed.as_secs_f64(),
            report.evictions.len()
        );
        (Outcome::Drained, msg)
    } else {
        let msg = format!(
            "node/{node_name} drained except {} — their volumes live only on this node: they stay Pending until it returns, and their PodDisruptionBudgets stay charged meanwhile (other drains and the cluster autoscaler are blocked){}",
            waiting.join(", "),
            down_together(&report.preflight, waiting)
        );
        (Outcome::WaitingForNode, msg)
    }
}

/// For the pods left Pending for the node: how many of one set are down together, when more
/// than one (`--pinned wait --allow-downtime`).
fn down_together(preflight: &[PodVerdict], waiting: &[String]) -> String {
    let mut by_set: std::collections::BTreeMap<String, usize> = Default::default();
    for v in preflight {
        if let Some(set) = &v.statefulset {
            if waiting.contains(&format!("{}/{}", v.namespace, v.name)) {
                *by_set.entry(format!("{}/{set}", v.namespace)).or_default() += 1;
            }
        }
    }
    let parts: Vec<String> = by_set
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(set, n)| format!("{n} pods of statefulset {set}"))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" — {} down together", parts.join(", "))
    }
}

/// What the end of a drain found on the node.
struct LastLook {
    /// The node's pods at the last read.
    left: Vec<NodePod>,
    /// The terminating pods it waited for.
    waited_for: Vec<String>,
    stop: Option<(Outcome, String)>,
}

/// The node's pods read again at the end of a drain (kubectl drain waits for every pod it
/// deleted, waitForDelete in k8s.io/kubectl/pkg/drain/drain.go; here also for pods someone else
/// deleted): a terminating pod is waited for until it is gone, bounded by `--timeout`, unless it
/// was deleted longer ago than `--skip-wait-for-delete-timeout`; any other pod that should have
/// gone means someone put it there meanwhile. Returns what is left on the node (what the drain
/// leaves, or what was still there when it stopped), and why it stopped.
async fn last_look(
    cluster: &Cluster,
    opts: &DrainOptions,
    log: &mut Progress<'_>,
) -> Result<LastLook, Error> {
    let started = Instant::now();
    let mut waited_for: Vec<String> = vec![];
    let mut waker = super::Waker::from_streams(
        cluster.watch_node_pods(&opts.node),
        Some(Duration::from_secs(2)),
    );
    let node = &opts.node;
    loop {
        let fresh = match evaluate(cluster, opts, true).await? {
            Ok(v) => v,
            Err(why) => {
                return Ok(LastLook {
                    left: vec![],
                    waited_for,
                    stop: Some((
                        Outcome::Interfered,
                        format!("stopped before the node's pods were gone: {why}"),
                    )),
                })
            }
        };
        let left: Vec<NodePod> = fresh
            .iter()
            .map(|v| NodePod {
                pod: format!("{}/{}", v.namespace, v.name),
                code: v.code,
                reason: v.reason.clone(),
            })
            .collect();
        let names = |code: fn(VerdictCode) -> bool| -> Vec<String> {
            left.iter()
                .filter(|p| code(p.code))
                .map(|p| p.pod.clone())
                .collect()
        };
        let running = names(|c| {
            !matches!(
                c,
                VerdictCode::Skipped | VerdictCode::Terminating | VerdictCode::NotWaitedFor
            )
        });
        if !running.is_empty() {
            let msg = format!(
                "node/{node} still runs {} after its evictions: put there (or back) while it drained; run the same command again",
                running.join(", ")
            );
            return Ok(LastLook {
                left,
                waited_for,
                stop: Some((Outcome::Interfered, msg)),
            });
        }
        let terminating = names(|c| c == VerdictCode::Terminating);
        if terminating.is_empty() {
            return Ok(LastLook {
                left,
                waited_for,
                stop: None,
            });
        }
        for t in &terminating {
            if !waited_for.contains(t) {
                waited_for.push(t.clone());
            }
        }
        if started.elapsed() >= opts.timeout {
            let msg = format!(
                "{} still terminating on node/{node} after {} (--timeout); a pod deleted longer ago than --skip-wait-for-delete-timeout is not waited for",
                terminating.join(", "),
                human_duration(opts.timeout.as_secs() as i64)
            );
            return Ok(LastLook {
                left,
                waited_for,
                stop: Some((Outcome::TimedOut, msg)),
            });
        }
        log.waiting(
            &format!("waiting for {} to terminate", terminating.join(", ")),
            started,
        );
        waker.changed().await;
    }
}

/// Adds one pod's result to the report; Some: the drain ends there.
fn record(
    report: &mut DrainReport,
    waiting: &mut Vec<String>,
    r: PodResult,
) -> Option<(Outcome, String)> {
    report.waits.extend(r.waits);
    if r.pinned {
        if let Some(e) = &r.eviction {
            waiting.push(format!("{}/{}", e.namespace, e.pod));
        }
    }
    if let Some(e) = r.eviction {
        report.evictions.push(e);
    }
    r.stop
}

/// What one pod's eviction came to.
#[derive(Default)]
struct PodResult {
    eviction: Option<EvictionRecord>,
    /// What its eviction waited for, each reason once, in the order they came.
    waits: Vec<DrainWait>,
    /// Evicted to wait for the node (`--pinned wait`).
    pinned: bool,
    /// The drain ends here.
    stop: Option<(Outcome, String)>,
}

impl PodResult {
    fn stop(mut self, outcome: Outcome, message: String) -> PodResult {
        self.stop = Some((outcome, message));
        self
    }
}

/// One pod: re-proven right before its eviction (still the pod planned, its verdict still
/// holding on fresh state, the node alive), evicted, and followed until it settles. `started`:
/// when the drain began; `left_down`: the pods this drain evicted to wait for the node
/// (`ns/name`), down on purpose.
#[allow(clippy::too_many_arguments)]
async fn evict_one(
    cluster: &Cluster,
    opts: &DrainOptions,
    leases: &Leases,
    planned: &PodVerdict,
    (started, left_down): (Instant, &[String]),
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<PodResult, Error> {
    let res = PodResult::default();
    // a set's pod: behind the set's disruption Lease, taken before the re-proof below, so that
    // what another kubectl-sts process left (its replacement starting) is judged on fresh state
    if let Some(set) = &planned.statefulset {
        if let Err(why) = leases
            .acquire(&planned.namespace, set, opts.timeout, log)
            .await?
        {
            return Ok(res.stop(
                Outcome::Refused,
                format!(
                    "stopped before evicting {}/{}: {why}; the node stays cordoned",
                    planned.namespace, planned.name
                ),
            ));
        }
    }
    let mut wait = PodWait::new();
    loop {
        let now = match reprove(cluster, opts, planned).await? {
            Reproved::Evict(now) => now,
            Reproved::Settling(now) => {
                if let Some((outcome, msg)) = wait.settling(&now, opts.timeout, log) {
                    return Ok(res.stop(outcome, msg));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Reproved::NothingToEvict => return Ok(res),
            Reproved::Stop(outcome, msg) => return Ok(res.stop(outcome, msg)),
        };
        if let Some(set) = &now.statefulset {
            if let Err(why) = leases.check(&now.namespace, set) {
                return Ok(res.stop(
                    Outcome::Interfered,
                    format!(
                        "stopped before evicting {}/{}: {why}; the node stays cordoned",
                        now.namespace, now.name
                    ),
                ));
            }
        }
        match cluster
            .evict(&now.namespace, &now.name, &now.uid, now.eviction_grace)
            .await?
        {
            Ok(()) => {
                return follow(
                    cluster,
                    opts,
                    leases,
                    &now,
                    wait,
                    (started, left_down),
                    log,
                    journal,
                )
                .await
            }
            Err((429, m)) => {
                if let Some((outcome, msg)) = wait.budget_refused(&now, &m, opts.timeout, log) {
                    return Ok(res.stop(outcome, msg));
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            Err((404, _)) => return Ok(res),
            Err((409, m)) => {
                if let Some((outcome, msg)) = wait.conflicted(&now, &m, opts.timeout) {
                    return Ok(res.stop(outcome, msg));
                }
                tokio::time::sleep(CONFLICT_PAUSE).await;
            }
            Err((code, m)) => {
                return Ok(res.stop(
                    Outcome::Refused,
                    format!(
                        "the eviction of {}/{} was refused ({code}): {m}",
                        now.namespace, now.name
                    ),
                ))
            }
        }
    }
}

/// What a pod planned for eviction is on fresh state, right before its eviction.
enum Reproved {
    /// Still the pod planned, its verdict still allows the eviction: evict it now.
    Evict(PodVerdict),
    /// Waits for something that settles by itself (a replica inside minReadySeconds or
    /// starting, the controller catching up with a spec change).
    Settling(PodVerdict),
    /// Gone, replaced, finished or deleted by someone else meanwhile.
    NothingToEvict,
    /// The drain ends here.
    Stop(Outcome, String),
}

/// Re-proves a planned eviction on fresh state: the pod is still the one planned, its verdict
/// still holds, the node is still alive.
async fn reprove(
    cluster: &Cluster,
    opts: &DrainOptions,
    planned: &PodVerdict,
) -> Result<Reproved, Error> {
    let fresh = match evaluate(cluster, opts, true).await? {
        Ok(v) => v,
        Err(why) => {
            return Ok(Reproved::Stop(
                Outcome::Interfered,
                format!(
                    "stopped before evicting {}/{}: {why}",
                    planned.namespace, planned.name
                ),
            ))
        }
    };
    let Some(now) = fresh
        .into_iter()
        .find(|v| v.namespace == planned.namespace && v.name == planned.name)
    else {
        return Ok(Reproved::NothingToEvict); // gone from the node: nothing to evict
    };
    if now.uid != planned.uid {
        // replaced meanwhile: the new pod is not the one planned
        return Ok(Reproved::NothingToEvict);
    }
    Ok(match now.code {
        // deleted by someone else (or finished) meanwhile: nothing to evict; the end of the
        // drain waits until it is gone
        VerdictCode::Skipped | VerdictCode::Terminating | VerdictCode::NotWaitedFor => {
            Reproved::NothingToEvict
        }
        VerdictCode::WaitsForSet | VerdictCode::WaitsForController => Reproved::Settling(now),
        code if code.blocks() => Reproved::Stop(
            Outcome::Interfered,
            format!(
                "stopped before evicting {}/{}: {}",
                now.namespace, now.name, now.reason
            ),
        ),
        _ => Reproved::Evict(now),
    })
}

/// One pod's wait for its eviction: since when, what it waited for, the 429s and 409s so far.
struct PodWait {
    started: Instant,
    /// 429 answers waited out.
    retries: u32,
    /// 409 answers in a row.
    conflicts: u32,
    /// When each thing that settles by itself was first waited for ([`not_settling`]).
    first_seen: HashMap<String, Instant>,
    /// What it waited for, each reason once in the order they came (a budget's 429, then a
    /// replica starting meanwhile), reported once the pod is evicted.
    waited_for: Vec<String>,
}

impl PodWait {
    fn waited(&mut self, reason: String) {
        if !self.waited_for.contains(&reason) {
            self.waited_for.push(reason);
        }
    }

    fn new() -> PodWait {
        PodWait {
            started: Instant::now(),
            retries: 0,
            conflicts: 0,
            first_seen: HashMap::new(),
            waited_for: vec![],
        }
    }

    /// A pod waiting for what settles by itself: each wait bounded from when it was first
    /// seen, as the gate bounds it, whatever --timeout says; Some: the drain ends there.
    fn settling(
        &mut self,
        now: &PodVerdict,
        timeout: Duration,
        log: &mut Progress<'_>,
    ) -> Option<(Outcome, String)> {
        if let Some(why) = not_settling(&mut self.first_seen, &now.settles, Instant::now()) {
            return Some((
                Outcome::Refused,
                format!(
                    "stopped before evicting {}/{}: {why}; the node stays cordoned, run the same command again once it has",
                    now.namespace, now.name
                ),
            ));
        }
        if self.started.elapsed() >= timeout {
            return Some((
                Outcome::TimedOut,
                format!(
                    "{}/{} {} — still after {} (--timeout)",
                    now.namespace,
                    now.name,
                    now.reason,
                    human_duration(timeout.as_secs() as i64)
                ),
            ));
        }
        log.waiting(
            &format!("{}/{}: {}", now.namespace, now.name, now.reason),
            self.started,
        );
        self.waited(now.reason.clone());
        None
    }

    /// A 429: a PodDisruptionBudget allows no disruption now, retried every 5 s as kubectl
    /// does, within --timeout; Some: the drain ends there.
    fn budget_refused(
        &mut self,
        now: &PodVerdict,
        message: &str,
        timeout: Duration,
        log: &mut Progress<'_>,
    ) -> Option<(Outcome, String)> {
        self.retries += 1;
        if self.started.elapsed() >= timeout {
            return Some((
                Outcome::TimedOut,
                format!(
                    "{}/{} was not allowed to be evicted within {} (--timeout): {message}",
                    now.namespace,
                    now.name,
                    human_duration(timeout.as_secs() as i64)
                ),
            ));
        }
        let pdb = now.pdbs.first().map(|b| b.describe()).unwrap_or_default();
        // "in a row": a budget's answer between two conflicts starts the count again
        self.conflicts = 0;
        self.waited(format!("429 from the eviction API: {pdb}"));
        log.waiting(
            &format!("{}/{}: {pdb}", now.namespace, now.name),
            self.started,
        );
        None
    }

    /// A 409: the uid changed (the next read says what it is now), or the budget was written
    /// meanwhile: read again after a pause, a bounded number of times; Some: the drain ends
    /// there.
    fn conflicted(
        &mut self,
        now: &PodVerdict,
        message: &str,
        timeout: Duration,
    ) -> Option<(Outcome, String)> {
        self.conflicts += 1;
        let why = after_conflict(self.conflicts, self.started.elapsed(), timeout)?;
        Some((
            Outcome::TimedOut,
            format!(
                "the eviction of {}/{} {why} (last: {message}); run the same command again to go on",
                now.namespace, now.name
            ),
        ))
    }
}

/// After an eviction: records it, and follows the pod until it settles (not a pinned pod:
/// that one waits for the node).
#[allow(clippy::too_many_arguments)]
async fn follow(
    cluster: &Cluster,
    opts: &DrainOptions,
    leases: &Leases,
    now: &PodVerdict,
    mut wait: PodWait,
    (started, left_down): (Instant, &[String]),
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<PodResult, Error> {
    let mut res = PodResult::default();
    if now.eviction_grace != opts.flags.grace_period {
        log.say(&format!(
            "{}/{} would have been evicted with grace 0 ({}): evicted with a grace period of 1s instead (as kubectl delete --grace-period=0 does without --force), not force-deleted",
            now.namespace,
            now.name,
            if opts.flags.grace_period == Some(0) { "--grace-period 0" } else { "its terminationGracePeriodSeconds is 0" }
        ));
    }
    for reason in std::mem::take(&mut wait.waited_for) {
        res.waits.push(DrainWait {
            pod: format!("{}/{}", now.namespace, now.name),
            reason,
            seconds: round1(wait.started.elapsed().as_secs_f64()),
        });
    }
    journal.wrote(&format!("evicted {}/{}", now.namespace, now.name));
    log.done();
    log.say(&format!("evicted {}/{}", now.namespace, now.name));
    let mut rec = EvictionRecord {
        namespace: now.namespace.clone(),
        pod: now.name.clone(),
        at_seconds: round1(started.elapsed().as_secs_f64()),
        settled_seconds: None,
        replacement_node: None,
        retries: wait.retries,
    };
    if let Some(set) = &now.statefulset {
        if let Some(why) = down_beside(cluster, now, set, left_down).await? {
            res.eviction = Some(rec);
            return Ok(res.stop(Outcome::Interfered, why));
        }
    }
    if now.pinned {
        res.pinned = true;
        res.eviction = Some(rec);
        return Ok(res);
    }
    let waited = Instant::now();
    match settle(cluster, opts, leases, now, log).await? {
        Settled::Done(node) => {
            rec.settled_seconds = Some(round1(waited.elapsed().as_secs_f64()));
            rec.replacement_node = node;
            res.eviction = Some(rec);
            Ok(res)
        }
        Settled::NodeDied(why) | Settled::Interfered(why) => {
            res.eviction = Some(rec);
            Ok(res.stop(Outcome::Interfered, why))
        }
        Settled::TimedOut(what) => {
            res.eviction = Some(rec);
            Ok(res.stop(
                Outcome::TimedOut,
                format!(
                    "stopped after {} (--timeout): {what}; run the same command again to go on",
                    human_duration(opts.timeout.as_secs() as i64)
                ),
            ))
        }
    }
}

/// The first of `settles` (what is waited for, and within how many seconds it should settle
/// by itself) that has been waited for longer than that since `first_seen` recorded it, in
/// words; None while each is within its bound.
fn not_settling(
    first_seen: &mut HashMap<String, Instant>,
    settles: &[(String, String, i64)],
    now: Instant,
) -> Option<String> {
    settles.iter().find_map(|(key, what, allowed)| {
        let first = *first_seen.entry(key.clone()).or_insert(now);
        let waited = now.saturating_duration_since(first);
        (waited > Duration::from_secs(u64::try_from(*allowed).unwrap_or(0))).then(|| {
            format!(
                "waited {} until {what}, longer than it should take by itself ({}): it needs a person (kubectl sts inspect shows why)",
                human_duration(waited.as_secs() as i64),
                human_duration(*allowed)
            )
        })
    })
}

/// The pause before an eviction answered 409 is read and tried again.
const CONFLICT_PAUSE: Duration = Duration::from_secs(1);
/// How many 409s in a row one pod's eviction is tried again after.
const CONFLICT_ATTEMPTS: u32 = 10;

/// After the `attempts`-th 409 on one pod's eviction, `elapsed` into its wait: None to read
/// again and retry (after [`CONFLICT_PAUSE`]), Some(why) to stop — too many in a row, or
/// --timeout spent.
fn after_conflict(attempts: u32, elapsed: Duration, timeout: Duration) -> Option<String> {
    if attempts >= CONFLICT_ATTEMPTS {
        Some(format!(
            "was answered 409 (conflict) {attempts} times in a row"
        ))
    } else if elapsed + CONFLICT_PAUSE > timeout {
        Some(format!(
            "was answered 409 (conflict) until --timeout ({})",
            human_duration(timeout.as_secs() as i64)
        ))
    } else {
        None
    }
}

/// Whether a pod that is not a StatefulSet pod, evicted with `uid`, is gone, as kubectl's
/// waitForDelete has it: no pod of that name, or one with another uid (re-created: not the
/// pod evicted).
fn gone(uid: &str, pod: Option<&k8s_openapi::api::core::v1::Pod>) -> bool {
    pod.is_none_or(|p| p.metadata.uid.as_deref() != Some(uid))
}

enum Settled {
    /// The replacement (StatefulSet pods) is Ready and available on this node, or the pod is
    /// gone (others).
    Done(Option<String>),
    NodeDied(String),
    /// The node was uncordoned, or the set's disruption Lease lost, meanwhile.
    Interfered(String),
    TimedOut(String),
}

/// Right after evicting `evicted` of `set`: Some(why the drain stops) when another replica of
/// the set is down too — taken down beside this drain, outside the set's Lease.
async fn down_beside(
    cluster: &Cluster,
    evicted: &PodVerdict,
    set: &str,
    left_down: &[String],
) -> Result<Option<String>, Error> {
    let ns = &evicted.namespace;
    let parts = cluster.set_parts(ns, set, false).await?;
    let ours = |d: &String| {
        let pod = d.split(' ').next().unwrap_or_default();
        left_down.contains(&format!("{ns}/{pod}"))
    };
    let down: Vec<String> = others_down(&parts.set, &parts.pods, &evicted.name)
        .into_iter()
        .filter(|d| !ours(d))
        .collect();
    if down.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "after evicting {ns}/{}, {} of statefulset {ns}/{set} {} down too: taken down beside this drain, outside the set's disruption Lease (kubectl drain, the cluster autoscaler, a person) — {} pods of the set are down now; the drain stops here and the node stays cordoned (a PodDisruptionBudget is what holds other tools back: kubectl sts check {set} -n {ns})",
        evicted.name,
        down.join(", "),
        if down.len() == 1 { "is" } else { "are" },
        down.len() + 1
    )))
}

/// Follows an evicted pod: a StatefulSet pod until a new pod of that name (another uid) is
/// Ready and available on another node; any other pod until it is gone.
async fn settle(
    cluster: &Cluster,
    opts: &DrainOptions,
    leases: &Leases,
    evicted: &PodVerdict,
    log: &mut Progress<'_>,
) -> Result<Settled, Error> {
    let started = Instant::now();
    let min_ready = match &evicted.statefulset {
        Some(set) => cluster
            .statefulset_opt(&evicted.namespace, set)
            .await?
            .and_then(|s| s.spec.min_ready_seconds)
            .unwrap_or(0) as i64,
        None => 0,
    };
    // woken by the pod's and the node's changes; each second regardless, for the time-based
    // part (minReadySeconds) and the progress line
    let mut waker = super::Waker::from_streams(
        cluster.watch_pod_and_node(&evicted.namespace, &evicted.name, &opts.node),
        Some(Duration::from_secs(1)),
    );
    loop {
        let pod = cluster.get_pod(&evicted.namespace, &evicted.name).await?;
        // as kubectl drain: a pod deleted longer ago than --skip-wait-for-delete-timeout
        // (its node's kubelet may never finish it) is not waited for
        let long_deleted = |p: &k8s_openapi::api::core::v1::Pod| {
            deleted_long_ago(p, opts.flags.skip_wait_for_delete, jiff::Timestamp::now()).is_some()
        };
        let what = match (&evicted.statefulset, &pod) {
            (None, p) if gone(&evicted.uid, p.as_ref()) => return Ok(Settled::Done(None)),
            (None, Some(p)) if long_deleted(p) => return Ok(Settled::Done(None)),
            (None, _) => format!("{}/{} to terminate", evicted.namespace, evicted.name),
            (Some(_), Some(p)) if p.metadata.uid.as_deref() != Some(evicted.uid.as_str()) => {
                let node = p.spec.as_ref().and_then(|s| s.node_name.clone());
                if pod_ready(p)
                    && !pod_terminating(p)
                    && pod_available(p, min_ready, jiff::Timestamp::now())
                    && node.as_deref() != Some(opts.node.as_str())
                {
                    log.done();
                    log.say(&format!(
                        "  {}/{} Ready and available again on {}",
                        evicted.namespace,
                        evicted.name,
                        node.as_deref().unwrap_or("?")
                    ));
                    return Ok(Settled::Done(node));
                }
                format!(
                    "{}/{} to be Ready and available on {}",
                    evicted.namespace,
                    evicted.name,
                    node.as_deref().unwrap_or("a node (not scheduled yet)")
                )
            }
            (Some(_), _) => format!("{}/{} to be re-created", evicted.namespace, evicted.name),
        };
        // a node that dies under the drain leaves its pods Terminating: that needs recover
        let node = cluster.get_node(&opts.node).await?;
        if node_health(&node, jiff::Timestamp::now()).readiness != Readiness::Ready {
            return Ok(Settled::NodeDied(format!(
                "node {} stopped being Ready during the drain: its pods cannot terminate; kubectl sts recover POD takes them back",
                opts.node
            )));
        }
        if !unschedulable(&node) {
            return Ok(Settled::Interfered(uncordoned(&opts.node)));
        }
        if let Some(set) = &evicted.statefulset {
            if let Err(why) = leases.check(&evicted.namespace, set) {
                return Ok(Settled::Interfered(format!(
                    "{why}; {}/{} was evicted and is not back yet; the node stays cordoned",
                    evicted.namespace, evicted.name
                )));
            }
        }
        if started.elapsed() >= opts.timeout {
            return Ok(Settled::TimedOut(format!("still waiting for {what}")));
        }
        log.waiting(&format!("waiting for {what}"), started);
        waker.changed().await;
    }
}

/// Cordons the node, behind its resourceVersion: Ok(true) when this drain cordoned it,
/// Ok(false) when it was cordoned already (a cordon someone else made stays theirs), Err(why)
/// when someone else acted on the node meanwhile (nothing changed). A 409 caused by the
/// kubelet's status writes is re-proven and retried.
async fn cordon(
    cluster: &Cluster,
    node_name: &str,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<Result<bool, String>, Error> {
    let mut node = cluster.get_node(node_name).await?;
    match cordon_of(&node) {
        Cordon::Ours { by } => {
            // an earlier drain's (interrupted, run again): still drain's to undo
            log.say(&format!(
                "node/{node_name} already cordoned by kubectl sts drain ({by})"
            ));
            return Ok(Ok(false));
        }
        Cordon::Shared { by, others } => {
            log.say(&format!(
                "node/{node_name} already cordoned by kubectl sts drain ({by}) and by {} (they own spec.unschedulable too)",
                others.join(", ")
            ));
            return Ok(Ok(false));
        }
        Cordon::Theirs { stale } => {
            if let Some(stale) = stale {
                if let Err(warning) = clear_stale(cluster, &node, &stale).await? {
                    log.say(&format!("warning: {warning}"));
                }
            }
            log.say(&format!(
                "node/{node_name} already cordoned (by someone else: the cordon stays theirs)"
            ));
            return Ok(Ok(false));
        }
        // a stale annotation is overwritten by this cordon's
        Cordon::NotCordoned { .. } => {}
    }
    let by = format!(
        "{} at {}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
        jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ")
    );
    let uid = node.metadata.uid.clone().unwrap_or_default();
    let written = write_reproven(
        &mut node,
        async |n: &Node| {
            let rv = n.metadata.resource_version.clone().unwrap_or_default();
            cluster.cordon(node_name, &rv, &by).await
        },
        async || {
            let now = cluster.get_node(node_name).await?;
            Ok(match cordon_moved(&uid, &now) {
                None => Ok(now),
                Some(why) => Err(why),
            })
        },
    )
    .await?;
    match written {
        Reproven::Done(_) => {}
        Reproven::Broken(why) => return Ok(Err(format!("{why}; nothing changed, run again"))),
        Reproven::KeptChanging(m) => {
            return Ok(Err(format!(
            "node {node_name} kept changing while being cordoned ({m}); nothing changed, run again"
        )))
        }
        Reproven::Gone => return Err(Error::not_found(format!("node \"{node_name}\" not found"))),
    }
    journal.wrote(&format!("cordoned node {node_name}"));
    log.say(&format!("node/{node_name} cordoned"));
    Ok(Ok(true))
}

/// `spec.unschedulable` as set (absent is schedulable).
fn unschedulable(node: &Node) -> bool {
    node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
}

/// Removes drain's annotation from a node whose cordon is not drain's (see
/// [`crate::model::cordon`]), behind its resourceVersion, while it is still the same stale
/// annotation: the node as the removal left it. Err(warning) when it could not be.
async fn clear_stale(
    cluster: &Cluster,
    node: &Node,
    stale: &str,
) -> Result<Result<Node, String>, Error> {
    let name = node.metadata.name.clone().unwrap_or_default();
    let uid = node.metadata.uid.clone();
    let mut node = node.clone();
    let written = write_reproven(
        &mut node,
        async |n: &Node| {
            let rv = n.metadata.resource_version.clone().unwrap_or_default();
            cluster.clear_cordoned_by(&name, &rv).await
        },
        async || {
            let now = cluster.get_node(&name).await?;
            Ok(
                if now.metadata.uid == uid && cordon_of(&now).stale() == Some(stale) {
                    Ok(now)
                } else {
                    Err(String::new())
                },
            )
        },
    )
    .await?;
    Ok(match written {
        // the node as our patch left it: what comes next is conditioned on this version, so
        // nothing another writer did since is taken on board unseen
        Reproven::Done(patched) => Ok(patched),
        Reproven::Gone | Reproven::Broken(_) => Err(format!(
            "node {name} changed while kubectl sts drain's stale annotation {CORDONED_BY} was being removed: nothing was written"
        )),
        Reproven::KeptChanging(m) => Err(format!(
            "node {name} kept changing ({m}): kubectl sts drain's stale annotation {CORDONED_BY} is still there"
        )),
    })
}

#[derive(Debug, Clone)]
pub struct UncordonOptions {
    pub node: String,
    /// Undo a cordon kubectl-sts did not make.
    pub force: bool,
    pub dry_run: bool,
    /// Longest wait for the pods that waited for this node to be Ready again.
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UncordonOutcome {
    Uncordoned,
    /// Not cordoned: nothing to do.
    NotCordoned,
    DryRun,
    Refused,
    TimedOut,
}

/// The `kubectl-sts/v1 UncordonResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UncordonReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub node: String,
    pub outcome: UncordonOutcome,
    pub message: String,
    pub warnings: Vec<String>,
    /// The pods whose volumes only this node holds, followed back to Ready.
    pub followed: Vec<String>,
}

impl UncordonReport {
    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            UncordonOutcome::Uncordoned
            | UncordonOutcome::NotCordoned
            | UncordonOutcome::DryRun => ExitCode::Ok,
            UncordonOutcome::Refused => ExitCode::Refused,
            UncordonOutcome::TimedOut => ExitCode::TimedOut,
        }
    }
}

/// The pods not Ready whose claims are bound to volumes that only `node` holds: those a
/// `drain --pinned wait` left Pending.
async fn pinned_waiting(cluster: &Cluster, node: &str) -> Result<Vec<(String, String)>, Error> {
    let nodes = match cluster.nodes_labelled().await? {
        crate::model::Access::Ok(n) => n,
        crate::model::Access::Forbidden => vec![],
    };
    // a pod whose volume only this node holds can be scheduled nowhere else: it waits
    // unscheduled, or (the node uncordoned a moment ago) is bound to this node already
    let (unscheduled, here) = tokio::join!(cluster.pods_unscheduled(), cluster.pods_on_node(node));
    let mut pods = vec![];
    for got in [unscheduled?, here?] {
        if let crate::model::Access::Ok(p) = got {
            pods.extend(p);
        }
    }
    let waiting: Vec<&k8s_openapi::api::core::v1::Pod> =
        pods.iter().filter(|p| !pod_ready(p)).collect();
    let volumes = match cluster.volumes_of_pods(&waiting).await? {
        crate::model::Access::Ok(v) => v,
        crate::model::Access::Forbidden => vec![],
    };
    let live = crate::model::placement::live_nodes(&nodes, node, jiff::Timestamp::now());
    Ok(pods
        .iter()
        .filter(|p| !pod_ready(p))
        .filter(|p| {
            let ns = p.metadata.namespace.clone().unwrap_or_default();
            p.spec.as_ref().is_some_and(|s| {
                s.volumes
                    .iter()
                    .flatten()
                    .filter_map(|v| v.persistent_volume_claim.as_ref())
                    .any(|c| {
                        volumes.iter().any(|pv| {
                            pv.claim
                                .as_ref()
                                .is_some_and(|(cns, cn)| *cns == ns && *cn == c.claim_name)
                                && crate::model::placement::placement(
                                    Some(pv),
                                    Some(&nodes),
                                    node,
                                    &live,
                                )
                                .0 == crate::model::placement::Placement::Pinned
                        })
                    })
            })
        })
        .map(|p| {
            (
                p.metadata.namespace.clone().unwrap_or_default(),
                p.metadata.name.clone().unwrap_or_default(),
            )
        })
        .collect())
}

/// The drain heartbeat on the node, as written.
fn drain_heartbeat(node: &Node) -> Option<String> {
    node.metadata
        .annotations
        .as_ref()?
        .get(DRAIN_HEARTBEAT)
        .cloned()
}

/// Watches a drain heartbeat (`first`, as read) until it changes (a drain runs), goes (it
/// ended) or stays unchanged for two of its renewals (its drain is gone), re-reading the node
/// every second: freshness as observed here, never the drain's clock against this one's.
async fn watch_heartbeat(
    cluster: &Cluster,
    name: &str,
    first: &str,
    log: &mut Progress<'_>,
) -> Result<Pulse, Error> {
    let started = Instant::now();
    let holder = Heartbeat::parse(first).holder;
    loop {
        let node = cluster.get_node(name).await?;
        match pulse(first, drain_heartbeat(&node).as_deref(), started.elapsed()) {
            Pulse::Watching => {
                log.waiting(
                    &format!(
                        "node/{name} carries the drain heartbeat of {holder}: watching whether that drain still runs (up to {}s)",
                        Heartbeat::parse(first).watch_for().as_secs()
                    ),
                    started,
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            p => {
                log.done();
                return Ok(p);
            }
        }
    }
}

/// `uncordon NODE`: undoes the cordon drain made (another's only with --force), warns while an
/// out-of-service taint remains, and follows the pods that waited for this node back to Ready.
pub async fn uncordon(
    cluster: &Cluster,
    opts: &UncordonOptions,
    log: &mut Progress<'_>,
) -> Result<UncordonReport, Error> {
    let name = &opts.node;
    let mut report = UncordonReport {
        api_version: "kubectl-sts/v1",
        kind: "UncordonResult",
        node: name.clone(),
        outcome: UncordonOutcome::Uncordoned,
        message: String::new(),
        warnings: vec![],
        followed: vec![],
    };
    let node = cluster.get_node(name).await?;
    if node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|ts| {
            ts.iter()
                .any(|t| t.key == crate::model::health::OUT_OF_SERVICE)
        })
    {
        report.warnings.push(format!(
            "node {name} still carries the out-of-service taint: pods that do not tolerate it are evicted there; kubectl sts release-node {name} removes it once the node is back"
        ));
    }
    let mut node = node;
    let mut cordon = cordon_of(&node);
    // drain's annotation on a cordon that is not drain's any more says something false: gone
    let cleared = match cordon.stale().map(str::to_string) {
        Some(stale) if !opts.dry_run => match clear_stale(cluster, &node, &stale).await? {
            // that removal was a write: the uncordon below is conditioned on the node our patch
            // returned (not on the node before: a 409 from our own write), and only while the
            // cordon is still the one decided on (an unschedulable flag flipped by someone
            // between our read and our patch keeps the old version: the uncordon then stops)
            Ok(patched) if unschedulable(&patched) == unschedulable(&node) => {
                node = patched;
                cordon = cordon_of(&node);
                format!(" (kubectl sts drain's annotation \"{stale}\" was stale and is removed)")
            }
            Ok(_) => String::new(),
            Err(why) => {
                report.warnings.push(why);
                String::new()
            }
        },
        _ => String::new(),
    };
    // another drain on a node drain had cordoned writes nothing to the node: its evictions
    // since drain's cordon are what shows it
    if let Some(at) = match &cordon {
        Cordon::Ours { by } | Cordon::Shared { by, .. } => cordoned_at(by),
        _ => None,
    } {
        if let crate::model::Access::Ok(pods) = cluster.pods_on_node(name).await? {
            let disrupted = disrupted_since(&pods, at);
            if !disrupted.is_empty() {
                report.warnings.push(format!(
                    "pods on node {name} are being evicted or deleted since kubectl sts drain's cordon: {}; another drain (kubectl drain, kured, the node-maintenance operator) may still be working on this node — check before uncordoning",
                    disrupted.join(", ")
                ));
            }
        }
    }
    // a drain that still runs on the node renews its heartbeat: uncordoning under it would let
    // the pods it evicts come back onto the node
    let to_uncordon = match cordon {
        Cordon::NotCordoned { .. } => false,
        Cordon::Ours { .. } | Cordon::Shared { .. } => true,
        // refused below without --force
        Cordon::Theirs { .. } => opts.force,
    };
    if to_uncordon {
        if let Some(first) = drain_heartbeat(&node) {
            if opts.force {
                report.warnings.push(format!(
                    "node/{name} carries the drain heartbeat of {} ({DRAIN_HEARTBEAT}): --force uncordons it anyway; a drain that still runs there stops at its next look",
                    Heartbeat::parse(&first).holder
                ));
            } else {
                match watch_heartbeat(cluster, name, &first, log).await? {
                    Pulse::Fresh(h) => {
                        report.outcome = UncordonOutcome::Refused;
                        report.message = format!(
                            "a kubectl sts drain is running on node/{name}: {} renewed its heartbeat ({DRAIN_HEARTBEAT}) just now, as seen from here; uncordoning would let the pods it evicts come back onto the node — wait until it ends (it removes the heartbeat), or pass --force; the cordon is unchanged",
                            h.holder
                        );
                        return Ok(report);
                    }
                    Pulse::Stale(h) => report.warnings.push(format!(
                        "node/{name} carries the drain heartbeat of {}, unchanged for {}s as seen from here: that drain is gone; the heartbeat goes with the uncordon",
                        h.holder,
                        h.watch_for().as_secs()
                    )),
                    Pulse::Gone | Pulse::Watching => {}
                }
            }
        }
    }
    match &cordon {
        Cordon::NotCordoned { .. } => {
            report.outcome = UncordonOutcome::NotCordoned;
            report.message = format!("node/{name} is not cordoned: nothing to do{cleared}");
        }
        Cordon::Theirs { .. } if !opts.force => {
            report.outcome = UncordonOutcome::Refused;
            report.message = format!(
                "node/{name} was cordoned by someone else, not by kubectl sts drain{cleared}: it stays theirs; pass --force to uncordon it anyway; the cordon is unchanged"
            );
            return Ok(report);
        }
        Cordon::Shared { by, others } if !opts.force => {
            report.outcome = UncordonOutcome::Refused;
            report.message = format!(
                "node/{name} was cordoned by kubectl sts drain ({by}) and also by {} (field manager of spec.unschedulable too): uncordoning would undo their cordon; ask them, or pass --force to uncordon it anyway; the cordon is unchanged",
                others.join(", ")
            );
            return Ok(report);
        }
        _ if opts.dry_run => {
            report.outcome = UncordonOutcome::DryRun;
            report.message = format!(
                "node/{name} may be uncordoned (cordoned {})",
                match &cordon {
                    Cordon::Ours { by } => format!("by kubectl-sts: {by}"),
                    Cordon::Shared { by, others } => format!(
                        "by kubectl-sts: {by}, and by {}; --force",
                        others.join(", ")
                    ),
                    _ => "by someone else; --force".into(),
                }
            );
            return Ok(report);
        }
        _ => {
            let uid = node.metadata.uid.clone().unwrap_or_default();
            let mut node = node.clone();
            // a 409 is mostly the kubelet's status write: re-proven (the same node, the same
            // cordon) and written again
            let written = write_reproven(
                &mut node,
                async |n: &Node| {
                    let rv = n.metadata.resource_version.clone().unwrap_or_default();
                    cluster.uncordon(name, &rv).await
                },
                async || {
                    let now = cluster.get_node(name).await?;
                    Ok(if now.metadata.uid.as_deref() != Some(uid.as_str()) {
                        Err(format!("node {name} was deleted and registered again"))
                    } else if cordon_of(&now) != cordon {
                        Err(format!("the cordon of node {name} changed meanwhile"))
                    } else {
                        Ok(now)
                    })
                },
            )
            .await?;
            let stop = match written {
                Reproven::Done(_) => None,
                Reproven::Broken(why) => Some(why),
                Reproven::KeptChanging(m) => Some(format!("node/{name} kept changing ({m})")),
                Reproven::Gone => {
                    return Err(Error::not_found(format!("node \"{name}\" not found")))
                }
            };
            if let Some(why) = stop {
                report.outcome = UncordonOutcome::Refused;
                report.message = format!("{why}; nothing changed, run again");
                return Ok(report);
            }
            log.say(&format!("node/{name} uncordoned"));
            report.message = format!("node/{name} uncordoned{cleared}");
        }
    }
    // the pods that waited for this node: followed back to Ready
    let started = Instant::now();
    let waiting = pinned_waiting(cluster, name).await?;
    report.followed = waiting.iter().map(|(ns, n)| format!("{ns}/{n}")).collect();
    loop {
        let mut not_ready = vec![];
        for (ns, n) in &waiting {
            if !cluster
                .get_pod(ns, n)
                .await?
                .as_ref()
                .is_some_and(|p| pod_ready(p) && !pod_terminating(p))
            {
                not_ready.push(format!("{ns}/{n}"));
            }
        }
        if not_ready.is_empty() {
            break;
        }
        if started.elapsed() >= opts.timeout {
            report.outcome = UncordonOutcome::TimedOut;
            report.message = format!(
                "{}; still not Ready after {} (--timeout): {}",
                report.message,
                human_duration(opts.timeout.as_secs() as i64),
                not_ready.join(", ")
            );
            return Ok(report);
        }
        log.waiting(
            &format!("{} to be Ready again", not_ready.join(", ")),
            started,
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    log.done();
    if !waiting.is_empty() {
        report.message = format!(
            "{}; {} Ready again",
            report.message,
            report.followed.join(", ")
        );
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_is_retried_after_a_pause_a_bounded_number_of_times_within_the_timeout() {
        let t = Duration::from_secs(300);
        assert_eq!(after_conflict(1, Duration::ZERO, t), None);
        assert_eq!(
            after_conflict(CONFLICT_ATTEMPTS - 1, Duration::from_secs(9), t),
            None
        );
        assert!(
            after_conflict(CONFLICT_ATTEMPTS, Duration::from_secs(10), t)
                .unwrap()
                .contains("10 times in a row")
        );
        // --timeout spent (or nearly: no room for the pause)
        assert!(after_conflict(1, Duration::from_secs(300), t)
            .unwrap()
            .contains("until --timeout (5m)"));
        assert!(after_conflict(2, Duration::from_millis(500), Duration::from_secs(1)).is_some());
    }

    #[test]
    fn what_settles_by_itself_is_bounded_from_when_it_was_first_seen() {
        let mut seen = HashMap::new();
        let t0 = Instant::now();
        let settles = vec![(
            "web-3 starting".to_string(),
            "web-3 is created and Ready".to_string(),
            310,
        )];
        assert_eq!(not_settling(&mut seen, &settles, t0), None);
        assert_eq!(
            not_settling(&mut seen, &settles, t0 + Duration::from_secs(310)),
            None
        );
        let why = not_settling(&mut seen, &settles, t0 + Duration::from_secs(311)).unwrap();
        assert!(
            why.starts_with("waited 5m11s until web-3 is created and Ready, longer than it should take by itself (5m10s)"),
            "{why}"
        );
        // another wait has its own start
        let other = |generation: i64| {
            vec![(
                "controller of db/web".to_string(),
                format!("the StatefulSet controller has observed generation {generation}"),
                30,
            )]
        };
        let t1 = t0 + Duration::from_secs(311);
        assert_eq!(not_settling(&mut seen, &other(3), t1), None);
        // an HPA bumping the generation again changes the words, not the clock: the wait is
        // bounded from when the controller was first waited for
        assert_eq!(
            not_settling(&mut seen, &other(4), t1 + Duration::from_secs(20)),
            None
        );
        let why = not_settling(&mut seen, &other(5), t1 + Duration::from_secs(31)).unwrap();
        assert!(why.contains("observed generation 5"), "{why}");
    }

    #[test]
    fn a_pod_re_created_with_the_same_name_is_gone() {
        let pod = |uid: &str| -> k8s_openapi::api::core::v1::Pod {
            serde_json::from_value(serde_json::json!({"metadata": {"name": "solo", "uid": uid}}))
                .unwrap()
        };
        assert!(gone("u1", None));
        assert!(!gone("u1", Some(&pod("u1"))), "still terminating");
        assert!(
            gone("u1", Some(&pod("u2"))),
            "re-created: not the pod evicted"
        );
    }
}
