//! IAM: roles, service-linked roles, role policies and the password policy.

use super::*;

/// `create_service_linked_role`.
pub(super) fn create_service_linked_role(
    c: &Check<'_>,
    aws_service_name: &str,
) -> Result<(), AwsError> {
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

/// `create_role`.
pub(super) fn create_role(
    c: &Check<'_>,
    role_name: &str,
    assume_role_policy_document: &str,
) -> Result<(), AwsError> {
    iam_name(role_name, 64)?;
    if c.role_named(role_name).is_some() {
        return err(
            "EntityAlreadyExists",
            format!("Role with name {role_name} already exists."),
        );
    }
    iam_policy(assume_role_policy_document)
}

/// `update_assume_role_policy`: the role must exist and the document be a policy.
pub(super) fn update_assume_role_policy(
    c: &Check<'_>,
    role_name: &str,
    policy_document: &str,
) -> Result<(), AwsError> {
    if c.role_named(role_name).is_none() {
        return err(
            "NoSuchEntity",
            format!("The role with name {role_name} cannot be found."),
        );
    }
    iam_policy(policy_document)
}

/// `put_role_policy`.
pub(super) fn put_role_policy(
    c: &Check<'_>,
    role_name: &str,
    policy_name: &str,
    policy_document: &str,
) -> Result<(), AwsError> {
    iam_name(policy_name, 128)?;
    if c.role_named(role_name).is_none() {
        return err(
            "NoSuchEntity",
            format!("The role with name {role_name} cannot be found."),
        );
    }
    iam_policy(policy_document)
}

/// `update_account_password_policy`.
pub(super) fn update_account_password_policy(policy: &PasswordPolicy) -> Result<(), AwsError> {
    let PasswordPolicy {
        minimum_password_length,
        max_password_age,
        password_reuse_prevention,
        ..
    } = policy;
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

pub(super) fn iam_name(name: &str, max: usize) -> Result<(), AwsError> {
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

pub(super) fn iam_policy(document: &str) -> Result<(), AwsError> {
    policy::parse(document).map(|_| ()).map_err(|e| {
        AwsError::new(
            "MalformedPolicyDocument",
            format!("This policy contains invalid Json: {e}"),
        )
    })
}
