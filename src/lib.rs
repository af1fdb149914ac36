//! kubectl-sts: inspect and operate Kubernetes StatefulSets.
//!
//! Layout (one concern per place): `cli` (clap types, dispatch, exit codes) →
//! `cluster` (every API call) → `model` (plain data; pure joins and decisions) →
//! `render` (tables and documents into a writer); `ops` (the mutating
//! commands: guard, act behind preconditions, wait, report). kubectl's printing rules
//! (`kubefmt`) and the selector grammar (`selectors`) live in the `kube-common` crate, shared with
//! the simulated cluster (`kube-sim`), which this crate uses only behind the `sim` feature
//! (`kubectl-sts sim`, `kubectl-sts demo`). `links`: the plugin names (`kubectl-sts_inspect` …)
//! one binary answers to.

pub mod cli;
pub mod cluster;
#[cfg(feature = "sim")]
pub mod demo;
pub mod error;
pub mod exit;
pub mod links;
pub mod model;
pub mod names;
pub mod ops;
pub mod progress;
pub mod render;
#[cfg(feature = "sim")]
pub mod simcmd;

pub use kube_common::{duration, kubefmt, selectors};
