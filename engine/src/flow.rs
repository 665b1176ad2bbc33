//! The flow, written once: read → plan → apply → read → evaluate. The CLI, the tests and
//! the benchmark all go through these functions, whatever the port.

use std::collections::BTreeSet;
use std::time::Duration;

use secure_account_core::baseline::BaselineError;
use secure_account_core::cost::CostModel;
use secure_account_core::cost_report::{self, CostDocument};
use secure_account_core::evaluate::Scope as EvaluationScope;
use secure_account_core::verify::Verification;
use secure_account_core::{Baseline, Catalog, Plan, Snapshot, evaluate};

use crate::apply::{ApplyOptions, ProgressEvent, apply};
use crate::fresh::{StalePlan, check_fresh, first_difference};
use crate::port::{CallCounts, Port, PortError};
use crate::read::{DEFAULT_READ_CONCURRENCY, read_snapshot};
use crate::report::{ApplyReport, RoundStop};

/// Why a step of the flow could not go on.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error("cannot read the account")]
    Read(#[source] PortError),
    #[error("the baseline `{name}` does not fit this account")]
    Baseline {
        name: String,
        #[source]
        source: BaselineError,
    },
    #[error(
        "the home region `{region}` is not enabled for this account; enabled regions: {}",
        .enabled.join(", ")
    )]
    HomeRegionNotEnabled {
        region: String,
        enabled: Vec<String>,
    },
    #[error(
        "the home region `{region}` is outside the regions worked on ({}): the trail, its key, \
         the log buckets, the finding aggregator and Config's global recording live there; add \
         it (`--regions {},{region}`) or choose a home region among them (`--region {}`)",
        .regions.join(", "), .regions.join(","), .regions.first().map(String::as_str).unwrap_or("")
    )]
    HomeRegionNotCovered {
        region: String,
        regions: Vec<String>,
    },
    #[error(
        "the log bucket `{bucket}` is in `{region}`, which the baseline does not cover: \
         CloudTrail wants the trail's KMS key in its bucket's region (KmsKeyNotFoundException \
         otherwise), so the key would be made there; add `{region}` to the regions worked on, \
         or name another log bucket (`log_bucket` under `[names]`)"
    )]
    LogBucketRegionNotCovered { bucket: String, region: String },
    #[error(
        "the log bucket `{log}` is in `{log_region}` and the access-log bucket `{access}` in \
         `{access_region}`: they log to each other, and S3 server access logging wants both \
         in one region; name two buckets of one region (`log_bucket` and \
         `access_log_bucket` under `[names]`)"
    )]
    LogBucketsInDifferentRegions {
        log: String,
        log_region: String,
        access: String,
        access_region: String,
    },
    #[error(transparent)]
    Stale(#[from] StalePlan),
    #[error(
        "the plan was made for account {planned}, but these credentials reach account \
         {current}; run `secure-account plan` against account {current}"
    )]
    OtherAccount { planned: String, current: String },
    #[error(
        "the plan was made with catalog {planned}, this build has catalog {current}; run \
         `secure-account plan` again"
    )]
    CatalogChanged { planned: String, current: String },
    #[error(
        "the baseline `{name}` changed since the plan was made (hash `{planned}`, now \
         `{current}`); run `secure-account plan` again"
    )]
    BaselineChanged {
        name: String,
        planned: String,
        current: String,
    },
    #[error(
        "refusing the saved plan: it is not the plan the account and the baseline `{baseline}` \
         give now ({difference}); nothing was changed. A plan file is not trusted input: run \
         `secure-account plan` again"
    )]
    NotThePlan {
        baseline: String,
        difference: String,
    },
}

/// An account as read, and the plan computed from it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub snapshot: Snapshot,
    pub plan: Plan,
    /// The port's calls and clock when the flow started (before the first read), so that
    /// the report counts the calls and time of this flow alone.
    pub started: (CallCounts, Duration),
}

/// Reads the account.
pub async fn read<P: Port>(port: &P) -> Result<Snapshot, FlowError> {
    read_snapshot(port, DEFAULT_READ_CONCURRENCY)
        .await
        .map_err(FlowError::Read)
}

/// Checks the baseline's control ids against the catalog and its regions against the
/// regions the account knows.
///
/// A home region the account knows but has not enabled, or one outside the regions worked
/// on, is an error naming the regions to choose from: everything account-wide would
/// otherwise be planned nowhere. Every value AWS would refuse is an error here too, before
/// anything is changed.
pub fn validate(baseline: &Baseline, snapshot: &Snapshot) -> Result<(), FlowError> {
    let regions: BTreeSet<String> = snapshot.regions.keys().cloned().collect();
    let invalid = |source| FlowError::Baseline {
        name: baseline.name.clone(),
        source,
    };
    baseline.check_values().map_err(invalid)?;
    baseline
        .validate(Catalog::builtin(), &regions)
        .map_err(invalid)?;
    if !baseline.covers_region(&baseline.home_region) {
        return Err(FlowError::HomeRegionNotCovered {
            region: baseline.home_region.clone(),
            regions: snapshot
                .enabled_regions()
                .map(|(name, _)| name.clone())
                .filter(|r| baseline.covers_region(r))
                .collect(),
        });
    }
    if !snapshot
        .enabled_regions()
        .any(|(name, _)| *name == baseline.home_region)
    {
        return Err(FlowError::HomeRegionNotEnabled {
            region: baseline.home_region.clone(),
            enabled: snapshot
                .enabled_regions()
                .map(|(name, _)| name.clone())
                .collect(),
        });
    }
    region_rules(baseline, snapshot)
}

/// The rules of where things must live together, which a baseline can break by its names
/// and regions: the trail's key goes to the log bucket's region, which must then be one the
/// baseline covers; the two log buckets log to each other, so they share a region. (With
/// the bucket list unread nothing is known: the planner skips what depends on it.)
fn region_rules(baseline: &Baseline, snapshot: &Snapshot) -> Result<(), FlowError> {
    if !baseline.features.cloudtrail {
        return Ok(());
    }
    let fill = |t: &str| secure_account_core::baseline::Names::fill(t, &snapshot.account_id);
    let (log, access) = (
        fill(&baseline.names.log_bucket),
        fill(&baseline.names.access_log_bucket),
    );
    let (Some(l), a) = (snapshot.bucket(&log), snapshot.bucket(&access)) else {
        return Ok(());
    };
    if !baseline.covers_region(&l.region) {
        return Err(FlowError::LogBucketRegionNotCovered {
            bucket: log,
            region: l.region.clone(),
        });
    }
    if let Some(a) = a
        && a.region != l.region
    {
        return Err(FlowError::LogBucketsInDifferentRegions {
            log,
            log_region: l.region.clone(),
            access,
            access_region: a.region.clone(),
        });
    }
    Ok(())
}

/// Reads the account and plans `baseline` for it.
pub async fn read_and_plan<P: Port>(port: &P, baseline: &Baseline) -> Result<Planned, FlowError> {
    read_and_plan_by(port, baseline, secure_account_core::plan).await
}

/// Reads the account and plans the notification stack alone (`notifications deploy`;
/// [`secure_account_core::plan_notifications`]).
pub async fn read_and_plan_notifications<P: Port>(
    port: &P,
    baseline: &Baseline,
) -> Result<Planned, FlowError> {
    read_and_plan_by(port, baseline, secure_account_core::plan_notifications).await
}

async fn read_and_plan_by<P: Port>(
    port: &P,
    baseline: &Baseline,
    plan: fn(&Snapshot, &Baseline) -> Plan,
) -> Result<Planned, FlowError> {
    let started = (port.calls(), port.elapsed());
    let snapshot = read(port).await?;
    validate(baseline, &snapshot)?;
    let plan = plan(&snapshot, baseline);
    Ok(Planned {
        snapshot,
        plan,
        started,
    })
}

/// Reads the account and checks that a saved plan is the plan the account and `baseline`
/// (the baseline the plan names) give now: same account, catalog, baseline content,
/// account state, and the same actions with the same parameters. A plan file is not
/// trusted input: anything else is refused before any change, and what runs is the plan
/// computed now.
pub async fn read_for_saved_plan<P: Port>(
    port: &P,
    saved: Plan,
    baseline: &Baseline,
) -> Result<Planned, FlowError> {
    let started = (port.calls(), port.elapsed());
    let snapshot = read(port).await?;
    if snapshot.account_id != saved.account_id {
        return Err(FlowError::OtherAccount {
            planned: saved.account_id,
            current: snapshot.account_id,
        });
    }
    let catalog = Catalog::builtin();
    if saved.catalog_version != catalog.version {
        return Err(FlowError::CatalogChanged {
            planned: saved.catalog_version,
            current: catalog.version.clone(),
        });
    }
    let current = baseline.content_hash();
    if saved.baseline != baseline.name || saved.baseline_hash != current {
        return Err(FlowError::BaselineChanged {
            name: saved.baseline,
            planned: saved.baseline_hash,
            current,
        });
    }
    check_fresh(&saved, &snapshot)?;
    let baseline = baseline_of(&saved, baseline);
    validate(&baseline, &snapshot)?;
    let plan = secure_account_core::plan(&snapshot, &baseline);
    if let Some(difference) = first_difference(&saved, &plan) {
        return Err(FlowError::NotThePlan {
            baseline: baseline.name,
            difference,
        });
    }
    Ok(Planned {
        snapshot,
        plan,
        started,
    })
}

/// `baseline` with the home region and the regions a saved plan records.
pub fn baseline_of(saved: &Plan, baseline: &Baseline) -> Baseline {
    let mut b = baseline.clone();
    b.home_region = saved.home_region.clone();
    b.regions.include = saved.regions.clone();
    b.regions.exclude.clear();
    b
}

/// The evaluation scope a plan was made for: its home region and regions.
pub fn scope_of(plan: &Plan) -> EvaluationScope {
    EvaluationScope {
        home_region: plan.home_region.clone(),
        regions: plan.regions.iter().cloned().collect(),
    }
}

/// Reads the account and evaluates it under `baseline`: what `verify` reports.
pub async fn verify<P: Port>(port: &P, baseline: &Baseline) -> Result<Verification, FlowError> {
    let snapshot = read(port).await?;
    validate(baseline, &snapshot)?;
    Ok(secure_account_core::verify::verify(
        &snapshot,
        baseline,
        Catalog::builtin(),
    ))
}

/// Reads the account and prices `baseline` for it: what `cost` reports.
pub async fn cost<P: Port>(
    port: &P,
    baseline: &Baseline,
    model: &CostModel,
) -> Result<CostDocument, FlowError> {
    let snapshot = read(port).await?;
    validate(baseline, &snapshot)?;
    Ok(cost_report::document(&snapshot, baseline, model))
}

/// The whole flow without a person in it: read, plan, apply, read, evaluate, in rounds
/// ([`apply_in_rounds`], up to [`DEFAULT_MAX_ROUNDS`], every round approved).
pub async fn converge<P: Port>(
    port: &P,
    baseline: &Baseline,
    options: &ApplyOptions,
) -> Result<(Planned, ApplyReport), FlowError> {
    let planned = read_and_plan(port, baseline).await?;
    let report = apply_in_rounds(
        port,
        &planned,
        Some(baseline),
        options,
        DEFAULT_MAX_ROUNDS,
        &mut |_| {},
        &mut |_, _, _| true,
    )
    .await?;
    Ok((planned, report))
}

/// The default bound on the rounds of [`apply_in_rounds`].
pub const DEFAULT_MAX_ROUNDS: u32 = 3;

/// What a later round of [`apply_in_rounds`] asks before running actions that the approved
/// plan did not foresee: the round, its plan, and the ids of those actions. `true` runs the
/// round; `false` stops the apply there (nothing of that round runs).
pub type ConfirmRound<'a> = dyn FnMut(u32, &Plan, &[String]) -> bool + 'a;

/// Whether the approved plan foresaw `action` of a later round: it is not destructive, and
/// either the approved plan had exactly this action (a retry of what failed or did not
/// run), or it only disables controls the reviewed catalog lacks (the rule the approved
/// plan already applied: controls newer than the catalog stay disabled until reviewed;
/// they show up only once the subscription is ready).
pub fn foreseen(approved: &Plan, action: &secure_account_core::PlannedAction) -> bool {
    use secure_account_core::Action;
    if action.destructive || action.op.is_destructive() {
        return false;
    }
    if approved
        .actions
        .iter()
        .any(|a| a.id == action.id && a.op == action.op)
    {
        return true;
    }
    let catalog = Catalog::builtin();
    matches!(&action.op, Action::BatchUpdateStandardsControlAssociations(op)
        if op.updates.iter().all(|u| u.association_status == "DISABLED"
            && catalog.position(&u.security_control_id).is_none()))
}

/// Applies the approved plan, then reads again and plans again and applies that, round
/// after round, until a plan is empty or `max_rounds` rounds ran (SPEC: subscribing a
/// standard enables controls that exist only once it is ready, and an action that failed on
/// something transient is planned again). A later round whose plan has actions the approved
/// plan did not foresee ([`foreseen`]) runs only if `confirm` approves them.
///
/// Without a baseline (a saved plan applied as is) there is no later round. The report
/// holds every round's results (`round` > 1 for later ones), `rounds` and `converged`, and
/// its `score_after` comes from the last read.
#[allow(clippy::too_many_arguments)]
pub async fn apply_in_rounds<P: Port>(
    port: &P,
    planned: &Planned,
    baseline: Option<&Baseline>,
    options: &ApplyOptions,
    max_rounds: u32,
    on_event: &mut dyn FnMut(ProgressEvent<'_>),
    confirm: &mut ConfirmRound<'_>,
) -> Result<ApplyReport, FlowError> {
    let scope = scope_of(&planned.plan);
    let catalog = Catalog::builtin();
    on_event(ProgressEvent::RoundStarted {
        round: 1,
        plan: &planned.plan,
    });
    let mut report = apply(port, &planned.plan, options, on_event).await;
    report.score_before = Some(evaluate(&planned.snapshot, catalog, &scope).score);
    let mut rounds = vec![round_summary(1, &planned.plan, &report.results, vec![])];
    let mut converged = None;
    let mut round = 1;
    while !report.interrupted {
        let after = match read_snapshot(port, DEFAULT_READ_CONCURRENCY).await {
            Ok(after) => after,
            Err(PortError::Crashed) => {
                report.interrupted = true;
                break;
            }
            Err(PortError::Aws(e)) => {
                // What ran stays in the report: the caller prints it with this error.
                report.read_after_error = Some(e);
                break;
            }
        };
        report.score_after = Some(evaluate(&after, catalog, &scope).score);
        let Some(baseline) = baseline else {
            break;
        };
        let plan = secure_account_core::plan(&after, baseline);
        if plan.actions.is_empty() {
            converged = Some(true);
            break;
        }
        converged = Some(false);
        if round >= max_rounds {
            if let Some(last) = rounds.last_mut() {
                last.stopped = Some(RoundStop::MaxRounds);
            }
            break;
        }
        // An action that failed in an earlier round with an error that another round would
        // get again (access denied, an operation the endpoint does not serve) is not sent
        // again, nor what depends on it.
        let plan = without_repeated_failures(plan, &report.results);
        if plan.actions.is_empty() {
            if let Some(last) = rounds.last_mut() {
                last.stopped = Some(RoundStop::FailedPermanently);
            }
            break;
        }
        round += 1;
        let unforeseen: Vec<String> = plan
            .actions
            .iter()
            .filter(|a| !foreseen(&planned.plan, a))
            .map(|a| a.id.clone())
            .collect();
        if !unforeseen.is_empty() && !confirm(round, &plan, &unforeseen) {
            let mut summary = round_summary(round, &plan, &[], unforeseen);
            summary.stopped = Some(RoundStop::Declined);
            rounds.push(summary);
            break;
        }
        on_event(ProgressEvent::RoundStarted { round, plan: &plan });
        let mut next = apply(port, &plan, options, on_event).await;
        let mut results: Vec<_> = next
            .results
            .drain(..)
            .filter(|r| r.status != crate::report::ActionStatus::Skipped)
            .collect();
        for r in &mut results {
            r.round = round;
        }
        rounds.push(round_summary(round, &plan, &results, unforeseen));
        report.results.extend(results);
        report.api_calls.retries += next.api_calls.retries;
        for (class, n) in next.api_calls.retries_by_class {
            *report.api_calls.retries_by_class.entry(class).or_insert(0) += n;
        }
        for (class, ms) in next.api_calls.longest_retry_wait_ms {
            let l = report
                .api_calls
                .longest_retry_wait_ms
                .entry(class)
                .or_insert(0);
            *l = (*l).max(ms);
        }
        report.api_calls.standard_wait = report
            .api_calls
            .standard_wait
            .plus(next.api_calls.standard_wait);
        report.api_calls.inspector_wait = report
            .api_calls
            .inspector_wait
            .plus(next.api_calls.inspector_wait);
        report.api_calls.stack_wait = report.api_calls.stack_wait.plus(next.api_calls.stack_wait);
        if next.interrupted {
            report.interrupted = true;
        }
    }
    if report.interrupted {
        if let Some(last) = rounds.last_mut() {
            last.stopped = Some(RoundStop::Interrupted);
        }
        report.score_after = None;
    }
    report.count();
    report.rounds = rounds;
    report.converged = converged;
    let (calls_then, time_then) = planned.started;
    let calls = port.calls();
    report.api_calls.read = calls.read - calls_then.read;
    report.api_calls.write = calls.write - calls_then.write;
    report.api_calls.elapsed_ms = (port.elapsed() - time_then).as_millis() as u64;
    Ok(report)
}

/// Whether a later round would surely get `e` again: the endpoint does not serve the
/// operation (`NotImplemented`, the adapters' code for an emulator's gap), the caller lacks
/// the permission, or the action cannot be sent as planned. Other failures (an HTTP 200
/// answer's `LIMIT_EXCEEDED` or `INTERNAL_ERROR`, a propagation that outlasted its budget)
/// are worth the next round.
fn fails_again(e: &secure_account_core::AwsError) -> bool {
    use secure_account_core::AwsError as E;
    e.is_access_denied()
        || [E::NOT_IMPLEMENTED, E::INVALID_PARAMETER, E::INVALID_PLAN].contains(&e.code.as_str())
}

/// `plan` without the actions (by id) that already failed in this run with an error a
/// later round would get again ([`fails_again`]), and without the actions that depend on
/// them.
pub(crate) fn without_repeated_failures(
    mut plan: Plan,
    results: &[crate::report::ActionResult],
) -> Plan {
    let failed: BTreeSet<&str> = results
        .iter()
        .filter(|r| r.status == crate::report::ActionStatus::Failed)
        .filter(|r| {
            let op = plan.actions.iter().find(|a| a.id == r.id).map(|a| &a.op);
            match (&r.error, op) {
                (Some(e), Some(_)) => fails_again(e),
                _ => false,
            }
        })
        .map(|r| r.id.as_str())
        .collect();
    if failed.is_empty() {
        return plan;
    }
    let mut dropped: BTreeSet<String> = failed.iter().map(|s| s.to_string()).collect();
    // Dependents, transitively (a plan lists an action after what it depends on, but the
    // loop does not rely on it).
    loop {
        let more: Vec<String> = plan
            .actions
            .iter()
            .filter(|a| !dropped.contains(&a.id))
            .filter(|a| a.depends_on.iter().any(|d| dropped.contains(d)))
            .map(|a| a.id.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        dropped.extend(more);
    }
    plan.actions.retain(|a| !dropped.contains(&a.id));
    plan
}

fn round_summary(
    round: u32,
    plan: &Plan,
    results: &[crate::report::ActionResult],
    unforeseen: Vec<String>,
) -> crate::report::RoundReport {
    use crate::report::ActionStatus as S;
    let n = |s| results.iter().filter(|r| r.status == s).count() as u32;
    crate::report::RoundReport {
        round,
        actions_planned: plan.actions.len() as u32,
        actions_applied: n(S::Applied),
        actions_failed: n(S::Failed),
        actions_not_run: n(S::NotRun),
        unforeseen,
        stopped: None,
    }
}

#[cfg(test)]
mod region_rules_tests {
    use super::*;

    fn baselined() -> Snapshot {
        serde_json::from_str(include_str!(
            "../../golden/fully_baselined_account/snapshot.json"
        ))
        .expect("the golden snapshot parses")
    }

    /// A baseline that would put the trail's key outside its regions, or have two log
    /// buckets of different regions log to each other, is refused with what to change.
    #[test]
    fn a_baseline_that_breaks_the_region_rules_is_refused() {
        let b = Baseline::fsbp();
        assert!(validate(&b, &baselined()).is_ok());

        let mut s = baselined();
        for bucket in s.global.buckets.known_mut().unwrap() {
            bucket.region = "eu-west-1".into();
        }
        assert!(validate(&b, &s).is_ok(), "both in a covered region");
        let mut only_home = Baseline::fsbp();
        only_home.regions.include = vec![b.home_region.clone()];
        match validate(&only_home, &s) {
            Err(e @ FlowError::LogBucketRegionNotCovered { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("eu-west-1") && text.contains("[names]"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }

        let mut s = baselined();
        s.global.buckets.known_mut().unwrap()[1].region = "eu-west-1".into();
        match validate(&b, &s) {
            Err(e @ FlowError::LogBucketsInDifferentRegions { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("us-east-1") && text.contains("eu-west-1"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Without CloudTrail there is no key to place and the rule does not apply.
        let mut no_trail = Baseline::fsbp();
        no_trail.features.cloudtrail = false;
        assert!(!matches!(
            validate(&no_trail, &s),
            Err(FlowError::LogBucketsInDifferentRegions { .. })
        ));
    }
}
