//! SDK errors as the snapshot keeps them: AWS's error code and message (`AwsError`).
//!
//! A read that fails makes its part unreadable with this code, never "absent". Errors the
//! service did not answer with a code get a code of ours that says what happened:
//! `NotImplemented` (the endpoint does not serve the operation: moto's HTTP 404/500 pages),
//! `Timeout`, `DispatchFailure` (the request never got an answer), `UnparsableResponse`
//! (an answer the SDK could not read), `HttpServerError` (a 5xx without a code, transient),
//! `HttpError` (any other status without a code).

use std::error::Error as StdError;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use secure_account_core::AwsError;

/// Turns an SDK error from the call that needs the IAM action `iam_action` (for example
/// `iam:ListUsers`) into an [`AwsError`], with the HTTP status of the answer when there
/// was one (429 and 5xx are transient for every operation, whatever the code).
///
/// An access-denied answer names the IAM action in its message, so that the user knows
/// which permission to grant even when AWS's own message does not say.
pub fn from_sdk<E>(iam_action: &str, err: SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let mut e = match &err {
        SdkError::ServiceError(service) => match service.err().code() {
            Some(code) => AwsError::new(
                code,
                service
                    .err()
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{iam_action} failed with `{code}`")),
            ),
            None => without_code(iam_action, service.raw(), &err),
        },
        SdkError::ResponseError(response) => without_code(iam_action, response.raw(), &err),
        SdkError::TimeoutError(_) => AwsError::new(
            AwsError::TIMEOUT,
            format!("{iam_action}: no answer in time: {}", chain(&err)),
        ),
        SdkError::DispatchFailure(failure) => {
            let code = if failure.is_timeout() {
                AwsError::TIMEOUT
            } else {
                AwsError::DISPATCH_FAILURE
            };
            AwsError::new(
                code,
                format!("{iam_action}: the request got no answer: {}", chain(&err)),
            )
        }
        SdkError::ConstructionFailure(_) => AwsError::new(
            AwsError::CONSTRUCTION_FAILURE,
            format!(
                "{iam_action}: the request could not be built: {}",
                chain(&err)
            ),
        ),
        _ => AwsError::new(AwsError::UNKNOWN, format!("{iam_action}: {}", chain(&err))),
    };
    e.http_status = status;
    name_action(e, iam_action)
}

/// An answer with a value this version does not model (a new enum value): the part is
/// unreadable rather than guessed.
pub fn unknown_value(iam_action: &str, field: &str, value: &str) -> AwsError {
    AwsError::new(
        AwsError::UNKNOWN_VALUE,
        format!("{iam_action}: `{field}` is `{value}`, which this version does not know"),
    )
}

/// Adds the IAM action to an access-denied message that does not name it.
pub fn name_action(mut e: AwsError, iam_action: &str) -> AwsError {
    if e.is_access_denied() && !e.message.contains(iam_action) {
        e.message = if e.message.is_empty() {
            format!("not authorized to perform `{iam_action}`")
        } else {
            format!("{} (needs `{iam_action}`)", e.message)
        };
    }
    e
}

/// Whether an error answer without an AWS error code says that the endpoint does not
/// serve the operation: HTTP 404/405/501, moto's `NotImplementedError` or missing backend,
/// or a server error as a web page (AWS answers a server error with an AWS error; a web
/// page instead is an emulator or a proxy without the operation). Such an answer is final:
/// neither the SDK nor the engine asks again.
pub fn is_not_served(status: u16, body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    let html_page = lower.contains("<html") || lower.contains("<!doctype html");
    matches!(status, 404 | 405 | 501)
        || body.contains("NotImplementedError")
        || body.contains("has not been implemented")
        || body.contains("Unable to find appropriate backend")
        || (status >= 500 && html_page)
}

/// An answer without an AWS error code: a success the SDK could not read, an endpoint
/// that does not serve the operation (moto: HTTP 404 page, or HTTP 500 with
/// `NotImplementedError`), or another server error.
fn without_code<E>(
    iam_action: &str,
    raw: &HttpResponse,
    err: &SdkError<E, HttpResponse>,
) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let status = raw.status().as_u16();
    if (200..300).contains(&status) {
        return AwsError::new(
            AwsError::UNPARSABLE_RESPONSE,
            format!(
                "{iam_action}: the answer (HTTP {status}) could not be read: {}",
                chain(err)
            ),
        );
    }
    let body = raw
        .body()
        .bytes()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    // An error in a shape the SDK does not expect for this protocol (an emulator answering
    // a JSON service with XML): its code and message are still AWS's.
    if let Some(code) = raw
        .headers()
        .get("x-amzn-errortype")
        .map(|t| t.split(':').next().unwrap_or(t).to_string())
        .filter(|t| !t.is_empty())
        .or_else(|| between(&body, "<Code>", "</Code>"))
        .or_else(|| {
            json_field(&body, "__type").map(|t| t.rsplit('#').next().unwrap_or(&t).to_string())
        })
    {
        let message = between(&body, "<Message>", "</Message>")
            .or_else(|| json_field(&body, "message"))
            .or_else(|| json_field(&body, "Message"))
            .unwrap_or_else(|| format!("{iam_action} failed with `{code}` (HTTP {status})"));
        return AwsError::new(code, message);
    }
    let text = summarize_body(&body);
    let not_implemented = is_not_served(status, &body);
    let detail = if text.is_empty() { chain(err) } else { text };
    if not_implemented {
        return AwsError::new(
            AwsError::NOT_IMPLEMENTED,
            format!(
                "{iam_action}: the endpoint does not serve this operation (HTTP {status}, \
                 no AWS error): {detail}"
            ),
        );
    }
    // A server error without a code (a load balancer's 502/503/504): transient, as the
    // SDK's own retry treats it; the engine retries a write that gets it.
    let code = if (500..600).contains(&status) {
        AwsError::SERVER_ERROR
    } else {
        AwsError::HTTP_ERROR
    };
    AwsError::new(
        code,
        format!("{iam_action}: HTTP {status} without an AWS error code: {detail}"),
    )
}

/// An error and its sources, each as it displays itself, at most 400 characters.
fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = e.source();
    }
    if out.chars().count() > 400 {
        out = out.chars().take(400).collect::<String>() + "…";
    }
    out
}

/// The text between the first `open` and the next `close`, if not empty.
fn between(body: &str, open: &str, close: &str) -> Option<String> {
    let start = body.find(open)? + open.len();
    let len = body[start..].find(close)?;
    let text = body[start..start + len].trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A string field of a JSON object body.
fn json_field(body: &str, field: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get(field)?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The readable part of an error page: tags dropped, whitespace collapsed, at most 300
/// characters.
fn summarize_body(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut last_space = true;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            _ if in_tag => {}
            c if c.is_whitespace() => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c => {
                out.push(c);
                last_space = false;
            }
        }
        if out.chars().count() >= 300 {
            out.push('…');
            break;
        }
    }
    out.trim().to_string()
}

/// `.map_err(aws("iam:ListUsers"))`: the error mapping of one call.
pub fn aws<E>(iam_action: &'static str) -> impl Fn(SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    move |err| from_sdk(iam_action, err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_are_summarized() {
        let page = "<!doctype html>\n<html><head><title>404 Not Found</title></head>\n<body><h1>Not Found</h1><p>The requested URL was not found on the server.</p></body></html>";
        assert_eq!(
            summarize_body(page),
            "404 Not Found Not Found The requested URL was not found on the server."
        );
    }

    #[test]
    fn access_denied_names_the_action() {
        let e = name_action(AwsError::new("AccessDenied", "nope"), "iam:ListUsers");
        assert_eq!(e.message, "nope (needs `iam:ListUsers`)");
        let e = name_action(
            AwsError::new("AccessDenied", "not authorized to perform: iam:ListUsers"),
            "iam:ListUsers",
        );
        assert_eq!(e.message, "not authorized to perform: iam:ListUsers");
        let e = name_action(AwsError::new("Throttling", "slow down"), "iam:ListUsers");
        assert_eq!(e.message, "slow down");
    }
}
