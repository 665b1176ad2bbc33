//! Security Hub writes (regional).

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::types::{
    AssociationStatus, ControlFindingGenerator, StandardsControlAssociationUpdate,
    StandardsSubscriptionRequest,
};
use secure_account_core::AwsError;
use secure_account_core::action::ControlAssociationUpdate;
use secure_account_engine::Unprocessed;

use crate::error::aws;

/// `securityhub:EnableSecurityHub`. A hub already enabled (`ResourceConflictException`)
/// is success: the planner enables it only where the snapshot saw it off, and whoever
/// enabled it since did what this action does (the configuration action that follows
/// converges its settings).
pub async fn enable_security_hub(
    hub: &Client,
    enable_default_standards: bool,
    control_finding_generator: &str,
) -> Result<(), AwsError> {
    match hub
        .enable_security_hub()
        .enable_default_standards(enable_default_standards)
        .control_finding_generator(ControlFindingGenerator::from(control_finding_generator))
        .send()
        .await
        .map_err(aws("securityhub:EnableSecurityHub"))
    {
        Err(e) if e.code == "ResourceConflictException" => Ok(()),
        other => other.map(|_| ()),
    }
}

/// `securityhub:UpdateSecurityHubConfiguration`.
pub async fn update_security_hub_configuration(
    hub: &Client,
    auto_enable_controls: bool,
    control_finding_generator: &str,
) -> Result<(), AwsError> {
    hub.update_security_hub_configuration()
        .auto_enable_controls(auto_enable_controls)
        .control_finding_generator(ControlFindingGenerator::from(control_finding_generator))
        .send()
        .await
        .map_err(aws("securityhub:UpdateSecurityHubConfiguration"))?;
    Ok(())
}

/// `securityhub:BatchEnableStandards` of one standard. An existing subscription is
/// answered as a subscription (AWS does not fail), so this is idempotent. Whether the
/// subscription becomes `READY` is the engine's readiness wait, by reading.
pub async fn batch_enable_standards(hub: &Client, standards_arn: &str) -> Result<(), AwsError> {
    let request = StandardsSubscriptionRequest::builder()
        .standards_arn(standards_arn)
        .build();
    hub.batch_enable_standards()
        .standards_subscription_requests(request)
        .send()
        .await
        .map_err(aws("securityhub:BatchEnableStandards"))?;
    Ok(())
}

/// `securityhub:BatchUpdateStandardsControlAssociations`. What AWS left unprocessed in
/// its HTTP 200 answer comes back by control id, with its `ErrorCode` and `ErrorReason`.
pub async fn batch_update_standards_control_associations(
    hub: &Client,
    standards_arn: &str,
    updates: &[ControlAssociationUpdate],
) -> Result<Vec<Unprocessed>, AwsError> {
    let mut request = hub.batch_update_standards_control_associations();
    for u in updates {
        let update = StandardsControlAssociationUpdate::builder()
            .standards_arn(standards_arn)
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
    Ok(out
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
        .collect())
}

/// `securityhub:CreateFindingAggregator`.
pub async fn create_finding_aggregator(
    hub: &Client,
    region_linking_mode: &str,
) -> Result<(), AwsError> {
    hub.create_finding_aggregator()
        .region_linking_mode(region_linking_mode)
        .send()
        .await
        .map_err(aws("securityhub:CreateFindingAggregator"))?;
    Ok(())
}
