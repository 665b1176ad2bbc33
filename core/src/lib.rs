//! The pure domain of secure-account: the account snapshot, the baseline, the planner,
//! the FSBP catalog and evaluator, and the rendering of plans.
//!
//! Nothing here does I/O, reads a clock or the environment, or pulls in an async runtime
//! or an AWS crate (ARCHITECTURE.md, "Invariants"). Values in, values out.

// A new variant of `Action`, `Part` or any other enum of ours must be a compile error
// wherever it is matched: no wildcard arm over an enum (ARCHITECTURE.md, "Adding an action").
#![cfg_attr(not(test), deny(clippy::wildcard_enum_match_arm))]

pub mod accounting;
pub mod action;
pub mod baseline;
pub mod catalog;
pub mod cost;
pub mod cost_report;
pub mod effects;
pub mod evaluate;
pub mod iam_policy;
pub mod manual;
pub mod notifications;
pub mod operation;
pub mod part;
pub mod plan;
pub mod planner;
pub mod policy;
pub mod readiness;
pub mod render;
pub mod retry;
pub mod snapshot;
pub mod verify;

pub use action::{Action, KeyRef, Outputs, PlannedAction};
pub use baseline::Baseline;
pub use catalog::Catalog;
pub use evaluate::{ControlResult, Evaluation, Score, Status, evaluate};
pub use manual::ManualTask;
pub use part::{AccountInfo, Part, PartValue, Scope};
pub use plan::{Plan, SkipReason, Skipped};
pub use planner::{plan, plan_notifications};
pub use snapshot::{AwsError, Observed, Snapshot};
