//! Readiness waits: a standards subscription and Inspector's resource types, read until
//! ready with backoff; AWS's own failure ends the wait with its code; a permanent read error
//! ends it at once; the progress display hears each wait start, poll and end.

use secure_account_core::action::{inspector, securityhub};
use secure_account_core::catalog::fsbp_standards_arn;
use secure_account_core::snapshot::{
    Inspector, InspectorResourceState, InspectorStatus, SecurityHub,
};

use super::*;

const REGION: &str = "us-east-1";

fn enable_inspector(types: &[&str]) -> PlannedAction {
    action_with(
        "us-east-1/enable_inspector",
        &[],
        Action::EnableInspector(inspector::EnableInspector {
            resource_types: types.iter().map(|t| t.to_string()).collect(),
        }),
    )
}

fn subscribe() -> PlannedAction {
    action_with(
        "us-east-1/batch_enable_standards",
        &[],
        Action::BatchEnableStandards(securityhub::BatchEnableStandards {
            standards_arn: fsbp_standards_arn(REGION),
        }),
    )
}

/// Inspector with `enabled` types `ENABLED` and the others in `state`.
fn inspector(enabled: &[&str], others: &[(&str, InspectorResourceState)]) -> PartValue {
    let mut i = Inspector::default();
    for t in enabled {
        i.set_scans(t, true);
    }
    for (t, s) in others {
        i.resource_states.insert(t.to_string(), s.clone());
    }
    PartValue::Inspector(i)
}

fn enabling() -> InspectorResourceState {
    InspectorResourceState::new(InspectorStatus::Enabling)
}

fn read_error(code: &str) -> Result<PartValue, PortError> {
    Err(PortError::Aws(AwsError::new(
        code,
        format!("{code} message"),
    )))
}

/// Runs `plan` and returns the report with the events as text, in order.
async fn run_with_events(port: &FakePort, plan: &Plan) -> (ApplyReport, Vec<String>) {
    let mut events = Vec::new();
    let report = apply(port, plan, &ApplyOptions::default(), &mut |e| {
        events.push(match e {
            ProgressEvent::RoundStarted { round, .. } => format!("round {round}"),
            ProgressEvent::Started { action } => format!("started {}", action.id),
            ProgressEvent::Waiting { action, what } => format!("waiting {} for {what}", action.id),
            ProgressEvent::StillWaiting { waited, .. } => format!("still {} s", waited.as_secs()),
            ProgressEvent::Waited { waited, ready, .. } => {
                format!("waited {} s ready {ready}", waited.as_secs())
            }
            ProgressEvent::Finished { action, result } => {
                format!("finished {} {:?}", action.id, result.status)
            }
            ProgressEvent::Retrying { .. } => "retrying".into(),
            ProgressEvent::Interrupted { by } => format!("interrupted ({by:?})"),
        })
    })
    .await;
    (report, events)
}

#[tokio::test(start_paused = true)]
async fn enable_inspector_is_done_once_every_type_it_asked_for_is_enabled() {
    let port = FakePort::new().reads(
        Part::Inspector,
        vec![
            Ok(inspector(&[], &[("EC2", enabling()), ("ECR", enabling())])),
            Ok(inspector(&["EC2"], &[("ECR", enabling())])),
            Ok(inspector(&["EC2", "ECR"], &[])),
        ],
    );
    let plan = plan_of(vec![enable_inspector(&["EC2", "ECR"])]);
    let (report, events) = run_with_events(&port, &plan).await;
    assert_eq!(
        status_of(&report, "us-east-1/enable_inspector"),
        ActionStatus::Applied
    );
    // Three reads of 100 ms with 1 s then 2 s between them, after the 100 ms call.
    assert_eq!(
        events,
        [
            "started us-east-1/enable_inspector",
            "waiting us-east-1/enable_inspector for Inspector EC2, ECR to be ENABLED",
            "still 0 s",
            "still 1 s",
            "waited 3 s ready true",
            "finished us-east-1/enable_inspector Applied",
        ]
    );
    let wait = report.api_calls.inspector_wait;
    assert_eq!((wait.polls, wait.waited_ms), (3, 3_000));
    // The longest wait, first poll to end: the three reads and the two pauses.
    assert_eq!(wait.longest_ms, 3_300);
    assert_eq!(report.api_calls.standard_wait, WaitStats::default());
    assert_eq!(report.api_calls.retries, 0);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["api_calls"]["inspector_wait"]["polls"], 3);
}

#[tokio::test(start_paused = true)]
async fn an_inspector_type_that_ends_disabled_fails_with_aws_error_code() {
    let failed = InspectorResourceState {
        status: InspectorStatus::Disabled,
        error_code: Some("SSM_UNAVAILABLE".into()),
        error_message: Some("SSM is not available in this Region".into()),
    };
    let port = FakePort::new().reads(
        Part::Inspector,
        vec![
            Ok(inspector(
                &[],
                &[("EC2", enabling()), ("LAMBDA", enabling())],
            )),
            Ok(inspector(&["LAMBDA"], &[("EC2", failed)])),
        ],
    );
    let plan = plan_of(vec![enable_inspector(&["EC2", "LAMBDA"])]);
    let (report, events) = run_with_events(&port, &plan).await;
    let r = result_of(&report, "us-east-1/enable_inspector");
    assert_eq!(r.status, ActionStatus::Failed);
    let e = r.error.as_ref().unwrap();
    assert_eq!(e.code, "SSM_UNAVAILABLE");
    assert_eq!(
        e.message,
        "Inspector EC2 scanning ended DISABLED (SSM_UNAVAILABLE: SSM is not available in this \
         Region)"
    );
    assert!(
        events.contains(&"waited 1 s ready false".to_string()),
        "{events:?}"
    );

    // SUSPENDED without an errorCode: the status is the code.
    let suspended = InspectorResourceState::new(InspectorStatus::Suspended);
    let port = FakePort::new().reads(
        Part::Inspector,
        vec![Ok(inspector(&[], &[("ECR", suspended)]))],
    );
    let report = run(
        &port,
        &plan_of(vec![enable_inspector(&["ECR"])]),
        &ApplyOptions::default(),
    )
    .await;
    let e = result_of(&report, "us-east-1/enable_inspector")
        .error
        .clone()
        .unwrap();
    assert_eq!(e.code, "SUSPENDED");
}

/// An endpoint that does not serve `BatchGetAccountStatus` (moto answers without an error
/// code, which the adapters report as `NotImplemented`) or a denied read: the action fails
/// at once, not after the 10-minute budget.
#[tokio::test(start_paused = true)]
async fn a_permanent_read_error_fails_the_inspector_wait_at_once() {
    for code in ["secure-account:NotImplemented", "AccessDeniedException"] {
        let port = FakePort::new().reads(Part::Inspector, vec![read_error(code)]);
        let plan = plan_of(vec![enable_inspector(&["EC2"])]);
        let report = run(&port, &plan, &ApplyOptions::default()).await;
        let r = result_of(&report, "us-east-1/enable_inspector");
        assert_eq!(r.status, ActionStatus::Failed);
        assert_eq!(r.error.as_ref().unwrap().code, code);
        assert_eq!(report.api_calls.inspector_wait.polls, 1);
        assert!(
            port.sleeps.borrow().is_empty(),
            "no pause: {:?}",
            port.sleeps
        );
        assert_eq!(port.elapsed(), LATENCY * 2, "the call and one read");
    }
}

#[tokio::test(start_paused = true)]
async fn a_permanent_read_error_fails_the_standard_wait_at_once() {
    for code in ["secure-account:NotImplemented", "AccessDeniedException"] {
        let port = FakePort::new().reads(Part::SecurityHub, vec![read_error(code)]);
        let report = run(&port, &plan_of(vec![subscribe()]), &ApplyOptions::default()).await;
        let r = result_of(&report, "us-east-1/batch_enable_standards");
        assert_eq!(r.status, ActionStatus::Failed);
        assert_eq!(r.error.as_ref().unwrap().code, code);
        assert_eq!(report.api_calls.standard_wait.polls, 1);
        assert!(
            port.sleeps.borrow().is_empty(),
            "no pause: {:?}",
            port.sleeps
        );
        assert_eq!(port.elapsed(), LATENCY * 2, "the call and one read");
    }
}

/// Throttled reads are polls like the others: read again within the budget.
#[tokio::test(start_paused = true)]
async fn throttled_reads_are_read_again() {
    let port = FakePort::new().reads(
        Part::Inspector,
        vec![
            read_error("ThrottlingException"),
            read_error("ThrottlingException"),
            Ok(inspector(&["EC2"], &[])),
        ],
    );
    let report = run(
        &port,
        &plan_of(vec![enable_inspector(&["EC2"])]),
        &ApplyOptions::default(),
    )
    .await;
    assert_eq!(
        status_of(&report, "us-east-1/enable_inspector"),
        ActionStatus::Applied
    );
    assert_eq!(report.api_calls.inspector_wait.polls, 3);

    let mut hub = SecurityHub::default();
    hub.standards
        .insert(fsbp_standards_arn(REGION), "READY".into());
    let port = FakePort::new().reads(
        Part::SecurityHub,
        vec![
            read_error("TooManyRequestsException"),
            Ok(PartValue::SecurityHub(Some(hub))),
        ],
    );
    let report = run(&port, &plan_of(vec![subscribe()]), &ApplyOptions::default()).await;
    assert_eq!(
        status_of(&report, "us-east-1/batch_enable_standards"),
        ActionStatus::Applied
    );
    assert_eq!(report.api_calls.standard_wait.polls, 2);
}

/// A type Inspector keeps showing as a plain `DISABLED` (no `errorCode`) fails after the
/// grace period, well within the budget.
#[tokio::test(start_paused = true)]
async fn a_type_that_never_starts_enabling_fails_after_the_grace() {
    let port = FakePort::new().reads(Part::Inspector, vec![Ok(inspector(&["EC2"], &[]))]);
    let report = run(
        &port,
        &plan_of(vec![enable_inspector(&["EC2", "ECR"])]),
        &ApplyOptions::default(),
    )
    .await;
    let e = result_of(&report, "us-east-1/enable_inspector")
        .error
        .clone()
        .unwrap();
    assert_eq!(e.code, "secure-account:InspectorNotStarted");
    assert!(e.message.contains("ECR scanning DISABLED"), "{e}");
    let elapsed = port.elapsed();
    assert!(
        elapsed >= crate::wait::INSPECTOR_NOT_STARTED_GRACE && elapsed < Duration::from_secs(60),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_type_still_enabling_after_the_budget_fails() {
    let port = FakePort::new().reads(
        Part::Inspector,
        vec![Ok(inspector(&[], &[("EC2", enabling())]))],
    );
    let options = ApplyOptions {
        readiness: ReadinessWait {
            budget: Duration::from_secs(20),
            ..ReadinessWait::default()
        },
        ..ApplyOptions::default()
    };
    let report = run(&port, &plan_of(vec![enable_inspector(&["EC2"])]), &options).await;
    let e = result_of(&report, "us-east-1/enable_inspector")
        .error
        .clone()
        .unwrap();
    assert_eq!(e.code, "secure-account:InspectorNotEnabled");
    assert_eq!(report.api_calls.inspector_wait.waited_ms, 20_000);
}

/// `failedAccounts` in the 200 answer fails the action before any wait.
#[tokio::test(start_paused = true)]
async fn failed_accounts_fail_before_the_wait() {
    let failed = Ok(ActionOutput {
        unprocessed: vec![Unprocessed {
            id: "123456789012".into(),
            error: AwsError::new("ACCESS_DENIED", "no"),
        }],
        ..ActionOutput::default()
    });
    let port = FakePort::new().answers("us-east-1/enable_inspector", vec![failed]);
    let report = run(
        &port,
        &plan_of(vec![enable_inspector(&["EC2"])]),
        &ApplyOptions::default(),
    )
    .await;
    let e = result_of(&report, "us-east-1/enable_inspector")
        .error
        .clone()
        .unwrap();
    assert_eq!(e.code, "ACCESS_DENIED");
    assert_eq!(report.api_calls.inspector_wait.polls, 0);
}

fn failed_account(code: &str) -> Result<ActionOutput, PortError> {
    Ok(ActionOutput {
        unprocessed: vec![Unprocessed {
            id: "123456789012".into(),
            error: AwsError::new(code, format!("{code} reason")),
        }],
        ..ActionOutput::default()
    })
}

/// `failedAccounts` with `SSM_THROTTLED` is throttling: the call is sent again (counted
/// as a retry), and the second answer decides.
#[tokio::test(start_paused = true)]
async fn a_throttled_failed_account_sends_the_call_again() {
    let port = FakePort::new()
        .answers(
            "us-east-1/enable_inspector",
            vec![failed_account("SSM_THROTTLED"), Ok(ActionOutput::default())],
        )
        .reads(Part::Inspector, vec![Ok(inspector(&["EC2"], &[]))]);
    let report = run(
        &port,
        &plan_of(vec![enable_inspector(&["EC2"])]),
        &ApplyOptions::default(),
    )
    .await;
    assert_eq!(
        status_of(&report, "us-east-1/enable_inspector"),
        ActionStatus::Applied
    );
    assert_eq!(port.calls_of("us-east-1/enable_inspector").len(), 2);
    assert_eq!(report.api_calls.retries, 1);
    assert_eq!(result_of(&report, "us-east-1/enable_inspector").attempts, 2);
}

/// Throttled items that never clear fail the action with their code once the budget is
/// spent, not silently.
#[tokio::test(start_paused = true)]
async fn throttled_failed_accounts_fail_when_the_budget_is_spent() {
    let port = FakePort::new().answers(
        "us-east-1/enable_inspector",
        (0..50).map(|_| failed_account("SSM_THROTTLED")).collect(),
    );
    let report = run(
        &port,
        &plan_of(vec![enable_inspector(&["EC2"])]),
        &ApplyOptions::default(),
    )
    .await;
    let r = result_of(&report, "us-east-1/enable_inspector");
    assert_eq!(r.status, ActionStatus::Failed);
    assert_eq!(r.error.as_ref().unwrap().code, "SSM_THROTTLED");
    let budget = RetryPolicy::default().throttling.max_attempts;
    assert_eq!(
        port.calls_of("us-east-1/enable_inspector").len() as u32,
        budget
    );
}

/// `ENABLE_IN_PROGRESS` and `ALREADY_ENABLED` are progress: no retry, no failure; the wait
/// after the call says when the types are on.
#[tokio::test(start_paused = true)]
async fn failed_accounts_in_progress_are_waited_for_not_failed() {
    for code in ["ENABLE_IN_PROGRESS", "ALREADY_ENABLED"] {
        let port = FakePort::new()
            .answers("us-east-1/enable_inspector", vec![failed_account(code)])
            .reads(
                Part::Inspector,
                vec![
                    Ok(inspector(&[], &[("EC2", enabling())])),
                    Ok(inspector(&["EC2"], &[])),
                ],
            );
        let report = run(
            &port,
            &plan_of(vec![enable_inspector(&["EC2"])]),
            &ApplyOptions::default(),
        )
        .await;
        let r = result_of(&report, "us-east-1/enable_inspector");
        assert_eq!(r.status, ActionStatus::Applied, "{code}: {r:?}");
        assert_eq!(
            port.calls_of("us-east-1/enable_inspector").len(),
            1,
            "{code}"
        );
        assert_eq!(report.api_calls.retries, 0, "{code}");
        assert_eq!(report.api_calls.inspector_wait.polls, 2, "{code}");
    }
}

/// The standard's wait says what it waits for; a control update after it does not wait
/// again.
#[tokio::test(start_paused = true)]
async fn the_standard_wait_is_told_to_the_progress_display() {
    let arn = fsbp_standards_arn(REGION);
    let pending = {
        let mut hub = SecurityHub::default();
        hub.standards.insert(arn.clone(), "PENDING".into());
        PartValue::SecurityHub(Some(hub))
    };
    let ready = {
        let mut hub = SecurityHub::default();
        hub.standards.insert(arn.clone(), "READY".into());
        PartValue::SecurityHub(Some(hub))
    };
    let port = FakePort::new().reads(Part::SecurityHub, vec![Ok(pending), Ok(ready)]);
    let update = action_with(
        "us-east-1/batch_update_standards_control_associations",
        &["us-east-1/batch_enable_standards"],
        Action::BatchUpdateStandardsControlAssociations(
            securityhub::BatchUpdateStandardsControlAssociations {
                standards_arn: arn,
                updates: vec![],
            },
        ),
    );
    let (report, events) = run_with_events(&port, &plan_of(vec![subscribe(), update])).await;
    assert!(report.succeeded());
    let waits: Vec<_> = events
        .iter()
        .filter(|e| e.starts_with("waiting") || e.starts_with("waited"))
        .collect();
    assert_eq!(
        waits,
        [
            "waiting us-east-1/batch_enable_standards for the FSBP standard to be READY",
            "waited 1 s ready true",
        ]
    );
    assert_eq!(report.api_calls.standard_wait.polls, 2);
}
