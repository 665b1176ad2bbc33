//! S3: buckets and their settings.

use super::*;

/// `create_bucket`.
pub(super) fn create_bucket(
    c: &Check<'_>,
    bucket: &str,
    location_constraint: Option<&str>,
) -> Result<(), AwsError> {
    bucket_name(bucket)?;
    // The regional endpoint wants the region as the location constraint, except us-east-1,
    // which wants none (S3 API reference, CreateBucket / CreateBucketConfiguration).
    match (c.region, location_constraint) {
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

/// The bucket settings (`put_public_access_block`, `put_bucket_*`).
pub(super) fn put_bucket_setting(
    c: &Check<'_>,
    bucket: &str,
    action: &Action,
) -> Result<(), AwsError> {
    let Some(b) = c.bucket(bucket) else {
        return err("NoSuchBucket", S3_NO_SUCH_BUCKET);
    };
    bucket_settings(c, b, action)
}

pub(super) fn bucket_name(name: &str) -> Result<(), AwsError> {
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

/// Checks of the bucket operations once the bucket exists.
pub(super) fn bucket_settings(c: &Check<'_>, b: &Bucket, action: &Action) -> Result<(), AwsError> {
    let malformed = || {
        err(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published \
             schema",
        )
    };
    match action {
        Action::PutBucketOwnershipControls {
            object_ownership, ..
        } if !matches!(
            object_ownership.as_str(),
            "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter"
        ) =>
        {
            return malformed();
        }
        Action::PutBucketEncryption {
            sse_algorithm,
            kms_master_key_id,
            ..
        } => match (sse_algorithm.as_str(), kms_master_key_id) {
            ("AES256", None) | ("aws:kms" | "aws:kms:dsse", _) => {}
            ("AES256", Some(_)) => {
                return err(
                    "InvalidArgument",
                    "a KMS key id is only allowed with the aws:kms or aws:kms:dsse algorithm",
                );
            }
            _ => return malformed(),
        },
        Action::PutBucketLifecycleConfiguration { rules, .. }
            if rules.len() > 1000
                || rules
                    .values()
                    .any(|r| serde_json::from_str::<serde_json::Value>(r).is_err()) =>
        {
            return malformed();
        }
        Action::PutBucketPolicy { bucket, policy } => {
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
        }
        Action::PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => {
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
        | Action::PutConfigurationRecorder { .. }
        | Action::PutDeliveryChannel { .. }
        | Action::StartConfigurationRecorder { .. }
        | Action::CreateBucket { .. }
        | Action::PutPublicAccessBlock { .. }
        | Action::PutAccountPublicAccessBlock { .. }
        | Action::PutBucketOwnershipControls { .. }
        | Action::PutBucketVersioning { .. }
        | Action::PutBucketLifecycleConfiguration { .. }
        | Action::CreateKey { .. }
        | Action::CreateAlias { .. }
        | Action::PutKeyPolicy { .. }
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
        | Action::UpdateClassificationScope { .. } => {}
    }
    Ok(())
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
