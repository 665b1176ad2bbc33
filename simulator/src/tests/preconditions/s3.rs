//! S3's preconditions and error codes.

use secure_account_core::action::{s3, s3control};

use super::*;

#[tokio::test(start_paused = true)]
async fn s3_bucket_errors() {
    let mut h = H::fresh();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    // The us-east-1 legacy answer: 200 OK for your own bucket.
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.code(
        "eu-west-1",
        create_bucket_in("eu-west-1", LOG_BUCKET),
        "BucketAlreadyOwnedByYou",
    )
    .await;
    h.ok("eu-west-1", create_bucket_in("eu-west-1", "eu-bucket-1"))
        .await;
    h.code(
        "eu-west-1",
        create_bucket_in("eu-west-1", "eu-bucket-1"),
        "BucketAlreadyOwnedByYou",
    )
    .await;
    h.code(HOME, create_bucket("Bad_Name"), "InvalidBucketName")
        .await;
    h.code(
        HOME,
        Action::PutBucketVersioning(s3::PutBucketVersioning {
            bucket: "missing-bucket".into(),
            status: VersioningStatus::Enabled,
        }),
        "NoSuchBucket",
    )
    .await;
    h.code(
        HOME,
        put_policy("missing-bucket", log_bucket_policy("missing-bucket", "x")),
        "NoSuchBucket",
    )
    .await;
    h.code(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy("other-bucket", "x")),
        "MalformedPolicy",
    )
    .await;
    // New buckets block public policies.
    let public =
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": format!("arn:aws:s3:::{LOG_BUCKET}/*")}]})
        .to_string();
    h.code(HOME, put_policy(LOG_BUCKET, public), "AccessDenied")
        .await;
    h.code(
        HOME,
        Action::PutBucketEncryption(s3::PutBucketEncryption {
            bucket: LOG_BUCKET.into(),
            sse_algorithm: "AES256".into(),
            kms_master_key_id: Some("k".into()),
        }),
        "InvalidArgument",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn s3_account_block_public_access_blocks_public_policies() {
    let mut h = H::lived_in();
    let policy = h
        .sim
        .account()
        .bucket(LIVED_IN_PUBLIC_BUCKET)
        .unwrap()
        .policy
        .clone()
        .unwrap();
    // Without any block, re-putting the public policy works.
    h.ok(HOME, put_policy(LIVED_IN_PUBLIC_BUCKET, policy.clone()))
        .await;
    h.ok(
        GLOBAL,
        Action::PutAccountPublicAccessBlock(s3control::PutAccountPublicAccessBlock {
            configuration: PublicAccessBlock::ALL,
        }),
    )
    .await;
    h.code(
        HOME,
        put_policy(LIVED_IN_PUBLIC_BUCKET, policy),
        "AccessDenied",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn s3_server_access_logging() {
    let mut h = H::fresh();
    h.ok(HOME, create_bucket(LOG_BUCKET)).await;
    h.ok(HOME, create_bucket(ACCESS_BUCKET)).await;
    let logging = |bucket: &str, target: &str| {
        Action::PutBucketLogging(s3::PutBucketLogging {
            bucket: bucket.into(),
            target_bucket: target.into(),
            target_prefix: format!("{bucket}/"),
        })
    };
    h.code(
        HOME,
        logging(LOG_BUCKET, "nope-bucket"),
        "InvalidTargetBucketForLogging",
    )
    .await;
    h.code(
        HOME,
        logging(LOG_BUCKET, ACCESS_BUCKET),
        "InvalidTargetBucketForLogging",
    )
    .await;
    h.code(
        HOME,
        logging("missing-bucket", ACCESS_BUCKET),
        "NoSuchBucket",
    )
    .await;
    h.ok(
        HOME,
        put_policy(ACCESS_BUCKET, log_bucket_policy(ACCESS_BUCKET, LOG_BUCKET)),
    )
    .await;
    h.ok(HOME, logging(LOG_BUCKET, ACCESS_BUCKET)).await;
    // The grant names its source: the access bucket may not log into itself.
    h.code(
        HOME,
        logging(ACCESS_BUCKET, ACCESS_BUCKET),
        "InvalidTargetBucketForLogging",
    )
    .await;
    // A bucket logging to itself is allowed by AWS when its policy lets it.
    h.ok(
        HOME,
        put_policy(LOG_BUCKET, log_bucket_policy(LOG_BUCKET, LOG_BUCKET)),
    )
    .await;
    h.ok(HOME, logging(LOG_BUCKET, LOG_BUCKET)).await;
    // Logs stay in the source bucket's region.
    h.ok("eu-west-1", create_bucket_in("eu-west-1", "eu-logs-123"))
        .await;
    h.ok(
        "eu-west-1",
        put_policy("eu-logs-123", log_bucket_policy("eu-logs-123", LOG_BUCKET)),
    )
    .await;
    h.code(
        HOME,
        logging(LOG_BUCKET, "eu-logs-123"),
        "CrossLocationLoggingProhibitted",
    )
    .await;
}

/// S3's CreateBucket: outside us-east-1 the location constraint must name the region; in
/// us-east-1 there must be none (S3 API reference, CreateBucketConfiguration).
#[tokio::test(start_paused = true)]
async fn create_bucket_needs_the_location_constraint_of_its_region() {
    let mut h = H::new(Simulator::scenario("fresh").unwrap());
    let with = |name: &str, constraint: Option<&str>| {
        Action::CreateBucket(s3::CreateBucket {
            bucket: name.into(),
            location_constraint: constraint.map(str::to_string),
            tags: Default::default(),
        })
    };
    h.code(
        "eu-west-1",
        with("b-1", None),
        "IllegalLocationConstraintException",
    )
    .await;
    h.code(
        "eu-west-1",
        with("b-1", Some("eu-west-2")),
        "IllegalLocationConstraintException",
    )
    .await;
    h.code(
        "us-east-1",
        with("b-2", Some("us-east-1")),
        "InvalidLocationConstraint",
    )
    .await;
    h.ok("eu-west-1", with("b-1", Some("eu-west-1"))).await;
    h.ok("us-east-1", with("b-2", None)).await;
    assert_eq!(h.sim.account().bucket("b-1").unwrap().region, "eu-west-1");
}
