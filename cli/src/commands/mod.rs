//! One module per command; each takes the parsed arguments and returns the exit code.

pub mod apply;
pub mod baseline;
pub mod controls;
pub mod plan;
pub mod snapshot;
pub mod verify;

use std::collections::BTreeSet;

use secure_account_core::Plan;
use secure_account_core::evaluate::Scope;

/// The evaluation scope a plan was made for: its home region and regions.
pub fn scope_of(plan: &Plan) -> Scope {
    Scope {
        home_region: plan.home_region.clone(),
        regions: plan.regions.iter().cloned().collect::<BTreeSet<_>>(),
    }
}

pub use secure_account_core::render::percent;
