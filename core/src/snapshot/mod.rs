//! The account's security state as one serde value: what `snapshot` reads and what the
//! planner and the FSBP evaluator look at.
//!
//! Every read that can fail on its own is wrapped in [`Observed`], so that a read that
//! failed (`AccessDenied`, a throttled call that ran out of retries) stays distinct from
//! "absent": the planner never creates what it could not see.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod earlier;

pub mod accessanalyzer;
pub mod account;
pub mod athena;
pub mod cloudformation;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod guardduty;
pub mod iam;
pub mod inspector;
pub mod kms;
pub mod logs;
pub mod macie;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod ssm;

// The state of each service, and what reading it takes, in a file per service.
pub use self::accessanalyzer::{Analyzer, ArchiveFilter, Criterion};
pub use self::account::AlternateContact;
pub use self::athena::WorkGroup;
pub use self::cloudformation::{Stack, StackFailure, StackPhase};
pub use self::cloudtrail::Trail;
pub use self::config::{ConfigRecorder, ConfigService, DeliveryChannel};
pub use self::ec2::{
    Ebs, InternetGatewayBlockMode, NetworkAcl, NetworkInterface, NetworkRule, RouteTable,
    SecurityGroup, SnapshotBlockPublicAccess, Subnet, Vpc, VpcBlockPublicAccess,
};
pub use self::guardduty::Detector;
pub use self::iam::{IamRole, IamUser, MfaKind, PasswordPolicy, RootUser};
pub use self::inspector::{Inspector, InspectorReadiness, InspectorResourceState, InspectorStatus};
pub use self::kms::{KeyState, KmsKey};
pub use self::logs::LogGroup;
pub use self::macie::Macie;
pub use self::s3::{Bucket, PublicAccessBlock, VersioningStatus};
pub use self::securityhub::{
    ControlAssociation, ControlFinding, NOT_READY_FOR_UPDATES, SecurityHub, StandardReadiness,
    WorkflowStatus,
};
pub use self::ssm::Ssm;

/// Whether something belongs to the account as a whole or to each region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Read or run once for the account (`"global"`).
    Account,
    /// Read or run in each enabled region.
    Regional,
}

/// What reading a part takes: the service it asks and the IAM actions its calls need (the
/// first one is the call that starts the read, named when access is denied). Each part's
/// row stands with its state, in `snapshot/<service>.rs` (`READ_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartFacts {
    pub reach: Reach,
    /// The service (`iam`, `s3control`, `guardduty`).
    pub service: &'static str,
    pub iam_actions: &'static [&'static str],
}

/// Version of the snapshot JSON. Bump on incompatible changes.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// The pseudo-region used for account-wide things (IAM, S3 account settings, contacts).
pub const GLOBAL: &str = "global";

/// An AWS error as the API returned it: the error code, the message, and the HTTP status
/// of the answer when there was one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AwsError {
    pub code: String,
    pub message: String,
    /// The HTTP status AWS answered with (`429`, `503`, `400`); absent for an error that
    /// got no answer, one of the simulator's, and in JSON written before it was kept.
    /// 429 and 5xx are transient whatever the operation (`retry::classify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
}

impl AwsError {
    /// Codes AWS services use for a missing permission.
    pub const ACCESS_DENIED_CODES: [&'static str; 5] = [
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "UnauthorizedAccess",
    ];

    // Codes of ours, for what did not come with an AWS error code: each is spelt
    // `secure-account:<Name>`, a namespace no AWS code uses (AWS's are `CamelCase`,
    // `SCREAMING_CASE` or dotted `Name.Qualifier`), so that none is taken for an AWS code
    // or classified as one (AWS's own `InternalError` is throttling; ours is a bug).

    /// The prefix of every code of ours.
    pub const OURS: &'static str = "secure-account:";
    /// The endpoint does not serve the operation (an emulator's error page).
    pub const NOT_IMPLEMENTED: &'static str = "secure-account:NotImplemented";
    /// An HTTP 5xx without an AWS error code: a transient server or proxy error.
    pub const SERVER_ERROR: &'static str = "secure-account:HttpServerError";
    /// Another HTTP error without an AWS error code.
    pub const HTTP_ERROR: &'static str = "secure-account:HttpError";
    /// The request got no answer (connection refused or reset).
    pub const DISPATCH_FAILURE: &'static str = "secure-account:DispatchFailure";
    /// No answer in time.
    pub const TIMEOUT: &'static str = "secure-account:Timeout";
    /// The action could not be sent as planned (a parameter the SDK refuses).
    pub const INVALID_PARAMETER: &'static str = "secure-account:InvalidParameter";
    /// The action refers to something the run did not produce (a key not created).
    pub const INVALID_PLAN: &'static str = "secure-account:InvalidPlan";
    /// The answer could not be read (a field AWS always sends was missing).
    pub const UNPARSABLE_RESPONSE: &'static str = "secure-account:UnparsableResponse";
    /// The answer holds a value the snapshot's types do not know.
    pub const UNKNOWN_VALUE: &'static str = "secure-account:UnknownValue";
    /// The SDK could not build the request.
    pub const CONSTRUCTION_FAILURE: &'static str = "secure-account:ConstructionFailure";
    /// An SDK error of a kind the adapters do not know.
    pub const UNKNOWN: &'static str = "secure-account:Unknown";
    /// A bug of ours (a part read in the wrong place, an answer of another part).
    pub const INTERNAL: &'static str = "secure-account:Internal";
    /// A readiness wait ran out of its budget.
    pub const STANDARD_NOT_READY: &'static str = "secure-account:StandardNotReady";
    /// Inspector's types were still not `ENABLED` when the wait's budget ran out.
    pub const INSPECTOR_NOT_ENABLED: &'static str = "secure-account:InspectorNotEnabled";
    /// An Inspector type still plain `DISABLED` (no `errorCode`) past the grace period.
    pub const INSPECTOR_NOT_STARTED: &'static str = "secure-account:InspectorNotStarted";
    /// The state a modelled effect needs is unknown (its read failed).
    pub const UNKNOWN_STATE: &'static str = "secure-account:UnknownState";
    /// An action run in the wrong scope (regional in `global`, or the reverse).
    pub const WRONG_SCOPE: &'static str = "secure-account:WrongScope";
    /// A modelled effect found nothing to act on.
    pub const NOT_FOUND: &'static str = "secure-account:NotFound";

    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            http_status: None,
        }
    }

    /// The same error, answered with HTTP `status`.
    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Whether AWS answered with HTTP 429 (too many requests) or a 5xx (a server fault):
    /// transient for every operation. Our own codes say what happened themselves (an
    /// emulator's HTTP 500 page is `NotImplemented`, never retried).
    pub fn transient_status(&self) -> bool {
        !self.is_ours()
            && self
                .http_status
                .is_some_and(|s| s == 429 || (500..600).contains(&s))
    }

    /// Whether the code is one of ours, not AWS's.
    pub fn is_ours(&self) -> bool {
        self.code.starts_with(Self::OURS)
    }

    /// Whether the error says the caller lacks a permission.
    pub fn is_access_denied(&self) -> bool {
        Self::ACCESS_DENIED_CODES.contains(&self.code.as_str())
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The result of reading one part of the account.
///
/// In JSON a known value is the value itself; a failed read is `{"read_error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Observed<T> {
    /// The read failed: nothing is known about this part.
    Unreadable { read_error: AwsError },
    /// The read succeeded.
    Known(T),
}

impl<T: Default> Default for Observed<T> {
    fn default() -> Self {
        Observed::Known(T::default())
    }
}

impl<T> Observed<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Observed::Known(v) => Some(v),
            Observed::Unreadable { .. } => None,
        }
    }
    pub fn known_mut(&mut self) -> Option<&mut T> {
        match self {
            Observed::Known(v) => Some(v),
            Observed::Unreadable { .. } => None,
        }
    }
    pub fn read_error(&self) -> Option<&AwsError> {
        match self {
            Observed::Known(_) => None,
            Observed::Unreadable { read_error } => Some(read_error),
        }
    }
    pub fn unreadable(code: &str, message: &str) -> Self {
        Observed::Unreadable {
            read_error: AwsError::new(code, message),
        }
    }
}

/// Everything the baseline and the FSBP evaluation need to know about one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Snapshot {
    pub format_version: u32,
    pub account_id: String,
    /// Account-wide state (IAM, S3 account settings, buckets, contacts).
    pub global: AccountWide,
    /// Every region the account knows of, enabled or not, by name.
    pub regions: BTreeMap<String, RegionSnapshot>,
}

impl Snapshot {
    /// Regions whose opt-in status lets the account use them.
    pub fn enabled_regions(&self) -> impl Iterator<Item = (&String, &RegionSnapshot)> {
        self.regions
            .iter()
            .filter(|(_, r)| r.opt_in_status.is_enabled())
    }

    /// A stable fingerprint of the snapshot: plans computed from it carry it, and `apply`
    /// refuses a saved plan whose fingerprint no longer matches the account.
    ///
    /// It is the SHA-256 of the snapshot's compact JSON, which is streamed into the hash
    /// rather than built in memory first.
    pub fn fingerprint(&self) -> String {
        sha256_of(self)
    }

    /// The bucket called `name`, if the bucket list was readable and holds it.
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.global
            .buckets
            .known()
            .and_then(|bs| bs.iter().find(|b| b.name == name))
    }
}

/// `sha256:` and the first 16 bytes of the SHA-256 of `value`'s compact JSON, streamed into
/// the hash rather than built in memory first.
pub(crate) fn sha256_of<T: serde::Serialize + ?Sized>(value: &T) -> String {
    use sha2::{Digest, Sha256};
    let mut writer = std::io::BufWriter::with_capacity(16 * 1024, HashWriter(Sha256::new()));
    serde_json::to_writer(&mut writer, value).expect("the value always serialises");
    let HashWriter(hasher) = writer
        .into_inner()
        .unwrap_or_else(|_| unreachable!("hashing cannot fail"));
    let digest = hasher.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(7 + 32);
    out.push_str("sha256:");
    // The first 16 bytes of the digest, as 32 lowercase hex digits.
    for b in &digest[..16] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// Feeds what is written to it into a hash (for [`sha256_of`]).
struct HashWriter<D>(D);

impl<D: sha2::Digest> std::io::Write for HashWriter<D> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A region's opt-in status, as `ec2:DescribeRegions --all-regions` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OptInStatus {
    OptInNotRequired,
    OptedIn,
    NotOptedIn,
}

impl OptInStatus {
    pub fn is_enabled(self) -> bool {
        matches!(self, OptInStatus::OptInNotRequired | OptInStatus::OptedIn)
    }
}

/// Account-wide state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct AccountWide {
    /// `iam:GetAccountPasswordPolicy`; `None` when the account has none (`NoSuchEntity`).
    pub password_policy: Observed<Option<PasswordPolicy>>,
    /// The root user's MFA and access keys (`iam:GetAccountSummary`, credential report).
    pub root: Observed<RootUser>,
    pub users: Observed<Vec<IamUser>>,
    /// Roles the baseline cares about (service-linked roles, the CloudTrail delivery role).
    pub roles: Observed<Vec<IamRole>>,
    /// `s3control:GetPublicAccessBlock` for the account; `None` when never set.
    pub account_public_access_block: Observed<Option<PublicAccessBlock>>,
    pub buckets: Observed<Vec<Bucket>>,
    /// `account:GetAlternateContact --alternate-contact-type SECURITY`.
    pub security_contact: Observed<Option<AlternateContact>>,
}

/// The state of one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegionSnapshot {
    pub opt_in_status: OptInStatus,
    /// The services' state; meaningless (and defaulted) in a region that is not enabled.
    #[serde(default)]
    pub services: RegionServices,
}

impl RegionSnapshot {
    pub fn disabled() -> Self {
        RegionSnapshot {
            opt_in_status: OptInStatus::NotOptedIn,
            services: RegionServices::default(),
        }
    }
}

/// A region's parts. Snapshots of earlier versions load too (see `earlier.rs`: the EBS
/// part once held the snapshot block public access state).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "earlier::RegionServicesIn")]
pub struct RegionServices {
    /// `securityhub:DescribeHub` and friends; `None` when Security Hub is not enabled.
    pub security_hub: Observed<Option<SecurityHub>>,
    /// The region's GuardDuty detector; `None` when there is none.
    pub guardduty: Observed<Option<Detector>>,
    pub config: Observed<ConfigService>,
    /// Trails whose home region is this region (no shadow trails).
    pub trails: Observed<Vec<Trail>>,
    /// Customer managed KMS keys.
    pub kms_keys: Observed<Vec<KmsKey>>,
    pub log_groups: Observed<Vec<LogGroup>>,
    pub analyzers: Observed<Vec<Analyzer>>,
    /// EBS encryption by default and the public snapshots.
    pub ebs: Observed<Ebs>,
    /// `ec2:GetSnapshotBlockPublicAccessState`, read on its own: an account or endpoint
    /// that refuses it leaves the EBS part readable.
    pub snapshot_block_public_access: Observed<SnapshotBlockPublicAccess>,
    pub vpcs: Observed<Vec<Vpc>>,
    /// VPC block public access: `off`, `block-bidirectional` or `block-ingress`.
    pub vpc_block_public_access: Observed<VpcBlockPublicAccess>,
    pub athena_workgroups: Observed<Vec<WorkGroup>>,
    pub ssm: Observed<Ssm>,
    pub inspector: Observed<Inspector>,
    pub macie: Observed<Macie>,
    /// The region's CloudFormation stacks.
    pub cloudformation_stacks: Observed<Vec<Stack>>,
}
