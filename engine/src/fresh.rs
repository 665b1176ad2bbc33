//! The stale-plan check: a saved plan is applied only to the account state it was made
//! from (SPEC §3, "Plan first").

use secure_account_core::{Plan, Snapshot};

/// The account changed since the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "plan is stale: the account changed since the plan was made (fingerprint `{planned}`, now \
     `{current}`); run `secure-account plan` again"
)]
pub struct StalePlan {
    /// The fingerprint the plan carries.
    pub planned: String,
    /// The fingerprint of the account now.
    pub current: String,
}

/// Refuses a plan computed from another state of the account than `snapshot`.
pub fn check_fresh(plan: &Plan, snapshot: &Snapshot) -> Result<(), StalePlan> {
    let current = snapshot.fingerprint();
    if plan.snapshot_fingerprint == current {
        Ok(())
    } else {
        Err(StalePlan {
            planned: plan.snapshot_fingerprint.clone(),
            current,
        })
    }
}
