//! The AWS adapters: discovery (AWS → snapshot parts) over the AWS SDK for Rust,
//! implementing the engine's port for a real account (or an AWS-compatible endpoint such
//! as moto).
//!
//! A file per service (`iam.rs`, `s3/`, …), as core has one in `snapshot` and one in `action`,
//! holds both sides of it:
//! - its reads: one function per snapshot part, which paginates everything, maps the
//!   fields the snapshot keeps, and turns an SDK error into the `AwsError` (AWS's code and
//!   message) that makes the part unreadable;
//! - its actions: each action kind of the service implements [`execute::Execute`], reached
//!   through the one dispatch of [`execute::execute`], generated from core's list of kinds.

pub mod accessanalyzer;
pub mod account;
pub mod athena;
pub mod clients;
pub mod cloudformation;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod error;
pub mod execute;
pub mod fleet;
pub mod fleet_stack;
pub mod guardduty;
pub mod iam;
pub mod inspector;
pub mod kms;
pub mod logs;
pub mod macie;
mod port;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod ssm;
mod util;

/// The SDK configuration of the operator's own credentials: the region, the profile and
/// the endpoint of `cfg`, with the read retry and timeout settings of `tuning`.
pub(crate) async fn operator_sdk_config(cfg: &AwsConfig, tuning: &ReadTuning) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(cfg.region.clone()))
        .retry_config(tuning.retry_config())
        .timeout_config(tuning.timeout_config());
    if let Some(p) = &cfg.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &cfg.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

#[cfg(test)]
mod sentence_tests {
    use super::*;

    #[derive(Debug)]
    struct Chain(&'static str, Option<Box<Chain>>);
    impl std::fmt::Display for Chain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Chain {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|c| c as _)
        }
    }

    #[test]
    fn an_error_chain_reads_as_a_sentence_without_debug() {
        let e = Chain(
            "the credential provider was not enabled",
            Some(Box::new(Chain(
                "no credentials found in chain. Attempted:\n  Environment: the credential \
                 provider was not enabled: environment variable not set\n  Profile: the \
                 credential provider was not enabled",
                Some(Box::new(Chain("environment variable not set", None))),
            ))),
        );
        let text = credentials_sentence(&error_sentence(&e));
        assert_eq!(
            text,
            "no credentials found in chain; tried Environment: environment variable not set; \
             Profile"
        );
        assert!(!text.contains('{') && !text.contains("CredentialsNotLoaded"));
    }
}

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

pub use clients::Clients;

/// Where the account is: the options of the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsConfig {
    /// A named profile of the shared config files (`--profile`); else `AWS_PROFILE` or the
    /// default chain.
    pub profile: Option<String>,
    /// The home region (`--region`): account-wide reads go there.
    pub region: String,
    /// An AWS-compatible endpoint for every client (`--endpoint-url`, moto in tests).
    pub endpoint_url: Option<String>,
}

/// How the SDK retries and waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadTuning {
    /// Attempts per call, the first included (1: no retry).
    pub max_attempts: u32,
    /// Adaptive retry: a client-side rate limiter slows down after throttling answers.
    pub adaptive: bool,
    /// How long one attempt may take.
    pub attempt_timeout: Duration,
    /// How long one call may take, retries included.
    pub operation_timeout: Duration,
}

impl Default for ReadTuning {
    fn default() -> Self {
        ReadTuning {
            max_attempts: 5,
            adaptive: true,
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(90),
        }
    }
}

impl ReadTuning {
    /// The defaults, with the attempts of `AWS_MAX_ATTEMPTS` when it is set (as every AWS
    /// SDK honours it; `AWS_MAX_ATTEMPTS=1` makes reads against an emulator fail fast on
    /// what it does not implement).
    pub fn from_env() -> Self {
        let mut t = ReadTuning::default();
        if let Some(n) = std::env::var("AWS_MAX_ATTEMPTS")
            .ok()
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|n| *n >= 1)
        {
            t.max_attempts = n;
        }
        t
    }

    /// For tests against an emulator: no retry, short timeouts.
    pub fn no_retry() -> Self {
        ReadTuning {
            max_attempts: 1,
            adaptive: false,
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(20),
        }
    }

    pub(crate) fn retry_config(&self) -> RetryConfig {
        if self.max_attempts <= 1 {
            return RetryConfig::disabled();
        }
        let base = if self.adaptive {
            RetryConfig::adaptive()
        } else {
            RetryConfig::standard()
        };
        base.with_max_attempts(self.max_attempts)
    }

    pub(crate) fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(self.attempt_timeout)
            .operation_timeout(self.operation_timeout)
            .build()
    }
}

/// Why the account could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The credential chain found nothing usable.
    #[error(
        "no AWS credentials found ({reason}); provide them with a profile (`--profile NAME` or \
         `AWS_PROFILE=NAME`; run `aws sso login --profile NAME` first for an SSO profile), or \
         with the environment variables `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (plus \
         `AWS_SESSION_TOKEN` for temporary credentials); or use the built-in simulated account \
         with `--simulate`"
    )]
    NoCredentials { reason: String },
    /// `--profile NAME` (or `AWS_PROFILE`) names a profile the AWS config and credentials
    /// files do not have.
    #[error(
        "the AWS profile `{name}` does not exist in {files}{known}; name one of them with \
         `--profile NAME`, create it with `aws configure --profile {name}` (or `aws configure \
         sso --profile {name}`), or use the built-in simulated account with `--simulate`"
    )]
    NoSuchProfile {
        name: String,
        files: String,
        known: String,
    },
}

/// The profiles the AWS config and credentials files define, and the region each sets, as
/// the AWS CLI reads them (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/`).
#[derive(Debug, Clone, Default)]
pub struct Profiles {
    /// Profile name → its `region`, if it sets one.
    pub regions: std::collections::BTreeMap<String, Option<String>>,
}

impl Profiles {
    /// Reads the files; no file is no profile.
    pub async fn load() -> Profiles {
        use aws_types::os_shim_internal::{Env, Fs};
        let files = aws_runtime::env_config::file::EnvConfigFiles::default();
        let Ok(set) = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None).await
        else {
            return Profiles::default();
        };
        Profiles {
            regions: set
                .profiles()
                .map(|name| {
                    let region = set
                        .get_profile(name)
                        .and_then(|p| p.get("region"))
                        .map(str::to_string);
                    (name.to_string(), region)
                })
                .collect(),
        }
    }

    /// The region `profile` sets (the AWS CLI's default region for it): `profile`, else
    /// `AWS_PROFILE`, else `default`.
    pub fn region(&self, profile: Option<&str>) -> Option<String> {
        let name = selected_profile(profile);
        self.regions.get(&name).cloned().flatten()
    }

    /// An error when `profile` (or `AWS_PROFILE`) names a profile the files lack.
    pub fn check(&self, profile: Option<&str>) -> Result<(), ConnectError> {
        let explicit = profile
            .map(str::to_string)
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        let Some(name) = explicit else {
            return Ok(());
        };
        if self.regions.contains_key(&name) {
            return Ok(());
        }
        let config = std::env::var("AWS_CONFIG_FILE").unwrap_or_else(|_| "~/.aws/config".into());
        let credentials = std::env::var("AWS_SHARED_CREDENTIALS_FILE")
            .unwrap_or_else(|_| "~/.aws/credentials".into());
        let known = if self.regions.is_empty() {
            " (they define no profile)".to_string()
        } else {
            format!(
                " (they define: {})",
                self.regions.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        Err(ConnectError::NoSuchProfile {
            name,
            files: format!("`{config}` or `{credentials}`"),
            known,
        })
    }
}

fn selected_profile(profile: Option<&str>) -> String {
    profile
        .map(str::to_string)
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".to_string())
}

/// The credential chain's error without the phrase its every provider repeats:
/// `no credentials found in chain; tried Environment: environment variable not set; Profile; …`.
fn credentials_sentence(text: &str) -> String {
    const NOT_ENABLED: &str = "the credential provider was not enabled";
    let text = text
        .replace(&format!("{NOT_ENABLED}: "), "")
        .replace(&format!(": {NOT_ENABLED}"), "")
        .replace(NOT_ENABLED, "")
        .replace(". Attempted:;", "; tried");
    text.trim_matches(|c: char| c == ':' || c == ' ' || c == ';')
        .to_string()
}

/// An error and its sources as one sentence: each cause's own message (`Display`), never
/// a debug dump; a cause that repeats the one before it is left out, and the lines of a
/// multi-line message are joined with `; `.
pub fn error_sentence(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let text = err
            .to_string()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

/// A real AWS account (or an AWS-compatible endpoint) read through the SDK.
#[derive(Debug)]
pub struct AwsAccount {
    clients: Clients,
    /// The same clients for write calls (no SDK retries; counted as writes).
    writes: Clients,
    started: Instant,
    account_id: tokio::sync::OnceCell<String>,
    only_regions: Option<std::collections::BTreeSet<String>>,
}

impl AwsAccount {
    /// Opens the account the credential chain points at, with the retry settings of
    /// [`ReadTuning::from_env`]. Fails when there are no credentials.
    pub async fn connect(cfg: AwsConfig) -> Result<AwsAccount, ConnectError> {
        Self::connect_with(cfg, ReadTuning::from_env()).await
    }

    /// [`AwsAccount::connect`] with explicit retry settings.
    pub async fn connect_with(
        cfg: AwsConfig,
        tuning: ReadTuning,
    ) -> Result<AwsAccount, ConnectError> {
        Profiles::load().await.check(cfg.profile.as_deref())?;
        let sdk = operator_sdk_config(&cfg, &tuning).await;
        let provider = sdk
            .credentials_provider()
            .ok_or_else(|| ConnectError::NoCredentials {
                reason: "no credential provider is configured".into(),
            })?;
        // Only whether credentials resolve is checked here; they are never printed.
        if let Err(e) = provider.provide_credentials().await {
            return Err(ConnectError::NoCredentials {
                reason: credentials_sentence(&error_sentence(&e)),
            });
        }
        Ok(Self::from_sdk_config(sdk, cfg.endpoint_url, cfg.region))
    }

    /// The account of an `SdkConfig` built by the caller (tests: static credentials, retry
    /// and timeouts of their own). `endpoint_url` must be the one the config sends to, if
    /// any: S3 and S3 Control need it for their addressing.
    pub fn from_sdk_config(
        sdk: SdkConfig,
        endpoint_url: Option<String>,
        home_region: String,
    ) -> AwsAccount {
        let clients = Clients::new(sdk, endpoint_url, home_region);
        AwsAccount {
            writes: clients.for_writes(),
            clients,
            started: Instant::now(),
            account_id: tokio::sync::OnceCell::new(),
            only_regions: None,
        }
    }

    /// Reads only `regions` (a non-empty list): the snapshot then knows only these, as if
    /// the account had no others. For `--regions`, and for tests that do not want every
    /// region of the account read.
    pub fn with_regions(mut self, regions: impl IntoIterator<Item = String>) -> AwsAccount {
        let set: std::collections::BTreeSet<String> = regions.into_iter().collect();
        self.only_regions = (!set.is_empty()).then_some(set);
        self
    }

    /// The regions [`AwsAccount::with_regions`] limits the read to, if any.
    pub fn only_regions(&self) -> Option<&std::collections::BTreeSet<String>> {
        self.only_regions.as_ref()
    }

    /// The SDK clients of this account.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// The clients for write calls ([`Clients::for_writes`]).
    pub fn write_clients(&self) -> &Clients {
        &self.writes
    }

    /// Read requests sent so far (each attempt, retries included).
    pub fn read_calls(&self) -> u64 {
        self.clients.calls()
    }

    /// Time since the account was opened.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The account id (`sts:GetCallerIdentity`, asked once).
    pub async fn account_id(&self) -> Result<String, secure_account_core::AwsError> {
        self.account_id
            .get_or_try_init(|| async {
                ec2::read_account_id(&self.clients.sts(self.clients.home_region())).await
            })
            .await
            .cloned()
    }
}
