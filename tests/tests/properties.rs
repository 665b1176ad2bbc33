//! Property tests of the whole flow (snapshot → plan → apply → snapshot) on the simulator,
//! over random account states and random fault schedules.
//!
//! Invariants (SPEC §3, §8): plans are deterministic; after an apply with finite transient
//! faults a new plan has no action and a second apply writes nothing; the prediction is
//! what happens; nothing destructive happens that the safety rules forbid, nothing is
//! deleted that the plan did not plan to delete, no setting gets weaker; every failed action
//! carries its AWS error; a crash at any point followed by a re-run converges.
//!
//! Also: a saved plan that was tampered with is refused and changes nothing; an incomplete
//! read (any `Part` denied) never satisfies a minimum score; no planned action depends on
//! an unreadable part (`ActionKind::facts().reads`); with customer resources under the
//! tool's names, a public bucket stays public and a customer bucket never gains expiration.
//!
//! Each property has its own number of cases (more for the cheap ones), together over
//! 10,000 per run; `PROPTEST_CASES` sets one number for all. When every property has run,
//! the suite prints one line with the total number of cases generated and its time.
//! Shrunk failures are kept in `tests/proptest-regressions/` and as named tests at the
//! bottom of this file.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::Config;
use secure_account_core::snapshot::{Bucket, PasswordPolicy, Snapshot, VersioningStatus};
use secure_account_core::{
    AwsError, Baseline, Catalog, Part, Plan, Scope, evaluate, planner, render,
};
use secure_account_engine::{ActionStatus, flow};
use secure_account_simulator::{FaultPlan, Simulator};
use secure_account_tests::accounts::{AccountSpec, account_spec, any_faults, transient_faults};
use secure_account_tests::{apply, promises, read, resource_ids};

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        max_shrink_iters: 2_000,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/properties.txt",
            ),
        )),
        ..Config::default()
    }
}

/// The properties below, for the closing line.
const PROPERTIES: usize = 12;
static CASES: AtomicU64 = AtomicU64::new(0);
static FINISHED: AtomicUsize = AtomicUsize::new(0);

fn started() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Counts one generated case (a run of a property's body).
fn case() {
    started();
    CASES.fetch_add(1, Ordering::Relaxed);
}

/// Marks a property finished; the last one prints the total. Written to stderr directly,
/// past the test harness's capture, so that `cargo test` and `.ci/run` show it.
fn finished() {
    if FINISHED.fetch_add(1, Ordering::SeqCst) + 1 == PROPERTIES {
        let line = format!(
            "property tests: {} cases generated in {:.1} s\n",
            CASES.load(Ordering::SeqCst),
            started().elapsed().as_secs_f64()
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    }
}

fn baseline() -> Baseline {
    let mut b = Baseline::fsbp();
    b.trusted_principals = vec!["111122223333".into()];
    b
}

fn plan(s: &Snapshot) -> Plan {
    secure_account_core::plan(s, &baseline())
}

/// Runs the whole flow (read → plan → apply → read → evaluate) on `sim`, returning the
/// plan and the report.
fn plan_and_apply(sim: &Simulator, seed: u64) -> (Plan, secure_account_engine::ApplyReport) {
    let options = secure_account_engine::ApplyOptions {
        seed,
        ..Default::default()
    };
    let (planned, report) = secure_account_tests::block_on(secure_account_engine::flow::converge(
        sim,
        &baseline(),
        &options,
    ))
    .expect("the flow runs on the simulator");
    (planned.plan, report)
}

fn assert_converged(sim: &Simulator, context: &str) -> Result<(), TestCaseError> {
    let again = plan(&read(sim));
    prop_assert!(
        again.actions.is_empty(),
        "{context}: the plan after apply is not empty:\n{}",
        render::plan_text(&again, false)
    );
    Ok(())
}

/// No setting of `after` is weaker than in `before`.
fn assert_not_weaker(before: &Snapshot, after: &Snapshot) -> Result<(), TestCaseError> {
    if let (Some(Some(b)), Some(Some(a))) = (
        before.global.password_policy.known(),
        after.global.password_policy.known(),
    ) {
        let PasswordPolicy {
            minimum_password_length,
            require_symbols,
            require_numbers,
            require_uppercase_characters,
            require_lowercase_characters,
            max_password_age,
            password_reuse_prevention,
            hard_expiry,
            ..
        } = b;
        prop_assert!(a.minimum_password_length >= *minimum_password_length);
        prop_assert!(a.require_symbols >= *require_symbols);
        prop_assert!(a.require_numbers >= *require_numbers);
        prop_assert!(a.require_uppercase_characters >= *require_uppercase_characters);
        prop_assert!(a.require_lowercase_characters >= *require_lowercase_characters);
        prop_assert!(a.hard_expiry >= *hard_expiry);
        if let Some(age) = max_password_age {
            prop_assert!(
                a.max_password_age.is_some_and(|x| x <= *age),
                "max age weakened: {age} → {:?}",
                a.max_password_age
            );
        }
        if let Some(reuse) = password_reuse_prevention {
            prop_assert!(a.password_reuse_prevention.is_some_and(|x| x >= *reuse));
        }
    }
    if let (Some(Some(b)), Some(a)) = (
        before.global.account_public_access_block.known(),
        after.global.account_public_access_block.known(),
    ) {
        let a = a.unwrap_or_default();
        prop_assert_eq!(a.union(b), a, "account public access block weakened");
    }
    let after_buckets: Vec<&Bucket> = after.global.buckets.known().into_iter().flatten().collect();
    for b in before.global.buckets.known().into_iter().flatten() {
        if let Some(a) = after_buckets.iter().find(|x| x.name == b.name) {
            if let Some(bp) = b.public_access_block {
                let ap = a.public_access_block.unwrap_or_default();
                prop_assert_eq!(
                    ap.union(&bp),
                    ap,
                    "bucket {} public access block weakened",
                    b.name
                );
            }
            if b.encryption.is_some() {
                prop_assert_eq!(
                    &a.encryption,
                    &b.encryption,
                    "bucket {} encryption changed",
                    b.name
                );
            }
            if b.versioning == Some(VersioningStatus::Enabled) {
                prop_assert_eq!(a.versioning, Some(VersioningStatus::Enabled));
            }
            // The customer's lifecycle rules and policy statements survive.
            for id in b.lifecycle_rules.keys() {
                prop_assert!(
                    a.lifecycle_rules.contains_key(id),
                    "lifecycle rule {id} of {} lost",
                    b.name
                );
            }
            if let Some(policy) = &b.policy {
                let before_doc: serde_json::Value = serde_json::from_str(policy).unwrap();
                let after_doc: serde_json::Value =
                    serde_json::from_str(a.policy.as_deref().unwrap_or("{}")).unwrap();
                for st in secure_account_core::policy::statements(&before_doc) {
                    if st
                        .get("Sid")
                        .and_then(|s| s.as_str())
                        .is_some_and(|s| s.starts_with("SecureAccount"))
                    {
                        continue;
                    }
                    prop_assert!(
                        secure_account_core::policy::statements(&after_doc).contains(&st),
                        "statement lost from the policy of {}",
                        b.name
                    );
                }
            }
        }
    }
    for (region, rb) in &before.regions {
        let Some(ra) = after.regions.get(region) else {
            continue;
        };
        let (sb, sa) = (&rb.services, &ra.services);
        if let (Some(Some(db)), Some(Some(da))) = (sb.guardduty.known(), sa.guardduty.known()) {
            prop_assert!(da.enabled >= db.enabled);
            for (f, on) in &db.features {
                if *on {
                    prop_assert_eq!(
                        da.features.get(f),
                        Some(&true),
                        "{}: detector feature {} turned off",
                        region,
                        f
                    );
                }
            }
        }
        if let (Some(eb), Some(ea)) = (sb.ebs.known(), sa.ebs.known()) {
            prop_assert!(ea.encryption_by_default >= eb.encryption_by_default);
        }
        if let (Some(bb), Some(ba)) = (
            sb.snapshot_block_public_access.known(),
            sa.snapshot_block_public_access.known(),
        ) {
            // unblocked < block-new-sharing < block-all-sharing
            let strength = |s: &str| match s {
                "block-all-sharing" => 2,
                "block-new-sharing" => 1,
                _ => 0,
            };
            prop_assert!(
                strength(&ba.state) >= strength(&bb.state),
                "{}: snapshot block public access weakened from {} to {}",
                region,
                bb.state,
                ba.state
            );
        }
        for wb in sb.athena_workgroups.known().into_iter().flatten() {
            if let Some(wa) = sa
                .athena_workgroups
                .known()
                .into_iter()
                .flatten()
                .find(|w| w.name == wb.name)
            {
                if wb.encryption_option.is_some() {
                    prop_assert_eq!(
                        &wa.encryption_option,
                        &wb.encryption_option,
                        "{}: workgroup encryption changed",
                        region
                    );
                }
                prop_assert!(
                    wa.publish_cloud_watch_metrics_enabled
                        >= wb.publish_cloud_watch_metrics_enabled
                );
            }
        }
        for tb in sb.trails.known().into_iter().flatten() {
            if let Some(ta) = sa
                .trails
                .known()
                .into_iter()
                .flatten()
                .find(|t| t.name == tb.name)
            {
                prop_assert_eq!(
                    &ta.s3_bucket_name,
                    &tb.s3_bucket_name,
                    "trail bucket changed"
                );
                if tb.kms_key_id.is_some() {
                    prop_assert_eq!(&ta.kms_key_id, &tb.kms_key_id, "trail key changed");
                }
                prop_assert!(
                    ta.data_events >= tb.data_events,
                    "trail data events dropped"
                );
                prop_assert!(ta.is_logging >= tb.is_logging);
            }
        }
    }
    Ok(())
}

/// The safety rules of SPEC §3 between the account before and after a run of `plan`.
/// Whether a default VPC holds something of the customer's besides its network interfaces:
/// a security group, route table or network ACL that is not the default, an endpoint, a
/// flow log.
fn holds_customer_resources(v: &secure_account_core::snapshot::Vpc) -> bool {
    v.security_groups.iter().any(|g| g.group_name != "default")
        || v.route_tables.iter().any(|t| !t.main)
        || v.network_acls.iter().any(|a| !a.is_default)
        || !v.endpoints.is_empty()
        || !v.flow_logs.is_empty()
}

/// `before` with the flow log `after` gained, when `before` had none (EC2.6): a VPC that
/// had one keeps exactly the ones it had, and none is ever removed.
fn with_added_flow_log(
    before: &secure_account_core::snapshot::Vpc,
    after: &secure_account_core::snapshot::Vpc,
) -> secure_account_core::snapshot::Vpc {
    let mut allowed = before.clone();
    if before.flow_logs.is_empty() && after.flow_logs.len() <= 1 {
        allowed.flow_logs = after.flow_logs.clone();
    }
    allowed
}

/// The group whose rules `op` revokes, if it revokes any.
fn revoked_group(op: &secure_account_core::Action) -> Option<&str> {
    use secure_account_core::Action;
    use secure_account_core::action::ec2;
    match op {
        Action::RevokeSecurityGroupIngress(ec2::RevokeSecurityGroupIngress {
            group_id, ..
        })
        | Action::RevokeSecurityGroupEgress(ec2::RevokeSecurityGroupEgress { group_id, .. }) => {
            Some(group_id)
        }
        _ => None,
    }
}

/// `before` with the changes issue 20's fixes may make to a kept default VPC taken from
/// `after`: the default group loses its inbound or outbound rules only when no interface
/// may use it; a subnet stops mapping public addresses only when no interface that may be
/// in it may have one. Anything else `after` changed stays as `before` had it.
fn allowed_fixes(
    before: &secure_account_core::snapshot::Vpc,
    after: &secure_account_core::snapshot::Vpc,
) -> secure_account_core::snapshot::Vpc {
    let mut allowed = with_added_flow_log(before, after);
    for g in &mut allowed.security_groups {
        let unused = !before
            .network_interfaces
            .iter()
            .any(|e| e.may_use_group(&g.group_id));
        let Some(now) = after
            .security_groups
            .iter()
            .find(|x| x.group_id == g.group_id)
        else {
            continue;
        };
        if g.group_name == "default" && unused {
            if now.ingress.is_empty() {
                g.ingress.clear();
            }
            if now.egress.is_empty() {
                g.egress.clear();
            }
        }
    }
    for sn in &mut allowed.subnets {
        let public = before
            .network_interfaces
            .iter()
            .any(|e| e.may_be_in_subnet(&sn.subnet_id) && e.may_have_public_ip());
        let now = after.subnets.iter().find(|x| x.subnet_id == sn.subnet_id);
        if !public && now.is_some_and(|x| !x.map_public_ip_on_launch) {
            sn.map_public_ip_on_launch = false;
        }
    }
    allowed
}

fn assert_safe(before: &Snapshot, after: &Snapshot, plan: &Plan) -> Result<(), TestCaseError> {
    // A bucket that was public (through its policy or its ACL) is still public.
    for b in before.global.buckets.known().into_iter().flatten() {
        if planner::bucket_is_public(b) {
            prop_assert!(
                after.bucket(&b.name).is_some_and(planner::bucket_is_public),
                "{} was made private",
                b.name
            );
        }
    }
    // Nothing disappears that the plan did not plan to delete.
    let planned: Vec<String> = plan
        .actions
        .iter()
        .filter(|a| a.destructive)
        .map(|a| serde_json::to_string(&a.op).unwrap())
        .collect();
    let after_ids = resource_ids(after);
    for (id, owner) in resource_ids(before) {
        if after_ids.contains_key(&id) {
            continue;
        }
        let raw = id.rsplit(':').next().unwrap();
        let named = |x: &str| planned.iter().any(|p| p.contains(x));
        prop_assert!(
            named(raw) || owner.as_deref().is_some_and(named),
            "{id} disappeared but no destructive action of the plan names it or its VPC"
        );
    }
    for (region, rb) in &before.regions {
        let vpcs_after = after
            .regions
            .get(region)
            .and_then(|r| r.services.vpcs.known());
        for vb in rb.services.vpcs.known().into_iter().flatten() {
            let va = vpcs_after.and_then(|v| v.iter().find(|x| x.vpc_id == vb.vpc_id));
            if !vb.is_default {
                // Non-default VPCs are never touched, but for a flow log where none was
                // (EC2.6: it changes no traffic).
                let allowed = va.map(|va| with_added_flow_log(vb, va));
                prop_assert_eq!(
                    va,
                    allowed.as_ref(),
                    "{}: non-default VPC {} changed",
                    region,
                    &vb.vpc_id
                );
            } else if !vb.network_interfaces.is_empty() || holds_customer_resources(vb) {
                // A default VPC with network interfaces, or holding anything besides its
                // defaults, is kept whole, but for issue 20's fixes of what nothing uses:
                // the rules of its default group when no interface may use it, and the
                // public addresses of a subnet where no interface may have one.
                let allowed = va.map(|va| allowed_fixes(vb, va));
                prop_assert_eq!(
                    va,
                    allowed.as_ref(),
                    "{}: default VPC {} in use or holding customer resources changed",
                    region,
                    &vb.vpc_id
                );
            }
        }
    }
    // Destructive actions only ever target default VPCs the snapshot showed empty, or the
    // default group of a default VPC that no interface may use.
    for a in plan.actions.iter().filter(|a| a.destructive) {
        if let Some(group_id) = revoked_group(&a.op) {
            let vpcs = before.regions[a.region.as_str()]
                .services
                .vpcs
                .known()
                .expect("planned from a known list");
            let vpc = vpcs
                .iter()
                .find(|v| v.security_groups.iter().any(|g| g.group_id == group_id));
            prop_assert!(
                vpc.is_some_and(|v| {
                    v.is_default
                        && v.security_groups
                            .iter()
                            .any(|g| g.group_id == group_id && g.group_name == "default")
                        && !v
                            .network_interfaces
                            .iter()
                            .any(|e| e.may_use_group(group_id))
                }),
                "{} revokes rules of a group that is not an unused default group",
                a.id
            );
            continue;
        }
        let vpcs = before.regions[a.region.as_str()]
            .services
            .vpcs
            .known()
            .expect("planned from a known list");
        let text = serde_json::to_string(&a.op).unwrap();
        let owner = vpcs.iter().find(|v| {
            text.contains(&v.vpc_id)
                || v.subnets.iter().any(|s| text.contains(&s.subnet_id))
                || v.internet_gateways.iter().any(|g| text.contains(g))
        });
        let owner = owner.unwrap_or_else(|| {
            panic!(
                "destructive action {} targets nothing the snapshot shows",
                a.id
            )
        });
        prop_assert!(
            owner.is_default && owner.network_interfaces.is_empty(),
            "{} targets VPC {}",
            a.id,
            owner.vpc_id
        );
    }
    assert_not_weaker(before, after)
}

fn converges_and_is_idempotent(
    spec: &AccountSpec,
    faults: FaultPlan,
    seed: u64,
) -> Result<(), TestCaseError> {
    let before = spec.snapshot();
    let sim = Simulator::from_snapshot(before.clone()).with_faults(faults);
    let (p, report) = plan_and_apply(&sim, seed);
    prop_assert_eq!(
        report.actions_failed,
        0,
        "failures: {:?}",
        report.with_status(ActionStatus::Failed).collect::<Vec<_>>()
    );
    prop_assert_eq!(report.actions_not_run, 0);
    prop_assert_eq!(report.actions_applied as usize, p.actions.len());
    assert_converged(&sim, "after one apply")?;
    let writes = sim.write_log().len();
    let (second, report2) = plan_and_apply(&sim, seed);
    prop_assert!(second.actions.is_empty());
    prop_assert_eq!(report2.api_calls.write, 0);
    prop_assert_eq!(sim.write_log().len(), writes, "the second apply wrote");
    assert_safe(&before, &sim.account(), &p)
}

/// Runs `body` as a property of `cases` cases, counting them, then marks it finished.
fn property<S: Strategy>(
    cases: u32,
    strategy: S,
    body: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = proptest::test_runner::TestRunner::new(config(cases));
    let result = runner.run(&strategy, |v| {
        case();
        body(v)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    finished();
}

/// The same snapshot and baseline always give the same plan, also through JSON.
#[test]
fn plans_are_deterministic() {
    property(3_000, account_spec(), |spec| {
        let s = spec.snapshot();
        let p1 = render::plan_json(&plan(&s));
        let p2 = render::plan_json(&plan(&s));
        prop_assert_eq!(&p1, &p2);
        let through_json: Snapshot =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(&p1, &render::plan_json(&plan(&through_json)));
        Ok(())
    });
}

/// After an apply with finite transient faults, a new plan is empty, a second apply
/// writes nothing, and nothing unsafe happened.
#[test]
fn apply_converges_and_is_idempotent() {
    property(
        1_200,
        (account_spec(), transient_faults(), any::<u64>()),
        |(spec, faults, seed)| converges_and_is_idempotent(&spec, faults, seed),
    );
}

/// A baseline other than the default: the seed's (`seed-2024-08`) or the default's, with
/// features switched off or on (each bit of `switches` flips one), always homed where the
/// generated account is.
fn baseline_variant(seed_baseline: bool, switches: u16) -> Baseline {
    let mut b = if seed_baseline {
        Baseline::built_in("seed-2024-08").expect("built in")
    } else {
        baseline()
    };
    b.home_region = secure_account_tests::accounts::HOME.into();
    let f = &mut b.features;
    let flips: [&mut bool; 12] = [
        &mut f.finding_aggregator,
        &mut f.delete_default_vpcs,
        &mut f.vpc_block_public_access,
        &mut f.s3_account_public_access_block,
        &mut f.macie,
        &mut f.macie_automated_discovery,
        &mut f.inspector,
        &mut f.inspector_lambda_code,
        &mut f.guardduty_runtime_monitoring,
        &mut f.access_analyzer,
        &mut f.athena,
        &mut f.ssm,
    ];
    for (i, flag) in flips.into_iter().enumerate() {
        if switches & (1 << i) != 0 {
            *flag = !*flag;
        }
    }
    b
}

/// Under the seed's baseline and under baselines with features switched, an apply is as
/// safe as under the default one, converges, and a second apply writes nothing.
#[test]
fn every_baseline_is_safe_and_converges() {
    property(
        400,
        (account_spec(), any::<bool>(), any::<u16>(), any::<u64>()),
        |(spec, seed_baseline, switches, seed)| {
            let b = baseline_variant(seed_baseline, switches);
            let before = spec.snapshot();
            // A combination the baseline refuses (a feature that needs another) is not a
            // baseline anyone can apply.
            prop_assume!(flow::validate(&b, &before).is_ok());
            let sim = Simulator::from_snapshot(before.clone());
            let options = secure_account_engine::ApplyOptions {
                seed,
                ..Default::default()
            };
            let (planned, report) =
                secure_account_tests::block_on(flow::converge(&sim, &b, &options))
                    .expect("the flow runs on the simulator");
            prop_assert_eq!(
                report.actions_failed,
                0,
                "failures: {:?}",
                report.with_status(ActionStatus::Failed).collect::<Vec<_>>()
            );
            let again = secure_account_core::plan(&read(&sim), &b);
            prop_assert!(
                again.actions.is_empty(),
                "the plan after apply is not empty:\n{}",
                render::plan_text(&again, false)
            );
            let writes = sim.write_log().len();
            let (_, second) = secure_account_tests::block_on(flow::converge(&sim, &b, &options))
                .expect("the flow runs on the simulator");
            prop_assert_eq!(second.api_calls.write, 0);
            prop_assert_eq!(sim.write_log().len(), writes);
            assert_safe(&before, &sim.account(), &planned.plan)
        },
    );
}

/// Without faults, the predicted score is the score the account ends with.
#[test]
fn prediction_is_what_happens() {
    property(1_000, account_spec(), |spec| {
        let before = spec.snapshot();
        let sim = Simulator::from_snapshot(before);
        let (p, report) = plan_and_apply(&sim, 0);
        prop_assert!(
            report.succeeded(),
            "{:?}",
            report.with_status(ActionStatus::Failed).collect::<Vec<_>>()
        );
        let after = read(&sim);
        let scope = planner::scope(&after, &baseline());
        let score = evaluate(&after, Catalog::builtin(), &scope).score;
        prop_assert_eq!(score, p.score_predicted);
        Ok(())
    });
}

/// Under any faults (denied actions, throttling, lag, a crash): the safety rules hold,
/// every failed action carries its AWS error, and a re-run without faults converges.
#[test]
fn any_faults_are_safe_and_a_rerun_converges() {
    property(
        1_200,
        (account_spec(), any_faults(), any::<u64>()),
        |(spec, faults, seed)| {
            let before = spec.snapshot();
            let sim = Simulator::from_snapshot(before.clone()).with_faults(faults);
            // Reading can fail as a whole (the preamble throttled past its retries): then
            // the run stops before planning, having written nothing.
            match secure_account_tests::block_on(secure_account_engine::flow::read(&sim)) {
                Err(_) => prop_assert!(sim.write_log().is_empty(), "wrote without a snapshot"),
                Ok(first) => {
                    let p = plan(&first);
                    let report = apply(&sim, &p, seed);
                    for r in report.with_status(ActionStatus::Failed) {
                        let e = r.error.as_ref();
                        prop_assert!(
                            e.is_some_and(|e| !e.code.is_empty() && !e.message.is_empty()),
                            "{} failed without its AWS error",
                            r.id
                        );
                    }
                    assert_safe(&before, &sim.account(), &p)?;
                }
            }
            // The operator fixes the cause (no more faults) and runs again from the saved
            // state.
            let mid = sim.account();
            let resumed =
                Simulator::from_state_json(&sim.to_state_json()).expect("state round-trips");
            let (p2, report2) = plan_and_apply(&resumed, seed);
            prop_assert!(
                report2.succeeded(),
                "re-run failed: {:?}",
                report2
                    .with_status(ActionStatus::Failed)
                    .collect::<Vec<_>>()
            );
            assert_safe(&mid, &resumed.account(), &p2)?;
            assert_converged(&resumed, "after the re-run")
        },
    );
}

/// SPEC §3 "Desired state, every time" (issue 18): after any apply under any faults
/// (denied actions, throttling, lag, a crash), either the account meets every setting the
/// baseline promises, as the independent reader of `promises` sees the simulated state, or
/// the next plan is not empty; and once a clean re-run has converged, every promise is met.
/// The property "after apply the plan is empty" alone proves nothing when the planner plans
/// a setting only while it creates the resource.
#[test]
fn after_any_apply_the_baseline_is_met_or_planned() {
    property(
        800,
        (account_spec(), any_faults(), any::<u64>()),
        |(spec, faults, seed)| {
            let sim = Simulator::from_snapshot(spec.snapshot()).with_faults(faults);
            if let Ok(first) =
                secure_account_tests::block_on(secure_account_engine::flow::read(&sim))
            {
                apply(&sim, &plan(&first), seed);
            }
            let after = sim.account();
            let unmet = promises::unmet(&after, &baseline());
            let next = plan(&after);
            prop_assert!(
                unmet.is_empty() || !next.actions.is_empty(),
                "the baseline is not met and the next plan is empty: {unmet:#?}"
            );
            // The operator fixes the cause (no more faults) and runs again from the saved
            // state.
            let resumed =
                Simulator::from_state_json(&sim.to_state_json()).expect("state round-trips");
            let (_, report) = plan_and_apply(&resumed, seed);
            prop_assert!(
                report.succeeded(),
                "re-run failed: {:?}",
                report.with_status(ActionStatus::Failed).collect::<Vec<_>>()
            );
            let unmet = promises::unmet(&resumed.account(), &baseline());
            prop_assert!(
                unmet.is_empty(),
                "converged, yet the baseline is not met: {unmet:#?}"
            );
            Ok(())
        },
    );
}

/// A crash after any number of writes within the plan's length, then a re-run, converges.
/// The crash point is drawn as a fraction of the plan, so every case crashes (drawn from a
/// fixed range, most cases used to crash after the plan had ended).
#[test]
fn crash_at_any_point_then_rerun_converges() {
    property(
        1_000,
        (account_spec(), 0.0f64..1.0, any::<u64>()),
        |(spec, at, seed)| {
            let before = spec.snapshot();
            let length = plan(&before).actions.len() as u64;
            prop_assume!(length > 0);
            let crash_after = 1 + ((at * length as f64) as u64).min(length - 1);
            let faults = FaultPlan {
                crash_after_writes: Some(crash_after),
                ..FaultPlan::seeded(seed)
            };
            let sim = Simulator::from_snapshot(before.clone()).with_faults(faults);
            let (p, report) = plan_and_apply(&sim, seed);
            prop_assert!(
                report.interrupted,
                "crash after {crash_after} of {length} writes"
            );
            let resumed =
                Simulator::from_state_json(&sim.to_state_json()).expect("state round-trips");
            let (_, report2) = plan_and_apply(&resumed, seed);
            prop_assert!(report2.succeeded());
            assert_converged(&resumed, "after a crash and a re-run")?;
            assert_safe(&before, &resumed.account(), &p)
        },
    );
}

/// Any part of the account unreadable (drawn from the `Part` enum, account-wide or in one
/// region): the score is incomplete and names the part, and no minimum score is met
/// unless incomplete scores are allowed.
#[test]
fn an_incomplete_read_never_meets_a_min_score() {
    property(
        2_000,
        (account_spec(), denied_part(), 0.0f64..=100.0),
        |(spec, (region_index, part), min)| {
            let mut s = spec.snapshot();
            let scope = if part.reach() == secure_account_core::part::Reach::Account {
                Scope::Account
            } else {
                let regions: Vec<String> = s.enabled_regions().map(|(r, _)| r.clone()).collect();
                Scope::Region(regions[region_index % regions.len()].clone())
            };
            s.set_unreadable(&scope, part, AwsError::new("AccessDenied", "denied"))
                .unwrap();
            let eval_scope = planner::scope(&s, &baseline());
            let score = evaluate(&s, Catalog::builtin(), &eval_scope).score;
            prop_assert!(score.incomplete);
            let name = format!("{scope}/{part}");
            prop_assert!(
                score.unread_parts.contains(&name),
                "{:?}",
                score.unread_parts
            );
            prop_assert!(!secure_account_core::verify::meets_min_score(
                &score, min, false
            ));
            // The plan's scores are incomplete too: it cannot promise a score it did not
            // measure.
            let p = plan(&s);
            prop_assert!(p.score_now.incomplete && p.score_predicted.incomplete);
            Ok(())
        },
    );
}

/// A saved plan with one action's parameters changed is refused, names the action, and
/// changes nothing.
#[test]
fn a_tampered_saved_plan_is_refused_and_changes_nothing() {
    property(
        600,
        (account_spec(), any::<prop::sample::Index>(), any::<u32>()),
        |(spec, index, salt)| {
            let sim = Simulator::from_snapshot(spec.snapshot());
            let saved = plan(&read(&sim));
            prop_assume!(!saved.actions.is_empty());
            let mut tampered = saved.clone();
            let i = index.index(tampered.actions.len());
            let mut value = serde_json::to_value(&tampered.actions[i]).unwrap();
            let params = value["params"].as_object_mut().unwrap();
            let key = params.keys().next().cloned();
            match key {
                Some(k) => params[&k] = serde_json::json!(format!("tampered-{salt}")),
                None => {
                    params.insert("extra".into(), serde_json::json!(salt));
                }
            }
            match serde_json::from_value(value) {
                Ok(action) => tampered.actions[i] = action,
                // A change the plan format itself rejects never reaches the flow.
                Err(_) => return Ok(()),
            }
            prop_assume!(tampered.actions[i] != saved.actions[i]);
            let result = secure_account_tests::block_on(flow::read_for_saved_plan(
                &sim,
                tampered,
                &baseline(),
            ));
            let refused = matches!(result, Err(flow::FlowError::NotThePlan { .. }));
            prop_assert!(
                refused,
                "a tampered plan was accepted: {:?}",
                result.map(|_| ())
            );
            prop_assert!(sim.write_log().is_empty());
            // The untouched plan is accepted.
            prop_assert!(
                secure_account_tests::block_on(flow::read_for_saved_plan(&sim, saved, &baseline()))
                    .is_ok()
            );
            Ok(())
        },
    );
}

/// Any part denied (through the `Part` enum, account-wide or in one region): no planned
/// action is one whose planning reads that part there (`ActionKind::facts().reads`:
/// account-wide parts wherever the action runs, regional parts in its region).
#[test]
fn no_planned_action_depends_on_an_unreadable_part() {
    property(
        600,
        (account_spec(), customer_names(), denied_part()),
        |(spec, names, (region_index, part))| {
            let mut s = spec.snapshot();
            names.add_to(&mut s);
            let scope = if part.reach() == secure_account_core::part::Reach::Account {
                Scope::Account
            } else {
                let regions: Vec<String> = s.enabled_regions().map(|(r, _)| r.clone()).collect();
                Scope::Region(regions[region_index % regions.len()].clone())
            };
            s.set_unreadable(&scope, part, AwsError::new("AccessDenied", "denied"))
                .unwrap();
            for a in &plan(&s).actions {
                let reads = a.op.kind().facts().reads;
                let blind = reads.contains(&part) && (scope == Scope::Account || scope == a.region);
                prop_assert!(!blind, "{} planned with {scope}/{part} unreadable", a.id);
            }
            Ok(())
        },
    );
}

/// Resources under the tool's names that the customer owns (untagged, serving nothing of
/// the tool's): a public bucket (through its ACL) named like the log bucket or the
/// access-log bucket, a role under the delivery role's name trusting another service, a
/// log group under the trail's group name without retention.
#[derive(Debug, Clone)]
struct CustomerNames {
    log_bucket: bool,
    access_bucket: bool,
    role: bool,
    log_group: bool,
}

fn customer_names() -> impl Strategy<Value = CustomerNames> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(log_bucket, access_bucket, role, log_group)| CustomerNames {
            log_bucket,
            access_bucket,
            role,
            log_group,
        },
    )
}

impl CustomerNames {
    fn add_to(&self, s: &mut Snapshot) {
        let account = s.account_id.clone();
        let names = &baseline().names;
        let fill = |t: &str| secure_account_core::baseline::Names::fill(t, &account);
        let public = |name: String| Bucket {
            name,
            region: "us-east-1".into(),
            object_ownership: Some("ObjectWriter".into()),
            public_acl: true,
            ..Bucket::default()
        };
        if let Some(buckets) = s.global.buckets.known_mut() {
            for (on, name) in [
                (self.log_bucket, fill(&names.log_bucket)),
                (self.access_bucket, fill(&names.access_log_bucket)),
            ] {
                if on && !buckets.iter().any(|b| b.name == name) {
                    buckets.push(public(name));
                }
            }
        }
        let role = fill(&names.trail_logs_role);
        if self.role
            && let Some(roles) = s.global.roles.known_mut()
            && !roles.iter().any(|r| r.name == role)
        {
            let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
            roles.push(secure_account_core::snapshot::IamRole {
                arn: format!("arn:aws:iam::{account}:role/{role}"),
                name: role,
                path: "/".into(),
                trusted_services: ["ec2.amazonaws.com".to_string()].into(),
                inline_policies: Default::default(),
                assume_role_policy_document: doc.into(),
                tags: Default::default(),
            });
        }
        let group = fill(&names.trail_log_group);
        if self.log_group
            && let Some(r) = s.regions.get_mut("us-east-1")
            && let Some(groups) = r.services.log_groups.known_mut()
            && !groups.iter().any(|g| g.name == group)
        {
            groups.push(secure_account_core::snapshot::LogGroup {
                name: group,
                retention_in_days: None,
                tags: Default::default(),
            });
        }
    }
}

/// With customer resources under the tool's names: after the apply, every bucket that was
/// public is still public, a bucket the tool did not create gains no expiring lifecycle
/// rule, the customer's log group gains no retention and the customer's role keeps its
/// trust and gains no policy.
#[test]
fn a_public_bucket_stays_public_and_a_customer_bucket_never_gains_expiration() {
    property(
        250,
        (account_spec(), customer_names(), any::<u64>()),
        |(spec, names, seed)| {
            let mut s = spec.snapshot();
            names.add_to(&mut s);
            let sim = Simulator::from_snapshot(s);
            let before = sim.account();
            plan_and_apply(&sim, seed);
            let after = sim.account();
            let tagged = |b: &Bucket| {
                b.tags.get(planner::MANAGED_TAG.0).map(String::as_str)
                    == Some(planner::MANAGED_TAG.1)
            };
            let expires = |b: &Bucket| b.lifecycle_rules.values().any(|r| r.contains("Expiration"));
            for b in before.global.buckets.known().into_iter().flatten() {
                let a = after.bucket(&b.name).expect("no bucket is deleted");
                if planner::bucket_is_public(b) {
                    prop_assert!(planner::bucket_is_public(a), "{} was made private", b.name);
                    prop_assert_eq!(&a.object_ownership, &b.object_ownership);
                }
                if !tagged(b) && !expires(b) {
                    prop_assert!(!expires(a), "{} gained expiration", b.name);
                }
            }
            let group = secure_account_core::baseline::Names::fill(
                &baseline().names.trail_log_group,
                &before.account_id,
            );
            if names.log_group {
                let g = after.regions["us-east-1"]
                    .services
                    .log_groups
                    .known()
                    .unwrap();
                let g = g.iter().find(|g| g.name == group).unwrap();
                prop_assert_eq!(g.retention_in_days, None);
            }
            let role = secure_account_core::baseline::Names::fill(
                &baseline().names.trail_logs_role,
                &before.account_id,
            );
            let find = |s: &Snapshot| {
                s.global
                    .roles
                    .known()
                    .and_then(|rs| rs.iter().find(|r| r.name == role).cloned())
            };
            if names.role {
                prop_assert_eq!(find(&before), find(&after), "the customer's role changed");
            }
            Ok(())
        },
    );
}

/// Issue 20, the abort-incomplete-uploads fix on the customer's buckets (S3.13): after
/// the apply, a bucket that is neither the tool's (tagged) nor under one of the baseline's
/// names keeps its access exactly (public access block, ACL, ownership, policy: a public
/// bucket keeps serving) and its logging; a bucket that had lifecycle rules has exactly
/// the same rules (a configuration put replaces them all, so it is never put there); one
/// that had none has at most the one rule that aborts incomplete uploads and deletes no
/// object. With the switch off, no customer bucket changes at all.
#[test]
fn the_lifecycle_fix_never_changes_what_a_customer_bucket_serves_or_its_rules() {
    property(
        150,
        (
            account_spec(),
            customer_names(),
            any::<u64>(),
            any::<bool>(),
            any::<bool>(),
        ),
        |(spec, names, seed, switch, with_rule)| {
            let mut s = spec.snapshot();
            names.add_to(&mut s);
            // Some customer buckets have a rule of their own, even a disabled one.
            if with_rule && let Some(buckets) = s.global.buckets.known_mut() {
                for b in buckets.iter_mut().filter(|b| b.name.starts_with("acme-")) {
                    b.lifecycle_rules.insert(
                        "to-glacier".into(),
                        r#"{"ID":"to-glacier","Status":"Disabled","Filter":{},"Transitions":[{"Days":30,"StorageClass":"GLACIER"}]}"#.into(),
                    );
                }
            }
            let sim = Simulator::from_snapshot(s);
            let before = sim.account();
            let mut b = baseline();
            b.features.abort_incomplete_uploads_on_customer_buckets = switch;
            let plan = secure_account_core::plan(&read(&sim), &b);
            let report = apply(&sim, &plan, seed);
            prop_assert!(report.succeeded());
            let after = sim.account();
            let fill = |t: &str| secure_account_core::baseline::Names::fill(t, &before.account_id);
            let own = [fill(&b.names.log_bucket), fill(&b.names.access_log_bucket)];
            for was in before.global.buckets.known().into_iter().flatten() {
                if own.contains(&was.name)
                    || was.tags.get(planner::MANAGED_TAG.0).map(String::as_str)
                        == Some(planner::MANAGED_TAG.1)
                {
                    continue;
                }
                let now = after.bucket(&was.name).expect("no bucket is deleted");
                prop_assert_eq!(now.public_access_block, was.public_access_block);
                prop_assert_eq!(now.public_acl, was.public_acl);
                prop_assert_eq!(&now.object_ownership, &was.object_ownership);
                prop_assert_eq!(&now.policy, &was.policy);
                // S3.9: a bucket that logged nowhere may log into the access-log bucket of
                // its region; a target it had is kept.
                let access = fill(&b.names.access_log_bucket);
                if was.logging_target.is_some()
                    || now.region
                        != after
                            .bucket(&access)
                            .map_or(String::new(), |a| a.region.clone())
                {
                    prop_assert_eq!(&now.logging_target, &was.logging_target);
                } else {
                    prop_assert!(
                        now.logging_target.is_none()
                            || now.logging_target.as_deref() == Some(access.as_str()),
                        "{} logs into {:?}",
                        was.name,
                        now.logging_target
                    );
                }
                prop_assert_eq!(
                    planner::bucket_is_public(now),
                    planner::bucket_is_public(was)
                );
                if !was.lifecycle_rules.is_empty() || !switch {
                    prop_assert_eq!(&now.lifecycle_rules, &was.lifecycle_rules, "{}", was.name);
                } else {
                    prop_assert!(now.lifecycle_rules.len() <= 1, "{}", was.name);
                    for rule in now.lifecycle_rules.values() {
                        let rule: serde_json::Value = serde_json::from_str(rule).unwrap();
                        let keys: Vec<&str> = rule
                            .as_object()
                            .unwrap()
                            .keys()
                            .map(String::as_str)
                            .collect();
                        prop_assert!(
                            keys.iter().all(|k| {
                                ["ID", "Status", "Filter", "AbortIncompleteMultipartUpload"]
                                    .contains(k)
                            }),
                            "{} gained a rule that does more than abort uploads: {rule}",
                            was.name
                        );
                    }
                }
            }
            Ok(())
        },
    );
}

/// One network interface of a default VPC: its subnet (0: not known, else one of the
/// VPC's), its groups (0: not known, 1: none, 2: the default group, 3: another group), its
/// public address (0: not known, 1: none, 2: one).
fn eni_spec() -> impl Strategy<Value = (usize, u8, u8)> {
    (0usize..4, 0u8..4, 0u8..3)
}

/// Issue 20, the fixes on kept default VPCs (EC2.2, EC2.15), over generated lived-in
/// states whose interfaces use the default group or not, sit in some subnet or an unknown
/// one, have a public address or not (or not known), with default subnets marked or not:
/// after the apply no interface changed; a group some interface may use, any group not
/// named `default`, and every group with the switch off keep their rules exactly; a subnet
/// where some interface may have a public address, a subnet that is not a default one,
/// and every subnet with the switch off keep mapping as they did. With a switch on, what
/// nothing uses is fixed: the unused default group has no rule left, the subnet no longer
/// maps public addresses.
#[test]
fn the_default_vpc_fixes_never_change_what_an_interface_uses() {
    use secure_account_core::snapshot::NetworkInterface;
    property(
        150,
        (
            account_spec(),
            proptest::collection::vec(eni_spec(), 0..4),
            proptest::collection::vec(0u8..3, 6),
            (any::<bool>(), any::<bool>()),
            any::<u64>(),
        ),
        |(spec, enis, default_for_az, (close_groups, no_public_ips), seed)| {
            let mut s = spec.snapshot();
            for (n, r) in s.regions.values_mut().enumerate() {
                let Some(vpcs) = r.services.vpcs.known_mut() else {
                    continue;
                };
                let Some(v) = vpcs.iter_mut().find(|v| v.is_default) else {
                    continue;
                };
                let default_group = v
                    .security_groups
                    .iter()
                    .find(|g| g.group_name == "default")
                    .map(|g| g.group_id.clone())
                    .unwrap_or_default();
                let subnets: Vec<String> = v.subnets.iter().map(|x| x.subnet_id.clone()).collect();
                v.network_interfaces = enis
                    .iter()
                    .enumerate()
                    .map(|(i, (subnet, groups, ip))| NetworkInterface {
                        network_interface_id: format!("eni-0f{n:04x}{i:011x}"),
                        description: "Primary network interface".into(),
                        subnet_id: match subnet {
                            0 => None,
                            k => subnets.get((k - 1) % subnets.len().max(1)).cloned(),
                        },
                        security_groups: match groups {
                            0 => None,
                            1 => Some(vec![]),
                            2 => Some(vec![default_group.clone()]),
                            _ => Some(vec!["sg-0f0000000000000ff".into()]),
                        },
                        has_public_ip: match ip {
                            0 => None,
                            1 => Some(false),
                            _ => Some(true),
                        },
                    })
                    .collect();
                for (sn, d) in v.subnets.iter_mut().zip(&default_for_az) {
                    sn.default_for_az = match d {
                        0 => None,
                        1 => Some(false),
                        _ => Some(true),
                    };
                }
            }
            let sim = Simulator::from_snapshot(s);
            let before = sim.account();
            let mut b = baseline();
            b.features.close_unused_default_security_groups = close_groups;
            b.features.no_auto_public_ip_on_default_subnets = no_public_ips;
            let plan = secure_account_core::plan(&read(&sim), &b);
            let report = apply(&sim, &plan, seed);
            prop_assert!(report.succeeded());
            let after = sim.account();
            assert_safe(&before, &after, &plan)?;
            for (region, rb) in &before.regions {
                let Some(vpcs_after) = after.regions[region].services.vpcs.known() else {
                    continue;
                };
                for vb in rb.services.vpcs.known().into_iter().flatten() {
                    let Some(va) = vpcs_after.iter().find(|v| v.vpc_id == vb.vpc_id) else {
                        continue;
                    };
                    prop_assert_eq!(&va.network_interfaces, &vb.network_interfaces);
                    for g in &vb.security_groups {
                        let now = va
                            .security_groups
                            .iter()
                            .find(|x| x.group_id == g.group_id)
                            .expect("no group is deleted");
                        let used = vb
                            .network_interfaces
                            .iter()
                            .any(|e| e.may_use_group(&g.group_id));
                        if !vb.is_default || g.group_name != "default" || used || !close_groups {
                            prop_assert_eq!(now, g, "{}: {} changed", region, &g.group_id);
                        } else {
                            prop_assert!(
                                now.ingress.is_empty() && now.egress.is_empty(),
                                "{}: unused default group {} still has rules",
                                region,
                                &g.group_id
                            );
                        }
                    }
                    for sn in &vb.subnets {
                        let now = va
                            .subnets
                            .iter()
                            .find(|x| x.subnet_id == sn.subnet_id)
                            .expect("a kept VPC keeps its subnets");
                        let public = vb
                            .network_interfaces
                            .iter()
                            .any(|e| e.may_be_in_subnet(&sn.subnet_id) && e.may_have_public_ip());
                        if !vb.is_default
                            || public
                            || sn.default_for_az == Some(false)
                            || !no_public_ips
                        {
                            prop_assert_eq!(now, sn, "{}: {} changed", region, &sn.subnet_id);
                        } else {
                            prop_assert!(
                                !now.map_public_ip_on_launch,
                                "{}: {} still maps public addresses",
                                region,
                                &sn.subnet_id
                            );
                        }
                    }
                }
            }
            Ok(())
        },
    );
}

/// A part to deny: an index into the enabled regions and any `Part`.
fn denied_part() -> impl Strategy<Value = (usize, Part)> {
    let parts: Vec<Part> = Part::ACCOUNT
        .iter()
        .chain(Part::REGIONAL.iter())
        .copied()
        .collect();
    (0usize..8, proptest::sample::select(parts))
}

/// The baseline under a property-generated account: a regression anchor that the
/// generator itself produces valid accounts the simulator accepts.
#[test]
fn generated_accounts_round_trip_through_the_simulator() {
    let spec_snapshot = |spec: &AccountSpec| spec.snapshot();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..16 {
        let spec = account_spec().new_tree(&mut runner).unwrap().current();
        let s = spec_snapshot(&spec);
        let sim = Simulator::from_snapshot(s.clone());
        assert_eq!(read(&sim), s, "the simulator reads back what it was given");
    }
}

// ---- Shrunk failures, kept as named regression tests ----

/// A minimal account for regression cases: the home region only, fresh.
fn minimal_spec() -> AccountSpec {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut spec = account_spec().new_tree(&mut runner).unwrap().current();
    spec.regions.truncate(1);
    let home = &mut spec.regions[0];
    home.enis_in_default_vpc = false;
    home.customer_sg_in_default_vpc = false;
    home.workload_vpc = false;
    home.detector = None;
    home.athena = (0, false);
    home.ebs_encryption = false;
    home.snapshot_bpa = 0;
    home.hub = None;
    home.recorder = None;
    home.analyzer = false;
    home.ssm_blocked = false;
    spec.password_policy = None;
    spec.account_pab = None;
    spec.public_bucket = false;
    spec.log_bucket = None;
    spec.trail = None;
    spec.root_mfa = 0;
    spec.users_without_mfa = 0;
    spec.slr_exists = false;
    spec
}

/// Shrunk from `apply_converges_and_is_idempotent`: an unencrypted single-region trail
/// while the home region's keys could not be read. The update must not point the trail at
/// a key the plan does not create (it got `KmsKeyNotFoundException`).
#[test]
fn adopted_trail_is_not_pointed_at_an_unplanned_key() {
    let mut spec = minimal_spec();
    spec.trail = Some((0, 0, false, false, false, false, false));
    let faults = FaultPlan {
        deny_reads: ["us-east-1/kms_keys".to_string()].into(),
        ..FaultPlan::default()
    };
    converges_and_is_idempotent(&spec, faults, 0).unwrap();
}

/// Shrunk from `any_faults_are_safe_and_a_rerun_converges`: reads throttled past their
/// retries make the whole snapshot fail; nothing may be written then, and a re-run converges.
#[test]
fn failed_snapshot_read_writes_nothing() {
    let spec = minimal_spec();
    let faults = FaultPlan {
        seed: 10774584488143693176,
        read_throttle_probability: 0.09786798370351646,
        max_throttles: 3,
        ..FaultPlan::default()
    };
    let sim = Simulator::from_snapshot(spec.snapshot()).with_faults(faults);
    assert!(
        secure_account_tests::block_on(secure_account_engine::read_snapshot(
            &sim,
            secure_account_engine::DEFAULT_READ_CONCURRENCY
        ))
        .is_err(),
        "this seed throttles the read preamble past its retries"
    );
    assert!(sim.write_log().is_empty());
    let resumed = Simulator::from_state_json(&sim.to_state_json()).unwrap();
    let (_, report) = plan_and_apply(&resumed, 0);
    assert!(report.succeeded());
    assert!(plan(&read(&resumed)).actions.is_empty());
}

/// Issue 18, case 1: `enable_key_rotation` and `put_retention_policy` denied once, then
/// applied again without the denial. Before, the trail existed by then and the planner no
/// longer looked at its key's rotation or its log group's retention: "Plan: 0 actions",
/// and the account kept a key that does not rotate and logs kept forever.
#[test]
fn a_denied_key_rotation_and_log_retention_are_planned_again() {
    let spec = minimal_spec();
    let faults = FaultPlan {
        deny_actions: ["enable_key_rotation", "put_retention_policy"]
            .map(str::to_string)
            .into(),
        ..FaultPlan::default()
    };
    let sim = Simulator::from_snapshot(spec.snapshot()).with_faults(faults);
    let (_, report) = plan_and_apply(&sim, 0);
    let failed: Vec<&str> = report
        .with_status(ActionStatus::Failed)
        .filter_map(|r| r.action.as_deref())
        .collect();
    assert_eq!(failed, ["enable_key_rotation", "put_retention_policy"]);
    let resumed = Simulator::from_state_json(&sim.to_state_json()).unwrap();
    let next = plan(&read(&resumed));
    let names: Vec<&str> = next.actions.iter().map(|a| a.op.name()).collect();
    assert_eq!(names, ["enable_key_rotation", "put_retention_policy"]);
    let (_, report) = plan_and_apply(&resumed, 0);
    assert!(report.succeeded());
    assert_eq!(
        promises::unmet(&resumed.account(), &baseline()),
        Vec::<String>::new()
    );
}

/// Issue 21's safety rules: with notifications asked for, a stack under the baseline's
/// stack name that is not the tool's (no purpose tag), a stack of the tool's that
/// CloudFormation cannot update (failed at creation, in progress), every other stack of
/// the account and a role under the stack role's name that is not the tool's are left
/// exactly as they were; otherwise the stack ends deployed with termination protection
/// and the tool's role, and a second plan has nothing to do for it.
#[test]
fn the_notification_stack_never_touches_what_is_not_the_tools() {
    use secure_account_core::notifications::PURPOSE_TAG;
    use secure_account_core::snapshot::Stack;
    let statuses = ["CREATE_COMPLETE", "ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS"];
    property(
        120,
        (
            account_spec(),
            0usize..4,
            0usize..3,
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec("[a-z]{1,8}", 0..3),
            any::<u64>(),
        ),
        |(spec, existing, status, protected, customer_role, others, seed)| {
            let mut b = baseline();
            b.notifications.email = Some("security@example.com".into());
            let mut s = spec.snapshot();
            let account = s.account_id.clone();
            let home = b.home_region.clone();
            let name = "secure-account-notifications";
            let Some(stacks) = s
                .regions
                .get_mut(&home)
                .and_then(|r| r.services.cloudformation_stacks.known_mut())
            else {
                return Ok(());
            };
            for o in &others {
                stacks.push(Stack {
                    name: format!("customer-{o}"),
                    status: "CREATE_COMPLETE".into(),
                    ..Stack::default()
                });
            }
            // 0: none; 1: the customer's under the tool's name; 2, 3: the tool's.
            if existing > 0 {
                let mut tags = std::collections::BTreeMap::new();
                if existing >= 2 {
                    tags.insert(PURPOSE_TAG.0.to_string(), PURPOSE_TAG.1.to_string());
                }
                stacks.push(Stack {
                    name: name.into(),
                    id: format!("arn:aws:cloudformation:{home}:{account}:stack/{name}/x"),
                    status: statuses[status].into(),
                    termination_protection: protected,
                    role_arn: None,
                    tags,
                    template_body: (existing == 3).then(|| "old".to_string()),
                    ..Stack::default()
                });
            }
            let role = "secure-account-notifications-cloudformation";
            if customer_role && let Some(roles) = s.global.roles.known_mut() {
                roles.retain(|r| r.name != role);
                roles.push(secure_account_core::snapshot::IamRole {
                    name: role.into(),
                    arn: format!("arn:aws:iam::{account}:role/{role}"),
                    assume_role_policy_document: r#"{"Version":"2012-10-17","Statement":[]}"#
                        .into(),
                    ..Default::default()
                });
            }
            let sim = Simulator::from_snapshot(s);
            let before = sim.account();
            let planned = secure_account_core::plan(&before, &b);
            apply(&sim, &planned, seed);
            let after = sim.account();
            let stacks_of = |s: &Snapshot| {
                s.regions[&home]
                    .services
                    .cloudformation_stacks
                    .known()
                    .cloned()
                    .unwrap_or_default()
            };
            let (was, now) = (stacks_of(&before), stacks_of(&after));
            let ours =
                |st: &Stack| st.tags.get(PURPOSE_TAG.0).map(String::as_str) == Some(PURPOSE_TAG.1);
            for st in &was {
                let untouchable = !ours(st) || status > 0;
                if untouchable {
                    prop_assert_eq!(
                        Some(st),
                        now.iter().find(|n| n.name == st.name),
                        "stack {} was changed",
                        st.name
                    );
                }
            }
            let role_of = |s: &Snapshot| {
                s.global
                    .roles
                    .known()
                    .and_then(|rs| rs.iter().find(|r| r.name == role).cloned())
            };
            if customer_role {
                prop_assert_eq!(
                    role_of(&before),
                    role_of(&after),
                    "the customer's role changed"
                );
            }
            let blocked = customer_role || existing == 1 || (existing >= 2 && status > 0);
            if !blocked
                && planned
                    .skipped
                    .iter()
                    .all(|k| !k.id.contains("notifications"))
            {
                let st = now.iter().find(|n| n.name == name).expect("the stack");
                prop_assert!(st.termination_protection);
                let role_arn = format!("arn:aws:iam::{}:role/{role}", after.account_id);
                prop_assert_eq!(st.role_arn.as_deref(), Some(role_arn.as_str()));
                let again = secure_account_core::plan_notifications(&after, &b);
                prop_assert!(again.actions.is_empty(), "{:?}", again.actions);
            }
            Ok(())
        },
    );
}

/// A generated control finding: control, resource, workflow status and who wrote its note
/// (0 none, 1 the tool, 2 someone else).
fn any_finding() -> impl Strategy<Value = (usize, usize, usize, usize)> {
    (0..3usize, 0..3usize, 0..4usize, 0..3usize)
}

/// A generated exception: control, resource (none: the whole control), and its day.
fn any_exception() -> impl Strategy<Value = (usize, Option<usize>, usize)> {
    (0..3usize, proptest::option::of(0..3usize), 0..3usize)
}

/// Issue 20's record of exceptions in Security Hub: a finding is suppressed only when an
/// exception in force covers it, reopened only when the tool suppressed it and no
/// exception covers it any more, and a suppression someone else made is never touched;
/// every finding an exception covers ends suppressed, and a second plan has nothing left.
#[test]
fn findings_are_suppressed_only_for_exceptions_and_others_suppressions_are_never_touched() {
    use secure_account_core::action::Action;
    use secure_account_core::baseline::Exception;
    use secure_account_core::snapshot::securityhub::{
        ControlFinding, EXCEPTION_NOTE_PREFIX, WorkflowStatus,
    };
    const CONTROLS: [&str; 3] = ["S3.8", "S3.2", "EC2.2"];
    const RESOURCES: [&str; 3] = [
        "arn:aws:s3:::public-site",
        "arn:aws:s3:::assets",
        "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1",
    ];
    const DAYS: [&str; 3] = ["2026-11-30", "2026-12-07", "2027-06-30"];
    const WORKFLOWS: [WorkflowStatus; 4] = [
        WorkflowStatus::New,
        WorkflowStatus::Notified,
        WorkflowStatus::Suppressed,
        WorkflowStatus::Resolved,
    ];
    let baselined: Snapshot = serde_json::from_str(include_str!(
        "../../golden/fully_baselined_account/snapshot.json"
    ))
    .unwrap();
    property(
        300,
        (
            proptest::collection::vec(any_finding(), 0..12),
            proptest::collection::vec(any_exception(), 0..4),
            0..3usize,
        ),
        |(findings, exceptions, today)| {
            let mut b = baseline();
            b.as_of = Some(DAYS[today].into());
            b.exceptions = exceptions
                .iter()
                .map(|&(c, r, d)| Exception {
                    control: CONTROLS[c].into(),
                    resource: r.map(|r| RESOURCES[r].into()),
                    reason: "decided".into(),
                    owner: "team".into(),
                    until: DAYS[d].into(),
                })
                .collect();
            let mut s = baselined.clone();
            let findings: Vec<ControlFinding> = findings
                .iter()
                .enumerate()
                .map(|(i, &(c, r, w, note))| ControlFinding {
                    id: format!("finding-{i}"),
                    control: CONTROLS[c].into(),
                    resource: RESOURCES[r].into(),
                    workflow: WORKFLOWS[w],
                    note: match note {
                        0 => None,
                        1 => Some(format!("{EXCEPTION_NOTE_PREFIX} an older decision")),
                        _ => Some("risk accepted by the CISO".into()),
                    },
                })
                .collect();
            s.regions
                .get_mut("eu-west-1")
                .unwrap()
                .services
                .security_hub
                .known_mut()
                .unwrap()
                .as_mut()
                .unwrap()
                .findings = secure_account_core::Observed::Known(findings.clone());
            let p = secure_account_core::plan(&s, &b);
            let mut touched = std::collections::BTreeMap::new();
            for a in &p.actions {
                let Action::BatchUpdateFindings(u) = &a.op else {
                    continue;
                };
                for i in &u.finding_identifiers {
                    prop_assert!(
                        touched.insert(i.id.clone(), u.workflow_status).is_none(),
                        "{} in two actions",
                        i.id
                    );
                }
            }
            for f in &findings {
                let ours = f
                    .note
                    .as_deref()
                    .is_some_and(|n| n.starts_with(EXCEPTION_NOTE_PREFIX));
                let accepted = b.accepted(&f.control, &f.resource).is_some();
                match touched.get(&f.id) {
                    Some(WorkflowStatus::Suppressed) => {
                        prop_assert!(accepted, "suppressed without an exception: {f:?}");
                        prop_assert!(
                            f.workflow != WorkflowStatus::Suppressed || ours,
                            "someone else's suppression changed: {f:?}"
                        );
                        prop_assert!(f.workflow != WorkflowStatus::Resolved, "{f:?}");
                    }
                    Some(WorkflowStatus::New) => {
                        prop_assert!(ours && !accepted, "reopened: {f:?}");
                        prop_assert_eq!(f.workflow, WorkflowStatus::Suppressed);
                    }
                    Some(other) => prop_assert!(false, "{other:?} for {f:?}"),
                    None => prop_assert!(
                        !(accepted
                            && matches!(
                                f.workflow,
                                WorkflowStatus::New | WorkflowStatus::Notified
                            )),
                        "an accepted finding left open: {f:?}"
                    ),
                }
            }
            // The plan's effect leaves nothing to do.
            let after = secure_account_core::effects::predict(&s, &p.actions);
            let again = secure_account_core::plan(&after, &b);
            prop_assert!(
                again
                    .actions
                    .iter()
                    .all(|a| !matches!(a.op, Action::BatchUpdateFindings(_))),
                "{:?}",
                again.actions
            );
            Ok(())
        },
    );
}
