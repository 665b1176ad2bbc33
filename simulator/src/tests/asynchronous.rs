//! What AWS does later or only in part: standards subscriptions that stay `PENDING`,
//! Inspector resource types that stay `ENABLING`, new buckets that answer `OperationAborted`, a VPC not deletable at once after its subnets and
//! gateway went, and HTTP 200 answers with failures.

use secure_account_core::Catalog;
use secure_account_core::action::{ec2, inspector, s3, securityhub};
use secure_account_core::snapshot::{
    Inspector, InspectorReadiness, InspectorResourceState, InspectorStatus, NOT_READY_FOR_UPDATES,
    StandardReadiness,
};

use super::*;

fn subscribe(region: &str) -> Action {
    Action::BatchEnableStandards(securityhub::BatchEnableStandards {
        standards_arn: fsbp_standards_arn(region),
    })
}

fn disable(region: &str, control: &str) -> Action {
    Action::BatchUpdateStandardsControlAssociations(
        securityhub::BatchUpdateStandardsControlAssociations {
            standards_arn: fsbp_standards_arn(region),
            updates: vec![ControlAssociationUpdate {
                security_control_id: control.into(),
                association_status: "DISABLED".into(),
                updated_reason: Some("test".into()),
            }],
        },
    )
}

fn hub(h: &H, region: &str) -> secure_account_core::snapshot::SecurityHub {
    h.services(region)
        .security_hub
        .known()
        .cloned()
        .flatten()
        .expect("hub enabled")
}

fn with_ready_after(secs: u64) -> LatencyModel {
    LatencyModel {
        standard_ready: Duration::from_secs(secs),
        ..LatencyModel::zero()
    }
}

/// A region with a hub and a Config recorder, ready to subscribe.
async fn hub_and_recorder(h: &mut H, region: &str) {
    h.ok(GLOBAL, slr_config()).await;
    h.ok(region, put_recorder("default")).await;
    h.ok(region, enable_hub()).await;
}

#[tokio::test(start_paused = true)]
async fn a_subscription_is_pending_then_ready() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_ready_after(60));
    let mut h = H::new(sim);
    hub_and_recorder(&mut h, HOME).await;
    h.ok(HOME, subscribe(HOME)).await;
    let arn = fsbp_standards_arn(HOME);
    let pending = hub(&h, HOME);
    assert_eq!(pending.standards[&arn], "PENDING");
    assert_eq!(pending.controls_updatable[&arn], NOT_READY_FOR_UPDATES);
    assert_eq!(pending.readiness(&arn), StandardReadiness::Pending);
    // Updates fail as AWS answers them while NOT_READY_FOR_UPDATES.
    let e = h
        .code(HOME, disable(HOME, "EC2.172"), "RESOURCE_NOT_FOUND")
        .await;
    assert!(e.message.contains("NOT_READY_FOR_UPDATES"), "{e}");
    tokio::time::sleep(Duration::from_secs(59)).await;
    h.code(HOME, disable(HOME, "EC2.172"), "RESOURCE_NOT_FOUND")
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    h.ok(HOME, disable(HOME, "EC2.172")).await;
    let ready = hub(&h, HOME);
    assert_eq!(ready.standards[&arn], "READY");
    assert!(ready.controls_updatable.is_empty());
    assert_eq!(ready.readiness(&arn), StandardReadiness::Ready);
}

#[tokio::test(start_paused = true)]
async fn a_read_shows_the_pending_subscription_and_its_end() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_ready_after(30));
    let mut h = H::new(sim);
    hub_and_recorder(&mut h, HOME).await;
    h.ok(HOME, subscribe(HOME)).await;
    let arn = fsbp_standards_arn(HOME);
    assert_eq!(read_hub(&h.sim).await.standards[&arn], "PENDING");
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(read_hub(&h.sim).await.standards[&arn], "READY");
}

async fn read_hub(sim: &Simulator) -> secure_account_core::snapshot::SecurityHub {
    match sim.read_part(&HOME.into(), Part::SecurityHub).await {
        Ok(PartValue::SecurityHub(Some(hub))) => hub,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn without_a_recorder_the_subscription_ends_incomplete() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_ready_after(10));
    let mut h = H::new(sim);
    h.ok(HOME, enable_hub()).await;
    h.ok(HOME, subscribe(HOME)).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    // Any call lets the simulator see the time pass.
    h.ok(HOME, slr_config_in_global_is_elsewhere()).await;
    let arn = fsbp_standards_arn(HOME);
    let hub = hub(&h, HOME);
    assert_eq!(hub.standards[&arn], "INCOMPLETE");
    assert_eq!(
        hub.readiness(&arn),
        StandardReadiness::Ended {
            status: "INCOMPLETE".into(),
            reason: "NO_AVAILABLE_CONFIGURATION_RECORDER".into(),
        }
    );
}

/// A harmless regional call.
fn slr_config_in_global_is_elsewhere() -> Action {
    Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {})
}

#[tokio::test(start_paused = true)]
async fn a_failed_standards_region_ends_failed() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            failed_standards: [HOME.to_string()].into(),
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    hub_and_recorder(&mut h, HOME).await;
    h.ok(HOME, subscribe(HOME)).await;
    let arn = fsbp_standards_arn(HOME);
    assert_eq!(
        hub(&h, HOME).readiness(&arn),
        StandardReadiness::Ended {
            status: "FAILED".into(),
            reason: "INTERNAL_ERROR".into(),
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_pending_deadline_survives_save_and_load() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_ready_after(60));
    let mut h = H::new(sim);
    hub_and_recorder(&mut h, HOME).await;
    h.ok(HOME, subscribe(HOME)).await;
    tokio::time::sleep(Duration::from_secs(20)).await;
    let saved = h.sim.to_state_json();
    assert!(saved.contains("\"ready_at_ms\": 40000"), "{saved}");
    // A new process: its clock starts again; 40 s are still to wait.
    let loaded = Simulator::from_state_json(&saved).unwrap();
    let mut h2 = H::new(loaded);
    h2.code(HOME, disable(HOME, "EC2.172"), "RESOURCE_NOT_FOUND")
        .await;
    tokio::time::sleep(Duration::from_secs(40)).await;
    h2.ok(HOME, disable(HOME, "EC2.172")).await;
}

#[tokio::test(start_paused = true)]
async fn newer_standard_subscribes_controls_the_catalog_lacks() {
    let mut h = H::new(Simulator::scenario("newer-standard").unwrap());
    hub_and_recorder(&mut h, HOME).await;
    h.ok(HOME, subscribe(HOME)).await;
    let subscribed = hub(&h, HOME);
    for id in NEWER_FSBP_CONTROLS {
        assert!(Catalog::builtin().get(id).is_none(), "{id}");
        assert!(subscribed.fsbp_controls[id].enabled, "{id}");
    }
    // Kept across save and load (hidden state).
    let again = Simulator::from_state_json(&h.sim.to_state_json()).unwrap();
    let mut h2 = H::new(again);
    h2.ok("eu-west-1", enable_hub()).await;
    h2.ok("eu-west-1", put_recorder("default")).await;
    h2.ok("eu-west-1", subscribe("eu-west-1")).await;
    assert!(
        hub(&h2, "eu-west-1")
            .fsbp_controls
            .contains_key("Bedrock.1")
    );
}

#[tokio::test(start_paused = true)]
async fn a_new_bucket_answers_operation_aborted() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            bucket_conflict_lag: 2,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    h.ok(HOME, create_bucket("b-1")).await;
    let versioning = Action::PutBucketVersioning(s3::PutBucketVersioning {
        bucket: "b-1".into(),
        status: VersioningStatus::Enabled,
    });
    for _ in 0..2 {
        let e = h.code(HOME, versioning.clone(), "OperationAborted").await;
        assert!(e.message.contains("conflicting conditional operation"));
    }
    h.ok(HOME, versioning).await;
}

#[tokio::test(start_paused = true)]
async fn delete_vpc_answers_dependency_violation_right_after_its_subnets_went() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            vpc_teardown_lag: 2,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    let region = "eu-west-3";
    let v = default_vpc(&h, region);
    h.ok(
        region,
        Action::DetachInternetGateway(ec2::DetachInternetGateway {
            internet_gateway_id: v.internet_gateways[0].clone(),
            vpc_id: v.vpc_id.clone(),
        }),
    )
    .await;
    h.ok(
        region,
        Action::DeleteInternetGateway(ec2::DeleteInternetGateway {
            internet_gateway_id: v.internet_gateways[0].clone(),
        }),
    )
    .await;
    for s in &v.subnets {
        h.ok(
            region,
            Action::DeleteSubnet(ec2::DeleteSubnet {
                subnet_id: s.subnet_id.clone(),
            }),
        )
        .await;
    }
    let delete_vpc = Action::DeleteVpc(ec2::DeleteVpc {
        vpc_id: v.vpc_id.clone(),
    });
    for _ in 0..2 {
        h.code(region, delete_vpc.clone(), "DependencyViolation")
            .await;
    }
    h.ok(region, delete_vpc).await;
}

#[tokio::test(start_paused = true)]
async fn control_updates_answer_200_with_unprocessed_updates() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            partial_failures: 1,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    hub_and_recorder(&mut h, HOME).await;
    h.ok(HOME, subscribe(HOME)).await;
    let two = Action::BatchUpdateStandardsControlAssociations(
        securityhub::BatchUpdateStandardsControlAssociations {
            standards_arn: fsbp_standards_arn(HOME),
            updates: ["EC2.172", "Nope.1"]
                .into_iter()
                .map(|c| ControlAssociationUpdate {
                    security_control_id: c.into(),
                    association_status: "DISABLED".into(),
                    updated_reason: Some("test".into()),
                })
                .collect(),
        },
    );
    let out = h.run(HOME, two.clone()).await.expect("HTTP 200");
    let codes: Vec<_> = out
        .unprocessed
        .iter()
        .map(|u| (u.id.as_str(), u.error.code.as_str()))
        .collect();
    // The first update was refused (the injected LIMIT_EXCEEDED); a control the region's
    // standard does not have comes back NOT_FOUND.
    assert_eq!(
        codes,
        [
            ("EC2.172", "LIMIT_EXCEEDED"),
            ("Nope.1", "RESOURCE_NOT_FOUND")
        ]
    );
    assert!(hub(&h, HOME).fsbp_controls["EC2.172"].enabled);
    assert!(!hub(&h, HOME).fsbp_controls.contains_key("Nope.1"));
    // The fault is spent: the next call processes EC2.172.
    let out = h.run(HOME, two).await.unwrap();
    assert_eq!(out.unprocessed.len(), 1);
    assert!(!hub(&h, HOME).fsbp_controls["EC2.172"].enabled);
}

#[tokio::test(start_paused = true)]
async fn inspector_answers_200_with_failed_accounts() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            partial_failures: 1,
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    let enable = Action::EnableInspector(inspector::EnableInspector {
        resource_types: vec!["EC2".into()],
    });
    let out = h.run(HOME, enable.clone()).await.expect("HTTP 200");
    assert_eq!(out.unprocessed.len(), 1);
    assert_eq!(out.unprocessed[0].id, ACCT);
    assert_eq!(out.unprocessed[0].error.code, "INTERNAL_ERROR");
    assert!(!h.services(HOME).inspector.known().unwrap().ec2);
    let out = h.run(HOME, enable).await.unwrap();
    assert!(out.unprocessed.is_empty());
    assert!(h.services(HOME).inspector.known().unwrap().ec2);
}

// ---- Inspector: ENABLING, then ENABLED ------------------------------------------------

fn enable_inspector(types: &[&str]) -> Action {
    Action::EnableInspector(inspector::EnableInspector {
        resource_types: types.iter().map(|t| t.to_string()).collect(),
    })
}

fn with_inspector_after(secs: u64) -> LatencyModel {
    LatencyModel {
        inspector_enabled: Duration::from_secs(secs),
        ..LatencyModel::zero()
    }
}

async fn read_inspector(sim: &Simulator, region: &str) -> Inspector {
    match sim.read_part(&region.into(), Part::Inspector).await {
        Ok(PartValue::Inspector(i)) => i,
        other => panic!("{other:?}"),
    }
}

fn asked(types: &[&str]) -> Vec<String> {
    types.iter().map(|t| t.to_string()).collect()
}

#[tokio::test(start_paused = true)]
async fn inspector_types_are_enabling_then_enabled() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_inspector_after(30));
    let mut h = H::new(sim);
    let all = ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"];
    h.ok(HOME, enable_inspector(&all)).await;
    let enabling = read_inspector(&h.sim, HOME).await;
    assert_eq!(
        enabling.readiness(&asked(&all)),
        InspectorReadiness::InTransition
    );
    for t in all {
        assert!(!enabling.scans(t), "{t}");
        assert_eq!(
            enabling.resource_states[t],
            InspectorResourceState::new(InspectorStatus::Enabling)
        );
    }
    // The snapshot JSON says so.
    let json = serde_json::to_value(&enabling).unwrap();
    assert_eq!(json["resource_states"]["EC2"]["status"], "ENABLING");
    // Enabling again meanwhile keeps the deadline.
    tokio::time::sleep(Duration::from_secs(20)).await;
    h.ok(HOME, enable_inspector(&["EC2"])).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let enabled = read_inspector(&h.sim, HOME).await;
    assert_eq!(enabled.readiness(&asked(&all)), InspectorReadiness::Enabled);
    assert!(enabled.resource_states.is_empty());
    assert!(enabled.ec2 && enabled.ecr && enabled.lambda && enabled.lambda_code);
    // The steady state's JSON is as before: no `resource_states`.
    let json = serde_json::to_value(&enabled).unwrap();
    assert!(json.get("resource_states").is_none(), "{json}");
    // A type already on is not enabling again.
    h.ok(HOME, enable_inspector(&["EC2"])).await;
    assert!(read_inspector(&h.sim, HOME).await.scans("EC2"));
}

#[tokio::test(start_paused = true)]
async fn inspector_with_lambda_enabling_takes_lambda_code() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_inspector_after(30));
    let mut h = H::new(sim);
    h.ok(HOME, enable_inspector(&["LAMBDA"])).await;
    h.ok(HOME, enable_inspector(&["LAMBDA_CODE"])).await;
}

#[tokio::test(start_paused = true)]
async fn a_failed_inspector_region_ends_disabled_with_an_error_code() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_inspector_after(5))
        .with_faults(FaultPlan {
            failed_inspector: [HOME.to_string()].into(),
            ..FaultPlan::seeded(1)
        });
    let mut h = H::new(sim);
    h.ok(HOME, enable_inspector(&["EC2", "ECR"])).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let i = read_inspector(&h.sim, HOME).await;
    match i.readiness(&asked(&["EC2", "ECR"])) {
        InspectorReadiness::Ended {
            resource_type,
            state,
        } => {
            assert_eq!(resource_type, "EC2");
            assert_eq!(state.status, InspectorStatus::Disabled);
            assert_eq!(state.error_code.as_deref(), Some("INTERNAL_ERROR"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_inspector_deadline_survives_save_and_load() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(with_inspector_after(30));
    let mut h = H::new(sim);
    h.ok(HOME, enable_inspector(&["EC2"])).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let saved = h.sim.to_state_json();
    assert!(saved.contains("\"ready_at_ms\": 20000"), "{saved}");
    let loaded = Simulator::from_state_json(&saved).unwrap();
    assert!(!read_inspector(&loaded, HOME).await.scans("EC2"));
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert!(read_inspector(&loaded, HOME).await.scans("EC2"));
    // Nothing pending: the saved state has no `pending_inspector` at all.
    assert!(!loaded.to_state_json().contains("pending_inspector"));
}

/// With the zero latency model, types are `ENABLED` when `enable_inspector` answers.
#[tokio::test(start_paused = true)]
async fn without_latency_inspector_is_enabled_at_once() {
    let mut h = H::new(Simulator::scenario("fresh").unwrap());
    h.ok(HOME, enable_inspector(&["EC2"])).await;
    assert!(read_inspector(&h.sim, HOME).await.scans("EC2"));
}
