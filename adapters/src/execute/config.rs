//! AWS Config writes (regional).

use aws_sdk_config::Client;
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use secure_account_core::AwsError;

use crate::error::aws;

/// `config:PutConfigurationRecorder` (creates or updates the region's recorder).
pub async fn put_configuration_recorder(
    config: &Client,
    name: &str,
    role_arn: &str,
    all_supported: bool,
    include_global_resource_types: bool,
) -> Result<(), AwsError> {
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name(name)
                .role_arn(role_arn)
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(all_supported)
                        .include_global_resource_types(include_global_resource_types)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .map_err(aws("config:PutConfigurationRecorder"))?;
    Ok(())
}

/// `config:PutDeliveryChannel`.
pub async fn put_delivery_channel(
    config: &Client,
    name: &str,
    s3_bucket_name: &str,
) -> Result<(), AwsError> {
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name(name)
                .s3_bucket_name(s3_bucket_name)
                .build(),
        )
        .send()
        .await
        .map_err(aws("config:PutDeliveryChannel"))?;
    Ok(())
}

/// `config:StartConfigurationRecorder` (a recorder already recording stays so).
pub async fn start_configuration_recorder(config: &Client, name: &str) -> Result<(), AwsError> {
    config
        .start_configuration_recorder()
        .configuration_recorder_name(name)
        .send()
        .await
        .map_err(aws("config:StartConfigurationRecorder"))?;
    Ok(())
}
