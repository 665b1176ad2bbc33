//! CloudFormation: the notification stack (create, update, termination protection).
//!
//! The stack operations answer at once and the stack then settles; the simulator settles
//! it within the call (the effect sets `CREATE_COMPLETE`/`UPDATE_COMPLETE`), so the wait
//! after it sees it done at its first poll.

use secure_account_core::action::cloudformation::{
    CreateStack, UpdateStack, UpdateTerminationProtection,
};
use secure_account_core::snapshot::{Stack, StackPhase};

use super::*;

impl Check<'_> {
    fn stacks(&self) -> &[Stack] {
        self.services()
            .and_then(|s| s.cloudformation_stacks.known())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn stack(&self, name: &str) -> Result<&Stack, AwsError> {
        self.stacks()
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| {
                AwsError::new(
                    "ValidationError",
                    format!("Stack with id {name} does not exist"),
                )
            })
    }
}

/// CloudFormation's checks of a stack's service role: it must exist and trust
/// CloudFormation, or the call fails with `ValidationError`.
fn service_role(c: &Check<'_>, role_arn: &str) -> Result<(), AwsError> {
    let assumable = c
        .role_by_arn(role_arn)
        .is_some_and(|r| r.trusted_services.contains("cloudformation.amazonaws.com"));
    if !assumable {
        return err(
            "ValidationError",
            format!("Role {role_arn} is invalid or cannot be assumed"),
        );
    }
    Ok(())
}

/// A template body CloudFormation accepts: not empty, at most 51,200 bytes when sent in
/// the request.
fn template(body: &str) -> Result<(), AwsError> {
    if body.trim().is_empty() {
        return err("ValidationError", "Template format error: empty template");
    }
    if body.len() > 51_200 {
        return err(
            "ValidationError",
            "1 validation error detected: Value at 'templateBody' failed to satisfy \
             constraint: Member must have length less than or equal to 51200",
        );
    }
    Ok(())
}

/// The role the call passes, which IAM may not have propagated yet: CloudFormation then
/// answers as for a role that does not exist.
fn role_dependency(c: &Check<'_>, role_arn: &str) -> Vec<((ResourceKind, String), AwsError)> {
    let name = role_arn.rsplit('/').next().unwrap_or(role_arn).to_string();
    let _ = c;
    vec![(
        (ResourceKind::Role, name),
        AwsError::new(
            "ValidationError",
            format!("Role {role_arn} is invalid or cannot be assumed"),
        ),
    )]
}

impl Simulate for CreateStack {
    const AWS_LATENCY_MS: u64 = 600;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        if c.stacks().iter().any(|s| s.name == self.stack_name) {
            return err(
                "AlreadyExistsException",
                format!("Stack [{}] already exists", self.stack_name),
            );
        }
        template(&self.template_body)?;
        service_role(c, &self.role_arn)
    }

    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        role_dependency(c, &self.role_arn)
    }
}

impl Simulate for UpdateStack {
    const AWS_LATENCY_MS: u64 = 500;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let stack = c.stack(&self.stack_name)?;
        match stack.phase() {
            StackPhase::Complete | StackPhase::RolledBack => {}
            StackPhase::InProgress | StackPhase::Failed => {
                return err(
                    "ValidationError",
                    format!(
                        "Stack:{} is in {} state and can not be updated.",
                        stack.id, stack.status
                    ),
                );
            }
        }
        template(&self.template_body)?;
        service_role(c, &self.role_arn)
    }

    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        role_dependency(c, &self.role_arn)
    }
}

impl Simulate for UpdateTerminationProtection {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        c.stack(&self.stack_name).map(|_| ())
    }
}
