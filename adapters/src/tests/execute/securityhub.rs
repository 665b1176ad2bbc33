//! Security Hub writes.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::batch_enable_standards::{
    BatchEnableStandardsInput, BatchEnableStandardsOutput,
};
use aws_sdk_securityhub::operation::batch_update_findings::{
    BatchUpdateFindingsInput, BatchUpdateFindingsOutput,
};
use aws_sdk_securityhub::operation::batch_update_standards_control_associations::{
    BatchUpdateStandardsControlAssociationsInput, BatchUpdateStandardsControlAssociationsOutput,
};
use aws_sdk_securityhub::operation::create_finding_aggregator::{
    CreateFindingAggregatorInput, CreateFindingAggregatorOutput,
};
use aws_sdk_securityhub::operation::enable_security_hub::{
    EnableSecurityHubError, EnableSecurityHubInput, EnableSecurityHubOutput,
};
use aws_sdk_securityhub::operation::update_security_hub_configuration::{
    UpdateSecurityHubConfigurationInput, UpdateSecurityHubConfigurationOutput,
};
use aws_sdk_securityhub::types::{
    AssociationStatus, AwsSecurityFindingIdentifier, BatchUpdateFindingsUnprocessedFinding,
    ControlFindingGenerator, NoteUpdate, StandardsControlAssociationUpdate,
    StandardsSubscriptionRequest, UnprocessedErrorCode,
    UnprocessedStandardsControlAssociationUpdate, WorkflowStatus as SdkWorkflowStatus,
    WorkflowUpdate,
};
use aws_smithy_mocks::mock;
use secure_account_core::AwsError;
use secure_account_core::action::ActionKind;
use secure_account_core::action::securityhub::{self, ControlAssociationUpdate};
use secure_account_engine::Unprocessed;

use super::{MOCK_STATUS, done, exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::EnableSecurityHub,
    ActionKind::UpdateSecurityHubConfiguration,
    ActionKind::BatchEnableStandards,
    ActionKind::BatchUpdateStandardsControlAssociations,
    ActionKind::CreateFindingAggregator,
    ActionKind::BatchUpdateFindings,
];

const CIS: &str = "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0";

#[tokio::test]
async fn enable_security_hub_sends_the_planned_settings() {
    let rule = mock!(Client::enable_security_hub)
        .match_requests(exactly(
            EnableSecurityHubInput::builder()
                .enable_default_standards(false)
                .control_finding_generator(ControlFindingGenerator::SecurityControl)
                .build()
                .unwrap(),
        ))
        .then_output(|| EnableSecurityHubOutput::builder().build());
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    exec(
        securityhub::EnableSecurityHub {
            enable_default_standards: false,
            control_finding_generator: "SECURITY_CONTROL".into(),
        },
        &hub,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn enable_security_hub_on_a_hub_already_enabled_is_success_and_other_refusals_are_not() {
    let conflict = mock!(Client::enable_security_hub).then_error(|| {
        EnableSecurityHubError::generic(meta(
            "ResourceConflictException",
            "Account 123456789012 is already subscribed to Security Hub",
        ))
    });
    let denied = mock!(Client::enable_security_hub).then_error(|| {
        EnableSecurityHubError::generic(meta("InvalidInputException", "bad generator"))
    });
    let hub = writes!(aws_sdk_securityhub, [&conflict, &denied]);
    assert_eq!(
        exec(
            securityhub::EnableSecurityHub {
                enable_default_standards: false,
                control_finding_generator: "SECURITY_CONTROL".into()
            },
            &hub
        )
        .await,
        done()
    );
    let e = exec(
        securityhub::EnableSecurityHub {
            enable_default_standards: false,
            control_finding_generator: "SECURITY_CONTROL".into(),
        },
        &hub,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new("InvalidInputException", "bad generator").with_status(MOCK_STATUS)
    );
}

#[tokio::test]
async fn update_security_hub_configuration_sends_both_settings() {
    let rule = mock!(Client::update_security_hub_configuration)
        .match_requests(exactly(
            UpdateSecurityHubConfigurationInput::builder()
                .auto_enable_controls(false)
                .control_finding_generator(ControlFindingGenerator::SecurityControl)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateSecurityHubConfigurationOutput::builder().build());
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    exec(
        securityhub::UpdateSecurityHubConfiguration {
            auto_enable_controls: false,
            control_finding_generator: "SECURITY_CONTROL".into(),
        },
        &hub,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn batch_enable_standards_subscribes_exactly_the_one_standard() {
    let rule = mock!(Client::batch_enable_standards)
        .match_requests(exactly(
            BatchEnableStandardsInput::builder()
                .standards_subscription_requests(
                    StandardsSubscriptionRequest::builder()
                        .standards_arn(CIS)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| BatchEnableStandardsOutput::builder().build());
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    exec(
        securityhub::BatchEnableStandards {
            standards_arn: CIS.into(),
        },
        &hub,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

fn update(
    id: &str,
    status: AssociationStatus,
    reason: Option<&str>,
) -> StandardsControlAssociationUpdate {
    StandardsControlAssociationUpdate::builder()
        .standards_arn(CIS)
        .security_control_id(id)
        .association_status(status)
        .set_updated_reason(reason.map(str::to_string))
        .build()
}

fn updates() -> Vec<ControlAssociationUpdate> {
    vec![
        ControlAssociationUpdate {
            security_control_id: "IAM.6".into(),
            association_status: "DISABLED".into(),
            updated_reason: Some("no hardware MFA for root in this account".into()),
        },
        ControlAssociationUpdate {
            security_control_id: "S3.1".into(),
            association_status: "ENABLED".into(),
            updated_reason: None,
        },
    ]
}

#[tokio::test]
async fn control_association_updates_send_every_update_with_its_standard_and_reason() {
    let rule = mock!(Client::batch_update_standards_control_associations)
        .match_requests(exactly(
            BatchUpdateStandardsControlAssociationsInput::builder()
                .standards_control_association_updates(update(
                    "IAM.6",
                    AssociationStatus::Disabled,
                    Some("no hardware MFA for root in this account"),
                ))
                .standards_control_association_updates(update(
                    "S3.1",
                    AssociationStatus::Enabled,
                    None,
                ))
                .build()
                .unwrap(),
        ))
        .then_output(|| BatchUpdateStandardsControlAssociationsOutput::builder().build());
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    let unprocessed = exec(
        securityhub::BatchUpdateStandardsControlAssociations {
            standards_arn: CIS.into(),
            updates: updates(),
        },
        &hub,
    )
    .await
    .unwrap()
    .unprocessed;
    assert_eq!(unprocessed, vec![]);
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn unprocessed_association_updates_come_back_by_control_with_code_and_reason() {
    let rule = mock!(Client::batch_update_standards_control_associations).then_output(|| {
        BatchUpdateStandardsControlAssociationsOutput::builder()
            .unprocessed_association_updates(
                UnprocessedStandardsControlAssociationUpdate::builder()
                    .standards_control_association_update(update(
                        "IAM.6",
                        AssociationStatus::Disabled,
                        Some("no hardware MFA for root in this account"),
                    ))
                    .error_code(UnprocessedErrorCode::NotFound)
                    .error_reason("Control IAM.6 is not available in this region")
                    .build(),
            )
            .unprocessed_association_updates(
                // An entry without a reason: the code alone.
                UnprocessedStandardsControlAssociationUpdate::builder()
                    .standards_control_association_update(update(
                        "S3.1",
                        AssociationStatus::Enabled,
                        None,
                    ))
                    .error_code(UnprocessedErrorCode::LimitExceeded)
                    .build(),
            )
            .build()
    });
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    let unprocessed = exec(
        securityhub::BatchUpdateStandardsControlAssociations {
            standards_arn: CIS.into(),
            updates: updates(),
        },
        &hub,
    )
    .await
    .unwrap()
    .unprocessed;
    assert_eq!(
        unprocessed,
        vec![
            Unprocessed {
                id: "IAM.6".into(),
                error: AwsError::new("NOT_FOUND", "Control IAM.6 is not available in this region"),
            },
            Unprocessed {
                id: "S3.1".into(),
                error: AwsError::new("LIMIT_EXCEEDED", ""),
            },
        ]
    );
}

#[tokio::test]
async fn create_finding_aggregator_sends_its_linking_mode() {
    let rule = mock!(Client::create_finding_aggregator)
        .match_requests(exactly(
            CreateFindingAggregatorInput::builder()
                .region_linking_mode("ALL_REGIONS")
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateFindingAggregatorOutput::builder().build());
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    exec(
        securityhub::CreateFindingAggregator {
            region_linking_mode: "ALL_REGIONS".into(),
        },
        &hub,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

const FINDING: &str = "arn:aws:securityhub:eu-west-1:111122223333:security-control/S3.8/finding/1a2b3c4d-0000-1111-2222-333344445555";
const PRODUCT: &str = "arn:aws:securityhub:eu-west-1::product/aws/securityhub";

fn suppress() -> securityhub::BatchUpdateFindings {
    securityhub::BatchUpdateFindings {
        finding_identifiers: vec![securityhub::FindingIdentifier {
            id: FINDING.into(),
            product_arn: PRODUCT.into(),
        }],
        workflow_status: secure_account_core::snapshot::WorkflowStatus::Suppressed,
        note: "secure-account exception: public website (owner web-team, until 2027-06-30)".into(),
    }
}

#[tokio::test]
async fn batch_update_findings_sends_the_findings_the_status_and_the_note() {
    let rule = mock!(Client::batch_update_findings)
        .match_requests(exactly(
            BatchUpdateFindingsInput::builder()
                .finding_identifiers(
                    AwsSecurityFindingIdentifier::builder()
                        .id(FINDING)
                        .product_arn(PRODUCT)
                        .build(),
                )
                .note(
                    NoteUpdate::builder()
                        .text("secure-account exception: public website (owner web-team, until 2027-06-30)")
                        .updated_by("secure-account")
                        .build(),
                )
                .workflow(
                    WorkflowUpdate::builder()
                        .status(SdkWorkflowStatus::Suppressed)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| BatchUpdateFindingsOutput::builder().build());
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    let out = exec(suppress(), &hub).await.unwrap();
    assert_eq!(out.unprocessed, vec![]);
    assert_eq!(rule.num_calls(), 1);
}

/// `UnprocessedFindings` come back by finding id, with AWS's `ErrorCode` and message.
#[tokio::test]
async fn unprocessed_findings_come_back_by_id_with_code_and_message() {
    let rule = mock!(Client::batch_update_findings).then_output(|| {
        BatchUpdateFindingsOutput::builder()
            .unprocessed_findings(
                BatchUpdateFindingsUnprocessedFinding::builder()
                    .finding_identifier(
                        AwsSecurityFindingIdentifier::builder()
                            .id(FINDING)
                            .product_arn(PRODUCT)
                            .build(),
                    )
                    .error_code("FindingNotFound")
                    .error_message("Finding not found")
                    .build(),
            )
            .build()
    });
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    let out = exec(suppress(), &hub).await.unwrap();
    assert_eq!(
        out.unprocessed,
        vec![Unprocessed {
            id: FINDING.into(),
            error: AwsError::new("FindingNotFound", "Finding not found"),
        }]
    );
}
