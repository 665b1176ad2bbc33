//! Athena: the region's workgroups; reading them; the `primary` workgroup's CloudWatch
//! metrics (Athena.4) and result encryption.

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct WorkGroup {
    pub name: String,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    pub publish_cloud_watch_metrics_enabled: bool,
    pub output_location: Option<String>,
    /// `SSE_S3`, `SSE_KMS` or `CSE_KMS`; `None` when results are not encrypted by default.
    pub encryption_option: Option<String>,
    pub enforce_work_group_configuration: bool,
}

/// `athena_workgroups`.
pub const READ_WORKGROUPS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "athena",
    iam_actions: &["athena:ListWorkGroups", "athena:GetWorkGroup"],
};
