//! KMS writes (regional).

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use aws_sdk_kms::types::{KeySpec, KeyUsageType, Tag};
use secure_account_core::AwsError;

use super::invalid;
use crate::error::aws;

/// `kms:CreateKey`: a symmetric encryption key with its policy and tags (`kms:TagResource`).
/// Returns the new key's id. Not idempotent: each call that AWS processes makes a key.
pub async fn create_key(
    kms: &Client,
    description: &str,
    policy: &str,
    tags: &BTreeMap<String, String>,
) -> Result<String, AwsError> {
    let mut request = kms
        .create_key()
        .description(description)
        .policy(policy)
        .key_spec(KeySpec::SymmetricDefault)
        .key_usage(KeyUsageType::EncryptDecrypt);
    for (k, v) in tags {
        request = request.tags(
            Tag::builder()
                .tag_key(k)
                .tag_value(v)
                .build()
                .map_err(|e| invalid(format!("tag `{k}`: {e}")))?,
        );
    }
    let out = request.send().await.map_err(aws("kms:CreateKey"))?;
    out.key_metadata()
        .map(|m| m.key_id().to_string())
        .ok_or_else(|| {
            AwsError::new(
                "UnparsableResponse",
                "kms:CreateKey answered without the new key's metadata",
            )
        })
}

/// `kms:CreateAlias`.
pub async fn create_alias(kms: &Client, alias_name: &str, key_id: &str) -> Result<(), AwsError> {
    kms.create_alias()
        .alias_name(alias_name)
        .target_key_id(key_id)
        .send()
        .await
        .map_err(aws("kms:CreateAlias"))?;
    Ok(())
}

/// `kms:PutKeyPolicy` (the policy named `default`, the only one KMS has).
pub async fn put_key_policy(kms: &Client, key_id: &str, policy: &str) -> Result<(), AwsError> {
    kms.put_key_policy()
        .key_id(key_id)
        .policy_name("default")
        .policy(policy)
        .send()
        .await
        .map_err(aws("kms:PutKeyPolicy"))?;
    Ok(())
}

/// `kms:EnableKeyRotation` (already enabled stays enabled: the call is idempotent).
pub async fn enable_key_rotation(kms: &Client, key_id: &str) -> Result<(), AwsError> {
    kms.enable_key_rotation()
        .key_id(key_id)
        .send()
        .await
        .map_err(aws("kms:EnableKeyRotation"))?;
    Ok(())
}
