//! GuardDuty writes (regional).

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{
    DetectorAdditionalConfiguration, DetectorFeatureConfiguration, FeatureAdditionalConfiguration,
    FeatureStatus, FindingPublishingFrequency,
};
use secure_account_core::AwsError;
use secure_account_core::action::DetectorFeature;

use crate::error::aws;

fn features(features: &[DetectorFeature]) -> Vec<DetectorFeatureConfiguration> {
    features
        .iter()
        .map(|f| {
            DetectorFeatureConfiguration::builder()
                .name(aws_sdk_guardduty::types::DetectorFeature::from(
                    f.name.as_str(),
                ))
                .status(FeatureStatus::from(f.status.as_str()))
                .set_additional_configuration((!f.additional_configuration.is_empty()).then(|| {
                    f.additional_configuration
                        .iter()
                        .map(|(name, status)| {
                            DetectorAdditionalConfiguration::builder()
                                .name(FeatureAdditionalConfiguration::from(name.as_str()))
                                .status(FeatureStatus::from(status.as_str()))
                                .build()
                        })
                        .collect()
                }))
                .build()
        })
        .collect()
}

/// `guardduty:CreateDetector` with its features. A region has at most one detector; the
/// planner creates one only where the snapshot saw none, so AWS's refusal of a second
/// one is a failure (someone created one since: plan again).
pub async fn create_detector(
    gd: &Client,
    enable: bool,
    finding_publishing_frequency: &str,
    detector_features: &[DetectorFeature],
) -> Result<String, AwsError> {
    let out = gd
        .create_detector()
        .enable(enable)
        .finding_publishing_frequency(FindingPublishingFrequency::from(
            finding_publishing_frequency,
        ))
        .set_features(Some(features(detector_features)))
        .send()
        .await
        .map_err(aws("guardduty:CreateDetector"))?;
    Ok(out.detector_id().unwrap_or_default().to_string())
}

/// `guardduty:UpdateDetector`: features not listed keep their state.
pub async fn update_detector(
    gd: &Client,
    detector_id: &str,
    enable: bool,
    finding_publishing_frequency: &str,
    detector_features: &[DetectorFeature],
) -> Result<(), AwsError> {
    gd.update_detector()
        .detector_id(detector_id)
        .enable(enable)
        .finding_publishing_frequency(FindingPublishingFrequency::from(
            finding_publishing_frequency,
        ))
        .set_features(Some(features(detector_features)))
        .send()
        .await
        .map_err(aws("guardduty:UpdateDetector"))?;
    Ok(())
}
