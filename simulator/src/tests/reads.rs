//! Reads: how many calls a snapshot takes, and what throttled reads become.

use super::*;

#[tokio::test(start_paused = true)]
async fn throttled_reads_retry_then_become_unreadable() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            read_throttle_probability: 1.0,
            max_throttles: 5,
            ..FaultPlan::seeded(5)
        });
    // The preamble's first call (sts:GetCallerIdentity) fails its three attempts: nothing
    // can be read.
    let snap =
        secure_account_engine::read_snapshot(&sim, secure_account_engine::DEFAULT_READ_CONCURRENCY)
            .await
            .unwrap_err();
    assert!(
        matches!(snap, PortError::Aws(ref e) if e.code == "Throttling"),
        "{snap:?}"
    );
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            read_throttle_probability: 0.5,
            max_throttles: 1000,
            ..FaultPlan::seeded(5)
        });
    let snap = loop {
        if let Ok(s) = secure_account_engine::read_snapshot(
            &sim,
            secure_account_engine::DEFAULT_READ_CONCURRENCY,
        )
        .await
        {
            break s;
        }
    };
    let unreadable = snap
        .enabled_regions()
        .filter(|(_, r)| r.services.vpcs.read_error().is_some())
        .count();
    assert!(unreadable > 0);
    let e = snap
        .enabled_regions()
        .find_map(|(_, r)| r.services.vpcs.read_error())
        .unwrap();
    assert_eq!(e.code, "RequestLimitExceeded");
}

#[tokio::test(start_paused = true)]
async fn read_snapshot_counts_realistic_read_calls() {
    let sim = Simulator::scenario("fresh").unwrap();
    let snap =
        secure_account_engine::read_snapshot(&sim, secure_account_engine::DEFAULT_READ_CONCURRENCY)
            .await
            .unwrap();
    assert_eq!(snap, sim.account());
    let reads = sim.calls().read;
    assert_eq!(reads, read_calls(&sim.account()));
    // 2 preamble + 7 global parts (3 for root) + 17 regions with 16 parts (3 config, 2 kms,
    // 2 ebs, 9 vpcs, 2 athena: one workgroup, 3 ssm, 1 cloudformation: no stack).
    assert_eq!(reads, 2 + 9 + 17 * (16 + 2 + 1 + 1 + 8 + 1 + 2));
    assert_eq!(sim.calls().write, 0);
    let lived = Simulator::scenario("lived-in").unwrap();
    secure_account_engine::read_snapshot(&lived, secure_account_engine::DEFAULT_READ_CONCURRENCY)
        .await
        .unwrap();
    assert!(lived.calls().read > reads);
}
