//! `fleet deploy`: the fleet's CloudFormation stack (`fleet template`) created or updated
//! in the operator's account, then waited for. Its template makes IAM roles (without
//! names), so `CAPABILITY_IAM` is acknowledged; termination protection is on
//! (CloudFormation.3). A stack that is busy or whose creation failed is reported, never
//! deleted: that is the operator's decision.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Capability, Parameter, Tag};
use secure_account_core::AwsError;
use secure_account_core::snapshot::StackFailure;

use crate::cloudformation::NO_UPDATES;
use crate::error::aws;

/// The IAM actions `fleet deploy` calls with the operator's credentials (besides those
/// CloudFormation needs to create the stack's resources, which the caller's credentials
/// also need: `iam:CreateRole`, `lambda:CreateFunction`, `states:CreateStateMachine`, …).
pub const DEPLOY_IAM_ACTIONS: [&str; 4] = [
    "cloudformation:CreateStack",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStacks",
    "cloudformation:UpdateStack",
];

/// What to deploy.
#[derive(Debug, Clone)]
pub struct FleetStack {
    pub stack_name: String,
    pub template_body: String,
    pub parameters: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
}

/// The stack as it is before the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Current {
    Absent,
    /// Settled (`CREATE_COMPLETE`, `UPDATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, …): it
    /// can be updated.
    Settled {
        status: String,
    },
    /// An operation is running (`*_IN_PROGRESS`).
    Busy {
        status: String,
    },
    /// Its creation failed (`ROLLBACK_COMPLETE`, `ROLLBACK_FAILED`, `CREATE_FAILED`) or a
    /// deletion did (`DELETE_FAILED`), or an update could not be rolled back
    /// (`UPDATE_ROLLBACK_FAILED`): CloudFormation updates none of them.
    Broken {
        status: String,
    },
}

/// How a deployment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deployed {
    /// `CREATE_COMPLETE` or `UPDATE_COMPLETE`, with the stack's outputs.
    Done {
        created: bool,
        outputs: BTreeMap<String, String>,
    },
    /// CloudFormation answered "No updates are to be performed.".
    Unchanged { outputs: BTreeMap<String, String> },
    /// The operation ended in another status: the first resource that failed, if any.
    Failed {
        status: String,
        reason: Option<String>,
        failure: Option<StackFailure>,
    },
}

struct Described {
    status: String,
    reason: Option<String>,
    outputs: BTreeMap<String, String>,
}

/// `cloudformation:DescribeStacks` of one stack; `None` when there is none (AWS answers
/// `ValidationError` "Stack with id … does not exist").
async fn describe(cfn: &Client, name: &str) -> Result<Option<Described>, AwsError> {
    let out = match cfn.describe_stacks().stack_name(name).send().await {
        Ok(out) => out,
        Err(e) => {
            let e = aws("cloudformation:DescribeStacks")(e);
            if e.code == "ValidationError" && e.message.contains("does not exist") {
                return Ok(None);
            }
            return Err(e);
        }
    };
    let Some(s) = out.stacks().first() else {
        return Ok(None);
    };
    let status = s
        .stack_status()
        .map(|st| st.as_str().to_string())
        .unwrap_or_default();
    if status == "DELETE_COMPLETE" {
        return Ok(None);
    }
    Ok(Some(Described {
        status,
        reason: s.stack_status_reason().map(str::to_string),
        outputs: s
            .outputs()
            .iter()
            .filter_map(|o| {
                Some((
                    o.output_key()?.to_string(),
                    o.output_value().unwrap_or_default().to_string(),
                ))
            })
            .collect(),
    }))
}

/// The stack named `name`, as [`Current`].
pub async fn current(cfn: &Client, name: &str) -> Result<Current, AwsError> {
    Ok(match describe(cfn, name).await? {
        None => Current::Absent,
        Some(d) => classify(d.status),
    })
}

fn classify(status: String) -> Current {
    if status.ends_with("_IN_PROGRESS") {
        Current::Busy { status }
    } else if matches!(
        status.as_str(),
        "ROLLBACK_COMPLETE"
            | "ROLLBACK_FAILED"
            | "CREATE_FAILED"
            | "DELETE_FAILED"
            | "UPDATE_ROLLBACK_FAILED"
    ) {
        Current::Broken { status }
    } else {
        Current::Settled { status }
    }
}

/// Creates the stack (when `current` is [`Current::Absent`]) or updates it (when
/// [`Current::Settled`]), then asks for its status every `poll` until the operation ends;
/// `progress` sees each new status. Call it only with those two.
pub async fn deploy(
    cfn: &Client,
    stack: &FleetStack,
    current: &Current,
    poll: Duration,
    progress: &mut dyn FnMut(&str),
) -> Result<Deployed, AwsError> {
    let parameters: Vec<Parameter> = stack
        .parameters
        .iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect();
    let created = *current == Current::Absent;
    if created {
        let tags = stack
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        cfn.create_stack()
            .stack_name(&stack.stack_name)
            .template_body(&stack.template_body)
            .set_parameters(Some(parameters))
            .capabilities(Capability::CapabilityIam)
            .set_tags(Some(tags))
            .enable_termination_protection(true)
            .send()
            .await
            .map_err(aws("cloudformation:CreateStack"))?;
    } else {
        let sent = cfn
            .update_stack()
            .stack_name(&stack.stack_name)
            .template_body(&stack.template_body)
            .set_parameters(Some(parameters))
            .capabilities(Capability::CapabilityIam)
            .send()
            .await
            .map_err(aws("cloudformation:UpdateStack"));
        match sent {
            Err(e) if e.code == "ValidationError" && e.message.contains(NO_UPDATES) => {
                let outputs = describe(cfn, &stack.stack_name)
                    .await?
                    .map(|d| d.outputs)
                    .unwrap_or_default();
                return Ok(Deployed::Unchanged { outputs });
            }
            other => {
                other?;
            }
        }
    }
    let mut last = String::new();
    loop {
        let Some(d) = describe(cfn, &stack.stack_name).await? else {
            return Ok(Deployed::Failed {
                status: "DELETE_COMPLETE".into(),
                reason: Some("the stack is gone".into()),
                failure: None,
            });
        };
        if d.status != last {
            progress(&d.status);
            last.clone_from(&d.status);
        }
        if d.status.ends_with("_IN_PROGRESS") {
            tokio::time::sleep(poll).await;
            continue;
        }
        let wanted = if created {
            "CREATE_COMPLETE"
        } else {
            "UPDATE_COMPLETE"
        };
        if d.status == wanted {
            return Ok(Deployed::Done {
                created,
                outputs: d.outputs,
            });
        }
        let failure = crate::cloudformation::read_failure(cfn, &stack.stack_name).await?;
        return Ok(Deployed::Failed {
            status: d.status,
            reason: d.reason,
            failure,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_is_updatable_busy_or_broken_by_its_status() {
        for (status, want) in [
            ("CREATE_COMPLETE", "settled"),
            ("UPDATE_COMPLETE", "settled"),
            ("UPDATE_ROLLBACK_COMPLETE", "settled"),
            ("CREATE_IN_PROGRESS", "busy"),
            ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "busy"),
            ("ROLLBACK_COMPLETE", "broken"),
            ("DELETE_FAILED", "broken"),
            ("UPDATE_ROLLBACK_FAILED", "broken"),
        ] {
            let got = match classify(status.into()) {
                Current::Settled { .. } => "settled",
                Current::Busy { .. } => "busy",
                Current::Broken { .. } => "broken",
                Current::Absent => "absent",
            };
            assert_eq!(got, want, "{status}");
        }
    }
}
