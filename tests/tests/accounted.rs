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

/// The S3.8 finding of the public bucket in `snapshot`, if Security Hub has one.
fn public_bucket_finding(
    snapshot: &Snapshot,
) -> Option<secure_account_core::snapshot::ControlFinding> {
    snapshot.regions.values().find_map(|r| {
        r.services
            .security_hub
            .known()
            .and_then(Option::as_ref)
            .and_then(|h| h.findings.known())
            .into_iter()
            .flatten()
            .find(|f| f.control == "S3.8" && f.resource.ends_with(LIVED_IN_PUBLIC_BUCKET))
            .cloned()
    })
}

fn findings_updates(plan: &secure_account_core::Plan) -> Vec<&secure_account_core::PlannedAction> {
    plan.actions
        .iter()
        .filter(|a| a.op.name() == "batch_update_findings")
        .collect()
}

/// Issue 20: an exception is recorded in Security Hub itself (its finding `SUPPRESSED`
/// with the exception as the note), which Security Hub leaves out of the control's
/// status, so the console agrees with `verify`; past its day the tool reopens it.
#[test]
fn exceptions_are_recorded_in_security_hub_and_reopened_after_their_day() {
    let mut baseline = Baseline::fsbp();
    baseline.exceptions = vec![Exception {
        control: "S3.8".into(),
        resource: Some(LIVED_IN_PUBLIC_BUCKET.into()),
        reason: "public website".into(),
        owner: "web-team".into(),
        until: "2027-06-30".into(),
    }];
    baseline.as_of = Some("2026-12-07".into());
    let sim = Simulator::scenario("lived-in").expect("a built-in scenario");
    // The first apply turns Security Hub on: there is no finding to record yet.
    let first = secure_account_core::plan(&secure_account_tests::read(&sim), &baseline);
    assert!(findings_updates(&first).is_empty());
    assert!(secure_account_tests::apply(&sim, &first, 0).succeeded());

    // The next run finds the bucket's S3.8 finding and records the exception on it.
    let before = secure_account_tests::read(&sim);
    let finding = public_bucket_finding(&before).expect("Security Hub has the S3.8 finding");
    assert_eq!(
        finding.workflow,
        secure_account_core::snapshot::WorkflowStatus::New
    );
    let v_before = verify(&before, &baseline, Catalog::builtin());
    assert!(v_before.score.failed_controls.contains(&"S3.8".to_string()));
    let second = secure_account_core::plan(&before, &baseline);
    let updates = findings_updates(&second);
    assert_eq!(updates.len(), 1, "{:?}", second.actions);
    assert!(
        second.score_predicted.percent > second.score_now.percent,
        "{} → {}",
        second.score_now.percent,
        second.score_predicted.percent
    );
    assert!(secure_account_tests::apply(&sim, &second, 0).succeeded());

    let after = secure_account_tests::read(&sim);
    let recorded = public_bucket_finding(&after).unwrap();
    assert_eq!(recorded.id, finding.id);
    assert_eq!(
        recorded.workflow,
        secure_account_core::snapshot::WorkflowStatus::Suppressed
    );
    assert_eq!(
        recorded.note.as_deref(),
        Some("secure-account exception: public website (owner web-team, until 2027-06-30)")
    );
    let v_after = verify(&after, &baseline, Catalog::builtin());
    assert!(!v_after.score.failed_controls.contains(&"S3.8".to_string()));
    assert_eq!(v_after.score.percent, second.score_predicted.percent);
    println!(
        "exception recorded in Security Hub: {} % → {} % (predicted {} %)",
        v_before.score.percent, v_after.score.percent, second.score_predicted.percent
    );
    // Recorded once: the next plan has nothing more to do with findings.
    assert!(findings_updates(&secure_account_core::plan(&after, &baseline)).is_empty());

    // Past its day: the tool reopens what it suppressed, and S3.8 fails again.
    baseline.as_of = Some("2027-07-01".into());
    let reopen = secure_account_core::plan(&after, &baseline);
    assert_eq!(findings_updates(&reopen).len(), 1, "{:?}", reopen.actions);
    assert!(secure_account_tests::apply(&sim, &reopen, 0).succeeded());
    let reopened = secure_account_tests::read(&sim);
    assert_eq!(
        public_bucket_finding(&reopened).unwrap().workflow,
        secure_account_core::snapshot::WorkflowStatus::New
    );
    let v = verify(&reopened, &baseline, Catalog::builtin());
    assert!(v.score.failed_controls.contains(&"S3.8".to_string()));
}
