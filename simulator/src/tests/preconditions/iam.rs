//! IAM's preconditions and error codes.

use secure_account_core::action::iam;

use super::*;

#[tokio::test(start_paused = true)]
async fn iam_errors() {
    let mut h = H::fresh();
    h.ok(GLOBAL, slr_config()).await;
    let e = h.code(GLOBAL, slr_config(), "InvalidInput").await;
    assert!(
        e.message.starts_with(
            "Service role name AWSServiceRoleForConfig has been taken in this account"
        ),
        "{e}"
    );
    let role = Action::CreateRole(iam::CreateRole {
        tags: Default::default(),
        role_name: "r".into(),
        assume_role_policy_document: trust("cloudtrail.amazonaws.com"),
    });
    h.ok(GLOBAL, role.clone()).await;
    h.code(GLOBAL, role, "EntityAlreadyExists").await;
    // The trust policy of a role that exists is replaced; trusted services follow it.
    h.code(
        GLOBAL,
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: "missing".into(),
            policy_document: trust("x.amazonaws.com"),
        }),
        "NoSuchEntity",
    )
    .await;
    h.code(
        GLOBAL,
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: "r".into(),
            policy_document: "{not json".into(),
        }),
        "MalformedPolicyDocument",
    )
    .await;
    h.ok(
        GLOBAL,
        Action::UpdateAssumeRolePolicy(iam::UpdateAssumeRolePolicy {
            role_name: "r".into(),
            policy_document: trust("ec2.amazonaws.com"),
        }),
    )
    .await;
    let roles = h.sim.account().global.roles;
    let r = roles
        .known()
        .unwrap()
        .iter()
        .find(|r| r.name == "r")
        .unwrap();
    assert_eq!(r.assume_role_policy_document, trust("ec2.amazonaws.com"));
    assert!(!r.trusted_services.contains("cloudtrail.amazonaws.com"));
    h.code(
        GLOBAL,
        Action::PutRolePolicy(iam::PutRolePolicy {
            role_name: "missing".into(),
            policy_name: "p".into(),
            policy_document: trust("x.amazonaws.com"),
        }),
        "NoSuchEntity",
    )
    .await;
    h.code(
        GLOBAL,
        Action::PutRolePolicy(iam::PutRolePolicy {
            role_name: "r".into(),
            policy_name: "p".into(),
            policy_document: "{not json".into(),
        }),
        "MalformedPolicyDocument",
    )
    .await;
    h.code(
        GLOBAL,
        Action::UpdateAccountPasswordPolicy(iam::UpdateAccountPasswordPolicy(PasswordPolicy {
            minimum_password_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(25),
            hard_expiry: false,
        })),
        "ValidationError",
    )
    .await;
}
