//! The port (what an account must offer) and the apply engine that runs a plan's actions
//! through it: concurrent, dependency-ordered, retrying, keeping a ledger.
//!
//! No AWS SDK here: the simulator and the adapters both implement [`Port`], and the CLI and
//! the tests reach the engine without compiling the SDK.

pub mod port;

pub use port::{ActionOutput, CallCounts, Port, PortError};
