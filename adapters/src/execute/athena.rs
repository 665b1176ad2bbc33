//! Athena writes (regional).

use aws_sdk_athena::Client;
use aws_sdk_athena::types::{
    EncryptionConfiguration, EncryptionOption, ResultConfigurationUpdates,
    WorkGroupConfigurationUpdates,
};
use secure_account_core::AwsError;

use super::invalid;
use crate::error::aws;

/// `athena:UpdateWorkGroup`: CloudWatch metrics on, and result encryption when planned
/// (the planner keeps an existing stronger option by not sending one).
pub async fn update_work_group(
    athena: &Client,
    work_group: &str,
    publish_cloud_watch_metrics_enabled: bool,
    encryption_option: Option<&str>,
) -> Result<(), AwsError> {
    let mut updates = WorkGroupConfigurationUpdates::builder()
        .publish_cloud_watch_metrics_enabled(publish_cloud_watch_metrics_enabled);
    if let Some(option) = encryption_option {
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
    athena
        .update_work_group()
        .work_group(work_group)
        .configuration_updates(updates.build())
        .send()
        .await
        .map_err(aws("athena:UpdateWorkGroup"))?;
    Ok(())
}
