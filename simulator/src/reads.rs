//! What `read_snapshot` costs: the read calls the adapters' discovery makes for each part
//! of the snapshot, and how a denied or throttled part shows in the snapshot.

use secure_account_core::snapshot::{AccountWide, RegionServices};
use secure_account_core::{AwsError, Observed, Snapshot};

/// One part of the snapshot that discovery reads with its own calls.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Part {
    /// The snapshot's field name (`password_policy`, `guardduty`).
    pub name: &'static str,
    /// The service whose API the calls go to (`Action::service` names).
    pub service: &'static str,
    /// The IAM action of the first call (named in `AccessDenied`).
    pub first_call: &'static str,
}

const fn part(name: &'static str, service: &'static str, first_call: &'static str) -> Part {
    Part {
        name,
        service,
        first_call,
    }
}

/// The calls made before any part: `sts:GetCallerIdentity`, `ec2:DescribeRegions`.
pub(crate) const PREAMBLE: [&str; 2] = ["sts", "ec2"];

pub(crate) const GLOBAL_PARTS: [Part; 7] = [
    part("password_policy", "iam", "iam:GetAccountPasswordPolicy"),
    part("root", "iam", "iam:GetAccountSummary"),
    part("users", "iam", "iam:ListUsers"),
    part("roles", "iam", "iam:ListRoles"),
    part(
        "account_public_access_block",
        "s3control",
        "s3:GetAccountPublicAccessBlock",
    ),
    part("buckets", "s3", "s3:ListAllMyBuckets"),
    part("security_contact", "account", "account:GetAlternateContact"),
];

pub(crate) const REGIONAL_PARTS: [Part; 14] = [
    part("security_hub", "securityhub", "securityhub:DescribeHub"),
    part("guardduty", "guardduty", "guardduty:ListDetectors"),
    part("config", "config", "config:DescribeConfigurationRecorders"),
    part("trails", "cloudtrail", "cloudtrail:DescribeTrails"),
    part("kms_keys", "kms", "kms:ListKeys"),
    part("log_groups", "logs", "logs:DescribeLogGroups"),
    part(
        "analyzers",
        "accessanalyzer",
        "access-analyzer:ListAnalyzers",
    ),
    part("ebs", "ec2", "ec2:GetEbsEncryptionByDefault"),
    part("vpcs", "ec2", "ec2:DescribeVpcs"),
    part(
        "vpc_block_public_access",
        "ec2",
        "ec2:DescribeVpcBlockPublicAccessOptions",
    ),
    part("athena_workgroups", "athena", "athena:ListWorkGroups"),
    part("ssm", "ssm", "ssm:GetServiceSetting"),
    part(
        "inspector",
        "inspector2",
        "inspector2:BatchGetAccountStatus",
    ),
    part("macie", "macie2", "macie2:GetMacieSession"),
];

/// The calls reading a part makes: `list` calls, then `per_item` calls for each of `items`
/// (items are read concurrently, an item's calls one after another).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Calls {
    pub list: u32,
    pub items: u32,
    pub per_item: u32,
}

impl Calls {
    const fn fixed(n: u32) -> Calls {
        Calls {
            list: n,
            items: 0,
            per_item: 0,
        }
    }

    fn each(list: u32, items: usize, per_item: u32) -> Calls {
        Calls {
            list,
            items: items as u32,
            per_item,
        }
    }

    pub fn total(&self) -> u32 {
        self.list + self.items * self.per_item
    }

    /// Calls on the longest chain (the part's duration in calls).
    pub fn chain(&self) -> u32 {
        self.list + if self.items > 0 { self.per_item } else { 0 }
    }
}

fn len<T>(o: &Observed<Vec<T>>) -> usize {
    o.known().map_or(0, Vec::len)
}

/// The calls reading an account-wide part makes.
pub(crate) fn global_calls(g: &AccountWide, part: &str) -> Calls {
    match part {
        // GetAccountSummary, GenerateCredentialReport, GetCredentialReport.
        "root" => Calls::fixed(3),
        // GetLoginProfile, ListMFADevices, ListAccessKeys per user.
        "users" => Calls::each(1, len(&g.users), 3),
        // ListRolePolicies and GetRolePolicy per role (one inline policy on average).
        "roles" => Calls::each(1, len(&g.roles), 2),
        // Location, public access block, ownership, ACL, encryption, versioning, policy,
        // lifecycle, logging per bucket.
        "buckets" => Calls::each(1, len(&g.buckets), 9),
        _ => Calls::fixed(1),
    }
}

/// The calls reading a regional part makes.
pub(crate) fn regional_calls(s: &RegionServices, part: &str) -> Calls {
    match part {
        "security_hub" => match s.security_hub.known().and_then(Option::as_ref) {
            None => Calls::fixed(1),
            // GetEnabledStandards, ListFindingAggregators, then the control associations
            // 100 a page.
            Some(hub) => Calls::fixed(3 + (hub.fsbp_controls.len() as u32).div_ceil(100).max(1)),
        },
        "guardduty" => {
            let detector = s.guardduty.known().is_some_and(Option::is_some);
            Calls::fixed(1 + u32::from(detector))
        }
        // Recorders, recorder status, delivery channels.
        "config" => Calls::fixed(3),
        // GetTrailStatus, GetEventSelectors, GetInsightSelectors per trail.
        "trails" => Calls::each(1, len(&s.trails), 3),
        // ListKeys, ListAliases; DescribeKey, GetKeyRotationStatus, GetKeyPolicy,
        // ListResourceTags per key.
        "kms_keys" => Calls::each(2, len(&s.kms_keys), 4),
        "log_groups" => Calls::fixed(1 + (len(&s.log_groups) as u32) / 50),
        "analyzers" => Calls::each(1, len(&s.analyzers), 1),
        // Encryption by default, snapshot block public access, public snapshots.
        "ebs" => Calls::fixed(3),
        // VPCs, subnets, gateways, route tables, ACLs, security groups, interfaces, flow
        // logs, endpoints: region-wide describes.
        "vpcs" => Calls::fixed(9),
        "athena_workgroups" => Calls::each(1, len(&s.athena_workgroups), 1),
        // Two service settings and the account's documents, then each public one.
        "ssm" => {
            let public = s.ssm.known().map_or(0, |ssm| ssm.public_documents.len());
            Calls::each(3, public, 1)
        }
        "macie" => {
            let enabled = s.macie.known().is_some_and(|m| m.enabled);
            Calls::fixed(1 + u32::from(enabled))
        }
        _ => Calls::fixed(1),
    }
}

fn unreadable<T>(e: AwsError) -> Observed<T> {
    Observed::Unreadable { read_error: e }
}

/// Marks an account-wide part unreadable.
pub(crate) fn set_global_unreadable(g: &mut AccountWide, part: &str, e: AwsError) {
    match part {
        "password_policy" => g.password_policy = unreadable(e),
        "root" => g.root = unreadable(e),
        "users" => g.users = unreadable(e),
        "roles" => g.roles = unreadable(e),
        "account_public_access_block" => g.account_public_access_block = unreadable(e),
        "buckets" => g.buckets = unreadable(e),
        "security_contact" => g.security_contact = unreadable(e),
        _ => {}
    }
}

/// Marks a regional part unreadable.
pub(crate) fn set_regional_unreadable(s: &mut RegionServices, part: &str, e: AwsError) {
    match part {
        "security_hub" => s.security_hub = unreadable(e),
        "guardduty" => s.guardduty = unreadable(e),
        "config" => s.config = unreadable(e),
        "trails" => s.trails = unreadable(e),
        "kms_keys" => s.kms_keys = unreadable(e),
        "log_groups" => s.log_groups = unreadable(e),
        "analyzers" => s.analyzers = unreadable(e),
        "ebs" => s.ebs = unreadable(e),
        "vpcs" => s.vpcs = unreadable(e),
        "vpc_block_public_access" => s.vpc_block_public_access = unreadable(e),
        "athena_workgroups" => s.athena_workgroups = unreadable(e),
        "ssm" => s.ssm = unreadable(e),
        "inspector" => s.inspector = unreadable(e),
        "macie" => s.macie = unreadable(e),
        _ => {}
    }
}

/// Every part name, for validating fault plans and for tests.
pub fn part_names() -> impl Iterator<Item = &'static str> {
    GLOBAL_PARTS
        .iter()
        .chain(REGIONAL_PARTS.iter())
        .map(|p| p.name)
}

/// The number of read calls a fault-free `read_snapshot` of `account` makes.
pub fn read_calls(account: &Snapshot) -> u64 {
    let mut n = PREAMBLE.len() as u64;
    for p in GLOBAL_PARTS {
        n += u64::from(global_calls(&account.global, p.name).total());
    }
    for (_, r) in account.enabled_regions() {
        for p in REGIONAL_PARTS {
            n += u64::from(regional_calls(&r.services, p.name).total());
        }
    }
    n
}
