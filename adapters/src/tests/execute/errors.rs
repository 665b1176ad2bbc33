//! Error classes of the writes: throttling (kept for the engine, sent once: the SDK does
//! not retry writes), access denied (naming the IAM action), an operation the endpoint
//! does not serve (`NotImplemented`, never retried), and the IAM actions the writes name.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::retry::RetryConfig;
use secure_account_core::action::ActionKind;
use secure_account_core::action::{account, ec2, iam, kms, s3, s3control, securityhub, ssm};
use secure_account_core::{Action, AwsError};
use secure_account_engine::{ErrorClass, classify};

use super::{MOCK_STATUS, exec};
use crate::tests::{http, meta};

fn create_role() -> Action {
    Action::CreateRole(iam::CreateRole {
        role_name: "r".into(),
        assume_role_policy_document: "{}".into(),
        tags: BTreeMap::new(),
    })
}

fn delete_vpc() -> Action {
    Action::DeleteVpc(ec2::DeleteVpc {
        vpc_id: "vpc-1".into(),
    })
}

fn create_finding_aggregator() -> Action {
    Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
        region_linking_mode: "ALL_REGIONS".into(),
    })
}

#[tokio::test(start_paused = true)]
async fn a_throttled_write_is_sent_once_and_keeps_its_code_for_the_engine_to_retry() {
    use aws_sdk_iam::operation::create_role::CreateRoleError;
    use aws_sdk_securityhub::operation::create_finding_aggregator::CreateFindingAggregatorError;

    // IAM (query protocol), throttled for good.
    let iam_rule = mock!(aws_sdk_iam::Client::create_role)
        .sequence()
        .error(|| CreateRoleError::generic(meta("Throttling", "Rate exceeded")))
        .repeatedly()
        .build();
    let iam = writes!(aws_sdk_iam, [&iam_rule]);
    let e = exec(
        iam::CreateRole {
            role_name: "r".into(),
            assume_role_policy_document: "{}".into(),
            tags: BTreeMap::new(),
        },
        &iam,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new("Throttling", "Rate exceeded").with_status(MOCK_STATUS)
    );
    assert_eq!(iam_rule.num_calls(), 1, "the SDK does not retry a write");
    assert_eq!(classify(&e, &create_role()), ErrorClass::Throttling);
    assert!(classify(&e, &create_role()).is_retryable());

    // Security Hub (REST JSON).
    let hub_rule = mock!(aws_sdk_securityhub::Client::create_finding_aggregator)
        .sequence()
        .error(|| {
            CreateFindingAggregatorError::generic(meta("ThrottlingException", "Rate exceeded"))
        })
        .repeatedly()
        .build();
    let hub = writes!(aws_sdk_securityhub, [&hub_rule]);
    let e = exec(
        securityhub::CreateFindingAggregator {
            region_linking_mode: "ALL_REGIONS".into(),
        },
        &hub,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "ThrottlingException");
    assert_eq!(hub_rule.num_calls(), 1);
    assert_eq!(
        classify(&e, &create_finding_aggregator()),
        ErrorClass::Throttling
    );

    // EC2, through its real deserializer: HTTP 503 with EC2's XML error.
    let ec2_rule = mock!(aws_sdk_ec2::Client::delete_vpc)
        .sequence()
        .http_response(|| {
            http(
                503,
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request \
                 limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>",
            )
        })
        .repeatedly()
        .build();
    let ec2 = writes!(aws_sdk_ec2, [&ec2_rule]);
    let e = exec(
        ec2::DeleteVpc {
            vpc_id: "vpc-1".into(),
        },
        &ec2,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new("RequestLimitExceeded", "Request limit exceeded.").with_status(503)
    );
    assert_eq!(ec2_rule.num_calls(), 1);
    assert_eq!(classify(&e, &delete_vpc()), ErrorClass::Throttling);
}

/// The control of the test above: the same answer through a client that retries is sent
/// again, so the single request there is the disabled retries' doing.
#[tokio::test(start_paused = true)]
async fn the_same_throttling_through_a_client_with_retries_is_sent_again() {
    use aws_sdk_iam::operation::create_role::CreateRoleError;
    let rule = mock!(aws_sdk_iam::Client::create_role)
        .sequence()
        .error(|| CreateRoleError::generic(meta("Throttling", "Rate exceeded")))
        .repeatedly()
        .build();
    let iam = mock_client!(aws_sdk_iam, RuleMode::Sequential, [&rule], |b| b
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_max_backoff(Duration::from_millis(5))
        ));
    let e = exec(
        iam::CreateRole {
            role_name: "r".into(),
            assume_role_policy_document: "{}".into(),
            tags: BTreeMap::new(),
        },
        &iam,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "Throttling");
    assert_eq!(rule.num_calls(), 3);
}

#[tokio::test]
async fn access_denied_names_the_iam_action_and_is_permanent() {
    use aws_sdk_iam::operation::create_role::CreateRoleError;
    use aws_sdk_kms::operation::create_key::CreateKeyError;

    // AWS's own message names the action already: kept as it is.
    let aws_words = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                     iam:CreateRole on resource: arn:aws:iam::123456789012:role/r";
    let rule = mock!(aws_sdk_iam::Client::create_role)
        .then_error(move || CreateRoleError::generic(meta("AccessDenied", aws_words)));
    let iam = writes!(aws_sdk_iam, [&rule]);
    let e = exec(
        iam::CreateRole {
            role_name: "r".into(),
            assume_role_policy_document: "{}".into(),
            tags: BTreeMap::new(),
        },
        &iam,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new("AccessDenied", aws_words).with_status(MOCK_STATUS)
    );
    assert_eq!(classify(&e, &create_role()), ErrorClass::Permanent);

    // A message that does not: the action is added.
    let rule = mock!(aws_sdk_kms::Client::create_key)
        .then_error(|| CreateKeyError::generic(meta("AccessDeniedException", "Access denied")));
    let kms = writes!(aws_sdk_kms, [&rule]);
    let e = exec(
        kms::CreateKey {
            description: "d".into(),
            policy: "{}".into(),
            tags: BTreeMap::new(),
        },
        &kms,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new(
            "AccessDeniedException",
            "Access denied (needs `kms:CreateKey`)"
        )
        .with_status(MOCK_STATUS)
    );

    // S3's XML answer, through the real deserializer: the IAM action, not the operation.
    let rule =
        mock!(aws_sdk_s3::Client::put_bucket_lifecycle_configuration).then_http_response(|| {
            http(
                403,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>\
                 <Message>Access Denied</Message><RequestId>r</RequestId></Error>",
            )
        });
    let s3 = writes!(aws_sdk_s3, [&rule]);
    let e = exec(
        s3::PutBucketLifecycleConfiguration {
            bucket: "b".into(),
            rules: BTreeMap::new(),
        },
        &s3,
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new(
            "AccessDenied",
            "Access Denied (needs `s3:PutLifecycleConfiguration`)"
        )
        .with_status(403)
    );
}

#[tokio::test]
async fn an_operation_the_endpoint_does_not_serve_is_not_implemented_sent_once_and_permanent() {
    // moto's HTTP 500 Werkzeug page.
    let rule = mock!(aws_sdk_securityhub::Client::create_finding_aggregator)
        .sequence()
        .http_response(|| {
            http(
                500,
                "<!doctype html><html><head><title>500 Internal Server Error</title></head>\
                 <body><h1>Internal Server Error</h1><p>NotImplementedError: The \
                 create_finding_aggregator action has not been implemented</p></body></html>",
            )
        })
        .repeatedly()
        .build();
    let hub = writes!(aws_sdk_securityhub, [&rule]);
    let e = exec(
        securityhub::CreateFindingAggregator {
            region_linking_mode: "ALL_REGIONS".into(),
        },
        &hub,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(
        e.message.starts_with(
            "securityhub:CreateFindingAggregator: the endpoint does not serve this operation \
             (HTTP 500"
        ),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("has not been implemented"),
        "{}",
        e.message
    );
    assert_eq!(rule.num_calls(), 1, "a 500 is not retried by the SDK here");
    assert_eq!(
        classify(&e, &create_finding_aggregator()),
        ErrorClass::Permanent
    );

    // moto's bare `NotImplementedError` text (no page) from the Account API.
    let rule = mock!(aws_sdk_account::Client::put_alternate_contact).then_http_response(|| {
        http(
            500,
            "NotImplementedError: The put_alternate_contact action has not been implemented",
        )
    });
    let account = writes!(aws_sdk_account, [&rule]);
    let e = exec(
        account::PutAlternateContact {
            alternate_contact_type: "SECURITY".into(),
            name: "n".into(),
            title: "t".into(),
            email_address: "e@example.com".into(),
            phone_number: "+1".into(),
        },
        &account,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(
        e.message.starts_with("account:PutAlternateContact: "),
        "{e}"
    );

    // A REST endpoint's 404 page (S3 Control).
    let rule = mock!(aws_sdk_s3control::Client::put_public_access_block)
        .then_http_response(|| http(404, "<html><h1>Not Found</h1></html>"));
    let s3control = writes!(aws_sdk_s3control, [&rule]);
    let e = exec(
        s3control::PutAccountPublicAccessBlock {
            configuration: secure_account_core::snapshot::PublicAccessBlock::ALL,
        },
        &s3control,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(
        e.message.starts_with("s3:PutAccountPublicAccessBlock: "),
        "{e}"
    );
}

#[tokio::test]
async fn an_unreadable_create_key_answer_is_never_retried() {
    // The key may exist now: a second CreateKey would make a second key.
    let rule = mock!(aws_sdk_kms::Client::create_key)
        .then_http_response(|| http(200, "<html>not json</html>"));
    let kms = writes!(aws_sdk_kms, [&rule]);
    let e = exec(
        kms::CreateKey {
            description: "d".into(),
            policy: "{}".into(),
            tags: BTreeMap::new(),
        },
        &kms,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:UnparsableResponse", "{e}");
    assert_eq!(rule.num_calls(), 1);
    let action = Action::CreateKey(kms::CreateKey {
        description: "d".into(),
        policy: "{}".into(),
        tags: BTreeMap::new(),
    });
    assert_eq!(classify(&e, &action), ErrorClass::Permanent);
}

/// A server error without an AWS code (a proxy's 502) is transient: one call from the
/// write client, and the engine's class is the retryable one, as the SDK would have
/// retried it.
#[tokio::test]
async fn a_server_error_without_a_code_is_sent_once_and_retried_by_the_engine() {
    let rule = mock!(aws_sdk_ssm::Client::update_service_setting)
        .then_http_response(|| http(502, "Bad Gateway"));
    let ssm = writes!(aws_sdk_ssm, [&rule]);
    let e = exec(
        ssm::UpdateServiceSetting {
            setting_id: "/ssm/x".into(),
            setting_value: "y".into(),
        },
        &ssm,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:HttpServerError");
    assert!(e.message.contains("HTTP 502"), "{e}");
    assert_eq!(rule.num_calls(), 1);
    let action = Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
        setting_id: "/ssm/x".into(),
        setting_value: "y".into(),
    });
    assert_eq!(classify(&e, &action), ErrorClass::Throttling);
    assert_eq!(
        classify(
            &AwsError::new("secure-account:DispatchFailure", "reset"),
            &action
        ),
        ErrorClass::Throttling
    );
    // A timeout too, except for a new key (a second attempt could make a second key).
    assert_eq!(
        classify(
            &AwsError::new("secure-account:Timeout", "no answer"),
            &action
        ),
        ErrorClass::Throttling
    );
    let key = Action::CreateKey(kms::CreateKey {
        description: "d".into(),
        policy: "{}".into(),
        tags: BTreeMap::new(),
    });
    assert_eq!(
        classify(&AwsError::new("secure-account:Timeout", "no answer"), &key),
        ErrorClass::Permanent
    );
}

/// An access-denied message names the action the facts table lists first for the kind
/// (the one `iam-policy` grants), and the writes name no other action than those and the
/// three reads an execution makes (an analyzer's type, Macie's classification scope, and
/// the key an existing alias names).
#[test]
fn the_writes_name_exactly_the_iam_actions_of_the_facts_table() {
    let mut expected: BTreeSet<String> = ActionKind::all()
        .map(|k| k.facts().iam_actions[0].to_string())
        .collect();
    expected.insert("access-analyzer:GetAnalyzer".into());
    expected.insert("macie2:ListClassificationScopes".into());
    expected.insert("kms:DescribeKey".into());
    assert_eq!(crate::tests::sources::write_actions(), expected);
}
