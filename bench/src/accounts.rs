//! The benchmark's random accounts: different snapshots made deterministically from the
//! simulator's `fresh` account by a cheap seeded mutation (no proptest, no I/O), so that
//! planning 10,000 of them measures the planner and not the generator.
//!
//! The property tests draw their accounts from another generator,
//! `secure_account_tests::accounts` (proptest strategies that shrink); this one is for
//! throughput: one call, one seed, one snapshot.

use std::collections::BTreeMap;

use secure_account_core::snapshot::guardduty;
use secure_account_core::snapshot::{
    Detector, NetworkInterface, OptInStatus, PasswordPolicy, RegionServices,
};
use secure_account_core::{Observed, Snapshot};

/// SplitMix64: a tiny deterministic generator for the snapshot variations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A different account, made deterministically from `fresh` by `seed`: some opt-in regions
/// enabled (with a fresh region's services), some default VPCs in use, a password policy of
/// random strength, GuardDuty detectors with random features, EBS encryption on here and
/// there, and now and then a part that could not be read.
pub fn vary(fresh: &Snapshot, seed: u64) -> Snapshot {
    let mut rng = Rng(seed);
    let mut s = fresh.clone();
    let template: Option<RegionServices> =
        s.enabled_regions().next().map(|(_, r)| r.services.clone());
    for region in s.regions.values_mut() {
        if !region.opt_in_status.is_enabled()
            && rng.chance(15)
            && let Some(t) = &template
        {
            region.opt_in_status = OptInStatus::OptedIn;
            region.services = t.clone();
        }
    }
    for (name, region) in s.regions.iter_mut() {
        if !region.opt_in_status.is_enabled() {
            continue;
        }
        let services = &mut region.services;
        if rng.chance(20)
            && let Some(vpcs) = services.vpcs.known_mut()
            && let Some(vpc) = vpcs.iter_mut().find(|v| v.is_default)
        {
            vpc.network_interfaces.push(NetworkInterface {
                network_interface_id: format!("eni-{seed:08x}{:04x}", rng.below(0xffff)),
                description: "bench workload".into(),
                subnet_id: None,
                ..Default::default()
            });
        }
        if rng.chance(20) {
            let mut features = BTreeMap::new();
            for (feature, _) in guardduty::detector_features() {
                if rng.chance(50) {
                    features.insert(feature.to_string(), rng.chance(50));
                }
            }
            services.guardduty = Observed::Known(Some(Detector {
                detector_id: format!("d{seed:x}{name}"),
                enabled: rng.chance(70),
                finding_publishing_frequency: ["SIX_HOURS", "ONE_HOUR", "FIFTEEN_MINUTES"]
                    [rng.below(3) as usize]
                    .into(),
                features,
            }));
        }
        if rng.chance(20)
            && let Some(ebs) = services.ebs.known_mut()
        {
            ebs.encryption_by_default = true;
        }
        if rng.chance(3) {
            services.config = Observed::unreadable("AccessDeniedException", "bench: denied");
        }
    }
    if rng.chance(60) {
        s.global.password_policy = Observed::Known(Some(PasswordPolicy {
            minimum_password_length: 6 + rng.below(20) as u32,
            require_symbols: rng.chance(50),
            require_numbers: rng.chance(50),
            require_uppercase_characters: rng.chance(50),
            require_lowercase_characters: rng.chance(50),
            allow_users_to_change_password: rng.chance(50),
            max_password_age: rng.chance(50).then(|| 30 + rng.below(365) as u32),
            password_reuse_prevention: rng.chance(50).then(|| 1 + rng.below(24) as u32),
            hard_expiry: rng.chance(10),
        }));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use secure_account_simulator::Simulator;

    #[test]
    fn variations_are_deterministic_and_different() {
        let fresh = Simulator::scenario("fresh").unwrap().account();
        assert_eq!(vary(&fresh, 7), vary(&fresh, 7));
        assert!((1..20).any(|s| vary(&fresh, s) != fresh));
    }
}
