//! The Account API: the account's SECURITY alternate contact (Account.1).

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AlternateContact {
    pub name: String,
    pub title: String,
    pub email_address: String,
    pub phone_number: String,
}

/// `security_contact`: `account:GetAlternateContact --alternate-contact-type SECURITY`.
pub const READ_SECURITY_CONTACT: PartFacts = PartFacts {
    reach: Reach::Account,
    service: "account",
    iam_actions: &["account:GetAlternateContact"],
};
