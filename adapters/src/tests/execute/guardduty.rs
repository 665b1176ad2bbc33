//! GuardDuty writes.

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::operation::create_detector::{
    CreateDetectorError, CreateDetectorInput, CreateDetectorOutput,
};
use aws_sdk_guardduty::operation::update_detector::{UpdateDetectorInput, UpdateDetectorOutput};
use aws_sdk_guardduty::types::{
    DetectorAdditionalConfiguration, DetectorFeature as Feature, DetectorFeatureConfiguration,
    FeatureAdditionalConfiguration, FeatureStatus, FindingPublishingFrequency,
};
use aws_smithy_mocks::mock;
use secure_account_core::action::ActionKind;
use secure_account_core::action::guardduty::{self, DetectorFeature};
use secure_account_engine::ActionOutput;

use super::{TOKEN, exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[ActionKind::CreateDetector, ActionKind::UpdateDetector];

fn planned() -> Vec<DetectorFeature> {
    vec![
        DetectorFeature {
            name: "S3_DATA_EVENTS".into(),
            status: "ENABLED".into(),
            additional_configuration: vec![],
        },
        DetectorFeature {
            name: "RUNTIME_MONITORING".into(),
            status: "ENABLED".into(),
            additional_configuration: vec![
                ("ECS_FARGATE_AGENT_MANAGEMENT".into(), "ENABLED".into()),
                ("EKS_ADDON_MANAGEMENT".into(), "DISABLED".into()),
            ],
        },
    ]
}

/// The features as sent: a feature without additional configurations sends none (not an
/// empty list).
fn sent() -> Vec<DetectorFeatureConfiguration> {
    vec![
        DetectorFeatureConfiguration::builder()
            .name(Feature::S3DataEvents)
            .status(FeatureStatus::Enabled)
            .build(),
        DetectorFeatureConfiguration::builder()
            .name(Feature::RuntimeMonitoring)
            .status(FeatureStatus::Enabled)
            .additional_configuration(
                DetectorAdditionalConfiguration::builder()
                    .name(FeatureAdditionalConfiguration::EcsFargateAgentManagement)
                    .status(FeatureStatus::Enabled)
                    .build(),
            )
            .additional_configuration(
                DetectorAdditionalConfiguration::builder()
                    .name(FeatureAdditionalConfiguration::EksAddonManagement)
                    .status(FeatureStatus::Disabled)
                    .build(),
            )
            .build(),
    ]
}

#[tokio::test]
async fn create_detector_sends_its_features_and_returns_the_detector_id() {
    let rule = mock!(Client::create_detector)
        .match_requests(exactly(
            CreateDetectorInput::builder()
                .enable(true)
                .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
                .set_features(Some(sent()))
                .client_token(TOKEN)
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateDetectorOutput::builder().detector_id("d-123").build());
    let gd = writes!(aws_sdk_guardduty, [&rule]);
    let out = exec(
        guardduty::CreateDetector {
            enable: true,
            finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
            features: planned(),
        },
        &gd,
    )
    .await
    .unwrap();
    // Nothing later refers to the new detector's id: the answer is a plain success.
    assert_eq!(out, ActionOutput::default());
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn a_second_detector_is_refused_as_aws_says() {
    let rule = mock!(Client::create_detector).then_error(|| {
        CreateDetectorError::generic(meta(
            "BadRequestException",
            "The request is rejected because a detector already exists for the current account.",
        ))
    });
    let gd = writes!(aws_sdk_guardduty, [&rule]);
    let e = exec(
        guardduty::CreateDetector {
            enable: true,
            finding_publishing_frequency: "SIX_HOURS".into(),
            features: vec![],
        },
        &gd,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "BadRequestException");
}

#[tokio::test]
async fn update_detector_sends_the_detector_id_and_every_setting() {
    let rule = mock!(Client::update_detector)
        .match_requests(exactly(
            UpdateDetectorInput::builder()
                .detector_id("d-123")
                .enable(true)
                .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
                .set_features(Some(sent()))
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateDetectorOutput::builder().build());
    let gd = writes!(aws_sdk_guardduty, [&rule]);
    exec(
        guardduty::UpdateDetector {
            detector_id: "d-123".into(),
            enable: true,
            finding_publishing_frequency: "SIX_HOURS".into(),
            features: planned(),
        },
        &gd,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

/// What the planner sends for a baseline that declines RDS and Lambda Protection: every
/// feature, the declined ones `DISABLED` (AWS turns on a feature the request leaves out).
/// Sent twice (a call sent again after a timeout), the request is the same, its
/// idempotency token included: AWS answers the second with the first detector.
#[tokio::test]
async fn create_detector_sends_declined_features_disabled_and_the_same_token_twice() {
    let status = |on: bool| if on { "ENABLED" } else { "DISABLED" };
    let planned: Vec<DetectorFeature> = [
        ("S3_DATA_EVENTS", true),
        ("EKS_AUDIT_LOGS", true),
        ("EBS_MALWARE_PROTECTION", true),
        ("RDS_LOGIN_EVENTS", false),
        ("LAMBDA_NETWORK_LOGS", false),
    ]
    .into_iter()
    .map(|(name, on)| DetectorFeature {
        name: name.into(),
        status: status(on).into(),
        additional_configuration: vec![],
    })
    .collect();
    let sent: Vec<DetectorFeatureConfiguration> = [
        (Feature::S3DataEvents, FeatureStatus::Enabled),
        (Feature::EksAuditLogs, FeatureStatus::Enabled),
        (Feature::EbsMalwareProtection, FeatureStatus::Enabled),
        (Feature::RdsLoginEvents, FeatureStatus::Disabled),
        (Feature::LambdaNetworkLogs, FeatureStatus::Disabled),
    ]
    .into_iter()
    .map(|(name, status)| {
        DetectorFeatureConfiguration::builder()
            .name(name)
            .status(status)
            .build()
    })
    .collect();
    let expected = CreateDetectorInput::builder()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
        .set_features(Some(sent))
        .client_token(TOKEN)
        .build()
        .unwrap();
    let rule = mock!(Client::create_detector)
        .match_requests(exactly(expected))
        .sequence()
        .output(|| CreateDetectorOutput::builder().detector_id("d-123").build())
        .times(2)
        .build();
    let gd = writes!(aws_sdk_guardduty, [&rule]);
    let action = guardduty::CreateDetector {
        enable: true,
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
        features: planned,
    };
    exec(action.clone(), &gd).await.unwrap();
    exec(action, &gd).await.unwrap();
    assert_eq!(rule.num_calls(), 2);
}
