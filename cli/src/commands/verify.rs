//! `verify`: evaluate the FSBP controls now; fail below `--min-score`.

use std::process::ExitCode;

use anyhow::bail;

use secure_account_core::verify::meets_min_score;
use secure_account_core::{Baseline, render};
use secure_account_engine::{Port, flow};

use super::percent;
use crate::args::{GlobalArgs, OutputFormat, VerifyArgs};
use crate::output::{Stream, print_json, print_text, use_color};

pub async fn run(
    port: &impl Port,
    global: &GlobalArgs,
    baseline: &Baseline,
    args: &VerifyArgs,
) -> anyhow::Result<ExitCode> {
    let verification = flow::verify(port, baseline).await?;
    match global.output {
        OutputFormat::Json => print_json(&verification)?,
        OutputFormat::Text => print_text(&render::verification_text(
            &verification,
            use_color(global.color, Stream::Stdout),
        ))?,
    }
    let score = &verification.score;

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
        && !meets_min_score(score, min, args.allow_incomplete)
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
