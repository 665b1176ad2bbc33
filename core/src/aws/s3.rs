//! S3: the account's buckets and their settings; reading them; creating the log buckets and
//! converging their settings.
//!
//! Buckets are account-wide state (one list, each bucket with its region); their
//! operations run in the bucket's region.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, Operation};
use crate::effects::Effect;
use crate::part::{Part, PartFacts, Reach};
use crate::retry::ErrorClass;
use crate::snapshot::AwsError;

// ---- state ----

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// An S3 bucket's versioning status (`s3:GetBucketVersioning`); a bucket that never had
/// versioning has none.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
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

// ---- actions ----

/// What every bucket operation shares: S3 answers `OperationAborted` while a conflicting
/// operation on the bucket (its creation) is still in progress.
const S3: ActionFacts = ActionFacts {
    service: "s3",
    reads: &[Part::Buckets],
    transient: &[("OperationAborted", ErrorClass::BucketConflict)],
    ..ActionFacts::DEFAULT
};

/// `s3:CreateBucket` in the action's region, with the tool's tags
/// (`CreateBucketConfiguration.Tags`, so the bucket is never untagged, even after a
/// crash). Precondition: the name is free. Outside us-east-1 AWS requires
/// `CreateBucketConfiguration.LocationConstraint` = the region (and refuses it in
/// us-east-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateBucket {
    pub bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_constraint: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl Operation for CreateBucket {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:CreateBucket", "s3:TagResource"],
        change: Change::Create,
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let region = e.region().to_string();
        let buckets = e.buckets()?;
        if !buckets.iter().any(|b| b.name == self.bucket) {
            buckets.push(Bucket {
                tags: self.tags.clone(),
                ..new_bucket(&self.bucket, &region)
            });
        }
        Ok(())
    }
}

/// `s3:PutPublicAccessBlock` on a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutPublicAccessBlock {
    pub bucket: String,
    pub configuration: PublicAccessBlock,
}

impl Operation for PutPublicAccessBlock {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutBucketPublicAccessBlock"],
        controls: &["S3.8", "S3.2", "S3.3"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.bucket(&self.bucket)?.public_access_block = Some(self.configuration);
        Ok(())
    }
}

/// `s3:PutBucketOwnershipControls`: `BucketOwnerEnforced` disables ACLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBucketOwnershipControls {
    pub bucket: String,
    pub object_ownership: String,
}

impl Operation for PutBucketOwnershipControls {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutBucketOwnershipControls"],
        controls: &["S3.12"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.bucket(&self.bucket)?.object_ownership = Some(self.object_ownership.clone());
        Ok(())
    }
}

/// `s3:PutBucketEncryption`: default encryption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBucketEncryption {
    pub bucket: String,
    pub sse_algorithm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_master_key_id: Option<String>,
}

impl Operation for PutBucketEncryption {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutEncryptionConfiguration"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let b = e.bucket(&self.bucket)?;
        b.encryption = Some(self.sse_algorithm.clone());
        b.kms_key_id = self.kms_master_key_id.clone();
        Ok(())
    }
}

/// `s3:PutBucketVersioning`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBucketVersioning {
    pub bucket: String,
    pub status: VersioningStatus,
}

impl Operation for PutBucketVersioning {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutBucketVersioning"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.bucket(&self.bucket)?.versioning = Some(self.status);
        Ok(())
    }
}

/// `s3:PutBucketPolicy`: replaces the policy; the planner merged the existing statements
/// in. Precondition: the bucket exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBucketPolicy {
    pub bucket: String,
    pub policy: String,
}

impl Operation for PutBucketPolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutBucketPolicy"],
        controls: &["S3.5"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.bucket(&self.bucket)?.policy = Some(self.policy.clone());
        Ok(())
    }
}

/// `s3:PutBucketLifecycleConfiguration`: replaces the rules; the planner merged the
/// existing ones in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBucketLifecycleConfiguration {
    pub bucket: String,
    pub rules: BTreeMap<String, String>,
}

impl Operation for PutBucketLifecycleConfiguration {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutLifecycleConfiguration"],
        controls: &["S3.13"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.bucket(&self.bucket)?.lifecycle_rules = self.rules.clone();
        Ok(())
    }
}

/// `s3:PutBucketLogging`: server access logs go to `target_bucket`. Precondition: the
/// target exists and lets the logging service write (bucket policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutBucketLogging {
    pub bucket: String,
    pub target_bucket: String,
    pub target_prefix: String,
}

impl Operation for PutBucketLogging {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutBucketLogging"],
        controls: &["S3.9"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let b = e.bucket(&self.bucket)?;
        b.logging_target = Some(self.target_bucket.clone());
        b.logging_prefix = Some(self.target_prefix.clone());
        Ok(())
    }
}
