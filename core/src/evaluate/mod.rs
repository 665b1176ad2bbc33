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
//! - **Failing resources.** Each failure names the resource as Security Hub's finding does
//!   (`Resources[0].Id`: the resource's ARN, or `AWS::::Account:<id>` for an account-level
//!   check; [`arn`]) and says why in words ([`Failure`]).
//! - **Suppressed findings.** "When determining control status, Security Hub ignores
//!   findings that have a `RecordState` of `ARCHIVED` and findings that have a
//!   `Workflow.Status` of `SUPPRESSED`" (user guide, "Evaluating compliance status and
//!   control status"). A failing resource whose finding the region's Security Hub shows
//!   `SUPPRESSED` (`SecurityHub::findings`) is left out of the control's status there
//!   ([`ControlResult::suppressed`] keeps it): the control then passes if another resource
//!   passed, and has no data otherwise.
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
//!   [`score`] computes the same score without the per-control results, for less work.
//!
//! Each check states, in a comment, the pass condition it implements and where it comes
//! from (the Security Hub control reference and the AWS Config managed rule behind it).
//! `core/data/README.md` records what was verified.

mod account;
mod across;
pub mod arn;
mod ec2;
mod logging;

mod regions;
mod s3;
mod score;
mod services;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::{Catalog, Control};
use crate::policy;
use crate::snapshot::{AccountWide, Observed, RegionServices, Snapshot, Trail, WorkflowStatus};

use across::{Regions, evaluate_control, prepare, region_status};
pub use regions::RegionStatuses;
use score::{Tally, aggregate, percent_if_manual_done};

pub use crate::snapshot::guardduty::CONTROL_FEATURES as GUARDDUTY_FEATURES;
pub use account::{
    CONFIG_SERVICE_LINKED_ROLE_SUFFIX, IAM7_MAX_PASSWORD_AGE, IAM7_MINIMUM_PASSWORD_LENGTH,
    IAM7_PASSWORD_REUSE_PREVENTION, IAM7_REQUIRE_LOWERCASE, IAM7_REQUIRE_NUMBERS,
    IAM7_REQUIRE_SYMBOLS, IAM7_REQUIRE_UPPERCASE, config_service_linked_role_arn, iam_7_shortfalls,
};
pub use ec2::{EC2_18_AUTHORIZED_TCP_PORTS, EC2_19_HIGH_RISK_PORTS, VPC_ENDPOINT_SERVICES};
pub use logging::satisfies_cloudtrail_1;
pub use s3::S3_6_BLOCKED_ACTIONS;

/// Status of a control in a region, as Security Hub reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The failing resources, each with the region it fails in and why, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// Failing resources whose Security Hub finding is `SUPPRESSED`: left out of the
    /// status, as Security Hub leaves them out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<Failure>,
}

/// One resource a control fails on, in one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Failure {
    /// The region the control fails in (where Security Hub's finding is).
    pub region: String,
    /// The resource as Security Hub's finding names it (`Resources[0].Id`): its ARN, or
    /// `AWS::::Account:<id>` for an account-level check.
    pub resource: String,
    /// Why, in words, naming the resource.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegionScore {
    pub percent: f64,
    pub passed: u32,
    pub failed: u32,
}

/// The score object of SPEC §6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Score {
    pub percent: f64,
    pub passed: u32,
    pub failed: u32,
    pub no_data: u32,
    pub disabled: u32,
    pub percent_if_manual_done: f64,
    pub failed_controls: Vec<String>,
    pub regions: BTreeMap<String, RegionScore>,
    /// Whether parts of the account could not be read: the score then measures only what
    /// was read, and never satisfies `verify --min-score` unless the user allows it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub incomplete: bool,
    /// The parts that could not be read, as `<scope>/<part>` (`global/root`,
    /// `us-east-1/guardduty`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread_parts: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Score {
    /// Marks the score incomplete with the parts of `snapshot` that could not be read.
    fn with_unread(mut self, snapshot: &Snapshot, scope: &Scope) -> Score {
        self.unread_parts = snapshot.unread_parts_in(&scope.regions);
        self.incomplete = !self.unread_parts.is_empty();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    let (controls, tally, manual) = prepare(snapshot, catalog, scope, |regions| {
        let index = regions.index;
        let (controls, tally) =
            regions.with_contexts(&snapshot.global, Details::Collect, |contexts| {
                let mut tally = Tally::new(contexts.len());
                // The statuses of a control with no data anywhere, shared by all such results.
                let no_data: Arc<[Status]> = vec![Status::NoData; contexts.len()].into();
                let mut scratch = Vec::with_capacity(contexts.len());
                let controls = index
                    .controls
                    .iter()
                    .enumerate()
                    .map(|(i, (control, check))| {
                        if check.is_none() && !regions.disabled.anywhere(i) {
                            // Not modelled, enabled everywhere: no data in any region.
                            tally.no_data += 1;
                            return ControlResult {
                                id: control.id.clone(),
                                status: Status::NoData,
                                regions_failed: Vec::new(),
                                regions: RegionStatuses::new(
                                    Arc::clone(&names),
                                    Arc::clone(&no_data),
                                ),
                                failing_resources: Vec::new(),
                                failures: Vec::new(),
                                suppressed: Vec::new(),
                            };
                        }
                        let result = evaluate_control(
                            i,
                            control,
                            *check,
                            contexts,
                            &names,
                            &no_data,
                            &mut scratch,
                        );
                        tally.add(i, &result.id, result.status, result.regions.statuses());
                        result
                    })
                    .collect::<Vec<_>>();
                (controls, tally)
            });
        let manual = percent_if_manual_done(regions, &tally);
        (controls, tally, manual)
    });
    Evaluation {
        catalog_version: catalog.version.clone(),
        controls,
        score: tally.score(scope, manual).with_unread(snapshot, scope),
    }
}

/// The score of the evaluation: `score(s, c, scope) == evaluate(s, c, scope).score`, for
/// less work (no per-control results, no failing resource lines). What the planner needs.
pub fn score(snapshot: &Snapshot, catalog: &Catalog, scope: &Scope) -> Score {
    prepare(snapshot, catalog, scope, |regions| {
        let index = regions.index;
        let tally = regions.with_contexts(&snapshot.global, Details::Skip, |contexts| {
            let mut tally = Tally::new(contexts.len());
            let mut statuses = Vec::with_capacity(contexts.len());
            for (i, (control, check)) in index.controls.iter().enumerate() {
                if check.is_none() && !regions.disabled.anywhere(i) {
                    // Not modelled, enabled everywhere: no data in any region.
                    tally.no_data += 1;
                    continue;
                }
                statuses.clear();
                statuses.extend(
                    contexts
                        .iter()
                        .map(|ctx| region_status(i, control, *check, ctx, None)),
                );
                let status = aggregate(statuses.iter().copied());
                tally.add(i, &control.id, status, &statuses);
            }
            tally
        });
        let manual = percent_if_manual_done(regions, &tally);
        tally.score(scope, manual)
    })
    .with_unread(snapshot, scope)
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
    ("CloudFormation.3", services::cloudformation_3),
    ("CloudFormation.4", services::cloudformation_4),
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

/// What an evaluation needs to know about the catalog, by position among its active
/// controls: built once for the compiled-in catalog, and once per evaluation for another.
struct CatalogIndex<'c> {
    /// The active controls, in catalog order, with their checks.
    controls: Vec<(&'c Control, Option<CheckFn>)>,
    /// `(id, position)` of every active control, sorted by id.
    by_id: Vec<(&'c str, usize)>,
    /// The positions of the controls on `AWS::IAM::*` resource types (Config.1 asks
    /// whether one of them is enabled).
    iam: Vec<usize>,
}

impl<'c> CatalogIndex<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        let controls: Vec<(&Control, Option<CheckFn>)> =
            catalog.active().map(|c| (c, check_fn(&c.id))).collect();
        let mut by_id: Vec<(&str, usize)> = controls
            .iter()
            .enumerate()
            .map(|(i, (c, _))| (c.id.as_str(), i))
            .collect();
        by_id.sort_unstable();
        let iam = controls
            .iter()
            .enumerate()
            .filter(|(_, (c, _))| c.resource_types.iter().any(|t| t.starts_with("AWS::IAM::")))
            .map(|(i, _)| i)
            .collect();
        CatalogIndex {
            controls,
            by_id,
            iam,
        }
    }

    /// Runs `f` with the index of `catalog`.
    fn with<R>(catalog: &Catalog, f: impl FnOnce(&CatalogIndex<'_>) -> R) -> R {
        static BUILTIN: std::sync::OnceLock<CatalogIndex<'static>> = std::sync::OnceLock::new();
        if std::ptr::eq(catalog, Catalog::builtin()) {
            f(BUILTIN.get_or_init(|| CatalogIndex::new(Catalog::builtin())))
        } else {
            f(&CatalogIndex::new(catalog))
        }
    }

    /// The positions of the active controls called `id`.
    fn positions<'s>(&'s self, id: &'s str) -> impl Iterator<Item = usize> + 's {
        let start = self.by_id.partition_point(|(c, _)| *c < id);
        self.by_id[start..]
            .iter()
            .take_while(move |(c, _)| *c == id)
            .map(|(_, i)| *i)
    }
}

/// The outcome of one control in one region, before the disabled overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    NoData,
    Passed,
    Failed(Failing),
}

/// What a failed check found: the failing resources (none when the evaluation does not
/// collect them, see [`Details`]), and what the status is without them (when every one of
/// them is suppressed in Security Hub).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Failing {
    pub failures: Vec<Failed>,
    /// Some resource passed.
    pub passed: bool,
    /// Some resource could not be judged.
    pub unknown: bool,
}

/// One failing resource as a check reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failed {
    /// Where the line for people says the resource is: the region, `global` for
    /// account-wide data, a trail's home region.
    pub label: String,
    /// The resource as Security Hub names it ([`arn`]).
    pub resource: String,
    pub reason: String,
}

impl Failed {
    /// `label: reason`, the line of [`ControlResult::failing_resources`].
    fn line(&self) -> String {
        line(&self.label, &self.reason)
    }
}

/// Whether an evaluation collects the failing resource lines ([`evaluate`]) or only needs
/// the statuses ([`score`], the manual view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Details {
    Collect,
    Skip,
}

/// Per-resource verdicts of one control in one region, folded into a [`Check`] (made by
/// [`Ctx::findings`]).
#[derive(Debug)]
pub(crate) struct Findings {
    details: Details,
    passed: bool,
    failed: bool,
    /// The failing resources, when collected.
    lines: Vec<Failed>,
    /// Some resource could not be judged (its data was unreadable).
    unknown: bool,
}

impl Findings {
    fn test(&mut self, ok: bool, failure: impl FnOnce() -> Failed) {
        if ok {
            self.passed = true;
        } else {
            self.failed = true;
            if self.details == Details::Collect {
                self.lines.push(failure());
            }
        }
    }

    fn unknown(&mut self) {
        self.unknown = true;
    }

    /// Failed when a resource failed; otherwise `no_data` when something was unreadable or
    /// nothing was evaluated; otherwise passed.
    fn finish(self) -> Check {
        if self.failed {
            Check::Failed(Failing {
                failures: self.lines,
                passed: self.passed,
                unknown: self.unknown,
            })
        } else if self.unknown || !self.passed {
            Check::NoData
        } else {
            Check::Passed
        }
    }
}

/// What a check sees: the account-wide data, the region it is evaluated in and that
/// region's services, and what is computed once per evaluation (the trails visible in each
/// region, the controls on IAM resources).
pub(crate) struct Ctx<'a> {
    pub account_id: &'a str,
    /// The account-wide part of the snapshot.
    pub global: &'a AccountWide,
    pub region: &'a str,
    /// `None` when the region is missing from the snapshot or not enabled: every regional
    /// check is then `no_data`.
    pub services: Option<&'a RegionServices>,
    /// The region whose Security Hub has a cross-region finding aggregator, if any.
    pub aggregation_region: Option<&'a str>,
    /// By position among the catalog's active controls: disabled in the region's FSBP
    /// subscription (empty when none is).
    disabled: &'a [bool],
    /// The resources whose finding the region's Security Hub shows `SUPPRESSED`, by
    /// control (empty when none is).
    suppressed: &'a BTreeMap<&'a str, BTreeSet<&'a str>>,
    /// Whether failing resource lines are collected.
    details: Details,
    shared: &'a Shared<'a>,
}

/// What the contexts of one evaluation share, computed once (or once asked for).
struct Shared<'a> {
    trails: &'a TrailIndex<'a>,
    /// The positions of the active controls on IAM resource types.
    iam_controls: &'a [usize],
    /// The policy of each bucket of `global.buckets` (see [`Ctx::bucket_policy`]), parsed
    /// when a check first asks.
    bucket_policies: OnceCell<Vec<Option<Option<Value>>>>,
}

impl<'a> Ctx<'a> {
    /// A regional part of the snapshot, if the region is known and the part was readable.
    fn known<T>(&self, part: impl FnOnce(&'a RegionServices) -> &'a Observed<T>) -> Option<&'a T> {
        self.services.map(part).and_then(Observed::known)
    }

    /// The active control at `position` is disabled in the region's FSBP subscription.
    fn disabled(&self, position: usize) -> bool {
        self.disabled.get(position).copied().unwrap_or(false)
    }

    /// Some active control on IAM resource types is enabled here.
    fn iam_control_enabled(&self) -> bool {
        self.shared.iam_controls.iter().any(|&i| !self.disabled(i))
    }

    /// The policy of the bucket at `index` in the known `global.buckets`, parsed once per
    /// evaluation: `None` when the bucket has no policy, `Some(None)` when the policy is not
    /// a JSON object.
    fn bucket_policy(&self, index: usize) -> Option<Option<&'a Value>> {
        let global = self.global;
        let parsed = self.shared.bucket_policies.get_or_init(|| {
            global
                .buckets
                .known()
                .map(|buckets| {
                    buckets
                        .iter()
                        .map(|b| b.policy.as_deref().map(policy::parse))
                        .collect()
                })
                .unwrap_or_default()
        });
        parsed
            .get(index)
            .and_then(Option::as_ref)
            .map(Option::as_ref)
    }

    /// An account-level check on one known value: passed, or failed with one resource line.
    fn single(&self, ok: bool, failure: impl FnOnce() -> Failed) -> Check {
        if ok {
            Check::Passed
        } else {
            self.failed(|| vec![failure()])
        }
    }

    /// Failed, with the failing resources (made only when they are collected).
    fn failed(&self, lines: impl FnOnce() -> Vec<Failed>) -> Check {
        Check::Failed(Failing {
            failures: match self.details {
                Details::Collect => lines(),
                Details::Skip => Vec::new(),
            },
            passed: false,
            unknown: false,
        })
    }

    /// The same context, collecting failing resources.
    fn collecting(&self) -> Ctx<'a> {
        Ctx {
            account_id: self.account_id,
            global: self.global,
            region: self.region,
            services: self.services,
            aggregation_region: self.aggregation_region,
            disabled: self.disabled,
            suppressed: self.suppressed,
            details: Details::Collect,
            shared: self.shared,
        }
    }

    /// Per-resource verdicts, to fold into a [`Check`].
    fn findings(&self) -> Findings {
        Findings {
            details: self.details,
            passed: false,
            failed: false,
            lines: Vec::new(),
            unknown: false,
        }
    }

    /// `resource` fails here because of `what` (`what` may be `format_args!(…)`).
    fn at(&self, resource: String, what: impl std::fmt::Display) -> Failed {
        Failed {
            label: self.region.to_string(),
            resource,
            reason: what.to_string(),
        }
    }

    /// The account fails an account-level check here because of `what`.
    fn account_at(&self, what: impl std::fmt::Display) -> Failed {
        self.at(arn::account(self.account_id), what)
    }

    /// The account fails a check on account-wide data because of `what` (the line says
    /// `global:`).
    fn global(&self, what: impl std::fmt::Display) -> Failed {
        self.global_at(arn::account(self.account_id), what)
    }

    /// An account-wide `resource` (an IAM user) fails because of `what` (the line says
    /// `global:`).
    fn global_at(&self, resource: String, what: impl std::fmt::Display) -> Failed {
        Failed {
            label: GLOBAL_LABEL.to_string(),
            resource,
            reason: what.to_string(),
        }
    }

    /// The ARN of an EC2 resource of this region (`security-group`, `vpc`, `subnet`,
    /// `network-acl`).
    fn ec2_arn(&self, kind: &str, id: &str) -> String {
        arn::ec2(self.region, self.account_id, kind, id)
    }

    /// The trails evaluated in this region (see the module documentation), with their home
    /// region; `complete` is false when some region's trails were unreadable.
    fn trails(&self) -> VisibleTrails<'a> {
        self.shared.trails.visible(self.region, self.services)
    }
}

/// The label of a failing resource line for account-wide data.
const GLOBAL_LABEL: &str = "global";

/// `prefix: what`, written into one allocation.
fn line(prefix: &str, what: impl std::fmt::Display) -> String {
    use std::fmt::Write;
    let mut line = String::with_capacity(prefix.len() + 80);
    line.push_str(prefix);
    line.push_str(": ");
    write!(line, "{what}").expect("writing to a String cannot fail");
    line
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
