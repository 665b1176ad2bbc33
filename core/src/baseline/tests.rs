//! Tests of baseline files: defaults, `extends`, merging, errors with their lines.

use super::*;

#[test]
fn empty_file_is_fsbp() {
    assert_eq!(Baseline::from_toml("").unwrap(), Baseline::fsbp());
}

#[test]
fn file_overrides_defaults_and_keeps_the_rest() {
    let b = Baseline::from_toml(
        "home_region = \"eu-west-1\"\n[password_policy]\nminimum_password_length = 20\n",
    )
    .unwrap();
    assert_eq!(b.home_region, "eu-west-1");
    assert_eq!(b.password_policy.minimum_password_length, 20);
    assert_eq!(b.password_policy.password_reuse_prevention, 24);
    assert_eq!(b.names, Names::default());
}

/// Issue 20: `[[exceptions]]` accept a failure with a reason, an owner and a last day
/// (as a string or a TOML date); a bad day or a missing owner names its key; an unknown
/// control names the closest one; the day the baseline is applied on is not in the file.
#[test]
fn exceptions_are_read_and_checked() {
    let b = Baseline::from_toml(
        "[[exceptions]]\ncontrol = \"S3.8\"\nresource = \"arn:aws:s3:::public-site\"\n\
         reason = \"public website\"\nowner = \"web-team\"\nuntil = \"2027-06-30\"\n\n\
         [[exceptions]]\ncontrol = \"EC2.10\"\nreason = \"no endpoints\"\n\
         owner = \"net\"\nuntil = 2026-01-31\n",
    )
    .unwrap();
    assert_eq!(b.exceptions.len(), 2);
    assert_eq!(b.exceptions[1].until, "2026-01-31");
    assert_eq!(b.exceptions[1].resource, None);
    let site = "arn:aws:s3:::public-site";
    assert!(b.accepted("S3.8", site).is_some());
    let mut later = b.clone();
    later.as_of = Some("2027-07-01".into());
    assert!(later.accepted("S3.8", site).is_none());
    assert_eq!(later.content_hash(), b.content_hash());
    assert_eq!(Baseline::from_toml(&b.to_toml()).unwrap(), b);
    let err = Baseline::from_toml(
        "[[exceptions]]\ncontrol = \"S3.8\"\nreason = \"r\"\nowner = \"o\"\nuntil = \"soon\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("exceptions[0].until"), "{err}");
    let err = Baseline::from_toml(
        "[[exceptions]]\ncontrol = \"S3.8\"\nreason = \"r\"\nuntil = \"2027-01-01\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("owner"), "{err}");
    let mut bad = Baseline::fsbp();
    bad.exceptions = b.exceptions.clone();
    bad.exceptions[0].control = "S3.88".into();
    let err = bad
        .validate(Catalog::builtin(), &["us-east-1".to_string()].into())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("exceptions[0].control") && err.contains("S3.8"),
        "{err}"
    );
}

#[test]
fn an_unknown_key_after_extends_is_reported_on_its_own_line() {
    let text = "extends = \"fsbp\"\n\n[names]\nlog_bucket = \"x-logs\"\nbogus_key = 1\n";
    match Baseline::from_toml(text) {
        Err(BaselineError::Parse { line, column, .. }) => assert_eq!((line, column), (5, 1)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn extends_seed() {
    let b = Baseline::from_toml("extends = \"seed-2024-08\"\nname = \"mine\"\n").unwrap();
    assert_eq!(b.name, "mine");
    assert!(!b.features.macie);
}

#[test]
fn unknown_key_names_its_line() {
    let err = Baseline::from_toml("name = \"x\"\n\n[features]\nmacy = true\n").unwrap_err();
    match err {
        BaselineError::Parse { line, message, .. } => {
            assert_eq!(line, 4, "{message}");
            assert!(message.contains("macy"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn audit_logs_that_expire_within_days_are_refused_with_the_reason() {
    let err = Baseline::from_toml("log_expiration_days = 1\n").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("log_expiration_days"), "{text}");
    assert!(text.contains("audit logs"), "{text}");
    assert!(Baseline::from_toml("log_expiration_days = 90\n").is_ok());
}

#[test]
fn the_content_hash_ignores_regions_and_sees_everything_else() {
    let a = Baseline::fsbp();
    let mut b = a.clone();
    b.home_region = "eu-west-1".into();
    b.regions.include = vec!["eu-west-1".into()];
    assert_eq!(a.content_hash(), b.content_hash());
    b.names.trail = "other".into();
    assert_ne!(a.content_hash(), b.content_hash());
    assert_ne!(a.content_hash(), Baseline::seed_2024_08().content_hash());
}

#[test]
fn wrong_type_names_its_line() {
    let err = Baseline::from_toml("\n[password_policy]\nminimum_password_length = \"long\"\n")
        .unwrap_err();
    assert!(matches!(err, BaselineError::Parse { line: 3, .. }), "{err}");
}

#[test]
fn bad_values_are_refused() {
    let err = Baseline::from_toml("log_retention_days = 100\n").unwrap_err();
    assert!(err.to_string().contains("log_retention_days"), "{err}");
    let err = Baseline::from_toml("trusted_principals = [\"12\"]\n").unwrap_err();
    assert!(err.to_string().contains("12-digit"), "{err}");
}

#[test]
fn closest_suggests() {
    assert_eq!(
        closest("us-est-1", ["us-east-1", "eu-west-1"]),
        Some("us-east-1".into())
    );
    assert_eq!(closest("zzzzzz", ["us-east-1"]), None);
}

#[test]
fn round_trips_through_toml() {
    let b = Baseline::seed_2024_08();
    assert_eq!(Baseline::from_toml(&b.to_toml()).unwrap(), b);
}

/// Issue 7, item 7: an archive rule's criterion takes at most 20 values; a baseline
/// with more trusted principals is refused with the reason, not sent to fail at AWS.
#[test]
fn more_trusted_principals_than_a_criterion_takes_are_refused() {
    let list: Vec<String> = (0..21).map(|i| format!("\"{:012}\"", i)).collect();
    let err = Baseline::from_toml(&format!("trusted_principals = [{}]\n", list.join(", ")))
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 20 values"), "{err}");
    let ok: Vec<String> = (0..20).map(|i| format!("\"{:012}\"", i)).collect();
    assert!(Baseline::from_toml(&format!("trusted_principals = [{}]\n", ok.join(", "))).is_ok());
}

/// Snapshots of earlier versions wrote a criterion as its `eq` list.
#[test]
fn an_archive_criterion_reads_the_api_object_or_a_plain_list() {
    use crate::snapshot::Criterion;
    let old: Criterion = serde_json::from_str(r#"["111122223333"]"#).unwrap();
    assert_eq!(old, Criterion::eq(vec!["111122223333".into()]));
    let new: Criterion = serde_json::from_str(r#"{"neq": ["1"], "exists": true}"#).unwrap();
    assert_eq!(new.neq.as_deref(), Some(&["1".to_string()][..]));
    assert_eq!(
        serde_json::to_string(&new).unwrap(),
        r#"{"neq":["1"],"exists":true}"#
    );
}
