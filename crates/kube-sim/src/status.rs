//! `metav1.Status` error bodies, shaped as kube-apiserver writes them
//! (apimachinery `pkg/api/errors/errors.go`; messages checked against golden `errors.json`).

use serde_json::{json, Value};

use super::resources::ResourceDef;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: u16,
    pub body: Value,
    /// Plain-text bodies (the mux's `404 page not found`).
    pub plain: Option<&'static str>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(
        code: u16,
        reason: &str,
        message: impl Into<String>,
        details: Option<Value>,
    ) -> Self {
        let mut body = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message.into(),
            "reason": reason,
        });
        if let Some(d) = details {
            body["details"] = d;
        }
        body["code"] = json!(code);
        ApiError {
            code,
            body,
            plain: None,
            retry_after: None,
        }
    }

    pub fn page_not_found() -> Self {
        ApiError {
            code: 404,
            body: Value::Null,
            plain: Some("404 page not found\n"),
            retry_after: None,
        }
    }

    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
}

/// `details` as NewNotFound & co. build them: group only when non-empty, `kind` is the resource plural.
pub fn details(def: &ResourceDef, name: &str) -> Value {
    let mut d = json!({ "name": name });
    if !def.group.is_empty() {
        d["group"] = json!(def.group);
    }
    d["kind"] = json!(def.plural);
    d
}

pub fn not_found(def: &ResourceDef, name: &str) -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        format!("{} \"{}\" not found", def.qualified(), name),
        Some(details(def, name)),
    )
}

pub fn resource_not_found() -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
        Some(json!({})),
    )
}

pub fn already_exists(def: &ResourceDef, name: &str) -> ApiError {
    ApiError::new(
        409,
        "AlreadyExists",
        format!("{} \"{}\" already exists", def.qualified(), name),
        Some(details(def, name)),
    )
}

pub fn conflict_modified(def: &ResourceDef, name: &str) -> ApiError {
    ApiError::new(
        409,
        "Conflict",
        format!(
            "Operation cannot be fulfilled on {} \"{}\": the object has been modified; please apply your changes to the latest version and try again",
            def.qualified(),
            name
        ),
        Some(details(def, name)),
    )
}

/// Precondition failures name the Kind, not the resource (storage `checkPreconditions`).
pub fn conflict_precondition(def: &ResourceDef, name: &str, what: String) -> ApiError {
    let mut d = json!({ "name": name });
    if !def.group.is_empty() {
        d["group"] = json!(def.group);
    }
    d["kind"] = json!(def.kind);
    ApiError::new(
        409,
        "Conflict",
        format!(
            "Operation cannot be fulfilled on {} \"{}\": {}",
            def.qualified_kind(),
            name,
            what
        ),
        Some(d),
    )
}

pub fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "BadRequest", message, None)
}

pub fn method_not_allowed() -> ApiError {
    ApiError::new(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        Some(json!({})),
    )
}

/// The real message does not name the content type.
pub fn unsupported_media_type() -> ApiError {
    ApiError::new(
        415,
        "UnsupportedMediaType",
        "415: Unsupported Media Type",
        Some(json!({})),
    )
}

pub fn not_acceptable() -> ApiError {
    ApiError::new(
        406,
        "NotAcceptable",
        "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        Some(json!({})),
    )
}

pub fn unauthorized() -> ApiError {
    ApiError::new(401, "Unauthorized", "Unauthorized", None)
}

/// One validation failure (`field.Error`).
#[derive(Debug, Clone)]
pub struct FieldError {
    /// `FieldValueInvalid`, `FieldValueForbidden`, `FieldValueRequired`, ...
    pub reason: &'static str,
    pub field: String,
    /// The text after `field: ` in the aggregate message.
    pub detail: String,
}

impl FieldError {
    pub fn invalid(field: &str, value: &Value, why: &str) -> Self {
        FieldError {
            reason: "FieldValueInvalid",
            field: field.into(),
            detail: format!("Invalid value: {}: {}", go_value(value), why),
        }
    }
    pub fn forbidden(field: &str, why: &str) -> Self {
        FieldError {
            reason: "FieldValueForbidden",
            field: field.into(),
            detail: format!("Forbidden: {why}"),
        }
    }
    pub fn required(field: &str, why: &str) -> Self {
        FieldError {
            reason: "FieldValueRequired",
            field: field.into(),
            detail: if why.is_empty() {
                "Required value".into()
            } else {
                format!("Required value: {why}")
            },
        }
    }
}

/// How `field.Invalid` prints a value: strings quoted, numbers bare, maps as JSON.
fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// 422 Invalid, as `errors.NewInvalid` aggregates field errors.
pub fn invalid(
    group: &str,
    kind: &str,
    qualified_kind: &str,
    name: &str,
    errs: &[FieldError],
) -> ApiError {
    let msgs: Vec<String> = errs
        .iter()
        .map(|e| format!("{}: {}", e.field, e.detail))
        .collect();
    let message = if msgs.len() == 1 {
        format!("{qualified_kind} \"{name}\" is invalid: {}", msgs[0])
    } else {
        format!(
            "{qualified_kind} \"{name}\" is invalid: [{}]",
            msgs.join(", ")
        )
    };
    let causes: Vec<Value> = errs
        .iter()
        .map(|e| json!({"reason": e.reason, "message": e.detail, "field": e.field}))
        .collect();
    let mut d = json!({ "name": name });
    if !group.is_empty() {
        d["group"] = json!(group);
    }
    d["kind"] = json!(kind);
    d["causes"] = json!(causes);
    ApiError::new(422, "Invalid", message, Some(d))
}

pub fn invalid_for(def: &ResourceDef, name: &str, errs: &[FieldError]) -> ApiError {
    invalid(def.group, def.kind, &def.qualified_kind(), name, errs)
}

pub fn expired(message: impl Into<String>) -> ApiError {
    ApiError::new(410, "Expired", message, None)
}

pub fn namespace_not_found(ns: &str) -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        format!("namespaces \"{ns}\" not found"),
        Some(json!({"name": ns, "kind": "namespaces"})),
    )
}

pub fn internal(message: impl Into<String>) -> ApiError {
    ApiError::new(500, "InternalError", message, None)
}

pub fn success_status() -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})
}

/// errors.NewForbidden(resource, name, err): `<resource> "<name>" is forbidden: <why>`.
pub fn forbidden_object(resource: &str, name: &str, why: &str) -> ApiError {
    let (kind, group) = resource.split_once('.').unwrap_or((resource, ""));
    ApiError::new(
        403,
        "Forbidden",
        format!("{resource} \"{name}\" is forbidden: {why}"),
        Some(json!({"name": name, "group": group, "kind": kind})),
    )
}
