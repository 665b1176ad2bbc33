//! Every action kind that a fresh apply on moto does not reach, executed on moto one by
//! one: what moto serves succeeds, what it lacks fails at once with `NotImplemented` (one
//! write call, no retry). With the fresh apply of `apply.rs` this covers every action kind;
//! the test prints the table (`cargo test -p secure-account-adapters --test moto -- --nocapture`).

use std::collections::BTreeMap;

use secure_account_core::action::ActionKind;
use secure_account_core::action::guardduty::DetectorFeature;
use secure_account_core::action::securityhub::ControlAssociationUpdate;
use secure_account_core::action::{
    accessanalyzer, account, athena, cloudtrail, ec2, guardduty, iam, inspector, kms, macie, s3,
    securityhub, ssm,
};
use secure_account_core::snapshot::{Criterion, InternetGatewayBlockMode};
use secure_account_core::{Action, KeyRef, Outputs, Scope};
use secure_account_engine::{Port, PortError};

use super::*;

/// The kinds moto 5.1.22 does not serve (its answer: an HTTP 404 or 500 page, or an
/// answer the SDK cannot read).
const NOT_SERVED: &[ActionKind] = &[
    ActionKind::BatchEnableStandards,
    ActionKind::BatchUpdateStandardsControlAssociations,
    ActionKind::UpdateSecurityHubConfiguration,
    ActionKind::CreateFindingAggregator,
    ActionKind::BatchUpdateFindings,
    ActionKind::CreateAnalyzer,
    ActionKind::CreateArchiveRule,
    ActionKind::UpdateArchiveRule,
    ActionKind::EnableSnapshotBlockPublicAccess,
    ActionKind::ModifyInstanceMetadataDefaults,
    ActionKind::ModifyVpcBlockPublicAccessOptions,
    ActionKind::UpdateWorkGroup,
    ActionKind::UpdateServiceSetting,
    ActionKind::EnableInspector,
    ActionKind::UpdateAutomatedDiscoveryConfiguration,
    ActionKind::UpdateClassificationScope,
];

/// The kinds the fresh apply of `apply.rs` applies on moto (served), which this test does
/// not repeat.
pub const APPLIED_BY_THE_FRESH_APPLY: &[ActionKind] = &[
    ActionKind::CreateAlias,
    ActionKind::CreateLogGroup,
    ActionKind::CreateServiceLinkedRole,
    ActionKind::DeleteSubnet,
    ActionKind::DeleteVpc,
    ActionKind::EnableKeyRotation,
    ActionKind::PutAccountPublicAccessBlock,
    ActionKind::PutBucketEncryption,
    ActionKind::PutBucketLifecycleConfiguration,
    ActionKind::PutBucketLogging,
    ActionKind::PutBucketOwnershipControls,
    ActionKind::PutBucketPolicy,
    ActionKind::PutBucketVersioning,
    ActionKind::PutConfigurationRecorder,
    ActionKind::PutDeliveryChannel,
    ActionKind::PutPublicAccessBlock,
    ActionKind::PutRetentionPolicy,
    ActionKind::PutRolePolicy,
    ActionKind::StartConfigurationRecorder,
    ActionKind::StartLogging,
    ActionKind::UpdateAccountPasswordPolicy,
];

/// The notification stack's kinds: notifications.rs deploys and updates the stack.
const BY_THE_NOTIFICATIONS_TEST: &[ActionKind] = &[
    ActionKind::CreateStack,
    ActionKind::UpdateStack,
    ActionKind::UpdateTerminationProtection,
];

pub(crate) async fn every_action_kind_is_served_by_moto_or_fails_at_once(endpoint: String) {
    let (config, account_id) = own_account(&endpoint, 6).await;
    let port = adapters(&config, &endpoint);
    let home = Scope::Region(HOME.into());
    let bucket = format!("moto-exec-{account_id}");
    let arn = format!(
        "arn:aws:securityhub:{HOME}::standards/aws-foundational-security-best-practices/v/1.0.0"
    );

    // An internet gateway attached to a VPC, for the detach and delete.
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.30.0.0/16")
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
    let igw = ec2.create_internet_gateway().send().await.unwrap();
    let igw = igw
        .internet_gateway()
        .unwrap()
        .internet_gateway_id()
        .unwrap()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();

    // The VPC's default group, with the self-referencing inbound rule AWS gives it (moto
    // gives only the outbound one), and a subnet that maps public addresses.
    let default_group = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&vpc)
                .build(),
        )
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .security_groups()[0]
        .group_id()
        .unwrap()
        .to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&default_group)
        .ip_permissions(
            aws_sdk_ec2::types::IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(
                    aws_sdk_ec2::types::UserIdGroupPair::builder()
                        .group_id(&default_group)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.30.1.0/24")
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_string();
    ec2.modify_subnet_attribute()
        .subnet_id(&subnet)
        .map_public_ip_on_launch(
            aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let all = |source: &str| secure_account_core::snapshot::NetworkRule {
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        source: source.into(),
    };

    let mut outputs = Outputs::default();
    let mut results: BTreeMap<ActionKind, Result<(), String>> = BTreeMap::new();
    let filter = || {
        BTreeMap::from([(
            "principal.AWS".to_string(),
            Criterion::eq(vec!["111122223333".into()]),
        )])
    };
    let steps: Vec<(Scope, Action)> = vec![
        (
            home.clone(),
            Action::EnableSecurityHub(securityhub::EnableSecurityHub {
                enable_default_standards: false,
                control_finding_generator: "SECURITY_CONTROL".into(),
            }),
        ),
        (
            home.clone(),
            Action::UpdateSecurityHubConfiguration(securityhub::UpdateSecurityHubConfiguration {
                auto_enable_controls: false,
                control_finding_generator: "SECURITY_CONTROL".into(),
            }),
        ),
        (
            home.clone(),
            Action::BatchEnableStandards(securityhub::BatchEnableStandards {
                standards_arn: arn.clone(),
            }),
        ),
        (
            home.clone(),
            Action::BatchUpdateStandardsControlAssociations(securityhub::BatchUpdateStandardsControlAssociations {
                standards_arn: arn.clone(),
                updates: vec![ControlAssociationUpdate {
                    security_control_id: "EC2.172".into(),
                    association_status: "DISABLED".into(),
                    updated_reason: Some("test".into()),
                }],
            }),
        ),
        (
            home.clone(),
            Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
                region_linking_mode: "ALL_REGIONS".into(),
            }),
        ),
        (
            home.clone(),
            Action::BatchUpdateFindings(securityhub::BatchUpdateFindings {
                finding_identifiers: vec![securityhub::FindingIdentifier {
                    id: format!("arn:aws:securityhub:{HOME}:123456789012:security-control/S3.8/finding/1"),
                    product_arn: format!("arn:aws:securityhub:{HOME}::product/aws/securityhub"),
                }],
                workflow_status: secure_account_core::snapshot::WorkflowStatus::Suppressed,
                note: "secure-account exception: test".into(),
            }),
        ),
        (
            home.clone(),
            Action::CreateDetector(guardduty::CreateDetector {
                enable: true,
                finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
                features: vec![DetectorFeature {
                    name: "S3_DATA_EVENTS".into(),
                    status: "ENABLED".into(),
                    additional_configuration: vec![],
                }],
            }),
        ),
        (
            Scope::Account,
            Action::CreateRole(iam::CreateRole {
                role_name: "exec-test".into(),
                assume_role_policy_document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.into(),
                tags: BTreeMap::from([("secure-account:managed".into(), "true".into())]),
            }),
        ),
        (
            Scope::Account,
            Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
                role_name: "exec-test".into(),
                policy_document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.into(),
            }),
        ),
        (
            home.clone(),
            Action::CreateBucket(s3::CreateBucket {
                bucket: bucket.clone(),
                location_constraint: None,
                tags: BTreeMap::new(),
            }),
        ),
        (
            home.clone(),
            Action::PutBucketTagging(s3::PutBucketTagging {
                bucket: bucket.clone(),
                tags: BTreeMap::from([
                    ("secure-account:managed".into(), "true".into()),
                    ("owner".into(), "exec-test".into()),
                ]),
            }),
        ),
        (
            home.clone(),
            Action::CreateKey(kms::CreateKey {
                description: "exec test".into(),
                policy: format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account_id}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                ),
                tags: BTreeMap::new(),
            }),
        ),
        (
            home.clone(),
            Action::PutKeyPolicy(kms::PutKeyPolicy {
                key: KeyRef::CreatedBy("key".into()),
                policy: format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account_id}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                ),
            }),
        ),
        (
            home.clone(),
            Action::CreateTrail(cloudtrail::CreateTrail {
                name: "exec-trail".into(),
                s3_bucket_name: bucket.clone(),
                is_multi_region_trail: false,
                include_global_service_events: false,
                enable_log_file_validation: false,
                kms_key_id: format!("arn:aws:kms:{HOME}:{account_id}:alias/none"),
                cloud_watch_logs_log_group_arn: None,
                cloud_watch_logs_role_arn: None,
            }),
        ),
        (
            home.clone(),
            Action::UpdateTrail(cloudtrail::UpdateTrail {
                name: "exec-trail".into(),
                s3_bucket_name: bucket.clone(),
                is_multi_region_trail: true,
                include_global_service_events: true,
                enable_log_file_validation: true,
                kms_key_id: None,
                cloud_watch_logs_log_group_arn: None,
                cloud_watch_logs_role_arn: None,
            }),
        ),
        (
            home.clone(),
            Action::PutEventSelectors(cloudtrail::PutEventSelectors {
                trail_name: "exec-trail".into(),
                read_write_type: "All".into(),
                include_management_events: true,
            }),
        ),
        (
            home.clone(),
            Action::CreateAnalyzer(accessanalyzer::CreateAnalyzer {
                analyzer_name: "exec".into(),
                r#type: "ACCOUNT".into(),
            }),
        ),
        (
            home.clone(),
            Action::CreateArchiveRule(accessanalyzer::CreateArchiveRule {
                analyzer_name: "exec".into(),
                rule_name: "trusted".into(),
                filter: filter(),
            }),
        ),
        (
            home.clone(),
            Action::UpdateArchiveRule(accessanalyzer::UpdateArchiveRule {
                analyzer_name: "exec".into(),
                rule_name: "trusted".into(),
                filter: filter(),
            }),
        ),
        (home.clone(), Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {})),
        (
            home.clone(),
            Action::EnableSnapshotBlockPublicAccess(ec2::EnableSnapshotBlockPublicAccess {
                state: "block-all-sharing".into(),
            }),
        ),
        (
            home.clone(),
            Action::ModifyInstanceMetadataDefaults(ec2::ModifyInstanceMetadataDefaults {
                http_tokens: secure_account_core::snapshot::ec2::HttpTokens::Required,
            }),
        ),
        (
            home.clone(),
            Action::ModifyVpcBlockPublicAccessOptions(ec2::ModifyVpcBlockPublicAccessOptions {
                internet_gateway_block_mode: InternetGatewayBlockMode::BlockIngress,
            }),
        ),
        (
            home.clone(),
            Action::RevokeSecurityGroupIngress(ec2::RevokeSecurityGroupIngress {
                group_id: default_group.clone(),
                rules: vec![all(&default_group)],
            }),
        ),
        (
            home.clone(),
            Action::RevokeSecurityGroupEgress(ec2::RevokeSecurityGroupEgress {
                group_id: default_group.clone(),
                rules: vec![all("0.0.0.0/0")],
            }),
        ),
        (
            home.clone(),
            Action::ModifySubnetAttribute(ec2::ModifySubnetAttribute {
                subnet_id: subnet.clone(),
                map_public_ip_on_launch: false,
            }),
        ),
        (
            home.clone(),
            Action::CreateFlowLogs(ec2::CreateFlowLogs {
                vpc_ids: vec![vpc.clone()],
                traffic_type: "REJECT".into(),
                log_destination: format!("arn:aws:s3:::{bucket}"),
            }),
        ),
        (
            home.clone(),
            Action::DetachInternetGateway(ec2::DetachInternetGateway {
                internet_gateway_id: igw.clone(),
                vpc_id: vpc.clone(),
            }),
        ),
        (
            home.clone(),
            Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
                internet_gateway_id: igw.clone(),
            }),
        ),
        (
            home.clone(),
            Action::UpdateWorkGroup(athena::UpdateWorkGroup {
                work_group: "primary".into(),
                publish_cloud_watch_metrics_enabled: true,
                encryption_option: Some("SSE_S3".into()),
            }),
        ),
        (
            Scope::Account,
            Action::PutAlternateContact(account::PutAlternateContact {
                alternate_contact_type: "SECURITY".into(),
                name: "Security".into(),
                title: "Security team".into(),
                email_address: "security@example.com".into(),
                phone_number: "+1-555-0100".into(),
            }),
        ),
        (
            home.clone(),
            Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
                setting_id: "/ssm/documents/console/public-sharing-permission".into(),
                setting_value: "Disable".into(),
            }),
        ),
        (
            home.clone(),
            Action::EnableInspector(inspector::EnableInspector {
                resource_types: vec!["EC2".into()],
            }),
        ),
        (
            home.clone(),
            Action::EnableMacie(macie::EnableMacie {
                finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
            }),
        ),
        (
            home.clone(),
            Action::UpdateAutomatedDiscoveryConfiguration(macie::UpdateAutomatedDiscoveryConfiguration {
                status: "ENABLED".into(),
            }),
        ),
        (
            home.clone(),
            Action::UpdateClassificationScope(macie::UpdateClassificationScope {
                exclude_bucket_names: vec![bucket.clone()],
            }),
        ),
    ];
    for (scope, action) in steps {
        let writes = port.calls().write;
        let outcome = port.execute(&scope, "key", &action, &outputs).await;
        let kind = action.kind();
        let calls = port.calls().write - writes;
        let result = match outcome {
            Ok(out) => {
                if let Some(id) = out.created_key_id {
                    outputs.key_ids.insert("key".into(), id);
                }
                assert!(
                    out.unprocessed.is_empty(),
                    "{kind:?}: {:?}",
                    out.unprocessed
                );
                Ok(())
            }
            Err(PortError::Aws(e)) => {
                // Whatever moto lacks costs one write call: nothing retried it.
                assert!(calls <= 1, "{kind:?} made {calls} write calls: {e}");
                Err(format!("{}: {}", e.code, e.message))
            }
            Err(PortError::Crashed) => unreachable!(),
        };
        results.insert(kind, result);
    }
    // UpdateDetector needs the id moto gave the detector.
    let detector = aws_sdk_guardduty::Client::new(&config)
        .list_detectors()
        .send()
        .await
        .unwrap()
        .detector_ids()[0]
        .clone();
    let update = Action::UpdateDetector(guardduty::UpdateDetector {
        detector_id: detector,
        enable: true,
        finding_publishing_frequency: "SIX_HOURS".into(),
        features: vec![],
    });
    let got = port.execute(&home, "update", &update, &outputs).await;
    results.insert(
        ActionKind::UpdateDetector,
        got.map(|_| ()).map_err(|e| e.to_string()),
    );

    // The whole tag set was put, and kept by moto.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    // The flow log is there: one, of the VPC, rejected traffic, into the bucket.
    let logs = ec2.describe_flow_logs().send().await.unwrap();
    let logs: Vec<_> = logs
        .flow_logs()
        .iter()
        .filter(|f| f.resource_id() == Some(vpc.as_str()))
        .collect();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0].traffic_type().map(|t| t.as_str()), Some("REJECT"));
    assert_eq!(
        logs[0].log_destination(),
        Some(format!("arn:aws:s3:::{bucket}").as_str())
    );
    let tagging = s3
        .get_bucket_tagging()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let tags: BTreeMap<&str, &str> = tagging
        .tag_set()
        .iter()
        .map(|t| (t.key(), t.value()))
        .collect();
    assert_eq!(
        tags,
        BTreeMap::from([("owner", "exec-test"), ("secure-account:managed", "true")])
    );
    // The default group has no rule left, and the subnet no longer maps public addresses.
    let group = ec2
        .describe_security_groups()
        .group_ids(&default_group)
        .send()
        .await
        .unwrap();
    let group = &group.security_groups()[0];
    assert!(group.ip_permissions().is_empty(), "{group:?}");
    assert!(group.ip_permissions_egress().is_empty(), "{group:?}");
    let subnets = ec2
        .describe_subnets()
        .subnet_ids(&subnet)
        .send()
        .await
        .unwrap();
    assert_eq!(subnets.subnets()[0].map_public_ip_on_launch(), Some(false));
    for (kind, result) in &results {
        eprintln!(
            "moto {:<45} {}",
            format!("{kind:?}"),
            match result {
                Ok(()) => "served".to_string(),
                Err(e) => format!("NOT served: {}", e.chars().take(110).collect::<String>()),
            }
        );
    }
    let covered: std::collections::BTreeSet<ActionKind> = results
        .keys()
        .chain(APPLIED_BY_THE_FRESH_APPLY)
        .chain(BY_THE_NOTIFICATIONS_TEST)
        .copied()
        .collect();
    let missing: Vec<ActionKind> = ActionKind::all().filter(|k| !covered.contains(k)).collect();
    assert_eq!(
        missing,
        Vec::<ActionKind>::new(),
        "action kinds never tried on moto"
    );
    for (kind, result) in &results {
        if NOT_SERVED.contains(kind) {
            let e = result
                .as_ref()
                .expect_err(&format!("{kind:?} is served now"));
            assert!(
                e.starts_with("secure-account:NotImplemented")
                    || e.starts_with("secure-account:UnparsableResponse"),
                "{kind:?}: {e}"
            );
        } else {
            assert!(result.is_ok(), "{kind:?}: {result:?}");
        }
    }
}
