//! The command line's grammar (clap derive): global options, one variant per command.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Turn a fresh AWS account into a secure baseline (Security Hub FSBP ~100)";

const LONG_ABOUT: &str = "\
Turn a fresh AWS account into a secure baseline that scores about 100 on Security Hub's AWS \
Foundational Security Best Practices (FSBP).

secure-account reads the account, shows exactly what it will change and why (which FSBP \
control each change makes pass, what stays for a human), asks, applies the changes across \
every enabled region concurrently, and proves the result by evaluating the controls again. \
Running it again changes nothing.

Without `--simulate`, it works on the AWS account the credential chain points at \
(`--profile`, the environment, SSO, instance roles); `secure-account iam-policy` prints the \
permissions it needs. With `--simulate [SCENARIO]` it works on a built-in simulated account \
instead (chained over one account with `--sim-state FILE`): no credentials, nothing changed \
in AWS.";

const EXAMPLES: &str = "\
Examples:
  secure-account --simulate plan
  secure-account --simulate lived-in --sim-state account.json apply --auto-approve
  secure-account --sim-state account.json verify --min-score 95
  secure-account baseline show > my-baseline.toml";

#[derive(Debug, Parser)]
#[command(
    name = "secure-account",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Use a built-in simulated account instead of AWS (no credentials, no network)
    ///
    /// Scenarios: `fresh` (the default: a new account in the 17 default regions) and
    /// `lived-in` (workloads in some default VPCs, an unencrypted trail, a weak password
    /// policy, a GuardDuty detector).
    #[arg(
        long,
        global = true,
        value_name = "SCENARIO",
        num_args = 0..=1,
        default_missing_value = "fresh"
    )]
    pub simulate: Option<String>,

    /// Load the simulated account from FILE if it exists (else start from the scenario),
    /// and save it back after `apply`, so that commands can be chained
    #[arg(long, global = true, value_name = "FILE")]
    pub sim_state: Option<PathBuf>,

    /// Inject faults into the simulated account: `transient[:SEED]` (some throttling and
    /// propagation lag, as a real apply meets) or a JSON file of the simulator's fault plan
    #[arg(long, global = true, value_name = "transient[:SEED]|FILE")]
    pub sim_faults: Option<String>,

    /// The baseline: a built-in name (`fsbp`, `seed-2024-08`) or a TOML file [default: fsbp;
    /// with `apply PLAN_FILE`, the baseline the plan names]
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub baseline: Option<String>,

    /// The home region (overrides the baseline's `home_region`)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// The AWS profile to read the account with (default: `AWS_PROFILE`, the environment,
    /// SSO, instance roles)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Deploy the security notifications stack, alerts to ADDR (overrides the baseline's
    /// `notifications.email`; `plan` and `apply` then include it)
    #[arg(long, global = true, value_name = "ADDR")]
    pub notify_email: Option<String>,

    /// Send every AWS call to this endpoint instead of AWS (an emulator such as moto)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Only these regions, comma-separated (overrides the baseline's `regions.include`)
    #[arg(long, global = true, value_name = "REGION,...", value_delimiter = ',')]
    pub regions: Vec<String>,

    /// The day the baseline's `[[exceptions]]` are judged on, `YYYY-MM-DD` (default: today,
    /// in UTC): an exception is in force up to and including its `until` day
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,

    /// Output format on stdout; diagnostics go to stderr, and progress unless `json`
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// When to colour the text output (`auto`: on a terminal, unless `NO_COLOR` is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the account into a snapshot (JSON with `--output json`)
    #[command(
        long_about = "\
Read the account into a snapshot: every region with its opt-in status and the state of the \
services the baseline covers, plus account-wide settings (IAM, S3, contacts).

Text output is a short per-region summary; `--output json` prints the whole snapshot, the \
input of `plan` and of the FSBP evaluation.",
        after_help = "\
Examples:
  secure-account --simulate lived-in --output json snapshot > snapshot.json"
    )]
    Snapshot,

    /// Compute and show what `apply` would change
    #[command(
        long_about = "\
Compute and show the plan: every change `apply` would make, the FSBP controls each one makes \
pass, what is skipped and why, the tasks only a person can do, and the score now and after.

Nothing is changed. Save the plan with `--out` and apply exactly that plan later with \
`secure-account apply FILE`; it is refused if the account changed in between.",
        after_help = "\
Examples:
  secure-account --simulate plan
  secure-account --simulate plan --verbose
  secure-account --sim-state account.json plan --out plan.json --detailed-exitcode
  secure-account --profile customer --output json plan > plan.json"
    )]
    Plan(PlanArgs),

    /// Show the plan, ask, apply it, and verify the result
    #[command(
        long_about = "\
Show the plan, ask for confirmation, apply the changes across every region concurrently \
(dependencies first, transient AWS errors retried), read the account again and report the \
FSBP score before and after.

With PLAN_FILE, apply a plan saved by `plan --out`; it is refused if the account changed \
since. Exits 1 if any action failed; running `apply` again continues from where it stopped.",
        after_help = "\
Examples:
  secure-account --simulate --sim-state account.json apply --auto-approve
  secure-account --sim-state account.json apply plan.json
  secure-account --profile customer apply --report handover.html
  secure-account --endpoint-url http://127.0.0.1:5000 --regions us-east-1 apply"
    )]
    Apply(ApplyArgs),

    /// Evaluate the FSBP controls now and report the score
    #[command(
        long_about = "\
Evaluate the FSBP controls against the account now: the score as Security Hub computes it, \
the failed controls with their regions, and the manual tasks left.

With `--min-score N`, exit 1 when the score is below N percent (for CI).",
        after_help = "\
Examples:
  secure-account --sim-state account.json verify --min-score 95"
    )]
    Verify(VerifyArgs),

    /// Estimate the baseline's monthly cost for this account, itemised
    #[command(
        long_about = "\
Estimate what the account costs a month once the baseline is applied: every paid item per \
service and region (Security Hub checks, Config items, GuardDuty analysis, KMS keys and \
requests, CloudWatch Logs, the log buckets' requests and storage, Inspector, Macie), as low / \
typical / high for an account without workloads, with the assumption behind each and what \
workloads add. Also the cost now, what the plan adds, and what each paid feature the baseline \
may decline (features.macie_automated_discovery, features.guardduty_runtime_monitoring, \
features.inspector_lambda_code) adds when on.

Prices come from the dated price table compiled in (core/data/prices.json; its date is \
printed). `--output json` prints `items[]` (service, region or `global`, monthly_usd low / \
typical / high, assumption), `total` and `prices_as_of`.",
        after_help = "\
Examples:
  secure-account --simulate cost --output json"
    )]
    Cost,

    /// Print the least-privilege IAM policy these commands need (JSON)
    #[command(
        long_about = "\
Print the least-privilege IAM policy that `snapshot`, `plan`, `apply` and `verify` need, as \
an IAM policy document (JSON) on stdout. It needs no AWS access and no credentials.

The policy is built from the tables the tool's reads and changes are made of, so it lists \
exactly the IAM actions they call: every read on any resource, and every change whose \
resource the tool cannot know in advance (your buckets, trails, default VPCs). The trail's \
key and log group are the tool's own: a key made only with its purpose tag, a key policy \
changed only on a key with that tag, the alias and the log group by their `[names]`. Roles \
are scoped: the only role it may create, change or pass (to CloudTrail) is its own \
CloudTrail → CloudWatch Logs role, named by `trail_logs_role` under `[names]` of \
`--baseline`; the only other role it may pass is Config's service-linked role; it may \
create service-linked roles only for the services whose setup creates them.

The whole policy is larger than IAM's 6,144 characters for a customer managed policy (it \
says so on stderr): create two managed policies, from `--read-only` (the reads: enough for \
`snapshot`, `plan` and `verify`) and `--writes-only` (what `apply` needs beyond them), the \
same statements split in two, attach both to a role you can assume, and run secure-account \
with a profile for that role (README, \"The IAM policy it needs\"). The whole fits a role's \
inline policies (10,240 characters).",
        after_help = "\
Examples:
  secure-account iam-policy --read-only > read-policy.json
  secure-account iam-policy --writes-only > write-policy.json
  aws iam create-policy --policy-name secure-account-read --policy-document file://read-policy.json
  aws iam create-policy --policy-name secure-account-write --policy-document file://write-policy.json
  aws iam attach-role-policy --role-name secure-account \\
      --policy-arn arn:aws:iam::ACCOUNT_ID:policy/secure-account-read
  aws iam attach-role-policy --role-name secure-account \\
      --policy-arn arn:aws:iam::ACCOUNT_ID:policy/secure-account-write
  secure-account iam-policy > policy.json   # the whole, for a role's inline policies"
    )]
    IamPolicy(IamPolicyArgs),

    /// Write the handover report: one HTML page for the account's owner
    #[command(
        long_about = "\
Write the handover report: one self-contained HTML page (no external assets; it works offline \
and prints well) for the account's owner. It says which account, when, under which baseline \
and FSBP catalog; the score with a chart per region; every control with its status; the \
manual tasks with their instructions; the controls the baseline leaves off by decision, with \
their reasons; and the monthly cost estimate.

`report` reads the account as it is and changes nothing; `apply --report FILE` writes the same \
page after an apply, with what the run set up and the score before it.",
        after_help = "\
Examples:
  secure-account --sim-state account.json report --out report.html
  secure-account --profile customer apply --report handover.html"
    )]
    Report(ReportArgs),

    /// Print a shell completion script (bash, zsh, fish, powershell)
    #[command(
        long_about = "\
Print the completion script of a shell on stdout. Load it in the running shell, or install it \
where the shell looks for completions.",
        after_help = "\
Examples:
  source <(secure-account completions bash)
  secure-account completions zsh > \"${fpath[1]}/_secure-account\"
  secure-account completions fish > ~/.config/fish/completions/secure-account.fish
  secure-account completions powershell | Out-String | Invoke-Expression"
    )]
    Completions(CompletionsArgs),

    /// Print the manual page (roff) on stdout
    #[command(after_help = "\
Examples:
  secure-account man > secure-account.1 && man -l secure-account.1
  secure-account man | gzip > /usr/local/share/man/man1/secure-account.1.gz")]
    Man,

    /// Security notifications by e-mail: the CloudFormation template, and deploying it
    #[command(
        subcommand,
        after_help = "\
Examples:
  secure-account notifications template > notifications.yaml
  secure-account --region eu-west-1 notifications deploy --email security@example.com"
    )]
    Notifications(NotificationsCommand),

    /// Show the baseline
    #[command(
        subcommand,
        after_help = "\
Examples:
  secure-account baseline show > my-baseline.toml
  secure-account --baseline my-baseline.toml --simulate plan"
    )]
    Baseline(BaselineCommand),

    /// Show the FSBP control catalog
    #[command(
        subcommand,
        after_help = "\
Examples:
  secure-account controls list
  secure-account controls diff --against next-catalog.json"
    )]
    Controls(ControlsCommand),

    /// Plan, apply or verify many accounts at once (roles assumed through STS)
    #[command(
        subcommand,
        long_about = "\
Plan, apply or verify many accounts at once: the accounts of `--accounts FILE` (ids, or CSV \
`id,name,baseline`) or of the AWS Organization (`--organization`), each opened by assuming \
`--role-name` in it. Accounts run concurrently (`--accounts-in-flight`), and the calls of all \
of them together are bounded per service and region (`--calls-in-flight`). Each account's \
plan, ledger and report are written to `--out-dir`, with a summary table (and JSON). An \
account that cannot be opened or read is reported and never stops the others.

With `--simulate` the fleet is a simulated organisation: `--simulate mixed` mixes fresh, \
lived-in and partly baselined accounts (`--sim-accounts`, `--sim-seed`); `--sim-state DIR` \
keeps each account's state in DIR between runs.",
        after_help = "\
Examples:
  secure-account --simulate mixed --sim-state org fleet plan
  secure-account --simulate mixed --sim-state org fleet apply --auto-approve
  secure-account --profile management fleet apply --organization --auto-approve"
    )]
    Fleet(crate::commands::fleet::FleetCommand),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Where to write the HTML page
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Save the plan as JSON to FILE, for `secure-account apply FILE`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// List every action (by region and service) instead of a line per kind of change
    #[arg(long, short)]
    pub verbose: bool,

    /// Exit 0 when there are no changes, 2 when there are, 1 on error
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A plan saved by `plan --out` (default: plan now)
    #[arg(value_name = "PLAN_FILE")]
    pub plan_file: Option<PathBuf>,

    /// Apply without asking for confirmation (a saved PLAN_FILE is never asked for again)
    #[arg(long)]
    pub auto_approve: bool,

    /// List every action of the plan (by region and service) instead of a line per kind
    #[arg(long, short)]
    pub verbose: bool,

    /// After the apply, write the handover report (HTML) to FILE, as `report --out` does
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Actions in flight at once, across all regions
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrency: u32,

    /// Seed of the retry jitter, for reproducible runs
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,

    /// After the plan's actions, read and plan again and apply that, up to N rounds in
    /// all, until the plan is empty (a later round's actions that the approved plan did not
    /// foresee are shown and asked for again)
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_rounds: u32,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Exit 1 when the score is below N percent (0 to 100)
    #[arg(long, value_name = "N", value_parser = parse_percent)]
    pub min_score: Option<f64>,

    /// Let `--min-score` pass on an incomplete score (parts of the account unreadable)
    #[arg(long, requires = "min_score")]
    pub allow_incomplete: bool,
}

#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    /// Only the reads, for `snapshot`, `plan` and `verify` (no `apply`)
    #[arg(long, conflicts_with = "writes_only")]
    pub read_only: bool,
    /// Only what `apply` needs beyond the reads: with `--read-only`, the whole policy as two
    /// managed policies
    #[arg(long)]
    pub writes_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum NotificationsCommand {
    /// Print the notification CloudFormation template (YAML)
    #[command(
        long_about = "\
Print the security notifications template (CloudFormation, YAML) on stdout: an SNS topic \
encrypted with its own customer managed KMS key (rotation on) and an e-mail subscription, \
and EventBridge rules that send it Security Hub findings (both the ASFF `Security Hub \
Findings - Imported` and the OCSF `Findings Imported V2` events: failed, active, new, at or \
above `--min-severity`), GuardDuty findings of severity 4.0 or more, active IAM Access \
Analyzer findings, root console sign-in, and the calls that stop or weaken the baseline \
(StopLogging, DeleteTrail, UpdateTrail, DisableSecurityHub, DeleteDetector, \
StopConfigurationRecorder, DeleteConfigurationRecorder, …).

It reads nothing and needs no credentials; the same input prints the same bytes. Deploy it \
yourself, or with `secure-account notifications deploy --email ADDR`, which also sets \
termination protection and a service role for the stack.",
        after_help = "\
Examples:
  secure-account notifications template > notifications.yaml
  secure-account notifications template --email security@example.com --min-severity CRITICAL"
    )]
    Template(NotificationsTemplateArgs),

    /// Create or update the notification stack in the home region
    #[command(
        long_about = "\
Create or update the CloudFormation stack `secure-account-notifications` (`[names] \
notification_stack`) in the home region from the template of `notifications template`, with \
termination protection on (CloudFormation.3) and a service role the tool creates for it \
(`[names] notification_stack_role`, trusted by CloudFormation only, allowed to manage only \
the stack's key, topic and rules; CloudFormation.4).

It shows what it will do, waits for the stack with progress, and on a rollback names the \
resource that failed and why. Run again with nothing changed, it changes nothing. AWS mails \
a confirmation to the address: nothing is delivered until its link is opened.

`plan` and `apply` do the same when `--notify-email` or `[notifications] email` in the \
baseline is set.",
        after_help = "\
Examples:
  secure-account --region eu-west-1 notifications deploy --email security@example.com"
    )]
    Deploy(NotificationsDeployArgs),
}

#[derive(Debug, Args)]
pub struct NotificationsTemplateArgs {
    /// The address the template's parameter defaults to [default: the baseline's
    /// `notifications.email`; none: CloudFormation asks for it]
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,

    /// The lowest Security Hub severity sent: CRITICAL, HIGH or MEDIUM [default: the
    /// baseline's `notifications.min_severity`, HIGH]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_min_severity)]
    pub min_severity: Option<secure_account_core::notifications::MinSeverity>,
}

#[derive(Debug, Args)]
pub struct NotificationsDeployArgs {
    /// The address that receives the alerts [default: the baseline's `notifications.email`]
    #[arg(long, value_name = "ADDR")]
    pub email: Option<String>,

    /// The lowest Security Hub severity sent: CRITICAL, HIGH or MEDIUM [default: the
    /// baseline's `notifications.min_severity`, HIGH]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_min_severity)]
    pub min_severity: Option<secure_account_core::notifications::MinSeverity>,

    /// Deploy without asking for confirmation
    #[arg(long)]
    pub auto_approve: bool,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Print the effective baseline as TOML, every default filled in
    #[command(
        long_about = "\
Print the effective baseline (the built-in or file chosen with `--baseline`, with `--region` \
and `--regions` applied) as TOML, every default filled in. Edit it and pass it back with \
`--baseline FILE`.",
        after_help = "\
Examples:
  secure-account baseline show > my-baseline.toml"
    )]
    Show,
}

#[derive(Debug, Subcommand)]
pub enum ControlsCommand {
    /// List the reviewed FSBP controls: id, severity, scope, date added, status, title
    #[command(
        long_about = "\
List the project's reviewed catalog of FSBP v1.0.0 controls: id, severity, whether the \
control is regional or on global resources, the date it joined the standard, its status and \
its title. `--output json` prints the catalog file itself.",
        after_help = "\
Examples:
  secure-account controls list --output json"
    )]
    List,

    /// Show how another catalog, or the account's live standard, differs from the reviewed one
    #[command(
        long_about = "\
Compare the reviewed catalog with another one: controls added (a baseline reviewed against \
this catalog disables them as \"not yet reviewed\" until the catalog is updated and the golden \
files reviewed), controls removed or retired, and controls whose severity, scope or title \
changed.

With `--against FILE`, the other catalog is a file (a catalog like `core/data/fsbp-catalog.json`, \
or a JSON list of controls). Without it, the live standard is read from the account: the FSBP \
controls Security Hub lists in the regions where the standard is subscribed. Exits 0 when \
there is no difference, 2 when there is one (like `plan --detailed-exitcode`).

With `--write FILE`, the other catalog is also saved as a catalog file: review it, fill in \
the placeholders of live controls the reviewed catalog lacks, and replace \
`core/data/fsbp-catalog.json` with it (README, \"Reviewing an FSBP update\").",
        after_help = "\
Examples:
  secure-account controls diff --against next-catalog.json
  secure-account --sim-state account.json controls diff --output json
  secure-account --sim-state account.json controls diff --write next-catalog.json"
    )]
    Diff(ControlsDiffArgs),
}

#[derive(Debug, Args)]
pub struct ControlsDiffArgs {
    /// The catalog to compare with (default: the account's live standard)
    #[arg(long, value_name = "FILE")]
    pub against: Option<PathBuf>,
    /// Also save the other catalog (the live standard: the reviewed catalog plus its
    /// unknown controls as placeholders) as a catalog file, for review
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
}

/// Command names, for [`normalize_args`].
const COMMANDS: [&str; 14] = [
    "fleet",
    "notifications",
    "snapshot",
    "plan",
    "apply",
    "verify",
    "cost",
    "report",
    "iam-policy",
    "completions",
    "man",
    "baseline",
    "controls",
    "help",
];

/// The Lambda function's `bootstrap` (`provided.al2023`) is this binary, started by Lambda
/// without arguments and with `AWS_LAMBDA_RUNTIME_API` set: that is `fleet lambda`, its
/// files under /tmp (the only writable folder of a Lambda function). With any argument, or
/// without the variable, the arguments are as given.
pub fn lambda_bootstrap(
    args: impl IntoIterator<Item = OsString>,
    runtime_api: bool,
) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if runtime_api && args.len() == 1 {
        args.extend(
            ["fleet", "lambda", "--out-dir", "/tmp/secure-account-fleet"].map(OsString::from),
        );
    }
    args
}

/// `--simulate` takes an optional value, so `secure-account --simulate plan` would read
/// `plan` as the scenario. A command name right after a bare `--simulate` is the command:
/// the scenario is then the default.
pub fn normalize_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut out: Vec<OsString> = Vec::new();
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        let bare_simulate = arg == "--simulate";
        out.push(arg);
        if bare_simulate
            && args
                .peek()
                .and_then(|a| a.to_str())
                .is_some_and(|a| COMMANDS.contains(&a))
        {
            out.pop();
            out.push("--simulate=fresh".into());
        }
    }
    out
}

/// `CRITICAL`, `HIGH` or `MEDIUM`, in any case.
fn parse_min_severity(
    text: &str,
) -> Result<secure_account_core::notifications::MinSeverity, String> {
    secure_account_core::notifications::MinSeverity::parse(text)
        .ok_or_else(|| format!("`{text}` is not one of CRITICAL, HIGH, MEDIUM"))
}

/// A percentage from 0 to 100.
fn parse_percent(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not a percentage from 0 to 100"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Cli {
        let args = normalize_args(line.split_whitespace().map(OsString::from));
        Cli::try_parse_from(args).unwrap()
    }

    #[test]
    fn the_grammar_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    /// `-h` and `--help` of every command end with examples; its own options come before
    /// the global ones, which stand under their own heading.
    #[test]
    fn every_command_has_examples_and_global_options_under_a_heading() {
        use clap::CommandFactory;
        fn check(cmd: &clap::Command, path: &str) {
            if cmd.get_name() != "help" {
                let examples = cmd
                    .get_after_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                assert!(
                    examples.starts_with("Examples:\n") && examples.contains("secure-account "),
                    "{path}"
                );
            }
            for sub in cmd.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        let mut cli = Cli::command();
        check(&cli, "secure-account");
        cli.build();
        let plan = cli.find_subcommand_mut("plan").unwrap();
        let help = plan.render_long_help().to_string();
        let own = help.find("--out <FILE>").unwrap();
        let heading = help.find("Global options:").unwrap();
        let global = help.find("--simulate").unwrap();
        assert!(own < heading && heading < global, "{help}");
    }

    #[test]
    fn a_command_after_a_bare_simulate_is_the_command() {
        let cli = parse("secure-account --simulate plan");
        assert_eq!(cli.global.simulate.as_deref(), Some("fresh"));
        assert!(matches!(cli.command, Command::Plan(_)));
        let cli = parse("secure-account --simulate lived-in plan");
        assert_eq!(cli.global.simulate.as_deref(), Some("lived-in"));
        let cli = parse("secure-account plan --simulate");
        assert_eq!(cli.global.simulate.as_deref(), Some("fresh"));
        let cli = parse("secure-account verify --min-score 90 --simulate --output json");
        assert_eq!(cli.global.simulate.as_deref(), Some("fresh"));
        let cli = parse("secure-account plan");
        assert_eq!(cli.global.simulate, None);
    }

    #[test]
    fn the_lambda_bootstrap_without_arguments_is_fleet_lambda() {
        let bare = || vec![OsString::from("/var/task/bootstrap")];
        let cli = Cli::try_parse_from(lambda_bootstrap(bare(), true)).unwrap();
        let Command::Fleet(crate::commands::fleet::FleetCommand::Lambda(args)) = cli.command else {
            panic!("not `fleet lambda`: {:?}", cli.command);
        };
        assert_eq!(
            args.fleet.out_dir,
            PathBuf::from("/tmp/secure-account-fleet")
        );
        assert_eq!(args.deadline_margin, 60);
        // Without the Runtime API, or with arguments, nothing is added.
        assert_eq!(lambda_bootstrap(bare(), false), bare());
        let given = vec![OsString::from("secure-account"), OsString::from("plan")];
        assert_eq!(lambda_bootstrap(given.clone(), true), given);
    }

    #[test]
    fn regions_are_comma_separated() {
        let cli = parse("secure-account --regions us-east-1,eu-west-1 plan");
        assert_eq!(cli.global.regions, ["us-east-1", "eu-west-1"]);
    }
}
