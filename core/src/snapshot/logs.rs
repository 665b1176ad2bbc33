//! CloudWatch Logs: the region's log groups; reading them; the trail's log group and its
//! retention.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct LogGroup {
    pub name: String,
    pub retention_in_days: Option<u32>,
    /// The group's tags (`logs:ListTagsForResource`): the tool tags the groups it creates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// `log_groups`: the groups with their retention and tags.
pub const READ_LOG_GROUPS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "logs",
    iam_actions: &["logs:DescribeLogGroups", "logs:ListTagsForResource"],
};
