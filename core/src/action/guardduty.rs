//! GuardDuty: the region's detector and its features; reading it; creating or converging
//! it. One table of which detector feature each GuardDuty control needs serves the
//! evaluator (which feature a control checks), the planner (which features to enable) and
//! the actions (which controls a detector's features make pass).

use serde::{Deserialize, Serialize};

use crate::catalog::control_sort_key;
use crate::operation::{ActionFacts, Change, Effect, ErrorClass, Operation, SLR, known, not_found};
use crate::part::Part;
use crate::snapshot::guardduty::*;
use crate::snapshot::{AwsError, Observed};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_guardduty {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            guardduty::CreateDetector,
            guardduty::UpdateDetector,
        ] $rest }
    };
}

/// A GuardDuty detector feature (`DetectorFeatureConfiguration`) with its additional
/// configurations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DetectorFeature {
    pub name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<(String, String)>,
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

const GUARDDUTY: ActionFacts = ActionFacts {
    service: "guardduty",
    reads: &[Part::Guardduty],
    // GuardDuty's own fault (HTTP 500; GuardDuty API reference, common errors).
    transient: &[("InternalServerErrorException", ErrorClass::Throttling)],
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
/// region has no detector (GuardDuty allows one per region), and every feature named is
/// offered there. AWS turns on every offered feature the request does not name, but
/// Runtime Monitoring: the planner names them all. Takes a `clientToken`: the same token
/// sent again answers with the first detector instead of making a second one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateDetector {
    pub enable: bool,
    pub finding_publishing_frequency: String,
    pub features: Vec<DetectorFeature>,
}

impl Operation for CreateDetector {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["guardduty:CreateDetector", SLR],
        change: Change::Create,
        client_token: true,
        ..GUARDDUTY
    };

    fn satisfies(&self) -> Vec<&'static str> {
        controls_of(&self.features)
    }

    /// A new detector with the features the request names, and every other feature the
    /// region offers turned on as AWS does, but Runtime Monitoring
    /// ([`OFF_UNLESS_NAMED`]).
    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let region = e.region().to_string();
        let mut d = Detector {
            detector_id: e.next_id("detector"),
            enabled: self.enable,
            finding_publishing_frequency: self.finding_publishing_frequency.clone(),
            features: Default::default(),
        };
        for f in features() {
            if feature_offered(&f.name, &region)
                && !OFF_UNLESS_NAMED.contains(&f.name.as_str())
                && !self.features.iter().any(|named| named.name == f.name)
            {
                d.features.insert(f.name.clone(), true);
            }
        }
        set_features(&mut d, &self.features);
        e.regional()?.guardduty = Observed::Known(Some(d));
        Ok(())
    }
}

/// `guardduty:UpdateDetector`: converges an existing detector; features not listed keep
/// their state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
