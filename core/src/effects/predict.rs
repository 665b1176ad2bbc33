//! What a whole plan does: its actions in dependency order, folded over the snapshot with
//! the per-operation model of the parent module.

use crate::action::{Outputs, PlannedAction};
use crate::snapshot::Snapshot;

use super::{PredictedIds, apply};

/// Predicts the snapshot after applying `actions` in dependency order.
pub fn predict(snapshot: &Snapshot, actions: &[PlannedAction]) -> Snapshot {
    let mut s = snapshot.clone();
    let mut outputs = Outputs::default();
    let mut ids = PredictedIds::default();
    for a in topological(actions) {
        if let Ok(Some(key_id)) = apply(&mut s, a.region.as_str(), &a.id, &a.op, &outputs, &mut ids)
        {
            outputs.key_ids.insert(a.id.clone(), key_id);
        }
    }
    s
}

/// `actions` ordered so that every action comes after its dependencies (stable otherwise).
///
/// In passes over the actions not yet placed, in their order: an action is placed when
/// every dependency that names an action of the list has been placed (earlier in the same
/// pass counts). Dependencies outside the list are ignored; a cycle, which the planner
/// cannot produce, leaves the rest in order.
pub fn topological(actions: &[PlannedAction]) -> Vec<&PlannedAction> {
    // Ids are resolved once, to slots (one per distinct id): a dependency is met once an
    // action with its id is placed.
    let mut by_id: Vec<(&str, usize)> = actions
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    by_id.sort_unstable();
    let mut slot_of = vec![0usize; actions.len()];
    let mut ids: Vec<&str> = Vec::with_capacity(by_id.len());
    for (id, i) in by_id {
        if ids.last() != Some(&id) {
            ids.push(id);
        }
        slot_of[i] = ids.len() - 1;
    }
    let deps: Vec<Vec<usize>> = actions
        .iter()
        .map(|a| {
            a.depends_on
                .iter()
                .filter_map(|d| ids.binary_search(&d.as_str()).ok())
                .collect()
        })
        .collect();
    let mut done = vec![false; ids.len()];
    let mut out = Vec::with_capacity(actions.len());
    let mut remaining: Vec<usize> = (0..actions.len()).collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|&i| {
            let ready = deps[i].iter().all(|&slot| done[slot]);
            if ready {
                done[slot_of[i]] = true;
                out.push(&actions[i]);
            }
            !ready
        });
        if remaining.len() == before {
            // A cycle cannot come from the planner; keep the rest in order rather than loop.
            out.extend(remaining.drain(..).map(|i| &actions[i]));
        }
    }
    out
}
