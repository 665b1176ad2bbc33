use aws_sdk_s3::Client;
use aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput;
use aws_sdk_s3::operation::get_bucket_encryption::{
    GetBucketEncryptionError, GetBucketEncryptionOutput,
};
use aws_sdk_s3::operation::get_bucket_lifecycle_configuration::{
    GetBucketLifecycleConfigurationError, GetBucketLifecycleConfigurationOutput,
};
use aws_sdk_s3::operation::get_bucket_location::GetBucketLocationOutput;
use aws_sdk_s3::operation::get_bucket_logging::GetBucketLoggingOutput;
use aws_sdk_s3::operation::get_bucket_ownership_controls::{
    GetBucketOwnershipControlsError, GetBucketOwnershipControlsOutput,
};
use aws_sdk_s3::operation::get_bucket_policy::{GetBucketPolicyError, GetBucketPolicyOutput};
use aws_sdk_s3::operation::get_bucket_tagging::{GetBucketTaggingError, GetBucketTaggingOutput};
use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::operation::get_public_access_block::{
    GetPublicAccessBlockError, GetPublicAccessBlockOutput,
};
use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
use aws_sdk_s3::primitives::DateTime;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, Bucket, BucketLocationConstraint, BucketVersioningStatus,
    ExpirationStatus, Grant, Grantee, LifecycleExpiration, LifecycleRule, LifecycleRuleAndOperator,
    LifecycleRuleFilter, LoggingEnabled, NoncurrentVersionExpiration, NoncurrentVersionTransition,
    ObjectOwnership, OwnershipControls, OwnershipControlsRule, Permission,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Transition,
    TransitionStorageClass, Type,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use secure_account_core::snapshot::PublicAccessBlock;

use super::meta;
use crate::s3::*;
use crate::s3control::read_account_public_access_block;

#[tokio::test]
async fn account_public_access_block_names_the_account() {
    use aws_sdk_s3control::operation::get_public_access_block::{
        GetPublicAccessBlockError, GetPublicAccessBlockOutput,
    };
    let got = mock!(aws_sdk_s3control::Client::get_public_access_block)
        .match_requests(|r| r.account_id() == Some("123456789012"))
        .then_output(|| {
            GetPublicAccessBlockOutput::builder()
                .public_access_block_configuration(
                    aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .ignore_public_acls(true)
                        .block_public_policy(false)
                        .restrict_public_buckets(true)
                        .build(),
                )
                .build()
        });
    let c = mock_client!(aws_sdk_s3control, [&got]);
    assert_eq!(
        read_account_public_access_block(&c, "123456789012")
            .await
            .unwrap(),
        Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: false,
            restrict_public_buckets: true
        })
    );
    let none = mock!(aws_sdk_s3control::Client::get_public_access_block).then_error(|| {
        GetPublicAccessBlockError::generic(meta(
            "NoSuchPublicAccessBlockConfiguration",
            "The public access block configuration was not found",
        ))
    });
    let c = mock_client!(aws_sdk_s3control, [&none]);
    assert_eq!(
        read_account_public_access_block(&c, "123456789012")
            .await
            .unwrap(),
        None
    );
}

/// The rules of a bucket that has nothing configured.
fn bare_bucket(name: &'static str) -> Vec<Rule> {
    let is = move |b: Option<&str>| b == Some(name);
    vec![
        mock!(Client::get_public_access_block)
            .match_requests(move |r| is(r.bucket()))
            .then_error(|| {
                GetPublicAccessBlockError::generic(meta("NoSuchPublicAccessBlockConfiguration", ""))
            }),
        mock!(Client::get_bucket_ownership_controls)
            .match_requests(move |r| is(r.bucket()))
            .then_error(|| {
                GetBucketOwnershipControlsError::generic(meta("OwnershipControlsNotFoundError", ""))
            }),
        mock!(Client::get_bucket_acl)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| GetBucketAclOutput::builder().build()),
        mock!(Client::get_bucket_encryption)
            .match_requests(move |r| is(r.bucket()))
            .then_error(|| {
                GetBucketEncryptionError::generic(meta(
                    "ServerSideEncryptionConfigurationNotFoundError",
                    "",
                ))
            }),
        mock!(Client::get_bucket_versioning)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| GetBucketVersioningOutput::builder().build()),
        mock!(Client::get_bucket_policy)
            .match_requests(move |r| is(r.bucket()))
            .then_error(|| GetBucketPolicyError::generic(meta("NoSuchBucketPolicy", ""))),
        mock!(Client::get_bucket_lifecycle_configuration)
            .match_requests(move |r| is(r.bucket()))
            .then_error(|| {
                GetBucketLifecycleConfigurationError::generic(meta(
                    "NoSuchLifecycleConfiguration",
                    "",
                ))
            }),
        mock!(Client::get_bucket_logging)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| GetBucketLoggingOutput::builder().build()),
        // A bucket without tags has no tag set at all.
        mock!(Client::get_bucket_tagging)
            .match_requests(move |r| is(r.bucket()))
            .then_error(|| {
                GetBucketTaggingError::generic(meta("NoSuchTagSet", "The TagSet does not exist"))
            }),
    ]
}

/// The rules of a bucket with every setting the snapshot keeps.
fn full_bucket(name: &'static str) -> Vec<Rule> {
    let is = move |b: Option<&str>| b == Some(name);
    vec![
        mock!(Client::get_public_access_block)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetPublicAccessBlockOutput::builder()
                    .public_access_block_configuration(
                        PublicAccessBlockConfiguration::builder()
                            .block_public_acls(true)
                            .ignore_public_acls(true)
                            .block_public_policy(true)
                            .restrict_public_buckets(true)
                            .build(),
                    )
                    .build()
            }),
        mock!(Client::get_bucket_ownership_controls)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketOwnershipControlsOutput::builder()
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
            }),
        mock!(Client::get_bucket_acl)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketAclOutput::builder()
                    .grants(
                        Grant::builder()
                            .grantee(
                                Grantee::builder()
                                    .r#type(Type::Group)
                                    .uri("http://acs.amazonaws.com/groups/global/AllUsers")
                                    .build()
                                    .unwrap(),
                            )
                            .permission(Permission::Read)
                            .build(),
                    )
                    .build()
            }),
        mock!(Client::get_bucket_encryption)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketEncryptionOutput::builder()
                    .server_side_encryption_configuration(
                        ServerSideEncryptionConfiguration::builder()
                            .rules(
                                ServerSideEncryptionRule::builder()
                                    .apply_server_side_encryption_by_default(
                                        ServerSideEncryptionByDefault::builder()
                                            .sse_algorithm(ServerSideEncryption::AwsKms)
                                            .kms_master_key_id(
                                                "arn:aws:kms:eu-west-1:123456789012:key/k1",
                                            )
                                            .build()
                                            .unwrap(),
                                    )
                                    .build(),
                            )
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
        mock!(Client::get_bucket_versioning)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketVersioningOutput::builder()
                    .status(BucketVersioningStatus::Suspended)
                    .build()
            }),
        mock!(Client::get_bucket_policy)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketPolicyOutput::builder()
                    .policy("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}")
                    .build()
            }),
        mock!(Client::get_bucket_lifecycle_configuration)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketLifecycleConfigurationOutput::builder()
                    .rules(
                        LifecycleRule::builder()
                            .id("expire")
                            .status(ExpirationStatus::Enabled)
                            .filter(LifecycleRuleFilter::builder().build())
                            .expiration(LifecycleExpiration::builder().days(365).build())
                            .noncurrent_version_expiration(
                                NoncurrentVersionExpiration::builder()
                                    .noncurrent_days(30)
                                    .build(),
                            )
                            .abort_incomplete_multipart_upload(
                                AbortIncompleteMultipartUpload::builder()
                                    .days_after_initiation(7)
                                    .build(),
                            )
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
        mock!(Client::get_bucket_logging)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketLoggingOutput::builder()
                    .logging_enabled(
                        LoggingEnabled::builder()
                            .target_bucket("logs-bucket")
                            .target_prefix("s3/")
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
        mock!(Client::get_bucket_tagging)
            .match_requests(move |r| is(r.bucket()))
            .then_output(|| {
                GetBucketTaggingOutput::builder()
                    .tag_set(tag("secure-account:managed", "true"))
                    .tag_set(tag("team", "security"))
                    .build()
                    .unwrap()
            }),
    ]
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

#[tokio::test]
async fn buckets_paginate_locate_and_map_every_setting() {
    let page1 = mock!(Client::list_buckets)
        .match_requests(|r| r.continuation_token().is_none())
        .then_output(|| {
            ListBucketsOutput::builder()
                .buckets(
                    Bucket::builder()
                        .name("plain")
                        .bucket_region("us-east-1")
                        .build(),
                )
                .continuation_token("next")
                .build()
        });
    let page2 = mock!(Client::list_buckets)
        .match_requests(|r| r.continuation_token() == Some("next"))
        .then_output(|| {
            ListBucketsOutput::builder()
                .buckets(Bucket::builder().name("full").build())
                .build()
        });
    // `full` has no region in the listing: its location is asked.
    let location = mock!(Client::get_bucket_location)
        .match_requests(|r| r.bucket() == Some("full"))
        .then_output(|| {
            GetBucketLocationOutput::builder()
                .location_constraint(BucketLocationConstraint::EuWest1)
                .build()
        });
    let mut rules = vec![page1, page2, location];
    rules.extend(bare_bucket("plain"));
    rules.extend(full_bucket("full"));
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, &rules);
    let regions = std::sync::Mutex::new(vec![]);
    let buckets = read_buckets(&s3, |r| {
        regions.lock().unwrap().push(r.to_string());
        s3.clone()
    })
    .await
    .unwrap();
    let mut asked = regions.into_inner().unwrap();
    asked.sort();
    assert_eq!(asked, ["eu-west-1", "us-east-1"]);
    assert_eq!(buckets.len(), 2);
    let full = &buckets[0];
    assert_eq!(full.name, "full");
    assert_eq!(full.region, "eu-west-1");
    assert_eq!(full.public_access_block, Some(PublicAccessBlock::ALL));
    assert_eq!(
        full.object_ownership.as_deref(),
        Some("BucketOwnerEnforced")
    );
    assert!(full.public_acl);
    assert_eq!(full.encryption.as_deref(), Some("aws:kms"));
    assert_eq!(
        full.kms_key_id.as_deref(),
        Some("arn:aws:kms:eu-west-1:123456789012:key/k1")
    );
    assert_eq!(
        full.versioning,
        Some(secure_account_core::snapshot::VersioningStatus::Suspended)
    );
    assert_eq!(
        full.policy.as_deref(),
        Some(r#"{"Statement":[],"Version":"2012-10-17"}"#)
    );
    let rule: serde_json::Value =
        serde_json::from_str(full.lifecycle_rules.get("expire").unwrap()).unwrap();
    assert_eq!(
        rule,
        serde_json::json!({
            "ID": "expire",
            "Status": "Enabled",
            "Filter": {},
            "Expiration": {"Days": 365},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
        })
    );
    assert_eq!(full.logging_target.as_deref(), Some("logs-bucket"));
    assert_eq!(full.logging_prefix.as_deref(), Some("s3/"));
    assert_eq!(
        full.tags,
        [("secure-account:managed", "true"), ("team", "security")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    );
    let plain = &buckets[1];
    assert_eq!(
        plain,
        &secure_account_core::snapshot::Bucket {
            name: "plain".into(),
            region: "us-east-1".into(),
            ..Default::default()
        }
    );
}

#[tokio::test]
async fn a_bucket_deleted_while_reading_is_left_out() {
    use aws_sdk_s3::operation::get_bucket_acl::GetBucketAclError;
    let list = mock!(Client::list_buckets).then_output(|| {
        ListBucketsOutput::builder()
            .buckets(
                Bucket::builder()
                    .name("gone")
                    .bucket_region("us-east-1")
                    .build(),
            )
            .build()
    });
    // The ACL answer comes first among the rules: the bucket vanished.
    let acl_gone = mock!(Client::get_bucket_acl).then_error(|| {
        GetBucketAclError::generic(meta("NoSuchBucket", "The specified bucket does not exist"))
    });
    let mut rules = vec![acl_gone, list];
    rules.extend(bare_bucket("gone"));
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, &rules);
    assert_eq!(read_buckets(&s3, |_| s3.clone()).await.unwrap(), vec![]);
}

#[test]
fn locations_are_regions() {
    assert_eq!(location_region(None), "us-east-1");
    assert_eq!(location_region(Some("")), "us-east-1");
    assert_eq!(location_region(Some("EU")), "eu-west-1");
    assert_eq!(location_region(Some("ap-northeast-1")), "ap-northeast-1");
}

/// One bucket, `name`, listed in us-east-1, whose reads answer `first` (matched before the
/// bare bucket's rules) and otherwise as a bucket with nothing configured.
fn one_bucket(name: &'static str, first: Rule) -> Vec<Rule> {
    let list = mock!(Client::list_buckets).then_output(move || {
        ListBucketsOutput::builder()
            .buckets(
                Bucket::builder()
                    .name(name)
                    .bucket_region("us-east-1")
                    .build(),
            )
            .build()
    });
    let mut rules = vec![first, list];
    rules.extend(bare_bucket(name));
    rules
}

#[tokio::test]
async fn bucket_tagging_denied_makes_the_buckets_unreadable_naming_the_action() {
    let denied = mock!(Client::get_bucket_tagging)
        .then_error(|| GetBucketTaggingError::generic(meta("AccessDenied", "Access Denied")));
    let rules = one_bucket("b", denied);
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, &rules);
    let e = read_buckets(&s3, |_| s3.clone()).await.unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    assert_eq!(e.message, "Access Denied (needs `s3:GetBucketTagging`)");
}

/// A lifecycle rule with every field the S3 API has.
fn rule_with_every_field() -> LifecycleRule {
    let date = DateTime::from_secs(1_798_761_600); // 2027-01-01T00:00:00Z
    #[allow(deprecated)]
    LifecycleRule::builder()
        .id("everything")
        .status(ExpirationStatus::Disabled)
        .prefix("old/")
        .filter(
            LifecycleRuleFilter::builder()
                .prefix("logs/")
                .tag(tag("k", "v"))
                .object_size_greater_than(1)
                .object_size_less_than(1_000_000)
                .and(
                    LifecycleRuleAndOperator::builder()
                        .prefix("logs/a/")
                        .tags(tag("k1", "v1"))
                        .tags(tag("k2", "v2"))
                        .object_size_greater_than(128)
                        .object_size_less_than(4096)
                        .build(),
                )
                .build(),
        )
        .expiration(
            LifecycleExpiration::builder()
                .days(365)
                .date(date)
                .expired_object_delete_marker(true)
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
                .date(date)
                .storage_class(TransitionStorageClass::Glacier)
                .build(),
        )
        .noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .noncurrent_days(90)
                .newer_noncurrent_versions(3)
                .build(),
        )
        .noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .noncurrent_days(10)
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

#[tokio::test]
async fn a_lifecycle_rule_keeps_every_field_and_writes_back_the_same_rule() {
    let lifecycle = mock!(Client::get_bucket_lifecycle_configuration).then_output(|| {
        GetBucketLifecycleConfigurationOutput::builder()
            .rules(rule_with_every_field())
            .build()
    });
    let rules = one_bucket("b", lifecycle);
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, &rules);
    let buckets = read_buckets(&s3, |_| s3.clone()).await.unwrap();
    let text = buckets[0].lifecycle_rules.get("everything").unwrap();
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "ID": "everything",
            "Status": "Disabled",
            "Prefix": "old/",
            "Filter": {
                "Prefix": "logs/",
                "Tag": {"Key": "k", "Value": "v"},
                "ObjectSizeGreaterThan": 1,
                "ObjectSizeLessThan": 1_000_000,
                "And": {
                    "Prefix": "logs/a/",
                    "Tags": [{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}],
                    "ObjectSizeGreaterThan": 128,
                    "ObjectSizeLessThan": 4096
                }
            },
            "Expiration": {
                "Days": 365,
                "Date": "2027-01-01T00:00:00Z",
                "ExpiredObjectDeleteMarker": true
            },
            "Transitions": [
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": null, "Date": "2027-01-01T00:00:00Z", "StorageClass": "GLACIER"}
            ],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 90, "NewerNoncurrentVersions": 3},
            "NoncurrentVersionTransitions": [
                {"NoncurrentDays": 10, "NewerNoncurrentVersions": 2, "StorageClass": "GLACIER_IR"}
            ],
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
        })
    );
    // The write side builds back exactly the rule that was read.
    assert_eq!(
        crate::s3::lifecycle_rule("everything", text).unwrap(),
        rule_with_every_field()
    );
}

/// A rule with few fields (`id`: with an ID or without).
fn sparse_rule(id: Option<&str>) -> LifecycleRule {
    LifecycleRule::builder()
        .set_id(id.map(str::to_string))
        .status(ExpirationStatus::Enabled)
        .filter(
            LifecycleRuleFilter::builder()
                .and(LifecycleRuleAndOperator::builder().prefix("p/").build())
                .build(),
        )
        .transitions(
            Transition::builder()
                .days(30)
                .storage_class(TransitionStorageClass::Glacier)
                .build(),
        )
        .noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .noncurrent_days(10)
                .storage_class(TransitionStorageClass::Glacier)
                .build(),
        )
        .build()
        .unwrap()
}

#[test]
fn lifecycle_fields_that_are_absent_stay_absent() {
    let json = lifecycle_rule_json(&sparse_rule(None));
    assert_eq!(
        json,
        serde_json::json!({
            "Status": "Enabled",
            "Filter": {"And": {"Prefix": "p/"}},
            "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
            "NoncurrentVersionTransitions": [{"NoncurrentDays": 10, "StorageClass": "GLACIER"}]
        })
    );
    assert_eq!(
        crate::s3::lifecycle_rule("r", &json.to_string()).unwrap(),
        sparse_rule(Some("r"))
    );
}
