//! What the core knows about each AWS service, in a file per service: the state the
//! snapshot keeps of it, what reading it takes (each part's [`PartFacts`]), and its
//! operations (each action kind's struct, with its [`Operation`] facts and effect).
//!
//! A new action kind is a struct and an `impl Operation` in its service's file and one line
//! in [`for_each_action!`](crate::for_each_action); the simulator and the adapters then ask
//! for their side of it in their file of the same service.
//!
//! [`PartFacts`]: crate::part::PartFacts
//! [`Operation`]: crate::action::Operation

pub mod accessanalyzer;
pub mod account;
pub mod athena;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod guardduty;
pub mod iam;
pub mod inspector;
pub mod kms;
pub mod logs;
pub mod macie;
pub mod s3;
pub mod s3control;
pub mod securityhub;
pub mod ssm;
