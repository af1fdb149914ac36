//! How kubectl shows things, as pure functions over API objects (JSON):
//! the printers of `pkg/printers/internalversion/printers.go` and
//! apimachinery `util/duration`. Shared by the simulated server's Tables and
//! by inspect, so both say "Terminating" or "Init:0/1" exactly as kubectl does.

use serde_json::Value;

/// `duration.HumanDuration`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    if secs < 60 * 2 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{}h", hours / 24, h)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{}d", hours / 24 / 365, dy)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Seconds from an RFC 3339 timestamp to `now`; None when absent or unparsable.
pub fn seconds_since(ts: &Value, now: jiff::Timestamp) -> Option<i64> {
    let t: jiff::Timestamp = ts.as_str()?.parse().ok()?;
    Some(now.duration_since(t).as_secs())
}

/// `translateTimestampSince`: `<unknown>` for a missing time.
pub fn age(ts: &Value, now: jiff::Timestamp) -> String {
    match seconds_since(ts, now) {
        Some(s) => human_duration(s),
        None => "<unknown>".into(),
    }
}

/// The READY, STATUS and RESTARTS cells of `kubectl get pod` (printPod).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSummary {
    pub ready: usize,
    pub total: usize,
    pub status: String,
    pub restarts: i64,
    /// When the last restart happened (for "3 (5m ago)").
    pub last_restart: Option<String>,
}

impl PodSummary {
    pub fn restarts_cell(&self, now: jiff::Timestamp) -> String {
        match (&self.last_restart, self.restarts) {
            (Some(t), n) if n != 0 => format!("{n} ({} ago)", age(&Value::String(t.clone()), now)),
            (_, n) => n.to_string(),
        }
    }
}

fn is_restartable_init(c: &Value) -> bool {
    c["restartPolicy"] == "Always"
}

fn later(a: Option<String>, b: &Value) -> Option<String> {
    match (a, b.as_str()) {
        (Some(a), Some(b)) if b > a.as_str() => Some(b.to_string()),
        (None, Some(b)) => Some(b.to_string()),
        (a, _) => a,
    }
}

pub fn pod_summary(pod: &Value) -> PodSummary {
    let spec = &pod["spec"];
    let status = &pod["status"];
    let empty = vec![];
    let init_specs = spec["initContainers"].as_array().unwrap_or(&empty);
    let mut total = spec["containers"].as_array().map_or(0, Vec::len);
    total += init_specs.iter().filter(|c| is_restartable_init(c)).count();
    let phase = status["phase"].as_str().unwrap_or("");
    let mut reason = status["reason"]
        .as_str()
        .filter(|r| !r.is_empty())
        .unwrap_or(phase)
        .to_string();
    for c in status["conditions"].as_array().unwrap_or(&empty) {
        if c["type"] == "PodScheduled" && c["reason"] == "SchedulingGated" {
            reason = "SchedulingGated".into();
        }
    }
    let mut restarts = 0i64;
    let mut sidecar_restarts = 0i64;
    let mut last_restart: Option<String> = None;
    let mut sidecar_last_restart: Option<String> = None;
    let mut ready = 0usize;
    let mut initializing = false;
    let init_statuses = status["initContainerStatuses"].as_array().unwrap_or(&empty);
    for (i, c) in init_statuses.iter().enumerate() {
        let rc = c["restartCount"].as_i64().unwrap_or(0);
        restarts += rc;
        last_restart = later(last_restart, &c["lastState"]["terminated"]["finishedAt"]);
        let restartable = init_specs
            .iter()
            .find(|s| s["name"] == c["name"])
            .is_some_and(is_restartable_init);
        if restartable {
            sidecar_restarts += rc;
            sidecar_last_restart = later(
                sidecar_last_restart,
                &c["lastState"]["terminated"]["finishedAt"],
            );
        }
        let term = &c["state"]["terminated"];
        let waiting = &c["state"]["waiting"];
        if term.is_object() && term["exitCode"].as_i64() == Some(0) {
            continue;
        }
        if restartable && c["started"].as_bool() == Some(true) {
            if c["ready"].as_bool() == Some(true) {
                ready += 1;
            }
            continue;
        }
        if term.is_object() {
            reason = match term["reason"].as_str().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match term["signal"].as_i64().filter(|s| *s != 0) {
                    Some(s) => format!("Init:Signal:{s}"),
                    None => format!("Init:ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                },
            };
        } else if let Some(r) = waiting["reason"]
            .as_str()
            .filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }
    let initialized_true = status["conditions"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .any(|c| c["type"] == "Initialized" && c["status"] == "True");
    if !initializing || initialized_true {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        let statuses = status["containerStatuses"].as_array().unwrap_or(&empty);
        for c in statuses.iter().rev() {
            restarts += c["restartCount"].as_i64().unwrap_or(0);
            last_restart = later(last_restart, &c["lastState"]["terminated"]["finishedAt"]);
            let waiting = &c["state"]["waiting"];
            let term = &c["state"]["terminated"];
            if let Some(r) = waiting["reason"].as_str().filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if let Some(r) = term["reason"].as_str().filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if term.is_object() {
                reason = match term["signal"].as_i64().filter(|s| *s != 0) {
                    Some(s) => format!("Signal:{s}"),
                    None => format!("ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                };
            } else if c["ready"].as_bool() == Some(true) && c["state"]["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let ready_cond = status["conditions"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            reason = if ready_cond { "Running" } else { "NotReady" }.into();
        }
    }
    let deleting = !pod["metadata"]["deletionTimestamp"].is_null();
    if deleting && status["reason"] == "NodeLost" {
        reason = "Unknown".into();
    } else if deleting && !matches!(phase, "Failed" | "Succeeded") {
        reason = "Terminating".into();
    }
    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
        last_restart,
    }
}

/// `GetAccessModesAsString`: RWO, ROX, RWX, RWOP in that order.
pub fn access_modes(modes: &Value) -> String {
    let has = |m: &str| modes.as_array().is_some_and(|a| a.iter().any(|x| x == m));
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| has(m))
    .map(|(_, s)| *s)
    .collect::<Vec<_>>()
    .join(",")
}

/// The STATUS cell of `kubectl get nodes` (printNode).
pub fn node_status(node: &Value) -> String {
    let mut out = Vec::new();
    let ready = node["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"));
    match ready {
        Some(c) if c["status"] == "True" => out.push("Ready".to_string()),
        Some(_) => out.push("NotReady".to_string()),
        None => out.push("Unknown".to_string()),
    }
    if node["spec"]["unschedulable"].as_bool() == Some(true) {
        out.push("SchedulingDisabled".into());
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn human_durations_match_apimachinery() {
        for (s, want) in [
            (0, "0s"),
            (40, "40s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60 * 5, "3h5m"),
            (10 * 3600, "10h"),
            (50 * 3600, "2d2h"),
            (9 * 86400, "9d"),
            (3 * 365 * 86400, "3y"),
            (-5, "<invalid>"),
        ] {
            assert_eq!(human_duration(s), want, "{s}");
        }
    }

    #[test]
    fn terminating_pod_on_dead_node_shows_ready_and_terminating() {
        // golden dead-node: Ready condition False, containerStatuses ready=true.
        let pod = json!({
            "metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]},
            "status": {"phase": "Running",
                "conditions": [{"type": "Ready", "status": "False"}, {"type": "Initialized", "status": "True"}],
                "initContainerStatuses": [{"name": "i", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
                "containerStatuses": [{"name": "a", "ready": true, "restartCount": 0, "state": {"running": {}}}]}
        });
        let s = pod_summary(&pod);
        assert_eq!((s.ready, s.total, s.status.as_str()), (1, 1, "Terminating"));
    }

    #[test]
    fn init_container_waiting_shows_init_progress() {
        let pod = json!({
            "metadata": {},
            "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]},
            "status": {"phase": "Pending",
                "initContainerStatuses": [{"name": "i", "state": {"waiting": {"reason": "PodInitializing"}}}],
                "containerStatuses": [{"name": "a", "ready": false, "state": {"waiting": {"reason": "PodInitializing"}}}]}
        });
        assert_eq!(pod_summary(&pod).status, "Init:0/1");
        let pending = json!({"metadata": {}, "spec": {"containers": [{"name": "a"}]}, "status": {"phase": "Pending"}});
        let s = pod_summary(&pending);
        assert_eq!((s.ready, s.total, s.status.as_str()), (0, 1, "Pending"));
    }

    #[test]
    fn access_mode_order() {
        assert_eq!(
            access_modes(&json!(["ReadWriteMany", "ReadWriteOnce"])),
            "RWO,RWX"
        );
    }

    #[test]
    fn node_status_cells() {
        assert_eq!(
            node_status(
                &json!({"status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}})
            ),
            "NotReady"
        );
        assert_eq!(
            node_status(
                &json!({"spec": {"unschedulable": true}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}})
            ),
            "Ready,SchedulingDisabled"
        );
        assert_eq!(node_status(&json!({})), "Unknown");
    }
}
