//! S3 Control: the account-wide S3 block public access (S3.1).

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Effect, Operation};
use crate::part::{Part, Reach};
use crate::snapshot::s3::PublicAccessBlock;
use crate::snapshot::{AwsError, Observed};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_s3control {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            s3control::PutAccountPublicAccessBlock,
        ] $rest }
    };
}

/// `s3control:PutPublicAccessBlock` for the whole account (named apart from the bucket
/// operation of the same AWS name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutAccountPublicAccessBlock {
    pub configuration: PublicAccessBlock,
}

impl Operation for PutAccountPublicAccessBlock {
    const FACTS: ActionFacts = ActionFacts {
        service: "s3control",
        iam_actions: &["s3:PutAccountPublicAccessBlock"],
        reach: Reach::Account,
        reads: &[Part::AccountPublicAccessBlock, Part::Buckets],
        controls: &["S3.1"],
        ..ActionFacts::DEFAULT
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.account_wide()?.account_public_access_block = Observed::Known(Some(self.configuration));
        Ok(())
    }
}
