//! The typed read seam: the parts of a [`Snapshot`] that are read on their own, where each
//! is read ([`Scope`]), the value a read returns ([`PartValue`]), and how a snapshot is
//! assembled from them.
//!
//! A port (the simulator, the AWS adapters) implements only "read this part here"; the
//! engine reads every part of every enabled region and puts each answer in its place with
//! [`Snapshot::set_part`], or marks the part unreadable with [`Snapshot::set_unreadable`].
//! Every match over [`Part`] lists every variant, so a new part is a compile error wherever
//! it must be handled.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::snapshot::{
    AccountWide, AlternateContact, Analyzer, AwsError, Bucket, ConfigService, Detector, Ebs,
    GLOBAL, IamRole, IamUser, Inspector, KmsKey, LogGroup, Macie, Observed, OptInStatus,
    PasswordPolicy, PublicAccessBlock, RegionServices, RegionSnapshot, RootUser, SecurityHub,
    Snapshot, SnapshotBlockPublicAccess, Ssm, Trail, Vpc, VpcBlockPublicAccess, WorkGroup,
};

/// Where a part is read or an action runs: the account as a whole (IAM, S3 account
/// settings, contacts: `"global"` in JSON) or one region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Account,
    Region(String),
}

impl Scope {
    /// `"global"` for the account, else the region's name.
    pub fn as_str(&self) -> &str {
        match self {
            Scope::Account => GLOBAL,
            Scope::Region(r) => r,
        }
    }

    /// The scope a region string names (`"global"` is the account).
    pub fn parse(s: &str) -> Scope {
        if s == GLOBAL {
            Scope::Account
        } else {
            Scope::Region(s.to_string())
        }
    }

    pub fn region(&self) -> Option<&str> {
        match self {
            Scope::Account => None,
            Scope::Region(r) => Some(r),
        }
    }
}

impl From<&str> for Scope {
    fn from(s: &str) -> Scope {
        Scope::parse(s)
    }
}

impl PartialEq<str> for Scope {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Scope {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scope, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Scope::parse(&s))
    }
}

/// Whether something belongs to the account as a whole or to each region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Read or run once for the account (`"global"`).
    Account,
    /// Read or run in each enabled region.
    Regional,
}

/// One separately readable part of the snapshot. Its snake_case name is the snapshot's
/// field name (`password_policy`, `guardduty`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Part {
    // ---- account-wide ----
    PasswordPolicy,
    Root,
    Users,
    Roles,
    AccountPublicAccessBlock,
    Buckets,
    SecurityContact,
    // ---- regional ----
    SecurityHub,
    Guardduty,
    Config,
    Trails,
    KmsKeys,
    LogGroups,
    Analyzers,
    Ebs,
    SnapshotBlockPublicAccess,
    Vpcs,
    VpcBlockPublicAccess,
    AthenaWorkgroups,
    Ssm,
    Inspector,
    Macie,
}

/// What reading a part takes: the service it asks and the IAM actions its calls need (the
/// first one is the call that starts the read, named when access is denied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartFacts {
    pub reach: Reach,
    /// The service (`Action::service` spelling: `iam`, `s3control`, `guardduty`).
    pub service: &'static str,
    pub iam_actions: &'static [&'static str],
}

/// The calls made before any part is read: who the caller is and which regions exist.
pub const PREAMBLE_IAM_ACTIONS: [&str; 2] = ["sts:GetCallerIdentity", "ec2:DescribeRegions"];

impl Part {
    /// The account-wide parts, in snapshot order.
    pub const ACCOUNT: [Part; 7] = [
        Part::PasswordPolicy,
        Part::Root,
        Part::Users,
        Part::Roles,
        Part::AccountPublicAccessBlock,
        Part::Buckets,
        Part::SecurityContact,
    ];

    /// The parts read in every enabled region, in snapshot order.
    pub const REGIONAL: [Part; 15] = [
        Part::SecurityHub,
        Part::Guardduty,
        Part::Config,
        Part::Trails,
        Part::KmsKeys,
        Part::LogGroups,
        Part::Analyzers,
        Part::Ebs,
        Part::SnapshotBlockPublicAccess,
        Part::Vpcs,
        Part::VpcBlockPublicAccess,
        Part::AthenaWorkgroups,
        Part::Ssm,
        Part::Inspector,
        Part::Macie,
    ];

    /// Every part: the account-wide ones, then the regional ones.
    pub fn all() -> impl Iterator<Item = Part> {
        Part::ACCOUNT.into_iter().chain(Part::REGIONAL)
    }

    /// The snapshot's field name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The part called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Part> {
        name.parse().ok()
    }

    pub fn reach(self) -> Reach {
        self.facts().reach
    }

    /// The part's row of facts.
    pub fn facts(self) -> PartFacts {
        use Reach::{Account, Regional};
        let (reach, service, iam_actions): (Reach, &'static str, &'static [&'static str]) =
            match self {
                Part::PasswordPolicy => (Account, "iam", &["iam:GetAccountPasswordPolicy"]),
                Part::Root => (
                    Account,
                    "iam",
                    &["iam:GetAccountSummary", "iam:ListVirtualMFADevices"],
                ),
                Part::Users => (
                    Account,
                    "iam",
                    &[
                        "iam:ListUsers",
                        "iam:GetLoginProfile",
                        "iam:ListMFADevices",
                        "iam:ListAccessKeys",
                    ],
                ),
                Part::Roles => (
                    Account,
                    "iam",
                    &[
                        "iam:ListRoles",
                        "iam:ListRoleTags",
                        "iam:ListRolePolicies",
                        "iam:GetRolePolicy",
                    ],
                ),
                Part::AccountPublicAccessBlock => {
                    (Account, "s3control", &["s3:GetAccountPublicAccessBlock"])
                }
                Part::Buckets => (
                    Account,
                    "s3",
                    &[
                        "s3:ListAllMyBuckets",
                        "s3:GetBucketLocation",
                        "s3:GetBucketPublicAccessBlock",
                        "s3:GetBucketOwnershipControls",
                        "s3:GetBucketAcl",
                        "s3:GetEncryptionConfiguration",
                        "s3:GetBucketVersioning",
                        "s3:GetBucketPolicy",
                        "s3:GetLifecycleConfiguration",
                        "s3:GetBucketLogging",
                        "s3:GetBucketTagging",
                    ],
                ),
                Part::SecurityContact => (Account, "account", &["account:GetAlternateContact"]),
                Part::SecurityHub => (
                    Regional,
                    "securityhub",
                    &[
                        "securityhub:DescribeHub",
                        "securityhub:GetEnabledStandards",
                        "securityhub:DescribeStandardsControls",
                        "securityhub:ListFindingAggregators",
                        "securityhub:GetFindingAggregator",
                    ],
                ),
                Part::Guardduty => (
                    Regional,
                    "guardduty",
                    &["guardduty:ListDetectors", "guardduty:GetDetector"],
                ),
                Part::Config => (
                    Regional,
                    "config",
                    &[
                        "config:DescribeConfigurationRecorders",
                        "config:DescribeConfigurationRecorderStatus",
                        "config:DescribeDeliveryChannels",
                    ],
                ),
                Part::Trails => (
                    Regional,
                    "cloudtrail",
                    &[
                        "cloudtrail:DescribeTrails",
                        "cloudtrail:GetTrailStatus",
                        "cloudtrail:GetEventSelectors",
                        "cloudtrail:GetInsightSelectors",
                    ],
                ),
                Part::KmsKeys => (
                    Regional,
                    "kms",
                    &[
                        "kms:ListKeys",
                        "kms:ListAliases",
                        "kms:DescribeKey",
                        "kms:GetKeyRotationStatus",
                        "kms:GetKeyPolicy",
                        "kms:ListResourceTags",
                    ],
                ),
                Part::LogGroups => (
                    Regional,
                    "logs",
                    &["logs:DescribeLogGroups", "logs:ListTagsForResource"],
                ),
                Part::Analyzers => (
                    Regional,
                    "accessanalyzer",
                    &[
                        "access-analyzer:ListAnalyzers",
                        "access-analyzer:ListArchiveRules",
                    ],
                ),
                Part::Ebs => (
                    Regional,
                    "ec2",
                    &["ec2:GetEbsEncryptionByDefault", "ec2:DescribeSnapshots"],
                ),
                Part::SnapshotBlockPublicAccess => {
                    (Regional, "ec2", &["ec2:GetSnapshotBlockPublicAccessState"])
                }
                Part::Vpcs => (
                    Regional,
                    "ec2",
                    &[
                        "ec2:DescribeVpcs",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeInternetGateways",
                        "ec2:DescribeRouteTables",
                        "ec2:DescribeNetworkAcls",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeFlowLogs",
                        "ec2:DescribeVpcEndpoints",
                    ],
                ),
                Part::VpcBlockPublicAccess => (
                    Regional,
                    "ec2",
                    &["ec2:DescribeVpcBlockPublicAccessOptions"],
                ),
                Part::AthenaWorkgroups => (
                    Regional,
                    "athena",
                    &["athena:ListWorkGroups", "athena:GetWorkGroup"],
                ),
                Part::Ssm => (
                    Regional,
                    "ssm",
                    &[
                        "ssm:GetServiceSetting",
                        "ssm:ListDocuments",
                        "ssm:DescribeDocumentPermission",
                    ],
                ),
                Part::Inspector => (
                    Regional,
                    "inspector2",
                    &["inspector2:BatchGetAccountStatus"],
                ),
                Part::Macie => (
                    Regional,
                    "macie2",
                    &[
                        "macie2:GetMacieSession",
                        "macie2:GetAutomatedDiscoveryConfiguration",
                        "macie2:GetClassificationScope",
                    ],
                ),
            };
        PartFacts {
            reach,
            service,
            iam_actions,
        }
    }

    /// The IAM action of the read's first call (the one named when access is denied).
    pub fn first_call(self) -> &'static str {
        self.facts().iam_actions[0]
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What reading one part returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartValue {
    /// `None` when the account has no password policy (`NoSuchEntity`).
    PasswordPolicy(Option<PasswordPolicy>),
    Root(RootUser),
    Users(Vec<IamUser>),
    Roles(Vec<IamRole>),
    /// `None` when the account's public access block was never set.
    AccountPublicAccessBlock(Option<PublicAccessBlock>),
    Buckets(Vec<Bucket>),
    /// `None` when no SECURITY contact is registered.
    SecurityContact(Option<AlternateContact>),
    /// `None` when Security Hub is not enabled in the region.
    SecurityHub(Option<SecurityHub>),
    /// `None` when the region has no detector.
    Guardduty(Option<Detector>),
    Config(ConfigService),
    Trails(Vec<Trail>),
    KmsKeys(Vec<KmsKey>),
    LogGroups(Vec<LogGroup>),
    Analyzers(Vec<Analyzer>),
    Ebs(Ebs),
    SnapshotBlockPublicAccess(SnapshotBlockPublicAccess),
    Vpcs(Vec<Vpc>),
    VpcBlockPublicAccess(VpcBlockPublicAccess),
    AthenaWorkgroups(Vec<WorkGroup>),
    Ssm(Ssm),
    Inspector(Inspector),
    Macie(Macie),
}

impl PartValue {
    /// What a read of `part` finds in an account that has nothing of it.
    pub fn empty(part: Part) -> PartValue {
        match part {
            Part::PasswordPolicy => PartValue::PasswordPolicy(None),
            Part::Root => PartValue::Root(RootUser::default()),
            Part::Users => PartValue::Users(Vec::new()),
            Part::Roles => PartValue::Roles(Vec::new()),
            Part::AccountPublicAccessBlock => PartValue::AccountPublicAccessBlock(None),
            Part::Buckets => PartValue::Buckets(Vec::new()),
            Part::SecurityContact => PartValue::SecurityContact(None),
            Part::SecurityHub => PartValue::SecurityHub(None),
            Part::Guardduty => PartValue::Guardduty(None),
            Part::Config => PartValue::Config(ConfigService::default()),
            Part::Trails => PartValue::Trails(Vec::new()),
            Part::KmsKeys => PartValue::KmsKeys(Vec::new()),
            Part::LogGroups => PartValue::LogGroups(Vec::new()),
            Part::Analyzers => PartValue::Analyzers(Vec::new()),
            Part::Ebs => PartValue::Ebs(Ebs::default()),
            Part::SnapshotBlockPublicAccess => {
                PartValue::SnapshotBlockPublicAccess(SnapshotBlockPublicAccess::default())
            }
            Part::Vpcs => PartValue::Vpcs(Vec::new()),
            Part::VpcBlockPublicAccess => {
                PartValue::VpcBlockPublicAccess(VpcBlockPublicAccess::default())
            }
            Part::AthenaWorkgroups => PartValue::AthenaWorkgroups(Vec::new()),
            Part::Ssm => PartValue::Ssm(Ssm::default()),
            Part::Inspector => PartValue::Inspector(Inspector::default()),
            Part::Macie => PartValue::Macie(Macie::default()),
        }
    }

    /// The part this value is of.
    pub fn part(&self) -> Part {
        match self {
            PartValue::PasswordPolicy(_) => Part::PasswordPolicy,
            PartValue::Root(_) => Part::Root,
            PartValue::Users(_) => Part::Users,
            PartValue::Roles(_) => Part::Roles,
            PartValue::AccountPublicAccessBlock(_) => Part::AccountPublicAccessBlock,
            PartValue::Buckets(_) => Part::Buckets,
            PartValue::SecurityContact(_) => Part::SecurityContact,
            PartValue::SecurityHub(_) => Part::SecurityHub,
            PartValue::Guardduty(_) => Part::Guardduty,
            PartValue::Config(_) => Part::Config,
            PartValue::Trails(_) => Part::Trails,
            PartValue::KmsKeys(_) => Part::KmsKeys,
            PartValue::LogGroups(_) => Part::LogGroups,
            PartValue::Analyzers(_) => Part::Analyzers,
            PartValue::Ebs(_) => Part::Ebs,
            PartValue::SnapshotBlockPublicAccess(_) => Part::SnapshotBlockPublicAccess,
            PartValue::Vpcs(_) => Part::Vpcs,
            PartValue::VpcBlockPublicAccess(_) => Part::VpcBlockPublicAccess,
            PartValue::AthenaWorkgroups(_) => Part::AthenaWorkgroups,
            PartValue::Ssm(_) => Part::Ssm,
            PartValue::Inspector(_) => Part::Inspector,
            PartValue::Macie(_) => Part::Macie,
        }
    }
}

/// Who the caller is and which regions the account has (`sts:GetCallerIdentity`,
/// `ec2:DescribeRegions --all-regions`): what is read before any part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub account_id: String,
    /// Every region the account knows of, with its opt-in status.
    pub regions: BTreeMap<String, OptInStatus>,
}

/// A part was placed where it does not belong: an account-wide part in a region, a
/// regional part in the account scope, or a region the snapshot does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the part `{part}` cannot be placed in `{scope}`")]
pub struct Misplaced {
    pub part: Part,
    pub scope: Scope,
}

/// Every (scope, part) a full read of `snapshot`'s account covers: the account-wide
/// parts, then each enabled region's parts.
pub fn reads_of(info: &AccountInfo) -> Vec<(Scope, Part)> {
    let mut out: Vec<(Scope, Part)> = Part::ACCOUNT.map(|p| (Scope::Account, p)).to_vec();
    for (region, status) in &info.regions {
        if status.is_enabled() {
            out.extend(Part::REGIONAL.map(|p| (Scope::Region(region.clone()), p)));
        }
    }
    out
}

fn take<T>(value: T) -> Observed<T> {
    Observed::Known(value)
}

impl Snapshot {
    /// An empty snapshot of the account `info` describes: every part known and empty, to
    /// be filled in by [`Snapshot::set_part`] and [`Snapshot::set_unreadable`].
    pub fn from_account_info(info: &AccountInfo) -> Snapshot {
        Snapshot {
            format_version: crate::snapshot::SNAPSHOT_FORMAT_VERSION,
            account_id: info.account_id.clone(),
            global: AccountWide::default(),
            regions: info
                .regions
                .iter()
                .map(|(name, status)| {
                    (
                        name.clone(),
                        RegionSnapshot {
                            opt_in_status: *status,
                            services: RegionServices::default(),
                        },
                    )
                })
                .collect(),
        }
    }

    /// Who the account is and which regions it has, as [`AccountInfo`].
    pub fn account_info(&self) -> AccountInfo {
        AccountInfo {
            account_id: self.account_id.clone(),
            regions: self
                .regions
                .iter()
                .map(|(name, r)| (name.clone(), r.opt_in_status))
                .collect(),
        }
    }

    fn services_mut(
        &mut self,
        scope: &Scope,
        part: Part,
    ) -> Result<&mut RegionServices, Misplaced> {
        let misplaced = || Misplaced {
            part,
            scope: scope.clone(),
        };
        match scope {
            Scope::Region(r) if part.reach() == Reach::Regional => self
                .regions
                .get_mut(r)
                .map(|r| &mut r.services)
                .ok_or_else(misplaced),
            Scope::Region(_) | Scope::Account => Err(misplaced()),
        }
    }

    fn check_account(scope: &Scope, part: Part) -> Result<(), Misplaced> {
        match (scope, part.reach()) {
            (Scope::Account, Reach::Account) => Ok(()),
            (Scope::Account, Reach::Regional) | (Scope::Region(_), _) => Err(Misplaced {
                part,
                scope: scope.clone(),
            }),
        }
    }

    /// Puts what a read of `value.part()` in `scope` returned in its place.
    pub fn set_part(&mut self, scope: &Scope, value: PartValue) -> Result<(), Misplaced> {
        let part = value.part();
        match value {
            PartValue::PasswordPolicy(v) => {
                Self::check_account(scope, part)?;
                self.global.password_policy = take(v);
            }
            PartValue::Root(v) => {
                Self::check_account(scope, part)?;
                self.global.root = take(v);
            }
            PartValue::Users(v) => {
                Self::check_account(scope, part)?;
                self.global.users = take(v);
            }
            PartValue::Roles(v) => {
                Self::check_account(scope, part)?;
                self.global.roles = take(v);
            }
            PartValue::AccountPublicAccessBlock(v) => {
                Self::check_account(scope, part)?;
                self.global.account_public_access_block = take(v);
            }
            PartValue::Buckets(v) => {
                Self::check_account(scope, part)?;
                self.global.buckets = take(v);
            }
            PartValue::SecurityContact(v) => {
                Self::check_account(scope, part)?;
                self.global.security_contact = take(v);
            }
            PartValue::SecurityHub(v) => self.services_mut(scope, part)?.security_hub = take(v),
            PartValue::Guardduty(v) => self.services_mut(scope, part)?.guardduty = take(v),
            PartValue::Config(v) => self.services_mut(scope, part)?.config = take(v),
            PartValue::Trails(v) => self.services_mut(scope, part)?.trails = take(v),
            PartValue::KmsKeys(v) => self.services_mut(scope, part)?.kms_keys = take(v),
            PartValue::LogGroups(v) => self.services_mut(scope, part)?.log_groups = take(v),
            PartValue::Analyzers(v) => self.services_mut(scope, part)?.analyzers = take(v),
            PartValue::Ebs(v) => self.services_mut(scope, part)?.ebs = take(v),
            PartValue::SnapshotBlockPublicAccess(v) => {
                self.services_mut(scope, part)?.snapshot_block_public_access = take(v);
            }
            PartValue::Vpcs(v) => self.services_mut(scope, part)?.vpcs = take(v),
            PartValue::VpcBlockPublicAccess(v) => {
                self.services_mut(scope, part)?.vpc_block_public_access = take(v);
            }
            PartValue::AthenaWorkgroups(v) => {
                self.services_mut(scope, part)?.athena_workgroups = take(v);
            }
            PartValue::Ssm(v) => self.services_mut(scope, part)?.ssm = take(v),
            PartValue::Inspector(v) => self.services_mut(scope, part)?.inspector = take(v),
            PartValue::Macie(v) => self.services_mut(scope, part)?.macie = take(v),
        }
        Ok(())
    }

    /// Marks `part` in `scope` unreadable with the error its read answered.
    pub fn set_unreadable(
        &mut self,
        scope: &Scope,
        part: Part,
        error: AwsError,
    ) -> Result<(), Misplaced> {
        fn no<T>(e: AwsError) -> Observed<T> {
            Observed::Unreadable { read_error: e }
        }
        match part {
            Part::PasswordPolicy => {
                Self::check_account(scope, part)?;
                self.global.password_policy = no(error);
            }
            Part::Root => {
                Self::check_account(scope, part)?;
                self.global.root = no(error);
            }
            Part::Users => {
                Self::check_account(scope, part)?;
                self.global.users = no(error);
            }
            Part::Roles => {
                Self::check_account(scope, part)?;
                self.global.roles = no(error);
            }
            Part::AccountPublicAccessBlock => {
                Self::check_account(scope, part)?;
                self.global.account_public_access_block = no(error);
            }
            Part::Buckets => {
                Self::check_account(scope, part)?;
                self.global.buckets = no(error);
            }
            Part::SecurityContact => {
                Self::check_account(scope, part)?;
                self.global.security_contact = no(error);
            }
            Part::SecurityHub => self.services_mut(scope, part)?.security_hub = no(error),
            Part::Guardduty => self.services_mut(scope, part)?.guardduty = no(error),
            Part::Config => self.services_mut(scope, part)?.config = no(error),
            Part::Trails => self.services_mut(scope, part)?.trails = no(error),
            Part::KmsKeys => self.services_mut(scope, part)?.kms_keys = no(error),
            Part::LogGroups => self.services_mut(scope, part)?.log_groups = no(error),
            Part::Analyzers => self.services_mut(scope, part)?.analyzers = no(error),
            Part::Ebs => self.services_mut(scope, part)?.ebs = no(error),
            Part::SnapshotBlockPublicAccess => {
                self.services_mut(scope, part)?.snapshot_block_public_access = no(error)
            }
            Part::Vpcs => self.services_mut(scope, part)?.vpcs = no(error),
            Part::VpcBlockPublicAccess => {
                self.services_mut(scope, part)?.vpc_block_public_access = no(error)
            }
            Part::AthenaWorkgroups => self.services_mut(scope, part)?.athena_workgroups = no(error),
            Part::Ssm => self.services_mut(scope, part)?.ssm = no(error),
            Part::Inspector => self.services_mut(scope, part)?.inspector = no(error),
            Part::Macie => self.services_mut(scope, part)?.macie = no(error),
        }
        Ok(())
    }

    /// What a read of `part` in `scope` finds in this snapshot: the value, or the read
    /// error the snapshot holds for it. `Err` when the part does not belong there.
    pub fn part(
        &self,
        scope: &Scope,
        part: Part,
    ) -> Result<Result<PartValue, AwsError>, Misplaced> {
        fn get<T: Clone>(
            o: &Observed<T>,
            wrap: impl FnOnce(T) -> PartValue,
        ) -> Result<PartValue, AwsError> {
            match o {
                Observed::Known(v) => Ok(wrap(v.clone())),
                Observed::Unreadable { read_error } => Err(read_error.clone()),
            }
        }
        let misplaced = || Misplaced {
            part,
            scope: scope.clone(),
        };
        if part.reach() == Reach::Account {
            Self::check_account(scope, part)?;
        }
        let services = match scope {
            Scope::Region(r) => Some(&self.regions.get(r).ok_or_else(misplaced)?.services),
            Scope::Account => None,
        };
        let s = || services.ok_or_else(misplaced);
        let g = &self.global;
        Ok(match part {
            Part::PasswordPolicy => get(&g.password_policy, PartValue::PasswordPolicy),
            Part::Root => get(&g.root, PartValue::Root),
            Part::Users => get(&g.users, PartValue::Users),
            Part::Roles => get(&g.roles, PartValue::Roles),
            Part::AccountPublicAccessBlock => get(
                &g.account_public_access_block,
                PartValue::AccountPublicAccessBlock,
            ),
            Part::Buckets => get(&g.buckets, PartValue::Buckets),
            Part::SecurityContact => get(&g.security_contact, PartValue::SecurityContact),
            Part::SecurityHub => get(&s()?.security_hub, PartValue::SecurityHub),
            Part::Guardduty => get(&s()?.guardduty, PartValue::Guardduty),
            Part::Config => get(&s()?.config, PartValue::Config),
            Part::Trails => get(&s()?.trails, PartValue::Trails),
            Part::KmsKeys => get(&s()?.kms_keys, PartValue::KmsKeys),
            Part::LogGroups => get(&s()?.log_groups, PartValue::LogGroups),
            Part::Analyzers => get(&s()?.analyzers, PartValue::Analyzers),
            Part::Ebs => get(&s()?.ebs, PartValue::Ebs),
            Part::SnapshotBlockPublicAccess => get(
                &s()?.snapshot_block_public_access,
                PartValue::SnapshotBlockPublicAccess,
            ),
            Part::Vpcs => get(&s()?.vpcs, PartValue::Vpcs),
            Part::VpcBlockPublicAccess => get(
                &s()?.vpc_block_public_access,
                PartValue::VpcBlockPublicAccess,
            ),
            Part::AthenaWorkgroups => get(&s()?.athena_workgroups, PartValue::AthenaWorkgroups),
            Part::Ssm => get(&s()?.ssm, PartValue::Ssm),
            Part::Inspector => get(&s()?.inspector, PartValue::Inspector),
            Part::Macie => get(&s()?.macie, PartValue::Macie),
        })
    }

    /// The error `part` in `scope` answered when it could not be read, `None` when it was
    /// read. Unlike [`Snapshot::part`] nothing is cloned.
    pub fn read_error(&self, scope: &Scope, part: Part) -> Result<Option<&AwsError>, Misplaced> {
        fn err<T>(o: &Observed<T>) -> Option<&AwsError> {
            match o {
                Observed::Known(_) => None,
                Observed::Unreadable { read_error } => Some(read_error),
            }
        }
        let misplaced = || Misplaced {
            part,
            scope: scope.clone(),
        };
        if part.reach() == Reach::Account {
            Self::check_account(scope, part)?;
        }
        let services = match scope {
            Scope::Region(r) => Some(&self.regions.get(r).ok_or_else(misplaced)?.services),
            Scope::Account => None,
        };
        let s = || services.ok_or_else(misplaced);
        let g = &self.global;
        Ok(match part {
            Part::PasswordPolicy => err(&g.password_policy),
            Part::Root => err(&g.root),
            Part::Users => err(&g.users),
            Part::Roles => err(&g.roles),
            Part::AccountPublicAccessBlock => err(&g.account_public_access_block),
            Part::Buckets => err(&g.buckets),
            Part::SecurityContact => err(&g.security_contact),
            Part::SecurityHub => err(&s()?.security_hub),
            Part::Guardduty => err(&s()?.guardduty),
            Part::Config => err(&s()?.config),
            Part::Trails => err(&s()?.trails),
            Part::KmsKeys => err(&s()?.kms_keys),
            Part::LogGroups => err(&s()?.log_groups),
            Part::Analyzers => err(&s()?.analyzers),
            Part::Ebs => err(&s()?.ebs),
            Part::SnapshotBlockPublicAccess => err(&s()?.snapshot_block_public_access),
            Part::Vpcs => err(&s()?.vpcs),
            Part::VpcBlockPublicAccess => err(&s()?.vpc_block_public_access),
            Part::AthenaWorkgroups => err(&s()?.athena_workgroups),
            Part::Ssm => err(&s()?.ssm),
            Part::Inspector => err(&s()?.inspector),
            Part::Macie => err(&s()?.macie),
        })
    }

    /// The parts this snapshot could not read, with their scope and error.
    pub fn unreadable_parts(&self) -> Vec<(Scope, Part, AwsError)> {
        let mut out = Vec::new();
        for p in Part::ACCOUNT {
            if let Ok(Some(e)) = self.read_error(&Scope::Account, p) {
                out.push((Scope::Account, p, e.clone()));
            }
        }
        for (name, _) in self.enabled_regions() {
            let scope = Scope::Region(name.clone());
            for p in Part::REGIONAL {
                if let Ok(Some(e)) = self.read_error(&scope, p) {
                    out.push((scope.clone(), p, e.clone()));
                }
            }
        }
        out
    }

    /// The parts an evaluation over `regions` could not see, as `<scope>/<part>`: the
    /// account-wide ones, then those of each of `regions`. Empty when the read was complete.
    pub fn unread_parts_in<'a>(
        &self,
        regions: impl IntoIterator<Item = &'a String>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for p in Part::ACCOUNT {
            if let Ok(Some(_)) = self.read_error(&Scope::Account, p) {
                out.push(format!("{}/{p}", Scope::Account));
            }
        }
        for r in regions {
            let scope = Scope::Region(r.clone());
            for p in Part::REGIONAL {
                if let Ok(Some(_)) = self.read_error(&scope, p) {
                    out.push(format!("{r}/{p}"));
                }
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "part_tests.rs"]
mod tests;
