//! S3 Control: the account-wide public access block.

use secure_account_core::action::s3control::PutAccountPublicAccessBlock;

use super::*;

impl Simulate for PutAccountPublicAccessBlock {
    const AWS_LATENCY_MS: u64 = 200;

    /// Any combination of the four flags is one AWS accepts.
    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        Ok(())
    }
}
