//! The actions a plan is made of: one variant per AWS operation, named in snake_case after
//! it, carrying the operation's exact parameters.
//!
//! The same name appears in plan JSON, logs, the simulator and the AWS adapters. The
//! region an action runs in lives beside it in [`PlannedAction`]; `"global"` marks
//! account-wide operations (IAM, S3 Control, Account), which the adapters send to the
//! home region.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::part::{Part, Reach, Scope};
use crate::snapshot::{
    ArchiveFilter, InternetGatewayBlockMode, PasswordPolicy, PublicAccessBlock, VersioningStatus,
};

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
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumDiscriminants,
)]
#[serde(tag = "action", content = "params", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(
    name(ActionKind),
    derive(
        PartialOrd,
        Ord,
        Hash,
        Serialize,
        Deserialize,
        strum::EnumIter,
        strum::IntoStaticStr,
        strum::EnumString
    ),
    serde(rename_all = "snake_case"),
    strum(serialize_all = "snake_case")
)]
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
    /// `iam:CreateRole`: a role that `service` may assume, with the tool's tags (so a
    /// later run knows the role is its own). Precondition: no role of that name.
    CreateRole {
        role_name: String,
        assume_role_policy_document: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        tags: BTreeMap<String, String>,
    },
    /// `iam:UpdateAssumeRolePolicy`: replaces the trust policy of a role the tool owns.
    /// Precondition: the role exists.
    UpdateAssumeRolePolicy {
        role_name: String,
        policy_document: String,
    },
    /// `iam:PutRolePolicy`: sets an inline policy of a role (creates or replaces it).
    PutRolePolicy {
        role_name: String,
        policy_name: String,
        policy_document: String,
    },
    /// `iam:UpdateAccountPasswordPolicy`: the whole policy (the call replaces every field;
    /// the planner already merged it with the stronger existing values).
    UpdateAccountPasswordPolicy(PasswordPolicy),

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
    /// `s3:CreateBucket` in the action's region, with the tool's tags
    /// (`CreateBucketConfiguration.Tags`, so the bucket is never untagged, even after a
    /// crash). Precondition: the name is free. Outside us-east-1 AWS requires
    /// `CreateBucketConfiguration.LocationConstraint` = the region (and refuses it in
    /// us-east-1).
    CreateBucket {
        bucket: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location_constraint: Option<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        tags: BTreeMap<String, String>,
    },
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
    PutBucketVersioning {
        bucket: String,
        status: VersioningStatus,
    },
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
    /// `logs:CreateLogGroup`, with the tool's tags. Precondition: no group of that name.
    CreateLogGroup {
        log_group_name: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        tags: BTreeMap<String, String>,
    },
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
        filter: ArchiveFilter,
    },
    /// `access-analyzer:UpdateArchiveRule`: replaces the filter of an adopted rule.
    UpdateArchiveRule {
        analyzer_name: String,
        rule_name: String,
        filter: ArchiveFilter,
    },

    // ---- EC2 ----
    /// `ec2:EnableEbsEncryptionByDefault`.
    EnableEbsEncryptionByDefault {},
    /// `ec2:EnableSnapshotBlockPublicAccess`.
    EnableSnapshotBlockPublicAccess { state: String },
    /// `ec2:ModifyVpcBlockPublicAccessOptions` (only when the baseline switch is on).
    ModifyVpcBlockPublicAccessOptions {
        internet_gateway_block_mode: InternetGatewayBlockMode,
    },
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
    /// `macie2:UpdateClassificationScope` (the scope `macie2:ListClassificationScopes`
    /// names), adding these buckets to the exclusions of automated discovery (operation
    /// `ADD`: the customer's own exclusions stay).
    UpdateClassificationScope { exclude_bucket_names: Vec<String> },
}

impl Action {
    /// The snake_case name (the `action` field of the plan JSON).
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// The action's kind: the variant without its parameters.
    pub fn kind(&self) -> ActionKind {
        self.into()
    }

    /// The action's row of facts.
    pub fn facts(&self) -> ActionFacts {
        self.kind().facts()
    }

    /// The AWS service the operation belongs to (`securityhub`, `s3control`).
    pub fn service(&self) -> &'static str {
        self.facts().service
    }

    /// Whether the action deletes or detaches something.
    pub fn is_destructive(&self) -> bool {
        self.facts().destructive
    }
}

/// One row of facts about an action kind: what the adapters call, what IAM must allow,
/// where it runs and whether it destroys something. Every consumer (the simulator's
/// access checks and region rules, the text rendering's grouping, `iam-policy`, the
/// adapters) reads this one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionFacts {
    /// The AWS service (`Action::service` spelling: `iam`, `s3control`, `accessanalyzer`).
    pub service: &'static str,
    /// The IAM actions the call needs; the first is the operation's own, named when access
    /// is denied; the others are what the service does on the caller's behalf
    /// (`iam:PassRole`, creating its service-linked role).
    pub iam_actions: &'static [&'static str],
    /// Account-wide operations (IAM, S3 Control, Account) run once, in `"global"`.
    pub reach: Reach,
    /// Deletes or detaches something.
    pub destructive: bool,
    /// The snapshot parts the planner must have read to plan the action: account-wide
    /// parts wherever the action runs, regional parts in the action's region. The planner
    /// never plans the action when one of them is unreadable there (a property test
    /// checks it).
    pub reads: &'static [Part],
    /// What the operation's own IAM actions can be limited to without knowing the account
    /// id (`iam-policy` scopes them so).
    pub resource: IamResource,
    /// The role the call hands to a service (`iam:PassRole` is among `iam_actions` exactly
    /// when this is set).
    pub passes_role: Option<PassedRole>,
    /// The service principals (`iam:AWSServiceName`) whose service-linked role the call may
    /// create (`iam:CreateServiceLinkedRole` is among `iam_actions` exactly when this is not
    /// empty).
    pub service_linked_roles: &'static [&'static str],
}

/// What an operation's own IAM actions can be limited to in an identity policy written
/// before the account id is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IamResource {
    /// Any resource: the operation acts on resources the customer names (their buckets,
    /// keys, trails, VPCs), or on ones whose ARN only AWS knows before the call.
    Any,
    /// The tool's own CloudTrail → CloudWatch Logs role (`[names] trail_logs_role`): the
    /// only role the planner creates or changes.
    TrailLogsRole,
}

/// A role an operation hands to a service with `iam:PassRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PassedRole {
    /// The tool's CloudTrail → CloudWatch Logs role (`[names] trail_logs_role`), passed to
    /// `cloudtrail.amazonaws.com` (`CloudWatchLogsRoleArn` of `CreateTrail`/`UpdateTrail`).
    TrailLogsRole,
    /// Config's service-linked role `AWSServiceRoleForConfig`, passed to
    /// `config.amazonaws.com` (`roleARN` of `PutConfigurationRecorder`).
    ConfigServiceLinkedRole,
}

impl PassedRole {
    /// The service principal the role is passed to (`iam:PassedToService`).
    pub fn service(self) -> &'static str {
        match self {
            PassedRole::TrailLogsRole => "cloudtrail.amazonaws.com",
            PassedRole::ConfigServiceLinkedRole => "config.amazonaws.com",
        }
    }
}

const SLR: &str = "iam:CreateServiceLinkedRole";

impl ActionKind {
    /// Every kind, in declaration order.
    pub fn all() -> impl Iterator<Item = ActionKind> {
        <ActionKind as strum::IntoEnumIterator>::iter()
    }

    /// The snake_case name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The table: one row per kind.
    pub fn facts(self) -> ActionFacts {
        use ActionKind as K;
        use Reach::{Account, Regional};
        const KEEP: bool = false;
        const DESTROY: bool = true;
        let (service, iam_actions, reach, destructive): (
            &'static str,
            &'static [&'static str],
            Reach,
            bool,
        ) = match self {
            K::EnableSecurityHub => (
                "securityhub",
                &["securityhub:EnableSecurityHub", SLR],
                Regional,
                KEEP,
            ),
            K::UpdateSecurityHubConfiguration => (
                "securityhub",
                &["securityhub:UpdateSecurityHubConfiguration"],
                Regional,
                KEEP,
            ),
            K::BatchEnableStandards => (
                "securityhub",
                &["securityhub:BatchEnableStandards"],
                Regional,
                KEEP,
            ),
            K::BatchUpdateStandardsControlAssociations => (
                "securityhub",
                &["securityhub:BatchUpdateStandardsControlAssociations"],
                Regional,
                KEEP,
            ),
            K::CreateFindingAggregator => (
                "securityhub",
                &["securityhub:CreateFindingAggregator"],
                Regional,
                KEEP,
            ),
            K::CreateDetector => (
                "guardduty",
                &["guardduty:CreateDetector", SLR],
                Regional,
                KEEP,
            ),
            K::UpdateDetector => (
                "guardduty",
                &["guardduty:UpdateDetector", SLR],
                Regional,
                KEEP,
            ),
            K::CreateServiceLinkedRole => ("iam", &[SLR], Account, KEEP),
            K::CreateRole => ("iam", &["iam:CreateRole", "iam:TagRole"], Account, KEEP),
            K::UpdateAssumeRolePolicy => ("iam", &["iam:UpdateAssumeRolePolicy"], Account, KEEP),
            K::PutRolePolicy => ("iam", &["iam:PutRolePolicy"], Account, KEEP),
            K::UpdateAccountPasswordPolicy => {
                ("iam", &["iam:UpdateAccountPasswordPolicy"], Account, KEEP)
            }
            K::PutConfigurationRecorder => (
                "config",
                &["config:PutConfigurationRecorder", "iam:PassRole"],
                Regional,
                KEEP,
            ),
            K::PutDeliveryChannel => ("config", &["config:PutDeliveryChannel"], Regional, KEEP),
            K::StartConfigurationRecorder => (
                "config",
                &["config:StartConfigurationRecorder"],
                Regional,
                KEEP,
            ),
            K::CreateBucket => ("s3", &["s3:CreateBucket", "s3:TagResource"], Regional, KEEP),
            K::PutPublicAccessBlock => ("s3", &["s3:PutBucketPublicAccessBlock"], Regional, KEEP),
            K::PutAccountPublicAccessBlock => (
                "s3control",
                &["s3:PutAccountPublicAccessBlock"],
                Account,
                KEEP,
            ),
            K::PutBucketOwnershipControls => {
                ("s3", &["s3:PutBucketOwnershipControls"], Regional, KEEP)
            }
            K::PutBucketEncryption => ("s3", &["s3:PutEncryptionConfiguration"], Regional, KEEP),
            K::PutBucketVersioning => ("s3", &["s3:PutBucketVersioning"], Regional, KEEP),
            K::PutBucketPolicy => ("s3", &["s3:PutBucketPolicy"], Regional, KEEP),
            K::PutBucketLifecycleConfiguration => {
                ("s3", &["s3:PutLifecycleConfiguration"], Regional, KEEP)
            }
            K::PutBucketLogging => ("s3", &["s3:PutBucketLogging"], Regional, KEEP),
            K::CreateKey => ("kms", &["kms:CreateKey", "kms:TagResource"], Regional, KEEP),
            K::CreateAlias => ("kms", &["kms:CreateAlias"], Regional, KEEP),
            K::PutKeyPolicy => ("kms", &["kms:PutKeyPolicy"], Regional, KEEP),
            K::EnableKeyRotation => ("kms", &["kms:EnableKeyRotation"], Regional, KEEP),
            K::CreateLogGroup => (
                "logs",
                &["logs:CreateLogGroup", "logs:TagResource"],
                Regional,
                KEEP,
            ),
            K::PutRetentionPolicy => ("logs", &["logs:PutRetentionPolicy"], Regional, KEEP),
            K::CreateTrail => (
                "cloudtrail",
                &["cloudtrail:CreateTrail", "iam:PassRole"],
                Regional,
                KEEP,
            ),
            K::UpdateTrail => (
                "cloudtrail",
                &["cloudtrail:UpdateTrail", "iam:PassRole"],
                Regional,
                KEEP,
            ),
            K::PutEventSelectors => (
                "cloudtrail",
                &["cloudtrail:PutEventSelectors"],
                Regional,
                KEEP,
            ),
            K::StartLogging => ("cloudtrail", &["cloudtrail:StartLogging"], Regional, KEEP),
            K::CreateAnalyzer => (
                "accessanalyzer",
                // `GetAnalyzer`: an analyzer of the name already there is success only if
                // it has the planned type.
                &[
                    "access-analyzer:CreateAnalyzer",
                    SLR,
                    "access-analyzer:GetAnalyzer",
                ],
                Regional,
                KEEP,
            ),
            K::CreateArchiveRule => (
                "accessanalyzer",
                &["access-analyzer:CreateArchiveRule"],
                Regional,
                KEEP,
            ),
            K::UpdateArchiveRule => (
                "accessanalyzer",
                &["access-analyzer:UpdateArchiveRule"],
                Regional,
                KEEP,
            ),
            K::EnableEbsEncryptionByDefault => {
                ("ec2", &["ec2:EnableEbsEncryptionByDefault"], Regional, KEEP)
            }
            K::EnableSnapshotBlockPublicAccess => (
                "ec2",
                &["ec2:EnableSnapshotBlockPublicAccess"],
                Regional,
                KEEP,
            ),
            K::ModifyVpcBlockPublicAccessOptions => (
                "ec2",
                &["ec2:ModifyVpcBlockPublicAccessOptions"],
                Regional,
                KEEP,
            ),
            K::DetachInternetGateway => ("ec2", &["ec2:DetachInternetGateway"], Regional, DESTROY),
            K::DeleteInternetGateway => ("ec2", &["ec2:DeleteInternetGateway"], Regional, DESTROY),
            K::DeleteSubnet => ("ec2", &["ec2:DeleteSubnet"], Regional, DESTROY),
            K::DeleteVpc => ("ec2", &["ec2:DeleteVpc"], Regional, DESTROY),
            K::UpdateWorkGroup => ("athena", &["athena:UpdateWorkGroup"], Regional, KEEP),
            K::PutAlternateContact => ("account", &["account:PutAlternateContact"], Account, KEEP),
            K::UpdateServiceSetting => ("ssm", &["ssm:UpdateServiceSetting"], Regional, KEEP),
            K::EnableInspector => ("inspector2", &["inspector2:Enable", SLR], Regional, KEEP),
            K::EnableMacie => ("macie2", &["macie2:EnableMacie", SLR], Regional, KEEP),
            K::UpdateAutomatedDiscoveryConfiguration => (
                "macie2",
                &["macie2:UpdateAutomatedDiscoveryConfiguration"],
                Regional,
                KEEP,
            ),
            K::UpdateClassificationScope => (
                "macie2",
                &[
                    "macie2:UpdateClassificationScope",
                    "macie2:ListClassificationScopes",
                ],
                Regional,
                KEEP,
            ),
        };
        let (resource, passes_role, service_linked_roles) = self.iam_scope();
        ActionFacts {
            service,
            iam_actions,
            reach,
            destructive,
            reads: self.reads(),
            resource,
            passes_role,
            service_linked_roles,
        }
    }

    /// The resource the operation's IAM actions can be limited to, the role it passes and
    /// the service-linked roles it may create (see [`ActionFacts::resource`]).
    fn iam_scope(self) -> (IamResource, Option<PassedRole>, &'static [&'static str]) {
        use ActionKind as K;
        const ANY: (IamResource, Option<PassedRole>, &[&str]) = (IamResource::Any, None, &[]);
        match self {
            // The service principals each service creates its roles for, as AWS's managed
            // policy for the service grants them: AWSSecurityHubFullAccess,
            // AmazonGuardDutyFullAccess (GuardDuty's own and Malware Protection for EC2's,
            // which `EBS_MALWARE_PROTECTION` turns on, also through `update_detector`),
            // IAMAccessAnalyzerFullAccess, AmazonInspector2FullAccess_v2 (the agentless
            // scanning role too), AmazonMacieFullAccess.
            K::EnableSecurityHub => (IamResource::Any, None, &["securityhub.amazonaws.com"]),
            K::CreateDetector | K::UpdateDetector => (
                IamResource::Any,
                None,
                &[
                    "guardduty.amazonaws.com",
                    "malware-protection.guardduty.amazonaws.com",
                ],
            ),
            K::CreateAnalyzer => (IamResource::Any, None, &["access-analyzer.amazonaws.com"]),
            K::EnableInspector => (
                IamResource::Any,
                None,
                &[
                    "inspector2.amazonaws.com",
                    "agentless.inspector2.amazonaws.com",
                ],
            ),
            K::EnableMacie => (IamResource::Any, None, &["macie.amazonaws.com"]),
            // The planner creates only Config's (planner/config.rs).
            K::CreateServiceLinkedRole => (IamResource::Any, None, &["config.amazonaws.com"]),
            // The planner creates and changes no role but the trail's delivery role
            // (planner/trail.rs).
            K::CreateRole | K::UpdateAssumeRolePolicy | K::PutRolePolicy => {
                (IamResource::TrailLogsRole, None, &[])
            }
            K::CreateTrail | K::UpdateTrail => {
                (IamResource::Any, Some(PassedRole::TrailLogsRole), &[])
            }
            K::PutConfigurationRecorder => (
                IamResource::Any,
                Some(PassedRole::ConfigServiceLinkedRole),
                &[],
            ),
            K::UpdateSecurityHubConfiguration
            | K::BatchEnableStandards
            | K::BatchUpdateStandardsControlAssociations
            | K::CreateFindingAggregator
            | K::UpdateAccountPasswordPolicy
            | K::PutDeliveryChannel
            | K::StartConfigurationRecorder
            | K::CreateBucket
            | K::PutPublicAccessBlock
            | K::PutAccountPublicAccessBlock
            | K::PutBucketOwnershipControls
            | K::PutBucketEncryption
            | K::PutBucketVersioning
            | K::PutBucketPolicy
            | K::PutBucketLifecycleConfiguration
            | K::PutBucketLogging
            | K::CreateKey
            | K::CreateAlias
            | K::PutKeyPolicy
            | K::EnableKeyRotation
            | K::CreateLogGroup
            | K::PutRetentionPolicy
            | K::PutEventSelectors
            | K::StartLogging
            | K::CreateArchiveRule
            | K::UpdateArchiveRule
            | K::EnableEbsEncryptionByDefault
            | K::EnableSnapshotBlockPublicAccess
            | K::ModifyVpcBlockPublicAccessOptions
            | K::DetachInternetGateway
            | K::DeleteInternetGateway
            | K::DeleteSubnet
            | K::DeleteVpc
            | K::UpdateWorkGroup
            | K::PutAlternateContact
            | K::UpdateServiceSetting
            | K::UpdateAutomatedDiscoveryConfiguration
            | K::UpdateClassificationScope => ANY,
        }
    }

    /// The parts planning the action depends on (see [`ActionFacts::reads`]).
    fn reads(self) -> &'static [Part] {
        use ActionKind as K;
        use Part as P;
        match self {
            K::EnableSecurityHub
            | K::UpdateSecurityHubConfiguration
            | K::BatchEnableStandards
            | K::BatchUpdateStandardsControlAssociations
            | K::CreateFindingAggregator => &[P::SecurityHub],
            K::CreateDetector | K::UpdateDetector => &[P::Guardduty],
            K::CreateServiceLinkedRole => &[P::Roles],
            // The trail's delivery role (and the trail list of every region).
            K::CreateRole | K::UpdateAssumeRolePolicy | K::PutRolePolicy => &[P::Roles],
            K::UpdateAccountPasswordPolicy => &[P::PasswordPolicy],
            K::PutConfigurationRecorder | K::StartConfigurationRecorder => &[P::Config, P::Roles],
            K::PutDeliveryChannel => &[P::Config, P::Roles, P::Buckets],
            K::CreateBucket
            | K::PutPublicAccessBlock
            | K::PutBucketOwnershipControls
            | K::PutBucketEncryption
            | K::PutBucketVersioning
            | K::PutBucketPolicy
            | K::PutBucketLifecycleConfiguration
            | K::PutBucketLogging => &[P::Buckets],
            K::PutAccountPublicAccessBlock => &[P::AccountPublicAccessBlock, P::Buckets],
            K::CreateKey | K::CreateAlias | K::PutKeyPolicy | K::EnableKeyRotation => {
                &[P::KmsKeys, P::Trails]
            }
            K::CreateLogGroup | K::PutRetentionPolicy => &[P::LogGroups, P::Roles, P::Trails],
            K::CreateTrail => &[P::Trails, P::KmsKeys, P::Buckets],
            K::UpdateTrail | K::PutEventSelectors | K::StartLogging => &[P::Trails],
            K::CreateAnalyzer | K::CreateArchiveRule | K::UpdateArchiveRule => &[P::Analyzers],
            K::EnableEbsEncryptionByDefault => &[P::Ebs],
            K::EnableSnapshotBlockPublicAccess => &[P::SnapshotBlockPublicAccess],
            K::ModifyVpcBlockPublicAccessOptions => &[P::VpcBlockPublicAccess],
            K::DetachInternetGateway
            | K::DeleteInternetGateway
            | K::DeleteSubnet
            | K::DeleteVpc => &[P::Vpcs],
            K::UpdateWorkGroup => &[P::AthenaWorkgroups],
            K::PutAlternateContact => &[P::SecurityContact],
            K::UpdateServiceSetting => &[P::Ssm],
            K::EnableInspector => &[P::Inspector],
            K::EnableMacie | K::UpdateAutomatedDiscoveryConfiguration => &[P::Macie],
            // The log buckets are left out of discovery only once known to be the tool's.
            K::UpdateClassificationScope => &[P::Macie, P::Buckets],
        }
    }

    /// The IAM action of the operation itself (`guardduty:CreateDetector`).
    pub fn iam_action(self) -> &'static str {
        self.facts().iam_actions[0]
    }
}

/// An action as the plan holds it: where it runs, why, and after what.
///
/// Read from a file, `destructive` is recomputed from the action: a saved plan cannot
/// make a destructive action look harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "PlannedActionFile")]
pub struct PlannedAction {
    /// Unique within the plan, stable across runs: `<region>/<action>[/<resource>]`.
    pub id: String,
    #[serde(flatten)]
    pub op: Action,
    /// The region, or `"global"` for account-wide operations.
    pub region: Scope,
    /// FSBP control ids this action helps make pass.
    pub satisfies: Vec<String>,
    /// Ids of actions that must have been applied first.
    pub depends_on: Vec<String>,
    /// Whether the action deletes or detaches something (from [`ActionKind::facts`]).
    pub destructive: bool,
}

/// A planned action as a file holds it, before `destructive` is recomputed.
#[derive(Deserialize)]
struct PlannedActionFile {
    id: String,
    #[serde(flatten)]
    op: Action,
    region: Scope,
    satisfies: Vec<String>,
    depends_on: Vec<String>,
    #[serde(default, rename = "destructive")]
    _destructive_in_file: bool,
}

impl From<PlannedActionFile> for PlannedAction {
    fn from(f: PlannedActionFile) -> PlannedAction {
        PlannedAction {
            destructive: f.op.is_destructive(),
            id: f.id,
            op: f.op,
            region: f.region,
            satisfies: f.satisfies,
            depends_on: f.depends_on,
        }
    }
}

#[cfg(test)]
#[path = "action_tests.rs"]
mod tests;
