//! IAM Access Analyzer: analyzers and archive rules.

use std::collections::BTreeMap;

use super::*;

/// `create_analyzer`.
pub(super) fn create_analyzer(
    c: &Check<'_>,
    analyzer_name: &str,
    r#type: &str,
) -> Result<(), AwsError> {
    if !matches!(
        r#type,
        "ACCOUNT" | "ORGANIZATION" | "ACCOUNT_UNUSED_ACCESS" | "ORGANIZATION_UNUSED_ACCESS"
    ) {
        return err(
            "ValidationException",
            format!("Invalid type {type}", type = r#type),
        );
    }
    if r#type.starts_with("ORGANIZATION") {
        return err(
            "ValidationException",
            "You must be the organization's management account or a delegated \
                 administrator to create an organization analyzer",
        );
    }
    if analyzer(c, analyzer_name).is_some() {
        return err(
            "ConflictException",
            format!("Analyzer {analyzer_name} already exists"),
        );
    }
    Ok(())
}

/// `create_archive_rule`.
pub(super) fn create_archive_rule(
    c: &Check<'_>,
    analyzer_name: &str,
    rule_name: &str,
    filter: &BTreeMap<String, Vec<String>>,
) -> Result<(), AwsError> {
    let Some(a) = analyzer(c, analyzer_name) else {
        return err(
            "ResourceNotFoundException",
            format!("Analyzer {analyzer_name} not found"),
        );
    };
    if a.archive_rules.contains_key(rule_name) {
        return err(
            "ConflictException",
            format!("Archive rule {rule_name} already exists for analyzer {analyzer_name}"),
        );
    }
    archive_filter(filter)
}

/// `update_archive_rule`.
pub(super) fn update_archive_rule(
    c: &Check<'_>,
    analyzer_name: &str,
    rule_name: &str,
    filter: &BTreeMap<String, Vec<String>>,
) -> Result<(), AwsError> {
    let Some(a) = analyzer(c, analyzer_name) else {
        return err(
            "ResourceNotFoundException",
            format!("Analyzer {analyzer_name} not found"),
        );
    };
    if !a.archive_rules.contains_key(rule_name) {
        return err(
            "ResourceNotFoundException",
            format!("Archive rule {rule_name} not found for analyzer {analyzer_name}"),
        );
    }
    archive_filter(filter)
}

pub(super) fn analyzer<'a>(
    c: &'a Check<'_>,
    name: &str,
) -> Option<&'a secure_account_core::snapshot::Analyzer> {
    c.services()
        .and_then(|s| s.analyzers.known())
        .and_then(|a| a.iter().find(|a| a.name == name))
}

pub(super) fn archive_filter(
    filter: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<(), AwsError> {
    if filter.is_empty() || filter.values().any(Vec::is_empty) {
        return err(
            "ValidationException",
            "An archive rule needs a filter with at least one criterion and one value",
        );
    }
    Ok(())
}
