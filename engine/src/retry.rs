//! How long to wait before another attempt: each class of error
//! ([`ErrorClass`], sorted by `secure_account_core::retry::classify` from the codes common
//! to every operation and each operation's own) has its own budget (attempts and total
//! wait), with exponential backoff and full jitter from a seeded generator so runs are
//! reproducible.
//!
//! Budgets (sources in `../shared/research/aws-behaviour.md`):
//! - throttling: 8 attempts, 200 ms doubling to 20 s;
//! - a new IAM role not usable yet (CloudTrail's CloudWatch Logs role, Config's
//!   service-linked role): up to 2 minutes, terraform-provider-aws's IAM
//!   `propagationTimeout` (terraform-provider-aws issue #693 for CloudTrail);
//! - a new bucket, bucket policy or key policy not visible yet to CloudTrail or Config:
//!   up to 2 minutes (terraform-provider-aws's S3 and Config propagation timeouts);
//! - Security Hub's standard not ready for control updates: up to 5 minutes (terraform
//!   waits up to 3 minutes for `PENDING` to end; the engine also waits for readiness by
//!   reading before the update, so this is the second line);
//! - S3 `OperationAborted` right after `CreateBucket`: up to 1 minute;
//! - `DependencyViolation` on `DeleteVpc` right after its subnets and gateway went: 4
//!   attempts (a few bounded retries).

use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use secure_account_core::{Action, AwsError};

pub use secure_account_core::retry::{ErrorClass, classify_read};

/// Classifies an error that `action` got (its kind's facts decide what is transient for it
/// alone).
pub fn classify(error: &AwsError, action: &Action) -> ErrorClass {
    secure_account_core::retry::classify(error, &action.facts())
}

/// How often and how long one class of error is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    /// The first backoff ceiling; it doubles with each attempt.
    pub base: Duration,
    /// The largest backoff ceiling.
    pub cap: Duration,
    /// Attempts per action for this class, the first included.
    pub max_attempts: u32,
    /// The most an action waits in total for errors of this class.
    pub max_wait: Duration,
}

impl RetryBudget {
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

/// The retry budget of each class of error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub throttling: RetryBudget,
    pub role_propagation: RetryBudget,
    pub resource_propagation: RetryBudget,
    pub standard_not_ready: RetryBudget,
    pub bucket_conflict: RetryBudget,
    pub vpc_dependency: RetryBudget,
}

const fn budget(base_ms: u64, cap_ms: u64, max_attempts: u32, max_wait_s: u64) -> RetryBudget {
    RetryBudget {
        base: Duration::from_millis(base_ms),
        cap: Duration::from_millis(cap_ms),
        max_attempts,
        max_wait: Duration::from_secs(max_wait_s),
    }
}

/// Where each budget comes from (the report's `longest_retry_wait_ms` says, after a real
/// run, how close an action came to its class's budget):
///
/// - throttling: the AWS SDKs' standard retry mode backs off up to 20 s (its `MAX_BACKOFF`);
///   8 attempts within 2 minutes is an assumption, above the SDKs' default of 3 attempts.
/// - role propagation: 2 minutes, terraform-provider-aws's `propagationTimeout` for IAM's
///   eventual consistency (internal/service/iam); shared/research/aws-behaviour.md: "budgets
///   of about a minute or two are what mature tools use".
/// - resource propagation (a bucket, key or log group not yet visible to CloudTrail or
///   Config; Macie right after `EnableMacie`): the same 2 minutes, an assumption.
/// - the standard not ready for control updates: 5 minutes, above terraform-provider-aws's
///   3 minutes for a standards subscription (`standardsSubscriptionCreateTimeout`).
/// - a new bucket's `OperationAborted` and a VPC's `DependencyViolation` right after its
///   subnets went: 1 minute and 30 s, assumptions (both settle in seconds in practice).
impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            throttling: budget(200, 20_000, 8, 120),
            role_propagation: budget(1_000, 15_000, 20, 120),
            resource_propagation: budget(500, 15_000, 20, 120),
            standard_not_ready: budget(2_000, 30_000, 20, 300),
            bucket_conflict: budget(500, 10_000, 10, 60),
            vpc_dependency: budget(1_000, 8_000, 4, 30),
        }
    }
}

impl RetryPolicy {
    /// The budget of a class; `None` for permanent errors.
    pub fn budget(&self, class: ErrorClass) -> Option<&RetryBudget> {
        match class {
            ErrorClass::Throttling => Some(&self.throttling),
            ErrorClass::RolePropagation => Some(&self.role_propagation),
            ErrorClass::ResourcePropagation => Some(&self.resource_propagation),
            ErrorClass::StandardNotReady => Some(&self.standard_not_ready),
            ErrorClass::BucketConflict => Some(&self.bucket_conflict),
            ErrorClass::VpcDependency => Some(&self.vpc_dependency),
            ErrorClass::Permanent => None,
        }
    }

    /// One budget for every class (tests).
    pub fn uniform(b: RetryBudget) -> RetryPolicy {
        RetryPolicy {
            throttling: b,
            role_propagation: b,
            resource_propagation: b,
            standard_not_ready: b,
            bucket_conflict: b,
            vpc_dependency: b,
        }
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

    #[test]
    fn every_retryable_class_has_a_budget() {
        let p = RetryPolicy::default();
        for c in ErrorClass::retryable() {
            let b = p.budget(c).expect("retryable");
            assert!(b.max_attempts > 1, "{}", c.name());
        }
        assert!(p.budget(ErrorClass::Permanent).is_none());
        // Roles get a minute or two; the standard several minutes; DeleteVpc a few tries.
        assert_eq!(p.role_propagation.max_wait, Duration::from_secs(120));
        assert!(p.standard_not_ready.max_wait >= Duration::from_secs(180));
        assert!(p.vpc_dependency.max_attempts <= 5);
    }

    #[test]
    fn backoff_is_bounded_and_seeded() {
        let p = RetryPolicy::default().throttling;
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
