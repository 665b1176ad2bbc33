//! `report` and `apply --report FILE`: the handover report, one self-contained HTML page
//! (core's `render::handover_html`) made from the account as it is now.

use std::process::ExitCode;

use anyhow::Context;
use secure_account_core::action::ActionKind;
use secure_account_core::cost::CostModel;
use secure_account_core::render::{self, Applied, Exception, Handover};
use secure_account_core::{Baseline, Catalog, Plan, cost_report, verify};
use secure_account_engine::{ActionStatus, ApplyReport, Port, flow};

use crate::account::baseline_for_plan;
use crate::args::{GlobalArgs, OutputFormat, ReportArgs};
use crate::output::{print_text, write_atomic};

/// `secure-account report --out FILE`: read the account, plan, evaluate and price it, and
/// write the page (no apply: it lists no changes).
pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
    args: &ReportArgs,
) -> anyhow::Result<ExitCode> {
    let planned = flow::read_and_plan(port, baseline).await?;
    let verification = verify::verify(&planned.snapshot, baseline, Catalog::builtin());
    let cost = cost_report::document(&planned.snapshot, baseline, CostModel::builtin());
    let html = render::handover_html(&Handover {
        date: &today(),
        tool_version: env!("CARGO_PKG_VERSION"),
        plan: &planned.plan,
        verification: &verification,
        score_before: None,
        changes: None,
        exceptions: &exceptions(baseline),
        cost: Some(&cost),
    });
    write_atomic(&args.out, &html).context("cannot write the report")?;
    if global.output == OutputFormat::Text {
        print_text(&format!(
            "Wrote the handover report to `{}` (score {}, {} failed, {}).",
            args.out.display(),
            render::percent(verification.score.percent),
            render::plural(verification.failed().count(), "control", "controls"),
            render::plural(
                verification.manual_tasks.len(),
                "manual task",
                "manual tasks"
            )
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The page after an apply: the account read again, the run's changes and its score before.
pub async fn after_apply(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: Option<&Baseline>,
    plan: &Plan,
    report: &ApplyReport,
) -> anyhow::Result<String> {
    let loaded;
    let baseline = match baseline {
        Some(b) => b,
        None => {
            loaded = baseline_for_plan(global, plan)?;
            &loaded
        }
    };
    let snapshot = flow::read(port)
        .await
        .context("cannot read the account again for the report")?;
    let verification = verify::verify(&snapshot, baseline, Catalog::builtin());
    let cost = cost_report::document(&snapshot, baseline, CostModel::builtin());
    let changes = applied(report);
    Ok(render::handover_html(&Handover {
        date: &today(),
        tool_version: env!("CARGO_PKG_VERSION"),
        plan,
        verification: &verification,
        score_before: report.score_before.as_ref(),
        changes: Some(&changes),
        exceptions: &exceptions(baseline),
        cost: Some(&cost),
    }))
}

/// What the run applied, each action once.
fn applied(report: &ApplyReport) -> Vec<Applied> {
    let mut out: Vec<Applied> = report
        .results
        .iter()
        .filter(|r| r.status == ActionStatus::Applied)
        .filter_map(|r| {
            Some(Applied {
                region: r.region.as_str().to_string(),
                service: service_of(r.action.as_deref()?).to_string(),
                id: r.id.clone(),
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The service of an action kind named in a report (`create_bucket` → `s3`).
pub fn service_of(kind: &str) -> &'static str {
    ActionKind::all()
        .find(|k| k.name() == kind)
        .map_or("", |k| k.facts().service)
}

/// The controls the baseline leaves off by decision, with its reasons.
fn exceptions(baseline: &Baseline) -> Vec<Exception> {
    baseline
        .controls
        .disabled
        .iter()
        .map(|(control, reason)| Exception {
            control: control.clone(),
            reason: reason.clone(),
        })
        .collect()
}

/// Today's date (UTC) as `YYYY-MM-DD`; `SOURCE_DATE_EPOCH` (seconds) fixes it, for
/// reproducible reports.
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    civil_date(secs / 86_400)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn days_are_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_794), "2026-12-07");
    }
}
