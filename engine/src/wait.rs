//! Waiting for something AWS finishes after it answered: a Security Hub standards
//! subscription leaves `PENDING` minutes after `BatchEnableStandards` answered. The engine
//! waits by reading (`Port::read_part` of the region's Security Hub) with backoff, within a
//! budget of minutes: read calls, not repeated writes, and counted apart from retries.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use secure_account_core::snapshot::StandardReadiness;
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
    /// subscription 3 minutes (`standardsSubscriptionCreateTimeout`); 10 minutes leaves
    /// room for a slow region.
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

/// What the readiness waits of a run cost: read calls and time waited between them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardWait {
    /// `GetEnabledStandards` reads (one part read each) made while waiting.
    pub polls: u64,
    /// Time slept between polls (summed over the waits, which may overlap).
    pub waited_ms: u64,
}

impl StandardWait {
    pub fn plus(self, other: StandardWait) -> StandardWait {
        StandardWait {
            polls: self.polls + other.polls,
            waited_ms: self.waited_ms + other.waited_ms,
        }
    }
}

/// Reads the region's Security Hub until the standard `arn` is `READY` and ready for
/// updates. A subscription that ends `INCOMPLETE` or `FAILED` is an error with AWS's
/// `StatusReasonCode` as its code; one still pending after the budget is a
/// `StandardNotReady` error. Throttled reads count as polls and are read again.
pub async fn wait_for_standard<P: Port>(
    port: &P,
    region: &Scope,
    arn: &str,
    wait: &ReadinessWait,
    stats: &mut StandardWait,
) -> Result<(), PortError> {
    let mut pause = wait.first;
    let mut waited = Duration::ZERO;
    loop {
        stats.polls += 1;
        match port.read_part(region, Part::SecurityHub).await {
            Ok(PartValue::SecurityHub(Some(hub))) => match hub.readiness(arn) {
                StandardReadiness::Ready => return Ok(()),
                StandardReadiness::Pending => {}
                StandardReadiness::Ended { status, reason } => {
                    let code = if reason.is_empty() {
                        status.clone()
                    } else {
                        reason.clone()
                    };
                    return Err(PortError::Aws(AwsError::new(
                        code,
                        format!(
                            "the standards subscription {arn} ended {status}{}",
                            if reason.is_empty() {
                                String::new()
                            } else {
                                format!(" (StatusReasonCode {reason})")
                            }
                        ),
                    )));
                }
            },
            // Security Hub not (yet) visible: keep waiting within the budget.
            Ok(_) => {}
            Err(PortError::Aws(e)) => {
                if classify_read(&e) == ErrorClass::Permanent {
                    return Err(PortError::Aws(e));
                }
            }
            Err(PortError::Crashed) => return Err(PortError::Crashed),
        }
        if waited >= wait.budget {
            return Err(PortError::Aws(AwsError::new(
                "StandardNotReady",
                format!(
                    "the standards subscription {arn} was still not ready for control updates \
                     after {} s",
                    waited.as_secs()
                ),
            )));
        }
        let p = pause.min(wait.budget - waited);
        port.sleep(p).await;
        waited += p;
        stats.waited_ms += p.as_millis() as u64;
        pause = (pause * 2).min(wait.cap);
    }
}
