//! `kubectl-sts sim` and `kubectl-sts demo`: the simulated cluster as a command (the `sim` feature).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use kube_sim::{Scenario, SimConfig, SimServer};

use crate::error::Error;
use crate::exit::ExitCode;
use crate::names::parse_duration;
use crate::render::{emit, Style};

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SimArgs {
    #[command(subcommand)]
    pub command: Option<SimCommand>,
    /// What the cluster starts with: `seed` (the lab's Service + StatefulSet), `empty`, or a multi-document YAML file.
    #[arg(long, default_value = "empty", value_name = "seed|empty|FILE")]
    pub scenario: String,
    /// Number of nodes (n1..nN) with simulated kubelets.
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    /// Spread the nodes over these zones in turn (topology.kubernetes.io/zone and /region), e.g. a,b,c.
    #[arg(long, value_delimiter = ',', value_name = "ZONE,...")]
    pub zones: Vec<String>,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write a kubeconfig for the simulated cluster to this path.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Node-monitor grace period before a silent node becomes Unknown (kube-controller-manager default 50s).
    #[arg(long, default_value = "50s", value_parser = parse_duration)]
    pub node_grace: Duration,
    /// Default not-ready/unreachable toleration added to pods (default 300s).
    #[arg(long, default_value = "300s", value_parser = parse_duration)]
    pub toleration: Duration,
    /// The attach/detach controller's forced detach from an unhealthy node (6m upstream).
    #[arg(long, default_value = "6m", value_parser = parse_duration)]
    pub force_detach_after: Duration,
    /// Speed-up for delays no object records (pod start, container stop).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Inject failures: VERB:RESOURCE:STATUS[:TIMES], e.g. list:pods:503:2 (repeatable; * matches any).
    #[arg(long, value_name = "VERB:RESOURCE:STATUS[:TIMES]", value_parser = kube_sim::Fault::parse)]
    pub fault: Vec<kube_sim::Fault>,
    /// Delay every request by this much (e.g. 200ms).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub latency: Option<Duration>,
    /// End every watch stream after this many events.
    #[arg(long, value_name = "N")]
    pub cut_watch_after: Option<usize>,
    /// Serve HTTPS (a CA is generated and written into the kubeconfig); kubectl sends tokens only over TLS.
    #[arg(long)]
    pub tls: bool,
    /// Accept this bearer token for USER (repeatable; the first goes into the kubeconfig).
    #[arg(long, value_name = "TOKEN:USER", value_parser = parse_pair)]
    pub token: Vec<(String, String)>,
    /// Deny USER the VERB on RESOURCE with 403 (repeatable), e.g. alice:list:nodes.
    #[arg(long, value_name = "USER:VERB:RESOURCE", value_parser = parse_triple)]
    pub deny: Vec<(String, String, String)>,
    /// Refuse requests without a token (401) instead of treating them as system:anonymous.
    #[arg(long)]
    pub no_anonymous: bool,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum SimCommand {
    /// Run the simulated cluster's nodes against a real API server until interrupted: kubelets
    /// (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the
    /// `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and
    /// resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control
    /// plane's own controllers (StatefulSet, scheduler, PV binder, attach/detach, node
    /// lifecycle …) must run there. Writes as the kubeconfig's user (an admin: the nodes do
    /// not authenticate as `system:node:<name>`).
    Nodes(NodesArgs),
}

#[derive(Debug, Clone, Args)]
pub struct NodesArgs {
    /// Number of nodes (n1..nN).
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    /// Zones the nodes are spread over in turn: a count (2: zone-a, zone-b) or names (a,b,c).
    #[arg(long, value_delimiter = ',', value_name = "N|ZONE,...")]
    pub zones: Vec<String>,
    /// Node Lease renew interval (the kubelet's default 10s; keep it well within the
    /// controller manager's --node-monitor-grace-period).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub lease_renew: Duration,
    /// Speed-up for delays no object records (pod start, container stop).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
}

/// `--zones 2` → zone-a, zone-b; names are kept.
fn zone_names(zones: &[String]) -> Vec<String> {
    match zones {
        [n] if n.parse::<usize>().is_ok_and(|n| (1..=26).contains(&n)) => {
            (0..n.parse::<u8>().unwrap_or(0))
                .map(|i| format!("zone-{}", (b'a' + i) as char))
                .collect()
        }
        _ => zones.to_vec(),
    }
}

/// `kubectl-sts sim nodes`: the node agents against the cluster of a kubeconfig (`--kubeconfig`
/// or kubectl's own choice) and context, which `cli` hands in (this module sits below it).
pub async fn run_nodes(
    kubeconfig: Option<&std::path::Path>,
    context: Option<String>,
    a: &NodesArgs,
) -> Result<(), Error> {
    if a.speed.is_nan() || a.speed <= 0.0 {
        return Err(Error::usage("--speed must be greater than 0"));
    }
    let zones = zone_names(&a.zones);
    if let Some(z) = zones.iter().find(|z| !valid_label_value(z)) {
        return Err(Error::usage(format!(
            "--zones: {z:?} is not a valid label value"
        )));
    }
    let opts = kube::config::KubeConfigOptions {
        context,
        ..Default::default()
    };
    let config = match kubeconfig {
        Some(p) => {
            let kc = kube::config::Kubeconfig::read_from(p).map_err(|e| {
                Error::usage(format!("cannot read kubeconfig {}: {e}", p.display()))
            })?;
            kube::Config::from_custom_kubeconfig(kc, &opts).await
        }
        None => kube::Config::from_kubeconfig(&opts).await,
    }
    .map_err(|e| Error::usage(format!("kubeconfig: {e}")))?;
    let server = config.cluster_url.to_string();
    let spec = kube_sim::agents::AgentSpec {
        nodes: a.nodes,
        zones,
        config: SimConfig {
            speed: a.speed,
            lease_renew: a.lease_renew,
            ..SimConfig::default()
        },
    };
    // the agents block (their own runtime and thread)
    let agents = tokio::task::spawn_blocking(move || kube_sim::agents::Agents::start(config, spec))
        .await
        .map_err(|e| Error::Api(e.to_string()))?
        .map_err(|e| {
            Error::Api(format!(
                "cannot start the node agents against {server}: {e}"
            ))
        })?;
    emit(|w| {
        writeln!(
            w,
            "node agents running against {server}: {}",
            agents.nodes.join(", ")
        )
    })?;
    shutdown_signal().await;
    tokio::task::spawn_blocking(move || drop(agents))
        .await
        .map_err(|e| Error::Api(e.to_string()))?;
    Ok(())
}

/// A label value as apimachinery's IsValidLabelValue accepts it (empty excluded: a zone needs a name).
fn valid_label_value(v: &str) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c))
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok((a.into(), b.into())),
        _ => Err(format!("expected TOKEN:USER, got {s:?}")),
    }
}

fn parse_triple(s: &str) -> Result<(String, String, String), String> {
    let p: Vec<&str> = s.split(':').collect();
    match p.as_slice() {
        [u, v, r] if !u.is_empty() && !v.is_empty() && !r.is_empty() => {
            Ok((u.to_string(), v.to_string(), r.to_string()))
        }
        _ => Err(format!("expected USER:VERB:RESOURCE, got {s:?}")),
    }
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Speed-up for delays no object records (pod start, container stop); timings objects record stay real.
    #[arg(long, default_value_t = 5.0)]
    pub speed: f64,
}

pub async fn run_demo(a: &DemoArgs, style: Style) -> Result<ExitCode, Error> {
    if a.speed.is_nan() || a.speed <= 0.0 {
        return Err(Error::usage("--speed must be greater than 0"));
    }
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    crate::demo::run(&mut lock, a.speed, style)
        .await
        .map(|_| ExitCode::Ok)
}

pub async fn run_sim(args: &SimArgs) -> Result<(), Error> {
    let scenario = match args.scenario.as_str() {
        "seed" => Scenario::seed(args.nodes),
        "empty" => Scenario {
            nodes: args.nodes,
            objects: vec![],
        },
        path => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::usage(format!("cannot read scenario {path}: {e}")))?;
            Scenario::from_yaml(&text, args.nodes)
                .map_err(|e| Error::usage(format!("{path}: {e}")))?
        }
    };
    if args.speed.is_nan() || args.speed <= 0.0 {
        return Err(Error::usage("--speed must be greater than 0"));
    }
    if let Some(z) = args.zones.iter().find(|z| !valid_label_value(z)) {
        return Err(Error::usage(format!(
            "--zones: {z:?} is not a valid label value (at most 63 characters: letters, digits, '-', '_', '.', beginning and ending with a letter or digit)"
        )));
    }
    let config = SimConfig {
        speed: args.speed,
        node_monitor_grace: args.node_grace,
        toleration_seconds: args.toleration.as_secs() as i64,
        force_detach_after: args.force_detach_after,
        // kubelets renew well within the grace (10s against 50s upstream; 2s in golden's 8s drill)
        lease_renew: (args.node_grace / 4).min(Duration::from_secs(10)),
        tls: args.tls,
        tokens: args.token.clone(),
        deny: args.deny.clone(),
        anonymous_auth: !args.no_anonymous,
        zones: args.zones.clone(),
        ..SimConfig::default()
    };
    let server = SimServer::start_scenario(&scenario, config, args.port)
        .await
        .map_err(|e| {
            let msg = format!(
                "cannot start the simulated cluster on 127.0.0.1:{}: {e}",
                args.port
            );
            // Other: the scenario's objects were refused; else the port could not be bound
            if e.kind() == std::io::ErrorKind::Other {
                Error::Usage(msg)
            } else {
                Error::Api(msg)
            }
        })?;
    {
        let mut f = server.sim.faults.lock().unwrap_or_else(|e| e.into_inner());
        f.faults = args.fault.clone();
        f.latency = args.latency.unwrap_or_default();
        f.cut_watch_after = args.cut_watch_after;
    }
    let path = args.kubeconfig_out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("kubectl-sts-sim-{}.kubeconfig", server.addr.port()))
    });
    server
        .write_kubeconfig(&path)
        .map_err(|e| Error::usage(format!("cannot write kubeconfig {}: {e}", path.display())))?;
    emit(|w| {
        writeln!(w, "simulated cluster serving on {}", server.url())?;
        writeln!(w, "export KUBECONFIG={}", path.display())
    })?;
    shutdown_signal().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        if let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::valid_label_value;

    #[test]
    fn zone_names_are_label_values() {
        for ok in ["a", "eu-west-1a", "zone_1.b", "Z9"] {
            assert!(valid_label_value(ok), "{ok}");
        }
        let long = "a".repeat(64);
        for bad in ["", "-a", "a-", "a b", "a/b", long.as_str()] {
            assert!(!valid_label_value(bad), "{bad:?}");
        }
    }
}
