//! Fault injection: seeded and reproducible throttling, access denied and crashes.

use super::*;

/// A fixed sequence of writes, each retried until it succeeds (at most 20 attempts).
async fn workload(sim: Simulator) -> Simulator {
    let mut h = H::new(sim);
    let actions: Vec<(&str, Action)> = vec![
        (HOME, enable_hub()),
        ("eu-west-1", enable_hub()),
        (HOME, create_detector(vec![feature("S3_DATA_EVENTS")])),
        (GLOBAL, slr_config()),
        (HOME, create_bucket(LOG_BUCKET)),
        (
            HOME,
            put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
        ),
        (HOME, put_recorder("default")),
        (HOME, put_channel(LOG_BUCKET)),
        (HOME, create_trail(TRAIL, LOG_BUCKET, "", false)),
        (
            HOME,
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
        ),
    ];
    for (region, action) in actions {
        for _ in 0..20 {
            if h.run(region, action.clone()).await.is_ok() {
                break;
            }
        }
    }
    h.sim
}

#[tokio::test(start_paused = true)]
async fn same_seed_same_write_log() {
    let plan = |seed| FaultPlan {
        write_throttle_probability: 0.4,
        consistency_lag: 2,
        ..FaultPlan::seeded(seed)
    };
    let a = workload(Simulator::scenario("fresh").unwrap().with_faults(plan(7))).await;
    let b = workload(Simulator::scenario("fresh").unwrap().with_faults(plan(7))).await;
    let c = workload(Simulator::scenario("fresh").unwrap().with_faults(plan(8))).await;
    assert_eq!(a.write_log(), b.write_log());
    assert_ne!(a.write_log(), c.write_log());
    assert!(
        a.write_log()
            .iter()
            .any(|r| r.outcome == Err("TooManyRequestsException".into()))
    );
    // Every run converges to the same account.
    assert_eq!(a.account(), c.account());
    assert_eq!(a.calls().write, a.write_log().len() as u64);
}

#[tokio::test(start_paused = true)]
async fn throttling_is_bounded() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            write_throttle_probability: 1.0,
            max_throttles: 3,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    for expected in [
        "RequestLimitExceeded",
        "RequestLimitExceeded",
        "RequestLimitExceeded",
    ] {
        h.code(
            HOME,
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
            expected,
        )
        .await;
    }
    h.ok(
        HOME,
        Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
    )
    .await;
    h.ok(GLOBAL, slr_config()).await;
}

#[tokio::test(start_paused = true)]
async fn throttling_uses_the_services_codes() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            write_throttle_probability: 1.0,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    h.code(GLOBAL, slr_config(), "Throttling").await;
    h.code(HOME, create_bucket(LOG_BUCKET), "SlowDown").await;
    h.code(
        HOME,
        create_key(root_only_key_policy()),
        "ThrottlingException",
    )
    .await;
    h.code(HOME, enable_hub(), "TooManyRequestsException").await;
}

#[tokio::test(start_paused = true)]
async fn access_denied_names_the_iam_action() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            deny_actions: ["create_detector".to_string(), "delete_vpc".to_string()].into(),
            deny_reads: [
                "guardduty".to_string(),
                "global/users".to_string(),
                format!("{HOME}/snapshot_block_public_access"),
            ]
            .into(),
            ..FaultPlan::default()
        });
    let mut h = H::new(sim);
    let e = h
        .code(HOME, create_detector(vec![]), "AccessDeniedException")
        .await;
    assert!(
        e.message.starts_with(
            "User: arn:aws:iam::123456789012:user/op is not authorized to perform: \
             guardduty:CreateDetector"
        ),
        "{e}"
    );
    let v = default_vpc(&h, HOME);
    let e = h
        .code(
            HOME,
            Action::DeleteVpc(ec2::DeleteVpc { vpc_id: v.vpc_id }),
            "UnauthorizedOperation",
        )
        .await;
    assert!(e.message.contains("ec2:DeleteVpc"), "{e}");
    let snap = secure_account_engine::read_snapshot(
        &h.sim,
        secure_account_engine::DEFAULT_READ_CONCURRENCY,
    )
    .await
    .unwrap();
    let e = snap.regions[HOME].services.guardduty.read_error().unwrap();
    assert_eq!(e.code, "AccessDeniedException");
    assert!(e.message.contains("guardduty:ListDetectors"), "{e}");
    // Denied in one region, the snapshot block public access state alone is unread there.
    let services = &snap.regions[HOME].services;
    let e = services.snapshot_block_public_access.read_error().unwrap();
    assert_eq!(e.code, "UnauthorizedOperation");
    assert!(
        e.message.contains("ec2:GetSnapshotBlockPublicAccessState"),
        "{e}"
    );
    assert!(services.ebs.known().is_some());
    assert!(
        snap.regions["eu-west-1"]
            .services
            .snapshot_block_public_access
            .known()
            .is_some()
    );
    assert!(
        snap.global
            .users
            .read_error()
            .unwrap()
            .message
            .contains("iam:ListUsers")
    );
    assert!(snap.global.roles.known().is_some());
    assert!(snap.regions[HOME].services.config.known().is_some());
}

#[tokio::test(start_paused = true)]
async fn crash_stops_every_later_call_and_keeps_the_state() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            crash_after_writes: Some(2),
            ..FaultPlan::default()
        });
    let mut h = H::new(sim);
    h.ok(HOME, enable_hub()).await;
    h.ok("eu-west-1", enable_hub()).await;
    let r = h.run("eu-west-2", enable_hub()).await;
    assert_eq!(r.unwrap_err(), PortError::Crashed);
    assert_eq!(
        secure_account_engine::read_snapshot(
            &h.sim,
            secure_account_engine::DEFAULT_READ_CONCURRENCY
        )
        .await
        .unwrap_err(),
        PortError::Crashed
    );
    assert_eq!(h.sim.write_log().len(), 2);
    assert_eq!(h.sim.calls().write, 2);
    // The state so far is kept; a new process continues from it.
    let mut again = H::new(Simulator::from_state_json(&h.sim.to_state_json()).unwrap());
    again
        .code(HOME, enable_hub(), "ResourceConflictException")
        .await;
    again.ok("eu-west-2", enable_hub()).await;
    let hubs = again
        .sim
        .account()
        .enabled_regions()
        .filter(|(_, r)| r.services.security_hub.known().unwrap().is_some())
        .count();
    assert_eq!(hubs, 3);
}

/// Issue 8, item 3: with the log bucket's public access block denied, neither the trail
/// nor any Config delivery channel is created against that bucket: they wait for the block
/// and the policy, and do not run.
#[tokio::test(start_paused = true)]
async fn logs_never_go_to_a_log_bucket_whose_block_failed() {
    use secure_account_core::planner::MANAGED_TAG;
    let mut account = Simulator::scenario("fresh").unwrap().account();
    let log = "cloudtrail-logs-123456789012";
    let mut own = secure_account_core::snapshot::s3::new_bucket(log, HOME);
    own.tags = [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into();
    own.public_access_block = None;
    account.global.buckets.known_mut().unwrap().push(own);
    let sim = Simulator::from_snapshot(account).with_faults(FaultPlan {
        deny_actions: ["put_public_access_block".to_string()].into(),
        ..FaultPlan::default()
    });
    let (_, report) = secure_account_engine::flow::converge(
        &sim,
        &secure_account_core::Baseline::fsbp(),
        &secure_account_engine::ApplyOptions::default(),
    )
    .await
    .unwrap();
    let mut gated = 0;
    for r in &report.results {
        if matches!(
            r.action.as_deref(),
            Some("create_trail" | "put_delivery_channel")
        ) {
            assert_eq!(
                r.status,
                secure_account_engine::ActionStatus::NotRun,
                "{r:?}"
            );
            gated += 1;
        }
    }
    assert!(gated > 2, "{:#?}", report.results);
    let after = sim.account();
    for (name, region) in after.enabled_regions() {
        let s = &region.services;
        assert!(s.trails.known().unwrap().is_empty(), "{name}");
        assert!(
            s.config.known().unwrap().delivery_channels.is_empty(),
            "{name}"
        );
    }
}
