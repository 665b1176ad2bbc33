//! Golden cases: for every folder in `golden/`, the plan (JSON and text) and the evaluation
//! of its input snapshot under its baseline, pinned as insta snapshots stored beside the
//! input. A change of catalog, baseline or planner shows up here and is reviewed like code
//! (`cargo insta review`).

use std::path::{Path, PathBuf};

use secure_account_core::{
    Action, Baseline, Catalog, Plan, SkipReason, Snapshot, Status, evaluate, planner, render,
};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden")
}

struct Case {
    name: String,
    dir: PathBuf,
    snapshot: Snapshot,
    baseline: Baseline,
}

fn load(name: &str) -> Case {
    let dir = golden_dir().join(name);
    let text = std::fs::read_to_string(dir.join("snapshot.json"))
        .unwrap_or_else(|e| panic!("golden/{name}/snapshot.json: {e}"));
    let snapshot: Snapshot =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("golden/{name}/snapshot.json: {e}"));
    let baseline = match std::fs::read_to_string(dir.join("baseline.toml")) {
        Ok(t) => {
            Baseline::from_toml(&t).unwrap_or_else(|e| panic!("golden/{name}/baseline.toml: {e}"))
        }
        Err(_) => Baseline::fsbp(),
    };
    Case {
        name: name.into(),
        dir,
        snapshot,
        baseline,
    }
}

/// The evaluation as pinned: the score and every control that has data or is disabled.
fn evaluation_json(case: &Case) -> serde_json::Value {
    let scope = planner::scope(&case.snapshot, &case.baseline);
    let e = evaluate(&case.snapshot, Catalog::builtin(), &scope);
    let controls: Vec<_> = e
        .controls
        .iter()
        .filter(|c| c.status != Status::NoData || c.regions.values().any(|s| *s != Status::NoData))
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "status": c.status,
                "regions_failed": c.regions_failed,
                "regions_disabled": c.regions.iter().filter(|(_, s)| **s == Status::Disabled).map(|(r, _)| r.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    sorted(serde_json::json!({ "score": e.score, "controls": controls }))
}

/// `v` with every object's keys in sorted order, whichever order serde_json's maps keep
/// in this build (`cargo test --workspace` turns on its `preserve_order` through the AWS
/// SDK's test utilities).
fn sorted(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Pins the plan JSON, the plan text and the evaluation of one case; returns the plan.
fn check(name: &str) -> Plan {
    let case = load(name);
    let plan = secure_account_core::plan(&case.snapshot, &case.baseline);
    // Determinism: the same input gives the same plan, byte for byte.
    assert_eq!(
        render::plan_json(&plan),
        render::plan_json(&secure_account_core::plan(&case.snapshot, &case.baseline))
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&case.dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(case.dir.join("snapshot.json"));
    settings.bind(|| {
        insta::assert_snapshot!("plan.json", render::plan_json(&plan));
        insta::assert_snapshot!("plan.txt", render::plan_text(&plan, false));
        insta::assert_snapshot!(
            "evaluation.json",
            serde_json::to_string_pretty(&evaluation_json(&case)).unwrap()
        );
    });
    let _ = &case.name;
    plan
}

#[test]
fn every_golden_folder_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(golden_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("snapshot.json").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut known: Vec<&str> = CASES.to_vec();
    known.sort();
    assert_eq!(found, known, "add a test for each golden case");
}

const CASES: &[&str] = &[
    "default_vpc_in_use_is_kept",
    "existing_resources_adopted",
    "failed_reads_plan_nothing_blind",
    "fresh_account_17_regions",
    "fully_baselined_account",
    "opt_in_region_not_enabled",
    "seed_2024_08_baseline",
    "stronger_settings_kept",
];

fn action_names(plan: &Plan) -> Vec<String> {
    plan.actions
        .iter()
        .map(|a| a.op.name().to_string())
        .collect()
}

#[test]
fn fresh_account_17_regions() {
    let plan = check("fresh_account_17_regions");
    assert_eq!(plan.regions.len(), 17);
    assert_eq!(plan.score_predicted.percent_if_manual_done, 100.0);
    assert!(plan.score_now.percent < 50.0, "{}", plan.score_now.percent);
    assert_eq!(
        action_names(&plan)
            .iter()
            .filter(|n| *n == "delete_vpc")
            .count(),
        17,
        "every default VPC of a fresh account is empty and goes"
    );
    let mut manual: Vec<&str> = plan
        .manual_tasks
        .iter()
        .map(|t| t.control.as_str())
        .collect();
    manual.sort();
    assert_eq!(manual, ["Account.1", "IAM.6"]);
}

#[test]
fn fully_baselined_account() {
    let plan = check("fully_baselined_account");
    assert!(
        plan.actions.is_empty(),
        "{}",
        render::plan_text(&plan, false)
    );
    assert_eq!(plan.score_now.percent_if_manual_done, 100.0);
}

#[test]
fn default_vpc_in_use_is_kept() {
    let plan = check("default_vpc_in_use_is_kept");
    let case = load("default_vpc_in_use_is_kept");
    for (region, r) in &case.snapshot.regions {
        for vpc in r.services.vpcs.known().into_iter().flatten() {
            // Issue 20's fixes of what nothing uses (the default group's rules, a default
            // subnet's public addresses) are planned only in a VPC whose interfaces cannot
            // use them: here the one kept for its customer group, without interfaces (the
            // interfaces of this snapshot have no groups, subnet or address recorded, so
            // they may use anything).
            // A flow log (EC2.6) changes no traffic: every kept VPC may get one.
            let fix = |a: &secure_account_core::PlannedAction| {
                matches!(a.op, Action::CreateFlowLogs(_))
                    || vpc.network_interfaces.is_empty()
                        && matches!(
                            a.op,
                            Action::ModifySubnetAttribute(_)
                                | Action::RevokeSecurityGroupIngress(_)
                                | Action::RevokeSecurityGroupEgress(_)
                        )
            };
            let touched = plan.actions.iter().any(|a| {
                let op = serde_json::to_string(&a.op).unwrap();
                (op.contains(&vpc.vpc_id)
                    || vpc.subnets.iter().any(|s| a.id.ends_with(&s.subnet_id))
                    || vpc.security_groups.iter().any(|g| op.contains(&g.group_id)))
                    && !fix(a)
            });
            if !vpc.network_interfaces.is_empty() || vpc.security_groups.len() > 1 {
                assert!(!touched, "{region}: {} is in use but touched", vpc.vpc_id);
                assert!(
                    plan.skipped.iter().any(|s| s.id.ends_with(&vpc.vpc_id)),
                    "{region}: no skipped entry for {}",
                    vpc.vpc_id
                );
            }
        }
    }
    let us = plan
        .skipped
        .iter()
        .find(|s| s.region == "us-east-1" && s.reason == SkipReason::DefaultVpcInUse)
        .unwrap();
    assert!(
        us.detail.contains("eni-0a11c0ffee0000001") && us.detail.contains("eni-0a11c0ffee0000002"),
        "{}",
        us.detail
    );
}

#[test]
fn existing_resources_adopted() {
    let plan = check("existing_resources_adopted");
    let names = action_names(&plan);
    // The detector and the trail are adopted and converged, not recreated.
    assert!(plan.action("us-east-1/update_detector").is_some());
    assert!(plan.action("us-east-1/create_detector").is_none());
    assert!(!names.contains(&"create_trail".to_string()));
    assert!(plan.action("eu-west-1/update_trail/org-audit").is_some());
    // The existing log bucket is converged, its partner statement kept.
    assert!(
        !plan
            .actions
            .iter()
            .any(|a| a.id == "us-east-1/create_bucket/cloudtrail-logs-123456789012")
    );
    let policy = plan
        .action("us-east-1/put_bucket_policy/cloudtrail-logs-123456789012")
        .unwrap();
    assert!(
        serde_json::to_string(&policy.op)
            .unwrap()
            .contains("PartnerRead")
    );
    assert!(
        plan.action("us-east-1/put_public_access_block/cloudtrail-logs-123456789012")
            .is_some()
    );
}

#[test]
fn stronger_settings_kept() {
    let plan = check("stronger_settings_kept");
    // The stricter password policy satisfies everything already: nothing to write.
    assert!(
        plan.action("global/update_account_password_policy")
            .is_none()
    );
    // SSE_KMS stays: only metrics are switched on.
    let wg = plan.action("us-east-1/update_work_group/primary").unwrap();
    let params = serde_json::to_value(&wg.op).unwrap();
    assert!(
        params["params"].get("encryption_option").is_none(),
        "{params}"
    );
    assert!(
        plan.action("global/put_account_public_access_block")
            .is_none()
    );
}

#[test]
fn opt_in_region_not_enabled() {
    let plan = check("opt_in_region_not_enabled");
    assert!(plan.regions.contains(&"af-south-1".to_string()));
    assert_eq!(plan.regions.len(), 18);
    assert!(plan.actions.iter().all(|a| a.region != "me-south-1"));
    assert!(
        plan.skipped
            .iter()
            .any(|s| s.region == "me-south-1" && s.reason == SkipReason::RegionNotEnabled)
    );
}

#[test]
fn seed_2024_08_baseline() {
    let plan = check("seed_2024_08_baseline");
    assert_eq!(plan.home_region, "ap-northeast-1");
    let names = action_names(&plan);
    for absent in [
        "enable_inspector",
        "enable_macie",
        "update_service_setting",
        "create_log_group",
    ] {
        assert!(
            !names.contains(&absent.to_string()),
            "{absent} is outside the seed's scope"
        );
    }
    // Controls added after 2024-08 are disabled as not yet reviewed.
    let ap = plan
        .action("ap-northeast-1/batch_update_standards_control_associations")
        .unwrap();
    let text = serde_json::to_string(&ap.op).unwrap();
    assert!(
        text.contains("EC2.182") && text.contains("not yet reviewed"),
        "{text}"
    );
    // What the seed never set up is a decided exception, so it keeps its promise.
    assert!(
        text.contains("Inspector.1") && text.contains("outside the 2024-08 service's scope"),
        "{text}"
    );
    assert_eq!(plan.score_predicted.percent_if_manual_done, 100.0);
}

#[test]
fn failed_reads_plan_nothing_blind() {
    let plan = check("failed_reads_plan_nothing_blind");
    let names = action_names(&plan);
    // Buckets unreadable: no bucket, trail or delivery channel is created blind.
    for absent in [
        "create_bucket",
        "create_trail",
        "put_delivery_channel",
        "create_service_linked_role",
        "put_account_public_access_block",
    ] {
        assert!(
            !names.contains(&absent.to_string()),
            "{absent} planned blind"
        );
    }
    assert!(
        plan.actions
            .iter()
            .all(|a| !(a.region == "eu-west-1" && a.op.service() == "guardduty"))
    );
    assert!(
        plan.actions
            .iter()
            .all(|a| !(a.region == "us-west-2" && a.op.service() == "ec2" && a.destructive))
    );
    assert!(
        plan.actions
            .iter()
            .all(|a| !(a.region == "ap-south-1" && a.op.service() == "securityhub"))
    );
    for (region, what) in [
        ("global", "buckets"),
        ("eu-west-1", "guardduty"),
        ("us-west-2", "vpcs"),
        ("ap-south-1", "security_hub"),
    ] {
        assert!(
            plan.skipped.iter().any(|s| s.region == region
                && s.reason == SkipReason::ReadFailed
                && s.id.ends_with(what)),
            "no read_failed entry for {region}/{what}"
        );
    }
}

/// Every golden plan is not only pinned but also applies on the simulator without a
/// failure, and the account then plans nothing more (the failed-reads case excepted: its
/// snapshot is what a partly denied read saw, not an account).
#[test]
fn every_golden_plan_applies_on_the_simulator_and_converges() {
    use secure_account_simulator::Simulator;
    for name in CASES
        .iter()
        .filter(|c| **c != "failed_reads_plan_nothing_blind")
    {
        let case = load(name);
        let sim = Simulator::from_snapshot(case.snapshot.clone());
        let plan = secure_account_core::plan(&secure_account_tests::read(&sim), &case.baseline);
        let report = secure_account_tests::apply(&sim, &plan, 0);
        assert!(
            report.succeeded(),
            "{name}: {:?}",
            report
                .with_status(secure_account_engine::ActionStatus::Failed)
                .collect::<Vec<_>>()
        );
        let again = secure_account_core::plan(&secure_account_tests::read(&sim), &case.baseline);
        assert!(
            again.actions.is_empty(),
            "{name}: {}",
            render::plan_text(&again, false)
        );
    }
}

/// The golden inputs were written before snapshot block public access became a part of
/// its own (`ebs.snapshot_block_public_access`): they load with the state in that part.
#[test]
fn golden_inputs_of_the_earlier_shape_load_with_the_state_in_its_own_part() {
    let mut moved = 0;
    for name in CASES {
        let text = std::fs::read_to_string(golden_dir().join(name).join("snapshot.json")).unwrap();
        let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
        let case = load(name);
        for (region, r) in case.snapshot.enabled_regions() {
            let old = &raw["regions"][region.as_str()]["services"];
            let Some(state) = old["ebs"]["snapshot_block_public_access"].as_str() else {
                continue;
            };
            assert!(old.get("snapshot_block_public_access").is_none());
            let block = r.services.snapshot_block_public_access.known().unwrap();
            assert_eq!(block.state, state, "{name}/{region}");
            moved += 1;
            let ebs = r.services.ebs.known().unwrap();
            assert_eq!(
                ebs.encryption_by_default,
                old["ebs"]["encryption_by_default"].as_bool().unwrap()
            );
        }
    }
    assert!(moved > 100, "{moved}");
}
