//! EC2 writes: account defaults, VPC block public access, and the removal of a default
//! VPC (the ids exactly as planned; a piece already gone is success, a dependency stays a
//! failure).

use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::create_flow_logs::{CreateFlowLogsInput, CreateFlowLogsOutput};
use aws_sdk_ec2::operation::delete_internet_gateway::{
    DeleteInternetGatewayError, DeleteInternetGatewayInput, DeleteInternetGatewayOutput,
};
use aws_sdk_ec2::operation::delete_subnet::{
    DeleteSubnetError, DeleteSubnetInput, DeleteSubnetOutput,
};
use aws_sdk_ec2::operation::delete_vpc::{DeleteVpcError, DeleteVpcInput, DeleteVpcOutput};
use aws_sdk_ec2::operation::detach_internet_gateway::{
    DetachInternetGatewayError, DetachInternetGatewayInput, DetachInternetGatewayOutput,
};
use aws_sdk_ec2::operation::enable_ebs_encryption_by_default::{
    EnableEbsEncryptionByDefaultInput, EnableEbsEncryptionByDefaultOutput,
};
use aws_sdk_ec2::operation::enable_snapshot_block_public_access::{
    EnableSnapshotBlockPublicAccessInput, EnableSnapshotBlockPublicAccessOutput,
};
use aws_sdk_ec2::operation::modify_instance_metadata_defaults::{
    ModifyInstanceMetadataDefaultsInput, ModifyInstanceMetadataDefaultsOutput,
};
use aws_sdk_ec2::operation::modify_subnet_attribute::{
    ModifySubnetAttributeInput, ModifySubnetAttributeOutput,
};
use aws_sdk_ec2::operation::modify_vpc_block_public_access_options::{
    ModifyVpcBlockPublicAccessOptionsInput, ModifyVpcBlockPublicAccessOptionsOutput,
};
use aws_sdk_ec2::operation::revoke_security_group_egress::{
    RevokeSecurityGroupEgressInput, RevokeSecurityGroupEgressOutput,
};
use aws_sdk_ec2::operation::revoke_security_group_ingress::{
    RevokeSecurityGroupIngressInput, RevokeSecurityGroupIngressOutput,
};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, FlowLogsResourceType, InternetGatewayBlockMode, IpPermission, IpRange,
    Ipv6Range, LogDestinationType, MetadataDefaultHttpTokensState, PrefixListId,
    SnapshotBlockPublicAccessState, TrafficType, UnsuccessfulItem, UnsuccessfulItemError,
    UserIdGroupPair,
};
use aws_smithy_mocks::mock;
use secure_account_core::Action;
use secure_account_core::action::ActionKind;
use secure_account_core::action::ec2;
use secure_account_core::snapshot::InternetGatewayBlockMode as Mode;
use secure_account_core::snapshot::NetworkRule;
use secure_account_engine::{ErrorClass, classify};

use super::{TOKEN, done, exactly, exec};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::EnableEbsEncryptionByDefault,
    ActionKind::EnableSnapshotBlockPublicAccess,
    ActionKind::ModifyInstanceMetadataDefaults,
    ActionKind::ModifyVpcBlockPublicAccessOptions,
    ActionKind::RevokeSecurityGroupIngress,
    ActionKind::RevokeSecurityGroupEgress,
    ActionKind::ModifySubnetAttribute,
    ActionKind::CreateFlowLogs,
    ActionKind::DetachInternetGateway,
    ActionKind::DeleteInternetGateway,
    ActionKind::DeleteSubnet,
    ActionKind::DeleteVpc,
];

const VPC: &str = "vpc-0a1b2c3d";
const IGW: &str = "igw-0a1b2c3d";
const SUBNET: &str = "subnet-0a1b2c3d";

#[tokio::test]
async fn enable_ebs_encryption_by_default_sends_no_parameter() {
    let rule = mock!(Client::enable_ebs_encryption_by_default)
        .match_requests(exactly(
            EnableEbsEncryptionByDefaultInput::builder()
                .build()
                .unwrap(),
        ))
        .then_output(|| {
            EnableEbsEncryptionByDefaultOutput::builder()
                .ebs_encryption_by_default(true)
                .build()
        });
    let ec2 = writes!(aws_sdk_ec2, [&rule]);
    exec(ec2::EnableEbsEncryptionByDefault {}, &ec2)
        .await
        .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

/// `HttpTokens=required` and nothing else: the account's other instance metadata defaults
/// (hop limit, endpoint, tags) are not sent, so they keep their values.
#[tokio::test]
async fn modify_instance_metadata_defaults_sends_http_tokens_only() {
    let rule = mock!(Client::modify_instance_metadata_defaults)
        .match_requests(exactly(
            ModifyInstanceMetadataDefaultsInput::builder()
                .http_tokens(MetadataDefaultHttpTokensState::Required)
                .build()
                .unwrap(),
        ))
        .then_output(|| {
            ModifyInstanceMetadataDefaultsOutput::builder()
                .r#return(true)
                .build()
        });
    let ec2 = writes!(aws_sdk_ec2, [&rule]);
    exec(
        ec2::ModifyInstanceMetadataDefaults {
            http_tokens: secure_account_core::snapshot::ec2::HttpTokens::Required,
        },
        &ec2,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

fn rule(protocol: &str, ports: Option<(u16, u16)>, source: &str) -> NetworkRule {
    NetworkRule {
        protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        source: source.into(),
    }
}

/// The default group's rules by their properties, one `IpPermissions` entry per rule with
/// its one source: all traffic from the group itself (no ports), a TCP range from an IPv4
/// range, ICMP's all types (`-1`) from an IPv6 range, UDP from a prefix list.
#[tokio::test]
async fn revoke_security_group_ingress_names_each_rule_exactly() {
    let rules = vec![
        rule("-1", None, "sg-0d"),
        rule("tcp", Some((22, 22)), "0.0.0.0/0"),
        rule("icmpv6", None, "::/0"),
        rule("udp", Some((53, 53)), "pl-0a1b"),
    ];
    let expected = RevokeSecurityGroupIngressInput::builder()
        .group_id("sg-0d")
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-0d").build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("icmpv6")
                .from_port(-1)
                .to_port(-1)
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("udp")
                .from_port(53)
                .to_port(53)
                .prefix_list_ids(PrefixListId::builder().prefix_list_id("pl-0a1b").build())
                .build(),
        )
        .build()
        .unwrap();
    let call = mock!(Client::revoke_security_group_ingress)
        .match_requests(exactly(expected))
        .then_output(|| {
            RevokeSecurityGroupIngressOutput::builder()
                .r#return(true)
                .build()
        });
    let ec2 = writes!(aws_sdk_ec2, [&call]);
    exec(
        ec2::RevokeSecurityGroupIngress {
            group_id: "sg-0d".into(),
            rules,
        },
        &ec2,
    )
    .await
    .unwrap();
    assert_eq!(call.num_calls(), 1);
}

/// Outbound: the default group's all-traffic rules to the world (IPv4 and IPv6). A default
/// VPC's answer that lists a rule as unknown (gone already) is success: the rest is
/// revoked.
#[tokio::test]
async fn revoke_security_group_egress_names_each_rule_and_an_unknown_one_is_gone() {
    let expected = RevokeSecurityGroupEgressInput::builder()
        .group_id("sg-0d")
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .build()
        .unwrap();
    let call = mock!(Client::revoke_security_group_egress)
        .match_requests(exactly(expected))
        .then_output(|| {
            RevokeSecurityGroupEgressOutput::builder()
                .r#return(true)
                .unknown_ip_permissions(
                    IpPermission::builder()
                        .ip_protocol("-1")
                        .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                        .build(),
                )
                .build()
        });
    let ec2 = writes!(aws_sdk_ec2, [&call]);
    exec(
        ec2::RevokeSecurityGroupEgress {
            group_id: "sg-0d".into(),
            rules: vec![rule("-1", None, "0.0.0.0/0"), rule("-1", None, "::/0")],
        },
        &ec2,
    )
    .await
    .unwrap();
    assert_eq!(call.num_calls(), 1);
}

/// `MapPublicIpOnLaunch=false` and no other attribute.
#[tokio::test]
async fn modify_subnet_attribute_sends_map_public_ip_on_launch_only() {
    let call = mock!(Client::modify_subnet_attribute)
        .match_requests(exactly(
            ModifySubnetAttributeInput::builder()
                .subnet_id(SUBNET)
                .map_public_ip_on_launch(AttributeBooleanValue::builder().value(false).build())
                .build()
                .unwrap(),
        ))
        .then_output(|| ModifySubnetAttributeOutput::builder().build());
    let ec2 = writes!(aws_sdk_ec2, [&call]);
    exec(
        ec2::ModifySubnetAttribute {
            subnet_id: SUBNET.into(),
            map_public_ip_on_launch: false,
        },
        &ec2,
    )
    .await
    .unwrap();
    assert_eq!(call.num_calls(), 1);
}

#[tokio::test]
async fn enable_snapshot_block_public_access_sends_the_state() {
    let rule = mock!(Client::enable_snapshot_block_public_access)
        .match_requests(exactly(
            EnableSnapshotBlockPublicAccessInput::builder()
                .state(SnapshotBlockPublicAccessState::BlockAllSharing)
                .build()
                .unwrap(),
        ))
        .then_output(|| EnableSnapshotBlockPublicAccessOutput::builder().build());
    let ec2 = writes!(aws_sdk_ec2, [&rule]);
    exec(
        ec2::EnableSnapshotBlockPublicAccess {
            state: "block-all-sharing".into(),
        },
        &ec2,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn modify_vpc_block_public_access_options_sends_the_mode_in_aws_spelling() {
    let rule = mock!(Client::modify_vpc_block_public_access_options)
        .match_requests(exactly(
            ModifyVpcBlockPublicAccessOptionsInput::builder()
                .internet_gateway_block_mode(InternetGatewayBlockMode::BlockIngress)
                .build()
                .unwrap(),
        ))
        .then_output(|| ModifyVpcBlockPublicAccessOptionsOutput::builder().build());
    let ec2 = writes!(aws_sdk_ec2, [&rule]);
    exec(
        ec2::ModifyVpcBlockPublicAccessOptions {
            internet_gateway_block_mode: Mode::BlockIngress,
        },
        &ec2,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn detach_internet_gateway_sends_both_ids_and_a_gateway_already_detached_or_gone_is_success()
{
    let detach = mock!(Client::detach_internet_gateway)
        .match_requests(exactly(
            DetachInternetGatewayInput::builder()
                .internet_gateway_id(IGW)
                .vpc_id(VPC)
                .build()
                .unwrap(),
        ))
        .then_output(|| DetachInternetGatewayOutput::builder().build());
    let not_attached = mock!(Client::detach_internet_gateway).then_error(|| {
        DetachInternetGatewayError::generic(meta(
            "Gateway.NotAttached",
            "resource igw-0a1b2c3d is not attached to network vpc-0a1b2c3d",
        ))
    });
    let gone = mock!(Client::detach_internet_gateway).then_error(|| {
        DetachInternetGatewayError::generic(meta(
            "InvalidInternetGatewayID.NotFound",
            "The internetGateway ID 'igw-0a1b2c3d' does not exist",
        ))
    });
    let denied = mock!(Client::detach_internet_gateway).then_error(|| {
        DetachInternetGatewayError::generic(meta(
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ))
    });
    let ec2 = writes!(aws_sdk_ec2, [&detach, &not_attached, &gone, &denied]);
    for _ in 0..3 {
        assert_eq!(
            exec(
                ec2::DetachInternetGateway {
                    internet_gateway_id: IGW.into(),
                    vpc_id: VPC.into()
                },
                &ec2
            )
            .await,
            done()
        );
    }
    let e = exec(
        ec2::DetachInternetGateway {
            internet_gateway_id: IGW.into(),
            vpc_id: VPC.into(),
        },
        &ec2,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert_eq!(
        e.message,
        "You are not authorized to perform this operation. (needs `ec2:DetachInternetGateway`)"
    );
}

#[tokio::test]
async fn delete_internet_gateway_sends_its_id_and_a_gateway_already_gone_is_success() {
    let delete = mock!(Client::delete_internet_gateway)
        .match_requests(exactly(
            DeleteInternetGatewayInput::builder()
                .internet_gateway_id(IGW)
                .build()
                .unwrap(),
        ))
        .then_output(|| DeleteInternetGatewayOutput::builder().build());
    let gone = mock!(Client::delete_internet_gateway).then_error(|| {
        DeleteInternetGatewayError::generic(meta(
            "InvalidInternetGatewayID.NotFound",
            "The internetGateway ID 'igw-0a1b2c3d' does not exist",
        ))
    });
    let attached = mock!(Client::delete_internet_gateway).then_error(|| {
        DeleteInternetGatewayError::generic(meta(
            "DependencyViolation",
            "The internetGateway 'igw-0a1b2c3d' has dependencies and cannot be deleted.",
        ))
    });
    let ec2 = writes!(aws_sdk_ec2, [&delete, &gone, &attached]);
    assert_eq!(
        exec(
            ec2::DeleteInternetGateway {
                internet_gateway_id: IGW.into()
            },
            &ec2
        )
        .await,
        done()
    );
    assert_eq!(
        exec(
            ec2::DeleteInternetGateway {
                internet_gateway_id: IGW.into()
            },
            &ec2
        )
        .await,
        done()
    );
    let e = exec(
        ec2::DeleteInternetGateway {
            internet_gateway_id: IGW.into(),
        },
        &ec2,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "DependencyViolation");
}

#[tokio::test]
async fn delete_subnet_sends_its_id_and_a_subnet_already_gone_is_success() {
    let delete = mock!(Client::delete_subnet)
        .match_requests(exactly(
            DeleteSubnetInput::builder()
                .subnet_id(SUBNET)
                .build()
                .unwrap(),
        ))
        .then_output(|| DeleteSubnetOutput::builder().build());
    let gone = mock!(Client::delete_subnet).then_error(|| {
        DeleteSubnetError::generic(meta(
            "InvalidSubnetID.NotFound",
            "The subnet ID 'subnet-0a1b2c3d' does not exist",
        ))
    });
    let ec2 = writes!(aws_sdk_ec2, [&delete, &gone]);
    assert_eq!(
        exec(
            ec2::DeleteSubnet {
                subnet_id: SUBNET.into()
            },
            &ec2
        )
        .await,
        done()
    );
    assert_eq!(
        exec(
            ec2::DeleteSubnet {
                subnet_id: SUBNET.into()
            },
            &ec2
        )
        .await,
        done()
    );
}

#[tokio::test]
async fn a_subnet_in_use_stays_a_failure_that_is_never_retried() {
    let rule = mock!(Client::delete_subnet).then_error(|| {
        DeleteSubnetError::generic(meta(
            "DependencyViolation",
            "The subnet 'subnet-0a1b2c3d' has dependencies and cannot be deleted.",
        ))
    });
    let ec2 = writes!(aws_sdk_ec2, [&rule]);
    let e = exec(
        ec2::DeleteSubnet {
            subnet_id: SUBNET.into(),
        },
        &ec2,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "DependencyViolation");
    assert_eq!(rule.num_calls(), 1);
    let action = Action::DeleteSubnet(ec2::DeleteSubnet {
        subnet_id: SUBNET.into(),
    });
    assert_eq!(classify(&e, &action), ErrorClass::Permanent);
}

#[tokio::test]
async fn delete_vpc_sends_its_id_and_a_vpc_already_gone_is_success() {
    let delete = mock!(Client::delete_vpc)
        .match_requests(exactly(
            DeleteVpcInput::builder().vpc_id(VPC).build().unwrap(),
        ))
        .then_output(|| DeleteVpcOutput::builder().build());
    let gone = mock!(Client::delete_vpc).then_error(|| {
        DeleteVpcError::generic(meta(
            "InvalidVpcID.NotFound",
            "The vpc ID 'vpc-0a1b2c3d' does not exist",
        ))
    });
    let ec2 = writes!(aws_sdk_ec2, [&delete, &gone]);
    assert_eq!(
        exec(ec2::DeleteVpc { vpc_id: VPC.into() }, &ec2).await,
        done()
    );
    assert_eq!(
        exec(ec2::DeleteVpc { vpc_id: VPC.into() }, &ec2).await,
        done()
    );
}

#[tokio::test]
async fn a_vpc_with_dependencies_fails_once_here_and_the_engine_retries_it_within_its_class() {
    let rule = mock!(Client::delete_vpc).then_error(|| {
        DeleteVpcError::generic(meta(
            "DependencyViolation",
            "The vpc 'vpc-0a1b2c3d' has dependencies and cannot be deleted.",
        ))
    });
    let ec2 = writes!(aws_sdk_ec2, [&rule]);
    let e = exec(ec2::DeleteVpc { vpc_id: VPC.into() }, &ec2)
        .await
        .unwrap_err();
    assert_eq!(e.code, "DependencyViolation");
    assert_eq!(rule.num_calls(), 1);
    let action = Action::DeleteVpc(ec2::DeleteVpc { vpc_id: VPC.into() });
    assert_eq!(classify(&e, &action), ErrorClass::VpcDependency);
}

fn flow_logs() -> ec2::CreateFlowLogs {
    ec2::CreateFlowLogs {
        vpc_ids: vec![VPC.into()],
        traffic_type: "REJECT".into(),
        log_destination: "arn:aws:s3:::cloudtrail-logs-123456789012".into(),
    }
}

/// One VPC, rejected traffic, into the log bucket, with the action's client token.
#[tokio::test]
async fn create_flow_logs_sends_the_vpc_the_bucket_and_the_token() {
    let call = mock!(Client::create_flow_logs)
        .match_requests(exactly(
            CreateFlowLogsInput::builder()
                .client_token(TOKEN)
                .resource_ids(VPC)
                .resource_type(FlowLogsResourceType::Vpc)
                .traffic_type(TrafficType::Reject)
                .log_destination_type(LogDestinationType::S3)
                .log_destination("arn:aws:s3:::cloudtrail-logs-123456789012")
                .build()
                .unwrap(),
        ))
        .then_output(|| {
            CreateFlowLogsOutput::builder()
                .flow_log_ids("fl-0a1b2c3d")
                .build()
        });
    let ec2 = writes!(aws_sdk_ec2, [&call]);
    let out = exec(flow_logs(), &ec2).await.unwrap();
    assert!(out.unprocessed.is_empty());
    assert_eq!(call.num_calls(), 1);
}

/// `Unsuccessful` comes back by resource, with its code and message.
#[tokio::test]
async fn unsuccessful_flow_logs_come_back_by_vpc() {
    let call = mock!(Client::create_flow_logs).then_output(|| {
        CreateFlowLogsOutput::builder()
            .unsuccessful(
                UnsuccessfulItem::builder()
                    .resource_id(VPC)
                    .error(
                        UnsuccessfulItemError::builder()
                            .code("400")
                            .message("LogDestination: cloudtrail-logs-123456789012 does not exist")
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let ec2 = writes!(aws_sdk_ec2, [&call]);
    let out = exec(flow_logs(), &ec2).await.unwrap();
    assert_eq!(out.unprocessed.len(), 1);
    assert_eq!(out.unprocessed[0].id, VPC);
    assert_eq!(out.unprocessed[0].error.code, "400");
    assert!(out.unprocessed[0].error.message.contains("does not exist"));
}
