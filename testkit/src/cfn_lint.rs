//! cfn-lint (AWS's CloudFormation linter, from PyPI) for the test that lints the
//! notification template, installed like moto: into a virtual environment in the user's
//! cache folder (`${XDG_CACHE_HOME:-$HOME/.cache}/secure-account/cfn-lint-<VERSION>`, or
//! `SECURE_ACCOUNT_CFN_LINT_VENV`) on first use, under a file lock. `.ci/run` lints the
//! template the built binary prints with the same installation.
//!
//! Where it cannot be installed (no `python3`, no network) [`lint`] says so, and the test
//! is skipped unless `CI` requires it ([`crate::moto::required`]).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::moto::run;
use crate::venv;

/// The cfn-lint release the template is linted with (its rules change between releases;
/// a new one is taken on deliberately).
pub const VERSION: &str = "1.58.0";

/// Where to install cfn-lint instead of the user's cache folder.
pub const VENV_VAR: &str = "SECURE_ACCOUNT_CFN_LINT_VENV";

/// What linting found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lint {
    /// cfn-lint ran: its exit code (0: nothing found) and what it printed.
    Ran { code: Option<i32>, output: String },
    /// cfn-lint cannot be installed or run here, and why.
    Unavailable(String),
}

/// `SECURE_ACCOUNT_CFN_LINT_VENV`, else `${XDG_CACHE_HOME:-$HOME/.cache}/secure-account/cfn-lint-<VERSION>`.
pub fn venv_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(VENV_VAR) {
        return Some(dir);
    }
    let cache = var("XDG_CACHE_HOME")
        .filter(|d| d.is_absolute())
        .or_else(|| var("HOME").map(|h| h.join(".cache")))?;
    Some(
        cache
            .join("secure-account")
            .join(format!("cfn-lint-{VERSION}")),
    )
}

/// Lints the template file `template` with every rule, informational ones included
/// (`--include-checks I`).
pub fn lint(template: &Path) -> Lint {
    let Some(venv) = venv_dir() else {
        return Lint::Unavailable(
            "neither SECURE_ACCOUNT_CFN_LINT_VENV, XDG_CACHE_HOME nor HOME is set".into(),
        );
    };
    if let Err(e) = install(&venv) {
        return Lint::Unavailable(format!(
            "cfn-lint=={VERSION} could not be installed into {}: {e}",
            venv.display()
        ));
    }
    let bin = cfn_lint_bin(&venv);
    match Command::new(&bin)
        .args(["--include-checks", "I", "--"])
        .arg(template)
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => {
            let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
            output.push_str(&String::from_utf8_lossy(&out.stderr));
            Lint::Ran {
                code: out.status.code(),
                output,
            }
        }
        Err(e) => Lint::Unavailable(format!("{} did not run: {e}", bin.display())),
    }
}

/// The `cfn-lint` command of the virtual environment `venv`.
fn cfn_lint_bin(venv: &Path) -> PathBuf {
    venv::bin(venv, "cfn-lint")
}

/// Installs cfn-lint into `venv` unless a finished installation of [`VERSION`] is there
/// (the marker `.secure-account-cfn-lint`, written once `cfn-lint --version` answers).
fn install(venv: &Path) -> Result<(), String> {
    let requirement = format!("cfn-lint=={VERSION}");
    let pinned = venv::Pinned {
        name: "cfn-lint",
        requirement: &requirement,
        version: VERSION,
        marker: ".secure-account-cfn-lint",
    };
    // The installed command itself: cfnlint has no `__main__`, so `python -m cfnlint` is
    // no check (it fails on a good installation).
    venv::install(venv, &pinned, |_| {
        run(
            "cfn-lint --version",
            Command::new(cfn_lint_bin(venv)).arg("--version"),
        )
        .map(|_| ())
    })
}
