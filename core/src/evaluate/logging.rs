//! CloudTrail controls (CloudTrail.1, .2, .4, .5), over the trails visible in a region:
//! the trails homed there and the multi-region trails homed elsewhere.

use crate::snapshot::Trail;

use super::{Check, Ctx, Failed, arn};

/// Whether the trail satisfies `multi-region-cloudtrail-enabled` as CloudTrail.1 runs it:
/// multi-region, logging, and recording management events of both kinds (read and write).
/// The snapshot records no `ExcludeManagementEventSources`, so that part of the rule is not
/// checked.
pub fn satisfies_cloudtrail_1(trail: &Trail) -> bool {
    trail.is_multi_region_trail
        && trail.is_logging
        && trail
            .management_events
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("all"))
}

/// CloudTrail.1 (`multi-region-cloudtrail-enabled`, periodic, AWS::::Account): at least one
/// multi-region trail that is logging and records read and write management events
/// ("readWriteType: ALL" in the Security Hub parameters). An account-level check: it fails
/// when no such trail exists, not `no_data`.
pub(super) fn cloudtrail_1(ctx: &Ctx<'_>, _: &str) -> Check {
    if ctx.services.is_none() {
        return Check::NoData;
    }
    let visible = ctx.trails();
    if visible
        .trails
        .iter()
        .any(|(_, t)| satisfies_cloudtrail_1(t))
    {
        Check::Passed
    } else if !visible.complete {
        Check::NoData
    } else {
        ctx.failed(|| {
            vec![ctx.account_at(
                "no multi-region trail that is logging and records read and write management events",
            )]
        })
    }
}

/// A per-trail check over the trails visible in the region.
fn per_trail(ctx: &Ctx<'_>, ok: impl Fn(&Trail) -> bool, what: &str) -> Check {
    if ctx.services.is_none() {
        return Check::NoData;
    }
    let visible = ctx.trails();
    let mut findings = ctx.findings();
    if !visible.complete {
        findings.unknown();
    }
    for (home, trail) in visible.trails {
        findings.test(ok(trail), || Failed {
            label: home.to_string(),
            resource: arn::trail(home, ctx.account_id, &trail.name),
            reason: format!("trail `{}` {what}", trail.name),
        });
    }
    findings.finish()
}

/// CloudTrail.2 (`cloud-trail-encryption-enabled`): the trail encrypts its log files with
/// SSE-KMS (`KmsKeyId` set).
pub(super) fn cloudtrail_2(ctx: &Ctx<'_>, _: &str) -> Check {
    per_trail(
        ctx,
        |t| t.kms_key_id.as_deref().is_some_and(|k| !k.is_empty()),
        "is not encrypted with SSE-KMS",
    )
}

/// CloudTrail.4 (`cloud-trail-log-file-validation-enabled`): log file integrity validation
/// is on.
pub(super) fn cloudtrail_4(ctx: &Ctx<'_>, _: &str) -> Check {
    per_trail(
        ctx,
        |t| t.log_file_validation_enabled,
        "has no log file validation",
    )
}

/// CloudTrail.5 (`cloud-trail-cloud-watch-logs-enabled`): the trail delivers to a
/// CloudWatch Logs log group (`CloudWatchLogsLogGroupArn` set). The rule's optional
/// recent-delivery window is not checked (the snapshot has no delivery times).
pub(super) fn cloudtrail_5(ctx: &Ctx<'_>, _: &str) -> Check {
    per_trail(
        ctx,
        |t| {
            t.cloud_watch_logs_log_group_arn
                .as_deref()
                .is_some_and(|a| !a.is_empty())
        },
        "does not deliver to CloudWatch Logs",
    )
}
