//! The AWS adapters: discovery (AWS → snapshot) and execution (action → SDK call) over the
//! AWS SDK for Rust, implementing the engine's port.
//!
//! Not built yet: the adapters are the next piece of work after the simulated flow (see
//! ARCHITECTURE.md). Until then `secure-account` runs against the built-in simulator only,
//! and says so when asked for a real account.
