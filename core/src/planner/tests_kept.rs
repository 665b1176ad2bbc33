//! Unit tests of the fixes on kept default VPCs (issue 20: EC2.2, EC2.15).

use super::*;
use crate::evaluate::fixture;
use crate::snapshot::{NetworkInterface, Vpc};

const REGION: &str = "us-east-1";

/// The baselined account with the default VPC of the fixture in us-east-1, kept by
/// `eni`.
fn with_default_vpc(eni: NetworkInterface) -> Snapshot {
    let mut s = super::tests::baselined();
    let mut vpc: Vpc = fixture::default_vpc();
    vpc.network_interfaces = vec![eni];
    s.regions
        .get_mut(REGION)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap()
        .push(vpc);
    s
}

fn eni(groups: Option<&[&str]>, subnet: Option<&str>, public: Option<bool>) -> NetworkInterface {
    NetworkInterface {
        network_interface_id: "eni-1".into(),
        description: "Primary network interface".into(),
        subnet_id: subnet.map(str::to_string),
        security_groups: groups.map(|g| g.iter().map(|x| x.to_string()).collect()),
        has_public_ip: public,
    }
}

/// fsbp without flow logs (tested in `tests_flow_logs`): the EC2.2 and EC2.15 fixes alone.
fn fsbp() -> Baseline {
    let mut b = Baseline::fsbp();
    b.features.flow_logs_on_vpcs = false;
    b
}

fn ids(p: &Plan) -> Vec<&str> {
    p.actions.iter().map(|a| a.id.as_str()).collect()
}

/// An instance on its own group with a public address in the one subnet: the default
/// group, which nothing uses, loses its rules (inbound and outbound, as the snapshot shows
/// them); the subnet keeps mapping public addresses; the VPC is kept.
#[test]
fn an_unused_default_group_is_closed_and_a_public_subnet_is_kept() {
    let s = with_default_vpc(eni(Some(&["sg-app"]), Some("subnet-1"), Some(true)));
    let p = plan(&s, &fsbp());
    assert_eq!(
        ids(&p),
        [
            "us-east-1/revoke_security_group_ingress/sg-default",
            "us-east-1/revoke_security_group_egress/sg-default"
        ]
    );
    let Action::RevokeSecurityGroupIngress(ingress) = &p.actions[0].op else {
        panic!("{:?}", p.actions[0].op);
    };
    assert_eq!(
        ingress.rules,
        fixture::default_vpc().security_groups[0].ingress
    );
    assert!(p.actions[0].destructive);
    assert_eq!(p.actions[0].satisfies, ["EC2.2"]);
}

/// The default group in use, or an interface whose groups were not read: nothing for the
/// group. No public address in the subnet: the subnet stops mapping them; an interface
/// whose subnet or address is unknown, or a subnet that is not a default one, keeps it.
#[test]
fn what_an_interface_may_use_is_left_alone() {
    let p = plan(
        &with_default_vpc(eni(Some(&["sg-default"]), Some("subnet-1"), Some(false))),
        &fsbp(),
    );
    assert_eq!(ids(&p), ["us-east-1/modify_subnet_attribute/subnet-1"]);
    assert_eq!(p.actions[0].satisfies, ["EC2.15"]);
    assert!(!p.actions[0].destructive);
    for unknown in [
        eni(None, Some("subnet-1"), None),
        eni(Some(&["sg-default"]), None, Some(true)),
        eni(Some(&["sg-default"]), Some("subnet-1"), Some(true)),
    ] {
        let p = plan(&with_default_vpc(unknown.clone()), &fsbp());
        assert_eq!(ids(&p), Vec::<&str>::new(), "{unknown:?}");
    }
    let mut s = with_default_vpc(eni(Some(&["sg-default"]), Some("subnet-2"), Some(true)));
    let vpcs = s
        .regions
        .get_mut(REGION)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap();
    vpcs.last_mut().unwrap().subnets[0].default_for_az = Some(false);
    assert_eq!(ids(&plan(&s, &fsbp())), Vec::<&str>::new());
}

/// The switches: off in the seed's baseline, and each on its own; an exception in force
/// on the group or the subnet leaves it alone.
#[test]
fn the_fixes_follow_their_switches_and_exceptions() {
    let s = with_default_vpc(eni(Some(&["sg-app"]), Some("subnet-1"), Some(false)));
    assert_eq!(ids(&plan(&s, &fsbp())).len(), 3);
    let b = {
        let mut b = fsbp();
        b.features.close_unused_default_security_groups = false;
        b
    };
    assert_eq!(
        ids(&plan(&s, &b)),
        ["us-east-1/modify_subnet_attribute/subnet-1"]
    );
    let mut b = fsbp();
    b.features.no_auto_public_ip_on_default_subnets = false;
    assert_eq!(ids(&plan(&s, &b)).len(), 2);
    let seed = Baseline::built_in("seed-2024-08").unwrap();
    assert!(!seed.features.close_unused_default_security_groups);
    assert!(!seed.features.no_auto_public_ip_on_default_subnets);
    let mut b = fsbp();
    let exception = |control: &str, resource: &str| crate::baseline::Exception {
        control: control.into(),
        resource: Some(resource.into()),
        reason: "decided".into(),
        owner: "network-team".into(),
        until: "2999-12-31".into(),
    };
    b.exceptions = vec![
        exception("EC2.2", "sg-default"),
        exception("EC2.15", "subnet-1"),
    ];
    assert_eq!(b.exceptions.len(), 2);
    assert_eq!(ids(&plan(&s, &b)), Vec::<&str>::new());
}
