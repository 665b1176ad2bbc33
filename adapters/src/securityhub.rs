//! Security Hub: the hub, its standards, the FSBP control associations and the finding
//! aggregator (regional); enabling the hub and converging them.

use std::collections::BTreeMap;

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{
    AssociationStatus, AwsSecurityFindingIdentifier, ControlFindingGenerator, ControlStatus,
    NoteUpdate, StandardsControlAssociationUpdate, StandardsSubscriptionRequest,
    WorkflowStatus as SdkWorkflowStatus, WorkflowUpdate,
};
use secure_account_core::AwsError;
use secure_account_core::action::securityhub::{
    BatchEnableStandards, BatchUpdateFindings, BatchUpdateStandardsControlAssociations,
    CreateFindingAggregator, EnableSecurityHub, UpdateSecurityHubConfiguration,
};
use secure_account_core::snapshot::{
    ControlAssociation, ControlFinding, Observed, SecurityHub, WorkflowStatus,
};
use secure_account_engine::{ActionOutput, Unprocessed};

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

/// The part of the FSBP standard's ARN that does not depend on the region.
const FSBP: &str = ":standards/aws-foundational-security-best-practices/v/1.0.0";

/// `securityhub:DescribeHub` (`None` when Security Hub is off: `InvalidAccessException`),
/// `securityhub:GetEnabledStandards`, `securityhub:DescribeStandardsControls` of the FSBP
/// subscription, and `securityhub:ListFindingAggregators` (the account's one aggregator,
/// wherever it is, with `securityhub:GetFindingAggregator` when its home is `region`).
pub async fn read_security_hub(
    hub: &Client,
    region: &str,
) -> Result<Option<SecurityHub>, AwsError> {
    let described = match hub.describe_hub().send().await {
        Ok(out) => out,
        Err(e) => {
            // Matched after mapping: the code may come from an answer the SDK could not
            // parse (moto answers this JSON service in XML).
            let e = aws("securityhub:DescribeHub")(e);
            if e.code == "InvalidAccessException" {
                return Ok(None);
            }
            return Err(e);
        }
    };
    let subscriptions: Vec<_> = hub
        .get_enabled_standards()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("securityhub:GetEnabledStandards"))?;
    let standards: BTreeMap<String, String> = subscriptions
        .iter()
        .filter_map(|s| {
            Some((
                s.standards_arn()?.to_string(),
                s.standards_status().map_or("", |s| s.as_str()).to_string(),
            ))
        })
        .collect();
    // GetEnabledStandards: whether each standard takes control updates yet, and why one
    // ended INCOMPLETE or FAILED.
    let controls_updatable: BTreeMap<String, String> = subscriptions
        .iter()
        .filter_map(|s| {
            Some((
                s.standards_arn()?.to_string(),
                s.standards_controls_updatable()?.as_str().to_string(),
            ))
        })
        .collect();
    let status_reasons: BTreeMap<String, String> = subscriptions
        .iter()
        .filter_map(|s| {
            Some((
                s.standards_arn()?.to_string(),
                s.standards_status_reason()?
                    .status_reason_code()?
                    .as_str()
                    .to_string(),
            ))
        })
        .collect();
    let mut fsbp_controls = BTreeMap::new();
    if let Some(sub) = subscriptions
        .iter()
        .find(|s| s.standards_arn().is_some_and(|a| a.ends_with(FSBP)))
        .and_then(|s| s.standards_subscription_arn())
    {
        let controls: Vec<_> = hub
            .describe_standards_controls()
            .standards_subscription_arn(sub)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws("securityhub:DescribeStandardsControls"))?;
        for c in controls {
            if let Some(id) = c.control_id() {
                let enabled = c.control_status() == Some(&ControlStatus::Enabled);
                fsbp_controls.insert(
                    id.to_string(),
                    ControlAssociation {
                        enabled,
                        disabled_reason: if enabled {
                            None
                        } else {
                            c.disabled_reason().map(str::to_string)
                        },
                    },
                );
            }
        }
    }
    let aggregators: Vec<_> = hub
        .list_finding_aggregators()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("securityhub:ListFindingAggregators"))?;
    // One aggregator per account, listed in every region: its region, wherever it is.
    let finding_aggregator_region = aggregators
        .iter()
        .filter_map(|a| a.finding_aggregator_arn())
        .filter_map(|arn| arn.split(':').nth(3))
        .min()
        .map(str::to_string);
    let mut finding_aggregator = None;
    // The ARN names the aggregation region: `arn:aws:securityhub:<region>:<account>:…`.
    if let Some(arn) = aggregators
        .iter()
        .filter_map(|a| a.finding_aggregator_arn())
        .find(|arn| arn.split(':').nth(3) == Some(region))
    {
        let got = hub
            .get_finding_aggregator()
            .finding_aggregator_arn(arn)
            .send()
            .await
            .map_err(aws("securityhub:GetFindingAggregator"))?;
        finding_aggregator = got.region_linking_mode().map(str::to_string);
    }
    Ok(Some(SecurityHub {
        auto_enable_controls: described.auto_enable_controls().unwrap_or(true),
        control_finding_generator: described
            .control_finding_generator()
            .map_or("", |g| g.as_str())
            .to_string(),
        standards,
        controls_updatable,
        status_reasons,
        fsbp_controls,
        finding_aggregator,
        finding_aggregator_region,
        findings: match read_control_findings(hub).await {
            Ok(findings) => Observed::Known(findings),
            Err(read_error) => Observed::Unreadable { read_error },
        },
    }))
}

/// `securityhub:GetFindings`: the region's failed control findings that are not
/// `RESOLVED` (product Security Hub, `Compliance.Status` `FAILED`, `RecordState` `ACTIVE`),
/// read on their own within the part: an endpoint that does not serve the call leaves the
/// rest of the part readable. A finding without a control id or a resource is not a
/// control finding and is left out; a workflow status this version does not know makes
/// the read fail rather than guess.
pub async fn read_control_findings(hub: &Client) -> Result<Vec<ControlFinding>, AwsError> {
    use aws_sdk_securityhub::types::{
        AwsSecurityFindingFilters, StringFilter, StringFilterComparison,
    };
    let filter = |value: &str, comparison: StringFilterComparison| {
        StringFilter::builder()
            .value(value)
            .comparison(comparison)
            .build()
    };
    let filters = AwsSecurityFindingFilters::builder()
        .product_name(filter("Security Hub", StringFilterComparison::Equals))
        .compliance_status(filter("FAILED", StringFilterComparison::Equals))
        .record_state(filter("ACTIVE", StringFilterComparison::Equals))
        .workflow_status(filter("RESOLVED", StringFilterComparison::NotEquals))
        .build();
    let found: Vec<_> = hub
        .get_findings()
        .filters(filters)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("securityhub:GetFindings"))?;
    let mut out = Vec::new();
    for f in &found {
        let (Some(id), Some(control), Some(resource)) = (
            f.id(),
            f.compliance().and_then(|c| c.security_control_id()),
            f.resources().first().and_then(|r| r.id()),
        ) else {
            continue;
        };
        use aws_sdk_securityhub::types::WorkflowStatus as Sdk;
        let workflow = match f.workflow().and_then(|w| w.status()) {
            None | Some(Sdk::New) => WorkflowStatus::New,
            Some(Sdk::Notified) => WorkflowStatus::Notified,
            Some(Sdk::Suppressed) => WorkflowStatus::Suppressed,
            Some(Sdk::Resolved) => WorkflowStatus::Resolved,
            Some(other) => {
                return Err(crate::error::unknown_value(
                    "securityhub:GetFindings",
                    "Workflow.Status",
                    other.as_str(),
                ));
            }
        };
        out.push(ControlFinding {
            id: id.to_string(),
            control: control.to_string(),
            resource: resource.to_string(),
            workflow,
            note: f.note().and_then(|n| n.text()).map(str::to_string),
        });
    }
    out.sort();
    out.dedup();
    Ok(out)
}

// ---- actions ----

/// `securityhub:EnableSecurityHub`. A hub already enabled (`ResourceConflictException`)
/// is success: the planner enables it only where the snapshot saw it off, and whoever
/// enabled it since did what this action does (the configuration action that follows
/// converges its settings).
impl Execute for EnableSecurityHub {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        match cx
            .writes
            .securityhub(cx.region)
            .enable_security_hub()
            .enable_default_standards(self.enable_default_standards)
            .control_finding_generator(ControlFindingGenerator::from(
                self.control_finding_generator.as_str(),
            ))
            .send()
            .await
            .map_err(aws("securityhub:EnableSecurityHub"))
        {
            Err(e) if e.code == "ResourceConflictException" => Ok(ActionOutput::default()),
            other => other.map(|_| ActionOutput::default()),
        }
    }
}

/// `securityhub:UpdateSecurityHubConfiguration`.
impl Execute for UpdateSecurityHubConfiguration {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .securityhub(cx.region)
            .update_security_hub_configuration()
            .auto_enable_controls(self.auto_enable_controls)
            .control_finding_generator(ControlFindingGenerator::from(
                self.control_finding_generator.as_str(),
            ))
            .send()
            .await
            .map_err(aws("securityhub:UpdateSecurityHubConfiguration"))?;
        Ok(ActionOutput::default())
    }
}

/// `securityhub:BatchEnableStandards` of one standard. An existing subscription is
/// answered as a subscription (AWS does not fail), so this is idempotent. Whether the
/// subscription becomes `READY` is the engine's readiness wait, by reading.
impl Execute for BatchEnableStandards {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let request = StandardsSubscriptionRequest::builder()
            .standards_arn(&self.standards_arn)
            .build();
        cx.writes
            .securityhub(cx.region)
            .batch_enable_standards()
            .standards_subscription_requests(request)
            .send()
            .await
            .map_err(aws("securityhub:BatchEnableStandards"))?;
        Ok(ActionOutput::default())
    }
}

/// `securityhub:BatchUpdateStandardsControlAssociations`. What AWS left unprocessed in
/// its HTTP 200 answer comes back unprocessed, by control id, with its `ErrorCode` and
/// `ErrorReason`.
impl Execute for BatchUpdateStandardsControlAssociations {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let mut request = cx
            .writes
            .securityhub(cx.region)
            .batch_update_standards_control_associations();
        for u in &self.updates {
            let update = StandardsControlAssociationUpdate::builder()
                .standards_arn(&self.standards_arn)
                .security_control_id(&u.security_control_id)
                .association_status(AssociationStatus::from(u.association_status.as_str()))
                .set_updated_reason(u.updated_reason.clone())
                .build();
            request = request.standards_control_association_updates(update);
        }
        let out = request
            .send()
            .await
            .map_err(aws("securityhub:BatchUpdateStandardsControlAssociations"))?;
        let unprocessed = out
            .unprocessed_association_updates()
            .iter()
            .map(|u| Unprocessed {
                id: u
                    .standards_control_association_update()
                    .and_then(|a| a.security_control_id())
                    .map(str::to_string)
                    .unwrap_or_default(),
                error: AwsError::new(
                    u.error_code().map_or("", |c| c.as_str()),
                    u.error_reason().unwrap_or_default(),
                ),
            })
            .collect();
        Ok(ActionOutput {
            unprocessed,
            ..ActionOutput::default()
        })
    }
}

/// `securityhub:BatchUpdateFindings`: the findings, their workflow status and the note
/// (`UpdatedBy` `secure-account`); the findings AWS could not update come back in
/// `UnprocessedFindings`, each with its `ErrorCode`.
impl Execute for BatchUpdateFindings {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let mut request = cx
            .writes
            .securityhub(cx.region)
            .batch_update_findings()
            .workflow(
                WorkflowUpdate::builder()
                    .status(SdkWorkflowStatus::from(self.workflow_status.as_str()))
                    .build(),
            )
            .note(
                NoteUpdate::builder()
                    .text(&self.note)
                    .updated_by("secure-account")
                    .build(),
            );
        for f in &self.finding_identifiers {
            request = request.finding_identifiers(
                AwsSecurityFindingIdentifier::builder()
                    .id(&f.id)
                    .product_arn(&f.product_arn)
                    .build(),
            );
        }
        let out = request
            .send()
            .await
            .map_err(aws("securityhub:BatchUpdateFindings"))?;
        let unprocessed = out
            .unprocessed_findings()
            .iter()
            .map(|u| Unprocessed {
                id: u
                    .finding_identifier()
                    .and_then(|f| f.id())
                    .map(str::to_string)
                    .unwrap_or_default(),
                error: AwsError::new(
                    u.error_code().unwrap_or_default(),
                    u.error_message().unwrap_or_default(),
                ),
            })
            .collect();
        Ok(ActionOutput {
            unprocessed,
            ..ActionOutput::default()
        })
    }
}

/// `securityhub:CreateFindingAggregator`.
impl Execute for CreateFindingAggregator {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .securityhub(cx.region)
            .create_finding_aggregator()
            .region_linking_mode(&self.region_linking_mode)
            .send()
            .await
            .map_err(aws("securityhub:CreateFindingAggregator"))?;
        Ok(ActionOutput::default())
    }
}
