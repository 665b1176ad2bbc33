//! Regional services: IAM Access Analyzer, Athena, Systems Manager, Inspector, Macie.

use crate::action::{accessanalyzer, athena, inspector, macie, ssm};
use crate::part::Part;
use crate::snapshot::ssm::{SSM_AUTOMATION_LOG, SSM_PUBLIC_SHARING};
use crate::snapshot::{ArchiveFilter, Criterion, RegionServices};

use super::{GUARDDUTY_FREQUENCY, Planner};

impl<'a> Planner<'a> {
    // ---- IAM Access Analyzer ----

    pub(super) fn access_analyzer(&mut self, r: &str, s: &RegionServices) {
        let Some(analyzers) = self.seen(r, Part::Analyzers, &s.analyzers) else {
            return;
        };
        let wanted = self.b.names.analyzer.clone();
        let existing = analyzers.iter().find(|a| a.name == wanted).or_else(|| {
            analyzers
                .iter()
                .find(|a| a.kind == "ACCOUNT" && a.status == "ACTIVE")
        });
        let mut deps = vec![];
        let name = match existing {
            Some(a) => a.name.clone(),
            None => {
                if let Some(id) = self.push(
                    r,
                    None,
                    accessanalyzer::CreateAnalyzer {
                        analyzer_name: wanted.clone(),
                        r#type: "ACCOUNT".into(),
                    },
                    vec![],
                ) {
                    deps.push(id);
                }
                wanted
            }
        };
        if self.b.trusted_principals.is_empty() {
            return;
        }
        let mut principals = self.b.trusted_principals.clone();
        principals.sort();
        principals.dedup();
        // The baseline refuses more principals than one criterion takes (Criterion::MAX_VALUES).
        let filter: ArchiveFilter =
            [("principal.AWS".to_string(), Criterion::eq(principals))].into();
        let rule = self.b.names.archive_rule.clone();
        match existing.and_then(|a| a.archive_rules.get(&rule)) {
            None => {
                self.push(
                    r,
                    None,
                    accessanalyzer::CreateArchiveRule {
                        analyzer_name: name,
                        rule_name: rule,
                        filter,
                    },
                    deps,
                );
            }
            Some(f) if f != &filter => {
                self.push(
                    r,
                    None,
                    accessanalyzer::UpdateArchiveRule {
                        analyzer_name: name,
                        rule_name: rule,
                        filter,
                    },
                    deps,
                );
            }
            Some(_) => {}
        }
    }

    // ---- Athena, SSM, Inspector, Macie ----

    pub(super) fn athena(&mut self, r: &str, s: &RegionServices) {
        let Some(groups) = self.seen(r, Part::AthenaWorkgroups, &s.athena_workgroups) else {
            return;
        };
        let Some(primary) = groups.iter().find(|g| g.name == "primary") else {
            return;
        };
        // Encrypt results by default; a stronger option (SSE_KMS, CSE_KMS) is kept, and the
        // setting is not enforced, so queries with their own result location keep working.
        let encryption = primary
            .encryption_option
            .is_none()
            .then(|| "SSE_S3".to_string());
        if !primary.publish_cloud_watch_metrics_enabled || encryption.is_some() {
            self.push(
                r,
                Some("primary"),
                athena::UpdateWorkGroup {
                    work_group: "primary".into(),
                    publish_cloud_watch_metrics_enabled: true,
                    encryption_option: encryption,
                },
                vec![],
            );
        }
    }

    pub(super) fn ssm(&mut self, r: &str, s: &RegionServices) {
        let Some(ssm) = self.seen(r, Part::Ssm, &s.ssm) else {
            return;
        };
        if !ssm.public_sharing_blocked {
            self.push(
                r,
                Some("public-sharing-permission"),
                ssm::UpdateServiceSetting {
                    setting_id: SSM_PUBLIC_SHARING.into(),
                    setting_value: "Disable".into(),
                },
                vec![],
            );
        }
        if ssm.automation_log_destination.as_deref() != Some("CloudWatch") {
            self.push(
                r,
                Some("customer-script-log-destination"),
                ssm::UpdateServiceSetting {
                    setting_id: SSM_AUTOMATION_LOG.into(),
                    setting_value: "CloudWatch".into(),
                },
                vec![],
            );
        }
    }

    pub(super) fn inspector(&mut self, r: &str, s: &RegionServices) {
        let Some(i) = self.seen(r, Part::Inspector, &s.inspector) else {
            return;
        };
        // A type still `ENABLING` is enabled again: `Enable` is idempotent, and the apply
        // then waits until it is `ENABLED`.
        let missing: Vec<(&str, &str)> = crate::snapshot::inspector::RESOURCE_TYPES
            .iter()
            .filter(|(t, c)| !i.scans(t) && self.control_enabled(c, r))
            .copied()
            .collect();
        if !missing.is_empty() {
            self.push(
                r,
                None,
                inspector::EnableInspector {
                    resource_types: missing.iter().map(|(t, _)| t.to_string()).collect(),
                },
                vec![],
            );
        }
    }

    pub(super) fn macie(&mut self, r: &str, s: &RegionServices) {
        let Some(m) = self.seen(r, Part::Macie, &s.macie) else {
            return;
        };
        let mut deps = vec![];
        if !m.enabled {
            if let Some(id) = self.push(
                r,
                None,
                macie::EnableMacie {
                    finding_publishing_frequency: GUARDDUTY_FREQUENCY.into(),
                },
                vec![],
            ) {
                deps.push(id);
            } else {
                return;
            }
        }
        let mut discovery = m.automated_discovery;
        if !m.automated_discovery {
            discovery = self
                .push(
                    r,
                    None,
                    macie::UpdateAutomatedDiscoveryConfiguration {
                        status: "ENABLED".into(),
                    },
                    deps.clone(),
                )
                .is_some();
        }
        // The tool's log buckets hold KMS-encrypted logs Macie cannot read yet bills for:
        // keep them out of automated discovery's scope (where they live, the home region).
        if discovery && r == self.home {
            // Only buckets known to be the tool's: a customer bucket under one of our names
            // keeps Macie's eye on it.
            let Some(buckets) = self.s.global.buckets.known() else {
                return;
            };
            let log = self.s.bucket(&self.fill(&self.b.names.log_bucket)).cloned();
            let exclude: Vec<String> = [&self.b.names.log_bucket, &self.b.names.access_log_bucket]
                .into_iter()
                .map(|n| self.fill(n))
                .filter(|n| !m.excluded_buckets.contains(n))
                .filter(|n| {
                    let existing = buckets.iter().find(|b| &b.name == n);
                    let log = log.as_ref().filter(|l| &l.name != n);
                    self.bucket_owner(existing, log) != super::buckets::Owner::Customer
                })
                .collect();
            if !exclude.is_empty() {
                self.push(
                    r,
                    None,
                    macie::UpdateClassificationScope {
                        exclude_bucket_names: exclude,
                    },
                    deps,
                );
            }
        }
    }
}
