//! CloudWatch Logs: the region's log groups and their retention (regional).

use aws_sdk_cloudwatchlogs::Client;
use secure_account_core::AwsError;
use secure_account_core::snapshot::LogGroup;

use crate::error::aws;

/// `logs:DescribeLogGroups`.
pub async fn read_log_groups(logs: &Client) -> Result<Vec<LogGroup>, AwsError> {
    let groups: Vec<_> = logs
        .describe_log_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("logs:DescribeLogGroups"))?;
    let mut out: Vec<LogGroup> = groups
        .iter()
        .filter_map(|g| {
            Some(LogGroup {
                name: g.log_group_name()?.to_string(),
                retention_in_days: g.retention_in_days().and_then(|d| u32::try_from(d).ok()),
                // DescribeLogGroups returns no tags (ListTagsForResource does): not read yet.
                tags: Default::default(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
