//! Error classes (access denied, an operation the endpoint lacks, throttling), the call
//! counter, the agreement of the IAM actions the reads name with the part table, and the
//! IAM actions of the executions: each call names one, and `iam-policy` allows it (both
//! read from the source files, [`super::sources`]).

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_iam::Client;
use aws_sdk_iam::operation::get_account_password_policy::{
    GetAccountPasswordPolicyError, GetAccountPasswordPolicyOutput,
};
use aws_smithy_mocks::{mock, mock_client};
use aws_smithy_types::retry::RetryConfig;
use secure_account_core::Part;
use secure_account_core::part::PREAMBLE_IAM_ACTIONS;

use super::sources::{ACTIONS, read_actions, sources, write_actions};
use super::{http, meta};
use crate::clients::CallCounter;
use crate::iam::read_password_policy;

#[tokio::test]
async fn an_error_page_without_code_is_not_implemented_with_the_servers_words() {
    // moto's answer for an operation it lacks (HTTP 500, a Werkzeug page).
    let rule = mock!(Client::get_account_password_policy).then_http_response(|| {
        http(
            500,
            "<!doctype html><html><title>500 Internal Server Error</title><p>NotImplementedError: \
             The get_account_password_policy action has not been implemented</p></html>",
        )
    });
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(
        e.message.starts_with(
            "iam:GetAccountPasswordPolicy: the endpoint does not serve this operation (HTTP 500"
        ),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("has not been implemented"),
        "{}",
        e.message
    );

    // A REST service's 404 page.
    let rule = mock!(Client::get_account_password_policy)
        .then_http_response(|| http(404, "<html><h1>Not Found</h1></html>"));
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(e.message.contains("Not Found"), "{}", e.message);

    // A server error without a code (a proxy's), and any other status without a code.
    let rule =
        mock!(Client::get_account_password_policy).then_http_response(|| http(502, "bad gateway"));
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "secure-account:HttpServerError");
    assert!(e.message.contains("HTTP 502"), "{}", e.message);
    let rule = mock!(Client::get_account_password_policy).then_http_response(|| http(418, "tea"));
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "secure-account:HttpError");
    assert!(e.message.contains("HTTP 418"), "{}", e.message);
}

#[tokio::test]
async fn an_error_in_an_unexpected_shape_keeps_its_code() {
    // An XML error for a JSON service (moto's Security Hub), and a JSON one with `__type`.
    let rule = mock!(Client::get_account_password_policy).then_http_response(|| {
        http(
            400,
            "<ErrorResponse><Error><Code>InvalidAccessException</Code><Message>not \
             subscribed</Message></Error></ErrorResponse>",
        )
    });
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("InvalidAccessException", "not subscribed")
    );
    let rule = mock!(Client::get_account_password_policy).then_http_response(|| {
        http(
            400,
            r#"{"__type": "com.amazonaws#AccessDeniedException", "message": "no"}"#,
        )
    });
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    assert_eq!(e.message, "no (needs `iam:GetAccountPasswordPolicy`)");
}

#[tokio::test]
async fn an_answer_the_sdk_cannot_read_is_unparsable() {
    let rule = mock!(Client::get_account_password_policy)
        .then_http_response(|| http(200, "<ListBucketResult>not this</ListBucketResult>"));
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "secure-account:UnparsableResponse", "{e}");
}

fn policy_output() -> GetAccountPasswordPolicyOutput {
    GetAccountPasswordPolicyOutput::builder()
        .password_policy(
            aws_sdk_iam::types::PasswordPolicy::builder()
                .minimum_password_length(14)
                .build(),
        )
        .build()
}

#[tokio::test(start_paused = true)]
async fn throttling_is_retried_and_every_attempt_counted() {
    let rule = mock!(Client::get_account_password_policy)
        .sequence()
        .error(|| GetAccountPasswordPolicyError::generic(meta("Throttling", "Rate exceeded")))
        .times(2)
        .output(policy_output)
        .build();
    let counter = CallCounter::default();
    let c = counter.clone();
    let iam = mock_client!(
        aws_sdk_iam,
        aws_smithy_mocks::RuleMode::Sequential,
        [&rule],
        move |b| b
            .retry_config(RetryConfig::adaptive().with_max_attempts(5))
            .interceptor(c.clone())
    );
    let p = read_password_policy(&iam).await.unwrap().unwrap();
    assert_eq!(p.minimum_password_length, 14);
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(counter.get(), 3, "every attempt is a read call");
}

#[tokio::test(start_paused = true)]
async fn throttling_that_never_ends_is_the_last_error() {
    let rule = mock!(Client::get_account_password_policy)
        .sequence()
        .error(|| GetAccountPasswordPolicyError::generic(meta("Throttling", "Rate exceeded")))
        .repeatedly()
        .build();
    let iam = mock_client!(
        aws_sdk_iam,
        aws_smithy_mocks::RuleMode::Sequential,
        [&rule],
        |b| b.retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_max_backoff(Duration::from_millis(5))
        )
    );
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "Throttling");
    assert_eq!(e.message, "Rate exceeded");
    assert_eq!(rule.num_calls(), 3);
}

#[test]
fn the_part_table_lists_exactly_the_actions_the_reads_need() {
    let used = read_actions();
    let table: BTreeSet<String> = Part::all()
        .flat_map(|p| p.facts().iam_actions.iter())
        .chain(PREAMBLE_IAM_ACTIONS.iter())
        .map(|a| a.to_string())
        .collect();
    assert_eq!(
        used.difference(&table).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "actions the reads need but the part table does not list"
    );
    assert_eq!(
        table.difference(&used).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "actions the part table lists but no read uses"
    );
}

/// Every SDK call (`.send()`) of an execution maps its error with the IAM action it needs
/// (`.map_err(aws("…"))` within the same call chain), so that the list of IAM actions
/// named in the sources is the list of calls they make.
#[test]
fn every_sdk_call_of_an_execution_names_its_iam_action() {
    for source in sources() {
        for (i, piece) in source.actions.split(".send()").enumerate().skip(1) {
            let next: String = piece.chars().take(120).collect();
            assert!(
                next.contains("aws(\""),
                "{}: call #{i} of the actions does not name its IAM action: `.send(){next}`",
                source.path
            );
        }
    }
}

/// Every kind's `Execute` stands in the actions part of its service's file, where the
/// test above checks its calls: one implementation per kind, none among the reads.
#[test]
fn every_execution_is_in_the_actions_of_a_file() {
    const IMPL: &str = "impl Execute for ";
    let mut among_actions = 0;
    for source in sources() {
        assert!(
            !source.reads.contains(IMPL),
            "{}: an `Execute` before the `{ACTIONS}` line",
            source.path
        );
        among_actions += source.actions.matches(IMPL).count();
    }
    assert_eq!(
        among_actions,
        secure_account_core::action::ActionKind::all().count()
    );
}

/// `secure-account iam-policy` allows every IAM action an SDK call of the adapters needs,
/// reads and writes; the read-only policy allows every read.
#[test]
fn the_iam_policy_covers_every_call_the_adapters_make() {
    use secure_account_core::iam_policy::{Access, allows, build};
    let names = secure_account_core::Baseline::fsbp().names;
    let full = build(&names, Access::Full).unwrap();
    let read_only = build(&names, Access::ReadOnly).unwrap();
    let reads = read_actions();
    let writes = write_actions();
    assert!(writes.len() >= 45, "{writes:?}");
    let missing: Vec<&String> = reads
        .iter()
        .chain(&writes)
        .filter(|a| !allows(&full, a))
        .collect();
    assert_eq!(missing, Vec::<&String>::new(), "not in `iam-policy`");
    // Reads inside an execution (Macie's scope, an existing analyzer) are writes'
    // business; the read-only policy covers what `snapshot`, `plan` and `verify` call.
    let missing: Vec<&String> = reads.iter().filter(|a| !allows(&read_only, a)).collect();
    assert_eq!(
        missing,
        Vec::<&String>::new(),
        "not in `iam-policy --read-only`"
    );
    // And each execute call's IAM action is one the action table lists for some action
    // kind (the table `iam-policy` is built from), not only allowed by a wildcard.
    let table: BTreeSet<&str> = secure_account_core::action::ActionKind::all()
        .flat_map(|k| k.facts().iam_actions.iter().copied())
        .chain(secure_account_core::Part::all().flat_map(|p| p.facts().iam_actions.iter().copied()))
        .collect();
    let unlisted: Vec<&String> = writes
        .iter()
        .filter(|a| !table.contains(a.as_str()))
        .collect();
    assert_eq!(unlisted, Vec::<&String>::new(), "not in the action table");
}
