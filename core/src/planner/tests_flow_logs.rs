//! Unit tests of the flow logs on the VPCs the plan keeps (issue 20: EC2.6).

use super::tests::baselined;
use super::*;
use crate::action::{ec2, s3};
use crate::evaluate::fixture;
use crate::snapshot::{NetworkInterface, Vpc};

const REGION: &str = "us-east-1";

fn with_vpcs(vpcs: Vec<Vpc>) -> Snapshot {
    let mut s = baselined();
    s.regions
        .get_mut(REGION)
        .unwrap()
        .services
        .vpcs
        .known_mut()
        .unwrap()
        .extend(vpcs);
    s
}

fn in_use(mut vpc: Vpc) -> Vpc {
    vpc.network_interfaces = vec![NetworkInterface {
        network_interface_id: "eni-1".into(),
        description: "Primary network interface".into(),
        subnet_id: None,
        security_groups: None,
        has_public_ip: None,
    }];
    vpc
}

fn customer_vpc(id: &str) -> Vpc {
    let mut vpc = fixture::default_vpc();
    vpc.vpc_id = id.into();
    vpc.is_default = false;
    vpc
}

fn flow_logs(p: &Plan) -> Vec<(&str, &ec2::CreateFlowLogs)> {
    p.actions
        .iter()
        .filter_map(|a| match &a.op {
            Action::CreateFlowLogs(f) => Some((a.id.as_str(), f)),
            _ => None,
        })
        .collect()
}

/// A default VPC in use and the customer's own VPC each get a flow log of rejected
/// traffic into the log bucket; a VPC that has one, and a default VPC the plan deletes,
/// get none.
#[test]
fn kept_vpcs_without_a_flow_log_get_one_into_the_log_bucket() {
    let mut logged = customer_vpc("vpc-logged");
    logged.flow_logs = vec!["fl-1".into()];
    let s = with_vpcs(vec![
        in_use(fixture::default_vpc()),
        customer_vpc("vpc-app"),
        logged,
    ]);
    let p = plan(&s, &Baseline::fsbp());
    let got = flow_logs(&p);
    let ids: Vec<&str> = got.iter().map(|(id, _)| *id).collect();
    let default_id = fixture::default_vpc().vpc_id;
    assert_eq!(
        ids,
        [
            format!("{REGION}/create_flow_logs/{default_id}").as_str(),
            "us-east-1/create_flow_logs/vpc-app"
        ]
    );
    for (_, f) in &got {
        assert_eq!(f.traffic_type, "REJECT");
        assert_eq!(
            f.log_destination,
            format!("arn:aws:s3:::{}", log_bucket(&s))
        );
    }
    // The log bucket lets log delivery write, for this account only.
    let policy = bucket_policy(&p).expect("the log bucket's policy gains the delivery grant");
    assert!(policy.contains("delivery.logs.amazonaws.com"), "{policy}");
    assert!(
        policy.contains(&format!("arn:aws:logs:*:{}:*", s.account_id)),
        "{policy}"
    );
    // The plan's effect leaves nothing to do: EC2.6 passes in the region.
    assert!(p.score_predicted.percent >= p.score_now.percent);
    let after = crate::effects::predict(&s, &p.actions);
    assert!(flow_logs(&plan(&after, &Baseline::fsbp())).is_empty());
}

/// A default VPC without interfaces is deleted, not logged; with the switch off, or an
/// exception on EC2.6, nothing is planned and the bucket policy is left as it is.
#[test]
fn deleted_vpcs_the_switch_and_exceptions_plan_no_flow_log() {
    let s = with_vpcs(vec![fixture::default_vpc()]);
    let p = plan(&s, &Baseline::fsbp());
    assert!(flow_logs(&p).is_empty(), "{:?}", p.actions);
    assert!(bucket_policy(&p).is_none());

    let s = with_vpcs(vec![customer_vpc("vpc-app")]);
    let mut b = Baseline::fsbp();
    b.features.flow_logs_on_vpcs = false;
    let p = plan(&s, &b);
    assert!(flow_logs(&p).is_empty());
    assert!(bucket_policy(&p).is_none());

    let mut b = Baseline::fsbp();
    b.exceptions = vec![crate::baseline::Exception {
        control: "EC2.6".into(),
        resource: Some("vpc-app".into()),
        reason: "no flow logs for the lab".into(),
        owner: "net".into(),
        until: "2099-01-01".into(),
    }];
    assert!(flow_logs(&plan(&s, &b)).is_empty());
}

fn log_bucket(s: &Snapshot) -> String {
    Names::fill(&Baseline::fsbp().names.log_bucket, &s.account_id)
}

fn bucket_policy(p: &Plan) -> Option<&str> {
    p.actions.iter().find_map(|a| match &a.op {
        Action::PutBucketPolicy(s3::PutBucketPolicy { policy, .. }) => Some(policy.as_str()),
        _ => None,
    })
}

/// S3.9 on the customer's buckets: one in the access-log bucket's region that logs
/// nowhere logs into it, and the access-log bucket's policy names it as a source; one in
/// another region, one that logs elsewhere, and one an exception accepts are left alone;
/// with the switch off nothing changes.
#[test]
fn customer_buckets_of_the_access_log_region_log_into_it() {
    let mut s = baselined();
    let mut quiet = fixture::bucket("acme-archive");
    quiet.logging_target = None;
    let mut far = fixture::bucket("acme-tokyo");
    far.logging_target = None;
    far.region = "ap-northeast-1".into();
    let elsewhere = fixture::bucket("acme-logged");
    let mut accepted = fixture::bucket("acme-scratch");
    accepted.logging_target = None;
    s.global
        .buckets
        .known_mut()
        .unwrap()
        .extend([quiet, far, elsewhere, accepted]);
    let mut b = Baseline::fsbp();
    b.exceptions = vec![crate::baseline::Exception {
        control: "S3.9".into(),
        resource: Some("acme-scratch".into()),
        reason: "scratch space".into(),
        owner: "data".into(),
        until: "2099-01-01".into(),
    }];
    let access = Names::fill(&b.names.access_log_bucket, &s.account_id);
    let p = plan(&s, &b);
    let logging: Vec<(&str, &s3::PutBucketLogging)> = p
        .actions
        .iter()
        .filter_map(|a| match &a.op {
            Action::PutBucketLogging(l) => Some((a.id.as_str(), l)),
            _ => None,
        })
        .collect();
    assert_eq!(logging.len(), 1, "{logging:?}");
    let (id, l) = logging[0];
    assert_eq!(id, "us-east-1/put_bucket_logging/acme-archive");
    assert_eq!(l.target_bucket, access);
    assert_eq!(l.target_prefix, "acme-archive/");
    let policy = p
        .actions
        .iter()
        .find_map(|a| match &a.op {
            Action::PutBucketPolicy(s3::PutBucketPolicy { bucket, policy })
                if *bucket == access =>
            {
                Some(policy.as_str())
            }
            _ => None,
        })
        .expect("the access-log bucket's policy names the new source");
    assert!(policy.contains("arn:aws:s3:::acme-archive"), "{policy}");
    assert!(!policy.contains("acme-tokyo"), "{policy}");
    // Once applied, nothing is left to do.
    let after = crate::effects::predict(&s, &p.actions);
    assert!(
        plan(&after, &b).actions.is_empty(),
        "{:?}",
        plan(&after, &b).actions
    );

    b.features.access_logging_on_customer_buckets = false;
    assert!(plan(&s, &b).actions.is_empty());
}
