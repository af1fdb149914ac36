//! One simulated kubelet per node: node Lease and Ready status, pods Pending →
//! Running → Ready once their volumes are attached, graceful termination ending
//! in the grace-0 DELETE with a uid precondition (as golden shows the kubelet
//! doing). A node annotated `kubectl-sts.sim/power=off` does nothing at all.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::volumes::{pod_pvs, unique_volume_name};
use super::ClusterApi;
use super::{condition, deleting, name, namespace, uid, Controller};
use crate::registry::{now, DeleteOpts};
use crate::Sim;

pub const POWER_ANNOTATION: &str = "kubectl-sts.sim/power";
pub use super::volumes::TOPOLVM_NODE_KEY;

pub fn powered_off(node: &Value) -> bool {
    node["metadata"]["annotations"][POWER_ANNOTATION] == "off"
}

/// A Node object as a kubelet registers it (golden seed nodes).
pub fn node_object(name: &str, index: usize) -> Value {
    let ip = format!("172.18.0.{}", 10 + index);
    let cidr = format!("10.244.{index}.0/24");
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name,
            "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"},
            "labels": {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                // the node-local CSI driver's topology key, which its node plugin registers
                // and the kubelet copies onto the node (as TopoLVM's)
                TOPOLVM_NODE_KEY: name}},
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "4", "ephemeral-storage": "46Gi", "memory": "7800Mi", "pods": "110"},
            "capacity": {"cpu": "4", "ephemeral-storage": "50Gi", "memory": "8Gi", "pods": "110"},
            "conditions": node_conditions(&now(), &now()),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "bootID": format!("{:032x}", index), "containerRuntimeVersion": "containerd://1.7.0",
                "kernelVersion": "6.1.0", "kubeProxyVersion": "", "kubeletVersion": "v1.36.2", "machineID": format!("{:032x}", index + 100),
                "operatingSystem": "linux", "osImage": "Debian GNU/Linux 12 (bookworm)", "systemUUID": format!("{:032x}", index + 200)}
        }
    })
}

fn node_conditions(heartbeat: &str, transition: &str) -> Value {
    let c = |ty: &str, status: &str, reason: &str, msg: &str| json!({"lastHeartbeatTime": heartbeat, "lastTransitionTime": transition, "message": msg, "reason": reason, "status": status, "type": ty});
    json!([
        c(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available"
        ),
        c(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure"
        ),
        c(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available"
        ),
        c(
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status"
        ),
    ])
}

/// Microsecond RFC 3339, as Lease renewTime (MicroTime) is written.
fn micro_now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

#[derive(Default)]
pub struct Kubelets {
    last_lease: HashMap<String, Instant>,
    last_status: HashMap<String, Instant>,
    /// pod uid → when its volumes were all ready on the node
    volumes_ready_at: HashMap<String, Instant>,
    /// pod uid → when the kubelet saw its deletion
    stopping_since: HashMap<String, Instant>,
    /// (pod uid, container) → where a container whose command exits is in its crash loop
    crashing: HashMap<(String, String), Crash>,
    next_ip: HashMap<String, u32>,
    /// Some: the nodes these kubelets run on; None: every node.
    only: Option<std::collections::BTreeSet<String>>,
    /// Nodes seen powered off: the next pass that finds one on boots its kubelet.
    off: std::collections::BTreeSet<String>,
}

impl Controller for Kubelets {
    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn reconcile(&mut self, sim: &Sim) {
        self.sync(sim)
    }
}

impl Kubelets {
    /// The kubelets of these nodes only (an agent process against a real API server, which
    /// leaves any other node alone).
    pub fn of_nodes(nodes: impl IntoIterator<Item = String>) -> Kubelets {
        Kubelets {
            only: Some(nodes.into_iter().collect()),
            ..Default::default()
        }
    }

    /// One pass over every node (of [`Kubelets::of_nodes`]) and the pods bound to it.
    pub fn sync(&mut self, sim: &dyn ClusterApi) {
        let pods = sim.list_kind("Pod", None);
        for node in sim.list_kind("Node", None) {
            if self.only.as_ref().is_some_and(|o| !o.contains(name(&node))) {
                continue;
            }
            if powered_off(&node) {
                self.off.insert(name(&node).to_string());
                continue;
            }
            self.heartbeat(sim, &node);
            let mine: Vec<_> = pods
                .iter()
                .filter(|p| p["spec"]["nodeName"] == node["metadata"]["name"])
                .collect();
            if self.off.remove(name(&node)) {
                for pod in &mine {
                    self.boot(sim, pod);
                }
                continue;
            }
            for pod in &mine {
                self.sync_pod(sim, &node, pod);
            }
            self.volumes_in_use(sim, &node, &mine);
        }
    }
}

impl Kubelets {
    fn heartbeat(&mut self, sim: &dyn ClusterApi, node: &Value) {
        let cfg = sim.config();
        let n = name(node).to_string();
        let due = |m: &HashMap<String, Instant>, every: std::time::Duration| {
            m.get(&n).is_none_or(|t| t.elapsed() >= every)
        };
        if due(&self.last_lease, cfg.lease_renew) {
            self.last_lease.insert(n.clone(), Instant::now());
            match sim.get_kind("Lease", "kube-node-lease", &n) {
                Some(_) => {
                    let _ = sim.merge_patch(
                        "Lease",
                        "kube-node-lease",
                        &n,
                        &json!({"spec": {"renewTime": micro_now()}}),
                    );
                }
                None => {
                    // the kubelet renews every quarter of leaseDurationSeconds
                    // (pkg/kubelet/kubelet.go nodeLeaseRenewIntervalFraction 0.25): 40 s for the
                    // default 10 s renew, and consistent with a faster simulated renew
                    let lease_duration =
                        ((cfg.lease_renew.as_secs_f64() * 4.0).round() as i64).max(1);
                    let lease = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": {"name": n, "namespace": "kube-node-lease", "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": n, "uid": uid(node)}]},
                        "spec": {"holderIdentity": n, "leaseDurationSeconds": lease_duration, "renewTime": micro_now()}});
                    let _ = sim.create_kind("Lease", "kube-node-lease", lease);
                }
            }
        }
        // Ready condition: re-posted when not True (e.g. after the node controller marked it Unknown)
        let ready = condition(node, "Ready").is_some_and(|c| c["status"] == "True");
        if !ready || due(&self.last_status, cfg.lease_renew * 5) {
            self.last_status.insert(n.clone(), Instant::now());
            let transition = if ready {
                condition(node, "Ready")
                    .and_then(|c| c["lastTransitionTime"].as_str())
                    .map(String::from)
                    .unwrap_or_else(now)
            } else {
                now()
            };
            let _ = sim.status_patch(
                "Node",
                "",
                &n,
                &json!({"status": {"conditions": node_conditions(&now(), &transition)}}),
            );
        }
    }

    fn pod_ip(&mut self, node: &Value) -> String {
        let cidr = node["spec"]["podCIDR"].as_str().unwrap_or("10.244.0.0/24");
        let base = cidr.split('/').next().unwrap_or("10.244.0.0");
        let prefix: Vec<&str> = base.split('.').take(3).collect();
        let n = self.next_ip.entry(name(node).to_string()).or_insert(1);
        *n += 1;
        format!("{}.{}", prefix.join("."), *n % 250 + 2)
    }

    fn sync_pod(&mut self, sim: &dyn ClusterApi, node: &Value, pod: &Value) {
        let cfg = sim.config().clone();
        let pid = uid(pod).to_string();
        if deleting(pod) {
            let since = *self
                .stopping_since
                .entry(pid.clone())
                .or_insert_with(Instant::now);
            let grace = pod["metadata"]["deletionGracePeriodSeconds"]
                .as_i64()
                .unwrap_or(0)
                .max(0) as u64;
            let stop = cfg
                .scaled(cfg.container_stop_delay)
                .min(std::time::Duration::from_secs(grace));
            if since.elapsed() >= stop {
                // the containers have stopped: report it (Ready=False, terminated), as the
                // kubelet's status manager does before its final delete
                if super::condition_true(pod, "Ready") {
                    self.report_stopped(sim, pod);
                    return;
                }
                let opts = DeleteOpts {
                    grace_period: Some(0),
                    precondition_uid: Some(pid.clone()),
                    ..Default::default()
                };
                if sim
                    .delete_kind("Pod", namespace(pod), name(pod), &opts)
                    .is_ok()
                {
                    self.stopping_since.remove(&pid);
                    self.volumes_ready_at.remove(&pid);
                    self.crashing.retain(|(u, _), _| *u != pid);
                }
            }
            return;
        }
        if pod["status"]["phase"] == "Running" {
            self.crash_loop(sim, node, pod);
            self.ready_after_delay(sim, pod);
            return;
        }
        if pod["status"]["phase"] != "Pending" {
            return;
        }
        // volumes: every claim bound, every CSI volume attached to this node
        let claims: Vec<&str> = pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["persistentVolumeClaim"]["claimName"].as_str())
            .collect();
        let pvs = pod_pvs(sim, pod);
        let attached = pvs.iter().all(|pv| {
            pv["spec"]["csi"].is_null()
                || sim.list_kind("VolumeAttachment", None).iter().any(|va| {
                    va["spec"]["source"]["persistentVolumeName"] == pv["metadata"]["name"]
                        && va["spec"]["nodeName"] == node["metadata"]["name"]
                        && va["status"]["attached"] == true
                })
        });
        if pvs.len() < claims.len() || !attached {
            self.show_initializing(sim, node, pod);
            return;
        }
        let ready_at = *self
            .volumes_ready_at
            .entry(pid)
            .or_insert_with(Instant::now);
        if ready_at.elapsed() < cfg.scaled(cfg.pod_start_delay) {
            self.show_initializing(sim, node, pod);
            return;
        }
        self.start(sim, node, pod);
    }

    /// The machine came back: every container of a running pod died with it. The kubelet
    /// starts them again — restartCount + 1, the last run `terminated` with exit code 255 and
    /// reason `Unknown` (what containerd reports for a container whose task vanished with the
    /// machine) — and its status manager writes the pod's status from its own view
    /// (`status_manager.go` `needsReconcile` → `syncPod`), replacing the Ready=False the node
    /// controller set while the node was unreachable (`MarkPodsNotReady`). Terminating pods
    /// are left to the ordinary pass, which ends them.
    fn boot(&mut self, sim: &dyn ClusterApi, pod: &Value) {
        if deleting(pod) || pod["status"]["phase"] != "Running" {
            return;
        }
        let pid = uid(pod).to_string();
        self.crashing.retain(|(u, _), _| *u != pid);
        let t = now();
        let specs: Vec<&Value> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let statuses: Vec<Value> = pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|st| {
                let spec = specs.iter().find(|c| c["name"] == st["name"]);
                let ready = spec.is_some_and(|c| container_ready(c) && readiness_delay(c) == 0);
                let restarts = st["restartCount"].as_i64().unwrap_or(0) + 1;
                let mut st = st.clone();
                st["lastState"] = json!({"terminated": {"exitCode": 255, "reason": "Unknown",
                    "startedAt": st["state"]["running"]["startedAt"], "finishedAt": t,
                    "containerID": st["containerID"]}});
                st["containerID"] =
                    json!(format!("containerd://{:x}", uuid::Uuid::new_v4().as_u128()));
                st["restartCount"] = json!(restarts);
                st["started"] = json!(true);
                st["ready"] = json!(ready);
                st["state"] = json!({"running": {"startedAt": t}});
                st
            })
            .collect();
        let unready: Vec<&str> = statuses
            .iter()
            .filter(|s| s["ready"] != true)
            .filter_map(|s| s["name"].as_str())
            .collect();
        let mut conds = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        set_started_conditions(&mut conds, &["Ready", "ContainersReady"], &unready, &t);
        let _ = sim.status_patch(
            "Pod",
            namespace(pod),
            name(pod),
            &json!({"status": {"conditions": conds, "containerStatuses": statuses}}),
        );
    }

    fn report_stopped(&mut self, sim: &dyn ClusterApi, pod: &Value) {
        let t = now();
        let mut conds = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for ty in ["PodReadyToStartContainers", "Ready", "ContainersReady"] {
            let mut c = json!({"type": ty, "status": "False", "lastProbeTime": null, "lastTransitionTime": t});
            if ty != "PodReadyToStartContainers" {
                c["reason"] = json!("PodCompleted");
            }
            super::set_condition(&mut conds, c);
        }
        let statuses: Vec<Value> = pod["status"]["containerStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let mut c = c.clone();
                let started = c["state"]["running"]["startedAt"].clone();
                c["ready"] = json!(false);
                c["started"] = json!(false);
                c["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started, "finishedAt": t, "containerID": c["containerID"]}});
                c
            })
            .collect();
        // every container exited 0 on SIGTERM: a terminal phase, as golden's drill shows
        let _ = sim.status_patch("Pod", namespace(pod), name(pod), &json!({"status": {"phase": "Succeeded", "conditions": conds, "containerStatuses": statuses}}));
    }

    /// Pending with init containers waiting (kubectl: `Init:0/1`), as while a volume is not attached.
    fn show_initializing(&mut self, sim: &dyn ClusterApi, node: &Value, pod: &Value) {
        if pod["status"]["startTime"].is_string() {
            return;
        }
        let t = now();
        let waiting = |c: &Value| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": false, "restartCount": 0, "started": false, "lastState": {}, "state": {"waiting": {"reason": "PodInitializing"}}});
        let has_init = pod["spec"]["initContainers"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let mut conds = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (ty, st) in [
            ("PodReadyToStartContainers", "False"),
            ("Initialized", if has_init { "False" } else { "True" }),
            ("Ready", "False"),
            ("ContainersReady", "False"),
        ] {
            let mut c =
                json!({"type": ty, "status": st, "lastProbeTime": null, "lastTransitionTime": t});
            if ty == "Initialized" && has_init {
                c["reason"] = json!("ContainersNotInitialized");
                c["message"] = json!(format!(
                    "containers with incomplete status: [{}]",
                    container_names(pod, "initContainers")
                ));
            }
            if ty == "Ready" || ty == "ContainersReady" {
                c["reason"] = json!("ContainersNotReady");
                c["message"] = json!(format!(
                    "containers with unready status: [{}]",
                    container_names(pod, "containers")
                ));
            }
            super::set_condition(&mut conds, c);
        }
        let ip = node_ip(node);
        order_conditions(&mut conds);
        let mut status = json!({"phase": "Pending", "conditions": conds, "hostIP": ip, "hostIPs": [{"ip": ip}], "startTime": t,
            "containerStatuses": pod["spec"]["containers"].as_array().into_iter().flatten().map(waiting).collect::<Vec<_>>()});
        if has_init {
            status["initContainerStatuses"] = json!(pod["spec"]["initContainers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(waiting)
                .collect::<Vec<_>>());
        }
        let _ = sim.status_patch("Pod", namespace(pod), name(pod), &json!({"status": status}));
    }

    fn start(&mut self, sim: &dyn ClusterApi, node: &Value, pod: &Value) {
        let t = now();
        let ip = self.pod_ip(node);
        let host_ip = node_ip(node);
        let cid = |n: &str| {
            format!(
                "containerd://{:x}{:x}",
                uuid::Uuid::new_v4().as_u128(),
                n.len()
            )
        };
        let running = |c: &Value| {
            json!({
            "containerID": cid(c["name"].as_str().unwrap_or("")), "image": c["image"], "imageID": format!("docker.io/library/{}@sha256:{:064x}", c["image"].as_str().unwrap_or(""), 0),
            "lastState": {}, "name": c["name"], "ready": container_ready(c) && readiness_delay(c) == 0, "restartCount": 0, "started": true, "state": {"running": {"startedAt": t}}})
        };
        let unready: Vec<&str> = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| !container_ready(c) || readiness_delay(c) > 0)
            .filter_map(|c| c["name"].as_str())
            .collect();
        let done = |c: &Value| {
            let id = cid(c["name"].as_str().unwrap_or(""));
            json!({
            "containerID": id, "image": c["image"], "imageID": "", "lastState": {}, "name": c["name"], "ready": true, "restartCount": 0, "started": false,
            "state": {"terminated": {"containerID": id, "exitCode": 0, "reason": "Completed", "startedAt": t, "finishedAt": t}}})
        };
        let mut conds = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        set_started_conditions(
            &mut conds,
            &[
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
            ],
            &unready,
            &t,
        );
        let mut status = json!({
            "phase": "Running", "conditions": conds, "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "podIP": ip, "podIPs": [{"ip": ip}],
            "startTime": pod["status"]["startTime"].as_str().map(String::from).unwrap_or_else(|| t.clone()),
            "containerStatuses": pod["spec"]["containers"].as_array().into_iter().flatten().map(running).collect::<Vec<_>>(),
        });
        if pod["spec"]["initContainers"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            status["initContainerStatuses"] = json!(pod["spec"]["initContainers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(done)
                .collect::<Vec<_>>());
        }
        if sim
            .status_patch("Pod", namespace(pod), name(pod), &json!({"status": status}))
            .is_ok()
        {
            for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
                let cn = c["name"].as_str().unwrap_or("");
                sim.event(
                    pod,
                    "Normal",
                    "Started",
                    &format!("Started container {cn}"),
                    "kubelet",
                    Some(name(node)),
                );
            }
        }
    }

    /// Containers whose command exits (see [`command_exit_code`]) under restartPolicy Always:
    /// each run ends after `CRASH_RUN_TIME`; the first exit is restarted at once (kuberuntime
    /// `doBackOff`: no back-off entry exists yet, so it restarts and records one), later ones
    /// after the kubelet's back-off — 10 s doubling to 5 min (kuberuntime `backOff`, initial
    /// 10 s and `MaxContainerBackOff` 300 s; the faster decay of KEP-4603 is behind the alpha
    /// gate ReduceDefaultCrashLoopBackoffDecay, and KEP-5593's `maxContainerRestartPeriod` is a
    /// kubelet setting that defaults to the same 300 s). Meanwhile the container is `waiting: CrashLoopBackOff` with its last run in
    /// `lastState.terminated`; the pod stays Running and not Ready.
    fn crash_loop(&mut self, sim: &dyn ClusterApi, node: &Value, pod: &Value) {
        let pid = uid(pod).to_string();
        let cfg = sim.config().clone();
        let mut statuses: Vec<Value> = pod["status"]["containerStatuses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut changed = false;
        for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
            let Some(code) = command_exit_code(c) else {
                continue;
            };
            let cname = c["name"].as_str().unwrap_or("").to_string();
            let Some(st) = statuses.iter_mut().find(|s| s["name"] == cname.as_str()) else {
                continue;
            };
            let crash = self
                .crashing
                .entry((pid.clone(), cname.clone()))
                .or_insert_with(|| Crash {
                    restarts: 0,
                    running_since: Some(Instant::now()),
                    started_at: st["state"]["running"]["startedAt"]
                        .as_str()
                        .map(String::from)
                        .unwrap_or_else(now),
                    back_off_until: None,
                });
            let t = now();
            if let Some(since) = crash.running_since {
                if since.elapsed() < cfg.scaled(CRASH_RUN_TIME) {
                    continue;
                }
                // the run ended: exited with `code`
                let reason = if code == 0 { "Completed" } else { "Error" };
                st["lastState"] = json!({"terminated": {"exitCode": code, "reason": reason,
                    "startedAt": crash.started_at, "finishedAt": t, "containerID": st["containerID"]}});
                crash.running_since = None;
                if crash.restarts == 0 {
                    // the first exit is restarted at once (no back-off recorded yet)
                    crash.restarts = 1;
                    crash.running_since = Some(Instant::now());
                    crash.started_at = t.clone();
                    st["state"] = json!({"running": {"startedAt": t}});
                    st["started"] = json!(true);
                } else {
                    let secs = (10u64 << (crash.restarts - 1).min(5)).min(300);
                    crash.back_off_until =
                        Some(Instant::now() + std::time::Duration::from_secs(secs));
                    st["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!(
                        "back-off {} restarting failed container={cname} pod={}_{}({pid})",
                        go_duration(secs), name(pod), namespace(pod))}});
                    st["started"] = json!(false);
                    sim.event(
                        pod,
                        "Warning",
                        "BackOff",
                        &format!(
                            "Back-off restarting failed container {cname} in pod {}_{}({pid})",
                            name(pod),
                            namespace(pod)
                        ),
                        "kubelet",
                        Some(name(node)),
                    );
                }
                st["ready"] = json!(false);
                st["restartCount"] = json!(crash.restarts);
                changed = true;
            } else if crash.back_off_until.is_some_and(|u| Instant::now() >= u) {
                crash.back_off_until = None;
                crash.restarts += 1;
                crash.running_since = Some(Instant::now());
                crash.started_at = t.clone();
                st["state"] = json!({"running": {"startedAt": t}});
                st["started"] = json!(true);
                st["ready"] = json!(false);
                st["restartCount"] = json!(crash.restarts);
                changed = true;
            }
        }
        if changed {
            let _ = sim.status_patch(
                "Pod",
                namespace(pod),
                name(pod),
                &json!({"status": {"containerStatuses": statuses}}),
            );
        }
    }

    /// Containers whose readiness probe succeeds become Ready once its `initialDelaySeconds`
    /// have passed since they started (the prober does not run before them:
    /// pkg/kubelet/prober/worker.go; readiness starts as a failure), and the pod with them.
    /// A recorded duration: real seconds, not shortened by `speed`.
    fn ready_after_delay(&mut self, sim: &dyn ClusterApi, pod: &Value) {
        let now = jiff::Timestamp::now();
        let mut statuses: Vec<Value> = pod["status"]["containerStatuses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut changed = false;
        for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
            if !container_ready(c) || readiness_delay(c) == 0 {
                continue;
            }
            let Some(st) = statuses.iter_mut().find(|s| s["name"] == c["name"]) else {
                continue;
            };
            let started = st["state"]["running"]["startedAt"]
                .as_str()
                .and_then(crate::registry::parse_time);
            let due =
                started.is_some_and(|t| now.duration_since(t).as_secs() >= readiness_delay(c));
            // a crash-looping container is never ready; one restarted by a boot is, once due
            let crashing = self.crashing.contains_key(&(
                uid(pod).to_string(),
                c["name"].as_str().unwrap_or("").to_string(),
            ));
            if st["ready"] == false && !crashing && due {
                st["ready"] = json!(true);
                changed = true;
            }
        }
        if !changed {
            return;
        }
        let all_ready = statuses.iter().all(|s| s["ready"] == true);
        let mut conds = pod["status"]["conditions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if all_ready {
            let t = crate::registry::timestamp(now);
            for ty in ["Ready", "ContainersReady"] {
                super::set_condition(
                    &mut conds,
                    json!({"type": ty, "status": "True", "lastProbeTime": null, "lastTransitionTime": t}),
                );
            }
            order_conditions(&mut conds);
        }
        let _ = sim.status_patch(
            "Pod",
            namespace(pod),
            name(pod),
            &json!({"status": {"containerStatuses": statuses, "conditions": conds}}),
        );
    }

    /// node.status.volumesInUse: what this kubelet has mounted (running or still stopping pods).
    fn volumes_in_use(
        &mut self,
        sim: &dyn ClusterApi,
        node: &Value,
        pods: &[&std::sync::Arc<Value>],
    ) {
        let mut names: Vec<String> = pods
            .iter()
            .filter(|p| {
                !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
                    && p["status"]["startTime"].is_string()
            })
            .flat_map(|p| pod_pvs(sim, p))
            .filter(|pv| !pv["spec"]["csi"].is_null())
            .map(|pv| unique_volume_name(&pv))
            .collect();
        names.sort();
        names.dedup();
        let cur: Vec<String> = node["status"]["volumesInUse"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect();
        if cur != names {
            let v = if names.is_empty() {
                Value::Null
            } else {
                json!(names)
            };
            let _ = sim.status_patch(
                "Node",
                "",
                name(node),
                &json!({"status": {"volumesInUse": v}}),
            );
        }
    }
}

/// `a b c`: the names in `spec.<key>`, as the kubelet lists them in condition messages.
fn container_names(pod: &Value, key: &str) -> String {
    pod["spec"][key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The order the kubelet's status generator lists pod conditions in (golden pods).
/// The conditions of `types` as the kubelet writes them once the containers run: True, but
/// Ready and ContainersReady False (ContainersNotReady, naming them) while any is `unready`.
fn set_started_conditions(conds: &mut Vec<Value>, types: &[&str], unready: &[&str], t: &str) {
    for ty in types {
        let mut c =
            json!({"type": ty, "status": "True", "lastProbeTime": null, "lastTransitionTime": t});
        if !unready.is_empty() && (*ty == "Ready" || *ty == "ContainersReady") {
            c["status"] = json!("False");
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            ));
        }
        super::set_condition(conds, c);
    }
    order_conditions(conds);
}

fn order_conditions(conds: &mut [Value]) {
    const ORDER: [&str; 5] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    conds.sort_by_key(|c| {
        ORDER
            .iter()
            .position(|t| c["type"] == *t)
            .unwrap_or(ORDER.len())
    });
}

fn node_ip(node: &Value) -> String {
    node["status"]["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["type"] == "InternalIP")
        .and_then(|a| a["address"].as_str())
        .unwrap_or("")
        .to_string()
}

/// Whole seconds as Go's `time.Duration.String` prints them (`10s`, `1m20s`, `5m0s`): the
/// kubelet formats the back-off into its message that way.
fn go_duration(secs: u64) -> String {
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// How long a container whose command exits runs before it does (no object records it).
const CRASH_RUN_TIME: std::time::Duration = std::time::Duration::from_secs(1);

/// A container's crash loop, as the kubelet tracks it.
struct Crash {
    restarts: u32,
    /// Running since (None: exited, waiting out its back-off).
    running_since: Option<Instant>,
    started_at: String,
    back_off_until: Option<Instant>,
}

/// The exit code of a command the simulated kubelet understands, or None (it runs until
/// stopped). The forms: the program `false` or `/bin/false` (1), `true` or `/bin/true` (0), and
/// `sh|bash -c SCRIPT` (from `command`, or `command` + `args`) whose last statement is `exit N`.
pub fn command_exit_code(container: &Value) -> Option<i64> {
    let argv: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|k| container[*k].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    exec_exit_code(&argv)
}

fn exec_exit_code(argv: &[&str]) -> Option<i64> {
    let program = argv.first()?.rsplit('/').next()?;
    match program {
        "false" => Some(1),
        "true" => Some(0),
        "sh" | "bash" if argv.get(1) == Some(&"-c") => {
            let script = argv.get(2)?;
            let last = script
                .rsplit([';', '\n'])
                .map(str::trim)
                .find(|s| !s.is_empty())?;
            let code = last.strip_prefix("exit")?.trim();
            if code.is_empty() {
                return Some(0);
            }
            code.parse().ok()
        }
        _ => None,
    }
}

/// Ready unless its command exits or its readiness probe's exec command fails (exits non-zero,
/// in the forms [`command_exit_code`] understands); other probes pass.
/// The readiness probe's `initialDelaySeconds` (0 without a probe).
fn readiness_delay(c: &Value) -> i64 {
    c["readinessProbe"]["initialDelaySeconds"]
        .as_i64()
        .unwrap_or(0)
        .max(0)
}

fn container_ready(c: &Value) -> bool {
    if command_exit_code(c).is_some() {
        return false;
    }
    let probe: Vec<&str> = c["readinessProbe"]["exec"]["command"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    exec_exit_code(&probe).is_none_or(|code| code == 0)
}

#[cfg(test)]
mod command_tests {
    use super::*;

    #[test]
    fn the_commands_the_kubelet_understands() {
        let c = |v: Value| command_exit_code(&json!(v));
        assert_eq!(c(json!({"command": ["sh", "-c", "exit 1"]})), Some(1));
        assert_eq!(
            c(json!({"command": ["/bin/sh"], "args": ["-c", "echo hi; exit 3"]})),
            Some(3)
        );
        assert_eq!(c(json!({"command": ["bash", "-c", "exit"]})), Some(0));
        assert_eq!(c(json!({"command": ["false"]})), Some(1));
        assert_eq!(c(json!({"command": ["/bin/true"]})), Some(0));
        assert_eq!(c(json!({"command": ["sh", "-c", "sleep 3600"]})), None);
        assert_eq!(c(json!({"command": ["nginx"]})), None);
        assert_eq!(c(json!({})), None, "the image's own entrypoint runs");
        assert!(!container_ready(
            &json!({"name": "a", "readinessProbe": {"exec": {"command": ["false"]}}})
        ));
        assert!(container_ready(
            &json!({"name": "a", "readinessProbe": {"exec": {"command": ["true"]}}})
        ));
        assert!(container_ready(
            &json!({"name": "a", "readinessProbe": {"httpGet": {"port": 80}}})
        ));
        assert!(!container_ready(
            &json!({"name": "a", "command": ["sh", "-c", "exit 2"]})
        ));
    }
}
