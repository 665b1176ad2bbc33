//! `cost`: the monthly cost of the baseline for this account, itemised, with assumptions.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use secure_account_core::Baseline;
use secure_account_core::cost::{self, CostItem, CostModel, Range, SwitchCost};
use secure_account_engine::Port;

use crate::account::{read_snapshot, validate_baseline};
use crate::args::{GlobalArgs, OutputFormat};
use crate::output::{BOLD, CLI_FORMAT_VERSION, Stream, paint, print_json, print_text, use_color};

/// The JSON of `cost` (SPEC §6: `items[]`, `total`, `prices_as_of`).
#[derive(Debug, Serialize)]
struct CostOutput<'a> {
    format_version: u32,
    account_id: &'a str,
    baseline: &'a str,
    prices_as_of: &'a str,
    price_region: &'a str,
    currency: &'a str,
    /// The account after the baseline's plan, item by item.
    items: &'a [CostItem],
    total: Range,
    /// The account as it is now.
    total_now: Range,
    /// What the plan adds a month (`total − total_now`).
    plan_change: Range,
    /// Paid features the baseline may decline, and what each adds when on.
    switches: &'a [SwitchCost],
    notes: &'a [&'a str],
}

const NOTES: &[&str] = &[
    "list prices of one region for every region; other regions cost up to about 30% more",
    "an account without workloads; each item says what workloads add",
    "30-day free trials of Security Hub, GuardDuty, Inspector and Macie are not deducted",
    "taxes, support plans and data transfer are not included",
];

pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
) -> anyhow::Result<ExitCode> {
    let snapshot = read_snapshot(port).await?;
    validate_baseline(baseline, &snapshot)?;
    let model = CostModel::builtin();
    let report = cost::report(&snapshot, baseline, model);
    let change = report.after.total.minus(report.now.total).cents();
    match global.output {
        OutputFormat::Json => print_json(&CostOutput {
            format_version: CLI_FORMAT_VERSION,
            account_id: &snapshot.account_id,
            baseline: &baseline.name,
            prices_as_of: &report.after.prices_as_of,
            price_region: &report.after.price_region,
            currency: &report.after.currency,
            items: &report.after.items,
            total: report.after.total,
            total_now: report.now.total,
            plan_change: change,
            switches: &report.switches,
            notes: NOTES,
        })?,
        OutputFormat::Text => {
            let color = use_color(global.color, Stream::Stdout);
            print_text(&text(
                &snapshot.account_id,
                baseline,
                &report,
                change,
                color,
            ))?
        }
    }
    Ok(ExitCode::SUCCESS)
}

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

fn text(
    account: &str,
    baseline: &Baseline,
    report: &cost::CostReport,
    change: Range,
    color: bool,
) -> String {
    let after = &report.after;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint(
            &format!(
                "Monthly cost of baseline {} for account {} (USD; {} list prices of {})",
                baseline.name, account, after.price_region, after.prices_as_of
            ),
            BOLD,
            color
        )
    );
    // Items grouped by service and kind, summed over regions.
    let mut groups: BTreeMap<(String, String), (Vec<&CostItem>, Range)> = BTreeMap::new();
    for i in &after.items {
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
        let regions: std::collections::BTreeSet<&str> = items
            .iter()
            .map(|i| cost::region_label(&i.region))
            .collect();
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
        paint("total", BOLD, color),
        "",
        row(after.total)
    );
    let _ = writeln!(
        out,
        "\n  now {} a month; the plan adds {} (low / typical / high)",
        row_inline(report.now.total),
        row_inline(change)
    );
    if !report.switches.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                "Paid features the baseline may decline (what each adds when on)",
                BOLD,
                color
            )
        );
        for s in &report.switches {
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
    let _ = writeln!(out, "\n{}", paint("Assumptions", BOLD, color));
    for ((service, kind), (items, _)) in &rows {
        // The home region's item speaks for the others when there is one.
        let first = items
            .iter()
            .find(|i| i.region == baseline.home_region)
            .unwrap_or(&items[0]);
        let _ = writeln!(
            out,
            "  {service} · {kind} ({}{}): {}; grows: {}",
            cost::region_label(&first.region),
            if items.len() > 1 {
                format!(" and {} more", items.len() - 1)
            } else {
                String::new()
            },
            first.assumption,
            first.grows_with
        );
    }
    let _ = writeln!(out, "\n{}", paint("Notes", BOLD, color));
    for n in NOTES {
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
