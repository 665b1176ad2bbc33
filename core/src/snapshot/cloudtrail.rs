//! CloudTrail: the region's trails (those whose home is the region); reading them; the
//! baseline's multi-region trail, created or converged, with its event selectors and
//! logging on.

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Trail {
    pub name: String,
    pub home_region: String,
    pub s3_bucket_name: String,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub log_file_validation_enabled: bool,
    pub kms_key_id: Option<String>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    pub cloud_watch_logs_role_arn: Option<String>,
    pub is_logging: bool,
    /// Management events recorded: `All`, `ReadOnly`, `WriteOnly`, or `None` when the
    /// event selectors exclude management events.
    pub management_events: Option<String>,
    /// The trail records data events.
    pub data_events: bool,
    pub insights: bool,
}

/// `trails`: the trails with their status, event and insight selectors.
pub const READ_TRAILS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "cloudtrail",
    iam_actions: &[
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
    ],
};
