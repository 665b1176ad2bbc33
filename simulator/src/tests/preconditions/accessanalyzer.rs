//! IAM Access Analyzer's preconditions and error codes.

use secure_account_core::action::accessanalyzer;

use super::*;

#[tokio::test(start_paused = true)]
async fn access_analyzer_errors() {
    let mut h = H::fresh();
    let rule = |filter: &[(&str, &str)]| {
        Action::CreateArchiveRule(accessanalyzer::CreateArchiveRule {
            analyzer_name: "a".into(),
            rule_name: "r".into(),
            filter: filter
                .iter()
                .map(|(k, v)| (k.to_string(), Criterion::eq(vec![v.to_string()])))
                .collect(),
        })
    };
    h.code(
        HOME,
        rule(&[("principal.AWS", "111122223333")]),
        "ResourceNotFoundException",
    )
    .await;
    let analyzer = Action::CreateAnalyzer(accessanalyzer::CreateAnalyzer {
        analyzer_name: "a".into(),
        r#type: "ACCOUNT".into(),
    });
    h.ok(HOME, analyzer.clone()).await;
    h.code(HOME, analyzer, "ConflictException").await;
    h.ok(HOME, rule(&[("principal.AWS", "111122223333")])).await;
    h.code(
        HOME,
        rule(&[("principal.AWS", "111122223333")]),
        "ConflictException",
    )
    .await;
    h.code(
        HOME,
        Action::UpdateArchiveRule(accessanalyzer::UpdateArchiveRule {
            analyzer_name: "a".into(),
            rule_name: "missing".into(),
            filter: BTreeMap::from([("principal.AWS".into(), Criterion::eq(vec!["1".into()]))]),
        }),
        "ResourceNotFoundException",
    )
    .await;
    // AWS's Criterion: at most 20 values, and at least one condition.
    let with = |c: Criterion| {
        Action::UpdateArchiveRule(accessanalyzer::UpdateArchiveRule {
            analyzer_name: "a".into(),
            rule_name: "r".into(),
            filter: BTreeMap::from([("principal.AWS".into(), c)]),
        })
    };
    let many: Vec<String> = (0..21).map(|i| format!("{:012}", i)).collect();
    h.code(HOME, with(Criterion::eq(many)), "ValidationException")
        .await;
    h.code(HOME, with(Criterion::default()), "ValidationException")
        .await;
    h.ok(
        HOME,
        with(Criterion {
            neq: Some(vec!["111122223333".into()]),
            exists: Some(true),
            ..Criterion::default()
        }),
    )
    .await;
}
