//! The adversarial cases of "Converge to the baseline, not to the plan" (issue 18), one
//! test per numbered case, run on the built binary against the simulated account: the tool
//! never says "done" on an account that misses its baseline, its report survives every
//! failure, and it writes and reads files safely.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_secure-account");

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn transcript(output: &Output) -> String {
    format!(
        "exit: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        stderr(output)
    )
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", transcript(output)))
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// Starts the binary in `dir` with `args` and waits until it says it waits for the lock of
/// the state file another command holds.
fn spawn_waiting_for_the_lock(dir: &Path, args: &[&str]) -> std::process::Child {
    use std::io::BufRead as _;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("waiting for another secure-account command"),
        "{line}"
    );
    child
}

/// Case 1: two actions denied once; the next apply plans them again (the trail exists by
/// then, so they are compared with the account, not only planned with its creation) and
/// converges; the plan after it is empty and the key rotates.
#[test]
fn case_1_settings_denied_once_are_planned_again_until_the_account_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    write(
        dir.path(),
        "deny.json",
        r#"{"deny_actions":["enable_key_rotation","put_retention_policy"]}"#,
    );
    let common = ["--sim-state", "a.json", "--regions", "us-east-1"];
    let first = at(&[
        &common[..],
        &["--sim-faults", "deny.json", "apply", "--auto-approve"],
    ]
    .concat());
    assert_eq!(code(&first), 1, "{}", transcript(&first));

    let plan = at(&[&common[..], &["--output", "json", "plan"]].concat());
    let actions: Vec<String> = json(&plan)["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect();
    assert!(
        actions.contains(&"enable_key_rotation".to_string())
            && actions.contains(&"put_retention_policy".to_string()),
        "the denied settings are planned again: {actions:?}"
    );
    let detailed = at(&[&common[..], &["plan", "--detailed-exitcode"]].concat());
    assert_eq!(
        code(&detailed),
        2,
        "changes remain: {}",
        transcript(&detailed)
    );

    let second = at(&[&common[..], &["apply", "--auto-approve"]].concat());
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    let after = at(&[&common[..], &["plan", "--detailed-exitcode"]].concat());
    assert_eq!(code(&after), 0, "{}", transcript(&after));
    let text = std::fs::read_to_string(dir.path().join("a.json")).unwrap();
    assert!(
        !text.contains("\"rotation_enabled\": false"),
        "every key rotates now"
    );
}

/// Case 2: the account stops answering after 30 writes; the report of what ran is still
/// printed, as JSON on stdout and as text, and the run fails saying why.
#[test]
fn case_2_the_report_survives_a_failed_read_after_apply() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    write(
        dir.path(),
        "gone.json",
        r#"{"unreachable_after_writes":30}"#,
    );
    let args = [
        "--sim-state",
        "a.json",
        "--regions",
        "us-east-1",
        "--sim-faults",
        "gone.json",
    ];
    let out = at(&[&args[..], &["--output", "json", "apply", "--auto-approve"]].concat());
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let report = json(&out);
    assert!(
        report["actions_applied"].as_u64().unwrap() >= 30,
        "{report}"
    );
    assert_eq!(
        report["read_after_error"]["code"], "secure-account:DispatchFailure",
        "{report}"
    );
    assert_eq!(report["score_after"], Value::Null);
    assert!(stderr(&out).contains("but reading the account again failed"));

    std::fs::remove_file(dir.path().join("a.json")).unwrap();
    let text = at(&[&args[..], &["apply", "--auto-approve"]].concat());
    assert_eq!(code(&text), 1, "{}", transcript(&text));
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("Applied by region:"),
        "{}",
        transcript(&text)
    );
    assert!(
        stdout.contains("The account could not be read again after the run"),
        "{}",
        transcript(&text)
    );
}

/// Case 3: a home region outside `--regions` is refused before anything is read or
/// written, naming both ways out.
#[test]
fn case_3_a_home_region_outside_the_regions_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            "--simulate",
            "--sim-state",
            "a.json",
            "--region",
            "eu-west-1",
            "--regions",
            "us-east-1",
            "apply",
            "--auto-approve",
        ],
    );
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the home region `eu-west-1` is outside the regions worked on")
            && err.contains("--regions us-east-1,eu-west-1")
            && err.contains("--region us-east-1"),
        "{err}"
    );
    assert!(
        !dir.path().join("a.json").exists(),
        "refused before the account was touched"
    );
}

/// Case 4: a crash after 100 writes: the report counts the 100 writes that landed as
/// applied, with their attempts, and the state reached is saved.
#[test]
fn case_4_a_crash_report_counts_the_writes_that_landed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "crash.json", r#"{"crash_after_writes":100}"#);
    let out = run_in(
        dir.path(),
        &[
            "--sim-state",
            "a.json",
            "--sim-faults",
            "crash.json",
            "--output",
            "json",
            "apply",
            "--auto-approve",
        ],
    );
    assert_eq!(code(&out), 1, "{}", transcript(&out));
    let report = json(&out);
    assert_eq!(report["interrupted"], true);
    assert_eq!(report["api_calls"]["write"], 100);
    assert_eq!(report["actions_applied"], 100, "{report}");
    let results = report["results"].as_array().unwrap();
    let zero_attempts_but_taken: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] != "not_run" && r["status"] != "skipped")
        .filter(|r| r["attempts"] == 0)
        .collect();
    assert!(
        zero_attempts_but_taken.is_empty(),
        "an action that ran has its attempts: {zero_attempts_but_taken:?}"
    );
    let attempts: u64 = results
        .iter()
        .map(|r| r["attempts"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(attempts, 100, "every write is an attempt of one action");
}

/// Case 5: outputs never replace a device, a FIFO, a dangling link or this command's own
/// state file; a link to a regular file is followed and kept; no temporary file is left.
#[test]
fn case_5_files_are_written_safely() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    let plan_to = |out: &str| {
        at(&[
            "--simulate",
            "--sim-state",
            "a.json",
            "--regions",
            "us-east-1",
            "plan",
            "--out",
            out,
        ])
    };
    // The state file exists (a plan run does not save it): an apply makes it.
    let made = at(&[
        "--sim-state",
        "a.json",
        "--regions",
        "us-east-1",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&made), 0, "{}", transcript(&made));
    let before = std::fs::read(dir.path().join("a.json")).unwrap();

    let same = plan_to("a.json");
    assert_eq!(code(&same), 1, "{}", transcript(&same));
    assert!(
        stderr(&same).contains("is a file this command reads"),
        "{}",
        stderr(&same)
    );
    std::os::unix::fs::symlink("a.json", dir.path().join("link.json")).unwrap();
    let via_link = plan_to("link.json");
    assert_eq!(code(&via_link), 1, "{}", transcript(&via_link));
    assert_eq!(std::fs::read(dir.path().join("a.json")).unwrap(), before);

    // A device node of our own (as root, as CI runs; a user cannot make one), never the
    // machine's: were the check lost, the test must not replace `/dev/null`.
    let device = dir.path().join("null");
    if Command::new("mknod")
        .args([device.to_str().unwrap(), "c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        let to_device = plan_to("null");
        assert_eq!(code(&to_device), 1, "{}", transcript(&to_device));
        assert!(stderr(&to_device).contains("is not a regular file"));
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::metadata(&device)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }

    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let to_fifo = plan_to("fifo");
    assert_eq!(code(&to_fifo), 1, "{}", transcript(&to_fifo));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    std::os::unix::fs::symlink("/nonexistent-dir/x", dir.path().join("dangling")).unwrap();
    let dangling = plan_to("dangling");
    assert_eq!(code(&dangling), 1, "{}", transcript(&dangling));
    assert!(stderr(&dangling).contains("symbolic link to nothing"));

    std::fs::write(dir.path().join("real.json"), "old").unwrap();
    std::os::unix::fs::symlink("real.json", dir.path().join("to-real.json")).unwrap();
    let followed = plan_to("to-real.json");
    assert_eq!(code(&followed), 0, "{}", transcript(&followed));
    assert!(
        std::fs::symlink_metadata(dir.path().join("to-real.json"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    let saved = std::fs::read_to_string(dir.path().join("real.json")).unwrap();
    assert!(
        saved.contains("\"format_version\""),
        "the plan is in the file"
    );

    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Case 5: a state file reached through a link takes the lock of the file itself, so a
/// second command on the same account waits.
#[test]
fn case_5_a_linked_state_file_shares_the_lock_of_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let made = run_in(
        dir.path(),
        &[
            "--sim-state",
            "a.json",
            "--regions",
            "us-east-1",
            "apply",
            "--auto-approve",
        ],
    );
    assert_eq!(code(&made), 0, "{}", transcript(&made));
    std::os::unix::fs::symlink(dir.path().join("a.json"), dir.path().join("link.json")).unwrap();
    let lock = std::fs::File::create(dir.path().join(".a.json.lock")).unwrap();
    lock.lock().unwrap();
    let child = spawn_waiting_for_the_lock(
        dir.path(),
        &["--sim-state", "link.json", "--regions", "us-east-1", "plan"],
    );
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
}

/// Case 6: a bad bucket name or contact is refused before any write; an input file that
/// never ends or is far too large is refused at once.
#[test]
fn case_6_inputs_are_validated_and_capped_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    write(
        dir.path(),
        "bad.toml",
        "extends = \"fsbp\"\n[names]\nlog_bucket = \"Bad_Bucket\"\n",
    );
    let bad = at(&[
        "--sim-state",
        "a.json",
        "--baseline",
        "bad.toml",
        "apply",
        "--auto-approve",
    ]);
    assert_eq!(code(&bad), 1, "{}", transcript(&bad));
    assert!(
        stderr(&bad).contains("not a valid S3 bucket name"),
        "{}",
        stderr(&bad)
    );
    assert!(!dir.path().join("a.json").exists(), "nothing ran");

    let started = std::time::Instant::now();
    let zero = at(&["--simulate", "apply", "/dev/zero"]);
    assert_eq!(code(&zero), 1, "{}", transcript(&zero));
    assert!(
        stderr(&zero).contains("is larger than 16 MiB"),
        "{}",
        stderr(&zero)
    );
    assert!(
        started.elapsed().as_secs() < 30,
        "refused at the cap, not after reading all"
    );

    let big = "#".repeat(2 << 20);
    write(dir.path(), "big.toml", &big);
    let too_big = at(&["--simulate", "--baseline", "big.toml", "plan"]);
    assert_eq!(code(&too_big), 1, "{}", transcript(&too_big));
    assert!(
        stderr(&too_big).contains("larger than 1 MiB"),
        "{}",
        stderr(&too_big)
    );
}

/// Case 7: the create call's tags are dropped (as moto does) and the run crashes right
/// after the buckets were made: the journal written before each `CreateBucket` makes them
/// the tool's on the next run, which tags them and converges. Without the journal they
/// would be a name someone else took, and the trail and Config would never be planned.
#[test]
fn case_7_a_bucket_whose_tag_was_lost_is_still_the_tools() {
    let dir = tempfile::tempdir().unwrap();
    let at = |args: &[&str]| run_in(dir.path(), args);
    write(
        dir.path(),
        "untagged.json",
        r#"{"untagged_creates":true,"crash_after_writes":10}"#,
    );
    let common = ["--sim-state", "a.json", "--regions", "us-east-1"];
    let first = at(&[
        &common[..],
        &["--sim-faults", "untagged.json", "apply", "--auto-approve"],
    ]
    .concat());
    assert_eq!(code(&first), 1, "{}", transcript(&first));
    let journal = dir.path().join(".a.json.journal-123456789012.json");
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&journal).unwrap()).unwrap();
    assert_eq!(
        recorded["buckets"],
        serde_json::json!([
            "cloudtrail-logs-123456789012",
            "s3-access-logs-123456789012"
        ])
    );

    // The journal gone, the untagged buckets look like someone else's.
    let kept = dir.path().join("journal.bak");
    std::fs::rename(&journal, &kept).unwrap();
    let blind = at(&[&common[..], &["plan"]].concat());
    let text = String::from_utf8_lossy(&blind.stdout).into_owned();
    assert!(text.contains("name_taken"), "{}", transcript(&blind));
    std::fs::rename(&kept, &journal).unwrap();

    let plan = at(&[&common[..], &["--output", "json", "plan"]].concat());
    let plan = json(&plan);
    assert!(
        plan["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["reason"] != "name_taken")
    );
    let tagged: Vec<&str> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "put_bucket_tagging")
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(tagged.len(), 2, "{tagged:?}");

    let second = at(&[&common[..], &["apply", "--auto-approve"]].concat());
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    let after = at(&[&common[..], &["plan", "--detailed-exitcode"]].concat());
    assert_eq!(code(&after), 0, "{}", transcript(&after));
    let state = std::fs::read_to_string(dir.path().join("a.json")).unwrap();
    assert!(
        state
            .matches("\"secure-account:managed\": \"true\"")
            .count()
            >= 2,
        "the buckets carry the tool's tag again"
    );
}

/// Case 4: SIGTERM is handled like Ctrl-C: the command stops cleanly with exit 143 (not
/// killed by the signal), leaving no temporary file.
#[test]
fn case_4_sigterm_stops_like_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let lock = std::fs::File::create(dir.path().join(".a.json.lock")).unwrap();
    lock.lock().unwrap();
    let child = spawn_waiting_for_the_lock(
        dir.path(),
        &["--sim-state", "a.json", "apply", "--auto-approve"],
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143), "{}", transcript(&out));
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
