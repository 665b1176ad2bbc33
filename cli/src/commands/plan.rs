//! `plan`: compute and show the plan; optionally save it for `apply PLAN_FILE`.

use std::process::ExitCode;

use anyhow::Context;
use secure_account_core::{Baseline, render};
use secure_account_engine::{Port, flow};

use crate::args::{GlobalArgs, OutputFormat, PlanArgs};
use crate::hint;
use crate::output::{Stream, eprint_line, print_text, use_color, write_atomic};

pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
    args: &PlanArgs,
) -> anyhow::Result<ExitCode> {
    let plan = flow::read_and_plan(port, baseline).await?.plan;
    match global.output {
        OutputFormat::Json => print_text(&render::plan_json(&plan))?,
        OutputFormat::Text => {
            let color = use_color(global.color, Stream::Stdout);
            print_text(&if args.verbose {
                render::plan_text(&plan, color)
            } else {
                render::plan_overview(&plan, color)
            })?
        }
    }
    if let Some(path) = &args.out {
        write_atomic(path, &render::plan_json(&plan)).context("cannot save the plan")?;
        // With `--output json`, stderr carries diagnostics only.
        if global.output == OutputFormat::Text {
            eprint_line(&format!(
                "saved the plan to `{}`; apply exactly this plan with `{}`",
                path.display(),
                hint::command(
                    global,
                    &format!("apply {}", hint::quote(&path.display().to_string()))
                )
            ));
        }
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
