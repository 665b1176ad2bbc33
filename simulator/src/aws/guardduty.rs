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

/// Where GuardDuty does not offer a feature (the GuardDuty user guide, "Amazon GuardDuty
/// Regions and endpoints", Region-specific feature availability: "RDS Protection is not
/// supported in Asia Pacific (Taipei) (ap-east-2) Region"). Written here from the page,
/// not taken from the planner's data: the simulator checks the planner, it does not agree
/// with it by construction.
const NOT_OFFERED: [(&str, &[&str]); 1] = [("RDS_LOGIN_EVENTS", &["ap-east-2"])];

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
        detector_settings(c, &self.finding_publishing_frequency, &self.features)
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
        detector_settings(c, &self.finding_publishing_frequency, &self.features)
    }
}

/// What GuardDuty checks of a detector's settings: a valid frequency, known features and
/// additional configurations with a valid status, each offered in the region, and not
/// both Runtime Monitoring features.
fn detector_settings(
    c: &Check<'_>,
    frequency: &str,
    features: &[DetectorFeature],
) -> Result<(), AwsError> {
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
    for f in features {
        let absent = NOT_OFFERED
            .iter()
            .any(|(name, regions)| *name == f.name && regions.contains(&c.region));
        if absent {
            return err(
                "BadRequestException",
                format!(
                    "The request is rejected because the feature {} is not available in \
                     the {} Region.",
                    f.name, c.region
                ),
            );
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
