//! The port (what an account must offer) and the apply engine that runs a plan's actions
//! through it: concurrent, dependency-ordered, retrying, keeping a ledger.
//!
//! No AWS SDK here: the simulator and the adapters both implement [`Port`], and the CLI and
//! the tests reach the engine without compiling the SDK. No async runtime either: the
//! engine waits only through [`Port::sleep`].

// A new variant of `Action`, `Part` or any other enum of ours must be a compile error
// wherever it is matched: no wildcard arm over an enum (ARCHITECTURE.md, "Adding an action").
#![cfg_attr(not(test), deny(clippy::wildcard_enum_match_arm))]

pub mod apply;
pub mod cancel;
pub mod fleet;
pub mod flow;
pub mod fresh;
pub mod limit;
pub mod port;
pub mod read;
pub mod report;
pub mod retry;
pub mod wait;

#[cfg(test)]
mod tests;

pub use apply::{ApplyOptions, Interruption, InvalidPlan, ProgressEvent, apply, check_plan};
pub use cancel::Cancel;
pub use flow::{FlowError, Planned};
pub use fresh::{StalePlan, check_fresh};
pub use limit::{CallLimits, Limited};
pub use port::{ActionOutput, CallCounts, Port, PortError, Unprocessed};
pub use read::{DEFAULT_READ_CONCURRENCY, read_snapshot};
pub use report::{
    ActionResult, ActionStatus, ApiCalls, ApplyReport, NotRun, REPORT_FORMAT_VERSION, ResultReason,
    RoundReport, RoundStop,
};
pub use retry::{ErrorClass, RetryBudget, RetryPolicy, classify};
pub use secure_account_core::readiness::Readiness;
pub use wait::{ReadinessWait, WaitStats, wait_until};
