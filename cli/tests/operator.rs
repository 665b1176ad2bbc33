//! The tool as an operator meets it (issue 22): the compact plan and apply output on the
//! fresh and lived-in simulated accounts, off a terminal and on one (through `script`, a
//! pseudo-terminal), the handover report, shell completions, the man page, and a
//! non-UTF-8 locale.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_secure-account");

/// The binary in `dir`, off a terminal, colours off, a UTF-8 locale, a fixed date.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C.UTF-8")
        .env("SOURCE_DATE_EPOCH", "1796601600")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// stdout and stderr as a reviewable transcript, the run's time left out.
fn transcript(out: &Output) -> String {
    let clean = |t: String| {
        t.lines()
            .map(|l| match l.find(" s elapsed") {
                Some(_) => {
                    let re_start = l.rfind("; ").map_or(0, |i| i + 2);
                    format!(
                        "{}[ELAPSED] s elapsed{}",
                        &l[..re_start],
                        &l[l.find(" s elapsed").unwrap() + 10..]
                    )
                }
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "exit: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
        out.status.code().unwrap_or(-1),
        clean(text(&out.stdout)),
        clean(text(&out.stderr))
    )
}

#[test]
fn plan_on_the_fresh_account_is_compact_and_fits_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--simulate", "plan"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    assert!(stdout.lines().count() < 100, "{stdout}");
    insta::assert_snapshot!("plan_fresh", transcript(&out));
    // `--verbose`: every action, as the goldens show them.
    let verbose = run_in(dir.path(), &["--simulate", "plan", "--verbose"]);
    let verbose = text(&verbose.stdout);
    assert!(verbose.lines().count() > 600, "{verbose}");
    assert!(verbose.contains("delete_subnet subnet-"), "{verbose}");
}

#[test]
fn plan_on_the_lived_in_account() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--simulate", "lived-in", "plan"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("plan_lived_in", transcript(&out));
}

#[test]
fn apply_on_the_fresh_account_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["--simulate", "apply", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).lines().count() <= 6,
        "{}",
        transcript(&out)
    );
    insta::assert_snapshot!("apply_fresh", transcript(&out));
}

#[test]
fn apply_on_the_lived_in_account_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["--simulate", "lived-in", "apply", "--auto-approve"],
    );
    insta::assert_snapshot!("apply_lived_in", transcript(&out));
}

/// A later round starts the counter again and says so; the summary counts the rounds.
#[test]
fn apply_in_two_rounds_counts_each_round() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["--simulate", "newer-standard", "apply", "--auto-approve"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let err = text(&out.stderr);
    assert!(
        err.contains("\n  round 1: 436 applied, 0 failed, 0 not run; reading the account again…\n"),
        "{err}"
    );
    assert!(
        err.contains("Round 2: applying 17 actions in 17 regions…"),
        "{err}"
    );
    assert!(
        err.contains("\n  round 2: 17 applied, 0 failed, 0 not run; reading the account again…"),
        "{err}"
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  round 2: 17 planned, 17 applied"),
        "{stdout}"
    );
}

/// `apply PLAN_FILE` applies the saved plan without printing it or asking again; its
/// summary keeps the skipped entries; the hint of `plan --out` carries the run's flags.
#[test]
fn a_saved_plan_is_applied_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let plan = run_in(
        dir.path(),
        &[
            "--simulate",
            "--sim-state",
            "acct.json",
            "plan",
            "--out",
            "plan 2.json",
        ],
    );
    assert_eq!(plan.status.code(), Some(0), "{}", transcript(&plan));
    assert_eq!(
        text(&plan.stderr).trim_end(),
        "saved the plan to `plan 2.json`; apply exactly this plan with `secure-account \
         --simulate fresh --sim-state acct.json apply 'plan 2.json'`"
    );
    // No `--auto-approve` and no terminal: a saved plan is not asked for again.
    let out = run_in(
        dir.path(),
        &[
            "--simulate",
            "--sim-state",
            "acct.json",
            "apply",
            "plan 2.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Applying the saved plan `plan 2.json`"),
        "{stdout}"
    );
    assert!(!stdout.contains("Changes by service"), "{stdout}");
    assert!(
        stdout.contains(" 436 applied, 0 failed, 0 not run, 15 skipped."),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nSkipped\n  15 regions not enabled"),
        "{stdout}"
    );
}

/// With `--output json`, stderr carries diagnostics only: nothing on a run that succeeds.
#[test]
fn json_output_leaves_stderr_empty_when_all_is_well() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--simulate", "--output", "json", "apply", "--auto-approve"][..],
        &["--simulate", "--output", "json", "plan", "--out", "p.json"][..],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        assert_eq!(text(&out.stderr), "", "{args:?}");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON on stdout");
    }
}

/// A locale that is not UTF-8 gets ASCII: no arrow, no middle dot, no braille.
#[test]
fn a_non_utf8_locale_gets_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["--simulate", "apply", "--auto-approve"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("LANG", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_ascii(), "{}", text(&out.stdout));
    assert!(out.stderr.is_ascii(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("FSBP score: 11.63% -> 95.35%"));
}

/// `script` runs the command on a pseudo-terminal; `None` where it is missing.
fn on_a_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> Option<String> {
    let script = Command::new("script").arg("--version").output().ok()?;
    if !script.status.success() {
        return None;
    }
    let mut cmd = Command::new("script");
    cmd.args([
        "-qec",
        &format!("stty cols 80 rows 40 2>/dev/null; {BIN} {args}"),
        "/dev/null",
    ])
    .current_dir(dir)
    .env_remove("NO_COLOR")
    .env_remove("LC_ALL")
    .env_remove("LC_CTYPE")
    .env("LANG", "C.UTF-8")
    .env("TERM", "xterm-256color")
    .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    Some(text(&out.stdout))
}

/// On a terminal, what stays on the screen once the live line is cleared: every `\r` is
/// a redraw of that line, so only the text after the last one is kept.
fn screen(raw: &str) -> String {
    raw.split("\r\n")
        .map(|l| {
            let l = l.rsplit('\r').next().unwrap_or("");
            l.replace("\x1b[2K", "")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn apply_on_a_terminal_redraws_one_live_line_and_prints_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let Some(raw) = on_a_terminal(dir.path(), "--simulate apply --auto-approve", &[]) else {
        eprintln!("`script` is not installed: the terminal test is skipped");
        return;
    };
    let screen = screen(&raw);
    // Colour on a terminal; the plan and the summary as off a terminal.
    assert!(
        raw.contains("\x1b[1mPlan for account 123456789012"),
        "{raw}"
    );
    assert!(screen.contains("Changes by service:"), "{screen}");
    assert!(
        screen.contains("Apply \x1b[0m") || screen.contains("Apply complete."),
        "{screen}"
    );
    // No line per action: the live line is redrawn in place.
    assert!(!screen.contains("applied  us-east-1/"), "{screen}");
    let lines = screen.lines().count();
    assert!(lines < 140, "{lines} lines on the terminal:\n{screen}");
    // The summary part is stable: snapshot it from the headline on.
    let summary = &screen[screen.find("Apply").unwrap()..];
    let summary: String = summary
        .lines()
        .map(|l| {
            if l.contains(" s elapsed") {
                "API calls: [..] s elapsed on the simulator's"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("apply_fresh_terminal_summary", summary);
    // NO_COLOR on a terminal: no colour.
    let plain = on_a_terminal(dir.path(), "--simulate plan", &[("NO_COLOR", "1")]).unwrap();
    assert!(!plain.contains("\x1b["), "{plain}");
    // A non-UTF-8 locale on a terminal: ASCII, spinner included.
    let ascii = on_a_terminal(
        dir.path(),
        "--simulate apply --auto-approve",
        &[("LANG", "C")],
    )
    .unwrap();
    assert!(ascii.is_ascii(), "{ascii}");
}

#[test]
fn the_handover_report_lists_every_failed_control_and_manual_task() {
    for scenario in ["fresh", "lived-in"] {
        let dir = tempfile::tempdir().unwrap();
        let out = run_in(
            dir.path(),
            &[
                "--simulate",
                scenario,
                "--sim-state",
                "a.json",
                "apply",
                "--auto-approve",
                "--report",
                "after.html",
            ],
        );
        assert!(out.status.code().is_some(), "{}", transcript(&out));
        let report = run_in(
            dir.path(),
            &["--sim-state", "a.json", "report", "--out", "now.html"],
        );
        assert_eq!(report.status.code(), Some(0), "{}", transcript(&report));
        let verify = run_in(
            dir.path(),
            &["--sim-state", "a.json", "--output", "json", "verify"],
        );
        let verify: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
        for file in ["after.html", "now.html"] {
            let html = std::fs::read_to_string(dir.path().join(file)).unwrap();
            let page = check_well_formed(&html);
            assert!(
                !html.contains("http://") && !html.contains("https://"),
                "no external asset"
            );
            assert!(
                page.text
                    .contains("Security baseline handover: AWS account 123456789012")
            );
            assert!(page.text.contains("2026-12-07"), "the date");
            let failed: Vec<&str> = verify["controls"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["status"] == "failed")
                .map(|c| c["id"].as_str().unwrap())
                .collect();
            assert!(!failed.is_empty());
            for id in &failed {
                assert!(
                    page.rows
                        .iter()
                        .any(|r| r.first().map(String::as_str) == Some(id)
                            && r.iter().any(|c| c == "FAILED")),
                    "{scenario} {file}: failed control {id} has no FAILED row"
                );
            }
            for t in verify["manual_tasks"].as_array().unwrap() {
                let instructions = t["instructions"].as_str().unwrap();
                assert!(
                    page.text.contains(instructions),
                    "{scenario} {file}: {instructions}"
                );
            }
            assert!(page.text.contains("Monthly cost estimate"));
            assert!(page.text.contains("Every control"));
        }
        let after = std::fs::read_to_string(dir.path().join("after.html")).unwrap();
        assert!(after.contains(" change(s) applied."), "what was set up");
        assert!(
            after.contains("<code>cloudtrail-logs-123456789012</code>"),
            "the names"
        );
        if scenario == "fresh" {
            assert!(after.contains("create_trail <code>cloudtrail</code>"));
        }
        // Without an apply, the page says it lists no changes.
        let now = std::fs::read_to_string(dir.path().join("now.html")).unwrap();
        assert!(now.contains("This report was made without an apply"));
    }
}

/// What the XML parser saw: the text, and the table rows as cell texts.
struct Page {
    text: String,
    rows: Vec<Vec<String>>,
}

/// Parses the page as XML (the report is written in XHTML syntax): every element is
/// closed and nested, every attribute quoted, every entity known. Panics where not.
fn check_well_formed(html: &str) -> Page {
    use quick_xml::events::Event;
    let body = html
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("the page starts with the HTML doctype");
    let mut reader = quick_xml::Reader::from_str(body);
    let mut stack: Vec<String> = Vec::new();
    let mut page = Page {
        text: String::new(),
        rows: Vec::new(),
    };
    let mut cell: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                for a in e.attributes() {
                    a.expect("a well-formed attribute");
                }
                match name.as_str() {
                    "tr" => page.rows.push(Vec::new()),
                    "td" | "th" => cell = Some(String::new()),
                    _ => {}
                }
                stack.push(name);
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "nesting");
                if (name == "td" || name == "th")
                    && let Some(c) = cell.take()
                {
                    page.rows.last_mut().expect("a cell in a row").push(c);
                }
            }
            Event::Text(t) => {
                let t = t.decode().expect("text").into_owned();
                let t = quick_xml::escape::unescape(&t)
                    .expect("known entities")
                    .into_owned();
                page.text.push_str(&t);
                if let Some(c) = &mut cell {
                    c.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8(r.to_vec()).unwrap();
                let c = match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "#39" => "'",
                    other => panic!("unknown entity &{other};"),
                };
                page.text.push_str(c);
                if let Some(cell) = &mut cell {
                    cell.push_str(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    page
}

#[test]
fn bash_loads_the_completions() {
    let out = run_in(Path::new("."), &["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = text(&out.stdout);
    assert!(script.contains("complete -F"), "{script}");
    let Ok(bash) = Command::new("bash")
        .args([
            "-c",
            &format!("source <(\"{BIN}\" completions bash) && complete -p secure-account"),
        ])
        .output()
    else {
        eprintln!("bash is not installed: only the script's text was checked");
        return;
    };
    assert!(bash.status.success(), "{}", text(&bash.stderr));
    assert!(
        text(&bash.stdout).contains("secure-account"),
        "{}",
        text(&bash.stdout)
    );
    for shell in ["zsh", "fish", "powershell"] {
        let out = run_in(Path::new("."), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out.stdout).contains("apply"), "{shell}");
    }
}

#[test]
fn the_man_page_renders() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = text(&out.stdout);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq") || page.contains(".TH secure-account"),
        "{page}"
    );
    std::fs::write(dir.path().join("secure-account.1"), &page).unwrap();
    // `man -l` where man is installed, else groff; neither: the roff text was checked.
    let rendered = Command::new("man")
        .args(["-l", "secure-account.1"])
        .current_dir(dir.path())
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .or_else(|| {
            Command::new("groff")
                .args(["-man", "-Tutf8", "secure-account.1"])
                .current_dir(dir.path())
                .output()
                .ok()
                .filter(|o| o.status.success())
        });
    let Some(rendered) = rendered else {
        eprintln!("neither man nor groff is installed: the page was not rendered");
        return;
    };
    let rendered = text(&rendered.stdout);
    assert!(rendered.contains("secure-account"), "{rendered}");
    assert!(
        rendered.contains("SUBCOMMANDS") || rendered.contains("SUBCOMMAND"),
        "{rendered}"
    );
}
