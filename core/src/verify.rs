//! What `verify` says about an account: the FSBP evaluation under the baseline's scope, the
//! controls of the live standard that the reviewed catalog lacks, and the manual tasks, as
//! one value whose JSON is the `verify --output json` contract and whose text
//! ([`crate::render::verification_text`]) is made from it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::accounting::{Accounted, account_for, expired_exceptions};
use crate::baseline::{Baseline, Exception};
use crate::catalog::Catalog;
use crate::evaluate::{Score, Status, evaluate};
use crate::manual::{ManualTask, manual_tasks};
use crate::planner::scope;
use crate::snapshot::Snapshot;

/// Version of the `verify --output json` document.
pub const VERIFY_FORMAT_VERSION: u32 = 1;

/// The verdict on an account (SPEC §6, "verify").
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verification {
    pub format_version: u32,
    pub score: Score,
    /// Every control of the catalog, then those of the live standard the catalog lacks.
    pub controls: Vec<ControlLine>,
    pub manual_tasks: Vec<ManualTask>,
    /// Every failing resource with its control, region, reason, cause and remedy (and the
    /// exception that accepts it, if one is in force), in control then region order.
    pub failures: Vec<Accounted>,
    /// The exceptions of the baseline past their `until` day: they accept nothing any more.
    pub expired_exceptions: Vec<Exception>,
    /// The notification stack, when the baseline asks for one: deployed as the baseline
    /// gives it, or deleted, drifted, failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications: Option<crate::notifications::deployed::StackCheck>,
    /// How many regions were evaluated (the text says "every region" when a control fails
    /// in all of them).
    #[serde(skip)]
    pub regions_evaluated: usize,
}

/// One control's status.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlLine {
    pub id: String,
    pub status: Status,
    pub regions_failed: Vec<String>,
    /// Why a control the reviewed catalog lacks is disabled (its association's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The control is not in the reviewed catalog: the live standard has it.
    #[serde(skip)]
    pub newer_than_catalog: bool,
}

impl Verification {
    /// The controls that failed, in catalog order.
    pub fn failed(&self) -> impl Iterator<Item = &ControlLine> {
        self.controls
            .iter()
            .filter(|c| !c.newer_than_catalog && c.status == Status::Failed)
    }

    /// The failures no exception accepts.
    pub fn open_failures(&self) -> impl Iterator<Item = &Accounted> {
        self.failures.iter().filter(|f| f.accepted.is_none())
    }

    /// The failures an exception in force accepts.
    pub fn accepted_failures(&self) -> impl Iterator<Item = &Accounted> {
        self.failures.iter().filter(|f| f.accepted.is_some())
    }

    /// The controls of the live standard that the reviewed catalog lacks.
    pub fn newer_than_catalog(&self) -> impl Iterator<Item = &ControlLine> {
        self.controls.iter().filter(|c| c.newer_than_catalog)
    }
}

/// Evaluates `snapshot` under `baseline` against `catalog`.
pub fn verify(snapshot: &Snapshot, baseline: &Baseline, catalog: &Catalog) -> Verification {
    let scope = scope(snapshot, baseline);
    let evaluation = evaluate(snapshot, catalog, &scope);
    let manual_tasks = manual_tasks(snapshot, baseline.security_contact.is_some());
    let failures = account_for(snapshot, &evaluation, baseline, &manual_tasks);
    let mut controls: Vec<ControlLine> = evaluation
        .controls
        .into_iter()
        .map(|c| ControlLine {
            id: c.id,
            status: c.status,
            regions_failed: c.regions_failed,
            reason: None,
            newer_than_catalog: false,
        })
        .collect();
    controls.extend(newer_than_catalog(snapshot, catalog, &scope.regions));
    Verification {
        format_version: VERIFY_FORMAT_VERSION,
        score: evaluation.score,
        controls,
        manual_tasks,
        failures,
        expired_exceptions: expired_exceptions(baseline),
        notifications: crate::notifications::deployed::check(snapshot, baseline),
        regions_evaluated: scope.regions.len(),
    }
}

/// The controls of the live standard that the reviewed catalog lacks, as Security Hub
/// shows them: `disabled` (with the reason of its association) when disabled in every
/// region that has it, else `no_data` (enabled somewhere, and nothing evaluates it here).
fn newer_than_catalog(
    snapshot: &Snapshot,
    catalog: &Catalog,
    regions: &BTreeSet<String>,
) -> Vec<ControlLine> {
    let mut found: BTreeMap<&str, (bool, Option<&str>)> = BTreeMap::new();
    for (name, region) in &snapshot.regions {
        if !regions.contains(name) {
            continue;
        }
        let Some(Some(hub)) = region.services.security_hub.known() else {
            continue;
        };
        for (id, a) in &hub.fsbp_controls {
            if catalog.position(id).is_some() {
                continue;
            }
            let entry = found.entry(id.as_str()).or_insert((true, None));
            entry.0 &= !a.enabled;
            if entry.1.is_none() {
                entry.1 = a.disabled_reason.as_deref();
            }
        }
    }
    found
        .into_iter()
        .map(|(id, (disabled, reason))| ControlLine {
            id: id.to_string(),
            status: if disabled {
                Status::Disabled
            } else {
                Status::NoData
            },
            regions_failed: Vec::new(),
            reason: if disabled {
                reason.map(str::to_string)
            } else {
                None
            },
            newer_than_catalog: true,
        })
        .collect()
}

/// Whether `score` meets `min` (percent): never when the score is incomplete, unless
/// `allow_incomplete`.
pub fn meets_min_score(score: &Score, min: f64, allow_incomplete: bool) -> bool {
    (!score.incomplete || allow_incomplete) && score.percent >= min
}
