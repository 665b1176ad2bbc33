//! Security Hub's control findings, as the simulator plays them. After a write call, on
//! the next read of a region where the FSBP standard is `READY`, the region's findings are the failures of its enabled controls as the
//! evaluator finds them in the account's state, one finding per control and resource
//! (consolidated control findings), with a stable `Id`; a finding keeps its workflow
//! status and note while its resource still fails, and goes (AWS archives it, and
//! `GetFindings` of failed active findings no longer lists it) once the resource passes.
//!
//! Friendlier than AWS in one way, said plainly: AWS runs a change-triggered check within
//! minutes and a periodic one within 12 hours, so real findings appear later than here.
//! It changes nothing a plan decides from: a finding is only acted on by the plan after
//! the next snapshot read it.

use std::collections::{BTreeMap, BTreeSet};

use secure_account_core::Catalog;
use secure_account_core::catalog::fsbp_standards_arn;
use secure_account_core::evaluate::{Scope, evaluate};
use secure_account_core::operation::client_token;
use secure_account_core::snapshot::securityhub::{ControlFinding, WorkflowStatus};
use secure_account_core::snapshot::{AwsError, Observed, Snapshot};
use secure_account_engine::Unprocessed;

/// Brings the findings of `region`'s Security Hub up to date with the account's state.
pub(crate) fn refresh(account: &mut Snapshot, region: &str) {
    let ready = hub(account, region).is_some_and(|h| {
        h.standards
            .get(&fsbp_standards_arn(region))
            .map(String::as_str)
            == Some("READY")
    });
    if !ready {
        return;
    }
    let scope = Scope {
        home_region: region.to_string(),
        regions: [region.to_string()].into(),
    };
    let evaluation = evaluate(account, Catalog::builtin(), &scope);
    let account_id = account.account_id.clone();
    let Some(hub) = account
        .regions
        .get_mut(region)
        .and_then(|r| r.services.security_hub.known_mut())
        .and_then(Option::as_mut)
    else {
        return;
    };
    let failing: BTreeSet<(String, String)> = evaluation
        .controls
        .iter()
        .filter(|c| hub.fsbp_controls.get(&c.id).is_some_and(|a| a.enabled))
        .flat_map(|c| {
            c.failures
                .iter()
                .chain(&c.suppressed)
                .map(|f| (c.id.clone(), f.resource.clone()))
        })
        .collect();
    let mut previous: BTreeMap<(String, String), ControlFinding> = hub
        .findings
        .known()
        .into_iter()
        .flatten()
        .map(|f| ((f.control.clone(), f.resource.clone()), f.clone()))
        .collect();
    let findings = failing
        .into_iter()
        .map(|(control, resource)| {
            previous
                .remove(&(control.clone(), resource.clone()))
                .unwrap_or_else(|| ControlFinding {
                    id: finding_id(&account_id, region, &control, &resource),
                    control,
                    resource,
                    workflow: WorkflowStatus::New,
                    note: None,
                })
        })
        .collect();
    hub.findings = Observed::Known(findings);
}

/// A consolidated control finding's `Id`, as AWS spells them
/// (`arn:aws:securityhub:<region>:<account>:security-control/<control>/finding/<uuid>`),
/// the last part derived from the resource so it stays the same from read to read.
fn finding_id(account_id: &str, region: &str, control: &str, resource: &str) -> String {
    // 32 hex digits of the SHA-256 of the account, region, control and resource.
    let token = client_token(account_id, region, &format!("{control} {resource}"));
    let hex = token.trim_start_matches("sa-");
    format!(
        "arn:aws:securityhub:{region}:{account_id}:security-control/{control}/finding/{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The findings of a `BatchUpdateFindings` that AWS leaves unprocessed: one the region's
/// Security Hub does not have (`FindingNotFound`, API_BatchUpdateFindingsUnprocessedFinding),
/// and one named twice (`DuplicatedFindingIdentifier`).
pub(crate) fn unprocessed(
    account: &Snapshot,
    region: &str,
    op: &secure_account_core::action::securityhub::BatchUpdateFindings,
) -> Vec<Unprocessed> {
    let known: BTreeSet<&str> = hub(account, region)
        .and_then(|h| h.findings.known())
        .into_iter()
        .flatten()
        .map(|f| f.id.as_str())
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for i in &op.finding_identifiers {
        let error = if !seen.insert(i.id.as_str()) {
            AwsError::new(
                "DuplicatedFindingIdentifier",
                "The finding identifier is named more than once in the request",
            )
        } else if !known.contains(i.id.as_str()) {
            AwsError::new("FindingNotFound", format!("Finding {} was not found", i.id))
        } else {
            continue;
        };
        out.push(Unprocessed {
            id: i.id.clone(),
            error,
        });
    }
    out
}

fn hub<'a>(
    account: &'a Snapshot,
    region: &str,
) -> Option<&'a secure_account_core::snapshot::SecurityHub> {
    account
        .regions
        .get(region)
        .and_then(|r| r.services.security_hub.known())
        .and_then(Option::as_ref)
}
