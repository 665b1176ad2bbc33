//! EC2: EBS encryption and snapshot public access, default VPCs, VPC block public access.

use crate::action::ec2;
use crate::part::Part;
use crate::plan::SkipReason;
use crate::snapshot::ec2::HttpTokens;
use crate::snapshot::{InternetGatewayBlockMode, Observed, RegionServices, Vpc};

use super::Planner;

impl<'a> Planner<'a> {
    // ---- EC2 ----

    /// EC2's settings of the region, each behind its baseline switch.
    pub(super) fn ec2(&mut self, r: &str, s: &RegionServices) {
        if self.b.features.ebs_encryption {
            self.ebs_encryption(r, s);
        }
        if self.b.features.snapshot_block_public_access {
            self.snapshot_block_public_access(r, s);
        }
        if self.b.features.imdsv2_default {
            self.instance_metadata_defaults(r, s);
        }
        let f = &self.b.features;
        if (f.delete_default_vpcs
            || f.close_unused_default_security_groups
            || f.no_auto_public_ip_on_default_subnets
            || f.flow_logs_on_vpcs)
            && let Some(vpcs) = self.seen(r, Part::Vpcs, &s.vpcs)
        {
            if self.b.features.delete_default_vpcs {
                self.default_vpcs(r, vpcs);
            }
            self.kept_default_vpcs(r, vpcs);
            self.flow_logs(r, vpcs);
        }
        if self.b.features.vpc_block_public_access {
            self.vpc_block_public_access(r, s);
        }
    }

    fn ebs_encryption(&mut self, r: &str, s: &RegionServices) {
        let Some(ebs) = self.seen(r, Part::Ebs, &s.ebs) else {
            return;
        };
        if !ebs.encryption_by_default {
            self.push(r, None, ec2::EnableEbsEncryptionByDefault {}, vec![]);
        }
    }

    fn snapshot_block_public_access(&mut self, r: &str, s: &RegionServices) {
        let Some(block) = self.seen(
            r,
            Part::SnapshotBlockPublicAccess,
            &s.snapshot_block_public_access,
        ) else {
            return;
        };
        if block.state != "block-all-sharing" {
            self.push(
                r,
                None,
                ec2::EnableSnapshotBlockPublicAccess {
                    state: "block-all-sharing".into(),
                },
                vec![],
            );
        }
    }

    /// New instances default to IMDSv2 (EC2.8); `required` is the strictest value, so an
    /// account that has it already is left alone.
    fn instance_metadata_defaults(&mut self, r: &str, s: &RegionServices) {
        let Some(ebs) = self.seen(r, Part::Ebs, &s.ebs) else {
            return;
        };
        let defaults = match &ebs.instance_metadata_defaults {
            Observed::Known(d) => d,
            Observed::Unreadable { read_error } => {
                let detail = format!(
                    "could not read the instance metadata defaults ({read_error}); nothing \
                     planned for them"
                );
                return self.skip(
                    &format!("{r}/instance_metadata_defaults"),
                    r,
                    SkipReason::ReadFailed,
                    detail,
                );
            }
        };
        if defaults.http_tokens != Some(HttpTokens::Required) {
            self.push(
                r,
                None,
                ec2::ModifyInstanceMetadataDefaults {
                    http_tokens: HttpTokens::Required,
                },
                vec![],
            );
        }
    }

    fn default_vpcs(&mut self, r: &str, vpcs: &[Vpc]) {
        for vpc in vpcs.iter().filter(|v| v.is_default) {
            if !vpc.network_interfaces.is_empty() {
                let enis: Vec<String> = vpc
                    .network_interfaces
                    .iter()
                    .map(|e| format!("`{}`", e.network_interface_id))
                    .collect();
                self.skip(
                    &format!("{r}/delete_vpc/{}", vpc.vpc_id),
                    r,
                    SkipReason::DefaultVpcInUse,
                    format!(
                        "default VPC `{}` has network interfaces {}; it is kept",
                        vpc.vpc_id,
                        enis.join(", ")
                    ),
                );
                continue;
            }
            let extra = customer_resources(vpc);
            if !extra.is_empty() {
                self.skip(
                    &format!("{r}/delete_vpc/{}", vpc.vpc_id),
                    r,
                    SkipReason::DefaultVpcHasCustomerResources,
                    format!(
                        "default VPC `{}` holds resources the tool did not create ({}); it is kept",
                        vpc.vpc_id,
                        extra.join(", ")
                    ),
                );
                continue;
            }
            let mut deps = vec![];
            for igw in &vpc.internet_gateways {
                if let Some(detach) = self.push(
                    r,
                    Some(igw),
                    ec2::DetachInternetGateway {
                        internet_gateway_id: igw.clone(),
                        vpc_id: vpc.vpc_id.clone(),
                    },
                    vec![],
                ) {
                    deps.push(detach.clone());
                    if let Some(del) = self.push(
                        r,
                        Some(igw),
                        ec2::DeleteInternetGateway {
                            internet_gateway_id: igw.clone(),
                        },
                        vec![detach],
                    ) {
                        deps.push(del);
                    }
                }
            }
            for subnet in &vpc.subnets {
                if let Some(id) = self.push(
                    r,
                    Some(&subnet.subnet_id),
                    ec2::DeleteSubnet {
                        subnet_id: subnet.subnet_id.clone(),
                    },
                    vec![],
                ) {
                    deps.push(id);
                }
            }
            self.push(
                r,
                Some(&vpc.vpc_id),
                ec2::DeleteVpc {
                    vpc_id: vpc.vpc_id.clone(),
                },
                deps,
            );
        }
    }

    fn vpc_block_public_access(&mut self, r: &str, s: &RegionServices) {
        let Some(bpa) = self.seen(r, Part::VpcBlockPublicAccess, &s.vpc_block_public_access) else {
            return;
        };
        // Either blocking mode passes EC2.172; a stricter one already set is kept.
        if !bpa.internet_gateway_block_mode.blocks() {
            self.push(
                r,
                None,
                ec2::ModifyVpcBlockPublicAccessOptions {
                    internet_gateway_block_mode: InternetGatewayBlockMode::BlockBidirectional,
                },
                vec![],
            );
        }
    }
}

/// What a default VPC holds besides its defaults (a reason to keep it).
pub(super) fn customer_resources(vpc: &Vpc) -> Vec<String> {
    let mut out = vec![];
    for sg in vpc
        .security_groups
        .iter()
        .filter(|g| g.group_name != "default")
    {
        out.push(format!("security group `{}`", sg.group_id));
    }
    for rt in vpc.route_tables.iter().filter(|t| !t.main) {
        out.push(format!("route table `{}`", rt.route_table_id));
    }
    for acl in vpc.network_acls.iter().filter(|a| !a.is_default) {
        out.push(format!("network ACL `{}`", acl.network_acl_id));
    }
    for ep in &vpc.endpoints {
        out.push(format!("endpoint `{ep}`"));
    }
    for fl in &vpc.flow_logs {
        out.push(format!("flow log `{fl}`"));
    }
    out
}
