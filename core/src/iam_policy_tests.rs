//! Tests of the IAM policy: built from the tables, valid, small enough, least privilege.

use crate::action::{KeyRef, cloudtrail, config, iam, kms, logs};
use serde_json::Value;

use super::*;
use crate::action::Action;
use crate::baseline::Baseline;
use crate::snapshot::Snapshot;

fn full() -> PolicyDocument {
    build(&Names::default(), Access::Full).unwrap()
}

fn read_only() -> PolicyDocument {
    build(&Names::default(), Access::ReadOnly).unwrap()
}

fn reads() -> BTreeSet<&'static str> {
    PREAMBLE_IAM_ACTIONS
        .into_iter()
        .chain(Part::all().flat_map(|p| p.facts().iam_actions.iter().copied()))
        .collect()
}

/// Whether some statement allows `iam_action` on `resource` in the request context
/// `context` (condition key → values), evaluating the operators the policy uses as IAM
/// does: `StringEquals` needs the key present with one of the values; `ForAllValues:` needs
/// every value of the key among them (and holds when the key is absent).
fn allowed(
    policy: &PolicyDocument,
    iam_action: &str,
    resource: &str,
    context: &BTreeMap<String, Vec<String>>,
) -> bool {
    policy.statements.iter().any(|s| {
        s.effect == "Allow"
            && s.actions.iter().any(|a| wildcard_match(a, iam_action))
            && s.resources.iter().any(|r| wildcard_match(r, resource))
            && s.condition.iter().all(|(op, keys)| {
                keys.iter().all(|(key, values)| {
                    let given = context.get(key);
                    match *op {
                        "StringEquals" => {
                            given.is_some_and(|g| g.iter().any(|v| values.contains(v)))
                        }
                        "ForAllValues:StringEquals" => {
                            given.is_none_or(|g| g.iter().all(|v| values.contains(v)))
                        }
                        other => panic!("the test does not evaluate `{other}`"),
                    }
                })
            })
    })
}

fn context(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|v| v.to_string()).collect()))
        .collect()
}

fn statement<'a>(policy: &'a PolicyDocument, sid: &str) -> &'a Statement {
    policy
        .statements
        .iter()
        .find(|s| s.sid == sid)
        .unwrap_or_else(|| panic!("no statement `{sid}`"))
}

#[test]
fn every_read_and_every_action_is_allowed() {
    let policy = full();
    for action in reads() {
        assert!(allows(&policy, action), "{action}");
        assert!(allows(&read_only(), action), "{action}");
    }
    for kind in ActionKind::all() {
        for action in kind.facts().iam_actions {
            assert!(allows(&policy, action), "{}: {action}", kind.name());
        }
    }
}

#[test]
fn read_only_allows_no_write() {
    let policy = read_only();
    assert_eq!(policy.statements.len(), 1);
    let reads = reads();
    for kind in ActionKind::all() {
        for action in kind.facts().iam_actions {
            if !reads.contains(action) {
                assert!(!allows(&policy, action), "{}: {action}", kind.name());
            }
        }
    }
    assert!(!allows(&policy, "iam:PassRole"));
    assert!(!allows(&policy, "s3:PutBucketPolicy"));
}

/// Nothing is allowed that no table row asks for: the statements list exactly the tables'
/// actions, and no wildcard.
#[test]
fn nothing_beyond_the_tables() {
    let mut wanted: BTreeSet<&str> = reads();
    for kind in ActionKind::all() {
        wanted.extend(kind.facts().iam_actions.iter().copied());
    }
    let policy = full();
    let granted: BTreeSet<&str> = policy
        .statements
        .iter()
        .flat_map(|s| s.actions.iter().map(String::as_str))
        .collect();
    assert_eq!(granted, wanted);
    assert!(granted.iter().all(|a| !a.contains('*') && !a.contains('?')));
    assert!(!allows(&full(), "s3:DeleteBucket"));
    assert!(!allows(&full(), "iam:CreateUser"));
}

/// The document is valid JSON of IAM's grammar: a version, statements with unique
/// alphanumeric Sids, `Allow`, sorted actions without duplicates, resources.
#[test]
fn the_document_is_valid_json_in_a_stable_order() {
    for access in [Access::Full, Access::ReadOnly] {
        let policy = build(&Names::default(), access).unwrap();
        let text = serde_json::to_string_pretty(&policy).unwrap();
        assert!(text.starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": ["));
        let value: Value = serde_json::from_str(&text).unwrap();
        let statements = value["Statement"].as_array().unwrap();
        let mut sids = BTreeSet::new();
        for s in statements {
            let sid = s["Sid"].as_str().unwrap();
            assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "{sid}");
            assert!(sids.insert(sid), "duplicate Sid {sid}");
            assert_eq!(s["Effect"], "Allow");
            assert!(s["Action"].is_string() || s["Action"].is_array(), "{s}");
            assert!(s["Resource"].is_string() || s["Resource"].is_array(), "{s}");
        }
        for s in &policy.statements {
            let mut sorted = s.actions.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(s.actions, sorted, "{}", s.sid);
        }
        let again = serde_json::to_string_pretty(&build(&Names::default(), access).unwrap());
        assert_eq!(text, again.unwrap(), "the same input gives the same bytes");
    }
}

/// Every IAM action named in the tables has the form `service:Operation` with a prefix IAM
/// knows: a typo such as `accessanalyzer:` (the SDK's name, not IAM's) is caught here.
#[test]
fn every_iam_action_is_well_formed() {
    let known: BTreeSet<&str> = [
        "access-analyzer",
        "account",
        "athena",
        "cloudformation",
        "cloudtrail",
        "config",
        "ec2",
        "guardduty",
        "iam",
        "inspector2",
        "kms",
        "logs",
        "macie2",
        "s3",
        "securityhub",
        "ssm",
        "sts",
    ]
    .into();
    let mut used = BTreeSet::new();
    let policy = full();
    for action in policy.statements.iter().flat_map(|s| s.actions.iter()) {
        let (prefix, operation) = action.split_once(':').unwrap();
        used.insert(prefix);
        let mut chars = operation.chars();
        assert!(chars.next().unwrap().is_ascii_uppercase(), "{action}");
        assert!(chars.all(|c| c.is_ascii_alphanumeric()), "{action}");
    }
    assert_eq!(used, known, "a new service prefix: check its IAM spelling");
}

/// IAM's limit for a customer managed policy; the inline limit of a role is larger. The
/// whole policy fits a role's inline policies; the reads and the writes each fit a managed
/// policy, so two managed policies always do, when one no longer does.
#[test]
fn the_policy_fits_a_managed_policy() {
    let full = size(&full());
    let read_only = size(&read_only());
    let writes_only = size(&build(&Names::default(), Access::WritesOnly).unwrap());
    let sizes = format!("{full} characters, --read-only {read_only}, --writes-only {writes_only}");
    assert!(full <= INLINE_ROLE_POLICY_LIMIT, "{sizes}");
    assert!(read_only <= MANAGED_POLICY_LIMIT, "{sizes}");
    assert!(writes_only <= MANAGED_POLICY_LIMIT, "{sizes}");
    assert!(read_only < full && writes_only < full);
    const { assert!(MANAGED_POLICY_LIMIT < INLINE_ROLE_POLICY_LIMIT) };
}

/// The read-only and writes-only documents together are the whole policy, statement for
/// statement.
#[test]
fn reads_and_writes_together_are_the_whole_policy() {
    let writes = build(&Names::default(), Access::WritesOnly).unwrap();
    assert!(writes.statements.iter().all(|s| s.sid != "Read"));
    let mut both = read_only().statements;
    both.extend(writes.statements);
    assert_eq!(both, full().statements);
}

#[test]
fn size_counts_no_whitespace() {
    let policy = read_only();
    let compact = serde_json::to_string(&policy).unwrap();
    assert_eq!(size(&policy), compact.len());
    let pretty = serde_json::to_string_pretty(&policy).unwrap();
    assert!(pretty.len() > size(&policy));
}

#[test]
fn roles_are_passed_only_to_their_service() {
    let policy = full();
    let trail = statement(&policy, "PassTrailLogsRole");
    assert_eq!(trail.actions, ["iam:PassRole"]);
    assert_eq!(
        trail.resources,
        ["arn:aws:iam::*:role/secure-account-cloudtrail-to-logs"]
    );
    assert_eq!(
        trail.condition["StringEquals"]["iam:PassedToService"],
        ["cloudtrail.amazonaws.com"]
    );
    let config = statement(&policy, "PassConfigRole");
    assert_eq!(
        config.resources,
        ["arn:aws:iam::*:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"]
    );
    assert!(allows_on(
        &policy,
        "iam:PassRole",
        "arn:aws:iam::123456789012:role/secure-account-cloudtrail-to-logs"
    ));
    for other in [
        "arn:aws:iam::123456789012:role/Admin",
        "arn:aws:iam::123456789012:role/secure-account-cloudtrail-to-logs-2",
        "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/Other",
    ] {
        assert!(!allows_on(&policy, "iam:PassRole", other), "{other}");
        for write in [
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
        ] {
            assert!(!allows_on(&policy, write, other), "{write} on {other}");
        }
    }
}

/// The tool's role is the only one it may create or change.
#[test]
fn role_writes_are_scoped_to_the_tools_role() {
    let policy = full();
    let own = statement(&policy, "OwnRoles");
    assert_eq!(
        own.actions,
        [
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:TagRole",
            "iam:UpdateAssumeRolePolicy"
        ]
    );
    assert_eq!(
        own.resources,
        [
            "arn:aws:iam::*:role/secure-account-cloudtrail-to-logs",
            "arn:aws:iam::*:role/secure-account-notifications-cloudformation"
        ]
    );
    let write = statement(&policy, "Write");
    assert!(write.actions.iter().all(|a| !own.actions.contains(a)));
    assert!(write.actions.iter().all(|a| a != "iam:PassRole"));
}

/// The trail's key and log group: the key made only with the tool's purpose tag, its
/// policy changed only on keys with that tag, the alias and the log group by name.
#[test]
fn key_and_log_group_writes_are_scoped_to_the_tools_own() {
    let policy = full();
    let (k, v) = KEY_PURPOSE_TAG;
    let request_tag = format!("aws:RequestTag/{k}");
    let resource_tag = format!("aws:ResourceTag/{k}");
    let ours = context(&[(&request_tag, &[v]), ("aws:TagKeys", &[k])]);
    assert!(allowed(&policy, "kms:CreateKey", "*", &ours));
    let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert!(allowed(&policy, "kms:TagResource", key, &ours));
    for other in [
        context(&[]),
        context(&[(&request_tag, &["other"]), ("aws:TagKeys", &[k])]),
        context(&[(&request_tag, &[v]), ("aws:TagKeys", &[k, "owner"])]),
    ] {
        assert!(!allowed(&policy, "kms:CreateKey", "*", &other), "{other:?}");
        assert!(
            !allowed(&policy, "kms:TagResource", key, &other),
            "{other:?}"
        );
    }

    let tagged = context(&[(&resource_tag, &[v])]);
    assert!(allowed(&policy, "kms:PutKeyPolicy", key, &tagged));
    assert!(!allowed(&policy, "kms:PutKeyPolicy", key, &context(&[])));
    assert!(!allowed(
        &policy,
        "kms:PutKeyPolicy",
        key,
        &context(&[(&resource_tag, &["other"])])
    ));
    assert!(allowed(
        &policy,
        "kms:EnableKeyRotation",
        key,
        &context(&[])
    ));

    let alias = "arn:aws:kms:eu-west-1:123456789012:alias/trail_encrypt_key";
    assert!(allowed(&policy, "kms:CreateAlias", alias, &context(&[])));
    assert!(allowed(&policy, "kms:CreateAlias", key, &context(&[])));
    assert!(!allowed(
        &policy,
        "kms:CreateAlias",
        "arn:aws:kms:eu-west-1:123456789012:alias/customer",
        &context(&[])
    ));

    let group = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-cloudtrail-logs-123456789012";
    for action in [
        "logs:CreateLogGroup",
        "logs:TagResource",
        "logs:PutRetentionPolicy",
    ] {
        assert!(allowed(&policy, action, group, &context(&[])), "{action}");
        assert!(
            allowed(&policy, action, &format!("{group}:*"), &context(&[])),
            "{action}"
        );
        let other = "arn:aws:logs:eu-west-1:123456789012:log-group:application";
        assert!(!allowed(&policy, action, other, &context(&[])), "{action}");
    }
    // No scoped action is granted again on any resource; rotation alone is on any key, and
    // the log-delivery actions of flow logs take no resource.
    let write = statement(&policy, "Write");
    let unscoped: Vec<&String> = write
        .actions
        .iter()
        .filter(|a| a.starts_with("kms:") || a.starts_with("logs:"))
        .collect();
    assert_eq!(
        unscoped,
        [
            "kms:EnableKeyRotation",
            "logs:CreateLogDelivery",
            "logs:DeleteLogDelivery"
        ]
    );
}

/// The names come from the baseline: another alias and log group name move the scopes.
#[test]
fn the_key_alias_and_log_group_come_from_the_baseline() {
    let names = Names {
        kms_alias: "alias/org/{account_id}/trail".into(),
        trail_log_group: "/org/cloudtrail".into(),
        ..Names::default()
    };
    let policy = build(&names, Access::Full).unwrap();
    assert_eq!(
        statement(&policy, "TrailKeyAlias").resources[0],
        "arn:aws:kms:*:*:alias/org/*/trail"
    );
    assert!(allows_on(
        &policy,
        "logs:PutRetentionPolicy",
        "arn:aws:logs:us-east-1:123456789012:log-group:/org/cloudtrail"
    ));
    assert!(!allows_on(
        &policy,
        "logs:PutRetentionPolicy",
        "arn:aws:logs:us-east-1:123456789012:log-group:aws-cloudtrail-logs-123456789012"
    ));
}

#[test]
fn service_linked_roles_only_for_the_services_that_create_them() {
    let policy = full();
    let slr = statement(&policy, "ServiceLinkedRoles");
    let services = &slr.condition["StringEquals"]["iam:AWSServiceName"];
    assert_eq!(
        services,
        &[
            "access-analyzer.amazonaws.com",
            "agentless.inspector2.amazonaws.com",
            "config.amazonaws.com",
            "guardduty.amazonaws.com",
            "inspector2.amazonaws.com",
            "macie.amazonaws.com",
            "malware-protection.guardduty.amazonaws.com",
            "securityhub.amazonaws.com",
        ]
    );
    assert_eq!(slr.resources, ["arn:aws:iam::*:role/aws-service-role/*"]);
    let guardduty = context(&[("iam:AWSServiceName", &["guardduty.amazonaws.com"])]);
    assert!(allowed(
        &policy,
        "iam:CreateServiceLinkedRole",
        "arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
        &guardduty
    ));
    assert!(!allowed(
        &policy,
        "iam:CreateServiceLinkedRole",
        "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
        &context(&[("iam:AWSServiceName", &["ecs.amazonaws.com"])])
    ));
    // A role outside the service-linked path is not created, whatever the service.
    assert!(!allowed(
        &policy,
        "iam:CreateServiceLinkedRole",
        "arn:aws:iam::123456789012:role/Admin",
        &guardduty
    ));
}

/// The names come from the baseline; `{account_id}` matches any account; a name IAM would
/// refuse (a wildcard would widen the grant) is refused with the key to change.
#[test]
fn the_role_name_comes_from_the_baseline() {
    let names = Names {
        trail_logs_role: "audit-{account_id}-trail".into(),
        ..Names::default()
    };
    let policy = build(&names, Access::Full).unwrap();
    let own = statement(&policy, "OwnRoles");
    assert_eq!(own.resources[0], "arn:aws:iam::*:role/audit-*-trail");
    for bad in ["*", "role/x", "a b", ""] {
        let names = Names {
            trail_logs_role: bad.into(),
            ..Names::default()
        };
        let e = build(&names, Access::ReadOnly).unwrap_err();
        assert!(e.to_string().contains("names.trail_logs_role"), "{e}");
    }
}

#[test]
fn allows_matches_wildcards_case_insensitively() {
    let policy = document(vec![allow(
        "Test",
        &["s3:Get*", "ec2:Describe?pcs"].into(),
        vec!["*".into()],
    )]);
    assert!(allows(&policy, "s3:GetLifecycleConfiguration"));
    assert!(allows(&policy, "S3:getbucketpolicy"));
    assert!(allows(&policy, "ec2:DescribeVpcs"));
    assert!(!allows(&policy, "s3:PutLifecycleConfiguration"));
    assert!(!allows(&policy, "ec2:DescribeSubnets"));
}

/// What the planner actually plans stays inside the scoped statements: every role it
/// creates, changes or passes, and every service-linked role it creates, on the accounts
/// of the golden cases.
#[test]
fn planned_actions_stay_inside_the_scoped_statements() {
    let snapshots = [
        include_str!("../../golden/fresh_account_17_regions/snapshot.json"),
        include_str!("../../golden/default_vpc_in_use_is_kept/snapshot.json"),
        include_str!("../../golden/existing_resources_adopted/snapshot.json"),
        include_str!("../../golden/stronger_settings_kept/snapshot.json"),
    ];
    let policy = full();
    let mut seen = BTreeSet::new();
    for text in snapshots {
        let snapshot: Snapshot = serde_json::from_str(text).unwrap();
        let account = snapshot.account_id.clone();
        let role_arn = |name: &str| format!("arn:aws:iam::{account}:role/{name}");
        for planned in crate::plan(&snapshot, &Baseline::fsbp()).actions {
            let kind = planned.op.kind();
            for action in kind.facts().iam_actions {
                assert!(allows(&policy, action), "{action}");
            }
            match &planned.op {
                Action::CreateRole(iam::CreateRole { role_name, .. })
                | Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
                    role_name, ..
                })
                | Action::PutRolePolicy(iam::PutRolePolicy { role_name, .. }) => {
                    assert!(
                        allows_on(&policy, kind.iam_action(), &role_arn(role_name)),
                        "{planned:?}"
                    );
                    seen.insert(kind.name());
                }
                Action::CreateServiceLinkedRole(iam::CreateServiceLinkedRole {
                    aws_service_name,
                }) => {
                    let arn = service_linked_role_arn(&account, aws_service_name);
                    assert!(allows_on(&policy, CREATE_SLR, &arn), "{arn}");
                    seen.insert(kind.name());
                }
                Action::PutConfigurationRecorder(config::PutConfigurationRecorder {
                    role_arn,
                    ..
                }) => {
                    assert!(allows_on(&policy, PASS_ROLE, role_arn), "{role_arn}");
                    seen.insert(kind.name());
                }
                Action::CreateTrail(cloudtrail::CreateTrail {
                    cloud_watch_logs_role_arn: Some(arn),
                    ..
                })
                | Action::UpdateTrail(cloudtrail::UpdateTrail {
                    cloud_watch_logs_role_arn: Some(arn),
                    ..
                }) => {
                    assert!(allows_on(&policy, PASS_ROLE, arn), "{arn}");
                    seen.insert(kind.name());
                }
                Action::CreateKey(kms::CreateKey { tags, .. }) => {
                    let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
                    let mut ctx = context(&[("aws:TagKeys", &keys)]);
                    for (k, v) in tags {
                        ctx.insert(format!("aws:RequestTag/{k}"), vec![v.clone()]);
                    }
                    assert!(allowed(&policy, "kms:CreateKey", "*", &ctx), "{ctx:?}");
                    let key = format!("arn:aws:kms:{}:{account}:key/new", planned.region);
                    assert!(allowed(&policy, "kms:TagResource", &key, &ctx), "{ctx:?}");
                    seen.insert(kind.name());
                }
                Action::CreateAlias(kms::CreateAlias { alias_name, .. }) => {
                    let alias = format!("arn:aws:kms:{}:{account}:{alias_name}", planned.region);
                    let key = format!("arn:aws:kms:{}:{account}:key/any", planned.region);
                    assert!(allowed(
                        &policy,
                        "kms:CreateAlias",
                        &alias,
                        &BTreeMap::new()
                    ));
                    assert!(allowed(&policy, "kms:CreateAlias", &key, &BTreeMap::new()));
                    seen.insert(kind.name());
                }
                Action::PutKeyPolicy(kms::PutKeyPolicy { key, .. })
                | Action::EnableKeyRotation(kms::EnableKeyRotation { key }) => {
                    // A key read in the snapshot carries its tags; a key made by the same
                    // plan carries the tags of its `CreateKey`.
                    let tags = match key {
                        KeyRef::Existing(id) => snapshot.regions[planned.region.as_str()]
                            .services
                            .kms_keys
                            .known()
                            .and_then(|keys| keys.iter().find(|k| &k.key_id == id))
                            .map(|k| k.tags.clone())
                            .unwrap_or_else(|| panic!("{id} is not in the snapshot")),
                        KeyRef::CreatedBy(_) => {
                            [(KEY_PURPOSE_TAG.0.into(), KEY_PURPOSE_TAG.1.into())].into()
                        }
                    };
                    let ctx = tags
                        .iter()
                        .map(|(k, v)| (format!("aws:ResourceTag/{k}"), vec![v.clone()]))
                        .collect();
                    let arn = format!("arn:aws:kms:{}:{account}:key/k", planned.region);
                    assert!(
                        allowed(&policy, kind.iam_action(), &arn, &ctx),
                        "{planned:?}"
                    );
                    seen.insert(kind.name());
                }
                Action::CreateLogGroup(logs::CreateLogGroup { log_group_name, .. })
                | Action::PutRetentionPolicy(logs::PutRetentionPolicy { log_group_name, .. }) => {
                    let arn = format!(
                        "arn:aws:logs:{}:{account}:log-group:{log_group_name}",
                        planned.region
                    );
                    for action in kind.facts().iam_actions {
                        assert!(allowed(&policy, action, &arn, &BTreeMap::new()), "{arn}");
                    }
                    seen.insert(kind.name());
                }
                _ => {}
            }
        }
    }
    for kind in [
        "create_key",
        "create_alias",
        "enable_key_rotation",
        "create_log_group",
        "put_retention_policy",
        "create_role",
        "put_role_policy",
        "create_service_linked_role",
        "put_configuration_recorder",
        "create_trail",
    ] {
        assert!(
            seen.contains(kind),
            "no golden case plans `{kind}`: {seen:?}"
        );
    }
}
