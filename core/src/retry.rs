//! Which AWS errors are worth another attempt, by class: the codes transient for every
//! operation are here; the codes transient for one operation only are in its kind's row
//! ([`ActionFacts::transient`]). The engine keeps
//! each class's budget (attempts, total wait, backoff) and counts retries per class.
//!
//! Sources of the codes: `../shared/research/aws-behaviour.md` and each service's API
//! reference (its "Errors" and "Common Errors" sections).

use crate::operation::ActionFacts;
pub use crate::operation::ErrorClass;
use crate::snapshot::AwsError;

/// Error codes with which AWS services say "slow down" or "try again", whatever the
/// operation.
pub const THROTTLING: &[&str] = &[
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
    // request that got no answer (connection refused or reset). A timeout is classified in
    // `classify`, by operation.
    AwsError::SERVER_ERROR,
    AwsError::DISPATCH_FAILURE,
];

/// Error codes of a role that is not usable yet (CloudTrail's CloudWatch Logs role,
/// Config's service-linked role, a role IAM itself does not show yet).
pub const ROLE_PROPAGATION: &[&str] = &[
    "InvalidRoleException",
    "InvalidCloudWatchLogsRoleArnException",
    "NoSuchEntity",
];

/// Error codes of a bucket, bucket policy, log group or key policy that CloudTrail, Config
/// or S3 cannot see yet.
pub const RESOURCE_PROPAGATION: &[&str] = &[
    "InsufficientS3BucketPolicyException",
    "InsufficientEncryptionPolicyException",
    "InsufficientDeliveryPolicyException",
    "NoSuchBucketException",
    "NoSuchBucket",
    "InvalidCloudWatchLogsLogGroupArnException",
    "InvalidTargetBucketForLogging",
];

/// Classifies an error that an operation with these `facts` got: the codes transient for
/// every operation, then the operation's own ([`ActionFacts::transient`], and
/// [`ActionFacts::transient_messages`] for a code that is transient only with a given
/// message), then the HTTP status (429 and 5xx are transient for every operation: Security
/// Hub's `LimitExceededException` is its throttling, answered with 429), and a timeout by
/// whether the operation may be sent again.
pub fn classify(error: &AwsError, facts: &ActionFacts) -> ErrorClass {
    let code = error.code.as_str();
    if THROTTLING.contains(&code) {
        ErrorClass::Throttling
    } else if code == AwsError::TIMEOUT {
        // A write that got no answer in time may have been applied: sending it again is
        // safe only for an operation that converges or answers "already".
        if facts.resend_after_timeout {
            ErrorClass::Throttling
        } else {
            ErrorClass::Permanent
        }
    } else if ROLE_PROPAGATION.contains(&code) {
        ErrorClass::RolePropagation
    } else if RESOURCE_PROPAGATION.contains(&code) {
        ErrorClass::ResourcePropagation
    } else if let Some((_, class)) = facts.transient.iter().find(|(c, _)| *c == code) {
        *class
    } else if let Some((_, _, class)) = facts
        .transient_messages
        .iter()
        .find(|(c, m, _)| *c == code && error.message.contains(m))
    {
        *class
    } else if error.transient_status() {
        ErrorClass::Throttling
    } else {
        ErrorClass::Permanent
    }
}

/// Classifies an error of a read call: throttling (by code, or HTTP 429 or 5xx) is worth
/// another read, anything else is not.
pub fn classify_read(error: &AwsError) -> ErrorClass {
    if THROTTLING.contains(&error.code.as_str()) || error.transient_status() {
        ErrorClass::Throttling
    } else {
        ErrorClass::Permanent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{ec2, kms, s3, securityhub};

    use crate::action::Action;

    fn class(code: &str, action: &Action) -> ErrorClass {
        classify(&AwsError::new(code, "m"), &action.facts())
    }

    fn s3() -> Action {
        Action::PutBucketVersioning(s3::PutBucketVersioning {
            bucket: "b".into(),
            status: crate::snapshot::VersioningStatus::Enabled,
        })
    }

    fn kms() -> Action {
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: crate::KeyRef::Existing("k".into()),
        })
    }

    #[test]
    fn throttling_codes_are_retried() {
        for code in THROTTLING {
            assert_eq!(class(code, &s3()), ErrorClass::Throttling, "{code}");
        }
        assert!(ErrorClass::Throttling.is_retryable());
    }

    fn delete_vpc() -> Action {
        Action::DeleteVpc(ec2::DeleteVpc {
            vpc_id: "vpc-1".into(),
        })
    }

    fn control_update() -> Action {
        Action::BatchUpdateStandardsControlAssociations(
            securityhub::BatchUpdateStandardsControlAssociations {
                standards_arn: "arn".into(),
                updates: vec![],
            },
        )
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
        let subnet = Action::DeleteSubnet(ec2::DeleteSubnet {
            subnet_id: "subnet-1".into(),
        });
        assert_eq!(class("DependencyViolation", &subnet), ErrorClass::Permanent);
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

    /// A timeout is worth another attempt, except for `CreateKey`, which would make a
    /// second key if the first attempt had been applied.
    #[test]
    fn a_timeout_is_retried_except_for_a_new_key() {
        let timeout = AwsError::new("secure-account:Timeout", "no answer in time");
        let key = Action::CreateKey(kms::CreateKey {
            description: "d".into(),
            policy: "{}".into(),
            tags: Default::default(),
        });
        assert_eq!(classify(&timeout, &key.facts()), ErrorClass::Permanent);
        let put = Action::PutBucketVersioning(s3::PutBucketVersioning {
            bucket: "b".into(),
            status: crate::snapshot::VersioningStatus::Enabled,
        });
        assert_eq!(classify(&timeout, &put.facts()), ErrorClass::Throttling);
        // Reads are retried by the SDK; the engine's read classification is unchanged.
        assert_eq!(classify_read(&timeout), ErrorClass::Permanent);
    }

    /// The tool's own codes live in their own namespace: none is an AWS code, and the only
    /// ones retried are those standing for what the SDK itself would retry (a 5xx without a
    /// code, a request without an answer).
    #[test]
    fn our_codes_are_ours() {
        use crate::snapshot::AwsError as E;
        let ours = [
            E::NOT_IMPLEMENTED,
            E::SERVER_ERROR,
            E::HTTP_ERROR,
            E::DISPATCH_FAILURE,
            E::TIMEOUT,
            E::INVALID_PARAMETER,
            E::INVALID_PLAN,
            E::UNPARSABLE_RESPONSE,
            E::UNKNOWN_VALUE,
            E::CONSTRUCTION_FAILURE,
            E::UNKNOWN,
            E::INTERNAL,
            E::STANDARD_NOT_READY,
            E::INSPECTOR_NOT_ENABLED,
            E::INSPECTOR_NOT_STARTED,
            E::UNKNOWN_STATE,
            E::WRONG_SCOPE,
            E::NOT_FOUND,
        ];
        for code in ours {
            assert!(AwsError::new(code, "m").is_ours(), "{code}");
        }
        let transient: Vec<&str> = THROTTLING
            .iter()
            .chain(ROLE_PROPAGATION)
            .chain(RESOURCE_PROPAGATION)
            .copied()
            .filter(|c| c.starts_with(E::OURS))
            .collect();
        assert_eq!(transient, [E::SERVER_ERROR, E::DISPATCH_FAILURE]);
        assert!(!THROTTLING.contains(&E::INTERNAL));
    }

    /// 429 and 5xx are transient for every operation, whatever the code; a 4xx is not;
    /// our own codes say what happened themselves (an emulator's HTTP 500 page is
    /// `NotImplemented`, never sent again).
    #[test]
    fn http_429_and_5xx_are_transient_for_every_operation() {
        let e = |code: &str, status: u16| AwsError::new(code, "m").with_status(status);
        for status in [429, 500, 502, 503, 504] {
            assert_eq!(
                classify(&e("SomethingNew", status), &s3().facts()),
                ErrorClass::Throttling,
                "{status}"
            );
            assert_eq!(
                classify_read(&e("SomethingNew", status)),
                ErrorClass::Throttling
            );
        }
        for status in [400, 403, 404, 409, 418] {
            assert_eq!(
                classify(&e("SomethingNew", status), &s3().facts()),
                ErrorClass::Permanent,
                "{status}"
            );
            assert_eq!(
                classify_read(&e("SomethingNew", status)),
                ErrorClass::Permanent
            );
        }
        assert_eq!(
            classify(&e("secure-account:NotImplemented", 500), &s3().facts()),
            ErrorClass::Permanent
        );
        // A code's own class comes first (Security Hub's 429 is throttling either way).
        assert_eq!(
            classify(&e("NotFoundException", 400), &kms().facts()),
            ErrorClass::ResourcePropagation
        );
        // Without a status (the simulator's errors), the code alone decides.
        assert_eq!(class("SomethingNew", &s3()), ErrorClass::Permanent);
    }

    /// Macie's "Macie is not enabled" right after `EnableMacie` is propagation; the same
    /// code with another message (a missing permission) is not.
    #[test]
    fn a_code_transient_only_with_its_message() {
        use crate::action::macie;
        let discovery = Action::UpdateAutomatedDiscoveryConfiguration(
            macie::UpdateAutomatedDiscoveryConfiguration {
                status: "ENABLED".into(),
            },
        );
        let e = |m: &str| AwsError::new("AccessDeniedException", m);
        assert_eq!(
            classify(&e("Macie is not enabled."), &discovery.facts()),
            ErrorClass::ResourcePropagation
        );
        assert_eq!(
            classify(
                &e(
                    "User is not authorized to perform: macie2:UpdateAutomatedDiscoveryConfiguration"
                ),
                &discovery.facts()
            ),
            ErrorClass::Permanent
        );
        assert_eq!(
            classify(&e("Macie is not enabled."), &s3().facts()),
            ErrorClass::Permanent
        );
    }

    /// The idempotency token is a function of the account, the region and the action id
    /// alone: every attempt of an action sends the same one, and two actions (or one
    /// action in two regions or accounts) never share one. Within every service's limit.
    #[test]
    fn client_tokens_are_deterministic_and_distinct() {
        use crate::operation::client_token;
        let t = client_token("123456789012", "us-east-1", "us-east-1/create_detector");
        assert_eq!(
            t,
            client_token("123456789012", "us-east-1", "us-east-1/create_detector")
        );
        for other in [
            client_token("210987654321", "us-east-1", "us-east-1/create_detector"),
            client_token("123456789012", "eu-west-1", "us-east-1/create_detector"),
            client_token("123456789012", "us-east-1", "us-east-1/enable_macie"),
        ] {
            assert_ne!(t, other);
        }
        assert!(t.starts_with("sa-") && t.len() <= 64, "{t}");
        assert!(t[3..].chars().all(|c| c.is_ascii_hexdigit()), "{t}");
        // The operations that take a token say so; CreateKey takes none.
        for kind in crate::action::ActionKind::all() {
            let takes = matches!(
                kind.name(),
                "create_detector"
                    | "create_analyzer"
                    | "create_archive_rule"
                    | "update_archive_rule"
                    | "enable_inspector"
                    | "enable_macie"
                    | "create_flow_logs"
            );
            assert_eq!(kind.facts().client_token, takes, "{}", kind.name());
        }
    }

    /// The items of an HTTP 200 answer: Inspector's `ALREADY_ENABLED` and
    /// `ENABLE_IN_PROGRESS` are progress, its `*_THROTTLED` and `*_UNAVAILABLE` are worth
    /// another call; Security Hub's `RESOURCE_NOT_FOUND` (and `NOT_FOUND`) is "not offered
    /// here"; anything else fails the action.
    #[test]
    fn unprocessed_items_are_read_per_item() {
        use crate::action::inspector;
        use crate::operation::ItemOutcome;
        let enable = Action::EnableInspector(inspector::EnableInspector {
            resource_types: vec!["EC2".into()],
        });
        let p = enable.facts().per_item.unwrap();
        assert_eq!(p.outcome("ALREADY_ENABLED"), ItemOutcome::Progress);
        assert_eq!(p.outcome("ENABLE_IN_PROGRESS"), ItemOutcome::Progress);
        for code in [
            "SSM_THROTTLED",
            "SSM_UNAVAILABLE",
            "EVENTBRIDGE_THROTTLED",
            "EVENTBRIDGE_UNAVAILABLE",
        ] {
            assert_eq!(
                p.outcome(code),
                ItemOutcome::Transient(ErrorClass::Throttling)
            );
        }
        for code in ["ACCESS_DENIED", "ACCOUNT_IS_ISOLATED", "INTERNAL_ERROR"] {
            assert_eq!(p.outcome(code), ItemOutcome::Failed, "{code}");
        }
        let p = control_update().facts().per_item.unwrap();
        assert_eq!(p.outcome("RESOURCE_NOT_FOUND"), ItemOutcome::NotOffered);
        assert_eq!(p.outcome("NOT_FOUND"), ItemOutcome::NotOffered);
        assert_eq!(p.outcome("INVALID_INPUT"), ItemOutcome::Failed);
    }
}
