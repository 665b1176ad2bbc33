//! Account API writes (global, served from us-east-1).

use aws_sdk_account::Client;
use aws_sdk_account::types::AlternateContactType;
use secure_account_core::AwsError;

use crate::error::aws;

/// The alternate contact to set.
#[derive(Debug, Clone, Copy)]
pub struct AlternateContact<'a> {
    pub alternate_contact_type: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub email_address: &'a str,
    pub phone_number: &'a str,
}

/// `account:PutAlternateContact` for the caller's own account (no account id sent).
pub async fn put_alternate_contact(
    account: &Client,
    c: &AlternateContact<'_>,
) -> Result<(), AwsError> {
    account
        .put_alternate_contact()
        .alternate_contact_type(AlternateContactType::from(c.alternate_contact_type))
        .name(c.name)
        .title(c.title)
        .email_address(c.email_address)
        .phone_number(c.phone_number)
        .send()
        .await
        .map_err(aws("account:PutAlternateContact"))?;
    Ok(())
}
