//! Athena: the region's workgroups and their result settings (regional); updating a
//! workgroup's settings.

use aws_sdk_athena::Client;
use aws_sdk_athena::types::{
    EncryptionConfiguration, EncryptionOption, ResultConfigurationUpdates,
    WorkGroupConfigurationUpdates,
};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::athena::UpdateWorkGroup;
use secure_account_core::snapshot::WorkGroup;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute, invalid};
use crate::util::ITEM_CONCURRENCY;

// ---- reads ----

/// `athena:ListWorkGroups`, then `athena:GetWorkGroup` per workgroup.
pub async fn read_workgroups(athena: &Client) -> Result<Vec<WorkGroup>, AwsError> {
    let pages: Vec<_> = athena
        .list_work_groups()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(aws("athena:ListWorkGroups"))?;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.work_groups())
        .filter_map(|w| w.name().map(str::to_string))
        .collect();
    let mut out: Vec<WorkGroup> = futures::stream::iter(names)
        .map(|name| async move {
            let got = athena
                .get_work_group()
                .work_group(&name)
                .send()
                .await
                .map_err(aws("athena:GetWorkGroup"))?;
            Ok::<_, AwsError>(match got.work_group() {
                Some(w) => workgroup(w),
                None => WorkGroup {
                    name,
                    ..WorkGroup::default()
                },
            })
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A workgroup as the snapshot keeps it.
pub fn workgroup(w: &aws_sdk_athena::types::WorkGroup) -> WorkGroup {
    let conf = w.configuration();
    let result = conf.and_then(|c| c.result_configuration());
    WorkGroup {
        name: w.name().to_string(),
        state: w.state().map_or("", |s| s.as_str()).to_string(),
        publish_cloud_watch_metrics_enabled: conf
            .and_then(|c| c.publish_cloud_watch_metrics_enabled())
            .unwrap_or(false),
        output_location: result.and_then(|r| r.output_location()).map(str::to_string),
        encryption_option: result
            .and_then(|r| r.encryption_configuration())
            .map(|e| e.encryption_option().as_str().to_string()),
        enforce_work_group_configuration: conf
            .and_then(|c| c.enforce_work_group_configuration())
            .unwrap_or(false),
    }
}

// ---- actions ----

/// `athena:UpdateWorkGroup`: CloudWatch metrics on, and result encryption when planned
/// (the planner keeps an existing stronger option by not sending one).
impl Execute for UpdateWorkGroup {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let mut updates = WorkGroupConfigurationUpdates::builder()
            .publish_cloud_watch_metrics_enabled(self.publish_cloud_watch_metrics_enabled);
        if let Some(option) = self.encryption_option.as_deref() {
            let encryption = EncryptionConfiguration::builder()
                .encryption_option(EncryptionOption::from(option))
                .build()
                .map_err(|e| invalid(format!("UpdateWorkGroup: {e}")))?;
            updates = updates.result_configuration_updates(
                ResultConfigurationUpdates::builder()
                    .encryption_configuration(encryption)
                    .build(),
            );
        }
        cx.writes
            .athena(cx.region)
            .update_work_group()
            .work_group(&self.work_group)
            .configuration_updates(updates.build())
            .send()
            .await
            .map_err(aws("athena:UpdateWorkGroup"))?;
        Ok(ActionOutput::default())
    }
}
