//! The port: what the apply engine needs from an account. The simulator and the AWS
//! adapters both implement it; the engine is generic over it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use secure_account_core::{AccountInfo, Action, AwsError, Outputs, Part, PartValue, Scope};

/// API calls made through a port so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CallCounts {
    /// Read calls (`Describe*`, `Get*`, `List*`), including those of reading a snapshot.
    pub read: u64,
    /// Write calls, one per `execute` attempt that reached the service.
    pub write: u64,
}

/// What executing one action produced, for later actions to refer to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ActionOutput {
    /// The id of a key that `create_key` created.
    pub created_key_id: Option<String>,
    /// What an HTTP 200 answer says was not done: Security Hub's
    /// `UnprocessedAssociationUpdates` (by control id), Inspector's `failedAccounts` (by
    /// account id). The engine turns them into a failed action, except a control that the
    /// region does not offer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unprocessed: Vec<Unprocessed>,
}

/// One item of an HTTP 200 answer that AWS did not process, with its `ErrorCode` and
/// `ErrorReason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Unprocessed {
    /// The control id (Security Hub) or account id (Inspector).
    pub id: String,
    pub error: AwsError,
}

/// Why a port call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// AWS answered with an error (the code decides whether the engine retries).
    #[error("{0}")]
    Aws(AwsError),
    /// The process died between two calls (fault injection): the engine stops at once,
    /// as a killed process would, and a re-run must converge.
    #[error("interrupted: the run stopped between two calls")]
    Crashed,
}

impl From<AwsError> for PortError {
    fn from(e: AwsError) -> Self {
        PortError::Aws(e)
    }
}

/// An account the engine can read and change.
///
/// The futures need not be `Send`: the engine drives them on one task.
#[allow(async_fn_in_trait)]
pub trait Port {
    /// Who the caller is and which regions the account has, with their opt-in status
    /// (`sts:GetCallerIdentity`, `ec2:DescribeRegions --all-regions`). Failing here fails
    /// the whole read: without the account id and its regions nothing else can be read.
    async fn read_account(&self) -> Result<AccountInfo, PortError>;

    /// Reads one part of the account in `scope` (the account, or one enabled region).
    /// `Err(PortError::Aws(e))` makes that part unreadable in the snapshot, with AWS's
    /// error; it never means "absent". [`crate::read_snapshot`] assembles the snapshot.
    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError>;

    /// Executes one action in `region` (`"global"` for account-wide ones). `outputs` holds
    /// what earlier actions produced (created key ids). "Already in that state" answers
    /// are success.
    async fn execute(
        &self,
        region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError>;

    /// Waits (backoff between retries). The simulator waits on virtual time.
    async fn sleep(&self, duration: Duration);

    /// Time elapsed since the port was created, on the port's clock (virtual for the
    /// simulator).
    fn elapsed(&self) -> Duration;

    /// Calls made so far.
    fn calls(&self) -> CallCounts;
}
