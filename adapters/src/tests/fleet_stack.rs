//! `fleet deploy`'s CloudFormation calls: what is sent to create and update the fleet's
//! stack, the wait, and how a failed or unchanged deployment is told.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::create_stack::CreateStackOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::{
    DescribeStacksError, DescribeStacksOutput,
};
use aws_sdk_cloudformation::operation::update_stack::UpdateStackError;
use aws_sdk_cloudformation::types::{
    Capability, Output, ResourceStatus, Stack, StackEvent, StackStatus,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;

use super::meta;
use crate::fleet_stack::*;

const NAME: &str = "secure-account-fleet";

fn stack() -> FleetStack {
    FleetStack {
        stack_name: NAME.into(),
        template_body: "{\"Resources\": {}}".into(),
        parameters: BTreeMap::from([("CodeBucket".to_string(), "code".to_string())]),
        tags: BTreeMap::from([("managed-by".to_string(), "secure-account".to_string())]),
    }
}

fn described(status: StackStatus, reason: Option<&str>) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_name(NAME)
                .stack_status(status)
                .set_stack_status_reason(reason.map(str::to_string))
                .creation_time(DateTime::from_secs(0))
                .outputs(
                    Output::builder()
                        .output_key("StateMachineArn")
                        .output_value("arn:sm")
                        .build(),
                )
                .build(),
        )
        .build()
}

#[tokio::test]
async fn an_absent_stack_is_created_with_iam_capability_and_protection_then_waited_for() {
    let missing = mock!(Client::describe_stacks).then_error(|| {
        DescribeStacksError::generic(meta(
            "ValidationError",
            "Stack with id secure-account-fleet does not exist",
        ))
    });
    let create = mock!(Client::create_stack)
        .match_requests(|r| {
            r.stack_name() == Some(NAME)
                && r.capabilities() == [Capability::CapabilityIam]
                && r.enable_termination_protection() == Some(true)
                && r.parameters().len() == 1
                && r.parameters()[0].parameter_key() == Some("CodeBucket")
                && r.tags().len() == 1
                && r.tags()[0].key() == Some("managed-by")
        })
        .then_output(|| CreateStackOutput::builder().stack_id("id").build());
    let wait = mock!(Client::describe_stacks)
        .sequence()
        .output(|| described(StackStatus::CreateInProgress, None))
        .output(|| described(StackStatus::CreateInProgress, None))
        .output(|| described(StackStatus::CreateComplete, None))
        .build();
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::Sequential,
        [&missing, &create, &wait]
    );
    let now = current(&cfn, NAME).await.unwrap();
    assert_eq!(now, Current::Absent);
    let mut seen = vec![];
    let done = deploy(&cfn, &stack(), &now, Duration::ZERO, &mut |s| {
        seen.push(s.to_string())
    })
    .await
    .unwrap();
    assert_eq!(
        done,
        Deployed::Done {
            created: true,
            outputs: BTreeMap::from([("StateMachineArn".to_string(), "arn:sm".to_string())]),
        }
    );
    // Each status once, as it changes.
    assert_eq!(seen, ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]);
    assert_eq!((create.num_calls(), wait.num_calls()), (1, 3));
}

#[tokio::test]
async fn a_failed_creation_names_the_first_resource_that_failed() {
    let create = mock!(Client::create_stack).then_output(|| CreateStackOutput::builder().build());
    let wait = mock!(Client::describe_stacks).then_output(|| {
        described(
            StackStatus::RollbackComplete,
            Some("The following resource(s) failed to create: [Function]."),
        )
    });
    let event = |id: &str, kind: &str, status: ResourceStatus, reason: &str| {
        StackEvent::builder()
            .stack_id("id")
            .event_id(id)
            .stack_name(NAME)
            .logical_resource_id(id)
            .resource_type(kind)
            .resource_status(status)
            .resource_status_reason(reason)
            .timestamp(DateTime::from_secs(0))
            .build()
    };
    let events = mock!(Client::describe_stack_events).then_output(move || {
        DescribeStackEventsOutput::builder()
            // Newest first.
            .stack_events(event(
                "StateMachine",
                "AWS::StepFunctions::StateMachine",
                ResourceStatus::CreateFailed,
                "Resource creation cancelled",
            ))
            .stack_events(event(
                "Function",
                "AWS::Lambda::Function",
                ResourceStatus::CreateFailed,
                "Error occurred while GetObject. S3 Error Code: NoSuchKey.",
            ))
            .stack_events(event(
                NAME,
                "AWS::CloudFormation::Stack",
                ResourceStatus::CreateInProgress,
                "User Initiated",
            ))
            .build()
    });
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::Sequential,
        [&create, &wait, &events]
    );
    let ended = deploy(
        &cfn,
        &stack(),
        &Current::Absent,
        Duration::ZERO,
        &mut |_| {},
    )
    .await
    .unwrap();
    let Deployed::Failed {
        status,
        reason,
        failure,
    } = ended
    else {
        panic!("not a failure: {ended:?}");
    };
    assert_eq!(status, "ROLLBACK_COMPLETE");
    assert!(reason.unwrap().contains("[Function]"));
    let failure = failure.unwrap();
    assert_eq!(failure.logical_id, "Function");
    assert!(failure.reason.contains("NoSuchKey"), "{failure:?}");
}

#[tokio::test]
async fn an_update_with_nothing_to_change_is_unchanged() {
    let update = mock!(Client::update_stack)
        .match_requests(|r| {
            r.stack_name() == Some(NAME) && r.capabilities() == [Capability::CapabilityIam]
        })
        .then_error(|| {
            UpdateStackError::generic(meta("ValidationError", "No updates are to be performed."))
        });
    let outputs =
        mock!(Client::describe_stacks).then_output(|| described(StackStatus::UpdateComplete, None));
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::Sequential,
        [&update, &outputs]
    );
    let settled = Current::Settled {
        status: "UPDATE_COMPLETE".into(),
    };
    let ended = deploy(&cfn, &stack(), &settled, Duration::ZERO, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        ended,
        Deployed::Unchanged {
            outputs: BTreeMap::from([("StateMachineArn".to_string(), "arn:sm".to_string())]),
        }
    );
}

#[tokio::test]
async fn a_stack_in_progress_or_rolled_back_is_not_deployable() {
    let busy = mock!(Client::describe_stacks)
        .then_output(|| described(StackStatus::UpdateInProgress, None));
    let broken = mock!(Client::describe_stacks)
        .then_output(|| described(StackStatus::RollbackComplete, None));
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::Sequential,
        [&busy, &broken]
    );
    assert!(matches!(
        current(&cfn, NAME).await.unwrap(),
        Current::Busy { .. }
    ));
    assert_eq!(
        current(&cfn, NAME).await.unwrap(),
        Current::Broken {
            status: "ROLLBACK_COMPLETE".into()
        }
    );
}

/// The calls of `fleet_stack.rs` and of the stack events it reads are exactly
/// [`DEPLOY_IAM_ACTIONS`] (kept out of `iam-policy`, the member accounts' policy).
#[test]
fn the_deploys_calls_are_exactly_its_iam_actions() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(super::sources::DEPLOY_FILE),
    )
    .unwrap();
    let mut named = super::sources::named_actions(&text);
    // The first failed resource: `cloudformation.rs`'s reading of the stack's events.
    named.insert("cloudformation:DescribeStackEvents".to_string());
    let expected: std::collections::BTreeSet<String> =
        DEPLOY_IAM_ACTIONS.iter().map(|a| a.to_string()).collect();
    assert_eq!(named, expected);
}
