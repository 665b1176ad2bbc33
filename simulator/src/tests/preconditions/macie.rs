//! Macie's preconditions and error codes: its settings need Macie on.

use secure_account_core::action::macie;

use super::*;

#[tokio::test(start_paused = true)]
async fn macie_errors() {
    let mut h = H::fresh();
    let discovery = Action::UpdateAutomatedDiscoveryConfiguration(
        macie::UpdateAutomatedDiscoveryConfiguration {
            status: "ENABLED".into(),
        },
    );
    h.code(HOME, discovery.clone(), "AccessDeniedException")
        .await;
    let scope = Action::UpdateClassificationScope(macie::UpdateClassificationScope {
        exclude_bucket_names: vec!["cloudtrail-logs-123456789012".into()],
    });
    h.code(HOME, scope.clone(), "AccessDeniedException").await;
    let macie = Action::EnableMacie(macie::EnableMacie {
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
    });
    h.ok(HOME, macie.clone()).await;
    h.code(HOME, macie, "ConflictException").await;
    h.ok(HOME, discovery).await;
    h.ok(HOME, scope).await;
}
