//! Inspector's preconditions and error codes.

use secure_account_core::action::inspector;

use super::*;

#[tokio::test(start_paused = true)]
async fn inspector_errors() {
    let mut h = H::fresh();
    h.code(
        HOME,
        Action::EnableInspector(inspector::EnableInspector {
            resource_types: vec!["LAMBDA_CODE".into()],
        }),
        "ValidationException",
    )
    .await;
}
