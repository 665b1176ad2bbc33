//! `aws-smithy-mocks` tests of every write (`crate::execute`): the exact request of each
//! action kind, the "already in that state" answers that are success and those that must
//! stay failures, the error classes, and the HTTP 200 answers that carry failures.
//!
//! The mock clients have the SDK's retries turned off, as [`crate::Clients::for_writes`]
//! builds them (`writes!`), so every answer is the answer of exactly one request.

use std::collections::BTreeSet;
use std::fmt::Debug;

use secure_account_core::action::ActionKind;

/// A mock client as the writes have it: the SDK does not retry.
macro_rules! writes {
    ($krate:ident, [$($rule:expr),* $(,)?]) => {
        aws_smithy_mocks::mock_client!(
            $krate,
            aws_smithy_mocks::RuleMode::Sequential,
            [$($rule),*],
            |b| b.retry_config(aws_smithy_types::retry::RetryConfig::disabled())
        )
    };
}

mod accessanalyzer;
mod cloudtrail;
mod config;
mod ec2;
mod errors;
mod guardduty;
mod iam;
mod kms;
mod logs;
mod others;
mod s3;
mod securityhub;
mod through_clients;

/// The idempotency token the test clients fill in (`with_test_defaults_v2`).
pub(crate) const TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// A request matcher that asserts the request is exactly `expected`: every planned
/// parameter, and nothing else.
pub(crate) fn exactly<I>(expected: I) -> impl Fn(&I) -> bool + Send + Sync + 'static
where
    I: PartialEq + Debug + Send + Sync + 'static,
{
    move |sent| {
        assert_eq!(sent, &expected, "the request sent");
        true
    }
}

/// Every action kind has its request tested in one of the files here.
#[test]
fn every_action_kind_is_covered() {
    let covered: BTreeSet<ActionKind> = [
        accessanalyzer::KINDS,
        cloudtrail::KINDS,
        config::KINDS,
        ec2::KINDS,
        guardduty::KINDS,
        iam::KINDS,
        kms::KINDS,
        logs::KINDS,
        others::KINDS,
        s3::KINDS,
        securityhub::KINDS,
    ]
    .concat()
    .into_iter()
    .collect();
    let all: BTreeSet<ActionKind> = ActionKind::all().collect();
    assert_eq!(
        all.difference(&covered).collect::<Vec<_>>(),
        Vec::<&ActionKind>::new()
    );
}
