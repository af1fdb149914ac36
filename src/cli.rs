//! Command-line interface: clap types, global flags, dispatch, exit codes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cluster::{Cluster, ConnectOptions};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::model::inspect::{attach_usage, inspect, inspect_fleet, InspectOptions, OverviewRow};
use crate::model::Access;
use crate::names::{self, parse_duration};
use crate::render::{self, emit, Format, Style};
#[cfg(feature = "sim")]
use crate::simcmd::{DemoArgs, SimArgs};

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-sts",
    bin_name = "kubectl sts",
    version,
    about = "Inspect and operate Kubernetes StatefulSets",
    long_about = "Inspect and operate Kubernetes StatefulSets: one row per ordinal with its pod, node, claims, volumes and DNS name, and what is wrong.\n\nExit codes: 0 ok, 1 API/connection/auth error, 2 usage error, 3 not found, 4 refused by a guard, 5 problems found (--fail-on-problems), 6 timed out, 7 not confirmed, 130 interrupted.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command shares, as kubectl spells them.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,
    /// Namespace (default: the context's namespace).
    #[arg(short = 'n', long, global = true, value_parser = names::namespace)]
    pub namespace: Option<String>,
    /// All namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Time to wait for each API request (e.g. 10s, 1m; 0 = no limit).
    #[arg(long, global = true, value_parser = parse_duration, value_name = "DURATION")]
    pub request_timeout: Option<Duration>,
    /// Output format.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// When to color the output (NO_COLOR is honoured with auto).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Log each API request to stderr (credentials redacted).
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One table with a row per ordinal: pod, node health, claims, volumes, DNS name, revision; and what is wrong.
    Inspect(InspectArgs),
    /// Scale one pod at a time, highest ordinal first; every pod must be Ready before each step and again after it. Claims are never deleted.
    Scale(ScaleArgs),
    /// Delete a pod stuck on a dead node with grace period 0, after proving the node dead; needs confirmation.
    #[command(name = "force-delete")]
    ForceDelete(ForceDeleteArgs),
    /// Bring a pod stuck on a dead node back by the fastest safe path for its volumes (out-of-service taint, grace-0 delete, or waiting for the node), and follow it until Ready.
    Recover(RecoverArgs),
    /// Grow the volumes of one volumeClaimTemplate: every claim, then the set re-created with the bigger template (its pods keep running); resumable.
    #[command(name = "resize-storage")]
    ResizeStorage(ResizeArgs),
    /// Updates: status for every strategy, guarded one-pod-at-a-time rollouts, the stuck-rollout repair, restart.
    #[command(subcommand)]
    Rollout(RolloutCommand),
    /// Remove the out-of-service taint from a node that is back (refused while it is still down).
    #[command(name = "release-node")]
    ReleaseNode(ReleaseNodeArgs),
    /// Node maintenance: a preflight that says what would block, then cordon and evict one pod at a time, never two pods of one StatefulSet down.
    Drain(DrainArgs),
    /// Undo drain's cordon (another's only with --force) and follow the pods that waited for the node back to Ready.
    Uncordon(UncordonArgs),
    /// The risks a StatefulSet carries before they bite (budgets, retention, storage, placement, Service, probes; whether a drain would block), from the cluster or a manifest (-f). Read-only.
    Check(CheckArgs),
    /// Run a simulated Kubernetes API server on 127.0.0.1 (for tests, demos and rehearsals).
    #[cfg(feature = "sim")]
    Sim(SimArgs),
    /// Tell the seed lab's story on a simulated cluster: rollout, stable identity, scale, a dead node and its recovery.
    #[cfg(feature = "sim")]
    Demo(DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completion(CompletionArgs),
    /// Create the plugin names (kubectl-sts_inspect …, for `kubectl sts-inspect`) as links beside the kubectl-sts that kubectl finds: one binary, no copies.
    #[command(name = "install-links")]
    InstallLinks(InstallLinksArgs),
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Under krew the directory is ~/.krew/bin (the links point at its kubectl-sts, which krew upgrade replaces), not the versioned store. Existing files that are not links to kubectl-sts are left alone and named (exit 4). A --dir that is not on PATH gets a warning (kubectl finds plugins only on PATH). --remove works when kubectl-sts is already gone. On Windows the names are copies of kubectl-sts.exe (links need a privilege; kubectl runs only .exe plugins), recorded in .kubectl-sts-copies so that install-links after an upgrade refreshes them.\n\nExit codes: 0 done (or nothing to do), 4 some names are taken by other files, 3 no kubectl-sts in the directory, 1 a file could not be written."
)]
pub struct InstallLinksArgs {
    /// The directory (default: the directory of the first kubectl-sts on PATH).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Remove the links instead (only links to kubectl-sts).
    #[arg(long)]
    pub remove: bool,
    /// Say what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The completion script for `shell`, for the `kubectl-sts` binary.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    use clap::CommandFactory;
    // completions are for the binary's own name (kubectl's plugin completion goes through
    // completions/kubectl_complete-sts, which calls this binary)
    let mut cmd = Cli::command().bin_name("kubectl-sts");
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kubectl-sts", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// The StatefulSet (NAME or sts/NAME); without it, an overview of every StatefulSet in the namespace (or -A).
    #[arg(value_parser = names::statefulset)]
    pub name: Option<String>,
    /// Exit with code 5 when problems (warnings or errors) are found.
    #[arg(long)]
    pub fail_on_problems: bool,
    /// Cluster DNS domain for the stable names.
    #[arg(long, default_value = "cluster.local", value_parser = names::cluster_domain)]
    pub cluster_domain: String,
    /// Redraw whenever the set, its pods, claims or nodes change.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// The overview: add each set's fullest claim (FULLEST), from the kubelets' volume stats —
    /// one request per node that runs a StatefulSet pod. `inspect NAME` always reads them (USED).
    #[arg(long)]
    pub usage: bool,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit codes: 0 scaled (or nothing to do), 4 refused by a guard or stopped because someone else changed the set, 6 a step did not finish within --timeout, 3 not found, 1 API error."
)]
pub struct ScaleArgs {
    /// The StatefulSet (NAME or sts/NAME).
    #[arg(value_parser = names::statefulset)]
    pub name: String,
    /// The number of replicas to reach.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(0..=i32::MAX as i64))]
    pub replicas: i64,
    /// Refuse a scale of more steps than this (each step is one pod and a wait).
    #[arg(long, default_value_t = crate::ops::scale::DEFAULT_MAX_STEPS, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub max_steps: i64,
    /// Longest wait for each step (the removed pod gone, or the added one Ready, and all others Ready); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// Check the guards and print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Proceed only if spec.replicas is this now (as kubectl scale --current-replicas).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(0..=i32::MAX as i64))]
    pub current_replicas: Option<i64>,
    /// Accept that a persistentVolumeClaimRetentionPolicy of whenScaled: Delete makes the
    /// StatefulSet controller delete the removed pods' claims (refused otherwise).
    #[arg(long)]
    pub allow_claim_deletion: bool,
    #[command(flatten)]
    pub lease: LeaseArgs,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit codes: 0 deleted (or already gone; --dry-run: eligible), 4 not eligible (the node is not proven dead, or the pod is not stuck), 7 not confirmed, 6 --wait timed out, 3 not found, 1 API error."
)]
pub struct ForceDeleteArgs {
    /// The pod (NAME or pod/NAME; it must belong to a StatefulSet).
    #[arg(value_parser = names::pod)]
    pub pod: String,
    /// Confirm without a prompt (needed when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Check eligibility and print the evidence; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long the node's kubelet must have been silent (no Lease renewal, no status
    /// heartbeat) before the node counts as dead.
    #[arg(long, default_value = "40s", value_parser = parse_duration, value_name = "DURATION")]
    pub node_silence: Duration,
    /// Wait for the replacement pod to be Ready.
    #[arg(long)]
    pub wait: bool,
    /// Longest wait with --wait; 0 = no limit.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Paths, chosen from the pod's volumes:\n  a volume still attached to the dead node that can move: taint the node node.kubernetes.io/out-of-service=nodeshutdown:NoExecute (confirm by typing the node name; without a terminal --yes --node-is-off NODE)\n  no volume holds it back: delete the pod with grace period 0 (confirm by typing the pod name)\n  a volume only the dead node holds: stop (exit 4); --wait waits for the node, --abandon-data=CLAIMS --yes gives the data up\n\nExit codes: 0 Ready again (--dry-run: may proceed), 4 refused (node not proven dead, pod not stuck, pinned data), 7 not confirmed, 6 not Ready within --timeout, 3 not found, 1 API error."
)]
pub struct RecoverArgs {
    /// The pod (NAME or pod/NAME; it must belong to a StatefulSet).
    #[arg(value_parser = names::pod)]
    pub pod: String,
    /// Confirm without a prompt (needed when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Print the evidence, the path and what would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long the node's kubelet must have been silent before the node counts as dead.
    #[arg(long, default_value = "40s", value_parser = parse_duration, value_name = "DURATION")]
    pub node_silence: Duration,
    /// With a volume pinned to the dead node: wait for the node to return.
    #[arg(long, conflicts_with = "abandon_data")]
    pub wait: bool,
    /// With a volume pinned to the dead node: give up its data. Deletes the pod and the
    /// ordinal's claims (named exactly, comma-separated; typed at the prompt otherwise), so that
    /// the StatefulSet controller creates empty ones.
    #[arg(long, num_args = 0..=1, require_equals = true, value_name = "CLAIM[,CLAIM...]", default_missing_value = "")]
    pub abandon_data: Option<String>,
    /// Assert that the machine behind NODE is really off (powered down, not only unreachable):
    /// needed with --yes on the out-of-service path, which deletes every pod on the node
    /// without its kubelet confirming. Not needed where the node already has the taint.
    #[arg(long, value_parser = names::node, value_name = "NODE")]
    pub node_is_off: Option<String>,
    /// Longest wait for the ordinal to be Ready again; 0 = no limit.
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit codes: 0 released (or no taint to remove), 4 refused (the node is not back), 3 not found, 1 API error."
)]
pub struct ReleaseNodeArgs {
    /// The node (NAME or node/NAME).
    #[arg(value_parser = names::node)]
    pub node: String,
    /// How recently the node's kubelet must have reported for the node to count as back.
    #[arg(long, default_value = "40s", value_parser = parse_duration, value_name = "DURATION")]
    pub node_silence: Duration,
    /// Check and say what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Preflight (nothing written when anything blocks): the node Ready and its kubelet renewing its Lease; every pod on it with a verdict — Evictable, WaitsForPdb, WaitsForSet, WaitsForController, WaitsForNode, Terminating, NotWaitedFor, Skipped, Downtime; blocking: DaemonSetPod, LocalStorage, Unmanaged, MultiplePdbs, PinnedVolume, NoNodeFits, SetUnhealthy, RolloutInProgress, DowntimeNotAllowed, ZeroGracePeriod, RevisionChange, PinnedTogether. Then: cordon (annotated), evict through the Eviction API with the pod's uid as precondition, other pods first, then StatefulSet pods highest ordinal first, each next one after the previous pod's replacement is Ready and available on another node; a 429 is retried every 5 s. At the end the node's pods are read again: terminating ones are waited for (--timeout; not those deleted longer ago than --skip-wait-for-delete-timeout), and what is left there is listed. Each set's pods are evicted behind its disruption Lease (coordination.k8s.io Lease kubectl-sts.<set>: another kubectl-sts process taking pods of the set down is waited for; KUBECTL_STS_LEASE_DURATION, default 15s); an uncordon under the drain, or another replica taken down beside it, stops it.\n\nExit codes: 0 drained (or WaitingForNode with --pinned wait, LeftTerminating with --skip-wait-for-delete-timeout; --dry-run: may proceed), 4 refused (nothing changed) or stopped because something changed, 6 a pod did not settle within --timeout, 3 not found, 1 API error."
)]
pub struct DrainArgs {
    /// The node (NAME or node/NAME).
    #[arg(value_parser = names::node)]
    pub node: String,
    /// Run the preflight and print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Leave DaemonSet pods (as kubectl drain).
    #[arg(long)]
    pub ignore_daemonsets: bool,
    /// Evict pods with emptyDir data, which is lost (as kubectl drain).
    #[arg(long)]
    pub delete_emptydir_data: bool,
    /// Evict pods that no controller manages (as kubectl drain).
    #[arg(long)]
    pub force: bool,
    /// Evict the only replica of a StatefulSet (the set is down until it runs elsewhere); with --pinned wait, also two or more pods of one set left Pending together.
    #[arg(long)]
    pub allow_downtime: bool,
    /// Evict a StatefulSet pod that comes back at another revision than the one it runs (OnDelete with an update pending, a partition boundary).
    #[arg(long)]
    pub allow_update: bool,
    /// Pods whose volume only this node holds: refuse (default), or wait — evicted last, Pending until the node returns.
    #[arg(long, value_enum, default_value = "refuse")]
    pub pinned: PinnedMode,
    /// Longest wait for one pod (its set's disruption Lease, its eviction allowed, its replacement available); 0 = no limit.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// A kubelet silent for longer than this makes the node dead: not drained.
    #[arg(long, default_value = "40s", value_parser = parse_duration, value_name = "DURATION")]
    pub node_silence: Duration,
    /// Only the node's pods that match this label selector (as kubectl drain).
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub pod_selector: Option<String>,
    /// Seconds each evicted pod gets to terminate; -1 (default) = the pod's own (as kubectl drain). A StatefulSet pod is never evicted with 0.
    #[arg(long, default_value_t = -1, allow_negative_numbers = true, value_name = "SECONDS")]
    pub grace_period: i64,
    /// Do not wait for a pod deleted longer ago than this (as kubectl drain); 0 = always wait.
    #[arg(long, default_value = "0", value_parser = parse_duration, value_name = "DURATION")]
    pub skip_wait_for_delete_timeout: Duration,
    /// How many StatefulSets are drained at once (each still one pod at a time).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..), value_name = "N")]
    pub parallel_sets: u16,
    #[command(flatten)]
    pub lease: LeaseArgs,
}

/// The severity at which `check` exits 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Never: report only.
    None,
}

impl FailOn {
    fn severity(self) -> Option<crate::model::findings::Severity> {
        use crate::model::findings::Severity;
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::None => None,
        }
    }
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Checks: kubectl sts check --list (each ID with its severity, what it finds, whether it needs the live cluster, and what it rests on); STS020 runs drain's preflight on each node running one of the set's pods and reports the verdicts that would block. STS023 (volumes filling up) asks the kubelet of each node running one of the sets' pods for its volume stats through the API server — one request per node, always for NAME, with --usage otherwise; it needs get nodes/proxy (not read-only: it also allows running commands in containers through the kubelet), and is listed as not run without it.\n\nRead-only: one list of each kind. Denied lists are reported (missingPermissions) and the checks that need them are not run. With -f (a file, or - for stdin) no kubeconfig is read, and the checks that need the live cluster are not run.\n\nExit codes: 0 no finding at or above --fail-on, 5 findings at or above it, 3 the StatefulSet or the namespace not found, 2 bad input (an unreadable or invalid manifest, one holding no StatefulSet, an unknown check ID), 1 API error."
)]
pub struct CheckArgs {
    /// The StatefulSet (NAME or sts/NAME); without it, every StatefulSet of the namespace (or -A, or of the manifest).
    #[arg(value_parser = names::statefulset)]
    pub name: Option<String>,
    /// Check a manifest instead of the cluster: a file, or - for stdin (helm template, kustomize build). No kubeconfig is read.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Exit 5 when a finding at or above this severity is left.
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: FailOn,
    /// Leave these checks out (comma-separated IDs, e.g. STS015,STS019).
    #[arg(long, value_delimiter = ',', value_parser = check_id, value_name = "ID,...")]
    pub ignore: Vec<String>,
    /// Print every check (ID, severity, what it finds, what it rests on) and exit.
    #[arg(long)]
    pub list: bool,
    /// Without NAME: run STS023 (volumes filling up) too, which asks each node that runs one of
    /// the sets' pods for its kubelet's volume stats (one request per node; get nodes/proxy).
    /// A single set (NAME) is always checked.
    #[arg(long, conflicts_with = "file")]
    pub usage: bool,
}

fn check_id(s: &str) -> Result<String, String> {
    let id = s.trim().to_ascii_uppercase();
    match crate::model::check::check_def(&id) {
        Some(_) => Ok(id),
        None => Err(format!(
            "no check {s:?}: the IDs are STS001 to STS{:03} (kubectl sts check --list)",
            crate::model::check::CHECKS.len()
        )),
    }
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Exit codes: 0 uncordoned (and the pods that waited for the node Ready again) or not cordoned, 4 cordoned by someone else (--force) or the node changed meanwhile, 6 pods not Ready within --timeout, 3 not found, 1 API error."
)]
pub struct UncordonArgs {
    /// The node (NAME or node/NAME).
    #[arg(value_parser = names::node)]
    pub node: String,
    /// Uncordon a node that kubectl sts drain did not cordon.
    #[arg(long)]
    pub force: bool,
    /// Say what would be done; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Longest wait for the pods that waited for this node to be Ready again; 0 = no limit.
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

/// The flag of the commands that take a pod of a set down behind its disruption Lease.
#[derive(Debug, Clone, Args)]
pub struct LeaseArgs {
    /// Take the set's disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write).
    #[arg(long, value_name = "HOLDER", value_parser = holder_identity)]
    pub break_lease: Option<String>,
}

fn holder_identity(s: &str) -> Result<String, String> {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "a holder identity as a refusal names it (user@host:pid:random), without spaces".into(),
        );
    }
    Ok(s.to_string())
}

/// Environment: the `leaseDurationSeconds` of the disruption Leases this process takes.
pub const LEASE_DURATION_ENV: &str = "KUBECTL_STS_LEASE_DURATION";

/// The Leases of one command run: `purpose` says what it does, for the processes that wait.
fn leases_for(
    cluster: &Cluster,
    a: &LeaseArgs,
    purpose: String,
) -> Result<crate::ops::lease::Leases, Error> {
    let mut opts = crate::ops::lease::LeaseOptions::new(purpose);
    opts.break_lease = a.break_lease.clone();
    if let Some(v) = std::env::var_os(LEASE_DURATION_ENV) {
        let v = v.to_string_lossy().into_owned();
        let d = parse_duration(&v)
            .map_err(|e| Error::usage(format!("{LEASE_DURATION_ENV}={v:?}: {e}")))?;
        if d.subsec_nanos() != 0 || d < Duration::from_secs(1) || d > Duration::from_secs(3600) {
            return Err(Error::usage(format!(
                "{LEASE_DURATION_ENV}={v:?}: the disruption Lease's duration is whole seconds from 1s to 1h (default 15s)"
            )));
        }
        opts.duration = d;
    }
    Ok(crate::ops::lease::Leases::new(cluster, opts))
}

/// Releases what a run still holds (its end, an error, Ctrl-C), within a few seconds: a Lease
/// not released expires after its duration anyway.
async fn release_leases(leases: &crate::ops::lease::Leases) {
    if let Ok(warnings) = tokio::time::timeout(Duration::from_secs(5), leases.release_all()).await {
        for w in warnings {
            eprintln!("warning: {w}");
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PinnedMode {
    Refuse,
    Wait,
}

#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Steps: patch every claim of the template (retained ones too) and follow its resize; save the StatefulSet (printed path, under $XDG_STATE_HOME or ~/.local/state); delete it with propagationPolicy Orphan (its pods keep running); create it again with the new size; verify that nothing restarted. Interrupted at any point, the same command continues from there.\n\nExit codes: 0 resized (--dry-run: may proceed), 4 refused (nothing changed) or someone else changed the set, 7 not confirmed, 6 a stage did not finish within --timeout, 2 bad size or template, 3 not found, 1 API error."
)]
pub struct ResizeArgs {
    /// The StatefulSet (NAME or sts/NAME).
    #[arg(value_parser = names::statefulset)]
    pub name: String,
    /// The volumeClaimTemplate to grow (default: the set's only one).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub template: String,
    /// The new size (a Kubernetes quantity, e.g. 5Gi); it only grows, by at most 10× unless --allow-large-growth.
    #[arg(long, value_name = "QUANTITY", allow_hyphen_values = true)]
    pub size: String,
    /// Allow a size more than ten times the current one (a claim never shrinks again).
    #[arg(long)]
    pub allow_large_growth: bool,
    /// Resize a set that an operator, Argo CD or Flux manages: its source already has the new size.
    #[arg(long)]
    pub allow_managed: bool,
    /// Confirm without a prompt (needed when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Check the preflight and print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Longest wait of each stage (the claims' resize, the delete, the adoption); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0.
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
}

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not.
    #[command(
        after_help = "Exit codes: 0 every pod the strategy updates is on the update revision and available, 5 not finished (or stuck), 6 --watch timed out, 3 not found, 1 API error."
    )]
    Status(RolloutStatusArgs),
    /// Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available.
    #[command(
        after_help = "Exit codes: 0 done (or nothing to do; --dry-run: may proceed), 4 refused by a guard or stopped because someone else changed the set, 6 a step did not finish within --timeout, 2 no plan (e.g. --to-partition on OnDelete), 3 not found, 1 API error."
    )]
    Apply(RolloutApplyArgs),
    /// Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation.
    #[command(
        after_help = "Exit codes: 0 repaired (--dry-run: may proceed), 4 nothing to repair or it changed meanwhile, 7 not confirmed, 6 the replacement was not available within --timeout, 3 not found, 1 API error."
    )]
    Repair(RolloutRepairArgs),
    /// As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply).
    #[command(
        after_help = "Exit codes: 0 restarted, 4 refused (a pod is unhealthy) or someone else changed the set, 6 a pod did not become Ready within --timeout, 3 not found, 1 API error."
    )]
    Restart(RolloutRestartArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RolloutStatusArgs {
    /// The StatefulSet (NAME or sts/NAME).
    #[arg(value_parser = names::statefulset)]
    pub name: String,
    /// Wait (watch-driven) until the rollout is done.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// Longest wait with --watch; 0 = no limit.
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    /// A pod not Ready for longer than this makes the rollout "stuck".
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub stuck_after: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct RolloutApplyArgs {
    /// The StatefulSet (NAME or sts/NAME).
    #[arg(value_parser = names::statefulset)]
    pub name: String,
    /// RollingUpdate with a partition: lower it to N, maxUnavailable ordinals at a time.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(0..=i32::MAX as i64))]
    pub to_partition: Option<i64>,
    /// Check the guards and print the plan; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Longest wait for each step (its pods back on the update revision and available); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    #[command(flatten)]
    pub lease: LeaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RolloutRepairArgs {
    /// The StatefulSet (NAME or sts/NAME).
    #[arg(value_parser = names::statefulset)]
    pub name: String,
    /// How long a pod must have been not Ready to count as stuck.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub stuck_after: Duration,
    /// Confirm without a prompt (needed when stdin is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show the evidence and what would be deleted; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Longest wait for the replacement to be available (at the update revision, or the current one below a partition); 0 = no limit.
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    #[command(flatten)]
    pub lease: LeaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RolloutRestartArgs {
    /// The StatefulSet (NAME or sts/NAME).
    #[arg(value_parser = names::statefulset)]
    pub name: String,
    /// Check the guards and say what would happen; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Longest the whole restart may take, every wait included (the controller observing the change, a pod stuck Terminating, each pod's replacement); a pod not Ready for that long also stops it; 0 = no limit (the wait before each write for what settles by itself still ends at its own expected maximum).
    #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    #[command(flatten)]
    pub lease: LeaseArgs,
}

/// A usage error in one line, as every error is: clap's first line (its tips and the usage
/// block are for a terminal session, and its `use '-- -1'` tip is wrong advice here).
fn usage_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    // a value with a line break in it (a name pasted with its newline) would cut clap's line
    // before the reason: say it with the break escaped
    if let (Some(ContextValue::String(arg)), Some(ContextValue::String(value))) = (
        e.get(ContextKind::InvalidArg),
        e.get(ContextKind::InvalidValue),
    ) {
        if value.contains(['\n', '\r']) {
            let why = std::error::Error::source(e)
                .map(|s| {
                    format!(
                        ": {}",
                        s.to_string().replace('\n', "\\n").replace('\r', "\\r")
                    )
                })
                .unwrap_or_default();
            return format!(
                "error: invalid value '{}' for '{arg}'{why} (see --help)",
                value.escape_debug()
            );
        }
    }
    let text = e.render().to_string();
    let mut lines = text.lines();
    let mut line = lines
        .next()
        .unwrap_or("error: invalid arguments")
        .trim_end()
        .to_string();
    // "…were not provided:" is followed by the missing arguments, one per indented line
    if line.ends_with(':') {
        for more in lines.take_while(|l| l.starts_with("  ")) {
            line.push(' ');
            line.push_str(more.trim());
        }
    }
    format!("{line} (see --help)")
}

/// The subcommands that get a `kubectl sts-<cmd>` name (`kubectl-sts_<cmd>`), from this
/// definition.
pub fn plugin_commands() -> Vec<String> {
    use clap::CommandFactory;
    crate::links::plugin_commands(&Cli::command())
}

/// Parses arguments and runs; returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    // started as `kubectl-sts_inspect` (kubectl's name for `kubectl sts-inspect`): `inspect`
    let args = crate::links::dispatch(args.into_iter().collect(), &plugin_commands());
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            eprintln!("{}", usage_line(&e));
            return ExitCode::Usage.code();
        }
        Err(e) => {
            // --help, --version
            let _ = e.print();
            return 0;
        }
    };
    // Client commands are I/O-bound: one thread, and no per-thread allocator arenas
    // inflating RSS. The simulator serves and reconciles on all cores.
    let mut builder = match cli.command {
        #[cfg(feature = "sim")]
        Command::Sim(_) | Command::Demo(_) => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    let rt = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::Api.code();
        }
    };
    // the commands that write handle Ctrl-C themselves, to say where they stopped
    let own_interrupt = match &cli.command {
        Command::Scale(_)
        | Command::ForceDelete(_)
        | Command::Recover(_)
        | Command::ResizeStorage(_)
        | Command::Drain(_) => true,
        Command::Rollout(r) => !matches!(r, RolloutCommand::Status(_)),
        _ => false,
    };
    let result = rt.block_on(async {
        if own_interrupt {
            return run(cli).await;
        }
        // biased, Ctrl-C first: its handler is in place before the command starts, so an
        // early Ctrl-C is heard too (default SIGINT would end the process without a code)
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted(None)),
            r = run(cli) => r,
        }
    });
    // a confirmation prompt may still block on stdin: do not wait for it
    rt.shutdown_background();
    match result {
        Ok(code) => code.code(),
        Err(e) => {
            if let Some(line) = e.line() {
                eprintln!("{line}");
            }
            e.exit_code().code()
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Error> {
    match &cli.command {
        Command::Inspect(a) => run_inspect(&cli.global, a).await,
        Command::Scale(a) => run_scale(&cli.global, a).await,
        Command::ForceDelete(a) => run_force_delete(&cli.global, a).await,
        Command::Recover(a) => run_recover(&cli.global, a).await,
        Command::ReleaseNode(a) => run_release_node(&cli.global, a).await,
        Command::Drain(a) => run_drain(&cli.global, a).await,
        Command::Uncordon(a) => run_uncordon(&cli.global, a).await,
        Command::Check(a) => run_check(&cli.global, a).await,
        Command::InstallLinks(a) => run_install_links(&cli.global, a),
        Command::Rollout(r) => run_rollout(&cli.global, r).await,
        Command::ResizeStorage(a) => run_resize(&cli.global, a).await,
        #[cfg(feature = "sim")]
        Command::Sim(a) => match &a.command {
            Some(crate::simcmd::SimCommand::Nodes(n)) => crate::simcmd::run_nodes(
                cli.global.kubeconfig.as_deref(),
                cli.global.context.clone(),
                n,
            )
            .await
            .map(|_| ExitCode::Ok),
            None => crate::simcmd::run_sim(a).await.map(|_| ExitCode::Ok),
        },
        Command::Completion(a) => {
            emit(|w| w.write_all(completion_script(a.shell).as_bytes())).map(|_| ExitCode::Ok)
        }
        #[cfg(feature = "sim")]
        Command::Demo(a) => crate::simcmd::run_demo(a, cli.global.style()).await,
    }
}

impl Global {
    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
            request_timeout: self.request_timeout,
            verbose: self.verbose,
        }
    }

    pub fn style(&self) -> Style {
        let terminal = std::io::stdout().is_terminal();
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Style { color, terminal }
    }

    pub fn format(&self) -> Format {
        match self.output {
            OutputFormat::Table => Format::Table,
            OutputFormat::Wide => Format::Wide,
            OutputFormat::Json => Format::Json,
            OutputFormat::Yaml => Format::Yaml,
        }
    }
}

/// Fetches, joins and renders once; returns the number of problems that count for
/// `--fail-on-problems`. The overview renders each set as it is joined and keeps only its
/// table row, so memory stays with the objects fetched, not with sets × objects.
/// `redraw` is written just before the output (after the fetch, so a redraw never blanks the
/// screen while waiting for the API).
async fn inspect_once(
    cluster: &Cluster,
    g: &Global,
    a: &InspectArgs,
    redraw: &str,
) -> Result<usize, Error> {
    let opts = InspectOptions {
        cluster_domain: a.cluster_domain.clone(),
    };
    let style = g.style();
    let format = g.format();
    match &a.name {
        Some(name) => {
            if g.all_namespaces {
                return Err(Error::usage(
                    "a StatefulSet name cannot be combined with --all-namespaces; use -n NAMESPACE",
                ));
            }
            let snap = cluster.snapshot(&cluster.namespace, name).await?;
            let mut ins = inspect(&snap, &opts);
            // the USED column: one request per Ready node that runs one of its pods
            let nodes = crate::model::usage::nodes_to_read(&snap.pods, &snap.nodes, snap.now);
            let usage = cluster.volume_usage(nodes).await;
            attach_usage(
                &mut ins,
                &crate::model::usage::UsageIndex::new(&usage, snap.now),
            );
            gone_is_read(
                a,
                emit(|w| {
                    w.write_all(redraw.as_bytes())?;
                    match format {
                        f @ (Format::Json | Format::Yaml) => render::serialized(w, &ins, f),
                        f => render::inspection(w, &ins, f == Format::Wide, style),
                    }
                }),
            )?;
            Ok(ins.failing_problems())
        }
        None => {
            let ns = (!g.all_namespaces).then_some(cluster.namespace.as_str());
            let fleet = cluster.fleet(ns).await?;
            // an empty list may mean a mistyped namespace: say so, as `inspect NAME` does
            let mut unverified = None;
            if let (true, Some(n)) = (fleet.sets.is_empty(), ns) {
                match cluster.namespace_exists(n).await? {
                    Access::Ok(true) => {}
                    Access::Ok(false) => {
                        return Err(Error::not_found(format!("namespace \"{n}\" not found")))
                    }
                    Access::Forbidden => unverified = Some(n),
                }
            }
            // --usage: the nodes that run a StatefulSet's pods, each asked once
            let usage = if a.usage {
                let set_pods = fleet.pods.iter().filter(|p| {
                    p.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.kind == "StatefulSet")
                });
                let nodes = crate::model::usage::nodes_to_read(set_pods, &fleet.nodes, fleet.now);
                cluster.volume_usage(nodes).await
            } else {
                crate::model::usage::UsageRead::NotRead
            };
            let index = crate::model::usage::UsageIndex::new(&usage, fleet.now);
            let mut failing = 0;
            let mut items = inspect_fleet(&fleet, &opts).map(|mut i| {
                attach_usage(&mut i, &index);
                failing += i.failing_problems();
                i
            });
            match format {
                f @ (Format::Json | Format::Yaml) => {
                    let written = emit(|w| {
                        w.write_all(redraw.as_bytes())?;
                        render::document_list(w, &mut items, f)
                    });
                    // the sets not written still count for --fail-on-problems
                    items.for_each(drop);
                    gone_is_read(a, written)?;
                }
                _ => {
                    let rows: Vec<OverviewRow> = items.map(|i| OverviewRow::from(&i)).collect();
                    let written = emit(|w| {
                        w.write_all(redraw.as_bytes())?;
                        if rows.is_empty() {
                            match unverified {
                                Some(n) => writeln!(w, "No StatefulSets found in namespace {n} (not allowed to check that it exists)."),
                                None => writeln!(w, "No StatefulSets found."),
                            }
                        } else {
                            render::overview(w, &rows, g.all_namespaces, style)
                        }
                    });
                    gone_is_read(a, written)?;
                }
            }
            Ok(failing)
        }
    }
}

/// A reader that went away (`| head`) has read what it wanted: with `--fail-on-problems` the
/// problems still decide the exit code (as check's findings do); otherwise, and under `--watch`
/// (which redraws for nobody), the command ends quietly as before.
fn gone_is_read(a: &InspectArgs, written: Result<(), Error>) -> Result<(), Error> {
    match written {
        Err(Error::ReaderGone) if a.fail_on_problems && !a.watch => Ok(()),
        other => other,
    }
}

async fn run_inspect(g: &Global, a: &InspectArgs) -> Result<ExitCode, Error> {
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let failing = inspect_once(&cluster, g, a, "").await?;
    if a.watch {
        watch_loop(&cluster, g, a).await?;
    }
    Ok(if a.fail_on_problems && failing > 0 {
        ExitCode::Problems
    } else {
        ExitCode::Ok
    })
}

/// `--watch`: redraw after changes, driven by watches (not polling).
async fn watch_loop(cluster: &Cluster, g: &Global, a: &InspectArgs) -> Result<(), Error> {
    let ns = (!g.all_namespaces).then_some(cluster.namespace.as_str());
    let mut waker = crate::ops::Waker::from_streams(cluster.watch_inspected(ns), None);
    let terminal = g.style().terminal;
    while waker.changed().await {
        let redraw = if terminal { "\x1b[2J\x1b[H" } else { "\n" };
        inspect_once(cluster, g, a, redraw).await?;
    }
    Ok(())
}

/// The typed confirmation on a terminal; without one, nothing is ever confirmed (`--yes`).
fn confirmer() -> Box<dyn crate::ops::force_delete::Confirm> {
    use crate::ops::force_delete::{NoTerminal, TerminalPrompt};
    if std::io::stdin().is_terminal() {
        Box::new(TerminalPrompt)
    } else {
        Box::new(NoTerminal)
    }
}

/// `--timeout 0` means no limit, as kubectl's `--timeout=0` for waits.
fn no_limit_if_zero(d: Duration) -> Duration {
    if d.is_zero() {
        Duration::MAX
    } else {
        d
    }
}

fn single_namespace(g: &Global, what: &str) -> Result<(), Error> {
    if g.all_namespaces {
        return Err(Error::usage(format!(
            "{what} works in one namespace; use -n NAMESPACE instead of --all-namespaces"
        )));
    }
    Ok(())
}

/// Renders a result: the document for -o json|yaml, else the human lines; a
/// failed outcome's message also goes to stderr as the one error line.
fn render_result<T: serde::Serialize>(
    g: &Global,
    doc: &T,
    code: ExitCode,
    message: &str,
    details: &[String],
) -> Result<ExitCode, Error> {
    let document = matches!(g.format(), Format::Json | Format::Yaml);
    let written = if document {
        emit(|w| render::serialized(w, doc, g.format()))
    } else if code == ExitCode::Ok {
        emit(|w| render::result_lines(w, message, details))
    } else {
        Ok(())
    };
    // the command has acted: a reader that went away does not change how it ended
    match written {
        Err(Error::ReaderGone) | Ok(()) => {}
        Err(e) => return Err(e),
    }
    if code != ExitCode::Ok {
        // one error line; for people (not scripts reading the document) the reasons on stdout
        if !document && !details.is_empty() {
            let _ = emit(|w| details.iter().try_for_each(|d| writeln!(w, "  {d}")));
        }
        eprintln!("error: {}", render::one_line(message));
    }
    Ok(code)
}

async fn run_scale(g: &Global, a: &ScaleArgs) -> Result<ExitCode, Error> {
    use crate::ops::scale::{run, ScaleOptions};
    single_namespace(g, "scale")?;
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let opts = ScaleOptions {
        name: a.name.clone(),
        replicas: a.replicas,
        timeout: no_limit_if_zero(a.timeout),
        dry_run: a.dry_run,
        allow_claim_deletion: a.allow_claim_deletion,
        current_replicas: a.current_replicas,
        max_steps: a.max_steps,
    };
    let mut log = crate::progress::Progress::stderr();
    let ns = cluster.namespace.clone();
    let leases = leases_for(
        &cluster,
        &a.lease,
        format!("kubectl sts scale {} --replicas {}", a.name, a.replicas),
    )?;
    let report = tokio::select! {
        r = run(&cluster, &ns, &opts, &leases, &mut log) => {
            release_leases(&leases).await;
            r?
        }
        _ = tokio::signal::ctrl_c() => {
            release_leases(&leases).await;
            // a step may be half done: say where the set is, so the operator can re-run
            let at = cluster
                .get_statefulset(&ns, &a.name)
                .await
                .map(|s| s.spec.replicas.unwrap_or(1).to_string())
                .unwrap_or_else(|_| "unknown".into());
            return Err(Error::Interrupted(Some(format!("statefulset {ns}/{} has spec.replicas {at}; run the command again to continue (each step is checked again)", a.name))));
        }
    };
    let mut details: Vec<String> = report.blockers.iter().map(|b| b.message.clone()).collect();
    if !report.retained_claims.is_empty() {
        details.push(format!(
            "claims kept for a later scale-up: {}",
            report.retained_claims.join(", ")
        ));
    }
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

async fn run_force_delete(g: &Global, a: &ForceDeleteArgs) -> Result<ExitCode, Error> {
    use crate::ops::force_delete::{run, ForceDeleteOptions};
    single_namespace(g, "force-delete")?;
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let opts = ForceDeleteOptions {
        pod: a.pod.clone(),
        yes: a.yes,
        dry_run: a.dry_run,
        silence: a.node_silence,
        wait: a.wait,
        timeout: no_limit_if_zero(a.timeout),
    };
    let mut confirm = confirmer();
    let mut log = crate::progress::Progress::stderr();
    let ns = cluster.namespace.clone();
    let report = tokio::select! {
        r = run(&cluster, &ns, &opts, confirm.as_mut(), &mut log) => r?,
        _ = tokio::signal::ctrl_c() => {
            let state = match cluster.get_pod(&ns, &a.pod).await {
                Ok(Some(p)) => format!("pod {ns}/{} still exists (uid {})", a.pod, p.metadata.uid.unwrap_or_default()),
                Ok(None) => format!("pod {ns}/{} no longer exists", a.pod),
                Err(_) => format!("the state of pod {ns}/{} is unknown", a.pod),
            };
            return Err(Error::Interrupted(Some(state)));
        }
    };
    let mut details = report.eligibility.evidence.clone();
    details.extend(report.warnings.iter().map(|w| format!("warning: {w}")));
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

async fn run_recover(g: &Global, a: &RecoverArgs) -> Result<ExitCode, Error> {
    use crate::model::recover::PinnedChoice;
    use crate::ops::recover::{run, RecoverOptions};
    use crate::ops::Journal;
    single_namespace(g, "recover")?;
    let pinned = match (&a.abandon_data, a.wait) {
        (Some(names), _) => PinnedChoice::Abandon(
            names
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        ),
        (None, true) => PinnedChoice::WaitForNode,
        (None, false) => PinnedChoice::None,
    };
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let opts = RecoverOptions {
        pod: a.pod.clone(),
        yes: a.yes,
        dry_run: a.dry_run,
        silence: a.node_silence,
        pinned,
        node_is_off: a.node_is_off.clone(),
        timeout: no_limit_if_zero(a.timeout),
    };
    let mut confirm = confirmer();
    let mut log = crate::progress::Progress::stderr();
    let journal = Journal::default();
    let ns = cluster.namespace.clone();
    let report = tokio::select! {
        r = run(&cluster, &ns, &opts, confirm.as_mut(), &mut log, &journal) => r.map_err(|e| {
            journal.after_writes(e, &format!("recovery of pod {ns}/{}", a.pod), "run the same command again to follow it (every step is checked again)")
        })?,
        _ = tokio::signal::ctrl_c() => {
            return Err(Error::Interrupted(Some(format!("recovery of pod {ns}/{}: {}", a.pod, journal.summary()))));
        }
    };
    let details = report.details();
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

async fn run_rollout(g: &Global, r: &RolloutCommand) -> Result<ExitCode, Error> {
    use crate::ops::rollout::{self, RolloutOptions};
    single_namespace(g, "rollout")?;
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let ns = cluster.namespace.clone();
    let mut log = crate::progress::Progress::stderr();
    let base = |name: &str, timeout: Duration| RolloutOptions {
        name: name.to_string(),
        dry_run: false,
        yes: false,
        timeout: no_limit_if_zero(timeout),
        stuck_after: Duration::from_secs(300),
        to_partition: None,
        deadline: None,
    };
    let journal = crate::ops::Journal::default();
    let (lease_args, verb) = match r {
        RolloutCommand::Status(_) => (None, "status"),
        RolloutCommand::Apply(a) => (Some((&a.lease, &a.name)), "apply"),
        RolloutCommand::Repair(a) => (Some((&a.lease, &a.name)), "repair"),
        RolloutCommand::Restart(a) => (Some((&a.lease, &a.name)), "restart"),
    };
    let leases = match lease_args {
        Some((l, name)) => leases_for(&cluster, l, format!("kubectl sts rollout {verb} {name}"))?,
        // rollout status takes no Lease: a bad KUBECTL_STS_LEASE_DURATION is not its concern
        None => crate::ops::lease::Leases::new(
            &cluster,
            crate::ops::lease::LeaseOptions::new(String::new()),
        ),
    };
    let report = match r {
        RolloutCommand::Status(a) => {
            let watch = a.watch.then(|| no_limit_if_zero(a.timeout));
            let rep =
                rollout::status(&cluster, &ns, &a.name, a.stuck_after, watch, &mut log).await?;
            let code = rep.exit_code();
            if matches!(g.format(), Format::Json | Format::Yaml) {
                emit(|w| render::serialized(w, &rep, g.format()))?;
            } else {
                emit(|w| render::rollout_status(w, &rep, g.style()))?;
            }
            if rep.timed_out {
                eprintln!(
                    "error: the rollout of statefulset {ns}/{} did not finish within {}: {}",
                    a.name,
                    crate::kubefmt::human_duration(a.timeout.as_secs() as i64),
                    render::one_line(&rep.message)
                );
            }
            return Ok(code);
        }
        RolloutCommand::Apply(a) => {
            let opts = RolloutOptions {
                dry_run: a.dry_run,
                to_partition: a.to_partition,
                ..base(&a.name, a.timeout)
            };
            interruptible(
                rollout::apply(&cluster, &ns, &opts, &leases, &mut log, &journal),
                &ns,
                &a.name,
                &journal,
                &leases,
            )
            .await?
        }
        RolloutCommand::Repair(a) => {
            let opts = RolloutOptions {
                dry_run: a.dry_run,
                yes: a.yes,
                stuck_after: a.stuck_after,
                ..base(&a.name, a.timeout)
            };
            let mut confirm = confirmer();
            interruptible(
                rollout::repair(
                    &cluster,
                    &ns,
                    &opts,
                    &leases,
                    confirm.as_mut(),
                    &mut log,
                    &journal,
                ),
                &ns,
                &a.name,
                &journal,
                &leases,
            )
            .await?
        }
        RolloutCommand::Restart(a) => {
            let opts = RolloutOptions {
                dry_run: a.dry_run,
                ..base(&a.name, a.timeout)
            };
            interruptible(
                rollout::restart(&cluster, &ns, &opts, &leases, &mut log, &journal),
                &ns,
                &a.name,
                &journal,
                &leases,
            )
            .await?
        }
    };
    let details = report.details();
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

/// A rollout action, ended by Ctrl-C (exit 130) or an error with what was written and what is
/// left; the set's Lease released either way.
async fn interruptible<T>(
    run: impl std::future::Future<Output = Result<T, Error>>,
    ns: &str,
    name: &str,
    journal: &crate::ops::Journal,
    leases: &crate::ops::lease::Leases,
) -> Result<T, Error> {
    let r = tokio::select! {
        r = run => r.map_err(|e| journal.after_writes(
            e,
            &format!("rollout of statefulset {ns}/{name}"),
            "run the same command again to continue (every step is checked again)",
        )),
        _ = tokio::signal::ctrl_c() => Err(Error::Interrupted(Some(format!(
            "rollout of statefulset {ns}/{name}: {}; run the same command again to continue (every step is checked again)",
            journal.summary()
        )))),
    };
    release_leases(leases).await;
    r
}

async fn run_resize(g: &Global, a: &ResizeArgs) -> Result<ExitCode, Error> {
    use crate::ops::resize::{run, ResizeOptions};
    use crate::ops::Journal;
    single_namespace(g, "resize-storage")?;
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let opts = ResizeOptions {
        name: a.name.clone(),
        template: a.template.clone(),
        size: a.size.clone(),
        allow_large_growth: a.allow_large_growth,
        allow_managed: a.allow_managed,
        yes: a.yes,
        dry_run: a.dry_run,
        timeout: no_limit_if_zero(a.timeout),
    };
    let mut confirm = confirmer();
    let mut log = crate::progress::Progress::stderr();
    let journal = Journal::default();
    let ns = cluster.namespace.clone();
    let report = tokio::select! {
        r = run(&cluster, &ns, &opts, confirm.as_mut(), &mut log, &journal) => r.map_err(|e| {
            journal.after_writes(e, &format!("resize of statefulset {ns}/{}", a.name), "run the same command again to continue from there")
        })?,
        _ = tokio::signal::ctrl_c() => {
            return Err(Error::Interrupted(Some(format!("resize of statefulset {ns}/{}: {}; run the same command again to continue from there", a.name, journal.summary()))));
        }
    };
    let details = report.details();
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

async fn run_drain(g: &Global, a: &DrainArgs) -> Result<ExitCode, Error> {
    use crate::model::disruption::DrainFlags;
    use crate::ops::drain::{run, DrainOptions};
    let pod_selector = match &a.pod_selector {
        Some(s) => Some(
            kube_common::selectors::LabelSelector::parse(s).map_err(|e| {
                Error::usage(format!("--pod-selector {s:?} is not a label selector: {e}"))
            })?,
        ),
        None => None,
    };
    if a.grace_period < -1 {
        return Err(Error::usage(format!(
            "--grace-period {} is not allowed: -1 (each pod's own) or 0 and more",
            a.grace_period
        )));
    }
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let opts = DrainOptions {
        node: a.node.clone(),
        dry_run: a.dry_run,
        parallel_sets: usize::from(a.parallel_sets),
        flags: DrainFlags {
            pod_selector,
            ignore_daemonsets: a.ignore_daemonsets,
            delete_emptydir_data: a.delete_emptydir_data,
            force: a.force,
            allow_downtime: a.allow_downtime,
            pinned_wait: a.pinned == PinnedMode::Wait,
            allow_update: a.allow_update,
            grace_period: (a.grace_period >= 0).then_some(a.grace_period),
            // whole seconds, as kubectl's SkipWaitForDeleteTimeoutSeconds
            skip_wait_for_delete: (!a.skip_wait_for_delete_timeout.is_zero()).then(|| {
                i64::try_from(a.skip_wait_for_delete_timeout.as_secs()).unwrap_or(i64::MAX)
            }),
        },
        timeout: no_limit_if_zero(a.timeout),
        silence: a.node_silence,
    };
    let mut log = crate::progress::Progress::stderr();
    let journal = crate::ops::Journal::default();
    let leases = leases_for(&cluster, &a.lease, format!("kubectl sts drain {}", a.node))?;
    let report = tokio::select! {
        r = run(&cluster, &opts, &leases, &mut log, &journal) => {
            release_leases(&leases).await;
            r.map_err(|e| {
                journal.after_writes(e, &format!("drain of node {}", a.node), "the node stays cordoned; run the same command again to continue (evicted pods are not evicted twice)")
            })?
        }
        _ = tokio::signal::ctrl_c() => {
            release_leases(&leases).await;
            return Err(Error::Interrupted(Some(format!("drain of node {}: {}; run the same command again to continue (the node stays cordoned; evicted pods are not evicted twice)", a.node, journal.summary()))));
        }
    };
    let details = report.details();
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

async fn run_uncordon(g: &Global, a: &UncordonArgs) -> Result<ExitCode, Error> {
    use crate::ops::drain::{uncordon, UncordonOptions};
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let opts = UncordonOptions {
        node: a.node.clone(),
        force: a.force,
        dry_run: a.dry_run,
        timeout: no_limit_if_zero(a.timeout),
    };
    let mut log = crate::progress::Progress::stderr();
    let report = uncordon(&cluster, &opts, &mut log).await?;
    let details: Vec<String> = report
        .warnings
        .iter()
        .map(|w| format!("warning: {w}"))
        .collect();
    render_result(g, &report, report.exit_code(), &report.message, &details)
}

async fn run_check(g: &Global, a: &CheckArgs) -> Result<ExitCode, Error> {
    use crate::model::check::{
        check, nothing_to_check, parse_manifest, CheckResult, Source, CHECKS,
    };
    if a.list {
        emit(|w| match g.format() {
            Format::Json | Format::Yaml => render::serialized(w, &CHECKS, g.format()),
            _ => render::check_list(w, CHECKS),
        })?;
        return Ok(ExitCode::Ok);
    }
    let mut cluster = None;
    let (mut objects, source, label, scope) = match &a.file {
        Some(path) => {
            if g.all_namespaces {
                return Err(Error::usage(
                    "-A reads the cluster; with -f the manifest's objects are checked (drop -A)",
                ));
            }
            let (text, name, label) = read_manifest(path).await?;
            let ns = g.namespace.clone().unwrap_or_else(|| "default".into());
            let manifest = parse_manifest(&text, &ns, &name).map_err(Error::usage)?;
            // nothing checked is not a clean result: an empty render, the wrong file
            if let Some(why) = nothing_to_check(&manifest, &name) {
                return Err(Error::usage(why));
            }
            (
                manifest.objects,
                Source::Manifest,
                label,
                "the manifest".to_string(),
            )
        }
        None => {
            if g.all_namespaces && a.name.is_some() {
                return Err(Error::usage(
                    "a NAME is in one namespace; drop -A or the NAME",
                ));
            }
            let c = Cluster::connect(&g.connect_options()).await?;
            let ns = (!g.all_namespaces).then(|| c.namespace.clone());
            // one set is read in proportion to it (a missing one is not found, exit 3)
            let objects = match (&a.name, ns.as_deref()) {
                (Some(name), Some(n)) => c.check_reads_set(n, name).await?,
                _ => c.check_reads(ns.as_deref()).await?,
            };
            // no set found may mean a mistyped namespace: say so, as inspect does (exit 3)
            let named = |s: &k8s_openapi::api::apps::v1::StatefulSet| {
                a.name
                    .as_ref()
                    .is_none_or(|n| s.metadata.name.as_deref() == Some(n.as_str()))
            };
            let mut unverified = false;
            if let (false, Some(n)) = (objects.sets.iter().any(named), ns.as_deref()) {
                match c.namespace_exists(n).await? {
                    Access::Ok(true) => {}
                    Access::Ok(false) => {
                        return Err(Error::not_found(format!("namespace \"{n}\" not found")))
                    }
                    Access::Forbidden => unverified = true,
                }
            }
            let scope = match ns {
                Some(n) if unverified => {
                    format!("namespace \"{n}\" (not allowed to check that it exists)")
                }
                Some(n) => format!("namespace \"{n}\""),
                None => "any namespace".into(),
            };
            cluster = Some(c);
            (objects, Source::Cluster, "cluster".to_string(), scope)
        }
    };
    let mut sets = std::mem::take(&mut objects.sets);
    if let Some(name) = &a.name {
        sets.retain(|s| s.metadata.name.as_deref() == Some(name.as_str()));
        if sets.is_empty() {
            return Err(Error::not_found(format!(
                "statefulset \"{name}\" not found in {scope}"
            )));
        }
    }
    // STS023: the kubelets of the nodes running the checked sets' pods, for one set always
    let mut usage = crate::model::usage::UsageRead::NotRead;
    if let (Some(c), true) = (&cluster, a.name.is_some() || a.usage) {
        // the checked sets' pods: those their controller owns
        let uids: std::collections::HashSet<&str> = sets
            .iter()
            .filter_map(|s| s.metadata.uid.as_deref())
            .collect();
        let pods = objects.pods.ok().into_iter().flatten().filter(|p| {
            p.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|o| o.controller == Some(true) && uids.contains(o.uid.as_str()))
        });
        let nodes = crate::model::usage::nodes_to_read(pods, &objects.nodes, objects.now);
        usage = c.volume_usage(nodes).await;
    }
    let mut input = objects.input(source, &sets);
    input.usage = &usage;
    let outcome = check(&input);
    let result = CheckResult::new(label, &sets, outcome, &a.ignore);
    // decided before the output: a reader that goes away (| head) does not make findings pass
    let code = if result.fails(a.fail_on.severity()) {
        ExitCode::Problems
    } else {
        ExitCode::Ok
    };
    let written = emit(|w| match g.format() {
        Format::Json | Format::Yaml => render::serialized(w, &result, g.format()),
        // an empty namespace is a fact, not a clean bill: nothing was checked
        _ if sets.is_empty() => {
            writeln!(w, "No StatefulSets found in {scope}; nothing was checked.")
        }
        _ => render::check_report(w, &result, g.style()),
    });
    match written {
        Ok(()) | Err(Error::ReaderGone) => Ok(code),
        Err(e) => Err(e),
    }
}

/// The manifest's text, its name for messages (the path, or `stdin`) and the result's
/// `source` (`file:PATH`, `stdin`). At most [`MANIFEST_MAX_BYTES`] are read.
///
/// [`MANIFEST_MAX_BYTES`]: crate::model::check::MANIFEST_MAX_BYTES
async fn read_manifest(path: &std::path::Path) -> Result<(String, String, String), Error> {
    if path.as_os_str() == "-" {
        // a thread of its own for the blocking read, so the runtime still hears Ctrl-C (130)
        // while a pipe's writer takes its time, or a terminal waits for Ctrl-D
        let text = tokio::task::spawn_blocking(|| read_limited(std::io::stdin().lock(), "stdin"))
            .await
            .map_err(|_| Error::usage("cannot read the manifest from stdin"))??;
        return Ok((text, "stdin".into(), "stdin".into()));
    }
    let name = path.display().to_string();
    let file =
        std::fs::File::open(path).map_err(|e| Error::usage(format!("cannot read {name}: {e}")))?;
    let text = read_limited(file, &name)?;
    Ok((text, name.clone(), format!("file:{name}")))
}

fn read_limited(r: impl std::io::Read, name: &str) -> Result<String, Error> {
    use crate::model::check::MANIFEST_MAX_BYTES;
    use std::io::Read;
    let mut bytes = Vec::new();
    r.take(MANIFEST_MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read {name}: {e}")))?;
    if bytes.len() > MANIFEST_MAX_BYTES {
        return Err(Error::usage(format!(
            "{name} is larger than {} MiB; check it in parts",
            MANIFEST_MAX_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::usage(format!(
            "cannot read {name}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn run_install_links(g: &Global, a: &InstallLinksArgs) -> Result<ExitCode, Error> {
    use crate::links::{self, Layout};
    let path = std::env::var_os("PATH");
    let layout = Layout::native();
    let dir = match &a.dir {
        Some(d) => d.clone(),
        None => links::dir_on_path(path.as_deref())
            // the program may be gone already: its names are still ours to remove
            .or_else(|| {
                a.remove
                    .then(|| links::dir_with_names(path.as_deref(), &plugin_commands(), layout))
                    .flatten()
            })
            .ok_or_else(|| {
                Error::not_found(
                    "kubectl-sts is not on PATH, so kubectl would not find the names either: put its directory on PATH, or pass --dir",
                )
            })?,
    };
    let mut r = links::install(&dir, &plugin_commands(), a.remove, a.dry_run, layout)?;
    if !a.remove {
        // the same directory under another spelling (a symlinked home, a trailing slash)
        let same = |x: &std::path::Path, y: &std::path::Path| {
            x == y
                || matches!(
                    (std::fs::canonicalize(x), std::fs::canonicalize(y)),
                    (Ok(a), Ok(b)) if a == b
                )
        };
        match links::not_on_path_warning(&dir, path.as_deref(), same) {
            Some(w) => r.warnings.push(w),
            None if !a.dry_run && r.refused.is_empty() => {
                r.message.push_str(": kubectl sts-<command> works")
            }
            None => {}
        }
    }
    let code = render_result(g, &r, r.exit_code(), &r.message, &[])?;
    // on stderr in every format: stdout may be a document a script reads
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    Ok(code)
}

async fn run_release_node(g: &Global, a: &ReleaseNodeArgs) -> Result<ExitCode, Error> {
    let cluster = Cluster::connect(&g.connect_options()).await?;
    let report = crate::ops::recover::release(&cluster, &a.node, a.node_silence, a.dry_run).await?;
    render_result(g, &report, report.exit_code(), &report.message, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::ffi::OsStr;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_parse_anywhere() {
        let c = Cli::try_parse_from([
            "kubectl-sts",
            "inspect",
            "web",
            "-n",
            "db",
            "-o",
            "json",
            "--request-timeout",
            "5s",
        ])
        .unwrap();
        assert_eq!(c.global.namespace.as_deref(), Some("db"));
        assert_eq!(c.global.output, OutputFormat::Json);
        assert_eq!(c.global.request_timeout, Some(Duration::from_secs(5)));
        assert!(Cli::try_parse_from(["kubectl-sts", "inspect", "-o", "xml"]).is_err());
    }

    #[test]
    fn every_operational_command_has_a_name_and_names_map_back() {
        let commands = plugin_commands();
        for c in [
            "inspect",
            "scale",
            "force-delete",
            "recover",
            "release-node",
            "drain",
            "uncordon",
            "check",
            "rollout",
            "resize-storage",
        ] {
            assert!(commands.contains(&c.to_string()), "{c}: {commands:?}");
            let name = crate::links::plugin_name(c);
            assert_eq!(
                crate::links::command_of(OsStr::new(&name), &commands).as_deref(),
                Some(c)
            );
            assert_eq!(
                crate::links::command_of(
                    OsStr::new(&format!("/home/u/.krew/bin/{name}.exe")),
                    &commands
                )
                .as_deref(),
                Some(c)
            );
        }
        for c in crate::links::NO_PLUGIN_NAME {
            assert!(!commands.contains(&c.to_string()));
        }
        assert_eq!(
            crate::links::command_of(OsStr::new("/usr/bin/kubectl-sts"), &commands),
            None
        );
        assert_eq!(
            crate::links::command_of(OsStr::new("kubectl-sts_nonsense"), &commands),
            None
        );
        assert_eq!(
            crate::links::command_of(OsStr::new("kubectl-sts_sim"), &commands),
            None
        );
        let args = crate::links::dispatch(
            vec!["/x/kubectl-sts_force_delete".into(), "web-1".into()],
            &commands,
        );
        assert_eq!(args, ["kubectl-sts", "force-delete", "web-1"]);
        let args = crate::links::dispatch(vec!["kubectl-sts".into(), "inspect".into()], &commands);
        assert_eq!(args, ["kubectl-sts", "inspect"]);
    }
}
