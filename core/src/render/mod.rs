//! Rendering for people, made from the values whose JSON is the contract: the plan (grouped
//! by region and service, ending with one summary line), the verdict of `verify`
//! (`verify.rs`) and the cost of the baseline (`cost.rs`).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::action::{Change, PlannedAction};
use crate::evaluate::Score;
use crate::part::Scope;
use crate::plan::{Plan, SkipReason};
use crate::snapshot::GLOBAL;

/// The plan as pretty JSON (SPEC §6).
pub fn plan_json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).expect("a plan always serialises")
}

/// Terminal styling, or none.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    pub(crate) color: bool,
}

impl Style {
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub(crate) fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    pub(crate) fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    pub(crate) fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
}

/// How an action reads in the text: `+` adds, `~` changes, `-` removes.
fn marker(action: &PlannedAction) -> (&'static str, &'static str) {
    match action.op.facts().change {
        Change::Create => ("+", "32"),
        Change::Update => ("~", "33"),
        Change::Delete => ("-", "31"),
    }
}

/// The resource an action's id names (`us-east-1/create_bucket/NAME` → `NAME`).
fn resource(action: &PlannedAction) -> &str {
    action.id.splitn(3, '/').nth(2).unwrap_or("")
}

/// A score as `23.53%`.
pub fn percent(p: f64) -> String {
    let s = format!("{p:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// One line for a score: `62.5% (40 passed, 24 failed; 100% with manual tasks done)`.
pub fn score_line(score: &Score) -> String {
    format!(
        "{} ({} passed, {} failed, {} no data, {} disabled; {} with manual tasks done)",
        percent(score.percent),
        score.passed,
        score.failed,
        score.no_data,
        score.disabled,
        percent(score.percent_if_manual_done)
    )
}

/// The plan as text for people.
pub fn plan_text(plan: &Plan, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        st.bold(&format!(
            "Plan for account {} · baseline {} · home region {} · catalog {}",
            plan.account_id, plan.baseline, plan.home_region, plan.catalog_version
        ))
    );
    // Region → service → actions, account-wide first, then the home region, then the rest.
    let mut by_region: BTreeMap<(u8, &str), BTreeMap<&str, Vec<&PlannedAction>>> = BTreeMap::new();
    for a in &plan.actions {
        let rank = match &a.region {
            Scope::Account => 0,
            Scope::Region(r) if *r == plan.home_region => 1,
            Scope::Region(_) => 2,
        };
        by_region
            .entry((rank, a.region.as_str()))
            .or_default()
            .entry(a.op.service())
            .or_default()
            .push(a);
    }
    if plan.actions.is_empty() {
        let _ = writeln!(
            out,
            "\nNo changes: the account already matches the baseline."
        );
    }
    for ((_, region), services) in &by_region {
        let title = if *region == GLOBAL {
            "account-wide".to_string()
        } else if *region == plan.home_region {
            format!("{region} (home)")
        } else {
            region.to_string()
        };
        let _ = writeln!(out, "\n{}", st.bold(&title));
        for (service, actions) in services {
            let _ = writeln!(out, "  {service}");
            for a in actions {
                let (m, code) = marker(a);
                let name = a.op.name();
                let res = resource(a);
                let mut line = format!("    {} {name}", st.paint(code, m));
                if !res.is_empty() {
                    let _ = write!(line, " {res}");
                }
                if !a.satisfies.is_empty() {
                    let _ = write!(
                        line,
                        "  {}",
                        st.dim(&format!("→ {}", a.satisfies.join(", ")))
                    );
                }
                if a.destructive {
                    let _ = write!(line, "  {}", st.paint("31", "(destructive)"));
                }
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if !plan.skipped.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Skipped"));
        // Regions that are not enabled read as one line; the JSON keeps one entry each.
        let not_enabled: Vec<&str> = plan
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::RegionNotEnabled)
            .map(|s| s.region.as_str())
            .collect();
        if !not_enabled.is_empty() {
            let _ = writeln!(
                out,
                "  {} region(s) not enabled for the account (region_not_enabled): {}; enable \
                 them in the Account console and apply again to cover them",
                not_enabled.len(),
                not_enabled.join(", ")
            );
        }
        for s in plan
            .skipped
            .iter()
            .filter(|s| s.reason != SkipReason::RegionNotEnabled)
        {
            let _ = writeln!(out, "  {} {}: {}", s.region, s.reason, s.detail);
        }
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Notes"));
        for n in &plan.notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    if !plan.manual_tasks.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("Manual tasks (a person must do these)")
        );
        for t in &plan.manual_tasks {
            let _ = writeln!(out, "  {}: {}", t.control, t.instructions);
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(plan));
    out
}

/// The one-line summary that ends the text rendering.
pub fn summary_line(plan: &Plan) -> String {
    let regions: std::collections::BTreeSet<&str> = plan
        .actions
        .iter()
        .filter_map(|a| a.region.region())
        .collect();
    let destructive = plan.actions.iter().filter(|a| a.destructive).count();
    let cost = match &plan.monthly_cost {
        Some(c) => format!(
            "; cost {} USD/month (low {}, high {}; `cost` itemises it)",
            signed_usd(c.change.typical),
            signed_usd(c.change.low),
            signed_usd(c.change.high)
        ),
        None => String::new(),
    };
    format!(
        "Plan: {} ({} destructive) in {}, {} skipped, {}; FSBP score {} → {} ({} with manual tasks done){cost}",
        plural(plan.actions.len(), "action", "actions"),
        destructive,
        plural(regions.len(), "region", "regions"),
        plan.skipped.len(),
        plural(plan.manual_tasks.len(), "manual task", "manual tasks"),
        percent(plan.score_now.percent),
        percent(plan.score_predicted.percent),
        percent(plan.score_predicted.percent_if_manual_done),
    ) + &incomplete_note(&plan.score_now)
}

/// `""`, or for a score computed while parts could not be read, a note that says so and
/// names them (the first five, then how many more).
pub fn incomplete_note(score: &Score) -> String {
    if !score.incomplete {
        return String::new();
    }
    const SHOWN: usize = 5;
    let mut parts = score
        .unread_parts
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if score.unread_parts.len() > SHOWN {
        parts.push_str(&format!(" and {} more", score.unread_parts.len() - SHOWN));
    }
    format!(
        "; INCOMPLETE: {} part(s) of the account could not be read ({parts})",
        score.unread_parts.len()
    )
}

/// A monthly cost change as `+37.49`, `-1.20` or `±0.00`.
pub fn signed_usd(v: f64) -> String {
    if v.abs() < 0.005 {
        "±0.00".to_string()
    } else if v > 0.0 {
        format!("+{v:.2}")
    } else {
        format!("{v:.2}")
    }
}

pub use cost::cost_text;
pub use handover::{Applied, Exception, Handover, handover_html};
pub use overview::{
    WIDTH, change_counts, change_counts_text, manual_task_lines, plan_overview, plural,
    region_rank, region_title, skipped_lines, wrap, wrap_words,
};
pub use verify::verification_text;

mod cost;
mod handover;
mod overview;
mod verify;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_trims_zeros() {
        assert_eq!(percent(100.0), "100%");
        assert_eq!(percent(62.5), "62.5%");
        assert_eq!(percent(33.333), "33.33%");
    }
}
