//! Security Hub: the hub, its standards subscriptions and control associations, the
//! finding aggregator; reading them; turning Security Hub on with FSBP and the reviewed
//! controls.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, fsbp_standards_arn};
use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, Operation, PerItem, SLR, Waits, known,
};
use crate::part::Part;
use crate::readiness::Readiness;
use crate::snapshot::securityhub::*;
use crate::snapshot::{AwsError, Observed, RegionServices};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_securityhub {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            securityhub::EnableSecurityHub,
            securityhub::UpdateSecurityHubConfiguration,
            securityhub::BatchEnableStandards,
            securityhub::BatchUpdateStandardsControlAssociations,
            securityhub::CreateFindingAggregator,
            securityhub::BatchUpdateFindings,
        ] $rest }
    };
}

/// One control association update of `BatchUpdateStandardsControlAssociations`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlAssociationUpdate {
    pub security_control_id: String,
    /// `ENABLED` or `DISABLED`.
    pub association_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_reason: Option<String>,
}

/// Security Hub's own fault (`InternalException`, HTTP 500) and its throttling
/// (`LimitExceededException`, HTTP 429: "the request was rejected because it attempted to
/// create resources beyond the current AWS account or throttling limits"), for every
/// Security Hub write.
const SECURITY_HUB_TRANSIENT: &[(&str, ErrorClass)] = &[
    ("InternalException", ErrorClass::Throttling),
    ("LimitExceededException", ErrorClass::Throttling),
];

const SECURITY_HUB: ActionFacts = ActionFacts {
    service: "securityhub",
    reads: &[Part::SecurityHub],
    transient: SECURITY_HUB_TRANSIENT,
    ..ActionFacts::DEFAULT
};

/// `securityhub:EnableSecurityHub`: turns Security Hub on in the region, without the
/// default standards. Precondition: Security Hub is off in the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnableSecurityHub {
    pub enable_default_standards: bool,
    pub control_finding_generator: String,
}

impl Operation for EnableSecurityHub {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["securityhub:EnableSecurityHub", SLR],
        change: Change::Create,
        // AWSSecurityHubFullAccess grants Security Hub's service-linked role.
        service_linked_roles: &["securityhub.amazonaws.com"],
        ..SECURITY_HUB
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let region = e.region().to_string();
        let mut hub = SecurityHub {
            // EnableSecurityHub turns automatic enablement of new controls on.
            auto_enable_controls: true,
            control_finding_generator: self.control_finding_generator.clone(),
            ..SecurityHub::default()
        };
        if self.enable_default_standards {
            subscribe_fsbp(&mut hub, &region);
        }
        e.regional()?.security_hub = Observed::Known(Some(hub));
        Ok(())
    }
}

/// `securityhub:UpdateSecurityHubConfiguration`: consolidated control findings, and new
/// controls are not enabled automatically. Precondition: hub enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateSecurityHubConfiguration {
    pub auto_enable_controls: bool,
    pub control_finding_generator: String,
}

impl Operation for UpdateSecurityHubConfiguration {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["securityhub:UpdateSecurityHubConfiguration"],
        ..SECURITY_HUB
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let hub = hub_mut(e.regional()?)?;
        hub.auto_enable_controls = self.auto_enable_controls;
        hub.control_finding_generator = self.control_finding_generator.clone();
        Ok(())
    }
}

/// `securityhub:BatchEnableStandards`: subscribes the standard. Precondition: hub enabled.
/// AWS answers `PENDING`; the engine waits until the subscription is `READY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchEnableStandards {
    pub standards_arn: String,
}

impl Operation for BatchEnableStandards {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["securityhub:BatchEnableStandards"],
        change: Change::Create,
        ..SECURITY_HUB
    };

    fn waits(&self) -> Waits {
        Waits {
            before: None,
            after: Some(Readiness::StandardReady {
                standards_arn: self.standards_arn.clone(),
            }),
        }
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let region = e.region().to_string();
        let hub = hub_mut(e.regional()?)?;
        if self.standards_arn == fsbp_standards_arn(&region) {
            subscribe_fsbp(hub, &region);
        } else {
            hub.standards
                .insert(self.standards_arn.clone(), "READY".into());
        }
        Ok(())
    }
}

/// `securityhub:BatchUpdateStandardsControlAssociations`: enables or disables controls of
/// the standard, with the reason for each disabled one. Precondition: standard enabled and
/// ready for updates (the engine waits for that first; until then AWS answers
/// `RESOURCE_NOT_FOUND`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchUpdateStandardsControlAssociations {
    pub standards_arn: String,
    pub updates: Vec<ControlAssociationUpdate>,
}

impl Operation for BatchUpdateStandardsControlAssociations {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["securityhub:BatchUpdateStandardsControlAssociations"],
        // The whole call fails so while `StandardsControlsUpdatable` is
        // `NOT_READY_FOR_UPDATES`.
        transient: &[
            ("RESOURCE_NOT_FOUND", ErrorClass::StandardNotReady),
            SECURITY_HUB_TRANSIENT[0],
            SECURITY_HUB_TRANSIENT[1],
        ],
        // A control the region does not offer comes back `RESOURCE_NOT_FOUND` (or the
        // deprecated `NOT_FOUND`; API_UnprocessedStandardsControlAssociationUpdate).
        per_item: Some(PerItem {
            field: "UnprocessedAssociationUpdates",
            not_offered: &["RESOURCE_NOT_FOUND", "NOT_FOUND"],
            progress: &[],
            transient: &[],
        }),
        ..SECURITY_HUB
    };

    fn waits(&self) -> Waits {
        Waits {
            before: Some(Readiness::StandardUpdatable {
                standards_arn: self.standards_arn.clone(),
            }),
            after: None,
        }
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let hub = hub_mut(e.regional()?)?;
        for u in &self.updates {
            let enabled = u.association_status == "ENABLED";
            hub.fsbp_controls.insert(
                u.security_control_id.clone(),
                ControlAssociation {
                    enabled,
                    disabled_reason: if enabled {
                        None
                    } else {
                        u.updated_reason.clone()
                    },
                },
            );
        }
        Ok(())
    }
}

/// `securityhub:CreateFindingAggregator`: aggregates findings of every region into this
/// one. Precondition: hub enabled here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateFindingAggregator {
    pub region_linking_mode: String,
}

impl Operation for CreateFindingAggregator {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["securityhub:CreateFindingAggregator"],
        change: Change::Create,
        ..SECURITY_HUB
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        hub_mut(e.regional()?)?.finding_aggregator = Some(self.region_linking_mode.clone());
        Ok(())
    }
}

/// One finding of `BatchUpdateFindings` (`FindingIdentifiers`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FindingIdentifier {
    pub id: String,
    pub product_arn: String,
}

/// The most findings one `BatchUpdateFindings` call names (API reference).
pub const FINDINGS_PER_CALL: usize = 100;

/// The longest `Note.Text` AWS takes (API reference, `NoteUpdate`).
pub const NOTE_MAX_CHARS: usize = 512;

/// `securityhub:BatchUpdateFindings`: records a decided exception of the baseline in
/// Security Hub itself, on the control findings it covers (workflow `SUPPRESSED`, the
/// exception as the note, so the console's control status agrees with `verify`), or
/// reopens (`NEW`) a finding the tool suppressed once its exception is over. At most
/// [`FINDINGS_PER_CALL`] findings a call; a finding AWS could not update comes back in
/// `UnprocessedFindings`.
///
/// It fixes nothing, so it satisfies no control: it changes what Security Hub counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BatchUpdateFindings {
    pub finding_identifiers: Vec<FindingIdentifier>,
    pub workflow_status: WorkflowStatus,
    /// `Note.Text`; `Note.UpdatedBy` is `secure-account`.
    pub note: String,
}

impl Operation for BatchUpdateFindings {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["securityhub:BatchUpdateFindings"],
        // `ConcurrentUpdateError`: "another request attempted to update the finding while
        // this request was being processed" (API_BatchUpdateFindingsUnprocessedFinding).
        per_item: Some(PerItem {
            field: "UnprocessedFindings",
            not_offered: &[],
            progress: &[],
            transient: &[
                ("ConcurrentUpdateError", ErrorClass::Throttling),
                ("InternalFailure", ErrorClass::Throttling),
            ],
        }),
        ..SECURITY_HUB
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let hub = hub_mut(e.regional()?)?;
        let findings = known(&mut hub.findings, "Security Hub findings")?;
        for f in findings
            .iter_mut()
            .filter(|f| self.finding_identifiers.iter().any(|i| i.id == f.id))
        {
            f.workflow = self.workflow_status;
            f.note = Some(self.note.clone());
        }
        Ok(())
    }
}

fn hub_mut(s: &mut RegionServices) -> Result<&mut SecurityHub, AwsError> {
    known(&mut s.security_hub, "Security Hub")?
        .as_mut()
        .ok_or_else(|| AwsError::new("InvalidAccessException", "Security Hub is not enabled"))
}

/// Subscribing FSBP enables every control of the standard (those of the catalog).
fn subscribe_fsbp(hub: &mut SecurityHub, region: &str) {
    use std::sync::OnceLock;
    // Built once: every region subscribing starts from the same associations.
    static ALL_ENABLED: OnceLock<BTreeMap<String, ControlAssociation>> = OnceLock::new();
    let all = ALL_ENABLED.get_or_init(|| {
        Catalog::builtin()
            .active()
            .map(|c| {
                (
                    c.id.clone(),
                    ControlAssociation {
                        enabled: true,
                        disabled_reason: None,
                    },
                )
            })
            .collect()
    });
    hub.standards
        .insert(fsbp_standards_arn(region), "READY".into());
    // Only the controls the region offers (core/data/regional-availability.json).
    let catalog = Catalog::builtin();
    let offered = |id: &str| catalog.get(id).is_none_or(|c| c.offered_in(region));
    if hub.fsbp_controls.is_empty() && catalog.controls.iter().all(|c| c.offered_in(region)) {
        hub.fsbp_controls = all.clone();
    } else {
        for (id, association) in all {
            if offered(id) {
                hub.fsbp_controls
                    .entry(id.clone())
                    .or_insert_with(|| association.clone());
            }
        }
    }
}
