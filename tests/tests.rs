//! Integration tests: one binary (ripgrep's pattern), topic modules below.
//! Tests drive a cluster through `harness`: the simulated one by default, or a
//! real one when `KUBECTL_STS_TEST_KUBECONFIG` is set.

mod harness;

mod api_apply;
mod api_faults;
mod api_golden;
mod api_kube_client;
mod api_kubectl;
mod api_tls;
mod completions;
mod demo;
mod force_delete;
mod inspect_cli;
mod inspect_model;
mod inspect_requests;
mod krew;
mod scale;
mod sim_eviction;
mod sim_failures;
mod sim_statefulset;
mod sts_manifest;
