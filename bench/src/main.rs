//! `secure-account-bench`: the project's benchmark (SPEC §9). Run it with
//! `cargo run --release -p secure-account-bench [-- --output json]`; see the library's
//! documentation for what it measures and the JSON fields.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, ValueEnum};

use secure_account_bench::{BenchOutput, Options, text};

/// The product's allocator (`secure-account` uses it too), so the CPU figures are the ones
/// the command line gets: planning allocates many small strings and maps.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LONG_ABOUT: &str = "\
Run the project's benchmark (SPEC §9) on the built-in `fresh` simulated account (17 regions, \
AWS-like latencies on virtual time, no faults) with the `fsbp` baseline: the plan's critical \
path (the longest dependency chain weighted by each write call's latency; rate limits and \
reads excluded), a concurrent and a sequential apply on virtual time with their API calls, \
their ratios against the targets, and the CPU time of planning one fresh snapshot and N \
different ones on this thread.

The virtual-time figures are deterministic; the CPU figures depend on the machine and the \
build profile (build with `--release` to quote them).

Example:
  cargo run --release -p secure-account-bench -- --output json";

#[derive(Debug, Parser)]
#[command(
    name = "secure-account-bench",
    version,
    about = "Measure apply against the critical path, and the CPU time of planning",
    long_about = LONG_ABOUT
)]
struct Args {
    /// How many different snapshots to plan for the CPU figure
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    plans: u64,

    /// Actions in flight at once in the concurrent apply (default: the engine's default)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    concurrency: Option<u32>,

    /// Runs whose median is the CPU time of one `plan()` and one `evaluate()`
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    samples: u64,

    /// Accounts of the simulated `mixed` organisation for the fleet figures (0: none):
    /// `fleet apply` against the accounts applied one at a time, and memory per account
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    fleet: u64,

    /// Accounts at once in the fleet figures
    #[arg(long, value_name = "N", default_value_t = secure_account_engine::fleet::DEFAULT_ACCOUNTS_IN_FLIGHT as u64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    fleet_in_flight: u64,

    /// Internal: measure the fleet's memory in this (fresh) process from the states saved
    /// in DIR, print the bytes, and exit
    #[arg(long, value_name = "DIR", hide = true)]
    fleet_memory_probe: Option<std::path::PathBuf>,

    /// Output format on stdout: a table, or the figures as JSON (`format_version` 1)
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    output: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            // As `secure-account`: help and version succeed, usage errors exit 1.
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The fleet's peak memory with `in_flight` accounts at once, measured by this binary in
/// a fresh process.
fn probe(args: &Args, dir: &std::path::Path, in_flight: u64) -> anyhow::Result<Option<usize>> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("--fleet-memory-probe")
        .arg(dir)
        .args(["--fleet", &args.fleet.to_string()])
        .args(["--fleet-in-flight", &in_flight.to_string()])
        .output()
        .context("cannot run the memory probe")?;
    anyhow::ensure!(
        out.status.success(),
        "the memory probe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().parse().ok())
}

fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(dir) = &args.fleet_memory_probe {
        let peak = secure_account_bench::fleet::memory_probe(
            args.fleet as usize,
            0,
            args.fleet_in_flight as usize,
            dir,
        )?;
        println!("{}", peak.map_or("n/a".to_string(), |p| p.to_string()));
        return Ok(());
    }
    let defaults = Options::default();
    let options = Options {
        plans: args.plans as usize,
        concurrency: args
            .concurrency
            .map_or(defaults.concurrency, |c| c as usize),
        samples: args.samples as usize,
    };
    let out: BenchOutput = secure_account_bench::run(&options)?;
    let fleet = match args.fleet {
        0 => None,
        n => {
            let dir = std::env::temp_dir()
                .join(format!("secure-account-bench-fleet-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            secure_account_bench::fleet::save_states(n as usize, 0, &dir)?;
            let memory_fleet = probe(args, &dir, args.fleet_in_flight);
            let memory_single = probe(args, &dir, 1);
            let _ = std::fs::remove_dir_all(&dir);
            Some(secure_account_bench::fleet::run(
                &secure_account_bench::fleet::FleetBenchOptions {
                    accounts: n as usize,
                    accounts_in_flight: args.fleet_in_flight as usize,
                    memory_fleet: memory_fleet?,
                    memory_single: memory_single?,
                    ..Default::default()
                },
            )?)
        }
    };
    let mut text = match args.output {
        OutputFormat::Json => {
            let mut value = serde_json::to_value(&out).context("cannot serialise the output")?;
            if let (Some(f), Some(map)) = (&fleet, value.as_object_mut()) {
                map.insert("fleet".into(), serde_json::to_value(f)?);
            }
            serde_json::to_string_pretty(&value).context("cannot serialise the output")?
        }
        OutputFormat::Text => {
            let mut t = text(&out);
            if let Some(f) = &fleet {
                t.push_str(&secure_account_bench::fleet::text(f));
            }
            t
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}
