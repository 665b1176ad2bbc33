//! The built-in accounts: `fresh` (a new account in the 17 default regions), `lived-in`
//! (the same account after a year of use) and `newer-standard` (a fresh account whose live
//! FSBP standard, once subscribed, has two controls newer than the reviewed catalog: the
//! account is `fresh`, the two controls are hidden state). Built in code with deterministic ids.

use std::collections::{BTreeMap, BTreeSet};

use secure_account_core::snapshot::{
    AccountWide, Analyzer, Bucket, ConfigService, Detector, Ebs, IamRole, IamUser, Inspector,
    InternetGatewayBlockMode, KeyState, KmsKey, LogGroup, Macie, NetworkAcl, NetworkInterface,
    NetworkRule, OptInStatus, PasswordPolicy, PublicAccessBlock, RegionServices, RegionSnapshot,
    RootUser, RouteTable, SNAPSHOT_FORMAT_VERSION, SecurityGroup, SnapshotBlockPublicAccess, Ssm,
    Subnet, Trail, Vpc, VpcBlockPublicAccess, WorkGroup,
};
use secure_account_core::{Observed, Snapshot};

use crate::state::{hash_str, make_id};

/// The account id of the built-in scenarios.
pub const ACCOUNT_ID: &str = "123456789012";

/// The regions enabled in every new account (opt-in not required), with the number of
/// availability zones a new account sees in each (one default subnet per zone).
pub const DEFAULT_REGIONS: [(&str, u32); 17] = [
    ("ap-northeast-1", 3),
    ("ap-northeast-2", 4),
    ("ap-northeast-3", 3),
    ("ap-south-1", 3),
    ("ap-southeast-1", 3),
    ("ap-southeast-2", 3),
    ("ca-central-1", 3),
    ("eu-central-1", 3),
    ("eu-north-1", 3),
    ("eu-west-1", 3),
    ("eu-west-2", 3),
    ("eu-west-3", 3),
    ("sa-east-1", 3),
    ("us-east-1", 6),
    ("us-east-2", 3),
    ("us-west-1", 2),
    ("us-west-2", 4),
];

/// The opt-in regions, not enabled in a new account.
pub const OPT_IN_REGIONS: [&str; 15] = [
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// A deterministic id of `kind` that depends on where it lives.
fn sid(kind: &str, scope: &str, n: u64) -> String {
    make_id(kind, hash_str(scope), n)
}

fn rule(protocol: &str, ports: Option<(u16, u16)>, source: &str) -> NetworkRule {
    NetworkRule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        source: source.into(),
    }
}

/// A VPC as AWS creates it: main route table, default network ACL allowing everything,
/// default security group (all from itself in, all out).
fn vpc(region: &str, n: u64, cidr: &str, is_default: bool, subnets: u32) -> Vpc {
    let scope = format!("{region}/{n}");
    let subnets: Vec<Subnet> = (1..=u64::from(subnets))
        .map(|i| Subnet {
            subnet_id: sid("subnet", &scope, i),
            map_public_ip_on_launch: is_default,
            default_for_az: None,
        })
        .collect();
    let sg_id = sid("sg", &scope, 1);
    Vpc {
        vpc_id: sid("vpc", &scope, 1),
        is_default,
        cidr_block: cidr.into(),
        internet_gateways: vec![sid("igw", &scope, 1)],
        route_tables: vec![RouteTable {
            route_table_id: sid("rtb", &scope, 1),
            main: true,
        }],
        network_acls: vec![NetworkAcl {
            network_acl_id: sid("acl", &scope, 1),
            is_default: true,
            associated_subnets: subnets.iter().map(|s| s.subnet_id.clone()).collect(),
            ingress_allow: vec![rule("-1", None, "0.0.0.0/0"), rule("-1", None, "::/0")],
        }],
        security_groups: vec![SecurityGroup {
            group_id: sg_id.clone(),
            group_name: "default".into(),
            ingress: vec![rule("-1", None, &sg_id)],
            egress: vec![rule("-1", None, "0.0.0.0/0")],
        }],
        subnets,
        network_interfaces: vec![],
        flow_logs: vec![],
        endpoints: vec![],
    }
}

/// The services of an enabled region of a new account.
/// The services of a region just enabled: a default VPC with a subnet in each of its
/// availability zones (`DEFAULT_REGIONS` says how many; an opt-in region gets 3), nothing
/// else. For tests that opt a region in.
pub fn fresh_region_services(region: &str) -> RegionServices {
    let azs = DEFAULT_REGIONS
        .iter()
        .find(|(r, _)| *r == region)
        .map_or(3, |(_, n)| *n);
    fresh_region(region, azs)
}

fn fresh_region(region: &str, azs: u32) -> RegionServices {
    RegionServices {
        security_hub: Observed::Known(None),
        guardduty: Observed::Known(None),
        config: Observed::Known(ConfigService::default()),
        trails: Observed::Known(vec![]),
        kms_keys: Observed::Known(vec![]),
        log_groups: Observed::Known(vec![]),
        analyzers: Observed::Known(vec![]),
        ebs: Observed::Known(Ebs::default()),
        snapshot_block_public_access: Observed::Known(SnapshotBlockPublicAccess {
            state: "unblocked".into(),
        }),
        vpcs: Observed::Known(vec![vpc(region, 1, "172.31.0.0/16", true, azs)]),
        vpc_block_public_access: Observed::Known(VpcBlockPublicAccess {
            internet_gateway_block_mode: InternetGatewayBlockMode::Off,
        }),
        athena_workgroups: Observed::Known(vec![WorkGroup {
            name: "primary".into(),
            state: "ENABLED".into(),
            publish_cloud_watch_metrics_enabled: false,
            output_location: None,
            encryption_option: None,
            enforce_work_group_configuration: false,
        }]),
        ssm: Observed::Known(Ssm {
            public_sharing_blocked: false,
            automation_log_destination: None,
            public_documents: vec![],
        }),
        inspector: Observed::Known(Inspector::default()),
        macie: Observed::Known(Macie::default()),
        cloudformation_stacks: Observed::Known(vec![]),
    }
}

/// The two controls of scenario `newer-standard`: AWS's live FSBP has them, the reviewed
/// catalog does not (hypothetical ids of controls released after the catalog).
pub const NEWER_FSBP_CONTROLS: [&str; 2] = ["Bedrock.1", "EC2.184"];

/// A new account: 17 default regions with their default VPCs, the opt-in regions not
/// enabled, nothing else.
pub fn fresh() -> Snapshot {
    let mut regions = BTreeMap::new();
    for (region, azs) in DEFAULT_REGIONS {
        regions.insert(
            region.to_string(),
            RegionSnapshot {
                opt_in_status: OptInStatus::OptInNotRequired,
                services: fresh_region(region, azs),
            },
        );
    }
    for region in OPT_IN_REGIONS {
        regions.insert(region.to_string(), RegionSnapshot::disabled());
    }
    Snapshot {
        format_version: SNAPSHOT_FORMAT_VERSION,
        account_id: ACCOUNT_ID.into(),
        global: AccountWide {
            password_policy: Observed::Known(None),
            root: Observed::Known(RootUser::default()),
            users: Observed::Known(vec![]),
            roles: Observed::Known(vec![]),
            account_public_access_block: Observed::Known(None),
            buckets: Observed::Known(vec![]),
            security_contact: Observed::Known(None),
        },
        regions,
    }
}

/// The bucket of the lived-in account's own trail.
pub const LIVED_IN_TRAIL_BUCKET: &str = "acme-trail-logs-123456789012";
/// The lived-in account's public website bucket.
pub const LIVED_IN_PUBLIC_BUCKET: &str = "acme-public-assets";

/// The `fresh` account after a year of use: workloads in the default VPCs of us-east-1,
/// eu-west-1 and ap-northeast-1, a non-default VPC in us-east-1, an unencrypted
/// single-region trail, a weak password policy (but a 60-day maximum age, stricter than
/// the baseline's 90), a GuardDuty detector with some features off, a public bucket, a
/// console user without MFA, a customer managed key without rotation.
pub fn lived_in() -> Snapshot {
    let mut s = fresh();
    let home = "us-east-1";
    // Workloads in default VPCs, all in the first default subnet: instances behind the
    // `launch-wizard-1` group (and a load balancer on the default group in us-east-1). The
    // instances of us-east-1 and eu-west-1 have public addresses; the one of
    // ap-northeast-1 is private.
    struct Eni {
        description: &'static str,
        default_group: bool,
        public_ip: bool,
    }
    let instance = |public_ip| Eni {
        description: "Primary network interface",
        default_group: false,
        public_ip,
    };
    let workloads: [(&str, Vec<Eni>); 3] = [
        (
            "us-east-1",
            vec![
                instance(true),
                instance(true),
                Eni {
                    description: "ELB app/web-alb/50dc6c495c0c9188",
                    default_group: true,
                    public_ip: true,
                },
            ],
        ),
        ("eu-west-1", vec![instance(true)]),
        ("ap-northeast-1", vec![instance(false)]),
    ];
    for (region, enis) in workloads {
        let vpcs = region_mut(&mut s, region).vpcs.known_mut().expect("known");
        let default_vpc = vpcs.iter_mut().find(|v| v.is_default).expect("default VPC");
        let wizard = sid("sg", &format!("{region}/default"), 2);
        let default_group = default_vpc.security_groups[0].group_id.clone();
        default_vpc.network_interfaces = enis
            .iter()
            .enumerate()
            .map(|(i, e)| NetworkInterface {
                network_interface_id: sid("eni", &format!("{region}/default"), i as u64 + 1),
                description: e.description.into(),
                subnet_id: default_vpc.subnets.first().map(|s| s.subnet_id.clone()),
                security_groups: Some(vec![if e.default_group {
                    default_group.clone()
                } else {
                    wizard.clone()
                }]),
                has_public_ip: Some(e.public_ip),
            })
            .collect();
        default_vpc.security_groups.push(SecurityGroup {
            group_id: wizard,
            group_name: "launch-wizard-1".into(),
            ingress: vec![rule("tcp", Some((22, 22)), "0.0.0.0/0")],
            egress: vec![rule("-1", None, "0.0.0.0/0")],
        });
    }

    // A non-default VPC with its own gateway, route table and workloads.
    {
        let mut app = vpc(home, 2, "10.0.0.0/16", false, 2);
        let scope = format!("{home}/2");
        app.route_tables.push(RouteTable {
            route_table_id: sid("rtb", &scope, 2),
            main: false,
        });
        app.security_groups.push(SecurityGroup {
            group_id: sid("sg", &scope, 2),
            group_name: "app".into(),
            ingress: vec![rule("tcp", Some((443, 443)), "10.0.0.0/16")],
            egress: vec![rule("-1", None, "0.0.0.0/0")],
        });
        app.network_interfaces = vec![
            // A NAT gateway's interface has no security group and a public address.
            NetworkInterface {
                network_interface_id: sid("eni", &scope, 1),
                description: "Interface for NAT Gateway nat-0a1b2c3d4e5f67890".into(),
                subnet_id: app.subnets.first().map(|s| s.subnet_id.clone()),
                security_groups: Some(vec![]),
                has_public_ip: Some(true),
            },
            NetworkInterface {
                network_interface_id: sid("eni", &scope, 2),
                description: "Primary network interface".into(),
                subnet_id: app.subnets.last().map(|s| s.subnet_id.clone()),
                security_groups: Some(vec![sid("sg", &scope, 2)]),
                has_public_ip: Some(false),
            },
        ];
        app.flow_logs = vec![sid("fl", &scope, 1)];
        region_mut(&mut s, home)
            .vpcs
            .known_mut()
            .expect("known")
            .push(app);
    }

    // An unencrypted single-region trail with its own bucket.
    let trail_arn = format!("arn:aws:cloudtrail:{home}:{ACCOUNT_ID}:trail/management-events");
    let trail_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": format!("arn:aws:s3:::{LIVED_IN_TRAIL_BUCKET}"),
                "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("arn:aws:s3:::{LIVED_IN_TRAIL_BUCKET}/AWSLogs/{ACCOUNT_ID}/*"),
                "Condition": {"StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail_arn
                }}
            }
        ]
    });
    let public_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{LIVED_IN_PUBLIC_BUCKET}/*")
        }]
    });
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("json");
    s.global.buckets = Observed::Known(vec![
        Bucket {
            name: LIVED_IN_TRAIL_BUCKET.into(),
            region: home.into(),
            public_access_block: Some(PublicAccessBlock::ALL),
            object_ownership: Some("BucketOwnerEnforced".into()),
            encryption: Some("AES256".into()),
            policy: Some(pretty(&trail_policy)),
            ..Bucket::default()
        },
        Bucket {
            name: LIVED_IN_PUBLIC_BUCKET.into(),
            region: home.into(),
            public_access_block: None,
            object_ownership: Some("BucketOwnerPreferred".into()),
            encryption: Some("AES256".into()),
            policy: Some(pretty(&public_policy)),
            tags: BTreeMap::from([("site".to_string(), "www".to_string())]),
            ..Bucket::default()
        },
    ]);
    region_mut(&mut s, home).trails = Observed::Known(vec![Trail {
        name: "management-events".into(),
        home_region: home.into(),
        s3_bucket_name: LIVED_IN_TRAIL_BUCKET.into(),
        is_multi_region_trail: false,
        include_global_service_events: true,
        log_file_validation_enabled: false,
        kms_key_id: None,
        cloud_watch_logs_log_group_arn: None,
        cloud_watch_logs_role_arn: None,
        is_logging: true,
        management_events: Some("All".into()),
        data_events: false,
        insights: false,
    }]);

    // A weak password policy, except for a maximum age stricter than the baseline's.
    s.global.password_policy = Observed::Known(Some(PasswordPolicy {
        minimum_password_length: 8,
        require_symbols: false,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(60),
        password_reuse_prevention: None,
        hard_expiry: false,
    }));

    // A detector someone enabled by hand, with some protection plans off, and the role
    // GuardDuty created for itself.
    let features: BTreeMap<String, bool> = [
        ("S3_DATA_EVENTS", true),
        ("EKS_AUDIT_LOGS", false),
        ("EBS_MALWARE_PROTECTION", false),
        ("RDS_LOGIN_EVENTS", true),
        ("LAMBDA_NETWORK_LOGS", false),
        ("RUNTIME_MONITORING", false),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    region_mut(&mut s, home).guardduty = Observed::Known(Some(Detector {
        detector_id: sid("detector", "lived-in/us-east-1", 1),
        enabled: true,
        finding_publishing_frequency: "SIX_HOURS".into(),
        features,
    }));
    s.global.roles = Observed::Known(vec![IamRole {
        name: "AWSServiceRoleForAmazonGuardDuty".into(),
        path: "/aws-service-role/guardduty.amazonaws.com/".into(),
        arn: format!(
            "arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/\
             AWSServiceRoleForAmazonGuardDuty"
        ),
        trusted_services: BTreeSet::from(["guardduty.amazonaws.com".to_string()]),
        inline_policies: BTreeMap::new(),
        assume_role_policy_document: serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "guardduty.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        })
        .to_string(),
        tags: BTreeMap::new(),
    }]);

    // A deploy user with a console password and no MFA.
    s.global.users = Observed::Known(vec![IamUser {
        name: "deploy-bot".into(),
        console_password: true,
        mfa_devices: 0,
        active_access_keys: 1,
    }]);

    // An application key without rotation, and the application's log group.
    let key_id = make_id("key", hash_str("lived-in/us-east-1"), 1);
    let key_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT_ID}:root")},
            "Action": "kms:*",
            "Resource": "*"
        }]
    });
    let region = region_mut(&mut s, home);
    region.kms_keys = Observed::Known(vec![KmsKey {
        arn: format!("arn:aws:kms:{home}:{ACCOUNT_ID}:key/{key_id}"),
        key_id,
        aliases: vec!["alias/app-data".into()],
        key_state: KeyState::Enabled,
        rotation_enabled: false,
        policy: pretty(&key_policy),
        tags: BTreeMap::from([("team".to_string(), "app".to_string())]),
        read_error: None,
    }]);
    region.log_groups = Observed::Known(vec![LogGroup {
        name: "/aws/lambda/thumbnailer".into(),
        retention_in_days: None,
        tags: BTreeMap::from([("team".to_string(), "app".to_string())]),
    }]);
    region.analyzers = Observed::Known(Vec::<Analyzer>::new());
    s
}

fn region_mut<'a>(s: &'a mut Snapshot, region: &str) -> &'a mut RegionServices {
    &mut s
        .regions
        .get_mut(region)
        .expect("a default region of the scenario")
        .services
}
