//! IAM: the password policy, the root user, users and roles; reading them; creating the
//! roles the baseline needs and setting the password policy.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, IamResource, Operation, SLR};
use crate::effects::{Effect, find_mut, known};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::AwsError;

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// Days; `None` means passwords never expire.
    pub max_password_age: Option<u32>,
    /// `None` means no reuse prevention.
    pub password_reuse_prevention: Option<u32>,
    pub hard_expiry: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaKind {
    #[default]
    None,
    Virtual,
    Hardware,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootUser {
    pub mfa: MfaKind,
    /// Number of access keys the root user has (IAM.4 wants 0).
    pub access_keys: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamUser {
    pub name: String,
    pub console_password: bool,
    pub mfa_devices: u32,
    pub active_access_keys: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamRole {
    pub name: String,
    pub path: String,
    pub arn: String,
    /// Service principals the trust policy lets assume the role (derived from
    /// `assume_role_policy_document` when it is known).
    pub trusted_services: BTreeSet<String>,
    /// Inline policies by name (policy documents as JSON text).
    pub inline_policies: BTreeMap<String, String>,
    /// The whole trust policy (`iam:ListRoles` `AssumeRolePolicyDocument`, URL-decoded JSON
    /// text); empty when unknown (snapshots of earlier versions).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assume_role_policy_document: String,
    /// The role's tags (`iam:ListRoleTags`): the tool tags the roles it creates.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
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

/// Service principals an assume-role policy trusts.
pub fn trusted_services(policy: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
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

// ---- reads ----

const fn read(iam_actions: &'static [&'static str]) -> PartFacts {
    PartFacts {
        reach: Reach::Account,
        service: "iam",
        iam_actions,
    }
}

/// `password_policy`.
pub const READ_PASSWORD_POLICY: PartFacts = read(&["iam:GetAccountPasswordPolicy"]);
/// `root`.
pub const READ_ROOT: PartFacts = read(&["iam:GetAccountSummary", "iam:ListVirtualMFADevices"]);
/// `users`.
pub const READ_USERS: PartFacts = read(&[
    "iam:ListUsers",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:ListAccessKeys",
]);
/// `roles`.
pub const READ_ROLES: PartFacts = read(&[
    "iam:ListRoles",
    "iam:ListRoleTags",
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
]);

// ---- actions ----

const IAM: ActionFacts = ActionFacts {
    service: "iam",
    reach: Reach::Account,
    reads: &[Part::Roles],
    ..ActionFacts::DEFAULT
};

/// `iam:CreateServiceLinkedRole`: e.g. `AWSServiceRoleForConfig` for
/// `config.amazonaws.com`. Precondition: the role does not exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateServiceLinkedRole {
    pub aws_service_name: String,
}

impl Operation for CreateServiceLinkedRole {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &[SLR],
        change: Change::Create,
        controls: &["Config.1"],
        // The planner creates only Config's (planner/config.rs).
        service_linked_roles: &["config.amazonaws.com"],
        ..IAM
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let account_id = e.account_id().to_string();
        let roles = known(&mut e.account_wide()?.roles, "IAM roles")?;
        let name = service_linked_role_name(&self.aws_service_name);
        if !roles.iter().any(|r| r.name == name) {
            roles.push(IamRole {
                name,
                path: format!("/aws-service-role/{}/", self.aws_service_name),
                arn: service_linked_role_arn(&account_id, &self.aws_service_name),
                trusted_services: [self.aws_service_name.clone()].into(),
                inline_policies: Default::default(),
                assume_role_policy_document: String::new(),
                tags: Default::default(),
            });
        }
        Ok(())
    }
}

/// `iam:CreateRole`: a role that `service` may assume, with the tool's tags (so a later run
/// knows the role is its own). Precondition: no role of that name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRole {
    pub role_name: String,
    pub assume_role_policy_document: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The planner creates and changes no role but the trail's delivery role
/// (planner/trail.rs), so its IAM writes are scoped to that role.
const TRAIL_ROLE: ActionFacts = ActionFacts {
    controls: &["CloudTrail.5"],
    resource: IamResource::TrailLogsRole,
    ..IAM
};

impl Operation for CreateRole {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:CreateRole", "iam:TagRole"],
        change: Change::Create,
        ..TRAIL_ROLE
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let account_id = e.account_id().to_string();
        let roles = known(&mut e.account_wide()?.roles, "IAM roles")?;
        roles.push(IamRole {
            name: self.role_name.clone(),
            path: "/".into(),
            arn: format!("arn:aws:iam::{account_id}:role/{}", self.role_name),
            trusted_services: trusted_services(&self.assume_role_policy_document),
            inline_policies: Default::default(),
            assume_role_policy_document: self.assume_role_policy_document.clone(),
            tags: self.tags.clone(),
        });
        Ok(())
    }
}

/// `iam:UpdateAssumeRolePolicy`: replaces the trust policy of a role the tool owns.
/// Precondition: the role exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateAssumeRolePolicy {
    pub role_name: String,
    pub policy_document: String,
}

impl Operation for UpdateAssumeRolePolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:UpdateAssumeRolePolicy"],
        ..TRAIL_ROLE
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let role = role_mut(e, &self.role_name)?;
        role.trusted_services = trusted_services(&self.policy_document);
        role.assume_role_policy_document = self.policy_document.clone();
        Ok(())
    }
}

/// `iam:PutRolePolicy`: sets an inline policy of a role (creates or replaces it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutRolePolicy {
    pub role_name: String,
    pub policy_name: String,
    pub policy_document: String,
}

impl Operation for PutRolePolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:PutRolePolicy"],
        ..TRAIL_ROLE
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        role_mut(e, &self.role_name)?
            .inline_policies
            .insert(self.policy_name.clone(), self.policy_document.clone());
        Ok(())
    }
}

fn role_mut<'e>(e: &'e mut Effect<'_>, name: &str) -> Result<&'e mut IamRole, AwsError> {
    let roles = known(&mut e.account_wide()?.roles, "IAM roles")?;
    find_mut(roles, |r| r.name == name, || format!("role `{name}`"))
}

/// `iam:UpdateAccountPasswordPolicy`: the whole policy (the call replaces every field; the
/// planner already merged it with the stronger existing values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UpdateAccountPasswordPolicy(pub PasswordPolicy);

impl Operation for UpdateAccountPasswordPolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:UpdateAccountPasswordPolicy"],
        reads: &[Part::PasswordPolicy],
        controls: &["IAM.7"],
        ..IAM
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.account_wide()?.password_policy = crate::snapshot::Observed::Known(Some(self.0.clone()));
        Ok(())
    }
}
