//! Execution: every action kind implements [`Execute`] in the file of its service, beside
//! that service's reads (`crate::s3`, `crate::iam`, …), and sends its SDK call(s) with
//! exactly the planned parameters. [`execute`] is the one dispatch, generated from the one
//! list of kinds ([`secure_account_core::for_each_action!`]): a kind without its
//! implementation is a compile error here, and no list of kinds is written in this crate.
//!
//! - Account-wide actions go where AWS serves them: IAM through its global endpoint (any
//!   region of the partition: the home region), S3 Control with the account id, the Account
//!   API in us-east-1 ([`crate::clients::ACCOUNT_API_REGION`], which its kind names).
//! - "Already in that state" answers are success (an existing service-linked role,
//!   `BucketAlreadyOwnedByYou`, an enabled hub or Macie, an existing analyzer of the same
//!   type, a default-VPC piece already gone); each such case is named on its kind.
//! - An HTTP 200 answer carrying failures (Security Hub's `UnprocessedAssociationUpdates`,
//!   Inspector's `failedAccounts`) comes back in [`ActionOutput::unprocessed`]; the engine
//!   makes it a failed action.
//! - Every other AWS error keeps its code and message ([`crate::error`]); the engine
//!   classifies it and retries it within its class's budget. The SDK does not retry writes
//!   (see [`crate::clients`]), so retries never stack. An operation the endpoint does not
//!   serve answers `NotImplemented`, which the engine never retries.
//! - Every `.send()` of an execution names the IAM action it needs
//!   (`.map_err(aws("service:Action"))`, in the `// ---- actions ----` part of its file),
//!   and a test checks that `iam-policy` allows each one.

use secure_account_core::part::Reach;
use secure_account_core::{Action, AwsError, KeyRef, Outputs, Scope};
use secure_account_engine::ActionOutput;

use crate::Clients;

/// How the adapters carry out one action kind.
pub(crate) trait Execute {
    /// Sends the operation with exactly the planned parameters; "already in that state"
    /// answers are success.
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError>;
}

/// What an execution needs besides the action's parameters.
pub(crate) struct Exec<'a> {
    /// The clients of the calls that change something ([`Clients::for_writes`]: the SDK
    /// does not retry them, and they count as writes).
    pub writes: &'a dyn SdkClients,
    /// The clients of the few reads an execution makes (an analyzer that exists already,
    /// Macie's classification scope): the SDK retries them, and they count as reads.
    pub reads: &'a dyn SdkClients,
    /// The region the calls go to: the action's, or the home region for an account-wide
    /// action (IAM's global endpoint and S3 Control answer in any region of the partition;
    /// the Account API's kind sends to the one region that serves it).
    pub region: &'a str,
    /// The account's id (S3 Control takes it in every request).
    pub account_id: &'a str,
    /// The action's id in its plan (`us-east-1/create_detector`): with the account and the
    /// region, what an idempotency token is made of.
    pub action_id: &'a str,
    /// What earlier actions of the run produced (the key a `create_key` made).
    pub outputs: &'a Outputs,
}

impl Exec<'_> {
    /// The idempotency token of this action (`clientToken`), the same for every attempt:
    /// [`secure_account_core::action::client_token`] of the account, the region the calls
    /// go to and the action id.
    pub(crate) fn client_token(&self) -> String {
        secure_account_core::action::client_token(self.account_id, self.region, self.action_id)
    }

    /// The key id a [`KeyRef`] names: an existing key, or the one an earlier `create_key`
    /// of this run created.
    pub(crate) fn key_id(&self, key: &KeyRef) -> Result<String, AwsError> {
        self.outputs.resolve(key).ok_or_else(|| {
            AwsError::new(
                AwsError::INVALID_PLAN,
                format!("the key {key:?} was not created by an earlier action of this run"),
            )
        })
    }
}

/// Executes `action` in `scope` through `writes` (the clients of [`Clients::for_writes`]);
/// `reads` serves the few reads an execution needs. `account_id` is the account's (S3
/// Control takes it in every request), `action_id` the action's id in its plan (idempotency
/// tokens are made from it), `outputs` what earlier actions produced.
#[allow(clippy::too_many_arguments)]
pub async fn execute(
    writes: &Clients,
    reads: &Clients,
    scope: &Scope,
    account_id: &str,
    action_id: &str,
    action: &Action,
    outputs: &Outputs,
) -> Result<ActionOutput, AwsError> {
    let region = match (action.facts().reach, scope) {
        (Reach::Regional, Scope::Region(r)) => r.as_str(),
        (Reach::Account, _) | (Reach::Regional, Scope::Account) => writes.home_region(),
    };
    let cx = Exec {
        writes,
        reads,
        region,
        account_id,
        action_id,
        outputs,
    };
    dispatch(action, &cx).await
}

/// Defines [`dispatch`] from the list of [`secure_account_core::for_each_action!`].
macro_rules! define_dispatch {
    ($($service:ident :: $kind:ident),* $(,)?) => {
        /// Sends `action` through its kind's [`Execute`].
        async fn dispatch(action: &Action, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
            match action {
                $(Action::$kind(op) => {
                    <secure_account_core::action::$service::$kind as Execute>::execute(op, cx).await
                })*
            }
        }
    };
}

secure_account_core::for_each_action!(define_dispatch);

/// Defines [`SdkClients`] from the list of the services the executions call, and its
/// implementations: the account's [`Clients`], and the mock clients of the tests.
macro_rules! sdk_clients {
    ($($name:ident: $krate:ident),* $(,)?) => {
        /// Where an execution takes its SDK clients from: the account's [`Clients`] (a
        /// client per service and region), or a test's mock clients.
        pub(crate) trait SdkClients: Sync {
            $(fn $name(&self, region: &str) -> $krate::Client;)*
        }

        impl SdkClients for Clients {
            $(fn $name(&self, region: &str) -> $krate::Client {
                Clients::$name(self, region)
            })*
        }

        /// `aws-smithy-mocks` clients, one per service a test gives; asking for another
        /// one panics, naming it.
        #[cfg(test)]
        #[derive(Default)]
        pub(crate) struct MockClients {
            $($name: Option<$krate::Client>,)*
        }

        #[cfg(test)]
        impl SdkClients for MockClients {
            $(fn $name(&self, _region: &str) -> $krate::Client {
                self.$name
                    .clone()
                    .unwrap_or_else(|| panic!("the test gave no `{}` client", stringify!($name)))
            })*
        }

        $(
            #[cfg(test)]
            impl From<&$krate::Client> for MockClients {
                fn from(client: &$krate::Client) -> MockClients {
                    MockClients {
                        $name: Some(client.clone()),
                        ..MockClients::default()
                    }
                }
            }
        )*
    };
}

sdk_clients! {
    accessanalyzer: aws_sdk_accessanalyzer,
    account: aws_sdk_account,
    athena: aws_sdk_athena,
    cloudformation: aws_sdk_cloudformation,
    cloudtrail: aws_sdk_cloudtrail,
    config: aws_sdk_config,
    ec2: aws_sdk_ec2,
    guardduty: aws_sdk_guardduty,
    iam: aws_sdk_iam,
    inspector2: aws_sdk_inspector2,
    kms: aws_sdk_kms,
    logs: aws_sdk_cloudwatchlogs,
    macie2: aws_sdk_macie2,
    s3: aws_sdk_s3,
    s3control: aws_sdk_s3control,
    securityhub: aws_sdk_securityhub,
    ssm: aws_sdk_ssm,
}

/// An error of ours, before any call: the action cannot be sent as planned.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new(AwsError::INVALID_PARAMETER, message.into())
}
