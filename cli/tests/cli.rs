//! The command line as a user meets it: the built `secure-account` binary run with
//! arguments, its exit code, stdout and stderr pinned together by insta snapshots (with
//! temporary paths and timings filtered out), plus the `--sim-state` chain that proves a
//! second apply changes nothing.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The `secure-account` binary, built by cargo for this integration test.
const BIN: &str = env!("CARGO_BIN_EXE_secure-account");

/// Runs the binary in `dir` with `args`, stdin closed, colours off, a fixed width.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C.UTF-8")
        .env("SOURCE_DATE_EPOCH", "1796601600")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Exit code, stdout and stderr as one text for a snapshot.
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

/// Pins a transcript, with temporary paths and timings filtered.
macro_rules! assert_cli_snapshot {
    ($name:expr, $output:expr) => {
        insta::with_settings!({
            filters => vec![
                (r"/tmp/[^\s`]*", "[TMP]"),
                (r"\d+\.\d s elapsed", "[ELAPSED] elapsed"),
                (r"secure-account \d+\.\d+\.\d+", "secure-account [VERSION]"),
            ],
        }, {
            insta::assert_snapshot!($name, transcript(&$output));
        })
    };
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", transcript(output)))
}

#[test]
fn help_teaches() {
    assert_cli_snapshot!("help", run(&["--help"]));
    assert_cli_snapshot!("apply_help", run(&["apply", "--help"]));
    assert_cli_snapshot!("plan_help", run(&["plan", "--help"]));
}

#[test]
fn unknown_scenario_names_the_closest() {
    assert_cli_snapshot!("unknown_scenario", run(&["--simulate", "livedin", "plan"]));
}

/// The binary with `args`, run in `home` with no credentials anywhere the chain looks and
/// no instance metadata to ask (nothing leaves the machine).
fn without_credentials(home: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "eu-west-1")
        .stdin(Stdio::null());
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("the binary runs")
}

#[test]
#[cfg_attr(
    not(feature = "aws"),
    ignore = "a build without the `aws` feature has no real-account backend"
)]
fn without_credentials_every_command_says_how_to_provide_them() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["snapshot"][..],
        &["plan"],
        &["verify"],
        &["controls", "diff"],
        &["apply", "--auto-approve"],
    ] {
        let out = without_credentials(home.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 1, "{args:?}: {}", transcript(&out));
        for hint in [
            "no AWS credentials found",
            "--profile",
            "AWS_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "aws sso login",
            "--simulate",
        ] {
            assert!(stderr.contains(hint), "{args:?} lacks `{hint}`: {stderr}");
        }
        assert!(out.stdout.is_empty(), "{args:?}: {}", transcript(&out));
    }
}

/// The credential error is a sentence (no Rust debug dump); a profile the files lack is
/// named as such, with the profiles they have.
#[test]
#[cfg_attr(
    not(feature = "aws"),
    ignore = "a build without the `aws` feature has no real-account backend"
)]
fn credential_errors_are_sentences_and_a_missing_profile_is_named() {
    let home = tempfile::tempdir().unwrap();
    let out = without_credentials(home.path(), &["plan"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for debug in ["{", "CredentialsNotLoaded", "ProviderError", "Some("] {
        assert!(!stderr.contains(debug), "`{debug}`: {stderr}");
    }
    assert!(stderr.len() < 800, "{} characters: {stderr}", stderr.len());
    std::fs::write(
        home.path().join("no-config"),
        "[default]\nregion = eu-west-1\n[profile work]\nregion = eu-central-1\n",
    )
    .unwrap();
    let out = without_credentials(home.path(), &["--profile", "nosuch", "plan"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the AWS profile `nosuch` does not exist in")
            && stderr.contains("(they define: default, work)"),
        "{stderr}"
    );
}

#[cfg(feature = "aws")]
#[test]
fn aws_options_do_not_mix_with_the_simulator() {
    let out = run(&["--simulate", "--endpoint-url", "http://127.0.0.1:1", "plan"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be combined"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn usage_errors_exit_1() {
    let out = run(&["plan", "--detailed"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
}

#[test]
fn bad_baseline_file_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "name = \"mine\"\n\n[features]\nmacy = true\n",
    )
    .unwrap();
    assert_cli_snapshot!(
        "bad_baseline_file",
        run_in(
            dir.path(),
            &["--simulate", "--baseline", "bad.toml", "plan"]
        )
    );
}

#[test]
fn unknown_baseline_name_names_the_closest() {
    assert_cli_snapshot!(
        "unknown_baseline_name",
        run(&["--baseline", "fsbpp", "baseline", "show"])
    );
}

#[test]
fn baseline_show_prints_every_default() {
    assert_cli_snapshot!(
        "baseline_show_seed",
        run(&["--baseline", "seed-2024-08", "baseline", "show"])
    );
}

/// `iam-policy` reads nothing: it works without credentials and without `--simulate`,
/// prints a policy document, takes the role's name from the baseline, and `--read-only`
/// leaves every write out.
#[test]
fn iam_policy_needs_no_account() {
    let home = tempfile::tempdir().unwrap();
    let actions = |policy: &Value| -> Vec<String> {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| match &s["Action"] {
                Value::String(a) => vec![a.clone()],
                list => list
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
            })
            .collect()
    };

    // The whole policy is larger than a managed policy: it says what to attach instead.
    let out = without_credentials(home.path(), &["iam-policy"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("--read-only") && warning.contains("--writes-only"),
        "{}",
        transcript(&out)
    );
    let policy = json(&out);
    assert_eq!(policy["Version"], "2012-10-17");
    let full = actions(&policy);
    for action in [
        "cloudtrail:CreateTrail",
        "sts:GetCallerIdentity",
        "s3:PutLifecycleConfiguration",
        "iam:PassRole",
    ] {
        assert!(full.iter().any(|a| a == action), "{action}: {full:?}");
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("arn:aws:iam::*:role/secure-account-cloudtrail-to-logs"));

    let out = without_credentials(home.path(), &["iam-policy", "--read-only"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let read_only = actions(&json(&out));
    assert!(read_only.iter().any(|a| a == "cloudtrail:DescribeTrails"));
    assert!(read_only.len() < full.len());
    for write in [
        "cloudtrail:CreateTrail",
        "iam:PassRole",
        "s3:PutBucketPolicy",
    ] {
        assert!(!read_only.iter().any(|a| a == write), "{write}");
    }
    // The writes alone: with the reads, every action of the whole policy.
    let out = without_credentials(home.path(), &["iam-policy", "--writes-only"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    assert!(out.stderr.is_empty(), "{}", transcript(&out));
    let writes = actions(&json(&out));
    assert!(writes.iter().any(|a| a == "cloudtrail:CreateTrail"));
    assert!(!writes.iter().any(|a| a == "cloudtrail:DescribeTrails"));
    let mut both: Vec<String> = read_only.iter().chain(&writes).cloned().collect();
    both.sort();
    both.dedup();
    let mut whole = full.clone();
    whole.sort();
    whole.dedup();
    assert_eq!(both, whole);
    // Both at once is a usage error (exit 1: 2 means "changes" for this tool).
    let out = without_credentials(home.path(), &["iam-policy", "--read-only", "--writes-only"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be used with"),
        "{}",
        transcript(&out)
    );

    std::fs::write(
        home.path().join("names.toml"),
        "[names]\ntrail_logs_role = \"ops-trail-to-logs\"\n",
    )
    .unwrap();
    let out = without_credentials(home.path(), &["--baseline", "names.toml", "iam-policy"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("arn:aws:iam::*:role/ops-trail-to-logs\""),
        "{text}"
    );
    assert!(
        !text.contains("secure-account-cloudtrail-to-logs"),
        "{text}"
    );

    std::fs::write(
        home.path().join("wild.toml"),
        "[names]\ntrail_logs_role = \"*\"\n",
    )
    .unwrap();
    let out = without_credentials(home.path(), &["--baseline", "wild.toml", "iam-policy"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    assert!(
        stderr(&out).contains("names.trail_logs_role"),
        "{}",
        transcript(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn iam_policy_help_says_how_to_use_it() {
    assert_cli_snapshot!("iam_policy_help", run(&["iam-policy", "--help"]));
}

#[test]
fn controls_list_json_is_the_catalog() {
    let out = run(&["--output", "json", "controls", "list"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let v = json(&out);
    assert_eq!(v["format_version"], 1);
    assert!(v["controls"].as_array().is_some_and(|c| c.len() > 300));
}

#[test]
fn verify_below_min_score_fails() {
    assert_cli_snapshot!(
        "verify_min_score",
        run(&["--simulate", "verify", "--min-score", "99"])
    );
}

#[test]
fn apply_refuses_without_a_terminal_or_auto_approve() {
    let out = run(&["--simulate", "apply"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    assert!(
        stderr(&out).trim_end().ends_with(
            "error: refusing to apply without confirmation: standard input is not a terminal; \
             run `secure-account --simulate fresh apply --auto-approve` to apply the plan shown \
             above"
        ),
        "{}",
        transcript(&out)
    );
}

/// apply → `plan --detailed-exitcode` exits 0 → a second apply makes no write call.
#[test]
fn sim_state_chain_converges() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    let state = ["--sim-state", "account.json"];
    let with_state = |rest: &[&'static str]| -> Vec<&'static str> {
        state.iter().copied().chain(rest.iter().copied()).collect()
    };

    let first = at(&with_state(&[
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]));
    assert_eq!(code(&first), 0, "{}", transcript(&first));
    let report = json(&first);
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["actions_failed"], 0);
    assert!(report["actions_applied"].as_u64().unwrap() > 0);
    assert!(report["api_calls"]["write"].as_u64().unwrap() > 0);
    assert!(report["api_calls"]["elapsed_ms"].as_u64().unwrap() > 0);
    let before = report["score_before"]["percent"].as_f64().unwrap();
    let after = report["score_after"]["percent"].as_f64().unwrap();
    assert!(after > before, "score {before} -> {after}");
    assert!(dir.path().join("account.json").exists());

    let plan = at(&with_state(&["plan", "--detailed-exitcode"]));
    assert_eq!(code(&plan), 0, "{}", transcript(&plan));
    assert_cli_snapshot!("plan_after_apply", plan);

    let second = at(&with_state(&[
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]));
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    let report = json(&second);
    assert_eq!(report["api_calls"]["write"], 0, "{}", transcript(&second));
    assert_eq!(report["actions_applied"], 0);
    assert_eq!(report["score_after"], report["score_before"]);

    let verify = at(&with_state(&["--output", "json", "verify"]));
    assert_eq!(code(&verify), 0, "{}", transcript(&verify));
    let v = json(&verify);
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["score"]["percent"].as_f64().unwrap(), after);
    for c in v["controls"].as_array().unwrap() {
        assert!(c["id"].is_string() && c["status"].is_string() && c["regions_failed"].is_array());
    }
}

#[test]
fn plan_detailed_exitcode_is_2_with_changes() {
    let out = run(&[
        "--simulate",
        "--output",
        "json",
        "plan",
        "--detailed-exitcode",
    ]);
    assert_eq!(code(&out), 2, "{}", transcript(&out));
    let plan = json(&out);
    assert_eq!(plan["format_version"], 1);
    assert!(!plan["actions"].as_array().unwrap().is_empty());
}

/// A saved plan applies while the account is unchanged, and is refused once it changed.
#[test]
fn saved_plans_are_applied_only_while_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);

    let saved = at(&["--sim-state", "a.json", "plan", "--out", "plan.json"]);
    assert_eq!(code(&saved), 0, "{}", transcript(&saved));
    let applied = at(&[
        "--sim-state",
        "a.json",
        "apply",
        "plan.json",
        "--auto-approve",
    ]);
    assert_eq!(code(&applied), 0, "{}", transcript(&applied));

    // The account has changed since `plan.json` was made.
    let stale = at(&[
        "--sim-state",
        "a.json",
        "apply",
        "plan.json",
        "--auto-approve",
    ]);
    assert_eq!(code(&stale), 1, "{}", transcript(&stale));
    let err = stderr(&stale);
    assert!(
        err.starts_with("error: plan is stale: the account changed since the plan was made")
            && err.contains("run `secure-account plan` again"),
        "{err}"
    );
}

/// A saved plan is not trusted input: a plan file edited to trust another account is
/// refused with the first difference, and nothing changes; flags that contradict the plan
/// file and a plan from another account are errors that say so.
#[test]
fn a_tampered_saved_plan_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    let saved = at(&["--sim-state", "a.json", "plan", "--out", "plan.json"]);
    assert_eq!(code(&saved), 0, "{}", transcript(&saved));
    // Make the state file exist, so that "changes nothing" can be checked byte for byte.
    let snap = at(&["--sim-state", "a.json", "snapshot"]);
    assert_eq!(code(&snap), 0, "{}", transcript(&snap));
    let text = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    let mut plan: Value = serde_json::from_str(&text).unwrap();
    let role = plan["actions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["action"] == "create_role")
        .unwrap();
    role["params"]["assume_role_policy_document"] = Value::String(
        r#"{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"}}],"Version":"2012-10-17"}"#.into(),
    );
    std::fs::write(dir.path().join("tampered.json"), plan.to_string()).unwrap();
    let before = std::fs::read(dir.path().join("a.json")).ok();

    let refused = at(&[
        "--sim-state",
        "a.json",
        "apply",
        "tampered.json",
        "--auto-approve",
    ]);
    assert_eq!(code(&refused), 1, "{}", transcript(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("refusing the saved plan")
            && err.contains("global/create_role/secure-account-cloudtrail-to-logs")
            && err.contains("assume_role_policy_document")
            && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.path().join("a.json")).ok(), before);

    // Flags that contradict the plan file.
    for flags in [
        &["--baseline", "seed-2024-08"][..],
        &["--region", "eu-west-1"][..],
        &["--regions", "us-east-1"][..],
    ] {
        let mut args = vec!["--sim-state", "a.json"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["apply", "plan.json", "--auto-approve"]);
        let out = at(&args);
        assert_eq!(code(&out), 1, "{}", transcript(&out));
        assert!(
            stderr(&out).contains("contradicts the plan file"),
            "{}",
            transcript(&out)
        );
    }

    // A plan from another account says so.
    plan = serde_json::from_str(&text).unwrap();
    plan["account_id"] = Value::String("210987654321".into());
    std::fs::write(dir.path().join("other.json"), plan.to_string()).unwrap();
    let other = at(&[
        "--sim-state",
        "a.json",
        "apply",
        "other.json",
        "--auto-approve",
    ]);
    assert_eq!(code(&other), 1, "{}", transcript(&other));
    assert!(
        stderr(&other).contains("the plan was made for account 210987654321"),
        "{}",
        transcript(&other)
    );
    assert_eq!(std::fs::read(dir.path().join("a.json")).ok(), before);

    // The untouched plan still applies.
    let applied = at(&[
        "--sim-state",
        "a.json",
        "apply",
        "plan.json",
        "--auto-approve",
    ]);
    assert_eq!(code(&applied), 0, "{}", transcript(&applied));
}

/// A home region the account has not enabled is an error naming the enabled regions.
#[test]
fn a_home_region_not_enabled_is_refused_naming_the_enabled_ones() {
    let out = run(&["--simulate", "--region", "af-south-1", "plan"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the home region `af-south-1` is not enabled for this account")
            && err.contains("us-east-1"),
        "{err}"
    );
}

/// A score computed with parts unreadable is incomplete: the JSON says so with the parts,
/// the manual tasks that could not be checked are listed as unknown, and `--min-score`
/// fails on it unless `--allow-incomplete` is given.
#[test]
fn an_incomplete_read_never_passes_min_score() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    std::fs::write(
        dir.path().join("deny.json"),
        r#"{"deny_reads": ["root", "security_contact"]}"#,
    )
    .unwrap();
    let base = ["--simulate", "--sim-faults", "deny.json"];
    let verify = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        at(&args)
    };
    let out = verify(&["--output", "json", "verify", "--min-score", "0"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let v = json(&out);
    assert_eq!(v["score"]["incomplete"], true, "{v}");
    assert_eq!(
        v["score"]["unread_parts"],
        serde_json::json!(["global/root", "global/security_contact"])
    );
    let unknown: Vec<&str> = v["manual_tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["unknown"] == true)
        .map(|t| t["control"].as_str().unwrap())
        .collect();
    assert_eq!(unknown, ["Account.1", "IAM.4", "IAM.6"]);
    assert!(
        stderr(&out).contains("the FSBP score is incomplete"),
        "{}",
        transcript(&out)
    );

    let text = verify(&["verify"]);
    assert_eq!(code(&text), 0, "{}", transcript(&text));
    assert!(
        String::from_utf8_lossy(&text.stdout).starts_with("INCOMPLETE SCORE: 2 part(s)"),
        "{}",
        transcript(&text)
    );
    let allowed = verify(&["verify", "--min-score", "0", "--allow-incomplete"]);
    assert_eq!(code(&allowed), 0, "{}", transcript(&allowed));
}

/// Spawns the binary in `dir` with stderr piped, and waits for its first stderr line.
fn spawn_and_wait_for_stderr(dir: &Path, args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead as _;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

/// The state file is locked for the whole command: a second run waits for the first
/// instead of losing its changes; Ctrl-C while it waits exits 130 and leaves no temporary
/// file behind.
#[test]
fn the_state_file_is_locked_and_interrupts_leave_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let lock = std::fs::File::create(dir.path().join(".a.json.lock")).unwrap();
    lock.lock().unwrap();
    let args = ["--sim-state", "a.json", "apply", "--auto-approve"];

    let (child, line) = spawn_and_wait_for_stderr(dir.path(), &args);
    assert!(
        line.starts_with("waiting for another secure-account command"),
        "{line}"
    );
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", transcript(&out));
    assert!(!dir.path().join("a.json").exists());

    let (child, line) = spawn_and_wait_for_stderr(dir.path(), &args);
    assert!(line.starts_with("waiting for another"), "{line}");
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A fault file with a probability outside 0–1 or an unknown part is refused;
/// `--sim-faults transient:SEED` takes a seed.
#[test]
fn fault_files_are_validated_and_transient_takes_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    for (file, text, expected) in [
        (
            "p.json",
            r#"{"write_throttle_probability": 1.5}"#,
            "between 0 and 1",
        ),
        (
            "r.json",
            r#"{"deny_reads": ["us-east-1/gardduty"]}"#,
            "names no part",
        ),
    ] {
        std::fs::write(dir.path().join(file), text).unwrap();
        let out = at(&["--simulate", "--sim-faults", file, "plan"]);
        assert_eq!(code(&out), 1, "{}", transcript(&out));
        assert!(stderr(&out).contains(expected), "{}", transcript(&out));
    }
    let seeded = |seed: &str| {
        let out = at(&[
            "--simulate",
            "--sim-faults",
            &format!("transient:{seed}"),
            "--output",
            "json",
            "apply",
            "--auto-approve",
        ]);
        assert_eq!(code(&out), 0, "{}", transcript(&out));
        json(&out)["api_calls"]["retries"].clone()
    };
    assert_eq!(seeded("7"), seeded("7"));
    let bad = at(&["--simulate", "--sim-faults", "transient:x", "plan"]);
    assert_eq!(code(&bad), 1, "{}", transcript(&bad));
}

/// A state file with two buckets of one name is a clear error, not a plan with duplicate
/// action ids.
#[test]
fn a_state_file_with_duplicate_ids_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    let made = at(&["--sim-state", "a.json", "apply", "--auto-approve"]);
    assert_eq!(code(&made), 0, "{}", transcript(&made));
    let path = dir.path().join("a.json");
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let buckets = state["account"]["global"]["buckets"]
        .as_array_mut()
        .unwrap();
    let first = buckets[0].clone();
    buckets.push(first);
    std::fs::write(&path, state.to_string()).unwrap();
    let out = at(&["--sim-state", "a.json", "plan"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    assert!(
        stderr(&out).contains("two buckets have the id"),
        "{}",
        transcript(&out)
    );
}

/// Audit logs that would expire within days are refused with the reason.
#[test]
fn a_log_expiration_of_one_day_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.toml"), "log_expiration_days = 1\n").unwrap();
    let out = run_in(dir.path(), &["--simulate", "--baseline", "b.toml", "plan"]);
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let err = stderr(&out);
    assert!(
        err.contains("log_expiration_days") && err.contains("audit logs"),
        "{err}"
    );
}

/// Finds the ledger line of the action whose id starts with `prefix`.
fn result<'a>(report: &'a Value, prefix: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no result for `{prefix}`"))
}

/// A refused action fails with AWS's code and message, its dependants do not run, the
/// rest goes on, and a later run without the fault converges.
#[test]
fn a_denied_action_fails_honestly_and_a_rerun_converges() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    std::fs::write(
        dir.path().join("deny.json"),
        r#"{"deny_actions": ["create_trail"]}"#,
    )
    .unwrap();

    let first = at(&[
        "--sim-state",
        "a.json",
        "--sim-faults",
        "deny.json",
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&first), 1, "{}", transcript(&first));
    let report = json(&first);
    assert_eq!(report["actions_failed"], 1);
    let trail = result(&report, "us-east-1/create_trail");
    assert_eq!(trail["status"], "failed");
    assert_eq!(trail["error"]["code"], "AccessDeniedException");
    assert!(
        trail["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cloudtrail:CreateTrail")
    );
    let logging = result(&report, "us-east-1/start_logging");
    assert_eq!(logging["status"], "not_run");
    assert_eq!(logging["reason"], "dependency_failed");
    assert!(
        report["actions_applied"].as_u64().unwrap() > 100,
        "other regions went on"
    );
    assert!(
        stderr(&first).trim_end().ends_with(
            "error: 1 action failed and 1 did not run; fix the cause shown above and run \
             `secure-account --sim-state a.json apply` again"
        ),
        "{}",
        transcript(&first)
    );

    let second = at(&[
        "--sim-state",
        "a.json",
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    assert_eq!(json(&second)["actions_failed"], 0);
    let plan = at(&["--sim-state", "a.json", "plan", "--detailed-exitcode"]);
    assert_eq!(code(&plan), 0, "{}", transcript(&plan));
}

/// A crash between two calls stops the run at once; the state reached is saved, and the
/// next run finishes the job.
#[test]
fn a_crash_interrupts_and_a_rerun_converges() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    std::fs::write(
        dir.path().join("crash.json"),
        r#"{"crash_after_writes": 40}"#,
    )
    .unwrap();

    let first = at(&[
        "--sim-state",
        "a.json",
        "--sim-faults",
        "crash.json",
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&first), 1, "{}", transcript(&first));
    let report = json(&first);
    assert_eq!(report["interrupted"], true);
    assert_eq!(report["score_after"], Value::Null);
    assert!(report["actions_not_run"].as_u64().unwrap() > 0);
    assert_eq!(report["api_calls"]["write"], 40);

    let second = at(&[
        "--sim-state",
        "a.json",
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    let plan = at(&["--sim-state", "a.json", "plan", "--detailed-exitcode"]);
    assert_eq!(code(&plan), 0, "{}", transcript(&plan));
}

/// Throttling and propagation lag are retried and counted, and change nothing else. The
/// retries are progress: told on stderr, except with `--output json`.
#[test]
fn transient_faults_are_retried() {
    let out = run(&[
        "--simulate",
        "--sim-faults",
        "transient",
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let report = json(&out);
    assert_eq!(report["actions_failed"], 0);
    let retries = report["api_calls"]["retries"].as_u64().unwrap();
    assert!(retries > 0);
    assert_eq!(
        report["api_calls"]["write"].as_u64().unwrap(),
        report["actions_applied"].as_u64().unwrap() + retries,
        "one write per attempt"
    );
    assert!(!stderr(&out).contains("retrying "), "{}", transcript(&out));
    let text = run(&[
        "--simulate",
        "--sim-faults",
        "transient",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&text), 0, "{}", transcript(&text));
    // Off a terminal, the retries are counted in the round's line, not told one by one.
    let err = stderr(&text);
    assert!(!err.contains("retrying "), "{}", transcript(&text));
    assert!(
        err.lines()
            .any(|l| l.starts_with("  round 1: ") && l.contains(" calls retried;")),
        "{}",
        transcript(&text)
    );
}

#[test]
fn controls_diff_names_new_and_removed_controls() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog: Value =
        serde_json::from_str(include_str!("../../core/data/fsbp-catalog.json")).unwrap();
    let controls = catalog["controls"].as_array_mut().unwrap();
    let mut new = controls[0].clone();
    new["id"] = "EC2.183".into();
    controls.retain(|c| c["id"] != "S3.1");
    controls.push(new);
    let path = dir.path().join("next.json");
    std::fs::write(&path, catalog.to_string()).unwrap();
    let out = run(&[
        "controls",
        "diff",
        "--against",
        path.to_str().unwrap(),
        "--output",
        "json",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let diff = json(&out);
    assert_eq!(diff["added"], serde_json::json!(["EC2.183"]));
    assert_eq!(diff["removed"], serde_json::json!(["S3.1"]));
    // The same catalog: no difference, exit 0.
    let same = run(&[
        "controls",
        "diff",
        "--against",
        "../core/data/fsbp-catalog.json",
    ]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    // Without a file, the live standard of an account that has none subscribed yet.
    let live = run(&["--simulate", "controls", "diff"]);
    assert_eq!(code(&live), 1);
    assert!(
        stderr(&live).contains("--against FILE"),
        "{}",
        stderr(&live)
    );
}

/// `cost` on the fresh simulated account: a readable table (pinned), and JSON with items
/// (service, region, monthly_usd low/typical/high, assumption), a total that is their sum,
/// and the price table's date; `plan` carries the same change.
#[test]
fn cost_itemises_the_baseline_with_its_assumptions() {
    assert_cli_snapshot!("cost_fresh", run(&["--simulate", "cost"]));
    let out = run(&["--simulate", "--output", "json", "cost"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let cost = json(&out);
    assert_eq!(cost["format_version"], 1);
    assert!(cost["prices_as_of"].as_str().unwrap().len() == 10);
    let items = cost["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let mut sum = [0.0f64; 3];
    for i in items {
        assert!(i["service"].is_string() && i["region"].is_string(), "{i}");
        assert!(!i["assumption"].as_str().unwrap().is_empty(), "{i}");
        for (k, s) in ["low", "typical", "high"].iter().zip(sum.iter_mut()) {
            *s += i["monthly_usd"][k].as_f64().unwrap();
        }
    }
    for (k, s) in ["low", "typical", "high"].iter().zip(sum) {
        let total = cost["total"][k].as_f64().unwrap();
        assert!((total - s).abs() < 0.005, "{k}: total {total}, items {s}");
    }
    assert!(cost["total"]["low"].as_f64() <= cost["total"]["typical"].as_f64());
    assert!(cost["total"]["typical"].as_f64() <= cost["total"]["high"].as_f64());
    // The plan's cost change is what `cost` says the plan adds.
    let plan = json(&run(&["--simulate", "--output", "json", "plan"]));
    assert_eq!(plan["monthly_cost"]["change"], cost["plan_change"]);
    // Macie's automated discovery, Inspector's Lambda code scanning, and GuardDuty's six
    // paid protection plans.
    assert_eq!(cost["switches"].as_array().unwrap().len(), 8);
}

/// Issue 7, item 6: `controls diff --write FILE` saves the live standard as a catalog
/// file for review: the reviewed catalog plus the live controls it lacks, as placeholders
/// that say so; the saved file then diffs like any catalog file.
#[test]
fn controls_diff_writes_the_live_standard_as_a_catalog_for_review() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("account.json");
    let state = state.to_str().unwrap();
    let applied = run(&[
        "--simulate",
        "--sim-state",
        state,
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&applied), 0, "{}", transcript(&applied));
    // AWS adds a control to the standard after the catalog was reviewed.
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    saved["account"]["regions"]["eu-west-1"]["services"]["security_hub"]["fsbp_controls"]["EC2.999"] =
        serde_json::json!({"enabled": true});
    std::fs::write(state, saved.to_string()).unwrap();
    let out = dir.path().join("next-catalog.json");
    let out_s = out.to_str().unwrap();
    let diff = run(&["--sim-state", state, "controls", "diff", "--write", out_s]);
    assert_eq!(code(&diff), 2, "{}", transcript(&diff));
    assert!(
        transcript(&diff).contains("EC2.999"),
        "{}",
        transcript(&diff)
    );
    assert!(stderr(&diff).contains("wrote catalog"), "{}", stderr(&diff));
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let new = written["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "EC2.999")
        .expect("the live control is in the written catalog");
    assert!(
        new["title"].as_str().unwrap().starts_with("NOT REVIEWED"),
        "{new}"
    );
    assert!(written["version"].as_str().unwrap().ends_with("+live"));
    // The written file is a catalog: diffing against it names the new control.
    let again = run(&["controls", "diff", "--against", out_s, "--output", "json"]);
    assert_eq!(code(&again), 2, "{}", transcript(&again));
    assert_eq!(json(&again)["added"], serde_json::json!(["EC2.999"]));
}

/// Issue 7's "done when": on `newer-standard` (a fresh account whose FSBP, once subscribed,
/// has two controls the catalog lacks) apply runs in rounds and ends with an empty plan,
/// and verify lists both new controls as disabled, "not yet reviewed".
#[test]
fn newer_standard_converges_in_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    let out = at(&[
        "--simulate",
        "newer-standard",
        "--sim-state",
        "account.json",
        "--output",
        "json",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let report = json(&out);
    assert_eq!(report["converged"], true);
    let rounds = report["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2, "{rounds:?}");
    assert!(rounds[1]["actions_applied"].as_u64().unwrap() > 0);
    // The readiness wait: reads, counted apart from retries.
    assert!(
        report["api_calls"]["standard_wait"]["polls"]
            .as_u64()
            .unwrap()
            >= 17
    );

    let plan = at(&["--sim-state", "account.json", "plan", "--detailed-exitcode"]);
    assert_eq!(code(&plan), 0, "{}", transcript(&plan));

    let verify = at(&["--sim-state", "account.json", "--output", "json", "verify"]);
    let v = json(&verify);
    for id in ["Bedrock.1", "EC2.184"] {
        let line = v["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed"));
        assert_eq!(line["status"], "disabled", "{line}");
        assert!(
            line["reason"]
                .as_str()
                .unwrap()
                .starts_with("not yet reviewed"),
            "{line}"
        );
    }
}

/// `--output json`: stdout is the report and stderr carries diagnostics only, no plan and
/// no progress (issue: progress on a real apply). A failed action is a diagnostic.
#[test]
fn apply_json_keeps_stderr_for_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["--simulate", "apply", "--auto-approve", "--output", "json"],
    );
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    assert_eq!(stderr(&out), "", "{}", transcript(&out));
    let report = json(&out);
    assert_eq!(report["actions_failed"], 0);
    for wait in ["standard_wait", "inspector_wait"] {
        assert!(
            report["api_calls"][wait]["polls"].as_u64().unwrap() >= 17,
            "{wait}: {}",
            report["api_calls"]
        );
    }

    std::fs::write(
        dir.path().join("deny.json"),
        r#"{"deny_actions": ["create_detector"], "failed_inspector": ["eu-west-1"]}"#,
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "--simulate",
            "--sim-faults",
            "deny.json",
            "--output",
            "json",
            "apply",
            "--auto-approve",
            "--max-rounds",
            "1",
        ],
    );
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let report = json(&out);
    assert_eq!(
        result(&report, "eu-west-1/enable_inspector")["status"],
        "failed"
    );
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    // One line per failed action (17 detectors, one Inspector), then the error.
    assert_eq!(lines.len(), 17 + 1 + 1, "{err}");
    for line in &lines[..18] {
        assert!(line.contains("failed"), "{line}");
    }
    assert!(
        lines.iter().any(|l| l.contains(
            "eu-west-1/enable_inspector: INTERNAL_ERROR: Inspector EC2 scanning ended DISABLED"
        )),
        "{err}"
    );
    assert!(lines[18].starts_with("error: 18 actions failed"), "{err}");
    for progress in [
        "applied", "waiting", "waited", "retrying", "Plan:", "not run",
    ] {
        assert!(
            !lines[..18].iter().any(|l| l.contains(progress)),
            "`{progress}` on stderr: {err}"
        );
    }
}

/// Without a terminal, the progress is a few lines per phase: the round starting, each
/// kind of readiness wait starting, the round's counts; not a line per action. The summary
/// on stdout counts by service and region (account-wide, then the home region, first) and
/// names the longest waits, and ends with the next command.
#[test]
fn plain_progress_is_a_few_lines_per_phase_and_the_summary_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--simulate", "apply", "--auto-approve"]);
    assert_eq!(code(&out), 0, "{}", transcript(&out));
    let err = stderr(&out);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "Applying 436 actions in 17 regions…",
            "  waiting for Inspector EC2, ECR, LAMBDA_CODE, LAMBDA to be ENABLED…",
            "  waiting for Inspector EC2, ECR, LAMBDA to be ENABLED…",
            "  waiting for the FSBP standard to be READY…",
            "  round 1: 436 applied, 0 failed, 0 not run; reading the account again…",
        ],
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\nApplied by region:\n  account-wide 5 · us-east-1 (home) 46 · "),
        "{stdout}"
    );
    let waits = stdout
        .split("\nReadiness waits: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        waits.starts_with("inspector2 17, longest ") && waits.contains("securityhub 17,"),
        "{waits}"
    );
    assert!(
        stdout
            .trim_end()
            .ends_with("\nNext: secure-account --simulate fresh verify"),
        "{stdout}"
    );
}
