//! cfn-lint (AWS's CloudFormation linter, from PyPI) for the test that lints the
//! notification template, installed like moto: into a virtual environment in the user's
//! cache folder (`${XDG_CACHE_HOME:-$HOME/.cache}/secure-account/cfn-lint-<VERSION>`, or
//! `SECURE_ACCOUNT_CFN_LINT_VENV`) on first use, under a file lock. `.ci/run` lints the
//! template the built binary prints with the same installation.
//!
//! Where it cannot be installed (no `python3`, no network) [`lint`] says so, and the test
//! is skipped unless `CI` requires it ([`crate::moto::required`]).

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::moto::{run, venv_python};

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
    venv.join(if cfg!(windows) { "Scripts" } else { "bin" })
        .join("cfn-lint")
}

const MARKER: &str = ".secure-account-cfn-lint";

/// Installs cfn-lint into `venv` unless a finished installation of [`VERSION`] is there,
/// holding `<venv>.lock` meanwhile.
fn install(venv: &Path) -> Result<(), String> {
    let parent = venv.parent().ok_or("the folder has no parent")?;
    fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    let mut lock_name = venv.file_name().ok_or("the folder has no name")?.to_owned();
    lock_name.push(".lock");
    let lock_path = parent.join(lock_name);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("opening {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;
    let marker = venv.join(MARKER);
    if fs::read_to_string(&marker).is_ok_and(|v| v.trim() == VERSION) && venv_python(venv).exists()
    {
        return Ok(());
    }
    eprintln!(
        "cfn-lint: installing cfn-lint=={VERSION} from PyPI into {} (first use)",
        venv.display()
    );
    let started = Instant::now();
    if venv.exists() {
        fs::remove_dir_all(venv).map_err(|e| format!("removing {}: {e}", venv.display()))?;
    }
    run(
        "python3 -m venv",
        Command::new("python3").args(["-m", "venv"]).arg(venv),
    )?;
    let python = venv_python(venv);
    run(
        "pip install",
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("cfn-lint=={VERSION}")),
    )?;
    // The installed command itself: cfnlint has no `__main__`, so `python -m cfnlint` is
    // no check (it fails on a good installation).
    run(
        "cfn-lint --version",
        Command::new(cfn_lint_bin(venv)).arg("--version"),
    )?;
    fs::write(&marker, VERSION).map_err(|e| format!("writing {}: {e}", marker.display()))?;
    eprintln!(
        "cfn-lint: installed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
