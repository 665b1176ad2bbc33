//! Security notifications (SPEC §2 last row; the seed's optional §4.2): the CloudFormation
//! template that wires EventBridge rules to an encrypted SNS topic with an e-mail
//! subscription, its stack's service role, and an EventBridge pattern matcher that checks
//! the rules against sample events kept in `core/data/notifications/sample-events.json`.
//!
//! All pure: the template is a value ([`yaml::Yaml`]) rendered to the same text on every
//! run; deploying it is plan actions (`action/cloudformation.rs`) run by the engine.

pub mod deployed;
pub mod pattern;
pub mod role;
pub mod template;
pub mod yaml;

pub use role::{SERVICE_ROLE_POLICY, service_role_policy, service_role_trust};
pub use template::{
    EMAIL_PARAMETER, MinSeverity, PURPOSE_TAG, Rule, TemplateOptions, key_policy_text,
    resolve_region, rules, template, template_text,
};

#[cfg(test)]
mod tests;
