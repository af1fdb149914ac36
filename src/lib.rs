//! kubectl-sts: inspect and operate Kubernetes StatefulSets.
//!
//! Layout (one concern per place): `cli` (clap types, dispatch, exit codes) →
//! `cluster` (every API call) → `model` (plain data; pure joins and decisions) →
//! `render` (tables and documents into a writer); `ops` (the mutating
//! commands: guard, act behind preconditions, wait, report); `kubefmt` (kubectl's printing
//! rules, shared with the simulator); `sim` (the simulated cluster).

pub mod cli;
pub mod cluster;
pub mod demo;
pub mod exit;
pub mod kubefmt;
pub mod model;
pub mod ops;
pub mod render;
pub mod selectors;
pub mod sim;
