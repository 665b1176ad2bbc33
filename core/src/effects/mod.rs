//! What an action does to the account's state: [`apply`] runs one action's effect (each
//! kind's [`Operation::effect`](crate::operation::Operation::effect)), [`predict`] folds a
//! plan's actions over a snapshot.
//!
//! It is the project's single model of an operation's effect: the planner uses it to
//! predict the score after the plan, and the simulator applies it once AWS's preconditions
//! (which it checks itself, strictly) hold. Preconditions are not checked here.

mod predict;

pub use predict::{predict, topological};

pub use crate::operation::{IdSource, PredictedIds};

use crate::action::{Action, Outputs};
use crate::operation::Effect;
use crate::snapshot::{AwsError, Snapshot};

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
    let mut e = Effect::new(snapshot, region, action_id, action.name(), outputs, ids);
    action.effect(&mut e)?;
    Ok(e.into_created_key())
}
