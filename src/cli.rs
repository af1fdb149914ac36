//! Command-line interface: clap types and dispatch to the commands.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::exit::{ExitCode, Failure};
use crate::sim::{Scenario, SimConfig, SimServer};

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-sts",
    version,
    about = "Inspect and operate Kubernetes StatefulSets",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a simulated Kubernetes API server on 127.0.0.1 (for tests, demos and rehearsals).
    Sim(SimArgs),
}

#[derive(Debug, clap::Args)]
pub struct SimArgs {
    /// What the cluster starts with: `seed` (the lab's Service + StatefulSet), `empty`, or a multi-document YAML file.
    #[arg(long, default_value = "empty", value_name = "seed|empty|FILE")]
    pub scenario: String,
    /// Number of nodes (n1..nN) with simulated kubelets.
    #[arg(long, default_value_t = 3)]
    pub nodes: usize,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write a kubeconfig for the simulated cluster to this path.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Node-monitor grace period before a silent node becomes Unknown (kube-controller-manager default 50s).
    #[arg(long, default_value = "50s", value_parser = parse_duration)]
    pub node_grace: std::time::Duration,
    /// Default not-ready/unreachable toleration added to pods (default 300s).
    #[arg(long, default_value = "300s", value_parser = parse_duration)]
    pub toleration: std::time::Duration,
    /// The attach/detach controller's forced detach from an unhealthy node (6m upstream).
    #[arg(long, default_value = "6m", value_parser = parse_duration)]
    pub force_detach_after: std::time::Duration,
    /// Speed-up for delays no object records (pod start, container stop).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    crate::sim::config::parse_duration(s)
}

/// Parses arguments and runs; returns the process exit code.
pub fn main_with_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                ExitCode::Usage.code()
            } else {
                0
            };
            let _ = e.print();
            return code;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::Api.code();
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => 0,
        Err(f) => {
            eprintln!("error: {}", f.message);
            f.code.code()
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Sim(args) => run_sim(args).await,
    }
}

async fn run_sim(args: SimArgs) -> Result<(), Failure> {
    let scenario = match args.scenario.as_str() {
        "seed" => Scenario::seed(args.nodes),
        "empty" => Scenario {
            nodes: args.nodes,
            objects: vec![],
        },
        path => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::new(ExitCode::Usage, format!("cannot read scenario {path}: {e}"))
            })?;
            Scenario::from_yaml(&text, args.nodes)
                .map_err(|e| Failure::new(ExitCode::Usage, format!("{path}: {e}")))?
        }
    };
    if args.speed.is_nan() || args.speed <= 0.0 {
        return Err(Failure::new(
            ExitCode::Usage,
            "--speed must be greater than 0",
        ));
    }
    let config = SimConfig {
        speed: args.speed,
        node_monitor_grace: args.node_grace,
        toleration_seconds: args.toleration.as_secs() as i64,
        force_detach_after: args.force_detach_after,
        // kubelets renew well within the grace (10s against 50s upstream; 2s in golden's 8s drill)
        lease_renew: (args.node_grace / 4).min(std::time::Duration::from_secs(10)),
        ..SimConfig::default()
    };
    let server = SimServer::start_scenario(&scenario, config, args.port)
        .await
        .map_err(|e| {
            let code = if e.kind() == std::io::ErrorKind::Other {
                ExitCode::Usage
            } else {
                ExitCode::Api
            };
            Failure::new(
                code,
                format!(
                    "cannot start the simulated cluster on 127.0.0.1:{}: {e}",
                    args.port
                ),
            )
        })?;
    let path = args.kubeconfig_out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("kubectl-sts-sim-{}.kubeconfig", server.addr.port()))
    });
    server.write_kubeconfig(&path).map_err(|e| {
        Failure::new(
            ExitCode::Usage,
            format!("cannot write kubeconfig {}: {e}", path.display()),
        )
    })?;
    let mut out = std::io::stdout();
    let _ = writeln!(out, "simulated cluster serving on {}", server.url());
    let _ = writeln!(out, "export KUBECONFIG={}", path.display());
    let _ = out.flush();
    shutdown_signal().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
