//! CloudTrail writes.

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::operation::create_trail::{
    CreateTrailError, CreateTrailInput, CreateTrailOutput,
};
use aws_sdk_cloudtrail::operation::put_event_selectors::{
    PutEventSelectorsInput, PutEventSelectorsOutput,
};
use aws_sdk_cloudtrail::operation::start_logging::{StartLoggingInput, StartLoggingOutput};
use aws_sdk_cloudtrail::operation::update_trail::{UpdateTrailInput, UpdateTrailOutput};
use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
use aws_smithy_mocks::mock;
use secure_account_core::action::ActionKind;
use secure_account_core::action::cloudtrail;

use super::{exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::CreateTrail,
    ActionKind::UpdateTrail,
    ActionKind::PutEventSelectors,
    ActionKind::StartLogging,
];

const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const GROUP: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/secure-account/cloudtrail:*";
const ROLE: &str = "arn:aws:iam::123456789012:role/secure-account-cloudtrail-logs";

fn full() -> cloudtrail::UpdateTrail {
    cloudtrail::UpdateTrail {
        name: "secure-account".into(),
        s3_bucket_name: "trail-bucket".into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        kms_key_id: Some(KEY.into()),
        cloud_watch_logs_log_group_arn: Some(GROUP.into()),
        cloud_watch_logs_role_arn: Some(ROLE.into()),
    }
}

fn create() -> cloudtrail::CreateTrail {
    cloudtrail::CreateTrail {
        name: "secure-account".into(),
        s3_bucket_name: "trail-bucket".into(),
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        kms_key_id: KEY.into(),
        cloud_watch_logs_log_group_arn: Some(GROUP.into()),
        cloud_watch_logs_role_arn: Some(ROLE.into()),
    }
}

#[tokio::test]
async fn create_trail_sends_every_setting() {
    let rule = mock!(Client::create_trail)
        .match_requests(exactly(
            CreateTrailInput::builder()
                .name("secure-account")
                .s3_bucket_name("trail-bucket")
                .is_multi_region_trail(true)
                .include_global_service_events(true)
                .enable_log_file_validation(true)
                .kms_key_id(KEY)
                .cloud_watch_logs_log_group_arn(GROUP)
                .cloud_watch_logs_role_arn(ROLE)
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateTrailOutput::builder().build());
    let ct = writes!(aws_sdk_cloudtrail, [&rule]);
    exec(create(), &ct).await.unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn create_trail_of_a_name_taken_since_the_snapshot_fails() {
    let rule = mock!(Client::create_trail).then_error(|| {
        CreateTrailError::generic(meta(
            "TrailAlreadyExistsException",
            "Trail secure-account already exists for customer: 123456789012",
        ))
    });
    let ct = writes!(aws_sdk_cloudtrail, [&rule]);
    let e = exec(create(), &ct).await.unwrap_err();
    assert_eq!(e.code, "TrailAlreadyExistsException");
}

#[tokio::test]
async fn update_trail_leaves_out_what_is_none() {
    let rule = mock!(Client::update_trail)
        .match_requests(exactly(
            UpdateTrailInput::builder()
                .name("customer-trail")
                .s3_bucket_name("their-bucket")
                .is_multi_region_trail(true)
                .include_global_service_events(true)
                .enable_log_file_validation(true)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateTrailOutput::builder().build());
    let all = mock!(Client::update_trail)
        .match_requests(exactly(
            UpdateTrailInput::builder()
                .name("secure-account")
                .s3_bucket_name("trail-bucket")
                .is_multi_region_trail(true)
                .include_global_service_events(true)
                .enable_log_file_validation(true)
                .kms_key_id(KEY)
                .cloud_watch_logs_log_group_arn(GROUP)
                .cloud_watch_logs_role_arn(ROLE)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateTrailOutput::builder().build());
    let ct = writes!(aws_sdk_cloudtrail, [&rule, &all]);
    exec(
        cloudtrail::UpdateTrail {
            name: "customer-trail".into(),
            s3_bucket_name: "their-bucket".into(),
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
            ..full()
        },
        &ct,
    )
    .await
    .unwrap();
    exec(full(), &ct).await.unwrap();
    assert_eq!((rule.num_calls(), all.num_calls()), (1, 1));
}

#[tokio::test]
async fn put_event_selectors_sends_one_management_selector() {
    let rule = mock!(Client::put_event_selectors)
        .match_requests(exactly(
            PutEventSelectorsInput::builder()
                .trail_name("secure-account")
                .event_selectors(
                    EventSelector::builder()
                        .read_write_type(ReadWriteType::All)
                        .include_management_events(true)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutEventSelectorsOutput::builder().build());
    let ct = writes!(aws_sdk_cloudtrail, [&rule]);
    exec(
        cloudtrail::PutEventSelectors {
            trail_name: "secure-account".into(),
            read_write_type: "All".into(),
            include_management_events: true,
        },
        &ct,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn start_logging_names_the_trail() {
    let rule = mock!(Client::start_logging)
        .match_requests(exactly(
            StartLoggingInput::builder()
                .name("secure-account")
                .build()
                .unwrap(),
        ))
        .then_output(|| StartLoggingOutput::builder().build());
    let ct = writes!(aws_sdk_cloudtrail, [&rule]);
    exec(
        cloudtrail::StartLogging {
            name: "secure-account".into(),
        },
        &ct,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}
