//! GuardDuty: the detector, its publishing frequency and its features.
//!
//! Every feature the region offers is decided and sent, `ENABLED` or `DISABLED`:
//! `CreateDetector` turns on every feature a request leaves out (but Runtime Monitoring), so
//! a feature left out would be paid for whatever the baseline says. A feature is `ENABLED`
//! when a control it serves is enabled in the region (a declined paid feature disables its
//! controls: `baseline::PAID_SWITCHES`), and never sent where GuardDuty does not offer it
//! (`core/data/guardduty-features.json`). An existing detector is updated when any of them
//! differs from that; a feature it has on stays on (never weaken what is there), even when
//! the baseline declines it: then only its controls are disabled, and `cost` counts it.

use crate::action::guardduty::{self, DetectorFeature};
use crate::part::Part;
use crate::snapshot::RegionServices;
use crate::snapshot::guardduty::{Detector, detector_features, feature_offered};

use super::{GUARDDUTY_FREQUENCY, Planner};

const ENABLED: &str = "ENABLED";
const DISABLED: &str = "DISABLED";

impl<'a> Planner<'a> {
    // ---- GuardDuty ----

    pub(super) fn guardduty(&mut self, r: &str, s: &RegionServices) {
        let Some(detector) = self.seen(r, Part::Guardduty, &s.guardduty) else {
            return;
        };
        let features = self.detector_features(r, detector.as_ref());
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
                if !d.enabled
                    || d.finding_publishing_frequency != GUARDDUTY_FREQUENCY
                    || differs(d, &features)
                {
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

    /// Every feature `r` offers, in the order of [`detector_features`], each with its
    /// additional configurations: `ENABLED` when a control it serves is enabled in `r` or
    /// the `existing` detector has it on already, else `DISABLED`.
    fn detector_features(&self, r: &str, existing: Option<&Detector>) -> Vec<DetectorFeature> {
        let mut out: Vec<DetectorFeature> = vec![];
        for (key, controls) in detector_features() {
            if !feature_offered(key, r) {
                continue;
            }
            let on_now = existing.is_some_and(|d| d.features.get(key) == Some(&true));
            let status = if on_now || controls.iter().any(|c| self.control_enabled(c, r)) {
                ENABLED
            } else {
                DISABLED
            };
            match key.split_once('/') {
                None => out.push(DetectorFeature {
                    name: key.to_string(),
                    status: status.into(),
                    additional_configuration: vec![],
                }),
                Some((feature, extra)) => {
                    if let Some(f) = out.iter_mut().find(|f| f.name == feature) {
                        f.additional_configuration
                            .push((extra.to_string(), status.into()));
                    }
                }
            }
        }
        out
    }
}

/// Whether the detector's features differ from `wanted` (a feature or additional
/// configuration the detector does not list is off).
fn differs(d: &Detector, wanted: &[DetectorFeature]) -> bool {
    let is_on = |key: &str| d.features.get(key).copied().unwrap_or(false);
    wanted.iter().any(|f| {
        is_on(&f.name) != (f.status == ENABLED)
            || f.additional_configuration
                .iter()
                .any(|(extra, status)| is_on(&format!("{}/{extra}", f.name)) != (status == ENABLED))
    })
}
