//! The fleet on the simulated organisation: `fleet apply` converges every account, a
//! second run costs one read per account and writes nothing, an account that cannot be
//! opened or read never stops the others, and the shared bound on calls in flight per
//! service and region holds.

use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::Config;
use secure_account_core::Baseline;
use secure_account_engine::fleet::{
    self, AccountStatus, FleetAccount, FleetCommand, FleetOptions, FleetSummary, Stage,
};
use secure_account_engine::{CallLimits, Port};
use secure_account_simulator::fleet::{
    MIXED, Member, SimulatedFleet, organization, starting_state,
};
use secure_account_simulator::{FaultPlan, LatencyModel, Simulator};

fn runtime() -> tokio::runtime::Runtime {
    secure_account_simulator::virtual_clock_runtime().unwrap()
}

async fn simulated(
    members: &[Member],
    baseline: &Baseline,
    latency: LatencyModel,
) -> SimulatedFleet {
    let mut states = Vec::new();
    for m in members {
        states.push((m.clone(), starting_state(m, baseline).await.unwrap()));
    }
    SimulatedFleet::new(states, "OrganizationAccountAccessRole", latency)
}

fn accounts(members: &[Member], baseline: &Baseline) -> Vec<FleetAccount> {
    let baseline = Arc::new(baseline.clone());
    members
        .iter()
        .map(|m| FleetAccount {
            id: m.id.clone(),
            name: Some(m.name.clone()),
            baseline: baseline.clone(),
        })
        .collect()
}

/// Runs the fleet and keeps every opened account's state in the organisation.
async fn run(
    org: &mut SimulatedFleet,
    accounts: &[FleetAccount],
    command: FleetCommand,
    options: &FleetOptions,
    limits: &CallLimits,
) -> FleetSummary {
    let mut kept: Vec<(String, String)> = Vec::new();
    let summary = fleet::run(&*org, accounts, command, options, limits, &mut |done| {
        if let Some(sim) = done.port {
            kept.push((done.account.id.clone(), sim.to_state_json()));
        }
    })
    .await;
    for (id, state) in kept {
        org.set_state(&id, state);
    }
    summary
}

#[test]
fn fleet_apply_converges_fifty_mixed_accounts_and_a_second_run_writes_nothing() {
    runtime().block_on(async {
        let baseline = Baseline::built_in("fsbp").unwrap();
        let members = organization(MIXED, 50, 7).unwrap();
        let kinds: std::collections::BTreeSet<&str> =
            members.iter().map(|m| m.kind.label()).collect();
        assert_eq!(
            kinds,
            ["fresh", "lived-in", "partly-baselined"]
                .into_iter()
                .collect()
        );
        let mut org = simulated(&members, &baseline, LatencyModel::aws_like()).await;
        org.restart_clock();
        let accounts = accounts(&members, &baseline);
        let options = FleetOptions::default();
        let limits = CallLimits::new(fleet::DEFAULT_CALLS_PER_SERVICE_AND_REGION);

        let first = run(&mut org, &accounts, FleetCommand::Apply, &options, &limits).await;
        assert_eq!(first.accounts.len(), 50);
        let json = serde_json::to_value(&first).unwrap();
        assert_eq!(json["accounts"].as_array().unwrap().len(), 50);
        for row in &first.accounts {
            assert_eq!(
                row.status,
                AccountStatus::Applied,
                "{}: {row:?}",
                row.account
            );
            assert!(row.calls.write > 0, "{}", row.account);
            assert!(row.score_after.unwrap() > row.score_before.unwrap());
        }
        assert!(first.succeeded());
        assert!(first.peak_calls_in_flight <= fleet::DEFAULT_CALLS_PER_SERVICE_AND_REGION);
        assert!(first.peak_calls_in_flight > 1, "accounts ran concurrently");

        // Each account's plan is empty now, read independently of the fleet.
        for m in &members {
            let sim = org.open_member(&m.id).unwrap();
            let planned = secure_account_engine::flow::read_and_plan(&sim, &baseline)
                .await
                .unwrap();
            assert!(planned.plan.actions.is_empty(), "{}", m.id);
            assert_eq!(planned.snapshot.account_id, m.id);
        }

        // Resumable: a second apply reads each account once and writes nothing.
        let limits = CallLimits::new(fleet::DEFAULT_CALLS_PER_SERVICE_AND_REGION);
        let second = run(&mut org, &accounts, FleetCommand::Apply, &options, &limits).await;
        assert_eq!(second.totals.up_to_date, 50);
        assert_eq!(second.totals.calls.write, 0);
        let one_read = first.accounts[0]
            .calls
            .read
            .min(second.accounts[0].calls.read);
        assert!(second.accounts.iter().all(|r| r.calls.read <= one_read * 2));
        assert!(second.elapsed_ms < first.elapsed_ms / 10);

        // Verify scores them after.
        let limits = CallLimits::new(8);
        let verified = run(&mut org, &accounts, FleetCommand::Verify, &options, &limits).await;
        assert_eq!(verified.totals.verified, 50);
        assert!(verified.peak_calls_in_flight <= 8);
    });
}

#[test]
fn an_account_without_the_role_or_unreadable_is_reported_and_the_others_converge() {
    runtime().block_on(async {
        let baseline = Baseline::built_in("fsbp").unwrap();
        let mut members = organization("fresh", 4, 1).unwrap();
        members[1].role = None;
        let mut org = simulated(&members, &baseline, LatencyModel::aws_like())
            .await
            // Every read is throttled past its retries: not even the preamble can be read.
            .with_faults(
                &members[2].id,
                FaultPlan {
                    read_throttle_probability: 1.0,
                    max_throttles: 10_000,
                    ..FaultPlan::default()
                },
            );
        let mut accounts = accounts(&members, &baseline);
        // An id the organisation does not have.
        accounts.push(FleetAccount {
            id: "999999999999".into(),
            name: None,
            baseline: accounts[0].baseline.clone(),
        });
        let limits = CallLimits::new(4);
        let options = FleetOptions {
            accounts_in_flight: 2,
            ..FleetOptions::default()
        };
        let summary = run(&mut org, &accounts, FleetCommand::Apply, &options, &limits).await;
        let status: Vec<AccountStatus> = summary.accounts.iter().map(|r| r.status).collect();
        assert_eq!(
            status,
            [
                AccountStatus::Applied,
                AccountStatus::Failed,
                AccountStatus::Failed,
                AccountStatus::Applied,
                AccountStatus::Failed
            ]
        );
        let denied = &summary.accounts[1];
        assert_eq!(denied.stage, Some(Stage::Open));
        let e = denied.error.as_ref().unwrap();
        assert_eq!(e.code, "AccessDenied");
        assert!(e.message.contains("sts:AssumeRole"), "{}", e.message);
        assert!(e.message.contains(&format!(
            "{}:role/OrganizationAccountAccessRole",
            members[1].id
        )));
        assert_eq!(summary.accounts[2].stage, Some(Stage::Read));
        assert_eq!(
            summary.accounts[2].error.as_ref().unwrap().code,
            "Throttling"
        );
        assert_eq!(summary.accounts[4].stage, Some(Stage::Open));
        assert_eq!(summary.totals.failed, 3);
        assert!(!summary.succeeded());
        assert!(summary.peak_calls_in_flight <= 4);
    });
}

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(12))]

    /// Whatever accounts fail (no role, every write denied, a crash part way), however many
    /// run at once and however tight the shared bound on calls: every other account
    /// converges, every failing one is reported with its error, the bound holds, and the
    /// summary lists every account once, in the order given.
    #[test]
    fn failing_accounts_never_stop_the_others(
        n in 1usize..6,
        failures in proptest::collection::vec(0u8..4, 6),
        in_flight in 1usize..4,
        per_key in 1usize..6,
        seed in 0u64..1000,
    ) {
        runtime().block_on(async {
            let mut baseline = Baseline::built_in("fsbp").unwrap();
            baseline.home_region = "us-east-1".into();
            baseline.regions.include = vec!["us-east-1".into(), "eu-west-1".into()];
            let mut members = organization(MIXED, n, seed).unwrap();
            let mut faults = Vec::new();
            for (i, m) in members.iter_mut().enumerate() {
                match failures[i] {
                    1 => m.role = None,
                    2 => faults.push((m.id.clone(), FaultPlan {
                        deny_actions: ["enable_security_hub".to_string()].into_iter().collect(),
                        ..FaultPlan::default()
                    })),
                    3 => faults.push((m.id.clone(), FaultPlan {
                        crash_after_writes: Some(seed % 7),
                        ..FaultPlan::default()
                    })),
                    _ => {}
                }
            }
            let mut org = simulated(&members, &baseline, LatencyModel::aws_like()).await;
            for (id, f) in faults {
                org = org.with_faults(&id, f);
            }
            let accounts = accounts(&members, &baseline);
            let limits = CallLimits::new(per_key);
            let options = FleetOptions { accounts_in_flight: in_flight, ..FleetOptions::default() };
            let summary = run(&mut org, &accounts, FleetCommand::Apply, &options, &limits).await;
            prop_assert_eq!(summary.accounts.len(), n);
            prop_assert!(summary.peak_calls_in_flight <= per_key);
            for (i, (row, m)) in summary.accounts.iter().zip(&members).enumerate() {
                prop_assert_eq!(&row.account, &m.id);
                match failures[i] {
                    0 => {
                        // A partly baselined member may already hold this two-region baseline.
                        prop_assert!(
                            matches!(row.status, AccountStatus::Applied | AccountStatus::UpToDate),
                            "{:?}", row
                        );
                        let sim = org.open_member(&m.id).unwrap();
                        let planned = secure_account_engine::flow::read_and_plan(&sim, &baseline)
                            .await
                            .unwrap();
                        prop_assert!(planned.plan.actions.is_empty());
                    }
                    1 => {
                        prop_assert_eq!(row.status, AccountStatus::Failed);
                        prop_assert_eq!(row.stage, Some(Stage::Open));
                        prop_assert_eq!(row.calls.read + row.calls.write, 0);
                    }
                    // A denied call or a crash: the account is reported as not done
                    // (the summary fails), unless it needed no call the fault touches (a
                    // partly baselined member whose hub is on already, a plan shorter
                    // than the crash).
                    _ => match row.status {
                        AccountStatus::Incomplete | AccountStatus::Failed => {
                            prop_assert!(!summary.succeeded());
                        }
                        AccountStatus::Applied | AccountStatus::UpToDate => {
                            prop_assert_eq!(row.actions_failed, 0);
                        }
                        other => prop_assert!(false, "{:?}: {:?}", other, row),
                    },
                }
            }
            Ok(())
        })?;
    }
}

#[test]
fn a_member_keeps_its_own_account_id_everywhere() {
    runtime().block_on(async {
        let sim = Simulator::scenario("lived-in")
            .unwrap()
            .with_account_id("210987654321")
            .unwrap();
        let state = sim.to_state_json();
        assert!(!state.contains("123456789012"));
        assert!(state.contains("210987654321"));
        assert_eq!(sim.read_account().await.unwrap().account_id, "210987654321");
    });
}
