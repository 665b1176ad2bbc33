//! `baseline show`: the effective baseline, every default filled in.

use std::process::ExitCode;

use serde::Serialize;

use secure_account_core::Baseline;

use crate::args::{GlobalArgs, OutputFormat};
use crate::output::{CLI_FORMAT_VERSION, print_json, print_text};

#[derive(Serialize)]
struct BaselineOutput<'a> {
    format_version: u32,
    baseline: &'a Baseline,
}

/// Prints `baseline` (already loaded and checked by the caller).
pub fn show(baseline: &Baseline, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    match global.output {
        OutputFormat::Json => print_json(&BaselineOutput {
            format_version: CLI_FORMAT_VERSION,
            baseline,
        })?,
        OutputFormat::Text => print_text(&baseline.to_toml())?,
    }
    Ok(ExitCode::SUCCESS)
}
