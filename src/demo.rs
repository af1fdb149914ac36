//! `kubectl-sts demo`: the seed articles' story on a simulated cluster, told
//! with the tool's real commands (the inspect code path, the API client).

use std::io::Write;
use std::time::{Duration, Instant};

use crate::cluster::{Cluster, ConnectOptions};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::model::health::OUT_OF_SERVICE;
use crate::model::inspect::{inspect, InspectOptions};
use crate::progress::Progress;
use crate::render::{self, Style};
use kube_sim::controllers::kubelet::POWER_ANNOTATION;
use kube_sim::{Scenario, SimConfig, SimServer};

const NS: &str = "default";
const SET: &str = "flask";

pub struct Demo<'w> {
    out: &'w mut dyn Write,
    cluster: Cluster,
    style: Style,
    started: Instant,
}

/// A step of the story that did not end well ends the demo with that step's exit code.
fn step_failed(code: ExitCode, message: &str) -> Error {
    let message = format!("demo: {message}");
    match code {
        ExitCode::Refused => Error::Refused(message),
        ExitCode::TimedOut => Error::TimedOut(message),
        _ => Error::Api(message),
    }
}

fn io(e: std::io::Error) -> Error {
    Error::api(format!("cannot write output: {e}"))
}

/// The seed lab with claims on the `network` class, so the dead-node step can recover.
fn scenario() -> Scenario {
    let mut s = Scenario::seed(3);
    for o in s.objects.iter_mut().filter(|o| o["kind"] == "StatefulSet") {
        for t in o["spec"]["volumeClaimTemplates"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            t["spec"]["storageClassName"] = serde_json::json!("network");
        }
    }
    s
}

pub async fn run(out: &mut dyn Write, speed: f64, style: Style) -> Result<(), Error> {
    // golden's drill timings: what objects record stays real, only invisible delays shrink
    let config = SimConfig {
        speed,
        ..SimConfig::drill()
    };
    let server = SimServer::start_scenario(&scenario(), config, 0)
        .await
        .map_err(|e| Error::api(format!("cannot start the simulated cluster: {e}")))?;
    let dir = std::env::temp_dir().join(format!("kubectl-sts-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::api(format!("cannot create {}: {e}", dir.display())))?;
    let kubeconfig = dir.join("kubeconfig");
    server
        .write_kubeconfig(&kubeconfig)
        .map_err(|e| Error::api(format!("cannot write {}: {e}", kubeconfig.display())))?;
    let cluster = Cluster::connect(&ConnectOptions {
        kubeconfig: Some(kubeconfig.clone()),
        ..Default::default()
    })
    .await?;
    let mut d = Demo {
        out,
        cluster,
        style,
        started: Instant::now(),
    };
    let r = d.story(&server.url(), &kubeconfig).await;
    let _ = std::fs::remove_dir_all(&dir);
    r
}

impl Demo<'_> {
    fn say(&mut self, text: &str) -> Result<(), Error> {
        writeln!(
            self.out,
            "\n[{:>5.1}s] ==> {text}",
            self.started.elapsed().as_secs_f64()
        )
        .map_err(io)
    }

    fn note(&mut self, text: &str) -> Result<(), Error> {
        writeln!(self.out, "    {text}").map_err(io)
    }

    async fn show(&mut self) -> Result<crate::model::inspect::Inspection, Error> {
        writeln!(self.out, "$ kubectl sts inspect {SET}").map_err(io)?;
        let snap = self.cluster.snapshot(NS, SET).await?;
        let ins = inspect(&snap, &InspectOptions::default());
        render::inspection(self.out, &ins, false, self.style).map_err(io)?;
        Ok(ins)
    }

    /// Polls the inspection until `done` holds (fails after `secs`).
    async fn until(
        &mut self,
        secs: u64,
        what: &str,
        done: impl Fn(&crate::model::inspect::Inspection) -> bool,
    ) -> Result<(), Error> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let snap = self.cluster.snapshot(NS, SET).await?;
            if done(&inspect(&snap, &InspectOptions::default())) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(Error::timed_out(format!(
                    "demo: timed out waiting for {what}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The guarded scale, its progress lines in the story.
    async fn scale(&mut self, replicas: i64) -> Result<(), Error> {
        let opts = crate::ops::scale::ScaleOptions {
            name: SET.into(),
            replicas,
            timeout: Duration::from_secs(120),
            dry_run: false,
            allow_claim_deletion: false,
            current_replicas: None,
            max_steps: crate::ops::scale::DEFAULT_MAX_STEPS,
        };
        let leases = crate::ops::lease::Leases::new(
            &self.cluster,
            crate::ops::lease::LeaseOptions::new(format!("kubectl sts scale to {replicas} (demo)")),
        );
        let report = crate::ops::scale::run(
            &self.cluster,
            NS,
            &opts,
            &leases,
            &mut Progress::plain(Box::new(&mut *self.out)),
        )
        .await;
        leases.release_all().await;
        let report = report?;
        self.note(&report.message)?;
        if report.exit_code() != ExitCode::Ok {
            return Err(step_failed(report.exit_code(), &report.message));
        }
        Ok(())
    }

    async fn story(&mut self, url: &str, kubeconfig: &std::path::Path) -> Result<(), Error> {
        self.say(&format!(
            "A simulated cluster is serving on {url} (3 nodes; try it: export KUBECONFIG={})",
            kubeconfig.display()
        ))?;
        self.note("It holds the seed lab: headless Service flask + StatefulSet flask (3 replicas, minReadySeconds 10), claims on class 'network'.")?;
        self.say("Ordered rollout: flask-0, then flask-1, then flask-2, each once the previous is Ready for 10s")?;
        self.until(120, "3 ready pods", |i| {
            i.replicas.ready == 3
                && i.rows
                    .iter()
                    .all(|r| r.pod.as_ref().is_some_and(|p| p.ready))
        })
        .await?;
        self.show().await?;

        self.say("Stable identity: kubectl delete pod flask-1")?;
        let old = self
            .cluster
            .get_pod(NS, "flask-1")
            .await?
            .and_then(|p| p.metadata.uid)
            .unwrap_or_default();
        let claim_volume =
            |i: &crate::model::inspect::Inspection| i.rows[1].volumes[0].volume.clone();
        let before = claim_volume(&inspect(
            &self.cluster.snapshot(NS, SET).await?,
            &InspectOptions::default(),
        ));
        self.cluster.delete_pod(NS, "flask-1", None).await?;
        let old2 = old.clone();
        // available, not just Ready: minReadySeconds is 10s here, and scale waits for it as the
        // controller does
        self.until(60, "a new flask-1, available", move |i| {
            i.rows[1]
                .pod
                .as_ref()
                .is_some_and(|p| p.uid != old2 && p.ready)
                && i.replicas.available == 3
        })
        .await?;
        let ins = self.show().await?;
        self.note(&format!(
            "flask-1 is back with a new uid, the same name, the same claim www-flask-1 and the same volume ({}).",
            if claim_volume(&ins) == before { "unchanged" } else { "CHANGED" }
        ))?;

        self.say("Guarded scale: kubectl sts scale flask --replicas 1 (one pod at a time, highest first; every pod Ready and available before and after each step)")?;
        self.scale(1).await?;
        self.show().await?;
        self.say("Scale up: kubectl sts scale flask --replicas 3 (flask-1 and flask-2 come back on their retained claims)")?;
        self.scale(3).await?;
        self.until(90, "3 ready again", |i| {
            i.replicas.ready == 3
                && i.rows
                    .iter()
                    .all(|r| r.pod.as_ref().is_some_and(|p| p.ready))
        })
        .await?;

        let node = self
            .cluster
            .get_pod(NS, "flask-1")
            .await?
            .and_then(|p| p.spec.and_then(|s| s.node_name))
            .unwrap_or_default();
        self.say(&format!(
            "A node dies: {node} (where flask-1 runs) loses power"
        ))?;
        self.cluster
            .patch_node(
                &node,
                serde_json::json!({"metadata": {"annotations": {POWER_ANNOTATION: "off"}}}),
            )
            .await?;
        self.note("After the node-monitor grace (8s here, 50s by default) the node is Unknown and tainted unreachable;")?;
        self.note("after the pods' toleration (10s here, 300s by default) flask-1 is evicted... and stays Terminating.")?;
        self.until(90, "flask-1 Terminating on the dead node", |i| {
            i.rows[1].pod.as_ref().is_some_and(|p| p.terminating)
                && i.rows[1].node.as_ref().is_some_and(|n| n.is_dead())
        })
        .await?;
        self.show().await?;
        self.note("No replacement is created while the old pod object exists: StatefulSets never run two pods with one identity.")?;

        self.say("kubectl sts force-delete flask-1 --dry-run: is a grace-0 delete safe, and what would the replacement meet?")?;
        let opts = crate::ops::force_delete::ForceDeleteOptions {
            pod: "flask-1".into(),
            yes: false,
            dry_run: true,
            // the drill declares a node dead after 8s of silence (50s by default; the tool's default is 40s)
            silence: Duration::from_secs(5),
            wait: false,
            timeout: Duration::from_secs(60),
        };
        let mut nothing = crate::ops::force_delete::NoTerminal;
        let report = crate::ops::force_delete::run(
            &self.cluster,
            NS,
            &opts,
            &mut nothing,
            &mut Progress::plain(Box::new(&mut *self.out)),
        )
        .await?;
        self.note(&report.message)?;
        for e in &report.eligibility.evidence {
            self.note(e)?;
        }
        for w in &report.warnings {
            self.note(&format!("warning: {w}"))?;
        }
        if report.exit_code() != ExitCode::Ok {
            return Err(step_failed(report.exit_code(), &report.message));
        }
        self.note("A force delete would free the name, but the replacement would wait ~6 minutes for the forced detach.")?;

        self.say(&format!("kubectl sts recover flask-1 --yes --node-is-off {node}: the fastest safe path for this pod's volume, followed to the end (the taint asserts the machine is off, so it is named)"))?;
        let opts = crate::ops::recover::RecoverOptions {
            pod: "flask-1".into(),
            yes: true,
            dry_run: false,
            silence: Duration::from_secs(5),
            pinned: crate::model::recover::PinnedChoice::None,
            node_is_off: Some(node.clone()),
            timeout: Duration::from_secs(120),
        };
        let journal = crate::ops::Journal::default();
        let report = crate::ops::recover::run(
            &self.cluster,
            NS,
            &opts,
            &mut nothing,
            &mut Progress::plain(Box::new(&mut *self.out)),
            &journal,
        )
        .await?;
        for d in report.details() {
            self.note(&d)?;
        }
        self.note(&report.message)?;
        if report.exit_code() != ExitCode::Ok {
            return Err(step_failed(report.exit_code(), &report.message));
        }
        self.show().await?;
        self.note(&format!("The {OUT_OF_SERVICE} taint let the volume be detached at once, and the replacement runs elsewhere."))?;

        self.say(&format!("The node returns: {node} is powered on"))?;
        self.cluster
            .patch_node(
                &node,
                serde_json::json!({"metadata": {"annotations": {POWER_ANNOTATION: "on"}}}),
            )
            .await?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let n = self.cluster.get_node(&node).await?;
            let h = crate::model::health::node_health(&n, jiff::Timestamp::now());
            if !h.is_dead() && !h.unreachable {
                break;
            }
            if Instant::now() > deadline {
                return Err(Error::timed_out(format!(
                    "demo: timed out waiting for {node} to be Ready"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.say(&format!(
            "kubectl sts release-node {node}: only now that it is back"
        ))?;
        let released =
            crate::ops::recover::release(&self.cluster, &node, Duration::from_secs(5), false)
                .await?;
        self.note(&released.message)?;
        if released.exit_code() != ExitCode::Ok {
            return Err(step_failed(released.exit_code(), &released.message));
        }
        self.note(&format!(
            "{node} is Ready again and its taints are gone; flask-1 stays where it now runs."
        ))?;
        self.show().await?;
        self.say("Done: every ordinal Ready, each on its own claim and volume, reachable at its stable DNS name.")
    }
}
