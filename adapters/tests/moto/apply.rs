//! Applying on moto: a fresh account gets everything moto serves, a second apply writes
//! nothing moto serves, and a lived-in account keeps what is in use.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aws_sdk_ec2::types::Filter;
use secure_account_core::action::{ec2, s3};
use secure_account_core::{Action, Baseline};
use secure_account_engine::flow::{apply_in_rounds, read_and_plan};
use secure_account_engine::{ActionStatus, ApplyOptions, ApplyReport, NotRun, Port, ResultReason};

use super::*;

/// The action kinds whose operation moto 5.1.22 does not serve: they fail at once with
/// `NotImplemented` (never retried, never waited on). What depends on them does not run.
const MOTO_LACKS: &[&str] = &[
    "batch_enable_standards",
    "update_security_hub_configuration",
    "create_finding_aggregator",
    "update_work_group",
    "enable_inspector",
];

fn baseline() -> Baseline {
    let mut b = Baseline::built_in("fsbp").unwrap();
    b.home_region = HOME.into();
    b.regions.include = vec![HOME.into(), OTHER.into()];
    b
}

/// Reads, plans and applies in rounds (every round approved), as `apply --auto-approve`.
async fn apply(port: &AwsAccount) -> (secure_account_engine::flow::Planned, ApplyReport) {
    let baseline = baseline();
    let planned = read_and_plan(port, &baseline).await.unwrap();
    let report = apply_in_rounds(
        port,
        &planned,
        Some(&baseline),
        &ApplyOptions::default(),
        3,
        &mut |_| {},
        &mut |_, _, _| true,
    )
    .await
    .unwrap();
    (planned, report)
}

/// Every failed action is one moto lacks, failed at the first attempt with
/// `NotImplemented`; what did not run depends on one of them.
fn only_what_moto_lacks_failed(report: &ApplyReport) {
    for r in &report.results {
        let kind = r.action.as_deref().unwrap_or_default();
        match r.status {
            ActionStatus::Failed => {
                let e = r.error.as_ref().unwrap();
                assert!(MOTO_LACKS.contains(&kind), "{} failed: {e}", r.id);
                assert_eq!(e.code, "secure-account:NotImplemented", "{}: {e}", r.id);
                assert_eq!(r.attempts, 1, "{} was retried", r.id);
            }
            ActionStatus::NotRun => assert_eq!(
                r.reason,
                Some(ResultReason::NotRun(NotRun::DependencyFailed)),
                "{}: {:?}",
                r.id,
                r.detail
            ),
            ActionStatus::Applied | ActionStatus::Skipped => {}
        }
    }
}

fn is_default(v: bool) -> Filter {
    Filter::builder()
        .name("isDefault")
        .values(v.to_string())
        .build()
}

pub(crate) async fn a_fresh_account_gets_everything_moto_serves_and_a_second_apply_writes_nothing_more(
    endpoint: String,
) {
    let (config, account_id) = own_account(&endpoint, 4).await;
    let port = adapters(&config, &endpoint);
    let started = Instant::now();
    let (planned, report) = apply(&port).await;
    let took = started.elapsed();
    let count = |s| report.results.iter().filter(|r| r.status == s).count();
    eprintln!(
        "fresh apply on moto: {} planned, {} applied, {} failed, {} not run; {} reads, {} \
         writes, {} retries; {:.1} s",
        planned.plan.actions.len(),
        count(ActionStatus::Applied),
        count(ActionStatus::Failed),
        count(ActionStatus::NotRun),
        report.api_calls.read,
        report.api_calls.write,
        report.api_calls.retries,
        took.as_secs_f64()
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(!report.interrupted);
    only_what_moto_lacks_failed(&report);
    let failed: BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| r.status == ActionStatus::Failed)
        .filter_map(|r| r.action.as_deref())
        .collect();
    assert_eq!(failed, MOTO_LACKS.iter().copied().collect(), "what failed");
    assert!(count(ActionStatus::Applied) >= 40, "{report:#?}");
    let applied: BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| r.status == ActionStatus::Applied)
        .filter_map(|r| r.action.as_deref())
        .collect();
    for kind in super::execute::APPLIED_BY_THE_FRESH_APPLY {
        assert!(applied.contains(kind.name()), "{kind:?} was not applied");
    }

    // What the account looks like now, read with the SDK directly.
    for region in [HOME, OTHER] {
        let conf = config.to_builder().region(Region::new(region)).build();
        let ec2 = aws_sdk_ec2::Client::new(&conf);
        let defaults = ec2
            .describe_vpcs()
            .filters(is_default(true))
            .send()
            .await
            .unwrap();
        assert!(
            defaults.vpcs().is_empty(),
            "{region}: {:?}",
            defaults.vpcs()
        );
        // moto lacks `GetSnapshotBlockPublicAccessState`: that part alone is unreadable,
        // so nothing is planned from it (never act on what was not read), while EBS
        // default encryption, a part of its own, is read, planned and applied.
        let services = &planned.snapshot.regions[region].services;
        let block = services
            .snapshot_block_public_access
            .read_error()
            .expect("moto lacks GetSnapshotBlockPublicAccessState");
        assert_eq!(block.code, "secure-account:NotImplemented", "{block}");
        assert!(
            block
                .message
                .contains("ec2:GetSnapshotBlockPublicAccessState"),
            "{block}"
        );
        assert!(
            !planned
                .plan
                .actions
                .iter()
                .any(|a| a.region.as_str() == region
                    && matches!(
                        a.op,
                        Action::EnableSnapshotBlockPublicAccess(
                            ec2::EnableSnapshotBlockPublicAccess { .. }
                        )
                    ))
        );
        assert_eq!(
            services.ebs.known().map(|e| e.encryption_by_default),
            Some(false),
            "{region}: a fresh account's EBS part is read"
        );
        let encryption = ec2.get_ebs_encryption_by_default().send().await.unwrap();
        assert_eq!(
            encryption.ebs_encryption_by_default(),
            Some(true),
            "{region}: EBS encryption by default is on after the apply"
        );

        let cfg = aws_sdk_config::Client::new(&conf);
        let recorders = cfg.describe_configuration_recorders().send().await.unwrap();
        let recorder = &recorders.configuration_recorders()[0];
        assert!(
            recorder
                .role_arn()
                .unwrap()
                .contains(":role/aws-service-role/config.amazonaws.com/"),
            "{region}: {recorder:?}"
        );
        let group = recorder.recording_group().unwrap();
        assert!(group.all_supported());
        let status = cfg
            .describe_configuration_recorder_status()
            .send()
            .await
            .unwrap();
        assert!(status.configuration_recorders_status()[0].recording());
        assert_eq!(
            cfg.describe_delivery_channels()
                .send()
                .await
                .unwrap()
                .delivery_channels()
                .len(),
            1,
            "{region}"
        );

        let gd = aws_sdk_guardduty::Client::new(&conf);
        let ids = gd.list_detectors().send().await.unwrap();
        assert_eq!(ids.detector_ids().len(), 1, "{region}");
        let d = gd
            .get_detector()
            .detector_id(&ids.detector_ids()[0])
            .send()
            .await
            .unwrap();
        let enabled: BTreeSet<&str> = d
            .features()
            .iter()
            .filter(|f| f.status() == Some(&aws_sdk_guardduty::types::FeatureStatus::Enabled))
            .filter_map(|f| f.name().map(|n| n.as_str()))
            .collect();
        for f in ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS"] {
            assert!(
                enabled.contains(f),
                "{region}: {f} not enabled: {enabled:?}"
            );
        }
    }

    let iam = aws_sdk_iam::Client::new(&config);
    let policy = iam.get_account_password_policy().send().await.unwrap();
    let policy = policy.password_policy().unwrap();
    assert_eq!(policy.minimum_password_length(), Some(14));
    assert!(policy.require_symbols() && policy.require_numbers());

    let ct = aws_sdk_cloudtrail::Client::new(&config);
    let trails = ct.describe_trails().send().await.unwrap();
    let trail = trails
        .trail_list()
        .iter()
        .find(|t| t.home_region() == Some(HOME))
        .expect("a trail");
    assert_eq!(trail.is_multi_region_trail(), Some(true));
    assert_eq!(trail.log_file_validation_enabled(), Some(true));
    assert!(trail.kms_key_id().is_some(), "{trail:?}");
    assert!(
        trail.cloud_watch_logs_log_group_arn().is_some(),
        "{trail:?}"
    );
    assert!(trail.cloud_watch_logs_role_arn().is_some(), "{trail:?}");
    let status = ct
        .get_trail_status()
        .name(trail.name().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(status.is_logging(), Some(true));

    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let buckets: Vec<String> = planned
        .plan
        .actions
        .iter()
        .filter_map(|a| match &a.op {
            Action::CreateBucket(s3::CreateBucket { bucket, .. }) => Some(bucket.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(buckets.len(), 2, "{buckets:?}");
    for b in &buckets {
        let block = s3.get_public_access_block().bucket(b).send().await.unwrap();
        let block = block.public_access_block_configuration().unwrap();
        assert_eq!(
            (
                block.block_public_acls(),
                block.ignore_public_acls(),
                block.block_public_policy(),
                block.restrict_public_buckets()
            ),
            (Some(true), Some(true), Some(true), Some(true)),
            "{b}"
        );
        // moto drops the tags of `CreateBucketConfiguration`; the adapter reads them back
        // and puts them, so the tool's buckets stay recognisably its own.
        let tagging = s3.get_bucket_tagging().bucket(b).send().await.unwrap();
        assert!(
            tagging
                .tag_set()
                .iter()
                .any(|t| t.key() == "secure-account:managed" && t.value() == "true"),
            "{b}: {:?}",
            tagging.tag_set()
        );
        let v = s3.get_bucket_versioning().bucket(b).send().await.unwrap();
        assert_eq!(v.status().map(|s| s.as_str()), Some("Enabled"), "{b}");
        s3.get_bucket_encryption().bucket(b).send().await.unwrap();
        let rules = s3
            .get_bucket_lifecycle_configuration()
            .bucket(b)
            .send()
            .await
            .unwrap();
        assert!(!rules.rules().is_empty(), "{b}");
        let policy = s3.get_bucket_policy().bucket(b).send().await.unwrap();
        assert!(
            policy.policy().unwrap().contains("aws:SecureTransport"),
            "{b}"
        );
        let ownership = s3
            .get_bucket_ownership_controls()
            .bucket(b)
            .send()
            .await
            .unwrap();
        assert_eq!(
            ownership.ownership_controls().unwrap().rules()[0]
                .object_ownership()
                .as_str(),
            "BucketOwnerEnforced",
            "{b}"
        );
    }
    let logged = buckets.iter().filter(|b| !b.starts_with("s3-access-logs"));
    for b in logged {
        let logging = s3.get_bucket_logging().bucket(b).send().await.unwrap();
        assert!(logging.logging_enabled().is_some(), "{b}");
    }
    let account_block = port
        .clients()
        .s3control(HOME)
        .get_public_access_block()
        .account_id(&account_id)
        .send()
        .await
        .unwrap();
    let account_block = account_block.public_access_block_configuration().unwrap();
    assert_eq!(account_block.block_public_policy(), Some(true));
    assert_eq!(account_block.restrict_public_buckets(), Some(true));

    // A second apply writes only what moto does not serve (and fails it again).
    let writes_before = port.calls().write;
    let (_, again) = apply(&port).await;
    only_what_moto_lacks_failed(&again);
    let failed_attempts: u64 = again
        .results
        .iter()
        .filter(|r| r.status == ActionStatus::Failed)
        .map(|r| u64::from(r.attempts))
        .sum();
    assert_eq!(
        again
            .results
            .iter()
            .filter(|r| r.status == ActionStatus::Applied)
            .map(|r| &r.id)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the second apply changed what moto serves"
    );
    assert_eq!(port.calls().write - writes_before, failed_attempts);
    eprintln!(
        "second apply on moto: {} writes (all to operations moto lacks), {} reads",
        again.api_calls.write, again.api_calls.read
    );
}

pub(crate) async fn a_lived_in_account_is_applied_without_touching_what_is_in_use(
    endpoint: String,
) {
    let (config, account_id) = own_account(&endpoint, 5).await;
    let lived = lived_in(&config, &account_id).await;
    let port = adapters(&config, &endpoint);
    let (planned, report) = apply(&port).await;
    assert!(!report.interrupted);
    only_what_moto_lacks_failed(&report);
    for a in &planned.plan.actions {
        if let Action::DeleteVpc(ec2::DeleteVpc { vpc_id })
        | Action::DetachInternetGateway(ec2::DetachInternetGateway { vpc_id, .. }) = &a.op
        {
            assert_ne!(vpc_id, &lived.default_vpc);
            assert_ne!(vpc_id, &lived.custom_vpc);
        }
    }

    let ec2 = aws_sdk_ec2::Client::new(&config);
    let vpcs = ec2.describe_vpcs().send().await.unwrap();
    let ids: BTreeSet<&str> = vpcs.vpcs().iter().filter_map(|v| v.vpc_id()).collect();
    assert!(ids.contains(lived.default_vpc.as_str()), "{ids:?}");
    assert!(ids.contains(lived.custom_vpc.as_str()), "{ids:?}");
    let eni = ec2
        .describe_network_interfaces()
        .network_interface_ids(&lived.eni)
        .send()
        .await
        .unwrap();
    assert_eq!(eni.network_interfaces().len(), 1);
    // Issue 20's fixes of a kept default VPC: its default group, which the interface uses
    // (moto gives an interface created without groups the default one, as EC2 does), keeps
    // its rules; no group of another VPC is touched; every default subnet where no
    // interface has a public address stops mapping them (moto gives the interface none).
    let eni = &eni.network_interfaces()[0];
    assert!(eni.association().and_then(|a| a.public_ip()).is_none());
    let used: Vec<&str> = eni.groups().iter().filter_map(|g| g.group_id()).collect();
    for a in &planned.plan.actions {
        if let Action::RevokeSecurityGroupIngress(ec2::RevokeSecurityGroupIngress {
            group_id,
            ..
        })
        | Action::RevokeSecurityGroupEgress(ec2::RevokeSecurityGroupEgress {
            group_id, ..
        }) = &a.op
        {
            assert!(!used.contains(&group_id.as_str()), "{group_id} is in use");
        }
    }
    let groups = ec2
        .describe_security_groups()
        .filters(
            Filter::builder()
                .name("vpc-id")
                .values(&lived.default_vpc)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let default_group = groups
        .security_groups()
        .iter()
        .find(|g| g.group_name() == Some("default"))
        .unwrap();
    assert!(
        used.contains(&default_group.group_id().unwrap()),
        "{used:?}"
    );
    assert!(!default_group.ip_permissions_egress().is_empty());
    let subnets = ec2
        .describe_subnets()
        .filters(
            Filter::builder()
                .name("vpc-id")
                .values(&lived.default_vpc)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(!subnets.subnets().is_empty());
    for s in subnets.subnets() {
        assert_eq!(s.map_public_ip_on_launch(), Some(false), "{s:?}");
    }
    let modified = planned
        .plan
        .actions
        .iter()
        .filter(|a| matches!(a.op, Action::ModifySubnetAttribute(_)))
        .count();
    assert_eq!(modified, subnets.subnets().len());
    // The other region's default VPC had nothing in it: it is gone.
    let other = aws_sdk_ec2::Client::new(&config.to_builder().region(Region::new(OTHER)).build());
    let defaults = other
        .describe_vpcs()
        .filters(is_default(true))
        .send()
        .await
        .unwrap();
    assert!(defaults.vpcs().is_empty(), "{:?}", defaults.vpcs());

    let iam = aws_sdk_iam::Client::new(&config);
    let policy = iam.get_account_password_policy().send().await.unwrap();
    assert_eq!(
        policy.password_policy().unwrap().minimum_password_length(),
        Some(20),
        "the stronger password policy was weakened"
    );

    // The public site bucket keeps its policy; the customer's trail is still there.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let site = s3
        .get_bucket_policy()
        .bucket(&lived.public_bucket)
        .send()
        .await
        .unwrap();
    assert!(site.policy().unwrap().contains("\"Principal\":\"*\""));
    let trails = aws_sdk_cloudtrail::Client::new(&config)
        .describe_trails()
        .send()
        .await
        .unwrap();
    assert!(
        trails
            .trail_list()
            .iter()
            .any(|t| t.name() == Some("customer-trail"))
    );
}

/// Issue 19: a baseline that declines RDS and Lambda Protection. `CreateDetector` turns
/// on what a request leaves out, so the declined features are sent `DISABLED`; moto keeps
/// the features as sent, and `GetDetector` in every region shows them `DISABLED` (the
/// others `ENABLED`). `cost`, reading the account afterwards, itemises the plans that are
/// on and not the declined ones.
pub(crate) async fn declined_guardduty_features_are_disabled_in_every_region(endpoint: String) {
    use aws_sdk_guardduty::types::FeatureStatus;
    use secure_account_core::cost::CostModel;

    let (config, _) = own_account(&endpoint, 7).await;
    let port = adapters(&config, &endpoint);
    let mut b = baseline();
    b.features.guardduty_rds_protection = false;
    b.features.guardduty_lambda_protection = false;
    let planned = read_and_plan(&port, &b).await.unwrap();
    let report = apply_in_rounds(
        &port,
        &planned,
        Some(&b),
        &ApplyOptions::default(),
        3,
        &mut |_| {},
        &mut |_, _, _| true,
    )
    .await
    .unwrap();
    only_what_moto_lacks_failed(&report);
    for region in [HOME, OTHER] {
        let conf = config.to_builder().region(Region::new(region)).build();
        let gd = aws_sdk_guardduty::Client::new(&conf);
        let ids = gd.list_detectors().send().await.unwrap();
        assert_eq!(ids.detector_ids().len(), 1, "{region}");
        let d = gd
            .get_detector()
            .detector_id(&ids.detector_ids()[0])
            .send()
            .await
            .unwrap();
        let status = |name: &str| {
            d.features()
                .iter()
                .find(|f| f.name().map(|n| n.as_str()) == Some(name))
                .and_then(|f| f.status().cloned())
        };
        for f in ["RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"] {
            assert_eq!(status(f), Some(FeatureStatus::Disabled), "{region}: {f}");
        }
        for f in ["S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION"] {
            assert_eq!(status(f), Some(FeatureStatus::Enabled), "{region}: {f}");
        }
    }
    let cost = secure_account_engine::flow::cost(&port, &b, CostModel::builtin())
        .await
        .unwrap();
    for region in [HOME, OTHER] {
        let items: Vec<&str> = cost
            .items
            .iter()
            .filter(|i| i.service == "guardduty" && i.region == region)
            .map(|i| i.item.as_str())
            .collect();
        assert!(
            items.contains(&"EKS Audit Log Monitoring"),
            "{region}: {items:?}"
        );
        assert!(
            items.contains(&"Malware Protection for EC2"),
            "{region}: {items:?}"
        );
        assert!(!items.contains(&"RDS Protection"), "{region}: {items:?}");
        assert!(!items.contains(&"Lambda Protection"), "{region}: {items:?}");
    }
}
