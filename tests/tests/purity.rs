//! `core` stays pure (ARCHITECTURE.md, "Invariants"): its normal dependency closure has no
//! async runtime, no AWS crate and no HTTP client.

use std::process::Command;

#[test]
fn core_has_no_runtime_aws_or_http_dependency() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--package",
            "secure-account-core",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.contains(&"serde"), "the tree was read: {tree}");
    for name in &names {
        let banned = ["tokio", "hyper", "reqwest", "futures", "async-std", "mio"].contains(name)
            || name.starts_with("aws-")
            || name.starts_with("aws_");
        assert!(!banned, "core depends on `{name}`:\n{tree}");
    }
}
