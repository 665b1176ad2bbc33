//! Issue 8, items 2–4: names already taken, logs never into a public bucket, a customer
//! statement under the tool's Sid kept.

use super::*;
use crate::action::{cloudtrail, config, iam, logs, s3};
use crate::snapshot::{Bucket, IamRole, LogGroup, Trail};

const ACCOUNT: &str = "123456789012";
const LOG: &str = "cloudtrail-logs-123456789012";
const ACCESS: &str = "s3-access-logs-123456789012";
const ROLE: &str = "secure-account-cloudtrail-to-logs";
const GROUP: &str = "aws-cloudtrail-logs-123456789012";

fn fresh() -> Snapshot {
    serde_json::from_str(include_str!(
        "../../../golden/fresh_account_17_regions/snapshot.json"
    ))
    .expect("the golden snapshot parses")
}

/// A customer's website bucket, public through its ACL, that happens to carry `name`.
fn public_customer_bucket(name: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: "us-east-1".into(),
        object_ownership: Some("ObjectWriter".into()),
        public_acl: true,
        ..Bucket::default()
    }
}

fn actions_on_bucket<'p>(p: &'p Plan, bucket: &str) -> Vec<&'p PlannedAction> {
    p.actions
        .iter()
        .filter(|a| {
            serde_json::to_value(&a.op).unwrap()["params"]["bucket"].as_str() == Some(bucket)
        })
        .collect()
}

fn name_taken<'p>(p: &'p Plan, what: &str) -> Option<&'p Skipped> {
    p.skipped
        .iter()
        .find(|s| s.reason == SkipReason::NameTaken && s.detail.contains(what))
}

fn lifecycle_expires(a: &PlannedAction) -> bool {
    match &a.op {
        Action::PutBucketLifecycleConfiguration(s3::PutBucketLifecycleConfiguration {
            rules,
            ..
        }) => rules.values().any(|r| r.contains("Expiration")),
        _ => false,
    }
}

#[test]
fn a_customer_bucket_named_like_the_log_bucket_is_not_touched() {
    for name in [LOG, ACCESS] {
        let mut s = fresh();
        s.global
            .buckets
            .known_mut()
            .unwrap()
            .push(public_customer_bucket(name));
        let p = plan(&s, &Baseline::fsbp());
        assert!(
            actions_on_bucket(&p, name).is_empty(),
            "{name}: {:#?}",
            actions_on_bucket(&p, name)
        );
        let skip = name_taken(&p, name).unwrap_or_else(|| panic!("{name}: {:#?}", p.skipped));
        assert!(skip.detail.contains("[names]"), "{}", skip.detail);
        // Without the log bucket there is no trail and no Config delivery into it.
        assert!(
            name == ACCESS
                || p.actions.iter().all(|a| !matches!(
                    a.op,
                    Action::CreateTrail(cloudtrail::CreateTrail { .. })
                        | Action::PutDeliveryChannel(config::PutDeliveryChannel { .. })
                )),
            "{name}"
        );
    }
}

#[test]
fn names_pointing_at_a_customer_bucket_leave_it_alone() {
    let mut s = fresh();
    s.global
        .buckets
        .known_mut()
        .unwrap()
        .push(public_customer_bucket("www.example.com"));
    let mut b = Baseline::fsbp();
    b.names.log_bucket = "www.example.com".into();
    let p = plan(&s, &b);
    assert!(actions_on_bucket(&p, "www.example.com").is_empty());
    assert!(
        name_taken(&p, "www.example.com").is_some(),
        "{:#?}",
        p.skipped
    );
}

/// The tool's own bucket (tagged at creation) is still adopted and converged.
#[test]
fn the_tools_own_bucket_is_adopted() {
    let mut s = fresh();
    let mut own = crate::snapshot::s3::new_bucket(LOG, "us-east-1");
    own.tags = [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into();
    s.global.buckets.known_mut().unwrap().push(own);
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, LOG).is_none(), "{:#?}", p.skipped);
    let on_log = actions_on_bucket(&p, LOG);
    assert!(on_log.iter().any(|a| lifecycle_expires(a)), "{on_log:#?}");
    assert!(
        p.actions
            .iter()
            .any(|a| matches!(a.op, Action::CreateTrail(cloudtrail::CreateTrail { .. })))
    );
}

/// The tool's own bucket whose tag was lost (its journal says the tool created it) is the
/// tool's: it is converged, serves the trail, and gets its tag back with the tags it kept;
/// the same bucket unknown to the journal is someone else's.
#[test]
fn a_bucket_the_journal_knows_gets_its_lost_tag_back() {
    let mut s = fresh();
    let mut own = crate::snapshot::s3::new_bucket(LOG, "us-east-1");
    own.tags = [("cost-centre".to_string(), "security".to_string())].into();
    own.created_by_this_tool = true;
    s.global.buckets.known_mut().unwrap().push(own.clone());
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, LOG).is_none(), "{:#?}", p.skipped);
    let tagging: Vec<_> = p
        .actions
        .iter()
        .filter_map(|a| match &a.op {
            Action::PutBucketTagging(t) if t.bucket == LOG => Some(t.tags.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        tagging,
        vec![
            [
                ("cost-centre".to_string(), "security".to_string()),
                (MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string()),
            ]
            .into()
        ]
    );
    assert!(
        p.actions
            .iter()
            .any(|a| matches!(a.op, Action::CreateTrail(cloudtrail::CreateTrail { .. })))
    );

    own.created_by_this_tool = false;
    let mut s = fresh();
    s.global.buckets.known_mut().unwrap().push(own);
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, LOG).is_some(), "{:#?}", p.skipped);
    assert!(
        !p.actions
            .iter()
            .any(|a| matches!(a.op, Action::PutBucketTagging(_))),
        "a bucket that is not the tool's is never tagged"
    );
}

/// A bucket the tool did not create but that already receives this account's trail is
/// adopted: only what deletes no data and opens nothing is added, and a public bucket
/// stays public.
#[test]
fn a_customer_bucket_serving_the_trail_gains_no_expiration_and_stays_public() {
    let mut s = fresh();
    s.global
        .buckets
        .known_mut()
        .unwrap()
        .push(public_customer_bucket(LOG));
    s.regions.get_mut("us-east-1").unwrap().services.trails = Observed::Known(vec![Trail {
        name: "cloudtrail".into(),
        home_region: "us-east-1".into(),
        s3_bucket_name: LOG.into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        log_file_validation_enabled: true,
        is_logging: true,
        management_events: Some("All".into()),
        ..Trail::default()
    }]);
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, LOG).is_none(), "{:#?}", p.skipped);
    let on_log = actions_on_bucket(&p, LOG);
    assert!(!on_log.iter().any(|a| lifecycle_expires(a)), "{on_log:#?}");
    assert!(
        on_log.iter().any(|a| matches!(
            &a.op,
            Action::PutBucketLifecycleConfiguration(s3::PutBucketLifecycleConfiguration { rules, .. })
                if rules.values().any(|r| r.contains("AbortIncompleteMultipartUpload"))
        )),
        "S3.13 through a rule that deletes no data: {on_log:#?}"
    );
    assert!(
        !on_log.iter().any(|a| matches!(
            a.op,
            Action::PutPublicAccessBlock(s3::PutPublicAccessBlock { .. })
                | Action::PutBucketOwnershipControls(s3::PutBucketOwnershipControls { .. })
        )),
        "{on_log:#?}"
    );
    let predicted = effects::predict(&s, &p.actions);
    assert!(bucket_is_public(predicted.bucket(LOG).unwrap()));
}

fn customer_role(trust_service: &str) -> IamRole {
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": trust_service}, "Action": "sts:AssumeRole"}]})
    .to_string();
    IamRole {
        name: ROLE.into(),
        path: "/".into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"),
        trusted_services: crate::snapshot::iam::trusted_services(&doc),
        inline_policies: Default::default(),
        assume_role_policy_document: doc,
        tags: Default::default(),
    }
}

#[test]
fn a_customer_role_under_the_tools_name_is_not_adopted() {
    let mut s = fresh();
    s.global.roles = Observed::Known(vec![customer_role("ec2.amazonaws.com")]);
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, ROLE).is_some(), "{:#?}", p.skipped);
    for a in &p.actions {
        let params = serde_json::to_value(&a.op).unwrap()["params"].clone();
        assert_ne!(params["role_name"].as_str(), Some(ROLE), "{a:?}");
        if let Action::CreateTrail(cloudtrail::CreateTrail {
            cloud_watch_logs_role_arn,
            ..
        }) = &a.op
        {
            assert_eq!(
                *cloud_watch_logs_role_arn, None,
                "no delivery through their role"
            );
        }
    }
}

#[test]
fn the_tools_own_role_with_a_wrong_trust_is_converged() {
    let mut s = fresh();
    let mut role = customer_role("ec2.amazonaws.com");
    role.tags = [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into();
    s.global.roles = Observed::Known(vec![role]);
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, ROLE).is_none(), "{:#?}", p.skipped);
    let update = p
        .actions
        .iter()
        .find(|a| {
            matches!(
                a.op,
                Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy { .. })
            )
        })
        .unwrap_or_else(|| panic!("{:#?}", p.actions));
    let trail = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Action::CreateTrail(cloudtrail::CreateTrail { .. })))
        .unwrap();
    assert!(trail.depends_on.contains(&update.id), "{trail:?}");
    let predicted = effects::predict(&s, &p.actions);
    let role = &predicted.global.roles.known().unwrap()[0];
    assert!(role.trusted_services.contains("cloudtrail.amazonaws.com"));
    // Converged: the next plan has nothing for the role.
    assert!(
        !plan(&predicted, &Baseline::fsbp())
            .actions
            .iter()
            .any(|a| matches!(
                a.op,
                Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy { .. })
            ))
    );
}

#[test]
fn what_the_tool_creates_is_tagged() {
    let p = plan(&fresh(), &Baseline::fsbp());
    let tagged = |tags: &std::collections::BTreeMap<String, String>| {
        tags.get(MANAGED_TAG.0).map(String::as_str) == Some(MANAGED_TAG.1)
    };
    let mut seen = 0;
    for a in &p.actions {
        match &a.op {
            Action::CreateBucket(s3::CreateBucket { tags, .. })
            | Action::CreateRole(iam::CreateRole { tags, .. })
            | Action::CreateLogGroup(logs::CreateLogGroup { tags, .. }) => {
                assert!(tagged(tags), "{a:?}");
                seen += 1;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 4, "two buckets, the role and the log group");
}

#[test]
fn a_customer_log_group_under_the_tools_name_keeps_its_retention() {
    let mut s = fresh();
    s.regions.get_mut("us-east-1").unwrap().services.log_groups = Observed::Known(vec![LogGroup {
        name: GROUP.into(),
        retention_in_days: None,
        tags: Default::default(),
    }]);
    let p = plan(&s, &Baseline::fsbp());
    assert!(name_taken(&p, GROUP).is_some(), "{:#?}", p.skipped);
    assert!(
        !p.actions.iter().any(|a| matches!(
            &a.op,
            Action::PutRetentionPolicy(logs::PutRetentionPolicy { log_group_name, .. }) if log_group_name == GROUP
        )),
        "a retention on their group would delete their events"
    );
}

/// Item 3: with the log bucket's public access block failing, the trail and Config
/// delivery must not run: they depend on the block and the policy.
#[test]
fn trail_and_config_delivery_wait_for_the_log_buckets_block_and_policy() {
    // The tool's bucket, left without its block and policy (a crash after create_bucket
    // on an account where new buckets are not private by default).
    let mut s = fresh();
    let mut own = crate::snapshot::s3::new_bucket(LOG, "us-east-1");
    own.tags = [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into();
    own.public_access_block = None;
    s.global.buckets.known_mut().unwrap().push(own);
    let p = plan(&s, &Baseline::fsbp());
    let block = format!("us-east-1/put_public_access_block/{LOG}");
    let policy = format!("us-east-1/put_bucket_policy/{LOG}");
    assert!(p.actions.iter().any(|a| a.id == block));
    let mut n = 0;
    for a in &p.actions {
        if matches!(
            a.op,
            Action::CreateTrail(cloudtrail::CreateTrail { .. })
                | Action::PutDeliveryChannel(config::PutDeliveryChannel { .. })
        ) {
            assert!(a.depends_on.contains(&block), "{a:?}");
            assert!(a.depends_on.contains(&policy), "{a:?}");
            n += 1;
        }
    }
    assert!(n > 2);
}

/// An existing log bucket in another region: the trail still waits for its block and
/// policy (the dependency ids name the bucket's region, not the home region).
#[test]
fn the_dependency_on_the_log_bucket_follows_its_region() {
    let mut s = fresh();
    let mut own = crate::snapshot::s3::new_bucket(LOG, "eu-west-1");
    own.tags = [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into();
    own.public_access_block = None;
    s.global.buckets.known_mut().unwrap().push(own);
    let p = plan(&s, &Baseline::fsbp());
    let block = format!("eu-west-1/put_public_access_block/{LOG}");
    let policy = format!("eu-west-1/put_bucket_policy/{LOG}");
    let trail = p
        .actions
        .iter()
        .find(|a| matches!(a.op, Action::CreateTrail(cloudtrail::CreateTrail { .. })))
        .unwrap();
    assert!(trail.depends_on.contains(&block), "{trail:?}");
    assert!(trail.depends_on.contains(&policy), "{trail:?}");
}
