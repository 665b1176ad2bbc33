//! `controls list`: the project's reviewed FSBP catalog; `controls diff`: how another
//! catalog or the live standard differs from it.

use std::fmt::Write as _;
use std::process::ExitCode;

use std::path::Path;

use anyhow::{Context, bail};
use secure_account_core::catalog::{CatalogDiff, ControlStatus, Severity};
use secure_account_core::{Catalog, Observed};
use secure_account_engine::Port;
use serde::Serialize;

use crate::account::read_snapshot;

use crate::args::{GlobalArgs, OutputFormat};
use crate::output::{CLI_FORMAT_VERSION, print_json, print_text, write_atomic};

pub fn list(global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::builtin();
    match global.output {
        OutputFormat::Json => {
            // The catalog file itself, with the CLI's format version in front.
            let mut value =
                serde_json::to_value(catalog).context("cannot serialise the catalog")?;
            let mut object = serde_json::Map::new();
            object.insert("format_version".into(), CLI_FORMAT_VERSION.into());
            if let Some(fields) = value.as_object_mut() {
                object.append(fields);
            }
            print_json(&object)?;
        }
        OutputFormat::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "FSBP catalog {} ({}): {} controls, {} active",
                catalog.version,
                catalog.standard,
                catalog.controls.len(),
                catalog.active().count()
            );
            let width = catalog
                .controls
                .iter()
                .map(|c| c.id.len())
                .max()
                .unwrap_or(2);
            let _ = writeln!(
                out,
                "{:<width$}  {:<8}  {:<8}  {:<10}  {:<7}  TITLE",
                "ID", "SEVERITY", "SCOPE", "ADDED", "STATUS"
            );
            for c in &catalog.controls {
                let severity = match c.severity {
                    Severity::Low => "LOW",
                    Severity::Medium => "MEDIUM",
                    Severity::High => "HIGH",
                    Severity::Critical => "CRITICAL",
                };
                let scope = if c.regional { "regional" } else { "global" };
                let status = match c.status {
                    ControlStatus::Active => "active",
                    ControlStatus::Retired => "retired",
                };
                let _ = writeln!(
                    out,
                    "{:<width$}  {severity:<8}  {scope:<8}  {:<10}  {status:<7}  {}",
                    c.id, c.added, c.title
                );
            }
            print_text(&out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON of `controls diff`.
#[derive(Debug, Serialize)]
struct DiffOutput<'a> {
    format_version: u32,
    reviewed_catalog: &'a str,
    against: &'a str,
    #[serde(flatten)]
    diff: &'a CatalogDiff,
}

/// `controls diff --against FILE`.
pub fn diff_file(
    global: &GlobalArgs,
    path: &Path,
    write: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let text = crate::output::read_capped(path, crate::output::cap::CATALOG, "catalog")?;
    let other = Catalog::from_json_or_list(&text).with_context(|| {
        format!(
            "`{}` is neither a catalog (like core/data/fsbp-catalog.json) nor a JSON list of controls",
            path.display()
        )
    })?;
    let reviewed = Catalog::builtin();
    let label = format!("{} (catalog {})", path.display(), other.version);
    if let Some(out) = write {
        save(out, &other)?;
    }
    print_diff(global, reviewed, &label, &reviewed.diff(&other))
}

/// `controls diff` against the standard the account runs.
pub async fn diff_live(
    port: &impl Port,
    global: &GlobalArgs,
    write: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let snapshot = read_snapshot(port).await?;
    let mut live: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let mut regions = 0;
    for (_, r) in snapshot.enabled_regions() {
        if let Observed::Known(Some(hub)) = &r.services.security_hub
            && !hub.fsbp_controls.is_empty()
        {
            regions += 1;
            live.extend(hub.fsbp_controls.keys().map(String::as_str));
        }
    }
    if regions == 0 {
        bail!(
            "the live standard cannot be read: FSBP is not subscribed in any region of the \
             account; apply the baseline first, or compare with a file (`--against FILE`)"
        );
    }
    let reviewed = Catalog::builtin();
    let label = format!("the live standard ({regions} region(s))");
    if let Some(out) = write {
        save(out, &reviewed.with_live_controls(live.iter().copied()))?;
    }
    print_diff(global, reviewed, &label, &reviewed.diff_ids(live))
}

/// Saves `catalog` as a catalog file for review, and says so on stderr.
fn save(path: &Path, catalog: &Catalog) -> anyhow::Result<()> {
    write_atomic(path, &catalog.to_file_json())
        .with_context(|| format!("cannot write the catalog to `{}`", path.display()))?;
    eprintln!(
        "wrote catalog {} ({} controls) to {}: review it, then replace \
         core/data/fsbp-catalog.json with it",
        catalog.version,
        catalog.controls.len(),
        path.display()
    );
    Ok(())
}

fn print_diff(
    global: &GlobalArgs,
    reviewed: &Catalog,
    against: &str,
    diff: &CatalogDiff,
) -> anyhow::Result<ExitCode> {
    match global.output {
        OutputFormat::Json => print_json(&DiffOutput {
            format_version: CLI_FORMAT_VERSION,
            reviewed_catalog: &reviewed.version,
            against,
            diff,
        })?,
        OutputFormat::Text => {
            let mut out = String::new();
            let _ = writeln!(
                out,
                "Reviewed catalog {} against {against}",
                reviewed.version
            );
            if diff.is_empty() {
                let _ = writeln!(out, "No difference.");
            }
            if !diff.added.is_empty() {
                let _ = writeln!(
                    out,
                    "Added ({}), disabled as not yet reviewed until the catalog is updated: {}",
                    diff.added.len(),
                    diff.added.join(", ")
                );
            }
            if !diff.removed.is_empty() {
                let _ = writeln!(
                    out,
                    "Removed or retired ({}): {}",
                    diff.removed.len(),
                    diff.removed.join(", ")
                );
            }
            for c in &diff.changed {
                let _ = writeln!(
                    out,
                    "Changed {} {}: {} → {}",
                    c.id, c.field, c.reviewed, c.other
                );
            }
            print_text(&out)?;
        }
    }
    Ok(if diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
