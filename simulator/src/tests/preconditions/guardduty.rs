//! GuardDuty's preconditions and error codes.

use secure_account_core::action::guardduty;

use super::*;

#[tokio::test(start_paused = true)]
async fn guardduty_errors() {
    let mut h = H::lived_in();
    let e = h
        .code(HOME, create_detector(vec![]), "BadRequestException")
        .await;
    assert_eq!(
        e.message,
        "The request is rejected because a detector already exists for the current account."
    );
    let update = |id: &str| {
        Action::UpdateDetector(guardduty::UpdateDetector {
            detector_id: id.into(),
            enable: true,
            finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
            features: vec![feature("EKS_AUDIT_LOGS")],
        })
    };
    h.code(
        HOME,
        update("0123456789abcdef0123456789abcdef"),
        "BadRequestException",
    )
    .await;
    let id = h
        .services(HOME)
        .guardduty
        .known()
        .unwrap()
        .clone()
        .unwrap()
        .detector_id;
    h.ok(HOME, update(&id)).await;
    h.code(
        "eu-west-1",
        create_detector(vec![
            feature("RUNTIME_MONITORING"),
            feature("EKS_RUNTIME_MONITORING"),
        ]),
        "BadRequestException",
    )
    .await;
    h.code(
        "eu-west-1",
        create_detector(vec![feature("NOT_A_FEATURE")]),
        "BadRequestException",
    )
    .await;
    h.ok(
        "eu-west-1",
        create_detector(vec![DetectorFeature {
            name: "RUNTIME_MONITORING".into(),
            status: "ENABLED".into(),
            additional_configuration: vec![("EC2_AGENT_MANAGEMENT".into(), "ENABLED".into())],
        }]),
    )
    .await;
}
