//! The actions a plan is made of: one kind per AWS operation, named in snake_case after it,
//! carrying the operation's exact parameters.
//!
//! **The action kind is the unit of change.** Each kind is a struct in the file of its
//! service (`action/<service>.rs`), and everything the program knows about the operation
//! stands beside it, in its [`Operation`] implementation: the facts (service, IAM actions,
//! scope, the kind of change, the parts its planning reads, the FSBP controls it can make
//! pass, the error codes that are transient for it), what the engine waits for around it,
//! and its effect on the state. The simulator (`Simulate`) and the AWS adapters (`Execute`)
//! implement their own trait for the same struct, in their file of the service.
//!
//! [`for_each_action!`](crate::for_each_action) gives the one list of kinds, each service
//! contributing its own (the `__kinds_<service>!` macro at the top of its file): the
//! [`Action`] enum and every dispatch (here, in the simulator, in the adapters) are
//! generated from it, so a kind that some layer does not implement is a compile error there,
//! never a default.
//!
//! The same snake_case name appears in plan JSON, logs, the simulator and the adapters. The
//! region an action runs in lives beside it in [`PlannedAction`]; `"global"` marks
//! account-wide operations (IAM, S3 Control, Account), which the adapters send where AWS
//! serves them.

pub mod accessanalyzer;
pub mod account;
pub mod athena;
pub mod cloudformation;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod guardduty;
pub mod iam;
pub mod inspector;
pub mod kms;
pub mod logs;
pub mod macie;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod ssm;

use serde::{Deserialize, Serialize};

use crate::operation::Effect;
use crate::part::Scope;
use crate::snapshot::AwsError;

pub use crate::operation::{
    ActionFacts, Change, IamResource, ItemOutcome, KeyRef, Operation, Outputs, PassedRole, PerItem,
    SLR, Waits, client_token,
};

/// The one list of action kinds, as `service::Kind` (the struct
/// `crate::action::service::Kind`): it calls `$m!` with the list. Every dispatch over
/// [`Action`] is generated from it (`define_actions!` below, the simulator's and the
/// adapters' dispatch). Each service gives its part of the list (`__kinds_<service>!`, at
/// the top of `action/<service>.rs`), in the order of the services here.
///
/// Adding a kind: its struct, its `impl Operation` and its line in the list of its service's
/// file; the compiler then asks for its `Simulate` (simulator) and `Execute` (adapters).
/// Adding a service: its file here, and its `__kinds_<service>` in the chain below.
#[macro_export]
macro_rules! for_each_action {
    ($m:ident) => {
        $crate::__kinds_securityhub! { $m [] [__kinds_guardduty __kinds_iam __kinds_config __kinds_s3 __kinds_s3control __kinds_kms __kinds_logs __kinds_cloudtrail __kinds_accessanalyzer __kinds_ec2 __kinds_athena __kinds_account __kinds_ssm __kinds_inspector __kinds_macie __kinds_cloudformation] }
    };
}

/// One step of [`for_each_action!`]: the list so far, then the next service's part of it,
/// until none is left and the callback gets the whole list.
#[doc(hidden)]
#[macro_export]
macro_rules! __next_kinds {
    ($m:ident [$($acc:tt)*] []) => {
        $m! { $($acc)* }
    };
    ($m:ident [$($acc:tt)*] [$next:ident $($rest:ident)*]) => {
        $crate::$next! { $m [$($acc)*] [$($rest)*] }
    };
}

/// Defines [`Action`], [`ActionKind`] and the dispatch of [`Operation`] over them from the
/// list of [`for_each_action!`](crate::for_each_action).
macro_rules! define_actions {
    ($($service:ident :: $kind:ident),* $(,)?) => {
        /// One AWS operation with its parameters.
        ///
        /// In JSON: `{"action": "create_detector", "params": {...}}`.
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Serialize,
            Deserialize,
            strum::IntoStaticStr,
            strum::EnumDiscriminants,
        )]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(tag = "action", content = "params", rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        #[strum_discriminants(
            name(ActionKind),
            derive(
                PartialOrd,
                Ord,
                Hash,
                Serialize,
                Deserialize,
                strum::EnumIter,
                strum::IntoStaticStr,
                strum::EnumString
            ),
            serde(rename_all = "snake_case"),
            strum(serialize_all = "snake_case")
        )]
        pub enum Action {
            $($kind(crate::action::$service::$kind),)*
        }

        $(
            impl From<crate::action::$service::$kind> for Action {
                fn from(op: crate::action::$service::$kind) -> Action {
                    Action::$kind(op)
                }
            }
        )*

        impl ActionKind {
            /// The kind's row of facts.
            pub fn facts(self) -> ActionFacts {
                match self {
                    $(ActionKind::$kind => <crate::action::$service::$kind as Operation>::FACTS,)*
                }
            }
        }

        impl Action {
            /// The FSBP controls this action makes pass ([`Operation::satisfies`]).
            pub fn satisfies(&self) -> Vec<&'static str> {
                match self {
                    $(Action::$kind(op) => op.satisfies(),)*
                }
            }

            /// What the engine waits for around the call ([`Operation::waits`]).
            pub fn waits(&self) -> Waits {
                match self {
                    $(Action::$kind(op) => op.waits(),)*
                }
            }

            /// The effect on the state ([`Operation::effect`]).
            pub(crate) fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
                match self {
                    $(Action::$kind(op) => op.effect(e),)*
                }
            }
        }
    };
}

crate::for_each_action!(define_actions);

impl Action {
    /// The snake_case name (the `action` field of the plan JSON).
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// The action's kind: the variant without its parameters.
    pub fn kind(&self) -> ActionKind {
        self.into()
    }

    /// The action's row of facts.
    pub fn facts(&self) -> ActionFacts {
        self.kind().facts()
    }

    /// The AWS service the operation belongs to (`securityhub`, `s3control`).
    pub fn service(&self) -> &'static str {
        self.facts().service
    }

    /// Whether the action deletes or detaches something.
    pub fn is_destructive(&self) -> bool {
        self.facts().destructive()
    }
}

impl ActionKind {
    /// Every kind, in the list's order.
    pub fn all() -> impl Iterator<Item = ActionKind> {
        <ActionKind as strum::IntoEnumIterator>::iter()
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The IAM action of the operation itself (`guardduty:CreateDetector`).
    pub fn iam_action(self) -> &'static str {
        self.facts().iam_actions[0]
    }
}

/// An action as the plan holds it: where it runs, why, and after what.
///
/// Read from a file, `destructive` is recomputed from the action: a saved plan cannot
/// make a destructive action look harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "PlannedActionFile")]
pub struct PlannedAction {
    /// Unique within the plan, stable across runs: `<region>/<action>[/<resource>]`.
    pub id: String,
    #[serde(flatten)]
    pub op: Action,
    /// The region, or `"global"` for account-wide operations.
    pub region: Scope,
    /// FSBP control ids this action helps make pass ([`Action::satisfies`]).
    pub satisfies: Vec<String>,
    /// Ids of actions that must have been applied first.
    pub depends_on: Vec<String>,
    /// Whether the action deletes or detaches something (from [`ActionKind::facts`]).
    pub destructive: bool,
}

/// A planned action as a file holds it, before `destructive` is recomputed.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct PlannedActionFile {
    id: String,
    #[serde(flatten)]
    op: Action,
    region: Scope,
    satisfies: Vec<String>,
    depends_on: Vec<String>,
    #[serde(default, rename = "destructive")]
    _destructive_in_file: bool,
}

impl From<PlannedActionFile> for PlannedAction {
    fn from(f: PlannedActionFile) -> PlannedAction {
        PlannedAction {
            destructive: f.op.is_destructive(),
            id: f.id,
            op: f.op,
            region: f.region,
            satisfies: f.satisfies,
            depends_on: f.depends_on,
        }
    }
}

#[cfg(test)]
mod tests;
