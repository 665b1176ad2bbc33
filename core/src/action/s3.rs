//! S3: the account's buckets and their settings; reading them; creating the log buckets and
//! converging their settings.
//!
//! Buckets are account-wide state (one list, each bucket with its region); their
//! operations run in the bucket's region.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Change, Effect, ErrorClass, Operation};
use crate::part::Part;
use crate::snapshot::AwsError;
use crate::snapshot::s3::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_s3 {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            s3::CreateBucket,
            s3::PutPublicAccessBlock,
            s3::PutBucketOwnershipControls,
            s3::PutBucketEncryption,
            s3::PutBucketVersioning,
            s3::PutBucketPolicy,
            s3::PutBucketLifecycleConfiguration,
            s3::PutBucketLogging,
            s3::PutBucketTagging,
        ] $rest }
    };
}

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateBucket {
    pub bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_constraint: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The adapter checks the answer: where the tags did not stick (moto drops
/// `CreateBucketConfiguration.Tags`), it reads them back and puts them
/// (`s3:GetBucketTagging`, `s3:PutBucketTagging`).
impl Operation for CreateBucket {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &[
            "s3:CreateBucket",
            "s3:TagResource",
            "s3:GetBucketTagging",
            "s3:PutBucketTagging",
        ],
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// `s3:PutBucketTagging`: the bucket's whole tag set (the planner merges the tool's tag
/// into the tags the bucket has). Planned for a bucket the tool created (its journal says
/// so) whose tag was lost: the run stopped between `CreateBucket` and its tagging, or the
/// endpoint dropped the tags of the create call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutBucketTagging {
    pub bucket: String,
    pub tags: BTreeMap<String, String>,
}

impl Operation for PutBucketTagging {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["s3:PutBucketTagging"],
        ..S3
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.bucket(&self.bucket)?.tags = self.tags.clone();
        Ok(())
    }
}
