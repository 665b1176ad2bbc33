//! CloudWatch Logs: log groups and their retention.

use super::*;

/// CloudWatch Logs' retention values.
const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// `create_log_group`.
pub(super) fn create_log_group(c: &Check<'_>, log_group_name: &str) -> Result<(), AwsError> {
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

/// `put_retention_policy`.
pub(super) fn put_retention_policy(
    c: &Check<'_>,
    log_group_name: &str,
    retention_in_days: &u32,
) -> Result<(), AwsError> {
    if !log_group(c, c.region, log_group_name) {
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

pub(super) fn log_group(c: &Check<'_>, region: &str, name: &str) -> bool {
    c.account
        .regions
        .get(region)
        .and_then(|r| r.services.log_groups.known())
        .is_some_and(|gs| gs.iter().any(|g| g.name == name))
}
