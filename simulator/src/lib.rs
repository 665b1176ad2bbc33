//! An in-memory, multi-region AWS account that implements the engine's [`Port`] with AWS's
//! semantics and error codes, fault injection, and a latency model on virtual time.
//!
//! A write call goes through, in order: the crash fault; the region (a region that is not
//! enabled answers `UnrecognizedClientException`); the access-denied and throttling faults;
//! changes still propagating (eventual consistency); AWS's preconditions (module `aws`, the
//! strict part: the error AWS answers with when one does not hold); then the effect, made by
//! `secure_account_core::effects::apply`; then the call waits for its rate-limit slot and
//! its latency on tokio's clock (virtual under `start_paused`).
//!
//! The simulator never deletes or detaches anything by itself: a default VPC with network
//! interfaces cannot disappear (`DependencyViolation` on `detach_internet_gateway`,
//! `delete_subnet` and `delete_vpc`), and non-default VPCs change only through explicit
//! actions.
//!
//! # Latency model ([`LatencyModel::aws_like`])
//!
//! Each write's AWS-like latency is its kind's `Simulate::AWS_LATENCY_MS`, beside its
//! preconditions in `aws/<service>.rs`: from 100 ms (`put_retention_policy`) to 2 s
//! (`batch_enable_standards`), most calls 150–400 ms.
//!
//! A standards subscription stays `PENDING` (`NOT_READY_FOR_UPDATES`) for 60 s after
//! `batch_enable_standards` answered (`latency::AWS_STANDARD_READY`: AWS documents no
//! typical time; terraform-provider-aws allows 3 minutes). Inspector's resource types stay
//! `ENABLING` for 30 s after `enable_inspector` answered (`latency::AWS_INSPECTOR_ENABLED`,
//! an assumption: AWS documents no time; terraform-provider-aws polls within 5 minutes).
//!
//! Refused calls (throttled, denied, region not enabled) answer in 50 ms. Read calls take
//! 50–120 ms by service (sts 50, s3 60, kms 60, logs 70, ssm 70, iam 80, guardduty 80,
//! athena 80, account 80, config 90, cloudtrail 90, access analyzer 90, securityhub 100,
//! inspector2 110, macie2 110, ec2 120); a part's read takes its longest chain of calls
//! (items of a list are read concurrently), and the engine reads parts concurrently.
//!
//! Write rate limits, a token bucket per service and region (sustained/s, burst): ec2
//! 5/50, securityhub 10/30, guardduty 10/20, config 5/10, cloudtrail 5/10, kms 5/10, s3
//! 50/100, s3control 10/20, iam 10/20, logs 5/10, access analyzer 5/10, athena 5/10, ssm
//! 5/5, account 2/5, inspector2 5/10, macie2 5/10. A call that arrives before its slot
//! waits for it (as the SDK's client-side rate limiter would), it is not rejected.
//!
//! [`Port`]: secure_account_engine::Port

// A new variant of `Action`, `Part` or any other enum of ours must be a compile error
// wherever it is matched: no wildcard arm over an enum (ARCHITECTURE.md, "Adding an action").
#![cfg_attr(not(test), deny(clippy::wildcard_enum_match_arm))]

mod asynchronous;
mod aws;
mod faults;
mod findings;
pub mod fleet;
mod latency;
mod partial;
mod policy;
mod port;
mod reads;
mod scenarios;
mod state;

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use secure_account_core::action::inspector::EnableInspector;
use secure_account_core::action::securityhub::BatchUpdateStandardsControlAssociations;
use secure_account_core::effects;
use secure_account_core::part::Reach;
use secure_account_core::{
    AccountInfo, Action, AwsError, Outputs, Part, PartValue, Scope, Snapshot,
};
use secure_account_engine::{ActionOutput, CallCounts, PortError};

pub use faults::{CALLER_NAME, FaultPlan, THROTTLING_CODES, access_denied_code, throttling_code};
pub use latency::{LatencyModel, RateLimit};
pub use reads::read_calls;

/// A single-threaded tokio runtime whose clock starts paused: the simulator's latencies and
/// the engine's backoff then pass in virtual time, which tokio advances whenever every task
/// waits, so a 17-region apply takes milliseconds of real time and reports AWS-like time.
pub fn virtual_clock_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
}
pub use scenarios::{
    ACCOUNT_ID, DEFAULT_REGIONS, LIVED_IN_PUBLIC_BUCKET, LIVED_IN_TRAIL_BUCKET,
    NEWER_FSBP_CONTROLS, OPT_IN_REGIONS, fresh_region_services,
};
pub use state::STATE_FORMAT_VERSION;

use aws::Check;
use state::{Hidden, Ids, SavedState};

/// The built-in scenarios.
pub const SCENARIOS: &[&str] = &["fresh", "lived-in", "newer-standard"];

/// Why a simulator could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error(
        "unknown scenario `{name}`{}; the scenarios are {}",
        did_you_mean(.closest),
        SCENARIOS.join(", ")
    )]
    UnknownScenario {
        name: String,
        /// The scenario closest to `name` ([`closest_scenario`]); empty when none is close.
        closest: String,
    },
    #[error("invalid simulator state at line {line}, column {column}: {message}")]
    Parse {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "simulator state has format_version {found}, this version reads {supported}; save the \
         state again with this version"
    )]
    FormatVersion { found: u64, supported: u32 },
    #[error("invalid simulator state: {0}")]
    Invalid(String),
}

impl SimError {
    /// The error for a scenario name that is not one of [`SCENARIOS`], naming the closest.
    pub fn unknown_scenario(name: &str) -> SimError {
        SimError::UnknownScenario {
            name: name.to_string(),
            closest: closest_scenario(name).unwrap_or_default(),
        }
    }
}

/// The built-in scenario closest to `name`, if any is reasonably close.
pub fn closest_scenario(name: &str) -> Option<String> {
    secure_account_core::baseline::closest(name, SCENARIOS.iter().copied())
}

/// ` (did you mean `closest`?)`, or nothing when no scenario is close.
fn did_you_mean(closest: &str) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!(" (did you mean `{closest}`?)")
    }
}

/// One write call as the account saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteRecord {
    pub region: String,
    /// The action's name (`create_trail`).
    pub action: String,
    pub action_id: String,
    /// `Ok`, or the AWS error code.
    pub outcome: Result<(), String>,
}

/// What belongs to this run rather than to the account: the fault RNG and counters, the
/// call log, the rate limiter.
#[derive(Debug)]
struct Run {
    rng: Xoshiro256PlusPlus,
    throttles_injected: u32,
    calls: CallCounts,
    write_log: Vec<WriteRecord>,
    crashed: bool,
    rate: latency::RateLimiter,
    /// HTTP 200 answers with failures injected so far (the fault plan's
    /// `partial_failures`): control association updates, Inspector enables.
    partial_failures: [u32; 2],
    /// Regions whose Security Hub has checked the account since the last write call
    /// (`findings::refresh` runs on the next read of a region not listed).
    findings_checked: std::collections::BTreeSet<String>,
}

impl Run {
    fn new(seed: u64) -> Run {
        Run {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
            throttles_injected: 0,
            calls: CallCounts::default(),
            write_log: Vec::new(),
            crashed: false,
            rate: latency::RateLimiter::default(),
            partial_failures: [0; 2],
            findings_checked: Default::default(),
        }
    }

    /// Draws whether the next call is throttled.
    fn throttle(&mut self, probability: f64, max: u32) -> bool {
        if probability <= 0.0 || self.throttles_injected >= max {
            return false;
        }
        let hit = self.rng.random_bool(probability.min(1.0));
        if hit {
            self.throttles_injected += 1;
        }
        hit
    }
}

#[derive(Debug)]
struct Inner {
    account: Snapshot,
    hidden: Hidden,
    run: Run,
}

/// An in-memory AWS account. See the crate documentation.
#[derive(Debug)]
pub struct Simulator {
    inner: Mutex<Inner>,
    faults: FaultPlan,
    latency: LatencyModel,
    start: Instant,
}

impl Simulator {
    fn new(account: Snapshot, hidden: Hidden) -> Simulator {
        let faults = FaultPlan::default();
        Simulator {
            inner: Mutex::new(Inner {
                account: state::normalise(account),
                hidden,
                run: Run::new(faults.seed),
            }),
            faults,
            latency: LatencyModel::zero(),
            start: Instant::now(),
        }
    }

    /// A built-in scenario (`fresh`, `lived-in`).
    pub fn scenario(name: &str) -> Result<Simulator, SimError> {
        let account = match name {
            "fresh" => scenarios::fresh(),
            "lived-in" => scenarios::lived_in(),
            "newer-standard" => scenarios::fresh(),
            _ => return Err(SimError::unknown_scenario(name)),
        };
        let hidden = Hidden {
            id_salt: state::hash_str(name),
            newer_fsbp_controls: if name == "newer-standard" {
                scenarios::NEWER_FSBP_CONTROLS
                    .iter()
                    .map(|c| c.to_string())
                    .collect()
            } else {
                Default::default()
            },
            ..Hidden::default()
        };
        Ok(Simulator::new(account, hidden))
    }

    /// Any account state as the starting point. Parts that are `Unreadable` in `snapshot`
    /// become their default (the account's truth is always known), and regions that are not
    /// enabled lose their services.
    pub fn from_snapshot(snapshot: Snapshot) -> Simulator {
        let salt = state::hash_str(&snapshot.fingerprint());
        Simulator::new(
            snapshot,
            Hidden {
                id_salt: salt,
                ..Hidden::default()
            },
        )
    }

    /// A state saved by [`Simulator::to_state_json`]. The fault plan, latency model and call
    /// counters are not part of it: they belong to a run.
    pub fn from_state_json(text: &str) -> Result<Simulator, SimError> {
        let parse_err = |e: serde_json::Error| SimError::Parse {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(parse_err)?;
        match value
            .get("format_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(STATE_FORMAT_VERSION) => {}
            Some(found) => {
                return Err(SimError::FormatVersion {
                    found,
                    supported: STATE_FORMAT_VERSION,
                });
            }
            None => {
                return Err(SimError::Parse {
                    line: 1,
                    column: 1,
                    message: "missing field `format_version`".into(),
                });
            }
        }
        let saved: SavedState = serde_json::from_str(text).map_err(parse_err)?;
        if saved.account.format_version != secure_account_core::snapshot::SNAPSHOT_FORMAT_VERSION {
            return Err(SimError::FormatVersion {
                found: u64::from(saved.account.format_version),
                supported: secure_account_core::snapshot::SNAPSHOT_FORMAT_VERSION,
            });
        }
        state::validate(&saved.account, &saved.hidden).map_err(SimError::Invalid)?;
        Ok(Simulator::new(saved.account, saved.hidden))
    }

    /// The full state (the account and what the snapshot does not show) as pretty JSON;
    /// the same state always gives the same text.
    pub fn to_state_json(&self) -> String {
        let inner = self.lock();
        let saved = SavedState {
            format_version: STATE_FORMAT_VERSION,
            account: inner.account.clone(),
            // Pending deadlines as time still to wait: the next process's clock starts at 0.
            hidden: inner.hidden.rebased(self.now_ms()),
        };
        serde_json::to_string_pretty(&saved).expect("the state always serialises")
    }

    /// The same account with these faults (the fault RNG restarts from the plan's seed).
    pub fn with_faults(mut self, faults: FaultPlan) -> Simulator {
        {
            let inner = self.inner.get_mut().unwrap_or_else(|e| e.into_inner());
            inner.run.rng = Xoshiro256PlusPlus::seed_from_u64(faults.seed);
            inner.run.throttles_injected = 0;
            inner.run.partial_failures = [0; 2];
        }
        self.faults = faults;
        self
    }

    /// The same account with this latency model.
    pub fn with_latency(mut self, latency: LatencyModel) -> Simulator {
        self.latency = latency;
        self
    }

    /// The account's true current state: no faults, no propagation lag.
    pub fn account(&self) -> Snapshot {
        self.lock().account.clone()
    }

    /// Every write call so far, in the order the account received them.
    pub fn write_log(&self) -> Vec<WriteRecord> {
        self.lock().run.write_log.clone()
    }

    /// The fault plan in force.
    pub fn faults(&self) -> &FaultPlan {
        &self.faults
    }

    /// The latency model in force.
    pub fn latency_model(&self) -> &LatencyModel {
        &self.latency
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now(&self) -> Duration {
        Instant::now().saturating_duration_since(self.start)
    }

    fn now_ms(&self) -> u64 {
        self.now().as_millis() as u64
    }

    /// What AWS finished meanwhile (standards subscriptions leaving `PENDING`).
    fn settle(&self, inner: &mut Inner) {
        asynchronous::settle(
            &mut inner.account,
            &mut inner.hidden,
            &self.faults,
            self.now_ms(),
        );
    }

    /// Performs a write call on the state at once; returns its answer and how long the
    /// caller must wait for it.
    fn execute_now(
        &self,
        scope: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<(Result<ActionOutput, PortError>, Duration), PortError> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        if inner.run.crashed {
            return Err(PortError::Crashed);
        }
        self.settle(inner);
        inner.run.calls.write += 1;
        inner.run.findings_checked.clear();
        let service = action.service();
        let region = scope.as_str();
        let (result, rejected) = match self.decide(inner, scope, action_id, action, outputs) {
            Ok(output) => (Ok(output), false),
            Err((e, rejected)) => (Err(e), rejected),
        };
        inner.run.write_log.push(WriteRecord {
            region: region.to_string(),
            action: action.name().to_string(),
            action_id: action_id.to_string(),
            outcome: result.as_ref().map(|_| ()).map_err(|e| e.code.clone()),
        });
        if let Some(k) = self.faults.crash_after_writes
            && inner.run.calls.write >= k
        {
            inner.run.crashed = true;
        }
        let delay = if rejected {
            self.latency.rejection
        } else {
            let wait = match self.latency.rate_limits.get(service) {
                Some(limit) => inner.run.rate.reserve(*limit, service, region, self.now()),
                None => Duration::ZERO,
            };
            wait + self.latency.write_latency(action.name())
        };
        let answer = result.map_err(PortError::Aws);
        Ok((answer, delay))
    }

    /// The account's answer to one write call. `Err((error, rejected))`: `rejected` when
    /// the call was refused before the service did any work.
    fn decide(
        &self,
        inner: &mut Inner,
        scope: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, (AwsError, bool)> {
        let service = action.service();
        let account_id = inner.account.account_id.clone();
        check_region(&inner.account, scope, action).map_err(|e| (e, true))?;
        let region = scope.as_str();
        if self.faults.deny_actions.contains(action.name()) {
            return Err((
                faults::access_denied(&account_id, service, action.kind().iam_action()),
                true,
            ));
        }
        if inner.run.throttle(
            self.faults.write_throttle_probability,
            self.faults.max_throttles,
        ) {
            return Err((faults::throttled(service), true));
        }
        // An operation that takes an idempotency token answers a token it has seen, with the
        // same operation, as it answered the first time, and changes nothing more
        // (GuardDuty `CreateDetector`, Access Analyzer, Inspector `Enable`, Macie
        // `EnableMacie`). The token is the one the adapters send.
        let token = action
            .facts()
            .client_token
            .then(|| secure_account_core::action::client_token(&account_id, region, action_id));
        if let Some(t) = &token
            && inner.hidden.client_tokens.get(t).map(String::as_str) == Some(action.name())
        {
            return Ok(ActionOutput::default());
        }
        let check = Check {
            account: &inner.account,
            hidden: &inner.hidden,
            region,
            outputs,
        };
        if let Some((error, pending)) = aws::propagation_error(&check, action) {
            for (kind, name) in pending {
                inner.hidden.consume_propagation(kind, &name);
            }
            return Err((error, false));
        }
        aws::preconditions(&check, action).map_err(|e| (e, false))?;
        let creates_bucket = matches!(action, Action::CreateBucket(op)
            if check.account.bucket(&op.bucket).is_none());
        let emptied_vpc = aws::empties_vpc(&check, action);
        if let Some(bucket) = aws::bucket_setting(action)
            && let Some(n) = inner.hidden.bucket_conflicts.get_mut(bucket)
        {
            *n -= 1;
            if *n == 0 {
                inner.hidden.bucket_conflicts.remove(bucket);
            }
            return Err((asynchronous::operation_aborted(), false));
        }
        if let Action::DeleteVpc(op) = action
            && let Some(n) = inner.hidden.vpc_teardown_lag.get_mut(&op.vpc_id)
        {
            *n -= 1;
            if *n == 0 {
                inner.hidden.vpc_teardown_lag.remove(&op.vpc_id);
            }
            return Err((asynchronous::vpc_not_released(&op.vpc_id), false));
        }
        let inspector_scanning: Vec<String> = inner
            .account
            .regions
            .get(region)
            .and_then(|r| r.services.inspector.known())
            .map(|i| {
                secure_account_core::snapshot::Inspector::RESOURCE_TYPES
                    .iter()
                    .filter(|t| i.scans(t))
                    .map(|t| t.to_string())
                    .collect()
            })
            .unwrap_or_default();
        // A 200 answer that carries failures: only what was processed takes effect.
        let (effective, unprocessed) = self.partial(inner, region, action);
        let effective = effective.as_ref().unwrap_or(action);
        let created_key =
            apply_effects(inner, region, action_id, effective, outputs).map_err(|e| (e, false))?;
        self.after_effects(
            inner,
            region,
            action,
            outputs,
            created_key.as_deref(),
            creates_bucket,
        );
        if creates_bucket
            && let Action::CreateBucket(op) = action
            && self.faults.untagged_creates
        {
            let buckets = inner.account.global.buckets.known_mut();
            for b in buckets.into_iter().flatten() {
                if b.name == op.bucket {
                    b.tags.clear();
                }
            }
        }
        if creates_bucket
            && let Action::CreateBucket(op) = action
            && self.faults.bucket_conflict_lag > 0
        {
            inner
                .hidden
                .bucket_conflicts
                .insert(op.bucket.clone(), self.faults.bucket_conflict_lag);
        }
        if let Some(vpc) = emptied_vpc
            && self.faults.vpc_teardown_lag > 0
        {
            inner
                .hidden
                .vpc_teardown_lag
                .insert(vpc, self.faults.vpc_teardown_lag);
        }
        if let Action::BatchEnableStandards(op) = action {
            asynchronous::start_subscription(
                &mut inner.account,
                &mut inner.hidden,
                region,
                &op.standards_arn,
                self.now_ms() + self.latency.write_latency(action.name()).as_millis() as u64,
                self.latency.standard_ready.as_millis() as u64 + self.faults.standard_delay_ms,
            );
            self.settle(inner);
        }
        if let Action::EnableInspector(op) = effective {
            asynchronous::start_inspector(
                &mut inner.account,
                &mut inner.hidden,
                region,
                &op.resource_types,
                &inspector_scanning,
                self.now_ms() + self.latency.write_latency(action.name()).as_millis() as u64,
                self.latency.inspector_enabled.as_millis() as u64,
            );
            self.settle(inner);
        }
        // Remembered once the call did all its work (an answer listing failures is one to
        // send again, not to repeat).
        if let Some(t) = token
            && unprocessed.is_empty()
        {
            inner
                .hidden
                .client_tokens
                .insert(t, action.name().to_string());
        }
        Ok(ActionOutput {
            created_key_id: created_key,
            unprocessed,
        })
    }

    /// Hidden-state bookkeeping after an action took effect.
    fn after_effects(
        &self,
        inner: &mut Inner,
        region: &str,
        action: &Action,
        outputs: &Outputs,
        created_key: Option<&str>,
        creates_bucket: bool,
    ) {
        aws::record_hidden(&mut inner.hidden, region, action);
        let lag = self.faults.consistency_lag;
        if lag == 0 || (matches!(action, Action::CreateBucket(_)) && !creates_bucket) {
            return;
        }
        let check = Check {
            account: &inner.account,
            hidden: &inner.hidden,
            region,
            outputs,
        };
        if let Some((kind, name)) = aws::starts_propagation(&check, action, created_key) {
            inner.hidden.start_propagation(kind, &name, lag);
        }
    }

    /// The preamble of a read (`sts:GetCallerIdentity`, `ec2:DescribeRegions`) at once;
    /// returns the answer and how long it takes.
    fn read_account_now(&self) -> Result<(AccountInfo, Duration), PortError> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        if inner.run.crashed {
            return Err(PortError::Crashed);
        }
        if let Some(k) = self.faults.unreachable_after_writes
            && inner.run.calls.write >= k
        {
            return Err(PortError::Aws(AwsError::new(
                AwsError::DISPATCH_FAILURE,
                "sts:GetCallerIdentity: the request got no answer: connection refused",
            )));
        }
        let mut reader = reads::Reader {
            run: &mut inner.run,
            faults: &self.faults,
            latency: &self.latency,
        };
        let mut delay = Duration::ZERO;
        for service in reads::PREAMBLE {
            let (result, attempts) = reader.call(service);
            delay += self.latency.read_latency(service) * attempts;
            result.map_err(PortError::Aws)?;
        }
        Ok((inner.account.account_info(), delay))
    }

    /// One part's read at once, from the account's true state; returns the answer and how
    /// long its calls take.
    fn read_part_now(
        &self,
        scope: &Scope,
        part: Part,
    ) -> Result<(Result<PartValue, AwsError>, Duration), PortError> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        if inner.run.crashed {
            return Err(PortError::Crashed);
        }
        self.settle(inner);
        // Security Hub checks what changed: after a write, the region's findings follow the
        // account (an account given as it is keeps the findings it was given).
        if let (Part::SecurityHub, Scope::Region(r)) = (part, scope)
            && inner.run.calls.write > 0
            && inner.run.findings_checked.insert(r.clone())
        {
            findings::refresh(&mut inner.account, r);
        }
        let account_id = inner.account.account_id.clone();
        let calls = reads::calls(&inner.account, scope, part);
        let enabled = match scope {
            Scope::Account => true,
            Scope::Region(r) => inner
                .account
                .regions
                .get(r)
                .is_some_and(|r| r.opt_in_status.is_enabled()),
        };
        let mut reader = reads::Reader {
            run: &mut inner.run,
            faults: &self.faults,
            latency: &self.latency,
        };
        if !enabled {
            reader.run.calls.read += 1;
            let e = AwsError::new(
                "UnrecognizedClientException",
                "The security token included in the request is invalid",
            );
            return Ok((Err(e), self.latency.rejection));
        }
        let (result, delay) = reader.part(&account_id, scope, part, calls);
        let answer = result.and_then(|()| match inner.account.part(scope, part) {
            Ok(answer) => answer,
            Err(misplaced) => Err(AwsError::new(
                "InvalidParameterValue",
                misplaced.to_string(),
            )),
        });
        // `ListFindingAggregators` lists the account's one aggregator in every region.
        let answer = answer.map(|mut value| {
            if let PartValue::SecurityHub(Some(hub)) = &mut value {
                hub.finding_aggregator_region = aggregator_region(&inner.account);
            }
            value
        });
        Ok((answer, delay))
    }
}

/// The region of the account's finding aggregator, if it has one (Security Hub allows one
/// per account).
fn aggregator_region(account: &Snapshot) -> Option<String> {
    account
        .enabled_regions()
        .find(|(_, r)| {
            r.services
                .security_hub
                .known()
                .and_then(Option::as_ref)
                .is_some_and(|h| h.finding_aggregator.is_some())
        })
        .map(|(name, _)| name.clone())
}

/// Where an action may run: account-wide services in `"global"`, the others in an enabled
/// region of the account.
fn check_region(account: &Snapshot, scope: &Scope, action: &Action) -> Result<(), AwsError> {
    let global_service = action.facts().reach == Reach::Account;
    let region = match scope {
        Scope::Account if global_service => return Ok(()),
        Scope::Account => {
            return Err(AwsError::new(
                "InvalidRegion",
                format!(
                    "`{}` is a regional action: run it in one of the account's regions, not \
                     `global`",
                    action.name()
                ),
            ));
        }
        Scope::Region(region) => region,
    };
    let Some(r) = account.regions.get(region) else {
        return Err(AwsError::new(
            "InvalidRegion",
            format!("the account has no region `{region}`"),
        ));
    };
    if !r.opt_in_status.is_enabled() {
        return Err(AwsError::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid",
        ));
    }
    if global_service {
        return Err(AwsError::new(
            "InvalidRegion",
            format!(
                "`{}` is an account-wide action: run it in region `global`",
                action.name()
            ),
        ));
    }
    Ok(())
}

/// The effect of an action once AWS's preconditions hold: the project's single model of
/// it, `secure_account_core::effects::apply`, with ids from the account's counters.
fn apply_effects(
    inner: &mut Inner,
    region: &str,
    action_id: &str,
    action: &Action,
    outputs: &Outputs,
) -> Result<Option<String>, AwsError> {
    let mut ids = Ids {
        salt: inner.hidden.id_salt,
        counters: &mut inner.hidden.id_counters,
    };
    effects::apply(
        &mut inner.account,
        region,
        action_id,
        action,
        outputs,
        &mut ids,
    )
}

#[cfg(test)]
mod tests;
