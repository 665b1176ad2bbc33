//! The notification stack's service role (CloudFormation.4): CloudFormation assumes it to
//! create, change and delete the stack's resources, and it may do nothing else. The
//! actions are those CloudFormation's resource handlers need for the template's resource
//! types (the `handlers` permissions of the AWS::KMS::Key, AWS::SNS::Topic,
//! AWS::SNS::TopicPolicy and AWS::Events::Rule resource schemas), each scoped to the
//! stack's own resources: the topic named after the stack, rules whose names start with the
//! stack's name, and keys that carry the stack's purpose tag.

use serde_json::json;

use crate::policy;

use super::template::PURPOSE_TAG;

/// The name of the service role's inline policy.
pub const SERVICE_ROLE_POLICY: &str = "notification-stack-resources";

/// The role's trust policy: CloudFormation may assume it. No `aws:SourceAccount` condition:
/// the role can only be passed to CloudFormation by a principal of this account allowed to
/// pass it, and CloudFormation's documentation of service roles shows none.
pub fn service_role_trust() -> String {
    policy::to_text(&json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "cloudformation.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]
    }))
}

/// The role's inline policy for the stack `stack` in `region` of `account`.
///
/// Keys: `kms:CreateKey` cannot be scoped (the key does not exist yet, its ARN is AWS's to
/// choose); everything else acts only on keys tagged with the stack's purpose tag, which
/// the stack's own tags (set by `notifications deploy` and the plan's `create_stack`) give
/// the key at creation: CloudFormation propagates stack tags in the resources' create
/// requests (the template sets no tags on the key: moto fails on them) (`kms:TagResource` is checked on the tags the
/// request sets). No `kms:Decrypt` or other use of keys (KMS.2).
pub fn service_role_policy(account: &str, region: &str, stack: &str) -> String {
    let key = format!("arn:aws:kms:{region}:{account}:key/*");
    let topic = format!("arn:aws:sns:{region}:{account}:{stack}");
    let rules = format!("arn:aws:events:{region}:{account}:rule/{stack}-*");
    let tag_key = format!("aws:ResourceTag/{}", PURPOSE_TAG.0);
    let request_tag = format!("aws:RequestTag/{}", PURPOSE_TAG.0);
    policy::to_text(&json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CreateTheKey",
                "Effect": "Allow",
                "Action": "kms:CreateKey",
                "Resource": "*"
            },
            {
                "Sid": "TagTheNewKey",
                "Effect": "Allow",
                "Action": "kms:TagResource",
                "Resource": key,
                "Condition": {"StringEquals": {request_tag: PURPOSE_TAG.1}}
            },
            {
                "Sid": "ManageTheStackKey",
                "Effect": "Allow",
                "Action": [
                    "kms:DescribeKey",
                    "kms:DisableKey",
                    "kms:DisableKeyRotation",
                    "kms:EnableKey",
                    "kms:EnableKeyRotation",
                    "kms:GetKeyPolicy",
                    "kms:GetKeyRotationStatus",
                    "kms:ListResourceTags",
                    "kms:PutKeyPolicy",
                    "kms:ScheduleKeyDeletion",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:UpdateKeyDescription"
                ],
                "Resource": key,
                "Condition": {"StringEquals": {tag_key: PURPOSE_TAG.1}}
            },
            {
                "Sid": "ManageTheStackTopic",
                "Effect": "Allow",
                "Action": [
                    "sns:CreateTopic",
                    "sns:DeleteTopic",
                    "sns:GetSubscriptionAttributes",
                    "sns:GetTopicAttributes",
                    "sns:ListSubscriptionsByTopic",
                    "sns:ListTagsForResource",
                    "sns:SetTopicAttributes",
                    "sns:Subscribe",
                    "sns:TagResource",
                    "sns:Unsubscribe",
                    "sns:UntagResource"
                ],
                "Resource": [topic.clone(), format!("{topic}:*")]
            },
            {
                "Sid": "ManageTheStackRules",
                "Effect": "Allow",
                "Action": [
                    "events:DeleteRule",
                    "events:DescribeRule",
                    "events:DisableRule",
                    "events:EnableRule",
                    "events:ListTagsForResource",
                    "events:ListTargetsByRule",
                    "events:PutRule",
                    "events:PutTargets",
                    "events:RemoveTargets",
                    "events:TagResource",
                    "events:UntagResource"
                ],
                "Resource": rules
            }
        ]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_acts_only_on_the_stack_resources() {
        let doc: serde_json::Value = serde_json::from_str(&service_role_policy(
            "111122223333",
            "us-east-1",
            "secure-account-notifications",
        ))
        .unwrap();
        for s in doc["Statement"].as_array().unwrap() {
            let actions = crate::policy::strings(Some(&s["Action"]));
            let resources = crate::policy::strings(Some(&s["Resource"]));
            assert!(!actions.iter().any(|a| a.ends_with('*')), "{s}");
            assert!(!actions.contains(&"kms:Decrypt"), "{s}");
            if resources.contains(&"*") {
                assert_eq!(actions, ["kms:CreateKey"]);
            }
        }
        assert!(service_role_trust().contains("cloudformation.amazonaws.com"));
    }
}
