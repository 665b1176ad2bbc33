//! Test support of secure-account, for its test binaries only (a dev-dependency): the moto
//! AWS emulator ([`moto`]), installed on first use and started for the test process that
//! needs it, so that the README's test command (`cargo test --workspace`) runs the moto
//! tests on any machine with `python3`.
//!
//! Only the standard library: the crate adds nothing to what the tests compile.

pub mod cfn_lint;
pub mod moto;
mod venv;
