//! The verdict of `verify` as text.

use std::fmt::Write;

use super::{Style, percent};
use crate::accounting::{Accounted, Cause, Remedy};
use crate::evaluate::{Status, arn};
use crate::verify::Verification;

/// The verdict of `verify` as text for people: the score, the failed controls with their
/// regions, the controls newer than the reviewed catalog, the manual tasks.
pub fn verification_text(v: &Verification, color: bool) -> String {
    let st = Style { color };
    let score = &v.score;
    let mut out = String::new();
    if score.incomplete {
        let _ = writeln!(
            out,
            "{} {} part(s) of the account could not be read: {}",
            st.red("INCOMPLETE SCORE:"),
            score.unread_parts.len(),
            score.unread_parts.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "FSBP score{}: {} ({} passed, {} failed; {} without data, {} disabled); {} once the \
         manual tasks are done",
        if score.incomplete {
            " of what could be read"
        } else {
            ""
        },
        st.bold(&percent(score.percent)),
        score.passed,
        score.failed,
        score.no_data,
        score.disabled,
        percent(score.percent_if_manual_done)
    );
    let failed: Vec<_> = v.failed().collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Failed controls:"));
        let width = failed.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for c in failed {
            let regions =
                if c.regions_failed.len() > 1 && c.regions_failed.len() == v.regions_evaluated {
                    format!("every region ({})", c.regions_failed.len())
                } else {
                    c.regions_failed.join(", ")
                };
            let _ = writeln!(out, "  {}  {regions}", st.red(&format!("{:<width$}", c.id)));
        }
    }
    failures_text(&mut out, v, &st);
    let newer: Vec<_> = v.newer_than_catalog().collect();
    if !newer.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("Controls newer than the reviewed catalog:")
        );
        for c in newer {
            let status = match c.status {
                Status::Disabled => "disabled",
                Status::Passed | Status::Failed | Status::NoData => "enabled",
            };
            let reason = c
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}  {status}{reason}", c.id);
        }
    }
    if !v.manual_tasks.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Manual tasks:"));
        for t in &v.manual_tasks {
            let _ = writeln!(out, "  {}: {}", t.control, t.instructions);
        }
    }
    if let Some(n) = &v.notifications {
        use crate::notifications::deployed::StackState;
        let what = match n.state {
            StackState::InSync => st.bold("deployed as the baseline gives it"),
            StackState::Deleted => st.red("NOT DEPLOYED (never, or deleted): apply deploys it"),
            StackState::NotTheTools => {
                st.red("NOT THE TOOL'S: a stack of that name that the tool did not make")
            }
            StackState::Drifted => st.red("DRIFTED: apply deploys it again"),
            StackState::Failed => st.red("FAILED"),
            StackState::InProgress => "in progress".to_string(),
            StackState::Unreadable => st.red("UNREADABLE"),
        };
        let _ = writeln!(
            out,
            "\n{} stack `{}` in {}: {what}",
            st.bold("Notifications:"),
            n.stack,
            n.region
        );
        for d in &n.details {
            let _ = writeln!(out, "  {d}");
        }
    }
    out
}

/// The failures grouped by cause, each with its resource, reason and remedy; then the
/// failures exceptions accept; then the exceptions past their day.
fn failures_text(out: &mut String, v: &Verification, st: &Style) {
    let open: Vec<&Accounted> = v.open_failures().collect();
    let accepted: Vec<&Accounted> = v.accepted_failures().collect();
    if !open.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold(&format!(
                "Failures by cause ({} open, {} accepted):",
                open.len(),
                accepted.len()
            ))
        );
        let mut groups: Vec<(&Cause, Vec<&Accounted>)> = Vec::new();
        for f in &open {
            match groups.iter_mut().find(|(c, _)| *c == &f.cause) {
                Some((_, list)) => list.push(f),
                None => groups.push((&f.cause, vec![f])),
            }
        }
        groups.sort_by(|a, b| a.0.cmp(b.0));
        for (cause, list) in groups {
            let _ = writeln!(out, "  {}", st.bold(&cause.describe()));
            if *cause == Cause::Baseline {
                // Before `apply`: the plan lists the actions; here, which controls.
                let mut controls: Vec<(&str, usize)> = Vec::new();
                for f in &list {
                    match controls.iter_mut().find(|(c, _)| *c == f.control) {
                        Some((_, n)) => *n += 1,
                        None => controls.push((&f.control, 1)),
                    }
                }
                let _ = writeln!(
                    out,
                    "    {}",
                    controls
                        .iter()
                        .map(|(c, n)| format!("{c} ({n})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let _ = writeln!(
                    out,
                    "      fix: `secure-account apply` (`secure-account plan` lists the actions)"
                );
                continue;
            }
            // A failure that repeats in every region (an account-level check, the default
            // workgroup): one line, its regions.
            let mut lines: Vec<(&Accounted, Vec<&str>)> = Vec::new();
            for f in list {
                match lines.iter_mut().find(|(g, _)| {
                    g.control == f.control
                        && arn::short_id(&g.resource) == arn::short_id(&f.resource)
                        && g.reason == f.reason
                }) {
                    Some((_, regions)) => regions.push(&f.region),
                    None => lines.push((f, vec![&f.region])),
                }
            }
            for (f, regions) in lines {
                let regions = if regions.len() > 1 && regions.len() == v.regions_evaluated {
                    format!("every region ({})", regions.len())
                } else {
                    regions.join(", ")
                };
                let _ = writeln!(
                    out,
                    "    {} {regions} {}: {}",
                    st.red(&f.control),
                    arn::short_id(&f.resource),
                    f.reason
                );
                match &f.remedy {
                    Remedy::Manual { instructions } => {
                        let _ = writeln!(out, "      manual task: {instructions}");
                    }
                    Remedy::Apply => {
                        let _ = writeln!(out, "      fix: `secure-account apply`");
                    }
                    Remedy::Decision(d) => {
                        let _ = writeln!(out, "      decide: {}", d.could_break);
                        let _ = writeln!(out, "      console: {}", d.console);
                        for c in &d.cli {
                            let _ = writeln!(out, "      cli: {c}");
                        }
                    }
                }
            }
        }
    }
    if !accepted.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("Accepted failures (exceptions in force):")
        );
        for f in accepted {
            let why = f
                .accepted
                .as_ref()
                .map(|e| e.describe())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {} {}: {}; accepted: {why}",
                f.control,
                f.region,
                arn::short_id(&f.resource),
                f.reason
            );
        }
    }
    if !v.expired_exceptions.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.red("Exceptions past their day (they accept nothing now: renew or remove them):")
        );
        for e in &v.expired_exceptions {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                e.control,
                e.resource.as_deref().unwrap_or("(every resource)"),
                e.describe()
            );
        }
    }
}
