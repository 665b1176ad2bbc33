//! Waiting for something AWS finishes after it answered: a Security Hub standards
//! subscription leaves `PENDING` a minute or more after `BatchEnableStandards` answered,
//! and Inspector's resource types go `ENABLING` → `ENABLED` after `Enable` answered. The
//! engine waits by reading the region's part (`Port::read_part`) with backoff, within a
//! budget of minutes: read calls, not repeated writes, and counted apart from retries.
//!
//! A read that fails with a permanent error (access denied, or `NotImplemented` from an
//! endpoint that does not serve the operation, such as the moto emulator) fails the wait at
//! once: reading again would answer the same. Only throttling is read again.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use secure_account_core::Scope;
use secure_account_core::readiness::{Progress, Readiness};

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WaitStats {
    /// Part reads (`GetEnabledStandards`, `BatchGetAccountStatus`) made while waiting.
    pub polls: u64,
    /// Time slept between polls (summed over the waits, which may overlap).
    pub waited_ms: u64,
    /// The longest single wait, from its first poll to its end (ready, failed or out of
    /// budget): what to hold against [`ReadinessWait::budget`] after a real run.
    #[serde(default)]
    pub longest_ms: u64,
}

impl WaitStats {
    pub fn plus(self, other: WaitStats) -> WaitStats {
        WaitStats {
            polls: self.polls + other.polls,
            waited_ms: self.waited_ms + other.waited_ms,
            longest_ms: self.longest_ms.max(other.longest_ms),
        }
    }
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
    what: &Readiness,
    wait: &ReadinessWait,
    stats: &mut WaitStats,
    on_poll: &mut dyn FnMut(Duration),
) -> Result<(), PortError> {
    let started = port.elapsed();
    let result = poll_until(port, region, what, wait, stats, on_poll).await;
    let took = port.elapsed().saturating_sub(started).as_millis() as u64;
    stats.longest_ms = stats.longest_ms.max(took);
    result
}

/// [`wait_until`]'s polls.
async fn poll_until<P: Port>(
    port: &P,
    region: &Scope,
    what: &Readiness,
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
            Ok(value) => what.check(&value),
            Err(PortError::Aws(e)) => match classify_read(&e) {
                ErrorClass::Permanent => return Err(PortError::Aws(e)),
                // Throttled: read again within the budget.
                ErrorClass::Throttling
                | ErrorClass::RolePropagation
                | ErrorClass::ResourcePropagation
                | ErrorClass::StandardNotReady
                | ErrorClass::BucketConflict
                | ErrorClass::VpcDependency => Progress::Pending,
            },
            Err(PortError::Crashed) => return Err(PortError::Crashed),
        };
        let so_far = port.elapsed().saturating_sub(started);
        match found {
            Progress::Done => return Ok(()),
            Progress::Failed(e) => return Err(PortError::Aws(e)),
            Progress::Pending => not_started_since = None,
            Progress::NotStarted(resource_type) => {
                let since = *not_started_since.get_or_insert(so_far);
                if so_far.saturating_sub(since) >= INSPECTOR_NOT_STARTED_GRACE {
                    return Err(PortError::Aws(Readiness::not_enabling(
                        &resource_type,
                        so_far.as_secs(),
                    )));
                }
            }
        }
        if waited >= wait.budget {
            return Err(PortError::Aws(what.out_of_budget(so_far.as_secs())));
        }
        on_poll(so_far);
        let p = pause.min(wait.budget - waited);
        port.sleep(p).await;
        waited += p;
        stats.waited_ms += p.as_millis() as u64;
        pause = (pause * 2).min(wait.cap);
    }
}
