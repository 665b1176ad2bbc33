//! Systems Manager: the region's service settings and public documents; reading them;
//! blocking public sharing of documents (SSM.7) and logging automation to CloudWatch
//! (SSM.6).

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Ssm {
    /// `/ssm/documents/console/public-sharing-permission` is `Disable`.
    pub public_sharing_blocked: bool,
    /// `/ssm/automation/customer-script-log-destination`: `CloudWatch` or `None` when unset.
    pub automation_log_destination: Option<String>,
    /// Documents owned by the account that are shared publicly (SSM.4).
    pub public_documents: Vec<String>,
}

/// The SSM service setting that blocks public sharing of documents (SSM.7).
pub const SSM_PUBLIC_SHARING: &str = "/ssm/documents/console/public-sharing-permission";
/// The SSM service setting for the automation log destination (SSM.6).
pub const SSM_AUTOMATION_LOG: &str = "/ssm/automation/customer-script-log-destination";

/// `ssm`: the two service settings and the account's public documents.
pub const READ_SSM: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "ssm",
    iam_actions: &[
        "ssm:GetServiceSetting",
        "ssm:ListDocuments",
        "ssm:DescribeDocumentPermission",
    ],
};
