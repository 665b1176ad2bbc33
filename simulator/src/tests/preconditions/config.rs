//! AWS Config's preconditions and error codes.

use secure_account_core::action::{config, iam};

use super::*;

#[tokio::test(start_paused = true)]
async fn config_errors_and_the_happy_path() {
    let mut h = H::fresh();
    h.code(HOME, put_recorder("default"), "InvalidRoleException")
        .await;
    h.code(
        HOME,
        put_channel(LOG_BUCKET),
        "NoAvailableConfigurationRecorderException",
    )
    .await;
    h.code(
        HOME,
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder {
            name: "default".into(),
        }),
        "NoSuchConfigurationRecorderException",
    )
    .await;
    h.ok(GLOBAL, slr_config()).await;
    h.ok(HOME, put_recorder("default")).await;
    h.ok(HOME, put_recorder("default")).await; // an update
    h.code(
        HOME,
        put_recorder("second"),
        "MaxNumberOfConfigurationRecordersExceededException",
    )
    .await;
    h.code(
        HOME,
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder {
            name: "default".into(),
        }),
        "NoAvailableDeliveryChannelException",
    )
    .await;
    h.code(HOME, put_channel(LOG_BUCKET), "NoSuchBucketException")
        .await;
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.code(
        HOME,
        put_channel(LOG_BUCKET),
        "InsufficientDeliveryPolicyException",
    )
    .await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    h.ok(HOME, put_channel(LOG_BUCKET)).await;
    // Other regions deliver to the same bucket.
    h.ok("eu-west-1", put_recorder("default")).await;
    h.ok("eu-west-1", put_channel(LOG_BUCKET)).await;
    h.ok(
        HOME,
        Action::StartConfigurationRecorder(config::StartConfigurationRecorder {
            name: "default".into(),
        }),
    )
    .await;
    let config = h.services(HOME).config.known().unwrap().clone();
    assert!(config.recorders[0].recording);
}

#[tokio::test(start_paused = true)]
async fn config_recorder_role_must_trust_config() {
    let mut h = H::fresh();
    h.ok(
        GLOBAL,
        Action::CreateRole(iam::CreateRole {
            tags: Default::default(),
            role_name: "not-config".into(),
            assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
        }),
    )
    .await;
    h.code(
        HOME,
        Action::PutConfigurationRecorder(config::PutConfigurationRecorder {
            name: "default".into(),
            role_arn: role_arn("not-config"),
            all_supported: true,
            include_global_resource_types: false,
        }),
        "InvalidRoleException",
    )
    .await;
}
