//! Decided exceptions (SPEC §5): a failure the owner of the account accepts, recorded in
//! the baseline file with the reason, who decided and until when.
//!
//! ```toml
//! [[exceptions]]
//! control = "S3.8"
//! resource = "arn:aws:s3:::public-site"   # or its short id; omitted: the whole control
//! reason = "public website"
//! owner = "web-team"
//! until = "2027-06-30"
//! ```
//!
//! An exception is in force up to and including its `until` day, judged on the day the
//! baseline is read on ([`super::Baseline::as_of`], which comes in as data: core reads no
//! clock). `verify` shows the failures it covers apart from the open ones, and reports it
//! once it is past its day.

use serde::{Deserialize, Deserializer, Serialize};

use super::BaselineError;
use crate::evaluate::arn;

/// One accepted failure: a control, or one resource of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The control id (`S3.8`).
    pub control: String,
    /// The resource, as its ARN (`arn:aws:s3:::public-site`) or its short id (`public-site`,
    /// `sg-0123`); without one the exception covers every resource of the control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Why the failure is accepted.
    pub reason: String,
    /// Who decided (a person or a team), to ask when it is reviewed.
    pub owner: String,
    /// The last day it is in force (`YYYY-MM-DD`; a TOML date is read too).
    #[serde(deserialize_with = "date")]
    pub until: String,
}

/// A `YYYY-MM-DD` day written as a string or as a TOML local date.
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Day {
        Text(String),
        Date(toml::value::Datetime),
    }
    Ok(match Day::deserialize(d)? {
        Day::Text(s) => s,
        Day::Date(d) => d.to_string(),
    })
}

impl Exception {
    /// Whether the exception is in force on `as_of` (`YYYY-MM-DD`): up to and including its
    /// `until` day. Without a day every exception is in force.
    pub fn in_force(&self, as_of: Option<&str>) -> bool {
        as_of.is_none_or(|today| today <= self.until.as_str())
    }

    /// Whether the exception covers `resource` (as Security Hub names it) failing `control`.
    pub fn covers(&self, control: &str, resource: &str) -> bool {
        self.control == control
            && self
                .resource
                .as_deref()
                .is_none_or(|r| arn::matches(r, resource))
    }

    /// What the exception says, for people: `public website (owner web-team, until
    /// 2027-06-30)`.
    pub fn describe(&self) -> String {
        format!(
            "{} (owner {}, until {})",
            self.reason, self.owner, self.until
        )
    }

    /// Checks what AWS and people need: a day that exists, words in the reason and the
    /// owner, a resource that is not blank.
    pub(super) fn check(&self, index: usize) -> Result<(), BaselineError> {
        let field = |name: &str| format!("exceptions[{index}].{name}");
        let invalid = |name: &str, message: String| BaselineError::Invalid {
            field: field(name),
            message,
        };
        if self.reason.trim().is_empty() {
            return Err(invalid(
                "reason",
                "an exception needs a reason: why the failure is accepted".into(),
            ));
        }
        if self.owner.trim().is_empty() {
            return Err(invalid(
                "owner",
                "an exception needs an owner: who decided, to ask when it is reviewed".into(),
            ));
        }
        if self
            .resource
            .as_deref()
            .is_some_and(|r| r.trim().is_empty())
        {
            return Err(invalid(
                "resource",
                "a blank resource; leave `resource` out to accept the whole control".into(),
            ));
        }
        if !is_day(&self.until) {
            return Err(invalid(
                "until",
                format!(
                    "`{}` is not a day as `YYYY-MM-DD` (like `2027-06-30`)",
                    self.until
                ),
            ));
        }
        Ok(())
    }
}

/// Whether `s` is a calendar day written `YYYY-MM-DD`.
pub fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exception(resource: Option<&str>) -> Exception {
        Exception {
            control: "S3.8".into(),
            resource: resource.map(str::to_string),
            reason: "public website".into(),
            owner: "web-team".into(),
            until: "2027-06-30".into(),
        }
    }

    #[test]
    fn an_exception_is_in_force_up_to_its_day() {
        let e = exception(None);
        assert!(e.in_force(None));
        assert!(e.in_force(Some("2027-06-30")));
        assert!(!e.in_force(Some("2027-07-01")));
    }

    #[test]
    fn an_exception_covers_its_control_and_resource() {
        let site = arn::bucket("public-site");
        assert!(exception(None).covers("S3.8", &site));
        assert!(exception(Some("public-site")).covers("S3.8", &site));
        assert!(exception(Some("arn:aws:s3:::public-site")).covers("S3.8", &site));
        assert!(!exception(Some("other")).covers("S3.8", &site));
        assert!(!exception(None).covers("S3.2", &site));
    }

    #[test]
    fn days_are_checked() {
        assert!(is_day("2027-06-30"));
        assert!(is_day("2028-02-29"));
        assert!(!is_day("2027-02-29"));
        assert!(!is_day("2027-13-01"));
        assert!(!is_day("27-06-30"));
        assert!(!is_day("2027/06/30"));
        let mut e = exception(None);
        e.until = "next year".into();
        assert!(
            e.check(0)
                .unwrap_err()
                .to_string()
                .contains("exceptions[0].until")
        );
        e.until = "2027-06-30".into();
        e.owner = " ".into();
        assert!(e.check(0).unwrap_err().to_string().contains("owner"));
    }
}
