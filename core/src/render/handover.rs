//! The handover report: one self-contained HTML page (no external assets, works offline,
//! prints well) that an operator hands to the account's owner. It says what the account is,
//! when, under which baseline and catalog, the score before and after (with a bar chart per
//! region), every control with its status, what the run set up, the manual tasks with their
//! instructions, the decided exceptions with their reasons, and the monthly cost estimate.
//!
//! Pure: the date and the facts come from the caller. The page is also well-formed XML
//! (XHTML syntax: every element closed, every attribute quoted), so a test can parse it
//! with an XML parser.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::overview::{region_rank, region_title};
use super::percent;
use crate::catalog::{Catalog, Severity};
use crate::cost_report::CostDocument;
use crate::evaluate::{Score, Status};
use crate::plan::Plan;
use crate::snapshot::GLOBAL;
use crate::verify::Verification;

/// A change the run made, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Applied {
    /// The region, or `global` for account-wide changes.
    pub region: String,
    /// The service (`s3`, `cloudtrail`).
    pub service: String,
    /// The action's id (`us-east-1/create_bucket/cloudtrail-logs-123456789012`).
    pub id: String,
}

/// A decision to leave a control off, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub control: String,
    pub reason: String,
}

/// Everything the report shows.
pub struct Handover<'a> {
    /// The day the report was made (`2026-12-07`), from the caller's clock.
    pub date: &'a str,
    /// The tool's version.
    pub tool_version: &'a str,
    /// The plan the run started from (or the plan of the account now, without a run).
    pub plan: &'a Plan,
    /// The controls as the account is now.
    pub verification: &'a Verification,
    /// The score before the run, when there was one (else the plan's score now).
    pub score_before: Option<&'a Score>,
    /// What the run changed; `None` when no apply ran (the `report` command).
    pub changes: Option<&'a [Applied]>,
    /// The decided exceptions: controls the baseline disables, with its reasons.
    pub exceptions: &'a [Exception],
    pub cost: Option<&'a CostDocument>,
}

/// Escapes text for HTML (and XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1f2328;
  max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: var(--muted); }
.scores { display: flex; gap: 2rem; flex-wrap: wrap; margin: 1rem 0; }
.score { border: 1px solid var(--line); border-radius: 6px; padding: .6rem 1rem; min-width: 11rem; }
.score b { display: block; font-size: 1.8rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: var(--ok); font-weight: 600; }
.failed { color: var(--bad); font-weight: 600; }
.no_data, .disabled { color: var(--muted); }
.chart { display: grid; grid-template-columns: 11rem 1fr 4rem; gap: .15rem .5rem; align-items: center; }
.bars { position: relative; height: 1.1rem; background: #f6f8fa; border: 1px solid var(--line); }
.bars span { position: absolute; left: 0; top: 0; bottom: 0; }
.bars .before { background: #afb8c1; height: 45%; }
.bars .after { background: var(--ok); top: 50%; }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 1rem; vertical-align: middle; }
ol.tasks li { margin-bottom: .5rem; }
.note { color: var(--muted); font-style: italic; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .score, ol.tasks li { break-inside: avoid; }
  .bars span, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
";

/// The report as one HTML page.
pub fn handover_html(h: &Handover<'_>) -> String {
    let plan = h.plan;
    let v = h.verification;
    let before = h.score_before.unwrap_or(&plan.score_now);
    let after = &v.score;
    let mut out = String::new();
    let title = format!(
        "Security baseline handover: AWS account {}",
        plan.account_id
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Date <b>{}</b> · baseline <b>{}</b> · FSBP catalog <b>{}</b> · home \
         region <b>{}</b> · {} · made by secure-account {}</p>",
        escape(h.date),
        escape(&plan.baseline),
        escape(&plan.catalog_version),
        escape(&plan.home_region),
        escape(&plural_regions(plan.regions.len())),
        escape(h.tool_version)
    );

    // Scores.
    let _ = writeln!(
        out,
        "<h2 id=\"score\">Security Hub FSBP score</h2>\n<div class=\"scores\">"
    );
    let before_label = if h.changes.is_some() {
        "Before"
    } else {
        "Before the baseline's changes"
    };
    score_box(&mut out, before_label, before);
    score_box(&mut out, "Now", after);
    let _ = writeln!(
        out,
        "<div class=\"score\">Once the manual tasks are done<b>{}</b>{} manual task(s)</div>\n</div>",
        percent(after.percent_if_manual_done),
        v.manual_tasks.len()
    );
    if after.incomplete {
        let _ = writeln!(
            out,
            "<p class=\"failed\">Incomplete: {} part(s) of the account could not be read ({}); \
             the score measures only what was read.</p>",
            after.unread_parts.len(),
            escape(&after.unread_parts.join(", "))
        );
    }
    region_chart(&mut out, plan, before, after);

    // Manual tasks.
    let _ = writeln!(out, "<h2 id=\"manual\">What you still have to do</h2>");
    if v.manual_tasks.is_empty() {
        let _ = writeln!(out, "<p>Nothing: no task is left for a person.</p>");
    } else {
        let _ = writeln!(
            out,
            "<p>These controls need a person (the root user, a contract, a decision); the tool \
             cannot do them.</p>\n<ol class=\"tasks\">"
        );
        for t in &v.manual_tasks {
            let _ = writeln!(
                out,
                "<li><b>{}</b>{}: {}</li>",
                escape(&t.control),
                title_of(&t.control)
                    .map(|t| format!(" ({})", escape(t)))
                    .unwrap_or_default(),
                escape(&t.instructions)
            );
        }
        let _ = writeln!(out, "</ol>");
    }

    // Exceptions.
    let _ = writeln!(out, "<h2 id=\"exceptions\">Decided exceptions</h2>");
    if h.exceptions.is_empty() {
        let _ = writeln!(
            out,
            "<p>None: the baseline leaves no control off by decision.</p>"
        );
    } else {
        let _ = writeln!(
            out,
            "<table>\n<tr><th>Control</th><th>Title</th><th>Reason</th></tr>"
        );
        for e in h.exceptions {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&e.control),
                escape(title_of(&e.control).unwrap_or("")),
                escape(&e.reason)
            );
        }
        let _ = writeln!(out, "</table>");
    }

    changes_section(&mut out, h);
    controls_section(&mut out, v);
    cost_section(&mut out, h.cost);

    if !plan.skipped.is_empty() {
        let _ = writeln!(
            out,
            "<h2 id=\"skipped\">Left out</h2>\n<table>\n<tr><th>Where</th><th>Why</th><th>Detail</th></tr>"
        );
        for s in &plan.skipped {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&region_title(&s.region, &plan.home_region)),
                escape(&s.reason.to_string()),
                escape(&s.detail)
            );
        }
        let _ = writeln!(out, "</table>");
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">The score is computed as Security Hub computes it: passed ÷ (passed + \
         failed) over the controls the standard enables. Controls with no resources to check \
         count as no data.</p>\n</body>\n</html>"
    );
    out
}

fn plural_regions(n: usize) -> String {
    if n == 1 {
        "1 region".into()
    } else {
        format!("{n} regions")
    }
}

fn title_of(control: &str) -> Option<&'static str> {
    Catalog::builtin().get(control).map(|c| c.title.as_str())
}

fn score_box(out: &mut String, label: &str, score: &Score) {
    let _ = writeln!(
        out,
        "<div class=\"score\">{}<b>{}</b>{} passed, {} failed</div>",
        escape(label),
        percent(score.percent),
        score.passed,
        score.failed
    );
}

/// A bar per region: the score before (grey) and now (green), as CSS bars.
fn region_chart(out: &mut String, plan: &Plan, before: &Score, after: &Score) {
    let mut regions: Vec<&String> = after.regions.keys().chain(before.regions.keys()).collect();
    regions.sort_by_key(|r| region_rank(r, &plan.home_region));
    regions.dedup();
    if regions.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h3>By region</h3>\n<p class=\"legend\"><span style=\"background:#afb8c1\"></span>before\
         <span style=\"background:#1a7f37\"></span>now</p>\n<div class=\"chart\" role=\"img\" \
         aria-label=\"FSBP score per region, before and now\">"
    );
    for r in regions {
        let b = before.regions.get(r).map_or(0.0, |s| s.percent);
        let a = after.regions.get(r).map_or(0.0, |s| s.percent);
        let _ = writeln!(
            out,
            "<div>{}</div><div class=\"bars\"><span class=\"before\" style=\"width:{b:.1}%\"></span>\
             <span class=\"after\" style=\"width:{a:.1}%\"></span></div><div class=\"num\">{}</div>",
            escape(&region_title(r, &plan.home_region)),
            percent(a)
        );
    }
    let _ = writeln!(out, "</div>");
}

/// What the run changed, by region and service.
fn changes_section(out: &mut String, h: &Handover<'_>) {
    let _ = writeln!(out, "<h2 id=\"changes\">What was set up</h2>");
    let Some(changes) = h.changes else {
        let _ = writeln!(
            out,
            "<p class=\"note\">This report was made without an apply: it lists no changes. \
             `secure-account apply --report FILE` records what a run sets up. Still to change \
             under the baseline now: {} action(s).</p>",
            h.plan.actions.len()
        );
        return;
    };
    if changes.is_empty() {
        let _ = writeln!(
            out,
            "<p>Nothing: the account already matched the baseline.</p>"
        );
        return;
    }
    let mut by_region: BTreeMap<(u8, &str), BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for c in changes {
        by_region
            .entry(region_rank(&c.region, &h.plan.home_region))
            .or_default()
            .entry(c.service.as_str())
            .or_default()
            .push(c.id.as_str());
    }
    let _ = writeln!(
        out,
        "<p>{} change(s) applied.</p>\n<table>\n<tr><th>Where</th><th>Service</th><th>Changes (action and resource)</th></tr>",
        changes.len()
    );
    for ((_, region), services) in &by_region {
        for (service, ids) in services {
            let items = ids
                .iter()
                .map(|id| {
                    // `region/action/resource` → `action resource`.
                    let mut parts = id.splitn(3, '/').skip(1);
                    let action = parts.next().unwrap_or("");
                    match parts.next() {
                        Some(res) => format!("{action} <code>{}</code>", escape(res)),
                        None => escape(action),
                    }
                })
                .collect::<Vec<_>>()
                .join("<br/>");
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{items}</td></tr>",
                escape(&region_title(region, &h.plan.home_region)),
                escape(service)
            );
        }
    }
    let _ = writeln!(out, "</table>");
}

/// Every control with its status.
fn controls_section(out: &mut String, v: &Verification) {
    let _ = writeln!(
        out,
        "<h2 id=\"controls\">Every control</h2>\n<table>\n<tr><th>Control</th><th>Severity</th>\
         <th>Title</th><th>Status</th><th>Failing in</th></tr>"
    );
    for c in &v.controls {
        let control = Catalog::builtin().get(&c.id);
        let severity = control.map_or("", |c| match c.severity {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        });
        let (class, status) = match c.status {
            Status::Passed => ("passed", "passed"),
            Status::Failed => ("failed", "FAILED"),
            Status::NoData => ("no_data", "no data"),
            Status::Disabled => ("disabled", "disabled"),
        };
        let regions = if c.regions_failed.len() == v.regions_evaluated && v.regions_evaluated > 1 {
            "every region".to_string()
        } else {
            c.regions_failed
                .iter()
                .map(|r| if r == GLOBAL { "account-wide" } else { r })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let title =
            control.map_or_else(|| c.reason.clone().unwrap_or_default(), |c| c.title.clone());
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{severity}</td><td>{}</td><td class=\"{class}\">{status}</td><td>{}</td></tr>",
            escape(&c.id),
            escape(&title),
            escape(&regions)
        );
    }
    let _ = writeln!(out, "</table>");
}

/// The monthly cost estimate, by service.
fn cost_section(out: &mut String, cost: Option<&CostDocument>) {
    let _ = writeln!(out, "<h2 id=\"cost\">Monthly cost estimate</h2>");
    let Some(c) = cost else {
        let _ = writeln!(out, "<p class=\"note\">No estimate was made.</p>");
        return;
    };
    let _ = writeln!(
        out,
        "<p>About <b>{:.2} {}</b> a month for an account without workloads (low {:.2}, high \
         {:.2}), at the prices of {} ({}). Workloads add to it: see each item's note.</p>",
        c.total.typical,
        escape(&c.currency),
        c.total.low,
        c.total.high,
        escape(&c.prices_as_of),
        escape(&c.price_region)
    );
    let mut services: BTreeMap<&str, [f64; 3]> = BTreeMap::new();
    for i in &c.items {
        let s = services.entry(i.service.as_str()).or_default();
        s[0] += i.monthly_usd.low;
        s[1] += i.monthly_usd.typical;
        s[2] += i.monthly_usd.high;
    }
    let _ = writeln!(
        out,
        "<table>\n<tr><th>Service</th><th class=\"num\">Low</th><th class=\"num\">Typical</th>\
         <th class=\"num\">High</th></tr>"
    );
    for (service, [low, typical, high]) in &services {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{low:.2}</td><td class=\"num\">{typical:.2}</td>\
             <td class=\"num\">{high:.2}</td></tr>",
            escape(service)
        );
    }
    let _ = writeln!(
        out,
        "<tr><th>Total</th><th class=\"num\">{:.2}</th><th class=\"num\">{:.2}</th>\
         <th class=\"num\">{:.2}</th></tr>\n</table>",
        c.total.low, c.total.typical, c.total.high
    );
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<b>"a" & 'b'</b>"#),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }
}
