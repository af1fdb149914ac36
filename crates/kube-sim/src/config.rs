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
    /// Authorization: (user, verb, resource) triples that are denied (403); a resource
    /// `<plural>@cluster` is denied only across namespaces (a user with a namespaced RoleBinding).
    pub deny: Vec<(String, String, String)>,
    /// `--anonymous-auth`: requests without a token act as `system:anonymous`
    /// (a wrong token is still 401). kubectl sends no token over plain http.
    pub anonymous_auth: bool,
    /// Serve HTTPS with a CA generated at start (written into the kubeconfig).
    pub tls: bool,
    /// Zones the nodes n1..nN are spread over, in turn (`topology.kubernetes.io/zone`, with
    /// `topology.kubernetes.io/region` = [`REGION`]); empty: nodes carry no zone, as on a
    /// bare-metal or kind cluster.
    pub zones: Vec<String>,
}

/// The region of the simulated nodes' zones.
pub const REGION: &str = "sim-region-1";

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
            zones: vec![],
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

pub use kube_common::duration::parse_duration;
