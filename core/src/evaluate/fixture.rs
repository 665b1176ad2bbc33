//! Small snapshots and resource builders for the evaluator's tests.
//!
//! [`snapshot`] is a fresh account in two regions with every part readable and empty;
//! [`baselined`] is the same account once the `fsbp` baseline has run. The resource
//! builders return compliant resources (or, for [`default_vpc`], the VPC AWS creates), so
//! a test states only the one thing it changes.

use std::collections::BTreeMap;

use crate::snapshot::ec2::{HttpTokens, InstanceMetadataDefaults};
use crate::snapshot::*;

use super::Scope;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";
pub const OTHER: &str = "eu-west-1";

/// A fresh account: `REGION` and `OTHER` enabled, every read succeeded, nothing set up.
pub fn snapshot() -> Snapshot {
    let enabled = || RegionSnapshot {
        opt_in_status: OptInStatus::OptInNotRequired,
        services: RegionServices::default(),
    };
    Snapshot {
        format_version: SNAPSHOT_FORMAT_VERSION,
        account_id: ACCOUNT.into(),
        global: AccountWide {
            root: Observed::Known(RootUser {
                mfa: MfaKind::None,
                access_keys: 0,
            }),
            ..AccountWide::default()
        },
        regions: BTreeMap::from([
            (REGION.to_string(), enabled()),
            (OTHER.to_string(), enabled()),
            ("af-south-1".to_string(), RegionSnapshot::disabled()),
        ]),
    }
}

pub fn scope(regions: &[&str]) -> Scope {
    Scope {
        home_region: REGION.into(),
        regions: regions.iter().map(|r| r.to_string()).collect(),
    }
}

/// The value of a readable part (panics on an unreadable one: a broken fixture).
pub fn known<T>(observed: &mut Observed<T>) -> &mut T {
    observed.known_mut().expect("fixture part is readable")
}

pub fn unreadable<T>() -> Observed<T> {
    Observed::unreadable("AccessDenied", "not authorized")
}

/// The services of `REGION`.
pub fn services(s: &mut Snapshot) -> &mut RegionServices {
    services_in(s, REGION)
}

pub fn services_in<'a>(s: &'a mut Snapshot, region: &str) -> &'a mut RegionServices {
    &mut s.regions.get_mut(region).expect("fixture region").services
}

pub fn buckets(s: &mut Snapshot) -> &mut Vec<Bucket> {
    known(&mut s.global.buckets)
}

pub fn vpcs(s: &mut Snapshot) -> &mut Vec<Vpc> {
    known(&mut services(s).vpcs)
}

pub fn rule(protocol: &str, ports: Option<(u16, u16)>, source: &str) -> NetworkRule {
    NetworkRule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        source: source.into(),
    }
}

/// The default VPC as AWS creates it: a default security group that admits its own members
/// and allows all egress, a default network ACL that allows everything, a subnet that
/// auto-assigns public IPs, no flow log, no endpoint.
pub fn default_vpc() -> Vpc {
    Vpc {
        vpc_id: "vpc-0abc".into(),
        is_default: true,
        cidr_block: "172.31.0.0/16".into(),
        subnets: vec![Subnet {
            subnet_id: "subnet-1".into(),
            map_public_ip_on_launch: true,
            default_for_az: None,
        }],
        internet_gateways: vec!["igw-1".into()],
        route_tables: vec![RouteTable {
            route_table_id: "rtb-1".into(),
            main: true,
        }],
        network_acls: vec![NetworkAcl {
            network_acl_id: "acl-1".into(),
            is_default: true,
            associated_subnets: vec!["subnet-1".into()],
            ingress_allow: vec![rule("-1", None, "0.0.0.0/0"), rule("-1", None, "::/0")],
        }],
        security_groups: vec![SecurityGroup {
            group_id: "sg-default".into(),
            group_name: "default".into(),
            ingress: vec![rule("-1", None, "sg-default")],
            egress: vec![rule("-1", None, "0.0.0.0/0")],
        }],
        network_interfaces: vec![],
        flow_logs: vec![],
        endpoints: vec![],
    }
}

/// A VPC that passes every VPC control in `REGION`.
pub fn closed_vpc() -> Vpc {
    let mut vpc = default_vpc();
    vpc.vpc_id = "vpc-0closed".into();
    vpc.is_default = false;
    vpc.subnets[0].map_public_ip_on_launch = false;
    vpc.network_acls[0].ingress_allow = vec![rule("6", Some((443, 443)), "0.0.0.0/0")];
    vpc.security_groups[0].ingress.clear();
    vpc.security_groups[0].egress.clear();
    vpc.flow_logs = vec!["fl-1".into()];
    vpc.endpoints = [
        "ec2",
        "ecr.api",
        "ecr.dkr",
        "ssm",
        "ssm-contacts",
        "ssm-incidents",
    ]
    .iter()
    .map(|s| format!("com.amazonaws.{REGION}.{s}"))
    .collect();
    vpc
}

/// A security group with the given inbound rules, in a VPC of its own.
pub fn vpc_with_group(ingress: Vec<NetworkRule>) -> Vpc {
    let mut vpc = closed_vpc();
    vpc.security_groups.push(SecurityGroup {
        group_id: "sg-web".into(),
        group_name: "web".into(),
        ingress,
        egress: vec![rule("-1", None, "0.0.0.0/0")],
    });
    vpc
}

pub fn tls_only_policy(bucket: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]
    })
    .to_string()
}

/// A bucket policy made of the TLS-only statement plus `extra` statements.
pub fn policy_with(bucket: &str, extra: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&tls_only_policy(bucket)).unwrap();
    let statements = doc["Statement"].as_array_mut().unwrap();
    match extra {
        serde_json::Value::Array(items) => statements.extend(items),
        one => statements.push(one),
    }
    doc.to_string()
}

/// A bucket in `REGION` that passes every bucket control.
pub fn bucket(name: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: REGION.into(),
        public_access_block: Some(PublicAccessBlock::ALL),
        object_ownership: Some("BucketOwnerEnforced".into()),
        public_acl: false,
        encryption: Some("aws:kms".into()),
        kms_key_id: Some("key-1".into()),
        versioning: Some(VersioningStatus::Enabled),
        policy: Some(tls_only_policy(name)),
        lifecycle_rules: BTreeMap::from([(
            "expire".to_string(),
            r#"{"ID":"expire","Status":"Enabled","Expiration":{"Days":365}}"#.to_string(),
        )]),
        logging_target: Some("access-logs".into()),
        logging_prefix: Some(format!("{name}/")),
        tags: BTreeMap::new(),
        created_by_this_tool: false,
    }
}

/// A bucket with everything off, as `CreateBucket` with public settings would leave it.
pub fn open_bucket(name: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: REGION.into(),
        object_ownership: Some("ObjectWriter".into()),
        ..Bucket::default()
    }
}

/// A multi-region trail homed in `REGION` that passes every CloudTrail control.
pub fn trail(name: &str) -> Trail {
    Trail {
        name: name.into(),
        home_region: REGION.into(),
        s3_bucket_name: "cloudtrail-logs".into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        log_file_validation_enabled: true,
        kms_key_id: Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k")),
        cloud_watch_logs_log_group_arn: Some(format!(
            "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:trail:*"
        )),
        cloud_watch_logs_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/trail")),
        is_logging: true,
        management_events: Some("All".into()),
        data_events: false,
        insights: false,
    }
}

/// An enabled detector with every feature of the GuardDuty controls on.
pub fn detector() -> Detector {
    let features = [
        "EKS_AUDIT_LOGS",
        "LAMBDA_NETWORK_LOGS",
        "EBS_MALWARE_PROTECTION",
        "RDS_LOGIN_EVENTS",
        "S3_DATA_EVENTS",
        "RUNTIME_MONITORING",
        "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT",
        "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT",
        "RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT",
    ];
    Detector {
        detector_id: "d-1".into(),
        enabled: true,
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
        features: features.iter().map(|f| (f.to_string(), true)).collect(),
    }
}

pub fn recorder() -> ConfigRecorder {
    ConfigRecorder {
        name: "default".into(),
        role_arn: format!(
            "arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        ),
        all_supported: true,
        include_global_resource_types: true,
        resource_types: vec![],
        recording: true,
    }
}

pub fn key_policy(extra: Option<serde_json::Value>) -> String {
    let mut statements = vec![serde_json::json!({
        "Sid": "EnableRoot",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
        "Action": "kms:*",
        "Resource": "*"
    })];
    statements.extend(extra);
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

pub fn kms_key(id: &str) -> KmsKey {
    KmsKey {
        key_id: id.into(),
        arn: format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
        aliases: vec!["alias/trail_encrypt_key".into()],
        key_state: KeyState::Enabled,
        rotation_enabled: true,
        policy: key_policy(None),
        tags: BTreeMap::new(),
        read_error: None,
    }
}

pub fn password_policy() -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        hard_expiry: false,
    }
}

pub fn contact() -> AlternateContact {
    AlternateContact {
        name: "Security".into(),
        title: "Security".into(),
        email_address: "security@example.com".into(),
        phone_number: "+1 555 0100".into(),
    }
}

pub fn workgroup(name: &str, metrics: bool) -> WorkGroup {
    WorkGroup {
        name: name.into(),
        state: "ENABLED".into(),
        publish_cloud_watch_metrics_enabled: metrics,
        output_location: None,
        encryption_option: Some("SSE_S3".into()),
        enforce_work_group_configuration: false,
    }
}

/// Sets up one region as the `fsbp` baseline leaves it (no VPC: the default VPC deleted).
fn baseline_region(services: &mut RegionServices, home: bool) {
    services.guardduty = Observed::Known(Some(detector()));
    services.config = Observed::Known(ConfigService {
        recorders: vec![ConfigRecorder {
            include_global_resource_types: home,
            ..recorder()
        }],
        delivery_channels: vec![DeliveryChannel {
            name: "default".into(),
            s3_bucket_name: "cloudtrail-logs".into(),
            s3_key_prefix: None,
        }],
    });
    if home {
        services.trails = Observed::Known(vec![trail("cloudtrail")]);
        services.kms_keys = Observed::Known(vec![kms_key("k")]);
    }
    services.ebs = Observed::Known(Ebs {
        encryption_by_default: true,
        instance_metadata_defaults: Observed::Known(InstanceMetadataDefaults {
            http_tokens: Some(HttpTokens::Required),
        }),
        ..Ebs::default()
    });
    services.snapshot_block_public_access = Observed::Known(SnapshotBlockPublicAccess {
        state: "block-all-sharing".into(),
    });
    services.vpc_block_public_access = Observed::Known(VpcBlockPublicAccess {
        internet_gateway_block_mode: InternetGatewayBlockMode::BlockIngress,
    });
    services.athena_workgroups = Observed::Known(vec![workgroup("primary", true)]);
    services.ssm = Observed::Known(Ssm {
        public_sharing_blocked: true,
        automation_log_destination: Some("CloudWatch".into()),
        public_documents: vec![],
    });
    services.inspector = Observed::Known(Inspector {
        ec2: true,
        ecr: true,
        lambda: true,
        lambda_code: true,
        ..Inspector::default()
    });
    services.macie = Observed::Known(Macie {
        enabled: true,
        automated_discovery: true,
        ..Macie::default()
    });
}

/// The fresh account once the `fsbp` baseline and every manual task are done.
pub fn baselined() -> Snapshot {
    let mut s = snapshot();
    s.global.password_policy = Observed::Known(Some(password_policy()));
    s.global.root = Observed::Known(RootUser {
        mfa: MfaKind::Hardware,
        access_keys: 0,
    });
    s.global.account_public_access_block = Observed::Known(Some(PublicAccessBlock::ALL));
    s.global.security_contact = Observed::Known(Some(contact()));
    let mut log = bucket("cloudtrail-logs");
    log.logging_target = Some("access-logs".into());
    let mut access = bucket("access-logs");
    access.logging_target = Some("cloudtrail-logs".into());
    s.global.buckets = Observed::Known(vec![log, access]);
    for region in [REGION, OTHER] {
        baseline_region(services_in(&mut s, region), region == REGION);
    }
    // Security Hub with FSBP everywhere, the finding aggregator in the home region, and the
    // controls on global resources disabled outside it.
    for region in [REGION, OTHER] {
        let home = region == REGION;
        let fsbp_controls = crate::catalog::Catalog::builtin()
            .active()
            .filter(|c| !home && !c.regional)
            .map(|c| {
                let association = ControlAssociation {
                    enabled: false,
                    disabled_reason: Some("global resource outside the home region".into()),
                };
                (c.id.clone(), association)
            })
            .collect();
        services_in(&mut s, region).security_hub = Observed::Known(Some(SecurityHub {
            auto_enable_controls: false,
            control_finding_generator: "SECURITY_CONTROL".into(),
            standards: BTreeMap::new(),
            fsbp_controls,
            finding_aggregator: home.then(|| "ALL_REGIONS".to_string()),
            ..SecurityHub::default()
        }));
    }
    s
}
