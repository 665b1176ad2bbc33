//! IAM-style policy documents (bucket, key and trust policies) as JSON: just enough of the
//! policy language to judge them (statements, principals, actions and resources with
//! wildcards, the conditions that restrict a public principal to known callers), and to
//! merge the baseline's statements into a policy without losing anyone else's.
//!
//! The simulator keeps its own, independent reading of policies (it plays AWS): a mistake
//! here then shows up as a disagreement in the full-flow tests instead of cancelling out.

use serde_json::{Value, json};

/// A JSON document as text: compact, with the keys of every object sorted.
///
/// Every document the planner writes goes through here, never through `Value`'s own
/// `to_string`: that keeps keys in insertion order when some crate of the build turns on
/// serde_json's `preserve_order` (the AWS SDK's test utilities do, so `cargo test
/// --workspace` has it on and a plain build has it off), and a plan must not depend on
/// which crates were built alongside `core`.
pub fn to_text(value: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(&map[k], out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            scalar @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => {
                out.push_str(&scalar.to_string())
            }
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// A parsed policy document; `None` when the text is not a JSON object.
pub fn parse(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(Value::is_object)
}

/// The statements of a policy (`Statement` may be one object or an array).
pub fn statements(policy: &Value) -> Vec<&Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    }
}

/// A string or an array of strings, as the policy language allows almost everywhere.
pub fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

pub fn effect_is(statement: &Value, effect: &str) -> bool {
    statement
        .get("Effect")
        .and_then(Value::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case(effect))
}

/// The AWS principals of a statement (`"*"` stands for everyone); service principals are
/// not AWS principals. `NotPrincipal` is read as everyone.
pub fn aws_principals(statement: &Value) -> Vec<&str> {
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
pub fn principal_is_public(statement: &Value) -> bool {
    aws_principals(statement)
        .iter()
        .any(|p| p.contains('*') || p.contains('?'))
}

/// The statement's actions cover `action` (`Action` patterns with `*` and `?`, matched
/// case-insensitively; a `NotAction` statement is read as covering everything).
pub fn covers_action(statement: &Value, action: &str) -> bool {
    if statement.get("NotAction").is_some() {
        return true;
    }
    strings(statement.get("Action"))
        .iter()
        .any(|pattern| wildcard_match(pattern, action))
}

/// The statement's resources cover `arn` (`NotResource` is read as covering everything).
pub fn covers_resource(statement: &Value, arn: &str) -> bool {
    if statement.get("NotResource").is_some() {
        return true;
    }
    strings(statement.get("Resource"))
        .iter()
        .any(|pattern| wildcard_match(pattern, arn))
}

/// Case-insensitive match with `*` (any run) and `?` (one character).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
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
pub fn condition_restricts(statement: &Value) -> bool {
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
pub fn allows_public(statement: &Value) -> bool {
    effect_is(statement, "Allow")
        && principal_is_public(statement)
        && !condition_restricts(statement)
}

/// Why a policy could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the existing policy is not valid JSON: {0}")]
pub struct UnreadablePolicy(pub String);

/// Merges `ours` into an existing policy: every existing statement is kept, in its place.
/// A statement of ours already there (same content, under its `Sid` or one of its
/// alternates) is left as is; otherwise it is added. A statement under our `Sid` whose
/// content differs is the customer's (a stricter condition, say): it is kept, and ours goes
/// in under the first free alternate `Sid` (`<Sid>2`, `<Sid>3`, …). Returns the merged
/// policy as compact JSON, and whether it differs from the existing one.
pub fn merge(existing: Option<&str>, ours: &[Value]) -> Result<(String, bool), UnreadablePolicy> {
    let existing_value: Option<Value> = match existing {
        None => None,
        Some(text) => {
            Some(serde_json::from_str(text).map_err(|e| UnreadablePolicy(e.to_string()))?)
        }
    };
    let mut doc = existing_value
        .clone()
        .unwrap_or_else(|| json!({"Version": "2012-10-17"}));
    let mut list: Vec<Value> = statements(&doc).into_iter().cloned().collect();
    for st in ours {
        if list.iter().any(|e| is_ours(e, st)) {
            continue;
        }
        match st.get("Sid").and_then(Value::as_str) {
            Some(sid) => {
                let used = |candidate: &str| {
                    list.iter()
                        .any(|e| e.get("Sid").and_then(Value::as_str) == Some(candidate))
                };
                let free = std::iter::once(sid.to_string())
                    .chain((2..).map(|n| format!("{sid}{n}")))
                    .find(|c| !used(c))
                    .unwrap_or_else(|| unreachable!("the candidates never end"));
                let mut st = st.clone();
                if let Some(obj) = st.as_object_mut() {
                    obj.insert("Sid".into(), Value::String(free));
                }
                list.push(st);
            }
            None => list.push(st.clone()),
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("Statement".into(), Value::Array(list));
        obj.entry("Version").or_insert_with(|| json!("2012-10-17"));
    }
    let changed = existing_value.as_ref() != Some(&doc);
    Ok((to_text(&doc), changed))
}

/// `existing` is our statement `ours`: the same content, under `ours`' `Sid` or one of its
/// alternates (`<Sid>2`, `<Sid>3`, …).
fn is_ours(existing: &Value, ours: &Value) -> bool {
    let (Some(e), Some(o)) = (existing.as_object(), ours.as_object()) else {
        return existing == ours;
    };
    let sid_ok = match (
        e.get("Sid").and_then(Value::as_str),
        o.get("Sid").and_then(Value::as_str),
    ) {
        (None, None) => true,
        (Some(es), Some(os)) => {
            es == os
                || es
                    .strip_prefix(os)
                    .is_some_and(|n| !n.starts_with('0') && n.parse::<u32>().is_ok_and(|n| n >= 2))
        }
        (None, Some(_)) | (Some(_), None) => false,
    };
    sid_ok && e.len() == o.len() && e.iter().all(|(k, v)| k == "Sid" || o.get(k) == Some(v))
}

/// Whether every statement of `ours` is in the policy text (by content, under its `Sid` or
/// an alternate [`merge`] gave it).
pub fn contains_all(existing: Option<&str>, ours: &[Value]) -> bool {
    let Some(text) = existing else {
        return ours.is_empty();
    };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let have = statements(&doc);
    ours.iter().all(|o| have.iter().any(|e| is_ours(e, o)))
}

#[cfg(test)]
mod tests {

    #[test]
    fn documents_are_written_with_sorted_keys_whatever_the_map_order() {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Sid": "b", "Effect": "Allow", "Action": ["s3:b", "s3:a"]}], "Id": "x\"y"});
        assert_eq!(
            to_text(&doc),
            r#"{"Id":"x\"y","Statement":[{"Action":["s3:b","s3:a"],"Effect":"Allow","Sid":"b"}],"Version":"2012-10-17"}"#
        );
        assert_eq!(serde_json::from_str::<Value>(&to_text(&doc)).unwrap(), doc);
    }

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

    #[test]
    fn merge_keeps_foreign_statements_and_adds_ours() {
        let existing = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow"},{"Sid":"Ours","Effect":"Deny"}]}"#;
        let ours = vec![
            json!({"Sid":"Ours","Effect":"Deny"}),
            json!({"Sid":"New","Effect":"Allow"}),
        ];
        let (merged, changed) = merge(Some(existing), &ours).unwrap();
        assert!(changed);
        let v: Value = serde_json::from_str(&merged).unwrap();
        let sids: Vec<_> = statements(&v)
            .iter()
            .map(|s| s["Sid"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(sids, ["Theirs", "Ours", "New"]);
        assert!(contains_all(Some(&merged), &ours));
        let (again, changed) = merge(Some(&merged), &ours).unwrap();
        assert!(!changed);
        assert_eq!(again, merged);
    }

    /// Issue 8, item 4: a statement under our Sid whose content differs is the customer's
    /// (here a stricter condition): it is kept, ours goes in beside it under a Sid of its
    /// own, and a second merge changes nothing.
    #[test]
    fn a_customer_statement_under_our_sid_is_kept() {
        let theirs = json!({"Sid":"Ours","Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":"false"}},"Stricter":true});
        let existing = json!({"Version":"2012-10-17","Statement":[theirs.clone()]}).to_string();
        let ours = vec![json!({"Sid":"Ours","Effect":"Deny"})];
        let (merged, changed) = merge(Some(&existing), &ours).unwrap();
        assert!(changed);
        let v: Value = serde_json::from_str(&merged).unwrap();
        let all = statements(&v);
        assert_eq!(all.len(), 2, "{merged}");
        assert_eq!(all[0], &theirs, "theirs kept, in its place");
        let sid = all[1]["Sid"].as_str().unwrap();
        assert_ne!(sid, "Ours");
        assert!(sid.starts_with("Ours"), "{sid}");
        // Ours is there (under its own Sid): a new plan sees the policy as converged.
        assert!(contains_all(Some(&merged), &ours), "{merged}");
        let (again, changed) = merge(Some(&merged), &ours).unwrap();
        assert!(!changed, "{again}");
        // Sids are unique in the result.
        let sids: std::collections::BTreeSet<_> =
            all.iter().map(|s| s["Sid"].as_str().unwrap()).collect();
        assert_eq!(sids.len(), all.len());
    }

    #[test]
    fn merge_refuses_garbage() {
        assert!(merge(Some("{nope"), &[]).is_err());
    }
}
