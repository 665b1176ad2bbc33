//! IAM Access Analyzer: analyzers and archive rules.

use secure_account_core::action::accessanalyzer::{
    CreateAnalyzer, CreateArchiveRule, UpdateArchiveRule,
};
use secure_account_core::snapshot::{Analyzer, ArchiveFilter, Criterion};

use super::*;

impl Simulate for CreateAnalyzer {
    const AWS_LATENCY_MS: u64 = 700;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (analyzer_name, r#type) = (&self.analyzer_name, self.r#type.as_str());
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
}

impl Simulate for CreateArchiveRule {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (analyzer_name, rule_name) = (&self.analyzer_name, &self.rule_name);
        let a = require_analyzer(c, analyzer_name)?;
        if a.archive_rules.contains_key(rule_name) {
            return err(
                "ConflictException",
                format!("Archive rule {rule_name} already exists for analyzer {analyzer_name}"),
            );
        }
        archive_filter(&self.filter)
    }
}

impl Simulate for UpdateArchiveRule {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (analyzer_name, rule_name) = (&self.analyzer_name, &self.rule_name);
        let a = require_analyzer(c, analyzer_name)?;
        if !a.archive_rules.contains_key(rule_name) {
            return err(
                "ResourceNotFoundException",
                format!("Archive rule {rule_name} not found for analyzer {analyzer_name}"),
            );
        }
        archive_filter(&self.filter)
    }
}

/// The analyzer `name`; `ResourceNotFoundException` when there is none.
fn require_analyzer<'a>(c: &'a Check<'_>, name: &str) -> Result<&'a Analyzer, AwsError> {
    analyzer(c, name).ok_or_else(|| {
        AwsError::new(
            "ResourceNotFoundException",
            format!("Analyzer {name} not found"),
        )
    })
}

fn analyzer<'a>(c: &'a Check<'_>, name: &str) -> Option<&'a Analyzer> {
    c.services()
        .and_then(|s| s.analyzers.known())
        .and_then(|a| a.iter().find(|a| a.name == name))
}

/// AWS's validation of an archive rule's filter (API_Criterion): at least one criterion,
/// each with at least one condition, and 1 to 20 values in each list.
fn archive_filter(filter: &ArchiveFilter) -> Result<(), AwsError> {
    if filter.is_empty() {
        return err(
            "ValidationException",
            "An archive rule needs a filter with at least one criterion",
        );
    }
    for (field, c) in filter {
        let lists = [("eq", &c.eq), ("neq", &c.neq), ("contains", &c.contains)];
        if lists.iter().all(|(_, l)| l.is_none()) && c.exists.is_none() {
            return err(
                "ValidationException",
                format!("the criterion for `{field}` has no eq, neq, contains or exists"),
            );
        }
        for (name, list) in lists {
            if let Some(values) = list
                && !(1..=Criterion::MAX_VALUES).contains(&values.len())
            {
                return err(
                    "ValidationException",
                    format!(
                        "1 validation error detected: Value at 'filter.{field}.member.{name}' \
                         failed to satisfy constraint: Member must have length less than or \
                         equal to {} and greater than or equal to 1",
                        Criterion::MAX_VALUES
                    ),
                );
            }
        }
    }
    Ok(())
}
