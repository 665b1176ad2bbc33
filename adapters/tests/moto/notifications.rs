//! The notification stack on moto: `notifications deploy`'s plan (the service role, then
//! the stack with termination protection), applied by the engine through the adapters;
//! the topic, its policy, the subscription, the key and the rules read back with boto3
//! (moto's own client, independent of the code under test); a second deploy plans
//! nothing, and an update with nothing changed is no change.

use aws_credential_types::provider::ProvideCredentials;
use secure_account_core::action::cloudformation;
use secure_account_core::notifications::{EMAIL_PARAMETER, PURPOSE_TAG, rules};
use secure_account_core::{Action, Baseline, Scope, plan_notifications};
use secure_account_engine::flow::{apply_in_rounds, read_and_plan_notifications};
use secure_account_engine::{ActionStatus, ApplyOptions, Port};

use super::*;

const EMAIL: &str = "security@example.com";

fn baseline() -> Baseline {
    let mut b = Baseline::built_in("fsbp").unwrap();
    b.home_region = HOME.into();
    b.regions.include = vec![HOME.into(), OTHER.into()];
    b.notifications.email = Some(EMAIL.into());
    b
}

/// What boto3 reads of the stack's resources, as JSON.
const READ_BACK: &str = r#"
import json, sys, boto3
topic_arn, key_arn = sys.argv[1], sys.argv[2]
sns = boto3.client("sns", region_name="us-east-1")
events = boto3.client("events", region_name="us-east-1")
kms = boto3.client("kms", region_name="us-east-1")
attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
rules = []
for r in events.list_rules()["Rules"]:
    targets = events.list_targets_by_rule(Rule=r["Name"])["Targets"]
    rules.append({"name": r["Name"], "state": r.get("State"), "pattern": r.get("EventPattern"),
                  "targets": targets})
key_id = key_arn.split("/")[-1]
key = {
    "rotation": kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"],
    "policy": kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"],
}
print(json.dumps({"topic": attributes, "subscriptions": subscriptions, "rules": rules, "key": key}))
"#;

async fn read_back(
    config: &SdkConfig,
    endpoint: &str,
    topic: &str,
    key: &str,
) -> serde_json::Value {
    let creds = config
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    let venv = secure_account_testkit::moto::venv_dir().expect("moto's virtual environment");
    let python = venv.join("bin").join("python");
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(READ_BACK)
        .arg(topic)
        .arg(key)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", creds.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", creds.secret_access_key())
        .env(
            "AWS_SESSION_TOKEN",
            creds.session_token().unwrap_or_default(),
        )
        .env("AWS_DEFAULT_REGION", HOME)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", python.display()));
    assert!(
        out.status.success(),
        "boto3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the read-back")
}

pub(crate) async fn the_notification_stack_deploys_reads_back_and_redeploys_with_no_change(
    endpoint: String,
) {
    let (config, account_id) = own_account(&endpoint, 7).await;
    let port = adapters(&config, &endpoint);
    let baseline = baseline();

    let planned = read_and_plan_notifications(&port, &baseline).await.unwrap();
    let kinds: Vec<&str> = planned.plan.actions.iter().map(|a| a.op.name()).collect();
    assert_eq!(kinds, ["create_role", "put_role_policy", "create_stack"]);
    let report = apply_in_rounds(
        &port,
        &planned,
        None,
        &ApplyOptions::default(),
        1,
        &mut |_| {},
        &mut |_, _, _| true,
    )
    .await
    .unwrap();
    for r in &report.results {
        assert_eq!(r.status, ActionStatus::Applied, "{}: {:?}", r.id, r.error);
    }
    assert!(
        report.api_calls.stack_wait.polls >= 1,
        "{:?}",
        report.api_calls
    );

    // The stack as the adapters read it: the tool's, protected, with its role.
    let snapshot = secure_account_engine::flow::read(&port).await.unwrap();
    let stacks = snapshot.regions[HOME]
        .services
        .cloudformation_stacks
        .known()
        .expect("the stacks are read");
    let stack = stacks
        .iter()
        .find(|s| s.name == "secure-account-notifications")
        .expect("the stack");
    assert_eq!(stack.status, "CREATE_COMPLETE");
    assert!(stack.termination_protection, "CloudFormation.3");
    assert_eq!(
        stack.role_arn.as_deref(),
        Some(
            format!("arn:aws:iam::{account_id}:role/secure-account-notifications-cloudformation")
                .as_str()
        ),
        "CloudFormation.4"
    );
    assert_eq!(stack.tags[PURPOSE_TAG.0], PURPOSE_TAG.1);
    assert_eq!(stack.parameters[EMAIL_PARAMETER], EMAIL);
    let Action::CreateStack(create) = &planned.plan.actions[2].op else {
        panic!()
    };
    assert_eq!(
        stack.template_body.as_deref(),
        Some(create.template_body.as_str())
    );
    let role = snapshot
        .global
        .roles
        .known()
        .unwrap()
        .iter()
        .find(|r| r.name == "secure-account-notifications-cloudformation")
        .expect("the service role");
    assert!(
        role.trusted_services
            .contains("cloudformation.amazonaws.com")
    );

    // The resources, read back with boto3.
    let topic_arn = stack.outputs.get("TopicArn").expect("the TopicArn output");
    let key_arn = stack.outputs.get("KeyArn").expect("the KeyArn output");
    let back = read_back(&config, &endpoint, topic_arn, key_arn).await;
    eprintln!("{}", serde_json::to_string_pretty(&back).unwrap());
    let topic = &back["topic"];
    // moto 5.1.22 makes an `AWS::SNS::Topic` of a template from its name and subscriptions
    // only (sns/models.py, `create_from_cloudformation_json`): `KmsMasterKeyId` is dropped.
    // The template's encryption with the stack's key is checked in core; here, a key moto
    // does keep must be the stack's.
    if let Some(kms_key) = topic.get("KmsMasterKeyId").and_then(|k| k.as_str()) {
        assert_eq!(
            kms_key,
            key_arn.as_str(),
            "the topic is encrypted with the stack's key"
        );
    }
    assert_eq!(topic["TopicArn"], topic_arn.as_str());
    // moto 5.1.22 does not create `AWS::SNS::TopicPolicy` from a template ("No Moto
    // CloudFormation support for AWS::SNS::TopicPolicy"): the topic keeps moto's default
    // policy (the owner account only). The template's policy is checked in core
    // (notifications::tests::key_and_topic_policies_follow_the_issue). Whatever policy the
    // topic has must not be public (SNS.4, judged as the evaluator judges KMS.5).
    let policy: serde_json::Value =
        serde_json::from_str(topic["Policy"].as_str().expect("a topic policy")).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    assert!(
        !policy.to_string().contains("events.amazonaws.com"),
        "moto now creates the topic policy: check it here as in core: {policy}"
    );
    for s in statements {
        assert!(!secure_account_core::policy::allows_public(s), "SNS.4: {s}");
    }
    let subscriptions = back["subscriptions"].as_array().unwrap();
    assert!(
        subscriptions
            .iter()
            .any(|s| s["Protocol"] == "email" && s["Endpoint"] == EMAIL),
        "{subscriptions:?}"
    );
    assert_eq!(back["key"]["rotation"], true, "KMS key rotation");
    // KMS answers the policy as a JSON string; moto 5.1.22 keeps a template's `KeyPolicy`
    // as the object it parsed and boto3 hands that back as is.
    let key_policy: serde_json::Value = match &back["key"]["policy"] {
        serde_json::Value::String(text) => serde_json::from_str(text).unwrap(),
        other => other.clone(),
    };
    for s in key_policy["Statement"]
        .as_array()
        .expect("key policy statements")
    {
        assert!(!secure_account_core::policy::allows_public(s), "KMS.5: {s}");
    }
    assert!(
        key_policy.to_string().contains("events.amazonaws.com"),
        "EventBridge may use the key: {key_policy}"
    );
    let deployed = back["rules"].as_array().unwrap();
    assert_eq!(
        deployed.len(),
        rules(create_min_severity(&baseline)).len(),
        "{deployed:?}"
    );
    for r in deployed {
        assert_eq!(r["state"], "ENABLED", "{r}");
        let targets = r["targets"].as_array().unwrap();
        assert_eq!(targets.len(), 1, "{r}");
        assert_eq!(targets[0]["Arn"], topic_arn.as_str(), "{r}");
        assert!(targets[0].get("InputTransformer").is_some(), "{r}");
        let pattern: serde_json::Value =
            serde_json::from_str(r["pattern"].as_str().unwrap()).unwrap();
        assert!(pattern.get("source").is_some(), "{r}");
    }

    // A second deploy plans nothing.
    let again = plan_notifications(&snapshot, &baseline);
    assert!(again.actions.is_empty(), "{:#?}", again.actions);
    assert!(again.skipped.is_empty(), "{:#?}", again.skipped);
    // An update with nothing changed is no change, not an error.
    let writes = port.calls().write;
    let update = Action::UpdateStack(cloudformation::UpdateStack {
        stack_name: create.stack_name.clone(),
        template_body: create.template_body.clone(),
        parameters: create.parameters.clone(),
        role_arn: create.role_arn.clone(),
    });
    port.execute(
        &Scope::Region(HOME.into()),
        "update",
        &update,
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(port.calls().write - writes, 1);
    let protect =
        Action::UpdateTerminationProtection(cloudformation::UpdateTerminationProtection {
            stack_name: create.stack_name.clone(),
            enable_termination_protection: true,
        });
    // moto 5.1.22 does not serve UpdateTerminationProtection (HTTP 500): it fails at once,
    // one call, not retried. (CreateStack's `EnableTerminationProtection` it keeps, as read
    // above.)
    let writes = port.calls().write;
    let refused = port
        .execute(
            &Scope::Region(HOME.into()),
            "protect",
            &protect,
            &Default::default(),
        )
        .await
        .expect_err("moto serves UpdateTerminationProtection now: assert it succeeds");
    let secure_account_engine::PortError::Aws(e) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(e.code, "secure-account:NotImplemented", "{e}");
    assert_eq!(port.calls().write - writes, 1);
    let after = secure_account_engine::flow::read(&port).await.unwrap();
    assert!(
        plan_notifications(&after, &baseline).actions.is_empty(),
        "still nothing to do"
    );
    // verify: in sync.
    assert_eq!(
        secure_account_core::notifications::deployed::check(&after, &baseline)
            .unwrap()
            .state,
        secure_account_core::notifications::deployed::StackState::InSync
    );
}

fn create_min_severity(b: &Baseline) -> secure_account_core::notifications::MinSeverity {
    b.notifications.min_severity
}
