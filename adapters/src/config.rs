//! AWS Config: recorders, their status, delivery channels (regional).

use aws_sdk_config::Client;
use secure_account_core::AwsError;
use secure_account_core::snapshot::{ConfigRecorder, ConfigService, DeliveryChannel};

use crate::error::aws;

/// `config:DescribeConfigurationRecorders`, `config:DescribeConfigurationRecorderStatus`,
/// `config:DescribeDeliveryChannels`.
pub async fn read_config(config: &Client) -> Result<ConfigService, AwsError> {
    let (recorders, status, channels) = futures::try_join!(
        async {
            config
                .describe_configuration_recorders()
                .send()
                .await
                .map_err(aws("config:DescribeConfigurationRecorders"))
        },
        async {
            config
                .describe_configuration_recorder_status()
                .send()
                .await
                .map_err(aws("config:DescribeConfigurationRecorderStatus"))
        },
        async {
            config
                .describe_delivery_channels()
                .send()
                .await
                .map_err(aws("config:DescribeDeliveryChannels"))
        },
    )?;
    let recording = |name: &str| {
        status
            .configuration_recorders_status()
            .iter()
            .any(|s| s.name() == Some(name) && s.recording())
    };
    let mut recorders: Vec<ConfigRecorder> = recorders
        .configuration_recorders()
        .iter()
        .map(|r| {
            let name = r.name().unwrap_or_default().to_string();
            let group = r.recording_group();
            ConfigRecorder {
                recording: recording(&name),
                name,
                role_arn: r.role_arn().unwrap_or_default().to_string(),
                all_supported: group.is_some_and(|g| g.all_supported()),
                include_global_resource_types: group
                    .is_some_and(|g| g.include_global_resource_types()),
                resource_types: group
                    .map(|g| {
                        g.resource_types()
                            .iter()
                            .map(|t| t.as_str().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    recorders.sort_by(|a, b| a.name.cmp(&b.name));
    let mut delivery_channels: Vec<DeliveryChannel> = channels
        .delivery_channels()
        .iter()
        .map(|c| DeliveryChannel {
            name: c.name().unwrap_or_default().to_string(),
            s3_bucket_name: c.s3_bucket_name().unwrap_or_default().to_string(),
            s3_key_prefix: c.s3_key_prefix().map(str::to_string),
        })
        .collect();
    delivery_channels.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ConfigService {
        recorders,
        delivery_channels,
    })
}
