//! AWS Config: the recorder, the delivery channel and whether Config may write to a bucket.

use secure_account_core::action::config::{
    PutConfigurationRecorder, PutDeliveryChannel, StartConfigurationRecorder,
};

use crate::policy::{self, Principal, Request};

use super::*;

impl Simulate for PutConfigurationRecorder {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (name, role_arn) = (&self.name, &self.role_arn);
        let Some(role) = c.role_by_arn(role_arn) else {
            return err(
                "InvalidRoleException",
                format!("The role {role_arn} does not exist or cannot be assumed by AWS Config"),
            );
        };
        if !role.trusted_services.contains("config.amazonaws.com") {
            return err(
                "InvalidRoleException",
                format!(
                    "AWS Config cannot assume the role {role_arn}: its trust policy does not trust config.amazonaws.com"
                ),
            );
        }
        let config = c.services().and_then(|s| s.config.known());
        if let Some(other) = config
            .into_iter()
            .flat_map(|cfg| cfg.recorders.iter())
            .find(|r| &r.name != name)
        {
            return err(
                "MaxNumberOfConfigurationRecordersExceededException",
                format!(
                    "Failed to put configuration recorder '{name}' because the maximum \
                     number of configuration recorders: 1 is reached (recorder '{}' exists).",
                    other.name
                ),
            );
        }
        Ok(())
    }

    /// The recorder's role, which Config cannot assume until it propagated.
    fn propagating_dependencies(&self, c: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        let role_arn = &self.role_arn;
        c.role_by_arn(role_arn)
            .map(|role| {
                (
                    (ResourceKind::Role, role.name.clone()),
                    AwsError::new(
                        "InvalidRoleException",
                        format!(
                            "The role {role_arn} does not exist or cannot be assumed by AWS Config"
                        ),
                    ),
                )
            })
            .into_iter()
            .collect()
    }
}

impl Simulate for PutDeliveryChannel {
    const AWS_LATENCY_MS: u64 = 500;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let (name, s3_bucket_name) = (&self.name, &self.s3_bucket_name);
        let config = c.services().and_then(|s| s.config.known());
        let recorders = config.map(|cfg| cfg.recorders.as_slice()).unwrap_or(&[]);
        let Some(recorder) = recorders.first() else {
            return err(
                "NoAvailableConfigurationRecorderException",
                "Configuration recorder is not available to put delivery channel.",
            );
        };
        if let Some(other) = config
            .into_iter()
            .flat_map(|cfg| cfg.delivery_channels.iter())
            .find(|ch| &ch.name != name)
        {
            return err(
                "MaxNumberOfDeliveryChannelsExceededException",
                format!(
                    "Failed to put delivery channel '{name}' because the maximum number of \
                     delivery channels: 1 is reached (channel '{}' exists).",
                    other.name
                ),
            );
        }
        let Some(bucket) = c.bucket(s3_bucket_name) else {
            return err(
                "NoSuchBucketException",
                format!("Cannot find a S3 bucket with the name {s3_bucket_name}."),
            );
        };
        if !config_can_deliver(c, bucket, &recorder.role_arn) {
            return err(
                "InsufficientDeliveryPolicyException",
                format!(
                    "Insufficient delivery policy to s3 bucket: {s3_bucket_name}, unable to \
                     write to bucket, provided s3 key prefix is 'null'."
                ),
            );
        }
        Ok(())
    }

    /// The bucket and its policy, which Config does not see at once.
    fn propagating_dependencies(&self, _: &Check<'_>) -> Vec<((ResourceKind, String), AwsError)> {
        let s3_bucket_name = &self.s3_bucket_name;
        vec![
            // Config's own spelling for a bucket it cannot see yet (not S3's `NoSuchBucket`).
            (
                (ResourceKind::Bucket, s3_bucket_name.clone()),
                AwsError::new(
                    "NoSuchBucketException",
                    format!("Cannot find a S3 bucket with an appropriate name: {s3_bucket_name}"),
                ),
            ),
            (
                (ResourceKind::BucketPolicy, s3_bucket_name.clone()),
                AwsError::new(
                    "InsufficientDeliveryPolicyException",
                    format!(
                        "Insufficient delivery policy to s3 bucket: {s3_bucket_name}, unable to \
                         write to bucket, provided s3 key prefix is 'null'."
                    ),
                ),
            ),
        ]
    }
}

impl Simulate for StartConfigurationRecorder {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let name = &self.name;
        let config = c.services().and_then(|s| s.config.known());
        if !config.is_some_and(|cfg| cfg.recorders.iter().any(|r| &r.name == name)) {
            return err(
                "NoSuchConfigurationRecorderException",
                format!("Cannot find configuration recorder with the specified name '{name}'."),
            );
        }
        if config.is_none_or(|cfg| cfg.delivery_channels.is_empty()) {
            return err(
                "NoAvailableDeliveryChannelException",
                "Delivery channel is not available to start configuration recorder.",
            );
        }
        Ok(())
    }
}

/// Whether AWS Config can deliver to `bucket`: with the service-linked role, through the
/// bucket policy (`s3:GetBucketAcl` on the bucket and `s3:PutObject` under
/// `AWSLogs/<account>/Config/`); with a custom role, through either the role's policies or
/// the bucket policy.
fn config_can_deliver(c: &Check<'_>, bucket: &Bucket, role_arn: &str) -> bool {
    let account = c.account_id();
    let object = format!(
        "arn:aws:s3:::{}/AWSLogs/{account}/Config/object",
        bucket.name
    );
    let bucket_arn = format!("arn:aws:s3:::{}", bucket.name);
    let context = [
        ("aws:SourceAccount", account),
        ("s3:x-amz-acl", "bucket-owner-full-control"),
        ("aws:SecureTransport", "true"),
    ];
    let by_bucket_policy = bucket.policy.as_deref().is_some_and(|p| {
        let req = |action, resource| Request {
            principal: Principal::Service("config.amazonaws.com"),
            action,
            resource,
            context: &context,
        };
        policy::allows(p, &req("s3:GetBucketAcl", &bucket_arn))
            && policy::allows(p, &req("s3:PutObject", &object))
    });
    if by_bucket_policy {
        return true;
    }
    let Some(role) = c.role_by_arn(role_arn) else {
        return false;
    };
    if role.path.starts_with("/aws-service-role/") {
        return false;
    }
    let req = Request {
        principal: Principal::Aws(&role.arn),
        action: "s3:PutObject",
        resource: &object,
        context: &context,
    };
    policy::any_allows(role.inline_policies.values().map(String::as_str), &req)
}
