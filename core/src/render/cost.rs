//! The cost of the baseline as text.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Style;
use crate::cost::{CostItem, Range, region_label};
use crate::cost_report::CostDocument;

/// `12.3` → `12.30`.
fn money(v: f64) -> String {
    format!("{v:.2}")
}

fn row(range: Range) -> String {
    format!(
        "{:>9} {:>9} {:>9}",
        money(range.low),
        money(range.typical),
        money(range.high)
    )
}

/// The item's kind, without the resource it names (`log bucket NAME` → `log bucket`).
fn kind(item: &CostItem) -> String {
    const NAMED: &[&str] = &[
        "log bucket",
        "access-log bucket",
        "customer managed key",
        "log group",
        "management events (trail",
        "requests (trail",
    ];
    NAMED
        .iter()
        .find(|n| item.item.starts_with(**n))
        .map(|n| n.trim_end_matches(" (trail").to_string())
        .unwrap_or_else(|| item.item.clone())
}

/// The cost of the baseline as text: the items grouped by service and kind, the total,
/// what the plan adds, the paid switches, the assumptions and the notes.
pub fn cost_text(doc: &CostDocument, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        st.bold(&format!(
            "Monthly cost of baseline {} for account {} (USD; {} list prices of {})",
            doc.baseline, doc.account_id, doc.price_region, doc.prices_as_of
        ))
    );
    // Items grouped by service and kind, summed over regions.
    let mut groups: BTreeMap<(String, String), (Vec<&CostItem>, Range)> = BTreeMap::new();
    for i in &doc.items {
        let g = groups
            .entry((i.service.clone(), kind(i)))
            .or_insert((vec![], Range::ZERO));
        g.0.push(i);
        g.1 = g.1.plus(i.monthly_usd);
    }
    let mut rows: Vec<_> = groups.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.1
            .typical
            .total_cmp(&a.1.1.typical)
            .then_with(|| a.0.cmp(&b.0))
    });
    let _ = writeln!(
        out,
        "\n  {:<12} {:<42} {:>8} {:>9} {:>9} {:>9}",
        "service", "item", "regions", "low", "typical", "high"
    );
    for ((service, kind), (items, sum)) in &rows {
        let regions: std::collections::BTreeSet<&str> =
            items.iter().map(|i| region_label(&i.region)).collect();
        let _ = writeln!(
            out,
            "  {:<12} {:<42} {:>8} {}",
            service,
            kind,
            regions.len(),
            row(sum.cents())
        );
    }
    let _ = writeln!(
        out,
        "  {:<12} {:<42} {:>8} {}",
        "",
        st.bold("total"),
        "",
        row(doc.total)
    );
    let _ = writeln!(
        out,
        "\n  now {} a month; the plan adds {} (low / typical / high)",
        row_inline(doc.total_now),
        row_inline(doc.plan_change)
    );
    if !doc.switches.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            st.bold("Paid features the baseline may decline (what each adds when on)")
        );
        for s in &doc.switches {
            let _ = writeln!(
                out,
                "  {:<42} {:<4} {}  serves {}",
                s.switch,
                if s.enabled { "on" } else { "off" },
                row_inline(s.monthly_usd),
                s.controls.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "  (on an account without workloads they add only the Security Hub checks of their \
             controls and, for Macie, the log buckets' objects; they grow with workloads, see \
             the assumptions)"
        );
    }
    let _ = writeln!(out, "\n{}", st.bold("Assumptions"));
    for ((service, kind), (items, _)) in &rows {
        // The home region's item speaks for the others when there is one.
        let first = items
            .iter()
            .find(|i| i.region == doc.home_region)
            .unwrap_or(&items[0]);
        let _ = writeln!(
            out,
            "  {service} · {kind} ({}{}): {}; grows: {}",
            region_label(&first.region),
            if items.len() > 1 {
                format!(" and {} more", items.len() - 1)
            } else {
                String::new()
            },
            first.assumption,
            first.grows_with
        );
    }
    let _ = writeln!(out, "\n{}", st.bold("Notes"));
    for n in &doc.notes {
        let _ = writeln!(out, "  {n}");
    }
    out
}

fn row_inline(r: Range) -> String {
    format!(
        "{} / {} / {}",
        money(r.low),
        money(r.typical),
        money(r.high)
    )
}
