//! The plan: a versioned value (SPEC §6) that the text rendering, the JSON output and the
//! apply engine all read.

use serde::{Deserialize, Serialize};

use crate::action::PlannedAction;
use crate::evaluate::Score;
use crate::manual::ManualTask;

/// Version of the plan JSON. Bump on incompatible changes; adding fields is compatible.
pub const PLAN_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    pub account_id: String,
    pub home_region: String,
    /// The baseline's name.
    pub baseline: String,
    /// The hash of the baseline's content other than its regions
    /// ([`crate::Baseline::content_hash`]): `apply PLAN` recomputes the plan from the
    /// baseline the plan names and refuses it when this no longer matches.
    pub baseline_hash: String,
    pub catalog_version: String,
    /// Fingerprint of the snapshot the plan was computed from; `apply` refuses the plan when
    /// the account no longer matches it.
    pub snapshot_fingerprint: String,
    /// The regions the plan covers (enabled and selected by the baseline).
    pub regions: Vec<String>,
    pub actions: Vec<PlannedAction>,
    pub skipped: Vec<Skipped>,
    pub manual_tasks: Vec<ManualTask>,
    pub score_now: Score,
    pub score_predicted: Score,
}

impl Plan {
    /// Whether applying the plan would change anything.
    pub fn has_changes(&self) -> bool {
        !self.actions.is_empty()
    }

    pub fn action(&self, id: &str) -> Option<&PlannedAction> {
        self.actions.iter().find(|a| a.id == id)
    }
}

/// Something the baseline wants that the plan does not do, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    /// What was skipped: `<region>/<what>`.
    pub id: String,
    pub region: String,
    /// A snake_case reason code (`default_vpc_in_use`, `region_not_enabled`, `read_failed`, …).
    pub reason: String,
    /// The reason for people, with the identifiers that explain it.
    pub detail: String,
}
