//! `secure-account-bench`: the project's benchmark (SPEC §9) in one run, as a library the
//! `secure-account-bench` binary drives (`cargo run --release -p secure-account-bench`).
//!
//! On the built-in `fresh` simulated account (17 default regions, `LatencyModel::aws_like()`,
//! no faults) with the `fsbp` baseline it reports:
//!
//! - the plan's **critical path**: the longest dependency chain, each action weighted with
//!   the latency of its write call (`LatencyModel::latency`). Rate-limit waits and read
//!   calls are left out, so it is a lower bound no apply can beat;
//! - the **concurrent apply** (the engine's default concurrency, or `--concurrency`) and a
//!   **sequential apply** (concurrency 1) of that plan, each on its own fresh simulator and
//!   runtime, timed on tokio's paused (virtual) clock around the `apply` call only, with
//!   their write calls, read calls and retries;
//! - their **ratios**: concurrent ÷ critical path (target ≤ 1.2), sequential ÷ concurrent
//!   (the speed-up), and whether writes = plan actions + retries;
//! - **CPU per plan**: the thread CPU time of `plan()` (and of `evaluate()` alone) on the
//!   fresh snapshot, median of `--samples` runs; and of planning `--plans` different
//!   snapshots, made deterministically from the fresh one by [`accounts::vary`] (a cheap
//!   seeded mutation whose own time is not counted).
//!
//! The virtual-time figures are deterministic; the CPU figures depend on the machine and on
//! the build profile. The account, baseline and fault schedule are fixed: the benchmark
//! takes no option that would pick another one.
//!
//! # JSON output (`--output json`, `format_version` 1)
//!
//! [`BenchOutput`] serialised; field names are stable within a `format_version`:
//!
//! | field | meaning |
//! |---|---|
//! | `format_version` | 1 |
//! | `profile` | `release` or `debug` (the binary's `debug_assertions`) |
//! | `scenario`, `baseline` | `fresh`, `fsbp` |
//! | `regions`, `plan_actions` | enabled regions the plan covers; its actions |
//! | `critical_path.ms`, `critical_path.actions` | the chain's write latencies summed (ms), and its action ids |
//! | `concurrent_apply`, `sequential_apply` | `concurrency`, `virtual_ms`, `write_calls`, `read_calls`, `retries`, `actions_applied` |
//! | `ratios.concurrent_over_critical_path` (`_target`, `_met`) | concurrent ÷ critical path, against 1.2 |
//! | `ratios.sequential_over_concurrent` | the speed-up of concurrency |
//! | `ratios.writes_equal_actions_plus_retries` | concurrent writes = actions + retries |
//! | `cpu.plan_fresh_us_median`, `cpu.evaluate_fresh_us_median` | µs of thread CPU, median of `cpu.samples` |
//! | `cpu.plan_fresh_target_us` | 1000 |
//! | `cpu.plans`, `cpu.plans_total_s`, `cpu.plans_us_per_plan` | the N different accounts planned (10,000 by default): total s and µs each |
//! | `cpu.plans_mean_actions`, `cpu.plans_differing_from_fresh` | sanity checks that the work varied |

pub mod accounts;
pub mod fleet;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use anyhow::{Context, bail};
use cpu_time::ThreadTime;
use serde::Serialize;

use secure_account_core::planner::scope;
use secure_account_core::{Baseline, Catalog, Plan, Snapshot, evaluate};
use secure_account_engine::{ApplyOptions, Planned, Port, flow};
use secure_account_simulator::{LatencyModel, Simulator};

use crate::accounts::vary;

/// The scenario and baseline the benchmark measures.
pub const SCENARIO: &str = "fresh";
pub const BASELINE: &str = "fsbp";
/// Version of the JSON document; bumped when a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 1;
/// SPEC §9: a fresh apply takes at most this many times the critical path.
pub const TARGET_CRITICAL_PATH_RATIO: f64 = 1.2;
/// SPEC §9: planning a fresh 17-region account takes well under a millisecond of CPU.
const TARGET_PLAN_US: f64 = 1000.0;
/// Snapshots planned per timed batch: generation happens between batches, off the clock.
const BATCH: usize = 100;

/// What to measure: the knobs of the `secure-account-bench` binary.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How many different snapshots to plan for the CPU figure.
    pub plans: usize,
    /// Actions in flight at once in the concurrent apply.
    pub concurrency: usize,
    /// Runs whose median is the CPU time of one `plan()` and one `evaluate()`.
    pub samples: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            plans: 10_000,
            concurrency: ApplyOptions::default().concurrency,
            samples: 200,
        }
    }
}

/// Every figure of one run: the `--output json` document.
#[derive(Debug, Serialize)]
pub struct BenchOutput {
    pub format_version: u32,
    /// `release` or `debug` (`cfg!(debug_assertions)` of this binary).
    pub profile: &'static str,
    pub scenario: &'static str,
    pub baseline: &'static str,
    /// Enabled regions the plan covers.
    pub regions: usize,
    pub plan_actions: usize,
    pub critical_path: CriticalPath,
    pub concurrent_apply: ApplyFigures,
    pub sequential_apply: ApplyFigures,
    pub ratios: Ratios,
    pub cpu: CpuFigures,
}

#[derive(Debug, Serialize)]
pub struct CriticalPath {
    /// Sum of the write latencies along the longest dependency chain.
    pub ms: f64,
    /// The chain's action ids, first to last.
    pub actions: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ApplyFigures {
    pub concurrency: usize,
    /// Virtual time of the `apply` call on tokio's paused clock.
    pub virtual_ms: f64,
    pub write_calls: u64,
    pub read_calls: u64,
    pub retries: u64,
    pub actions_applied: u32,
}

#[derive(Debug, Serialize)]
pub struct Ratios {
    pub concurrent_over_critical_path: f64,
    pub concurrent_over_critical_path_target: f64,
    pub concurrent_over_critical_path_met: bool,
    pub sequential_over_concurrent: f64,
    /// Whether the concurrent apply's write calls equal plan actions + retries.
    pub writes_equal_actions_plus_retries: bool,
}

#[derive(Debug, Serialize)]
pub struct CpuFigures {
    /// Thread CPU time of `plan()` on the fresh snapshot, median of `samples` runs.
    pub plan_fresh_us_median: f64,
    /// Thread CPU time of `evaluate()` alone on the fresh snapshot, median.
    pub evaluate_fresh_us_median: f64,
    pub samples: usize,
    pub plan_fresh_target_us: f64,
    /// Different snapshots planned one after the other on this thread.
    pub plans: usize,
    pub plans_total_s: f64,
    pub plans_us_per_plan: f64,
    /// Mean number of actions of those plans (a sanity check that the work varied).
    pub plans_mean_actions: f64,
    /// How many of those plans had a different set of actions than the fresh plan.
    pub plans_differing_from_fresh: usize,
}

/// Runs the benchmark and returns its figures.
pub fn run(options: &Options) -> anyhow::Result<BenchOutput> {
    let baseline = Baseline::built_in(BASELINE)?;
    let concurrency = options.concurrency;

    // The fresh account as a read sees it, and its plan.
    let Planned { snapshot, plan, .. } =
        on_virtual_clock(async |sim| Ok(flow::read_and_plan(sim, &baseline).await?))?;
    if plan.actions.is_empty() {
        bail!("the fresh account's plan has no actions: nothing to measure");
    }

    let critical_path = critical_path(&plan, &LatencyModel::aws_like());
    let concurrent = virtual_apply(&plan, concurrency)?;
    let sequential = virtual_apply(&plan, 1)?;

    let critical_ms = critical_path.ms;
    let ratio_cp = concurrent.virtual_ms / critical_ms;
    let ratios = Ratios {
        concurrent_over_critical_path: ratio_cp,
        concurrent_over_critical_path_target: TARGET_CRITICAL_PATH_RATIO,
        concurrent_over_critical_path_met: ratio_cp <= TARGET_CRITICAL_PATH_RATIO,
        sequential_over_concurrent: sequential.virtual_ms / concurrent.virtual_ms,
        writes_equal_actions_plus_retries: concurrent.write_calls
            == plan.actions.len() as u64 + concurrent.retries,
    };

    let cpu = cpu_figures(&snapshot, &baseline, &plan, options.samples, options.plans);

    Ok(BenchOutput {
        format_version: FORMAT_VERSION,
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        scenario: SCENARIO,
        baseline: BASELINE,
        regions: plan.regions.len(),
        plan_actions: plan.actions.len(),
        critical_path,
        concurrent_apply: concurrent,
        sequential_apply: sequential,
        ratios,
        cpu,
    })
}

/// Runs `f` on a fresh `aws_like` simulator on a current-thread runtime whose clock starts
/// paused, so waits cost no real time.
fn on_virtual_clock<T>(f: impl AsyncFnOnce(&Simulator) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let runtime = secure_account_simulator::virtual_clock_runtime()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let sim = Simulator::scenario(SCENARIO)
            .context("cannot start the simulated account")?
            .with_latency(LatencyModel::aws_like());
        f(&sim).await
    })
}

/// Applies `plan` to a fresh simulated account with `concurrency` and measures the `apply`
/// call on virtual time.
fn virtual_apply(plan: &Plan, concurrency: usize) -> anyhow::Result<ApplyFigures> {
    on_virtual_clock(async |sim| {
        let options = ApplyOptions {
            concurrency,
            ..ApplyOptions::default()
        };
        let started = tokio::time::Instant::now();
        let report = secure_account_engine::apply(sim, plan, &options, &mut |_| {}).await;
        let elapsed = started.elapsed();
        if !report.succeeded() {
            bail!(
                "the benchmark apply (concurrency {concurrency}) did not succeed: {} failed, {} \
                 not run",
                report.actions_failed,
                report.actions_not_run
            );
        }
        debug_assert_eq!(
            report.api_calls.elapsed_ms,
            sim.elapsed().as_millis() as u64
        );
        Ok(ApplyFigures {
            concurrency,
            virtual_ms: ms(elapsed),
            write_calls: report.api_calls.write,
            read_calls: report.api_calls.read,
            retries: report.api_calls.retries,
            actions_applied: report.actions_applied,
        })
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The longest dependency chain of `plan`, each action weighted with the latency of its
/// write call, `batch_enable_standards` also with the time its subscription stays
/// `PENDING` and the read that sees it `READY`, and `enable_inspector` with the time its
/// types stay `ENABLING` and the read that sees them `ENABLED` (`LatencyModel::until_done`).
/// Rate limits
/// and the other reads are not in it.
fn critical_path(plan: &Plan, model: &LatencyModel) -> CriticalPath {
    let n = plan.actions.len();
    let index: BTreeMap<&str, usize> = plan
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = plan
        .actions
        .iter()
        .map(|a| {
            a.depends_on
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .collect()
        })
        .collect();
    // finish[i]: the earliest an action can end if every chain before it ran back to back;
    // computed depth-first with memoisation (the engine refuses plans with a cycle, and the
    // planner makes none; a cycle here would only be cut, not loop).
    let mut finish: Vec<Option<Duration>> = vec![None; n];
    let mut via: Vec<Option<usize>> = vec![None; n];
    let mut on_stack = vec![false; n];
    for root in 0..n {
        let mut stack = vec![(root, false)];
        while let Some((i, expanded)) = stack.pop() {
            if finish[i].is_some() {
                continue;
            }
            if !expanded {
                on_stack[i] = true;
                stack.push((i, true));
                for &d in &deps[i] {
                    if finish[d].is_none() && !on_stack[d] {
                        stack.push((d, false));
                    }
                }
            } else {
                let best = deps[i]
                    .iter()
                    .filter_map(|&d| finish[d].map(|f| (f, d)))
                    .max_by_key(|&(f, d)| (f, std::cmp::Reverse(d)));
                via[i] = best.map(|(_, d)| d);
                finish[i] = Some(
                    best.map_or(Duration::ZERO, |(f, _)| f) + model.until_done(&plan.actions[i].op),
                );
                on_stack[i] = false;
            }
        }
    }
    let end = (0..n).max_by_key(|&i| (finish[i].unwrap_or_default(), std::cmp::Reverse(i)));
    let mut chain = Vec::new();
    let mut at = end;
    while let Some(i) = at {
        chain.push(plan.actions[i].id.clone());
        at = via[i];
    }
    chain.reverse();
    CriticalPath {
        ms: ms(end.and_then(|i| finish[i]).unwrap_or_default()),
        actions: chain,
    }
}

/// The CPU figures: `plan()` and `evaluate()` of the fresh snapshot, then `plans` different
/// snapshots planned in batches (their generation off the clock).
fn cpu_figures(
    snapshot: &Snapshot,
    baseline: &Baseline,
    fresh: &Plan,
    samples: usize,
    plans: usize,
) -> CpuFigures {
    let catalog = Catalog::builtin();
    let eval_scope = scope(snapshot, baseline);
    // Warm up caches and the allocator.
    for _ in 0..5 {
        black_box(secure_account_core::plan(black_box(snapshot), baseline));
        black_box(evaluate(black_box(snapshot), catalog, &eval_scope));
    }
    let plan_us = median(
        (0..samples)
            .map(|_| {
                let t = ThreadTime::now();
                black_box(secure_account_core::plan(black_box(snapshot), baseline));
                us(t.elapsed())
            })
            .collect(),
    );
    let eval_us = median(
        (0..samples)
            .map(|_| {
                let t = ThreadTime::now();
                black_box(evaluate(black_box(snapshot), catalog, &eval_scope));
                us(t.elapsed())
            })
            .collect(),
    );

    let fresh_ids: Vec<&str> = fresh.actions.iter().map(|a| a.id.as_str()).collect();
    let mut total = Duration::ZERO;
    let mut actions = 0usize;
    let mut differing = 0usize;
    let mut seed = 0u64;
    let mut done = 0;
    while done < plans {
        let batch: Vec<Snapshot> = (0..BATCH.min(plans - done))
            .map(|_| {
                seed += 1;
                vary(snapshot, seed)
            })
            .collect();
        let t = ThreadTime::now();
        let made: Vec<Plan> = batch
            .iter()
            .map(|s| secure_account_core::plan(black_box(s), baseline))
            .collect();
        total += t.elapsed();
        for p in &made {
            actions += p.actions.len();
            if !p
                .actions
                .iter()
                .map(|a| a.id.as_str())
                .eq(fresh_ids.iter().copied())
            {
                differing += 1;
            }
        }
        done += batch.len();
    }
    CpuFigures {
        plan_fresh_us_median: plan_us,
        evaluate_fresh_us_median: eval_us,
        samples,
        plan_fresh_target_us: TARGET_PLAN_US,
        plans,
        plans_total_s: total.as_secs_f64(),
        plans_us_per_plan: if plans == 0 {
            0.0
        } else {
            us(total) / plans as f64
        },
        plans_mean_actions: if plans == 0 {
            0.0
        } else {
            actions as f64 / plans as f64
        },
        plans_differing_from_fresh: differing,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The text report: an aligned table with each figure, its target and whether it is met.
pub fn text(o: &BenchOutput) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "secure-account-bench: `{}` simulated account ({} regions), baseline `{}`, {} plan \
         actions",
        o.scenario, o.regions, o.baseline, o.plan_actions
    );
    let profile = format!(
        "Build profile: {}. The CPU figures are from this machine, and a debug build is many \
         times slower than a release one (the README quotes a release run).",
        o.profile
    );
    let _ = writeln!(t, "{}", wrap(&profile, 100));
    let c = &o.concurrent_apply;
    let q = &o.sequential_apply;
    let r = &o.ratios;
    let u = &o.cpu;
    let mark = |met: bool| if met { "ok" } else { "MISSED" };
    let rows: Vec<[String; 4]> = vec![
        row(
            "apply, virtual time (aws_like latencies, no faults)",
            "",
            "",
            "",
        ),
        row(
            "  critical path (longest dependency chain)",
            &secs(o.critical_path.ms),
            "",
            "",
        ),
        row(
            &format!("  concurrent apply (concurrency {})", c.concurrency),
            &secs(c.virtual_ms),
            "",
            "",
        ),
        row(
            &format!("  sequential apply (concurrency {})", q.concurrency),
            &secs(q.virtual_ms),
            "",
            "",
        ),
        row(
            "  concurrent ÷ critical path",
            &format!("{:.3}", r.concurrent_over_critical_path),
            &format!("≤ {}", r.concurrent_over_critical_path_target),
            mark(r.concurrent_over_critical_path_met),
        ),
        row(
            "  sequential ÷ concurrent (speed-up)",
            &format!("{:.2}×", r.sequential_over_concurrent),
            "",
            "",
        ),
        row(
            "  write calls, concurrent",
            &c.write_calls.to_string(),
            &format!("= {} actions + {} retries", o.plan_actions, c.retries),
            mark(r.writes_equal_actions_plus_retries),
        ),
        row(
            "  read calls / retries, concurrent",
            &format!("{} / {}", c.read_calls, c.retries),
            "",
            "",
        ),
        row(
            "  write calls / retries, sequential",
            &format!("{} / {}", q.write_calls, q.retries),
            "",
            "",
        ),
        row("CPU (thread CPU time, one core)", "", "", ""),
        row(
            &format!("  plan(), fresh snapshot (median of {})", u.samples),
            &micros(u.plan_fresh_us_median),
            &format!("< {} ms", u.plan_fresh_target_us / 1e3),
            mark(u.plan_fresh_us_median < u.plan_fresh_target_us),
        ),
        row(
            &format!("  evaluate() alone (median of {})", u.samples),
            &micros(u.evaluate_fresh_us_median),
            "",
            "",
        ),
        row(
            &format!("  plan() {} different snapshots, total", u.plans),
            &format!("{:.3} s", u.plans_total_s),
            "seconds",
            "",
        ),
        row("    per plan", &micros(u.plans_us_per_plan), "", ""),
    ];
    let width = |k: usize| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let _ = writeln!(t);
    for [label, value, target, status] in &rows {
        let line = if value.is_empty() {
            label.clone()
        } else {
            format!(
                "{label}{}  {}{value}  {target}{}  {status}",
                pad(w0, label),
                pad(w1, value),
                pad(w2, target)
            )
        };
        let _ = writeln!(t, "{}", line.trim_end());
    }
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "critical path ({} actions): {}",
        o.critical_path.actions.len(),
        o.critical_path.actions.join(" → ")
    );
    let notes = format!(
        "The critical path weights each action with the latency of its write call \
         (LatencyModel::latency); rate-limit waits and read calls are excluded, so it is a \
         lower bound. Virtual times are deterministic. CPU times are thread CPU time on this \
         machine. The {} different snapshots vary the fresh one (opt-in regions enabled, \
         default VPCs in use, password policies, GuardDuty detectors, EBS encryption, \
         unreadable parts), made off the clock; {} of them planned differently from the \
         fresh one, {:.1} actions per plan on average.",
        u.plans, u.plans_differing_from_fresh, u.plans_mean_actions
    );
    let _ = writeln!(t, "{}", wrap(&notes, 100));
    t
}

/// Wraps `text` at spaces to lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

fn row(label: &str, value: &str, target: &str, status: &str) -> [String; 4] {
    [label.into(), value.into(), target.into(), status.into()]
}

fn pad(width: usize, s: &str) -> String {
    " ".repeat(width.saturating_sub(s.chars().count()))
}

fn secs(ms: f64) -> String {
    format!("{:.3} s", ms / 1e3)
}

fn micros(us: f64) -> String {
    format!("{us:.1} µs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_critical_path_is_the_heaviest_chain() {
        let sim = Simulator::scenario(SCENARIO).unwrap();
        let snapshot = sim.account();
        let plan = secure_account_core::plan(&snapshot, &Baseline::built_in(BASELINE).unwrap());
        let model = LatencyModel::aws_like();
        let cp = critical_path(&plan, &model);
        // The chain is a chain: each action depends on the one before it.
        for pair in cp.actions.windows(2) {
            let next = plan.action(&pair[1]).unwrap();
            assert!(next.depends_on.contains(&pair[0]), "{pair:?}");
        }
        let sum: Duration = cp
            .actions
            .iter()
            .map(|id| model.until_done(&plan.action(id).unwrap().op))
            .sum();
        assert_eq!(ms(sum), cp.ms);
        // No single action is longer than the whole path.
        assert!(
            plan.actions
                .iter()
                .all(|a| ms(model.until_done(&a.op)) <= cp.ms)
        );
    }
}
