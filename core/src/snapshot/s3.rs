//! S3: the account's buckets and their settings; reading them; creating the log buckets and
//! converging their settings.
//!
//! Buckets are account-wide state (one list, each bucket with its region); their
//! operations run in the bucket's region.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub const ALL: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
    pub fn all(&self) -> bool {
        *self == Self::ALL
    }
    /// The flag-wise OR: never turns a flag off.
    pub fn union(&self, other: &PublicAccessBlock) -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: self.block_public_acls || other.block_public_acls,
            ignore_public_acls: self.ignore_public_acls || other.ignore_public_acls,
            block_public_policy: self.block_public_policy || other.block_public_policy,
            restrict_public_buckets: self.restrict_public_buckets || other.restrict_public_buckets,
        }
    }
}

/// An S3 general purpose bucket and the settings the FSBP S3 controls check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Bucket {
    pub name: String,
    pub region: String,
    pub public_access_block: Option<PublicAccessBlock>,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`; `None` when unset.
    pub object_ownership: Option<String>,
    /// The ACL grants read or write to everyone or to any authenticated AWS user.
    pub public_acl: bool,
    /// Default encryption: `AES256`, `aws:kms` or `aws:kms:dsse`; `None` when unset.
    pub encryption: Option<String>,
    pub kms_key_id: Option<String>,
    /// `None` when versioning was never enabled.
    pub versioning: Option<VersioningStatus>,
    /// The bucket policy (JSON text).
    pub policy: Option<String>,
    /// Lifecycle rules by id (JSON text of each rule).
    pub lifecycle_rules: BTreeMap<String, String>,
    /// Server access logging target bucket.
    pub logging_target: Option<String>,
    pub logging_prefix: Option<String>,
    /// The bucket's tags (`s3:GetBucketTagging`): the tool tags the buckets it creates.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Not read from AWS: the tool's local journal (written before each `CreateBucket`
    /// call) says this tool set out to create the bucket, so it is the tool's even when its
    /// tag was lost (an interrupted run, an endpoint that drops the create call's tags).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub created_by_this_tool: bool,
}

/// An S3 bucket's versioning status (`s3:GetBucketVersioning`); a bucket that never had
/// versioning has none.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum VersioningStatus {
    Enabled,
    Suspended,
}

impl VersioningStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for VersioningStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a bucket that `create_bucket` makes: AWS's defaults for new buckets since
/// 2023 (all four public access block flags, ACLs disabled, SSE-S3 default encryption).
/// The planner predicts with it too.
pub fn new_bucket(name: &str, region: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: region.into(),
        public_access_block: Some(PublicAccessBlock::ALL),
        object_ownership: Some("BucketOwnerEnforced".into()),
        encryption: Some("AES256".into()),
        ..Bucket::default()
    }
}

// ---- reads ----

/// `buckets`: every bucket with the settings the S3 controls check.
pub const READ_BUCKETS: PartFacts = PartFacts {
    reach: Reach::Account,
    service: "s3",
    iam_actions: &[
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketAcl",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketVersioning",
        "s3:GetBucketPolicy",
        "s3:GetLifecycleConfiguration",
        "s3:GetBucketLogging",
        "s3:GetBucketTagging",
    ],
};
