//! The SDK clients: one shared `SdkConfig` (credentials, retry, timeouts, endpoint), a
//! client per service and region on demand, and the interceptors that count calls.
//!
//! **Who retries.** Reads retry inside the SDK (standard or adaptive mode, the attempts of
//! [`crate::ReadTuning`]). Writes do not: the clients of [`Clients::for_writes`] have the
//! SDK's retries turned off, and the engine alone retries a write, by the class of AWS's
//! error and within that class's budget (`engine::retry`). So a throttled write is retried
//! once per engine attempt, never `engine attempts × SDK attempts` times.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_config::SdkConfig;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Counts every request sent (each attempt, retries included).
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<AtomicU64>);

impl CallCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "SecureAccountCallCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// An answer that says the endpoint does not serve the operation (the same signs as
/// [`crate::error`]'s `NotImplemented`: HTTP 404/405/501, an HTML error page, moto's
/// `NotImplementedError` or "Unable to find appropriate backend") is final: the SDK's
/// retry would ask again for nothing (moto answers these with HTTP 500, which the SDK
/// treats as transient). It runs after the SDK's own classifiers and overrides them.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotServedIsFinal;

impl aws_smithy_runtime_api::client::retries::classifiers::ClassifyRetry for NotServedIsFinal {
    fn classify_retry(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::InterceptorContext,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryAction {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryAction;
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        let status = response.status().as_u16();
        if status < 400 {
            return RetryAction::NoActionIndicated;
        }
        // An AWS error names its code in a header or the body; AWS's own 5xx always does.
        if response.headers().get("x-amzn-errortype").is_some() {
            return RetryAction::NoActionIndicated;
        }
        let body = response
            .body()
            .bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        if crate::error::is_not_served(status, &body) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "SecureAccountNotServedIsFinal"
    }

    fn priority(
        &self,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryClassifierPriority as P;
        P::run_after(P::run_after(P::transient_error_classifier()))
    }
}

/// S3 Control puts the account id in front of the host (`{account}.s3-control...`), which
/// cannot resolve for an IP endpoint such as moto's `127.0.0.1`, and this SDK version has
/// no switch to turn the host prefix off. With an endpoint URL, S3 Control goes to exactly
/// that URL instead.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

/// Where the Account API (`account:GetAlternateContact`, `account:PutAlternateContact`)
/// is served in the `aws` partition.
pub const ACCOUNT_API_REGION: &str = "us-east-1";

/// Builds the SDK clients for one account.
#[derive(Debug, Clone)]
pub struct Clients {
    sdk: SdkConfig,
    endpoint_url: Option<String>,
    /// The counter of the clients built here: `reads` or `writes`.
    counter: CallCounter,
    reads: CallCounter,
    writes: CallCounter,
    home_region: String,
}

macro_rules! regional_client {
    ($(#[$doc:meta])* $name:ident, $krate:ident) => {
        $(#[$doc])*
        pub fn $name(&self, region: &str) -> $krate::Client {
            $krate::Client::from_conf(
                $krate::config::Builder::from(&self.sdk)
                    .region($krate::config::Region::new(region.to_string()))
                    .interceptor(self.counter.clone())
                    .retry_classifier(NotServedIsFinal)
                    .build(),
            )
        }
    };
}

impl Clients {
    pub fn new(sdk: SdkConfig, endpoint_url: Option<String>, home_region: String) -> Self {
        let reads = CallCounter::default();
        Clients {
            sdk,
            endpoint_url,
            counter: reads.clone(),
            reads,
            writes: CallCounter::default(),
            home_region,
        }
    }

    /// The clients for write calls: the SDK does not retry (the engine does, see the
    /// module's documentation), and their requests count as writes.
    pub fn for_writes(&self) -> Clients {
        let sdk = self
            .sdk
            .to_builder()
            .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
            .build();
        Clients {
            sdk,
            counter: self.writes.clone(),
            ..self.clone()
        }
    }

    /// Read requests sent so far (each attempt, the SDK's retries included), by the
    /// clients of this account.
    pub fn calls(&self) -> u64 {
        self.reads.get()
    }

    /// Write requests sent so far (through [`Clients::for_writes`]).
    pub fn write_calls(&self) -> u64 {
        self.writes.get()
    }

    pub fn home_region(&self) -> &str {
        &self.home_region
    }

    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    regional_client!(sts, aws_sdk_sts);
    regional_client!(ec2, aws_sdk_ec2);
    regional_client!(
        /// IAM is global; the region only picks the partition.
        iam,
        aws_sdk_iam
    );
    regional_client!(
        /// The Account API is global, served from us-east-1 in the `aws` partition: use
        /// [`ACCOUNT_API_REGION`].
        account,
        aws_sdk_account
    );
    regional_client!(securityhub, aws_sdk_securityhub);
    regional_client!(guardduty, aws_sdk_guardduty);
    regional_client!(config, aws_sdk_config);
    regional_client!(cloudformation, aws_sdk_cloudformation);
    regional_client!(cloudtrail, aws_sdk_cloudtrail);
    regional_client!(kms, aws_sdk_kms);
    regional_client!(logs, aws_sdk_cloudwatchlogs);
    regional_client!(accessanalyzer, aws_sdk_accessanalyzer);
    regional_client!(athena, aws_sdk_athena);
    regional_client!(ssm, aws_sdk_ssm);
    regional_client!(inspector2, aws_sdk_inspector2);
    regional_client!(macie2, aws_sdk_macie2);

    /// S3 in `region`; path-style addressing when an endpoint URL is set (a bucket name
    /// in front of `localhost` does not resolve).
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut b = aws_sdk_s3::config::Builder::from(&self.sdk)
            .region(aws_sdk_s3::config::Region::new(region.to_string()))
            .interceptor(self.counter.clone())
            .retry_classifier(NotServedIsFinal);
        if self.endpoint_url.is_some() {
            b = b.force_path_style(true);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }

    /// S3 Control in `region`, going to the endpoint URL as it is when one is set.
    pub fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        let mut b = aws_sdk_s3control::config::Builder::from(&self.sdk)
            .region(aws_sdk_s3control::config::Region::new(region.to_string()))
            .interceptor(self.counter.clone())
            .retry_classifier(NotServedIsFinal);
        if let Some(url) = &self.endpoint_url {
            b = b.endpoint_resolver(FixedEndpoint(url.clone()));
        }
        aws_sdk_s3control::Client::from_conf(b.build())
    }
}
