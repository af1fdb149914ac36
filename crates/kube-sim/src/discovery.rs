//! Discovery documents built from [`RESOURCES`], so they advertise exactly what is
//! served. Shapes follow golden `discovery/*.json` (aggregated v2 and legacy).

use serde_json::{json, Value};

use super::resources::{self, ResourceDef, RESOURCES};

pub const AGGREGATED_CT: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "36",
        "emulationMajor": "1",
        "emulationMinor": "36",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "35",
        "gitVersion": "v1.36.2",
        // a 40-hex commit and RFC 3339 date, as golden README asks of a fake
        "gitCommit": "6c0c8f5a4e3b2d1c0b9a8f7e6d5c4b3a2f1e0d9c",
        "gitTreeState": "clean",
        "buildDate": "2026-06-10T12:00:00Z",
        "goVersion": "go1.26.4",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

fn in_group<'a>(
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static ResourceDef> + 'a {
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

fn sorted(group: &str, version: &str) -> Vec<&'static ResourceDef> {
    let mut v: Vec<_> = in_group(group, version).collect();
    v.sort_by_key(|r| r.plural);
    v
}

fn aggregated_resource(r: &ResourceDef) -> Value {
    let mut o = json!({
        "resource": r.plural,
        "responseKind": {"group": "", "version": "", "kind": r.kind},
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    if !r.short_names.is_empty() {
        o["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        o["categories"] = json!(r.categories);
    }
    if !r.subresources.is_empty() {
        o["subresources"] = r
            .subresources
            .iter()
            .map(|s| {
                let (g, v, k) = s.response.unwrap_or(("", "", r.kind));
                json!({"subresource": s.name, "responseKind": {"group": g, "version": v, "kind": k}, "verbs": s.verbs})
            })
            .collect();
    }
    o
}

fn aggregated_group(name: Option<&str>, group: &str) -> Value {
    let mut md = json!({});
    if let Some(n) = name {
        md["name"] = json!(n);
    }
    let versions: Vec<Value> = resources::versions(group)
        .into_iter()
        .map(|v| {
            json!({
                "version": v,
                "resources": sorted(group, v).into_iter().map(aggregated_resource).collect::<Vec<_>>(),
                "freshness": "Current",
            })
        })
        .collect();
    json!({"metadata": md, "versions": versions})
}

/// `GET /api` with the aggregated Accept.
pub fn api_aggregated() -> Value {
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": [aggregated_group(None, "")]})
}

/// `GET /apis` with the aggregated Accept.
pub fn apis_aggregated() -> Value {
    let items: Vec<Value> = resources::groups()
        .into_iter()
        .map(|g| aggregated_group(Some(g), g))
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}

pub fn api_versions(server_address: &str) -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]})
}

fn group_entry(g: &str) -> Value {
    let gvs: Vec<Value> = resources::versions(g)
        .into_iter()
        .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
        .collect();
    json!({"name": g, "preferredVersion": gvs[0].clone(), "versions": gvs})
}

pub fn api_group_list() -> Value {
    let groups: Vec<Value> = resources::groups().into_iter().map(group_entry).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn api_group(g: &str) -> Value {
    let mut e = group_entry(g);
    e["kind"] = json!("APIGroup");
    e["apiVersion"] = json!("v1");
    e
}

/// `GET /api/v1` or `/apis/<g>/<v>` (`APIResourceList`).
pub fn resource_list(group: &str, version: &str) -> Value {
    let mut list = Vec::new();
    for r in sorted(group, version) {
        let mut o = json!({
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": r.verbs,
        });
        if !r.short_names.is_empty() {
            o["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            o["categories"] = json!(r.categories);
        }
        o["storageVersionHash"] = json!(r.storage_version_hash);
        list.push(o);
        for s in r.subresources {
            let mut so = json!({"name": format!("{}/{}", r.plural, s.name), "singularName": "", "namespaced": r.namespaced});
            match s.response {
                Some((g, v, k)) if !g.is_empty() => {
                    so["group"] = json!(g);
                    so["version"] = json!(v);
                    so["kind"] = json!(k);
                }
                Some((_, _, k)) => so["kind"] = json!(k),
                None => so["kind"] = json!(r.kind),
            }
            so["verbs"] = json!(s.verbs);
            list.push(so);
        }
    }
    let mut out = json!({"kind": "APIResourceList"});
    if !group.is_empty() {
        out["apiVersion"] = json!("v1");
    }
    out["groupVersion"] = json!(if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    });
    out["resources"] = json!(list);
    out
}
