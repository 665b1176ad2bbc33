//! CloudTrail: trails, their settings, event selectors and logging.

use secure_account_core::action::cloudtrail::{
    CreateTrail, PutEventSelectors, StartLogging, UpdateTrail,
};
use secure_account_core::snapshot::{KeyState, KmsKey, Trail};

use crate::policy::{self, Principal, Request};

use super::logs::log_group;
use super::*;

impl Simulate for CreateTrail {
    const AWS_LATENCY_MS: u64 = 800;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let name = &self.name;
        trail_name(name)?;
        if c.trails_applying_here().iter().any(|t| &t.name == name) {
            return err(
                "TrailAlreadyExistsException",
                format!(
                    "Trail {} already exists for customer: {}",
                    c.trail_arn(name),
                    c.account_id()
                ),
            );
        }
        if c.trails_applying_here().len() >= 5 {
            return err(
                "MaximumNumberOfTrailsExceededException",
                format!(
                    "User: {} already has 5 trails in {}.",
                    c.account_id(),
                    c.region
                ),
            );
        }
        trail_settings(
            c,
            name,
            &self.s3_bucket_name,
            self.is_multi_region_trail,
            self.include_global_service_events,
            &self.kms_key_id,
            self.cloud_watch_logs_log_group_arn.as_deref(),
            self.cloud_watch_logs_role_arn.as_deref(),
        )
    }

    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        trail_dependencies(
            c,
            &self.s3_bucket_name,
            &self.kms_key_id,
            self.cloud_watch_logs_role_arn.as_deref(),
        )
    }
}

impl Simulate for UpdateTrail {
    const AWS_LATENCY_MS: u64 = 600;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        c.home_trail(&self.name)?;
        trail_settings(
            c,
            &self.name,
            &self.s3_bucket_name,
            self.is_multi_region_trail,
            self.include_global_service_events,
            self.kms_key_id.as_deref().unwrap_or(""),
            self.cloud_watch_logs_log_group_arn.as_deref(),
            self.cloud_watch_logs_role_arn.as_deref(),
        )
    }

    /// As `create_trail`'s; an update that sends no key keeps the trail's key and waits for
    /// none.
    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        trail_dependencies(
            c,
            &self.s3_bucket_name,
            self.kms_key_id.as_deref().unwrap_or(""),
            self.cloud_watch_logs_role_arn.as_deref(),
        )
    }
}

impl Simulate for PutEventSelectors {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        c.home_trail(&self.trail_name)?;
        let read_write_type = &self.read_write_type;
        if !matches!(read_write_type.as_str(), "All" | "ReadOnly" | "WriteOnly") {
            return err(
                "InvalidEventSelectorsException",
                format!("Invalid ReadWriteType {read_write_type}"),
            );
        }
        Ok(())
    }
}

impl Simulate for StartLogging {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        c.home_trail(&self.name).map(|_| ())
    }
}

/// What CloudTrail checks of a new or updated trail that may still be propagating: the
/// bucket, its policy, the key (when the call names one) and the log delivery role.
fn trail_dependencies(
    c: &Check<'_>,
    s3_bucket_name: &str,
    kms_key_id: &str,
    cloud_watch_logs_role_arn: Option<&str>,
) -> Vec<((ResourceKind, String), AwsError)> {
    let bucket_error = || {
        AwsError::new(
            "InsufficientS3BucketPolicyException",
            format!("Incorrect S3 bucket policy is detected for bucket: {s3_bucket_name}"),
        )
    };
    let mut deps = vec![
        (
            (ResourceKind::Bucket, s3_bucket_name.to_string()),
            bucket_error(),
        ),
        (
            (ResourceKind::BucketPolicy, s3_bucket_name.to_string()),
            bucket_error(),
        ),
    ];
    if let Some(key) = c.trail_key(kms_key_id) {
        deps.push((
            (ResourceKind::Key, key.key_id.clone()),
            AwsError::new(
                "InsufficientEncryptionPolicyException",
                format!(
                    "Insufficient permissions to access S3 bucket {s3_bucket_name} or KMS \
                     key {}.",
                    key.arn
                ),
            ),
        ));
    }
    if let Some(role) = cloud_watch_logs_role_arn.and_then(|arn| c.role_by_arn(arn)) {
        deps.push((
            (ResourceKind::Role, role.name.clone()),
            AwsError::new(
                "InvalidCloudWatchLogsRoleArnException",
                "Access denied. Check the trust relationships for your role.",
            ),
        ));
    }
    deps
}

fn trail_name(name: &str) -> Result<(), AwsError> {
    let b = name.as_bytes();
    let ok = (3..=128).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c))
        && !name.contains("..")
        && !name.contains("._")
        && !name.contains("_.")
        && !name.contains("-.")
        && !name.contains(".-");
    if ok {
        Ok(())
    } else {
        err(
            "InvalidTrailNameException",
            format!(
                "Trail name {name} is invalid: use 3 to 128 letters, digits, periods, underscores and dashes, starting and ending with a letter or digit"
            ),
        )
    }
}

/// What CloudTrail checks of a trail's destination when creating or updating it: the
/// bucket and its policy, the key and its policy, the log group and the role.
#[allow(clippy::too_many_arguments)]
fn trail_settings(
    c: &Check<'_>,
    name: &str,
    bucket_name: &str,
    multi_region: bool,
    global_events: bool,
    kms_key_id: &str,
    log_group_arn: Option<&str>,
    role_arn: Option<&str>,
) -> Result<(), AwsError> {
    if multi_region && !global_events {
        return err(
            "InvalidParameterCombinationException",
            "Multi-Region trail must include global service events.",
        );
    }
    let account = c.account_id();
    let trail_arn = c.trail_arn(name);
    let Some(bucket) = c.bucket(bucket_name) else {
        return err(
            "S3BucketDoesNotExistException",
            format!("S3 bucket {bucket_name} does not exist."),
        );
    };
    let context = [
        ("aws:SourceArn", trail_arn.as_str()),
        ("aws:SourceAccount", account),
        ("s3:x-amz-acl", "bucket-owner-full-control"),
        ("aws:SecureTransport", "true"),
    ];
    let object = format!("arn:aws:s3:::{bucket_name}/AWSLogs/{account}/CloudTrail/object");
    let bucket_arn = format!("arn:aws:s3:::{bucket_name}");
    let bucket_ok = bucket.policy.as_deref().is_some_and(|p| {
        let req = |action, resource| Request {
            principal: Principal::Service("cloudtrail.amazonaws.com"),
            action,
            resource,
            context: &context,
        };
        policy::allows(p, &req("s3:GetBucketAcl", &bucket_arn))
            && policy::allows(p, &req("s3:PutObject", &object))
    });
    if !bucket_ok {
        return err(
            "InsufficientS3BucketPolicyException",
            format!("Incorrect S3 bucket policy is detected for bucket: {bucket_name}"),
        );
    }
    if !kms_key_id.is_empty() {
        // "The KMS key does not exist, when the S3 bucket and the KMS key are not in the
        // same Region, or ..." (CloudTrail API reference, `KmsKeyNotFoundException`): the
        // key must live where the bucket does, whatever the trail's region.
        let key = c
            .trail_key(kms_key_id)
            .filter(|_| key_region(c, kms_key_id) == bucket.region);
        let Some(key) = key else {
            return err(
                "KmsKeyNotFoundException",
                format!(
                    "KMS key {kms_key_id} does not exist, or is not in the Region of the S3 \
                     bucket {bucket_name} ({})",
                    bucket.region
                ),
            );
        };
        if key.key_state != KeyState::Enabled {
            return err(
                "KmsException",
                format!(
                    "KMS key {} is {}",
                    key.arn,
                    key.key_state.as_str().to_lowercase()
                ),
            );
        }
        let encrypt_ok = policy::allows(
            &key.policy,
            &Request {
                principal: Principal::Service("cloudtrail.amazonaws.com"),
                action: "kms:GenerateDataKey",
                resource: &key.arn,
                context: &[
                    ("kms:EncryptionContext:aws:cloudtrail:arn", &trail_arn),
                    ("aws:SourceArn", &trail_arn),
                    ("aws:SourceAccount", account),
                ],
            },
        );
        if !encrypt_ok {
            return err(
                "InsufficientEncryptionPolicyException",
                format!(
                    "Insufficient permissions to access S3 bucket {bucket_name} or KMS key {}.",
                    key.arn
                ),
            );
        }
    }
    match (log_group_arn, role_arn) {
        (None, None) => Ok(()),
        (Some(_), None) => err(
            "InvalidCloudWatchLogsRoleArnException",
            "You must specify a role ARN with a log group ARN.",
        ),
        (None, Some(_)) => err(
            "InvalidCloudWatchLogsLogGroupArnException",
            "You must specify a log group ARN with a role ARN.",
        ),
        (Some(group_arn), Some(role_arn)) => cloudwatch_logs(c, group_arn, role_arn),
    }
}

/// The log group must exist in the trail's region; the role must trust CloudTrail and let
/// it create log streams and put events in the group.
fn cloudwatch_logs(c: &Check<'_>, group_arn: &str, role_arn: &str) -> Result<(), AwsError> {
    let account = c.account_id();
    let prefix = format!("arn:aws:logs:{}:{account}:log-group:", c.region);
    let group = group_arn
        .strip_prefix(&prefix)
        .map(|rest| rest.strip_suffix(":*").unwrap_or(rest));
    let Some(group) = group.filter(|g| log_group(c, c.region, g)) else {
        return err(
            "InvalidCloudWatchLogsLogGroupArnException",
            format!("CloudTrail cannot validate the specified log group ARN {group_arn}."),
        );
    };
    let Some(role) = c.role_by_arn(role_arn) else {
        return err(
            "InvalidCloudWatchLogsRoleArnException",
            format!("Access denied. Check the trust relationships for your role {role_arn}."),
        );
    };
    if !role.trusted_services.contains("cloudtrail.amazonaws.com") {
        return err(
            "InvalidCloudWatchLogsRoleArnException",
            "Access denied. Check the trust relationships for your role.",
        );
    }
    let stream = format!(
        "arn:aws:logs:{}:{account}:log-group:{group}:log-stream:{account}_CloudTrail_{}",
        c.region, c.region
    );
    let can = |action| {
        policy::any_allows(
            role.inline_policies.values().map(String::as_str),
            &Request {
                principal: Principal::Aws(&role.arn),
                action,
                resource: &stream,
                context: &[],
            },
        )
    };
    if can("logs:CreateLogStream") && can("logs:PutLogEvents") {
        Ok(())
    } else {
        err(
            "InvalidCloudWatchLogsLogGroupArnException",
            "Access denied. Verify in IAM that the role has adequate permissions.",
        )
    }
}

/// The region of the key a trail's `KmsKeyId` names: the region of a key or alias ARN, or
/// the trail's region for a key id or alias name.
fn key_region<'a>(c: &'a Check<'_>, kms_key_id: &'a str) -> &'a str {
    kms_key_id
        .strip_prefix("arn:aws:kms:")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or(c.region)
}

impl Check<'_> {
    /// The key a trail's `KmsKeyId` names, in the region it names ([`key_region`]).
    fn trail_key(&self, kms_key_id: &str) -> Option<&KmsKey> {
        self.key_any(key_region(self, kms_key_id), kms_key_id)
    }

    fn trail_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:cloudtrail:{}:{}:trail/{name}",
            self.region,
            self.account_id()
        )
    }

    /// Trails that apply in this region: the region's own, and multi-region trails of
    /// other regions (their shadows).
    fn trails_applying_here(&self) -> Vec<&Trail> {
        let mut out = Vec::new();
        for (region, r) in &self.account.regions {
            for t in r.services.trails.known().map(Vec::as_slice).unwrap_or(&[]) {
                if region == self.region || t.is_multi_region_trail {
                    out.push(t);
                }
            }
        }
        out
    }

    /// The trail `name` (or ARN) whose home is this region; `InvalidHomeRegionException`
    /// for the shadow of a multi-region trail, `TrailNotFoundException` otherwise.
    fn home_trail(&self, name: &str) -> Result<&Trail, AwsError> {
        let name = name.rsplit("trail/").next().unwrap_or(name);
        let here = self
            .services()
            .and_then(|s| s.trails.known())
            .and_then(|ts| ts.iter().find(|t| t.name == name));
        if let Some(t) = here {
            return Ok(t);
        }
        if self
            .trails_applying_here()
            .iter()
            .any(|t| t.name == name && t.is_multi_region_trail)
        {
            return Err(AwsError::new(
                "InvalidHomeRegionException",
                "This operation must be called from the trail's home region",
            ));
        }
        Err(AwsError::new(
            "TrailNotFoundException",
            format!(
                "Unknown trail: {} for the user: {}",
                self.trail_arn(name),
                self.account_id()
            ),
        ))
    }

    /// A key by id, key ARN, alias name or alias ARN, in `region` (what CloudTrail accepts
    /// as `KmsKeyId`).
    fn key_any(&self, region: &str, id: &str) -> Option<&KmsKey> {
        // The id of the action that created the key, as the plan may name it.
        if let Some(created) = self.outputs.key_ids.get(id) {
            return self.keys_in(region).iter().find(|k| &k.key_id == created);
        }
        let alias = if let Some(rest) = id.strip_prefix("arn:aws:kms:") {
            // arn:aws:kms:<region>:<account>:alias/<name> or …:key/<id>
            let mut parts = rest.splitn(3, ':');
            let key_region = parts.next()?;
            if key_region != region {
                return None;
            }
            let resource = parts.nth(1)?;
            if resource.starts_with("alias/") {
                Some(resource.to_string())
            } else {
                None
            }
        } else if id.starts_with("alias/") {
            Some(id.to_string())
        } else {
            None
        };
        let keys = self.keys_in(region);
        match alias {
            Some(a) => keys.iter().find(|k| k.aliases.contains(&a)),
            None => keys.iter().find(|k| k.key_id == id || k.arn == id),
        }
    }
}
