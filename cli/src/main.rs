//! `secure-account`: the command line. Glue over the core (plan, evaluate, render), the
//! engine (apply) and the simulator; the only crate that uses `anyhow`.

mod account;
mod args;
mod commands;
mod hint;
mod interrupt;
mod journal;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use crate::account::{
    Account, load_baseline, read_snapshot, validate_baseline, validate_baseline_controls,
};
use crate::args::{BaselineCommand, Cli, Command, ControlsCommand, NotificationsCommand};
use crate::commands::{
    apply, baseline, controls, cost, fleet, iam_policy, notifications, plan, report, snapshot,
    verify,
};

/// Planning and evaluating allocate many small strings and maps. Measured on the 2-core dev
/// machine (release, fresh 17-region plan, median): 1.17 ms with the system allocator
/// (`core/examples/plan_timing`), 0.75 ms with mimalloc (`secure-account-bench`, which uses
/// it too).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(args::normalize_args(args::lambda_bootstrap(
        std::env::args_os(),
        std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some(),
    ))) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version go to stdout and succeed; usage errors exit 1 like every
            // other error (2 means "changes" for `plan --detailed-exitcode`).
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    interrupt::install();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            output::eprint_line(&format!("error: {e:#}"));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let global = &cli.global;
    match &cli.command {
        Command::Controls(ControlsCommand::List) => controls::list(global),
        Command::Controls(ControlsCommand::Diff(args)) => {
            let write = args.write.as_deref();
            match &args.against {
                Some(path) => controls::diff_file(global, path, write),
                None => Account::from_args(global)?
                    .run(async |sim| controls::diff_live(sim, global, write).await),
            }
        }
        Command::Baseline(BaselineCommand::Show) => {
            let baseline = load_baseline(global)?;
            if global.simulate.is_some() || global.sim_state.is_some() {
                // With an account at hand, its regions are checked too.
                Account::from_args(global)?
                    .run(async |sim| validate_baseline(&baseline, &read_snapshot(sim).await?))?;
            } else {
                validate_baseline_controls(&baseline)?;
            }
            baseline::show(&baseline, global)
        }
        // Nothing is read: the template comes from the baseline and the arguments.
        Command::Notifications(NotificationsCommand::Template(args)) => {
            notifications::template(&load_baseline(global)?, args)
        }
        Command::Notifications(NotificationsCommand::Deploy(args)) => {
            let account = Account::from_args(global)?;
            let baseline = load_baseline(global)?;
            account.run(async |sim| {
                notifications::deploy(sim, global, &baseline, args, &|sim| account.save(sim)).await
            })
        }
        // Nothing is read: the policy comes from the tables and the baseline's names.
        Command::IamPolicy(args) => iam_policy::run(&load_baseline(global)?, args),
        Command::Snapshot => {
            Account::from_args(global)?.run(async |sim| snapshot::run(sim, global).await)
        }
        Command::Plan(args) => {
            let account = Account::from_args(global)?;
            // A bad baseline file is reported before the account is read.
            let baseline = load_baseline(global)?;
            account.run(async |sim| plan::run(sim, global, &baseline, args).await)
        }
        Command::Cost => {
            let account = Account::from_args(global)?;
            let baseline = load_baseline(global)?;
            account.run(async |sim| cost::run(sim, global, &baseline).await)
        }
        Command::Verify(args) => {
            let account = Account::from_args(global)?;
            let baseline = load_baseline(global)?;
            account.run(async |sim| verify::run(sim, global, &baseline, args).await)
        }
        Command::Fleet(command) => fleet::run(global, command),
        Command::Report(args) => {
            let account = Account::from_args(global)?;
            let baseline = load_baseline(global)?;
            account.run(async |sim| report::run(sim, global, &baseline, args).await)
        }
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "secure-account", &mut out);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            std::io::Write::write_all(&mut std::io::stdout().lock(), &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Apply(args) => {
            let account = Account::from_args(global)?;
            let baseline = match &args.plan_file {
                Some(_) => None,
                None => Some(load_baseline(global)?),
            };
            account.run(async |sim| {
                apply::run(sim, global, baseline.as_ref(), args, &|sim| {
                    account.save(sim)
                })
                .await
            })
        }
    }
}
