//! `notifications template` and `notifications deploy`: the security notifications stack
//! (SPEC §2 last row, §6). The template is core's; deploying it is the plan's notification
//! actions, applied by the engine like any other.

use std::process::ExitCode;

use anyhow::bail;
use secure_account_core::Baseline;
use secure_account_core::notifications::{TemplateOptions, template_text};
use secure_account_engine::{Port, flow};

use crate::args::{ApplyArgs, GlobalArgs, NotificationsDeployArgs, NotificationsTemplateArgs};

/// The template options from the arguments, else the baseline.
pub fn options(
    baseline: &Baseline,
    email: Option<&String>,
    min_severity: Option<secure_account_core::notifications::MinSeverity>,
) -> TemplateOptions {
    TemplateOptions {
        email: email.or(baseline.notifications.email.as_ref()).cloned(),
        min_severity: min_severity.unwrap_or(baseline.notifications.min_severity),
    }
}

/// Prints the template. It is YAML whatever `--output` says: CloudFormation takes it as it
/// is.
pub fn template(baseline: &Baseline, args: &NotificationsTemplateArgs) -> anyhow::Result<ExitCode> {
    if let Some(address) = &args.email {
        let mut checked = baseline.clone();
        checked.notifications.email = Some(address.clone());
        checked.check_values()?;
    }
    print!(
        "{}",
        template_text(&options(baseline, args.email.as_ref(), args.min_severity))
    );
    Ok(ExitCode::SUCCESS)
}

/// `notifications deploy`: reads the account, plans the stack and its service role alone
/// (`plan_notifications`), shows that plan, asks (unless `--auto-approve`) and applies it,
/// waiting for the stack with progress. A stack the tool must not touch (not its own,
/// failed at creation, busy) is a failure that says what to do; a stack already as asked
/// is no change.
pub async fn deploy<P: Port>(
    port: &P,
    global: &GlobalArgs,
    baseline: &Baseline,
    args: &NotificationsDeployArgs,
    save: &dyn Fn(&P) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    let mut baseline = baseline.clone();
    if let Some(address) = &args.email {
        baseline.notifications.email = Some(address.clone());
    }
    if let Some(severity) = args.min_severity {
        baseline.notifications.min_severity = severity;
    }
    if baseline.notifications.email.is_none() {
        bail!(
            "no address to send the alerts to: give `--email ADDR` (or `--notify-email`, or \
             `email` under `[notifications]` in the baseline)"
        );
    }
    baseline.check_values()?;
    let planned = flow::read_and_plan_notifications(port, &baseline).await?;
    let skipped: Vec<String> = planned
        .plan
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.id, s.detail))
        .collect();
    let apply = ApplyArgs {
        plan_file: None,
        auto_approve: args.auto_approve,
        concurrency: 4,
        seed: 0,
        max_rounds: 1,
        verbose: false,
        report: None,
    };
    let code = crate::commands::apply::run_planned(
        port,
        global,
        planned,
        None,
        &apply,
        save,
        "notifications deploy",
    )
    .await?;
    if !skipped.is_empty() {
        bail!(
            "the notification stack is not deployed:\n  {}",
            skipped.join("\n  ")
        );
    }
    Ok(code)
}
