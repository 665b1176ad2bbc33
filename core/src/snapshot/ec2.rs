//! EC2: the region's EBS, snapshot and instance metadata settings, its VPCs and VPC block
//! public access, and what reading them takes.

use serde::{Deserialize, Serialize};

use super::{Observed, PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Ebs {
    /// `ec2:GetEbsEncryptionByDefault` (EC2.7).
    pub encryption_by_default: bool,
    /// Snapshots owned by the account that anyone can restore (EC2.1).
    pub public_snapshots: Vec<String>,
    /// The account's instance metadata defaults for new instances
    /// (`ec2:GetInstanceMetadataDefaults`), read on their own: an endpoint that does not
    /// serve the call (moto) leaves the rest of the part readable.
    pub instance_metadata_defaults: Observed<InstanceMetadataDefaults>,
}

/// The account-level instance metadata defaults of a region (`AccountLevel` of
/// `GetInstanceMetadataDefaults`): what instances launched without their own options get.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct InstanceMetadataDefaults {
    /// `HttpTokens`: `required` makes new instances use IMDSv2 only (EC2.8); `None` when
    /// the account sets no preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<HttpTokens>,
}

/// `HttpTokens` of instance metadata options.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum HttpTokens {
    Optional,
    Required,
}

impl HttpTokens {
    /// AWS's spelling (`required`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// EBS snapshot block public access (`ec2:GetSnapshotBlockPublicAccessState`, EC2.182).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct SnapshotBlockPublicAccess {
    /// `unblocked`, `block-all-sharing` or `block-new-sharing`.
    pub state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VpcBlockPublicAccess {
    pub internet_gateway_block_mode: InternetGatewayBlockMode,
}

/// `ec2:ModifyVpcBlockPublicAccessOptions`' `InternetGatewayBlockMode`.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum InternetGatewayBlockMode {
    /// Snapshots of earlier versions wrote an unset mode as `""`.
    #[default]
    #[serde(alias = "")]
    Off,
    BlockBidirectional,
    BlockIngress,
}

impl std::fmt::Display for InternetGatewayBlockMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InternetGatewayBlockMode {
    /// AWS's spelling (`block-bidirectional`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Either blocking mode (EC2.172 passes with both).
    pub fn blocks(self) -> bool {
        match self {
            InternetGatewayBlockMode::Off => false,
            InternetGatewayBlockMode::BlockBidirectional
            | InternetGatewayBlockMode::BlockIngress => true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Vpc {
    pub vpc_id: String,
    pub is_default: bool,
    pub cidr_block: String,
    pub subnets: Vec<Subnet>,
    /// Internet gateways attached to the VPC.
    pub internet_gateways: Vec<String>,
    pub route_tables: Vec<RouteTable>,
    pub network_acls: Vec<NetworkAcl>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_interfaces: Vec<NetworkInterface>,
    pub flow_logs: Vec<String>,
    /// VPC endpoints by service name (`com.amazonaws.<region>.ec2`).
    pub endpoints: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Subnet {
    pub subnet_id: String,
    pub map_public_ip_on_launch: bool,
    /// Whether it is the default subnet of its Availability Zone (`DefaultForAz`); `None`
    /// when not known (a snapshot of an earlier version), which in a default VPC counts as
    /// a default subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_for_az: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RouteTable {
    pub route_table_id: String,
    pub main: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub is_default: bool,
    pub associated_subnets: Vec<String>,
    /// Inbound rules that allow traffic.
    pub ingress_allow: Vec<NetworkRule>,
}

/// One allow rule of a network ACL or a security group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkRule {
    /// `-1` for all protocols, else `tcp`, `udp`, `icmp` or a number.
    pub protocol: String,
    pub from_port: Option<u16>,
    pub to_port: Option<u16>,
    /// CIDR (IPv4 or IPv6), or a security group id for a group reference.
    pub source: String,
}

impl NetworkRule {
    /// The rule in words: `tcp port 22 from 0.0.0.0/0`, `all traffic from ::/0`.
    pub fn describe(&self) -> String {
        let ports = match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b => format!(" port {a}"),
            (Some(a), Some(b)) => format!(" ports {a}-{b}"),
            _ => String::new(),
        };
        let protocol = match self.protocol.as_str() {
            "-1" | "all" => "all traffic",
            p => p,
        };
        format!("{protocol}{ports} from {}", self.source)
    }

    pub fn from_anywhere(&self) -> bool {
        self.source == "0.0.0.0/0" || self.source == "::/0"
    }
    /// Whether the rule admits `port` (all protocols, or a TCP/UDP range covering it).
    pub fn covers_port(&self, port: u16) -> bool {
        match (self.protocol.as_str(), self.from_port, self.to_port) {
            ("-1", _, _) | ("all", _, _) => true,
            ("tcp" | "udp" | "6" | "17", Some(from), Some(to)) => from <= port && port <= to,
            ("tcp" | "udp" | "6" | "17", None, None) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    pub ingress: Vec<NetworkRule>,
    pub egress: Vec<NetworkRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NetworkInterface {
    pub network_interface_id: String,
    pub description: String,
    /// The subnet the interface is in (`DescribeNetworkInterfaces` `SubnetId`); `None`
    /// when not known, which counts as "any subnet of its VPC".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// The security groups the interface uses (`Groups[].GroupId`); `None` when not known
    /// (a snapshot of an earlier version), which counts as "any group of its VPC": no
    /// group can then be shown unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
    /// Whether a public IPv4 address is associated with the interface
    /// (`Association.PublicIp`); `None` when not known (a snapshot of an earlier version),
    /// which counts as "it may have one".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_public_ip: Option<bool>,
}

impl NetworkInterface {
    /// Whether the interface may use the security group `group_id` (an unknown list of
    /// groups may hold any).
    pub fn may_use_group(&self, group_id: &str) -> bool {
        self.security_groups
            .as_ref()
            .is_none_or(|gs| gs.iter().any(|g| g == group_id))
    }

    /// Whether the interface may be in the subnet `subnet_id` (an unknown subnet may be
    /// any of its VPC's).
    pub fn may_be_in_subnet(&self, subnet_id: &str) -> bool {
        self.subnet_id.as_deref().is_none_or(|s| s == subnet_id)
    }

    /// Whether the interface may have a public IPv4 address (unknown: it may).
    pub fn may_have_public_ip(&self) -> bool {
        self.has_public_ip != Some(false)
    }
}

// ---- reads ----

const fn read(iam_actions: &'static [&'static str]) -> PartFacts {
    PartFacts {
        reach: Reach::Regional,
        service: "ec2",
        iam_actions,
    }
}

/// `ebs`: encryption by default, the public snapshots, the instance metadata defaults.
pub const READ_EBS: PartFacts = read(&[
    "ec2:GetEbsEncryptionByDefault",
    "ec2:DescribeSnapshots",
    "ec2:GetInstanceMetadataDefaults",
]);
/// `snapshot_block_public_access`, read on its own: an account or endpoint that refuses it
/// leaves the EBS part readable.
pub const READ_SNAPSHOT_BLOCK_PUBLIC_ACCESS: PartFacts =
    read(&["ec2:GetSnapshotBlockPublicAccessState"]);
/// `vpcs`: every VPC with what it holds.
pub const READ_VPCS: PartFacts = read(&[
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeRouteTables",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeFlowLogs",
    "ec2:DescribeVpcEndpoints",
]);
/// `vpc_block_public_access`.
pub const READ_VPC_BLOCK_PUBLIC_ACCESS: PartFacts =
    read(&["ec2:DescribeVpcBlockPublicAccessOptions"]);
