//! The fleet benchmark (issue 23): `fleet apply` over the simulated `mixed` organisation
//! (fresh, lived-in and partly baselined accounts, 17 regions each, AWS-like latencies on
//! virtual time), against the sum of the same accounts applied one at a time, and the heap
//! it takes.
//!
//! - `fleet_virtual_ms`: the whole fleet on the simulator's clock, with
//!   `accounts_in_flight` accounts at once and at most `calls_per_service_and_region`
//!   calls in flight per service and region across all of them;
//! - `sum_single_virtual_ms`: each account alone (its own runtime and clock, no other
//!   account's calls), added up; `ratio` = fleet ÷ sum (1 ÷ the speed-up);
//! - `memory_peak_fleet_bytes`: the peak resident set during the fleet above what was
//!   resident before it (the organisation's saved states excluded), and that ÷ the
//!   accounts in flight; `memory_peak_single_bytes`: the same for one account applied
//!   alone (the largest of the accounts).

use std::sync::Arc;

use serde::Serialize;

use secure_account_core::Baseline;
use secure_account_engine::CallLimits;
use secure_account_engine::fleet::{self, AccountStatus, FleetAccount, FleetCommand, FleetOptions};
use secure_account_simulator::LatencyModel;
use secure_account_simulator::fleet::{
    MIXED, Member, SimulatedFleet, organization, starting_state,
};

/// A field of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`); `None` off Linux.
fn proc_status_bytes(field: &str) -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Starts a memory measurement: the process's peak resident set is reset to what is
/// resident now (`echo 5 > /proc/self/clear_refs`), which is returned. The workspace
/// forbids `unsafe`, so no counting allocator: the resident set is what is measured, an
/// upper bound of the heap (the allocator keeps some freed pages).
fn memory_mark() -> Option<usize> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    proc_status_bytes("VmRSS:")
}

/// The peak resident set since [`memory_mark`], above the mark.
fn memory_peak_since(mark: Option<usize>) -> Option<usize> {
    Some(proc_status_bytes("VmHWM:")?.saturating_sub(mark?))
}

/// The fleet's figures.
#[derive(Debug, Clone, Serialize)]
pub struct FleetFigures {
    pub scenario: &'static str,
    pub accounts: usize,
    pub seed: u64,
    /// How many accounts of each kind (`fresh`, `lived-in`, `partly-baselined`).
    pub kinds: std::collections::BTreeMap<String, usize>,
    pub accounts_in_flight: usize,
    pub calls_per_service_and_region: usize,
    pub applied: u32,
    pub up_to_date: u32,
    pub write_calls: u64,
    pub read_calls: u64,
    pub fleet_virtual_ms: u64,
    pub sum_single_virtual_ms: u64,
    /// The longest account alone (a fresh 17-region one is about a minute).
    pub max_single_virtual_ms: u64,
    /// `fleet_virtual_ms ÷ sum_single_virtual_ms`.
    pub ratio: f64,
    pub peak_calls_in_flight: usize,
    /// The peak resident set of the fleet above what was resident before it (`None` off
    /// Linux), and that ÷ the accounts in flight.
    pub memory_peak_fleet_bytes: Option<usize>,
    pub memory_per_account_in_flight_bytes: Option<usize>,
    /// The same for one account applied alone (the largest).
    pub memory_peak_single_bytes: Option<usize>,
    /// A second `fleet apply` right after: every plan empty, one read per account.
    pub rerun_virtual_ms: u64,
    pub rerun_write_calls: u64,
}

/// The knobs of the fleet benchmark.
#[derive(Debug, Clone, Copy)]
pub struct FleetBenchOptions {
    pub accounts: usize,
    pub seed: u64,
    pub accounts_in_flight: usize,
    pub calls_per_service_and_region: usize,
    /// What [`memory_probe`] measured in fresh processes, with `accounts_in_flight` and
    /// with one account at a time.
    pub memory_fleet: Option<usize>,
    pub memory_single: Option<usize>,
}

impl Default for FleetBenchOptions {
    fn default() -> Self {
        FleetBenchOptions {
            accounts: 50,
            seed: 0,
            accounts_in_flight: fleet::DEFAULT_ACCOUNTS_IN_FLIGHT,
            calls_per_service_and_region: fleet::DEFAULT_CALLS_PER_SERVICE_AND_REGION,
            memory_fleet: None,
            memory_single: None,
        }
    }
}

fn org_of(states: &[(Member, String)]) -> SimulatedFleet {
    SimulatedFleet::new(
        states.to_vec(),
        secure_account_simulator::fleet::DEFAULT_ROLE,
        LatencyModel::aws_like(),
    )
}

fn fleet_accounts(members: &[Member], baseline: &Arc<Baseline>) -> Vec<FleetAccount> {
    members
        .iter()
        .map(|m| FleetAccount {
            id: m.id.clone(),
            name: Some(m.name.clone()),
            baseline: baseline.clone(),
        })
        .collect()
}

/// Writes the starting state of each member of the organisation into `dir` (`<id>.json`),
/// for [`memory_probe`] to load in a fresh process.
pub fn save_states(accounts: usize, seed: u64, dir: &std::path::Path) -> anyhow::Result<()> {
    let baseline = Baseline::built_in("fsbp")?;
    let members = organization(MIXED, accounts, seed)?;
    secure_account_simulator::virtual_clock_runtime()?.block_on(async {
        for m in &members {
            std::fs::write(
                dir.join(format!("{}.json", m.id)),
                starting_state(m, &baseline).await?,
            )?;
        }
        Ok(())
    })
}

/// Run in a fresh process (the benchmark binary calls itself): loads the states saved by
/// [`save_states`], then applies the fleet with `in_flight` accounts at once and returns
/// the peak resident set above what was resident once the states were loaded. A fresh
/// process, because the allocator keeps freed pages: in a process that already applied
/// accounts, the next ones would reuse them and seem to cost nothing.
pub fn memory_probe(
    accounts: usize,
    seed: u64,
    in_flight: usize,
    dir: &std::path::Path,
) -> anyhow::Result<Option<usize>> {
    let baseline = Arc::new(Baseline::built_in("fsbp")?);
    let members = organization(MIXED, accounts, seed)?;
    let mut states = Vec::new();
    for m in &members {
        states.push((
            m.clone(),
            std::fs::read_to_string(dir.join(format!("{}.json", m.id)))?,
        ));
    }
    let org = org_of(&states);
    let accounts = fleet_accounts(&members, &baseline);
    let limits = CallLimits::new(fleet::DEFAULT_CALLS_PER_SERVICE_AND_REGION);
    let options = FleetOptions {
        accounts_in_flight: in_flight,
        ..FleetOptions::default()
    };
    let runtime = secure_account_simulator::virtual_clock_runtime()?;
    let mark = memory_mark();
    let summary = runtime.block_on(fleet::run(
        &org,
        &accounts,
        FleetCommand::Apply,
        &options,
        &limits,
        &mut |_| {},
    ));
    let peak = memory_peak_since(mark);
    anyhow::ensure!(summary.succeeded(), "the fleet did not converge");
    Ok(peak)
}

/// Runs the fleet benchmark.
pub fn run(o: &FleetBenchOptions) -> anyhow::Result<FleetFigures> {
    let baseline = Arc::new(Baseline::built_in("fsbp")?);
    let members = organization(MIXED, o.accounts, o.seed)?;
    let mut kinds = std::collections::BTreeMap::new();
    for m in &members {
        *kinds.entry(m.kind.label().to_string()).or_insert(0) += 1;
    }
    let states: Vec<(Member, String)> = secure_account_simulator::virtual_clock_runtime()?
        .block_on(async {
            let mut states = Vec::new();
            for m in &members {
                states.push((m.clone(), starting_state(m, &baseline).await?));
            }
            Ok::<_, anyhow::Error>(states)
        })?;
    let accounts = fleet_accounts(&members, &baseline);
    let options = FleetOptions {
        accounts_in_flight: o.accounts_in_flight,
        ..FleetOptions::default()
    };

    // Each account alone: its own organisation of one, runtime and clock.
    let mut sum_single = 0u64;
    let mut max_single = 0u64;
    for (account, state) in accounts.iter().zip(&states) {
        let org = org_of(std::slice::from_ref(state));
        let limits = CallLimits::new(o.calls_per_service_and_region);
        let s = secure_account_simulator::virtual_clock_runtime()?.block_on(fleet::run(
            &org,
            std::slice::from_ref(account),
            FleetCommand::Apply,
            &FleetOptions::default(),
            &limits,
            &mut |_| {},
        ));
        anyhow::ensure!(
            s.accounts[0].status == AccountStatus::Applied
                || s.accounts[0].status == AccountStatus::UpToDate,
            "account {} alone: {:?}",
            account.id,
            s.accounts[0]
        );
        sum_single += s.elapsed_ms;
        max_single = max_single.max(s.elapsed_ms);
    }

    // The fleet, then a second run over what it left.
    let runtime = secure_account_simulator::virtual_clock_runtime()?;
    let mut org = org_of(&states);
    let limits = CallLimits::new(o.calls_per_service_and_region);
    let mut kept: Vec<(String, String)> = Vec::new();
    let summary = runtime.block_on(fleet::run(
        &org,
        &accounts,
        FleetCommand::Apply,
        &options,
        &limits,
        &mut |done| {
            if let Some(sim) = done.port {
                kept.push((done.account.id.clone(), sim.to_state_json()));
            }
        },
    ));
    anyhow::ensure!(
        summary.succeeded(),
        "the fleet did not converge: {:?}",
        summary.totals
    );
    for (id, state) in kept {
        org.set_state(&id, state);
    }
    org.restart_clock();
    let limits2 = CallLimits::new(o.calls_per_service_and_region);
    let rerun = runtime.block_on(fleet::run(
        &org,
        &accounts,
        FleetCommand::Apply,
        &options,
        &limits2,
        &mut |_| {},
    ));
    anyhow::ensure!(
        rerun.totals.up_to_date as usize == accounts.len(),
        "the second run found work: {:?}",
        rerun.totals
    );
    let in_flight = o.accounts_in_flight.min(accounts.len()).max(1);
    Ok(FleetFigures {
        scenario: MIXED,
        accounts: accounts.len(),
        seed: o.seed,
        kinds,
        accounts_in_flight: o.accounts_in_flight,
        calls_per_service_and_region: o.calls_per_service_and_region,
        applied: summary.totals.applied,
        up_to_date: summary.totals.up_to_date,
        write_calls: summary.totals.calls.write,
        read_calls: summary.totals.calls.read,
        fleet_virtual_ms: summary.elapsed_ms,
        sum_single_virtual_ms: sum_single,
        max_single_virtual_ms: max_single,
        ratio: if sum_single == 0 {
            0.0
        } else {
            summary.elapsed_ms as f64 / sum_single as f64
        },
        peak_calls_in_flight: summary.peak_calls_in_flight,
        memory_peak_fleet_bytes: o.memory_fleet,
        memory_per_account_in_flight_bytes: o.memory_fleet.map(|m| m / in_flight),
        memory_peak_single_bytes: o.memory_single,
        rerun_virtual_ms: rerun.elapsed_ms,
        rerun_write_calls: rerun.totals.calls.write,
    })
}

/// The fleet's figures as lines of the benchmark's table.
pub fn text(f: &FleetFigures) -> String {
    let mib = |b: Option<usize>| match b {
        Some(b) => format!("{:>10.1} MiB", b as f64 / (1024.0 * 1024.0)),
        None => format!("{:>14}", "n/a"),
    };
    format!(
        "\nFleet: {} accounts of the `{}` organisation (seed {}; {}), {} at once, at most {} \
         calls in flight per service and region\n\
         \x20 fleet apply                 {:>10.1} s  ({} applied, {} up to date; {} writes, {} reads; peak {} calls in flight)\n\
         \x20 the accounts one at a time  {:>10.1} s  (longest {:.1} s)\n\
         \x20 ratio fleet / sum           {:>10.3}\n\
         \x20 memory, fleet at its peak   {} ({} per account in flight)\n\
         \x20 memory, one account alone   {}\n\
         \x20 second run                  {:>10.1} s  ({} writes)\n",
        f.accounts,
        f.scenario,
        f.seed,
        f.kinds
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        f.accounts_in_flight,
        f.calls_per_service_and_region,
        f.fleet_virtual_ms as f64 / 1000.0,
        f.applied,
        f.up_to_date,
        f.write_calls,
        f.read_calls,
        f.peak_calls_in_flight,
        f.sum_single_virtual_ms as f64 / 1000.0,
        f.max_single_virtual_ms as f64 / 1000.0,
        f.ratio,
        mib(f.memory_peak_fleet_bytes),
        mib(f.memory_per_account_in_flight_bytes).trim(),
        mib(f.memory_peak_single_bytes),
        f.rerun_virtual_ms as f64 / 1000.0,
        f.rerun_write_calls,
    )
}
