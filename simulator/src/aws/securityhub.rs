//! Security Hub: the hub, its configuration, standards, control associations and the
//! finding aggregator.

use secure_account_core::action::securityhub::{
    BatchEnableStandards, BatchUpdateFindings, BatchUpdateStandardsControlAssociations,
    CreateFindingAggregator, EnableSecurityHub, FINDINGS_PER_CALL, NOTE_MAX_CHARS,
    UpdateSecurityHubConfiguration,
};
use secure_account_core::snapshot::{SecurityHub, StandardReadiness};

use super::*;

impl Simulate for EnableSecurityHub {
    const AWS_LATENCY_MS: u64 = 1500;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        if hub(c).is_some() {
            return err(
                "ResourceConflictException",
                format!(
                    "Account {} is already subscribed to Security Hub",
                    c.account_id()
                ),
            );
        }
        finding_generator(&self.control_finding_generator)
    }
}

impl Simulate for UpdateSecurityHubConfiguration {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        require_hub(c)?;
        finding_generator(&self.control_finding_generator)
    }
}

impl Simulate for BatchEnableStandards {
    const AWS_LATENCY_MS: u64 = 2000;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let standards_arn = &self.standards_arn;
        require_hub(c)?;
        let regional = format!("arn:aws:securityhub:{}::standards/", c.region);
        if !(standards_arn.starts_with(&regional)
            || standards_arn.starts_with("arn:aws:securityhub:::ruleset/"))
        {
            return err(
                "InvalidInputException",
                format!(
                    "Invalid standards ARN {standards_arn} for region {}",
                    c.region
                ),
            );
        }
        Ok(())
    }
}

impl Simulate for BatchUpdateStandardsControlAssociations {
    const AWS_LATENCY_MS: u64 = 800;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let standards_arn = &self.standards_arn;
        let hub = require_hub(c)?;
        if self.updates.is_empty() {
            return err(
                "InvalidInputException",
                "StandardsControlAssociationUpdates must not be empty",
            );
        }
        if !hub.standards.contains_key(standards_arn) {
            return err(
                "RESOURCE_NOT_FOUND",
                format!("The standard {standards_arn} is not enabled in this account"),
            );
        }
        // While the subscription is not ready for updates the whole call fails so (API
        // reference of BatchUpdateStandardsControlAssociations).
        if hub.readiness(standards_arn) == StandardReadiness::Pending {
            return err(
                "RESOURCE_NOT_FOUND",
                format!(
                    "The standard subscription for {standards_arn} is not ready for updates \
                     (StandardsControlsUpdatable: NOT_READY_FOR_UPDATES)"
                ),
            );
        }
        for u in &self.updates {
            if !matches!(u.association_status.as_str(), "ENABLED" | "DISABLED") {
                return err(
                    "InvalidInputException",
                    format!("Invalid AssociationStatus {}", u.association_status),
                );
            }
        }
        // A control the region's standard lacks is not an error of the call: AWS answers 200
        // and lists it in UnprocessedAssociationUpdates (`asynchronous::unprocessed_updates`).
        Ok(())
    }
}

impl Simulate for CreateFindingAggregator {
    const AWS_LATENCY_MS: u64 = 500;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let region_linking_mode = &self.region_linking_mode;
        require_hub(c)?;
        let existing = c.account.enabled_regions().find(|(_, r)| {
            r.services
                .security_hub
                .known()
                .and_then(Option::as_ref)
                .is_some_and(|h| h.finding_aggregator.is_some())
        });
        if let Some((region, _)) = existing {
            return err(
                "ResourceConflictException",
                format!("A finding aggregator already exists in region {region}"),
            );
        }
        if !matches!(
            region_linking_mode.as_str(),
            "ALL_REGIONS" | "ALL_REGIONS_EXCEPT_SPECIFIED" | "SPECIFIED_REGIONS" | "NO_REGIONS"
        ) {
            return err(
                "InvalidInputException",
                format!("Invalid RegionLinkingMode {region_linking_mode}"),
            );
        }
        Ok(())
    }
}

impl Simulate for BatchUpdateFindings {
    const AWS_LATENCY_MS: u64 = 400;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        require_hub(c)?;
        let n = self.finding_identifiers.len();
        if n == 0 || n > FINDINGS_PER_CALL {
            return err(
                "InvalidInputException",
                format!("FindingIdentifiers must name 1 to {FINDINGS_PER_CALL} findings, not {n}"),
            );
        }
        if self.note.is_empty() || self.note.chars().count() > NOTE_MAX_CHARS {
            return err(
                "InvalidInputException",
                format!("Note.Text must be 1 to {NOTE_MAX_CHARS} characters"),
            );
        }
        // A finding the region does not have is not an error of the call: AWS answers 200
        // and lists it in UnprocessedFindings (`findings::unprocessed`).
        Ok(())
    }
}

fn hub<'a>(c: &'a Check<'_>) -> Option<&'a SecurityHub> {
    c.services()
        .and_then(|s| s.security_hub.known())
        .and_then(Option::as_ref)
}

fn require_hub<'a>(c: &'a Check<'_>) -> Result<&'a SecurityHub, AwsError> {
    hub(c).ok_or_else(|| {
        AwsError::new(
            "InvalidAccessException",
            format!(
                "Account {} is not subscribed to AWS Security Hub",
                c.account_id()
            ),
        )
    })
}

fn finding_generator(value: &str) -> Result<(), AwsError> {
    if matches!(value, "SECURITY_CONTROL" | "STANDARD_CONTROL") {
        Ok(())
    } else {
        err(
            "InvalidInputException",
            format!("Invalid ControlFindingGenerator {value}"),
        )
    }
}
