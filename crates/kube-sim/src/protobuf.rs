//! Protobuf request bodies, as typed kubectl commands send them
//! (`Content-Type: application/vnd.kubernetes.protobuf`): the `k8s\0` envelope
//! (runtime.Unknown, apimachinery `runtime/serializer/protobuf`) and the few
//! messages those commands carry — Namespace (`kubectl create namespace`) and
//! Eviction (`kubectl drain`). Field numbers from `k8s.io/api/*/generated.proto`.
//! Other kinds answer 415, so a client can tell instead of getting a wrong object.

use serde_json::{json, Map, Value};

const MAGIC: &[u8] = b"k8s\0";

/// One decoded field: number and value (varint or bytes).
enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

fn varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i)?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn fields(b: &[u8]) -> Option<Vec<(u64, Field<'_>)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = varint(b, &mut i)?;
        let f = match key & 7 {
            0 => Field::Varint(varint(b, &mut i)?),
            2 => {
                let len = varint(b, &mut i)? as usize;
                let s = b.get(i..i + len)?;
                i += len;
                Field::Bytes(s)
            }
            1 => {
                i += 8;
                continue;
            }
            5 => {
                i += 4;
                continue;
            }
            _ => return None,
        };
        out.push((key >> 3, f));
    }
    Some(out)
}

fn string(f: &Field<'_>) -> Option<String> {
    match f {
        Field::Bytes(b) => String::from_utf8(b.to_vec()).ok(),
        Field::Varint(_) => None,
    }
}

/// ObjectMeta: name 1, generateName 2, namespace 3, labels 11, annotations 12.
fn object_meta(b: &[u8]) -> Option<Value> {
    let mut m = Map::new();
    let mut labels = Map::new();
    let mut annotations = Map::new();
    for (n, f) in fields(b)? {
        match n {
            1 => _ = m.insert("name".into(), json!(string(&f)?)),
            2 => _ = m.insert("generateName".into(), json!(string(&f)?)),
            3 => _ = m.insert("namespace".into(), json!(string(&f)?)),
            11 | 12 => {
                let Field::Bytes(entry) = f else { return None };
                let (mut k, mut v) = (String::new(), String::new());
                for (en, ef) in fields(entry)? {
                    match en {
                        1 => k = string(&ef)?,
                        2 => v = string(&ef)?,
                        _ => {}
                    }
                }
                if n == 11 {
                    &mut labels
                } else {
                    &mut annotations
                }
                .insert(k, json!(v));
            }
            _ => {}
        }
    }
    if !labels.is_empty() {
        m.insert("labels".into(), Value::Object(labels));
    }
    if !annotations.is_empty() {
        m.insert("annotations".into(), Value::Object(annotations));
    }
    Some(Value::Object(m))
}

/// DeleteOptions: gracePeriodSeconds 1, preconditions 2, orphanDependents 3, propagationPolicy 4, dryRun 5.
fn delete_options(b: &[u8]) -> Option<Value> {
    let mut m = Map::new();
    let mut dry = Vec::new();
    for (n, f) in fields(b)? {
        match (n, &f) {
            (1, Field::Varint(v)) => _ = m.insert("gracePeriodSeconds".into(), json!(*v as i64)),
            (2, Field::Bytes(p)) => {
                let mut pre = Map::new();
                for (pn, pf) in fields(p)? {
                    match pn {
                        1 => _ = pre.insert("uid".into(), json!(string(&pf)?)),
                        2 => _ = pre.insert("resourceVersion".into(), json!(string(&pf)?)),
                        _ => {}
                    }
                }
                m.insert("preconditions".into(), Value::Object(pre));
            }
            (3, Field::Varint(v)) => _ = m.insert("orphanDependents".into(), json!(*v != 0)),
            (4, _) => _ = m.insert("propagationPolicy".into(), json!(string(&f)?)),
            (5, _) => dry.push(json!(string(&f)?)),
            _ => {}
        }
    }
    if !dry.is_empty() {
        m.insert("dryRun".into(), Value::Array(dry));
    }
    Some(Value::Object(m))
}

/// The JSON equivalent of a protobuf body, or None when it is not one we decode.
pub fn decode(body: &[u8]) -> Option<Value> {
    let rest = body.strip_prefix(MAGIC)?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (n, f) in fields(rest)? {
        match (n, f) {
            (1, Field::Bytes(tm)) => {
                for (tn, tf) in fields(tm)? {
                    match tn {
                        1 => api_version = string(&tf)?,
                        2 => kind = string(&tf)?,
                        _ => {}
                    }
                }
            }
            (2, Field::Bytes(r)) => raw = r,
            _ => {}
        }
    }
    let mut obj = json!({"apiVersion": api_version, "kind": kind});
    for (n, f) in fields(raw)? {
        let Field::Bytes(b) = f else { continue };
        match (kind.as_str(), n) {
            (_, 1) => obj["metadata"] = object_meta(b)?,
            ("Eviction", 2) => obj["deleteOptions"] = delete_options(b)?,
            ("Namespace", 2) => {
                // NamespaceSpec: finalizers 1
                let fins: Vec<Value> = fields(b)?
                    .iter()
                    .filter(|(n, _)| *n == 1)
                    .filter_map(|(_, f)| string(f))
                    .map(Value::from)
                    .collect();
                if !fins.is_empty() {
                    obj["spec"] = json!({"finalizers": fins});
                }
            }
            _ => {}
        }
    }
    matches!(kind.as_str(), "Namespace" | "Eviction").then_some(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(n: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![(n << 3 | 2) as u8, bytes.len() as u8];
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn decodes_a_namespace_envelope() {
        let meta = field(1, b"team-a");
        let raw = field(1, &meta);
        let mut tm = field(1, b"v1");
        tm.extend(field(2, b"Namespace"));
        let mut body = MAGIC.to_vec();
        body.extend(field(1, &tm));
        body.extend(field(2, &raw));
        let v = decode(&body).unwrap();
        assert_eq!(
            v,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
        );
        assert!(decode(b"{}").is_none());
    }
}
