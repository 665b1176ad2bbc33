//! The operator's calls of a fleet: assuming the role in each account, listing the
//! organisation's accounts.

use aws_sdk_organizations::operation::list_accounts::ListAccountsOutput;
use aws_sdk_organizations::types::{Account, AccountState};
use aws_sdk_sts::operation::assume_role::{AssumeRoleError, AssumeRoleOutput};
use aws_smithy_mocks::{mock, mock_client};
use aws_smithy_types::DateTime;

use super::meta;
use super::sources::{OPERATOR_FILE, named_actions};
use crate::fleet::*;

#[tokio::test]
async fn assume_role_sends_the_role_the_session_and_the_external_id() {
    let rule = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| {
            r.role_arn() == Some("arn:aws:iam::210987654321:role/OrganizationAccountAccessRole")
                && r.external_id() == Some("ext-42")
                && r.role_session_name() == Some("secure-account-210987654321")
                && r.duration_seconds() == Some(3600)
        })
        .then_output(|| {
            AssumeRoleOutput::builder()
                .credentials(
                    aws_sdk_sts::types::Credentials::builder()
                        .access_key_id("ASIAEXAMPLE")
                        .secret_access_key("secret")
                        .session_token("token")
                        .expiration(DateTime::from_secs(4_000_000_000))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let sts = mock_client!(aws_sdk_sts, [&rule]);
    let c = assume_role(
        &sts,
        "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole",
        Some("ext-42"),
        "secure-account-210987654321",
    )
    .await
    .unwrap();
    assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
    assert_eq!(c.session_token(), Some("token"));
    assert!(c.expiry().is_some());
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn a_role_that_cannot_be_assumed_keeps_stss_code_and_names_the_action() {
    let rule = mock!(aws_sdk_sts::Client::assume_role).then_error(|| {
        AssumeRoleError::generic(meta(
            "AccessDenied",
            "User: arn:aws:iam::111111111111:user/op is not authorized to perform: \
             sts:AssumeRole on resource: arn:aws:iam::222222222222:role/Missing",
        ))
    });
    let sts = mock_client!(aws_sdk_sts, [&rule]);
    let e = assume_role(&sts, "arn:aws:iam::222222222222:role/Missing", None, "s")
        .await
        .unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    assert!(e.message.contains("sts:AssumeRole"), "{}", e.message);
}

#[tokio::test]
async fn list_accounts_paginates() {
    let account = |id: &str, name: &str, state: AccountState| {
        Account::builder().id(id).name(name).state(state).build()
    };
    let page1 = mock!(aws_sdk_organizations::Client::list_accounts)
        .match_requests(|r| r.next_token().is_none())
        .then_output(move || {
            ListAccountsOutput::builder()
                .accounts(account("111111111111", "one", AccountState::Active))
                .next_token("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_organizations::Client::list_accounts)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            ListAccountsOutput::builder()
                .accounts(account("222222222222", "two", AccountState::Suspended))
                .build()
        });
    let org = mock_client!(aws_sdk_organizations, [&page1, &page2]);
    let accounts = list_accounts(&org).await.unwrap();
    assert_eq!(
        accounts,
        [
            OrgAccount {
                id: "111111111111".into(),
                name: Some("one".into()),
                state: "ACTIVE".into()
            },
            OrgAccount {
                id: "222222222222".into(),
                name: Some("two".into()),
                state: "SUSPENDED".into()
            },
        ]
    );
}

/// The operator's file names exactly the operator's IAM actions, every call naming one.
#[test]
fn the_operators_calls_are_exactly_its_iam_actions() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(OPERATOR_FILE),
    )
    .unwrap();
    let named = named_actions(&text);
    let expected: std::collections::BTreeSet<String> =
        OPERATOR_IAM_ACTIONS.iter().map(|a| a.to_string()).collect();
    assert_eq!(named, expected);
    // GetCallerIdentity (for the partition) is the only call that may fail silently.
    assert_eq!(text.matches(".send()").count(), 3);
}

/// The assumed role's credentials are renewed: the first ones while they have more than
/// five minutes left, then `AssumeRole` again (here a provider that counts its calls).
#[tokio::test]
async fn an_assumed_roles_credentials_are_renewed_when_they_run_out() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::{Duration, SystemTime};

    use aws_credential_types::Credentials;
    use aws_credential_types::credential_fn::provide_credentials_fn;
    use aws_credential_types::provider::ProvideCredentials;

    let renewed = Arc::new(AtomicU32::new(0));
    let counter = renewed.clone();
    let renew = provide_credentials_fn(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(Credentials::new(
                "ASIARENEWED",
                "s",
                Some("t".into()),
                Some(SystemTime::now() + Duration::from_secs(3600)),
                "test",
            ))
        }
    });
    let first = |left: u64| {
        Credentials::new(
            "ASIAFIRST",
            "s",
            Some("t".into()),
            Some(SystemTime::now() + Duration::from_secs(left)),
            "AssumeRole",
        )
    };
    // Fresh: the first credentials, once; then renewed.
    let provider = Renewed::new(first(3600), renew.clone());
    let c = provider.provide_credentials().await.unwrap();
    assert_eq!(c.access_key_id(), "ASIAFIRST");
    assert_eq!(renewed.load(Ordering::SeqCst), 0);
    let c = provider.provide_credentials().await.unwrap();
    assert_eq!(c.access_key_id(), "ASIARENEWED");
    assert_eq!(renewed.load(Ordering::SeqCst), 1);
    // Less than five minutes left (or expired): renewed at once.
    for left in [60, 0] {
        let provider = Renewed::new(first(left), renew.clone());
        let c = provider.provide_credentials().await.unwrap();
        assert_eq!(c.access_key_id(), "ASIARENEWED", "{left} s left");
    }
    assert_eq!(renewed.load(Ordering::SeqCst), 3);
}
