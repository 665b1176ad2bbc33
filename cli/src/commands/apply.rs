//! `apply`: read, plan (or load a saved plan and check it is fresh), show, ask, run the
//! engine with a progress display, read again, and report the score before and after.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context, bail};
use secure_account_core::{Baseline, Plan, render};
use secure_account_engine::{
    ActionStatus, ApplyOptions, ApplyReport, Port, RoundStop, check_plan, flow,
};

use super::percent;
use crate::account::baseline_for_plan;
use crate::args::{ApplyArgs, GlobalArgs, OutputFormat};
use crate::interrupt;
use crate::output::{BOLD, GREEN, RED, Stream, paint, print_json, print_text, use_color};
use crate::progress::{Progress, WaitRecord};

/// Runs `apply`; `save` persists the account afterwards (the simulator's state file).
pub async fn run<P: Port>(
    port: &P,
    global: &GlobalArgs,
    baseline: Option<&Baseline>,
    args: &ApplyArgs,
    save: &dyn Fn(&P) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    let planned = match (&args.plan_file, baseline) {
        (Some(path), _) => {
            let saved = load_plan(path)?;
            let baseline = baseline_for_plan(global, &saved)?;
            flow::read_for_saved_plan(port, saved, &baseline).await?
        }
        (None, Some(baseline)) => flow::read_and_plan(port, baseline).await?,
        (None, None) => bail!("no plan file and no baseline to plan from"),
    };
    run_planned(port, global, planned, baseline, args, save, "apply").await
}

/// Shows `planned`, asks, applies it (with later rounds of `baseline`'s plan when one is
/// given) and reports; `command` is what the user runs again to continue.
pub async fn run_planned<P: Port>(
    port: &P,
    global: &GlobalArgs,
    planned: flow::Planned,
    baseline: Option<&Baseline>,
    args: &ApplyArgs,
    save: &dyn Fn(&P) -> anyhow::Result<()>,
    command: &str,
) -> anyhow::Result<ExitCode> {
    let json = global.output == OutputFormat::Json;
    let plan = &planned.plan;

    // The plan the user approves: on stdout for people, on stderr when stdout is JSON and
    // someone is asked (with `--auto-approve`, stderr carries diagnostics only).
    if json {
        if !args.auto_approve {
            eprintln!(
                "{}",
                render::plan_text(plan, use_color(global.color, Stream::Stderr)).trim_end()
            );
        }
    } else {
        print_text(&render::plan_text(
            plan,
            use_color(global.color, Stream::Stdout),
        ))?;
    }
    if plan.has_changes() && !args.auto_approve {
        confirm()?;
    }

    let options = ApplyOptions {
        concurrency: args.concurrency as usize,
        seed: args.seed,
        cancel: Some(interrupt::cancel()),
        ..ApplyOptions::default()
    };
    // From here to the save, Ctrl-C interrupts the apply instead of exiting.
    let applying = interrupt::Applying::start();
    let stderr_color = use_color(global.color, Stream::Stderr);
    let mut progress = Progress::new(plan.actions.len(), stderr_color, json);
    // Later rounds: a plan made after the approved one ran. What the approved plan did not
    // foresee is shown and asked for again, unless `--auto-approve`.
    let auto_approve = args.auto_approve;
    let mut confirm_round = |round: u32, plan: &Plan, unforeseen: &[String]| -> bool {
        if auto_approve && json {
            return true;
        }
        eprintln!(
            "\nRound {round}: reading the account again planned {} action(s); the approved plan \
             did not foresee {}:",
            plan.actions.len(),
            unforeseen.len()
        );
        eprintln!("{}", render::plan_text(plan, stderr_color).trim_end());
        if auto_approve {
            return true;
        }
        confirm().is_ok()
    };
    let report = flow::apply_in_rounds(
        port,
        &planned,
        baseline,
        &options,
        args.max_rounds,
        &mut |e| progress.event(e),
        &mut confirm_round,
    )
    .await;
    let waits = progress.finish();
    // Whatever the read after the apply gave, what the apply changed is kept.
    save(port)?;
    drop(applying);
    let report = report?;

    if json {
        print_json(&report)?;
    } else {
        // The simulator runs on a virtual clock: say so, or a run that took a moment in
        // real time would seem to claim seconds.
        let simulated = global.simulate.is_some() || global.sim_state.is_some();
        print_text(&summary(
            &report,
            plan,
            &waits,
            use_color(global.color, Stream::Stdout),
            simulated,
        ))?;
    }
    if interrupt::interrupted() {
        eprintln!(
            "error: interrupted (Ctrl-C) after {} action(s) applied; {} did not run; run \
             `secure-account {command}` again to continue",
            report.actions_applied, report.actions_not_run
        );
        return Ok(ExitCode::from(interrupt::EXIT_INTERRUPTED));
    }
    if report.interrupted {
        bail!(
            "the apply was interrupted after {} action(s); run `secure-account {command}` again \
             to continue",
            report.actions_applied
        );
    }
    if !report.succeeded() {
        bail!(
            "{} action(s) failed and {} did not run; fix the cause shown above and run \
             `secure-account {command}` again",
            report.actions_failed,
            report.actions_not_run
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a plan saved by `plan --out` and checks it can be run.
fn load_plan(path: &std::path::Path) -> anyhow::Result<Plan> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the plan file `{}`", path.display()))?;
    let plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a plan saved by `secure-account plan --out`",
            path.display()
        )
    })?;
    check_plan(&plan).with_context(|| format!("cannot apply the plan `{}`", path.display()))?;
    Ok(plan)
}

/// Asks on the terminal; without one, refuses (a script must say `--auto-approve`).
fn confirm() -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "refusing to apply without confirmation: standard input is not a terminal; pass \
             `--auto-approve` to apply the plan shown above"
        );
    }
    eprint!("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    if answer.trim() != "yes" {
        bail!("apply cancelled: nothing was changed");
    }
    Ok(())
}

/// The report for people.
fn summary(
    report: &ApplyReport,
    plan: &Plan,
    waits: &[WaitRecord],
    color: bool,
    simulated: bool,
) -> String {
    let mut out = String::new();
    let headline = if report.interrupted {
        paint("Apply interrupted.", RED, color)
    } else if report.succeeded() {
        paint("Apply complete.", GREEN, color)
    } else {
        paint("Apply finished with failures.", RED, color)
    };
    let _ = writeln!(
        out,
        "\n{headline} {} applied, {} failed, {} not run, {} skipped.",
        report.actions_applied,
        report.actions_failed,
        report.actions_not_run,
        report.actions_skipped
    );
    by_region(&mut out, report, color);
    let failed: Vec<_> = report.with_status(ActionStatus::Failed).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Failed:", BOLD, color));
        for r in failed {
            let why = r
                .error
                .as_ref()
                .map(|e| format!("{}: {}", e.code, e.message))
                .unwrap_or_default();
            let _ = writeln!(out, "  {} ({} attempt(s)): {why}", r.id, r.attempts);
        }
    }
    if let (Some(before), None) = (&report.score_before, &report.score_after) {
        let _ = writeln!(
            out,
            "\nFSBP score before the run: {}; see `secure-account verify` for the score now",
            percent(before.percent)
        );
    }
    if let (Some(before), Some(after)) = (&report.score_before, &report.score_after) {
        let _ = writeln!(
            out,
            "\nFSBP score: {} → {} ({} passed, {} failed); {} once the manual tasks are done{}",
            percent(before.percent),
            paint(&percent(after.percent), BOLD, color),
            after.passed,
            after.failed,
            percent(after.percent_if_manual_done),
            render::incomplete_note(after)
        );
    }
    if !plan.manual_tasks.is_empty() {
        let _ = writeln!(
            out,
            "{} manual task(s) remain: {}",
            plan.manual_tasks.len(),
            plan.manual_tasks
                .iter()
                .map(|t| t.control.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if report.rounds.len() > 1 || report.converged == Some(false) {
        let _ = writeln!(out, "\n{}", paint("Rounds:", BOLD, color));
        for r in &report.rounds {
            let stopped = match r.stopped {
                Some(RoundStop::MaxRounds) => "; the bound on rounds was hit (`--max-rounds`)",
                Some(RoundStop::Declined) => "; not approved, not run",
                Some(RoundStop::Interrupted) => "; interrupted",
                Some(RoundStop::FailedPermanently) => {
                    "; what is left failed already with an error another attempt would get \
                     again (see above), so no further round"
                }
                None => "",
            };
            let _ = writeln!(
                out,
                "  round {}: {} planned, {} applied, {} failed, {} not run{}{stopped}",
                r.round,
                r.actions_planned,
                r.actions_applied,
                r.actions_failed,
                r.actions_not_run,
                if r.unforeseen.is_empty() {
                    String::new()
                } else {
                    format!(", {} not foreseen by the approved plan", r.unforeseen.len())
                },
            );
        }
        match report.converged {
            Some(true) => {
                let _ = writeln!(out, "  then nothing left to do: the plan is empty");
            }
            Some(false) => {
                let _ = writeln!(
                    out,
                    "  the plan is not empty yet: run `secure-account plan` to see what is left"
                );
            }
            None => {}
        }
    }
    waited(&mut out, report, waits);
    let a = &report.api_calls;
    let by_class = a
        .retries_by_class
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "API calls: {} read, {} write, {} retries{}; {:.1} s elapsed{}",
        a.read,
        a.write,
        a.retries,
        if by_class.is_empty() {
            String::new()
        } else {
            format!(" ({by_class})")
        },
        a.elapsed_ms as f64 / 1000.0,
        if simulated {
            " on the simulator's clock (AWS-like latencies)"
        } else {
            ""
        }
    );
    out
}

/// Applied, failed and not run by region, each action counted once as its last round left
/// it (as the report's totals are).
fn by_region(out: &mut String, report: &ApplyReport, color: bool) {
    let mut last: BTreeMap<&str, (&str, ActionStatus)> = BTreeMap::new();
    for r in report.results.iter().filter(|r| r.action.is_some()) {
        last.insert(r.id.as_str(), (r.region.as_str(), r.status));
    }
    if last.is_empty() {
        return;
    }
    let mut regions: BTreeMap<&str, [u32; 3]> = BTreeMap::new();
    for (region, status) in last.values() {
        let n = regions.entry(region).or_default();
        match status {
            ActionStatus::Applied => n[0] += 1,
            ActionStatus::Failed => n[1] += 1,
            ActionStatus::NotRun => n[2] += 1,
            ActionStatus::Skipped => {}
        }
    }
    let width = regions.keys().map(|r| r.len()).max().unwrap_or(0);
    let _ = writeln!(out, "\n{}", paint("By region:", BOLD, color));
    for (region, [applied, failed, not_run]) in &regions {
        let mut line = format!("  {region:<width$}  {applied:>3} applied");
        if *failed > 0 {
            line.push_str(&format!(
                ", {}",
                paint(&format!("{failed} failed"), RED, color)
            ));
        }
        if *not_run > 0 {
            line.push_str(&format!(", {not_run} not run"));
        }
        let _ = writeln!(out, "{line}");
    }
}

/// The readiness waits by service: how many, how many did not end ready, the longest, and
/// the reads they made.
fn waited(out: &mut String, report: &ApplyReport, waits: &[WaitRecord]) {
    let a = &report.api_calls;
    let polls = a.standard_wait.polls + a.inspector_wait.polls + a.stack_wait.polls;
    if polls == 0 && waits.is_empty() {
        return;
    }
    let mut services: BTreeMap<&str, Vec<&WaitRecord>> = BTreeMap::new();
    for w in waits {
        services.entry(w.service).or_default().push(w);
    }
    let services = services
        .iter()
        .map(|(service, ws)| {
            let not_ready = ws.iter().filter(|w| !w.ready).count();
            let longest = ws
                .iter()
                .max_by(|x, y| x.waited.cmp(&y.waited).then(y.action.cmp(&x.action)))
                .map(|w| format!(", longest {:.1} s {}", w.waited.as_secs_f64(), w.action))
                .unwrap_or_default();
            format!(
                "{service} {}{}{longest}",
                ws.len(),
                if not_ready > 0 {
                    format!(" ({not_ready} not ready)")
                } else {
                    String::new()
                }
            )
        })
        .collect::<Vec<_>>();
    let _ = writeln!(
        out,
        "Readiness waits: {}; {polls} read(s) while waiting",
        if services.is_empty() {
            "none ended".to_string()
        } else {
            services.join("; ")
        }
    );
}
