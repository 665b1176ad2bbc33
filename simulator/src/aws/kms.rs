//! KMS: keys, aliases, key policies and rotation.

use secure_account_core::action::KeyRef;
use secure_account_core::action::kms::{CreateAlias, CreateKey, EnableKeyRotation, PutKeyPolicy};
use secure_account_core::snapshot::KeyState;

use crate::faults::CALLER_NAME;
use crate::policy::{self, Principal, Request};

use super::*;

impl Simulate for CreateKey {
    const AWS_LATENCY_MS: u64 = 400;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        key_policy(c, &self.policy)?;
        for (k, v) in &self.tags {
            if k.is_empty() || k.len() > 128 || v.len() > 256 || k.starts_with("aws:") {
                return err("TagException", format!("Invalid tag {k}={v}"));
            }
        }
        Ok(())
    }

    /// The new key, which the services it lets encrypt do not see at once.
    fn starts_propagation(
        &self,
        _: &Check<'_>,
        created_key: Option<&str>,
    ) -> Option<(ResourceKind, String)> {
        created_key.map(|id| (ResourceKind::Key, id.to_string()))
    }
}

impl Simulate for CreateAlias {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (alias_name, target_key) = (&self.alias_name, &self.target_key);
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
}

impl Simulate for PutKeyPolicy {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let key = c.resolve_key(&self.key)?;
        key_usable(key, false)?;
        key_policy(c, &self.policy)
    }

    /// The key's new policy, which the services it lets encrypt do not see at once.
    fn starts_propagation(&self, c: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        c.outputs
            .resolve(&self.key)
            .and_then(|id| c.key_by_id(&id).map(|k| k.key_id.clone()))
            .map(|id| (ResourceKind::Key, id))
    }
}

impl Simulate for EnableKeyRotation {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let key = c.resolve_key(&self.key)?;
        key_usable(key, true)
    }
}

/// The KMS lockout safety check: the new policy must let the caller (through the account)
/// change the policy again.
fn key_policy(c: &Check<'_>, text: &str) -> Result<(), AwsError> {
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

fn key_usable(key: &KmsKey, must_be_enabled: bool) -> Result<(), AwsError> {
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

impl Check<'_> {
    fn caller(&self) -> String {
        format!("arn:aws:iam::{}:user/{CALLER_NAME}", self.account_id())
    }

    /// A key by key id or key ARN (what KMS operations other than `Encrypt` accept).
    fn key_by_id(&self, id: &str) -> Option<&KmsKey> {
        self.keys_in(self.region)
            .iter()
            .find(|k| k.key_id == id || k.arn == id)
    }

    /// The key id a [`KeyRef`] stands for, as KMS would see it (key id or ARN only).
    fn resolve_key(&self, key: &KeyRef) -> Result<&KmsKey, AwsError> {
        let id = match key {
            KeyRef::Existing(id) => id.clone(),
            KeyRef::CreatedBy(action) => self.outputs.resolve(key).ok_or_else(|| {
                AwsError::new(
                    "NotFoundException",
                    format!(
                        "the key that action `{action}` creates is not known: that action has \
                         not run"
                    ),
                )
            })?,
        };
        if id.starts_with("alias/") || id.contains(":alias/") {
            return Err(AwsError::new(
                "NotFoundException",
                format!("Invalid keyId '{id}': specify a key id or key ARN, not an alias"),
            ));
        }
        self.key_by_id(&id).ok_or_else(|| {
            AwsError::new(
                "NotFoundException",
                format!(
                    "Key 'arn:aws:kms:{}:{}:key/{id}' does not exist",
                    self.region,
                    self.account_id()
                ),
            )
        })
    }
}
