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

/// The first difference between a saved plan's actions and the plan the account and the
/// baseline give now, for people; `None` when the actions and their parameters agree.
pub fn first_difference(saved: &Plan, now: &Plan) -> Option<String> {
    for (i, s) in saved.actions.iter().enumerate() {
        let Some(n) = now.actions.get(i) else {
            return Some(format!(
                "the saved plan has {} action(s), the plan now {}: `{}` is not planned now",
                saved.actions.len(),
                now.actions.len(),
                s.id
            ));
        };
        if s == n {
            continue;
        }
        if s.id != n.id {
            return Some(format!(
                "action {} is `{}` in the saved plan and `{}` now",
                i + 1,
                s.id,
                n.id
            ));
        }
        let (sv, nv) = (
            serde_json::to_value(s).unwrap_or_default(),
            serde_json::to_value(n).unwrap_or_default(),
        );
        let field = match (sv.as_object(), nv.as_object()) {
            (Some(so), Some(no)) => so
                .iter()
                .find(|(k, v)| no.get(*k) != Some(*v))
                .map(|(k, v)| {
                    format!(
                        "`{k}` is {} in the saved plan and {} now",
                        short(v),
                        no.get(k).map(short).unwrap_or_else(|| "absent".into())
                    )
                })
                .or_else(|| {
                    no.keys()
                        .find(|k| !so.contains_key(*k))
                        .map(|k| format!("`{k}` is absent from the saved plan"))
                }),
            _ => None,
        };
        return Some(format!(
            "action `{}` differs: {}",
            s.id,
            field.unwrap_or_else(|| "its content".into())
        ));
    }
    now.actions.get(saved.actions.len()).map(|n| {
        format!(
            "the saved plan has {} action(s), the plan now {}: `{}` is missing from it",
            saved.actions.len(),
            now.actions.len(),
            n.id
        )
    })
}

/// A JSON value for a one-line message, cut when long.
fn short(v: &serde_json::Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}
