//! IAM: the password policy, the root user, users and roles; reading them; creating the
//! roles the baseline needs and setting the password policy.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, IamResource, Operation, SLR, find_mut, known,
};
use crate::part::{Part, Reach};
use crate::snapshot::AwsError;
use crate::snapshot::iam::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_iam {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            iam::CreateServiceLinkedRole,
            iam::CreateRole,
            iam::UpdateAssumeRolePolicy,
            iam::PutRolePolicy,
            iam::UpdateAccountPasswordPolicy,
        ] $rest }
    };
}

const IAM: ActionFacts = ActionFacts {
    service: "iam",
    reach: Reach::Account,
    reads: &[Part::Roles],
    // Another change to the account's IAM was in progress, and IAM's own failure (IAM API
    // reference, common to its writes).
    transient: &[
        ("ConcurrentModification", ErrorClass::Throttling),
        ("ServiceFailure", ErrorClass::Throttling),
    ],
    ..ActionFacts::DEFAULT
};

/// `iam:CreateServiceLinkedRole`: e.g. `AWSServiceRoleForConfig` for
/// `config.amazonaws.com`. Precondition: the role does not exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateServiceLinkedRole {
    pub aws_service_name: String,
}

impl Operation for CreateServiceLinkedRole {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &[SLR],
        change: Change::Create,
        controls: &["Config.1"],
        // The planner creates only Config's (planner/config.rs).
        service_linked_roles: &["config.amazonaws.com"],
        ..IAM
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let account_id = e.account_id().to_string();
        let roles = known(&mut e.account_wide()?.roles, "IAM roles")?;
        let name = service_linked_role_name(&self.aws_service_name);
        if !roles.iter().any(|r| r.name == name) {
            roles.push(IamRole {
                name,
                path: format!("/aws-service-role/{}/", self.aws_service_name),
                arn: service_linked_role_arn(&account_id, &self.aws_service_name),
                trusted_services: [self.aws_service_name.clone()].into(),
                inline_policies: Default::default(),
                assume_role_policy_document: String::new(),
                tags: Default::default(),
            });
        }
        Ok(())
    }
}

/// `iam:CreateRole`: a role that `service` may assume, with the tool's tags (so a later run
/// knows the role is its own). Precondition: no role of that name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateRole {
    pub role_name: String,
    pub assume_role_policy_document: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// The planner creates and changes no role but its own two: the trail's delivery role
/// (planner/trail.rs, CloudTrail.5) and the notification stack's service role
/// (planner/notifications.rs, CloudFormation.4), so its IAM writes are scoped to those.
/// Which of them an action is for, its trust policy or its inline policy's name says.
const OWN_ROLE: ActionFacts = ActionFacts {
    controls: &["CloudTrail.5", "CloudFormation.4"],
    resource: IamResource::OwnRoles,
    ..IAM
};

/// The control a role of the tool serves, from the services its trust policy trusts.
fn controls_of_trust(document: &str) -> Vec<&'static str> {
    let trusted = trusted_services(document);
    OWN_ROLE
        .controls
        .iter()
        .copied()
        .filter(|c| match *c {
            "CloudTrail.5" => trusted.contains("cloudtrail.amazonaws.com"),
            _ => trusted.contains("cloudformation.amazonaws.com"),
        })
        .collect()
}

impl Operation for CreateRole {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:CreateRole", "iam:TagRole"],
        change: Change::Create,
        ..OWN_ROLE
    };

    fn satisfies(&self) -> Vec<&'static str> {
        controls_of_trust(&self.assume_role_policy_document)
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let account_id = e.account_id().to_string();
        let roles = known(&mut e.account_wide()?.roles, "IAM roles")?;
        roles.push(IamRole {
            name: self.role_name.clone(),
            path: "/".into(),
            arn: format!("arn:aws:iam::{account_id}:role/{}", self.role_name),
            trusted_services: trusted_services(&self.assume_role_policy_document),
            inline_policies: Default::default(),
            assume_role_policy_document: self.assume_role_policy_document.clone(),
            tags: self.tags.clone(),
        });
        Ok(())
    }
}

/// `iam:UpdateAssumeRolePolicy`: replaces the trust policy of a role the tool owns.
/// Precondition: the role exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateAssumeRolePolicy {
    pub role_name: String,
    pub policy_document: String,
}

impl Operation for UpdateAssumeRolePolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:UpdateAssumeRolePolicy"],
        ..OWN_ROLE
    };

    fn satisfies(&self) -> Vec<&'static str> {
        controls_of_trust(&self.policy_document)
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let role = role_mut(e, &self.role_name)?;
        role.trusted_services = trusted_services(&self.policy_document);
        role.assume_role_policy_document = self.policy_document.clone();
        Ok(())
    }
}

/// `iam:PutRolePolicy`: sets an inline policy of a role (creates or replaces it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PutRolePolicy {
    pub role_name: String,
    pub policy_name: String,
    pub policy_document: String,
}

impl Operation for PutRolePolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:PutRolePolicy"],
        ..OWN_ROLE
    };

    /// The notification stack role's policy has its own name; every other is the trail
    /// role's.
    fn satisfies(&self) -> Vec<&'static str> {
        if self.policy_name == crate::notifications::SERVICE_ROLE_POLICY {
            vec!["CloudFormation.4"]
        } else {
            vec!["CloudTrail.5"]
        }
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        role_mut(e, &self.role_name)?
            .inline_policies
            .insert(self.policy_name.clone(), self.policy_document.clone());
        Ok(())
    }
}

fn role_mut<'e>(e: &'e mut Effect<'_>, name: &str) -> Result<&'e mut IamRole, AwsError> {
    let roles = known(&mut e.account_wide()?.roles, "IAM roles")?;
    find_mut(roles, |r| r.name == name, || format!("role `{name}`"))
}

/// `iam:UpdateAccountPasswordPolicy`: the whole policy (the call replaces every field; the
/// planner already merged it with the stronger existing values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct UpdateAccountPasswordPolicy(pub PasswordPolicy);

impl Operation for UpdateAccountPasswordPolicy {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["iam:UpdateAccountPasswordPolicy"],
        reads: &[Part::PasswordPolicy],
        controls: &["IAM.7"],
        ..IAM
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        e.account_wide()?.password_policy = crate::snapshot::Observed::Known(Some(self.0.clone()));
        Ok(())
    }
}
