//! Unit tests of the notification stack's planning (planner/notifications.rs).

use super::tests::baselined;
use super::*;
use crate::action::{cloudformation, iam};
use crate::notifications::{EMAIL_PARAMETER, PURPOSE_TAG};
use crate::snapshot::Stack;

fn with_email(email: &str) -> Baseline {
    let mut b = Baseline::fsbp();
    b.notifications.email = Some(email.into());
    b
}

fn stacks<'a>(s: &'a mut Snapshot, home: &str) -> &'a mut Vec<Stack> {
    s.regions
        .get_mut(home)
        .unwrap()
        .services
        .cloudformation_stacks
        .known_mut()
        .unwrap()
}

fn stack_actions(p: &Plan) -> Vec<&PlannedAction> {
    p.actions
        .iter()
        .filter(|a| {
            a.op.facts().service == "cloudformation"
                || a.satisfies.iter().any(|c| c == "CloudFormation.4")
        })
        .collect()
}

#[test]
fn no_address_no_stack() {
    let p = plan(&baselined(), &Baseline::fsbp());
    assert!(stack_actions(&p).is_empty());
}

/// The role first (its trust, then its policy), then the stack with that role and
/// termination protection; once done, the next plan has nothing to do.
#[test]
fn an_address_deploys_the_stack_with_its_role_and_protection_once() {
    let b = with_email("security@example.com");
    let s = baselined();
    let p = plan(&s, &b);
    let ids: Vec<&str> = p.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "global/create_role/secure-account-notifications-cloudformation",
            "global/put_role_policy/secure-account-notifications-cloudformation",
            "us-east-1/create_stack/secure-account-notifications",
        ],
        "{:#?}",
        p.actions
    );
    let Action::CreateRole(iam::CreateRole {
        assume_role_policy_document,
        ..
    }) = &p.actions[0].op
    else {
        panic!()
    };
    assert!(assume_role_policy_document.contains("cloudformation.amazonaws.com"));
    assert_eq!(p.actions[0].satisfies, ["CloudFormation.4"]);
    let create = &p.actions[2];
    let Action::CreateStack(cloudformation::CreateStack {
        role_arn,
        enable_termination_protection,
        parameters,
        tags,
        ..
    }) = &create.op
    else {
        panic!("{create:?}")
    };
    assert!(enable_termination_protection);
    assert_eq!(
        role_arn,
        "arn:aws:iam::123456789012:role/secure-account-notifications-cloudformation"
    );
    assert_eq!(parameters[EMAIL_PARAMETER], "security@example.com");
    assert_eq!(tags[PURPOSE_TAG.0], PURPOSE_TAG.1);
    assert_eq!(create.satisfies, ["CloudFormation.3", "CloudFormation.4"]);
    assert_eq!(create.depends_on, [ids[0], ids[1]]);
    let after = crate::effects::predict(&s, &p.actions);
    let again = plan(&after, &b);
    assert!(again.actions.is_empty(), "{:#?}", again.actions);
    assert_eq!(
        crate::notifications::deployed::check(&after, &b)
            .unwrap()
            .state,
        crate::notifications::deployed::StackState::InSync
    );
}

#[test]
fn a_new_address_or_threshold_updates_the_stack_and_nothing_else() {
    let s = baselined();
    let b = with_email("a@example.com");
    let after = crate::effects::predict(&s, &plan(&s, &b).actions);
    let b2 = with_email("b@example.com");
    let p = plan(&after, &b2);
    assert_eq!(p.actions.len(), 1, "{:#?}", p.actions);
    let Action::UpdateStack(u) = &p.actions[0].op else {
        panic!("{:?}", p.actions[0])
    };
    assert_eq!(u.parameters[EMAIL_PARAMETER], "b@example.com");
    let state = crate::notifications::deployed::check(&after, &b2).unwrap();
    assert_eq!(
        state.state,
        crate::notifications::deployed::StackState::Drifted
    );
    let mut b3 = b.clone();
    b3.notifications.min_severity = crate::notifications::MinSeverity::Critical;
    let p = plan(&after, &b3);
    assert_eq!(p.actions.len(), 1, "{:#?}", p.actions);
    assert!(matches!(p.actions[0].op, Action::UpdateStack(_)));
}

#[test]
fn termination_protection_turned_off_by_hand_is_turned_on_again() {
    let s = baselined();
    let b = with_email("a@example.com");
    let mut after = crate::effects::predict(&s, &plan(&s, &b).actions);
    stacks(&mut after, "us-east-1")[0].termination_protection = false;
    let p = plan(&after, &b);
    assert_eq!(p.actions.len(), 1, "{:#?}", p.actions);
    assert_eq!(
        p.actions[0].op,
        Action::UpdateTerminationProtection(cloudformation::UpdateTerminationProtection {
            stack_name: "secure-account-notifications".into(),
            enable_termination_protection: true,
        })
    );
    assert_eq!(p.actions[0].satisfies, ["CloudFormation.3"]);
}

#[test]
fn a_stack_of_that_name_not_the_tools_is_left_alone() {
    let mut s = baselined();
    stacks(&mut s, "us-east-1").push(Stack {
        name: "secure-account-notifications".into(),
        status: "CREATE_COMPLETE".into(),
        ..Stack::default()
    });
    let p = plan(&s, &with_email("a@example.com"));
    assert!(stack_actions(&p).is_empty(), "{:#?}", p.actions);
    assert!(
        p.skipped
            .iter()
            .any(|k| k.reason == SkipReason::NameTaken
                && k.id.contains("secure-account-notifications")),
        "{:#?}",
        p.skipped
    );
}

#[test]
fn a_failed_or_busy_stack_is_not_touched_and_the_skip_says_why() {
    let s = baselined();
    let b = with_email("a@example.com");
    let mut after = crate::effects::predict(&s, &plan(&s, &b).actions);
    for (status, failure) in [("ROLLBACK_COMPLETE", true), ("UPDATE_IN_PROGRESS", false)] {
        let st = &mut stacks(&mut after, "us-east-1")[0];
        st.status = status.into();
        st.failure = failure.then(|| crate::snapshot::StackFailure {
            logical_id: "NotificationTopic".into(),
            resource_type: "AWS::SNS::Topic".into(),
            status: "CREATE_FAILED".into(),
            reason: "Access denied".into(),
        });
        let p = plan(&after, &b);
        assert!(stack_actions(&p).is_empty(), "{status}: {:#?}", p.actions);
        let skip = p
            .skipped
            .iter()
            .find(|k| k.reason == SkipReason::StackNotUpdatable)
            .expect("a skip");
        assert!(skip.detail.contains(status), "{}", skip.detail);
        if failure {
            assert!(skip.detail.contains("NotificationTopic"), "{}", skip.detail);
            assert!(skip.detail.contains("Access denied"), "{}", skip.detail);
        }
    }
}

/// A rolled-back update leaves a usable stack: the update is planned again.
#[test]
fn a_rolled_back_update_is_tried_again() {
    let s = baselined();
    let b = with_email("a@example.com");
    let mut after = crate::effects::predict(&s, &plan(&s, &b).actions);
    stacks(&mut after, "us-east-1")[0].status = "UPDATE_ROLLBACK_COMPLETE".into();
    let p = plan(&after, &b);
    assert_eq!(p.actions.len(), 1, "{:#?}", p.actions);
    assert!(matches!(p.actions[0].op, Action::UpdateStack(_)));
}

#[test]
fn verify_says_deleted() {
    let s = baselined();
    let b = with_email("a@example.com");
    let check = crate::notifications::deployed::check(&s, &b).unwrap();
    assert_eq!(
        check.state,
        crate::notifications::deployed::StackState::Deleted
    );
    let mut after = crate::effects::predict(&s, &plan(&s, &b).actions);
    stacks(&mut after, "us-east-1")[0].drift = Some("DRIFTED".into());
    let check = crate::notifications::deployed::check(&after, &b).unwrap();
    assert_eq!(
        check.state,
        crate::notifications::deployed::StackState::Drifted
    );
    assert!(check.details[0].contains("drift detection"));
}

/// `notifications deploy` plans the stack and its role and nothing else of the baseline;
/// the cost says the key's 1 USD a month.
#[test]
fn deploy_plans_only_the_stack_and_prices_its_key() {
    let s = fresh();
    let b = with_email("a@example.com");
    let whole = plan(&s, &b);
    let p = crate::planner::plan_notifications(&s, &b);
    let ids: Vec<&str> = p.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.iter()
            .all(|id| whole.actions.iter().any(|a| &a.id == id))
    );
    assert!(whole.actions.len() > 3);
    // The key: 1 USD a key-month, up to 3 once rotation has added two versions.
    let change = p.monthly_cost.as_ref().unwrap().change;
    assert_eq!((change.low, change.typical, change.high), (1.0, 1.0, 3.0));
    let predicted = crate::effects::predict(&s, &p.actions);
    let estimate = crate::cost::estimate(
        &predicted,
        &b,
        &p.score_predicted,
        crate::cost::CostModel::builtin(),
    );
    let services: Vec<(&str, f64)> = estimate
        .items
        .iter()
        .map(|i| (i.service.as_str(), i.monthly_usd.typical))
        .collect();
    assert_eq!(services, [("kms", 1.0), ("sns", 0.0), ("events", 0.0)]);
}

fn fresh() -> Snapshot {
    serde_json::from_str(include_str!(
        "../../../golden/fresh_account_17_regions/snapshot.json"
    ))
    .expect("the golden snapshot parses")
}
