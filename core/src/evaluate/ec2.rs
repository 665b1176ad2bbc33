//! EC2 controls: EBS account settings (EC2.1, EC2.7, EC2.182) and the VPC family (EC2.2,
//! .6, .10, .15, .16, .18, .19, .21, .55–.60, .172).

use crate::snapshot::{NetworkRule, Vpc};

use super::{Check, Ctx, Findings};

/// EC2.18: the TCP ports Security Hub authorizes to be open to the world by default
/// (`authorizedTcpPorts: 80, 443`; no UDP port is authorized).
pub const EC2_18_AUTHORIZED_TCP_PORTS: &[u16] = &[80, 443];

/// EC2.19: the high-risk ports no security group may open to the world (Security Hub
/// control reference, EC2.19).
pub const EC2_19_HIGH_RISK_PORTS: &[u16] = &[
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
    5601, 8080, 8088, 8888, 9200, 9300,
];

/// The VPC endpoint each endpoint control requires, as the service suffix of
/// `com.amazonaws.<region>.<suffix>` (EC2.10 runs `service-vpc-endpoint-enabled` with
/// `serviceName: ec2`; EC2.55–EC2.60 run `vpc-endpoint-enabled`, whose rule also accepts
/// the FIPS variant `<suffix>-fips`).
pub const VPC_ENDPOINT_SERVICES: &[(&str, &str)] = &[
    ("EC2.10", "ec2"),
    ("EC2.55", "ecr.api"),
    ("EC2.56", "ecr.dkr"),
    ("EC2.57", "ssm"),
    ("EC2.58", "ssm-contacts"),
    ("EC2.60", "ssm-incidents"),
];

/// EC2.1 (`ebs-snapshot-public-restorable-check`, periodic, AWS::::Account): no EBS
/// snapshot owned by the account is restorable by everyone.
pub(super) fn ec2_1(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(ebs) = ctx.known(|s| &s.ebs) else {
        return Check::NoData;
    };
    if ebs.public_snapshots.is_empty() {
        Check::Passed
    } else {
        ctx.failed(|| {
            ebs.public_snapshots
                .iter()
                .map(|id| ctx.account_at(format_args!("snapshot {id} is publicly restorable")))
                .collect()
        })
    }
}

/// EC2.7 (`ec2-ebs-encryption-by-default`): EBS encryption by default is on in the region.
pub(super) fn ec2_7(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.ebs) {
        None => Check::NoData,
        Some(ebs) => ctx.single(ebs.encryption_by_default, || {
            ctx.account_at("EBS encryption by default is off")
        }),
    }
}

/// EC2.182 (`ebs-snapshot-block-public-access`): the rule is NON_COMPLIANT unless block
/// public access "is enabled for all public sharing", so only `block-all-sharing` passes
/// (`block-new-sharing` and `unblocked` fail).
pub(super) fn ec2_182(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.snapshot_block_public_access) {
        None => Check::NoData,
        Some(block) => ctx.single(block.state == "block-all-sharing", || {
            ctx.account_at(format_args!(
                "EBS snapshot block public access is `{}`, not `block-all-sharing`",
                display_state(&block.state, "unblocked")
            ))
        }),
    }
}

/// EC2.172 (`ec2-vpc-bpa-internet-gateway-blocked`): VPC block public access blocks
/// internet gateway traffic, in `block-bidirectional` or `block-ingress` mode (`off`
/// fails).
pub(super) fn ec2_172(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.vpc_block_public_access) {
        None => Check::NoData,
        Some(bpa) => {
            let mode = bpa.internet_gateway_block_mode.as_str();
            ctx.single(bpa.internet_gateway_block_mode.blocks(), || {
                ctx.account_at(format_args!(
                    "VPC block public access mode is `{}`",
                    display_state(mode, "off")
                ))
            })
        }
    }
}

fn display_state<'a>(state: &'a str, unset: &'a str) -> &'a str {
    if state.is_empty() { unset } else { state }
}

/// A check run on each VPC of the region (no VPC: `no_data`).
fn per_vpc(ctx: &Ctx<'_>, mut judge: impl FnMut(&Vpc, &mut Findings)) -> Check {
    let Some(vpcs) = ctx.known(|s| &s.vpcs) else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for vpc in vpcs {
        judge(vpc, &mut findings);
    }
    findings.finish()
}

/// EC2.2 (`vpc-default-security-group-closed`): the default security group of each VPC has
/// no inbound and no outbound rule.
pub(super) fn ec2_2(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        for sg in vpc
            .security_groups
            .iter()
            .filter(|g| g.group_name == "default")
        {
            findings.test(sg.ingress.is_empty() && sg.egress.is_empty(), || {
                ctx.at(
                    ctx.ec2_arn("security-group", &sg.group_id),
                    format_args!(
                        "{} default security group {} allows traffic",
                        vpc.vpc_id, sg.group_id
                    ),
                )
            });
        }
    })
}

/// EC2.6 (`vpc-flow-logs-enabled`, `trafficType: REJECT`): each VPC has a flow log (the
/// snapshot records flow logs without their traffic type; `ALL` and `REJECT` both capture
/// rejects).
pub(super) fn ec2_6(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        findings.test(!vpc.flow_logs.is_empty(), || {
            ctx.at(
                ctx.ec2_arn("vpc", &vpc.vpc_id),
                format_args!("{} has no flow log", vpc.vpc_id),
            )
        });
    })
}

/// EC2.10, EC2.55–EC2.58, EC2.60 (`service-vpc-endpoint-enabled` / `vpc-endpoint-enabled`):
/// each VPC has an endpoint for the service of [`VPC_ENDPOINT_SERVICES`]
/// (`com.amazonaws.<region>.<suffix>`, or its `-fips` variant).
pub(super) fn vpc_endpoint(ctx: &Ctx<'_>, id: &str) -> Check {
    let Some((_, suffix)) = VPC_ENDPOINT_SERVICES.iter().find(|(c, _)| *c == id) else {
        return Check::NoData;
    };
    // `com.amazonaws.<region>.<suffix>` or `…<suffix>-fips`, compared without allocating.
    let serves = |endpoint: &str| {
        endpoint
            .strip_prefix("com.amazonaws.")
            .and_then(|rest| rest.strip_prefix(ctx.region))
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|service| service.strip_suffix("-fips").unwrap_or(service) == *suffix)
    };
    per_vpc(ctx, |vpc, findings| {
        findings.test(vpc.endpoints.iter().any(|e| serves(e)), || {
            ctx.at(
                ctx.ec2_arn("vpc", &vpc.vpc_id),
                format_args!(
                    "{} has no VPC endpoint for com.amazonaws.{}.{suffix}",
                    vpc.vpc_id, ctx.region
                ),
            )
        });
    })
}

/// EC2.15 (`subnet-auto-assign-public-ip-disabled`): no subnet auto-assigns public IPv4
/// addresses (`MapPublicIpOnLaunch` false).
pub(super) fn ec2_15(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        for subnet in &vpc.subnets {
            findings.test(!subnet.map_public_ip_on_launch, || {
                ctx.at(
                    ctx.ec2_arn("subnet", &subnet.subnet_id),
                    format_args!(
                        "{} subnet {} auto-assigns public IP addresses",
                        vpc.vpc_id, subnet.subnet_id
                    ),
                )
            });
        }
    })
}

/// EC2.16 (`vpc-network-acl-unused-check`): each network ACL is associated with a subnet
/// (a network ACL whose only relationship is its VPC fails).
pub(super) fn ec2_16(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        for acl in &vpc.network_acls {
            findings.test(!acl.associated_subnets.is_empty(), || {
                ctx.at(
                    ctx.ec2_arn("network-acl", &acl.network_acl_id),
                    format_args!(
                        "{} network ACL {} is not associated with a subnet",
                        vpc.vpc_id, acl.network_acl_id
                    ),
                )
            });
        }
    })
}

/// Whether an inbound rule open to the world stays within the authorized TCP ports.
fn authorized(rule: &NetworkRule) -> bool {
    match (rule.protocol.as_str(), rule.from_port, rule.to_port) {
        ("tcp" | "6", Some(from), Some(to)) => {
            (from..=to).all(|port| EC2_18_AUTHORIZED_TCP_PORTS.contains(&port))
        }
        // All TCP ports, any UDP port (none is authorized), all protocols.
        ("tcp" | "6" | "udp" | "17" | "-1" | "all", _, _) => false,
        // ICMP and other protocols are not TCP or UDP connections: outside the rule.
        _ => true,
    }
}

/// EC2.18 (`vpc-sg-open-only-to-authorized-ports`, `authorizedTcpPorts: 80, 443`): a
/// security group with inbound rules open to `0.0.0.0/0` or `::/0` opens only the
/// authorized TCP ports. A group with no rule open to the world is NOT_APPLICABLE to the
/// rule (no finding).
pub(super) fn ec2_18(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        for sg in &vpc.security_groups {
            let open: Vec<&NetworkRule> = sg.ingress.iter().filter(|r| r.from_anywhere()).collect();
            if open.is_empty() {
                continue;
            }
            findings.test(open.iter().all(|r| authorized(r)), || {
                let rules: Vec<String> = open
                    .iter()
                    .filter(|r| !authorized(r))
                    .map(|r| r.describe())
                    .collect();
                ctx.at(
                    ctx.ec2_arn("security-group", &sg.group_id),
                    format_args!(
                        "{} security group {} opens {} (only TCP 80 and 443 may be open to \
                         the internet)",
                        vpc.vpc_id,
                        sg.group_id,
                        rules.join(", ")
                    ),
                )
            });
        }
    })
}

/// EC2.19 (`vpc-sg-restricted-common-ports`, custom Security Hub rule): no security group
/// allows inbound traffic from `0.0.0.0/0` or `::/0` to a port of
/// [`EC2_19_HIGH_RISK_PORTS`].
pub(super) fn ec2_19(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        for sg in &vpc.security_groups {
            let risky = sg.ingress.iter().find_map(|r| {
                if !r.from_anywhere() {
                    return None;
                }
                EC2_19_HIGH_RISK_PORTS
                    .iter()
                    .find(|p| r.covers_port(**p))
                    .map(|p| (p, r.source.as_str()))
            });
            findings.test(risky.is_none(), || {
                let (port, source) = risky.unwrap_or((&0, ""));
                ctx.at(
                    ctx.ec2_arn("security-group", &sg.group_id),
                    format_args!(
                        "{} security group {} allows port {port} from {source}",
                        vpc.vpc_id, sg.group_id
                    ),
                )
            });
        }
    })
}

/// EC2.21 (`nacl-no-unrestricted-ssh-rdp`): no network ACL inbound entry allows
/// `0.0.0.0/0` or `::/0` to TCP port 22 or 3389 (the default network ACL, which allows all
/// traffic, fails).
pub(super) fn ec2_21(ctx: &Ctx<'_>, _: &str) -> Check {
    per_vpc(ctx, |vpc, findings| {
        for acl in &vpc.network_acls {
            let open = acl.ingress_allow.iter().any(|r| {
                r.from_anywhere()
                    && matches!(r.protocol.as_str(), "-1" | "all" | "tcp" | "6")
                    && (r.covers_port(22) || r.covers_port(3389))
            });
            findings.test(!open, || {
                ctx.at(
                    ctx.ec2_arn("network-acl", &acl.network_acl_id),
                    format_args!(
                        "{} network ACL {} allows SSH or RDP from the internet",
                        vpc.vpc_id, acl.network_acl_id
                    ),
                )
            });
        }
    })
}
