//! `iam-policy`: the least-privilege IAM policy the tool needs, as a policy document.

use std::process::ExitCode;

use anyhow::{Context, bail};

use secure_account_core::Baseline;
use secure_account_core::iam_policy::{
    self, Access, INLINE_ROLE_POLICY_LIMIT, MANAGED_POLICY_LIMIT,
};

use crate::args::IamPolicyArgs;
use crate::output::print_json;

/// Prints the policy for the baseline's names. The document is the output whatever
/// `--output` says: it is JSON either way, and `file://` takes it as it is.
pub fn run(baseline: &Baseline, args: &IamPolicyArgs) -> anyhow::Result<ExitCode> {
    let access = if args.read_only {
        Access::ReadOnly
    } else if args.writes_only {
        Access::WritesOnly
    } else {
        Access::Full
    };
    let policy = iam_policy::build(&baseline.names, access)
        .with_context(|| format!("the baseline `{}` is not valid", baseline.name))?;
    // A test keeps the read-only and writes-only documents under the managed-policy limit
    // and the whole under a role's inline limit; should a new table row push the whole
    // over the managed limit, say what to attach instead.
    let size = iam_policy::size(&policy);
    if size > INLINE_ROLE_POLICY_LIMIT {
        bail!(
            "the policy has {size} characters, more than IAM allows in one policy \
             ({INLINE_ROLE_POLICY_LIMIT} for the inline policies of a role)"
        );
    }
    if size > MANAGED_POLICY_LIMIT {
        eprintln!(
            "warning: the policy has {size} characters, more than the {MANAGED_POLICY_LIMIT} \
             of a managed policy: attach `iam-policy --read-only` and `iam-policy \
             --writes-only` as two managed policies, or this one as an inline role policy \
             (`aws iam put-role-policy`, up to {INLINE_ROLE_POLICY_LIMIT})"
        );
    }
    print_json(&policy)?;
    Ok(ExitCode::SUCCESS)
}
