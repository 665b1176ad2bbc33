//! What `cost` reports for a baseline and an account: the estimate after the plan, the
//! estimate now, and what each paid switch of the baseline adds. It plans (with and without
//! each switch), so it sits above the planner, which itself only prices its plan with
//! [`crate::cost`].

use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::catalog::Catalog;
use crate::cost::{COST_FORMAT_VERSION, CostItem, CostModel, Estimate, Range, estimate};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SwitchCost {
    /// The baseline key (`features.macie_automated_discovery`).
    pub switch: String,
    /// Its value in the baseline.
    pub enabled: bool,
    /// The controls it serves (disabled with a reason when the switch is off).
    pub controls: Vec<String>,
    /// What turning it on adds to the account after the plan (on − off).
    pub monthly_usd: Range,
}

/// The cost of each paid switch of the baseline: the estimate after the plan with the
/// switch on, minus the one with it off (everything else as the baseline says).
pub fn switches(snapshot: &Snapshot, baseline: &Baseline, model: &CostModel) -> Vec<SwitchCost> {
    crate::baseline::PAID_SWITCHES
        .iter()
        .map(|sw| {
            let with = |on: bool| {
                let mut b = baseline.clone();
                (sw.set)(&mut b.features, on);
                let plan = crate::planner::plan_with(snapshot, &b, Catalog::builtin());
                let predicted = crate::effects::predict(snapshot, &plan.actions);
                estimate(&predicted, &b, &plan.score_predicted, model).total
            };
            SwitchCost {
                switch: format!("features.{}", sw.key),
                enabled: (sw.get)(&baseline.features),
                controls: sw.controls.iter().map(|c| c.to_string()).collect(),
                monthly_usd: with(true).minus(with(false)).cents(),
            }
        })
        .collect()
}

/// What `cost` reports: the account after the plan, itemised; the account now; and the
/// cost of each paid switch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostReport {
    /// The estimate of the account once the baseline's plan is applied.
    pub after: Estimate,
    /// The estimate of the account as it is.
    pub now: Estimate,
    pub switches: Vec<SwitchCost>,
}

/// The cost of the baseline for this account: after the plan, now, and per paid switch.
pub fn report(snapshot: &Snapshot, baseline: &Baseline, model: &CostModel) -> CostReport {
    let plan = crate::planner::plan_with(snapshot, baseline, Catalog::builtin());
    let predicted = crate::effects::predict(snapshot, &plan.actions);
    CostReport {
        after: estimate(&predicted, baseline, &plan.score_predicted, model),
        now: estimate(snapshot, baseline, &plan.score_now, model),
        switches: switches(snapshot, baseline, model),
    }
}

/// What every estimate leaves out or assumes, said with it.
pub const NOTES: &[&str] = &[
    "list prices of one region for every region; other regions cost up to about 30% more",
    "an account without workloads; each item says what workloads add",
    "30-day free trials of Security Hub, GuardDuty, Inspector and Macie are not deducted",
    "taxes, support plans and data transfer are not included",
];

/// The `cost --output json` document (SPEC §6: `items[]`, `total`, `prices_as_of`); its
/// text is [`crate::render::cost_text`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostDocument {
    pub format_version: u32,
    pub account_id: String,
    pub baseline: String,
    pub prices_as_of: String,
    pub price_region: String,
    pub currency: String,
    /// The account after the baseline's plan, item by item.
    pub items: Vec<CostItem>,
    pub total: Range,
    /// The account as it is now.
    pub total_now: Range,
    /// What the plan adds a month (`total − total_now`).
    pub plan_change: Range,
    /// Paid features the baseline may decline, and what each adds when on.
    pub switches: Vec<SwitchCost>,
    pub notes: Vec<String>,
    /// The baseline's home region (its items speak for the others in the text).
    #[serde(skip)]
    pub home_region: String,
}

/// The cost of the baseline for this account, as the `cost` command reports it.
pub fn document(snapshot: &Snapshot, baseline: &Baseline, model: &CostModel) -> CostDocument {
    let r = report(snapshot, baseline, model);
    CostDocument {
        format_version: COST_FORMAT_VERSION,
        account_id: snapshot.account_id.clone(),
        baseline: baseline.name.clone(),
        prices_as_of: r.after.prices_as_of.clone(),
        price_region: r.after.price_region.clone(),
        currency: r.after.currency.clone(),
        plan_change: r.after.total.minus(r.now.total).cents(),
        total: r.after.total,
        total_now: r.now.total,
        items: r.after.items,
        switches: r.switches,
        notes: NOTES.iter().map(|n| n.to_string()).collect(),
        home_region: baseline.home_region.clone(),
    }
}
