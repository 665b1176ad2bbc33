//! GuardDuty: the detector and its settings.

use secure_account_core::action::guardduty::{CreateDetector, DetectorFeature, UpdateDetector};

use super::*;

/// The services of every GuardDuty feature and the additional configurations each takes.
const GUARDDUTY_FEATURES: [(&str, &[&str]); 7] = [
    ("S3_DATA_EVENTS", &[]),
    ("EKS_AUDIT_LOGS", &[]),
    ("EBS_MALWARE_PROTECTION", &[]),
    ("RDS_LOGIN_EVENTS", &[]),
    ("LAMBDA_NETWORK_LOGS", &[]),
    ("EKS_RUNTIME_MONITORING", &["EKS_ADDON_MANAGEMENT"]),
    (
        "RUNTIME_MONITORING",
        &[
            "EKS_ADDON_MANAGEMENT",
            "ECS_FARGATE_AGENT_MANAGEMENT",
            "EC2_AGENT_MANAGEMENT",
        ],
    ),
];

impl Simulate for CreateDetector {
    const AWS_LATENCY_MS: u64 = 600;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        if c.services()
            .and_then(|s| s.guardduty.known())
            .is_some_and(Option::is_some)
        {
            return err(
                "BadRequestException",
                "The request is rejected because a detector already exists for the current \
                 account.",
            );
        }
        detector_settings(&self.finding_publishing_frequency, &self.features)
    }
}

impl Simulate for UpdateDetector {
    const AWS_LATENCY_MS: u64 = 400;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let owned = c
            .services()
            .and_then(|s| s.guardduty.known())
            .and_then(Option::as_ref)
            .is_some_and(|d| d.detector_id == self.detector_id);
        if !owned {
            return err(
                "BadRequestException",
                "The request is rejected because the input detectorId is not owned by the \
                 current account.",
            );
        }
        detector_settings(&self.finding_publishing_frequency, &self.features)
    }
}

fn detector_settings(frequency: &str, features: &[DetectorFeature]) -> Result<(), AwsError> {
    let invalid = || {
        err(
            "BadRequestException",
            "The request is rejected because an invalid or out-of-range value is specified as \
             an input parameter.",
        )
    };
    if !FINDING_FREQUENCIES.contains(&frequency) {
        return invalid();
    }
    for f in features {
        let Some((_, additional)) = GUARDDUTY_FEATURES.iter().find(|(n, _)| *n == f.name) else {
            return invalid();
        };
        if !matches!(f.status.as_str(), "ENABLED" | "DISABLED") {
            return invalid();
        }
        for (name, status) in &f.additional_configuration {
            if !additional.contains(&name.as_str())
                || !matches!(status.as_str(), "ENABLED" | "DISABLED")
            {
                return invalid();
            }
        }
    }
    let named = |n: &str| features.iter().any(|f| f.name == n);
    if named("RUNTIME_MONITORING") && named("EKS_RUNTIME_MONITORING") {
        return err(
            "BadRequestException",
            "The request is rejected because you can specify only one of the features \
             EKS_RUNTIME_MONITORING and RUNTIME_MONITORING.",
        );
    }
    Ok(())
}
