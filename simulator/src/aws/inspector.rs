//! Inspector: enabling scans by resource type.

use secure_account_core::action::inspector::EnableInspector;
use secure_account_core::snapshot::InspectorStatus;

use super::*;

impl Simulate for EnableInspector {
    const AWS_LATENCY_MS: u64 = 1500;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let resource_types = &self.resource_types;
        if resource_types.is_empty()
            || resource_types
                .iter()
                .any(|t| !matches!(t.as_str(), "EC2" | "ECR" | "LAMBDA" | "LAMBDA_CODE"))
        {
            return err(
                "ValidationException",
                format!("Invalid resourceTypes {resource_types:?}"),
            );
        }
        // LAMBDA on, or on its way (`ENABLING`).
        let lambda_on = c
            .services()
            .and_then(|s| s.inspector.known())
            .is_some_and(|i| {
                i.scans("LAMBDA")
                    || i.resource_states
                        .get("LAMBDA")
                        .is_some_and(|s| s.status == InspectorStatus::Enabling)
            });
        if resource_types.iter().any(|t| t == "LAMBDA_CODE")
            && !lambda_on
            && !resource_types.iter().any(|t| t == "LAMBDA")
        {
            return err(
                "ValidationException",
                "Lambda code scanning requires Lambda standard scanning to be enabled",
            );
        }
        Ok(())
    }
}
