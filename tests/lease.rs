//! A StatefulSet's disruption Lease (`coordination.k8s.io/v1 kubectl-sts.<set>`): every command
//! that takes a pod of a set down takes it first, waits (bounded by `--timeout`) while another
//! kubectl-sts process holds it, judges expiry by observation (clock-skew tolerant, as
//! client-go's leader election), refuses naming the holder and the break-glass, and releases it
//! at the end. Holders are played here by the test (a Lease it writes and renews, with a clock
//! of its own) and by real processes of the tool (`drain` module's concurrency tests).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{Cluster, Sts, Tool};

pub const HOLDER: &str = "them@elsewhere:4242:0000beef";

/// A MicroTime `offset` seconds from this machine's now (a holder's clock that is off).
pub fn micro(offset: i64) -> String {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(offset))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Writes the set's Lease as another process holding it would: `holder`, its
/// `leaseDurationSeconds`, its renewTime on a clock `offset` seconds off.
pub fn hold_lease(c: &Cluster, set: &str, holder: &str, duration: i64, offset: i64) {
    c.apply(&format!(
        "apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: kubectl-sts.{set}
  annotations:
    kubectl-sts.io/purpose: a test playing another kubectl-sts process
spec:
  holderIdentity: {holder}
  leaseDurationSeconds: {duration}
  acquireTime: \"{t}\"
  renewTime: \"{t}\"
",
        t = micro(offset)
    ));
}

/// Renews the set's Lease every 500 ms with a renewTime `offset` seconds off this machine's
/// clock, until the flag is dropped (set).
pub struct Renewing(Arc<AtomicBool>, Option<std::thread::JoinHandle<()>>);

impl Drop for Renewing {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
        if let Some(h) = self.1.take() {
            let _ = h.join();
        }
    }
}

pub fn renewing(c: &Cluster, set: &str, offset: i64) -> Renewing {
    let k = c.kubectl_handle();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let name = format!("kubectl-sts.{set}");
    let handle = std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            let patch = format!("{{\"spec\":{{\"renewTime\":\"{}\"}}}}", micro(offset));
            k.run(&["patch", "lease", &name, "--type", "merge", "-p", &patch]);
            std::thread::sleep(Duration::from_millis(500));
        }
    });
    Renewing(stop, Some(handle))
}

pub fn lease_exists(c: &Cluster, set: &str) -> bool {
    c.kubectl(&["get", "lease", &format!("kubectl-sts.{set}")])
        .code
        == 0
}

fn replicas(c: &Cluster) -> String {
    c.jsonpath(&["get", "statefulset", "flask"], "{.spec.replicas}")
}

fn flask(c: &Cluster) -> Option<()> {
    let class = c.class_or_skip("network")?;
    Sts {
        class: &class,
        ..Default::default()
    }
    .deploy(c, 120);
    Some(())
}

/// A holder whose clock is 5 minutes behind and which keeps renewing: a waiter that compared
/// renewTime with its own clock would take the Lease at once; it must wait for it (and refuse at
/// --timeout, nothing scaled). The same holder, its clock now 5 minutes ahead, stops renewing:
/// a waiter judging by time would wait 5 minutes; it takes the Lease after the holder's 3 s.
#[test]
fn a_holder_whose_clock_is_five_minutes_off_neither_lets_a_waiter_in_early_nor_makes_it_wait_forever(
) {
    let c = Cluster::fast("lease-skew", 2);
    if flask(&c).is_none() {
        return;
    }
    hold_lease(&c, "flask", HOLDER, 3, -300);
    let renewer = renewing(&c, "flask", -300);
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "2",
        "--timeout",
        "8s",
        "-o",
        "json",
    ]);
    drop(renewer);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Refused", "{d}");
    assert_eq!(d["blockers"][0]["code"], "DisruptionLeaseHeld", "{d}");
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.contains(&format!("is being disrupted by {HOLDER}")),
        "{msg}"
    );
    assert!(msg.contains(&format!("--break-lease {HOLDER}")), "{msg}");
    assert_eq!(replicas(&c), "3", "nothing scaled while it was held");
    assert!(
        lease_exists(&c, "flask"),
        "someone else's Lease is left alone"
    );

    // its clock 5 minutes ahead, silent from now on
    let patch = format!("{{\"spec\":{{\"renewTime\":\"{}\"}}}}", micro(300));
    c.kubectl_ok(&[
        "patch",
        "lease",
        "kubectl-sts.flask",
        "--type",
        "merge",
        "-p",
        &patch,
    ]);
    let started = Instant::now();
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "2",
        "--timeout",
        "90s",
        "-o",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "taken after the holder's duration, not its clock's 5 minutes"
    );
    assert!(
        out.stderr
            .contains(&format!("held by {HOLDER} (a test playing another kubectl-sts process) was not renewed for 3s (as seen from here): its process is gone; taken over")),
        "{}",
        out.stderr
    );
    assert_eq!(replicas(&c), "2");
    assert!(!lease_exists(&c, "flask"), "released at the end");
}

/// `--break-lease HOLDER` takes the Lease over at once, but only from the holder it names: naming
/// another makes the command wait and refuse as without it. A rollout refuses the same way while
/// the Lease is held; a dry run neither waits nor writes it.
#[test]
fn break_lease_takes_over_only_from_the_holder_named() {
    let c = Cluster::fast("lease-break", 2);
    if flask(&c).is_none() {
        return;
    }
    // an hour's duration, never renewed: a crashed process with a long lease
    hold_lease(&c, "flask", HOLDER, 3600, 0);
    let dry = c.sts(&["scale", "flask", "--replicas", "2", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let restart = c.sts(&[
        "rollout",
        "restart",
        "flask",
        "--timeout",
        "3s",
        "-o",
        "json",
    ]);
    assert_eq!(restart.code, 4, "{}\n{}", restart.stdout, restart.stderr);
    assert_eq!(restart.json()["blockers"][0]["code"], "DisruptionLeaseHeld");
    let wrong = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "2",
        "--timeout",
        "3s",
        "--break-lease",
        "someone@else:1:00000001",
    ]);
    assert_eq!(wrong.code, 4, "{}", wrong.stderr);
    assert!(wrong.stderr.contains(HOLDER), "{}", wrong.stderr);
    assert_eq!(replicas(&c), "3");
    let out = c.sts(&[
        "scale",
        "flask",
        "--replicas",
        "2",
        "--timeout",
        "90s",
        "--break-lease",
        HOLDER,
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "took the disruption lease of statefulset {}/flask over from {HOLDER}",
            c.namespace
        )),
        "{}",
        out.stderr
    );
    assert_eq!(replicas(&c), "2");
    assert!(!lease_exists(&c, "flask"), "released at the end");
}
