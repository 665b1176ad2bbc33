//! EC2 writes (regional): EBS and snapshot defaults, VPC block public access, and the
//! removal of a default VPC the snapshot showed unused.
//!
//! The removals send exactly the ids the plan names; the planner plans them only for a
//! default VPC without network interfaces. One already gone (`…NotFound`, a gateway no
//! longer attached) is success: the state the action wanted holds, and nothing else is
//! touched.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{InternetGatewayBlockMode, SnapshotBlockPublicAccessState};
use secure_account_core::AwsError;

use crate::error::aws;

/// `ec2:EnableEbsEncryptionByDefault` (idempotent).
pub async fn enable_ebs_encryption_by_default(ec2: &Client) -> Result<(), AwsError> {
    ec2.enable_ebs_encryption_by_default()
        .send()
        .await
        .map_err(aws("ec2:EnableEbsEncryptionByDefault"))?;
    Ok(())
}

/// `ec2:EnableSnapshotBlockPublicAccess`.
pub async fn enable_snapshot_block_public_access(
    ec2: &Client,
    state: &str,
) -> Result<(), AwsError> {
    ec2.enable_snapshot_block_public_access()
        .state(SnapshotBlockPublicAccessState::from(state))
        .send()
        .await
        .map_err(aws("ec2:EnableSnapshotBlockPublicAccess"))?;
    Ok(())
}

/// `ec2:ModifyVpcBlockPublicAccessOptions`.
pub async fn modify_vpc_block_public_access_options(
    ec2: &Client,
    mode: secure_account_core::snapshot::InternetGatewayBlockMode,
) -> Result<(), AwsError> {
    ec2.modify_vpc_block_public_access_options()
        .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode.as_str()))
        .send()
        .await
        .map_err(aws("ec2:ModifyVpcBlockPublicAccessOptions"))?;
    Ok(())
}

/// Whether `e` says the thing is gone already.
fn gone(e: &AwsError, codes: &[&str]) -> bool {
    codes.contains(&e.code.as_str())
}

/// `ec2:DetachInternetGateway` from the default VPC. Not attached any more
/// (`Gateway.NotAttached`) or gone is success.
pub async fn detach_internet_gateway(
    ec2: &Client,
    internet_gateway_id: &str,
    vpc_id: &str,
) -> Result<(), AwsError> {
    match ec2
        .detach_internet_gateway()
        .internet_gateway_id(internet_gateway_id)
        .vpc_id(vpc_id)
        .send()
        .await
        .map_err(aws("ec2:DetachInternetGateway"))
    {
        Err(e)
            if gone(
                &e,
                &["Gateway.NotAttached", "InvalidInternetGatewayID.NotFound"],
            ) =>
        {
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// `ec2:DeleteInternetGateway`; gone already is success.
pub async fn delete_internet_gateway(
    ec2: &Client,
    internet_gateway_id: &str,
) -> Result<(), AwsError> {
    match ec2
        .delete_internet_gateway()
        .internet_gateway_id(internet_gateway_id)
        .send()
        .await
        .map_err(aws("ec2:DeleteInternetGateway"))
    {
        Err(e) if gone(&e, &["InvalidInternetGatewayID.NotFound"]) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// `ec2:DeleteSubnet`; gone already is success. A subnet with a network interface in it
/// fails with AWS's `DependencyViolation` (never retried for a subnet).
pub async fn delete_subnet(ec2: &Client, subnet_id: &str) -> Result<(), AwsError> {
    match ec2
        .delete_subnet()
        .subnet_id(subnet_id)
        .send()
        .await
        .map_err(aws("ec2:DeleteSubnet"))
    {
        Err(e) if gone(&e, &["InvalidSubnetID.NotFound"]) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// `ec2:DeleteVpc`; gone already is success.
pub async fn delete_vpc(ec2: &Client, vpc_id: &str) -> Result<(), AwsError> {
    match ec2
        .delete_vpc()
        .vpc_id(vpc_id)
        .send()
        .await
        .map_err(aws("ec2:DeleteVpc"))
    {
        Err(e) if gone(&e, &["InvalidVpcID.NotFound"]) => Ok(()),
        other => other.map(|_| ()),
    }
}
