//! The planner: `plan(&Snapshot, &Baseline) -> Plan`, a plain function, value in, value out.
//!
//! It adopts and converges what exists, never weakens a stronger setting, deletes a default
//! VPC only when the snapshot shows it empty, and never acts on what it could not read
//! (SPEC §3). Odd input becomes `skipped` entries, never a panic.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::action::{Action, ControlAssociationUpdate, DetectorFeature, KeyRef, PlannedAction};
use crate::baseline::{Baseline, Names};
use crate::catalog::{Catalog, ControlStatus, fsbp_standards_arn};
use crate::effects::{self, SSM_AUTOMATION_LOG, SSM_PUBLIC_SHARING, service_linked_role_arn};
use crate::evaluate::{Scope, score};
use crate::manual;
use crate::plan::{PLAN_FORMAT_VERSION, Plan, Skipped};
use crate::policy;
use crate::snapshot::{
    Bucket, GLOBAL, KmsKey, Observed, PasswordPolicy, PublicAccessBlock, RegionServices,
    SecurityHub, Snapshot, Trail, Vpc,
};

/// The tag that marks the trail key as the tool's, so a key created before a crash (and
/// before its alias) is adopted rather than created again.
pub const KEY_PURPOSE_TAG: (&str, &str) = ("secure-account:purpose", "cloudtrail");
/// The id of the log bucket's lifecycle rule.
pub const LIFECYCLE_RULE_ID: &str = "secure-account-expire-logs";
/// The inline policy of the CloudTrail → CloudWatch Logs role.
pub const TRAIL_LOGS_POLICY: &str = "cloudtrail-to-cloudwatch-logs";
const GUARDDUTY_FREQUENCY: &str = "FIFTEEN_MINUTES";
const SECURITY_CONTROL: &str = "SECURITY_CONTROL";

/// GuardDuty detector features (as `Detector.features` keys) and the controls that need
/// them. A feature is enabled only when one of its controls is enabled in the baseline.
pub const GUARDDUTY_FEATURES: &[(&str, &[&str])] = &[
    ("S3_DATA_EVENTS", &["GuardDuty.10"]),
    ("EKS_AUDIT_LOGS", &["GuardDuty.5"]),
    ("EBS_MALWARE_PROTECTION", &["GuardDuty.8"]),
    ("RDS_LOGIN_EVENTS", &["GuardDuty.9"]),
    ("LAMBDA_NETWORK_LOGS", &["GuardDuty.6"]),
    (
        "RUNTIME_MONITORING",
        &[
            "GuardDuty.7",
            "GuardDuty.11",
            "GuardDuty.12",
            "GuardDuty.13",
        ],
    ),
    ("RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT", &["GuardDuty.7"]),
    (
        "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT",
        &["GuardDuty.12"],
    ),
    ("RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT", &["GuardDuty.13"]),
];

/// Inspector resource types and the controls that need them.
const INSPECTOR_TYPES: &[(&str, &str)] = &[
    ("EC2", "Inspector.1"),
    ("ECR", "Inspector.2"),
    ("LAMBDA_CODE", "Inspector.3"),
    ("LAMBDA", "Inspector.4"),
];

/// Controls that deleting a default VPC makes pass (they evaluate the VPC's own resources).
const DEFAULT_VPC_CONTROLS: &[&str] = &[
    "EC2.2", "EC2.6", "EC2.10", "EC2.15", "EC2.16", "EC2.21", "EC2.55", "EC2.56", "EC2.57",
    "EC2.58", "EC2.60",
];

/// The regions and home region an evaluation under this baseline covers.
pub fn scope(snapshot: &Snapshot, baseline: &Baseline) -> Scope {
    Scope {
        home_region: baseline.home_region.clone(),
        regions: snapshot
            .enabled_regions()
            .filter(|(name, _)| baseline.covers_region(name))
            .map(|(name, _)| name.clone())
            .collect(),
    }
}

/// Plans the baseline for the snapshot with the compiled-in catalog.
pub fn plan(snapshot: &Snapshot, baseline: &Baseline) -> Plan {
    plan_with(snapshot, baseline, Catalog::builtin())
}

/// Plans the baseline for the snapshot against `catalog`.
pub fn plan_with(snapshot: &Snapshot, baseline: &Baseline, catalog: &Catalog) -> Plan {
    let scope = scope(snapshot, baseline);
    let mut p = Planner {
        s: snapshot,
        b: baseline,
        catalog,
        account: snapshot.account_id.clone(),
        home: baseline.home_region.clone(),
        regions: scope.regions.clone(),
        actions: Vec::new(),
        action_ids: BTreeSet::new(),
        skipped: Vec::new(),
        disabled_home: disabled_controls(catalog, baseline, true),
        disabled_elsewhere: disabled_controls(catalog, baseline, false),
    };
    p.run();
    let Planner {
        actions, skipped, ..
    } = p;
    let predicted = effects::predict(snapshot, &actions);
    let score_now = score(snapshot, catalog, &scope);
    let score_predicted = score(&predicted, catalog, &scope);
    let manual_tasks = manual::manual_tasks(&predicted, baseline.security_contact.is_some());
    let mut skipped = skipped;
    skipped.sort();
    skipped.dedup();
    Plan {
        format_version: PLAN_FORMAT_VERSION,
        account_id: snapshot.account_id.clone(),
        home_region: baseline.home_region.clone(),
        baseline: baseline.name.clone(),
        catalog_version: catalog.version.clone(),
        snapshot_fingerprint: snapshot.fingerprint(),
        regions: scope.regions.into_iter().collect(),
        actions,
        skipped,
        manual_tasks,
        score_now,
        score_predicted,
    }
}

struct Planner<'a> {
    s: &'a Snapshot,
    b: &'a Baseline,
    catalog: &'a Catalog,
    account: String,
    home: String,
    /// Enabled regions the baseline covers.
    regions: BTreeSet<String>,
    actions: Vec<PlannedAction>,
    /// Ids of `actions`, for dependency look-ups.
    action_ids: BTreeSet<String>,
    skipped: Vec<Skipped>,
    /// Why each catalog control (by position) is disabled under the baseline, in the home
    /// region and elsewhere (computed once: the planner asks for every control in every
    /// region).
    disabled_home: Vec<Option<String>>,
    disabled_elsewhere: Vec<Option<String>>,
}

/// What the trail section decided, for the key and bucket sections that serve it.
struct TrailTarget {
    region: String,
    name: String,
    /// The trail exists already (adopted).
    existing: Option<Trail>,
}

impl<'a> Planner<'a> {
    fn run(&mut self) {
        self.region_notes();
        let home_ok = self.regions.contains(&self.home);
        if !home_ok {
            self.skip(
                &format!("{}/home_region", self.home),
                &self.home.clone(),
                "home_region_not_enabled",
                format!(
                    "the home region `{}` is not an enabled region of the account: the trail, \
                     key, log buckets and aggregator are not planned",
                    self.home
                ),
            );
        }
        self.account_wide();
        let buckets_ready = if home_ok { self.log_buckets() } else { false };
        if home_ok && self.b.features.cloudtrail {
            self.trail(buckets_ready);
        }
        let slr = self.config_role();
        let regions: Vec<String> = self.ordered_regions();
        for r in &regions {
            let snapshot: &'a Snapshot = self.s;
            let services = &snapshot.regions[r].services;
            if self.b.features.config {
                self.config(r, services, slr.clone(), buckets_ready);
            }
            if self.b.features.security_hub {
                self.security_hub(r, services);
            }
            if self.b.features.guardduty {
                self.guardduty(r, services);
            }
            if self.b.features.access_analyzer {
                self.access_analyzer(r, services);
            }
            self.ebs(r, services);
            if self.b.features.delete_default_vpcs {
                self.default_vpcs(r, services);
            }
            if self.b.features.vpc_block_public_access {
                self.vpc_block_public_access(r, services);
            }
            if self.b.features.athena {
                self.athena(r, services);
            }
            if self.b.features.ssm {
                self.ssm(r, services);
            }
            if self.b.features.inspector {
                self.inspector(r, services);
            }
            if self.b.features.macie {
                self.macie(r, services);
            }
        }
    }

    /// The home region first, then the others by name.
    fn ordered_regions(&self) -> Vec<String> {
        let mut v: Vec<String> = self.regions.iter().cloned().collect();
        v.sort_by_key(|r| (r != &self.home, r.clone()));
        v
    }

    // ---- bookkeeping ----

    fn push(
        &mut self,
        region: &str,
        resource: Option<&str>,
        op: Action,
        satisfies: &[&str],
        depends_on: Vec<String>,
    ) -> Option<String> {
        let name = op.name();
        let id = match resource {
            Some(r) => format!("{region}/{name}/{r}"),
            None => format!("{region}/{name}"),
        };
        let scope_region = if region == GLOBAL {
            self.home.as_str()
        } else {
            region
        };
        if !satisfies.is_empty()
            && satisfies
                .iter()
                .all(|c| self.disabled_reason(c, scope_region).is_some())
        {
            self.skip(
                &id,
                region,
                "controls_disabled",
                format!(
                    "`{name}` only serves {}, which the baseline disables",
                    satisfies.join(", ")
                ),
            );
            return None;
        }
        let depends_on: Vec<String> = depends_on
            .into_iter()
            .filter(|d| self.action_ids.contains(d))
            .collect();
        self.action_ids.insert(id.clone());
        self.actions.push(PlannedAction {
            id: id.clone(),
            destructive: op.is_destructive(),
            op,
            region: region.to_string(),
            satisfies: satisfies.iter().map(|s| s.to_string()).collect(),
            depends_on,
        });
        Some(id)
    }

    fn skip(&mut self, id: &str, region: &str, reason: &str, detail: String) {
        self.skipped.push(Skipped {
            id: id.to_string(),
            region: region.to_string(),
            reason: reason.to_string(),
            detail,
        });
    }

    /// The value of a read, or `None` after recording a `read_failed` skipped entry: the
    /// planner never acts on what it could not see.
    fn seen<'o, T>(&mut self, region: &str, what: &str, o: &'o Observed<T>) -> Option<&'o T> {
        match o {
            Observed::Known(v) => Some(v),
            Observed::Unreadable { read_error } => {
                self.read_failed(region, what, read_error);
                None
            }
        }
    }

    fn read_failed(&mut self, region: &str, what: &str, e: &crate::snapshot::AwsError) {
        self.skip(
            &format!("{region}/{what}"),
            region,
            "read_failed",
            format!(
                "could not read {what} ({}: {}); nothing planned for it",
                e.code, e.message
            ),
        );
    }

    fn region_notes(&mut self) {
        let notes: Vec<(String, &'static str, String)> = self
            .s
            .regions
            .iter()
            .filter_map(|(name, r)| {
                if !self.b.covers_region(name) {
                    if r.opt_in_status.is_enabled() {
                        Some((
                            name.clone(),
                            "region_excluded",
                            format!("region `{name}` is excluded by the baseline"),
                        ))
                    } else {
                        None
                    }
                } else if !r.opt_in_status.is_enabled() {
                    Some((
                        name.clone(),
                        "region_not_enabled",
                        format!(
                            "region `{name}` is not enabled for the account (opt-in status \
                             not-opted-in); enable it in the Account console and apply again \
                             to cover it"
                        ),
                    ))
                } else {
                    None
                }
            })
            .collect();
        for (name, reason, detail) in notes {
            self.skip(&format!("{name}/region"), &name, reason, detail);
        }
    }

    /// The control's disabled reason under the baseline in `region`, if it is disabled.
    fn disabled_reason(&self, control: &str, region: &str) -> Option<String> {
        match self.catalog.position(control) {
            Some(i) => self.disabled_at(i, region).cloned(),
            None => Some(
                self.b
                    .controls
                    .disabled
                    .get(control)
                    .cloned()
                    .unwrap_or_else(|| {
                        format!(
                            "not yet reviewed: not in the reviewed catalog {}",
                            self.catalog.version
                        )
                    }),
            ),
        }
    }

    /// The disabled reason of the catalog's control at `position` in `region`.
    fn disabled_at(&self, position: usize, region: &str) -> Option<&String> {
        let cache = if region == self.home {
            &self.disabled_home
        } else {
            &self.disabled_elsewhere
        };
        cache[position].as_ref()
    }

    fn control_enabled(&self, control: &str, region: &str) -> bool {
        self.disabled_reason(control, region).is_none()
    }

    fn fill(&self, template: &str) -> String {
        Names::fill(template, &self.account)
    }

    // ---- account-wide ----

    fn account_wide(&mut self) {
        if self.b.features.password_policy {
            match &self.s.global.password_policy {
                Observed::Unreadable { read_error } => {
                    let e = read_error.clone();
                    self.read_failed(GLOBAL, "password_policy", &e)
                }
                Observed::Known(existing) => {
                    let merged = merged_password_policy(existing.as_ref(), self.b);
                    if existing.as_ref() != Some(&merged) {
                        self.push(
                            GLOBAL,
                            None,
                            Action::UpdateAccountPasswordPolicy {
                                minimum_password_length: merged.minimum_password_length,
                                require_symbols: merged.require_symbols,
                                require_numbers: merged.require_numbers,
                                require_uppercase_characters: merged.require_uppercase_characters,
                                require_lowercase_characters: merged.require_lowercase_characters,
                                allow_users_to_change_password: merged
                                    .allow_users_to_change_password,
                                max_password_age: merged.max_password_age,
                                password_reuse_prevention: merged.password_reuse_prevention,
                                hard_expiry: merged.hard_expiry,
                            },
                            &["IAM.7"],
                            vec![],
                        );
                    }
                }
            }
        }
        if self.b.features.s3_account_public_access_block {
            self.account_public_access_block();
        }
        if let Some(contact) = &self.b.security_contact {
            match &self.s.global.security_contact {
                Observed::Unreadable { read_error } => {
                    let e = read_error.clone();
                    self.read_failed(GLOBAL, "security_contact", &e)
                }
                Observed::Known(None) => {
                    self.push(
                        GLOBAL,
                        None,
                        Action::PutAlternateContact {
                            alternate_contact_type: "SECURITY".into(),
                            name: contact.name.clone(),
                            title: contact.title.clone(),
                            email_address: contact.email_address.clone(),
                            phone_number: contact.phone_number.clone(),
                        },
                        &["Account.1"],
                        vec![],
                    );
                }
                Observed::Known(Some(existing)) => {
                    if existing.email_address != contact.email_address {
                        self.skip(
                            "global/put_alternate_contact",
                            GLOBAL,
                            "security_contact_kept",
                            format!(
                                "the account already has a SECURITY contact (`{}`); it is kept",
                                existing.email_address
                            ),
                        );
                    }
                }
            }
        }
    }

    fn account_public_access_block(&mut self) {
        let snapshot: &'a Snapshot = self.s;
        let Some(v) = self.seen(
            GLOBAL,
            "account_public_access_block",
            &snapshot.global.account_public_access_block,
        ) else {
            return;
        };
        let existing = v.unwrap_or_default();
        let desired = existing.union(&PublicAccessBlock::ALL);
        if desired == existing {
            return;
        }
        // Blocking public access account-wide would cut off a bucket that is public on
        // purpose (a website, public assets): never break what is in use.
        let public: Vec<String> = match self.s.global.buckets.known() {
            None => {
                return self.skip(
                    "global/put_account_public_access_block",
                    GLOBAL,
                    "read_failed",
                    "the bucket list could not be read, so it is unknown whether blocking \
                     public access account-wide would cut off a public bucket"
                        .into(),
                );
            }
            Some(buckets) => buckets
                .iter()
                .filter(|b| bucket_is_public(b))
                .map(|b| format!("`{}`", b.name))
                .collect(),
        };
        if !public.is_empty() {
            return self.skip(
                "global/put_account_public_access_block",
                GLOBAL,
                "public_bucket_in_use",
                format!(
                    "blocking public access account-wide would cut off the public bucket(s) {}; \
                     make them private (or serve them through CloudFront) and apply again",
                    public.join(", ")
                ),
            );
        }
        self.push(
            GLOBAL,
            None,
            Action::PutAccountPublicAccessBlock {
                configuration: desired,
            },
            &["S3.1"],
            vec![],
        );
    }

    // ---- log buckets ----

    /// Plans the log bucket and the access-log bucket (they log to each other). Returns
    /// whether the log bucket will exist with its policy (so trail and Config can use it).
    fn log_buckets(&mut self) -> bool {
        if !(self.b.features.cloudtrail || self.b.features.config) {
            return false;
        }
        let snapshot: &'a Snapshot = self.s;
        let Some(b) = self.seen(GLOBAL, "buckets", &snapshot.global.buckets) else {
            return false;
        };
        let buckets = b.clone();
        let log = self.fill(&self.b.names.log_bucket);
        let access = self.fill(&self.b.names.access_log_bucket);
        if log == access {
            self.skip(
                "global/buckets",
                GLOBAL,
                "invalid_names",
                "the log bucket and the access-log bucket have the same name; a bucket must \
                 not log to itself"
                    .into(),
            );
            return false;
        }
        let log_existing = buckets.iter().find(|b| b.name == log).cloned();
        let access_existing = buckets.iter().find(|b| b.name == access).cloned();
        let log_region = log_existing
            .as_ref()
            .map(|b| b.region.clone())
            .unwrap_or_else(|| self.home.clone());
        let access_region = access_existing
            .as_ref()
            .map(|b| b.region.clone())
            .unwrap_or_else(|| self.home.clone());
        let log_policy = self.log_bucket_statements(&log, &access);
        let access_policy = self.access_bucket_statements(&access, &log);
        let log_ok = self.bucket(&log, &log_region, log_existing.as_ref(), &log_policy);
        let access_ok = self.bucket(
            &access,
            &access_region,
            access_existing.as_ref(),
            &access_policy,
        );
        // Each logs to the other.
        if log_ok && access_ok {
            self.bucket_logging(
                &log,
                &log_region,
                log_existing.as_ref(),
                &access,
                &access_region,
            );
            self.bucket_logging(
                &access,
                &access_region,
                access_existing.as_ref(),
                &log,
                &log_region,
            );
        }
        log_ok
    }

    /// Converges one bucket; false when its policy cannot be merged.
    fn bucket(
        &mut self,
        name: &str,
        region: &str,
        existing: Option<&Bucket>,
        statements: &[Value],
    ) -> bool {
        let mut deps = vec![];
        let current = match existing {
            Some(b) => b.clone(),
            None => {
                if let Some(id) = self.push(
                    region,
                    Some(name),
                    Action::CreateBucket {
                        bucket: name.into(),
                    },
                    &[],
                    vec![],
                ) {
                    deps.push(id);
                }
                new_bucket(name, region)
            }
        };
        let pab = current.public_access_block.unwrap_or_default();
        let desired_pab = pab.union(&PublicAccessBlock::ALL);
        if current.public_access_block != Some(desired_pab) {
            self.push(
                region,
                Some(name),
                Action::PutPublicAccessBlock {
                    bucket: name.into(),
                    configuration: desired_pab,
                },
                &["S3.8", "S3.2", "S3.3"],
                deps.clone(),
            );
        }
        if current.object_ownership.as_deref() != Some("BucketOwnerEnforced") {
            self.push(
                region,
                Some(name),
                Action::PutBucketOwnershipControls {
                    bucket: name.into(),
                    object_ownership: "BucketOwnerEnforced".into(),
                },
                &["S3.12"],
                deps.clone(),
            );
        }
        if current.encryption.is_none() {
            self.push(
                region,
                Some(name),
                Action::PutBucketEncryption {
                    bucket: name.into(),
                    sse_algorithm: "AES256".into(),
                    kms_master_key_id: None,
                },
                &[],
                deps.clone(),
            );
        }
        if current.versioning.as_deref() != Some("Enabled") {
            self.push(
                region,
                Some(name),
                Action::PutBucketVersioning {
                    bucket: name.into(),
                    status: "Enabled".into(),
                },
                &[],
                deps.clone(),
            );
        }
        if current.lifecycle_rules.is_empty() {
            let rule = json!({
                "ID": LIFECYCLE_RULE_ID,
                "Status": "Enabled",
                "Filter": {},
                "Expiration": {"Days": self.b.log_expiration_days},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
            });
            self.push(
                region,
                Some(name),
                Action::PutBucketLifecycleConfiguration {
                    bucket: name.into(),
                    rules: [(LIFECYCLE_RULE_ID.to_string(), policy::to_text(&rule))].into(),
                },
                &["S3.13"],
                deps.clone(),
            );
        }
        if !policy::contains_all(current.policy.as_deref(), statements) {
            match policy::merge(current.policy.as_deref(), statements) {
                Ok((merged, _)) => {
                    self.push(
                        region,
                        Some(name),
                        Action::PutBucketPolicy {
                            bucket: name.into(),
                            policy: merged,
                        },
                        &["S3.5"],
                        deps,
                    );
                }
                Err(e) => {
                    self.skip(
                        &format!("{region}/put_bucket_policy/{name}"),
                        region,
                        "policy_unreadable",
                        format!("the policy of bucket `{name}` could not be merged ({e}); fix it by hand"),
                    );
                    return false;
                }
            }
        }
        true
    }

    fn bucket_logging(
        &mut self,
        name: &str,
        region: &str,
        existing: Option<&Bucket>,
        target: &str,
        target_region: &str,
    ) {
        if existing.is_some_and(|b| b.logging_target.is_some()) {
            return;
        }
        let deps = vec![
            format!("{region}/create_bucket/{name}"),
            format!("{target_region}/create_bucket/{target}"),
            format!("{target_region}/put_bucket_policy/{target}"),
        ];
        self.push(
            region,
            Some(name),
            Action::PutBucketLogging {
                bucket: name.into(),
                target_bucket: target.into(),
                target_prefix: format!("{name}/"),
            },
            &["S3.9"],
            deps,
        );
    }

    fn trail_arn(&self, region: &str, name: &str) -> String {
        format!("arn:aws:cloudtrail:{region}:{}:trail/{name}", self.account)
    }

    fn tls_only(&self, bucket: &str) -> Value {
        json!({
            "Sid": "SecureAccountDenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        })
    }

    fn logging_grant(&self, bucket: &str, source: &str) -> Value {
        json!({
            "Sid": "SecureAccountServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
            "Condition": {
                "ArnLike": {"aws:SourceArn": format!("arn:aws:s3:::{source}")},
                "StringEquals": {"aws:SourceAccount": self.account}
            }
        })
    }

    /// The log bucket's statements: CloudTrail and Config writes scoped to this account and
    /// trail, server access logs from the access-log bucket, TLS only.
    fn log_bucket_statements(&self, bucket: &str, access: &str) -> Vec<Value> {
        let arn = format!("arn:aws:s3:::{bucket}");
        let mut v = vec![];
        if self.b.features.cloudtrail {
            v.push(json!({
                "Sid": "SecureAccountCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": self.account}}
            }));
            v.push(json!({
                "Sid": "SecureAccountCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/AWSLogs/{}/*", self.account),
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": self.account},
                    "ArnLike": {"aws:SourceArn": format!("arn:aws:cloudtrail:*:{}:trail/*", self.account)}
                }
            }));
        }
        if self.b.features.config {
            v.push(json!({
                "Sid": "SecureAccountConfigAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": self.account}}
            }));
            v.push(json!({
                "Sid": "SecureAccountConfigWrite",
                "Effect": "Allow",
                "Principal": {"Service": "config.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("{arn}/AWSLogs/{}/Config/*", self.account),
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": self.account}}
            }));
        }
        v.push(self.logging_grant(bucket, access));
        v.push(self.tls_only(bucket));
        v
    }

    fn access_bucket_statements(&self, bucket: &str, log: &str) -> Vec<Value> {
        vec![self.logging_grant(bucket, log), self.tls_only(bucket)]
    }

    // ---- CloudTrail, its key and its log group ----

    fn trail(&mut self, buckets_ready: bool) {
        // Every region's trail list must be known: a trail anywhere could be the one to adopt.
        let mut all: Vec<Trail> = vec![];
        for r in self.regions.clone() {
            match &self.s.regions[&r].services.trails {
                Observed::Unreadable { read_error } => {
                    let e = read_error.clone();
                    self.read_failed(&r, "trails", &e);
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
                "trail_region_not_covered",
                format!(
                    "trail `{}` lives in `{}`, which the baseline does not cover",
                    target.name, target.region
                ),
            );
        }
        let key = self.trail_key(&target);
        let logs = if self.b.features.cloudwatch_logs {
            self.trail_log_group(&target)
        } else {
            None
        };
        let alias_arn = format!(
            "arn:aws:kms:{}:{}:{}",
            target.region, self.account, self.b.names.kms_alias
        );
        let log_bucket = self.fill(&self.b.names.log_bucket);
        let region = target.region.clone();
        let mut deps: Vec<String> = vec![
            format!("{}/create_bucket/{log_bucket}", self.home),
            format!("{}/put_bucket_policy/{log_bucket}", self.home),
        ];
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
                        "log_bucket_unavailable",
                        "the log bucket cannot be planned, so the trail is not created".into(),
                    );
                }
                if key.is_none() {
                    return self.skip(
                        &format!("{region}/create_trail/{}", target.name),
                        &region,
                        "trail_key_unavailable",
                        "the trail's KMS key cannot be planned, so the trail is not created".into(),
                    );
                }
                self.push(
                    &region,
                    Some(&target.name),
                    Action::CreateTrail {
                        name: target.name.clone(),
                        s3_bucket_name: log_bucket,
                        is_multi_region_trail: true,
                        include_global_service_events: true,
                        enable_log_file_validation: true,
                        kms_key_id: alias_arn,
                        cloud_watch_logs_log_group_arn: lg_arn,
                        cloud_watch_logs_role_arn: role_arn,
                    },
                    &[
                        "CloudTrail.1",
                        "CloudTrail.2",
                        "CloudTrail.4",
                        "CloudTrail.5",
                    ],
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
                        Action::UpdateTrail {
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
                        &[
                            "CloudTrail.1",
                            "CloudTrail.2",
                            "CloudTrail.4",
                            "CloudTrail.5",
                        ],
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
                    "trail_has_data_events",
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
                    Action::PutEventSelectors {
                        trail_name: t.name.clone(),
                        read_write_type: "All".into(),
                        include_management_events: true,
                    },
                    &["CloudTrail.1"],
                    trail_id.iter().cloned().collect(),
                );
            }
        }
        if !target.existing.as_ref().is_some_and(|t| t.is_logging) {
            self.push(
                &region,
                Some(&target.name),
                Action::StartLogging {
                    name: target.name.clone(),
                },
                &["CloudTrail.1"],
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

    /// Plans the trail key; returns the actions the trail waits for, or `None` when the key
    /// cannot be planned.
    fn trail_key(&mut self, target: &TrailTarget) -> Option<Vec<String>> {
        let region = target.region.clone();
        let snapshot: &'a Snapshot = self.s;
        let k = self.seen(
            &region,
            "kms_keys",
            &snapshot.regions[&region].services.kms_keys,
        )?;
        let keys: Vec<KmsKey> = k.clone();
        // A trail that already encrypts with the customer's own key keeps it.
        if target
            .existing
            .as_ref()
            .is_some_and(|t| t.kms_key_id.is_some())
        {
            return Some(vec![]);
        }
        let alias = self.b.names.kms_alias.clone();
        let statements = self.key_statements(&region, &target.name);
        let by_alias = keys.iter().find(|k| k.aliases.contains(&alias));
        let orphan = keys.iter().find(|k| {
            k.key_state == "Enabled"
                && k.tags.get(KEY_PURPOSE_TAG.0).map(String::as_str) == Some(KEY_PURPOSE_TAG.1)
        });
        let mut deps = vec![];
        let key_ref;
        match (by_alias, orphan) {
            (Some(k), _) => {
                if k.key_state != "Enabled" {
                    self.skip(
                        &format!("{region}/kms_key/{alias}"),
                        &region,
                        "key_not_enabled",
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
                    Action::CreateAlias {
                        alias_name: alias.clone(),
                        target_key: key_ref.clone(),
                    },
                    &[],
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
                    Action::CreateKey {
                        description: "CloudTrail log encryption (secure-account)".into(),
                        policy,
                        tags: [(KEY_PURPOSE_TAG.0.to_string(), KEY_PURPOSE_TAG.1.to_string())]
                            .into(),
                    },
                    &["CloudTrail.2"],
                    vec![],
                )?;
                key_ref = KeyRef::CreatedBy(create.clone());
                deps.push(create.clone());
                if let Some(id) = self.push(
                    &region,
                    Some(&alias),
                    Action::CreateAlias {
                        alias_name: alias.clone(),
                        target_key: key_ref.clone(),
                    },
                    &[],
                    vec![create.clone()],
                ) {
                    deps.push(id);
                }
                self.push(
                    &region,
                    Some(&alias),
                    Action::EnableKeyRotation {
                        key: key_ref.clone(),
                    },
                    &[],
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
                        Action::PutKeyPolicy {
                            key: key_ref.clone(),
                            policy: merged,
                        },
                        &[],
                        vec![],
                    ) {
                        deps.push(id);
                    }
                }
                Err(e) => {
                    self.skip(
                        &format!("{region}/put_key_policy/{alias}"),
                        region,
                        "policy_unreadable",
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
                Action::EnableKeyRotation {
                    key: key_ref.clone(),
                },
                &[],
                vec![],
            );
        }
        Some(())
    }

    /// Plans the log group and the delivery role; returns the group ARN, the role ARN and
    /// the actions the trail waits for.
    fn trail_log_group(&mut self, target: &TrailTarget) -> Option<(String, String, Vec<String>)> {
        if target
            .existing
            .as_ref()
            .is_some_and(|t| t.cloud_watch_logs_log_group_arn.is_some())
        {
            return None;
        }
        let region = target.region.clone();
        let name = self.fill(&self.b.names.trail_log_group);
        let role = self.fill(&self.b.names.trail_logs_role);
        let group_arn = format!("arn:aws:logs:{region}:{}:log-group:{name}:*", self.account);
        let role_arn = format!("arn:aws:iam::{}:role/{role}", self.account);
        let snapshot: &'a Snapshot = self.s;
        let g = self.seen(
            &region,
            "log_groups",
            &snapshot.regions[&region].services.log_groups,
        )?;
        let groups = g.clone();
        let snapshot: &'a Snapshot = self.s;
        let r = self.seen(GLOBAL, "roles", &snapshot.global.roles)?;
        let roles = r.clone();
        let mut deps = vec![];
        match groups.iter().find(|g| g.name == name) {
            None => {
                if let Some(id) = self.push(
                    &region,
                    Some(&name),
                    Action::CreateLogGroup {
                        log_group_name: name.clone(),
                    },
                    &["CloudTrail.5"],
                    vec![],
                ) {
                    deps.push(id.clone());
                    self.push(
                        &region,
                        Some(&name),
                        Action::PutRetentionPolicy {
                            log_group_name: name.clone(),
                            retention_in_days: self.b.log_retention_days,
                        },
                        &[],
                        vec![id],
                    );
                }
            }
            Some(g) if g.retention_in_days.is_none() => {
                self.push(
                    &region,
                    Some(&name),
                    Action::PutRetentionPolicy {
                        log_group_name: name.clone(),
                        retention_in_days: self.b.log_retention_days,
                    },
                    &[],
                    vec![],
                );
            }
            Some(_) => {}
        }
        let policy_doc = policy::to_text(&json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "CloudTrailDeliversToLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": format!("arn:aws:logs:{region}:{}:log-group:{name}:log-stream:*", self.account)
            }]
        }));
        let existing_role = roles.iter().find(|r| r.name == role);
        let mut role_deps = vec![];
        if existing_role.is_none() {
            let trust = policy::to_text(&json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": self.account}}
                }]
            }));
            if let Some(id) = self.push(
                GLOBAL,
                Some(&role),
                Action::CreateRole {
                    role_name: role.clone(),
                    assume_role_policy_document: trust,
                },
                &["CloudTrail.5"],
                vec![],
            ) {
                role_deps.push(id.clone());
                deps.push(id);
            }
        }
        if existing_role.and_then(|r| r.inline_policies.get(TRAIL_LOGS_POLICY)) != Some(&policy_doc)
            && let Some(id) = self.push(
                GLOBAL,
                Some(&role),
                Action::PutRolePolicy {
                    role_name: role.clone(),
                    policy_name: TRAIL_LOGS_POLICY.into(),
                    policy_document: policy_doc,
                },
                &["CloudTrail.5"],
                role_deps,
            )
        {
            deps.push(id);
        }
        Some((group_arn, role_arn, deps))
    }

    // ---- AWS Config ----

    /// The Config service-linked role: its ARN and the action creating it, if any.
    fn config_role(&mut self) -> Option<(String, Option<String>)> {
        if !self.b.features.config {
            return None;
        }
        let arn = service_linked_role_arn(&self.account, "config.amazonaws.com");
        match &self.s.global.roles {
            Observed::Unreadable { read_error } => {
                let e = read_error.clone();
                self.read_failed(GLOBAL, "roles", &e);
                None
            }
            Observed::Known(roles) => {
                if roles.iter().any(|r| r.arn == arn) {
                    Some((arn, None))
                } else {
                    let id = self.push(
                        GLOBAL,
                        Some("config.amazonaws.com"),
                        Action::CreateServiceLinkedRole {
                            aws_service_name: "config.amazonaws.com".into(),
                        },
                        &["Config.1"],
                        vec![],
                    );
                    Some((arn, id))
                }
            }
        }
    }

    fn config(
        &mut self,
        r: &str,
        s: &RegionServices,
        slr: Option<(String, Option<String>)>,
        buckets_ready: bool,
    ) {
        let Some(config) = self.seen(r, "config", &s.config) else {
            return;
        };
        let Some((role_arn, role_action)) = slr else {
            return self.skip(
                &format!("{r}/put_configuration_recorder"),
                r,
                "role_unknown",
                "the Config service-linked role could not be read; the recorder is not planned"
                    .into(),
            );
        };
        let global = r == self.home;
        // One recorder per region: adopt the one that exists, whatever its name.
        let existing = config.recorders.first();
        let name = existing
            .map(|x| x.name.clone())
            .unwrap_or_else(|| self.b.names.config_recorder.clone());
        let mut recorder_id = None;
        let converged = existing.is_some_and(|x| {
            x.role_arn == role_arn && x.all_supported && x.include_global_resource_types == global
        });
        if !converged {
            recorder_id = self.push(
                r,
                Some(&name),
                Action::PutConfigurationRecorder {
                    name: name.clone(),
                    role_arn,
                    all_supported: true,
                    include_global_resource_types: global,
                },
                &["Config.1"],
                role_action.into_iter().collect(),
            );
        }
        let mut channel_id = None;
        if config.delivery_channels.is_empty() {
            if !buckets_ready {
                return self.skip(
                    &format!("{r}/put_delivery_channel"),
                    r,
                    "log_bucket_unavailable",
                    "the log bucket cannot be planned, so no delivery channel is created".into(),
                );
            }
            let bucket = self.fill(&self.b.names.log_bucket);
            let mut deps: Vec<String> = recorder_id.iter().cloned().collect();
            deps.push(format!("{}/create_bucket/{bucket}", self.home));
            deps.push(format!("{}/put_bucket_policy/{bucket}", self.home));
            channel_id = self.push(
                r,
                Some(&self.b.names.delivery_channel.clone()),
                Action::PutDeliveryChannel {
                    name: self.b.names.delivery_channel.clone(),
                    s3_bucket_name: bucket,
                },
                &["Config.1"],
                deps,
            );
        }
        if !existing.is_some_and(|x| x.recording) {
            let deps = recorder_id.into_iter().chain(channel_id).collect();
            self.push(
                r,
                Some(&name),
                Action::StartConfigurationRecorder { name: name.clone() },
                &["Config.1"],
                deps,
            );
        }
    }

    // ---- Security Hub ----

    fn security_hub(&mut self, r: &str, s: &'a RegionServices) {
        let hub: Option<&SecurityHub> = match &s.security_hub {
            Observed::Unreadable { read_error } => {
                return self.read_failed(r, "security_hub", read_error);
            }
            Observed::Known(h) => h.as_ref(),
        };
        let standard = fsbp_standards_arn(r);
        let mut enable_id = None;
        let empty = BTreeMap::new();
        let (auto_enable, generator, subscribed, current) = match hub {
            None => {
                enable_id = self.push(
                    r,
                    None,
                    Action::EnableSecurityHub {
                        enable_default_standards: false,
                        control_finding_generator: SECURITY_CONTROL.into(),
                    },
                    &[],
                    vec![],
                );
                (true, SECURITY_CONTROL, false, &empty)
            }
            Some(h) => (
                h.auto_enable_controls,
                h.control_finding_generator.as_str(),
                h.standards.contains_key(&standard),
                &h.fsbp_controls,
            ),
        };
        if auto_enable || generator != SECURITY_CONTROL {
            self.push(
                r,
                None,
                Action::UpdateSecurityHubConfiguration {
                    auto_enable_controls: false,
                    control_finding_generator: SECURITY_CONTROL.into(),
                },
                &[],
                enable_id.iter().cloned().collect(),
            );
        }
        let mut standard_id = None;
        if !subscribed {
            standard_id = self.push(
                r,
                None,
                Action::BatchEnableStandards {
                    standards_arn: standard.clone(),
                },
                &[],
                enable_id.iter().cloned().collect(),
            );
        }
        // Each control's association now (subscribing enables every control of the
        // standard), against what the baseline wants; live controls the catalog lacks too.
        let now_enabled = |id: &str| -> Option<bool> {
            if subscribed {
                current.get(id).map(|a| a.enabled)
            } else {
                Some(true)
            }
        };
        let mut updates = vec![];
        let mut update = |id: &str, enabled: bool, reason: Option<&String>| match reason {
            Some(reason) if enabled => updates.push(ControlAssociationUpdate {
                security_control_id: id.to_string(),
                association_status: "DISABLED".into(),
                updated_reason: Some(reason.clone()),
            }),
            None if !enabled => updates.push(ControlAssociationUpdate {
                security_control_id: id.to_string(),
                association_status: "ENABLED".into(),
                updated_reason: None,
            }),
            _ => {}
        };
        for (i, c) in self.catalog.controls.iter().enumerate() {
            if c.status != ControlStatus::Active {
                continue;
            }
            if let Some(enabled) = now_enabled(&c.id) {
                update(&c.id, enabled, self.disabled_at(i, r));
            }
        }
        // Live controls the reviewed catalog does not know.
        for (id, association) in current {
            if self.catalog.position(id).is_none() {
                let reason = self.disabled_reason(id, r);
                update(id, association.enabled, reason.as_ref());
            }
        }
        if !updates.is_empty() {
            updates.sort();
            self.push(
                r,
                None,
                Action::BatchUpdateStandardsControlAssociations {
                    standards_arn: standard,
                    updates,
                },
                &[],
                standard_id.iter().cloned().collect(),
            );
        }
        if r == self.home
            && self.b.features.finding_aggregator
            && hub.is_none_or(|h| h.finding_aggregator.is_none())
        {
            self.push(
                r,
                None,
                Action::CreateFindingAggregator {
                    region_linking_mode: "ALL_REGIONS".into(),
                },
                &[],
                enable_id.iter().cloned().collect(),
            );
        }
    }

    // ---- GuardDuty ----

    fn guardduty(&mut self, r: &str, s: &RegionServices) {
        let Some(detector) = self.seen(r, "guardduty", &s.guardduty) else {
            return;
        };
        let wanted: Vec<&str> = GUARDDUTY_FEATURES
            .iter()
            .filter(|(_, controls)| controls.iter().any(|c| self.control_enabled(c, r)))
            .map(|(f, _)| *f)
            .collect();
        let mut satisfies: Vec<&str> = vec!["GuardDuty.1"];
        for (f, controls) in GUARDDUTY_FEATURES {
            if wanted.contains(f) {
                satisfies.extend(controls.iter().copied());
            }
        }
        satisfies.sort_by_key(|c| control_sort_key(c));
        satisfies.dedup();
        let features = detector_features(&wanted);
        match detector {
            None => {
                self.push(
                    r,
                    None,
                    Action::CreateDetector {
                        enable: true,
                        finding_publishing_frequency: GUARDDUTY_FREQUENCY.into(),
                        features,
                    },
                    &satisfies,
                    vec![],
                );
            }
            Some(d) => {
                let missing = wanted.iter().any(|f| d.features.get(*f) != Some(&true));
                if !d.enabled || d.finding_publishing_frequency != GUARDDUTY_FREQUENCY || missing {
                    self.push(
                        r,
                        None,
                        Action::UpdateDetector {
                            detector_id: d.detector_id.clone(),
                            enable: true,
                            finding_publishing_frequency: GUARDDUTY_FREQUENCY.into(),
                            features,
                        },
                        &satisfies,
                        vec![],
                    );
                }
            }
        }
    }

    // ---- IAM Access Analyzer ----

    fn access_analyzer(&mut self, r: &str, s: &RegionServices) {
        let Some(analyzers) = self.seen(r, "analyzers", &s.analyzers) else {
            return;
        };
        let wanted = self.b.names.analyzer.clone();
        let existing = analyzers.iter().find(|a| a.name == wanted).or_else(|| {
            analyzers
                .iter()
                .find(|a| a.kind == "ACCOUNT" && a.status == "ACTIVE")
        });
        let mut deps = vec![];
        let name = match existing {
            Some(a) => a.name.clone(),
            None => {
                if let Some(id) = self.push(
                    r,
                    None,
                    Action::CreateAnalyzer {
                        analyzer_name: wanted.clone(),
                        r#type: "ACCOUNT".into(),
                    },
                    &[],
                    vec![],
                ) {
                    deps.push(id);
                }
                wanted
            }
        };
        if self.b.trusted_principals.is_empty() {
            return;
        }
        let mut principals = self.b.trusted_principals.clone();
        principals.sort();
        principals.dedup();
        let filter: BTreeMap<String, Vec<String>> =
            [("principal.AWS".to_string(), principals)].into();
        let rule = self.b.names.archive_rule.clone();
        match existing.and_then(|a| a.archive_rules.get(&rule)) {
            None => {
                self.push(
                    r,
                    None,
                    Action::CreateArchiveRule {
                        analyzer_name: name,
                        rule_name: rule,
                        filter,
                    },
                    &[],
                    deps,
                );
            }
            Some(f) if f != &filter => {
                self.push(
                    r,
                    None,
                    Action::UpdateArchiveRule {
                        analyzer_name: name,
                        rule_name: rule,
                        filter,
                    },
                    &[],
                    deps,
                );
            }
            Some(_) => {}
        }
    }

    // ---- EC2 ----

    fn ebs(&mut self, r: &str, s: &RegionServices) {
        if !(self.b.features.ebs_encryption || self.b.features.snapshot_block_public_access) {
            return;
        }
        let Some(ebs) = self.seen(r, "ebs", &s.ebs) else {
            return;
        };
        if self.b.features.ebs_encryption && !ebs.encryption_by_default {
            self.push(
                r,
                None,
                Action::EnableEbsEncryptionByDefault {},
                &["EC2.7"],
                vec![],
            );
        }
        if self.b.features.snapshot_block_public_access
            && ebs.snapshot_block_public_access != "block-all-sharing"
        {
            self.push(
                r,
                None,
                Action::EnableSnapshotBlockPublicAccess {
                    state: "block-all-sharing".into(),
                },
                &["EC2.182"],
                vec![],
            );
        }
    }

    fn default_vpcs(&mut self, r: &str, s: &RegionServices) {
        let Some(vpcs) = self.seen(r, "vpcs", &s.vpcs) else {
            return;
        };
        for vpc in vpcs.iter().filter(|v| v.is_default) {
            if !vpc.network_interfaces.is_empty() {
                let enis: Vec<String> = vpc
                    .network_interfaces
                    .iter()
                    .map(|e| format!("`{}`", e.network_interface_id))
                    .collect();
                self.skip(
                    &format!("{r}/delete_vpc/{}", vpc.vpc_id),
                    r,
                    "default_vpc_in_use",
                    format!(
                        "default VPC `{}` has network interfaces {}; it is kept",
                        vpc.vpc_id,
                        enis.join(", ")
                    ),
                );
                continue;
            }
            let extra = customer_resources(vpc);
            if !extra.is_empty() {
                self.skip(
                    &format!("{r}/delete_vpc/{}", vpc.vpc_id),
                    r,
                    "default_vpc_has_customer_resources",
                    format!(
                        "default VPC `{}` holds resources the tool did not create ({}); it is kept",
                        vpc.vpc_id,
                        extra.join(", ")
                    ),
                );
                continue;
            }
            let mut deps = vec![];
            for igw in &vpc.internet_gateways {
                if let Some(detach) = self.push(
                    r,
                    Some(igw),
                    Action::DetachInternetGateway {
                        internet_gateway_id: igw.clone(),
                        vpc_id: vpc.vpc_id.clone(),
                    },
                    &[],
                    vec![],
                ) {
                    deps.push(detach.clone());
                    if let Some(del) = self.push(
                        r,
                        Some(igw),
                        Action::DeleteInternetGateway {
                            internet_gateway_id: igw.clone(),
                        },
                        &[],
                        vec![detach],
                    ) {
                        deps.push(del);
                    }
                }
            }
            for subnet in &vpc.subnets {
                if let Some(id) = self.push(
                    r,
                    Some(&subnet.subnet_id),
                    Action::DeleteSubnet {
                        subnet_id: subnet.subnet_id.clone(),
                    },
                    &["EC2.15"],
                    vec![],
                ) {
                    deps.push(id);
                }
            }
            self.push(
                r,
                Some(&vpc.vpc_id),
                Action::DeleteVpc {
                    vpc_id: vpc.vpc_id.clone(),
                },
                DEFAULT_VPC_CONTROLS,
                deps,
            );
        }
    }

    fn vpc_block_public_access(&mut self, r: &str, s: &RegionServices) {
        let Some(bpa) = self.seen(r, "vpc_block_public_access", &s.vpc_block_public_access) else {
            return;
        };
        // Either blocking mode passes EC2.172; a stricter one already set is kept.
        if !matches!(
            bpa.internet_gateway_block_mode.as_str(),
            "block-bidirectional" | "block-ingress"
        ) {
            self.push(
                r,
                None,
                Action::ModifyVpcBlockPublicAccessOptions {
                    internet_gateway_block_mode: "block-bidirectional".into(),
                },
                &["EC2.172"],
                vec![],
            );
        }
    }

    // ---- Athena, SSM, Inspector, Macie ----

    fn athena(&mut self, r: &str, s: &RegionServices) {
        let Some(groups) = self.seen(r, "athena_workgroups", &s.athena_workgroups) else {
            return;
        };
        let Some(primary) = groups.iter().find(|g| g.name == "primary") else {
            return;
        };
        // Encrypt results by default; a stronger option (SSE_KMS, CSE_KMS) is kept, and the
        // setting is not enforced, so queries with their own result location keep working.
        let encryption = primary
            .encryption_option
            .is_none()
            .then(|| "SSE_S3".to_string());
        if !primary.publish_cloud_watch_metrics_enabled || encryption.is_some() {
            self.push(
                r,
                Some("primary"),
                Action::UpdateWorkGroup {
                    work_group: "primary".into(),
                    publish_cloud_watch_metrics_enabled: true,
                    encryption_option: encryption,
                },
                &["Athena.4"],
                vec![],
            );
        }
    }

    fn ssm(&mut self, r: &str, s: &RegionServices) {
        let Some(ssm) = self.seen(r, "ssm", &s.ssm) else {
            return;
        };
        if !ssm.public_sharing_blocked {
            self.push(
                r,
                Some("public-sharing-permission"),
                Action::UpdateServiceSetting {
                    setting_id: SSM_PUBLIC_SHARING.into(),
                    setting_value: "Disable".into(),
                },
                &["SSM.7"],
                vec![],
            );
        }
        if ssm.automation_log_destination.as_deref() != Some("CloudWatch") {
            self.push(
                r,
                Some("customer-script-log-destination"),
                Action::UpdateServiceSetting {
                    setting_id: SSM_AUTOMATION_LOG.into(),
                    setting_value: "CloudWatch".into(),
                },
                &["SSM.6"],
                vec![],
            );
        }
    }

    fn inspector(&mut self, r: &str, s: &RegionServices) {
        let Some(i) = self.seen(r, "inspector", &s.inspector) else {
            return;
        };
        let on = |t: &str| match t {
            "EC2" => i.ec2,
            "ECR" => i.ecr,
            "LAMBDA" => i.lambda,
            "LAMBDA_CODE" => i.lambda_code,
            _ => true,
        };
        let missing: Vec<(&str, &str)> = INSPECTOR_TYPES
            .iter()
            .filter(|(t, c)| !on(t) && self.control_enabled(c, r))
            .copied()
            .collect();
        if !missing.is_empty() {
            let controls: Vec<&str> = missing.iter().map(|(_, c)| *c).collect();
            self.push(
                r,
                None,
                Action::EnableInspector {
                    resource_types: missing.iter().map(|(t, _)| t.to_string()).collect(),
                },
                &controls,
                vec![],
            );
        }
    }

    fn macie(&mut self, r: &str, s: &RegionServices) {
        let Some(m) = self.seen(r, "macie", &s.macie) else {
            return;
        };
        let mut deps = vec![];
        if !m.enabled {
            if let Some(id) = self.push(
                r,
                None,
                Action::EnableMacie {
                    finding_publishing_frequency: GUARDDUTY_FREQUENCY.into(),
                },
                &["Macie.1"],
                vec![],
            ) {
                deps.push(id);
            } else {
                return;
            }
        }
        if !m.automated_discovery {
            self.push(
                r,
                None,
                Action::UpdateAutomatedDiscoveryConfiguration {
                    status: "ENABLED".into(),
                },
                &["Macie.2"],
                deps,
            );
        }
    }
}

/// Why each catalog control (by position) is disabled under the baseline, in the home
/// region (`home`) or elsewhere.
fn disabled_controls(catalog: &Catalog, b: &Baseline, home: bool) -> Vec<Option<String>> {
    catalog
        .controls
        .iter()
        .map(|c| {
            if let Some(reason) = b.controls.disabled.get(&c.id) {
                Some(reason.clone())
            } else if let Some(through) = b
                .controls
                .reviewed_through
                .as_ref()
                .filter(|t| c.added.as_str() > t.as_str())
            {
                Some(format!(
                    "not yet reviewed: added {}, after the baseline's review ({through})",
                    c.added
                ))
            } else if !c.regional && !home {
                Some(format!(
                    "global resource control: evaluated in the home region {} only",
                    b.home_region
                ))
            } else {
                None
            }
        })
        .collect()
}

/// The password policy to set: the baseline's, with every stronger existing value kept.
pub fn merged_password_policy(existing: Option<&PasswordPolicy>, b: &Baseline) -> PasswordPolicy {
    let t = &b.password_policy;
    let e = existing.cloned().unwrap_or_default();
    PasswordPolicy {
        minimum_password_length: t.minimum_password_length.max(e.minimum_password_length),
        require_symbols: t.require_symbols || e.require_symbols,
        require_numbers: t.require_numbers || e.require_numbers,
        require_uppercase_characters: t.require_uppercase_characters
            || e.require_uppercase_characters,
        require_lowercase_characters: t.require_lowercase_characters
            || e.require_lowercase_characters,
        allow_users_to_change_password: t.allow_users_to_change_password
            || e.allow_users_to_change_password,
        max_password_age: Some(match e.max_password_age {
            Some(days) if existing.is_some() => days.min(t.max_password_age),
            _ => t.max_password_age,
        }),
        password_reuse_prevention: Some(
            t.password_reuse_prevention
                .max(e.password_reuse_prevention.unwrap_or(0)),
        ),
        // Hard expiry locks users out; the baseline does not set it, but keeps it if set.
        hard_expiry: e.hard_expiry,
    }
}

fn detector_features(wanted: &[&str]) -> Vec<DetectorFeature> {
    let mut out: Vec<DetectorFeature> = vec![];
    for key in wanted {
        match key.split_once('/') {
            None => out.push(DetectorFeature {
                name: key.to_string(),
                status: "ENABLED".into(),
                additional_configuration: vec![],
            }),
            Some((feature, extra)) => {
                if let Some(f) = out.iter_mut().find(|f| f.name == feature) {
                    f.additional_configuration
                        .push((extra.to_string(), "ENABLED".into()));
                }
            }
        }
    }
    out
}

/// Sorts control ids as the catalog does (`EC2.2` before `EC2.10`).
pub fn control_sort_key(id: &str) -> (String, u32) {
    match id.rsplit_once('.') {
        Some((p, n)) => (p.to_ascii_lowercase(), n.parse().unwrap_or(u32::MAX)),
        None => (id.to_ascii_lowercase(), 0),
    }
}

/// What a default VPC holds besides its defaults (a reason to keep it).
fn customer_resources(vpc: &Vpc) -> Vec<String> {
    let mut out = vec![];
    for sg in vpc
        .security_groups
        .iter()
        .filter(|g| g.group_name != "default")
    {
        out.push(format!("security group `{}`", sg.group_id));
    }
    for rt in vpc.route_tables.iter().filter(|t| !t.main) {
        out.push(format!("route table `{}`", rt.route_table_id));
    }
    for acl in vpc.network_acls.iter().filter(|a| !a.is_default) {
        out.push(format!("network ACL `{}`", acl.network_acl_id));
    }
    for ep in &vpc.endpoints {
        out.push(format!("endpoint `{ep}`"));
    }
    for fl in &vpc.flow_logs {
        out.push(format!("flow log `{fl}`"));
    }
    out
}

/// The state of a bucket that `create_bucket` is about to make (AWS's defaults since 2023).
fn new_bucket(name: &str, region: &str) -> Bucket {
    Bucket {
        name: name.into(),
        region: region.into(),
        public_access_block: Some(PublicAccessBlock::ALL),
        object_ownership: Some("BucketOwnerEnforced".into()),
        encryption: Some("AES256".into()),
        ..Bucket::default()
    }
}

/// Whether a bucket is public now: a public ACL, or a policy statement that allows everyone
/// without a restricting condition (as S3.2/S3.3 judge it), not neutralised by the bucket's
/// own public access block.
pub fn bucket_is_public(b: &Bucket) -> bool {
    let pab = b.public_access_block.unwrap_or_default();
    let acl_public = b.public_acl && !pab.ignore_public_acls;
    let policy_public = !pab.restrict_public_buckets
        && b.policy
            .as_deref()
            .and_then(policy::parse)
            .is_some_and(|doc| {
                policy::statements(&doc)
                    .iter()
                    .any(|s| policy::allows_public(s))
            });
    acl_public || policy_public
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::ControlAssociation;

    fn baselined() -> Snapshot {
        serde_json::from_str(include_str!(
            "../../golden/fully_baselined_account/snapshot.json"
        ))
        .expect("the golden snapshot parses")
    }

    #[test]
    fn a_baselined_account_plans_nothing() {
        assert!(plan(&baselined(), &Baseline::fsbp()).actions.is_empty());
    }

    /// SPEC §4 and the seed's rule: a control the live standard gained after the review
    /// is disabled with reason "not yet reviewed".
    #[test]
    fn live_controls_outside_the_catalog_are_disabled_as_not_yet_reviewed() {
        let mut s = baselined();
        let hub = s
            .regions
            .get_mut("eu-west-1")
            .unwrap()
            .services
            .security_hub
            .known_mut()
            .unwrap()
            .as_mut()
            .unwrap();
        hub.fsbp_controls.insert(
            "EC2.999".into(),
            ControlAssociation {
                enabled: true,
                disabled_reason: None,
            },
        );
        let p = plan(&s, &Baseline::fsbp());
        assert_eq!(p.actions.len(), 1, "{:?}", p.actions);
        let Action::BatchUpdateStandardsControlAssociations { updates, .. } = &p.actions[0].op
        else {
            panic!("{:?}", p.actions[0]);
        };
        assert_eq!(updates.len(), 1);
        assert_eq!(updates[0].security_control_id, "EC2.999");
        assert_eq!(updates[0].association_status, "DISABLED");
        assert!(
            updates[0]
                .updated_reason
                .as_deref()
                .unwrap()
                .starts_with("not yet reviewed")
        );
    }

    /// A control the customer disabled that the baseline wants is enabled again.
    #[test]
    fn controls_disabled_outside_the_baseline_are_enabled_again() {
        let mut s = baselined();
        let hub = s
            .regions
            .get_mut("us-east-1")
            .unwrap()
            .services
            .security_hub
            .known_mut()
            .unwrap()
            .as_mut()
            .unwrap();
        hub.fsbp_controls.get_mut("S3.5").unwrap().enabled = false;
        let p = plan(&s, &Baseline::fsbp());
        let Action::BatchUpdateStandardsControlAssociations { updates, .. } = &p.actions[0].op
        else {
            panic!("{:?}", p.actions);
        };
        assert_eq!(updates[0].security_control_id, "S3.5");
        assert_eq!(updates[0].association_status, "ENABLED");
    }

    #[test]
    fn password_policy_merge_keeps_every_stronger_value() {
        let b = Baseline::fsbp();
        let strong = PasswordPolicy {
            minimum_password_length: 30,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(30),
            password_reuse_prevention: Some(24),
            hard_expiry: true,
        };
        assert_eq!(merged_password_policy(Some(&strong), &b), strong);
        let weak = PasswordPolicy {
            minimum_password_length: 8,
            max_password_age: None,
            ..PasswordPolicy::default()
        };
        let m = merged_password_policy(Some(&weak), &b);
        assert_eq!(m.minimum_password_length, 14);
        assert_eq!(m.max_password_age, Some(90));
        assert_eq!(m.password_reuse_prevention, Some(24));
        assert!(m.require_symbols && !m.hard_expiry);
    }

    #[test]
    fn a_public_bucket_blocks_the_account_public_access_block() {
        let mut s = baselined();
        s.global.account_public_access_block = Observed::Known(None);
        s.global.buckets.known_mut().unwrap().push(Bucket {
            name: "site".into(),
            region: "us-east-1".into(),
            policy: Some(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#.into()),
            ..Bucket::default()
        });
        let p = plan(&s, &Baseline::fsbp());
        assert!(
            p.actions
                .iter()
                .all(|a| a.op.name() != "put_account_public_access_block")
        );
        assert!(
            p.skipped
                .iter()
                .any(|x| x.reason == "public_bucket_in_use" && x.detail.contains("`site`"))
        );
    }

    /// The switch turns on VPC block public access (EC2.172) and then no longer disables it;
    /// a blocking mode already set is kept.
    #[test]
    fn vpc_block_public_access_switch() {
        let mut b = Baseline::fsbp();
        b.features.vpc_block_public_access = true;
        b.controls.disabled.clear();
        let mut s = baselined();
        let p = plan(&s, &b);
        let modify: Vec<_> = p
            .actions
            .iter()
            .filter(|a| a.op.name() == "modify_vpc_block_public_access_options")
            .collect();
        assert_eq!(modify.len(), p.regions.len());
        s.regions
            .get_mut("us-east-1")
            .unwrap()
            .services
            .vpc_block_public_access = Observed::Known(crate::snapshot::VpcBlockPublicAccess {
            internet_gateway_block_mode: "block-ingress".into(),
        });
        let p = plan(&s, &b);
        assert!(
            p.action("us-east-1/modify_vpc_block_public_access_options")
                .is_none()
        );
    }
}
