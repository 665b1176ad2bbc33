//! A small YAML document and its block-style writer: enough for a CloudFormation template,
//! in an order the template chooses (not a hasher's, nor serde_json's, whose map order
//! depends on the features a build turns on), byte for byte the same on every run.
//!
//! Strings that YAML would read as something else (a number, a boolean, `null`, text with
//! `: ` or ` #`, leading punctuation) are single-quoted; multi-line strings are literal
//! blocks (`|-`). Intrinsic functions are written in their long form (`Ref:`, `Fn::Sub:`),
//! which any YAML reader understands without CloudFormation's short tags.

use serde_json::Value;

/// A YAML node. Maps keep the order they were built in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Yaml {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// A string node.
    pub fn str(s: impl Into<String>) -> Yaml {
        Yaml::Str(s.into())
    }

    /// A map from `(key, value)` pairs, in that order.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Yaml)>) -> Yaml {
        Yaml::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list of strings.
    pub fn strs<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Yaml {
        Yaml::List(items.into_iter().map(|s| Yaml::Str(s.into())).collect())
    }

    /// `{Ref: name}`.
    pub fn reference(name: &str) -> Yaml {
        Yaml::map([("Ref", Yaml::str(name))])
    }

    /// `{Fn::Sub: text}`.
    pub fn sub(text: impl Into<String>) -> Yaml {
        Yaml::map([("Fn::Sub", Yaml::str(text))])
    }

    /// `{Fn::GetAtt: [resource, attribute]}`.
    pub fn get_att(resource: &str, attribute: &str) -> Yaml {
        Yaml::map([("Fn::GetAtt", Yaml::strs([resource, attribute]))])
    }

    /// The value under `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Yaml::Str(_) | Yaml::Int(_) | Yaml::Bool(_) | Yaml::List(_) => None,
        }
    }

    /// The same document as JSON (what CloudFormation reads a YAML template as).
    pub fn to_json(&self) -> Value {
        match self {
            Yaml::Str(s) => Value::String(s.clone()),
            Yaml::Int(i) => Value::from(*i),
            Yaml::Bool(b) => Value::Bool(*b),
            Yaml::List(items) => Value::Array(items.iter().map(Yaml::to_json).collect()),
            Yaml::Map(pairs) => Value::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A JSON value as YAML, map keys in `first` order first (those present), then sorted
    /// (operators such as `$or` last):
    /// the same text whatever map order the build's serde_json keeps.
    pub fn from_json(value: &Value, first: &[&str]) -> Yaml {
        match value {
            Value::Null => Yaml::str("null"),
            Value::Bool(b) => Yaml::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Int(i),
                None => Yaml::Str(n.to_string()),
            },
            Value::String(s) => Yaml::Str(s.clone()),
            Value::Array(items) => {
                Yaml::List(items.iter().map(|v| Yaml::from_json(v, first)).collect())
            }
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                // `$or` after the fields it is an alternative to.
                keys.sort_by_key(|k| {
                    (
                        first.iter().position(|f| f == k).unwrap_or(first.len()),
                        k.starts_with('$'),
                        k.as_str(),
                    )
                });
                Yaml::Map(
                    keys.into_iter()
                        .map(|k| (k.clone(), Yaml::from_json(&map[k], first)))
                        .collect(),
                )
            }
        }
    }

    /// The document as YAML text, ending with a newline.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match self {
            Yaml::Map(pairs) if !pairs.is_empty() => write_map(&mut out, pairs, 0),
            Yaml::List(items) if !items.is_empty() => write_list(&mut out, items, 0),
            Yaml::Str(_) | Yaml::Int(_) | Yaml::Bool(_) | Yaml::Map(_) | Yaml::List(_) => {
                out.push_str(&inline(self, 0));
                out.push('\n');
            }
        }
        out
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A map's pairs at `level` spaces, each on its own line.
fn write_map(out: &mut String, pairs: &[(String, Yaml)], level: usize) {
    for (k, v) in pairs {
        indent(out, level);
        out.push_str(&scalar(k));
        out.push(':');
        write_value(out, v, level);
    }
}

/// A list's items at `level` spaces, each after `- `.
fn write_list(out: &mut String, items: &[Yaml], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        match item {
            Yaml::Map(pairs) if !pairs.is_empty() => {
                // The first pair on the dash's line, the others under it.
                out.push(' ');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        indent(out, level + 2);
                    }
                    out.push_str(&scalar(k));
                    out.push(':');
                    write_value(out, v, level + 2);
                }
            }
            Yaml::List(inner) if !inner.is_empty() => {
                out.push('\n');
                write_list(out, inner, level + 2);
            }
            Yaml::Str(_) | Yaml::Int(_) | Yaml::Bool(_) | Yaml::Map(_) | Yaml::List(_) => {
                out.push(' ');
                out.push_str(&inline(item, level + 2));
                out.push('\n');
            }
        }
    }
}

/// What follows `key:` — a nested block on the next lines, or a scalar on the same line.
fn write_value(out: &mut String, v: &Yaml, level: usize) {
    match v {
        Yaml::Map(pairs) if !pairs.is_empty() => {
            out.push('\n');
            write_map(out, pairs, level + 2);
        }
        Yaml::List(items) if !items.is_empty() => {
            out.push('\n');
            write_list(out, items, level + 2);
        }
        Yaml::Str(_) | Yaml::Int(_) | Yaml::Bool(_) | Yaml::Map(_) | Yaml::List(_) => {
            out.push(' ');
            out.push_str(&inline(v, level + 2));
            out.push('\n');
        }
    }
}

/// A node written on one line (or a literal block starting on it).
fn inline(v: &Yaml, level: usize) -> String {
    match v {
        Yaml::Str(s) if s.contains('\n') && literal_ok(s) => {
            let mut out = String::from("|-");
            for line in s.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str(&" ".repeat(level));
                    out.push_str(line);
                }
            }
            out
        }
        Yaml::Str(s) => scalar(s),
        Yaml::Int(i) => i.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::List(_) => "[]".into(),
        Yaml::Map(_) => "{}".into(),
    }
}

/// Whether `s` can be a literal block: no line starts with a space (the indentation would
/// be misread), none ends with one, no tab, no carriage return.
fn literal_ok(s: &str) -> bool {
    !s.is_empty()
        && !s.contains(['\t', '\r'])
        && s.split('\n')
            .all(|l| !l.starts_with(' ') && !l.ends_with(' '))
}

/// A string as a plain scalar when YAML reads it back as that same string, else quoted.
fn scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else if s.contains('\n') || s.chars().any(char::is_control) {
        // Double quotes: the only style with escapes.
        serde_json::to_string(s).unwrap_or_default()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    if reserved.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Anything that looks like a number (YAML 1.1 readers take `1_000`, `0x1f`, `.5`).
    if first.is_ascii_digit()
        || ((first == '-' || first == '+' || first == '.')
            && s[1..].starts_with(|c: char| c.is_ascii_digit()))
        || s == ".inf"
        || s == ".nan"
    {
        return false;
    }
    let starts_ok = first.is_ascii_alphabetic() || first == '$' || first == '/' || first == '_';
    let chars_ok = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " _-./:@$*<>()+=,".contains(c));
    starts_ok
        && chars_ok
        && !s.ends_with(' ')
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains(" #")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_blocks_and_quotes_what_yaml_would_misread() {
        let doc = Yaml::map([
            ("AWSTemplateFormatVersion", Yaml::str("2010-09-09")),
            ("Plain", Yaml::str("aws.securityhub")),
            ("Colon", Yaml::str("a: b")),
            ("Bool", Yaml::str("true")),
            ("Number", Yaml::Int(4)),
            ("Quote", Yaml::str("it's")),
            ("Empty", Yaml::List(vec![])),
            (
                "List",
                Yaml::List(vec![
                    Yaml::map([("Sid", Yaml::str("A")), ("Effect", Yaml::str("Allow"))]),
                    Yaml::str(">="),
                ]),
            ),
            ("Block", Yaml::str("line one\n\nline <two>")),
        ]);
        assert_eq!(
            doc.to_text(),
            "AWSTemplateFormatVersion: '2010-09-09'\n\
             Plain: aws.securityhub\n\
             Colon: 'a: b'\n\
             Bool: 'true'\n\
             Number: 4\n\
             Quote: 'it''s'\n\
             Empty: []\n\
             List:\n\
             \x20 - Sid: A\n\
             \x20   Effect: Allow\n\
             \x20 - '>='\n\
             Block: |-\n\
             \x20 line one\n\
             \n\
             \x20 line <two>\n"
        );
    }

    #[test]
    fn json_keys_come_in_the_order_asked_then_sorted() {
        let v = serde_json::json!({"detail": {"b": [1], "a": ["x"]}, "source": ["s"], "detail-type": ["t"]});
        let y = Yaml::from_json(&v, &["source", "detail-type"]);
        assert_eq!(
            y.to_text(),
            "source:\n  - s\ndetail-type:\n  - t\ndetail:\n  a:\n    - x\n  b:\n    - 1\n"
        );
        assert_eq!(y.to_json(), v);
    }
}
