//! CloudTrail: the trail, its KMS key, its log group and delivery role.

use crate::action::{cloudtrail, iam, kms, logs};
use crate::part::Part;
use crate::plan::SkipReason;
use serde_json::{Value, json};

use crate::action::KeyRef;
use crate::policy;
use crate::snapshot::{GLOBAL, IamRole, KeyState, KmsKey, LogGroup, Observed, Snapshot, Trail};

use super::{KEY_PURPOSE_TAG, MANAGED_TAG, Planner, TRAIL_LOGS_POLICY};

/// The tags the tool puts on what it creates.
fn managed_tags() -> std::collections::BTreeMap<String, String> {
    [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into()
}

/// The resource carries the tool's tag.
fn managed(tags: &std::collections::BTreeMap<String, String>) -> bool {
    tags.get(MANAGED_TAG.0).map(String::as_str) == Some(MANAGED_TAG.1)
}

/// What the trail section decided, for the key and bucket sections that serve it.
struct TrailTarget {
    region: String,
    name: String,
    /// The trail exists already (adopted).
    existing: Option<Trail>,
}

impl<'a> Planner<'a> {
    // ---- CloudTrail, its key and its log group ----

    pub(super) fn trail(&mut self, buckets_ready: bool) {
        // Every region's trail list must be known: a trail anywhere could be the one to adopt.
        let mut all: Vec<Trail> = vec![];
        for r in self.regions.clone() {
            match &self.s.regions[&r].services.trails {
                Observed::Unreadable { read_error } => {
                    let e = read_error.clone();
                    self.read_failed(&r, Part::Trails, &e);
                    return;
                }
                Observed::Known(ts) => all.extend(ts.iter().cloned()),
            }
        }
        all.sort_by(|a, b| (&a.home_region, &a.name).cmp(&(&b.home_region, &b.name)));
        let wanted = self.b.names.trail.clone();
        // Adopt rather than add: a second trail bills every management event again.
        let adopted = all
            .iter()
            .find(|t| t.name == wanted)
            .or_else(|| all.iter().find(|t| t.is_multi_region_trail))
            .or_else(|| all.first())
            .cloned();
        let target = match &adopted {
            Some(t) => TrailTarget {
                region: t.home_region.clone(),
                name: t.name.clone(),
                existing: Some(t.clone()),
            },
            None => TrailTarget {
                region: self.home.clone(),
                name: wanted,
                existing: None,
            },
        };
        if !self.regions.contains(&target.region) {
            return self.skip(
                &format!("{}/trail/{}", target.region, target.name),
                &target.region.clone(),
                SkipReason::TrailRegionNotCovered,
                format!(
                    "trail `{}` lives in `{}`, which the baseline does not cover",
                    target.name, target.region
                ),
            );
        }
        // CloudTrail wants the key in the region of the trail's bucket, whatever the
        // trail's own region (`KmsKeyNotFoundException`: "the S3 bucket and the KMS key are
        // not in the same Region").
        let key_region = match target
            .existing
            .as_ref()
            .and_then(|t| t.kms_key_id.as_deref())
        {
            // A trail that encrypts keeps its key, where it is.
            Some(id) => Some(key_id_region(id).unwrap_or(&target.region).to_string()),
            None => self.trail_bucket_region(&target),
        };
        let key = key_region
            .as_deref()
            .filter(|r| self.regions.contains(*r))
            .and_then(|key_region| self.trail_key(&target, key_region));
        let logs = if self.b.features.cloudwatch_logs {
            self.trail_log_group(&target)
        } else {
            None
        };
        let alias_arn = format!(
            "arn:aws:kms:{}:{}:{}",
            key_region.as_deref().unwrap_or(&target.region),
            self.account,
            self.b.names.kms_alias
        );
        let log_bucket = self.fill(&self.b.names.log_bucket);
        let region = target.region.clone();
        let mut deps: Vec<String> = self.log_bucket_deps.clone();
        let key_deps = key.clone().unwrap_or_default();
        deps.extend(key_deps);
        let (lg_arn, role_arn, log_deps) = match &logs {
            Some((a, r, d)) => (Some(a.clone()), Some(r.clone()), d.clone()),
            None => (None, None, vec![]),
        };
        deps.extend(log_deps);
        let trail_id = match &target.existing {
            None => {
                if !buckets_ready {
                    return self.skip(
                        &format!("{region}/create_trail/{}", target.name),
                        &region,
                        SkipReason::LogBucketUnavailable,
                        "the log bucket cannot be planned, so the trail is not created".into(),
                    );
                }
                if key.is_none() {
                    return self.skip(
                        &format!("{region}/create_trail/{}", target.name),
                        &region,
                        SkipReason::TrailKeyUnavailable,
                        "the trail's KMS key cannot be planned, so the trail is not created".into(),
                    );
                }
                self.push(
                    &region,
                    Some(&target.name),
                    cloudtrail::CreateTrail {
                        name: target.name.clone(),
                        s3_bucket_name: log_bucket,
                        is_multi_region_trail: true,
                        include_global_service_events: true,
                        enable_log_file_validation: true,
                        kms_key_id: alias_arn,
                        cloud_watch_logs_log_group_arn: lg_arn,
                        cloud_watch_logs_role_arn: role_arn,
                    },
                    deps,
                )
            }
            Some(t) => {
                let needs_key = t.kms_key_id.is_none();
                let needs_logs = logs.is_some() && t.cloud_watch_logs_log_group_arn.is_none();
                let differs = !t.is_multi_region_trail
                    || !t.include_global_service_events
                    || !t.log_file_validation_enabled
                    || (needs_key && key.is_some())
                    || needs_logs;
                if differs {
                    self.push(
                        &region,
                        Some(&t.name),
                        cloudtrail::UpdateTrail {
                            name: t.name.clone(),
                            // The customer's bucket is kept: their log pipeline reads it.
                            s3_bucket_name: t.s3_bucket_name.clone(),
                            is_multi_region_trail: true,
                            include_global_service_events: true,
                            enable_log_file_validation: true,
                            // The customer's key is kept; ours only when the trail has none.
                            kms_key_id: (needs_key && key.is_some()).then_some(alias_arn),
                            cloud_watch_logs_log_group_arn: if needs_logs { lg_arn } else { None },
                            cloud_watch_logs_role_arn: if needs_logs { role_arn } else { None },
                        },
                        deps,
                    )
                } else {
                    None
                }
            }
        };
        if let Some(t) = &target.existing
            && t.management_events.as_deref() != Some("All")
        {
            if t.data_events {
                self.skip(
                    &format!("{region}/put_event_selectors/{}", t.name),
                    &region,
                    SkipReason::TrailHasDataEvents,
                    format!(
                        "trail `{}` records data events; replacing its event selectors to \
                             record all management events would drop them: add read+write \
                             management events to its selectors by hand",
                        t.name
                    ),
                );
            } else {
                self.push(
                    &region,
                    Some(&t.name),
                    cloudtrail::PutEventSelectors {
                        trail_name: t.name.clone(),
                        read_write_type: "All".into(),
                        include_management_events: true,
                    },
                    trail_id.iter().cloned().collect(),
                );
            }
        }
        if !target.existing.as_ref().is_some_and(|t| t.is_logging) {
            self.push(
                &region,
                Some(&target.name),
                cloudtrail::StartLogging {
                    name: target.name.clone(),
                },
                trail_id.iter().cloned().collect(),
            );
        }
    }

    /// The key statements: the account root administers the key; CloudTrail may encrypt
    /// only for this account's trails (`kms:EncryptionContext:aws:cloudtrail:arn`).
    fn key_statements(&self, region: &str, trail_name: &str) -> Vec<Value> {
        vec![
            json!({
                "Sid": "SecureAccountRootAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{}:root", self.account)},
                "Action": "kms:*",
                "Resource": "*"
            }),
            json!({
                "Sid": "SecureAccountCloudTrailEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceArn": self.trail_arn(region, trail_name)},
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:aws:cloudtrail:*:{}:trail/*", self.account)}
                }
            }),
            json!({
                "Sid": "SecureAccountCloudTrailDescribeKey",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:DescribeKey",
                "Resource": "*"
            }),
        ]
    }

    /// The region of the trail's bucket, where its key goes: the log bucket's (where it is,
    /// or where the plan creates it) for a new trail or one that delivers there, the
    /// snapshot's for an adopted trail's own bucket. `None`, after a skipped entry, when
    /// it is not known or not a region the plan covers.
    fn trail_bucket_region(&mut self, target: &TrailTarget) -> Option<String> {
        let log_bucket = self.fill(&self.b.names.log_bucket);
        let bucket = target
            .existing
            .as_ref()
            .map_or(log_bucket.clone(), |t| t.s3_bucket_name.clone());
        let region = self
            .s
            .bucket(&bucket)
            .map(|b| b.region.clone())
            .or_else(|| {
                (bucket == log_bucket)
                    .then(|| self.log_bucket_region.clone())
                    .flatten()
            });
        let skip_id = format!("{}/kms_key/{}", target.region, self.b.names.kms_alias);
        match region {
            Some(r) if self.regions.contains(&r) => Some(r),
            Some(r) => {
                self.skip(
                    &skip_id,
                    &target.region.clone(),
                    SkipReason::TrailKeyUnavailable,
                    format!(
                        "the trail's bucket `{bucket}` is in `{r}`, which the baseline does not \
                         cover: its KMS key must live there, so none is planned"
                    ),
                );
                None
            }
            None => {
                self.skip(
                    &skip_id,
                    &target.region.clone(),
                    SkipReason::TrailKeyUnavailable,
                    format!(
                        "the region of the trail's bucket `{bucket}` is not known (not one of \
                         the account's buckets, or the bucket list could not be read): its \
                         KMS key must live there, so none is planned"
                    ),
                );
                None
            }
        }
    }

    /// Plans the trail key in `region` (the region of the trail's bucket); returns the
    /// actions the trail waits for, or `None` when the key cannot be planned.
    fn trail_key(&mut self, target: &TrailTarget, region: &str) -> Option<Vec<String>> {
        let region = region.to_string();
        let snapshot: &'a Snapshot = self.s;
        let k = self.seen(
            &region,
            Part::KmsKeys,
            &snapshot.regions[&region].services.kms_keys,
        )?;
        let keys: Vec<KmsKey> = k.clone();
        let alias = self.b.names.kms_alias.clone();
        // The trail's own region names the trail, wherever its key lives.
        let statements = self.key_statements(&target.region, &target.name);
        // A trail that already encrypts keeps its key. When that key is the tool's (a run
        // interrupted after the trail, a rotation call that was denied), its policy and
        // rotation are converged all the same; the customer's own key is left alone.
        if let Some(id) = target.existing.as_ref().and_then(|t| t.kms_key_id.clone()) {
            let ours = keys.iter().find(|k| {
                key_named_by(k, &id)
                    && k.readable()
                    && k.key_state == KeyState::Enabled
                    && k.tags.get(KEY_PURPOSE_TAG.0).map(String::as_str) == Some(KEY_PURPOSE_TAG.1)
            });
            if let Some(k) = ours.cloned() {
                let key_ref = KeyRef::Existing(k.key_id.clone());
                self.converge_key(&region, &k, &key_ref, &statements, &mut vec![]);
            }
            return Some(vec![]);
        }
        let by_alias = keys.iter().find(|k| k.aliases.contains(&alias));
        // A key a run created before it could name it (its answer lost, or the run
        // interrupted): found by the tag `CreateKey` gave it, and adopted, not made again.
        let orphan = keys.iter().find(|k| {
            k.readable()
                && k.key_state == KeyState::Enabled
                && k.tags.get(KEY_PURPOSE_TAG.0).map(String::as_str) == Some(KEY_PURPOSE_TAG.1)
        });
        let mut deps = vec![];
        let key_ref;
        if let Some(k) = by_alias
            && let Some(e) = &k.read_error
        {
            self.skip(
                &format!("{region}/kms_key/{alias}"),
                &region,
                SkipReason::ReadFailed,
                format!(
                    "key `{}` behind `{alias}` could not be read ({}: {}): nothing is planned \
                     on it",
                    k.key_id, e.code, e.message
                ),
            );
            return None;
        }
        if let Some(k) = by_alias
            && k.tags.get(KEY_PURPOSE_TAG.0).map(String::as_str) != Some(KEY_PURPOSE_TAG.1)
        {
            self.skip(
                &format!("{region}/kms_key/{alias}"),
                &region,
                SkipReason::NameTaken,
                format!(
                    "key `{}` behind `{alias}` is not the tool's (no `{}` tag): its policy and \
                     rotation are left alone; choose another alias with `kms_alias` under \
                     `[names]` in the baseline",
                    k.key_id, KEY_PURPOSE_TAG.0
                ),
            );
            return None;
        }
        match (by_alias, orphan) {
            (Some(k), _) => {
                if k.key_state != KeyState::Enabled {
                    self.skip(
                        &format!("{region}/kms_key/{alias}"),
                        &region,
                        SkipReason::KeyNotEnabled,
                        format!(
                            "key `{}` behind `{alias}` is {}: cancel its deletion or enable it \
                             (kms:CancelKeyDeletion, kms:EnableKey) and apply again",
                            k.key_id, k.key_state
                        ),
                    );
                    return None;
                }
                key_ref = KeyRef::Existing(k.key_id.clone());
                let k = k.clone();
                self.converge_key(&region, &k, &key_ref, &statements, &mut deps)?;
            }
            (None, Some(k)) => {
                key_ref = KeyRef::Existing(k.key_id.clone());
                let k = k.clone();
                if let Some(id) = self.push(
                    &region,
                    Some(&alias),
                    kms::CreateAlias {
                        alias_name: alias.clone(),
                        target_key: key_ref.clone(),
                    },
                    vec![],
                ) {
                    deps.push(id);
                }
                self.converge_key(&region, &k, &key_ref, &statements, &mut deps)?;
            }
            (None, None) => {
                let policy = policy::to_text(
                    &json!({"Version": "2012-10-17", "Id": "secure-account-trail-key", "Statement": statements}),
                );
                let create = self.push(
                    &region,
                    Some(&alias),
                    kms::CreateKey {
                        description: "CloudTrail log encryption (secure-account)".into(),
                        policy,
                        tags: [(KEY_PURPOSE_TAG.0.to_string(), KEY_PURPOSE_TAG.1.to_string())]
                            .into(),
                    },
                    vec![],
                )?;
                key_ref = KeyRef::CreatedBy(create.clone());
                deps.push(create.clone());
                if let Some(id) = self.push(
                    &region,
                    Some(&alias),
                    kms::CreateAlias {
                        alias_name: alias.clone(),
                        target_key: key_ref.clone(),
                    },
                    vec![create.clone()],
                ) {
                    deps.push(id);
                }
                self.push(
                    &region,
                    Some(&alias),
                    kms::EnableKeyRotation {
                        key: key_ref.clone(),
                    },
                    vec![create],
                );
            }
        }
        Some(deps)
    }

    fn converge_key(
        &mut self,
        region: &str,
        k: &KmsKey,
        key_ref: &KeyRef,
        statements: &[Value],
        deps: &mut Vec<String>,
    ) -> Option<()> {
        let alias = self.b.names.kms_alias.clone();
        if !policy::contains_all(Some(&k.policy), statements) {
            match policy::merge(Some(&k.policy), statements) {
                Ok((merged, _)) => {
                    if let Some(id) = self.push(
                        region,
                        Some(&alias),
                        kms::PutKeyPolicy {
                            key: key_ref.clone(),
                            policy: merged,
                        },
                        vec![],
                    ) {
                        deps.push(id);
                    }
                }
                Err(e) => {
                    self.skip(
                        &format!("{region}/put_key_policy/{alias}"),
                        region,
                        SkipReason::PolicyUnreadable,
                        format!("the policy of key `{}` could not be merged ({e})", k.key_id),
                    );
                    return None;
                }
            }
        }
        if !k.rotation_enabled {
            self.push(
                region,
                Some(&alias),
                kms::EnableKeyRotation {
                    key: key_ref.clone(),
                },
                vec![],
            );
        }
        Some(())
    }

    /// Plans the log group and the delivery role; returns the group ARN, the role ARN and
    /// the actions the trail waits for, when the trail is to be sent to CloudWatch Logs.
    ///
    /// A trail that delivers there already keeps its group and role; when they are the
    /// tool's, they are converged all the same (retention, trust, the delivery policy):
    /// every setting is compared with the account on every plan, however the group came to
    /// exist (a run interrupted after creating it, a retention call that was denied).
    fn trail_log_group(&mut self, target: &TrailTarget) -> Option<(String, String, Vec<String>)> {
        let region = target.region.clone();
        let name = self.fill(&self.b.names.trail_log_group);
        let role = self.fill(&self.b.names.trail_logs_role);
        let group_arn = format!("arn:aws:logs:{region}:{}:log-group:{name}:*", self.account);
        let role_arn = format!("arn:aws:iam::{}:role/{role}", self.account);
        let delivering = target
            .existing
            .as_ref()
            .and_then(|t| t.cloud_watch_logs_log_group_arn.clone());
        if let Some(arn) = &delivering
            && log_group_name(arn) != Some(name.as_str())
        {
            // The customer's group: theirs to keep as it is.
            return None;
        }
        let trail_role_is_ours = target
            .existing
            .as_ref()
            .and_then(|t| t.cloud_watch_logs_role_arn.as_deref())
            .is_some_and(|arn| arn == role_arn);
        let snapshot: &'a Snapshot = self.s;
        let g = self.seen(
            &region,
            Part::LogGroups,
            &snapshot.regions[&region].services.log_groups,
        )?;
        let groups = g.clone();
        let snapshot: &'a Snapshot = self.s;
        let r = self.seen(GLOBAL, Part::Roles, &snapshot.global.roles)?;
        let roles = r.clone();
        let existing_group = groups.iter().find(|g| g.name == name);
        let existing_role = roles.iter().find(|r| r.name == role);
        if delivering.is_some() {
            // Converge what is the tool's, quietly leave the rest.
            if existing_group.is_some_and(|g| managed(&g.tags)) {
                self.log_retention(&region, &name, existing_group, None);
            }
            if trail_role_is_ours && existing_role.is_some_and(|r| managed(&r.tags)) {
                self.delivery_role(&region, &name, &role, existing_role);
            }
            return None;
        }
        // A group or role under our name that we did not create (no tag) is the
        // customer's: a retention policy on their group would delete their events, and
        // their role may trust anyone.
        let mut taken = false;
        if existing_group.is_some_and(|g| !managed(&g.tags)) {
            taken = true;
            self.skip(
                &format!("{region}/log_group/{name}"),
                &region,
                SkipReason::NameTaken,
                format!(
                    "log group `{name}` exists but is not the tool's (no `{}` tag): the trail \
                     is not sent to CloudWatch Logs; choose another name with \
                     `trail_log_group` under `[names]` in the baseline",
                    MANAGED_TAG.0
                ),
            );
        }
        if existing_role.is_some_and(|r| !managed(&r.tags)) {
            taken = true;
            self.skip(
                &format!("{GLOBAL}/role/{role}"),
                GLOBAL,
                SkipReason::NameTaken,
                format!(
                    "role `{role}` exists but is not the tool's (no `{}` tag): it is not \
                     adopted and the trail is not sent to CloudWatch Logs; choose another \
                     name with `trail_logs_role` under `[names]` in the baseline",
                    MANAGED_TAG.0
                ),
            );
        }
        if taken {
            return None;
        }
        let mut deps = vec![];
        let created = match existing_group {
            None => self.push(
                &region,
                Some(&name),
                logs::CreateLogGroup {
                    log_group_name: name.clone(),
                    tags: managed_tags(),
                },
                vec![],
            ),
            Some(_) => None,
        };
        if existing_group.is_none() && created.is_none() {
            return None;
        }
        deps.extend(created.clone());
        self.log_retention(&region, &name, existing_group, created);
        deps.extend(self.delivery_role(&region, &name, &role, existing_role));
        Some((group_arn, role_arn, deps))
    }

    /// The group's retention, when it has none (a finite retention already set is kept).
    fn log_retention(
        &mut self,
        region: &str,
        name: &str,
        existing: Option<&LogGroup>,
        created: Option<String>,
    ) {
        if existing.is_none_or(|g| g.retention_in_days.is_none()) {
            self.push(
                region,
                Some(name),
                logs::PutRetentionPolicy {
                    log_group_name: name.to_string(),
                    retention_in_days: self.b.log_retention_days,
                },
                created.into_iter().collect(),
            );
        }
    }

    /// The CloudTrail → CloudWatch Logs role: created, or its trust and delivery policy
    /// converged. Returns the actions the trail waits for.
    fn delivery_role(
        &mut self,
        region: &str,
        group: &str,
        role: &str,
        existing_role: Option<&IamRole>,
    ) -> Vec<String> {
        let mut deps = vec![];
        let policy_doc = policy::to_text(&json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "CloudTrailDeliversToLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": format!("arn:aws:logs:{region}:{}:log-group:{group}:log-stream:*", self.account)
            }]
        }));
        // The trust policy the CloudTrail user guide documents for this role ("Sending
        // events to CloudWatch Logs"): the service principal, no condition. No source shows
        // CloudTrail presenting aws:SourceAccount or aws:SourceArn when it assumes the role,
        // and a condition it does not satisfy would make every CreateTrail fail
        // (shared/research/aws-behaviour.md).
        let trust = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        });
        let mut role_deps = vec![];
        match existing_role {
            None => {
                if let Some(id) = self.push(
                    GLOBAL,
                    Some(role),
                    iam::CreateRole {
                        role_name: role.to_string(),
                        assume_role_policy_document: policy::to_text(&trust),
                        tags: managed_tags(),
                    },
                    vec![],
                ) {
                    role_deps.push(id.clone());
                    deps.push(id);
                }
            }
            // Our role whose trust is not ours (edited by hand, or an older version's):
            // the whole trust policy is converged.
            Some(r) if policy::parse(&r.assume_role_policy_document).as_ref() != Some(&trust) => {
                if let Some(id) = self.push(
                    GLOBAL,
                    Some(role),
                    iam::UpdateAssumeRolePolicy {
                        role_name: role.to_string(),
                        policy_document: policy::to_text(&trust),
                    },
                    vec![],
                ) {
                    deps.push(id);
                }
            }
            Some(_) => {}
        }
        if existing_role.and_then(|r| r.inline_policies.get(TRAIL_LOGS_POLICY)) != Some(&policy_doc)
            && let Some(id) = self.push(
                GLOBAL,
                Some(role),
                iam::PutRolePolicy {
                    role_name: role.to_string(),
                    policy_name: TRAIL_LOGS_POLICY.into(),
                    policy_document: policy_doc,
                },
                role_deps,
            )
        {
            deps.push(id);
        }
        deps
    }

    fn trail_arn(&self, region: &str, name: &str) -> String {
        format!("arn:aws:cloudtrail:{region}:{}:trail/{name}", self.account)
    }
}

/// The group name of a log group ARN (`arn:aws:logs:<region>:<account>:log-group:<name>:*`).
fn log_group_name(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":log-group:")?.1;
    Some(rest.strip_suffix(":*").unwrap_or(rest))
}

/// The region of a key or alias ARN (`arn:aws:kms:<region>:…`); `None` for a key id or an
/// alias name, which name a key of the trail's region.
fn key_id_region(id: &str) -> Option<&str> {
    id.strip_prefix("arn:aws:kms:")?.split(':').next()
}

/// Whether `id` (what a trail's `KmsKeyId` holds: a key ARN, a key id, an alias ARN or an
/// alias name) names key `k`.
fn key_named_by(k: &KmsKey, id: &str) -> bool {
    if k.arn == id || k.key_id == id {
        return true;
    }
    let alias = match id.split_once(":alias/") {
        Some((_, name)) => format!("alias/{name}"),
        None => id.to_string(),
    };
    k.aliases.contains(&alias)
}
