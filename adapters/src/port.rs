//! The engine's port for a real account: the preamble, one read per part, and the
//! execution of each action (`crate::execute`).

use std::time::Duration;

use secure_account_core::{AccountInfo, Action, AwsError, Outputs, Part, PartValue, Scope};
use secure_account_engine::{ActionOutput, CallCounts, Port, PortError};

use crate::{
    AwsAccount, accessanalyzer, account, athena, cloudformation, cloudtrail, config, ec2,
    guardduty, iam, inspector, kms, logs, macie, s3, s3control, securityhub, ssm,
};

impl AwsAccount {
    /// Reads `part` in `scope`. Account-wide parts are read through the home region.
    pub async fn read(&self, scope: &Scope, part: Part) -> Result<PartValue, AwsError> {
        let c = self.clients();
        let home = c.home_region();
        let region = match (scope, part.facts().reach) {
            (Scope::Account, secure_account_core::part::Reach::Account) => home,
            (Scope::Region(r), secure_account_core::part::Reach::Regional) => r.as_str(),
            _ => {
                return Err(AwsError::new(
                    AwsError::INTERNAL,
                    format!("`{part}` is not read in `{scope}`"),
                ));
            }
        };
        Ok(match part {
            Part::PasswordPolicy => {
                PartValue::PasswordPolicy(iam::read_password_policy(&c.iam(region)).await?)
            }
            Part::Root => PartValue::Root(iam::read_root(&c.iam(region)).await?),
            Part::Users => PartValue::Users(iam::read_users(&c.iam(region)).await?),
            Part::Roles => PartValue::Roles(iam::read_roles(&c.iam(region)).await?),
            Part::AccountPublicAccessBlock => {
                let account_id = self.account_id().await?;
                PartValue::AccountPublicAccessBlock(
                    s3control::read_account_public_access_block(&c.s3control(region), &account_id)
                        .await?,
                )
            }
            Part::Buckets => {
                PartValue::Buckets(s3::read_buckets(&c.s3(region), |r| c.s3(r)).await?)
            }
            Part::SecurityContact => PartValue::SecurityContact(
                account::read_security_contact(&c.account(crate::clients::ACCOUNT_API_REGION))
                    .await?,
            ),
            Part::SecurityHub => PartValue::SecurityHub(
                securityhub::read_security_hub(&c.securityhub(region), region).await?,
            ),
            Part::Guardduty => {
                PartValue::Guardduty(guardduty::read_detector(&c.guardduty(region)).await?)
            }
            Part::Config => PartValue::Config(config::read_config(&c.config(region)).await?),
            Part::Trails => {
                PartValue::Trails(cloudtrail::read_trails(&c.cloudtrail(region), region).await?)
            }
            Part::KmsKeys => PartValue::KmsKeys(kms::read_keys(&c.kms(region)).await?),
            Part::LogGroups => PartValue::LogGroups(logs::read_log_groups(&c.logs(region)).await?),
            Part::Analyzers => PartValue::Analyzers(
                accessanalyzer::read_analyzers(&c.accessanalyzer(region)).await?,
            ),
            Part::Ebs => PartValue::Ebs(ec2::read_ebs(&c.ec2(region)).await?),
            Part::SnapshotBlockPublicAccess => PartValue::SnapshotBlockPublicAccess(
                ec2::read_snapshot_block_public_access(&c.ec2(region)).await?,
            ),
            Part::Vpcs => PartValue::Vpcs(ec2::read_vpcs(&c.ec2(region)).await?),
            Part::VpcBlockPublicAccess => PartValue::VpcBlockPublicAccess(
                ec2::read_vpc_block_public_access(&c.ec2(region)).await?,
            ),
            Part::AthenaWorkgroups => {
                PartValue::AthenaWorkgroups(athena::read_workgroups(&c.athena(region)).await?)
            }
            Part::Ssm => PartValue::Ssm(ssm::read_ssm(&c.ssm(region)).await?),
            Part::Inspector => {
                let account_id = self.account_id().await?;
                PartValue::Inspector(
                    inspector::read_inspector(&c.inspector2(region), &account_id).await?,
                )
            }
            Part::Macie => PartValue::Macie(macie::read_macie(&c.macie2(region)).await?),
            Part::CloudformationStacks => PartValue::CloudformationStacks(
                cloudformation::read_stacks(&c.cloudformation(region)).await?,
            ),
        })
    }
}

impl Port for AwsAccount {
    async fn read_account(&self) -> Result<AccountInfo, PortError> {
        let account_id = self.account_id().await?;
        let mut regions =
            ec2::read_regions(&self.clients().ec2(self.clients().home_region())).await?;
        if let Some(only) = self.only_regions() {
            regions.retain(|r, _| only.contains(r));
        }
        Ok(AccountInfo {
            account_id,
            regions,
        })
    }

    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError> {
        Ok(self.read(scope, part).await?)
    }

    async fn execute(
        &self,
        region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError> {
        let account_id = self.account_id().await?;
        Ok(crate::execute::execute(
            self.write_clients(),
            self.clients(),
            region,
            &account_id,
            action_id,
            action,
            outputs,
        )
        .await?)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await
    }

    fn elapsed(&self) -> Duration {
        self.started().elapsed()
    }

    fn calls(&self) -> CallCounts {
        CallCounts {
            read: self.read_calls(),
            write: self.clients().write_calls(),
        }
    }
}
