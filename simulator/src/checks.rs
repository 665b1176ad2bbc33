//! AWS's preconditions for each action, with the error code and message AWS answers with
//! when one does not hold; and the errors of changes that have not propagated yet.
//!
//! The effect of an action is not here: `secure_account_core::effects::apply` makes it once
//! these checks pass.

use secure_account_core::action::{DetectorFeature, KeyRef};
use secure_account_core::effects::{
    SSM_AUTOMATION_LOG, SSM_PUBLIC_SHARING, service_linked_role_name,
};
use secure_account_core::snapshot::{
    Bucket, IamRole, KmsKey, PublicAccessBlock, RegionServices, Trail, Vpc,
};
use secure_account_core::{Action, AwsError, Outputs, Snapshot};

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

/// The services of every GuardDuty feature and the additional configurations each takes.
const GUARDDUTY_FEATURES: [(&str, &[&str]); 7] = [
    ("S3_DATA_EVENTS", &[]),
    ("EKS_AUDIT_LOGS", &[]),
    ("EBS_MALWARE_PROTECTION", &[]),
    ("RDS_LOGIN_EVENTS", &[]),
    ("LAMBDA_NETWORK_LOGS", &[]),
    ("EKS_RUNTIME_MONITORING", &["EKS_ADDON_MANAGEMENT"]),
    (
        "RUNTIME_MONITORING",
        &[
            "EKS_ADDON_MANAGEMENT",
            "ECS_FARGATE_AGENT_MANAGEMENT",
            "EC2_AGENT_MANAGEMENT",
        ],
    ),
];

const FINDING_FREQUENCIES: [&str; 3] = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"];

/// CloudWatch Logs' retention values.
const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

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
        } => {
            if hub(c).is_some() {
                return err(
                    "ResourceConflictException",
                    format!(
                        "Account {} is already subscribed to Security Hub",
                        c.account_id()
                    ),
                );
            }
            finding_generator(control_finding_generator)
        }
        UpdateSecurityHubConfiguration {
            control_finding_generator,
            ..
        } => {
            require_hub(c)?;
            finding_generator(control_finding_generator)
        }
        BatchEnableStandards { standards_arn } => {
            require_hub(c)?;
            let regional = format!("arn:aws:securityhub:{}::standards/", c.region);
            if !(standards_arn.starts_with(&regional)
                || standards_arn.starts_with("arn:aws:securityhub:::ruleset/"))
            {
                return err(
                    "InvalidInputException",
                    format!(
                        "Invalid standards ARN {standards_arn} for region {}",
                        c.region
                    ),
                );
            }
            Ok(())
        }
        BatchUpdateStandardsControlAssociations {
            standards_arn,
            updates,
        } => {
            let hub = require_hub(c)?;
            if updates.is_empty() {
                return err(
                    "InvalidInputException",
                    "StandardsControlAssociationUpdates must not be empty",
                );
            }
            // AWS answers 200 with UnprocessedAssociationUpdates; the adapter turns the first
            // unprocessed update into the call's error, with the update's error code.
            if !hub.standards.contains_key(standards_arn) {
                return err(
                    "RESOURCE_NOT_FOUND",
                    format!("The standard {standards_arn} is not enabled in this account"),
                );
            }
            for u in updates {
                if !matches!(u.association_status.as_str(), "ENABLED" | "DISABLED") {
                    return err(
                        "InvalidInputException",
                        format!("Invalid AssociationStatus {}", u.association_status),
                    );
                }
                if !hub.fsbp_controls.is_empty()
                    && !hub.fsbp_controls.contains_key(&u.security_control_id)
                {
                    return err(
                        "RESOURCE_NOT_FOUND",
                        format!(
                            "Control {} is not associated with the standard {standards_arn}",
                            u.security_control_id
                        ),
                    );
                }
            }
            Ok(())
        }
        CreateFindingAggregator {
            region_linking_mode,
        } => {
            require_hub(c)?;
            let existing = c.account.enabled_regions().find(|(_, r)| {
                r.services
                    .security_hub
                    .known()
                    .and_then(Option::as_ref)
                    .is_some_and(|h| h.finding_aggregator.is_some())
            });
            if let Some((region, _)) = existing {
                return err(
                    "ResourceConflictException",
                    format!("A finding aggregator already exists in region {region}"),
                );
            }
            if !matches!(
                region_linking_mode.as_str(),
                "ALL_REGIONS" | "ALL_REGIONS_EXCEPT_SPECIFIED" | "SPECIFIED_REGIONS" | "NO_REGIONS"
            ) {
                return err(
                    "InvalidInputException",
                    format!("Invalid RegionLinkingMode {region_linking_mode}"),
                );
            }
            Ok(())
        }

        // ---- GuardDuty ----
        CreateDetector {
            finding_publishing_frequency,
            features,
            ..
        } => {
            if c.services()
                .and_then(|s| s.guardduty.known())
                .is_some_and(Option::is_some)
            {
                return err(
                    "BadRequestException",
                    "The request is rejected because a detector already exists for the current \
                     account.",
                );
            }
            detector_settings(finding_publishing_frequency, features)
        }
        UpdateDetector {
            detector_id,
            finding_publishing_frequency,
            features,
            ..
        } => {
            let owned = c
                .services()
                .and_then(|s| s.guardduty.known())
                .and_then(Option::as_ref)
                .is_some_and(|d| &d.detector_id == detector_id);
            if !owned {
                return err(
                    "BadRequestException",
                    "The request is rejected because the input detectorId is not owned by the \
                     current account.",
                );
            }
            detector_settings(finding_publishing_frequency, features)
        }

        // ---- IAM ----
        CreateServiceLinkedRole { aws_service_name } => {
            if !aws_service_name.ends_with(".amazonaws.com") {
                return err(
                    "InvalidInput",
                    format!("Invalid ServiceName {aws_service_name}"),
                );
            }
            let name = service_linked_role_name(aws_service_name);
            if c.role_named(&name).is_some() {
                return err(
                    "InvalidInput",
                    format!(
                        "Service role name {name} has been taken in this account, please try a \
                         different suffix."
                    ),
                );
            }
            Ok(())
        }
        CreateRole {
            role_name,
            assume_role_policy_document,
        } => {
            iam_name(role_name, 64)?;
            if c.role_named(role_name).is_some() {
                return err(
                    "EntityAlreadyExists",
                    format!("Role with name {role_name} already exists."),
                );
            }
            iam_policy(assume_role_policy_document)
        }
        PutRolePolicy {
            role_name,
            policy_name,
            policy_document,
        } => {
            iam_name(policy_name, 128)?;
            if c.role_named(role_name).is_none() {
                return err(
                    "NoSuchEntity",
                    format!("The role with name {role_name} cannot be found."),
                );
            }
            iam_policy(policy_document)
        }
        UpdateAccountPasswordPolicy {
            minimum_password_length,
            max_password_age,
            password_reuse_prevention,
            ..
        } => {
            let bad = |field: &str, value: u32, min: u32, max: u32| {
                err(
                    "ValidationError",
                    format!(
                        "1 validation error detected: Value '{value}' at '{field}' failed to \
                         satisfy constraint: Member must have value between {min} and {max}"
                    ),
                )
            };
            if !(6..=128).contains(minimum_password_length) {
                return bad("minimumPasswordLength", *minimum_password_length, 6, 128);
            }
            if let Some(age) = max_password_age.filter(|a| !(1..=1095).contains(a)) {
                return bad("maxPasswordAge", age, 1, 1095);
            }
            if let Some(reuse) = password_reuse_prevention.filter(|r| !(1..=24).contains(r)) {
                return bad("passwordReusePrevention", reuse, 1, 24);
            }
            Ok(())
        }

        // ---- AWS Config ----
        PutConfigurationRecorder { name, role_arn, .. } => {
            let Some(role) = c.role_by_arn(role_arn) else {
                return err(
                    "InvalidRoleException",
                    format!(
                        "The role {role_arn} does not exist or cannot be assumed by AWS Config"
                    ),
                );
            };
            if !role.trusted_services.contains("config.amazonaws.com") {
                return err(
                    "InvalidRoleException",
                    format!(
                        "AWS Config cannot assume the role {role_arn}: its trust policy does not trust config.amazonaws.com"
                    ),
                );
            }
            let config = c.services().and_then(|s| s.config.known());
            if let Some(other) = config
                .into_iter()
                .flat_map(|cfg| cfg.recorders.iter())
                .find(|r| &r.name != name)
            {
                return err(
                    "MaxNumberOfConfigurationRecordersExceededException",
                    format!(
                        "Failed to put configuration recorder '{name}' because the maximum \
                         number of configuration recorders: 1 is reached (recorder '{}' exists).",
                        other.name
                    ),
                );
            }
            Ok(())
        }
        PutDeliveryChannel {
            name,
            s3_bucket_name,
        } => {
            let config = c.services().and_then(|s| s.config.known());
            let recorders = config.map(|cfg| cfg.recorders.as_slice()).unwrap_or(&[]);
            let Some(recorder) = recorders.first() else {
                return err(
                    "NoAvailableConfigurationRecorderException",
                    "Configuration recorder is not available to put delivery channel.",
                );
            };
            if let Some(other) = config
                .into_iter()
                .flat_map(|cfg| cfg.delivery_channels.iter())
                .find(|ch| &ch.name != name)
            {
                return err(
                    "MaxNumberOfDeliveryChannelsExceededException",
                    format!(
                        "Failed to put delivery channel '{name}' because the maximum number of \
                         delivery channels: 1 is reached (channel '{}' exists).",
                        other.name
                    ),
                );
            }
            let Some(bucket) = c.bucket(s3_bucket_name) else {
                return err(
                    "NoSuchBucketException",
                    format!("Cannot find a S3 bucket with the name {s3_bucket_name}."),
                );
            };
            if !config_can_deliver(c, bucket, &recorder.role_arn) {
                return err(
                    "InsufficientDeliveryPolicyException",
                    format!(
                        "Insufficient delivery policy to s3 bucket: {s3_bucket_name}, unable to \
                         write to bucket, provided s3 key prefix is 'null'."
                    ),
                );
            }
            Ok(())
        }
        StartConfigurationRecorder { name } => {
            let config = c.services().and_then(|s| s.config.known());
            if !config.is_some_and(|cfg| cfg.recorders.iter().any(|r| &r.name == name)) {
                return err(
                    "NoSuchConfigurationRecorderException",
                    format!("Cannot find configuration recorder with the specified name '{name}'."),
                );
            }
            if config.is_none_or(|cfg| cfg.delivery_channels.is_empty()) {
                return err(
                    "NoAvailableDeliveryChannelException",
                    "Delivery channel is not available to start configuration recorder.",
                );
            }
            Ok(())
        }

        // ---- S3 ----
        CreateBucket { bucket } => {
            bucket_name(bucket)?;
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
        PutPublicAccessBlock { bucket, .. }
        | PutBucketVersioning { bucket, .. }
        | PutBucketOwnershipControls { bucket, .. }
        | PutBucketEncryption { bucket, .. }
        | PutBucketLifecycleConfiguration { bucket, .. }
        | PutBucketPolicy { bucket, .. }
        | PutBucketLogging { bucket, .. } => {
            let Some(b) = c.bucket(bucket) else {
                return err("NoSuchBucket", S3_NO_SUCH_BUCKET);
            };
            bucket_settings(c, b, action)
        }
        PutAccountPublicAccessBlock { .. } => Ok(()),

        // ---- KMS ----
        CreateKey { policy, tags, .. } => {
            key_policy(c, policy)?;
            for (k, v) in tags {
                if k.is_empty() || k.len() > 128 || v.len() > 256 || k.starts_with("aws:") {
                    return err("TagException", format!("Invalid tag {k}={v}"));
                }
            }
            Ok(())
        }
        CreateAlias {
            alias_name,
            target_key,
        } => {
            let valid = alias_name
                .strip_prefix("alias/")
                .is_some_and(|n| !n.is_empty() && n.len() <= 250)
                && alias_name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b));
            if !valid {
                return err(
                    "ValidationException",
                    format!(
                        "1 validation error detected: Value '{alias_name}' at 'aliasName' failed \
                         to satisfy constraint: Member must satisfy regular expression pattern: \
                         ^alias/[a-zA-Z0-9/_-]+$"
                    ),
                );
            }
            if alias_name.starts_with("alias/aws/") {
                return err(
                    "NotAuthorizedException",
                    format!("{alias_name}: the alias/aws/ prefix is reserved for AWS managed keys"),
                );
            }
            if c.keys_in(c.region)
                .iter()
                .any(|k| k.aliases.contains(alias_name))
            {
                return err(
                    "AlreadyExistsException",
                    format!(
                        "An alias with the name arn:aws:kms:{}:{}:{alias_name} already exists",
                        c.region,
                        c.account_id()
                    ),
                );
            }
            let key = c.resolve_key(target_key)?;
            key_usable(key, false)
        }
        PutKeyPolicy { key, policy } => {
            let key = c.resolve_key(key)?;
            key_usable(key, false)?;
            key_policy(c, policy)
        }
        EnableKeyRotation { key } => {
            let key = c.resolve_key(key)?;
            key_usable(key, true)
        }

        // ---- CloudWatch Logs ----
        CreateLogGroup { log_group_name } => {
            let valid = !log_group_name.is_empty()
                && log_group_name.len() <= 512
                && log_group_name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b));
            if !valid {
                return err(
                    "InvalidParameterException",
                    format!("Invalid log group name {log_group_name}"),
                );
            }
            if log_group(c, c.region, log_group_name) {
                return err(
                    "ResourceAlreadyExistsException",
                    "The specified log group already exists",
                );
            }
            Ok(())
        }
        PutRetentionPolicy {
            log_group_name,
            retention_in_days,
        } => {
            if !log_group(c, c.region, log_group_name) {
                return err(
                    "ResourceNotFoundException",
                    "The specified log group does not exist.",
                );
            }
            if !RETENTION_DAYS.contains(retention_in_days) {
                return err(
                    "InvalidParameterException",
                    format!(
                        "1 validation error detected: Value '{retention_in_days}' at \
                         'retentionInDays' failed to satisfy constraint: Member must satisfy \
                         enum value set: {RETENTION_DAYS:?}"
                    ),
                );
            }
            Ok(())
        }

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
        } => {
            trail_name(name)?;
            if c.trails_applying_here().iter().any(|t| &t.name == name) {
                return err(
                    "TrailAlreadyExistsException",
                    format!(
                        "Trail {} already exists for customer: {}",
                        c.trail_arn(name),
                        c.account_id()
                    ),
                );
            }
            if c.trails_applying_here().len() >= 5 {
                return err(
                    "MaximumNumberOfTrailsExceededException",
                    format!(
                        "User: {} already has 5 trails in {}.",
                        c.account_id(),
                        c.region
                    ),
                );
            }
            trail_settings(
                c,
                name,
                s3_bucket_name,
                *is_multi_region_trail,
                *include_global_service_events,
                kms_key_id,
                cloud_watch_logs_log_group_arn.as_deref(),
                cloud_watch_logs_role_arn.as_deref(),
            )
        }
        UpdateTrail {
            name,
            s3_bucket_name,
            is_multi_region_trail,
            include_global_service_events,
            kms_key_id,
            cloud_watch_logs_log_group_arn,
            cloud_watch_logs_role_arn,
            ..
        } => {
            c.home_trail(name)?;
            trail_settings(
                c,
                name,
                s3_bucket_name,
                *is_multi_region_trail,
                *include_global_service_events,
                kms_key_id.as_deref().unwrap_or(""),
                cloud_watch_logs_log_group_arn.as_deref(),
                cloud_watch_logs_role_arn.as_deref(),
            )
        }
        PutEventSelectors {
            trail_name,
            read_write_type,
            ..
        } => {
            c.home_trail(trail_name)?;
            if !matches!(read_write_type.as_str(), "All" | "ReadOnly" | "WriteOnly") {
                return err(
                    "InvalidEventSelectorsException",
                    format!("Invalid ReadWriteType {read_write_type}"),
                );
            }
            Ok(())
        }
        StartLogging { name } => c.home_trail(name).map(|_| ()),

        // ---- IAM Access Analyzer ----
        CreateAnalyzer {
            analyzer_name,
            r#type,
        } => {
            if !matches!(
                r#type.as_str(),
                "ACCOUNT" | "ORGANIZATION" | "ACCOUNT_UNUSED_ACCESS" | "ORGANIZATION_UNUSED_ACCESS"
            ) {
                return err(
                    "ValidationException",
                    format!("Invalid type {type}", type = r#type),
                );
            }
            if r#type.starts_with("ORGANIZATION") {
                return err(
                    "ValidationException",
                    "You must be the organization's management account or a delegated \
                     administrator to create an organization analyzer",
                );
            }
            if analyzer(c, analyzer_name).is_some() {
                return err(
                    "ConflictException",
                    format!("Analyzer {analyzer_name} already exists"),
                );
            }
            Ok(())
        }
        CreateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => {
            let Some(a) = analyzer(c, analyzer_name) else {
                return err(
                    "ResourceNotFoundException",
                    format!("Analyzer {analyzer_name} not found"),
                );
            };
            if a.archive_rules.contains_key(rule_name) {
                return err(
                    "ConflictException",
                    format!("Archive rule {rule_name} already exists for analyzer {analyzer_name}"),
                );
            }
            archive_filter(filter)
        }
        UpdateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => {
            let Some(a) = analyzer(c, analyzer_name) else {
                return err(
                    "ResourceNotFoundException",
                    format!("Analyzer {analyzer_name} not found"),
                );
            };
            if !a.archive_rules.contains_key(rule_name) {
                return err(
                    "ResourceNotFoundException",
                    format!("Archive rule {rule_name} not found for analyzer {analyzer_name}"),
                );
            }
            archive_filter(filter)
        }

        // ---- EC2 ----
        EnableEbsEncryptionByDefault {} => Ok(()),
        EnableSnapshotBlockPublicAccess { state } => {
            if !matches!(state.as_str(), "block-all-sharing" | "block-new-sharing") {
                return err(
                    "InvalidParameterValue",
                    format!("Value ({state}) for parameter State is invalid."),
                );
            }
            Ok(())
        }
        ModifyVpcBlockPublicAccessOptions {
            internet_gateway_block_mode,
        } => {
            if !matches!(
                internet_gateway_block_mode.as_str(),
                "off" | "block-bidirectional" | "block-ingress"
            ) {
                return err(
                    "InvalidParameterValue",
                    format!(
                        "Value ({internet_gateway_block_mode}) for parameter \
                         InternetGatewayBlockMode is invalid."
                    ),
                );
            }
            Ok(())
        }
        DetachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => {
            let attached_to = c
                .vpcs()
                .iter()
                .find(|v| v.internet_gateways.contains(internet_gateway_id));
            let detached = c
                .hidden
                .detached_internet_gateways
                .get(c.region)
                .is_some_and(|s| s.contains(internet_gateway_id));
            if attached_to.is_none() && !detached {
                return err(
                    "InvalidInternetGatewayID.NotFound",
                    format!("The internetGateway ID '{internet_gateway_id}' does not exist"),
                );
            }
            let Some(vpc) = c.vpcs().iter().find(|v| &v.vpc_id == vpc_id) else {
                return err(
                    "InvalidVpcID.NotFound",
                    format!("The vpc ID '{vpc_id}' does not exist"),
                );
            };
            if !vpc.internet_gateways.contains(internet_gateway_id) {
                return err(
                    "Gateway.NotAttached",
                    format!("resource {internet_gateway_id} is not attached to network {vpc_id}"),
                );
            }
            // Interfaces in a VPC whose subnets map public addresses have public addresses;
            // EC2 refuses to detach the gateway while any are mapped.
            if !vpc.network_interfaces.is_empty() {
                return err(
                    "DependencyViolation",
                    format!(
                        "Network {vpc_id} has some mapped public address(es). Please unmap those \
                         public address(es) before detaching the gateway."
                    ),
                );
            }
            Ok(())
        }
        DeleteInternetGateway {
            internet_gateway_id,
        } => {
            if c.vpcs()
                .iter()
                .any(|v| v.internet_gateways.contains(internet_gateway_id))
            {
                return err(
                    "DependencyViolation",
                    format!(
                        "The internetGateway '{internet_gateway_id}' has dependencies and cannot \
                         be deleted."
                    ),
                );
            }
            let detached = c
                .hidden
                .detached_internet_gateways
                .get(c.region)
                .is_some_and(|s| s.contains(internet_gateway_id));
            if !detached {
                return err(
                    "InvalidInternetGatewayID.NotFound",
                    format!("The internetGateway ID '{internet_gateway_id}' does not exist"),
                );
            }
            Ok(())
        }
        DeleteSubnet { subnet_id } => {
            let Some(vpc) = c
                .vpcs()
                .iter()
                .find(|v| v.subnets.iter().any(|s| &s.subnet_id == subnet_id))
            else {
                return err(
                    "InvalidSubnetID.NotFound",
                    format!("The subnet ID '{subnet_id}' does not exist"),
                );
            };
            // The snapshot places interfaces in VPCs, not subnets: any interface in the VPC
            // may be in this subnet, so EC2 (as simulated) refuses.
            if !vpc.network_interfaces.is_empty() {
                return err(
                    "DependencyViolation",
                    format!("The subnet '{subnet_id}' has dependencies and cannot be deleted."),
                );
            }
            Ok(())
        }
        DeleteVpc { vpc_id } => {
            let Some(vpc) = c.vpcs().iter().find(|v| &v.vpc_id == vpc_id) else {
                return err(
                    "InvalidVpcID.NotFound",
                    format!("The vpc ID '{vpc_id}' does not exist"),
                );
            };
            let blocked = !vpc.subnets.is_empty()
                || !vpc.internet_gateways.is_empty()
                || !vpc.network_interfaces.is_empty()
                || !vpc.endpoints.is_empty()
                || vpc
                    .security_groups
                    .iter()
                    .any(|g| g.group_name != "default")
                || vpc.route_tables.iter().any(|r| !r.main)
                || vpc.network_acls.iter().any(|a| !a.is_default);
            if blocked {
                return err(
                    "DependencyViolation",
                    format!("The vpc '{vpc_id}' has dependencies and cannot be deleted."),
                );
            }
            Ok(())
        }

        // ---- Athena ----
        UpdateWorkGroup {
            work_group,
            encryption_option,
            ..
        } => {
            let exists = c
                .services()
                .and_then(|s| s.athena_workgroups.known())
                .is_some_and(|ws| ws.iter().any(|w| &w.name == work_group));
            if !exists {
                return err(
                    "InvalidRequestException",
                    format!("WorkGroup {work_group} is not found."),
                );
            }
            match encryption_option.as_deref() {
                None | Some("SSE_S3") => Ok(()),
                Some("SSE_KMS" | "CSE_KMS") => err(
                    "InvalidRequestException",
                    "KmsKey is required for SSE_KMS and CSE_KMS encryption",
                ),
                Some(other) => err(
                    "InvalidRequestException",
                    format!("Invalid EncryptionOption {other}"),
                ),
            }
        }

        // ---- Account ----
        PutAlternateContact {
            alternate_contact_type,
            name,
            email_address,
            phone_number,
            ..
        } => {
            if !matches!(
                alternate_contact_type.as_str(),
                "BILLING" | "OPERATIONS" | "SECURITY"
            ) {
                return err(
                    "ValidationException",
                    format!("Invalid AlternateContactType {alternate_contact_type}"),
                );
            }
            let email_ok = email_address
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
            if name.is_empty() || !email_ok || phone_number.is_empty() {
                return err(
                    "ValidationException",
                    "Invalid input: name, a valid email address and a phone number are required",
                );
            }
            Ok(())
        }

        // ---- SSM ----
        UpdateServiceSetting {
            setting_id,
            setting_value,
        } => {
            let allowed: &[&str] = match setting_id.as_str() {
                SSM_PUBLIC_SHARING => &["Enable", "Disable"],
                SSM_AUTOMATION_LOG => &["CloudWatch", "None"],
                _ => {
                    return err(
                        "ServiceSettingNotFound",
                        format!("The service setting {setting_id} is not found"),
                    );
                }
            };
            if !allowed.contains(&setting_value.as_str()) {
                return err(
                    "ValidationException",
                    format!("Invalid value {setting_value} for service setting {setting_id}"),
                );
            }
            Ok(())
        }

        // ---- Inspector, Macie ----
        EnableInspector { resource_types } => {
            if resource_types.is_empty()
                || resource_types
                    .iter()
                    .any(|t| !matches!(t.as_str(), "EC2" | "ECR" | "LAMBDA" | "LAMBDA_CODE"))
            {
                return err(
                    "ValidationException",
                    format!("Invalid resourceTypes {resource_types:?}"),
                );
            }
            let lambda_on = c
                .services()
                .and_then(|s| s.inspector.known())
                .is_some_and(|i| i.lambda);
            if resource_types.iter().any(|t| t == "LAMBDA_CODE")
                && !lambda_on
                && !resource_types.iter().any(|t| t == "LAMBDA")
            {
                return err(
                    "ValidationException",
                    "Lambda code scanning requires Lambda standard scanning to be enabled",
                );
            }
            Ok(())
        }
        EnableMacie {
            finding_publishing_frequency,
        } => {
            if c.services()
                .and_then(|s| s.macie.known())
                .is_some_and(|m| m.enabled)
            {
                return err("ConflictException", "Macie is already enabled");
            }
            if !FINDING_FREQUENCIES.contains(&finding_publishing_frequency.as_str()) {
                return err(
                    "ValidationException",
                    format!("Invalid findingPublishingFrequency {finding_publishing_frequency}"),
                );
            }
            Ok(())
        }
        UpdateAutomatedDiscoveryConfiguration { status } => {
            if !c
                .services()
                .and_then(|s| s.macie.known())
                .is_some_and(|m| m.enabled)
            {
                return err("AccessDeniedException", "Macie is not enabled.");
            }
            if !matches!(status.as_str(), "ENABLED" | "DISABLED") {
                return err("ValidationException", format!("Invalid status {status}"));
            }
            Ok(())
        }
    }
}

fn hub<'a>(c: &'a Check<'_>) -> Option<&'a secure_account_core::snapshot::SecurityHub> {
    c.services()
        .and_then(|s| s.security_hub.known())
        .and_then(Option::as_ref)
}

fn require_hub<'a>(
    c: &'a Check<'_>,
) -> Result<&'a secure_account_core::snapshot::SecurityHub, AwsError> {
    hub(c).ok_or_else(|| {
        AwsError::new(
            "InvalidAccessException",
            format!(
                "Account {} is not subscribed to AWS Security Hub",
                c.account_id()
            ),
        )
    })
}

fn finding_generator(value: &str) -> Result<(), AwsError> {
    if matches!(value, "SECURITY_CONTROL" | "STANDARD_CONTROL") {
        Ok(())
    } else {
        err(
            "InvalidInputException",
            format!("Invalid ControlFindingGenerator {value}"),
        )
    }
}

fn detector_settings(frequency: &str, features: &[DetectorFeature]) -> Result<(), AwsError> {
    let invalid = || {
        err(
            "BadRequestException",
            "The request is rejected because an invalid or out-of-range value is specified as \
             an input parameter.",
        )
    };
    if !FINDING_FREQUENCIES.contains(&frequency) {
        return invalid();
    }
    for f in features {
        let Some((_, additional)) = GUARDDUTY_FEATURES.iter().find(|(n, _)| *n == f.name) else {
            return invalid();
        };
        if !matches!(f.status.as_str(), "ENABLED" | "DISABLED") {
            return invalid();
        }
        for (name, status) in &f.additional_configuration {
            if !additional.contains(&name.as_str())
                || !matches!(status.as_str(), "ENABLED" | "DISABLED")
            {
                return invalid();
            }
        }
    }
    let named = |n: &str| features.iter().any(|f| f.name == n);
    if named("RUNTIME_MONITORING") && named("EKS_RUNTIME_MONITORING") {
        return err(
            "BadRequestException",
            "The request is rejected because you can specify only one of the features \
             EKS_RUNTIME_MONITORING and RUNTIME_MONITORING.",
        );
    }
    Ok(())
}

fn iam_name(name: &str, max: usize) -> Result<(), AwsError> {
    let ok = !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if ok {
        Ok(())
    } else {
        err(
            "ValidationError",
            format!(
                "1 validation error detected: Value '{name}' failed to satisfy constraint: Member \
                 must satisfy regular expression pattern: [\\w+=,.@-]+"
            ),
        )
    }
}

fn iam_policy(document: &str) -> Result<(), AwsError> {
    policy::parse(document).map(|_| ()).map_err(|e| {
        AwsError::new(
            "MalformedPolicyDocument",
            format!("This policy contains invalid Json: {e}"),
        )
    })
}

fn bucket_name(name: &str) -> Result<(), AwsError> {
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
fn bucket_settings(c: &Check<'_>, b: &Bucket, action: &Action) -> Result<(), AwsError> {
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
        Action::PutBucketVersioning { status, .. }
            if !matches!(status.as_str(), "Enabled" | "Suspended") =>
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
                .map(|st| match st {
                    serde_json::Value::Array(items) => items.iter().collect::<Vec<_>>(),
                    other => vec![other],
                })
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.get("Resource"))
                .flat_map(|r| match r {
                    serde_json::Value::String(s) => vec![s.clone()],
                    serde_json::Value::Array(items) => items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                    _ => vec![],
                })
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
        _ => {}
    }
    Ok(())
}

/// Whether AWS Config can deliver to `bucket`: with the service-linked role, through the
/// bucket policy (`s3:GetBucketAcl` on the bucket and `s3:PutObject` under
/// `AWSLogs/<account>/Config/`); with a custom role, through either the role's policies or
/// the bucket policy.
fn config_can_deliver(c: &Check<'_>, bucket: &Bucket, role_arn: &str) -> bool {
    let account = c.account_id();
    let object = format!(
        "arn:aws:s3:::{}/AWSLogs/{account}/Config/object",
        bucket.name
    );
    let bucket_arn = format!("arn:aws:s3:::{}", bucket.name);
    let context = [
        ("aws:SourceAccount", account),
        ("s3:x-amz-acl", "bucket-owner-full-control"),
        ("aws:SecureTransport", "true"),
    ];
    let by_bucket_policy = bucket.policy.as_deref().is_some_and(|p| {
        let req = |action, resource| Request {
            principal: Principal::Service("config.amazonaws.com"),
            action,
            resource,
            context: &context,
        };
        policy::allows(p, &req("s3:GetBucketAcl", &bucket_arn))
            && policy::allows(p, &req("s3:PutObject", &object))
    });
    if by_bucket_policy {
        return true;
    }
    let Some(role) = c.role_by_arn(role_arn) else {
        return false;
    };
    if role.path.starts_with("/aws-service-role/") {
        return false;
    }
    let req = Request {
        principal: Principal::Aws(&role.arn),
        action: "s3:PutObject",
        resource: &object,
        context: &context,
    };
    policy::any_allows(role.inline_policies.values().map(String::as_str), &req)
}

/// The KMS lockout safety check: the new policy must let the caller (through the account)
/// change the policy again.
fn key_policy(c: &Check<'_>, text: &str) -> Result<(), AwsError> {
    policy::parse(text).map_err(|e| {
        AwsError::new(
            "MalformedPolicyDocumentException",
            format!("The key policy is not valid JSON: {e}"),
        )
    })?;
    let caller = c.caller();
    let ok = policy::allows(
        text,
        &Request {
            principal: Principal::Aws(&caller),
            action: "kms:PutKeyPolicy",
            resource: "*",
            context: &[],
        },
    );
    if ok {
        Ok(())
    } else {
        err(
            "MalformedPolicyDocumentException",
            "The new key policy will not allow you to update the key policy in the future.",
        )
    }
}

fn key_usable(key: &KmsKey, must_be_enabled: bool) -> Result<(), AwsError> {
    let ok = match key.key_state.as_str() {
        "Enabled" => true,
        "Disabled" => !must_be_enabled,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        err(
            "KMSInvalidStateException",
            format!("{} is {}", key.arn, key.key_state.to_lowercase()),
        )
    }
}

fn log_group(c: &Check<'_>, region: &str, name: &str) -> bool {
    c.account
        .regions
        .get(region)
        .and_then(|r| r.services.log_groups.known())
        .is_some_and(|gs| gs.iter().any(|g| g.name == name))
}

fn trail_name(name: &str) -> Result<(), AwsError> {
    let b = name.as_bytes();
    let ok = (3..=128).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c))
        && !name.contains("..")
        && !name.contains("._")
        && !name.contains("_.")
        && !name.contains("-.")
        && !name.contains(".-");
    if ok {
        Ok(())
    } else {
        err(
            "InvalidTrailNameException",
            format!(
                "Trail name {name} is invalid: use 3 to 128 letters, digits, periods, underscores and dashes, starting and ending with a letter or digit"
            ),
        )
    }
}

/// What CloudTrail checks of a trail's destination when creating or updating it: the
/// bucket and its policy, the key and its policy, the log group and the role.
#[allow(clippy::too_many_arguments)]
fn trail_settings(
    c: &Check<'_>,
    name: &str,
    bucket_name: &str,
    multi_region: bool,
    global_events: bool,
    kms_key_id: &str,
    log_group_arn: Option<&str>,
    role_arn: Option<&str>,
) -> Result<(), AwsError> {
    if multi_region && !global_events {
        return err(
            "InvalidParameterCombinationException",
            "Multi-Region trail must include global service events.",
        );
    }
    let account = c.account_id();
    let trail_arn = c.trail_arn(name);
    let Some(bucket) = c.bucket(bucket_name) else {
        return err(
            "S3BucketDoesNotExistException",
            format!("S3 bucket {bucket_name} does not exist."),
        );
    };
    let context = [
        ("aws:SourceArn", trail_arn.as_str()),
        ("aws:SourceAccount", account),
        ("s3:x-amz-acl", "bucket-owner-full-control"),
        ("aws:SecureTransport", "true"),
    ];
    let object = format!("arn:aws:s3:::{bucket_name}/AWSLogs/{account}/CloudTrail/object");
    let bucket_arn = format!("arn:aws:s3:::{bucket_name}");
    let bucket_ok = bucket.policy.as_deref().is_some_and(|p| {
        let req = |action, resource| Request {
            principal: Principal::Service("cloudtrail.amazonaws.com"),
            action,
            resource,
            context: &context,
        };
        policy::allows(p, &req("s3:GetBucketAcl", &bucket_arn))
            && policy::allows(p, &req("s3:PutObject", &object))
    });
    if !bucket_ok {
        return err(
            "InsufficientS3BucketPolicyException",
            format!("Incorrect S3 bucket policy is detected for bucket: {bucket_name}"),
        );
    }
    if !kms_key_id.is_empty() {
        let Some(key) = c.key_any(c.region, kms_key_id) else {
            return err(
                "KmsKeyNotFoundException",
                format!(
                    "KMS key {kms_key_id} does not exist or is not in the same region as the \
                     trail ({})",
                    c.region
                ),
            );
        };
        if key.key_state != "Enabled" {
            return err(
                "KmsException",
                format!("KMS key {} is {}", key.arn, key.key_state.to_lowercase()),
            );
        }
        let encrypt_ok = policy::allows(
            &key.policy,
            &Request {
                principal: Principal::Service("cloudtrail.amazonaws.com"),
                action: "kms:GenerateDataKey",
                resource: &key.arn,
                context: &[
                    ("kms:EncryptionContext:aws:cloudtrail:arn", &trail_arn),
                    ("aws:SourceArn", &trail_arn),
                    ("aws:SourceAccount", account),
                ],
            },
        );
        if !encrypt_ok {
            return err(
                "InsufficientEncryptionPolicyException",
                format!(
                    "Insufficient permissions to access S3 bucket {bucket_name} or KMS key {}.",
                    key.arn
                ),
            );
        }
    }
    match (log_group_arn, role_arn) {
        (None, None) => Ok(()),
        (Some(_), None) => err(
            "InvalidCloudWatchLogsRoleArnException",
            "You must specify a role ARN with a log group ARN.",
        ),
        (None, Some(_)) => err(
            "InvalidCloudWatchLogsLogGroupArnException",
            "You must specify a log group ARN with a role ARN.",
        ),
        (Some(group_arn), Some(role_arn)) => cloudwatch_logs(c, group_arn, role_arn),
    }
}

/// The log group must exist in the trail's region; the role must trust CloudTrail and let
/// it create log streams and put events in the group.
fn cloudwatch_logs(c: &Check<'_>, group_arn: &str, role_arn: &str) -> Result<(), AwsError> {
    let account = c.account_id();
    let prefix = format!("arn:aws:logs:{}:{account}:log-group:", c.region);
    let group = group_arn
        .strip_prefix(&prefix)
        .map(|rest| rest.strip_suffix(":*").unwrap_or(rest));
    let Some(group) = group.filter(|g| log_group(c, c.region, g)) else {
        return err(
            "InvalidCloudWatchLogsLogGroupArnException",
            format!("CloudTrail cannot validate the specified log group ARN {group_arn}."),
        );
    };
    let Some(role) = c.role_by_arn(role_arn) else {
        return err(
            "InvalidCloudWatchLogsRoleArnException",
            format!("Access denied. Check the trust relationships for your role {role_arn}."),
        );
    };
    if !role.trusted_services.contains("cloudtrail.amazonaws.com") {
        return err(
            "InvalidCloudWatchLogsRoleArnException",
            "Access denied. Check the trust relationships for your role.",
        );
    }
    let stream = format!(
        "arn:aws:logs:{}:{account}:log-group:{group}:log-stream:{account}_CloudTrail_{}",
        c.region, c.region
    );
    let can = |action| {
        policy::any_allows(
            role.inline_policies.values().map(String::as_str),
            &Request {
                principal: Principal::Aws(&role.arn),
                action,
                resource: &stream,
                context: &[],
            },
        )
    };
    if can("logs:CreateLogStream") && can("logs:PutLogEvents") {
        Ok(())
    } else {
        err(
            "InvalidCloudWatchLogsLogGroupArnException",
            "Access denied. Verify in IAM that the role has adequate permissions.",
        )
    }
}

fn analyzer<'a>(
    c: &'a Check<'_>,
    name: &str,
) -> Option<&'a secure_account_core::snapshot::Analyzer> {
    c.services()
        .and_then(|s| s.analyzers.known())
        .and_then(|a| a.iter().find(|a| a.name == name))
}

fn archive_filter(
    filter: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<(), AwsError> {
    if filter.is_empty() || filter.values().any(Vec::is_empty) {
        return err(
            "ValidationException",
            "An archive rule needs a filter with at least one criterion and one value",
        );
    }
    Ok(())
}

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
            let kms_key_id = match action {
                Action::CreateTrail { kms_key_id, .. } => kms_key_id.as_str(),
                Action::UpdateTrail { kms_key_id, .. } => kms_key_id.as_deref().unwrap_or(""),
                _ => "",
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
            let error = || {
                AwsError::new(
                    "InsufficientDeliveryPolicyException",
                    format!(
                        "Insufficient delivery policy to s3 bucket: {s3_bucket_name}, unable to \
                         write to bucket, provided s3 key prefix is 'null'."
                    ),
                )
            };
            dep(Bucket, s3_bucket_name, error());
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
        _ => {}
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
        Action::CreateBucket { bucket } => Some((ResourceKind::Bucket, bucket.clone())),
        Action::PutBucketPolicy { bucket, .. } => {
            Some((ResourceKind::BucketPolicy, bucket.clone()))
        }
        Action::CreateRole { role_name, .. } | Action::PutRolePolicy { role_name, .. } => {
            Some((ResourceKind::Role, role_name.clone()))
        }
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
        _ => None,
    }
}
