//! GuardDuty: the region's detector and its features (regional).

use std::collections::BTreeMap;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::{DetectorStatus, FeatureStatus};
use secure_account_core::AwsError;
use secure_account_core::snapshot::Detector;

use crate::error::aws;

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
