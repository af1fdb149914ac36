//! Server-side printing: `meta.k8s.io/v1 Table` for every served kind, with the
//! columns of `pkg/printers/internalversion/printers.go` (priority 1 = `-o wide`).

use serde_json::{json, Value};

use kube_common::kubefmt::{access_modes, age, node_status, pod_summary};

use super::resources::ResourceDef;

type Col = (&'static str, &'static str, i32); // name, type, priority

fn columns(kind: &str) -> Vec<Col> {
    let s = "string";
    match kind {
        "Pod" => vec![
            ("Name", s, 0),
            ("Ready", s, 0),
            ("Status", s, 0),
            ("Restarts", s, 0),
            ("Age", s, 0),
            ("IP", s, 1),
            ("Node", s, 1),
            ("Nominated Node", s, 1),
            ("Readiness Gates", s, 1),
        ],
        "StatefulSet" => vec![
            ("Name", s, 0),
            ("Ready", s, 0),
            ("Age", s, 0),
            ("Containers", s, 1),
            ("Images", s, 1),
        ],
        "PersistentVolumeClaim" => vec![
            ("Name", s, 0),
            ("Status", s, 0),
            ("Volume", s, 0),
            ("Capacity", s, 0),
            ("Access Modes", s, 0),
            ("StorageClass", s, 0),
            ("VolumeAttributesClass", s, 0),
            ("Age", s, 0),
            ("VolumeMode", s, 1),
        ],
        "PersistentVolume" => vec![
            ("Name", s, 0),
            ("Capacity", s, 0),
            ("Access Modes", s, 0),
            ("Reclaim Policy", s, 0),
            ("Status", s, 0),
            ("Claim", s, 0),
            ("StorageClass", s, 0),
            ("VolumeAttributesClass", s, 0),
            ("Reason", s, 0),
            ("Age", s, 0),
            ("VolumeMode", s, 1),
        ],
        "Service" => vec![
            ("Name", s, 0),
            ("Type", s, 0),
            ("Cluster-IP", s, 0),
            ("External-IP", s, 0),
            ("Port(s)", s, 0),
            ("Age", s, 0),
            ("Selector", s, 1),
        ],
        "Endpoints" => vec![("Name", s, 0), ("Endpoints", s, 0), ("Age", s, 0)],
        "Node" => vec![
            ("Name", s, 0),
            ("Status", s, 0),
            ("Roles", s, 0),
            ("Age", s, 0),
            ("Version", s, 0),
            ("Internal-IP", s, 1),
            ("External-IP", s, 1),
            ("OS-Image", s, 1),
            ("Kernel-Version", s, 1),
            ("Container-Runtime", s, 1),
        ],
        "Namespace" => vec![("Name", s, 0), ("Status", s, 0), ("Age", s, 0)],
        "Event" => vec![
            ("Last Seen", s, 0),
            ("Type", s, 0),
            ("Reason", s, 0),
            ("Object", s, 0),
            ("Subobject", s, 1),
            ("Source", s, 1),
            ("Message", s, 0),
            ("First Seen", s, 1),
            ("Count", s, 1),
            ("Name", s, 1),
        ],
        "ControllerRevision" => vec![
            ("Name", s, 0),
            ("Controller", s, 0),
            ("Revision", "integer", 0),
            ("Age", s, 0),
        ],
        "StorageClass" => vec![
            ("Name", s, 0),
            ("Provisioner", s, 0),
            ("ReclaimPolicy", s, 0),
            ("VolumeBindingMode", s, 0),
            ("AllowVolumeExpansion", s, 0),
            ("Age", s, 0),
        ],
        "VolumeAttachment" => vec![
            ("Name", s, 0),
            ("Attacher", s, 0),
            ("PV", s, 0),
            ("Node", s, 0),
            ("Attached", "boolean", 0),
            ("Age", s, 0),
        ],
        "Lease" => vec![("Name", s, 0), ("Holder", s, 0), ("Age", s, 0)],
        // serviceAccountColumnDefinitions (pkg/printers/internalversion): a real v1.36 server
        // prints NAME AGE (the SECRETS column went with the token controller's secrets)
        "ServiceAccount" => vec![("Name", s, 0), ("Age", s, 0)],
        // daemonSetColumnDefinitions
        "DaemonSet" => vec![
            ("Name", s, 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Node Selector", s, 0),
            ("Age", s, 0),
            ("Containers", s, 1),
            ("Images", s, 1),
            ("Selector", s, 1),
        ],
        "PodDisruptionBudget" => vec![
            ("Name", s, 0),
            ("Min Available", s, 0),
            ("Max Unavailable", s, 0),
            ("Allowed Disruptions", "integer", 0),
            ("Age", s, 0),
        ],
        // kubectl's horizontalPodAutoscalerColumnDefinitions (pkg/printers/internalversion)
        "HorizontalPodAutoscaler" => vec![
            ("Name", s, 0),
            ("Reference", s, 0),
            ("Targets", s, 0),
            ("MinPods", s, 0),
            ("MaxPods", "integer", 0),
            ("Replicas", "integer", 0),
            ("Age", s, 0),
        ],
        "EndpointSlice" => vec![
            ("Name", s, 0),
            ("AddressType", s, 0),
            ("Ports", s, 0),
            ("Endpoints", s, 0),
            ("Age", s, 0),
        ],
        _ => vec![("Name", s, 0), ("Age", s, 0)],
    }
}

pub fn column_definitions(kind: &str) -> Value {
    Value::Array(
        columns(kind)
            .into_iter()
            .map(|(name, ty, priority)| {
                json!({
                    "name": name,
                    "type": ty,
                    "format": if name == "Name" && priority == 0 { "name" } else { "" },
                    "description": description(name),
                    "priority": priority,
                })
            })
            .collect(),
    )
}

fn description(col: &str) -> &'static str {
    match col {
        "Name" => "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        "Age" => "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        _ => "",
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn or_none(v: &str) -> String {
    if v.is_empty() {
        "<none>".into()
    } else {
        v.to_string()
    }
}

fn labels_string(m: &Value) -> String {
    match m.as_object() {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={}", s(v)))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

/// One row's cells (all columns, wide included).
pub fn cells(kind: &str, o: &Value, now: jiff::Timestamp) -> Vec<Value> {
    let md = &o["metadata"];
    let name = json!(s(&md["name"]));
    let created = age(&md["creationTimestamp"], now);
    let deleting = !md["deletionTimestamp"].is_null();
    match kind {
        "Pod" => {
            let p = pod_summary(o);
            let ip = o["status"]["podIPs"][0]["ip"].as_str().unwrap_or("");
            let gates = match o["spec"]["readinessGates"].as_array() {
                Some(g) if !g.is_empty() => {
                    let conds = o["status"]["conditions"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let t = g
                        .iter()
                        .filter(|gate| {
                            conds
                                .iter()
                                .find(|c| c["type"] == gate["conditionType"])
                                .is_some_and(|c| c["status"] == "True")
                        })
                        .count();
                    format!("{t}/{}", g.len())
                }
                _ => "<none>".into(),
            };
            vec![
                name,
                json!(format!("{}/{}", p.ready, p.total)),
                json!(p.status),
                json!(p.restarts_cell(now)),
                json!(created),
                json!(or_none(ip)),
                json!(or_none(s(&o["spec"]["nodeName"]))),
                json!(or_none(s(&o["status"]["nominatedNodeName"]))),
                json!(gates),
            ]
        }
        "StatefulSet" => {
            let (names, images) = containers_images(&o["spec"]["template"]["spec"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    o["status"]["readyReplicas"].as_i64().unwrap_or(0),
                    o["spec"]["replicas"].as_i64().unwrap_or(0)
                )),
                json!(created),
                json!(names),
                json!(images),
            ]
        }
        "PersistentVolumeClaim" => {
            let phase = if deleting {
                "Terminating"
            } else {
                s(&o["status"]["phase"])
            };
            let bound = !s(&o["spec"]["volumeName"]).is_empty();
            let (cap, modes) = if bound {
                (
                    s(&o["status"]["capacity"]["storage"]).to_string(),
                    access_modes(&o["status"]["accessModes"]),
                )
            } else {
                (String::new(), String::new())
            };
            vec![
                name,
                json!(phase),
                json!(s(&o["spec"]["volumeName"])),
                json!(cap),
                json!(modes),
                json!(s(&o["spec"]["storageClassName"])),
                json!(o["spec"]["volumeAttributesClassName"]
                    .as_str()
                    .filter(|v| !v.is_empty())
                    .unwrap_or("<unset>")),
                json!(created),
                json!(o["spec"]["volumeMode"].as_str().unwrap_or("<unset>")),
            ]
        }
        "PersistentVolume" => {
            let claim = if o["spec"]["claimRef"].is_object() {
                format!(
                    "{}/{}",
                    s(&o["spec"]["claimRef"]["namespace"]),
                    s(&o["spec"]["claimRef"]["name"])
                )
            } else {
                String::new()
            };
            let phase = if deleting {
                "Terminating"
            } else {
                s(&o["status"]["phase"])
            };
            vec![
                name,
                json!(s(&o["spec"]["capacity"]["storage"])),
                json!(access_modes(&o["spec"]["accessModes"])),
                json!(s(&o["spec"]["persistentVolumeReclaimPolicy"])),
                json!(phase),
                json!(claim),
                json!(s(&o["spec"]["storageClassName"])),
                json!(o["spec"]["volumeAttributesClassName"]
                    .as_str()
                    .filter(|v| !v.is_empty())
                    .unwrap_or("<unset>")),
                json!(s(&o["status"]["reason"])),
                json!(created),
                json!(o["spec"]["volumeMode"].as_str().unwrap_or("<unset>")),
            ]
        }
        "Service" => {
            let spec = &o["spec"];
            let ty = s(&spec["type"]);
            let external = match ty {
                "ExternalName" => s(&spec["externalName"]).to_string(),
                "LoadBalancer" => {
                    let ips: Vec<&str> = o["status"]["loadBalancer"]["ingress"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|i| i["ip"].as_str().or(i["hostname"].as_str()))
                                .collect()
                        })
                        .unwrap_or_default();
                    if ips.is_empty() {
                        "<pending>".into()
                    } else {
                        ips.join(",")
                    }
                }
                _ => spec["externalIPs"]
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .map(|a| {
                        a.iter()
                            .map(|x| s(x).to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_else(|| "<none>".into()),
            };
            let ports = spec["ports"]
                .as_array()
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.iter()
                        .map(|p| match p["nodePort"].as_i64() {
                            Some(np) if np != 0 => {
                                format!("{}:{np}/{}", p["port"], s(&p["protocol"]))
                            }
                            _ => format!("{}/{}", p["port"], s(&p["protocol"])),
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(ty),
                json!(or_none(s(&spec["clusterIP"]))),
                json!(external),
                json!(ports),
                json!(created),
                json!(labels_string(&spec["selector"])),
            ]
        }
        "Endpoints" => {
            let mut eps = Vec::new();
            for ss in o["subsets"].as_array().into_iter().flatten() {
                let ports: Vec<i64> = ss["ports"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|p| p["port"].as_i64()).collect())
                    .unwrap_or_default();
                for a in ss["addresses"].as_array().into_iter().flatten() {
                    if ports.is_empty() {
                        eps.push(s(&a["ip"]).to_string());
                    }
                    for p in &ports {
                        eps.push(format!("{}:{p}", s(&a["ip"])));
                    }
                }
            }
            let total = eps.len();
            let cell = if total == 0 {
                "<none>".to_string()
            } else if total > 3 {
                format!("{} + {} more...", eps[..3].join(","), total - 3)
            } else {
                eps.join(",")
            };
            vec![name, json!(cell), json!(created)]
        }
        "Node" => {
            let roles: Vec<String> = md["labels"]
                .as_object()
                .map(|m| {
                    m.keys()
                        .filter_map(|k| {
                            k.strip_prefix("node-role.kubernetes.io/").map(String::from)
                        })
                        .chain(
                            m.get("kubernetes.io/role")
                                .and_then(Value::as_str)
                                .map(String::from),
                        )
                        .filter(|r| !r.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let addr = |t: &str| {
                o["status"]["addresses"]
                    .as_array()
                    .and_then(|a| a.iter().find(|x| x["type"] == t))
                    .and_then(|x| x["address"].as_str())
                    .unwrap_or("<none>")
                    .to_string()
            };
            let info = &o["status"]["nodeInfo"];
            vec![
                name,
                json!(node_status(o)),
                json!(if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                }),
                json!(created),
                json!(s(&info["kubeletVersion"])),
                json!(addr("InternalIP")),
                json!(addr("ExternalIP")),
                json!(or_unknown(s(&info["osImage"]))),
                json!(or_unknown(s(&info["kernelVersion"]))),
                json!(or_unknown(s(&info["containerRuntimeVersion"]))),
            ]
        }
        "Namespace" => vec![name, json!(s(&o["status"]["phase"])), json!(created)],
        "Event" => {
            let first = if o["firstTimestamp"].is_null() {
                &o["eventTime"]
            } else {
                &o["firstTimestamp"]
            };
            let last = if o["lastTimestamp"].is_null() {
                first
            } else {
                &o["lastTimestamp"]
            };
            let io = &o["involvedObject"];
            let source = {
                let c = s(&o["source"]["component"]);
                let c = if c.is_empty() {
                    s(&o["reportingComponent"])
                } else {
                    c
                };
                let h = s(&o["source"]["host"]);
                if h.is_empty() {
                    c.to_string()
                } else {
                    format!("{c}, {h}")
                }
            };
            vec![
                json!(age(last, now)),
                json!(s(&o["type"])),
                json!(s(&o["reason"])),
                json!(format!(
                    "{}/{}",
                    s(&io["kind"]).to_lowercase(),
                    s(&io["name"])
                )),
                json!(s(&io["fieldPath"])),
                json!(source),
                json!(s(&o["message"]).trim()),
                json!(age(first, now)),
                json!(o["count"].as_i64().unwrap_or(1)),
                name,
            ]
        }
        "ControllerRevision" => {
            let controller = md["ownerReferences"]
                .as_array()
                .and_then(|a| a.iter().find(|r| r["controller"] == true))
                .map(|r| {
                    let group = s(&r["apiVersion"])
                        .split_once('/')
                        .map(|(g, _)| g)
                        .unwrap_or("");
                    let kind = s(&r["kind"]).to_lowercase();
                    if group.is_empty() {
                        format!("{kind}/{}", s(&r["name"]))
                    } else {
                        format!("{kind}.{group}/{}", s(&r["name"]))
                    }
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(controller),
                json!(o["revision"].as_i64().unwrap_or(0)),
                json!(created),
            ]
        }
        "StorageClass" => {
            let default = md["annotations"]["storageclass.kubernetes.io/is-default-class"]
                == "true"
                || md["annotations"]["storageclass.beta.kubernetes.io/is-default-class"] == "true";
            let n = if default {
                format!("{} (default)", s(&md["name"]))
            } else {
                s(&md["name"]).to_string()
            };
            vec![
                json!(n),
                json!(s(&o["provisioner"])),
                json!(o["reclaimPolicy"].as_str().unwrap_or("Delete")),
                json!(o["volumeBindingMode"].as_str().unwrap_or("Immediate")),
                json!(o["allowVolumeExpansion"].as_bool().unwrap_or(false)),
                json!(created),
            ]
        }
        "VolumeAttachment" => vec![
            name,
            json!(s(&o["spec"]["attacher"])),
            json!(s(&o["spec"]["source"]["persistentVolumeName"])),
            json!(s(&o["spec"]["nodeName"])),
            json!(o["status"]["attached"].as_bool().unwrap_or(false)),
            json!(created),
        ],
        "Lease" => vec![name, json!(s(&o["spec"]["holderIdentity"])), json!(created)],
        "ServiceAccount" => vec![name, json!(created)],
        "DaemonSet" => {
            let (names, images) = containers_images(&o["spec"]["template"]["spec"]);
            let st = &o["status"];
            let n = |k: &str| json!(st[k].as_i64().unwrap_or(0));
            let node_selector = o["spec"]["template"]["spec"]["nodeSelector"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                n("desiredNumberScheduled"),
                n("currentNumberScheduled"),
                n("numberReady"),
                n("updatedNumberScheduled"),
                n("numberAvailable"),
                json!(node_selector),
                json!(created),
                json!(names),
                json!(images),
                json!(format_selector(&o["spec"]["selector"])),
            ]
        }
        "HorizontalPodAutoscaler" => {
            // printHorizontalPodAutoscaler over the v1 fields: the CPU target, `<unknown>`
            // until a controller reports the current utilization (none runs here)
            let target = match o["spec"]["targetCPUUtilizationPercentage"].as_i64() {
                Some(t) => {
                    let cur = o["status"]["currentCPUUtilizationPercentage"]
                        .as_i64()
                        .map_or("<unknown>".to_string(), |c| format!("{c}%"));
                    format!("cpu: {cur}/{t}%")
                }
                None => "<none>".to_string(),
            };
            let r = &o["spec"]["scaleTargetRef"];
            vec![
                name,
                json!(format!("{}/{}", s(&r["kind"]), s(&r["name"]))),
                json!(target),
                json!(o["spec"]["minReplicas"]
                    .as_i64()
                    .map_or("<unset>".to_string(), |m| m.to_string())),
                json!(o["spec"]["maxReplicas"].as_i64().unwrap_or(0)),
                json!(o["status"]["currentReplicas"].as_i64().unwrap_or(0)),
                json!(created),
            ]
        }
        "PodDisruptionBudget" => {
            let iv = |v: &Value| match v {
                Value::Null => "N/A".to_string(),
                Value::String(x) => x.clone(),
                other => other.to_string(),
            };
            vec![
                name,
                json!(iv(&o["spec"]["minAvailable"])),
                json!(iv(&o["spec"]["maxUnavailable"])),
                json!(o["status"]["disruptionsAllowed"].as_i64().unwrap_or(0)),
                json!(created),
            ]
        }
        "EndpointSlice" => {
            let ports = o["ports"]
                .as_array()
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.iter()
                        .map(|p| p["port"].to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "<unset>".into());
            let addrs: Vec<String> = o["endpoints"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|e| e["addresses"].as_array().cloned().unwrap_or_default())
                .map(|a| s(&a).to_string())
                .collect();
            let eps = match addrs.len() {
                0 => "<unset>".to_string(),
                n if n > 3 => format!("{} + {} more...", addrs[..3].join(","), n - 3),
                _ => addrs.join(","),
            };
            vec![
                name,
                json!(s(&o["addressType"])),
                json!(ports),
                json!(eps),
                json!(created),
            ]
        }
        _ => vec![name, json!(created)],
    }
}

fn or_unknown(v: &str) -> String {
    if v.is_empty() {
        "<unknown>".into()
    } else {
        v.to_string()
    }
}

fn containers_images(spec: &Value) -> (String, String) {
    let cs = spec["containers"].as_array().cloned().unwrap_or_default();
    (
        cs.iter()
            .map(|c| s(&c["name"]).to_string())
            .collect::<Vec<_>>()
            .join(","),
        cs.iter()
            .map(|c| s(&c["image"]).to_string())
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// PartialObjectMetadata for `rows[].object` (includeObject=Metadata, the default).
fn row_object(o: &Value, include: &str) -> Value {
    match include {
        "None" => Value::Null,
        "Object" => o.clone(),
        _ => {
            let mut md = o["metadata"].clone();
            if let Some(m) = md.as_object_mut() {
                m.remove("managedFields");
            }
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": md})
        }
    }
}

pub fn row(def: &ResourceDef, o: &Value, include: &str, now: jiff::Timestamp) -> Value {
    let mut r = json!({"cells": cells(def.kind, o, now), "object": row_object(o, include)});
    if def.kind == "Pod" {
        match o["status"]["phase"].as_str() {
            Some("Succeeded") => {
                r["conditions"] = json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}])
            }
            Some("Failed") => {
                r["conditions"] = json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}])
            }
            _ => {}
        }
    }
    r
}

/// A Table of `objs`; `headers` false for watch events after the first (kubectl
/// reuses the last column definitions, see its HumanReadablePrinter).
pub fn table(
    def: &ResourceDef,
    objs: &[&Value],
    rv: Option<&str>,
    cont: Option<&str>,
    include: &str,
    headers: bool,
) -> Value {
    let now = jiff::Timestamp::now();
    let mut md = json!({});
    if let Some(rv) = rv {
        md["resourceVersion"] = json!(rv);
    }
    if let Some(c) = cont {
        md["continue"] = json!(c);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": md,
        "columnDefinitions": if headers { column_definitions(def.kind) } else { json!([]) },
        "rows": objs.iter().map(|o| row(def, o, include, now)).collect::<Vec<_>>(),
    })
}

/// metav1.FormatLabelSelector: `k=v,k in (a,b),!k`, `<none>` for an empty selector.
fn format_selector(sel: &Value) -> String {
    let mut parts: Vec<String> = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str().unwrap_or("");
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match e["operator"].as_str().unwrap_or("") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            _ => format!("!{key}"),
        });
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}
