//! kube-rs against the simulated server, in-process (router as a tower service)
//! and over TCP: get/list/watch, scale, preconditioned delete, stale replace.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions};
use kube::runtime::watcher;
use kube::Client;
use kube_sim::Sim;
use serde_json::json;

use crate::harness::Cluster;

fn sts(name: &str) -> StatefulSet {
    serde_json::from_value(json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
        "spec": {"replicas": 2, "serviceName": name, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9"}]}}}}))
    .unwrap()
}

/// Pods no scheduler picks up, so nothing but the test changes them (preconditions stay valid).
fn pod(name: &str, app: &str) -> Pod {
    serde_json::from_value(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": app}},
        "spec": {"schedulerName": "not-the-default", "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.9"}]}}))
    .unwrap()
}

fn status_code(e: kube::Error) -> u16 {
    match e {
        kube::Error::Api(s) => s.code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn exercise(client: Client, ns: &str) {
    // list with selectors and pagination
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    for i in 0..5 {
        pods.create(
            &PostParams::default(),
            &pod(&format!("p{i}"), if i % 2 == 0 { "even" } else { "odd" }),
        )
        .await
        .unwrap();
    }
    let even = pods
        .list(&ListParams::default().labels("app=even"))
        .await
        .unwrap();
    assert_eq!(even.items.len(), 3);
    let page = pods.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    let token = page.metadata.continue_.clone().expect("continue token");
    assert_eq!(page.metadata.remaining_item_count, Some(3));
    let rest = pods
        .list(&ListParams::default().limit(10).continue_token(&token))
        .await
        .unwrap();
    let names: Vec<_> = rest
        .items
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["p2", "p3", "p4"]);

    // delete with preconditions: a mismatch is refused, a match deletes
    let p0 = pods.get("p0").await.unwrap();
    let wrong = DeleteParams {
        preconditions: Some(Preconditions {
            uid: Some("00000000-0000-0000-0000-000000000000".into()),
            resource_version: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        status_code(pods.delete("p0", &wrong).await.unwrap_err()),
        409
    );
    let wrong_rv = DeleteParams {
        preconditions: Some(Preconditions {
            uid: None,
            resource_version: Some("1".into()),
        }),
        ..Default::default()
    };
    assert_eq!(
        status_code(pods.delete("p0", &wrong_rv).await.unwrap_err()),
        409
    );
    assert!(
        pods.get("p0").await.is_ok(),
        "refused deletes change nothing"
    );
    let right = DeleteParams {
        preconditions: Some(Preconditions {
            uid: p0.metadata.uid.clone(),
            resource_version: p0.metadata.resource_version.clone(),
        }),
        ..Default::default()
    };
    pods.delete("p0", &right).await.unwrap();
    assert_eq!(status_code(pods.get("p0").await.unwrap_err()), 404);

    // watcher(): initial list, then changes
    let stream = watcher(pods.clone(), watcher::Config::default().labels("app=odd"));
    let mut stream = Box::pin(stream);
    let mut seen_init = Vec::new();
    loop {
        match stream.try_next().await.unwrap().unwrap() {
            watcher::Event::InitApply(p) => seen_init.push(p.metadata.name.unwrap()),
            watcher::Event::InitDone => break,
            _ => {}
        }
    }
    seen_init.sort();
    assert_eq!(seen_init, ["p1", "p3"]);
    pods.create(&PostParams::default(), &pod("p9", "odd"))
        .await
        .unwrap();
    pods.delete("p1", &DeleteParams::default()).await.unwrap();
    // p1 is unscheduled: its delete is MODIFIED (deletionTimestamp) then DELETED
    let mut applied = Vec::new();
    let mut deleted = None;
    while deleted.is_none() {
        match tokio::time::timeout(std::time::Duration::from_secs(5), stream.next())
            .await
            .expect("event in time")
            .unwrap()
            .unwrap()
        {
            watcher::Event::Apply(p) => applied.push(p.metadata.name.unwrap()),
            watcher::Event::Delete(p) => deleted = p.metadata.name,
            _ => {}
        }
    }
    // no scheduler touches these pods: exactly p9's creation, then p1's graceful mark
    assert_eq!(applied, ["p9", "p1"]);
    assert_eq!(deleted.as_deref(), Some("p1"));

    // the StatefulSet part last: its controller creates pods of its own
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), ns);
    let created = sets
        .create(&PostParams::default(), &sts("db"))
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let spec = &created.spec;
    assert_eq!(spec.pod_management_policy.as_deref(), Some("OrderedReady"));
    assert_eq!(spec.revision_history_limit, Some(10));

    let got = sets.get("db").await.unwrap();
    assert_eq!(got.metadata.uid, created.metadata.uid);
    assert_eq!(status_code(sets.get("nope").await.unwrap_err()), 404);

    // scale via the subresource
    let scale = sets
        .patch_scale(
            "db",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 5}})),
        )
        .await
        .unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(5));
    assert_eq!(
        sets.get_scale("db")
            .await
            .unwrap()
            .status
            .unwrap()
            .selector
            .as_deref(),
        Some("app=db")
    );
    assert_eq!(sets.get("db").await.unwrap().spec.replicas, Some(5));
    let bad = sets
        .patch_scale(
            "db",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": -1}})),
        )
        .await;
    assert_eq!(status_code(bad.unwrap_err()), 422);

    // a stale replace is refused and changes nothing
    let mut stale = got.clone();
    stale.spec.replicas = Some(1);
    assert_eq!(
        status_code(
            sets.replace("db", &PostParams::default(), &stale)
                .await
                .unwrap_err()
        ),
        409
    );
    assert_eq!(sets.get("db").await.unwrap().spec.replicas, Some(5));
}

#[test]
fn kube_client_over_tcp() {
    let c = Cluster::new("kube-tcp");
    let client = c.client();
    let ns = c.namespace.clone();
    c.rt.block_on(exercise(client, &ns));
}

#[test]
fn kube_client_in_process() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sim = Sim::new();
        let _controllers = sim.start_controllers();
        let client = Client::new(sim.router(), "default");
        exercise(client, "default").await;
    });
}
