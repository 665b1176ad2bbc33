//! IAM Access Analyzer writes (regional).

use std::collections::HashMap;

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::types::{Criterion, Type};
use secure_account_core::AwsError;
use secure_account_core::snapshot::ArchiveFilter;

use crate::error::aws;

/// `access-analyzer:CreateAnalyzer`. An analyzer of that name already there
/// (`ConflictException`) is success only if it has the planned type (read with
/// `access-analyzer:GetAnalyzer` through `reads`); else the conflict stands.
pub async fn create_analyzer(
    writes: &Client,
    reads: &Client,
    analyzer_name: &str,
    r#type: &str,
) -> Result<(), AwsError> {
    let created = writes
        .create_analyzer()
        .analyzer_name(analyzer_name)
        .r#type(Type::from(r#type))
        .send()
        .await
        .map_err(aws("access-analyzer:CreateAnalyzer"));
    match created {
        Err(e) if e.code == "ConflictException" => {
            let existing = reads
                .get_analyzer()
                .analyzer_name(analyzer_name)
                .send()
                .await
                .map_err(aws("access-analyzer:GetAnalyzer"))?;
            let same = existing
                .analyzer()
                .is_some_and(|a| a.r#type().as_str() == r#type);
            if same { Ok(()) } else { Err(e) }
        }
        other => other.map(|_| ()),
    }
}

fn filter(filter: &ArchiveFilter) -> HashMap<String, Criterion> {
    filter
        .iter()
        .map(|(field, c)| {
            (
                field.clone(),
                Criterion::builder()
                    .set_eq(c.eq.clone())
                    .set_neq(c.neq.clone())
                    .set_contains(c.contains.clone())
                    .set_exists(c.exists)
                    .build(),
            )
        })
        .collect()
}

/// `access-analyzer:CreateArchiveRule`.
pub async fn create_archive_rule(
    aa: &Client,
    analyzer_name: &str,
    rule_name: &str,
    archive_filter: &ArchiveFilter,
) -> Result<(), AwsError> {
    aa.create_archive_rule()
        .analyzer_name(analyzer_name)
        .rule_name(rule_name)
        .set_filter(Some(filter(archive_filter)))
        .send()
        .await
        .map_err(aws("access-analyzer:CreateArchiveRule"))?;
    Ok(())
}

/// `access-analyzer:UpdateArchiveRule`: replaces the rule's filter.
pub async fn update_archive_rule(
    aa: &Client,
    analyzer_name: &str,
    rule_name: &str,
    archive_filter: &ArchiveFilter,
) -> Result<(), AwsError> {
    aa.update_archive_rule()
        .analyzer_name(analyzer_name)
        .rule_name(rule_name)
        .set_filter(Some(filter(archive_filter)))
        .send()
        .await
        .map_err(aws("access-analyzer:UpdateArchiveRule"))?;
    Ok(())
}
