//! Security Hub: the hub, its standards subscriptions and control associations, the
//! finding aggregator; reading them; turning Security Hub on with FSBP and the reviewed
//! controls.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Observed, PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct SecurityHub {
    pub auto_enable_controls: bool,
    /// `SECURITY_CONTROL` (consolidated findings) or `STANDARD_CONTROL`.
    pub control_finding_generator: String,
    /// Enabled standards by ARN, with their status (`GetEnabledStandards`
    /// `StandardsStatus`: `PENDING`, `READY`, `INCOMPLETE`, `FAILED`, `DELETING`).
    /// `BatchEnableStandards` answers at once with `PENDING`; the subscription becomes
    /// `READY` (or `INCOMPLETE`/`FAILED`) minutes later.
    pub standards: BTreeMap<String, String>,
    /// `StandardsControlsUpdatable` by standard ARN, when AWS says the standard's controls
    /// cannot be updated yet (`NOT_READY_FOR_UPDATES`): control association updates answer
    /// `RESOURCE_NOT_FOUND` until then. A standard not listed here is
    /// `READY_FOR_UPDATES` once its status is `READY`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub controls_updatable: BTreeMap<String, String>,
    /// `StandardsStatusReason.StatusReasonCode` by standard ARN, for a subscription that
    /// ended `INCOMPLETE` or `FAILED` (`NO_AVAILABLE_CONFIGURATION_RECORDER`,
    /// `INTERNAL_ERROR`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub status_reasons: BTreeMap<String, String>,
    /// The FSBP standard's control associations by security control id.
    pub fsbp_controls: BTreeMap<String, ControlAssociation>,
    /// The cross-region finding aggregator, when one is configured in this region.
    pub finding_aggregator: Option<String>,
    /// The region of the account's finding aggregator, wherever it is: Security Hub allows
    /// one per account, and `ListFindingAggregators` lists it in every region. `None`
    /// when the account has none (and in snapshots written before it was kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_aggregator_region: Option<String>,
    /// The failed control findings of the region that are not `RESOLVED`
    /// (`securityhub:GetFindings`: product Security Hub, `Compliance.Status` `FAILED`,
    /// `RecordState` `ACTIVE`), read on their own: an endpoint that does not serve the call
    /// (moto) leaves the rest of the part readable. Security Hub derives a control's status
    /// ignoring findings whose workflow status is `SUPPRESSED` (user guide, "Evaluating
    /// compliance status and control status"); the evaluator does the same.
    #[serde(skip_serializing_if = "no_findings")]
    pub findings: Observed<Vec<ControlFinding>>,
}

fn no_findings(o: &Observed<Vec<ControlFinding>>) -> bool {
    o.known().is_some_and(Vec::is_empty)
}

/// One control finding (consolidated control findings: one per control and resource).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlFinding {
    /// The finding's `Id`.
    pub id: String,
    /// `Compliance.SecurityControlId` (`S3.8`).
    pub control: String,
    /// `Resources[0].Id`: the resource's ARN, or `AWS::::Account:<id>` for an account-level
    /// check.
    pub resource: String,
    /// `Workflow.Status`.
    pub workflow: WorkflowStatus,
    /// `Note.Text`, if any: the tool's notes start with [`EXCEPTION_NOTE_PREFIX`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The workflow status of a finding (`Workflow.Status`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkflowStatus {
    #[default]
    New,
    Notified,
    Suppressed,
    Resolved,
}

impl WorkflowStatus {
    /// AWS's spelling (`SUPPRESSED`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for WorkflowStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the tool's notes on the findings it suppresses begin: the tool reopens only the
/// findings whose note it wrote, never a suppression of someone else's.
pub const EXCEPTION_NOTE_PREFIX: &str = "secure-account exception:";

/// The product ARN of Security Hub's own control findings in `region`
/// (`FindingIdentifier.ProductArn` of `BatchUpdateFindings`).
pub fn control_findings_product_arn(region: &str) -> String {
    format!("arn:aws:securityhub:{region}::product/aws/securityhub")
}

/// `StandardsControlsUpdatable` while a subscription is not ready for control updates.
pub const NOT_READY_FOR_UPDATES: &str = "NOT_READY_FOR_UPDATES";

/// How far a standard's subscription is, for a caller waiting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandardReadiness {
    /// `READY` and its controls can be updated.
    Ready,
    /// Not subscribed, `PENDING`, or `READY` but `NOT_READY_FOR_UPDATES`: wait.
    Pending,
    /// `INCOMPLETE`, `FAILED` (or `DELETING`): it will not become ready by waiting. The
    /// status and AWS's `StatusReasonCode` (empty when none).
    Ended { status: String, reason: String },
}

impl SecurityHub {
    /// Whether the subscription to `arn` ended without becoming ready (`INCOMPLETE`, or
    /// `FAILED`), with AWS's `StatusReasonCode` (empty when none): a standard to subscribe
    /// again.
    pub fn ended(&self, arn: &str) -> Option<(&str, &str)> {
        let status = self.standards.get(arn)?.as_str();
        matches!(status, "INCOMPLETE" | "FAILED").then(|| {
            (
                status,
                self.status_reasons.get(arn).map_or("", String::as_str),
            )
        })
    }

    /// Whether the standard `arn` can take control association updates now.
    pub fn readiness(&self, arn: &str) -> StandardReadiness {
        match self.standards.get(arn).map(String::as_str) {
            None | Some("PENDING") => StandardReadiness::Pending,
            Some("READY") => {
                if self.controls_updatable.get(arn).map(String::as_str)
                    == Some(NOT_READY_FOR_UPDATES)
                {
                    StandardReadiness::Pending
                } else {
                    StandardReadiness::Ready
                }
            }
            Some(other) => StandardReadiness::Ended {
                status: other.to_string(),
                reason: self.status_reasons.get(arn).cloned().unwrap_or_default(),
            },
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlAssociation {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
}

// ---- reads ----

/// `security_hub`: the hub, its standards, the FSBP control associations, the aggregator.
pub const READ_SECURITY_HUB: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "securityhub",
    iam_actions: &[
        "securityhub:DescribeHub",
        "securityhub:GetEnabledStandards",
        "securityhub:DescribeStandardsControls",
        "securityhub:ListFindingAggregators",
        "securityhub:GetFindingAggregator",
        "securityhub:GetFindings",
    ],
};
