//! Tests of the evaluator: one test per modelled control (passing, failing and `no_data`
//! inputs, data-driven through [`check`]), then aggregation, disabled controls, unreadable
//! data, global controls, the score and `percent_if_manual_done`.

use serde_json::json;

use super::fixture::*;
use super::score::percent;
use super::*;
use crate::snapshot::*;

use Status::{Disabled, Failed, NoData, Passed};

/// A catalog holding only the control `id` (which must be in the built-in catalog).
fn catalog_of(ids: &[&str]) -> Catalog {
    let builtin = Catalog::builtin();
    Catalog::new(
        builtin.version.clone(),
        builtin.standard.clone(),
        builtin.source.clone(),
        ids.iter()
            .map(|id| {
                builtin
                    .get(id)
                    .unwrap_or_else(|| panic!("{id} not in catalog"))
                    .clone()
            })
            .collect(),
    )
}

/// Evaluates control `id` on the fresh-account fixture after `setup`, in `REGION`.
fn result(id: &str, setup: impl FnOnce(&mut Snapshot)) -> ControlResult {
    let mut s = snapshot();
    setup(&mut s);
    let eval = evaluate(&s, &catalog_of(&[id]), &scope(&[REGION]));
    eval.controls.into_iter().next().expect("one control")
}

/// The status of control `id` in `REGION` after `setup` is `expect`.
#[track_caller]
fn check(id: &str, setup: impl FnOnce(&mut Snapshot), expect: Status) {
    let got = result(id, setup);
    assert_eq!(got.regions[REGION], expect, "{id}: {got:#?}");
}

/// The failing resources of control `id` after `setup`.
fn failing(id: &str, setup: impl FnOnce(&mut Snapshot)) -> Vec<String> {
    result(id, setup).failing_resources
}

fn nothing(_: &mut Snapshot) {}

// ---------------------------------------------------------------------------------------
// Account-wide controls.

#[test]
fn account_1_security_contact() {
    check(
        "Account.1",
        |s| s.global.security_contact = Observed::Known(Some(contact())),
        Passed,
    );
    check("Account.1", nothing, Failed);
    check(
        "Account.1",
        |s| s.global.security_contact = unreadable(),
        NoData,
    );
    assert_eq!(
        failing("Account.1", nothing),
        ["global: account has no SECURITY alternate contact"]
    );
}

#[test]
fn iam_4_root_access_keys() {
    check("IAM.4", nothing, Passed);
    check(
        "IAM.4",
        |s| known(&mut s.global.root).access_keys = 1,
        Failed,
    );
    check("IAM.4", |s| s.global.root = unreadable(), NoData);
}

#[test]
fn iam_5_console_users_have_mfa() {
    let user = |name: &str, console: bool, mfa: u32| IamUser {
        name: name.into(),
        console_password: console,
        mfa_devices: mfa,
        active_access_keys: 0,
    };
    check(
        "IAM.5",
        |s| s.global.users = Observed::Known(vec![user("alice", true, 1)]),
        Passed,
    );
    check(
        "IAM.5",
        |s| s.global.users = Observed::Known(vec![user("alice", true, 1), user("bob", true, 0)]),
        Failed,
    );
    check("IAM.5", nothing, NoData);
    check(
        "IAM.5",
        |s| s.global.users = Observed::Known(vec![user("ci", false, 0)]),
        NoData,
    );
    check("IAM.5", |s| s.global.users = unreadable(), NoData);
    assert_eq!(
        failing("IAM.5", |s| s.global.users =
            Observed::Known(vec![user("bob", true, 0)])),
        ["global: IAM user `bob` has a console password and no MFA"]
    );
}

#[test]
fn iam_6_root_hardware_mfa() {
    check(
        "IAM.6",
        |s| known(&mut s.global.root).mfa = MfaKind::Hardware,
        Passed,
    );
    check(
        "IAM.6",
        |s| known(&mut s.global.root).mfa = MfaKind::Virtual,
        Failed,
    );
    check("IAM.6", nothing, Failed);
    check("IAM.6", |s| s.global.root = unreadable(), NoData);
}

#[test]
fn iam_7_password_policy_with_security_hub_parameters() {
    let with = |edit: fn(&mut PasswordPolicy)| {
        move |s: &mut Snapshot| {
            let mut p = password_policy();
            edit(&mut p);
            s.global.password_policy = Observed::Known(Some(p));
        }
    };
    check("IAM.7", with(|_| {}), Passed);
    // Exactly the default parameters: length 8, no reuse prevention, no expiry.
    check(
        "IAM.7",
        with(|p| {
            p.minimum_password_length = 8;
            p.password_reuse_prevention = None;
            p.max_password_age = None;
        }),
        Passed,
    );
    check("IAM.7", with(|p| p.minimum_password_length = 7), Failed);
    check("IAM.7", with(|p| p.require_symbols = false), Failed);
    check("IAM.7", with(|p| p.require_numbers = false), Failed);
    check(
        "IAM.7",
        with(|p| p.require_uppercase_characters = false),
        Failed,
    );
    check(
        "IAM.7",
        with(|p| p.require_lowercase_characters = false),
        Failed,
    );
    check("IAM.7", nothing, Failed);
    check("IAM.7", |s| s.global.password_policy = unreadable(), NoData);
    assert_eq!(
        failing(
            "IAM.7",
            with(|p| {
                p.minimum_password_length = 6;
                p.require_symbols = false;
            })
        ),
        ["global: IAM password policy does not require symbols, minimum length 6 is below 8"]
    );
}

#[test]
fn config_1_recorder_with_service_linked_role() {
    let with = |edit: fn(&mut ConfigRecorder)| {
        move |s: &mut Snapshot| {
            let mut r = recorder();
            edit(&mut r);
            known(&mut services(s).config).recorders = vec![r];
        }
    };
    check("Config.1", with(|_| {}), Passed);
    check(
        "Config.1",
        with(|r| r.role_arn = format!("arn:aws:iam::{ACCOUNT}:role/config-role")),
        Failed,
    );
    check(
        "Config.1",
        with(|r| {
            r.role_arn = "arn:aws:iam::999999999999:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig".into()
        }),
        Failed,
    );
    check("Config.1", with(|r| r.recording = false), Failed);
    check("Config.1", with(|r| r.all_supported = false), Failed);
    check("Config.1", nothing, Failed);
    check("Config.1", |s| services(s).config = unreadable(), NoData);
    assert_eq!(config_service_linked_role_arn(ACCOUNT), recorder().role_arn);
}

#[test]
fn config_1_global_iam_types_where_aws_requires_them() {
    // Config.1 in `region` of the full catalog, the recorder not recording global types.
    let config_1 = |edit: &dyn Fn(&mut Snapshot), region: &str| {
        let mut s = snapshot();
        for r in [REGION, OTHER] {
            let recorder = ConfigRecorder {
                include_global_resource_types: false,
                ..recorder()
            };
            known(&mut services_in(&mut s, r).config).recorders = vec![recorder];
        }
        edit(&mut s);
        let eval = evaluate(&s, Catalog::builtin(), &scope(&[REGION, OTHER]));
        eval.control("Config.1").unwrap().regions[region]
    };
    let hub = |aggregator: bool, disabled: &[&str]| SecurityHub {
        fsbp_controls: disabled
            .iter()
            .map(|id| {
                (
                    id.to_string(),
                    ControlAssociation {
                        enabled: false,
                        disabled_reason: None,
                    },
                )
            })
            .collect(),
        finding_aggregator: aggregator.then(|| "ALL_REGIONS".to_string()),
        ..SecurityHub::default()
    };
    let iam_controls: Vec<&str> = Catalog::builtin()
        .active()
        .filter(|c| c.resource_types.iter().any(|t| t.starts_with("AWS::IAM::")))
        .map(|c| c.id.as_str())
        .collect();
    assert!(iam_controls.contains(&"IAM.5") && iam_controls.contains(&"KMS.1"));
    // No aggregator: every region with an enabled IAM-resource control needs them.
    assert_eq!(config_1(&|_| {}, REGION), Failed);
    assert_eq!(config_1(&|_| {}, OTHER), Failed);
    let iam_off = |s: &mut Snapshot| {
        services_in(s, OTHER).security_hub = Observed::Known(Some(hub(false, &iam_controls)))
    };
    assert_eq!(config_1(&iam_off, OTHER), Passed);
    // Aggregator in REGION: REGION needs them, the linked OTHER does not.
    let aggregator =
        |s: &mut Snapshot| services(s).security_hub = Observed::Known(Some(hub(true, &[])));
    assert_eq!(config_1(&aggregator, REGION), Failed);
    assert_eq!(config_1(&aggregator, OTHER), Passed);
    let global_in_home = |s: &mut Snapshot| {
        aggregator(s);
        known(&mut services(s).config).recorders[0].include_global_resource_types = true;
    };
    assert_eq!(config_1(&global_in_home, REGION), Passed);
}

// ---------------------------------------------------------------------------------------
// CloudTrail.

fn trails<'a>(s: &'a mut Snapshot, region: &str) -> &'a mut Vec<Trail> {
    known(&mut services_in(s, region).trails)
}

#[test]
fn cloudtrail_1_multi_region_trail() {
    check(
        "CloudTrail.1",
        |s| trails(s, REGION).push(trail("t")),
        Passed,
    );
    check("CloudTrail.1", nothing, Failed);
    for edit in [
        |t: &mut Trail| t.is_multi_region_trail = false,
        |t: &mut Trail| t.is_logging = false,
        |t: &mut Trail| t.management_events = Some("WriteOnly".into()),
        |t: &mut Trail| t.management_events = None,
    ] {
        let mut t = trail("t");
        edit(&mut t);
        check("CloudTrail.1", |s| trails(s, REGION).push(t), Failed);
    }
    // A multi-region trail homed in another region is visible here as a shadow trail.
    check(
        "CloudTrail.1",
        |s| {
            trails(s, OTHER).push(Trail {
                home_region: OTHER.into(),
                ..trail("t")
            })
        },
        Passed,
    );
    // This region's trails unreadable: no data, unless a trail visible from elsewhere passes.
    check(
        "CloudTrail.1",
        |s| services(s).trails = unreadable(),
        NoData,
    );
    check(
        "CloudTrail.1",
        |s| {
            services(s).trails = unreadable();
            trails(s, OTHER).push(Trail {
                home_region: OTHER.into(),
                ..trail("t")
            });
        },
        Passed,
    );
    // Another region's trails unreadable: a multi-region trail may hide there.
    check(
        "CloudTrail.1",
        |s| services_in(s, OTHER).trails = unreadable(),
        NoData,
    );
}

#[test]
fn cloudtrail_2_4_5_per_trail() {
    for (id, edit) in [
        (
            "CloudTrail.2",
            (|t: &mut Trail| t.kms_key_id = None) as fn(&mut Trail),
        ),
        ("CloudTrail.4", |t: &mut Trail| {
            t.log_file_validation_enabled = false
        }),
        ("CloudTrail.5", |t: &mut Trail| {
            t.cloud_watch_logs_log_group_arn = None
        }),
    ] {
        check(id, |s| trails(s, REGION).push(trail("t")), Passed);
        let mut bad = trail("t");
        edit(&mut bad);
        check(id, |s| trails(s, REGION).push(bad.clone()), Failed);
        check(id, nothing, NoData);
        check(id, |s| services(s).trails = unreadable(), NoData);
        // A failing shadow trail fails here too, reported under its home region.
        let shadow = Trail {
            home_region: OTHER.into(),
            ..bad
        };
        let got = result(id, |s| trails(s, OTHER).push(shadow));
        assert_eq!(got.regions[REGION], Failed, "{id}");
        assert!(
            got.failing_resources[0].starts_with("eu-west-1: trail `t`"),
            "{got:?}"
        );
    }
    // A single-region trail homed elsewhere is not visible here.
    check(
        "CloudTrail.2",
        |s| {
            trails(s, OTHER).push(Trail {
                home_region: OTHER.into(),
                is_multi_region_trail: false,
                kms_key_id: None,
                ..trail("t")
            })
        },
        NoData,
    );
}

// ---------------------------------------------------------------------------------------
// EC2: EBS and VPC.

fn ebs(s: &mut Snapshot) -> &mut Ebs {
    known(&mut services(s).ebs)
}

fn snapshot_block(s: &mut Snapshot) -> &mut SnapshotBlockPublicAccess {
    known(&mut services(s).snapshot_block_public_access)
}

#[test]
fn ec2_1_public_snapshots() {
    check("EC2.1", nothing, Passed);
    check(
        "EC2.1",
        |s| ebs(s).public_snapshots.push("snap-1".into()),
        Failed,
    );
    check("EC2.1", |s| services(s).ebs = unreadable(), NoData);
}

#[test]
fn ec2_7_ebs_encryption_by_default() {
    check("EC2.7", |s| ebs(s).encryption_by_default = true, Passed);
    check("EC2.7", nothing, Failed);
    check("EC2.7", |s| services(s).ebs = unreadable(), NoData);
    // Its own part: the snapshot block public access read failing does not hide it.
    check(
        "EC2.7",
        |s| {
            ebs(s).encryption_by_default = true;
            services(s).snapshot_block_public_access = unreadable();
        },
        Passed,
    );
}

#[test]
fn ec2_182_snapshot_block_public_access() {
    check(
        "EC2.182",
        |s| snapshot_block(s).state = "block-all-sharing".into(),
        Passed,
    );
    check(
        "EC2.182",
        |s| snapshot_block(s).state = "block-new-sharing".into(),
        Failed,
    );
    check(
        "EC2.182",
        |s| snapshot_block(s).state = "unblocked".into(),
        Failed,
    );
    check("EC2.182", nothing, Failed);
    check(
        "EC2.182",
        |s| services(s).snapshot_block_public_access = unreadable(),
        NoData,
    );
    check(
        "EC2.182",
        |s| {
            snapshot_block(s).state = "block-all-sharing".into();
            services(s).ebs = unreadable();
        },
        Passed,
    );
}

#[test]
fn ec2_172_vpc_block_public_access() {
    let mode = |m: &'static str| {
        move |s: &mut Snapshot| {
            known(&mut services(s).vpc_block_public_access).internet_gateway_block_mode =
                serde_json::from_value(json!(m)).unwrap()
        }
    };
    check("EC2.172", mode("block-bidirectional"), Passed);
    check("EC2.172", mode("block-ingress"), Passed);
    check("EC2.172", mode("off"), Failed);
    check("EC2.172", nothing, Failed);
    check(
        "EC2.172",
        |s| services(s).vpc_block_public_access = unreadable(),
        NoData,
    );
}

/// VPC controls that pass on [`closed_vpc`], fail on [`default_vpc`], and have no data
/// without VPCs or when the VPCs are unreadable.
#[test]
fn vpc_controls_closed_vs_default_vpc() {
    for id in [
        "EC2.2", "EC2.6", "EC2.10", "EC2.15", "EC2.21", "EC2.55", "EC2.56", "EC2.57", "EC2.58",
        "EC2.60",
    ] {
        check(id, |s| vpcs(s).push(closed_vpc()), Passed);
        check(id, |s| vpcs(s).push(default_vpc()), Failed);
        check(
            id,
            |s| vpcs(s).extend([closed_vpc(), default_vpc()]),
            Failed,
        );
        check(id, nothing, NoData);
        check(id, |s| services(s).vpcs = unreadable(), NoData);
    }
    assert_eq!(
        failing("EC2.2", |s| vpcs(s).push(default_vpc())),
        ["us-east-1: vpc-0abc default security group sg-default allows traffic"]
    );
}

#[test]
fn vpc_endpoint_service_names() {
    let only = |endpoint: String| {
        move |s: &mut Snapshot| {
            let mut vpc = closed_vpc();
            vpc.endpoints = vec![endpoint];
            vpcs(s).push(vpc);
        }
    };
    for (id, suffix) in VPC_ENDPOINT_SERVICES {
        check(id, only(format!("com.amazonaws.{REGION}.{suffix}")), Passed);
        check(
            id,
            only(format!("com.amazonaws.{REGION}.{suffix}-fips")),
            Passed,
        );
        check(id, only(format!("com.amazonaws.{OTHER}.{suffix}")), Failed);
        check(id, only(format!("com.amazonaws.{REGION}.s3")), Failed);
    }
    assert_eq!(
        VPC_ENDPOINT_SERVICES
            .iter()
            .map(|(_, s)| *s)
            .collect::<Vec<_>>(),
        [
            "ec2",
            "ecr.api",
            "ecr.dkr",
            "ssm",
            "ssm-contacts",
            "ssm-incidents"
        ]
    );
}

#[test]
fn ec2_16_unused_network_acls() {
    check("EC2.16", |s| vpcs(s).push(default_vpc()), Passed);
    check(
        "EC2.16",
        |s| {
            let mut vpc = default_vpc();
            vpc.network_acls[0].associated_subnets.clear();
            vpcs(s).push(vpc);
        },
        Failed,
    );
    check("EC2.16", nothing, NoData);
}

#[test]
fn ec2_18_only_authorized_ports_open() {
    let group =
        |rules: Vec<NetworkRule>| move |s: &mut Snapshot| vpcs(s).push(vpc_with_group(rules));
    check(
        "EC2.18",
        group(vec![rule("tcp", Some((443, 443)), "0.0.0.0/0")]),
        Passed,
    );
    check(
        "EC2.18",
        group(vec![
            rule("tcp", Some((80, 80)), "0.0.0.0/0"),
            rule("6", Some((443, 443)), "::/0"),
        ]),
        Passed,
    );
    check(
        "EC2.18",
        group(vec![rule("icmp", None, "0.0.0.0/0")]),
        Passed,
    );
    check(
        "EC2.18",
        group(vec![rule("tcp", Some((22, 22)), "0.0.0.0/0")]),
        Failed,
    );
    check(
        "EC2.18",
        group(vec![rule("tcp", Some((80, 443)), "0.0.0.0/0")]),
        Failed,
    );
    check(
        "EC2.18",
        group(vec![rule("udp", Some((443, 443)), "0.0.0.0/0")]),
        Failed,
    );
    check("EC2.18", group(vec![rule("-1", None, "::/0")]), Failed);
    // No group open to the world: the rule is not applicable, so no finding.
    check(
        "EC2.18",
        group(vec![rule("tcp", Some((22, 22)), "10.0.0.0/8")]),
        NoData,
    );
    check("EC2.18", |s| vpcs(s).push(default_vpc()), NoData);
}

#[test]
fn ec2_19_high_risk_ports() {
    let group =
        |rules: Vec<NetworkRule>| move |s: &mut Snapshot| vpcs(s).push(vpc_with_group(rules));
    check("EC2.19", |s| vpcs(s).push(default_vpc()), Passed);
    check(
        "EC2.19",
        group(vec![rule("tcp", Some((443, 443)), "0.0.0.0/0")]),
        Passed,
    );
    check(
        "EC2.19",
        group(vec![rule("tcp", Some((3389, 3389)), "0.0.0.0/0")]),
        Failed,
    );
    check(
        "EC2.19",
        group(vec![rule("tcp", Some((9000, 9300)), "::/0")]),
        Failed,
    );
    check("EC2.19", group(vec![rule("-1", None, "0.0.0.0/0")]), Failed);
    check(
        "EC2.19",
        group(vec![rule("tcp", Some((22, 22)), "203.0.113.0/24")]),
        Passed,
    );
    check("EC2.19", nothing, NoData);
    assert_eq!(
        failing(
            "EC2.19",
            group(vec![rule("tcp", Some((3306, 3306)), "0.0.0.0/0")])
        ),
        ["us-east-1: vpc-0closed security group sg-web allows port 3306 from 0.0.0.0/0"]
    );
    assert_eq!(EC2_19_HIGH_RISK_PORTS.len(), 24);
}

#[test]
fn ec2_21_network_acls_ssh_rdp() {
    let acl = |rules: Vec<NetworkRule>| {
        move |s: &mut Snapshot| {
            let mut vpc = closed_vpc();
            vpc.network_acls[0].ingress_allow = rules;
            vpcs(s).push(vpc);
        }
    };
    check(
        "EC2.21",
        acl(vec![rule("6", Some((22, 22)), "10.0.0.0/8")]),
        Passed,
    );
    check(
        "EC2.21",
        acl(vec![rule("17", Some((22, 22)), "0.0.0.0/0")]),
        Passed,
    );
    check(
        "EC2.21",
        acl(vec![rule("6", Some((1024, 65535)), "0.0.0.0/0")]),
        Failed,
    );
    check(
        "EC2.21",
        acl(vec![rule("6", Some((22, 22)), "::/0")]),
        Failed,
    );
    check("EC2.21", acl(vec![rule("-1", None, "0.0.0.0/0")]), Failed);
}

// ---------------------------------------------------------------------------------------
// GuardDuty, Inspector, Macie, SSM, Athena, KMS.

#[test]
fn guardduty_1_detector() {
    check(
        "GuardDuty.1",
        |s| services(s).guardduty = Observed::Known(Some(detector())),
        Passed,
    );
    check("GuardDuty.1", nothing, Failed);
    check(
        "GuardDuty.1",
        |s| {
            services(s).guardduty = Observed::Known(Some(Detector {
                enabled: false,
                ..detector()
            }))
        },
        Failed,
    );
    check(
        "GuardDuty.1",
        |s| services(s).guardduty = unreadable(),
        NoData,
    );
}

#[test]
fn guardduty_features() {
    let with =
        |d: Detector| move |s: &mut Snapshot| services(s).guardduty = Observed::Known(Some(d));
    for (id, key) in GUARDDUTY_FEATURES {
        check(id, with(detector()), Passed);
        let mut off = detector();
        off.features.insert(key.to_string(), false);
        check(id, with(off), Failed);
        let mut missing = detector();
        missing.features.remove(*key);
        check(id, with(missing), Failed);
        check(
            id,
            with(Detector {
                enabled: false,
                ..detector()
            }),
            Failed,
        );
        check(id, nothing, Failed);
        check(id, |s| services(s).guardduty = unreadable(), NoData);
    }
    // An additional configuration counts only with its feature on.
    let mut without_feature = detector();
    without_feature
        .features
        .insert("RUNTIME_MONITORING".into(), false);
    for id in ["GuardDuty.7", "GuardDuty.12", "GuardDuty.13"] {
        check(id, with(without_feature.clone()), Failed);
    }
    // GuardDuty.7 also accepts the legacy EKS Runtime Monitoring with its automated agent.
    let mut legacy = without_feature.clone();
    legacy
        .features
        .insert("EKS_RUNTIME_MONITORING".into(), true);
    legacy
        .features
        .insert("EKS_RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT".into(), true);
    check("GuardDuty.7", with(legacy), Passed);
    assert_eq!(
        GUARDDUTY_FEATURES
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        (5..=13)
            .map(|n| format!("GuardDuty.{n}"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn inspector_scans() {
    let all = Inspector {
        ec2: true,
        ecr: true,
        lambda: true,
        lambda_code: true,
        ..Inspector::default()
    };
    for (id, off) in [
        (
            "Inspector.1",
            Inspector {
                ec2: false,
                ..all.clone()
            },
        ),
        (
            "Inspector.2",
            Inspector {
                ecr: false,
                ..all.clone()
            },
        ),
        (
            "Inspector.3",
            Inspector {
                lambda_code: false,
                ..all.clone()
            },
        ),
        (
            "Inspector.4",
            Inspector {
                lambda: false,
                ..all.clone()
            },
        ),
    ] {
        let on = all.clone();
        check(id, |s| services(s).inspector = Observed::Known(on), Passed);
        check(id, |s| services(s).inspector = Observed::Known(off), Failed);
        check(id, nothing, Failed);
        check(id, |s| services(s).inspector = unreadable(), NoData);
    }
}

/// A type still `ENABLING` (its flag set or not) is not scanning yet; one that ended
/// `DISABLED` with an error neither.
#[test]
fn inspector_enabling_is_not_enabled_yet() {
    let mut enabling = Inspector {
        ec2: true,
        ..Inspector::default()
    };
    enabling.resource_states.insert(
        "EC2".into(),
        InspectorResourceState::new(InspectorStatus::Enabling),
    );
    check(
        "Inspector.1",
        |s| services(s).inspector = Observed::Known(enabling),
        Failed,
    );
}

#[test]
fn inspector_readiness_of_the_types_asked() {
    let asked = |ts: &[&str]| ts.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    let state = |status, code: Option<&str>| InspectorResourceState {
        status,
        error_code: code.map(str::to_string),
        error_message: code.map(|c| format!("{c} message")),
    };
    let mut i = Inspector {
        ec2: true,
        ..Inspector::default()
    };
    assert_eq!(i.readiness(&asked(&["EC2"])), InspectorReadiness::Enabled);
    // ECR shows a plain DISABLED: Enable not seen yet.
    assert_eq!(
        i.readiness(&asked(&["EC2", "ECR"])),
        InspectorReadiness::NotStarted
    );
    i.resource_states
        .insert("ECR".into(), state(InspectorStatus::Enabling, None));
    assert_eq!(
        i.readiness(&asked(&["EC2", "ECR"])),
        InspectorReadiness::InTransition
    );
    i.resource_states.insert(
        "LAMBDA".into(),
        state(InspectorStatus::Disabled, Some("SSM_UNAVAILABLE")),
    );
    assert_eq!(
        i.readiness(&asked(&["EC2", "ECR", "LAMBDA"])),
        InspectorReadiness::Ended {
            resource_type: "LAMBDA".into(),
            state: state(InspectorStatus::Disabled, Some("SSM_UNAVAILABLE")),
        }
    );
    i.resource_states
        .insert("ECR".into(), state(InspectorStatus::Suspended, None));
    assert!(matches!(
        i.readiness(&asked(&["ECR"])),
        InspectorReadiness::Ended { resource_type, .. } if resource_type == "ECR"
    ));
}

/// The snapshot JSON of Inspector is as before while nothing is in transition, and
/// carries `resource_states` only when something is.
#[test]
fn inspector_json_leaves_out_empty_states() {
    let steady = Inspector {
        ec2: true,
        ..Inspector::default()
    };
    assert_eq!(
        serde_json::to_string(&steady).unwrap(),
        r#"{"ec2":true,"ecr":false,"lambda":false,"lambda_code":false}"#
    );
    let mut enabling = Inspector::default();
    enabling.resource_states.insert(
        "EC2".into(),
        InspectorResourceState::new(InspectorStatus::Enabling),
    );
    enabling.resource_states.insert(
        "LAMBDA".into(),
        InspectorResourceState {
            status: InspectorStatus::Disabled,
            error_code: Some("INTERNAL_ERROR".into()),
            error_message: Some("m".into()),
        },
    );
    let text = serde_json::to_string(&enabling).unwrap();
    assert_eq!(
        text,
        r#"{"ec2":false,"ecr":false,"lambda":false,"lambda_code":false,"resource_states":{"EC2":{"status":"ENABLING"},"LAMBDA":{"status":"DISABLED","error_code":"INTERNAL_ERROR","error_message":"m"}}}"#
    );
    assert_eq!(serde_json::from_str::<Inspector>(&text).unwrap(), enabling);
}

#[test]
fn macie_1_2() {
    let macie = |enabled, automated_discovery| {
        move |s: &mut Snapshot| {
            services(s).macie = Observed::Known(Macie {
                enabled,
                automated_discovery,
                ..Macie::default()
            })
        }
    };
    check("Macie.1", macie(true, false), Passed);
    check("Macie.1", macie(false, false), Failed);
    check("Macie.2", macie(true, true), Passed);
    check("Macie.2", macie(true, false), Failed);
    check("Macie.2", macie(false, true), Failed);
    check("Macie.1", |s| services(s).macie = unreadable(), NoData);
    check("Macie.2", |s| services(s).macie = unreadable(), NoData);
}

fn ssm(s: &mut Snapshot) -> &mut Ssm {
    known(&mut services(s).ssm)
}

#[test]
fn ssm_4_6_7() {
    check("SSM.4", nothing, Passed);
    check(
        "SSM.4",
        |s| ssm(s).public_documents.push("doc".into()),
        Failed,
    );
    check(
        "SSM.6",
        |s| ssm(s).automation_log_destination = Some("CloudWatch".into()),
        Passed,
    );
    check("SSM.6", nothing, Failed);
    check("SSM.7", |s| ssm(s).public_sharing_blocked = true, Passed);
    check("SSM.7", nothing, Failed);
    for id in ["SSM.4", "SSM.6", "SSM.7"] {
        check(id, |s| services(s).ssm = unreadable(), NoData);
    }
}

#[test]
fn athena_4_enabled_workgroups_publish_metrics() {
    let groups = |wgs: Vec<WorkGroup>| {
        move |s: &mut Snapshot| services(s).athena_workgroups = Observed::Known(wgs)
    };
    check("Athena.4", groups(vec![workgroup("primary", true)]), Passed);
    check(
        "Athena.4",
        groups(vec![workgroup("primary", false)]),
        Failed,
    );
    let disabled = WorkGroup {
        state: "DISABLED".into(),
        ..workgroup("old", false)
    };
    check(
        "Athena.4",
        groups(vec![workgroup("primary", true), disabled.clone()]),
        Passed,
    );
    check("Athena.4", groups(vec![disabled]), NoData);
    check("Athena.4", nothing, NoData);
    check(
        "Athena.4",
        |s| services(s).athena_workgroups = unreadable(),
        NoData,
    );
}

#[test]
fn kms_3_keys_not_pending_deletion() {
    let keys = |ks: Vec<KmsKey>| move |s: &mut Snapshot| services(s).kms_keys = Observed::Known(ks);
    check("KMS.3", keys(vec![kms_key("k")]), Passed);
    check(
        "KMS.3",
        keys(vec![KmsKey {
            key_state: KeyState::PendingDeletion,
            ..kms_key("k")
        }]),
        Failed,
    );
    check("KMS.3", nothing, NoData);
    check("KMS.3", |s| services(s).kms_keys = unreadable(), NoData);
}

#[test]
fn kms_5_key_policies_not_public() {
    let with = |extra: Option<serde_json::Value>| {
        move |s: &mut Snapshot| {
            let key = KmsKey {
                policy: key_policy(extra),
                ..kms_key("k")
            };
            services(s).kms_keys = Observed::Known(vec![key]);
        }
    };
    check("KMS.5", with(None), Passed);
    check(
        "KMS.5",
        with(Some(
            json!({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt"}),
        )),
        Failed,
    );
    check(
        "KMS.5",
        with(Some(
            json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*"}),
        )),
        Failed,
    );
    check(
        "KMS.5",
        with(Some(json!({
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
            "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}
        }))),
        Passed,
    );
    check(
        "KMS.5",
        with(Some(json!({
            "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*"}}
        }))),
        Passed,
    );
    check("KMS.5", nothing, NoData);
    check("KMS.5", |s| services(s).kms_keys = unreadable(), NoData);
}

// ---------------------------------------------------------------------------------------
// S3.

#[test]
fn s3_1_account_block_public_access() {
    let pab = |p: Option<PublicAccessBlock>| {
        move |s: &mut Snapshot| s.global.account_public_access_block = Observed::Known(p)
    };
    check("S3.1", pab(Some(PublicAccessBlock::ALL)), Passed);
    check(
        "S3.1",
        pab(Some(PublicAccessBlock {
            restrict_public_buckets: false,
            ..PublicAccessBlock::ALL
        })),
        Failed,
    );
    check("S3.1", pab(None), Failed);
    check(
        "S3.1",
        |s| s.global.account_public_access_block = unreadable(),
        NoData,
    );
}

/// A bucket-level control passes on [`bucket`], fails on [`open_bucket`], and has no data
/// without a bucket in the region or when the bucket list is unreadable.
#[test]
fn bucket_controls_compliant_vs_open_bucket() {
    for id in ["S3.5", "S3.8", "S3.9", "S3.12", "S3.13"] {
        check(id, |s| buckets(s).push(bucket("b")), Passed);
        check(id, |s| buckets(s).push(open_bucket("b")), Failed);
        check(
            id,
            |s| buckets(s).extend([bucket("a"), open_bucket("b")]),
            Failed,
        );
        check(id, nothing, NoData);
        check(
            id,
            |s| {
                buckets(s).push(Bucket {
                    region: OTHER.into(),
                    ..open_bucket("b")
                })
            },
            NoData,
        );
        check(id, |s| s.global.buckets = unreadable(), NoData);
    }
    for id in ["S3.2", "S3.3", "S3.6"] {
        check(id, |s| buckets(s).push(bucket("b")), Passed);
        check(id, |s| buckets(s).push(open_bucket("b")), Passed);
        check(id, nothing, NoData);
        check(id, |s| s.global.buckets = unreadable(), NoData);
    }
}

#[test]
fn s3_buckets_are_evaluated_in_their_region_only() {
    let mut s = snapshot();
    buckets(&mut s).push(Bucket {
        region: OTHER.into(),
        ..open_bucket("eu")
    });
    let got = evaluate(&s, &catalog_of(&["S3.8"]), &scope(&[REGION, OTHER]));
    assert_eq!(got.controls[0].regions[REGION], NoData);
    assert_eq!(got.controls[0].regions[OTHER], Failed);
    assert_eq!(
        got.controls[0].failing_resources,
        ["eu-west-1: bucket `eu` block public access is not fully on"]
    );
    // Legacy location constraints: an empty one is us-east-1.
    check(
        "S3.8",
        |s| {
            buckets(s).push(Bucket {
                region: String::new(),
                ..open_bucket("old")
            })
        },
        Failed,
    );
}

fn public_statement(actions: &[&str]) -> serde_json::Value {
    json!({"Effect": "Allow", "Principal": "*", "Action": actions, "Resource": "arn:aws:s3:::b/*"})
}

#[test]
fn s3_2_s3_3_public_read_and_write() {
    let public = |actions: &'static [&'static str], pab: Option<PublicAccessBlock>| {
        move |s: &mut Snapshot| {
            let b = Bucket {
                policy: Some(policy_with("b", public_statement(actions))),
                public_access_block: pab,
                ..bucket("b")
            };
            buckets(s).push(b);
        }
    };
    check("S3.2", public(&["s3:GetObject"], None), Failed);
    check("S3.3", public(&["s3:GetObject"], None), Passed);
    check("S3.3", public(&["s3:PutObject"], None), Failed);
    check("S3.2", public(&["s3:PutObject"], None), Passed);
    check("S3.2", public(&["s3:*"], None), Failed);
    check("S3.3", public(&["s3:*"], None), Failed);
    // RestrictPublicBuckets at bucket or account level makes a public policy harmless.
    let restrict = PublicAccessBlock {
        restrict_public_buckets: true,
        ..PublicAccessBlock::default()
    };
    check("S3.2", public(&["s3:GetObject"], Some(restrict)), Passed);
    check(
        "S3.2",
        |s| {
            public(&["s3:GetObject"], None)(s);
            s.global.account_public_access_block = Observed::Known(Some(PublicAccessBlock::ALL));
        },
        Passed,
    );
    // Account settings unreadable: a bucket public on its own settings cannot be judged.
    check(
        "S3.2",
        |s| {
            public(&["s3:GetObject"], None)(s);
            s.global.account_public_access_block = unreadable();
        },
        NoData,
    );
    // A condition on fixed accounts makes the statement non-public.
    check(
        "S3.2",
        |s| {
            let statement = json!({
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}
            });
            buckets(s).push(Bucket {
                policy: Some(policy_with("b", statement)),
                public_access_block: None,
                ..bucket("b")
            });
        },
        Passed,
    );
    // A public ACL counts unless ACLs are ignored or disabled.
    let acl = |ownership: &'static str, pab: Option<PublicAccessBlock>| {
        move |s: &mut Snapshot| {
            buckets(s).push(Bucket {
                public_acl: true,
                object_ownership: Some(ownership.into()),
                public_access_block: pab,
                ..bucket("b")
            })
        }
    };
    check("S3.2", acl("ObjectWriter", None), Failed);
    check("S3.3", acl("ObjectWriter", None), Failed);
    check("S3.2", acl("BucketOwnerEnforced", None), Passed);
    let ignore = PublicAccessBlock {
        ignore_public_acls: true,
        ..PublicAccessBlock::default()
    };
    check("S3.2", acl("ObjectWriter", Some(ignore)), Passed);
}

#[test]
fn s3_5_tls_only_policy() {
    let policy = |p: Option<String>| {
        move |s: &mut Snapshot| {
            buckets(s).push(Bucket {
                policy: p,
                ..bucket("b")
            })
        }
    };
    check("S3.5", policy(Some(tls_only_policy("b"))), Passed);
    check("S3.5", policy(None), Failed);
    check("S3.5", policy(Some("not json".into())), Failed);
    let variant = |edit: fn(&mut serde_json::Value)| {
        let mut doc: serde_json::Value = serde_json::from_str(&tls_only_policy("b")).unwrap();
        edit(&mut doc["Statement"][0]);
        Some(doc.to_string())
    };
    check(
        "S3.5",
        policy(variant(|s| {
            s["Condition"] = json!({"Bool": {"aws:SecureTransport": false}})
        })),
        Passed,
    );
    check(
        "S3.5",
        policy(variant(|s| s["Principal"] = json!({"AWS": "*"}))),
        Passed,
    );
    check(
        "S3.5",
        policy(variant(|s| s["Resource"] = json!("arn:aws:s3:::b/*"))),
        Failed,
    );
    check(
        "S3.5",
        policy(variant(|s| s["Action"] = json!("s3:GetObject"))),
        Failed,
    );
    check(
        "S3.5",
        policy(variant(|s| s["Effect"] = json!("Allow"))),
        Failed,
    );
    check(
        "S3.5",
        policy(variant(|s| {
            s["Condition"] = json!({"Bool": {"aws:SecureTransport": "true"}})
        })),
        Failed,
    );
}

#[test]
fn s3_6_other_accounts_blocked_actions() {
    let grant = |principal: serde_json::Value, action: &'static str| {
        move |s: &mut Snapshot| {
            let statement = json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "arn:aws:s3:::b"});
            buckets(s).push(Bucket {
                policy: Some(policy_with("b", statement)),
                ..bucket("b")
            });
        }
    };
    check(
        "S3.6",
        grant(
            json!({"AWS": "arn:aws:iam::999999999999:root"}),
            "s3:PutBucketPolicy",
        ),
        Failed,
    );
    check(
        "S3.6",
        grant(json!({"AWS": "999999999999"}), "s3:Put*"),
        Failed,
    );
    check("S3.6", grant(json!("*"), "s3:*"), Failed);
    check(
        "S3.6",
        grant(
            json!({"AWS": "arn:aws:iam::999999999999:root"}),
            "s3:GetObject",
        ),
        Passed,
    );
    check(
        "S3.6",
        grant(
            json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/admin")}),
            "s3:PutBucketPolicy",
        ),
        Passed,
    );
    check(
        "S3.6",
        grant(
            json!({"Service": "cloudtrail.amazonaws.com"}),
            "s3:PutObjectAcl",
        ),
        Passed,
    );
    check(
        "S3.6",
        |s| {
            buckets(s).push(Bucket {
                policy: Some("{".into()),
                ..bucket("b")
            })
        },
        NoData,
    );
}

#[test]
fn s3_8_9_12_13_details() {
    let edit = |f: fn(&mut Bucket)| {
        move |s: &mut Snapshot| {
            let mut b = bucket("b");
            f(&mut b);
            buckets(s).push(b);
        }
    };
    check(
        "S3.8",
        edit(|b| {
            b.public_access_block = Some(PublicAccessBlock {
                block_public_policy: false,
                ..PublicAccessBlock::ALL
            })
        }),
        Failed,
    );
    check("S3.8", edit(|b| b.public_access_block = None), Failed);
    check("S3.9", edit(|b| b.logging_target = None), Failed);
    check(
        "S3.12",
        edit(|b| b.object_ownership = Some("BucketOwnerPreferred".into())),
        Failed,
    );
    check("S3.12", edit(|b| b.object_ownership = None), Failed);
    check("S3.13", edit(|b| b.lifecycle_rules.clear()), Failed);
    check(
        "S3.13",
        edit(|b| {
            b.lifecycle_rules.insert(
                "expire".into(),
                r#"{"ID":"expire","Status":"Disabled"}"#.into(),
            );
        }),
        Failed,
    );
}

// ---------------------------------------------------------------------------------------
// Semantics across controls and regions.

#[test]
fn every_modelled_control_is_an_active_catalog_control() {
    let catalog = Catalog::builtin();
    for id in modelled_controls() {
        let control = catalog
            .get(id)
            .unwrap_or_else(|| panic!("{id} not in catalog"));
        assert_eq!(
            control.status,
            crate::catalog::ControlStatus::Active,
            "{id}"
        );
    }
    assert_eq!(modelled_controls().count(), 60);
    assert!(!is_modelled("EC2.8"));
}

#[test]
fn unmodelled_controls_are_no_data_everywhere() {
    let eval = evaluate(&baselined(), Catalog::builtin(), &scope(&[REGION, OTHER]));
    let acm = eval.control("ACM.1").unwrap();
    assert_eq!(acm.status, NoData);
    assert!(acm.regions.values().all(|s| *s == NoData));
}

#[test]
fn aggregation_across_regions() {
    assert_eq!(aggregate([Passed, Failed, NoData]), Failed);
    assert_eq!(aggregate([Passed, NoData]), Passed);
    assert_eq!(aggregate([NoData, NoData]), NoData);
    assert_eq!(aggregate([Disabled, Passed]), Passed);
    assert_eq!(aggregate([Disabled, NoData]), NoData);
    assert_eq!(aggregate([Disabled, Disabled]), Disabled);
    assert_eq!(aggregate([]), NoData);

    // EC2.7 passes in one region and fails in the other: failed, with the region named.
    let mut s = snapshot();
    ebs(&mut s).encryption_by_default = true;
    let eval = evaluate(&s, &catalog_of(&["EC2.7"]), &scope(&[OTHER, REGION]));
    let ec2_7 = &eval.controls[0];
    assert_eq!(ec2_7.status, Failed);
    assert_eq!(ec2_7.regions_failed, [OTHER]);
    assert_eq!(ec2_7.regions[REGION], Passed);
    assert_eq!(
        ec2_7.failing_resources,
        ["eu-west-1: EBS encryption by default is off"]
    );
}

fn disable(s: &mut Snapshot, region: &str, id: &str) {
    let hub = SecurityHub {
        fsbp_controls: [(
            id.to_string(),
            ControlAssociation {
                enabled: false,
                disabled_reason: Some("reviewed".into()),
            },
        )]
        .into_iter()
        .collect(),
        ..SecurityHub::default()
    };
    services_in(s, region).security_hub = Observed::Known(Some(hub));
}

#[test]
fn disabled_controls() {
    // Disabled where it would fail: the other region decides.
    let mut s = snapshot();
    ebs(&mut s).encryption_by_default = true;
    disable(&mut s, OTHER, "EC2.7");
    let eval = evaluate(&s, &catalog_of(&["EC2.7"]), &scope(&[REGION, OTHER]));
    assert_eq!(eval.controls[0].regions[OTHER], Disabled);
    assert_eq!(eval.controls[0].status, Passed);
    assert!(eval.controls[0].failing_resources.is_empty());
    // Disabled everywhere: disabled, and out of the score.
    disable(&mut s, REGION, "EC2.7");
    let eval = evaluate(&s, &catalog_of(&["EC2.7"]), &scope(&[REGION, OTHER]));
    assert_eq!(eval.controls[0].status, Disabled);
    assert_eq!(
        (eval.score.disabled, eval.score.passed, eval.score.failed),
        (1, 0, 0)
    );
    // An association that is enabled, or a hub without the control, changes nothing.
    let mut s = snapshot();
    disable(&mut s, REGION, "EC2.6");
    check("EC2.7", |x| *x = s, Failed);
    // Unreadable Security Hub: the control counts as enabled.
    check("EC2.7", |s| services(s).security_hub = unreadable(), Failed);
}

#[test]
fn unreadable_region_parts_are_no_data_there_only() {
    let mut s = snapshot();
    services_in(&mut s, OTHER).guardduty = unreadable();
    let eval = evaluate(&s, &catalog_of(&["GuardDuty.1"]), &scope(&[REGION, OTHER]));
    assert_eq!(eval.controls[0].regions[OTHER], NoData);
    assert_eq!(eval.controls[0].regions[REGION], Failed);
    assert_eq!(eval.controls[0].regions_failed, [REGION]);
}

#[test]
fn regions_outside_the_scope_or_the_snapshot() {
    let mut s = snapshot();
    // Outside the scope: ignored.
    ebs(&mut s).encryption_by_default = false;
    let eval = evaluate(
        &s,
        &catalog_of(&["EC2.7", "IAM.4"]),
        &scope(&[OTHER, "ap-south-1", "af-south-1"]),
    );
    let ec2_7 = eval.control("EC2.7").unwrap();
    assert_eq!(
        ec2_7.regions.keys().collect::<Vec<_>>(),
        ["af-south-1", "ap-south-1", "eu-west-1"]
    );
    // Missing from the snapshot or not enabled: regional controls have no data there,
    // global ones are still evaluated from account-wide data.
    assert_eq!(ec2_7.regions["ap-south-1"], NoData);
    assert_eq!(ec2_7.regions["af-south-1"], NoData);
    let iam_4 = eval.control("IAM.4").unwrap();
    assert!(iam_4.regions.values().all(|s| *s == Passed));
}

#[test]
fn global_controls_are_identical_in_every_region() {
    let mut s = snapshot();
    known(&mut s.global.root).access_keys = 2;
    let eval = evaluate(&s, &catalog_of(&["IAM.4"]), &scope(&[REGION, OTHER]));
    let iam_4 = &eval.controls[0];
    assert!(!Catalog::builtin().get("IAM.4").unwrap().regional);
    assert_eq!(iam_4.regions_failed, [OTHER, REGION]);
    assert_eq!(
        iam_4.failing_resources,
        ["global: root user has 2 access key(s)"]
    );
    // Disabled outside the home region, as the baseline does: evaluated in the home only.
    disable(&mut s, OTHER, "IAM.4");
    let eval = evaluate(&s, &catalog_of(&["IAM.4"]), &scope(&[REGION, OTHER]));
    assert_eq!(eval.controls[0].regions_failed, [REGION]);
    assert_eq!(eval.controls[0].regions[OTHER], Disabled);
}

fn result_with(id: &str, regions: &[(&str, Status)], status: Status) -> ControlResult {
    ControlResult {
        id: id.into(),
        status,
        regions_failed: vec![],
        regions: regions.iter().map(|(r, s)| (r.to_string(), *s)).collect(),
        failing_resources: vec![],
        failures: vec![],
        suppressed: vec![],
    }
}

/// The score of given results (by the tally `evaluate` keeps).
fn score_of(controls: &[ControlResult], scope: &Scope) -> Score {
    let mut tally = Tally::new(scope.regions.len());
    for (i, c) in controls.iter().enumerate() {
        tally.add(i, &c.id, c.status, c.regions.statuses());
    }
    tally.score(scope, 0.0)
}

#[test]
fn score_maths() {
    let controls = [
        result_with("A.1", &[(REGION, Passed), (OTHER, Passed)], Passed),
        result_with("A.2", &[(REGION, Passed), (OTHER, Failed)], Failed),
        result_with("A.3", &[(REGION, Passed), (OTHER, NoData)], Passed),
        result_with("A.4", &[(REGION, NoData), (OTHER, NoData)], NoData),
        result_with("A.5", &[(REGION, Disabled), (OTHER, Disabled)], Disabled),
    ];
    let got = score_of(&controls, &scope(&[REGION, OTHER]));
    assert_eq!(got.percent, 66.67);
    assert_eq!(
        (got.passed, got.failed, got.no_data, got.disabled),
        (2, 1, 1, 1)
    );
    assert_eq!(got.failed_controls, ["A.2"]);
    assert_eq!(
        got.regions[REGION],
        RegionScore {
            percent: 100.0,
            passed: 3,
            failed: 0
        }
    );
    assert_eq!(
        got.regions[OTHER],
        RegionScore {
            percent: 50.0,
            passed: 1,
            failed: 1
        }
    );
    // Nothing with data: 0, not NaN.
    let got = score_of(&controls[3..], &scope(&[REGION]));
    assert_eq!(got.percent, 0.0);
    assert_eq!(percent(1, 2), 33.33);
    assert_eq!(percent(2, 1), 66.67);
    assert_eq!(percent(7, 0), 100.0);
}

#[test]
fn failed_controls_are_in_catalog_order() {
    let eval = evaluate(&snapshot(), Catalog::builtin(), &scope(&[REGION, OTHER]));
    let order: Vec<&str> = Catalog::builtin().active().map(|c| c.id.as_str()).collect();
    let positions: Vec<usize> = eval
        .score
        .failed_controls
        .iter()
        .map(|id| order.iter().position(|o| o == id).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        eval.score.failed_controls
    );
}

#[test]
fn fresh_account_fails_what_the_baseline_fixes() {
    let mut s = snapshot();
    vpcs(&mut s).push(default_vpc());
    let eval = evaluate(&s, Catalog::builtin(), &scope(&[REGION, OTHER]));
    let status = |id: &str| eval.control(id).unwrap().status;
    for id in [
        "Account.1",
        "CloudTrail.1",
        "Config.1",
        "EC2.2",
        "EC2.6",
        "EC2.7",
        "EC2.10",
        "EC2.15",
        "EC2.21",
        "EC2.55",
        "EC2.172",
        "EC2.182",
        "GuardDuty.1",
        "GuardDuty.5",
        "IAM.6",
        "IAM.7",
        "Inspector.1",
        "Macie.1",
        "S3.1",
        "SSM.6",
        "SSM.7",
    ] {
        assert_eq!(status(id), Failed, "{id}");
    }
    for id in ["EC2.1", "EC2.16", "EC2.19", "IAM.4", "SSM.4"] {
        assert_eq!(status(id), Passed, "{id}");
    }
    for id in [
        "CloudTrail.2",
        "EC2.18",
        "IAM.5",
        "KMS.3",
        "S3.2",
        "Athena.4",
    ] {
        assert_eq!(status(id), NoData, "{id}");
    }
    assert!(eval.score.percent < 30.0, "{}", eval.score.percent);
}

#[test]
fn baselined_account_scores_100() {
    let eval = evaluate(&baselined(), Catalog::builtin(), &scope(&[REGION, OTHER]));
    assert_eq!(
        eval.score.failed_controls,
        Vec::<String>::new(),
        "{:#?}",
        eval.controls
            .iter()
            .filter(|c| c.status == Failed)
            .collect::<Vec<_>>()
    );
    assert_eq!(eval.score.percent, 100.0);
    assert_eq!(eval.score.percent_if_manual_done, 100.0);
    // Every modelled control passes but the 13 VPC controls (no VPC left) and IAM.5 (no
    // IAM user), which have no data.
    assert_eq!(eval.score.passed, 58 - 13 - 1);
    for region in [REGION, OTHER] {
        assert_eq!(eval.score.regions[region].failed, 0);
    }
}

#[test]
fn percent_if_manual_done() {
    // The baselined account with the human tasks left: virtual root MFA, no contact.
    let mut s = baselined();
    known(&mut s.global.root).mfa = MfaKind::Virtual;
    s.global.security_contact = Observed::Known(None);
    s.global.users = Observed::Known(vec![IamUser {
        name: "bob".into(),
        console_password: true,
        mfa_devices: 0,
        active_access_keys: 0,
    }]);
    let eval = evaluate(&s, Catalog::builtin(), &scope(&[REGION, OTHER]));
    assert_eq!(eval.score.failed_controls, ["Account.1", "IAM.5", "IAM.6"]);
    assert!(eval.score.percent < 100.0);
    assert_eq!(eval.score.percent_if_manual_done, 100.0);
    // What is not a manual task stays failed in the manual view.
    ebs(&mut s).encryption_by_default = false;
    let eval = evaluate(&s, Catalog::builtin(), &scope(&[REGION, OTHER]));
    assert!(eval.score.percent_if_manual_done < 100.0);
}

/// `percent_if_manual_done` runs `assume_done` on the account-wide part of the snapshot
/// only and reads the regions from the snapshot itself: that holds while manual tasks are
/// account-wide.
#[test]
fn manual_tasks_are_account_wide() {
    let mut s = baselined();
    known(&mut s.global.root).mfa = MfaKind::None;
    known(&mut s.global.root).access_keys = 1;
    s.global.security_contact = Observed::Known(None);
    s.global.users = Observed::Known(vec![IamUser {
        name: "bob".into(),
        console_password: true,
        mfa_devices: 0,
        active_access_keys: 0,
    }]);
    ebs(&mut s).encryption_by_default = false;
    for s in [snapshot(), baselined(), s] {
        let done = crate::manual::assume_done(&s);
        assert_eq!(done.regions, s.regions);
        assert_eq!(done.account_id, s.account_id);
        assert_eq!(done.format_version, s.format_version);
        // The manual view is the score of the snapshot with the manual tasks done.
        let scope = scope(&[REGION, OTHER]);
        assert_eq!(
            evaluate(&s, Catalog::builtin(), &scope)
                .score
                .percent_if_manual_done,
            evaluate(&done, Catalog::builtin(), &scope).score.percent
        );
    }
}

/// `score` is the score of `evaluate`, by a shorter way (no results, no failing lines).
#[test]
fn score_is_the_evaluation_score() {
    let mut disabled = baselined();
    // Disabled in one region only, and a control of another catalog.
    let hub = |s: &mut Snapshot, region: &str| {
        known(&mut services_in(s, region).security_hub)
            .as_mut()
            .expect("baselined hub")
            .fsbp_controls
            .insert(
                "EC2.7".into(),
                ControlAssociation {
                    enabled: false,
                    disabled_reason: Some("test".into()),
                },
            );
    };
    hub(&mut disabled, OTHER);
    let mut failing = snapshot();
    known(&mut failing.global.root).access_keys = 2;
    buckets(&mut failing).push(Bucket {
        public_acl: true,
        ..bucket("public")
    });
    let custom = catalog_of(&["EC2.7", "IAM.4", "S3.2", "ACM.1"]);
    for s in [snapshot(), baselined(), disabled, failing] {
        for regions in [&[REGION, OTHER][..], &[REGION], &[]] {
            let scope = scope(regions);
            for catalog in [Catalog::builtin(), &custom] {
                assert_eq!(
                    score(&s, catalog, &scope),
                    evaluate(&s, catalog, &scope).score
                );
            }
        }
    }
}

#[test]
fn evaluation_is_deterministic_and_serialises() {
    let s = baselined();
    let a = evaluate(&s, Catalog::builtin(), &scope(&[REGION, OTHER]));
    let b = evaluate(&s.clone(), Catalog::builtin(), &scope(&[OTHER, REGION]));
    assert_eq!(a, b);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["controls"][0]["status"], "passed");
    assert!(json["score"]["percent_if_manual_done"].is_number());
}

// ---------------------------------------------------------------------------------------
// Failing resources and suppressed findings (issue 20).

/// Each failure names the resource as Security Hub's finding does and says why.
#[test]
fn failures_name_the_resource_and_the_reason() {
    let got = result("EC2.2", |s| vpcs(s).push(default_vpc()));
    assert_eq!(
        got.failures,
        [Failure {
            region: REGION.into(),
            resource: arn::ec2(REGION, ACCOUNT, "security-group", "sg-default"),
            reason: "vpc-0abc default security group sg-default allows traffic".into(),
        }]
    );
    let got = result("S3.9", |s| buckets(s).push(open_bucket("site")));
    assert_eq!(got.failures[0].resource, "arn:aws:s3:::site");
    let got = result("Account.1", nothing);
    assert_eq!(
        got.failures[0].resource,
        format!("AWS::::Account:{ACCOUNT}")
    );
    assert_eq!(
        got.failing_resources,
        ["global: account has no SECURITY alternate contact"]
    );
}

fn finding(control: &str, resource: &str, workflow: WorkflowStatus) -> ControlFinding {
    ControlFinding {
        id: format!("finding/{control}/{resource}"),
        control: control.into(),
        resource: resource.into(),
        workflow,
        note: None,
    }
}

fn with_findings(s: &mut Snapshot, findings: Vec<ControlFinding>) {
    services(s).security_hub = Observed::Known(Some(SecurityHub {
        findings: Observed::Known(findings),
        ..SecurityHub::default()
    }));
}

/// Security Hub ignores `SUPPRESSED` findings when it derives a control's status: a control
/// whose every failing resource is suppressed passes when another resource passed, has no
/// data otherwise; the score follows; the evaluation keeps the suppressed ones apart.
#[test]
fn suppressed_findings_do_not_count() {
    let site = arn::bucket("site");
    let setup = |workflow: WorkflowStatus| {
        move |s: &mut Snapshot| {
            buckets(s).extend([open_bucket("site"), bucket("logs")]);
            with_findings(s, vec![finding("S3.9", &arn::bucket("site"), workflow)]);
        }
    };
    check("S3.9", setup(WorkflowStatus::New), Failed);
    check("S3.9", setup(WorkflowStatus::Notified), Failed);
    let got = result("S3.9", setup(WorkflowStatus::Suppressed));
    assert_eq!(got.regions[REGION], Passed, "{got:#?}");
    assert!(got.failures.is_empty());
    assert_eq!(got.suppressed.len(), 1);
    assert_eq!(got.suppressed[0].resource, site);
    // Only the suppressed bucket failed, and no other bucket is here: no data.
    check(
        "S3.9",
        |s| {
            buckets(s).push(open_bucket("site"));
            with_findings(
                s,
                vec![finding(
                    "S3.9",
                    &arn::bucket("site"),
                    WorkflowStatus::Suppressed,
                )],
            );
        },
        NoData,
    );
    // Another control's suppression, or another resource's, changes nothing.
    check(
        "S3.9",
        |s| {
            buckets(s).push(open_bucket("site"));
            with_findings(
                s,
                vec![
                    finding("S3.13", &arn::bucket("site"), WorkflowStatus::Suppressed),
                    finding("S3.9", &arn::bucket("other"), WorkflowStatus::Suppressed),
                ],
            );
        },
        Failed,
    );
    // The score (computed without failing resources) agrees with the evaluation.
    let mut s = snapshot();
    setup(WorkflowStatus::Suppressed)(&mut s);
    let catalog = catalog_of(&["S3.9", "Account.1"]);
    let e = evaluate(&s, &catalog, &scope(&[REGION]));
    assert_eq!(score(&s, &catalog, &scope(&[REGION])), e.score);
    assert_eq!(e.score.failed_controls, ["Account.1"]);
    // An account-level control suppressed: no data.
    check(
        "Account.1",
        |s| {
            with_findings(
                s,
                vec![finding(
                    "Account.1",
                    &arn::account(ACCOUNT),
                    WorkflowStatus::Suppressed,
                )],
            )
        },
        NoData,
    );
}

#[test]
fn cloudformation_3_and_4_look_at_every_stack() {
    use crate::snapshot::Stack;
    let with = |protected: bool, role: Option<&str>| {
        let role = role.map(str::to_string);
        move |s: &mut Snapshot| {
            services(s).cloudformation_stacks = Observed::Known(vec![
                Stack {
                    name: "a".into(),
                    status: "CREATE_COMPLETE".into(),
                    termination_protection: true,
                    role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
                    ..Stack::default()
                },
                Stack {
                    name: "b".into(),
                    status: "CREATE_COMPLETE".into(),
                    termination_protection: protected,
                    role_arn: role,
                    ..Stack::default()
                },
            ]);
        }
    };
    let role = Some("arn:aws:iam::123456789012:role/secure-account-notifications-cloudformation");
    check("CloudFormation.3", with(true, role), Passed);
    check("CloudFormation.3", with(false, role), Failed);
    check("CloudFormation.4", with(true, role), Passed);
    check("CloudFormation.4", with(true, None), Failed);
    check("CloudFormation.4", with(false, Some("")), Failed);
    check("CloudFormation.3", nothing, NoData);
    check("CloudFormation.4", nothing, NoData);
    check(
        "CloudFormation.3",
        |s| services(s).cloudformation_stacks = unreadable(),
        NoData,
    );
}
