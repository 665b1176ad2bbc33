//! GuardDuty: the detector, its publishing frequency and its features.

use crate::action::guardduty::{self, DetectorFeature};
use crate::part::Part;
use crate::snapshot::RegionServices;

use super::{GUARDDUTY_FREQUENCY, Planner};

impl<'a> Planner<'a> {
    // ---- GuardDuty ----

    pub(super) fn guardduty(&mut self, r: &str, s: &RegionServices) {
        let Some(detector) = self.seen(r, Part::Guardduty, &s.guardduty) else {
            return;
        };
        let table = crate::snapshot::guardduty::detector_features();
        let wanted: Vec<&str> = table
            .iter()
            .filter(|(_, controls)| controls.iter().any(|c| self.control_enabled(c, r)))
            .map(|(f, _)| *f)
            .collect();
        let features = detector_features(&wanted);
        match detector {
            None => {
                self.push(
                    r,
                    None,
                    guardduty::CreateDetector {
                        enable: true,
                        finding_publishing_frequency: GUARDDUTY_FREQUENCY.into(),
                        features,
                    },
                    vec![],
                );
            }
            Some(d) => {
                let missing = wanted.iter().any(|f| d.features.get(*f) != Some(&true));
                if !d.enabled || d.finding_publishing_frequency != GUARDDUTY_FREQUENCY || missing {
                    self.push(
                        r,
                        None,
                        guardduty::UpdateDetector {
                            detector_id: d.detector_id.clone(),
                            enable: true,
                            finding_publishing_frequency: GUARDDUTY_FREQUENCY.into(),
                            features,
                        },
                        vec![],
                    );
                }
            }
        }
    }
}

fn detector_features(wanted: &[&str]) -> Vec<DetectorFeature> {
    let mut out: Vec<DetectorFeature> = vec![];
    for key in wanted {
        match key.split_once('/') {
            None => out.push(DetectorFeature {
                name: key.to_string(),
                status: "ENABLED".into(),
                additional_configuration: vec![],
            }),
            Some((feature, extra)) => {
                if let Some(f) = out.iter_mut().find(|f| f.name == feature) {
                    f.additional_configuration
                        .push((extra.to_string(), "ENABLED".into()));
                }
            }
        }
    }
    out
}
