//! The log bucket and the access-log bucket: settings, policies, lifecycle and logging.

use crate::part::Part;
use crate::plan::SkipReason;
use serde_json::{Value, json};

use crate::action::Action;
use crate::effects;
use crate::policy;
use crate::snapshot::{Bucket, GLOBAL, PublicAccessBlock, Snapshot, VersioningStatus};

use super::{LIFECYCLE_RULE_ID, Planner};

impl<'a> Planner<'a> {
    // ---- log buckets ----

    /// Plans the log bucket and the access-log bucket (they log to each other). Returns
    /// whether the log bucket will exist with its policy (so trail and Config can use it).
    pub(super) fn log_buckets(&mut self) -> bool {
        if !(self.b.features.cloudtrail || self.b.features.config) {
            return false;
        }
        let snapshot: &'a Snapshot = self.s;
        let Some(b) = self.seen(GLOBAL, Part::Buckets, &snapshot.global.buckets) else {
            return false;
        };
        let buckets = b.clone();
        let log = self.fill(&self.b.names.log_bucket);
        let access = self.fill(&self.b.names.access_log_bucket);
        if log == access {
            self.skip(
                "global/buckets",
                GLOBAL,
                SkipReason::InvalidNames,
                "the log bucket and the access-log bucket have the same name; a bucket must \
                 not log to itself"
                    .into(),
            );
            return false;
        }
        let log_existing = buckets.iter().find(|b| b.name == log).cloned();
        let access_existing = buckets.iter().find(|b| b.name == access).cloned();
        let log_region = log_existing
            .as_ref()
            .map(|b| b.region.clone())
            .unwrap_or_else(|| self.home.clone());
        let access_region = access_existing
            .as_ref()
            .map(|b| b.region.clone())
            .unwrap_or_else(|| self.home.clone());
        let log_policy = self.log_bucket_statements(&log, &access);
        let access_policy = self.access_bucket_statements(&access, &log);
        let log_ok = self.bucket(&log, &log_region, log_existing.as_ref(), &log_policy);
        let access_ok = self.bucket(
            &access,
            &access_region,
            access_existing.as_ref(),
            &access_policy,
        );
        // Each logs to the other.
        if log_ok && access_ok {
            self.bucket_logging(
                &log,
                &log_region,
                log_existing.as_ref(),
                &access,
                &access_region,
            );
            self.bucket_logging(
                &access,
                &access_region,
                access_existing.as_ref(),
                &log,
                &log_region,
            );
        }
        log_ok
    }

    /// Converges one bucket; false when its policy cannot be merged.
    fn bucket(
        &mut self,
        name: &str,
        region: &str,
        existing: Option<&Bucket>,
        statements: &[Value],
    ) -> bool {
        let mut deps = vec![];
        let current = match existing {
            Some(b) => b.clone(),
            None => {
                if let Some(id) = self.push(
                    region,
                    Some(name),
                    Action::CreateBucket {
                        bucket: name.into(),
                        location_constraint: (region != "us-east-1").then(|| region.to_string()),
                    },
                    &[],
                    vec![],
                ) {
                    deps.push(id);
                }
                effects::new_bucket(name, region)
            }
        };
        let pab = current.public_access_block.unwrap_or_default();
        let desired_pab = pab.union(&PublicAccessBlock::ALL);
        if current.public_access_block != Some(desired_pab) {
            self.push(
                region,
                Some(name),
                Action::PutPublicAccessBlock {
                    bucket: name.into(),
                    configuration: desired_pab,
                },
                &["S3.8", "S3.2", "S3.3"],
                deps.clone(),
            );
        }
        if current.object_ownership.as_deref() != Some("BucketOwnerEnforced") {
            self.push(
                region,
                Some(name),
                Action::PutBucketOwnershipControls {
                    bucket: name.into(),
                    object_ownership: "BucketOwnerEnforced".into(),
                },
                &["S3.12"],
                deps.clone(),
            );
        }
        if current.encryption.is_none() {
            self.push(
                region,
                Some(name),
                Action::PutBucketEncryption {
                    bucket: name.into(),
                    sse_algorithm: "AES256".into(),
                    kms_master_key_id: None,
                },
                &[],
                deps.clone(),
            );
        }
        if current.versioning != Some(VersioningStatus::Enabled) {
            self.push(
                region,
                Some(name),
                Action::PutBucketVersioning {
                    bucket: name.into(),
                    status: VersioningStatus::Enabled,
                },
                &[],
                deps.clone(),
            );
        }
        if current.lifecycle_rules.is_empty() {
            let rule = json!({
                "ID": LIFECYCLE_RULE_ID,
                "Status": "Enabled",
                "Filter": {},
                "Expiration": {"Days": self.b.log_expiration_days},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
            });
            self.push(
                region,
                Some(name),
                Action::PutBucketLifecycleConfiguration {
                    bucket: name.into(),
                    rules: [(LIFECYCLE_RULE_ID.to_string(), rule.to_string())].into(),
                },
                &["S3.13"],
                deps.clone(),
            );
        }
        if !policy::contains_all(current.policy.as_deref(), statements) {
            match policy::merge(current.policy.as_deref(), statements) {
                Ok((merged, _)) => {
                    self.push(
                        region,
                        Some(name),
                        Action::PutBucketPolicy {
                            bucket: name.into(),
                            policy: merged,
                        },
                        &["S3.5"],
                        deps,
                    );
                }
                Err(e) => {
                    self.skip(
                        &format!("{region}/put_bucket_policy/{name}"),
                        region,
                        SkipReason::PolicyUnreadable,
                        format!("the policy of bucket `{name}` could not be merged ({e}); fix it by hand"),
                    );
                    return false;
                }
            }
        }
        true
    }

    fn bucket_logging(
        &mut self,
        name: &str,
        region: &str,
        existing: Option<&Bucket>,
        target: &str,
        target_region: &str,
    ) {
        if existing.is_some_and(|b| b.logging_target.is_some()) {
            return;
        }
        let deps = vec![
            format!("{region}/create_bucket/{name}"),
            format!("{target_region}/create_bucket/{target}"),
            format!("{target_region}/put_bucket_policy/{target}"),
        ];
        self.push(
            region,
            Some(name),
            Action::PutBucketLogging {
                bucket: name.into(),
                target_bucket: target.into(),
                target_prefix: format!("{name}/"),
            },
            &["S3.9"],
            deps,
        );
    }

    fn tls_only(&self, bucket: &str) -> Value {
        json!({
            "Sid": "SecureAccountDenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })
    }

    fn logging_grant(&self, bucket: &str, source: &str) -> Value {
        json!({
            "Sid": "SecureAccountServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
            "Condition": {
                "ArnLike": {"aws:SourceArn": format!("arn:aws:s3:::{source}")},
                "StringEquals": {"aws:SourceAccount": self.account}
            }
        })
    }

    /// The log bucket's statements: CloudTrail and Config writes scoped to this account and
    /// trail, server access logs from the access-log bucket, TLS only.
    fn log_bucket_statements(&self, bucket: &str, access: &str) -> Vec<Value> {
        let arn = format!("arn:aws:s3:::{bucket}");
        let mut v = vec![];
        if self.b.features.cloudtrail {
            v.push(json!({
                "Sid": "SecureAccountCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": self.account}}
            }));
            v.push(json!({
                "Sid": "SecureAccountCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/AWSLogs/{}/*", self.account),
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": self.account},
                    "ArnLike": {"aws:SourceArn": format!("arn:aws:cloudtrail:*:{}:trail/*", self.account)}
                }
            }));
        }
        if self.b.features.config {
            v.push(json!({
                "Sid": "SecureAccountConfigAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": self.account}}
            }));
            v.push(json!({
                "Sid": "SecureAccountConfigWrite",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/AWSLogs/{}/Config/*", self.account),
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": self.account}}
            }));
        }
        v.push(self.logging_grant(bucket, access));
        v.push(self.tls_only(bucket));
        v
    }

    fn access_bucket_statements(&self, bucket: &str, log: &str) -> Vec<Value> {
        vec![self.logging_grant(bucket, log), self.tls_only(bucket)]
    }
}

/// Whether a bucket is public now: a public ACL, or a policy statement that allows everyone
/// without a restricting condition (as S3.2/S3.3 judge it), not neutralised by the bucket's
/// own public access block.
pub fn bucket_is_public(b: &Bucket) -> bool {
    let pab = b.public_access_block.unwrap_or_default();
    let acl_public = b.public_acl && !pab.ignore_public_acls;
    let policy_public = !pab.restrict_public_buckets
        && b.policy
            .as_deref()
            .and_then(policy::parse)
            .is_some_and(|doc| {
                policy::statements(&doc)
                    .iter()
                    .any(|s| policy::allows_public(s))
            });
    acl_public || policy_public
}
