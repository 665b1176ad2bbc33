//! S3 controls: the account block public access settings (S3.1) and the general purpose
//! bucket controls (S3.2, .3, .5, .6, .8, .9, .12, .13), each evaluated in the bucket's
//! region only.

use serde_json::Value;

use crate::snapshot::{Bucket, PublicAccessBlock};

use super::{Check, Ctx, Findings, arn};
use crate::policy;

/// S3.6: the actions no other account may be allowed (`blacklistedactionpatterns` of
/// `s3-bucket-blacklisted-actions-prohibited`, as Security Hub sets it).
pub const S3_6_BLOCKED_ACTIONS: &[&str] = &[
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

/// Actions that read a bucket or its objects (S3.2).
const READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
];

/// Actions that write a bucket or its objects (S3.3).
const WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:RestoreObject",
    "s3:AbortMultipartUpload",
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "s3:DeleteBucket",
];

/// The region a bucket lives in, with the legacy `GetBucketLocation` answers normalised
/// (`""`/`US` is us-east-1, `EU` is eu-west-1).
fn bucket_region(bucket: &Bucket) -> &str {
    match bucket.region.as_str() {
        "" | "US" => "us-east-1",
        "EU" => "eu-west-1",
        other => other,
    }
}

/// A check run on each bucket of the region (no bucket there: `no_data`).
fn per_bucket(ctx: &Ctx<'_>, mut judge: impl FnMut(&Bucket, &mut Findings)) -> Check {
    per_bucket_at(ctx, |_, bucket, findings| judge(bucket, findings))
}

/// [`per_bucket`], with the bucket's position in the bucket list (for
/// [`Ctx::bucket_policy`]).
fn per_bucket_at(ctx: &Ctx<'_>, mut judge: impl FnMut(usize, &Bucket, &mut Findings)) -> Check {
    let Some(buckets) = ctx.global.buckets.known() else {
        return Check::NoData;
    };
    let mut findings = ctx.findings();
    for (i, bucket) in buckets
        .iter()
        .enumerate()
        .filter(|(_, b)| bucket_region(b) == ctx.region)
    {
        judge(i, bucket, &mut findings);
    }
    findings.finish()
}

/// S3.1 (`s3-account-level-public-access-blocks-periodic`, AWS::S3::Account): the account's
/// block public access settings have all four flags on ("fails if any of the settings are
/// set to false, or if any of the settings are not configured").
pub(super) fn s3_1(ctx: &Ctx<'_>, _: &str) -> Check {
    match ctx.global.account_public_access_block.known() {
        None => Check::NoData,
        Some(pab) => ctx.single(pab.is_some_and(|p| p.all()), || {
            ctx.global("account-level S3 block public access is not fully on")
        }),
    }
}

/// Whether a bucket is public for `actions` (read or write), given the effective block
/// public access settings. The ACL is judged from `public_acl`, which does not tell read
/// from write grants: a public ACL counts for both. ACLs are ignored when object ownership
/// is `BucketOwnerEnforced` (ACLs disabled).
/// `doc` is the bucket's parsed policy (`None`: no policy, or not a JSON object).
fn public_for(
    bucket: &Bucket,
    doc: Option<&Value>,
    effective: PublicAccessBlock,
    actions: &[&str],
) -> bool {
    let acl_public = bucket.public_acl
        && bucket.object_ownership.as_deref() != Some("BucketOwnerEnforced")
        && !effective.ignore_public_acls;
    let policy_public = !effective.restrict_public_buckets
        && doc.is_some_and(|doc| {
            policy::statements(doc).iter().any(|s| {
                policy::allows_public(s) && actions.iter().any(|a| policy::covers_action(s, a))
            })
        });
    acl_public || policy_public
}

/// S3.2 and S3.3: the rule is compliant when "the Block Public Access setting restricts
/// public policies [RestrictPublicBuckets] or the bucket policy does not allow public
/// read/write access" and "the Block Public Access setting restricts public ACLs
/// [IgnorePublicAcls] or the bucket ACL does not allow public read/write access". The
/// effective settings are the bucket's and the account's combined. A bucket that is public
/// on its own settings while the account settings are unreadable cannot be judged.
fn public_access(ctx: &Ctx<'_>, actions: &[&str], what: &str) -> Check {
    let account = ctx.global.account_public_access_block.known();
    per_bucket_at(ctx, |i, bucket, findings| {
        let own = bucket.public_access_block.unwrap_or_default();
        let effective = match account {
            Some(Some(acct)) => own.union(acct),
            _ => own,
        };
        let doc = ctx.bucket_policy(i).flatten();
        let public = public_for(bucket, doc, effective, actions);
        if public && account.is_none() {
            findings.unknown();
            return;
        }
        findings.test(!public, || {
            ctx.at(
                arn::bucket(&bucket.name),
                format_args!("bucket `{}` allows public {what}", bucket.name),
            )
        });
    })
}

/// S3.2 (`s3-bucket-public-read-prohibited`): no public read access (see `public_access`).
pub(super) fn s3_2(ctx: &Ctx<'_>, _: &str) -> Check {
    public_access(ctx, READ_ACTIONS, "read access")
}

/// S3.3 (`s3-bucket-public-write-prohibited`): no public write access.
pub(super) fn s3_3(ctx: &Ctx<'_>, _: &str) -> Check {
    public_access(ctx, WRITE_ACTIONS, "write access")
}

/// The statement is the TLS-only deny of S3.5: `Deny`, principal `*`, action `s3:*` (or
/// `*`), on the bucket and its objects, when `aws:SecureTransport` is `false`.
fn denies_insecure_transport(statement: &Value, bucket: &str) -> bool {
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let objects_arn = format!("arn:aws:s3:::{bucket}/*");
    let all_actions = policy::strings(statement.get("Action"))
        .iter()
        .any(|a| *a == "*" || a.eq_ignore_ascii_case("s3:*"));
    policy::effect_is(statement, "Deny")
        && policy::principal_is_public(statement)
        && all_actions
        && policy::covers_resource(statement, &bucket_arn)
        && policy::covers_resource(statement, &objects_arn)
        && secure_transport_false(statement)
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "JSON values, not a closed set of ours"
)]
fn secure_transport_false(statement: &Value) -> bool {
    let Some(Value::Object(operators)) = statement.get("Condition") else {
        return false;
    };
    operators.iter().any(|(operator, keys)| {
        let op = operator.to_ascii_lowercase();
        (op == "bool" || op == "boolifexists")
            && keys.as_object().is_some_and(|keys| {
                keys.iter().any(|(key, value)| {
                    key.eq_ignore_ascii_case("aws:SecureTransport")
                        && match value {
                            Value::Bool(b) => !b,
                            Value::String(s) => s.eq_ignore_ascii_case("false"),
                            Value::Array(items) => items.iter().any(|v| {
                                v.as_bool() == Some(false)
                                    || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
                            }),
                            _ => false,
                        }
                })
            })
    })
}

/// S3.5 (`s3-bucket-ssl-requests-only`): the bucket policy denies every request
/// (`Action: s3:*`, `Principal: *`, on the bucket and its objects) when
/// `aws:SecureTransport` is false. No policy fails.
pub(super) fn s3_5(ctx: &Ctx<'_>, _: &str) -> Check {
    per_bucket_at(ctx, |i, bucket, findings| {
        let ok = ctx.bucket_policy(i).flatten().is_some_and(|doc| {
            policy::statements(doc)
                .iter()
                .any(|s| denies_insecure_transport(s, &bucket.name))
        });
        findings.test(ok, || {
            ctx.at(
                arn::bucket(&bucket.name),
                format_args!(
                    "bucket `{}` does not deny requests without TLS (aws:SecureTransport)",
                    bucket.name
                ),
            )
        });
    })
}

/// The principal belongs to another AWS account than `account_id` (or to everyone).
fn other_account(principal: &str, account_id: &str) -> bool {
    if principal.contains('*') || principal.contains('?') {
        return true;
    }
    if principal.starts_with("arn:") {
        // arn:partition:iam::ACCOUNT:...
        principal.split(':').nth(4) != Some(account_id)
    } else {
        principal != account_id
    }
}

/// S3.6 (`s3-bucket-blacklisted-actions-prohibited`): the bucket policy does not allow a
/// principal of another account any action of [`S3_6_BLOCKED_ACTIONS`]. The rule looks at
/// the Principal element only and ignores conditions.
pub(super) fn s3_6(ctx: &Ctx<'_>, _: &str) -> Check {
    let account = ctx.account_id;
    per_bucket_at(ctx, |i, bucket, findings| {
        let ok = match ctx.bucket_policy(i) {
            // No policy.
            None => true,
            // A policy that cannot be read.
            Some(None) => {
                findings.unknown();
                return;
            }
            Some(Some(doc)) => !policy::statements(doc).iter().any(|s| {
                policy::effect_is(s, "Allow")
                    && policy::aws_principals(s)
                        .iter()
                        .any(|p| other_account(p, account))
                    && S3_6_BLOCKED_ACTIONS
                        .iter()
                        .any(|a| policy::covers_action(s, a))
            }),
        };
        findings.test(ok, || {
            ctx.at(
                arn::bucket(&bucket.name),
                format_args!(
                    "bucket `{}` policy allows another account sensitive actions",
                    bucket.name
                ),
            )
        });
    })
}

/// S3.8 (`s3-bucket-level-public-access-prohibited`): the bucket's own block public access
/// settings have all four flags on (account-level settings do not count).
pub(super) fn s3_8(ctx: &Ctx<'_>, _: &str) -> Check {
    per_bucket(ctx, |bucket, findings| {
        findings.test(bucket.public_access_block.is_some_and(|p| p.all()), || {
            ctx.at(
                arn::bucket(&bucket.name),
                format_args!(
                    "bucket `{}` block public access is not fully on",
                    bucket.name
                ),
            )
        });
    })
}

/// S3.9 (`s3-bucket-logging-enabled`): server access logging is on (a target bucket is
/// set).
pub(super) fn s3_9(ctx: &Ctx<'_>, _: &str) -> Check {
    per_bucket(ctx, |bucket, findings| {
        findings.test(
            bucket
                .logging_target
                .as_deref()
                .is_some_and(|t| !t.is_empty()),
            || {
                ctx.at(
                    arn::bucket(&bucket.name),
                    format_args!("bucket `{}` has no server access logging", bucket.name),
                )
            },
        );
    })
}

/// S3.12 (`s3-bucket-acl-prohibited`): ACLs do not manage access, i.e. ACLs are disabled
/// (object ownership `BucketOwnerEnforced`).
pub(super) fn s3_12(ctx: &Ctx<'_>, _: &str) -> Check {
    per_bucket(ctx, |bucket, findings| {
        findings.test(
            bucket.object_ownership.as_deref() == Some("BucketOwnerEnforced"),
            || {
                ctx.at(
                    arn::bucket(&bucket.name),
                    format_args!(
                        "bucket `{}` uses ACLs (ownership is not BucketOwnerEnforced)",
                        bucket.name
                    ),
                )
            },
        );
    })
}

/// S3.13 (`s3-lifecycle-policy-check`): the bucket has at least one enabled lifecycle rule
/// (`"Status": "Enabled"`; a rule whose JSON cannot be read counts as configured).
pub(super) fn s3_13(ctx: &Ctx<'_>, _: &str) -> Check {
    per_bucket(ctx, |bucket, findings| {
        let enabled =
            bucket
                .lifecycle_rules
                .values()
                .any(|rule| match serde_json::from_str::<Value>(rule) {
                    Ok(doc) => doc
                        .get("Status")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.eq_ignore_ascii_case("enabled")),
                    Err(_) => true,
                });
        findings.test(enabled, || {
            ctx.at(
                arn::bucket(&bucket.name),
                format_args!("bucket `{}` has no enabled lifecycle rule", bucket.name),
            )
        });
    })
}
