//! Decided exceptions recorded in Security Hub itself (issue 20;
//! `features.record_exceptions_in_security_hub`): the control findings an exception in
//! force covers are suppressed with the exception as their note, so the console's control
//! status agrees with `verify`; a finding the tool suppressed (its note begins with
//! [`EXCEPTION_NOTE_PREFIX`]) whose exception is over, or gone from the baseline, is
//! reopened. A finding someone else suppressed is never touched.

use std::collections::BTreeMap;

use crate::action::securityhub::{self, FINDINGS_PER_CALL, FindingIdentifier, NOTE_MAX_CHARS};
use crate::snapshot::securityhub::{
    ControlFinding, EXCEPTION_NOTE_PREFIX, WorkflowStatus, control_findings_product_arn,
};
use crate::snapshot::{Observed, RegionServices};

use super::Planner;

/// The note of a finding the tool suppresses for `exception`: the prefix, then what the
/// exception says, cut to what AWS takes.
pub fn exception_note(exception: &crate::baseline::Exception) -> String {
    let note = format!("{EXCEPTION_NOTE_PREFIX} {}", exception.describe());
    note.chars().take(NOTE_MAX_CHARS).collect()
}

/// The note of a finding the tool reopens.
pub const REOPENED_NOTE: &str =
    "secure-account: the exception that suppressed this finding is over; reopened";

impl<'a> Planner<'a> {
    pub(super) fn exception_findings(&mut self, r: &str, s: &'a RegionServices) {
        if !self.b.features.record_exceptions_in_security_hub {
            return;
        }
        let Observed::Known(Some(hub)) = &s.security_hub else {
            return;
        };
        // Unreadable findings (an endpoint that does not serve GetFindings): nothing to
        // record; `verify` still shows the exceptions.
        let Observed::Known(findings) = &hub.findings else {
            return;
        };
        // By (status, note): the findings to move there.
        let mut moves: BTreeMap<(WorkflowStatus, String, String), Vec<&ControlFinding>> =
            BTreeMap::new();
        let suppress = |e: &crate::baseline::Exception| {
            let key = format!("{}/{}", e.control, e.resource.as_deref().unwrap_or("*"));
            (WorkflowStatus::Suppressed, exception_note(e), key)
        };
        for f in findings {
            let ours = f
                .note
                .as_deref()
                .is_some_and(|n| n.starts_with(EXCEPTION_NOTE_PREFIX));
            let target = match (f.workflow, self.b.accepted(&f.control, &f.resource)) {
                (WorkflowStatus::New | WorkflowStatus::Notified, Some(e)) => Some(suppress(e)),
                // Already recorded, unless the exception's words changed; someone else's
                // suppression stays theirs.
                (WorkflowStatus::Suppressed, Some(e)) if ours => {
                    Some(suppress(e)).filter(|(_, note, _)| f.note.as_deref() != Some(note))
                }
                (WorkflowStatus::Suppressed, None) if ours => Some((
                    WorkflowStatus::New,
                    REOPENED_NOTE.to_string(),
                    format!("reopen/{}", f.control),
                )),
                _ => None,
            };
            if let Some(target) = target {
                moves.entry(target).or_default().push(f);
            }
        }
        let product_arn = control_findings_product_arn(r);
        for ((status, note, key), found) in moves {
            for (n, chunk) in found.chunks(FINDINGS_PER_CALL).enumerate() {
                let key = if n == 0 {
                    key.clone()
                } else {
                    format!("{key}#{n}")
                };
                self.push(
                    r,
                    Some(&key),
                    securityhub::BatchUpdateFindings {
                        finding_identifiers: chunk
                            .iter()
                            .map(|f| FindingIdentifier {
                                id: f.id.clone(),
                                product_arn: product_arn.clone(),
                            })
                            .collect(),
                        workflow_status: status,
                        note: note.clone(),
                    },
                    vec![],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::baseline::{Baseline, Exception};
    use crate::planner::tests::baselined;
    use crate::snapshot::Snapshot;

    const REGION: &str = "eu-west-1";
    const BUCKET: &str = "arn:aws:s3:::public-site";

    fn finding(
        id: &str,
        control: &str,
        workflow: WorkflowStatus,
        note: Option<&str>,
    ) -> ControlFinding {
        ControlFinding {
            id: format!(
                "arn:aws:securityhub:{REGION}:111122223333:security-control/{control}/finding/{id}"
            ),
            control: control.into(),
            resource: BUCKET.into(),
            workflow,
            note: note.map(str::to_string),
        }
    }

    fn with_findings(findings: Vec<ControlFinding>) -> Snapshot {
        let mut s = baselined();
        let hub = s
            .regions
            .get_mut(REGION)
            .unwrap()
            .services
            .security_hub
            .known_mut()
            .unwrap()
            .as_mut()
            .unwrap();
        hub.findings = Observed::Known(findings);
        s
    }

    fn exception(control: &str, until: &str) -> Exception {
        Exception {
            control: control.into(),
            resource: Some("public-site".into()),
            reason: "public website".into(),
            owner: "web-team".into(),
            until: until.into(),
        }
    }

    fn baseline(exceptions: Vec<Exception>, as_of: &str) -> Baseline {
        let mut b = Baseline::fsbp();
        b.exceptions = exceptions;
        b.as_of = Some(as_of.into());
        b
    }

    fn updates(s: &Snapshot, b: &Baseline) -> Vec<(String, securityhub::BatchUpdateFindings)> {
        crate::plan(s, b)
            .actions
            .into_iter()
            .map(|a| match a.op {
                Action::BatchUpdateFindings(u) => (a.id, u),
                other => panic!("only findings updates are planned here: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_finding_an_exception_covers_is_suppressed_with_the_exception_as_its_note() {
        let s = with_findings(vec![
            finding("1", "S3.8", WorkflowStatus::New, None),
            finding("2", "S3.2", WorkflowStatus::Notified, None),
            // Not covered: S3.5 has no exception.
            finding("3", "S3.5", WorkflowStatus::New, None),
        ]);
        let b = baseline(
            vec![
                exception("S3.8", "2027-06-30"),
                exception("S3.2", "2027-06-30"),
            ],
            "2026-12-07",
        );
        let got = updates(&s, &b);
        assert_eq!(got.len(), 2, "{got:?}");
        let (id, u) = &got[1];
        assert_eq!(id, "eu-west-1/batch_update_findings/S3.8/public-site");
        assert_eq!(u.workflow_status, WorkflowStatus::Suppressed);
        assert_eq!(
            u.note,
            "secure-account exception: public website (owner web-team, until 2027-06-30)"
        );
        assert_eq!(u.finding_identifiers.len(), 1);
        assert!(u.finding_identifiers[0].id.ends_with("/S3.8/finding/1"));
        assert_eq!(
            u.finding_identifiers[0].product_arn,
            "arn:aws:securityhub:eu-west-1::product/aws/securityhub"
        );
        // Once recorded, the next plan has nothing to do.
        let mut after = s.clone();
        for (_, u) in &got {
            let hub = after
                .regions
                .get_mut(REGION)
                .unwrap()
                .services
                .security_hub
                .known_mut()
                .unwrap()
                .as_mut()
                .unwrap();
            for f in hub.findings.known_mut().unwrap() {
                if u.finding_identifiers.iter().any(|i| i.id == f.id) {
                    f.workflow = u.workflow_status;
                    f.note = Some(u.note.clone());
                }
            }
        }
        assert_eq!(updates(&after, &b), vec![]);
    }

    #[test]
    fn an_exception_past_its_day_reopens_only_what_the_tool_suppressed() {
        let ours = exception_note(&exception("S3.8", "2026-11-30"));
        let s = with_findings(vec![
            finding("1", "S3.8", WorkflowStatus::Suppressed, Some(&ours)),
            // Suppressed by a person: never reopened, never re-noted.
            finding(
                "2",
                "S3.8",
                WorkflowStatus::Suppressed,
                Some("risk accepted by CISO"),
            ),
            finding("3", "S3.2", WorkflowStatus::Suppressed, None),
        ]);
        let b = baseline(vec![exception("S3.8", "2026-11-30")], "2026-12-07");
        let got = updates(&s, &b);
        assert_eq!(got.len(), 1, "{got:?}");
        let (id, u) = &got[0];
        assert_eq!(id, "eu-west-1/batch_update_findings/reopen/S3.8");
        assert_eq!(u.workflow_status, WorkflowStatus::New);
        assert_eq!(u.note, REOPENED_NOTE);
        assert_eq!(u.finding_identifiers.len(), 1);
        assert!(u.finding_identifiers[0].id.ends_with("/finding/1"));
        // In force again (the day moved back): the finding stays suppressed, nothing to do.
        let b = baseline(vec![exception("S3.8", "2026-11-30")], "2026-11-01");
        assert_eq!(updates(&s, &b), vec![]);
    }

    #[test]
    fn the_switch_off_records_nothing_and_many_findings_go_100_a_call() {
        let findings: Vec<ControlFinding> = (0..250)
            .map(|i| finding(&i.to_string(), "S3.8", WorkflowStatus::New, None))
            .collect();
        let s = with_findings(findings);
        let mut b = baseline(vec![exception("S3.8", "2027-06-30")], "2026-12-07");
        let got = updates(&s, &b);
        let sizes: Vec<usize> = got
            .iter()
            .map(|(_, u)| u.finding_identifiers.len())
            .collect();
        assert_eq!(sizes, [100, 100, 50]);
        let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "eu-west-1/batch_update_findings/S3.8/public-site",
                "eu-west-1/batch_update_findings/S3.8/public-site#1",
                "eu-west-1/batch_update_findings/S3.8/public-site#2",
            ]
        );
        b.features.record_exceptions_in_security_hub = false;
        assert_eq!(updates(&s, &b), vec![]);
    }

    #[test]
    fn a_long_exception_note_is_cut_to_what_aws_takes() {
        let mut e = exception("S3.8", "2027-06-30");
        e.reason = "é".repeat(600);
        assert_eq!(exception_note(&e).chars().count(), NOTE_MAX_CHARS);
    }
}
