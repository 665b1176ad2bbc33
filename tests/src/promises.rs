//! What the baseline promises, read off an account's true state by code of its own: an
//! independent reader, so that "the account meets the baseline" is not the planner agreeing
//! with itself (SPEC §3 "Desired state, every time", §8).
//!
//! [`unmet`] lists every promised setting the account does not have. It knows only the
//! baseline and the account, not the planner: where the baseline lets a setting go (a
//! customer's resource under one of the tool's names, a bucket the customer serves publicly,
//! a trail that records data events, a region outside the baseline), it says so itself,
//! from the state, with the same rules SPEC §2–3 state.

use serde_json::Value;

use secure_account_core::Baseline;
use secure_account_core::snapshot::{
    Bucket, KmsKey, LogGroup, Observed, RegionServices, Snapshot, Trail, VersioningStatus,
};

/// The tag the tool puts on what it creates (SPEC §3 "Own names only").
const MANAGED: (&str, &str) = ("secure-account:managed", "true");
/// The tag of the trail's key.
const KEY_PURPOSE: (&str, &str) = ("secure-account:purpose", "cloudtrail");

/// The GuardDuty feature keys (feature, or `FEATURE/ADDITIONAL`) each GuardDuty control
/// needs, from the Config rules behind the controls (GuardDuty.5–13).
const GUARDDUTY_FEATURES: &[(&str, &str)] = &[
    ("GuardDuty.5", "EKS_AUDIT_LOGS"),
    ("GuardDuty.6", "LAMBDA_NETWORK_LOGS"),
    ("GuardDuty.7", "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT"),
    ("GuardDuty.8", "EBS_MALWARE_PROTECTION"),
    ("GuardDuty.9", "RDS_LOGIN_EVENTS"),
    ("GuardDuty.10", "S3_DATA_EVENTS"),
    ("GuardDuty.11", "RUNTIME_MONITORING"),
    (
        "GuardDuty.12",
        "RUNTIME_MONITORING/ECS_FARGATE_AGENT_MANAGEMENT",
    ),
    ("GuardDuty.13", "RUNTIME_MONITORING/EC2_AGENT_MANAGEMENT"),
];

const RUNTIME_CONTROLS: [&str; 4] = [
    "GuardDuty.7",
    "GuardDuty.11",
    "GuardDuty.12",
    "GuardDuty.13",
];

/// Every setting `baseline` promises that `account` does not have, as
/// `<where>: <what>` lines. Unreadable parts of the state are not judged.
pub fn unmet(account: &Snapshot, baseline: &Baseline) -> Vec<String> {
    let mut out = Vec::new();
    let f = &baseline.features;
    let id = &account.account_id;
    let fill = |t: &str| t.replace("{account_id}", id);
    let regions: Vec<(&String, &RegionServices)> = account
        .regions
        .iter()
        .filter(|(name, r)| r.opt_in_status.is_enabled() && baseline.covers_region(name))
        .map(|(name, r)| (name, &r.services))
        .collect();
    let mut miss = |place: &str, what: String| out.push(format!("{place}: {what}"));

    // ---- account-wide ----
    if f.password_policy
        && let Observed::Known(policy) = &account.global.password_policy
    {
        let t = &baseline.password_policy;
        match policy {
            None => miss("account", "no password policy".into()),
            Some(p) => {
                let weak = p.minimum_password_length < t.minimum_password_length
                    || (t.require_symbols && !p.require_symbols)
                    || (t.require_numbers && !p.require_numbers)
                    || (t.require_uppercase_characters && !p.require_uppercase_characters)
                    || (t.require_lowercase_characters && !p.require_lowercase_characters)
                    || p.max_password_age.is_none_or(|d| d > t.max_password_age)
                    || p.password_reuse_prevention
                        .is_none_or(|n| n < t.password_reuse_prevention);
                if weak {
                    miss(
                        "account",
                        format!("password policy weaker than asked: {p:?}"),
                    );
                }
            }
        }
    }
    let buckets: &[Bucket] = account.global.buckets.known().map_or(&[], Vec::as_slice);
    if f.s3_account_public_access_block
        && account.global.buckets.known().is_some()
        && !buckets.iter().any(served_publicly)
        && let Observed::Known(pab) = &account.global.account_public_access_block
        && !pab.is_some_and(|p| {
            p.block_public_acls
                && p.ignore_public_acls
                && p.block_public_policy
                && p.restrict_public_buckets
        })
    {
        miss(
            "account",
            "S3 account public access block not all four".into(),
        );
    }
    // A contact the customer registered is theirs and kept; none at all is a miss.
    if baseline.security_contact.is_some()
        && let Observed::Known(None) = &account.global.security_contact
    {
        miss("account", "no security contact".into());
    }

    // ---- the log buckets the tool owns ----
    // A bucket under one of the tool's names that it did not create (untagged) and that no
    // trail or Config channel of this account writes to is the customer's (SPEC §3 "Own
    // names only"): logs cannot be delivered to it, so what needs it (a new trail, Config's
    // delivery and recording, the other bucket's logging to it) is a decision for the
    // operator (rename it in the baseline), not a promise.
    let log = fill(&baseline.names.log_bucket);
    let access = fill(&baseline.names.access_log_bucket);
    let usable = |name: &str| match buckets.iter().find(|b| b.name == name) {
        None => true,
        Some(b) => tagged(&b.tags, MANAGED) || receives_logs(account, name),
    };
    let log_usable = usable(&log);
    if f.cloudtrail || f.config {
        for (name, target) in [(&log, &access), (&access, &log)] {
            let Some(b) = buckets.iter().find(|b| &b.name == name) else {
                continue;
            };
            if !tagged(&b.tags, MANAGED) {
                continue;
            }
            let place = format!("bucket `{name}`");
            if !b.public_access_block.is_some_and(|p| p.all()) {
                miss(&place, "public access block not all four".into());
            }
            if b.object_ownership.as_deref() != Some("BucketOwnerEnforced") {
                miss(&place, "ACLs not disabled".into());
            }
            if b.encryption.is_none() {
                miss(&place, "no default encryption".into());
            }
            if b.versioning != Some(VersioningStatus::Enabled) {
                miss(&place, "versioning not enabled".into());
            }
            if !denies_plain_http(b.policy.as_deref()) {
                miss(&place, "policy does not deny requests without TLS".into());
            }
            if b.lifecycle_rules.is_empty() {
                miss(&place, "no lifecycle rule".into());
            }
            if usable(target) && b.logging_target.as_deref() != Some(target.as_str()) {
                miss(&place, format!("does not log to `{target}`"));
            }
        }
    }

    // ---- the trail ----
    if f.cloudtrail {
        let mut trails: Vec<&Trail> = Vec::new();
        let mut readable = true;
        for (_, s) in &regions {
            match &s.trails {
                Observed::Known(ts) => trails.extend(ts),
                Observed::Unreadable { .. } => readable = false,
            }
        }
        // Trails whose home region the baseline does not cover are not its to change.
        let outside = account.regions.iter().any(|(name, r)| {
            !baseline.covers_region(name)
                && r.services
                    .trails
                    .known()
                    .is_some_and(|ts| ts.iter().any(|t| t.is_multi_region_trail))
        });
        if readable && !outside && (log_usable || !trails.is_empty()) {
            trail_promises(account, baseline, &trails, &mut miss);
        }
    }

    // ---- each region ----
    for (name, s) in &regions {
        let home = **name == baseline.home_region;
        region_promises(name, home, s, baseline, log_usable, &mut miss);
    }
    out
}

fn trail_promises(
    account: &Snapshot,
    baseline: &Baseline,
    trails: &[&Trail],
    miss: &mut impl FnMut(&str, String),
) {
    let wanted = &baseline.names.trail;
    let Some(t) = trails
        .iter()
        .find(|t| &t.name == wanted)
        .or_else(|| trails.iter().find(|t| t.is_multi_region_trail))
        .or_else(|| trails.first())
    else {
        miss("account", "no trail".into());
        return;
    };
    let place = format!("trail `{}`", t.name);
    if !t.is_multi_region_trail {
        miss(&place, "not multi-region".into());
    }
    if !t.include_global_service_events {
        miss(&place, "no global service events".into());
    }
    if !t.log_file_validation_enabled {
        miss(&place, "no log file validation".into());
    }
    if !t.is_logging {
        miss(&place, "not logging".into());
    }
    // Replacing the selectors of a trail that records data events would drop them: that
    // trail's management events are the customer's to add (SPEC §3).
    if !t.data_events && t.management_events.as_deref() != Some("All") {
        miss(&place, "management events not read and write".into());
    }
    let Some(key_id) = &t.kms_key_id else {
        miss(&place, "not encrypted with a KMS key".into());
        return;
    };
    let keys: Vec<&KmsKey> = account
        .regions
        .get(&t.home_region)
        .and_then(|r| r.services.kms_keys.known())
        .map(|ks| ks.iter().collect())
        .unwrap_or_default();
    if let Some(k) = keys.iter().find(|k| names_key(k, key_id))
        && tagged(&k.tags, KEY_PURPOSE)
        && !k.rotation_enabled
    {
        miss(
            &place,
            format!("the tool's key `{}` does not rotate", k.key_id),
        );
    }
    if baseline.features.cloudwatch_logs {
        let group = baseline
            .names
            .trail_log_group
            .replace("{account_id}", &account.account_id);
        let groups: Vec<&LogGroup> = account
            .regions
            .get(&t.home_region)
            .and_then(|r| r.services.log_groups.known())
            .map(|gs| gs.iter().collect())
            .unwrap_or_default();
        match &t.cloud_watch_logs_log_group_arn {
            Some(arn) => {
                if let Some(g) = groups
                    .iter()
                    .find(|g| arn.contains(&format!(":log-group:{}", g.name)))
                    && g.name == group
                    && tagged(&g.tags, MANAGED)
                    && g.retention_in_days.is_none()
                {
                    miss(
                        &place,
                        format!("the tool's log group `{group}` keeps logs forever"),
                    );
                }
            }
            None => {
                // The customer's group or role under the tool's names: the trail is not sent
                // to CloudWatch Logs (the plan says so), nothing to promise.
                let taken = groups
                    .iter()
                    .any(|g| g.name == group && !tagged(&g.tags, MANAGED))
                    || account.global.roles.known().is_some_and(|rs| {
                        rs.iter().any(|r| {
                            r.name == baseline.names.trail_logs_role && !tagged(&r.tags, MANAGED)
                        })
                    });
                if !taken {
                    miss(&place, "not sent to CloudWatch Logs".into());
                }
            }
        }
    }
}

fn region_promises(
    region: &str,
    home: bool,
    s: &RegionServices,
    baseline: &Baseline,
    log_usable: bool,
    miss: &mut impl FnMut(&str, String),
) {
    let f = &baseline.features;
    // A control the baseline disables, or one AWS does not offer in this region (the
    // catalog's regional availability, data about AWS), promises nothing here.
    let catalog = secure_account_core::Catalog::builtin();
    let disabled = |c: &str| {
        baseline.controls.disabled.contains_key(c)
            || catalog.get(c).is_some_and(|c| !c.offered_in(region))
    };
    let mut miss = |what: String| miss(region, what);
    if f.security_hub
        && let Observed::Known(hub) = &s.security_hub
    {
        match hub {
            None => miss("Security Hub not enabled".into()),
            Some(h) => {
                if h.control_finding_generator != "SECURITY_CONTROL" {
                    miss("control findings not consolidated".into());
                }
                if h.auto_enable_controls {
                    miss("new controls enabled automatically".into());
                }
                let fsbp = format!(
                    "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
                );
                if h.standards.get(&fsbp).map(String::as_str) != Some("READY") {
                    miss("FSBP not subscribed and ready".into());
                }
                if home && f.finding_aggregator && h.finding_aggregator.is_none() {
                    miss("no finding aggregator in the home region".into());
                }
            }
        }
    }
    if f.guardduty
        && let Observed::Known(detector) = &s.guardduty
    {
        match detector {
            None => miss("no GuardDuty detector".into()),
            Some(d) => {
                if !d.enabled {
                    miss("GuardDuty detector suspended".into());
                }
                if d.finding_publishing_frequency != "FIFTEEN_MINUTES" {
                    miss("GuardDuty findings not published every 15 minutes".into());
                }
                for (control, key) in GUARDDUTY_FEATURES {
                    let declined =
                        !f.guardduty_runtime_monitoring && RUNTIME_CONTROLS.contains(control);
                    if disabled(control) || declined {
                        continue;
                    }
                    let on = |k: &str| d.features.get(k) == Some(&true);
                    let feature = key.split('/').next().unwrap_or(key);
                    if !(on(key) && on(feature)) {
                        miss(format!("GuardDuty feature {key} off ({control})"));
                    }
                }
            }
        }
    }
    // Config records only once a delivery channel exists (AWS refuses to start otherwise).
    if f.config
        && let Observed::Known(config) = &s.config
        && (log_usable || !config.delivery_channels.is_empty())
        && !config
            .recorders
            .iter()
            .any(|r| r.recording && r.all_supported)
    {
        miss("no Config recorder recording every supported type".into());
    }
    if f.access_analyzer
        && let Observed::Known(analyzers) = &s.analyzers
    {
        let active = analyzers
            .iter()
            .find(|a| a.kind == "ACCOUNT" && a.status == "ACTIVE");
        match active {
            None => miss("no account analyzer".into()),
            Some(a) => {
                if !baseline.trusted_principals.is_empty()
                    && !a.archive_rules.contains_key(&baseline.names.archive_rule)
                {
                    miss("no archive rule for the trusted principals".into());
                }
            }
        }
    }
    if let Observed::Known(ebs) = &s.ebs {
        if f.ebs_encryption && !ebs.encryption_by_default {
            miss("EBS not encrypted by default".into());
        }
        if f.imdsv2_default
            && let Observed::Known(d) = &ebs.instance_metadata_defaults
            && d.http_tokens.map(|t| t.as_str()) != Some("required")
        {
            miss("new instances do not default to IMDSv2".into());
        }
    }
    if f.snapshot_block_public_access
        && let Observed::Known(b) = &s.snapshot_block_public_access
        && b.state != "block-all-sharing"
    {
        miss("EBS snapshots may be shared publicly".into());
    }
    if f.athena
        && let Observed::Known(groups) = &s.athena_workgroups
        && let Some(primary) = groups.iter().find(|g| g.name == "primary")
        && (!primary.publish_cloud_watch_metrics_enabled || primary.encryption_option.is_none())
    {
        miss("Athena `primary`: metrics or result encryption off".into());
    }
    if f.ssm
        && let Observed::Known(ssm) = &s.ssm
    {
        if !ssm.public_sharing_blocked {
            miss("SSM documents may be shared publicly".into());
        }
        if ssm.automation_log_destination.as_deref() != Some("CloudWatch") {
            miss("SSM automation not logged to CloudWatch".into());
        }
    }
    if f.inspector
        && let Observed::Known(i) = &s.inspector
    {
        let mut types = vec![
            ("EC2", "Inspector.1"),
            ("ECR", "Inspector.2"),
            ("LAMBDA", "Inspector.4"),
        ];
        if f.inspector_lambda_code {
            types.push(("LAMBDA_CODE", "Inspector.3"));
        }
        for (t, control) in types {
            if !disabled(control) && !i.scans(t) {
                miss(format!("Inspector does not scan {t}"));
            }
        }
    }
    if f.macie
        && let Observed::Known(m) = &s.macie
    {
        if !m.enabled {
            miss("Macie not enabled".into());
        } else if f.macie_automated_discovery && !m.automated_discovery {
            miss("Macie automated discovery off".into());
        }
    }
}

/// Whether a trail or a Config delivery channel of this account writes to bucket `name`.
fn receives_logs(account: &Snapshot, name: &str) -> bool {
    account.regions.values().any(|r| {
        r.services
            .trails
            .known()
            .is_some_and(|ts| ts.iter().any(|t| t.s3_bucket_name == name))
            || r.services
                .config
                .known()
                .is_some_and(|c| c.delivery_channels.iter().any(|d| d.s3_bucket_name == name))
    })
}

fn tagged(tags: &std::collections::BTreeMap<String, String>, (k, v): (&str, &str)) -> bool {
    tags.get(k).map(String::as_str) == Some(v)
}

/// Whether `id` (a trail's `KmsKeyId`: key ARN or id, alias ARN or name) names `k`.
fn names_key(k: &KmsKey, id: &str) -> bool {
    if k.arn == id || k.key_id == id {
        return true;
    }
    let alias = id
        .split_once(":alias/")
        .map_or(id.to_string(), |(_, a)| format!("alias/{a}"));
    k.aliases.contains(&alias)
}

/// A bucket anyone can read: through its ACL, or a policy statement that allows `*` without
/// a condition, where its own public access block does not stop it.
fn served_publicly(b: &Bucket) -> bool {
    let pab = b.public_access_block.unwrap_or_default();
    let acl = b.public_acl && !pab.ignore_public_acls;
    let anyone = |p: &Value| match p {
        Value::String(s) => s == "*",
        Value::Object(o) => o.get("AWS").is_some_and(|a| match a {
            Value::String(s) => s == "*",
            Value::Array(list) => list.iter().any(|x| x == "*"),
            _ => false,
        }),
        _ => false,
    };
    let policy = !pab.restrict_public_buckets
        && statements(b.policy.as_deref()).iter().any(|s| {
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && s.get("Condition").is_none()
                && s.get("Principal").is_some_and(anyone)
        });
    acl || policy
}

/// Whether the policy denies every request that does not use TLS
/// (`aws:SecureTransport` false), as S3.5 asks.
fn denies_plain_http(policy: Option<&str>) -> bool {
    statements(policy).iter().any(|s| {
        s.get("Effect").and_then(Value::as_str) == Some("Deny")
            && s.get("Condition")
                .and_then(|c| c.get("Bool"))
                .and_then(|b| b.get("aws:SecureTransport"))
                .is_some_and(|v| v == "false" || v == &Value::Bool(false))
    })
}

fn statements(policy: Option<&str>) -> Vec<Value> {
    let Some(doc) = policy.and_then(|p| serde_json::from_str::<Value>(p).ok()) else {
        return Vec::new();
    };
    match doc.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}
