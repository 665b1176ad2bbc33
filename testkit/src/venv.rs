//! A Python virtual environment holding one pinned package from PyPI (moto, cfn-lint),
//! installed on first use under `<venv>.lock`, so concurrent test processes install it
//! once, and marked finished only after the package answered.

use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::moto::run;

/// What to install: `requirement` (`moto[server]==5.1.22`) of `name` at `version`, marked
/// by the file `marker` in the environment once `check` (given the environment's Python)
/// says the installation works.
pub(crate) struct Pinned<'a> {
    pub name: &'a str,
    pub requirement: &'a str,
    pub version: &'a str,
    pub marker: &'a str,
}

/// The Python of the virtual environment `venv`.
pub(crate) fn python(venv: &Path) -> PathBuf {
    bin(
        venv,
        if cfg!(windows) {
            "python.exe"
        } else {
            "python"
        },
    )
}

/// The command `name` of the virtual environment `venv`.
pub(crate) fn bin(venv: &Path, name: &str) -> PathBuf {
    venv.join(if cfg!(windows) { "Scripts" } else { "bin" })
        .join(name)
}

/// Installs `p` into `venv` unless a finished installation of its version is there,
/// holding `<venv>.lock` meanwhile.
pub(crate) fn install(
    venv: &Path,
    p: &Pinned<'_>,
    check: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
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
    if lock.try_lock().is_err() {
        eprintln!(
            "{}: waiting for another test process installing {} into {}",
            p.name,
            p.name,
            venv.display()
        );
        lock.lock()
            .map_err(|e| format!("locking {}: {e}", lock_path.display()))?;
    }
    let marker = venv.join(p.marker);
    if fs::read_to_string(&marker).is_ok_and(|v| v.trim() == p.version) && python(venv).exists() {
        return Ok(());
    }
    eprintln!(
        "{}: installing {} from PyPI into {} (first use; later runs reuse it)",
        p.name,
        p.requirement,
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
    let python = python(venv);
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
            .arg(p.requirement),
    )?;
    check(&python)?;
    fs::write(&marker, p.version).map_err(|e| format!("writing {}: {e}", marker.display()))?;
    eprintln!(
        "{}: installed in {:.0} s",
        p.name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
    // `lock` is released here, when the file closes.
}
