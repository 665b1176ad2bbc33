//! Eventual consistency: calls that depend on a resource still propagating fail with the
//! error its service gives, as many times as the fault plan says.

use super::*;

#[tokio::test(start_paused = true)]
async fn eventual_consistency_fails_dependent_calls_n_times() {
    let sim = Simulator::scenario("fresh")
        .unwrap()
        .with_faults(FaultPlan {
            consistency_lag: 2,
            ..FaultPlan::seeded(3)
        });
    let mut h = H::new(sim);
    h.ok(GLOBAL, slr_config()).await;
    for _ in 0..2 {
        h.code(HOME, put_recorder("default"), "InvalidRoleException")
            .await;
    }
    h.ok(HOME, put_recorder("default")).await;
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, ACCESS_BUCKET)),
    )
    .await;
    // Config's own code for a bucket it cannot see yet.
    h.code(HOME, put_channel(LOG_BUCKET), "NoSuchBucketException")
        .await;
    h.code(
        HOME,
        create_trail(TRAIL, LOG_BUCKET, "", false),
        "InsufficientS3BucketPolicyException",
    )
    .await;
    h.ok(HOME, put_channel(LOG_BUCKET)).await;
    h.ok(HOME, create_trail(TRAIL, LOG_BUCKET, "", false)).await;
    let key = h.ok(HOME, create_key(trail_key_policy())).await.unwrap();
    for _ in 0..2 {
        h.code(
            HOME,
            create_trail("cloudtrail", LOG_BUCKET, &key, false),
            "InsufficientEncryptionPolicyException",
        )
        .await;
    }
    // The propagation timers are part of the saved state.
    h.ok(HOME, create_bucket(ACCESS_BUCKET)).await;
    let saved = h.sim.to_state_json();
    assert!(saved.contains("\"propagating\""), "{saved}");
    let mut h2 = H::new(Simulator::from_state_json(&saved).unwrap());
    h2.code(
        HOME,
        Action::PutBucketLogging(s3::PutBucketLogging {
            bucket: ACCESS_BUCKET.into(),
            target_bucket: LOG_BUCKET.into(),
            target_prefix: "x/".into(),
        }),
        "NoSuchBucket",
    )
    .await;
}
