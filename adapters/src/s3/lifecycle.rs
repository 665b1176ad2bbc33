//! Lifecycle rules as the snapshot keeps them (the JSON of the S3 API: `ID`, `Status`,
//! `Filter`, `Expiration`, …) and back: the read side writes each rule with
//! [`lifecycle_rule_json`], `put_bucket_lifecycle_configuration` sends it again with
//! [`lifecycle_rule`], field for field, so a customer's rule merged by the planner is never
//! lost or changed.

use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleAndOperator, LifecycleRuleFilter, NoncurrentVersionExpiration,
    NoncurrentVersionTransition, Tag, Transition, TransitionStorageClass,
};
use secure_account_core::AwsError;
use serde_json::{Map, Value, json};

use crate::execute::invalid;

/// A lifecycle rule as the JSON of the S3 API (`ID`, `Status`, `Filter`, `Expiration`,
/// …), the shape the planner writes.
pub fn lifecycle_rule_json(r: &LifecycleRule) -> Value {
    let mut m = Map::new();
    if let Some(id) = r.id() {
        m.insert("ID".into(), json!(id));
    }
    m.insert("Status".into(), json!(r.status().as_str()));
    // The rule-level `Prefix` is deprecated in favour of `Filter`, but old rules still
    // carry it.
    #[allow(deprecated)]
    if let Some(prefix) = r.prefix() {
        m.insert("Prefix".into(), json!(prefix));
    }
    if let Some(f) = r.filter() {
        let mut filter = Map::new();
        if let Some(p) = f.prefix() {
            filter.insert("Prefix".into(), json!(p));
        }
        if let Some(t) = f.tag() {
            filter.insert("Tag".into(), json!({"Key": t.key(), "Value": t.value()}));
        }
        if let Some(n) = f.object_size_greater_than() {
            filter.insert("ObjectSizeGreaterThan".into(), json!(n));
        }
        if let Some(n) = f.object_size_less_than() {
            filter.insert("ObjectSizeLessThan".into(), json!(n));
        }
        if let Some(and) = f.and() {
            let mut a = Map::new();
            if let Some(p) = and.prefix() {
                a.insert("Prefix".into(), json!(p));
            }
            let tags: Vec<Value> = and
                .tags()
                .iter()
                .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                .collect();
            if !tags.is_empty() {
                a.insert("Tags".into(), Value::Array(tags));
            }
            if let Some(n) = and.object_size_greater_than() {
                a.insert("ObjectSizeGreaterThan".into(), json!(n));
            }
            if let Some(n) = and.object_size_less_than() {
                a.insert("ObjectSizeLessThan".into(), json!(n));
            }
            filter.insert("And".into(), Value::Object(a));
        }
        m.insert("Filter".into(), Value::Object(filter));
    }
    if let Some(e) = r.expiration() {
        let mut x = Map::new();
        if let Some(d) = e.days() {
            x.insert("Days".into(), json!(d));
        }
        if let Some(d) = e.date() {
            x.insert("Date".into(), json!(date_text(d)));
        }
        if let Some(b) = e.expired_object_delete_marker() {
            x.insert("ExpiredObjectDeleteMarker".into(), json!(b));
        }
        m.insert("Expiration".into(), Value::Object(x));
    }
    let transitions: Vec<Value> = r
        .transitions()
        .iter()
        .map(|t| {
            let mut x = json!({
                "Days": t.days(),
                "StorageClass": t.storage_class().map(|c| c.as_str()),
            });
            if let Some(d) = t.date() {
                x["Date"] = json!(date_text(d));
            }
            x
        })
        .collect();
    if !transitions.is_empty() {
        m.insert("Transitions".into(), Value::Array(transitions));
    }
    if let Some(n) = r.noncurrent_version_expiration() {
        let mut x = Map::new();
        if let Some(d) = n.noncurrent_days() {
            x.insert("NoncurrentDays".into(), json!(d));
        }
        if let Some(v) = n.newer_noncurrent_versions() {
            x.insert("NewerNoncurrentVersions".into(), json!(v));
        }
        m.insert("NoncurrentVersionExpiration".into(), Value::Object(x));
    }
    let nc_transitions: Vec<Value> = r
        .noncurrent_version_transitions()
        .iter()
        .map(|t| {
            let mut x = json!({
                "NoncurrentDays": t.noncurrent_days(),
                "StorageClass": t.storage_class().map(|c| c.as_str()),
            });
            if let Some(n) = t.newer_noncurrent_versions() {
                x["NewerNoncurrentVersions"] = json!(n);
            }
            x
        })
        .collect();
    if !nc_transitions.is_empty() {
        m.insert(
            "NoncurrentVersionTransitions".into(),
            Value::Array(nc_transitions),
        );
    }
    if let Some(a) = r.abort_incomplete_multipart_upload() {
        m.insert(
            "AbortIncompleteMultipartUpload".into(),
            json!({"DaysAfterInitiation": a.days_after_initiation()}),
        );
    }
    Value::Object(m)
}

/// A date as the write side parses it (`DateTimeFormat::DateTime`, RFC 3339); a date out
/// of that format's range falls back to the SDK's own text (epoch seconds).
fn date_text(d: &DateTime) -> String {
    d.fmt(DateTimeFormat::DateTime)
        .unwrap_or_else(|_| d.to_string())
}

/// One lifecycle rule from its JSON (S3's own field names, as the reads write it:
/// [`lifecycle_rule_json`]). Every field is taken or the rule is refused.
pub fn lifecycle_rule(id: &str, text: &str) -> Result<LifecycleRule, AwsError> {
    let bad = |why: String| invalid(format!("lifecycle rule `{id}` cannot be written: {why}"));
    let v: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let m = v.as_object().ok_or_else(|| bad("not an object".into()))?;
    let mut rule = LifecycleRule::builder();
    for (key, value) in m {
        rule = match key.as_str() {
            "ID" => rule.id(string(value).map_err(&bad)?),
            "Status" => rule.status(ExpirationStatus::from(string(value).map_err(&bad)?)),
            #[allow(deprecated)]
            "Prefix" => rule.prefix(string(value).map_err(&bad)?),
            "Filter" => rule.filter(filter(value).map_err(&bad)?),
            "Expiration" => {
                let x = object(value).map_err(&bad)?;
                let mut e = LifecycleExpiration::builder();
                for (k, v) in x {
                    e = match k.as_str() {
                        "Days" => e.days(int(v).map_err(&bad)?),
                        "Date" => e.date(date(v).map_err(&bad)?),
                        "ExpiredObjectDeleteMarker" => {
                            e.expired_object_delete_marker(boolean(v).map_err(&bad)?)
                        }
                        other => return Err(bad(format!("unknown field `Expiration.{other}`"))),
                    };
                }
                rule.expiration(e.build())
            }
            "Transitions" => {
                for t in array(value).map_err(&bad)? {
                    let mut b = Transition::builder();
                    for (k, v) in object(t).map_err(&bad)? {
                        b = match k.as_str() {
                            "Days" if v.is_null() => b,
                            "Days" => b.days(int(v).map_err(&bad)?),
                            "Date" if v.is_null() => b,
                            "Date" => b.date(date(v).map_err(&bad)?),
                            "StorageClass" => b.storage_class(TransitionStorageClass::from(
                                string(v).map_err(&bad)?,
                            )),
                            other => {
                                return Err(bad(format!("unknown field `Transitions.{other}`")));
                            }
                        };
                    }
                    rule = rule.transitions(b.build());
                }
                rule
            }
            "NoncurrentVersionExpiration" => {
                let mut e = NoncurrentVersionExpiration::builder();
                for (k, v) in object(value).map_err(&bad)? {
                    e = match k.as_str() {
                        "NoncurrentDays" => e.noncurrent_days(int(v).map_err(&bad)?),
                        "NewerNoncurrentVersions" => {
                            e.newer_noncurrent_versions(int(v).map_err(&bad)?)
                        }
                        other => {
                            return Err(bad(format!(
                                "unknown field `NoncurrentVersionExpiration.{other}`"
                            )));
                        }
                    };
                }
                rule.noncurrent_version_expiration(e.build())
            }
            "NoncurrentVersionTransitions" => {
                for t in array(value).map_err(&bad)? {
                    let mut b = NoncurrentVersionTransition::builder();
                    for (k, v) in object(t).map_err(&bad)? {
                        b = match k.as_str() {
                            "NoncurrentDays" if v.is_null() => b,
                            "NoncurrentDays" => b.noncurrent_days(int(v).map_err(&bad)?),
                            "NewerNoncurrentVersions" => {
                                b.newer_noncurrent_versions(int(v).map_err(&bad)?)
                            }
                            "StorageClass" => b.storage_class(TransitionStorageClass::from(
                                string(v).map_err(&bad)?,
                            )),
                            other => {
                                return Err(bad(format!(
                                    "unknown field `NoncurrentVersionTransitions.{other}`"
                                )));
                            }
                        };
                    }
                    rule = rule.noncurrent_version_transitions(b.build());
                }
                rule
            }
            "AbortIncompleteMultipartUpload" => {
                let mut a = AbortIncompleteMultipartUpload::builder();
                for (k, v) in object(value).map_err(&bad)? {
                    a = match k.as_str() {
                        "DaysAfterInitiation" => a.days_after_initiation(int(v).map_err(&bad)?),
                        other => {
                            return Err(bad(format!(
                                "unknown field `AbortIncompleteMultipartUpload.{other}`"
                            )));
                        }
                    };
                }
                rule.abort_incomplete_multipart_upload(a.build())
            }
            other => return Err(bad(format!("unknown field `{other}`"))),
        };
    }
    if !m.contains_key("ID") {
        rule = rule.id(id);
    }
    rule.build().map_err(|e| bad(e.to_string()))
}

fn filter(value: &Value) -> Result<LifecycleRuleFilter, String> {
    let mut f = LifecycleRuleFilter::builder();
    for (k, v) in object(value)? {
        f = match k.as_str() {
            "Prefix" => f.prefix(string(v)?),
            "Tag" => f.tag(tag(v)?),
            "ObjectSizeGreaterThan" => f.object_size_greater_than(long(v)?),
            "ObjectSizeLessThan" => f.object_size_less_than(long(v)?),
            "And" => {
                let mut a = LifecycleRuleAndOperator::builder();
                for (k, v) in object(v)? {
                    a = match k.as_str() {
                        "Prefix" => a.prefix(string(v)?),
                        "Tags" => {
                            for t in array(v)? {
                                a = a.tags(tag(t)?);
                            }
                            a
                        }
                        "ObjectSizeGreaterThan" => a.object_size_greater_than(long(v)?),
                        "ObjectSizeLessThan" => a.object_size_less_than(long(v)?),
                        other => return Err(format!("unknown field `Filter.And.{other}`")),
                    };
                }
                f.and(a.build())
            }
            other => return Err(format!("unknown field `Filter.{other}`")),
        };
    }
    Ok(f.build())
}

fn tag(v: &Value) -> Result<Tag, String> {
    let m = object(v)?;
    let get = |k: &str| {
        m.get(k)
            .ok_or_else(|| format!("a tag without `{k}`"))
            .and_then(string)
    };
    Tag::builder()
        .key(get("Key")?)
        .value(get("Value")?)
        .build()
        .map_err(|e| e.to_string())
}

fn object(v: &Value) -> Result<&Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("`{v}` is not an object"))
}

fn array(v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array().ok_or_else(|| format!("`{v}` is not a list"))
}

fn string(v: &Value) -> Result<&str, String> {
    v.as_str().ok_or_else(|| format!("`{v}` is not a string"))
}

fn boolean(v: &Value) -> Result<bool, String> {
    v.as_bool()
        .ok_or_else(|| format!("`{v}` is not true or false"))
}

fn long(v: &Value) -> Result<i64, String> {
    v.as_i64().ok_or_else(|| format!("`{v}` is not an integer"))
}

fn int(v: &Value) -> Result<i32, String> {
    long(v).and_then(|n| i32::try_from(n).map_err(|_| format!("{n} is out of range")))
}

fn date(v: &Value) -> Result<DateTime, String> {
    DateTime::from_str(string(v)?, DateTimeFormat::DateTime).map_err(|e| e.to_string())
}
