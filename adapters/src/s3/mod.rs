//! S3: every bucket with the settings the FSBP S3 controls check (account-wide: one list,
//! each bucket read from its own region); creating the log buckets and converging their
//! settings (each operation in the bucket's region). Lifecycle rules go both ways through
//! [`lifecycle`]; the account's public access block is S3 Control's (`crate::s3control`).

mod lifecycle;

pub use lifecycle::{lifecycle_rule, lifecycle_rule_json};

use std::collections::BTreeMap;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketLoggingStatus,
    BucketVersioningStatus, CreateBucketConfiguration, LoggingEnabled, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, Type, VersioningConfiguration,
};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::s3::{
    CreateBucket, PutBucketEncryption, PutBucketLifecycleConfiguration, PutBucketLogging,
    PutBucketOwnershipControls, PutBucketPolicy, PutBucketTagging, PutBucketVersioning,
    PutPublicAccessBlock,
};
use secure_account_core::snapshot::{Bucket, PublicAccessBlock, VersioningStatus};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute, invalid};
use crate::util::{ITEM_CONCURRENCY, normalize_json};

// ---- reads ----

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
        tags(s3, &name),
    );
    let (pab, ownership, acl, (encryption, kms_key_id), versioning, policy, rules, logging, tags) =
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
        tags,
        // What the tool's journal says is not AWS's to tell: the CLI adds it.
        created_by_this_tool: false,
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

/// `s3:GetBucketTagging`; a bucket without tags answers `NoSuchTagSet`.
async fn tags(s3: &aws_sdk_s3::Client, name: &str) -> Result<BTreeMap<String, String>, AwsError> {
    match s3.get_bucket_tagging().bucket(name).send().await {
        Ok(out) => Ok(out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()),
        Err(e) if e.code() == Some("NoSuchTagSet") => Ok(BTreeMap::new()),
        Err(e) => Err(aws("s3:GetBucketTagging")(e)),
    }
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

// ---- actions ----

/// `s3:CreateBucket` with the tool's tags in `CreateBucketConfiguration.Tags` (so the
/// bucket is never untagged, even if the run stops right after) and, outside us-east-1,
/// its `LocationConstraint`. `BucketAlreadyOwnedByYou` is success: the bucket is this
/// account's already (the same run's earlier attempt, whose answer was lost). A name
/// another account holds (`BucketAlreadyExists`) fails.
impl Execute for CreateBucket {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let mut configuration = CreateBucketConfiguration::builder().set_location_constraint(
            self.location_constraint
                .as_deref()
                .map(BucketLocationConstraint::from),
        );
        for (k, v) in &self.tags {
            configuration = configuration.tags(
                Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .map_err(|e| invalid(format!("tag `{k}`: {e}")))?,
            );
        }
        let configuration = configuration.build();
        let send = cx.writes.s3(cx.region).create_bucket().bucket(&self.bucket);
        let send =
            if configuration.location_constraint().is_some() || !configuration.tags().is_empty() {
                send.create_bucket_configuration(configuration)
            } else {
                send
            };
        match send.send().await.map_err(aws("s3:CreateBucket")) {
            Err(e) if e.code == "BucketAlreadyOwnedByYou" => {}
            other => {
                other?;
            }
        }
        // The answer does not say whether the tags stuck (moto drops them): read them
        // back, and put what is missing, merged with what the bucket has.
        if !self.tags.is_empty() {
            let s3 = cx.writes.s3(cx.region);
            let mut have = tags(&s3, &self.bucket).await?;
            if self.tags.iter().any(|(k, v)| have.get(k) != Some(v)) {
                have.extend(self.tags.clone());
                put_tags(&s3, &self.bucket, &have).await?;
            }
        }
        Ok(ActionOutput::default())
    }
}

/// `s3:PutBucketTagging` with the whole tag set.
async fn put_tags(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let mut tagging = Tagging::builder();
    for (k, v) in tags {
        tagging = tagging.tag_set(
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag `{k}`: {e}")))?,
        );
    }
    let tagging = tagging
        .build()
        .map_err(|e| invalid(format!("PutBucketTagging: {e}")))?;
    s3.put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await
        .map_err(aws("s3:PutBucketTagging"))?;
    Ok(())
}

/// `s3:PutBucketTagging`: the tool's tag restored on its own bucket, with the tags the
/// bucket kept (the planner merged them).
impl Execute for PutBucketTagging {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        put_tags(&cx.writes.s3(cx.region), &self.bucket, &self.tags).await?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutBucketPublicAccessBlock` (the bucket's `PutPublicAccessBlock`).
impl Execute for PutPublicAccessBlock {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let c = &self.configuration;
        cx.writes
            .s3(cx.region)
            .put_public_access_block()
            .bucket(&self.bucket)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(c.block_public_acls)
                    .ignore_public_acls(c.ignore_public_acls)
                    .block_public_policy(c.block_public_policy)
                    .restrict_public_buckets(c.restrict_public_buckets)
                    .build(),
            )
            .send()
            .await
            .map_err(aws("s3:PutBucketPublicAccessBlock"))?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutBucketOwnershipControls`.
impl Execute for PutBucketOwnershipControls {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let rule = OwnershipControlsRule::builder()
            .object_ownership(ObjectOwnership::from(self.object_ownership.as_str()))
            .build()
            .map_err(|e| invalid(format!("PutBucketOwnershipControls: {e}")))?;
        let controls = OwnershipControls::builder()
            .rules(rule)
            .build()
            .map_err(|e| invalid(format!("PutBucketOwnershipControls: {e}")))?;
        cx.writes
            .s3(cx.region)
            .put_bucket_ownership_controls()
            .bucket(&self.bucket)
            .ownership_controls(controls)
            .send()
            .await
            .map_err(aws("s3:PutBucketOwnershipControls"))?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutEncryptionConfiguration` (`PutBucketEncryption`): default encryption, with the
/// KMS key when one is named.
impl Execute for PutBucketEncryption {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::from(self.sse_algorithm.as_str()))
            .set_kms_master_key_id(self.kms_master_key_id.clone())
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
        cx.writes
            .s3(cx.region)
            .put_bucket_encryption()
            .bucket(&self.bucket)
            .server_side_encryption_configuration(configuration)
            .send()
            .await
            .map_err(aws("s3:PutEncryptionConfiguration"))?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutBucketVersioning`.
impl Execute for PutBucketVersioning {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .s3(cx.region)
            .put_bucket_versioning()
            .bucket(&self.bucket)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::from(self.status.as_str()))
                    .build(),
            )
            .send()
            .await
            .map_err(aws("s3:PutBucketVersioning"))?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutBucketPolicy` (the planner merged the existing statements in).
impl Execute for PutBucketPolicy {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .s3(cx.region)
            .put_bucket_policy()
            .bucket(&self.bucket)
            .policy(&self.policy)
            .send()
            .await
            .map_err(aws("s3:PutBucketPolicy"))?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutLifecycleConfiguration` (`PutBucketLifecycleConfiguration`): every rule, the
/// customer's merged in by the planner. A rule this version cannot write back exactly
/// fails the action before any call, so no rule is ever lost.
impl Execute for PutBucketLifecycleConfiguration {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let rules = self
            .rules
            .iter()
            .map(|(id, text)| lifecycle_rule(id, text))
            .collect::<Result<Vec<_>, _>>()?;
        let configuration = BucketLifecycleConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(|e| invalid(format!("PutBucketLifecycleConfiguration: {e}")))?;
        cx.writes
            .s3(cx.region)
            .put_bucket_lifecycle_configuration()
            .bucket(&self.bucket)
            .lifecycle_configuration(configuration)
            .send()
            .await
            .map_err(aws("s3:PutLifecycleConfiguration"))?;
        Ok(ActionOutput::default())
    }
}

/// `s3:PutBucketLogging`.
impl Execute for PutBucketLogging {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let enabled = LoggingEnabled::builder()
            .target_bucket(&self.target_bucket)
            .target_prefix(&self.target_prefix)
            .build()
            .map_err(|e| invalid(format!("PutBucketLogging: {e}")))?;
        cx.writes
            .s3(cx.region)
            .put_bucket_logging()
            .bucket(&self.bucket)
            .bucket_logging_status(
                BucketLoggingStatus::builder()
                    .logging_enabled(enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(aws("s3:PutBucketLogging"))?;
        Ok(ActionOutput::default())
    }
}
