//! `execute::execute` through real [`Clients`] (an `SdkConfig` whose HTTP client is a fake
//! that records each request and answers from a queue): the region and endpoint each
//! action goes to, the key a `KeyRef::CreatedBy` stands for, which calls count as writes
//! and reads, and that [`Clients::for_writes`] sends a throttled write once.
//!
//! `aws-smithy-mocks` cannot serve here: its rules live in an interceptor of one client's
//! config, and `Clients` builds each client from an `SdkConfig`, which carries no
//! interceptors. The answers are therefore raw HTTP, read by the SDK's own deserializers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use secure_account_core::action::{accessanalyzer, account, ec2, iam, inspector, kms, s3control};
use secure_account_core::readiness::Readiness;
use secure_account_core::snapshot::PublicAccessBlock;
use secure_account_core::{Action, AwsError, KeyRef, Outputs, Scope};
use secure_account_engine::{ActionOutput, ErrorClass, Unprocessed, classify};
use serde_json::{Value, json};

use crate::Clients;
use crate::execute::execute;
use crate::tests::http;

const ACCOUNT: &str = "123456789012";
const ACTION_ID: &str = "us-east-1/test_action";

/// One request as it left the SDK.
#[derive(Debug, Clone)]
struct Sent {
    method: String,
    uri: String,
    headers: BTreeMap<String, String>,
    body: String,
}

impl Sent {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// The fake HTTP client: records every request, answers the next queued answer.
#[derive(Debug, Clone, Default)]
struct Fake {
    sent: Arc<Mutex<Vec<Sent>>>,
    answers: Arc<Mutex<VecDeque<(u16, String)>>>,
}

impl Fake {
    fn answer(&self, status: u16, body: &str) -> &Self {
        self.answers
            .lock()
            .unwrap()
            .push_back((status, body.to_string()));
        self
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.sent.lock().unwrap())
    }
}

impl HttpConnector for Fake {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let sent = Sent {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: request
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        };
        self.sent.lock().unwrap().push(sent.clone());
        let (status, body) = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| panic!("no answer queued for {sent:?}"));
        HttpConnectorFuture::ready(Ok(http(status, &body)))
    }
}

impl HttpClient for Fake {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// The account's clients (reads) and their write clients, as `AwsAccount` builds them.
fn clients(fake: &Fake, home: &str) -> (Clients, Clients) {
    let reads = Clients::new(sdk(fake, home), None, home.to_string());
    let writes = reads.for_writes();
    (reads, writes)
}

/// An `SdkConfig` whose requests go to `fake`.
fn sdk(fake: &Fake, home: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(home.to_string()))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        )))
        .http_client(fake.clone())
        .build()
}

fn region(r: &str) -> Scope {
    Scope::Region(r.to_string())
}

#[tokio::test]
async fn kms_actions_use_the_key_an_earlier_create_key_of_the_run_made() {
    let fake = Fake::default();
    fake.answer(
        200,
        r#"{"KeyMetadata":{"KeyId":"k-1","Arn":"arn:aws:kms:eu-west-1:123456789012:key/k-1"}}"#,
    )
    .answer(200, "{}")
    .answer(200, "{}")
    .answer(200, "{}");
    let (reads, writes) = clients(&fake, "us-east-1");
    let scope = region("eu-west-1");
    let mut outputs = Outputs::default();

    let create = Action::CreateKey(kms::CreateKey {
        description: "secure-account: CloudTrail logs".into(),
        policy: "{}".into(),
        tags: BTreeMap::new(),
    });
    let out = execute(
        &writes, &reads, &scope, ACCOUNT, ACTION_ID, &create, &outputs,
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        ActionOutput {
            created_key_id: Some("k-1".into()),
            ..ActionOutput::default()
        }
    );
    outputs
        .key_ids
        .insert("create-trail-key".into(), "k-1".into());

    let created = KeyRef::CreatedBy("create-trail-key".into());
    for action in [
        Action::CreateAlias(kms::CreateAlias {
            alias_name: "alias/secure-account-trail".into(),
            target_key: created.clone(),
        }),
        Action::PutKeyPolicy(kms::PutKeyPolicy {
            key: created.clone(),
            policy: "{\"Version\":\"2012-10-17\"}".into(),
        }),
        Action::EnableKeyRotation(kms::EnableKeyRotation { key: created }),
    ] {
        let out = execute(
            &writes, &reads, &scope, ACCOUNT, ACTION_ID, &action, &outputs,
        )
        .await
        .unwrap();
        assert_eq!(out, ActionOutput::default());
    }

    let sent = fake.sent();
    let targets: Vec<_> = sent.iter().map(|s| s.header("x-amz-target")).collect();
    assert_eq!(
        targets,
        [
            Some("TrentService.CreateKey"),
            Some("TrentService.CreateAlias"),
            Some("TrentService.PutKeyPolicy"),
            Some("TrentService.EnableKeyRotation"),
        ]
    );
    for s in &sent {
        assert_eq!(s.uri, "https://kms.eu-west-1.amazonaws.com/", "{s:?}");
    }
    assert_eq!(
        sent[1].json(),
        json!({"AliasName": "alias/secure-account-trail", "TargetKeyId": "k-1"})
    );
    assert_eq!(
        sent[2].json(),
        json!({"KeyId": "k-1", "PolicyName": "default", "Policy": "{\"Version\":\"2012-10-17\"}"})
    );
    assert_eq!(sent[3].json(), json!({"KeyId": "k-1"}));
    assert_eq!((writes.write_calls(), reads.calls()), (4, 0));
}

#[tokio::test]
async fn a_key_no_earlier_action_created_is_an_invalid_plan_and_nothing_is_sent() {
    let fake = Fake::default();
    fake.answer(200, "{}");
    let (reads, writes) = clients(&fake, "eu-west-1");
    let scope = region("eu-west-1");
    let outputs = Outputs::default();
    let missing = Action::EnableKeyRotation(kms::EnableKeyRotation {
        key: KeyRef::CreatedBy("create-trail-key".into()),
    });
    let e = execute(
        &writes, &reads, &scope, ACCOUNT, ACTION_ID, &missing, &outputs,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:InvalidPlan");
    assert!(fake.sent().is_empty());
    assert_eq!(writes.write_calls(), 0);

    // An existing key needs no output.
    let existing = Action::EnableKeyRotation(kms::EnableKeyRotation {
        key: KeyRef::Existing("k-9".into()),
    });
    execute(
        &writes, &reads, &scope, ACCOUNT, ACTION_ID, &existing, &outputs,
    )
    .await
    .unwrap();
    assert_eq!(fake.sent()[0].json(), json!({"KeyId": "k-9"}));
}

#[tokio::test]
async fn account_wide_writes_go_where_aws_serves_them() {
    let fake = Fake::default();
    let (reads, writes) = clients(&fake, "eu-west-1");
    let outputs = Outputs::default();

    // S3 Control: the account id in the host and the header.
    fake.answer(200, "");
    let block = Action::PutAccountPublicAccessBlock(s3control::PutAccountPublicAccessBlock {
        configuration: PublicAccessBlock::ALL,
    });
    execute(
        &writes,
        &reads,
        &Scope::Account,
        ACCOUNT,
        ACTION_ID,
        &block,
        &outputs,
    )
    .await
    .unwrap();
    let sent = fake.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "PUT");
    assert_eq!(
        sent[0].uri,
        "https://123456789012.s3-control.eu-west-1.amazonaws.com/v20180820/configuration/publicAccessBlock"
    );
    assert_eq!(sent[0].header("x-amz-account-id"), Some(ACCOUNT));
    for field in [
        "<BlockPublicAcls>true</BlockPublicAcls>",
        "<IgnorePublicAcls>true</IgnorePublicAcls>",
        "<BlockPublicPolicy>true</BlockPublicPolicy>",
        "<RestrictPublicBuckets>true</RestrictPublicBuckets>",
    ] {
        assert!(sent[0].body.contains(field), "{}", sent[0].body);
    }

    // The Account API: us-east-1, whatever the home region; no account id.
    fake.answer(200, "");
    let contact = Action::PutAlternateContact(account::PutAlternateContact {
        alternate_contact_type: "SECURITY".into(),
        name: "Security team".into(),
        title: "CISO".into(),
        email_address: "security@example.com".into(),
        phone_number: "+1-555-0100".into(),
    });
    execute(
        &writes,
        &reads,
        &Scope::Account,
        ACCOUNT,
        ACTION_ID,
        &contact,
        &outputs,
    )
    .await
    .unwrap();
    let sent = fake.take();
    assert_eq!(
        sent[0].uri,
        "https://account.us-east-1.amazonaws.com/putAlternateContact"
    );
    assert!(
        sent[0]
            .header("authorization")
            .is_some_and(|a| a.contains("/us-east-1/account/aws4_request")),
        "{sent:?}"
    );
    assert_eq!(
        sent[0].json(),
        json!({
            "AlternateContactType": "SECURITY",
            "Name": "Security team",
            "Title": "CISO",
            "EmailAddress": "security@example.com",
            "PhoneNumber": "+1-555-0100",
        })
    );

    // IAM: its global endpoint; AWS's "has been taken", through the real XML parser, is
    // success.
    fake.answer(
        400,
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
         <Code>InvalidInput</Code><Message>Service role name AWSServiceRoleForConfig has been \
         taken in this account, please try a different suffix.</Message></Error>\
         <RequestId>r-1</RequestId></ErrorResponse>",
    );
    let slr = Action::CreateServiceLinkedRole(iam::CreateServiceLinkedRole {
        aws_service_name: "config.amazonaws.com".into(),
    });
    execute(
        &writes,
        &reads,
        &Scope::Account,
        ACCOUNT,
        ACTION_ID,
        &slr,
        &outputs,
    )
    .await
    .unwrap();
    let sent = fake.take();
    assert_eq!(sent[0].uri, "https://iam.amazonaws.com/");
    assert!(
        sent[0].body.contains("AWSServiceName=config.amazonaws.com"),
        "{}",
        sent[0].body
    );
    assert_eq!((writes.write_calls(), reads.calls()), (3, 0));
}

#[tokio::test]
async fn a_regional_write_goes_to_its_regions_endpoint() {
    let fake = Fake::default();
    fake.answer(
        200,
        "<DeleteSubnetResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>r-1</requestId><return>true</return></DeleteSubnetResponse>",
    );
    let (reads, writes) = clients(&fake, "eu-west-1");
    let action = Action::DeleteSubnet(ec2::DeleteSubnet {
        subnet_id: "subnet-0a1b2c3d".into(),
    });
    execute(
        &writes,
        &reads,
        &region("us-west-2"),
        ACCOUNT,
        ACTION_ID,
        &action,
        &Outputs::default(),
    )
    .await
    .unwrap();
    let sent = fake.sent();
    assert_eq!(sent[0].uri, "https://ec2.us-west-2.amazonaws.com/");
    assert!(
        sent[0].body.contains("Action=DeleteSubnet")
            && sent[0].body.contains("SubnetId=subnet-0a1b2c3d"),
        "{}",
        sent[0].body
    );
}

#[tokio::test(start_paused = true)]
async fn a_throttled_write_through_the_write_clients_is_sent_once_and_counted_once() {
    let throttled = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
    let fake = Fake::default();
    for _ in 0..4 {
        fake.answer(400, throttled);
    }
    let (reads, writes) = clients(&fake, "eu-west-1");
    let action = Action::EnableKeyRotation(kms::EnableKeyRotation {
        key: KeyRef::Existing("k-1".into()),
    });
    let e = execute(
        &writes,
        &reads,
        &region("eu-west-1"),
        ACCOUNT,
        ACTION_ID,
        &action,
        &Outputs::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        e,
        AwsError::new("ThrottlingException", "Rate exceeded").with_status(400)
    );
    assert_eq!(fake.take().len(), 1, "the SDK does not retry a write");
    assert_eq!((writes.write_calls(), reads.calls()), (1, 0));
    assert_eq!(classify(&e, &action), ErrorClass::Throttling);

    // The control: the same call through the read clients is retried by the SDK.
    let e = execute(
        &reads,
        &reads,
        &region("eu-west-1"),
        ACCOUNT,
        ACTION_ID,
        &action,
        &Outputs::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "ThrottlingException");
    assert_eq!(fake.take().len(), 3);
    assert_eq!(reads.calls(), 3);
}

#[tokio::test]
async fn the_reads_an_execution_makes_go_through_the_read_clients() {
    let fake = Fake::default();
    // CreateAnalyzer: the name is taken; GetAnalyzer: by an analyzer of the same type.
    fake.answer(
        409,
        r#"{"__type":"ConflictException","message":"Analyzer secure-account already exists","resourceId":"secure-account","resourceType":"AWS::AccessAnalyzer::Analyzer"}"#,
    )
    .answer(
        200,
        r#"{"analyzer":{"arn":"arn:aws:access-analyzer:eu-west-1:123456789012:analyzer/secure-account","name":"secure-account","type":"ACCOUNT","createdAt":"2024-01-01T00:00:00Z","status":"ACTIVE"}}"#,
    );
    let (reads, writes) = clients(&fake, "eu-west-1");
    let action = Action::CreateAnalyzer(accessanalyzer::CreateAnalyzer {
        analyzer_name: "secure-account".into(),
        r#type: "ACCOUNT".into(),
    });
    execute(
        &writes,
        &reads,
        &region("eu-west-1"),
        ACCOUNT,
        ACTION_ID,
        &action,
        &Outputs::default(),
    )
    .await
    .unwrap();
    let sent = fake.sent();
    assert_eq!(
        sent.iter()
            .map(|s| (s.method.as_str(), s.uri.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                "PUT",
                "https://access-analyzer.eu-west-1.amazonaws.com/analyzer"
            ),
            (
                "GET",
                "https://access-analyzer.eu-west-1.amazonaws.com/analyzer/secure-account"
            ),
        ]
    );
    assert_eq!((writes.write_calls(), reads.calls()), (1, 1));
}

#[tokio::test]
async fn inspectors_failed_accounts_come_back_in_the_action_output() {
    let fake = Fake::default();
    fake.answer(
        200,
        r#"{"accounts":[],"failedAccounts":[{"accountId":"123456789012","status":"DISABLED","errorCode":"ACCESS_DENIED","errorMessage":"Service-linked role could not be created"}]}"#,
    );
    let (reads, writes) = clients(&fake, "eu-west-1");
    let action = Action::EnableInspector(inspector::EnableInspector {
        resource_types: vec!["EC2".into(), "ECR".into()],
    });
    let out = execute(
        &writes,
        &reads,
        &region("eu-west-1"),
        ACCOUNT,
        ACTION_ID,
        &action,
        &Outputs::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        out.unprocessed,
        vec![Unprocessed {
            id: ACCOUNT.into(),
            error: AwsError::new("ACCESS_DENIED", "Service-linked role could not be created"),
        }]
    );
    let sent = fake.sent();
    assert_eq!(
        sent[0].uri,
        "https://inspector2.eu-west-1.amazonaws.com/enable"
    );
    assert_eq!(sent[0].json()["resourceTypes"], json!(["EC2", "ECR"]));
    assert!(sent[0].json().get("accountIds").is_none());
}

/// The engine's readiness wait for `what` in us-east-1, with the default polling.
async fn wait(
    account: &crate::AwsAccount,
    what: &Readiness,
    stats: &mut secure_account_engine::WaitStats,
) -> Result<(), secure_account_engine::PortError> {
    secure_account_engine::wait_until(
        account,
        &region("us-east-1"),
        what,
        &secure_account_engine::ReadinessWait::default(),
        stats,
        &mut |_| {},
    )
    .await
}

/// The engine's readiness waits poll the real reads: through `AwsAccount`, the standard
/// wait reads Security Hub (`DescribeHub`, `GetEnabledStandards`, …) until the subscription
/// is `READY` and ready for updates, and the Inspector wait reads `BatchGetAccountStatus`
/// until the type is `ENABLED`; each poll is one part read, the pauses on tokio's clock.
#[tokio::test(start_paused = true)]
async fn the_engine_waits_by_reading_through_the_adapters() {
    use secure_account_engine::WaitStats;
    let fake = Fake::default();
    let arn =
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
    let hub = r#"{"HubArn":"arn:aws:securityhub:us-east-1:123456789012:hub/default","AutoEnableControls":false,"ControlFindingGenerator":"SECURITY_CONTROL"}"#;
    let standards = |status: &str, updatable: &str| {
        json!({"StandardsSubscriptions": [{
            "StandardsSubscriptionArn": "arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0",
            "StandardsArn": arn,
            "StandardsInput": {},
            "StandardsStatus": status,
            "StandardsControlsUpdatable": updatable
        }]})
        .to_string()
    };
    for (status, updatable) in [
        ("PENDING", "NOT_READY_FOR_UPDATES"),
        ("READY", "NOT_READY_FOR_UPDATES"),
        ("READY", "READY_FOR_UPDATES"),
    ] {
        fake.answer(200, hub)
            .answer(200, &standards(status, updatable))
            .answer(200, r#"{"Controls":[]}"#)
            .answer(200, r#"{"FindingAggregators":[]}"#)
            .answer(200, r#"{"Findings":[]}"#);
    }
    let account =
        crate::AwsAccount::from_sdk_config(sdk(&fake, "us-east-1"), None, "us-east-1".into());
    let mut stats = WaitStats::default();
    wait(
        &account,
        &Readiness::StandardUpdatable {
            standards_arn: arn.into(),
        },
        &mut stats,
    )
    .await
    .unwrap();
    assert_eq!(stats.polls, 3);
    // Five reads per poll (the hub, its standards, the FSBP controls, the aggregators, the
    // failed control findings).
    assert_eq!(fake.take().len(), 15);
    let calls = secure_account_engine::Port::calls(&account);
    assert_eq!((calls.read, calls.write), (15, 0));

    // Inspector: the account id once (STS), then `BatchGetAccountStatus` until EC2 is on.
    fake.answer(
        200,
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ops</Arn>\
         <UserId>AIDEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
    );
    let status = |ec2: &str, code: &str| {
        let state = |status: &str, code: &str| json!({"status": status, "errorCode": code, "errorMessage": ""});
        json!({"accounts": [{
            "accountId": ACCOUNT,
            "state": state("ENABLED", "ALREADY_ENABLED"),
            "resourceState": {
                "ec2": state(ec2, code),
                "ecr": state("DISABLED", "ALREADY_ENABLED"),
                "lambda": state("DISABLED", "ALREADY_ENABLED"),
                "lambdaCode": state("DISABLED", "ALREADY_ENABLED")
            }
        }], "failedAccounts": []})
        .to_string()
    };
    fake.answer(200, &status("ENABLING", "ENABLE_IN_PROGRESS"))
        .answer(200, &status("ENABLING", "ENABLE_IN_PROGRESS"))
        .answer(200, &status("ENABLED", "ALREADY_ENABLED"));
    let mut stats = WaitStats::default();
    let inspector_enabled = Readiness::InspectorEnabled {
        resource_types: vec!["EC2".to_string()],
    };
    wait(&account, &inspector_enabled, &mut stats)
        .await
        .unwrap();
    assert_eq!(stats.polls, 3);
    let sent = fake.take();
    assert_eq!(sent.len(), 4, "{sent:#?}");
    assert!(
        sent[1..]
            .iter()
            .all(|r| r.uri.contains("inspector2") && r.uri.ends_with("/status/batch/get")),
        "{sent:#?}"
    );
    assert_eq!(sent[1].json()["accountIds"], json!([ACCOUNT]));

    // A type that ends SUSPENDED with AWS's code fails the wait with that code, at once.
    fake.answer(200, &status("SUSPENDED", "ACCESS_DENIED"));
    let mut stats = WaitStats::default();
    let e = wait(&account, &inspector_enabled, &mut stats)
        .await
        .unwrap_err();
    assert_eq!(stats.polls, 1);
    match e {
        secure_account_engine::PortError::Aws(e) => assert_eq!(e.code, "ACCESS_DENIED", "{e}"),
        other => panic!("{other:?}"),
    }
}

/// Sends `action` once through the write clients of `region`, answered with HTTP `status`
/// and `body`; returns the error and its class.
async fn answered(action: &Action, status: u16, body: &str) -> (AwsError, ErrorClass) {
    let fake = Fake::default();
    fake.answer(status, body);
    let (reads, writes) = clients(&fake, "eu-west-1");
    let e = execute(
        &writes,
        &reads,
        &region("eu-west-1"),
        ACCOUNT,
        ACTION_ID,
        action,
        &Outputs::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(fake.take().len(), 1, "a write is sent once");
    let class = classify(&e, action);
    (e, class)
}

/// Errors as AWS answers them (status and body, read by the SDK's own deserializers) are
/// classified by their code where the API reference names it, and by their HTTP status
/// for every operation: 429 and 5xx are worth another call, a 4xx is not.
#[tokio::test(start_paused = true)]
async fn real_error_answers_are_classified_by_code_and_http_status() {
    use secure_account_core::action::{guardduty, logs, macie, securityhub, ssm};
    let aggregator = Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
        region_linking_mode: "ALL_REGIONS".into(),
    });
    // Security Hub's throttling is LimitExceededException with HTTP 429.
    let (e, class) = answered(
        &aggregator,
        429,
        r#"{"__type":"LimitExceededException","message":"Rate exceeded"}"#,
    )
    .await;
    assert_eq!(
        e,
        AwsError::new("LimitExceededException", "Rate exceeded").with_status(429)
    );
    assert_eq!(class, ErrorClass::Throttling);
    let (e, class) = answered(
        &aggregator,
        500,
        r#"{"__type":"InternalException","message":"Internal service error"}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("InternalException", ErrorClass::Throttling)
    );
    // A code no table names, answered 503: transient by its status alone.
    let (e, class) = answered(
        &aggregator,
        503,
        r#"{"__type":"ServiceUnavailableException","message":"Service unavailable"}"#,
    )
    .await;
    assert_eq!(e.http_status, Some(503));
    assert_eq!(class, ErrorClass::Throttling);
    // The control: a 400 whose code no table names stays a failure.
    let (e, class) = answered(
        &aggregator,
        400,
        r#"{"__type":"InvalidInputException","message":"Invalid region linking mode"}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("InvalidInputException", ErrorClass::Permanent)
    );

    // GuardDuty's own fault.
    let detector = Action::CreateDetector(guardduty::CreateDetector {
        enable: true,
        finding_publishing_frequency: "SIX_HOURS".into(),
        features: vec![],
    });
    let (e, class) = answered(
        &detector,
        500,
        r#"{"__type":"InternalServerErrorException","message":"Internal server error","type":"InternalException"}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("InternalServerErrorException", ErrorClass::Throttling)
    );

    // KMS (JSON 1.1): its own fault, and a key created a moment ago still settling.
    let rotation = Action::EnableKeyRotation(kms::EnableKeyRotation {
        key: KeyRef::Existing("1234abcd-12ab-34cd-56ef-1234567890ab".into()),
    });
    let (e, class) = answered(
        &rotation,
        500,
        r#"{"__type":"KMSInternalException","message":"An internal error occurred."}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("KMSInternalException", ErrorClass::Throttling)
    );
    let (e, class) = answered(
        &rotation,
        400,
        r#"{"__type":"KMSInvalidStateException","message":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab is pending import."}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("KMSInvalidStateException", ErrorClass::ResourcePropagation)
    );
    let (e, class) = answered(
        &rotation,
        503,
        r#"{"__type":"DependencyTimeoutException","message":"The system timed out while trying to fulfill the request."}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("DependencyTimeoutException", ErrorClass::Throttling)
    );

    // IAM (query protocol, XML): another change to the account's IAM in progress (409).
    let role = Action::CreateRole(iam::CreateRole {
        role_name: "secure-account-trail-logs".into(),
        assume_role_policy_document: "{}".into(),
        tags: BTreeMap::new(),
    });
    let (e, class) = answered(
        &role,
        409,
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>\
         <Type>Sender</Type><Code>ConcurrentModification</Code><Message>Rate exceeded\
         </Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
    )
    .await;
    assert_eq!(
        (e.code.as_str(), e.http_status, class),
        ("ConcurrentModification", Some(409), ErrorClass::Throttling)
    );

    // CloudWatch Logs and SSM: one update at a time.
    let group = Action::CreateLogGroup(logs::CreateLogGroup {
        log_group_name: "/aws/cloudtrail/secure-account".into(),
        tags: BTreeMap::new(),
    });
    let (e, class) = answered(
        &group,
        400,
        r#"{"__type":"OperationAbortedException","message":"A conflicting operation is currently in progress against this resource."}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("OperationAbortedException", ErrorClass::Throttling)
    );
    let setting = Action::UpdateServiceSetting(ssm::UpdateServiceSetting {
        setting_id: "/ssm/documents/console/public-sharing-permission".into(),
        setting_value: "Disable".into(),
    });
    let (e, class) = answered(
        &setting,
        400,
        r#"{"__type":"TooManyUpdates","Message":"There are concurrent updates for a resource that supports one update at a time."}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("TooManyUpdates", ErrorClass::Throttling)
    );

    // Macie right after EnableMacie: propagation. Any other access denied is not.
    let discovery = Action::UpdateAutomatedDiscoveryConfiguration(
        macie::UpdateAutomatedDiscoveryConfiguration {
            status: "ENABLED".into(),
        },
    );
    let (e, class) = answered(
        &discovery,
        403,
        r#"{"__type":"AccessDeniedException","message":"Macie is not enabled."}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("AccessDeniedException", ErrorClass::ResourcePropagation)
    );
    let (e, class) = answered(
        &discovery,
        403,
        r#"{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: macie2:UpdateAutomatedDiscoveryConfiguration"}"#,
    )
    .await;
    assert_eq!(
        (e.code.as_str(), class),
        ("AccessDeniedException", ErrorClass::Permanent)
    );
}
