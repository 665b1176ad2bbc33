//! Small helpers shared by the reads.

/// Items of one part (users, roles, buckets, trails, keys) read at once.
pub const ITEM_CONCURRENCY: usize = 8;

/// IAM returns policy documents URL-encoded (RFC 3986); anything that does not decode is
/// kept as it is.
pub fn url_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// A policy document as compact JSON (serde_json's spelling, the one the planner writes
/// with), so that a document compares equal whatever whitespace AWS kept; text that is
/// not JSON is kept as it is.
pub fn normalize_json(s: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(v) => v.to_string(),
        Err(_) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_decode_and_normalize() {
        assert_eq!(
            url_decoded("%7B%22Version%22%3A%20%222012-10-17%22%7D"),
            r#"{"Version": "2012-10-17"}"#
        );
        assert_eq!(url_decoded("%ZZ"), "%ZZ");
        assert_eq!(normalize_json("{ \"b\": [ 1,\n 2 ] }"), r#"{"b":[1,2]}"#);
        let two = normalize_json("{ \"b\": 1,\n \"a\": [ 2 ] }");
        assert!(!two.contains(' '));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&two).unwrap(),
            serde_json::json!({"a": [2], "b": 1})
        );
        assert_eq!(normalize_json("not json"), "not json");
    }
}
