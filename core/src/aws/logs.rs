//! CloudWatch Logs: the region's log groups; reading them; the trail's log group and its
//! retention.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, Operation};
use crate::effects::{Effect, find_mut, known};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::AwsError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

const LOGS: ActionFacts = ActionFacts {
    service: "logs",
    reads: &[Part::LogGroups, Part::Roles, Part::Trails],
    ..ActionFacts::DEFAULT
};

/// `logs:CreateLogGroup`, with the tool's tags. Precondition: no group of that name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateLogGroup {
    pub log_group_name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl Operation for CreateLogGroup {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["logs:CreateLogGroup", "logs:TagResource"],
        change: Change::Create,
        controls: &["CloudTrail.5"],
        ..LOGS
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(&mut e.regional()?.log_groups, "log groups")?.push(LogGroup {
            name: self.log_group_name.clone(),
            retention_in_days: None,
            tags: self.tags.clone(),
        });
        Ok(())
    }
}

/// `logs:PutRetentionPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRetentionPolicy {
    pub log_group_name: String,
    pub retention_in_days: u32,
}

impl Operation for PutRetentionPolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["logs:PutRetentionPolicy"],
        ..LOGS
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let groups = known(&mut e.regional()?.log_groups, "log groups")?;
        find_mut(
            groups,
            |g| g.name == self.log_group_name,
            || format!("log group `{}`", self.log_group_name),
        )?
        .retention_in_days = Some(self.retention_in_days);
        Ok(())
    }
}
