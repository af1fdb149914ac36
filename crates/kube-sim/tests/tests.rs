//! The simulated cluster's own tests: one binary, topic modules below. They drive a cluster through
//! `kube_sim::testkit` — the simulated one by default, or a real one when
//! `KUBECTL_STS_TEST_KUBECONFIG` is set — with the real kubectl and kube-rs as clients:
//! API conformance (`api_*`), controllers (`sim_*`), and replays of the recorded data (`golden/`).

mod harness {
    pub use kube_sim::testkit::*;
}

mod api_apply;
mod api_faults;
mod api_golden;
mod api_kube_client;
mod api_kubectl;
mod api_leases;
mod api_tls;
mod sim_containers;
mod sim_eviction;
mod sim_failures;
mod sim_resize;
mod sim_scheduling;
mod sim_statefulset;
