//! `controls list`: the project's reviewed FSBP catalog.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use secure_account_core::Catalog;
use secure_account_core::catalog::{ControlStatus, Severity};

use crate::args::{GlobalArgs, OutputFormat};
use crate::output::{CLI_FORMAT_VERSION, print_json, print_text};

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
