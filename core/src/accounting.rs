//! Every failure accounted for (issue 20): each failing resource of an evaluation gets a
//! cause (why it still fails: a default VPC kept because workloads use it, the customer's
//! public bucket, a person's work, …) and a remedy (the manual task, a decision a person
//! makes with what the change could break and the exact change to make, or the baseline's
//! own action), unless an exception of the baseline accepts it.
//!
//! Pure: it reads the snapshot, the evaluation and the baseline; the day exceptions are
//! judged on is the baseline's [`Baseline::as_of`], set by the caller.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::baseline::{Baseline, Exception, Names};
use crate::evaluate::{Evaluation, Failure, arn};
use crate::planner::MANAGED_TAG;
use crate::planner::bucket_is_public;
use crate::snapshot::{Bucket, NetworkRule, Observed, Snapshot, Vpc};

/// The controls only a person can make pass (see [`crate::manual`]).
pub const MANUAL_CONTROLS: &[&str] = &["Account.1", "IAM.4", "IAM.5", "IAM.6"];

/// Why a failure is still there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    /// A default VPC the tool keeps because network interfaces use it.
    KeptDefaultVpc {
        region: String,
        vpc_id: String,
        network_interfaces: Vec<String>,
    },
    /// A bucket the tool did not create that serves public reads, or the account-wide
    /// setting that would stop it.
    PublicBucket { buckets: Vec<String> },
    /// A resource the customer made, which the tool does not change.
    CustomerResource,
    /// Only a person can do it (root MFA, users' MFA, the security contact).
    NeedsAPerson,
    /// The baseline's own setting: `apply` makes it pass, unless the baseline declines it.
    Baseline,
}

impl Cause {
    /// The heading of the group, in words.
    pub fn describe(&self) -> String {
        match self {
            Cause::KeptDefaultVpc {
                region,
                vpc_id,
                network_interfaces,
            } => format!(
                "kept: default VPC {vpc_id} ({region}) is in use by network interfaces {}",
                network_interfaces.join(", ")
            ),
            Cause::PublicBucket { buckets } => format!(
                "the customer's public bucket{} {}: the tool keeps it serving",
                if buckets.len() == 1 { "" } else { "s" },
                buckets
                    .iter()
                    .map(|b| format!("`{b}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Cause::CustomerResource => {
                "the customer's own resources: the tool does not change them".into()
            }
            Cause::NeedsAPerson => "needs a person".into(),
            Cause::Baseline => {
                "the baseline's own settings: `secure-account apply` sets them (or disables \
                 the control with the baseline's reason)"
                    .into()
            }
        }
    }
}

/// What to do about a failure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Remedy {
    /// Work for a person (the manual task's instructions).
    Manual { instructions: String },
    /// A decision for a person: what the change could break, then the change.
    Decision(Decision),
    /// `secure-account apply` changes it.
    Apply,
}

/// A change the tool will not make on its own, for a person to decide.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Why the tool does not make the change: what it could break.
    pub could_break: String,
    /// Where to make it in the AWS console.
    pub console: String,
    /// The AWS CLI command(s) that make it.
    pub cli: Vec<String>,
}

/// One failing resource, accounted for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Accounted {
    pub control: String,
    pub region: String,
    pub resource: String,
    pub reason: String,
    pub cause: Cause,
    pub remedy: Remedy,
    /// The exception of the baseline that accepts this failure, if one is in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Exception>,
}

/// Every failure of `evaluation`, accounted for, in control then region order.
pub fn account_for(
    snapshot: &Snapshot,
    evaluation: &Evaluation,
    baseline: &Baseline,
    manual: &[crate::manual::ManualTask],
) -> Vec<Accounted> {
    let ctx = Context::new(snapshot, baseline);
    let mut out = Vec::new();
    for control in &evaluation.controls {
        for f in &control.failures {
            let (cause, remedy) = ctx.explain(&control.id, f, manual);
            out.push(Accounted {
                control: control.id.clone(),
                region: f.region.clone(),
                resource: f.resource.clone(),
                reason: f.reason.clone(),
                cause,
                remedy,
                accepted: baseline.accepted(&control.id, &f.resource).cloned(),
            });
        }
    }
    out
}

/// The exceptions past their `until` day on the baseline's day.
pub fn expired_exceptions(baseline: &Baseline) -> Vec<Exception> {
    baseline
        .exceptions
        .iter()
        .filter(|e| !e.in_force(baseline.as_of.as_deref()))
        .cloned()
        .collect()
}

/// What the explanations look up in the snapshot.
struct Context<'a> {
    snapshot: &'a Snapshot,
    /// EC2 resource short id (VPC, subnet, security group, network ACL) → its region and VPC.
    vpc_of: BTreeMap<&'a str, (&'a str, &'a Vpc)>,
    buckets: BTreeMap<&'a str, &'a Bucket>,
    /// Public buckets the tool did not create.
    public_buckets: Vec<String>,
    /// The names of the baseline's buckets (the tool's own).
    own_buckets: BTreeSet<String>,
    access_log_bucket: String,
}

impl<'a> Context<'a> {
    fn new(snapshot: &'a Snapshot, baseline: &Baseline) -> Self {
        let mut vpc_of = BTreeMap::new();
        for (region, r) in &snapshot.regions {
            let Observed::Known(vpcs) = &r.services.vpcs else {
                continue;
            };
            for vpc in vpcs {
                let at = (region.as_str(), vpc);
                vpc_of.insert(vpc.vpc_id.as_str(), at);
                for s in &vpc.subnets {
                    vpc_of.insert(s.subnet_id.as_str(), at);
                }
                for g in &vpc.security_groups {
                    vpc_of.insert(g.group_id.as_str(), at);
                }
                for a in &vpc.network_acls {
                    vpc_of.insert(a.network_acl_id.as_str(), at);
                }
            }
        }
        let access_log_bucket =
            Names::fill(&baseline.names.access_log_bucket, &snapshot.account_id);
        let log_bucket = Names::fill(&baseline.names.log_bucket, &snapshot.account_id);
        let own_buckets: BTreeSet<String> = [access_log_bucket.clone(), log_bucket].into();
        let mut buckets = BTreeMap::new();
        let mut public_buckets = Vec::new();
        if let Observed::Known(list) = &snapshot.global.buckets {
            for b in list {
                buckets.insert(b.name.as_str(), b);
                if !is_tools(b, &own_buckets) && bucket_is_public(b) {
                    public_buckets.push(b.name.clone());
                }
            }
        }
        Context {
            snapshot,
            vpc_of,
            buckets,
            public_buckets,
            own_buckets,
            access_log_bucket,
        }
    }

    fn explain(
        &self,
        control: &str,
        f: &Failure,
        manual: &[crate::manual::ManualTask],
    ) -> (Cause, Remedy) {
        if MANUAL_CONTROLS.contains(&control) {
            let instructions = manual
                .iter()
                .filter(|t| t.control == control)
                .map(|t| t.instructions.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            return (Cause::NeedsAPerson, Remedy::Manual { instructions });
        }
        let id = arn::short_id(&f.resource);
        if f.resource.starts_with("arn:aws:ec2:")
            && let Some((region, vpc)) = self.vpc_of.get(id)
        {
            let cause = if vpc.is_default && !vpc.network_interfaces.is_empty() {
                Cause::KeptDefaultVpc {
                    region: region.to_string(),
                    vpc_id: vpc.vpc_id.clone(),
                    network_interfaces: vpc
                        .network_interfaces
                        .iter()
                        .map(|e| e.network_interface_id.clone())
                        .collect(),
                }
            } else if vpc.is_default {
                // A default VPC without interfaces is deleted by the baseline, unless it
                // holds the customer's resources (then it is theirs).
                Cause::Baseline
            } else {
                Cause::CustomerResource
            };
            return match (cause, ec2_decision(control, region, vpc, id)) {
                (Cause::Baseline, _) => (Cause::Baseline, Remedy::Apply),
                (cause, Some(d)) => (cause, Remedy::Decision(d)),
                (cause, None) => (cause, Remedy::Decision(generic(control))),
            };
        }
        if let Some(name) = f.resource.strip_prefix("arn:aws:s3:::")
            && let Some(b) = self.buckets.get(name)
        {
            if is_tools(b, &self.own_buckets) {
                return (Cause::Baseline, Remedy::Apply);
            }
            let public = bucket_is_public(b);
            let cause = if public {
                Cause::PublicBucket {
                    buckets: vec![name.to_string()],
                }
            } else {
                Cause::CustomerResource
            };
            let d = self
                .bucket_decision(control, b, public)
                .unwrap_or_else(|| generic(control));
            return (cause, Remedy::Decision(d));
        }
        if control == "S3.1" && !self.public_buckets.is_empty() {
            let list = self.public_buckets.join(", ");
            return (
                Cause::PublicBucket {
                    buckets: self.public_buckets.clone(),
                },
                Remedy::Decision(Decision {
                    could_break: format!(
                        "bucket(s) {list} serve public reads: blocking public access for the \
                         whole account stops that"
                    ),
                    console: "S3 console > Block Public Access settings for this account > \
                              Edit > Block all public access"
                        .into(),
                    cli: vec![format!(
                        "aws s3control put-public-access-block --account-id {} \
                         --public-access-block-configuration BlockPublicAcls=true,\
                         IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
                        self.snapshot.account_id
                    )],
                }),
            );
        }
        (Cause::Baseline, Remedy::Apply)
    }

    fn bucket_decision(&self, control: &str, b: &Bucket, public: bool) -> Option<Decision> {
        let name = &b.name;
        let serving = if public {
            format!("bucket `{name}` serves public reads: ")
        } else {
            String::new()
        };
        let console = |tab: &str| format!("S3 console > Buckets > {name} > {tab}");
        Some(match control {
            "S3.2" | "S3.3" | "S3.8" => Decision {
                could_break: format!("{serving}blocking public access stops every public read"),
                console: console("Permissions > Block public access (bucket settings) > Edit"),
                cli: vec![format!(
                    "aws s3api put-public-access-block --bucket {name} \
                     --public-access-block-configuration BlockPublicAcls=true,\
                     IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
                )],
            },
            "S3.12" => Decision {
                could_break: format!(
                    "{serving}with ACLs disabled, objects readable only through their ACL stop \
                     being served, and writers that set ACLs get errors"
                ),
                console: console("Permissions > Object Ownership > Edit > ACLs disabled"),
                cli: vec![format!(
                    "aws s3api put-bucket-ownership-controls --bucket {name} \
                     --ownership-controls 'Rules=[{{ObjectOwnership=BucketOwnerEnforced}}]'"
                )],
            },
            "S3.5" => Decision {
                could_break: format!(
                    "{serving}denying requests without TLS stops every client that reads over \
                     plain HTTP (an S3 website endpoint serves HTTP only)"
                ),
                console: console(
                    "Permissions > Bucket policy > Edit: add a Deny of s3:* when \
                     aws:SecureTransport is false",
                ),
                cli: vec![format!(
                    "aws s3api put-bucket-policy --bucket {name} --policy file://policy.json \
                     (the current policy plus {{\"Effect\":\"Deny\",\"Principal\":\"*\",\
                     \"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::{name}\",\
                     \"arn:aws:s3:::{name}/*\"],\"Condition\":{{\"Bool\":\
                     {{\"aws:SecureTransport\":\"false\"}}}}}})"
                )],
            },
            "S3.9" => Decision {
                could_break: format!(
                    "nothing stops working; the access logs cost storage in `{}` (and the \
                     requests that write them)",
                    self.access_log_bucket
                ),
                console: console("Properties > Server access logging > Edit"),
                cli: vec![format!(
                    "aws s3api put-bucket-logging --bucket {name} --bucket-logging-status \
                     '{{\"LoggingEnabled\":{{\"TargetBucket\":\"{}\",\"TargetPrefix\":\"{name}/\"}}}}'",
                    self.access_log_bucket
                )],
            },
            "S3.13" => Decision {
                could_break: if b.lifecycle_rules.is_empty() {
                    "nothing: a rule that only aborts multipart uploads left incomplete for 7 \
                     days deletes no object"
                        .into()
                } else {
                    format!(
                        "the bucket has lifecycle rules ({}): a new configuration replaces \
                         them, so add the rule to them, do not overwrite them",
                        b.lifecycle_rules
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
                console: console("Management > Lifecycle rules > Create lifecycle rule"),
                cli: vec![format!(
                    "aws s3api put-bucket-lifecycle-configuration --bucket {name} \
                     --lifecycle-configuration '{{\"Rules\":[{{\"ID\":\"abort-incomplete-uploads\",\
                     \"Status\":\"Enabled\",\"Filter\":{{}},\"AbortIncompleteMultipartUpload\":\
                     {{\"DaysAfterInitiation\":7}}}}]}}' (with the bucket's other rules)"
                )],
            },
            "S3.6" => Decision {
                could_break: "principals of other accounts the policy lets administer the bucket \
                              lose that access"
                    .into(),
                console: console("Permissions > Bucket policy > Edit"),
                cli: vec![format!(
                    "aws s3api get-bucket-policy --bucket {name}; remove the statements that \
                     allow other accounts s3:DeleteBucketPolicy, s3:PutBucketAcl, \
                     s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl; \
                     aws s3api put-bucket-policy --bucket {name} --policy file://policy.json"
                )],
            },
            _ => return None,
        })
    }
}

/// Whether the bucket is the tool's: one of the baseline's names, or tagged by the tool.
fn is_tools(b: &Bucket, own: &BTreeSet<String>) -> bool {
    own.contains(&b.name) || b.tags.get(MANAGED_TAG.0).map(String::as_str) == Some(MANAGED_TAG.1)
}

/// The interfaces of `vpc` that use the security group `group_id`.
fn users_of_group(vpc: &Vpc, group_id: &str) -> Vec<String> {
    vpc.network_interfaces
        .iter()
        .filter(|e| e.may_use_group(group_id))
        .map(|e| e.network_interface_id.clone())
        .collect()
}

/// The `--ip-permissions` of one rule, for the AWS CLI.
fn ip_permissions(r: &NetworkRule) -> String {
    let range = if r.source.contains(':') {
        format!("Ipv6Ranges=[{{CidrIpv6={}}}]", r.source)
    } else if r.source.starts_with("sg-") {
        format!("UserIdGroupPairs=[{{GroupId={}}}]", r.source)
    } else {
        format!("IpRanges=[{{CidrIp={}}}]", r.source)
    };
    match (r.from_port, r.to_port) {
        (Some(a), Some(b)) => format!("IpProtocol={},FromPort={a},ToPort={b},{range}", r.protocol),
        _ => format!("IpProtocol={},{range}", r.protocol),
    }
}

/// The decision for an EC2 control failing on `id` (a resource of `vpc` in `region`).
fn ec2_decision(control: &str, region: &str, vpc: &Vpc, id: &str) -> Option<Decision> {
    let vpc_id = &vpc.vpc_id;
    let enis = |list: &[String]| {
        if list.is_empty() {
            "no network interface uses it now".to_string()
        } else {
            format!("network interfaces {} use it", list.join(", "))
        }
    };
    Some(match control {
        "EC2.2" => {
            let sg = vpc.security_groups.iter().find(|g| g.group_id == id)?;
            let users = users_of_group(vpc, id);
            let mut cli = Vec::new();
            for r in &sg.ingress {
                cli.push(format!(
                    "aws ec2 revoke-security-group-ingress --region {region} --group-id {id} \
                     --ip-permissions '{}'",
                    ip_permissions(r)
                ));
            }
            for r in &sg.egress {
                cli.push(format!(
                    "aws ec2 revoke-security-group-egress --region {region} --group-id {id} \
                     --ip-permissions '{}'",
                    ip_permissions(r)
                ));
            }
            Decision {
                could_break: format!(
                    "{}: removing the default group's rules cuts the traffic they allow \
                     between its members and out of them; move the workloads to their own \
                     groups first",
                    enis(&users)
                ),
                console: format!(
                    "VPC console ({region}) > Security groups > {id} > Inbound rules and \
                     Outbound rules > Edit > Delete every rule"
                ),
                cli,
            }
        }
        "EC2.18" | "EC2.19" => {
            let sg = vpc.security_groups.iter().find(|g| g.group_id == id)?;
            let open: Vec<&NetworkRule> = sg.ingress.iter().filter(|r| r.from_anywhere()).collect();
            let users = users_of_group(vpc, id);
            Decision {
                could_break: format!(
                    "{}: removing {} stops the internet reaching them on those ports; \
                     narrow the source to the addresses that need it instead",
                    enis(&users),
                    open.iter()
                        .map(|r| r.describe())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                console: format!(
                    "VPC console ({region}) > Security groups > {id} > Inbound rules > Edit"
                ),
                cli: open
                    .iter()
                    .map(|r| {
                        format!(
                            "aws ec2 revoke-security-group-ingress --region {region} \
                             --group-id {id} --ip-permissions '{}'",
                            ip_permissions(r)
                        )
                    })
                    .collect(),
            }
        }
        "EC2.21" => Decision {
            could_break: format!(
                "the network ACL allows SSH/RDP from the internet to the subnets of {vpc_id}: \
                 denying it stops remote administration over the internet of instances there \
                 (use Session Manager instead)"
            ),
            console: format!(
                "VPC console ({region}) > Network ACLs > {id} > Inbound rules > Edit: add \
                 Deny rules for TCP 22 and 3389 from 0.0.0.0/0 and ::/0 numbered before the allow"
            ),
            cli: vec![
                format!(
                    "aws ec2 create-network-acl-entry --region {region} --network-acl-id {id} \
                     --ingress --rule-number 10 --protocol tcp --port-range From=22,To=22 \
                     --cidr-block 0.0.0.0/0 --rule-action deny"
                ),
                format!(
                    "aws ec2 create-network-acl-entry --region {region} --network-acl-id {id} \
                     --ingress --rule-number 11 --protocol tcp --port-range From=3389,To=3389 \
                     --cidr-block 0.0.0.0/0 --rule-action deny"
                ),
            ],
        },
        "EC2.15" => {
            let public: Vec<String> = vpc
                .network_interfaces
                .iter()
                .filter(|e| e.may_be_in_subnet(id) && e.has_public_ip != Some(false))
                .map(|e| e.network_interface_id.clone())
                .collect();
            Decision {
                could_break: if public.is_empty() {
                    format!(
                        "instances launched later in {id} get no public IPv4 address and reach \
                         the internet only through a NAT or an endpoint"
                    )
                } else {
                    format!(
                        "network interfaces {} in {id} have public addresses: workloads \
                         launched there expect one, and without it they cannot be reached \
                         from the internet",
                        public.join(", ")
                    )
                },
                console: format!(
                    "VPC console ({region}) > Subnets > {id} > Actions > Edit subnet settings > \
                     clear Enable auto-assign public IPv4 address"
                ),
                cli: vec![format!(
                    "aws ec2 modify-subnet-attribute --region {region} --subnet-id {id} \
                     --no-map-public-ip-on-launch"
                )],
            }
        }
        "EC2.6" => Decision {
            could_break: format!(
                "nothing stops working; a flow log of rejected traffic costs its delivery and \
                 storage (CloudWatch vended logs or S3), by the traffic of {vpc_id}"
            ),
            console: format!(
                "VPC console ({region}) > Your VPCs > {vpc_id} > Flow logs > Create flow log \
                 (filter Reject)"
            ),
            cli: vec![format!(
                "aws ec2 create-flow-logs --region {region} --resource-type VPC --resource-ids \
                 {vpc_id} --traffic-type REJECT --log-destination-type s3 --log-destination \
                 arn:aws:s3:::<a log bucket>"
            )],
        },
        "EC2.10" | "EC2.55" | "EC2.56" | "EC2.57" | "EC2.58" | "EC2.60" => {
            let suffix = crate::evaluate::VPC_ENDPOINT_SERVICES
                .iter()
                .find(|(c, _)| *c == control)
                .map(|(_, s)| *s)?;
            let service = format!("com.amazonaws.{region}.{suffix}");
            Decision {
                could_break: format!(
                    "an interface endpoint with private DNS sends every call to {service} \
                     from {vpc_id} through it: its security group must admit HTTPS from the \
                     workloads or their calls fail; it costs about 7.30 USD a month per \
                     Availability Zone, plus data processed"
                ),
                console: format!(
                    "VPC console ({region}) > Endpoints > Create endpoint > AWS services > \
                     {service} > VPC {vpc_id}"
                ),
                cli: vec![format!(
                    "aws ec2 create-vpc-endpoint --region {region} --vpc-id {vpc_id} \
                     --vpc-endpoint-type Interface --service-name {service} --subnet-ids \
                     <one subnet per Availability Zone> --private-dns-enabled"
                )],
            }
        }
        _ => return None,
    })
}

/// The decision for a control this module has no specific change for: the control's own
/// remediation in the Security Hub controls reference.
fn generic(control: &str) -> Decision {
    let service = control.split('.').next().unwrap_or(control).to_lowercase();
    let anchor = control.to_lowercase().replace('.', "-");
    Decision {
        could_break: "the tool cannot prove the change safe for the resource's users".into(),
        console: format!(
            "Security Hub console > Controls > {control} > the failed finding > Remediation \
             (https://docs.aws.amazon.com/securityhub/latest/userguide/{service}-controls.html#{anchor})"
        ),
        cli: Vec::new(),
    }
}
