//! GuardDuty: the region's detector and its features; reading it; creating or converging
//! it. One table of which detector feature each GuardDuty control needs serves the
//! evaluator (which feature a control checks), the planner (which features to enable) and
//! the actions (which controls a detector's features make pass).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, Operation, SLR};
use crate::catalog::control_sort_key;
use crate::effects::{Effect, known, not_found};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::{AwsError, Observed};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Detector {
    pub detector_id: String,
    pub enabled: bool,
    pub finding_publishing_frequency: String,
    /// Features by name (`S3_DATA_EVENTS`, …) and additional configurations as
    /// `FEATURE/ADDITIONAL` (`RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT`): enabled or not.
    pub features: BTreeMap<String, bool>,
}

/// A GuardDuty detector feature (`DetectorFeatureConfiguration`) with its additional
/// configurations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorFeature {
    pub name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<(String, String)>,
}

/// The GuardDuty detector feature each control requires, as keys of
/// [`Detector::features`](crate::snapshot::Detector::features): a feature name, or
/// `FEATURE/ADDITIONAL_CONFIGURATION`. A `FEATURE/ADDITIONAL` key passes only when the
/// feature itself is enabled too.
///
/// From the Config rules behind the controls: GuardDuty.5 `guardduty-eks-protection-audit-
/// enabled` (EKS Audit Log Monitoring), .6 `guardduty-lambda-protection-enabled` (Lambda
/// Protection), .7 `guardduty-eks-protection-runtime-enabled` ("EKS Runtime Monitoring
/// with automated agent management"), .8 `guardduty-malware-protection-enabled` (Malware
/// Protection for EC2), .9 `guardduty-rds-protection-enabled`, .10
/// `guardduty-s3-protection-enabled`, .11 `guardduty-runtime-monitoring-enabled`, .12
/// `guardduty-ecs-protection-runtime-enabled` (ECS Fargate automated agent), .13
/// `guardduty-ec2-protection-runtime-enabled` (EC2 automated agent).
pub const CONTROL_FEATURES: &[(&str, &str)] = &[
    ("GuardDuty.5", "EKS_AUDIT_LOGS"),
    ("GuardDuty.6", "LAMBDA_NETWORK_LOGS"),
    ("GuardDuty.7", "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT"),
    ("GuardDuty.8", "EBS_MALWARE_PROTECTION"),
    ("GuardDuty.9", "RDS_LOGIN_EVENTS"),
    ("GuardDuty.10", "S3_DATA_EVENTS"),
    ("GuardDuty.11", "RUNTIME_MONITORING"),
    (
        "GuardDuty.12",
        "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT",
    ),
    ("GuardDuty.13", "RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT"),
];

/// The detector's features in the order the planner sends them (each followed by its
/// additional configurations, in control order).
const FEATURE_ORDER: &[&str] = &[
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
];

/// Whether `key` is an additional configuration of `feature` (`FEATURE/ADDITIONAL`).
fn is_additional_of(key: &str, feature: &str) -> bool {
    key.strip_prefix(feature)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// Every detector feature key (as [`CONTROL_FEATURES`] names them) in the order the planner
/// sends them, with the controls that need it: a feature is needed by its own controls and
/// by those of its additional configurations.
pub fn detector_features() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out = Vec::new();
    for &feature in FEATURE_ORDER {
        let controls = CONTROL_FEATURES
            .iter()
            .filter(|(_, key)| *key == feature || is_additional_of(key, feature))
            .map(|(control, _)| *control)
            .collect();
        out.push((feature, controls));
        for &(control, key) in CONTROL_FEATURES {
            if is_additional_of(key, feature) {
                out.push((key, vec![control]));
            }
        }
    }
    out
}

/// The FSBP controls a detector with `features` makes pass: GuardDuty.1, and the controls
/// of each feature key (as [`detector_features`] names them) the list enables, in control
/// order.
pub fn controls_of(features: &[DetectorFeature]) -> Vec<&'static str> {
    let mut enabled: Vec<String> = Vec::new();
    for f in features.iter().filter(|f| f.status == "ENABLED") {
        enabled.push(f.name.clone());
        for (extra, status) in &f.additional_configuration {
            if status == "ENABLED" {
                enabled.push(format!("{}/{extra}", f.name));
            }
        }
    }
    let mut out: Vec<&'static str> = vec!["GuardDuty.1"];
    for (key, controls) in detector_features() {
        if enabled.iter().any(|k| k == key) {
            out.extend(controls);
        }
    }
    out.sort_by_key(|c| control_sort_key(c));
    out.dedup();
    out
}

fn set_features(detector: &mut Detector, features: &[DetectorFeature]) {
    for f in features {
        detector
            .features
            .insert(f.name.clone(), f.status == "ENABLED");
        for (name, status) in &f.additional_configuration {
            detector
                .features
                .insert(format!("{}/{}", f.name, name), status == "ENABLED");
        }
    }
}

// ---- reads ----

/// `guardduty`: the region's detector with its features.
pub const READ_DETECTOR: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "guardduty",
    iam_actions: &["guardduty:ListDetectors", "guardduty:GetDetector"],
};

// ---- actions ----

const GUARDDUTY: ActionFacts = ActionFacts {
    service: "guardduty",
    reads: &[Part::Guardduty],
    controls: &[
        "GuardDuty.1",
        "GuardDuty.5",
        "GuardDuty.6",
        "GuardDuty.7",
        "GuardDuty.8",
        "GuardDuty.9",
        "GuardDuty.10",
        "GuardDuty.11",
        "GuardDuty.12",
        "GuardDuty.13",
    ],
    // AmazonGuardDutyFullAccess grants GuardDuty's service-linked role and Malware
    // Protection for EC2's, which `EBS_MALWARE_PROTECTION` turns on.
    service_linked_roles: &[
        "guardduty.amazonaws.com",
        "malware-protection.guardduty.amazonaws.com",
    ],
    ..ActionFacts::DEFAULT
};

/// `guardduty:CreateDetector`: the region's detector with its features. Precondition: the
/// region has no detector (GuardDuty allows one per region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateDetector {
    pub enable: bool,
    pub finding_publishing_frequency: String,
    pub features: Vec<DetectorFeature>,
}

impl Operation for CreateDetector {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["guardduty:CreateDetector", SLR],
        change: Change::Create,
        ..GUARDDUTY
    };

    fn satisfies(&self) -> Vec<&'static str> {
        controls_of(&self.features)
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let mut d = Detector {
            detector_id: e.next_id("detector"),
            enabled: self.enable,
            finding_publishing_frequency: self.finding_publishing_frequency.clone(),
            features: Default::default(),
        };
        set_features(&mut d, &self.features);
        e.regional()?.guardduty = Observed::Known(Some(d));
        Ok(())
    }
}

/// `guardduty:UpdateDetector`: converges an existing detector; features not listed keep
/// their state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateDetector {
    pub detector_id: String,
    pub enable: bool,
    pub finding_publishing_frequency: String,
    pub features: Vec<DetectorFeature>,
}

impl Operation for UpdateDetector {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["guardduty:UpdateDetector", SLR],
        ..GUARDDUTY
    };

    fn satisfies(&self) -> Vec<&'static str> {
        controls_of(&self.features)
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let s = e.regional()?;
        let d = known(&mut s.guardduty, "the GuardDuty detector")?
            .as_mut()
            .filter(|d| d.detector_id == self.detector_id)
            .ok_or_else(|| not_found(&format!("detector `{}`", self.detector_id)))?;
        d.enabled = self.enable;
        d.finding_publishing_frequency = self.finding_publishing_frequency.clone();
        set_features(d, &self.features);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planner's view, as it was written out by hand before the table had one home.
    #[test]
    fn detector_features_in_the_planners_order() {
        let expected: Vec<(&str, Vec<&str>)> = vec![
            ("S3_DATA_EVENTS", vec!["GuardDuty.10"]),
            ("EKS_AUDIT_LOGS", vec!["GuardDuty.5"]),
            ("EBS_MALWARE_PROTECTION", vec!["GuardDuty.8"]),
            ("RDS_LOGIN_EVENTS", vec!["GuardDuty.9"]),
            ("LAMBDA_NETWORK_LOGS", vec!["GuardDuty.6"]),
            (
                "RUNTIME_MONITORING",
                vec![
                    "GuardDuty.7",
                    "GuardDuty.11",
                    "GuardDuty.12",
                    "GuardDuty.13",
                ],
            ),
            (
                "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT",
                vec!["GuardDuty.7"],
            ),
            (
                "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT",
                vec!["GuardDuty.12"],
            ),
            (
                "RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT",
                vec!["GuardDuty.13"],
            ),
        ];
        assert_eq!(detector_features(), expected);
    }
}
