//! CloudTrail writes (the trail lives in its home region).

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
use secure_account_core::AwsError;

use crate::error::aws;

/// The settings `CreateTrail` and `UpdateTrail` share; `None` is not sent.
#[derive(Debug, Clone, Copy)]
pub struct TrailSettings<'a> {
    pub name: &'a str,
    pub s3_bucket_name: &'a str,
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub enable_log_file_validation: bool,
    pub kms_key_id: Option<&'a str>,
    pub cloud_watch_logs_log_group_arn: Option<&'a str>,
    pub cloud_watch_logs_role_arn: Option<&'a str>,
}

/// `cloudtrail:CreateTrail`. A trail of that name already there
/// (`TrailAlreadyExistsException`) fails: the planner would have planned `UpdateTrail`.
pub async fn create_trail(ct: &Client, t: &TrailSettings<'_>) -> Result<(), AwsError> {
    ct.create_trail()
        .name(t.name)
        .s3_bucket_name(t.s3_bucket_name)
        .is_multi_region_trail(t.is_multi_region_trail)
        .include_global_service_events(t.include_global_service_events)
        .enable_log_file_validation(t.enable_log_file_validation)
        .set_kms_key_id(t.kms_key_id.map(str::to_string))
        .set_cloud_watch_logs_log_group_arn(t.cloud_watch_logs_log_group_arn.map(str::to_string))
        .set_cloud_watch_logs_role_arn(t.cloud_watch_logs_role_arn.map(str::to_string))
        .send()
        .await
        .map_err(aws("cloudtrail:CreateTrail"))?;
    Ok(())
}

/// `cloudtrail:UpdateTrail`: fields that are `None` are not sent and keep their value.
pub async fn update_trail(ct: &Client, t: &TrailSettings<'_>) -> Result<(), AwsError> {
    ct.update_trail()
        .name(t.name)
        .s3_bucket_name(t.s3_bucket_name)
        .is_multi_region_trail(t.is_multi_region_trail)
        .include_global_service_events(t.include_global_service_events)
        .enable_log_file_validation(t.enable_log_file_validation)
        .set_kms_key_id(t.kms_key_id.map(str::to_string))
        .set_cloud_watch_logs_log_group_arn(t.cloud_watch_logs_log_group_arn.map(str::to_string))
        .set_cloud_watch_logs_role_arn(t.cloud_watch_logs_role_arn.map(str::to_string))
        .send()
        .await
        .map_err(aws("cloudtrail:UpdateTrail"))?;
    Ok(())
}

/// `cloudtrail:PutEventSelectors`: one selector, management events, no data events.
pub async fn put_event_selectors(
    ct: &Client,
    trail_name: &str,
    read_write_type: &str,
    include_management_events: bool,
) -> Result<(), AwsError> {
    ct.put_event_selectors()
        .trail_name(trail_name)
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::from(read_write_type))
                .include_management_events(include_management_events)
                .build(),
        )
        .send()
        .await
        .map_err(aws("cloudtrail:PutEventSelectors"))?;
    Ok(())
}

/// `cloudtrail:StartLogging` (a trail already logging keeps logging).
pub async fn start_logging(ct: &Client, name: &str) -> Result<(), AwsError> {
    ct.start_logging()
        .name(name)
        .send()
        .await
        .map_err(aws("cloudtrail:StartLogging"))?;
    Ok(())
}
