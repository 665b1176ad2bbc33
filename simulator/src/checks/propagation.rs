//! The errors of changes that have not propagated yet, and the changes that start propagating.

use super::*;

/// The error of a dependent call that meets changes still propagating, with every
/// propagating resource it depends on (each counts the failed call); `None` when nothing
/// it depends on is propagating.
pub(crate) fn propagation_error(
    c: &Check<'_>,
    action: &Action,
) -> Option<(AwsError, Vec<(ResourceKind, String)>)> {
    use ResourceKind::*;
    // (resource, the error its propagation causes), in the order the service checks them.
    let mut deps: Vec<((ResourceKind, String), AwsError)> = Vec::new();
    let mut dep = |kind: ResourceKind, name: &str, error: AwsError| {
        if c.hidden.is_propagating(kind, name) {
            deps.push(((kind, name.to_string()), error));
        }
    };
    match action {
        Action::CreateTrail {
            s3_bucket_name,
            cloud_watch_logs_role_arn,
            ..
        }
        | Action::UpdateTrail {
            s3_bucket_name,
            cloud_watch_logs_role_arn,
            ..
        } => {
            // An update that sends no key keeps the trail's key and waits for none.
            let kms_key_id = if let Action::CreateTrail { kms_key_id, .. } = action {
                kms_key_id.as_str()
            } else if let Action::UpdateTrail { kms_key_id, .. } = action {
                kms_key_id.as_deref().unwrap_or("")
            } else {
                ""
            };
            let bucket_error = || {
                AwsError::new(
                    "InsufficientS3BucketPolicyException",
                    format!("Incorrect S3 bucket policy is detected for bucket: {s3_bucket_name}"),
                )
            };
            dep(Bucket, s3_bucket_name, bucket_error());
            dep(BucketPolicy, s3_bucket_name, bucket_error());
            if let Some(key) = c.key_any(c.region, kms_key_id) {
                dep(
                    Key,
                    &key.key_id,
                    AwsError::new(
                        "InsufficientEncryptionPolicyException",
                        format!(
                            "Insufficient permissions to access S3 bucket {s3_bucket_name} or KMS \
                             key {}.",
                            key.arn
                        ),
                    ),
                );
            }
            if let Some(role) = cloud_watch_logs_role_arn
                .as_deref()
                .and_then(|arn| c.role_by_arn(arn))
            {
                dep(
                    Role,
                    &role.name,
                    AwsError::new(
                        "InvalidCloudWatchLogsRoleArnException",
                        "Access denied. Check the trust relationships for your role.",
                    ),
                );
            }
        }
        Action::PutDeliveryChannel { s3_bucket_name, .. } => {
            // Config's own spelling for a bucket it cannot see yet (not S3's `NoSuchBucket`).
            dep(
                Bucket,
                s3_bucket_name,
                AwsError::new(
                    "NoSuchBucketException",
                    format!("Cannot find a S3 bucket with an appropriate name: {s3_bucket_name}"),
                ),
            );
            let error = || {
                AwsError::new(
                    "InsufficientDeliveryPolicyException",
                    format!(
                        "Insufficient delivery policy to s3 bucket: {s3_bucket_name}, unable to \
                         write to bucket, provided s3 key prefix is 'null'."
                    ),
                )
            };
            dep(BucketPolicy, s3_bucket_name, error());
        }
        Action::PutConfigurationRecorder { role_arn, .. } => {
            if let Some(role) = c.role_by_arn(role_arn) {
                dep(
                    Role,
                    &role.name,
                    AwsError::new(
                        "InvalidRoleException",
                        format!(
                            "The role {role_arn} does not exist or cannot be assumed by AWS Config"
                        ),
                    ),
                );
            }
        }
        Action::PutBucketLogging {
            bucket,
            target_bucket,
            ..
        } => {
            dep(
                Bucket,
                bucket,
                AwsError::new("NoSuchBucket", S3_NO_SUCH_BUCKET),
            );
            let target_error = || {
                AwsError::new(
                    "InvalidTargetBucketForLogging",
                    "The target bucket for logging does not exist",
                )
            };
            dep(Bucket, target_bucket, target_error());
            dep(BucketPolicy, target_bucket, target_error());
        }
        Action::EnableSecurityHub { .. }
        | Action::UpdateSecurityHubConfiguration { .. }
        | Action::BatchEnableStandards { .. }
        | Action::BatchUpdateStandardsControlAssociations { .. }
        | Action::CreateFindingAggregator { .. }
        | Action::CreateDetector { .. }
        | Action::UpdateDetector { .. }
        | Action::CreateServiceLinkedRole { .. }
        | Action::CreateRole { .. }
        | Action::UpdateAssumeRolePolicy { .. }
        | Action::PutRolePolicy { .. }
        | Action::UpdateAccountPasswordPolicy { .. }
        | Action::StartConfigurationRecorder { .. }
        | Action::CreateBucket { .. }
        | Action::PutPublicAccessBlock { .. }
        | Action::PutAccountPublicAccessBlock { .. }
        | Action::PutBucketOwnershipControls { .. }
        | Action::PutBucketEncryption { .. }
        | Action::PutBucketVersioning { .. }
        | Action::PutBucketPolicy { .. }
        | Action::PutBucketLifecycleConfiguration { .. }
        | Action::CreateKey { .. }
        | Action::CreateAlias { .. }
        | Action::PutKeyPolicy { .. }
        | Action::EnableKeyRotation { .. }
        | Action::CreateLogGroup { .. }
        | Action::PutRetentionPolicy { .. }
        | Action::PutEventSelectors { .. }
        | Action::StartLogging { .. }
        | Action::CreateAnalyzer { .. }
        | Action::CreateArchiveRule { .. }
        | Action::UpdateArchiveRule { .. }
        | Action::EnableEbsEncryptionByDefault {}
        | Action::EnableSnapshotBlockPublicAccess { .. }
        | Action::ModifyVpcBlockPublicAccessOptions { .. }
        | Action::DetachInternetGateway { .. }
        | Action::DeleteInternetGateway { .. }
        | Action::DeleteSubnet { .. }
        | Action::DeleteVpc { .. }
        | Action::UpdateWorkGroup { .. }
        | Action::PutAlternateContact { .. }
        | Action::UpdateServiceSetting { .. }
        | Action::EnableInspector { .. }
        | Action::EnableMacie { .. }
        | Action::UpdateAutomatedDiscoveryConfiguration { .. }
        | Action::UpdateClassificationScope { .. } => {}
    }
    let error = deps.first()?.1.clone();
    Some((error, deps.into_iter().map(|(r, _)| r).collect()))
}

/// The resource whose propagation a successful action starts (with the key id `create_key`
/// returned).
pub(crate) fn propagation_started(
    c: &Check<'_>,
    action: &Action,
    created_key: Option<&str>,
) -> Option<(ResourceKind, String)> {
    match action {
        Action::CreateBucket { bucket, .. } => Some((ResourceKind::Bucket, bucket.clone())),
        Action::PutBucketPolicy { bucket, .. } => {
            Some((ResourceKind::BucketPolicy, bucket.clone()))
        }
        Action::CreateRole { role_name, .. }
        | Action::UpdateAssumeRolePolicy { role_name, .. }
        | Action::PutRolePolicy { role_name, .. } => Some((ResourceKind::Role, role_name.clone())),
        Action::CreateServiceLinkedRole { aws_service_name } => Some((
            ResourceKind::Role,
            service_linked_role_name(aws_service_name),
        )),
        Action::CreateKey { .. } => created_key.map(|id| (ResourceKind::Key, id.to_string())),
        Action::PutKeyPolicy { key, .. } => c
            .outputs
            .resolve(key)
            .and_then(|id| c.key_by_id(&id).map(|k| k.key_id.clone()))
            .map(|id| (ResourceKind::Key, id)),
        Action::EnableSecurityHub { .. }
        | Action::UpdateSecurityHubConfiguration { .. }
        | Action::BatchEnableStandards { .. }
        | Action::BatchUpdateStandardsControlAssociations { .. }
        | Action::CreateFindingAggregator { .. }
        | Action::CreateDetector { .. }
        | Action::UpdateDetector { .. }
        | Action::UpdateAccountPasswordPolicy { .. }
        | Action::PutConfigurationRecorder { .. }
        | Action::PutDeliveryChannel { .. }
        | Action::StartConfigurationRecorder { .. }
        | Action::PutPublicAccessBlock { .. }
        | Action::PutAccountPublicAccessBlock { .. }
        | Action::PutBucketOwnershipControls { .. }
        | Action::PutBucketEncryption { .. }
        | Action::PutBucketVersioning { .. }
        | Action::PutBucketLifecycleConfiguration { .. }
        | Action::PutBucketLogging { .. }
        | Action::CreateAlias { .. }
        | Action::EnableKeyRotation { .. }
        | Action::CreateLogGroup { .. }
        | Action::PutRetentionPolicy { .. }
        | Action::CreateTrail { .. }
        | Action::UpdateTrail { .. }
        | Action::PutEventSelectors { .. }
        | Action::StartLogging { .. }
        | Action::CreateAnalyzer { .. }
        | Action::CreateArchiveRule { .. }
        | Action::UpdateArchiveRule { .. }
        | Action::EnableEbsEncryptionByDefault {}
        | Action::EnableSnapshotBlockPublicAccess { .. }
        | Action::ModifyVpcBlockPublicAccessOptions { .. }
        | Action::DetachInternetGateway { .. }
        | Action::DeleteInternetGateway { .. }
        | Action::DeleteSubnet { .. }
        | Action::DeleteVpc { .. }
        | Action::UpdateWorkGroup { .. }
        | Action::PutAlternateContact { .. }
        | Action::UpdateServiceSetting { .. }
        | Action::EnableInspector { .. }
        | Action::EnableMacie { .. }
        | Action::UpdateAutomatedDiscoveryConfiguration { .. }
        | Action::UpdateClassificationScope { .. } => None,
    }
}
