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
use crate::journal::Journal;
use crate::output::{cap, read_capped, write_state};

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
        /// The region is the baseline's, for want of `--region` and `AWS_REGION`: the
        /// profile's `region` comes first, as the AWS CLI takes it.
        region_from_baseline: bool,
        /// `--output json`: stderr carries diagnostics only.
        quiet: bool,
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
                crate::output::protect(Path::new(path));
                let text = read_capped(Path::new(path), cap::FAULTS, "fault plan")?;
                let plan: FaultPlan = serde_json::from_str(&text).with_context(|| {
                    format!("`{path}` is not a fault plan (JSON with the fields of `FaultPlan`)")
                })?;
                if let Err(e) = plan.validate() {
                    bail!("the fault plan `{path}` is not valid: {e}");
                }
                Some(plan)
            }
        };
        if let Some(path) = &global.sim_state {
            crate::output::protect(path);
        }
        Ok(Account::Simulated {
            scenario,
            state_file: global.sim_state.clone(),
            faults,
        })
    }

    #[cfg(feature = "aws")]
    fn aws(global: &GlobalArgs) -> anyhow::Result<Account> {
        // The SDK's region: `--region`, the environment as the AWS CLI reads it, the
        // profile's `region` (read when the account is opened), else the baseline's home
        // region.
        let (region, region_from_baseline) = match global.region.clone().or_else(|| {
            ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
        }) {
            Some(r) => (r, false),
            None => (load_baseline(global)?.home_region, true),
        };
        Ok(Account::Aws {
            config: secure_account_adapters::AwsConfig {
                profile: global.profile.clone(),
                region,
                endpoint_url: global.endpoint_url.clone(),
            },
            regions: global.regions.clone(),
            region_from_baseline,
            quiet: global.output == crate::args::OutputFormat::Json,
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
                    let journal = match self {
                        Account::Simulated {
                            state_file: Some(path),
                            ..
                        } => Journal::beside(path)?,
                        _ => Journal::in_memory(),
                    };
                    let backend = Backend {
                        account: Inner::Simulated(Box::new(self.open()?)),
                        journal,
                    };
                    f(&backend).await
                })
            }
            // AWS runs on the real clock: on the paused one, SDK timeouts would fire while
            // a request is on the wire.
            #[cfg(feature = "aws")]
            Account::Aws {
                config,
                regions,
                region_from_baseline,
                quiet,
            } => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .context("cannot start the async runtime")?;
                runtime.block_on(async {
                    let mut config = config.clone();
                    if *region_from_baseline
                        && let Some(region) = secure_account_adapters::Profiles::load()
                            .await
                            .region(config.profile.as_deref())
                    {
                        config.region = region;
                    }
                    let aws = secure_account_adapters::AwsAccount::connect(config)
                        .await
                        .context("cannot open the AWS account")?
                        .with_regions(regions.iter().cloned());
                    let backend = Backend {
                        account: Inner::Aws(Box::new(aws)),
                        journal: Journal::in_state_dir(),
                    };
                    let result = f(&backend).await;
                    let calls = backend.calls();
                    if !*quiet {
                        crate::output::eprint_line(&format!(
                            "{} AWS read calls in {:.1} s",
                            calls.read,
                            backend.elapsed().as_secs_f64()
                        ));
                    }
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
        // Locked on the file itself: two paths to one file (a link) take one lock.
        let resolved = crate::output::resolve_target(path)
            .with_context(|| format!("cannot use `{}` as the simulated account", path.display()))?;
        crate::output::protect(&resolved);
        let lock_path = crate::interrupt::lock_path(&resolved);
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
                let text = read_capped(path, cap::SIM_STATE, "simulated account")?;
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
            (
                Account::Simulated { state_file, .. },
                Backend {
                    account: Inner::Simulated(sim),
                    ..
                },
            ) => (state_file, sim),
            #[cfg(feature = "aws")]
            _ => return Ok(()),
        };
        match state_file {
            Some(path) => {
                write_state(path, &sim.to_state_json()).context("cannot save the simulated account")
            }
            None => Ok(()),
        }
    }
}

/// The one account the commands talk to, whichever it is: every command is written once
/// against the [`Port`] it implements. Each variant runs on the clock that fits it (the
/// simulator on tokio's paused, virtual clock).
#[derive(Debug)]
pub struct Backend {
    account: Inner,
    /// The buckets the tool set out to create: recorded before each `CreateBucket` call,
    /// marked on every read of the buckets (see [`Journal`]).
    journal: Journal,
}

#[derive(Debug)]
enum Inner {
    Simulated(Box<Simulator>),
    #[cfg(feature = "aws")]
    Aws(Box<secure_account_adapters::AwsAccount>),
}

/// Calls `$call` on the account behind a [`Backend`], whichever it is.
macro_rules! on_account {
    ($backend:expr, $a:ident => $call:expr) => {
        match &$backend.account {
            Inner::Simulated($a) => $call,
            #[cfg(feature = "aws")]
            Inner::Aws($a) => $call,
        }
    };
}

/// A failure of the tool's own bookkeeping, as the port reports failures.
fn journal_error(e: &anyhow::Error) -> PortError {
    PortError::Aws(secure_account_core::AwsError::new(
        "secure-account:JournalNotWritten",
        format!("{e:#}; the bucket is not created until the journal can be written"),
    ))
}

impl Port for Backend {
    async fn read_account(&self) -> Result<AccountInfo, PortError> {
        let info = on_account!(self, a => a.read_account().await)?;
        self.journal
            .bind(&info.account_id)
            .map_err(|e| journal_error(&e))?;
        Ok(info)
    }

    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError> {
        let mut value = on_account!(self, a => a.read_part(scope, part).await)?;
        if let PartValue::Buckets(buckets) = &mut value {
            self.journal.mark(buckets);
        }
        Ok(value)
    }

    async fn execute(
        &self,
        region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError> {
        if let Action::CreateBucket(op) = action {
            self.journal
                .record(&op.bucket)
                .map_err(|e| journal_error(&e))?;
        }
        on_account!(self, a => a.execute(region, action_id, action, outputs).await)
    }

    async fn sleep(&self, duration: Duration) {
        on_account!(self, a => a.sleep(duration).await)
    }

    fn elapsed(&self) -> Duration {
        on_account!(self, a => a.elapsed())
    }

    fn calls(&self) -> CallCounts {
        on_account!(self, a => a.calls())
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
    baseline.as_of = Some(today(global)?);
    Ok(baseline)
}

/// The day exceptions are judged on: `--today`, else today's date in UTC from the system
/// clock (core reads no clock: the day comes in as data).
pub fn today(global: &GlobalArgs) -> anyhow::Result<String> {
    if let Some(day) = &global.today {
        if !secure_account_core::baseline::is_day(day) {
            bail!("`--today {day}` is not a day as `YYYY-MM-DD` (like `2027-06-30`)");
        }
        return Ok(day.clone());
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok(civil_day(secs / 86_400))
}

/// The `YYYY-MM-DD` of a count of days since 1970-01-01 (the proleptic Gregorian calendar;
/// H. Hinnant's `civil_from_days`).
fn civil_day(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
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
            let mut baseline = load_named_baseline(name)?;
            baseline.as_of = Some(today(global)?);
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
            let mut baseline = Baseline::built_in(&plan.baseline)?;
            baseline.as_of = Some(today(global)?);
            Ok(baseline)
        }
        None => bail!(
            "the plan file was made with the baseline `{}`, which is not a built-in: pass its \
             file with `--baseline FILE`",
            plan.baseline
        ),
    }
}

/// A built-in baseline by name, or a baseline file.
pub(crate) fn load_named_baseline(name: &str) -> anyhow::Result<Baseline> {
    Ok(if BUILT_IN.contains(&name) {
        Baseline::built_in(name)?
    } else if Path::new(name).exists() {
        crate::output::protect(Path::new(name));
        let text = read_capped(Path::new(name), cap::BASELINE, "baseline file")?;
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

#[cfg(test)]
mod day_tests {
    use super::civil_day;

    #[test]
    fn days_since_the_epoch_are_calendar_days() {
        assert_eq!(civil_day(0), "1970-01-01");
        assert_eq!(civil_day(59), "1970-03-01");
        assert_eq!(civil_day(11_016), "2000-02-29");
        assert_eq!(civil_day(20_794), "2026-12-07");
    }
}
