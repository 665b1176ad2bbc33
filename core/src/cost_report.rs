//! What `cost` reports for a baseline and an account: the estimate after the plan, the
//! estimate now, and what each paid switch of the baseline adds. It plans (with and without
//! each switch), so it sits above the planner, which itself only prices its plan with
//! [`crate::cost`].

use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::catalog::Catalog;
use crate::cost::{CostModel, Estimate, Range, estimate};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
