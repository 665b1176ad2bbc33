//! What an action does to the account's state: the context each kind's
//! [`Operation::effect`](crate::action::Operation::effect) works in, and [`apply`], which
//! runs one action's effect.
//!
//! It is the project's single model of an operation's effect: the planner uses it to
//! predict the score after the plan, and the simulator applies it once AWS's preconditions
//! (which it checks itself, strictly) hold. Preconditions are not checked here.

mod predict;

pub use predict::{predict, topological};

use crate::action::{Action, KeyRef, Outputs};
use crate::snapshot::{AccountWide, AwsError, Bucket, GLOBAL, Observed, RegionServices, Snapshot};

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

/// Applies `action`'s effect in `region` (`"global"` for account-wide actions).
///
/// Returns the id of the key a `create_key` created.
pub fn apply(
    snapshot: &mut Snapshot,
    region: &str,
    action_id: &str,
    action: &Action,
    outputs: &Outputs,
    ids: &mut dyn IdSource,
) -> Result<Option<String>, AwsError> {
    let mut e = Effect {
        snapshot,
        region,
        action_id,
        name: action.name(),
        outputs,
        ids,
        created_key: None,
    };
    action.effect(&mut e)?;
    Ok(e.created_key)
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

impl Effect<'_> {
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
                "InvalidAction",
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
            "InvalidAction",
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
    AwsError::new("NotFound", format!("{what} does not exist"))
}

/// The value of a part that was read, or `UnknownState` naming it.
pub fn known<'a, T>(o: &'a mut Observed<T>, what: &str) -> Result<&'a mut T, AwsError> {
    o.known_mut().ok_or_else(|| {
        AwsError::new(
            "UnknownState",
            format!("the state of {what} is unknown (its read failed)"),
        )
    })
}
