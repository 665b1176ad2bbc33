//! Amazon Inspector: its state in a region (which resource types it scans, and those still
//! on their way, `ENABLING`, or ended in an error, for the engine's readiness wait); reading
//! it; enabling the resource types the reviewed controls need.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

/// Amazon Inspector in a region (`inspector2:BatchGetAccountStatus`, the account's
/// `resourceState`). Each flag is true when that resource type's status is `ENABLED`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Inspector {
    pub ec2: bool,
    pub ecr: bool,
    pub lambda: bool,
    pub lambda_code: bool,
    /// The resource types (by `ResourceScanType`: `EC2`, `ECR`, `LAMBDA`, `LAMBDA_CODE`)
    /// whose status is neither `ENABLED` nor a plain `DISABLED`: `ENABLING`, `DISABLING`,
    /// `SUSPENDING`, `SUSPENDED`, or `DISABLED` with an `errorCode`. `Enable` answers at once
    /// and each requested type is `ENABLING` until Inspector has set it up, then `ENABLED`
    /// (API_Enable, API_State; terraform-provider-aws's `aws_inspector2_enabler` waits for
    /// it). A type listed here is not scanning, whatever its flag says. Empty (and left
    /// out of the JSON) in the steady states.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_states: BTreeMap<String, InspectorResourceState>,
}

/// One resource type's `State` in `BatchGetAccountStatus` (API_State).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InspectorResourceState {
    pub status: InspectorStatus,
    /// `errorCode` (`ACCESS_DENIED`, `INTERNAL_ERROR`, `SSM_UNAVAILABLE`, …), when AWS
    /// gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `errorMessage`, when AWS gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl InspectorResourceState {
    /// A state without an error.
    pub fn new(status: InspectorStatus) -> InspectorResourceState {
        InspectorResourceState {
            status,
            error_code: None,
            error_message: None,
        }
    }
}

/// Inspector's `Status` of an account or a resource type (API_State).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InspectorStatus {
    Enabling,
    Enabled,
    Disabling,
    Disabled,
    Suspending,
    Suspended,
}

impl InspectorStatus {
    /// The API's spelling (`ENABLING`).
    pub fn as_str(self) -> &'static str {
        match self {
            InspectorStatus::Enabling => "ENABLING",
            InspectorStatus::Enabled => "ENABLED",
            InspectorStatus::Disabling => "DISABLING",
            InspectorStatus::Disabled => "DISABLED",
            InspectorStatus::Suspending => "SUSPENDING",
            InspectorStatus::Suspended => "SUSPENDED",
        }
    }
}

impl std::fmt::Display for InspectorStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far enabling some Inspector resource types is, for a caller waiting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectorReadiness {
    /// Every type is `ENABLED`.
    Enabled,
    /// Some type is still in transition (`ENABLING`; or `DISABLING`/`SUSPENDING`, which
    /// terraform-provider-aws also waits out): wait.
    InTransition,
    /// Some type shows a plain `DISABLED`, as if `Enable` had not been seen yet.
    NotStarted,
    /// A type ended `DISABLED` with an `errorCode`, or `SUSPENDED`: waiting will not
    /// enable it. The first such type in the order asked.
    Ended {
        resource_type: String,
        state: InspectorResourceState,
    },
}

impl Inspector {
    /// The resource types Inspector scans, with their flags.
    pub const RESOURCE_TYPES: [&str; 4] = ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"];

    /// Whether Inspector scans `resource_type` (`EC2`, …): `ENABLED`, not in transition.
    pub fn scans(&self, resource_type: &str) -> bool {
        let flag = match resource_type {
            "EC2" => self.ec2,
            "ECR" => self.ecr,
            "LAMBDA" => self.lambda,
            "LAMBDA_CODE" => self.lambda_code,
            _ => false,
        };
        flag && !self.resource_states.contains_key(resource_type)
    }

    /// Sets `resource_type`'s flag (an unknown type is ignored).
    pub fn set_scans(&mut self, resource_type: &str, on: bool) {
        match resource_type {
            "EC2" => self.ec2 = on,
            "ECR" => self.ecr = on,
            "LAMBDA" => self.lambda = on,
            "LAMBDA_CODE" => self.lambda_code = on,
            _ => {}
        }
    }

    /// Whether the `resource_types` asked of `Enable` are all enabled yet.
    pub fn readiness(&self, resource_types: &[String]) -> InspectorReadiness {
        let ended = resource_types.iter().find_map(|t| {
            let state = self.resource_states.get(t)?;
            let ended = match state.status {
                InspectorStatus::Suspended => true,
                InspectorStatus::Disabled => state.error_code.is_some(),
                InspectorStatus::Enabling
                | InspectorStatus::Enabled
                | InspectorStatus::Disabling
                | InspectorStatus::Suspending => false,
            };
            ended.then(|| InspectorReadiness::Ended {
                resource_type: t.clone(),
                state: state.clone(),
            })
        });
        if let Some(ended) = ended {
            return ended;
        }
        if resource_types.iter().any(|t| {
            self.resource_states.get(t).is_some_and(|s| {
                matches!(
                    s.status,
                    InspectorStatus::Enabling
                        | InspectorStatus::Disabling
                        | InspectorStatus::Suspending
                )
            })
        }) {
            return InspectorReadiness::InTransition;
        }
        if resource_types.iter().all(|t| self.scans(t)) {
            InspectorReadiness::Enabled
        } else {
            InspectorReadiness::NotStarted
        }
    }
}

/// Inspector's resource types (`ResourceScanType`) and the control that needs each.
pub const RESOURCE_TYPES: &[(&str, &str)] = &[
    ("EC2", "Inspector.1"),
    ("ECR", "Inspector.2"),
    ("LAMBDA_CODE", "Inspector.3"),
    ("LAMBDA", "Inspector.4"),
];

// ---- reads ----

/// `inspector`: the account's status and each resource type's state.
pub const READ_INSPECTOR: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "inspector2",
    iam_actions: &["inspector2:BatchGetAccountStatus"],
};
