//! `snapshot`: the account as the planner sees it (JSON), or a short summary for people.

use std::fmt::Write as _;
use std::process::ExitCode;

use secure_account_core::Snapshot;
use secure_account_core::snapshot::{MfaKind, Observed, RegionSnapshot};
use secure_account_engine::Port;

use crate::account::read_snapshot;
use crate::args::{GlobalArgs, OutputFormat};
use crate::output::{print_json, print_text};

pub async fn run(port: &impl Port, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let snapshot = read_snapshot(port).await?;
    match global.output {
        OutputFormat::Json => print_json(&snapshot)?,
        OutputFormat::Text => print_text(&summary(&snapshot))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// What a part of the account shows, or `?` when it could not be read.
fn show<T>(observed: &Observed<T>, f: impl FnOnce(&T) -> String) -> String {
    match observed {
        Observed::Known(v) => f(v),
        Observed::Unreadable { read_error } => format!("? ({})", read_error.code),
    }
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}

/// One line per region, after a few account-wide facts.
pub fn summary(s: &Snapshot) -> String {
    let mut out = String::new();
    let enabled = s.enabled_regions().count();
    let _ = writeln!(
        out,
        "account {}: {enabled} of {} regions enabled",
        s.account_id,
        s.regions.len()
    );
    let g = &s.global;
    let _ = writeln!(
        out,
        "password policy: {}",
        show(&g.password_policy, |p| match p {
            None => "none".into(),
            Some(p) => format!(
                "minimum length {}, reuse prevention {}",
                p.minimum_password_length,
                p.password_reuse_prevention
                    .map_or("off".into(), |n| n.to_string())
            ),
        })
    );
    let _ = writeln!(
        out,
        "root user: {}",
        show(&g.root, |r| format!(
            "MFA {}, {} access key(s)",
            match r.mfa {
                MfaKind::None => "none",
                MfaKind::Virtual => "virtual",
                MfaKind::Hardware => "hardware",
            },
            r.access_keys
        ))
    );
    let _ = writeln!(
        out,
        "S3 account public access block: {}",
        show(&g.account_public_access_block, |p| match p {
            Some(p) if p.all() => "all four".into(),
            Some(_) => "partial".into(),
            None => "none".into(),
        })
    );
    let _ = writeln!(
        out,
        "buckets: {}",
        show(&g.buckets, |b| b.len().to_string())
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<16} {:<12} {:<12} {:<10} {:<10} {:<7} DEFAULT VPC",
        "REGION", "STATUS", "SECURITYHUB", "GUARDDUTY", "CONFIG", "TRAILS"
    );
    for (name, region) in &s.regions {
        let _ = writeln!(out, "{}", region_line(name, region).trim_end());
    }
    out
}

fn region_line(name: &str, r: &RegionSnapshot) -> String {
    if !r.opt_in_status.is_enabled() {
        return format!("{name:<16} not enabled");
    }
    let sv = &r.services;
    let hub = show(&sv.security_hub, |h| on_off(h.is_some()));
    let gd = show(&sv.guardduty, |d| {
        on_off(d.as_ref().is_some_and(|d| d.enabled))
    });
    let config = show(&sv.config, |c| {
        if c.recorders.iter().any(|r| r.recording) {
            "recording".into()
        } else if c.recorders.is_empty() {
            "off".into()
        } else {
            "stopped".into()
        }
    });
    let trails = show(&sv.trails, |t| t.len().to_string());
    let vpc = show(&sv.vpcs, |vpcs| match vpcs.iter().find(|v| v.is_default) {
        None => "none".into(),
        Some(v) => format!("{} ({} ENIs)", v.vpc_id, v.network_interfaces.len()),
    });
    format!(
        "{name:<16} {:<12} {hub:<12} {gd:<10} {config:<10} {trails:<7} {vpc}",
        "enabled"
    )
}
