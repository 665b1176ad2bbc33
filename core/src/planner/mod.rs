//! The planner: `plan(&Snapshot, &Baseline) -> Plan`, a plain function, value in, value out.
//!
//! It adopts and converges what exists, never weakens a stronger setting, deletes a default
//! VPC only when the snapshot shows it empty, and never acts on what it could not read
//! (SPEC §3). Odd input becomes `skipped` entries, never a panic.

mod account;
mod buckets;
mod config;
mod ec2;
mod ec2_kept;
mod exceptions;
mod guardduty;
mod notifications;
mod security_hub;
mod services;
mod trail;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_flow_logs;
#[cfg(test)]
mod tests_kept;
#[cfg(test)]
mod tests_names;
#[cfg(test)]
mod tests_notifications;

use std::collections::BTreeSet;

use crate::action::{Action, PlannedAction};
use crate::baseline::{Baseline, Names};
use crate::catalog::Catalog;
use crate::cost;
use crate::effects;
use crate::evaluate::{Scope, score};
use crate::manual;
use crate::part::Part;
use crate::plan::{PLAN_FORMAT_VERSION, Plan, SkipReason, Skipped};
use crate::snapshot::{GLOBAL, Observed, Snapshot};

pub use crate::catalog::control_sort_key;
pub use account::merged_password_policy;
pub use buckets::bucket_is_public;
pub use notifications::stack_tags;

/// The tag that marks the trail key as the tool's, so a key created before a crash (and
/// before its alias) is adopted rather than created again.
pub const KEY_PURPOSE_TAG: (&str, &str) = ("secure-account:purpose", "cloudtrail");
/// The tag the tool puts on the buckets, roles and log groups it creates: a resource under
/// one of the baseline's names without it is the customer's, unless it already serves as
/// this account's trail or Config log destination.
pub const MANAGED_TAG: (&str, &str) = ("secure-account:managed", "true");
/// The id of the lifecycle rule the tool adds to a log bucket it did not create: it only
/// aborts incomplete multipart uploads (S3.13) and deletes no object.
pub const ABORT_UPLOADS_RULE_ID: &str = "secure-account-abort-incomplete-uploads";
/// The id of the log bucket's lifecycle rule.
pub const LIFECYCLE_RULE_ID: &str = "secure-account-expire-logs";
/// The inline policy of the CloudTrail → CloudWatch Logs role.
pub const TRAIL_LOGS_POLICY: &str = "cloudtrail-to-cloudwatch-logs";
const GUARDDUTY_FREQUENCY: &str = "FIFTEEN_MINUTES";

/// The regions and home region an evaluation under this baseline covers.
pub fn scope(snapshot: &Snapshot, baseline: &Baseline) -> Scope {
    Scope {
        home_region: baseline.home_region.clone(),
        regions: snapshot
            .enabled_regions()
            .filter(|(name, _)| baseline.covers_region(name))
            .map(|(name, _)| name.clone())
            .collect(),
    }
}

/// Plans the baseline for the snapshot with the compiled-in catalog.
pub fn plan(snapshot: &Snapshot, baseline: &Baseline) -> Plan {
    plan_with(snapshot, baseline, Catalog::builtin())
}

/// Plans the baseline for the snapshot against `catalog`.
pub fn plan_with(snapshot: &Snapshot, baseline: &Baseline, catalog: &Catalog) -> Plan {
    plan_by(snapshot, baseline, catalog, |p| p.run())
}

/// Plans the notification stack alone (`notifications deploy`): its service role and the
/// stack, as [`plan`] plans them when the baseline names an address, and nothing else;
/// the scores and costs are the whole account's before and after those actions.
pub fn plan_notifications(snapshot: &Snapshot, baseline: &Baseline) -> Plan {
    plan_by(snapshot, baseline, Catalog::builtin(), |p| {
        if p.regions.contains(&p.home) {
            p.notifications();
        } else {
            let home = p.home.clone();
            p.skip(
                &format!("{home}/stack"),
                &home,
                SkipReason::HomeRegionNotEnabled,
                format!(
                    "the home region {home} is not enabled or not covered: the notification \
                     stack is deployed there only"
                ),
            );
        }
    })
}

fn plan_by(
    snapshot: &Snapshot,
    baseline: &Baseline,
    catalog: &Catalog,
    run: fn(&mut Planner<'_>),
) -> Plan {
    let scope = scope(snapshot, baseline);
    let mut p = Planner {
        s: snapshot,
        b: baseline,
        catalog,
        account: snapshot.account_id.clone(),
        home: baseline.home_region.clone(),
        regions: scope.regions.clone(),
        actions: Vec::new(),
        action_ids: BTreeSet::new(),
        log_bucket_deps: Vec::new(),
        log_bucket_region: None,
        log_bucket_ready: false,
        notes: Vec::new(),
        skipped: Vec::new(),
        disabled_home: disabled_controls(catalog, baseline, true),
        disabled_elsewhere: disabled_controls(catalog, baseline, false),
    };
    run(&mut p);
    let Planner {
        actions,
        skipped,
        notes: area_notes,
        ..
    } = p;
    let predicted = effects::predict(snapshot, &actions);
    let score_now = score(snapshot, catalog, &scope);
    let score_predicted = score(&predicted, catalog, &scope);
    let manual_tasks = manual::manual_tasks(&predicted, baseline.security_contact.is_some());
    let model = cost::CostModel::builtin();
    let monthly_cost = cost::plan_cost(
        &cost::estimate(snapshot, baseline, &score_now, model),
        &cost::estimate(&predicted, baseline, &score_predicted, model),
    );
    let mut skipped = skipped;
    skipped.sort();
    skipped.dedup();
    let mut notes = notes(catalog, baseline, &scope.regions);
    notes.extend(area_notes);
    Plan {
        format_version: PLAN_FORMAT_VERSION,
        account_id: snapshot.account_id.clone(),
        home_region: baseline.home_region.clone(),
        baseline: baseline.name.clone(),
        baseline_hash: baseline.content_hash(),
        catalog_version: catalog.version.clone(),
        snapshot_fingerprint: snapshot.fingerprint(),
        regions: scope.regions.into_iter().collect(),
        actions,
        skipped,
        manual_tasks,
        notes,
        score_now,
        score_predicted,
        monthly_cost: Some(monthly_cost),
    }
}

struct Planner<'a> {
    s: &'a Snapshot,
    b: &'a Baseline,
    catalog: &'a Catalog,
    account: String,
    home: String,
    /// Enabled regions the baseline covers.
    regions: BTreeSet<String>,
    actions: Vec<PlannedAction>,
    /// Ids of `actions`, for dependency look-ups.
    action_ids: BTreeSet<String>,
    /// The planned actions on the log bucket that logs written into it wait for (create,
    /// public access block, policy): a trail or delivery channel never writes into a
    /// bucket whose block failed.
    log_bucket_deps: Vec<String>,
    /// The region of the log bucket (where it is, or where the plan creates it), once the
    /// log buckets are planned: the trail's KMS key must live there.
    log_bucket_region: Option<String>,
    /// Whether the log bucket is the tool's and planned (flow logs are written there).
    log_bucket_ready: bool,
    /// Notes the areas add to the plan's (a subscription subscribed again, and why).
    notes: Vec<String>,
    skipped: Vec<Skipped>,
    /// Why each catalog control (by position) is disabled under the baseline, in the home
    /// region and elsewhere (computed once: the planner asks for every control in every
    /// region).
    disabled_home: Vec<Option<String>>,
    disabled_elsewhere: Vec<Option<String>>,
}

impl<'a> Planner<'a> {
    fn run(&mut self) {
        self.region_notes();
        self.declined_features();
        let home_ok = self.regions.contains(&self.home);
        if !home_ok {
            self.skip(
                &format!("{}/home_region", self.home),
                &self.home.clone(),
                SkipReason::HomeRegionNotEnabled,
                format!(
                    "the home region `{}` is not an enabled region of the account: the trail, \
                     key, log buckets and aggregator are not planned",
                    self.home
                ),
            );
        }
        self.account_wide();
        let buckets_ready = if home_ok { self.log_buckets() } else { false };
        self.log_bucket_ready = buckets_ready;
        self.customer_bucket_lifecycles();
        if home_ok && self.b.features.cloudtrail {
            self.trail(buckets_ready);
        }
        if home_ok {
            self.notifications();
        }
        let slr = self.config_role();
        let regions: Vec<String> = self.ordered_regions();
        for r in &regions {
            let snapshot: &'a Snapshot = self.s;
            let services = &snapshot.regions[r].services;
            if self.b.features.config {
                self.config(r, services, slr.clone(), buckets_ready);
            }
            if self.b.features.security_hub {
                self.security_hub(r, services);
                self.exception_findings(r, services);
            }
            if self.b.features.guardduty {
                self.guardduty(r, services);
            }
            if self.b.features.access_analyzer {
                self.access_analyzer(r, services);
            }
            self.ec2(r, services);
            if self.b.features.athena {
                self.athena(r, services);
            }
            if self.b.features.ssm {
                self.ssm(r, services);
            }
            if self.b.features.inspector {
                self.inspector(r, services);
            }
            if self.b.features.macie {
                self.macie(r, services);
            }
        }
    }

    /// The home region first, then the others by name.
    fn ordered_regions(&self) -> Vec<String> {
        let mut v: Vec<String> = self.regions.iter().cloned().collect();
        v.sort_by_key(|r| (r != &self.home, r.clone()));
        v
    }

    // ---- bookkeeping ----

    /// Plans `op` in `region` (`"global"` for account-wide), with the id
    /// `<region>/<action>[/<resource>]`, after `depends_on` (those the plan holds). The
    /// controls it serves are the action's own ([`Action::satisfies`]); an action all of
    /// whose controls the baseline disables is skipped instead.
    fn push(
        &mut self,
        region: &str,
        resource: Option<&str>,
        op: impl Into<Action>,
        depends_on: Vec<String>,
    ) -> Option<String> {
        let op: Action = op.into();
        let name = op.name();
        let satisfies = op.satisfies();
        let id = match resource {
            Some(r) => format!("{region}/{name}/{r}"),
            None => format!("{region}/{name}"),
        };
        let scope_region = if region == GLOBAL {
            self.home.as_str()
        } else {
            region
        };
        if !satisfies.is_empty()
            && satisfies
                .iter()
                .all(|c| self.disabled_reason(c, scope_region).is_some())
        {
            self.skip(
                &id,
                region,
                SkipReason::ControlsDisabled,
                format!(
                    "`{name}` only serves {}, which the baseline disables",
                    satisfies.join(", ")
                ),
            );
            return None;
        }
        let depends_on: Vec<String> = depends_on
            .into_iter()
            .filter(|d| self.action_ids.contains(d))
            .collect();
        self.action_ids.insert(id.clone());
        self.actions.push(PlannedAction {
            id: id.clone(),
            destructive: op.is_destructive(),
            op,
            region: crate::part::Scope::parse(region),
            satisfies: satisfies.iter().map(|s| s.to_string()).collect(),
            depends_on,
        });
        Some(id)
    }

    /// Plans `op` as [`Planner::push`] does, but for something the baseline asks for in
    /// itself (the notification stack and its role), not for its controls: never skipped
    /// because the baseline disables them, and naming only those it keeps enabled.
    fn push_wanted(
        &mut self,
        region: &str,
        resource: Option<&str>,
        op: impl Into<Action>,
        depends_on: Vec<String>,
    ) -> Option<String> {
        let op: Action = op.into();
        let scope_region = if region == GLOBAL {
            self.home.clone()
        } else {
            region.to_string()
        };
        let satisfies: Vec<String> = op
            .satisfies()
            .into_iter()
            .filter(|c| self.disabled_reason(c, &scope_region).is_none())
            .map(str::to_string)
            .collect();
        let name = op.name();
        let id = match resource {
            Some(r) => format!("{region}/{name}/{r}"),
            None => format!("{region}/{name}"),
        };
        let depends_on: Vec<String> = depends_on
            .into_iter()
            .filter(|d| self.action_ids.contains(d))
            .collect();
        self.action_ids.insert(id.clone());
        self.actions.push(PlannedAction {
            id: id.clone(),
            destructive: op.is_destructive(),
            op,
            region: crate::part::Scope::parse(region),
            satisfies,
            depends_on,
        });
        Some(id)
    }

    fn skip(&mut self, id: &str, region: &str, reason: SkipReason, detail: String) {
        self.skipped.push(Skipped {
            id: id.to_string(),
            region: region.to_string(),
            reason,
            detail,
        });
    }

    /// The value of a read, or `None` after recording a `read_failed` skipped entry: the
    /// planner never acts on what it could not see.
    fn seen<'o, T>(&mut self, region: &str, what: Part, o: &'o Observed<T>) -> Option<&'o T> {
        match o {
            Observed::Known(v) => Some(v),
            Observed::Unreadable { read_error } => {
                self.read_failed(region, what, read_error);
                None
            }
        }
    }

    fn read_failed(&mut self, region: &str, what: Part, e: &crate::snapshot::AwsError) {
        self.skip(
            &format!("{region}/{what}"),
            region,
            SkipReason::ReadFailed,
            format!(
                "could not read {what} ({}: {}); nothing planned for it",
                e.code, e.message
            ),
        );
    }

    fn region_notes(&mut self) {
        let notes: Vec<(String, SkipReason, String)> = self
            .s
            .regions
            .iter()
            .filter_map(|(name, r)| {
                if !self.b.covers_region(name) {
                    if r.opt_in_status.is_enabled() {
                        Some((
                            name.clone(),
                            SkipReason::RegionExcluded,
                            format!("region `{name}` is excluded by the baseline"),
                        ))
                    } else {
                        None
                    }
                } else if !r.opt_in_status.is_enabled() {
                    Some((
                        name.clone(),
                        SkipReason::RegionNotEnabled,
                        format!(
                            "region `{name}` is not enabled for the account (opt-in status \
                             not-opted-in); enable it in the Account console and apply again \
                             to cover it"
                        ),
                    ))
                } else {
                    None
                }
            })
            .collect();
        for (name, reason, detail) in notes {
            self.skip(&format!("{name}/region"), &name, reason, detail);
        }
    }

    /// One entry for each paid feature the baseline declines, naming the controls it
    /// disables (those no other reason disables first).
    fn declined_features(&mut self) {
        let home = self.home.clone();
        for sw in crate::baseline::PAID_SWITCHES {
            if (sw.get)(&self.b.features) {
                continue;
            }
            let controls: Vec<&str> = sw
                .controls
                .iter()
                .copied()
                .filter(|c| self.disabled_reason(c, &home).as_deref() == Some(sw.reason))
                .collect();
            if controls.is_empty() {
                continue;
            }
            self.skip(
                &format!("{GLOBAL}/features.{}", sw.key),
                GLOBAL,
                SkipReason::FeatureDeclined,
                format!("{} disabled: {}", controls.join(", "), sw.reason),
            );
        }
    }

    /// The control's disabled reason under the baseline in `region`, if it is disabled.
    fn disabled_reason(&self, control: &str, region: &str) -> Option<String> {
        match self.catalog.position(control) {
            Some(i) => self.disabled_at(i, region).cloned(),
            None => Some(
                self.b
                    .controls
                    .disabled
                    .get(control)
                    .cloned()
                    .unwrap_or_else(|| {
                        format!("not yet reviewed (catalog {})", self.catalog.version)
                    }),
            ),
        }
    }

    /// The disabled reason of the catalog's control at `position` in `region`.
    fn disabled_at(&self, position: usize, region: &str) -> Option<&String> {
        let cache = if region == self.home {
            &self.disabled_home
        } else {
            &self.disabled_elsewhere
        };
        cache[position].as_ref()
    }

    /// The control is offered in `region` and the baseline keeps it enabled there.
    fn control_enabled(&self, control: &str, region: &str) -> bool {
        self.catalog
            .get(control)
            .is_none_or(|c| c.offered_in(region))
            && self.disabled_reason(control, region).is_none()
    }

    fn fill(&self, template: &str) -> String {
        Names::fill(template, &self.account)
    }
}

/// Why each catalog control (by position) is disabled under the baseline, in the home
/// region (`home`) or elsewhere.
fn disabled_controls(catalog: &Catalog, b: &Baseline, home: bool) -> Vec<Option<String>> {
    catalog
        .controls
        .iter()
        .map(|c| {
            if let Some(reason) = b.controls.disabled.get(&c.id) {
                Some(reason.clone())
            } else if let Some(through) = b
                .controls
                .reviewed_through
                .as_ref()
                .filter(|t| c.added.as_str() > t.as_str())
            {
                Some(format!(
                    "not yet reviewed: added {}, after the baseline's review ({through})",
                    c.added
                ))
            } else if let Some(reason) = b.features.declined_reason(&c.id) {
                Some(reason.to_string())
            } else if c.kept_in_home_region_only() && !home {
                Some(format!(
                    "global resource control: evaluated in the home region {} only",
                    b.home_region
                ))
            } else {
                None
            }
        })
        .collect()
}

/// Why controls offered in one region only stay enabled there when it is not the home
/// region: disabling them would leave them evaluated nowhere.
fn notes(catalog: &Catalog, b: &Baseline, regions: &BTreeSet<String>) -> Vec<String> {
    let mut by_region: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for c in catalog.active() {
        if let Some(offered) = &c.offered_in
            && !c.regional
            && !b.controls.disabled.contains_key(&c.id)
        {
            for r in offered {
                if *r != b.home_region && regions.contains(r) {
                    by_region.entry(r.as_str()).or_default().push(&c.id);
                }
            }
        }
    }
    by_region
        .into_iter()
        .map(|(region, ids)| {
            format!(
                "{} check global resources and are offered only in {region}: they stay enabled \
                 there although the home region is {}, or nothing would evaluate them",
                ids.join(", "),
                b.home_region
            )
        })
        .collect()
}
