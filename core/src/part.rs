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
    Snapshot, SnapshotBlockPublicAccess, Ssm, Stack, Trail, Vpc, VpcBlockPublicAccess, WorkGroup,
};
pub use crate::snapshot::{PartFacts, Reach};
use crate::snapshot::{
    accessanalyzer, account, athena, cloudformation, cloudtrail, config, ec2, guardduty, iam,
    inspector, kms, logs, macie, s3, s3control, securityhub, ssm,
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

/// In JSON, a region name or `"global"` for the account.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Scope {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Scope".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A region (`us-east-1`), or `global` for the account"
        })
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scope, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Scope::parse(&s))
    }
}

/// The calls made before any part is read: who the caller is and which regions exist.
pub const PREAMBLE_IAM_ACTIONS: [&str; 2] = ["sts:GetCallerIdentity", "ec2:DescribeRegions"];

macro_rules! count {
    () => { 0 };
    ($head:ident $($tail:ident)*) => { 1 + count!($($tail)*) };
}

/// Defines [`Part`], [`PartValue`] and the plumbing between them and the snapshot from one
/// table: each part's name, its field in the snapshot, the value a read returns and its
/// facts.
macro_rules! parts {
    (
        account { $($(#[$am:meta])* $a:ident => $af:ident: $at:ty = $afacts:expr,)* }
        regional { $($(#[$rm:meta])* $r:ident => $rf:ident: $rt:ty = $rfacts:expr,)* }
    ) => {
        /// One separately readable part of the snapshot. Its snake_case name is the
        /// snapshot's field name (`password_policy`, `guardduty`).
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
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum Part {
            $($a,)*
            $($r,)*
        }

        impl Part {
            /// The account-wide parts, in snapshot order.
            pub const ACCOUNT: [Part; count!($($a)*)] = [$(Part::$a),*];

            /// The parts read in every enabled region, in snapshot order.
            pub const REGIONAL: [Part; count!($($r)*)] = [$(Part::$r),*];

            /// The part's row of facts.
            pub fn facts(self) -> PartFacts {
                match self {
                    $(Part::$a => $afacts,)*
                    $(Part::$r => $rfacts,)*
                }
            }
        }

        /// What reading one part returned.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum PartValue {
            $($(#[$am])* $a($at),)*
            $($(#[$rm])* $r($rt),)*
        }

        impl PartValue {
            /// What a read of `part` finds in an account that has nothing of it.
            pub fn empty(part: Part) -> PartValue {
                match part {
                    $(Part::$a => PartValue::$a(Default::default()),)*
                    $(Part::$r => PartValue::$r(Default::default()),)*
                }
            }

            /// The part this value is of.
            pub fn part(&self) -> Part {
                match self {
                    $(PartValue::$a(_) => Part::$a,)*
                    $(PartValue::$r(_) => Part::$r,)*
                }
            }
        }

        impl Snapshot {
            /// Puts what a read of `value.part()` in `scope` returned in its place.
            pub fn set_part(&mut self, scope: &Scope, value: PartValue) -> Result<(), Misplaced> {
                let part = value.part();
                match value {
                    $(PartValue::$a(v) => {
                        Self::check_account(scope, part)?;
                        self.global.$af = Observed::Known(v);
                    })*
                    $(PartValue::$r(v) => self.services_mut(scope, part)?.$rf = Observed::Known(v),)*
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
                match part {
                    $(Part::$a => {
                        Self::check_account(scope, part)?;
                        self.global.$af = Observed::Unreadable { read_error: error };
                    })*
                    $(Part::$r => {
                        self.services_mut(scope, part)?.$rf = Observed::Unreadable { read_error: error }
                    })*
                }
                Ok(())
            }

            /// What a read of `part` in `scope` finds in this snapshot: the value, or the
            /// read error the snapshot holds for it. `Err` when the part does not belong
            /// there.
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
                Ok(match part {
                    $(Part::$a => {
                        Self::check_account(scope, part)?;
                        get(&self.global.$af, PartValue::$a)
                    })*
                    $(Part::$r => get(&self.services(scope, part)?.$rf, PartValue::$r),)*
                })
            }

            /// The error `part` in `scope` answered when it could not be read, `None` when
            /// it was read. Unlike [`Snapshot::part`] nothing is cloned.
            pub fn read_error(
                &self,
                scope: &Scope,
                part: Part,
            ) -> Result<Option<&AwsError>, Misplaced> {
                Ok(match part {
                    $(Part::$a => {
                        Self::check_account(scope, part)?;
                        self.global.$af.read_error()
                    })*
                    $(Part::$r => self.services(scope, part)?.$rf.read_error(),)*
                })
            }
        }
    };
}

parts! {
    account {
        /// `None` when the account has no password policy (`NoSuchEntity`).
        PasswordPolicy => password_policy: Option<PasswordPolicy> = iam::READ_PASSWORD_POLICY,
        Root => root: RootUser = iam::READ_ROOT,
        Users => users: Vec<IamUser> = iam::READ_USERS,
        Roles => roles: Vec<IamRole> = iam::READ_ROLES,
        /// `None` when the account's public access block was never set.
        AccountPublicAccessBlock => account_public_access_block: Option<PublicAccessBlock> =
            s3control::READ_ACCOUNT_PUBLIC_ACCESS_BLOCK,
        Buckets => buckets: Vec<Bucket> = s3::READ_BUCKETS,
        /// `None` when no SECURITY contact is registered.
        SecurityContact => security_contact: Option<AlternateContact> =
            account::READ_SECURITY_CONTACT,
    }
    regional {
        /// `None` when Security Hub is not enabled in the region.
        SecurityHub => security_hub: Option<SecurityHub> = securityhub::READ_SECURITY_HUB,
        /// `None` when the region has no detector.
        Guardduty => guardduty: Option<Detector> = guardduty::READ_DETECTOR,
        Config => config: ConfigService = config::READ_CONFIG,
        Trails => trails: Vec<Trail> = cloudtrail::READ_TRAILS,
        KmsKeys => kms_keys: Vec<KmsKey> = kms::READ_KEYS,
        LogGroups => log_groups: Vec<LogGroup> = logs::READ_LOG_GROUPS,
        Analyzers => analyzers: Vec<Analyzer> = accessanalyzer::READ_ANALYZERS,
        Ebs => ebs: Ebs = ec2::READ_EBS,
        SnapshotBlockPublicAccess => snapshot_block_public_access: SnapshotBlockPublicAccess =
            ec2::READ_SNAPSHOT_BLOCK_PUBLIC_ACCESS,
        Vpcs => vpcs: Vec<Vpc> = ec2::READ_VPCS,
        VpcBlockPublicAccess => vpc_block_public_access: VpcBlockPublicAccess =
            ec2::READ_VPC_BLOCK_PUBLIC_ACCESS,
        AthenaWorkgroups => athena_workgroups: Vec<WorkGroup> = athena::READ_WORKGROUPS,
        Ssm => ssm: Ssm = ssm::READ_SSM,
        Inspector => inspector: Inspector = inspector::READ_INSPECTOR,
        Macie => macie: Macie = macie::READ_MACIE,
        CloudformationStacks => cloudformation_stacks: Vec<Stack> = cloudformation::READ_STACKS,
    }
}

impl Part {
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

/// Who the caller is and which regions the account has (`sts:GetCallerIdentity`,
/// `ec2:DescribeRegions --all-regions`): what is read before any part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

    fn services(&self, scope: &Scope, part: Part) -> Result<&RegionServices, Misplaced> {
        let misplaced = || Misplaced {
            part,
            scope: scope.clone(),
        };
        match scope {
            Scope::Region(r) if part.reach() == Reach::Regional => self
                .regions
                .get(r)
                .map(|r| &r.services)
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
