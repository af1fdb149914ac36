//! core/v1 Events, as client-go's event recorder writes them (name
//! `<object>.<hex>`, source component, first/last timestamps, count).

use serde_json::{json, Value};

use super::{name, namespace, uid, ClusterApi};
use crate::registry::now;
use crate::Sim;

impl Sim {
    /// Records an event about `obj` (a full object, for its kind and uid).
    pub fn event(
        &self,
        obj: &Value,
        ty: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        record(self, obj, ty, reason, message, component, host)
    }
}

/// Records an event about `obj` (a full object, for its kind and uid) through `api`.
pub fn record<A: ClusterApi + ?Sized>(
    api: &A,
    obj: &Value,
    ty: &str,
    reason: &str,
    message: &str,
    component: &str,
    host: Option<&str>,
) {
    {
        let ns = match namespace(obj) {
            "" => "default",
            n => n,
        };
        let t = now();
        // client-go's EventCorrelator: the same event again bumps count and lastTimestamp
        let same = api.list_kind("Event", Some(ns)).into_iter().find(|e| {
            e["involvedObject"]["uid"] == uid(obj)
                && e["reason"] == reason
                && e["message"] == message
                && e["source"]["component"] == component
        });
        if let Some(e) = same {
            let count = e["count"].as_i64().unwrap_or(1) + 1;
            let _ = api.merge_patch(
                "Event",
                ns,
                name(&e),
                &json!({"count": count, "lastTimestamp": t}),
            );
            return;
        }
        let nanos = jiff::Timestamp::now().as_nanosecond();
        let mut source = json!({"component": component});
        if let Some(h) = host {
            source["host"] = json!(h);
        }
        let ev = json!({
            "metadata": {"name": format!("{}.{:x}", name(obj), nanos), "namespace": ns},
            "involvedObject": {
                "kind": obj["kind"], "namespace": namespace(obj), "name": name(obj), "uid": uid(obj),
                "apiVersion": obj["apiVersion"], "resourceVersion": obj["metadata"]["resourceVersion"],
            },
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": t,
            "lastTimestamp": t,
            "count": 1,
            "type": ty,
            "eventTime": null,
            "reportingComponent": component,
            "reportingInstance": host.unwrap_or(""),
        });
        let _ = api.create_kind("Event", ns, ev);
    }
}
