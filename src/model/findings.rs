//! What the tool finds wrong with a set, as stable codes: shared by `inspect`'s diagnosis and
//! `check`'s report.

use serde::Serialize;

/// The stable codes of [`Problem`]s (serialized as their names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ProblemCode {
    ServiceMissing,
    ServiceNotHeadless,
    OrdinalMissing,
    PodOnDeadNode,
    StuckTerminatingOnDeadNode,
    PinnedVolumeOnDeadNode,
    /// Pending by plan: its volume lives on a node `drain` took out for maintenance.
    PlannedMaintenance,
    VolumeAttachedToDeadNode,
    PodNotReady,
    RolloutStuck,
    ClaimPending,
    ClaimLost,
    VolumeReleased,
    RetainedClaims,
    /// A node that is back (Ready) still carries the out-of-service taint.
    OutOfServiceTaintLeft,
    /// The StatefulSet controller is stuck at a pod without a claim template's volume: it
    /// creates, updates and removes no pod above it (`model::stuck`).
    ControllerStuck,
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Severity {
    Info,
    Warning,
    Error,
}
