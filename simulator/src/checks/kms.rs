//! KMS: keys, aliases, key policies and rotation.

use std::collections::BTreeMap;

use super::*;

/// `create_key`.
pub(super) fn create_key(
    c: &Check<'_>,
    policy: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    key_policy(c, policy)?;
    for (k, v) in tags {
        if k.is_empty() || k.len() > 128 || v.len() > 256 || k.starts_with("aws:") {
            return err("TagException", format!("Invalid tag {k}={v}"));
        }
    }
    Ok(())
}

/// `create_alias`.
pub(super) fn create_alias(
    c: &Check<'_>,
    alias_name: &str,
    target_key: &KeyRef,
) -> Result<(), AwsError> {
    let valid = alias_name
        .strip_prefix("alias/")
        .is_some_and(|n| !n.is_empty() && n.len() <= 250)
        && alias_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b));
    if !valid {
        return err(
            "ValidationException",
            format!(
                "1 validation error detected: Value '{alias_name}' at 'aliasName' failed \
                     to satisfy constraint: Member must satisfy regular expression pattern: \
                     ^alias/[a-zA-Z0-9/_-]+$"
            ),
        );
    }
    if alias_name.starts_with("alias/aws/") {
        return err(
            "NotAuthorizedException",
            format!("{alias_name}: the alias/aws/ prefix is reserved for AWS managed keys"),
        );
    }
    if c.keys_in(c.region)
        .iter()
        .any(|k| k.aliases.iter().any(|a| a == alias_name))
    {
        return err(
            "AlreadyExistsException",
            format!(
                "An alias with the name arn:aws:kms:{}:{}:{alias_name} already exists",
                c.region,
                c.account_id()
            ),
        );
    }
    let key = c.resolve_key(target_key)?;
    key_usable(key, false)
}

/// `put_key_policy`.
pub(super) fn put_key_policy(c: &Check<'_>, key: &KeyRef, policy: &str) -> Result<(), AwsError> {
    let key = c.resolve_key(key)?;
    key_usable(key, false)?;
    key_policy(c, policy)
}

/// `enable_key_rotation`.
pub(super) fn enable_key_rotation(c: &Check<'_>, key: &KeyRef) -> Result<(), AwsError> {
    let key = c.resolve_key(key)?;
    key_usable(key, true)
}

/// The KMS lockout safety check: the new policy must let the caller (through the account)
/// change the policy again.
pub(super) fn key_policy(c: &Check<'_>, text: &str) -> Result<(), AwsError> {
    policy::parse(text).map_err(|e| {
        AwsError::new(
            "MalformedPolicyDocumentException",
            format!("The key policy is not valid JSON: {e}"),
        )
    })?;
    let caller = c.caller();
    let ok = policy::allows(
        text,
        &Request {
            principal: Principal::Aws(&caller),
            action: "kms:PutKeyPolicy",
            resource: "*",
            context: &[],
        },
    );
    if ok {
        Ok(())
    } else {
        err(
            "MalformedPolicyDocumentException",
            "The new key policy will not allow you to update the key policy in the future.",
        )
    }
}

pub(super) fn key_usable(key: &KmsKey, must_be_enabled: bool) -> Result<(), AwsError> {
    let ok = match key.key_state {
        KeyState::Enabled => true,
        KeyState::Disabled => !must_be_enabled,
        KeyState::Creating
        | KeyState::PendingDeletion
        | KeyState::PendingImport
        | KeyState::PendingReplicaDeletion
        | KeyState::Unavailable
        | KeyState::Updating => false,
    };
    if ok {
        Ok(())
    } else {
        err(
            "KMSInvalidStateException",
            format!("{} is {}", key.arn, key.key_state.as_str().to_lowercase()),
        )
    }
}
