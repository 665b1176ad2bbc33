//! Athena, the account's alternate contacts, Systems Manager, Inspector and Macie.

use super::*;

/// `update_work_group`.
pub(super) fn update_work_group(
    c: &Check<'_>,
    work_group: &str,
    encryption_option: &Option<String>,
) -> Result<(), AwsError> {
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

/// `put_alternate_contact`.
pub(super) fn put_alternate_contact(
    alternate_contact_type: &str,
    name: &str,
    email_address: &str,
    phone_number: &str,
) -> Result<(), AwsError> {
    if !matches!(
        alternate_contact_type,
        "BILLING" | "OPERATIONS" | "SECURITY"
    ) {
        return err(
            "ValidationException",
            format!("Invalid AlternateContactType {alternate_contact_type}"),
        );
    }
    let email_ok = email_address
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    if name.is_empty() || !email_ok || phone_number.is_empty() {
        return err(
            "ValidationException",
            "Invalid input: name, a valid email address and a phone number are required",
        );
    }
    Ok(())
}

/// `update_service_setting`.
pub(super) fn update_service_setting(
    setting_id: &str,
    setting_value: &str,
) -> Result<(), AwsError> {
    let allowed: &[&str] = match setting_id {
        SSM_PUBLIC_SHARING => &["Enable", "Disable"],
        SSM_AUTOMATION_LOG => &["CloudWatch", "None"],
        _ => {
            return err(
                "ServiceSettingNotFound",
                format!("The service setting {setting_id} is not found"),
            );
        }
    };
    if !allowed.contains(&setting_value) {
        return err(
            "ValidationException",
            format!("Invalid value {setting_value} for service setting {setting_id}"),
        );
    }
    Ok(())
}

/// `enable_inspector`.
pub(super) fn enable_inspector(c: &Check<'_>, resource_types: &[String]) -> Result<(), AwsError> {
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
                || i.resource_states.get("LAMBDA").is_some_and(|s| {
                    s.status == secure_account_core::snapshot::InspectorStatus::Enabling
                })
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

/// `enable_macie`.
pub(super) fn enable_macie(
    c: &Check<'_>,
    finding_publishing_frequency: &str,
) -> Result<(), AwsError> {
    if c.services()
        .and_then(|s| s.macie.known())
        .is_some_and(|m| m.enabled)
    {
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

/// `update_automated_discovery_configuration`.
/// `UpdateClassificationScope`: Macie must be on; a bucket name must be a valid one.
pub(super) fn update_classification_scope(
    c: &Check<'_>,
    exclude_bucket_names: &[String],
) -> Result<(), AwsError> {
    if !c
        .services()
        .and_then(|s| s.macie.known())
        .is_some_and(|m| m.enabled)
    {
        return err("AccessDeniedException", "Macie is not enabled.");
    }
    if let Some(bad) = exclude_bucket_names
        .iter()
        .find(|b| b.is_empty() || b.len() > 63)
    {
        return err("ValidationException", format!("Invalid bucket name {bad}"));
    }
    Ok(())
}

pub(super) fn update_automated_discovery_configuration(
    c: &Check<'_>,
    status: &str,
) -> Result<(), AwsError> {
    if !c
        .services()
        .and_then(|s| s.macie.known())
        .is_some_and(|m| m.enabled)
    {
        return err("AccessDeniedException", "Macie is not enabled.");
    }
    if !matches!(status, "ENABLED" | "DISABLED") {
        return err("ValidationException", format!("Invalid status {status}"));
    }
    Ok(())
}
