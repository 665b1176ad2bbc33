//! S3 Control: the account-wide S3 block public access (S3.1), read and set. Every request
//! names the account id; the client goes to the home region.

use aws_sdk_s3control::error::ProvideErrorMetadata;
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use secure_account_core::AwsError;
use secure_account_core::action::s3control::PutAccountPublicAccessBlock;
use secure_account_core::snapshot::PublicAccessBlock;
use secure_account_engine::ActionOutput;

use crate::error::aws;
use crate::execute::{Exec, Execute};

// ---- reads ----

/// `s3:GetAccountPublicAccessBlock` (S3 Control `GetPublicAccessBlock` with the account
/// id); `None` when it was never set.
pub async fn read_account_public_access_block(
    s3control: &aws_sdk_s3control::Client,
    account_id: &str,
) -> Result<Option<PublicAccessBlock>, AwsError> {
    match s3control
        .get_public_access_block()
        .account_id(account_id)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .public_access_block_configuration()
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            })),
        Err(e) if e.code() == Some("NoSuchPublicAccessBlockConfiguration") => Ok(None),
        Err(e) => Err(aws("s3:GetAccountPublicAccessBlock")(e)),
    }
}

// ---- actions ----

/// `s3:PutAccountPublicAccessBlock` (S3 Control `PutPublicAccessBlock` with the account
/// id).
impl Execute for PutAccountPublicAccessBlock {
    async fn execute(&self, cx: &Exec<'_>) -> Result<ActionOutput, AwsError> {
        let c = &self.configuration;
        cx.writes
            .s3control(cx.region)
            .put_public_access_block()
            .account_id(cx.account_id)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(c.block_public_acls)
                    .ignore_public_acls(c.ignore_public_acls)
                    .block_public_policy(c.block_public_policy)
                    .restrict_public_buckets(c.restrict_public_buckets)
                    .build(),
            )
            .send()
            .await
            .map_err(aws("s3:PutAccountPublicAccessBlock"))?;
        Ok(ActionOutput::default())
    }
}
