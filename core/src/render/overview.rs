//! The compact plan: what `plan` and `apply` show by default. One line per kind of change
//! in each service (how many, where, the controls it makes pass), the number of changes
//! per region on a few wrapped lines, then what is skipped, the manual tasks and the
//! summary line. The full list of actions is [`super::plan_text`] (`--verbose`) and the
//! JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Style, marker, resource, summary_line};
use crate::action::{Change, PlannedAction};
use crate::plan::{Plan, SkipReason};
use crate::snapshot::GLOBAL;

/// The width the text is wrapped to: readable on an 80-column terminal.
pub const WIDTH: usize = 80;

/// How many controls a line names before it says how many more.
const CONTROLS_SHOWN: usize = 3;

/// `1 manual task`, `2 manual tasks`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Where an account's regions stand in the text of `plan` and `apply`: account-wide first,
/// then the home region, then the others in alphabetical order.
pub fn region_rank<'a>(region: &'a str, home: &str) -> (u8, &'a str) {
    let rank = if region == GLOBAL {
        0
    } else if region == home {
        1
    } else {
        2
    };
    (rank, region)
}

/// How a region is named in the text of `plan` and `apply`: `account-wide`,
/// `us-east-1 (home)`, `eu-west-1`.
pub fn region_title(region: &str, home: &str) -> String {
    if region == GLOBAL {
        "account-wide".to_string()
    } else if region == home {
        format!("{region} (home)")
    } else {
        region.to_string()
    }
}

/// `items` joined with `sep`, wrapped at [`WIDTH`], every line indented by `indent`.
pub fn wrap(items: &[String], sep: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item}{sep}")
        } else {
            item.clone()
        };
        if !line.is_empty()
            && indent.len() + line.chars().count() + piece.trim_end().chars().count() > WIDTH
        {
            let _ = writeln!(out, "{indent}{}", line.trim_end());
            line.clear();
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{}", line.trim_end());
    }
    out
}

/// `text` wrapped at [`WIDTH`] on spaces: the first line indented by `first`, the others
/// by `rest`. A word longer than the line stays whole.
pub fn wrap_words(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{line}");
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{line}");
    out
}

/// Counts of an action list by change: created, changed, deleted.
pub fn change_counts<'a>(actions: impl IntoIterator<Item = &'a PlannedAction>) -> [usize; 3] {
    let mut n = [0; 3];
    for a in actions {
        match a.op.facts().change {
            Change::Create => n[0] += 1,
            Change::Update => n[1] += 1,
            Change::Delete => n[2] += 1,
        }
    }
    n
}

/// `120 to create, 210 to change, 106 to delete`.
pub fn change_counts_text(n: [usize; 3]) -> String {
    format!("{} to create, {} to change, {} to delete", n[0], n[1], n[2])
}

/// Controls as `EC2.2, EC2.6, EC2.10 +8`.
fn controls_short(controls: &BTreeSet<&str>) -> String {
    let mut sorted: Vec<&str> = controls.iter().copied().collect();
    sorted.sort_by_key(|c| control_sort_key(c));
    let shown = sorted
        .iter()
        .take(CONTROLS_SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if sorted.len() > CONTROLS_SHOWN {
        format!("{shown} +{}", sorted.len() - CONTROLS_SHOWN)
    } else {
        shown
    }
}

/// `EC2.10` after `EC2.9`.
fn control_sort_key(c: &str) -> (String, u32) {
    match c.rsplit_once('.') {
        Some((service, n)) => (service.to_string(), n.parse().unwrap_or(u32::MAX)),
        None => (c.to_string(), 0),
    }
}

/// One kind of change in one service.
struct Group<'a> {
    first: &'a PlannedAction,
    count: usize,
    regions: BTreeSet<&'a str>,
    controls: BTreeSet<&'a str>,
    destructive: bool,
}

/// The plan, compact (see the module's documentation).
pub fn plan_overview(plan: &Plan, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        st.bold(&format!(
            "Plan for account {} · baseline {} · home {} · catalog {}",
            plan.account_id, plan.baseline, plan.home_region, plan.catalog_version
        ))
    );
    if plan.actions.is_empty() {
        let _ = writeln!(
            out,
            "\nNo changes: the account already matches the baseline."
        );
    } else {
        changes_by_service(&mut out, plan, st);
        changes_by_region(&mut out, plan, st);
    }
    skipped_and_tasks(&mut out, plan, st);
    let _ = writeln!(out);
    out.push_str(&wrap_words(&summary_line(plan), "", "  "));
    out
}

/// `Changes by service`: a line per kind of change.
fn changes_by_service(out: &mut String, plan: &Plan, st: Style) {
    // Service → kinds in plan order.
    let mut services: BTreeMap<&str, Vec<Group<'_>>> = BTreeMap::new();
    for a in &plan.actions {
        let groups = services.entry(a.op.service()).or_default();
        let name = a.op.name();
        let g = match groups.iter_mut().position(|g| g.first.op.name() == name) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(Group {
                    first: a,
                    count: 0,
                    regions: BTreeSet::new(),
                    controls: BTreeSet::new(),
                    destructive: false,
                });
                groups.last_mut().expect("just pushed")
            }
        };
        g.count += 1;
        g.regions.insert(a.region.as_str());
        g.controls.extend(a.satisfies.iter().map(String::as_str));
        g.destructive |= a.destructive;
    }
    let _ = writeln!(
        out,
        "\n{} {}",
        st.bold("Changes by service:"),
        change_counts_text(change_counts(&plan.actions))
    );
    let name_width = services
        .values()
        .flatten()
        .map(|g| what(g).chars().count())
        .max()
        .unwrap_or(0)
        .min(36);
    for (service, groups) in &services {
        let _ = writeln!(out, "  {service}");
        for g in groups {
            let (m, code) = marker(g.first);
            let what = what(g);
            let pad = name_width.saturating_sub(what.chars().count());
            let where_ = where_(g, &plan.home_region);
            // Plain, to measure; painted, to print.
            let mut plain = format!("    {m} {what}{}  {where_}", " ".repeat(pad));
            let mut line = format!(
                "    {} {what}{}  {where_}",
                st.paint(code, m),
                " ".repeat(pad)
            );
            let mut tail: Vec<(String, String)> = Vec::new();
            if !g.controls.is_empty() {
                let t = format!("→ {}", controls_short(&g.controls));
                tail.push((st.dim(&t), t));
            }
            if g.destructive {
                tail.push((st.red("(destructive)"), "(destructive)".into()));
            }
            for (painted, text) in tail {
                if plain.chars().count() + 2 + text.chars().count() > WIDTH {
                    let _ = writeln!(out, "{line}");
                    plain = format!("        {text}");
                    line = format!("        {painted}");
                } else {
                    plain.push_str(&format!("  {text}"));
                    line.push_str(&format!("  {painted}"));
                }
            }
            let _ = writeln!(out, "{line}");
        }
    }
}

/// `create_trail cloudtrail`, `delete_subnet ×59`.
fn what(g: &Group<'_>) -> String {
    let name = g.first.op.name();
    if g.count == 1 {
        let res = resource(g.first);
        if res.is_empty() {
            name.to_string()
        } else {
            format!("{name} {res}")
        }
    } else {
        format!("{name} ×{}", g.count)
    }
}

/// `account-wide`, `us-east-1 (home)`, `17 regions`.
fn where_(g: &Group<'_>, home: &str) -> String {
    match g.regions.len() {
        1 => region_title(g.regions.iter().next().expect("one"), home),
        n => format!("{n} regions"),
    }
}

/// `Changes by region`: how many changes in each region, account-wide first.
fn changes_by_region(out: &mut String, plan: &Plan, st: Style) {
    let mut regions: BTreeMap<(u8, &str), usize> = BTreeMap::new();
    for a in &plan.actions {
        *regions
            .entry(region_rank(a.region.as_str(), &plan.home_region))
            .or_default() += 1;
    }
    let items: Vec<String> = regions
        .iter()
        .map(|((_, r), n)| format!("{} {n}", region_title(r, &plan.home_region)))
        .collect();
    let _ = writeln!(out, "\n{}", st.bold("Changes by region:"));
    out.push_str(&wrap(&items, " · ", "  "));
    let _ = writeln!(out, "  {}", st.dim("(`--verbose` lists every action)"));
}

/// Skipped entries (one line per reason), notes and manual tasks, as in the full plan.
fn skipped_and_tasks(out: &mut String, plan: &Plan, st: Style) {
    if !plan.skipped.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Skipped"));
        out.push_str(&skipped_lines(plan));
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\n{}", st.bold("Notes"));
        for n in &plan.notes {
            out.push_str(&wrap_words(n, "  ", "    "));
        }
    }
    if !plan.manual_tasks.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("Manual tasks (a person must do these)")
        );
        out.push_str(&manual_task_lines(plan));
    }
}

/// The plan's skipped entries: the regions not enabled on one line, every other reason on a
/// line per entry (as `plan` and `apply` print them).
pub fn skipped_lines(plan: &Plan) -> String {
    let mut out = String::new();
    let not_enabled: Vec<&str> = plan
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::RegionNotEnabled)
        .map(|s| s.region.as_str())
        .collect();
    if !not_enabled.is_empty() {
        out.push_str(&wrap_words(
            &format!(
                "{} not enabled for the account (region_not_enabled); enable them in the \
                 Account console and apply again to cover them:",
                plural(not_enabled.len(), "region", "regions")
            ),
            "  ",
            "  ",
        ));
        let items: Vec<String> = not_enabled.iter().map(|r| r.to_string()).collect();
        out.push_str(&wrap(&items, ", ", "    "));
    }
    for s in plan
        .skipped
        .iter()
        .filter(|s| s.reason != SkipReason::RegionNotEnabled)
    {
        let region = if s.region == GLOBAL {
            "account-wide"
        } else {
            s.region.as_str()
        };
        out.push_str(&wrap_words(
            &format!("{region} {}: {}", s.reason, s.detail),
            "  ",
            "    ",
        ));
    }
    out
}

/// The plan's manual tasks, a paragraph each.
pub fn manual_task_lines(plan: &Plan) -> String {
    let mut out = String::new();
    for t in &plan.manual_tasks {
        out.push_str(&wrap_words(
            &format!("{}: {}", t.control, t.instructions),
            "  ",
            "    ",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let items: Vec<String> = (0..40).map(|i| format!("region-{i}")).collect();
        let text = wrap(&items, " · ", "  ");
        assert!(text.lines().count() > 1);
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
        }
        let joined: String = text.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        assert!(joined.contains("region-0 · region-1"));
        assert!(joined.ends_with("region-39"));
    }

    #[test]
    fn words_wrap_within_the_width() {
        let text = "word ".repeat(50);
        let wrapped = wrap_words(text.trim(), "  ", "    ");
        assert!(wrapped.lines().count() > 2);
        for (i, line) in wrapped.lines().enumerate() {
            assert!(line.chars().count() <= WIDTH, "{line:?}");
            assert!(
                line.starts_with(if i == 0 { "  w" } else { "    w" }),
                "{line:?}"
            );
        }
        assert_eq!(wrap_words("short", "  ", "    "), "  short\n");
    }

    #[test]
    fn plural_says_one_task() {
        assert_eq!(plural(1, "manual task", "manual tasks"), "1 manual task");
        assert_eq!(plural(2, "manual task", "manual tasks"), "2 manual tasks");
        assert_eq!(plural(0, "manual task", "manual tasks"), "0 manual tasks");
    }

    #[test]
    fn controls_are_sorted_by_number_and_shortened() {
        let set: BTreeSet<&str> = ["EC2.10", "EC2.2", "EC2.6", "EC2.15"].into_iter().collect();
        assert_eq!(controls_short(&set), "EC2.2, EC2.6, EC2.10 +1");
    }
}
