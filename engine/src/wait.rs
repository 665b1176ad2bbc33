//! Waiting for something AWS finishes after it answered: a Security Hub standards
//! subscription leaves `PENDING` a minute or more after `BatchEnableStandards` answered,
//! and Inspector's resource types go `ENABLING` → `ENABLED` after `Enable` answered. The
//! engine waits by reading the region's part (`Port::read_part`) with backoff, within a
//! budget of minutes: read calls, not repeated writes, and counted apart from retries.
//!
//! A read that fails with a permanent error (access denied, or `NotImplemented` from an
//! endpoint that does not serve the operation, such as the moto emulator) fails the wait at
//! once: reading again would answer the same. Only throttling is read again.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use secure_account_core::snapshot::{InspectorReadiness, StandardReadiness};
use secure_account_core::{AwsError, Part, PartValue, Scope};

use crate::port::{Port, PortError};
use crate::retry::{ErrorClass, classify_read};

/// How a readiness wait polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadinessWait {
    /// The pause after the first poll; it doubles up to `cap`.
    pub first: Duration,
    pub cap: Duration,
    /// The most one wait lasts before the action fails. terraform-provider-aws allows a
    /// subscription 3 minutes (`standardsSubscriptionCreateTimeout`) and an Inspector
    /// enabler 5 minutes (`aws_inspector2_enabler`'s create timeout, polling every 10 s);
    /// 10 minutes leaves room for a slow region.
    pub budget: Duration,
}

impl Default for ReadinessWait {
    fn default() -> Self {
        ReadinessWait {
            first: Duration::from_secs(1),
            cap: Duration::from_secs(5),
            budget: Duration::from_secs(600),
        }
    }
}

/// How long Inspector may show a requested type as a plain `DISABLED` (no `errorCode`)
/// after `Enable` answered, before the engine takes it as not enabling. `Enable` answers
/// with the types `ENABLING` (API_Enable), so a later `DISABLED` is either a read that does
/// not see the call yet or an enabling that ended without saying why; terraform-provider-aws
/// takes an all-`DISABLED` answer as "not found" and reads again a few times. 30 s is an
/// assumption.
pub const INSPECTOR_NOT_STARTED_GRACE: Duration = Duration::from_secs(30);

/// What the readiness waits of one kind cost in a run: read calls and time waited
/// between them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitStats {
    /// Part reads (`GetEnabledStandards`, `BatchGetAccountStatus`) made while waiting.
    pub polls: u64,
    /// Time slept between polls (summed over the waits, which may overlap).
    pub waited_ms: u64,
}

/// The earlier name of [`WaitStats`].
pub type StandardWait = WaitStats;

impl WaitStats {
    pub fn plus(self, other: WaitStats) -> WaitStats {
        WaitStats {
            polls: self.polls + other.polls,
            waited_ms: self.waited_ms + other.waited_ms,
        }
    }
}

/// What a readiness wait waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitFor<'a> {
    /// A standards subscription `READY`, after `batch_enable_standards` answered.
    StandardReady { standards_arn: &'a str },
    /// A standard's controls ready for updates (`READY` and not `NOT_READY_FOR_UPDATES`),
    /// before a control association update on a standard this run has not seen ready.
    StandardUpdatable { standards_arn: &'a str },
    /// Inspector resource types `ENABLED`, after `enable_inspector` answered.
    InspectorEnabled { resource_types: &'a [String] },
}

impl WaitFor<'_> {
    /// The part whose reads tell.
    pub fn part(&self) -> Part {
        match self {
            WaitFor::StandardReady { .. } | WaitFor::StandardUpdatable { .. } => Part::SecurityHub,
            WaitFor::InspectorEnabled { .. } => Part::Inspector,
        }
    }

    /// The AWS service waited on (`securityhub`, `inspector2`).
    pub fn service(&self) -> &'static str {
        self.part().facts().service
    }
}

/// A standard's short name: FSBP, CIS, … from its ARN's `standards/<name>/v/<version>`.
fn standard_name(arn: &str) -> String {
    let tail = arn.split("standards/").nth(1).unwrap_or(arn);
    let name = tail.split('/').next().unwrap_or(tail);
    match name {
        "aws-foundational-security-best-practices" => "FSBP".into(),
        "cis-aws-foundations-benchmark" => "CIS".into(),
        "pci-dss" => "PCI DSS".into(),
        "nist-800-53" => "NIST 800-53".into(),
        other => format!("`{other}`"),
    }
}

impl fmt::Display for WaitFor<'_> {
    /// What is awaited, for people: "the FSBP standard to be READY".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitFor::StandardReady { standards_arn } => {
                write!(
                    f,
                    "the {} standard to be READY",
                    standard_name(standards_arn)
                )
            }
            WaitFor::StandardUpdatable { standards_arn } => write!(
                f,
                "the {} standard to be READY_FOR_UPDATES",
                standard_name(standards_arn)
            ),
            WaitFor::InspectorEnabled { resource_types } => {
                write!(f, "Inspector {} to be ENABLED", resource_types.join(", "))
            }
        }
    }
}

/// What one poll found.
enum Found {
    Done,
    Pending,
    /// Not started yet (Inspector's plain `DISABLED`, this type first): pending within a
    /// grace period.
    NotStarted(String),
    Failed(AwsError),
}

/// Reads the region's part for `what` until it is done, with backoff within the budget.
/// `on_poll` hears the time since the wait started (on the port's clock) after each poll
/// that found it not done yet.
///
/// Ends with an error when AWS says it will not get there (the standard `INCOMPLETE` or
/// `FAILED`, with AWS's `StatusReasonCode` as the code; an Inspector type `DISABLED` with
/// an `errorCode`, or `SUSPENDED`), when a read fails with anything but throttling, and
/// when the budget runs out (`StandardNotReady`, `InspectorNotEnabled`).
pub async fn wait_until<P: Port>(
    port: &P,
    region: &Scope,
    what: WaitFor<'_>,
    wait: &ReadinessWait,
    stats: &mut WaitStats,
    on_poll: &mut dyn FnMut(Duration),
) -> Result<(), PortError> {
    let started = port.elapsed();
    let mut pause = wait.first;
    let mut waited = Duration::ZERO;
    let mut not_started_since: Option<Duration> = None;
    loop {
        stats.polls += 1;
        let found = match port.read_part(region, what.part()).await {
            Ok(value) => check(&what, &value),
            Err(PortError::Aws(e)) => match classify_read(&e) {
                ErrorClass::Permanent => return Err(PortError::Aws(e)),
                // Throttled: read again within the budget.
                ErrorClass::Throttling
                | ErrorClass::RolePropagation
                | ErrorClass::ResourcePropagation
                | ErrorClass::StandardNotReady
                | ErrorClass::BucketConflict
                | ErrorClass::VpcDependency => Found::Pending,
            },
            Err(PortError::Crashed) => return Err(PortError::Crashed),
        };
        let so_far = port.elapsed().saturating_sub(started);
        match found {
            Found::Done => return Ok(()),
            Found::Failed(e) => return Err(PortError::Aws(e)),
            Found::Pending => not_started_since = None,
            Found::NotStarted(resource_type) => {
                let since = *not_started_since.get_or_insert(so_far);
                if so_far.saturating_sub(since) >= INSPECTOR_NOT_STARTED_GRACE {
                    return Err(PortError::Aws(not_enabling(&resource_type, so_far)));
                }
            }
        }
        if waited >= wait.budget {
            return Err(PortError::Aws(out_of_budget(&what, so_far)));
        }
        on_poll(so_far);
        let p = pause.min(wait.budget - waited);
        port.sleep(p).await;
        waited += p;
        stats.waited_ms += p.as_millis() as u64;
        pause = (pause * 2).min(wait.cap);
    }
}

/// What one read of the part says about `what`.
fn check(what: &WaitFor<'_>, value: &PartValue) -> Found {
    match (what, value) {
        (
            WaitFor::StandardReady { standards_arn } | WaitFor::StandardUpdatable { standards_arn },
            PartValue::SecurityHub(Some(hub)),
        ) => match hub.readiness(standards_arn) {
            StandardReadiness::Ready => Found::Done,
            StandardReadiness::Pending => Found::Pending,
            StandardReadiness::Ended { status, reason } => {
                let code = if reason.is_empty() {
                    status.clone()
                } else {
                    reason.clone()
                };
                Found::Failed(AwsError::new(
                    code,
                    format!(
                        "the standards subscription {standards_arn} ended {status}{}",
                        if reason.is_empty() {
                            String::new()
                        } else {
                            format!(" (StatusReasonCode {reason})")
                        }
                    ),
                ))
            }
        },
        (WaitFor::InspectorEnabled { resource_types }, PartValue::Inspector(i)) => {
            match i.readiness(resource_types) {
                InspectorReadiness::Enabled => Found::Done,
                InspectorReadiness::InTransition => Found::Pending,
                InspectorReadiness::NotStarted => Found::NotStarted(
                    resource_types
                        .iter()
                        .find(|t| !i.scans(t))
                        .cloned()
                        .unwrap_or_default(),
                ),
                InspectorReadiness::Ended {
                    resource_type,
                    state,
                } => {
                    let status = state.status.as_str();
                    let code = state.error_code.clone().unwrap_or_else(|| status.into());
                    Found::Failed(AwsError::new(
                        code,
                        format!(
                            "Inspector {resource_type} scanning ended {status}{}",
                            match (&state.error_code, &state.error_message) {
                                (Some(c), Some(m)) => format!(" ({c}: {m})"),
                                (Some(c), None) => format!(" ({c})"),
                                (None, Some(m)) => format!(" ({m})"),
                                (None, None) => String::new(),
                            }
                        ),
                    ))
                }
            }
        }
        // Security Hub not (yet) visible, or an answer of another part: keep waiting
        // within the budget.
        _ => Found::Pending,
    }
}

fn out_of_budget(what: &WaitFor<'_>, so_far: Duration) -> AwsError {
    match what {
        WaitFor::StandardReady { standards_arn } | WaitFor::StandardUpdatable { standards_arn } => {
            AwsError::new(
                "StandardNotReady",
                format!(
                    "the standards subscription {standards_arn} was still not ready for \
                     control updates after {} s",
                    so_far.as_secs()
                ),
            )
        }
        WaitFor::InspectorEnabled { resource_types } => AwsError::new(
            "InspectorNotEnabled",
            format!(
                "Inspector {} was still not ENABLED after {} s",
                resource_types.join(", "),
                so_far.as_secs()
            ),
        ),
    }
}

fn not_enabling(resource_type: &str, so_far: Duration) -> AwsError {
    AwsError::new(
        "DISABLED",
        format!(
            "Inspector still showed {resource_type} scanning DISABLED, without an errorCode, \
             {} s after Enable answered",
            so_far.as_secs()
        ),
    )
}

/// Reads the region's Security Hub until the standard `arn` is `READY` and ready for
/// updates ([`wait_until`] with [`WaitFor::StandardUpdatable`]).
pub async fn wait_for_standard<P: Port>(
    port: &P,
    region: &Scope,
    arn: &str,
    wait: &ReadinessWait,
    stats: &mut WaitStats,
) -> Result<(), PortError> {
    wait_until(
        port,
        region,
        WaitFor::StandardUpdatable { standards_arn: arn },
        wait,
        stats,
        &mut |_| {},
    )
    .await
}
