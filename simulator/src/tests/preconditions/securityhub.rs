//! Security Hub's preconditions and error codes.

use secure_account_core::action::securityhub;

use super::*;

#[tokio::test(start_paused = true)]
async fn security_hub_errors() {
    let mut h = H::fresh();
    let fsbp = fsbp_standards_arn(HOME);
    h.code(
        HOME,
        Action::UpdateSecurityHubConfiguration(securityhub::UpdateSecurityHubConfiguration {
            auto_enable_controls: false,
            control_finding_generator: "SECURITY_CONTROL".into(),
        }),
        "InvalidAccessException",
    )
    .await;
    h.code(
        HOME,
        Action::BatchEnableStandards(securityhub::BatchEnableStandards {
            standards_arn: fsbp.clone(),
        }),
        "InvalidAccessException",
    )
    .await;
    h.code(
        HOME,
        Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
            region_linking_mode: "ALL_REGIONS".into(),
        }),
        "InvalidAccessException",
    )
    .await;
    h.ok(HOME, enable_hub()).await;
    h.code(HOME, enable_hub(), "ResourceConflictException")
        .await;
    let update = Action::BatchUpdateStandardsControlAssociations(
        securityhub::BatchUpdateStandardsControlAssociations {
            standards_arn: fsbp.clone(),
            updates: vec![ControlAssociationUpdate {
                security_control_id: "EC2.172".into(),
                association_status: "DISABLED".into(),
                updated_reason: Some("breaks VPCs".into()),
            }],
        },
    );
    h.code(HOME, update.clone(), "RESOURCE_NOT_FOUND").await;
    h.ok(
        HOME,
        Action::BatchEnableStandards(securityhub::BatchEnableStandards {
            standards_arn: fsbp.clone(),
        }),
    )
    .await;
    h.ok(HOME, update).await;
    h.code(
        HOME,
        Action::BatchEnableStandards(securityhub::BatchEnableStandards {
            standards_arn: fsbp_standards_arn("eu-west-1"),
        }),
        "InvalidInputException",
    )
    .await;
    let aggregator = Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
        region_linking_mode: "ALL_REGIONS".into(),
    });
    h.ok(HOME, aggregator.clone()).await;
    h.code(HOME, aggregator.clone(), "ResourceConflictException")
        .await;
    h.ok("eu-west-1", enable_hub()).await;
    h.code("eu-west-1", aggregator, "ResourceConflictException")
        .await;
}
