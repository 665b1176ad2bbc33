//! A small evaluator of IAM policy documents (bucket, key and role policies): enough to
//! decide what the services decide before they accept a trail, a delivery channel, a
//! logging target or a key policy.
//!
//! It evaluates `Effect`, `Principal`/`NotPrincipal`, `Action`/`NotAction`,
//! `Resource`/`NotResource` with `*` and `?` wildcards, and the `String*`, `Arn*`, `Bool`
//! and `Null` condition operators (with `IfExists` and the `ForAnyValue:`/`ForAllValues:`
//! prefixes) against the context keys a service sends. An explicit deny wins. Unknown
//! condition operators never match, so an allow that depends on them does not count.

use serde_json::Value;

/// Who makes the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal<'a> {
    /// A service principal, `cloudtrail.amazonaws.com`.
    Service(&'a str),
    /// An IAM principal by ARN (`arn:aws:iam::123456789012:user/op`).
    Aws(&'a str),
}

/// One request to evaluate: the principal, the action, the resource and the condition
/// context keys the service sends.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub principal: Principal<'a>,
    pub action: &'a str,
    pub resource: &'a str,
    pub context: &'a [(&'a str, &'a str)],
}

/// Parses a policy document, as the services do before storing it: JSON with a
/// `Statement` that is an object or a list of objects, each with an `Effect`.
pub fn parse(text: &str) -> Result<Value, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let statements = statements(&doc).ok_or("the policy has no Statement")?;
    for s in statements {
        match s.get("Effect").and_then(Value::as_str) {
            Some("Allow" | "Deny") => {}
            _ => return Err("a statement has no valid Effect".into()),
        }
        if s.get("Action").is_none() && s.get("NotAction").is_none() {
            return Err("a statement has no Action".into());
        }
    }
    Ok(doc)
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "JSON values, not a closed set of ours"
)]
fn statements(doc: &Value) -> Option<Vec<&Value>> {
    match doc.get("Statement")? {
        Value::Array(items) if items.iter().all(Value::is_object) => Some(items.iter().collect()),
        v @ Value::Object(_) => Some(vec![v]),
        _ => None,
    }
}

/// Whether the policy allows the request: some `Allow` statement matches and no `Deny`
/// statement does. A document that does not parse allows nothing.
pub fn allows(text: &str, request: &Request<'_>) -> bool {
    let Ok(doc) = parse(text) else {
        return false;
    };
    let Some(statements) = statements(&doc) else {
        return false;
    };
    let mut allowed = false;
    for s in statements {
        if !statement_matches(s, request) {
            continue;
        }
        match s.get("Effect").and_then(Value::as_str) {
            Some("Deny") => return false,
            Some("Allow") => allowed = true,
            _ => {}
        }
    }
    allowed
}

/// Whether any of the policies allows the request and none denies it (the inline policies
/// of a role, evaluated together).
pub fn any_allows<'p>(texts: impl IntoIterator<Item = &'p str>, request: &Request<'_>) -> bool {
    let mut allowed = false;
    for text in texts {
        let Ok(doc) = parse(text) else { continue };
        for s in statements(&doc).unwrap_or_default() {
            if !statement_matches(s, request) {
                continue;
            }
            match s.get("Effect").and_then(Value::as_str) {
                Some("Deny") => return false,
                Some("Allow") => allowed = true,
                _ => {}
            }
        }
    }
    allowed
}

/// Whether the policy grants access to everyone, as S3's block-public-policy check sees it:
/// an `Allow` to `*` that no condition on a fixed account, source or organisation narrows.
pub fn is_public(text: &str) -> bool {
    let Ok(doc) = parse(text) else {
        return false;
    };
    const NARROWING: [&str; 10] = [
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalarn",
        "aws:userid",
        "aws:principalorgpaths",
    ];
    statements(&doc).unwrap_or_default().into_iter().any(|s| {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            return false;
        }
        let everyone = match s.get("Principal") {
            Some(Value::String(p)) => p == "*",
            Some(Value::Object(m)) => m.get("AWS").is_some_and(|v| strings(v).contains(&"*")),
            _ => false,
        };
        if !everyone {
            return false;
        }
        let narrowed = s
            .get("Condition")
            .and_then(Value::as_object)
            .is_some_and(|ops| {
                ops.values().filter_map(Value::as_object).any(|keys| {
                    keys.iter().any(|(k, v)| {
                        NARROWING.contains(&k.to_ascii_lowercase().as_str())
                            && !strings(v).contains(&"*")
                    })
                })
            });
        !narrowed
    })
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "JSON values, not a closed set of ours"
)]
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        Value::Bool(true) => vec!["true"],
        Value::Bool(false) => vec!["false"],
        _ => vec![],
    }
}

fn statement_matches(s: &Value, r: &Request<'_>) -> bool {
    let principal_ok = match (s.get("Principal"), s.get("NotPrincipal")) {
        (Some(p), _) => principal_matches(p, r.principal),
        (None, Some(np)) => !principal_matches(np, r.principal),
        // An identity policy (a role's inline policy) names no principal.
        (None, None) => true,
    };
    let action_ok = match (s.get("Action"), s.get("NotAction")) {
        (Some(a), _) => strings(a)
            .iter()
            .any(|p| glob(&p.to_ascii_lowercase(), &r.action.to_ascii_lowercase())),
        (None, Some(na)) => !strings(na)
            .iter()
            .any(|p| glob(&p.to_ascii_lowercase(), &r.action.to_ascii_lowercase())),
        (None, None) => false,
    };
    let resource_ok = match (s.get("Resource"), s.get("NotResource")) {
        (Some(res), _) => strings(res).iter().any(|p| glob(p, r.resource)),
        (None, Some(nr)) => !strings(nr).iter().any(|p| glob(p, r.resource)),
        // Key policies may leave the resource out: the key itself.
        (None, None) => true,
    };
    principal_ok && action_ok && resource_ok && conditions_hold(s.get("Condition"), r.context)
}

#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "JSON values, not a closed set of ours"
)]
fn principal_matches(p: &Value, who: Principal<'_>) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(m) => match who {
            Principal::Service(name) => m
                .get("Service")
                .is_some_and(|v| strings(v).iter().any(|s| *s == name || *s == "*")),
            Principal::Aws(arn) => m.get("AWS").is_some_and(|v| {
                strings(v).iter().any(|s| {
                    *s == "*"
                        || *s == arn
                        || account_of(s)
                            .is_some_and(|acct| Some(acct) == account_of(arn) && is_root(s))
                })
            }),
        },
        _ => false,
    }
}

/// The account a principal string names: a bare 12-digit id or the fifth field of an ARN.
fn account_of(s: &str) -> Option<&str> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(s);
    }
    s.split(':').nth(4).filter(|a| !a.is_empty())
}

/// A bare account id or the account's root ARN: it stands for every principal of the
/// account (the account delegates to IAM).
fn is_root(s: &str) -> bool {
    (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())) || s.ends_with(":root")
}

fn conditions_hold(cond: Option<&Value>, context: &[(&str, &str)]) -> bool {
    let Some(cond) = cond else { return true };
    let Some(ops) = cond.as_object() else {
        return false;
    };
    ops.iter().all(|(op, keys)| {
        let Some(keys) = keys.as_object() else {
            return false;
        };
        keys.iter()
            .all(|(key, wanted)| operator_holds(op, key, &strings(wanted), context))
    })
}

fn operator_holds(op: &str, key: &str, wanted: &[&str], context: &[(&str, &str)]) -> bool {
    let op = op
        .strip_prefix("ForAnyValue:")
        .or_else(|| op.strip_prefix("ForAllValues:"))
        .unwrap_or(op);
    let (op, if_exists) = match op.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (op, false),
    };
    let actual = context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| *v);
    if op == "Null" {
        let absent = actual.is_none();
        return wanted.iter().any(|w| (*w == "true") == absent);
    }
    let Some(actual) = actual else {
        // A missing key satisfies only negated operators and `…IfExists`.
        return if_exists || op.contains("Not");
    };
    let any = |f: &dyn Fn(&str) -> bool| wanted.iter().any(|w| f(w));
    match op {
        "StringEquals" | "ArnEquals" => any(&|w| w == actual),
        "StringEqualsIgnoreCase" => any(&|w| w.eq_ignore_ascii_case(actual)),
        "StringLike" | "ArnLike" => any(&|w| glob(w, actual)),
        "StringNotEquals" | "ArnNotEquals" => !any(&|w| w == actual),
        "StringNotEqualsIgnoreCase" => !any(&|w| w.eq_ignore_ascii_case(actual)),
        "StringNotLike" | "ArnNotLike" => !any(&|w| glob(w, actual)),
        "Bool" => any(&|w| w.eq_ignore_ascii_case(actual)),
        _ => false,
    }
}

/// Matches `text` against `pattern` with `*` (any run) and `?` (one character).
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRAIL_POLICY: &str = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::logs"},
        {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::logs/AWSLogs/123456789012/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                         "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/cloudtrail"}}},
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
      ]
    }"#;

    fn put(source_arn: &str) -> bool {
        allows(
            TRAIL_POLICY,
            &Request {
                principal: Principal::Service("cloudtrail.amazonaws.com"),
                action: "s3:PutObject",
                resource: "arn:aws:s3:::logs/AWSLogs/123456789012/x",
                context: &[
                    ("aws:SourceArn", source_arn),
                    ("s3:x-amz-acl", "bucket-owner-full-control"),
                    ("aws:SecureTransport", "true"),
                ],
            },
        )
    }

    #[test]
    fn service_grant_with_conditions() {
        assert!(put(
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/cloudtrail"
        ));
        assert!(!put(
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/other"
        ));
    }

    #[test]
    fn root_principal_covers_the_account() {
        let doc = r#"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}}"#;
        let req = |arn| Request {
            principal: Principal::Aws(arn),
            action: "kms:PutKeyPolicy",
            resource: "*",
            context: &[],
        };
        assert!(allows(doc, &req("arn:aws:iam::123456789012:user/op")));
        assert!(!allows(doc, &req("arn:aws:iam::999999999999:user/op")));
    }

    #[test]
    fn public_policies() {
        assert!(is_public(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#
        ));
        assert!(!is_public(TRAIL_POLICY));
        assert!(!is_public(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]}"#
        ));
    }

    #[test]
    fn malformed_policies() {
        assert!(parse("{").is_err());
        assert!(parse(r#"{"Statement": [{"Action": "s3:*"}]}"#).is_err());
        assert!(parse(r#"{"Version": "2012-10-17"}"#).is_err());
    }

    #[test]
    fn globbing() {
        assert!(glob("s3:put*", "s3:putobject"));
        assert!(glob("arn:aws:s3:::b/*", "arn:aws:s3:::b/AWSLogs/1/x"));
        assert!(!glob("arn:aws:s3:::b", "arn:aws:s3:::b/x"));
        assert!(glob("a?c*", "abcdef"));
        assert!(glob("*", ""));
    }
}
