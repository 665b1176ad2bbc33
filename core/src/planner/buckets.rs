//! The log bucket and the access-log bucket: settings, policies, lifecycle and logging.

use crate::action::s3;
use crate::part::Part;
use crate::plan::SkipReason;
use serde_json::{Value, json};

use crate::policy;
use crate::snapshot::{Bucket, GLOBAL, PublicAccessBlock, Snapshot, VersioningStatus};

use super::{ABORT_UPLOADS_RULE_ID, LIFECYCLE_RULE_ID, MANAGED_TAG, Planner};

/// Whose a bucket under one of the baseline's names is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// The tool created it (tagged), or it does not exist yet.
    Tool,
    /// The customer's, already serving as this account's trail or Config log destination
    /// (or the log bucket's access-log target): adopted, but nothing that deletes data or
    /// closes what is public.
    Serving,
    /// The customer's, for something else: left alone.
    Customer,
}

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
        // A bucket under one of our names that is neither ours (tagged) nor already this
        // account's log destination is the customer's: it is left alone.
        let log_owner = self.bucket_owner(log_existing.as_ref(), None);
        let access_owner = self.bucket_owner(access_existing.as_ref(), log_existing.as_ref());
        for (name, owner, key) in [
            (&log, log_owner, "log_bucket"),
            (&access, access_owner, "access_log_bucket"),
        ] {
            if owner == Owner::Customer {
                self.skip(
                    &format!("{GLOBAL}/bucket/{name}"),
                    GLOBAL,
                    SkipReason::NameTaken,
                    format!(
                        "bucket `{name}` exists but is not the tool's (no `{}` tag, and no \
                         trail or Config delivery of this account writes to it): nothing is \
                         changed on it; choose another name with `{key}` under `[names]` in \
                         the baseline",
                        MANAGED_TAG.0
                    ),
                );
            }
        }
        // The two buckets log to each other, and S3 server access logging wants the target
        // bucket in the source bucket's region: a bucket the plan creates goes where the
        // other one already is (the home region when neither exists).
        let pair_region = log_existing
            .as_ref()
            .or(access_existing.as_ref())
            .map(|b| b.region.clone())
            .unwrap_or_else(|| self.home.clone());
        let log_region = log_existing
            .as_ref()
            .map_or_else(|| pair_region.clone(), |b| b.region.clone());
        let access_region = access_existing
            .as_ref()
            .map_or_else(|| pair_region.clone(), |b| b.region.clone());
        // S3.9 on the customer's buckets of the access-log bucket's region: they log into it
        // too, so its policy names them as sources.
        let customers = self.customer_buckets_to_log(&buckets, &log, &access, &access_region);
        let log_policy = self.log_bucket_statements(&log, &access);
        // Every bucket that logs into it stays a source: those that already do, and those
        // the plan makes do.
        let mut sources = vec![log.clone()];
        sources.extend(
            buckets
                .iter()
                .filter(|b| {
                    b.name != log
                        && b.region == access_region
                        && b.logging_target.as_deref() == Some(access.as_str())
                })
                .map(|b| b.name.clone()),
        );
        sources.extend(customers.iter().cloned());
        sources.sort();
        sources.dedup();
        let access_policy = self.access_bucket_statements(&access, &sources);
        let log_ok = log_owner != Owner::Customer
            && self.bucket(
                &log,
                &log_region,
                log_existing.as_ref(),
                log_owner,
                &log_policy,
            );
        let access_ok = access_owner != Owner::Customer
            && self.bucket(
                &access,
                &access_region,
                access_existing.as_ref(),
                access_owner,
                &access_policy,
            );
        // Each logs to the other, when they share a region.
        if log_ok && access_ok && log_region != access_region {
            self.skip(
                &format!("{GLOBAL}/put_bucket_logging/{log}"),
                GLOBAL,
                SkipReason::LogBucketsInDifferentRegions,
                format!(
                    "the log bucket `{log}` is in `{log_region}` and the access-log bucket \
                     `{access}` in `{access_region}`: S3 server access logging needs the \
                     target bucket in the source bucket's region, so they do not log to each \
                     other (S3.9 stays failing); name two buckets of one region with \
                     `log_bucket` and `access_log_bucket` under `[names]` in the baseline"
                ),
            );
        } else if log_ok && access_ok {
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
        if access_ok {
            for name in &customers {
                self.bucket_logging(name, &access_region, None, &access, &access_region);
            }
        }
        // What logs written into the log bucket wait for: it exists, blocks public access
        // and lets CloudTrail and Config write (those planned).
        self.log_bucket_deps = [
            "create_bucket",
            "put_public_access_block",
            "put_bucket_policy",
        ]
        .iter()
        .map(|op| format!("{log_region}/{op}/{log}"))
        .filter(|id| self.action_ids.contains(id))
        .collect();
        self.log_bucket_region = Some(log_region);
        log_ok
    }

    /// S3.13 on the customer's buckets (issue 20; `features.abort_incomplete_uploads_on_
    /// customer_buckets`): a bucket the tool did not create and that has no lifecycle
    /// configuration at all gets one rule, which only aborts multipart uploads left
    /// incomplete for 7 days. It deletes no object and changes no access (a public bucket
    /// keeps serving, a trail keeps delivering); a bucket with any rule, even a disabled
    /// one, is left alone, since a configuration put replaces every rule of the bucket. A
    /// bucket an exception in force accepts failing S3.13 is left alone too. The
    /// baseline's own buckets are planned by [`Self::log_buckets`].
    pub(super) fn customer_bucket_lifecycles(&mut self) {
        if !self.b.features.abort_incomplete_uploads_on_customer_buckets {
            return;
        }
        // An unreadable bucket list is recorded once, by `log_buckets`.
        let snapshot: &'a Snapshot = self.s;
        let crate::snapshot::Observed::Known(buckets) = &snapshot.global.buckets else {
            return;
        };
        let own = [
            self.fill(&self.b.names.log_bucket),
            self.fill(&self.b.names.access_log_bucket),
        ];
        for b in buckets {
            if own.contains(&b.name)
                || b.tags.get(MANAGED_TAG.0).map(String::as_str) == Some(MANAGED_TAG.1)
                || !b.lifecycle_rules.is_empty()
                || !self.regions.contains(&b.region)
                || self
                    .b
                    .accepted("S3.13", &crate::evaluate::arn::bucket(&b.name))
                    .is_some()
            {
                continue;
            }
            self.push(
                &b.region,
                Some(&b.name),
                s3::PutBucketLifecycleConfiguration {
                    bucket: b.name.clone(),
                    rules: [(
                        ABORT_UPLOADS_RULE_ID.to_string(),
                        policy::to_text(&abort_incomplete_uploads_rule()),
                    )]
                    .into(),
                },
                vec![],
            );
        }
    }

    /// Whose the bucket under one of the baseline's names is. `log` is the log bucket when
    /// `existing` is the access-log bucket: the bucket it already logs to is adopted too.
    pub(super) fn bucket_owner(&self, existing: Option<&Bucket>, log: Option<&Bucket>) -> Owner {
        let Some(b) = existing else {
            return Owner::Tool;
        };
        if b.tags.get(MANAGED_TAG.0).map(String::as_str) == Some(MANAGED_TAG.1)
            || b.created_by_this_tool
        {
            return Owner::Tool;
        }
        let serving = self.s.regions.values().any(|r| {
            r.services
                .trails
                .known()
                .is_some_and(|ts| ts.iter().any(|t| t.s3_bucket_name == b.name))
                || r.services.config.known().is_some_and(|c| {
                    c.delivery_channels
                        .iter()
                        .any(|d| d.s3_bucket_name == b.name)
                })
        }) || log
            .is_some_and(|l| l.logging_target.as_deref() == Some(b.name.as_str()));
        if serving {
            Owner::Serving
        } else {
            Owner::Customer
        }
    }

    /// Converges one bucket; false when its policy cannot be merged.
    fn bucket(
        &mut self,
        name: &str,
        region: &str,
        existing: Option<&Bucket>,
        owner: Owner,
        statements: &[Value],
    ) -> bool {
        let mut deps = vec![];
        let current = match existing {
            Some(b) => b.clone(),
            None => {
                if let Some(id) = self.push(
                    region,
                    Some(name),
                    s3::CreateBucket {
                        bucket: name.into(),
                        location_constraint: (region != "us-east-1").then(|| region.to_string()),
                        tags: [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into(),
                    },
                    vec![],
                ) {
                    deps.push(id);
                }
                crate::snapshot::s3::new_bucket(name, region)
            }
        };
        // The tool's bucket whose tag was lost (its journal says the tool created it) gets
        // it back, with the tags it has kept: the next reader, the journal gone, still
        // knows it for the tool's.
        if owner == Owner::Tool
            && existing.is_some()
            && current.tags.get(MANAGED_TAG.0).map(String::as_str) != Some(MANAGED_TAG.1)
        {
            let mut tags = current.tags.clone();
            tags.insert(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string());
            self.push(
                region,
                Some(name),
                s3::PutBucketTagging {
                    bucket: name.into(),
                    tags,
                },
                deps.clone(),
            );
        }
        // A bucket the tool did not create that is public stays public: blocking public
        // access or turning its ACLs off would break what the customer serves.
        let keep_public = owner == Owner::Serving && bucket_is_public(&current);
        if keep_public {
            self.skip(
                &format!("{region}/put_public_access_block/{name}"),
                region,
                SkipReason::PublicBucketInUse,
                format!(
                    "bucket `{name}` is public and was not created by the tool: its public \
                     access and ACLs are left as they are (S3.2, S3.3, S3.8, S3.12 stay \
                     failing until the customer makes it private)"
                ),
            );
        }
        let pab = current.public_access_block.unwrap_or_default();
        let desired_pab = pab.union(&PublicAccessBlock::ALL);
        if !keep_public && current.public_access_block != Some(desired_pab) {
            self.push(
                region,
                Some(name),
                s3::PutPublicAccessBlock {
                    bucket: name.into(),
                    configuration: desired_pab,
                },
                deps.clone(),
            );
        }
        if !keep_public && current.object_ownership.as_deref() != Some("BucketOwnerEnforced") {
            self.push(
                region,
                Some(name),
                s3::PutBucketOwnershipControls {
                    bucket: name.into(),
                    object_ownership: "BucketOwnerEnforced".into(),
                },
                deps.clone(),
            );
        }
        if current.encryption.is_none() {
            self.push(
                region,
                Some(name),
                s3::PutBucketEncryption {
                    bucket: name.into(),
                    sse_algorithm: "AES256".into(),
                    kms_master_key_id: None,
                },
                deps.clone(),
            );
        }
        if current.versioning != Some(VersioningStatus::Enabled) {
            self.push(
                region,
                Some(name),
                s3::PutBucketVersioning {
                    bucket: name.into(),
                    status: VersioningStatus::Enabled,
                },
                deps.clone(),
            );
        }
        if current.lifecycle_rules.is_empty() && owner == Owner::Serving {
            // The customer's data: a rule that deletes no object.
            let rule = abort_incomplete_uploads_rule();
            self.push(
                region,
                Some(name),
                s3::PutBucketLifecycleConfiguration {
                    bucket: name.into(),
                    rules: [(ABORT_UPLOADS_RULE_ID.to_string(), policy::to_text(&rule))].into(),
                },
                deps.clone(),
            );
        } else if current.lifecycle_rules.is_empty() {
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
                s3::PutBucketLifecycleConfiguration {
                    bucket: name.into(),
                    rules: [(LIFECYCLE_RULE_ID.to_string(), policy::to_text(&rule))].into(),
                },
                deps.clone(),
            );
        }
        if !policy::contains_all(current.policy.as_deref(), statements) {
            match policy::merge(current.policy.as_deref(), statements) {
                Ok((merged, _)) => {
                    self.push(
                        region,
                        Some(name),
                        s3::PutBucketPolicy {
                            bucket: name.into(),
                            policy: merged,
                        },
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
            s3::PutBucketLogging {
                bucket: name.into(),
                target_bucket: target.into(),
                target_prefix: format!("{name}/"),
            },
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

    /// S3.9 on the customer's buckets (`features.access_logging_on_customer_buckets`):
    /// each bucket the tool did not create, in the access-log bucket's region (S3 wants the
    /// target there), that logs nowhere yet, and that no exception in force accepts failing
    /// S3.9. Logging changes nothing the bucket serves; a bucket that logs elsewhere keeps
    /// its target.
    fn customer_buckets_to_log(
        &self,
        buckets: &[Bucket],
        log: &str,
        access: &str,
        access_region: &str,
    ) -> Vec<String> {
        if !self.b.features.access_logging_on_customer_buckets {
            return vec![];
        }
        buckets
            .iter()
            .filter(|b| {
                b.name != log
                    && b.name != access
                    && b.tags.get(MANAGED_TAG.0).map(String::as_str) != Some(MANAGED_TAG.1)
                    && b.logging_target.is_none()
                    && b.region == access_region
                    && self.regions.contains(&b.region)
                    && self
                        .b
                        .accepted("S3.9", &crate::evaluate::arn::bucket(&b.name))
                        .is_none()
            })
            .map(|b| b.name.clone())
            .collect()
    }

    fn logging_grant(&self, bucket: &str, sources: &[String]) -> Value {
        let arns: Vec<String> = sources
            .iter()
            .map(|s| format!("arn:aws:s3:::{s}"))
            .collect();
        let source_arn = match arns.as_slice() {
            [one] => json!(one),
            many => json!(many),
        };
        json!({
            "Sid": "SecureAccountServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
            "Condition": {
                "ArnLike": {"aws:SourceArn": source_arn},
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
        // VPC flow logs (EC2.6): CloudWatch Logs' log delivery writes them, for this account
        // only (VPC user guide, "Amazon S3 bucket permissions for flow logs"); only when the
        // plan has a VPC to give a flow log.
        if self.flow_logs_wanted() {
            let source = format!("arn:aws:logs:*:{}:*", self.account);
            v.push(json!({
                "Sid": "SecureAccountFlowLogsAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": arn,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": self.account},
                    "ArnLike": {"aws:SourceArn": source}
                }
            }));
            v.push(json!({
                "Sid": "SecureAccountFlowLogsWrite",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/AWSLogs/{}/*", self.account),
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": self.account},
                    "ArnLike": {"aws:SourceArn": source}
                }
            }));
        }
        v.push(self.logging_grant(bucket, &[access.to_string()]));
        v.push(self.tls_only(bucket));
        v
    }

    fn access_bucket_statements(&self, bucket: &str, sources: &[String]) -> Vec<Value> {
        vec![self.logging_grant(bucket, sources), self.tls_only(bucket)]
    }
}

/// The lifecycle rule the tool puts on a bucket holding the customer's data: it only
/// aborts multipart uploads left incomplete for 7 days, and deletes no object (S3.13).
fn abort_incomplete_uploads_rule() -> Value {
    json!({
        "ID": ABORT_UPLOADS_RULE_ID,
        "Status": "Enabled",
        "Filter": {},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
    })
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
