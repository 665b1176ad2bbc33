//! CloudTrail's preconditions and error codes: a trail needs its bucket, key, log group
//! and role, and its operations run in its home region.

use secure_account_core::action::{cloudtrail, iam, logs};

use super::*;

#[tokio::test(start_paused = true)]
async fn trail_needs_its_bucket_and_its_policy() {
    let mut h = H::fresh();
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "S3BucketDoesNotExistException",
    )
    .await;
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    let e = h
        .code(
            HOME,
            create_trail(TRAIL, LOG_BUCKET, "", false),
            "InsufficientS3BucketPolicyException",
        )
        .await;
    assert_eq!(
        e.message,
        format!("Incorrect S3 bucket policy is detected for bucket: {LOG_BUCKET}")
    );
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    h.ok(HOME, create_trail(TRAIL, LOG_BUCKET, "", false)).await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "TrailAlreadyExistsException",
    )
    .await;
    // A multi-region trail's name is taken in every region.
    h.code(
        "eu-west-1",
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "TrailAlreadyExistsException",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn trail_key_must_let_cloudtrail_encrypt() {
    let mut h = H::fresh();
    trail_dependencies(&mut h).await;
    let weak = h
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, &weak, false),
        "InsufficientEncryptionPolicyException",
    )
    .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "alias/nope", false),
        "KmsKeyNotFoundException",
    )
    .await;
    // The key policy names the trail `cloudtrail`: another trail may not use it.
    h.code(
        HOME,
        create_trail("other", LOG_BUCKET, "alias/trail_encrypt_key", false),
        "InsufficientEncryptionPolicyException",
    )
    .await;
    h.ok(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "alias/trail_encrypt_key", true),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn trail_cloudwatch_logs_needs_group_and_role() {
    let mut h = H::fresh();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", true),
        "InvalidCloudWatchLogsLogGroupArnException",
    )
    .await;
    h.ok(
        HOME,
        Action::CreateLogGroup(logs::CreateLogGroup {
            tags: Default::default(),
            log_group_name: GROUP.into(),
        }),
    )
    .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", true),
        "InvalidCloudWatchLogsRoleArnException",
    )
    .await;
    h.ok(
        GLOBAL,
        Action::CreateRole(iam::CreateRole {
            tags: Default::default(),
            role_name: CW_ROLE.into(),
            assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
        }),
    )
    .await;
    // The role exists but may not write to the group yet.
    let e = h
        .code(
            HOME,
            create_trail(TRAIL, LOG_BUCKET, "", true),
            "InvalidCloudWatchLogsLogGroupArnException",
        )
        .await;
    assert!(e.message.starts_with("Access denied"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn trail_operations_need_the_trail_in_its_home_region() {
    let mut h = H::fresh();
    let key = trail_dependencies(&mut h).await;
    for action in [
        Action::StartLogging(cloudtrail::StartLogging { name: TRAIL.into() }),
        Action::PutEventSelectors(cloudtrail::PutEventSelectors {
            trail_name: TRAIL.into(),
            read_write_type: "All".into(),
            include_management_events: true,
        }),
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: TRAIL.into(),
            s3_bucket_name: LOG_BUCKET.into(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            enable_log_file_validation: true,
            kms_key_id: Some(key.clone()),
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
    ] {
        h.code(HOME, action, "TrailNotFoundException").await;
    }
    h.ok(HOME, create_trail(TRAIL, LOG_BUCKET, &key, true))
        .await;
    h.ok(
        HOME,
        Action::StartLogging(cloudtrail::StartLogging { name: TRAIL.into() }),
    )
    .await;
    h.code(
        "eu-west-1",
        Action::StartLogging(cloudtrail::StartLogging { name: TRAIL.into() }),
        "InvalidHomeRegionException",
    )
    .await;
    let trail = h.services(HOME).trails.known().unwrap()[0].clone();
    assert!(trail.is_logging && trail.is_multi_region_trail);
}

#[tokio::test(start_paused = true)]
async fn lived_in_trail_is_adopted_by_update() {
    let mut h = H::lived_in();
    h.ok(
        HOME,
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: "management-events".into(),
            s3_bucket_name: LIVED_IN_TRAIL_BUCKET.into(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            enable_log_file_validation: true,
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
    )
    .await;
    h.code(
        HOME,
        Action::UpdateTrail(cloudtrail::UpdateTrail {
            name: "management-events".into(),
            s3_bucket_name: LIVED_IN_TRAIL_BUCKET.into(),
            is_multi_region_trail: true,
            include_global_service_events: false,
            enable_log_file_validation: true,
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
        }),
        "InvalidParameterCombinationException",
    )
    .await;
}
