//! AWS's preconditions and error codes, a file per service as `crate::aws`: one test (at
//! least) per error the simulator answers with.
//!
//! Each file imports the `secure_account_core::aws` modules it uses by name: the test
//! modules here have the same names and would shadow them in `super::*`.

use super::*;

mod accessanalyzer;
mod athena;
mod cloudtrail;
mod config;
mod ec2;
mod guardduty;
mod iam;
mod inspector;
mod kms;
mod logs;
mod macie;
mod s3;
mod securityhub;
mod ssm;
