//! What reading the account costs: the read calls the adapters' discovery makes for each
//! part of the snapshot (module docs of the crate: latency per call).

use secure_account_core::part::reads_of;
use secure_account_core::snapshot::{AccountWide, RegionServices};
use std::time::Duration;

use secure_account_core::{AwsError, Observed, Part, Scope, Snapshot};

use crate::{FaultPlan, LatencyModel, Run, faults};

/// The calls made before any part: `sts:GetCallerIdentity`, `ec2:DescribeRegions`.
pub(crate) const PREAMBLE: [&str; 2] = ["sts", "ec2"];

/// Read calls: counts them and injects read faults.
pub(crate) struct Reader<'a> {
    pub(crate) run: &'a mut Run,
    pub(crate) faults: &'a FaultPlan,
    pub(crate) latency: &'a LatencyModel,
}

impl Reader<'_> {
    /// One read call with the SDK's retries (3 attempts): its result and attempts made.
    pub(crate) fn call(&mut self, service: &str) -> (Result<(), AwsError>, u32) {
        for attempt in 1..=3 {
            self.run.calls.read += 1;
            if !self.run.throttle(
                self.faults.read_throttle_probability,
                self.faults.max_throttles,
            ) {
                return (Ok(()), attempt);
            }
        }
        (Err(faults::throttled(service)), 3)
    }

    /// The calls of one part: its result and how long it takes.
    pub(crate) fn part(
        &mut self,
        account_id: &str,
        scope: &Scope,
        part: Part,
        calls: Calls,
    ) -> (Result<(), AwsError>, Duration) {
        let service = part.facts().service;
        let latency = self.latency.read_latency(service);
        if self.faults.read_denied(scope, part) {
            self.run.calls.read += 1;
            let e = faults::access_denied(account_id, service, part.first_call());
            return (Err(e), latency);
        }
        let mut extra_attempts = 0;
        for _ in 0..calls.total() {
            let (result, attempts) = self.call(service);
            extra_attempts += attempts - 1;
            if let Err(e) = result {
                return (Err(e), latency * (calls.chain() + extra_attempts));
            }
        }
        (Ok(()), latency * (calls.chain() + extra_attempts))
    }
}

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

/// The calls reading `part` in `scope` of `account` makes.
pub(crate) fn calls(account: &Snapshot, scope: &Scope, part: Part) -> Calls {
    let regional = || {
        scope
            .region()
            .and_then(|r| account.regions.get(r))
            .map(|r| &r.services)
    };
    let g: &AccountWide = &account.global;
    match part {
        Part::PasswordPolicy | Part::AccountPublicAccessBlock | Part::SecurityContact => {
            Calls::fixed(1)
        }
        // GetAccountSummary, GenerateCredentialReport, GetCredentialReport.
        Part::Root => Calls::fixed(3),
        // GetLoginProfile, ListMFADevices, ListAccessKeys per user.
        Part::Users => Calls::each(1, len(&g.users), 3),
        // GetRole (the trust policy), ListRoleTags, ListRolePolicies and GetRolePolicy per
        // role (one inline policy on average).
        Part::Roles => Calls::each(1, len(&g.roles), 4),
        // Location, public access block, ownership, ACL, encryption, versioning, policy,
        // lifecycle, logging, tagging per bucket.
        Part::Buckets => Calls::each(1, len(&g.buckets), 10),
        Part::SecurityHub
        | Part::Guardduty
        | Part::Config
        | Part::Trails
        | Part::KmsKeys
        | Part::LogGroups
        | Part::Analyzers
        | Part::Ebs
        | Part::SnapshotBlockPublicAccess
        | Part::Vpcs
        | Part::VpcBlockPublicAccess
        | Part::AthenaWorkgroups
        | Part::Ssm
        | Part::Inspector
        | Part::Macie
        | Part::CloudformationStacks => match regional() {
            Some(s) => regional_calls(s, part),
            None => Calls::fixed(1),
        },
    }
}

/// The calls reading a regional part makes.
fn regional_calls(s: &RegionServices, part: Part) -> Calls {
    match part {
        Part::SecurityHub => match s.security_hub.known().and_then(Option::as_ref) {
            None => Calls::fixed(1),
            // GetEnabledStandards, ListFindingAggregators, then the control associations
            // 100 a page, and the failed findings 100 a page.
            Some(hub) => {
                let findings = hub.findings.known().map_or(0, Vec::len) as u32;
                Calls::fixed(
                    3 + (hub.fsbp_controls.len() as u32).div_ceil(100).max(1)
                        + findings.div_ceil(100).max(1),
                )
            }
        },
        Part::Guardduty => {
            let detector = s.guardduty.known().is_some_and(Option::is_some);
            Calls::fixed(1 + u32::from(detector))
        }
        // Recorders, recorder status, delivery channels.
        Part::Config => Calls::fixed(3),
        // GetTrailStatus, GetEventSelectors, GetInsightSelectors per trail.
        Part::Trails => Calls::each(1, len(&s.trails), 3),
        // ListKeys, ListAliases; DescribeKey, GetKeyRotationStatus, GetKeyPolicy,
        // ListResourceTags per key.
        Part::KmsKeys => Calls::each(2, len(&s.kms_keys), 4),
        // DescribeLogGroups 50 a page, ListTagsForResource per group.
        Part::LogGroups => Calls::each(1 + (len(&s.log_groups) as u32) / 50, len(&s.log_groups), 1),
        Part::Analyzers => Calls::each(1, len(&s.analyzers), 1),
        // Encryption by default, public snapshots.
        Part::Ebs => Calls::fixed(2),
        // VPCs, subnets, gateways, route tables, ACLs, security groups, interfaces, flow
        // logs, endpoints: region-wide describes.
        Part::Vpcs => Calls::fixed(9),
        Part::SnapshotBlockPublicAccess | Part::VpcBlockPublicAccess | Part::Inspector => {
            Calls::fixed(1)
        }
        Part::AthenaWorkgroups => Calls::each(1, len(&s.athena_workgroups), 1),
        // Two service settings and the account's documents, then each public one.
        Part::Ssm => {
            let public = s.ssm.known().map_or(0, |ssm| ssm.public_documents.len());
            Calls::each(3, public, 1)
        }
        Part::Macie => {
            let enabled = s.macie.known().is_some_and(|m| m.enabled);
            Calls::fixed(1 + u32::from(enabled))
        }
        // DescribeStacks; GetTemplate and DescribeStackEvents per stack of the tool's.
        Part::CloudformationStacks => {
            let own = s.cloudformation_stacks.known().map_or(0, |stacks| {
                stacks
                    .iter()
                    .filter(|st| st.template_body.is_some())
                    .count()
            });
            Calls::each(1, own, 2)
        }
        Part::PasswordPolicy
        | Part::Root
        | Part::Users
        | Part::Roles
        | Part::AccountPublicAccessBlock
        | Part::Buckets
        | Part::SecurityContact => Calls::fixed(1),
    }
}

/// The number of read calls a fault-free full read of `account` makes.
pub fn read_calls(account: &Snapshot) -> u64 {
    let mut n = PREAMBLE.len() as u64;
    for (scope, part) in reads_of(&account.account_info()) {
        n += u64::from(calls(account, &scope, part).total());
    }
    n
}
