//! IAM: the password policy, the root user, users and roles; reading them; creating the
//! roles the baseline needs and setting the password policy.
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MfaKind {
    #[default]
    None,
    Virtual,
    Hardware,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RootUser {
    pub mfa: MfaKind,
    /// Number of access keys the root user has (IAM.4 wants 0).
    pub access_keys: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IamUser {
    pub name: String,
    pub console_password: bool,
    pub mfa_devices: u32,
    pub active_access_keys: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
