//! `resize-storage`: grow a StatefulSet's volumes of one template — grow every claim and follow
//! its resize, save the set, delete it with `propagationPolicy: Orphan`, create it again with
//! the bigger template, verify that nothing restarted — each step resumable by running the
//! same command again (`model::resize::resume_point`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use serde::Serialize;

use super::force_delete::Confirm;
use super::gate::{settle, LazyWaker};
use super::retry::{write_reproven, Reproven};
use super::{Journal, Waker};
use crate::cluster::{selector_string, Cluster, Guarded};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::kubefmt::human_duration;
use crate::model::gate::{only_settling, would_wait, Verdict, Wait};
use crate::model::gate::{Blocker, BlockerCode};
use crate::model::resize::{
    check_request, claims_words, managed_by, orphan_delete_refusal, preflight, recreated,
    resume_point, size_words, template_size, ClaimFacts, Preflight, Request, Resume, SavedRecord,
};
use crate::model::rollout::step_blockers;
use crate::model::view::SetView;
use crate::model::Access;
use crate::progress::Progress;

#[derive(Debug, Clone)]
pub struct ResizeOptions {
    pub name: String,
    pub template: String,
    pub size: String,
    pub yes: bool,
    pub dry_run: bool,
    /// Longest wait of each stage (the claims' resize, the delete, the adoption).
    pub timeout: Duration,
    /// More than ten times the current size is meant.
    pub allow_large_growth: bool,
    /// The set's manager (an operator, Argo CD, Flux) has the new size in its source too.
    pub allow_managed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Completed,
    DryRun,
    Refused,
    NotConfirmed,
    /// A stage did not finish within `--timeout` (`stages` says which; run again to go on).
    TimedOut,
    /// Someone else changed or replaced the set meanwhile.
    Interfered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Stage {
    PatchClaims,
    SaveStatefulSet,
    DeleteOrphan,
    Create,
    Verify,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageRecord {
    pub stage: Stage,
    pub done: bool,
    pub detail: String,
    pub seconds: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// Every pod has the uid it had before the delete (nothing restarted).
    pub pods_kept: Option<bool>,
    /// Every pod's controller is the new set.
    pub adopted: bool,
    /// The set's current revision is the one it had before.
    pub revision_unchanged: Option<bool>,
    /// Every claim of the template has the new capacity.
    pub claims_resized: bool,
    pub notes: Vec<String>,
}

/// The `kubectl-sts/v1 ResizeResult` document.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResizeReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    pub template: String,
    pub from: Option<String>,
    pub to: String,
    pub outcome: Outcome,
    pub message: String,
    /// Where this run started (a run cut off earlier continues where it stopped).
    pub resumed_at: Option<Resume>,
    pub blockers: Vec<Blocker>,
    pub plan: Vec<String>,
    pub claims: Vec<ClaimFacts>,
    /// The copy of the StatefulSet saved before it was deleted.
    pub saved_to: String,
    pub stages: Vec<StageRecord>,
    pub verification: Option<Verification>,
    pub warnings: Vec<String>,
    /// What the gate waited for before a write, and how long.
    pub waits: Vec<Wait>,
}

impl ResizeReport {
    pub fn exit_code(&self) -> ExitCode {
        match self.outcome {
            Outcome::Completed => ExitCode::Ok,
            // only blockers that settle by themselves: the command would wait, then go on
            Outcome::DryRun if only_settling(&self.blockers) => ExitCode::Ok,
            Outcome::DryRun | Outcome::Refused | Outcome::Interfered => ExitCode::Refused,
            Outcome::NotConfirmed => ExitCode::NotConfirmed,
            Outcome::TimedOut => ExitCode::TimedOut,
        }
    }

    pub fn details(&self) -> Vec<String> {
        let mut d: Vec<String> = self.blockers.iter().map(|b| b.message.clone()).collect();
        if matches!(self.outcome, Outcome::DryRun | Outcome::NotConfirmed) {
            d.extend(self.plan.iter().map(|p| format!("plan: {p}")));
        }
        for s in &self.stages {
            d.push(format!(
                "{:?}: {}{}",
                s.stage,
                if s.done { "done" } else { "not done" },
                if s.detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.detail)
                }
            ));
        }
        if let Some(v) = &self.verification {
            d.extend(v.notes.iter().cloned());
        }
        d.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        d
    }

    fn end(mut self, outcome: Outcome, message: String) -> ResizeReport {
        self.outcome = outcome;
        self.message = message;
        self
    }

    fn stage(&mut self, stage: Stage, done: bool, detail: String, since: Option<Instant>) {
        self.stages.push(StageRecord {
            stage,
            done,
            detail,
            seconds: since.map(|t| (t.elapsed().as_secs_f64() * 10.0).round() / 10.0),
        });
    }
}

/// Where the set is saved before it is deleted: fixed, derived from the cluster, the namespace
/// and the name, under `$XDG_STATE_HOME` (default `~/.local/state`):
/// `kubectl-sts/resize/<server host_port>/<namespace>/<name>.json` (the StatefulSet as it was,
/// `kubectl create -f`-able) and `<name>.pods.json` (its pods' uids, for the verification).
pub fn saved_path(server: &str, ns: &str, name: &str) -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    let host: String = server
        .split("://")
        .last()
        .unwrap_or(server)
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    base.join("kubectl-sts/resize")
        .join(host)
        .join(ns)
        .join(format!("{name}.json"))
}

fn pods_path(saved: &Path) -> PathBuf {
    saved.with_extension("pods.json")
}

fn record_path(saved: &Path) -> PathBuf {
    saved.with_extension("record.json")
}

/// The record of the resize a saved copy belongs to; None where there is none (a copy of an
/// older version).
fn read_record(path: &Path) -> Result<Option<SavedRecord>, Error> {
    let path = record_path(path);
    match std::fs::read(&path) {
        Ok(b) => serde_json::from_slice(&b).map(Some).map_err(|e| {
            Error::usage(format!(
                "the record {} is not readable ({e}); move it and the saved copy away to start afresh",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::api(format!("cannot read {}: {e}", path.display()))),
    }
}

/// Writes the record beside the copy (written beside and renamed, as the copy).
fn write_record(path: &Path, record: &SavedRecord) -> Result<(), Error> {
    let path = record_path(path);
    let fail = |e: std::io::Error| Error::api(format!("cannot write {}: {e}", path.display()));
    let json = serde_json::to_vec_pretty(record).map_err(|e| Error::api(e.to_string()))?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, json).map_err(fail)?;
    std::fs::rename(&tmp, &path).map_err(fail)
}

/// The record as it is on disk now (written by this run's start, or an earlier run's).
fn fresh_record(path: &Path) -> Result<SavedRecord, Error> {
    read_record(path)?.ok_or_else(|| {
        Error::api(format!(
            "the record {} disappeared during the resize",
            record_path(path).display()
        ))
    })
}

fn read_saved(path: &Path) -> Result<Option<StatefulSet>, Error> {
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).map(Some).map_err(|e| {
            Error::usage(format!(
                "the saved copy {} is not a StatefulSet ({e}); move it away to start afresh",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::api(format!("cannot read {}: {e}", path.display()))),
    }
}

fn write_saved(
    path: &Path,
    set: &StatefulSet,
    pods: &BTreeMap<String, String>,
    record: &SavedRecord,
) -> Result<(), Error> {
    let fail = |e: std::io::Error| {
        Error::api(format!(
            "cannot save the statefulset to {}: {e}; nothing was deleted",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let json = serde_json::to_vec_pretty(set).map_err(|e| Error::api(e.to_string()))?;
    // written beside and renamed: a cut-off write never leaves half a copy where the re-create reads
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, json).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)?;
    let pods = serde_json::to_vec_pretty(pods).map_err(|e| Error::api(e.to_string()))?;
    std::fs::write(pods_path(path), pods).map_err(fail)?;
    write_record(path, record)
}

const MANIFEST_WARNING: &str = "whoever manages this StatefulSet's manifest (kubectl apply, Helm, GitOps) must change the volumeClaimTemplate's size too: applying the old size is refused from now on — kubectl apply (client-side) gets 422 \"updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\"; kubectl apply --server-side first gets a 409 conflict with the field manager \"kubectl-sts\" over .spec.volumeClaimTemplates, and with --force-conflicts the same 422";

/// Runs the resize; progress through `log`, confirmation through `confirm`, each write noted
/// in `journal`.
pub async fn run(
    cluster: &Cluster,
    ns: &str,
    opts: &ResizeOptions,
    confirm: &mut dyn Confirm,
    log: &mut Progress<'_>,
    journal: &Journal,
) -> Result<ResizeReport, Error> {
    let name = &opts.name;
    let path = saved_path(&cluster.server, ns, name);
    let live = cluster.statefulset_opt(ns, name).await?;
    let saved = read_saved(&path)?;
    let record = read_record(&path)?;
    let not_found = || {
        Error::not_found(format!(
            "statefulset \"{name}\" not found in namespace \"{ns}\""
        ))
    };
    let reference = live.as_ref().or(saved.as_ref()).ok_or_else(not_found)?;
    let opts = &with_template(opts, reference)?;
    let size = check_request(reference, &opts.template, &opts.size).map_err(Error::usage)?;
    let mut report = first_report(ns, opts, &path, saved.as_ref().or(live.as_ref()));
    let identity = cluster.identity().await?;
    let request = Request {
        template: &opts.template,
        size,
        cluster: &identity,
    };
    let resume = match resume_point(
        live.as_ref(),
        saved.as_ref().map(|s| (s, record.as_ref())),
        &request,
    ) {
        Ok(r) => r,
        Err(e) if e.is_empty() => return Err(not_found()),
        Err(e) => {
            return Ok(report.end(
                Outcome::Refused,
                format!("refusing to resize statefulset {ns}/{name}: {e}"),
            ))
        }
    };
    report.resumed_at = Some(resume);
    let resize = Resize {
        cluster,
        ns,
        opts,
        size,
        path: &path,
        identity: &identity,
        journal,
    };
    let mut saved = saved;
    let mut old_uid = None;
    if resume == Resume::Start {
        let Some(live) = live else {
            return Err(not_found());
        };
        report.from = template_size(&live, &opts.template);
        match resize.start(live, &mut report, confirm, log).await? {
            Some(s) => {
                old_uid = s.metadata.uid.clone();
                saved = Some(s);
            }
            None => return Ok(report),
        }
    }
    if matches!(resume, Resume::AwaitDeletion | Resume::Recreate) {
        let Some(()) = resize
            .confirm_resume(resume, record.as_ref(), &mut report, confirm)
            .await
        else {
            return Ok(report);
        };
    }
    if resume == Resume::Verify && opts.dry_run {
        // the verification marks the record complete: a dry run neither waits nor writes it
        report.plan = vec!["verify: the pods kept their uids and were adopted, the revision did not change, the claims have the new size".into()];
        return Ok(report.end(
            Outcome::DryRun,
            format!("an earlier run of this resize re-created statefulset {ns}/{name}: would verify it (nothing else is left to write)"),
        ));
    }
    if matches!(resume, Resume::Start | Resume::AwaitDeletion) {
        let deleted = saved.as_ref().and_then(|s| s.metadata.uid.as_deref());
        let Some(()) = resize
            .await_deletion(deleted, resume, &mut report, log)
            .await?
        else {
            return Ok(report);
        };
    }
    if resume != Resume::Verify {
        let Some(()) = resize
            .create_again(resume, saved.as_ref(), &mut report, log)
            .await?
        else {
            return Ok(report);
        };
    }
    resize
        .verify(saved.as_ref(), old_uid.as_deref(), &mut report, log)
        .await?;
    Ok(report)
}

/// The options with the template named: without `--template`, the set's only
/// volumeClaimTemplate (a usage error where it has several).
fn with_template(opts: &ResizeOptions, set: &StatefulSet) -> Result<ResizeOptions, Error> {
    let mut resolved = opts.clone();
    if resolved.template.is_empty() {
        let names: Vec<String> = set
            .spec
            .volume_claim_templates
            .iter()
            .flatten()
            .filter_map(|t| t.metadata.name.clone())
            .collect();
        match names.as_slice() {
            [one] => resolved.template = one.clone(),
            [] => {}
            many => {
                return Err(Error::usage(format!(
                    "statefulset {} has {} volumeClaimTemplates ({}): name one with --template",
                    opts.name,
                    many.len(),
                    many.join(", ")
                )))
            }
        }
    }
    Ok(resolved)
}

/// The report before anything is decided; `before` is the set as it was before the resize
/// (the saved copy of an earlier run, else the live set).
fn first_report(
    ns: &str,
    opts: &ResizeOptions,
    path: &Path,
    before: Option<&StatefulSet>,
) -> ResizeReport {
    ResizeReport {
        api_version: "kubectl-sts/v1",
        kind: "ResizeResult",
        namespace: ns.into(),
        name: opts.name.clone(),
        template: opts.template.clone(),
        from: before.and_then(|s| template_size(s, &opts.template)),
        to: opts.size.clone(),
        outcome: Outcome::Completed,
        message: String::new(),
        resumed_at: None,
        blockers: vec![],
        plan: vec![],
        claims: vec![],
        saved_to: path.display().to_string(),
        stages: vec![],
        verification: None,
        warnings: vec![],
        waits: vec![],
    }
}

impl Resize<'_> {
    /// A resume writes (it creates the set): shown and confirmed as a start is, and a dry run
    /// writes nothing. None when the report is final.
    async fn confirm_resume(
        &self,
        resume: Resume,
        record: Option<&SavedRecord>,
        report: &mut ResizeReport,
        confirm: &mut dyn Confirm,
    ) -> Option<()> {
        let (ns, opts, name) = (self.ns, self.opts, &self.opts.name);
        let what = format!(
            "create statefulset {ns}/{name} again from the saved copy {} (saved {}), volumeClaimTemplate {} at {}{}",
            self.path.display(),
            record.map(|r| r.saved_at.as_str()).unwrap_or("?"),
            opts.template,
            opts.size,
            if resume == Resume::AwaitDeletion {
                ", once the set being deleted is gone"
            } else {
                ""
            }
        );
        report.plan = vec![
            what.clone(),
            "verify: the pods kept their uids and were adopted, the revision did not change, the claims have the new size".into(),
        ];
        if opts.dry_run {
            return end_none(
                report,
                Outcome::DryRun,
                format!("an earlier run of this resize stopped after deleting the set: would {what}, then verify"),
            );
        }
        if !opts.yes {
            let question =
                format!("An earlier run of this resize stopped after deleting the set.\n  {what}?");
            if !confirm.confirm(&question, "statefulset name", name).await {
                return end_none(
                    report,
                    Outcome::NotConfirmed,
                    "not confirmed: nothing was changed (pass --yes to confirm without a prompt)"
                        .into(),
                );
            }
        }
        Some(())
    }

    /// Waits until the deleted set (uid `deleted`) is gone. None when the report is final
    /// (`--timeout` passed).
    async fn await_deletion(
        &self,
        deleted: Option<&str>,
        resume: Resume,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
    ) -> Result<Option<()>, Error> {
        let (ns, opts, name) = (self.ns, self.opts, &self.opts.name);
        let started = Instant::now();
        if !gone(self.cluster, ns, name, deleted, opts.timeout, log).await? {
            report.stage(
                Stage::DeleteOrphan,
                false,
                "the set is still being deleted".into(),
                Some(started),
            );
            let msg = format!("statefulset {ns}/{name} was not gone within {}; run the same command again: it re-creates the set from {}", human_duration(opts.timeout.as_secs() as i64), self.path.display());
            return Ok(end_none(report, Outcome::TimedOut, msg));
        }
        if resume == Resume::AwaitDeletion {
            report.stage(
                Stage::DeleteOrphan,
                true,
                "finished (started by an earlier run)".into(),
                Some(started),
            );
        }
        Ok(Some(()))
    }

    /// Creates the set again from the saved copy with the bigger template, waiting while the
    /// old object is still being deleted; the record is bound to what this run created. None
    /// when the report is final (someone else created the set, or `--timeout` passed).
    async fn create_again(
        &self,
        resume: Resume,
        saved: Option<&StatefulSet>,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
    ) -> Result<Option<()>, Error> {
        let (cluster, ns, opts, name, path) =
            (self.cluster, self.ns, self.opts, &self.opts.name, self.path);
        let journal = self.journal;
        let Some(set) = saved else {
            return Err(Error::not_found(format!(
                "no saved copy of statefulset {ns}/{name} at {} to create it from",
                path.display()
            )));
        };
        let started = Instant::now();
        // an error from here on says (through the journal) that the set is deleted, its pods
        // running on, and that the same command creates it again
        journal.left(&format!(
            "create statefulset {ns}/{name} from {} (it is deleted, its pods keep running): run the same command again to re-create it",
            path.display()
        ));
        let new = recreated(set, &opts.template, &opts.size);
        loop {
            let created = cluster.create_statefulset(ns, &new).await.map_err(|e| {
                // a resume wrote nothing before this: its journal cannot say the set is gone
                if resume == Resume::Start {
                    e
                } else {
                    e.with_hint(&format!(
                        "statefulset {ns}/{name} is deleted (its pods keep running) and saved in {}: run the same command again to re-create it",
                        path.display()
                    ))
                }
            })?;
            match created {
                Guarded::Done(c) => {
                    // bound to what this run created: a later run verifies it, never creates
                    // it once more
                    let mut r = fresh_record(path)?;
                    r.created_uid = c.metadata.uid.clone();
                    write_record(path, &r)?;
                    break;
                }
                // someone else created a set of that name after the old one was gone
                Guarded::Conflict(_)
                    if cluster
                        .statefulset_opt(ns, name)
                        .await?
                        .is_some_and(|s| s.metadata.deletion_timestamp.is_none()) =>
                {
                    let other = cluster.statefulset_opt(ns, name).await?.unwrap_or_default();
                    let msg = format!(
                        "a statefulset {ns}/{name} now exists again with another uid ({}, created {}), made by someone else after the old one was gone: this resize did not create it and stops; the saved copy is at {}",
                        other.metadata.uid.unwrap_or_default(),
                        other
                            .metadata
                            .creation_timestamp
                            .map(|t| t.0.to_string())
                            .unwrap_or_else(|| "?".into()),
                        path.display()
                    );
                    return Ok(end_none(report, Outcome::Interfered, msg));
                }
                // still being deleted (golden `resize/` step 9): wait, as kubectl delete does
                Guarded::Conflict(m) if started.elapsed() < opts.timeout => {
                    log.waiting(&format!("the old object to go ({m})"), started);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Guarded::Conflict(m) => {
                    let msg = format!("statefulset {ns}/{name} could not be created again within {} ({m}); run the same command again, or kubectl create -f {}", human_duration(opts.timeout.as_secs() as i64), path.display());
                    return Ok(end_none(report, Outcome::TimedOut, msg));
                }
                Guarded::Gone => {
                    return Err(Error::not_found(format!("namespace \"{ns}\" not found")))
                }
            }
        }
        log.done();
        journal.wrote(&format!(
            "created statefulset {ns}/{name} with {} at {}",
            opts.template, opts.size
        ));
        journal.left("verify");
        log.say(&format!(
            "created statefulset {ns}/{name} again, {} at {}",
            opts.template, opts.size
        ));
        report.stage(
            Stage::Create,
            true,
            format!("{} at {}", opts.template, opts.size),
            Some(started),
        );
        Ok(Some(()))
    }
}

/// What every step of one resize reads.
struct Resize<'a> {
    cluster: &'a Cluster,
    ns: &'a str,
    opts: &'a ResizeOptions,
    /// The new size in bytes.
    size: i128,
    /// Where the set is saved before it is deleted ([`saved_path`]).
    path: &'a Path,
    identity: &'a str,
    journal: &'a Journal,
}

/// The set as the preflight's gate last saw it, its template's claims, and what blocks the
/// resize.
struct Gated {
    set: StatefulSet,
    claims: Vec<ClaimFacts>,
    blockers: Vec<Blocker>,
}

impl Resize<'_> {
    /// The first part: preflight, plan, confirmation, the claims grown, the set saved and
    /// deleted with orphans. Some(saved set) to go on; None when the report is final.
    async fn start(
        &self,
        live: StatefulSet,
        report: &mut ResizeReport,
        confirm: &mut dyn Confirm,
        log: &mut Progress<'_>,
    ) -> Result<Option<StatefulSet>, Error> {
        let from = template_size(&live, &self.opts.template);
        let Some(Gated {
            set: live,
            claims,
            blockers,
        }) = self
            .gated_preflight(&live, from.as_deref(), report, log)
            .await?
        else {
            return Ok(None);
        };
        // what the plan and the writes below work from: the set as the gate last saw it
        report.claims = claims.clone();
        let uid = live.metadata.uid.clone().unwrap_or_default();
        let plan = self.plan(&claims, &uid);
        report.plan = plan.clone();
        if !self
            .go_ahead(report, blockers, &plan, from.as_deref(), confirm)
            .await
        {
            return Ok(None);
        }
        report.warnings.push(MANIFEST_WARNING.into());

        // (1) the claims, one at a time, then their resize followed
        let started = Instant::now();
        let Some(()) = self.patch_claims(&claims, report, log, started).await? else {
            return Ok(None);
        };
        let Some(()) = self.follow_claims(&live, report, log, started).await? else {
            return Ok(None);
        };
        let Some(()) = self.gate_before_delete(&live, report, log).await? else {
            return Ok(None);
        };
        self.save_and_delete(&live, &claims, &uid, report, log)
            .await
    }

    /// The preflight behind the gate: what settles by itself is waited for before the prompt,
    /// never after it (a dry run does not wait). None when the report is final (the wait timed
    /// out, or the set was replaced meanwhile).
    async fn gated_preflight(
        &self,
        live: &StatefulSet,
        from: Option<&str>,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
    ) -> Result<Option<Gated>, Error> {
        let (cluster, ns, opts, size) = (self.cluster, self.ns, self.opts, self.size);
        let name = &opts.name;
        let classes = match cluster.expandable_classes().await? {
            Access::Ok(c) => c,
            Access::Forbidden => BTreeMap::new(),
        };
        let mut evaluate = async || {
            let parts = cluster.set_parts(ns, name, true).await?;
            let claims = claim_facts(&parts, name, &opts.template);
            let blockers = preflight(
                &Preflight {
                    template_size: from,
                    size,
                    size_text: &opts.size,
                    classes: &classes,
                    set_blockers: set_blockers(&parts, name),
                    allow_large_growth: opts.allow_large_growth,
                    managed: managed_by(&parts.set).filter(|_| !opts.allow_managed),
                },
                &claims,
            );
            Ok::<_, Error>(((parts.set, claims), blockers))
        };
        let ((now, claims), blockers) = if opts.dry_run {
            evaluate().await?
        } else {
            let mut waker =
                LazyWaker::new(|| Waker::new(cluster, ns, name, &selector_string(live)));
            let g = settle(
                &mut waker,
                log,
                opts.timeout,
                &mut report.waits,
                &mut evaluate,
            )
            .await?;
            match g.verdict {
                Verdict::Clear | Verdict::Wait(_) => (g.state, vec![]),
                Verdict::Refuse(b) | Verdict::NotSettling(b) => (g.state, b),
                Verdict::TimedOut(b) => {
                    report.claims = g.state.1;
                    let msg = format!(
                        "statefulset {ns}/{name} was not ready to resize within {} (--timeout): {}; nothing changed",
                        human_duration(opts.timeout.as_secs() as i64),
                        Blocker::first_reason(&b)
                    );
                    report.blockers = b;
                    return Ok(end_none(report, Outcome::TimedOut, msg));
                }
            }
        };
        if now.metadata.uid != live.metadata.uid {
            return Ok(end_none(
                report,
                Outcome::Interfered,
                format!(
                    "statefulset {ns}/{name} was replaced while this command waited; nothing changed"
                ),
            ));
        }
        Ok(Some(Gated {
            set: now,
            claims,
            blockers,
        }))
    }

    /// The plan a person confirms: every write and wait, in order, with what a size typed as a
    /// big quantity means (said where a person decides).
    fn plan(&self, claims: &[ClaimFacts], uid: &str) -> Vec<String> {
        let (opts, name, path) = (self.opts, &self.opts.name, self.path);
        let to = size_words(&opts.size);
        let mut plan: Vec<String> = claims
            .iter()
            .filter(|c| c.needs_patch(self.size))
            .map(|c| {
                format!(
                    "patch claim {}: storage {} → {to}",
                    c.name,
                    c.request.as_deref().unwrap_or("?"),
                )
            })
            .collect();
        plan.extend([
            format!("wait until every claim of {} has a capacity of {to}", opts.template),
            format!("save statefulset {name} to {}", path.display()),
            format!("delete statefulset {name} (uid {uid}) with propagationPolicy Orphan: from then until it is created again the StatefulSet object does not exist; its pods keep running, unmanaged"),
            format!("create statefulset {name} again, volumeClaimTemplate {} at {to}", opts.template),
            "verify: the pods kept their uids and were adopted, the revision did not change, the claims have the new size".into(),
        ]);
        plan
    }

    /// Whether the writes may begin: not while something blocks (a dry run says what it would
    /// do instead), and only once confirmed (`--yes`, or the set's name typed back). False
    /// when the report is final.
    async fn go_ahead(
        &self,
        report: &mut ResizeReport,
        blockers: Vec<Blocker>,
        plan: &[String],
        from: Option<&str>,
        confirm: &mut dyn Confirm,
    ) -> bool {
        let (ns, opts, name) = (self.ns, self.opts, &self.opts.name);
        let to = size_words(&opts.size);
        // a dry run where only settling blockers stand would wait, then go on: not a refusal
        let would_go = blockers.is_empty() || (opts.dry_run && only_settling(&blockers));
        if !would_go {
            let first = Blocker::first_reason(&blockers);
            report.blockers = blockers;
            let (outcome, verb) = if opts.dry_run {
                (Outcome::DryRun, "would be refused now")
            } else {
                (Outcome::Refused, "refused; nothing changed")
            };
            report.outcome = outcome;
            report.message = format!(
                "resizing {} of statefulset {ns}/{name} to {} {verb}: {first}",
                opts.template, opts.size
            );
            return false;
        }
        if opts.dry_run {
            let wait = if blockers.is_empty() {
                String::new()
            } else {
                format!(" ({})", would_wait(&blockers))
            };
            report.blockers = blockers;
            report.outcome = Outcome::DryRun;
            report.message = format!(
                "{} of statefulset {ns}/{name} may be resized from {} to {to}{wait}: {}",
                opts.template,
                from.unwrap_or("?"),
                crate::model::summarised(plan, "; then ")
            );
            report.warnings.push(MANIFEST_WARNING.into());
            return false;
        }
        if !opts.yes {
            let question = format!(
                "Resize {} of statefulset {ns}/{name} from {} to {to}?\n  {}",
                opts.template,
                from.unwrap_or("?"),
                crate::model::summarised(plan, "\n  ")
            );
            if !confirm.confirm(&question, "statefulset name", name).await {
                report.outcome = Outcome::NotConfirmed;
                report.message =
                    "not confirmed: nothing was changed (pass --yes to confirm without a prompt)"
                        .into();
                return false;
            }
        }
        true
    }

    /// Each claim that needs it patched to the new size, one at a time, behind the claim as it
    /// was read. None when the report is final (someone else changed a claim).
    async fn patch_claims(
        &self,
        claims: &[ClaimFacts],
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
        started: Instant,
    ) -> Result<Option<()>, Error> {
        let (cluster, ns, opts, name) = (self.cluster, self.ns, self.opts, &self.opts.name);
        for c in claims.iter().filter(|c| c.needs_patch(self.size)) {
            // a 409 is mostly a resizer writing the claim's status: the same claim with the
            // same request is patched again behind its new resourceVersion
            let mut rv = c.resource_version.clone();
            let written = write_reproven(
                &mut rv,
                async |rv: &String| cluster.set_claim_size(ns, &c.name, rv, &opts.size).await,
                async || {
                    let now = cluster.claim_opt(ns, &c.name).await?;
                    let now = now.and_then(|n| ClaimFacts::from_claim(name, &opts.template, &n));
                    Ok(match now {
                        Some(n) if n.uid == c.uid && n.request == c.request => {
                            Ok(n.resource_version)
                        }
                        _ => Err(format!(
                            "claim {ns}/{} was changed by someone else since it was read",
                            c.name
                        )),
                    })
                },
            )
            .await?;
            let interfered = match written {
                Reproven::Done(()) => None,
                Reproven::Gone => {
                    report
                        .warnings
                        .push(format!("claim {} was deleted meanwhile", c.name));
                    continue;
                }
                Reproven::Broken(why) => Some(why),
                Reproven::KeptChanging(m) => {
                    Some(format!("claim {ns}/{} kept changing ({m})", c.name))
                }
            };
            if let Some(m) = interfered {
                report.stage(
                    Stage::PatchClaims,
                    false,
                    format!("claim {} changed since it was read", c.name),
                    Some(started),
                );
                return Ok(end_none(
                    report,
                    Outcome::Interfered,
                    format!("{m}; run the same command again"),
                ));
            }
            self.journal
                .wrote(&format!("claim {} requests {}", c.name, opts.size));
            log.say(&format!(
                "claim {}: storage {} → {}",
                c.name,
                c.request.as_deref().unwrap_or("?"),
                opts.size
            ));
        }
        Ok(Some(()))
    }

    /// Follows the claims' resize until every one has the new size. None when the report is
    /// final (a resize failed, or `--timeout` passed).
    async fn follow_claims(
        &self,
        live: &StatefulSet,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
        started: Instant,
    ) -> Result<Option<()>, Error> {
        let (cluster, ns, opts, name, size) =
            (self.cluster, self.ns, self.opts, &self.opts.name, self.size);
        self.journal
            .left("the claims' resize, then save, delete (orphan) and create the statefulset");
        let mut waker = Waker::new(cluster, ns, name, &selector_string(live));
        loop {
            let parts = cluster.set_parts(ns, name, true).await?;
            let mounted = mounted_ordinals(&parts);
            let now: Vec<ClaimFacts> = parts
                .claims
                .iter()
                .filter_map(|c| ClaimFacts::from_claim(name, &opts.template, c))
                .collect();
            report.claims = now.clone();
            let (done, waiting): (Vec<&ClaimFacts>, Vec<&ClaimFacts>) = now
                .iter()
                .partition(|c| c.done(size, mounted.contains(&c.ordinal)));
            if waiting.is_empty() {
                break;
            }
            if let Some(f) = waiting
                .iter()
                .find_map(|c| c.failing().map(|f| (c.name.clone(), f)))
            {
                report.stage(
                    Stage::PatchClaims,
                    false,
                    format!("claim {} failed: {}", f.0, f.1),
                    Some(started),
                );
                return Ok(end_none(report, Outcome::Refused, format!("the resize of claim {} failed ({}); the statefulset was not touched: kubectl describe pvc {} -n {ns}", f.0, f.1, f.0)));
            }
            if started.elapsed() >= opts.timeout {
                log.done();
                let detail = not_resized_detail(&done, &waiting);
                report.stage(Stage::PatchClaims, false, detail.clone(), Some(started));
                return Ok(end_none(report, Outcome::TimedOut, format!("the claims did not reach {} within {} ({detail}); the statefulset was not touched; run the same command again to go on", opts.size, human_duration(opts.timeout.as_secs() as i64))));
            }
            log.waiting(&resizing_words(&waiting), started);
            waker.changed().await;
        }
        log.done();
        report.stage(
            Stage::PatchClaims,
            true,
            claims_words(&report.claims, size, &opts.size),
            Some(started),
        );
        Ok(Some(()))
    }

    /// The gate again before the set is deleted: its pods may have changed while the claims
    /// grew. None when the report is final (refused, or `--timeout` passed).
    async fn gate_before_delete(
        &self,
        live: &StatefulSet,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
    ) -> Result<Option<()>, Error> {
        let (cluster, ns, opts, name) = (self.cluster, self.ns, self.opts, &self.opts.name);
        let mut waker = LazyWaker::new(|| Waker::new(cluster, ns, name, &selector_string(live)));
        let g = settle(
            &mut waker,
            log,
            opts.timeout,
            &mut report.waits,
            async || {
                let parts = cluster.set_parts(ns, name, false).await?;
                let b = if parts.set.metadata.uid != live.metadata.uid {
                    vec![] // replaced: said below
                } else {
                    set_blockers(&parts, name)
                };
                Ok::<_, Error>(((), b))
            },
        )
        .await?;
        let stop = match g.verdict {
            Verdict::Clear | Verdict::Wait(_) => None,
            Verdict::Refuse(b) | Verdict::NotSettling(b) => {
                Some((Outcome::Refused, "refusing to delete it", b))
            }
            Verdict::TimedOut(b) => Some((
                Outcome::TimedOut,
                "still waiting (--timeout) to delete it",
                b,
            )),
        };
        if let Some((outcome, what, b)) = stop {
            let msg = format!(
                "{} but statefulset {ns}/{name} was not touched, {what}: {}; run the same command again when it is healthy",
                claims_words(&report.claims, self.size, &opts.size),
                Blocker::first_reason(&b)
            );
            report.blockers = b;
            return Ok(end_none(report, outcome, msg));
        }
        Ok(Some(()))
    }

    /// (2) Saved as it is right before the delete, the pods' uids beside it; (3) deleted
    /// behind the uid and resourceVersion of that very copy, so the copy is what gets
    /// re-created. A 409 (the controller wrote its status) saves again, while the premise
    /// still holds. Some(the saved set); None when the report is final.
    async fn save_and_delete(
        &self,
        live: &StatefulSet,
        claims: &[ClaimFacts],
        uid: &str,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
    ) -> Result<Option<StatefulSet>, Error> {
        let (cluster, ns, opts, name, path) =
            (self.cluster, self.ns, self.opts, &self.opts.name, self.path);
        let (journal, size) = (self.journal, self.size);
        let mut attempts = 0;
        let (started, now) = loop {
            attempts += 1;
            let now = cluster.statefulset_opt(ns, name).await?.ok_or_else(|| {
                Error::not_found(format!(
                    "statefulset \"{name}\" was deleted during the resize"
                ))
            })?;
            // a GitOps tool or an operator may have taken the set over since the preflight (a
            // label, an annotation or an owner: the generation does not move for those)
            let taken_over = managed_by(&now)
                .filter(|_| !opts.allow_managed)
                .map(|m| format!("statefulset {ns}/{name} is now managed by {m}: it would re-create or fight the set this resize deletes (pass --allow-managed once its source has the new size)"));
            if let Some(why) = orphan_delete_refusal(live, &now).or(taken_over) {
                let claims = claims_words(&report.claims, size, &opts.size);
                return Ok(end_none(
                    report,
                    Outcome::Interfered,
                    format!("{why}; stopped before deleting it ({claims})"),
                ));
            }
            let pods: BTreeMap<String, String> = cluster
                .set_parts(ns, name, false)
                .await?
                .pods
                .iter()
                .filter_map(|p| Some((p.metadata.name.clone()?, p.metadata.uid.clone()?)))
                .collect();
            let record = SavedRecord {
                set_uid: uid.to_string(),
                template: opts.template.clone(),
                size: opts.size.clone(),
                claims: claims.iter().map(|c| c.name.clone()).collect(),
                cluster: self.identity.to_string(),
                saved_at: jiff::Timestamp::now().to_string(),
                created_uid: None,
                complete: false,
            };
            write_saved(path, &now, &pods, &record)?;
            if attempts == 1 {
                journal.wrote(&format!("saved statefulset {name} to {}", path.display()));
                log.say(&format!(
                    "saved statefulset {ns}/{name} to {}",
                    path.display()
                ));
                report.stage(
                    Stage::SaveStatefulSet,
                    true,
                    path.display().to_string(),
                    None,
                );
            }
            let started = Instant::now();
            let rv = now.metadata.resource_version.clone().unwrap_or_default();
            match cluster
                .delete_statefulset_orphan(ns, name, uid, &rv)
                .await?
            {
                Guarded::Done(()) | Guarded::Gone => break (started, now),
                Guarded::Conflict(_) if attempts < 5 => continue,
                Guarded::Conflict(m) => {
                    return Ok(end_none(
                        report,
                        Outcome::Interfered,
                        format!(
                            "statefulset {ns}/{name} kept changing while it was being deleted ({m}); not deleted"
                        ),
                    ));
                }
            }
        };
        journal.wrote(&format!(
            "deleted statefulset {name} with propagationPolicy Orphan (its pods keep running)"
        ));
        journal.left(&format!(
            "create statefulset {ns}/{name} again from {} (it is deleted, its pods keep running): run the same command again to re-create it",
            path.display()
        ));
        log.say(&format!(
            "deleted statefulset {ns}/{name} (orphan: the pods keep running)"
        ));
        report.stage(
            Stage::DeleteOrphan,
            true,
            format!("uid {uid}"),
            Some(started),
        );
        Ok(Some(now))
    }
}

/// Why the claims' resize timed out: which are done, which not and where each stands, and the
/// storage classes no resizer seems to act on.
fn not_resized_detail(done: &[&ClaimFacts], waiting: &[&ClaimFacts]) -> String {
    let idle: Vec<String> = {
        let mut v: Vec<String> = waiting
            .iter()
            .filter(|c| !c.progressing())
            .filter_map(|c| c.storage_class.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let mut detail = format!(
        "done: {}; not yet: {}",
        if done.is_empty() {
            "none".into()
        } else {
            done.iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        waiting
            .iter()
            .map(|c| format!(
                "{} ({})",
                c.name,
                c.conditions
                    .first()
                    .cloned()
                    .or(c.resize_status.clone())
                    .unwrap_or_else(|| "no sign of a resize".into())
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !idle.is_empty() {
        detail.push_str(&format!(
            "; no resizer seems to act on class {}",
            idle.join(", ")
        ));
    }
    detail
}

/// The waiting line while claims resize: each one's capacity and where its resize stands.
fn resizing_words(waiting: &[&ClaimFacts]) -> String {
    waiting
        .iter()
        .map(|c| {
            format!(
                "{} at {} ({})",
                c.name,
                c.capacity.as_deref().unwrap_or("?"),
                c.conditions
                    .first()
                    .cloned()
                    .or(c.resize_status.clone())
                    .unwrap_or_else(|| "waiting for a resizer".into())
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The guards on the set before a resize: every pod Ready and available, nothing
/// terminating or lingering, the controller caught up, and no rollout in progress (the
/// re-created set must come back at the same revision).
fn set_blockers(parts: &crate::model::SetParts, name: &str) -> Vec<Blocker> {
    let view = SetView::from_parts(parts);
    let mut out = step_blockers(&view);
    if view.current_revision != view.update_revision {
        out.push(Blocker::new(
            BlockerCode::RolloutInProgress,
            format!(
                "a rollout is in progress (current revision {}, update revision {}): finish it first (kubectl sts rollout status {name})",
                view.current_revision.as_deref().unwrap_or("?"),
                view.update_revision.as_deref().unwrap_or("?")
            ),
        ));
    }
    out
}

/// The template's claims, by ordinal.
fn claim_facts(parts: &crate::model::SetParts, name: &str, template: &str) -> Vec<ClaimFacts> {
    let mut claims: Vec<ClaimFacts> = parts
        .claims
        .iter()
        .filter_map(|c| ClaimFacts::from_claim(name, template, c))
        .collect();
    claims.sort_by_key(|c| c.ordinal);
    claims
}

/// The ordinals whose claims a pod of the set mounts.
fn mounted_ordinals(parts: &crate::model::SetParts) -> std::collections::BTreeSet<i64> {
    crate::model::set::set_pods(&parts.set, &parts.pods)
        .into_keys()
        .collect()
}

/// Ends the report with its outcome and message: None, nothing follows.
fn end_none<T>(report: &mut ResizeReport, outcome: Outcome, message: String) -> Option<T> {
    report.outcome = outcome;
    report.message = message;
    None
}

/// Waits until the set of `uid` is gone (the garbage collector finishes the orphan delete). A
/// set of that name with another uid is not the one deleted: someone else created it, and the
/// create that follows says so instead of this waiting out the timeout.
async fn gone(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    uid: Option<&str>,
    timeout: Duration,
    log: &mut Progress<'_>,
) -> Result<bool, Error> {
    let started = Instant::now();
    while cluster
        .statefulset_opt(ns, name)
        .await?
        .is_some_and(|s| uid.is_none() || s.metadata.uid.as_deref() == uid)
    {
        if started.elapsed() >= timeout {
            log.done();
            return Ok(false);
        }
        log.waiting("the garbage collector to finish the orphan delete", started);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    log.done();
    Ok(true)
}

impl Resize<'_> {
    /// The pods kept their uids and were adopted, the revision did not change, the claims
    /// grew.
    async fn verify(
        &self,
        saved: Option<&StatefulSet>,
        old_uid: Option<&str>,
        report: &mut ResizeReport,
        log: &mut Progress<'_>,
    ) -> Result<(), Error> {
        let (cluster, ns, opts, size, path) =
            (self.cluster, self.ns, self.opts, self.size, self.path);
        let name = &opts.name;
        let started = Instant::now();
        let before: Option<BTreeMap<String, String>> = std::fs::read(pods_path(path))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let revision_before = saved
            .and_then(|s| s.status.as_ref())
            .and_then(|s| s.current_revision.clone());
        loop {
            let parts = cluster.set_parts(ns, name, true).await?;
            let mounted = mounted_ordinals(&parts);
            let uid = parts.set.metadata.uid.clone().unwrap_or_default();
            let status = parts.set.status.clone().unwrap_or_default();
            let observed = status.observed_generation.unwrap_or(0)
                >= parts.set.metadata.generation.unwrap_or(0);
            let mut v = Verification {
                // (a set scaled to 0 has no pods to adopt: vacuously adopted)
                adopted: parts.pods.iter().all(|p| {
                    p.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|r| r.controller == Some(true) && r.uid == uid)
                }),
                ..Default::default()
            };
            let claims: Vec<ClaimFacts> = parts
                .claims
                .iter()
                .filter_map(|c| ClaimFacts::from_claim(name, &opts.template, c))
                .collect();
            v.claims_resized = claims
                .iter()
                .all(|c| c.done(size, mounted.contains(&c.ordinal)));
            if let Some(before) = &before {
                let changed: Vec<String> = before
                    .iter()
                    .filter(|(pod, puid)| {
                        parts.pods.iter().any(|p| {
                            p.metadata.name.as_deref() == Some(pod.as_str())
                                && p.metadata.uid.as_deref() != Some(puid.as_str())
                        })
                    })
                    .map(|(pod, _)| pod.clone())
                    .collect();
                v.pods_kept = Some(changed.is_empty());
                if !changed.is_empty() {
                    v.notes.push(format!(
                        "pods replaced since the delete: {}",
                        changed.join(", ")
                    ));
                }
            } else {
                v.notes.push(
                    "no record of the pods' uids before the delete: their restarts are not checked"
                        .into(),
                );
            }
            if let (Some(r), true) = (&revision_before, observed) {
                v.revision_unchanged = Some(status.current_revision.as_ref() == Some(r));
                if status.current_revision.as_ref() != Some(r) {
                    v.notes.push(format!(
                        "revision {} became {}",
                        r,
                        status.current_revision.as_deref().unwrap_or("?")
                    ));
                }
            }
            if old_uid == Some(uid.as_str()) {
                v.notes.push("the set was not re-created".into());
            }
            report.claims = claims;
            let settled = v.adopted && observed && v.claims_resized;
            let broken = v.pods_kept == Some(false) || v.revision_unchanged == Some(false);
            if settled || broken || started.elapsed() >= opts.timeout {
                log.done();
                let ok = settled && !broken;
                report.stage(Stage::Verify, ok, v.notes.join("; "), Some(started));
                report.verification = Some(v);
                let msg = if ok {
                    format!(
                    "statefulset {ns}/{name} now requests {} for {}; its {} claim(s) have it, its pods kept running and were adopted, revision {} unchanged (saved copy: {})",
                    opts.size,
                    opts.template,
                    report.claims.len(),
                    status.current_revision.as_deref().unwrap_or("?"),
                    path.display()
                )
                } else if broken {
                    format!("statefulset {ns}/{name} was re-created with {} at {}, but the verification failed: {}", opts.template, opts.size, report.details().join("; "))
                } else {
                    format!("statefulset {ns}/{name} was re-created, but not verified within {} (adopted: {}, claims at {}: {}); run the same command again to verify", human_duration(opts.timeout.as_secs() as i64), report.verification.as_ref().is_some_and(|v| v.adopted), opts.size, report.verification.as_ref().is_some_and(|v| v.claims_resized))
                };
                let outcome = if ok {
                    Outcome::Completed
                } else if broken {
                    Outcome::Interfered
                } else {
                    Outcome::TimedOut
                };
                report.outcome = outcome;
                report.message = msg;
                if ok && !report.warnings.iter().any(|w| w == MANIFEST_WARNING) {
                    report.warnings.push(MANIFEST_WARNING.into());
                }
                if ok {
                    // verified: the copy is history, never again a source for a create
                    if let Ok(Some(mut r)) = read_record(path) {
                        if !r.complete {
                            r.complete = true;
                            write_record(path, &r)?;
                        }
                    }
                }
                return Ok(());
            }
            log.waiting(
                "the new set to adopt its pods and report its status",
                started,
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}
