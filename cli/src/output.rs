//! Output plumbing: colour decisions, JSON on stdout, atomic file writes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::args::ColorChoice;

/// Version of the JSON documents the CLI itself writes (`verify`, `controls list`,
/// `baseline show`); plans, snapshots and apply reports carry their own.
pub const CLI_FORMAT_VERSION: u32 = 1;

/// Which stream a colour decision is for.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether to colour text written to `stream`: `always`, `never`, or on a terminal unless
/// `NO_COLOR` is set to something non-empty (<https://no-color.org>).
pub fn use_color(choice: ColorChoice, stream: Stream) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let terminal = match stream {
                Stream::Stdout => std::io::stdout().is_terminal(),
                Stream::Stderr => std::io::stderr().is_terminal(),
            };
            terminal && !no_color
        }
    }
}

/// Prints `value` as pretty JSON on stdout (as it is: JSON is never transliterated).
pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("cannot serialise the output")?;
    write_stdout(&text)
}

/// Prints `text` on stdout with a final newline; in ASCII when the locale is not UTF-8.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    write_stdout(&for_locale(text))
}

/// Prints a line of text on stderr; in ASCII when the locale is not UTF-8.
pub fn eprint_line(text: &str) {
    eprintln!("{}", for_locale(text));
}

/// Whether the locale shows UTF-8: the first of `LC_ALL`, `LC_CTYPE` and `LANG` that is
/// set and not empty decides, as for C programs; `C`, `POSIX` or any locale whose name
/// does not say UTF-8 is not. With none set, UTF-8 is assumed (today's terminals).
pub fn unicode() -> bool {
    static UNICODE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *UNICODE.get_or_init(|| {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        locale_is_utf8(
            var("LC_ALL")
                .or_else(|| var("LC_CTYPE"))
                .or_else(|| var("LANG")),
        )
    })
}

fn locale_is_utf8(locale: Option<String>) -> bool {
    match locale {
        None => true,
        Some(l) => {
            let l = l.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        }
    }
}

/// `text` as the locale can show it: as is, or with every non-ASCII character replaced by
/// an ASCII look-alike (`→` by `->`, `·` by `-`, `×` by `x`, anything else by `?`).
pub fn for_locale(text: &str) -> std::borrow::Cow<'_, str> {
    if unicode() || text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(to_ascii(text))
    }
}

/// Every non-ASCII character of `text` as ASCII.
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '·' | '•' | '–' => out.push('-'),
            '—' => out.push_str("--"),
            '×' => out.push('x'),
            '…' => out.push_str("..."),
            '±' => out.push_str("+/-"),
            '≥' => out.push_str(">="),
            '≤' => out.push_str("<="),
            '✓' => out.push_str("ok"),
            '✗' => out.push('x'),
            '“' | '”' => out.push('"'),
            '‘' | '’' => out.push('\''),
            '█' | '▇' | '▆' | '▅' => out.push('#'),
            '\u{a0}' => out.push(' '),
            _ => out.push('?'),
        }
    }
    out
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| {
            if text.ends_with('\n') {
                Ok(())
            } else {
                out.write_all(b"\n")
            }
        })
        .and_then(|()| out.flush())
        .context("cannot write to standard output")
}

/// The largest input files the tool reads, by kind: ten to a hundred times what it writes
/// itself (a 17-region plan is about 250 KB, a simulated account about 550 KB), so a
/// wrong path (`/dev/zero`, a log file) fails at once instead of filling the memory.
pub mod cap {
    pub const PLAN: u64 = 16 << 20;
    pub const SIM_STATE: u64 = 64 << 20;
    pub const BASELINE: u64 = 1 << 20;
    pub const FAULTS: u64 = 1 << 20;
    pub const CATALOG: u64 = 16 << 20;
}

/// Reads the text file `path` (a `what`, for the messages), refusing one larger than `cap`
/// bytes: reading stops at the cap, so a device that never ends is refused too.
pub fn read_capped(path: &Path, cap: u64, what: &str) -> anyhow::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read the {what} `{}`", path.display()))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read the {what} `{}`", path.display()))?;
    if bytes.len() as u64 > cap {
        bail!(
            "the {what} `{}` is larger than {} MiB, far more than any {what} this tool reads: \
             is it the right file?",
            path.display(),
            cap >> 20
        );
    }
    String::from_utf8(bytes)
        .with_context(|| format!("the {what} `{}` is not UTF-8 text", path.display()))
}

/// Input and state files of this command (resolved): an output written with
/// [`write_atomic`] never replaces one of them (`plan --sim-state s.json --out s.json`).
static INPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records `path` as an input or state file of this command, which no output may replace.
pub fn protect(path: &Path) {
    if let Ok(resolved) = resolve_target(path) {
        INPUTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(resolved);
    }
}

/// The file a write to `path` replaces: the path itself, or the file a symbolic link at
/// `path` names, in a directory whose own links are resolved. Refuses what is not a regular
/// file (a device, a FIFO, a directory, a socket) and a link to nothing: replacing them
/// would destroy something that is not the tool's output, or create a file wherever the
/// link points.
pub fn resolve_target(path: &Path) -> anyhow::Result<PathBuf> {
    let name = path
        .file_name()
        .with_context(|| format!("`{}` is not a file name", path.display()))?;
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let dir = std::fs::canonicalize(dir).with_context(|| {
                format!(
                    "cannot write `{}`: its folder does not exist",
                    path.display()
                )
            })?;
            Ok(dir.join(name))
        }
        Err(e) => Err(e).with_context(|| format!("cannot inspect `{}`", path.display())),
        Ok(meta) => {
            let real = if meta.file_type().is_symlink() {
                std::fs::canonicalize(path).map_err(|_| {
                    anyhow::anyhow!(
                        "`{}` is a symbolic link to nothing: the tool does not create files \
                         through a dangling link; remove it or give another path",
                        path.display()
                    )
                })?
            } else {
                std::fs::canonicalize(path)
                    .with_context(|| format!("cannot resolve `{}`", path.display()))?
            };
            let meta = std::fs::metadata(&real)
                .with_context(|| format!("cannot inspect `{}`", real.display()))?;
            if !meta.is_file() {
                bail!(
                    "`{}` is not a regular file (a directory, a device, a FIFO or a socket): \
                     the tool writes only regular files; give the path of a file",
                    path.display()
                );
            }
            Ok(real)
        }
    }
}

/// Writes `contents` to `path` atomically: a temporary file created exclusively (a random
/// name, never following a link planted there) in the target's folder, then a rename, so a
/// reader sees the old file or the new one, never half of one. A link at `path` is
/// followed to the file it names, which is replaced with the link kept; anything but a
/// regular file is refused, and so is an input or the state file of this command.
pub fn write_atomic(path: &Path, contents: &str) -> anyhow::Result<()> {
    let target = resolve_target(path)?;
    let protected = INPUTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .contains(&target);
    if protected {
        bail!(
            "`{}` is a file this command reads (the simulated account, the baseline, a plan \
             or a fault plan): writing the output there would destroy it; give another path",
            path.display()
        );
    }
    replace_file(&target, contents).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Saves the state file `path` of this command (it is protected from outputs, not from
/// its owner): atomically, as [`write_atomic`] does.
pub fn write_state(path: &Path, contents: &str) -> anyhow::Result<()> {
    let target = resolve_target(path)?;
    replace_file(&target, contents).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Replaces the regular file `target` (a resolved path) with `contents`.
fn replace_file(target: &Path, contents: &str) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Ctrl-C waits for the write to finish: the temporary file never outlives the process.
    let _writing = crate::interrupt::writing();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The new file keeps the permissions of the one it replaces; a new one gets the usual
    // ones (read for all, within the umask), not the temporary file's owner-only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o666);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when `tmp` drops.
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Wraps `text` in an ANSI colour when `color` is on.
pub fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub const GREEN: &str = "32";
pub const RED: &str = "31";
pub const BOLD: &str = "1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_that_does_not_say_utf8_gets_ascii() {
        assert!(locale_is_utf8(None));
        assert!(locale_is_utf8(Some("en_US.UTF-8".into())));
        assert!(locale_is_utf8(Some("C.utf8".into())));
        assert!(!locale_is_utf8(Some("C".into())));
        assert!(!locale_is_utf8(Some("POSIX".into())));
        assert!(!locale_is_utf8(Some("de_DE.ISO-8859-1".into())));
        assert_eq!(
            to_ascii("score 11.63% → 95.35% · delete_subnet ×59 … ±0.00 ☃"),
            "score 11.63% -> 95.35% - delete_subnet x59 ... +/-0.00 ?"
        );
    }

    #[test]
    fn atomic_write_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("sa-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        write_atomic(&path, "one").unwrap();
        write_atomic(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
