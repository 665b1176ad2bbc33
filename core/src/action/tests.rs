//! Tests of the action table.

use super::*;
use crate::action::{ec2, macie, s3, s3control, securityhub};

#[test]
fn every_kind_has_a_row_and_its_name_round_trips() {
    let mut names = std::collections::BTreeSet::new();
    for kind in ActionKind::all() {
        let f = kind.facts();
        assert!(!f.service.is_empty());
        let (prefix, _) = kind.iam_action().split_once(':').unwrap();
        assert!(
            [f.service, "s3", "access-analyzer"].contains(&prefix),
            "{}: {}",
            kind.name(),
            kind.iam_action()
        );
        assert!(names.insert(kind.name()));
        assert_eq!(kind.name().parse::<ActionKind>().unwrap(), kind);
    }
    assert_eq!(names.len(), 61);
    let destructive: Vec<_> = ActionKind::all()
        .filter(|k| k.facts().destructive())
        .map(ActionKind::name)
        .collect();
    assert_eq!(
        destructive,
        [
            "revoke_security_group_ingress",
            "revoke_security_group_egress",
            "detach_internet_gateway",
            "delete_internet_gateway",
            "delete_subnet",
            "delete_vpc"
        ]
    );
}

/// `iam:PassRole` and `iam:CreateServiceLinkedRole` appear in a row exactly when the
/// row says which role is passed and which service-linked roles are created, and only the
/// IAM writes on the tool's role are scoped to it.
#[test]
fn the_iam_columns_agree() {
    for kind in ActionKind::all() {
        let f = kind.facts();
        assert_eq!(
            f.iam_actions.contains(&"iam:PassRole"),
            f.passes_role.is_some(),
            "{}",
            kind.name()
        );
        assert_eq!(
            f.iam_actions.contains(&SLR),
            !f.service_linked_roles.is_empty(),
            "{}",
            kind.name()
        );
        if f.resource == IamResource::OwnRoles {
            assert_eq!(f.service, "iam", "{}", kind.name());
        }
    }
}

#[test]
fn a_saved_destructive_flag_is_recomputed_from_the_action() {
    let json = r#"{"id": "us-east-1/delete_vpc/vpc-1", "action": "delete_vpc",
        "params": {"vpc_id": "vpc-1"}, "region": "us-east-1", "satisfies": [],
        "depends_on": [], "destructive": false}"#;
    let a: PlannedAction = serde_json::from_str(json).unwrap();
    assert!(a.destructive, "a file cannot hide a destructive action");
    let json = json.replace("\"destructive\": false", "\"destructive\": true");
    let json = json
        .replace("delete_vpc\",", "create_bucket\",")
        .replace("{\"vpc_id\": \"vpc-1\"}", "{\"bucket\": \"b\"}");
    let a: PlannedAction = serde_json::from_str(&json).unwrap();
    assert!(!a.destructive);
    assert_eq!(serde_json::to_value(&a).unwrap()["destructive"], false);
}

/// The name is the serde tag: the same word in plan JSON, logs and adapters.
#[test]
fn name_is_the_json_action_tag() {
    let actions = [
        Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
        Action::CreateBucket(s3::CreateBucket {
            bucket: "b".into(),
            location_constraint: None,
            tags: Default::default(),
        }),
        Action::PutAccountPublicAccessBlock(s3control::PutAccountPublicAccessBlock {
            configuration: crate::snapshot::PublicAccessBlock::ALL,
        }),
        Action::UpdateAutomatedDiscoveryConfiguration(
            macie::UpdateAutomatedDiscoveryConfiguration {
                status: "ENABLED".into(),
            },
        ),
        Action::BatchUpdateStandardsControlAssociations(
            securityhub::BatchUpdateStandardsControlAssociations {
                standards_arn: "arn".into(),
                updates: vec![],
            },
        ),
    ];
    for a in actions {
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["action"], a.name());
        // SPEC §6: every action has `params`, an object even when empty.
        assert!(json["params"].is_object(), "{json}");
    }
}

/// The kind of change follows the operation's verb: `create_*`, `enable_*` and
/// `batch_enable_standards` add or turn something on, `delete_*`/`detach_*`/`revoke_*`
/// remove, the rest change settings (the plan's `+`, `-` and `~`).
#[test]
fn the_change_follows_the_verb() {
    for kind in ActionKind::all() {
        let name = kind.name();
        let expected = if name.starts_with("delete_")
            || name.starts_with("detach_")
            || name.starts_with("revoke_")
        {
            Change::Delete
        } else if name.starts_with("create_")
            || name.starts_with("enable_")
            || name == "batch_enable_standards"
        {
            Change::Create
        } else {
            Change::Update
        };
        assert_eq!(kind.facts().change, expected, "{name}");
    }
}

/// Every control a kind says it can make pass is in the reviewed catalog: a typo in a
/// kind's `controls` fails here, not silently as "not yet reviewed".
#[test]
fn every_kinds_controls_are_in_the_catalog() {
    let catalog = crate::Catalog::builtin();
    for kind in ActionKind::all() {
        for c in kind.facts().controls {
            assert!(
                catalog.get(c).is_some(),
                "{}: `{c}` is not in the catalog",
                kind.name()
            );
        }
    }
}

/// What a planned action says it satisfies is its kind's, under both built-in baselines on
/// a fresh fixture and one with a default VPC and a public bucket.
#[test]
fn planned_actions_satisfy_only_their_kinds_controls() {
    use crate::evaluate::fixture;
    let mut lived_in = fixture::snapshot();
    fixture::vpcs(&mut lived_in).push(fixture::default_vpc());
    fixture::buckets(&mut lived_in).push(fixture::open_bucket("public-site"));
    for baseline in [crate::Baseline::fsbp(), crate::Baseline::seed_2024_08()] {
        for snapshot in [fixture::snapshot(), lived_in.clone()] {
            let plan = crate::plan(&snapshot, &baseline);
            assert!(!plan.actions.is_empty());
            for a in &plan.actions {
                let controls = a.op.facts().controls;
                for c in &a.satisfies {
                    assert!(controls.contains(&c.as_str()), "{}: {c}", a.id);
                }
            }
        }
    }
}
