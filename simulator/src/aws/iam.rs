//! IAM: roles, service-linked roles, role policies and the password policy.

use secure_account_core::action::iam::{
    CreateRole, CreateServiceLinkedRole, PutRolePolicy, UpdateAccountPasswordPolicy,
    UpdateAssumeRolePolicy,
};
use secure_account_core::snapshot::PasswordPolicy;
use secure_account_core::snapshot::iam::service_linked_role_name;

use crate::policy;

use super::*;

impl Simulate for CreateServiceLinkedRole {
    const AWS_LATENCY_MS: u64 = 400;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let aws_service_name = &self.aws_service_name;
        if !aws_service_name.ends_with(".amazonaws.com") {
            return err(
                "InvalidInput",
                format!("Invalid ServiceName {aws_service_name}"),
            );
        }
        let name = service_linked_role_name(aws_service_name);
        if c.role_named(&name).is_some() {
            return err(
                "InvalidInput",
                format!(
                    "Service role name {name} has been taken in this account, please try a \
                     different suffix."
                ),
            );
        }
        Ok(())
    }

    /// The new role, which the services that assume it do not see at once.
    fn starts_propagation(&self, _: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((
            ResourceKind::Role,
            service_linked_role_name(&self.aws_service_name),
        ))
    }
}

impl Simulate for CreateRole {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let role_name = &self.role_name;
        iam_name(role_name, 64)?;
        if c.role_named(role_name).is_some() {
            return err(
                "EntityAlreadyExists",
                format!("Role with name {role_name} already exists."),
            );
        }
        iam_policy(&self.assume_role_policy_document)
    }

    fn starts_propagation(&self, _: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((ResourceKind::Role, self.role_name.clone()))
    }
}

impl Simulate for UpdateAssumeRolePolicy {
    const AWS_LATENCY_MS: u64 = 150;

    /// The role must exist and the document be a policy.
    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        require_role(c, &self.role_name)?;
        iam_policy(&self.policy_document)
    }

    fn starts_propagation(&self, _: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((ResourceKind::Role, self.role_name.clone()))
    }
}

impl Simulate for PutRolePolicy {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        iam_name(&self.policy_name, 128)?;
        require_role(c, &self.role_name)?;
        iam_policy(&self.policy_document)
    }

    fn starts_propagation(&self, _: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((ResourceKind::Role, self.role_name.clone()))
    }
}

impl Simulate for UpdateAccountPasswordPolicy {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        let UpdateAccountPasswordPolicy(PasswordPolicy {
            minimum_password_length,
            max_password_age,
            password_reuse_prevention,
            ..
        }) = self;
        let bad = |field: &str, value: u32, min: u32, max: u32| {
            err(
                "ValidationError",
                format!(
                    "1 validation error detected: Value '{value}' at '{field}' failed to \
                     satisfy constraint: Member must have value between {min} and {max}"
                ),
            )
        };
        if !(6..=128).contains(minimum_password_length) {
            return bad("minimumPasswordLength", *minimum_password_length, 6, 128);
        }
        if let Some(age) = max_password_age.filter(|a| !(1..=1095).contains(a)) {
            return bad("maxPasswordAge", age, 1, 1095);
        }
        if let Some(reuse) = password_reuse_prevention.filter(|r| !(1..=24).contains(r)) {
            return bad("passwordReusePrevention", reuse, 1, 24);
        }
        Ok(())
    }
}

/// `NoSuchEntity` unless the role exists.
fn require_role(c: &Check<'_>, role_name: &str) -> Result<(), AwsError> {
    if c.role_named(role_name).is_none() {
        return err(
            "NoSuchEntity",
            format!("The role with name {role_name} cannot be found."),
        );
    }
    Ok(())
}

fn iam_name(name: &str, max: usize) -> Result<(), AwsError> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if ok {
        Ok(())
    } else {
        err(
            "ValidationError",
            format!(
                "1 validation error detected: Value '{name}' failed to satisfy constraint: Member \
                 must satisfy regular expression pattern: [\\w+=,.@-]+"
            ),
        )
    }
}

fn iam_policy(document: &str) -> Result<(), AwsError> {
    policy::parse(document).map(|_| ()).map_err(|e| {
        AwsError::new(
            "MalformedPolicyDocument",
            format!("This policy contains invalid Json: {e}"),
        )
    })
}
