//! Amazon Macie: whether it is on, and automated sensitive data discovery (regional);
//! turning it on, automated discovery, and the buckets its classification leaves out.

use aws_sdk_macie2::Client;
use aws_sdk_macie2::error::ProvideErrorMetadata;
use aws_sdk_macie2::types::{
    AutomatedDiscoveryStatus, ClassificationScopeUpdateOperation, FindingPublishingFrequency,
    MacieStatus, S3ClassificationScopeExclusionUpdate, S3ClassificationScopeUpdate,
};
use secure_account_core::AwsError;
use secure_account_core::action::macie::{
    EnableMacie, UpdateAutomatedDiscoveryConfiguration, UpdateClassificationScope,
};
use secure_account_core::snapshot::Macie;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

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

// ---- actions ----

/// `macie2:EnableMacie`, with the action's idempotency token. Macie enabled already (`ConflictException`) is success: the
/// planner enables it only where the snapshot saw it off.
impl Execute for EnableMacie {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        match cx
            .writes
            .macie2(cx.region)
            .enable_macie()
            .client_token(cx.client_token())
            .finding_publishing_frequency(FindingPublishingFrequency::from(
                self.finding_publishing_frequency.as_str(),
            ))
            .status(MacieStatus::Enabled)
            .send()
            .await
            .map_err(aws("macie2:EnableMacie"))
        {
            Err(e) if e.code == "ConflictException" => Ok(ActionOutput::default()),
            other => other.map(|_| ActionOutput::default()),
        }
    }
}

/// `macie2:UpdateAutomatedDiscoveryConfiguration`.
impl Execute for UpdateAutomatedDiscoveryConfiguration {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .macie2(cx.region)
            .update_automated_discovery_configuration()
            .status(AutomatedDiscoveryStatus::from(self.status.as_str()))
            .send()
            .await
            .map_err(aws("macie2:UpdateAutomatedDiscoveryConfiguration"))?;
        Ok(ActionOutput::default())
    }
}

/// `macie2:UpdateClassificationScope` of the account's scope (its id from
/// `macie2:ListClassificationScopes`, read through the read clients): adds these buckets to
/// the exclusions (operation `ADD`: the customer's own exclusions stay).
impl Execute for UpdateClassificationScope {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let scopes = cx
            .reads
            .macie2(cx.region)
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
            .set_bucket_names(Some(self.exclude_bucket_names.clone()))
            .operation(ClassificationScopeUpdateOperation::Add)
            .build();
        cx.writes
            .macie2(cx.region)
            .update_classification_scope()
            .id(id)
            .s3(S3ClassificationScopeUpdate::builder()
                .excludes(exclusions)
                .build())
            .send()
            .await
            .map_err(aws("macie2:UpdateClassificationScope"))?;
        Ok(ActionOutput::default())
    }
}
