//! Strategic merge patch, as apimachinery `pkg/util/strategicpatch` applies it:
//! lists merge by the `x-kubernetes-patch-merge-key` / `-patch-strategy` that the
//! OpenAPI v2 document declares, with the `$patch`, `$retainKeys`,
//! `$setElementOrder/…` and `$deleteFromPrimitiveList/…` directives.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

struct Schemas {
    defs: Map<String, Value>,
    by_gvk: HashMap<(String, String, String), String>,
}

fn schemas() -> &'static Schemas {
    static CELL: OnceLock<Schemas> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut doc: Value = serde_json::from_str(&super::openapi::v2()).expect("v2 JSON");
        let defs = doc["definitions"]
            .as_object_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let mut by_gvk = HashMap::new();
        for (name, d) in &defs {
            for g in d["x-kubernetes-group-version-kind"]
                .as_array()
                .into_iter()
                .flatten()
            {
                by_gvk.insert(
                    (
                        g["group"].as_str().unwrap_or("").to_string(),
                        g["version"].as_str().unwrap_or("").to_string(),
                        g["kind"].as_str().unwrap_or("").to_string(),
                    ),
                    name.clone(),
                );
            }
        }
        Schemas { defs, by_gvk }
    })
}

/// Every definition of the OpenAPI v2 document, by name (`io.k8s.api.apps.v1.StatefulSet`).
pub(crate) fn definitions() -> &'static Map<String, Value> {
    &schemas().defs
}

/// The definition of a kind, by group, version and kind.
pub(crate) fn definition_name(group: &str, version: &str, kind: &str) -> Option<&'static str> {
    schemas()
        .by_gvk
        .get(&(group.to_string(), version.to_string(), kind.to_string()))
        .map(String::as_str)
}

/// A position in the schema: the definition an object value follows.
#[derive(Clone, Copy)]
struct Schema<'a>(Option<&'a Value>);

impl<'a> Schema<'a> {
    fn resolve(v: &'a Value) -> Schema<'a> {
        let r = v["$ref"]
            .as_str()
            .or_else(|| v["allOf"][0]["$ref"].as_str());
        match r.and_then(|r| r.strip_prefix("#/definitions/")) {
            Some(name) => Schema(schemas().defs.get(name)),
            None => Schema(Some(v)),
        }
    }
    fn prop(&self, key: &str) -> Option<&'a Value> {
        self.0.and_then(|d| d["properties"].get(key))
    }
    fn field(&self, key: &str) -> Schema<'a> {
        match self.prop(key) {
            Some(p) => Schema::resolve(p),
            None => Schema(None),
        }
    }
    fn item(&self, key: &str) -> Schema<'a> {
        match self.prop(key).map(|p| &p["items"]) {
            Some(i) if !i.is_null() => Schema::resolve(i),
            _ => Schema(None),
        }
    }
    /// (strategy contains "merge", merge key, strategy contains "retainKeys")
    fn list_strategy(&self, key: &str) -> (bool, Option<&'a str>, bool) {
        let Some(p) = self.prop(key) else {
            return (false, None, false);
        };
        let strat = p["x-kubernetes-patch-strategy"].as_str().unwrap_or("");
        (
            strat.split(',').any(|s| s == "merge"),
            p["x-kubernetes-patch-merge-key"].as_str(),
            strat.split(',').any(|s| s == "retainKeys"),
        )
    }
}

/// Applies `patch` to `original` for the given kind.
pub fn apply(
    original: &Value,
    patch: &Value,
    group: &str,
    version: &str,
    kind: &str,
) -> Result<Value, String> {
    let s = schemas();
    let schema = s
        .by_gvk
        .get(&(group.to_string(), version.to_string(), kind.to_string()))
        .and_then(|n| s.defs.get(n))
        .map(|d| Schema(Some(d)))
        .unwrap_or(Schema(None));
    let (Some(o), Some(p)) = (original.as_object(), patch.as_object()) else {
        return Err("unable to find api field in struct for the patch".into());
    };
    Ok(Value::Object(merge_map(o, p, schema)?))
}

fn merge_map(
    original: &Map<String, Value>,
    patch: &Map<String, Value>,
    schema: Schema<'_>,
) -> Result<Map<String, Value>, String> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            let mut p = patch.clone();
            p.remove("$patch");
            return Ok(p);
        }
        Some("delete") => return Ok(Map::new()),
        Some(other) => return Err(format!("Unknown patch type: {other}")),
        None => {}
    }
    let mut out = original.clone();
    if let Some(keep) = patch.get("$retainKeys").and_then(Value::as_array) {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        out.retain(|k, _| keep.contains(&k.as_str()));
    }
    let mut orders: Vec<(String, Vec<Value>)> = Vec::new();
    for (k, pv) in patch {
        if k == "$retainKeys" || k == "$patch" {
            continue;
        }
        if let Some(field) = k.strip_prefix("$setElementOrder/") {
            orders.push((
                field.to_string(),
                pv.as_array().cloned().unwrap_or_default(),
            ));
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let Some(list) = out.get_mut(field).and_then(Value::as_array_mut) {
                let del = pv.as_array().cloned().unwrap_or_default();
                list.retain(|x| !del.contains(x));
            }
            continue;
        }
        if pv.is_null() {
            out.remove(k);
            continue;
        }
        let merged = match (out.get(k), pv) {
            (Some(Value::Object(ov)), Value::Object(pm)) => {
                Value::Object(merge_map(ov, pm, schema.field(k))?)
            }
            (None, Value::Object(pm)) => {
                Value::Object(merge_map(&Map::new(), pm, schema.field(k))?)
            }
            (ov, Value::Array(pl)) => {
                let (merge, key, _) = schema.list_strategy(k);
                let ol = ov.and_then(Value::as_array).cloned().unwrap_or_default();
                if merge {
                    Value::Array(merge_list(&ol, pl, key, schema.item(k))?)
                } else {
                    Value::Array(pl.iter().map(strip_directives).collect())
                }
            }
            (_, v) => v.clone(),
        };
        out.insert(k.clone(), merged);
    }
    for (field, order) in orders {
        if let Some(list) = out.get_mut(&field).and_then(Value::as_array_mut) {
            let key = schema.list_strategy(&field).1;
            reorder(list, &order, key);
        }
    }
    Ok(out)
}

fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn merge_list(
    original: &[Value],
    patch: &[Value],
    key: Option<&str>,
    item: Schema<'_>,
) -> Result<Vec<Value>, String> {
    // a {"$patch": "replace"} element replaces the whole list
    if patch.iter().any(|p| p["$patch"] == "replace") {
        return Ok(patch
            .iter()
            .filter(|p| p["$patch"] != "replace")
            .map(strip_directives)
            .collect());
    }
    let Some(key) = key else {
        // primitive list with merge strategy: union, original order first
        let mut out = original.to_vec();
        for p in patch {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        return Ok(out);
    };
    let mut out = original.to_vec();
    for p in patch {
        let id = &p[key];
        let pos = out.iter().position(|o| &o[key] == id);
        if p["$patch"] == "delete" {
            if let Some(i) = pos {
                out.remove(i);
            }
            continue;
        }
        match (pos, p.as_object()) {
            (Some(i), Some(pm)) => {
                let om = out[i].as_object().cloned().unwrap_or_default();
                out[i] = Value::Object(merge_map(&om, pm, item)?);
            }
            (None, Some(pm)) => out.push(Value::Object(merge_map(&Map::new(), pm, item)?)),
            (_, None) => out.push(p.clone()),
        }
    }
    Ok(out)
}

/// `$setElementOrder`: listed elements first in the given order, the rest after.
fn reorder(list: &mut Vec<Value>, order: &[Value], key: Option<&str>) {
    let ident = |v: &Value| -> Value {
        match key {
            Some(k) => v[k].clone(),
            None => v.clone(),
        }
    };
    let mut rest = std::mem::take(list);
    for o in order {
        let id = ident(o);
        if let Some(i) = rest.iter().position(|x| ident(x) == id) {
            list.push(rest.remove(i));
        }
    }
    list.extend(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts() -> Value {
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "image": "a:1", "ports": [{"containerPort": 80, "protocol": "TCP"}]},
            {"name": "side", "image": "s:1"}]}}}})
    }

    #[test]
    fn set_image_merges_containers_by_name() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "a:2"}]}}}});
        let out = apply(&sts(), &patch, "apps", "v1", "StatefulSet").unwrap();
        let cs = &out["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs[0]["image"], "a:2");
        assert_eq!(cs[0]["ports"][0]["containerPort"], 80);
        assert_eq!(cs[1]["name"], "side");
    }

    #[test]
    fn directives() {
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "side"}, {"name": "app"}],
            "containers": [{"name": "app", "$patch": "delete"}]}}}});
        let out = apply(&sts(), &patch, "apps", "v1", "StatefulSet").unwrap();
        let cs = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0]["name"], "side");
        let patch = json!({"metadata": {"labels": {"a": null, "b": "c"}}});
        let out = apply(
            &json!({"metadata": {"labels": {"a": "x"}}}),
            &patch,
            "apps",
            "v1",
            "StatefulSet",
        )
        .unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"b": "c"}));
    }

    #[test]
    fn taints_merge_by_key() {
        let node = json!({"spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]}});
        let patch = json!({"spec": {"taints": [{"key": "a", "effect": "NoSchedule"}, {"key": "b", "effect": "NoExecute", "value": "x"}]}});
        let out = apply(&node, &patch, "", "v1", "Node").unwrap();
        // Node taints have no patch strategy in the schema: the list is replaced
        assert_eq!(out["spec"]["taints"].as_array().unwrap().len(), 2);
    }
}
