//! kubectl-sts: inspect and operate Kubernetes StatefulSets.
//!
//! Layout: `cli` (clap types and dispatch) → `kubefmt` (how kubectl shows things, pure)
//! → `sim` (the simulated cluster used by tests and the demo).

pub mod cli;
pub mod exit;
pub mod kubefmt;
pub mod sim;
