//! S3 Control: the account-wide S3 block public access (S3.1).

use super::{PartFacts, Reach};

/// `account_public_access_block`: `s3control:GetPublicAccessBlock` for the account.
pub const READ_ACCOUNT_PUBLIC_ACCESS_BLOCK: PartFacts = PartFacts {
    reach: Reach::Account,
    service: "s3control",
    iam_actions: &["s3:GetAccountPublicAccessBlock"],
};
