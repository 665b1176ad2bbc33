//! The dependency invariants of ARCHITECTURE.md, checked on the dependency graph with
//! `cargo tree` (no build): `core` depends only on crates on an allow-list, the engine has
//! no async runtime and no AWS crate, and only the two binaries use `anyhow`.
//!
//! Every check is on normal dependencies (`--edges normal`: not dev- nor build-dependencies),
//! for the host's platform (`--target <host>`), offline: the packages of that platform are
//! the ones the build of these tests downloaded, so the checks work on a fresh machine with
//! nothing but what `cargo test` fetched. (`--target all` needs the packages of every
//! platform, `r-efi`, `anstyle-wincon`, …, which a fresh cargo home does not hold.) A
//! dependency declared for other platforms only is therefore not checked here.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::OnceLock;

/// The host's target triple, from `rustc -vV` (the `rustc` cargo uses: `RUSTC`, else the
/// one on `PATH`).
fn host() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let out = Command::new(&rustc)
            .arg("-vV")
            .output()
            .unwrap_or_else(|e| panic!("{rustc:?} -vV runs: {e}"));
        assert!(out.status.success(), "{rustc:?} -vV: {out:?}");
        let text = String::from_utf8(out.stdout).expect("rustc prints UTF-8");
        text.lines()
            .find_map(|l| l.strip_prefix("host: "))
            .unwrap_or_else(|| panic!("no `host:` line in {text}"))
            .trim()
            .to_string()
    })
}

/// Runs `cargo tree` with `args` after the common ones, and returns its output.
fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--edges",
            "normal",
            "--target",
            host(),
            "--format",
            "{p}",
            "--offline",
        ])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("cargo tree prints UTF-8")
}

/// The crate names in the normal dependency closure of `package`, itself included.
fn closure(package: &str) -> BTreeSet<String> {
    let tree = cargo_tree(&["--package", package, "--prefix", "none"]);
    let names: BTreeSet<String> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(names.contains(package), "the tree was read: {tree}");
    names
}

/// Every crate `secure-account-core` may depend on, directly or transitively, for its
/// normal dependencies: serde and serde_json, toml, thiserror, sha2 (the snapshot
/// fingerprint), strsim ("did you mean"), strum, and what they pull in (as of this list;
/// versions are not pinned here, Cargo.lock does that). None runs async code, keeps a clock or
/// talks to a network. A crate not on this list fails the test: review it against the
/// invariant (no runtime, no AWS, no HTTP, no I/O) before adding it here.
const CORE_ALLOWED: &[&str] = &[
    "secure-account-core",
    // serde, serde_json
    "serde",
    "serde_core",
    "serde_derive",
    "serde_json",
    "itoa",
    "memchr",
    "zmij",
    // toml
    "toml",
    "toml_datetime",
    "toml_parser",
    "toml_writer",
    "serde_spanned",
    "winnow",
    // thiserror
    "thiserror",
    "thiserror-impl",
    // sha2
    "sha2",
    "digest",
    "block-buffer",
    "crypto-common",
    "const-oid",
    "hybrid-array",
    "typenum",
    "cpufeatures",
    "cfg-if",
    "libc", // cpufeatures' CPU detection on some targets
    // strsim
    "strsim",
    // strum
    "strum",
    "strum_macros",
    "heck",
    // proc macros (serde_derive, thiserror-impl, strum_macros)
    "proc-macro2",
    "quote",
    "syn",
    "unicode-ident",
];

#[test]
fn core_depends_only_on_allowed_crates() {
    let allowed: BTreeSet<&str> = CORE_ALLOWED.iter().copied().collect();
    let new: Vec<String> = closure("secure-account-core")
        .into_iter()
        .filter(|name| !allowed.contains(name.as_str()))
        .collect();
    assert!(
        new.is_empty(),
        "secure-account-core now depends on {} not on its allow-list: `{}`.\n\
         core stays pure (ARCHITECTURE.md, \"Invariants\"): no async runtime, no AWS, no HTTP, \
         no I/O. If the new crate is as pure, add it to CORE_ALLOWED in tests/tests/purity.rs; \
         `cargo tree -p secure-account-core -e normal -i <crate>` shows what pulls it in.",
        if new.len() == 1 { "a crate" } else { "crates" },
        new.join("`, `")
    );
}

/// An async runtime or an AWS crate in the engine's closure (ARCHITECTURE.md, `engine/`: it
/// waits only through `Port::sleep`, and it does not compile the SDK).
fn runtime_or_aws(name: &str) -> bool {
    name == "tokio"
        || name.starts_with("tokio-")
        || name.starts_with("aws-")
        || name.starts_with("aws_")
}

#[test]
fn engine_has_no_tokio_and_no_aws_crate() {
    let found: Vec<String> = closure("secure-account-engine")
        .into_iter()
        .filter(|name| runtime_or_aws(name))
        .collect();
    assert!(
        found.is_empty(),
        "secure-account-engine depends on `{}`: the engine has no tokio (it waits only through \
         `Port::sleep`, so the simulator controls time) and no AWS crate (the CLI and the tests \
         reach it without compiling the SDK); see ARCHITECTURE.md, `engine/`",
        found.join("`, `")
    );
    // The check itself sees a runtime where there is one.
    assert!(
        closure("secure-account-simulator")
            .iter()
            .any(|n| runtime_or_aws(n))
    );
}

/// The packages allowed to depend on `anyhow` for their normal dependencies: the two
/// binaries, whose errors end as a message on stderr. Libraries return typed errors
/// (`thiserror`). Dev-dependencies are not checked: a test may use anyhow.
const ANYHOW_USERS: [&str; 2] = ["secure-account-cli", "secure-account-bench"];

#[test]
fn only_the_binaries_use_anyhow() {
    // Every package that reaches anyhow over normal edges, at any depth: the inverted tree.
    let tree = cargo_tree(&[
        "--workspace",
        "--invert",
        "anyhow",
        "--prefix",
        "depth",
        "--no-dedupe",
    ]);
    let mut users = BTreeSet::new();
    for line in tree.lines() {
        let depth_end = line
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(line.len());
        let depth: usize = line[..depth_end].parse().expect("a depth prefix");
        let name = line[depth_end..].split_whitespace().next().unwrap_or("");
        if depth == 0 {
            assert_eq!(name, "anyhow", "the inverted tree starts at anyhow: {tree}");
        } else {
            users.insert(name.to_string());
        }
    }
    assert!(
        users.contains("secure-account-cli"),
        "the tree was read: {tree}"
    );
    let others: Vec<&String> = users
        .iter()
        .filter(|u| !ANYHOW_USERS.contains(&u.as_str()))
        .collect();
    assert!(
        others.is_empty(),
        "only {ANYHOW_USERS:?} may depend on anyhow (ARCHITECTURE.md, `cli/`), but these do, \
         directly or through a crate that does: {others:?}\n{tree}"
    );
}
