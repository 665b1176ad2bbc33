//! Security Hub, GuardDuty, Config, CloudTrail, KMS, Logs, Access Analyzer, Athena, SSM,
//! Inspector, Macie and the Account API.

use std::collections::BTreeMap;

use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use secure_account_core::snapshot as snap;

use super::meta;

#[tokio::test]
async fn security_contact() {
    use aws_sdk_account::operation::get_alternate_contact::{
        GetAlternateContactError, GetAlternateContactOutput,
    };
    use aws_sdk_account::types::{AlternateContact, AlternateContactType};
    let got = mock!(aws_sdk_account::Client::get_alternate_contact)
        .match_requests(|r| r.alternate_contact_type() == Some(&AlternateContactType::Security))
        .then_output(|| {
            GetAlternateContactOutput::builder()
                .alternate_contact(
                    AlternateContact::builder()
                        .name("Sec")
                        .title("CISO")
                        .email_address("sec@example.com")
                        .phone_number("+1-555")
                        .alternate_contact_type(AlternateContactType::Security)
                        .build(),
                )
                .build()
        });
    let none = mock!(aws_sdk_account::Client::get_alternate_contact).then_error(|| {
        GetAlternateContactError::generic(meta("ResourceNotFoundException", "No contact"))
    });
    let c = mock_client!(aws_sdk_account, [&got, &none]);
    assert_eq!(
        crate::account::read_security_contact(&c).await.unwrap(),
        Some(snap::AlternateContact {
            name: "Sec".into(),
            title: "CISO".into(),
            email_address: "sec@example.com".into(),
            phone_number: "+1-555".into()
        })
    );
    assert_eq!(
        crate::account::read_security_contact(&c).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn security_hub_off_is_none() {
    use aws_sdk_securityhub::operation::describe_hub::DescribeHubError;
    let off = mock!(aws_sdk_securityhub::Client::describe_hub).then_error(|| {
        DescribeHubError::generic(meta(
            "InvalidAccessException",
            "Account 123456789012 is not subscribed to AWS Security Hub",
        ))
    });
    let c = mock_client!(aws_sdk_securityhub, [&off]);
    assert_eq!(
        crate::securityhub::read_security_hub(&c, "us-east-1")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn security_hub_standards_controls_across_pages_and_aggregator() {
    use aws_sdk_securityhub::Client;
    use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
    use aws_sdk_securityhub::operation::describe_standards_controls::DescribeStandardsControlsOutput;
    use aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsOutput;
    use aws_sdk_securityhub::operation::get_finding_aggregator::GetFindingAggregatorOutput;
    use aws_sdk_securityhub::operation::list_finding_aggregators::ListFindingAggregatorsOutput;
    use aws_sdk_securityhub::types::{
        ControlFindingGenerator, ControlStatus, FindingAggregator, StandardsControl,
        StandardsStatus, StandardsSubscription,
    };
    const FSBP: &str =
        "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0";
    const SUB: &str = "arn:aws:securityhub:eu-west-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0";
    let hub = mock!(Client::describe_hub).then_output(|| {
        DescribeHubOutput::builder()
            .hub_arn("arn:aws:securityhub:eu-west-1:123456789012:hub/default")
            .auto_enable_controls(false)
            .control_finding_generator(ControlFindingGenerator::SecurityControl)
            .build()
    });
    let standards = mock!(Client::get_enabled_standards).then_output(|| {
        GetEnabledStandardsOutput::builder()
            .standards_subscriptions(
                StandardsSubscription::builder()
                    .standards_arn(FSBP)
                    .standards_subscription_arn(SUB)
                    .standards_status(StandardsStatus::Ready)
                    .build(),
            )
            .standards_subscriptions(
                StandardsSubscription::builder()
                    .standards_arn("arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0")
                    .standards_subscription_arn("sub-cis")
                    .standards_status(StandardsStatus::Pending)
                    .build(),
            )
            .build()
    });
    let controls_1 = mock!(Client::describe_standards_controls)
        .match_requests(|r| r.standards_subscription_arn() == Some(SUB) && r.next_token().is_none())
        .then_output(|| {
            DescribeStandardsControlsOutput::builder()
                .controls(
                    StandardsControl::builder()
                        .control_id("IAM.1")
                        .control_status(ControlStatus::Enabled)
                        .build(),
                )
                .next_token("p2")
                .build()
        });
    let controls_2 = mock!(Client::describe_standards_controls)
        .match_requests(|r| r.next_token() == Some("p2"))
        .then_output(|| {
            DescribeStandardsControlsOutput::builder()
                .controls(
                    StandardsControl::builder()
                        .control_id("IAM.6")
                        .control_status(ControlStatus::Disabled)
                        .disabled_reason("manual")
                        .build(),
                )
                .build()
        });
    let aggregators = mock!(Client::list_finding_aggregators).then_output(|| {
        ListFindingAggregatorsOutput::builder()
            .finding_aggregators(
                FindingAggregator::builder()
                    .finding_aggregator_arn(
                        "arn:aws:securityhub:eu-west-1:123456789012:finding-aggregator/abc",
                    )
                    .build(),
            )
            .build()
    });
    let aggregator = mock!(Client::get_finding_aggregator)
        .match_requests(|r| {
            r.finding_aggregator_arn()
                == Some("arn:aws:securityhub:eu-west-1:123456789012:finding-aggregator/abc")
        })
        .then_output(|| {
            GetFindingAggregatorOutput::builder()
                .finding_aggregation_region("eu-west-1")
                .region_linking_mode("ALL_REGIONS")
                .build()
        });
    // The failed control findings that are not RESOLVED: one SUPPRESSED with a note, and
    // one without a control id (not a control finding: left out).
    let finding = |id: &str, control: Option<&str>| {
        use aws_sdk_securityhub::types::{
            AwsSecurityFinding, Compliance, Note, Resource, Workflow, WorkflowStatus,
        };
        let mut compliance = Compliance::builder().status("FAILED".into());
        if let Some(c) = control {
            compliance = compliance.security_control_id(c);
        }
        AwsSecurityFinding::builder()
            .schema_version("2018-10-08")
            .id(id)
            .product_arn("arn:aws:securityhub:eu-west-1::product/aws/securityhub")
            .generator_id("security-control/S3.8")
            .aws_account_id("123456789012")
            .created_at("2026-12-01T00:00:00Z")
            .updated_at("2026-12-01T00:00:00Z")
            .title("t")
            .description("d")
            .resources(
                Resource::builder()
                    .r#type("AwsS3Bucket")
                    .id("arn:aws:s3:::public-site")
                    .build(),
            )
            .compliance(compliance.build())
            .workflow(
                Workflow::builder()
                    .status(WorkflowStatus::Suppressed)
                    .build(),
            )
            .note(
                Note::builder()
                    .text("public website")
                    .updated_by("web-team")
                    .updated_at("2026-12-01T00:00:00Z")
                    .build(),
            )
            .build()
    };
    let findings = mock!(Client::get_findings)
        .match_requests(|r| {
            r.filters().is_some_and(|f| {
                f.compliance_status().first().and_then(|s| s.value()) == Some("FAILED")
            })
        })
        .then_output(move || {
            aws_sdk_securityhub::operation::get_findings::GetFindingsOutput::builder()
                .findings(finding("f-1", Some("S3.8")))
                .findings(finding("f-2", None))
                .build()
        });
    let rules = [
        &hub,
        &standards,
        &controls_1,
        &controls_2,
        &aggregators,
        &aggregator,
        &findings,
    ];
    let c = mock_client!(aws_sdk_securityhub, RuleMode::MatchAny, rules);
    let got = crate::securityhub::read_security_hub(&c, "eu-west-1")
        .await
        .unwrap()
        .unwrap();
    assert!(!got.auto_enable_controls);
    assert_eq!(got.control_finding_generator, "SECURITY_CONTROL");
    assert_eq!(got.standards.get(FSBP).map(String::as_str), Some("READY"));
    assert_eq!(got.standards.len(), 2);
    assert_eq!(
        got.fsbp_controls,
        BTreeMap::from([
            (
                "IAM.1".to_string(),
                snap::ControlAssociation {
                    enabled: true,
                    disabled_reason: None
                }
            ),
            (
                "IAM.6".to_string(),
                snap::ControlAssociation {
                    enabled: false,
                    disabled_reason: Some("manual".into())
                }
            ),
        ])
    );
    assert_eq!(got.finding_aggregator.as_deref(), Some("ALL_REGIONS"));
    assert_eq!(
        got.findings,
        snap::Observed::Known(vec![snap::ControlFinding {
            id: "f-1".into(),
            control: "S3.8".into(),
            resource: "arn:aws:s3:::public-site".into(),
            workflow: snap::WorkflowStatus::Suppressed,
            note: Some("public website".into()),
        }])
    );

    // Read from another region, the aggregator is not this region's: no GetFindingAggregator.
    let c = mock_client!(
        aws_sdk_securityhub,
        RuleMode::MatchAny,
        [
            &hub,
            &standards,
            &controls_1,
            &controls_2,
            &aggregators,
            &findings
        ]
    );
    let got = crate::securityhub::read_security_hub(&c, "us-east-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.finding_aggregator, None);
    assert_eq!(aggregator.num_calls(), 1);
}

#[tokio::test]
async fn guardduty_detector_and_features() {
    use aws_sdk_guardduty::Client;
    use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
    use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
    use aws_sdk_guardduty::types::{
        DetectorAdditionalConfigurationResult, DetectorFeatureConfigurationResult,
        DetectorFeatureResult, DetectorStatus, FeatureAdditionalConfiguration, FeatureStatus,
        FindingPublishingFrequency,
    };
    let none = mock!(Client::list_detectors).then_output(|| {
        ListDetectorsOutput::builder()
            .set_detector_ids(Some(vec![]))
            .build()
    });
    let c = mock_client!(aws_sdk_guardduty, [&none]);
    assert_eq!(crate::guardduty::read_detector(&c).await.unwrap(), None);

    let list = mock!(Client::list_detectors)
        .then_output(|| ListDetectorsOutput::builder().detector_ids("d-1").build());
    let get = mock!(Client::get_detector)
        .match_requests(|r| r.detector_id() == Some("d-1"))
        .then_output(|| {
            GetDetectorOutput::builder()
                .status(DetectorStatus::Enabled)
                .service_role("r")
                .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
                .features(
                    DetectorFeatureConfigurationResult::builder()
                        .name(DetectorFeatureResult::S3DataEvents)
                        .status(FeatureStatus::Enabled)
                        .build(),
                )
                .features(
                    DetectorFeatureConfigurationResult::builder()
                        .name(DetectorFeatureResult::RuntimeMonitoring)
                        .status(FeatureStatus::Disabled)
                        .additional_configuration(
                            DetectorAdditionalConfigurationResult::builder()
                                .name(FeatureAdditionalConfiguration::EksAddonManagement)
                                .status(FeatureStatus::Enabled)
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let c = mock_client!(aws_sdk_guardduty, [&list, &get]);
    assert_eq!(
        crate::guardduty::read_detector(&c).await.unwrap(),
        Some(snap::Detector {
            detector_id: "d-1".into(),
            enabled: true,
            finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
            features: BTreeMap::from([
                ("S3_DATA_EVENTS".to_string(), true),
                ("RUNTIME_MONITORING".to_string(), false),
                ("RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT".to_string(), true),
            ]),
        })
    );
}

#[tokio::test]
async fn config_recorders_status_and_channels() {
    use aws_sdk_config::Client;
    use aws_sdk_config::operation::describe_configuration_recorder_status::DescribeConfigurationRecorderStatusOutput;
    use aws_sdk_config::operation::describe_configuration_recorders::DescribeConfigurationRecordersOutput;
    use aws_sdk_config::operation::describe_delivery_channels::DescribeDeliveryChannelsOutput;
    use aws_sdk_config::types::{
        ConfigurationRecorder, ConfigurationRecorderStatus, DeliveryChannel, RecordingGroup,
        ResourceType,
    };
    let recorders = mock!(Client::describe_configuration_recorders).then_output(|| {
        DescribeConfigurationRecordersOutput::builder()
            .configuration_recorders(
                ConfigurationRecorder::builder()
                    .name("default")
                    .role_arn("arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
                    .recording_group(
                        RecordingGroup::builder()
                            .all_supported(false)
                            .include_global_resource_types(false)
                            .resource_types(ResourceType::Bucket)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let status = mock!(Client::describe_configuration_recorder_status).then_output(|| {
        DescribeConfigurationRecorderStatusOutput::builder()
            .configuration_recorders_status(
                ConfigurationRecorderStatus::builder()
                    .name("default")
                    .recording(true)
                    .build(),
            )
            .build()
    });
    let channels = mock!(Client::describe_delivery_channels).then_output(|| {
        DescribeDeliveryChannelsOutput::builder()
            .delivery_channels(
                DeliveryChannel::builder()
                    .name("default")
                    .s3_bucket_name("config-bucket")
                    .s3_key_prefix("cfg")
                    .build(),
            )
            .build()
    });
    let c = mock_client!(
        aws_sdk_config,
        RuleMode::MatchAny,
        [&recorders, &status, &channels]
    );
    assert_eq!(
        crate::config::read_config(&c).await.unwrap(),
        snap::ConfigService {
            recorders: vec![snap::ConfigRecorder {
                name: "default".into(),
                role_arn: "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig".into(),
                all_supported: false,
                include_global_resource_types: false,
                resource_types: vec!["AWS::S3::Bucket".into()],
                recording: true,
            }],
            delivery_channels: vec![snap::DeliveryChannel {
                name: "default".into(),
                s3_bucket_name: "config-bucket".into(),
                s3_key_prefix: Some("cfg".into()),
            }],
        }
    );
}

#[tokio::test]
async fn trails_of_the_region_with_status_and_selectors() {
    use aws_sdk_cloudtrail::Client;
    use aws_sdk_cloudtrail::operation::describe_trails::DescribeTrailsOutput;
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::operation::get_insight_selectors::{
        GetInsightSelectorsError, GetInsightSelectorsOutput,
    };
    use aws_sdk_cloudtrail::operation::get_trail_status::GetTrailStatusOutput;
    use aws_sdk_cloudtrail::types::{
        DataResource, EventSelector, InsightSelector, InsightType, ReadWriteType, Trail,
    };
    const ARN: &str = "arn:aws:cloudtrail:us-east-1:123456789012:trail/main";
    let trails = mock!(Client::describe_trails)
        .match_requests(|r| r.include_shadow_trails() == Some(false))
        .then_output(|| {
            DescribeTrailsOutput::builder()
                .trail_list(
                    Trail::builder()
                        .name("main")
                        .trail_arn(ARN)
                        .home_region("us-east-1")
                        .s3_bucket_name("trail-bucket")
                        .is_multi_region_trail(true)
                        .include_global_service_events(true)
                        .log_file_validation_enabled(true)
                        .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/k")
                        .cloud_watch_logs_log_group_arn(
                            "arn:aws:logs:us-east-1:123456789012:log-group:trail:*",
                        )
                        .cloud_watch_logs_role_arn("arn:aws:iam::123456789012:role/trail-logs")
                        .build(),
                )
                // Another region's trail (a shadow the endpoint still listed) is left out.
                .trail_list(
                    Trail::builder()
                        .name("elsewhere")
                        .home_region("eu-west-1")
                        .build(),
                )
                .build()
        });
    let status = mock!(Client::get_trail_status)
        .match_requests(|r| r.name() == Some(ARN))
        .then_output(|| GetTrailStatusOutput::builder().is_logging(true).build());
    let selectors = mock!(Client::get_event_selectors)
        .match_requests(|r| r.trail_name() == Some(ARN))
        .then_output(|| {
            GetEventSelectorsOutput::builder()
                .event_selectors(
                    EventSelector::builder()
                        .read_write_type(ReadWriteType::WriteOnly)
                        .include_management_events(true)
                        .data_resources(
                            DataResource::builder()
                                .r#type("AWS::S3::Object")
                                .values("arn:aws:s3")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let insights = mock!(Client::get_insight_selectors)
        .match_requests(|r| r.trail_name() == Some(ARN))
        .then_output(|| {
            GetInsightSelectorsOutput::builder()
                .insight_selectors(
                    InsightSelector::builder()
                        .insight_type(InsightType::ApiCallRateInsight)
                        .build(),
                )
                .build()
        });
    let c = mock_client!(
        aws_sdk_cloudtrail,
        RuleMode::MatchAny,
        [&trails, &status, &selectors, &insights]
    );
    assert_eq!(
        crate::cloudtrail::read_trails(&c, "us-east-1")
            .await
            .unwrap(),
        vec![snap::Trail {
            name: "main".into(),
            home_region: "us-east-1".into(),
            s3_bucket_name: "trail-bucket".into(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            log_file_validation_enabled: true,
            kms_key_id: Some("arn:aws:kms:us-east-1:123456789012:key/k".into()),
            cloud_watch_logs_log_group_arn: Some(
                "arn:aws:logs:us-east-1:123456789012:log-group:trail:*".into()
            ),
            cloud_watch_logs_role_arn: Some("arn:aws:iam::123456789012:role/trail-logs".into()),
            is_logging: true,
            management_events: Some("WriteOnly".into()),
            data_events: true,
            insights: true,
        }]
    );

    // No selectors at all: all management events; insights not enabled is "no insights".
    let bare_selectors = mock!(Client::get_event_selectors)
        .then_output(|| GetEventSelectorsOutput::builder().build());
    let no_insights = mock!(Client::get_insight_selectors).then_error(|| {
        GetInsightSelectorsError::generic(meta("InsightNotEnabledException", "not enabled"))
    });
    let c = mock_client!(
        aws_sdk_cloudtrail,
        RuleMode::MatchAny,
        [&trails, &status, &bare_selectors, &no_insights]
    );
    let got = crate::cloudtrail::read_trails(&c, "us-east-1")
        .await
        .unwrap();
    assert_eq!(got[0].management_events.as_deref(), Some("All"));
    assert!(!got[0].data_events);
    assert!(!got[0].insights);
}

#[test]
fn advanced_selectors_tell_management_and_data_events() {
    use aws_sdk_cloudtrail::types::{AdvancedEventSelector, AdvancedFieldSelector};
    let field = |f: &str, v: &str| {
        AdvancedFieldSelector::builder()
            .field(f)
            .equals(v)
            .build()
            .unwrap()
    };
    let management_read = AdvancedEventSelector::builder()
        .field_selectors(field("eventCategory", "Management"))
        .field_selectors(field("readOnly", "true"))
        .build()
        .unwrap();
    let data = AdvancedEventSelector::builder()
        .field_selectors(field("eventCategory", "Data"))
        .field_selectors(field("resources.type", "AWS::S3::Object"))
        .build()
        .unwrap();
    assert_eq!(
        crate::cloudtrail::events(&[], &[management_read.clone(), data.clone()]),
        (Some("ReadOnly".into()), true)
    );
    assert_eq!(crate::cloudtrail::events(&[], &[data]), (None, true));
}

#[tokio::test]
async fn kms_customer_keys_with_aliases_rotation_policy_and_tags() {
    use aws_sdk_kms::Client;
    use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
    use aws_sdk_kms::operation::get_key_policy::GetKeyPolicyOutput;
    use aws_sdk_kms::operation::get_key_rotation_status::{
        GetKeyRotationStatusError, GetKeyRotationStatusOutput,
    };
    use aws_sdk_kms::operation::list_aliases::ListAliasesOutput;
    use aws_sdk_kms::operation::list_keys::ListKeysOutput;
    use aws_sdk_kms::operation::list_resource_tags::ListResourceTagsOutput;
    use aws_sdk_kms::types::{
        AliasListEntry, KeyListEntry, KeyManagerType, KeyMetadata, KeyState, Tag,
    };
    let keys_1 = mock!(Client::list_keys)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            ListKeysOutput::builder()
                .keys(KeyListEntry::builder().key_id("k-cust").build())
                .truncated(true)
                .next_marker("m")
                .build()
        });
    let keys_2 = mock!(Client::list_keys)
        .match_requests(|r| r.marker() == Some("m"))
        .then_output(|| {
            ListKeysOutput::builder()
                .keys(KeyListEntry::builder().key_id("k-aws").build())
                .keys(KeyListEntry::builder().key_id("k-asym").build())
                .truncated(false)
                .build()
        });
    let aliases = mock!(Client::list_aliases).then_output(|| {
        ListAliasesOutput::builder()
            .aliases(
                AliasListEntry::builder()
                    .alias_name("alias/trail")
                    .target_key_id("k-cust")
                    .build(),
            )
            .aliases(
                AliasListEntry::builder()
                    .alias_name("alias/aws/s3")
                    .target_key_id("k-aws")
                    .build(),
            )
            .build()
    });
    let describe = |id: &'static str, manager: KeyManagerType, state: KeyState| {
        mock!(Client::describe_key)
            .match_requests(move |r| r.key_id() == Some(id))
            .then_output(move || {
                DescribeKeyOutput::builder()
                    .key_metadata(
                        KeyMetadata::builder()
                            .key_id(id)
                            .arn(format!("arn:aws:kms:us-east-1:123456789012:key/{id}"))
                            .key_manager(manager.clone())
                            .key_state(state.clone())
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
    };
    let d_cust = describe("k-cust", KeyManagerType::Customer, KeyState::Enabled);
    let d_aws = describe("k-aws", KeyManagerType::Aws, KeyState::Enabled);
    let d_asym = describe("k-asym", KeyManagerType::Customer, KeyState::Disabled);
    let rot_cust = mock!(Client::get_key_rotation_status)
        .match_requests(|r| r.key_id() == Some("k-cust"))
        .then_output(|| {
            GetKeyRotationStatusOutput::builder()
                .key_rotation_enabled(true)
                .build()
        });
    let rot_asym = mock!(Client::get_key_rotation_status)
        .match_requests(|r| r.key_id() == Some("k-asym"))
        .then_error(|| {
            GetKeyRotationStatusError::generic(meta("UnsupportedOperationException", "asymmetric"))
        });
    let policy = mock!(Client::get_key_policy)
        .match_requests(|r| r.policy_name() == Some("default"))
        .then_output(|| {
            GetKeyPolicyOutput::builder()
                .policy("{ \"Version\": \"2012-10-17\" }")
                .build()
        });
    let policy2 = mock!(Client::get_key_policy)
        .then_output(|| GetKeyPolicyOutput::builder().policy("{}").build());
    let tags = mock!(Client::list_resource_tags)
        .match_requests(|r| r.key_id() == Some("k-cust"))
        .then_output(|| {
            ListResourceTagsOutput::builder()
                .tags(
                    Tag::builder()
                        .tag_key("owner")
                        .tag_value("secure-account")
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let tags2 = mock!(Client::list_resource_tags)
        .match_requests(|r| r.key_id() == Some("k-asym"))
        .then_output(|| ListResourceTagsOutput::builder().build());
    let c = mock_client!(
        aws_sdk_kms,
        RuleMode::MatchAny,
        [
            &keys_1, &keys_2, &aliases, &d_cust, &d_aws, &d_asym, &rot_cust, &rot_asym, &policy,
            &policy2, &tags, &tags2
        ]
    );
    let got = crate::kms::read_keys(&c).await.unwrap();
    assert_eq!(got.len(), 2, "the AWS managed key is left out");
    assert_eq!(
        got[1],
        snap::KmsKey {
            key_id: "k-cust".into(),
            arn: "arn:aws:kms:us-east-1:123456789012:key/k-cust".into(),
            aliases: vec!["alias/trail".into()],
            key_state: snap::KeyState::Enabled,
            rotation_enabled: true,
            policy: r#"{"Version":"2012-10-17"}"#.into(),
            tags: BTreeMap::from([("owner".to_string(), "secure-account".to_string())]),
            read_error: None,
        }
    );
    assert_eq!(got[0].key_id, "k-asym");
    assert_eq!(got[0].key_state, snap::KeyState::Disabled);
    assert!(!got[0].rotation_enabled);
}

/// A log group as DescribeLogGroups returns it: `arn` with the trailing `:*`, and
/// `logGroupArn` without it when `with_group_arn`.
fn log_group(
    name: &str,
    with_group_arn: bool,
    retention: Option<i32>,
) -> aws_sdk_cloudwatchlogs::types::LogGroup {
    let arn = format!("arn:aws:logs:us-east-1:123456789012:log-group:{name}");
    aws_sdk_cloudwatchlogs::types::LogGroup::builder()
        .log_group_name(name)
        .arn(format!("{arn}:*"))
        .set_log_group_arn(with_group_arn.then_some(arn))
        .set_retention_in_days(retention)
        .build()
}

/// A `ListTagsForResource` rule for the log group `name` (its ARN without `:*`).
fn log_group_tags(name: &'static str, tags: &'static [(&'static str, &'static str)]) -> Rule {
    use aws_sdk_cloudwatchlogs::operation::list_tags_for_resource::ListTagsForResourceOutput;
    mock!(aws_sdk_cloudwatchlogs::Client::list_tags_for_resource)
        .match_requests(move |r| {
            r.resource_arn()
                == Some(format!("arn:aws:logs:us-east-1:123456789012:log-group:{name}").as_str())
        })
        .then_output(move || {
            ListTagsForResourceOutput::builder()
                .set_tags(Some(
                    tags.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ))
                .build()
        })
}

#[tokio::test]
async fn log_groups_across_pages_with_their_tags() {
    use aws_sdk_cloudwatchlogs::Client;
    use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
    let p1 = mock!(Client::describe_log_groups)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            DescribeLogGroupsOutput::builder()
                .log_groups(log_group("b", true, None))
                .next_token("n")
                .build()
        });
    let p2 = mock!(Client::describe_log_groups)
        .match_requests(|r| r.next_token() == Some("n"))
        .then_output(|| {
            DescribeLogGroupsOutput::builder()
                .log_groups(log_group("a", false, Some(365)))
                .build()
        });
    // `a` has only the `:*` form of its ARN: the tagging ARN drops the suffix.
    let tags_a = log_group_tags("a", &[("secure-account:managed", "true")]);
    // A group without tags: an empty map (or none at all).
    let tags_b = log_group_tags("b", &[]);
    let c = mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        [&p1, &p2, &tags_a, &tags_b]
    );
    assert_eq!(
        crate::logs::read_log_groups(&c).await.unwrap(),
        vec![
            snap::LogGroup {
                name: "a".into(),
                retention_in_days: Some(365),
                tags: [("secure-account:managed".to_string(), "true".to_string())].into(),
            },
            snap::LogGroup {
                name: "b".into(),
                retention_in_days: None,
                tags: Default::default(),
            },
        ]
    );
    assert_eq!((tags_a.num_calls(), tags_b.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_log_group_without_a_tag_map_has_no_tags_and_one_deleted_meanwhile_is_left_out() {
    use aws_sdk_cloudwatchlogs::Client;
    use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
    use aws_sdk_cloudwatchlogs::operation::list_tags_for_resource::{
        ListTagsForResourceError, ListTagsForResourceOutput,
    };
    let list = mock!(Client::describe_log_groups).then_output(|| {
        DescribeLogGroupsOutput::builder()
            .log_groups(log_group("kept", true, None))
            .log_groups(log_group("gone", true, None))
            .build()
    });
    let kept = mock!(Client::list_tags_for_resource)
        .match_requests(|r| r.resource_arn().is_some_and(|a| a.ends_with(":kept")))
        .then_output(|| ListTagsForResourceOutput::builder().build());
    let gone = mock!(Client::list_tags_for_resource)
        .match_requests(|r| r.resource_arn().is_some_and(|a| a.ends_with(":gone")))
        .then_error(|| {
            ListTagsForResourceError::generic(meta(
                "ResourceNotFoundException",
                "The specified log group does not exist.",
            ))
        });
    let c = mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        [&list, &kept, &gone]
    );
    assert_eq!(
        crate::logs::read_log_groups(&c).await.unwrap(),
        vec![snap::LogGroup {
            name: "kept".into(),
            retention_in_days: None,
            tags: Default::default(),
        }]
    );
}

#[tokio::test]
async fn log_group_tags_denied_makes_the_groups_unreadable_naming_the_action() {
    use aws_sdk_cloudwatchlogs::Client;
    use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
    use aws_sdk_cloudwatchlogs::operation::list_tags_for_resource::ListTagsForResourceError;
    let list = mock!(Client::describe_log_groups).then_output(|| {
        DescribeLogGroupsOutput::builder()
            .log_groups(log_group("g", true, None))
            .build()
    });
    let denied = mock!(Client::list_tags_for_resource).then_error(|| {
        ListTagsForResourceError::generic(meta("AccessDeniedException", "User is not authorized"))
    });
    let c = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&list, &denied]);
    let e = crate::logs::read_log_groups(&c).await.unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert_eq!(
        e.message,
        "User is not authorized (needs `logs:ListTagsForResource`)"
    );
}

#[test]
fn the_tagging_arn_of_a_log_group_has_no_trailing_star() {
    use crate::logs::tagging_arn;
    let arn = "arn:aws:logs:us-east-1:123456789012:log-group:g";
    assert_eq!(
        tagging_arn(Some(arn), Some("ignored:*")).as_deref(),
        Some(arn)
    );
    assert_eq!(
        tagging_arn(None, Some(&format!("{arn}:*"))).as_deref(),
        Some(arn)
    );
    assert_eq!(tagging_arn(None, Some(arn)).as_deref(), Some(arn));
    assert_eq!(tagging_arn(None, None), None);
}

#[tokio::test]
async fn analyzers_and_archive_rules() {
    use aws_sdk_accessanalyzer::Client;
    use aws_sdk_accessanalyzer::operation::list_analyzers::ListAnalyzersOutput;
    use aws_sdk_accessanalyzer::operation::list_archive_rules::ListArchiveRulesOutput;
    use aws_sdk_accessanalyzer::types::{
        AnalyzerStatus, AnalyzerSummary, ArchiveRuleSummary, Criterion, Type,
    };
    let list = mock!(Client::list_analyzers).then_output(|| {
        ListAnalyzersOutput::builder()
            .analyzers(
                AnalyzerSummary::builder()
                    .arn("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/account")
                    .name("account")
                    .r#type(Type::Account)
                    .created_at(DateTime::from_secs(0))
                    .status(AnalyzerStatus::Active)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let rules = mock!(Client::list_archive_rules)
        .match_requests(|r| r.analyzer_name() == Some("account"))
        .then_output(|| {
            ListArchiveRulesOutput::builder()
                .archive_rules(
                    ArchiveRuleSummary::builder()
                        .rule_name("trusted")
                        .filter(
                            "principal.AWS",
                            Criterion::builder()
                                .eq("222222222222")
                                .eq("111111111111")
                                .build(),
                        )
                        .filter("isPublic", Criterion::builder().exists(true).build())
                        .created_at(DateTime::from_secs(0))
                        .updated_at(DateTime::from_secs(0))
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap()
        });
    let c = mock_client!(aws_sdk_accessanalyzer, [&list, &rules]);
    assert_eq!(
        crate::accessanalyzer::read_analyzers(&c).await.unwrap(),
        vec![snap::Analyzer {
            name: "account".into(),
            kind: "ACCOUNT".into(),
            status: "ACTIVE".into(),
            archive_rules: BTreeMap::from([(
                "trusted".to_string(),
                BTreeMap::from([
                    (
                        "isPublic".to_string(),
                        snap::Criterion {
                            exists: Some(true),
                            ..Default::default()
                        }
                    ),
                    (
                        "principal.AWS".to_string(),
                        snap::Criterion::eq(vec![
                            "111111111111".to_string(),
                            "222222222222".to_string()
                        ])
                    )
                ])
            )]),
        }]
    );
}

#[tokio::test]
async fn athena_workgroups() {
    use aws_sdk_athena::Client;
    use aws_sdk_athena::operation::get_work_group::GetWorkGroupOutput;
    use aws_sdk_athena::operation::list_work_groups::ListWorkGroupsOutput;
    use aws_sdk_athena::types::{
        EncryptionConfiguration, EncryptionOption, ResultConfiguration, WorkGroup,
        WorkGroupConfiguration, WorkGroupState, WorkGroupSummary,
    };
    let list = mock!(Client::list_work_groups).then_output(|| {
        ListWorkGroupsOutput::builder()
            .work_groups(WorkGroupSummary::builder().name("primary").build())
            .build()
    });
    let get = mock!(Client::get_work_group)
        .match_requests(|r| r.work_group() == Some("primary"))
        .then_output(|| {
            GetWorkGroupOutput::builder()
                .work_group(
                    WorkGroup::builder()
                        .name("primary")
                        .state(WorkGroupState::Enabled)
                        .configuration(
                            WorkGroupConfiguration::builder()
                                .enforce_work_group_configuration(true)
                                .publish_cloud_watch_metrics_enabled(true)
                                .result_configuration(
                                    ResultConfiguration::builder()
                                        .output_location("s3://results/")
                                        .encryption_configuration(
                                            EncryptionConfiguration::builder()
                                                .encryption_option(EncryptionOption::SseKms)
                                                .kms_key("k")
                                                .build()
                                                .unwrap(),
                                        )
                                        .build(),
                                )
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let c = mock_client!(aws_sdk_athena, [&list, &get]);
    assert_eq!(
        crate::athena::read_workgroups(&c).await.unwrap(),
        vec![snap::WorkGroup {
            name: "primary".into(),
            state: "ENABLED".into(),
            publish_cloud_watch_metrics_enabled: true,
            output_location: Some("s3://results/".into()),
            encryption_option: Some("SSE_KMS".into()),
            enforce_work_group_configuration: true,
        }]
    );
}

#[tokio::test]
async fn ssm_settings_and_public_documents() {
    use aws_sdk_ssm::Client;
    use aws_sdk_ssm::operation::describe_document_permission::DescribeDocumentPermissionOutput;
    use aws_sdk_ssm::operation::get_service_setting::{
        GetServiceSettingError, GetServiceSettingOutput,
    };
    use aws_sdk_ssm::operation::list_documents::ListDocumentsOutput;
    use aws_sdk_ssm::types::{DocumentIdentifier, DocumentPermissionType, ServiceSetting};
    let sharing = mock!(Client::get_service_setting)
        .match_requests(|r| r.setting_id() == Some(crate::ssm::PUBLIC_SHARING))
        .then_output(|| {
            GetServiceSettingOutput::builder()
                .service_setting(ServiceSetting::builder().setting_value("Disable").build())
                .build()
        });
    let log = mock!(Client::get_service_setting)
        .match_requests(|r| r.setting_id() == Some(crate::ssm::AUTOMATION_LOG))
        .then_error(|| GetServiceSettingError::generic(meta("ServiceSettingNotFound", "none")));
    let docs = mock!(Client::list_documents)
        .match_requests(|r| {
            r.filters()
                .iter()
                .any(|f| f.key() == Some("Owner") && f.values() == ["Self"])
        })
        .then_output(|| {
            ListDocumentsOutput::builder()
                .document_identifiers(DocumentIdentifier::builder().name("private-doc").build())
                .document_identifiers(DocumentIdentifier::builder().name("shared-doc").build())
                .build()
        });
    let private = mock!(Client::describe_document_permission)
        .match_requests(|r| {
            r.name() == Some("private-doc")
                && r.permission_type() == Some(&DocumentPermissionType::Share)
        })
        .then_output(|| {
            DescribeDocumentPermissionOutput::builder()
                .account_ids("111111111111")
                .build()
        });
    let shared = mock!(Client::describe_document_permission)
        .match_requests(|r| r.name() == Some("shared-doc"))
        .then_output(|| {
            DescribeDocumentPermissionOutput::builder()
                .account_ids("all")
                .build()
        });
    let c = mock_client!(
        aws_sdk_ssm,
        RuleMode::MatchAny,
        [&sharing, &log, &docs, &private, &shared]
    );
    assert_eq!(
        crate::ssm::read_ssm(&c).await.unwrap(),
        snap::Ssm {
            public_sharing_blocked: true,
            automation_log_destination: None,
            public_documents: vec!["shared-doc".into()],
        }
    );
}

#[tokio::test]
async fn inspector_scan_types() {
    use aws_sdk_inspector2::Client;
    use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
    use aws_sdk_inspector2::types::{AccountState, ErrorCode, ResourceState, State, Status};
    let state = |s: Status| {
        State::builder()
            .status(s)
            .error_code(ErrorCode::AlreadyEnabled)
            .error_message("")
            .build()
            .unwrap()
    };
    let rule = mock!(Client::batch_get_account_status)
        .match_requests(|r| r.account_ids() == ["123456789012"])
        .then_output(move || {
            BatchGetAccountStatusOutput::builder()
                .accounts(
                    AccountState::builder()
                        .account_id("123456789012")
                        .state(state(Status::Enabled))
                        .resource_state(
                            ResourceState::builder()
                                .ec2(state(Status::Enabled))
                                .ecr(state(Status::Disabled))
                                .lambda(state(Status::Enabled))
                                .lambda_code(state(Status::Enabling))
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap()
        });
    let c = mock_client!(aws_sdk_inspector2, [&rule]);
    assert_eq!(
        crate::inspector::read_inspector(&c, "123456789012")
            .await
            .unwrap(),
        snap::Inspector {
            ec2: true,
            ecr: false,
            lambda: true,
            lambda_code: false,
            // On its way, with a code that says so and no error; a plain DISABLED is left
            // out.
            resource_states: [(
                "LAMBDA_CODE".to_string(),
                snap::InspectorResourceState::new(snap::InspectorStatus::Enabling)
            )]
            .into()
        }
    );
}

/// A scan type that ended suspended or disabled with an error keeps AWS's code and
/// message, for the readiness wait to fail with.
#[tokio::test]
async fn inspector_keeps_why_a_scan_type_did_not_enable() {
    use aws_sdk_inspector2::Client;
    use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
    use aws_sdk_inspector2::types::{AccountState, ErrorCode, ResourceState, State, Status};
    let state = |s: Status, code: ErrorCode, message: &str| {
        State::builder()
            .status(s)
            .error_code(code)
            .error_message(message)
            .build()
            .unwrap()
    };
    let rule = mock!(Client::batch_get_account_status).then_output(move || {
        BatchGetAccountStatusOutput::builder()
            .accounts(
                AccountState::builder()
                    .account_id("123456789012")
                    .state(state(Status::Enabled, ErrorCode::AlreadyEnabled, ""))
                    .resource_state(
                        ResourceState::builder()
                            .ec2(state(
                                Status::Disabled,
                                ErrorCode::SsmUnavailable,
                                "SSM is not available",
                            ))
                            .ecr(state(Status::Suspended, ErrorCode::AccessDenied, "denied"))
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let c = mock_client!(aws_sdk_inspector2, [&rule]);
    let got = crate::inspector::read_inspector(&c, "123456789012")
        .await
        .unwrap();
    assert!(!got.ec2 && !got.ecr);
    let ec2 = &got.resource_states["EC2"];
    assert_eq!(ec2.status, snap::InspectorStatus::Disabled);
    assert_eq!(ec2.error_code.as_deref(), Some("SSM_UNAVAILABLE"));
    assert_eq!(ec2.error_message.as_deref(), Some("SSM is not available"));
    let ecr = &got.resource_states["ECR"];
    assert_eq!(ecr.status, snap::InspectorStatus::Suspended);
    assert_eq!(ecr.error_code.as_deref(), Some("ACCESS_DENIED"));
}

#[tokio::test]
async fn macie_off_on_and_discovery() {
    use aws_sdk_macie2::Client;
    use aws_sdk_macie2::operation::get_automated_discovery_configuration::GetAutomatedDiscoveryConfigurationOutput;
    use aws_sdk_macie2::operation::get_classification_scope::GetClassificationScopeOutput;
    use aws_sdk_macie2::operation::get_macie_session::{
        GetMacieSessionError, GetMacieSessionOutput,
    };
    use aws_sdk_macie2::types::{
        AutomatedDiscoveryStatus, MacieStatus, S3ClassificationScope,
        S3ClassificationScopeExclusion,
    };
    let off = mock!(Client::get_macie_session).then_error(|| {
        GetMacieSessionError::generic(meta("AccessDeniedException", "Macie is not enabled."))
    });
    let c = mock_client!(aws_sdk_macie2, [&off]);
    assert_eq!(
        crate::macie::read_macie(&c).await.unwrap(),
        snap::Macie::default()
    );

    let denied = mock!(Client::get_macie_session).then_error(|| {
        GetMacieSessionError::generic(meta("AccessDeniedException", "User is not authorized"))
    });
    let c = mock_client!(aws_sdk_macie2, [&denied]);
    let e = crate::macie::read_macie(&c).await.unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert!(
        e.message.contains("macie2:GetMacieSession"),
        "{}",
        e.message
    );

    let on = mock!(Client::get_macie_session).then_output(|| {
        GetMacieSessionOutput::builder()
            .status(MacieStatus::Enabled)
            .build()
    });
    let discovery = mock!(Client::get_automated_discovery_configuration).then_output(|| {
        GetAutomatedDiscoveryConfigurationOutput::builder()
            .status(AutomatedDiscoveryStatus::Enabled)
            .classification_scope_id("scope-1")
            .build()
    });
    let scope = mock!(Client::get_classification_scope)
        .match_requests(|r| r.id() == Some("scope-1"))
        .then_output(|| {
            GetClassificationScopeOutput::builder()
                .s3(S3ClassificationScope::builder()
                    .excludes(
                        S3ClassificationScopeExclusion::builder()
                            .bucket_names("logs-b")
                            .bucket_names("logs-a")
                            .build(),
                    )
                    .build())
                .build()
        });
    let c = mock_client!(aws_sdk_macie2, [&on, &discovery, &scope]);
    assert_eq!(
        crate::macie::read_macie(&c).await.unwrap(),
        snap::Macie {
            enabled: true,
            automated_discovery: true,
            excluded_buckets: vec!["logs-a".into(), "logs-b".into()],
        }
    );
}

/// A customer's key whose policy does not let this account read it: that key alone is
/// unreadable (its id, ARN and aliases kept, with the error); the region's other keys are
/// read as usual.
#[tokio::test]
async fn kms_a_key_that_cannot_be_read_leaves_the_others_readable() {
    use aws_sdk_kms::Client;
    use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
    use aws_sdk_kms::operation::get_key_policy::{GetKeyPolicyError, GetKeyPolicyOutput};
    use aws_sdk_kms::operation::get_key_rotation_status::GetKeyRotationStatusOutput;
    use aws_sdk_kms::operation::list_aliases::ListAliasesOutput;
    use aws_sdk_kms::operation::list_keys::ListKeysOutput;
    use aws_sdk_kms::operation::list_resource_tags::ListResourceTagsOutput;
    use aws_sdk_kms::types::{AliasListEntry, KeyListEntry, KeyManagerType, KeyMetadata, KeyState};
    let arn = |id: &str| format!("arn:aws:kms:us-east-1:123456789012:key/{id}");
    let keys = mock!(Client::list_keys).then_output(move || {
        ListKeysOutput::builder()
            .keys(
                KeyListEntry::builder()
                    .key_id("k-mine")
                    .key_arn(arn("k-mine"))
                    .build(),
            )
            .keys(
                KeyListEntry::builder()
                    .key_id("k-theirs")
                    .key_arn(arn("k-theirs"))
                    .build(),
            )
            .truncated(false)
            .build()
    });
    let aliases = mock!(Client::list_aliases).then_output(|| {
        ListAliasesOutput::builder()
            .aliases(
                AliasListEntry::builder()
                    .alias_name("alias/app-data")
                    .target_key_id("k-theirs")
                    .build(),
            )
            .build()
    });
    let describe = |id: &'static str| {
        mock!(Client::describe_key)
            .match_requests(move |r| r.key_id() == Some(id))
            .then_output(move || {
                DescribeKeyOutput::builder()
                    .key_metadata(
                        KeyMetadata::builder()
                            .key_id(id)
                            .arn(format!("arn:aws:kms:us-east-1:123456789012:key/{id}"))
                            .key_manager(KeyManagerType::Customer)
                            .key_state(KeyState::Enabled)
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
    };
    let (d_mine, d_theirs) = (describe("k-mine"), describe("k-theirs"));
    let rotation = mock!(Client::get_key_rotation_status)
        .sequence()
        .output(|| {
            GetKeyRotationStatusOutput::builder()
                .key_rotation_enabled(true)
                .build()
        })
        .repeatedly()
        .build();
    let mine = mock!(Client::get_key_policy)
        .match_requests(|r| r.key_id() == Some("k-mine"))
        .then_output(|| GetKeyPolicyOutput::builder().policy("{}").build());
    let denied = mock!(Client::get_key_policy)
        .match_requests(|r| r.key_id() == Some("k-theirs"))
        .then_error(|| {
            GetKeyPolicyError::generic(meta(
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                 kms:GetKeyPolicy on resource: arn:aws:kms:us-east-1:123456789012:key/k-theirs \
                 because no resource-based policy allows the kms:GetKeyPolicy action",
            ))
        });
    let tags = mock!(Client::list_resource_tags)
        .sequence()
        .output(|| ListResourceTagsOutput::builder().build())
        .repeatedly()
        .build();
    let c = mock_client!(
        aws_sdk_kms,
        RuleMode::MatchAny,
        [
            &keys, &aliases, &d_mine, &d_theirs, &rotation, &mine, &denied, &tags
        ]
    );
    let got = crate::kms::read_keys(&c).await.unwrap();
    assert_eq!(got.len(), 2, "{got:#?}");
    let (mine, theirs) = (&got[0], &got[1]);
    assert_eq!(mine.key_id, "k-mine");
    assert!(mine.readable() && mine.rotation_enabled, "{mine:?}");
    assert_eq!(theirs.key_id, "k-theirs");
    assert_eq!(theirs.arn, arn("k-theirs"));
    assert_eq!(theirs.aliases, ["alias/app-data"]);
    assert!(!theirs.readable());
    assert_eq!(
        theirs.read_error.as_ref().map(|e| e.code.as_str()),
        Some("AccessDeniedException")
    );
}
