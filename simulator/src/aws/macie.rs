//! Macie: turning it on, automated discovery and the classification scope.

use secure_account_core::action::macie::{
    EnableMacie, UpdateAutomatedDiscoveryConfiguration, UpdateClassificationScope,
};

use super::*;

impl Simulate for EnableMacie {
    const AWS_LATENCY_MS: u64 = 1000;

    /// Macie's session, which its settings calls do not see at once.
    fn starts_propagation(&self, c: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((ResourceKind::MacieSession, c.region.to_string()))
    }

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let finding_publishing_frequency = self.finding_publishing_frequency.as_str();
        if macie_enabled(c) {
            return err("ConflictException", "Macie is already enabled");
        }
        if !FINDING_FREQUENCIES.contains(&finding_publishing_frequency) {
            return err(
                "ValidationException",
                format!("Invalid findingPublishingFrequency {finding_publishing_frequency}"),
            );
        }
        Ok(())
    }
}

impl Simulate for UpdateAutomatedDiscoveryConfiguration {
    const AWS_LATENCY_MS: u64 = 300;

    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        macie_settling(c)
    }

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        require_macie(c)?;
        let status = self.status.as_str();
        if !matches!(status, "ENABLED" | "DISABLED") {
            return err("ValidationException", format!("Invalid status {status}"));
        }
        Ok(())
    }
}

impl Simulate for UpdateClassificationScope {
    const AWS_LATENCY_MS: u64 = 300;

    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        macie_settling(c)
    }

    /// Macie must be on; a bucket name must be a valid one.
    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        require_macie(c)?;
        if let Some(bad) = self
            .exclude_bucket_names
            .iter()
            .find(|b| b.is_empty() || b.len() > 63)
        {
            return err("ValidationException", format!("Invalid bucket name {bad}"));
        }
        Ok(())
    }
}

/// Right after `EnableMacie`, Macie's settings answer `AccessDeniedException` "Macie is not
/// enabled" for a short while (shared/research/aws-behaviour.md, second pass): the same
/// answer as for an account where Macie is off.
fn macie_settling(c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
    vec![(
        (ResourceKind::MacieSession, c.region.to_string()),
        AwsError::new("AccessDeniedException", "Macie is not enabled."),
    )]
}

fn macie_enabled(c: &Check<'_>) -> bool {
    c.services()
        .and_then(|s| s.macie.known())
        .is_some_and(|m| m.enabled)
}

/// Macie's settings answer `AccessDeniedException` while Macie is off.
fn require_macie(c: &Check<'_>) -> Result<(), AwsError> {
    if macie_enabled(c) {
        Ok(())
    } else {
        err("AccessDeniedException", "Macie is not enabled.")
    }
}
