//! EC2: the region's EBS and snapshot settings, its VPCs and VPC block public access;
//! reading them; EBS encryption by default, snapshot block public access, and the teardown
//! of an unused default VPC.

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, Operation};
use crate::effects::{Effect, find_mut, known, not_found};
use crate::part::{Part, PartFacts, Reach};
use crate::retry::ErrorClass;
use crate::snapshot::{AwsError, Observed};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ebs {
    /// `ec2:GetEbsEncryptionByDefault` (EC2.7).
    pub encryption_by_default: bool,
    /// Snapshots owned by the account that anyone can restore (EC2.1).
    pub public_snapshots: Vec<String>,
}

/// EBS snapshot block public access (`ec2:GetSnapshotBlockPublicAccessState`, EC2.182).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotBlockPublicAccess {
    /// `unblocked`, `block-all-sharing` or `block-new-sharing`.
    pub state: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Subnet {
    pub subnet_id: String,
    pub map_public_ip_on_launch: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTable {
    pub route_table_id: String,
    pub main: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct NetworkRule {
    /// `-1` for all protocols, else `tcp`, `udp`, `icmp` or a number.
    pub protocol: String,
    pub from_port: Option<u16>,
    pub to_port: Option<u16>,
    /// CIDR (IPv4 or IPv6), or a security group id for a group reference.
    pub source: String,
}

impl NetworkRule {
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
#[serde(default)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: String,
    pub ingress: Vec<NetworkRule>,
    pub egress: Vec<NetworkRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub network_interface_id: String,
    pub description: String,
    /// The subnet the interface is in (`DescribeNetworkInterfaces` `SubnetId`); `None`
    /// when not known, which counts as "any subnet of its VPC".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
}

// ---- reads ----

const fn read(iam_actions: &'static [&'static str]) -> PartFacts {
    PartFacts {
        reach: Reach::Regional,
        service: "ec2",
        iam_actions,
    }
}

/// `ebs`: encryption by default and the public snapshots.
pub const READ_EBS: PartFacts = read(&["ec2:GetEbsEncryptionByDefault", "ec2:DescribeSnapshots"]);
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

// ---- actions ----

const EC2: ActionFacts = ActionFacts {
    service: "ec2",
    ..ActionFacts::DEFAULT
};

/// The teardown of a default VPC: destructive, planned only when the snapshot shows the
/// VPC without network interfaces and holding nothing but its defaults.
const DEFAULT_VPC_TEARDOWN: ActionFacts = ActionFacts {
    change: Change::Delete,
    reads: &[Part::Vpcs],
    ..EC2
};

/// `ec2:EnableEbsEncryptionByDefault`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnableEbsEncryptionByDefault {}

impl Operation for EnableEbsEncryptionByDefault {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:EnableEbsEncryptionByDefault"],
        reads: &[Part::Ebs],
        controls: &["EC2.7"],
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(&mut e.regional()?.ebs, "EBS settings")?.encryption_by_default = true;
        Ok(())
    }
}

/// `ec2:EnableSnapshotBlockPublicAccess`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnableSnapshotBlockPublicAccess {
    pub state: String,
}

impl Operation for EnableSnapshotBlockPublicAccess {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:EnableSnapshotBlockPublicAccess"],
        reads: &[Part::SnapshotBlockPublicAccess],
        controls: &["EC2.182"],
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(
            &mut e.regional()?.snapshot_block_public_access,
            "EBS snapshot block public access",
        )?
        .state = self.state.clone();
        Ok(())
    }
}

/// `ec2:ModifyVpcBlockPublicAccessOptions` (only when the baseline switch is on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyVpcBlockPublicAccessOptions {
    pub internet_gateway_block_mode: InternetGatewayBlockMode,
}

impl Operation for ModifyVpcBlockPublicAccessOptions {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:ModifyVpcBlockPublicAccessOptions"],
        reads: &[Part::VpcBlockPublicAccess],
        controls: &["EC2.172"],
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.regional()?.vpc_block_public_access = Observed::Known(VpcBlockPublicAccess {
            internet_gateway_block_mode: self.internet_gateway_block_mode,
        });
        Ok(())
    }
}

/// `ec2:DetachInternetGateway` from a default VPC. Precondition: the snapshot showed the
/// VPC without network interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetachInternetGateway {
    pub internet_gateway_id: String,
    pub vpc_id: String,
}

impl Operation for DetachInternetGateway {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:DetachInternetGateway"],
        ..DEFAULT_VPC_TEARDOWN
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let vpcs = known(&mut e.regional()?.vpcs, "VPCs")?;
        let vpc = find_mut(
            vpcs,
            |v| v.vpc_id == self.vpc_id,
            || format!("VPC `{}`", self.vpc_id),
        )?;
        vpc.internet_gateways
            .retain(|g| g != &self.internet_gateway_id);
        Ok(())
    }
}

/// `ec2:DeleteInternetGateway`. Precondition: detached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteInternetGateway {
    pub internet_gateway_id: String,
}

impl Operation for DeleteInternetGateway {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:DeleteInternetGateway"],
        ..DEFAULT_VPC_TEARDOWN
    };

    /// A detached gateway is not part of any VPC: the snapshot no longer shows it.
    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.regional()?;
        Ok(())
    }
}

/// `ec2:DeleteSubnet` of a default VPC. Precondition: no network interfaces in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteSubnet {
    pub subnet_id: String,
}

impl Operation for DeleteSubnet {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:DeleteSubnet"],
        controls: &["EC2.15"],
        ..DEFAULT_VPC_TEARDOWN
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let vpcs = known(&mut e.regional()?.vpcs, "VPCs")?;
        let vpc = find_mut(
            vpcs,
            |v| v.subnets.iter().any(|sn| sn.subnet_id == self.subnet_id),
            || format!("subnet `{}`", self.subnet_id),
        )?;
        vpc.subnets.retain(|sn| sn.subnet_id != self.subnet_id);
        for acl in &mut vpc.network_acls {
            acl.associated_subnets.retain(|sn| sn != &self.subnet_id);
        }
        Ok(())
    }
}

/// `ec2:DeleteVpc` of a default VPC. Precondition: no subnets, no attached gateway, no
/// network interfaces (else `DependencyViolation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteVpc {
    pub vpc_id: String,
}

impl Operation for DeleteVpc {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:DeleteVpc"],
        // The controls that evaluate the default VPC's own resources.
        controls: &[
            "EC2.2", "EC2.6", "EC2.10", "EC2.15", "EC2.16", "EC2.21", "EC2.55", "EC2.56", "EC2.57",
            "EC2.58", "EC2.60",
        ],
        // Right after its subnets and gateway went, EC2 may still be releasing them:
        // transient here only (elsewhere a `DependencyViolation` is a resource in use).
        transient: &[("DependencyViolation", ErrorClass::VpcDependency)],
        ..DEFAULT_VPC_TEARDOWN
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let vpcs = known(&mut e.regional()?.vpcs, "VPCs")?;
        if !vpcs.iter().any(|v| v.vpc_id == self.vpc_id) {
            return Err(not_found(&format!("VPC `{}`", self.vpc_id)));
        }
        vpcs.retain(|v| v.vpc_id != self.vpc_id);
        Ok(())
    }
}
