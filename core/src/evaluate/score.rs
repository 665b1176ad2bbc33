//! The score: the tally of control statuses, the cross-region aggregation, and the percent
//! once every manual task is done.

use std::collections::BTreeMap;

use crate::snapshot::Snapshot;

use super::{Details, RegionScore, Regions, Scope, Score, Status, region_status};

/// The score's figures, gathered control by control in catalog order.
pub(super) struct Tally {
    passed: u32,
    failed: u32,
    pub(super) no_data: u32,
    disabled: u32,
    failed_controls: Vec<String>,
    /// The positions (among the active controls) of the failed controls.
    failed_positions: Vec<usize>,
    /// `(passed, failed)` per scope region, in region order.
    regions: Vec<(u32, u32)>,
}

impl Tally {
    pub(super) fn new(regions: usize) -> Self {
        Tally {
            passed: 0,
            failed: 0,
            no_data: 0,
            disabled: 0,
            failed_controls: Vec::new(),
            failed_positions: Vec::new(),
            regions: vec![(0, 0); regions],
        }
    }

    /// Counts the control at `position`: its aggregated status and its status in each
    /// region.
    pub(super) fn add(&mut self, position: usize, id: &str, status: Status, statuses: &[Status]) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => {
                self.failed += 1;
                self.failed_controls.push(id.to_string());
                self.failed_positions.push(position);
            }
            Status::NoData => self.no_data += 1,
            Status::Disabled => self.disabled += 1,
        }
        for ((passed, failed), status) in self.regions.iter_mut().zip(statuses) {
            match status {
                Status::Passed => *passed += 1,
                Status::Failed => *failed += 1,
                Status::NoData | Status::Disabled => {}
            }
        }
    }

    pub(super) fn score(self, scope: &Scope, percent_if_manual_done: f64) -> Score {
        Score {
            percent: percent(self.passed, self.failed),
            passed: self.passed,
            failed: self.failed,
            no_data: self.no_data,
            disabled: self.disabled,
            percent_if_manual_done,
            failed_controls: self.failed_controls,
            regions: scope
                .regions
                .iter()
                .zip(self.regions)
                .map(|(region, (passed, failed))| {
                    let figures = RegionScore {
                        percent: percent(passed, failed),
                        passed,
                        failed,
                    };
                    (region.clone(), figures)
                })
                .collect(),
            incomplete: false,
            unread_parts: Vec::new(),
        }
    }
}

/// The percent once every manual task is done: the controls are evaluated again on
/// [`crate::manual::assume_done`]'s snapshot. Manual tasks only fix things (root MFA and
/// access keys, users' MFA, the security contact), so only the controls that failed can
/// change and only they are evaluated again. This is a second pass, never a recursion.
///
/// Manual tasks are account-wide: `assume_done` changes `global` only (a test holds it to
/// that), so it is run on the account-wide part alone, and the second pass reads the
/// regions of `snapshot` itself instead of a copy.
pub(super) fn percent_if_manual_done(regions: &Regions<'_>, now: &Tally) -> f64 {
    let (mut passed, mut failed) = (now.passed, now.failed);
    if failed == 0 {
        return percent(passed, failed);
    }
    let done = crate::manual::assume_done(&account_wide_part(regions.snapshot));
    regions.with_contexts(&done.global, Details::Skip, |contexts| {
        for &position in &now.failed_positions {
            let (control, check) = regions.index.controls[position];
            // Lazily: `aggregate` stops at the first region that fails.
            match aggregate(
                contexts
                    .iter()
                    .map(|ctx| region_status(position, control, check, ctx, None)),
            ) {
                Status::Failed => {}
                Status::Passed => {
                    failed -= 1;
                    passed += 1;
                }
                Status::NoData | Status::Disabled => failed -= 1,
            }
        }
    });
    percent(passed, failed)
}

/// The snapshot without its regions: what [`crate::manual::assume_done`] works on.
fn account_wide_part(snapshot: &Snapshot) -> Snapshot {
    Snapshot {
        format_version: snapshot.format_version,
        account_id: snapshot.account_id.clone(),
        global: snapshot.global.clone(),
        regions: BTreeMap::new(),
    }
}

/// Aggregates per-region statuses as a cross-region finding aggregator does. A failure
/// decides the outcome: the statuses after it are not asked for.
pub(super) fn aggregate(statuses: impl IntoIterator<Item = Status>) -> Status {
    let (mut any, mut passed, mut enabled) = (false, false, false);
    for status in statuses {
        any = true;
        match status {
            Status::Failed => return Status::Failed,
            Status::Passed => passed = true,
            Status::NoData => {}
            Status::Disabled => continue,
        }
        enabled = true;
    }
    if passed {
        Status::Passed
    } else if any && !enabled {
        Status::Disabled
    } else {
        Status::NoData
    }
}

pub(super) fn percent(passed: u32, failed: u32) -> f64 {
    if passed + failed == 0 {
        return 0.0;
    }
    let exact = f64::from(passed) * 100.0 / f64::from(passed + failed);
    (exact * 100.0).round() / 100.0
}
