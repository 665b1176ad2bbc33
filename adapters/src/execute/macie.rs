//! Amazon Macie writes (regional).

use aws_sdk_macie2::Client;
use aws_sdk_macie2::types::{
    AutomatedDiscoveryStatus, ClassificationScopeUpdateOperation, FindingPublishingFrequency,
    MacieStatus, S3ClassificationScopeExclusionUpdate, S3ClassificationScopeUpdate,
};
use secure_account_core::AwsError;

use crate::error::aws;

/// `macie2:EnableMacie`. Macie enabled already (`ConflictException`) is success: the
/// planner enables it only where the snapshot saw it off.
pub async fn enable_macie(
    macie: &Client,
    finding_publishing_frequency: &str,
) -> Result<(), AwsError> {
    match macie
        .enable_macie()
        .finding_publishing_frequency(FindingPublishingFrequency::from(
            finding_publishing_frequency,
        ))
        .status(MacieStatus::Enabled)
        .send()
        .await
        .map_err(aws("macie2:EnableMacie"))
    {
        Err(e) if e.code == "ConflictException" => Ok(()),
        other => other.map(|_| ()),
    }
}

/// `macie2:UpdateAutomatedDiscoveryConfiguration`.
pub async fn update_automated_discovery_configuration(
    macie: &Client,
    status: &str,
) -> Result<(), AwsError> {
    macie
        .update_automated_discovery_configuration()
        .status(AutomatedDiscoveryStatus::from(status))
        .send()
        .await
        .map_err(aws("macie2:UpdateAutomatedDiscoveryConfiguration"))?;
    Ok(())
}

/// `macie2:UpdateClassificationScope` of the account's scope (its id from
/// `macie2:ListClassificationScopes`, read through `reads`): adds these buckets to the
/// exclusions (operation `ADD`: the customer's own exclusions stay).
pub async fn update_classification_scope(
    writes: &Client,
    reads: &Client,
    bucket_names: &[String],
) -> Result<(), AwsError> {
    let scopes = reads
        .list_classification_scopes()
        .send()
        .await
        .map_err(aws("macie2:ListClassificationScopes"))?;
    let id = scopes
        .classification_scopes()
        .iter()
        .find_map(|s| s.id())
        .ok_or_else(|| {
            AwsError::new(
                "ResourceNotFoundException",
                "macie2:ListClassificationScopes named no classification scope (is Macie \
                 enabled in this region?)",
            )
        })?
        .to_string();
    let exclusions = S3ClassificationScopeExclusionUpdate::builder()
        .set_bucket_names(Some(bucket_names.to_vec()))
        .operation(ClassificationScopeUpdateOperation::Add)
        .build();
    writes
        .update_classification_scope()
        .id(id)
        .s3(S3ClassificationScopeUpdate::builder()
            .excludes(exclusions)
            .build())
        .send()
        .await
        .map_err(aws("macie2:UpdateClassificationScope"))?;
    Ok(())
}
