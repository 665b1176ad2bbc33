//! Athena's preconditions and error codes.

use secure_account_core::action::athena;

use super::*;

#[tokio::test(start_paused = true)]
async fn athena_errors() {
    let mut h = H::fresh();
    h.code(
        HOME,
        Action::UpdateWorkGroup(athena::UpdateWorkGroup {
            work_group: "analytics".into(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: None,
        }),
        "InvalidRequestException",
    )
    .await;
    h.ok(
        HOME,
        Action::UpdateWorkGroup(athena::UpdateWorkGroup {
            work_group: "primary".into(),
            publish_cloud_watch_metrics_enabled: true,
            encryption_option: Some("SSE_S3".into()),
        }),
    )
    .await;
}
