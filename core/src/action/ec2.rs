//! EC2: the region's EBS and snapshot settings, its VPCs and VPC block public access;
//! reading them; EBS encryption by default, snapshot block public access, the rules of an
//! unused default security group, a default subnet's public addresses, and the teardown of
//! an unused default VPC.

use serde::{Deserialize, Serialize};

use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, Operation, PerItem, find_mut, known, not_found,
};
use crate::part::Part;
use crate::snapshot::ec2::*;
use crate::snapshot::{AwsError, Observed};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_ec2 {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            ec2::EnableEbsEncryptionByDefault,
            ec2::EnableSnapshotBlockPublicAccess,
            ec2::ModifyInstanceMetadataDefaults,
            ec2::ModifyVpcBlockPublicAccessOptions,
            ec2::RevokeSecurityGroupIngress,
            ec2::RevokeSecurityGroupEgress,
            ec2::ModifySubnetAttribute,
            ec2::CreateFlowLogs,
            ec2::DetachInternetGateway,
            ec2::DeleteInternetGateway,
            ec2::DeleteSubnet,
            ec2::DeleteVpc,
        ] $rest }
    };
}

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnableEbsEncryptionByDefault {}

impl Operation for EnableEbsEncryptionByDefault {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:EnableEbsEncryptionByDefault"],
        reads: &[Part::Ebs],
        controls: &["EC2.7"],
        change: Change::Create,
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(&mut e.regional()?.ebs, "EBS settings")?.encryption_by_default = true;
        Ok(())
    }
}

/// `ec2:EnableSnapshotBlockPublicAccess`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnableSnapshotBlockPublicAccess {
    pub state: String,
}

impl Operation for EnableSnapshotBlockPublicAccess {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:EnableSnapshotBlockPublicAccess"],
        reads: &[Part::SnapshotBlockPublicAccess],
        controls: &["EC2.182"],
        change: Change::Create,
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

/// `ec2:ModifyInstanceMetadataDefaults`: instances launched from now on in the region
/// default to `HttpTokens` (`required`: IMDSv2 only, EC2.8). Preventive: no running
/// instance changes, and a launch that sets its own options keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModifyInstanceMetadataDefaults {
    pub http_tokens: HttpTokens,
}

impl Operation for ModifyInstanceMetadataDefaults {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:ModifyInstanceMetadataDefaults"],
        reads: &[Part::Ebs],
        controls: &["EC2.8"],
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let ebs = known(&mut e.regional()?.ebs, "EC2 settings")?;
        known(
            &mut ebs.instance_metadata_defaults,
            "the instance metadata defaults",
        )?
        .http_tokens = Some(self.http_tokens);
        Ok(())
    }
}

/// `ec2:ModifyVpcBlockPublicAccessOptions` (only when the baseline switch is on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// The rules of a VPC's default security group that no network interface uses, removed
/// (EC2.2; issue 20): destructive, planned only when the snapshot shows every interface of
/// the VPC and none of them in the group.
const DEFAULT_GROUP_CLOSING: ActionFacts = ActionFacts {
    change: Change::Delete,
    reads: &[Part::Vpcs],
    controls: &["EC2.2"],
    ..EC2
};

/// `ec2:RevokeSecurityGroupIngress` of the inbound rules the snapshot showed on a VPC's
/// default security group, by their properties (`IpPermissions`: protocol, ports, source).
/// A rule added after the snapshot stays. In a default VPC a rule that is gone already is
/// answered in `UnknownIpPermissions`; in another VPC EC2 answers
/// `InvalidPermission.NotFound` and revokes none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RevokeSecurityGroupIngress {
    pub group_id: String,
    pub rules: Vec<NetworkRule>,
}

impl Operation for RevokeSecurityGroupIngress {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:RevokeSecurityGroupIngress"],
        ..DEFAULT_GROUP_CLOSING
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let group = group_mut(e, &self.group_id)?;
        group.ingress.retain(|r| !self.rules.contains(r));
        Ok(())
    }
}

/// `ec2:RevokeSecurityGroupEgress` of the outbound rules the snapshot showed on a VPC's
/// default security group, as [`RevokeSecurityGroupIngress`] does for inbound ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RevokeSecurityGroupEgress {
    pub group_id: String,
    pub rules: Vec<NetworkRule>,
}

impl Operation for RevokeSecurityGroupEgress {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:RevokeSecurityGroupEgress"],
        ..DEFAULT_GROUP_CLOSING
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let group = group_mut(e, &self.group_id)?;
        group.egress.retain(|r| !self.rules.contains(r));
        Ok(())
    }
}

/// The security group `group_id` of the region's VPCs.
fn group_mut<'e>(e: &'e mut Effect<'_>, group_id: &str) -> Result<&'e mut SecurityGroup, AwsError> {
    let vpcs = known(&mut e.regional()?.vpcs, "VPCs")?;
    let vpc = find_mut(
        vpcs,
        |v| v.security_groups.iter().any(|g| g.group_id == group_id),
        || format!("security group `{group_id}`"),
    )?;
    find_mut(
        &mut vpc.security_groups,
        |g| g.group_id == group_id,
        || format!("security group `{group_id}`"),
    )
}

/// `ec2:ModifySubnetAttribute` `MapPublicIpOnLaunch` of a default subnet of a kept default
/// VPC (EC2.15; issue 20): instances launched there from now on get no public IPv4 address
/// unless their launch asks for one. No interface changes; planned only when the snapshot
/// shows no interface of the subnet with a public address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModifySubnetAttribute {
    pub subnet_id: String,
    pub map_public_ip_on_launch: bool,
}

impl Operation for ModifySubnetAttribute {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["ec2:ModifySubnetAttribute"],
        reads: &[Part::Vpcs],
        controls: &["EC2.15"],
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let vpcs = known(&mut e.regional()?.vpcs, "VPCs")?;
        let vpc = find_mut(
            vpcs,
            |v| v.subnets.iter().any(|s| s.subnet_id == self.subnet_id),
            || format!("subnet `{}`", self.subnet_id),
        )?;
        find_mut(
            &mut vpc.subnets,
            |s| s.subnet_id == self.subnet_id,
            || format!("subnet `{}`", self.subnet_id),
        )?
        .map_public_ip_on_launch = self.map_public_ip_on_launch;
        Ok(())
    }
}

/// `ec2:CreateFlowLogs` for one VPC the plan keeps (EC2.6; issue 20): rejected traffic
/// logged to the tool's log bucket (`LogDestinationType` `s3`). It changes no traffic.
/// AWS answers 200 and lists what it could not create in `Unsuccessful` (a VPC that is
/// gone, a bucket it cannot write to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateFlowLogs {
    /// `ResourceIds` (`ResourceType` `VPC`): the planner names one VPC an action.
    pub vpc_ids: Vec<String>,
    /// `REJECT`: what EC2.6's rule asks for (`trafficType` `REJECT`), and the least volume.
    pub traffic_type: String,
    /// The bucket's ARN.
    pub log_destination: String,
}

impl Operation for CreateFlowLogs {
    const FACTS: ActionFacts = ActionFacts {
        // Delivering to S3 is a CloudWatch Logs "vended log" delivery the caller sets up
        // (VPC user guide, "Create a flow log that publishes to Amazon S3").
        iam_actions: &[
            "ec2:CreateFlowLogs",
            "logs:CreateLogDelivery",
            "logs:DeleteLogDelivery",
        ],
        change: Change::Create,
        reads: &[Part::Vpcs, Part::Buckets],
        controls: &["EC2.6"],
        client_token: true,
        per_item: Some(PerItem {
            field: "Unsuccessful",
            not_offered: &[],
            progress: &[],
            transient: &[],
        }),
        ..EC2
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        for vpc_id in &self.vpc_ids {
            let id = e.next_id("fl");
            let vpcs = known(&mut e.regional()?.vpcs, "VPCs")?;
            find_mut(vpcs, |v| &v.vpc_id == vpc_id, || format!("VPC `{vpc_id}`"))?
                .flow_logs
                .push(id);
        }
        Ok(())
    }
}

/// `ec2:DetachInternetGateway` from a default VPC. Precondition: the snapshot showed the
/// VPC without network interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
