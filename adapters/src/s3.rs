//! S3 reads: the account's public access block (S3 Control) and every bucket with the
//! settings the FSBP S3 controls check (account-wide).

use std::collections::BTreeMap;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{LifecycleRule, Type};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::snapshot::{Bucket, PublicAccessBlock, VersioningStatus};
use serde_json::{Map, Value, json};

use crate::error::aws;
use crate::util::{ITEM_CONCURRENCY, normalize_json};

/// `s3:GetAccountPublicAccessBlock` (S3 Control `GetPublicAccessBlock` with the account
/// id); `None` when it was never set.
pub async fn read_account_public_access_block(
    s3control: &aws_sdk_s3control::Client,
    account_id: &str,
) -> Result<Option<PublicAccessBlock>, AwsError> {
    match s3control
        .get_public_access_block()
        .account_id(account_id)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
        Err(e) => Err(aws("s3:GetAccountPublicAccessBlock")(e)),
    }
}

/// `s3:ListAllMyBuckets`, then each bucket's settings from its own region. `s3_in`
/// gives the S3 client of a region.
pub async fn read_buckets<F>(s3: &aws_sdk_s3::Client, s3_in: F) -> Result<Vec<Bucket>, AwsError>
where
    F: Fn(&str) -> aws_sdk_s3::Client,
{
    let listed: Vec<_> = s3
        .list_buckets()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(aws("s3:ListAllMyBuckets"))?;
    let listed: Vec<(String, Option<String>)> = listed
        .iter()
        .flat_map(|page| page.buckets())
        .filter_map(|b| {
            b.name()
                .map(|n| (n.to_string(), b.bucket_region().map(str::to_string)))
        })
        .collect();
    let s3_in = &s3_in;
    let buckets: Vec<Option<Bucket>> = futures::stream::iter(listed)
        .map(|(name, region)| async move {
            let region = match region {
                Some(r) => r,
                None => match bucket_region(s3, &name).await? {
                    Some(r) => r,
                    // Deleted since it was listed.
                    None => return Ok(None),
                },
            };
            let client = s3_in(&region);
            read_bucket(&client, name, region).await
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    let mut buckets: Vec<Bucket> = buckets.into_iter().flatten().collect();
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(buckets)
}

/// `s3:GetBucketLocation`: the bucket's region (`None` when the bucket is gone).
async fn bucket_region(s3: &aws_sdk_s3::Client, name: &str) -> Result<Option<String>, AwsError> {
    match s3.get_bucket_location().bucket(name).send().await {
        Ok(out) => Ok(Some(location_region(
            out.location_constraint().map(|c| c.as_str()),
        ))),
        Err(e) if e.code() == Some("NoSuchBucket") => Ok(None),
        Err(e) => Err(aws("s3:GetBucketLocation")(e)),
    }
}

/// `GetBucketLocation`'s answer as a region: empty means us-east-1, `EU` eu-west-1.
pub fn location_region(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".into(),
        Some("EU") => "eu-west-1".into(),
        Some(r) => r.into(),
    }
}

/// One bucket's settings, read at once. `None` when the bucket was deleted meanwhile.
async fn read_bucket(
    s3: &aws_sdk_s3::Client,
    name: String,
    region: String,
) -> Result<Option<Bucket>, AwsError> {
    let gone = |e: &AwsError| e.code == "NoSuchBucket";
    let result = futures::try_join!(
        public_access_block(s3, &name),
        object_ownership(s3, &name),
        public_acl(s3, &name),
        encryption(s3, &name),
        versioning(s3, &name),
        policy(s3, &name),
        lifecycle_rules(s3, &name),
        logging(s3, &name),
    );
    let (pab, ownership, acl, (encryption, kms_key_id), versioning, policy, rules, logging) =
        match result {
            Ok(r) => r,
            Err(e) if gone(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
    let (logging_target, logging_prefix) = logging.unzip();
    Ok(Some(Bucket {
        name,
        region,
        public_access_block: pab,
        object_ownership: ownership,
        public_acl: acl,
        encryption,
        kms_key_id,
        versioning,
        policy,
        lifecycle_rules: rules,
        logging_target,
        logging_prefix,
        // GetBucketTagging is not read yet: a bucket counts as not the tool's until it is.
        tags: Default::default(),
    }))
}

async fn public_access_block(
    s3: &aws_sdk_s3::Client,
    name: &str,
) -> Result<Option<PublicAccessBlock>, AwsError> {
    match s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => Ok(out
            .public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
        Err(e) => Err(aws("s3:GetBucketPublicAccessBlock")(e)),
    }
}

async fn object_ownership(s3: &aws_sdk_s3::Client, name: &str) -> Result<Option<String>, AwsError> {
    match s3.get_bucket_ownership_controls().bucket(name).send().await {
        Ok(out) => Ok(out
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_string())),
        Err(e) if e.code() == Some("OwnershipControlsNotFoundError") => Ok(None),
        Err(e) => Err(aws("s3:GetBucketOwnershipControls")(e)),
    }
}

/// The groups whose grants make a bucket public.
const PUBLIC_GROUPS: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

async fn public_acl(s3: &aws_sdk_s3::Client, name: &str) -> Result<bool, AwsError> {
    let acl = s3
        .get_bucket_acl()
        .bucket(name)
        .send()
        .await
        .map_err(aws("s3:GetBucketAcl"))?;
    Ok(acl.grants().iter().any(|g| {
        g.grantee().is_some_and(|grantee| {
            grantee.r#type() == &Type::Group
                && grantee.uri().is_some_and(|u| PUBLIC_GROUPS.contains(&u))
        })
    }))
}

async fn encryption(
    s3: &aws_sdk_s3::Client,
    name: &str,
) -> Result<(Option<String>, Option<String>), AwsError> {
    match s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => {
            let default = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default());
            Ok((
                default.map(|d| d.sse_algorithm().as_str().to_string()),
                default.and_then(|d| d.kms_master_key_id().map(str::to_string)),
            ))
        }
        Err(e) if e.code() == Some("ServerSideEncryptionConfigurationNotFoundError") => {
            Ok((None, None))
        }
        Err(e) => Err(aws("s3:GetEncryptionConfiguration")(e)),
    }
}

async fn versioning(
    s3: &aws_sdk_s3::Client,
    name: &str,
) -> Result<Option<VersioningStatus>, AwsError> {
    let out = s3
        .get_bucket_versioning()
        .bucket(name)
        .send()
        .await
        .map_err(aws("s3:GetBucketVersioning"))?;
    versioning_status(out.status())
}

/// The bucket's versioning status as the snapshot keeps it (`None`: never enabled). A
/// status this version does not know makes the read fail rather than guess.
pub fn versioning_status(
    status: Option<&aws_sdk_s3::types::BucketVersioningStatus>,
) -> Result<Option<VersioningStatus>, AwsError> {
    use aws_sdk_s3::types::BucketVersioningStatus as Sdk;
    match status {
        None => Ok(None),
        Some(Sdk::Enabled) => Ok(Some(VersioningStatus::Enabled)),
        Some(Sdk::Suspended) => Ok(Some(VersioningStatus::Suspended)),
        Some(other) => Err(crate::error::unknown_value(
            "s3:GetBucketVersioning",
            "Status",
            other.as_str(),
        )),
    }
}

async fn policy(s3: &aws_sdk_s3::Client, name: &str) -> Result<Option<String>, AwsError> {
    match s3.get_bucket_policy().bucket(name).send().await {
        Ok(out) => Ok(out.policy().map(normalize_json)),
        Err(e) if e.code() == Some("NoSuchBucketPolicy") => Ok(None),
        Err(e) => Err(aws("s3:GetBucketPolicy")(e)),
    }
}

async fn lifecycle_rules(
    s3: &aws_sdk_s3::Client,
    name: &str,
) -> Result<BTreeMap<String, String>, AwsError> {
    match s3
        .get_bucket_lifecycle_configuration()
        .bucket(name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .rules()
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let id = r.id().map_or_else(|| format!("rule-{i}"), str::to_string);
                (id, lifecycle_rule_json(r).to_string())
            })
            .collect()),
        Err(e) if e.code() == Some("NoSuchLifecycleConfiguration") => Ok(BTreeMap::new()),
        Err(e) => Err(aws("s3:GetLifecycleConfiguration")(e)),
    }
}

/// A lifecycle rule as the JSON of the S3 API (`ID`, `Status`, `Filter`, `Expiration`,
/// …), the shape the planner writes.
pub fn lifecycle_rule_json(r: &LifecycleRule) -> Value {
    let mut m = Map::new();
    if let Some(id) = r.id() {
        m.insert("ID".into(), json!(id));
    }
    m.insert("Status".into(), json!(r.status().as_str()));
    // The rule-level `Prefix` is deprecated in favour of `Filter`, but old rules still
    // carry it.
    #[allow(deprecated)]
    if let Some(prefix) = r.prefix() {
        m.insert("Prefix".into(), json!(prefix));
    }
    if let Some(f) = r.filter() {
        let mut filter = Map::new();
        if let Some(p) = f.prefix() {
            filter.insert("Prefix".into(), json!(p));
        }
        if let Some(t) = f.tag() {
            filter.insert("Tag".into(), json!({"Key": t.key(), "Value": t.value()}));
        }
        if let Some(n) = f.object_size_greater_than() {
            filter.insert("ObjectSizeGreaterThan".into(), json!(n));
        }
        if let Some(n) = f.object_size_less_than() {
            filter.insert("ObjectSizeLessThan".into(), json!(n));
        }
        if let Some(and) = f.and() {
            let mut a = Map::new();
            if let Some(p) = and.prefix() {
                a.insert("Prefix".into(), json!(p));
            }
            let tags: Vec<Value> = and
                .tags()
                .iter()
                .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                .collect();
            if !tags.is_empty() {
                a.insert("Tags".into(), Value::Array(tags));
            }
            if let Some(n) = and.object_size_greater_than() {
                a.insert("ObjectSizeGreaterThan".into(), json!(n));
            }
            if let Some(n) = and.object_size_less_than() {
                a.insert("ObjectSizeLessThan".into(), json!(n));
            }
            filter.insert("And".into(), Value::Object(a));
        }
        m.insert("Filter".into(), Value::Object(filter));
    }
    if let Some(e) = r.expiration() {
        let mut x = Map::new();
        if let Some(d) = e.days() {
            x.insert("Days".into(), json!(d));
        }
        if let Some(d) = e.date() {
            x.insert("Date".into(), json!(d.to_string()));
        }
        if let Some(b) = e.expired_object_delete_marker() {
            x.insert("ExpiredObjectDeleteMarker".into(), json!(b));
        }
        m.insert("Expiration".into(), Value::Object(x));
    }
    let transitions: Vec<Value> = r
        .transitions()
        .iter()
        .map(|t| {
            let mut x = json!({
                "Days": t.days(),
                "StorageClass": t.storage_class().map(|c| c.as_str()),
            });
            if let Some(d) = t.date() {
                x["Date"] = json!(d.to_string());
            }
            x
        })
        .collect();
    if !transitions.is_empty() {
        m.insert("Transitions".into(), Value::Array(transitions));
    }
    if let Some(n) = r.noncurrent_version_expiration() {
        let mut x = Map::new();
        if let Some(d) = n.noncurrent_days() {
            x.insert("NoncurrentDays".into(), json!(d));
        }
        if let Some(v) = n.newer_noncurrent_versions() {
            x.insert("NewerNoncurrentVersions".into(), json!(v));
        }
        m.insert("NoncurrentVersionExpiration".into(), Value::Object(x));
    }
    let nc_transitions: Vec<Value> = r
        .noncurrent_version_transitions()
        .iter()
        .map(|t| {
            let mut x = json!({
                "NoncurrentDays": t.noncurrent_days(),
                "StorageClass": t.storage_class().map(|c| c.as_str()),
            });
            if let Some(n) = t.newer_noncurrent_versions() {
                x["NewerNoncurrentVersions"] = json!(n);
            }
            x
        })
        .collect();
    if !nc_transitions.is_empty() {
        m.insert(
            "NoncurrentVersionTransitions".into(),
            Value::Array(nc_transitions),
        );
    }
    if let Some(a) = r.abort_incomplete_multipart_upload() {
        m.insert(
            "AbortIncompleteMultipartUpload".into(),
            json!({"DaysAfterInitiation": a.days_after_initiation()}),
        );
    }
    Value::Object(m)
}

async fn logging(
    s3: &aws_sdk_s3::Client,
    name: &str,
) -> Result<Option<(String, String)>, AwsError> {
    let out = s3
        .get_bucket_logging()
        .bucket(name)
        .send()
        .await
        .map_err(aws("s3:GetBucketLogging"))?;
    Ok(out
        .logging_enabled()
        .map(|l| (l.target_bucket().to_string(), l.target_prefix().to_string())))
}
