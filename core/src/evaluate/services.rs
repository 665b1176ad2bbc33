//! Regional service controls: GuardDuty (GuardDuty.1, .5–.13), Inspector (.1–.4), Macie
//! (.1, .2), Systems Manager (SSM.4, .6, .7), Athena (Athena.4), KMS (KMS.3, .5) and
//! CloudFormation (CloudFormation.3, .4).

use crate::snapshot::Detector;
use crate::snapshot::guardduty::CONTROL_FEATURES;

use super::{Check, Ctx, arn};
use crate::policy;

/// The legacy form GuardDuty.7 also accepts: EKS Runtime Monitoring (the feature that
/// Runtime Monitoring replaced) with its automated agent.
const GUARDDUTY_7_LEGACY: &str = "EKS_RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT";

/// The feature key is enabled on the detector (and, for `FEATURE/ADDITIONAL`, the feature).
fn feature_enabled(detector: &Detector, key: &str) -> bool {
    let on = |k: &str| detector.features.get(k).copied().unwrap_or(false);
    match key.split_once('/') {
        Some((feature, _)) => on(feature) && on(key),
        None => on(key),
    }
}

/// GuardDuty.1 (`guardduty-enabled-centralized`): an enabled GuardDuty detector exists in
/// the region (a suspended detector fails).
pub(super) fn guardduty_1(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.guardduty) {
        None => Check::NoData,
        Some(detector) => ctx.single(detector.as_ref().is_some_and(|d| d.enabled), || {
            ctx.account_at(match detector {
                None => "GuardDuty has no detector",
                Some(_) => "GuardDuty detector is suspended",
            })
        }),
    }
}

/// GuardDuty.5–GuardDuty.13: the detector has the feature of [`CONTROL_FEATURES`]
/// enabled. "For a standalone account, the control fails if [the feature] is disabled for
/// the account": without an enabled detector every feature control fails.
pub(super) fn guardduty_feature(ctx: &Ctx<'_>, id: &str) -> Check {
    let Some((_, key)) = CONTROL_FEATURES.iter().find(|(c, _)| *c == id) else {
        return Check::NoData;
    };
    let Some(detector) = ctx.known(|s| &s.guardduty) else {
        return Check::NoData;
    };
    let ok = detector.as_ref().is_some_and(|d| {
        d.enabled
            && (feature_enabled(d, key)
                || (id == "GuardDuty.7" && feature_enabled(d, GUARDDUTY_7_LEGACY)))
    });
    ctx.single(ok, || {
        let resource = match detector {
            Some(d) => arn::detector(ctx.region, ctx.account_id, &d.detector_id),
            None => arn::account(ctx.account_id),
        };
        ctx.at(resource, format_args!("GuardDuty {key} is not enabled"))
    })
}

/// Inspector.1–.4 (`inspector-ec2-scan-enabled`, `-ecr-`, `-lambda-code-`,
/// `-lambda-standard-`): Amazon Inspector scans the resource type in the region.
pub(super) fn inspector(ctx: &Ctx<'_>, id: &str) -> Check {
    let Some(inspector) = ctx.known(|s| &s.inspector) else {
        return Check::NoData;
    };
    // A type still `ENABLING` (or ended in an error) does not scan yet.
    let (on, what) = match id {
        "Inspector.1" => (inspector.scans("EC2"), "EC2"),
        "Inspector.2" => (inspector.scans("ECR"), "ECR"),
        "Inspector.3" => (inspector.scans("LAMBDA_CODE"), "Lambda code"),
        "Inspector.4" => (inspector.scans("LAMBDA"), "Lambda standard"),
        _ => return Check::NoData,
    };
    ctx.single(on, || {
        ctx.account_at(format_args!("Amazon Inspector {what} scanning is off"))
    })
}

/// Macie.1 (`macie-status-check`): Amazon Macie is enabled in the region.
pub(super) fn macie_1(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.macie) {
        None => Check::NoData,
        Some(macie) => ctx.single(macie.enabled, || {
            ctx.account_at("Amazon Macie is not enabled")
        }),
    }
}

/// Macie.2 (`macie-auto-sensitive-data-discovery-check`): Macie automated sensitive data
/// discovery is enabled (which needs Macie enabled).
pub(super) fn macie_2(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.macie) {
        None => Check::NoData,
        Some(macie) => ctx.single(macie.enabled && macie.automated_discovery, || {
            ctx.account_at("Macie automated sensitive data discovery is off")
        }),
    }
}

/// SSM.4 (`ssm-document-not-public`): no SSM document owned by the account is shared
/// publicly. (The snapshot lists public documents only, so an account without them
/// passes.)
pub(super) fn ssm_4(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(ssm) = ctx.known(|s| &s.ssm) else {
        return Check::NoData;
    };
    if ssm.public_documents.is_empty() {
        Check::Passed
    } else {
        ctx.failed(|| {
            ssm.public_documents
                .iter()
                .map(|d| {
                    ctx.at(
                        arn::ssm_document(ctx.region, ctx.account_id, d),
                        format_args!("SSM document `{d}` is public"),
                    )
                })
                .collect()
        })
    }
}

/// SSM.6 (`ssm-automation-logging-enabled`): the service setting
/// `/ssm/automation/customer-script-log-destination` is `CloudWatch`.
pub(super) fn ssm_6(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.ssm) {
        None => Check::NoData,
        Some(ssm) => ctx.single(
            ssm.automation_log_destination
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case("CloudWatch")),
            || ctx.account_at("SSM Automation does not log to CloudWatch"),
        ),
    }
}

/// SSM.7 (`ssm-automation-block-public-sharing`): the service setting
/// `/ssm/documents/console/public-sharing-permission` is `Disable`.
pub(super) fn ssm_7(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.known(|s| &s.ssm) {
        None => Check::NoData,
        Some(ssm) => ctx.single(ssm.public_sharing_blocked, || {
            ctx.account_at("SSM document block public sharing is off")
        }),
    }
}

/// Athena.4 (`athena-workgroup-logging-enabled`): each workgroup in state `ENABLED`
/// publishes query metrics to CloudWatch (`PublishCloudWatchMetricsEnabled`). Disabled
/// workgroups are not evaluated.
pub(super) fn athena_4(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(workgroups) = ctx.known(|s| &s.athena_workgroups) else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for wg in workgroups
        .iter()
        .filter(|w| w.state.eq_ignore_ascii_case("ENABLED"))
    {
        findings.test(wg.publish_cloud_watch_metrics_enabled, || {
            ctx.at(
                arn::workgroup(ctx.region, ctx.account_id, &wg.name),
                format_args!(
                    "Athena workgroup `{}` does not publish CloudWatch metrics",
                    wg.name
                ),
            )
        });
    }
    findings.finish()
}

/// A stack's ARN as its finding names it: its `StackId`, else built from its name.
fn stack_arn(ctx: &Ctx<'_>, stack: &crate::snapshot::Stack) -> String {
    if stack.id.starts_with("arn:") {
        stack.id.clone()
    } else {
        format!(
            "arn:aws:cloudformation:{}:{}:stack/{}",
            ctx.region, ctx.account_id, stack.name
        )
    }
}

/// CloudFormation.3 (`cloudformation-termination-protection-check`): every stack of the
/// region has termination protection enabled. No stack: `no_data`.
pub(super) fn cloudformation_3(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(stacks) = ctx.known(|s| &s.cloudformation_stacks) else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for stack in stacks {
        findings.test(stack.termination_protection, || {
            ctx.at(
                stack_arn(ctx, stack),
                format_args!(
                    "CloudFormation stack `{}` has no termination protection",
                    stack.name
                ),
            )
        });
    }
    findings.finish()
}

/// CloudFormation.4 (`cloudformation-stack-service-role-check`): every stack of the region
/// has a service role (`RoleARN`). No stack: `no_data`.
pub(super) fn cloudformation_4(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(stacks) = ctx.known(|s| &s.cloudformation_stacks) else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for stack in stacks {
        findings.test(
            stack.role_arn.as_deref().is_some_and(|r| !r.is_empty()),
            || {
                ctx.at(
                    stack_arn(ctx, stack),
                    format_args!("CloudFormation stack `{}` has no service role", stack.name),
                )
            },
        );
    }
    findings.finish()
}

/// KMS.3 (`kms-cmk-not-scheduled-for-deletion`): no customer managed key is scheduled for
/// deletion.
pub(super) fn kms_3(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(keys) = ctx.known(|s| &s.kms_keys) else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for key in keys {
        // A key whose own reads failed is not judged (its state is unknown).
        if !key.readable() {
            findings.unknown();
            continue;
        }
        findings.test(!key.key_state.pending_deletion(), || {
            ctx.at(
                key_arn(ctx, key),
                format_args!("KMS key {} is scheduled for deletion", key.key_id),
            )
        });
    }
    findings.finish()
}

/// KMS.5 (`kms-key-policy-no-public-access`): the key policy does not allow public access:
/// no `Allow` statement names everyone (`*`, `{"AWS": "*"}`) without a condition that
/// restricts it to fixed callers (`kms:CallerAccount`, `aws:PrincipalAccount`,
/// `aws:SourceAccount`, …; "to be considered non-public, a KMS key policy must grant access
/// only to fixed values"). A key whose policy cannot be read is not judged.
pub(super) fn kms_5(ctx: &Ctx<'_>, _: &str) -> Check {
    let Some(keys) = ctx.known(|s| &s.kms_keys) else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for key in keys {
        let Some(doc) = key.readable().then(|| policy::parse(&key.policy)).flatten() else {
            findings.unknown();
            continue;
        };
        let public = policy::statements(&doc)
            .iter()
            .any(|s| policy::allows_public(s));
        findings.test(!public, || {
            ctx.at(
                key_arn(ctx, key),
                format_args!("KMS key {} policy allows public access", key.key_id),
            )
        });
    }
    findings.finish()
}

/// The key's ARN as the snapshot has it, or as AWS makes it.
fn key_arn(ctx: &Ctx<'_>, key: &crate::snapshot::KmsKey) -> String {
    if key.arn.is_empty() {
        arn::kms_key(ctx.region, ctx.account_id, &key.key_id)
    } else {
        key.arn.clone()
    }
}
