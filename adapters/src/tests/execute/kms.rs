//! KMS writes. The resolution of a key created earlier in the run (`KeyRef::CreatedBy`)
//! goes through `execute::execute` in `through_clients.rs`.

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use aws_sdk_kms::operation::create_alias::{CreateAliasError, CreateAliasInput, CreateAliasOutput};
use aws_sdk_kms::operation::create_key::{CreateKeyInput, CreateKeyOutput};
use aws_sdk_kms::operation::enable_key_rotation::{
    EnableKeyRotationInput, EnableKeyRotationOutput,
};
use aws_sdk_kms::operation::put_key_policy::{PutKeyPolicyInput, PutKeyPolicyOutput};
use aws_sdk_kms::types::{KeyMetadata, KeySpec, KeyUsageType, Tag};
use aws_smithy_mocks::mock;
use secure_account_core::KeyRef;
use secure_account_core::action::ActionKind;
use secure_account_core::action::kms;

use super::{exactly, exec, exec_with};
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::CreateKey,
    ActionKind::CreateAlias,
    ActionKind::PutKeyPolicy,
    ActionKind::EnableKeyRotation,
];

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#;
const KEY: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().tag_key(k).tag_value(v).build().unwrap()
}

#[tokio::test]
async fn create_key_sends_a_symmetric_key_with_its_policy_and_tags_and_returns_its_id() {
    let rule = mock!(Client::create_key)
        .match_requests(exactly(
            CreateKeyInput::builder()
                .description("secure-account: CloudTrail logs")
                .policy(POLICY)
                .key_spec(KeySpec::SymmetricDefault)
                .key_usage(KeyUsageType::EncryptDecrypt)
                .tags(tag("ManagedBy", "secure-account"))
                .tags(tag("Purpose", "cloudtrail"))
                .build()
                .unwrap(),
        ))
        .then_output(|| {
            CreateKeyOutput::builder()
                .key_metadata(KeyMetadata::builder().key_id(KEY).build().unwrap())
                .build()
        });
    let kms = writes!(aws_sdk_kms, [&rule]);
    let tags = BTreeMap::from([
        ("Purpose".to_string(), "cloudtrail".to_string()),
        ("ManagedBy".to_string(), "secure-account".to_string()),
    ]);
    let out = exec(
        kms::CreateKey {
            description: "secure-account: CloudTrail logs".into(),
            policy: POLICY.into(),
            tags,
        },
        &kms,
    )
    .await
    .unwrap();
    assert_eq!(out.created_key_id.as_deref(), Some(KEY));
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn create_key_answered_without_metadata_is_unparsable_not_an_empty_key_id() {
    let rule = mock!(Client::create_key).then_output(|| CreateKeyOutput::builder().build());
    let kms = writes!(aws_sdk_kms, [&rule]);
    let e = exec(
        kms::CreateKey {
            description: "d".into(),
            policy: POLICY.into(),
            tags: BTreeMap::new(),
        },
        &kms,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "secure-account:UnparsableResponse");
}

#[tokio::test]
async fn create_alias_names_the_key() {
    let rule = mock!(Client::create_alias)
        .match_requests(exactly(
            CreateAliasInput::builder()
                .alias_name("alias/secure-account-trail")
                .target_key_id(KEY)
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateAliasOutput::builder().build());
    let taken = mock!(Client::create_alias).then_error(|| {
        CreateAliasError::generic(meta(
            "AlreadyExistsException",
            "An alias with the name arn:aws:kms:eu-west-1:123456789012:alias/secure-account-trail already exists",
        ))
    });
    let kms = writes!(aws_sdk_kms, [&rule, &taken]);
    // The alias names another key: `DescribeKey` of the alias, through the read client.
    let other = mock!(Client::describe_key)
        .match_requests(|r| r.key_id() == Some("alias/secure-account-trail"))
        .then_output(|| described("9999abcd-12ab-34cd-56ef-1234567890ab"));
    let reads = writes!(aws_sdk_kms, [&other]);
    let alias = || kms::CreateAlias {
        alias_name: "alias/secure-account-trail".into(),
        target_key: KeyRef::Existing(KEY.into()),
    };
    exec_with(alias(), &kms, &reads).await.unwrap();
    // An alias taken since the snapshot, by another key, is not adopted.
    let e = exec_with(alias(), &kms, &reads).await.unwrap_err();
    assert_eq!(e.code, "AlreadyExistsException");
    assert_eq!(
        (rule.num_calls(), taken.num_calls(), other.num_calls()),
        (1, 1, 1)
    );
}

/// `DescribeKey`'s answer for the customer managed key `id`.
fn described(id: &str) -> aws_sdk_kms::operation::describe_key::DescribeKeyOutput {
    aws_sdk_kms::operation::describe_key::DescribeKeyOutput::builder()
        .key_metadata(
            KeyMetadata::builder()
                .key_id(id)
                .arn(format!("arn:aws:kms:us-east-1:123456789012:key/{id}"))
                .build()
                .unwrap(),
        )
        .build()
}

/// A `CreateAlias` sent again after its answer was lost finds the alias there already,
/// naming this very key: success, not a conflict.
#[tokio::test]
async fn an_alias_that_already_names_the_key_is_success() {
    let taken = mock!(Client::create_alias).then_error(|| {
        CreateAliasError::generic(meta(
            "AlreadyExistsException",
            "An alias with the name arn:aws:kms:us-east-1:123456789012:alias/secure-account-trail already exists",
        ))
    });
    let same = mock!(Client::describe_key)
        .match_requests(|r| r.key_id() == Some("alias/secure-account-trail"))
        .then_output(|| described(KEY));
    let writes = writes!(aws_sdk_kms, [&taken]);
    let reads = writes!(aws_sdk_kms, [&same]);
    exec_with(
        kms::CreateAlias {
            alias_name: "alias/secure-account-trail".into(),
            target_key: KeyRef::Existing(KEY.into()),
        },
        &writes,
        &reads,
    )
    .await
    .unwrap();
    assert_eq!((taken.num_calls(), same.num_calls()), (1, 1));
}

#[tokio::test]
async fn put_key_policy_sends_the_default_policy_of_the_key() {
    let rule = mock!(Client::put_key_policy)
        .match_requests(exactly(
            PutKeyPolicyInput::builder()
                .key_id(KEY)
                .policy_name("default")
                .policy(POLICY)
                .build()
                .unwrap(),
        ))
        .then_output(|| PutKeyPolicyOutput::builder().build());
    let kms = writes!(aws_sdk_kms, [&rule]);
    exec(
        kms::PutKeyPolicy {
            key: KeyRef::Existing(KEY.into()),
            policy: POLICY.into(),
        },
        &kms,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn enable_key_rotation_names_the_key_and_nothing_else() {
    let rule = mock!(Client::enable_key_rotation)
        .match_requests(exactly(
            EnableKeyRotationInput::builder()
                .key_id(KEY)
                .build()
                .unwrap(),
        ))
        .then_output(|| EnableKeyRotationOutput::builder().build());
    let kms = writes!(aws_sdk_kms, [&rule]);
    exec(
        kms::EnableKeyRotation {
            key: KeyRef::Existing(KEY.into()),
        },
        &kms,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}
