//! The fleet figures of `secure-account-bench` on a small mixed organisation, through the
//! built binary: the fleet converges, runs faster than its accounts one at a time, a second
//! run writes nothing, and memory is measured where the platform tells it.

use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_secure-account-bench");

#[test]
fn the_fleet_figures_show_the_fleet_against_its_accounts_one_at_a_time() {
    let out = Command::new(BIN)
        .args([
            "--plans",
            "2",
            "--samples",
            "1",
            "--fleet",
            "6",
            "--fleet-in-flight",
            "3",
            "--output",
            "json",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["fleet"];
    assert_eq!(f["accounts"], 6, "{f}");
    assert_eq!(
        f["applied"].as_u64().unwrap() + f["up_to_date"].as_u64().unwrap(),
        6
    );
    let fleet = f["fleet_virtual_ms"].as_u64().unwrap();
    let sum = f["sum_single_virtual_ms"].as_u64().unwrap();
    let longest = f["max_single_virtual_ms"].as_u64().unwrap();
    // Three at a time: faster than one after the other, never faster than the longest.
    assert!(fleet < sum, "{f}");
    assert!(fleet >= longest, "{f}");
    let ratio = f["ratio"].as_f64().unwrap();
    assert!((ratio - fleet as f64 / sum as f64).abs() < 1e-9);
    assert_eq!(f["rerun_write_calls"], 0);
    assert!(f["peak_calls_in_flight"].as_u64().unwrap() <= 32);
    if cfg!(target_os = "linux") {
        assert!(f["memory_peak_fleet_bytes"].as_u64().unwrap() > 0, "{f}");
        assert!(f["memory_peak_single_bytes"].as_u64().unwrap() > 0, "{f}");
    }
}
