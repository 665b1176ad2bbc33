//! KMS: the region's customer managed keys with aliases, rotation, policy and tags
//! (regional); the trail's key: created, aliased, its policy converged, rotation on.

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use aws_sdk_kms::error::ProvideErrorMetadata;
use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyUsageType, Tag};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::kms::{CreateAlias, CreateKey, EnableKeyRotation, PutKeyPolicy};
use secure_account_core::snapshot::{KeyState, KmsKey};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute, invalid};
use crate::util::{ITEM_CONCURRENCY, normalize_json};

// ---- reads ----

/// `kms:ListKeys` and `kms:ListAliases`, then per key `kms:DescribeKey` (AWS managed keys
/// are left out), `kms:GetKeyRotationStatus`, `kms:GetKeyPolicy` and
/// `kms:ListResourceTags`. A key whose own calls fail (a customer's key whose policy does
/// not let this account read it) is kept unreadable, with the error
/// ([`KmsKey::unreadable`]): the other keys of the region stay readable.
pub async fn read_keys(kms: &Client) -> Result<Vec<KmsKey>, AwsError> {
    let (keys, aliases) = futures::try_join!(
        async {
            kms.list_keys()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("kms:ListKeys"))
        },
        async {
            kms.list_aliases()
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws("kms:ListAliases"))
        },
    )?;
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &aliases {
        if let (Some(target), Some(name)) = (a.target_key_id(), a.alias_name()) {
            by_key
                .entry(target.to_string())
                .or_default()
                .push(name.to_string());
        }
    }
    let by_key = &by_key;
    let keys: Vec<Option<KmsKey>> = futures::stream::iter(keys)
        .filter_map(|k| async move {
            let id = k.key_id()?.to_string();
            Some((id, k.key_arn().unwrap_or_default().to_string()))
        })
        .map(|(id, arn)| async move {
            let mut aliases = by_key.get(&id).cloned().unwrap_or_default();
            aliases.sort();
            match read_key(kms, &id, aliases.clone()).await {
                Ok(key) => Ok(key),
                Err(e) => Ok::<_, AwsError>(Some(KmsKey::unreadable(id, arn, aliases, e))),
            }
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    let mut keys: Vec<KmsKey> = keys.into_iter().flatten().collect();
    keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    Ok(keys)
}

/// The details of the key `id` (`None` for an AWS managed key), with its `aliases`.
async fn read_key(
    kms: &Client,
    id: &str,
    aliases: Vec<String>,
) -> Result<Option<KmsKey>, AwsError> {
    let id = id.to_string();
    let described = kms
        .describe_key()
        .key_id(&id)
        .send()
        .await
        .map_err(aws("kms:DescribeKey"))?;
    let Some(meta) = described.key_metadata() else {
        return Ok(None);
    };
    if meta.key_manager() == Some(&KeyManagerType::Aws) {
        return Ok(None);
    }
    // Rotation is not offered for asymmetric, HMAC and imported keys, and cannot
    // be read from a key pending deletion: those count as not rotating.
    let rotation_enabled = match kms.get_key_rotation_status().key_id(&id).send().await {
        Ok(out) => out.key_rotation_enabled(),
        Err(e)
            if matches!(
                e.code(),
                Some("UnsupportedOperationException" | "KMSInvalidStateException")
            ) =>
        {
            false
        }
        Err(e) => return Err(aws("kms:GetKeyRotationStatus")(e)),
    };
    let policy = kms
        .get_key_policy()
        .key_id(&id)
        .policy_name("default")
        .send()
        .await
        .map_err(aws("kms:GetKeyPolicy"))?;
    let tags: Vec<_> = kms
        .list_resource_tags()
        .key_id(&id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("kms:ListResourceTags"))?;
    Ok(Some(KmsKey {
        key_id: id,
        arn: meta.arn().unwrap_or_default().to_string(),
        aliases,
        key_state: key_state(meta.key_state())?,
        rotation_enabled,
        policy: policy.policy().map(normalize_json).unwrap_or_default(),
        tags: tags
            .iter()
            .map(|t| (t.tag_key().to_string(), t.tag_value().to_string()))
            .collect(),
        read_error: None,
    }))
}

/// The key state as the snapshot keeps it. A state this version does not know makes the
/// read fail rather than guess.
pub fn key_state(s: Option<&aws_sdk_kms::types::KeyState>) -> Result<KeyState, AwsError> {
    use aws_sdk_kms::types::KeyState as Sdk;
    Ok(match s {
        Some(Sdk::Creating) => KeyState::Creating,
        Some(Sdk::Enabled) => KeyState::Enabled,
        Some(Sdk::Disabled) => KeyState::Disabled,
        Some(Sdk::PendingDeletion) => KeyState::PendingDeletion,
        Some(Sdk::PendingImport) => KeyState::PendingImport,
        Some(Sdk::PendingReplicaDeletion) => KeyState::PendingReplicaDeletion,
        Some(Sdk::Unavailable) => KeyState::Unavailable,
        Some(Sdk::Updating) => KeyState::Updating,
        Some(other) => {
            return Err(crate::error::unknown_value(
                "kms:DescribeKey",
                "KeyState",
                other.as_str(),
            ));
        }
        None => {
            return Err(crate::error::unknown_value(
                "kms:DescribeKey",
                "KeyState",
                "",
            ));
        }
    })
}

// ---- actions ----
//
// The key of `create_alias`, `put_key_policy` and `enable_key_rotation` is an existing
// one, or the one an earlier `create_key` of the run made ([`Exec::key_id`]).

/// `kms:CreateKey`: a symmetric encryption key with its policy and tags (`kms:TagResource`).
/// Answers the new key's id ([`ActionOutput::created_key_id`]). Not idempotent: each call
/// that AWS processes makes a key.
impl Execute for CreateKey {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let mut request = cx
            .writes
            .kms(cx.region)
            .create_key()
            .description(&self.description)
            .policy(&self.policy)
            .key_spec(KeySpec::SymmetricDefault)
            .key_usage(KeyUsageType::EncryptDecrypt);
        for (k, v) in &self.tags {
            request = request.tags(
                Tag::builder()
                    .tag_key(k)
                    .tag_value(v)
                    .build()
                    .map_err(|e| invalid(format!("tag `{k}`: {e}")))?,
            );
        }
        let out = request.send().await.map_err(aws("kms:CreateKey"))?;
        let key_id = out
            .key_metadata()
            .map(|m| m.key_id().to_string())
            .ok_or_else(|| {
                AwsError::new(
                    AwsError::UNPARSABLE_RESPONSE,
                    "kms:CreateKey answered without the new key's metadata",
                )
            })?;
        Ok(ActionOutput {
            created_key_id: Some(key_id),
            ..ActionOutput::default()
        })
    }
}

/// `kms:CreateAlias`. An alias that exists already (`AlreadyExistsException`) is success
/// when it names this very key (a call sent again after a timeout, or a run interrupted
/// after it): `kms:DescribeKey` of the alias, through the read clients, tells. An alias
/// naming another key stays the conflict AWS answered.
impl Execute for CreateAlias {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let key_id = cx.key_id(&self.target_key)?;
        let created = cx
            .writes
            .kms(cx.region)
            .create_alias()
            .alias_name(&self.alias_name)
            .target_key_id(&key_id)
            .send()
            .await
            .map_err(aws("kms:CreateAlias"));
        match created {
            Err(e) if e.code == "AlreadyExistsException" => {
                let named = cx
                    .reads
                    .kms(cx.region)
                    .describe_key()
                    .key_id(&self.alias_name)
                    .send()
                    .await
                    .map_err(aws("kms:DescribeKey"))?;
                let same = named
                    .key_metadata()
                    .is_some_and(|m| m.key_id() == key_id || m.arn() == Some(key_id.as_str()));
                if same {
                    Ok(ActionOutput::default())
                } else {
                    Err(e)
                }
            }
            other => other.map(|_| ActionOutput::default()),
        }
    }
}

/// `kms:PutKeyPolicy` (the policy named `default`, the only one KMS has).
impl Execute for PutKeyPolicy {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let key_id = cx.key_id(&self.key)?;
        cx.writes
            .kms(cx.region)
            .put_key_policy()
            .key_id(key_id)
            .policy_name("default")
            .policy(&self.policy)
            .send()
            .await
            .map_err(aws("kms:PutKeyPolicy"))?;
        Ok(ActionOutput::default())
    }
}

/// `kms:EnableKeyRotation` (already enabled stays enabled: the call is idempotent).
impl Execute for EnableKeyRotation {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let key_id = cx.key_id(&self.key)?;
        cx.writes
            .kms(cx.region)
            .enable_key_rotation()
            .key_id(key_id)
            .send()
            .await
            .map_err(aws("kms:EnableKeyRotation"))?;
        Ok(ActionOutput::default())
    }
}
