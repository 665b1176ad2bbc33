//! Execution: one small function per action kind, each making the SDK call(s) of its
//! action with exactly the planned parameters, reached through the one exhaustive `match`
//! of [`execute`].
//!
//! - Account-wide actions go where AWS serves them: IAM through its global endpoint (any
//!   region of the partition), S3 Control with the account id, the Account API in
//!   us-east-1 ([`crate::clients::ACCOUNT_API_REGION`]).
//! - "Already in that state" answers are success (an existing service-linked role,
//!   `BucketAlreadyOwnedByYou`, an enabled hub or Macie, an existing analyzer of the same
//!   type, a default-VPC piece already gone); each such case is named in its function.
//! - An HTTP 200 answer carrying failures (Security Hub's `UnprocessedAssociationUpdates`,
//!   Inspector's `failedAccounts`) comes back in [`ActionOutput::unprocessed`]; the engine
//!   makes it a failed action.
//! - Every other AWS error keeps its code and message ([`crate::error`]); the engine
//!   classifies it and retries it within its class's budget. The SDK does not retry writes
//!   (see [`crate::clients`]), so retries never stack. An operation the endpoint does not
//!   serve answers `NotImplemented`, which the engine never retries.

mod accessanalyzer;
mod account;
mod athena;
mod cloudtrail;
mod config;
mod ec2;
mod guardduty;
mod iam;
mod inspector;
mod kms;
mod logs;
mod macie;
mod s3;
mod securityhub;
mod ssm;

pub use accessanalyzer::*;
pub use account::*;
pub use athena::*;
pub use cloudtrail::*;
pub use config::*;
pub use ec2::*;
pub use guardduty::*;
pub use iam::*;
pub use inspector::*;
pub use kms::*;
pub use logs::*;
pub use macie::*;
pub use s3::*;
pub use securityhub::*;
pub use ssm::*;

use secure_account_core::{Action, AwsError, KeyRef, Outputs, Scope};
use secure_account_engine::ActionOutput;

use crate::Clients;
use crate::clients::ACCOUNT_API_REGION;

/// Executes `action` in `scope` through `writes` (the clients of
/// [`Clients::for_writes`]); `reads` serves the few reads an execution needs (Macie's
/// classification scope, an analyzer that already exists). `account_id` is the account's
/// (S3 Control takes it in every request).
pub async fn execute(
    writes: &Clients,
    reads: &Clients,
    scope: &Scope,
    account_id: &str,
    action: &Action,
    outputs: &Outputs,
) -> Result<ActionOutput, AwsError> {
    let home = writes.home_region();
    let region = match scope {
        Scope::Account => home,
        Scope::Region(r) => r.as_str(),
    };
    let done = Ok(ActionOutput::default());
    match action {
        // ---- Security Hub ----
        Action::EnableSecurityHub {
            enable_default_standards,
            control_finding_generator,
        } => {
            enable_security_hub(
                &writes.securityhub(region),
                *enable_default_standards,
                control_finding_generator,
            )
            .await?;
            done
        }
        Action::UpdateSecurityHubConfiguration {
            auto_enable_controls,
            control_finding_generator,
        } => {
            update_security_hub_configuration(
                &writes.securityhub(region),
                *auto_enable_controls,
                control_finding_generator,
            )
            .await?;
            done
        }
        Action::BatchEnableStandards { standards_arn } => {
            batch_enable_standards(&writes.securityhub(region), standards_arn).await?;
            done
        }
        Action::BatchUpdateStandardsControlAssociations {
            standards_arn,
            updates,
        } => {
            let unprocessed = batch_update_standards_control_associations(
                &writes.securityhub(region),
                standards_arn,
                updates,
            )
            .await?;
            Ok(ActionOutput {
                unprocessed,
                ..ActionOutput::default()
            })
        }
        Action::CreateFindingAggregator {
            region_linking_mode,
        } => {
            create_finding_aggregator(&writes.securityhub(region), region_linking_mode).await?;
            done
        }

        // ---- GuardDuty ----
        Action::CreateDetector {
            enable,
            finding_publishing_frequency,
            features,
        } => {
            create_detector(
                &writes.guardduty(region),
                *enable,
                finding_publishing_frequency,
                features,
            )
            .await?;
            done
        }
        Action::UpdateDetector {
            detector_id,
            enable,
            finding_publishing_frequency,
            features,
        } => {
            update_detector(
                &writes.guardduty(region),
                detector_id,
                *enable,
                finding_publishing_frequency,
                features,
            )
            .await?;
            done
        }

        // ---- IAM (global: any region of the partition reaches its endpoint) ----
        Action::CreateServiceLinkedRole { aws_service_name } => {
            create_service_linked_role(&writes.iam(home), aws_service_name).await?;
            done
        }
        Action::CreateRole {
            role_name,
            assume_role_policy_document,
            tags,
        } => {
            create_role(
                &writes.iam(home),
                role_name,
                assume_role_policy_document,
                tags,
            )
            .await?;
            done
        }
        Action::UpdateAssumeRolePolicy {
            role_name,
            policy_document,
        } => {
            update_assume_role_policy(&writes.iam(home), role_name, policy_document).await?;
            done
        }
        Action::PutRolePolicy {
            role_name,
            policy_name,
            policy_document,
        } => {
            put_role_policy(&writes.iam(home), role_name, policy_name, policy_document).await?;
            done
        }
        Action::UpdateAccountPasswordPolicy(policy) => {
            update_account_password_policy(&writes.iam(home), policy).await?;
            done
        }

        // ---- AWS Config ----
        Action::PutConfigurationRecorder {
            name,
            role_arn,
            all_supported,
            include_global_resource_types,
        } => {
            put_configuration_recorder(
                &writes.config(region),
                name,
                role_arn,
                *all_supported,
                *include_global_resource_types,
            )
            .await?;
            done
        }
        Action::PutDeliveryChannel {
            name,
            s3_bucket_name,
        } => {
            put_delivery_channel(&writes.config(region), name, s3_bucket_name).await?;
            done
        }
        Action::StartConfigurationRecorder { name } => {
            start_configuration_recorder(&writes.config(region), name).await?;
            done
        }

        // ---- S3 ----
        Action::CreateBucket {
            bucket,
            location_constraint,
            tags,
        } => {
            create_bucket(
                &writes.s3(region),
                bucket,
                location_constraint.as_deref(),
                tags,
            )
            .await?;
            done
        }
        Action::PutPublicAccessBlock {
            bucket,
            configuration,
        } => {
            put_bucket_public_access_block(&writes.s3(region), bucket, configuration).await?;
            done
        }
        Action::PutAccountPublicAccessBlock { configuration } => {
            put_account_public_access_block(&writes.s3control(home), account_id, configuration)
                .await?;
            done
        }
        Action::PutBucketOwnershipControls {
            bucket,
            object_ownership,
        } => {
            put_bucket_ownership_controls(&writes.s3(region), bucket, object_ownership).await?;
            done
        }
        Action::PutBucketEncryption {
            bucket,
            sse_algorithm,
            kms_master_key_id,
        } => {
            put_bucket_encryption(
                &writes.s3(region),
                bucket,
                sse_algorithm,
                kms_master_key_id.as_deref(),
            )
            .await?;
            done
        }
        Action::PutBucketVersioning { bucket, status } => {
            put_bucket_versioning(&writes.s3(region), bucket, *status).await?;
            done
        }
        Action::PutBucketPolicy { bucket, policy } => {
            put_bucket_policy(&writes.s3(region), bucket, policy).await?;
            done
        }
        Action::PutBucketLifecycleConfiguration { bucket, rules } => {
            put_bucket_lifecycle_configuration(&writes.s3(region), bucket, rules).await?;
            done
        }
        Action::PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => {
            put_bucket_logging(&writes.s3(region), bucket, target_bucket, target_prefix).await?;
            done
        }

        // ---- KMS ----
        Action::CreateKey {
            description,
            policy,
            tags,
        } => {
            let key_id = create_key(&writes.kms(region), description, policy, tags).await?;
            Ok(ActionOutput {
                created_key_id: Some(key_id),
                ..ActionOutput::default()
            })
        }
        Action::CreateAlias {
            alias_name,
            target_key,
        } => {
            let key = resolve(target_key, outputs)?;
            create_alias(&writes.kms(region), alias_name, &key).await?;
            done
        }
        Action::PutKeyPolicy { key, policy } => {
            let key = resolve(key, outputs)?;
            put_key_policy(&writes.kms(region), &key, policy).await?;
            done
        }
        Action::EnableKeyRotation { key } => {
            let key = resolve(key, outputs)?;
            enable_key_rotation(&writes.kms(region), &key).await?;
            done
        }

        // ---- CloudWatch Logs ----
        Action::CreateLogGroup {
            log_group_name,
            tags,
        } => {
            create_log_group(&writes.logs(region), log_group_name, tags).await?;
            done
        }
        Action::PutRetentionPolicy {
            log_group_name,
            retention_in_days,
        } => {
            put_retention_policy(&writes.logs(region), log_group_name, *retention_in_days).await?;
            done
        }

        // ---- CloudTrail ----
        Action::CreateTrail {
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            enable_log_file_validation,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
        } => {
            create_trail(
                &writes.cloudtrail(region),
                &TrailSettings {
                    name,
                    s3_bucket_name,
                    is_multi_region_trail: *is_multi_region_trail,
                    include_global_service_events: *include_global_service_events,
                    enable_log_file_validation: *enable_log_file_validation,
                    kms_key_id: Some(kms_key_id),
                    cloud_watch_logs_log_group_arn: cloud_watch_logs_log_group_arn.as_deref(),
                    cloud_watch_logs_role_arn: cloud_watch_logs_role_arn.as_deref(),
                },
            )
            .await?;
            done
        }
        Action::UpdateTrail {
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            enable_log_file_validation,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
        } => {
            update_trail(
                &writes.cloudtrail(region),
                &TrailSettings {
                    name,
                    s3_bucket_name,
                    is_multi_region_trail: *is_multi_region_trail,
                    include_global_service_events: *include_global_service_events,
                    enable_log_file_validation: *enable_log_file_validation,
                    kms_key_id: kms_key_id.as_deref(),
                    cloud_watch_logs_log_group_arn: cloud_watch_logs_log_group_arn.as_deref(),
                    cloud_watch_logs_role_arn: cloud_watch_logs_role_arn.as_deref(),
                },
            )
            .await?;
            done
        }
        Action::PutEventSelectors {
            trail_name,
            read_write_type,
            include_management_events,
        } => {
            put_event_selectors(
                &writes.cloudtrail(region),
                trail_name,
                read_write_type,
                *include_management_events,
            )
            .await?;
            done
        }
        Action::StartLogging { name } => {
            start_logging(&writes.cloudtrail(region), name).await?;
            done
        }

        // ---- IAM Access Analyzer ----
        Action::CreateAnalyzer {
            analyzer_name,
            r#type,
        } => {
            create_analyzer(
                &writes.accessanalyzer(region),
                &reads.accessanalyzer(region),
                analyzer_name,
                r#type,
            )
            .await?;
            done
        }
        Action::CreateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => {
            create_archive_rule(
                &writes.accessanalyzer(region),
                analyzer_name,
                rule_name,
                filter,
            )
            .await?;
            done
        }
        Action::UpdateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => {
            update_archive_rule(
                &writes.accessanalyzer(region),
                analyzer_name,
                rule_name,
                filter,
            )
            .await?;
            done
        }

        // ---- EC2 ----
        Action::EnableEbsEncryptionByDefault {} => {
            enable_ebs_encryption_by_default(&writes.ec2(region)).await?;
            done
        }
        Action::EnableSnapshotBlockPublicAccess { state } => {
            enable_snapshot_block_public_access(&writes.ec2(region), state).await?;
            done
        }
        Action::ModifyVpcBlockPublicAccessOptions {
            internet_gateway_block_mode,
        } => {
            modify_vpc_block_public_access_options(
                &writes.ec2(region),
                *internet_gateway_block_mode,
            )
            .await?;
            done
        }
        Action::DetachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => {
            detach_internet_gateway(&writes.ec2(region), internet_gateway_id, vpc_id).await?;
            done
        }
        Action::DeleteInternetGateway {
            internet_gateway_id,
        } => {
            delete_internet_gateway(&writes.ec2(region), internet_gateway_id).await?;
            done
        }
        Action::DeleteSubnet { subnet_id } => {
            delete_subnet(&writes.ec2(region), subnet_id).await?;
            done
        }
        Action::DeleteVpc { vpc_id } => {
            delete_vpc(&writes.ec2(region), vpc_id).await?;
            done
        }

        // ---- Athena ----
        Action::UpdateWorkGroup {
            work_group,
            publish_cloud_watch_metrics_enabled,
            encryption_option,
        } => {
            update_work_group(
                &writes.athena(region),
                work_group,
                *publish_cloud_watch_metrics_enabled,
                encryption_option.as_deref(),
            )
            .await?;
            done
        }

        // ---- Account (global, served from us-east-1) ----
        Action::PutAlternateContact {
            alternate_contact_type,
            name,
            title,
            email_address,
            phone_number,
        } => {
            put_alternate_contact(
                &writes.account(ACCOUNT_API_REGION),
                &AlternateContact {
                    alternate_contact_type,
                    name,
                    title,
                    email_address,
                    phone_number,
                },
            )
            .await?;
            done
        }

        // ---- SSM ----
        Action::UpdateServiceSetting {
            setting_id,
            setting_value,
        } => {
            update_service_setting(&writes.ssm(region), setting_id, setting_value).await?;
            done
        }

        // ---- Inspector, Macie ----
        Action::EnableInspector { resource_types } => {
            let unprocessed = enable_inspector(&writes.inspector2(region), resource_types).await?;
            Ok(ActionOutput {
                unprocessed,
                ..ActionOutput::default()
            })
        }
        Action::EnableMacie {
            finding_publishing_frequency,
        } => {
            enable_macie(&writes.macie2(region), finding_publishing_frequency).await?;
            done
        }
        Action::UpdateAutomatedDiscoveryConfiguration { status } => {
            update_automated_discovery_configuration(&writes.macie2(region), status).await?;
            done
        }
        Action::UpdateClassificationScope {
            exclude_bucket_names,
        } => {
            update_classification_scope(
                &writes.macie2(region),
                &reads.macie2(region),
                exclude_bucket_names,
            )
            .await?;
            done
        }
    }
}

/// The key id a [`KeyRef`] names: an existing key, or the one an earlier `create_key` of
/// this run created.
fn resolve(key: &KeyRef, outputs: &Outputs) -> Result<String, AwsError> {
    outputs.resolve(key).ok_or_else(|| {
        AwsError::new(
            AwsError::INVALID_PLAN,
            format!("the key {key:?} was not created by an earlier action of this run"),
        )
    })
}

/// An error of ours, before any call: the action cannot be sent as planned.
pub(crate) fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new(AwsError::INVALID_PARAMETER, message.into())
}
