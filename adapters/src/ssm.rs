//! Systems Manager: the two service settings the baseline sets and the account's publicly
//! shared documents (regional); changing a service setting.

use aws_sdk_ssm::Client;
use aws_sdk_ssm::error::ProvideErrorMetadata;
use aws_sdk_ssm::types::{DocumentKeyValuesFilter, DocumentPermissionType};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::ssm::UpdateServiceSetting;
use secure_account_core::snapshot::Ssm;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};
use crate::util::ITEM_CONCURRENCY;

// ---- reads ----

/// The setting that blocks public sharing of documents (SSM.7).
pub const PUBLIC_SHARING: &str = "/ssm/documents/console/public-sharing-permission";
/// Where SSM Automation logs (SSM.6).
pub const AUTOMATION_LOG: &str = "/ssm/automation/customer-script-log-destination";

/// `ssm:GetServiceSetting` for both settings, `ssm:ListDocuments` (owner self) and
/// `ssm:DescribeDocumentPermission` per document.
pub async fn read_ssm(ssm: &Client) -> Result<Ssm, AwsError> {
    let sharing = setting(ssm, PUBLIC_SHARING).await?;
    let log = setting(ssm, AUTOMATION_LOG).await?;
    let docs: Vec<_> = ssm
        .list_documents()
        .filters(
            DocumentKeyValuesFilter::builder()
                .key("Owner")
                .values("Self")
                .build(),
        )
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("ssm:ListDocuments"))?;
    let names: Vec<String> = docs
        .iter()
        .filter_map(|d| d.name().map(str::to_string))
        .collect();
    let public: Vec<Option<String>> = futures::stream::iter(names)
        .map(|name| async move {
            let mut token: Option<String> = None;
            loop {
                let out = ssm
                    .describe_document_permission()
                    .name(&name)
                    .permission_type(DocumentPermissionType::Share)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(aws("ssm:DescribeDocumentPermission"))?;
                if out
                    .account_ids()
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case("all"))
                {
                    return Ok::<_, AwsError>(Some(name));
                }
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => return Ok(None),
                }
            }
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    let mut public_documents: Vec<String> = public.into_iter().flatten().collect();
    public_documents.sort();
    Ok(Ssm {
        public_sharing_blocked: sharing.as_deref() == Some("Disable"),
        automation_log_destination: log.filter(|v| !v.is_empty() && v != "None"),
        public_documents,
    })
}

/// A service setting's value; `None` when the service does not know it.
async fn setting(ssm: &Client, id: &str) -> Result<Option<String>, AwsError> {
    match ssm.get_service_setting().setting_id(id).send().await {
        Ok(out) => Ok(out
            .service_setting()
            .and_then(|s| s.setting_value())
            .map(str::to_string)),
        Err(e) if e.code() == Some("ServiceSettingNotFound") => Ok(None),
        Err(e) => Err(aws("ssm:GetServiceSetting")(e)),
    }
}

// ---- actions ----

/// `ssm:UpdateServiceSetting`.
impl Execute for UpdateServiceSetting {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .ssm(cx.region)
            .update_service_setting()
            .setting_id(&self.setting_id)
            .setting_value(&self.setting_value)
            .send()
            .await
            .map_err(aws("ssm:UpdateServiceSetting"))?;
        Ok(ActionOutput::default())
    }
}
