//! `fleet` on the simulated organisation, through the built binary: files per account, the
//! summary, a failing account among working ones, and a second run that writes nothing.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_secure-account");

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn transcript(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn fleet_apply_writes_each_accounts_files_reports_the_one_without_a_role_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    // Six members of the mixed organisation (seed 3), and an account it does not have.
    let org = run_in(
        dir.path(),
        &[
            "--simulate",
            "mixed",
            "fleet",
            "plan",
            "--sim-accounts",
            "6",
            "--sim-seed",
            "3",
            "--output",
            "json",
            "--out-dir",
            "planned",
        ],
    );
    assert_eq!(org.status.code(), Some(0), "{}", transcript(&org));
    let planned: Value = serde_json::from_slice(&org.stdout).unwrap();
    let ids: Vec<String> = planned["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["account"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(
        dir.path()
            .join("planned")
            .join(&ids[0])
            .join("plan.txt")
            .exists()
    );
    let mut list = String::from("id,name,baseline\n");
    for (i, id) in ids.iter().enumerate() {
        list.push_str(&format!(
            "{id},customer {i},{}\n",
            if i == 1 { "seed-2024-08" } else { "" }
        ));
    }
    list.push_str("999999999999,gone,\n");
    std::fs::write(dir.path().join("accounts.csv"), list).unwrap();

    let apply = |out: &str| {
        run_in(
            dir.path(),
            &[
                "--simulate",
                "mixed",
                "--sim-state",
                "org",
                "fleet",
                "apply",
                "--auto-approve",
                "--sim-accounts",
                "6",
                "--sim-seed",
                "3",
                "--accounts",
                "accounts.csv",
                "--accounts-in-flight",
                "3",
                "--calls-in-flight",
                "8",
                "--output",
                "json",
                "--out-dir",
                out,
            ],
        )
    };
    let first = apply("first");
    // One account failed: exit 1, and every other account was applied.
    assert_eq!(first.status.code(), Some(1), "{}", transcript(&first));
    let summary: Value = serde_json::from_slice(&first.stdout).unwrap();
    let rows = summary["accounts"].as_array().unwrap();
    assert_eq!(rows.len(), 7);
    for row in &rows[..6] {
        assert_eq!(row["status"], "applied", "{row}");
        let files = dir
            .path()
            .join("first")
            .join(row["account"].as_str().unwrap());
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(files.join("apply.json")).unwrap())
                .unwrap();
        assert_eq!(report["converged"], true);
        assert!(files.join("plan.json").exists());
    }
    assert_eq!(rows[1]["baseline"], "seed-2024-08");
    assert_eq!(rows[6]["status"], "failed");
    assert_eq!(rows[6]["stage"], "open");
    assert_eq!(rows[6]["error"]["code"], "AccessDenied");
    assert!(summary["peak_calls_in_flight"].as_u64().unwrap() <= 8);
    let text = std::fs::read_to_string(dir.path().join("first").join("summary.txt")).unwrap();
    assert!(text.contains("6 applied, 1 failed"), "{text}");
    assert!(text.contains("sts:AssumeRole"), "{text}");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("[7/7]"), "{stderr}");

    // Resumed from the saved states: every plan empty, nothing written.
    let second = apply("second");
    assert_eq!(second.status.code(), Some(1), "{}", transcript(&second));
    let again: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(again["totals"]["up_to_date"], 6, "{again}");
    assert_eq!(again["totals"]["calls"]["write"], 0, "{again}");
}

#[test]
fn fleet_apply_asks_for_auto_approve_and_aws_needs_the_accounts_named() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["--simulate", "fleet", "apply"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--auto-approve"));
    let o = run_in(dir.path(), &["fleet", "plan", "--region", "us-east-1"]);
    assert_eq!(o.status.code(), Some(1), "{}", transcript(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("`--accounts FILE` or `--organization`"),
        "{}",
        transcript(&o)
    );
}

/// The fleet template passes cfn-lint (every rule, informational ones included), installed
/// from PyPI by the testkit as the notification template's test does; with `CI` set, a
/// cfn-lint that cannot be installed fails the test.
#[test]
fn the_fleet_template_passes_cfn_lint() {
    use secure_account_testkit::cfn_lint::{self, Lint};
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["fleet", "template"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let template: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        template["Resources"]["StateMachine"]["Type"],
        "AWS::StepFunctions::StateMachine"
    );
    let path = dir.path().join("fleet.json");
    std::fs::write(&path, &out.stdout).unwrap();
    match cfn_lint::lint(&path) {
        Lint::Ran { code, output } => {
            assert_eq!(code, Some(0), "cfn-lint on the fleet template:\n{output}");
            assert!(output.trim().is_empty(), "cfn-lint:\n{output}");
        }
        Lint::Unavailable(why) if secure_account_testkit::moto::required() => {
            panic!("CI is set, so cfn-lint must run, but it cannot: {why}")
        }
        Lint::Unavailable(why) => eprintln!("SKIPPED cfn-lint on the fleet template: {why}"),
    }
}

/// The Lambda handler's work (`fleet handle`) on recorded events, as the state machine's
/// `ItemSelector` makes them from the accounts CSV: one account through the same engine.
#[test]
fn the_handler_runs_one_account_per_recorded_event() {
    let dir = tempfile::tempdir().unwrap();
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fleet-events");
    let handle = |event: &str| {
        let path = events.join(event);
        let out = run_in(
            dir.path(),
            &[
                "--simulate",
                "fresh",
                "fleet",
                "handle",
                path.to_str().unwrap(),
                "--sim-accounts",
                "1",
                "--out-dir",
                "out",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let applied = handle("apply-member.json");
    assert_eq!(applied["row"]["account"], "100000000000");
    assert_eq!(applied["row"]["status"], "applied", "{applied}");
    assert_eq!(applied["resume"], false);
    assert_eq!(applied["next"]["round"], 2);
    assert!(dir.path().join("out/100000000000/apply.json").exists());

    let unknown = handle("apply-unknown.json");
    assert_eq!(unknown["row"]["status"], "failed");
    assert_eq!(unknown["row"]["error"]["code"], "AccessDenied");
    assert_eq!(unknown["resume"], false);

    let verified = handle("verify-seed.json");
    assert_eq!(verified["row"]["status"], "verified");
    assert_eq!(verified["row"]["baseline"], "seed-2024-08");
}
