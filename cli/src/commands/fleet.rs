//! `fleet plan|apply|verify`: many accounts at once, each through a role assumed in it
//! (AWS) or a member of the simulated organisation (`--simulate [mixed|SCENARIO]`).
//!
//! Each account gets its own files in `--out-dir` (`<id>/plan.json`, `plan.txt`,
//! `apply.json` with the ledger, `verify.json`); the summary (a table, or JSON with
//! `--output json`) lists every account: score before and after, failed actions, manual
//! tasks, time. An account that fails is a row with the reason; it never stops the others.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use secure_account_core::{Baseline, render};
use secure_account_engine::fleet::{
    self, AccountStatus, Done, FleetAccount, FleetCommand as Command, FleetOptions, FleetSummary,
    Opener, Outcome,
};
use secure_account_engine::{ApplyOptions, CallLimits};
use secure_account_simulator::fleet::{
    DEFAULT_ROLE, MIXED, Member, SimulatedFleet, organization, starting_state,
};
use secure_account_simulator::{LatencyModel, Simulator};

use super::fleet_deploy::{self, DeployArgs};
use super::fleet_lambda::{self, HandleArgs, LambdaArgs};
use super::percent;
use crate::account::{load_baseline, load_named_baseline};
use crate::args::{GlobalArgs, OutputFormat};
use crate::interrupt;
use crate::output::{print_json, print_text, write_atomic};

#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Plan every account of the fleet (nothing changes)
    #[command(after_help = "\
Examples:
  secure-account --simulate mixed --sim-state org fleet plan
  secure-account --profile management fleet plan --accounts accounts.csv")]
    Plan(FleetArgs),
    /// Apply the baseline to every account of the fleet, without asking per account
    #[command(after_help = "\
Examples:
  secure-account --simulate mixed --sim-state org fleet apply --auto-approve
  secure-account --profile management fleet apply --organization --auto-approve")]
    Apply(FleetApplyArgs),
    /// Read and evaluate every account of the fleet
    #[command(after_help = "\
Examples:
  secure-account --simulate mixed --sim-state org fleet verify --output json
  secure-account --profile management fleet verify --accounts accounts.csv")]
    Verify(FleetArgs),
    /// Print the CloudFormation template that runs the fleet on AWS Lambda and Step
    /// Functions (a Distributed Map over the accounts CSV in S3, on a schedule)
    #[command(after_help = "\
Examples:
  secure-account fleet template > fleet.yaml")]
    Template,
    /// Deploy the template's stack (CloudFormation) in the operator's account and region,
    /// after showing what it will do and asking
    #[command(
        long_about = "\
Deploy the stack of `fleet template` (CloudFormation, in the region of `--region`, \
AWS_REGION or the baseline's home region): created when absent, updated when settled, then \
waited for, its statuses on stderr. The template makes IAM roles, so CAPABILITY_IAM is \
acknowledged; termination protection is on. The function's zip must be in S3 first \
(`--code-bucket`, `--code-key`), and the accounts CSV at `--accounts-bucket`/`--accounts-key` \
before the first scheduled run. A stack that is busy, or whose creation failed, is reported \
and left alone (the tool deletes no stack); a failed deployment names the first resource that \
failed. The caller needs cloudformation:CreateStack/UpdateStack/DescribeStacks/\
DescribeStackEvents and what the stack creates (IAM roles, Lambda, Step Functions, S3, Logs, \
EventBridge).",
        after_help = "\
Examples:
  cargo lambda build --release --arm64 --output-format zip --bin secure-account
  aws s3 cp target/lambda/secure-account/bootstrap.zip s3://my-code/secure-account/bootstrap.zip
  secure-account --region eu-west-1 fleet deploy --code-bucket my-code --accounts-bucket my-accounts
  secure-account fleet deploy --code-bucket my-code --accounts-bucket my-accounts \\
      --command verify --schedule 'cron(0 6 * * ? *)' --auto-approve"
    )]
    Deploy(DeployArgs),
    /// Handle one item of the state machine's Distributed Map (what the Lambda function
    /// does with each invocation): the event JSON in, the account's row and whether to
    /// run it again out
    #[command(after_help = "\
Examples:
  secure-account --simulate fresh fleet handle event.json")]
    Handle(HandleArgs),
    /// The Lambda function's runtime: handles the invocations the Lambda Runtime API
    /// (`AWS_LAMBDA_RUNTIME_API`) gives, one account each, until it fails. The function's
    /// `bootstrap` run without arguments under Lambda is this command
    #[command(
        long_about = "\
The Lambda function's runtime (the `provided.al2023` runtime's `bootstrap`): asks the Lambda \
Runtime API named by AWS_LAMBDA_RUNTIME_API for the next invocation, handles its event as \
`fleet handle` does, posts the answer (or the error) back, and asks again. Run without any \
argument while AWS_LAMBDA_RUNTIME_API is set, the binary runs `fleet lambda`.

The environment of the template's function gives the role (SECURE_ACCOUNT_ROLE_NAME) and \
the external id (SECURE_ACCOUNT_EXTERNAL_ID). `--deadline-margin` seconds before the \
invocation's deadline (Lambda-Runtime-Deadline-Ms) no new action starts: the account is \
answered `resume: true`, and the state machine invokes its `next` event, which reads the \
account again and applies what is left. Files go to `--out-dir` (give a folder under /tmp: \
the rest of a Lambda function's disk is read-only).",
        after_help = "\
Examples:
  secure-account fleet lambda --out-dir /tmp/fleet
  AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 secure-account --simulate fresh fleet lambda"
    )]
    Lambda(LambdaArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    /// The accounts: a 12-digit account id per line, or CSV lines `id,name,baseline`
    /// (name and baseline may be empty; a baseline is a built-in name or a TOML file; `#`
    /// starts a comment)
    #[arg(long, value_name = "FILE", conflicts_with = "organization")]
    pub accounts: Option<PathBuf>,

    /// Every ACTIVE member account of the AWS Organization the credentials manage
    /// (`organizations:ListAccounts`)
    #[arg(long)]
    pub organization: bool,

    /// The role assumed in each account (`sts:AssumeRole`)
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ROLE)]
    pub role_name: String,

    /// The external id the role's trust policy requires
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Where each account's plan, ledger and report and the summary are written
    #[arg(long, value_name = "DIR", default_value = "secure-account-fleet")]
    pub out_dir: PathBuf,

    /// Accounts worked on at once
    #[arg(long, value_name = "N", default_value_t = fleet::DEFAULT_ACCOUNTS_IN_FLIGHT as u32,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub accounts_in_flight: u32,

    /// Calls in flight at once per service and region, across every account
    #[arg(long, value_name = "N", default_value_t = fleet::DEFAULT_CALLS_PER_SERVICE_AND_REGION as u32,
          value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub calls_in_flight: u32,

    /// With `--simulate`: the number of accounts of the simulated organisation
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=100000))]
    pub sim_accounts: u32,

    /// With `--simulate`: the seed of the simulated organisation (`mixed`: which account
    /// is fresh, lived-in or partly baselined)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub sim_seed: u64,
}

#[derive(Debug, Args)]
pub struct FleetApplyArgs {
    #[command(flatten)]
    pub fleet: FleetArgs,

    /// Required: a fleet apply asks nobody (run `fleet plan` first)
    #[arg(long)]
    pub auto_approve: bool,

    /// Actions in flight at once within one account
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrency: u32,

    /// Rounds of each account's apply (read and plan again until the plan is empty)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_rounds: u32,
}

/// Runs a fleet command.
pub fn run(global: &GlobalArgs, command: &FleetCommand) -> anyhow::Result<ExitCode> {
    let (which, args, options) = match command {
        FleetCommand::Template => {
            print_json(&super::fleet_template::template())?;
            return Ok(ExitCode::SUCCESS);
        }
        FleetCommand::Handle(h) => return fleet_lambda::handle(global, h),
        FleetCommand::Lambda(l) => return fleet_lambda::lambda(global, l),
        FleetCommand::Deploy(d) => return fleet_deploy::run(global, d),
        FleetCommand::Plan(a) => (Command::Plan, a, FleetOptions::default()),
        FleetCommand::Verify(a) => (Command::Verify, a, FleetOptions::default()),
        FleetCommand::Apply(a) => {
            if !a.auto_approve {
                bail!(
                    "`fleet apply` changes every account without asking: run `fleet plan` \
                     first, then `fleet apply --auto-approve`"
                );
            }
            let options = FleetOptions {
                accounts_in_flight: 0,
                apply: ApplyOptions {
                    concurrency: a.concurrency as usize,
                    cancel: Some(interrupt::cancel()),
                    ..ApplyOptions::default()
                },
                max_rounds: a.max_rounds,
            };
            (Command::Apply, &a.fleet, options)
        }
    };
    let options = FleetOptions {
        accounts_in_flight: args.accounts_in_flight as usize,
        ..options
    };
    let default_baseline = Arc::new(load_baseline(global)?);
    let listed = match &args.accounts {
        Some(path) => Some(read_accounts(path, global, &default_baseline)?),
        None => None,
    };
    let simulated = global.simulate.is_some() || global.sim_state.is_some();
    let (code, _) = if simulated {
        simulate(
            global,
            args,
            which,
            &options,
            listed,
            default_baseline,
            true,
        )?
    } else {
        aws(
            global,
            args,
            which,
            &options,
            listed,
            default_baseline,
            true,
        )?
    };
    Ok(code)
}

/// Reads the accounts file: ids, or CSV `id,name,baseline`.
fn read_accounts(
    path: &Path,
    global: &GlobalArgs,
    default: &Arc<Baseline>,
) -> anyhow::Result<Vec<FleetAccount>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the accounts file `{}`", path.display()))?;
    parse_accounts(&text, global, default)
        .with_context(|| format!("in the accounts file `{}`", path.display()))
}

pub(super) fn parse_accounts(
    text: &str,
    global: &GlobalArgs,
    default: &Arc<Baseline>,
) -> anyhow::Result<Vec<FleetAccount>> {
    let mut baselines: BTreeMap<String, Arc<Baseline>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut accounts = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let id = fields[0];
        // A CSV header.
        if n == 0 && id.eq_ignore_ascii_case("id") {
            continue;
        }
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            bail!("line {}: `{id}` is not a 12-digit account id", n + 1);
        }
        if fields.len() > 3 {
            bail!(
                "line {}: expected `id,name,baseline`, found {} fields",
                n + 1,
                fields.len()
            );
        }
        if !seen.insert(id.to_string()) {
            bail!("line {}: account {id} is listed twice", n + 1);
        }
        let name = fields
            .get(1)
            .filter(|s| !s.is_empty())
            .map(|s| s.to_string());
        let baseline = match fields.get(2).filter(|s| !s.is_empty()) {
            None => default.clone(),
            Some(b) => match baselines.get(*b) {
                Some(found) => found.clone(),
                None => {
                    let loaded = Arc::new(with_overrides(load_named_baseline(b)?, global));
                    baselines.insert(b.to_string(), loaded.clone());
                    loaded
                }
            },
        };
        accounts.push(FleetAccount {
            id: id.to_string(),
            name,
            baseline,
        });
    }
    if accounts.is_empty() {
        bail!("no account ids");
    }
    Ok(accounts)
}

/// `--region` and `--regions` apply to every account's baseline.
fn with_overrides(mut baseline: Baseline, global: &GlobalArgs) -> Baseline {
    if let Some(region) = &global.region {
        baseline.home_region = region.clone();
    }
    if !global.regions.is_empty() {
        baseline.regions.include = global.regions.clone();
    }
    baseline
}

pub(super) fn simulate(
    global: &GlobalArgs,
    args: &FleetArgs,
    which: Command,
    options: &FleetOptions,
    listed: Option<Vec<FleetAccount>>,
    default_baseline: Arc<Baseline>,
    print: bool,
) -> anyhow::Result<(ExitCode, FleetSummary)> {
    if args.external_id.is_some() {
        eprintln!("note: the simulated organisation's roles require no external id; ignored");
    }
    let scenario = global.simulate.clone().unwrap_or_else(|| MIXED.into());
    let members = organization(&scenario, args.sim_accounts as usize, args.sim_seed)?;
    let state_dir = global.sim_state.clone();
    if let Some(dir) = &state_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the state folder `{}`", dir.display()))?;
    }
    let runtime = secure_account_simulator::virtual_clock_runtime()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let fsbp = Baseline::built_in("fsbp")?;
        let mut states: Vec<(Member, String)> = Vec::new();
        for m in &members {
            let saved = state_dir.as_ref().map(|d| state_path(d, &m.id));
            let state = match saved.filter(|p| p.exists()) {
                Some(p) => std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read `{}`", p.display()))?,
                None => starting_state(m, &fsbp).await?,
            };
            states.push((m.clone(), state));
        }
        let org = SimulatedFleet::new(states, &args.role_name, LatencyModel::aws_like());
        let accounts = match listed {
            Some(list) => list,
            // The simulated organisation's accounts, as `--organization` lists them.
            None => org
                .members()
                .map(|m| FleetAccount {
                    id: m.id.clone(),
                    name: Some(m.name.clone()),
                    baseline: default_baseline.clone(),
                })
                .collect(),
        };
        let keep = |account: &FleetAccount, sim: &Simulator| -> anyhow::Result<()> {
            match (&state_dir, which) {
                (Some(dir), Command::Apply) => {
                    write_atomic(&state_path(dir, &account.id), &sim.to_state_json())
                }
                _ => Ok(()),
            }
        };
        drive(
            global, args, which, options, &org, &accounts, true, &keep, print,
        )
        .await
    })
}

fn state_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.json"))
}

#[cfg(feature = "aws")]
pub(super) fn aws(
    global: &GlobalArgs,
    args: &FleetArgs,
    which: Command,
    options: &FleetOptions,
    listed: Option<Vec<FleetAccount>>,
    default_baseline: Arc<Baseline>,
    print: bool,
) -> anyhow::Result<(ExitCode, FleetSummary)> {
    use secure_account_adapters::fleet::{AssumeRole, AwsFleet};
    if listed.is_none() && !args.organization {
        bail!("name the accounts: `--accounts FILE` or `--organization`");
    }
    let region = global
        .region
        .clone()
        .or_else(|| {
            ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
        })
        .unwrap_or_else(|| default_baseline.home_region.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let org = AwsFleet::connect(
            secure_account_adapters::AwsConfig {
                profile: global.profile.clone(),
                region,
                endpoint_url: global.endpoint_url.clone(),
            },
            global.regions.clone(),
            AssumeRole {
                role_name: args.role_name.clone(),
                external_id: args.external_id.clone(),
            },
        )
        .await
        .context("cannot open the operator's AWS credentials")?;
        let accounts = match listed {
            Some(list) => list,
            None => {
                let listed = org
                    .organization_accounts()
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot list the organisation's accounts: {e}"))?;
                let skipped: Vec<String> = listed
                    .iter()
                    .filter(|a| a.state != "ACTIVE")
                    .map(|a| format!("{} ({})", a.id, a.state))
                    .collect();
                if !skipped.is_empty() {
                    eprintln!("not ACTIVE, left out: {}", skipped.join(", "));
                }
                listed
                    .into_iter()
                    .filter(|a| a.state == "ACTIVE")
                    .map(|a| FleetAccount {
                        id: a.id,
                        name: a.name,
                        baseline: default_baseline.clone(),
                    })
                    .collect()
            }
        };
        drive(
            global,
            args,
            which,
            options,
            &org,
            &accounts,
            false,
            &|_, _| Ok(()),
            print,
        )
        .await
    })
}

#[cfg(not(feature = "aws"))]
pub(super) fn aws(
    _: &GlobalArgs,
    _: &FleetArgs,
    _: Command,
    _: &FleetOptions,
    _: Option<Vec<FleetAccount>>,
    _: Arc<Baseline>,
    _: bool,
) -> anyhow::Result<(ExitCode, FleetSummary)> {
    bail!("this build has no AWS support: use `--simulate [mixed|SCENARIO]`")
}

/// Runs the fleet over any opener, writes each account's files as it ends, then the
/// summary.
#[allow(clippy::too_many_arguments)]
async fn drive<O: Opener>(
    global: &GlobalArgs,
    args: &FleetArgs,
    which: Command,
    options: &FleetOptions,
    org: &O,
    accounts: &[FleetAccount],
    simulated: bool,
    keep: &dyn Fn(&FleetAccount, &O::Port) -> anyhow::Result<()>,
    print: bool,
) -> anyhow::Result<(ExitCode, FleetSummary)> {
    let out = &args.out_dir;
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder `{}`", out.display()))?;
    let limits = CallLimits::new(args.calls_in_flight as usize);
    let json = global.output == OutputFormat::Json;
    let applying = (which == Command::Apply).then(interrupt::Applying::start);
    let mut errors: Vec<String> = Vec::new();
    let total = accounts.len();
    let mut ended = 0usize;
    let summary = fleet::run(org, accounts, which, options, &limits, &mut |done| {
        ended += 1;
        if let Err(e) = write_account(out, &done).and_then(|()| match done.port {
            Some(port) => keep(done.account, port),
            None => Ok(()),
        }) {
            errors.push(format!("{}: {e:#}", done.account.id));
        }
        let r = done.row;
        let why = r
            .error
            .as_ref()
            .map(|e| format!(": {}: {}", e.code, e.message))
            .unwrap_or_default();
        eprintln!(
            "[{ended}/{total}] {} {}{why}",
            r.account,
            status_word(r.status)
        );
    })
    .await;
    drop(applying);
    write_atomic(
        &out.join("summary.json"),
        &serde_json::to_string_pretty(&summary).context("cannot serialise the summary")?,
    )?;
    let text = summary_text(&summary, simulated);
    write_atomic(&out.join("summary.txt"), &text)?;
    if !print {
    } else if json {
        print_json(&summary)?;
    } else {
        print_text(&text)?;
    }
    for e in &errors {
        eprintln!("error: cannot write the files of account {e}");
    }
    if interrupt::interrupted() {
        return Ok((ExitCode::from(interrupt::exit_code()), summary));
    }
    let code = if summary.succeeded() && errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    Ok((code, summary))
}

/// `<out>/<id>/`: the plan (JSON and text), the apply's report with its ledger, the
/// verification; what failed is in the summary.
fn write_account<P>(out: &Path, done: &Done<'_, P>) -> anyhow::Result<()> {
    let Some(outcome) = done.outcome else {
        return Ok(());
    };
    let dir = out.join(&done.account.id);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let plan_files = |plan: &secure_account_core::Plan| -> anyhow::Result<()> {
        write_atomic(&dir.join("plan.json"), &render::plan_json(plan))?;
        write_atomic(&dir.join("plan.txt"), &render::plan_text(plan, false))
    };
    match outcome {
        Outcome::Planned(planned) => plan_files(&planned.plan),
        Outcome::Applied { planned, report } => {
            plan_files(&planned.plan)?;
            write_atomic(
                &dir.join("apply.json"),
                &serde_json::to_string_pretty(report).context("cannot serialise the report")?,
            )
        }
        Outcome::Verified(v) => write_atomic(
            &dir.join("verify.json"),
            &serde_json::to_string_pretty(v).context("cannot serialise the verification")?,
        ),
    }
}

fn status_word(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::UpToDate => "up to date",
        AccountStatus::Changes => "changes",
        AccountStatus::Applied => "applied",
        AccountStatus::Incomplete => "INCOMPLETE",
        AccountStatus::Verified => "verified",
        AccountStatus::Failed => "FAILED",
        AccountStatus::NotRun => "not run",
    }
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The summary table.
pub fn summary_text(s: &FleetSummary, simulated: bool) -> String {
    let mut t = String::new();
    let score = |p: Option<f64>| p.map(percent).unwrap_or_else(|| "-".into());
    let _ = writeln!(
        t,
        "{:<12}  {:<16}  {:<12}  {:>8}  {:>8}  {:>6}  {:>6}  {:>9}",
        "account", "name", "status", "before", "after", "failed", "manual", "time"
    );
    for r in &s.accounts {
        let mut name: String = r.name.clone().unwrap_or_default();
        if name.chars().count() > 16 {
            name = name.chars().take(15).collect::<String>() + "…";
        }
        let _ = writeln!(
            t,
            "{:<12}  {:<16}  {:<12}  {:>8}  {:>8}  {:>6}  {:>6}  {:>9}{}",
            r.account,
            name,
            status_word(r.status),
            score(r.score_before),
            score(r.score_after),
            r.actions_failed,
            r.manual_tasks,
            seconds(r.elapsed_ms),
            if r.incomplete {
                "  (incomplete read)"
            } else {
                ""
            }
        );
        if let Some(e) = &r.error {
            let _ = writeln!(t, "    {}: {}", e.code, e.message);
        }
    }
    let x = &s.totals;
    let counts: Vec<String> = [
        (x.applied, "applied"),
        (x.up_to_date, "up to date"),
        (x.changes, "with changes"),
        (x.verified, "verified"),
        (x.incomplete, "incomplete"),
        (x.failed, "failed"),
        (x.not_run, "not run"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    let sum: u64 = s.accounts.iter().map(|r| r.elapsed_ms).sum();
    let _ = writeln!(
        t,
        "\n{} account(s): {}; {} action(s) applied, {} failed; {} manual task(s)",
        x.accounts,
        counts.join(", "),
        x.actions_applied,
        x.actions_failed,
        x.manual_tasks
    );
    let _ = writeln!(
        t,
        "{} for the fleet{} (the accounts' own times add up to {}); {} accounts at once, at \
         most {} of {} calls in flight per service and region; {} read and {} write calls",
        seconds(s.elapsed_ms),
        if simulated {
            " on the simulator's clock"
        } else {
            ""
        },
        seconds(sum),
        s.accounts_in_flight,
        s.peak_calls_in_flight,
        s.calls_per_service_and_region,
        x.calls.read,
        x.calls.write
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn global() -> GlobalArgs {
        crate::args::Cli::try_parse_from(["secure-account", "snapshot"])
            .unwrap()
            .global
    }

    #[test]
    fn accounts_files_take_ids_or_csv_with_names_and_baselines() {
        let g = global();
        let d = Arc::new(Baseline::built_in("fsbp").unwrap());
        let list = parse_accounts(
            "id,name,baseline\n111111111111\n222222222222, Shop ,seed-2024-08\n\
             # retired\n333333333333,,\n",
            &g,
            &d,
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].baseline.name, "fsbp");
        assert_eq!(list[1].name.as_deref(), Some("Shop"));
        assert_eq!(list[1].baseline.name, "seed-2024-08");
        assert_eq!(list[2].name, None);
        // What the state machine's ItemSelector sends is an event the handler reads.
        let selector = &super::super::fleet_template::state_machine_definition()["States"]["Accounts"]
            ["ItemSelector"];
        let mut event = serde_json::Map::new();
        for key in selector.as_object().unwrap().keys() {
            let field = key.trim_end_matches(".$");
            let value = match field {
                "account" => serde_json::json!("111111111111"),
                "round" => serde_json::json!(1),
                "command" => serde_json::json!("apply"),
                _ => serde_json::json!(""),
            };
            event.insert(field.to_string(), value);
        }
        let event: super::super::fleet_lambda::Event =
            serde_json::from_value(serde_json::Value::Object(event)).unwrap();
        assert_eq!(event.command, Command::Apply);
        for bad in [
            "12345",
            "111111111111\n111111111111",
            "111111111111,a,fsbp,extra",
            "111111111111,a,no-such-baseline",
            "",
        ] {
            assert!(parse_accounts(bad, &g, &d).is_err(), "{bad:?}");
        }
    }
}
