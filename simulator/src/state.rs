//! The simulated account's persistent state: the snapshot (the account's truth) and what
//! the snapshot does not show (detached internet gateways, id counters, changes still
//! propagating), with its JSON form.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use secure_account_core::PartValue;
use secure_account_core::Snapshot;
use secure_account_core::effects::IdSource;
use secure_account_core::part::reads_of;
use secure_account_core::snapshot::RegionServices;

/// Version of the simulator state JSON. Bump on incompatible changes.
pub const STATE_FORMAT_VERSION: u32 = 1;

/// The state JSON: `{"format_version", "account", "hidden"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SavedState {
    pub format_version: u32,
    pub account: Snapshot,
    #[serde(default)]
    pub hidden: Hidden,
}

/// What the account holds that a snapshot does not show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Hidden {
    /// Mixed into every generated id, so that a simulator started from another one's
    /// snapshot does not hand out ids that already exist.
    pub id_salt: u64,
    /// Ids handed out so far, by kind (`key`, `detector`).
    pub id_counters: BTreeMap<String, u64>,
    /// Internet gateways detached from their VPC but not deleted, by region.
    pub detached_internet_gateways: BTreeMap<String, BTreeSet<String>>,
    /// Changes that have not propagated yet (eventual consistency), oldest first.
    pub propagating: Vec<Propagating>,
    /// Standards subscriptions still `PENDING`, oldest first.
    pub pending_standards: Vec<PendingStandard>,
    /// Inspector resource types still `ENABLING`, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending_inspector: Vec<PendingInspector>,
    /// Controls AWS's live FSBP standard has beyond the reviewed catalog (released after
    /// it): subscribing FSBP enables them too (scenario `newer-standard`).
    pub newer_fsbp_controls: BTreeSet<String>,
    /// `delete_vpc` calls that still answer `DependencyViolation` after the VPC's subnets
    /// and gateway went, by VPC id (AWS takes a moment to release them).
    pub vpc_teardown_lag: BTreeMap<String, u32>,
    /// Bucket calls that still answer `OperationAborted` after `create_bucket`, by bucket.
    pub bucket_conflicts: BTreeMap<String, u32>,
    /// The idempotency tokens (`clientToken`) of the calls that succeeded, with the action
    /// they were sent with: the same token sent again with the same operation answers as
    /// the first call did, and changes nothing.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub client_tokens: BTreeMap<String, String>,
}

/// A standards subscription that AWS is still setting up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingStandard {
    pub region: String,
    pub standards_arn: String,
    /// When it leaves `PENDING`, in milliseconds on the simulator's clock (since the
    /// simulator was made). The clock is tokio's paused clock and starts at zero in every
    /// process, so a saved state stores the time still to wait instead (see
    /// `Hidden::rebased`), and a loaded one counts from its own start.
    pub ready_at_ms: u64,
}

/// An Inspector resource type that AWS is still enabling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingInspector {
    pub region: String,
    /// `EC2`, `ECR`, `LAMBDA` or `LAMBDA_CODE`.
    pub resource_type: String,
    /// When it leaves `ENABLING`, as [`PendingStandard::ready_at_ms`].
    pub ready_at_ms: u64,
}

/// What kind of resource a propagation timer is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ResourceKind {
    /// A new bucket, by name.
    Bucket,
    /// A bucket's new policy, by bucket name.
    BucketPolicy,
    /// An IAM role, or its inline policy, by name.
    Role,
    /// A KMS key, or its policy, by key id.
    Key,
    /// Macie just enabled in a region, by region: its settings answer
    /// `AccessDeniedException` "Macie is not enabled" for a short while.
    MacieSession,
}

/// A resource whose creation or policy change is not yet visible to the services that
/// check it: the next `remaining` calls depending on it fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Propagating {
    pub kind: ResourceKind,
    pub name: String,
    pub remaining: u32,
}

impl Hidden {
    /// The same hidden state with pending deadlines measured from `now_ms` instead of the
    /// simulator's start: what a simulator loading it (its clock at zero) must wait.
    pub fn rebased(&self, now_ms: u64) -> Hidden {
        let mut h = self.clone();
        for p in &mut h.pending_standards {
            p.ready_at_ms = p.ready_at_ms.saturating_sub(now_ms);
        }
        for p in &mut h.pending_inspector {
            p.ready_at_ms = p.ready_at_ms.saturating_sub(now_ms);
        }
        h
    }

    /// Starts (or restarts) the propagation timer of a resource.
    pub fn start_propagation(&mut self, kind: ResourceKind, name: &str, calls: u32) {
        if calls == 0 {
            return;
        }
        self.propagating
            .retain(|p| !(p.kind == kind && p.name == name));
        self.propagating.push(Propagating {
            kind,
            name: name.to_string(),
            remaining: calls,
        });
    }

    /// Whether the resource is still propagating. Does not consume a call.
    pub fn is_propagating(&self, kind: ResourceKind, name: &str) -> bool {
        self.propagating
            .iter()
            .any(|p| p.kind == kind && p.name == name && p.remaining > 0)
    }

    /// Counts one failed dependent call against the resource's timer.
    pub fn consume_propagation(&mut self, kind: ResourceKind, name: &str) {
        for p in &mut self.propagating {
            if p.kind == kind && p.name == name {
                p.remaining = p.remaining.saturating_sub(1);
            }
        }
        self.propagating.retain(|p| p.remaining > 0);
    }
}

/// Hands out AWS-shaped ids, deterministic for a given salt and counter.
pub(crate) struct Ids<'a> {
    pub salt: u64,
    pub counters: &'a mut BTreeMap<String, u64>,
}

/// SplitMix64: a good 64-bit mix for deterministic ids.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// FNV-1a of a string.
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A deterministic id of `kind` for `n`: a UUID for keys, 32 hex digits for detectors, and
/// `<kind>-<17 hex digits>` (the EC2 shape) otherwise.
pub(crate) fn make_id(kind: &str, salt: u64, n: u64) -> String {
    let a = mix(hash_str(kind) ^ salt ^ mix(n));
    let b = mix(a);
    match kind {
        "key" => format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 52) & 0xfff,
            b & 0xffff_ffff_ffff
        ),
        "detector" => format!("{a:016x}{b:016x}"),
        _ => format!("{kind}-{:x}{a:016x}", b & 0xf),
    }
}

impl IdSource for Ids<'_> {
    fn next_id(&mut self, kind: &str) -> String {
        let n = self.counters.entry(kind.to_string()).or_insert(0);
        *n += 1;
        make_id(kind, self.salt, *n)
    }
}

/// Makes a snapshot fit to be the account's truth: every part `Known` (an unreadable part
/// becomes its default), and regions that are not enabled without services.
pub(crate) fn normalise(mut snapshot: Snapshot) -> Snapshot {
    for r in snapshot.regions.values_mut() {
        if !r.opt_in_status.is_enabled() {
            r.services = RegionServices::default();
        }
    }
    for (scope, part) in reads_of(&snapshot.account_info()) {
        if let Ok(Err(_)) = snapshot.part(&scope, part) {
            snapshot
                .set_part(&scope, PartValue::empty(part))
                .expect("reads_of lists parts in their own scope");
        }
    }
    snapshot
}

/// Checks a loaded state: no two resources under one id, nothing placed in or referring to
/// a region the account does not have. A clear error, rather than a plan with duplicate
/// action ids.
pub(crate) fn validate(account: &Snapshot, hidden: &Hidden) -> Result<(), String> {
    fn unique<'a>(what: &str, ids: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id) {
                return Err(format!("two {what} have the id `{id}`"));
            }
        }
        Ok(())
    }
    let region_known = |r: &str, what: &str| {
        if account.regions.contains_key(r) {
            Ok(())
        } else {
            Err(format!(
                "{what} refers to the region `{r}`, which the account does not have"
            ))
        }
    };
    let g = &account.global;
    if let Some(buckets) = g.buckets.known() {
        unique("buckets", buckets.iter().map(|b| b.name.as_str()))?;
        for b in buckets {
            region_known(&b.region, &format!("bucket `{}`", b.name))?;
        }
    }
    if let Some(roles) = g.roles.known() {
        unique("roles", roles.iter().map(|r| r.name.as_str()))?;
    }
    for (region, r) in &account.regions {
        let s = &r.services;
        let within = |what: &str| format!("{what} in {region}");
        if let Some(trails) = s.trails.known() {
            unique(&within("trails"), trails.iter().map(|t| t.name.as_str()))?;
            for t in trails {
                if t.home_region != *region {
                    return Err(format!(
                        "trail `{}` is listed in {region} but its home region is `{}`",
                        t.name, t.home_region
                    ));
                }
            }
        }
        if let Some(keys) = s.kms_keys.known() {
            unique(&within("KMS keys"), keys.iter().map(|k| k.key_id.as_str()))?;
            unique(
                &within("KMS aliases"),
                keys.iter()
                    .flat_map(|k| k.aliases.iter().map(String::as_str)),
            )?;
        }
        if let Some(groups) = s.log_groups.known() {
            unique(
                &within("log groups"),
                groups.iter().map(|l| l.name.as_str()),
            )?;
        }
        if let Some(analyzers) = s.analyzers.known() {
            unique(
                &within("analyzers"),
                analyzers.iter().map(|a| a.name.as_str()),
            )?;
        }
        if let Some(vpcs) = s.vpcs.known() {
            unique(&within("VPCs"), vpcs.iter().map(|v| v.vpc_id.as_str()))?;
            unique(
                &within("subnets"),
                vpcs.iter()
                    .flat_map(|v| v.subnets.iter().map(|n| n.subnet_id.as_str())),
            )?;
            unique(
                &within("internet gateways"),
                vpcs.iter()
                    .flat_map(|v| v.internet_gateways.iter().map(String::as_str)),
            )?;
        }
    }
    for region in hidden.detached_internet_gateways.keys() {
        region_known(region, "a detached internet gateway")?;
    }
    for p in &hidden.pending_inspector {
        region_known(&p.region, "an Inspector resource type being enabled")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes_and_are_deterministic() {
        let mut counters = BTreeMap::new();
        let mut ids = Ids {
            salt: 1,
            counters: &mut counters,
        };
        let key = ids.next_id("key");
        assert_eq!(key.len(), 36, "{key}");
        assert_eq!(key.matches('-').count(), 4, "{key}");
        let det = ids.next_id("detector");
        assert_eq!(det.len(), 32);
        assert!(det.bytes().all(|b| b.is_ascii_hexdigit()));
        let vpc = ids.next_id("vpc");
        assert!(vpc.starts_with("vpc-") && vpc.len() == 21, "{vpc}");
        assert_ne!(ids.next_id("key"), key);
        assert_eq!(make_id("key", 1, 1), key);
        assert_ne!(make_id("key", 2, 1), key);
    }

    #[test]
    fn propagation_timers_count_down() {
        let mut h = Hidden::default();
        h.start_propagation(ResourceKind::Bucket, "b", 2);
        assert!(h.is_propagating(ResourceKind::Bucket, "b"));
        assert!(!h.is_propagating(ResourceKind::Role, "b"));
        h.consume_propagation(ResourceKind::Bucket, "b");
        assert!(h.is_propagating(ResourceKind::Bucket, "b"));
        h.consume_propagation(ResourceKind::Bucket, "b");
        assert!(!h.is_propagating(ResourceKind::Bucket, "b"));
        assert!(h.propagating.is_empty());
    }
}
