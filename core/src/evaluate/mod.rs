//! The FSBP evaluator: the status of every control of the catalog in every region of the
//! scope, computed from a snapshot, and the score as Security Hub computes it.
//!
//! # Semantics
//!
//! - **What is evaluated.** Every *active* catalog control, in each region of
//!   [`Scope::regions`]; snapshot regions outside the scope get no status. Controls the
//!   evaluator does not model ([`is_modelled`]) are `no_data` everywhere.
//! - **As-if evaluation.** A status is what Security Hub would report for the account's
//!   resources if Security Hub, the FSBP standard and AWS Config recording were on in the
//!   region, so a fresh account has a meaningful "score now". Config.1, GuardDuty.1 and the
//!   like of course fail when their service is off.
//! - **Disabled.** In a region where `services.security_hub` is `Known(Some(hub))` and
//!   `hub.fsbp_controls` has the control with `enabled: false`, the status there is
//!   `disabled`. Otherwise the control counts as enabled.
//! - **Global controls** (catalog `regional: false`, IAM.*) are evaluated from the
//!   account-wide data (`snapshot.global`) identically in every scope region, unless
//!   disabled there. Account-level regional controls on account-wide data (Account.1, S3.1)
//!   are evaluated the same way; their failing resources are labelled `global:`.
//! - **Unreadable data.** A part of the snapshot that is `Observed::Unreadable` makes the
//!   controls that depend on it `no_data` in that region: never passed, never failed. The
//!   readable part still decides when the outcome is already certain: a resource that fails
//!   fails the control, and CloudTrail.1 passes on a qualifying trail seen elsewhere. A scope
//!   region missing from the snapshot, or not enabled, is `no_data` for regional controls.
//! - **No resources.** A resource-level control whose resource type has no resources in the
//!   region (no bucket there, no trail visible, no VPC, no enabled workgroup, no customer
//!   managed key, no IAM user with a console password) is `no_data` there, as Security Hub
//!   produces no finding. Account-level controls (CloudTrail.1, GuardDuty.*, Config.1, …)
//!   fail instead when what they look for is missing.
//! - **Buckets** live in `snapshot.global.buckets`; each S3 bucket control is evaluated in
//!   the bucket's region only.
//! - **Trails.** `services.trails` lists the trails *homed* in a region. The trails evaluated
//!   in region R are the trails homed in R plus the multi-region trails homed in any other
//!   region of the snapshot (they are visible in R as shadow trails).
//! - **Aggregation** (as a cross-region finding aggregator), over the scope regions where
//!   the control is not disabled: `failed` if it failed in any region; else `passed` if it
//!   passed in any; else `no_data`. `disabled` only if disabled in every scope region.
//! - **Score.** `percent` = passed / (passed + failed) × 100 over the aggregated statuses,
//!   rounded to two decimals (0 when no control has data); the counts are of aggregated
//!   statuses; `failed_controls` is in catalog order; `regions` holds the same figures per
//!   region. `percent_if_manual_done` is the percent for the snapshot of
//!   [`crate::manual::assume_done`]: a second pass (never a recursion) that re-evaluates the
//!   controls that failed, the only ones that finishing manual tasks can change.
//!
//! Each check states, in a comment, the pass condition it implements and where it comes
//! from (the Security Hub control reference and the AWS Config managed rule behind it).
//! `core/data/README.md` records what was verified.

mod account;
mod ec2;
mod logging;
mod policy;
mod s3;
mod services;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

mod regions;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Control};
use crate::snapshot::{AccountWide, Observed, RegionServices, Snapshot, Trail};

pub use regions::RegionStatuses;

pub use account::{
    CONFIG_SERVICE_LINKED_ROLE_SUFFIX, IAM7_MAX_PASSWORD_AGE, IAM7_MINIMUM_PASSWORD_LENGTH,
    IAM7_PASSWORD_REUSE_PREVENTION, IAM7_REQUIRE_LOWERCASE, IAM7_REQUIRE_NUMBERS,
    IAM7_REQUIRE_SYMBOLS, IAM7_REQUIRE_UPPERCASE, config_service_linked_role_arn, iam_7_shortfalls,
};
pub use ec2::{EC2_18_AUTHORIZED_TCP_PORTS, EC2_19_HIGH_RISK_PORTS, VPC_ENDPOINT_SERVICES};
pub use logging::satisfies_cloudtrail_1;
pub use s3::S3_6_BLOCKED_ACTIONS;
pub use services::GUARDDUTY_FEATURES;

/// Status of a control in a region, as Security Hub reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    NoData,
    Disabled,
}

/// Which regions count, and where global-resource controls are evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub home_region: String,
    /// Enabled regions the evaluation covers.
    pub regions: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlResult {
    pub id: String,
    /// The aggregated status (a control fails if it fails in any region).
    pub status: Status,
    pub regions_failed: Vec<String>,
    /// Status per region (a map from the scope's regions, in region order).
    pub regions: RegionStatuses,
    /// The failing resources, as `region: resource` lines, for people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failing_resources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionScore {
    pub percent: f64,
    pub passed: u32,
    pub failed: u32,
}

/// The score object of SPEC §6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub percent: f64,
    pub passed: u32,
    pub failed: u32,
    pub no_data: u32,
    pub disabled: u32,
    pub percent_if_manual_done: f64,
    pub failed_controls: Vec<String>,
    pub regions: BTreeMap<String, RegionScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub catalog_version: String,
    pub controls: Vec<ControlResult>,
    pub score: Score,
}

impl Evaluation {
    /// The result of the control `id`, if the catalog has it and it is active.
    pub fn control(&self, id: &str) -> Option<&ControlResult> {
        self.controls.iter().find(|c| c.id == id)
    }
}

/// Evaluates every active control of the catalog against the snapshot (see the module
/// documentation for the semantics).
pub fn evaluate(snapshot: &Snapshot, catalog: &Catalog, scope: &Scope) -> Evaluation {
    // The region names, shared by every result's region map.
    let names: Arc<[String]> = scope.regions.iter().cloned().collect();
    let controls = with_contexts(snapshot, &snapshot.global, catalog, scope, |contexts| {
        catalog
            .active()
            .map(|control| evaluate_control(control, contexts, &names))
            .collect::<Vec<_>>()
    });
    let mut score = score(&controls, scope);
    score.percent_if_manual_done = percent_if_manual_done(snapshot, catalog, scope, &controls);
    Evaluation {
        catalog_version: catalog.version.clone(),
        controls,
        score,
    }
}

/// Whether the evaluator models the control (others are `no_data` everywhere).
pub fn is_modelled(id: &str) -> bool {
    check_fn(id).is_some()
}

/// The ids of the controls the evaluator models, in a stable order.
pub fn modelled_controls() -> impl Iterator<Item = &'static str> {
    CHECKS.iter().map(|(id, _)| *id)
}

// ---------------------------------------------------------------------------------------
// The checks: one function per control (or per family of alike controls, which look their
// parameters up by id), dispatched by id.

/// Evaluates one control in one region. The id is passed so one function can serve a
/// family of controls (GuardDuty features, VPC endpoints).
type CheckFn = fn(&Ctx<'_>, &str) -> Check;

const CHECKS: &[(&str, CheckFn)] = &[
    ("Account.1", account::account_1),
    ("Athena.4", services::athena_4),
    ("CloudTrail.1", logging::cloudtrail_1),
    ("CloudTrail.2", logging::cloudtrail_2),
    ("CloudTrail.4", logging::cloudtrail_4),
    ("CloudTrail.5", logging::cloudtrail_5),
    ("Config.1", account::config_1),
    ("EC2.1", ec2::ec2_1),
    ("EC2.2", ec2::ec2_2),
    ("EC2.6", ec2::ec2_6),
    ("EC2.7", ec2::ec2_7),
    ("EC2.10", ec2::vpc_endpoint),
    ("EC2.15", ec2::ec2_15),
    ("EC2.16", ec2::ec2_16),
    ("EC2.18", ec2::ec2_18),
    ("EC2.19", ec2::ec2_19),
    ("EC2.21", ec2::ec2_21),
    ("EC2.55", ec2::vpc_endpoint),
    ("EC2.56", ec2::vpc_endpoint),
    ("EC2.57", ec2::vpc_endpoint),
    ("EC2.58", ec2::vpc_endpoint),
    ("EC2.60", ec2::vpc_endpoint),
    ("EC2.172", ec2::ec2_172),
    ("EC2.182", ec2::ec2_182),
    ("GuardDuty.1", services::guardduty_1),
    ("GuardDuty.5", services::guardduty_feature),
    ("GuardDuty.6", services::guardduty_feature),
    ("GuardDuty.7", services::guardduty_feature),
    ("GuardDuty.8", services::guardduty_feature),
    ("GuardDuty.9", services::guardduty_feature),
    ("GuardDuty.10", services::guardduty_feature),
    ("GuardDuty.11", services::guardduty_feature),
    ("GuardDuty.12", services::guardduty_feature),
    ("GuardDuty.13", services::guardduty_feature),
    ("IAM.4", account::iam_4),
    ("IAM.5", account::iam_5),
    ("IAM.6", account::iam_6),
    ("IAM.7", account::iam_7),
    ("Inspector.1", services::inspector),
    ("Inspector.2", services::inspector),
    ("Inspector.3", services::inspector),
    ("Inspector.4", services::inspector),
    ("KMS.3", services::kms_3),
    ("KMS.5", services::kms_5),
    ("Macie.1", services::macie_1),
    ("Macie.2", services::macie_2),
    ("S3.1", s3::s3_1),
    ("S3.2", s3::s3_2),
    ("S3.3", s3::s3_3),
    ("S3.5", s3::s3_5),
    ("S3.6", s3::s3_6),
    ("S3.8", s3::s3_8),
    ("S3.9", s3::s3_9),
    ("S3.12", s3::s3_12),
    ("S3.13", s3::s3_13),
    ("SSM.4", services::ssm_4),
    ("SSM.6", services::ssm_6),
    ("SSM.7", services::ssm_7),
];

fn check_fn(id: &str) -> Option<CheckFn> {
    // Looked up for every catalog control of every evaluation: an index, built once.
    static INDEX: std::sync::OnceLock<BTreeMap<&'static str, CheckFn>> = std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| CHECKS.iter().copied().collect())
        .get(id)
        .copied()
}

/// The outcome of one control in one region, before the disabled overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    NoData,
    Passed,
    /// The failing resources, as full `region: what` lines.
    Failed(Vec<String>),
}

impl Check {
    /// An account-level check on one known value: passed, or failed with one resource line.
    fn single(ok: bool, failure: impl FnOnce() -> String) -> Check {
        if ok {
            Check::Passed
        } else {
            Check::Failed(vec![failure()])
        }
    }
}

/// Per-resource verdicts of one control in one region, folded into a [`Check`].
#[derive(Debug, Default)]
pub(crate) struct Findings {
    passed: bool,
    failed: Vec<String>,
    /// Some resource could not be judged (its data was unreadable).
    unknown: bool,
}

impl Findings {
    fn test(&mut self, ok: bool, failure: impl FnOnce() -> String) {
        if ok {
            self.passed = true;
        } else {
            self.failed.push(failure());
        }
    }

    fn unknown(&mut self) {
        self.unknown = true;
    }

    /// Failed when a resource failed; otherwise `no_data` when something was unreadable or
    /// nothing was evaluated; otherwise passed.
    fn finish(self) -> Check {
        if !self.failed.is_empty() {
            Check::Failed(self.failed)
        } else if self.unknown || !self.passed {
            Check::NoData
        } else {
            Check::Passed
        }
    }
}

/// What a check sees: the snapshot, the region it is evaluated in and that region's
/// services, and the trails visible there.
pub(crate) struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub region: &'a str,
    /// `None` when the region is missing from the snapshot or not enabled: every regional
    /// check is then `no_data`.
    pub services: Option<&'a RegionServices>,
    /// The catalog being evaluated (Config.1 asks which controls are enabled).
    pub catalog: &'a Catalog,
    /// The region whose Security Hub has a cross-region finding aggregator, if any.
    pub aggregation_region: Option<&'a str>,
    trails: &'a TrailIndex<'a>,
}

impl<'a> Ctx<'a> {
    /// A regional part of the snapshot, if the region is known and the part was readable.
    fn known<T>(&self, part: impl FnOnce(&'a RegionServices) -> &'a Observed<T>) -> Option<&'a T> {
        self.services.map(part).and_then(Observed::known)
    }

    /// The control is enabled here (not disabled in the region's FSBP subscription).
    fn enabled(&self, id: &str) -> bool {
        !disabled_in(self, id)
    }

    /// `region: what`, the form of a failing resource line.
    fn at(&self, what: impl std::fmt::Display) -> String {
        format!("{}: {what}", self.region)
    }

    /// The trails evaluated in this region (see the module documentation), with their home
    /// region; `complete` is false when some region's trails were unreadable.
    fn trails(&self) -> VisibleTrails<'a> {
        self.trails.visible(self.region, self.services)
    }
}

/// `global: what`, the form of a failing resource line for account-wide data.
fn global(what: impl std::fmt::Display) -> String {
    format!("global: {what}")
}

/// The multi-region trails of the whole snapshot, computed once per evaluation.
struct TrailIndex<'a> {
    /// (home region, trail) for every multi-region trail.
    multi_region: Vec<(&'a str, &'a Trail)>,
    /// Regions whose trails could not be read.
    unreadable: BTreeSet<&'a str>,
}

pub(crate) struct VisibleTrails<'a> {
    pub trails: Vec<(&'a str, &'a Trail)>,
    pub complete: bool,
}

impl<'a> TrailIndex<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        let mut multi_region = Vec::new();
        let mut unreadable = BTreeSet::new();
        for (name, region) in snapshot.enabled_regions() {
            match &region.services.trails {
                Observed::Known(trails) => multi_region.extend(
                    trails
                        .iter()
                        .filter(|t| t.is_multi_region_trail)
                        .map(|t| (name.as_str(), t)),
                ),
                Observed::Unreadable { .. } => {
                    unreadable.insert(name.as_str());
                }
            }
        }
        TrailIndex {
            multi_region,
            unreadable,
        }
    }

    fn visible(&self, region: &'a str, services: Option<&'a RegionServices>) -> VisibleTrails<'a> {
        let mut complete = self.unreadable.is_empty();
        let mut trails: Vec<(&'a str, &'a Trail)> = Vec::new();
        match services.map(|s| &s.trails) {
            Some(Observed::Known(own)) => {
                // The region's own trails carry the home region of the snapshot key.
                trails.extend(own.iter().map(|t| (home_of(region, t), t)));
            }
            Some(Observed::Unreadable { .. }) | None => complete = false,
        }
        trails.extend(
            self.multi_region
                .iter()
                .filter(|(home, _)| *home != region)
                .copied(),
        );
        VisibleTrails { trails, complete }
    }
}

/// The home region of a trail listed under `region`: the trail's own field when set.
fn home_of<'a>(region: &'a str, trail: &'a Trail) -> &'a str {
    if trail.home_region.is_empty() {
        region
    } else {
        trail.home_region.as_str()
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation, aggregation, score.

/// Runs `f` with the evaluation contexts of the scope's regions, in region order.
fn with_contexts<R>(
    snapshot: &Snapshot,
    catalog: &Catalog,
    scope: &Scope,
    f: impl FnOnce(&[Ctx<'_>]) -> R,
) -> R {
    let trails = TrailIndex::new(snapshot);
    let aggregation_region = snapshot
        .enabled_regions()
        .find(|(_, r)| {
            r.services
                .security_hub
                .known()
                .and_then(Option::as_ref)
                .is_some_and(|hub| hub.finding_aggregator.is_some())
        })
        .map(|(name, _)| name.as_str());
    let contexts: Vec<Ctx<'_>> = scope
        .regions
        .iter()
        .map(|region| Ctx {
            snapshot,
            region: region.as_str(),
            services: snapshot
                .regions
                .get(region)
                .filter(|r| r.opt_in_status.is_enabled())
                .map(|r| &r.services),
            catalog,
            aggregation_region,
            trails: &trails,
        })
        .collect();
    f(&contexts)
}

/// The status of the control in each context (in context order); the failing resources
/// are added to `failing` when given.
fn region_statuses(
    control: &Control,
    contexts: &[Ctx<'_>],
    mut failing: Option<&mut BTreeSet<String>>,
) -> Vec<Status> {
    let check = check_fn(&control.id);
    contexts
        .iter()
        .map(|ctx| {
            if disabled_in(ctx, &control.id) {
                return Status::Disabled;
            }
            match check.map_or(Check::NoData, |f| f(ctx, &control.id)) {
                Check::NoData => Status::NoData,
                Check::Passed => Status::Passed,
                Check::Failed(resources) => {
                    if let Some(failing) = failing.as_deref_mut() {
                        failing.extend(resources);
                    }
                    Status::Failed
                }
            }
        })
        .collect()
}

fn evaluate_control(
    control: &Control,
    contexts: &[Ctx<'_>],
    template: &BTreeMap<String, Status>,
) -> ControlResult {
    let mut failing = BTreeSet::new();
    let statuses = region_statuses(control, contexts, Some(&mut failing));
    let mut regions = template.clone();
    for (slot, status) in regions.values_mut().zip(&statuses) {
        *slot = *status;
    }
    let regions_failed: Vec<String> = regions
        .iter()
        .filter(|(_, s)| **s == Status::Failed)
        .map(|(r, _)| r.clone())
        .collect();
    ControlResult {
        id: control.id.clone(),
        status: aggregate(statuses),
        regions_failed,
        regions,
        failing_resources: failing.into_iter().collect(),
    }
}

/// The percent once every manual task is done: the controls are evaluated again on
/// [`crate::manual::assume_done`]'s snapshot. Manual tasks only fix things (root MFA and
/// access keys, users' MFA, the security contact), so only the controls that failed can
/// change and only they are evaluated again. This is a second pass, never a recursion.
fn percent_if_manual_done(
    snapshot: &Snapshot,
    catalog: &Catalog,
    scope: &Scope,
    controls: &[ControlResult],
) -> f64 {
    let done = crate::manual::assume_done(snapshot);
    let now = score_of(controls);
    let (mut passed, mut failed) = (now.passed, now.failed);
    with_contexts(&done, catalog, scope, |contexts| {
        for (control, result) in catalog.active().zip(controls) {
            if result.status != Status::Failed {
                continue;
            }
            match aggregate(region_statuses(control, contexts, None)) {
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

/// The control is disabled in the region's FSBP subscription.
fn disabled_in(ctx: &Ctx<'_>, id: &str) -> bool {
    ctx.known(|s| &s.security_hub)
        .and_then(Option::as_ref)
        .and_then(|hub| hub.fsbp_controls.get(id))
        .is_some_and(|association| !association.enabled)
}

/// Aggregates per-region statuses as a cross-region finding aggregator does.
fn aggregate(statuses: impl IntoIterator<Item = Status>) -> Status {
    let (mut any, mut failed, mut passed, mut enabled) = (false, false, false, false);
    for status in statuses {
        any = true;
        match status {
            Status::Failed => failed = true,
            Status::Passed => passed = true,
            Status::NoData => {}
            Status::Disabled => continue,
        }
        enabled = true;
    }
    if failed {
        Status::Failed
    } else if passed {
        Status::Passed
    } else if any && !enabled {
        Status::Disabled
    } else {
        Status::NoData
    }
}

fn percent(passed: u32, failed: u32) -> f64 {
    if passed + failed == 0 {
        return 0.0;
    }
    let exact = f64::from(passed) * 100.0 / f64::from(passed + failed);
    (exact * 100.0).round() / 100.0
}

/// The score of aggregated results, without the per-region figures and the manual view.
fn score_of(controls: &[ControlResult]) -> Score {
    let mut score = Score {
        percent: 0.0,
        passed: 0,
        failed: 0,
        no_data: 0,
        disabled: 0,
        percent_if_manual_done: 0.0,
        failed_controls: Vec::new(),
        regions: BTreeMap::new(),
    };
    for control in controls {
        match control.status {
            Status::Passed => score.passed += 1,
            Status::Failed => {
                score.failed += 1;
                score.failed_controls.push(control.id.clone());
            }
            Status::NoData => score.no_data += 1,
            Status::Disabled => score.disabled += 1,
        }
    }
    score.percent = percent(score.passed, score.failed);
    score
}

/// The full score, with the per-region figures (`percent_if_manual_done` is filled in by
/// [`evaluate`]).
fn score(controls: &[ControlResult], scope: &Scope) -> Score {
    let mut score = score_of(controls);
    // Every result's region map has the scope's regions, in the same (sorted) order.
    let mut counts = vec![(0u32, 0u32); scope.regions.len()];
    for control in controls {
        for ((passed, failed), status) in counts.iter_mut().zip(control.regions.values()) {
            match status {
                Status::Passed => *passed += 1,
                Status::Failed => *failed += 1,
                Status::NoData | Status::Disabled => {}
            }
        }
    }
    for (region, (passed, failed)) in scope.regions.iter().zip(counts) {
        score.regions.insert(
            region.clone(),
            RegionScore {
                percent: percent(passed, failed),
                passed,
                failed,
            },
        );
    }
    score
}
