//! Amazon Inspector: which scan types are on for the account in the region, and the state
//! of those on their way (regional); turning scan types on.

use std::collections::BTreeMap;

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types::{ResourceScanType, State, Status};
use secure_account_core::AwsError;
use secure_account_core::action::inspector::EnableInspector;
use secure_account_core::snapshot::{Inspector, InspectorResourceState, InspectorStatus};
use secure_account_engine::{ActionOutput, Unprocessed};

use crate::error::{aws, unknown_value};
use crate::execute::{Exec, Execute};

// ---- reads ----

/// Inspector `ErrorCode`s that accompany a state without saying anything went wrong.
const NOT_ERRORS: [&str; 4] = [
    "ALREADY_ENABLED",
    "ENABLE_IN_PROGRESS",
    "DISABLE_IN_PROGRESS",
    "SUSPEND_IN_PROGRESS",
];

/// `inspector2:BatchGetAccountStatus` for the account. Each scan type is on only when its
/// status is `ENABLED`; a type `ENABLING` (right after `Enable`), `DISABLING`,
/// `SUSPENDING`, `SUSPENDED`, or `DISABLED` with an error code is kept in
/// `resource_states` with AWS's code and message, so that the engine's readiness wait can
/// tell "not yet" from "will not".
pub async fn read_inspector(inspector: &Client, account_id: &str) -> Result<Inspector, AwsError> {
    let out = inspector
        .batch_get_account_status()
        .account_ids(account_id)
        .send()
        .await
        .map_err(aws("inspector2:BatchGetAccountStatus"))?;
    if let Some(failed) = out.failed_accounts().first() {
        return Err(AwsError::new(
            failed.error_code().as_str(),
            failed.error_message().to_string(),
        ));
    }
    let Some(r) = out.accounts().first().and_then(|a| a.resource_state()) else {
        return Ok(Inspector::default());
    };
    let on = |s: Option<&State>| s.is_some_and(|s| s.status() == &Status::Enabled);
    let mut resource_states = BTreeMap::new();
    for (name, state) in [
        ("EC2", r.ec2()),
        ("ECR", r.ecr()),
        ("LAMBDA", r.lambda()),
        ("LAMBDA_CODE", r.lambda_code()),
    ] {
        let Some(state) = state else { continue };
        let status = match state.status() {
            Status::Enabling => InspectorStatus::Enabling,
            Status::Enabled => continue,
            Status::Disabling => InspectorStatus::Disabling,
            Status::Disabled => InspectorStatus::Disabled,
            Status::Suspending => InspectorStatus::Suspending,
            Status::Suspended => InspectorStatus::Suspended,
            other => {
                return Err(unknown_value(
                    "inspector2:BatchGetAccountStatus",
                    &format!("resourceState.{name}.status"),
                    other.as_str(),
                ));
            }
        };
        // `errorCode` is required in every `State`, failed or not: the codes that only say
        // where the state is heading are not errors.
        let error_code = Some(state.error_code().as_str().to_string())
            .filter(|c| !c.is_empty() && !NOT_ERRORS.contains(&c.as_str()));
        // A plain `DISABLED` (never enabled) is what the four flags already say.
        if status == InspectorStatus::Disabled && error_code.is_none() {
            continue;
        }
        resource_states.insert(
            name.to_string(),
            InspectorResourceState {
                status,
                error_message: error_code
                    .as_ref()
                    .map(|_| state.error_message().to_string())
                    .filter(|m| !m.is_empty()),
                error_code,
            },
        );
    }
    Ok(Inspector {
        ec2: on(r.ec2()),
        ecr: on(r.ecr()),
        lambda: on(r.lambda()),
        lambda_code: on(r.lambda_code()),
        resource_states,
    })
}

// ---- actions ----

/// `inspector2:Enable` for the caller's account (no account id sent) and these resource
/// types, with the action's idempotency token. The answer's `failedAccounts` come back unprocessed, by account id with their
/// `errorCode` and `errorMessage`. Enabling what is enabled already is not an error. That
/// the types become `ENABLED` (they start `ENABLING`) is the engine's readiness wait, by
/// reading.
impl Execute for EnableInspector {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let out = cx
            .writes
            .inspector2(cx.region)
            .enable()
            .client_token(cx.client_token())
            .set_resource_types(Some(
                self.resource_types
                    .iter()
                    .map(|t| ResourceScanType::from(t.as_str()))
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws("inspector2:Enable"))?;
        let unprocessed = out
            .failed_accounts()
            .iter()
            .map(|f| Unprocessed {
                id: f.account_id().to_string(),
                error: AwsError::new(f.error_code().as_str(), f.error_message()),
            })
            .collect();
        Ok(ActionOutput {
            unprocessed,
            ..ActionOutput::default()
        })
    }
}
