//! CloudWatch Logs: log groups and their retention.

use secure_account_core::action::logs::{CreateLogGroup, PutRetentionPolicy};

use super::*;

/// CloudWatch Logs' retention values.
const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

impl Simulate for CreateLogGroup {
    const AWS_LATENCY_MS: u64 = 150;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let log_group_name = &self.log_group_name;
        let valid = !log_group_name.is_empty()
            && log_group_name.len() <= 512
            && log_group_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b));
        if !valid {
            return err(
                "InvalidParameterException",
                format!("Invalid log group name {log_group_name}"),
            );
        }
        if log_group(c, c.region, log_group_name) {
            return err(
                "ResourceAlreadyExistsException",
                "The specified log group already exists",
            );
        }
        Ok(())
    }
}

impl Simulate for PutRetentionPolicy {
    const AWS_LATENCY_MS: u64 = 100;

    fn check(&self, c: &Check<'_>) -> Result<(), AwsError> {
        let retention_in_days = &self.retention_in_days;
        if !log_group(c, c.region, &self.log_group_name) {
            return err(
                "ResourceNotFoundException",
                "The specified log group does not exist.",
            );
        }
        if !RETENTION_DAYS.contains(retention_in_days) {
            return err(
                "InvalidParameterException",
                format!(
                    "1 validation error detected: Value '{retention_in_days}' at \
                     'retentionInDays' failed to satisfy constraint: Member must satisfy \
                     enum value set: {RETENTION_DAYS:?}"
                ),
            );
        }
        Ok(())
    }
}

/// Whether the log group `name` exists in `region`.
pub(super) fn log_group(c: &Check<'_>, region: &str, name: &str) -> bool {
    c.account
        .regions
        .get(region)
        .and_then(|r| r.services.log_groups.known())
        .is_some_and(|gs| gs.iter().any(|g| g.name == name))
}
