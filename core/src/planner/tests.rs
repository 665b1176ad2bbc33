//! Unit tests of the planner.

use super::*;
use std::collections::BTreeMap;

use crate::AwsError;
use crate::action::{inspector, securityhub};
use crate::snapshot::{Bucket, ControlAssociation, InternetGatewayBlockMode, PasswordPolicy};

/// The fully baselined golden account: every other planner test starts from it.
pub(super) fn baselined() -> Snapshot {
    serde_json::from_str(include_str!(
        "../../../golden/fully_baselined_account/snapshot.json"
    ))
    .expect("the golden snapshot parses")
}

#[test]
fn a_baselined_account_plans_nothing() {
    assert!(plan(&baselined(), &Baseline::fsbp()).actions.is_empty());
}

/// SPEC §4 and the seed's rule: a control the live standard gained after the review
/// is disabled with reason "not yet reviewed".
#[test]
fn live_controls_outside_the_catalog_are_disabled_as_not_yet_reviewed() {
    let mut s = baselined();
    let hub = s
        .regions
        .get_mut("eu-west-1")
        .unwrap()
        .services
        .security_hub
        .known_mut()
        .unwrap()
        .as_mut()
        .unwrap();
    hub.fsbp_controls.insert(
        "EC2.999".into(),
        ControlAssociation {
            enabled: true,
            disabled_reason: None,
        },
    );
    let p = plan(&s, &Baseline::fsbp());
    assert_eq!(p.actions.len(), 1, "{:?}", p.actions);
    let Action::BatchUpdateStandardsControlAssociations(
        securityhub::BatchUpdateStandardsControlAssociations { updates, .. },
    ) = &p.actions[0].op
    else {
        panic!("{:?}", p.actions[0]);
    };
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].security_control_id, "EC2.999");
    assert_eq!(updates[0].association_status, "DISABLED");
    assert!(
        updates[0]
            .updated_reason
            .as_deref()
            .unwrap()
            .starts_with("not yet reviewed")
    );
}

/// A control the customer disabled that the baseline wants is enabled again.
#[test]
fn controls_disabled_outside_the_baseline_are_enabled_again() {
    let mut s = baselined();
    let hub = s
        .regions
        .get_mut("us-east-1")
        .unwrap()
        .services
        .security_hub
        .known_mut()
        .unwrap()
        .as_mut()
        .unwrap();
    hub.fsbp_controls.get_mut("S3.5").unwrap().enabled = false;
    let p = plan(&s, &Baseline::fsbp());
    let Action::BatchUpdateStandardsControlAssociations(
        securityhub::BatchUpdateStandardsControlAssociations { updates, .. },
    ) = &p.actions[0].op
    else {
        panic!("{:?}", p.actions);
    };
    assert_eq!(updates[0].security_control_id, "S3.5");
    assert_eq!(updates[0].association_status, "ENABLED");
}

#[test]
fn password_policy_merge_keeps_every_stronger_value() {
    let b = Baseline::fsbp();
    let strong = PasswordPolicy {
        minimum_password_length: 30,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(30),
        password_reuse_prevention: Some(24),
        hard_expiry: true,
    };
    assert_eq!(merged_password_policy(Some(&strong), &b), strong);
    let weak = PasswordPolicy {
        minimum_password_length: 8,
        max_password_age: None,
        ..PasswordPolicy::default()
    };
    let m = merged_password_policy(Some(&weak), &b);
    assert_eq!(m.minimum_password_length, 14);
    assert_eq!(m.max_password_age, Some(90));
    assert_eq!(m.password_reuse_prevention, Some(24));
    assert!(m.require_symbols && !m.hard_expiry);
}

#[test]
fn a_public_bucket_blocks_the_account_public_access_block() {
    let mut s = baselined();
    s.global.account_public_access_block = Observed::Known(None);
    s.global.buckets.known_mut().unwrap().push(Bucket {
        name: "site".into(),
        region: "us-east-1".into(),
        policy: Some(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#.into()),
        ..Bucket::default()
    });
    let p = plan(&s, &Baseline::fsbp());
    assert!(
        p.actions
            .iter()
            .all(|a| a.op.name() != "put_account_public_access_block")
    );
    assert!(
        p.skipped
            .iter()
            .any(|x| x.reason == SkipReason::PublicBucketInUse && x.detail.contains("`site`"))
    );
}

/// The switch turns on VPC block public access (EC2.172) and then no longer disables it;
/// a blocking mode already set is kept.
#[test]
fn vpc_block_public_access_switch() {
    let mut b = Baseline::fsbp();
    b.features.vpc_block_public_access = true;
    b.controls.disabled.clear();
    let mut s = baselined();
    let p = plan(&s, &b);
    let modify: Vec<_> = p
        .actions
        .iter()
        .filter(|a| a.op.name() == "modify_vpc_block_public_access_options")
        .collect();
    assert_eq!(modify.len(), p.regions.len());
    s.regions
        .get_mut("us-east-1")
        .unwrap()
        .services
        .vpc_block_public_access = Observed::Known(crate::snapshot::VpcBlockPublicAccess {
        internet_gateway_block_mode: InternetGatewayBlockMode::BlockIngress,
    });
    let p = plan(&s, &b);
    assert!(
        p.action("us-east-1/modify_vpc_block_public_access_options")
            .is_none()
    );
}

/// Each declined paid feature disables exactly its controls, with its reason, says so in
/// the plan, and leaves the rest of the service's controls and features alone.
#[test]
fn a_declined_paid_feature_disables_only_its_controls() {
    let s = baselined();
    for sw in crate::baseline::PAID_SWITCHES {
        let mut b = Baseline::fsbp();
        (sw.set)(&mut b.features, false);
        let p = plan(&s, &b);
        let declined: Vec<_> = p
            .skipped
            .iter()
            .filter(|k| k.reason == crate::plan::SkipReason::FeatureDeclined)
            .collect();
        assert_eq!(declined.len(), 1, "{}: {:?}", sw.key, p.skipped);
        assert!(declined[0].id.ends_with(sw.key), "{}", declined[0].id);
        for c in sw.controls {
            assert!(declined[0].detail.contains(c), "{}", declined[0].detail);
        }
        // Every region that offers them disables exactly the switch's controls, with its
        // reason.
        let offering = p
            .regions
            .iter()
            .filter(|r| {
                sw.controls
                    .iter()
                    .any(|c| crate::Catalog::builtin().get(c).unwrap().offered_in(r))
            })
            .count();
        let mut regions = 0;
        for a in &p.actions {
            if let Action::BatchUpdateStandardsControlAssociations(
                securityhub::BatchUpdateStandardsControlAssociations { updates, .. },
            ) = &a.op
            {
                regions += 1;
                let mut ids: Vec<&str> = updates
                    .iter()
                    .map(|u| u.security_control_id.as_str())
                    .collect();
                ids.sort();
                let region = a.region.as_str();
                let mut want: Vec<&str> = sw
                    .controls
                    .iter()
                    .copied()
                    .filter(|c| crate::Catalog::builtin().get(c).unwrap().offered_in(region))
                    .collect();
                want.sort();
                assert_eq!(ids, want, "{}", a.id);
                assert!(updates.iter().all(|u| u.association_status == "DISABLED"
                    && u.updated_reason.as_deref() == Some(sw.reason)));
            }
        }
        assert_eq!(regions, offering, "{}", sw.key);
        // Nothing is enabled for them, and the score stays at 100 with manual tasks done.
        assert!(
            p.score_predicted.percent_if_manual_done == 100.0,
            "{}: {:?}",
            sw.key,
            p.score_predicted.failed_controls
        );
        // It costs less (or as much) without the feature.
        let after = p.monthly_cost.as_ref().unwrap().after;
        let with = plan(&s, &Baseline::fsbp()).monthly_cost.unwrap().after;
        assert!(after.typical <= with.typical, "{}", sw.key);
    }
    // The fsbp baseline declines none of them.
    assert!(
        crate::baseline::PAID_SWITCHES
            .iter()
            .all(|sw| (sw.get)(&Baseline::fsbp().features))
    );
}

/// A fresh account: every enabled region with nothing in it (the golden fresh account).
fn fresh() -> Snapshot {
    serde_json::from_str(include_str!(
        "../../../golden/fresh_account_17_regions/snapshot.json"
    ))
    .expect("the golden snapshot parses")
}

/// Issue 7, item 4: with the home region elsewhere, controls offered only in us-east-1
/// (CloudFront, Route 53, WAF Classic global) stay enabled there and get no association
/// update anywhere; a control a region does not offer (Inspector.3) is neither updated nor
/// enabled there; the plan says why.
#[test]
fn controls_are_planned_only_where_their_region_offers_them() {
    let mut b = Baseline::fsbp();
    b.home_region = "ap-northeast-1".into();
    let p = plan(&fresh(), &b);
    let catalog = Catalog::builtin();
    for a in &p.actions {
        match &a.op {
            Action::BatchUpdateStandardsControlAssociations(
                securityhub::BatchUpdateStandardsControlAssociations { updates, .. },
            ) => {
                for u in updates {
                    let c = catalog.get(&u.security_control_id).unwrap();
                    assert!(
                        c.offered_in(a.region.as_str()),
                        "{} updated in {}, which does not offer it",
                        c.id,
                        a.region
                    );
                    assert!(
                        !u.security_control_id.starts_with("CloudFront."),
                        "{u:?} in {}",
                        a.region
                    );
                }
            }
            Action::EnableInspector(inspector::EnableInspector { resource_types }) => {
                let offered = catalog
                    .get("Inspector.3")
                    .unwrap()
                    .offered_in(a.region.as_str());
                assert_eq!(
                    resource_types.iter().any(|t| t == "LAMBDA_CODE"),
                    offered,
                    "{}",
                    a.region
                );
            }
            _ => {}
        }
    }
    assert!(
        p.notes.iter().any(|n| n.contains("CloudFront.1")
            && n.contains("only in us-east-1")
            && n.contains("ap-northeast-1")),
        "{:?}",
        p.notes
    );
    // With the home region in us-east-1 there is nothing to explain.
    assert!(plan(&fresh(), &Baseline::fsbp()).notes.is_empty());
}

/// IAM role names are unique without regard to case: the Config service-linked role
/// spelled `AWSServiceRoleForconfig` (as moto creates it) is the role, not a reason to
/// create it again, and a recorder that uses it passes Config.1.
#[test]
fn the_config_service_linked_role_is_found_whatever_its_case() {
    let mut s = baselined();
    let lower = |arn: &str| arn.replace("AWSServiceRoleForConfig", "AWSServiceRoleForconfig");
    for role in s.global.roles.known_mut().unwrap() {
        role.arn = lower(&role.arn);
        role.name = lower(&role.name);
    }
    for region in s.regions.values_mut() {
        if let Some(config) = region.services.config.known_mut() {
            for r in &mut config.recorders {
                r.role_arn = lower(&r.role_arn);
            }
        }
    }
    let p = plan(&s, &Baseline::fsbp());
    assert!(p.actions.is_empty(), "{:?}", p.actions);
    let scope = crate::evaluate::Scope {
        home_region: p.home_region.clone(),
        regions: s.regions.keys().cloned().collect(),
    };
    let e = crate::evaluate::evaluate(&s, crate::Catalog::builtin(), &scope);
    let config_1 = e.controls.iter().find(|c| c.id == "Config.1").unwrap();
    assert_eq!(
        config_1.status,
        crate::evaluate::Status::Passed,
        "{config_1:?}"
    );
}

/// A type Inspector still shows `ENABLING` (an apply interrupted while it waited) is not
/// scanning: the plan enables it again, and the apply then waits for it.
#[test]
fn an_inspector_type_still_enabling_is_enabled_again() {
    use crate::snapshot::{InspectorResourceState, InspectorStatus};
    let mut s = baselined();
    let region = "eu-west-1";
    let inspector = s
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .inspector
        .known_mut()
        .unwrap();
    assert!(inspector.scans("ECR"));
    inspector.ecr = false;
    inspector.resource_states.insert(
        "ECR".into(),
        InspectorResourceState::new(InspectorStatus::Enabling),
    );
    let p = plan(&s, &Baseline::fsbp());
    let ops: Vec<_> = p
        .actions
        .iter()
        .map(|a| (a.region.as_str(), &a.op))
        .collect();
    assert_eq!(
        ops,
        [(
            region,
            &Action::EnableInspector(inspector::EnableInspector {
                resource_types: vec!["ECR".into()]
            })
        )]
    );
}

/// EBS encryption by default (EC2.7) and snapshot block public access (EC2.182) are read
/// as two parts: one failing leaves the other planned.
#[test]
fn ebs_encryption_and_snapshot_block_public_access_are_planned_from_their_own_parts() {
    fn not_served<T>() -> Observed<T> {
        Observed::unreadable(
            "secure-account:NotImplemented",
            "the endpoint does not serve the call",
        )
    }
    let mut s = fresh();
    s.regions
        .get_mut("us-east-1")
        .unwrap()
        .services
        .snapshot_block_public_access = not_served();
    s.regions.get_mut("eu-west-1").unwrap().services.ebs = not_served();
    let p = plan(&s, &Baseline::fsbp());
    let skipped = |id: &str| {
        p.skipped
            .iter()
            .any(|k| k.id == id && k.reason == SkipReason::ReadFailed)
    };
    assert!(
        p.action("us-east-1/enable_ebs_encryption_by_default")
            .is_some()
    );
    assert!(
        p.action("us-east-1/enable_snapshot_block_public_access")
            .is_none()
    );
    assert!(skipped("us-east-1/snapshot_block_public_access"));
    assert!(
        p.action("eu-west-1/enable_ebs_encryption_by_default")
            .is_none()
    );
    assert!(
        p.action("eu-west-1/enable_snapshot_block_public_access")
            .is_some()
    );
    assert!(skipped("eu-west-1/ebs"));
    assert!(!skipped("us-east-1/ebs") && !skipped("eu-west-1/snapshot_block_public_access"));
}

/// EC2.8, preventive: new instances default to IMDSv2 in every region where the account
/// does not require it yet; the seed's baseline never did it; an unreadable setting plans
/// nothing for it (and nothing else of the part changes).
#[test]
fn instance_metadata_defaults_require_imdsv2() {
    use crate::snapshot::ec2::{HttpTokens, InstanceMetadataDefaults};
    let modify = |p: &Plan| -> Vec<String> {
        p.actions
            .iter()
            .filter(|a| a.op.name() == "modify_instance_metadata_defaults")
            .map(|a| a.region.to_string())
            .collect()
    };
    let mut s = baselined();
    let region = "eu-west-1";
    let ebs = s
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .ebs
        .known_mut()
        .unwrap();
    ebs.instance_metadata_defaults = Observed::Known(InstanceMetadataDefaults {
        http_tokens: Some(HttpTokens::Optional),
    });
    let p = plan(&s, &Baseline::fsbp());
    assert_eq!(modify(&p), [region]);
    let a = p.actions.iter().find(|a| a.region == region).unwrap();
    assert_eq!(a.satisfies, ["EC2.8"]);
    assert!(modify(&plan(&s, &Baseline::seed_2024_08())).is_empty());
    let ebs = s
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .ebs
        .known_mut()
        .unwrap();
    ebs.instance_metadata_defaults = Observed::unreadable("AccessDenied", "no");
    let p = plan(&s, &Baseline::fsbp());
    assert!(modify(&p).is_empty());
    assert!(
        p.skipped
            .iter()
            .any(|k| k.id == format!("{region}/instance_metadata_defaults")
                && k.reason == SkipReason::ReadFailed)
    );
}

// ---- issue 19: the second pass over AWS's behaviour ----

/// The features a plan's `create_detector` or `update_detector` in `region` sends, by name
/// (additional configurations as `FEATURE/ADDITIONAL`).
fn sent_features(p: &Plan, region: &str) -> Option<BTreeMap<String, String>> {
    p.actions.iter().find_map(|a| {
        let features = match &a.op {
            Action::CreateDetector(d) if a.region.as_str() == region => &d.features,
            Action::UpdateDetector(d) if a.region.as_str() == region => &d.features,
            _ => return None,
        };
        let mut out = BTreeMap::new();
        for f in features {
            out.insert(f.name.clone(), f.status.clone());
            for (extra, status) in &f.additional_configuration {
                out.insert(format!("{}/{extra}", f.name), status.clone());
            }
        }
        Some(out)
    })
}

/// `CreateDetector` turns on every feature the request leaves out (but Runtime
/// Monitoring): a new detector is sent every feature, the declined ones `DISABLED`, and
/// their controls are disabled.
#[test]
fn a_new_detector_is_sent_every_feature_and_declined_ones_disabled() {
    let mut b = Baseline::fsbp();
    b.features.guardduty_rds_protection = false;
    b.features.guardduty_lambda_protection = false;
    let p = plan(&fresh(), &b);
    for region in &p.regions {
        let sent = sent_features(&p, region).expect("a detector in every region");
        let expected: BTreeMap<String, String> = crate::snapshot::guardduty::detector_features()
            .iter()
            .map(|(key, _)| {
                let off = key.starts_with("RDS_LOGIN_EVENTS") || key.starts_with("LAMBDA_NETWORK");
                let status = if off { "DISABLED" } else { "ENABLED" };
                (key.to_string(), status.to_string())
            })
            .collect();
        assert_eq!(sent, expected, "{region}");
    }
    let disabled: BTreeSet<&str> = p
        .actions
        .iter()
        .filter_map(|a| match &a.op {
            Action::BatchUpdateStandardsControlAssociations(u) => Some(&u.updates),
            _ => None,
        })
        .flatten()
        .filter(|u| u.association_status == "DISABLED")
        .map(|u| u.security_control_id.as_str())
        .filter(|c| c.starts_with("GuardDuty."))
        .collect();
    assert_eq!(disabled, BTreeSet::from(["GuardDuty.6", "GuardDuty.9"]));
    // The seed's baseline declines Runtime Monitoring: sent DISABLED, not left out.
    let seed = plan(&fresh(), &Baseline::built_in("seed-2024-08").unwrap());
    let sent = sent_features(&seed, "us-east-1").unwrap();
    assert_eq!(sent["RUNTIME_MONITORING"], "DISABLED");
    assert_eq!(sent["S3_DATA_EVENTS"], "ENABLED");
}

/// A region that does not offer a feature is never sent it (GuardDuty refuses the call
/// there): RDS Protection in Asia Pacific (Taipei).
#[test]
fn a_feature_a_region_does_not_offer_is_not_sent_there() {
    use crate::snapshot::guardduty::feature_offered;
    assert!(!feature_offered("RDS_LOGIN_EVENTS", "ap-east-2"));
    assert!(feature_offered("RDS_LOGIN_EVENTS", "us-east-1"));
    assert!(feature_offered(
        "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT",
        "ap-east-2"
    ));
    let mut s = fresh();
    let template = s.regions["eu-west-1"].clone();
    s.regions.insert("ap-east-2".into(), template);
    let mut b = Baseline::fsbp();
    b.regions.include = vec!["us-east-1".into(), "eu-west-1".into(), "ap-east-2".into()];
    let p = plan(&s, &b);
    assert!(
        p.regions.iter().any(|r| r == "ap-east-2"),
        "{:?}",
        p.regions
    );
    let sent = sent_features(&p, "ap-east-2").unwrap();
    assert!(!sent.contains_key("RDS_LOGIN_EVENTS"), "{sent:?}");
    assert_eq!(sent["S3_DATA_EVENTS"], "ENABLED");
    let sent = sent_features(&p, "eu-west-1").unwrap();
    assert_eq!(sent["RDS_LOGIN_EVENTS"], "ENABLED");
}

/// An existing detector is updated when a wanted feature is off, with every feature; one
/// it has on stays on even when the baseline declines it (never weaken what is there).
#[test]
fn an_existing_detector_gains_what_is_missing_and_keeps_what_it_has() {
    let mut s = baselined();
    let region = "eu-west-1";
    let d = s
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .guardduty
        .known_mut()
        .unwrap()
        .as_mut()
        .unwrap();
    assert_eq!(d.features.get("RDS_LOGIN_EVENTS"), Some(&true));
    d.features.insert("S3_DATA_EVENTS".into(), false);
    let mut b = Baseline::fsbp();
    b.features.guardduty_rds_protection = false;
    let p = plan(&s, &b);
    let sent = sent_features(&p, region).expect("an update");
    assert_eq!(sent["S3_DATA_EVENTS"], "ENABLED");
    assert_eq!(sent["RDS_LOGIN_EVENTS"], "ENABLED", "kept on");
    assert!(
        p.actions
            .iter()
            .any(|a| a.region.as_str() == region && matches!(a.op, Action::UpdateDetector(_)))
    );
    // Declining a feature the detector has on plans no update on its own.
    let p = plan(&baselined(), &b);
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(a.op, Action::UpdateDetector(_) | Action::CreateDetector(_))),
        "{:?}",
        p.actions
    );
}

/// Security Hub allows one finding aggregator per account: one in another region is
/// adopted (reported), not duplicated.
#[test]
fn a_finding_aggregator_in_another_region_is_adopted() {
    let mut s = baselined();
    let home = Baseline::fsbp().home_region;
    for (name, r) in s.regions.iter_mut() {
        if let Some(Some(h)) = r.services.security_hub.known_mut() {
            h.finding_aggregator = (name == "eu-west-1").then(|| "ALL_REGIONS".into());
            h.finding_aggregator_region = Some("eu-west-1".into());
        }
    }
    let p = plan(&s, &Baseline::fsbp());
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(a.op, Action::CreateFindingAggregator(_))),
        "{:?}",
        p.actions
    );
    let skipped: Vec<_> = p
        .skipped
        .iter()
        .filter(|k| k.reason == crate::plan::SkipReason::FindingAggregatorElsewhere)
        .collect();
    assert_eq!(skipped.len(), 1, "{:?}", p.skipped);
    assert_eq!(skipped[0].region.as_str(), home);
    assert!(skipped[0].detail.contains("eu-west-1"));
    // Known only from the other region's read (the home region's list unread): the same.
    for r in s.regions.values_mut() {
        if let Some(Some(h)) = r.services.security_hub.known_mut() {
            h.finding_aggregator_region = None;
        }
    }
    let p = plan(&s, &Baseline::fsbp());
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(a.op, Action::CreateFindingAggregator(_)))
    );
}

/// A subscription that ended `INCOMPLETE` (or `FAILED`) is subscribed again, after the
/// region's recorder and its start, and the plan says why with AWS's reason code.
#[test]
fn an_incomplete_standard_is_subscribed_again_with_its_reason() {
    let mut s = baselined();
    let region = "eu-west-1";
    let arn = crate::catalog::fsbp_standards_arn(region);
    let h = s
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .security_hub
        .known_mut()
        .unwrap()
        .as_mut()
        .unwrap();
    h.standards.insert(arn.clone(), "INCOMPLETE".into());
    h.status_reasons
        .insert(arn.clone(), "NO_AVAILABLE_CONFIGURATION_RECORDER".into());
    let p = plan(&s, &Baseline::fsbp());
    let subscribe: Vec<_> = p
        .actions
        .iter()
        .filter(|a| matches!(a.op, Action::BatchEnableStandards(_)))
        .collect();
    assert_eq!(subscribe.len(), 1, "{:?}", p.actions);
    assert_eq!(subscribe[0].region.as_str(), region);
    assert!(
        p.notes.iter().any(|n| n.contains(region)
            && n.contains("INCOMPLETE")
            && n.contains("NO_AVAILABLE_CONFIGURATION_RECORDER")),
        "{:?}",
        p.notes
    );
    // On a fresh account the subscription waits for the recorder and its start.
    let p = plan(&fresh(), &Baseline::fsbp());
    let a = p
        .actions
        .iter()
        .find(|a| a.region.as_str() == region && matches!(a.op, Action::BatchEnableStandards(_)))
        .unwrap();
    for op in ["put_configuration_recorder", "start_configuration_recorder"] {
        assert!(
            a.depends_on
                .iter()
                .any(|d| d.starts_with(&format!("{region}/{op}/"))),
            "{op}: {:?}",
            a.depends_on
        );
    }
}

/// CloudTrail wants the trail's key in the region of its bucket: with the log buckets in
/// eu-west-1 and the trail at home in us-east-1, the key is made in eu-west-1, and its
/// policy still names the trail by the trail's region.
#[test]
fn the_trail_key_goes_where_the_log_bucket_is() {
    let mut s = baselined();
    for b in s.global.buckets.known_mut().unwrap() {
        b.region = "eu-west-1".into();
    }
    let home = s.regions.get_mut("us-east-1").unwrap();
    home.services.kms_keys = crate::snapshot::Observed::Known(vec![]);
    for t in home.services.trails.known_mut().unwrap() {
        t.kms_key_id = None;
    }
    let p = plan(&s, &Baseline::fsbp());
    let create = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Action::CreateKey(_)))
        .expect("a key is created");
    assert_eq!(create.region.as_str(), "eu-west-1");
    let Action::CreateKey(k) = &create.op else {
        unreachable!()
    };
    assert!(
        k.policy
            .contains("arn:aws:cloudtrail:us-east-1:123456789012:trail/cloudtrail"),
        "{}",
        k.policy
    );
    let update = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Action::UpdateTrail(_)))
        .expect("the trail is updated");
    assert_eq!(update.region.as_str(), "us-east-1");
    assert!(
        update.depends_on.contains(&create.id),
        "{:?}",
        update.depends_on
    );
}

/// A key the tool's alias names whose own reads failed is not acted on (its policy and
/// rotation are unknown); the plan says why.
#[test]
fn an_unreadable_key_behind_the_alias_is_left_alone() {
    let mut s = baselined();
    let keys = s
        .regions
        .get_mut("us-east-1")
        .unwrap()
        .services
        .kms_keys
        .known_mut()
        .unwrap();
    let k = keys.remove(0);
    keys.push(crate::snapshot::KmsKey::unreadable(
        k.key_id.clone(),
        k.arn.clone(),
        k.aliases.clone(),
        AwsError::new(
            "AccessDeniedException",
            "no resource-based policy allows it",
        ),
    ));
    let p = plan(&s, &Baseline::fsbp());
    assert!(
        !p.actions.iter().any(|a| matches!(
            a.op,
            Action::PutKeyPolicy(_) | Action::EnableKeyRotation(_) | Action::CreateKey(_)
        )),
        "{:?}",
        p.actions
    );
}
