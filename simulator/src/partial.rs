//! HTTP 200 answers that carry failures, as AWS gives them: control association updates
//! a region does not offer, findings Security Hub does not have, Inspector's account still
//! enabling, and the injected partial failures of the fault plan.

use super::*;
use secure_account_core::action::ec2::CreateFlowLogs;

impl Simulator {
    /// The part of `action` AWS processes when it answers 200 with failures (`None`: all
    /// of it), and the failures.
    pub(crate) fn partial(
        &self,
        inner: &mut Inner,
        region: &str,
        action: &Action,
    ) -> (Option<Action>, Vec<secure_account_engine::Unprocessed>) {
        let inject = |run: &mut Run, kind: usize| {
            let hit = run.partial_failures[kind] < self.faults.partial_failures;
            if hit {
                run.partial_failures[kind] += 1;
            }
            hit
        };
        if let Action::BatchUpdateStandardsControlAssociations(op) = action {
            let Some(hub) = inner
                .account
                .regions
                .get(region)
                .and_then(|r| r.services.security_hub.known())
                .and_then(Option::as_ref)
            else {
                return (None, vec![]);
            };
            let injected = inject(&mut inner.run, 0);
            let unprocessed = asynchronous::unprocessed_updates(hub, &op.updates, injected);
            if unprocessed.is_empty() {
                return (None, unprocessed);
            }
            let processed = op
                .updates
                .iter()
                .filter(|u| !unprocessed.iter().any(|x| x.id == u.security_control_id))
                .cloned()
                .collect();
            let effective = BatchUpdateStandardsControlAssociations {
                standards_arn: op.standards_arn.clone(),
                updates: processed,
            };
            return (Some(effective.into()), unprocessed);
        }
        if let Action::BatchUpdateFindings(op) = action {
            let unprocessed = findings::unprocessed(&inner.account, region, op);
            let mut effective = op.clone();
            effective
                .finding_identifiers
                .retain(|i| !unprocessed.iter().any(|u| u.id == i.id));
            return (Some(effective.into()), unprocessed);
        }
        // `CreateFlowLogs` answers 200 with `Unsuccessful` for a VPC that is not there or a
        // bucket it cannot find (API_CreateFlowLogs, `Unsuccessful`).
        if let Action::CreateFlowLogs(op) = action {
            let vpc_known = inner
                .account
                .regions
                .get(region)
                .and_then(|r| r.services.vpcs.known())
                .is_some_and(|vpcs| {
                    op.vpc_ids
                        .iter()
                        .all(|id| vpcs.iter().any(|v| &v.vpc_id == id))
                });
            let bucket = op.log_destination.trim_start_matches("arn:aws:s3:::");
            let bucket = bucket.split('/').next().unwrap_or(bucket);
            let error = if !vpc_known {
                Some(AwsError::new(
                    "InvalidVpcID.NotFound",
                    format!("The vpc ID '{}' does not exist", op.vpc_ids.join(", ")),
                ))
            } else if inner.account.bucket(bucket).is_none() {
                Some(AwsError::new(
                    "400",
                    format!("LogDestination: {bucket} does not exist"),
                ))
            } else {
                None
            };
            if let Some(error) = error {
                let failed = secure_account_engine::Unprocessed {
                    id: op.vpc_ids.join(","),
                    error,
                };
                // Nothing was created: the effect runs on no VPC.
                let nothing = CreateFlowLogs {
                    vpc_ids: vec![],
                    ..op.clone()
                };
                return (Some(nothing.into()), vec![failed]);
            }
        }
        // `Enable` for a type still `ENABLING` lists the account with `ENABLE_IN_PROGRESS`
        // (API_FailedAccount): where it is heading, not a failure.
        if let Action::EnableInspector(op) = action {
            let enabling = inner
                .account
                .regions
                .get(region)
                .and_then(|r| r.services.inspector.known())
                .is_some_and(|i| {
                    op.resource_types.iter().any(|t| {
                        i.resource_states.get(t).is_some_and(|s| {
                            s.status == secure_account_core::snapshot::InspectorStatus::Enabling
                        })
                    })
                });
            if enabling {
                let in_progress = secure_account_engine::Unprocessed {
                    id: inner.account.account_id.clone(),
                    error: AwsError::new(
                        "ENABLE_IN_PROGRESS",
                        "Amazon Inspector is already enabling the account",
                    ),
                };
                return (None, vec![in_progress]);
            }
        }
        if matches!(action, Action::EnableInspector(_)) && inject(&mut inner.run, 1) {
            let failed = secure_account_engine::Unprocessed {
                id: inner.account.account_id.clone(),
                error: AwsError::new(
                    "INTERNAL_ERROR",
                    "Amazon Inspector could not enable the account; try again later",
                ),
            };
            let nothing = EnableInspector {
                resource_types: vec![],
            };
            return (Some(nothing.into()), vec![failed]);
        }
        (None, vec![])
    }
}
