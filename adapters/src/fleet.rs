//! Many accounts through one set of credentials (the operator's, usually in the
//! organisation's management account): the member accounts of an AWS Organization
//! (`organizations:ListAccounts`), and each account opened by assuming a role in it
//! (`sts:AssumeRole`, the role `OrganizationAccountAccessRole` by default, with an external
//! id where the role's trust policy asks for one).
//!
//! These calls are made with the operator's credentials, not inside the member accounts:
//! they are not part of `iam-policy` (the member accounts' policy); the operator needs
//! exactly [`OPERATOR_IAM_ACTIONS`].

use std::time::{Duration, Instant, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_types::error::display::DisplayErrorContext;

use secure_account_core::AwsError;
use secure_account_engine::fleet::{FleetAccount, Opener};

use crate::error::aws;
use crate::{AwsAccount, AwsConfig, ConnectError, ReadTuning};

/// The IAM actions the operator's credentials need for a fleet: assuming the role in each
/// account, and (with `--organization`) listing the organisation's accounts.
pub const OPERATOR_IAM_ACTIONS: [&str; 2] = ["sts:AssumeRole", "organizations:ListAccounts"];

/// The role assumed in every account when none is named: the one AWS Organizations
/// creates in the accounts it creates.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// How long the assumed role's credentials last: one hour, the most AWS allows when the
/// operator's own credentials come from a role (role chaining).
pub const SESSION: Duration = Duration::from_secs(3600);

/// Which role to assume in each account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_name: String,
    /// The external id the role's trust policy requires (`sts:ExternalId`), if any.
    pub external_id: Option<String>,
}

/// One member account as `ListAccounts` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE` (the `State`, or the older `Status`).
    pub state: String,
}

/// The fleet on AWS: the operator's configuration, and the role assumed in each account.
#[derive(Debug)]
pub struct AwsFleet {
    sdk: SdkConfig,
    endpoint_url: Option<String>,
    home_region: String,
    regions: Vec<String>,
    role: AssumeRole,
    /// `aws`, `aws-cn`, `aws-us-gov`: from the operator's own ARN.
    partition: String,
    started: Instant,
}

impl AwsFleet {
    /// Loads the operator's credentials (as [`AwsAccount::connect`] does) and reads who
    /// they are (`sts:GetCallerIdentity`, for the partition of the role ARNs). `regions`
    /// limits every account to those regions when it is not empty.
    pub async fn connect(
        cfg: AwsConfig,
        regions: Vec<String>,
        role: AssumeRole,
    ) -> Result<AwsFleet, ConnectError> {
        let sdk = crate::operator_sdk_config(&cfg, &ReadTuning::from_env()).await;
        let provider = sdk
            .credentials_provider()
            .ok_or_else(|| ConnectError::NoCredentials {
                reason: "no credential provider is configured".into(),
            })?;
        if let Err(e) = provider.provide_credentials().await {
            return Err(ConnectError::NoCredentials {
                reason: DisplayErrorContext(&e).to_string(),
            });
        }
        Ok(Self::from_sdk_config(sdk, cfg.endpoint_url, cfg.region, regions, role).await)
    }

    /// The fleet of an `SdkConfig` built by the caller (tests).
    pub async fn from_sdk_config(
        sdk: SdkConfig,
        endpoint_url: Option<String>,
        home_region: String,
        regions: Vec<String>,
        role: AssumeRole,
    ) -> AwsFleet {
        let sts = aws_sdk_sts::Client::new(&sdk);
        let partition = sts
            .get_caller_identity()
            .send()
            .await
            .ok()
            .and_then(|out| {
                out.arn()
                    .and_then(|arn| arn.split(':').nth(1).map(str::to_string))
            })
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "aws".to_string());
        AwsFleet {
            sdk,
            endpoint_url,
            home_region,
            regions,
            role,
            partition,
            started: Instant::now(),
        }
    }

    /// The ARN of the role assumed in `account_id`.
    pub fn role_arn(&self, account_id: &str) -> String {
        format!(
            "arn:{}:iam::{account_id}:role/{}",
            self.partition, self.role.role_name
        )
    }

    /// Every account of the organisation, paginated (`organizations:ListAccounts`, only
    /// from the management account or a delegated administrator).
    pub async fn organization_accounts(&self) -> Result<Vec<OrgAccount>, AwsError> {
        list_accounts(&aws_sdk_organizations::Client::new(&self.sdk)).await
    }

    /// Assumes the role in `account_id`: the account's own configuration, with the role's
    /// credentials for [`SESSION`], assumed again when they run out. The first
    /// `AssumeRole` is made here, so that an account whose role cannot be assumed fails
    /// to open with STS's error; later ones by the SDK's `AssumeRoleProvider`, when the
    /// SDK's identity cache finds the credentials expiring (a fleet run longer than an
    /// hour, or an apply waiting on Security Hub for long).
    pub async fn assume(&self, account_id: &str) -> Result<SdkConfig, AwsError> {
        let role_arn = self.role_arn(account_id);
        let session_name = format!("secure-account-{account_id}");
        let credentials = assume_role(
            &aws_sdk_sts::Client::new(&self.sdk),
            &role_arn,
            self.role.external_id.as_deref(),
            &session_name,
        )
        .await?;
        let mut again = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name(session_name)
            .session_length(SESSION)
            .configure(&self.sdk);
        if let Some(id) = &self.role.external_id {
            again = again.external_id(id);
        }
        let provider = Renewed::new(credentials, again.build().await);
        Ok(self
            .sdk
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build())
    }
}

/// `sts:AssumeRole`: temporary credentials of `role_arn`.
pub async fn assume_role(
    sts: &aws_sdk_sts::Client,
    role_arn: &str,
    external_id: Option<&str>,
    session_name: &str,
) -> Result<Credentials, AwsError> {
    let out = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name(session_name)
        .set_external_id(external_id.map(str::to_string))
        .duration_seconds(SESSION.as_secs() as i32)
        .send()
        .await
        .map_err(aws("sts:AssumeRole"))?;
    let c = out.credentials().ok_or_else(|| {
        AwsError::new(
            AwsError::UNPARSABLE_RESPONSE,
            "AssumeRole answered without credentials",
        )
    })?;
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "AssumeRole",
    ))
}

/// The first credentials of an assumed role while they have more than [`RENEW_BEFORE`]
/// left, then whatever `renew` gives (the SDK's `AssumeRoleProvider`: `AssumeRole` again
/// with the operator's credentials). The SDK's identity cache asks again only when what it
/// holds is about to expire.
#[derive(Debug)]
pub struct Renewed<P> {
    first: std::sync::Mutex<Option<Credentials>>,
    renew: P,
}

/// Credentials this close to their expiry are not handed out: the next call might be
/// signed with them after they expire (a call waits, retries and is signed again).
pub const RENEW_BEFORE: Duration = Duration::from_secs(300);

impl<P: ProvideCredentials> Renewed<P> {
    pub fn new(first: Credentials, renew: P) -> Renewed<P> {
        Renewed {
            first: std::sync::Mutex::new(Some(first)),
            renew,
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for Renewed<P> {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let first = self
            .first
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let fresh = |c: &Credentials| {
            c.expiry()
                .is_none_or(|e| e > SystemTime::now() + RENEW_BEFORE)
        };
        match first.filter(fresh) {
            Some(c) => aws_credential_types::provider::future::ProvideCredentials::ready(Ok(c)),
            None => self.renew.provide_credentials(),
        }
    }
}

/// `organizations:ListAccounts`, every page.
pub async fn list_accounts(
    org: &aws_sdk_organizations::Client,
) -> Result<Vec<OrgAccount>, AwsError> {
    let mut accounts = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let out = org
            .list_accounts()
            .set_next_token(next.take())
            .send()
            .await
            .map_err(aws("organizations:ListAccounts"))?;
        for a in out.accounts() {
            let Some(id) = a.id() else { continue };
            #[allow(deprecated)]
            let state = a
                .state()
                .map(|s| s.as_str().to_string())
                .or_else(|| a.status().map(|s| s.as_str().to_string()))
                .unwrap_or_default();
            accounts.push(OrgAccount {
                id: id.to_string(),
                name: a.name().map(str::to_string),
                state,
            });
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(accounts)
}

impl Opener for AwsFleet {
    type Port = AwsAccount;

    async fn open(&self, account: &FleetAccount) -> Result<AwsAccount, AwsError> {
        let sdk = self.assume(&account.id).await?;
        Ok(
            AwsAccount::from_sdk_config(sdk, self.endpoint_url.clone(), self.home_region.clone())
                .with_regions(self.regions.iter().cloned()),
        )
    }

    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}
