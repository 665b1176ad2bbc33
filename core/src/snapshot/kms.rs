//! KMS: the region's customer managed keys; reading them; the trail's key (created,
//! aliased, its policy converged, rotation on).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AwsError, PartFacts, Reach};

// ---- state ----

/// A customer managed key. Its details (state, rotation, policy, tags) come from calls on
/// the key itself, which its key policy may refuse this account (a customer's key whose
/// policy does not grant the account): then only the key's id, ARN and aliases (from the
/// region's lists) are known, `read_error` says why, and the other fields mean nothing.
/// One such key leaves the region's other keys readable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct KmsKey {
    pub key_id: String,
    pub arn: String,
    pub aliases: Vec<String>,
    pub key_state: KeyState,
    pub rotation_enabled: bool,
    /// The key policy (JSON text).
    pub policy: String,
    pub tags: BTreeMap<String, String>,
    /// The error of the key's own reads (`kms:DescribeKey`, `kms:GetKeyPolicy`, …), when
    /// one failed: the key is unreadable, not absent, and nothing is planned on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_error: Option<AwsError>,
}

impl KmsKey {
    /// A key whose own reads failed with `error`: its id, ARN and aliases only.
    pub fn unreadable(key_id: String, arn: String, aliases: Vec<String>, error: AwsError) -> Self {
        KmsKey {
            key_id,
            arn,
            aliases,
            read_error: Some(error),
            ..KmsKey::default()
        }
    }

    /// Whether the key's details were read.
    pub fn readable(&self) -> bool {
        self.read_error.is_none()
    }
}

/// A KMS key's state (`kms:DescribeKey` `KeyMetadata.KeyState`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum KeyState {
    Creating,
    #[default]
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    PendingReplicaDeletion,
    Unavailable,
    Updating,
}

impl KeyState {
    /// AWS's spelling (`PendingDeletion`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Scheduled for deletion (KMS.3 fails).
    pub fn pending_deletion(self) -> bool {
        match self {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => true,
            KeyState::Creating
            | KeyState::Enabled
            | KeyState::Disabled
            | KeyState::PendingImport
            | KeyState::Unavailable
            | KeyState::Updating => false,
        }
    }
}

impl std::fmt::Display for KeyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---- reads ----

/// `kms_keys`: the customer managed keys with aliases, state, rotation, policy and tags.
pub const READ_KEYS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "kms",
    iam_actions: &[
        "kms:ListKeys",
        "kms:ListAliases",
        "kms:DescribeKey",
        "kms:GetKeyRotationStatus",
        "kms:GetKeyPolicy",
        "kms:ListResourceTags",
    ],
};
