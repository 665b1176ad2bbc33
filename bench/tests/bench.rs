//! `secure-account-bench` (SPEC §9) in a quick mode, through the built binary: the
//! deterministic figures (virtual time, API calls) against their targets, and the JSON
//! shape. The CPU figures depend on the machine and are only checked to be present.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The benchmark binary, built by cargo for this integration test.
const BIN: &str = env!("CARGO_BIN_EXE_secure-account-bench");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// A quick run: few plans and samples (the debug planner takes tens of milliseconds).
/// The fleet figures have a test of their own (`fleet.rs`).
const QUICK: &[&str] = &["--plans", "20", "--samples", "5", "--fleet", "0"];

fn bench_json(extra: &[&str]) -> Value {
    let mut args = QUICK.to_vec();
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--output", "json"]);
    let out = run(&args);
    assert!(
        out.status.success(),
        "bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("bench --output json prints JSON")
}

fn f(v: &Value, path: &str) -> f64 {
    v.pointer(path)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{path} is a number in {v:#}"))
}

fn u(v: &Value, path: &str) -> u64 {
    v.pointer(path)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("{path} is an integer in {v:#}"))
}

#[test]
fn the_benchmark_meets_the_apply_targets_and_prints_every_figure() {
    let v = bench_json(&[]);

    assert_eq!(u(&v, "/format_version"), 1);
    assert_eq!(v["scenario"], "fresh");
    assert_eq!(v["baseline"], "fsbp");
    assert_eq!(u(&v, "/regions"), 17);
    let expected_profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    assert_eq!(v["profile"], expected_profile);

    let actions = u(&v, "/plan_actions");
    assert!(actions > 0);
    let critical = f(&v, "/critical_path/ms");
    let chain = v["critical_path"]["actions"]
        .as_array()
        .expect("the critical path lists its actions");
    assert!(critical > 0.0 && !chain.is_empty());

    // SPEC §9: a fresh 17-region apply takes at most 1.2 × the critical path, and makes
    // no more write calls than the plan has actions (no faults here, so no retries).
    let concurrent = f(&v, "/concurrent_apply/virtual_ms");
    let sequential = f(&v, "/sequential_apply/virtual_ms");
    assert!(
        concurrent >= critical,
        "no apply beats the critical path: {concurrent} < {critical}"
    );
    assert!(
        concurrent <= 1.2 * critical,
        "concurrent apply {concurrent} ms > 1.2 × critical path {critical} ms"
    );
    assert!(sequential > concurrent, "{sequential} <= {concurrent}");
    assert_eq!(u(&v, "/sequential_apply/concurrency"), 1);
    for run in ["concurrent_apply", "sequential_apply"] {
        assert_eq!(u(&v, &format!("/{run}/retries")), 0, "{run}");
        assert_eq!(u(&v, &format!("/{run}/write_calls")), actions, "{run}");
        assert_eq!(u(&v, &format!("/{run}/actions_applied")), actions, "{run}");
    }
    assert_eq!(v["ratios"]["concurrent_over_critical_path_met"], true);
    assert_eq!(v["ratios"]["writes_equal_actions_plus_retries"], true);
    let ratio = f(&v, "/ratios/concurrent_over_critical_path");
    assert!((ratio - concurrent / critical).abs() < 1e-9);
    let speed_up = f(&v, "/ratios/sequential_over_concurrent");
    assert!((speed_up - sequential / concurrent).abs() < 1e-9);

    // CPU figures: present and plausible, never compared with a time.
    assert_eq!(u(&v, "/cpu/plans"), 20);
    assert_eq!(u(&v, "/cpu/samples"), 5);
    for key in [
        "plan_fresh_us_median",
        "evaluate_fresh_us_median",
        "plans_total_s",
        "plans_us_per_plan",
    ] {
        assert!(f(&v, &format!("/cpu/{key}")) > 0.0, "{key}");
    }
    assert!(
        u(&v, "/cpu/plans_differing_from_fresh") > 0,
        "the varied snapshots plan differently"
    );
}

#[test]
fn the_virtual_time_figures_are_deterministic_and_follow_concurrency() {
    let a = bench_json(&["--concurrency", "8"]);
    let b = bench_json(&["--concurrency", "8"]);
    for key in [
        "/critical_path",
        "/concurrent_apply",
        "/sequential_apply",
        "/plan_actions",
    ] {
        assert_eq!(a.pointer(key), b.pointer(key), "{key}");
    }
    assert_eq!(u(&a, "/concurrent_apply/concurrency"), 8);
}

#[test]
fn the_text_report_is_a_table_with_targets() {
    let out = run(&["--plans", "2", "--samples", "1", "--fleet", "0"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "Build profile:",
        "critical path (longest dependency chain)",
        "concurrent apply (concurrency ",
        "sequential apply (concurrency 1)",
        "concurrent ÷ critical path",
        "≤ 1.2",
        "sequential ÷ concurrent (speed-up)",
        "write calls, concurrent",
        "plan(), fresh snapshot (median of 1)",
        "evaluate() alone",
        "plan() 2 different snapshots, total",
        "per plan",
        "rate-limit waits and read calls are excluded",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
}

#[test]
fn the_benchmark_takes_no_option_that_picks_another_account() {
    // The account, baseline and faults are fixed: the CLI's account options do not exist here.
    let out = run(&["--sim-faults", "transient"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unexpected argument '--sim-faults'"), "{err}");
}
