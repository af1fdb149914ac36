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

/// `kubectl sts scale flask --replicas 2` and `extra`.
fn scale_to_2(c: &Cluster, extra: &[&str]) -> crate::harness::Out {
    c.sts(&[&["scale", "flask", "--replicas", "2"], extra].concat())
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
    let out = scale_to_2(&c, &["--timeout", "8s", "-o", "json"]);
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
    let out = scale_to_2(&c, &["--timeout", "90s", "-o", "json"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "taken after the holder's duration, not its clock's 5 minutes"
    );
    assert!(
        out.stderr.contains(&format!(
            "held by {HOLDER} (a test playing another kubectl-sts process) was not renewed for "
        )),
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
    let dry = scale_to_2(&c, &["--dry-run"]);
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
    let wrong = scale_to_2(
        &c,
        &[
            "--timeout",
            "3s",
            "--break-lease",
            "someone@else:1:00000001",
        ],
    );
    assert_eq!(wrong.code, 4, "{}", wrong.stderr);
    assert!(wrong.stderr.contains(HOLDER), "{}", wrong.stderr);
    assert_eq!(replicas(&c), "3");
    let out = scale_to_2(&c, &["--timeout", "90s", "--break-lease", HOLDER]);
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

fn node_of(c: &Cluster, pod: &str) -> String {
    c.jsonpath(&["get", "pod", pod], "{.spec.nodeName}")
}

fn unschedulable(c: &Cluster, node: &str) -> bool {
    c.jsonpath(&["get", "node", node], "{.spec.unschedulable}") == "true"
}

fn flask_pods() -> Vec<String> {
    (0..3).map(|i| format!("flask-{i}")).collect()
}

/// flask (3 replicas, network volumes, `min_ready` seconds) with flask-1 and flask-2 on two
/// nodes of their own: those nodes; None (after saying why) where that cannot be had.
fn flask_apart(c: &Cluster, min_ready: i64) -> Option<(String, String)> {
    let class = c.class_or_skip("network")?;
    Sts {
        class: &class,
        min_ready,
        ..Default::default()
    }
    .deploy(c, 180);
    let (a, b) = (node_of(c, "flask-1"), node_of(c, "flask-2"));
    if a == b || node_of(c, "flask-0") == a || node_of(c, "flask-0") == b {
        // the simulator spreads them one per node; a real scheduler may not
        crate::harness::skip("needs flask-0, flask-1 and flask-2 on three nodes");
        return None;
    }
    Some((a, b))
}

/// A 3-node cluster for `test` with flask apart ([`flask_apart`]): it, and the nodes of flask-1
/// and flask-2.
fn three_nodes(test: &str, min_ready: i64) -> Option<(Cluster, String, String)> {
    let c = Cluster::fast(test, 3);
    if !c.require_ready_nodes(3) {
        return None;
    }
    let (a, b) = flask_apart(&c, min_ready)?;
    Some((c, a, b))
}

/// Every request of the simulated API server this slow (nothing on a real cluster).
fn slow(c: &Cluster, by: Duration) {
    if let Some(sim) = c.sim() {
        sim.faults.lock().unwrap().latency = by;
    }
}

/// `kubectl sts drain NODE` as the tests run it.
fn drain_args(node: &str) -> [&str; 7] {
    [
        "drain",
        node,
        "--ignore-daemonsets",
        "--timeout",
        "180s",
        "-o",
        "json",
    ]
}

/// How a process the test started ended.
fn finished(child: std::process::Child) -> crate::harness::Out {
    child.wait_with_output().expect("collect").into()
}

fn heartbeat_on(c: &Cluster, node: &str) -> String {
    c.jsonpath(
        &["get", "node", node],
        "{.metadata.annotations.kubectl-sts\\.io/drain-heartbeat}",
    )
}

/// The reproduction: two `kubectl sts drain` processes on the nodes of flask-1 and
/// flask-2, started together, no PodDisruptionBudget, every request 300 ms slow. Each reads the
/// set healthy; without the Lease both evicted in the same second. With it the second waits for
/// the first's Lease, and the pod watch never shows two of the set down. Each drain warns that
/// nothing holds other tools back (no budget: STS022).
#[test]
fn two_drains_of_nodes_holding_pods_of_one_set_never_take_two_down() {
    // both replacements go to flask-0's node, the one left schedulable
    let Some((c, a, b)) = three_nodes("lease-two-drains", 0) else {
        return;
    };
    slow(&c, Duration::from_millis(300));
    let watch = c.watch_pods(Some("app=flask"));
    let first = c.sts_spawn(&drain_args(&a));
    let second = c.sts_spawn(&drain_args(&b));
    let (first, second) = (finished(first), finished(second));
    slow(&c, Duration::ZERO);
    let log = watch.stop();
    for out in [&first, &second] {
        assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
        let d = out.json();
        assert_eq!(d["outcome"], "Drained", "{d}");
        let warned = d["warnings"].as_array().unwrap();
        assert!(
            warned
                .iter()
                .any(|w| w.as_str().unwrap().contains("has no PodDisruptionBudget")),
            "{d}"
        );
    }
    let waited = [&first, &second]
        .iter()
        .filter(|o| o.stderr.contains("the disruption lease of statefulset"))
        .count();
    assert!(
        waited >= 1,
        "one drain waited for the other's Lease:\n{}\n{}",
        first.stderr,
        second.stderr
    );
    let most = crate::harness::most_down_in_one_set(&log, &flask_pods());
    assert_eq!(most, 1, "never two flask pods down at once:\n{log}");
    assert!(!lease_exists(&c, "flask"), "released at the end");
}

/// A drain that holds flask's Lease (waiting for flask-1's replacement, minReadySeconds 10) is
/// killed with SIGKILL: nothing releases its Lease. A second drain, on flask-2's node, waits
/// until the Lease has not changed for its duration (KUBECTL_STS_LEASE_DURATION=3s, the
/// documented knob) as seen from there, takes it over and goes on — after flask-1 is back. The
/// dead drain's heartbeat on its node is then stale: uncordon watches it, says so and goes on.
#[test]
fn a_holder_killed_with_sigkill_is_taken_over_once_its_lease_expires() {
    let Some((c, a, b)) = three_nodes("lease-sigkill", 10) else {
        return;
    };
    let short = [("KUBECTL_STS_LEASE_DURATION", "3s")];
    let watch = c.watch_pods(Some("app=flask"));
    let mut holder = c.sts_spawn_env(
        &["drain", &a, "--ignore-daemonsets", "--timeout", "120s"],
        &short,
    );
    let old = c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}");
    c.eventually(60, "flask-1 evicted by the first drain", || {
        (c.jsonpath(&["get", "pod", "flask-1"], "{.metadata.uid}") != old).then_some(())
    });
    assert!(lease_exists(&c, "flask"), "held while it waits for flask-1");
    holder.kill().expect("SIGKILL");
    let _ = holder.wait();
    let out = finished(c.sts_spawn_env(&drain_args(&b), &short));
    let log = watch.stop();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.json()["outcome"], "Drained");
    assert!(
        out.stderr
            .contains("(as seen from here): its process is gone; taken over"),
        "{}",
        out.stderr
    );
    let most = crate::harness::most_down_in_one_set(&log, &flask_pods());
    assert_eq!(most, 1, "never two flask pods down at once:\n{log}");
    assert!(!lease_exists(&c, "flask"), "released by the second drain");
    // the killed drain's heartbeat is still on its node, and no longer changes
    assert!(
        !heartbeat_on(&c, &a).is_empty(),
        "the killed drain's heartbeat stays"
    );
    let un = c.sts_env(&["uncordon", &a], &short);
    assert_eq!(un.code, 0, "{}\n{}", un.stdout, un.stderr);
    assert!(un.stdout.contains("that drain is gone"), "{}", un.stdout);
    assert!(!unschedulable(&c, &a));
}

/// Issue 34 item 4: while a drain runs, `kubectl sts uncordon` refuses (its heartbeat on the
/// node changes, as watched from there), and a plain `kubectl uncordon` under it stops the drain
/// (`Interfered`, the node no longer unschedulable) instead of evicting pods that could come back
/// onto the node. The drain takes its heartbeat with it.
#[test]
fn an_uncordon_under_a_running_drain_is_refused_or_stops_the_drain() {
    let c = Cluster::fast("lease-uncordon", 3);
    if !c.require_ready_nodes(3) {
        return;
    }
    let Some(node) = crate::drain::behind_a_closed_budget(&c) else {
        return;
    };
    let short = [("KUBECTL_STS_LEASE_DURATION", "3s")];
    let drain = c.sts_spawn_env(&drain_args(&node), &short);
    c.eventually(30, "the drain cordoned the node and beats", || {
        (unschedulable(&c, &node) && !heartbeat_on(&c, &node).is_empty()).then_some(())
    });
    let refused = c.sts_env(&["uncordon", &node, "-o", "json"], &short);
    assert_eq!(refused.code, 4, "{}\n{}", refused.stdout, refused.stderr);
    let d = refused.json();
    assert_eq!(d["outcome"], "Refused", "{d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("a kubectl sts drain is running on node/{node}")),
        "{d}"
    );
    assert!(unschedulable(&c, &node), "still cordoned");
    c.kubectl_ok(&["uncordon", &node]);
    let out = finished(drain);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Interfered", "{d}");
    assert!(
        d["message"].as_str().unwrap().contains(&format!(
            "node/{node} was uncordoned while it was being drained"
        )),
        "{d}"
    );
    assert_eq!(d["evictions"].as_array().unwrap().len(), 0, "{d}");
    let beat = heartbeat_on(&c, &node);
    assert!(beat.is_empty(), "the drain removed its heartbeat: {beat}");
}

/// Beside `kubectl drain` the Lease orders nothing (kubectl knows nothing of it): the set's
/// PodDisruptionBudget is the arbiter. kubectl drain on flask-2's node and kubectl-sts drain on
/// flask-1's, started together, budget `maxUnavailable: 1`, every request 300 ms slow: the pod
/// watch never shows two of flask down, and both drains end (kubectl-sts waits for what kubectl
/// drain took down instead of stopping).
#[test]
fn beside_kubectl_drain_the_budget_keeps_it_to_one_down() {
    let Some((c, a, b)) = three_nodes("lease-kubectl-drain", 0) else {
        return;
    };
    crate::harness::budget(&c, "flask", "flask", "maxUnavailable: 1");
    c.eventually(30, "the budget computed", || {
        (c.jsonpath(&["get", "pdb", "flask"], "{.status.disruptionsAllowed}") == "1").then_some(())
    });
    slow(&c, Duration::from_millis(300));
    let watch = c.watch_pods(Some("app=flask"));
    let ours = c.sts_spawn(&drain_args(&a));
    let theirs = c.kubectl_spawn(&[
        "drain",
        &b,
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "--timeout=180s",
    ]);
    let (ours, theirs) = (finished(ours), finished(theirs));
    slow(&c, Duration::ZERO);
    let log = watch.stop();
    assert_eq!(
        theirs.code, 0,
        "kubectl drain: {}\n{}",
        theirs.stdout, theirs.stderr
    );
    assert_eq!(ours.code, 0, "{}\n{}", ours.stdout, ours.stderr);
    assert_eq!(ours.json()["outcome"], "Drained");
    let most = crate::harness::most_down_in_one_set(&log, &flask_pods());
    assert_eq!(most, 1, "never two flask pods down at once:\n{log}");
}

/// After each eviction the drain reads the set again: a replica taken down beside it — by a
/// tool that knows nothing of the Lease, in the instant after the drain's eviction, where no
/// guard before the eviction could see it — stops the drain loudly (exit 4, naming the pod and
/// the two down) instead of following its replacement as if all were well. No budget: nothing
/// else holds that tool back (the drain's preflight says so).
#[test]
fn a_replica_taken_down_beside_a_drain_stops_it_loudly() {
    let c = Cluster::fast("lease-down-beside", 3);
    let Some(sim) = c
        .sim_or_skip(
            "taking a replica down in the instant after an eviction needs the simulated cluster",
        )
        .cloned()
    else {
        return;
    };
    let Some((a, b)) = flask_apart(&c, 0) else {
        return;
    };
    let ns = c.namespace.clone();
    let zero = node_of(&c, "flask-0");
    let flask_1 = || sim.get_kind("Pod", &ns, "flask-1");
    let old = flask_1().unwrap()["metadata"]["uid"].clone();
    // the drain's reads after its eviction come half a second later
    sim.faults.lock().unwrap().latency = Duration::from_millis(500);
    let drain = c.sts_spawn(&drain_args(&a));
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let evicted = flask_1().is_none_or(|p| {
            p["metadata"]["uid"] != old || !p["metadata"]["deletionTimestamp"].is_null()
        });
        if evicted {
            break;
        }
        assert!(Instant::now() < deadline, "flask-1 was never evicted");
        std::thread::sleep(Duration::from_millis(5));
    }
    // it takes flask-0 down for good: its node and the last one cordoned, so that its
    // replacement stays Pending while the drain reads the set
    for n in [&zero, &b] {
        sim.merge_patch(
            "Node",
            "",
            n,
            &serde_json::json!({"spec": {"unschedulable": true}}),
        )
        .expect("cordon");
    }
    sim.delete_kind("Pod", &ns, "flask-0", &Default::default())
        .expect("another tool deletes flask-0");
    let out = finished(drain);
    slow(&c, Duration::ZERO);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let d = out.json();
    assert_eq!(d["outcome"], "Interfered", "{d}");
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.starts_with(&format!("after evicting {ns}/flask-1, flask-0 ("))
            && msg.contains("is down too"),
        "{msg}"
    );
    assert!(msg.contains("2 pods of the set are down now"), "{msg}");
    assert_eq!(d["evictions"].as_array().unwrap().len(), 1, "{d}");
    assert!(unschedulable(&c, &a), "the node stays cordoned");
}
