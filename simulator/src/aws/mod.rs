//! AWS's side of each action kind, in a file per service (as `secure_account_core::aws`):
//! its preconditions, with the error code and message AWS answers with when one does not
//! hold; the resources it depends on that may still be propagating, and the one whose
//! propagation it starts; the hidden state it leaves; its AWS-like latency. Each kind's
//! struct implements [`Simulate`] in its service's file.
//!
//! The dispatch over [`Action`] is generated from the one list of kinds,
//! `secure_account_core::for_each_action!`: a kind without `Simulate` is a compile error,
//! and no list of kinds is written here.
//!
//! The effect of an action is not here: `secure_account_core::effects::apply` makes it once
//! these checks pass.

mod accessanalyzer;
mod account;
mod athena;
mod cloudformation;
mod cloudtrail;
mod config;
mod ec2;
mod guardduty;
mod iam;
mod inspector;
mod kms;
mod logs;
mod macie;
mod s3;
mod s3control;
mod securityhub;
mod ssm;

use secure_account_core::action::ActionKind;
use secure_account_core::snapshot::{Bucket, IamRole, KmsKey, RegionServices};
use secure_account_core::{Action, AwsError, Outputs, Snapshot};

use crate::state::{Hidden, ResourceKind};

/// AWS's side of one action kind. Implemented by each kind's struct
/// (`secure_account_core::action::<service>::<Kind>`) in this module's file of its service;
/// what concerns only some kinds has a default that says "nothing".
pub(crate) trait Simulate {
    /// AWS-like latency of a successful call, in milliseconds (the crate documentation's
    /// table; `LatencyModel::aws_like`).
    const AWS_LATENCY_MS: u64;

    /// AWS's preconditions in `c.region`, with the error code and message AWS answers with
    /// when one does not hold.
    fn check(&self, c: &Check<'_>) -> Result<(), AwsError>;

    /// The resources the call depends on that may still be propagating (eventual
    /// consistency), each with the error the service answers while it is, in the order the
    /// service checks them. Default: none.
    fn propagating_dependencies(&self, _: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        Vec::new()
    }

    /// The resource whose propagation a successful call starts (`created_key`: the key id
    /// `create_key` returned). Default: none.
    fn starts_propagation(
        &self,
        _: &Check<'_>,
        _created_key: Option<&str>,
    ) -> Option<(ResourceKind, String)> {
        None
    }

    /// Records the state a successful call in `region` leaves that no snapshot shows (a
    /// detached internet gateway). Default: none.
    fn record_hidden(&self, _: &mut Hidden, _region: &str) {}

    /// The bucket whose settings the call changes: S3 answers `OperationAborted` to it for
    /// a moment after the bucket was created. Default: none.
    fn bucket_setting(&self) -> Option<&str> {
        None
    }

    /// The VPC the call empties a bit more (a subnet deleted, its gateway detached): EC2
    /// may refuse to delete it for a moment after. Default: none.
    fn empties_vpc(&self, _: &Check<'_>) -> Option<String> {
        None
    }
}

/// The dispatch of [`Simulate`] over [`Action`] and [`ActionKind`], generated from
/// `for_each_action!`.
macro_rules! simulate_actions {
    ($($service:ident :: $kind:ident),* $(,)?) => {
        /// AWS's preconditions for `action` in `c.region` ([`Simulate::check`]).
        pub(crate) fn preconditions(c: &Check<'_>, action: &Action) -> Result<(), AwsError> {
            match action {
                $(Action::$kind(op) => op.check(c),)*
            }
        }

        /// [`Simulate::propagating_dependencies`] of `action`.
        fn propagating_dependencies(
            c: &Check<'_>,
            action: &Action,
        ) -> Vec<((ResourceKind, String), AwsError)> {
            match action {
                $(Action::$kind(op) => op.propagating_dependencies(c),)*
            }
        }

        /// The resource whose propagation a successful `action` starts (with the key id
        /// `create_key` returned; [`Simulate::starts_propagation`]).
        pub(crate) fn starts_propagation(
            c: &Check<'_>,
            action: &Action,
            created_key: Option<&str>,
        ) -> Option<(ResourceKind, String)> {
            match action {
                $(Action::$kind(op) => op.starts_propagation(c, created_key),)*
            }
        }

        /// Records the hidden state `action` leaves behind in `region`
        /// ([`Simulate::record_hidden`]).
        pub(crate) fn record_hidden(hidden: &mut Hidden, region: &str, action: &Action) {
            match action {
                $(Action::$kind(op) => op.record_hidden(hidden, region),)*
            }
        }

        /// The bucket whose settings `action` changes, for `OperationAborted` after its
        /// creation ([`Simulate::bucket_setting`]).
        pub(crate) fn bucket_setting(action: &Action) -> Option<&str> {
            match action {
                $(Action::$kind(op) => op.bucket_setting(),)*
            }
        }

        /// The VPC that `action` empties a bit more ([`Simulate::empties_vpc`]).
        pub(crate) fn empties_vpc(c: &Check<'_>, action: &Action) -> Option<String> {
            match action {
                $(Action::$kind(op) => op.empties_vpc(c),)*
            }
        }

        /// AWS-like latency of a write call of `kind`, in milliseconds
        /// ([`Simulate::AWS_LATENCY_MS`]).
        pub(crate) fn aws_write_ms(kind: ActionKind) -> u64 {
            match kind {
                $(ActionKind::$kind => {
                    <secure_account_core::action::$service::$kind as Simulate>::AWS_LATENCY_MS
                })*
            }
        }
    };
}

secure_account_core::for_each_action!(simulate_actions);

/// The error of a dependent call that meets changes still propagating, with every
/// propagating resource it depends on (each counts the failed call); `None` when nothing
/// it depends on is propagating.
pub(crate) fn propagation_error(
    c: &Check<'_>,
    action: &Action,
) -> Option<(AwsError, Vec<(ResourceKind, String)>)> {
    let deps: Vec<((ResourceKind, String), AwsError)> = propagating_dependencies(c, action)
        .into_iter()
        .filter(|((kind, name), _)| c.hidden.is_propagating(*kind, name))
        .collect();
    let error = deps.first()?.1.clone();
    Some((error, deps.into_iter().map(|(r, _)| r).collect()))
}

/// What a check looks at: the account's truth, the hidden state, where the call runs and
/// the outputs of earlier actions.
pub(crate) struct Check<'a> {
    pub account: &'a Snapshot,
    pub hidden: &'a Hidden,
    pub region: &'a str,
    pub outputs: &'a Outputs,
}

fn err(code: &str, message: impl Into<String>) -> Result<(), AwsError> {
    Err(AwsError::new(code, message))
}

const S3_NO_SUCH_BUCKET: &str = "The specified bucket does not exist";

/// The finding publishing frequencies GuardDuty and Macie accept.
const FINDING_FREQUENCIES: [&str; 3] = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"];

impl Check<'_> {
    fn account_id(&self) -> &str {
        &self.account.account_id
    }

    fn services(&self) -> Option<&RegionServices> {
        self.account.regions.get(self.region).map(|r| &r.services)
    }

    fn buckets(&self) -> &[Bucket] {
        self.account
            .global
            .buckets
            .known()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets().iter().find(|b| b.name == name)
    }

    fn roles(&self) -> &[IamRole] {
        self.account
            .global
            .roles
            .known()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn role_named(&self, name: &str) -> Option<&IamRole> {
        self.roles().iter().find(|r| r.name == name)
    }

    /// The role an ARN names (`arn:aws:iam::<account>:role/<path>/<name>`), in this account.
    fn role_by_arn(&self, arn: &str) -> Option<&IamRole> {
        self.roles().iter().find(|r| r.arn == arn).or_else(|| {
            let rest = arn.strip_prefix(&format!("arn:aws:iam::{}:role/", self.account_id()))?;
            let name = rest.rsplit('/').next()?;
            self.role_named(name)
        })
    }

    fn keys_in(&self, region: &str) -> &[KmsKey] {
        self.account
            .regions
            .get(region)
            .and_then(|r| r.services.kms_keys.known())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
