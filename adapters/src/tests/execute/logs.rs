//! CloudWatch Logs writes.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::operation::create_log_group::{
    CreateLogGroupError, CreateLogGroupInput, CreateLogGroupOutput,
};
use aws_sdk_cloudwatchlogs::operation::put_retention_policy::{
    PutRetentionPolicyInput, PutRetentionPolicyOutput,
};
use aws_smithy_mocks::mock;
use secure_account_core::action::ActionKind;
use secure_account_core::action::logs;

use super::{exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] =
    &[ActionKind::CreateLogGroup, ActionKind::PutRetentionPolicy];

const GROUP: &str = "/secure-account/cloudtrail";

#[tokio::test]
async fn create_log_group_sends_its_tags() {
    let rule = mock!(Client::create_log_group)
        .match_requests(exactly(
            CreateLogGroupInput::builder()
                .log_group_name(GROUP)
                .set_tags(Some(HashMap::from([
                    ("ManagedBy".to_string(), "secure-account".to_string()),
                    ("Purpose".to_string(), "cloudtrail".to_string()),
                ])))
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateLogGroupOutput::builder().build());
    let logs = writes!(aws_sdk_cloudwatchlogs, [&rule]);
    let tags = BTreeMap::from([
        ("ManagedBy".to_string(), "secure-account".to_string()),
        ("Purpose".to_string(), "cloudtrail".to_string()),
    ]);
    exec(
        logs::CreateLogGroup {
            log_group_name: GROUP.into(),
            tags,
        },
        &logs,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn create_log_group_without_tags_sends_none_and_never_adopts_an_existing_group() {
    let rule = mock!(Client::create_log_group)
        .match_requests(exactly(
            CreateLogGroupInput::builder()
                .log_group_name(GROUP)
                .build()
                .unwrap(),
        ))
        .then_error(|| {
            CreateLogGroupError::generic(meta(
                "ResourceAlreadyExistsException",
                "The specified log group already exists",
            ))
        });
    let logs = writes!(aws_sdk_cloudwatchlogs, [&rule]);
    let e = exec(
        logs::CreateLogGroup {
            log_group_name: GROUP.into(),
            tags: BTreeMap::new(),
        },
        &logs,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "ResourceAlreadyExistsException");
}

#[tokio::test]
async fn put_retention_policy_sends_the_days() {
    let rule = mock!(Client::put_retention_policy)
        .match_requests(exactly(
            PutRetentionPolicyInput::builder()
                .log_group_name(GROUP)
                .retention_in_days(365)
                .build()
                .unwrap(),
        ))
        .then_output(|| PutRetentionPolicyOutput::builder().build());
    let logs = writes!(aws_sdk_cloudwatchlogs, [&rule]);
    exec(
        logs::PutRetentionPolicy {
            log_group_name: GROUP.into(),
            retention_in_days: 365,
        },
        &logs,
    )
    .await
    .unwrap();
    // Days out of the API's range are refused before any call.
    let e = exec(
        logs::PutRetentionPolicy {
            log_group_name: GROUP.into(),
            retention_in_days: u32::MAX,
        },
        &logs,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:InvalidParameter");
    assert_eq!(rule.num_calls(), 1);
}
