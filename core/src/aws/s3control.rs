//! S3 Control: the account-wide S3 block public access (S3.1).

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Operation};
use crate::aws::s3::PublicAccessBlock;
use crate::effects::Effect;
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::{AwsError, Observed};

/// `account_public_access_block`: `s3control:GetPublicAccessBlock` for the account.
pub const READ_ACCOUNT_PUBLIC_ACCESS_BLOCK: PartFacts = PartFacts {
    reach: Reach::Account,
    service: "s3control",
    iam_actions: &["s3:GetAccountPublicAccessBlock"],
};

/// `s3control:PutPublicAccessBlock` for the whole account (named apart from the bucket
/// operation of the same AWS name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
