//! Temporary: dumps evaluations, plans and fingerprints of every golden case.
#![allow(clippy::disallowed_methods)]
use secure_account_core::{Baseline, Catalog, Snapshot, effects, evaluate, planner, render};
fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for case in names {
        let Ok(text) = std::fs::read_to_string(case.join("snapshot.json")) else {
            continue;
        };
        let s: Snapshot = serde_json::from_str(&text).unwrap();
        let b = match std::fs::read_to_string(case.join("baseline.toml")) {
            Ok(t) => Baseline::from_toml(&t).unwrap(),
            Err(_) => Baseline::fsbp(),
        };
        let scope = planner::scope(&s, &b);
        let plan = secure_account_core::plan(&s, &b);
        let predicted = effects::predict(&s, &plan.actions);
        println!("== {}", case.display());
        println!("{}", s.fingerprint());
        println!("{}", predicted.fingerprint());
        println!(
            "{}",
            serde_json::to_string(&evaluate(&s, Catalog::builtin(), &scope)).unwrap()
        );
        println!(
            "{}",
            serde_json::to_string(&evaluate(&predicted, Catalog::builtin(), &scope)).unwrap()
        );
        println!(
            "{:?}",
            evaluate(&predicted, Catalog::builtin(), &scope)
                .controls
                .iter()
                .map(|c| (c.regions.get("us-east-1").copied(), c.regions.len()))
                .collect::<Vec<_>>()
        );
        println!("{}", render::plan_json(&plan));
        println!(
            "{}",
            serde_json::to_string(
                &effects::topological(&plan.actions)
                    .iter()
                    .map(|a| &a.id)
                    .collect::<Vec<_>>()
            )
            .unwrap()
        );
    }
}
