//! Ctrl-C (SIGINT) and SIGTERM, alike. During an apply the first interrupt starts nothing
//! new and lets the calls in flight finish (the engine checks the shared [`Cancel`]), the
//! second stops at once, and the partial report is printed and the simulated account saved
//! before the process exits 130 (SIGINT) or 143 (SIGTERM). Anywhere else an interrupt exits
//! at once, but never in the middle of an atomic write: the temporary file of a write in
//! progress never outlives the process.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use secure_account_engine::Cancel;

/// The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

struct Interrupts {
    cancel: Cancel,
    applying: AtomicBool,
    /// The last signal received (SIGINT or SIGTERM), 0 before any.
    signal: AtomicI32,
    /// Held for the whole of an atomic write; the handler takes it before exiting, so that
    /// it never exits between creating a temporary file and renaming it.
    writing: Mutex<()>,
}

fn state() -> &'static Interrupts {
    static STATE: OnceLock<Interrupts> = OnceLock::new();
    STATE.get_or_init(|| Interrupts {
        cancel: Cancel::new(),
        applying: AtomicBool::new(false),
        signal: AtomicI32::new(0),
        writing: Mutex::new(()),
    })
}

/// Installs the handler (once, at start): a thread that waits for SIGINT and SIGTERM.
/// Without Unix signals, Ctrl-C keeps its default (the process stops at once).
#[cfg(unix)]
pub fn install() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                for signal in signals.forever() {
                    on_interrupt(signal);
                }
            });
        }
        Err(e) => eprintln!(
            "warning: cannot handle Ctrl-C or SIGTERM ({e}); an interrupt will stop at once"
        ),
    }
}

#[cfg(not(unix))]
pub fn install() {}

#[cfg_attr(not(unix), allow(dead_code))]
fn on_interrupt(signal: i32) {
    let s = state();
    s.signal.store(signal, Ordering::SeqCst);
    let level = s.cancel.interrupt();
    if !s.applying.load(Ordering::SeqCst) || level >= 3 {
        // Wait for a write in progress to finish (its temporary file renamed).
        let _guard = s.writing.lock();
        eprintln!("\ninterrupted ({})", signal_name(signal));
        std::process::exit(i32::from(exit_code()));
    }
    if level == 1 {
        eprintln!(
            "\nInterrupted: starting nothing new and waiting for the calls in flight to \
             finish; press Ctrl-C again to stop at once"
        );
    } else {
        eprintln!("\nStopping at once: the calls in flight are abandoned");
    }
}

/// `SIGINT` or `SIGTERM`.
fn signal_name(signal: i32) -> &'static str {
    if signal == 15 { "SIGTERM" } else { "Ctrl-C" }
}

/// The exit code of a run an interrupt stopped: 128 + the signal, as shells report it
/// (130 for Ctrl-C, 143 for SIGTERM).
pub fn exit_code() -> u8 {
    match state().signal.load(Ordering::SeqCst) {
        15 => 143,
        _ => EXIT_INTERRUPTED,
    }
}

/// What interrupted the run, for messages (`Ctrl-C`, `SIGTERM`).
pub fn what() -> &'static str {
    signal_name(state().signal.load(Ordering::SeqCst))
}

/// The signal the engine checks.
pub fn cancel() -> Cancel {
    state().cancel.clone()
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    state().cancel.stopping()
}

/// While the guard lives, Ctrl-C interrupts the apply instead of exiting.
pub struct Applying(());

impl Applying {
    pub fn start() -> Applying {
        state().applying.store(true, Ordering::SeqCst);
        Applying(())
    }
}

impl Drop for Applying {
    fn drop(&mut self) {
        state().applying.store(false, Ordering::SeqCst);
    }
}

/// Held for the whole of an atomic write (see the module documentation).
pub fn writing() -> MutexGuard<'static, ()> {
    state()
        .writing
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The lock file beside a state file.
pub fn lock_path(state_file: &std::path::Path) -> PathBuf {
    let name = state_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    state_file.with_file_name(format!(".{name}.lock"))
}
