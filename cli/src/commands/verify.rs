//! `verify`: evaluate the FSBP controls now; fail below `--min-score`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::bail;
use serde::Serialize;

use secure_account_core::evaluate::{Score, Status};
use secure_account_core::manual::manual_tasks;
use secure_account_core::planner::scope;
use secure_account_core::{Baseline, Catalog, ManualTask, evaluate};
use secure_account_engine::{Port, flow};

use super::percent;
use crate::account::{read_snapshot, validate_baseline};
use crate::args::{GlobalArgs, OutputFormat, VerifyArgs};
use crate::output::{
    BOLD, CLI_FORMAT_VERSION, RED, Stream, paint, print_json, print_text, use_color,
};

/// The JSON of `verify` (SPEC §6).
#[derive(Debug, Serialize)]
struct VerifyOutput<'a> {
    format_version: u32,
    score: &'a Score,
    controls: Vec<ControlLine<'a>>,
    manual_tasks: &'a [ManualTask],
}

#[derive(Debug, Serialize)]
struct ControlLine<'a> {
    id: &'a str,
    status: Status,
    regions_failed: &'a [String],
    /// Why a control the reviewed catalog lacks is disabled (its association's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// A control of the live standard that the reviewed catalog lacks, as Security Hub shows
/// it: `disabled` (with the reason of its association) when it is disabled in every
/// region that has it, else `no_data` (enabled somewhere, and nothing evaluates it here).
struct LiveOnly<'a> {
    id: &'a str,
    status: Status,
    reason: Option<&'a str>,
}

fn live_only_controls<'a>(
    snapshot: &'a secure_account_core::Snapshot,
    catalog: &Catalog,
    regions: &std::collections::BTreeSet<String>,
) -> Vec<LiveOnly<'a>> {
    let mut found: std::collections::BTreeMap<&'a str, (bool, Option<&'a str>)> =
        Default::default();
    for (name, region) in &snapshot.regions {
        if !regions.contains(name) {
            continue;
        }
        let Some(Some(hub)) = region.services.security_hub.known() else {
            continue;
        };
        for (id, a) in &hub.fsbp_controls {
            if catalog.position(id).is_some() {
                continue;
            }
            let entry = found.entry(id.as_str()).or_insert((true, None));
            entry.0 &= !a.enabled;
            if entry.1.is_none() {
                entry.1 = a.disabled_reason.as_deref();
            }
        }
    }
    found
        .into_iter()
        .map(|(id, (disabled, reason))| LiveOnly {
            id,
            status: if disabled {
                Status::Disabled
            } else {
                Status::NoData
            },
            reason: if disabled { reason } else { None },
        })
        .collect()
}

pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
    args: &VerifyArgs,
) -> anyhow::Result<ExitCode> {
    let snapshot = read_snapshot(port).await?;
    validate_baseline(baseline, &snapshot)?;
    let scope = scope(&snapshot, baseline);
    let evaluation = evaluate(&snapshot, Catalog::builtin(), &scope);
    let tasks = manual_tasks(&snapshot, baseline.security_contact.is_some());
    let score = &evaluation.score;
    let live_only = live_only_controls(&snapshot, Catalog::builtin(), &scope.regions);

    match global.output {
        OutputFormat::Json => print_json(&VerifyOutput {
            format_version: CLI_FORMAT_VERSION,
            score,
            controls: evaluation
                .controls
                .iter()
                .map(|c| ControlLine {
                    id: &c.id,
                    status: c.status,
                    regions_failed: &c.regions_failed,
                    reason: None,
                })
                .chain(live_only.iter().map(|c| ControlLine {
                    id: c.id,
                    status: c.status,
                    regions_failed: &[],
                    reason: c.reason,
                }))
                .collect(),
            manual_tasks: &tasks,
        })?,
        OutputFormat::Text => {
            let color = use_color(global.color, Stream::Stdout);
            let mut out = String::new();
            if score.incomplete {
                let _ = writeln!(
                    out,
                    "{} {} part(s) of the account could not be read: {}",
                    paint("INCOMPLETE SCORE:", RED, color),
                    score.unread_parts.len(),
                    score.unread_parts.join(", ")
                );
            }
            let _ = writeln!(
                out,
                "FSBP score{}: {} ({} passed, {} failed; {} without data, {} disabled); {} once \
                 the manual tasks are done",
                if score.incomplete {
                    " of what could be read"
                } else {
                    ""
                },
                paint(&percent(score.percent), BOLD, color),
                score.passed,
                score.failed,
                score.no_data,
                score.disabled,
                percent(score.percent_if_manual_done)
            );
            let failed: Vec<_> = evaluation
                .controls
                .iter()
                .filter(|c| c.status == Status::Failed)
                .collect();
            if !failed.is_empty() {
                let _ = writeln!(out, "\n{}", paint("Failed controls:", BOLD, color));
                let width = failed.iter().map(|c| c.id.len()).max().unwrap_or(0);
                for c in failed {
                    let regions = if c.regions_failed.len() > 1
                        && c.regions_failed.len() == scope.regions.len()
                    {
                        format!("every region ({})", c.regions_failed.len())
                    } else {
                        c.regions_failed.join(", ")
                    };
                    let _ = writeln!(
                        out,
                        "  {}  {regions}",
                        paint(&format!("{:<width$}", c.id), RED, color)
                    );
                }
            }
            if !live_only.is_empty() {
                let _ = writeln!(
                    out,
                    "\n{}",
                    paint("Controls newer than the reviewed catalog:", BOLD, color)
                );
                for c in &live_only {
                    let status = match c.status {
                        Status::Disabled => "disabled",
                        Status::Passed | Status::Failed | Status::NoData => "enabled",
                    };
                    let reason = c.reason.map(|r| format!(": {r}")).unwrap_or_default();
                    let _ = writeln!(out, "  {}  {status}{reason}", c.id);
                }
            }
            if !tasks.is_empty() {
                let _ = writeln!(out, "\n{}", paint("Manual tasks:", BOLD, color));
                for t in &tasks {
                    let _ = writeln!(out, "  {}: {}", t.control, t.instructions);
                }
            }
            print_text(&out)?;
        }
    }

    if let Some(min) = args.min_score
        && score.incomplete
        && !args.allow_incomplete
    {
        bail!(
            "the FSBP score is incomplete: {} part(s) of the account could not be read ({}); \
             it cannot satisfy `--min-score {}`. Give the tool read access, or pass \
             `--allow-incomplete` to accept a score of what could be read",
            score.unread_parts.len(),
            score.unread_parts.join(", "),
            percent(min).trim_end_matches('%')
        );
    }
    if let Some(min) = args.min_score
        && !flow::meets_min_score(score, min, args.allow_incomplete)
    {
        bail!(
            "the FSBP score {} is below the minimum {}: {} points short; failed controls: {}",
            percent(score.percent),
            percent(min),
            percent(min - score.percent).trim_end_matches('%'),
            failed_list(&score.failed_controls)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The failed controls for an error line: the first ten, then how many more.
fn failed_list(ids: &[String]) -> String {
    const SHOWN: usize = 10;
    if ids.is_empty() {
        return "none".into();
    }
    let mut list = ids
        .iter()
        .take(SHOWN)
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        list.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    list
}
