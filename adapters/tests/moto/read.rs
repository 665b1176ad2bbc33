//! Reading a fresh and a lived-in account on moto.

use std::time::Instant;

use secure_account_core::action::{ec2, iam};
use secure_account_core::{Action, Baseline, Observed, Part, Scope};
use secure_account_engine::{DEFAULT_READ_CONCURRENCY, Port, read_snapshot};

use super::*;

pub(crate) async fn a_fresh_account_reads_every_part_known_or_unreadable(endpoint: String) {
    let (config, account_id) = own_account(&endpoint, 1).await;
    let port = adapters(&config, &endpoint);
    let started = Instant::now();
    let snapshot = read_snapshot(&port, DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    let wall = started.elapsed();
    let calls = port.calls().read;
    eprintln!(
        "2-region snapshot on moto: {calls} read calls in {} ms",
        wall.as_millis()
    );
    assert_eq!(snapshot.account_id, account_id);
    assert_eq!(
        snapshot.regions.keys().collect::<Vec<_>>(),
        [OTHER, HOME],
        "only the regions asked for"
    );
    let unreadable = unreadable_parts(&snapshot);
    eprintln!("unreadable on moto: {unreadable:#?}");
    // moto has no IAM Access Analyzer at all.
    for region in [HOME, OTHER] {
        let e = snapshot.regions[region]
            .services
            .analyzers
            .read_error()
            .expect("moto has no Access Analyzer");
        assert_eq!(e.code, "secure-account:NotImplemented", "{e}");
        assert!(e.message.contains("access-analyzer:ListAnalyzers"), "{e}");
        // moto lacks `GetSnapshotBlockPublicAccessState`: only that part is unreadable,
        // the EBS part (default encryption, public snapshots) is read.
        let s = &snapshot.regions[region].services;
        let e = s
            .snapshot_block_public_access
            .read_error()
            .expect("moto lacks GetSnapshotBlockPublicAccessState");
        assert_eq!(e.code, "secure-account:NotImplemented", "{e}");
        assert!(
            e.message.contains("ec2:GetSnapshotBlockPublicAccessState"),
            "{e}"
        );
        // (moto lists its built-in AMIs' snapshots whatever the owner filter says, so the
        // public snapshots are not checked here.)
        let ebs = s.ebs.known().expect("moto serves the EBS reads");
        assert!(!ebs.encryption_by_default, "{region}");
    }
    // What moto serves reads as a fresh account: no password policy, a default VPC in
    // every region, no trail, no detector, Security Hub off.
    assert_eq!(snapshot.global.password_policy, Observed::Known(None));
    for region in [HOME, OTHER] {
        let s = &snapshot.regions[region].services;
        let vpcs = s.vpcs.known().expect("moto serves the VPC describes");
        assert!(vpcs.iter().any(|v| v.is_default), "{region}: a default VPC");
        assert_eq!(s.guardduty, Observed::Known(None));
        assert_eq!(s.trails, Observed::Known(vec![]));
        assert_eq!(s.security_hub, Observed::Known(None));
    }
    assert!(calls > 0);
    assert!(wall < Duration::from_secs(60), "the read took {wall:?}");
}

pub(crate) async fn round_trip_a_lived_in_account(endpoint: String) {
    let (config, account_id) = own_account(&endpoint, 2).await;

    let LivedIn {
        default_vpc,
        eni,
        custom_vpc,
        detector,
        trail_bucket,
        public_bucket,
        key,
    } = lived_in(&config, &account_id).await;

    // Read it back.
    let port = adapters(&config, &endpoint);
    let snapshot = read_snapshot(&port, DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    eprintln!("unreadable on moto: {:#?}", unreadable_parts(&snapshot));
    let home = &snapshot.regions[HOME].services;

    let vpcs = home.vpcs.known().expect("VPCs readable");
    let d = vpcs.iter().find(|v| v.vpc_id == default_vpc).unwrap();
    assert!(d.is_default);
    assert!(
        d.network_interfaces
            .iter()
            .any(|n| n.network_interface_id == eni && n.description == "a workload"),
        "{d:#?}"
    );
    let c = vpcs.iter().find(|v| v.vpc_id == custom_vpc).unwrap();
    assert!(!c.is_default);
    assert_eq!(c.cidr_block, "10.20.0.0/16");

    let policy = snapshot
        .global
        .password_policy
        .known()
        .and_then(Option::as_ref)
        .expect("the password policy is read");
    assert_eq!(policy.minimum_password_length, 20);
    assert!(policy.require_symbols && policy.allow_users_to_change_password);

    let gd = home
        .guardduty
        .known()
        .and_then(Option::as_ref)
        .expect("the detector is read");
    assert_eq!(gd.detector_id, detector);
    assert!(gd.enabled);

    let trails = home.trails.known().expect("trails readable");
    let trail = trails.iter().find(|t| t.name == "customer-trail").unwrap();
    assert_eq!(trail.kms_key_id, None);
    assert_eq!(trail.s3_bucket_name, trail_bucket);
    assert!(trail.is_multi_region_trail);
    assert!(trail.is_logging);
    // A multi-region trail is read in its home region only.
    assert_eq!(
        snapshot.regions[OTHER].services.trails,
        Observed::Known(vec![])
    );

    let buckets = snapshot.global.buckets.known().expect("buckets readable");
    let site = buckets.iter().find(|b| b.name == public_bucket).unwrap();
    assert_eq!(site.region, HOME);
    assert!(
        site.policy
            .as_deref()
            .is_some_and(|p| p.contains("\"Principal\":\"*\"")),
        "{site:#?}"
    );
    assert!(buckets.iter().any(|b| b.name == trail_bucket));

    let users = snapshot.global.users.known().expect("users readable");
    assert_eq!(
        users,
        &[secure_account_core::snapshot::IamUser {
            name: "alice".into(),
            console_password: true,
            mfa_devices: 0,
            active_access_keys: 1,
        }]
    );
    let roles = snapshot.global.roles.known().expect("roles readable");
    let trail_role = roles.iter().find(|r| r.name == "trail-logs").unwrap();
    assert!(
        trail_role
            .trusted_services
            .contains("cloudtrail.amazonaws.com")
    );
    assert_eq!(
        trail_role
            .inline_policies
            .get("to-logs")
            .map(String::as_str),
        Some(
            r#"{"Statement":[{"Action":"logs:PutLogEvents","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#
        )
    );
    // moto spells it `AWSServiceRoleForconfig`: found by its path and service.
    assert!(
        roles
            .iter()
            .any(|r| r.path == "/aws-service-role/config.amazonaws.com/"
                && r.trusted_services.contains("config.amazonaws.com")),
        "{roles:#?}"
    );
    let keys = home.kms_keys.known().expect("keys readable");
    let k = keys.iter().find(|k| k.key_id == key).unwrap();
    assert_eq!(k.aliases, ["alias/customer"]);
    assert!(k.rotation_enabled);
    assert_eq!(
        k.key_state,
        secure_account_core::snapshot::KeyState::Enabled
    );
    assert!(k.policy.contains("kms:*"), "{}", k.policy);
    let groups = home.log_groups.known().expect("log groups readable");
    assert!(
        groups
            .iter()
            .any(|g| g.name == "app" && g.retention_in_days == Some(30))
    );
    let config_service = home.config.known().expect("config readable");
    assert_eq!(config_service.recorders.len(), 1);
    assert!(config_service.recorders[0].recording && config_service.recorders[0].all_supported);
    assert_eq!(
        config_service.delivery_channels[0].s3_bucket_name,
        trail_bucket
    );
    assert_eq!(
        snapshot
            .global
            .security_contact
            .known()
            .and_then(Option::as_ref)
            .map(|c| c.email_address.as_str()),
        Some("security@example.com")
    );
    // moto enables Security Hub but has none of its standards APIs.
    let hub = home
        .security_hub
        .read_error()
        .expect("moto lacks GetEnabledStandards");
    assert_eq!(hub.code, "secure-account:NotImplemented", "{hub}");
    assert!(
        hub.message.contains("securityhub:GetEnabledStandards"),
        "{hub}"
    );

    // The plan keeps the in-use default VPC and the stronger password policy, and does
    // not block public access account-wide while the site bucket is public.
    let mut baseline = Baseline::built_in("fsbp").unwrap();
    baseline.home_region = HOME.into();
    baseline.regions.include = vec![HOME.into(), OTHER.into()];
    let plan = secure_account_core::plan(&snapshot, &baseline);
    for a in &plan.actions {
        if let Action::DeleteVpc(ec2::DeleteVpc { vpc_id }) = &a.op {
            assert_ne!(vpc_id, &default_vpc, "the in-use default VPC is deleted");
        }
        if let Action::UpdateAccountPasswordPolicy(iam::UpdateAccountPasswordPolicy(p)) = &a.op {
            assert!(
                p.minimum_password_length >= 20,
                "weakened to {}",
                p.minimum_password_length
            );
        }
        assert_ne!(a.op.name(), "put_account_public_access_block");
    }
    assert!(
        plan.skipped
            .iter()
            .any(|s| s.detail.contains(&default_vpc) || s.id.contains(&default_vpc)),
        "the default VPC in use is listed as skipped: {:#?}",
        plan.skipped
    );
}

pub(crate) async fn account_public_access_block_through_the_fixed_s3_control_endpoint(
    endpoint: String,
) {
    let (config, account_id) = own_account(&endpoint, 3).await;
    let port = adapters(&config, &endpoint);
    let before = port
        .read_part(&Scope::Account, Part::AccountPublicAccessBlock)
        .await
        .unwrap();
    assert_eq!(
        before,
        secure_account_core::PartValue::AccountPublicAccessBlock(None)
    );
    port.clients()
        .s3control(HOME)
        .put_public_access_block()
        .account_id(&account_id)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let after = port
        .read_part(&Scope::Account, Part::AccountPublicAccessBlock)
        .await
        .unwrap();
    assert_eq!(
        after,
        secure_account_core::PartValue::AccountPublicAccessBlock(Some(
            secure_account_core::snapshot::PublicAccessBlock::ALL
        ))
    );
}
