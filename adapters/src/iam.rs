//! IAM: the password policy, the root user, users and roles (account-wide); service-linked
//! roles, the tool's role and its policies, the password policy. IAM is global: the
//! client's region only picks the partition.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::{AssignmentStatusType, StatusType, SummaryKeyType, Tag};
use futures::{StreamExt, TryStreamExt};
use secure_account_core::AwsError;
use secure_account_core::action::iam::{
    CreateRole, CreateServiceLinkedRole, PutRolePolicy, UpdateAccountPasswordPolicy,
    UpdateAssumeRolePolicy,
};
use secure_account_core::snapshot::{IamRole, IamUser, MfaKind, PasswordPolicy, RootUser};
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute, invalid};
use crate::util::{ITEM_CONCURRENCY, normalize_json, url_decoded};

// ---- reads ----

/// `iam:GetAccountPasswordPolicy`; `None` when the account has none (`NoSuchEntity`).
pub async fn read_password_policy(iam: &Client) -> Result<Option<PasswordPolicy>, AwsError> {
    match iam.get_account_password_policy().send().await {
        Ok(out) => Ok(out.password_policy().map(password_policy)),
        Err(e) if e.code() == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(aws("iam:GetAccountPasswordPolicy")(e)),
    }
}

/// The SDK's password policy as the snapshot keeps it. A maximum age counts only while
/// passwords expire.
pub fn password_policy(p: &aws_sdk_iam::types::PasswordPolicy) -> PasswordPolicy {
    PasswordPolicy {
        minimum_password_length: p.minimum_password_length().map_or(0, non_negative),
        require_symbols: p.require_symbols(),
        require_numbers: p.require_numbers(),
        require_uppercase_characters: p.require_uppercase_characters(),
        require_lowercase_characters: p.require_lowercase_characters(),
        allow_users_to_change_password: p.allow_users_to_change_password(),
        max_password_age: if p.expire_passwords() || p.max_password_age().is_some_and(|d| d > 0) {
            p.max_password_age().filter(|d| *d > 0).map(non_negative)
        } else {
            None
        },
        password_reuse_prevention: p
            .password_reuse_prevention()
            .filter(|n| *n > 0)
            .map(non_negative),
        hard_expiry: p.hard_expiry().unwrap_or(false),
    }
}

fn non_negative(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// The root user: `iam:GetAccountSummary` (MFA on, access keys present) and
/// `iam:ListVirtualMFADevices` (a virtual device assigned to root means virtual MFA; MFA
/// on without one means a hardware device).
pub async fn read_root(iam: &Client) -> Result<RootUser, AwsError> {
    let summary = iam
        .get_account_summary()
        .send()
        .await
        .map_err(aws("iam:GetAccountSummary"))?;
    let map = summary.summary_map();
    let get = |k: SummaryKeyType| map.and_then(|m| m.get(&k)).copied().unwrap_or(0);
    let mfa_enabled = get(SummaryKeyType::AccountMfaEnabled) > 0;
    let access_keys = non_negative(get(SummaryKeyType::AccountAccessKeysPresent));
    let mfa = if mfa_enabled {
        let devices: Vec<_> = iam
            .list_virtual_mfa_devices()
            .assignment_status(AssignmentStatusType::Assigned)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws("iam:ListVirtualMFADevices"))?;
        let root_virtual = devices.iter().any(|d| {
            d.serial_number().ends_with(":mfa/root-account-mfa-device")
                || d.user().is_some_and(|u| u.arn().ends_with(":root"))
        });
        if root_virtual {
            MfaKind::Virtual
        } else {
            MfaKind::Hardware
        }
    } else {
        MfaKind::None
    };
    Ok(RootUser { mfa, access_keys })
}

/// `iam:ListUsers`, then for each user `iam:GetLoginProfile` (console password),
/// `iam:ListMFADevices` and `iam:ListAccessKeys` (active keys).
pub async fn read_users(iam: &Client) -> Result<Vec<IamUser>, AwsError> {
    let users: Vec<_> = iam
        .list_users()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("iam:ListUsers"))?;
    let mut out: Vec<IamUser> = futures::stream::iter(users)
        .map(|u| read_user(iam, u.user_name().to_string()))
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn read_user(iam: &Client, name: String) -> Result<IamUser, AwsError> {
    let console_password = match iam.get_login_profile().user_name(&name).send().await {
        Ok(_) => true,
        Err(e) if e.code() == Some("NoSuchEntity") => false,
        Err(e) => return Err(aws("iam:GetLoginProfile")(e)),
    };
    let mfa: Vec<_> = iam
        .list_mfa_devices()
        .user_name(&name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("iam:ListMFADevices"))?;
    let keys: Vec<_> = iam
        .list_access_keys()
        .user_name(&name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("iam:ListAccessKeys"))?;
    Ok(IamUser {
        name,
        console_password,
        mfa_devices: mfa.len() as u32,
        active_access_keys: keys
            .iter()
            .filter(|k| k.status() == Some(&StatusType::Active))
            .count() as u32,
    })
}

/// The path of service-linked roles; they are found by it (and by their service
/// principal), never by name: emulators spell the names differently.
pub const SERVICE_LINKED_PATH: &str = "/aws-service-role/";

/// `iam:ListRoles` (every role, with its trust policy), then each role's tags
/// (`iam:ListRoleTags`: ListRoles does not return them) and the inline policies
/// (`iam:ListRolePolicies`, `iam:GetRolePolicy`) of each role that is not service-linked
/// (a service-linked role cannot have inline policies).
pub async fn read_roles(iam: &Client) -> Result<Vec<IamRole>, AwsError> {
    let roles: Vec<_> = iam
        .list_roles()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("iam:ListRoles"))?;
    let mut out: Vec<IamRole> = futures::stream::iter(roles)
        .map(|r| async move {
            let mut role = IamRole {
                name: r.role_name().to_string(),
                path: r.path().to_string(),
                arn: r.arn().to_string(),
                trusted_services: r
                    .assume_role_policy_document()
                    .map(|d| trusted_services(&url_decoded(d)))
                    .unwrap_or_default(),
                assume_role_policy_document: r
                    .assume_role_policy_document()
                    .map(url_decoded)
                    .unwrap_or_default(),
                tags: BTreeMap::new(),
                inline_policies: BTreeMap::new(),
            };
            let inline = async {
                if role.path.starts_with(SERVICE_LINKED_PATH) {
                    Ok(BTreeMap::new())
                } else {
                    read_inline_policies(iam, &role.name).await
                }
            };
            let (tags, inline_policies) =
                futures::try_join!(read_role_tags(iam, &role.name), inline)?;
            role.tags = tags;
            role.inline_policies = inline_policies;
            Ok::<_, AwsError>(role)
        })
        .buffered(ITEM_CONCURRENCY)
        .try_collect()
        .await?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// `iam:ListRoleTags`, every page.
async fn read_role_tags(iam: &Client, role: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let tags: Vec<_> = iam
        .list_role_tags()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("iam:ListRoleTags"))?;
    Ok(tags
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

async fn read_inline_policies(
    iam: &Client,
    role: &str,
) -> Result<BTreeMap<String, String>, AwsError> {
    let names: Vec<String> = iam
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(aws("iam:ListRolePolicies"))?;
    let mut out = BTreeMap::new();
    for name in names {
        let doc = iam
            .get_role_policy()
            .role_name(role)
            .policy_name(&name)
            .send()
            .await
            .map_err(aws("iam:GetRolePolicy"))?;
        out.insert(name, normalize_json(&url_decoded(doc.policy_document())));
    }
    Ok(out)
}

/// The service principals a trust policy lets assume the role (`Principal.Service`, a
/// string or a list, in any `Allow` statement).
pub fn trusted_services(policy: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(policy) else {
        return out;
    };
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(s @ serde_json::Value::Object(_)) => vec![s],
        _ => vec![],
    };
    for st in statements {
        if st.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        match st.get("Principal").and_then(|p| p.get("Service")) {
            Some(serde_json::Value::String(s)) => {
                out.insert(s.clone());
            }
            Some(serde_json::Value::Array(a)) => {
                out.extend(a.iter().filter_map(|s| s.as_str()).map(str::to_string));
            }
            _ => {}
        }
    }
    out
}

// ---- actions ----

/// `iam:CreateServiceLinkedRole`. A role that exists already is success: AWS answers
/// `InvalidInput` "Service role name … has been taken in this account"; moto answers
/// `EntityAlreadyExists`. A service-linked role is AWS's, never a customer's, so there is
/// nothing to protect.
impl Execute for CreateServiceLinkedRole {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        match cx
            .writes
            .iam(cx.region)
            .create_service_linked_role()
            .aws_service_name(&self.aws_service_name)
            .send()
            .await
            .map_err(aws("iam:CreateServiceLinkedRole"))
        {
            Err(e)
                if e.code == "EntityAlreadyExists"
                    || (e.code == "InvalidInput" && e.message.contains("has been taken")) =>
            {
                Ok(ActionOutput::default())
            }
            other => other.map(|_| ActionOutput::default()),
        }
    }
}

fn role_tags(tags: &BTreeMap<String, String>) -> Result<Option<Vec<Tag>>, AwsError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag `{k}`: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `iam:CreateRole` with its tags (`iam:TagRole`). A role of that name is never adopted
/// here (`EntityAlreadyExists` fails): the planner decides what is the tool's.
impl Execute for CreateRole {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .iam(cx.region)
            .create_role()
            .role_name(&self.role_name)
            .assume_role_policy_document(&self.assume_role_policy_document)
            .set_tags(role_tags(&self.tags)?)
            .send()
            .await
            .map_err(aws("iam:CreateRole"))?;
        Ok(ActionOutput::default())
    }
}

/// `iam:UpdateAssumeRolePolicy`.
impl Execute for UpdateAssumeRolePolicy {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .iam(cx.region)
            .update_assume_role_policy()
            .role_name(&self.role_name)
            .policy_document(&self.policy_document)
            .send()
            .await
            .map_err(aws("iam:UpdateAssumeRolePolicy"))?;
        Ok(ActionOutput::default())
    }
}

/// `iam:PutRolePolicy` (creates or replaces the inline policy).
impl Execute for PutRolePolicy {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .iam(cx.region)
            .put_role_policy()
            .role_name(&self.role_name)
            .policy_name(&self.policy_name)
            .policy_document(&self.policy_document)
            .send()
            .await
            .map_err(aws("iam:PutRolePolicy"))?;
        Ok(ActionOutput::default())
    }
}

/// `iam:UpdateAccountPasswordPolicy`: every field, as the call replaces the whole policy.
/// "Never expires" and "no reuse prevention" are sent by leaving the field out (AWS's
/// default 0 means exactly that).
impl Execute for UpdateAccountPasswordPolicy {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let p = &self.0;
        let days = |v: Option<u32>, field: &str| -> Result<Option<i32>, AwsError> {
            v.map(|n| i32::try_from(n).map_err(|_| invalid(format!("{field} {n} is out of range"))))
                .transpose()
        };
        let length = i32::try_from(p.minimum_password_length).map_err(|_| {
            invalid(format!(
                "minimum password length {} is out of range",
                p.minimum_password_length
            ))
        })?;
        cx.writes
            .iam(cx.region)
            .update_account_password_policy()
            .minimum_password_length(length)
            .require_symbols(p.require_symbols)
            .require_numbers(p.require_numbers)
            .require_uppercase_characters(p.require_uppercase_characters)
            .require_lowercase_characters(p.require_lowercase_characters)
            .allow_users_to_change_password(p.allow_users_to_change_password)
            .set_max_password_age(days(p.max_password_age, "max password age")?)
            .set_password_reuse_prevention(days(
                p.password_reuse_prevention,
                "password reuse prevention",
            )?)
            .hard_expiry(p.hard_expiry)
            .send()
            .await
            .map_err(aws("iam:UpdateAccountPasswordPolicy"))?;
        Ok(ActionOutput::default())
    }
}
