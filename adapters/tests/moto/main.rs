//! The adapters against the moto AWS emulator, over HTTP on 127.0.0.1: reading
//! (`read.rs`), applying (`apply.rs`) and every action kind on its own (`execute.rs`).
//!
//! moto comes from `secure-account-testkit`: `SECURE_ACCOUNT_MOTO_ENDPOINT` if given, else
//! a server this test process installs (once, into the user's cache folder) and starts.
//! Where moto cannot be installed (no `python3`, no network) the tests are ignored and a
//! banner after the result line says why; with `CI=true` they fail instead.
//!
//! A harness of its own (`harness = false`, libtest-mimic): a test is skipped at run time,
//! which the built-in harness cannot show. Every test is an `async fn(endpoint)` listed in
//! [`TESTS`]; one left out of the list is dead code, which `clippy -D warnings` refuses.
//!
//! Each test works in an account of its own (an `sts:AssumeRole` into a fresh account id
//! gives credentials whose calls land in that account's state), so the tests run in
//! parallel on one server and a second run never sees the first one's resources. SDK
//! retries are off: moto answers what it lacks with HTTP 500, which the SDK would retry.

mod apply;
mod execute;
mod notifications;
mod read;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use libtest_mimic::{Arguments, Completion, Trial};
use secure_account_adapters::AwsAccount;
use secure_account_core::Snapshot;
use secure_account_testkit::moto::{self, Verdict};

pub const HOME: &str = "us-east-1";
pub const OTHER: &str = "eu-west-1";

type Test = fn(String) -> Pin<Box<dyn Future<Output = ()>>>;

/// `module::test` for each test: its name (as it was under `#[tokio::test]`) and how to
/// start it.
macro_rules! tests {
    ($($module:ident::$test:ident),* $(,)?) => {
        &[$((concat!(stringify!($module), "::", stringify!($test)), |endpoint| {
            Box::pin($module::$test(endpoint))
        })),*]
    };
}

/// Every moto test of this binary.
const TESTS: &[(&str, Test)] = tests![
    read::a_fresh_account_reads_every_part_known_or_unreadable,
    read::round_trip_a_lived_in_account,
    read::account_public_access_block_through_the_fixed_s3_control_endpoint,
    apply::a_fresh_account_gets_everything_moto_serves_and_a_second_apply_writes_nothing_more,
    apply::a_lived_in_account_is_applied_without_touching_what_is_in_use,
    apply::declined_guardduty_features_are_disabled_in_every_region,
    execute::every_action_kind_is_served_by_moto_or_fails_at_once,
    notifications::the_notification_stack_deploys_reads_back_and_redeploys_with_no_change,
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    // Each test runs alone in a child process whose output shows only if it fails, as the
    // built-in harness captures it; with `--nocapture` (as in that child) in this process.
    let alone = !args.nocapture;
    let trials = TESTS
        .iter()
        .map(|&(name, test)| {
            Trial::ignorable_test(name, move || match moto::verdict() {
                Verdict::Run(endpoint) if alone => moto::run_alone(name, endpoint)
                    .map(|()| Completion::Completed)
                    .map_err(Into::into),
                Verdict::Run(endpoint) => {
                    tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(2)
                        .enable_all()
                        .build()
                        .expect("a tokio runtime")
                        .block_on(test(endpoint.to_string()));
                    Ok(Completion::Completed)
                }
                Verdict::Skip(note) => Ok(Completion::ignored_with(note)),
                Verdict::Fail(message) => Err(message.into()),
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    moto::print_summary();
    conclusion.exit_code()
}

/// A fresh 12-digit account id for test number `n` of this run.
pub fn fresh_account_id(n: u64) -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as u64;
    format!(
        "{}",
        100_000_000_000 + (millis % 1_000_000_000) * 100 + n % 100
    )
}

/// An `SdkConfig` for moto with fake credentials, no retry and short timeouts.
pub async fn base_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(HOME))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "moto-test",
        ))
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_secs(20))
                .operation_timeout(Duration::from_secs(30))
                .build(),
        )
        .load()
        .await
}

/// The config of a new account of its own on moto.
pub async fn own_account(endpoint: &str, n: u64) -> (SdkConfig, String) {
    let base = base_config(endpoint).await;
    let account_id = fresh_account_id(n);
    let assumed = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account_id}:role/secure-account-test"
        ))
        .role_session_name("secure-account-test")
        .send()
        .await
        .expect("moto answers AssumeRole");
    let c = assumed
        .credentials()
        .expect("AssumeRole returns credentials");
    let creds = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "moto-assumed",
    );
    let config = base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(creds))
        .build();
    (config, account_id)
}

pub fn adapters(config: &SdkConfig, endpoint: &str) -> AwsAccount {
    AwsAccount::from_sdk_config(config.clone(), Some(endpoint.to_string()), HOME.to_string())
        .with_regions([HOME.to_string(), OTHER.to_string()])
}

/// The parts the snapshot could not read, as `scope/part: code`.
pub fn unreadable_parts(s: &Snapshot) -> Vec<String> {
    s.unreadable_parts()
        .into_iter()
        .map(|(scope, part, e)| {
            assert!(!e.code.is_empty(), "{scope}/{part}: an error without code");
            format!("{scope}/{part}: {e}")
        })
        .collect()
}

/// What [`lived_in`] put in the account.
pub struct LivedIn {
    /// The default VPC of the home region, with `eni` in one of its subnets.
    pub default_vpc: String,
    pub eni: String,
    /// A VPC of the customer's own.
    pub custom_vpc: String,
    pub detector: String,
    /// A bucket for the customer's trail, and a public one.
    pub trail_bucket: String,
    pub public_bucket: String,
    /// A key with an alias and rotation.
    pub key: String,
}

/// A lived-in account in the home region: a default VPC with a network interface in use,
/// a VPC of the customer's own, a password policy stronger than the baseline's, a GuardDuty
/// detector, a trail without KMS in a bucket of its own, a public bucket, and what the other
/// reads look at (a console user with an access key, a role with an inline policy, the
/// Config service-linked role, a key, a log group, a Config recorder and channel, the
/// security contact, Security Hub on).
pub async fn lived_in(config: &SdkConfig, account_id: &str) -> LivedIn {
    let config = config.clone();
    // A default VPC with a network interface in use, and a VPC of the customer's own.
    let ec2 = aws_sdk_ec2::Client::new(&config);
    let default_vpc = ec2
        .describe_vpcs()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("isDefault")
                .values("true")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .vpcs()[0]
        .vpc_id()
        .unwrap()
        .to_string();
    let subnet = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&default_vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .subnets()[0]
        .subnet_id()
        .unwrap()
        .to_string();
    let eni = ec2
        .create_network_interface()
        .subnet_id(&subnet)
        .description("a workload")
        .send()
        .await
        .unwrap()
        .network_interface()
        .unwrap()
        .network_interface_id()
        .unwrap()
        .to_string();
    let custom_vpc = ec2
        .create_vpc()
        .cidr_block("10.20.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string();

    // A password policy stronger than the baseline's 14 characters.
    aws_sdk_iam::Client::new(&config)
        .update_account_password_policy()
        .minimum_password_length(20)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .send()
        .await
        .unwrap();

    // A GuardDuty detector.
    let detector = aws_sdk_guardduty::Client::new(&config)
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id()
        .unwrap()
        .to_string();

    // A trail without KMS, and a public bucket. Bucket names are global on moto.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build(),
    );
    let trail_bucket = format!("trail-{account_id}");
    let public_bucket = format!("site-{account_id}");
    for b in [&trail_bucket, &public_bucket] {
        s3.create_bucket().bucket(b).send().await.unwrap();
    }
    s3.put_bucket_policy()
        .bucket(&public_bucket)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{public_bucket}/*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    let ct = aws_sdk_cloudtrail::Client::new(&config);
    ct.create_trail()
        .name("customer-trail")
        .s3_bucket_name(&trail_bucket)
        .is_multi_region_trail(true)
        .send()
        .await
        .unwrap();
    ct.start_logging()
        .name("customer-trail")
        .send()
        .await
        .unwrap();

    // What the other reads look at, so that their per-item calls run on moto too: a
    // console user with an access key, a role with an inline policy, the Config
    // service-linked role, a key with an alias and rotation, a log group with retention,
    // a Config recorder and channel, the security contact, Security Hub on.
    let iam = aws_sdk_iam::Client::new(&config);
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.create_login_profile()
        .user_name("alice")
        .password("Correct-Horse-9")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("trail-logs")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("trail-logs")
        .policy_name("to-logs")
        .policy_document(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    iam.create_service_linked_role()
        .aws_service_name("config.amazonaws.com")
        .send()
        .await
        .unwrap();
    let kms = aws_sdk_kms::Client::new(&config);
    let key = kms
        .create_key()
        .description("customer key")
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string();
    kms.create_alias()
        .alias_name("alias/customer")
        .target_key_id(&key)
        .send()
        .await
        .unwrap();
    kms.enable_key_rotation().key_id(&key).send().await.unwrap();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    logs.create_log_group()
        .log_group_name("app")
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name("app")
        .retention_in_days(30)
        .send()
        .await
        .unwrap();
    let cfg = aws_sdk_config::Client::new(&config);
    cfg.put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!(
                    "arn:aws:iam::{account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
                ))
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    cfg.put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(&trail_bucket)
                .build(),
        )
        .send()
        .await
        .unwrap();
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    aws_sdk_account::Client::new(&config)
        .put_alternate_contact()
        .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)
        .name("Security team")
        .title("Security")
        .email_address("security@example.com")
        .phone_number("+1-555-0100")
        .send()
        .await
        .unwrap();
    aws_sdk_securityhub::Client::new(&config)
        .enable_security_hub()
        .enable_default_standards(false)
        .send()
        .await
        .unwrap();

    LivedIn {
        default_vpc,
        eni,
        custom_vpc,
        detector,
        trail_bucket,
        public_bucket,
        key,
    }
}
