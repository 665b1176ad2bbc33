//! AWS Config writes.

use aws_sdk_config::Client;
use aws_sdk_config::operation::put_configuration_recorder::{
    PutConfigurationRecorderInput, PutConfigurationRecorderOutput,
};
use aws_sdk_config::operation::put_delivery_channel::{
    PutDeliveryChannelError, PutDeliveryChannelInput, PutDeliveryChannelOutput,
};
use aws_sdk_config::operation::start_configuration_recorder::{
    StartConfigurationRecorderInput, StartConfigurationRecorderOutput,
};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use aws_smithy_mocks::mock;
use secure_account_core::action::ActionKind;
use secure_account_core::action::config;

use super::{exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::PutConfigurationRecorder,
    ActionKind::PutDeliveryChannel,
    ActionKind::StartConfigurationRecorder,
];

const ROLE: &str =
    "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

#[tokio::test]
async fn put_configuration_recorder_sends_its_role_and_recording_group() {
    let rule = mock!(Client::put_configuration_recorder)
        .match_requests(exactly(
            PutConfigurationRecorderInput::builder()
                .configuration_recorder(
                    ConfigurationRecorder::builder()
                        .name("default")
                        .role_arn(ROLE)
                        .recording_group(
                            RecordingGroup::builder()
                                .all_supported(true)
                                .include_global_resource_types(false)
                                .build(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutConfigurationRecorderOutput::builder().build());
    let config = writes!(aws_sdk_config, [&rule]);
    exec(
        config::PutConfigurationRecorder {
            name: "default".into(),
            role_arn: ROLE.into(),
            all_supported: true,
            include_global_resource_types: false,
        },
        &config,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn put_delivery_channel_sends_its_bucket_and_keeps_a_policy_refusal() {
    let rule = mock!(Client::put_delivery_channel)
        .match_requests(exactly(
            PutDeliveryChannelInput::builder()
                .delivery_channel(
                    DeliveryChannel::builder()
                        .name("default")
                        .s3_bucket_name("config-bucket")
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutDeliveryChannelOutput::builder().build());
    let refused = mock!(Client::put_delivery_channel).then_error(|| {
        PutDeliveryChannelError::generic(meta(
            "InsufficientDeliveryPolicyException",
            "Insufficient delivery policy to s3 bucket: config-bucket",
        ))
    });
    let config = writes!(aws_sdk_config, [&rule, &refused]);
    exec(
        config::PutDeliveryChannel {
            name: "default".into(),
            s3_bucket_name: "config-bucket".into(),
        },
        &config,
    )
    .await
    .unwrap();
    let e = exec(
        config::PutDeliveryChannel {
            name: "default".into(),
            s3_bucket_name: "config-bucket".into(),
        },
        &config,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "InsufficientDeliveryPolicyException");
}

#[tokio::test]
async fn start_configuration_recorder_names_the_recorder() {
    let rule = mock!(Client::start_configuration_recorder)
        .match_requests(exactly(
            StartConfigurationRecorderInput::builder()
                .configuration_recorder_name("default")
                .build()
                .unwrap(),
        ))
        .then_output(|| StartConfigurationRecorderOutput::builder().build());
    let config = writes!(aws_sdk_config, [&rule]);
    exec(
        config::StartConfigurationRecorder {
            name: "default".into(),
        },
        &config,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}
