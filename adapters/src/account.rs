//! The Account API: the SECURITY alternate contact (account-wide).

use aws_sdk_account::error::ProvideErrorMetadata;
use aws_sdk_account::types::AlternateContactType;
use secure_account_core::AwsError;
use secure_account_core::snapshot::AlternateContact;

use crate::error::aws;

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
