//! CloudWatch Logs writes (regional).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatchlogs::Client;
use secure_account_core::AwsError;

use crate::error::aws;

/// `logs:CreateLogGroup` with its tags (`logs:TagResource`). A group of that name is never
/// adopted here (`ResourceAlreadyExistsException` fails): the planner decides what is the
/// tool's.
pub async fn create_log_group(
    logs: &Client,
    log_group_name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let tags: HashMap<String, String> = tags.clone().into_iter().collect();
    logs.create_log_group()
        .log_group_name(log_group_name)
        .set_tags((!tags.is_empty()).then_some(tags))
        .send()
        .await
        .map_err(aws("logs:CreateLogGroup"))?;
    Ok(())
}

/// `logs:PutRetentionPolicy`.
pub async fn put_retention_policy(
    logs: &Client,
    log_group_name: &str,
    retention_in_days: u32,
) -> Result<(), AwsError> {
    let days = i32::try_from(retention_in_days).map_err(|_| {
        super::invalid(format!(
            "retention of {retention_in_days} days is out of range"
        ))
    })?;
    logs.put_retention_policy()
        .log_group_name(log_group_name)
        .retention_in_days(days)
        .send()
        .await
        .map_err(aws("logs:PutRetentionPolicy"))?;
    Ok(())
}
