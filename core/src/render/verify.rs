//! The verdict of `verify` as text.

use std::fmt::Write;

use super::{Style, percent};
use crate::evaluate::Status;
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
