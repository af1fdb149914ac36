//! `force-delete`: prove the node dead, confirm, delete with grace period 0 behind
//! uid + resourceVersion preconditions, and say what the replacement will meet.

use std::io::Write;

use crate::progress::Progress;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;

use super::Waker;
use crate::cluster::{Cluster, Guarded};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::model::force::{eligibility, Eligibility, NodeLookup};
use crate::model::health::pod_ready;
use crate::model::inspect::{inspect, InspectOptions};
use crate::model::set::{ordinal_of, owning_statefulset};
use crate::model::Access;

#[derive(Debug, Clone)]
pub struct ForceDeleteOptions {
    pub pod: String,
    /// Confirmed on the command line (`--yes`).
    pub yes: bool,
    pub dry_run: bool,
    /// How long the kubelet must have been silent for its node to count as dead.
    pub silence: Duration,
    /// Wait for the replacement pod to be Ready.
    pub wait: bool,
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Deleted,
    /// Gone before this command deleted it (the node came back, or someone else).
    AlreadyGone,
    DryRun,
    Refused,
    NotConfirmed,
    /// Deleted, but the replacement was not Ready within `--timeout`.
    ReplacementTimedOut,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub uid: String,
    pub node: Option<String>,
    pub ready: bool,
    pub phase: String,
}

impl Replacement {
    pub fn of(p: &Pod) -> Replacement {
        Replacement {
            uid: p.metadata.uid.clone().unwrap_or_default(),
            node: p.spec.as_ref().and_then(|s| s.node_name.clone()),
            ready: pod_ready(p),
            phase: p
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default(),
        }
    }
}

/// The `kubectl-sts/v1 ForceDeleteResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForceDeleteReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub node: Option<String>,
    pub stateful_set: Option<String>,
    pub outcome: Outcome,
    pub message: String,
    pub eligibility: Eligibility,
    /// What the replacement will run into (volumes still attached to or pinned on the dead node).
    pub warnings: Vec<String>,
    pub replacement: Option<Replacement>,
}

impl ForceDeleteReport {
    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            Outcome::Deleted | Outcome::AlreadyGone => ExitCode::Ok,
            Outcome::DryRun if self.eligibility.eligible() => ExitCode::Ok,
            Outcome::DryRun | Outcome::Refused => ExitCode::Refused,
            Outcome::NotConfirmed => ExitCode::NotConfirmed,
            Outcome::ReplacementTimedOut => ExitCode::TimedOut,
        }
    }
}

/// How the operator confirms: a terminal prompt, or nothing to ask.
pub trait Confirm {
    /// Ask; resolves to true only when `answer` (the `what`: "pod name", "node name"…) is
    /// typed back exactly.
    fn confirm(&mut self, question: &str, what: &str, answer: &str) -> BoxFuture<'static, bool>;
}

/// No terminal: never confirmed (use `--yes`).
pub struct NoTerminal;

impl Confirm for NoTerminal {
    fn confirm(&mut self, _: &str, _: &str, _: &str) -> BoxFuture<'static, bool> {
        Box::pin(async { false })
    }
}

/// Asks on stderr, reads one line of stdin; the answer must be typed back.
/// The read runs on a blocking thread so that Ctrl-C still interrupts the wait.
pub struct TerminalPrompt;

impl Confirm for TerminalPrompt {
    fn confirm(&mut self, question: &str, what: &str, answer: &str) -> BoxFuture<'static, bool> {
        let prompt = format!("{question}\nType the {what} ({answer}) to confirm: ");
        let answer = answer.to_string();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut err = std::io::stderr();
                let _ = write!(err, "{prompt}");
                let _ = err.flush();
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).is_ok() && line.trim() == answer
            })
            .await
            .unwrap_or(false)
        })
    }
}

pub(super) struct Checked {
    pub pod: Pod,
    pub verdict: Eligibility,
    /// The API server's clock at the check (this machine's if it gave none).
    pub now: jiff::Timestamp,
}

/// How a grace-0 delete of a checked pod ended.
pub(super) enum Deleted {
    Done,
    /// Gone before this delete (no pod of that name).
    Gone,
    /// A pod of the same name with another uid stands there now (the node came back, or the
    /// controller re-created it): the confirmed pod is gone, and a new one took its place.
    Replaced,
    /// It changed and no longer qualifies (or kept changing): nothing was deleted.
    Refused(Eligibility, String),
}

/// Deletes the checked pod with grace period 0 behind its uid and resourceVersion.
/// A 409 means the pod changed between the check and the delete (its status is still
/// being written by the node lifecycle controller): check again, never delete on stale
/// evidence, and never a different pod than the one confirmed.
pub(super) async fn delete_checked(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    silence: Duration,
    mut checked: Checked,
) -> Result<Deleted, Error> {
    let uid = checked.pod.metadata.uid.clone().unwrap_or_default();
    let mut attempts = 0;
    loop {
        let rv = checked
            .pod
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default();
        match cluster.force_delete_pod(ns, name, &uid, &rv).await? {
            Guarded::Done(()) => return Ok(Deleted::Done),
            Guarded::Gone => return Ok(Deleted::Gone),
            Guarded::Conflict(m) => {
                attempts += 1;
                // a fresh check of whatever pod has the name now: the confirmed one, another
                // one (replaced: never treated as done), or none
                match check(cluster, ns, name, silence).await? {
                    None => return Ok(Deleted::Gone),
                    Some(c) if c.pod.metadata.uid.as_deref() != Some(uid.as_str()) => {
                        return Ok(Deleted::Replaced)
                    }
                    Some(c) if c.verdict.eligible() && attempts < 3 => checked = c,
                    Some(c) => {
                        let why = format!(
                            "it changed while being deleted ({m}); now: {}",
                            c.verdict.reason
                        );
                        return Ok(Deleted::Refused(c.verdict, why));
                    }
                }
            }
        }
    }
}

pub(super) async fn check(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    silence: Duration,
) -> Result<Option<Checked>, Error> {
    let Some(pod) = cluster.get_pod(ns, name).await? else {
        return Ok(None);
    };
    let node_name = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let (node, lease, server_now) = match &node_name {
        Some(n) => {
            let (lease, server_now, duration) = cluster.node_lease(n).await?;
            let node = cluster.node_opt(n).await?;
            // a removed node has no kubelet to prove silent: the silence is not its proof
            if !matches!(node, Access::Ok(None)) {
                crate::model::force::check_silence(silence, duration, n).map_err(Error::usage)?;
            }
            (node, lease, server_now)
        }
        None => (
            Access::Ok(None),
            crate::model::health::LeaseLookup::Missing,
            None,
        ),
    };
    // the API server's clock, not this machine's: heartbeats are compared against it
    let now = server_now.unwrap_or_else(jiff::Timestamp::now);
    let lookup = match &node {
        Access::Ok(Some(n)) => NodeLookup::Found(n),
        Access::Ok(None) => NodeLookup::Missing,
        Access::Forbidden => NodeLookup::Forbidden,
    };
    let verdict = eligibility(&pod, lookup, lease, now, silence);
    Ok(Some(Checked { pod, verdict, now }))
}

/// A fresh check of the pod confirmed earlier; None when it is gone or a pod of the
/// same name replaced it.
pub(super) async fn recheck(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    silence: Duration,
    uid: &str,
) -> Result<Option<Checked>, Error> {
    Ok(check(cluster, ns, name, silence)
        .await?
        .filter(|c| c.pod.metadata.uid.as_deref() == Some(uid)))
}

/// What the replacement of the pod's ordinal will meet, from inspect's join.
async fn volume_warnings(
    cluster: &Cluster,
    ns: &str,
    set: &str,
    pod: &str,
    node: &str,
) -> Vec<String> {
    let Ok(snap) = cluster.snapshot(ns, set).await else {
        return vec![];
    };
    let Some(ordinal) = ordinal_of(set, pod) else {
        return vec![];
    };
    let ins = inspect(&snap, &InspectOptions::default());
    let Some(row) = ins.rows.iter().find(|r| r.ordinal == ordinal) else {
        return vec![];
    };
    let mut out = Vec::new();
    for v in &row.volumes {
        if v.pinned_node.as_deref() == Some(node) {
            out.push(format!(
                "claim {} is on a volume pinned to node {node}: the replacement stays Pending until {node} returns (kubectl sts recover {pod} --wait follows it; --abandon-data gives the data up)",
                v.claim
            ));
        } else if v.attached_node.as_deref() == Some(node) {
            out.push(format!(
                "volume {} (claim {}) is still attached to node {node}: the replacement waits for the forced detach (6 minutes by default); kubectl sts recover {pod} taints {node} out of service instead, which releases it now",
                v.volume.clone().unwrap_or_default(),
                v.claim
            ));
        }
    }
    out
}

/// Runs the force-delete; progress lines go to `log`, confirmation through `confirm`.
pub async fn run(
    cluster: &Cluster,
    ns: &str,
    opts: &ForceDeleteOptions,
    confirm: &mut dyn Confirm,
    log: &mut Progress<'_>,
) -> Result<ForceDeleteReport, Error> {
    let not_found = || {
        Error::not_found(format!(
            "pod \"{}\" not found in namespace \"{ns}\"",
            opts.pod
        ))
    };
    let Some(mut checked) = check(cluster, ns, &opts.pod, opts.silence).await? else {
        return Err(not_found());
    };
    let uid = checked.pod.metadata.uid.clone().unwrap_or_default();
    let node = checked.pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let set = owning_statefulset(&checked.pod);
    let mut report = ForceDeleteReport {
        api_version: "kubectl-sts/v1",
        kind: "ForceDeleteResult",
        namespace: ns.into(),
        pod: opts.pod.clone(),
        uid: uid.clone(),
        node: node.clone(),
        stateful_set: set.clone(),
        outcome: Outcome::Refused,
        message: String::new(),
        eligibility: checked.verdict.clone(),
        warnings: vec![],
        replacement: None,
    };
    if !checked.verdict.eligible() {
        let why = checked.verdict.reason.clone();
        return Ok(refused(report, checked.verdict, &why));
    }
    if let (Some(set), Some(node)) = (&set, &node) {
        report.warnings = volume_warnings(cluster, ns, set, &opts.pod, node).await;
    }
    if opts.dry_run {
        report.outcome = Outcome::DryRun;
        report.message = format!(
            "pod {ns}/{} may be force-deleted: {}",
            opts.pod, checked.verdict.reason
        );
        return Ok(report);
    }
    let question = format!(
        "Force-delete pod {ns}/{} (grace period 0)? {}.\nThe API forgets the pod without its kubelet confirming that the containers stopped; the StatefulSet then starts a new {} elsewhere.",
        opts.pod, checked.verdict.reason, opts.pod
    );
    if !opts.yes {
        if !confirm.confirm(&question, "pod name", &opts.pod).await {
            report.outcome = Outcome::NotConfirmed;
            report.message = format!(
                "not confirmed: pod {ns}/{} was not deleted (pass --yes to confirm without a prompt)",
                opts.pod
            );
            return Ok(report);
        }
        // a person may have taken minutes to answer: the node may be back by now
        match recheck(cluster, ns, &opts.pod, opts.silence, &uid).await? {
            Some(c) if c.verdict.eligible() => checked = c,
            Some(c) => {
                let why = format!("since the check, {}", c.verdict.reason);
                return Ok(refused(report, c.verdict, &why));
            }
            None => return Ok(already_gone(report, &uid)),
        }
    }
    match delete_checked(cluster, ns, &opts.pod, opts.silence, checked).await? {
        Deleted::Done => {}
        Deleted::Gone | Deleted::Replaced => return Ok(already_gone(report, &uid)),
        Deleted::Refused(verdict, why) => return Ok(refused(report, verdict, &why)),
    }
    report.outcome = Outcome::Deleted;
    report.message = format!(
        "pod {ns}/{} force-deleted from node {}",
        opts.pod,
        node.clone().unwrap_or_default()
    );
    if opts.wait {
        log.say(&report.message);
        let started = Instant::now();
        // the StatefulSet controller labels every pod with its name
        // (statefulset.kubernetes.io/pod-name), so the replacement is watched directly
        let selector = format!("statefulset.kubernetes.io/pod-name={}", opts.pod);
        let mut waker = Waker::new(cluster, ns, set.as_deref().unwrap_or(""), &selector);
        loop {
            let now = cluster.get_pod(ns, &opts.pod).await?;
            let fresh = now.filter(|p| p.metadata.uid.as_deref() != Some(uid.as_str()));
            if let Some(p) = &fresh {
                let r = Replacement::of(p);
                let ready = r.ready;
                report.replacement = Some(r);
                if ready {
                    break;
                }
            }
            let status = match &fresh {
                Some(p) => {
                    let v = serde_json::to_value(p).unwrap_or_default();
                    format!("replacement {}", crate::kubefmt::pod_summary(&v).status)
                }
                None => "no replacement yet".into(),
            };
            if started.elapsed() >= opts.timeout {
                report.outcome = Outcome::ReplacementTimedOut;
                report.message = format!(
                    "pod {ns}/{} force-deleted, but its replacement was not Ready within {} ({status})",
                    opts.pod,
                    crate::kubefmt::human_duration(opts.timeout.as_secs() as i64)
                );
                return Ok(report);
            }
            log.waiting(&status, started);
            waker.changed().await;
        }
        report.message = format!(
            "{}; replacement Ready on node {}",
            report.message,
            report
                .replacement
                .as_ref()
                .and_then(|r| r.node.clone())
                .unwrap_or_default()
        );
    }
    Ok(report)
}

fn refused(mut r: ForceDeleteReport, verdict: Eligibility, why: &str) -> ForceDeleteReport {
    r.outcome = Outcome::Refused;
    r.message = format!(
        "refusing to force-delete pod {}/{}: {why}",
        r.namespace, r.pod
    );
    r.eligibility = verdict;
    r
}

fn already_gone(mut r: ForceDeleteReport, uid: &str) -> ForceDeleteReport {
    r.outcome = Outcome::AlreadyGone;
    r.message = format!(
        "pod {}/{} (uid {uid}) was already gone or replaced",
        r.namespace, r.pod
    );
    r
}
