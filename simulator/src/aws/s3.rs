//! S3: buckets and their settings.

use secure_account_core::action::s3::{
    CreateBucket, PutBucketEncryption, PutBucketLifecycleConfiguration, PutBucketLogging,
    PutBucketOwnershipControls, PutBucketPolicy, PutBucketTagging, PutBucketVersioning,
    PutPublicAccessBlock,
};

use crate::policy::{self, Principal, Request};
use secure_account_core::snapshot::PublicAccessBlock;

use super::*;

impl Simulate for CreateBucket {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let bucket = &self.bucket;
        bucket_name(bucket)?;
        // The regional endpoint wants the region as the location constraint, except us-east-1,
        // which wants none (S3 API reference, CreateBucket / CreateBucketConfiguration).
        match (c.region, self.location_constraint.as_deref()) {
            ("us-east-1", None) => {}
            ("us-east-1", Some(_)) => {
                return err(
                    "InvalidLocationConstraint",
                    "The specified location-constraint is not valid",
                );
            }
            (_, None) => {
                return err(
                    "IllegalLocationConstraintException",
                    "The unspecified location constraint is incompatible for the region specific \
                     endpoint this request was sent to.",
                );
            }
            (region, Some(constraint)) if constraint != region => {
                return err(
                    "IllegalLocationConstraintException",
                    format!(
                        "The {constraint} location constraint is incompatible for the region \
                         specific endpoint this request was sent to."
                    ),
                );
            }
            (_, Some(_)) => {}
        }
        match c.bucket(bucket) {
            // S3's legacy behaviour in us-east-1: re-creating your own bucket there
            // answers 200 OK (and changes nothing).
            Some(b) if c.region == "us-east-1" && b.region == "us-east-1" => Ok(()),
            Some(_) => err(
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already \
                 own it.",
            ),
            None => Ok(()),
        }
    }

    /// The new bucket, which other services do not see at once (only when the call made
    /// it: the caller checks that).
    fn starts_propagation(&self, _: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((ResourceKind::Bucket, self.bucket.clone()))
    }
}

impl Simulate for PutPublicAccessBlock {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        existing_bucket(c, &self.bucket).map(|_| ())
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

impl Simulate for PutBucketOwnershipControls {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        existing_bucket(c, &self.bucket)?;
        if !matches!(
            self.object_ownership.as_str(),
            "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter"
        ) {
            return malformed();
        }
        Ok(())
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

impl Simulate for PutBucketEncryption {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        existing_bucket(c, &self.bucket)?;
        match (self.sse_algorithm.as_str(), &self.kms_master_key_id) {
            ("AES256", None) | ("aws:kms" | "aws:kms:dsse", _) => Ok(()),
            ("AES256", Some(_)) => err(
                "InvalidArgument",
                "a KMS key id is only allowed with the aws:kms or aws:kms:dsse algorithm",
            ),
            _ => malformed(),
        }
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

impl Simulate for PutBucketVersioning {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        existing_bucket(c, &self.bucket).map(|_| ())
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

impl Simulate for PutBucketPolicy {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (bucket, policy) = (&self.bucket, &self.policy);
        let b = existing_bucket(c, bucket)?;
        let doc = policy::parse(policy).map_err(|e| {
            AwsError::new(
                "MalformedPolicy",
                format!("Policies must be valid JSON: {e}"),
            )
        })?;
        let own = format!("arn:aws:s3:::{bucket}");
        let foreign = doc
            .get("Statement")
            .map(json_list)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| s.get("Resource"))
            .flat_map(json_strings)
            .find(|r| !(r == &own || r.starts_with(&format!("{own}/"))));
        if let Some(r) = foreign {
            return err(
                "MalformedPolicy",
                format!("Policy has invalid resource {r}"),
            );
        }
        if c.effective_block_public_policy(b) && policy::is_public(policy) {
            return err("AccessDenied", "Access Denied");
        }
        Ok(())
    }

    /// The new policy, which the services it lets write do not see at once.
    fn starts_propagation(&self, _: &Check<'_>, _: Option<&str>) -> Option<(ResourceKind, String)> {
        Some((ResourceKind::BucketPolicy, self.bucket.clone()))
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

impl Simulate for PutBucketLifecycleConfiguration {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        existing_bucket(c, &self.bucket)?;
        let rules = &self.rules;
        if rules.len() > 1000
            || rules
                .values()
                .any(|r| serde_json::from_str::<serde_json::Value>(r).is_err())
        {
            return malformed();
        }
        Ok(())
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

impl Simulate for PutBucketLogging {
    const AWS_LATENCY_MS: u64 = 200;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (bucket, target_bucket, target_prefix) =
            (&self.bucket, &self.target_bucket, &self.target_prefix);
        let b = existing_bucket(c, bucket)?;
        // A bucket may log to itself (AWS allows it, though every log delivery then
        // writes another log object); the baseline never asks for it.
        let Some(target) = c.bucket(target_bucket) else {
            return err(
                "InvalidTargetBucketForLogging",
                "The target bucket for logging does not exist",
            );
        };
        if target.region != b.region {
            return err(
                "CrossLocationLoggingProhibitted",
                "Cross S3 location logging not allowed.",
            );
        }
        let resource = format!("arn:aws:s3:::{target_bucket}/{target_prefix}log-object");
        let source_arn = format!("arn:aws:s3:::{bucket}");
        let allowed = target.policy.as_deref().is_some_and(|p| {
            policy::allows(
                p,
                &Request {
                    principal: Principal::Service("logging.s3.amazonaws.com"),
                    action: "s3:PutObject",
                    resource: &resource,
                    context: &[
                        ("aws:SourceArn", &source_arn),
                        ("aws:SourceAccount", c.account_id()),
                        ("aws:SecureTransport", "true"),
                    ],
                },
            )
        });
        if !allowed {
            return err(
                "InvalidTargetBucketForLogging",
                format!(
                    "The target bucket {target_bucket} does not grant logging.s3.amazonaws.com \
                     permission to write to {target_prefix}"
                ),
            );
        }
        Ok(())
    }

    /// The bucket, and the target bucket with its policy, which S3's logging does not see
    /// at once.
    fn propagating_dependencies(&self, _: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        let target_error = || {
            AwsError::new(
                "InvalidTargetBucketForLogging",
                "The target bucket for logging does not exist",
            )
        };
        vec![
            (
                (ResourceKind::Bucket, self.bucket.clone()),
                AwsError::new("NoSuchBucket", S3_NO_SUCH_BUCKET),
            ),
            (
                (ResourceKind::Bucket, self.target_bucket.clone()),
                target_error(),
            ),
            (
                (ResourceKind::BucketPolicy, self.target_bucket.clone()),
                target_error(),
            ),
        ]
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

/// The bucket a settings call names; `NoSuchBucket` when there is none.
impl Simulate for PutBucketTagging {
    const AWS_LATENCY_MS: u64 = 150;

    /// S3 allows 50 tags a bucket; keys up to 128 characters, values up to 256.
    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        existing_bucket(c, &self.bucket)?;
        if self.tags.len() > 50
            || self
                .tags
                .iter()
                .any(|(k, v)| k.is_empty() || k.len() > 128 || v.len() > 256)
        {
            return err("InvalidTag", "The TagSet does not satisfy the constraints");
        }
        Ok(())
    }

    fn bucket_setting(&self) -> Option<&str> {
        Some(&self.bucket)
    }
}

fn existing_bucket<'a>(c: &'a Check<'_>, bucket: &str) -> Result<&'a Bucket, AwsError> {
    c.bucket(bucket)
        .ok_or_else(|| AwsError::new("NoSuchBucket", S3_NO_SUCH_BUCKET))
}

fn bucket_name(name: &str) -> Result<(), AwsError> {
    let ok = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..");
    if ok {
        Ok(())
    } else {
        err("InvalidBucketName", "The specified bucket is not valid.")
    }
}

fn malformed() -> Result<(), AwsError> {
    err(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published \
         schema",
    )
}

/// A JSON value that may be one item or a list of them, as a list.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "JSON values, not a closed set of ours"
)]
fn json_list(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// A JSON string or list of strings, as strings; anything else is none.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "JSON values, not a closed set of ours"
)]
fn json_strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

impl Check<'_> {
    fn effective_block_public_policy(&self, bucket: &Bucket) -> bool {
        let account = self
            .account
            .global
            .account_public_access_block
            .known()
            .copied()
            .flatten()
            .unwrap_or_default();
        let own: PublicAccessBlock = bucket.public_access_block.unwrap_or_default();
        account.block_public_policy || own.block_public_policy
    }
}
