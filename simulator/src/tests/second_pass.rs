//! Issue 19, the second pass over AWS's behaviour, as the simulator plays it: GuardDuty's
//! default-on features, idempotency tokens, the trail key in its bucket's region, Macie's
//! propagation right after `EnableMacie`, the account's one finding aggregator, and
//! Inspector's `ENABLE_IN_PROGRESS`.

use secure_account_core::action::{inspector, macie};
use secure_account_core::part::{Part, PartValue};

use super::*;

fn detector(h: &H, region: &str) -> secure_account_core::snapshot::Detector {
    h.services(region)
        .guardduty
        .known()
        .cloned()
        .flatten()
        .expect("a detector")
}

/// `CreateDetector` turns on every feature the request leaves out, but Runtime
/// Monitoring; a feature sent `DISABLED` stays off.
#[tokio::test(start_paused = true)]
async fn create_detector_turns_on_what_the_request_leaves_out() {
    let mut h = H::fresh();
    h.ok(HOME, create_detector(vec![feature("S3_DATA_EVENTS")]))
        .await;
    let d = detector(&h, HOME);
    for f in [
        "S3_DATA_EVENTS",
        "EKS_AUDIT_LOGS",
        "EBS_MALWARE_PROTECTION",
        "RDS_LOGIN_EVENTS",
        "LAMBDA_NETWORK_LOGS",
    ] {
        assert_eq!(d.features.get(f), Some(&true), "{f}: {:?}", d.features);
    }
    assert_ne!(d.features.get("RUNTIME_MONITORING"), Some(&true));

    let off = |name: &str| DetectorFeature {
        status: "DISABLED".into(),
        ..feature(name)
    };
    h.ok(
        "eu-west-1",
        create_detector(vec![
            feature("S3_DATA_EVENTS"),
            feature("EKS_AUDIT_LOGS"),
            feature("EBS_MALWARE_PROTECTION"),
            off("RDS_LOGIN_EVENTS"),
            off("LAMBDA_NETWORK_LOGS"),
        ]),
    )
    .await;
    let d = detector(&h, "eu-west-1");
    assert_eq!(d.features.get("RDS_LOGIN_EVENTS"), Some(&false));
    assert_eq!(d.features.get("LAMBDA_NETWORK_LOGS"), Some(&false));
    assert_eq!(d.features.get("S3_DATA_EVENTS"), Some(&true));
}

/// The same idempotency token sent again (the same action id of the same account and
/// region: a call sent again after a timeout) answers as the first call did and makes
/// nothing more; another action's token meets AWS's refusal of a second detector.
#[tokio::test(start_paused = true)]
async fn a_create_sent_again_with_its_token_makes_nothing_more() {
    let sim = Simulator::scenario("fresh").unwrap();
    let action = create_detector(vec![feature("S3_DATA_EVENTS")]);
    let id = format!("{HOME}/create_detector");
    let outputs = Outputs::default();
    sim.execute(&HOME.into(), &id, &action, &outputs)
        .await
        .unwrap();
    let first = sim.account().regions[HOME].services.guardduty.clone();
    sim.execute(&HOME.into(), &id, &action, &outputs)
        .await
        .expect("the same token answers as the first call");
    assert_eq!(sim.account().regions[HOME].services.guardduty, first);
    let other = format!("{HOME}/create_detector/again");
    match sim.execute(&HOME.into(), &other, &action, &outputs).await {
        Err(PortError::Aws(e)) => assert_eq!(e.code, "BadRequestException", "{e}"),
        other => panic!("{other:?}"),
    }
}

/// CloudTrail wants the trail's key in the region of its bucket: a key of the trail's
/// region is refused (`KmsKeyNotFoundException`) when the bucket is elsewhere; the key of
/// the bucket's region, named by its ARN, is taken.
#[tokio::test(start_paused = true)]
async fn the_trail_key_must_be_in_the_buckets_region() {
    let mut h = H::fresh();
    let elsewhere = "eu-west-1";
    h.ok(elsewhere, create_bucket_in(elsewhere, LOG_BUCKET))
        .await;
    h.ok(
        elsewhere,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    let home_key = h.ok(HOME, create_key(trail_key_policy())).await.unwrap();
    let e = h
        .code(
            HOME,
            create_trail(TRAIL, LOG_BUCKET, &home_key, false),
            "KmsKeyNotFoundException",
        )
        .await;
    assert!(e.message.contains(elsewhere), "{e}");
    let key = h
        .ok(elsewhere, create_key(trail_key_policy()))
        .await
        .unwrap();
    h.ok(
        HOME,
        create_trail(
            TRAIL,
            LOG_BUCKET,
            &format!("arn:aws:kms:{elsewhere}:{ACCT}:key/{key}"),
            false,
        ),
    )
    .await;
}

/// Right after `EnableMacie`, Macie's settings answer `AccessDeniedException` "Macie is
/// not enabled" for as long as the fault plan's consistency lag, then succeed.
#[tokio::test(start_paused = true)]
async fn macie_settings_answer_not_enabled_right_after_enable_macie() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            consistency_lag: 2,
            ..FaultPlan::seeded(5)
        });
    let mut h = H::new(sim);
    h.ok(
        HOME,
        Action::EnableMacie(macie::EnableMacie {
            finding_publishing_frequency: "SIX_HOURS".into(),
        }),
    )
    .await;
    let discovery = || {
        Action::UpdateAutomatedDiscoveryConfiguration(
            macie::UpdateAutomatedDiscoveryConfiguration {
                status: "ENABLED".into(),
            },
        )
    };
    for _ in 0..2 {
        let e = h.code(HOME, discovery(), "AccessDeniedException").await;
        assert!(e.message.contains("Macie is not enabled"), "{e}");
    }
    h.ok(HOME, discovery()).await;
}

/// Security Hub allows one finding aggregator per account, and every region's
/// `ListFindingAggregators` lists it: the home region's read names its region.
#[tokio::test(start_paused = true)]
async fn the_finding_aggregator_is_listed_in_every_region() {
    let mut h = H::fresh();
    let elsewhere = "eu-west-1";
    h.ok(HOME, enable_hub()).await;
    h.ok(elsewhere, enable_hub()).await;
    h.ok(
        elsewhere,
        Action::CreateFindingAggregator(securityhub::CreateFindingAggregator {
            region_linking_mode: "ALL_REGIONS".into(),
        }),
    )
    .await;
    let hub = match h.sim.read_part(&HOME.into(), Part::SecurityHub).await {
        Ok(PartValue::SecurityHub(Some(hub))) => hub,
        other => panic!("{other:?}"),
    };
    assert_eq!(hub.finding_aggregator, None);
    assert_eq!(hub.finding_aggregator_region.as_deref(), Some(elsewhere));
}

/// `Enable` for a type still `ENABLING` answers HTTP 200 with the account in
/// `failedAccounts`, `ENABLE_IN_PROGRESS`: where it is heading, which the engine reads
/// as progress.
#[tokio::test(start_paused = true)]
async fn inspector_enable_while_enabling_answers_enable_in_progress() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(LatencyModel {
            inspector_enabled: Duration::from_secs(60),
            ..LatencyModel::zero()
        });
    let mut h = H::new(sim);
    let enable = || {
        Action::EnableInspector(inspector::EnableInspector {
            resource_types: vec!["EC2".into()],
        })
    };
    let out = h.run(HOME, enable()).await.unwrap();
    assert!(out.unprocessed.is_empty(), "{:?}", out.unprocessed);
    let out = h.run(HOME, enable()).await.unwrap();
    let codes: Vec<&str> = out
        .unprocessed
        .iter()
        .map(|u| u.error.code.as_str())
        .collect();
    assert_eq!(codes, ["ENABLE_IN_PROGRESS"]);
}
