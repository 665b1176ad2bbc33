//! The Account API: the account's SECURITY alternate contact (Account.1).

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Operation};
use crate::effects::Effect;
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::{AwsError, Observed};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// `account:PutAlternateContact` of type `SECURITY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutAlternateContact {
    pub alternate_contact_type: String,
    pub name: String,
    pub title: String,
    pub email_address: String,
    pub phone_number: String,
}

impl Operation for PutAlternateContact {
    const FACTS: ActionFacts = ActionFacts {
        service: "account",
        iam_actions: &["account:PutAlternateContact"],
        reach: Reach::Account,
        reads: &[Part::SecurityContact],
        controls: &["Account.1"],
        ..ActionFacts::DEFAULT
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.account_wide()?.security_contact = Observed::Known(Some(AlternateContact {
            name: self.name.clone(),
            title: self.title.clone(),
            email_address: self.email_address.clone(),
            phone_number: self.phone_number.clone(),
        }));
        Ok(())
    }
}
