//! What AWS does later or only in part: standards subscriptions that stay `PENDING` for a
//! while, Inspector resource types that stay `ENABLING` for a while, new buckets that answer
//! `OperationAborted`, a VPC that is not deletable at once after its subnets and gateway
//! went, and HTTP 200 answers that carry failures.

use secure_account_core::action::securityhub::ControlAssociationUpdate;
use secure_account_core::snapshot::{
    Inspector, InspectorResourceState, InspectorStatus, NOT_READY_FOR_UPDATES, SecurityHub,
};
use secure_account_core::{AwsError, Snapshot};
use secure_account_engine::Unprocessed;

use crate::faults::FaultPlan;
use crate::state::{Hidden, PendingInspector, PendingStandard};

fn inspector_mut<'a>(account: &'a mut Snapshot, region: &str) -> Option<&'a mut Inspector> {
    account
        .regions
        .get_mut(region)?
        .services
        .inspector
        .known_mut()
}

/// After `enable_inspector` took effect (the effects model sets each type scanning): each
/// type it asked for that was not scanning before the call is `ENABLING` until
/// `now_ms + delay_ms` (API_Enable answers `ENABLING`; `BatchGetAccountStatus` shows it so
/// until Inspector has set the type up). A type already `ENABLING` keeps its deadline.
pub(crate) fn start_inspector(
    account: &mut Snapshot,
    hidden: &mut Hidden,
    region: &str,
    resource_types: &[String],
    scanning_before: &[String],
    now_ms: u64,
    delay_ms: u64,
) {
    let Some(inspector) = inspector_mut(account, region) else {
        return;
    };
    for t in resource_types {
        if scanning_before.contains(t) {
            continue;
        }
        inspector.set_scans(t, false);
        inspector.resource_states.insert(
            t.clone(),
            InspectorResourceState::new(InspectorStatus::Enabling),
        );
        let pending = hidden
            .pending_inspector
            .iter()
            .any(|p| p.region == region && &p.resource_type == t);
        if !pending {
            hidden.pending_inspector.push(PendingInspector {
                region: region.to_string(),
                resource_type: t.clone(),
                ready_at_ms: now_ms + delay_ms,
            });
        }
    }
}

/// Ends every Inspector enabling whose time has come: `ENABLED`, or `DISABLED` with
/// `errorCode` `INTERNAL_ERROR` in the fault plan's `failed_inspector` regions.
fn settle_inspector(account: &mut Snapshot, hidden: &mut Hidden, faults: &FaultPlan, now_ms: u64) {
    if hidden.pending_inspector.is_empty() {
        return;
    }
    let (due, later): (Vec<PendingInspector>, Vec<PendingInspector>) = hidden
        .pending_inspector
        .drain(..)
        .partition(|p| p.ready_at_ms <= now_ms);
    hidden.pending_inspector = later;
    for p in due {
        let Some(inspector) = inspector_mut(account, &p.region) else {
            continue;
        };
        if faults.failed_inspector.contains(&p.region) {
            inspector.set_scans(&p.resource_type, false);
            inspector.resource_states.insert(
                p.resource_type.clone(),
                InspectorResourceState {
                    status: InspectorStatus::Disabled,
                    error_code: Some("INTERNAL_ERROR".into()),
                    error_message: Some(format!(
                        "Amazon Inspector could not enable {} scanning; try again later",
                        p.resource_type
                    )),
                },
            );
        } else {
            inspector.set_scans(&p.resource_type, true);
            inspector.resource_states.remove(&p.resource_type);
        }
    }
}

fn hub_mut<'a>(account: &'a mut Snapshot, region: &str) -> Option<&'a mut SecurityHub> {
    account
        .regions
        .get_mut(region)?
        .services
        .security_hub
        .known_mut()?
        .as_mut()
}

/// After `batch_enable_standards` took effect: the live standard's controls the catalog
/// lacks join it, and the subscription is `PENDING` and `NOT_READY_FOR_UPDATES` until
/// `now_ms + delay_ms`.
pub(crate) fn start_subscription(
    account: &mut Snapshot,
    hidden: &mut Hidden,
    region: &str,
    standards_arn: &str,
    now_ms: u64,
    delay_ms: u64,
) {
    let Some(hub) = hub_mut(account, region) else {
        return;
    };
    if *standards_arn == secure_account_core::catalog::fsbp_standards_arn(region) {
        for id in &hidden.newer_fsbp_controls {
            hub.fsbp_controls.entry(id.clone()).or_insert_with(|| {
                secure_account_core::snapshot::ControlAssociation {
                    enabled: true,
                    disabled_reason: None,
                }
            });
        }
    }
    hub.standards
        .insert(standards_arn.to_string(), "PENDING".into());
    hub.controls_updatable
        .insert(standards_arn.to_string(), NOT_READY_FOR_UPDATES.into());
    hub.status_reasons.remove(standards_arn);
    hidden
        .pending_standards
        .retain(|p| !(p.region == region && p.standards_arn == standards_arn));
    hidden.pending_standards.push(PendingStandard {
        region: region.to_string(),
        standards_arn: standards_arn.to_string(),
        ready_at_ms: now_ms + delay_ms,
    });
}

/// Ends what AWS finished by `now_ms`: Inspector enablings, and standards subscriptions
/// (`READY` when the region has a configuration recorder, else `INCOMPLETE` with
/// `NO_AVAILABLE_CONFIGURATION_RECORDER` (API_StandardsStatusReason); `FAILED` with
/// `INTERNAL_ERROR` in the fault plan's `failed_standards` regions).
pub(crate) fn settle(account: &mut Snapshot, hidden: &mut Hidden, faults: &FaultPlan, now_ms: u64) {
    settle_inspector(account, hidden, faults, now_ms);
    if hidden.pending_standards.is_empty() {
        return;
    }
    let (due, later): (Vec<PendingStandard>, Vec<PendingStandard>) = hidden
        .pending_standards
        .drain(..)
        .partition(|p| p.ready_at_ms <= now_ms);
    hidden.pending_standards = later;
    for p in due {
        // What AWS documents: a subscription made with no recorder ends `INCOMPLETE`. (One
        // made while the recorder is stopped is not documented; the planner orders the
        // subscription after the recorder's start anyway.)
        let has_recorder = account
            .regions
            .get(&p.region)
            .and_then(|r| r.services.config.known())
            .is_some_and(|c| !c.recorders.is_empty());
        let Some(hub) = hub_mut(account, &p.region) else {
            continue;
        };
        let arn = p.standards_arn.clone();
        hub.controls_updatable.remove(&arn);
        let (status, reason) = if faults.failed_standards.contains(&p.region) {
            ("FAILED", Some("INTERNAL_ERROR"))
        } else if !has_recorder {
            ("INCOMPLETE", Some("NO_AVAILABLE_CONFIGURATION_RECORDER"))
        } else {
            ("READY", None)
        };
        hub.standards.insert(arn.clone(), status.into());
        match reason {
            Some(r) => {
                hub.status_reasons.insert(arn, r.into());
            }
            None => {
                hub.status_reasons.remove(&arn);
            }
        }
    }
}

/// S3's answer to a settings call on a bucket created a moment ago.
pub(crate) fn operation_aborted() -> AwsError {
    AwsError::new(
        "OperationAborted",
        "A conflicting conditional operation is currently in progress against this resource. \
         Please try again.",
    )
}

/// EC2's answer to `delete_vpc` while it still releases what was just deleted.
pub(crate) fn vpc_not_released(vpc_id: &str) -> AwsError {
    AwsError::new(
        "DependencyViolation",
        format!("The vpc '{vpc_id}' has dependencies and cannot be deleted."),
    )
}

/// The updates of a `batch_update_standards_control_associations` that AWS leaves
/// unprocessed: a control the region's standard does not have (`RESOURCE_NOT_FOUND`; the
/// deprecated `NOT_FOUND` is what older answers said), and, while the
/// fault plan has some left, the first update (`LIMIT_EXCEEDED`).
pub(crate) fn unprocessed_updates(
    hub: &SecurityHub,
    updates: &[ControlAssociationUpdate],
    injected: bool,
) -> Vec<Unprocessed> {
    let mut out = Vec::new();
    for (i, u) in updates.iter().enumerate() {
        if !hub.fsbp_controls.is_empty() && !hub.fsbp_controls.contains_key(&u.security_control_id)
        {
            out.push(Unprocessed {
                id: u.security_control_id.clone(),
                error: AwsError::new(
                    "RESOURCE_NOT_FOUND",
                    format!(
                        "Control {} is not available in this Region",
                        u.security_control_id
                    ),
                ),
            });
        } else if injected && i == 0 {
            out.push(Unprocessed {
                id: u.security_control_id.clone(),
                error: AwsError::new(
                    "LIMIT_EXCEEDED",
                    "The request was rejected because too many updates are in progress",
                ),
            });
        }
    }
    out
}
