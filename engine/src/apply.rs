//! The apply engine: runs a plan's actions through a [`Port`] concurrently, each after the
//! actions it depends on, retrying transient errors, and keeps the ledger.
//!
//! Everything runs on the caller's task (the port's futures need not be `Send`): a
//! `FuturesUnordered` holds at most `concurrency` actions in flight, and a ready queue
//! ordered by the longest chain still hanging off each action decides which goes next, so
//! the critical path starts first. The engine never decides what to do: the plan did.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use secure_account_core::action::ItemOutcome;
use secure_account_core::plan::PLAN_FORMAT_VERSION;
use secure_account_core::readiness::Readiness;
use secure_account_core::{AwsError, Outputs, Plan, PlannedAction, Scope};

use crate::cancel::Cancel;
use crate::port::{ActionOutput, Port, PortError};
use crate::report::{
    ActionResult, ActionStatus, ApiCalls, ApplyReport, NotRun, REPORT_FORMAT_VERSION, ResultReason,
};
use crate::retry::{ErrorClass, Jitter, RetryPolicy, classify};
use crate::wait::{ReadinessWait, WaitStats, wait_until};

/// How to run a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Actions in flight at once, across all regions (at least 1). The default, 64, is
    /// modest per region (a 17-region plan puts about 4 calls in flight per region) and
    /// lets a fresh 17-region apply follow its critical path; lower it for accounts with
    /// tight API quotas.
    pub concurrency: usize,
    /// Seed of the backoff jitter: the same seed against the same account gives the same
    /// waits.
    pub seed: u64,
    /// The retry budget of each class of error.
    pub retry: RetryPolicy,
    /// How long and how often to read while a Security Hub standard becomes ready or
    /// Inspector's resource types become enabled (each wait has this budget).
    pub readiness: ReadinessWait,
    /// Interrupts (Ctrl-C): on the first, nothing new starts and the calls in flight
    /// finish; on the second, the run stops at once. The report is then `interrupted`.
    pub cancel: Option<Cancel>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 64,
            seed: 0,
            retry: RetryPolicy::default(),
            readiness: ReadinessWait::default(),
            cancel: None,
        }
    }
}

/// What the engine is doing, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum ProgressEvent<'a> {
    /// A round of [`crate::flow::apply_in_rounds`] starts: `plan` is what it runs (round 1
    /// the approved plan, later rounds a plan made from a fresh read). Only the flow sends
    /// it; [`apply`] alone does not.
    RoundStarted { round: u32, plan: &'a Plan },
    /// The action's first call is about to be made.
    Started { action: &'a PlannedAction },
    /// A readiness wait began: AWS answered the action's call and finishes the work later
    /// (a standards subscription, Inspector's resource types), or a control update waits
    /// for its standard before its call.
    Waiting {
        action: &'a PlannedAction,
        what: &'a Readiness,
    },
    /// A poll of the wait found it not done yet, `waited` after the wait began (on the
    /// port's clock: virtual time on the simulator).
    StillWaiting {
        action: &'a PlannedAction,
        what: &'a Readiness,
        waited: Duration,
    },
    /// The wait ended after `waited`: `ready`, or not (the action fails with AWS's reason).
    Waited {
        action: &'a PlannedAction,
        what: &'a Readiness,
        waited: Duration,
        ready: bool,
    },
    /// Attempt `attempt` got a retryable error; the next one follows after `wait`.
    Retrying {
        action: &'a PlannedAction,
        attempt: u32,
        error: &'a AwsError,
        wait: Duration,
    },
    /// The action ended (applied, failed, or not run because a dependency did not apply).
    Finished {
        action: &'a PlannedAction,
        result: &'a ActionResult,
    },
    /// The run stopped before every action had its turn: after a crash (`PortError::Crashed`)
    /// or an interrupt.
    Interrupted { by: Interruption },
}

/// What stopped a run early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// The process died between two calls (the simulator's crash fault): the calls already
    /// made are accounted for.
    Crash,
    /// A first interrupt: nothing new started and the calls in flight finished.
    Drained,
    /// A second interrupt: the calls in flight were abandoned and may have taken effect.
    StopNow,
}

/// Why a plan cannot be run as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPlan {
    #[error(
        "the plan has format version {found}, this build reads version {expected}; run \
         `secure-account plan` again with this build"
    )]
    FormatVersion { found: u32, expected: u32 },
    #[error("action id `{0}` appears more than once in the plan")]
    DuplicateId(String),
    #[error("action `{action}` depends on `{dependency}`, which is not in the plan")]
    UnknownDependency { action: String, dependency: String },
    #[error("actions {} depend on each other in a cycle", .0.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "))]
    Cycle(Vec<String>),
}

/// Checks that a plan (typically one read from a file) can be run: known format, unique
/// ids, dependencies that exist and do not form a cycle.
pub fn check_plan(plan: &Plan) -> Result<(), InvalidPlan> {
    if plan.format_version != PLAN_FORMAT_VERSION {
        return Err(InvalidPlan::FormatVersion {
            found: plan.format_version,
            expected: PLAN_FORMAT_VERSION,
        });
    }
    let mut seen = BTreeMap::new();
    for a in &plan.actions {
        if seen.insert(a.id.as_str(), ()).is_some() {
            return Err(InvalidPlan::DuplicateId(a.id.clone()));
        }
    }
    let graph = Graph::new(plan);
    if let Some((i, dep)) = graph
        .unknown
        .iter()
        .enumerate()
        .find_map(|(i, u)| Some((i, u.as_ref()?)))
    {
        return Err(InvalidPlan::UnknownDependency {
            action: plan.actions[i].id.clone(),
            dependency: dep.clone(),
        });
    }
    let in_cycle: Vec<String> = graph
        .priority
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| plan.actions[i].id.clone())
        .collect();
    if !in_cycle.is_empty() {
        return Err(InvalidPlan::Cycle(in_cycle));
    }
    Ok(())
}

/// The dependency graph of a plan, by action index.
struct Graph {
    deps: Vec<Vec<usize>>,
    dependents: Vec<Vec<usize>>,
    /// The first dependency of each action that is not in the plan.
    unknown: Vec<Option<String>>,
    /// Length of the longest chain of dependents starting at each action (itself
    /// included); `None` for actions on or behind a cycle.
    priority: Vec<Option<u32>>,
}

impl Graph {
    fn new(plan: &Plan) -> Graph {
        let n = plan.actions.len();
        let mut index = BTreeMap::new();
        for (i, a) in plan.actions.iter().enumerate() {
            index.entry(a.id.as_str()).or_insert(i);
        }
        let mut deps = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        let mut unknown = vec![None; n];
        for (i, a) in plan.actions.iter().enumerate() {
            for d in &a.depends_on {
                match index.get(d.as_str()) {
                    Some(&j) => {
                        if !deps[i].contains(&j) {
                            deps[i].push(j);
                            dependents[j].push(i);
                        }
                    }
                    None => {
                        if unknown[i].is_none() {
                            unknown[i] = Some(d.clone());
                        }
                    }
                }
            }
        }
        // Kahn's algorithm in reverse (from the sinks) gives each action its longest chain
        // of dependents; what it never reaches sits on or behind a cycle.
        let mut priority: Vec<Option<u32>> = vec![None; n];
        let mut pending: Vec<usize> = dependents.iter().map(Vec::len).collect();
        let mut queue: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        while let Some(i) = queue.pop() {
            let p = 1 + dependents[i]
                .iter()
                .map(|&d| priority[d].unwrap_or(0))
                .max()
                .unwrap_or(0);
            priority[i] = Some(p);
            for &j in &deps[i] {
                pending[j] -= 1;
                if pending[j] == 0 {
                    queue.push(j);
                }
            }
        }
        Graph {
            deps,
            dependents,
            unknown,
            priority,
        }
    }
}

/// Shared by the in-flight actions: the progress callback, the retry counters, the
/// standards known to be ready and what the readiness waits cost.
struct Shared<'p> {
    progress: RefCell<&'p mut dyn FnMut(ProgressEvent<'_>)>,
    retries: Cell<u64>,
    retries_by_class: RefCell<BTreeMap<ErrorClass, u64>>,
    /// The longest backoff total of one action, per class.
    longest_retry_wait: RefCell<BTreeMap<ErrorClass, Duration>>,
    /// `(region, standards ARN)` that this run saw ready.
    ready_standards: RefCell<BTreeSet<(String, String)>>,
    standard_wait: Cell<WaitStats>,
    inspector_wait: Cell<WaitStats>,
    stack_wait: Cell<WaitStats>,
    /// Calls made so far by each action (by index), for the ledger of an action abandoned
    /// in flight.
    calls: RefCell<Vec<u32>>,
}

impl Shared<'_> {
    fn emit(&self, event: ProgressEvent<'_>) {
        (self.progress.borrow_mut())(event);
    }
}

/// Runs the plan's actions through `port` and returns the ledger.
///
/// Actions start once every action they depend on was applied; an action whose dependency
/// failed or did not run is `not_run`, and the rest of the plan (other regions, independent
/// actions) goes on. A [`PortError::Crashed`] (the process died between two calls) starts
/// nothing new: the calls already made are accounted for (an action whose call went
/// through is `applied`, one that could not make its next call is `not_run` with the calls
/// it made), the rest is `not_run`, and the report is `interrupted`. A second interrupt
/// stops at once: the actions in flight are `not_run`, with the calls they made and a note
/// that those may have taken effect. The scores are left for the caller to fill in.
pub async fn apply<P: Port>(
    port: &P,
    plan: &Plan,
    options: &ApplyOptions,
    progress: &mut dyn FnMut(ProgressEvent<'_>),
) -> ApplyReport {
    let started_at = port.elapsed();
    let calls_before = port.calls();
    let n = plan.actions.len();
    let graph = Graph::new(plan);
    let shared = Shared {
        progress: RefCell::new(progress),
        retries: Cell::new(0),
        retries_by_class: RefCell::new(BTreeMap::new()),
        longest_retry_wait: RefCell::new(BTreeMap::new()),
        ready_standards: RefCell::new(BTreeSet::new()),
        standard_wait: Cell::new(WaitStats::default()),
        inspector_wait: Cell::new(WaitStats::default()),
        stack_wait: Cell::new(WaitStats::default()),
        calls: RefCell::new(vec![0; n]),
    };
    let mut results: Vec<Option<ActionResult>> = vec![None; n];
    let mut waiting: Vec<usize> = graph.deps.iter().map(Vec::len).collect();
    let mut ready = BinaryHeap::new();
    let mut outputs = Outputs::default();
    let interrupted;
    let mut by = Interruption::Drained;
    let mut started = vec![false; n];

    for i in 0..n {
        if let Some(dep) = &graph.unknown[i] {
            let detail = format!("depends on `{dep}`, which is not in the plan");
            settle_not_run(
                plan,
                &graph,
                &mut results,
                &shared,
                i,
                NotRun::InvalidPlan,
                &detail,
            );
        }
    }
    for i in 0..n {
        if results[i].is_none() && waiting[i] == 0 {
            ready.push((graph.priority[i].unwrap_or(0), Reverse(i)));
        }
    }

    let mut running = FuturesUnordered::new();
    let concurrency = options.concurrency.max(1);
    let cancel = options.cancel.as_ref();
    let mut crashed = false;
    loop {
        while running.len() < concurrency
            && !crashed
            && !cancel.is_some_and(Cancel::stopping)
            && let Some((_, Reverse(i))) = ready.pop()
        {
            let action = &plan.actions[i];
            started[i] = true;
            shared.emit(ProgressEvent::Started { action });
            running.push(run_action(
                port,
                i,
                action,
                outputs.clone(),
                options,
                &shared,
            ));
        }
        let next = std::future::poll_fn(|cx| {
            if let Some(c) = cancel
                && c.poll_stop_now(cx).is_ready()
            {
                return std::task::Poll::Ready(Next::StopNow);
            }
            running.poll_next_unpin(cx).map(|o| match o {
                Some(done) => Next::Done(done),
                None => Next::Empty,
            })
        })
        .await;
        let (i, outcome, attempts) = match next {
            Next::Done(done) => done,
            Next::Empty => {
                // Nothing in flight: either the plan is done, or an interrupt or a crash
                // stopped new actions from starting and the last call in flight has finished.
                interrupted = crashed
                    || (cancel.is_some_and(Cancel::stopping)
                        && results.iter().any(Option::is_none));
                break;
            }
            Next::StopNow => {
                interrupted = true;
                by = Interruption::StopNow;
                break;
            }
        };
        let action = &plan.actions[i];
        match outcome {
            Ok((output, note)) => {
                if let Some(key_id) = output.created_key_id {
                    outputs.key_ids.insert(action.id.clone(), key_id);
                }
                let result = ActionResult {
                    detail: note,
                    ..ledger_line(action, ActionStatus::Applied, attempts)
                };
                shared.emit(ProgressEvent::Finished {
                    action,
                    result: &result,
                });
                results[i] = Some(result);
                for &d in &graph.dependents[i] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 && results[d].is_none() {
                        ready.push((graph.priority[d].unwrap_or(0), Reverse(d)));
                    }
                }
            }
            Err(PortError::Aws(error)) => {
                let result = ActionResult {
                    error: Some(error),
                    ..ledger_line(action, ActionStatus::Failed, attempts)
                };
                shared.emit(ProgressEvent::Finished {
                    action,
                    result: &result,
                });
                results[i] = Some(result);
                let detail = format!("dependency `{}` failed", action.id);
                for &d in &graph.dependents[i] {
                    settle_not_run(
                        plan,
                        &graph,
                        &mut results,
                        &shared,
                        d,
                        NotRun::DependencyFailed,
                        &detail,
                    );
                }
            }
            Err(PortError::Crashed) => {
                // The process is gone: nothing new starts, and the calls in flight are
                // accounted for as they end (theirs went through, or their next one fails).
                crashed = true;
                by = Interruption::Crash;
                results[i] = Some(ActionResult {
                    reason: Some(ResultReason::NotRun(NotRun::Interrupted)),
                    detail: Some(if attempts == 0 {
                        "the run stopped as this action's call was about to go out: nothing \
                         was sent"
                            .into()
                    } else {
                        "the run stopped during this action, after the calls it made".into()
                    }),
                    ..ledger_line(action, ActionStatus::NotRun, attempts)
                });
            }
        }
    }
    // A second interrupt abandons the actions in flight where they are.
    drop(running);
    if interrupted {
        shared.emit(ProgressEvent::Interrupted { by });
    }
    for i in 0..n {
        if results[i].is_none() {
            let (reason, detail) = if !interrupted {
                (
                    NotRun::DependencyCycle,
                    "the action depends on itself through other actions",
                )
            } else if started[i] {
                (
                    NotRun::Interrupted,
                    "abandoned in flight when the run was stopped: its call may have taken \
                     effect, and the next plan will show",
                )
            } else {
                (
                    NotRun::Interrupted,
                    "the run stopped before this action started",
                )
            };
            let result = ActionResult {
                reason: Some(ResultReason::NotRun(reason)),
                detail: Some(detail.into()),
                ..ledger_line(
                    &plan.actions[i],
                    ActionStatus::NotRun,
                    shared.calls.borrow()[i],
                )
            };
            if !interrupted {
                shared.emit(ProgressEvent::Finished {
                    action: &plan.actions[i],
                    result: &result,
                });
            }
            results[i] = Some(result);
        }
    }

    let mut results: Vec<ActionResult> = results.into_iter().flatten().collect();
    results.extend(plan.skipped.iter().map(|s| ActionResult {
        id: s.id.clone(),
        action: None,
        region: Scope::parse(&s.region),
        status: ActionStatus::Skipped,
        error: None,
        attempts: 0,
        reason: Some(ResultReason::Skipped(s.reason)),
        detail: Some(s.detail.clone()),
        round: 1,
    }));
    let calls = port.calls();
    let mut report = ApplyReport {
        format_version: REPORT_FORMAT_VERSION,
        actions_applied: 0,
        actions_failed: 0,
        actions_skipped: 0,
        actions_not_run: 0,
        interrupted,
        score_before: None,
        score_after: None,
        api_calls: ApiCalls {
            read: calls.read.saturating_sub(calls_before.read),
            write: calls.write.saturating_sub(calls_before.write),
            retries: shared.retries.get(),
            retries_by_class: shared.retries_by_class.borrow().clone(),
            longest_retry_wait_ms: shared
                .longest_retry_wait
                .borrow()
                .iter()
                .map(|(c, d)| (*c, d.as_millis() as u64))
                .collect(),
            standard_wait: shared.standard_wait.get(),
            inspector_wait: shared.inspector_wait.get(),
            stack_wait: shared.stack_wait.get(),
            elapsed_ms: port.elapsed().saturating_sub(started_at).as_millis() as u64,
        },
        results,
        rounds: Vec::new(),
        converged: None,
        read_after_error: None,
    };
    report.count();
    report
}

/// What the apply loop wakes up to.
enum Next<T> {
    Done(T),
    Empty,
    StopNow,
}

fn ledger_line(action: &PlannedAction, status: ActionStatus, attempts: u32) -> ActionResult {
    ActionResult {
        id: action.id.clone(),
        action: Some(action.op.name().to_string()),
        region: action.region.clone(),
        status,
        error: None,
        attempts,
        reason: None,
        detail: None,
        round: 1,
    }
}

/// Marks action `i` and everything that depends on it, directly or not, `not_run`.
fn settle_not_run(
    plan: &Plan,
    graph: &Graph,
    results: &mut [Option<ActionResult>],
    shared: &Shared<'_>,
    i: usize,
    reason: NotRun,
    detail: &str,
) {
    let mut stack = vec![i];
    while let Some(j) = stack.pop() {
        if results[j].is_some() {
            continue;
        }
        let action = &plan.actions[j];
        let result = ActionResult {
            reason: Some(ResultReason::NotRun(reason)),
            detail: Some(detail.into()),
            ..ledger_line(action, ActionStatus::NotRun, 0)
        };
        shared.emit(ProgressEvent::Finished {
            action,
            result: &result,
        });
        results[j] = Some(result);
        stack.extend(graph.dependents[j].iter().rev());
    }
}

/// How an action ended: its output and a note for the ledger (what AWS left unprocessed
/// that is not a failure), or the error.
type Outcome = Result<(ActionOutput, Option<String>), PortError>;

/// One action, with its retries and the waits its operation needs. Returns its index, how
/// it ended and the attempts made.
///
/// A control association update first waits until its standard is ready for updates (read
/// polls, not write retries); `batch_enable_standards` is done only once the subscription
/// left `PENDING`: `READY`, or a failed action with AWS's `StatusReasonCode` when it ends
/// `INCOMPLETE`/`FAILED`; `enable_inspector` only once every type it asked for is
/// `ENABLED`, or a failed action with AWS's `errorCode` when one ends `DISABLED` or
/// `SUSPENDED`. An HTTP 200 answer that lists failures is a failed action with the first
/// failure's code and every failure's reason, except updates of controls the region's
/// standard does not have (not offered there: nothing to do).
async fn run_action<P: Port>(
    port: &P,
    index: usize,
    action: &PlannedAction,
    outputs: Outputs,
    options: &ApplyOptions,
    shared: &Shared<'_>,
) -> (usize, Outcome, u32) {
    let waits = action.op.waits();
    if let Some(before) = &waits.before {
        let known_ready = before.standard().is_some_and(|arn| {
            shared
                .ready_standards
                .borrow()
                .contains(&(action.region.to_string(), arn.to_string()))
        });
        if !known_ready && let Err(e) = ready(port, action, before, options, shared).await {
            return (index, Err(e), 0);
        }
    }
    let (outcome, attempts) =
        execute_with_retries(port, index, action, &outputs, options, shared).await;
    let outcome = match outcome {
        Ok(output) => match unprocessed(port, action, output).await {
            Ok(done) => match &waits.after {
                Some(after) => ready(port, action, after, options, shared)
                    .await
                    .map(|()| done),
                None => Ok(done),
            },
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    (index, outcome, attempts)
}

/// Waits until `what` is ready (telling the progress display), counts the reads, and
/// remembers a standard seen ready.
async fn ready<P: Port>(
    port: &P,
    action: &PlannedAction,
    what: &Readiness,
    options: &ApplyOptions,
    shared: &Shared<'_>,
) -> Result<(), PortError> {
    shared.emit(ProgressEvent::Waiting { action, what });
    let started = port.elapsed();
    let mut stats = WaitStats::default();
    let result = wait_until(
        port,
        &action.region,
        what,
        &options.readiness,
        &mut stats,
        &mut |waited| {
            shared.emit(ProgressEvent::StillWaiting {
                action,
                what,
                waited,
            })
        },
    )
    .await;
    let counter = match what {
        Readiness::StandardReady { .. } | Readiness::StandardUpdatable { .. } => {
            &shared.standard_wait
        }
        Readiness::InspectorEnabled { .. } => &shared.inspector_wait,
        Readiness::StackSettled { .. } => &shared.stack_wait,
    };
    counter.set(counter.get().plus(stats));
    if result == Err(PortError::Crashed) {
        return result;
    }
    shared.emit(ProgressEvent::Waited {
        action,
        what,
        waited: port.elapsed().saturating_sub(started),
        ready: result.is_ok(),
    });
    if result.is_ok()
        && let Some(standards_arn) = what.standard()
    {
        shared
            .ready_standards
            .borrow_mut()
            .insert((action.region.to_string(), standards_arn.to_string()));
    }
    result
}

/// The failures an HTTP 200 answer carries, as the action's error; what is left
/// unprocessed only because the region's standard lacks the control becomes a note.
async fn unprocessed<P: Port>(port: &P, action: &PlannedAction, output: ActionOutput) -> Outcome {
    if output.unprocessed.is_empty() {
        return Ok((output, None));
    }
    // How the operation's answer lists them (every kind that answers so says how). Items
    // that say the work is done or under way are no failure: the wait after the call tells
    // when it is done.
    let per_item = action.op.facts().per_item;
    let outcome = |u: &crate::port::Unprocessed| {
        per_item.map_or(ItemOutcome::Failed, |p| p.outcome(&u.error.code))
    };
    let mut output = output;
    output
        .unprocessed
        .retain(|u| outcome(u) != ItemOutcome::Progress);
    if output.unprocessed.is_empty() {
        return Ok((output, None));
    }
    let not_offered = |u: &&crate::port::Unprocessed| outcome(u) == ItemOutcome::NotOffered;
    // A control the region does not offer comes back unprocessed: the region's live
    // standard (`fsbp_controls`) tells whether it has the control.
    let live = if output.unprocessed.iter().any(|u| not_offered(&u)) {
        match port
            .read_part(&action.region, secure_account_core::Part::SecurityHub)
            .await
        {
            Ok(secure_account_core::PartValue::SecurityHub(Some(hub))) => Some(hub.fsbp_controls),
            Ok(_) | Err(PortError::Aws(_)) => None,
            Err(PortError::Crashed) => return Err(PortError::Crashed),
        }
    } else {
        None
    };
    // Or the reviewed catalog's regional availability says so already.
    let catalog = secure_account_core::Catalog::builtin();
    let region = action.region.as_str();
    let (absent, failed): (Vec<_>, Vec<_>) = output.unprocessed.iter().partition(|u| {
        not_offered(u)
            && (catalog.get(&u.id).is_some_and(|c| !c.offered_in(region))
                || live.as_ref().is_some_and(|l| !l.contains_key(&u.id)))
    });
    let note = (!absent.is_empty()).then(|| {
        format!(
            "not offered in this region, left as they are: {}",
            absent
                .iter()
                .map(|u| u.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    match items_error(action, &failed) {
        None => Ok((output, note)),
        Some(e) => Err(PortError::Aws(e)),
    }
}

/// The action's error for these unprocessed items: the first one's code, and every
/// item's id, code and reason, under the answer's field.
fn items_error(action: &PlannedAction, items: &[&crate::port::Unprocessed]) -> Option<AwsError> {
    let first = items.first()?;
    let what = action
        .op
        .facts()
        .per_item
        .map_or("unprocessed items", |p| p.field);
    let reasons = items
        .iter()
        .map(|u| format!("{} {}: {}", u.id, u.error.code, u.error.message))
        .collect::<Vec<_>>()
        .join("; ");
    Some(AwsError::new(
        first.error.code.clone(),
        format!("{what}: {reasons}"),
    ))
}

/// The error and class of an HTTP 200 answer whose unprocessed items are worth sending
/// the call again ([`PerItem::transient`](secure_account_core::action::PerItem)): the
/// first such item's class, with every such item in the message.
fn transient_items(
    action: &PlannedAction,
    output: &ActionOutput,
) -> Option<(AwsError, ErrorClass)> {
    let per_item = action.op.facts().per_item?;
    let transient: Vec<(&crate::port::Unprocessed, ErrorClass)> = output
        .unprocessed
        .iter()
        .filter_map(|u| match per_item.outcome(&u.error.code) {
            ItemOutcome::Transient(class) => Some((u, class)),
            ItemOutcome::NotOffered | ItemOutcome::Progress | ItemOutcome::Failed => None,
        })
        .collect();
    let class = transient.first()?.1;
    let items: Vec<&crate::port::Unprocessed> = transient.iter().map(|(u, _)| *u).collect();
    Some((items_error(action, &items)?, class))
}

/// The write call with its retries, each class of error within its own budget.
async fn execute_with_retries<P: Port>(
    port: &P,
    index: usize,
    action: &PlannedAction,
    outputs: &Outputs,
    options: &ApplyOptions,
    shared: &Shared<'_>,
) -> (Result<ActionOutput, PortError>, u32) {
    let mut jitter = Jitter::new(options.seed, &action.id);
    // Attempts and time waited so far, per class.
    let mut spent: BTreeMap<ErrorClass, (u32, Duration)> = BTreeMap::new();
    let mut attempt = 1;
    loop {
        shared.calls.borrow_mut()[index] += 1;
        let answer = port
            .execute(&action.region, &action.id, &action.op, outputs)
            .await;
        // An error, or an HTTP 200 answer whose unprocessed items are worth another call.
        let failure = match &answer {
            Err(PortError::Aws(error)) => Some((error.clone(), classify(error, &action.op))),
            Ok(output) => transient_items(action, output),
            Err(PortError::Crashed) => None,
        };
        match failure {
            Some((error, class)) => {
                let Some(budget) = options.retry.budget(class) else {
                    return (Err(PortError::Aws(error)), attempt);
                };
                let (tries, waited) = spent.entry(class).or_insert((1, Duration::ZERO));
                if *tries >= budget.max_attempts.max(1) || *waited >= budget.max_wait {
                    return (Err(PortError::Aws(error)), attempt);
                }
                let wait = budget
                    .backoff(*tries, &mut jitter)
                    .min(budget.max_wait - *waited);
                *tries += 1;
                *waited += wait;
                {
                    let mut longest = shared.longest_retry_wait.borrow_mut();
                    let l = longest.entry(class).or_insert(Duration::ZERO);
                    *l = (*l).max(*waited);
                }
                shared.retries.set(shared.retries.get() + 1);
                *shared
                    .retries_by_class
                    .borrow_mut()
                    .entry(class)
                    .or_insert(0) += 1;
                shared.emit(ProgressEvent::Retrying {
                    action,
                    attempt,
                    error: &error,
                    wait,
                });
                port.sleep(wait).await;
                attempt += 1;
            }
            None if answer == Err(PortError::Crashed) => {
                // The process died before this call went out: it is no attempt.
                shared.calls.borrow_mut()[index] -= 1;
                return (answer, attempt - 1);
            }
            None => return (answer, attempt),
        }
    }
}
