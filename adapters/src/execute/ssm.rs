//! Systems Manager writes (regional).

use aws_sdk_ssm::Client;
use secure_account_core::AwsError;

use crate::error::aws;

/// `ssm:UpdateServiceSetting`.
pub async fn update_service_setting(
    ssm: &Client,
    setting_id: &str,
    setting_value: &str,
) -> Result<(), AwsError> {
    ssm.update_service_setting()
        .setting_id(setting_id)
        .setting_value(setting_value)
        .send()
        .await
        .map_err(aws("ssm:UpdateServiceSetting"))?;
    Ok(())
}
