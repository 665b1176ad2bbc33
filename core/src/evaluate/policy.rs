//! Just enough of the IAM policy language to judge bucket and key policies: statements,
//! principals, actions and resources with wildcards, and the conditions that restrict a
//! public principal to known callers.

use serde_json::Value;

/// A parsed policy document; `None` when the text is not a JSON object.
pub(crate) fn parse(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_object)
}

/// The statements of a policy (`Statement` may be one object or an array).
pub(crate) fn statements(policy: &Value) -> Vec<&Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    }
}

/// A string or an array of strings, as the policy language allows almost everywhere.
pub(crate) fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn effect_is(statement: &Value, effect: &str) -> bool {
    statement
        .get("Effect")
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case(effect))
}

/// The AWS principals of a statement (`"*"` stands for everyone); service principals are
/// not AWS principals. `NotPrincipal` is read as everyone.
pub(crate) fn aws_principals(statement: &Value) -> Vec<&str> {
    if statement.get("NotPrincipal").is_some() {
        return vec!["*"];
    }
    match statement.get("Principal") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Object(map)) => strings(map.get("AWS")),
        _ => Vec::new(),
    }
}

/// The statement names everyone (`"*"`, `{"AWS": "*"}` or a principal with a wildcard).
pub(crate) fn principal_is_public(statement: &Value) -> bool {
    aws_principals(statement)
        .iter()
        .any(|p| p.contains('*') || p.contains('?'))
}

/// The statement's actions cover `action` (`Action` patterns with `*` and `?`, matched
/// case-insensitively; a `NotAction` statement is read as covering everything).
pub(crate) fn covers_action(statement: &Value, action: &str) -> bool {
    if statement.get("NotAction").is_some() {
        return true;
    }
    strings(statement.get("Action"))
        .iter()
        .any(|pattern| wildcard_match(pattern, action))
}

/// The statement's resources cover `arn` (`NotResource` is read as covering everything).
pub(crate) fn covers_resource(statement: &Value, arn: &str) -> bool {
    if statement.get("NotResource").is_some() {
        return true;
    }
    strings(statement.get("Resource"))
        .iter()
        .any(|pattern| wildcard_match(pattern, arn))
}

/// Case-insensitive match with `*` (any run) and `?` (one character).
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Condition keys that tie a request to known callers (accounts, organizations, source
/// resources, networks or identities).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:username",
    "kms:calleraccount",
];

/// Whether the statement's condition restricts it to known callers: a positive operator
/// (not `Not…`, not `…IfExists`, not `ForAllValues:`) on a key of [`RESTRICTING_KEYS`]
/// whose values are all fixed: no wildcard, no policy variable, no world-wide network.
/// The AWS Config rules consider a policy non-public only when it "grants access only to
/// fixed values".
pub(crate) fn condition_restricts(statement: &Value) -> bool {
    let Some(Value::Object(operators)) = statement.get("Condition") else {
        return false;
    };
    operators.iter().any(|(operator, keys)| {
        let op = operator.to_ascii_lowercase();
        if op.contains("not") || op.ends_with("ifexists") || op.starts_with("forallvalues:") {
            return false;
        }
        let Value::Object(keys) = keys else {
            return false;
        };
        keys.iter().any(|(key, values)| {
            let values = strings(Some(values));
            RESTRICTING_KEYS.contains(&key.to_ascii_lowercase().as_str())
                && !values.is_empty()
                && values.iter().all(|v| fixed_value(v))
        })
    })
}

fn fixed_value(value: &str) -> bool {
    !value.is_empty()
        && !value.contains('*')
        && !value.contains('?')
        && !value.contains("${")
        && value != "0.0.0.0/0"
        && value != "::/0"
}

/// The statement allows everyone (a public principal without a restricting condition).
pub(crate) fn allows_public(statement: &Value) -> bool {
    effect_is(statement, "Allow")
        && principal_is_public(statement)
        && !condition_restricts(statement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcards() {
        for (pattern, text, expect) in [
            ("s3:*", "s3:GetObject", true),
            ("s3:Get*", "s3:GetObject", true),
            ("s3:get*", "S3:GETOBJECT", true),
            ("s3:Put*", "s3:GetObject", false),
            ("*", "kms:Decrypt", true),
            ("s3:GetObjec?", "s3:GetObject", true),
            ("arn:aws:s3:::b/*", "arn:aws:s3:::b", false),
            ("arn:aws:s3:::b*", "arn:aws:s3:::b/*", true),
            ("", "x", false),
        ] {
            assert_eq!(wildcard_match(pattern, text), expect, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn public_principals_and_conditions() {
        let check = |statement: Value, expect: bool| {
            assert_eq!(allows_public(&statement), expect, "{statement}");
        };
        check(
            json!({"Effect": "Allow", "Principal": "*", "Action": "kms:*"}),
            true,
        );
        check(json!({"Effect": "Allow", "Principal": {"AWS": "*"}}), true);
        check(
            json!({"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}}),
            true,
        );
        check(json!({"Effect": "Deny", "Principal": "*"}), false);
        check(
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}),
            false,
        );
        check(
            json!({"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}}),
            false,
        );
        check(
            json!({"Effect": "Allow", "Principal": "*",
                   "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}}),
            false,
        );
        check(
            json!({"Effect": "Allow", "Principal": "*",
                   "Condition": {"StringLike": {"aws:PrincipalAccount": "*"}}}),
            true,
        );
        check(
            json!({"Effect": "Allow", "Principal": "*",
                   "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}}),
            true,
        );
        check(
            json!({"Effect": "Allow", "Principal": "*",
                   "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}),
            true,
        );
    }
}
