//! CloudTrail: trails, their settings, event selectors and logging.

use super::logs::log_group;
use super::*;

/// `create_trail`.
#[allow(clippy::too_many_arguments)]
pub(super) fn create_trail(
    c: &Check<'_>,
    name: &str,
    s3_bucket_name: &str,
    is_multi_region_trail: &bool,
    include_global_service_events: &bool,
    kms_key_id: &str,
    cloud_watch_logs_log_group_arn: &Option<String>,
    cloud_watch_logs_role_arn: &Option<String>,
) -> Result<(), AwsError> {
    trail_name(name)?;
    if c.trails_applying_here().iter().any(|t| t.name == name) {
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
        s3_bucket_name,
        *is_multi_region_trail,
        *include_global_service_events,
        kms_key_id,
        cloud_watch_logs_log_group_arn.as_deref(),
        cloud_watch_logs_role_arn.as_deref(),
    )
}

/// `update_trail`.
#[allow(clippy::too_many_arguments)]
pub(super) fn update_trail(
    c: &Check<'_>,
    name: &str,
    s3_bucket_name: &str,
    is_multi_region_trail: &bool,
    include_global_service_events: &bool,
    kms_key_id: &Option<String>,
    cloud_watch_logs_log_group_arn: &Option<String>,
    cloud_watch_logs_role_arn: &Option<String>,
) -> Result<(), AwsError> {
    c.home_trail(name)?;
    trail_settings(
        c,
        name,
        s3_bucket_name,
        *is_multi_region_trail,
        *include_global_service_events,
        kms_key_id.as_deref().unwrap_or(""),
        cloud_watch_logs_log_group_arn.as_deref(),
        cloud_watch_logs_role_arn.as_deref(),
    )
}

/// `put_event_selectors`.
pub(super) fn put_event_selectors(
    c: &Check<'_>,
    trail_name: &str,
    read_write_type: &str,
) -> Result<(), AwsError> {
    c.home_trail(trail_name)?;
    if !matches!(read_write_type, "All" | "ReadOnly" | "WriteOnly") {
        return err(
            "InvalidEventSelectorsException",
            format!("Invalid ReadWriteType {read_write_type}"),
        );
    }
    Ok(())
}

/// `start_logging`.
pub(super) fn start_logging(c: &Check<'_>, name: &str) -> Result<(), AwsError> {
    c.home_trail(name).map(|_| ())
}

pub(super) fn trail_name(name: &str) -> Result<(), AwsError> {
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
pub(super) fn trail_settings(
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
        let Some(key) = c.key_any(c.region, kms_key_id) else {
            return err(
                "KmsKeyNotFoundException",
                format!(
                    "KMS key {kms_key_id} does not exist or is not in the same region as the \
                     trail ({})",
                    c.region
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
pub(super) fn cloudwatch_logs(
    c: &Check<'_>,
    group_arn: &str,
    role_arn: &str,
) -> Result<(), AwsError> {
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
