//! Writes the input snapshots of the golden cases (`golden/<case>/snapshot.json`).
//!
//! The inputs are committed and reviewed like code; this program only documents and
//! reproduces how they were made. Run it after a deliberate change to the scenarios or the
//! snapshot format, then review `cargo insta review`:
//!
//! ```text
//! cargo run -p secure-account-tests --example make_golden
//! ```

use std::path::Path;

use secure_account_core::snapshot::*;
use secure_account_core::{Baseline, effects};
use secure_account_simulator::Simulator;

fn fresh() -> Snapshot {
    Simulator::scenario("fresh").expect("built-in").account()
}

fn region<'a>(s: &'a mut Snapshot, r: &str) -> &'a mut RegionServices {
    &mut s.regions.get_mut(r).expect("region exists").services
}

fn default_vpc<'a>(s: &'a mut Snapshot, r: &str) -> &'a mut Vpc {
    region(s, r)
        .vpcs
        .known_mut()
        .and_then(|v| v.iter_mut().find(|v| v.is_default))
        .expect("default VPC")
}

fn denied<T>(action: &str) -> Observed<T> {
    Observed::Unreadable {
        read_error: AwsError::new(
            "AccessDenied",
            format!(
                "User: arn:aws:iam::123456789012:user/operator is not authorized to perform: {action}"
            ),
        ),
    }
}

fn write(case: &str, snapshot: &Snapshot, baseline: Option<&str>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(case);
    std::fs::create_dir_all(&dir).expect("create case folder");
    let json = serde_json::to_string_pretty(snapshot).expect("serialise") + "\n";
    std::fs::write(dir.join("snapshot.json"), json).expect("write snapshot");
    if let Some(b) = baseline {
        std::fs::write(dir.join("baseline.toml"), b).expect("write baseline");
    }
    println!("wrote golden/{case}");
}

fn main() {
    // A new account: 17 default regions, default VPCs, nothing else.
    write("fresh_account_17_regions", &fresh(), None);

    // The fresh account after the fsbp baseline: the plan must be empty.
    let f = fresh();
    let plan = secure_account_core::plan(&f, &Baseline::fsbp());
    write(
        "fully_baselined_account",
        &effects::predict(&f, &plan.actions),
        None,
    );

    // Instances in two default VPCs; a customer security group in a third.
    let mut s = fresh();
    for (r, enis) in [
        (
            "us-east-1",
            &["eni-0a11c0ffee0000001", "eni-0a11c0ffee0000002"][..],
        ),
        ("eu-west-1", &["eni-0b22c0ffee0000001"][..]),
    ] {
        let vpc = default_vpc(&mut s, r);
        for id in enis {
            vpc.network_interfaces.push(NetworkInterface {
                network_interface_id: id.to_string(),
                description: "Primary network interface".into(),
                subnet_id: None,
                ..Default::default()
            });
        }
    }
    let vpc = default_vpc(&mut s, "ap-northeast-1");
    vpc.security_groups.push(SecurityGroup {
        group_id: "sg-0customer00000001".into(),
        group_name: "web".into(),
        ingress: vec![],
        egress: vec![],
    });
    write("default_vpc_in_use_is_kept", &s, None);

    // Existing resources to adopt: a detector, a trail of another name, a weak password
    // policy, the log bucket already there with public access.
    let mut s = fresh();
    region(&mut s, "us-east-1").guardduty = Observed::Known(Some(Detector {
        detector_id: "4ab6e6c3f0a1d2b3c4d5e6f7a8b9c0d1".into(),
        enabled: true,
        finding_publishing_frequency: "SIX_HOURS".into(),
        features: [
            ("S3_DATA_EVENTS".to_string(), true),
            ("EKS_AUDIT_LOGS".to_string(), false),
        ]
        .into(),
    }));
    region(&mut s, "eu-west-1").trails = Observed::Known(vec![Trail {
        name: "org-audit".into(),
        home_region: "eu-west-1".into(),
        s3_bucket_name: "acme-audit-logs".into(),
        is_multi_region_trail: false,
        include_global_service_events: true,
        log_file_validation_enabled: false,
        kms_key_id: None,
        is_logging: true,
        management_events: Some("All".into()),
        ..Trail::default()
    }]);
    s.global.password_policy = Observed::Known(Some(PasswordPolicy {
        minimum_password_length: 8,
        require_symbols: false,
        require_numbers: true,
        require_uppercase_characters: false,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: None,
        password_reuse_prevention: None,
        hard_expiry: false,
    }));
    let buckets = s.global.buckets.known_mut().expect("known");
    // The trail's own bucket, with the policy CloudTrail needed to log there.
    buckets.push(Bucket {
        name: "acme-audit-logs".into(),
        region: "eu-west-1".into(),
        public_access_block: Some(PublicAccessBlock::ALL),
        object_ownership: Some("BucketOwnerEnforced".into()),
        encryption: Some("AES256".into()),
        policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::acme-audit-logs"},{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-audit-logs/AWSLogs/123456789012/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}"#.into()),
        ..Bucket::default()
    });
    buckets.push(Bucket {
        name: "cloudtrail-logs-123456789012".into(),
        region: "us-east-1".into(),
        public_access_block: None,
        object_ownership: Some("ObjectWriter".into()),
        encryption: None,
        versioning: Some(VersioningStatus::Suspended),
        policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::cloudtrail-logs-123456789012/*"}]}"#.into()),
        // The tool created it in an earlier run (its tag says so); the customer then
        // changed it and let a partner read it.
        tags: [(
            secure_account_core::planner::MANAGED_TAG.0.to_string(),
            secure_account_core::planner::MANAGED_TAG.1.to_string(),
        )]
        .into(),
        ..Bucket::default()
    });
    write("existing_resources_adopted", &s, None);

    // Settings already stricter than the baseline.
    let mut s = fresh();
    s.global.password_policy = Observed::Known(Some(PasswordPolicy {
        minimum_password_length: 32,
        require_symbols: true,
        require_numbers: true,
        require_uppercase_characters: true,
        require_lowercase_characters: true,
        allow_users_to_change_password: true,
        max_password_age: Some(30),
        password_reuse_prevention: Some(24),
        hard_expiry: true,
    }));
    for wg in region(&mut s, "us-east-1")
        .athena_workgroups
        .known_mut()
        .expect("known")
    {
        wg.encryption_option = Some("SSE_KMS".into());
        wg.enforce_work_group_configuration = true;
        wg.output_location = Some("s3://acme-athena-results/".into());
    }
    s.global.account_public_access_block = Observed::Known(Some(PublicAccessBlock::ALL));
    write("stronger_settings_kept", &s, None);

    // One opt-in region enabled (planned like the others), the rest not (skipped).
    let mut s = fresh();
    let template = s.regions["eu-west-3"].services.clone();
    let af = s
        .regions
        .get_mut("af-south-1")
        .expect("opt-in region listed");
    af.opt_in_status = OptInStatus::OptedIn;
    af.services = template;
    write("opt_in_region_not_enabled", &s, None);

    // The seed's own scope on a fresh account.
    write(
        "seed_2024_08_baseline",
        &fresh(),
        Some(
            "# The seed's scope (2024-08 service description): its services and names;\n# controls added after 2024-08 stay disabled as not yet reviewed.\nextends = \"seed-2024-08\"\n",
        ),
    );

    // Reads that failed: nothing may be planned from what was not seen.
    let mut s = fresh();
    s.global.buckets = denied("s3:ListAllMyBuckets");
    s.global.roles = denied("iam:ListRoles");
    region(&mut s, "eu-west-1").guardduty = denied("guardduty:ListDetectors");
    region(&mut s, "us-west-2").vpcs = denied("ec2:DescribeVpcs");
    region(&mut s, "ap-south-1").security_hub = denied("securityhub:DescribeHub");
    write("failed_reads_plan_nothing_blind", &s, None);
}
