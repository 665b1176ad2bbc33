//! The Account API: the account's SECURITY alternate contact (Account.1).

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Effect, Operation};
use crate::part::{Part, Reach};
use crate::snapshot::account::*;
use crate::snapshot::{AwsError, Observed};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_account {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            account::PutAlternateContact,
        ] $rest }
    };
}

/// `account:PutAlternateContact` of type `SECURITY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
