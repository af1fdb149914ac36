//! The generic registry (apiserver `pkg/registry/generic/registry/store.go`) and
//! the per-kind strategies: what create, update, patch and delete do to objects.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::defaults;
use super::resources::{self, ResourceDef};
use super::selectors::{FieldSelector, LabelSelector};
use super::status::{self as st, ApiError, FieldError};
use super::store::{Key, Obj, Store, Txn};

pub type Result<T> = std::result::Result<T, ApiError>;

/// RFC 3339 with whole seconds, as metav1.Time marshals.
pub fn timestamp(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn now() -> String {
    timestamp(jiff::Timestamp::now())
}

pub fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

fn random_suffix(n: usize) -> String {
    // utilrand.String's alphabet: no vowels, no confusable characters.
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let bytes = uuid::Uuid::new_v4();
    bytes.as_bytes()[..n]
        .iter()
        .map(|b| ALPHA[*b as usize % ALPHA.len()] as char)
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct WriteOpts {
    pub dry_run: bool,
    /// `fieldValidation=Strict`: unknown fields in a patched object are an error.
    pub strict_fields: bool,
    /// The field manager recorded in managedFields (`?fieldManager=` or the User-Agent's
    /// prefix); None: a controller's in-process write ([`crate::managed::internal_manager`]),
    /// or no record at all.
    pub manager: Option<String>,
}

impl WriteOpts {
    fn manager(&self) -> Option<String> {
        self.manager
            .clone()
            .or_else(|| super::managed::internal_manager().map(String::from))
    }
}

#[derive(Debug, Clone, Default)]
pub struct DeleteOpts {
    pub grace_period: Option<i64>,
    pub precondition_uid: Option<String>,
    pub precondition_rv: Option<String>,
    /// Background (default), Foreground, Orphan.
    pub propagation: Option<String>,
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
}

#[derive(Debug, Clone, Default)]
pub struct ListOpts {
    pub label: LabelSelector,
    pub field: FieldSelector,
    pub limit: Option<usize>,
    pub continue_token: Option<String>,
    pub resource_version: Option<String>,
    pub rv_match: Option<String>,
}

pub struct ListResult {
    pub items: Vec<Obj>,
    pub rv: u64,
    pub continue_token: Option<String>,
    pub remaining: Option<usize>,
}

/// The simulated API server's state: store plus allocators.
pub struct Registry {
    pub store: Store,
    pub config: super::config::SimConfig,
    cluster_ips: Mutex<HashSet<String>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new(Default::default())
    }
}

fn meta_str<'a>(o: &'a Value, k: &str) -> &'a str {
    o["metadata"][k].as_str().unwrap_or("")
}

fn has_finalizers(o: &Value) -> bool {
    o["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
}

impl Registry {
    pub fn new(config: super::config::SimConfig) -> Self {
        Registry {
            store: Store::new(),
            config,
            cluster_ips: Mutex::new(HashSet::new()),
        }
    }

    pub fn get(&self, def: &ResourceDef, ns: &str, name: &str) -> Result<Obj> {
        self.store
            .lock()
            .get(def, ns, name)
            .ok_or_else(|| st::not_found(def, name))
    }

    pub fn list(
        &self,
        def: &'static ResourceDef,
        ns: Option<&str>,
        opts: &ListOpts,
    ) -> Result<ListResult> {
        let txn = self.store.lock();
        let current = txn.rv();
        let (snapshot_rv, start_after) = match &opts.continue_token {
            Some(tok) => {
                let (rv, start) = decode_continue(tok)?;
                // rv -1: an inconsistent continuation from the current state
                (u64::try_from(rv).ok(), Some(start))
            }
            None => {
                let rv: Option<u64> =
                    match opts.resource_version.as_deref() {
                        None | Some("") | Some("0") => None,
                        Some(s) => Some(s.parse().map_err(|_| {
                            st::bad_request(format!("invalid resource version: {s}"))
                        })?),
                    };
                match (rv, opts.rv_match.as_deref()) {
                    (Some(rv), Some("Exact")) => {
                        if rv > current {
                            return Err(too_large(rv, current));
                        }
                        (Some(rv), None)
                    }
                    (Some(rv), _) if rv > current => return Err(too_large(rv, current)),
                    _ => (None, None),
                }
            }
        };
        let historic = snapshot_rv.filter(|rv| *rv < current);
        let after = start_after.as_ref().map(|s| parse_key(s, ns));
        let Some(scan) = txn.scan(def, ns, historic, after) else {
            if opts.continue_token.is_some() {
                // the Status carries an inconsistent-continue token (rv -1) to go on with
                let start = start_after.clone().unwrap_or_default();
                let mut e = st::expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
                e.body["metadata"] = json!({"continue": encode_continue(-1, &start)});
                return Err(e);
            }
            return Err(st::expired(
                "The resourceVersion for the provided list is too old.",
            ));
        };
        let list_rv = snapshot_rv.unwrap_or(current);
        let limit = opts.limit.filter(|l| *l > 0);
        // remainingItemCount is only set when no selector filtered the list
        let unfiltered = opts.label.0.is_empty() && opts.field.is_empty();
        let mut matched: Vec<(Key, Obj)> = Vec::new();
        let mut rest = 0usize;
        for (k, o) in scan {
            if !(opts.label.matches_object(&o) && opts.field.matches(&o)) {
                continue;
            }
            match limit {
                Some(l) if matched.len() >= l => {
                    rest += 1;
                    if !unfiltered {
                        break; // more exist; how many is not said
                    }
                }
                _ => matched.push((k, o)),
            }
        }
        drop(txn);
        let mut continue_token = None;
        let mut remaining = None;
        if let (Some(limit), true) = (limit, rest > 0) {
            let last = key_string(&matched[limit - 1].0, ns);
            continue_token = Some(encode_continue(list_rv as i64, &last));
            if unfiltered {
                remaining = Some(rest);
            }
        }
        Ok(ListResult {
            items: matched.into_iter().map(|(_, o)| o).collect(),
            rv: list_rv,
            continue_token,
            remaining,
        })
    }

    fn check_namespace(
        &self,
        txn: &Txn<'_>,
        def: &ResourceDef,
        ns: &str,
        name: &str,
    ) -> Result<()> {
        if def.namespaced {
            let ns_def = resources::by_kind("Namespace").expect("namespaces served");
            match txn.get(ns_def, "", ns) {
                None => return Err(st::namespace_not_found(ns)),
                // NamespaceLifecycle admission
                Some(n) if !n["metadata"]["deletionTimestamp"].is_null() => {
                    return Err(ApiError::new(
                        403,
                        "Forbidden",
                        format!("{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", def.qualified()),
                        Some(json!({"causes": [{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]})),
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Stores objects exactly as given (uid, timestamps, status), each with a new
    /// resourceVersion: for loading recorded state (fixtures, scenarios). All of them go in
    /// under one store lock, so running controllers never act on half a cluster.
    pub fn restore(&self, objs: impl IntoIterator<Item = Value>) -> Result<()> {
        let mut prepared = Vec::new();
        for mut obj in objs {
            let kind = obj["kind"].as_str().unwrap_or_default().to_string();
            let def = resources::by_kind(&kind)
                .ok_or_else(|| st::bad_request(format!("no kind \"{kind}\" is served")))?;
            if let Some(m) = obj["metadata"].as_object_mut() {
                m.remove("managedFields");
                if !def.namespaced {
                    m.remove("namespace");
                }
            }
            if def.kind == "Service" {
                if let Some(ip) = obj["spec"]["clusterIP"].as_str() {
                    self.cluster_ips
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(ip.to_string());
                }
            }
            prepared.push((def, canonical(def, obj)));
        }
        let mut txn = self.store.lock();
        for (def, obj) in prepared {
            txn.put(def, obj);
        }
        Ok(())
    }

    /// POST: create an object (defaults, validation, server-set metadata).
    pub fn create(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        mut body: Value,
        opts: &WriteOpts,
    ) -> Result<Obj> {
        if !body.is_object() {
            return Err(st::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor"));
        }
        check_type(def, &mut body)?;
        let md = body["metadata"].as_object_mut().map(|m| m.clone());
        let mut md = md.unwrap_or_default();
        if def.namespaced {
            match md.get("namespace").and_then(Value::as_str) {
                Some(n) if !n.is_empty() && n != ns => {
                    return Err(st::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ))
                }
                _ => {
                    md.insert("namespace".into(), json!(ns));
                }
            }
        } else {
            md.remove("namespace");
        }
        let name = match md
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            Some(n) => n.to_string(),
            None => match md.get("generateName").and_then(Value::as_str) {
                Some(g) if !g.is_empty() => format!("{g}{}", random_suffix(5)),
                _ => {
                    return Err(st::invalid_for(
                        def,
                        "",
                        &[FieldError::required(
                            "metadata.name",
                            "name or generateName is required",
                        )],
                    ))
                }
            },
        };
        md.insert("name".into(), json!(name));
        for k in [
            "resourceVersion",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
        ] {
            md.remove(k);
        }
        md.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        md.insert("creationTimestamp".into(), json!(now()));
        if def.has_generation {
            md.insert("generation".into(), json!(1));
        } else {
            md.remove("generation");
        }
        body["metadata"] = Value::Object(md);
        self.prepare_create(def, &mut body)?;

        let mut txn = self.store.lock();
        self.check_namespace(&txn, def, ns, &name)?;
        if let Some(existing) = txn.get(def, ns, &name) {
            // a terminating object still holds its name (golden `resize/` step 9, trial 2)
            if !existing["metadata"]["deletionTimestamp"].is_null() {
                return Err(st::ApiError::new(
                    409,
                    "AlreadyExists",
                    format!(
                        "object is being deleted: {} \"{}\" already exists",
                        def.qualified(),
                        name
                    ),
                    Some(st::details(def, &name)),
                ));
            }
            return Err(st::already_exists(def, &name));
        }
        if def.kind == "Pod" {
            // ServiceAccount admission (plugin/pkg/admission/serviceaccount): the pod's service
            // account must exist (admit_pod defaulted it to `default`)
            let sa = body["spec"]["serviceAccountName"]
                .as_str()
                .unwrap_or("default");
            let sa_def = resources::by_kind("ServiceAccount").expect("serviceaccounts served");
            if txn.get(sa_def, ns, sa).is_none() {
                return Err(st::ApiError::new(
                    403,
                    "Forbidden",
                    format!("pods \"{name}\" is forbidden: error looking up service account {ns}/{sa}: serviceaccount \"{sa}\" not found"),
                    Some(json!({"name": name, "kind": "pods"})),
                ));
            }
        }
        if def.kind == "Service" {
            self.allocate_cluster_ip(&mut body)?;
        }
        body = canonical(def, body);
        if let Some(m) = opts.manager() {
            body["metadata"]["managedFields"] =
                super::managed::updated(def, None, &body, &m, None, &now());
        }
        if opts.dry_run {
            return Ok(Arc::new(body));
        }
        Ok(txn.put(def, body))
    }

    /// Strategy PrepareForCreate + defaults + Validate.
    fn prepare_create(&self, def: &ResourceDef, body: &mut Value) -> Result<()> {
        let name = meta_str(body, "name").to_string();
        match def.kind {
            "Pod" => {
                defaults::default_pod(body);
                self.admit_pod(body);
                body["status"] = json!({"phase": "Pending", "qosClass": qos_class(&body["spec"])});
            }
            "StatefulSet" => {
                defaults::default_statefulset(body);
                body["status"] = json!({"replicas": 0, "availableReplicas": 0});
                let errs = defaults::validate_statefulset(body);
                if !errs.is_empty() {
                    return Err(st::invalid_for(def, &name, &errs));
                }
            }
            "Service" => {
                defaults::default_service(body);
                body["status"] = json!({"loadBalancer": {}});
            }
            "PersistentVolumeClaim" => {
                defaults::default_pvc(body);
                // DefaultStorageClass admission: only when the field is absent (not "")
                if body["spec"]["storageClassName"].is_null() {
                    if let Some(sc) = self.default_storage_class() {
                        body["spec"]["storageClassName"] = json!(sc);
                    }
                }
                add_finalizer(body, "kubernetes.io/pvc-protection");
                body["status"] = json!({"phase": "Pending"});
            }
            "PersistentVolume" => {
                defaults::default_pv(body);
                add_finalizer(body, "kubernetes.io/pv-protection");
                body["status"] = json!({"phase": "Pending"});
            }
            "Namespace" => defaults::default_namespace(body),
            "StorageClass" => defaults::default_storageclass(body),
            "HorizontalPodAutoscaler" => {
                defaults::default_hpa(body);
                // PrepareForCreate clears status; v1's replica counts are not omitempty
                body["status"] = json!({"currentReplicas": 0, "desiredReplicas": 0});
            }
            "PodDisruptionBudget" => {
                body["status"] = json!({"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0});
            }
            "Node" if body["status"].is_null() => body["status"] = json!({}),
            "Lease" => {
                let errs = defaults::validate_lease(body, true);
                if !errs.is_empty() {
                    return Err(st::invalid_for(def, &name, &errs));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Admission for pods: DefaultTolerationSeconds and ServiceAccount
    /// (plugin/pkg/admission/defaulttolerationseconds, serviceaccount): the three
    /// upstream projected sources, not golden's non-upstream fourth.
    fn admit_pod(&self, pod: &mut Value) {
        let secs = self.config.toleration_seconds;
        let mut tols = pod["spec"]["tolerations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            let covered = tols.iter().any(|t| {
                (t["key"] == key || (t["key"].is_null() && t["operator"] == "Exists"))
                    && (t["effect"].is_null() || t["effect"] == "NoExecute")
            });
            if !covered {
                tols.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": secs}));
            }
        }
        pod["spec"]["tolerations"] = json!(tols);
        let spec = &mut pod["spec"];
        if spec["serviceAccountName"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            spec["serviceAccountName"] = json!("default");
        }
        spec["serviceAccount"] = spec["serviceAccountName"].clone();
        if spec["automountServiceAccountToken"] == false {
            return;
        }
        let vol_name = format!("kube-api-access-{}", random_suffix(5));
        let mount = json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol_name, "readOnly": true});
        for key in ["initContainers", "containers"] {
            if let Some(cs) = spec[key].as_array_mut() {
                for c in cs {
                    let mut mounts = c["volumeMounts"].as_array().cloned().unwrap_or_default();
                    if !mounts.iter().any(|m| m["mountPath"] == mount["mountPath"]) {
                        mounts.push(mount.clone());
                    }
                    c["volumeMounts"] = json!(mounts);
                }
            }
        }
        let mut vols = spec["volumes"].as_array().cloned().unwrap_or_default();
        vols.push(json!({"name": vol_name, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
        ]}}));
        spec["volumes"] = json!(vols);
    }

    fn default_storage_class(&self) -> Option<String> {
        let def = resources::by_kind("StorageClass")?;
        self.store
            .lock()
            .list(def, None)
            .into_iter()
            .find_map(|(_, sc)| {
                (sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"]
                    == "true")
                    .then(|| meta_str(&sc, "name").to_string())
            })
    }

    fn allocate_cluster_ip(&self, body: &mut Value) -> Result<()> {
        if body["spec"]["type"] == "ExternalName" {
            return Ok(());
        }
        let svc_name = meta_str(body, "name").to_string();
        let mut used = self.cluster_ips.lock().unwrap_or_else(|e| e.into_inner());
        let ip = match body["spec"]["clusterIP"].as_str() {
            Some("None") => "None".to_string(),
            Some(ip) if !ip.is_empty() => {
                if !used.insert(ip.to_string()) {
                    return Err(st::invalid(
                        "",
                        "Service",
                        "Service",
                        &svc_name,
                        &[FieldError::invalid(
                            "spec.clusterIPs",
                            &json!([ip]),
                            &format!(
                                "failed to allocate IP {ip}: provided IP is already allocated"
                            ),
                        )],
                    ));
                }
                ip.to_string()
            }
            _ => {
                // 10.96.0.0/12, skipping .0.1 (the kubernetes service), as the allocator does
                let mut n = 10u32;
                loop {
                    let candidate = format!("10.96.{}.{}", n / 250, n % 250 + 1);
                    if used.insert(candidate.clone()) {
                        break candidate;
                    }
                    n += 1;
                }
            }
        };
        let spec = &mut body["spec"];
        spec["clusterIP"] = json!(ip);
        spec["clusterIPs"] = json!([ip]);
        if spec["ipFamilies"].is_null() {
            spec["ipFamilies"] = json!(["IPv4"]);
        }
        if spec["ipFamilyPolicy"].is_null() {
            spec["ipFamilyPolicy"] = json!("SingleStack");
        }
        Ok(())
    }

    /// PUT of an object or its status; `sub` is None or Some("status").
    pub fn update(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        name: &str,
        mut body: Value,
        sub: Option<&str>,
        opts: &WriteOpts,
    ) -> Result<Obj> {
        if !body.is_object() {
            return Err(st::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor"));
        }
        check_type(def, &mut body)?;
        if let Some(n) = body["metadata"]["name"].as_str() {
            if n != name {
                return Err(st::bad_request(
                    "the name of the object (".to_string()
                        + n
                        + ") does not match the name on the URL ("
                        + name
                        + ")",
                ));
            }
        }
        let mut txn = self.store.lock();
        let old = txn
            .get(def, ns, name)
            .ok_or_else(|| st::not_found(def, name))?;
        if !unconditional_update(def)
            && sub.is_none()
            && body["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default()
                .is_empty()
        {
            // the registry's Update without a resourceVersion, where the strategy's
            // AllowUnconditionalUpdate is false (golden leases/: the plural, the value 0)
            return Err(st::invalid(
                def.group,
                def.plural,
                &def.qualified(),
                name,
                &[FieldError::invalid(
                    "metadata.resourceVersion",
                    &json!(0),
                    "must be specified for an update",
                )],
            ));
        }
        if let Some(rv) = body["metadata"]["resourceVersion"].as_str() {
            if !rv.is_empty() && rv != meta_str(&old, "resourceVersion") {
                return Err(st::conflict_modified(def, name));
            }
        }
        if let Some(uid) = body["metadata"]["uid"].as_str() {
            if !uid.is_empty() && uid != meta_str(&old, "uid") {
                return Err(st::conflict_modified(def, name));
            }
        }
        let new = self.prepare_update(def, &old, body, sub)?;
        admit_update(&txn, def, &old, &new)?;
        self.commit_update(&mut txn, def, &old, new, opts, sub)
    }

    /// PUT: an update, or — for kinds whose strategy's AllowCreateOnUpdate is true (Lease) — a
    /// create when the object does not exist, whatever resourceVersion the body carries (golden
    /// leases/). The bool: created (201).
    pub fn put(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        name: &str,
        mut body: Value,
        sub: Option<&str>,
        opts: &WriteOpts,
    ) -> Result<(Obj, bool)> {
        if sub.is_none() && create_on_update(def) && self.get(def, ns, name).is_err() {
            if let Some(m) = body["metadata"].as_object_mut() {
                m.remove("resourceVersion");
            }
            if body["metadata"]["name"].is_null() {
                body["metadata"]["name"] = json!(name);
            }
            match self.create(def, ns, body.clone(), opts) {
                Ok(o) => return Ok((o, true)),
                // created by someone else meanwhile: an update of theirs
                Err(e) if e.code == 409 => {}
                Err(e) => return Err(e),
            }
        }
        self.update(def, ns, name, body, sub, opts)
            .map(|o| (o, false))
    }

    /// Strategy PrepareForUpdate: what each endpoint may change, generation, validation.
    fn prepare_update(
        &self,
        def: &ResourceDef,
        old: &Value,
        body: Value,
        sub: Option<&str>,
    ) -> Result<Value> {
        let mut new = if sub == Some("status") {
            // status strategies keep everything but status (and metadata that is allowed)
            let mut n = old.clone();
            n["status"] = body["status"].clone();
            n
        } else if sub == Some("finalize") {
            let mut n = old.clone();
            n["spec"]["finalizers"] = body["spec"]["finalizers"].clone();
            n
        } else {
            let mut n = body;
            if def.has_status_subresource {
                n["status"] = old["status"].clone();
            }
            n
        };
        // server-owned metadata is kept from the stored object
        for k in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "namespace",
            "name",
        ] {
            match old["metadata"].get(k) {
                Some(v) => new["metadata"][k] = v.clone(),
                None => {
                    if let Some(m) = new["metadata"].as_object_mut() {
                        m.remove(k);
                    }
                }
            }
        }
        let name = meta_str(old, "name").to_string();
        match def.kind {
            "StatefulSet" if sub.is_none() => {
                defaults::default_statefulset(&mut new);
                let errs = defaults::validate_statefulset_update(&new, old);
                if !errs.is_empty() {
                    return Err(st::invalid_for(def, &name, &errs));
                }
            }
            "HorizontalPodAutoscaler" if sub.is_none() => defaults::default_hpa(&mut new),
            "Pod" if sub.is_none() => {
                defaults::default_pod(&mut new);
                let errs = defaults::validate_pod_update(&new, old);
                if !errs.is_empty() {
                    return Err(st::invalid_for(def, &name, &errs));
                }
            }
            "Service" if sub.is_none() => {
                defaults::default_service(&mut new);
                // clusterIP is immutable; keep the allocated one when omitted
                for k in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
                    if new["spec"][k].is_null() {
                        new["spec"][k] = old["spec"][k].clone();
                    }
                }
            }
            "PersistentVolumeClaim" if sub.is_none() => {
                defaults::default_pvc(&mut new);
                let errs = defaults::validate_pvc_update(&new, old);
                if !errs.is_empty() {
                    return Err(st::invalid_for(def, &name, &errs));
                }
            }
            "PersistentVolume" if sub.is_none() => defaults::default_pv(&mut new),
            "Lease" => {
                let errs = defaults::validate_lease(&new, false);
                if !errs.is_empty() {
                    return Err(st::invalid_for(def, &name, &errs));
                }
            }
            "Namespace" if sub.is_none() => {
                defaults::default_namespace(&mut new);
                new["status"] = old["status"].clone();
            }
            _ => {}
        }
        if def.has_generation && sub.is_none() && new["spec"] != old["spec"] {
            let g = old["metadata"]["generation"].as_i64().unwrap_or(0);
            new["metadata"]["generation"] = json!(g + 1);
        }
        Ok(canonical(def, new))
    }

    /// Writes `new` (through `sub`: None, `status`, `scale`) unless nothing changed, with its
    /// managedFields brought up to date; finishes a deletion whose finalizers are gone.
    #[allow(clippy::too_many_arguments)]
    fn commit_update(
        &self,
        txn: &mut Txn<'_>,
        def: &'static ResourceDef,
        old: &Obj,
        mut new: Value,
        opts: &WriteOpts,
        sub: Option<&str>,
    ) -> Result<Obj> {
        new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
        // managedFields are the server's record: what a client sends back is not compared
        // and not taken
        let recorded = old["metadata"].get("managedFields").cloned();
        if let Some(m) = new["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
        let mut bare = (**old).clone();
        if let Some(m) = bare["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
        if new == bare {
            return Ok(old.clone());
        }
        match (opts.manager(), recorded) {
            (Some(m), _) => {
                new["metadata"]["managedFields"] =
                    super::managed::updated(def, Some(old), &new, &m, sub, &now());
            }
            (None, Some(r)) => new["metadata"]["managedFields"] = r,
            (None, None) => {}
        }
        if opts.dry_run {
            return Ok(Arc::new(new));
        }
        let deleting = !new["metadata"]["deletionTimestamp"].is_null();
        let ns = meta_str(&new, "namespace").to_string();
        let name = meta_str(&new, "name").to_string();
        let spec_finalizers = def.kind == "Namespace"
            && new["spec"]["finalizers"]
                .as_array()
                .is_some_and(|f| !f.is_empty());
        if deleting && !has_finalizers(&new) && !spec_finalizers && graceful_done(def, &new) {
            txn.put(def, new);
            return Ok(txn.remove(def, &ns, &name).expect("just written"));
        }
        Ok(txn.put(def, new))
    }

    /// PATCH of an object, its status or its scale.
    pub fn patch(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        name: &str,
        (ptype, patch): (PatchType, &[u8]),
        sub: Option<&str>,
        opts: &WriteOpts,
    ) -> Result<Obj> {
        let patch_v: Value = serde_json::from_slice(patch)
            .map_err(|e| st::bad_request(format!("error decoding patch: {}", go_json_error(&e))))?;
        let mut txn = self.store.lock();
        let old = txn
            .get(def, ns, name)
            .ok_or_else(|| st::not_found(def, name))?;
        if sub == Some("scale") {
            let scale = to_scale(&old);
            let patched = apply_patch(resources::scale_def(), &scale, &patch_v, ptype)?;
            let new = self.scale_to_object(def, &old, &patched)?;
            let out = self.commit_update(&mut txn, def, &old, new, opts, sub)?;
            let mut scale = to_scale(&out);
            // The response reports the new spec.replicas with the old status (golden scale-subresource).
            scale["status"] = to_scale(&old)["status"].clone();
            return Ok(Arc::new(scale));
        }
        let patched = apply_patch(def, &old, &patch_v, ptype)?;
        if opts.strict_fields {
            let unknown = super::validation::unknown_fields(def.kind, &patched);
            if !unknown.is_empty() {
                let msgs: Vec<String> = unknown
                    .iter()
                    .map(|f| format!("unknown field \"{f}\""))
                    .collect();
                return Err(st::bad_request(format!(
                    "strict decoding error: {}",
                    msgs.join(", ")
                )));
            }
        }
        if let Some(rv) = patched["metadata"]["resourceVersion"].as_str() {
            if rv != meta_str(&old, "resourceVersion") {
                return Err(st::conflict_modified(def, name));
            }
        }
        if patched["metadata"]["name"].as_str() != Some(name) {
            return Err(st::bad_request("metadata.name: Invalid value: the name of the object does not match the name on the URL"));
        }
        let new = self.prepare_update(def, &old, patched, sub)?;
        admit_update(&txn, def, &old, &new)?;
        self.commit_update(&mut txn, def, &old, new, opts, sub)
    }

    /// Another writer's write right now (see [`crate::Interleave`]): with `patch`, a merge patch
    /// of the object; without, a status write that moves only its resourceVersion. Nothing
    /// happens when the object does not exist.
    pub fn interleave(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        name: &str,
        patch: Option<&Value>,
    ) {
        match patch {
            Some(p) => {
                let body = serde_json::to_vec(p).unwrap_or_default();
                let _ = self.patch(
                    def,
                    ns,
                    name,
                    (PatchType::Merge, &body),
                    None,
                    &WriteOpts::default(),
                );
            }
            None => {
                let mut txn = self.store.lock();
                if let Some(old) = txn.get(def, ns, name) {
                    txn.put(def, (*old).clone());
                }
            }
        }
    }

    pub fn get_scale(&self, def: &'static ResourceDef, ns: &str, name: &str) -> Result<Value> {
        Ok(to_scale(self.get(def, ns, name)?.as_ref()))
    }

    pub fn update_scale(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        name: &str,
        body: Value,
        opts: &WriteOpts,
    ) -> Result<Value> {
        let mut txn = self.store.lock();
        let old = txn
            .get(def, ns, name)
            .ok_or_else(|| st::not_found(def, name))?;
        if let Some(rv) = body["metadata"]["resourceVersion"].as_str() {
            if !rv.is_empty() && rv != meta_str(&old, "resourceVersion") {
                return Err(st::conflict_modified(def, name));
            }
        }
        let new = self.scale_to_object(def, &old, &body)?;
        let out = self.commit_update(&mut txn, def, &old, new, opts, Some("scale"))?;
        Ok(to_scale(&out))
    }

    fn scale_to_object(&self, def: &ResourceDef, old: &Value, scale: &Value) -> Result<Value> {
        let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
        let errs = defaults::validate_scale_replicas(replicas);
        if !errs.is_empty() {
            return Err(st::invalid(
                "autoscaling",
                "Scale",
                "Scale.autoscaling",
                meta_str(old, "name"),
                &errs,
            ));
        }
        let mut new = (*old).clone();
        new["spec"]["replicas"] = json!(replicas);
        if def.has_generation && new["spec"] != old["spec"] {
            let g = old["metadata"]["generation"].as_i64().unwrap_or(0);
            new["metadata"]["generation"] = json!(g + 1);
        }
        Ok(new)
    }

    /// POST pods/NAME/binding: set spec.nodeName once (pkg/registry/core/pod/storage assignPod).
    pub fn bind(&self, ns: &str, name: &str, body: &Value) -> Result<Value> {
        let def = resources::by_kind("Pod").expect("pods");
        let node = body["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let mut txn = self.store.lock();
        let old = txn
            .get(def, ns, name)
            .ok_or_else(|| st::not_found(def, name))?;
        if !old["metadata"]["deletionTimestamp"].is_null() {
            return Err(st::conflict_precondition(
                def,
                name,
                "pod is being deleted, cannot be assigned to a host".into(),
            ));
        }
        if let Some(cur) = old["spec"]["nodeName"].as_str().filter(|s| !s.is_empty()) {
            return Err(ApiError::new(
                409,
                "Conflict",
                format!("Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{cur}\""),
                Some(json!({"name": name, "kind": "pods/binding"})),
            ));
        }
        let mut new = (*old).clone();
        new["spec"]["nodeName"] = json!(node);
        replace_condition(
            &mut new,
            json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now()}),
        );
        txn.put(def, new);
        Ok(st::success_status())
    }

    /// POST pods/NAME/eviction (pkg/registry/core/pod/storage/eviction.go): a pod that is
    /// Pending, terminal or already terminating is deleted without a PDB check (canIgnorePDB);
    /// more than one PDB is a 500 Status; an unready pod goes without a charge under
    /// `unhealthyPodEvictionPolicy: AlwaysAllow`, or under IfHealthyBudget (the default) while
    /// the budget is met; otherwise checkAndDecrement: 429 while the PDB's status is older than
    /// its generation or no disruption is allowed, else one disruption is taken and the pod
    /// recorded in `status.disruptedPods` in one status write, *before* the delete — a delete
    /// that then fails (a 409 precondition) leaves the charge, as golden shows.
    pub fn evict(&self, ns: &str, name: &str, body: &Value) -> Result<Value> {
        let pods = resources::by_kind("Pod").expect("pods");
        let pdbs = resources::by_kind("PodDisruptionBudget").expect("pdbs");
        let pod = self.get(pods, ns, name)?;
        let d = &body["deleteOptions"];
        let mut opts = DeleteOpts {
            grace_period: d["gracePeriodSeconds"].as_i64(),
            precondition_uid: d["preconditions"]["uid"].as_str().map(String::from),
            precondition_rv: d["preconditions"]["resourceVersion"]
                .as_str()
                .map(String::from),
            propagation: d["propagationPolicy"].as_str().map(String::from),
            dry_run: d["dryRun"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "All")),
        };
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        let terminating = !pod["metadata"]["deletionTimestamp"].is_null();
        let can_ignore_pdb = matches!(phase, "Succeeded" | "Failed" | "Pending") || terminating;
        if !can_ignore_pdb {
            let matching: Vec<Obj> = self
                .store
                .lock()
                .list(pdbs, Some(ns))
                .into_iter()
                .map(|(_, p)| p)
                .filter(|p| {
                    // a nil or empty selector matches nothing here
                    let sel = &p["spec"]["selector"];
                    sel.as_object().is_some_and(|o| {
                        o.values().any(|v| {
                            v.as_object().is_some_and(|m| !m.is_empty())
                                || v.as_array().is_some_and(|a| !a.is_empty())
                        })
                    }) && LabelSelector::from_label_selector(sel).matches_object(&pod)
                })
                .collect();
            if matching.len() > 1 {
                // a Status returned as the result, with no reason (golden two-pdbs.txt)
                let mut e = st::internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
                if let Some(o) = e.body.as_object_mut() {
                    o.remove("reason");
                }
                return Err(e);
            }
            if let Some(pdb) = matching.first() {
                let ready = pod["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
                let status = &pdb["status"];
                let healthy = status["currentHealthy"].as_i64().unwrap_or(0);
                let desired = status["desiredHealthy"].as_i64().unwrap_or(0);
                let always_allow = pdb["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow";
                if !ready && (always_allow || (healthy >= desired && desired > 0)) {
                    // deleted behind the resourceVersion that was judged unready
                    if opts.precondition_rv.is_none() {
                        opts.precondition_rv = Some(meta_str(&pod, "resourceVersion").to_string());
                    }
                } else {
                    self.check_and_decrement(pdbs, pdb, name, opts.dry_run)?;
                }
            }
        }
        if !opts.dry_run {
            self.delete(pods, ns, name, &opts)?;
        }
        let mut ok = st::success_status();
        ok["code"] = json!(201);
        Ok(ok)
    }

    /// checkAndDecrement of eviction.go.
    fn check_and_decrement(
        &self,
        pdbs: &'static ResourceDef,
        pdb: &Obj,
        pod: &str,
        dry_run: bool,
    ) -> Result<()> {
        let status = &pdb["status"];
        let pdb_name = meta_str(pdb, "name");
        let too_many = |cause: String, retry: Option<u64>| {
            let mut details = json!({"causes": [{"reason": "DisruptionBudget", "message": cause}]});
            if let Some(r) = retry {
                details["retryAfterSeconds"] = json!(r);
            }
            let mut e = ApiError::new(
                429,
                "TooManyRequests",
                "Cannot evict pod as it would violate the pod's disruption budget.",
                Some(details),
            );
            e.retry_after = retry;
            e
        };
        let observed = status["observedGeneration"].as_i64().unwrap_or(0);
        let generation = pdb["metadata"]["generation"].as_i64().unwrap_or(0);
        if observed < generation {
            return Err(too_many(
                format!("The disruption budget {pdb_name} is still being processed by the server."),
                Some(10),
            ));
        }
        let allowed = status["disruptionsAllowed"].as_i64().unwrap_or(0);
        if allowed < 0 {
            return Err(st::forbidden_object(
                "poddisruptionbudget.policy",
                pdb_name,
                "pdb disruptions allowed is negative",
            ));
        }
        if allowed == 0 {
            return Err(too_many(
                format!(
                    "The disruption budget {pdb_name} needs {} healthy pods and has {} currently",
                    status["desiredHealthy"].as_i64().unwrap_or(0),
                    status["currentHealthy"].as_i64().unwrap_or(0)
                ),
                None,
            ));
        }
        if dry_run {
            return Ok(());
        }
        let mut new = (**pdb).clone();
        new["status"]["disruptionsAllowed"] = json!(allowed - 1);
        if allowed - 1 == 0 {
            // pdbhelper.UpdateDisruptionAllowedCondition
            replace_condition(
                &mut new,
                json!({"type": "DisruptionAllowed", "status": "False", "reason": "InsufficientPods", "message": "",
                    "observedGeneration": status["observedGeneration"], "lastTransitionTime": now()}),
            );
        }
        new["status"]["disruptedPods"][pod] = json!(now());
        let mut txn = self.store.lock();
        txn.put(pdbs, new);
        Ok(())
    }

    /// DELETE, with graceful pod deletion, finalizers and preconditions
    /// (generic registry Delete + rest.BeforeDelete + pod strategy CheckGracefulDelete).
    pub fn delete(
        &self,
        def: &'static ResourceDef,
        ns: &str,
        name: &str,
        opts: &DeleteOpts,
    ) -> Result<Value> {
        let mut txn = self.store.lock();
        let old = txn
            .get(def, ns, name)
            .ok_or_else(|| st::not_found(def, name))?;
        if let Some(uid) = &opts.precondition_uid {
            if uid != meta_str(&old, "uid") {
                return Err(st::conflict_precondition(def, name, format!(
                    "the UID in the precondition ({uid}) does not match the UID in record ({}). The object might have been deleted and then recreated",
                    meta_str(&old, "uid")
                )));
            }
        }
        if let Some(rv) = &opts.precondition_rv {
            if rv != meta_str(&old, "resourceVersion") {
                return Err(st::conflict_precondition(def, name, format!(
                    "the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({}). The object might have been modified",
                    meta_str(&old, "resourceVersion")
                )));
            }
        }
        let mut new = (*old).clone();
        let now_t = jiff::Timestamp::now();
        // Namespaces go Terminating; the namespace controller empties them, then they go
        // (pkg/registry/core/namespace/storage: spec.finalizers hold the object).
        if def.kind == "Namespace"
            && !old["spec"]["finalizers"]
                .as_array()
                .is_none_or(|f| f.is_empty())
        {
            if !old["metadata"]["deletionTimestamp"].is_null() {
                return Ok((*old).clone());
            }
            new["metadata"]["deletionTimestamp"] = json!(timestamp(now_t));
            new["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            new["status"]["phase"] = json!("Terminating");
            if opts.dry_run {
                return Ok(new);
            }
            return Ok((*txn.put(def, new)).clone());
        }
        let orphan = opts.propagation.as_deref() == Some("Orphan");
        let foreground = opts.propagation.as_deref() == Some("Foreground");
        if orphan || foreground {
            add_finalizer(
                &mut new,
                if orphan {
                    "orphan"
                } else {
                    "foregroundDeletion"
                },
            );
        }

        // Graceful deletion applies to pods only.
        let grace = if def.kind == "Pod" {
            let mut period = opts.grace_period.unwrap_or_else(|| {
                old["spec"]["terminationGracePeriodSeconds"]
                    .as_i64()
                    .unwrap_or(30)
            });
            let unscheduled = old["spec"]["nodeName"].as_str().is_none_or(str::is_empty);
            let terminal = matches!(
                old["status"]["phase"].as_str(),
                Some("Failed" | "Succeeded")
            );
            if unscheduled || terminal {
                period = 0;
            }
            Some(period.max(0))
        } else {
            None
        };

        let already = parse_time(meta_str(&old, "deletionTimestamp"));
        if let (Some(grace), Some(existing)) = (grace, already) {
            // A second DELETE may shorten, never extend, the grace period (BeforeDelete).
            let cur_grace = old["metadata"]["deletionGracePeriodSeconds"]
                .as_i64()
                .unwrap_or(0);
            if grace >= cur_grace && grace != 0 {
                return Ok((*old).clone());
            }
            let _ = existing;
        } else if grace.is_none() && already.is_some() && !orphan && !foreground {
            // already being deleted (finalizers pending): nothing more to do
            return Ok((*old).clone());
        }

        match grace {
            Some(g) => {
                let ts = now_t + jiff::SignedDuration::from_secs(g);
                new["metadata"]["deletionTimestamp"] = json!(timestamp(ts));
                new["metadata"]["deletionGracePeriodSeconds"] = json!(g);
                // rest.BeforeDelete: only the first graceful delete bumps the generation;
                // a later, shorter one just moves the timestamp (golden: generation stays 2)
                let gen = new["metadata"]["generation"].as_i64().unwrap_or(0);
                if gen > 0 && already.is_none() {
                    new["metadata"]["generation"] = json!(gen + 1);
                }
            }
            None => {
                if has_finalizers(&new) && new["metadata"]["deletionTimestamp"].is_null() {
                    new["metadata"]["deletionTimestamp"] = json!(timestamp(now_t));
                    new["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                    let gen = new["metadata"]["generation"].as_i64().unwrap_or(0);
                    if gen > 0 {
                        new["metadata"]["generation"] = json!(gen + 1);
                    }
                }
            }
        }
        if opts.dry_run {
            return Ok(new);
        }
        let immediate = !has_finalizers(&new) && grace.unwrap_or(0) == 0;
        if immediate {
            if grace.is_some() {
                // pods: MODIFIED (deletionTimestamp now, grace 0), then DELETED
                txn.put(def, new);
            }
            let last = txn.remove(def, ns, name).expect("exists");
            return Ok(if def.kind == "Pod" {
                (*last).clone()
            } else {
                deleted_status(def, &last)
            });
        }
        Ok((*txn.put(def, new)).clone())
    }
}

/// Pods finish deletion only through a grace-0 delete (the kubelet); others once finalizers are gone.
/// The strategy's AllowUnconditionalUpdate: false for Lease (pkg/registry/coordination/lease
/// strategy.go); the kinds served here otherwise allow an update without resourceVersion.
fn unconditional_update(def: &ResourceDef) -> bool {
    def.kind != "Lease"
}

/// The strategy's AllowCreateOnUpdate: true for Lease (the same file).
fn create_on_update(def: &ResourceDef) -> bool {
    def.kind == "Lease"
}

fn graceful_done(def: &ResourceDef, o: &Value) -> bool {
    def.kind != "Pod" || o["metadata"]["deletionGracePeriodSeconds"].as_i64() == Some(0)
}

fn add_finalizer(o: &mut Value, f: &str) {
    let mut fins = o["metadata"]["finalizers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !fins.iter().any(|x| x == f) {
        fins.push(json!(f));
    }
    o["metadata"]["finalizers"] = json!(fins);
}

fn deleted_status(def: &ResourceDef, last: &Value) -> Value {
    let mut d = json!({"name": meta_str(last, "name")});
    if !def.group.is_empty() {
        d["group"] = json!(def.group);
    }
    d["kind"] = json!(def.plural);
    d["uid"] = json!(meta_str(last, "uid"));
    let mut s = st::success_status();
    s["details"] = d;
    s
}

fn too_large(rv: u64, current: u64) -> ApiError {
    ApiError::new(
        504,
        "Timeout",
        format!("Too large resource version: {rv}, current: {current}"),
        Some(
            json!({"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}], "retryAfterSeconds": 1}),
        ),
    )
}

/// kind/apiVersion in the body must match the endpoint (or be absent).
fn check_type(def: &ResourceDef, body: &mut Value) -> Result<()> {
    let av = def.api_version();
    match body["apiVersion"].as_str() {
        Some(v) if !v.is_empty() && v != av => {
            return Err(st::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({av})"
            )))
        }
        _ => {}
    }
    match body["kind"].as_str() {
        Some(k) if !k.is_empty() && k != def.kind => {
            return Err(st::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                def.kind
            )))
        }
        _ => {}
    }
    body["apiVersion"] = json!(av);
    body["kind"] = json!(def.kind);
    Ok(())
}

/// Fields Go marshals with `omitempty`: empty maps and lists disappear
/// (removing the last label leaves no `labels` key on a real server).
fn prune_omitempty(v: &mut Value) {
    let prune = |o: &mut Value, keys: &[&str]| {
        if let Some(m) = o.as_object_mut() {
            for k in keys {
                let empty = m.get(*k).is_some_and(|x| {
                    x.as_object().is_some_and(|o| o.is_empty())
                        || x.as_array().is_some_and(|a| a.is_empty())
                });
                if empty {
                    m.remove(*k);
                }
            }
        }
    };
    prune(
        &mut v["metadata"],
        &["labels", "annotations", "finalizers", "ownerReferences"],
    );
    if v["spec"].is_object() {
        prune(&mut v["spec"], &["taints", "tolerations", "nodeSelector"]);
    }
}

/// Key order as the apiserver serialises: kind, apiVersion, metadata, then the rest.
fn canonical(def: &ResourceDef, mut v: Value) -> Value {
    prune_omitempty(&mut v);
    let Value::Object(mut m) = v else { return v };
    let mut out = serde_json::Map::new();
    out.insert("kind".into(), json!(def.kind));
    out.insert("apiVersion".into(), json!(def.api_version()));
    m.remove("kind");
    m.remove("apiVersion");
    if let Some(md) = m.remove("metadata") {
        out.insert("metadata".into(), md);
    }
    for (k, v) in m {
        if !v.is_null() {
            out.insert(k, v);
        }
    }
    Value::Object(out)
}

fn qos_class(spec: &Value) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in spec["containers"].as_array().into_iter().flatten() {
        let req = &c["resources"]["requests"];
        let lim = &c["resources"]["limits"];
        if req.as_object().is_some_and(|m| !m.is_empty())
            || lim.as_object().is_some_and(|m| !m.is_empty())
        {
            any = true;
        }
        for r in ["cpu", "memory"] {
            if lim[r].is_null() || (!req[r].is_null() && req[r] != lim[r]) {
                guaranteed = false;
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        _ => "Burstable",
    }
}

/// autoscaling/v1 Scale of a StatefulSet (pkg/registry/apps/statefulset/storage scaleFromStatefulSet).
pub fn to_scale(o: &Value) -> Value {
    let sel = LabelSelector::from_label_selector(&o["spec"]["selector"]);
    let selector = sel
        .0
        .iter()
        .map(|r| match r.op {
            super::selectors::Op::Eq => format!("{}={}", r.key, r.values[0]),
            super::selectors::Op::In => format!("{} in ({})", r.key, r.values.join(",")),
            super::selectors::Op::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
            super::selectors::Op::Exists => r.key.clone(),
            _ => format!("!{}", r.key),
        })
        .collect::<Vec<_>>()
        .join(",");
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta_str(o, "name"),
            "namespace": meta_str(o, "namespace"),
            "uid": meta_str(o, "uid"),
            "resourceVersion": meta_str(o, "resourceVersion"),
            "creationTimestamp": meta_str(o, "creationTimestamp"),
        },
        "spec": {"replicas": o["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": {"replicas": o["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

pub(crate) fn apply_patch(
    def: &ResourceDef,
    old: &Value,
    patch: &Value,
    ptype: PatchType,
) -> Result<Value> {
    let mut doc = old.clone();
    match ptype {
        PatchType::Strategic => {
            doc = super::smp::apply(old, patch, def.group, def.version, def.kind)
                .map_err(st::bad_request)?;
        }
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(st::bad_request("error decoding patch: json: cannot unmarshal into Go value of type map[string]interface {}"));
            }
            json_patch::merge(&mut doc, patch);
        }
        PatchType::Json => {
            let p: json_patch::Patch = serde_json::from_value(patch.clone())
                .map_err(|e| st::bad_request(format!("error decoding patch: {e}")))?;
            json_patch::patch(&mut doc, &p).map_err(|e| {
                ApiError::new(
                    422,
                    "Invalid",
                    format!("the server rejected our request due to an error in our request: {e}"),
                    None,
                )
            })?;
        }
    }
    Ok(doc)
}

/// Go's encoding/json wording for the common decode failures.
fn go_json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "unexpected end of JSON input".into()
    } else {
        format!("invalid character in JSON input: {e}")
    }
}

/// Continue tokens as apiserver's storage encodes them: base64url(JSON{v, rv, start}).
/// `start` is the etcd key relative to the list prefix: `/flask-0\0` (golden errors-410.json).
fn encode_continue(rv: i64, last_key: &str) -> String {
    use base64::Engine;
    // field order as Go's continueToken struct marshals it: v, rv, start
    let start = serde_json::to_string(&format!("{last_key}\u{0000}")).expect("string");
    let body = format!("{{\"v\":\"meta.k8s.io/v1\",\"rv\":{rv},\"start\":{start}}}");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body)
}

fn decode_continue(tok: &str) -> Result<(i64, String)> {
    use base64::Engine;
    let bad = |why: String| {
        st::bad_request(format!(
            "invalid continue token: continue key is not valid: {why}"
        ))
    };
    // Go's base64.RawURLEncoding tolerates non-zero trailing bits; so must we.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let raw = engine
        .decode(tok)
        .map_err(|e| bad(format!("illegal base64 data: {e}")))?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| {
        let c = raw.first().copied().unwrap_or(b' ') as char;
        bad(format!(
            "invalid character {} looking for beginning of value",
            go_quote_char(c)
        ))
    })?;
    if v["v"] != "meta.k8s.io/v1" {
        return Err(bad(
            "server does not recognize this encoded key version".into()
        ));
    }
    let rv = v["rv"].as_i64().ok_or_else(|| {
        bad("incorrect encoded start resourceVersion (version meta.k8s.io/v1)".into())
    })?;
    let start = v["start"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('\u{0000}')
        .trim_start_matches('/')
        .to_string();
    Ok((rv, start))
}

/// encoding/json's quoteChar: `'x'`, with non-printables as Go escapes.
fn go_quote_char(c: char) -> String {
    if c == '\'' {
        return "'\\''".into();
    }
    if c == '"' {
        return "'\"'".into();
    }
    if c.is_control() || (c as u32) >= 0x7f && (c as u32) < 0xa0 {
        return format!("'\\u{:04x}'", c as u32);
    }
    format!("'{c}'")
}

fn parse_key(s: &str, ns: Option<&str>) -> Key {
    match (ns, s.split_once('/')) {
        (Some(ns), _) => (ns.to_string(), s.to_string()),
        (None, Some((a, b))) => (a.to_string(), b.to_string()),
        (None, None) => (String::new(), s.to_string()),
    }
}

/// The key part a continue token names: `ns/name` across namespaces, `name` within one.
fn key_string(k: &Key, ns: Option<&str>) -> String {
    if ns.is_some() || k.0.is_empty() {
        format!("/{}", k.1)
    } else {
        format!("/{}/{}", k.0, k.1)
    }
}

/// Validating admission on update, after the strategy's validation (as the apiserver orders
/// them). PersistentVolumeClaimResize (plugin/pkg/admission/storage/persistentvolume/resize):
/// a grown request needs a claim bound to a dynamically provisioned volume whose StorageClass
/// allows expansion; otherwise 403 with the plugin's message (golden `resize/` step 1).
fn admit_update(txn: &Txn<'_>, def: &ResourceDef, old: &Value, new: &Value) -> Result<()> {
    if def.kind != "PersistentVolumeClaim" {
        return Ok(());
    }
    let size = |v: &Value| {
        v["spec"]["resources"]["requests"]["storage"]
            .as_str()
            .and_then(kube_common::quantity::parse)
    };
    if size(new) <= size(old) {
        return Ok(());
    }
    let class = new["spec"]["storageClassName"].as_str().unwrap_or_default();
    let allows = resources::by_kind("StorageClass")
        .and_then(|d| txn.get(d, "", class))
        .is_some_and(|sc| sc["allowVolumeExpansion"] == true);
    let provisioned = resources::by_kind("PersistentVolume")
        .zip(old["spec"]["volumeName"].as_str())
        .and_then(|(d, pv)| txn.get(d, "", pv))
        .is_some_and(|pv| {
            !pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"].is_null()
        });
    if allows && provisioned {
        return Ok(());
    }
    let name = meta_str(new, "name");
    Err(st::ApiError::new(
        403,
        "Forbidden",
        format!("persistentvolumeclaims \"{name}\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"),
        Some(json!({"name": name, "kind": "persistentvolumeclaims"})),
    ))
}

/// Puts `cond` in place of the object's condition of the same type (appended when there is none).
fn replace_condition(obj: &mut Value, cond: Value) {
    let mut conds: Vec<Value> = obj["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c["type"] != cond["type"])
        .collect();
    conds.push(cond);
    obj["status"]["conditions"] = json!(conds);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_continue_token_message_matches_golden() {
        let e = decode_continue("garbage").unwrap_err();
        assert_eq!(
            e.message(),
            "invalid continue token: continue key is not valid: invalid character '\\u0081' looking for beginning of value"
        );
    }

    #[test]
    fn continue_token_roundtrip() {
        let t = encode_continue(42, "/flask-1");
        assert_eq!(decode_continue(&t).unwrap(), (42, "flask-1".to_string()));
        // golden's token from errors-410.json
        let golden = "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MjUwLCJzdGFydCI6Ii9mbGFzay0wXHUwMDAwIn0";
        assert_eq!(
            decode_continue(golden).unwrap(),
            (250, "flask-0".to_string())
        );
        assert_eq!(encode_continue(250, "/flask-0"), golden);
    }
}
