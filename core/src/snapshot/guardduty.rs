//! GuardDuty: the region's detector and its features; reading it; creating or converging
//! it. One table of which detector feature each GuardDuty control needs serves the
//! evaluator (which feature a control checks), the planner (which features to enable) and
//! the actions (which controls a detector's features make pass).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Detector {
    pub detector_id: String,
    pub enabled: bool,
    pub finding_publishing_frequency: String,
    /// Features by name (`S3_DATA_EVENTS`, …) and additional configurations as
    /// `FEATURE/ADDITIONAL` (`RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT`): enabled or not.
    pub features: BTreeMap<String, bool>,
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

/// A detector feature the baseline decides, as `core/data/guardduty-features.json` records
/// it: its name, the protection plan it is, the baseline switch that declines it and the
/// regions that do not offer it (GuardDuty's "Region-specific feature availability").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FeatureAvailability {
    pub name: String,
    /// The protection plan's name in the GuardDuty user guide (`RDS Protection`).
    pub protection: String,
    /// The `[features]` key of the baseline that declines it (`guardduty_rds_protection`).
    pub switch: String,
    pub not_offered_in: Vec<String>,
}

#[derive(Deserialize)]
struct FeatureData {
    features: Vec<FeatureAvailability>,
}

/// Every detector feature the baseline decides, in the order the planner sends them.
pub fn features() -> &'static [FeatureAvailability] {
    use std::sync::OnceLock;
    static FEATURES: OnceLock<Vec<FeatureAvailability>> = OnceLock::new();
    FEATURES.get_or_init(|| {
        let data: FeatureData =
            serde_json::from_str(include_str!("../../data/guardduty-features.json"))
                .expect("the compiled-in GuardDuty feature data parses");
        data.features
    })
}

/// Whether `region` offers the detector feature of `key` (a feature, or an additional
/// configuration `FEATURE/ADDITIONAL`, which goes where its feature goes). A feature the
/// data does not know is taken as offered.
pub fn feature_offered(key: &str, region: &str) -> bool {
    let feature = key.split('/').next().unwrap_or(key);
    features()
        .iter()
        .find(|f| f.name == feature)
        .is_none_or(|f| !f.not_offered_in.iter().any(|r| r == region))
}

/// The features `CreateDetector` leaves off when the request does not name them: "When
/// you don't specify any features, with an exception to RUNTIME_MONITORING, all the
/// optional features are enabled by default. When you specify some of the features, any
/// feature that is not specified in the API call gets enabled by default, with an
/// exception to RUNTIME_MONITORING" (GuardDuty API reference, CreateDetector).
pub const OFF_UNLESS_NAMED: &[&str] = &["RUNTIME_MONITORING"];

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

// ---- reads ----

/// `guardduty`: the region's detector with its features.
pub const READ_DETECTOR: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "guardduty",
    iam_actions: &["guardduty:ListDetectors", "guardduty:GetDetector"],
};
