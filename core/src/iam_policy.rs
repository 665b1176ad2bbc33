//! The least-privilege IAM policy that `snapshot`, `plan`, `apply` and `verify` need
//! (`secure-account iam-policy`), built from the tables rather than kept by hand: the read
//! table (every [`Part`]'s IAM actions and the preamble's, [`PREAMBLE_IAM_ACTIONS`]) and the
//! action table (every [`ActionKind`]'s, with the resource it can be scoped to, the role it
//! passes and the service-linked roles it may create). A new part or action is in the policy
//! the moment it is in its table.
//!
//! The policy is written before the account id is known, so ARNs name the account `*`:
//! IAM acts only on the caller's account, and a role can only be passed to a service of the
//! same account, so `*` there grants nothing in other accounts.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::action::{ActionKind, IamResource, PassedRole};
use crate::baseline::{BaselineError, Names};
use crate::part::{PREAMBLE_IAM_ACTIONS, Part};
use crate::planner::KEY_PURPOSE_TAG;
use crate::policy::wildcard_match;
use crate::snapshot::iam::service_linked_role_arn;

/// The most characters (whitespace not counted) a customer managed policy may have.
pub const MANAGED_POLICY_LIMIT: usize = 6_144;

/// The most characters (whitespace not counted) of all inline policies of one role together.
pub const INLINE_ROLE_POLICY_LIMIT: usize = 10_240;

const PASS_ROLE: &str = "iam:PassRole";
const CREATE_SLR: &str = "iam:CreateServiceLinkedRole";
/// Every KMS key of the account (the policy is written before the account id is known).
const ANY_KEY: &str = "arn:aws:kms:*:*:key/*";

/// Which commands the policy is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// `snapshot`, `plan`, `apply` and `verify`: every read and every write.
    Full,
    /// `snapshot`, `plan` and `verify`: reads only.
    ReadOnly,
    /// What `apply` needs beyond the reads: with [`Access::ReadOnly`] it is [`Access::Full`]
    /// in two documents, each within a managed policy's limit when the whole is not.
    WritesOnly,
}

/// An IAM policy document. Serialises with its keys in the order IAM's own examples use
/// (`Version`, `Statement`; `Sid`, `Effect`, `Action`, `Resource`, `Condition`), whatever
/// serde_json features the build turns on; a list of one is written as a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: &'static str,
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// Sorted, without duplicates.
    #[serde(rename = "Action", serialize_with = "one_or_many")]
    pub actions: Vec<String>,
    #[serde(rename = "Resource", serialize_with = "one_or_many")]
    pub resources: Vec<String>,
    /// Operator → condition key → values.
    #[serde(
        rename = "Condition",
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "condition"
    )]
    pub condition: BTreeMap<&'static str, BTreeMap<String, Vec<String>>>,
}

/// The policy for `access`, with the tool's role named as `names` names it (`[names]
/// trail_logs_role` of the baseline).
///
/// Statements, each left out when empty:
/// - `Read`: every read, on any resource;
/// - `Write`: every write whose resource the tool cannot know in advance;
/// - `OwnRoles`: creating, tagging and changing the tool's own roles (the
///   CloudTrail → CloudWatch Logs role, the notification stack's service role), on those
///   roles only;
/// - `CreateTrailKey`, `TrailKeyAlias`, `TrailKeyPolicy`: the trail's key, made only with
///   the tool's purpose tag, its alias by name, its policy only on keys with that tag (see
///   [`IamResource`] for why the alias's key, and rotation in `Write`, are any key);
/// - `TrailLogGroup`: the trail's log group, by name;
/// - `PassTrailLogsRole`, `PassConfigRole`,
///   `PassNotificationStackRole`: `iam:PassRole`, only of the trail's role to
///   CloudTrail, of Config's service-linked role, and of the stack's role to CloudFormation;
/// - `ServiceLinkedRoles`: `iam:CreateServiceLinkedRole` for exactly the
///   services whose role an action may create.
///
/// Fails when the role name is not one IAM accepts (a wildcard there would widen the
/// statements on it to other roles).
pub fn build(names: &Names, access: Access) -> Result<PolicyDocument, BaselineError> {
    let trail_logs_role = trail_logs_role_arn(names)?;
    let stack_role = role_arn(
        "names.notification_stack_role",
        &names.notification_stack_role,
    )?;
    let reads: BTreeSet<&str> = PREAMBLE_IAM_ACTIONS
        .into_iter()
        .chain(Part::all().flat_map(|p| p.facts().iam_actions.iter().copied()))
        .collect();
    let mut statements = vec![];
    if access != Access::WritesOnly {
        statements.push(allow("Read", &reads, vec!["*".into()]));
    }
    if access == Access::ReadOnly {
        return Ok(document(statements));
    }

    let mut writes: BTreeMap<IamResource, BTreeSet<&str>> = BTreeMap::new();
    let mut passed = BTreeSet::new();
    let mut service_linked = BTreeSet::new();
    for kind in ActionKind::all() {
        let facts = kind.facts();
        for &action in facts.iam_actions {
            match action {
                // Granted below, on the role only.
                PASS_ROLE | CREATE_SLR => {}
                _ if reads.contains(action) => {}
                _ => {
                    writes.entry(facts.resource).or_default().insert(action);
                }
            }
        }
        passed.extend(facts.passes_role);
        service_linked.extend(facts.service_linked_roles.iter().copied());
    }
    let (tag_key, tag_value) = KEY_PURPOSE_TAG;
    for (resource, actions) in &writes {
        statements.push(match resource {
            IamResource::Any => allow("Write", actions, vec!["*".into()]),
            IamResource::OwnRoles => allow(
                "OwnRoles",
                actions,
                vec![trail_logs_role.clone(), stack_role.clone()],
            ),
            // `kms:CreateKey` names no resource; its `Tags` need `kms:TagResource`, on the
            // key being made. Both only with the purpose tag and no other tag key: IAM
            // cannot tell that tagging from a later `TagResource`, so the tag could still
            // be put on another key (and that key's policy then changed); the conditions
            // keep every other tag out.
            IamResource::NewTrailKey => with_condition(
                with_condition(
                    allow("CreateTrailKey", actions, vec!["*".into()]),
                    "StringEquals",
                    format!("aws:RequestTag/{tag_key}"),
                    vec![tag_value.into()],
                ),
                "ForAllValues:StringEquals",
                "aws:TagKeys".into(),
                vec![tag_key.into()],
            ),
            IamResource::TrailKeyAlias => allow(
                "TrailKeyAlias",
                actions,
                vec![
                    format!("arn:aws:kms:*:*:{}", Names::fill(&names.kms_alias, "*")),
                    ANY_KEY.into(),
                ],
            ),
            IamResource::TaggedTrailKey => with_condition(
                allow("TrailKeyPolicy", actions, vec![ANY_KEY.into()]),
                "StringEquals",
                format!("aws:ResourceTag/{tag_key}"),
                vec![tag_value.into()],
            ),
            // The log group's ARN without `:*` (what `TagResource` is authorised on) and
            // with it (every other action; CloudWatch Logs user guide, "Overview of
            // managing access permissions to your CloudWatch Logs resources").
            IamResource::TrailLogGroup => {
                let group = format!(
                    "arn:aws:logs:*:*:log-group:{}",
                    Names::fill(&names.trail_log_group, "*")
                );
                allow(
                    "TrailLogGroup",
                    actions,
                    vec![group.clone(), format!("{group}:*")],
                )
            }
        });
    }
    for role in passed {
        statements.push(match role {
            PassedRole::TrailLogsRole => with_condition(
                allow(
                    "PassTrailLogsRole",
                    &[PASS_ROLE].into(),
                    vec![trail_logs_role.clone()],
                ),
                "StringEquals",
                "iam:PassedToService".into(),
                vec![role.service().into()],
            ),
            // No `iam:PassedToService` condition: AWS's own policy for setting up Config
            // (AWSSystemsManagerEnableConfigRecordingExecutionPolicy) passes this role
            // without one, and its trust policy lets only Config assume it anyway.
            PassedRole::ConfigServiceLinkedRole => allow(
                "PassConfigRole",
                &[PASS_ROLE].into(),
                vec![service_linked_role_arn("*", role.service())],
            ),
            PassedRole::NotificationStackRole => with_condition(
                allow(
                    "PassNotificationStackRole",
                    &[PASS_ROLE].into(),
                    vec![stack_role.clone()],
                ),
                "StringEquals",
                "iam:PassedToService".into(),
                vec![role.service().into()],
            ),
        });
    }
    if !service_linked.is_empty() {
        // Service-linked roles only (their path), of exactly these services: the
        // condition AWS's managed policies use for the same grant. The services are named
        // once, in the condition, not again in one ARN each: the policy must fit IAM's
        // 6,144 characters.
        statements.push(with_condition(
            allow(
                "ServiceLinkedRoles",
                &[CREATE_SLR].into(),
                vec!["arn:aws:iam::*:role/aws-service-role/*".into()],
            ),
            "StringEquals",
            "iam:AWSServiceName".into(),
            service_linked.iter().map(|s| s.to_string()).collect(),
        ));
    }
    statements.retain(|s| !s.actions.is_empty());
    Ok(document(statements))
}

/// Whether some statement of `policy` allows `iam_action` (`s3:PutLifecycleConfiguration`)
/// on some resource: an exact or wildcard match, case-insensitive as IAM matches actions.
pub fn allows(policy: &PolicyDocument, iam_action: &str) -> bool {
    policy
        .statements
        .iter()
        .any(|s| s.effect == "Allow" && s.actions.iter().any(|a| wildcard_match(a, iam_action)))
}

/// Whether some statement of `policy` allows `iam_action` on `resource` (an ARN), its
/// conditions not evaluated.
pub fn allows_on(policy: &PolicyDocument, iam_action: &str, resource: &str) -> bool {
    policy.statements.iter().any(|s| {
        s.effect == "Allow"
            && s.actions.iter().any(|a| wildcard_match(a, iam_action))
            && s.resources.iter().any(|r| wildcard_match(r, resource))
    })
}

/// The policy's size as IAM counts it against its limits: characters of the JSON
/// document, whitespace not counted.
pub fn size(policy: &PolicyDocument) -> usize {
    serde_json::to_string(policy)
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

/// The tool's CloudTrail → CloudWatch Logs role in any account: `{account_id}` in the
/// name matches any account id.
pub fn trail_logs_role_arn(names: &Names) -> Result<String, BaselineError> {
    role_arn("names.trail_logs_role", &names.trail_logs_role)
}

/// The role `name` (a `[names]` value, the key `field`) in any account.
fn role_arn(field: &str, name: &str) -> Result<String, BaselineError> {
    // IAM role names: letters, digits and `+=,.@_-`, at most 64 characters.
    let literal = name.replace("{account_id}", "");
    let valid = !name.is_empty()
        && literal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if !valid {
        return Err(BaselineError::Invalid {
            field: field.into(),
            message: format!(
                "`{name}` is not an IAM role name (letters, digits and `+=,.@_-` only, \
                 `{{account_id}}` allowed)"
            ),
        });
    }
    Ok(format!("arn:aws:iam::*:role/{}", Names::fill(name, "*")))
}

fn document(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        version: "2012-10-17",
        statements,
    }
}

fn allow(sid: &'static str, actions: &BTreeSet<&str>, resources: Vec<String>) -> Statement {
    Statement {
        sid,
        effect: "Allow",
        actions: actions.iter().map(|a| a.to_string()).collect(),
        resources,
        condition: BTreeMap::new(),
    }
}

fn with_condition(
    mut statement: Statement,
    operator: &'static str,
    key: String,
    values: Vec<String>,
) -> Statement {
    statement
        .condition
        .entry(operator)
        .or_default()
        .insert(key, values);
    statement
}

fn one_or_many<S: Serializer>(values: &[String], s: S) -> Result<S::Ok, S::Error> {
    match values {
        [one] => s.serialize_str(one),
        many => many.serialize(s),
    }
}

fn condition<S: Serializer>(
    condition: &BTreeMap<&'static str, BTreeMap<String, Vec<String>>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let one_or_many = |values: &Vec<String>| match values.as_slice() {
        [one] => Value::String(one.clone()),
        many => many.iter().cloned().map(Value::String).collect(),
    };
    let written: BTreeMap<&str, BTreeMap<&str, Value>> = condition
        .iter()
        .map(|(op, keys)| {
            (
                *op,
                keys.iter()
                    .map(|(k, v)| (k.as_str(), one_or_many(v)))
                    .collect(),
            )
        })
        .collect();
    written.serialize(s)
}

#[cfg(test)]
#[path = "iam_policy_tests.rs"]
mod tests;
