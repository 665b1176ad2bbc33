//! The rules AWS applies to the values a baseline hands it (resource names, the security
//! contact), checked when the baseline is loaded: a value AWS would refuse with
//! `InvalidParameter` is an error naming its key before anything is read or changed, not a
//! failed action after forty others were applied.
//!
//! Sources: the API references' parameter constraints (S3 bucket naming rules;
//! CloudTrail `CreateTrail` `Name`; KMS `CreateAlias` `AliasName`; Config
//! `ConfigurationRecorder.name`, `DeliveryChannel.name`; Access Analyzer `analyzerName`,
//! `ruleName`; CloudWatch Logs `logGroupName`; IAM `RoleName`; Account
//! `PutAlternateContact` `EmailAddress`, `Name`, `PhoneNumber`, `Title`).

use super::{BaselineError, Names, SecurityContact};

/// A 12-digit account id to fill `{account_id}` with while checking a name: every account
/// id has twelve digits, so a name that fits with it fits with any.
const SAMPLE_ACCOUNT: &str = "123456789012";

fn invalid(field: &str, message: String) -> BaselineError {
    BaselineError::Invalid {
        field: field.into(),
        message,
    }
}

impl Names {
    /// Checks every name against the rules of the service that takes it.
    pub fn check(&self) -> Result<(), BaselineError> {
        let fill = |t: &str| Names::fill(t, SAMPLE_ACCOUNT);
        bucket_name("names.log_bucket", &fill(&self.log_bucket))?;
        bucket_name("names.access_log_bucket", &fill(&self.access_log_bucket))?;
        trail_name("names.trail", &fill(&self.trail))?;
        kms_alias("names.kms_alias", &fill(&self.kms_alias))?;
        plain_name("names.config_recorder", &fill(&self.config_recorder), 256)?;
        plain_name("names.delivery_channel", &fill(&self.delivery_channel), 256)?;
        analyzer_name("names.analyzer", &fill(&self.analyzer))?;
        analyzer_name("names.archive_rule", &fill(&self.archive_rule))?;
        log_group_name("names.trail_log_group", &fill(&self.trail_log_group))?;
        role_name("names.trail_logs_role", &fill(&self.trail_logs_role))?;
        stack_name("names.notification_stack", &fill(&self.notification_stack))?;
        role_name(
            "names.notification_stack_role",
            &fill(&self.notification_stack_role),
        )?;
        Ok(())
    }
}

impl SecurityContact {
    /// Checks the contact against `account:PutAlternateContact`'s constraints.
    pub fn check(&self) -> Result<(), BaselineError> {
        length("security_contact.name", &self.name, 1, 64)?;
        length("security_contact.title", &self.title, 1, 50)?;
        email("security_contact.email_address", &self.email_address)?;
        length("security_contact.phone_number", &self.phone_number, 1, 25)?;
        if !self
            .phone_number
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "()+-".contains(c))
            || !self.phone_number.chars().any(|c| c.is_ascii_digit())
        {
            return Err(invalid(
                "security_contact.phone_number",
                format!(
                    "`{}` is not a phone number (digits, spaces and `()+-` only, as \
                     `+81-3-0000-0000`)",
                    self.phone_number
                ),
            ));
        }
        Ok(())
    }
}

fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), BaselineError> {
    let n = value.chars().count();
    if n < min || n > max || value.trim().is_empty() {
        return Err(invalid(
            field,
            format!("`{value}` must be {min} to {max} characters (and not blank)"),
        ));
    }
    Ok(())
}

/// An e-mail address as AWS accepts it: `local@domain.tld`, at most 254 characters.
/// A CloudFormation stack name: a letter, then letters, digits and hyphens, at most 128
/// characters (CreateStack's `StackName`). The topic is named after it (SNS allows 256).
fn stack_name(field: &str, value: &str) -> Result<(), BaselineError> {
    let ok = value.len() <= 128
        && value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "`{value}` is not a CloudFormation stack name (a letter, then letters, digits \
                 and hyphens, at most 128 characters)"
            ),
        ))
    }
}

pub fn email(field: &str, value: &str) -> Result<(), BaselineError> {
    let bad = || {
        invalid(
            field,
            format!("`{value}` is not an e-mail address (like `security@example.com`)"),
        )
    };
    if value.len() > 254 {
        return Err(bad());
    }
    let Some((local, domain)) = value.trim().split_once('@') else {
        return Err(bad());
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=.#|!&-".contains(c));
    let (host, tld) = domain.rsplit_once('.').unwrap_or(("", ""));
    let domain_ok = !host.is_empty()
        && !tld.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
        && tld.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !domain.contains("..");
    if local_ok && domain_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// S3's general purpose bucket naming rules.
pub fn bucket_name(field: &str, name: &str) -> Result<(), BaselineError> {
    let why = if !(3..=63).contains(&name.len()) {
        Some("must be 3 to 63 characters long")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        Some("may hold only lowercase letters, digits, `.` and `-`")
    } else if !name.as_bytes()[0].is_ascii_alphanumeric()
        || !name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
    {
        Some("must begin and end with a letter or a digit")
    } else if name.contains("..") {
        Some("must not hold two adjacent periods")
    } else if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        Some("must not look like an IP address")
    } else if ["xn--", "sthree-", "amzn-s3-demo-"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        Some("must not begin with `xn--`, `sthree-` or `amzn-s3-demo-`")
    } else if ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        Some("must not end with a suffix S3 reserves (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`)")
    } else {
        None
    };
    match why {
        None => Ok(()),
        Some(why) => Err(invalid(
            field,
            format!("`{name}` is not a valid S3 bucket name: it {why}"),
        )),
    }
}

/// CloudTrail's trail names: 3 to 128 letters, digits, `.`, `_` and `-`, beginning and
/// ending with a letter or digit, without two of `._-` side by side.
fn trail_name(field: &str, name: &str) -> Result<(), BaselineError> {
    let ok = (3..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !name
            .as_bytes()
            .windows(2)
            .any(|w| b"._-".contains(&w[0]) && b"._-".contains(&w[1]));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "`{name}` is not a valid trail name: 3 to 128 letters, digits, `.`, `_` and \
                 `-`, beginning and ending with a letter or digit"
            ),
        ))
    }
}

/// KMS aliases: `alias/` and up to 250 more of letters, digits, `/`, `_` and `-`; never
/// `alias/aws/` (AWS managed keys' own).
fn kms_alias(field: &str, alias: &str) -> Result<(), BaselineError> {
    let rest = alias.strip_prefix("alias/").unwrap_or("");
    let ok = !rest.is_empty()
        && alias.len() <= 256
        && !alias.starts_with("alias/aws/")
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "`{alias}` is not a valid KMS alias: `alias/` then letters, digits, `/`, `_` \
                 and `-` (not `alias/aws/`, which AWS keeps for its own keys)"
            ),
        ))
    }
}

fn plain_name(field: &str, name: &str, max: usize) -> Result<(), BaselineError> {
    length(field, name, 1, max)
}

/// Access Analyzer's analyzer and archive rule names.
fn analyzer_name(field: &str, name: &str) -> Result<(), BaselineError> {
    let ok = (1..=255).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "`{name}` is not a valid name: a letter, then up to 254 letters, digits, `_`, \
                 `.` and `-`"
            ),
        ))
    }
}

/// CloudWatch Logs' log group names.
fn log_group_name(field: &str, name: &str) -> Result<(), BaselineError> {
    charset(field, name, 1..=512, "._-/#", || {
        format!(
            "`{name}` is not a valid log group name: 1 to 512 letters, digits, `.`, `_`, `-`, \
             `/` and `#`"
        )
    })
}

/// IAM's role names.
fn role_name(field: &str, name: &str) -> Result<(), BaselineError> {
    charset(field, name, 1..=64, "_+=,.@-", || {
        format!("`{name}` is not a valid IAM role name: 1 to 64 letters, digits and `_+=,.@-`")
    })
}

/// `name` is `len` characters long, each an ASCII letter or digit or one of `extra`; else
/// the error `why` says.
fn charset(
    field: &str,
    name: &str,
    len: std::ops::RangeInclusive<usize>,
    extra: &str,
    why: impl FnOnce() -> String,
) -> Result<(), BaselineError> {
    let ok = len.contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid(field, why()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_names_are_valid() {
        Names::default().check().unwrap();
    }

    #[test]
    fn names_aws_refuses_are_errors_naming_their_key() {
        type Break = fn(&mut Names);
        let cases: [(&str, Break); 8] = [
            ("names.log_bucket", |n| {
                n.log_bucket = "Logs_{account_id}".into()
            }),
            ("names.access_log_bucket", |n| {
                n.access_log_bucket = "a".repeat(60) + "-{account_id}"
            }),
            ("names.log_bucket", |n| n.log_bucket = "xn--logs".into()),
            ("names.trail", |n| n.trail = "my--trail".into()),
            ("names.kms_alias", |n| n.kms_alias = "alias/aws/mine".into()),
            ("names.analyzer", |n| n.analyzer = "1analyzer".into()),
            ("names.trail_log_group", |n| {
                n.trail_log_group = "a b".into()
            }),
            ("names.trail_logs_role", |n| {
                n.trail_logs_role = "r".repeat(65)
            }),
        ];
        for (field, break_it) in cases {
            let mut n = Names::default();
            break_it(&mut n);
            match n.check() {
                Err(BaselineError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn contacts_aws_refuses_are_errors() {
        let ok = SecurityContact {
            name: "Security team".into(),
            title: "Security".into(),
            email_address: "security@example.com".into(),
            phone_number: "+81-3-0000-0000".into(),
        };
        ok.check().unwrap();
        for (field, c) in [
            (
                "security_contact.email_address",
                SecurityContact {
                    email_address: "not-an-address".into(),
                    ..ok.clone()
                },
            ),
            (
                "security_contact.email_address",
                SecurityContact {
                    email_address: "a@b".into(),
                    ..ok.clone()
                },
            ),
            (
                "security_contact.phone_number",
                SecurityContact {
                    phone_number: "call me".into(),
                    ..ok.clone()
                },
            ),
            (
                "security_contact.name",
                SecurityContact {
                    name: " ".into(),
                    ..ok.clone()
                },
            ),
        ] {
            match c.check() {
                Err(BaselineError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}
