//! Latency on virtual time, rate limits, and one latency per action kind.

use secure_account_core::action::ActionKind;

use super::*;

#[tokio::test(start_paused = true)]
async fn a_call_takes_its_modelled_latency_on_virtual_time() {
    let model = LatencyModel::aws_like();
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_latency(model.clone());
    let mut h = H::new(sim);
    let t0 = h.sim.elapsed();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    assert_eq!(h.sim.elapsed() - t0, Duration::from_millis(300));
    let t1 = h.sim.elapsed();
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "InsufficientS3BucketPolicyException",
    )
    .await;
    assert_eq!(
        h.sim.elapsed() - t1,
        model.latency(&create_trail(TRAIL, LOG_BUCKET, "", false))
    );
    assert_eq!(h.sim.elapsed() - t1, Duration::from_millis(800));
    // A refused call answers fast.
    let t2 = h.sim.elapsed();
    h.code("af-south-1", enable_hub(), "UnrecognizedClientException")
        .await;
    assert_eq!(h.sim.elapsed() - t2, Duration::from_millis(50));
    // Reads take their longest chain: the preamble (sts 50 + ec2 120) and 9 EC2 describes;
    // CloudFormation's DescribeStacks (100 ms, 5 a second with a burst of 10) of the
    // 17 regions now ends a little later, behind its rate limit.
    let t3 = h.sim.elapsed();
    secure_account_engine::read_snapshot(&h.sim, secure_account_engine::DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    assert_eq!(h.sim.elapsed() - t3, Duration::from_millis(1330));
    // sleep() is virtual too.
    let t4 = h.sim.elapsed();
    h.sim.sleep(Duration::from_secs(3600)).await;
    assert_eq!(h.sim.elapsed() - t4, Duration::from_secs(3600));
}

#[tokio::test(start_paused = true)]
async fn rate_limits_queue_concurrent_calls() {
    let mut model = LatencyModel::zero();
    model
        .writes
        .insert("delete_subnet".into(), Duration::from_millis(100));
    model.rate_limits.insert(
        "ec2".into(),
        RateLimit {
            per_second: 2.0,
            burst: 2,
        },
    );
    let sim = Simulator::scenario("fresh").unwrap().with_latency(model);
    let subnets = sim.account().regions[HOME].services.vpcs.known().unwrap()[0]
        .subnets
        .clone();
    let outputs = Outputs::default();
    let actions: Vec<Action> = subnets
        .iter()
        .take(4)
        .map(|s| {
            Action::DeleteSubnet(ec2::DeleteSubnet {
                subnet_id: s.subnet_id.clone(),
            })
        })
        .collect();
    let calls = actions.iter().enumerate().map(|(i, a)| {
        let sim = &sim;
        let outputs = &outputs;
        async move {
            sim.execute(&HOME.into(), &format!("d{i}"), a, outputs)
                .await
                .unwrap();
            sim.elapsed()
        }
    });
    let done: Vec<Duration> = futures::future::join_all(calls).await;
    let ms: Vec<u128> = done.iter().map(Duration::as_millis).collect();
    // Two go at once, then one every 500 ms.
    assert_eq!(ms, vec![100, 100, 600, 1100]);
    // Another region has its own bucket.
    let t = sim.elapsed();
    let eu_subnet = sim.account().regions["eu-west-1"]
        .services
        .vpcs
        .known()
        .unwrap()[0]
        .subnets[0]
        .subnet_id
        .clone();
    sim.execute(
        &"eu-west-1".into(),
        "eu",
        &Action::DeleteSubnet(ec2::DeleteSubnet {
            subnet_id: eu_subnet,
        }),
        &outputs,
    )
    .await
    .unwrap();
    assert_eq!(sim.elapsed() - t, Duration::from_millis(100));
}

#[test]
fn every_action_has_a_latency_and_an_iam_action() {
    let model = LatencyModel::aws_like();
    assert_eq!(
        model.writes.len(),
        ActionKind::all().count(),
        "one latency per action"
    );
    for kind in ActionKind::all() {
        let name = kind.name();
        assert!(model.writes.contains_key(name), "{name} has no latency");
        let iam = kind.iam_action();
        let (prefix, op) = iam.split_once(':').unwrap();
        assert!(
            !prefix.is_empty() && op.chars().next().unwrap().is_ascii_uppercase(),
            "{iam}"
        );
        assert!(
            model.rate_limits.contains_key(kind.facts().service),
            "{name}"
        );
    }
}
