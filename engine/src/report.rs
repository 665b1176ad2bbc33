//! The apply report: one ledger line per action and the run's totals (SPEC §6, "apply").

use serde::{Deserialize, Serialize};

use secure_account_core::retry::ErrorClass;
use secure_account_core::{AwsError, Scope, Score, SkipReason};

/// Version of the apply report JSON. Bump on incompatible changes; adding fields is
/// compatible.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// AWS accepted it.
    Applied,
    /// AWS refused it (the error is in the result), or it kept being throttled.
    Failed,
    /// It never ran: a dependency failed or did not run, or the run was interrupted.
    NotRun,
    /// The plan decided not to do it (the reason is in the result).
    Skipped,
}

/// Why an action did not run, or the plan's reason for skipping it. In JSON the same
/// snake_case codes as the plan's skip reasons (`dependency_failed`, `interrupted`,
/// `read_failed`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ResultReason {
    NotRun(NotRun),
    Skipped(SkipReason),
}

/// Why an action did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotRun {
    /// An action it depends on failed or did not run.
    DependencyFailed,
    /// It depends on itself through other actions (a malformed plan).
    DependencyCycle,
    /// It depends on an action the plan does not have (a malformed plan).
    InvalidPlan,
    /// The run stopped before or while it ran (Ctrl-C twice, a crash).
    Interrupted,
}

impl ResultReason {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            ResultReason::NotRun(NotRun::DependencyFailed) => "dependency_failed",
            ResultReason::NotRun(NotRun::DependencyCycle) => "dependency_cycle",
            ResultReason::NotRun(NotRun::InvalidPlan) => "invalid_plan",
            ResultReason::NotRun(NotRun::Interrupted) => "interrupted",
            ResultReason::Skipped(r) => r.code(),
        }
    }
}

impl std::fmt::Display for ResultReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Why no further round of an apply in rounds followed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RoundStop {
    /// The bound on rounds was hit.
    MaxRounds,
    /// Its unforeseen actions were not approved; nothing of it ran.
    Declined,
    /// The run was interrupted.
    Interrupted,
    /// What was left had failed already with an error another attempt would get again.
    FailedPermanently,
}

impl RoundStop {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            RoundStop::MaxRounds => "max_rounds",
            RoundStop::Declined => "declined",
            RoundStop::Interrupted => "interrupted",
            RoundStop::FailedPermanently => "failed_permanently",
        }
    }
}

/// The ledger line of one action (or of one `skipped[]` entry of the plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionResult {
    /// The action's id in the plan (or the skipped entry's id).
    pub id: String,
    /// The snake_case action name; absent for entries the plan skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    pub region: Scope,
    pub status: ActionStatus,
    /// The AWS error of the last attempt, for `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AwsError>,
    /// Calls made for this action, retries included (0 when it never ran).
    pub attempts: u32,
    /// Why it was skipped or not run, as a snake_case code (`dependency_failed`,
    /// `interrupted`, the plan's skip reason, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ResultReason>,
    /// The reason for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The round of an apply in rounds that ran it (1: the plan that was approved; the
    /// field is left out for round 1).
    #[serde(default = "first_round", skip_serializing_if = "is_first_round")]
    pub round: u32,
}

fn first_round() -> u32 {
    1
}

fn is_first_round(round: &u32) -> bool {
    *round == 1
}

/// One round of an apply in rounds: the plan of that round and how its actions ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RoundReport {
    pub round: u32,
    /// Actions in the round's plan (0: the account had converged; nothing ran).
    pub actions_planned: u32,
    pub actions_applied: u32,
    pub actions_failed: u32,
    pub actions_not_run: u32,
    /// Actions of this round's plan that the approved plan did not foresee (destructive,
    /// or not in it), which had to be shown and approved again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unforeseen: Vec<String>,
    /// Why no further round followed it, when not because the next plan was empty:
    /// `max_rounds` (the bound was hit), `declined` (its unforeseen actions were not
    /// approved; nothing of it ran), `interrupted`, `failed_permanently` (what was left
    /// had failed already with an error that another attempt would get again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<RoundStop>,
}

/// API calls and the time they took. [`crate::apply`] counts its own run; the CLI reports
/// the whole command instead (the reads before and after included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiCalls {
    pub read: u64,
    pub write: u64,
    /// Attempts that were repeated after a retryable error (throttling, propagation, …).
    pub retries: u64,
    /// The same retries by class of error (`throttling`, `role_propagation`,
    /// `resource_propagation`, `standard_not_ready`, `bucket_conflict`, `vpc_dependency`).
    #[serde(default)]
    pub retries_by_class: std::collections::BTreeMap<ErrorClass, u64>,
    /// The longest time one action spent waiting between its retries of each class (the
    /// sum of its backoffs in that class): what to hold against the class's budget
    /// (`RetryPolicy`) after a real run.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub longest_retry_wait_ms: std::collections::BTreeMap<ErrorClass, u64>,
    /// Reads made while waiting for Security Hub standards to become ready, and the time
    /// waited between them.
    #[serde(default)]
    pub standard_wait: crate::wait::WaitStats,
    /// Reads made while waiting for Inspector's resource types to become `ENABLED` after
    /// `enable_inspector`, and the time waited between them.
    #[serde(default)]
    pub inspector_wait: crate::wait::WaitStats,
    /// Reads made while waiting for the notification stack to be done with its create or
    /// update (`cloudformation:DescribeStacks`), and the time waited between them.
    #[serde(default)]
    pub stack_wait: crate::wait::WaitStats,
    /// On the port's clock (virtual time for the simulator).
    pub elapsed_ms: u64,
}

/// What `apply` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApplyReport {
    pub format_version: u32,
    pub actions_applied: u32,
    pub actions_failed: u32,
    pub actions_skipped: u32,
    pub actions_not_run: u32,
    /// The run stopped before every action had its turn (a crash between two calls).
    pub interrupted: bool,
    /// The score before the run; the engine leaves it empty, the caller fills it in.
    pub score_before: Option<Score>,
    /// The score after the run, from a fresh read of the account; filled by the caller.
    pub score_after: Option<Score>,
    pub api_calls: ApiCalls,
    /// In plan order: the actions, then the plan's skipped entries; then the actions of
    /// later rounds (with their `round`).
    pub results: Vec<ActionResult>,
    /// Each round of the apply: the approved plan, then each plan made from a fresh read
    /// after it, until one is empty or the bound is hit. Empty for a single `apply`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounds: Vec<RoundReport>,
    /// Whether the last read after the apply planned nothing more: the account converged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    /// The error of the read after the actions, when it failed: the results above still
    /// say what ran, but the score after and whether the account converged are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_after_error: Option<AwsError>,
}

impl ApplyReport {
    /// Whether everything that ran was applied, nothing was left out by a failure, and the
    /// account could be read again afterwards.
    pub fn succeeded(&self) -> bool {
        self.actions_failed == 0
            && self.actions_not_run == 0
            && !self.interrupted
            && self.read_after_error.is_none()
    }

    /// Results with this status.
    pub fn with_status(&self, status: ActionStatus) -> impl Iterator<Item = &ActionResult> {
        self.results.iter().filter(move |r| r.status == status)
    }

    /// Recomputes the counts from the results: each action counts once, as its last
    /// round left it (an action that failed in round 1 and applied in round 2 is applied).
    pub(crate) fn count(&mut self) {
        let mut last: std::collections::BTreeMap<&str, ActionStatus> = Default::default();
        for r in self.results.iter().filter(|r| r.action.is_some()) {
            last.insert(r.id.as_str(), r.status);
        }
        let n = |s| last.values().filter(|&&x| x == s).count() as u32;
        self.actions_applied = n(ActionStatus::Applied);
        self.actions_failed = n(ActionStatus::Failed);
        self.actions_not_run = n(ActionStatus::NotRun);
        self.actions_skipped = self
            .results
            .iter()
            .filter(|r| r.status == ActionStatus::Skipped)
            .count() as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reasons keep their snake_case codes in JSON and read back as themselves.
    #[test]
    fn reasons_are_their_codes() {
        let reasons = [
            ResultReason::NotRun(NotRun::DependencyFailed),
            ResultReason::NotRun(NotRun::DependencyCycle),
            ResultReason::NotRun(NotRun::InvalidPlan),
            ResultReason::NotRun(NotRun::Interrupted),
            ResultReason::Skipped(SkipReason::DefaultVpcInUse),
            ResultReason::Skipped(SkipReason::ReadFailed),
        ];
        for r in reasons {
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
            assert_eq!(serde_json::from_str::<ResultReason>(&json).unwrap(), r);
        }
        for s in [
            RoundStop::MaxRounds,
            RoundStop::Declined,
            RoundStop::Interrupted,
            RoundStop::FailedPermanently,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        let classes: std::collections::BTreeMap<ErrorClass, u64> =
            [(ErrorClass::RolePropagation, 2)].into();
        assert_eq!(
            serde_json::to_string(&classes).unwrap(),
            r#"{"role_propagation":2}"#
        );
    }
}
