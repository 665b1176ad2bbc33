//! The engine against AWS's asynchronous behaviour on the simulator: a standard that
//! becomes ready minutes after it was subscribed, retries counted per class of error, HTTP
//! 200 answers with failures, and apply in rounds (issue 7).

use std::time::Duration;

use secure_account_core::action::securityhub::ControlAssociationUpdate;
use secure_account_core::action::{guardduty, securityhub};
use secure_account_core::catalog::fsbp_standards_arn;
use secure_account_core::plan::PLAN_FORMAT_VERSION;
use secure_account_core::{Action, Baseline, Plan, PlannedAction, Scope};
use secure_account_engine::flow::{self, DEFAULT_MAX_ROUNDS};
use secure_account_engine::{ActionStatus, ApplyOptions, ApplyReport, ErrorClass, RoundStop};
use secure_account_simulator::{FaultPlan, LatencyModel, NEWER_FSBP_CONTROLS, Simulator};
use secure_account_tests::{block_on, read};

fn fsbp() -> Baseline {
    Baseline::built_in("fsbp").unwrap()
}

fn ready_after(secs: u64) -> LatencyModel {
    LatencyModel {
        standard_ready: Duration::from_secs(secs),
        ..LatencyModel::zero()
    }
}

/// Reads, plans and applies in rounds (approving every round).
fn apply_in_rounds(sim: &Simulator, max_rounds: u32) -> ApplyReport {
    block_on(async {
        let baseline = fsbp();
        let planned = flow::read_and_plan(sim, &baseline).await.unwrap();
        flow::apply_in_rounds(
            sim,
            &planned,
            Some(&baseline),
            &ApplyOptions::default(),
            max_rounds,
            &mut |_| {},
            &mut |_, _, _| true,
        )
        .await
        .unwrap()
    })
}

fn converge(sim: &Simulator) -> ApplyReport {
    block_on(flow::converge(sim, &fsbp(), &ApplyOptions::default()))
        .unwrap()
        .1
}

#[test]
fn the_engine_waits_for_the_standard_by_reading() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(ready_after(90));
    let report = converge(&sim);
    assert!(report.succeeded(), "{:?}", failures(&report));
    let wait = report.api_calls.standard_wait;
    // One wait per region (17), each polling until the 90 s passed.
    assert!(wait.polls > 17 * 5, "{wait:?}");
    assert!(report.api_calls.elapsed_ms >= 90_000);
    // Control updates never met NOT_READY_FOR_UPDATES: the wait came first.
    assert!(
        !report
            .api_calls
            .retries_by_class
            .contains_key(&ErrorClass::StandardNotReady),
        "{:?}",
        report.api_calls.retries_by_class
    );
    assert!(flow_plan_is_empty(&sim));
}

#[test]
fn the_engine_waits_for_inspector_by_reading() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(LatencyModel {
            inspector_enabled: Duration::from_secs(40),
            ..LatencyModel::zero()
        });
    let report = converge(&sim);
    assert!(report.succeeded(), "{:?}", failures(&report));
    let wait = report.api_calls.inspector_wait;
    // One wait per enabled region (17), each polling until the 40 s passed.
    assert!(wait.polls > 17 * 5, "{wait:?}");
    assert!(wait.waited_ms >= 17 * 40_000, "{wait:?}");
    assert!(report.api_calls.elapsed_ms >= 40_000);
    // Converged in one round: the read after the apply saw every type ENABLED.
    assert_eq!(report.rounds.len(), 1, "{:?}", report.rounds);
    assert!(flow_plan_is_empty(&sim));
}

#[test]
fn inspector_that_ends_disabled_is_a_failed_action_with_aws_error_code() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            failed_inspector: ["eu-west-1".to_string()].into(),
            ..FaultPlan::seeded(1)
        });
    let report = apply_in_rounds(&sim, 1);
    let failed: Vec<_> = report.with_status(ActionStatus::Failed).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].id, "eu-west-1/enable_inspector");
    let e = failed[0].error.as_ref().unwrap();
    assert_eq!(e.code, "INTERNAL_ERROR");
    assert!(e.message.contains("ended DISABLED"), "{e}");
}

#[test]
fn a_standard_that_ends_failed_is_a_failed_action_with_aws_reason() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            failed_standards: ["eu-west-1".to_string()].into(),
            ..FaultPlan::seeded(1)
        });
    let report = apply_in_rounds(&sim, 1);
    let failed: Vec<_> = report.with_status(ActionStatus::Failed).collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].id, "eu-west-1/batch_enable_standards");
    let e = failed[0].error.as_ref().unwrap();
    assert_eq!(e.code, "INTERNAL_ERROR");
    assert!(e.message.contains("ended FAILED"), "{e}");
    // What needs the standard did not run.
    assert!(
        report
            .with_status(ActionStatus::NotRun)
            .any(|r| r.id == "eu-west-1/batch_update_standards_control_associations")
    );
}

#[test]
fn retries_are_counted_per_class() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan::transient(5));
    let report = converge(&sim);
    assert!(report.succeeded(), "{:?}", failures(&report));
    let by_class = &report.api_calls.retries_by_class;
    for class in [
        ErrorClass::BucketConflict,
        ErrorClass::VpcDependency,
        ErrorClass::RolePropagation,
        ErrorClass::ResourcePropagation,
    ] {
        assert!(
            by_class.get(&class).copied().unwrap_or(0) > 0,
            "{class:?}: {by_class:?}"
        );
    }
    assert_eq!(by_class.values().sum::<u64>(), report.api_calls.retries);
    // The longest backoff of one action in each class that retried, within its budget.
    let longest = &report.api_calls.longest_retry_wait_ms;
    let budgets = secure_account_engine::RetryPolicy::default();
    assert_eq!(
        longest.keys().collect::<Vec<_>>(),
        by_class.keys().collect::<Vec<_>>()
    );
    for (class, ms) in longest {
        let budget = budgets.budget(*class).unwrap().max_wait.as_millis() as u64;
        assert!(*ms <= budget, "{class:?}: {ms} ms of {budget}");
    }
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["api_calls"]["retries_by_class"]["vpc_dependency"].is_u64());
    assert!(json["api_calls"]["longest_retry_wait_ms"]["vpc_dependency"].is_u64());
}

#[test]
fn unprocessed_updates_fail_the_action_and_the_next_round_converges() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            partial_failures: 1,
            ..FaultPlan::seeded(1)
        });
    // One round: the 200 answers with failures are failed actions with AWS's code.
    let one = apply_in_rounds(&sim, 1);
    let failed: Vec<_> = one.with_status(ActionStatus::Failed).collect();
    let codes: Vec<_> = failed
        .iter()
        .map(|r| r.error.as_ref().unwrap().code.as_str())
        .collect();
    assert!(codes.contains(&"LIMIT_EXCEEDED"), "{failed:?}");
    assert!(codes.contains(&"INTERNAL_ERROR"), "{failed:?}");
    for r in &failed {
        let m = &r.error.as_ref().unwrap().message;
        assert!(
            m.starts_with("UnprocessedAssociationUpdates: ") || m.starts_with("failedAccounts: "),
            "{m}"
        );
    }
    assert_eq!(one.converged, Some(false));
    assert_eq!(one.rounds[0].stopped, Some(RoundStop::MaxRounds));
    // Rounds: the next round plans what was left and the account converges.
    let more = apply_in_rounds(&sim, DEFAULT_MAX_ROUNDS);
    assert!(more.succeeded(), "{:?}", failures(&more));
    assert_eq!(more.converged, Some(true));
}

#[test]
fn a_control_the_region_does_not_offer_is_not_a_failure() {
    let sim = Simulator::scenario("fresh").unwrap();
    converge(&sim);
    let region = "eu-west-1";
    let action = PlannedAction {
        id: format!("{region}/batch_update_standards_control_associations"),
        region: Scope::from(region),
        op: Action::BatchUpdateStandardsControlAssociations(
            securityhub::BatchUpdateStandardsControlAssociations {
                standards_arn: fsbp_standards_arn(region),
                updates: vec![ControlAssociationUpdate {
                    security_control_id: "NotHere.1".into(),
                    association_status: "DISABLED".into(),
                    updated_reason: Some("test".into()),
                }],
            },
        ),
        satisfies: vec![],
        depends_on: vec![],
        destructive: false,
    };
    let mut plan = secure_account_core::plan(&read(&sim), &fsbp());
    assert!(plan.actions.is_empty());
    plan.actions.push(action);
    let report = block_on(secure_account_engine::apply(
        &sim,
        &plan,
        &ApplyOptions::default(),
        &mut |_| {},
    ));
    assert!(report.succeeded(), "{:?}", failures(&report));
    let r = &report.results[0];
    assert_eq!(r.status, ActionStatus::Applied);
    assert!(
        r.detail
            .as_deref()
            .unwrap()
            .contains("not offered in this region"),
        "{r:?}"
    );
    let _ = PLAN_FORMAT_VERSION;
}

#[test]
fn newer_standard_converges_in_rounds_and_disables_the_unreviewed_controls() {
    let sim = Simulator::scenario("newer-standard")
        .unwrap()
        .with_latency(ready_after(60));
    let report = apply_in_rounds(&sim, DEFAULT_MAX_ROUNDS);
    assert!(report.succeeded(), "{:?}", failures(&report));
    assert_eq!(report.converged, Some(true));
    assert_eq!(report.rounds.len(), 2, "{:?}", report.rounds);
    let second = &report.rounds[1];
    assert!(second.actions_planned > 0 && second.actions_applied == second.actions_planned);
    // Disabling controls the catalog lacks was foreseen by the approved plan's rule.
    assert!(second.unforeseen.is_empty());
    assert!(report.results.iter().any(|r| r.round == 2));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["rounds"][1]["round"], 2);
    let account = sim.account();
    for (name, region) in &account.regions {
        let Some(Some(hub)) = region.services.security_hub.known() else {
            continue;
        };
        for id in NEWER_FSBP_CONTROLS {
            let a = &hub.fsbp_controls[id];
            assert!(!a.enabled, "{name} {id}");
            assert!(
                a.disabled_reason
                    .as_deref()
                    .unwrap()
                    .starts_with("not yet reviewed (catalog "),
                "{a:?}"
            );
        }
    }
}

#[test]
fn a_later_round_asks_before_what_the_approved_plan_did_not_foresee() {
    let approved = Plan {
        format_version: PLAN_FORMAT_VERSION,
        ..secure_account_core::plan(&read(&Simulator::scenario("fresh").unwrap()), &fsbp())
    };
    let teardown = approved
        .actions
        .iter()
        .find(|a| a.destructive)
        .expect("a fresh plan deletes default VPCs");
    // Destructive: never foreseen, even when it was in the approved plan.
    assert!(!flow::foreseen(&approved, teardown));
    let same = approved.actions.iter().find(|a| !a.destructive).unwrap();
    assert!(flow::foreseen(&approved, same));
    // A changed action is not the one approved.
    let mut changed = same.clone();
    changed.id.push_str("-other");
    assert!(!flow::foreseen(&approved, &changed));
    // A round that is declined runs nothing.
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            deny_actions: ["create_detector".to_string()].into(),
            ..FaultPlan::seeded(1)
        });
    let report = block_on(async {
        let baseline = fsbp();
        let mut planned = flow::read_and_plan(&sim, &baseline).await.unwrap();
        // Approve a plan without its GuardDuty detectors: round 2 plans them, unforeseen.
        planned.plan.actions.retain(|a| {
            !matches!(
                a.op,
                Action::CreateDetector(guardduty::CreateDetector { .. })
            )
        });
        let kept: std::collections::BTreeSet<String> =
            planned.plan.actions.iter().map(|a| a.id.clone()).collect();
        for a in &mut planned.plan.actions {
            a.depends_on.retain(|d| kept.contains(d));
        }
        let mut asked = vec![];
        let report = flow::apply_in_rounds(
            &sim,
            &planned,
            Some(&baseline),
            &ApplyOptions::default(),
            3,
            &mut |_| {},
            &mut |round, _, unforeseen| {
                asked.push((round, unforeseen.to_vec()));
                false
            },
        )
        .await
        .unwrap();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].0, 2);
        assert!(asked[0].1.iter().any(|id| id.contains("create_detector")));
        report
    });
    assert_eq!(report.rounds.len(), 2);
    assert_eq!(report.rounds[1].stopped, Some(RoundStop::Declined));
    assert_eq!(report.rounds[1].actions_applied, 0);
    assert!(report.results.iter().all(|r| r.round == 1));
}

fn failures(report: &ApplyReport) -> Vec<&secure_account_engine::ActionResult> {
    report
        .results
        .iter()
        .filter(|r| matches!(r.status, ActionStatus::Failed | ActionStatus::NotRun))
        .collect()
}

fn flow_plan_is_empty(sim: &Simulator) -> bool {
    secure_account_core::plan(&read(sim), &fsbp())
        .actions
        .is_empty()
}
