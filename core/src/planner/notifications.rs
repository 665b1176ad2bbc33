//! The security notifications stack (SPEC §2 last row), when the baseline names an address
//! (`[notifications] email`, `--notify-email`): its service role (CloudFormation.4), then
//! the stack in the home region, created, updated to the template and parameters the
//! baseline gives now, and kept under termination protection (CloudFormation.3).
//!
//! The stack's tag says it is the tool's; a stack or role under the baseline's names that
//! is not the tool's is left alone (`name_taken`). A stack in progress or failed at
//! creation is not touched (`stack_not_updatable`): the skip says what a person does.

use std::collections::BTreeMap;

use crate::action::{cloudformation, iam};
use crate::notifications::{
    EMAIL_PARAMETER, PURPOSE_TAG, SERVICE_ROLE_POLICY, TemplateOptions, service_role_policy,
    service_role_trust, template_text,
};
use crate::part::Part;
use crate::plan::SkipReason;
use crate::policy;
use crate::snapshot::{GLOBAL, IamRole, Snapshot, StackPhase};

use super::{MANAGED_TAG, Planner};

/// The tags of the stack (CloudFormation puts them on the key, topic and rules too).
pub fn stack_tags() -> BTreeMap<String, String> {
    [
        (MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string()),
        (PURPOSE_TAG.0.to_string(), PURPOSE_TAG.1.to_string()),
    ]
    .into()
}

impl<'a> Planner<'a> {
    pub(super) fn notifications(&mut self) {
        let Some(email) = self.b.notifications.email.clone() else {
            return;
        };
        let home = self.home.clone();
        let snapshot: &'a Snapshot = self.s;
        let Some(stacks) = self.seen(
            &home,
            Part::CloudformationStacks,
            &snapshot.regions[&home].services.cloudformation_stacks,
        ) else {
            return;
        };
        let Some(roles) = self.seen(GLOBAL, Part::Roles, &snapshot.global.roles) else {
            return;
        };
        let stack_name = self.fill(&self.b.names.notification_stack);
        let role_name = self.fill(&self.b.names.notification_stack_role);
        let role_arn = format!("arn:aws:iam::{}:role/{role_name}", self.account);
        let existing_role = roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(&role_name));
        let existing_stack = stacks.iter().find(|s| s.name == stack_name);
        if let Some(s) = existing_stack
            && s.tags.get(PURPOSE_TAG.0).map(String::as_str) != Some(PURPOSE_TAG.1)
        {
            return self.skip(
                &format!("{home}/stack/{stack_name}"),
                &home,
                SkipReason::NameTaken,
                format!(
                    "stack `{stack_name}` exists but is not the tool's (no `{}` tag): the \
                     notifications are not deployed; choose another name with \
                     `notification_stack` under `[names]` in the baseline",
                    PURPOSE_TAG.0
                ),
            );
        }
        if existing_role
            .is_some_and(|r| r.tags.get(MANAGED_TAG.0).map(String::as_str) != Some(MANAGED_TAG.1))
        {
            return self.skip(
                &format!("{GLOBAL}/role/{role_name}"),
                GLOBAL,
                SkipReason::NameTaken,
                format!(
                    "role `{role_name}` exists but is not the tool's (no `{}` tag): the \
                     notification stack is not deployed with it; choose another name with \
                     `notification_stack_role` under `[names]` in the baseline",
                    MANAGED_TAG.0
                ),
            );
        }
        let role_deps = self.stack_role(&role_name, &stack_name, existing_role);
        let template_body = template_text(&TemplateOptions {
            email: None,
            min_severity: self.b.notifications.min_severity,
        });
        let parameters: BTreeMap<String, String> = [(EMAIL_PARAMETER.to_string(), email)].into();
        let Some(stack) = existing_stack else {
            self.push_wanted(
                &home,
                Some(&stack_name),
                cloudformation::CreateStack {
                    stack_name: stack_name.clone(),
                    template_body,
                    parameters,
                    role_arn,
                    tags: stack_tags(),
                    enable_termination_protection: true,
                },
                role_deps,
            );
            return;
        };
        match stack.phase() {
            StackPhase::InProgress => {
                return self.skip(
                    &format!("{home}/stack/{stack_name}"),
                    &home,
                    SkipReason::StackNotUpdatable,
                    format!(
                        "stack `{stack_name}` is {}: plan again once CloudFormation is done",
                        stack.status
                    ),
                );
            }
            StackPhase::Failed => {
                return self.skip(
                    &format!("{home}/stack/{stack_name}"),
                    &home,
                    SkipReason::StackNotUpdatable,
                    format!(
                        "stack `{stack_name}` is {} ({}): CloudFormation cannot update it; \
                         delete it (turn termination protection off first) and apply again",
                        stack.status,
                        stack.failure_text()
                    ),
                );
            }
            StackPhase::Complete | StackPhase::RolledBack => {}
        }
        let mut update_id = None;
        if stack.template_body.as_deref() != Some(template_body.as_str())
            || stack.parameters != parameters
            || stack.role_arn.as_deref() != Some(role_arn.as_str())
            || stack.phase() == StackPhase::RolledBack
        {
            update_id = self.push_wanted(
                &home,
                Some(&stack_name),
                cloudformation::UpdateStack {
                    stack_name: stack_name.clone(),
                    template_body,
                    parameters,
                    role_arn,
                },
                role_deps,
            );
        }
        if !stack.termination_protection {
            self.push_wanted(
                &home,
                Some(&stack_name),
                cloudformation::UpdateTerminationProtection {
                    stack_name: stack_name.clone(),
                    enable_termination_protection: true,
                },
                update_id.into_iter().collect(),
            );
        }
    }

    /// The stack's service role: created, or its trust and policy converged. Returns the
    /// actions the stack waits for.
    fn stack_role(&mut self, role: &str, stack: &str, existing: Option<&IamRole>) -> Vec<String> {
        let trust = service_role_trust();
        let policy_doc = service_role_policy(&self.account, &self.home, stack);
        let mut deps = vec![];
        let mut created = vec![];
        match existing {
            None => {
                if let Some(id) = self.push_wanted(
                    GLOBAL,
                    Some(role),
                    iam::CreateRole {
                        role_name: role.to_string(),
                        assume_role_policy_document: trust,
                        tags: [(MANAGED_TAG.0.to_string(), MANAGED_TAG.1.to_string())].into(),
                    },
                    vec![],
                ) {
                    created.push(id.clone());
                    deps.push(id);
                }
            }
            Some(r) if policy::parse(&r.assume_role_policy_document) != policy::parse(&trust) => {
                deps.extend(self.push_wanted(
                    GLOBAL,
                    Some(role),
                    iam::UpdateAssumeRolePolicy {
                        role_name: role.to_string(),
                        policy_document: trust,
                    },
                    vec![],
                ));
            }
            Some(_) => {}
        }
        let current = existing.and_then(|r| r.inline_policies.get(SERVICE_ROLE_POLICY));
        if current.and_then(|p| policy::parse(p)) != policy::parse(&policy_doc) {
            deps.extend(self.push_wanted(
                GLOBAL,
                Some(role),
                iam::PutRolePolicy {
                    role_name: role.to_string(),
                    policy_name: SERVICE_ROLE_POLICY.into(),
                    policy_document: policy_doc,
                },
                created,
            ));
        }
        deps
    }
}
