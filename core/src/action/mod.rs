//! The actions a plan is made of: one kind per AWS operation, named in snake_case after it,
//! carrying the operation's exact parameters.
//!
//! **The action kind is the unit of change.** Each kind is a struct in the file of its
//! service (`crate::aws::<service>`), and everything the program knows about the operation
//! stands beside it, in its [`Operation`] implementation: the facts (service, IAM actions,
//! scope, the kind of change, the parts its planning reads, the FSBP controls it can make
//! pass, the error codes that are transient for it), what the engine waits for around it,
//! and its effect on the state. The simulator (`Simulate`) and the AWS adapters (`Execute`)
//! implement their own trait for the same struct, in their file of the service.
//!
//! [`for_each_action!`](crate::for_each_action) is the one list of kinds: the [`Action`]
//! enum and every dispatch (here, in the simulator, in the adapters) are generated from it,
//! so a kind that some layer does not implement is a compile error there, never a default.
//!
//! The same snake_case name appears in plan JSON, logs, the simulator and the adapters. The
//! region an action runs in lives beside it in [`PlannedAction`]; `"global"` marks
//! account-wide operations (IAM, S3 Control, Account), which the adapters send where AWS
//! serves them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::effects::Effect;
use crate::part::{Part, Reach, Scope};
use crate::readiness::Readiness;
use crate::retry::ErrorClass;
use crate::snapshot::AwsError;

pub use crate::aws::kms::KeyRef;

/// The one list of action kinds, as `service::Kind` (the struct `crate::aws::service::Kind`),
/// in the order the JSON schema and the tables list them. It calls `$m!` with the list;
/// every dispatch over [`Action`] is generated from it (`define_actions!` below, the
/// simulator's and the adapters' dispatch).
///
/// Adding a kind: its struct and `impl Operation` in `core/src/aws/<service>.rs`, one line
/// here, then the compiler asks for its `Simulate` (simulator) and `Execute` (adapters).
#[macro_export]
macro_rules! for_each_action {
    ($m:ident) => {
        $m! {
            securityhub::EnableSecurityHub,
            securityhub::UpdateSecurityHubConfiguration,
            securityhub::BatchEnableStandards,
            securityhub::BatchUpdateStandardsControlAssociations,
            securityhub::CreateFindingAggregator,
            guardduty::CreateDetector,
            guardduty::UpdateDetector,
            iam::CreateServiceLinkedRole,
            iam::CreateRole,
            iam::UpdateAssumeRolePolicy,
            iam::PutRolePolicy,
            iam::UpdateAccountPasswordPolicy,
            config::PutConfigurationRecorder,
            config::PutDeliveryChannel,
            config::StartConfigurationRecorder,
            s3::CreateBucket,
            s3::PutPublicAccessBlock,
            s3control::PutAccountPublicAccessBlock,
            s3::PutBucketOwnershipControls,
            s3::PutBucketEncryption,
            s3::PutBucketVersioning,
            s3::PutBucketPolicy,
            s3::PutBucketLifecycleConfiguration,
            s3::PutBucketLogging,
            kms::CreateKey,
            kms::CreateAlias,
            kms::PutKeyPolicy,
            kms::EnableKeyRotation,
            logs::CreateLogGroup,
            logs::PutRetentionPolicy,
            cloudtrail::CreateTrail,
            cloudtrail::UpdateTrail,
            cloudtrail::PutEventSelectors,
            cloudtrail::StartLogging,
            accessanalyzer::CreateAnalyzer,
            accessanalyzer::CreateArchiveRule,
            accessanalyzer::UpdateArchiveRule,
            ec2::EnableEbsEncryptionByDefault,
            ec2::EnableSnapshotBlockPublicAccess,
            ec2::ModifyVpcBlockPublicAccessOptions,
            ec2::DetachInternetGateway,
            ec2::DeleteInternetGateway,
            ec2::DeleteSubnet,
            ec2::DeleteVpc,
            athena::UpdateWorkGroup,
            account::PutAlternateContact,
            ssm::UpdateServiceSetting,
            inspector::EnableInspector,
            macie::EnableMacie,
            macie::UpdateAutomatedDiscoveryConfiguration,
            macie::UpdateClassificationScope,
        }
    };
}

/// What one action kind is: its facts, the controls it makes pass, what the engine waits
/// for around it, and its effect on the account's state.
///
/// Implemented by each kind's struct in `crate::aws::<service>`.
pub trait Operation: Into<Action> + Clone + std::fmt::Debug + PartialEq {
    /// The kind's row of facts.
    const FACTS: ActionFacts;

    /// The FSBP controls this action makes pass, in the order the plan lists them: all of
    /// [`ActionFacts::controls`] unless the parameters narrow them (a detector's features,
    /// Inspector's resource types). The planner takes them from here, so it never spells a
    /// control id itself.
    fn satisfies(&self) -> Vec<&'static str> {
        Self::FACTS.controls.to_vec()
    }

    /// What the engine waits for around the call (nothing, for most kinds).
    fn waits(&self) -> Waits {
        Waits::NONE
    }

    /// The operation's effect on the state, once AWS's preconditions hold (the simulator
    /// checks those itself): the single model of what the call does, used by the planner
    /// to predict the score and by the simulator to change its account.
    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError>;
}

/// What a kind of change an action is, as a plan summary counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Makes something that was not there (a bucket, a key, a detector, a subscription) or
    /// turns a service on.
    Create,
    /// Changes a setting of something that exists.
    Update,
    /// Removes or detaches something: the only destructive kind.
    Delete,
}

/// What the engine waits for around one action: before its call (a control association
/// update waits for its standard to take updates) and after its answer (a subscription
/// becoming `READY`, Inspector's types becoming `ENABLED`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waits {
    pub before: Option<Readiness>,
    pub after: Option<Readiness>,
}

impl Waits {
    pub const NONE: Waits = Waits {
        before: None,
        after: None,
    };
}

/// One row of facts about an action kind: what the adapters call, what IAM must allow,
/// where it runs, what it changes and which errors are worth another attempt. Every
/// consumer (the simulator's access checks and region rules, the rendering's grouping,
/// `iam-policy`, the engine's retries) reads this one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFacts {
    /// The AWS service (`iam`, `s3control`, `accessanalyzer`).
    pub service: &'static str,
    /// The IAM actions the call needs; the first is the operation's own, named when access
    /// is denied; the others are what the service does on the caller's behalf
    /// (`iam:PassRole`, creating its service-linked role).
    pub iam_actions: &'static [&'static str],
    /// Account-wide operations (IAM, S3 Control, Account) run once, in `"global"`.
    pub reach: Reach,
    /// What the call does to the resource it names.
    pub change: Change,
    /// The snapshot parts the planner must have read to plan the action: account-wide
    /// parts wherever the action runs, regional parts in the action's region. The planner
    /// never plans the action when one of them is unreadable there (a property test
    /// checks it).
    pub reads: &'static [Part],
    /// Every FSBP control the action can make pass ([`Operation::satisfies`] picks among
    /// them); a test checks each against the catalog.
    pub controls: &'static [&'static str],
    /// Error codes that are transient for this operation only, with their class (the
    /// codes transient for every operation are in [`crate::retry`]).
    pub transient: &'static [(&'static str, ErrorClass)],
    /// Whether the call may be sent again after it timed out: every operation converges or
    /// answers "already", except one that would make a second resource (`CreateKey`).
    pub resend_after_timeout: bool,
    /// For an operation whose HTTP 200 answer lists items it did not process: how to read
    /// them (the engine fails the action with them, but for items the region does not
    /// offer).
    pub per_item: Option<PerItem>,
    /// What the operation's own IAM actions can be limited to without knowing the account
    /// id (`iam-policy` scopes them so).
    pub resource: IamResource,
    /// The role the call hands to a service (`iam:PassRole` is among `iam_actions` exactly
    /// when this is set).
    pub passes_role: Option<PassedRole>,
    /// The service principals (`iam:AWSServiceName`) whose service-linked role the call may
    /// create (`iam:CreateServiceLinkedRole` is among `iam_actions` exactly when this is not
    /// empty).
    pub service_linked_roles: &'static [&'static str],
}

impl ActionFacts {
    /// A row with the defaults most kinds share: regional, an update, no controls, nothing
    /// transient of its own, safe to send again, any resource, no role passed or created.
    /// Kinds spell out what differs (`..ActionFacts::DEFAULT`).
    pub const DEFAULT: ActionFacts = ActionFacts {
        service: "",
        iam_actions: &[],
        reach: Reach::Regional,
        change: Change::Update,
        reads: &[],
        controls: &[],
        transient: &[],
        resend_after_timeout: true,
        per_item: None,
        resource: IamResource::Any,
        passes_role: None,
        service_linked_roles: &[],
    };

    /// Whether the action deletes or detaches something.
    pub const fn destructive(&self) -> bool {
        matches!(self.change, Change::Delete)
    }
}

/// How to read the items an HTTP 200 answer says were not processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerItem {
    /// The answer's field, named in the action's error (`UnprocessedAssociationUpdates`).
    pub field: &'static str,
    /// Item error codes that mean "the region does not offer this item" when the catalog
    /// or the region's live standard agrees: a note, not a failure.
    pub not_offered: &'static [&'static str],
}

/// What an operation's own IAM actions can be limited to in an identity policy written
/// before the account id is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IamResource {
    /// Any resource: the operation acts on resources the customer names (their buckets,
    /// keys, trails, VPCs), or on ones whose ARN only AWS knows before the call.
    Any,
    /// The tool's own CloudTrail → CloudWatch Logs role (`[names] trail_logs_role`): the
    /// only role the planner creates or changes.
    TrailLogsRole,
}

/// A role an operation hands to a service with `iam:PassRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PassedRole {
    /// The tool's CloudTrail → CloudWatch Logs role (`[names] trail_logs_role`), passed to
    /// `cloudtrail.amazonaws.com` (`CloudWatchLogsRoleArn` of `CreateTrail`/`UpdateTrail`).
    TrailLogsRole,
    /// Config's service-linked role `AWSServiceRoleForConfig`, passed to
    /// `config.amazonaws.com` (`roleARN` of `PutConfigurationRecorder`).
    ConfigServiceLinkedRole,
}

impl PassedRole {
    /// The service principal the role is passed to (`iam:PassedToService`).
    pub fn service(self) -> &'static str {
        match self {
            PassedRole::TrailLogsRole => "cloudtrail.amazonaws.com",
            PassedRole::ConfigServiceLinkedRole => "config.amazonaws.com",
        }
    }
}

/// `iam:CreateServiceLinkedRole`: what a service does on the caller's behalf the first
/// time it is turned on.
pub const SLR: &str = "iam:CreateServiceLinkedRole";

/// Outputs of executed actions that later actions refer to (the key id a `create_key`
/// returned). The engine keeps it; the simulator and the adapters resolve [`KeyRef`]s with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outputs {
    /// Created key ids by the id of the action that created them.
    pub key_ids: BTreeMap<String, String>,
}

impl Outputs {
    /// The key id a reference stands for, if it is known.
    pub fn resolve(&self, key: &KeyRef) -> Option<String> {
        match key {
            KeyRef::Existing(id) => Some(id.clone()),
            KeyRef::CreatedBy(action) => self.key_ids.get(action).cloned(),
        }
    }
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
            $($kind(crate::aws::$service::$kind),)*
        }

        $(
            impl From<crate::aws::$service::$kind> for Action {
                fn from(op: crate::aws::$service::$kind) -> Action {
                    Action::$kind(op)
                }
            }
        )*

        impl ActionKind {
            /// The kind's row of facts.
            pub fn facts(self) -> ActionFacts {
                match self {
                    $(ActionKind::$kind => <crate::aws::$service::$kind as Operation>::FACTS,)*
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
