//! KMS's preconditions and error codes, and the key a plan refers to by the action that
//! created it.

use secure_account_core::action::kms;

use super::*;

#[tokio::test(start_paused = true)]
async fn kms_errors() {
    let mut h = H::fresh();
    let key = h
        .ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    let alias = |target: KeyRef| {
        Action::CreateAlias(kms::CreateAlias {
            alias_name: "alias/trail_encrypt_key".into(),
            target_key: target,
        })
    };
    h.ok(HOME, alias(KeyRef::Existing(key.clone()))).await;
    h.code(
        HOME,
        alias(KeyRef::Existing(key.clone())),
        "AlreadyExistsException",
    )
    .await;
    // Aliases are regional: the same alias may exist in another region.
    let eu_key = h
        .ok("eu-west-1", create_key(root_only_key_policy()))
        .await
        .unwrap();
    h.ok("eu-west-1", alias(KeyRef::Existing(eu_key))).await;
    h.code(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing("11111111-2222-4333-8444-555555555555".into()),
        }),
        "NotFoundException",
    )
    .await;
    // A key of another region is not found here.
    h.code(
        "eu-west-2",
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing(key.clone()),
        }),
        "NotFoundException",
    )
    .await;
    h.code(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::CreatedBy("never-ran".into()),
        }),
        "NotFoundException",
    )
    .await;
    let lockout = json!({"Statement": [{"Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}]})
    .to_string();
    h.code(
        HOME,
        create_key(lockout.clone()),
        "MalformedPolicyDocumentException",
    )
    .await;
    h.code(
        HOME,
        Action::PutKeyPolicy(kms::PutKeyPolicy {
            key: KeyRef::Existing(key.clone()),
            policy: lockout,
        }),
        "MalformedPolicyDocumentException",
    )
    .await;
    h.ok(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing(key),
        }),
    )
    .await;
    assert!(h.services(HOME).kms_keys.known().unwrap()[0].rotation_enabled);
}

#[tokio::test(start_paused = true)]
async fn created_key_is_resolved_through_outputs() {
    let mut h = H::fresh();
    h.ok(HOME, create_key(root_only_key_policy()))
        .await
        .unwrap();
    let creator = h.outputs.key_ids.keys().next().unwrap().clone();
    h.ok(
        HOME,
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::CreatedBy(creator),
        }),
    )
    .await;
}
