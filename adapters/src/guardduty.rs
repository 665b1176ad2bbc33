//! GuardDuty: the region's detector and its features (regional); creating the detector and
//! converging its settings.

use std::collections::BTreeMap;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{
    DetectorAdditionalConfiguration, DetectorFeatureConfiguration, DetectorStatus,
    FeatureAdditionalConfiguration, FeatureStatus, FindingPublishingFrequency,
};
use secure_account_core::AwsError;
use secure_account_core::action::guardduty::{CreateDetector, DetectorFeature, UpdateDetector};
use secure_account_core::snapshot::Detector;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

/// `guardduty:ListDetectors`, then `guardduty:GetDetector` of the first (a region has at
/// most one); `None` when there is none.
pub async fn read_detector(gd: &Client) -> Result<Option<Detector>, AwsError> {
    let ids: Vec<String> = gd
        .list_detectors()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("guardduty:ListDetectors"))?;
    let Some(id) = ids.into_iter().min() else {
        return Ok(None);
    };
    let d = gd
        .get_detector()
        .detector_id(&id)
        .send()
        .await
        .map_err(aws("guardduty:GetDetector"))?;
    let mut features = BTreeMap::new();
    for f in d.features() {
        let Some(name) = f.name() else { continue };
        features.insert(
            name.as_str().to_string(),
            f.status() == Some(&FeatureStatus::Enabled),
        );
        for a in f.additional_configuration() {
            if let Some(extra) = a.name() {
                features.insert(
                    format!("{}/{}", name.as_str(), extra.as_str()),
                    a.status() == Some(&FeatureStatus::Enabled),
                );
            }
        }
    }
    Ok(Some(Detector {
        detector_id: id,
        enabled: d.status() == Some(&DetectorStatus::Enabled),
        finding_publishing_frequency: d
            .finding_publishing_frequency()
            .map_or("", |f| f.as_str())
            .to_string(),
        features,
    }))
}

// ---- actions ----

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

/// `guardduty:CreateDetector` with every feature the planner decided (`ENABLED` or
/// `DISABLED`: AWS turns on those a request leaves out) and the action's idempotency token,
/// so that a call sent again after a timeout answers with the detector the first one made.
/// A region has at most one detector; the planner creates one only where the snapshot saw
/// none, so AWS's refusal of a second one is a failure (someone created one since: plan
/// again).
impl Execute for CreateDetector {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .guardduty(cx.region)
            .create_detector()
            .client_token(cx.client_token())
            .enable(self.enable)
            .finding_publishing_frequency(FindingPublishingFrequency::from(
                self.finding_publishing_frequency.as_str(),
            ))
            .set_features(Some(features(&self.features)))
            .send()
            .await
            .map_err(aws("guardduty:CreateDetector"))?;
        Ok(ActionOutput::default())
    }
}

/// `guardduty:UpdateDetector`: features not listed keep their state.
impl Execute for UpdateDetector {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .guardduty(cx.region)
            .update_detector()
            .detector_id(&self.detector_id)
            .enable(self.enable)
            .finding_publishing_frequency(FindingPublishingFrequency::from(
                self.finding_publishing_frequency.as_str(),
            ))
            .set_features(Some(features(&self.features)))
            .send()
            .await
            .map_err(aws("guardduty:UpdateDetector"))?;
        Ok(ActionOutput::default())
    }
}
