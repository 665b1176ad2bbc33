//! The default VPCs the tool keeps (issue 20): what can be fixed in them without breaking
//! a workload, each fix behind its baseline switch and proven safe from the snapshot —
//! the rules of a default security group no network interface uses (EC2.2), and the
//! auto-assigned public addresses of a default subnet where no interface has one (EC2.15).
//! What the snapshot cannot prove safe stays a decision (see [`crate::accounting`]).

use crate::action::ec2;
use crate::evaluate::arn;
use crate::snapshot::Vpc;

use super::Planner;
use super::ec2::customer_resources;

impl Planner<'_> {
    /// The fixes on the default VPCs of region `r` that the plan keeps (`vpcs` were read).
    pub(super) fn kept_default_vpcs(&mut self, r: &str, vpcs: &[Vpc]) {
        for vpc in vpcs.iter().filter(|v| v.is_default) {
            if self.deletes_default_vpc(vpc) {
                continue;
            }
            if self.b.features.close_unused_default_security_groups {
                self.close_default_security_group(r, vpc);
            }
            if self.b.features.no_auto_public_ip_on_default_subnets {
                self.no_auto_public_ip(r, vpc);
            }
        }
    }

    /// EC2.6: every VPC of region `r` the plan keeps that has no flow log gets one, logging
    /// rejected traffic to the log bucket, once the log bucket and its policy are there.
    /// It changes no traffic. Without a log bucket of the tool's, nothing is planned.
    pub(super) fn flow_logs(&mut self, r: &str, vpcs: &[Vpc]) {
        if !self.b.features.flow_logs_on_vpcs || !self.log_bucket_ready {
            return;
        }
        let bucket = self.fill(&self.b.names.log_bucket);
        for vpc in vpcs {
            if !self.needs_flow_log(vpc)
                || self
                    .b
                    .accepted("EC2.6", &arn::ec2(r, &self.account, "vpc", &vpc.vpc_id))
                    .is_some()
            {
                continue;
            }
            self.push(
                r,
                Some(&vpc.vpc_id),
                ec2::CreateFlowLogs {
                    vpc_ids: vec![vpc.vpc_id.clone()],
                    traffic_type: "REJECT".into(),
                    log_destination: format!("arn:aws:s3:::{bucket}"),
                },
                self.log_bucket_deps.clone(),
            );
        }
    }

    /// Whether `vpc` is kept by the plan and has no flow log.
    fn needs_flow_log(&self, vpc: &Vpc) -> bool {
        vpc.flow_logs.is_empty() && !(vpc.is_default && self.deletes_default_vpc(vpc))
    }

    /// Whether the plan gives some VPC a flow log (the log bucket's policy then lets log
    /// delivery write): the switch is on and a covered region shows a kept VPC without one.
    pub(super) fn flow_logs_wanted(&self) -> bool {
        self.b.features.flow_logs_on_vpcs
            && self.regions.iter().any(|r| {
                self.s.regions[r]
                    .services
                    .vpcs
                    .known()
                    .is_some_and(|vpcs| vpcs.iter().any(|v| self.needs_flow_log(v)))
            })
    }

    /// Whether the plan deletes the default VPC (no interface, nothing of the customer's).
    fn deletes_default_vpc(&self, vpc: &Vpc) -> bool {
        self.b.features.delete_default_vpcs
            && vpc.network_interfaces.is_empty()
            && customer_resources(vpc).is_empty()
    }

    /// EC2.2: the default security group (`default`) of the VPC loses every inbound and
    /// outbound rule the snapshot shows, only when no interface of the VPC may use it (an
    /// interface whose groups were not read may use any). No other group is touched.
    fn close_default_security_group(&mut self, r: &str, vpc: &Vpc) {
        for sg in vpc
            .security_groups
            .iter()
            .filter(|g| g.group_name == "default")
        {
            let in_use = vpc
                .network_interfaces
                .iter()
                .any(|e| e.may_use_group(&sg.group_id));
            let resource = arn::ec2(r, &self.s.account_id, "security-group", &sg.group_id);
            if in_use || self.b.accepted("EC2.2", &resource).is_some() {
                continue;
            }
            if !sg.ingress.is_empty() {
                self.push(
                    r,
                    Some(&sg.group_id),
                    ec2::RevokeSecurityGroupIngress {
                        group_id: sg.group_id.clone(),
                        rules: sg.ingress.clone(),
                    },
                    vec![],
                );
            }
            if !sg.egress.is_empty() {
                self.push(
                    r,
                    Some(&sg.group_id),
                    ec2::RevokeSecurityGroupEgress {
                        group_id: sg.group_id.clone(),
                        rules: sg.egress.clone(),
                    },
                    vec![],
                );
            }
        }
    }

    /// EC2.15: a default subnet (`DefaultForAz`, or unknown in a default VPC) that maps
    /// public addresses stops doing so, only when no interface that may be in it may have a
    /// public address (an interface whose subnet or address was not read may).
    fn no_auto_public_ip(&mut self, r: &str, vpc: &Vpc) {
        for subnet in vpc
            .subnets
            .iter()
            .filter(|s| s.map_public_ip_on_launch && s.default_for_az != Some(false))
        {
            let public = vpc
                .network_interfaces
                .iter()
                .any(|e| e.may_be_in_subnet(&subnet.subnet_id) && e.may_have_public_ip());
            let resource = arn::ec2(r, &self.s.account_id, "subnet", &subnet.subnet_id);
            if public || self.b.accepted("EC2.15", &resource).is_some() {
                continue;
            }
            self.push(
                r,
                Some(&subnet.subnet_id),
                ec2::ModifySubnetAttribute {
                    subnet_id: subnet.subnet_id.clone(),
                    map_public_ip_on_launch: false,
                },
                vec![],
            );
        }
    }
}
