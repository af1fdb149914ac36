//! What a command about one set reads: its lists do not grow with the replica count nor with
//! the rest of the cluster, and of the cluster-scoped kinds it GETs only what the set names
//! (continue pages, discovery and /version not counted; the kubelets' Summaries grow with
//! nodes, not replicas); measured on the simulator's request log.

use kube_sim::fixtures::rolled_out_statefulset;
use kube_sim::SimConfig;

use crate::harness::Cluster;
use crate::harness::Tool;

/// inspect's lists, and its GETs of cluster-scoped objects by name.
fn api_requests(c: &Cluster, name: &str) -> (Vec<String>, usize) {
    let r = reads(c, &["inspect", name, "-o", "json"], 0);
    let (named, lists): (Vec<String>, Vec<String>) = r.requests.into_iter().partition(|r| {
        [
            "/persistentvolumes/",
            "/nodes/",
            "/volumeattachments/",
            "/csidrivers/",
        ]
        .iter()
        .any(|k| r.contains(k))
    });
    // the USED column: one Summary per node that runs its pods (3 here)
    let summaries = named
        .iter()
        .filter(|r| r.ends_with("/proxy/stats/summary"))
        .count();
    assert!(summaries <= 3, "{summaries} summaries for 3 nodes");
    let lists = lists.iter().map(|r| r.replace(name, "SET")).collect();
    (lists, named.len())
}

#[test]
fn lists_stay_constant_from_3_to_600_replicas() {
    let c = Cluster::with_nodes("requests", 0, SimConfig::default());
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    for (name, n) in [("small", 3), ("large", 600)] {
        let objs = rolled_out_statefulset(&c.namespace, name, n, 3)
            .into_iter()
            .filter(|o| o["kind"] != "Namespace" && (o["kind"] != "Node" || name == "small"));
        sim.registry.restore(objs).unwrap();
    }
    let (small, small_named) = api_requests(&c, "small");
    let (large, large_named) = api_requests(&c, "large");
    assert_eq!(small, large, "lists must not grow with replicas");
    assert!(large.len() < 10, "{large:?}");
    // per replica its volume and that volume's attachment; its three nodes and their
    // Summaries; one CSIDriver
    assert!(small_named <= 3 * 2 + 3 + 3 + 1, "{small_named}");
    assert!(large_named <= 600 * 2 + 3 + 3 + 1, "{large_named}");
}

/// What one command read: each request as `METHOD kind-path` (names and namespaces kept, so a
/// GET by name is told from a list) and the bytes of every answer.
struct Reads {
    requests: Vec<String>,
    bytes: u64,
}

fn reads(c: &Cluster, args: &[&str], code: i32) -> Reads {
    let sim = c.sim().unwrap();
    sim.clear_requests();
    let o = c.sts(args);
    assert_eq!(o.code, code, "{args:?}: {}{}", o.stdout, o.stderr);
    let reqs: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| !r.is_discovery())
        .collect();
    let mut requests: Vec<String> = reqs
        .iter()
        // a list's continue pages are that list
        .filter(|r| !r.query.contains("continue="))
        .map(|r| {
            // a list by selector is named by its selector kind, not its values
            let sel = [("labelSelector=", "?labels"), ("fieldSelector=", "?fields")]
                .iter()
                .filter(|(q, _)| r.query.contains(q))
                .map(|(_, s)| *s)
                .collect::<String>();
            format!("{} {}{sel}", r.method, r.path)
        })
        .collect();
    requests.sort();
    Reads {
        requests,
        bytes: reqs.iter().filter_map(|r| r.bytes).sum(),
    }
}

/// A list of a cluster-scoped kind, or of a namespaced kind in every namespace.
fn cluster_wide_list(r: &str) -> bool {
    let Some(path) = r.strip_prefix("GET ") else {
        return false;
    };
    let path = path.split('?').next().unwrap_or_default();
    let listed = path.rsplit('/').next().unwrap_or_default();
    let scoped = path.contains("/namespaces/");
    matches!(
        listed,
        "persistentvolumes" | "volumeattachments" | "nodes" | "pods" | "statefulsets"
    ) && !scoped
        && !r.contains("?labels")
        && !r.contains("?fields")
}

/// 200 sets of one replica each in another namespace, each on its own node with its own
/// volume and attachment: what a command about `web` must not read.
fn unrelated(ns: &str) -> Vec<serde_json::Value> {
    let mut out = vec![];
    for i in 0..200 {
        let objs = rolled_out_statefulset(ns, &format!("other-{i}"), 1, 1);
        for o in objs {
            if o["kind"] == "Namespace" && i > 0 {
                continue;
            }
            // node n1 → u<i>: a node of its own
            let s = o.to_string().replace("\"n1\"", &format!("\"u{i}\""));
            out.push(serde_json::from_str(&s).unwrap());
        }
    }
    out
}

#[test]
fn a_single_set_reads_the_same_whatever_else_the_cluster_holds() {
    let c = Cluster::with_nodes("reads-own", 0, SimConfig::default());
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    let ns = c.namespace.clone();
    sim.registry
        .restore(
            rolled_out_statefulset(&ns, "web", 3, 3)
                .into_iter()
                .filter(|o| o["kind"] != "Namespace"),
        )
        .unwrap();
    let attachments = |n: usize| {
        c.eventually(60, "the volumes' attachments", || {
            let items = c.json(&["get", "volumeattachments"])["items"].clone();
            let attached = items
                .as_array()?
                .iter()
                .filter(|va| va["status"]["attached"] == true)
                .count();
            (attached >= n).then_some(())
        })
    };
    attachments(3);
    // each command, its exit code, and the one cluster-wide list it may read: check's
    // placement checks (STS008, STS010, STS020) ask where the set's pods could go, a question
    // about every node
    let commands: &[(&[&str], i32, Option<&str>)] = &[
        (&["inspect", "web", "-o", "json"], 0, None),
        (
            &["check", "web", "-o", "json"],
            5,
            Some("GET /api/v1/nodes"),
        ),
        (&["scale", "web", "--replicas", "2", "--dry-run"], 0, None),
        (&["rollout", "status", "web"], 0, None),
        (
            // refused: local-path does not expand (its preflight read all the same)
            &["resize-storage", "web", "--size", "2Gi", "--dry-run"],
            4,
            None,
        ),
    ];
    let before: Vec<Reads> = commands
        .iter()
        .map(|(a, code, _)| reads(&c, a, *code))
        .collect();
    sim.registry
        .restore(unrelated(&format!("{ns}-other")))
        .unwrap();
    attachments(203);
    for ((args, code, allowed), before) in commands.iter().zip(before) {
        let after = reads(&c, args, *code);
        assert_eq!(
            before.requests, after.requests,
            "{args:?}: the same requests whatever the cluster holds"
        );
        let wide: Vec<&String> = after
            .requests
            .iter()
            .filter(|r| cluster_wide_list(r) && Some(r.as_str()) != *allowed)
            .collect();
        assert!(wide.is_empty(), "{args:?} lists the cluster: {wide:?}");
        if allowed.is_some() {
            continue;
        }
        // the same objects, give or take a longer resourceVersion
        assert!(
            after.bytes <= before.bytes + before.bytes / 20,
            "{args:?} read {} bytes, {} before the cluster grew",
            after.bytes,
            before.bytes
        );
    }
}

/// The GETs by name go through the transport's retry: a 429 on a volume waits its Retry-After
/// and is asked again, and the volume is shown.
#[test]
fn a_volume_get_answered_429_is_asked_again() {
    let c = Cluster::with_nodes("reads-429", 0, SimConfig::default());
    let Some(sim) = c.sim_or_skip("injects 429s") else {
        return;
    };
    sim.registry
        .restore(
            rolled_out_statefulset(&c.namespace, "web", 3, 3)
                .into_iter()
                .filter(|o| o["kind"] != "Namespace"),
        )
        .unwrap();
    sim.inject(crate::harness::fault("get", "persistentvolumes", 429, 2));
    let o = c.sts(&["inspect", "web", "-o", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc = o.json();
    for r in doc["rows"].as_array().unwrap() {
        assert_eq!(r["volumes"][0]["capacity"], "1Gi", "{r}");
    }
    let answered_429 = sim
        .requests()
        .iter()
        .filter(|r| r.status == 429 && r.path.starts_with("/api/v1/persistentvolumes/"))
        .count();
    assert_eq!(answered_429, 2);
}
