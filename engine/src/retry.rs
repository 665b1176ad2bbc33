//! Which AWS errors are worth another attempt, and how long to wait before it: bounded
//! exponential backoff with full jitter, from a seeded generator so runs are reproducible.

use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use secure_account_core::{Action, AwsError};

/// What an AWS error means for the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The service asked us to slow down, or had a transient fault: try again later.
    Throttling,
    /// Something the action needs was just created and is not visible yet (a new bucket,
    /// role or key policy): try again later.
    EventualConsistency,
    /// Trying again would give the same answer: the action fails.
    Permanent,
}

impl ErrorClass {
    pub fn is_retryable(self) -> bool {
        !matches!(self, ErrorClass::Permanent)
    }
}

/// Error codes with which AWS services say "slow down" or "try again".
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "InternalError",
    "InternalFailure",
    "InternalServerException",
];

/// Error codes that a just-created dependency causes until it propagates (CloudTrail and
/// Config checking a bucket policy or key policy, IAM roles, S3 buckets).
const EVENTUAL_CONSISTENCY: &[&str] = &[
    "InsufficientS3BucketPolicyException",
    "InsufficientEncryptionPolicyException",
    "InsufficientDeliveryPolicyException",
    "InvalidRoleException",
    "NoSuchBucket",
    "NoSuchEntity",
    "InvalidCloudWatchLogsRoleArnException",
    "InvalidCloudWatchLogsLogGroupArnException",
    "InvalidTargetBucketForLogging",
];

/// Classifies an error that `action` got.
///
/// `NotFoundException` is eventual consistency only for KMS (a key created a moment ago);
/// other services use it for things that really are absent.
pub fn classify(error: &AwsError, action: &Action) -> ErrorClass {
    let code = error.code.as_str();
    if THROTTLING.contains(&code) {
        ErrorClass::Throttling
    } else if EVENTUAL_CONSISTENCY.contains(&code)
        || (code == "NotFoundException" && action.service() == "kms")
    {
        ErrorClass::EventualConsistency
    } else {
        ErrorClass::Permanent
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first backoff ceiling; it doubles with each attempt.
    pub base: Duration,
    /// The largest backoff ceiling.
    pub cap: Duration,
    /// Attempts per action, the first included.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_millis(200),
            cap: Duration::from_secs(20),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based): uniform in
    /// `0..=min(cap, base * 2^(attempt-1))` ("full jitter").
    pub fn backoff(&self, attempt: u32, rng: &mut Jitter) -> Duration {
        let exp = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .base
            .saturating_mul(1u32 << exp)
            .min(self.cap)
            .as_millis() as u64;
        Duration::from_millis(rng.0.random_range(0..=ceiling))
    }
}

/// The jitter source of one action: seeded from the run's seed and the action id, so an
/// action's waits do not depend on the order in which other actions happened to finish.
pub struct Jitter(Xoshiro256PlusPlus);

impl Jitter {
    pub fn new(seed: u64, action_id: &str) -> Jitter {
        // FNV-1a of the id, mixed into the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in action_id.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Jitter(Xoshiro256PlusPlus::seed_from_u64(seed ^ h))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(code: &str, action: &Action) -> ErrorClass {
        classify(&AwsError::new(code, "m"), action)
    }

    fn s3() -> Action {
        Action::PutBucketVersioning {
            bucket: "b".into(),
            status: secure_account_core::snapshot::VersioningStatus::Enabled,
        }
    }

    fn kms() -> Action {
        Action::EnableKeyRotation {
            key: secure_account_core::KeyRef::Existing("k".into()),
        }
    }

    #[test]
    fn throttling_codes_are_retried() {
        for code in THROTTLING {
            assert_eq!(class(code, &s3()), ErrorClass::Throttling, "{code}");
        }
        assert!(ErrorClass::Throttling.is_retryable());
    }

    #[test]
    fn eventual_consistency_codes_are_retried() {
        for code in EVENTUAL_CONSISTENCY {
            assert_eq!(
                class(code, &s3()),
                ErrorClass::EventualConsistency,
                "{code}"
            );
        }
        assert_eq!(
            class("NotFoundException", &kms()),
            ErrorClass::EventualConsistency
        );
        assert!(ErrorClass::EventualConsistency.is_retryable());
    }

    #[test]
    fn other_codes_are_permanent() {
        for code in [
            "AccessDenied",
            "AccessDeniedException",
            "DependencyViolation",
            "InvalidParameterValue",
            "BucketAlreadyExists",
            "ValidationException",
        ] {
            assert_eq!(class(code, &s3()), ErrorClass::Permanent, "{code}");
        }
        // Outside KMS a missing thing is missing.
        assert_eq!(class("NotFoundException", &s3()), ErrorClass::Permanent);
        assert!(!ErrorClass::Permanent.is_retryable());
    }

    #[test]
    fn backoff_is_bounded_and_seeded() {
        let p = RetryPolicy::default();
        let waits = |seed| {
            let mut j = Jitter::new(seed, "us-east-1/x");
            (1..=12).map(|a| p.backoff(a, &mut j)).collect::<Vec<_>>()
        };
        assert_eq!(waits(7), waits(7));
        assert_ne!(waits(7), waits(8));
        for (i, w) in waits(7).into_iter().enumerate() {
            let ceiling = (200u64 << i).min(20_000);
            assert!(w.as_millis() as u64 <= ceiling, "attempt {}: {w:?}", i + 1);
        }
    }
}
