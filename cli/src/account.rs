//! Where the account comes from: the built-in simulator (optionally loaded from and saved
//! to a state file), or, once the adapters exist, AWS. Also the async runtime the commands
//! run on, and the baseline the global options select.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use secure_account_core::baseline::{BUILT_IN, closest};
use secure_account_core::{
    AccountInfo, Action, Baseline, Catalog, Outputs, Part, PartValue, Plan, Scope, Snapshot,
};
use secure_account_engine::{ActionOutput, CallCounts, Port, PortError, flow};
use secure_account_simulator::{FaultPlan, LatencyModel, SCENARIOS, SimError, Simulator};

use crate::args::GlobalArgs;
use crate::output::write_atomic;

/// The account the command works on.
#[derive(Debug, Clone)]
pub enum Account {
    /// The in-memory simulator, starting from `scenario` unless `state_file` exists.
    Simulated {
        scenario: String,
        state_file: Option<PathBuf>,
        faults: Option<FaultPlan>,
    },
    /// A real AWS account (or an AWS-compatible endpoint), read through the SDK; only
    /// `regions` when the list is not empty.
    #[cfg(feature = "aws")]
    Aws {
        config: secure_account_adapters::AwsConfig,
        regions: Vec<String>,
    },
}

/// The scenario names the simulator offers.
fn scenario_names() -> Vec<&'static str> {
    SCENARIOS.to_vec()
}

impl Account {
    /// The account the global options point at: the simulator with `--simulate` or
    /// `--sim-state`, else AWS through the credential chain.
    pub fn from_args(global: &GlobalArgs) -> anyhow::Result<Account> {
        let simulated = global.simulate.is_some() || global.sim_state.is_some();
        if !simulated {
            return Self::aws(global);
        }
        if global.profile.is_some() || global.endpoint_url.is_some() {
            bail!(
                "`--profile` and `--endpoint-url` choose an AWS account; they cannot be combined \
                 with the simulated account of `--simulate` or `--sim-state`"
            );
        }
        let scenario = global.simulate.clone().unwrap_or_else(|| "fresh".into());
        if !scenario_names().contains(&scenario.as_str()) {
            bail!("{}", SimError::unknown_scenario(&scenario));
        }
        let faults = match global.sim_faults.as_deref() {
            None => None,
            Some("transient") => Some(FaultPlan::transient(0)),
            Some(t) if t.starts_with("transient:") => {
                let seed = &t["transient:".len()..];
                let seed = seed.parse().with_context(|| {
                    format!("`--sim-faults {t}`: the seed `{seed}` is not a whole number")
                })?;
                Some(FaultPlan::transient(seed))
            }
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the fault plan `{path}`"))?;
                let plan: FaultPlan = serde_json::from_str(&text).with_context(|| {
                    format!("`{path}` is not a fault plan (JSON with the fields of `FaultPlan`)")
                })?;
                if let Err(e) = plan.validate() {
                    bail!("the fault plan `{path}` is not valid: {e}");
                }
                Some(plan)
            }
        };
        Ok(Account::Simulated {
            scenario,
            state_file: global.sim_state.clone(),
            faults,
        })
    }

    #[cfg(feature = "aws")]
    fn aws(global: &GlobalArgs) -> anyhow::Result<Account> {
        // The home region: `--region`, the environment as the AWS CLI reads it, else the
        // baseline's.
        let region = match global.region.clone().or_else(|| {
            ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
        }) {
            Some(r) => r,
            None => load_baseline(global)?.home_region,
        };
        Ok(Account::Aws {
            config: secure_account_adapters::AwsConfig {
                profile: global.profile.clone(),
                region,
                endpoint_url: global.endpoint_url.clone(),
            },
            regions: global.regions.clone(),
        })
    }

    #[cfg(not(feature = "aws"))]
    fn aws(_: &GlobalArgs) -> anyhow::Result<Account> {
        bail!(
            "this build of secure-account has no AWS support (built without the `aws` \
             feature); use the built-in simulated account with `--simulate [SCENARIO]` \
             (scenarios: {})",
            scenario_names().join(", ")
        )
    }

    /// Opens the account and runs `f` on it, on a single-threaded runtime.
    ///
    /// The simulator's latency model sleeps on tokio's clock, which starts paused: tokio
    /// skips ahead whenever every task waits, so a simulated apply finishes at once in real
    /// time while its report shows AWS-like virtual time.
    pub fn run<T>(&self, f: impl AsyncFnOnce(&Backend) -> anyhow::Result<T>) -> anyhow::Result<T> {
        match self {
            Account::Simulated { .. } => {
                let runtime = secure_account_simulator::virtual_clock_runtime()
                    .context("cannot start the async runtime")?;
                // The state file is locked for the whole command: a second run waits for it.
                let _lock = self.lock()?;
                runtime.block_on(async {
                    let backend = Backend::Simulated(Box::new(self.open()?));
                    f(&backend).await
                })
            }
            // AWS runs on the real clock: on the paused one, SDK timeouts would fire while
            // a request is on the wire.
            #[cfg(feature = "aws")]
            Account::Aws { config, regions } => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .context("cannot start the async runtime")?;
                runtime.block_on(async {
                    let aws = secure_account_adapters::AwsAccount::connect(config.clone())
                        .await
                        .context("cannot open the AWS account")?
                        .with_regions(regions.iter().cloned());
                    let backend = Backend::Aws(Box::new(aws));
                    let result = f(&backend).await;
                    let calls = backend.calls();
                    eprintln!(
                        "{} AWS read calls in {:.1} s",
                        calls.read,
                        backend.elapsed().as_secs_f64()
                    );
                    result
                })
            }
        }
    }

    /// Locks the state file (through a lock file beside it) for the duration of the
    /// command; waits, saying so, while another command holds it.
    fn lock(&self) -> anyhow::Result<Option<std::fs::File>> {
        let state_file = match self {
            Account::Simulated { state_file, .. } => state_file,
            #[cfg(feature = "aws")]
            Account::Aws { .. } => return Ok(None),
        };
        let Some(path) = state_file else {
            return Ok(None);
        };
        let lock_path = crate::interrupt::lock_path(path);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot create the lock file `{}`", lock_path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "waiting for another secure-account command that is using `{}` to finish…",
                    path.display()
                );
                file.lock()
                    .with_context(|| format!("cannot lock `{}`", lock_path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock `{}`", lock_path.display()));
            }
        }
        Ok(Some(file))
    }

    fn open(&self) -> anyhow::Result<Simulator> {
        let (scenario, state_file, faults) = match self {
            Account::Simulated {
                scenario,
                state_file,
                faults,
            } => (scenario, state_file, faults),
            #[cfg(feature = "aws")]
            Account::Aws { .. } => bail!("an AWS account is not a simulated one"),
        };
        let sim = match state_file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path).with_context(|| {
                    format!(
                        "cannot read the simulated account from `{}`",
                        path.display()
                    )
                })?;
                Simulator::from_state_json(&text).with_context(|| {
                    format!(
                        "`{}` is not a simulated account saved by `--sim-state`",
                        path.display()
                    )
                })?
            }
            _ => Simulator::scenario(scenario)
                .with_context(|| format!("cannot start the simulated account `{scenario}`"))?,
        };
        let sim = sim.with_latency(LatencyModel::aws_like());
        Ok(match faults {
            Some(f) => sim.with_faults(f.clone()),
            None => sim,
        })
    }

    /// Saves the simulated account to the state file, if there is one.
    pub fn save(&self, backend: &Backend) -> anyhow::Result<()> {
        let (state_file, sim) = match (self, backend) {
            (Account::Simulated { state_file, .. }, Backend::Simulated(sim)) => (state_file, sim),
            #[cfg(feature = "aws")]
            _ => return Ok(()),
        };
        match state_file {
            Some(path) => write_atomic(path, &sim.to_state_json())
                .context("cannot save the simulated account"),
            None => Ok(()),
        }
    }
}

/// The one account the commands talk to, whichever it is: every command is written once
/// against the [`Port`] it implements. Each variant runs on the clock that fits it (the
/// simulator on tokio's paused, virtual clock).
#[derive(Debug)]
pub enum Backend {
    Simulated(Box<Simulator>),
    #[cfg(feature = "aws")]
    Aws(Box<secure_account_adapters::AwsAccount>),
}

impl Port for Backend {
    async fn read_account(&self) -> Result<AccountInfo, PortError> {
        match self {
            Backend::Simulated(sim) => sim.read_account().await,
            #[cfg(feature = "aws")]
            Backend::Aws(aws) => aws.read_account().await,
        }
    }

    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError> {
        match self {
            Backend::Simulated(sim) => sim.read_part(scope, part).await,
            #[cfg(feature = "aws")]
            Backend::Aws(aws) => aws.read_part(scope, part).await,
        }
    }

    async fn execute(
        &self,
        region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError> {
        match self {
            Backend::Simulated(sim) => sim.execute(region, action_id, action, outputs).await,
            #[cfg(feature = "aws")]
            Backend::Aws(aws) => aws.execute(region, action_id, action, outputs).await,
        }
    }

    async fn sleep(&self, duration: Duration) {
        match self {
            Backend::Simulated(sim) => sim.sleep(duration).await,
            #[cfg(feature = "aws")]
            Backend::Aws(aws) => aws.sleep(duration).await,
        }
    }

    fn elapsed(&self) -> Duration {
        match self {
            Backend::Simulated(sim) => sim.elapsed(),
            #[cfg(feature = "aws")]
            Backend::Aws(aws) => aws.elapsed(),
        }
    }

    fn calls(&self) -> CallCounts {
        match self {
            Backend::Simulated(sim) => sim.calls(),
            #[cfg(feature = "aws")]
            Backend::Aws(aws) => aws.calls(),
        }
    }
}

/// Reads the account, naming what failed.
pub async fn read_snapshot(port: &impl Port) -> anyhow::Result<Snapshot> {
    Ok(flow::read(port).await?)
}

/// The baseline `--baseline`, `--region` and `--regions` select, not yet checked against
/// an account.
pub fn load_baseline(global: &GlobalArgs) -> anyhow::Result<Baseline> {
    let mut baseline = load_named_baseline(global.baseline.as_deref().unwrap_or("fsbp"))?;
    if let Some(region) = &global.region {
        baseline.home_region = region.clone();
    }
    if !global.regions.is_empty() {
        baseline.regions.include = global.regions.clone();
    }
    notify_email(&mut baseline, global)?;
    Ok(baseline)
}

/// `--notify-email` over the baseline's `notifications.email`, checked as the file's is.
fn notify_email(baseline: &mut Baseline, global: &GlobalArgs) -> anyhow::Result<()> {
    if let Some(address) = &global.notify_email {
        baseline.notifications.email = Some(address.clone());
        baseline
            .check_values()
            .context("`--notify-email` is not valid")?;
    }
    Ok(())
}

/// The baseline a saved plan names, loaded as it is now (the engine checks its content
/// hash). `--baseline`, `--region` and `--regions`, when given, must agree with the plan.
pub fn baseline_for_plan(global: &GlobalArgs, plan: &Plan) -> anyhow::Result<Baseline> {
    if let Some(region) = &global.region
        && *region != plan.home_region
    {
        bail!(
            "`--region {region}` contradicts the plan file, made for home region `{}`; drop \
             `--region` or run `secure-account plan` again",
            plan.home_region
        );
    }
    if !global.regions.is_empty() {
        let given: BTreeSet<&String> = global.regions.iter().collect();
        let planned: BTreeSet<&String> = plan.regions.iter().collect();
        if given != planned {
            bail!(
                "`--regions {}` contradicts the plan file, made for the regions {}; drop \
                 `--regions` or run `secure-account plan` again",
                global.regions.join(","),
                plan.regions.join(",")
            );
        }
    }
    let mut baseline = baseline_named_by_plan(global, plan)?;
    notify_email(&mut baseline, global)?;
    Ok(baseline)
}

fn baseline_named_by_plan(global: &GlobalArgs, plan: &Plan) -> anyhow::Result<Baseline> {
    match global.baseline.as_deref() {
        Some(name) => {
            let baseline = load_named_baseline(name)?;
            if baseline.name != plan.baseline {
                bail!(
                    "`--baseline {name}` contradicts the plan file, made with the baseline \
                     `{}`; drop `--baseline` or run `secure-account plan` again",
                    plan.baseline
                );
            }
            Ok(baseline)
        }
        None if BUILT_IN.contains(&plan.baseline.as_str()) => {
            Ok(Baseline::built_in(&plan.baseline)?)
        }
        None => bail!(
            "the plan file was made with the baseline `{}`, which is not a built-in: pass its \
             file with `--baseline FILE`",
            plan.baseline
        ),
    }
}

/// A built-in baseline by name, or a baseline file.
fn load_named_baseline(name: &str) -> anyhow::Result<Baseline> {
    Ok(if BUILT_IN.contains(&name) {
        Baseline::built_in(name)?
    } else if Path::new(name).exists() {
        let text = std::fs::read_to_string(name)
            .with_context(|| format!("cannot read the baseline file `{name}`"))?;
        Baseline::from_toml(&text)
            .with_context(|| format!("cannot load the baseline file `{name}`"))?
    } else {
        let hint = match closest(name, BUILT_IN) {
            Some(c) => format!(" (did you mean `{c}`?)"),
            None => String::new(),
        };
        bail!(
            "unknown baseline `{name}`{hint}: it is neither a built-in ({}) nor a file",
            BUILT_IN.join(", ")
        );
    })
}

/// Checks the baseline's control ids against the catalog and its regions against the
/// regions the account knows.
pub fn validate_baseline(baseline: &Baseline, snapshot: &Snapshot) -> anyhow::Result<()> {
    Ok(flow::validate(baseline, snapshot)?)
}

/// Checks the baseline's control ids only (no account to know the regions from).
pub fn validate_baseline_controls(baseline: &Baseline) -> anyhow::Result<()> {
    // The regions the baseline names are all "known" here: only the controls are checked.
    let regions: BTreeSet<String> = std::iter::once(&baseline.home_region)
        .chain(&baseline.regions.include)
        .chain(&baseline.regions.exclude)
        .cloned()
        .collect();
    baseline
        .validate(Catalog::builtin(), &regions)
        .with_context(|| format!("the baseline `{}` is not valid", baseline.name))
}
