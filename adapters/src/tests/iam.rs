use aws_sdk_iam::Client;
use aws_sdk_iam::operation::get_account_password_policy::{
    GetAccountPasswordPolicyError, GetAccountPasswordPolicyOutput,
};
use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
use aws_sdk_iam::operation::get_login_profile::{GetLoginProfileError, GetLoginProfileOutput};
use aws_sdk_iam::operation::get_role_policy::GetRolePolicyOutput;
use aws_sdk_iam::operation::list_access_keys::ListAccessKeysOutput;
use aws_sdk_iam::operation::list_mfa_devices::ListMfaDevicesOutput;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesOutput;
use aws_sdk_iam::operation::list_role_tags::{ListRoleTagsError, ListRoleTagsOutput};
use aws_sdk_iam::operation::list_roles::ListRolesOutput;
use aws_sdk_iam::operation::list_users::{ListUsersError, ListUsersOutput};
use aws_sdk_iam::operation::list_virtual_mfa_devices::ListVirtualMfaDevicesOutput;
use aws_sdk_iam::types::{
    AccessKeyMetadata, AssignmentStatusType, LoginProfile, MfaDevice, PasswordPolicy, Role,
    StatusType, SummaryKeyType, Tag, User, VirtualMfaDevice,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use secure_account_core::snapshot::{IamUser, MfaKind, RootUser};

use super::meta;
use crate::iam::*;

fn user(name: &str) -> User {
    User::builder()
        .user_name(name)
        .path("/")
        .user_id(format!("AID{name}"))
        .arn(format!("arn:aws:iam::123456789012:user/{name}"))
        .create_date(DateTime::from_secs(0))
        .build()
        .unwrap()
}

#[tokio::test]
async fn password_policy_maps_every_field() {
    let rule = mock!(Client::get_account_password_policy).then_output(|| {
        GetAccountPasswordPolicyOutput::builder()
            .password_policy(
                PasswordPolicy::builder()
                    .minimum_password_length(20)
                    .require_symbols(true)
                    .require_numbers(true)
                    .require_uppercase_characters(false)
                    .require_lowercase_characters(true)
                    .allow_users_to_change_password(true)
                    .expire_passwords(true)
                    .max_password_age(90)
                    .password_reuse_prevention(24)
                    .hard_expiry(true)
                    .build(),
            )
            .build()
    });
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let p = read_password_policy(&iam).await.unwrap().unwrap();
    assert_eq!(
        p,
        secure_account_core::snapshot::PasswordPolicy {
            minimum_password_length: 20,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: false,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(24),
            hard_expiry: true,
        }
    );
}

#[tokio::test]
async fn no_password_policy_is_none_and_denied_is_an_error_naming_the_action() {
    let none = mock!(Client::get_account_password_policy).then_error(|| {
        GetAccountPasswordPolicyError::generic(meta(
            "NoSuchEntity",
            "The Password Policy with domain name 123456789012 cannot be found.",
        ))
    });
    let iam = mock_client!(aws_sdk_iam, [&none]);
    assert_eq!(read_password_policy(&iam).await.unwrap(), None);

    let denied = mock!(Client::get_account_password_policy).then_error(|| {
        GetAccountPasswordPolicyError::generic(meta("AccessDenied", "User: x is not authorized"))
    });
    let iam = mock_client!(aws_sdk_iam, [&denied]);
    let e = read_password_policy(&iam).await.unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    assert_eq!(
        e.message,
        "User: x is not authorized (needs `iam:GetAccountPasswordPolicy`)"
    );
}

fn summary(mfa: i32, keys: i32) -> GetAccountSummaryOutput {
    GetAccountSummaryOutput::builder()
        .summary_map(SummaryKeyType::AccountMfaEnabled, mfa)
        .summary_map(SummaryKeyType::AccountAccessKeysPresent, keys)
        .summary_map(SummaryKeyType::Users, 3)
        .build()
}

#[tokio::test]
async fn root_mfa_kind_comes_from_the_virtual_devices() {
    // MFA on and a virtual device assigned to root: virtual.
    let s = mock!(Client::get_account_summary).then_output(|| summary(1, 1));
    let v = mock!(Client::list_virtual_mfa_devices)
        .match_requests(|r| r.assignment_status() == Some(&AssignmentStatusType::Assigned))
        .then_output(|| {
            ListVirtualMfaDevicesOutput::builder()
                .virtual_mfa_devices(
                    VirtualMfaDevice::builder()
                        .serial_number("arn:aws:iam::123456789012:mfa/root-account-mfa-device")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap()
        });
    let iam = mock_client!(aws_sdk_iam, [&s, &v]);
    assert_eq!(
        read_root(&iam).await.unwrap(),
        RootUser {
            mfa: MfaKind::Virtual,
            access_keys: 1
        }
    );

    // MFA on, only a user's virtual device: hardware.
    let s = mock!(Client::get_account_summary).then_output(|| summary(1, 0));
    let v = mock!(Client::list_virtual_mfa_devices).then_output(|| {
        ListVirtualMfaDevicesOutput::builder()
            .virtual_mfa_devices(
                VirtualMfaDevice::builder()
                    .serial_number("arn:aws:iam::123456789012:mfa/alice")
                    .user(user("alice"))
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let iam = mock_client!(aws_sdk_iam, [&s, &v]);
    assert_eq!(read_root(&iam).await.unwrap().mfa, MfaKind::Hardware);

    // MFA off: no device listing at all (an unexpected call would panic).
    let s = mock!(Client::get_account_summary).then_output(|| summary(0, 0));
    let iam = mock_client!(aws_sdk_iam, [&s]);
    assert_eq!(read_root(&iam).await.unwrap(), RootUser::default());
}

#[tokio::test]
async fn users_paginate_and_read_each_user() {
    let page1 = mock!(Client::list_users)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            ListUsersOutput::builder()
                .users(user("bob"))
                .is_truncated(true)
                .marker("page-2")
                .build()
                .unwrap()
        });
    let page2 = mock!(Client::list_users)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_output(|| {
            ListUsersOutput::builder()
                .users(user("alice"))
                .is_truncated(false)
                .build()
                .unwrap()
        });
    let login_bob = mock!(Client::get_login_profile)
        .match_requests(|r| r.user_name() == Some("bob"))
        .then_error(|| GetLoginProfileError::generic(meta("NoSuchEntity", "no login profile")));
    let login_alice = mock!(Client::get_login_profile)
        .match_requests(|r| r.user_name() == Some("alice"))
        .then_output(|| {
            GetLoginProfileOutput::builder()
                .login_profile(
                    LoginProfile::builder()
                        .user_name("alice")
                        .create_date(DateTime::from_secs(0))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let mfa_bob = mock!(Client::list_mfa_devices)
        .match_requests(|r| r.user_name() == Some("bob"))
        .then_output(|| {
            ListMfaDevicesOutput::builder()
                .set_mfa_devices(Some(vec![]))
                .build()
                .unwrap()
        });
    let mfa_alice = mock!(Client::list_mfa_devices)
        .match_requests(|r| r.user_name() == Some("alice"))
        .then_output(|| {
            ListMfaDevicesOutput::builder()
                .mfa_devices(
                    MfaDevice::builder()
                        .user_name("alice")
                        .serial_number("arn:aws:iam::123456789012:mfa/alice")
                        .enable_date(DateTime::from_secs(0))
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap()
        });
    let key = |id: &str, status: StatusType| {
        AccessKeyMetadata::builder()
            .access_key_id(id)
            .status(status)
            .build()
    };
    let keys_bob = mock!(Client::list_access_keys)
        .match_requests(|r| r.user_name() == Some("bob"))
        .then_output(move || {
            ListAccessKeysOutput::builder()
                .access_key_metadata(key("AKIA1", StatusType::Active))
                .access_key_metadata(key("AKIA2", StatusType::Inactive))
                .build()
                .unwrap()
        });
    let keys_alice = mock!(Client::list_access_keys)
        .match_requests(|r| r.user_name() == Some("alice"))
        .then_output(|| {
            ListAccessKeysOutput::builder()
                .set_access_key_metadata(Some(vec![]))
                .build()
                .unwrap()
        });
    let iam = mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        [
            &page1,
            &page2,
            &login_bob,
            &login_alice,
            &mfa_bob,
            &mfa_alice,
            &keys_bob,
            &keys_alice
        ]
    );
    let users = read_users(&iam).await.unwrap();
    assert_eq!(
        users,
        vec![
            IamUser {
                name: "alice".into(),
                console_password: true,
                mfa_devices: 1,
                active_access_keys: 0
            },
            IamUser {
                name: "bob".into(),
                console_password: false,
                mfa_devices: 0,
                active_access_keys: 1
            },
        ]
    );
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
}

#[tokio::test]
async fn list_users_denied_names_the_action() {
    let rule =
        mock!(Client::list_users).then_error(|| ListUsersError::generic(meta("AccessDenied", "")));
    let iam = mock_client!(aws_sdk_iam, [&rule]);
    let e = read_users(&iam).await.unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    assert_eq!(e.message, "not authorized to perform `iam:ListUsers`");
}

fn role(name: &str, path: &str, trust: &str) -> Role {
    Role::builder()
        .role_name(name)
        .path(path)
        .role_id(format!("ARO{name}"))
        .arn(format!("arn:aws:iam::123456789012:role{path}{name}"))
        .create_date(DateTime::from_secs(0))
        .assume_role_policy_document(
            percent_encoding::utf8_percent_encode(trust, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn roles_keep_trust_and_inline_policies_and_service_linked_roles_by_path() {
    let list = mock!(Client::list_roles).then_output(|| {
        ListRolesOutput::builder()
            .roles(role(
                "AWSServiceRoleForconfig",
                "/aws-service-role/config.amazonaws.com/",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            ))
            .roles(role(
                "trail-logs",
                "/",
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":["cloudtrail.amazonaws.com","logs.amazonaws.com"]},"Action":"sts:AssumeRole"}}"#,
            ))
            .build()
            .unwrap()
    });
    // Only the customer role's inline policies are read.
    let names = mock!(Client::list_role_policies)
        .match_requests(|r| r.role_name() == Some("trail-logs"))
        .then_output(|| {
            ListRolePoliciesOutput::builder()
                .policy_names("to-logs")
                .build()
                .unwrap()
        });
    let doc = mock!(Client::get_role_policy)
        .match_requests(|r| {
            r.role_name() == Some("trail-logs") && r.policy_name() == Some("to-logs")
        })
        .then_output(|| {
            GetRolePolicyOutput::builder()
                .role_name("trail-logs")
                .policy_name("to-logs")
                .policy_document("%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%0A%7D")
                .build()
                .unwrap()
        });
    // Every role's tags are read, the service-linked one's too; the customer role has none.
    let slr_tags = mock!(Client::list_role_tags)
        .match_requests(|r| r.role_name() == Some("AWSServiceRoleForconfig"))
        .then_output(|| {
            ListRoleTagsOutput::builder()
                .tags(tag("owner", "aws"))
                .build()
                .unwrap()
        });
    let no_tags = mock!(Client::list_role_tags)
        .match_requests(|r| r.role_name() == Some("trail-logs"))
        .then_output(|| {
            ListRoleTagsOutput::builder()
                .set_tags(Some(vec![]))
                .build()
                .unwrap()
        });
    let iam = mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        [&list, &names, &doc, &slr_tags, &no_tags]
    );
    let roles = read_roles(&iam).await.unwrap();
    assert_eq!((slr_tags.num_calls(), no_tags.num_calls()), (1, 1));
    assert_eq!(roles.len(), 2);
    let slr = &roles[0];
    assert_eq!(slr.name, "AWSServiceRoleForconfig");
    assert!(slr.path.starts_with(SERVICE_LINKED_PATH));
    assert_eq!(
        slr.arn,
        "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForconfig"
    );
    assert_eq!(
        slr.trusted_services.iter().collect::<Vec<_>>(),
        ["config.amazonaws.com"]
    );
    assert!(slr.inline_policies.is_empty());
    assert_eq!(
        slr.tags.iter().collect::<Vec<_>>(),
        [(&"owner".to_string(), &"aws".to_string())]
    );
    let customer = &roles[1];
    assert_eq!(
        customer.trusted_services.iter().collect::<Vec<_>>(),
        ["cloudtrail.amazonaws.com", "logs.amazonaws.com"]
    );
    assert_eq!(
        customer.inline_policies.get("to-logs").map(String::as_str),
        Some(r#"{"Version":"2012-10-17"}"#)
    );
    assert!(customer.tags.is_empty());
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

#[tokio::test]
async fn role_tags_are_read_across_pages() {
    let list = mock!(Client::list_roles).then_output(|| {
        ListRolesOutput::builder()
            .roles(role("secure-account-config", "/service-role/", "{}"))
            .build()
            .unwrap()
    });
    let page1 = mock!(Client::list_role_tags)
        .match_requests(|r| r.role_name() == Some("secure-account-config") && r.marker().is_none())
        .then_output(|| {
            ListRoleTagsOutput::builder()
                .tags(tag("secure-account:managed", "true"))
                .is_truncated(true)
                .marker("m")
                .build()
                .unwrap()
        });
    let page2 = mock!(Client::list_role_tags)
        .match_requests(|r| r.marker() == Some("m"))
        .then_output(|| {
            ListRoleTagsOutput::builder()
                .tags(tag("team", "security"))
                .build()
                .unwrap()
        });
    let names = mock!(Client::list_role_policies).then_output(|| {
        ListRolePoliciesOutput::builder()
            .set_policy_names(Some(vec![]))
            .build()
            .unwrap()
    });
    let iam = mock_client!(
        aws_sdk_iam,
        RuleMode::MatchAny,
        [&list, &page1, &page2, &names]
    );
    let roles = read_roles(&iam).await.unwrap();
    assert_eq!(
        roles[0].tags,
        [("secure-account:managed", "true"), ("team", "security")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    );
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
}

#[tokio::test]
async fn role_tags_denied_makes_the_roles_unreadable_naming_the_action() {
    for (message, expected) in [
        (
            "User: arn:aws:iam::123456789012:user/u is not authorized to perform: \
             iam:ListRoleTags on resource: role r",
            "User: arn:aws:iam::123456789012:user/u is not authorized to perform: \
             iam:ListRoleTags on resource: role r",
        ),
        ("", "not authorized to perform `iam:ListRoleTags`"),
    ] {
        let list = mock!(Client::list_roles).then_output(|| {
            ListRolesOutput::builder()
                .roles(role("r", "/", "{}"))
                .build()
                .unwrap()
        });
        let denied = mock!(Client::list_role_tags)
            .then_error(move || ListRoleTagsError::generic(meta("AccessDenied", message)));
        let names = mock!(Client::list_role_policies).then_output(|| {
            ListRolePoliciesOutput::builder()
                .set_policy_names(Some(vec![]))
                .build()
                .unwrap()
        });
        let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&list, &denied, &names]);
        let e = read_roles(&iam).await.unwrap_err();
        assert_eq!(e.code, "AccessDenied");
        assert_eq!(e.message, expected);
    }
}
