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

fn run(args: &Args) -> anyhow::Result<()> {
    let defaults = Options::default();
    let options = Options {
        plans: args.plans as usize,
        concurrency: args
            .concurrency
            .map_or(defaults.concurrency, |c| c as usize),
        samples: args.samples as usize,
    };
    let out: BenchOutput = secure_account_bench::run(&options)?;
    let mut text = match args.output {
        OutputFormat::Json => {
            serde_json::to_string_pretty(&out).context("cannot serialise the output")?
        }
        OutputFormat::Text => text(&out),
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
