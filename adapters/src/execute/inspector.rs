//! Amazon Inspector writes (regional).

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types::ResourceScanType;
use secure_account_core::AwsError;
use secure_account_engine::Unprocessed;

use crate::error::aws;

/// `inspector2:Enable` for the caller's account (no account id sent) and these resource
/// types. The answer's `failedAccounts` come back by account id with their `errorCode` and
/// `errorMessage`. Enabling what is enabled already is not an error. That the types
/// become `ENABLED` (they start `ENABLING`) is the engine's readiness wait, by reading.
pub async fn enable_inspector(
    inspector: &Client,
    resource_types: &[String],
) -> Result<Vec<Unprocessed>, AwsError> {
    let out = inspector
        .enable()
        .set_resource_types(Some(
            resource_types
                .iter()
                .map(|t| ResourceScanType::from(t.as_str()))
                .collect(),
        ))
        .send()
        .await
        .map_err(aws("inspector2:Enable"))?;
    Ok(out
        .failed_accounts()
        .iter()
        .map(|f| Unprocessed {
            id: f.account_id().to_string(),
            error: AwsError::new(f.error_code().as_str(), f.error_message()),
        })
        .collect())
}
