//! What an action kind is, below any list of kinds: the [`Operation`] trait each kind's
//! struct implements (in `action/<service>.rs`), its row of [`ActionFacts`], what the
//! engine waits for around it ([`Waits`]), the classes of errors worth another attempt
//! ([`ErrorClass`]), and the context its effect on the state works in ([`Effect`]).
//!
//! Nothing here knows the kinds: the `action` module lists them and dispatches over them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::part::{Part, Reach};
use crate::readiness::Readiness;
use crate::snapshot::{AccountWide, AwsError, Bucket, GLOBAL, Observed, RegionServices, Snapshot};

/// What one action kind is: its facts, the controls it makes pass, what the engine waits
/// for around it, and its effect on the account's state.
///
/// Implemented by each kind's struct in `action/<service>.rs`.
pub trait Operation: Clone + std::fmt::Debug + PartialEq {
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Makes something that was not there (a bucket, a key, a detector, a subscription) or
    /// turns something on (a service, a setting: `enable_*`). Shown `+`.
    Create,
    /// Changes the settings of something that exists (`put_*`, `update_*`, `start_*`).
    /// Shown `~`.
    Update,
    /// Removes or detaches something: the only destructive kind. Shown `-`.
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
    /// codes transient for every operation are in the `retry` module).
    pub transient: &'static [(&'static str, ErrorClass)],
    /// Error codes that are transient for this operation only when the message says so
    /// (code, a part of the message, class): Macie's `AccessDeniedException` "Macie is not
    /// enabled" right after `EnableMacie` is propagation, any other access denied is not.
    pub transient_messages: &'static [(&'static str, &'static str, ErrorClass)],
    /// Whether the call may be sent again after it timed out: every operation converges or
    /// answers "already", except one that would make a second resource (`CreateKey`).
    pub resend_after_timeout: bool,
    /// Whether the operation takes an idempotency token (`clientToken`). The adapters send
    /// [`client_token`] of the account, the region and the action id: a call sent again
    /// after a timeout is then the same request, which AWS answers with the first result
    /// instead of a second resource or an error.
    pub client_token: bool,
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
        transient_messages: &[],
        resend_after_timeout: true,
        client_token: false,
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

/// The idempotency token of an action whose operation takes one
/// ([`ActionFacts::client_token`]): derived from the account, the region and the action id
/// alone, so every attempt of the action (a retry after a timeout, throttling or a
/// propagation error, in this run or the next) sends the same token. `sa-` and 32 hex
/// digits: within every service's limit (GuardDuty and Inspector take at most 64
/// characters).
pub fn client_token(account_id: &str, region: &str, action_id: &str) -> String {
    let digest = crate::snapshot::sha256_of(&(account_id, region, action_id));
    format!("sa-{}", digest.trim_start_matches("sha256:"))
}

/// How to read the items an HTTP 200 answer says were not processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerItem {
    /// The answer's field, named in the action's error (`UnprocessedAssociationUpdates`).
    pub field: &'static str,
    /// Item error codes that mean "the region does not offer this item" when the catalog
    /// or the region's live standard agrees: a note, not a failure.
    pub not_offered: &'static [&'static str],
    /// Item error codes that say the work is done or under way (Inspector's
    /// `ALREADY_ENABLED`, `ENABLE_IN_PROGRESS`): not failures; what the engine waits for
    /// after the call tells when it is done.
    pub progress: &'static [&'static str],
    /// Item error codes that are worth sending the call again, with their class
    /// (Inspector's `SSM_THROTTLED`): the engine retries the whole call within that
    /// class's budget, as for an error of the call itself.
    pub transient: &'static [(&'static str, ErrorClass)],
}

/// What one unprocessed item of an HTTP 200 answer means ([`PerItem`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Perhaps not offered in the region (the engine asks the catalog and the live
    /// standard).
    NotOffered,
    /// Done already, or under way.
    Progress,
    /// Worth another call, in this class.
    Transient(ErrorClass),
    /// A failure of the action.
    Failed,
}

impl PerItem {
    /// What an item with this error code means.
    pub fn outcome(&self, code: &str) -> ItemOutcome {
        if self.not_offered.contains(&code) {
            ItemOutcome::NotOffered
        } else if self.progress.contains(&code) {
            ItemOutcome::Progress
        } else if let Some((_, class)) = self.transient.iter().find(|(c, _)| *c == code) {
            ItemOutcome::Transient(*class)
        } else {
            ItemOutcome::Failed
        }
    }
}

/// What an operation's own IAM actions can be limited to in an identity policy written
/// before the account id is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IamResource {
    /// Any resource: the operation acts on resources the customer names (their buckets,
    /// keys, trails, VPCs), or on ones whose ARN only AWS knows before the call.
    Any,
    /// The tool's own roles, the only roles the planner creates or changes: the CloudTrail
    /// → CloudWatch Logs role (`[names] trail_logs_role`) and the notification stack's
    /// service role (`[names] notification_stack_role`).
    OwnRoles,
    /// Creating the trail's key: `kms:CreateKey` acts on no ARN, but the request carries
    /// the tool's purpose tag (`aws:RequestTag`), and no other tag key (`aws:TagKeys`).
    NewTrailKey,
    /// The trail's alias (`[names] kms_alias`) and the key it names: `kms:CreateAlias` is
    /// authorised on both, the alias by its ARN; the key is one the tool created a moment
    /// ago, which a tag condition could deny for up to five minutes (KMS: "It might take
    /// up to five minutes for tag and alias changes to affect KMS key authorization"), so
    /// the key side is any key of the account.
    TrailKeyAlias,
    /// Keys carrying the tool's purpose tag (`aws:ResourceTag`): the key policy, the one
    /// write that could hand a key to someone else, is only ever planned on a key read
    /// with that tag.
    TaggedTrailKey,
    /// The trail's log group (`[names] trail_log_group`), by its ARN.
    TrailLogGroup,
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
    /// The notification stack's service role (`[names] notification_stack_role`), passed
    /// to `cloudformation.amazonaws.com` (`RoleARN` of `CreateStack`/`UpdateStack`).
    NotificationStackRole,
}

impl PassedRole {
    /// The service principal the role is passed to (`iam:PassedToService`).
    pub fn service(self) -> &'static str {
        match self {
            PassedRole::TrailLogsRole => "cloudtrail.amazonaws.com",
            PassedRole::ConfigServiceLinkedRole => "config.amazonaws.com",
            PassedRole::NotificationStackRole => "cloudformation.amazonaws.com",
        }
    }
}

/// `iam:CreateServiceLinkedRole`: what a service does on the caller's behalf the first
/// time it is turned on.
pub const SLR: &str = "iam:CreateServiceLinkedRole";

/// What an AWS error means for the engine.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The service asked us to slow down, or had a transient fault: try again later.
    Throttling,
    /// An IAM role (or its policy) created a moment ago is not usable yet by the service
    /// that assumes it.
    RolePropagation,
    /// A bucket, bucket policy or KMS key (policy) created or changed a moment ago is not
    /// visible yet to the service that checks it.
    ResourcePropagation,
    /// Security Hub's standard subscription is not ready for control updates yet.
    StandardNotReady,
    /// S3 `OperationAborted`: a conflicting operation (the bucket's creation) is still in
    /// progress.
    BucketConflict,
    /// `DeleteVpc` right after its subnets and gateway went: EC2 still releases them.
    VpcDependency,
    /// Trying again would give the same answer: the action fails.
    Permanent,
}

impl ErrorClass {
    pub fn is_retryable(self) -> bool {
        !matches!(self, ErrorClass::Permanent)
    }

    /// The snake_case name used in the report.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Throttling => "throttling",
            ErrorClass::RolePropagation => "role_propagation",
            ErrorClass::ResourcePropagation => "resource_propagation",
            ErrorClass::StandardNotReady => "standard_not_ready",
            ErrorClass::BucketConflict => "bucket_conflict",
            ErrorClass::VpcDependency => "vpc_dependency",
            ErrorClass::Permanent => "permanent",
        }
    }

    /// Every retryable class.
    pub fn retryable() -> impl Iterator<Item = ErrorClass> {
        <ErrorClass as strum::IntoEnumIterator>::iter().filter(|c| c.is_retryable())
    }
}

impl std::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A reference to a KMS key: one that exists, or one that an earlier action of the plan
/// creates (its id is only known once that action ran).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyRef {
    /// An existing key, by key id.
    Existing(String),
    /// The key created by the plan's action with this id.
    CreatedBy(String),
}

/// Outputs of executed actions that later actions refer to (the key id a `create_key`
/// returned). The engine keeps it; the simulator and the adapters resolve [`KeyRef`]s with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// Makes the ids AWS would assign (key ids, detector ids).
pub trait IdSource {
    fn next_id(&mut self, kind: &str) -> String;
}

/// Deterministic placeholder ids for predictions: `predicted-key-1`, …
#[derive(Debug, Default)]
pub struct PredictedIds {
    n: u32,
}

impl IdSource for PredictedIds {
    fn next_id(&mut self, kind: &str) -> String {
        self.n += 1;
        format!("predicted-{kind}-{}", self.n)
    }
}

/// What an effect works on: the state, where the call runs, the outputs of earlier
/// actions and the source of new ids.
pub struct Effect<'a> {
    snapshot: &'a mut Snapshot,
    region: &'a str,
    action_id: &'a str,
    name: &'static str,
    outputs: &'a Outputs,
    ids: &'a mut dyn IdSource,
    created_key: Option<String>,
}

impl<'a> Effect<'a> {
    /// The context of one action's effect.
    pub fn new(
        snapshot: &'a mut Snapshot,
        region: &'a str,
        action_id: &'a str,
        name: &'static str,
        outputs: &'a Outputs,
        ids: &'a mut dyn IdSource,
    ) -> Effect<'a> {
        Effect {
            snapshot,
            region,
            action_id,
            name,
            outputs,
            ids,
            created_key: None,
        }
    }

    /// The id of the key the action created, if it created one.
    pub fn into_created_key(self) -> Option<String> {
        self.created_key
    }

    /// The account's id.
    pub fn account_id(&self) -> &str {
        &self.snapshot.account_id
    }

    /// The region the call runs in (`"global"` for an account-wide one).
    pub fn region(&self) -> &str {
        self.region
    }

    /// The id of the action in its plan.
    pub fn action_id(&self) -> &str {
        self.action_id
    }

    /// A new id AWS would assign (`key`, `detector`).
    pub fn next_id(&mut self, kind: &str) -> String {
        self.ids.next_id(kind)
    }

    /// Records the id of the key the action created, for later actions to refer to.
    pub fn created_key(&mut self, key_id: String) {
        self.created_key = Some(key_id);
    }

    /// The key id a reference stands for.
    pub fn resolve(&self, key: &KeyRef) -> Result<String, AwsError> {
        self.outputs.resolve(key).ok_or_else(|| {
            AwsError::new("NotFoundException", format!("key {key:?} was not created"))
        })
    }

    /// The account-wide state, for an action that must run in `"global"`.
    pub fn account_wide(&mut self) -> Result<&mut AccountWide, AwsError> {
        if self.region == GLOBAL {
            Ok(&mut self.snapshot.global)
        } else {
            Err(AwsError::new(
                AwsError::WRONG_SCOPE,
                format!(
                    "`{}` is an account-wide action, not a regional one",
                    self.name
                ),
            ))
        }
    }

    /// The services of the region, for a regional action.
    pub fn regional(&mut self) -> Result<&mut RegionServices, AwsError> {
        if self.region == GLOBAL {
            return Err(self.not_account_wide());
        }
        let region = self.region;
        Ok(&mut self
            .snapshot
            .regions
            .get_mut(region)
            .ok_or_else(|| {
                AwsError::new(
                    "UnrecognizedClientException",
                    format!("unknown region `{region}`"),
                )
            })?
            .services)
    }

    fn not_account_wide(&self) -> AwsError {
        AwsError::new(
            AwsError::WRONG_SCOPE,
            format!("`{}` is not an account-wide action", self.name),
        )
    }

    /// The account's buckets, for a bucket action (buckets are account-wide state with a
    /// region; their operations run in a region).
    pub fn buckets(&mut self) -> Result<&mut Vec<Bucket>, AwsError> {
        if self.region == GLOBAL {
            return Err(self.not_account_wide());
        }
        known(&mut self.snapshot.global.buckets, "S3 buckets")
    }

    /// The bucket `name`, for an action that changes it.
    pub fn bucket(&mut self, name: &str) -> Result<&mut Bucket, AwsError> {
        find_mut(
            self.buckets()?,
            |b| b.name == name,
            || format!("bucket `{name}`"),
        )
    }
}

/// The item `matches` picks, or `NotFound` naming it (`what` runs only then).
pub fn find_mut<T>(
    items: &mut [T],
    matches: impl Fn(&T) -> bool,
    what: impl FnOnce() -> String,
) -> Result<&mut T, AwsError> {
    items
        .iter_mut()
        .find(|item| matches(item))
        .ok_or_else(|| not_found(&what()))
}

/// `NotFound`: `what` does not exist.
pub fn not_found(what: &str) -> AwsError {
    AwsError::new(AwsError::NOT_FOUND, format!("{what} does not exist"))
}

/// The value of a part that was read, or `UnknownState` naming it.
pub fn known<'a, T>(o: &'a mut Observed<T>, what: &str) -> Result<&'a mut T, AwsError> {
    o.known_mut().ok_or_else(|| {
        AwsError::new(
            AwsError::UNKNOWN_STATE,
            format!("the state of {what} is unknown (its read failed)"),
        )
    })
}
