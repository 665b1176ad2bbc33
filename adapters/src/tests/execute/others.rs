//! Athena, the Account API, Systems Manager, Inspector and Macie writes.

use aws_smithy_mocks::mock;
use secure_account_core::AwsError;
use secure_account_core::action::ActionKind;
use secure_account_core::action::{account, athena, ssm};
use secure_account_engine::Unprocessed;

use super::{MOCK_STATUS, TOKEN, done, exactly, exec, exec_with};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::UpdateWorkGroup,
    ActionKind::PutAlternateContact,
    ActionKind::UpdateServiceSetting,
    ActionKind::EnableInspector,
    ActionKind::EnableMacie,
    ActionKind::UpdateAutomatedDiscoveryConfiguration,
    ActionKind::UpdateClassificationScope,
];

// ---- Athena ----

#[tokio::test]
async fn update_work_group_sends_metrics_and_the_encryption_only_when_planned() {
    use aws_sdk_athena::Client;
    use aws_sdk_athena::operation::update_work_group::{
        UpdateWorkGroupInput, UpdateWorkGroupOutput,
    };
    use aws_sdk_athena::types::{
        EncryptionConfiguration, EncryptionOption, ResultConfigurationUpdates,
        WorkGroupConfigurationUpdates,
    };
    let encrypted = mock!(Client::update_work_group)
        .match_requests(exactly(
            UpdateWorkGroupInput::builder()
                .work_group("primary")
                .configuration_updates(
                    WorkGroupConfigurationUpdates::builder()
                        .publish_cloud_watch_metrics_enabled(true)
                        .result_configuration_updates(
                            ResultConfigurationUpdates::builder()
                                .encryption_configuration(
                                    EncryptionConfiguration::builder()
                                        .encryption_option(EncryptionOption::SseS3)
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateWorkGroupOutput::builder().build());
    let metrics_only = mock!(Client::update_work_group)
        .match_requests(exactly(
            UpdateWorkGroupInput::builder()
                .work_group("primary")
                .configuration_updates(
                    WorkGroupConfigurationUpdates::builder()
                        .publish_cloud_watch_metrics_enabled(true)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateWorkGroupOutput::builder().build());
    let athena = writes!(aws_sdk_athena, [&encrypted, &metrics_only]);
    exec(
        athena::UpdateWorkGroup {
            work_group: "primary".into(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: Some("SSE_S3".into()),
        },
        &athena,
    )
    .await
    .unwrap();
    exec(
        athena::UpdateWorkGroup {
            work_group: "primary".into(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: None,
        },
        &athena,
    )
    .await
    .unwrap();
    assert_eq!((encrypted.num_calls(), metrics_only.num_calls()), (1, 1));
}

// ---- Account ----

#[tokio::test]
async fn put_alternate_contact_sends_every_field_and_no_account_id() {
    use aws_sdk_account::Client;
    use aws_sdk_account::operation::put_alternate_contact::{
        PutAlternateContactInput, PutAlternateContactOutput,
    };
    use aws_sdk_account::types::AlternateContactType;
    let rule = mock!(Client::put_alternate_contact)
        .match_requests(exactly(
            PutAlternateContactInput::builder()
                .alternate_contact_type(AlternateContactType::Security)
                .name("Security team")
                .title("CISO")
                .email_address("security@example.com")
                .phone_number("+1-555-0100")
                .build()
                .unwrap(),
        ))
        .then_output(|| PutAlternateContactOutput::builder().build());
    let account = writes!(aws_sdk_account, [&rule]);
    exec(
        account::PutAlternateContact {
            alternate_contact_type: "SECURITY".into(),
            name: "Security team".into(),
            title: "CISO".into(),
            email_address: "security@example.com".into(),
            phone_number: "+1-555-0100".into(),
        },
        &account,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

// ---- SSM ----

#[tokio::test]
async fn update_service_setting_sends_the_setting_and_value() {
    use aws_sdk_ssm::Client;
    use aws_sdk_ssm::operation::update_service_setting::{
        UpdateServiceSettingInput, UpdateServiceSettingOutput,
    };
    let id = "/ssm/documents/console/public-sharing-permission";
    let rule = mock!(Client::update_service_setting)
        .match_requests(exactly(
            UpdateServiceSettingInput::builder()
                .setting_id(id)
                .setting_value("Disable")
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateServiceSettingOutput::builder().build());
    let ssm = writes!(aws_sdk_ssm, [&rule]);
    exec(
        ssm::UpdateServiceSetting {
            setting_id: id.into(),
            setting_value: "Disable".into(),
        },
        &ssm,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

// ---- Inspector ----

mod inspector {
    use aws_sdk_inspector2::Client;
    use aws_sdk_inspector2::operation::enable::{EnableInput, EnableOutput};
    use aws_sdk_inspector2::types::{ErrorCode, FailedAccount, ResourceScanType};

    use secure_account_core::action::inspector::EnableInspector;

    use super::*;

    #[tokio::test]
    async fn enable_inspector_sends_the_resource_types_and_no_account_ids() {
        let rule = mock!(Client::enable)
            .match_requests(exactly(
                EnableInput::builder()
                    .resource_types(ResourceScanType::Ec2)
                    .resource_types(ResourceScanType::Ecr)
                    .resource_types(ResourceScanType::Lambda)
                    .client_token(TOKEN)
                    .build()
                    .unwrap(),
            ))
            .then_output(|| {
                EnableOutput::builder()
                    .set_accounts(Some(vec![]))
                    .build()
                    .unwrap()
            });
        let inspector = writes!(aws_sdk_inspector2, [&rule]);
        let unprocessed = exec(
            EnableInspector {
                resource_types: vec!["EC2".into(), "ECR".into(), "LAMBDA".into()],
            },
            &inspector,
        )
        .await
        .unwrap()
        .unprocessed;
        assert_eq!(unprocessed, vec![]);
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn failed_accounts_come_back_by_account_with_code_and_message() {
        let rule = mock!(Client::enable).then_output(|| {
            EnableOutput::builder()
                .set_accounts(Some(vec![]))
                .failed_accounts(
                    FailedAccount::builder()
                        .account_id("123456789012")
                        .error_code(ErrorCode::AccessDenied)
                        .error_message("Service-linked role could not be created")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap()
        });
        let inspector = writes!(aws_sdk_inspector2, [&rule]);
        let unprocessed = exec(
            EnableInspector {
                resource_types: vec!["EC2".into()],
            },
            &inspector,
        )
        .await
        .unwrap()
        .unprocessed;
        assert_eq!(
            unprocessed,
            vec![Unprocessed {
                id: "123456789012".into(),
                error: AwsError::new("ACCESS_DENIED", "Service-linked role could not be created"),
            }]
        );
    }
}

// ---- Macie ----

mod macie {
    use aws_sdk_macie2::Client;
    use aws_sdk_macie2::operation::enable_macie::{
        EnableMacieError, EnableMacieInput, EnableMacieOutput,
    };
    use aws_sdk_macie2::operation::list_classification_scopes::ListClassificationScopesOutput;
    use aws_sdk_macie2::operation::update_automated_discovery_configuration::{
        UpdateAutomatedDiscoveryConfigurationInput, UpdateAutomatedDiscoveryConfigurationOutput,
    };
    use aws_sdk_macie2::operation::update_classification_scope::{
        UpdateClassificationScopeInput, UpdateClassificationScopeOutput,
    };
    use aws_sdk_macie2::types::{
        AutomatedDiscoveryStatus, ClassificationScopeSummary, ClassificationScopeUpdateOperation,
        FindingPublishingFrequency, MacieStatus, S3ClassificationScopeExclusionUpdate,
        S3ClassificationScopeUpdate,
    };

    use secure_account_core::action::macie::{
        EnableMacie, UpdateAutomatedDiscoveryConfiguration, UpdateClassificationScope,
    };

    use super::*;

    #[tokio::test]
    async fn enable_macie_sends_enabled_and_the_frequency() {
        let rule = mock!(Client::enable_macie)
            .match_requests(exactly(
                EnableMacieInput::builder()
                    .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
                    .status(MacieStatus::Enabled)
                    .client_token(TOKEN)
                    .build()
                    .unwrap(),
            ))
            .then_output(|| EnableMacieOutput::builder().build());
        let macie = writes!(aws_sdk_macie2, [&rule]);
        exec(
            EnableMacie {
                finding_publishing_frequency: "SIX_HOURS".into(),
            },
            &macie,
        )
        .await
        .unwrap();
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn macie_already_enabled_is_success_and_other_refusals_are_not() {
        let conflict = mock!(Client::enable_macie).then_error(|| {
            EnableMacieError::generic(meta(
                "ConflictException",
                "Macie is already enabled for this account",
            ))
        });
        let denied = mock!(Client::enable_macie)
            .then_error(|| EnableMacieError::generic(meta("AccessDeniedException", "")));
        let macie = writes!(aws_sdk_macie2, [&conflict, &denied]);
        assert_eq!(
            exec(
                EnableMacie {
                    finding_publishing_frequency: "SIX_HOURS".into()
                },
                &macie
            )
            .await,
            done()
        );
        let e = exec(
            EnableMacie {
                finding_publishing_frequency: "SIX_HOURS".into(),
            },
            &macie,
        )
        .await
        .unwrap_err();
        assert_eq!(
            e,
            AwsError::new(
                "AccessDeniedException",
                "not authorized to perform `macie2:EnableMacie`"
            )
            .with_status(MOCK_STATUS)
        );
    }

    #[tokio::test]
    async fn update_automated_discovery_configuration_sends_the_status() {
        let rule = mock!(Client::update_automated_discovery_configuration)
            .match_requests(exactly(
                UpdateAutomatedDiscoveryConfigurationInput::builder()
                    .status(AutomatedDiscoveryStatus::Enabled)
                    .build()
                    .unwrap(),
            ))
            .then_output(|| UpdateAutomatedDiscoveryConfigurationOutput::builder().build());
        let macie = writes!(aws_sdk_macie2, [&rule]);
        exec(
            UpdateAutomatedDiscoveryConfiguration {
                status: "ENABLED".into(),
            },
            &macie,
        )
        .await
        .unwrap();
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn update_classification_scope_adds_the_buckets_to_the_scope_the_reads_name() {
        let list = mock!(Client::list_classification_scopes).then_output(|| {
            ListClassificationScopesOutput::builder()
                .classification_scopes(
                    ClassificationScopeSummary::builder()
                        .id("scope-1")
                        .name("automated-sensitive-data-discovery")
                        .build(),
                )
                .build()
        });
        let update = mock!(Client::update_classification_scope)
            .match_requests(exactly(
                UpdateClassificationScopeInput::builder()
                    .id("scope-1")
                    .s3(S3ClassificationScopeUpdate::builder()
                        .excludes(
                            S3ClassificationScopeExclusionUpdate::builder()
                                .bucket_names("trail-bucket")
                                .bucket_names("config-bucket")
                                .operation(ClassificationScopeUpdateOperation::Add)
                                .build(),
                        )
                        .build())
                    .build()
                    .unwrap(),
            ))
            .then_output(|| UpdateClassificationScopeOutput::builder().build());
        let writes = writes!(aws_sdk_macie2, [&update]);
        let reads = writes!(aws_sdk_macie2, [&list]);
        exec_with(
            UpdateClassificationScope {
                exclude_bucket_names: vec!["trail-bucket".into(), "config-bucket".into()],
            },
            &writes,
            &reads,
        )
        .await
        .unwrap();
        assert_eq!((list.num_calls(), update.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn no_classification_scope_fails_without_a_write() {
        let list = mock!(Client::list_classification_scopes)
            .then_output(|| ListClassificationScopesOutput::builder().build());
        let update = mock!(Client::update_classification_scope)
            .then_output(|| UpdateClassificationScopeOutput::builder().build());
        let writes = writes!(aws_sdk_macie2, [&update]);
        let reads = writes!(aws_sdk_macie2, [&list]);
        let e = exec_with(
            UpdateClassificationScope {
                exclude_bucket_names: vec!["b".into()],
            },
            &writes,
            &reads,
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, "ResourceNotFoundException");
        assert_eq!(update.num_calls(), 0);
    }
}
