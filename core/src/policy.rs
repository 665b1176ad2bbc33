//! Small helpers over IAM-style policy documents (bucket, key and trust policies) as JSON.

use serde_json::{Map, Value, json};

/// The statements of a policy document (a lone statement object counts as one).
pub fn statements(policy: &Value) -> Vec<&Map<String, Value>> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(one)) => vec![one],
        _ => vec![],
    }
}

/// A policy field that may be a string or a list of strings, as a list.
pub fn string_or_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

/// Why a policy could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the existing policy is not valid JSON: {0}")]
pub struct UnreadablePolicy(pub String);

/// Merges `ours` into an existing policy: statements of ours replace existing ones with
/// the same `Sid`; every other existing statement is kept, in its place. Returns the
/// merged policy as compact JSON, and whether it differs from the existing one.
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
    let mut list: Vec<Value> = statements(&doc)
        .into_iter()
        .cloned()
        .map(Value::Object)
        .collect();
    for st in ours {
        let sid = st.get("Sid");
        match list
            .iter_mut()
            .find(|e| sid.is_some() && e.get("Sid") == sid)
        {
            Some(slot) => *slot = st.clone(),
            None => list.push(st.clone()),
        }
    }
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("Statement".into(), Value::Array(list));
        obj.entry("Version").or_insert_with(|| json!("2012-10-17"));
    }
    let changed = existing_value.as_ref() != Some(&doc);
    Ok((doc.to_string(), changed))
}

/// Whether every statement of `ours` is in the policy text, by `Sid` and content.
pub fn contains_all(existing: Option<&str>, ours: &[Value]) -> bool {
    let Some(text) = existing else {
        return ours.is_empty();
    };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let have = statements(&doc);
    ours.iter()
        .all(|o| have.iter().any(|h| Some(*h) == o.as_object()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_foreign_statements_and_replaces_ours_by_sid() {
        let existing = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow"},{"Sid":"Ours","Effect":"Deny","Old":true}]}"#;
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

    #[test]
    fn merge_refuses_garbage() {
        assert!(merge(Some("{nope"), &[]).is_err());
    }
}
