//! EC2's preconditions and error codes: the default-VPC teardown in AWS's order, and
//! what blocks it.

use secure_account_core::action::ec2;

use super::*;

#[tokio::test(start_paused = true)]
async fn default_vpc_deletion_in_aws_order() {
    let mut h = H::fresh();
    let region = "eu-west-3";
    let v = default_vpc(&h, region);
    let igw = v.internet_gateways[0].clone();
    let delete_vpc = Action::DeleteVpc(ec2::DeleteVpc {
        vpc_id: v.vpc_id.clone(),
    });
    h.code(region, delete_vpc.clone(), "DependencyViolation")
        .await;
    h.code(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw.clone(),
        }),
        "DependencyViolation",
    )
    .await;
    let detach = Action::DetachInternetGateway(ec2::DetachInternetGateway {
        internet_gateway_id: igw.clone(),
        vpc_id: v.vpc_id.clone(),
    });
    h.ok(region, detach.clone()).await;
    h.code(region, detach, "Gateway.NotAttached").await;
    h.ok(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw.clone(),
        }),
    )
    .await;
    h.code(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: igw,
        }),
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    // Subnets still block the VPC.
    h.code(region, delete_vpc.clone(), "DependencyViolation")
        .await;
    for s in &v.subnets {
        h.ok(
            region,
            Action::DeleteSubnet(ec2::DeleteSubnet {
                subnet_id: s.subnet_id.clone(),
            }),
        )
        .await;
    }
    h.ok(region, delete_vpc.clone()).await;
    assert!(h.services(region).vpcs.known().unwrap().is_empty());
    h.code(region, delete_vpc, "InvalidVpcID.NotFound").await;
    h.code(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet {
            subnet_id: v.subnets[0].subnet_id.clone(),
        }),
        "InvalidSubnetID.NotFound",
    )
    .await;
    h.code(
        region,
        Action::DetachInternetGateway(ec2::DetachInternetGateway {
            internet_gateway_id: "igw-0123456789abcdef0".into(),
            vpc_id: v.vpc_id.clone(),
        }),
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    // The snapshot shows the region without a VPC; other regions are untouched.
    assert_eq!(default_vpc(&h, "eu-west-2").subnets.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_default_vpc_with_interfaces_never_disappears() {
    let mut h = H::lived_in();
    let before = h.sim.account();
    for region in ["us-east-1", "eu-west-1", "ap-northeast-1"] {
        let v = default_vpc(&h, region);
        h.code(
            region,
            Action::DetachInternetGateway(ec2::DetachInternetGateway {
                internet_gateway_id: v.internet_gateways[0].clone(),
                vpc_id: v.vpc_id.clone(),
            }),
            "DependencyViolation",
        )
        .await;
        // The subnets that hold an interface (EC2 lets their siblings go).
        for s in v.subnets.iter().filter(|s| {
            v.network_interfaces
                .iter()
                .any(|e| e.subnet_id.as_deref().is_none_or(|id| id == s.subnet_id))
        }) {
            h.code(
                region,
                Action::DeleteSubnet(ec2::DeleteSubnet {
                    subnet_id: s.subnet_id.clone(),
                }),
                "DependencyViolation",
            )
            .await;
        }
        h.code(
            region,
            Action::DeleteVpc(ec2::DeleteVpc {
                vpc_id: v.vpc_id.clone(),
            }),
            "DependencyViolation",
        )
        .await;
    }
    // The non-default VPC is just as protected.
    let app = h.services(HOME).vpcs.known().unwrap()[1].clone();
    assert!(!app.is_default);
    h.code(
        HOME,
        Action::DeleteVpc(ec2::DeleteVpc {
            vpc_id: app.vpc_id.clone(),
        }),
        "DependencyViolation",
    )
    .await;
    assert_eq!(h.sim.account(), before);
}

#[tokio::test(start_paused = true)]
async fn non_default_security_group_blocks_vpc_deletion() {
    let mut s = Simulator::scenario("fresh").unwrap().account();
    let region = "sa-east-1";
    {
        let vpcs = s
            .regions
            .get_mut(region)
            .unwrap()
            .services
            .vpcs
            .known_mut()
            .unwrap();
        let v = &mut vpcs[0];
        v.subnets.clear();
        v.internet_gateways.clear();
        for acl in &mut v.network_acls {
            acl.associated_subnets.clear();
        }
        v.security_groups
            .push(secure_account_core::snapshot::SecurityGroup {
                group_id: "sg-0aaaaaaaaaaaaaaaa".into(),
                group_name: "web".into(),
                ingress: vec![],
                egress: vec![],
            });
    }
    let vpc_id = s.regions[region].services.vpcs.known().unwrap()[0]
        .vpc_id
        .clone();
    let mut h = H::new(Simulator::from_snapshot(s));
    h.code(
        region,
        Action::DeleteVpc(ec2::DeleteVpc {
            vpc_id: vpc_id.clone(),
        }),
        "DependencyViolation",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn ec2_settings() {
    let mut h = H::fresh();
    h.ok(
        HOME,
        Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
    )
    .await;
    h.ok(
        HOME,
        Action::EnableSnapshotBlockPublicAccess(ec2::EnableSnapshotBlockPublicAccess {
            state: "block-all-sharing".into(),
        }),
    )
    .await;
    h.code(
        HOME,
        Action::EnableSnapshotBlockPublicAccess(ec2::EnableSnapshotBlockPublicAccess {
            state: "unblocked".into(),
        }),
        "InvalidParameterValue",
    )
    .await;
    let services = h.services(HOME);
    assert!(services.ebs.known().unwrap().encryption_by_default);
    let block = services.snapshot_block_public_access.known().unwrap();
    assert_eq!(block.state, "block-all-sharing");
}

/// EC2 refuses `DeleteSubnet` only for the subnet that holds a network interface, not its
/// siblings (research note, "EC2 and VPC"); an interface whose subnet is unknown blocks
/// every subnet of its VPC.
#[tokio::test(start_paused = true)]
async fn delete_subnet_is_refused_only_where_an_interface_is() {
    let region = "eu-west-3";
    let mut account = Simulator::scenario("fresh").unwrap().account();
    let vpc = account
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap()
        .iter_mut()
        .find(|v| v.is_default)
        .unwrap();
    let busy = vpc.subnets[0].subnet_id.clone();
    let free = vpc.subnets[1].subnet_id.clone();
    vpc.network_interfaces
        .push(secure_account_core::snapshot::NetworkInterface {
            network_interface_id: "eni-1".into(),
            description: "Primary network interface".into(),
            subnet_id: Some(busy.clone()),
            ..Default::default()
        });
    let mut h = H::new(Simulator::from_snapshot(account.clone()));
    h.code(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: busy }),
        "DependencyViolation",
    )
    .await;
    h.ok(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: free }),
    )
    .await;
    // Where the interface is not known, every subnet of its VPC is refused.
    let vpc = account
        .regions
        .get_mut(region)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap()
        .iter_mut()
        .find(|v| v.is_default)
        .unwrap();
    vpc.network_interfaces[0].subnet_id = None;
    let last = vpc.subnets[2].subnet_id.clone();
    let mut h = H::new(Simulator::from_snapshot(account));
    h.code(
        region,
        Action::DeleteSubnet(ec2::DeleteSubnet { subnet_id: last }),
        "DependencyViolation",
    )
    .await;
}
