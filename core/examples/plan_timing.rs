//! Times `plan` and its parts (`evaluate` and `evaluate::score` of the snapshot and of the
//! predicted snapshot, `Snapshot::fingerprint`, `effects::predict`) on the fresh 17-region
//! golden account (SPEC §9: "plan a fresh 17-region account in well under a millisecond of
//! CPU"), and prints the median of each in microseconds.
//!
//! `cargo run --release -p secure-account-core --example plan_timing [-- ITERATIONS [ONLY]]`
//! where `ONLY` names one of the timings, to run it alone (under a profiler, say).

// An example is a program: it reads its arguments, a file and the clock, and prints. The
// library may do none of that (core/clippy.toml).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::hint::black_box;
use std::time::Instant;

use secure_account_core::{Baseline, Catalog, Snapshot, effects, evaluate, planner};

const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../golden/fresh_account_17_regions/snapshot.json"
);

/// The median duration of `f` over `n` runs, in microseconds.
fn median_us(n: usize, f: &mut dyn FnMut()) -> f64 {
    // Warm up caches and lazily built statics.
    for _ in 0..n.min(20) {
        f();
    }
    let mut samples: Vec<f64> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("ITERATIONS is a number"))
        .unwrap_or(2000);
    let only = std::env::args().nth(2);
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let text = std::fs::read_to_string(SNAPSHOT).expect("read the golden snapshot");
    let snapshot: Snapshot = serde_json::from_str(&text).expect("parse the golden snapshot");
    let baseline = Baseline::fsbp();
    let catalog = Catalog::builtin();
    let scope = planner::scope(&snapshot, &baseline);
    let plan = secure_account_core::plan(&snapshot, &baseline);
    println!(
        "fresh_account_17_regions: {} regions, {} actions, {n} runs each",
        plan.regions.len(),
        plan.actions.len()
    );

    let time = |name: &str, f: &mut dyn FnMut()| {
        if wanted(name) {
            println!("{name:<18} median {:>9.1} µs", median_us(n, f));
        }
    };
    time("plan", &mut || {
        black_box(secure_account_core::plan(
            black_box(&snapshot),
            black_box(&baseline),
        ));
    });
    time("evaluate", &mut || {
        black_box(evaluate(black_box(&snapshot), catalog, black_box(&scope)));
    });
    // The second evaluation `plan` runs: the predicted snapshot, which has more to judge.
    let predicted = effects::predict(&snapshot, &plan.actions);
    time("evaluate_predicted", &mut || {
        black_box(evaluate(black_box(&predicted), catalog, black_box(&scope)));
    });
    // What the planner needs of both evaluations: the score alone.
    time("score", &mut || {
        black_box(evaluate::score(
            black_box(&snapshot),
            catalog,
            black_box(&scope),
        ));
    });
    time("score_predicted", &mut || {
        black_box(evaluate::score(
            black_box(&predicted),
            catalog,
            black_box(&scope),
        ));
    });
    time("fingerprint", &mut || {
        black_box(black_box(&snapshot).fingerprint());
    });
    time("predict", &mut || {
        black_box(effects::predict(
            black_box(&snapshot),
            black_box(&plan.actions),
        ));
    });
}
