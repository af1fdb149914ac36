//! `metadata.managedFields`: which field manager set which fields, recorded on every create,
//! update and patch as kube-apiserver records them for non-apply operations
//! (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager; the sets and their comparison are
//! sigs.k8s.io/structured-merge-diff's `typed/compare.go` and `merge/update.go`).
//!
//! - The manager is `?fieldManager=`, else the User-Agent up to its first `/`
//!   (handlers/rest.go `managerOrUserAgent`, `prefixFromUserAgent`): `kubectl` for a kubectl
//!   command that names none (`kubectl cordon`, `kubectl scale`: golden `resize/`).
//! - An operation compares the object before and after: the fields it added or modified become
//!   its manager's and leave every other manager's set; the fields it removed leave every set
//!   (`Updater.update`). Its entry's `time` moves only when it took fields
//!   (`managedFieldsUpdater`); the scale subresource's entry has none (golden `resize/`).
//! - Lists and maps follow the schema (the OpenAPI v2 document's `x-kubernetes-list-type`,
//!   `-list-map-keys`, `-map-type`, or the patch strategy): `k:{…}` items of keyed lists, `v:`
//!   items of sets, atomic lists and maps as one leaf.
//! - A create compares with the Go zero value of the kind (the OpenAPI v3 document's
//!   `default: {}` structs and required fields), so that fields a zero object already has are
//!   not the creator's as a whole (golden: `f:spec` without `.`, `f:labels` with it).
//!
//! Not modelled: server-side apply (no `Apply` operation is made here; entries restored from
//! elsewhere are kept and lose fields as any other manager), the apply conflicts.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::resources::ResourceDef;

/// A field path, one encoded element each: `f:spec`, `k:{"name":"app"}`, `v:"x"`.
type Path = Vec<String>;
type Set = BTreeSet<Path>;

thread_local! {
    /// The manager of writes made in-process (the simulated controllers), while set.
    static INTERNAL: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Runs `f` with in-process writes recorded as made by `manager` (a controller's pass).
pub fn as_manager<T>(manager: &'static str, f: impl FnOnce() -> T) -> T {
    let before = INTERNAL.with(|m| m.replace(Some(manager)));
    let out = f();
    INTERNAL.with(|m| m.set(before));
    out
}

/// The manager of an in-process write now, if a controller's pass is running.
pub fn internal_manager() -> Option<&'static str> {
    INTERNAL.with(Cell::get)
}

/// The manager a request is recorded under: `?fieldManager=`, else the User-Agent's prefix
/// (printable characters before the first `/`, at most 128 bytes: FieldManagerMaxLength).
pub fn manager_of(field_manager: Option<&str>, user_agent: Option<&str>) -> Option<String> {
    if let Some(m) = field_manager.filter(|m| !m.is_empty()) {
        return Some(m.to_string());
    }
    let prefix = user_agent?.split('/').next().unwrap_or_default();
    let mut out = String::new();
    for c in prefix.chars().filter(|c| !c.is_control()) {
        if out.len() + c.len_utf8() > 128 {
            break;
        }
        out.push(c);
    }
    Some(out)
}

/// The three sets of a comparison (structured-merge-diff `typed.Comparison`).
#[derive(Debug, Default, PartialEq)]
struct Comparison {
    added: Set,
    modified: Set,
    removed: Set,
}

/// A schema node of the v2 document, `$ref`s followed.
fn resolve(node: &'static Value) -> &'static Value {
    match node["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/definitions/"))
    {
        Some(name) => super::smp::definitions().get(name).unwrap_or(node),
        None => node,
    }
}

fn child(schema: Option<&'static Value>, key: &str) -> Option<&'static Value> {
    let s = schema?;
    s["properties"]
        .get(key)
        .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
        .map(resolve)
}

/// How a list is merged: atomic, a set of values, or a map keyed by these fields.
enum ListType {
    Atomic,
    Set,
    Map(Vec<String>),
}

fn list_type(schema: Option<&'static Value>) -> ListType {
    let Some(s) = schema else {
        // no schema: lists are atomic (structured-merge-diff's deduced schema)
        return ListType::Atomic;
    };
    match s["x-kubernetes-list-type"].as_str() {
        Some("atomic") => ListType::Atomic,
        Some("set") => ListType::Set,
        Some("map") => ListType::Map(
            s["x-kubernetes-list-map-keys"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|k| k.as_str().map(String::from))
                .collect(),
        ),
        // no list type: the patch strategy decides (kube-openapi schemaconv)
        _ => {
            let merge = s["x-kubernetes-patch-strategy"]
                .as_str()
                .is_some_and(|p| p.split(',').any(|p| p == "merge"));
            match s["x-kubernetes-patch-merge-key"].as_str() {
                Some(k) if merge => ListType::Map(vec![k.to_string()]),
                None if merge => ListType::Set,
                _ => ListType::Atomic,
            }
        }
    }
}

/// An item's path element in a granular list.
fn item_element(item: &Value, t: &ListType) -> String {
    match t {
        ListType::Map(keys) => {
            let k: Map<String, Value> = keys
                .iter()
                .filter_map(|k| Some((k.clone(), item.get(k)?.clone())))
                .collect();
            format!("k:{}", Value::Object(k))
        }
        _ => format!("v:{item}"),
    }
}

fn empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Object(m)) => m.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

fn leaf(l: Option<&Value>, r: Option<&Value>, path: &Path, out: &mut Comparison) {
    match (l, r) {
        (None, Some(_)) => {
            out.added.insert(path.clone());
        }
        (Some(_), None) => {
            out.removed.insert(path.clone());
        }
        (Some(a), Some(b)) if a != b => {
            out.modified.insert(path.clone());
        }
        _ => {}
    }
}

/// Compares `l` (before; None: absent) and `r` (after) at `path` (structured-merge-diff
/// `compareWalker`): leaves are added, modified or removed; a granular map or list is walked,
/// and is itself added or removed when it was absent or goes away.
fn compare(
    l: Option<&Value>,
    r: Option<&Value>,
    schema: Option<&'static Value>,
    path: &mut Path,
    out: &mut Comparison,
) {
    let is = |v: Option<&Value>, f: fn(&Value) -> bool| v.is_none_or(|v| v.is_null() || f(v));
    let object = is(l, Value::is_object) && is(r, Value::is_object);
    let array = is(l, Value::is_array) && is(r, Value::is_array);
    let atomic_map = schema.is_some_and(|s| s["x-kubernetes-map-type"] == "atomic");
    let both_empty = empty(l) && empty(r);
    if object && !array && !atomic_map && !both_empty {
        let lm = l.and_then(Value::as_object);
        let rm = r.and_then(Value::as_object);
        let keys: BTreeSet<&String> = lm
            .into_iter()
            .flat_map(|m| m.keys())
            .chain(rm.into_iter().flat_map(|m| m.keys()))
            .collect();
        for k in keys {
            path.push(format!("f:{k}"));
            compare(
                lm.and_then(|m| m.get(k)),
                rm.and_then(|m| m.get(k)),
                child(schema, k),
                path,
                out,
            );
            path.pop();
        }
    } else if array && !object && !both_empty {
        let t = list_type(schema);
        if matches!(t, ListType::Atomic) {
            return leaf(l, r, path, out);
        }
        let items = schema.map(|s| resolve(&s["items"]));
        let index = |v: Option<&Value>| -> Vec<(String, Value)> {
            let mut seen = BTreeSet::new();
            v.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|i| (item_element(i, &t), i.clone()))
                .filter(|(pe, _)| seen.insert(pe.clone()))
                .collect()
        };
        let (li, ri) = (index(l), index(r));
        let mut order: Vec<&String> = li.iter().map(|(pe, _)| pe).collect();
        order.extend(
            ri.iter()
                .map(|(pe, _)| pe)
                .filter(|pe| !li.iter().any(|(l, _)| l == *pe)),
        );
        for pe in order {
            path.push(pe.clone());
            compare(
                li.iter().find(|(p, _)| p == pe).map(|(_, v)| v),
                ri.iter().find(|(p, _)| p == pe).map(|(_, v)| v),
                items,
                path,
                out,
            );
            path.pop();
        }
    } else {
        return leaf(l, r, path, out);
    }
    if l.is_none() {
        out.added.insert(path.clone());
    } else if r.is_none() {
        out.removed.insert(path.clone());
    }
}

/// A set as `fieldsV1`: each path a nested object; a path in the set that has children
/// below it carries `.` (fieldpath `SetNodeMap` serialization).
fn encode(set: &Set) -> Value {
    fn insert(node: &mut Map<String, Value>, path: &[String]) {
        match path {
            [] => {}
            [last] => {
                let n = node.entry(last.clone()).or_insert_with(|| json!({}));
                if let Some(m) = n.as_object_mut() {
                    m.insert(".".into(), json!({}));
                }
            }
            [first, rest @ ..] => {
                let n = node.entry(first.clone()).or_insert_with(|| json!({}));
                if let Some(m) = n.as_object_mut() {
                    insert(m, rest);
                }
            }
        }
    }
    fn tidy(v: &mut Value) {
        if let Some(m) = v.as_object_mut() {
            if m.len() == 1 && m.contains_key(".") {
                m.clear();
            }
            m.values_mut().for_each(tidy);
        }
    }
    let mut root = Map::new();
    for p in set {
        insert(&mut root, p);
    }
    let mut v = Value::Object(root);
    tidy(&mut v);
    v
}

fn decode(v: &Value, path: &mut Path, out: &mut Set) {
    let Some(m) = v.as_object() else { return };
    if (m.is_empty() || m.contains_key(".")) && !path.is_empty() {
        out.insert(path.clone());
    }
    for (k, c) in m.iter().filter(|(k, _)| *k != ".") {
        path.push(k.clone());
        decode(c, path, out);
        path.pop();
    }
}

/// One `managedFields` entry.
#[derive(Debug, Clone)]
struct Entry {
    manager: String,
    operation: String,
    api_version: String,
    subresource: Option<String>,
    time: Option<String>,
    set: Set,
}

impl Entry {
    fn parse(v: &Value) -> Entry {
        let mut set = Set::new();
        decode(&v["fieldsV1"], &mut vec![], &mut set);
        let s = |k: &str| v[k].as_str().map(String::from);
        Entry {
            manager: s("manager").unwrap_or_default(),
            operation: s("operation").unwrap_or_else(|| "Update".into()),
            api_version: s("apiVersion").unwrap_or_default(),
            subresource: s("subresource").filter(|s| !s.is_empty()),
            time: s("time"),
            set,
        }
    }

    fn id(&self) -> (&str, &str, &str, Option<&str>) {
        (
            &self.manager,
            &self.operation,
            &self.api_version,
            self.subresource.as_deref(),
        )
    }

    fn to_value(&self) -> Value {
        let mut v = json!({
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
            "fieldsType": "FieldsV1",
            "fieldsV1": encode(&self.set),
        });
        if let Some(t) = &self.time {
            v["time"] = json!(t);
        }
        if let Some(s) = &self.subresource {
            v["subresource"] = json!(s);
        }
        v
    }
}

/// Server-owned metadata no manager owns (managedfields `stripMetaManager`).
fn stripped(p: &Path) -> bool {
    match p.as_slice() {
        [one] => matches!(one.as_str(), "f:apiVersion" | "f:kind" | "f:metadata"),
        [m, f] if m == "f:metadata" => matches!(
            f.as_str(),
            "f:name"
                | "f:namespace"
                | "f:creationTimestamp"
                | "f:selfLink"
                | "f:uid"
                | "f:generation"
                | "f:managedFields"
                | "f:resourceVersion"
        ),
        _ => false,
    }
}

/// Drops what an operation on this endpoint cannot own: the server-owned metadata, and the
/// status on the main resource of a kind with a status subresource (the strategies'
/// ResetFields), everything but the status on `status`.
fn owned_here(def: &ResourceDef, sub: Option<&str>, set: &mut Set) {
    set.retain(|p| {
        let status = p.first().is_some_and(|f| f == "f:status");
        !stripped(p)
            && match sub {
                None => !(def.has_status_subresource && status),
                Some("status") => status,
                Some(_) => !status,
            }
    });
}

/// The Go zero value of a definition as it marshals (OpenAPI v3: `default` values, structs as
/// `default: {}`, required fields without one as null).
fn zero(name: &str, depth: usize) -> Value {
    let Some(s) = v3_schemas().get(name) else {
        return json!({});
    };
    let required: BTreeSet<&str> = s["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Map::new();
    for (p, ps) in s["properties"].as_object().into_iter().flatten() {
        let r = ps["allOf"][0]["$ref"]
            .as_str()
            .or_else(|| ps["$ref"].as_str())
            .and_then(|r| r.strip_prefix("#/components/schemas/"));
        match ps.get("default") {
            Some(d) if d == &json!({}) && depth < 8 => {
                out.insert(p.clone(), r.map_or(json!({}), |r| zero(r, depth + 1)));
            }
            Some(d) => {
                out.insert(p.clone(), d.clone());
            }
            None if required.contains(p.as_str()) => {
                out.insert(p.clone(), Value::Null);
            }
            None => {}
        }
    }
    Value::Object(out)
}

fn v3_schemas() -> &'static HashMap<String, Value> {
    static CELL: OnceLock<HashMap<String, Value>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut all = HashMap::new();
        for gv in [
            "api/v1",
            "apis/apps/v1",
            "apis/autoscaling/v1",
            "apis/coordination.k8s.io/v1",
            "apis/discovery.k8s.io/v1",
            "apis/storage.k8s.io/v1",
        ] {
            let doc: Value = super::openapi::v3(gv)
                .and_then(|d| serde_json::from_str(&d).ok())
                .unwrap_or_default();
            if let Some(m) = doc["components"]["schemas"].as_object() {
                for (k, v) in m {
                    all.insert(k.clone(), v.clone());
                }
            }
        }
        all
    })
}

fn without_managed_fields(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    v
}

/// The object's `managedFields` after `manager` wrote `new` over `old` (None: created) through
/// `sub` (None, `status`, `scale`), at `now`.
pub fn updated(
    def: &ResourceDef,
    old: Option<&Value>,
    new: &Value,
    manager: &str,
    sub: Option<&str>,
    now: &str,
) -> Value {
    let schema = super::smp::definition_name(def.group, def.version, def.kind)
        .and_then(|n| super::smp::definitions().get(n));
    let before = match old {
        Some(o) => without_managed_fields(o),
        None => super::smp::definition_name(def.group, def.version, def.kind)
            .map_or(json!({}), |n| zero(n, 0)),
    };
    let after = without_managed_fields(new);
    let mut cmp = Comparison::default();
    compare(Some(&before), Some(&after), schema, &mut vec![], &mut cmp);
    let mut took: Set = cmp.added.union(&cmp.modified).cloned().collect();
    owned_here(def, sub, &mut took);
    let mut entries: Vec<Entry> = old
        .and_then(|o| o["metadata"]["managedFields"].as_array())
        .into_iter()
        .flatten()
        .map(Entry::parse)
        .collect();
    let api_version = def.api_version();
    let me = (manager, "Update", api_version.as_str(), sub);
    let mut mine = match entries.iter().position(|e| e.id() == me) {
        Some(i) => entries.remove(i),
        None => Entry {
            manager: manager.into(),
            operation: "Update".into(),
            api_version: api_version.clone(),
            subresource: sub.map(String::from),
            time: None,
            set: Set::new(),
        },
    };
    for e in &mut entries {
        e.set
            .retain(|p| !took.contains(p) && !cmp.removed.contains(p));
    }
    mine.set.retain(|p| !cmp.removed.contains(p));
    if !took.is_empty() {
        mine.set.extend(took);
        // the scale subresource's entry carries no time (golden `resize/`)
        mine.time = (sub != Some("scale")).then(|| now.to_string());
    }
    entries.push(mine);
    entries.retain(|e| !e.set.is_empty());
    // managedfields `sortEncodedManagedFields`: operation, time (none first), manager,
    // apiVersion, subresource
    entries.sort_by(|a, b| {
        let t = |e: &Entry| e.time.clone().unwrap_or_default();
        (
            &a.operation,
            t(a),
            &a.manager,
            &a.api_version,
            &a.subresource,
        )
            .cmp(&(
                &b.operation,
                t(b),
                &b.manager,
                &b.api_version,
                &b.subresource,
            ))
    });
    Value::Array(entries.iter().map(Entry::to_value).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::def;

    fn fields(mf: &Value, manager: &str) -> Option<Value> {
        mf.as_array()?
            .iter()
            .find(|e| e["manager"] == manager)
            .map(|e| e["fieldsV1"].clone())
    }

    #[test]
    fn the_manager_is_the_field_manager_or_the_user_agents_first_segment() {
        assert_eq!(
            manager_of(Some("kubectl-sts"), Some("kubectl/v1.32.4 (linux/amd64)")).as_deref(),
            Some("kubectl-sts")
        );
        assert_eq!(
            manager_of(None, Some("kubectl/v1.32.4 (linux/amd64) kubernetes/abc")).as_deref(),
            Some("kubectl")
        );
        assert_eq!(manager_of(Some(""), None), None);
    }

    #[test]
    fn a_create_owns_what_the_zero_object_lacks_as_the_golden_set_shows() {
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "flask", "namespace": "default", "uid": "u", "labels": {"app": "flask"}},
            "spec": {"replicas": 3, "serviceName": "flask", "selector": {"matchLabels": {"app": "flask"}},
                     "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                     "template": {"metadata": {"labels": {"app": "flask"}},
                                  "spec": {"containers": [{"name": "app", "image": "x", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}}},
            "status": {"replicas": 0}
        });
        let mf = updated(def("StatefulSet"), None, &sts, "kubectl-create", None, "T1");
        let f = fields(&mf, "kubectl-create").unwrap();
        // golden resize/b-watch-statefulsets: spec and template are zero-value structs (no
        // `.`), labels and rollingUpdate are new (`.`), the selector is atomic, containers
        // keyed by name, ports by containerPort and protocol, status not the creator's
        assert_eq!(f["f:metadata"], json!({"f:labels": {".": {}, "f:app": {}}}));
        assert!(f["f:spec"].get(".").is_none(), "{f}");
        assert_eq!(f["f:spec"]["f:selector"], json!({}));
        assert_eq!(
            f["f:spec"]["f:updateStrategy"],
            json!({"f:rollingUpdate": {".": {}, "f:partition": {}}, "f:type": {}})
        );
        let c = &f["f:spec"]["f:template"]["f:spec"]["f:containers"];
        assert!(c.get(".").is_none(), "{c}");
        assert_eq!(
            c[r#"k:{"name":"app"}"#]["f:ports"][r#"k:{"containerPort":80,"protocol":"TCP"}"#],
            json!({".": {}, "f:containerPort": {}, "f:protocol": {}})
        );
        assert!(f.get("f:status").is_none());
        assert_eq!(mf[0]["time"], "T1");
        assert_eq!(mf[0]["operation"], "Update");
        assert_eq!(mf[0]["apiVersion"], "apps/v1");
    }

    /// `old` written by `manager` with `change` made: the new object, its managedFields set.
    fn write(old: &Value, manager: &str, time: &str, change: impl Fn(&mut Value)) -> Value {
        let mut new = old.clone();
        change(&mut new);
        new["metadata"]["managedFields"] =
            updated(def("Node"), Some(old), &new, manager, None, time);
        new
    }

    #[test]
    fn a_changed_field_moves_to_its_writer_a_removed_one_leaves_every_set() {
        let mut n = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}, "spec": {"podCIDR": "10.0.0.0/24"}});
        n["metadata"]["managedFields"] = updated(def("Node"), None, &n, "kubelet", None, "T0");
        // kubectl sts drain's cordon
        let n = write(&n, "kubectl-sts", "T1", |n| {
            n["spec"]["unschedulable"] = json!(true);
            n["metadata"]["annotations"] = json!({"kubectl-sts.io/cordoned-by": "alice"});
        });
        let mf = &n["metadata"]["managedFields"];
        assert_eq!(
            fields(mf, "kubectl-sts").unwrap(),
            json!({"f:metadata": {"f:annotations": {".": {}, "f:kubectl-sts.io/cordoned-by": {}}}, "f:spec": {"f:unschedulable": {}}})
        );
        assert_eq!(
            fields(mf, "kubelet").unwrap(),
            json!({"f:spec": {"f:podCIDR": {}}})
        );
        // kubectl uncordon: a strategic merge patch that removes the field
        let n = write(&n, "kubectl", "T2", |n| {
            n["spec"].as_object_mut().unwrap().remove("unschedulable");
        });
        let mf = &n["metadata"]["managedFields"];
        assert_eq!(
            fields(mf, "kubectl-sts").unwrap(),
            json!({"f:metadata": {"f:annotations": {".": {}, "f:kubectl-sts.io/cordoned-by": {}}}}),
            "the removed field is nobody's"
        );
        assert!(fields(mf, "kubectl").is_none(), "a removal owns nothing");
        // kubectl cordon: the field is kubectl's now
        let n = write(&n, "kubectl", "T3", |n| {
            n["spec"]["unschedulable"] = json!(true);
        });
        let mf = &n["metadata"]["managedFields"];
        assert_eq!(
            fields(mf, "kubectl").unwrap(),
            json!({"f:spec": {"f:unschedulable": {}}})
        );
        // oldest first
        let order: Vec<&str> = mf
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(order, ["kubelet", "kubectl-sts", "kubectl"]);
        // its last field removed, an entry goes
        let n = write(&n, "kubectl", "T4", |n| {
            n["metadata"].as_object_mut().unwrap().remove("annotations");
        });
        assert!(fields(&n["metadata"]["managedFields"], "kubectl-sts").is_none());
    }

    #[test]
    fn a_scale_owns_replicas_without_a_time_and_status_writes_own_only_status() {
        let s0 = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
                        "spec": {"replicas": 3}, "status": {"replicas": 3}});
        let mut s1 = s0.clone();
        s1["metadata"]["managedFields"] =
            updated(def("StatefulSet"), None, &s0, "kubectl-create", None, "T0");
        let mut s2 = s1.clone();
        s2["spec"]["replicas"] = json!(2);
        let mf = updated(
            def("StatefulSet"),
            Some(&s1),
            &s2,
            "kubectl",
            Some("scale"),
            "T1",
        );
        let scale = mf
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["subresource"] == "scale")
            .unwrap();
        assert_eq!(scale["fieldsV1"], json!({"f:spec": {"f:replicas": {}}}));
        assert!(scale.get("time").is_none());
        assert!(
            fields(&mf, "kubectl-create").is_none(),
            "its only field moved"
        );
        s2["metadata"]["managedFields"] = mf;
        let mut s3 = s2.clone();
        s3["status"]["replicas"] = json!(2);
        let mf = updated(
            def("StatefulSet"),
            Some(&s2),
            &s3,
            "kube-controller-manager",
            Some("status"),
            "T2",
        );
        assert_eq!(
            fields(&mf, "kube-controller-manager").unwrap(),
            json!({"f:status": {"f:replicas": {}}})
        );
    }

    #[test]
    fn fields_v1_round_trips() {
        let v = json!({"f:metadata": {"f:labels": {".": {}, "f:a": {}}}, "f:spec": {"f:x": {}}});
        let mut set = Set::new();
        decode(&v, &mut vec![], &mut set);
        assert_eq!(set.len(), 3);
        assert_eq!(encode(&set), v);
    }
}
