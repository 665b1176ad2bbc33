//! Security Hub: the hub, its configuration, the FSBP standard, control associations and
//! the finding aggregator.

use crate::action::securityhub;
use std::collections::BTreeMap;

use crate::action::securityhub::ControlAssociationUpdate;
use crate::catalog::{ControlStatus, fsbp_standards_arn};
use crate::part::Part;
use crate::plan::SkipReason;
use crate::snapshot::{Observed, RegionServices, SecurityHub};

use super::Planner;

const SECURITY_CONTROL: &str = "SECURITY_CONTROL";

impl<'a> Planner<'a> {
    // ---- Security Hub ----

    pub(super) fn security_hub(&mut self, r: &str, s: &'a RegionServices) {
        let hub: Option<&SecurityHub> = match &s.security_hub {
            Observed::Unreadable { read_error } => {
                return self.read_failed(r, Part::SecurityHub, read_error);
            }
            Observed::Known(h) => h.as_ref(),
        };
        let standard = fsbp_standards_arn(r);
        let mut enable_id = None;
        let empty = BTreeMap::new();
        let (auto_enable, generator, subscribed, current) = match hub {
            None => {
                enable_id = self.push(
                    r,
                    None,
                    securityhub::EnableSecurityHub {
                        enable_default_standards: false,
                        control_finding_generator: SECURITY_CONTROL.into(),
                    },
                    vec![],
                );
                (true, SECURITY_CONTROL, false, &empty)
            }
            Some(h) => {
                // A subscription that ended INCOMPLETE or FAILED is subscribed again, with
                // AWS's reason in the plan's notes.
                let ended = h.ended(&standard);
                if let Some((status, reason)) = ended {
                    self.notes.push(format!(
                        "the FSBP subscription in {r} ended {status}{}: it is subscribed again",
                        if reason.is_empty() {
                            String::new()
                        } else {
                            format!(" (StatusReasonCode {reason})")
                        }
                    ));
                }
                (
                    h.auto_enable_controls,
                    h.control_finding_generator.as_str(),
                    h.standards.contains_key(&standard) && ended.is_none(),
                    &h.fsbp_controls,
                )
            }
        };
        if auto_enable || generator != SECURITY_CONTROL {
            self.push(
                r,
                None,
                securityhub::UpdateSecurityHubConfiguration {
                    auto_enable_controls: false,
                    control_finding_generator: SECURITY_CONTROL.into(),
                },
                enable_id.iter().cloned().collect(),
            );
        }
        let mut standard_id = None;
        let recorder = s.config.known().and_then(|c| c.recorders.first());
        let recorder_name = recorder
            .map(|x| x.name.clone())
            .unwrap_or_else(|| self.b.names.config_recorder.clone());
        let recorder_id = format!("{r}/put_configuration_recorder/{recorder_name}");
        let start_id = format!("{r}/start_configuration_recorder/{recorder_name}");
        // A recorder there, or one this plan makes (Config is planned first). AWS documents
        // the end of a subscription made with no recorder (`INCOMPLETE`), not of one made
        // while a recorder is stopped: a stopped recorder is no reason to skip the standard,
        // and the subscription still follows the start this plan makes.
        let has_recorder = recorder.is_some() || self.action_ids.contains(&recorder_id);
        if !subscribed && !has_recorder {
            self.skip(
                &format!("{r}/batch_enable_standards"),
                r,
                SkipReason::NoConfigRecorder,
                "FSBP's controls are Config rules: the region has no Config recorder (or it \
                 could not be read) and this plan creates none, so a subscription would end \
                 INCOMPLETE (NO_AVAILABLE_CONFIGURATION_RECORDER); the standard and its \
                 control associations are not planned"
                    .into(),
            );
        } else if !subscribed {
            // FSBP's controls are Config rules, and Security Hub's user guide asks for Config
            // recording before a standard is enabled: a subscription made while the region
            // has no configuration recorder ends `INCOMPLETE` with
            // `NO_AVAILABLE_CONFIGURATION_RECORDER` (API_StandardsStatusReason), so the
            // standard follows the region's recorder, and its start, when this plan makes
            // them.
            let deps = enable_id
                .iter()
                .cloned()
                .chain([recorder_id, start_id])
                .collect();
            standard_id = self.push(
                r,
                None,
                securityhub::BatchEnableStandards {
                    standards_arn: standard.clone(),
                },
                deps,
            );
        }
        // Each control's association now (subscribing enables every control of the
        // standard), against what the baseline wants; live controls the catalog lacks too.
        let now_enabled = |id: &str| -> Option<bool> {
            if subscribed {
                current.get(id).map(|a| a.enabled)
            } else {
                Some(true)
            }
        };
        let mut updates = vec![];
        let mut update = |id: &str, enabled: bool, reason: Option<&String>| match reason {
            Some(reason) if enabled => updates.push(ControlAssociationUpdate {
                security_control_id: id.to_string(),
                association_status: "DISABLED".into(),
                updated_reason: Some(reason.clone()),
            }),
            None if !enabled => updates.push(ControlAssociationUpdate {
                security_control_id: id.to_string(),
                association_status: "ENABLED".into(),
                updated_reason: None,
            }),
            _ => {}
        };
        for (i, c) in self.catalog.controls.iter().enumerate() {
            // A control the region does not offer has no association to update there.
            if c.status != ControlStatus::Active || !c.offered_in(r) {
                continue;
            }
            if let Some(enabled) = now_enabled(&c.id) {
                update(&c.id, enabled, self.disabled_at(i, r));
            }
        }
        // Live controls the reviewed catalog does not know.
        for (id, association) in current {
            if self.catalog.position(id).is_none() {
                let reason = self.disabled_reason(id, r);
                update(id, association.enabled, reason.as_ref());
            }
        }
        if !updates.is_empty() && (subscribed || standard_id.is_some()) {
            updates.sort();
            self.push(
                r,
                None,
                securityhub::BatchUpdateStandardsControlAssociations {
                    standards_arn: standard,
                    updates,
                },
                standard_id.iter().cloned().collect(),
            );
        }
        if r == self.home
            && self.b.features.finding_aggregator
            && hub.is_none_or(|h| h.finding_aggregator.is_none())
        {
            // One aggregator per account: one in another region is adopted, not duplicated.
            if let Some(elsewhere) = self.aggregator_elsewhere(hub) {
                self.skip(
                    &format!("{r}/create_finding_aggregator"),
                    r,
                    SkipReason::FindingAggregatorElsewhere,
                    format!(
                        "the account's finding aggregator is in `{elsewhere}` (Security Hub \
                         allows one per account): it is kept there, and none is created in the \
                         home region `{r}`"
                    ),
                );
                return;
            }
            self.push(
                r,
                None,
                securityhub::CreateFindingAggregator {
                    region_linking_mode: "ALL_REGIONS".into(),
                },
                enable_id.iter().cloned().collect(),
            );
        }
    }

    /// The region of the account's finding aggregator when it is not the home region: as
    /// the home region's `ListFindingAggregators` lists it, or as another region's read
    /// found it there.
    fn aggregator_elsewhere(&self, home_hub: Option<&SecurityHub>) -> Option<String> {
        let listed = home_hub
            .and_then(|h| h.finding_aggregator_region.clone())
            .filter(|r| *r != self.home);
        listed.or_else(|| {
            self.s
                .regions
                .iter()
                .filter(|(name, _)| **name != self.home)
                .find(|(_, region)| {
                    region
                        .services
                        .security_hub
                        .known()
                        .and_then(Option::as_ref)
                        .is_some_and(|h| h.finding_aggregator.is_some())
                })
                .map(|(name, _)| name.clone())
        })
    }
}
