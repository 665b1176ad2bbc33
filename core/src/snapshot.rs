//! The account's security state as one serde value: what `snapshot` reads and what the
//! planner and the FSBP evaluator look at.
//!
//! Every read that can fail on its own is wrapped in [`Observed`], so that a read that
//! failed (`AccessDenied`, a throttled call that ran out of retries) stays distinct from
//! "absent": the planner never creates what it could not see.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

mod earlier;
mod inspector;
pub use inspector::{Inspector, InspectorReadiness, InspectorResourceState, InspectorStatus};

/// Version of the snapshot JSON. Bump on incompatible changes.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// The pseudo-region used for account-wide things (IAM, S3 account settings, contacts).
pub const GLOBAL: &str = "global";

/// An AWS error as the API returned it: the error code and the message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AwsError {
    pub code: String,
    pub message: String,
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

    // Codes of ours, for what did not come with an AWS error code. The AWS adapters give
    // them; the engine classifies them (retried or not).

    /// The endpoint does not serve the operation (an emulator's error page).
    pub const NOT_IMPLEMENTED: &'static str = "NotImplemented";
    /// An HTTP 5xx without an AWS error code: a transient server or proxy error.
    pub const SERVER_ERROR: &'static str = "HttpServerError";
    /// The request got no answer (connection refused or reset).
    pub const DISPATCH_FAILURE: &'static str = "DispatchFailure";
    /// No answer in time.
    pub const TIMEOUT: &'static str = "Timeout";
    /// The action could not be sent as planned (a parameter the SDK refuses).
    pub const INVALID_PARAMETER: &'static str = "InvalidParameter";
    /// The action refers to something the run did not produce (a key not created).
    pub const INVALID_PLAN: &'static str = "InvalidPlan";

    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// Days; `None` means passwords never expire.
    pub max_password_age: Option<u32>,
    /// `None` means no reuse prevention.
    pub password_reuse_prevention: Option<u32>,
    pub hard_expiry: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaKind {
    #[default]
    None,
    Virtual,
    Hardware,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootUser {
    pub mfa: MfaKind,
    /// Number of access keys the root user has (IAM.4 wants 0).
    pub access_keys: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamUser {
    pub name: String,
    pub console_password: bool,
    pub mfa_devices: u32,
    pub active_access_keys: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamRole {
    pub name: String,
    pub path: String,
    pub arn: String,
    /// Service principals the trust policy lets assume the role (derived from
    /// `assume_role_policy_document` when it is known).
    pub trusted_services: BTreeSet<String>,
    /// Inline policies by name (policy documents as JSON text).
    pub inline_policies: BTreeMap<String, String>,
    /// The whole trust policy (`iam:ListRoles` `AssumeRolePolicyDocument`, URL-decoded JSON
    /// text); empty when unknown (snapshots of earlier versions).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assume_role_policy_document: String,
    /// The role's tags (`iam:ListRoleTags`): the tool tags the roles it creates.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
    pub fn all(&self) -> bool {
        *self == Self::ALL
    }
    /// The flag-wise OR: never turns a flag off.
    pub fn union(&self, other: &PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternateContact {
    pub name: String,
    pub title: String,
    pub email_address: String,
    pub phone_number: String,
}

/// An S3 general purpose bucket and the settings the FSBP S3 controls check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bucket {
    pub name: String,
    pub region: String,
    pub public_access_block: Option<PublicAccessBlock>,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`; `None` when unset.
    pub object_ownership: Option<String>,
    /// The ACL grants read or write to everyone or to any authenticated AWS user.
    pub public_acl: bool,
    /// Default encryption: `AES256`, `aws:kms` or `aws:kms:dsse`; `None` when unset.
    pub encryption: Option<String>,
    pub kms_key_id: Option<String>,
    /// `None` when versioning was never enabled.
    pub versioning: Option<VersioningStatus>,
    /// The bucket policy (JSON text).
    pub policy: Option<String>,
    /// Lifecycle rules by id (JSON text of each rule).
    pub lifecycle_rules: BTreeMap<String, String>,
    /// Server access logging target bucket.
    pub logging_target: Option<String>,
    pub logging_prefix: Option<String>,
    /// The bucket's tags (`s3:GetBucketTagging`): the tool tags the buckets it creates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The state of one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityHub {
    pub auto_enable_controls: bool,
    /// `SECURITY_CONTROL` (consolidated findings) or `STANDARD_CONTROL`.
    pub control_finding_generator: String,
    /// Enabled standards by ARN, with their status (`GetEnabledStandards`
    /// `StandardsStatus`: `PENDING`, `READY`, `INCOMPLETE`, `FAILED`, `DELETING`).
    /// `BatchEnableStandards` answers at once with `PENDING`; the subscription becomes
    /// `READY` (or `INCOMPLETE`/`FAILED`) minutes later.
    pub standards: BTreeMap<String, String>,
    /// `StandardsControlsUpdatable` by standard ARN, when AWS says the standard's controls
    /// cannot be updated yet (`NOT_READY_FOR_UPDATES`): control association updates answer
    /// `RESOURCE_NOT_FOUND` until then. A standard not listed here is
    /// `READY_FOR_UPDATES` once its status is `READY`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub controls_updatable: BTreeMap<String, String>,
    /// `StandardsStatusReason.StatusReasonCode` by standard ARN, for a subscription that
    /// ended `INCOMPLETE` or `FAILED` (`NO_AVAILABLE_CONFIGURATION_RECORDER`,
    /// `INTERNAL_ERROR`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub status_reasons: BTreeMap<String, String>,
    /// The FSBP standard's control associations by security control id.
    pub fsbp_controls: BTreeMap<String, ControlAssociation>,
    /// The cross-region finding aggregator, when one is configured in this region.
    pub finding_aggregator: Option<String>,
}

/// `StandardsControlsUpdatable` while a subscription is not ready for control updates.
pub const NOT_READY_FOR_UPDATES: &str = "NOT_READY_FOR_UPDATES";

/// How far a standard's subscription is, for a caller waiting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StandardReadiness {
    /// `READY` and its controls can be updated.
    Ready,
    /// Not subscribed, `PENDING`, or `READY` but `NOT_READY_FOR_UPDATES`: wait.
    Pending,
    /// `INCOMPLETE`, `FAILED` (or `DELETING`): it will not become ready by waiting. The
    /// status and AWS's `StatusReasonCode` (empty when none).
    Ended { status: String, reason: String },
}

impl SecurityHub {
    /// Whether the standard `arn` can take control association updates now.
    pub fn readiness(&self, arn: &str) -> StandardReadiness {
        match self.standards.get(arn).map(String::as_str) {
            None | Some("PENDING") => StandardReadiness::Pending,
            Some("READY") => {
                if self.controls_updatable.get(arn).map(String::as_str)
                    == Some(NOT_READY_FOR_UPDATES)
                {
                    StandardReadiness::Pending
                } else {
                    StandardReadiness::Ready
                }
            }
            Some(other) => StandardReadiness::Ended {
                status: other.to_string(),
                reason: self.status_reasons.get(arn).cloned().unwrap_or_default(),
            },
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlAssociation {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Detector {
    pub detector_id: String,
    pub enabled: bool,
    pub finding_publishing_frequency: String,
    /// Features by name (`S3_DATA_EVENTS`, …) and additional configurations as
    /// `FEATURE/ADDITIONAL` (`RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT`): enabled or not.
    pub features: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigService {
    pub recorders: Vec<ConfigRecorder>,
    pub delivery_channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigRecorder {
    pub name: String,
    pub role_arn: String,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// Resource types recorded when `all_supported` is false.
    pub resource_types: Vec<String>,
    pub recording: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryChannel {
    pub name: String,
    pub s3_bucket_name: String,
    pub s3_key_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Trail {
    pub name: String,
    pub home_region: String,
    pub s3_bucket_name: String,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub log_file_validation_enabled: bool,
    pub kms_key_id: Option<String>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    pub cloud_watch_logs_role_arn: Option<String>,
    pub is_logging: bool,
    /// Management events recorded: `All`, `ReadOnly`, `WriteOnly`, or `None` when the
    /// event selectors exclude management events.
    pub management_events: Option<String>,
    /// The trail records data events.
    pub data_events: bool,
    pub insights: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KmsKey {
    pub key_id: String,
    pub arn: String,
    pub aliases: Vec<String>,
    pub key_state: KeyState,
    pub rotation_enabled: bool,
    /// The key policy (JSON text).
    pub policy: String,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogGroup {
    pub name: String,
    pub retention_in_days: Option<u32>,
    /// The group's tags (`logs:ListTagsForResource`): the tool tags the groups it creates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analyzer {
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, …
    pub kind: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
    /// Archive rules by name: each rule's filter, finding field to criterion.
    pub archive_rules: BTreeMap<String, ArchiveFilter>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ebs {
    /// `ec2:GetEbsEncryptionByDefault` (EC2.7).
    pub encryption_by_default: bool,
    /// Snapshots owned by the account that anyone can restore (EC2.1).
    pub public_snapshots: Vec<String>,
}

/// EBS snapshot block public access (`ec2:GetSnapshotBlockPublicAccessState`, EC2.182).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotBlockPublicAccess {
    /// `unblocked`, `block-all-sharing` or `block-new-sharing`.
    pub state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcBlockPublicAccess {
    pub internet_gateway_block_mode: InternetGatewayBlockMode,
}

/// `ec2:ModifyVpcBlockPublicAccessOptions`' `InternetGatewayBlockMode`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum InternetGatewayBlockMode {
    /// Snapshots of earlier versions wrote an unset mode as `""`.
    #[default]
    #[serde(alias = "")]
    Off,
    BlockBidirectional,
    BlockIngress,
}

impl InternetGatewayBlockMode {
    /// AWS's spelling (`block-bidirectional`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Either blocking mode (EC2.172 passes with both).
    pub fn blocks(self) -> bool {
        match self {
            InternetGatewayBlockMode::Off => false,
            InternetGatewayBlockMode::BlockBidirectional
            | InternetGatewayBlockMode::BlockIngress => true,
        }
    }
}

/// An S3 bucket's versioning status (`s3:GetBucketVersioning`); a bucket that never had
/// versioning has none.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
pub enum VersioningStatus {
    Enabled,
    Suspended,
}

impl VersioningStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A KMS key's state (`kms:DescribeKey` `KeyMetadata.KeyState`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
pub enum KeyState {
    Creating,
    #[default]
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    PendingReplicaDeletion,
    Unavailable,
    Updating,
}

impl KeyState {
    /// AWS's spelling (`PendingDeletion`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Scheduled for deletion (KMS.3 fails).
    pub fn pending_deletion(self) -> bool {
        match self {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => true,
            KeyState::Creating
            | KeyState::Enabled
            | KeyState::Disabled
            | KeyState::PendingImport
            | KeyState::Unavailable
            | KeyState::Updating => false,
        }
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

display_as_str!(InternetGatewayBlockMode, VersioningStatus, KeyState);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Vpc {
    pub vpc_id: String,
    pub is_default: bool,
    pub cidr_block: String,
    pub subnets: Vec<Subnet>,
    /// Internet gateways attached to the VPC.
    pub internet_gateways: Vec<String>,
    pub route_tables: Vec<RouteTable>,
    pub network_acls: Vec<NetworkAcl>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_interfaces: Vec<NetworkInterface>,
    pub flow_logs: Vec<String>,
    /// VPC endpoints by service name (`com.amazonaws.<region>.ec2`).
    pub endpoints: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub subnet_id: String,
    pub map_public_ip_on_launch: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub route_table_id: String,
    pub main: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub is_default: bool,
    pub associated_subnets: Vec<String>,
    /// Inbound rules that allow traffic.
    pub ingress_allow: Vec<NetworkRule>,
}

/// One allow rule of a network ACL or a security group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkRule {
    /// `-1` for all protocols, else `tcp`, `udp`, `icmp` or a number.
    pub protocol: String,
    pub from_port: Option<u16>,
    pub to_port: Option<u16>,
    /// CIDR (IPv4 or IPv6), or a security group id for a group reference.
    pub source: String,
}

impl NetworkRule {
    pub fn from_anywhere(&self) -> bool {
        self.source == "0.0.0.0/0" || self.source == "::/0"
    }
    /// Whether the rule admits `port` (all protocols, or a TCP/UDP range covering it).
    pub fn covers_port(&self, port: u16) -> bool {
        match (self.protocol.as_str(), self.from_port, self.to_port) {
            ("-1", _, _) | ("all", _, _) => true,
            ("tcp" | "udp" | "6" | "17", Some(from), Some(to)) => from <= port && port <= to,
            ("tcp" | "udp" | "6" | "17", None, None) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    pub ingress: Vec<NetworkRule>,
    pub egress: Vec<NetworkRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub network_interface_id: String,
    pub description: String,
    /// The subnet the interface is in (`DescribeNetworkInterfaces` `SubnetId`); `None`
    /// when not known, which counts as "any subnet of its VPC".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkGroup {
    pub name: String,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    pub publish_cloud_watch_metrics_enabled: bool,
    pub output_location: Option<String>,
    /// `SSE_S3`, `SSE_KMS` or `CSE_KMS`; `None` when results are not encrypted by default.
    pub encryption_option: Option<String>,
    pub enforce_work_group_configuration: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ssm {
    /// `/ssm/documents/console/public-sharing-permission` is `Disable`.
    pub public_sharing_blocked: bool,
    /// `/ssm/automation/customer-script-log-destination`: `CloudWatch` or `None` when unset.
    pub automation_log_destination: Option<String>,
    /// Documents owned by the account that are shared publicly (SSM.4).
    pub public_documents: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Macie {
    pub enabled: bool,
    pub automated_discovery: bool,
    /// Buckets excluded from automated discovery (its classification scope).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_buckets: Vec<String>,
}

/// An IAM Access Analyzer archive rule's filter: a finding field (`principal.AWS`) to the
/// criterion it must meet; a finding is archived when every criterion holds.
pub type ArchiveFilter = BTreeMap<String, Criterion>;

/// One criterion of an archive rule's filter (Access Analyzer API `Criterion`): the field
/// equals one of `eq`, equals none of `neq`, contains one of `contains`, or exists.
/// AWS takes at most [`Criterion::MAX_VALUES`] values in each list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Criterion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

impl Criterion {
    /// The most values `eq`, `neq` or `contains` may hold (API_Criterion: 1 to 20 items).
    pub const MAX_VALUES: usize = 20;

    /// The field equals one of `values`.
    pub fn eq(values: Vec<String>) -> Criterion {
        Criterion {
            eq: Some(values),
            ..Criterion::default()
        }
    }
}

impl<'de> Deserialize<'de> for Criterion {
    /// The API's object, or a plain list of values (`eq`), as snapshots of earlier
    /// versions wrote it.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Criterion, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Object {
            #[serde(default)]
            eq: Option<Vec<String>>,
            #[serde(default)]
            neq: Option<Vec<String>>,
            #[serde(default)]
            contains: Option<Vec<String>>,
            #[serde(default)]
            exists: Option<bool>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Values(Vec<String>),
            Object(Object),
        }
        Ok(match Form::deserialize(d)? {
            Form::Values(values) => Criterion::eq(values),
            Form::Object(o) => Criterion {
                eq: o.eq,
                neq: o.neq,
                contains: o.contains,
                exists: o.exists,
            },
        })
    }
}
