//! A small EventBridge event-pattern matcher, following the documented semantics (Amazon
//! EventBridge User Guide, "Event patterns" and "Content filtering"), so the template's
//! rules can be checked against sample events without AWS:
//!
//! - A pattern is an object; every field it names must match (AND). Fields of the event it
//!   does not name are ignored.
//! - A leaf of the pattern is an array of alternatives (OR): exact values (strings, numbers
//!   compared as numbers, booleans, `null`) or one of the content filters `prefix`,
//!   `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or `{"prefix": …}`),
//!   `numeric` (one or two comparisons) and `exists`.
//! - An event array at any depth is flattened: the pattern matches when any of its values
//!   does (fields are matched independently, as EventBridge does, not per array element).
//! - `exists: true` matches a leaf that is present, `exists: false` one that is absent;
//!   every other filter needs the field present. `anything-but` matches when some value of
//!   the field is none of the listed ones.
//! - `"$or": [pattern, …]` at any level matches when the other fields match and at least
//!   one of the alternatives does.
//!
//! Not implemented (the template does not use them): `cidr`, `wildcard`, `suffix` inside
//! `anything-but`, and matching on a whole object with `exists`.

use serde_json::{Map, Value};

/// Whether `event` matches `pattern`.
pub fn matches(pattern: &Value, event: &Value) -> bool {
    match pattern {
        Value::Object(p) => object_matches(p, &[event]),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Array(_) => {
            false
        }
    }
}

/// The pattern's object against the event nodes at the same path.
fn object_matches(pattern: &Map<String, Value>, nodes: &[&Value]) -> bool {
    pattern.iter().all(|(key, sub)| {
        if key == "$or" {
            return match sub {
                Value::Array(alternatives) => alternatives.iter().any(|alt| match alt {
                    Value::Object(a) => object_matches(a, nodes),
                    Value::Null
                    | Value::Bool(_)
                    | Value::Number(_)
                    | Value::String(_)
                    | Value::Array(_) => false,
                }),
                Value::Null
                | Value::Bool(_)
                | Value::Number(_)
                | Value::String(_)
                | Value::Object(_) => false,
            };
        }
        let mut children = Vec::new();
        for node in nodes {
            if let Some(child) = node.get(key) {
                flatten(child, &mut children);
            }
        }
        match sub {
            Value::Object(inner) => object_matches(inner, &children),
            Value::Array(alternatives) => {
                let leaves: Vec<&Value> = children.into_iter().filter(|c| !c.is_object()).collect();
                alternatives.iter().any(|alt| leaf_matches(alt, &leaves))
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => false,
        }
    })
}

/// Arrays (at any depth) become their elements.
fn flatten<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Object(_) => {
            out.push(v)
        }
    }
}

/// One alternative of a leaf against the field's values.
fn leaf_matches(alternative: &Value, values: &[&Value]) -> bool {
    match alternative {
        Value::Object(filter) => filter_matches(filter, values),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Array(_) => {
            values.iter().any(|v| equal(alternative, v))
        }
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn filter_matches(filter: &Map<String, Value>, values: &[&Value]) -> bool {
    let Some((name, arg)) = filter.iter().next() else {
        return false;
    };
    if filter.len() != 1 {
        return false;
    }
    match name.as_str() {
        "exists" => match arg {
            Value::Bool(true) => !values.is_empty(),
            Value::Bool(false) => values.is_empty(),
            Value::Null
            | Value::Number(_)
            | Value::String(_)
            | Value::Array(_)
            | Value::Object(_) => false,
        },
        "prefix" => text_filter(arg, values, |p, v| v.starts_with(p)),
        "suffix" => text_filter(arg, values, |s, v| v.ends_with(s)),
        "equals-ignore-case" => text_filter(arg, values, |e, v| e.eq_ignore_ascii_case(v)),
        "anything-but" => values.iter().any(|v| !excluded(arg, v)),
        "numeric" => match arg {
            Value::Array(ops) => values.iter().any(|v| match v.as_f64() {
                Some(n) => numeric(ops, n),
                None => false,
            }),
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Object(_) => false,
        },
        _ => false,
    }
}

fn text_filter(arg: &Value, values: &[&Value], test: impl Fn(&str, &str) -> bool) -> bool {
    let Some(pattern) = arg.as_str() else {
        return false;
    };
    values
        .iter()
        .any(|v| v.as_str().is_some_and(|s| test(pattern, s)))
}

/// Whether `anything-but`'s argument excludes `v`.
fn excluded(arg: &Value, v: &Value) -> bool {
    match arg {
        Value::Array(items) => items.iter().any(|i| equal(i, v)),
        Value::Object(inner) => match (inner.get("prefix"), v.as_str()) {
            (Some(Value::String(p)), Some(s)) => s.starts_with(p.as_str()),
            _ => false,
        },
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => equal(arg, v),
    }
}

/// `["<", 0, ">=", 4]`-style comparisons, all of which must hold.
fn numeric(ops: &[Value], n: f64) -> bool {
    if ops.is_empty() || !ops.len().is_multiple_of(2) {
        return false;
    }
    ops.chunks(2).all(|pair| {
        let (Some(op), Some(bound)) = (pair[0].as_str(), pair[1].as_f64()) else {
            return false;
        };
        match op {
            "<" => n < bound,
            "<=" => n <= bound,
            "=" => n == bound,
            ">" => n > bound,
            ">=" => n >= bound,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::matches;

    #[test]
    fn each_filter_follows_the_documented_semantics() {
        let event = json!({
            "source": "aws.guardduty",
            "detail": {
                "severity": 4.0,
                "service": {"archived": false},
                "findings": [{"Severity": {"Label": "HIGH"}, "Types": ["TTPs/x", "Effects/y"]}],
                "empty": null
            }
        });
        let yes = |p: serde_json::Value| assert!(matches(&p, &event), "{p}");
        let no = |p: serde_json::Value| assert!(!matches(&p, &event), "{p}");
        yes(json!({"source": ["aws.guardduty", "aws.securityhub"]}));
        no(json!({"source": ["aws.securityhub"]}));
        yes(json!({"detail": {"severity": [{"numeric": [">=", 4]}]}}));
        yes(json!({"detail": {"severity": [4]}}));
        no(json!({"detail": {"severity": [{"numeric": [">", 4, "<", 9]}]}}));
        yes(json!({"detail": {"service": {"archived": [false]}}}));
        yes(json!({"detail": {"findings": {"Severity": {"Label": ["HIGH", "CRITICAL"]}}}}));
        yes(json!({"detail": {"findings": {"Types": [{"prefix": "Effects/"}]}}}));
        no(json!({"detail": {"findings": {"Types": [{"prefix": "Software"}]}}}));
        yes(json!({"detail": {"findings": {"Compliance": {"Status": [{"exists": false}]}}}}));
        no(json!({"detail": {"findings": {"Compliance": {"Status": [{"exists": true}]}}}}));
        yes(json!({"source": [{"anything-but": ["aws.securityhub"]}]}));
        no(json!({"source": [{"anything-but": {"prefix": "aws."}}]}));
        no(json!({"missing": [{"anything-but": "x"}]}));
        yes(json!({"detail": {"empty": [null]}}));
        yes(json!({"source": [{"equals-ignore-case": "AWS.GuardDuty"}]}));
        yes(json!({"detail": {"$or": [{"severity": [1]}, {"service": {"archived": [false]}}]}}));
        no(json!({"detail": {"$or": [{"severity": [1]}, {"service": {"archived": [true]}}]}}));
    }
}
