//! inspect's round trips do not grow with the replica count (continue pages,
//! discovery and /version not counted; the kubelets' Summaries grow with nodes, not replicas);
//! measured on the simulator's request log.

use kube_sim::fixtures::rolled_out_statefulset;
use kube_sim::SimConfig;

use crate::harness::Cluster;
use crate::harness::Tool;

fn api_requests(c: &Cluster, name: &str) -> usize {
    let sim = c.sim().unwrap();
    sim.clear_requests();
    let o = c.sts(&["inspect", name, "-o", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["pod"]["ready"] == true));
    let reqs = sim.requests();
    // the USED column: one Summary per node that runs its pods (3 here), apart from the lists
    let summaries = reqs
        .iter()
        .filter(|r| r.path.ends_with("/proxy/stats/summary"))
        .count();
    assert!(summaries <= 3, "{summaries} summaries for 3 nodes");
    reqs.iter()
        .filter(|r| !r.is_discovery())
        .filter(|r| !r.query.contains("continue="))
        .filter(|r| !r.path.ends_with("/proxy/stats/summary"))
        .count()
}

#[test]
fn requests_stay_constant_from_3_to_600_replicas() {
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
    let small = api_requests(&c, "small");
    let large = api_requests(&c, "large");
    assert_eq!(small, large, "round trips must not grow with replicas");
    assert!(large < 10, "{large} requests");
}
