//! `aws-smithy-mocks` tests of every write: each action kind's [`Execute`], sent with mock
//! clients ([`exec`]): the exact request of each kind, the "already in that state" answers
//! that are success and those that must stay failures, the error classes, and the HTTP 200
//! answers that carry failures.
//!
//! The mock clients have the SDK's retries turned off, as [`crate::Clients::for_writes`]
//! builds them (`writes!`), so every answer is the answer of exactly one request.

use std::collections::BTreeSet;
use std::fmt::Debug;

use secure_account_core::action::ActionKind;
use secure_account_core::{AwsError, Outputs};
use secure_account_engine::ActionOutput;

use crate::execute::{Exec, Execute, MockClients};

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
mod cloudformation;
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

/// The idempotency token of an action run as [`ACTION_ID`] for [`ACCOUNT`] in `us-east-1`
/// ([`secure_account_core::action::client_token`]): written out, so that a change to how
/// tokens are made shows here (a token that changed between two versions would make a
/// retried create a second resource).
pub(crate) const TOKEN: &str = "sa-423e4b41da0d14722d476402de7f81d4";

/// The HTTP status `aws-smithy-mocks` answers an error rule with (418: no AWS error has it,
/// so it never makes an error transient by itself).
pub(crate) const MOCK_STATUS: u16 = 418;

/// The account the executions run for.
pub(crate) const ACCOUNT: &str = "123456789012";

/// The action id [`exec`] executes under (idempotency tokens are made from it).
pub(crate) const ACTION_ID: &str = "us-east-1/test_action";

/// Sends `op` through its [`Execute`] with the mock client `writes` (and no read client),
/// for [`ACCOUNT`], with no outputs of earlier actions. The region is the mock client's
/// (`through_clients.rs` tests where each action goes).
pub(crate) async fn exec<O: Execute>(
    op: O,
    writes: impl Into<MockClients>,
) -> Result<ActionOutput, AwsError> {
    exec_with(op, writes, MockClients::default()).await
}

/// [`exec`] with the mock client `reads` for the reads an execution makes.
pub(crate) async fn exec_with<O: Execute>(
    op: O,
    writes: impl Into<MockClients>,
    reads: impl Into<MockClients>,
) -> Result<ActionOutput, AwsError> {
    let (writes, reads) = (writes.into(), reads.into());
    let cx = Exec {
        writes: &writes,
        reads: &reads,
        region: "us-east-1",
        account_id: ACCOUNT,
        action_id: ACTION_ID,
        outputs: &Outputs::default(),
    };
    op.execute(&cx).await
}

/// What an execution without outputs answers.
pub(crate) fn done() -> Result<ActionOutput, AwsError> {
    Ok(ActionOutput::default())
}

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
        cloudformation::KINDS,
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
