//! `notifications template` and `notifications deploy`: the security notifications stack
//! (SPEC §2 last row, §6). The template is core's; deploying it is the plan's notification
//! actions, applied by the engine like any other.

use std::process::ExitCode;

use secure_account_core::Baseline;
use secure_account_core::notifications::{TemplateOptions, template_text};

use crate::args::NotificationsTemplateArgs;

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
