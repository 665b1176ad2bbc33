//! The simulator as the engine's [`Port`]: each call answers at once from the account's
//! state and then takes its modelled latency on tokio's (virtual) clock.

use std::time::Duration;

use secure_account_core::{AccountInfo, Action, Outputs, Part, PartValue, Scope};
use secure_account_engine::{ActionOutput, CallCounts, Port, PortError};

use crate::Simulator;

impl Port for Simulator {
    async fn read_account(&self) -> Result<AccountInfo, PortError> {
        let (info, delay) = self.read_account_now()?;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        Ok(info)
    }

    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError> {
        let (answer, delay) = self.read_part_now(scope, part)?;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        answer.map_err(PortError::Aws)
    }

    async fn execute(
        &self,
        region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError> {
        let (answer, delay) = self.execute_now(region, action_id, action, outputs)?;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        answer
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }

    fn elapsed(&self) -> Duration {
        self.now()
    }

    fn calls(&self) -> CallCounts {
        self.lock().run.calls
    }
}
