//! IAM Access Analyzer writes.

use std::collections::HashMap;

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::operation::create_analyzer::{
    CreateAnalyzerError, CreateAnalyzerInput, CreateAnalyzerOutput,
};
use aws_sdk_accessanalyzer::operation::create_archive_rule::{
    CreateArchiveRuleInput, CreateArchiveRuleOutput,
};
use aws_sdk_accessanalyzer::operation::get_analyzer::{GetAnalyzerError, GetAnalyzerOutput};
use aws_sdk_accessanalyzer::operation::update_archive_rule::{
    UpdateArchiveRuleInput, UpdateArchiveRuleOutput,
};
use aws_sdk_accessanalyzer::types::{AnalyzerStatus, AnalyzerSummary, Criterion, Type};
use aws_smithy_mocks::mock;
use aws_smithy_types::DateTime;
use secure_account_core::AwsError;
use secure_account_core::action::ActionKind;
use secure_account_core::action::accessanalyzer;
use secure_account_core::snapshot::{ArchiveFilter, Criterion as Planned};

use super::{MOCK_STATUS, TOKEN, done, exactly, exec, exec_with};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::CreateAnalyzer,
    ActionKind::CreateArchiveRule,
    ActionKind::UpdateArchiveRule,
];

const NAME: &str = "secure-account";

#[tokio::test]
async fn create_analyzer_sends_its_name_and_type_through_the_write_client_only() {
    let rule = mock!(Client::create_analyzer)
        .match_requests(exactly(
            CreateAnalyzerInput::builder()
                .analyzer_name(NAME)
                .r#type(Type::Account)
                .client_token(TOKEN)
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateAnalyzerOutput::builder().build());
    let get = mock!(Client::get_analyzer)
        .then_error(|| GetAnalyzerError::generic(meta("ResourceNotFoundException", "not asked")));
    let writes = writes!(aws_sdk_accessanalyzer, [&rule]);
    let reads = writes!(aws_sdk_accessanalyzer, [&get]);
    exec_with(
        accessanalyzer::CreateAnalyzer {
            analyzer_name: NAME.into(),
            r#type: "ACCOUNT".into(),
        },
        &writes,
        &reads,
    )
    .await
    .unwrap();
    assert_eq!((rule.num_calls(), get.num_calls()), (1, 0));
}

fn conflict() -> CreateAnalyzerError {
    CreateAnalyzerError::generic(meta(
        "ConflictException",
        "Analyzer secure-account already exists",
    ))
}

fn existing(t: Type) -> GetAnalyzerOutput {
    GetAnalyzerOutput::builder()
        .analyzer(
            AnalyzerSummary::builder()
                .arn("arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/secure-account")
                .name(NAME)
                .r#type(t)
                .created_at(DateTime::from_secs(0))
                .status(AnalyzerStatus::Active)
                .build()
                .unwrap(),
        )
        .build()
}

#[tokio::test]
async fn an_analyzer_already_there_of_the_same_type_is_success_read_through_the_read_client() {
    let create = mock!(Client::create_analyzer).then_error(conflict);
    let get = mock!(Client::get_analyzer)
        .match_requests(|r| r.analyzer_name() == Some(NAME))
        .then_output(|| existing(Type::Account));
    let writes = writes!(aws_sdk_accessanalyzer, [&create]);
    let reads = writes!(aws_sdk_accessanalyzer, [&get]);
    assert_eq!(
        exec_with(
            accessanalyzer::CreateAnalyzer {
                analyzer_name: NAME.into(),
                r#type: "ACCOUNT".into()
            },
            &writes,
            &reads
        )
        .await,
        done()
    );
    assert_eq!((create.num_calls(), get.num_calls()), (1, 1));
}

#[tokio::test]
async fn an_analyzer_already_there_of_another_type_keeps_the_conflict() {
    let create = mock!(Client::create_analyzer).then_error(conflict);
    let get = mock!(Client::get_analyzer).then_output(|| existing(Type::Organization));
    let writes = writes!(aws_sdk_accessanalyzer, [&create]);
    let reads = writes!(aws_sdk_accessanalyzer, [&get]);
    assert_eq!(
        exec_with(
            accessanalyzer::CreateAnalyzer {
                analyzer_name: NAME.into(),
                r#type: "ACCOUNT".into()
            },
            &writes,
            &reads
        )
        .await,
        Err(AwsError::new(
            "ConflictException",
            "Analyzer secure-account already exists"
        )
        .with_status(MOCK_STATUS))
    );
}

#[tokio::test]
async fn a_conflict_whose_analyzer_cannot_be_read_is_the_read_error() {
    let create = mock!(Client::create_analyzer).then_error(conflict);
    let get = mock!(Client::get_analyzer)
        .then_error(|| GetAnalyzerError::generic(meta("AccessDeniedException", "no")));
    let writes = writes!(aws_sdk_accessanalyzer, [&create]);
    let reads = writes!(aws_sdk_accessanalyzer, [&get]);
    let e = exec_with(
        accessanalyzer::CreateAnalyzer {
            analyzer_name: NAME.into(),
            r#type: "ACCOUNT".into(),
        },
        &writes,
        &reads,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert_eq!(e.message, "no (needs `access-analyzer:GetAnalyzer`)");
}

fn planned() -> ArchiveFilter {
    ArchiveFilter::from([
        (
            "resourceType".to_string(),
            Planned {
                eq: Some(vec!["AWS::S3::Bucket".into()]),
                ..Planned::default()
            },
        ),
        (
            "principal.AWS".to_string(),
            Planned {
                neq: Some(vec!["111111111111".into(), "222222222222".into()]),
                contains: Some(vec!["arn:aws:iam::".into()]),
                ..Planned::default()
            },
        ),
        (
            "isPublic".to_string(),
            Planned {
                exists: Some(false),
                ..Planned::default()
            },
        ),
    ])
}

fn sent() -> HashMap<String, Criterion> {
    HashMap::from([
        (
            "resourceType".to_string(),
            Criterion::builder().eq("AWS::S3::Bucket").build(),
        ),
        (
            "principal.AWS".to_string(),
            Criterion::builder()
                .neq("111111111111")
                .neq("222222222222")
                .contains("arn:aws:iam::")
                .build(),
        ),
        (
            "isPublic".to_string(),
            Criterion::builder().exists(false).build(),
        ),
    ])
}

#[tokio::test]
async fn create_archive_rule_sends_every_criterion() {
    let rule = mock!(Client::create_archive_rule)
        .match_requests(exactly(
            CreateArchiveRuleInput::builder()
                .analyzer_name(NAME)
                .rule_name("own-accounts")
                .set_filter(Some(sent()))
                .client_token(TOKEN)
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateArchiveRuleOutput::builder().build());
    let aa = writes!(aws_sdk_accessanalyzer, [&rule]);
    exec(
        accessanalyzer::CreateArchiveRule {
            analyzer_name: NAME.into(),
            rule_name: "own-accounts".into(),
            filter: planned(),
        },
        &aa,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn update_archive_rule_replaces_the_filter_with_every_criterion() {
    let rule = mock!(Client::update_archive_rule)
        .match_requests(exactly(
            UpdateArchiveRuleInput::builder()
                .analyzer_name(NAME)
                .rule_name("own-accounts")
                .set_filter(Some(sent()))
                .client_token(TOKEN)
                .build()
                .unwrap(),
        ))
        .then_output(|| UpdateArchiveRuleOutput::builder().build());
    let aa = writes!(aws_sdk_accessanalyzer, [&rule]);
    exec(
        accessanalyzer::UpdateArchiveRule {
            analyzer_name: NAME.into(),
            rule_name: "own-accounts".into(),
            filter: planned(),
        },
        &aa,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}
