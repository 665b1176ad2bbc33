//! Random account states and fault schedules for the property tests.
//!
//! An [`AccountSpec`] is plain data (so proptest shrinks it and prints it readably); it is
//! turned into a snapshot by editing the simulator's `fresh` account: fewer enabled regions,
//! workloads in default VPCs, default VPCs holding other customer resources (a route table,
//! a network ACL, an endpoint, a flow log), empty non-default VPCs, opt-in regions enabled,
//! existing detectors, hubs, recorders, trails and log buckets, a bucket public through its
//! ACL, weaker or stronger settings.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use secure_account_core::snapshot::*;
use secure_account_core::{Observed, Snapshot};
use secure_account_simulator::{FaultPlan, Simulator};

/// The home region of the default baseline.
pub const HOME: &str = "us-east-1";
/// The other regions a generated account may have enabled (a few, to keep cases fast); the
/// last two are opt-in regions, enabled (`OPTED_IN`) when drawn.
pub const OTHER_REGIONS: [&str; 7] = [
    "eu-west-1",
    "ap-northeast-1",
    "us-west-2",
    "sa-east-1",
    "eu-central-1",
    "ap-east-1",
    "me-central-1",
];

#[derive(Debug, Clone)]
pub struct RegionSpec {
    pub name: &'static str,
    pub enis_in_default_vpc: bool,
    pub customer_sg_in_default_vpc: bool,
    pub workload_vpc: bool,
    /// An existing detector: enabled, frequency index, feature bits.
    pub detector: Option<(bool, u8, u16)>,
    /// Athena `primary`: encryption index (none, SSE_S3, SSE_KMS, CSE_KMS), metrics on.
    pub athena: (u8, bool),
    pub ebs_encryption: bool,
    /// Snapshot block public access index (unblocked, block-new-sharing, block-all-sharing).
    pub snapshot_bpa: u8,
    /// An existing hub: auto-enable controls, consolidated findings, FSBP subscribed.
    pub hub: Option<(bool, bool, bool)>,
    /// An existing recorder: named `default` or not, recording, role is the SLR.
    pub recorder: Option<(bool, bool, bool)>,
    pub analyzer: bool,
    pub ssm_blocked: bool,
    /// A non-default VPC of the customer's with nothing in it yet (no network interface).
    pub empty_custom_vpc: bool,
    /// What else the default VPC holds: 0 nothing, 1 a route table that is not the main
    /// one, 2 a network ACL that is not the default, 3 a VPC endpoint, 4 a flow log.
    pub default_vpc_extra: u8,
}

/// A password policy: length, symbols, numbers, upper, lower, max age, reuse, hard expiry.
pub type PolicySpec = (u32, bool, bool, bool, bool, Option<u32>, Option<u32>, bool);

#[derive(Debug, Clone)]
pub struct AccountSpec {
    pub regions: Vec<RegionSpec>,
    pub password_policy: Option<PolicySpec>,
    /// Account public access block flags (4 bits), if set.
    pub account_pab: Option<u8>,
    pub public_bucket: bool,
    /// A bucket public through its ACL (no public access block, `ObjectWriter`).
    pub acl_public_bucket: bool,
    /// The log bucket already there: PAB bits, ownership index, versioning index, lifecycle,
    /// a foreign statement in its policy.
    pub log_bucket: Option<(u8, u8, u8, bool, bool)>,
    /// An existing trail: name index, region index, multi-region, encrypted, logging,
    /// validation, data events.
    pub trail: Option<(u8, u8, bool, bool, bool, bool, bool)>,
    pub root_mfa: u8,
    pub users_without_mfa: u8,
    pub slr_exists: bool,
}

fn region_spec(name: &'static str) -> impl Strategy<Value = RegionSpec> {
    (
        (any::<bool>(), any::<bool>(), any::<bool>()),
        proptest::option::of((any::<bool>(), 0u8..3, any::<u16>())),
        (0u8..4, any::<bool>()),
        (any::<bool>(), 0u8..3),
        proptest::option::of((any::<bool>(), any::<bool>(), any::<bool>())),
        proptest::option::of((any::<bool>(), any::<bool>(), any::<bool>())),
        (any::<bool>(), any::<bool>()),
        (any::<bool>(), 0u8..5),
    )
        .prop_map(
            move |(
                (enis, sg, workload),
                detector,
                athena,
                (ebs, bpa),
                hub,
                recorder,
                (analyzer, ssm),
                (empty_custom_vpc, default_vpc_extra),
            )| RegionSpec {
                name,
                enis_in_default_vpc: enis,
                customer_sg_in_default_vpc: sg,
                workload_vpc: workload,
                detector,
                athena,
                ebs_encryption: ebs,
                snapshot_bpa: bpa,
                hub,
                recorder,
                analyzer,
                ssm_blocked: ssm,
                empty_custom_vpc,
                default_vpc_extra,
            },
        )
}

/// Random account states: the home region plus up to three others enabled.
pub fn account_spec() -> impl Strategy<Value = AccountSpec> {
    let regions = (
        region_spec(HOME),
        proptest::sample::subsequence(OTHER_REGIONS.to_vec(), 0..=3),
    )
        .prop_flat_map(|(home, others)| {
            let strategies: Vec<_> = others.into_iter().map(region_spec).collect();
            (Just(home), strategies)
        })
        .prop_map(|(home, others)| {
            let mut v = vec![home];
            v.extend(others);
            v
        });
    (
        regions,
        proptest::option::of((
            6u32..40,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(1u32..200),
            proptest::option::of(1u32..25),
            any::<bool>(),
        )),
        proptest::option::of(0u8..16),
        (any::<bool>(), any::<bool>()),
        proptest::option::of((0u8..16, 0u8..3, 0u8..3, any::<bool>(), any::<bool>())),
        proptest::option::of((
            0u8..2,
            0u8..4,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )),
        (0u8..3, 0u8..3, any::<bool>()),
    )
        .prop_map(
            |(
                regions,
                password_policy,
                account_pab,
                (public_bucket, acl_public_bucket),
                log_bucket,
                trail,
                (root_mfa, users, slr),
            )| {
                AccountSpec {
                    regions,
                    password_policy,
                    account_pab,
                    public_bucket,
                    acl_public_bucket,
                    log_bucket,
                    trail,
                    root_mfa,
                    users_without_mfa: users,
                    slr_exists: slr,
                }
            },
        )
}

fn pab(bits: u8) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: bits & 1 != 0,
        ignore_public_acls: bits & 2 != 0,
        block_public_policy: bits & 4 != 0,
        restrict_public_buckets: bits & 8 != 0,
    }
}

const FEATURES: [&str; 9] = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
    "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT",
    "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT",
    "RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT",
];
const FREQUENCIES: [&str; 3] = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"];

impl AccountSpec {
    /// The account the spec describes.
    pub fn snapshot(&self) -> Snapshot {
        let mut s = Simulator::scenario("fresh").expect("built-in").account();
        let account = s.account_id.clone();
        let enabled: BTreeSet<&str> = self.regions.iter().map(|r| r.name).collect();
        for (name, r) in s.regions.iter_mut() {
            if !enabled.contains(name.as_str()) {
                *r = RegionSnapshot::disabled();
            } else if r.opt_in_status == OptInStatus::NotOptedIn {
                // An opt-in region the customer enabled: fresh, with its default VPC.
                *r = RegionSnapshot {
                    opt_in_status: OptInStatus::OptedIn,
                    services: secure_account_simulator::fresh_region_services(name),
                };
            }
        }
        for (i, spec) in self.regions.iter().enumerate() {
            let svc = &mut s.regions.get_mut(spec.name).expect("known region").services;
            let vpcs = svc.vpcs.known_mut().expect("fresh vpcs are known");
            if let Some(default) = vpcs.iter_mut().find(|v| v.is_default) {
                if spec.enis_in_default_vpc {
                    default.network_interfaces.push(NetworkInterface {
                        network_interface_id: format!("eni-0{i:016x}"),
                        description: "Primary network interface".into(),
                        subnet_id: None,
                        ..Default::default()
                    });
                }
                if spec.customer_sg_in_default_vpc {
                    default.security_groups.push(SecurityGroup {
                        group_id: format!("sg-0c{i:015x}"),
                        group_name: "app".into(),
                        ingress: vec![],
                        egress: vec![],
                    });
                }
                match spec.default_vpc_extra {
                    1 => default.route_tables.push(RouteTable {
                        route_table_id: format!("rtb-0c{i:015x}"),
                        main: false,
                    }),
                    2 => default.network_acls.push(NetworkAcl {
                        network_acl_id: format!("acl-0c{i:015x}"),
                        is_default: false,
                        ..NetworkAcl::default()
                    }),
                    3 => default
                        .endpoints
                        .push(format!("com.amazonaws.{}.s3", spec.name)),
                    4 => default.flow_logs.push(format!("fl-0c{i:015x}")),
                    _ => {}
                }
            }
            if spec.empty_custom_vpc {
                vpcs.push(Vpc {
                    vpc_id: format!("vpc-0e{i:015x}"),
                    is_default: false,
                    cidr_block: "10.9.0.0/16".into(),
                    subnets: vec![Subnet {
                        subnet_id: format!("subnet-0e{i:015x}"),
                        map_public_ip_on_launch: false,
                        default_for_az: Some(false),
                    }],
                    security_groups: vec![SecurityGroup {
                        group_id: format!("sg-0e{i:015x}"),
                        group_name: "default".into(),
                        ingress: vec![],
                        egress: vec![],
                    }],
                    ..Vpc::default()
                });
            }
            if spec.workload_vpc {
                vpcs.push(Vpc {
                    vpc_id: format!("vpc-0a{i:015x}"),
                    is_default: false,
                    cidr_block: "10.0.0.0/16".into(),
                    subnets: vec![Subnet {
                        subnet_id: format!("subnet-0a{i:015x}"),
                        map_public_ip_on_launch: false,
                        default_for_az: Some(false),
                    }],
                    security_groups: vec![SecurityGroup {
                        group_id: format!("sg-0a{i:015x}"),
                        group_name: "default".into(),
                        ingress: vec![],
                        egress: vec![],
                    }],
                    network_interfaces: vec![NetworkInterface {
                        network_interface_id: format!("eni-0a{i:015x}"),
                        description: "workload".into(),
                        subnet_id: None,
                        ..Default::default()
                    }],
                    ..Vpc::default()
                });
            }
            if let Some((on, freq, bits)) = spec.detector {
                svc.guardduty = Observed::Known(Some(Detector {
                    detector_id: format!("d0{i:030x}"),
                    enabled: on,
                    finding_publishing_frequency: FREQUENCIES[freq as usize].into(),
                    features: FEATURES
                        .iter()
                        .enumerate()
                        .map(|(b, f)| (f.to_string(), bits & (1 << b) != 0))
                        .collect(),
                }));
            }
            if let Some(wgs) = svc.athena_workgroups.known_mut() {
                for wg in wgs.iter_mut().filter(|w| w.name == "primary") {
                    wg.encryption_option = [None, Some("SSE_S3"), Some("SSE_KMS"), Some("CSE_KMS")]
                        [spec.athena.0 as usize]
                        .map(str::to_string);
                    wg.publish_cloud_watch_metrics_enabled = spec.athena.1;
                }
            }
            if let Some(ebs) = svc.ebs.known_mut() {
                ebs.encryption_by_default = spec.ebs_encryption;
            }
            if let Some(block) = svc.snapshot_block_public_access.known_mut() {
                block.state = ["unblocked", "block-new-sharing", "block-all-sharing"]
                    [spec.snapshot_bpa as usize]
                    .into();
            }
            if let Some((auto, consolidated, subscribed)) = spec.hub {
                let mut hub = SecurityHub {
                    auto_enable_controls: auto,
                    control_finding_generator: if consolidated {
                        "SECURITY_CONTROL"
                    } else {
                        "STANDARD_CONTROL"
                    }
                    .into(),
                    ..SecurityHub::default()
                };
                if subscribed {
                    hub.standards.insert(
                        secure_account_core::catalog::fsbp_standards_arn(spec.name),
                        "READY".into(),
                    );
                    for c in secure_account_core::Catalog::builtin().active() {
                        hub.fsbp_controls.insert(
                            c.id.clone(),
                            ControlAssociation {
                                enabled: true,
                                disabled_reason: None,
                            },
                        );
                    }
                }
                svc.security_hub = Observed::Known(Some(hub));
            }
            if let Some((named_default, recording, slr)) = spec.recorder {
                let role_arn = if slr && self.slr_exists {
                    secure_account_core::snapshot::iam::service_linked_role_arn(
                        &account,
                        "config.amazonaws.com",
                    )
                } else {
                    format!("arn:aws:iam::{account}:role/legacy-config-role")
                };
                let config = svc.config.known_mut().expect("known");
                config.recorders.push(ConfigRecorder {
                    name: if named_default {
                        "default".into()
                    } else {
                        "legacy-recorder".into()
                    },
                    role_arn,
                    all_supported: false,
                    include_global_resource_types: false,
                    resource_types: vec!["AWS::EC2::Instance".into()],
                    // A recorder cannot record without a delivery channel.
                    recording: false,
                });
                if recording {
                    config.delivery_channels.push(DeliveryChannel {
                        name: "legacy-channel".into(),
                        s3_bucket_name: "acme-config-history".into(),
                        s3_key_prefix: None,
                    });
                    config.recorders[0].recording = true;
                }
            }
            if spec.analyzer {
                svc.analyzers = Observed::Known(vec![Analyzer {
                    name: "acme-analyzer".into(),
                    kind: "ACCOUNT".into(),
                    status: "ACTIVE".into(),
                    archive_rules: BTreeMap::new(),
                }]);
            }
            if let Some(ssm) = svc.ssm.known_mut() {
                ssm.public_sharing_blocked = spec.ssm_blocked;
            }
        }
        let g = &mut s.global;
        if let Some((len, sym, num, up, low, age, reuse, hard)) = self.password_policy {
            g.password_policy = Observed::Known(Some(PasswordPolicy {
                minimum_password_length: len,
                require_symbols: sym,
                require_numbers: num,
                require_uppercase_characters: up,
                require_lowercase_characters: low,
                allow_users_to_change_password: true,
                max_password_age: age,
                password_reuse_prevention: reuse,
                hard_expiry: hard,
            }));
        }
        if let Some(bits) = self.account_pab {
            g.account_public_access_block = Observed::Known(Some(pab(bits)));
        }
        let buckets = g.buckets.known_mut().expect("known");
        // A bucket some customer data pipelines read, referenced by recorders above.
        buckets.push(Bucket {
            name: "acme-config-history".into(),
            region: HOME.into(),
            public_access_block: Some(PublicAccessBlock::ALL),
            object_ownership: Some("BucketOwnerEnforced".into()),
            encryption: Some("AES256".into()),
            policy: Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Config","Effect":"Allow","Principal":{{"Service":"config.amazonaws.com"}},"Action":["s3:GetBucketAcl","s3:ListBucket","s3:PutObject"],"Resource":["arn:aws:s3:::acme-config-history","arn:aws:s3:::acme-config-history/*"],"Condition":{{"StringEquals":{{"aws:SourceAccount":"{account}"}}}}}},{{"Sid":"CloudTrail","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":["s3:GetBucketAcl","s3:PutObject"],"Resource":["arn:aws:s3:::acme-config-history","arn:aws:s3:::acme-config-history/*"],"Condition":{{"StringEquals":{{"aws:SourceAccount":"{account}"}}}}}}]}}"#
            )),
            ..Bucket::default()
        });
        if self.public_bucket {
            buckets.push(Bucket {
                name: "acme-public-site".into(),
                region: HOME.into(),
                public_access_block: None,
                object_ownership: Some("BucketOwnerEnforced".into()),
                encryption: Some("AES256".into()),
                policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-public-site/*"}]}"#.into()),
                ..Bucket::default()
            });
        }
        if self.acl_public_bucket {
            buckets.push(Bucket {
                name: "acme-public-downloads".into(),
                region: HOME.into(),
                public_access_block: None,
                object_ownership: Some("ObjectWriter".into()),
                public_acl: true,
                encryption: Some("AES256".into()),
                ..Bucket::default()
            });
        }
        if let Some((bits, own, ver, lifecycle, foreign)) = self.log_bucket {
            let name = format!("cloudtrail-logs-{account}");
            let mut rules = BTreeMap::new();
            if lifecycle {
                rules.insert(
                    "keep-forever-to-glacier".to_string(),
                    r#"{"ID":"keep-forever-to-glacier","Status":"Enabled","Filter":{},"Transitions":[{"Days":30,"StorageClass":"GLACIER"}]}"#.to_string(),
                );
            }
            buckets.push(Bucket {
                name: name.clone(),
                region: HOME.into(),
                public_access_block: Some(pab(bits)),
                object_ownership: Some(["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"][own as usize].into()),
                encryption: None,
                versioning: [
                    None,
                    Some(VersioningStatus::Suspended),
                    Some(VersioningStatus::Enabled),
                ][ver as usize],
                policy: foreign.then(|| {
                    format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AuditorRead","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{name}/*"}}]}}"#
                    )
                }),
                lifecycle_rules: rules,
                ..Bucket::default()
            });
        }
        if let Some((name, region, multi, encrypted, logging, validation, data)) = self.trail {
            let region = self
                .regions
                .get(region as usize % self.regions.len())
                .map(|r| r.name)
                .unwrap_or(HOME);
            let trail = Trail {
                name: ["cloudtrail", "org-audit"][name as usize].into(),
                home_region: region.into(),
                s3_bucket_name: "acme-config-history".into(),
                is_multi_region_trail: multi,
                include_global_service_events: true,
                log_file_validation_enabled: validation,
                kms_key_id: encrypted
                    .then(|| format!("arn:aws:kms:{region}:{account}:key/acme-trail-key")),
                is_logging: logging,
                management_events: Some(if data { "WriteOnly" } else { "All" }.into()),
                data_events: data,
                ..Trail::default()
            };
            let svc = &mut s.regions.get_mut(region).expect("enabled region").services;
            svc.trails = Observed::Known(vec![trail]);
            if encrypted {
                // The customer's own trail key, whose policy lets CloudTrail encrypt.
                svc.kms_keys.known_mut().expect("known").push(KmsKey {
                    key_id: "acme-trail-key".into(),
                    arn: format!("arn:aws:kms:{region}:{account}:key/acme-trail-key"),
                    aliases: vec!["alias/acme-trail".into()],
                    key_state: KeyState::Enabled,
                    rotation_enabled: true,
                    policy: format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Root","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"CloudTrail","Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":["kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"}}]}}"#
                    ),
                    tags: BTreeMap::new(),
                    read_error: None,
                });
            }
        }
        let g = &mut s.global;
        if let Some(root) = g.root.known_mut() {
            root.mfa = [MfaKind::None, MfaKind::Virtual, MfaKind::Hardware][self.root_mfa as usize];
        }
        if let Some(users) = g.users.known_mut() {
            for n in 0..self.users_without_mfa {
                users.push(IamUser {
                    name: format!("user-{n}"),
                    console_password: true,
                    mfa_devices: 0,
                    active_access_keys: 1,
                });
            }
        }
        if self.slr_exists
            && let Some(roles) = g.roles.known_mut()
        {
            roles.push(IamRole {
                name: "AWSServiceRoleForConfig".into(),
                path: "/aws-service-role/config.amazonaws.com/".into(),
                arn: secure_account_core::snapshot::iam::service_linked_role_arn(
                    &account,
                    "config.amazonaws.com",
                ),
                trusted_services: ["config.amazonaws.com".to_string()].into(),
                inline_policies: BTreeMap::new(),
                assume_role_policy_document: String::new(),
                tags: BTreeMap::new(),
            });
        }
        s
    }
}

/// Read parts the property tests may deny (persistently, so every read agrees).
pub const DENIABLE_READS: [&str; 10] = [
    "guardduty",
    "buckets",
    "vpcs",
    "security_hub",
    "roles",
    "password_policy",
    "eu-west-1/trails",
    "us-east-1/kms_keys",
    // What moto does not serve (and an SCP may deny), and its sibling part in one region.
    "snapshot_block_public_access",
    "eu-west-1/ebs",
];

/// Transient faults that every apply must ride out: bounded throttling and propagation lag
/// (roles, buckets, keys), `OperationAborted` after new buckets, `DependencyViolation` on
/// emptied VPCs, standards that stay `PENDING` up to 5 minutes, HTTP 200 answers with
/// failures (which the next round of the apply plans again), plus reads that are always
/// denied.
pub fn transient_faults() -> impl Strategy<Value = FaultPlan> {
    (
        (any::<u64>(), 0.0f64..0.1, 0u32..30, 0u32..3),
        proptest::sample::subsequence(DENIABLE_READS.to_vec(), 0..=2),
        (0u32..2, 0u32..3, 0u32..2, 0u64..300_000),
    )
        .prop_map(
            |((seed, p, max, lag), denied, (conflict, teardown, partial, ready))| FaultPlan {
                seed,
                write_throttle_probability: p,
                read_throttle_probability: 0.0,
                max_throttles: max,
                consistency_lag: lag,
                deny_reads: denied.into_iter().map(str::to_string).collect(),
                bucket_conflict_lag: conflict,
                vpc_teardown_lag: teardown,
                partial_failures: partial,
                standard_delay_ms: ready,
                ..FaultPlan::default()
            },
        )
}

/// Action names the property tests may deny (the run then has honest failures).
/// Every action kind's name: any of them may be denied (up to three at once), so a fault
/// schedule can leave any setting unapplied after a run.
pub fn deniable_actions() -> Vec<&'static str> {
    secure_account_core::action::ActionKind::all()
        .map(|k| k.name())
        .collect()
}

/// Any faults: transient ones, denied actions, and possibly a crash after some writes.
pub fn any_faults() -> impl Strategy<Value = FaultPlan> {
    (
        transient_faults(),
        proptest::sample::subsequence(deniable_actions(), 0..=3),
        proptest::option::of(1u64..200),
        0.0f64..0.1,
    )
        .prop_map(|(mut f, denied, crash, read_throttle)| {
            f.deny_actions = denied.into_iter().map(str::to_string).collect();
            f.crash_after_writes = crash;
            f.read_throttle_probability = read_throttle;
            f
        })
}
