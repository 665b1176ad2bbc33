//! The built-in scenarios: what each account holds.

use super::*;

#[test]
fn fresh_has_17_enabled_regions_each_with_an_idle_default_vpc() {
    let a = Simulator::scenario("fresh").unwrap().account();
    assert_eq!(a.account_id, ACCT);
    assert_eq!(a.enabled_regions().count(), 17);
    assert_eq!(a.regions.len(), 32);
    for region in OPT_IN_REGIONS {
        assert_eq!(a.regions[region].opt_in_status, OptInStatus::NotOptedIn);
    }
    for (name, r) in a.enabled_regions() {
        assert_eq!(r.opt_in_status, OptInStatus::OptInNotRequired, "{name}");
        let vpcs = r.services.vpcs.known().unwrap();
        assert_eq!(vpcs.len(), 1, "{name}");
        let v = &vpcs[0];
        assert!(v.is_default && v.cidr_block == "172.31.0.0/16", "{name}");
        assert!(v.network_interfaces.is_empty(), "{name}");
        assert_eq!(v.internet_gateways.len(), 1, "{name}");
        assert!(v.subnets.len() >= 2 && v.subnets.iter().all(|s| s.map_public_ip_on_launch));
        assert_eq!(v.security_groups.len(), 1);
        let sg = &v.security_groups[0];
        assert_eq!(sg.ingress[0].source, sg.group_id);
        let acl = &v.network_acls[0];
        assert!(acl.is_default && acl.associated_subnets.len() == v.subnets.len());
        assert!(r.services.security_hub.known().unwrap().is_none());
        assert!(r.services.guardduty.known().unwrap().is_none());
        let wg = &r.services.athena_workgroups.known().unwrap()[0];
        assert!(wg.name == "primary" && wg.encryption_option.is_none());
        assert!(!r.services.ebs.known().unwrap().encryption_by_default);
        let block = r.services.snapshot_block_public_access.known().unwrap();
        assert_eq!(block.state, "unblocked");
    }
    assert_eq!(a.global.password_policy, Observed::Known(None));
    assert_eq!(a.global.buckets, Observed::Known(vec![]));
    // Ids are unique across the account.
    let mut ids: Vec<String> = a
        .enabled_regions()
        .flat_map(|(_, r)| r.services.vpcs.known().unwrap().clone())
        .flat_map(|v| {
            let mut ids = vec![v.vpc_id.clone()];
            ids.extend(v.subnets.iter().map(|s| s.subnet_id.clone()));
            ids.extend(v.internet_gateways.clone());
            ids
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn lived_in_has_workloads_and_legacy_settings() {
    let a = Simulator::scenario("lived-in").unwrap().account();
    for region in ["us-east-1", "eu-west-1", "ap-northeast-1"] {
        let vpcs = a.regions[region].services.vpcs.known().unwrap();
        let dv = vpcs.iter().find(|v| v.is_default).unwrap();
        assert!(!dv.network_interfaces.is_empty(), "{region}");
    }
    let us = &a.regions[HOME].services;
    assert!(us.vpcs.known().unwrap().iter().any(|v| !v.is_default));
    let trail = &us.trails.known().unwrap()[0];
    assert!(trail.name == "management-events" && trail.is_logging && trail.kms_key_id.is_none());
    assert!(a.bucket(LIVED_IN_TRAIL_BUCKET).unwrap().policy.is_some());
    let pp = a.global.password_policy.known().unwrap().as_ref().unwrap();
    assert_eq!(
        (
            pp.minimum_password_length,
            pp.require_symbols,
            pp.max_password_age
        ),
        (8, false, Some(60))
    );
    assert!(pp.password_reuse_prevention.is_none());
    let d = us.guardduty.known().unwrap().as_ref().unwrap();
    assert!(d.features.values().any(|on| !on));
    let public = a.bucket(LIVED_IN_PUBLIC_BUCKET).unwrap();
    assert!(public.public_access_block.is_none());
    assert!(policy::is_public(public.policy.as_deref().unwrap()));
    let user = &a.global.users.known().unwrap()[0];
    assert!(user.name == "deploy-bot" && user.console_password && user.mfa_devices == 0);
    assert!(!us.kms_keys.known().unwrap()[0].rotation_enabled);
}

#[test]
fn unknown_scenario_names_the_closest() {
    let e = Simulator::scenario("lived_in").unwrap_err();
    assert!(matches!(&e, SimError::UnknownScenario { closest, .. } if closest == "lived-in"));
    assert!(e.to_string().contains("did you mean `lived-in`"), "{e}");
    let e = Simulator::scenario("frsh").unwrap_err();
    assert!(e.to_string().contains("`fresh`"), "{e}");
}
