//! IAM Access Analyzer: the region's analyzers and their archive rules (regional).

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::types::Criterion;
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::snapshot::Analyzer;

use crate::error::aws;
use crate::util::ITEM_CONCURRENCY;

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
