//! Output plumbing: colour decisions, JSON on stdout, atomic file writes.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
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

/// Writes `contents` to `path` atomically: a temporary file beside it, then a rename, so a
/// reader sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, contents: &str) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("`{}` is not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    // Ctrl-C waits for the write to finish: the temporary file never outlives the process.
    let _writing = crate::interrupt::writing();
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write `{}`", path.display()))
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
