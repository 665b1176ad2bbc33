//! The plan: a versioned value (SPEC §6) that the text rendering, the JSON output and the
//! apply engine all read.

use serde::{Deserialize, Serialize};

use crate::action::PlannedAction;
use crate::cost::PlanCost;
use crate::evaluate::Score;
use crate::manual::ManualTask;

/// Version of the plan JSON. Bump on incompatible changes; adding fields is compatible.
pub const PLAN_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// What the plan decided that is worth saying although it changes nothing (why a
    /// control stays enabled outside the home region, …). Absent when there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub score_now: Score,
    pub score_predicted: Score,
    /// The monthly cost of the account now and after the plan, and the change (`cost`
    /// itemises it). Absent in plans saved before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost: Option<PlanCost>,
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

/// Why the plan leaves something the baseline wants undone.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SkipReason {
    /// A SECURITY contact exists and differs from the baseline's: it is the customer's and kept.
    SecurityContactKept,
    /// A bucket is public on purpose: blocking public access account-wide would break it.
    PublicBucketInUse,
    /// The baseline's resource names are not valid AWS names.
    InvalidNames,
    /// An existing policy could not be parsed, so it cannot be merged safely.
    PolicyUnreadable,
    /// A role the plan needs could not be found or read.
    RoleUnknown,
    /// The log bucket cannot be created or adopted.
    LogBucketUnavailable,
    /// A default VPC has network interfaces: it is kept.
    DefaultVpcInUse,
    /// A default VPC holds something besides its defaults: it is kept.
    DefaultVpcHasCustomerResources,
    /// Controls the baseline disables, with their reasons.
    ControlsDisabled,
    /// The baseline excludes the region.
    RegionExcluded,
    /// The region is not enabled for the account (opt-in).
    RegionNotEnabled,
    /// The trail's home region is outside the plan's regions.
    TrailRegionNotCovered,
    /// The trail's KMS key cannot be created or adopted.
    TrailKeyUnavailable,
    /// The adopted trail records data events, which a selector update would drop.
    TrailHasDataEvents,
    /// The key the trail uses is not enabled.
    KeyNotEnabled,
    /// A read failed: nothing that depends on it is planned.
    ReadFailed,
    /// The baseline's home region is not enabled for the account.
    HomeRegionNotEnabled,
    /// A paid feature the baseline declines: the controls it serves are disabled with its
    /// reason.
    FeatureDeclined,
    /// The region has no Config recorder and the plan creates none: a standard subscribed
    /// there would end `INCOMPLETE` (`NO_AVAILABLE_CONFIGURATION_RECORDER`).
    NoConfigRecorder,
    /// The log bucket and the access-log bucket exist in different regions: S3 server
    /// access logging needs its target in the source bucket's region, so they do not log
    /// to each other.
    LogBucketsInDifferentRegions,
    /// The account's Security Hub finding aggregator lives in another region than the home
    /// region (one per account): it is adopted, and none is created.
    FindingAggregatorElsewhere,
    /// A bucket, role, log group or key alias carries one of the baseline's names but is
    /// not the tool's (no tag, not serving this account's trail or Config): it is left
    /// alone; `[names]` in the baseline picks another name.
    NameTaken,
    /// The notification stack is in progress, or failed at creation: CloudFormation
    /// cannot update it now.
    StackNotUpdatable,
}

impl SkipReason {
    /// The snake_case code (the `reason` field of the plan JSON).
    pub fn code(self) -> &'static str {
        self.into()
    }
}

/// Something the baseline wants that the plan does not do, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    /// What was skipped: `<region>/<what>`.
    pub id: String,
    pub region: String,
    /// Why, as a snake_case code in JSON (`default_vpc_in_use`, `read_failed`, …).
    pub reason: SkipReason,
    /// The reason for people, with the identifiers that explain it.
    pub detail: String,
}
