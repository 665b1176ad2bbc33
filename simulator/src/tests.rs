//! The simulator's behaviour: one test (at least) per AWS error it answers with, the
//! scenarios' invariants, faults, latency on virtual time and the state JSON.

use secure_account_core::aws::{
    accessanalyzer, account, athena, cloudtrail, config, ec2, guardduty, iam, inspector, kms, logs,
    macie, s3, s3control, securityhub, ssm,
};
use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use secure_account_core::action::KeyRef;
use secure_account_core::aws::guardduty::DetectorFeature;
use secure_account_core::aws::securityhub::ControlAssociationUpdate;
use secure_account_core::catalog::fsbp_standards_arn;
use secure_account_core::snapshot::GLOBAL;
use secure_account_core::snapshot::{
    Criterion, InternetGatewayBlockMode, OptInStatus, PasswordPolicy, PublicAccessBlock,
    RegionServices, VersioningStatus,
};
use secure_account_core::{Action, AwsError, Observed, Outputs, Snapshot};
use secure_account_engine::{ActionOutput, Port, PortError};

use super::*;

const ACCT: &str = "123456789012";
const HOME: &str = "us-east-1";

/// A simulator with the outputs of the actions run through it.
struct H {
    sim: Simulator,
    outputs: Outputs,
    n: u32,
}

impl H {
    fn new(sim: Simulator) -> H {
        H {
            sim,
            outputs: Outputs::default(),
            n: 0,
        }
    }
    fn fresh() -> H {
        H::new(Simulator::scenario("fresh").unwrap())
    }
    fn lived_in() -> H {
        H::new(Simulator::scenario("lived-in").unwrap())
    }

    async fn run(&mut self, region: &str, action: Action) -> Result<ActionOutput, PortError> {
        self.n += 1;
        let id = format!("{region}/{}/{}", action.name(), self.n);
        let r = self
            .sim
            .execute(&region.into(), &id, &action, &self.outputs)
            .await;
        if let Ok(ActionOutput {
            created_key_id: Some(key),
            ..
        }) = &r
        {
            self.outputs.key_ids.insert(id, key.clone());
        }
        r
    }

    /// Runs an action that must succeed; returns the created key id, if any.
    async fn ok(&mut self, region: &str, action: Action) -> Option<String> {
        let name = action.name();
        match self.run(region, action).await {
            Ok(out) => out.created_key_id,
            Err(e) => panic!("{name} in {region} failed: {e}"),
        }
    }

    /// Runs an action that must fail; returns the error.
    async fn err(&mut self, region: &str, action: Action) -> AwsError {
        let name = action.name();
        match self.run(region, action).await {
            Ok(_) => panic!("{name} in {region} succeeded"),
            Err(PortError::Aws(e)) => e,
            Err(e) => panic!("{name} in {region}: {e}"),
        }
    }

    /// Asserts the error code of a failing action.
    async fn code(&mut self, region: &str, action: Action, code: &str) -> AwsError {
        let e = self.err(region, action).await;
        assert_eq!(e.code, code, "{e}");
        e
    }

    fn services(&self, region: &str) -> RegionServices {
        self.sim.account().regions[region].services.clone()
    }
}

// ---- Fixtures --------------------------------------------------------------------------

const LOG_BUCKET: &str = "cloudtrail-logs-123456789012";
const ACCESS_BUCKET: &str = "s3-access-logs-123456789012";
const TRAIL: &str = "cloudtrail";
const GROUP: &str = "aws-cloudtrail-logs-123456789012";
const CW_ROLE: &str = "secure-account-cloudtrail-to-logs";

fn trail_arn(name: &str) -> String {
    format!("arn:aws:cloudtrail:{HOME}:{ACCT}:trail/{name}")
}

fn group_arn() -> String {
    format!("arn:aws:logs:{HOME}:{ACCT}:log-group:{GROUP}:*")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCT}:role/{name}")
}

fn log_bucket_policy(bucket: &str, access: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "TrailAcl", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}"),
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCT}}},
            {"Sid": "TrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{ACCT}/*"),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCT},
                           "ArnLike": {"aws:SourceArn": format!("arn:aws:cloudtrail:*:{ACCT}:trail/*")}}},
            {"Sid": "ConfigAcl", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
             "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": format!("arn:aws:s3:::{bucket}"),
             "Condition": {"StringEquals": {"aws:SourceAccount": ACCT}}},
            {"Sid": "ConfigWrite", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{ACCT}/Config/*"),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCT}}},
            {"Sid": "AccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::{bucket}/*"),
             "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:s3:::{access}")},
                           "StringEquals": {"aws:SourceAccount": ACCT}}},
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]
    })
    .to_string()
}

fn root_only_key_policy() -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")},
         "Action": "kms:*", "Resource": "*"}
    ]})
    .to_string()
}

fn trail_key_policy() -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "TrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:GenerateDataKey*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceArn": trail_arn(TRAIL)},
                       "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:aws:cloudtrail:*:{ACCT}:trail/*")}}}
    ]})
    .to_string()
}

fn trust(service: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    ]})
    .to_string()
}

fn create_key(policy: String) -> Action {
    Action::CreateKey(kms::CreateKey {
        description: "trail key".into(),
        policy,
        tags: BTreeMap::new(),
    })
}

fn create_trail(name: &str, bucket: &str, key: &str, logs: bool) -> Action {
    Action::CreateTrail(cloudtrail::CreateTrail {
        name: name.into(),
        s3_bucket_name: bucket.into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        kms_key_id: key.into(),
        cloud_watch_logs_log_group_arn: logs.then(group_arn),
        cloud_watch_logs_role_arn: logs.then(|| role_arn(CW_ROLE)),
    })
}

fn create_bucket(name: &str) -> Action {
    Action::CreateBucket(s3::CreateBucket {
        tags: Default::default(),
        bucket: name.into(),
        location_constraint: None,
    })
}

/// `create_bucket` outside us-east-1, with the location constraint AWS wants there.
fn create_bucket_in(region: &str, name: &str) -> Action {
    Action::CreateBucket(s3::CreateBucket {
        bucket: name.into(),
        location_constraint: Some(region.into()),
        tags: Default::default(),
    })
}

fn put_policy(bucket: &str, policy: String) -> Action {
    Action::PutBucketPolicy(s3::PutBucketPolicy {
        bucket: bucket.into(),
        policy,
    })
}

/// Everything a trail needs: the log bucket with its policy, the key with its alias, the
/// log group, the delivery role. Returns the key id.
async fn trail_dependencies(h: &mut H) -> String {
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    let key = h.ok(HOME, create_key(trail_key_policy())).await.unwrap();
    h.ok(
        HOME,
        Action::CreateAlias(kms::CreateAlias {
            alias_name: "alias/trail_encrypt_key".into(),
            target_key: KeyRef::Existing(key.clone()),
        }),
    )
    .await;
    h.ok(
        HOME,
        Action::CreateLogGroup(logs::CreateLogGroup {
            tags: Default::default(),
            log_group_name: GROUP.into(),
        }),
    )
    .await;
    h.ok(
        GLOBAL,
        Action::CreateRole(iam::CreateRole {
            tags: Default::default(),
            role_name: CW_ROLE.into(),
            assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
        }),
    )
    .await;
    h.ok(
        GLOBAL,
        Action::PutRolePolicy(iam::PutRolePolicy {
            role_name: CW_ROLE.into(),
            policy_name: "deliver".into(),
            policy_document: json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": format!("arn:aws:logs:{HOME}:{ACCT}:log-group:{GROUP}:log-stream:*")}
            ]})
            .to_string(),
        }),
    )
    .await;
    key
}

fn enable_hub() -> Action {
    Action::EnableSecurityHub(securityhub::EnableSecurityHub {
        enable_default_standards: false,
        control_finding_generator: "SECURITY_CONTROL".into(),
    })
}

fn create_detector(features: Vec<DetectorFeature>) -> Action {
    Action::CreateDetector(guardduty::CreateDetector {
        enable: true,
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
        features,
    })
}

fn feature(name: &str) -> DetectorFeature {
    DetectorFeature {
        name: name.into(),
        status: "ENABLED".into(),
        additional_configuration: vec![],
    }
}

fn slr_config() -> Action {
    Action::CreateServiceLinkedRole(iam::CreateServiceLinkedRole {
        aws_service_name: "config.amazonaws.com".into(),
    })
}

fn config_role_arn() -> String {
    format!(
        "arn:aws:iam::{ACCT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    )
}

fn put_recorder(name: &str) -> Action {
    Action::PutConfigurationRecorder(config::PutConfigurationRecorder {
        name: name.into(),
        role_arn: config_role_arn(),
        all_supported: true,
        include_global_resource_types: true,
    })
}

fn put_channel(bucket: &str) -> Action {
    Action::PutDeliveryChannel(config::PutDeliveryChannel {
        name: "default".into(),
        s3_bucket_name: bucket.into(),
    })
}

fn default_vpc(h: &H, region: &str) -> secure_account_core::snapshot::Vpc {
    h.services(region)
        .vpcs
        .known()
        .unwrap()
        .iter()
        .find(|v| v.is_default)
        .unwrap()
        .clone()
}

// ---- Scenarios -------------------------------------------------------------------------

#[test]
fn fresh_has_17_enabled_regions_each_with_an_idle_default_vpc() {
    let a = Simulator::scenario("fresh").unwrap().account();
    assert_eq!(a.account_id, ACCT);
    assert_eq!(a.enabled_regions().count(), 17);
    assert_eq!(a.regions.len(), 32);
    for region in OPT_IN_REGIONS {
        assert_eq!(a.regions[region].opt_in_status, OptInStatus::NotOptedIn);
    }
    for (name, r) in a.enabled_regions() {
        assert_eq!(r.opt_in_status, OptInStatus::OptInNotRequired, "{name}");
        let vpcs = r.services.vpcs.known().unwrap();
        assert_eq!(vpcs.len(), 1, "{name}");
        let v = &vpcs[0];
        assert!(v.is_default && v.cidr_block == "172.31.0.0/16", "{name}");
        assert!(v.network_interfaces.is_empty(), "{name}");
        assert_eq!(v.internet_gateways.len(), 1, "{name}");
        assert!(v.subnets.len() >= 2 && v.subnets.iter().all(|s| s.map_public_ip_on_launch));
        assert_eq!(v.security_groups.len(), 1);
        let sg = &v.security_groups[0];
        assert_eq!(sg.ingress[0].source, sg.group_id);
        let acl = &v.network_acls[0];
        assert!(acl.is_default && acl.associated_subnets.len() == v.subnets.len());
        assert!(r.services.security_hub.known().unwrap().is_none());
        assert!(r.services.guardduty.known().unwrap().is_none());
        let wg = &r.services.athena_workgroups.known().unwrap()[0];
        assert!(wg.name == "primary" && wg.encryption_option.is_none());
        assert!(!r.services.ebs.known().unwrap().encryption_by_default);
        let block = r.services.snapshot_block_public_access.known().unwrap();
        assert_eq!(block.state, "unblocked");
    }
    assert_eq!(a.global.password_policy, Observed::Known(None));
    assert_eq!(a.global.buckets, Observed::Known(vec![]));
    // Ids are unique across the account.
    let mut ids: Vec<String> = a
        .enabled_regions()
        .flat_map(|(_, r)| r.services.vpcs.known().unwrap().clone())
        .flat_map(|v| {
            let mut ids = vec![v.vpc_id.clone()];
            ids.extend(v.subnets.iter().map(|s| s.subnet_id.clone()));
            ids.extend(v.internet_gateways.clone());
            ids
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn lived_in_has_workloads_and_legacy_settings() {
    let a = Simulator::scenario("lived-in").unwrap().account();
    for region in ["us-east-1", "eu-west-1", "ap-northeast-1"] {
        let vpcs = a.regions[region].services.vpcs.known().unwrap();
        let dv = vpcs.iter().find(|v| v.is_default).unwrap();
        assert!(!dv.network_interfaces.is_empty(), "{region}");
    }
    let us = &a.regions[HOME].services;
    assert!(us.vpcs.known().unwrap().iter().any(|v| !v.is_default));
    let trail = &us.trails.known().unwrap()[0];
    assert!(trail.name == "management-events" && trail.is_logging && trail.kms_key_id.is_none());
    assert!(a.bucket(LIVED_IN_TRAIL_BUCKET).unwrap().policy.is_some());
    let pp = a.global.password_policy.known().unwrap().as_ref().unwrap();
    assert_eq!(
        (
            pp.minimum_password_length,
            pp.require_symbols,
            pp.max_password_age
        ),
        (8, false, Some(60))
    );
    assert!(pp.password_reuse_prevention.is_none());
    let d = us.guardduty.known().unwrap().as_ref().unwrap();
    assert!(d.features.values().any(|on| !on));
    let public = a.bucket(LIVED_IN_PUBLIC_BUCKET).unwrap();
    assert!(public.public_access_block.is_none());
    assert!(policy::is_public(public.policy.as_deref().unwrap()));
    let user = &a.global.users.known().unwrap()[0];
    assert!(user.name == "deploy-bot" && user.console_password && user.mfa_devices == 0);
    assert!(!us.kms_keys.known().unwrap()[0].rotation_enabled);
}

#[test]
fn unknown_scenario_names_the_closest() {
    let e = Simulator::scenario("lived_in").unwrap_err();
    assert!(matches!(&e, SimError::UnknownScenario { closest, .. } if closest == "lived-in"));
    assert!(e.to_string().contains("did you mean `lived-in`"), "{e}");
    let e = Simulator::scenario("frsh").unwrap_err();
    assert!(e.to_string().contains("`fresh`"), "{e}");
}

#[test]
fn state_json_round_trips_and_is_deterministic() {
    for name in SCENARIOS {
        let sim = Simulator::scenario(name).unwrap();
        let text = sim.to_state_json();
        assert_eq!(text, Simulator::scenario(name).unwrap().to_state_json());
        let back = Simulator::from_state_json(&text).unwrap();
        assert_eq!(back.account(), sim.account());
        assert_eq!(back.to_state_json(), text);
    }
}

#[tokio::test(start_paused = true)]
async fn state_json_keeps_hidden_state() {
    let mut h = H::fresh();
    let v = default_vpc(&h, "eu-west-2");
    let igw = v.internet_gateways[0].clone();
    h.ok(
        "eu-west-2",
        Action::DetachInternetGateway(ec2::DetachInternetGateway {
            internet_gateway_id: igw.clone(),
            vpc_id: v.vpc_id.clone(),
        }),
    )
    .await;
    let key = h
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    // Reloaded: the detached gateway can still be deleted, and new ids do not repeat.
    let mut h2 = H::new(Simulator::from_state_json(&h.sim.to_state_json()).unwrap());
    h2.ok(
        "eu-west-2",
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw,
        }),
    )
    .await;
    let key2 = h2
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    assert_ne!(key, key2);
}

#[test]
fn state_json_errors_name_the_line_and_the_version() {
    let e =
        Simulator::from_state_json("{\n  \"format_version\": 1,\n  \"account\": 7\n}").unwrap_err();
    assert!(matches!(e, SimError::Parse { line: 3, .. }), "{e}");
    let e = Simulator::from_state_json("{\"format_version\": 99}").unwrap_err();
    assert!(
        matches!(e, SimError::FormatVersion { found: 99, .. }),
        "{e}"
    );
    let e = Simulator::from_state_json("{\n\"format_version\": ").unwrap_err();
    assert!(matches!(e, SimError::Parse { line: 2, .. }), "{e}");
}

#[test]
fn from_snapshot_makes_every_part_known() {
    let mut s = Simulator::scenario("fresh").unwrap().account();
    s.global.users = Observed::unreadable("AccessDenied", "no");
    let sim = Simulator::from_snapshot(s);
    assert_eq!(sim.account().global.users, Observed::Known(vec![]));
}

// ---- Regions -----------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn disabled_region_answers_unrecognized_client() {
    let mut h = H::fresh();
    let e = h
        .code(
            "af-south-1",
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
            "UnrecognizedClientException",
        )
        .await;
    assert_eq!(
        e.message,
        "The security token included in the request is invalid"
    );
    h.code("af-south-1", enable_hub(), "UnrecognizedClientException")
        .await;
    let snap = secure_account_engine::read_snapshot(
        &h.sim,
        secure_account_engine::DEFAULT_READ_CONCURRENCY,
    )
    .await
    .unwrap();
    let r = &snap.regions["af-south-1"];
    assert_eq!(r.opt_in_status, OptInStatus::NotOptedIn);
    assert_eq!(r.services, RegionServices::default());
}

#[tokio::test(start_paused = true)]
async fn actions_run_where_they_belong() {
    let mut h = H::fresh();
    h.code(GLOBAL, enable_hub(), "InvalidRegion").await;
    h.code(HOME, slr_config(), "InvalidRegion").await;
    h.code("xx-nowhere-1", enable_hub(), "InvalidRegion").await;
}

// ---- Security Hub ---------------------------------------------------------------------

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

// ---- GuardDuty -------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn guardduty_errors() {
    let mut h = H::lived_in();
    let e = h
        .code(HOME, create_detector(vec![]), "BadRequestException")
        .await;
    assert_eq!(
        e.message,
        "The request is rejected because a detector already exists for the current account."
    );
    let update = |id: &str| {
        Action::UpdateDetector(guardduty::UpdateDetector {
            detector_id: id.into(),
            enable: true,
            finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
            features: vec![feature("EKS_AUDIT_LOGS")],
        })
    };
    h.code(
        HOME,
        update("0123456789abcdef0123456789abcdef"),
        "BadRequestException",
    )
    .await;
    let id = h
        .services(HOME)
        .guardduty
        .known()
        .unwrap()
        .clone()
        .unwrap()
        .detector_id;
    h.ok(HOME, update(&id)).await;
    h.code(
        "eu-west-1",
        create_detector(vec![
            feature("RUNTIME_MONITORING"),
            feature("EKS_RUNTIME_MONITORING"),
        ]),
        "BadRequestException",
    )
    .await;
    h.code(
        "eu-west-1",
        create_detector(vec![feature("NOT_A_FEATURE")]),
        "BadRequestException",
    )
    .await;
    h.ok(
        "eu-west-1",
        create_detector(vec![DetectorFeature {
            name: "RUNTIME_MONITORING".into(),
            status: "ENABLED".into(),
            additional_configuration: vec![("EC2_AGENT_MANAGEMENT".into(), "ENABLED".into())],
        }]),
    )
    .await;
}

// ---- IAM -------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn iam_errors() {
    let mut h = H::fresh();
    h.ok(GLOBAL, slr_config()).await;
    let e = h.code(GLOBAL, slr_config(), "InvalidInput").await;
    assert!(
        e.message.starts_with(
            "Service role name AWSServiceRoleForConfig has been taken in this account"
        ),
        "{e}"
    );
    let role = Action::CreateRole(iam::CreateRole {
        tags: Default::default(),
        role_name: "r".into(),
        assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
    });
    h.ok(GLOBAL, role.clone()).await;
    h.code(GLOBAL, role, "EntityAlreadyExists").await;
    // The trust policy of a role that exists is replaced; trusted services follow it.
    h.code(
        GLOBAL,
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: "missing".into(),
            policy_document: trust("x.amazonaws.com"),
        }),
        "NoSuchEntity",
    )
    .await;
    h.code(
        GLOBAL,
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: "r".into(),
            policy_document: "{not json".into(),
        }),
        "MalformedPolicyDocument",
    )
    .await;
    h.ok(
        GLOBAL,
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: "r".into(),
            policy_document: trust("ec2.amazonaws.com"),
        }),
    )
    .await;
    let roles = h.sim.account().global.roles;
    let r = roles
        .known()
        .unwrap()
        .iter()
        .find(|r| r.name == "r")
        .unwrap();
    assert_eq!(r.assume_role_policy_document, trust("ec2.amazonaws.com"));
    assert!(!r.trusted_services.contains("cloudtrail.amazonaws.com"));
    h.code(
        GLOBAL,
        Action::PutRolePolicy(iam::PutRolePolicy {
            role_name: "missing".into(),
            policy_name: "p".into(),
            policy_document: trust("x.amazonaws.com"),
        }),
        "NoSuchEntity",
    )
    .await;
    h.code(
        GLOBAL,
        Action::PutRolePolicy(iam::PutRolePolicy {
            role_name: "r".into(),
            policy_name: "p".into(),
            policy_document: "{not json".into(),
        }),
        "MalformedPolicyDocument",
    )
    .await;
    h.code(
        GLOBAL,
        Action::UpdateAccountPasswordPolicy(iam::UpdateAccountPasswordPolicy(PasswordPolicy {
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(25),
            hard_expiry: false,
        })),
        "ValidationError",
    )
    .await;
}

// ---- AWS Config ------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn config_errors_and_the_happy_path() {
    let mut h = H::fresh();
    h.code(HOME, put_recorder("default"), "InvalidRoleException")
        .await;
    h.code(
        HOME,
        put_channel(LOG_BUCKET),
        "NoAvailableConfigurationRecorderException",
    )
    .await;
    h.code(
        HOME,
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder {
            name: "default".into(),
        }),
        "NoSuchConfigurationRecorderException",
    )
    .await;
    h.ok(GLOBAL, slr_config()).await;
    h.ok(HOME, put_recorder("default")).await;
    h.ok(HOME, put_recorder("default")).await; // an update
    h.code(
        HOME,
        put_recorder("second"),
        "MaxNumberOfConfigurationRecordersExceededException",
    )
    .await;
    h.code(
        HOME,
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder {
            name: "default".into(),
        }),
        "NoAvailableDeliveryChannelException",
    )
    .await;
    h.code(HOME, put_channel(LOG_BUCKET), "NoSuchBucketException")
        .await;
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.code(
        HOME,
        put_channel(LOG_BUCKET),
        "InsufficientDeliveryPolicyException",
    )
    .await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    h.ok(HOME, put_channel(LOG_BUCKET)).await;
    // Other regions deliver to the same bucket.
    h.ok("eu-west-1", put_recorder("default")).await;
    h.ok("eu-west-1", put_channel(LOG_BUCKET)).await;
    h.ok(
        HOME,
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder {
            name: "default".into(),
        }),
    )
    .await;
    let config = h.services(HOME).config.known().unwrap().clone();
    assert!(config.recorders[0].recording);
}

#[tokio::test(start_paused = true)]
async fn config_recorder_role_must_trust_config() {
    let mut h = H::fresh();
    h.ok(
        GLOBAL,
        Action::CreateRole(iam::CreateRole {
            tags: Default::default(),
            role_name: "not-config".into(),
            assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
        }),
    )
    .await;
    h.code(
        HOME,
        Action::PutConfigurationRecorder(config::PutConfigurationRecorder {
            name: "default".into(),
            role_arn: role_arn("not-config"),
            all_supported: true,
            include_global_resource_types: false,
        }),
        "InvalidRoleException",
    )
    .await;
}

// ---- S3 --------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn s3_bucket_errors() {
    let mut h = H::fresh();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    // The us-east-1 legacy answer: 200 OK for your own bucket.
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.code(
        "eu-west-1",
        create_bucket_in("eu-west-1", LOG_BUCKET),
        "BucketAlreadyOwnedByYou",
    )
    .await;
    h.ok("eu-west-1", create_bucket_in("eu-west-1", "eu-bucket-1"))
        .await;
    h.code(
        "eu-west-1",
        create_bucket_in("eu-west-1", "eu-bucket-1"),
        "BucketAlreadyOwnedByYou",
    )
    .await;
    h.code(HOME, create_bucket("Bad_Name"), "InvalidBucketName")
        .await;
    h.code(
        HOME,
        Action::PutBucketVersioning(s3::PutBucketVersioning {
            bucket: "missing-bucket".into(),
            status: VersioningStatus::Enabled,
        }),
        "NoSuchBucket",
    )
    .await;
    h.code(
        HOME,
        put_policy("missing-bucket", log_bucket_policy("missing-bucket", "x")),
        "NoSuchBucket",
    )
    .await;
    h.code(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy("other-bucket", "x")),
        "MalformedPolicy",
    )
    .await;
    // New buckets block public policies.
    let public =
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": format!("arn:aws:s3:::{LOG_BUCKET}/*")}]})
        .to_string();
    h.code(HOME, put_policy(LOG_BUCKET, public), "AccessDenied")
        .await;
    h.code(
        HOME,
        Action::PutBucketEncryption(s3::PutBucketEncryption {
            bucket: LOG_BUCKET.into(),
            sse_algorithm: "AES256".into(),
            kms_master_key_id: Some("k".into()),
        }),
        "InvalidArgument",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn s3_account_block_public_access_blocks_public_policies() {
    let mut h = H::lived_in();
    let policy = h
        .sim
        .account()
        .bucket(LIVED_IN_PUBLIC_BUCKET)
        .unwrap()
        .policy
        .clone()
        .unwrap();
    // Without any block, re-putting the public policy works.
    h.ok(HOME, put_policy(LIVED_IN_PUBLIC_BUCKET, policy.clone()))
        .await;
    h.ok(
        GLOBAL,
        Action::PutAccountPublicAccessBlock(s3control::PutAccountPublicAccessBlock {
            configuration: PublicAccessBlock::ALL,
        }),
    )
    .await;
    h.code(
        HOME,
        put_policy(LIVED_IN_PUBLIC_BUCKET, policy),
        "AccessDenied",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn s3_server_access_logging() {
    let mut h = H::fresh();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(HOME, create_bucket(ACCESS_BUCKET)).await;
    let logging = |bucket: &str, target: &str| {
        Action::PutBucketLogging(s3::PutBucketLogging {
            bucket: bucket.into(),
            target_bucket: target.into(),
            target_prefix: format!("{bucket}/"),
        })
    };
    h.code(
        HOME,
        logging(LOG_BUCKET, "nope-bucket"),
        "InvalidTargetBucketForLogging",
    )
    .await;
    h.code(
        HOME,
        logging(LOG_BUCKET, ACCESS_BUCKET),
        "InvalidTargetBucketForLogging",
    )
    .await;
    h.code(
        HOME,
        logging("missing-bucket", ACCESS_BUCKET),
        "NoSuchBucket",
    )
    .await;
    h.ok(
        HOME,
        put_policy(ACCESS_BUCKET, log_bucket_policy(ACCESS_BUCKET, LOG_BUCKET)),
    )
    .await;
    h.ok(HOME, logging(LOG_BUCKET, ACCESS_BUCKET)).await;
    // The grant names its source: the access bucket may not log into itself.
    h.code(
        HOME,
        logging(ACCESS_BUCKET, ACCESS_BUCKET),
        "InvalidTargetBucketForLogging",
    )
    .await;
    // A bucket logging to itself is allowed by AWS when its policy lets it.
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, LOG_BUCKET)),
    )
    .await;
    h.ok(HOME, logging(LOG_BUCKET, LOG_BUCKET)).await;
    // Logs stay in the source bucket's region.
    h.ok("eu-west-1", create_bucket_in("eu-west-1", "eu-logs-123"))
        .await;
    h.ok(
        "eu-west-1",
        put_policy("eu-logs-123", log_bucket_policy("eu-logs-123", LOG_BUCKET)),
    )
    .await;
    h.code(
        HOME,
        logging(LOG_BUCKET, "eu-logs-123"),
        "CrossLocationLoggingProhibitted",
    )
    .await;
}

// ---- KMS -------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn kms_errors() {
    let mut h = H::fresh();
    let key = h
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    let alias = |target: KeyRef| {
        Action::CreateAlias(kms::CreateAlias {
            alias_name: "alias/trail_encrypt_key".into(),
            target_key: target,
        })
    };
    h.ok(HOME, alias(KeyRef::Existing(key.clone()))).await;
    h.code(
        HOME,
        alias(KeyRef::Existing(key.clone())),
        "AlreadyExistsException",
    )
    .await;
    // Aliases are regional: the same alias may exist in another region.
    let eu_key = h
        .ok("eu-west-1", create_key(root_only_key_policy()))
        .await
        .unwrap();
    h.ok("eu-west-1", alias(KeyRef::Existing(eu_key))).await;
    h.code(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing("11111111-2222-4333-8444-555555555555".into()),
        }),
        "NotFoundException",
    )
    .await;
    // A key of another region is not found here.
    h.code(
        "eu-west-2",
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing(key.clone()),
        }),
        "NotFoundException",
    )
    .await;
    h.code(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::CreatedBy("never-ran".into()),
        }),
        "NotFoundException",
    )
    .await;
    let lockout = json!({"Statement": [{"Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}]})
    .to_string();
    h.code(
        HOME,
        create_key(lockout.clone()),
        "MalformedPolicyDocumentException",
    )
    .await;
    h.code(
        HOME,
        Action::PutKeyPolicy(kms::PutKeyPolicy {
            key: KeyRef::Existing(key.clone()),
            policy: lockout,
        }),
        "MalformedPolicyDocumentException",
    )
    .await;
    h.ok(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing(key),
        }),
    )
    .await;
    assert!(h.services(HOME).kms_keys.known().unwrap()[0].rotation_enabled);
}

#[tokio::test(start_paused = true)]
async fn created_key_is_resolved_through_outputs() {
    let mut h = H::fresh();
    h.ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    let creator = h.outputs.key_ids.keys().next().unwrap().clone();
    h.ok(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::CreatedBy(creator),
        }),
    )
    .await;
}

// ---- CloudWatch Logs, Athena, Macie, SSM ---------------------------------------------------

#[tokio::test(start_paused = true)]
async fn logs_athena_macie_ssm_errors() {
    let mut h = H::fresh();
    let group = Action::CreateLogGroup(logs::CreateLogGroup {
        tags: Default::default(),
        log_group_name: GROUP.into(),
    });
    h.ok(HOME, group.clone()).await;
    h.code(HOME, group, "ResourceAlreadyExistsException").await;
    h.code(
        HOME,
        Action::PutRetentionPolicy(logs::PutRetentionPolicy {
            log_group_name: "missing".into(),
            retention_in_days: 365,
        }),
        "ResourceNotFoundException",
    )
    .await;
    h.code(
        HOME,
        Action::PutRetentionPolicy(logs::PutRetentionPolicy {
            log_group_name: GROUP.into(),
            retention_in_days: 100,
        }),
        "InvalidParameterException",
    )
    .await;
    h.code(
        HOME,
        Action::UpdateWorkGroup(athena::UpdateWorkGroup {
            work_group: "analytics".into(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: None,
        }),
        "InvalidRequestException",
    )
    .await;
    h.ok(
        HOME,
        Action::UpdateWorkGroup(athena::UpdateWorkGroup {
            work_group: "primary".into(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: Some("SSE_S3".into()),
        }),
    )
    .await;
    let discovery = Action::UpdateAutomatedDiscoveryConfiguration(
        macie::UpdateAutomatedDiscoveryConfiguration {
            status: "ENABLED".into(),
        },
    );
    h.code(HOME, discovery.clone(), "AccessDeniedException")
        .await;
    let scope = Action::UpdateClassificationScope(macie::UpdateClassificationScope {
        exclude_bucket_names: vec!["cloudtrail-logs-123456789012".into()],
    });
    h.code(HOME, scope.clone(), "AccessDeniedException").await;
    let macie = Action::EnableMacie(macie::EnableMacie {
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
    });
    h.ok(HOME, macie.clone()).await;
    h.code(HOME, macie, "ConflictException").await;
    h.ok(HOME, discovery).await;
    h.ok(HOME, scope).await;
    h.code(
        HOME,
        Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
            setting_id: "/ssm/not/a/setting".into(),
            setting_value: "x".into(),
        }),
        "ServiceSettingNotFound",
    )
    .await;
    h.ok(
        HOME,
        Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
            setting_id: "/ssm/documents/console/public-sharing-permission".into(),
            setting_value: "Disable".into(),
        }),
    )
    .await;
    h.code(
        HOME,
        Action::EnableInspector(inspector::EnableInspector {
            resource_types: vec!["LAMBDA_CODE".into()],
        }),
        "ValidationException",
    )
    .await;
}

// ---- CloudTrail ------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn trail_needs_its_bucket_and_its_policy() {
    let mut h = H::fresh();
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "S3BucketDoesNotExistException",
    )
    .await;
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    let e = h
        .code(
            HOME,
            create_trail(TRAIL, LOG_BUCKET, "", false),
            "InsufficientS3BucketPolicyException",
        )
        .await;
    assert_eq!(
        e.message,
        format!("Incorrect S3 bucket policy is detected for bucket: {LOG_BUCKET}")
    );
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    h.ok(HOME, create_trail(TRAIL, LOG_BUCKET, "", false)).await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "TrailAlreadyExistsException",
    )
    .await;
    // A multi-region trail's name is taken in every region.
    h.code(
        "eu-west-1",
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "TrailAlreadyExistsException",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn trail_key_must_let_cloudtrail_encrypt() {
    let mut h = H::fresh();
    trail_dependencies(&mut h).await;
    let weak = h
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, &weak, false),
        "InsufficientEncryptionPolicyException",
    )
    .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "alias/nope", false),
        "KmsKeyNotFoundException",
    )
    .await;
    // The key policy names the trail `cloudtrail`: another trail may not use it.
    h.code(
        HOME,
        create_trail("other", LOG_BUCKET, "alias/trail_encrypt_key", false),
        "InsufficientEncryptionPolicyException",
    )
    .await;
    h.ok(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "alias/trail_encrypt_key", true),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn trail_cloudwatch_logs_needs_group_and_role() {
    let mut h = H::fresh();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", true),
        "InvalidCloudWatchLogsLogGroupArnException",
    )
    .await;
    h.ok(
        HOME,
        Action::CreateLogGroup(logs::CreateLogGroup {
            tags: Default::default(),
            log_group_name: GROUP.into(),
        }),
    )
    .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", true),
        "InvalidCloudWatchLogsRoleArnException",
    )
    .await;
    h.ok(
        GLOBAL,
        Action::CreateRole(iam::CreateRole {
            tags: Default::default(),
            role_name: CW_ROLE.into(),
            assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
        }),
    )
    .await;
    // The role exists but may not write to the group yet.
    let e = h
        .code(
            HOME,
            create_trail(TRAIL, LOG_BUCKET, "", true),
            "InvalidCloudWatchLogsLogGroupArnException",
        )
        .await;
    assert!(e.message.starts_with("Access denied"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn trail_operations_need_the_trail_in_its_home_region() {
    let mut h = H::fresh();
    let key = trail_dependencies(&mut h).await;
    for action in [
        Action::StartLogging(cloudtrail::StartLogging { name: TRAIL.into() }),
        Action::PutEventSelectors(cloudtrail::PutEventSelectors {
            trail_name: TRAIL.into(),
            read_write_type: "All".into(),
            include_management_events: true,
        }),
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: TRAIL.into(),
            s3_bucket_name: LOG_BUCKET.into(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            enable_log_file_validation: true,
            kms_key_id: Some(key.clone()),
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
    ] {
        h.code(HOME, action, "TrailNotFoundException").await;
    }
    h.ok(HOME, create_trail(TRAIL, LOG_BUCKET, &key, true))
        .await;
    h.ok(
        HOME,
        Action::StartLogging(cloudtrail::StartLogging { name: TRAIL.into() }),
    )
    .await;
    h.code(
        "eu-west-1",
        Action::StartLogging(cloudtrail::StartLogging { name: TRAIL.into() }),
        "InvalidHomeRegionException",
    )
    .await;
    let trail = h.services(HOME).trails.known().unwrap()[0].clone();
    assert!(trail.is_logging && trail.is_multi_region_trail);
}

#[tokio::test(start_paused = true)]
async fn lived_in_trail_is_adopted_by_update() {
    let mut h = H::lived_in();
    h.ok(
        HOME,
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: "management-events".into(),
            s3_bucket_name: LIVED_IN_TRAIL_BUCKET.into(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            enable_log_file_validation: true,
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
    )
    .await;
    h.code(
        HOME,
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: "management-events".into(),
            s3_bucket_name: LIVED_IN_TRAIL_BUCKET.into(),
            is_multi_region_trail: true,
            include_global_service_events: false,
            enable_log_file_validation: true,
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
        "InvalidParameterCombinationException",
    )
    .await;
}

// ---- Access Analyzer ---------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn access_analyzer_errors() {
    let mut h = H::fresh();
    let rule = |filter: &[(&str, &str)]| {
        Action::CreateArchiveRule(accessanalyzer::CreateArchiveRule {
            analyzer_name: "a".into(),
            rule_name: "r".into(),
            filter: filter
                .iter()
                .map(|(k, v)| (k.to_string(), Criterion::eq(vec![v.to_string()])))
                .collect(),
        })
    };
    h.code(
        HOME,
        rule(&[("principal.AWS", "111122223333")]),
        "ResourceNotFoundException",
    )
    .await;
    let analyzer = Action::CreateAnalyzer(accessanalyzer::CreateAnalyzer {
        analyzer_name: "a".into(),
        r#type: "ACCOUNT".into(),
    });
    h.ok(HOME, analyzer.clone()).await;
    h.code(HOME, analyzer, "ConflictException").await;
    h.ok(HOME, rule(&[("principal.AWS", "111122223333")])).await;
    h.code(
        HOME,
        rule(&[("principal.AWS", "111122223333")]),
        "ConflictException",
    )
    .await;
    h.code(
        HOME,
        Action::UpdateArchiveRule(accessanalyzer::UpdateArchiveRule {
            analyzer_name: "a".into(),
            rule_name: "missing".into(),
            filter: BTreeMap::from([("principal.AWS".into(), Criterion::eq(vec!["1".into()]))]),
        }),
        "ResourceNotFoundException",
    )
    .await;
    // AWS's Criterion: at most 20 values, and at least one condition.
    let with = |c: Criterion| {
        Action::UpdateArchiveRule(accessanalyzer::UpdateArchiveRule {
            analyzer_name: "a".into(),
            rule_name: "r".into(),
            filter: BTreeMap::from([("principal.AWS".into(), c)]),
        })
    };
    let many: Vec<String> = (0..21).map(|i| format!("{:012}", i)).collect();
    h.code(HOME, with(Criterion::eq(many)), "ValidationException")
        .await;
    h.code(HOME, with(Criterion::default()), "ValidationException")
        .await;
    h.ok(
        HOME,
        with(Criterion {
            neq: Some(vec!["111122223333".into()]),
            exists: Some(true),
            ..Criterion::default()
        }),
    )
    .await;
}

// ---- EC2 -------------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn default_vpc_deletion_in_aws_order() {
    let mut h = H::fresh();
    let region = "eu-west-3";
    let v = default_vpc(&h, region);
    let igw = v.internet_gateways[0].clone();
    let delete_vpc = Action::DeleteVpc(ec2::DeleteVpc {
        vpc_id: v.vpc_id.clone(),
    });
    h.code(region, delete_vpc.clone(), "DependencyViolation")
        .await;
    h.code(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw.clone(),
        }),
        "DependencyViolation",
    )
    .await;
    let detach = Action::DetachInternetGateway(ec2::DetachInternetGateway {
        internet_gateway_id: igw.clone(),
        vpc_id: v.vpc_id.clone(),
    });
    h.ok(region, detach.clone()).await;
    h.code(region, detach, "Gateway.NotAttached").await;
    h.ok(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw.clone(),
        }),
    )
    .await;
    h.code(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw,
        }),
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    // Subnets still block the VPC.
    h.code(region, delete_vpc.clone(), "DependencyViolation")
        .await;
    for s in &v.subnets {
        h.ok(
            region,
            Action::DeleteSubnet(ec2::DeleteSubnet {
                subnet_id: s.subnet_id.clone(),
            }),
        )
        .await;
    }
    h.ok(region, delete_vpc.clone()).await;
    assert!(h.services(region).vpcs.known().unwrap().is_empty());
    h.code(region, delete_vpc, "InvalidVpcID.NotFound").await;
    h.code(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet {
            subnet_id: v.subnets[0].subnet_id.clone(),
        }),
        "InvalidSubnetID.NotFound",
    )
    .await;
    h.code(
        region,
        Action::DetachInternetGateway(ec2::DetachInternetGateway {
            internet_gateway_id: "igw-0123456789abcdef0".into(),
            vpc_id: v.vpc_id.clone(),
        }),
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    // The snapshot shows the region without a VPC; other regions are untouched.
    assert_eq!(default_vpc(&h, "eu-west-2").subnets.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_default_vpc_with_interfaces_never_disappears() {
    let mut h = H::lived_in();
    let before = h.sim.account();
    for region in ["us-east-1", "eu-west-1", "ap-northeast-1"] {
        let v = default_vpc(&h, region);
        h.code(
            region,
            Action::DetachInternetGateway(ec2::DetachInternetGateway {
                internet_gateway_id: v.internet_gateways[0].clone(),
                vpc_id: v.vpc_id.clone(),
            }),
            "DependencyViolation",
        )
        .await;
        // The subnets that hold an interface (EC2 lets their siblings go).
        for s in v.subnets.iter().filter(|s| {
            v.network_interfaces
                .iter()
                .any(|e| e.subnet_id.as_deref().is_none_or(|id| id == s.subnet_id))
        }) {
            h.code(
                region,
                Action::DeleteSubnet(ec2::DeleteSubnet {
                    subnet_id: s.subnet_id.clone(),
                }),
                "DependencyViolation",
            )
            .await;
        }
        h.code(
            region,
            Action::DeleteVpc(ec2::DeleteVpc {
                vpc_id: v.vpc_id.clone(),
            }),
            "DependencyViolation",
        )
        .await;
    }
    // The non-default VPC is just as protected.
    let app = h.services(HOME).vpcs.known().unwrap()[1].clone();
    assert!(!app.is_default);
    h.code(
        HOME,
        Action::DeleteVpc(ec2::DeleteVpc {
            vpc_id: app.vpc_id.clone(),
        }),
        "DependencyViolation",
    )
    .await;
    assert_eq!(h.sim.account(), before);
}

#[tokio::test(start_paused = true)]
async fn non_default_security_group_blocks_vpc_deletion() {
    let mut s = Simulator::scenario("fresh").unwrap().account();
    let region = "sa-east-1";
    {
        let vpcs = s
            .regions
            .get_mut(region)
            .unwrap()
            .services
            .vpcs
            .known_mut()
            .unwrap();
        let v = &mut vpcs[0];
        v.subnets.clear();
        v.internet_gateways.clear();
        for acl in &mut v.network_acls {
            acl.associated_subnets.clear();
        }
        v.security_groups
            .push(secure_account_core::snapshot::SecurityGroup {
                group_id: "sg-0aaaaaaaaaaaaaaaa".into(),
                group_name: "web".into(),
                ingress: vec![],
                egress: vec![],
            });
    }
    let vpc_id = s.regions[region].services.vpcs.known().unwrap()[0]
        .vpc_id
        .clone();
    let mut h = H::new(Simulator::from_snapshot(s));
    h.code(
        region,
        Action::DeleteVpc(ec2::DeleteVpc {
            vpc_id: vpc_id.clone(),
        }),
        "DependencyViolation",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn ec2_settings() {
    let mut h = H::fresh();
    h.ok(
        HOME,
        Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
    )
    .await;
    h.ok(
        HOME,
        Action::EnableSnapshotBlockPublicAccess(ec2::EnableSnapshotBlockPublicAccess {
            state: "block-all-sharing".into(),
        }),
    )
    .await;
    h.code(
        HOME,
        Action::EnableSnapshotBlockPublicAccess(ec2::EnableSnapshotBlockPublicAccess {
            state: "unblocked".into(),
        }),
        "InvalidParameterValue",
    )
    .await;
    let services = h.services(HOME);
    assert!(services.ebs.known().unwrap().encryption_by_default);
    let block = services.snapshot_block_public_access.known().unwrap();
    assert_eq!(block.state, "block-all-sharing");
}

// ---- Faults ------------------------------------------------------------------------------

/// A fixed sequence of writes, each retried until it succeeds (at most 20 attempts).
async fn workload(sim: Simulator) -> Simulator {
    let mut h = H::new(sim);
    let actions: Vec<(&str, Action)> = vec![
        (HOME, enable_hub()),
        ("eu-west-1", enable_hub()),
        (HOME, create_detector(vec![feature("S3_DATA_EVENTS")])),
        (GLOBAL, slr_config()),
        (HOME, create_bucket(LOG_BUCKET)),
        (
            HOME,
            put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
        ),
        (HOME, put_recorder("default")),
        (HOME, put_channel(LOG_BUCKET)),
        (HOME, create_trail(TRAIL, LOG_BUCKET, "", false)),
        (
            HOME,
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
        ),
    ];
    for (region, action) in actions {
        for _ in 0..20 {
            if h.run(region, action.clone()).await.is_ok() {
                break;
            }
        }
    }
    h.sim
}

#[tokio::test(start_paused = true)]
async fn same_seed_same_write_log() {
    let plan = |seed| FaultPlan {
        write_throttle_probability: 0.4,
        consistency_lag: 2,
        ..FaultPlan::seeded(seed)
    };
    let a = workload(Simulator::scenario("fresh").unwrap().with_faults(plan(7))).await;
    let b = workload(Simulator::scenario("fresh").unwrap().with_faults(plan(7))).await;
    let c = workload(Simulator::scenario("fresh").unwrap().with_faults(plan(8))).await;
    assert_eq!(a.write_log(), b.write_log());
    assert_ne!(a.write_log(), c.write_log());
    assert!(
        a.write_log()
            .iter()
            .any(|r| r.outcome == Err("TooManyRequestsException".into()))
    );
    // Every run converges to the same account.
    assert_eq!(a.account(), c.account());
    assert_eq!(a.calls().write, a.write_log().len() as u64);
}

#[tokio::test(start_paused = true)]
async fn throttling_is_bounded() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            write_throttle_probability: 1.0,
            max_throttles: 3,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    for expected in [
        "RequestLimitExceeded",
        "RequestLimitExceeded",
        "RequestLimitExceeded",
    ] {
        h.code(
            HOME,
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
            expected,
        )
        .await;
    }
    h.ok(
        HOME,
        Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
    )
    .await;
    h.ok(GLOBAL, slr_config()).await;
}

#[tokio::test(start_paused = true)]
async fn throttling_uses_the_services_codes() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            write_throttle_probability: 1.0,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    h.code(GLOBAL, slr_config(), "Throttling").await;
    h.code(HOME, create_bucket(LOG_BUCKET), "SlowDown").await;
    h.code(
        HOME,
        create_key(root_only_key_policy()),
        "ThrottlingException",
    )
    .await;
    h.code(HOME, enable_hub(), "TooManyRequestsException").await;
}

#[tokio::test(start_paused = true)]
async fn eventual_consistency_fails_dependent_calls_n_times() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            consistency_lag: 2,
            ..FaultPlan::seeded(3)
        });
    let mut h = H::new(sim);
    h.ok(GLOBAL, slr_config()).await;
    for _ in 0..2 {
        h.code(HOME, put_recorder("default"), "InvalidRoleException")
            .await;
    }
    h.ok(HOME, put_recorder("default")).await;
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    // Config's own code for a bucket it cannot see yet.
    h.code(HOME, put_channel(LOG_BUCKET), "NoSuchBucketException")
        .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "InsufficientS3BucketPolicyException",
    )
    .await;
    h.ok(HOME, put_channel(LOG_BUCKET)).await;
    h.ok(HOME, create_trail(TRAIL, LOG_BUCKET, "", false)).await;
    let key = h.ok(HOME, create_key(trail_key_policy())).await.unwrap();
    for _ in 0..2 {
        h.code(
            HOME,
            create_trail("cloudtrail", LOG_BUCKET, &key, false),
            "InsufficientEncryptionPolicyException",
        )
        .await;
    }
    // The propagation timers are part of the saved state.
    h.ok(HOME, create_bucket(ACCESS_BUCKET)).await;
    let saved = h.sim.to_state_json();
    assert!(saved.contains("\"propagating\""), "{saved}");
    let mut h2 = H::new(Simulator::from_state_json(&saved).unwrap());
    h2.code(
        HOME,
        Action::PutBucketLogging(s3::PutBucketLogging {
            bucket: ACCESS_BUCKET.into(),
            target_bucket: LOG_BUCKET.into(),
            target_prefix: "x/".into(),
        }),
        "NoSuchBucket",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn access_denied_names_the_iam_action() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            deny_actions: ["create_detector".to_string(), "delete_vpc".to_string()].into(),
            deny_reads: [
                "guardduty".to_string(),
                "global/users".to_string(),
                format!("{HOME}/snapshot_block_public_access"),
            ]
            .into(),
            ..FaultPlan::default()
        });
    let mut h = H::new(sim);
    let e = h
        .code(HOME, create_detector(vec![]), "AccessDeniedException")
        .await;
    assert!(
        e.message.starts_with(
            "User: arn:aws:iam::123456789012:user/op is not authorized to perform: \
             guardduty:CreateDetector"
        ),
        "{e}"
    );
    let v = default_vpc(&h, HOME);
    let e = h
        .code(
            HOME,
            Action::DeleteVpc(ec2::DeleteVpc { vpc_id: v.vpc_id }),
            "UnauthorizedOperation",
        )
        .await;
    assert!(e.message.contains("ec2:DeleteVpc"), "{e}");
    let snap = secure_account_engine::read_snapshot(
        &h.sim,
        secure_account_engine::DEFAULT_READ_CONCURRENCY,
    )
    .await
    .unwrap();
    let e = snap.regions[HOME].services.guardduty.read_error().unwrap();
    assert_eq!(e.code, "AccessDeniedException");
    assert!(e.message.contains("guardduty:ListDetectors"), "{e}");
    // Denied in one region, the snapshot block public access state alone is unread there.
    let services = &snap.regions[HOME].services;
    let e = services.snapshot_block_public_access.read_error().unwrap();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert!(
        e.message.contains("ec2:GetSnapshotBlockPublicAccessState"),
        "{e}"
    );
    assert!(services.ebs.known().is_some());
    assert!(
        snap.regions["eu-west-1"]
            .services
            .snapshot_block_public_access
            .known()
            .is_some()
    );
    assert!(
        snap.global
            .users
            .read_error()
            .unwrap()
            .message
            .contains("iam:ListUsers")
    );
    assert!(snap.global.roles.known().is_some());
    assert!(snap.regions[HOME].services.config.known().is_some());
}

#[tokio::test(start_paused = true)]
async fn throttled_reads_retry_then_become_unreadable() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            read_throttle_probability: 1.0,
            max_throttles: 5,
            ..FaultPlan::seeded(5)
        });
    // The preamble's first call (sts:GetCallerIdentity) fails its three attempts: nothing
    // can be read.
    let snap =
        secure_account_engine::read_snapshot(&sim, secure_account_engine::DEFAULT_READ_CONCURRENCY)
            .await
            .unwrap_err();
    assert!(
        matches!(snap, PortError::Aws(ref e) if e.code == "Throttling"),
        "{snap:?}"
    );
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            read_throttle_probability: 0.5,
            max_throttles: 1000,
            ..FaultPlan::seeded(5)
        });
    let snap = loop {
        if let Ok(s) = secure_account_engine::read_snapshot(
            &sim,
            secure_account_engine::DEFAULT_READ_CONCURRENCY,
        )
        .await
        {
            break s;
        }
    };
    let unreadable = snap
        .enabled_regions()
        .filter(|(_, r)| r.services.vpcs.read_error().is_some())
        .count();
    assert!(unreadable > 0);
    let e = snap
        .enabled_regions()
        .find_map(|(_, r)| r.services.vpcs.read_error())
        .unwrap();
    assert_eq!(e.code, "RequestLimitExceeded");
}

#[tokio::test(start_paused = true)]
async fn crash_stops_every_later_call_and_keeps_the_state() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            crash_after_writes: Some(2),
            ..FaultPlan::default()
        });
    let mut h = H::new(sim);
    h.ok(HOME, enable_hub()).await;
    h.ok("eu-west-1", enable_hub()).await;
    let r = h.run("eu-west-2", enable_hub()).await;
    assert_eq!(r.unwrap_err(), PortError::Crashed);
    assert_eq!(
        secure_account_engine::read_snapshot(
            &h.sim,
            secure_account_engine::DEFAULT_READ_CONCURRENCY
        )
        .await
        .unwrap_err(),
        PortError::Crashed
    );
    assert_eq!(h.sim.write_log().len(), 2);
    assert_eq!(h.sim.calls().write, 2);
    // The state so far is kept; a new process continues from it.
    let mut again = H::new(Simulator::from_state_json(&h.sim.to_state_json()).unwrap());
    again
        .code(HOME, enable_hub(), "ResourceConflictException")
        .await;
    again.ok("eu-west-2", enable_hub()).await;
    let hubs = again
        .sim
        .account()
        .enabled_regions()
        .filter(|(_, r)| r.services.security_hub.known().unwrap().is_some())
        .count();
    assert_eq!(hubs, 3);
}

// ---- Calls and latency -------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn read_snapshot_counts_realistic_read_calls() {
    let sim = Simulator::scenario("fresh").unwrap();
    let snap =
        secure_account_engine::read_snapshot(&sim, secure_account_engine::DEFAULT_READ_CONCURRENCY)
            .await
            .unwrap();
    assert_eq!(snap, sim.account());
    let reads = sim.calls().read;
    assert_eq!(reads, read_calls(&sim.account()));
    // 2 preamble + 7 global parts (3 for root) + 17 regions with 15 parts (3 config, 2 kms,
    // 2 ebs, 9 vpcs, 2 athena: one workgroup, 3 ssm).
    assert_eq!(reads, 2 + 9 + 17 * (15 + 2 + 1 + 1 + 8 + 1 + 2));
    assert_eq!(sim.calls().write, 0);
    let lived = Simulator::scenario("lived-in").unwrap();
    secure_account_engine::read_snapshot(&lived, secure_account_engine::DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    assert!(lived.calls().read > reads);
}

#[tokio::test(start_paused = true)]
async fn a_call_takes_its_modelled_latency_on_virtual_time() {
    let model = LatencyModel::aws_like();
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(model.clone());
    let mut h = H::new(sim);
    let t0 = h.sim.elapsed();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    assert_eq!(h.sim.elapsed() - t0, Duration::from_millis(300));
    let t1 = h.sim.elapsed();
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "InsufficientS3BucketPolicyException",
    )
    .await;
    assert_eq!(
        h.sim.elapsed() - t1,
        model.latency(&create_trail(TRAIL, LOG_BUCKET, "", false))
    );
    assert_eq!(h.sim.elapsed() - t1, Duration::from_millis(800));
    // A refused call answers fast.
    let t2 = h.sim.elapsed();
    h.code("af-south-1", enable_hub(), "UnrecognizedClientException")
        .await;
    assert_eq!(h.sim.elapsed() - t2, Duration::from_millis(50));
    // Reads take their longest chain: the preamble (sts 50 + ec2 120) and 9 EC2 describes.
    let t3 = h.sim.elapsed();
    secure_account_engine::read_snapshot(&h.sim, secure_account_engine::DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    assert_eq!(h.sim.elapsed() - t3, Duration::from_millis(170 + 9 * 120));
    // sleep() is virtual too.
    let t4 = h.sim.elapsed();
    h.sim.sleep(Duration::from_secs(3600)).await;
    assert_eq!(h.sim.elapsed() - t4, Duration::from_secs(3600));
}

#[tokio::test(start_paused = true)]
async fn rate_limits_queue_concurrent_calls() {
    let mut model = LatencyModel::zero();
    model
        .writes
        .insert("delete_subnet".into(), Duration::from_millis(100));
    model.rate_limits.insert(
        "ec2".into(),
        RateLimit {
            per_second: 2.0,
            burst: 2,
        },
    );
    let sim = Simulator::scenario("fresh").unwrap().with_latency(model);
    let subnets = sim.account().regions[HOME].services.vpcs.known().unwrap()[0]
        .subnets
        .clone();
    let outputs = Outputs::default();
    let actions: Vec<Action> = subnets
        .iter()
        .take(4)
        .map(|s| {
            Action::DeleteSubnet(ec2::DeleteSubnet {
                subnet_id: s.subnet_id.clone(),
            })
        })
        .collect();
    let calls = actions.iter().enumerate().map(|(i, a)| {
        let sim = &sim;
        let outputs = &outputs;
        async move {
            sim.execute(&HOME.into(), &format!("d{i}"), a, outputs)
                .await
                .unwrap();
            sim.elapsed()
        }
    });
    let done: Vec<Duration> = futures::future::join_all(calls).await;
    let ms: Vec<u128> = done.iter().map(Duration::as_millis).collect();
    // Two go at once, then one every 500 ms.
    assert_eq!(ms, vec![100, 100, 600, 1100]);
    // Another region has its own bucket.
    let t = sim.elapsed();
    let eu_subnet = sim.account().regions["eu-west-1"]
        .services
        .vpcs
        .known()
        .unwrap()[0]
        .subnets[0]
        .subnet_id
        .clone();
    sim.execute(
        &"eu-west-1".into(),
        "eu",
        &Action::DeleteSubnet(ec2::DeleteSubnet {
            subnet_id: eu_subnet,
        }),
        &outputs,
    )
    .await
    .unwrap();
    assert_eq!(sim.elapsed() - t, Duration::from_millis(100));
}

#[test]
fn every_action_has_a_latency_and_an_iam_action() {
    let model = LatencyModel::aws_like();
    assert_eq!(model.writes.len(), 51, "one latency per action");
    for action in sample_actions() {
        let name = action.name();
        assert!(model.writes.contains_key(name), "{name} has no latency");
        let iam = action.kind().iam_action();
        let (prefix, op) = iam.split_once(':').unwrap();
        assert!(
            !prefix.is_empty() && op.chars().next().unwrap().is_ascii_uppercase(),
            "{iam}"
        );
        assert!(model.rate_limits.contains_key(action.service()), "{name}");
    }
    assert_eq!(sample_actions().len(), 51);
}

/// One action of every kind.
fn sample_actions() -> Vec<Action> {
    let s = || "x".to_string();
    let key = || KeyRef::Existing(s());
    vec![
        enable_hub(),
        Action::UpdateSecurityHubConfiguration(securityhub::UpdateSecurityHubConfiguration {
            auto_enable_controls: false,
            control_finding_generator: s(),
        }),
        Action::BatchEnableStandards(securityhub::BatchEnableStandards { standards_arn: s() }),
        Action::BatchUpdateStandardsControlAssociations(
            securityhub::BatchUpdateStandardsControlAssociations {
                standards_arn: s(),
                updates: vec![],
            },
        ),
        Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
            region_linking_mode: s(),
        }),
        create_detector(vec![]),
        Action::UpdateDetector(guardduty::UpdateDetector {
            detector_id: s(),
            enable: true,
            finding_publishing_frequency: s(),
            features: vec![],
        }),
        slr_config(),
        Action::CreateRole(iam::CreateRole {
            tags: Default::default(),
            role_name: s(),
            assume_role_policy_document: s(),
        }),
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: s(),
            policy_document: s(),
        }),
        Action::PutRolePolicy(iam::PutRolePolicy {
            role_name: s(),
            policy_name: s(),
            policy_document: s(),
        }),
        Action::UpdateAccountPasswordPolicy(iam::UpdateAccountPasswordPolicy(PasswordPolicy {
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: false,
        })),
        put_recorder("x"),
        put_channel("x"),
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder { name: s() }),
        create_bucket("x"),
        Action::PutPublicAccessBlock(s3::PutPublicAccessBlock {
            bucket: s(),
            configuration: PublicAccessBlock::ALL,
        }),
        Action::PutAccountPublicAccessBlock(s3control::PutAccountPublicAccessBlock {
            configuration: PublicAccessBlock::ALL,
        }),
        Action::PutBucketOwnershipControls(s3::PutBucketOwnershipControls {
            bucket: s(),
            object_ownership: s(),
        }),
        Action::PutBucketEncryption(s3::PutBucketEncryption {
            bucket: s(),
            sse_algorithm: s(),
            kms_master_key_id: None,
        }),
        Action::PutBucketVersioning(s3::PutBucketVersioning {
            bucket: s(),
            status: VersioningStatus::Enabled,
        }),
        put_policy("x", s()),
        Action::PutBucketLifecycleConfiguration(s3::PutBucketLifecycleConfiguration {
            bucket: s(),
            rules: BTreeMap::new(),
        }),
        Action::PutBucketLogging(s3::PutBucketLogging {
            bucket: s(),
            target_bucket: s(),
            target_prefix: s(),
        }),
        create_key(s()),
        Action::CreateAlias(kms::CreateAlias {
            alias_name: s(),
            target_key: key(),
        }),
        Action::PutKeyPolicy(kms::PutKeyPolicy {
            key: key(),
            policy: s(),
        }),
        Action::EnableKeyRotation(kms::EnableKeyRotation { key: key() }),
        Action::CreateLogGroup(logs::CreateLogGroup {
            tags: Default::default(),
            log_group_name: s(),
        }),
        Action::PutRetentionPolicy(logs::PutRetentionPolicy {
            log_group_name: s(),
            retention_in_days: 1,
        }),
        create_trail("x", "x", "", false),
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: s(),
            s3_bucket_name: s(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            enable_log_file_validation: true,
            kms_key_id: Some(s()),
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
        Action::PutEventSelectors(cloudtrail::PutEventSelectors {
            trail_name: s(),
            read_write_type: s(),
            include_management_events: true,
        }),
        Action::StartLogging(cloudtrail::StartLogging { name: s() }),
        Action::CreateAnalyzer(accessanalyzer::CreateAnalyzer {
            analyzer_name: s(),
            r#type: s(),
        }),
        Action::CreateArchiveRule(accessanalyzer::CreateArchiveRule {
            analyzer_name: s(),
            rule_name: s(),
            filter: BTreeMap::new(),
        }),
        Action::UpdateArchiveRule(accessanalyzer::UpdateArchiveRule {
            analyzer_name: s(),
            rule_name: s(),
            filter: BTreeMap::new(),
        }),
        Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
        Action::EnableSnapshotBlockPublicAccess(ec2::EnableSnapshotBlockPublicAccess {
            state: s(),
        }),
        Action::ModifyVpcBlockPublicAccessOptions(ec2::ModifyVpcBlockPublicAccessOptions {
            internet_gateway_block_mode: InternetGatewayBlockMode::BlockIngress,
        }),
        Action::DetachInternetGateway(ec2::DetachInternetGateway {
            internet_gateway_id: s(),
            vpc_id: s(),
        }),
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: s(),
        }),
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: s() }),
        Action::DeleteVpc(ec2::DeleteVpc { vpc_id: s() }),
        Action::UpdateWorkGroup(athena::UpdateWorkGroup {
            work_group: s(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: None,
        }),
        Action::PutAlternateContact(account::PutAlternateContact {
            alternate_contact_type: s(),
            name: s(),
            title: s(),
            email_address: s(),
            phone_number: s(),
        }),
        Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
            setting_id: s(),
            setting_value: s(),
        }),
        Action::EnableInspector(inspector::EnableInspector {
            resource_types: vec![],
        }),
        Action::EnableMacie(macie::EnableMacie {
            finding_publishing_frequency: s(),
        }),
        Action::UpdateAutomatedDiscoveryConfiguration(
            macie::UpdateAutomatedDiscoveryConfiguration { status: s() },
        ),
        Action::UpdateClassificationScope(macie::UpdateClassificationScope {
            exclude_bucket_names: vec![s()],
        }),
    ]
}

#[test]
fn snapshot_type_is_the_core_one() {
    // The simulator's account is a plain core snapshot: JSON of it reads back as one.
    let a = Simulator::scenario("lived-in").unwrap().account();
    let text = serde_json::to_string(&a).unwrap();
    let back: Snapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(back, a);
}

/// Issue 8, item 3: with the log bucket's public access block denied, neither the trail
/// nor any Config delivery channel is created against that bucket: they wait for the block
/// and the policy, and do not run.
#[tokio::test(start_paused = true)]
async fn logs_never_go_to_a_log_bucket_whose_block_failed() {
    use secure_account_core::planner::MANAGED_TAG;
    let mut account = Simulator::scenario("fresh").unwrap().account();
    let log = "cloudtrail-logs-123456789012";
    let mut own = s3::new_bucket(log, HOME);
    own.tags = [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into();
    own.public_access_block = None;
    account.global.buckets.known_mut().unwrap().push(own);
    let sim = Simulator::from_snapshot(account).with_faults(FaultPlan {
        deny_actions: ["put_public_access_block".to_string()].into(),
        ..FaultPlan::default()
    });
    let (_, report) = secure_account_engine::flow::converge(
        &sim,
        &secure_account_core::Baseline::fsbp(),
        &secure_account_engine::ApplyOptions::default(),
    )
    .await
    .unwrap();
    let mut gated = 0;
    for r in &report.results {
        if matches!(
            r.action.as_deref(),
            Some("create_trail" | "put_delivery_channel")
        ) {
            assert_eq!(
                r.status,
                secure_account_engine::ActionStatus::NotRun,
                "{r:?}"
            );
            gated += 1;
        }
    }
    assert!(gated > 2, "{:#?}", report.results);
    let after = sim.account();
    for (name, region) in after.enabled_regions() {
        let s = &region.services;
        assert!(s.trails.known().unwrap().is_empty(), "{name}");
        assert!(
            s.config.known().unwrap().delivery_channels.is_empty(),
            "{name}"
        );
    }
}

/// S3's CreateBucket: outside us-east-1 the location constraint must name the region; in
/// us-east-1 there must be none (S3 API reference, CreateBucketConfiguration).
#[tokio::test(start_paused = true)]
async fn create_bucket_needs_the_location_constraint_of_its_region() {
    let mut h = H::new(Simulator::scenario("fresh").unwrap());
    let with = |name: &str, constraint: Option<&str>| {
        Action::CreateBucket(s3::CreateBucket {
            bucket: name.into(),
            location_constraint: constraint.map(str::to_string),
            tags: Default::default(),
        })
    };
    h.code(
        "eu-west-1",
        with("b-1", None),
        "IllegalLocationConstraintException",
    )
    .await;
    h.code(
        "eu-west-1",
        with("b-1", Some("eu-west-2")),
        "IllegalLocationConstraintException",
    )
    .await;
    h.code(
        "us-east-1",
        with("b-2", Some("us-east-1")),
        "InvalidLocationConstraint",
    )
    .await;
    h.ok("eu-west-1", with("b-1", Some("eu-west-1"))).await;
    h.ok("us-east-1", with("b-2", None)).await;
    assert_eq!(h.sim.account().bucket("b-1").unwrap().region, "eu-west-1");
}

/// EC2 refuses `DeleteSubnet` only for the subnet that holds a network interface, not its
/// siblings (research note, "EC2 and VPC"); an interface whose subnet is unknown blocks
/// every subnet of its VPC.
#[tokio::test(start_paused = true)]
async fn delete_subnet_is_refused_only_where_an_interface_is() {
    let region = "eu-west-3";
    let mut account = Simulator::scenario("fresh").unwrap().account();
    let vpc = account
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap()
        .iter_mut()
        .find(|v| v.is_default)
        .unwrap();
    let busy = vpc.subnets[0].subnet_id.clone();
    let free = vpc.subnets[1].subnet_id.clone();
    vpc.network_interfaces
        .push(secure_account_core::snapshot::NetworkInterface {
            network_interface_id: "eni-1".into(),
            description: "Primary network interface".into(),
            subnet_id: Some(busy.clone()),
        });
    let mut h = H::new(Simulator::from_snapshot(account.clone()));
    h.code(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: busy }),
        "DependencyViolation",
    )
    .await;
    h.ok(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: free }),
    )
    .await;
    // Where the interface is not known, every subnet of its VPC is refused.
    let vpc = account
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap()
        .iter_mut()
        .find(|v| v.is_default)
        .unwrap();
    vpc.network_interfaces[0].subnet_id = None;
    let last = vpc.subnets[2].subnet_id.clone();
    let mut h = H::new(Simulator::from_snapshot(account));
    h.code(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: last }),
        "DependencyViolation",
    )
    .await;
}

mod asynchronous;
