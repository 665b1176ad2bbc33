//! IAM Access Analyzer: the region's analyzers and their archive rules (regional); creating
//! the analyzer and its archive rules.

use std::collections::HashMap;

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::types::{Criterion, Type};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::accessanalyzer::{
    CreateAnalyzer, CreateArchiveRule, UpdateArchiveRule,
};
use secure_account_core::snapshot::{Analyzer, ArchiveFilter};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};
use crate::util::ITEM_CONCURRENCY;

// ---- reads ----

/// `access-analyzer:ListAnalyzers`, then `access-analyzer:ListArchiveRules` per analyzer.
/// An archive rule keeps, per filter key, the values of its `eq` criterion.
pub async fn read_analyzers(aa: &Client) -> Result<Vec<Analyzer>, AwsError> {
    let analyzers: Vec<_> = aa
        .list_analyzers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("access-analyzer:ListAnalyzers"))?;
    let mut out: Vec<Analyzer> = futures::stream::iter(analyzers)
        .map(|a| async move {
            let rules: Vec<_> = aa
                .list_archive_rules()
                .analyzer_name(a.name())
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("access-analyzer:ListArchiveRules"))?;
            let archive_rules = rules
                .iter()
                .map(|r| {
                    let sorted = |v: &[String]| -> Option<Vec<String>> {
                        (!v.is_empty()).then(|| {
                            let mut v = v.to_vec();
                            v.sort();
                            v
                        })
                    };
                    let filter: secure_account_core::snapshot::ArchiveFilter = r
                        .filter()
                        .iter()
                        .map(|(k, c)| {
                            (
                                k.clone(),
                                secure_account_core::snapshot::Criterion {
                                    eq: sorted(Criterion::eq(c)),
                                    neq: sorted(Criterion::neq(c)),
                                    contains: sorted(Criterion::contains(c)),
                                    exists: c.exists(),
                                },
                            )
                        })
                        .collect();
                    (r.rule_name().to_string(), filter)
                })
                .collect();
            Ok::<_, AwsError>(Analyzer {
                name: a.name().to_string(),
                kind: a.r#type().as_str().to_string(),
                status: a.status().as_str().to_string(),
                archive_rules,
            })
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

// ---- actions ----

/// `access-analyzer:CreateAnalyzer`, with the action's idempotency token (as the archive
/// rules' calls below). An analyzer of that name already there
/// (`ConflictException`) is success only if it has the planned type (read with
/// `access-analyzer:GetAnalyzer` through the read clients); else the conflict stands.
impl Execute for CreateAnalyzer {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let created = cx
            .writes
            .accessanalyzer(cx.region)
            .create_analyzer()
            .client_token(cx.client_token())
            .analyzer_name(&self.analyzer_name)
            .r#type(Type::from(self.r#type.as_str()))
            .send()
            .await
            .map_err(aws("access-analyzer:CreateAnalyzer"));
        match created {
            Err(e) if e.code == "ConflictException" => {
                let existing = cx
                    .reads
                    .accessanalyzer(cx.region)
                    .get_analyzer()
                    .analyzer_name(&self.analyzer_name)
                    .send()
                    .await
                    .map_err(aws("access-analyzer:GetAnalyzer"))?;
                let same = existing
                    .analyzer()
                    .is_some_and(|a| a.r#type().as_str() == self.r#type);
                if same {
                    Ok(ActionOutput::default())
                } else {
                    Err(e)
                }
            }
            other => other.map(|_| ActionOutput::default()),
        }
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
impl Execute for CreateArchiveRule {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .accessanalyzer(cx.region)
            .create_archive_rule()
            .client_token(cx.client_token())
            .analyzer_name(&self.analyzer_name)
            .rule_name(&self.rule_name)
            .set_filter(Some(filter(&self.filter)))
            .send()
            .await
            .map_err(aws("access-analyzer:CreateArchiveRule"))?;
        Ok(ActionOutput::default())
    }
}

/// `access-analyzer:UpdateArchiveRule`: replaces the rule's filter.
impl Execute for UpdateArchiveRule {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .accessanalyzer(cx.region)
            .update_archive_rule()
            .client_token(cx.client_token())
            .analyzer_name(&self.analyzer_name)
            .rule_name(&self.rule_name)
            .set_filter(Some(filter(&self.filter)))
            .send()
            .await
            .map_err(aws("access-analyzer:UpdateArchiveRule"))?;
        Ok(ActionOutput::default())
    }
}
