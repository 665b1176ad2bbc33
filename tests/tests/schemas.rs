//! The JSON Schemas of the outputs (SPEC §6: `plan`, `apply`, `verify`, `cost`, each with
//! `format_version` 1), generated from the types with `schemars`, are the files in
//! `schemas/` (`UPDATE_SCHEMAS=1 cargo test -p secure-account-tests --test schemas` writes
//! them); the real outputs of the golden cases and of simulated applies validate against
//! them.

use std::path::{Path, PathBuf};

use secure_account_core::cost::CostModel;
use secure_account_core::cost_report::{self, CostDocument};
use secure_account_core::verify::{self, Verification};
use secure_account_core::{Baseline, Catalog, Plan, Snapshot};
use secure_account_engine::{ApplyOptions, ApplyReport, flow};
use secure_account_simulator::Simulator;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// Every output's schema: its file name, and the schema from its type.
fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn of<T: schemars::JsonSchema>(title: &str, description: &str) -> serde_json::Value {
        let mut schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
        let object = schema.as_object_mut().unwrap();
        object.insert("title".into(), title.into());
        object.insert("description".into(), description.into());
        schema
    }
    vec![
        (
            "plan.v1.schema.json",
            of::<Plan>(
                "secure-account plan, format_version 1",
                "`secure-account plan --output json` and the file of `plan --out`",
            ),
        ),
        (
            "apply-report.v1.schema.json",
            of::<ApplyReport>(
                "secure-account apply report, format_version 1",
                "`secure-account apply --output json`",
            ),
        ),
        (
            "verify.v1.schema.json",
            of::<Verification>(
                "secure-account verification, format_version 1",
                "`secure-account verify --output json`",
            ),
        ),
        (
            "cost.v1.schema.json",
            of::<CostDocument>(
                "secure-account cost, format_version 1",
                "`secure-account cost --output json`",
            ),
        ),
    ]
}

#[test]
fn the_schema_files_are_generated_from_the_types() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for (file, schema) in schemas() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = schemas_dir().join(file);
        if update {
            std::fs::create_dir_all(schemas_dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("schemas/{file}: {e}; run with UPDATE_SCHEMAS=1"));
        // Compared as JSON values: whether serde_json keeps keys in order depends on the
        // features the build unifies (`cargo test --workspace` turns `preserve_order` on).
        let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
        let generated: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            committed == generated,
            "schemas/{file} is not the schema of the type now; run \
             `UPDATE_SCHEMAS=1 cargo test -p secure-account-tests --test schemas` and review"
        );
    }
}

fn validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schemas_dir().join(file)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schemas/{file}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, value: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
    assert_eq!(value["format_version"], 1, "{what}");
}

fn golden_cases() -> Vec<(String, Snapshot, Baseline, serde_json::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let dir = entry.unwrap().path();
        // A golden of something else than a plan (the notifications template).
        if !dir.join("snapshot.json").exists() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let snapshot: Snapshot =
            serde_json::from_str(&std::fs::read_to_string(dir.join("snapshot.json")).unwrap())
                .unwrap();
        let baseline = match std::fs::read_to_string(dir.join("baseline.toml")) {
            Ok(t) => Baseline::from_toml(&t).unwrap(),
            Err(_) => Baseline::fsbp(),
        };
        // The plan as the golden file holds it (an insta snapshot: a header, then JSON).
        let snap = std::fs::read_to_string(dir.join("plan.json.snap")).unwrap();
        let json = snap.splitn(3, "---\n").nth(2).expect("an insta header");
        let plan: serde_json::Value = serde_json::from_str(json).unwrap();
        cases.push((name, snapshot, baseline, plan));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(cases.len() >= 8, "{} golden cases", cases.len());
    cases
}

#[test]
fn the_golden_cases_outputs_match_their_schemas() {
    let plan = validator("plan.v1.schema.json");
    let verification = validator("verify.v1.schema.json");
    let cost = validator("cost.v1.schema.json");
    for (name, snapshot, baseline, golden_plan) in golden_cases() {
        assert_valid(&plan, &format!("golden/{name}/plan.json"), &golden_plan);
        let v = verify::verify(&snapshot, &baseline, Catalog::builtin());
        assert_valid(
            &verification,
            &format!("verify of golden/{name}"),
            &serde_json::to_value(&v).unwrap(),
        );
        let c = cost_report::document(&snapshot, &baseline, CostModel::builtin());
        assert_valid(
            &cost,
            &format!("cost of golden/{name}"),
            &serde_json::to_value(&c).unwrap(),
        );
    }
}

/// The apply reports of the simulated accounts (fresh, lived-in, newer-standard: two
/// rounds), and one with failures (a denied action, its dependant not run).
#[test]
fn apply_reports_match_their_schema() {
    let schema = validator("apply-report.v1.schema.json");
    let runtime = secure_account_simulator::virtual_clock_runtime().unwrap();
    for scenario in ["fresh", "lived-in", "newer-standard", "denied"] {
        let sim = match scenario {
            "denied" => Simulator::scenario("fresh").unwrap().with_faults(
                serde_json::from_str(r#"{"deny_actions": ["create_trail"]}"#).unwrap(),
            ),
            s => Simulator::scenario(s).unwrap(),
        };
        let (_, report): (_, ApplyReport) = runtime
            .block_on(flow::converge(
                &sim,
                &Baseline::fsbp(),
                &ApplyOptions::default(),
            ))
            .unwrap();
        let value = serde_json::to_value(&report).unwrap();
        assert_valid(&schema, &format!("apply on {scenario}"), &value);
        if scenario == "denied" {
            assert!(report.actions_failed > 0);
        }
    }
    // The schema is not vacuous: a report with a wrong type is refused.
    let mut bad = serde_json::to_value(
        runtime
            .block_on(flow::converge(
                &Simulator::scenario("fresh").unwrap(),
                &Baseline::fsbp(),
                &ApplyOptions::default(),
            ))
            .unwrap()
            .1,
    )
    .unwrap();
    bad["actions_applied"] = "many".into();
    assert!(!schema.is_valid(&bad));
    bad["actions_applied"] = 1.into();
    bad["results"][0]["status"] = "done".into();
    assert!(!schema.is_valid(&bad), "an unknown status is refused");
}
