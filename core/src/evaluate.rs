//! The FSBP evaluator: per-region control status from a snapshot, and the score as Security
//! Hub computes it. (Being written; placeholder body.)

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::snapshot::Snapshot;

/// Status of a control in a region, as Security Hub reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    NoData,
    Disabled,
}

/// Which regions count, and where global-resource controls are evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub home_region: String,
    /// Enabled regions the evaluation covers.
    pub regions: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    pub id: String,
    /// The aggregated status (a control fails if it fails in any region).
    pub status: Status,
    pub regions_failed: Vec<String>,
    /// Status per region.
    pub regions: BTreeMap<String, Status>,
    /// The failing resources, as `region: resource` lines, for people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing_resources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionScore {
    pub percent: f64,
    pub passed: u32,
    pub failed: u32,
}

/// The score object of SPEC §6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub percent: f64,
    pub passed: u32,
    pub failed: u32,
    pub no_data: u32,
    pub disabled: u32,
    pub percent_if_manual_done: f64,
    pub failed_controls: Vec<String>,
    pub regions: BTreeMap<String, RegionScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub catalog_version: String,
    pub controls: Vec<ControlResult>,
    pub score: Score,
}

/// Evaluates every active control of the catalog against the snapshot.
pub fn evaluate(_snapshot: &Snapshot, catalog: &Catalog, scope: &Scope) -> Evaluation {
    let controls: Vec<ControlResult> = catalog
        .active()
        .map(|c| ControlResult {
            id: c.id.clone(),
            status: Status::NoData,
            regions_failed: vec![],
            regions: scope.regions.iter().map(|r| (r.clone(), Status::NoData)).collect(),
            failing_resources: vec![],
        })
        .collect();
    let n = controls.len() as u32;
    Evaluation {
        catalog_version: catalog.version.clone(),
        controls,
        score: Score {
            percent: 0.0,
            passed: 0,
            failed: 0,
            no_data: n,
            disabled: 0,
            percent_if_manual_done: 0.0,
            failed_controls: vec![],
            regions: BTreeMap::new(),
        },
    }
}
