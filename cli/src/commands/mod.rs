//! One module per command; each takes the parsed arguments and returns the exit code.

pub mod apply;
pub mod baseline;
pub mod controls;
pub mod cost;
pub mod fleet;
pub mod fleet_deploy;
pub mod fleet_lambda;
pub mod fleet_template;
pub mod iam_policy;
pub mod notifications;
pub mod plan;
pub mod report;
pub mod snapshot;
pub mod verify;

pub use secure_account_core::render::percent;
