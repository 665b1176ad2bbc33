//! AWS Config: recorders, their status, delivery channels (regional); setting up the
//! recorder and the delivery channel, starting the recorder.

use aws_sdk_config::Client;
use aws_sdk_config::types::{ConfigurationRecorder, RecordingGroup};
use secure_account_core::AwsError;
use secure_account_core::action::config::{
    PutConfigurationRecorder, PutDeliveryChannel, StartConfigurationRecorder,
};
use secure_account_core::snapshot::{ConfigRecorder, ConfigService, DeliveryChannel};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

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

// ---- actions ----

/// `config:PutConfigurationRecorder` (creates or updates the region's recorder).
impl Execute for PutConfigurationRecorder {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .config(cx.region)
            .put_configuration_recorder()
            .configuration_recorder(
                ConfigurationRecorder::builder()
                    .name(&self.name)
                    .role_arn(&self.role_arn)
                    .recording_group(
                        RecordingGroup::builder()
                            .all_supported(self.all_supported)
                            .include_global_resource_types(self.include_global_resource_types)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(aws("config:PutConfigurationRecorder"))?;
        Ok(ActionOutput::default())
    }
}

/// `config:PutDeliveryChannel`.
impl Execute for PutDeliveryChannel {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .config(cx.region)
            .put_delivery_channel()
            .delivery_channel(
                aws_sdk_config::types::DeliveryChannel::builder()
                    .name(&self.name)
                    .s3_bucket_name(&self.s3_bucket_name)
                    .build(),
            )
            .send()
            .await
            .map_err(aws("config:PutDeliveryChannel"))?;
        Ok(ActionOutput::default())
    }
}

/// `config:StartConfigurationRecorder` (a recorder already recording stays so).
impl Execute for StartConfigurationRecorder {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .config(cx.region)
            .start_configuration_recorder()
            .configuration_recorder_name(&self.name)
            .send()
            .await
            .map_err(aws("config:StartConfigurationRecorder"))?;
        Ok(ActionOutput::default())
    }
}
