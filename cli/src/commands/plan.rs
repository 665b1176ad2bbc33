//! `plan`: compute and show the plan; optionally save it for `apply PLAN_FILE`.

use std::process::ExitCode;

use anyhow::Context;
use secure_account_core::{Baseline, render};
use secure_account_engine::{Port, flow};

use crate::args::{GlobalArgs, OutputFormat, PlanArgs};
use crate::output::{Stream, print_text, use_color, write_atomic};

pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
    args: &PlanArgs,
) -> anyhow::Result<ExitCode> {
    let plan = flow::read_and_plan(port, baseline).await?.plan;
    match global.output {
        OutputFormat::Json => print_text(&render::plan_json(&plan))?,
        OutputFormat::Text => print_text(&render::plan_text(
            &plan,
            use_color(global.color, Stream::Stdout),
        ))?,
    }
    if let Some(path) = &args.out {
        write_atomic(path, &render::plan_json(&plan)).context("cannot save the plan")?;
        eprintln!(
            "saved the plan to `{}`; apply exactly this plan with `secure-account apply {}`",
            path.display(),
            path.display()
        );
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
