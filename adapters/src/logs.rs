//! CloudWatch Logs: the region's log groups, their retention and their tags (regional);
//! creating the trail's log group and setting its retention.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::logs::{CreateLogGroup, PutRetentionPolicy};
use secure_account_core::snapshot::LogGroup;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute, invalid};
use crate::util::ITEM_CONCURRENCY;

// ---- reads ----

/// `logs:DescribeLogGroups`, then each group's tags (`logs:ListTagsForResource`:
/// DescribeLogGroups does not return them). A group deleted in between is left out.
pub async fn read_log_groups(logs: &Client) -> Result<Vec<LogGroup>, AwsError> {
    let groups: Vec<_> = logs
        .describe_log_groups()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("logs:DescribeLogGroups"))?;
    let groups: Vec<(LogGroup, Option<String>)> = groups
        .iter()
        .filter_map(|g| {
            let group = LogGroup {
                name: g.log_group_name()?.to_string(),
                retention_in_days: g.retention_in_days().and_then(|d| u32::try_from(d).ok()),
                tags: BTreeMap::new(),
            };
            Some((group, tagging_arn(g.log_group_arn(), g.arn())))
        })
        .collect();
    let groups: Vec<Option<LogGroup>> = futures::stream::iter(groups)
        .map(|(mut group, arn)| async move {
            let Some(arn) = arn else {
                return Err(AwsError::new(
                    AwsError::UNPARSABLE_RESPONSE,
                    format!(
                        "logs:DescribeLogGroups: log group `{}` came without an ARN, so its tags \
                         cannot be read",
                        group.name
                    ),
                ));
            };
            Ok(read_tags(logs, &arn).await?.map(|tags| {
                group.tags = tags;
                group
            }))
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    let mut out: Vec<LogGroup> = groups.into_iter().flatten().collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The ARN the tagging API takes for a log group: `logGroupArn`, or else `arn` without its
/// trailing `:*` (the tagging API refuses that form).
pub fn tagging_arn(log_group_arn: Option<&str>, arn: Option<&str>) -> Option<String> {
    log_group_arn
        .or_else(|| arn.map(|a| a.strip_suffix(":*").unwrap_or(a)))
        .map(str::to_string)
}

/// `logs:ListTagsForResource` of a log group; `None` when the group is gone.
async fn read_tags(logs: &Client, arn: &str) -> Result<Option<BTreeMap<String, String>>, AwsError> {
    match logs.list_tags_for_resource().resource_arn(arn).send().await {
        Ok(out) => Ok(Some(
            out.tags()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )),
        Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(aws("logs:ListTagsForResource")(e)),
    }
}

// ---- actions ----

/// `logs:CreateLogGroup` with its tags (`logs:TagResource`). A group of that name is never
/// adopted here (`ResourceAlreadyExistsException` fails): the planner decides what is the
/// tool's.
impl Execute for CreateLogGroup {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let tags: HashMap<String, String> = self.tags.clone().into_iter().collect();
        cx.writes
            .logs(cx.region)
            .create_log_group()
            .log_group_name(&self.log_group_name)
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await
            .map_err(aws("logs:CreateLogGroup"))?;
        Ok(ActionOutput::default())
    }
}

/// `logs:PutRetentionPolicy`.
impl Execute for PutRetentionPolicy {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let days = i32::try_from(self.retention_in_days).map_err(|_| {
            invalid(format!(
                "retention of {} days is out of range",
                self.retention_in_days
            ))
        })?;
        cx.writes
            .logs(cx.region)
            .put_retention_policy()
            .log_group_name(&self.log_group_name)
            .retention_in_days(days)
            .send()
            .await
            .map_err(aws("logs:PutRetentionPolicy"))?;
        Ok(ActionOutput::default())
    }
}
