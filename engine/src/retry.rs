//! Which AWS errors are worth another attempt, and how long to wait before it: each class
//! of error has its own budget (attempts and total wait), with exponential backoff and full
//! jitter from a seeded generator so runs are reproducible.
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
use serde::{Deserialize, Serialize};

/// What an AWS error means for the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The service asked us to slow down, or had a transient fault: try again later.
    Throttling,
    /// An IAM role (or its policy) created a moment ago is not usable yet by the service
    /// that assumes it.
    RolePropagation,
    /// A bucket, bucket policy or KMS key (policy) created or changed a moment ago is not
    /// visible yet to the service that checks it.
    ResourcePropagation,
    /// Security Hub's standard subscription is not ready for control updates yet.
    StandardNotReady,
    /// S3 `OperationAborted`: a conflicting operation (the bucket's creation) is still in
    /// progress.
    BucketConflict,
    /// `DeleteVpc` right after its subnets and gateway went: EC2 still releases them.
    VpcDependency,
    /// Trying again would give the same answer: the action fails.
    Permanent,
}

impl ErrorClass {
    pub fn is_retryable(self) -> bool {
        !matches!(self, ErrorClass::Permanent)
    }

    /// The snake_case name used in the report.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Throttling => "throttling",
            ErrorClass::RolePropagation => "role_propagation",
            ErrorClass::ResourcePropagation => "resource_propagation",
            ErrorClass::StandardNotReady => "standard_not_ready",
            ErrorClass::BucketConflict => "bucket_conflict",
            ErrorClass::VpcDependency => "vpc_dependency",
            ErrorClass::Permanent => "permanent",
        }
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
    // The adapters' codes for what the SDK's own retry treats as transient, now that the
    // engine alone retries writes: a 5xx without an AWS code (a proxy's 502/503/504), and a
    // request that got no answer (connection refused or reset). `Timeout` is classified
    // in `classify`, by action.
    AwsError::SERVER_ERROR,
    AwsError::DISPATCH_FAILURE,
];

/// Error codes of a role that is not usable yet (CloudTrail's CloudWatch Logs role,
/// Config's service-linked role, a role IAM itself does not show yet).
const ROLE_PROPAGATION: &[&str] = &[
    "InvalidRoleException",
    "InvalidCloudWatchLogsRoleArnException",
    "NoSuchEntity",
];

/// Error codes of a bucket, bucket policy, log group or key policy that CloudTrail, Config
/// or S3 cannot see yet.
const RESOURCE_PROPAGATION: &[&str] = &[
    "InsufficientS3BucketPolicyException",
    "InsufficientEncryptionPolicyException",
    "InsufficientDeliveryPolicyException",
    "NoSuchBucketException",
    "NoSuchBucket",
    "InvalidCloudWatchLogsLogGroupArnException",
    "InvalidTargetBucketForLogging",
];

/// Classifies an error that `action` got.
///
/// `NotFoundException` is eventual consistency only for KMS (a key created a moment ago);
/// other services use it for things that really are absent. `RESOURCE_NOT_FOUND` is a
/// standard not ready yet only for a control association update (the whole call fails so
/// while `StandardsControlsUpdatable` is `NOT_READY_FOR_UPDATES`). `DependencyViolation` is
/// transient only for `DeleteVpc`: elsewhere (a subnet or gateway with network interfaces)
/// it stays.
pub fn classify(error: &AwsError, action: &Action) -> ErrorClass {
    let code = error.code.as_str();
    if THROTTLING.contains(&code) {
        ErrorClass::Throttling
    } else if code == AwsError::TIMEOUT && !matches!(action, Action::CreateKey { .. }) {
        // A write that got no answer in time may have been applied. Sending it again is
        // safe for every action but `CreateKey` (a second key): the others converge, or
        // answer "already" (success where it is, a failure that names the resource where
        // it is not), so a timeout is transient for them and final for `CreateKey`.
        ErrorClass::Throttling
    } else if ROLE_PROPAGATION.contains(&code) {
        ErrorClass::RolePropagation
    } else if RESOURCE_PROPAGATION.contains(&code)
        || (code == "NotFoundException" && action.service() == "kms")
    {
        ErrorClass::ResourcePropagation
    } else if code == "RESOURCE_NOT_FOUND"
        && matches!(
            action,
            Action::BatchUpdateStandardsControlAssociations { .. }
        )
    {
        ErrorClass::StandardNotReady
    } else if code == "OperationAborted" && action.service() == "s3" {
        ErrorClass::BucketConflict
    } else if code == "DependencyViolation" && matches!(action, Action::DeleteVpc { .. }) {
        ErrorClass::VpcDependency
    } else {
        ErrorClass::Permanent
    }
}

/// Classifies an error of a read call: throttling is worth another read, anything else
/// is not.
pub fn classify_read(error: &AwsError) -> ErrorClass {
    if THROTTLING.contains(&error.code.as_str()) {
        ErrorClass::Throttling
    } else {
        ErrorClass::Permanent
    }
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

    fn delete_vpc() -> Action {
        Action::DeleteVpc {
            vpc_id: "vpc-1".into(),
        }
    }

    fn control_update() -> Action {
        Action::BatchUpdateStandardsControlAssociations {
            standards_arn: "arn".into(),
            updates: vec![],
        }
    }

    #[test]
    fn propagation_codes_are_retried_in_their_class() {
        for code in [
            "InvalidRoleException",
            "InvalidCloudWatchLogsRoleArnException",
            "NoSuchEntity",
        ] {
            assert_eq!(class(code, &s3()), ErrorClass::RolePropagation, "{code}");
        }
        for code in [
            "InsufficientS3BucketPolicyException",
            "InsufficientEncryptionPolicyException",
            "InsufficientDeliveryPolicyException",
            "NoSuchBucketException",
            "NoSuchBucket",
            "InvalidCloudWatchLogsLogGroupArnException",
            "InvalidTargetBucketForLogging",
        ] {
            assert_eq!(
                class(code, &s3()),
                ErrorClass::ResourcePropagation,
                "{code}"
            );
        }
        for code in ROLE_PROPAGATION.iter().chain(RESOURCE_PROPAGATION) {
            assert!(class(code, &s3()).is_retryable(), "{code}");
        }
        assert_eq!(
            class("NotFoundException", &kms()),
            ErrorClass::ResourcePropagation
        );
    }

    #[test]
    fn transient_codes_only_for_their_operations() {
        assert_eq!(
            class("RESOURCE_NOT_FOUND", &control_update()),
            ErrorClass::StandardNotReady
        );
        assert_eq!(class("RESOURCE_NOT_FOUND", &s3()), ErrorClass::Permanent);
        assert_eq!(class("OperationAborted", &s3()), ErrorClass::BucketConflict);
        assert_eq!(class("OperationAborted", &kms()), ErrorClass::Permanent);
        assert_eq!(
            class("DependencyViolation", &delete_vpc()),
            ErrorClass::VpcDependency
        );
        let subnet = Action::DeleteSubnet {
            subnet_id: "subnet-1".into(),
        };
        assert_eq!(class("DependencyViolation", &subnet), ErrorClass::Permanent);
    }

    #[test]
    fn every_retryable_class_has_a_budget() {
        let p = RetryPolicy::default();
        for c in [
            ErrorClass::Throttling,
            ErrorClass::RolePropagation,
            ErrorClass::ResourcePropagation,
            ErrorClass::StandardNotReady,
            ErrorClass::BucketConflict,
            ErrorClass::VpcDependency,
        ] {
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

    /// A timeout is worth another attempt, except for `CreateKey`, which would make a
    /// second key if the first attempt had been applied.
    #[test]
    fn a_timeout_is_retried_except_for_a_new_key() {
        let timeout = AwsError::new("Timeout", "no answer in time");
        let key = Action::CreateKey {
            description: "d".into(),
            policy: "{}".into(),
            tags: Default::default(),
        };
        assert_eq!(classify(&timeout, &key), ErrorClass::Permanent);
        let put = Action::PutBucketVersioning {
            bucket: "b".into(),
            status: secure_account_core::snapshot::VersioningStatus::Enabled,
        };
        assert_eq!(classify(&timeout, &put), ErrorClass::Throttling);
        // Reads are retried by the SDK; the engine's read classification is unchanged.
        assert_eq!(classify_read(&timeout), ErrorClass::Permanent);
    }
}
