//! IAM writes.

use std::collections::BTreeMap;

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::create_role::{CreateRoleError, CreateRoleInput, CreateRoleOutput};
use aws_sdk_iam::operation::create_service_linked_role::{
    CreateServiceLinkedRoleError, CreateServiceLinkedRoleInput, CreateServiceLinkedRoleOutput,
};
use aws_sdk_iam::operation::put_role_policy::{PutRolePolicyInput, PutRolePolicyOutput};
use aws_sdk_iam::operation::update_account_password_policy::{
    UpdateAccountPasswordPolicyInput, UpdateAccountPasswordPolicyOutput,
};
use aws_sdk_iam::operation::update_assume_role_policy::{
    UpdateAssumeRolePolicyInput, UpdateAssumeRolePolicyOutput,
};
use aws_sdk_iam::types::Tag;
use aws_smithy_mocks::mock;
use secure_account_core::action::ActionKind;
use secure_account_core::action::iam;
use secure_account_core::snapshot::PasswordPolicy;

use super::{done, exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::CreateServiceLinkedRole,
    ActionKind::CreateRole,
    ActionKind::UpdateAssumeRolePolicy,
    ActionKind::PutRolePolicy,
    ActionKind::UpdateAccountPasswordPolicy,
];

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

#[tokio::test]
async fn create_service_linked_role_sends_the_service_name() {
    let rule = mock!(Client::create_service_linked_role)
        .match_requests(exactly(
            CreateServiceLinkedRoleInput::builder()
                .aws_service_name("config.amazonaws.com")
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateServiceLinkedRoleOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    exec(
        iam::CreateServiceLinkedRole {
            aws_service_name: "config.amazonaws.com".into(),
        },
        &iam,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn a_service_linked_role_already_there_is_success_in_both_of_its_spellings() {
    // AWS's answer.
    let taken = mock!(Client::create_service_linked_role).then_error(|| {
        CreateServiceLinkedRoleError::generic(meta(
            "InvalidInput",
            "Service role name AWSServiceRoleForConfig has been taken in this account, please \
             try a different suffix.",
        ))
    });
    // moto's answer.
    let exists = mock!(Client::create_service_linked_role).then_error(|| {
        CreateServiceLinkedRoleError::generic(meta(
            "EntityAlreadyExists",
            "Role with name AWSServiceRoleForConfig already exists.",
        ))
    });
    // Another invalid input stays a failure.
    let invalid = mock!(Client::create_service_linked_role).then_error(|| {
        CreateServiceLinkedRoleError::generic(meta(
            "InvalidInput",
            "Invalid service name: nosuch.amazonaws.com",
        ))
    });
    let iam = writes!(aws_sdk_iam, [&taken, &exists, &invalid]);
    assert_eq!(
        exec(
            iam::CreateServiceLinkedRole {
                aws_service_name: "config.amazonaws.com".into()
            },
            &iam
        )
        .await,
        done()
    );
    assert_eq!(
        exec(
            iam::CreateServiceLinkedRole {
                aws_service_name: "config.amazonaws.com".into()
            },
            &iam
        )
        .await,
        done()
    );
    let e = exec(
        iam::CreateServiceLinkedRole {
            aws_service_name: "nosuch.amazonaws.com".into(),
        },
        &iam,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "InvalidInput");
    assert_eq!(e.message, "Invalid service name: nosuch.amazonaws.com");
}

#[tokio::test]
async fn create_role_sends_its_trust_policy_and_tags() {
    let rule = mock!(Client::create_role)
        .match_requests(exactly(
            CreateRoleInput::builder()
                .role_name("secure-account-cloudtrail-logs")
                .assume_role_policy_document(TRUST)
                .tags(
                    Tag::builder()
                        .key("ManagedBy")
                        .value("secure-account")
                        .build()
                        .unwrap(),
                )
                .tags(
                    Tag::builder()
                        .key("Purpose")
                        .value("trail")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateRoleOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    let tags = BTreeMap::from([
        ("Purpose".to_string(), "trail".to_string()),
        ("ManagedBy".to_string(), "secure-account".to_string()),
    ]);
    exec(
        iam::CreateRole {
            role_name: "secure-account-cloudtrail-logs".into(),
            assume_role_policy_document: TRUST.into(),
            tags,
        },
        &iam,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn create_role_without_tags_sends_no_tag_list_and_never_adopts_an_existing_role() {
    let rule = mock!(Client::create_role)
        .match_requests(exactly(
            CreateRoleInput::builder()
                .role_name("r")
                .assume_role_policy_document(TRUST)
                .build()
                .unwrap(),
        ))
        .then_error(|| {
            CreateRoleError::generic(meta(
                "EntityAlreadyExists",
                "Role with name r already exists.",
            ))
        });
    let iam = writes!(aws_sdk_iam, [&rule]);
    let e = exec(
        iam::CreateRole {
            role_name: "r".into(),
            assume_role_policy_document: TRUST.into(),
            tags: BTreeMap::new(),
        },
        &iam,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "EntityAlreadyExists");
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn update_assume_role_policy_sends_the_role_and_document() {
    let rule = mock!(Client::update_assume_role_policy)
        .match_requests(exactly(
            UpdateAssumeRolePolicyInput::builder()
                .role_name("r")
                .policy_document(TRUST)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateAssumeRolePolicyOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    exec(
        iam::UpdateAssumeRolePolicy {
            role_name: "r".into(),
            policy_document: TRUST.into(),
        },
        &iam,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn put_role_policy_sends_the_role_policy_name_and_document() {
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:PutLogEvents"],"Resource":"*"}]}"#;
    let rule = mock!(Client::put_role_policy)
        .match_requests(exactly(
            PutRolePolicyInput::builder()
                .role_name("r")
                .policy_name("deliver")
                .policy_document(doc)
                .build()
                .unwrap(),
        ))
        .then_output(|| PutRolePolicyOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    exec(
        iam::PutRolePolicy {
            role_name: "r".into(),
            policy_name: "deliver".into(),
            policy_document: doc.into(),
        },
        &iam,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

fn policy() -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: 14,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: false,
        allow_users_to_change_password: true,
        max_password_age: Some(90),
        password_reuse_prevention: Some(24),
        hard_expiry: false,
    }
}

#[tokio::test]
async fn update_account_password_policy_sends_every_field() {
    let rule = mock!(Client::update_account_password_policy)
        .match_requests(exactly(
            UpdateAccountPasswordPolicyInput::builder()
                .minimum_password_length(14)
                .require_symbols(true)
                .require_numbers(true)
                .require_uppercase_characters(true)
                .require_lowercase_characters(false)
                .allow_users_to_change_password(true)
                .max_password_age(90)
                .password_reuse_prevention(24)
                .hard_expiry(false)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateAccountPasswordPolicyOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    exec(iam::UpdateAccountPasswordPolicy(policy()), &iam)
        .await
        .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn update_account_password_policy_leaves_out_the_age_and_reuse_that_are_none() {
    let rule = mock!(Client::update_account_password_policy)
        .match_requests(exactly(
            UpdateAccountPasswordPolicyInput::builder()
                .minimum_password_length(14)
                .require_symbols(true)
                .require_numbers(true)
                .require_uppercase_characters(true)
                .require_lowercase_characters(false)
                .allow_users_to_change_password(true)
                .hard_expiry(false)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateAccountPasswordPolicyOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    let p = PasswordPolicy {
        max_password_age: None,
        password_reuse_prevention: None,
        ..policy()
    };
    exec(iam::UpdateAccountPasswordPolicy(p), &iam)
        .await
        .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn a_password_policy_out_of_range_is_refused_before_any_call() {
    let rule = mock!(Client::update_account_password_policy)
        .then_output(|| UpdateAccountPasswordPolicyOutput::builder().build());
    let iam = writes!(aws_sdk_iam, [&rule]);
    let p = PasswordPolicy {
        max_password_age: Some(u32::MAX),
        ..policy()
    };
    let e = exec(iam::UpdateAccountPasswordPolicy(p), &iam)
        .await
        .unwrap_err();
    assert_eq!(e.code, "secure-account:InvalidParameter");
    assert_eq!(rule.num_calls(), 0);
}
