use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::describe_flow_logs::DescribeFlowLogsOutput;
use aws_sdk_ec2::operation::describe_internet_gateways::DescribeInternetGatewaysOutput;
use aws_sdk_ec2::operation::describe_network_acls::DescribeNetworkAclsOutput;
use aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput;
use aws_sdk_ec2::operation::describe_regions::DescribeRegionsOutput;
use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
use aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsOutput;
use aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput;
use aws_sdk_ec2::operation::describe_vpc_block_public_access_options::DescribeVpcBlockPublicAccessOptionsOutput;
use aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput;
use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput;
use aws_sdk_ec2::operation::get_ebs_encryption_by_default::{
    GetEbsEncryptionByDefaultError, GetEbsEncryptionByDefaultOutput,
};
use aws_sdk_ec2::operation::get_instance_metadata_defaults::GetInstanceMetadataDefaultsOutput;
use aws_sdk_ec2::operation::get_snapshot_block_public_access_state::{
    GetSnapshotBlockPublicAccessStateError, GetSnapshotBlockPublicAccessStateOutput,
};
use aws_sdk_ec2::types::{
    FlowLog, InternetGateway, InternetGatewayAttachment, InternetGatewayBlockMode, IpPermission,
    IpRange, Ipv6Range, NetworkAcl, NetworkAclAssociation, NetworkAclEntry, NetworkInterface,
    PortRange, Region, RouteTable, RouteTableAssociation, RuleAction, SecurityGroup, Snapshot,
    SnapshotBlockPublicAccessState, Subnet, UserIdGroupPair, Vpc, VpcBlockPublicAccessOptions,
    VpcEndpoint,
};
use aws_sdk_ec2::types::{HttpTokensState, InstanceMetadataDefaultsResponse};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use secure_account_core::snapshot::ec2::{HttpTokens, InstanceMetadataDefaults};
use secure_account_core::snapshot::{self as snap, NetworkRule, OptInStatus};

use super::{http, meta};
use crate::ec2::*;

#[tokio::test]
async fn regions_come_with_their_opt_in_status() {
    let rule = mock!(Client::describe_regions)
        .match_requests(|r| r.all_regions() == Some(true))
        .then_output(|| {
            DescribeRegionsOutput::builder()
                .regions(
                    Region::builder()
                        .region_name("us-east-1")
                        .opt_in_status("opt-in-not-required")
                        .build(),
                )
                .regions(
                    Region::builder()
                        .region_name("af-south-1")
                        .opt_in_status("not-opted-in")
                        .build(),
                )
                .regions(
                    Region::builder()
                        .region_name("me-south-1")
                        .opt_in_status("opted-in")
                        .build(),
                )
                .build()
        });
    let ec2 = mock_client!(aws_sdk_ec2, [&rule]);
    let regions = read_regions(&ec2).await.unwrap();
    assert_eq!(
        regions.into_iter().collect::<Vec<_>>(),
        vec![
            ("af-south-1".to_string(), OptInStatus::NotOptedIn),
            ("me-south-1".to_string(), OptInStatus::OptedIn),
            ("us-east-1".to_string(), OptInStatus::OptInNotRequired),
        ]
    );
}

#[tokio::test]
async fn account_id_comes_from_sts() {
    let rule = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder()
            .account("123456789012")
            .arn("arn:aws:iam::123456789012:user/me")
            .build()
    });
    let sts = mock_client!(aws_sdk_sts, [&rule]);
    assert_eq!(read_account_id(&sts).await.unwrap(), "123456789012");
}

/// The EBS part: encryption by default and the public snapshots, nothing else (the
/// snapshot block public access state is a part of its own: no rule answers it here).
#[tokio::test]
async fn ebs_reads_encryption_and_public_snapshots_across_pages() {
    let enc = mock!(Client::get_ebs_encryption_by_default).then_output(|| {
        GetEbsEncryptionByDefaultOutput::builder()
            .ebs_encryption_by_default(true)
            .build()
    });
    let self_all = |r: &aws_sdk_ec2::operation::describe_snapshots::DescribeSnapshotsInput| {
        r.owner_ids() == ["self"] && r.restorable_by_user_ids() == ["all"]
    };
    let page1 = mock!(Client::describe_snapshots)
        .match_requests(move |r| self_all(r) && r.next_token().is_none())
        .then_output(|| {
            DescribeSnapshotsOutput::builder()
                .snapshots(Snapshot::builder().snapshot_id("snap-2").build())
                .next_token("t2")
                .build()
        });
    let page2 = mock!(Client::describe_snapshots)
        .match_requests(move |r| self_all(r) && r.next_token() == Some("t2"))
        .then_output(|| {
            DescribeSnapshotsOutput::builder()
                .snapshots(Snapshot::builder().snapshot_id("snap-1").build())
                .build()
        });
    let imds = mock!(Client::get_instance_metadata_defaults).then_output(|| {
        GetInstanceMetadataDefaultsOutput::builder()
            .account_level(
                InstanceMetadataDefaultsResponse::builder()
                    .http_tokens(HttpTokensState::Required)
                    .build(),
            )
            .build()
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&enc, &page1, &page2, &imds]);
    assert_eq!(
        read_ebs(&ec2).await.unwrap(),
        snap::Ebs {
            encryption_by_default: true,
            public_snapshots: vec!["snap-1".into(), "snap-2".into()],
            instance_metadata_defaults: snap::Observed::Known(InstanceMetadataDefaults {
                http_tokens: Some(HttpTokens::Required),
            }),
        }
    );
    assert_eq!(
        (
            enc.num_calls(),
            page1.num_calls(),
            page2.num_calls(),
            imds.num_calls()
        ),
        (1, 1, 1, 1)
    );
}

/// An account without instance metadata defaults reads as no preference; an endpoint that
/// does not serve the call (moto) leaves only that field unreadable.
#[tokio::test]
async fn instance_metadata_defaults_are_read_on_their_own() {
    let none = mock!(Client::get_instance_metadata_defaults)
        .then_output(|| GetInstanceMetadataDefaultsOutput::builder().build());
    let ec2 = mock_client!(aws_sdk_ec2, [&none]);
    assert_eq!(
        read_instance_metadata_defaults(&ec2).await.unwrap(),
        InstanceMetadataDefaults { http_tokens: None }
    );
    let enc = mock!(Client::get_ebs_encryption_by_default).then_output(|| {
        GetEbsEncryptionByDefaultOutput::builder()
            .ebs_encryption_by_default(true)
            .build()
    });
    let snapshots = mock!(Client::describe_snapshots)
        .then_output(|| DescribeSnapshotsOutput::builder().build());
    let not_served = mock!(Client::get_instance_metadata_defaults).then_http_response(|| {
        http(
            500,
            "<!doctype html><html><title>500 Internal Server Error</title><p>NotImplementedError: \
             The get_instance_metadata_defaults action has not been implemented</p></html>",
        )
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&enc, &snapshots, &not_served]);
    let ebs = read_ebs(&ec2).await.unwrap();
    assert!(ebs.encryption_by_default);
    let e = ebs.instance_metadata_defaults.read_error().unwrap();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(e.message.contains("ec2:GetInstanceMetadataDefaults"), "{e}");
}

#[tokio::test]
async fn ebs_fails_on_its_own_calls_only() {
    let enc = mock!(Client::get_ebs_encryption_by_default).then_error(|| {
        GetEbsEncryptionByDefaultError::generic(meta(
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ))
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&enc]);
    let e = read_ebs(&ec2).await.unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert!(e.message.contains("ec2:GetEbsEncryptionByDefault"), "{e}");
}

#[tokio::test]
async fn snapshot_block_public_access_reads_the_state() {
    let block = mock!(Client::get_snapshot_block_public_access_state).then_output(|| {
        GetSnapshotBlockPublicAccessStateOutput::builder()
            .state(SnapshotBlockPublicAccessState::BlockNewSharing)
            .build()
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&block]);
    assert_eq!(
        read_snapshot_block_public_access(&ec2).await.unwrap(),
        snap::SnapshotBlockPublicAccess {
            state: "block-new-sharing".into()
        }
    );
    assert_eq!(block.num_calls(), 1);
    // No state reported is `unblocked`.
    let none = mock!(Client::get_snapshot_block_public_access_state)
        .then_output(|| GetSnapshotBlockPublicAccessStateOutput::builder().build());
    let ec2 = mock_client!(aws_sdk_ec2, [&none]);
    assert_eq!(
        read_snapshot_block_public_access(&ec2).await.unwrap().state,
        "unblocked"
    );
}

#[tokio::test]
async fn snapshot_block_public_access_not_served_or_denied_names_its_call() {
    // moto's answer: it does not serve the operation.
    let rule = mock!(Client::get_snapshot_block_public_access_state).then_http_response(|| {
        http(
            500,
            "<!doctype html><html><title>500 Internal Server Error</title><p>NotImplementedError: \
             The get_snapshot_block_public_access_state action has not been implemented</p></html>",
        )
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&rule]);
    let e = read_snapshot_block_public_access(&ec2).await.unwrap_err();
    assert_eq!(e.code, "secure-account:NotImplemented");
    assert!(
        e.message
            .starts_with("ec2:GetSnapshotBlockPublicAccessState: "),
        "{e}"
    );
    // An SCP that denies it.
    let rule = mock!(Client::get_snapshot_block_public_access_state).then_error(|| {
        GetSnapshotBlockPublicAccessStateError::generic(meta(
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ))
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&rule]);
    let e = read_snapshot_block_public_access(&ec2).await.unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert!(
        e.message.contains("ec2:GetSnapshotBlockPublicAccessState"),
        "{e}"
    );
}

#[tokio::test]
async fn vpc_block_public_access_mode() {
    let rule = mock!(Client::describe_vpc_block_public_access_options).then_output(|| {
        DescribeVpcBlockPublicAccessOptionsOutput::builder()
            .vpc_block_public_access_options(
                VpcBlockPublicAccessOptions::builder()
                    .internet_gateway_block_mode(InternetGatewayBlockMode::BlockIngress)
                    .build(),
            )
            .build()
    });
    let ec2 = mock_client!(aws_sdk_ec2, [&rule]);
    assert_eq!(
        read_vpc_block_public_access(&ec2)
            .await
            .unwrap()
            .internet_gateway_block_mode,
        snap::InternetGatewayBlockMode::BlockIngress
    );
    assert_eq!(
        igw_block_mode(None).unwrap(),
        snap::InternetGatewayBlockMode::Off
    );
    let e = igw_block_mode(Some(&InternetGatewayBlockMode::from("block-everything"))).unwrap_err();
    assert_eq!(e.code, "secure-account:UnknownValue");
    assert!(e.message.contains("block-everything"), "{e}");
}

#[tokio::test]
async fn vpcs_gather_everything_in_them() {
    let vpcs = mock!(Client::describe_vpcs).then_output(|| {
        DescribeVpcsOutput::builder()
            .vpcs(
                Vpc::builder()
                    .vpc_id("vpc-d")
                    .is_default(true)
                    .cidr_block("172.31.0.0/16")
                    .build(),
            )
            .vpcs(
                Vpc::builder()
                    .vpc_id("vpc-c")
                    .is_default(false)
                    .cidr_block("10.0.0.0/16")
                    .build(),
            )
            .build()
    });
    let subnets_1 = mock!(Client::describe_subnets)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            DescribeSubnetsOutput::builder()
                .subnets(
                    Subnet::builder()
                        .subnet_id("subnet-b")
                        .vpc_id("vpc-d")
                        .map_public_ip_on_launch(true)
                        .default_for_az(true)
                        .build(),
                )
                .next_token("more")
                .build()
        });
    let subnets_2 = mock!(Client::describe_subnets)
        .match_requests(|r| r.next_token() == Some("more"))
        .then_output(|| {
            DescribeSubnetsOutput::builder()
                .subnets(
                    Subnet::builder()
                        .subnet_id("subnet-a")
                        .vpc_id("vpc-d")
                        .map_public_ip_on_launch(false)
                        .build(),
                )
                .build()
        });
    let igws = mock!(Client::describe_internet_gateways).then_output(|| {
        DescribeInternetGatewaysOutput::builder()
            .internet_gateways(
                InternetGateway::builder()
                    .internet_gateway_id("igw-1")
                    .attachments(InternetGatewayAttachment::builder().vpc_id("vpc-d").build())
                    .build(),
            )
            .build()
    });
    let tables = mock!(Client::describe_route_tables).then_output(|| {
        DescribeRouteTablesOutput::builder()
            .route_tables(
                RouteTable::builder()
                    .route_table_id("rtb-main")
                    .vpc_id("vpc-d")
                    .associations(RouteTableAssociation::builder().main(true).build())
                    .build(),
            )
            .route_tables(
                RouteTable::builder()
                    .route_table_id("rtb-x")
                    .vpc_id("vpc-d")
                    .build(),
            )
            .build()
    });
    let acls = mock!(Client::describe_network_acls).then_output(|| {
        DescribeNetworkAclsOutput::builder()
            .network_acls(
                NetworkAcl::builder()
                    .network_acl_id("acl-1")
                    .vpc_id("vpc-d")
                    .is_default(true)
                    .associations(
                        NetworkAclAssociation::builder()
                            .subnet_id("subnet-a")
                            .build(),
                    )
                    .entries(
                        NetworkAclEntry::builder()
                            .egress(false)
                            .rule_action(RuleAction::Allow)
                            .protocol("6")
                            .port_range(PortRange::builder().from(22).to(22).build())
                            .cidr_block("0.0.0.0/0")
                            .build(),
                    )
                    .entries(
                        NetworkAclEntry::builder()
                            .egress(false)
                            .rule_action(RuleAction::Deny)
                            .protocol("-1")
                            .cidr_block("0.0.0.0/0")
                            .build(),
                    )
                    .entries(
                        NetworkAclEntry::builder()
                            .egress(true)
                            .rule_action(RuleAction::Allow)
                            .protocol("-1")
                            .cidr_block("0.0.0.0/0")
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let groups = mock!(Client::describe_security_groups).then_output(|| {
        DescribeSecurityGroupsOutput::builder()
            .security_groups(
                SecurityGroup::builder()
                    .group_id("sg-1")
                    .group_name("default")
                    .vpc_id("vpc-d")
                    .ip_permissions(
                        IpPermission::builder()
                            .ip_protocol("tcp")
                            .from_port(3389)
                            .to_port(3389)
                            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                            .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                            .build(),
                    )
                    .ip_permissions(
                        IpPermission::builder()
                            .ip_protocol("-1")
                            .user_id_group_pairs(
                                UserIdGroupPair::builder().group_id("sg-1").build(),
                            )
                            .build(),
                    )
                    .ip_permissions_egress(
                        IpPermission::builder()
                            .ip_protocol("-1")
                            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let enis = mock!(Client::describe_network_interfaces).then_output(|| {
        DescribeNetworkInterfacesOutput::builder()
            .network_interfaces(
                NetworkInterface::builder()
                    .network_interface_id("eni-1")
                    .vpc_id("vpc-d")
                    .subnet_id("subnet-d1")
                    .description("web server")
                    .groups(
                        aws_sdk_ec2::types::GroupIdentifier::builder()
                            .group_id("sg-web")
                            .build(),
                    )
                    .groups(
                        aws_sdk_ec2::types::GroupIdentifier::builder()
                            .group_id("sg-d")
                            .build(),
                    )
                    .association(
                        aws_sdk_ec2::types::NetworkInterfaceAssociation::builder()
                            .public_ip("203.0.113.7")
                            .build(),
                    )
                    .build(),
            )
            .network_interfaces(
                NetworkInterface::builder()
                    .network_interface_id("eni-2")
                    .vpc_id("vpc-d")
                    .subnet_id("subnet-d1")
                    .description("private")
                    .build(),
            )
            .build()
    });
    let flows = mock!(Client::describe_flow_logs)
        .match_requests(|r| {
            r.filter()
                .iter()
                .any(|f| f.name() == Some("resource-type") && f.values() == ["VPC"])
        })
        .then_output(|| {
            DescribeFlowLogsOutput::builder()
                .flow_logs(
                    FlowLog::builder()
                        .flow_log_id("fl-1")
                        .resource_id("vpc-c")
                        .build(),
                )
                .build()
        });
    let endpoints = mock!(Client::describe_vpc_endpoints).then_output(|| {
        DescribeVpcEndpointsOutput::builder()
            .vpc_endpoints(
                VpcEndpoint::builder()
                    .vpc_id("vpc-c")
                    .service_name("com.amazonaws.us-east-1.s3")
                    .build(),
            )
            .build()
    });
    let ec2 = mock_client!(
        aws_sdk_ec2,
        RuleMode::MatchAny,
        [
            &vpcs, &subnets_1, &subnets_2, &igws, &tables, &acls, &groups, &enis, &flows,
            &endpoints
        ]
    );
    let got = read_vpcs(&ec2).await.unwrap();
    assert_eq!(got.len(), 2);
    let custom = &got[0];
    assert_eq!(custom.vpc_id, "vpc-c");
    assert!(!custom.is_default);
    assert_eq!(custom.flow_logs, ["fl-1"]);
    assert_eq!(custom.endpoints, ["com.amazonaws.us-east-1.s3"]);
    let d = &got[1];
    assert_eq!(
        d,
        &snap::Vpc {
            vpc_id: "vpc-d".into(),
            is_default: true,
            cidr_block: "172.31.0.0/16".into(),
            subnets: vec![
                snap::Subnet {
                    subnet_id: "subnet-a".into(),
                    map_public_ip_on_launch: false,
                    default_for_az: Some(false),
                },
                snap::Subnet {
                    subnet_id: "subnet-b".into(),
                    map_public_ip_on_launch: true,
                    default_for_az: Some(true),
                },
            ],
            internet_gateways: vec!["igw-1".into()],
            route_tables: vec![
                snap::RouteTable {
                    route_table_id: "rtb-main".into(),
                    main: true
                },
                snap::RouteTable {
                    route_table_id: "rtb-x".into(),
                    main: false
                },
            ],
            network_acls: vec![snap::NetworkAcl {
                network_acl_id: "acl-1".into(),
                is_default: true,
                associated_subnets: vec!["subnet-a".into()],
                ingress_allow: vec![NetworkRule {
                    protocol: "6".into(),
                    from_port: Some(22),
                    to_port: Some(22),
                    source: "0.0.0.0/0".into()
                }],
            }],
            security_groups: vec![snap::SecurityGroup {
                group_id: "sg-1".into(),
                group_name: "default".into(),
                ingress: vec![
                    NetworkRule {
                        protocol: "tcp".into(),
                        from_port: Some(3389),
                        to_port: Some(3389),
                        source: "0.0.0.0/0".into()
                    },
                    NetworkRule {
                        protocol: "tcp".into(),
                        from_port: Some(3389),
                        to_port: Some(3389),
                        source: "::/0".into()
                    },
                    NetworkRule {
                        protocol: "-1".into(),
                        from_port: None,
                        to_port: None,
                        source: "sg-1".into()
                    },
                ],
                egress: vec![NetworkRule {
                    protocol: "-1".into(),
                    from_port: None,
                    to_port: None,
                    source: "0.0.0.0/0".into()
                }],
            }],
            // The groups each interface uses, sorted, and whether it has a public address.
            network_interfaces: vec![
                snap::NetworkInterface {
                    network_interface_id: "eni-1".into(),
                    description: "web server".into(),
                    subnet_id: Some("subnet-d1".into()),
                    security_groups: Some(vec!["sg-d".into(), "sg-web".into()]),
                    has_public_ip: Some(true),
                },
                snap::NetworkInterface {
                    network_interface_id: "eni-2".into(),
                    description: "private".into(),
                    subnet_id: Some("subnet-d1".into()),
                    security_groups: Some(vec![]),
                    has_public_ip: Some(false),
                },
            ],
            flow_logs: vec![],
            endpoints: vec![],
        }
    );
    assert_eq!((subnets_1.num_calls(), subnets_2.num_calls()), (1, 1));
}
