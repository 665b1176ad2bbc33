//! CloudFormation: the region's stacks (CloudFormation.3 and .4 look at every one) and,
//! for the tool's own notification stack, its template and why it failed; what reading
//! them takes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

// ---- state ----

/// A stack (`cloudformation:DescribeStacks`), deleted ones left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Stack {
    pub name: String,
    /// The stack's ARN (`StackId`).
    pub id: String,
    /// `StackStatus` as AWS spells it (`CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, …).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// `EnableTerminationProtection` (CloudFormation.3).
    pub termination_protection: bool,
    /// The service role CloudFormation uses for the stack (`RoleARN`, CloudFormation.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Parameter values by key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    /// Outputs by key.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, String>,
    /// The result of the last drift detection (`DriftInformation.StackDriftStatus`:
    /// `DRIFTED`, `IN_SYNC`, `NOT_CHECKED`, `UNKNOWN`), if AWS says one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<String>,
    /// The template as deployed (`GetTemplate`, stage `Original`): read for the tool's
    /// stacks only (those with the notification purpose tag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_body: Option<String>,
    /// For the tool's stacks in a failed or rolled-back state: the first resource that
    /// failed, from the stack's events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<StackFailure>,
}

/// A resource that failed in a stack operation (`DescribeStackEvents`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StackFailure {
    /// The resource's logical id in the template (`NotificationTopic`).
    pub logical_id: String,
    pub resource_type: String,
    /// `ResourceStatus` (`CREATE_FAILED`).
    pub status: String,
    /// `ResourceStatusReason`: AWS's reason.
    pub reason: String,
}

/// Where a stack stands, from its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackPhase {
    /// Created or updated as asked (`CREATE_COMPLETE`, `UPDATE_COMPLETE`,
    /// `IMPORT_COMPLETE`).
    Complete,
    /// An operation is under way (`*_IN_PROGRESS`, `REVIEW_IN_PROGRESS`).
    InProgress,
    /// The last operation failed: the stack was rolled back to what it was
    /// (`UPDATE_ROLLBACK_COMPLETE`: usable, updatable again).
    RolledBack,
    /// The stack's creation failed (`ROLLBACK_COMPLETE`, `CREATE_FAILED`,
    /// `ROLLBACK_FAILED`) or a rollback failed (`UPDATE_ROLLBACK_FAILED`), or it is being
    /// or was deleted: it cannot be updated; a person must delete or continue it.
    Failed,
}

impl Stack {
    pub fn phase(&self) -> StackPhase {
        let s = self.status.as_str();
        if s.ends_with("_IN_PROGRESS") {
            StackPhase::InProgress
        } else if matches!(s, "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE") {
            StackPhase::Complete
        } else if matches!(s, "UPDATE_ROLLBACK_COMPLETE" | "IMPORT_ROLLBACK_COMPLETE") {
            StackPhase::RolledBack
        } else {
            StackPhase::Failed
        }
    }

    /// Why the stack's last operation failed, for people: the resource and AWS's reason,
    /// else the stack's status reason.
    pub fn failure_text(&self) -> String {
        match (&self.failure, &self.status_reason) {
            (Some(f), _) => format!(
                "{} ({}) {}: {}",
                f.logical_id, f.resource_type, f.status, f.reason
            ),
            (None, Some(reason)) => reason.clone(),
            (None, None) => "no reason given".into(),
        }
    }
}

// ---- reads ----

/// `cloudformation_stacks`: every stack of the region; the template and the failure events
/// of the tool's stacks.
pub const READ_STACKS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "cloudformation",
    iam_actions: &[
        "cloudformation:DescribeStacks",
        "cloudformation:GetTemplate",
        "cloudformation:DescribeStackEvents",
    ],
};
