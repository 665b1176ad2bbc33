//! CloudFormation writes: the notification stack.

use std::collections::BTreeMap;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::create_stack::{CreateStackInput, CreateStackOutput};
use aws_sdk_cloudformation::operation::update_stack::{UpdateStackError, UpdateStackInput};
use aws_sdk_cloudformation::operation::update_termination_protection::{
    UpdateTerminationProtectionInput, UpdateTerminationProtectionOutput,
};
use aws_sdk_cloudformation::types::{Parameter, Tag};
use aws_smithy_mocks::mock;
use secure_account_core::action::ActionKind;
use secure_account_core::action::cloudformation;

use super::{exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::CreateStack,
    ActionKind::UpdateStack,
    ActionKind::UpdateTerminationProtection,
];

const STACK: &str = "secure-account-notifications";
const ROLE: &str = "arn:aws:iam::123456789012:role/secure-account-notifications-cloudformation";

fn parameters() -> BTreeMap<String, String> {
    [("NotificationEmail".to_string(), "a@example.com".to_string())].into()
}

fn sent_parameters() -> Vec<Parameter> {
    vec![
        Parameter::builder()
            .parameter_key("NotificationEmail")
            .parameter_value("a@example.com")
            .build(),
    ]
}

#[tokio::test]
async fn create_stack_sends_the_role_tags_and_termination_protection() {
    let rule = mock!(Client::create_stack)
        .match_requests(exactly(
            CreateStackInput::builder()
                .stack_name(STACK)
                .template_body("Resources: {}")
                .set_parameters(Some(sent_parameters()))
                .role_arn(ROLE)
                .set_tags(Some(vec![
                    Tag::builder()
                        .key("secure-account:purpose")
                        .value("notifications")
                        .build(),
                ]))
                .enable_termination_protection(true)
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateStackOutput::builder().stack_id("id").build());
    let cfn = writes!(aws_sdk_cloudformation, [&rule]);
    exec(
        cloudformation::CreateStack {
            stack_name: STACK.into(),
            template_body: "Resources: {}".into(),
            parameters: parameters(),
            role_arn: ROLE.into(),
            tags: [(
                "secure-account:purpose".to_string(),
                "notifications".to_string(),
            )]
            .into(),
            enable_termination_protection: true,
        },
        &cfn,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

fn update() -> cloudformation::UpdateStack {
    cloudformation::UpdateStack {
        stack_name: STACK.into(),
        template_body: "Resources: {}".into(),
        parameters: parameters(),
        role_arn: ROLE.into(),
    }
}

fn update_input() -> UpdateStackInput {
    UpdateStackInput::builder()
        .stack_name(STACK)
        .template_body("Resources: {}")
        .set_parameters(Some(sent_parameters()))
        .role_arn(ROLE)
        .build()
        .unwrap()
}

/// "No updates are to be performed." is the stack as asked: success.
#[tokio::test]
async fn update_stack_with_nothing_to_change_is_success() {
    let rule = mock!(Client::update_stack)
        .match_requests(exactly(update_input()))
        .then_error(|| {
            UpdateStackError::generic(meta("ValidationError", "No updates are to be performed."))
        });
    let cfn = writes!(aws_sdk_cloudformation, [&rule]);
    exec(update(), &cfn).await.unwrap();
    assert_eq!(rule.num_calls(), 1);
}

/// Any other validation error (a role CloudFormation cannot assume) is the action's error.
#[tokio::test]
async fn update_stack_keeps_other_validation_errors() {
    let rule = mock!(Client::update_stack)
        .match_requests(exactly(update_input()))
        .then_error(|| {
            UpdateStackError::generic(meta(
                "ValidationError",
                "Role arn:aws:iam::123456789012:role/x is invalid or cannot be assumed",
            ))
        });
    let cfn = writes!(aws_sdk_cloudformation, [&rule]);
    let e = exec(update(), &cfn).await.unwrap_err();
    assert_eq!(e.code, "ValidationError");
    assert!(e.message.contains("cannot be assumed"), "{e}");
}

#[tokio::test]
async fn update_termination_protection_sends_it() {
    let rule = mock!(Client::update_termination_protection)
        .match_requests(exactly(
            UpdateTerminationProtectionInput::builder()
                .stack_name(STACK)
                .enable_termination_protection(true)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateTerminationProtectionOutput::builder().build());
    let cfn = writes!(aws_sdk_cloudformation, [&rule]);
    exec(
        cloudformation::UpdateTerminationProtection {
            stack_name: STACK.into(),
            enable_termination_protection: true,
        },
        &cfn,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}
