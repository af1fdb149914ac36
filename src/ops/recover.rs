//! `recover`: bring an ordinal back from a dead node by the fastest path that is safe for this
//! pod (`model::recover` decides it), do it behind confirmation and preconditions, and follow it
//! until the ordinal is Ready again. `release-node` gives the node back afterwards.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Node, Pod, Taint};
use serde::Serialize;

use super::force_delete::{check, delete_checked, recheck, Checked, Confirm, Deleted, Replacement};
use super::{Journal, Waker};
use crate::cluster::{Cluster, Guarded};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::kubefmt::human_duration;
use crate::model::force::Eligibility;
use crate::model::health::LeaseLookup;
use crate::model::health::{pod_ready, OUT_OF_SERVICE};
use crate::model::inspect::{inspect, InspectOptions};
use crate::model::placement::{live_nodes, placement, Placement};
use crate::model::recover::{
    abandon_names_match, out_of_service_taint, phase, release_verdict, replacement_refusal,
    NodePod, Observed, Phase, PinnedChoice, RecoverPath, ReleaseVerdict, VolumeFacts,
    OUT_OF_SERVICE_EFFECT, OUT_OF_SERVICE_VALUE,
};
use crate::model::set::{ordinal_of, owning_statefulset};
use crate::model::{Access, Attachment, Snapshot};
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct RecoverOptions {
    pub pod: String,
    pub yes: bool,
    pub dry_run: bool,
    pub silence: Duration,
    pub pinned: PinnedChoice,
    /// `--node-is-off NODE`: the operator asserts that the machine is off (the taint path
    /// without a prompt needs it).
    pub node_is_off: Option<String>,
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// The ordinal's pod is Ready again.
    Recovered,
    DryRun,
    Refused,
    NotConfirmed,
    /// Written, but the ordinal was not Ready within `--timeout` (`phase` says where it was).
    TimedOut,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteRecord {
    /// The write, as a sentence an operator could repeat with kubectl.
    pub action: String,
    /// False in a dry run or a refusal: what would be written.
    pub done: bool,
    /// Seconds after the command started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseRecord {
    pub phase: Phase,
    /// Seconds after the first write (the start of the wait for `--wait`).
    pub at_seconds: f64,
}

/// The `kubectl-sts/v1 RecoverResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoverReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub node: Option<String>,
    pub stateful_set: Option<String>,
    pub outcome: Outcome,
    pub message: String,
    pub path: Option<RecoverPath>,
    pub expectation: Option<String>,
    pub eligibility: Eligibility,
    pub volumes: Vec<VolumeFacts>,
    /// Every pod on the node and what the out-of-service taint does to it.
    pub node_pods: Vec<NodePod>,
    pub writes: Vec<WriteRecord>,
    pub phases: Vec<PhaseRecord>,
    /// Where the wait stopped (a timeout or an interruption).
    pub phase: Option<Phase>,
    /// From the first write to the ordinal Ready again.
    pub total_seconds: Option<f64>,
    /// From the node's kubelet's last report (its Lease) to the ordinal Ready again.
    pub down_seconds: Option<f64>,
    pub replacement: Option<Replacement>,
    pub warnings: Vec<String>,
    /// What the operator still has to do.
    pub follow_up: Option<String>,
}

impl RecoverReport {
    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            Outcome::Recovered | Outcome::DryRun => ExitCode::Ok,
            Outcome::Refused => ExitCode::Refused,
            Outcome::NotConfirmed => ExitCode::NotConfirmed,
            Outcome::TimedOut => ExitCode::TimedOut,
        }
    }

    /// The lines a person reads under the message: evidence, plan, what happened.
    pub fn details(&self) -> Vec<String> {
        let mut d = self.eligibility.evidence.clone();
        if let Some(e) = &self.expectation {
            d.push(format!("path: {e}"));
        }
        for v in &self.volumes {
            d.push(format!(
                "claim {}: volume {}, {}{}",
                v.claim,
                v.volume.as_deref().unwrap_or("none"),
                match v.placement {
                    Placement::Unbound => "not bound".to_string(),
                    Placement::Movable => "can move to a live node".to_string(),
                    Placement::NoLiveNode | Placement::Unknown =>
                        v.placement_reason.clone().unwrap_or_default(),
                    Placement::Pinned => "pinned to the dead node".to_string(),
                },
                if v.attached_to_dead_node {
                    ", still attached to the dead node"
                } else {
                    ""
                }
            ));
        }
        d.extend(
            self.node_pods
                .iter()
                .map(|p| format!("taint: {}", p.describe())),
        );
        for w in &self.writes {
            d.push(match (w.done, w.at_seconds) {
                (true, Some(t)) => format!("wrote (at {t:.1}s): {}", w.action),
                (true, None) => format!("wrote: {}", w.action),
                (false, _) => format!("would write: {}", w.action),
            });
        }
        for p in &self.phases {
            d.push(format!("{:?} at {:.1}s", p.phase, p.at_seconds));
        }
        d.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        if let Some(f) = &self.follow_up {
            d.push(format!("next: {f}"));
        }
        d
    }
}

fn taint_sentence(node: &str) -> String {
    format!(
        "kubectl taint node {node} {OUT_OF_SERVICE}={OUT_OF_SERVICE_VALUE}:{OUT_OF_SERVICE_EFFECT}"
    )
}

/// What recover decides on, read in one go: the pod's volumes and where each may be used,
/// the volumes with an attachment at all, the set's pods on the dead node below the pod whose
/// volume only that node can use (the out-of-service taint deletes them too, and their
/// replacements can start nowhere, so OrderedReady would never reach the pod), and the
/// snapshot they were read from.
struct VolumeRead {
    volumes: Vec<VolumeFacts>,
    attachable: BTreeSet<String>,
    pinned_below: BTreeSet<String>,
    snap: Snapshot,
}

async fn volume_facts(
    cluster: &Cluster,
    ns: &str,
    set: &str,
    pod: &str,
    node: &str,
) -> Result<VolumeRead, Error> {
    let snap = cluster.snapshot(ns, set).await?;
    let mut read = VolumeRead {
        volumes: vec![],
        attachable: BTreeSet::new(),
        pinned_below: BTreeSet::new(),
        snap,
    };
    let Some(ordinal) = ordinal_of(set, pod) else {
        return Ok(read);
    };
    let snap = &read.snap;
    let ins = inspect(snap, &InspectOptions::default());
    // every node: whether some live node other than the dead one can use a volume is a
    // question about the whole cluster (`placement`), the one list of nodes recover reads
    let nodes = cluster.nodes_labelled().await?;
    // not allowed to list nodes: a volume with node affinity is of unknown placement (a
    // refusal with that reason, never a "pinned" verdict)
    let all = nodes.ok().map(|v| v.as_slice());
    let live = all.map_or_else(Vec::new, |v| live_nodes(v, node, snap.now));
    let attachments: &[Attachment] = snap.attachments.ok().map_or(&[], |v| v.as_slice());
    let facts_of = |row: &crate::model::inspect::OrdinalRow| -> Vec<VolumeFacts> {
        row.volumes
            .iter()
            .map(|v| {
                let pv = v
                    .volume
                    .as_deref()
                    .and_then(|name| snap.volumes.ok()?.iter().find(|p| p.name == name));
                let (placed, reason) = match (&v.volume, pv) {
                    (Some(name), None) => (
                        Placement::Unknown,
                        Some(format!(
                            "volume {name} may not be read: whether it can move is unknown"
                        )),
                    ),
                    _ => placement(pv, all, node, &live),
                };
                VolumeFacts {
                    claim: v.claim.clone(),
                    claim_uid: v.claim_uid.clone(),
                    volume: v.volume.clone(),
                    placement: placed,
                    placement_reason: reason,
                    attached_to_dead_node: attachments
                        .iter()
                        .any(|a| a.node == node && a.volume.is_some() && a.volume == v.volume),
                }
            })
            .collect()
    };
    let on_dead_node = |row: &crate::model::inspect::OrdinalRow| {
        row.pod
            .as_ref()
            .and_then(|p| p.node.as_deref())
            .is_some_and(|n| n == node)
    };
    let pinned_below: BTreeSet<String> = ins
        .rows
        .iter()
        .filter(|r| r.ordinal < ordinal && on_dead_node(r))
        .filter(|r| facts_of(r).iter().any(|v| v.placement == Placement::Pinned))
        .map(|r| format!("{set}-{}", r.ordinal))
        .collect();
    let volumes = ins
        .rows
        .iter()
        .find(|r| r.ordinal == ordinal)
        .map(facts_of)
        .unwrap_or_default();
    read.attachable = attachments
        .iter()
        .filter_map(|a| a.volume.clone())
        .collect();
    read.volumes = volumes;
    read.pinned_below = pinned_below;
    Ok(read)
}

/// Runs the recovery; progress through `log`, confirmation through `confirm`, each write
/// noted in `journal` as it is made.
pub async fn run(
    cluster: &Cluster,
    ns: &str,
    opts: &RecoverOptions,
    confirm: &mut dyn Confirm,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<RecoverReport, Error> {
    let started = Instant::now();
    let Some(checked) = check(cluster, ns, &opts.pod, opts.silence).await? else {
        return Err(Error::not_found(format!(
            "pod \"{}\" not found in namespace \"{ns}\"",
            opts.pod
        )));
    };
    let mut report = first_report(ns, opts, &checked);
    let recovery = Recovery {
        cluster,
        ns,
        opts,
        journal,
        started,
    };
    match recovery.recover(checked, &mut report, confirm, log).await {
        Ok(()) => Ok(report),
        Err(Stop::Refused(why)) => Ok(refused(report, &why)),
        Err(Stop::NotConfirmed(why)) => Ok(not_confirmed(report, &why)),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// The report before anything is decided: the pod, its node and set, its eligibility.
fn first_report(ns: &str, opts: &RecoverOptions, checked: &Checked) -> RecoverReport {
    RecoverReport {
        api_version: "kubectl-sts/v1",
        kind: "RecoverResult",
        namespace: ns.into(),
        pod: opts.pod.clone(),
        uid: checked.pod.metadata.uid.clone().unwrap_or_default(),
        node: checked.pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        stateful_set: owning_statefulset(&checked.pod),
        outcome: Outcome::Refused,
        message: String::new(),
        path: None,
        expectation: None,
        eligibility: checked.verdict.clone(),
        volumes: vec![],
        node_pods: vec![],
        writes: vec![],
        phases: vec![],
        phase: None,
        total_seconds: None,
        down_seconds: None,
        replacement: None,
        warnings: vec![],
        follow_up: None,
    }
}

/// Why a recovery ends before the ordinal is followed: a guard refused, the operator did not
/// confirm, or an API call failed.
enum Stop {
    Refused(String),
    NotConfirmed(String),
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Failed(e)
    }
}

/// What every step of one recovery reads.
struct Recovery<'a> {
    cluster: &'a Cluster,
    ns: &'a str,
    opts: &'a RecoverOptions,
    journal: &'a Journal,
    /// When the command started: the writes' times count from here.
    started: Instant,
}

/// What recover does for the pod, decided before anything is written.
struct Plan {
    node: String,
    set: String,
    uid: String,
    path: RecoverPath,
    expectation: &'static str,
    /// The node carries the out-of-service taint already: nothing to write for it.
    already_tainted: bool,
    /// The pod goes (deleted, or by the taint): the controller must be going to create it
    /// again.
    replacement_needed: bool,
    /// The claims whose data is pinned to the dead node: the only ones --abandon-data gives up.
    pinned_volumes: Vec<VolumeFacts>,
    claims: Vec<String>,
    /// What will be written, in order.
    writes: Vec<String>,
    /// The volumes with an attachment at all when the recovery began.
    attachable: BTreeSet<String>,
}

/// What a prompt asks the operator to type back, and the question.
struct Question {
    what: &'static str,
    answer: String,
    text: String,
}

impl Recovery<'_> {
    /// Plan, confirm, write, and follow the ordinal until it is Ready again or the timeout.
    async fn recover(
        &self,
        checked: Checked,
        report: &mut RecoverReport,
        confirm: &mut dyn Confirm,
        log: &mut Progress<'_>,
    ) -> Result<(), Stop> {
        let (Some(node), Some(set), true) = (
            report.node.clone(),
            report.stateful_set.clone(),
            checked.verdict.eligible(),
        ) else {
            return Err(Stop::Refused(checked.verdict.reason.clone()));
        };
        let plan = self.plan(&checked, node, set, report).await?;
        if self.opts.dry_run {
            report.outcome = Outcome::DryRun;
            report.message = plan.dry_run_message(self.ns, self.opts, &checked.verdict.reason);
            return Ok(());
        }
        let checked = self.confirm(&plan, checked, report, confirm).await?;
        // the writes, the path said first (a --yes run had no prompt to say it)
        log.say(&format!(
            "{}/{}: {}",
            self.ns, self.opts.pod, plan.expectation
        ));
        let first_write = Instant::now();
        let written = self.write(&plan, checked, report, log).await?;
        self.follow(&plan, report, log, first_write, written)
            .await?;
        Ok(())
    }

    /// Reads the pod's volumes and its node and decides the path and its writes; refused where
    /// the path is unknown, the replacement would not come, or pinned data needs a choice.
    async fn plan(
        &self,
        checked: &Checked,
        node: String,
        set: String,
        report: &mut RecoverReport,
    ) -> Result<Plan, Stop> {
        let (ns, opts) = (self.ns, self.opts);
        let VolumeRead {
            volumes,
            attachable,
            pinned_below,
            snap,
        } = volume_facts(self.cluster, ns, &set, &opts.pod, &node).await?;
        // what could not be read leaves the path unknown: refuse with that reason
        if let Some(why) = volumes
            .iter()
            .find(|v| v.placement == Placement::Unknown)
            .and_then(|v| v.placement_reason.clone())
        {
            report.volumes = volumes.clone();
            return Err(Stop::Refused(format!("{why}; nothing was written")));
        }
        let node_obj = match self.cluster.node_opt(&node).await? {
            Access::Ok(n) => n,
            Access::Forbidden => None,
        };
        let (path, expectation) = choose_path(&volumes, node_obj.is_some());
        report.path = Some(path);
        report.expectation = Some(expectation.to_string());
        report.volumes = volumes.clone();
        // not pinned, but no node can take the replacement yet: say where it waits
        report.warnings.extend(no_live_node_warnings(&volumes));
        let already_tainted = node_obj
            .as_ref()
            .and_then(|n| n.spec.as_ref()?.taints.as_ref())
            .is_some_and(|ts| ts.iter().any(|t| t.key == OUT_OF_SERVICE));
        if path == RecoverPath::OutOfServiceTaint {
            self.taint_fates(&node, node_obj.as_ref(), checked.now, report)
                .await?;
        }
        let replacement_needed = match path {
            RecoverPath::VolumePinned => matches!(opts.pinned, PinnedChoice::Abandon(_)),
            RecoverPath::Delete | RecoverPath::OutOfServiceTaint => true,
        };
        if replacement_needed {
            let taint = (path == RecoverPath::OutOfServiceTaint).then_some(&pinned_below);
            if let Some(why) = replacement_refusal(&snap.set, &snap.pods, &opts.pod, &node, taint) {
                return Err(Stop::Refused(why));
            }
        }
        report
            .warnings
            .extend(unused_flag_warning(&opts.pinned, path));
        let pinned_volumes: Vec<VolumeFacts> = volumes
            .iter()
            .filter(|v| v.placement == Placement::Pinned)
            .cloned()
            .collect();
        let mut plan = Plan {
            claims: pinned_volumes.iter().map(|v| v.claim.clone()).collect(),
            node,
            set,
            uid: report.uid.clone(),
            path,
            expectation,
            already_tainted,
            replacement_needed,
            pinned_volumes,
            writes: vec![],
            attachable,
        };
        plan.writes = plan.planned_writes(ns, opts);
        report.writes = plan
            .writes
            .iter()
            .map(|a| WriteRecord {
                action: a.clone(),
                done: false,
                at_seconds: None,
            })
            .collect();
        if path == RecoverPath::VolumePinned && opts.pinned == PinnedChoice::None {
            return Err(Stop::Refused(plan.pinned_refusal(&opts.pod)));
        }
        Ok(plan)
    }

    /// What the out-of-service taint does to every pod on the node (a warning where they may
    /// not be listed).
    async fn taint_fates(
        &self,
        node: &str,
        node_obj: Option<&Node>,
        now: jiff::Timestamp,
        report: &mut RecoverReport,
    ) -> Result<(), Error> {
        match self.cluster.pods_on_node(node).await? {
            Access::Ok(pods) => {
                let node_taints = node_obj
                    .and_then(|n| n.spec.as_ref()?.taints.clone())
                    .unwrap_or_default();
                // the server's clock (now): taints' timeAdded are its times
                let mut fates: Vec<NodePod> = pods
                    .iter()
                    .map(|p| crate::model::recover::taint_fate(p, &node_taints, now))
                    .collect();
                fates.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                report.node_pods = fates;
            }
            Access::Forbidden => report.warnings.push(format!(
                "not allowed to list the pods on node {node}: the taint deletes every pod there that does not tolerate it"
            )),
        }
        Ok(())
    }

    /// Asks before the first write (or takes `--yes`, with `--node-is-off` for the taint);
    /// after a prompt, the pod and the replacement are checked again. The check the writes
    /// stand on.
    async fn confirm(
        &self,
        plan: &Plan,
        checked: Checked,
        report: &mut RecoverReport,
        confirm: &mut dyn Confirm,
    ) -> Result<Checked, Stop> {
        let opts = self.opts;
        let asked = plan.question(self.ns, opts, &checked.verdict.reason, &report.node_pods)?;
        if let Some(why) = plan.node_is_off_refusal(opts) {
            return Err(Stop::NotConfirmed(why));
        }
        let Some(q) = asked else {
            return Ok(checked);
        };
        let named_on_command_line =
            matches!(&opts.pinned, PinnedChoice::Abandon(n) if !n.is_empty());
        let skip_prompt =
            opts.yes && (plan.path != RecoverPath::VolumePinned || named_on_command_line);
        if skip_prompt {
            return Ok(checked);
        }
        if !confirm.confirm(&q.text, q.what, &q.answer).await {
            let flag = if plan.path == RecoverPath::VolumePinned {
                format!("--abandon-data={} --yes", plan.claims.join(","))
            } else {
                "--yes".into()
            };
            return Err(Stop::NotConfirmed(format!(
                "not confirmed: nothing was written (pass {flag} to confirm without a prompt)"
            )));
        }
        self.recheck_after_prompt(plan, report).await
    }

    /// A person may have taken minutes to answer: the node may be back by now, and the
    /// controller must still be going to create the replacement.
    async fn recheck_after_prompt(
        &self,
        plan: &Plan,
        report: &mut RecoverReport,
    ) -> Result<Checked, Stop> {
        let (ns, opts, node) = (self.ns, self.opts, &plan.node);
        let checked = match recheck(self.cluster, ns, &opts.pod, opts.silence, &plan.uid).await? {
            Some(c) if c.verdict.eligible() => c,
            Some(c) => {
                let why = format!("since the check, {}", c.verdict.reason);
                report.eligibility = c.verdict;
                return Err(Stop::Refused(why));
            }
            // the confirmed pod is not there any more: what was confirmed is not what
            // would be written for (the node came back, its kubelet finished the pod, or
            // a new pod took the name)
            None => return Err(Stop::Refused(replaced_since(ns, &opts.pod, &plan.uid))),
        };
        if plan.replacement_needed {
            let now = volume_facts(self.cluster, ns, &plan.set, &opts.pod, node).await?;
            let taint = (plan.path == RecoverPath::OutOfServiceTaint).then_some(&now.pinned_below);
            if let Some(why) =
                replacement_refusal(&now.snap.set, &now.snap.pods, &opts.pod, node, taint)
            {
                return Err(Stop::Refused(format!("since the check, {why}")));
            }
        }
        Ok(checked)
    }

    /// The path's writes, each behind its precondition and recorded as it is made; how many
    /// were recorded.
    async fn write(
        &self,
        plan: &Plan,
        checked: Checked,
        report: &mut RecoverReport,
        log: &mut Progress<'_>,
    ) -> Result<usize, Stop> {
        let (cluster, ns, opts, journal) = (self.cluster, self.ns, self.opts, self.journal);
        let (node, uid, claims) = (&plan.node, &plan.uid, &plan.claims);
        let started = self.started;
        let mut write_no = 0;
        let mut record = |report: &mut RecoverReport, journal: &Journal| {
            if let Some(w) = report.writes.get_mut(write_no) {
                w.done = true;
                w.at_seconds = Some(round1(started.elapsed().as_secs_f64()));
                journal.wrote(&w.action);
                log.say(&format!("wrote: {}", w.action));
            }
            write_no += 1;
        };
        match (plan.path, &opts.pinned) {
            (RecoverPath::OutOfServiceTaint, _) if plan.already_tainted => {}
            (RecoverPath::OutOfServiceTaint, _) => {
                journal.left(&format!("taint node {node} out of service"));
                if let Some(stop) = taint(cluster, ns, opts, node, uid).await? {
                    return Err(Stop::Refused(stop));
                }
                record(report, journal);
            }
            (RecoverPath::Delete, _) => {
                journal.left(&format!("delete pod {} with grace period 0", opts.pod));
                match delete_checked(cluster, ns, &opts.pod, opts.silence, checked).await? {
                    Deleted::Refused(verdict, why) => {
                        report.eligibility = verdict;
                        return Err(Stop::Refused(why));
                    }
                    Deleted::Replaced => {
                        return Err(Stop::Refused(replaced_since(ns, &opts.pod, uid)))
                    }
                    // gone already (the pod GC, or someone else): the replacement is followed
                    Deleted::Gone | Deleted::Done => {}
                }
                record(report, journal);
            }
            (RecoverPath::VolumePinned, PinnedChoice::Abandon(_)) => {
                journal.left(&format!(
                    "delete pod {} with grace period 0 and its claims {}",
                    opts.pod,
                    claims.join(", ")
                ));
                match delete_checked(cluster, ns, &opts.pod, opts.silence, checked).await? {
                    Deleted::Done => {}
                    Deleted::Refused(verdict, why) => {
                        report.eligibility = verdict;
                        return Err(Stop::Refused(why));
                    }
                    // not deleted by this command: whatever happened to the pod, its data is
                    // not given up on that premise
                    Deleted::Gone | Deleted::Replaced => {
                        return Err(Stop::Refused(format!(
                            "{}; the claims {} were not deleted",
                            replaced_since(ns, &opts.pod, uid),
                            claims.join(", ")
                        )))
                    }
                }
                record(report, journal);
                for v in &plan.pinned_volumes {
                    let Some(claim_uid) = v.claim_uid.as_deref() else {
                        record(report, journal);
                        continue;
                    };
                    match cluster.delete_claim(ns, &v.claim, claim_uid).await? {
                        Guarded::Done(()) | Guarded::Gone => {}
                        Guarded::Conflict(m) => report.warnings.push(format!(
                            "claim {} was replaced since the check and was not deleted ({m})",
                            v.claim
                        )),
                    }
                    record(report, journal);
                }
            }
            (RecoverPath::VolumePinned, _) => {}
        }
        Ok(write_no)
    }

    /// Follows the ordinal until it is Ready again (Recovered) or `--timeout` passes
    /// (TimedOut), noting each phase as it is first seen.
    async fn follow(
        &self,
        plan: &Plan,
        report: &mut RecoverReport,
        log: &mut Progress<'_>,
        first_write: Instant,
        written: usize,
    ) -> Result<(), Error> {
        let (cluster, ns, opts) = (self.cluster, self.ns, self.opts);
        let follow_up = plan.follow_up();
        self.journal.left(&format!(
            "{} is not Ready yet (kubectl sts inspect {} -n {ns} shows it){}",
            opts.pod,
            plan.set,
            follow_up
                .as_ref()
                .map(|f| format!("; {f}"))
                .unwrap_or_default()
        ));
        let waiting_since = first_write;
        let selector = format!("statefulset.kubernetes.io/pod-name={}", opts.pod);
        let mut waker = Waker::new(cluster, ns, &plan.set, &selector);
        let mut seen = BTreeSet::new();
        loop {
            let pod = cluster.get_pod(ns, &opts.pod).await?;
            let unattached =
                unattached_volumes(cluster, ns, pod.as_ref(), &plan.claims, &plan.attachable)
                    .await?;
            let (p, words) = phase(
                &plan.uid,
                &Observed {
                    pod: pod.as_ref(),
                    unattached,
                },
            );
            if seen.insert(p) {
                report.phases.push(PhaseRecord {
                    phase: p,
                    at_seconds: round1(waiting_since.elapsed().as_secs_f64()),
                });
            }
            report.phase = Some(p);
            report.replacement = pod.as_ref().map(Replacement::of);
            if p == Phase::Ready {
                break;
            }
            if waiting_since.elapsed() >= opts.timeout {
                log.done();
                report.outcome = Outcome::TimedOut;
                report.follow_up = follow_up;
                report.message = format!(
                    "{} was not Ready within {} ({:?}: {words})",
                    opts.pod,
                    human_duration(opts.timeout.as_secs() as i64),
                    p
                );
                return Ok(());
            }
            log.waiting(&words, waiting_since);
            waker.changed().await;
        }
        log.done();
        let total = waiting_since.elapsed().as_secs_f64();
        self.recovered(plan, report, total, written, follow_up)
            .await;
        Ok(())
    }

    /// The ordinal is Ready again: how long it took, and how long the set was without it
    /// since the node's kubelet last reported (its Lease, where it may be read).
    async fn recovered(
        &self,
        plan: &Plan,
        report: &mut RecoverReport,
        total: f64,
        written: usize,
        follow_up: Option<String>,
    ) {
        let (ns, node) = (self.ns, &plan.node);
        report.total_seconds = Some(round1(total));
        if let Ok((LeaseLookup::Renewed(t), Some(server_now), _)) =
            self.cluster.node_lease(node).await
        {
            report.down_seconds = Some(round1(server_now.duration_since(t).as_secs_f64().max(0.0)));
        }
        report.outcome = Outcome::Recovered;
        report.follow_up = follow_up;
        let on = report
            .replacement
            .as_ref()
            .and_then(|r| r.node.clone())
            .unwrap_or_default();
        report.message = format!(
            "{ns}/{} is Ready again on node {on}, {total:.1}s after {}{}",
            self.opts.pod,
            if written == 0 {
                "the wait began"
            } else {
                "the first write"
            },
            report
                .down_seconds
                .map(|d| format!(
                    " ({} after node {node}'s kubelet last reported)",
                    human_duration(d as i64)
                ))
                .unwrap_or_default()
        );
    }
}

/// The path `model::recover` chooses for the volumes, and what to expect on it: a node whose
/// Node object is gone cannot be tainted.
fn choose_path(volumes: &[VolumeFacts], node_exists: bool) -> (RecoverPath, &'static str) {
    let path = RecoverPath::choose(volumes);
    if path == RecoverPath::OutOfServiceTaint && !node_exists {
        // the Node object was removed: there is nothing to taint; the volume is detached by
        // the forced detach, about 6 minutes on
        return (
            RecoverPath::Delete,
            crate::model::recover::NODE_GONE_EXPECTATION,
        );
    }
    (path, path.expectation())
}

/// Where the replacement waits for a volume that no live node can use yet (not pinned).
fn no_live_node_warnings(volumes: &[VolumeFacts]) -> Vec<String> {
    volumes
        .iter()
        .filter(|v| v.placement == Placement::NoLiveNode)
        .filter_map(|v| {
            Some(format!(
                "claim {}: {}",
                v.claim,
                v.placement_reason.as_ref()?
            ))
        })
        .collect()
}

/// A pinned-data flag that the chosen path does not use.
fn unused_flag_warning(pinned: &PinnedChoice, path: RecoverPath) -> Option<String> {
    match (pinned, path) {
        (PinnedChoice::Abandon(_), p) if p != RecoverPath::VolumePinned => {
            Some("--abandon-data is not used: no volume of this pod is pinned to the dead node, so no claim is deleted".into())
        }
        (PinnedChoice::WaitForNode, p) if p != RecoverPath::VolumePinned => {
            Some("--wait is not used: the pod's volumes do not need the dead node".into())
        }
        _ => None,
    }
}

impl Plan {
    /// What will be written, in order, as sentences an operator could repeat with kubectl.
    fn planned_writes(&self, ns: &str, opts: &RecoverOptions) -> Vec<String> {
        let (pod, uid) = (&opts.pod, &self.uid);
        match (self.path, &opts.pinned) {
            (RecoverPath::OutOfServiceTaint, _) if self.already_tainted => vec![],
            (RecoverPath::OutOfServiceTaint, _) => vec![taint_sentence(&self.node)],
            (RecoverPath::Delete, _) => vec![format!(
                "kubectl delete pod {pod} -n {ns} --grace-period=0 --force (uid {uid})"
            )],
            (RecoverPath::VolumePinned, PinnedChoice::Abandon(_)) => {
                let mut w = vec![format!(
                    "kubectl delete pod {pod} -n {ns} --grace-period=0 --force (uid {uid})"
                )];
                w.extend(self.pinned_volumes.iter().map(|v| {
                    format!(
                        "kubectl delete pvc {} -n {ns} (uid {}): ITS DATA IS GIVEN UP",
                        v.claim,
                        v.claim_uid.as_deref().unwrap_or("?")
                    )
                }));
                w
            }
            (RecoverPath::VolumePinned, _) => vec![],
        }
    }

    /// Pinned data without `--wait` or `--abandon-data`: the choice is the operator's.
    fn pinned_refusal(&self, pod: &str) -> String {
        let node = &self.node;
        format!(
            "{pod}'s data ({}) exists only on node {node}, which is down; either wait for {node} to return (--wait), or give up that data: --abandon-data={} --yes deletes the pod and those claims, and the StatefulSet controller creates empty ones",
            self.claims.join(", "),
            self.claims.join(",")
        )
    }

    /// What a dry run says would happen.
    fn dry_run_message(&self, ns: &str, opts: &RecoverOptions, reason: &str) -> String {
        let (pod, node) = (&opts.pod, &self.node);
        match (self.path, &opts.pinned) {
            (RecoverPath::VolumePinned, PinnedChoice::WaitForNode) => format!(
                "pod {ns}/{pod} would wait for node {node} to return; nothing would be written"
            ),
            _ if self.writes.is_empty() => format!(
                "pod {ns}/{pod}: node {node} is already out of service; recover would follow the replacement to Ready"
            ),
            _ => format!(
                "pod {ns}/{pod} may be recovered ({reason}): {}",
                self.writes.join("; then ")
            ),
        }
    }

    /// The confirmation asked before the first write (None: nothing to confirm); not
    /// confirmed where `--abandon-data` does not name exactly the pinned claims.
    fn question(
        &self,
        ns: &str,
        opts: &RecoverOptions,
        reason: &str,
        node_pods: &[NodePod],
    ) -> Result<Option<Question>, Stop> {
        let (pod, node) = (&opts.pod, &self.node);
        Ok(match (self.path, &opts.pinned) {
            (RecoverPath::VolumePinned, PinnedChoice::WaitForNode) => None,
            (RecoverPath::OutOfServiceTaint, _) if self.already_tainted => None,
            (RecoverPath::OutOfServiceTaint, _) => {
                let mut q = format!(
                    "Taint node {node} out of service ({OUT_OF_SERVICE}={OUT_OF_SERVICE_VALUE}:{OUT_OF_SERVICE_EFFECT})?\n{reason}.\nOnly do this if the machine is really off: every pod there that does not tolerate the taint is deleted without its kubelet confirming, and its volumes are detached at once."
                );
                for p in node_pods {
                    q.push_str(&format!("\n  {}", p.describe()));
                }
                Some(Question {
                    what: "node name",
                    answer: node.clone(),
                    text: q,
                })
            }
            (RecoverPath::Delete, _) => Some(Question {
                what: "pod name",
                answer: pod.clone(),
                text: format!(
                    "Force-delete pod {ns}/{pod} (grace period 0)? {reason}.\nThe StatefulSet then starts a new {pod} elsewhere."
                ),
            }),
            (RecoverPath::VolumePinned, PinnedChoice::Abandon(named)) => {
                if !named.is_empty() {
                    if let Err(e) = abandon_names_match(named, &self.pinned_volumes) {
                        return Err(Stop::NotConfirmed(format!("{e}; nothing was written")));
                    }
                } else if opts.yes {
                    return Err(Stop::NotConfirmed(format!(
                        "giving up data needs the claims named: --abandon-data={} --yes; nothing was written",
                        self.claims.join(",")
                    )));
                }
                Some(Question {
                    what: "claim names, comma-separated,",
                    answer: self.claims.join(","),
                    text: format!(
                        "GIVE UP the data of {ns}/{pod}? Its claims {} are on volumes only node {node} holds. The pod and the claims are deleted; the StatefulSet controller creates EMPTY claims and the pod starts on another node. This cannot be undone.",
                        self.claims.join(", ")
                    ),
                })
            }
            // refused earlier: nothing to confirm, and nothing is written
            (RecoverPath::VolumePinned, PinnedChoice::None) => None,
        })
    }

    /// The taint asserts that the machine is off (non-graceful node shutdown): `--yes` alone
    /// does not say that; the node must be named with `--node-is-off`.
    fn node_is_off_refusal(&self, opts: &RecoverOptions) -> Option<String> {
        let node = &self.node;
        let tainting = self.path == RecoverPath::OutOfServiceTaint && !self.already_tainted;
        if !(tainting && opts.yes) {
            return None;
        }
        match opts.node_is_off.as_deref() {
            Some(n) if n == node => None,
            Some(n) => Some(format!(
                "--node-is-off names node {n}, but {} is on node {node}; nothing was written",
                opts.pod
            )),
            None => Some(format!(
                "tainting node {node} out of service asserts that the machine is off: check that it is, then pass --node-is-off {node} with --yes; nothing was written"
            )),
        }
    }

    /// After the taint: the node is given back once it is back.
    fn follow_up(&self) -> Option<String> {
        let node = &self.node;
        (self.path == RecoverPath::OutOfServiceTaint).then(|| {
            format!("when node {node} is back (powered on, Ready), give it back: kubectl sts release-node {node}")
        })
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The volumes of the pod's claims that attach (a VolumeAttachment existed for them when the
/// recovery began) and are not attached to the pod's node yet.
async fn unattached_volumes(
    cluster: &Cluster,
    ns: &str,
    pod: Option<&Pod>,
    claims: &[String],
    attachable: &BTreeSet<String>,
) -> Result<Vec<String>, Error> {
    let Some(node) = pod.and_then(|p| p.spec.as_ref()?.node_name.clone()) else {
        return Ok(vec![]);
    };
    if pod.is_some_and(pod_ready) || claims.is_empty() {
        return Ok(vec![]);
    }
    let mut volumes = Vec::new();
    for claim in claims {
        if let Some(volume) = cluster.claim_volume(ns, claim).await? {
            if attachable.contains(&volume) {
                volumes.push(volume);
            }
        }
    }
    let attached = match cluster.attached_to(&volumes, &node).await? {
        Access::Ok(v) => v,
        Access::Forbidden => return Ok(vec![]),
    };
    Ok(volumes
        .into_iter()
        .filter(|v| !attached.contains(v))
        .collect())
}

/// Adds the out-of-service taint (first, as `kubectl taint` puts it), behind the node's
/// resourceVersion; on a conflict the node is read and proven dead again. Some(reason) when
/// it must stop instead.
async fn taint(
    cluster: &Cluster,
    ns: &str,
    opts: &RecoverOptions,
    node: &str,
    uid: &str,
) -> Result<Option<String>, Error> {
    for _ in 0..3 {
        let n = cluster.get_node(node).await?;
        let mut taints = n
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        if taints.iter().any(|t| t.key == OUT_OF_SERVICE) {
            return Ok(None);
        }
        taints.insert(0, out_of_service_taint());
        let rv = n.metadata.resource_version.clone().unwrap_or_default();
        match cluster.set_node_taints(node, &rv, &taints).await? {
            Guarded::Done(_) => return Ok(None),
            Guarded::Gone => return Ok(Some(format!("node {node} was removed"))),
            Guarded::Conflict(_) => {
                // the node changed (the lifecycle controller writes it too): still dead?
                match recheck(cluster, ns, &opts.pod, opts.silence, uid).await? {
                    Some(c) if !c.verdict.eligible() => {
                        return Ok(Some(format!("since the check, {}", c.verdict.reason)))
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(Some(format!(
        "node {node} kept changing while being tainted; nothing was written"
    )))
}

/// The confirmed pod is gone or another pod has its name: the premise of every later write.
fn replaced_since(ns: &str, pod: &str, uid: &str) -> String {
    format!(
        "pod {ns}/{pod} (uid {uid}) is gone or was replaced by a new pod since it was checked (its node may be back, or the controller re-created it): nothing more was written; see kubectl sts inspect and run recover again if it is still needed"
    )
}

fn refused(mut r: RecoverReport, why: &str) -> RecoverReport {
    r.outcome = Outcome::Refused;
    r.message = format!("refusing to recover pod {}/{}: {why}", r.namespace, r.pod);
    r
}

fn not_confirmed(mut r: RecoverReport, why: &str) -> RecoverReport {
    r.outcome = Outcome::NotConfirmed;
    r.message = why.to_string();
    r
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReleaseOutcome {
    Released,
    /// The node had no out-of-service taint.
    NothingToDo,
    DryRun,
    Refused,
}

/// The `kubectl-sts/v1 ReleaseNodeResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub node: String,
    pub outcome: ReleaseOutcome,
    pub message: String,
}

impl ReleaseReport {
    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            ReleaseOutcome::Refused => ExitCode::Refused,
            _ => ExitCode::Ok,
        }
    }
}

/// `release-node`: removes the out-of-service taint once the node is back, behind its
/// resourceVersion.
pub async fn release(
    cluster: &Cluster,
    node: &str,
    silence: Duration,
    dry_run: bool,
) -> Result<ReleaseReport, Error> {
    let mut report = ReleaseReport {
        api_version: "kubectl-sts/v1",
        kind: "ReleaseNodeResult",
        node: node.into(),
        outcome: ReleaseOutcome::Refused,
        message: String::new(),
    };
    for _ in 0..3 {
        let n = match cluster.node_opt(node).await? {
            Access::Ok(Some(n)) => n,
            Access::Ok(None) => return Err(Error::not_found(format!("node \"{node}\" not found"))),
            Access::Forbidden => {
                return Err(Error::api(format!(
                    "not allowed to get node {node}: releasing it needs get and patch on nodes"
                )))
            }
        };
        let (lease, server_now, duration) = cluster.node_lease(node).await?;
        crate::model::force::check_silence(silence, duration, node).map_err(Error::usage)?;
        let now = server_now.unwrap_or_else(jiff::Timestamp::now);
        let (verdict, why) = release_verdict(&n, lease, now, silence);
        match verdict {
            ReleaseVerdict::NotTainted => {
                report.outcome = ReleaseOutcome::NothingToDo;
                report.message = why;
                return Ok(report);
            }
            ReleaseVerdict::StillDown => {
                report.message = format!("refusing to release node {node}: {why}");
                return Ok(report);
            }
            ReleaseVerdict::Release if dry_run => {
                report.outcome = ReleaseOutcome::DryRun;
                report.message = format!("node {node} may be released: {why}");
                return Ok(report);
            }
            ReleaseVerdict::Release => {}
        }
        let taints: Vec<Taint> = n
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.key != OUT_OF_SERVICE)
            .collect();
        let rv = n.metadata.resource_version.clone().unwrap_or_default();
        match cluster.set_node_taints(node, &rv, &taints).await? {
            Guarded::Done(_) => {
                report.outcome = ReleaseOutcome::Released;
                report.message =
                    format!("node {node} released: the {OUT_OF_SERVICE} taint is removed ({why})");
                return Ok(report);
            }
            Guarded::Gone => return Err(Error::not_found(format!("node \"{node}\" not found"))),
            Guarded::Conflict(_) => continue,
        }
    }
    report.message = format!("refusing to release node {node}: it kept changing; run again");
    Ok(report)
}
