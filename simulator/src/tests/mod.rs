//! The simulator's behaviour, a file per concern: AWS's preconditions per service
//! (`preconditions/`), the scenarios, the state JSON, regions, faults, propagation, reads,
//! latency on virtual time and AWS's asynchronous answers. Here: the harness [`H`] and the
//! fixtures they share.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use secure_account_core::action::KeyRef;
use secure_account_core::action::guardduty::DetectorFeature;
use secure_account_core::action::securityhub::ControlAssociationUpdate;
use secure_account_core::action::{
    cloudtrail, config, ec2, guardduty, iam, kms, logs, s3, securityhub,
};
use secure_account_core::catalog::fsbp_standards_arn;
use secure_account_core::snapshot::GLOBAL;
use secure_account_core::snapshot::{
    Criterion, OptInStatus, PasswordPolicy, PublicAccessBlock, RegionServices, VersioningStatus,
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

mod asynchronous;
mod faults;
mod latency;
mod preconditions;
mod propagation;
mod reads;
mod regions;
mod scenarios;
mod second_pass;
mod state;
