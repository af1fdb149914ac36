//! `recover`: bring an ordinal back from a dead node by the fastest path that is safe for this
//! pod (`model::recover` decides it), do it behind confirmation and preconditions, and follow it
//! until the ordinal is Ready again. `release-node` gives the node back afterwards.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Pod, Taint};
use serde::Serialize;

use super::force_delete::{check, delete_checked, recheck, Confirm, Deleted, Replacement};
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
    let Some(mut checked) = check(cluster, ns, &opts.pod, opts.silence).await? else {
        return Err(Error::not_found(format!(
            "pod \"{}\" not found in namespace \"{ns}\"",
            opts.pod
        )));
    };
    let uid = checked.pod.metadata.uid.clone().unwrap_or_default();
    let node = checked.pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let set = owning_statefulset(&checked.pod);
    let mut report = RecoverReport {
        api_version: "kubectl-sts/v1",
        kind: "RecoverResult",
        namespace: ns.into(),
        pod: opts.pod.clone(),
        uid: uid.clone(),
        node: node.clone(),
        stateful_set: set.clone(),
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
    };
    let (Some(node), Some(set), true) = (node, set, checked.verdict.eligible()) else {
        let why = checked.verdict.reason.clone();
        return Ok(refused(report, &why));
    };
    let VolumeRead {
        volumes,
        attachable,
        pinned_below,
        snap,
    } = volume_facts(cluster, ns, &set, &opts.pod, &node).await?;
    // what could not be read leaves the path unknown: refuse with that reason
    if let Some(why) = volumes
        .iter()
        .find(|v| v.placement == Placement::Unknown)
        .and_then(|v| v.placement_reason.clone())
    {
        report.volumes = volumes.clone();
        return Ok(refused(report, &format!("{why}; nothing was written")));
    }
    let mut path = RecoverPath::choose(&volumes);
    let node_obj = match cluster.node_opt(&node).await? {
        Access::Ok(n) => n,
        Access::Forbidden => None,
    };
    let mut expectation = path.expectation();
    if path == RecoverPath::OutOfServiceTaint && node_obj.is_none() {
        // the Node object was removed: there is nothing to taint; the volume is detached by
        // the forced detach, about 6 minutes on
        path = RecoverPath::Delete;
        expectation = crate::model::recover::NODE_GONE_EXPECTATION;
    }
    report.path = Some(path);
    report.expectation = Some(expectation.to_string());
    report.volumes = volumes.clone();
    // not pinned, but no node can take the replacement yet: say where it waits
    report.warnings.extend(
        volumes
            .iter()
            .filter(|v| v.placement == Placement::NoLiveNode)
            .filter_map(|v| {
                Some(format!(
                    "claim {}: {}",
                    v.claim,
                    v.placement_reason.as_ref()?
                ))
            }),
    );
    let already_tainted = node_obj
        .as_ref()
        .and_then(|n| n.spec.as_ref()?.taints.as_ref())
        .is_some_and(|ts| ts.iter().any(|t| t.key == OUT_OF_SERVICE));
    if path == RecoverPath::OutOfServiceTaint {
        match cluster.pods_on_node(&node).await? {
            Access::Ok(pods) => {
                let node_taints = node_obj
                    .as_ref()
                    .and_then(|n| n.spec.as_ref()?.taints.clone())
                    .unwrap_or_default();
                // the server's clock: taints' timeAdded are its times
                let now = checked.now;
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
    }
    // the pod goes (deleted, or by the taint): the controller must be going to create it again
    let taint_path = path == RecoverPath::OutOfServiceTaint;
    let replacement_needed = match path {
        RecoverPath::VolumePinned => matches!(opts.pinned, PinnedChoice::Abandon(_)),
        RecoverPath::Delete | RecoverPath::OutOfServiceTaint => true,
    };
    if replacement_needed {
        let taint = taint_path.then_some(&pinned_below);
        if let Some(why) = replacement_refusal(&snap.set, &snap.pods, &opts.pod, &node, taint) {
            return Ok(refused(report, &why));
        }
    }
    match (&opts.pinned, path) {
        (PinnedChoice::Abandon(_), p) if p != RecoverPath::VolumePinned => {
            report.warnings.push("--abandon-data is not used: no volume of this pod is pinned to the dead node, so no claim is deleted".into())
        }
        (PinnedChoice::WaitForNode, p) if p != RecoverPath::VolumePinned => report
            .warnings
            .push("--wait is not used: the pod's volumes do not need the dead node".into()),
        _ => {}
    }
    // the claims whose data is pinned to the dead node: the only ones --abandon-data gives up
    let pinned_volumes: Vec<VolumeFacts> = volumes
        .iter()
        .filter(|v| v.placement == Placement::Pinned)
        .cloned()
        .collect();
    let claims: Vec<String> = pinned_volumes.iter().map(|v| v.claim.clone()).collect();
    // the plan: what will be written, in order
    let plan: Vec<String> = match (path, &opts.pinned) {
        (RecoverPath::OutOfServiceTaint, _) if already_tainted => vec![],
        (RecoverPath::OutOfServiceTaint, _) => vec![taint_sentence(&node)],
        (RecoverPath::Delete, _) => vec![format!(
            "kubectl delete pod {} -n {ns} --grace-period=0 --force (uid {uid})",
            opts.pod
        )],
        (RecoverPath::VolumePinned, PinnedChoice::Abandon(_)) => {
            let mut w = vec![format!(
                "kubectl delete pod {} -n {ns} --grace-period=0 --force (uid {uid})",
                opts.pod
            )];
            w.extend(pinned_volumes.iter().map(|v| {
                format!(
                    "kubectl delete pvc {} -n {ns} (uid {}): ITS DATA IS GIVEN UP",
                    v.claim,
                    v.claim_uid.as_deref().unwrap_or("?")
                )
            }));
            w
        }
        (RecoverPath::VolumePinned, _) => vec![],
    };
    report.writes = plan
        .iter()
        .map(|a| WriteRecord {
            action: a.clone(),
            done: false,
            at_seconds: None,
        })
        .collect();
    if path == RecoverPath::VolumePinned && opts.pinned == PinnedChoice::None {
        let pinned: Vec<&str> = volumes
            .iter()
            .filter(|v| v.placement == Placement::Pinned)
            .map(|v| v.claim.as_str())
            .collect();
        let why = format!(
            "{}'s data ({}) exists only on node {node}, which is down; either wait for {node} to return (--wait), or give up that data: --abandon-data={} --yes deletes the pod and those claims, and the StatefulSet controller creates empty ones",
            opts.pod,
            pinned.join(", "),
            claims.join(",")
        );
        return Ok(refused(report, &why));
    }
    if opts.dry_run {
        report.outcome = Outcome::DryRun;
        report.message = match (path, &opts.pinned) {
            (RecoverPath::VolumePinned, PinnedChoice::WaitForNode) => format!(
                "pod {ns}/{} would wait for node {node} to return; nothing would be written",
                opts.pod
            ),
            _ if plan.is_empty() => format!(
                "pod {ns}/{}: node {node} is already out of service; recover would follow the replacement to Ready",
                opts.pod
            ),
            _ => format!(
                "pod {ns}/{} may be recovered ({}): {}",
                opts.pod,
                checked.verdict.reason,
                plan.join("; then ")
            ),
        };
        return Ok(report);
    }

    // confirmation before the first write
    let asked = match (path, &opts.pinned) {
        (RecoverPath::VolumePinned, PinnedChoice::WaitForNode) => None,
        (RecoverPath::OutOfServiceTaint, _) if already_tainted => None,
        (RecoverPath::OutOfServiceTaint, _) => {
            let mut q = format!(
                "Taint node {node} out of service ({OUT_OF_SERVICE}={OUT_OF_SERVICE_VALUE}:{OUT_OF_SERVICE_EFFECT})?\n{}.\nOnly do this if the machine is really off: every pod there that does not tolerate the taint is deleted without its kubelet confirming, and its volumes are detached at once.",
                checked.verdict.reason
            );
            for p in &report.node_pods {
                q.push_str(&format!("\n  {}", p.describe()));
            }
            Some(("node name", node.clone(), q))
        }
        (RecoverPath::Delete, _) => Some((
            "pod name",
            opts.pod.clone(),
            format!(
                "Force-delete pod {ns}/{} (grace period 0)? {}.\nThe StatefulSet then starts a new {} elsewhere.",
                opts.pod, checked.verdict.reason, opts.pod
            ),
        )),
        (RecoverPath::VolumePinned, PinnedChoice::Abandon(named)) => {
            if !named.is_empty() {
                if let Err(e) = abandon_names_match(named, &pinned_volumes) {
                    return Ok(not_confirmed(report, &format!("{e}; nothing was written")));
                }
            } else if opts.yes {
                return Ok(not_confirmed(
                    report,
                    &format!(
                        "giving up data needs the claims named: --abandon-data={} --yes; nothing was written",
                        claims.join(",")
                    ),
                ));
            }
            Some((
                "claim names, comma-separated,",
                claims.join(","),
                format!(
                    "GIVE UP the data of {ns}/{}? Its claims {} are on volumes only node {node} holds. The pod and the claims are deleted; the StatefulSet controller creates EMPTY claims and the pod starts on another node. This cannot be undone.",
                    opts.pod,
                    claims.join(", ")
                ),
            ))
        }
        // refused above: nothing to confirm, and nothing is written below
        (RecoverPath::VolumePinned, PinnedChoice::None) => None,
    };
    let tainting = path == RecoverPath::OutOfServiceTaint && !already_tainted;
    if tainting && opts.yes {
        // the taint asserts that the machine is off (non-graceful node shutdown): --yes alone
        // does not say that; the node must be named
        match opts.node_is_off.as_deref() {
            Some(n) if n == node => {}
            Some(n) => {
                return Ok(not_confirmed(
                    report,
                    &format!("--node-is-off names node {n}, but {} is on node {node}; nothing was written", opts.pod),
                ))
            }
            None => {
                return Ok(not_confirmed(
                    report,
                    &format!("tainting node {node} out of service asserts that the machine is off: check that it is, then pass --node-is-off {node} with --yes; nothing was written"),
                ))
            }
        }
    }
    if let Some((what, answer, question)) = asked {
        let named_on_command_line =
            matches!(&opts.pinned, PinnedChoice::Abandon(n) if !n.is_empty());
        let skip_prompt = opts.yes && (path != RecoverPath::VolumePinned || named_on_command_line);
        if !skip_prompt {
            if !confirm.confirm(&question, what, &answer).await {
                let flag = if path == RecoverPath::VolumePinned {
                    format!("--abandon-data={} --yes", claims.join(","))
                } else {
                    "--yes".into()
                };
                return Ok(not_confirmed(
                    report,
                    &format!("not confirmed: nothing was written (pass {flag} to confirm without a prompt)"),
                ));
            }
            // a person may have taken minutes to answer: the node may be back by now
            match recheck(cluster, ns, &opts.pod, opts.silence, &uid).await? {
                Some(c) if c.verdict.eligible() => checked = c,
                Some(c) => {
                    let why = format!("since the check, {}", c.verdict.reason);
                    report.eligibility = c.verdict;
                    return Ok(refused(report, &why));
                }
                // the confirmed pod is not there any more: what was confirmed is not what
                // would be written for (the node came back, its kubelet finished the pod, or
                // a new pod took the name)
                None => return Ok(refused(report, &replaced_since(ns, &opts.pod, &uid))),
            }
            // and the controller must still be going to create the replacement
            if replacement_needed {
                let now = volume_facts(cluster, ns, &set, &opts.pod, &node).await?;
                let taint = taint_path.then_some(&now.pinned_below);
                if let Some(why) =
                    replacement_refusal(&now.snap.set, &now.snap.pods, &opts.pod, &node, taint)
                {
                    return Ok(refused(report, &format!("since the check, {why}")));
                }
            }
        }
    }

    // the writes, the path said first (a --yes run had no prompt to say it)
    log.say(&format!("{ns}/{}: {expectation}", opts.pod));
    let first_write = Instant::now();
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
    match (path, &opts.pinned) {
        (RecoverPath::OutOfServiceTaint, _) if already_tainted => {}
        (RecoverPath::OutOfServiceTaint, _) => {
            journal.left(&format!("taint node {node} out of service"));
            if let Some(stop) = taint(cluster, ns, opts, &node, &uid).await? {
                return Ok(refused(report, &stop));
            }
            record(&mut report, journal);
        }
        (RecoverPath::Delete, _) => {
            journal.left(&format!("delete pod {} with grace period 0", opts.pod));
            match delete_checked(cluster, ns, &opts.pod, opts.silence, checked).await? {
                Deleted::Refused(verdict, why) => {
                    report.eligibility = verdict;
                    return Ok(refused(report, &why));
                }
                Deleted::Replaced => {
                    return Ok(refused(report, &replaced_since(ns, &opts.pod, &uid)))
                }
                // gone already (the pod GC, or someone else): the replacement is followed
                Deleted::Gone | Deleted::Done => {}
            }
            record(&mut report, journal);
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
                    return Ok(refused(report, &why));
                }
                // not deleted by this command: whatever happened to the pod, its data is not
                // given up on that premise
                Deleted::Gone | Deleted::Replaced => {
                    return Ok(refused(
                        report,
                        &format!(
                            "{}; the claims {} were not deleted",
                            replaced_since(ns, &opts.pod, &uid),
                            claims.join(", ")
                        ),
                    ))
                }
            }
            record(&mut report, journal);
            for v in &pinned_volumes {
                let Some(claim_uid) = v.claim_uid.as_deref() else {
                    record(&mut report, journal);
                    continue;
                };
                match cluster.delete_claim(ns, &v.claim, claim_uid).await? {
                    Guarded::Done(()) | Guarded::Gone => {}
                    Guarded::Conflict(m) => report.warnings.push(format!(
                        "claim {} was replaced since the check and was not deleted ({m})",
                        v.claim
                    )),
                }
                record(&mut report, journal);
            }
        }
        (RecoverPath::VolumePinned, _) => {}
    }

    // follow it to the end
    let follow_up = (path == RecoverPath::OutOfServiceTaint).then(|| {
        format!("when node {node} is back (powered on, Ready), give it back: kubectl sts release-node {node}")
    });
    journal.left(&format!(
        "{} is not Ready yet (kubectl sts inspect {set} -n {ns} shows it){}",
        opts.pod,
        follow_up
            .as_ref()
            .map(|f| format!("; {f}"))
            .unwrap_or_default()
    ));
    let waiting_since = first_write;
    let selector = format!("statefulset.kubernetes.io/pod-name={}", opts.pod);
    let mut waker = Waker::new(cluster, ns, &set, &selector);
    let mut seen = BTreeSet::new();
    loop {
        let pod = cluster.get_pod(ns, &opts.pod).await?;
        let unattached =
            unattached_volumes(cluster, ns, pod.as_ref(), &claims, &attachable).await?;
        let (p, words) = phase(
            &uid,
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
            return Ok(report);
        }
        log.waiting(&words, waiting_since);
        waker.changed().await;
    }
    log.done();
    let total = waiting_since.elapsed().as_secs_f64();
    report.total_seconds = Some(round1(total));
    if let Ok((LeaseLookup::Renewed(t), Some(server_now), _)) = cluster.node_lease(&node).await {
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
        opts.pod,
        if write_no == 0 {
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
    Ok(report)
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
