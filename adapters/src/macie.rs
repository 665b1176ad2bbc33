//! Amazon Macie: whether it is on, and automated sensitive data discovery (regional).

use aws_sdk_macie2::Client;
use aws_sdk_macie2::error::ProvideErrorMetadata;
use aws_sdk_macie2::types::{AutomatedDiscoveryStatus, MacieStatus};
use secure_account_core::AwsError;
use secure_account_core::snapshot::Macie;

use crate::error::aws;

/// `macie2:GetMacieSession`, then `macie2:GetAutomatedDiscoveryConfiguration` and its
/// classification scope (`macie2:GetClassificationScope`: the buckets left out) when Macie
/// is on. Macie answers `AccessDeniedException` "Macie is not enabled" for an account
/// where it is off: that is "off", not a missing permission.
pub async fn read_macie(macie: &Client) -> Result<Macie, AwsError> {
    let session = match macie.get_macie_session().send().await {
        Ok(out) => out,
        Err(e)
            if e.code() == Some("AccessDeniedException")
                && e.message().is_some_and(|m| m.contains("not enabled")) =>
        {
            return Ok(Macie::default());
        }
        Err(e) => return Err(aws("macie2:GetMacieSession")(e)),
    };
    if session.status() != Some(&MacieStatus::Enabled) {
        return Ok(Macie::default());
    }
    let discovery = macie
        .get_automated_discovery_configuration()
        .send()
        .await
        .map_err(aws("macie2:GetAutomatedDiscoveryConfiguration"))?;
    let mut excluded_buckets = match discovery.classification_scope_id() {
        None => vec![],
        Some(id) => macie
            .get_classification_scope()
            .id(id)
            .send()
            .await
            .map_err(aws("macie2:GetClassificationScope"))?
            .s3()
            .and_then(|s| s.excludes())
            .map(|e| e.bucket_names().to_vec())
            .unwrap_or_default(),
    };
    excluded_buckets.sort();
    Ok(Macie {
        enabled: true,
        automated_discovery: discovery.status() == Some(&AutomatedDiscoveryStatus::Enabled),
        excluded_buckets,
    })
}
