//! What each action does to the account's state, as one pure function over the snapshot.
//!
//! It is the project's single model of an operation's effect: the planner uses it to
//! predict the score after the plan, and the simulator applies it once AWS's preconditions
//! (which it checks itself, strictly) hold. Preconditions are not checked here.

mod predict;

pub use predict::{predict, topological};

use crate::action::{Action, DetectorFeature, KeyRef, Outputs};
use crate::catalog::{Catalog, fsbp_standards_arn};
use crate::snapshot::{
    AccountWide, AlternateContact, Analyzer, AwsError, Bucket, ConfigRecorder, ControlAssociation,
    DeliveryChannel, Detector, GLOBAL, IamRole, KeyState, KmsKey, LogGroup, Observed,
    RegionServices, SecurityHub, Snapshot, Trail, VpcBlockPublicAccess,
};

/// Makes the ids AWS would assign (key ids, detector ids).
pub trait IdSource {
    fn next_id(&mut self, kind: &str) -> String;
}

/// Deterministic placeholder ids for predictions: `predicted-key-1`, …
#[derive(Debug, Default)]
pub struct PredictedIds {
    n: u32,
}

impl IdSource for PredictedIds {
    fn next_id(&mut self, kind: &str) -> String {
        self.n += 1;
        format!("predicted-{kind}-{}", self.n)
    }
}

/// The name AWS gives a service-linked role: `config.amazonaws.com` → `AWSServiceRoleForConfig`.
pub fn service_linked_role_name(aws_service_name: &str) -> String {
    let service = aws_service_name
        .split('.')
        .next()
        .unwrap_or(aws_service_name);
    let mut chars = service.chars();
    let capitalised = match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    format!("AWSServiceRoleFor{capitalised}")
}

/// The ARN of a service-linked role.
pub fn service_linked_role_arn(account_id: &str, aws_service_name: &str) -> String {
    format!(
        "arn:aws:iam::{account_id}:role/aws-service-role/{aws_service_name}/{}",
        service_linked_role_name(aws_service_name)
    )
}

/// The state of a bucket that `create_bucket` makes: AWS's defaults for new buckets since
/// 2023 (all four public access block flags, ACLs disabled, SSE-S3 default encryption).
/// The planner predicts with it too.
pub fn new_bucket(name: &str, region: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: region.into(),
        public_access_block: Some(crate::snapshot::PublicAccessBlock::ALL),
        object_ownership: Some("BucketOwnerEnforced".into()),
        encryption: Some("AES256".into()),
        ..Bucket::default()
    }
}

/// The item `matches` picks, or `NotFound` naming it (`what` runs only then).
fn find_mut<T>(
    items: &mut [T],
    matches: impl Fn(&T) -> bool,
    what: impl FnOnce() -> String,
) -> Result<&mut T, AwsError> {
    items
        .iter_mut()
        .find(|item| matches(item))
        .ok_or_else(|| not_found(&what()))
}

fn not_found(what: &str) -> AwsError {
    AwsError::new("NotFound", format!("{what} does not exist"))
}

fn unreadable(what: &str) -> AwsError {
    AwsError::new(
        "UnknownState",
        format!("the state of {what} is unknown (its read failed)"),
    )
}

fn known<'a, T>(o: &'a mut Observed<T>, what: &str) -> Result<&'a mut T, AwsError> {
    o.known_mut().ok_or_else(|| unreadable(what))
}

/// Applies `action`'s effect in `region` (`"global"` for account-wide actions).
///
/// Returns the id of the key a `create_key` created. One arm per action: a new action is a
/// compile error here until its effect is written.
pub fn apply(
    snapshot: &mut Snapshot,
    region: &str,
    action_id: &str,
    action: &Action,
    outputs: &Outputs,
    ids: &mut dyn IdSource,
) -> Result<Option<String>, AwsError> {
    let account_id = snapshot.account_id.clone();
    let account_id = account_id.as_str();
    match action {
        // ---- account-wide ----
        Action::CreateServiceLinkedRole { aws_service_name } => {
            let global = account_wide(snapshot, region, action)?;
            let roles = known(&mut global.roles, "IAM roles")?;
            let name = service_linked_role_name(aws_service_name);
            if !roles.iter().any(|r| r.name == name) {
                roles.push(IamRole {
                    name,
                    path: format!("/aws-service-role/{aws_service_name}/"),
                    arn: service_linked_role_arn(account_id, aws_service_name),
                    trusted_services: [aws_service_name.clone()].into(),
                    inline_policies: Default::default(),
                    assume_role_policy_document: String::new(),
                    tags: Default::default(),
                });
            }
        }
        Action::CreateRole {
            role_name,
            assume_role_policy_document,
            tags,
        } => {
            let global = account_wide(snapshot, region, action)?;
            let roles = known(&mut global.roles, "IAM roles")?;
            roles.push(IamRole {
                name: role_name.clone(),
                path: "/".into(),
                arn: format!("arn:aws:iam::{account_id}:role/{role_name}"),
                trusted_services: trusted_services(assume_role_policy_document),
                inline_policies: Default::default(),
                assume_role_policy_document: assume_role_policy_document.clone(),
                tags: tags.clone(),
            });
        }
        Action::UpdateAssumeRolePolicy {
            role_name,
            policy_document,
        } => {
            let global = account_wide(snapshot, region, action)?;
            let roles = known(&mut global.roles, "IAM roles")?;
            let role = find_mut(
                roles,
                |r| &r.name == role_name,
                || format!("role `{role_name}`"),
            )?;
            role.trusted_services = trusted_services(policy_document);
            role.assume_role_policy_document = policy_document.clone();
        }
        Action::PutRolePolicy {
            role_name,
            policy_name,
            policy_document,
        } => {
            let global = account_wide(snapshot, region, action)?;
            let roles = known(&mut global.roles, "IAM roles")?;
            let role = find_mut(
                roles,
                |r| &r.name == role_name,
                || format!("role `{role_name}`"),
            )?;
            role.inline_policies
                .insert(policy_name.clone(), policy_document.clone());
        }
        Action::UpdateAccountPasswordPolicy(policy) => {
            let global = account_wide(snapshot, region, action)?;
            global.password_policy = Observed::Known(Some(policy.clone()));
        }
        Action::PutAccountPublicAccessBlock { configuration } => {
            let global = account_wide(snapshot, region, action)?;
            global.account_public_access_block = Observed::Known(Some(*configuration));
        }
        Action::PutAlternateContact {
            name,
            title,
            email_address,
            phone_number,
            ..
        } => {
            let global = account_wide(snapshot, region, action)?;
            global.security_contact = Observed::Known(Some(AlternateContact {
                name: name.clone(),
                title: title.clone(),
                email_address: email_address.clone(),
                phone_number: phone_number.clone(),
            }));
        }
        // ---- buckets ----
        Action::CreateBucket { bucket, tags, .. } => {
            let buckets = bucket_list(snapshot, region, action)?;
            if !buckets.iter().any(|b| &b.name == bucket) {
                buckets.push(Bucket {
                    tags: tags.clone(),
                    ..new_bucket(bucket, region)
                });
            }
        }
        Action::PutPublicAccessBlock {
            bucket,
            configuration,
        } => {
            bucket_mut(snapshot, region, action, bucket)?.public_access_block = Some(*configuration)
        }
        Action::PutBucketOwnershipControls {
            bucket,
            object_ownership,
        } => {
            bucket_mut(snapshot, region, action, bucket)?.object_ownership =
                Some(object_ownership.clone())
        }
        Action::PutBucketEncryption {
            bucket,
            sse_algorithm,
            kms_master_key_id,
        } => {
            let b = bucket_mut(snapshot, region, action, bucket)?;
            b.encryption = Some(sse_algorithm.clone());
            b.kms_key_id = kms_master_key_id.clone();
        }
        Action::PutBucketVersioning { bucket, status } => {
            bucket_mut(snapshot, region, action, bucket)?.versioning = Some(*status)
        }
        Action::PutBucketPolicy { bucket, policy } => {
            bucket_mut(snapshot, region, action, bucket)?.policy = Some(policy.clone())
        }
        Action::PutBucketLifecycleConfiguration { bucket, rules } => {
            bucket_mut(snapshot, region, action, bucket)?.lifecycle_rules = rules.clone()
        }
        Action::PutBucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => {
            let b = bucket_mut(snapshot, region, action, bucket)?;
            b.logging_target = Some(target_bucket.clone());
            b.logging_prefix = Some(target_prefix.clone());
        }
        // ---- regional ----
        Action::EnableSecurityHub {
            enable_default_standards,
            control_finding_generator,
        } => {
            let s = regional(snapshot, region, action)?;
            let mut hub = SecurityHub {
                // EnableSecurityHub turns automatic enablement of new controls on.
                auto_enable_controls: true,
                control_finding_generator: control_finding_generator.clone(),
                ..SecurityHub::default()
            };
            if *enable_default_standards {
                subscribe_fsbp(&mut hub, region);
            }
            s.security_hub = Observed::Known(Some(hub));
        }
        Action::UpdateSecurityHubConfiguration {
            auto_enable_controls,
            control_finding_generator,
        } => {
            let s = regional(snapshot, region, action)?;
            let hub = hub_mut(s)?;
            hub.auto_enable_controls = *auto_enable_controls;
            hub.control_finding_generator = control_finding_generator.clone();
        }
        Action::BatchEnableStandards { standards_arn } => {
            let s = regional(snapshot, region, action)?;
            let hub = hub_mut(s)?;
            if standards_arn == &fsbp_standards_arn(region) {
                subscribe_fsbp(hub, region);
            } else {
                hub.standards.insert(standards_arn.clone(), "READY".into());
            }
        }
        Action::BatchUpdateStandardsControlAssociations { updates, .. } => {
            let s = regional(snapshot, region, action)?;
            let hub = hub_mut(s)?;
            for u in updates {
                let enabled = u.association_status == "ENABLED";
                hub.fsbp_controls.insert(
                    u.security_control_id.clone(),
                    ControlAssociation {
                        enabled,
                        disabled_reason: if enabled {
                            None
                        } else {
                            u.updated_reason.clone()
                        },
                    },
                );
            }
        }
        Action::CreateFindingAggregator {
            region_linking_mode,
        } => {
            let s = regional(snapshot, region, action)?;
            hub_mut(s)?.finding_aggregator = Some(region_linking_mode.clone());
        }
        Action::CreateDetector {
            enable,
            finding_publishing_frequency,
            features,
        } => {
            let s = regional(snapshot, region, action)?;
            let mut d = Detector {
                detector_id: ids.next_id("detector"),
                enabled: *enable,
                finding_publishing_frequency: finding_publishing_frequency.clone(),
                features: Default::default(),
            };
            set_features(&mut d, features);
            s.guardduty = Observed::Known(Some(d));
        }
        Action::UpdateDetector {
            detector_id,
            enable,
            finding_publishing_frequency,
            features,
        } => {
            let s = regional(snapshot, region, action)?;
            let d = known(&mut s.guardduty, "the GuardDuty detector")?
                .as_mut()
                .filter(|d| &d.detector_id == detector_id)
                .ok_or_else(|| not_found(&format!("detector `{detector_id}`")))?;
            d.enabled = *enable;
            d.finding_publishing_frequency = finding_publishing_frequency.clone();
            set_features(d, features);
        }
        Action::PutConfigurationRecorder {
            name,
            role_arn,
            all_supported,
            include_global_resource_types,
        } => {
            let s = regional(snapshot, region, action)?;
            let config = known(&mut s.config, "AWS Config")?;
            match config.recorders.iter_mut().find(|r| &r.name == name) {
                Some(r) => {
                    r.role_arn = role_arn.clone();
                    r.all_supported = *all_supported;
                    r.include_global_resource_types = *include_global_resource_types;
                    if *all_supported {
                        r.resource_types.clear();
                    }
                }
                None => config.recorders.push(ConfigRecorder {
                    name: name.clone(),
                    role_arn: role_arn.clone(),
                    all_supported: *all_supported,
                    include_global_resource_types: *include_global_resource_types,
                    resource_types: vec![],
                    recording: false,
                }),
            }
        }
        Action::PutDeliveryChannel {
            name,
            s3_bucket_name,
        } => {
            let s = regional(snapshot, region, action)?;
            let config = known(&mut s.config, "AWS Config")?;
            match config
                .delivery_channels
                .iter_mut()
                .find(|c| &c.name == name)
            {
                Some(c) => c.s3_bucket_name = s3_bucket_name.clone(),
                None => config.delivery_channels.push(DeliveryChannel {
                    name: name.clone(),
                    s3_bucket_name: s3_bucket_name.clone(),
                    s3_key_prefix: None,
                }),
            }
        }
        Action::StartConfigurationRecorder { name } => {
            let s = regional(snapshot, region, action)?;
            let config = known(&mut s.config, "AWS Config")?;
            find_mut(
                &mut config.recorders,
                |r| &r.name == name,
                || format!("configuration recorder `{name}`"),
            )?
            .recording = true;
        }
        Action::CreateKey {
            description: _,
            policy,
            tags,
        } => {
            let s = regional(snapshot, region, action)?;
            let keys = known(&mut s.kms_keys, "KMS keys")?;
            let key_id = ids.next_id("key");
            keys.push(KmsKey {
                arn: format!("arn:aws:kms:{region}:{account_id}:key/{key_id}"),
                key_id: key_id.clone(),
                aliases: vec![],
                key_state: KeyState::Enabled,
                rotation_enabled: false,
                policy: policy.clone(),
                tags: tags.clone(),
            });
            let _ = action_id;
            return Ok(Some(key_id));
        }
        Action::CreateAlias {
            alias_name,
            target_key,
        } => {
            let s = regional(snapshot, region, action)?;
            let id = resolve(outputs, target_key)?;
            let keys = known(&mut s.kms_keys, "KMS keys")?;
            find_key(keys, &id)?.aliases.push(alias_name.clone());
        }
        Action::PutKeyPolicy { key, policy } => {
            let s = regional(snapshot, region, action)?;
            let id = resolve(outputs, key)?;
            let keys = known(&mut s.kms_keys, "KMS keys")?;
            find_key(keys, &id)?.policy = policy.clone();
        }
        Action::EnableKeyRotation { key } => {
            let s = regional(snapshot, region, action)?;
            let id = resolve(outputs, key)?;
            let keys = known(&mut s.kms_keys, "KMS keys")?;
            find_key(keys, &id)?.rotation_enabled = true;
        }
        Action::CreateLogGroup {
            log_group_name,
            tags,
        } => {
            let s = regional(snapshot, region, action)?;
            let groups = known(&mut s.log_groups, "log groups")?;
            groups.push(LogGroup {
                name: log_group_name.clone(),
                retention_in_days: None,
                tags: tags.clone(),
            });
        }
        Action::PutRetentionPolicy {
            log_group_name,
            retention_in_days,
        } => {
            let s = regional(snapshot, region, action)?;
            let groups = known(&mut s.log_groups, "log groups")?;
            find_mut(
                groups,
                |g| &g.name == log_group_name,
                || format!("log group `{log_group_name}`"),
            )?
            .retention_in_days = Some(*retention_in_days);
        }
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
            let s = regional(snapshot, region, action)?;
            let trails = known(&mut s.trails, "trails")?;
            trails.push(Trail {
                name: name.clone(),
                home_region: region.to_string(),
                s3_bucket_name: s3_bucket_name.clone(),
                is_multi_region_trail: *is_multi_region_trail,
                include_global_service_events: *include_global_service_events,
                log_file_validation_enabled: *enable_log_file_validation,
                kms_key_id: Some(kms_key_id.clone()),
                cloud_watch_logs_log_group_arn: cloud_watch_logs_log_group_arn.clone(),
                cloud_watch_logs_role_arn: cloud_watch_logs_role_arn.clone(),
                is_logging: false,
                management_events: Some("All".into()),
                data_events: false,
                insights: false,
            });
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
            let s = regional(snapshot, region, action)?;
            let t = trail_mut(s, name)?;
            t.s3_bucket_name = s3_bucket_name.clone();
            t.is_multi_region_trail = *is_multi_region_trail;
            t.include_global_service_events = *include_global_service_events;
            t.log_file_validation_enabled = *enable_log_file_validation;
            if kms_key_id.is_some() {
                t.kms_key_id = kms_key_id.clone();
            }
            if cloud_watch_logs_log_group_arn.is_some() {
                t.cloud_watch_logs_log_group_arn = cloud_watch_logs_log_group_arn.clone();
                t.cloud_watch_logs_role_arn = cloud_watch_logs_role_arn.clone();
            }
        }
        Action::PutEventSelectors {
            trail_name,
            read_write_type,
            include_management_events,
        } => {
            let s = regional(snapshot, region, action)?;
            let t = trail_mut(s, trail_name)?;
            t.management_events = include_management_events.then(|| read_write_type.clone());
            t.data_events = false;
        }
        Action::StartLogging { name } => {
            let s = regional(snapshot, region, action)?;
            trail_mut(s, name)?.is_logging = true;
        }
        Action::CreateAnalyzer {
            analyzer_name,
            r#type,
        } => {
            let s = regional(snapshot, region, action)?;
            let analyzers = known(&mut s.analyzers, "analyzers")?;
            analyzers.push(Analyzer {
                name: analyzer_name.clone(),
                kind: r#type.clone(),
                status: "ACTIVE".into(),
                archive_rules: Default::default(),
            });
        }
        Action::CreateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        }
        | Action::UpdateArchiveRule {
            analyzer_name,
            rule_name,
            filter,
        } => {
            let s = regional(snapshot, region, action)?;
            let analyzers = known(&mut s.analyzers, "analyzers")?;
            find_mut(
                analyzers,
                |a| &a.name == analyzer_name,
                || format!("analyzer `{analyzer_name}`"),
            )?
            .archive_rules
            .insert(rule_name.clone(), filter.clone());
        }
        Action::EnableEbsEncryptionByDefault {} => {
            let s = regional(snapshot, region, action)?;
            known(&mut s.ebs, "EBS settings")?.encryption_by_default = true
        }
        Action::EnableSnapshotBlockPublicAccess { state } => {
            let s = regional(snapshot, region, action)?;
            known(
                &mut s.snapshot_block_public_access,
                "EBS snapshot block public access",
            )?
            .state = state.clone()
        }
        Action::ModifyVpcBlockPublicAccessOptions {
            internet_gateway_block_mode,
        } => {
            let s = regional(snapshot, region, action)?;
            s.vpc_block_public_access = Observed::Known(VpcBlockPublicAccess {
                internet_gateway_block_mode: *internet_gateway_block_mode,
            })
        }
        Action::DetachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => {
            let s = regional(snapshot, region, action)?;
            let vpcs = known(&mut s.vpcs, "VPCs")?;
            let vpc = find_mut(vpcs, |v| &v.vpc_id == vpc_id, || format!("VPC `{vpc_id}`"))?;
            vpc.internet_gateways.retain(|g| g != internet_gateway_id);
        }
        // A detached gateway is not part of any VPC: the snapshot no longer shows it.
        Action::DeleteInternetGateway { .. } => {
            let _ = regional(snapshot, region, action)?;
        }
        Action::DeleteSubnet { subnet_id } => {
            let s = regional(snapshot, region, action)?;
            let vpcs = known(&mut s.vpcs, "VPCs")?;
            let vpc = find_mut(
                vpcs,
                |v| v.subnets.iter().any(|sn| &sn.subnet_id == subnet_id),
                || format!("subnet `{subnet_id}`"),
            )?;
            vpc.subnets.retain(|sn| &sn.subnet_id != subnet_id);
            for acl in &mut vpc.network_acls {
                acl.associated_subnets.retain(|sn| sn != subnet_id);
            }
        }
        Action::DeleteVpc { vpc_id } => {
            let s = regional(snapshot, region, action)?;
            let vpcs = known(&mut s.vpcs, "VPCs")?;
            if !vpcs.iter().any(|v| &v.vpc_id == vpc_id) {
                return Err(not_found(&format!("VPC `{vpc_id}`")));
            }
            vpcs.retain(|v| &v.vpc_id != vpc_id);
        }
        Action::UpdateWorkGroup {
            work_group,
            publish_cloud_watch_metrics_enabled,
            encryption_option,
        } => {
            let s = regional(snapshot, region, action)?;
            let groups = known(&mut s.athena_workgroups, "Athena workgroups")?;
            let wg = find_mut(
                groups,
                |w| &w.name == work_group,
                || format!("workgroup `{work_group}`"),
            )?;
            wg.publish_cloud_watch_metrics_enabled = *publish_cloud_watch_metrics_enabled;
            if let Some(option) = encryption_option {
                wg.encryption_option = Some(option.clone());
            }
        }
        Action::UpdateServiceSetting {
            setting_id,
            setting_value,
        } => {
            let s = regional(snapshot, region, action)?;
            let ssm = known(&mut s.ssm, "SSM settings")?;
            match setting_id.as_str() {
                SSM_PUBLIC_SHARING => ssm.public_sharing_blocked = setting_value == "Disable",
                SSM_AUTOMATION_LOG => ssm.automation_log_destination = Some(setting_value.clone()),
                other => {
                    return Err(AwsError::new(
                        "ServiceSettingNotFound",
                        format!("no service setting `{other}`"),
                    ));
                }
            }
        }
        Action::EnableInspector { resource_types } => {
            let s = regional(snapshot, region, action)?;
            let i = known(&mut s.inspector, "Inspector")?;
            // What the planner predicts: each type scanning. AWS gets there through
            // `ENABLING`, which the simulator plays and the engine waits out.
            for t in resource_types {
                i.set_scans(t, true);
                i.resource_states.remove(t);
            }
        }
        Action::EnableMacie { .. } => {
            let s = regional(snapshot, region, action)?;
            known(&mut s.macie, "Macie")?.enabled = true;
        }
        Action::UpdateAutomatedDiscoveryConfiguration { status } => {
            let s = regional(snapshot, region, action)?;
            known(&mut s.macie, "Macie")?.automated_discovery = status == "ENABLED"
        }
        Action::UpdateClassificationScope {
            exclude_bucket_names,
        } => {
            let s = regional(snapshot, region, action)?;
            let m = known(&mut s.macie, "Macie")?;
            m.excluded_buckets
                .extend(exclude_bucket_names.iter().cloned());
            m.excluded_buckets.sort();
            m.excluded_buckets.dedup();
        }
    }
    Ok(None)
}

/// The account-wide state, for an action that must run in `"global"`.
fn account_wide<'s>(
    snapshot: &'s mut Snapshot,
    region: &str,
    action: &Action,
) -> Result<&'s mut AccountWide, AwsError> {
    if region == GLOBAL {
        Ok(&mut snapshot.global)
    } else {
        Err(AwsError::new(
            "InvalidAction",
            format!(
                "`{}` is an account-wide action, not a regional one",
                action.name()
            ),
        ))
    }
}

/// The services of `region`, for a regional action.
fn regional<'s>(
    snapshot: &'s mut Snapshot,
    region: &str,
    action: &Action,
) -> Result<&'s mut RegionServices, AwsError> {
    if region == GLOBAL {
        return Err(not_account_wide(action));
    }
    Ok(&mut snapshot
        .regions
        .get_mut(region)
        .ok_or_else(|| {
            AwsError::new(
                "UnrecognizedClientException",
                format!("unknown region `{region}`"),
            )
        })?
        .services)
}

fn not_account_wide(action: &Action) -> AwsError {
    AwsError::new(
        "InvalidAction",
        format!("`{}` is not an account-wide action", action.name()),
    )
}

/// The account's buckets, for a bucket action (buckets are account-wide state with a
/// region; their operations run in a region).
fn bucket_list<'s>(
    snapshot: &'s mut Snapshot,
    region: &str,
    action: &Action,
) -> Result<&'s mut Vec<Bucket>, AwsError> {
    if region == GLOBAL {
        return Err(not_account_wide(action));
    }
    known(&mut snapshot.global.buckets, "S3 buckets")
}

/// The bucket `name`, for an action that changes it.
fn bucket_mut<'s>(
    snapshot: &'s mut Snapshot,
    region: &str,
    action: &Action,
    name: &str,
) -> Result<&'s mut Bucket, AwsError> {
    find_mut(
        bucket_list(snapshot, region, action)?,
        |b| b.name == name,
        || format!("bucket `{name}`"),
    )
}

fn resolve(outputs: &Outputs, key: &KeyRef) -> Result<String, AwsError> {
    outputs
        .resolve(key)
        .ok_or_else(|| AwsError::new("NotFoundException", format!("key {key:?} was not created")))
}

fn find_key<'a>(keys: &'a mut [KmsKey], id: &str) -> Result<&'a mut KmsKey, AwsError> {
    keys.iter_mut()
        .find(|k| k.key_id == id || k.arn == id || k.aliases.iter().any(|a| a == id))
        .ok_or_else(|| AwsError::new("NotFoundException", format!("key `{id}` does not exist")))
}

fn set_features(detector: &mut Detector, features: &[DetectorFeature]) {
    for f in features {
        detector
            .features
            .insert(f.name.clone(), f.status == "ENABLED");
        for (name, status) in &f.additional_configuration {
            detector
                .features
                .insert(format!("{}/{}", f.name, name), status == "ENABLED");
        }
    }
}

/// The SSM service setting that blocks public sharing of documents (SSM.7).
pub const SSM_PUBLIC_SHARING: &str = "/ssm/documents/console/public-sharing-permission";
/// The SSM service setting for the automation log destination (SSM.6).
pub const SSM_AUTOMATION_LOG: &str = "/ssm/automation/customer-script-log-destination";

fn hub_mut(s: &mut RegionServices) -> Result<&mut SecurityHub, AwsError> {
    known(&mut s.security_hub, "Security Hub")?
        .as_mut()
        .ok_or_else(|| AwsError::new("InvalidAccessException", "Security Hub is not enabled"))
}

fn trail_mut<'a>(s: &'a mut RegionServices, name: &str) -> Result<&'a mut Trail, AwsError> {
    known(&mut s.trails, "trails")?
        .iter_mut()
        .find(|t| t.name == name)
        .ok_or_else(|| {
            AwsError::new(
                "TrailNotFoundException",
                format!("trail `{name}` not found"),
            )
        })
}

/// Subscribing FSBP enables every control of the standard (those of the catalog).
fn subscribe_fsbp(hub: &mut SecurityHub, region: &str) {
    use std::collections::BTreeMap;
    use std::sync::OnceLock;
    // Built once: every region subscribing starts from the same associations.
    static ALL_ENABLED: OnceLock<BTreeMap<String, ControlAssociation>> = OnceLock::new();
    let all = ALL_ENABLED.get_or_init(|| {
        Catalog::builtin()
            .active()
            .map(|c| {
                (
                    c.id.clone(),
                    ControlAssociation {
                        enabled: true,
                        disabled_reason: None,
                    },
                )
            })
            .collect()
    });
    hub.standards
        .insert(fsbp_standards_arn(region), "READY".into());
    // Only the controls the region offers (core/data/regional-availability.json).
    let catalog = Catalog::builtin();
    let offered = |id: &str| catalog.get(id).is_none_or(|c| c.offered_in(region));
    if hub.fsbp_controls.is_empty() && catalog.controls.iter().all(|c| c.offered_in(region)) {
        hub.fsbp_controls = all.clone();
    } else {
        for (id, association) in all {
            if offered(id) {
                hub.fsbp_controls
                    .entry(id.clone())
                    .or_insert_with(|| association.clone());
            }
        }
    }
}

/// Service principals an assume-role policy trusts.
pub fn trusted_services(policy: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(policy) {
        for st in crate::policy::statements(&v) {
            if let Some(svc) = st.get("Principal").and_then(|p| p.get("Service")) {
                for s in crate::policy::strings(Some(svc)) {
                    out.insert(s.to_string());
                }
            }
        }
    }
    out
}
