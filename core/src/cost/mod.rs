//! What the account costs a month: an itemised estimate, per service and region, of the
//! security services that are on in a snapshot, priced from the dated table in
//! `core/data/prices.json` with the usage assumptions of `core/data/cost-usage.json`.
//!
//! [`estimate`] prices what is on in a snapshot. The cost of a plan is the difference
//! between the estimate of the snapshot the plan predicts and that of the snapshot now
//! ([`plan_cost`]). What the `cost` command reports (after the plan, now, and each paid
//! switch) is the `cost_report` module, which plans: this module never calls the planner.
//! Every figure is a low / typical / high range for an account without workloads, and each
//! item says how it grows with workloads. Pure: values in, values out.

mod estimator;
use estimator::Estimator;
mod model;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use model::{Assumed, CostModel, Price, PriceTable, Prices, Range, Usage, round_cents};

use crate::baseline::{Baseline, Names};
use crate::catalog::fsbp_standards_arn;
use crate::evaluate::Score;
use crate::snapshot::{GLOBAL, KeyState, Snapshot, Trail};

/// Version of the `cost --output json` document.
pub const COST_FORMAT_VERSION: u32 = 1;

/// One priced item: what one service meters in one region (or `global`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostItem {
    /// The AWS service (`securityhub`, `config`, `cloudtrail`, `guardduty`, `kms`, `logs`,
    /// `s3`, `inspector2`, `macie2`).
    pub service: String,
    pub region: String,
    /// What is metered.
    pub item: String,
    pub monthly_usd: Range,
    /// The quantities and the price behind the figure.
    pub assumption: String,
    /// What workloads add.
    pub grows_with: String,
}

/// An itemised monthly estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Estimate {
    pub prices_as_of: String,
    /// The region whose list prices are used for every item.
    pub price_region: String,
    pub currency: String,
    pub items: Vec<CostItem>,
    /// The sum of the items.
    pub total: Range,
}

impl Estimate {
    /// The items of one service, summed.
    pub fn service_total(&self, service: &str) -> Range {
        self.items
            .iter()
            .filter(|i| i.service == service)
            .fold(Range::ZERO, |acc, i| acc.plus(i.monthly_usd))
    }
}

/// The monthly cost change of a plan (a field of the plan JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanCost {
    pub prices_as_of: String,
    /// The account as it is.
    pub now: Range,
    /// The account after the plan.
    pub after: Range,
    /// `after − now`, case by case (low − low, …).
    pub change: Range,
}

/// The monthly cost of the snapshot and of the snapshot after the plan, as a plan carries it.
pub fn plan_cost(now: &Estimate, after: &Estimate) -> PlanCost {
    PlanCost {
        prices_as_of: now.prices_as_of.clone(),
        now: now.total,
        after: after.total,
        change: after.total.minus(now.total).cents(),
    }
}

/// GB in a KB figure.
const KB_PER_GB: f64 = 1024.0 * 1024.0;
/// Days in an average month.
const DAYS_PER_MONTH: f64 = 30.4;

/// Prices what is on in `snapshot`. `score` is the snapshot's score under `baseline` (its
/// per-region counts of controls with data are the controls Security Hub checks);
/// `baseline` names the home region and the retention of the log bucket.
pub fn estimate(
    snapshot: &Snapshot,
    baseline: &Baseline,
    score: &Score,
    model: &CostModel,
) -> Estimate {
    let mut e = Estimator {
        s: snapshot,
        b: baseline,
        p: &model.prices.prices,
        u: &model.usage,
        items: Vec::new(),
        enabled: snapshot.enabled_regions().count() as f64,
    };
    e.security_hub(score);
    e.config();
    let trails = e.trails();
    let s3_requests = e.log_buckets(&trails);
    e.kms(&trails);
    e.cloudwatch_logs(&trails);
    e.flow_logs();
    e.customer_access_logs();
    e.guardduty(&s3_requests);
    e.inspector();
    e.macie(&s3_requests);
    e.notifications();
    let mut items = e.items;
    for i in &mut items {
        i.monthly_usd = i.monthly_usd.cents();
    }
    let total = items
        .iter()
        .fold(Range::ZERO, |acc, i| acc.plus(i.monthly_usd))
        .cents();
    Estimate {
        prices_as_of: model.prices.as_of.clone(),
        price_region: model.prices.region.clone(),
        currency: model.prices.currency.clone(),
        items,
        total,
    }
}

/// A paid feature the baseline may decline, and what it costs.
/// The region label of an item (`global` for account-wide ones).
pub fn region_label(region: &str) -> &str {
    if region.is_empty() { GLOBAL } else { region }
}

// ---- number formatting for the assumptions ----

/// `1234567.5` → `1,234,567.5`; at most 2 decimals (4 below 1), trailing zeros trimmed.
pub fn num(v: f64) -> String {
    let decimals = if v.abs() < 1.0 && v != 0.0 { 4 } else { 2 };
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// A low / typical / high quantity as `1 / 2 / 3`, or one figure when all three agree.
pub fn range_num(r: Range) -> String {
    if r.low == r.typical && r.typical == r.high {
        num(r.typical)
    } else {
        format!("{} / {} / {}", num(r.low), num(r.typical), num(r.high))
    }
}

/// A price as `$0.003`.
pub fn usd(v: f64) -> String {
    format!("${}", num(v))
}
