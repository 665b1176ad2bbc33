//! Many accounts on one machine: `fleet plan|apply|verify`, written once over an
//! [`Opener`] (the simulator's organisation, or AWS accounts reached by assuming a role).
//!
//! Accounts run concurrently on the caller's task, at most `accounts_in_flight` at once;
//! every call of every account holds a permit of one shared [`CallLimits`] for its service
//! and region. Each account ends as a [`FleetRow`]: one that cannot be opened or read is a
//! `failed` row with the reason and never stops the others. An account whose plan is empty
//! costs one read and is `up_to_date`.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use secure_account_core::verify::Verification;
use secure_account_core::{AwsError, Baseline};

use crate::apply::ApplyOptions;
use crate::flow::{self, FlowError, Planned};
use crate::limit::{CallLimits, Limited};
use crate::port::{CallCounts, Port, PortError};
use crate::report::ApplyReport;

/// Version of the fleet summary JSON. Bump on incompatible changes.
pub const FLEET_FORMAT_VERSION: u32 = 1;

/// One account of the fleet, with the baseline it must hold.
#[derive(Debug, Clone)]
pub struct FleetAccount {
    /// The 12-digit account id.
    pub id: String,
    /// A name for people (the CSV's or the organisation's), if any.
    pub name: Option<String>,
    pub baseline: Arc<Baseline>,
}

/// What the fleet does to each account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FleetCommand {
    Plan,
    Apply,
    Verify,
}

/// How to open each account of the fleet, and the fleet's clock.
#[allow(async_fn_in_trait)]
pub trait Opener {
    type Port: Port;

    /// Opens one account (AWS: assumes the role in it). An error (the role is missing,
    /// access is denied) makes that account's row `failed`.
    async fn open(&self, account: &FleetAccount) -> Result<Self::Port, AwsError>;

    /// Time since the fleet started, on the fleet's clock (virtual for the simulator).
    fn elapsed(&self) -> Duration;
}

/// How to run the fleet.
#[derive(Debug, Clone)]
pub struct FleetOptions {
    /// Accounts worked on at once (at least 1).
    pub accounts_in_flight: usize,
    /// Each account's apply (its own `concurrency`, retries, readiness waits, interrupt).
    pub apply: ApplyOptions,
    /// Rounds of each account's apply ([`flow::apply_in_rounds`]).
    pub max_rounds: u32,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            accounts_in_flight: DEFAULT_ACCOUNTS_IN_FLIGHT,
            apply: ApplyOptions::default(),
            max_rounds: flow::DEFAULT_MAX_ROUNDS,
        }
    }
}

/// The default number of accounts worked on at once.
pub const DEFAULT_ACCOUNTS_IN_FLIGHT: usize = 16;

/// The default bound on calls in flight per service and region, across the fleet.
pub const DEFAULT_CALLS_PER_SERVICE_AND_REGION: usize = 32;

/// How one account ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// `plan`: the account already holds its baseline. `apply`: nothing to do (one read).
    UpToDate,
    /// `plan`: the plan has actions.
    Changes,
    /// `apply`: applied, and the plan read afterwards is empty.
    Applied,
    /// `apply`: actions failed or did not run, or the plan afterwards is not empty.
    Incomplete,
    /// `verify`: read and evaluated.
    Verified,
    /// The account could not be opened, read or planned: `stage` and `error` say why.
    Failed,
    /// Not started: the fleet was interrupted first.
    NotRun,
}

/// Where an account failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Opening it (assuming the role).
    Open,
    /// Reading it, or checking the baseline against it.
    Read,
}

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetRow {
    pub account: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub baseline: String,
    pub status: AccountStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// Why it failed: AWS's code and message, or the tool's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<AwsError>,
    /// `plan`, `apply`: the score read before. `verify`: none.
    pub score_before: Option<f64>,
    /// `plan`: predicted; `apply`: read after; `verify`: the score read now.
    pub score_after: Option<f64>,
    /// Parts of the account could not be read: the scores measure only what was.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
    pub actions_planned: u32,
    pub actions_applied: u32,
    pub actions_failed: u32,
    pub actions_not_run: u32,
    pub manual_tasks: u32,
    /// On the fleet's clock, from opening the account to its last call.
    pub elapsed_ms: u64,
    pub calls: CallCounts,
}

/// What the fleet did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FleetSummary {
    pub format_version: u32,
    pub command: FleetCommand,
    pub accounts: Vec<FleetRow>,
    pub totals: FleetTotals,
    /// The whole fleet, on the fleet's clock.
    pub elapsed_ms: u64,
    pub accounts_in_flight: usize,
    pub calls_per_service_and_region: usize,
    /// The most calls that were in flight at once for one service and region.
    pub peak_calls_in_flight: usize,
}

/// Counts over the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetTotals {
    pub accounts: u32,
    pub up_to_date: u32,
    pub changes: u32,
    pub applied: u32,
    pub incomplete: u32,
    pub verified: u32,
    pub failed: u32,
    pub not_run: u32,
    pub actions_applied: u32,
    pub actions_failed: u32,
    pub manual_tasks: u32,
    pub calls: CallCounts,
}

impl FleetSummary {
    /// Whether every account ended well: none failed, none incomplete, none left unrun.
    pub fn succeeded(&self) -> bool {
        self.totals.failed == 0 && self.totals.incomplete == 0 && self.totals.not_run == 0
    }
}

/// What was done to one account, for the caller to keep (its files, a simulated state).
#[derive(Debug)]
pub enum Outcome {
    Planned(Planned),
    Applied {
        planned: Planned,
        report: Box<ApplyReport>,
    },
    Verified(Verification),
}

/// One finished account, handed to the caller as soon as it ends.
#[derive(Debug)]
pub struct Done<'a, P> {
    pub account: &'a FleetAccount,
    /// The opened account (none when opening failed).
    pub port: Option<&'a P>,
    pub outcome: Option<&'a Outcome>,
    pub row: &'a FleetRow,
}

/// Runs `command` over `accounts`. `on_done` sees each account as it ends (in the order
/// they end); the summary lists them in the order given.
pub async fn run<O: Opener>(
    opener: &O,
    accounts: &[FleetAccount],
    command: FleetCommand,
    options: &FleetOptions,
    limits: &CallLimits,
    on_done: &mut dyn FnMut(Done<'_, O::Port>),
) -> FleetSummary {
    let started = opener.elapsed();
    let mut rows: Vec<Option<FleetRow>> = vec![None; accounts.len()];
    let cancel = options.apply.cancel.clone();
    let mut stream = futures::stream::iter(accounts.iter().enumerate())
        .map(|(i, account)| {
            let cancel = cancel.clone();
            async move {
                if cancel.is_some_and(|c| c.level() > 0) {
                    return (i, None);
                }
                (
                    i,
                    Some(one(opener, account, command, options, limits).await),
                )
            }
        })
        .buffer_unordered(options.accounts_in_flight.max(1));
    while let Some((i, ended)) = stream.next().await {
        let account = &accounts[i];
        let row = match ended {
            None => not_run_row(account),
            Some((row, port, outcome)) => {
                on_done(Done {
                    account,
                    port: port.as_ref().map(|p| &p.port),
                    outcome: outcome.as_ref(),
                    row: &row,
                });
                row
            }
        };
        rows[i] = Some(row);
    }
    let accounts: Vec<FleetRow> = rows
        .into_iter()
        .zip(accounts)
        .map(|(r, a)| r.unwrap_or_else(|| not_run_row(a)))
        .collect();
    FleetSummary {
        format_version: FLEET_FORMAT_VERSION,
        command,
        totals: totals(&accounts),
        accounts,
        elapsed_ms: ms(opener.elapsed().saturating_sub(started)),
        accounts_in_flight: options.accounts_in_flight.max(1),
        calls_per_service_and_region: limits.per_key(),
        peak_calls_in_flight: limits.peak().map_or(0, |(_, p)| p),
    }
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn empty_row(account: &FleetAccount, status: AccountStatus) -> FleetRow {
    FleetRow {
        account: account.id.clone(),
        name: account.name.clone(),
        baseline: account.baseline.name.clone(),
        status,
        stage: None,
        error: None,
        score_before: None,
        score_after: None,
        incomplete: false,
        actions_planned: 0,
        actions_applied: 0,
        actions_failed: 0,
        actions_not_run: 0,
        manual_tasks: 0,
        elapsed_ms: 0,
        calls: CallCounts::default(),
    }
}

fn not_run_row(account: &FleetAccount) -> FleetRow {
    empty_row(account, AccountStatus::NotRun)
}

/// The error of a failed step, as a code and a message.
fn flow_error(e: &FlowError) -> AwsError {
    match e {
        FlowError::Read(PortError::Aws(e)) => e.clone(),
        FlowError::Read(PortError::Crashed) => AwsError::new(
            "secure-account:Crashed",
            "the run stopped between two calls",
        ),
        other @ (FlowError::Baseline { .. }
        | FlowError::HomeRegionNotEnabled { .. }
        | FlowError::HomeRegionNotCovered { .. }
        | FlowError::LogBucketRegionNotCovered { .. }
        | FlowError::LogBucketsInDifferentRegions { .. }
        | FlowError::Stale(_)
        | FlowError::OtherAccount { .. }
        | FlowError::CatalogChanged { .. }
        | FlowError::BaselineChanged { .. }
        | FlowError::NotThePlan { .. }) => {
            let mut message = other.to_string();
            let mut source = std::error::Error::source(other);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            let code = if matches!(
                other,
                FlowError::Baseline { .. }
                    | FlowError::HomeRegionNotEnabled { .. }
                    | FlowError::HomeRegionNotCovered { .. }
                    | FlowError::LogBucketRegionNotCovered { .. }
                    | FlowError::LogBucketsInDifferentRegions { .. }
            ) {
                "secure-account:InvalidBaseline"
            } else {
                AwsError::INVALID_PLAN
            };
            AwsError::new(code, message)
        }
    }
}

type Ended<'l, P> = (FleetRow, Option<Limited<'l, P>>, Option<Outcome>);

async fn one<'l, O: Opener>(
    opener: &O,
    account: &FleetAccount,
    command: FleetCommand,
    options: &FleetOptions,
    limits: &'l CallLimits,
) -> Ended<'l, O::Port> {
    let t0 = opener.elapsed();
    let mut row = empty_row(account, AccountStatus::Failed);
    let port = match opener.open(account).await {
        Ok(port) => Limited { port, limits },
        Err(e) => {
            row.stage = Some(Stage::Open);
            row.error = Some(e);
            row.elapsed_ms = ms(opener.elapsed().saturating_sub(t0));
            return (row, None, None);
        }
    };
    let calls0 = port.calls();
    let baseline = &*account.baseline;
    let outcome = match command {
        FleetCommand::Verify => match flow::verify(&port, baseline).await {
            Ok(v) => {
                row.status = AccountStatus::Verified;
                row.score_after = Some(v.score.percent);
                row.incomplete = v.score.incomplete;
                row.manual_tasks = v.manual_tasks.len() as u32;
                Ok(Outcome::Verified(v))
            }
            Err(e) => Err(e),
        },
        FleetCommand::Plan | FleetCommand::Apply => {
            match flow::read_and_plan(&port, baseline).await {
                Err(e) => Err(e),
                Ok(planned) => {
                    let plan = &planned.plan;
                    row.score_before = Some(plan.score_now.percent);
                    row.score_after = Some(plan.score_predicted.percent);
                    row.incomplete = plan.score_now.incomplete;
                    row.actions_planned = plan.actions.len() as u32;
                    row.manual_tasks = plan.manual_tasks.len() as u32;
                    if !plan.has_changes() {
                        row.status = AccountStatus::UpToDate;
                        row.score_after = Some(plan.score_now.percent);
                        Ok(Outcome::Planned(planned))
                    } else if command == FleetCommand::Plan {
                        row.status = AccountStatus::Changes;
                        Ok(Outcome::Planned(planned))
                    } else {
                        applied(&port, planned, baseline, options, &mut row).await
                    }
                }
            }
        }
    };
    let outcome = match outcome {
        Ok(o) => Some(o),
        Err(e) => {
            row.status = AccountStatus::Failed;
            row.stage = Some(Stage::Read);
            row.error = Some(flow_error(&e));
            None
        }
    };
    let calls = port.calls();
    row.calls = CallCounts {
        read: calls.read - calls0.read,
        write: calls.write - calls0.write,
    };
    row.elapsed_ms = ms(opener.elapsed().saturating_sub(t0));
    (row, Some(port), outcome)
}

async fn applied<P: Port>(
    port: &P,
    planned: Planned,
    baseline: &Baseline,
    options: &FleetOptions,
    row: &mut FleetRow,
) -> Result<Outcome, FlowError> {
    let report = flow::apply_in_rounds(
        port,
        &planned,
        Some(baseline),
        &options.apply,
        options.max_rounds,
        &mut |_| {},
        // Nobody is asked per account: `fleet apply` is approved as a whole.
        &mut |_, _, _| true,
    )
    .await?;
    row.score_after = report.score_after.as_ref().map(|s| s.percent);
    if let Some(after) = &report.score_after {
        row.incomplete = after.incomplete;
    } else {
        // No read after (interrupted, or it failed): the scores say nothing of now.
        row.incomplete = true;
    }
    row.actions_applied = report.actions_applied;
    row.actions_failed = report.actions_failed;
    row.actions_not_run = report.actions_not_run;
    row.status = if report.converged == Some(true) && report.succeeded() {
        AccountStatus::Applied
    } else {
        AccountStatus::Incomplete
    };
    if let Some(e) = &report.read_after_error {
        row.error = Some(e.clone());
    }
    // The manual tasks are the plan's: applying changes none of them.
    Ok(Outcome::Applied {
        planned,
        report: Box::new(report),
    })
}

fn totals(rows: &[FleetRow]) -> FleetTotals {
    let mut t = FleetTotals {
        accounts: rows.len() as u32,
        ..FleetTotals::default()
    };
    for r in rows {
        match r.status {
            AccountStatus::UpToDate => t.up_to_date += 1,
            AccountStatus::Changes => t.changes += 1,
            AccountStatus::Applied => t.applied += 1,
            AccountStatus::Incomplete => t.incomplete += 1,
            AccountStatus::Verified => t.verified += 1,
            AccountStatus::Failed => t.failed += 1,
            AccountStatus::NotRun => t.not_run += 1,
        }
        t.actions_applied += r.actions_applied;
        t.actions_failed += r.actions_failed;
        t.manual_tasks += r.manual_tasks;
        t.calls.read += r.calls.read;
        t.calls.write += r.calls.write;
    }
    t
}
