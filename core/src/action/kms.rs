//! KMS: the region's customer managed keys; reading them; the trail's key (created,
//! aliased, its policy converged, rotation on).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, IamResource, KeyRef, Operation, known,
};
use crate::part::Part;
use crate::snapshot::AwsError;
use crate::snapshot::kms::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_kms {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            kms::CreateKey,
            kms::CreateAlias,
            kms::PutKeyPolicy,
            kms::EnableKeyRotation,
        ] $rest }
    };
}

/// What every key operation shares: a key created a moment ago answers
/// `NotFoundException` until it is visible (eventual consistency; elsewhere that code means
/// the thing really is absent).
///
/// KMS's own faults are transient too (`KMSInternalException`, HTTP 500;
/// `DependencyTimeoutException`, HTTP 503), and `KMSInvalidStateException` while a key
/// created a moment ago still settles (the planner acts only on keys it read `Enabled`).
const KMS: ActionFacts = ActionFacts {
    service: "kms",
    reads: &[Part::KmsKeys, Part::Trails],
    transient: &[
        ("NotFoundException", ErrorClass::ResourcePropagation),
        ("KMSInvalidStateException", ErrorClass::ResourcePropagation),
        ("KMSInternalException", ErrorClass::Throttling),
        ("DependencyTimeoutException", ErrorClass::Throttling),
    ],
    ..ActionFacts::DEFAULT
};

/// `kms:CreateKey`: a symmetric customer managed key with its policy and tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateKey {
    pub description: String,
    pub policy: String,
    pub tags: BTreeMap<String, String>,
}

impl Operation for CreateKey {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["kms:CreateKey", "kms:TagResource"],
        resource: IamResource::NewTrailKey,
        change: Change::Create,
        controls: &["CloudTrail.2"],
        // `CreateKey` takes no idempotency token: a timed-out call sent again could make a
        // second key, so its timeout is final.
        resend_after_timeout: false,
        ..KMS
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let key_id = e.next_id("key");
        let arn = format!("arn:aws:kms:{}:{}:key/{key_id}", e.region(), e.account_id());
        let keys = known(&mut e.regional()?.kms_keys, "KMS keys")?;
        keys.push(KmsKey {
            arn,
            key_id: key_id.clone(),
            aliases: vec![],
            key_state: KeyState::Enabled,
            rotation_enabled: false,
            policy: self.policy.clone(),
            tags: self.tags.clone(),
            read_error: None,
        });
        e.created_key(key_id);
        Ok(())
    }
}

/// `kms:CreateAlias`. Precondition: the alias is free, the key exists. An alias that
/// names this key already is success (`kms:DescribeKey` of the alias tells, after AWS's
/// `AlreadyExistsException`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateAlias {
    pub alias_name: String,
    pub target_key: KeyRef,
}

impl Operation for CreateAlias {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["kms:CreateAlias", "kms:DescribeKey"],
        resource: IamResource::TrailKeyAlias,
        change: Change::Create,
        ..KMS
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let id = e.resolve(&self.target_key)?;
        key_mut(e, &id)?.aliases.push(self.alias_name.clone());
        Ok(())
    }
}

/// `kms:PutKeyPolicy` (policy name `default`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutKeyPolicy {
    pub key: KeyRef,
    pub policy: String,
}

impl Operation for PutKeyPolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["kms:PutKeyPolicy"],
        resource: IamResource::TaggedTrailKey,
        ..KMS
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let id = e.resolve(&self.key)?;
        key_mut(e, &id)?.policy = self.policy.clone();
        Ok(())
    }
}

/// `kms:EnableKeyRotation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnableKeyRotation {
    pub key: KeyRef,
}

impl Operation for EnableKeyRotation {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["kms:EnableKeyRotation"],
        // Any key: rotation is turned on seconds after `CreateKey`, when the key's tag may
        // not authorise yet (see `IamResource::TrailKeyAlias`); it weakens no key.
        change: Change::Create,
        ..KMS
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let id = e.resolve(&self.key)?;
        key_mut(e, &id)?.rotation_enabled = true;
        Ok(())
    }
}

fn key_mut<'e>(e: &'e mut Effect<'_>, id: &str) -> Result<&'e mut KmsKey, AwsError> {
    known(&mut e.regional()?.kms_keys, "KMS keys")?
        .iter_mut()
        .find(|k| k.key_id == id || k.arn == id || k.aliases.iter().any(|a| a == id))
        .ok_or_else(|| AwsError::new("NotFoundException", format!("key `{id}` does not exist")))
}
