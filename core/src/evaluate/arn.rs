//! How Security Hub names the resource of a control finding (`Resources[0].Id`): the
//! resource's ARN in the `aws` partition, or `AWS::::Account:<id>` for a check on the
//! account as a whole. A failure, an exception of the baseline and a Security Hub finding
//! name a resource the same way; [`matches`] also accepts the short id people write.

/// The resource of an account-level check (`AWS::::Account:123456789012`).
pub fn account(account_id: &str) -> String {
    format!("AWS::::Account:{account_id}")
}

/// An EC2 resource: `arn:aws:ec2:<region>:<account>:<kind>/<id>` (`security-group`, `vpc`,
/// `subnet`, `network-acl`).
pub fn ec2(region: &str, account_id: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{account_id}:{kind}/{id}")
}

/// An S3 bucket: `arn:aws:s3:::<name>`.
pub fn bucket(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

/// An IAM user: `arn:aws:iam::<account>:user/<name>`.
pub fn iam_user(account_id: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:user/{name}")
}

/// A trail: `arn:aws:cloudtrail:<home region>:<account>:trail/<name>`.
pub fn trail(home_region: &str, account_id: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{home_region}:{account_id}:trail/{name}")
}

/// A KMS key: `arn:aws:kms:<region>:<account>:key/<id>`.
pub fn kms_key(region: &str, account_id: &str, key_id: &str) -> String {
    format!("arn:aws:kms:{region}:{account_id}:key/{key_id}")
}

/// An Athena workgroup: `arn:aws:athena:<region>:<account>:workgroup/<name>`.
pub fn workgroup(region: &str, account_id: &str, name: &str) -> String {
    format!("arn:aws:athena:{region}:{account_id}:workgroup/{name}")
}

/// An SSM document: `arn:aws:ssm:<region>:<account>:document/<name>`.
pub fn ssm_document(region: &str, account_id: &str, name: &str) -> String {
    format!("arn:aws:ssm:{region}:{account_id}:document/{name}")
}

/// A GuardDuty detector: `arn:aws:guardduty:<region>:<account>:detector/<id>`.
pub fn detector(region: &str, account_id: &str, id: &str) -> String {
    format!("arn:aws:guardduty:{region}:{account_id}:detector/{id}")
}

/// The short id of a resource: what follows the last `/` of an ARN (`sg-0123`), a
/// bucket's name, the account id of an account-level resource.
pub fn short_id(resource: &str) -> &str {
    if let Some(name) = resource.strip_prefix("arn:aws:s3:::") {
        return name;
    }
    if let Some(account) = resource.strip_prefix("AWS::::Account:") {
        return account;
    }
    resource.rsplit('/').next().unwrap_or(resource)
}

/// Whether `written` (an ARN, or the short id people write: `sg-0123`, a bucket's name,
/// the account id) names `resource`.
pub fn matches(written: &str, resource: &str) -> bool {
    written == resource || (!written.contains(':') && short_id(resource) == written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_is_named_by_its_arn_or_its_short_id() {
        let sg = ec2("us-east-1", "123456789012", "security-group", "sg-1");
        assert_eq!(sg, "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1");
        assert!(matches(&sg, &sg));
        assert!(matches("sg-1", &sg));
        assert!(!matches("sg-2", &sg));
        assert!(matches("public-site", &bucket("public-site")));
        assert!(matches("arn:aws:s3:::public-site", &bucket("public-site")));
        assert!(!matches("arn:aws:s3:::other", &bucket("public-site")));
        assert!(matches("123456789012", &account("123456789012")));
        assert_eq!(short_id(&iam_user("1", "deploy-bot")), "deploy-bot");
    }
}
