//! EC2: EBS, snapshot and instance metadata settings, VPC block public access, the rules of
//! a default security group, a subnet's public addresses, default-VPC teardown.

use secure_account_core::action::ec2::{
    CreateFlowLogs, DeleteInternetGateway, DeleteSubnet, DeleteVpc, DetachInternetGateway,
    EnableEbsEncryptionByDefault, EnableSnapshotBlockPublicAccess, ModifyInstanceMetadataDefaults,
    ModifySubnetAttribute, ModifyVpcBlockPublicAccessOptions, RevokeSecurityGroupEgress,
    RevokeSecurityGroupIngress,
};
use secure_account_core::snapshot::{NetworkRule, SecurityGroup, Vpc};

use super::*;

impl Simulate for EnableEbsEncryptionByDefault {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        Ok(())
    }
}

impl Simulate for EnableSnapshotBlockPublicAccess {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        let state = self.state.as_str();
        if !matches!(state, "block-all-sharing" | "block-new-sharing") {
            return err(
                "InvalidParameterValue",
                format!("Value ({state}) for parameter State is invalid."),
            );
        }
        Ok(())
    }
}

impl Simulate for ModifyInstanceMetadataDefaults {
    const AWS_LATENCY_MS: u64 = 300;

    /// Both values the type can hold are ones AWS accepts; the call changes no instance.
    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        Ok(())
    }
}

impl Simulate for ModifyVpcBlockPublicAccessOptions {
    const AWS_LATENCY_MS: u64 = 400;

    /// Every mode the type can hold is one AWS accepts.
    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        Ok(())
    }
}

impl Simulate for RevokeSecurityGroupIngress {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        revoke_check(c, &self.group_id, &self.rules, |g| &g.ingress)
    }
}

impl Simulate for RevokeSecurityGroupEgress {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        revoke_check(c, &self.group_id, &self.rules, |g| &g.egress)
    }
}

/// A revoke by rule properties, as EC2 answers it: an unknown group is
/// `InvalidGroup.NotFound`; in a default VPC a rule the group does not have is answered in
/// `UnknownIpPermissions` (success, the others are revoked); in another VPC it is
/// `InvalidPermission.NotFound` and nothing is revoked.
fn revoke_check(
    c: &Check<'_>,
    group_id: &str,
    rules: &[NetworkRule],
    side: impl Fn(&SecurityGroup) -> &Vec<NetworkRule>,
) -> Result<(), AwsError> {
    let Some((vpc, group)) = c.vpcs().iter().find_map(|v| {
        v.security_groups
            .iter()
            .find(|g| g.group_id == group_id)
            .map(|g| (v, g))
    }) else {
        return err(
            "InvalidGroup.NotFound",
            format!("The security group '{group_id}' does not exist"),
        );
    };
    if !vpc.is_default && rules.iter().any(|r| !side(group).contains(r)) {
        return err(
            "InvalidPermission.NotFound",
            "The specified rule does not exist in this security group.".to_string(),
        );
    }
    Ok(())
}

impl Simulate for ModifySubnetAttribute {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let subnet_id = self.subnet_id.as_str();
        if !c
            .vpcs()
            .iter()
            .any(|v| v.subnets.iter().any(|s| s.subnet_id == subnet_id))
        {
            return err(
                "InvalidSubnetID.NotFound",
                format!("The subnet ID '{subnet_id}' does not exist"),
            );
        }
        Ok(())
    }
}

impl Simulate for CreateFlowLogs {
    const AWS_LATENCY_MS: u64 = 600;

    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        if !matches!(self.traffic_type.as_str(), "ACCEPT" | "REJECT" | "ALL") {
            return err(
                "InvalidParameterValue",
                format!("Invalid TrafficType: {}", self.traffic_type),
            );
        }
        if !self.log_destination.starts_with("arn:aws:s3:::") {
            return err(
                "InvalidParameter",
                format!(
                    "LogDestination {} is not an S3 bucket ARN",
                    self.log_destination
                ),
            );
        }
        // A VPC or bucket that is not there is no error of the call: AWS answers 200 and
        // lists it in `Unsuccessful` (`partial`).
        Ok(())
    }
}

impl Simulate for DetachInternetGateway {
    const AWS_LATENCY_MS: u64 = 400;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (internet_gateway_id, vpc_id) =
            (self.internet_gateway_id.as_str(), self.vpc_id.as_str());
        let attached_to = c
            .vpcs()
            .iter()
            .find(|v| v.internet_gateways.iter().any(|g| g == internet_gateway_id));
        let detached = c
            .hidden
            .detached_internet_gateways
            .get(c.region)
            .is_some_and(|s| s.contains(internet_gateway_id));
        if attached_to.is_none() && !detached {
            return err(
                "InvalidInternetGatewayID.NotFound",
                format!("The internetGateway ID '{internet_gateway_id}' does not exist"),
            );
        }
        let Some(vpc) = c.vpcs().iter().find(|v| v.vpc_id == vpc_id) else {
            return err(
                "InvalidVpcID.NotFound",
                format!("The vpc ID '{vpc_id}' does not exist"),
            );
        };
        if !vpc
            .internet_gateways
            .iter()
            .any(|g| g == internet_gateway_id)
        {
            return err(
                "Gateway.NotAttached",
                format!("resource {internet_gateway_id} is not attached to network {vpc_id}"),
            );
        }
        // Interfaces in a VPC whose subnets map public addresses have public addresses;
        // EC2 refuses to detach the gateway while any are mapped.
        if !vpc.network_interfaces.is_empty() {
            return err(
                "DependencyViolation",
                format!(
                    "Network {vpc_id} has some mapped public address(es). Please unmap those \
                         public address(es) before detaching the gateway."
                ),
            );
        }
        Ok(())
    }

    /// The gateway, detached but not deleted: no snapshot shows it.
    fn record_hidden(&self, hidden: &mut Hidden, region: &str) {
        hidden
            .detached_internet_gateways
            .entry(region.to_string())
            .or_default()
            .insert(self.internet_gateway_id.clone());
    }

    fn empties_vpc(&self, _: &Check<'_>) -> Option<String> {
        Some(self.vpc_id.clone())
    }
}

impl Simulate for DeleteInternetGateway {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let internet_gateway_id = self.internet_gateway_id.as_str();
        if c.vpcs()
            .iter()
            .any(|v| v.internet_gateways.iter().any(|g| g == internet_gateway_id))
        {
            return err(
                "DependencyViolation",
                format!(
                    "The internetGateway '{internet_gateway_id}' has dependencies and cannot \
                         be deleted."
                ),
            );
        }
        let detached = c
            .hidden
            .detached_internet_gateways
            .get(c.region)
            .is_some_and(|s| s.contains(internet_gateway_id));
        if !detached {
            return err(
                "InvalidInternetGatewayID.NotFound",
                format!("The internetGateway ID '{internet_gateway_id}' does not exist"),
            );
        }
        Ok(())
    }

    /// The detached gateway is gone.
    fn record_hidden(&self, hidden: &mut Hidden, region: &str) {
        if let Some(set) = hidden.detached_internet_gateways.get_mut(region) {
            set.remove(&self.internet_gateway_id);
            if set.is_empty() {
                hidden.detached_internet_gateways.remove(region);
            }
        }
    }
}

impl Simulate for DeleteSubnet {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let subnet_id = self.subnet_id.as_str();
        let Some(vpc) = c
            .vpcs()
            .iter()
            .find(|v| v.subnets.iter().any(|s| s.subnet_id == subnet_id))
        else {
            return err(
                "InvalidSubnetID.NotFound",
                format!("The subnet ID '{subnet_id}' does not exist"),
            );
        };
        // EC2 refuses only the subnet that holds an interface; an interface whose subnet is not
        // known may be in any subnet of its VPC.
        if vpc
            .network_interfaces
            .iter()
            .any(|eni| eni.subnet_id.as_deref().is_none_or(|s| s == subnet_id))
        {
            return err(
                "DependencyViolation",
                format!("The subnet '{subnet_id}' has dependencies and cannot be deleted."),
            );
        }
        Ok(())
    }

    /// The subnet's VPC.
    fn empties_vpc(&self, c: &Check<'_>) -> Option<String> {
        c.vpcs()
            .iter()
            .find(|v| v.subnets.iter().any(|s| s.subnet_id == self.subnet_id))
            .map(|v| v.vpc_id.clone())
    }
}

impl Simulate for DeleteVpc {
    const AWS_LATENCY_MS: u64 = 500;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let vpc_id = self.vpc_id.as_str();
        let Some(vpc) = c.vpcs().iter().find(|v| v.vpc_id == vpc_id) else {
            return err(
                "InvalidVpcID.NotFound",
                format!("The vpc ID '{vpc_id}' does not exist"),
            );
        };
        let blocked = !vpc.subnets.is_empty()
            || !vpc.internet_gateways.is_empty()
            || !vpc.network_interfaces.is_empty()
            || !vpc.endpoints.is_empty()
            || vpc
                .security_groups
                .iter()
                .any(|g| g.group_name != "default")
            || vpc.route_tables.iter().any(|r| !r.main)
            || vpc.network_acls.iter().any(|a| !a.is_default);
        if blocked {
            return err(
                "DependencyViolation",
                format!("The vpc '{vpc_id}' has dependencies and cannot be deleted."),
            );
        }
        Ok(())
    }
}

impl Check<'_> {
    fn vpcs(&self) -> &[Vpc] {
        self.services()
            .and_then(|s| s.vpcs.known())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}
