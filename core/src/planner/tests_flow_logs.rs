//! Unit tests of the flow logs on the VPCs the plan keeps (issue 20: EC2.6).

use super::*;
use crate::action::{ec2, s3};
use crate::evaluate::fixture;
use crate::snapshot::{NetworkInterface, Vpc};

const REGION: &str = "us-east-1";

fn baselined() -> Snapshot {
    serde_json::from_str(include_str!(
        "../../../golden/fully_baselined_account/snapshot.json"
    ))
    .expect("the golden snapshot parses")
}

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
