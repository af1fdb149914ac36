//! Timings of the simulated cluster. Values that objects record (tolerations,
//! node-monitor grace) are real durations the controllers use, never faked;
//! `speed` only shortens delays no object shows (pod start, container stop).

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Divides kubelet-side delays that no object records.
    pub speed: f64,
    /// kube-controller-manager `--node-monitor-grace-period` (default 50s).
    pub node_monitor_grace: Duration,
    /// `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds` (300).
    pub toleration_seconds: i64,
    /// Node Lease renew interval (kubelet default 10s).
    pub lease_renew: Duration,
    /// The attach/detach controller's forced detach of a volume on an unhealthy node
    /// (`maxWaitForUnmountDuration`, 6 minutes upstream); shortened in tests, named as such.
    pub force_detach_after: Duration,
    /// Time from a pod's start on a node to its containers running (no object shows it).
    pub pod_start_delay: Duration,
    /// Time a container takes to stop after SIGTERM (capped by the grace period).
    pub container_stop_delay: Duration,
    /// Bearer-token authentication: token → user. Empty: anonymous requests are allowed.
    pub tokens: Vec<(String, String)>,
    /// Authorization: (user, verb, resource) triples that are denied (403).
    pub deny: Vec<(String, String, String)>,
    /// `--anonymous-auth`: requests without a token act as `system:anonymous`
    /// (a wrong token is still 401). kubectl sends no token over plain http.
    pub anonymous_auth: bool,
    /// Serve HTTPS with a CA generated at start (written into the kubeconfig).
    pub tls: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            speed: 1.0,
            node_monitor_grace: Duration::from_secs(50),
            toleration_seconds: 300,
            lease_renew: Duration::from_secs(10),
            force_detach_after: Duration::from_secs(360),
            pod_start_delay: Duration::from_secs(1),
            container_stop_delay: Duration::from_millis(500),
            tokens: vec![],
            deny: vec![],
            anonymous_auth: true,
            tls: false,
        }
    }
}

impl SimConfig {
    /// The drill timings golden was recorded with (8s grace, 10s tolerations, 2s leases).
    pub fn drill() -> Self {
        SimConfig {
            node_monitor_grace: Duration::from_secs(8),
            toleration_seconds: 10,
            lease_renew: Duration::from_secs(2),
            ..Default::default()
        }
    }

    pub fn scaled(&self, d: Duration) -> Duration {
        d.div_f64(self.speed.max(0.001))
    }
}

/// Parses kubectl-style durations: `8s`, `1m30s`, `500ms`, `2h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    let mut total = Duration::ZERO;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next().unwrap_or('s'));
        }
        let n: f64 = num.parse().map_err(|_| format!("invalid duration {s:?}"))?;
        num.clear();
        let secs = match unit.as_str() {
            "ms" => n / 1000.0,
            "s" => n,
            "m" => n * 60.0,
            "h" => n * 3600.0,
            _ => return Err(format!("invalid duration {s:?}: unknown unit {unit:?}")),
        };
        total += Duration::from_secs_f64(secs);
        any = true;
    }
    if !num.is_empty() {
        return Err(format!("invalid duration {s:?}: missing unit (e.g. 10s)"));
    }
    if !any {
        return Err(format!("invalid duration {s:?}"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("8s").unwrap(), Duration::from_secs(8));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("x").is_err());
    }
}
