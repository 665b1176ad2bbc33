//! S3 writes: buckets (in their region) and the account's public access block (S3
//! Control, with the account id).

use std::collections::BTreeMap;

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint,
    BucketLoggingStatus, BucketVersioningStatus, CreateBucketConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleAndOperator, LifecycleRuleFilter,
    LoggingEnabled, NoncurrentVersionExpiration, NoncurrentVersionTransition, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Transition,
    TransitionStorageClass, VersioningConfiguration,
};
use secure_account_core::AwsError;
use secure_account_core::snapshot::{PublicAccessBlock, VersioningStatus};
use serde_json::{Map, Value};

use super::invalid;
use crate::error::aws;

/// `s3:CreateBucket` with the tool's tags in `CreateBucketConfiguration.Tags` (so the
/// bucket is never untagged, even if the run stops right after) and, outside us-east-1,
/// its `LocationConstraint`. `BucketAlreadyOwnedByYou` is success: the bucket is this
/// account's already (the same run's earlier attempt, whose answer was lost). A name
/// another account holds (`BucketAlreadyExists`) fails.
pub async fn create_bucket(
    s3: &Client,
    bucket: &str,
    location_constraint: Option<&str>,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let mut configuration = CreateBucketConfiguration::builder()
        .set_location_constraint(location_constraint.map(BucketLocationConstraint::from));
    for (k, v) in tags {
        configuration = configuration.tags(
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag `{k}`: {e}")))?,
        );
    }
    let configuration = configuration.build();
    let send = s3.create_bucket().bucket(bucket);
    let send = if configuration.location_constraint().is_some() || !configuration.tags().is_empty()
    {
        send.create_bucket_configuration(configuration)
    } else {
        send
    };
    match send.send().await.map_err(aws("s3:CreateBucket")) {
        Err(e) if e.code == "BucketAlreadyOwnedByYou" => Ok(()),
        other => other.map(|_| ()),
    }
}

fn block(c: &PublicAccessBlock) -> (bool, bool, bool, bool) {
    (
        c.block_public_acls,
        c.ignore_public_acls,
        c.block_public_policy,
        c.restrict_public_buckets,
    )
}

/// `s3:PutBucketPublicAccessBlock` (the bucket's `PutPublicAccessBlock`).
pub async fn put_bucket_public_access_block(
    s3: &Client,
    bucket: &str,
    configuration: &PublicAccessBlock,
) -> Result<(), AwsError> {
    let (acls, ignore, policy, restrict) = block(configuration);
    s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            aws_sdk_s3::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(acls)
                .ignore_public_acls(ignore)
                .block_public_policy(policy)
                .restrict_public_buckets(restrict)
                .build(),
        )
        .send()
        .await
        .map_err(aws("s3:PutBucketPublicAccessBlock"))?;
    Ok(())
}

/// `s3:PutAccountPublicAccessBlock` (S3 Control `PutPublicAccessBlock` with the account
/// id).
pub async fn put_account_public_access_block(
    s3control: &aws_sdk_s3control::Client,
    account_id: &str,
    configuration: &PublicAccessBlock,
) -> Result<(), AwsError> {
    let (acls, ignore, policy, restrict) = block(configuration);
    s3control
        .put_public_access_block()
        .account_id(account_id)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(acls)
                .ignore_public_acls(ignore)
                .block_public_policy(policy)
                .restrict_public_buckets(restrict)
                .build(),
        )
        .send()
        .await
        .map_err(aws("s3:PutAccountPublicAccessBlock"))?;
    Ok(())
}

/// `s3:PutBucketOwnershipControls`.
pub async fn put_bucket_ownership_controls(
    s3: &Client,
    bucket: &str,
    object_ownership: &str,
) -> Result<(), AwsError> {
    let rule = OwnershipControlsRule::builder()
        .object_ownership(ObjectOwnership::from(object_ownership))
        .build()
        .map_err(|e| invalid(format!("PutBucketOwnershipControls: {e}")))?;
    let controls = OwnershipControls::builder()
        .rules(rule)
        .build()
        .map_err(|e| invalid(format!("PutBucketOwnershipControls: {e}")))?;
    s3.put_bucket_ownership_controls()
        .bucket(bucket)
        .ownership_controls(controls)
        .send()
        .await
        .map_err(aws("s3:PutBucketOwnershipControls"))?;
    Ok(())
}

/// `s3:PutEncryptionConfiguration` (`PutBucketEncryption`): default encryption, with the
/// KMS key when one is named.
pub async fn put_bucket_encryption(
    s3: &Client,
    bucket: &str,
    sse_algorithm: &str,
    kms_master_key_id: Option<&str>,
) -> Result<(), AwsError> {
    let default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::from(sse_algorithm))
        .set_kms_master_key_id(kms_master_key_id.map(str::to_string))
        .build()
        .map_err(|e| invalid(format!("PutBucketEncryption: {e}")))?;
    let configuration = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(default)
                .build(),
        )
        .build()
        .map_err(|e| invalid(format!("PutBucketEncryption: {e}")))?;
    s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(configuration)
        .send()
        .await
        .map_err(aws("s3:PutEncryptionConfiguration"))?;
    Ok(())
}

/// `s3:PutBucketVersioning`.
pub async fn put_bucket_versioning(
    s3: &Client,
    bucket: &str,
    status: VersioningStatus,
) -> Result<(), AwsError> {
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::from(status.as_str()))
                .build(),
        )
        .send()
        .await
        .map_err(aws("s3:PutBucketVersioning"))?;
    Ok(())
}

/// `s3:PutBucketPolicy` (the planner merged the existing statements in).
pub async fn put_bucket_policy(s3: &Client, bucket: &str, policy: &str) -> Result<(), AwsError> {
    s3.put_bucket_policy()
        .bucket(bucket)
        .policy(policy)
        .send()
        .await
        .map_err(aws("s3:PutBucketPolicy"))?;
    Ok(())
}

/// `s3:PutLifecycleConfiguration` (`PutBucketLifecycleConfiguration`): every rule, the
/// customer's merged in by the planner. A rule this version cannot write back exactly
/// fails the action before any call, so no rule is ever lost.
pub async fn put_bucket_lifecycle_configuration(
    s3: &Client,
    bucket: &str,
    rules: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let rules = rules
        .iter()
        .map(|(id, text)| lifecycle_rule(id, text))
        .collect::<Result<Vec<_>, _>>()?;
    let configuration = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| invalid(format!("PutBucketLifecycleConfiguration: {e}")))?;
    s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(configuration)
        .send()
        .await
        .map_err(aws("s3:PutLifecycleConfiguration"))?;
    Ok(())
}

/// `s3:PutBucketLogging`.
pub async fn put_bucket_logging(
    s3: &Client,
    bucket: &str,
    target_bucket: &str,
    target_prefix: &str,
) -> Result<(), AwsError> {
    let enabled = LoggingEnabled::builder()
        .target_bucket(target_bucket)
        .target_prefix(target_prefix)
        .build()
        .map_err(|e| invalid(format!("PutBucketLogging: {e}")))?;
    s3.put_bucket_logging()
        .bucket(bucket)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(enabled)
                .build(),
        )
        .send()
        .await
        .map_err(aws("s3:PutBucketLogging"))?;
    Ok(())
}

/// One lifecycle rule from its JSON (S3's own field names, as the reads write it:
/// `crate::s3::lifecycle_rule_json`). Every field is taken or the rule is refused.
pub fn lifecycle_rule(id: &str, text: &str) -> Result<LifecycleRule, AwsError> {
    let bad = |why: String| invalid(format!("lifecycle rule `{id}` cannot be written: {why}"));
    let v: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let m = v.as_object().ok_or_else(|| bad("not an object".into()))?;
    let mut rule = LifecycleRule::builder();
    for (key, value) in m {
        rule = match key.as_str() {
            "ID" => rule.id(string(value).map_err(&bad)?),
            "Status" => rule.status(ExpirationStatus::from(string(value).map_err(&bad)?)),
            #[allow(deprecated)]
            "Prefix" => rule.prefix(string(value).map_err(&bad)?),
            "Filter" => rule.filter(filter(value).map_err(&bad)?),
            "Expiration" => {
                let x = object(value).map_err(&bad)?;
                let mut e = LifecycleExpiration::builder();
                for (k, v) in x {
                    e = match k.as_str() {
                        "Days" => e.days(int(v).map_err(&bad)?),
                        "Date" => e.date(date(v).map_err(&bad)?),
                        "ExpiredObjectDeleteMarker" => {
                            e.expired_object_delete_marker(boolean(v).map_err(&bad)?)
                        }
                        other => return Err(bad(format!("unknown field `Expiration.{other}`"))),
                    };
                }
                rule.expiration(e.build())
            }
            "Transitions" => {
                for t in array(value).map_err(&bad)? {
                    let mut b = Transition::builder();
                    for (k, v) in object(t).map_err(&bad)? {
                        b = match k.as_str() {
                            "Days" if v.is_null() => b,
                            "Days" => b.days(int(v).map_err(&bad)?),
                            "Date" if v.is_null() => b,
                            "Date" => b.date(date(v).map_err(&bad)?),
                            "StorageClass" => b.storage_class(TransitionStorageClass::from(
                                string(v).map_err(&bad)?,
                            )),
                            other => {
                                return Err(bad(format!("unknown field `Transitions.{other}`")));
                            }
                        };
                    }
                    rule = rule.transitions(b.build());
                }
                rule
            }
            "NoncurrentVersionExpiration" => {
                let mut e = NoncurrentVersionExpiration::builder();
                for (k, v) in object(value).map_err(&bad)? {
                    e = match k.as_str() {
                        "NoncurrentDays" => e.noncurrent_days(int(v).map_err(&bad)?),
                        "NewerNoncurrentVersions" => {
                            e.newer_noncurrent_versions(int(v).map_err(&bad)?)
                        }
                        other => {
                            return Err(bad(format!(
                                "unknown field `NoncurrentVersionExpiration.{other}`"
                            )));
                        }
                    };
                }
                rule.noncurrent_version_expiration(e.build())
            }
            "NoncurrentVersionTransitions" => {
                for t in array(value).map_err(&bad)? {
                    let mut b = NoncurrentVersionTransition::builder();
                    for (k, v) in object(t).map_err(&bad)? {
                        b = match k.as_str() {
                            "NoncurrentDays" if v.is_null() => b,
                            "NoncurrentDays" => b.noncurrent_days(int(v).map_err(&bad)?),
                            "NewerNoncurrentVersions" => {
                                b.newer_noncurrent_versions(int(v).map_err(&bad)?)
                            }
                            "StorageClass" => b.storage_class(TransitionStorageClass::from(
                                string(v).map_err(&bad)?,
                            )),
                            other => {
                                return Err(bad(format!(
                                    "unknown field `NoncurrentVersionTransitions.{other}`"
                                )));
                            }
                        };
                    }
                    rule = rule.noncurrent_version_transitions(b.build());
                }
                rule
            }
            "AbortIncompleteMultipartUpload" => {
                let mut a = AbortIncompleteMultipartUpload::builder();
                for (k, v) in object(value).map_err(&bad)? {
                    a = match k.as_str() {
                        "DaysAfterInitiation" => a.days_after_initiation(int(v).map_err(&bad)?),
                        other => {
                            return Err(bad(format!(
                                "unknown field `AbortIncompleteMultipartUpload.{other}`"
                            )));
                        }
                    };
                }
                rule.abort_incomplete_multipart_upload(a.build())
            }
            other => return Err(bad(format!("unknown field `{other}`"))),
        };
    }
    if !m.contains_key("ID") {
        rule = rule.id(id);
    }
    rule.build().map_err(|e| bad(e.to_string()))
}

fn filter(value: &Value) -> Result<LifecycleRuleFilter, String> {
    let mut f = LifecycleRuleFilter::builder();
    for (k, v) in object(value)? {
        f = match k.as_str() {
            "Prefix" => f.prefix(string(v)?),
            "Tag" => f.tag(tag(v)?),
            "ObjectSizeGreaterThan" => f.object_size_greater_than(long(v)?),
            "ObjectSizeLessThan" => f.object_size_less_than(long(v)?),
            "And" => {
                let mut a = LifecycleRuleAndOperator::builder();
                for (k, v) in object(v)? {
                    a = match k.as_str() {
                        "Prefix" => a.prefix(string(v)?),
                        "Tags" => {
                            for t in array(v)? {
                                a = a.tags(tag(t)?);
                            }
                            a
                        }
                        "ObjectSizeGreaterThan" => a.object_size_greater_than(long(v)?),
                        "ObjectSizeLessThan" => a.object_size_less_than(long(v)?),
                        other => return Err(format!("unknown field `Filter.And.{other}`")),
                    };
                }
                f.and(a.build())
            }
            other => return Err(format!("unknown field `Filter.{other}`")),
        };
    }
    Ok(f.build())
}

fn tag(v: &Value) -> Result<Tag, String> {
    let m = object(v)?;
    let get = |k: &str| {
        m.get(k)
            .ok_or_else(|| format!("a tag without `{k}`"))
            .and_then(string)
    };
    Tag::builder()
        .key(get("Key")?)
        .value(get("Value")?)
        .build()
        .map_err(|e| e.to_string())
}

fn object(v: &Value) -> Result<&Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("`{v}` is not an object"))
}

fn array(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("`{v}` is not a list"))
}

fn string(v: &Value) -> Result<&str, String> {
    v.as_str().ok_or_else(|| format!("`{v}` is not a string"))
}

fn boolean(v: &Value) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("`{v}` is not true or false"))
}

fn long(v: &Value) -> Result<i64, String> {
    v.as_i64().ok_or_else(|| format!("`{v}` is not an integer"))
}

fn int(v: &Value) -> Result<i32, String> {
    long(v).and_then(|n| i32::try_from(n).map_err(|_| format!("{n} is out of range")))
}

fn date(v: &Value) -> Result<DateTime, String> {
    DateTime::from_str(string(v)?, DateTimeFormat::DateTime).map_err(|e| e.to_string())
}
