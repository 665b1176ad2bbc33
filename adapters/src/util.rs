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

/// A policy document as the planner writes one (compact, keys sorted:
/// `core::policy::to_text`), so that a document compares equal whatever whitespace and key
/// order AWS kept; text that is not JSON is kept as it is.
pub fn normalize_json(s: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(s) {
        Ok(v) => secure_account_core::policy::to_text(&v),
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
        assert_eq!(
            normalize_json("{ \"b\": 1,\n \"a\": [ 2, 1 ] }"),
            r#"{"a":[2,1],"b":1}"#
        );
        assert_eq!(normalize_json("not json"), "not json");
    }
}
