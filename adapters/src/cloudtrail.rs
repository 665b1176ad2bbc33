//! CloudTrail: the trails whose home is the region, with status and selectors (regional);
//! creating and updating the trail, its event selectors, starting its logging (the trail
//! lives in its home region).

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::error::ProvideErrorMetadata;
use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector, ReadWriteType};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::cloudtrail::{
    CreateTrail, PutEventSelectors, StartLogging, UpdateTrail,
};
use secure_account_core::snapshot::Trail;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};
use crate::util::ITEM_CONCURRENCY;

// ---- reads ----

/// `cloudtrail:DescribeTrails` (no shadow trails: a multi-region trail is read in its home
/// region only), then per trail `cloudtrail:GetTrailStatus`, `cloudtrail:GetEventSelectors`
/// and `cloudtrail:GetInsightSelectors`.
pub async fn read_trails(ct: &Client, region: &str) -> Result<Vec<Trail>, AwsError> {
    let out = ct
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
        .map_err(aws("cloudtrail:DescribeTrails"))?;
    let own: Vec<_> = out
        .trail_list()
        .iter()
        .filter(|t| t.home_region().is_none_or(|h| h == region))
        .cloned()
        .collect();
    let mut trails: Vec<Trail> = futures::stream::iter(own)
        .map(|t| async move {
            let id = t.trail_arn().or(t.name()).unwrap_or_default().to_string();
            let status = ct
                .get_trail_status()
                .name(&id)
                .send()
                .await
                .map_err(aws("cloudtrail:GetTrailStatus"))?;
            let selectors = ct
                .get_event_selectors()
                .trail_name(&id)
                .send()
                .await
                .map_err(aws("cloudtrail:GetEventSelectors"))?;
            let insights = match ct.get_insight_selectors().trail_name(&id).send().await {
                Ok(out) => !out.insight_selectors().is_empty(),
                Err(e) if e.code() == Some("InsightNotEnabledException") => false,
                Err(e) => return Err(aws("cloudtrail:GetInsightSelectors")(e)),
            };
            let (management_events, data_events) = events(
                selectors.event_selectors(),
                selectors.advanced_event_selectors(),
            );
            Ok::<_, AwsError>(Trail {
                name: t.name().unwrap_or_default().to_string(),
                home_region: t.home_region().unwrap_or(region).to_string(),
                s3_bucket_name: t.s3_bucket_name().unwrap_or_default().to_string(),
                is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
                include_global_service_events: t.include_global_service_events().unwrap_or(false),
                log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
                kms_key_id: t.kms_key_id().map(str::to_string),
                cloud_watch_logs_log_group_arn: t
                    .cloud_watch_logs_log_group_arn()
                    .map(str::to_string),
                cloud_watch_logs_role_arn: t.cloud_watch_logs_role_arn().map(str::to_string),
                is_logging: status.is_logging().unwrap_or(false),
                management_events,
                data_events,
                insights,
            })
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    trails.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(trails)
}

/// What a trail's selectors record: management events (`All`, `ReadOnly`, `WriteOnly`,
/// `None` when excluded) and whether any data events. Basic and advanced selectors are
/// exclusive; a trail without either records all management events.
pub fn events(
    basic: &[EventSelector],
    advanced: &[AdvancedEventSelector],
) -> (Option<String>, bool) {
    if !advanced.is_empty() {
        let mut management: Option<&str> = None;
        let mut data = false;
        for s in advanced {
            let category = s
                .field_selectors()
                .iter()
                .find(|f| f.field() == "eventCategory")
                .map(|f| f.equals().to_vec())
                .unwrap_or_default();
            if category.iter().any(|c| c == "Management") {
                let read_only = s
                    .field_selectors()
                    .iter()
                    .find(|f| f.field() == "readOnly")
                    .and_then(|f| f.equals().first().cloned());
                let mode = match read_only.as_deref() {
                    Some("true") => "ReadOnly",
                    Some("false") => "WriteOnly",
                    _ => "All",
                };
                management = Some(match management {
                    None => mode,
                    Some(m) if m == mode => m,
                    Some(_) => "All",
                });
            }
            if category.iter().any(|c| c == "Data") {
                data = true;
            }
        }
        return (management.map(str::to_string), data);
    }
    if basic.is_empty() {
        return (Some("All".into()), false);
    }
    let mut management: Option<&str> = None;
    let mut data = false;
    for s in basic {
        if s.include_management_events().unwrap_or(true) {
            let mode = match s.read_write_type() {
                Some(ReadWriteType::ReadOnly) => "ReadOnly",
                Some(ReadWriteType::WriteOnly) => "WriteOnly",
                _ => "All",
            };
            management = Some(match management {
                None => mode,
                Some(m) if m == mode => m,
                Some(_) => "All",
            });
        }
        if !s.data_resources().is_empty() {
            data = true;
        }
    }
    (management.map(str::to_string), data)
}

// ---- actions ----

/// `cloudtrail:CreateTrail`, with the trail's key; a log group and role left out are not
/// sent. A trail of that name already there (`TrailAlreadyExistsException`) fails: the
/// planner would have planned `UpdateTrail`.
impl Execute for CreateTrail {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .cloudtrail(cx.region)
            .create_trail()
            .name(&self.name)
            .s3_bucket_name(&self.s3_bucket_name)
            .is_multi_region_trail(self.is_multi_region_trail)
            .include_global_service_events(self.include_global_service_events)
            .enable_log_file_validation(self.enable_log_file_validation)
            .kms_key_id(&self.kms_key_id)
            .set_cloud_watch_logs_log_group_arn(self.cloud_watch_logs_log_group_arn.clone())
            .set_cloud_watch_logs_role_arn(self.cloud_watch_logs_role_arn.clone())
            .send()
            .await
            .map_err(aws("cloudtrail:CreateTrail"))?;
        Ok(ActionOutput::default())
    }
}

/// `cloudtrail:UpdateTrail`: fields that are `None` are not sent and keep their value.
impl Execute for UpdateTrail {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .cloudtrail(cx.region)
            .update_trail()
            .name(&self.name)
            .s3_bucket_name(&self.s3_bucket_name)
            .is_multi_region_trail(self.is_multi_region_trail)
            .include_global_service_events(self.include_global_service_events)
            .enable_log_file_validation(self.enable_log_file_validation)
            .set_kms_key_id(self.kms_key_id.clone())
            .set_cloud_watch_logs_log_group_arn(self.cloud_watch_logs_log_group_arn.clone())
            .set_cloud_watch_logs_role_arn(self.cloud_watch_logs_role_arn.clone())
            .send()
            .await
            .map_err(aws("cloudtrail:UpdateTrail"))?;
        Ok(ActionOutput::default())
    }
}

/// `cloudtrail:PutEventSelectors`: one selector, management events, no data events.
impl Execute for PutEventSelectors {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .cloudtrail(cx.region)
            .put_event_selectors()
            .trail_name(&self.trail_name)
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(ReadWriteType::from(self.read_write_type.as_str()))
                    .include_management_events(self.include_management_events)
                    .build(),
            )
            .send()
            .await
            .map_err(aws("cloudtrail:PutEventSelectors"))?;
        Ok(ActionOutput::default())
    }
}

/// `cloudtrail:StartLogging` (a trail already logging keeps logging).
impl Execute for StartLogging {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .cloudtrail(cx.region)
            .start_logging()
            .name(&self.name)
            .send()
            .await
            .map_err(aws("cloudtrail:StartLogging"))?;
        Ok(ActionOutput::default())
    }
}
