//! CloudWatch Logs: the region's log groups; reading them; the trail's log group and its
//! retention.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, IamResource, Operation, find_mut, known,
};
use crate::part::Part;
use crate::snapshot::AwsError;
use crate::snapshot::logs::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_logs {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            logs::CreateLogGroup,
            logs::PutRetentionPolicy,
        ] $rest }
    };
}

const LOGS: ActionFacts = ActionFacts {
    service: "logs",
    reads: &[Part::LogGroups, Part::Roles, Part::Trails],
    // "Multiple concurrent requests to update the same resource were in conflict"
    // (CloudWatch Logs API reference, `OperationAbortedException`).
    transient: &[("OperationAbortedException", ErrorClass::Throttling)],
    // The planner writes only the trail's log group, `[names] trail_log_group`.
    resource: IamResource::TrailLogGroup,
    ..ActionFacts::DEFAULT
};

/// `logs:CreateLogGroup`, with the tool's tags. Precondition: no group of that name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
