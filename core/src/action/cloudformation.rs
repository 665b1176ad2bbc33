//! CloudFormation: the security notifications stack (SPEC §2 last row), created or updated
//! from the template of `core::notifications` with the tool's service role
//! (CloudFormation.4) and termination protection (CloudFormation.3).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::notifications::{self, PURPOSE_TAG};
use crate::operation::{
    ActionFacts, Change, Effect, ErrorClass, Operation, PassedRole, Waits, find_mut, known,
};
use crate::part::Part;
use crate::readiness::Readiness;
use crate::snapshot::cloudformation::Stack;
use crate::snapshot::{AwsError, KeyState, KmsKey};

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_cloudformation {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            cloudformation::CreateStack,
            cloudformation::UpdateStack,
            cloudformation::UpdateTerminationProtection,
        ] $rest }
    };
}

/// What the stack operations share. A role created a moment ago is refused by
/// CloudFormation as `ValidationError` ("Role … is invalid or cannot be assumed") until IAM
/// has propagated it; the same code also means a template error, which then fails after
/// the propagation budget instead of at once (a template error is the tool's bug, a new
/// role the usual case).
const CLOUDFORMATION: ActionFacts = ActionFacts {
    service: "cloudformation",
    reads: &[Part::CloudformationStacks, Part::Roles],
    controls: &["CloudFormation.3", "CloudFormation.4"],
    transient: &[("ValidationError", ErrorClass::RolePropagation)],
    ..ActionFacts::DEFAULT
};

/// `cloudformation:CreateStack`: the notification stack from its template, with its
/// parameters, the tool's service role, its tags (which CloudFormation puts on every
/// resource) and termination protection. Precondition: no stack of that name; the role
/// exists and CloudFormation may assume it. The engine then waits for `CREATE_COMPLETE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateStack {
    pub stack_name: String,
    pub template_body: String,
    pub parameters: BTreeMap<String, String>,
    pub role_arn: String,
    pub tags: BTreeMap<String, String>,
    pub enable_termination_protection: bool,
}

impl Operation for CreateStack {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &[
            "cloudformation:CreateStack",
            "cloudformation:TagResource",
            "iam:PassRole",
        ],
        change: Change::Create,
        passes_role: Some(PassedRole::NotificationStackRole),
        // A second CreateStack after a timeout answers AlreadyExistsException while the
        // first one runs: not sent again, the next plan sees the stack.
        resend_after_timeout: false,
        ..CLOUDFORMATION
    };

    fn satisfies(&self) -> Vec<&'static str> {
        if self.enable_termination_protection {
            Self::FACTS.controls.to_vec()
        } else {
            vec!["CloudFormation.4"]
        }
    }

    fn waits(&self) -> Waits {
        Waits {
            before: None,
            after: Some(Readiness::StackSettled {
                stack_name: self.stack_name.clone(),
            }),
        }
    }

    /// The stack, complete, and the key its template makes (KMS.3, .4 and .5 look at it).
    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let (region, account) = (e.region().to_string(), e.account_id().to_string());
        let stack_id = e.next_id("stack");
        let key_id = e.next_id("key");
        let key_arn = format!("arn:aws:kms:{region}:{account}:key/{key_id}");
        let stacks = known(
            &mut e.regional()?.cloudformation_stacks,
            "CloudFormation stacks",
        )?;
        if stacks.iter().any(|s| s.name == self.stack_name) {
            return Err(AwsError::new(
                "AlreadyExistsException",
                format!("Stack [{}] already exists", self.stack_name),
            ));
        }
        stacks.push(Stack {
            name: self.stack_name.clone(),
            id: format!(
                "arn:aws:cloudformation:{region}:{account}:stack/{}/{stack_id}",
                self.stack_name
            ),
            status: "CREATE_COMPLETE".into(),
            termination_protection: self.enable_termination_protection,
            role_arn: Some(self.role_arn.clone()),
            tags: self.tags.clone(),
            parameters: self.parameters.clone(),
            outputs: [
                (
                    "TopicArn".to_string(),
                    format!("arn:aws:sns:{region}:{account}:{}", self.stack_name),
                ),
                ("KeyArn".to_string(), key_arn.clone()),
            ]
            .into(),
            template_body: Some(self.template_body.clone()),
            ..Stack::default()
        });
        known(&mut e.regional()?.kms_keys, "KMS keys")?.push(KmsKey {
            key_id,
            arn: key_arn,
            aliases: vec![],
            key_state: KeyState::Enabled,
            rotation_enabled: true,
            read_error: None,
            policy: notifications::key_policy_text(&account),
            tags: self
                .tags
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .chain([(PURPOSE_TAG.0.to_string(), PURPOSE_TAG.1.to_string())])
                .collect(),
        });
        Ok(())
    }
}

/// `cloudformation:UpdateStack`: the tool's stack with the template, parameters and role
/// the baseline gives now. Precondition: the stack exists and takes updates (not in
/// progress, not failed at creation). The engine then waits for `UPDATE_COMPLETE`; an
/// answer "No updates are to be performed." is success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateStack {
    pub stack_name: String,
    pub template_body: String,
    pub parameters: BTreeMap<String, String>,
    pub role_arn: String,
}

impl Operation for UpdateStack {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["cloudformation:UpdateStack", "iam:PassRole"],
        passes_role: Some(PassedRole::NotificationStackRole),
        ..CLOUDFORMATION
    };

    fn satisfies(&self) -> Vec<&'static str> {
        vec!["CloudFormation.4"]
    }

    fn waits(&self) -> Waits {
        Waits {
            before: None,
            after: Some(Readiness::StackSettled {
                stack_name: self.stack_name.clone(),
            }),
        }
    }

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let stack = stack_mut(e, &self.stack_name)?;
        stack.template_body = Some(self.template_body.clone());
        stack.parameters = self.parameters.clone();
        stack.role_arn = Some(self.role_arn.clone());
        stack.status = "UPDATE_COMPLETE".into();
        stack.status_reason = None;
        stack.failure = None;
        Ok(())
    }
}

/// `cloudformation:UpdateTerminationProtection` (CloudFormation.3), for the tool's stack
/// made without it (by hand, or by an earlier version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateTerminationProtection {
    pub stack_name: String,
    pub enable_termination_protection: bool,
}

impl Operation for UpdateTerminationProtection {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["cloudformation:UpdateTerminationProtection"],
        reads: &[Part::CloudformationStacks],
        controls: &["CloudFormation.3"],
        transient: &[],
        ..CLOUDFORMATION
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        stack_mut(e, &self.stack_name)?.termination_protection = self.enable_termination_protection;
        Ok(())
    }
}

fn stack_mut<'e>(e: &'e mut Effect<'_>, name: &str) -> Result<&'e mut Stack, AwsError> {
    let stacks = known(
        &mut e.regional()?.cloudformation_stacks,
        "CloudFormation stacks",
    )?;
    find_mut(stacks, |s| s.name == name, || format!("stack `{name}`")).map_err(|_| {
        AwsError::new(
            "ValidationError",
            format!("Stack with id {name} does not exist"),
        )
    })
}
