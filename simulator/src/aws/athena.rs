//! Athena: work groups.

use secure_account_core::action::athena::UpdateWorkGroup;

use super::*;

impl Simulate for UpdateWorkGroup {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (work_group, encryption_option) = (self.work_group.as_str(), &self.encryption_option);
        let exists = c
            .services()
            .and_then(|s| s.athena_workgroups.known())
            .is_some_and(|ws| ws.iter().any(|w| w.name == work_group));
        if !exists {
            return err(
                "InvalidRequestException",
                format!("WorkGroup {work_group} is not found."),
            );
        }
        match encryption_option.as_deref() {
            None | Some("SSE_S3") => Ok(()),
            Some("SSE_KMS" | "CSE_KMS") => err(
                "InvalidRequestException",
                "KmsKey is required for SSE_KMS and CSE_KMS encryption",
            ),
            Some(other) => err(
                "InvalidRequestException",
                format!("Invalid EncryptionOption {other}"),
            ),
        }
    }
}
