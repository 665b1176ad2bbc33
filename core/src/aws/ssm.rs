//! Systems Manager: the region's service settings and public documents; reading them;
//! blocking public sharing of documents (SSM.7) and logging automation to CloudWatch
//! (SSM.6).

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Operation};
use crate::effects::{Effect, known};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::AwsError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// The service settings the baseline sets, with the control each serves.
const SETTINGS: &[(&str, &str)] = &[(SSM_PUBLIC_SHARING, "SSM.7"), (SSM_AUTOMATION_LOG, "SSM.6")];

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

/// `ssm:UpdateServiceSetting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateServiceSetting {
    pub setting_id: String,
    pub setting_value: String,
}

impl Operation for UpdateServiceSetting {
    const FACTS: ActionFacts = ActionFacts {
        service: "ssm",
        iam_actions: &["ssm:UpdateServiceSetting"],
        reads: &[Part::Ssm],
        controls: &["SSM.6", "SSM.7"],
        ..ActionFacts::DEFAULT
    };

    /// The control of the setting it changes.
    fn satisfies(&self) -> Vec<&'static str> {
        SETTINGS
            .iter()
            .filter(|(id, _)| *id == self.setting_id)
            .map(|(_, control)| *control)
            .collect()
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let ssm = known(&mut e.regional()?.ssm, "SSM settings")?;
        match self.setting_id.as_str() {
            SSM_PUBLIC_SHARING => ssm.public_sharing_blocked = self.setting_value == "Disable",
            SSM_AUTOMATION_LOG => ssm.automation_log_destination = Some(self.setting_value.clone()),
            other => {
                return Err(AwsError::new(
                    "ServiceSettingNotFound",
                    format!("no service setting `{other}`"),
                ));
            }
        }
        Ok(())
    }
}
