//! Systems Manager: service settings.

use secure_account_core::action::ssm::UpdateServiceSetting;
use secure_account_core::snapshot::ssm::{SSM_AUTOMATION_LOG, SSM_PUBLIC_SHARING};

use super::*;

impl Simulate for UpdateServiceSetting {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        let (setting_id, setting_value) = (self.setting_id.as_str(), self.setting_value.as_str());
        let allowed: &[&str] = match setting_id {
            SSM_PUBLIC_SHARING => &["Enable", "Disable"],
            SSM_AUTOMATION_LOG => &["CloudWatch", "None"],
            _ => {
                return err(
                    "ServiceSettingNotFound",
                    format!("The service setting {setting_id} is not found"),
                );
            }
        };
        if !allowed.contains(&setting_value) {
            return err(
                "ValidationException",
                format!("Invalid value {setting_value} for service setting {setting_id}"),
            );
        }
        Ok(())
    }
}
