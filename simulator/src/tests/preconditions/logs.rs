//! CloudWatch Logs' preconditions and error codes.

use secure_account_core::action::logs;

use super::*;

#[tokio::test(start_paused = true)]
async fn logs_errors() {
    let mut h = H::fresh();
    let group = Action::CreateLogGroup(logs::CreateLogGroup {
        tags: Default::default(),
        log_group_name: GROUP.into(),
    });
    h.ok(HOME, group.clone()).await;
    h.code(HOME, group, "ResourceAlreadyExistsException").await;
    h.code(
        HOME,
        Action::PutRetentionPolicy(logs::PutRetentionPolicy {
            log_group_name: "missing".into(),
            retention_in_days: 365,
        }),
        "ResourceNotFoundException",
    )
    .await;
    h.code(
        HOME,
        Action::PutRetentionPolicy(logs::PutRetentionPolicy {
            log_group_name: GROUP.into(),
            retention_in_days: 100,
        }),
        "InvalidParameterException",
    )
    .await;
}
