//! HTTP front of the simulated kube-apiserver: path routing as the apiserver's
//! installer lays it out (`/api/v1/...`, `/apis/<g>/<v>/...`), content
//! negotiation (JSON, Table, aggregated discovery), verbs and watch streaming.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;
use http::{header, HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use super::conversion;
use super::discovery;
use super::registry::{DeleteOpts, ListOpts, PatchType, WriteOpts};
use super::resources::{self, ResourceDef};
use super::selectors::{FieldSelector, LabelSelector};
use super::status::{self as st, ApiError};
use super::store::{Event, EventType};
use super::tables;
use super::validation;
use super::Sim;

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new().fallback(handle).with_state(sim)
}

type Query = HashMap<String, String>;

fn json_response(code: u16, body: &Value) -> Response {
    Response::builder()
        .status(code)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(Body::from(body.to_string()))
        .expect("valid response")
}

fn error_response(e: ApiError) -> Response {
    if let Some(text) = e.plain {
        return Response::builder()
            .status(e.code)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header("X-Content-Type-Options", "nosniff")
            .body(Body::from(text))
            .expect("valid response");
    }
    let mut r = json_response(e.code, &e.body);
    if let Some(s) = e.retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, s.to_string().parse().expect("digits"));
    }
    r
}

/// What the client's Accept header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Json,
    Table,
    Aggregated,
}

fn negotiate(headers: &HeaderMap) -> Want {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Clients list preferences in order; the first we can serve wins.
    for part in accept.split(',') {
        let p = part.replace(' ', "");
        if p.contains("as=Table") && p.contains("g=meta.k8s.io") {
            return Want::Table;
        }
        if p.contains("as=APIGroupDiscoveryList") && p.contains("v=v2") && !p.contains("v2beta1") {
            return Want::Aggregated;
        }
        if p.starts_with("application/json") || p.starts_with("*/*") || p.is_empty() {
            return Want::Json;
        }
    }
    Want::Json
}

async fn handle(State(sim): State<Arc<Sim>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query: Query = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let body = match axum::body::to_bytes(body, 64 << 20).await {
        Ok(b) => b,
        Err(_) => return error_response(st::bad_request("request body too large")),
    };
    let start = std::time::Instant::now();
    let latency = sim.faults.lock().map(|f| f.latency).unwrap_or_default();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let resp = match route(&sim, &parts.method, &path, &query, &parts.headers, body).await {
        Ok(r) => r,
        Err(e) => error_response(e),
    };
    sim.record(super::RequestRecord {
        method: parts.method.to_string(),
        path,
        query: parts.uri.query().unwrap_or("").to_string(),
        status: resp.status().as_u16(),
        latency: start.elapsed(),
        // a body of known length (every answer but a watch's stream)
        bytes: axum::body::HttpBody::size_hint(resp.body()).exact(),
    });
    resp
}

/// A resource request, parsed from the path.
struct Target {
    def: &'static ResourceDef,
    namespace: Option<String>,
    name: Option<String>,
    sub: Option<String>,
}

enum Parsed {
    Discovery(Value, Want),
    Resource(Target),
}

fn parse_path(sim: &Sim, path: &str, want: Want) -> Result<Parsed, ApiError> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (group, version, rest): (&str, &str, &[&str]) = match segs.as_slice() {
        ["api"] => {
            return Ok(if want == Want::Aggregated {
                Parsed::Discovery(discovery::api_aggregated(), Want::Aggregated)
            } else {
                Parsed::Discovery(discovery::api_versions(&sim.address()), Want::Json)
            })
        }
        ["apis"] => {
            return Ok(if want == Want::Aggregated {
                Parsed::Discovery(discovery::apis_aggregated(), Want::Aggregated)
            } else {
                Parsed::Discovery(discovery::api_group_list(), Want::Json)
            })
        }
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", g, rest @ ..] if resources::is_group(g) => match rest {
            [] => return Ok(Parsed::Discovery(discovery::api_group(g), Want::Json)),
            [v, rest @ ..] if resources::versions(g).contains(v) => (*g, *v, rest),
            _ => return Err(ApiError::page_not_found()),
        },
        _ => return Err(ApiError::page_not_found()),
    };
    if rest.is_empty() {
        return Ok(Parsed::Discovery(
            discovery::resource_list(group, version),
            Want::Json,
        ));
    }
    let find = |plural: &str| resources::find(group, version, plural);
    let (def, namespace, tail): (&ResourceDef, Option<String>, &[&str]) = match rest {
        ["namespaces", ns, res, tail @ ..]
            if group.is_empty() && !(tail.is_empty() && matches!(*res, "status" | "finalize")) =>
        {
            let def = find(res).ok_or_else(st::resource_not_found)?;
            if !def.namespaced {
                return Err(st::resource_not_found());
            }
            (def, Some(ns.to_string()), tail)
        }
        ["namespaces", ns, res, tail @ ..] if !group.is_empty() => {
            let def = find(res).ok_or_else(st::resource_not_found)?;
            if !def.namespaced {
                return Err(st::resource_not_found());
            }
            (def, Some(ns.to_string()), tail)
        }
        [res, tail @ ..] => {
            let def = find(res).ok_or_else(st::resource_not_found)?;
            if def.namespaced && !tail.is_empty() {
                return Err(st::resource_not_found());
            }
            (def, None, tail)
        }
        [] => unreachable!("rest is not empty"),
    };
    let (name, sub) = match tail {
        [] => (None, None),
        [n] => (Some(n.to_string()), None),
        // a proxy subresource takes the rest of the path (`nodes/n1/proxy/stats/summary`)
        [n, s @ "proxy", ..] if def.sub(s).is_some() => (Some(n.to_string()), Some(s.to_string())),
        [n, s] => {
            if def.sub(s).is_none() {
                return Err(st::resource_not_found());
            }
            (Some(n.to_string()), Some(s.to_string()))
        }
        _ => return Err(st::resource_not_found()),
    };
    Ok(Parsed::Resource(Target {
        def,
        namespace,
        name,
        sub,
    }))
}

/// The Status a real server sends for these codes (apimachinery errors.go).
fn injected(f: super::Fault) -> ApiError {
    let mut e = match f.status {
        429 => ApiError::new(429, "TooManyRequests", "Too many requests, please try again later.", Some(json!({"retryAfterSeconds": f.retry_after.unwrap_or(1)}))),
        503 => ApiError::new(503, "ServiceUnavailable", "the server is currently unable to handle the request", Some(json!({"retryAfterSeconds": f.retry_after.unwrap_or(1)}))),
        504 => ApiError::new(504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request", Some(json!({}))),
        code => ApiError::new(code, "InternalError", "Internal error occurred: injected fault", Some(json!({"causes": [{"message": "injected fault"}]}))),
    };
    e.retry_after = f.retry_after;
    e
}

/// Bearer-token authentication (golden 401 body); None = anonymous allowed.
fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let tokens = &sim.config().tokens;
    if tokens.is_empty() {
        return Ok(None);
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match token {
        None if sim.config().anonymous_auth => Ok(Some("system:anonymous".into())),
        None => Err(st::unauthorized()),
        Some(t) => match tokens.iter().find(|(tok, _)| tok == t) {
            Some((_, user)) => Ok(Some(user.clone())),
            None => Err(st::unauthorized()),
        },
    }
}

fn verb_of(method: &Method, named: bool, q: &Query) -> &'static str {
    match *method {
        Method::GET if q.get("watch").is_some_and(|v| v == "true" || v == "1") => "watch",
        Method::GET if named => "get",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if named => "delete",
        Method::DELETE => "deletecollection",
        _ => "unknown",
    }
}

/// The RBAC authorizer's denial message (apiserver `forbiddenMessage`).
fn forbidden(
    user: &str,
    verb: &str,
    def: &ResourceDef,
    sub: Option<&str>,
    ns: Option<&str>,
    name: Option<&str>,
) -> ApiError {
    let resource = match sub {
        Some(s) => format!("{}/{s}", def.plural),
        None => def.plural.to_string(),
    };
    // the subject is the resource without its subresource (NewForbidden's GroupResource); the
    // reason names both (apiserver responsewriters `forbiddenMessage`)
    let qualified = def.qualified();
    let subject = match name {
        Some(n) => format!("{qualified} \"{n}\" is forbidden"),
        None => format!("{qualified} is forbidden"),
    };
    let scope = match ns {
        Some(n) => format!(" in the namespace \"{n}\""),
        None => " at the cluster scope".to_string(),
    };
    let mut d = json!({});
    if let Some(n) = name {
        d["name"] = json!(n);
    }
    if !def.group.is_empty() {
        d["group"] = json!(def.group);
    }
    d["kind"] = json!(def.plural);
    ApiError::new(
        403,
        "Forbidden",
        format!("{subject}: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{}\"{scope}", def.group),
        Some(d),
    )
}

async fn route(
    sim: &Arc<Sim>,
    method: &Method,
    path: &str,
    q: &Query,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if path == "/version" || path == "/version/" {
        return Ok(json_response(200, &discovery::version()));
    }
    let user = authenticate(sim, headers)?;
    if matches!(path, "/healthz" | "/livez" | "/readyz") {
        return Ok(Response::builder()
            .status(200)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Body::from("ok"))
            .expect("response"));
    }
    if let Some(rest) = path.strip_prefix("/openapi/") {
        let body = match rest.trim_end_matches('/') {
            "v3" => Some(super::openapi::v3_index().to_string()),
            "v2" => {
                // only JSON is served; a protobuf-only Accept gets 406 as from a server without it
                let accept = headers
                    .get(header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("*/*");
                if !(accept.contains("json") || accept.contains("*/*")) {
                    return Err(st::not_acceptable());
                }
                Some(super::openapi::v2())
            }
            p => p.strip_prefix("v3/").and_then(super::openapi::v3),
        };
        return match body {
            Some(b) => Ok(Response::builder()
                .status(200)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CACHE_CONTROL, "no-cache, private")
                .body(Body::from(b))
                .expect("response")),
            None => Err(ApiError::page_not_found()),
        };
    }
    let want = negotiate(headers);
    let t = match parse_path(sim, path, want)? {
        Parsed::Discovery(v, w) => {
            if *method != Method::GET {
                return Err(st::method_not_allowed());
            }
            let mut r = json_response(200, &v);
            if w == Want::Aggregated {
                let h = r.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    discovery::AGGREGATED_CT.parse().expect("ct"),
                );
                h.insert(header::CACHE_CONTROL, "public".parse().expect("cc"));
                h.insert(header::VARY, "Accept".parse().expect("vary"));
            }
            return Ok(r);
        }
        Parsed::Resource(t) => t,
    };
    let def = t.def;
    // the version objects are stored in (another one for autoscaling/v2)
    let store_def = resources::storage_def(def);
    let ns = t.namespace.clone().unwrap_or_default();
    if let Some(f) = sim.take_fault(verb_of(method, t.name.is_some(), q), def.plural) {
        return Err(injected(f));
    }
    if let Some(name) = &t.name {
        if let Some(i) = sim.take_interleave(verb_of(method, true, q), def.plural) {
            // another writer got there first (a test's deterministic race)
            sim.registry
                .interleave(store_def, &ns, name, i.patch.as_ref());
        }
    }
    if let Some(user) = &user {
        let verb = verb_of(method, t.name.is_some(), q);
        let denied = sim.config().deny.iter().any(|(u, v, r)| {
            // `pods@cluster`: only across namespaces (what a namespaced RoleBinding leaves out);
            // `nodes/proxy`: only that subresource (RBAC names a subresource apart: a user may
            // get nodes and not nodes/proxy)
            let sub = t.sub.as_deref().map(|s| format!("{}/{s}", def.plural));
            let resource = r == def.plural
                || r == "*"
                || sub.as_deref() == Some(r.as_str())
                || (t.namespace.is_none() && r.strip_suffix("@cluster") == Some(def.plural));
            u == user && (v == verb || v == "*") && resource
        });
        if denied {
            return Err(forbidden(
                user,
                verb,
                def,
                t.sub.as_deref(),
                t.namespace.as_deref(),
                t.name.as_deref(),
            ));
        }
    }
    let wopts = WriteOpts {
        dry_run: q.get("dryRun").is_some_and(|v| v == "All"),
        strict_fields: q.get("fieldValidation").is_some_and(|v| v == "Strict"),
        manager: super::managed::manager_of(
            q.get("fieldManager").map(String::as_str),
            headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
        ),
    };
    let reg = &sim.registry;
    match (&t.name, t.sub.as_deref(), method.clone()) {
        (None, None, Method::GET) => {
            let watch = q.get("watch").is_some_and(|v| v == "true" || v == "1");
            let list_opts = list_options(def, q)?;
            if watch {
                return watch_response(sim, def, t.namespace.as_deref(), q, list_opts, want);
            }
            let res = reg.list(def, t.namespace.as_deref(), &list_opts)?;
            let rv = res.rv.to_string();
            if want == Want::Table {
                let objs: Vec<&Value> = res.items.iter().map(|o| o.as_ref()).collect();
                let include = q
                    .get("includeObject")
                    .map(String::as_str)
                    .unwrap_or("Metadata");
                let mut tbl = tables::table(
                    def,
                    &objs,
                    Some(&rv),
                    res.continue_token.as_deref(),
                    include,
                    true,
                );
                if let Some(n) = res.remaining {
                    tbl["metadata"]["remainingItemCount"] = json!(n);
                }
                return Ok(json_response(200, &tbl));
            }
            let mut md = json!({"resourceVersion": rv});
            if let Some(c) = &res.continue_token {
                md["continue"] = json!(c);
            }
            if let Some(n) = res.remaining {
                md["remainingItemCount"] = json!(n);
            }
            let items: Vec<Value> = res
                .items
                .iter()
                .map(|o| conversion::present(def, o))
                .collect();
            Ok(json_response(
                200,
                &json!({"kind": format!("{}List", def.kind), "apiVersion": def.api_version(), "metadata": md, "items": items}),
            ))
        }
        (None, None, Method::POST) => {
            if def.namespaced && t.namespace.is_none() {
                return Err(st::method_not_allowed());
            }
            let v = conversion::to_storage(def, &parse_body(headers, &body)?);
            let warnings = field_validation(store_def, &v, q)?;
            let o = reg.create(store_def, &ns, v, &wopts)?;
            Ok(with_warnings(
                object_response(201, def, &o, want),
                &warnings,
            ))
        }
        (None, None, Method::DELETE) => {
            // deletecollection
            if !def.verbs.contains(&"deletecollection") {
                return Err(st::method_not_allowed());
            }
            let list_opts = list_options(def, q)?;
            let dopts = delete_options(q, &body)?;
            let res = reg.list(def, t.namespace.as_deref(), &list_opts)?;
            let mut out = Vec::new();
            for o in &res.items {
                let n = o["metadata"]["name"].as_str().unwrap_or("");
                let ons = o["metadata"]["namespace"].as_str().unwrap_or("");
                if let Ok(v) = reg.delete(def, ons, n, &dopts) {
                    out.push(v);
                }
            }
            Ok(json_response(
                200,
                &json!({"kind": format!("{}List", def.kind), "apiVersion": def.api_version(), "metadata": {"resourceVersion": reg.store.current_rv().to_string()}, "items": out}),
            ))
        }
        (Some(name), None, Method::GET) => {
            let o = reg.get(def, &ns, name)?;
            Ok(object_response(200, def, &o, want))
        }
        (Some(name), Some("status"), Method::GET) => Ok(object_response(
            200,
            def,
            reg.get(def, &ns, name)?.as_ref(),
            want,
        )),
        (Some(name), sub @ (None | Some("status") | Some("finalize")), Method::PUT) => {
            let v = conversion::to_storage(def, &parse_body(headers, &body)?);
            let warnings = if sub.is_none() {
                field_validation(store_def, &v, q)?
            } else {
                vec![]
            };
            let (o, created) = reg.put(store_def, &ns, name, v, sub, &wopts)?;
            Ok(with_warnings(
                object_response(if created { 201 } else { 200 }, def, &o, want),
                &warnings,
            ))
        }
        (Some(name), sub @ (None | Some("status") | Some("scale")), Method::PATCH) => {
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let ct = ct.split(';').next().unwrap_or("").trim();
            let ptype = match ct {
                "application/json-patch+json" => PatchType::Json,
                "application/merge-patch+json" => PatchType::Merge,
                "application/strategic-merge-patch+json" => PatchType::Strategic,
                _ => return Err(st::unsupported_media_type()),
            };
            if conversion::converted(def) {
                // patched in the requested version's form, stored in the storage version's
                let cur = reg.get(store_def, &ns, name)?;
                let patch_v: Value = serde_json::from_slice(&body)
                    .map_err(|e| st::bad_request(format!("error decoding patch: {e}")))?;
                let mut patched = super::registry::apply_patch(
                    def,
                    &conversion::present(def, &cur),
                    &patch_v,
                    ptype,
                )?;
                if patched["metadata"]["resourceVersion"].is_null() {
                    patched["metadata"]["resourceVersion"] =
                        cur["metadata"]["resourceVersion"].clone();
                }
                let v = conversion::to_storage(def, &patched);
                let o = reg.update(store_def, &ns, name, v, sub, &wopts)?;
                return Ok(object_response(200, def, &o, want));
            }
            let o = reg.patch(def, &ns, name, (ptype, &body), sub, &wopts)?;
            if sub == Some("scale") {
                return Ok(json_response(200, &o));
            }
            Ok(object_response(200, def, &o, want))
        }
        (Some(name), None, Method::DELETE) => {
            let dopts = delete_options(q, &body)?;
            let out = reg.delete(def, &ns, name, &dopts)?;
            let out = if out["kind"] == def.kind {
                conversion::present(def, &out)
            } else {
                out
            };
            // apiserver handlers/delete.go: 200, except 202 when the object is still there and the
            // client asked for orphanDependents=false (kept that way for old clients)
            let still_there =
                out["kind"] != "Status" && !out["metadata"]["deletionTimestamp"].is_null();
            let code = if still_there && body_orphan_false(&body) {
                202
            } else {
                200
            };
            Ok(json_response(code, &out))
        }
        (Some(name), Some("scale"), Method::GET) => {
            Ok(json_response(200, &reg.get_scale(def, &ns, name)?))
        }
        (Some(name), Some("scale"), Method::PUT) => {
            let v = parse_body(headers, &body)?;
            Ok(json_response(
                200,
                &reg.update_scale(def, &ns, name, v, &wopts)?,
            ))
        }
        (Some(name), Some("eviction"), Method::POST) => {
            let v = parse_body(headers, &body)?;
            Ok(json_response(201, &reg.evict(&ns, name, &v)?))
        }
        (Some(name), Some("proxy"), Method::GET) => {
            let rest = path
                .split_once("/proxy")
                .map(|(_, r)| r)
                .unwrap_or_default();
            Ok(json_response(200, &sim.node_proxy(name, rest)?))
        }
        (Some(name), Some("binding"), Method::POST) => {
            let v = parse_body(headers, &body)?;
            Ok(json_response(201, &reg.bind(&ns, name, &v)?))
        }
        _ => Err(st::method_not_allowed()),
    }
}

fn with_warnings(mut r: Response, warnings: &[String]) -> Response {
    for w in warnings {
        if let Ok(v) = format!("299 - \"{}\"", w.replace('"', "\\\"")).parse() {
            r.headers_mut().append("Warning", v);
        }
    }
    r
}

fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/vnd.kubernetes.protobuf") {
        return super::protobuf::decode(body).ok_or_else(st::unsupported_media_type);
    }
    serde_json::from_slice(body).map_err(|e| {
        st::bad_request(format!(
            "Object 'Kind' is missing in '{}': {e}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    })
}

/// `?fieldValidation=Strict|Warn|Ignore` (default Warn on the server side).
fn field_validation(def: &ResourceDef, v: &Value, q: &Query) -> Result<Vec<String>, ApiError> {
    let mode = q
        .get("fieldValidation")
        .map(String::as_str)
        .unwrap_or("Warn");
    if mode == "Ignore" {
        return Ok(vec![]);
    }
    let unknown = validation::unknown_fields(def.kind, v);
    if unknown.is_empty() {
        return Ok(vec![]);
    }
    let msgs: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    if mode == "Strict" {
        return Err(st::bad_request(format!(
            "strict decoding error: {}",
            msgs.join(", ")
        )));
    }
    Ok(msgs)
}

fn object_response(code: u16, def: &'static ResourceDef, o: &Value, want: Want) -> Response {
    if want == Want::Table {
        let include = "Metadata";
        let rv = o["metadata"]["resourceVersion"].as_str().map(String::from);
        return json_response(
            code,
            &tables::table(def, &[o], rv.as_deref(), None, include, true),
        );
    }
    json_response(code, &super::conversion::present(def, o))
}

fn list_options(def: &ResourceDef, q: &Query) -> Result<ListOpts, ApiError> {
    let label = LabelSelector::parse(q.get("labelSelector").map(String::as_str).unwrap_or(""))
        .map_err(st::bad_request)?;
    let field = FieldSelector::parse(
        q.get("fieldSelector").map(String::as_str).unwrap_or(""),
        def.kind,
        def.field_selectors,
    )
    .map_err(st::bad_request)?;
    let limit = match q.get("limit") {
        Some(l) => Some(
            l.parse::<usize>()
                .map_err(|_| st::bad_request(format!("invalid limit: {l}")))?,
        ),
        None => None,
    };
    Ok(ListOpts {
        label,
        field,
        limit,
        continue_token: q.get("continue").filter(|c| !c.is_empty()).cloned(),
        resource_version: q.get("resourceVersion").cloned(),
        rv_match: q
            .get("resourceVersionMatch")
            .filter(|c| !c.is_empty())
            .cloned(),
    })
}

fn body_orphan_false(body: &Bytes) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|v| v["orphanDependents"] == false)
}

/// DeleteOptions: from the JSON body when one is sent (query ignored, as the real
/// server does; golden "SURPRISE"), else from the query.
fn delete_options(q: &Query, body: &Bytes) -> Result<DeleteOpts, ApiError> {
    let trimmed = body.iter().any(|b| !b.is_ascii_whitespace());
    if trimmed {
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| st::bad_request(format!("error decoding DeleteOptions: {e}")))?;
        return Ok(DeleteOpts {
            grace_period: v["gracePeriodSeconds"].as_i64(),
            precondition_uid: v["preconditions"]["uid"].as_str().map(String::from),
            precondition_rv: v["preconditions"]["resourceVersion"]
                .as_str()
                .map(String::from),
            propagation: v["propagationPolicy"]
                .as_str()
                .map(String::from)
                .or_else(|| match v["orphanDependents"].as_bool() {
                    Some(true) => Some("Orphan".into()),
                    _ => None,
                }),
            dry_run: v["dryRun"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "All")),
        });
    }
    Ok(DeleteOpts {
        grace_period: q.get("gracePeriodSeconds").and_then(|s| s.parse().ok()),
        precondition_uid: None,
        precondition_rv: None,
        propagation: q.get("propagationPolicy").cloned(),
        dry_run: q.get("dryRun").is_some_and(|v| v == "All"),
    })
}

/// How a watcher sees an event given its filters: selector transitions become
/// ADDED/DELETED (apiserver cacher `watchCacheEvent` filtering).
fn filter_event(ev: &Event, ns: Option<&str>, lo: &ListOpts) -> Option<(EventType, Arc<Value>)> {
    if ns.is_some_and(|n| n != ev.namespace) {
        return None;
    }
    let m = |o: &Value| lo.label.matches_object(o) && lo.field.matches(o);
    let cur = m(&ev.object);
    let prev = ev.prev.as_ref().map(|p| m(p)).unwrap_or(false);
    match ev.kind {
        EventType::Added => cur.then(|| (EventType::Added, ev.object.clone())),
        EventType::Deleted => prev.then(|| (EventType::Deleted, ev.object.clone())),
        EventType::Modified => match (prev, cur) {
            (true, true) => Some((EventType::Modified, ev.object.clone())),
            (false, true) => Some((EventType::Added, ev.object.clone())),
            (true, false) => Some((EventType::Deleted, ev.object.clone())),
            (false, false) => None,
        },
    }
}

struct WatchEncoder {
    def: &'static ResourceDef,
    want: Want,
    include: String,
    sent_headers: bool,
}

impl WatchEncoder {
    fn line(&mut self, ty: &str, obj: &Value) -> Bytes {
        let obj = if self.want == Want::Table && ty != "BOOKMARK" && ty != "ERROR" {
            let t = tables::table(
                self.def,
                &[obj],
                obj["metadata"]["resourceVersion"].as_str(),
                None,
                &self.include,
                !self.sent_headers,
            );
            self.sent_headers = true;
            t
        } else if ty == "BOOKMARK" || ty == "ERROR" {
            obj.clone()
        } else {
            conversion::present(self.def, obj)
        };
        let mut s = json!({"type": ty, "object": obj}).to_string();
        s.push('\n');
        Bytes::from(s)
    }

    fn bookmark(&mut self, rv: u64, initial_end: bool) -> Bytes {
        let mut o = json!({"kind": self.def.kind, "apiVersion": self.def.api_version(), "metadata": {"resourceVersion": rv.to_string()}});
        if initial_end {
            o["metadata"]["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        if self.def.kind == "Pod" {
            o["spec"] = json!({"containers": null});
            o["status"] = json!({});
        }
        self.line("BOOKMARK", &o)
    }
}

fn watch_response(
    sim: &Arc<Sim>,
    def: &'static ResourceDef,
    ns: Option<&str>,
    q: &Query,
    lo: ListOpts,
    want: Want,
) -> Result<Response, ApiError> {
    let bookmarks = q
        .get("allowWatchBookmarks")
        .is_some_and(|v| v == "true" || v == "1");
    let send_initial = q.get("sendInitialEvents").map(|v| v == "true");
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(1800);
    let rv_param = q.get("resourceVersion").cloned().unwrap_or_default();
    if send_initial.is_some() && lo.rv_match.as_deref() != Some("NotOlderThan") {
        return Err(st::invalid(
            "meta.k8s.io",
            "ListOptions",
            "ListOptions.meta.k8s.io",
            "",
            &[st::FieldError::forbidden(
                "resourceVersionMatch",
                "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
            )],
        ));
    }
    let mut enc = WatchEncoder {
        def,
        want,
        include: q
            .get("includeObject")
            .cloned()
            .unwrap_or_else(|| "Metadata".into()),
        sent_headers: false,
    };
    let ns_owned = ns.map(String::from);
    let (tx, rx) = mpsc::channel::<Bytes>(256);

    // Under the store lock: the initial state or history, and the live subscription, with no gap.
    let (initial, mut live, start_rv, too_old) = {
        let txn = sim.registry.store.lock();
        let cur = txn.rv();
        let from: Option<u64> = match rv_param.as_str() {
            "" | "0" => None,
            s => Some(
                s.parse()
                    .map_err(|_| st::bad_request(format!("invalid resource version: {s}")))?,
            ),
        };
        let replay_all = from.is_none() || send_initial == Some(true);
        let mut initial: Vec<(EventType, Arc<Value>)> = Vec::new();
        let mut too_old = None;
        if replay_all {
            for (_, o) in txn.list(def, ns) {
                if lo.label.matches_object(&o) && lo.field.matches(&o) {
                    initial.push((EventType::Added, o));
                }
            }
        } else if let Some(from) = from {
            match txn.events_since(def, from) {
                Some(evs) => initial.extend(evs.iter().filter_map(|e| filter_event(e, ns, &lo))),
                None => too_old = Some((from, txn.compacted_rv() + 1)),
            }
        }
        (initial, txn.subscribe(), cur, too_old)
    };

    let sim2 = sim.clone();
    tokio::spawn(async move {
        if let Some((from, oldest)) = too_old {
            let status = st::expired(format!("too old resource version: {from} ({oldest})")).body;
            let _ = tx.send(enc.line("ERROR", &status)).await;
            return;
        }
        for (ty, o) in &initial {
            if tx.send(enc.line(ty.as_str(), o)).await.is_err() {
                return;
            }
        }
        if send_initial == Some(true)
            && bookmarks
            && tx.send(enc.bookmark(start_rv, true)).await.is_err()
        {
            return;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
        let cut_after = sim2.faults.lock().ok().and_then(|f| f.cut_watch_after);
        let mut sent = initial.len();
        let mut last_rv = start_rv;
        let mut ticker = tokio::time::interval(Duration::from_secs(60));
        ticker.tick().await;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return,
                _ = tx.closed() => return,
                _ = ticker.tick(), if bookmarks => {
                    if tx.send(enc.bookmark(last_rv, false)).await.is_err() { return; }
                }
                ev = live.recv() => match ev {
                    Ok(ev) => {
                        if ev.rv <= start_rv || !crate::store::same_resource(ev.def, def) { continue; }
                        last_rv = ev.rv;
                        if let Some((ty, o)) = filter_event(&ev, ns_owned.as_deref(), &lo) {
                            if tx.send(enc.line(ty.as_str(), &o)).await.is_err() { return; }
                            sent += 1;
                            // injected: the connection drops mid-stream
                            if cut_after.is_some_and(|n| sent >= n) { return; }
                        }
                    }
                    // A watcher that falls behind is closed; clients re-list (as the cacher does).
                    Err(broadcast::error::RecvError::Lagged(_)) | Err(broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
    });
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(Body::from_stream(stream))
        .expect("valid response"))
}
