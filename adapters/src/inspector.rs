//! Amazon Inspector: which scan types are on for the account in the region (regional).

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types::{State, Status};
use secure_account_core::AwsError;
use secure_account_core::snapshot::Inspector;

use crate::error::aws;

/// `inspector2:BatchGetAccountStatus` for the account.
pub async fn read_inspector(inspector: &Client, account_id: &str) -> Result<Inspector, AwsError> {
    let out = inspector
        .batch_get_account_status()
        .account_ids(account_id)
        .send()
        .await
        .map_err(aws("inspector2:BatchGetAccountStatus"))?;
    if let Some(failed) = out.failed_accounts().first() {
        return Err(AwsError::new(
            failed.error_code().as_str(),
            failed.error_message().to_string(),
        ));
    }
    let on = |s: Option<&State>| s.is_some_and(|s| s.status() == &Status::Enabled);
    Ok(
        match out.accounts().first().and_then(|a| a.resource_state()) {
            None => Inspector::default(),
            Some(r) => Inspector {
                ec2: on(r.ec2()),
                ecr: on(r.ecr()),
                lambda: on(r.lambda()),
                lambda_code: on(r.lambda_code()),
            },
        },
    )
}
