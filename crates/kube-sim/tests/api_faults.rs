//! Injected failures reach the clients: a 503 (kubectl, kube-rs, the tool's retry),
//! a watch cut mid-stream, latency; and the request log counts round trips.

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};

use crate::harness::{fault, Cluster};

#[test]
fn injected_503_reaches_kubectl_and_kube_rs() {
    let c = Cluster::new("faults-503");
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    sim.inject(fault("list", "pods", 503, 100));
    let out = c.kubectl(&["get", "pods", "--request-timeout=5s"]);
    assert_ne!(out.code, 0);
    // kubectl honours Retry-After until its request timeout runs out
    assert!(
        out.stderr
            .contains("the server is currently unable to handle the request")
            || out.stderr.contains("context deadline exceeded"),
        "{}",
        out.stderr
    );
    let pods: Api<Pod> = Api::namespaced(c.client(), &c.namespace);
    let err =
        c.rt.block_on(pods.list(&ListParams::default()))
            .unwrap_err();
    match err {
        kube::Error::Api(s) => assert_eq!((s.code, s.reason.as_str()), (503, "ServiceUnavailable")),
        other => panic!("{other:?}"),
    }
    let log = sim.requests();
    let failed = log
        .iter()
        .filter(|r| r.path.ends_with("/pods") && r.status == 503)
        .count();
    assert!(
        failed >= 2,
        "the request log counts both clients' attempts: {failed}"
    );
}

#[test]
fn a_cut_watch_reaches_the_client() {
    let c = Cluster::new("faults-watch");
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    sim.faults.lock().unwrap().cut_watch_after = Some(2);
    let pods: Api<Pod> = Api::namespaced(c.client(), &c.namespace);
    let events = c.rt.block_on(async {
        let stream = pods.watch(&WatchParams::default().timeout(30), "0").await.unwrap();
        let mut stream = Box::pin(stream);
        let mut n = 0;
        let created = async {
            for i in 0..5 {
                let p: Pod = serde_json::from_value(serde_json::json!({"metadata": {"name": format!("p{i}")}, "spec": {"schedulerName": "none", "containers": [{"name": "c", "image": "x"}]}})).unwrap();
                pods.create(&Default::default(), &p).await.unwrap();
            }
        };
        let count = async {
            while let Ok(Some(ev)) = tokio::time::timeout(std::time::Duration::from_secs(5), stream.next()).await {
                if matches!(ev, Ok(WatchEvent::Added(_))) {
                    n += 1;
                }
            }
            n
        };
        let (_, n) = tokio::join!(created, count);
        n
    });
    assert_eq!(events, 2, "the stream ended after the injected cut");
}

#[test]
fn latency_is_added_to_every_request() {
    let c = Cluster::new("faults-latency");
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    sim.faults.lock().unwrap().latency = std::time::Duration::from_millis(300);
    let before = sim.requests().len();
    c.kubectl_ok(&["get", "pods"]);
    let served: Vec<_> = sim.requests().into_iter().skip(before).collect();
    assert!(
        served
            .iter()
            .all(|r| r.latency >= std::time::Duration::from_millis(300)),
        "{served:?}"
    );
}

/// An interleaved status write: a client that read the object and writes behind its
/// resourceVersion gets the 409 a controller's status write causes on a real control plane;
/// the object's content is as it was.
#[test]
fn an_interleaved_status_write_moves_the_resource_version_before_the_request() {
    let c = Cluster::new("faults-interleave");
    let Some(sim) = c.sim_or_skip(
        "uses the simulator itself (its request log, injected faults or stored objects)",
    ) else {
        return;
    };
    c.create_json(&serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "labels": {"a": "1"}}}));
    let before = c.json(&["get", "serviceaccount", "sa"]);
    let rv = before["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    sim.interleave(kube_sim::Interleave::status_write(
        "patch",
        "serviceaccounts",
        1,
    ));
    let patch = format!(r#"{{"metadata":{{"resourceVersion":"{rv}","labels":{{"a":"2"}}}}}}"#);
    let out = c.kubectl(&[
        "patch",
        "serviceaccount",
        "sa",
        "--type=merge",
        "-p",
        &patch,
    ]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("the object has been modified"),
        "{}",
        out.stderr
    );
    let after = c.json(&["get", "serviceaccount", "sa"]);
    assert_ne!(after["metadata"]["resourceVersion"], rv.as_str());
    assert_eq!(
        after["metadata"]["labels"], before["metadata"]["labels"],
        "nothing but the version moved"
    );
    // used up: the next write goes through
    let rv = after["metadata"]["resourceVersion"].as_str().unwrap();
    let patch = format!(r#"{{"metadata":{{"resourceVersion":"{rv}","labels":{{"a":"2"}}}}}}"#);
    c.kubectl_ok(&[
        "patch",
        "serviceaccount",
        "sa",
        "--type=merge",
        "-p",
        &patch,
    ]);
    assert_eq!(
        c.jsonpath(&["get", "serviceaccount", "sa"], "{.metadata.labels.a}"),
        "2"
    );
}
