//! EC2: the account's regions, and per region EBS settings, VPCs with everything in them,
//! and VPC block public access (plus STS for the account id); the EBS and snapshot
//! defaults, VPC block public access, the rules of an unused default security group, a
//! default subnet's public addresses, and the removal of a default VPC the snapshot showed
//! unused.

use std::collections::BTreeMap;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, FlowLogsResourceType, IpPermission, IpRange, Ipv6Range,
    LogDestinationType, PrefixListId, RuleAction, SnapshotBlockPublicAccessState, TrafficType,
    UserIdGroupPair,
};
use secure_account_core::AwsError;
use secure_account_core::action::ec2::{
    CreateFlowLogs, DeleteInternetGateway, DeleteSubnet, DeleteVpc, DetachInternetGateway,
    EnableEbsEncryptionByDefault, EnableSnapshotBlockPublicAccess, ModifyInstanceMetadataDefaults,
    ModifySubnetAttribute, ModifyVpcBlockPublicAccessOptions, RevokeSecurityGroupEgress,
    RevokeSecurityGroupIngress,
};
use secure_account_core::snapshot::ec2::{HttpTokens, InstanceMetadataDefaults};
use secure_account_core::snapshot::{
    Ebs, InternetGatewayBlockMode, NetworkAcl, NetworkInterface, NetworkRule, Observed,
    OptInStatus, RouteTable, SecurityGroup, SnapshotBlockPublicAccess, Subnet, Vpc,
    VpcBlockPublicAccess,
};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

/// `sts:GetCallerIdentity`: the account id of the credentials.
pub async fn read_account_id(sts: &aws_sdk_sts::Client) -> Result<String, AwsError> {
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(aws("sts:GetCallerIdentity"))?;
    out.account().map(str::to_string).ok_or_else(|| {
        AwsError::new(
            AwsError::UNPARSABLE_RESPONSE,
            "GetCallerIdentity named no account",
        )
    })
}

/// `ec2:DescribeRegions --all-regions`: every region the account knows, with its opt-in
/// status.
pub async fn read_regions(ec2: &Client) -> Result<BTreeMap<String, OptInStatus>, AwsError> {
    let out = ec2
        .describe_regions()
        .all_regions(true)
        .send()
        .await
        .map_err(aws("ec2:DescribeRegions"))?;
    Ok(out
        .regions()
        .iter()
        .filter_map(|r| {
            Some((
                r.region_name()?.to_string(),
                opt_in_status(r.opt_in_status()),
            ))
        })
        .collect())
}

/// A region's opt-in status; a missing one (older endpoints) means no opt-in is needed.
pub fn opt_in_status(s: Option<&str>) -> OptInStatus {
    match s {
        Some("opted-in") => OptInStatus::OptedIn,
        Some("not-opted-in") => OptInStatus::NotOptedIn,
        _ => OptInStatus::OptInNotRequired,
    }
}

/// `ec2:GetEbsEncryptionByDefault` and the account's snapshots that anyone may restore
/// (`ec2:DescribeSnapshots` owner self, restorable by all).
pub async fn read_ebs(ec2: &Client) -> Result<Ebs, AwsError> {
    let encryption = ec2
        .get_ebs_encryption_by_default()
        .send()
        .await
        .map_err(aws("ec2:GetEbsEncryptionByDefault"))?;
    let snapshots: Vec<_> = ec2
        .describe_snapshots()
        .owner_ids("self")
        .restorable_by_user_ids("all")
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("ec2:DescribeSnapshots"))?;
    let mut public_snapshots: Vec<String> = snapshots
        .iter()
        .filter_map(|s| s.snapshot_id().map(str::to_string))
        .collect();
    public_snapshots.sort();
    Ok(Ebs {
        encryption_by_default: encryption.ebs_encryption_by_default().unwrap_or(false),
        public_snapshots,
        instance_metadata_defaults: match read_instance_metadata_defaults(ec2).await {
            Ok(d) => Observed::Known(d),
            Err(read_error) => Observed::Unreadable { read_error },
        },
    })
}

/// `ec2:GetInstanceMetadataDefaults`, the account level: read on its own within the part,
/// so an endpoint that does not serve it (moto) leaves the rest of the part readable.
pub async fn read_instance_metadata_defaults(
    ec2: &Client,
) -> Result<InstanceMetadataDefaults, AwsError> {
    let out = ec2
        .get_instance_metadata_defaults()
        .send()
        .await
        .map_err(aws("ec2:GetInstanceMetadataDefaults"))?;
    let http_tokens = match out.account_level().and_then(|a| a.http_tokens()) {
        None => None,
        Some(aws_sdk_ec2::types::HttpTokensState::Required) => Some(HttpTokens::Required),
        Some(aws_sdk_ec2::types::HttpTokensState::Optional) => Some(HttpTokens::Optional),
        Some(other) => {
            return Err(AwsError::new(
                AwsError::UNKNOWN_VALUE,
                format!(
                    "ec2:GetInstanceMetadataDefaults: HttpTokens `{}` is not one this \
                     version knows",
                    other.as_str()
                ),
            ));
        }
    };
    Ok(InstanceMetadataDefaults { http_tokens })
}

/// `ec2:GetSnapshotBlockPublicAccessState`, a part of its own: an endpoint that does not
/// serve it (moto) or a policy that denies it leaves the EBS part readable.
pub async fn read_snapshot_block_public_access(
    ec2: &Client,
) -> Result<SnapshotBlockPublicAccess, AwsError> {
    let out = ec2
        .get_snapshot_block_public_access_state()
        .send()
        .await
        .map_err(aws("ec2:GetSnapshotBlockPublicAccessState"))?;
    Ok(SnapshotBlockPublicAccess {
        state: snapshot_block_state(out.state()),
    })
}

/// The snapshot block public access state as the snapshot keeps it (`unblocked` when
/// not reported).
pub fn snapshot_block_state(
    s: Option<&aws_sdk_ec2::types::SnapshotBlockPublicAccessState>,
) -> String {
    s.map_or("unblocked", |s| s.as_str()).to_string()
}

/// `ec2:DescribeVpcBlockPublicAccessOptions`.
pub async fn read_vpc_block_public_access(ec2: &Client) -> Result<VpcBlockPublicAccess, AwsError> {
    let out = ec2
        .describe_vpc_block_public_access_options()
        .send()
        .await
        .map_err(aws("ec2:DescribeVpcBlockPublicAccessOptions"))?;
    Ok(VpcBlockPublicAccess {
        internet_gateway_block_mode: igw_block_mode(
            out.vpc_block_public_access_options()
                .and_then(|o| o.internet_gateway_block_mode()),
        )?,
    })
}

/// The internet gateway block mode as the snapshot keeps it (`off` when not reported). A
/// mode this version does not know makes the read fail rather than guess.
pub fn igw_block_mode(
    m: Option<&aws_sdk_ec2::types::InternetGatewayBlockMode>,
) -> Result<InternetGatewayBlockMode, AwsError> {
    use aws_sdk_ec2::types::InternetGatewayBlockMode as Sdk;
    match m {
        None | Some(Sdk::Off) => Ok(InternetGatewayBlockMode::Off),
        Some(Sdk::BlockBidirectional) => Ok(InternetGatewayBlockMode::BlockBidirectional),
        Some(Sdk::BlockIngress) => Ok(InternetGatewayBlockMode::BlockIngress),
        Some(other) => Err(crate::error::unknown_value(
            "ec2:DescribeVpcBlockPublicAccessOptions",
            "InternetGatewayBlockMode",
            other.as_str(),
        )),
    }
}

/// Every VPC of the region with its subnets, gateways, route tables, network ACLs,
/// security groups, network interfaces, flow logs and endpoints: nine region-wide
/// describes, grouped by VPC.
pub async fn read_vpcs(ec2: &Client) -> Result<Vec<Vpc>, AwsError> {
    let (vpcs, subnets, igws, tables, acls) = futures::try_join!(
        async {
            ec2.describe_vpcs()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeVpcs"))
        },
        async {
            ec2.describe_subnets()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeSubnets"))
        },
        async {
            ec2.describe_internet_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeInternetGateways"))
        },
        async {
            ec2.describe_route_tables()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeRouteTables"))
        },
        async {
            ec2.describe_network_acls()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeNetworkAcls"))
        },
    )?;
    let (groups, interfaces, flow_logs, endpoints) = futures::try_join!(
        async {
            ec2.describe_security_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeSecurityGroups"))
        },
        async {
            ec2.describe_network_interfaces()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeNetworkInterfaces"))
        },
        async {
            ec2.describe_flow_logs()
                .filter(
                    Filter::builder()
                        .name("resource-type")
                        .values("VPC")
                        .build(),
                )
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeFlowLogs"))
        },
        async {
            ec2.describe_vpc_endpoints()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("ec2:DescribeVpcEndpoints"))
        },
    )?;

    let mut by_id: BTreeMap<String, Vpc> = vpcs
        .iter()
        .filter_map(|v| {
            let id = v.vpc_id()?.to_string();
            Some((
                id.clone(),
                Vpc {
                    vpc_id: id,
                    is_default: v.is_default().unwrap_or(false),
                    cidr_block: v.cidr_block().unwrap_or_default().to_string(),
                    ..Vpc::default()
                },
            ))
        })
        .collect();
    for s in &subnets {
        if let (Some(vpc), Some(id)) = (s.vpc_id().and_then(|v| by_id.get_mut(v)), s.subnet_id()) {
            vpc.subnets.push(Subnet {
                subnet_id: id.to_string(),
                map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                default_for_az: Some(s.default_for_az().unwrap_or(false)),
            });
        }
    }
    for g in &igws {
        for a in g.attachments() {
            if let (Some(vpc), Some(id)) = (
                a.vpc_id().and_then(|v| by_id.get_mut(v)),
                g.internet_gateway_id(),
            ) {
                vpc.internet_gateways.push(id.to_string());
            }
        }
    }
    for t in &tables {
        if let (Some(vpc), Some(id)) = (
            t.vpc_id().and_then(|v| by_id.get_mut(v)),
            t.route_table_id(),
        ) {
            vpc.route_tables.push(RouteTable {
                route_table_id: id.to_string(),
                main: t.associations().iter().any(|a| a.main() == Some(true)),
            });
        }
    }
    for a in &acls {
        if let (Some(vpc), Some(id)) = (
            a.vpc_id().and_then(|v| by_id.get_mut(v)),
            a.network_acl_id(),
        ) {
            let mut associated: Vec<String> = a
                .associations()
                .iter()
                .filter_map(|x| x.subnet_id().map(str::to_string))
                .collect();
            associated.sort();
            vpc.network_acls.push(NetworkAcl {
                network_acl_id: id.to_string(),
                is_default: a.is_default().unwrap_or(false),
                associated_subnets: associated,
                ingress_allow: a
                    .entries()
                    .iter()
                    .filter(|e| {
                        e.egress() == Some(false) && e.rule_action() == Some(&RuleAction::Allow)
                    })
                    .map(|e| NetworkRule {
                        protocol: e.protocol().unwrap_or("-1").to_string(),
                        from_port: e.port_range().and_then(|p| port(p.from())),
                        to_port: e.port_range().and_then(|p| port(p.to())),
                        source: e
                            .cidr_block()
                            .or(e.ipv6_cidr_block())
                            .unwrap_or_default()
                            .to_string(),
                    })
                    .collect(),
            });
        }
    }
    for g in &groups {
        if let (Some(vpc), Some(id)) = (g.vpc_id().and_then(|v| by_id.get_mut(v)), g.group_id()) {
            vpc.security_groups.push(SecurityGroup {
                group_id: id.to_string(),
                group_name: g.group_name().unwrap_or_default().to_string(),
                ingress: g.ip_permissions().iter().flat_map(rules).collect(),
                egress: g.ip_permissions_egress().iter().flat_map(rules).collect(),
            });
        }
    }
    for n in &interfaces {
        if let (Some(vpc), Some(id)) = (
            n.vpc_id().and_then(|v| by_id.get_mut(v)),
            n.network_interface_id(),
        ) {
            let mut groups: Vec<String> = n
                .groups()
                .iter()
                .filter_map(|g| g.group_id().map(str::to_string))
                .collect();
            groups.sort();
            vpc.network_interfaces.push(NetworkInterface {
                network_interface_id: id.to_string(),
                description: n.description().unwrap_or_default().to_string(),
                subnet_id: n.subnet_id().map(str::to_string),
                security_groups: Some(groups),
                has_public_ip: Some(
                    n.association()
                        .and_then(|a| a.public_ip())
                        .is_some_and(|ip| !ip.is_empty()),
                ),
            });
        }
    }
    for f in &flow_logs {
        if let (Some(vpc), Some(id)) = (
            f.resource_id().and_then(|v| by_id.get_mut(v)),
            f.flow_log_id(),
        ) {
            vpc.flow_logs.push(id.to_string());
        }
    }
    for e in &endpoints {
        if let (Some(vpc), Some(name)) =
            (e.vpc_id().and_then(|v| by_id.get_mut(v)), e.service_name())
        {
            vpc.endpoints.push(name.to_string());
        }
    }
    let mut out: Vec<Vpc> = by_id.into_values().collect();
    for v in &mut out {
        v.subnets.sort_by(|a, b| a.subnet_id.cmp(&b.subnet_id));
        v.internet_gateways.sort();
        v.route_tables
            .sort_by(|a, b| a.route_table_id.cmp(&b.route_table_id));
        v.network_acls
            .sort_by(|a, b| a.network_acl_id.cmp(&b.network_acl_id));
        v.security_groups
            .sort_by(|a, b| a.group_id.cmp(&b.group_id));
        v.network_interfaces
            .sort_by(|a, b| a.network_interface_id.cmp(&b.network_interface_id));
        v.flow_logs.sort();
        v.endpoints.sort();
    }
    Ok(out)
}

/// A port of an EC2 rule; `-1` and out-of-range values mean "all", `None`.
fn port(p: Option<i32>) -> Option<u16> {
    p.and_then(|p| u16::try_from(p).ok())
}

/// One allow rule per source (IPv4 range, IPv6 range, security group, prefix list) of a
/// security group permission.
pub fn rules(p: &IpPermission) -> Vec<NetworkRule> {
    let protocol = p.ip_protocol().unwrap_or("-1").to_string();
    let rule = |source: &str| NetworkRule {
        protocol: protocol.clone(),
        from_port: port(p.from_port()),
        to_port: port(p.to_port()),
        source: source.to_string(),
    };
    p.ip_ranges()
        .iter()
        .filter_map(|r| r.cidr_ip())
        .chain(p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()))
        .chain(p.user_id_group_pairs().iter().filter_map(|g| g.group_id()))
        .chain(
            p.prefix_list_ids()
                .iter()
                .filter_map(|l| l.prefix_list_id()),
        )
        .map(rule)
        .collect()
}

// ---- actions ----
//
// The removals send exactly the ids the plan names; the planner plans them only for a
// default VPC without network interfaces. One already gone (`…NotFound`, a gateway no
// longer attached) is success: the state the action wanted holds, and nothing else is
// touched.

/// `ec2:EnableEbsEncryptionByDefault` (idempotent).
impl Execute for EnableEbsEncryptionByDefault {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .enable_ebs_encryption_by_default()
            .send()
            .await
            .map_err(aws("ec2:EnableEbsEncryptionByDefault"))?;
        Ok(ActionOutput::default())
    }
}

/// `ec2:EnableSnapshotBlockPublicAccess`.
impl Execute for EnableSnapshotBlockPublicAccess {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .enable_snapshot_block_public_access()
            .state(SnapshotBlockPublicAccessState::from(self.state.as_str()))
            .send()
            .await
            .map_err(aws("ec2:EnableSnapshotBlockPublicAccess"))?;
        Ok(ActionOutput::default())
    }
}

/// `ec2:ModifyInstanceMetadataDefaults`, `HttpTokens` only: the account's other defaults
/// (hop limit, endpoint, tags) keep their values.
impl Execute for ModifyInstanceMetadataDefaults {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .modify_instance_metadata_defaults()
            .http_tokens(aws_sdk_ec2::types::MetadataDefaultHttpTokensState::from(
                self.http_tokens.as_str(),
            ))
            .send()
            .await
            .map_err(aws("ec2:ModifyInstanceMetadataDefaults"))?;
        Ok(ActionOutput::default())
    }
}

/// `ec2:ModifyVpcBlockPublicAccessOptions`.
impl Execute for ModifyVpcBlockPublicAccessOptions {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .modify_vpc_block_public_access_options()
            .internet_gateway_block_mode(aws_sdk_ec2::types::InternetGatewayBlockMode::from(
                self.internet_gateway_block_mode.as_str(),
            ))
            .send()
            .await
            .map_err(aws("ec2:ModifyVpcBlockPublicAccessOptions"))?;
        Ok(ActionOutput::default())
    }
}

/// The `IpPermissions` entry that names one rule of the snapshot exactly: its protocol, its
/// ports (`-1` for a protocol other than all whose ports read as "all", as ICMP's all types
/// are stored), and its one source — an IPv6 range, a security group, a prefix list or an
/// IPv4 range, as [`rules`] read them.
pub fn ip_permission(r: &NetworkRule) -> IpPermission {
    let mut p = IpPermission::builder().ip_protocol(&r.protocol);
    if r.protocol != "-1" {
        p = p
            .from_port(r.from_port.map_or(-1, i32::from))
            .to_port(r.to_port.map_or(-1, i32::from));
    }
    let source = r.source.as_str();
    p = if source.starts_with("sg-") {
        p.user_id_group_pairs(UserIdGroupPair::builder().group_id(source).build())
    } else if source.starts_with("pl-") {
        p.prefix_list_ids(PrefixListId::builder().prefix_list_id(source).build())
    } else if source.contains(':') {
        p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(source).build())
    } else {
        p.ip_ranges(IpRange::builder().cidr_ip(source).build())
    };
    p.build()
}

/// `ec2:RevokeSecurityGroupIngress` of the rules the plan names, by their properties. The
/// planner plans it only on the default group of a default VPC no interface uses; there EC2
/// answers a rule gone already in `UnknownIpPermissions`, and the others are revoked.
impl Execute for RevokeSecurityGroupIngress {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .revoke_security_group_ingress()
            .group_id(&self.group_id)
            .set_ip_permissions(Some(self.rules.iter().map(ip_permission).collect()))
            .send()
            .await
            .map_err(aws("ec2:RevokeSecurityGroupIngress"))?;
        Ok(ActionOutput::default())
    }
}

/// `ec2:RevokeSecurityGroupEgress`, as [`RevokeSecurityGroupIngress`] for outbound rules.
impl Execute for RevokeSecurityGroupEgress {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .revoke_security_group_egress()
            .group_id(&self.group_id)
            .set_ip_permissions(Some(self.rules.iter().map(ip_permission).collect()))
            .send()
            .await
            .map_err(aws("ec2:RevokeSecurityGroupEgress"))?;
        Ok(ActionOutput::default())
    }
}

/// `ec2:ModifySubnetAttribute` with `MapPublicIpOnLaunch` only (one attribute per call, as
/// EC2 requires).
impl Execute for ModifySubnetAttribute {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ec2(cx.region)
            .modify_subnet_attribute()
            .subnet_id(&self.subnet_id)
            .map_public_ip_on_launch(
                AttributeBooleanValue::builder()
                    .value(self.map_public_ip_on_launch)
                    .build(),
            )
            .send()
            .await
            .map_err(aws("ec2:ModifySubnetAttribute"))?;
        Ok(ActionOutput::default())
    }
}

/// `ec2:CreateFlowLogs` for the VPCs, with the action's client token: a call sent again
/// after a timeout makes no second flow log. What AWS could not create comes back in
/// `Unsuccessful`, by resource, with its code and message.
impl Execute for CreateFlowLogs {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let out = cx
            .writes
            .ec2(cx.region)
            .create_flow_logs()
            .set_resource_ids(Some(self.vpc_ids.clone()))
            .resource_type(FlowLogsResourceType::Vpc)
            .traffic_type(TrafficType::from(self.traffic_type.as_str()))
            .log_destination_type(LogDestinationType::S3)
            .log_destination(&self.log_destination)
            .client_token(cx.client_token())
            .send()
            .await
            .map_err(aws("ec2:CreateFlowLogs"))?;
        let unprocessed = out
            .unsuccessful()
            .iter()
            .map(|u| secure_account_engine::Unprocessed {
                id: u.resource_id().unwrap_or_default().to_string(),
                error: AwsError::new(
                    u.error().and_then(|e| e.code()).unwrap_or_default(),
                    u.error().and_then(|e| e.message()).unwrap_or_default(),
                ),
            })
            .collect();
        Ok(ActionOutput {
            unprocessed,
            ..ActionOutput::default()
        })
    }
}

/// Success when the call succeeded or `e` says the thing is gone already (one of `codes`).
fn unless_gone<T>(result: Result<T, AwsError>, codes: &[&str]) -> Result<ActionOutput, AwsError> {
    match result {
        Err(e) if codes.contains(&e.code.as_str()) => Ok(ActionOutput::default()),
        other => other.map(|_| ActionOutput::default()),
    }
}

/// `ec2:DetachInternetGateway` from the default VPC. Not attached any more
/// (`Gateway.NotAttached`) or gone is success.
impl Execute for DetachInternetGateway {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let result = cx
            .writes
            .ec2(cx.region)
            .detach_internet_gateway()
            .internet_gateway_id(&self.internet_gateway_id)
            .vpc_id(&self.vpc_id)
            .send()
            .await
            .map_err(aws("ec2:DetachInternetGateway"));
        unless_gone(
            result,
            &["Gateway.NotAttached", "InvalidInternetGatewayID.NotFound"],
        )
    }
}

/// `ec2:DeleteInternetGateway`; gone already is success.
impl Execute for DeleteInternetGateway {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let result = cx
            .writes
            .ec2(cx.region)
            .delete_internet_gateway()
            .internet_gateway_id(&self.internet_gateway_id)
            .send()
            .await
            .map_err(aws("ec2:DeleteInternetGateway"));
        unless_gone(result, &["InvalidInternetGatewayID.NotFound"])
    }
}

/// `ec2:DeleteSubnet`; gone already is success. A subnet with a network interface in it
/// fails with AWS's `DependencyViolation` (never retried for a subnet).
impl Execute for DeleteSubnet {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let result = cx
            .writes
            .ec2(cx.region)
            .delete_subnet()
            .subnet_id(&self.subnet_id)
            .send()
            .await
            .map_err(aws("ec2:DeleteSubnet"));
        unless_gone(result, &["InvalidSubnetID.NotFound"])
    }
}

/// `ec2:DeleteVpc`; gone already is success.
impl Execute for DeleteVpc {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let result = cx
            .writes
            .ec2(cx.region)
            .delete_vpc()
            .vpc_id(&self.vpc_id)
            .send()
            .await
            .map_err(aws("ec2:DeleteVpc"));
        unless_gone(result, &["InvalidVpcID.NotFound"])
    }
}
