//! Defaulting (pkg/apis/*/v1/defaults.go) and the validation rules the tool can
//! trigger (pkg/apis/*/validation), applied by the registry on create and update.

use serde_json::{json, Map, Value};

use super::status::FieldError;

fn obj_mut<'a>(v: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    if !v[key].is_object() {
        v[key] = json!({});
    }
    v[key].as_object_mut().expect("just made an object")
}

fn default(m: &mut Map<String, Value>, key: &str, val: Value) {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_string(), val);
    }
}

/// `SetDefaults_Container`: imagePullPolicy from the tag, termination message, protocols.
fn default_container(c: &mut Value) {
    let image = c["image"].as_str().unwrap_or_default().to_string();
    let m = c.as_object_mut().expect("container");
    let tag = image
        .rsplit_once('/')
        .map_or(image.as_str(), |(_, last)| last)
        .split_once(':')
        .map(|(_, t)| t.to_string());
    let latest = !image.contains('@') && tag.as_deref().is_none_or(|t| t == "latest");
    default(
        m,
        "imagePullPolicy",
        json!(if latest { "Always" } else { "IfNotPresent" }),
    );
    default(m, "resources", json!({}));
    default(m, "terminationMessagePath", json!("/dev/termination-log"));
    default(m, "terminationMessagePolicy", json!("File"));
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            if let Some(pm) = p.as_object_mut() {
                default(pm, "protocol", json!("TCP"));
            }
        }
    }
}

/// `SetDefaults_PodSpec` and friends, as found in golden pod and template specs.
pub fn default_pod_spec(spec: &mut Value) {
    for key in ["containers", "initContainers"] {
        if let Some(cs) = spec[key].as_array_mut() {
            cs.iter_mut().for_each(default_container);
        }
    }
    let m = spec.as_object_mut().expect("pod spec");
    default(m, "dnsPolicy", json!("ClusterFirst"));
    default(m, "restartPolicy", json!("Always"));
    default(m, "schedulerName", json!("default-scheduler"));
    default(m, "securityContext", json!({}));
    default(m, "terminationGracePeriodSeconds", json!(30));
    if let Some(vols) = m.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in vols {
            for (src, mode) in [("secret", "defaultMode"), ("configMap", "defaultMode")] {
                if let Some(s) = v.get_mut(src).and_then(Value::as_object_mut) {
                    default(s, mode, json!(420));
                }
            }
        }
    }
}

/// Pod-only defaults (template specs don't get these; see golden sts vs pod).
pub fn default_pod(pod: &mut Value) {
    let spec = obj_mut(pod, "spec");
    let mut spec_v = Value::Object(std::mem::take(spec));
    default_pod_spec(&mut spec_v);
    let m = spec_v.as_object_mut().expect("spec");
    default(m, "enableServiceLinks", json!(true));
    default(m, "preemptionPolicy", json!("PreemptLowerPriority"));
    default(m, "priority", json!(0));
    if let Some(sa) = m.get("serviceAccountName").cloned() {
        default(m, "serviceAccount", sa);
    }
    pod["spec"] = spec_v;
}

pub fn default_statefulset(sts: &mut Value) {
    let spec = obj_mut(sts, "spec");
    default(spec, "replicas", json!(1));
    default(spec, "podManagementPolicy", json!("OrderedReady"));
    default(spec, "revisionHistoryLimit", json!(10));
    default(
        spec,
        "persistentVolumeClaimRetentionPolicy",
        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
    );
    if let Some(p) = spec
        .get_mut("persistentVolumeClaimRetentionPolicy")
        .and_then(Value::as_object_mut)
    {
        default(p, "whenDeleted", json!("Retain"));
        default(p, "whenScaled", json!("Retain"));
    }
    default(spec, "updateStrategy", json!({"type": "RollingUpdate"}));
    if let Some(us) = spec
        .get_mut("updateStrategy")
        .and_then(Value::as_object_mut)
    {
        default(us, "type", json!("RollingUpdate"));
        if us["type"] == "RollingUpdate" {
            default(us, "rollingUpdate", json!({"partition": 0}));
            if let Some(ru) = us.get_mut("rollingUpdate").and_then(Value::as_object_mut) {
                default(ru, "partition", json!(0));
            }
        }
    }
    if let Some(t) = spec.get_mut("template") {
        if t.get("spec").is_some() {
            default_pod_spec(&mut t["spec"]);
        }
    }
    if let Some(vcts) = spec
        .get_mut("volumeClaimTemplates")
        .and_then(Value::as_array_mut)
    {
        for v in vcts {
            let m = v.as_object_mut().expect("vct");
            default(m, "apiVersion", json!("v1"));
            default(m, "kind", json!("PersistentVolumeClaim"));
            default_pvc_spec(&mut v["spec"]);
            v["status"] = json!({"phase": "Pending"});
        }
    }
}

fn default_pvc_spec(spec: &mut Value) {
    if let Some(m) = spec.as_object_mut() {
        default(m, "volumeMode", json!("Filesystem"));
    }
}

pub fn default_pvc(pvc: &mut Value) {
    obj_mut(pvc, "spec");
    default_pvc_spec(&mut pvc["spec"]);
}

pub fn default_pv(pv: &mut Value) {
    let spec = obj_mut(pv, "spec");
    default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
    default(spec, "volumeMode", json!("Filesystem"));
}

pub fn default_service(svc: &mut Value) {
    let spec = obj_mut(svc, "spec");
    default(spec, "type", json!("ClusterIP"));
    default(spec, "sessionAffinity", json!("None"));
    if spec["type"] != "ExternalName" {
        default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            let pm = p.as_object_mut().expect("port");
            default(pm, "protocol", json!("TCP"));
            let port = pm.get("port").cloned().unwrap_or(Value::Null);
            default(pm, "targetPort", port);
        }
    }
}

pub fn default_namespace(ns: &mut Value) {
    let name = ns["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let labels = obj_mut(&mut ns["metadata"], "labels");
    labels.insert("kubernetes.io/metadata.name".into(), json!(name));
    let spec = obj_mut(ns, "spec");
    default(spec, "finalizers", json!(["kubernetes"]));
    ns["status"] = json!({"phase": "Active"});
}

/// autoscaling/v1 as the server returns it: SetDefaults_HorizontalPodAutoscaler
/// (pkg/apis/autoscaling/v1/defaults.go: minReplicas 1) and the v1→internal conversion,
/// which gives a spec without metrics the default CPU target (DefaultCPUUtilization, 80)
/// that converts back to targetCPUUtilizationPercentage.
pub fn default_hpa(hpa: &mut Value) {
    let spec = obj_mut(hpa, "spec");
    default(spec, "minReplicas", json!(1));
    default(spec, "targetCPUUtilizationPercentage", json!(80));
}

pub fn default_storageclass(sc: &mut Value) {
    let m = sc.as_object_mut().expect("sc");
    default(m, "reclaimPolicy", json!("Delete"));
    default(m, "volumeBindingMode", json!("Immediate"));
}

/// ValidateStatefulSet (create and update share these).
pub fn validate_statefulset(sts: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = &sts["spec"];
    if let Some(r) = spec["replicas"].as_i64() {
        if r < 0 {
            errs.push(FieldError::invalid(
                "spec.replicas",
                &json!(r),
                "must be greater than or equal to 0",
            ));
        }
    }
    if spec["selector"].is_null() {
        errs.push(FieldError::required("spec.selector", ""));
    } else {
        let sel = super::selectors::LabelSelector::from_label_selector(&spec["selector"]);
        let labels = &spec["template"]["metadata"]["labels"];
        if sel.0.is_empty() {
            errs.push(FieldError::invalid(
                "spec.selector",
                &spec["selector"],
                "empty selector is invalid for statefulset",
            ));
        } else if !sel.matches_object(&json!({"metadata": {"labels": labels}})) {
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                labels,
                "`selector` does not match template `labels`",
            ));
        }
    }
    if let Some(s) = spec["ordinals"]["start"].as_i64() {
        if s < 0 {
            errs.push(FieldError::invalid(
                "spec.ordinals.start",
                &json!(s),
                "must be greater than or equal to 0",
            ));
        }
    }
    errs
}

/// ValidateStatefulSetUpdate: only some spec fields may change.
pub fn validate_statefulset_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = validate_statefulset(new);
    let mutable = [
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    ];
    let strip = |v: &Value| -> Value {
        let mut m = v["spec"].as_object().cloned().unwrap_or_default();
        for k in mutable {
            m.remove(k);
        }
        Value::Object(m)
    };
    if strip(new) != strip(old) {
        errs.push(FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
    errs
}

/// ValidatePersistentVolumeClaimUpdate (pkg/apis/core/validation): a bound claim may change
/// only resources.requests (and volumeAttributesClassName); with RecoverVolumeExpansionFailure
/// (GA) a request may go down only while it stays above status.capacity (golden `resize/`
/// step 4: 2Gi→1Gi at capacity 1Gi refused, 2Gi→1536Mi accepted).
pub fn validate_pvc_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let strip = |v: &Value| -> Value {
        let mut spec = v["spec"].clone();
        if let Some(m) = spec.as_object_mut() {
            m.remove("resources");
            m.remove("volumeAttributesClassName");
            // the binder fills volumeName in
            if old["spec"]["volumeName"].is_null() {
                m.remove("volumeName");
            }
        }
        spec
    };
    let bound = old["status"]["phase"] == "Bound";
    if strip(new) != strip(old) || (!bound && new["spec"]["resources"] != old["spec"]["resources"])
    {
        errs.push(FieldError::forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        ));
        return errs;
    }
    let q = |v: &Value| v.as_str().and_then(kube_common::quantity::parse);
    let (new_size, old_size) = (
        q(&new["spec"]["resources"]["requests"]["storage"]),
        q(&old["spec"]["resources"]["requests"]["storage"]),
    );
    let capacity = q(&old["status"]["capacity"]["storage"]);
    if let (Some(n), Some(o), Some(c)) = (new_size, old_size, capacity) {
        if n < o && n <= c {
            errs.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
    }
    errs
}

/// ValidatePodUpdate: the spec is immutable except images, activeDeadlineSeconds,
/// added tolerations and terminationGracePeriodSeconds.
pub fn validate_pod_update(new: &Value, old: &Value) -> Vec<FieldError> {
    let mutable_view = |v: &Value| -> Value {
        let mut spec = v["spec"].clone();
        for key in ["containers", "initContainers"] {
            if let Some(cs) = spec[key].as_array_mut() {
                for c in cs {
                    c["image"] = Value::Null;
                }
            }
        }
        if let Some(m) = spec.as_object_mut() {
            m.remove("activeDeadlineSeconds");
            m.remove("tolerations");
            m.remove("terminationGracePeriodSeconds");
        }
        spec
    };
    if mutable_view(new) == mutable_view(old) {
        return vec![];
    }
    vec![FieldError::forbidden(
        "spec",
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    )]
}

pub fn validate_scale_replicas(replicas: i64) -> Vec<FieldError> {
    if replicas < 0 {
        vec![FieldError::invalid(
            "spec.replicas",
            &json!(replicas),
            "must be greater than or equal to 0",
        )]
    } else {
        vec![]
    }
}

/// `ValidateLease` (pkg/apis/coordination/validation): the name a DNS-1123 subdomain (on
/// create), and `ValidateLeaseSpec` (on create and update).
pub fn validate_lease(lease: &Value, create: bool) -> Vec<FieldError> {
    let mut errs = vec![];
    let name = lease["metadata"]["name"].as_str().unwrap_or_default();
    if create {
        errs.extend(subdomain_errors("metadata.name", name));
    }
    let spec = &lease["spec"];
    if let Some(d) = spec["leaseDurationSeconds"].as_i64() {
        if d <= 0 {
            errs.push(FieldError::invalid(
                "spec.leaseDurationSeconds",
                &json!(d),
                "must be greater than 0",
            ));
        }
    }
    if let Some(t) = spec["leaseTransitions"].as_i64() {
        if t < 0 {
            errs.push(FieldError::invalid(
                "spec.leaseTransitions",
                &json!(t),
                "must be greater than or equal to 0",
            ));
        }
    }
    let strategy = spec["strategy"].as_str().unwrap_or_default();
    if !strategy.is_empty() && strategy != "OldestEmulationVersion" {
        errs.push(FieldError {
            reason: "FieldValueNotSupported",
            field: "spec.strategy".into(),
            detail: format!(
                "Unsupported value: \"{strategy}\": supported values: \"OldestEmulationVersion\""
            ),
        });
    }
    if !spec["preferredHolder"]
        .as_str()
        .unwrap_or_default()
        .is_empty()
        && strategy.is_empty()
    {
        errs.push(FieldError::forbidden(
            "spec.preferredHolder",
            "may only be specified if `strategy` is defined",
        ));
    }
    errs
}

/// `NameIsDNSSubdomain` (k8s.io/apimachinery/pkg/util/validation `IsDNS1123Subdomain`), with
/// its messages.
fn subdomain_errors(field: &str, name: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    if name.len() > 253 {
        errs.push(FieldError::invalid(
            field,
            &json!(name),
            "must be no more than 253 characters",
        ));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if !name.split('.').all(label_ok) {
        errs.push(FieldError::invalid(
            field,
            &json!(name),
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statefulset_defaults_match_golden() {
        let mut sts: Value = serde_json::from_str(
            r#"{"spec":{"selector":{"matchLabels":{"app":"flask"}},"replicas":3,
            "template":{"metadata":{"labels":{"app":"flask"}},"spec":{"containers":[{"name":"a","image":"han0495/flask-example-app","ports":[{"containerPort":80}]}],
            "initContainers":[{"name":"i","image":"busybox:1.28"}]}},
            "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"]}}]}}"#,
        )
        .unwrap();
        default_statefulset(&mut sts);
        let s = &sts["spec"];
        assert_eq!(s["podManagementPolicy"], "OrderedReady");
        assert_eq!(s["revisionHistoryLimit"], 10);
        assert_eq!(
            s["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        );
        let c = &s["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], "Always");
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        assert_eq!(
            s["template"]["spec"]["initContainers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert_eq!(
            s["volumeClaimTemplates"][0]["kind"],
            "PersistentVolumeClaim"
        );
        assert_eq!(
            s["volumeClaimTemplates"][0]["spec"]["volumeMode"],
            "Filesystem"
        );
    }

    #[test]
    fn forbidden_sts_update() {
        let old = json!({"spec": {"serviceName": "a", "replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}}}});
        let mut new = old.clone();
        new["spec"]["replicas"] = json!(5);
        assert!(validate_statefulset_update(&new, &old).is_empty());
        new["spec"]["serviceName"] = json!("b");
        assert_eq!(validate_statefulset_update(&new, &old).len(), 1);
    }
}
