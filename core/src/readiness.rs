//! What AWS finishes after it answered, and how a read of the account tells whether it is
//! done: a Security Hub standards subscription leaves `PENDING` a minute or more after
//! `BatchEnableStandards` answered; Inspector's resource types go `ENABLING` → `ENABLED`
//! after `Enable` answered. An action kind names what it waits for
//! (its `Operation::waits`); the engine polls the part with
//! backoff within a budget and asks [`Readiness::check`] after each read.

use std::fmt;

use crate::part::{Part, PartValue};
use crate::snapshot::{AwsError, InspectorReadiness, StackPhase, StandardReadiness};

/// What a readiness wait waits for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Readiness {
    /// A standards subscription `READY`, after `batch_enable_standards` answered.
    StandardReady { standards_arn: String },
    /// A standard's controls ready for updates (`READY` and not `NOT_READY_FOR_UPDATES`),
    /// before a control association update on a standard this run has not seen ready.
    StandardUpdatable { standards_arn: String },
    /// Inspector resource types `ENABLED`, after `enable_inspector` answered.
    InspectorEnabled { resource_types: Vec<String> },
    /// A CloudFormation stack done with its operation (`CREATE_COMPLETE`,
    /// `UPDATE_COMPLETE`), after `create_stack` or `update_stack` answered; a rollback
    /// fails the action with the resource that failed and AWS's reason.
    StackSettled { stack_name: String },
}

/// What one poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Done,
    Pending,
    /// Not started yet (Inspector's plain `DISABLED`, this type first): pending within a
    /// grace period.
    NotStarted(String),
    /// AWS says it will not get there: the action fails with this error.
    Failed(AwsError),
}

impl Readiness {
    /// The part whose reads tell.
    pub fn part(&self) -> Part {
        match self {
            Readiness::StandardReady { .. } | Readiness::StandardUpdatable { .. } => {
                Part::SecurityHub
            }
            Readiness::InspectorEnabled { .. } => Part::Inspector,
            Readiness::StackSettled { .. } => Part::CloudformationStacks,
        }
    }

    /// The AWS service waited on (`securityhub`, `inspector2`).
    pub fn service(&self) -> &'static str {
        self.part().facts().service
    }

    /// The standard a wait is about, when it is about one: a run that saw a standard
    /// ready does not wait for it again before its control updates.
    pub fn standard(&self) -> Option<&str> {
        match self {
            Readiness::StandardReady { standards_arn }
            | Readiness::StandardUpdatable { standards_arn } => Some(standards_arn),
            Readiness::InspectorEnabled { .. } | Readiness::StackSettled { .. } => None,
        }
    }

    /// What one read of the part says.
    pub fn check(&self, value: &PartValue) -> Progress {
        match (self, value) {
            (
                Readiness::StandardReady { standards_arn }
                | Readiness::StandardUpdatable { standards_arn },
                PartValue::SecurityHub(Some(hub)),
            ) => match hub.readiness(standards_arn) {
                StandardReadiness::Ready => Progress::Done,
                StandardReadiness::Pending => Progress::Pending,
                StandardReadiness::Ended { status, reason } => {
                    let code = if reason.is_empty() {
                        status.clone()
                    } else {
                        reason.clone()
                    };
                    Progress::Failed(AwsError::new(
                        code,
                        format!(
                            "the standards subscription {standards_arn} ended {status}{}",
                            if reason.is_empty() {
                                String::new()
                            } else {
                                format!(" (StatusReasonCode {reason})")
                            }
                        ),
                    ))
                }
            },
            (Readiness::InspectorEnabled { resource_types }, PartValue::Inspector(i)) => {
                match i.readiness(resource_types) {
                    InspectorReadiness::Enabled => Progress::Done,
                    InspectorReadiness::InTransition => Progress::Pending,
                    InspectorReadiness::NotStarted => Progress::NotStarted(
                        resource_types
                            .iter()
                            .find(|t| !i.scans(t))
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    InspectorReadiness::Ended {
                        resource_type,
                        state,
                    } => {
                        let status = state.status.as_str();
                        let code = state.error_code.clone().unwrap_or_else(|| status.into());
                        Progress::Failed(AwsError::new(
                            code,
                            format!(
                                "Inspector {resource_type} scanning ended {status}{}",
                                match (&state.error_code, &state.error_message) {
                                    (Some(c), Some(m)) => format!(" ({c}: {m})"),
                                    (Some(c), None) => format!(" ({c})"),
                                    (None, Some(m)) => format!(" ({m})"),
                                    (None, None) => String::new(),
                                }
                            ),
                        ))
                    }
                }
            }
            (Readiness::StackSettled { stack_name }, PartValue::CloudformationStacks(stacks)) => {
                match stacks.iter().find(|s| &s.name == stack_name) {
                    // Not visible yet (eventual consistency): keep waiting.
                    None => Progress::Pending,
                    Some(stack) => match stack.phase() {
                        StackPhase::Complete => Progress::Done,
                        StackPhase::InProgress => Progress::Pending,
                        StackPhase::RolledBack | StackPhase::Failed => {
                            Progress::Failed(AwsError::new(
                                stack.status.clone(),
                                format!(
                                    "the stack {stack_name} ended {}: {}",
                                    stack.status,
                                    stack.failure_text()
                                ),
                            ))
                        }
                    },
                }
            }
            // Security Hub not (yet) visible, or an answer of another part: keep waiting
            // within the budget.
            (Readiness::StandardReady { .. } | Readiness::StandardUpdatable { .. }, _)
            | (Readiness::InspectorEnabled { .. }, _)
            | (Readiness::StackSettled { .. }, _) => Progress::Pending,
        }
    }

    /// The error of a wait whose budget ran out after `so_secs` seconds.
    pub fn out_of_budget(&self, so_secs: u64) -> AwsError {
        match self {
            Readiness::StandardReady { standards_arn }
            | Readiness::StandardUpdatable { standards_arn } => AwsError::new(
                AwsError::STANDARD_NOT_READY,
                format!(
                    "the standards subscription {standards_arn} was still not ready for \
                     control updates after {so_secs} s"
                ),
            ),
            Readiness::InspectorEnabled { resource_types } => AwsError::new(
                AwsError::INSPECTOR_NOT_ENABLED,
                format!(
                    "Inspector {} was still not ENABLED after {so_secs} s",
                    resource_types.join(", ")
                ),
            ),
            Readiness::StackSettled { stack_name } => AwsError::new(
                "StackNotSettled",
                format!(
                    "the stack {stack_name} was still in progress after {so_secs} s; it goes \
                     on in CloudFormation, and the next plan sees where it ended"
                ),
            ),
        }
    }

    /// The error of an Inspector type still plain `DISABLED` past the grace period.
    pub fn not_enabling(resource_type: &str, so_secs: u64) -> AwsError {
        AwsError::new(
            AwsError::INSPECTOR_NOT_STARTED,
            format!(
                "Inspector still showed {resource_type} scanning DISABLED, without an \
                 errorCode, {so_secs} s after Enable answered"
            ),
        )
    }
}

/// A standard's short name: FSBP, CIS, … from its ARN's `standards/<name>/v/<version>`.
fn standard_name(arn: &str) -> String {
    let tail = arn.split("standards/").nth(1).unwrap_or(arn);
    let name = tail.split('/').next().unwrap_or(tail);
    match name {
        "aws-foundational-security-best-practices" => "FSBP".into(),
        "cis-aws-foundations-benchmark" => "CIS".into(),
        "pci-dss" => "PCI DSS".into(),
        "nist-800-53" => "NIST 800-53".into(),
        other => format!("`{other}`"),
    }
}

impl fmt::Display for Readiness {
    /// What is awaited, for people: "the FSBP standard to be READY".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Readiness::StandardReady { standards_arn } => {
                write!(
                    f,
                    "the {} standard to be READY",
                    standard_name(standards_arn)
                )
            }
            Readiness::StandardUpdatable { standards_arn } => write!(
                f,
                "the {} standard to be READY_FOR_UPDATES",
                standard_name(standards_arn)
            ),
            Readiness::InspectorEnabled { resource_types } => {
                write!(f, "Inspector {} to be ENABLED", resource_types.join(", "))
            }
            Readiness::StackSettled { stack_name } => {
                write!(f, "the stack {stack_name} to be COMPLETE")
            }
        }
    }
}
