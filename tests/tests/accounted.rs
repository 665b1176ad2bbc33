//! Issue 20: on the lived-in account after `apply`, every failure is accounted for (a
//! cause and a remedy, or an exception that accepts it), and exceptions are judged on the
//! day the caller passes in.

use std::collections::BTreeMap;

use secure_account_core::accounting::{Cause, Remedy};
use secure_account_core::baseline::Exception;
use secure_account_core::verify::{Verification, verify};
use secure_account_core::{Baseline, Catalog, Snapshot, render};
use secure_account_simulator::{LIVED_IN_PUBLIC_BUCKET, Simulator};

fn applied(baseline: &Baseline) -> Snapshot {
    let sim = Simulator::scenario("lived-in").expect("a built-in scenario");
    let plan = secure_account_core::plan(&secure_account_tests::read(&sim), baseline);
    let report = secure_account_tests::apply(&sim, &plan, 0);
    assert!(report.succeeded());
    secure_account_tests::read(&sim)
}

fn cause_kind(c: &Cause) -> &'static str {
    match c {
        Cause::KeptDefaultVpc { .. } => "kept default VPC in use",
        Cause::PublicBucket { .. } => "the customer's public bucket",
        Cause::CustomerResource => "the customer's own resource",
        Cause::NeedsAPerson => "needs a person",
        Cause::Baseline => "the baseline's own setting",
    }
}

/// The failures by cause, for the report (printed with `--nocapture`).
fn by_cause(v: &Verification) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for f in v.open_failures() {
        *out.entry(cause_kind(&f.cause)).or_insert(0) += 1;
    }
    out
}

#[test]
fn every_failure_of_the_lived_in_account_after_apply_is_accounted_for() {
    let baseline = Baseline::fsbp();
    let after = applied(&baseline);
    let v = verify(&after, &baseline, Catalog::builtin());
    println!(
        "lived-in after apply: {} % ({} passed, {} failed); failing resources by cause: {:?}",
        v.score.percent,
        v.score.passed,
        v.score.failed,
        by_cause(&v)
    );
    assert!(!v.failures.is_empty());
    // Every failed control has its failing resources; every failing resource a cause that
    // is not "apply fixes it" (apply ran) and a remedy a person can act on.
    for id in &v.score.failed_controls {
        assert!(
            v.failures.iter().any(|f| &f.control == id),
            "{id} failed without a failing resource"
        );
    }
    for f in &v.failures {
        assert_ne!(f.cause, Cause::Baseline, "unexplained after apply: {f:?}");
        assert!(!f.reason.is_empty() && !f.resource.is_empty(), "{f:?}");
        match &f.remedy {
            Remedy::Apply => panic!("apply ran, yet `apply` is the remedy: {f:?}"),
            Remedy::Manual { instructions } => assert!(!instructions.is_empty(), "{f:?}"),
            Remedy::Decision(d) => {
                assert!(!d.could_break.is_empty() && !d.console.is_empty(), "{f:?}");
                assert!(!d.cli.is_empty(), "no command for {f:?}");
            }
        }
    }
    // The kept VPCs, the public bucket and the people's work are the causes.
    let kinds = by_cause(&v);
    assert!(kinds.contains_key("kept default VPC in use"), "{kinds:?}");
    assert!(
        kinds.contains_key("the customer's public bucket"),
        "{kinds:?}"
    );
    assert!(kinds.contains_key("needs a person"), "{kinds:?}");
    // The text groups them by cause.
    let text = render::verification_text(&v, false);
    assert!(text.contains("Failures by cause"), "{text}");
    assert!(text.contains("kept: default VPC"), "{text}");
    assert!(
        text.contains("is in use by network interfaces eni-"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "the customer's public bucket `{LIVED_IN_PUBLIC_BUCKET}`"
        )),
        "{text}"
    );
    assert!(text.contains("needs a person"), "{text}");
    // The JSON carries control, region, resource, reason and remedy for each.
    let json = serde_json::to_value(&v).unwrap();
    let first = &json["failures"][0];
    for key in ["control", "region", "resource", "reason", "cause", "remedy"] {
        assert!(first.get(key).is_some(), "no `{key}` in {first}");
    }
}

#[test]
fn exceptions_accept_failures_until_their_day_then_are_reported() {
    let mut baseline = Baseline::fsbp();
    baseline.exceptions = vec![
        Exception {
            control: "S3.8".into(),
            resource: Some(format!("arn:aws:s3:::{LIVED_IN_PUBLIC_BUCKET}")),
            reason: "public website".into(),
            owner: "web-team".into(),
            until: "2027-06-30".into(),
        },
        Exception {
            control: "EC2.10".into(),
            resource: None,
            reason: "no interface endpoints: their cost".into(),
            owner: "platform".into(),
            until: "2027-06-30".into(),
        },
    ];
    baseline.as_of = Some("2026-12-07".into());
    let after = applied(&baseline);
    let v = verify(&after, &baseline, Catalog::builtin());
    let accepted: Vec<_> = v.accepted_failures().collect();
    assert!(
        accepted
            .iter()
            .any(|f| f.control == "S3.8" && f.resource.ends_with(LIVED_IN_PUBLIC_BUCKET))
    );
    assert_eq!(
        accepted.iter().filter(|f| f.control == "EC2.10").count(),
        v.failures.iter().filter(|f| f.control == "EC2.10").count()
    );
    assert!(
        v.open_failures()
            .all(|f| f.control != "S3.8" && f.control != "EC2.10")
    );
    // Another failure of the same bucket stays open: the exception names one control.
    assert!(
        v.open_failures()
            .any(|f| f.control == "S3.2" && f.resource.ends_with(LIVED_IN_PUBLIC_BUCKET))
    );
    assert!(v.expired_exceptions.is_empty());
    let text = render::verification_text(&v, false);
    assert!(
        text.contains("Accepted failures (exceptions in force):"),
        "{text}"
    );
    assert!(
        text.contains("public website (owner web-team, until 2027-06-30)"),
        "{text}"
    );
    assert!(!text.contains("Exceptions past their day"), "{text}");

    // A day later than `until`: the exceptions accept nothing and are reported.
    baseline.as_of = Some("2027-07-01".into());
    let v = verify(&after, &baseline, Catalog::builtin());
    assert_eq!(v.accepted_failures().count(), 0);
    assert_eq!(v.expired_exceptions.len(), 2);
    assert!(v.open_failures().any(|f| f.control == "S3.8"));
    let text = render::verification_text(&v, false);
    assert!(text.contains("Exceptions past their day"), "{text}");
}
