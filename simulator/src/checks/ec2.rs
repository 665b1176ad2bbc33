//! EC2: EBS and snapshot settings, VPC block public access, default-VPC teardown.

use super::*;

/// `enable_snapshot_block_public_access`.
pub(super) fn enable_snapshot_block_public_access(state: &str) -> Result<(), AwsError> {
    if !matches!(state, "block-all-sharing" | "block-new-sharing") {
        return err(
            "InvalidParameterValue",
            format!("Value ({state}) for parameter State is invalid."),
        );
    }
    Ok(())
}

/// `detach_internet_gateway`.
pub(super) fn detach_internet_gateway(
    c: &Check<'_>,
    internet_gateway_id: &str,
    vpc_id: &str,
) -> Result<(), AwsError> {
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

/// `delete_internet_gateway`.
pub(super) fn delete_internet_gateway(
    c: &Check<'_>,
    internet_gateway_id: &str,
) -> Result<(), AwsError> {
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

/// `delete_subnet`.
pub(super) fn delete_subnet(c: &Check<'_>, subnet_id: &str) -> Result<(), AwsError> {
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

/// `delete_vpc`.
pub(super) fn delete_vpc(c: &Check<'_>, vpc_id: &str) -> Result<(), AwsError> {
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
