//! The command line on the moto AWS emulator, over HTTP on 127.0.0.1: the built
//! `secure-account` binary reads, plans, verifies and applies an account on moto.
//!
//! moto comes from `secure-account-testkit`: `SECURE_ACCOUNT_MOTO_ENDPOINT` if given, else
//! a server this test process installs (once, into the user's cache folder) and starts.
//! Where moto cannot be installed (no `python3`, no network) the tests are ignored and a
//! banner after the result line says why; with `CI=true` they fail instead. A harness of
//! its own (`harness = false`, libtest-mimic), as a test skipped at run time needs; every
//! test is listed in [`TESTS`] (one left out is dead code, which `clippy -D warnings`
//! refuses).

use std::path::Path;
use std::process::{Command, ExitCode, Output, Stdio};

use libtest_mimic::{Arguments, Completion, Trial};
use secure_account_testkit::moto::{self, Verdict};
use serde_json::Value;

#[path = "moto/fleet_deploy.rs"]
mod fleet_deploy;

/// The `secure-account` binary, built by cargo for this integration test.
const BIN: &str = env!("CARGO_BIN_EXE_secure-account");

type Test = fn(String);

/// Every test of this binary, by its name (as it was in `cli.rs`).
const TESTS: &[(&str, Test)] = &[
    (
        "snapshot_plan_and_verify_read_moto",
        snapshot_plan_and_verify_read_moto,
    ),
    (
        "apply_on_moto_applies_what_moto_serves_and_fails_the_rest_at_once",
        apply_on_moto_applies_what_moto_serves_and_fails_the_rest_at_once,
    ),
    (
        "fleet_apply_on_moto_applies_three_accounts_and_a_second_run_writes_nothing",
        fleet_apply_on_moto_applies_three_accounts_and_a_second_run_writes_nothing,
    ),
    (
        "fleet_deploy_on_moto_creates_the_stack_and_deploys_it_again",
        fleet_deploy::fleet_deploy_on_moto_creates_the_stack_and_deploys_it_again,
    ),
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    // Each test runs alone in a child process whose output shows only if it fails, as the
    // built-in harness captures it; with `--nocapture` (as in that child) in this process.
    let alone = !args.nocapture;
    let trials = TESTS
        .iter()
        .map(|&(name, test)| {
            Trial::ignorable_test(name, move || match moto::verdict() {
                Verdict::Run(endpoint) if alone => moto::run_alone(name, endpoint)
                    .map(|()| Completion::Completed)
                    .map_err(Into::into),
                Verdict::Run(endpoint) => {
                    test(endpoint.to_string());
                    Ok(Completion::Completed)
                }
                Verdict::Skip(note) => Ok(Completion::ignored_with(note)),
                Verdict::Fail(message) => Err(message.into()),
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    moto::print_summary();
    conclusion.exit_code()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

/// Exit code, stdout and stderr as one text, for an assertion's message.
fn transcript(output: &Output) -> String {
    format!(
        "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        output
            .status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The binary with `args`, run in `home` with exactly these credentials (access key,
/// secret, session token) from the environment: no profile, no config files, no instance
/// metadata, and the SDK's default attempts.
fn with_credentials(
    home: &Path,
    (key, secret, token): (&str, &str, Option<&str>),
    args: &[&str],
) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        // The journal of created buckets goes under this HOME, not the machine's.
        .env_remove("XDG_STATE_HOME")
        .env_remove("SECURE_ACCOUNT_STATE_DIR")
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_MAX_ATTEMPTS")
        .stdin(Stdio::null());
    match token {
        Some(t) => cmd.env("AWS_SESSION_TOKEN", t),
        None => cmd.env_remove("AWS_SESSION_TOKEN"),
    };
    cmd
}

fn snapshot_plan_and_verify_read_moto(endpoint: String) {
    let home = tempfile::tempdir().unwrap();
    let aws = |args: &[&str]| {
        let mut all = vec![
            "--endpoint-url",
            endpoint.as_str(),
            "--region",
            "us-east-1",
            "--regions",
            "us-east-1,eu-west-1",
            "--output",
            "json",
        ];
        all.extend_from_slice(args);
        with_credentials(home.path(), ("testing", "testing", None), &all)
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .expect("the binary runs")
    };
    let out = aws(&["snapshot"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let snapshot: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(snapshot["account_id"], "123456789012");
    let regions: Vec<&String> = snapshot["regions"].as_object().unwrap().keys().collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    // Every part is known or unreadable with moto's error (Access Analyzer: none at all).
    assert_eq!(
        snapshot["regions"]["us-east-1"]["services"]["analyzers"]["read_error"]["code"],
        "secure-account:NotImplemented"
    );
    assert!(snapshot["global"]["buckets"].is_array());
    // The output is JSON: stderr carries diagnostics only, no read-call count.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("AWS read calls in"), "{stderr}");

    let out = aws(&["plan"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["account_id"], "123456789012");
    assert!(
        plan["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["reason"] == "read_failed")
    );

    let out = aws(&["verify"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let verify: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(verify["score"]["percent"].is_number(), "{verify}");
}

/// Credentials of a fresh account of its own on moto (an `sts:AssumeRole` into a new
/// account id: moto keeps each account's state apart), so that applying does not change
/// what the other moto tests read. Plain HTTP: moto checks no signature.
fn moto_account(endpoint: &str, n: u64) -> (String, String, String, String) {
    use std::io::{Read, Write};
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let account_id = format!("{}", 200_000_000_000 + (millis % 1_000_000_000) * 100 + n);
    let body = format!(
        "Action=AssumeRole&Version=2011-06-15&RoleSessionName=cli-test&RoleArn=arn%3Aaws%3Aiam%3A%3A{account_id}%3Arole%2Fcli-test"
    );
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host).expect("moto listens");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, \
         SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let field = |name: &str| {
        let open = format!("<{name}>");
        let start = answer
            .find(&open)
            .unwrap_or_else(|| panic!("{name} in {answer}"))
            + open.len();
        let len = answer[start..].find('<').unwrap();
        answer[start..start + len].to_string()
    };
    (
        field("AccessKeyId"),
        field("SecretAccessKey"),
        field("SessionToken"),
        account_id,
    )
}

/// The issue's command on a fresh moto account: everything moto serves is applied, the
/// rest fails at once with moto's answer (no crash, no hang, no retry); a second apply
/// writes nothing moto serves.
fn apply_on_moto_applies_what_moto_serves_and_fails_the_rest_at_once(endpoint: String) {
    const MOTO_LACKS: [&str; 5] = [
        "batch_enable_standards",
        "update_security_hub_configuration",
        "create_finding_aggregator",
        "update_work_group",
        "enable_inspector",
    ];
    let (key, secret, token, _account_id) = moto_account(&endpoint, 7);
    let home = tempfile::tempdir().unwrap();
    let apply = || {
        let started = std::time::Instant::now();
        let out = with_credentials(
            home.path(),
            (&key, &secret, Some(&token)),
            &[
                "apply",
                "--endpoint-url",
                endpoint.as_str(),
                "--region",
                "us-east-1",
                "--regions",
                "us-east-1,eu-west-1",
                "--auto-approve",
                "--output",
                "json",
            ],
        )
        .output()
        .expect("the binary runs");
        (out, started.elapsed())
    };
    let failed_only_where_moto_lacks = |report: &Value| {
        for r in report["results"].as_array().unwrap() {
            match r["status"].as_str().unwrap() {
                "failed" => {
                    let action = r["action"].as_str().unwrap();
                    assert!(MOTO_LACKS.contains(&action), "{r}");
                    assert_eq!(r["error"]["code"], "secure-account:NotImplemented", "{r}");
                    assert_eq!(r["attempts"], 1, "{r}");
                }
                "not_run" => assert_eq!(r["reason"], "dependency_failed", "{r}"),
                _ => {}
            }
        }
    };

    let (out, took) = apply();
    // Exit 1: what moto lacks failed, and says so.
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    failed_only_where_moto_lacks(&report);
    assert!(
        report["actions_applied"].as_u64().unwrap() >= 40,
        "{report}"
    );
    assert_eq!(report["interrupted"], false);
    // EBS default encryption is a part of its own: read, planned and applied in both
    // regions although moto lacks `GetSnapshotBlockPublicAccessState`.
    let applied_ebs: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "enable_ebs_encryption_by_default" && r["status"] == "applied")
        .collect();
    assert_eq!(applied_ebs.len(), 2, "{report}");
    // `--output json`: stderr carries the failures (what moto lacks), not progress.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("applied "), "{stderr}");
    assert!(stderr.contains("secure-account:NotImplemented"), "{stderr}");
    eprintln!(
        "apply on moto through the CLI: {} applied, {} failed, {} not run, api calls {}, {:.1} s",
        report["actions_applied"],
        report["actions_failed"],
        report["actions_not_run"],
        report["api_calls"],
        took.as_secs_f64()
    );

    let (out, _) = apply();
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    failed_only_where_moto_lacks(&again);
    assert_eq!(again["actions_applied"], 0, "{again}");
    assert_eq!(
        again["api_calls"]["write"], again["actions_failed"],
        "the second apply wrote more than the failing calls: {again}"
    );
}

/// The baseline of what moto 5.1.22 serves (README, "What moto serves"): the services whose
/// calls it lacks are switched off, so that an apply can converge there.
const MOTO_SERVED_BASELINE: &str = r#"
extends = "fsbp"
home_region = "us-east-1"

[features]
security_hub = false
finding_aggregator = false
access_analyzer = false
snapshot_block_public_access = false
vpc_block_public_access = false
athena = false
ssm = false
inspector = false
macie = false
macie_automated_discovery = false
"#;

/// `fleet apply` over three account ids on moto (which lets the operator assume a role in
/// any account id, each account's state apart): all three are applied, each through its
/// assumed role, and a second run finds every plan empty and writes nothing.
fn fleet_apply_on_moto_applies_three_accounts_and_a_second_run_writes_nothing(endpoint: String) {
    let home = tempfile::tempdir().unwrap();
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let ids: Vec<String> = (1..=3)
        .map(|n| format!("{}", 300_000_000_000 + (millis % 1_000_000_000) * 100 + n))
        .collect();
    std::fs::write(home.path().join("accounts.txt"), ids.join("\n")).unwrap();
    std::fs::write(home.path().join("moto.toml"), MOTO_SERVED_BASELINE).unwrap();
    let fleet = |out: &str| {
        with_credentials(
            home.path(),
            ("testing", "testing", None),
            &[
                "fleet",
                "apply",
                "--auto-approve",
                "--accounts",
                "accounts.txt",
                "--baseline",
                "moto.toml",
                "--endpoint-url",
                endpoint.as_str(),
                "--region",
                "us-east-1",
                "--regions",
                "us-east-1,eu-west-1",
                "--out-dir",
                out,
                "--output",
                "json",
            ],
        )
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("the binary runs")
    };
    let first = fleet("first");
    assert_eq!(code(&first), 0, "{}", transcript(&first));
    let summary: Value = serde_json::from_slice(&first.stdout).unwrap();
    let rows = summary["accounts"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for (row, id) in rows.iter().zip(&ids) {
        assert_eq!(row["account"], id.as_str());
        assert_eq!(row["status"], "applied", "{row}");
        assert!(row["calls"]["write"].as_u64().unwrap() >= 20, "{row}");
        // The account's own ledger, and its plan made under its own account id.
        let dir = home.path().join("first").join(id);
        let plan: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
        assert_eq!(plan["account_id"], id.as_str());
        assert!(dir.join("apply.json").exists());
    }
    eprintln!(
        "fleet apply on moto: 3 accounts, {} write and {} read calls, {} ms",
        summary["totals"]["calls"]["write"],
        summary["totals"]["calls"]["read"],
        summary["elapsed_ms"]
    );

    let second = fleet("second");
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    let again: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(again["totals"]["up_to_date"], 3, "{again}");
    assert_eq!(again["totals"]["calls"]["write"], 0, "{again}");
}
