//! Systems Manager: the region's service settings and public documents; reading them;
//! blocking public sharing of documents (SSM.7) and logging automation to CloudWatch
//! (SSM.6).

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Effect, ErrorClass, Operation, known};
use crate::part::Part;
use crate::snapshot::AwsError;
use crate::snapshot::ssm::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_ssm {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            ssm::UpdateServiceSetting,
        ] $rest }
    };
}

/// The service settings the baseline sets, with the control each serves.
const SETTINGS: &[(&str, &str)] = &[(SSM_PUBLIC_SHARING, "SSM.7"), (SSM_AUTOMATION_LOG, "SSM.6")];

/// `ssm:UpdateServiceSetting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        // "There are concurrent updates for a resource that supports one update at a
        // time" (SSM API reference, `TooManyUpdates`).
        transient: &[("TooManyUpdates", ErrorClass::Throttling)],
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
