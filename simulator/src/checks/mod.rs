//! AWS's preconditions for each action, with the error code and message AWS answers with
//! when one does not hold; and the errors of changes that have not propagated yet.
//!
//! The effect of an action is not here: `secure_account_core::effects::apply` makes it once
//! these checks pass.

mod access_analyzer;
mod cloudtrail;
mod config;
mod ec2;
mod guardduty;
mod hidden;
mod iam;
mod kms;
mod logs;
mod propagation;
mod s3;
mod securityhub;
mod services;

use secure_account_core::action::{DetectorFeature, KeyRef};
use secure_account_core::effects::{
    SSM_AUTOMATION_LOG, SSM_PUBLIC_SHARING, service_linked_role_name,
};
use secure_account_core::snapshot::{
    Bucket, IamRole, KeyState, KmsKey, PasswordPolicy, PublicAccessBlock, RegionServices, Trail,
    Vpc,
};
use secure_account_core::{Action, AwsError, Outputs, Snapshot};

pub(crate) use hidden::record_hidden_state;

use crate::faults::CALLER_NAME;
use crate::policy::{self, Principal, Request};
use crate::state::{Hidden, ResourceKind};

/// What a check looks at: the account's truth, the hidden state, where the call runs and
/// the outputs of earlier actions.
pub(crate) struct Check<'a> {
    pub account: &'a Snapshot,
    pub hidden: &'a Hidden,
    pub region: &'a str,
    pub outputs: &'a Outputs,
}

fn err(code: &str, message: impl Into<String>) -> Result<(), AwsError> {
    Err(AwsError::new(code, message))
}

const S3_NO_SUCH_BUCKET: &str = "The specified bucket does not exist";

const FINDING_FREQUENCIES: [&str; 3] = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"];

pub(crate) use propagation::{propagation_error, propagation_started};

impl Check<'_> {
    fn account_id(&self) -> &str {
        &self.account.account_id
    }

    fn caller(&self) -> String {
        format!("arn:aws:iam::{}:user/{CALLER_NAME}", self.account_id())
    }

    fn services(&self) -> Option<&RegionServices> {
        self.account.regions.get(self.region).map(|r| &r.services)
    }

    fn buckets(&self) -> &[Bucket] {
        self.account
            .global
            .buckets
            .known()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets().iter().find(|b| b.name == name)
    }

    fn roles(&self) -> &[IamRole] {
        self.account
            .global
            .roles
            .known()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn role_named(&self, name: &str) -> Option<&IamRole> {
        self.roles().iter().find(|r| r.name == name)
    }

    /// The role an ARN names (`arn:aws:iam::<account>:role/<path>/<name>`), in this account.
    fn role_by_arn(&self, arn: &str) -> Option<&IamRole> {
        self.roles().iter().find(|r| r.arn == arn).or_else(|| {
            let rest = arn.strip_prefix(&format!("arn:aws:iam::{}:role/", self.account_id()))?;
            let name = rest.rsplit('/').next()?;
            self.role_named(name)
        })
    }

    fn keys_in(&self, region: &str) -> &[KmsKey] {
        self.account
            .regions
            .get(region)
            .and_then(|r| r.services.kms_keys.known())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// A key by key id or key ARN (what KMS operations other than `Encrypt` accept).
    fn key_by_id(&self, id: &str) -> Option<&KmsKey> {
        self.keys_in(self.region)
            .iter()
            .find(|k| k.key_id == id || k.arn == id)
    }

    /// A key by id, key ARN, alias name or alias ARN, in `region` (what CloudTrail accepts
    /// as `KmsKeyId`).
    fn key_any(&self, region: &str, id: &str) -> Option<&KmsKey> {
        // The id of the action that created the key, as the plan may name it.
        if let Some(created) = self.outputs.key_ids.get(id) {
            return self.keys_in(region).iter().find(|k| &k.key_id == created);
        }
        let alias = if let Some(rest) = id.strip_prefix("arn:aws:kms:") {
            // arn:aws:kms:<region>:<account>:alias/<name> or …:key/<id>
            let mut parts = rest.splitn(3, ':');
            let key_region = parts.next()?;
            if key_region != region {
                return None;
            }
            let resource = parts.nth(1)?;
            if resource.starts_with("alias/") {
                Some(resource.to_string())
            } else {
                None
            }
        } else if id.starts_with("alias/") {
            Some(id.to_string())
        } else {
            None
        };
        let keys = self.keys_in(region);
        match alias {
            Some(a) => keys.iter().find(|k| k.aliases.contains(&a)),
            None => keys.iter().find(|k| k.key_id == id || k.arn == id),
        }
    }

    /// The key id a [`KeyRef`] stands for, as KMS would see it (key id or ARN only).
    fn resolve_key(&self, key: &KeyRef) -> Result<&KmsKey, AwsError> {
        let id = match key {
            KeyRef::Existing(id) => id.clone(),
            KeyRef::CreatedBy(action) => self.outputs.resolve(key).ok_or_else(|| {
                AwsError::new(
                    "NotFoundException",
                    format!(
                        "the key that action `{action}` creates is not known: that action has \
                         not run"
                    ),
                )
            })?,
        };
        if id.starts_with("alias/") || id.contains(":alias/") {
            return Err(AwsError::new(
                "NotFoundException",
                format!("Invalid keyId '{id}': specify a key id or key ARN, not an alias"),
            ));
        }
        self.key_by_id(&id).ok_or_else(|| {
            AwsError::new(
                "NotFoundException",
                format!(
                    "Key 'arn:aws:kms:{}:{}:key/{id}' does not exist",
                    self.region,
                    self.account_id()
                ),
            )
        })
    }

    fn trail_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:cloudtrail:{}:{}:trail/{name}",
            self.region,
            self.account_id()
        )
    }

    /// Trails that apply in this region: the region's own, and multi-region trails of
    /// other regions (their shadows).
    fn trails_applying_here(&self) -> Vec<&Trail> {
        let mut out = Vec::new();
        for (region, r) in &self.account.regions {
            for t in r.services.trails.known().map(Vec::as_slice).unwrap_or(&[]) {
                if region == self.region || t.is_multi_region_trail {
                    out.push(t);
                }
            }
        }
        out
    }

    /// The trail `name` (or ARN) whose home is this region; `InvalidHomeRegionException`
    /// for the shadow of a multi-region trail, `TrailNotFoundException` otherwise.
    fn home_trail(&self, name: &str) -> Result<&Trail, AwsError> {
        let name = name.rsplit("trail/").next().unwrap_or(name);
        let here = self
            .services()
            .and_then(|s| s.trails.known())
            .and_then(|ts| ts.iter().find(|t| t.name == name));
        if let Some(t) = here {
            return Ok(t);
        }
        if self
            .trails_applying_here()
            .iter()
            .any(|t| t.name == name && t.is_multi_region_trail)
        {
            return Err(AwsError::new(
                "InvalidHomeRegionException",
                "This operation must be called from the trail's home region",
            ));
        }
        Err(AwsError::new(
            "TrailNotFoundException",
            format!(
                "Unknown trail: {} for the user: {}",
                self.trail_arn(name),
                self.account_id()
            ),
        ))
    }

    fn vpcs(&self) -> &[Vpc] {
        self.services()
            .and_then(|s| s.vpcs.known())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn effective_block_public_policy(&self, bucket: &Bucket) -> bool {
        let account = self
            .account
            .global
            .account_public_access_block
            .known()
            .copied()
            .flatten()
            .unwrap_or_default();
        let own: PublicAccessBlock = bucket.public_access_block.unwrap_or_default();
        account.block_public_policy || own.block_public_policy
    }
}

/// Checks AWS's preconditions for `action` in `c.region`.
pub(crate) fn preconditions(c: &Check<'_>, action: &Action) -> Result<(), AwsError> {
    use Action::*;
    match action {
        // ---- Security Hub ----
        EnableSecurityHub {
            control_finding_generator,
            ..
        } => securityhub::enable_security_hub(c, control_finding_generator),
        UpdateSecurityHubConfiguration {
            control_finding_generator,
            ..
        } => securityhub::update_security_hub_configuration(c, control_finding_generator),
        BatchEnableStandards { standards_arn } => {
            securityhub::batch_enable_standards(c, standards_arn)
        }
        BatchUpdateStandardsControlAssociations {
            standards_arn,
            updates,
        } => securityhub::batch_update_standards_control_associations(c, standards_arn, updates),
        CreateFindingAggregator {
            region_linking_mode,
        } => securityhub::create_finding_aggregator(c, region_linking_mode),

        // ---- GuardDuty ----
        CreateDetector {
            finding_publishing_frequency,
            features,
            ..
        } => guardduty::create_detector(c, finding_publishing_frequency, features),
        UpdateDetector {
            detector_id,
            finding_publishing_frequency,
            features,
            ..
        } => guardduty::update_detector(c, detector_id, finding_publishing_frequency, features),

        // ---- IAM ----
        CreateServiceLinkedRole { aws_service_name } => {
            iam::create_service_linked_role(c, aws_service_name)
        }
        CreateRole {
            role_name,
            assume_role_policy_document,
            ..
        } => iam::create_role(c, role_name, assume_role_policy_document),
        UpdateAssumeRolePolicy {
            role_name,
            policy_document,
        } => iam::update_assume_role_policy(c, role_name, policy_document),
        PutRolePolicy {
            role_name,
            policy_name,
            policy_document,
        } => iam::put_role_policy(c, role_name, policy_name, policy_document),
        UpdateAccountPasswordPolicy(policy) => iam::update_account_password_policy(policy),

        // ---- AWS Config ----
        PutConfigurationRecorder { name, role_arn, .. } => {
            config::put_configuration_recorder(c, name, role_arn)
        }
        PutDeliveryChannel {
            name,
            s3_bucket_name,
        } => config::put_delivery_channel(c, name, s3_bucket_name),
        StartConfigurationRecorder { name } => config::start_configuration_recorder(c, name),

        // ---- S3 ----
        CreateBucket {
            bucket,
            location_constraint,
            ..
        } => s3::create_bucket(c, bucket, location_constraint.as_deref()),
        PutPublicAccessBlock { bucket, .. }
        | PutBucketVersioning { bucket, .. }
        | PutBucketOwnershipControls { bucket, .. }
        | PutBucketEncryption { bucket, .. }
        | PutBucketLifecycleConfiguration { bucket, .. }
        | PutBucketPolicy { bucket, .. }
        | PutBucketLogging { bucket, .. } => s3::put_bucket_setting(c, bucket, action),
        PutAccountPublicAccessBlock { .. } => Ok(()),

        // ---- KMS ----
        CreateKey { policy, tags, .. } => kms::create_key(c, policy, tags),
        CreateAlias {
            alias_name,
            target_key,
        } => kms::create_alias(c, alias_name, target_key),
        PutKeyPolicy { key, policy } => kms::put_key_policy(c, key, policy),
        EnableKeyRotation { key } => kms::enable_key_rotation(c, key),

        // ---- CloudWatch Logs ----
        CreateLogGroup { log_group_name, .. } => logs::create_log_group(c, log_group_name),
        PutRetentionPolicy {
            log_group_name,
            retention_in_days,
        } => logs::put_retention_policy(c, log_group_name, retention_in_days),

        // ---- CloudTrail ----
        CreateTrail {
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
            ..
        } => cloudtrail::create_trail(
            c,
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
        ),
        UpdateTrail {
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
            ..
        } => cloudtrail::update_trail(
            c,
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
        ),
        PutEventSelectors {
            trail_name,
            read_write_type,
            ..
        } => cloudtrail::put_event_selectors(c, trail_name, read_write_type),
        StartLogging { name } => cloudtrail::start_logging(c, name),

        // ---- IAM Access Analyzer ----
        CreateAnalyzer {
            analyzer_name,
            r#type,
        } => access_analyzer::create_analyzer(c, analyzer_name, r#type),
        CreateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => access_analyzer::create_archive_rule(c, analyzer_name, rule_name, filter),
        UpdateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => access_analyzer::update_archive_rule(c, analyzer_name, rule_name, filter),

        // ---- EC2 ----
        EnableEbsEncryptionByDefault {} => Ok(()),
        EnableSnapshotBlockPublicAccess { state } => {
            ec2::enable_snapshot_block_public_access(state)
        }
        // Every mode the type can hold is one AWS accepts.
        ModifyVpcBlockPublicAccessOptions {
            internet_gateway_block_mode: _,
        } => Ok(()),
        DetachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => ec2::detach_internet_gateway(c, internet_gateway_id, vpc_id),
        DeleteInternetGateway {
            internet_gateway_id,
        } => ec2::delete_internet_gateway(c, internet_gateway_id),
        DeleteSubnet { subnet_id } => ec2::delete_subnet(c, subnet_id),
        DeleteVpc { vpc_id } => ec2::delete_vpc(c, vpc_id),

        // ---- Athena ----
        UpdateWorkGroup {
            work_group,
            encryption_option,
            ..
        } => services::update_work_group(c, work_group, encryption_option),

        // ---- Account ----
        PutAlternateContact {
            alternate_contact_type,
            name,
            email_address,
            phone_number,
            ..
        } => services::put_alternate_contact(
            alternate_contact_type,
            name,
            email_address,
            phone_number,
        ),

        // ---- SSM ----
        UpdateServiceSetting {
            setting_id,
            setting_value,
        } => services::update_service_setting(setting_id, setting_value),

        // ---- Inspector, Macie ----
        EnableInspector { resource_types } => services::enable_inspector(c, resource_types),
        EnableMacie {
            finding_publishing_frequency,
        } => services::enable_macie(c, finding_publishing_frequency),
        UpdateAutomatedDiscoveryConfiguration { status } => {
            services::update_automated_discovery_configuration(c, status)
        }
        UpdateClassificationScope {
            exclude_bucket_names,
        } => services::update_classification_scope(c, exclude_bucket_names),
    }
}
