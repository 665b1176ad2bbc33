//! The actions a plan is made of: one variant per AWS operation, named in snake_case after
//! it, carrying the operation's exact parameters.
//!
//! The same name appears in plan JSON, logs, the simulator and the AWS adapters. The
//! region an action runs in lives beside it in [`PlannedAction`]; `"global"` marks
//! account-wide operations (IAM, S3 Control, Account), which the adapters send to the
//! home region.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::snapshot::PublicAccessBlock;

/// A reference to a KMS key: one that exists, or one that an earlier action of the plan
/// creates (its id is only known once that action ran).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyRef {
    /// An existing key, by key id.
    Existing(String),
    /// The key created by the plan's action with this id.
    CreatedBy(String),
}

/// Outputs of executed actions that later actions refer to (the key id a `create_key`
/// returned). The engine keeps it; the simulator and the adapters resolve [`KeyRef`]s with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outputs {
    /// Created key ids by the id of the action that created them.
    pub key_ids: BTreeMap<String, String>,
}

impl Outputs {
    /// The key id a reference stands for, if it is known.
    pub fn resolve(&self, key: &KeyRef) -> Option<String> {
        match key {
            KeyRef::Existing(id) => Some(id.clone()),
            KeyRef::CreatedBy(action) => self.key_ids.get(action).cloned(),
        }
    }
}

/// A GuardDuty detector feature (`DetectorFeatureConfiguration`) with its additional
/// configurations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectorFeature {
    pub name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<(String, String)>,
}

/// One control association update of `BatchUpdateStandardsControlAssociations`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ControlAssociationUpdate {
    pub security_control_id: String,
    /// `ENABLED` or `DISABLED`.
    pub association_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_reason: Option<String>,
}

/// One AWS operation with its parameters.
///
/// In JSON: `{"action": "create_detector", "params": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "action", content = "params", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    // ---- Security Hub ----
    /// `securityhub:EnableSecurityHub`: turns Security Hub on in the region, without the
    /// default standards. Precondition: Security Hub is off in the region.
    EnableSecurityHub {
        enable_default_standards: bool,
        control_finding_generator: String,
    },
    /// `securityhub:UpdateSecurityHubConfiguration`: consolidated control findings, and
    /// new controls are not enabled automatically. Precondition: hub enabled.
    UpdateSecurityHubConfiguration {
        auto_enable_controls: bool,
        control_finding_generator: String,
    },
    /// `securityhub:BatchEnableStandards`: subscribes the standard. Precondition: hub enabled.
    BatchEnableStandards { standards_arn: String },
    /// `securityhub:BatchUpdateStandardsControlAssociations`: enables or disables controls
    /// of the standard, with the reason for each disabled one. Precondition: standard enabled.
    BatchUpdateStandardsControlAssociations {
        standards_arn: String,
        updates: Vec<ControlAssociationUpdate>,
    },
    /// `securityhub:CreateFindingAggregator`: aggregates findings of every region into this
    /// one. Precondition: hub enabled here.
    CreateFindingAggregator { region_linking_mode: String },

    // ---- GuardDuty ----
    /// `guardduty:CreateDetector`: the region's detector with its features. Precondition:
    /// the region has no detector (GuardDuty allows one per region).
    CreateDetector {
        enable: bool,
        finding_publishing_frequency: String,
        features: Vec<DetectorFeature>,
    },
    /// `guardduty:UpdateDetector`: converges an existing detector; features not listed keep
    /// their state.
    UpdateDetector {
        detector_id: String,
        enable: bool,
        finding_publishing_frequency: String,
        features: Vec<DetectorFeature>,
    },

    // ---- IAM ----
    /// `iam:CreateServiceLinkedRole`: e.g. `AWSServiceRoleForConfig` for
    /// `config.amazonaws.com`. Precondition: the role does not exist.
    CreateServiceLinkedRole { aws_service_name: String },
    /// `iam:CreateRole`: a role that `service` may assume. Precondition: no role of that name.
    CreateRole {
        role_name: String,
        assume_role_policy_document: String,
    },
    /// `iam:PutRolePolicy`: sets an inline policy of a role (creates or replaces it).
    PutRolePolicy {
        role_name: String,
        policy_name: String,
        policy_document: String,
    },
    /// `iam:UpdateAccountPasswordPolicy`: the whole policy (the call replaces every field;
    /// the planner already merged it with the stronger existing values).
    UpdateAccountPasswordPolicy {
        minimum_password_length: u32,
        require_symbols: bool,
        require_numbers: bool,
        require_uppercase_characters: bool,
        require_lowercase_characters: bool,
        allow_users_to_change_password: bool,
        max_password_age: Option<u32>,
        password_reuse_prevention: Option<u32>,
        hard_expiry: bool,
    },

    // ---- AWS Config ----
    /// `config:PutConfigurationRecorder`: creates or updates the recorder.
    /// Precondition: the role exists.
    PutConfigurationRecorder {
        name: String,
        role_arn: String,
        all_supported: bool,
        include_global_resource_types: bool,
    },
    /// `config:PutDeliveryChannel`. Precondition: a recorder exists, the bucket exists and
    /// its policy lets Config write.
    PutDeliveryChannel {
        name: String,
        s3_bucket_name: String,
    },
    /// `config:StartConfigurationRecorder`. Precondition: a delivery channel exists.
    StartConfigurationRecorder { name: String },

    // ---- S3 ----
    /// `s3:CreateBucket` in the action's region. Precondition: the name is free.
    CreateBucket { bucket: String },
    /// `s3:PutPublicAccessBlock` on a bucket.
    PutPublicAccessBlock {
        bucket: String,
        configuration: PublicAccessBlock,
    },
    /// `s3control:PutPublicAccessBlock` for the whole account (named apart from the bucket
    /// operation of the same AWS name).
    PutAccountPublicAccessBlock { configuration: PublicAccessBlock },
    /// `s3:PutBucketOwnershipControls`: `BucketOwnerEnforced` disables ACLs.
    PutBucketOwnershipControls {
        bucket: String,
        object_ownership: String,
    },
    /// `s3:PutBucketEncryption`: default encryption.
    PutBucketEncryption {
        bucket: String,
        sse_algorithm: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kms_master_key_id: Option<String>,
    },
    /// `s3:PutBucketVersioning`.
    PutBucketVersioning { bucket: String, status: String },
    /// `s3:PutBucketPolicy`: replaces the policy; the planner merged the existing
    /// statements in. Precondition: the bucket exists.
    PutBucketPolicy { bucket: String, policy: String },
    /// `s3:PutBucketLifecycleConfiguration`: replaces the rules; the planner merged the
    /// existing ones in.
    PutBucketLifecycleConfiguration {
        bucket: String,
        rules: BTreeMap<String, String>,
    },
    /// `s3:PutBucketLogging`: server access logs go to `target_bucket`. Precondition: the
    /// target exists and lets the logging service write (bucket policy).
    PutBucketLogging {
        bucket: String,
        target_bucket: String,
        target_prefix: String,
    },

    // ---- KMS ----
    /// `kms:CreateKey`: a symmetric customer managed key with its policy and tags.
    CreateKey {
        description: String,
        policy: String,
        tags: BTreeMap<String, String>,
    },
    /// `kms:CreateAlias`. Precondition: the alias is free, the key exists.
    CreateAlias {
        alias_name: String,
        target_key: KeyRef,
    },
    /// `kms:PutKeyPolicy` (policy name `default`).
    PutKeyPolicy { key: KeyRef, policy: String },
    /// `kms:EnableKeyRotation`.
    EnableKeyRotation { key: KeyRef },

    // ---- CloudWatch Logs ----
    /// `logs:CreateLogGroup`. Precondition: no group of that name.
    CreateLogGroup { log_group_name: String },
    /// `logs:PutRetentionPolicy`.
    PutRetentionPolicy {
        log_group_name: String,
        retention_in_days: u32,
    },

    // ---- CloudTrail ----
    /// `cloudtrail:CreateTrail`. Preconditions (as CloudTrail checks them): the bucket
    /// exists and its policy lets CloudTrail write; the key policy lets CloudTrail encrypt;
    /// the role lets CloudTrail deliver to the log group.
    CreateTrail {
        name: String,
        s3_bucket_name: String,
        is_multi_region_trail: bool,
        include_global_service_events: bool,
        enable_log_file_validation: bool,
        kms_key_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cloud_watch_logs_log_group_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cloud_watch_logs_role_arn: Option<String>,
    },
    /// `cloudtrail:UpdateTrail`: converges an adopted trail. Fields that are `None` are not
    /// sent and keep their value.
    UpdateTrail {
        name: String,
        s3_bucket_name: String,
        is_multi_region_trail: bool,
        include_global_service_events: bool,
        enable_log_file_validation: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kms_key_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cloud_watch_logs_log_group_arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cloud_watch_logs_role_arn: Option<String>,
    },
    /// `cloudtrail:PutEventSelectors`: management events, read and write, no data events.
    PutEventSelectors {
        trail_name: String,
        read_write_type: String,
        include_management_events: bool,
    },
    /// `cloudtrail:StartLogging`.
    StartLogging { name: String },

    // ---- IAM Access Analyzer ----
    /// `access-analyzer:CreateAnalyzer` of type `ACCOUNT`.
    CreateAnalyzer {
        analyzer_name: String,
        r#type: String,
    },
    /// `access-analyzer:CreateArchiveRule`: archives findings whose filter matches.
    CreateArchiveRule {
        analyzer_name: String,
        rule_name: String,
        filter: BTreeMap<String, Vec<String>>,
    },
    /// `access-analyzer:UpdateArchiveRule`: replaces the filter of an adopted rule.
    UpdateArchiveRule {
        analyzer_name: String,
        rule_name: String,
        filter: BTreeMap<String, Vec<String>>,
    },

    // ---- EC2 ----
    /// `ec2:EnableEbsEncryptionByDefault`.
    EnableEbsEncryptionByDefault {},
    /// `ec2:EnableSnapshotBlockPublicAccess`.
    EnableSnapshotBlockPublicAccess { state: String },
    /// `ec2:ModifyVpcBlockPublicAccessOptions` (only when the baseline switch is on).
    ModifyVpcBlockPublicAccessOptions { internet_gateway_block_mode: String },
    /// `ec2:DetachInternetGateway` from a default VPC. Precondition: the snapshot showed
    /// the VPC without network interfaces.
    DetachInternetGateway {
        internet_gateway_id: String,
        vpc_id: String,
    },
    /// `ec2:DeleteInternetGateway`. Precondition: detached.
    DeleteInternetGateway { internet_gateway_id: String },
    /// `ec2:DeleteSubnet` of a default VPC. Precondition: no network interfaces in it.
    DeleteSubnet { subnet_id: String },
    /// `ec2:DeleteVpc` of a default VPC. Precondition: no subnets, no attached gateway, no
    /// network interfaces (else `DependencyViolation`).
    DeleteVpc { vpc_id: String },

    // ---- Athena ----
    /// `athena:UpdateWorkGroup`: CloudWatch metrics, and result encryption when the
    /// workgroup has none (an existing stronger option is kept).
    UpdateWorkGroup {
        work_group: String,
        publish_cloud_watch_metrics_enabled: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        encryption_option: Option<String>,
    },

    // ---- Account ----
    /// `account:PutAlternateContact` of type `SECURITY`.
    PutAlternateContact {
        alternate_contact_type: String,
        name: String,
        title: String,
        email_address: String,
        phone_number: String,
    },

    // ---- SSM ----
    /// `ssm:UpdateServiceSetting`.
    UpdateServiceSetting {
        setting_id: String,
        setting_value: String,
    },

    // ---- Inspector, Macie ----
    /// `inspector2:Enable` for the account in the region, for these resource types.
    EnableInspector { resource_types: Vec<String> },
    /// `macie2:EnableMacie`.
    EnableMacie {
        finding_publishing_frequency: String,
    },
    /// `macie2:UpdateAutomatedDiscoveryConfiguration`.
    UpdateAutomatedDiscoveryConfiguration { status: String },
}

impl Action {
    /// The snake_case name (the `action` field of the plan JSON).
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// The AWS service the operation belongs to, for grouping in the text rendering.
    pub fn service(&self) -> &'static str {
        use Action::*;
        match self {
            EnableSecurityHub { .. }
            | UpdateSecurityHubConfiguration { .. }
            | BatchEnableStandards { .. }
            | BatchUpdateStandardsControlAssociations { .. }
            | CreateFindingAggregator { .. } => "securityhub",
            CreateDetector { .. } | UpdateDetector { .. } => "guardduty",
            CreateServiceLinkedRole { .. }
            | CreateRole { .. }
            | PutRolePolicy { .. }
            | UpdateAccountPasswordPolicy { .. } => "iam",
            PutConfigurationRecorder { .. }
            | PutDeliveryChannel { .. }
            | StartConfigurationRecorder { .. } => "config",
            CreateBucket { .. }
            | PutPublicAccessBlock { .. }
            | PutBucketOwnershipControls { .. }
            | PutBucketEncryption { .. }
            | PutBucketVersioning { .. }
            | PutBucketPolicy { .. }
            | PutBucketLifecycleConfiguration { .. }
            | PutBucketLogging { .. } => "s3",
            PutAccountPublicAccessBlock { .. } => "s3control",
            CreateKey { .. }
            | CreateAlias { .. }
            | PutKeyPolicy { .. }
            | EnableKeyRotation { .. } => "kms",
            CreateLogGroup { .. } | PutRetentionPolicy { .. } => "logs",
            CreateTrail { .. }
            | UpdateTrail { .. }
            | PutEventSelectors { .. }
            | StartLogging { .. } => "cloudtrail",
            CreateAnalyzer { .. } | CreateArchiveRule { .. } | UpdateArchiveRule { .. } => {
                "accessanalyzer"
            }
            EnableEbsEncryptionByDefault {}
            | EnableSnapshotBlockPublicAccess { .. }
            | ModifyVpcBlockPublicAccessOptions { .. }
            | DetachInternetGateway { .. }
            | DeleteInternetGateway { .. }
            | DeleteSubnet { .. }
            | DeleteVpc { .. } => "ec2",
            UpdateWorkGroup { .. } => "athena",
            PutAlternateContact { .. } => "account",
            UpdateServiceSetting { .. } => "ssm",
            EnableInspector { .. } => "inspector2",
            EnableMacie { .. } | UpdateAutomatedDiscoveryConfiguration { .. } => "macie2",
        }
    }

    /// Whether the action deletes or detaches something.
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Action::DetachInternetGateway { .. }
                | Action::DeleteInternetGateway { .. }
                | Action::DeleteSubnet { .. }
                | Action::DeleteVpc { .. }
        )
    }
}

/// An action as the plan holds it: where it runs, why, and after what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedAction {
    /// Unique within the plan, stable across runs: `<region>/<action>[/<resource>]`.
    pub id: String,
    #[serde(flatten)]
    pub op: Action,
    /// The region, or `"global"` for account-wide operations.
    pub region: String,
    /// FSBP control ids this action helps make pass.
    pub satisfies: Vec<String>,
    /// Ids of actions that must have been applied first.
    pub depends_on: Vec<String>,
    pub destructive: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name is the serde tag: the same word in plan JSON, logs and adapters.
    #[test]
    fn name_is_the_json_action_tag() {
        let actions = [
            Action::EnableEbsEncryptionByDefault {},
            Action::CreateBucket { bucket: "b".into() },
            Action::PutAccountPublicAccessBlock {
                configuration: PublicAccessBlock::ALL,
            },
            Action::UpdateAutomatedDiscoveryConfiguration {
                status: "ENABLED".into(),
            },
            Action::BatchUpdateStandardsControlAssociations {
                standards_arn: "arn".into(),
                updates: vec![],
            },
        ];
        for a in actions {
            let json = serde_json::to_value(&a).unwrap();
            assert_eq!(json["action"], a.name());
            // SPEC §6: every action has `params`, an object even when empty.
            assert!(json["params"].is_object(), "{json}");
        }
    }
}
