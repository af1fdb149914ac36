//! The tool's integration tests: one binary (ripgrep's pattern), topic modules below.
//! Tests drive a cluster through `harness`: the simulated one (`kube-sim`) by default, or a
//! real one when `KUBECTL_STS_TEST_KUBECONFIG` is set. The simulator's own conformance tests
//! live in `crates/kube-sim/tests`.

mod harness;

mod bad_input;
mod check;
mod completions;
mod demo;
mod documents;
mod drain;
mod force_delete;
mod gate;
mod inspect_cli;
mod inspect_model;
mod inspect_requests;
mod krew;
mod lease;
mod module_graph;
mod recover;
mod resize;
mod rollout;
mod scale;
mod transport;
mod usage;
