//! The Account API: the SECURITY alternate contact (account-wide), read and set. The API is
//! global, served from us-east-1 ([`ACCOUNT_API_REGION`]) in the `aws` partition.

use aws_sdk_account::error::ProvideErrorMetadata;
use aws_sdk_account::types::AlternateContactType;
use secure_account_core::AwsError;
use secure_account_core::action::account::PutAlternateContact;
use secure_account_core::snapshot::AlternateContact;
use secure_account_engine::ActionOutput;

use crate::clients::ACCOUNT_API_REGION;
use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

/// `account:GetAlternateContact --alternate-contact-type SECURITY`; `None` when there is
/// none (`ResourceNotFoundException`).
pub async fn read_security_contact(
    account: &aws_sdk_account::Client,
) -> Result<Option<AlternateContact>, AwsError> {
    match account
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .send()
        .await
    {
        Ok(out) => Ok(out.alternate_contact().map(|c| AlternateContact {
            name: c.name().unwrap_or_default().to_string(),
            title: c.title().unwrap_or_default().to_string(),
            email_address: c.email_address().unwrap_or_default().to_string(),
            phone_number: c.phone_number().unwrap_or_default().to_string(),
        })),
        Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(aws("account:GetAlternateContact")(e)),
    }
}

// ---- actions ----

/// `account:PutAlternateContact` for the caller's own account (no account id sent), in
/// [`ACCOUNT_API_REGION`] whatever the home region.
impl Execute for PutAlternateContact {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        cx.writes
            .account(ACCOUNT_API_REGION)
            .put_alternate_contact()
            .alternate_contact_type(AlternateContactType::from(
                self.alternate_contact_type.as_str(),
            ))
            .name(&self.name)
            .title(&self.title)
            .email_address(&self.email_address)
            .phone_number(&self.phone_number)
            .send()
            .await
            .map_err(aws("account:PutAlternateContact"))?;
        Ok(ActionOutput::default())
    }
}
