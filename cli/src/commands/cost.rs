//! `cost`: the monthly cost of the baseline for this account, itemised, with assumptions.

use std::process::ExitCode;

use secure_account_core::cost::CostModel;
use secure_account_core::{Baseline, render};
use secure_account_engine::{Port, flow};

use crate::args::{GlobalArgs, OutputFormat};
use crate::output::{Stream, print_json, print_text, use_color};

pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
) -> anyhow::Result<ExitCode> {
    let doc = flow::cost(port, baseline, CostModel::builtin()).await?;
    match global.output {
        OutputFormat::Json => print_json(&doc)?,
        OutputFormat::Text => print_text(&render::cost_text(
            &doc,
            use_color(global.color, Stream::Stdout),
        ))?,
    }
    Ok(ExitCode::SUCCESS)
}
