//! The planner (being written).
use crate::{Baseline, Plan, Snapshot};
pub fn plan(_snapshot: &Snapshot, _baseline: &Baseline) -> Plan {
    unimplemented!("being written")
}
