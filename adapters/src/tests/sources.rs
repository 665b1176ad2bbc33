//! The adapters' own source files, as the tests that check their SDK calls read them:
//! every `.rs` file under `src/` but the tests, each cut at its `// ---- actions ----` line
//! into its reads (before) and its actions (after; the `Execute` implementations and their
//! helpers). Comment lines are left out, so a call named in a doc comment counts for
//! nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The line that starts the actions of a service's file.
pub(crate) const ACTIONS: &str = "// ---- actions ----";

/// The file of the operator's calls ([`crate::fleet`]), made with the operator's own
/// credentials and not covered by `iam-policy`.
pub(crate) const OPERATOR_FILE: &str = "fleet.rs";

/// The file of `fleet deploy`'s calls ([`crate::fleet_stack`]): the fleet's own stack,
/// deployed with the operator's credentials, not in the member accounts.
pub(crate) const DEPLOY_FILE: &str = "fleet_stack.rs";

/// One source file, cut in two.
pub(crate) struct Source {
    /// The path under `src/` (`s3/mod.rs`).
    pub path: String,
    /// The code before the actions line (all of it when there is none).
    pub reads: String,
    /// The code after the actions line.
    pub actions: String,
}

/// Every source file of the crate but its tests, by path.
pub(crate) fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(files.len() >= 20, "the sources were not found: {files:?}");
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            let code = |lines: &[&str]| -> String {
                lines
                    .iter()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .map(|l| format!("{l}\n"))
                    .collect()
            };
            let lines: Vec<&str> = text.lines().collect();
            let cut = lines.iter().position(|l| l.trim() == ACTIONS);
            let (reads, actions) = match cut {
                Some(i) => (code(&lines[..i]), code(&lines[i + 1..])),
                None => (code(&lines), String::new()),
            };
            Source {
                path: file
                    .strip_prefix(&root)
                    .expect("under src/")
                    .display()
                    .to_string(),
                reads,
                actions,
            }
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                collect(&path, out);
            }
        } else if path
            .file_name()
            .is_some_and(|n| n == OPERATOR_FILE || n == DEPLOY_FILE)
        {
            // The operator's calls (assuming the role, listing the organisation, deploying
            // the fleet's stack) are made outside the member accounts: `fleet.rs` and
            // `fleet_stack.rs` have their own tests.
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The IAM actions named in `code` (`aws("service:Action")`).
pub(crate) fn named_actions(code: &str) -> BTreeSet<String> {
    code.split("aws(\"")
        .skip(1)
        .filter_map(|piece| piece.find('"').map(|end| piece[..end].to_string()))
        .collect()
}

/// The IAM actions the reads name.
pub(crate) fn read_actions() -> BTreeSet<String> {
    sources()
        .iter()
        .flat_map(|s| named_actions(&s.reads))
        .collect()
}

/// The IAM actions the executions name.
pub(crate) fn write_actions() -> BTreeSet<String> {
    sources()
        .iter()
        .flat_map(|s| named_actions(&s.actions))
        .collect()
}
