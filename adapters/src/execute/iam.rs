//! IAM writes (global: the client's region only picks the partition).

use std::collections::BTreeMap;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::Tag;
use secure_account_core::AwsError;
use secure_account_core::snapshot::PasswordPolicy;

use super::invalid;
use crate::error::aws;

/// `iam:CreateServiceLinkedRole`. A role that exists already is success: AWS answers
/// `InvalidInput` "Service role name … has been taken in this account"; moto answers
/// `EntityAlreadyExists`. A service-linked role is AWS's, never a customer's, so there is
/// nothing to protect.
pub async fn create_service_linked_role(
    iam: &Client,
    aws_service_name: &str,
) -> Result<(), AwsError> {
    match iam
        .create_service_linked_role()
        .aws_service_name(aws_service_name)
        .send()
        .await
        .map_err(aws("iam:CreateServiceLinkedRole"))
    {
        Err(e)
            if e.code == "EntityAlreadyExists"
                || (e.code == "InvalidInput" && e.message.contains("has been taken")) =>
        {
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

fn tags(tags: &BTreeMap<String, String>) -> Result<Option<Vec<Tag>>, AwsError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag `{k}`: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `iam:CreateRole` with its tags (`iam:TagRole`). A role of that name is never adopted
/// here (`EntityAlreadyExists` fails): the planner decides what is the tool's.
pub async fn create_role(
    iam: &Client,
    role_name: &str,
    assume_role_policy_document: &str,
    role_tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    iam.create_role()
        .role_name(role_name)
        .assume_role_policy_document(assume_role_policy_document)
        .set_tags(tags(role_tags)?)
        .send()
        .await
        .map_err(aws("iam:CreateRole"))?;
    Ok(())
}

/// `iam:UpdateAssumeRolePolicy`.
pub async fn update_assume_role_policy(
    iam: &Client,
    role_name: &str,
    policy_document: &str,
) -> Result<(), AwsError> {
    iam.update_assume_role_policy()
        .role_name(role_name)
        .policy_document(policy_document)
        .send()
        .await
        .map_err(aws("iam:UpdateAssumeRolePolicy"))?;
    Ok(())
}

/// `iam:PutRolePolicy` (creates or replaces the inline policy).
pub async fn put_role_policy(
    iam: &Client,
    role_name: &str,
    policy_name: &str,
    policy_document: &str,
) -> Result<(), AwsError> {
    iam.put_role_policy()
        .role_name(role_name)
        .policy_name(policy_name)
        .policy_document(policy_document)
        .send()
        .await
        .map_err(aws("iam:PutRolePolicy"))?;
    Ok(())
}

/// `iam:UpdateAccountPasswordPolicy`: every field, as the call replaces the whole policy.
/// "Never expires" and "no reuse prevention" are sent by leaving the field out (AWS's
/// default 0 means exactly that).
pub async fn update_account_password_policy(
    iam: &Client,
    p: &PasswordPolicy,
) -> Result<(), AwsError> {
    let days = |v: Option<u32>, field: &str| -> Result<Option<i32>, AwsError> {
        v.map(|n| i32::try_from(n).map_err(|_| invalid(format!("{field} {n} is out of range"))))
            .transpose()
    };
    let length = i32::try_from(p.minimum_password_length).map_err(|_| {
        invalid(format!(
            "minimum password length {} is out of range",
            p.minimum_password_length
        ))
    })?;
    iam.update_account_password_policy()
        .minimum_password_length(length)
        .require_symbols(p.require_symbols)
        .require_numbers(p.require_numbers)
        .require_uppercase_characters(p.require_uppercase_characters)
        .require_lowercase_characters(p.require_lowercase_characters)
        .allow_users_to_change_password(p.allow_users_to_change_password)
        .set_max_password_age(days(p.max_password_age, "max password age")?)
        .set_password_reuse_prevention(days(
            p.password_reuse_prevention,
            "password reuse prevention",
        )?)
        .hard_expiry(p.hard_expiry)
        .send()
        .await
        .map_err(aws("iam:UpdateAccountPasswordPolicy"))?;
    Ok(())
}
