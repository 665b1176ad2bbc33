//! Account-wide controls: the security contact (Account.1), the root user and IAM users
//! (IAM.4–IAM.7), and the AWS Config recorder (Config.1).

use crate::snapshot::{MfaKind, PasswordPolicy};

use super::{Check, Ctx, arn};

/// IAM.7 as Security Hub runs it: the parameters Security Hub passes to the
/// `iam-password-policy` rule by default ("Parameters: RequireUppercaseCharacters: true,
/// RequireLowercaseCharacters: true, RequireSymbols: true, RequireNumbers: true,
/// MinimumPasswordLength: 8", IAM.7 in the Security Hub control reference). These are not
/// the Config rule's own defaults (14, reuse 24, max age 90): Security Hub overrides them,
/// and sets no reuse-prevention or maximum-age requirement.
pub const IAM7_REQUIRE_UPPERCASE: bool = true;
pub const IAM7_REQUIRE_LOWERCASE: bool = true;
pub const IAM7_REQUIRE_SYMBOLS: bool = true;
pub const IAM7_REQUIRE_NUMBERS: bool = true;
pub const IAM7_MINIMUM_PASSWORD_LENGTH: u32 = 8;
/// `None`: IAM.7 has no reuse-prevention requirement by default.
pub const IAM7_PASSWORD_REUSE_PREVENTION: Option<u32> = None;
/// `None`: IAM.7 has no maximum-age requirement by default.
pub const IAM7_MAX_PASSWORD_AGE: Option<u32> = None;

/// The end of the ARN of the AWS Config service-linked role (Config.1).
pub const CONFIG_SERVICE_LINKED_ROLE_SUFFIX: &str =
    "role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

/// The ARN of the AWS Config service-linked role in the `aws` partition.
pub fn config_service_linked_role_arn(account_id: &str) -> String {
    format!("arn:aws:iam::{account_id}:{CONFIG_SERVICE_LINKED_ROLE_SUFFIX}")
}

/// Whether `arn` is the account's AWS Config service-linked role (any partition).
fn is_config_service_linked_role(arn: &str, account_id: &str) -> bool {
    // IAM role names are unique without regard to case ("Role names are not
    // distinguished by case", IAM user guide, IAM identifiers): an emulator's
    // `AWSServiceRoleForconfig` is the same role.
    let suffix = CONFIG_SERVICE_LINKED_ROLE_SUFFIX;
    arn.starts_with("arn:")
        && arn.len() > suffix.len()
        && arn.is_char_boundary(arn.len() - suffix.len())
        && arn[arn.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        && arn[..arn.len() - suffix.len()].ends_with(&format!(":iam::{account_id}:"))
}

/// Account.1 (`security-account-information-provided`, periodic, AWS::::Account): passes
/// when a SECURITY alternate contact is registered for the account.
pub(super) fn account_1(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.global.security_contact.known() {
        None => Check::NoData,
        Some(contact) => ctx.single(contact.is_some(), || {
            ctx.global("account has no SECURITY alternate contact")
        }),
    }
}

/// IAM.4 (`iam-root-access-key-check`): passes when the root user has no access key.
pub(super) fn iam_4(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.global.root.known() {
        None => Check::NoData,
        Some(root) => ctx.single(root.access_keys == 0, || {
            ctx.global(format_args!(
                "root user has {} access key(s)",
                root.access_keys
            ))
        }),
    }
}

/// IAM.5 (`mfa-enabled-for-iam-console-access`, AWS::IAM::User): every IAM user that has a
/// console password has an MFA device. Users without a console password are outside the
/// rule (no finding), so an account without console users has no data.
pub(super) fn iam_5(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(users) = ctx.global.users.known() else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for user in users.iter().filter(|u| u.console_password) {
        findings.test(user.mfa_devices > 0, || {
            ctx.global_at(
                arn::iam_user(ctx.account_id, &user.name),
                format_args!("IAM user `{}` has a console password and no MFA", user.name),
            )
        });
    }
    findings.finish()
}

/// IAM.6 (`root-account-hardware-mfa-enabled`): the root user uses a hardware MFA device;
/// a virtual device does not pass.
pub(super) fn iam_6(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.global.root.known() {
        None => Check::NoData,
        Some(root) => ctx.single(root.mfa == MfaKind::Hardware, || {
            ctx.global(match root.mfa {
                MfaKind::Virtual => "root user has a virtual MFA device, not a hardware one",
                MfaKind::None | MfaKind::Hardware => "root user has no hardware MFA device",
            })
        }),
    }
}

/// What makes a password policy fail IAM.7 with the `IAM7_*` parameters (empty: passes).
pub fn iam_7_shortfalls(policy: &PasswordPolicy) -> Vec<String> {
    let mut out = Vec::new();
    let mut require = |wanted: bool, has: bool, what: &str| {
        if wanted && !has {
            out.push(format!("does not require {what}"));
        }
    };
    require(
        IAM7_REQUIRE_UPPERCASE,
        policy.require_uppercase_characters,
        "uppercase letters",
    );
    require(
        IAM7_REQUIRE_LOWERCASE,
        policy.require_lowercase_characters,
        "lowercase letters",
    );
    require(IAM7_REQUIRE_SYMBOLS, policy.require_symbols, "symbols");
    require(IAM7_REQUIRE_NUMBERS, policy.require_numbers, "numbers");
    if policy.minimum_password_length < IAM7_MINIMUM_PASSWORD_LENGTH {
        out.push(format!(
            "minimum length {} is below {IAM7_MINIMUM_PASSWORD_LENGTH}",
            policy.minimum_password_length
        ));
    }
    if let Some(wanted) = IAM7_PASSWORD_REUSE_PREVENTION
        && policy.password_reuse_prevention.unwrap_or(0) < wanted
    {
        out.push(format!("reuse prevention is below {wanted}"));
    }
    if let Some(wanted) = IAM7_MAX_PASSWORD_AGE
        && policy.max_password_age.is_none_or(|age| age > wanted)
    {
        out.push(format!("passwords do not expire within {wanted} days"));
    }
    out
}

/// IAM.7 (`iam-password-policy` with Security Hub's parameters, see `IAM7_*`): the account
/// has a password policy requiring uppercase, lowercase, symbols and numbers, with a
/// minimum length of at least 8. No password policy fails.
pub(super) fn iam_7(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.global.password_policy.known() {
        None => Check::NoData,
        Some(None) => ctx.failed(|| vec![ctx.global("account has no IAM password policy")]),
        Some(Some(policy)) => {
            let shortfalls = iam_7_shortfalls(policy);
            ctx.single(shortfalls.is_empty(), || {
                ctx.global(format_args!(
                    "IAM password policy {}",
                    shortfalls.join(", ")
                ))
            })
        }
    }
}

/// Whether AWS requires the recorder of this region to record the global IAM resource
/// types for Config.1: "If the current Region is set as your aggregation Region, the control
/// produces PASSED findings only if AWS Identity and Access Management (IAM) global
/// resources are recorded [if you have enabled controls that require them]"; linked Regions
/// are not checked for them; without cross-Region aggregation every Region is. The
/// controls that require them are the enabled controls on `AWS::IAM::*` resource types.
/// Every other Region of the snapshot is taken as linked to the aggregator.
fn needs_global_types(ctx: &Ctx<'_>) -> bool {
    let aggregating_or_alone = ctx.aggregation_region.is_none_or(|r| r == ctx.region);
    aggregating_or_alone && ctx.iam_control_enabled()
}

/// Config.1 (custom Security Hub check, periodic, AWS::::Account): AWS Config "is enabled in
/// your account in the current Region, records all resources that correspond to controls
/// that are enabled in the current Region, and uses the service-linked AWS Config role"
/// (`includeConfigServiceLinkedRoleCheck: true`). Implemented as: a recorder that is
/// recording, records all supported resource types, uses `AWSServiceRoleForConfig`, and
/// also records the global IAM types where [`needs_global_types`] says AWS requires them.
pub(super) fn config_1(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(config) = ctx.known(|s| &s.config) else {
        return Check::NoData;
    };
    let account = ctx.account_id;
    let global = needs_global_types(ctx);
    if config.recorders.iter().any(|r| {
        r.recording
            && r.all_supported
            && (r.include_global_resource_types || !global)
            && is_config_service_linked_role(&r.role_arn, account)
    }) {
        return Check::Passed;
    }
    ctx.failed(|| {
        let why = match config.recorders.first() {
        None => "AWS Config has no configuration recorder".to_string(),
        Some(r) if !r.recording => format!("AWS Config recorder `{}` is not recording", r.name),
        Some(r) if !r.all_supported => format!(
            "AWS Config recorder `{}` does not record all supported resource types",
            r.name
        ),
        Some(r) if !is_config_service_linked_role(&r.role_arn, account) => format!(
            "AWS Config recorder `{}` does not use the service-linked role AWSServiceRoleForConfig",
            r.name
        ),
        Some(r) => format!(
            "AWS Config recorder `{}` does not record global IAM resources, which enabled IAM controls need here",
            r.name
        ),
        };
        vec![ctx.account_at(why)]
    })
}
