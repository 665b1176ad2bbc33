//! S3 writes (buckets) and the account's public access block (S3 Control).

use std::collections::BTreeMap;

use aws_sdk_s3::Client;
use aws_sdk_s3::operation::create_bucket::{
    CreateBucketError, CreateBucketInput, CreateBucketOutput,
};
use aws_sdk_s3::operation::get_bucket_tagging::{GetBucketTaggingError, GetBucketTaggingOutput};
use aws_sdk_s3::operation::put_bucket_encryption::{
    PutBucketEncryptionInput, PutBucketEncryptionOutput,
};
use aws_sdk_s3::operation::put_bucket_lifecycle_configuration::{
    PutBucketLifecycleConfigurationInput, PutBucketLifecycleConfigurationOutput,
};
use aws_sdk_s3::operation::put_bucket_logging::{PutBucketLoggingInput, PutBucketLoggingOutput};
use aws_sdk_s3::operation::put_bucket_ownership_controls::{
    PutBucketOwnershipControlsInput, PutBucketOwnershipControlsOutput,
};
use aws_sdk_s3::operation::put_bucket_policy::{PutBucketPolicyInput, PutBucketPolicyOutput};
use aws_sdk_s3::operation::put_bucket_tagging::{PutBucketTaggingInput, PutBucketTaggingOutput};
use aws_sdk_s3::operation::put_bucket_versioning::{
    PutBucketVersioningInput, PutBucketVersioningOutput,
};
use aws_sdk_s3::operation::put_public_access_block::{
    PutPublicAccessBlockInput, PutPublicAccessBlockOutput,
};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint,
    BucketLoggingStatus, BucketVersioningStatus, CreateBucketConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleAndOperator, LifecycleRuleFilter,
    LoggingEnabled, NoncurrentVersionExpiration, NoncurrentVersionTransition, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, Transition, TransitionStorageClass, VersioningConfiguration,
};
use aws_smithy_mocks::mock;
use aws_smithy_types::DateTime;
use secure_account_core::action::ActionKind;
use secure_account_core::action::{s3, s3control};
use secure_account_core::snapshot::{PublicAccessBlock, VersioningStatus};

use super::{done, exactly, exec};
use crate::s3::lifecycle_rule;
use crate::tests::meta;

pub(super) const KINDS: &[ActionKind] = &[
    ActionKind::CreateBucket,
    ActionKind::PutPublicAccessBlock,
    ActionKind::PutAccountPublicAccessBlock,
    ActionKind::PutBucketOwnershipControls,
    ActionKind::PutBucketEncryption,
    ActionKind::PutBucketVersioning,
    ActionKind::PutBucketPolicy,
    ActionKind::PutBucketLifecycleConfiguration,
    ActionKind::PutBucketLogging,
    ActionKind::PutBucketTagging,
];

const BUCKET: &str = "secure-account-trail-123456789012";

fn tags() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("ManagedBy".to_string(), "secure-account".to_string()),
        ("Purpose".to_string(), "cloudtrail".to_string()),
    ])
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

/// `GetBucketTagging` answering the tags the tool sent: they stuck.
fn tags_stuck() -> aws_smithy_mocks::Rule {
    mock!(Client::get_bucket_tagging).then_output(|| {
        GetBucketTaggingOutput::builder()
            .tag_set(tag("ManagedBy", "secure-account"))
            .tag_set(tag("Purpose", "cloudtrail"))
            .build()
            .unwrap()
    })
}

#[tokio::test]
async fn create_bucket_outside_us_east_1_sends_its_location_and_tags() {
    let rule = mock!(Client::create_bucket)
        .match_requests(exactly(
            CreateBucketInput::builder()
                .bucket(BUCKET)
                .create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::EuWest1)
                        .tags(tag("ManagedBy", "secure-account"))
                        .tags(tag("Purpose", "cloudtrail"))
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateBucketOutput::builder().build());
    let read_back = tags_stuck();
    let s3 = writes!(aws_sdk_s3, [&rule, &read_back]);
    exec(
        s3::CreateBucket {
            bucket: BUCKET.into(),
            location_constraint: Some("eu-west-1".into()),
            tags: tags(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!((rule.num_calls(), read_back.num_calls()), (1, 1));
}

/// moto drops `CreateBucketConfiguration.Tags`: the tags read back lack the tool's, so
/// they are put, merged with what the bucket has.
#[tokio::test]
async fn create_bucket_puts_the_tags_that_did_not_stick_merged_with_the_buckets_own() {
    let create = mock!(Client::create_bucket).then_output(|| CreateBucketOutput::builder().build());
    let read_back = mock!(Client::get_bucket_tagging).then_output(|| {
        GetBucketTaggingOutput::builder()
            .tag_set(tag("team", "platform"))
            .build()
            .unwrap()
    });
    let put = mock!(Client::put_bucket_tagging)
        .match_requests(exactly(
            PutBucketTaggingInput::builder()
                .bucket(BUCKET)
                .tagging(
                    Tagging::builder()
                        .tag_set(tag("ManagedBy", "secure-account"))
                        .tag_set(tag("Purpose", "cloudtrail"))
                        .tag_set(tag("team", "platform"))
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketTaggingOutput::builder().build());
    let none = mock!(Client::create_bucket).then_output(|| CreateBucketOutput::builder().build());
    let no_tag_set = mock!(Client::get_bucket_tagging).then_error(|| {
        GetBucketTaggingError::generic(meta("NoSuchTagSet", "The TagSet does not exist"))
    });
    let put_all = mock!(Client::put_bucket_tagging)
        .match_requests(exactly(
            PutBucketTaggingInput::builder()
                .bucket(BUCKET)
                .tagging(
                    Tagging::builder()
                        .tag_set(tag("ManagedBy", "secure-account"))
                        .tag_set(tag("Purpose", "cloudtrail"))
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketTaggingOutput::builder().build());
    let s3 = writes!(
        aws_sdk_s3,
        [&create, &read_back, &put, &none, &no_tag_set, &put_all]
    );
    for _ in 0..2 {
        exec(
            s3::CreateBucket {
                bucket: BUCKET.into(),
                location_constraint: None,
                tags: tags(),
            },
            &s3,
        )
        .await
        .unwrap();
    }
    assert_eq!((put.num_calls(), put_all.num_calls()), (1, 1));
}

#[tokio::test]
async fn put_bucket_tagging_sends_the_whole_tag_set() {
    let rule = mock!(Client::put_bucket_tagging)
        .match_requests(exactly(
            PutBucketTaggingInput::builder()
                .bucket(BUCKET)
                .tagging(
                    Tagging::builder()
                        .tag_set(tag("ManagedBy", "secure-account"))
                        .tag_set(tag("Purpose", "cloudtrail"))
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketTaggingOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutBucketTagging {
            bucket: BUCKET.into(),
            tags: tags(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn create_bucket_in_us_east_1_sends_no_configuration_unless_tags() {
    let bare = mock!(Client::create_bucket)
        .match_requests(exactly(
            CreateBucketInput::builder().bucket(BUCKET).build().unwrap(),
        ))
        .then_output(|| CreateBucketOutput::builder().build());
    let tagged = mock!(Client::create_bucket)
        .match_requests(exactly(
            CreateBucketInput::builder()
                .bucket(BUCKET)
                .create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .tags(tag("ManagedBy", "secure-account"))
                        .tags(tag("Purpose", "cloudtrail"))
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| CreateBucketOutput::builder().build());
    let read_back = tags_stuck();
    let s3 = writes!(aws_sdk_s3, [&bare, &tagged, &read_back]);
    exec(
        s3::CreateBucket {
            bucket: BUCKET.into(),
            location_constraint: None,
            tags: BTreeMap::new(),
        },
        &s3,
    )
    .await
    .unwrap();
    exec(
        s3::CreateBucket {
            bucket: BUCKET.into(),
            location_constraint: None,
            tags: tags(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!((bare.num_calls(), tagged.num_calls()), (1, 1));
}

#[tokio::test]
async fn a_bucket_already_ours_is_success_and_one_another_account_holds_is_not() {
    let ours = mock!(Client::create_bucket).then_error(|| {
        CreateBucketError::generic(meta(
            "BucketAlreadyOwnedByYou",
            "Your previous request to create the named bucket succeeded and you already own it.",
        ))
    });
    let theirs = mock!(Client::create_bucket).then_error(|| {
        CreateBucketError::generic(meta(
            "BucketAlreadyExists",
            "The requested bucket name is not available.",
        ))
    });
    let read_back = tags_stuck();
    let s3 = writes!(aws_sdk_s3, [&ours, &read_back, &theirs]);
    assert_eq!(
        exec(
            s3::CreateBucket {
                bucket: BUCKET.into(),
                location_constraint: Some("eu-west-1".into()),
                tags: tags()
            },
            &s3
        )
        .await,
        done()
    );
    let e = exec(
        s3::CreateBucket {
            bucket: BUCKET.into(),
            location_constraint: Some("eu-west-1".into()),
            tags: tags(),
        },
        &s3,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, "BucketAlreadyExists");
    assert_eq!(e.message, "The requested bucket name is not available.");
}

fn block() -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: false,
        block_public_policy: true,
        restrict_public_buckets: false,
    }
}

#[tokio::test]
async fn put_public_access_block_sends_each_of_the_four_settings_in_its_place() {
    let rule = mock!(Client::put_public_access_block)
        .match_requests(exactly(
            PutPublicAccessBlockInput::builder()
                .bucket(BUCKET)
                .public_access_block_configuration(
                    PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .ignore_public_acls(false)
                        .block_public_policy(true)
                        .restrict_public_buckets(false)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutPublicAccessBlockOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutPublicAccessBlock {
            bucket: BUCKET.into(),
            configuration: block(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn the_accounts_public_access_block_goes_to_s3_control_with_the_account_id() {
    use aws_sdk_s3control::operation::put_public_access_block::{
        PutPublicAccessBlockInput, PutPublicAccessBlockOutput,
    };
    let rule = mock!(aws_sdk_s3control::Client::put_public_access_block)
        .match_requests(exactly(
            PutPublicAccessBlockInput::builder()
                .account_id("123456789012")
                .public_access_block_configuration(
                    aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .ignore_public_acls(false)
                        .block_public_policy(true)
                        .restrict_public_buckets(false)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutPublicAccessBlockOutput::builder().build());
    let s3control = writes!(aws_sdk_s3control, [&rule]);
    exec(
        s3control::PutAccountPublicAccessBlock {
            configuration: block(),
        },
        &s3control,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn put_bucket_ownership_controls_sends_one_rule() {
    let rule = mock!(Client::put_bucket_ownership_controls)
        .match_requests(exactly(
            PutBucketOwnershipControlsInput::builder()
                .bucket(BUCKET)
                .ownership_controls(
                    OwnershipControls::builder()
                        .rules(
                            OwnershipControlsRule::builder()
                                .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketOwnershipControlsOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutBucketOwnershipControls {
            bucket: BUCKET.into(),
            object_ownership: "BucketOwnerEnforced".into(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

fn encryption(algorithm: ServerSideEncryption, key: Option<&str>) -> PutBucketEncryptionInput {
    PutBucketEncryptionInput::builder()
        .bucket(BUCKET)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(algorithm)
                                .set_kms_master_key_id(key.map(str::to_string))
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn put_bucket_encryption_sends_the_kms_key_only_when_one_is_named() {
    let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let kms = mock!(Client::put_bucket_encryption)
        .match_requests(exactly(encryption(ServerSideEncryption::AwsKms, Some(key))))
        .then_output(|| PutBucketEncryptionOutput::builder().build());
    let aes = mock!(Client::put_bucket_encryption)
        .match_requests(exactly(encryption(ServerSideEncryption::Aes256, None)))
        .then_output(|| PutBucketEncryptionOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&kms, &aes]);
    exec(
        s3::PutBucketEncryption {
            bucket: BUCKET.into(),
            sse_algorithm: "aws:kms".into(),
            kms_master_key_id: Some(key.into()),
        },
        &s3,
    )
    .await
    .unwrap();
    exec(
        s3::PutBucketEncryption {
            bucket: BUCKET.into(),
            sse_algorithm: "AES256".into(),
            kms_master_key_id: None,
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!((kms.num_calls(), aes.num_calls()), (1, 1));
}

#[tokio::test]
async fn put_bucket_versioning_sends_the_status_and_no_mfa_delete() {
    let rule = mock!(Client::put_bucket_versioning)
        .match_requests(exactly(
            PutBucketVersioningInput::builder()
                .bucket(BUCKET)
                .versioning_configuration(
                    VersioningConfiguration::builder()
                        .status(BucketVersioningStatus::Enabled)
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketVersioningOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutBucketVersioning {
            bucket: BUCKET.into(),
            status: VersioningStatus::Enabled,
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn put_bucket_policy_sends_the_document_as_planned() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::b"}]}"#;
    let rule = mock!(Client::put_bucket_policy)
        .match_requests(exactly(
            PutBucketPolicyInput::builder()
                .bucket(BUCKET)
                .policy(policy)
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketPolicyOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutBucketPolicy {
            bucket: BUCKET.into(),
            policy: policy.into(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn put_bucket_logging_sends_its_target() {
    let rule = mock!(Client::put_bucket_logging)
        .match_requests(exactly(
            PutBucketLoggingInput::builder()
                .bucket(BUCKET)
                .bucket_logging_status(
                    BucketLoggingStatus::builder()
                        .logging_enabled(
                            LoggingEnabled::builder()
                                .target_bucket("access-logs")
                                .target_prefix("trail/")
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketLoggingOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutBucketLogging {
            bucket: BUCKET.into(),
            target_bucket: "access-logs".into(),
            target_prefix: "trail/".into(),
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

/// A rule with every field the S3 model has (some combinations AWS would refuse; the
/// mapping must carry each field anyway).
#[allow(deprecated)]
fn every_field() -> LifecycleRule {
    LifecycleRule::builder()
        .id("archive")
        .status(ExpirationStatus::Enabled)
        .prefix("legacy/")
        .filter(
            LifecycleRuleFilter::builder()
                .prefix("logs/")
                .tag(tag("class", "log"))
                .object_size_greater_than(1024)
                .object_size_less_than(1 << 40)
                .and(
                    LifecycleRuleAndOperator::builder()
                        .prefix("logs/2024/")
                        .tags(tag("class", "log"))
                        .tags(tag("keep", "no"))
                        .object_size_greater_than(1)
                        .object_size_less_than(1 << 30)
                        .build(),
                )
                .build(),
        )
        .expiration(
            LifecycleExpiration::builder()
                .days(3650)
                .date(DateTime::from_secs(1_893_456_000))
                .expired_object_delete_marker(false)
                .build(),
        )
        .transitions(
            Transition::builder()
                .days(30)
                .storage_class(TransitionStorageClass::StandardIa)
                .build(),
        )
        .transitions(
            Transition::builder()
                .date(DateTime::from_secs(1_767_225_600))
                .storage_class(TransitionStorageClass::DeepArchive)
                .build(),
        )
        .noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .noncurrent_days(365)
                .newer_noncurrent_versions(3)
                .build(),
        )
        .noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .noncurrent_days(30)
                .newer_noncurrent_versions(2)
                .storage_class(TransitionStorageClass::GlacierIr)
                .build(),
        )
        .abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(7)
                .build(),
        )
        .build()
        .unwrap()
}

fn expire_logs() -> LifecycleRule {
    LifecycleRule::builder()
        .id("expire-logs")
        .status(ExpirationStatus::Disabled)
        .filter(LifecycleRuleFilter::builder().prefix("AWSLogs/").build())
        .expiration(LifecycleExpiration::builder().days(400).build())
        .build()
        .unwrap()
}

#[test]
fn a_lifecycle_rule_with_every_field_round_trips_through_the_json_the_reads_write() {
    for rule in [every_field(), expire_logs()] {
        let text = crate::s3::lifecycle_rule_json(&rule).to_string();
        let back = lifecycle_rule(rule.id().unwrap(), &text).unwrap();
        assert_eq!(back, rule, "{text}");
    }
}

#[test]
fn a_lifecycle_rule_without_an_id_takes_the_plans_key() {
    let rule = lifecycle_rule("from-the-plan", r#"{"Status":"Enabled","Filter":{}}"#).unwrap();
    assert_eq!(rule.id(), Some("from-the-plan"));
    assert_eq!(rule.status(), &ExpirationStatus::Enabled);
}

#[tokio::test]
async fn put_bucket_lifecycle_configuration_sends_every_rule_as_read() {
    let rules: BTreeMap<String, String> = [every_field(), expire_logs()]
        .iter()
        .map(|r| {
            (
                r.id().unwrap().to_string(),
                crate::s3::lifecycle_rule_json(r).to_string(),
            )
        })
        .collect();
    let rule = mock!(Client::put_bucket_lifecycle_configuration)
        .match_requests(exactly(
            PutBucketLifecycleConfigurationInput::builder()
                .bucket(BUCKET)
                .lifecycle_configuration(
                    BucketLifecycleConfiguration::builder()
                        .rules(every_field())
                        .rules(expire_logs())
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        ))
        .then_output(|| PutBucketLifecycleConfigurationOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    exec(
        s3::PutBucketLifecycleConfiguration {
            bucket: BUCKET.into(),
            rules,
        },
        &s3,
    )
    .await
    .unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn a_lifecycle_rule_with_an_unknown_field_is_refused_before_any_call() {
    let rule = mock!(Client::put_bucket_lifecycle_configuration)
        .then_output(|| PutBucketLifecycleConfigurationOutput::builder().build());
    let s3 = writes!(aws_sdk_s3, [&rule]);
    for (id, text) in [
        ("top", r#"{"ID":"top","Status":"Enabled","Shiny":true}"#),
        (
            "nested",
            r#"{"ID":"nested","Status":"Enabled","Filter":{"Prefix":"a/","Colour":"red"}}"#,
        ),
        (
            "transition",
            r#"{"ID":"transition","Status":"Enabled","Transitions":[{"Days":1,"StorageClass":"GLACIER","Size":2}]}"#,
        ),
        ("not-json", "{"),
    ] {
        let mut rules = BTreeMap::from([(
            "expire-logs".to_string(),
            crate::s3::lifecycle_rule_json(&expire_logs()).to_string(),
        )]);
        rules.insert(id.to_string(), text.to_string());
        let e = exec(
            s3::PutBucketLifecycleConfiguration {
                bucket: BUCKET.into(),
                rules,
            },
            &s3,
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, "secure-account:InvalidParameter", "{id}");
        assert!(
            e.message
                .starts_with(&format!("lifecycle rule `{id}` cannot be written")),
            "{e}"
        );
    }
    assert_eq!(rule.num_calls(), 0);
}
