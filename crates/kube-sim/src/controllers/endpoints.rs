//! Endpoints and EndpointSlice controllers (`pkg/controller/endpoint`,
//! `endpointslice`): ready pod addresses per Service selector (not-ready ones
//! only with `publishNotReadyAddresses`), hostnames for the governing Service.

use serde_json::{json, Value};

use super::{condition_true, deleting, name, namespace, uid, Controller};
use crate::registry::now;
use crate::selectors::LabelSelector;
use crate::Sim;

pub struct EndpointsController;

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoint-controller"
    }

    fn reconcile(&mut self, sim: &Sim) {
        for svc in sim.list_kind("Service", None) {
            let Some(sel) = svc["spec"]["selector"]
                .as_object()
                .filter(|m| !m.is_empty())
            else {
                continue;
            };
            sync(
                sim,
                &svc,
                &LabelSelector::from_label_selector(&json!({"matchLabels": sel})),
            );
        }
    }
}

fn sync(sim: &Sim, svc: &Value, sel: &LabelSelector) {
    let ns = namespace(svc);
    let svc_name = name(svc);
    let headless = svc["spec"]["clusterIP"] == "None";
    let publish = svc["spec"]["publishNotReadyAddresses"] == true;
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    let mut slice_eps = Vec::new();
    let mut pods: Vec<_> = sim
        .list_kind("Pod", Some(ns))
        .into_iter()
        .filter(|p| sel.matches_object(p))
        .collect();
    pods.sort_by(|a, b| name(a).cmp(name(b)));
    for p in &pods {
        let Some(ip) = p["status"]["podIP"].as_str().filter(|s| !s.is_empty()) else {
            continue;
        };
        let is_ready = condition_true(p, "Ready") && !deleting(p);
        let mut addr = json!({"ip": ip, "nodeName": p["spec"]["nodeName"], "targetRef": {"kind": "Pod", "name": name(p), "namespace": ns, "uid": uid(p)}});
        let mut ep = json!({"addresses": [ip], "conditions": {"ready": is_ready, "serving": condition_true(p, "Ready"), "terminating": deleting(p)},
            "nodeName": p["spec"]["nodeName"], "targetRef": {"kind": "Pod", "name": name(p), "namespace": ns, "uid": uid(p)}});
        if p["spec"]["subdomain"] == svc_name {
            if let Some(h) = p["spec"]["hostname"].as_str() {
                addr["hostname"] = json!(h);
                ep["hostname"] = json!(h);
            }
        }
        // sorted field order as the API server stores them
        let addr = json!({"hostname": addr["hostname"], "ip": addr["ip"], "nodeName": addr["nodeName"], "targetRef": addr["targetRef"]});
        let addr: Value = addr
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if is_ready || publish {
            ready.push(addr);
        } else {
            not_ready.push(addr);
        }
        if !deleting(p) || publish || condition_true(p, "Ready") {
            slice_eps.push(ep);
        }
    }
    let ports: Vec<Value> = svc["spec"]["ports"].as_array().into_iter().flatten().map(|p| {
        let mut o = json!({"port": p["targetPort"].as_i64().or(p["port"].as_i64()), "protocol": p["protocol"]});
        if let Some(n) = p["name"].as_str() {
            o = json!({"name": n, "port": o["port"], "protocol": o["protocol"]});
        }
        o
    }).collect();
    // RepackSubsets (pkg/api/v1/endpoints/util.go, called by the endpoints controller) sorts
    // addresses by IP compared as bytes of its string, then by the target's uid — not by pod
    // name: the real tier showed `flask-2 flask-0 flask-1`
    let by_ip = |a: &Value, b: &Value| {
        let key = |v: &Value| {
            (
                v["ip"].as_str().unwrap_or("").to_string(),
                v["targetRef"]["uid"].as_str().unwrap_or("").to_string(),
            )
        };
        key(a).cmp(&key(b))
    };
    ready.sort_by(by_ip);
    not_ready.sort_by(by_ip);
    let mut subset = json!({});
    if !ready.is_empty() {
        subset["addresses"] = json!(ready);
    }
    if !not_ready.is_empty() {
        subset["notReadyAddresses"] = json!(not_ready);
    }
    let subsets = if ready.is_empty() && not_ready.is_empty() {
        json!(null)
    } else {
        subset["ports"] = json!(ports);
        json!([subset])
    };
    let mut labels = svc["metadata"]["labels"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    labels.insert(
        "endpoints.kubernetes.io/managed-by".into(),
        json!("endpoint-controller"),
    );
    if headless {
        labels.insert("service.kubernetes.io/headless".into(), json!(""));
    }
    match sim.get_kind("Endpoints", ns, svc_name) {
        Some(cur) => {
            if cur["subsets"] != subsets {
                let mut o = (*cur).clone();
                o["subsets"] = subsets.clone();
                if subsets.is_null() {
                    o.as_object_mut().map(|m| m.remove("subsets"));
                }
                o["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] =
                    json!(now());
                let _ = sim.registry.update(
                    super::def("Endpoints"),
                    ns,
                    svc_name,
                    o,
                    None,
                    &Default::default(),
                );
            }
        }
        None => {
            let mut o = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": svc_name, "namespace": ns, "labels": labels,
                "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": now()}}});
            if !subsets.is_null() {
                o["subsets"] = subsets;
            }
            let _ = sim.create_kind("Endpoints", ns, o);
        }
    }
    // one EndpointSlice per Service (generateName `<svc>-`)
    let mut slabels = labels.clone();
    slabels.remove("endpoints.kubernetes.io/managed-by");
    slabels.insert(
        "endpointslice.kubernetes.io/managed-by".into(),
        json!("endpointslice-controller.k8s.io"),
    );
    slabels.insert("kubernetes.io/service-name".into(), json!(svc_name));
    let existing = sim
        .list_kind("EndpointSlice", Some(ns))
        .into_iter()
        .find(|s| s["metadata"]["labels"]["kubernetes.io/service-name"] == svc_name);
    let eps = json!(slice_eps);
    match existing {
        Some(cur) => {
            if cur["endpoints"] != eps && !(cur["endpoints"].is_null() && slice_eps.is_empty()) {
                let mut o = (*cur).clone();
                o["endpoints"] = eps;
                o["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] =
                    json!(now());
                let _ = sim.registry.update(
                    super::def("EndpointSlice"),
                    ns,
                    name(&cur),
                    o,
                    None,
                    &Default::default(),
                );
            }
        }
        None => {
            let mut o = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                "metadata": {"generateName": format!("{svc_name}-"), "namespace": ns, "labels": slabels,
                    "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": now()},
                    "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": svc_name, "uid": uid(svc), "controller": true, "blockOwnerDeletion": true}]},
                "ports": ports});
            if !slice_eps.is_empty() {
                o["endpoints"] = eps;
            }
            let _ = sim.create_kind("EndpointSlice", ns, o);
        }
    }
}
