//! Systems Manager's preconditions and error codes.

use secure_account_core::action::ssm;

use super::*;

#[tokio::test(start_paused = true)]
async fn ssm_errors() {
    let mut h = H::fresh();
    h.code(
        HOME,
        Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
            setting_id: "/ssm/not/a/setting".into(),
            setting_value: "x".into(),
        }),
        "ServiceSettingNotFound",
    )
    .await;
    h.ok(
        HOME,
        Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
            setting_id: "/ssm/documents/console/public-sharing-permission".into(),
            setting_value: "Disable".into(),
        }),
    )
    .await;
}
