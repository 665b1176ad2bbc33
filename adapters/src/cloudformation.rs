//! CloudFormation: the region's stacks (read), and the notification stack's create,
//! update and termination protection (actions).

use std::collections::BTreeMap;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Parameter, Tag, TemplateStage};
use secure_account_core::AwsError;
use secure_account_core::action::cloudformation::{
    CreateStack, UpdateStack, UpdateTerminationProtection,
};
use secure_account_core::notifications::PURPOSE_TAG;
use secure_account_core::snapshot::{Stack, StackFailure, StackPhase};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

/// `cloudformation:DescribeStacks` (every page): the region's stacks, deleted ones left out
/// (AWS lists them only by id). For the tool's stacks (the purpose tag) also the template
/// as deployed (`GetTemplate`, stage `Original`) and, when the last operation failed, the
/// first resource that failed (`DescribeStackEvents`).
pub async fn read_stacks(cfn: &Client) -> Result<Vec<Stack>, AwsError> {
    let mut stacks = vec![];
    let mut token = None;
    loop {
        let out = cfn
            .describe_stacks()
            .set_next_token(token)
            .send()
            .await
            .map_err(aws("cloudformation:DescribeStacks"))?;
        for s in out.stacks() {
            let status = s
                .stack_status()
                .map(|st| st.as_str().to_string())
                .unwrap_or_default();
            if status == "DELETE_COMPLETE" {
                continue;
            }
            let pairs = |items: Vec<(Option<&str>, Option<&str>)>| -> BTreeMap<String, String> {
                items
                    .into_iter()
                    .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
                    .collect()
            };
            stacks.push(Stack {
                name: s.stack_name().unwrap_or_default().to_string(),
                id: s.stack_id().unwrap_or_default().to_string(),
                status,
                status_reason: s.stack_status_reason().map(str::to_string),
                termination_protection: s.enable_termination_protection().unwrap_or(false),
                role_arn: s.role_arn().map(str::to_string),
                tags: pairs(s.tags().iter().map(|t| (t.key(), t.value())).collect()),
                parameters: pairs(
                    s.parameters()
                        .iter()
                        .map(|p| (p.parameter_key(), p.parameter_value()))
                        .collect(),
                ),
                outputs: pairs(
                    s.outputs()
                        .iter()
                        .map(|o| (o.output_key(), o.output_value()))
                        .collect(),
                ),
                drift: s
                    .drift_information()
                    .and_then(|d| d.stack_drift_status())
                    .map(|d| d.as_str().to_string()),
                template_body: None,
                failure: None,
            });
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    for stack in &mut stacks {
        if stack.tags.get(PURPOSE_TAG.0).map(String::as_str) != Some(PURPOSE_TAG.1) {
            continue;
        }
        let template = cfn
            .get_template()
            .stack_name(&stack.name)
            .template_stage(TemplateStage::Original)
            .send()
            .await
            .map_err(aws("cloudformation:GetTemplate"))?;
        stack.template_body = template.template_body().map(str::to_string);
        if matches!(stack.phase(), StackPhase::RolledBack | StackPhase::Failed) {
            stack.failure = read_failure(cfn, &stack.name).await?;
        }
    }
    Ok(stacks)
}

/// The first resource that failed in the stack's last operation: its events, newest
/// first, back to the stack's own `*_IN_PROGRESS` event that started the operation; of
/// those, the oldest `*_FAILED` of a resource (the later ones are usually "Resource
/// creation cancelled" because of it).
pub(crate) async fn read_failure(
    cfn: &Client,
    stack_name: &str,
) -> Result<Option<StackFailure>, AwsError> {
    let out = cfn
        .describe_stack_events()
        .stack_name(stack_name)
        .send()
        .await
        .map_err(aws("cloudformation:DescribeStackEvents"))?;
    let mut first = None;
    for event in out.stack_events() {
        let status = event
            .resource_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        let logical_id = event.logical_resource_id().unwrap_or_default();
        let is_stack = event.resource_type() == Some("AWS::CloudFormation::Stack");
        if is_stack && matches!(status.as_str(), "CREATE_IN_PROGRESS" | "UPDATE_IN_PROGRESS") {
            break;
        }
        if !is_stack && status.ends_with("_FAILED") {
            first = Some(StackFailure {
                logical_id: logical_id.to_string(),
                resource_type: event.resource_type().unwrap_or_default().to_string(),
                status,
                reason: event
                    .resource_status_reason()
                    .unwrap_or_default()
                    .to_string(),
            });
        }
    }
    Ok(first)
}

// ---- actions ----

fn parameters(p: &BTreeMap<String, String>) -> Vec<Parameter> {
    p.iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect()
}

/// `cloudformation:CreateStack` with the tool's service role, tags and termination
/// protection. The template makes no IAM resource, so no capability is acknowledged.
impl Execute for CreateStack {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let tags = self
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Vec<_>>();
        cx.writes
            .cloudformation(cx.region)
            .create_stack()
            .stack_name(&self.stack_name)
            .template_body(&self.template_body)
            .set_parameters(Some(parameters(&self.parameters)))
            .role_arn(&self.role_arn)
            .set_tags(Some(tags))
            .enable_termination_protection(self.enable_termination_protection)
            .send()
            .await
            .map_err(aws("cloudformation:CreateStack"))?;
        Ok(ActionOutput::default())
    }
}

/// What CloudFormation answers to an update that changes nothing: a `ValidationError`
/// that is success here (the stack is as asked).
pub const NO_UPDATES: &str = "No updates are to be performed.";

/// `cloudformation:UpdateStack` with the template, parameters and role; the stack's tags
/// are left as they are (not sent). "No updates are to be performed." is success.
impl Execute for UpdateStack {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let result = cx
            .writes
            .cloudformation(cx.region)
            .update_stack()
            .stack_name(&self.stack_name)
            .template_body(&self.template_body)
            .set_parameters(Some(parameters(&self.parameters)))
            .role_arn(&self.role_arn)
            .send()
            .await
            .map_err(aws("cloudformation:UpdateStack"));
        match result {
            Err(e) if e.code == "ValidationError" && e.message.contains(NO_UPDATES) => {
                Ok(ActionOutput::default())
            }
            other => other.map(|_| ActionOutput::default()),
        }
    }
}

/// `cloudformation:UpdateTerminationProtection`.
impl Execute for UpdateTerminationProtection {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .cloudformation(cx.region)
            .update_termination_protection()
            .stack_name(&self.stack_name)
            .enable_termination_protection(self.enable_termination_protection)
            .send()
            .await
            .map_err(aws("cloudformation:UpdateTerminationProtection"))?;
        Ok(ActionOutput::default())
    }
}
