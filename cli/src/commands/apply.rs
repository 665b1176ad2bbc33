//! `apply`: read, plan (or load a saved plan and check it is fresh), show, ask, run the
//! engine with a progress display, read again, and report the score before and after.

use std::cell::RefCell;
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
use crate::output::{
    BOLD, GREEN, RED, Stream, eprint_line, paint, print_json, print_text, use_color, write_atomic,
};
use crate::progress::{Progress, WaitRecord};
use crate::{hint, interrupt};

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
            // The plan computed now covers only the saved plan's regions, so it skips
            // nothing for the regions that are not enabled: the saved plan's skipped
            // entries are the run's, in its report and summary.
            let skipped = saved.skipped.clone();
            let mut planned = flow::read_for_saved_plan(port, saved, &baseline).await?;
            if planned.plan.skipped.is_empty() {
                planned.plan.skipped = skipped;
            }
            planned
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
    let stdout_color = use_color(global.color, Stream::Stdout);
    let stderr_color = use_color(global.color, Stream::Stderr);
    let plan_text = |plan: &Plan, color: bool| {
        if args.verbose {
            render::plan_text(plan, color)
        } else {
            render::plan_overview(plan, color)
        }
    };

    // A saved plan was shown and approved when it was saved: it is applied as it is, as
    // `terraform apply PLAN` does (the engine checked that it is the plan of the account
    // now). Otherwise the plan the user approves: on stdout for people, on stderr when
    // stdout is JSON and someone is asked (with `--auto-approve`, stderr carries
    // diagnostics only).
    if let Some(path) = &args.plan_file {
        if !json {
            print_text(&format!(
                "Applying the saved plan `{}` (still the plan of the account now).\n{}",
                path.display(),
                render::wrap_words(&render::summary_line(plan), "", "  ").trim_end()
            ))?;
        }
    } else if json {
        if !args.auto_approve {
            eprint_line(plan_text(plan, stderr_color).trim_end());
        }
    } else {
        print_text(&plan_text(plan, stdout_color))?;
    }
    if plan.has_changes() && !args.auto_approve && args.plan_file.is_none() {
        confirm(global, "apply --auto-approve")?;
    }

    let options = ApplyOptions {
        concurrency: args.concurrency as usize,
        seed: args.seed,
        cancel: Some(interrupt::cancel()),
        ..ApplyOptions::default()
    };
    // From here to the save, Ctrl-C interrupts the apply instead of exiting.
    let applying = interrupt::Applying::start();
    let progress = RefCell::new(Progress::new(plan, stderr_color, json));
    // Later rounds: a plan made after the approved one ran. What the approved plan did not
    // foresee is shown and asked for again, unless `--auto-approve`.
    let auto_approve = args.auto_approve;
    let mut confirm_round = |round: u32, plan: &Plan, unforeseen: &[String]| -> bool {
        if auto_approve && json {
            return true;
        }
        progress.borrow().suspend(|| {
            eprint_line(&format!(
                "\nRound {round}: reading the account again planned {}; the approved plan did \
                 not foresee {}:",
                render::plural(plan.actions.len(), "action", "actions"),
                unforeseen.len()
            ));
            eprint_line(plan_text(plan, stderr_color).trim_end());
            auto_approve || confirm(global, "apply --auto-approve").is_ok()
        })
    };
    let report = flow::apply_in_rounds(
        port,
        &planned,
        baseline,
        &options,
        args.max_rounds,
        &mut |e| progress.borrow_mut().event(e),
        &mut confirm_round,
    )
    .await;
    let waits = progress.into_inner().finish();
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
            stdout_color,
            simulated,
            global,
            args.plan_file.is_none(),
        ))?;
    }
    if let Some(path) = &args.report {
        let html =
            crate::commands::report::after_apply(port, global, baseline, plan, &report).await?;
        write_atomic(path, &html).context("cannot write the report")?;
        if !json {
            print_text(&format!(
                "Wrote the handover report to `{}`.",
                path.display()
            ))?;
        }
    }
    let again = hint::command(global, command);
    if interrupt::interrupted() {
        eprint_line(&format!(
            "error: interrupted ({}) after {} applied; {} did not run; run `{again}` again to \
             continue",
            interrupt::what(),
            render::plural(report.actions_applied as usize, "action", "actions"),
            report.actions_not_run
        ));
        return Ok(ExitCode::from(interrupt::exit_code()));
    }
    if report.interrupted {
        bail!(
            "the apply was interrupted after {} applied; run `{again}` to continue",
            render::plural(report.actions_applied as usize, "action", "actions"),
        );
    }
    if let Some(e) = &report.read_after_error {
        bail!(
            "the actions ran ({} applied, {} failed; see the report above), but reading the \
             account again failed ({e}); run `{}` once the account can be read",
            report.actions_applied,
            report.actions_failed,
            hint::command(global, "verify")
        );
    }
    if !report.succeeded() {
        bail!(
            "{} failed and {} did not run; fix the cause shown above and run `{again}` again",
            render::plural(report.actions_failed as usize, "action", "actions"),
            report.actions_not_run
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a plan saved by `plan --out` and checks it can be run.
fn load_plan(path: &std::path::Path) -> anyhow::Result<Plan> {
    crate::output::protect(path);
    let text = crate::output::read_capped(path, crate::output::cap::PLAN, "plan file")?;
    let plan: Plan = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a plan saved by `secure-account plan --out`",
            path.display()
        )
    })?;
    check_plan(&plan).with_context(|| format!("cannot apply the plan `{}`", path.display()))?;
    Ok(plan)
}

/// Asks on the terminal; without one, refuses (a script must say `--auto-approve`, as in
/// `rerun`, the command to run instead).
pub(crate) fn confirm(global: &GlobalArgs, rerun: &str) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "refusing to apply without confirmation: standard input is not a terminal; run \
             `{}` to apply the plan shown above",
            hint::command(global, rerun)
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

/// The report for people: what changed, what failed and why, what was left out and why,
/// what a person must do, the score, then the rounds, waits and calls, and what to run
/// next.
fn summary(
    report: &ApplyReport,
    plan: &Plan,
    waits: &[WaitRecord],
    color: bool,
    simulated: bool,
    global: &GlobalArgs,
    plan_shown: bool,
) -> String {
    let mut out = String::new();
    let headline = if report.interrupted {
        paint("Apply interrupted.", RED, color)
    } else if report.succeeded() {
        paint("Apply complete.", GREEN, color)
    } else {
        paint("Apply finished with failures.", RED, color)
    };
    // The plan's skipped entries are the report's, whether the plan was made now or saved.
    let skipped = plan.skipped.len().max(report.actions_skipped as usize);
    let _ = writeln!(
        out,
        "\n{headline} {} applied, {} failed, {} not run, {} skipped.",
        report.actions_applied, report.actions_failed, report.actions_not_run, skipped
    );
    changed(&mut out, report, plan, color);
    let failed: Vec<_> = report.with_status(ActionStatus::Failed).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Failed (and why):", BOLD, color));
        for r in failed {
            let why = r
                .error
                .as_ref()
                .map(|e| format!("{}: {}", e.code, e.message))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} ({}): {why}",
                r.id,
                render::plural(r.attempts as usize, "attempt", "attempts")
            );
        }
    }
    if !plan.skipped.is_empty() && !plan_shown {
        let _ = writeln!(out, "\n{}", paint("Skipped", BOLD, color));
        out.push_str(&render::skipped_lines(plan));
    } else if !plan.skipped.is_empty() {
        // The plan above lists them; the summary counts them by reason.
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for s in &plan.skipped {
            *reasons.entry(s.reason.to_string()).or_default() += 1;
        }
        let _ = writeln!(
            out,
            "\n{} {} (listed with the plan above)",
            paint("Skipped:", BOLD, color),
            reasons
                .iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(e) = &report.read_after_error {
        let _ = writeln!(
            out,
            "\n{} {e}: the score after the run and whether the account converged are unknown",
            paint(
                "The account could not be read again after the run:",
                RED,
                color
            )
        );
    }
    if !plan.manual_tasks.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                &format!(
                    "{} (a person must do these)",
                    render::plural(plan.manual_tasks.len(), "manual task", "manual tasks")
                ),
                BOLD,
                color
            )
        );
        out.push_str(&render::manual_task_lines(plan));
    }
    if let (Some(before), None) = (&report.score_before, &report.score_after) {
        let _ = writeln!(
            out,
            "\nFSBP score before the run: {}; run `{}` for the score now",
            percent(before.percent),
            hint::command(global, "verify")
        );
    }
    if let (Some(before), Some(after)) = (&report.score_before, &report.score_after) {
        let _ = writeln!(out);
        out.push_str(
            &render::wrap_words(
                &format!(
                    "FSBP score: {} → {} ({} passed, {} failed); {} once the manual tasks are \
                     done{}",
                    percent(before.percent),
                    percent(after.percent),
                    after.passed,
                    after.failed,
                    percent(after.percent_if_manual_done),
                    render::incomplete_note(after)
                ),
                "",
                "  ",
            )
            .replacen(
                &format!("→ {} ", percent(after.percent)),
                &format!("→ {} ", paint(&percent(after.percent), BOLD, color)),
                1,
            ),
        );
    }
    if let Some(after) = &report.score_after
        && !after.failed_controls.is_empty()
    {
        let _ = writeln!(out);
        out.push_str(&render::wrap_words(
            &format!(
                "Still failing: {}; `{}` says where and why",
                after.failed_controls.join(", "),
                hint::command(global, "verify")
            ),
            "",
            "  ",
        ));
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
                    "  the plan is not empty yet: run `{}` to see what is left",
                    hint::command(global, "plan")
                );
            }
            None => {}
        }
        if report.rounds.len() > 1 {
            let _ = writeln!(
                out,
                "  (an action applied again in a later round counts once above, as its last \
                 round left it)"
            );
        }
    }
    let _ = writeln!(out);
    waited(&mut out, report, waits);
    longest_retry_waits(&mut out, report);
    let a = &report.api_calls;
    let by_class = a
        .retries_by_class
        .iter()
        .map(|(c, n)| format!("{n} {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let api = format!(
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
    out.push_str(&render::wrap_words(&api, "", "  "));
    let next = if !report.succeeded() || report.converged == Some(false) {
        "apply"
    } else {
        "verify"
    };
    let _ = writeln!(out, "Next: {}", hint::command(global, next));
    out
}

/// What changed: by service, then by region (account-wide, the home region, the others),
/// each action counted once as its last round left it (as the report's totals are).
fn changed(out: &mut String, report: &ApplyReport, plan: &Plan, color: bool) {
    let mut last: BTreeMap<&str, (&str, &str, ActionStatus)> = BTreeMap::new();
    for r in report.results.iter() {
        if let Some(action) = &r.action {
            last.insert(
                r.id.as_str(),
                (
                    r.region.as_str(),
                    super::report::service_of(action),
                    r.status,
                ),
            );
        }
    }
    if last.is_empty() {
        return;
    }
    let mut services: BTreeMap<&str, [u32; 3]> = BTreeMap::new();
    let mut regions: BTreeMap<(u8, &str), [u32; 3]> = BTreeMap::new();
    for (region, service, status) in last.values() {
        let i = match status {
            ActionStatus::Applied => 0,
            ActionStatus::Failed => 1,
            ActionStatus::NotRun => 2,
            ActionStatus::Skipped => continue,
        };
        services.entry(service).or_default()[i] += 1;
        regions
            .entry(render::region_rank(region, &plan.home_region))
            .or_default()[i] += 1;
    }
    let item = |name: String, [applied, failed, not_run]: [u32; 3]| {
        let mut text = format!("{name} {applied}");
        if failed > 0 {
            text.push_str(&format!(
                " ({})",
                paint(&format!("{failed} failed"), RED, color)
            ));
        }
        if not_run > 0 {
            text.push_str(&format!(" ({not_run} not run)"));
        }
        text
    };
    let _ = writeln!(out, "\n{}", paint("Applied by service:", BOLD, color));
    let items: Vec<String> = services
        .iter()
        .map(|(s, n)| item(s.to_string(), *n))
        .collect();
    out.push_str(&render::wrap(&items, " · ", "  "));
    let _ = writeln!(out, "{}", paint("Applied by region:", BOLD, color));
    let items: Vec<String> = regions
        .iter()
        .map(|((_, r), n)| item(render::region_title(r, &plan.home_region), *n))
        .collect();
    out.push_str(&render::wrap(&items, " · ", "  "));
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
    let text = format!(
        "Readiness waits: {}; {} while waiting",
        if services.is_empty() {
            "none ended".to_string()
        } else {
            services.join("; ")
        },
        render::plural(polls as usize, "read", "reads")
    );
    out.push_str(&render::wrap_words(&text, "", "  "));
}

/// The longest time one action spent backing off in each class of retry, against the
/// class's budget: after a real run, a figure near its budget is the budget to raise.
fn longest_retry_waits(out: &mut String, report: &ApplyReport) {
    let longest = &report.api_calls.longest_retry_wait_ms;
    if longest.is_empty() {
        return;
    }
    let budgets = secure_account_engine::RetryPolicy::default();
    let classes = longest
        .iter()
        .map(|(class, ms)| {
            let budget = budgets
                .budget(*class)
                .map(|b| format!(" of {} s", b.max_wait.as_secs()))
                .unwrap_or_default();
            format!("{class} {:.1} s{budget}", *ms as f64 / 1000.0)
        })
        .collect::<Vec<_>>();
    let _ = writeln!(
        out,
        "Longest retry waits (one action, per class): {}",
        classes.join(", ")
    );
}
