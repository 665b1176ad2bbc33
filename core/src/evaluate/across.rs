//! One control across the regions of the scope: what every region's evaluation shares
//! (the catalog index, the disabled controls, the suppressed findings, the trails), the
//! status of a control in one region, and a control's result over all of them.

use super::*;

/// What an evaluation computes once from the catalog and the snapshot's regions, for its
/// passes (the evaluation, then the manual view).
pub(super) struct Regions<'a> {
    pub(super) snapshot: &'a Snapshot,
    pub(super) scope: &'a Scope,
    pub(super) index: &'a CatalogIndex<'a>,
    /// The services of each scope region, in region order (`None`: missing or not enabled).
    pub(super) services: Vec<Option<&'a RegionServices>>,
    pub(super) disabled: DisabledSets,
    /// The resources whose finding is `SUPPRESSED`, by control, for each scope region.
    pub(super) suppressed: Vec<BTreeMap<&'a str, BTreeSet<&'a str>>>,
    pub(super) trails: TrailIndex<'a>,
    /// The region whose Security Hub has a cross-region finding aggregator, if any.
    pub(super) aggregation_region: Option<&'a str>,
}

/// Runs `f` with what the evaluation of the snapshot's regions in the scope against the
/// catalog needs.
pub(super) fn prepare<R>(
    snapshot: &Snapshot,
    catalog: &Catalog,
    scope: &Scope,
    f: impl FnOnce(&Regions<'_>) -> R,
) -> R {
    CatalogIndex::with(catalog, |index| {
        let services: Vec<Option<&RegionServices>> = scope
            .regions
            .iter()
            .map(|region| {
                snapshot
                    .regions
                    .get(region)
                    .filter(|r| r.opt_in_status.is_enabled())
                    .map(|r| &r.services)
            })
            .collect();
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
        f(&Regions {
            snapshot,
            scope,
            index,
            disabled: DisabledSets::new(index, &services),
            suppressed: services.iter().map(|s| suppressed_findings(*s)).collect(),
            services,
            trails: TrailIndex::new(snapshot),
            aggregation_region,
        })
    })
}

impl Regions<'_> {
    /// Runs `f` with the evaluation contexts of the scope's regions, in region order. The
    /// account-wide data is `global` (the snapshot's own, or the one of
    /// [`crate::manual::assume_done`]).
    pub(super) fn with_contexts<R>(
        &self,
        global: &AccountWide,
        details: Details,
        f: impl FnOnce(&[Ctx<'_>]) -> R,
    ) -> R {
        let shared = Shared {
            trails: &self.trails,
            iam_controls: &self.index.iam,
            bucket_policies: OnceCell::new(),
        };
        let contexts: Vec<Ctx<'_>> = self
            .scope
            .regions
            .iter()
            .zip(&self.services)
            .enumerate()
            .map(|(i, (region, services))| Ctx {
                account_id: self.snapshot.account_id.as_str(),
                global,
                region: region.as_str(),
                services: *services,
                aggregation_region: self.aggregation_region,
                disabled: self.disabled.of(i),
                suppressed: &self.suppressed[i],
                details,
                shared: &shared,
            })
            .collect();
        f(&contexts)
    }
}

/// The controls disabled in each region's FSBP subscription, as flags by position among
/// the catalog's active controls. Regions usually share one set (every region but the home
/// region disables the same global controls), so each distinct set is resolved once.
pub(super) struct DisabledSets {
    /// Distinct sets, as flags.
    pub(super) flags: Vec<Vec<bool>>,
    /// For each region, its set in `flags` (`None`: nothing disabled).
    pub(super) region_set: Vec<Option<usize>>,
    /// Disabled in some region (empty when nothing is disabled anywhere).
    pub(super) anywhere: Vec<bool>,
}

impl DisabledSets {
    pub(super) fn new(index: &CatalogIndex<'_>, services: &[Option<&RegionServices>]) -> Self {
        let mut flags = Vec::new();
        let mut ids_of_set: Vec<Vec<&str>> = Vec::new();
        let region_set = services
            .iter()
            .map(|services| {
                let ids: Vec<&str> = services
                    .and_then(|s| s.security_hub.known())
                    .and_then(Option::as_ref)
                    .map(|hub| {
                        hub.fsbp_controls
                            .iter()
                            .filter(|(_, association)| !association.enabled)
                            .map(|(id, _)| id.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                if ids.is_empty() {
                    return None;
                }
                if let Some(set) = ids_of_set.iter().position(|known| *known == ids) {
                    return Some(set);
                }
                let mut set = vec![false; index.controls.len()];
                for id in &ids {
                    for i in index.positions(id) {
                        set[i] = true;
                    }
                }
                flags.push(set);
                ids_of_set.push(ids);
                Some(flags.len() - 1)
            })
            .collect();
        let mut anywhere = Vec::new();
        for set in &flags {
            if anywhere.is_empty() {
                anywhere = set.clone();
            } else {
                for (any, this) in anywhere.iter_mut().zip(set) {
                    *any |= *this;
                }
            }
        }
        DisabledSets {
            flags,
            region_set,
            anywhere,
        }
    }

    /// The control at `position` is disabled in some region.
    pub(super) fn anywhere(&self, position: usize) -> bool {
        self.anywhere.get(position).copied().unwrap_or(false)
    }

    /// The flags of the region at `i` (empty when nothing is disabled there).
    pub(super) fn of(&self, i: usize) -> &[bool] {
        self.region_set[i].map_or(&[], |set| &self.flags[set])
    }
}

/// The failing resources of one control, as [`region_status`] collects them.
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub(super) failures: Vec<Failure>,
    pub(super) lines: Vec<String>,
    pub(super) suppressed: Vec<Failure>,
}

impl Collected {
    pub(super) fn add(&mut self, region: &str, f: Failed, suppressed: bool) {
        let failure = Failure {
            region: region.to_string(),
            reason: f.reason.clone(),
            resource: f.resource.clone(),
        };
        if suppressed {
            self.suppressed.push(failure);
        } else {
            self.lines.push(f.line());
            self.failures.push(failure);
        }
    }
}

/// The resources whose finding the region's Security Hub shows `SUPPRESSED`, by control.
pub(super) fn suppressed_findings(
    services: Option<&RegionServices>,
) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let findings = services
        .and_then(|s| s.security_hub.known())
        .and_then(Option::as_ref)
        .and_then(|hub| hub.findings.known());
    for f in findings.into_iter().flatten() {
        if f.workflow == WorkflowStatus::Suppressed {
            out.entry(f.control.as_str())
                .or_default()
                .insert(f.resource.as_str());
        }
    }
    out
}

/// The status of the control in one context; the failing resources are added to
/// `failing` when given. Failing resources whose finding is `SUPPRESSED` do not count (see
/// the module documentation).
pub(super) fn region_status(
    position: usize,
    control: &Control,
    check: Option<CheckFn>,
    ctx: &Ctx<'_>,
    failing: Option<&mut Collected>,
) -> Status {
    // A region that does not offer the control reports nothing for it.
    if !control.offered_in(ctx.region) {
        return Status::NoData;
    }
    if ctx.disabled(position) {
        return Status::Disabled;
    }
    let suppressed = ctx.suppressed.get(control.id.as_str());
    let Some(f) = check else {
        return Status::NoData;
    };
    // Which resources fail must be known to leave the suppressed ones out.
    let outcome = if suppressed.is_some() && ctx.details == Details::Skip {
        f(&ctx.collecting(), &control.id)
    } else {
        f(ctx, &control.id)
    };
    match outcome {
        Check::NoData => Status::NoData,
        Check::Passed => Status::Passed,
        Check::Failed(found) => {
            let is_suppressed =
                |f: &Failed| suppressed.is_some_and(|s| s.contains(f.resource.as_str()));
            let open = match suppressed {
                None => true,
                Some(_) => found.failures.iter().any(|f| !is_suppressed(f)),
            };
            if let Some(failing) = failing {
                for f in found.failures {
                    let hidden = is_suppressed(&f);
                    failing.add(ctx.region, f, hidden);
                }
            }
            if open {
                Status::Failed
            } else if found.unknown || !found.passed {
                Status::NoData
            } else {
                Status::Passed
            }
        }
    }
}

/// The result of the active control at `position`. `no_data` is the shared statuses of a
/// control without data anywhere; `scratch` a buffer for the statuses.
pub(super) fn evaluate_control(
    position: usize,
    control: &Control,
    check: Option<CheckFn>,
    contexts: &[Ctx<'_>],
    names: &Arc<[String]>,
    no_data: &Arc<[Status]>,
    scratch: &mut Vec<Status>,
) -> ControlResult {
    let mut failing = Collected::default();
    scratch.clear();
    scratch.extend(
        contexts
            .iter()
            .map(|ctx| region_status(position, control, check, ctx, Some(&mut failing))),
    );
    let statuses: Arc<[Status]> = if scratch.iter().all(|s| *s == Status::NoData) {
        Arc::clone(no_data)
    } else {
        Arc::from(scratch.as_slice())
    };
    let regions_failed: Vec<String> = names
        .iter()
        .zip(scratch.iter())
        .filter(|(_, s)| **s == Status::Failed)
        .map(|(r, _)| r.clone())
        .collect();
    let Collected {
        mut failures,
        lines,
        mut suppressed,
    } = failing;
    failures.sort_unstable();
    failures.dedup();
    suppressed.sort_unstable();
    suppressed.dedup();
    ControlResult {
        id: control.id.clone(),
        status: aggregate(scratch.iter().copied()),
        regions_failed,
        regions: RegionStatuses::new(Arc::clone(names), statuses),
        failing_resources: sorted_unique(lines),
        failures,
        suppressed,
    }
}

/// The lines sorted, without duplicates (as a `BTreeSet` would give them).
pub(super) fn sorted_unique(mut lines: Vec<String>) -> Vec<String> {
    lines.sort_unstable();
    lines.dedup();
    lines
}
