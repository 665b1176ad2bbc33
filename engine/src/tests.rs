//! Engine tests against a fake port that records its calls, answers from a script and
//! takes a fixed time per call on tokio's paused clock.

use secure_account_core::action::{ec2, kms, logs, securityhub};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use secure_account_core::action::Action;
use secure_account_core::evaluate::Score;
use secure_account_core::plan::PLAN_FORMAT_VERSION;
use secure_account_core::snapshot::OptInStatus;
use secure_account_core::{
    AccountInfo, AwsError, KeyRef, Outputs, Part, PartValue, Plan, PlannedAction, Scope, Skipped,
    Snapshot,
};
use tokio::time::Instant;

use crate::*;

const LATENCY: Duration = Duration::from_millis(100);

/// One `execute` call as the fake saw it.
#[derive(Debug, Clone)]
struct Call {
    id: String,
    outputs: Outputs,
    start: Duration,
    end: Duration,
}

struct FakePort {
    start: Instant,
    /// Answers by action id, consumed one per call; an empty script means success.
    script: RefCell<BTreeMap<String, VecDeque<Result<ActionOutput, PortError>>>>,
    log: RefCell<Vec<Call>>,
    sleeps: RefCell<Vec<Duration>>,
    in_flight: Cell<usize>,
    max_in_flight: Cell<usize>,
    writes: Cell<u64>,
    reads: Cell<u64>,
    /// The account `read_account`/`read_part` answer from.
    account: RefCell<Option<Snapshot>>,
    deny_reads: RefCell<Vec<Part>>,
    crash_on_read: Cell<Option<Part>>,
    /// Answers of `read_part` by part, one per read; the last one repeats. A part not
    /// scripted is read from `account`.
    part_script: RefCell<BTreeMap<Part, VecDeque<Result<PartValue, PortError>>>>,
}

impl FakePort {
    fn new() -> FakePort {
        FakePort {
            start: Instant::now(),
            script: RefCell::default(),
            log: RefCell::default(),
            sleeps: RefCell::default(),
            in_flight: Cell::new(0),
            max_in_flight: Cell::new(0),
            writes: Cell::new(0),
            reads: Cell::new(0),
            account: RefCell::new(None),
            deny_reads: RefCell::default(),
            crash_on_read: Cell::new(None),
            part_script: RefCell::default(),
        }
    }

    /// Scripts the answers of reads of `part` (the last one repeats).
    fn reads(self, part: Part, answers: Vec<Result<PartValue, PortError>>) -> FakePort {
        self.part_script.borrow_mut().insert(part, answers.into());
        self
    }

    /// Scripts the next answers of `id`.
    fn answers(self, id: &str, answers: Vec<Result<ActionOutput, PortError>>) -> FakePort {
        self.script.borrow_mut().insert(id.into(), answers.into());
        self
    }

    fn calls_of(&self, id: &str) -> Vec<Call> {
        self.log
            .borrow()
            .iter()
            .filter(|c| c.id == id)
            .cloned()
            .collect()
    }
}

impl Port for FakePort {
    async fn read_account(&self) -> Result<AccountInfo, PortError> {
        match &*self.account.borrow() {
            Some(a) => Ok(a.account_info()),
            None => Err(PortError::Aws(AwsError::new(
                "NotModelled",
                "the fake has no account",
            ))),
        }
    }

    async fn read_part(&self, scope: &Scope, part: Part) -> Result<PartValue, PortError> {
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        self.reads.set(self.reads.get() + 1);
        tokio::time::sleep(LATENCY).await;
        self.in_flight.set(self.in_flight.get() - 1);
        if self.deny_reads.borrow().contains(&part) {
            return Err(PortError::Aws(AwsError::new(
                "AccessDenied",
                format!("no {part}"),
            )));
        }
        if self.crash_on_read.get() == Some(part) {
            return Err(PortError::Crashed);
        }
        if let Some(answers) = self.part_script.borrow_mut().get_mut(&part) {
            let answer = if answers.len() > 1 {
                answers.pop_front()
            } else {
                answers.front().cloned()
            };
            if let Some(answer) = answer {
                return answer;
            }
        }
        let account = self.account.borrow();
        let account = account.as_ref().expect("read_account succeeded");
        Ok(account
            .part(scope, part)
            .expect("the engine reads parts in their own scope")
            .expect("the fake's account is fully known"))
    }

    async fn execute(
        &self,
        _region: &Scope,
        action_id: &str,
        action: &Action,
        outputs: &Outputs,
    ) -> Result<ActionOutput, PortError> {
        let start = self.start.elapsed();
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        tokio::time::sleep(LATENCY).await;
        self.in_flight.set(self.in_flight.get() - 1);
        self.writes.set(self.writes.get() + 1);
        self.log.borrow_mut().push(Call {
            id: action_id.into(),
            outputs: outputs.clone(),
            start,
            end: self.start.elapsed(),
        });
        let scripted = self
            .script
            .borrow_mut()
            .get_mut(action_id)
            .and_then(VecDeque::pop_front);
        scripted.unwrap_or_else(|| {
            Ok(ActionOutput {
                created_key_id: matches!(action, Action::CreateKey(kms::CreateKey { .. }))
                    .then(|| format!("key-for-{action_id}")),
                ..ActionOutput::default()
            })
        })
    }

    async fn sleep(&self, duration: Duration) {
        self.sleeps.borrow_mut().push(duration);
        tokio::time::sleep(duration).await;
    }

    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    fn calls(&self) -> CallCounts {
        CallCounts {
            read: self.reads.get(),
            write: self.writes.get(),
        }
    }
}

fn aws(code: &str) -> Result<ActionOutput, PortError> {
    Err(PortError::Aws(AwsError::new(
        code,
        format!("{code} message"),
    )))
}

/// An action `id` = `<region>/<name>` that depends on `deps`.
fn act(id: &str, deps: &[&str]) -> PlannedAction {
    action_with(
        id,
        deps,
        Action::CreateLogGroup(logs::CreateLogGroup {
            log_group_name: id.into(),
            tags: Default::default(),
        }),
    )
}

fn action_with(id: &str, deps: &[&str], op: Action) -> PlannedAction {
    PlannedAction {
        id: id.into(),
        op,
        region: id.split('/').next().unwrap().into(),
        satisfies: vec![],
        depends_on: deps.iter().map(|d| d.to_string()).collect(),
        destructive: false,
    }
}

fn score() -> Score {
    Score {
        percent: 0.0,
        passed: 0,
        failed: 0,
        no_data: 0,
        disabled: 0,
        percent_if_manual_done: 0.0,
        failed_controls: vec![],
        regions: BTreeMap::new(),
        incomplete: false,
        unread_parts: vec![],
    }
}

fn plan_of(actions: Vec<PlannedAction>) -> Plan {
    Plan {
        format_version: PLAN_FORMAT_VERSION,
        account_id: "123456789012".into(),
        home_region: "us-east-1".into(),
        baseline: "test".into(),
        baseline_hash: "sha256:test".into(),
        catalog_version: "test".into(),
        snapshot_fingerprint: "sha256:test".into(),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        actions,
        skipped: vec![],
        manual_tasks: vec![],
        notes: vec![],
        score_now: score(),
        score_predicted: score(),
        monthly_cost: None,
    }
}

async fn run(port: &FakePort, plan: &Plan, options: &ApplyOptions) -> ApplyReport {
    apply(port, plan, options, &mut |_| {}).await
}

fn status_of(report: &ApplyReport, id: &str) -> ActionStatus {
    report.results.iter().find(|r| r.id == id).unwrap().status
}

fn result_of<'a>(report: &'a ApplyReport, id: &str) -> &'a ActionResult {
    report.results.iter().find(|r| r.id == id).unwrap()
}

#[tokio::test(start_paused = true)]
async fn dependency_order_is_respected() {
    let plan = plan_of(vec![
        act("us-east-1/c", &["us-east-1/b"]),
        act("us-east-1/b", &["us-east-1/a"]),
        act("us-east-1/a", &[]),
        act("us-east-1/d", &["us-east-1/a", "us-east-1/c"]),
        act("eu-west-1/x", &[]),
    ]);
    let port = FakePort::new();
    let report = run(&port, &plan, &ApplyOptions::default()).await;
    assert_eq!(report.actions_applied, 5);
    assert!(report.succeeded());
    for a in &plan.actions {
        let me = &port.calls_of(&a.id)[0];
        for d in &a.depends_on {
            let dep = &port.calls_of(d)[0];
            assert!(dep.end <= me.start, "{} started before {d} ended", a.id);
        }
    }
    // The chain a, b, c, d is the critical path: four calls, and the independent action
    // runs beside it.
    assert_eq!(report.api_calls.elapsed_ms, 400);
    assert_eq!(report.api_calls.write, 5);
    // Results keep plan order.
    let ids: Vec<_> = report.results.iter().map(|r| r.id.as_str()).collect();
    let plan_ids: Vec<_> = plan.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, plan_ids);
}

#[tokio::test(start_paused = true)]
async fn concurrency_bound_is_respected() {
    let ids: Vec<String> = (0..100).map(|i| format!("us-east-1/a{i:03}")).collect();
    let plan = plan_of(ids.iter().map(|id| act(id, &[])).collect());
    let port = FakePort::new();
    let options = ApplyOptions {
        concurrency: 7,
        ..ApplyOptions::default()
    };
    let report = run(&port, &plan, &options).await;
    assert_eq!(report.actions_applied, 100);
    assert_eq!(port.max_in_flight.get(), 7);
    // ceil(100 / 7) = 15 rounds of one call each.
    assert_eq!(report.api_calls.elapsed_ms, 1500);
}

#[tokio::test(start_paused = true)]
async fn the_longest_chain_starts_first() {
    // With two slots, starting the singles first would take four rounds; starting the
    // chain first takes three.
    let plan = plan_of(vec![
        act("us-east-1/s1", &[]),
        act("us-east-1/s2", &[]),
        act("us-east-1/s3", &[]),
        act("us-east-1/c1", &[]),
        act("us-east-1/c2", &["us-east-1/c1"]),
        act("us-east-1/c3", &["us-east-1/c2"]),
    ]);
    let port = FakePort::new();
    let options = ApplyOptions {
        concurrency: 2,
        ..ApplyOptions::default()
    };
    let report = run(&port, &plan, &options).await;
    assert_eq!(report.actions_applied, 6);
    assert_eq!(report.api_calls.elapsed_ms, 300);
}

#[tokio::test(start_paused = true)]
async fn throttling_is_retried_until_success() {
    let plan = plan_of(vec![
        act("us-east-1/a", &[]),
        act("us-east-1/b", &["us-east-1/a"]),
    ]);
    let port = FakePort::new().answers(
        "us-east-1/a",
        vec![aws("ThrottlingException"), aws("SlowDown")],
    );
    let mut retrying = vec![];
    let report = apply(&port, &plan, &ApplyOptions::default(), &mut |e| {
        if let ProgressEvent::Retrying { attempt, error, .. } = e {
            retrying.push((attempt, error.code.clone()));
        }
    })
    .await;
    assert_eq!(status_of(&report, "us-east-1/a"), ActionStatus::Applied);
    assert_eq!(status_of(&report, "us-east-1/b"), ActionStatus::Applied);
    assert_eq!(result_of(&report, "us-east-1/a").attempts, 3);
    assert_eq!(report.api_calls.retries, 2);
    assert_eq!(report.api_calls.write, 4);
    assert_eq!(
        retrying,
        vec![(1, "ThrottlingException".into()), (2, "SlowDown".into())]
    );
    assert_eq!(port.sleeps.borrow().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn eventual_consistency_is_retried() {
    let plan = plan_of(vec![action_with(
        "us-east-1/rotate",
        &[],
        Action::EnableKeyRotation(kms::EnableKeyRotation {
            key: KeyRef::Existing("k".into()),
        }),
    )]);
    let port = FakePort::new().answers("us-east-1/rotate", vec![aws("NotFoundException")]);
    let report = run(&port, &plan, &ApplyOptions::default()).await;
    assert_eq!(report.actions_applied, 1);
    assert_eq!(report.api_calls.retries, 1);
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded() {
    let plan = plan_of(vec![act("us-east-1/a", &[])]);
    let port = FakePort::new().answers("us-east-1/a", (0..20).map(|_| aws("Throttling")).collect());
    let report = run(&port, &plan, &ApplyOptions::default()).await;
    let a = result_of(&report, "us-east-1/a");
    assert_eq!(a.status, ActionStatus::Failed);
    assert_eq!(a.attempts, 8);
    assert_eq!(a.error.as_ref().unwrap().code, "Throttling");
    assert_eq!(report.api_calls.retries, 7);
    // Full jitter under a cap: never more than the sum of the ceilings.
    let total: Duration = port.sleeps.borrow().iter().sum();
    assert!(total <= Duration::from_millis(200 + 400 + 800 + 1600 + 3200 + 6400 + 12800));
}

#[tokio::test(start_paused = true)]
async fn a_failure_stops_its_dependants_but_not_other_regions() {
    let plan = plan_of(vec![
        act("us-east-1/a1", &[]),
        act("us-east-1/a2", &["us-east-1/a1"]),
        act("us-east-1/a3", &["us-east-1/a2"]),
        act("us-east-1/other", &[]),
        act("eu-west-1/b1", &[]),
        act("eu-west-1/b2", &["eu-west-1/b1"]),
        act("eu-west-1/b3", &["eu-west-1/b2"]),
    ]);
    let port = FakePort::new().answers("us-east-1/a1", vec![aws("AccessDeniedException")]);
    let mut finished = 0;
    let report = apply(&port, &plan, &ApplyOptions::default(), &mut |e| {
        if let ProgressEvent::Finished { .. } = e {
            finished += 1;
        }
    })
    .await;
    assert_eq!(finished, 7, "every action reports its end");
    let a1 = result_of(&report, "us-east-1/a1");
    assert_eq!(a1.status, ActionStatus::Failed);
    assert_eq!(a1.attempts, 1, "a permanent error is not retried");
    assert_eq!(
        a1.error,
        Some(AwsError::new(
            "AccessDeniedException",
            "AccessDeniedException message"
        ))
    );
    for id in ["us-east-1/a2", "us-east-1/a3"] {
        let r = result_of(&report, id);
        assert_eq!(r.status, ActionStatus::NotRun, "{id}");
        assert_eq!(r.reason.map(ResultReason::code), Some("dependency_failed"));
        assert_eq!(
            r.detail.as_deref(),
            Some("dependency `us-east-1/a1` failed")
        );
        assert_eq!(r.attempts, 0);
        assert!(port.calls_of(id).is_empty());
    }
    for id in [
        "us-east-1/other",
        "eu-west-1/b1",
        "eu-west-1/b2",
        "eu-west-1/b3",
    ] {
        assert_eq!(status_of(&report, id), ActionStatus::Applied, "{id}");
    }
    assert_eq!(
        (
            report.actions_applied,
            report.actions_failed,
            report.actions_not_run
        ),
        (4, 1, 2)
    );
    assert!(!report.interrupted);
    assert!(!report.succeeded());
}

#[tokio::test(start_paused = true)]
async fn a_crash_interrupts_the_whole_run() {
    let plan = plan_of(vec![
        act("us-east-1/a1", &[]),
        act("us-east-1/a2", &["us-east-1/a1"]),
        act("us-east-1/a3", &["us-east-1/a2"]),
        act("eu-west-1/b1", &[]),
        act("eu-west-1/b2", &["eu-west-1/b1"]),
        act("eu-west-1/b3", &["eu-west-1/b2"]),
    ]);
    let port = FakePort::new().answers("us-east-1/a2", vec![Err(PortError::Crashed)]);
    let mut interrupted_events = 0;
    let report = apply(&port, &plan, &ApplyOptions::default(), &mut |e| {
        if let ProgressEvent::Interrupted { by } = e {
            assert_eq!(by, Interruption::Crash);
            interrupted_events += 1;
        }
    })
    .await;
    assert!(report.interrupted);
    assert_eq!(interrupted_events, 1);
    // a1 and b1 ran in the first round, a2 and b2 in the second: a2 crashed; b2, in flight
    // beside it, got its answer, so its write landed and it counts as applied. Nothing
    // starts after the crash.
    assert_eq!(status_of(&report, "us-east-1/a1"), ActionStatus::Applied);
    assert_eq!(status_of(&report, "eu-west-1/b1"), ActionStatus::Applied);
    assert_eq!(status_of(&report, "eu-west-1/b2"), ActionStatus::Applied);
    for id in ["us-east-1/a2", "us-east-1/a3", "eu-west-1/b3"] {
        let r = result_of(&report, id);
        assert_eq!(r.status, ActionStatus::NotRun, "{id}");
        assert_eq!(
            r.reason.map(ResultReason::code),
            Some("interrupted"),
            "{id}"
        );
    }
    let a2 = result_of(&report, "us-east-1/a2");
    // `Crashed` is the process dying before the call went out: no attempt was made.
    assert_eq!(
        a2.attempts, 0,
        "the call that never went out is not counted"
    );
    assert_eq!(
        a2.detail.as_deref(),
        Some("the run stopped as this action's call was about to go out: nothing was sent")
    );
    assert_eq!(
        result_of(&report, "us-east-1/a3").detail.as_deref(),
        Some("the run stopped before this action started")
    );
    assert!(port.calls_of("us-east-1/a3").is_empty());
    assert!(port.calls_of("eu-west-1/b3").is_empty());
    assert_eq!(report.actions_applied, 3);
    assert_eq!(report.actions_not_run, 3);
}

#[tokio::test(start_paused = true)]
async fn created_key_ids_reach_later_actions() {
    let plan = plan_of(vec![
        action_with(
            "us-east-1/create_key",
            &[],
            Action::CreateKey(kms::CreateKey {
                description: "trail".into(),
                policy: "{}".into(),
                tags: BTreeMap::new(),
            }),
        ),
        action_with(
            "us-east-1/create_alias",
            &["us-east-1/create_key"],
            Action::CreateAlias(kms::CreateAlias {
                alias_name: "alias/trail_encrypt_key".into(),
                target_key: KeyRef::CreatedBy("us-east-1/create_key".into()),
            }),
        ),
    ]);
    let port = FakePort::new();
    let report = run(&port, &plan, &ApplyOptions::default()).await;
    assert!(report.succeeded());
    let alias = &port.calls_of("us-east-1/create_alias")[0];
    assert_eq!(
        alias
            .outputs
            .resolve(&KeyRef::CreatedBy("us-east-1/create_key".into())),
        Some("key-for-us-east-1/create_key".into())
    );
}

/// Runs 20 independent actions, each throttled twice, and returns what happened.
async fn throttled_run(seed: u64) -> (ApplyReport, Vec<Duration>, Vec<String>) {
    let ids: Vec<String> = (0..20).map(|i| format!("us-east-1/a{i:02}")).collect();
    let plan = plan_of(ids.iter().map(|id| act(id, &[])).collect());
    let port = ids.iter().fold(FakePort::new(), |p, id| {
        p.answers(id, vec![aws("Throttling"), aws("RequestLimitExceeded")])
    });
    let options = ApplyOptions {
        seed,
        concurrency: 4,
        ..ApplyOptions::default()
    };
    let report = run(&port, &plan, &options).await;
    let sleeps = port.sleeps.borrow().clone();
    let order = port.log.borrow().iter().map(|c| c.id.clone()).collect();
    (report, sleeps, order)
}

#[tokio::test(start_paused = true)]
async fn runs_are_reproducible_with_a_seed() {
    let (r1, s1, o1) = throttled_run(42).await;
    let (r2, s2, o2) = throttled_run(42).await;
    let (_, s3, _) = throttled_run(43).await;
    assert_eq!(r1, r2);
    assert_eq!(s1, s2);
    assert_eq!(o1, o2);
    assert_ne!(s1, s3);
    assert_eq!(r1.api_calls.retries, 40);
}

#[tokio::test(start_paused = true)]
async fn skipped_entries_are_in_the_report() {
    let mut plan = plan_of(vec![act("us-east-1/a", &[])]);
    plan.skipped.push(Skipped {
        id: "eu-west-1/delete_default_vpc".into(),
        region: "eu-west-1".into(),
        reason: secure_account_core::SkipReason::DefaultVpcInUse,
        detail: "the default VPC `vpc-1` has network interfaces `eni-1`".into(),
    });
    let report = run(&FakePort::new(), &plan, &ApplyOptions::default()).await;
    assert_eq!(report.actions_skipped, 1);
    let s = result_of(&report, "eu-west-1/delete_default_vpc");
    assert_eq!(s.status, ActionStatus::Skipped);
    assert_eq!(s.reason.map(ResultReason::code), Some("default_vpc_in_use"));
    assert_eq!(s.action, None);
    assert!(report.succeeded());
    let json = serde_json::to_value(&report).unwrap();
    for field in [
        "format_version",
        "actions_applied",
        "actions_failed",
        "actions_skipped",
        "actions_not_run",
        "interrupted",
        "score_before",
        "score_after",
        "results",
    ] {
        assert!(json.get(field).is_some(), "{field}");
    }
    for field in ["read", "write", "retries", "elapsed_ms"] {
        assert!(json["api_calls"].get(field).is_some(), "{field}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_empty_plan_makes_no_calls() {
    let port = FakePort::new();
    let report = run(&port, &plan_of(vec![]), &ApplyOptions::default()).await;
    assert_eq!(report.api_calls, ApiCalls::default());
    assert!(report.succeeded());
}

#[tokio::test(start_paused = true)]
async fn malformed_plans_are_refused_and_never_run() {
    let cyclic = plan_of(vec![
        act("us-east-1/a", &["us-east-1/b"]),
        act("us-east-1/b", &["us-east-1/a"]),
        act("us-east-1/c", &[]),
    ]);
    assert_eq!(
        check_plan(&cyclic).unwrap_err().to_string(),
        "actions `us-east-1/a`, `us-east-1/b` depend on each other in a cycle"
    );
    let port = FakePort::new();
    let report = run(&port, &cyclic, &ApplyOptions::default()).await;
    assert_eq!(status_of(&report, "us-east-1/c"), ActionStatus::Applied);
    assert_eq!(
        result_of(&report, "us-east-1/a")
            .reason
            .map(ResultReason::code),
        Some("dependency_cycle")
    );

    let dangling = plan_of(vec![
        act("us-east-1/a", &["us-east-1/ghost"]),
        act("us-east-1/b", &["us-east-1/a"]),
    ]);
    assert_eq!(
        check_plan(&dangling).unwrap_err(),
        InvalidPlan::UnknownDependency {
            action: "us-east-1/a".into(),
            dependency: "us-east-1/ghost".into()
        }
    );
    let report = run(&FakePort::new(), &dangling, &ApplyOptions::default()).await;
    assert_eq!(report.actions_not_run, 2);

    let dup = plan_of(vec![act("us-east-1/a", &[]), act("us-east-1/a", &[])]);
    assert_eq!(
        check_plan(&dup).unwrap_err(),
        InvalidPlan::DuplicateId("us-east-1/a".into())
    );
    let mut old = plan_of(vec![]);
    old.format_version = 99;
    assert!(matches!(
        check_plan(&old),
        Err(InvalidPlan::FormatVersion { found: 99, .. })
    ));
    assert_eq!(check_plan(&plan_of(vec![act("us-east-1/a", &[])])), Ok(()));
}

#[test]
fn a_stale_plan_is_refused() {
    let snapshot = Snapshot {
        format_version: 1,
        account_id: "123456789012".into(),
        global: Default::default(),
        regions: BTreeMap::new(),
    };
    let mut plan = plan_of(vec![]);
    plan.snapshot_fingerprint = snapshot.fingerprint();
    assert_eq!(check_fresh(&plan, &snapshot), Ok(()));
    plan.snapshot_fingerprint = "sha256:old".into();
    let err = check_fresh(&plan, &snapshot).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "plan is stale: the account changed since the plan was made (fingerprint \
             `sha256:old`, now `{}`); run `secure-account plan` again",
            snapshot.fingerprint()
        )
    );
}

fn two_region_account() -> Snapshot {
    Snapshot::from_account_info(&AccountInfo {
        account_id: "123456789012".into(),
        regions: [
            ("us-east-1".to_string(), OptInStatus::OptInNotRequired),
            ("eu-west-1".to_string(), OptInStatus::OptedIn),
            ("af-south-1".to_string(), OptInStatus::NotOptedIn),
        ]
        .into_iter()
        .collect(),
    })
}

#[tokio::test(start_paused = true)]
async fn read_snapshot_reads_every_part_of_every_enabled_region_bounded() {
    let port = FakePort::new();
    let mut account = two_region_account();
    account
        .set_part(
            &Scope::Region("eu-west-1".into()),
            PartValue::Guardduty(Some(Default::default())),
        )
        .unwrap();
    *port.account.borrow_mut() = Some(account.clone());
    let read = read_snapshot(&port, 5).await.unwrap();
    assert_eq!(read, account);
    // 7 account-wide parts and 16 in each of the two enabled regions.
    assert_eq!(port.calls().read, 7 + 2 * 16);
    assert_eq!(port.max_in_flight.get(), 5);
    // 37 reads of 100 ms, 5 at a time.
    assert_eq!(port.elapsed(), LATENCY * 8);
}

#[tokio::test(start_paused = true)]
async fn a_denied_part_is_unreadable_everywhere_it_is_read_and_the_rest_goes_on() {
    let port = FakePort::new();
    *port.account.borrow_mut() = Some(two_region_account());
    port.deny_reads
        .borrow_mut()
        .extend([Part::Vpcs, Part::Root]);
    let read = read_snapshot(&port, DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    let unreadable: Vec<(String, Part)> = read
        .unreadable_parts()
        .into_iter()
        .map(|(scope, part, e)| {
            assert_eq!(e.code, "AccessDenied");
            (scope.to_string(), part)
        })
        .collect();
    assert_eq!(
        unreadable,
        vec![
            ("global".to_string(), Part::Root),
            ("eu-west-1".to_string(), Part::Vpcs),
            ("us-east-1".to_string(), Part::Vpcs),
        ]
    );
    assert!(read.global.users.known().is_some());
}

#[tokio::test(start_paused = true)]
async fn a_crash_or_a_failed_preamble_fails_the_whole_read() {
    let port = FakePort::new();
    assert!(matches!(
        read_snapshot(&port, 8).await,
        Err(PortError::Aws(e)) if e.code == "NotModelled"
    ));
    *port.account.borrow_mut() = Some(two_region_account());
    port.crash_on_read.set(Some(Part::Macie));
    assert_eq!(read_snapshot(&port, 8).await, Err(PortError::Crashed));
}

/// The first interrupt starts nothing new and lets the call in flight finish; what did not
/// start is `not_run` and the report is `interrupted`.
#[tokio::test(start_paused = true)]
async fn a_first_interrupt_lets_calls_in_flight_finish_and_starts_nothing_new() {
    let plan = plan_of(vec![
        act("us-east-1/a", &[]),
        act("us-east-1/b", &["us-east-1/a"]),
        act("eu-west-1/c", &[]),
    ]);
    let cancel = Cancel::new();
    let options = ApplyOptions {
        concurrency: 1,
        cancel: Some(cancel.clone()),
        ..ApplyOptions::default()
    };
    let port = FakePort::new();
    let mut started = Vec::new();
    let report = apply(&port, &plan, &options, &mut |e| {
        if let ProgressEvent::Started { action } = e {
            started.push(action.id.clone());
            cancel.interrupt();
        }
    })
    .await;
    assert_eq!(started.len(), 1, "{started:?}");
    assert!(report.interrupted);
    assert_eq!(report.actions_applied, 1);
    assert_eq!(status_of(&report, &started[0]), ActionStatus::Applied);
    assert_eq!(report.actions_not_run, 2);
    assert!(
        report
            .results
            .iter()
            .filter(|r| r.status == ActionStatus::NotRun)
            .all(|r| r.detail.as_deref() == Some("the run stopped before this action started"))
    );
}

/// A second interrupt stops at once: the call in flight is abandoned.
#[tokio::test(start_paused = true)]
async fn a_second_interrupt_stops_at_once() {
    let plan = plan_of(vec![act("us-east-1/a", &[]), act("eu-west-1/c", &[])]);
    let cancel = Cancel::new();
    let options = ApplyOptions {
        cancel: Some(cancel.clone()),
        ..ApplyOptions::default()
    };
    let port = FakePort::new();
    let report = apply(&port, &plan, &options, &mut |e| {
        if let ProgressEvent::Started { .. } = e {
            cancel.interrupt();
            cancel.interrupt();
        }
    })
    .await;
    assert!(report.interrupted);
    assert_eq!(report.actions_applied, 0);
    assert_eq!(report.actions_not_run, 2);
}

/// Without an interrupt, a cancellation signal changes nothing.
#[tokio::test(start_paused = true)]
async fn an_unused_cancellation_signal_changes_nothing() {
    let plan = plan_of(vec![
        act("us-east-1/a", &[]),
        act("us-east-1/b", &["us-east-1/a"]),
    ]);
    let options = ApplyOptions {
        cancel: Some(Cancel::new()),
        ..ApplyOptions::default()
    };
    let report = run(&FakePort::new(), &plan, &options).await;
    assert!(!report.interrupted);
    assert_eq!(report.actions_applied, 2);
}

mod waits;

/// A later round does not send again what failed with an error it would get again (an
/// operation the endpoint does not serve, a missing permission), nor what depends on it;
/// a failure worth another round (an HTTP 200 answer's `LIMIT_EXCEEDED`) stays planned.
#[test]
fn a_later_round_drops_what_would_fail_again_and_its_dependents() {
    let plan = plan_of(vec![
        action_with(
            "us-east-1/batch_enable_standards",
            &[],
            Action::BatchEnableStandards(securityhub::BatchEnableStandards {
                standards_arn: "arn".into(),
            }),
        ),
        action_with(
            "us-east-1/batch_update_standards_control_associations",
            &["us-east-1/batch_enable_standards"],
            Action::BatchUpdateStandardsControlAssociations(
                securityhub::BatchUpdateStandardsControlAssociations {
                    standards_arn: "arn".into(),
                    updates: vec![],
                },
            ),
        ),
        action_with(
            "us-east-1/enable_ebs_encryption_by_default",
            &[],
            Action::EnableEbsEncryptionByDefault(ec2::EnableEbsEncryptionByDefault {}),
        ),
    ]);
    let failed = |id: &str, code: &str| ActionResult {
        id: id.into(),
        action: None,
        region: "us-east-1".into(),
        status: ActionStatus::Failed,
        error: Some(AwsError::new(code, "m")),
        attempts: 1,
        reason: None,
        detail: None,
        round: 1,
    };
    let ids = |p: &Plan| p.actions.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    for code in ["secure-account:NotImplemented", "AccessDeniedException"] {
        let left = crate::flow::without_repeated_failures(
            plan.clone(),
            &[failed("us-east-1/batch_enable_standards", code)],
        );
        assert_eq!(
            ids(&left),
            ["us-east-1/enable_ebs_encryption_by_default"],
            "{code}"
        );
    }
    let left = crate::flow::without_repeated_failures(
        plan.clone(),
        &[failed("us-east-1/batch_enable_standards", "LIMIT_EXCEEDED")],
    );
    assert_eq!(ids(&left), ids(&plan));
}
