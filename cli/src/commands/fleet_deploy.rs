//! `fleet deploy`: the stack of `fleet template` created or updated in the operator's
//! account and region, after showing what it will do and asking (unless
//! `--auto-approve`), then waited for with its statuses on stderr. A stack that is busy or
//! whose creation failed is reported with what to do, never deleted; a failed operation
//! names the first resource that failed.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::Args;

use crate::args::GlobalArgs;

/// The stack's default name.
pub const STACK_NAME: &str = "secure-account-fleet";

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The S3 bucket holding the function's zip (the binary as `bootstrap`: `cargo lambda
    /// build --release --arm64 --output-format zip --bin secure-account`, then upload
    /// `target/lambda/secure-account/bootstrap.zip`)
    #[arg(long, value_name = "BUCKET")]
    pub code_bucket: String,

    /// The S3 key of the function's zip
    #[arg(
        long,
        value_name = "KEY",
        default_value = "secure-account/bootstrap.zip"
    )]
    pub code_key: String,

    /// The S3 bucket of the accounts CSV the state machine reads (header `id,name,baseline`;
    /// a baseline is a built-in name)
    #[arg(long, value_name = "BUCKET")]
    pub accounts_bucket: String,

    /// The S3 key of the accounts CSV
    #[arg(long, value_name = "KEY", default_value = "accounts.csv")]
    pub accounts_key: String,

    /// What each scheduled run does in every account
    #[arg(long, value_name = "COMMAND", default_value = "apply",
          value_parser = ["plan", "apply", "verify"])]
    pub command: String,

    /// When the state machine runs (an EventBridge schedule expression)
    #[arg(long, value_name = "EXPR", default_value = "rate(1 day)")]
    pub schedule: String,

    /// Accounts handled at once (the Distributed Map's `MaxConcurrency`)
    #[arg(long, value_name = "N", default_value_t = 40,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub max_concurrency: u32,

    /// The percentage of accounts that may fail before the run fails
    /// (`ToleratedFailurePercentage`)
    #[arg(long, value_name = "PERCENT", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    pub tolerated_failure_percentage: u32,

    /// Days the function's and the state machine's logs are kept
    #[arg(long, value_name = "DAYS", default_value = "365",
          value_parser = ["30", "90", "180", "365", "731", "1827", "3653"])]
    pub log_retention_days: String,

    /// The role the function assumes in each account
    #[arg(long, value_name = "NAME", default_value = secure_account_simulator::fleet::DEFAULT_ROLE)]
    pub role_name: String,

    /// The external id the roles' trust policies require
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// The stack's name
    #[arg(long, value_name = "NAME", default_value = STACK_NAME)]
    pub stack_name: String,

    /// Deploy without asking
    #[arg(long)]
    pub auto_approve: bool,
}

impl DeployArgs {
    /// The template's parameters.
    pub fn parameters(&self) -> BTreeMap<String, String> {
        [
            ("CodeBucket", self.code_bucket.clone()),
            ("CodeKey", self.code_key.clone()),
            ("AccountsBucket", self.accounts_bucket.clone()),
            ("AccountsKey", self.accounts_key.clone()),
            ("Command", self.command.clone()),
            ("ScheduleExpression", self.schedule.clone()),
            ("MaxConcurrency", self.max_concurrency.to_string()),
            (
                "ToleratedFailurePercentage",
                self.tolerated_failure_percentage.to_string(),
            ),
            ("LogRetentionDays", self.log_retention_days.clone()),
            ("RoleName", self.role_name.clone()),
            ("ExternalId", self.external_id.clone().unwrap_or_default()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// This command again with `--auto-approve`, for the hint of a refused confirmation.
    fn rerun(&self) -> String {
        let mut words = vec!["fleet deploy".to_string()];
        let mut flag = |name: &str, value: &str| {
            words.push(format!("--{name} {}", crate::hint::quote(value)));
        };
        flag("code-bucket", &self.code_bucket);
        flag("code-key", &self.code_key);
        flag("accounts-bucket", &self.accounts_bucket);
        flag("accounts-key", &self.accounts_key);
        flag("command", &self.command);
        flag("schedule", &self.schedule);
        flag("max-concurrency", &self.max_concurrency.to_string());
        flag(
            "tolerated-failure-percentage",
            &self.tolerated_failure_percentage.to_string(),
        );
        flag("log-retention-days", &self.log_retention_days);
        flag("role-name", &self.role_name);
        if self.external_id.is_some() {
            flag("external-id", "…");
        }
        flag("stack-name", &self.stack_name);
        words.push("--auto-approve".into());
        words.join(" ")
    }
}

/// The region the stack goes to: `--region`, else the environment's, else the default
/// baseline's home region.
fn region(global: &GlobalArgs) -> anyhow::Result<String> {
    let named = global.region.clone().or_else(|| {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
    });
    match named {
        Some(r) => Ok(r),
        None => Ok(crate::account::load_baseline(global)?.home_region),
    }
}

#[cfg(not(feature = "aws"))]
pub fn run(_: &GlobalArgs, _: &DeployArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("this build has no AWS support, and so cannot deploy")
}

#[cfg(feature = "aws")]
pub fn run(global: &GlobalArgs, args: &DeployArgs) -> anyhow::Result<ExitCode> {
    use anyhow::{Context, bail};
    use secure_account_adapters::fleet_stack::{self, Current, Deployed, FleetStack};

    use crate::output::{eprint_line, print_json, print_text};

    if global.simulate.is_some() || global.sim_state.is_some() {
        bail!(
            "`fleet deploy` deploys to AWS (or `--endpoint-url`): the simulator has no \
             CloudFormation for the fleet's stack; `fleet template` prints it"
        );
    }
    let region = region(global)?;
    let stack = FleetStack {
        stack_name: args.stack_name.clone(),
        template_body: serde_json::to_string_pretty(&super::fleet_template::template())
            .context("cannot serialise the template")?,
        parameters: args.parameters(),
        tags: BTreeMap::from([("managed-by".to_string(), "secure-account".to_string())]),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let account =
            secure_account_adapters::AwsAccount::connect(secure_account_adapters::AwsConfig {
                profile: global.profile.clone(),
                region: region.clone(),
                endpoint_url: global.endpoint_url.clone(),
            })
            .await
            .context("cannot open the operator's AWS credentials")?;
        let account_id = account
            .account_id()
            .await
            .map_err(|e| anyhow::anyhow!("cannot tell the account: {e}"))?;
        // Writes are sent once (no SDK retry): a CreateStack sent twice would fail.
        let cfn = account.write_clients().cloudformation(&region);
        let current = fleet_stack::current(&cfn, &stack.stack_name)
            .await
            .map_err(|e| anyhow::anyhow!("cannot read the stack: {e}"))?;
        let name = &stack.stack_name;
        let verb = match &current {
            Current::Absent => "created",
            Current::Settled { .. } => "updated",
            Current::Busy { status } => bail!(
                "the stack `{name}` is busy ({status}): wait for it to settle, then run \
                 `fleet deploy` again"
            ),
            Current::Broken { status } => bail!(
                "the stack `{name}` is {status}: CloudFormation cannot update it. Look at its \
                 events, delete it (turn its termination protection off first) and run \
                 `fleet deploy` again; the tool deletes no stack"
            ),
        };
        let mut shown = format!(
            "The stack `{name}` in account {account_id}, {region}, will be {verb} from \
             `fleet template` (IAM roles: CAPABILITY_IAM; termination protection on), with:\n"
        );
        for (k, v) in &stack.parameters {
            let v = if k == "ExternalId" && !v.is_empty() {
                "(given)"
            } else {
                v
            };
            shown.push_str(&format!("  {k} = {v}\n"));
        }
        eprint_line(shown.trim_end());
        if !args.auto_approve {
            super::apply::confirm(global, &args.rerun())?;
        }
        let deployed = fleet_stack::deploy(
            &cfn,
            &stack,
            &current,
            std::time::Duration::from_secs(5),
            &mut |status| eprint_line(&format!("{name}: {status}")),
        )
        .await
        .map_err(|e| anyhow::anyhow!("cannot deploy the stack `{name}`: {e}"))?;
        let (outcome, outputs) = match deployed {
            Deployed::Done { created, outputs } => {
                (if created { "created" } else { "updated" }, outputs)
            }
            Deployed::Unchanged { outputs } => ("unchanged", outputs),
            Deployed::Failed {
                status,
                reason,
                failure,
            } => {
                let mut message = format!("the stack `{name}` ended {status}");
                if let Some(r) = reason {
                    message.push_str(&format!(" ({r})"));
                }
                if let Some(f) = failure {
                    message.push_str(&format!(
                        "; the first resource that failed: {} ({}) {}: {}",
                        f.logical_id, f.resource_type, f.status, f.reason
                    ));
                }
                bail!("{message}")
            }
        };
        if global.output == crate::args::OutputFormat::Json {
            print_json(&serde_json::json!({
                "stack_name": name,
                "account_id": account_id,
                "region": region,
                "outcome": outcome,
                "outputs": outputs,
            }))?;
        } else {
            let mut text = format!("The stack `{name}` is {outcome}.\n");
            for (k, v) in &outputs {
                text.push_str(&format!("  {k}: {v}\n"));
            }
            print_text(text.trim_end())?;
        }
        Ok(ExitCode::SUCCESS)
    })
}
