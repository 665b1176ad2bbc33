//! Fault injection: throttling, eventual consistency, access denied and crashes, seeded
//! and reproducible, plus the error codes each service uses for them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use secure_account_core::{AwsError, Part, Scope};

/// The IAM principal the simulated operator signs requests as (it appears in
/// `AccessDenied` messages and is checked by the KMS key policy lockout safety check).
pub const CALLER_NAME: &str = "op";

/// What goes wrong, and when. Every fault is off by default; the same plan with the same
/// seed against the same calls gives the same faults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Seed of the fault RNG (a portable ChaCha8 stream).
    pub seed: u64,
    /// Probability that a write call is throttled (`ThrottlingException`, `Throttling`,
    /// `RequestLimitExceeded`, `SlowDown`, `TooManyRequestsException`: the service's code).
    pub write_throttle_probability: f64,
    /// Probability that one read call of `read_snapshot` is throttled. Reads retry as the
    /// SDK does (3 attempts); a part whose attempts all fail is `Observed::Unreadable`.
    pub read_throttle_probability: f64,
    /// At most this many throttling errors in total, so that every run terminates.
    pub max_throttles: u32,
    /// Eventual consistency: after `create_bucket`/`put_bucket_policy`,
    /// `create_role`/`create_service_linked_role`/`put_role_policy` and
    /// `create_key`/`put_key_policy`, this many calls that depend on the new resource
    /// (`create_trail`, `update_trail`, `put_delivery_channel`,
    /// `put_configuration_recorder`, `put_bucket_logging`) fail with the error AWS gives
    /// while the change propagates. 0 turns it off.
    pub consistency_lag: u32,
    /// Action names (`create_detector`) whose calls are denied.
    pub deny_actions: BTreeSet<String>,
    /// Read parts whose reads are denied: a part name of the snapshot (`guardduty`,
    /// `password_policy`, `buckets`) for every region, or `<region>/<part>` for one.
    pub deny_reads: BTreeSet<String>,
    /// After this many write calls, every later call fails with `PortError::Crashed` (the
    /// state reached so far is kept).
    pub crash_after_writes: Option<u64>,
    /// After this many write calls, the account stops answering reads, as an emulator
    /// killed mid-run or a network gone: the identity call that starts every read of the
    /// account fails with `secure-account:DispatchFailure` (writes still answer).
    pub unreachable_after_writes: Option<u64>,
    /// `CreateBucket` keeps none of the tags its call sends, as moto drops
    /// `CreateBucketConfiguration.Tags`: the tool must recognise its bucket otherwise.
    pub untagged_creates: bool,
    /// `OperationAborted` ("A conflicting conditional operation is currently in
    /// progress"): after `create_bucket` made a bucket, this many calls that change its
    /// settings fail so. 0 turns it off.
    pub bucket_conflict_lag: u32,
    /// `DependencyViolation` on `delete_vpc` right after the VPC's last subnet and gateway
    /// went: this many calls fail so. 0 turns it off.
    pub vpc_teardown_lag: u32,
    /// HTTP 200 answers that carry failures: the first this many
    /// `batch_update_standards_control_associations` calls leave one update unprocessed
    /// (`LIMIT_EXCEEDED`), and the first this many `enable_inspector` calls list the
    /// account in `failedAccounts` (`INTERNAL_ERROR`). 0 turns it off.
    pub partial_failures: u32,
    /// Regions whose standards subscriptions end `FAILED` (`INTERNAL_ERROR`) instead of
    /// `READY`.
    pub failed_standards: BTreeSet<String>,
    /// A slow Security Hub: standards subscriptions stay `PENDING` this many milliseconds
    /// longer than the latency model says.
    pub standard_delay_ms: u64,
    /// Regions where the resource types `enable_inspector` asks for end `DISABLED` with
    /// `errorCode` `INTERNAL_ERROR` instead of `ENABLED`.
    pub failed_inspector: BTreeSet<String>,
}

impl Default for FaultPlan {
    fn default() -> Self {
        FaultPlan {
            seed: 0,
            write_throttle_probability: 0.0,
            read_throttle_probability: 0.0,
            max_throttles: 100,
            consistency_lag: 0,
            deny_actions: BTreeSet::new(),
            deny_reads: BTreeSet::new(),
            crash_after_writes: None,
            unreachable_after_writes: None,
            untagged_creates: false,
            bucket_conflict_lag: 0,
            vpc_teardown_lag: 0,
            partial_failures: 0,
            failed_standards: BTreeSet::new(),
            standard_delay_ms: 0,
            failed_inspector: BTreeSet::new(),
        }
    }
}

impl FaultPlan {
    /// No faults, with a seed (for plans built field by field).
    pub fn seeded(seed: u64) -> FaultPlan {
        FaultPlan {
            seed,
            ..FaultPlan::default()
        }
    }

    /// The transient faults a real apply meets: some throttling, a propagation lag of two
    /// calls, one `OperationAborted` after each new bucket and one `DependencyViolation`
    /// on each emptied default VPC. Every run still terminates (at most 50 throttles).
    pub fn transient(seed: u64) -> FaultPlan {
        FaultPlan {
            seed,
            write_throttle_probability: 0.1,
            read_throttle_probability: 0.02,
            max_throttles: 50,
            consistency_lag: 2,
            bucket_conflict_lag: 1,
            vpc_teardown_lag: 1,
            ..FaultPlan::default()
        }
    }

    /// Whether reads of `part` in `scope` are denied.
    pub fn read_denied(&self, scope: &Scope, part: Part) -> bool {
        let name = part.name();
        self.deny_reads.contains(name) || self.deny_reads.contains(&format!("{scope}/{name}"))
    }
}

/// The error code a service answers with when it throttles.
pub fn throttling_code(service: &str) -> &'static str {
    match service {
        "ec2" => "RequestLimitExceeded",
        "iam" | "sts" => "Throttling",
        "s3" | "s3control" => "SlowDown",
        "securityhub" | "guardduty" | "macie2" | "athena" | "account" => "TooManyRequestsException",
        _ => "ThrottlingException",
    }
}

/// Every throttling code [`throttling_code`] can return (for retry classifiers).
pub const THROTTLING_CODES: [&str; 5] = [
    "RequestLimitExceeded",
    "Throttling",
    "SlowDown",
    "TooManyRequestsException",
    "ThrottlingException",
];

/// The error code a service answers with when IAM denies the call.
pub fn access_denied_code(service: &str) -> &'static str {
    match service {
        "ec2" => "UnauthorizedOperation",
        "iam" | "sts" | "s3" | "s3control" => "AccessDenied",
        _ => "AccessDeniedException",
    }
}

/// The `AccessDenied` error for `iam_action` (`guardduty:CreateDetector`), as the service
/// words it, naming the missing IAM action.
pub fn access_denied(account_id: &str, service: &str, iam_action: &str) -> AwsError {
    let caller = format!("arn:aws:iam::{account_id}:user/{CALLER_NAME}");
    let message = match service {
        "ec2" => format!(
            "You are not authorized to perform this operation. User: {caller} is not \
             authorized to perform: {iam_action} because no identity-based policy allows the \
             {iam_action} action"
        ),
        _ => format!(
            "User: {caller} is not authorized to perform: {iam_action} because no \
             identity-based policy allows the {iam_action} action"
        ),
    };
    AwsError::new(access_denied_code(service), message)
}

/// The throttling error of `service`.
pub fn throttled(service: &str) -> AwsError {
    let message = match service {
        "ec2" => "Request limit exceeded.",
        "s3" | "s3control" => "Please reduce your request rate.",
        "securityhub" | "guardduty" | "macie2" | "athena" | "account" => "Too Many Requests",
        _ => "Rate exceeded",
    };
    AwsError::new(throttling_code(service), message)
}

impl FaultPlan {
    /// Checks a fault plan read from a file: probabilities within 0–1 and read parts that
    /// the snapshot has (`guardduty`, or `<region>/guardduty`).
    pub fn validate(&self) -> Result<(), String> {
        for (field, p) in [
            (
                "write_throttle_probability",
                self.write_throttle_probability,
            ),
            ("read_throttle_probability", self.read_throttle_probability),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{field} is {p}: a probability is between 0 and 1"));
            }
        }
        for entry in &self.deny_reads {
            let name = entry.rsplit('/').next().unwrap_or(entry);
            if Part::from_name(name).is_none() {
                let names: Vec<&str> = Part::ACCOUNT
                    .iter()
                    .chain(Part::REGIONAL.iter())
                    .map(|p| p.name())
                    .collect();
                return Err(format!(
                    "deny_reads: `{entry}` names no part of the snapshot; the parts are {}",
                    names.join(", ")
                ));
            }
        }
        for name in &self.deny_actions {
            if !secure_account_core::action::ActionKind::all().any(|k| k.name() == name) {
                return Err(format!("deny_actions: `{name}` is not an action"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_message_names_the_iam_action() {
        let e = access_denied("123456789012", "guardduty", "guardduty:CreateDetector");
        assert_eq!(e.code, "AccessDeniedException");
        assert!(e.message.starts_with(
            "User: arn:aws:iam::123456789012:user/op is not authorized to perform: \
             guardduty:CreateDetector"
        ));
        assert_eq!(access_denied_code("ec2"), "UnauthorizedOperation");
        assert_eq!(access_denied_code("s3"), "AccessDenied");
    }

    #[test]
    fn throttling_codes_per_service() {
        assert_eq!(throttling_code("ec2"), "RequestLimitExceeded");
        assert_eq!(throttling_code("iam"), "Throttling");
        assert_eq!(throttling_code("kms"), "ThrottlingException");
        for s in ["ec2", "iam", "s3", "securityhub", "kms"] {
            assert!(THROTTLING_CODES.contains(&throttling_code(s)));
        }
    }

    #[test]
    fn fault_plan_reads_from_json_with_defaults() {
        let plan: FaultPlan =
            serde_json::from_str(r#"{"seed": 7, "deny_actions": ["create_detector"]}"#).unwrap();
        assert_eq!(plan.seed, 7);
        assert_eq!(plan.max_throttles, 100);
        assert!(plan.deny_actions.contains("create_detector"));
        assert!(FaultPlan::default().crash_after_writes.is_none());
    }
}
