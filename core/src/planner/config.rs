//! AWS Config: the service-linked role, the recorder and the delivery channel.

use crate::action::{config, iam};
use crate::part::Part;
use crate::plan::SkipReason;
use crate::snapshot::iam::service_linked_role_arn;
use crate::snapshot::{GLOBAL, Observed, RegionServices};

use super::Planner;

impl<'a> Planner<'a> {
    // ---- AWS Config ----

    /// The Config service-linked role: its ARN and the action creating it, if any.
    pub(super) fn config_role(&mut self) -> Option<(String, Option<String>)> {
        if !self.b.features.config {
            return None;
        }
        let arn = service_linked_role_arn(&self.account, "config.amazonaws.com");
        match &self.s.global.roles {
            Observed::Unreadable { read_error } => {
                let e = read_error.clone();
                self.read_failed(GLOBAL, Part::Roles, &e);
                None
            }
            Observed::Known(roles) => {
                // IAM role names are unique without regard to case: the role of another
                // spelling (moto's `AWSServiceRoleForconfig`) is the same role, and the
                // recorder names it as IAM spells it.
                if let Some(role) = roles.iter().find(|r| r.arn.eq_ignore_ascii_case(&arn)) {
                    Some((role.arn.clone(), None))
                } else {
                    let id = self.push(
                        GLOBAL,
                        Some("config.amazonaws.com"),
                        iam::CreateServiceLinkedRole {
                            aws_service_name: "config.amazonaws.com".into(),
                        },
                        vec![],
                    );
                    Some((arn, id))
                }
            }
        }
    }

    pub(super) fn config(
        &mut self,
        r: &str,
        s: &RegionServices,
        slr: Option<(String, Option<String>)>,
        buckets_ready: bool,
    ) {
        let Some(config) = self.seen(r, Part::Config, &s.config) else {
            return;
        };
        let Some((role_arn, role_action)) = slr else {
            return self.skip(
                &format!("{r}/put_configuration_recorder"),
                r,
                SkipReason::RoleUnknown,
                "the Config service-linked role could not be read; the recorder is not planned"
                    .into(),
            );
        };
        let global = r == self.home;
        // One recorder per region: adopt the one that exists, whatever its name.
        let existing = config.recorders.first();
        let name = existing
            .map(|x| x.name.clone())
            .unwrap_or_else(|| self.b.names.config_recorder.clone());
        let mut recorder_id = None;
        // The role compares without regard to case, as IAM names do (a recorder set up
        // before the role existed names it as AWS documents it; an emulator may spell it
        // otherwise).
        let converged = existing.is_some_and(|x| {
            x.role_arn.eq_ignore_ascii_case(&role_arn)
                && x.all_supported
                && x.include_global_resource_types == global
        });
        if !converged {
            recorder_id = self.push(
                r,
                Some(&name),
                config::PutConfigurationRecorder {
                    name: name.clone(),
                    role_arn,
                    all_supported: true,
                    include_global_resource_types: global,
                },
                role_action.into_iter().collect(),
            );
        }
        let mut channel_id = None;
        if config.delivery_channels.is_empty() {
            if !buckets_ready {
                return self.skip(
                    &format!("{r}/put_delivery_channel"),
                    r,
                    SkipReason::LogBucketUnavailable,
                    "the log bucket cannot be planned, so no delivery channel is created".into(),
                );
            }
            let bucket = self.fill(&self.b.names.log_bucket);
            let mut deps: Vec<String> = recorder_id.iter().cloned().collect();
            deps.extend(self.log_bucket_deps.iter().cloned());
            channel_id = self.push(
                r,
                Some(&self.b.names.delivery_channel.clone()),
                config::PutDeliveryChannel {
                    name: self.b.names.delivery_channel.clone(),
                    s3_bucket_name: bucket,
                },
                deps,
            );
        }
        if !existing.is_some_and(|x| x.recording) {
            let deps = recorder_id.into_iter().chain(channel_id).collect();
            self.push(
                r,
                Some(&name),
                config::StartConfigurationRecorder { name: name.clone() },
                deps,
            );
        }
    }
}
