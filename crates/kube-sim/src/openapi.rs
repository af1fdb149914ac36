//! `/openapi/v2` and `/openapi/v3[/<group-version>]`: the real documents of a
//! v1.36 server (golden `openapi/`), embedded gzip-compressed, so kubectl's
//! validation and strategic-merge metadata work as against a real cluster.

use std::io::Read;
use std::sync::OnceLock;

use serde_json::Value;

struct Doc {
    path: &'static str,
    gz: &'static [u8],
}

const V3: &[Doc] = &[
    Doc {
        path: "api/v1",
        gz: include_bytes!("openapi/v3-api_v1.json.gz"),
    },
    Doc {
        path: "apis/apps/v1",
        gz: include_bytes!("openapi/v3-apis_apps_v1.json.gz"),
    },
    Doc {
        path: "apis/autoscaling/v1",
        gz: include_bytes!("openapi/v3-apis_autoscaling_v1.json.gz"),
    },
    Doc {
        path: "apis/coordination.k8s.io/v1",
        gz: include_bytes!("openapi/v3-apis_coordination.k8s.io_v1.json.gz"),
    },
    Doc {
        path: "apis/discovery.k8s.io/v1",
        gz: include_bytes!("openapi/v3-apis_discovery.k8s.io_v1.json.gz"),
    },
    Doc {
        path: "apis/storage.k8s.io/v1",
        gz: include_bytes!("openapi/v3-apis_storage.k8s.io_v1.json.gz"),
    },
];
const INDEX: &[u8] = include_bytes!("openapi/v3-index.json.gz");
const V2: &[u8] = include_bytes!("openapi/v2.json.gz");

fn gunzip(gz: &[u8]) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut s)
        .expect("embedded OpenAPI document is valid gzip");
    s
}

/// The v3 index, listing only the group-versions served here (with golden's hashes).
pub fn v3_index() -> &'static str {
    static CELL: OnceLock<String> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut idx: Value = serde_json::from_str(&gunzip(INDEX)).expect("index JSON");
        if let Some(paths) = idx["paths"].as_object_mut() {
            paths.retain(|k, _| V3.iter().any(|d| d.path == k));
            for (p, _) in DERIVED {
                paths.insert((*p).to_string(), serde_json::json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash=0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000DE01")}));
            }
        }
        idx.to_string()
    })
}

/// Group-versions served without a recorded v3 document: built from the v2 definitions.
const DERIVED: &[(&str, &str)] = &[
    ("apis/autoscaling/v2", "io.k8s.api.autoscaling.v2."),
    ("apis/policy/v1", "io.k8s.api.policy.v1."),
];

pub fn v3(path: &str) -> Option<String> {
    if let Some((_, prefix)) = DERIVED.iter().find(|(p, _)| *p == path) {
        return Some(derived_v3(prefix));
    }
    V3.iter().find(|d| d.path == path).map(|d| gunzip(d.gz))
}

/// An OpenAPI v3 document with the v2 schemas under `prefix` and everything they
/// reference (`#/definitions/` → `#/components/schemas/`), enough for kubectl's validation.
fn derived_v3(prefix: &str) -> String {
    let v2: Value = serde_json::from_str(&v2()).expect("v2 JSON");
    let defs = v2["definitions"].as_object().cloned().unwrap_or_default();
    let mut want: Vec<String> = defs
        .keys()
        .filter(|k| k.starts_with(prefix))
        .cloned()
        .collect();
    let mut schemas = serde_json::Map::new();
    while let Some(name) = want.pop() {
        if schemas.contains_key(&name) {
            continue;
        }
        let Some(d) = defs.get(&name) else { continue };
        let text = d
            .to_string()
            .replace("#/definitions/", "#/components/schemas/");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("#/components/schemas/") {
            let tail = &rest[i + "#/components/schemas/".len()..];
            let end = tail.find('"').unwrap_or(tail.len());
            want.push(tail[..end].to_string());
            rest = &tail[end..];
        }
        schemas.insert(name, serde_json::from_str(&text).expect("JSON"));
    }
    // paths too: kubectl's QueryParamVerifierV3 looks for `fieldValidation` among the
    // PATCH parameters before it trusts server-side validation
    let gv_path = match prefix {
        "io.k8s.api.policy.v1." => "/apis/policy/v1/",
        "io.k8s.api.autoscaling.v2." => "/apis/autoscaling/v2/",
        _ => "/nowhere/",
    };
    let params = v2["parameters"].as_object().cloned().unwrap_or_default();
    let mut paths = serde_json::Map::new();
    for (path, item) in v2["paths"].as_object().into_iter().flatten() {
        if !path.starts_with(gv_path) {
            continue;
        }
        let mut out = serde_json::Map::new();
        for (method, op) in item.as_object().into_iter().flatten() {
            if method == "parameters" {
                let ps: Vec<Value> = op
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| v3_param(p, &params))
                    .filter(|p| p["in"] != "body")
                    .collect();
                out.insert(method.clone(), Value::Array(ps));
                continue;
            }
            let mut op = op.clone();
            let mut ps = Vec::new();
            for p in op["parameters"].as_array().cloned().unwrap_or_default() {
                let Some(p) = v3_param(&p, &params) else {
                    continue;
                };
                if p["in"] == "body" {
                    op["requestBody"] = serde_json::json!({"content": {"application/json": {"schema": p["schema"]}}, "required": true});
                } else {
                    ps.push(p);
                }
            }
            op["parameters"] = Value::Array(ps);
            if let Some(rs) = op["responses"].as_object_mut() {
                for r in rs.values_mut() {
                    if let Some(schema) = r.as_object_mut().and_then(|m| m.remove("schema")) {
                        r["content"] = serde_json::json!({"application/json": {"schema": schema}});
                    }
                }
            }
            op.as_object_mut().map(|m| {
                m.remove("consumes");
                m.remove("produces");
                m.remove("schemes")
            });
            out.insert(method.clone(), op);
        }
        let text = Value::Object(out)
            .to_string()
            .replace("#/definitions/", "#/components/schemas/");
        paths.insert(path.clone(), serde_json::from_str(&text).expect("JSON"));
    }
    serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.36.2"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
    .to_string()
}

/// A v2 parameter (possibly a `#/parameters/` reference) in v3 form: the type moves into `schema`.
fn v3_param(p: &Value, params: &serde_json::Map<String, Value>) -> Option<Value> {
    let p = match p["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/parameters/"))
    {
        Some(name) => params.get(name)?.clone(),
        None => p.clone(),
    };
    let mut p = p;
    if p["in"] != "body" {
        let m = p.as_object_mut()?;
        let mut schema = serde_json::Map::new();
        for k in ["type", "uniqueItems", "items", "format"] {
            if let Some(v) = m.remove(k) {
                schema.insert(k.to_string(), v);
            }
        }
        m.insert("schema".into(), Value::Object(schema));
    }
    Some(p)
}

pub fn v2() -> String {
    gunzip(V2)
}
