//! What `verify` says about the notification stack when the baseline asks for one
//! (`[notifications] email`): deployed as the baseline gives it, or deleted, drifted
//! (changed by hand, its template, parameters, role or termination protection no longer the
//! baseline's, or CloudFormation's last drift detection said `DRIFTED`), failed or in
//! progress.

use serde::Serialize;

use crate::baseline::{Baseline, Names};
use crate::snapshot::{Observed, Snapshot, StackPhase};

use super::{EMAIL_PARAMETER, PURPOSE_TAG, TemplateOptions, template_text};

/// Where the notification stack stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StackState {
    /// As the baseline gives it.
    InSync,
    /// No such stack in the home region.
    Deleted,
    /// A stack of that name that the tool did not make.
    NotTheTools,
    /// Changed since the tool deployed it (see `details`).
    Drifted,
    /// Its last operation failed or was rolled back (see `details`).
    Failed,
    /// CloudFormation is working on it.
    InProgress,
    /// The home region's stacks could not be read.
    Unreadable,
}

/// The notification stack's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StackCheck {
    pub stack: String,
    pub region: String,
    pub state: StackState,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// The verdict on the notification stack, `None` when the baseline asks for none.
pub fn check(snapshot: &Snapshot, baseline: &Baseline) -> Option<StackCheck> {
    let email = baseline.notifications.email.as_ref()?;
    let account = &snapshot.account_id;
    let stack_name = Names::fill(&baseline.names.notification_stack, account);
    let role_name = Names::fill(&baseline.names.notification_stack_role, account);
    let region = baseline.home_region.clone();
    let verdict = |state, details| StackCheck {
        stack: stack_name.clone(),
        region: region.clone(),
        state,
        details,
    };
    let stacks = match snapshot
        .regions
        .get(&region)
        .map(|r| &r.services.cloudformation_stacks)
    {
        Some(Observed::Known(stacks)) => stacks,
        Some(Observed::Unreadable { read_error }) => {
            return Some(verdict(
                StackState::Unreadable,
                vec![format!("{}: {}", read_error.code, read_error.message)],
            ));
        }
        None => return Some(verdict(StackState::Unreadable, vec![])),
    };
    let Some(stack) = stacks.iter().find(|s| s.name == stack_name) else {
        return Some(verdict(StackState::Deleted, vec![]));
    };
    if stack.tags.get(PURPOSE_TAG.0).map(String::as_str) != Some(PURPOSE_TAG.1) {
        return Some(verdict(StackState::NotTheTools, vec![]));
    }
    match stack.phase() {
        StackPhase::InProgress => {
            return Some(verdict(StackState::InProgress, vec![stack.status.clone()]));
        }
        StackPhase::Failed => {
            return Some(verdict(
                StackState::Failed,
                vec![format!("{}: {}", stack.status, stack.failure_text())],
            ));
        }
        StackPhase::RolledBack => {
            return Some(verdict(
                StackState::Failed,
                vec![format!(
                    "{} (the last update was rolled back): {}",
                    stack.status,
                    stack.failure_text()
                )],
            ));
        }
        StackPhase::Complete => {}
    }
    let mut details = vec![];
    let template = template_text(&TemplateOptions {
        email: None,
        min_severity: baseline.notifications.min_severity,
    });
    if stack.template_body.as_deref() != Some(template.as_str()) {
        details.push("its template is not the one this baseline gives".to_string());
    }
    if stack.parameters.get(EMAIL_PARAMETER) != Some(email) {
        details.push(format!(
            "it sends to {} instead of {email}",
            stack
                .parameters
                .get(EMAIL_PARAMETER)
                .map_or("no address", String::as_str)
        ));
    }
    let role_arn = format!("arn:aws:iam::{account}:role/{role_name}");
    if stack.role_arn.as_deref() != Some(role_arn.as_str()) {
        details.push(format!(
            "its service role is {} instead of {role_arn} (CloudFormation.4)",
            stack.role_arn.as_deref().unwrap_or("none")
        ));
    }
    if !stack.termination_protection {
        details.push("termination protection is off (CloudFormation.3)".to_string());
    }
    if stack.drift.as_deref() == Some("DRIFTED") {
        details.push(
            "CloudFormation's last drift detection found resources changed outside the stack"
                .to_string(),
        );
    }
    Some(if details.is_empty() {
        verdict(StackState::InSync, vec![])
    } else {
        verdict(StackState::Drifted, details)
    })
}
