//! `aws-smithy-mocks` tests of every read: the exact requests (parameters, pagination),
//! each error class, and the mapping of every field the snapshot keeps.

mod ec2;
mod errors;
mod execute;
mod fleet;
mod fleet_stack;
mod iam;
mod regional;
mod s3;
mod sources;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::ErrorMetadata;

/// Error metadata with an AWS code and message, as the SDK parses it from an answer.
pub(crate) fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

/// A raw answer with `status` and `body` (an emulator's error page).
pub(crate) fn http(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(
        StatusCode::try_from(status).expect("a valid status"),
        SdkBody::from(body.to_string()),
    )
}
