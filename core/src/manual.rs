//! Work only a person can do (root MFA, users' MFA, root access keys, the security
//! contact when the baseline has none): listed in the plan as manual tasks, re-checked by
//! `verify`, never faked. [`assume_done`] gives the "if every manual task were done" view
//! that the score's `percent_if_manual_done` is computed from.

use serde::{Deserialize, Serialize};

use crate::snapshot::{AlternateContact, MfaKind, Observed, Snapshot};

/// Work only a person can do, tied to the control it makes pass.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ManualTask {
    pub control: String,
    pub instructions: String,
    /// The part this task depends on could not be read: whether it is still to do is
    /// unknown (it is listed so that an incomplete read does not hide it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unknown: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A task whose part could not be read.
fn unknown(control: &str, what: &str, error: &crate::snapshot::AwsError) -> ManualTask {
    ManualTask {
        control: control.into(),
        instructions: format!(
            "unknown: {what} could not be read ({}); check it by hand, or give the tool \
             read access and run `secure-account verify` again",
            error.code
        ),
        unknown: true,
    }
}

/// The manual tasks the snapshot calls for, sorted.
pub fn manual_tasks(snapshot: &Snapshot, has_contact_in_baseline: bool) -> Vec<ManualTask> {
    let mut tasks = Vec::new();
    if let Observed::Unreadable { read_error } = &snapshot.global.root {
        tasks.push(unknown("IAM.6", "the root user's MFA", read_error));
        tasks.push(unknown("IAM.4", "the root user's access keys", read_error));
    }
    if let Observed::Unreadable { read_error } = &snapshot.global.users {
        tasks.push(unknown("IAM.5", "the IAM users' MFA", read_error));
    }
    if !has_contact_in_baseline
        && let Observed::Unreadable { read_error } = &snapshot.global.security_contact
    {
        tasks.push(unknown(
            "Account.1",
            "the SECURITY alternate contact",
            read_error,
        ));
    }
    if let Observed::Known(root) = &snapshot.global.root {
        if root.mfa != MfaKind::Hardware {
            tasks.push(ManualTask {
                control: "IAM.6".into(),
                instructions: "Sign in as the root user and assign a hardware MFA device \
                               (IAM console > Security credentials > Assign MFA device); \
                               a virtual device does not satisfy IAM.6"
                    .into(),
                unknown: false,
            });
        }
        if root.access_keys > 0 {
            tasks.push(ManualTask {
                control: "IAM.4".into(),
                instructions: format!(
                    "Delete the root user's {} access key(s) (sign in as root > Security \
                     credentials > Access keys); use IAM roles instead",
                    root.access_keys
                ),
                unknown: false,
            });
        }
    }
    if let Observed::Known(users) = &snapshot.global.users {
        for u in users {
            if u.console_password && u.mfa_devices == 0 {
                tasks.push(ManualTask {
                    control: "IAM.5".into(),
                    instructions: format!(
                        "IAM user `{}` has a console password and no MFA: the user (or an \
                         administrator) must assign an MFA device",
                        u.name
                    ),
                    unknown: false,
                });
            }
        }
    }
    if !has_contact_in_baseline && let Observed::Known(None) = &snapshot.global.security_contact {
        tasks.push(ManualTask {
            control: "Account.1".into(),
            instructions: "Register a SECURITY alternate contact (Account console > \
                               Alternate contacts), or set [security_contact] in the baseline \
                               file and apply again"
                .into(),
            unknown: false,
        });
    }
    tasks.sort();
    tasks
}

/// The snapshot as it would be once every manual task is done.
pub fn assume_done(snapshot: &Snapshot) -> Snapshot {
    let mut s = snapshot.clone();
    if let Observed::Known(root) = &mut s.global.root {
        root.mfa = MfaKind::Hardware;
        root.access_keys = 0;
    }
    if let Observed::Known(users) = &mut s.global.users {
        for u in users.iter_mut().filter(|u| u.console_password) {
            u.mfa_devices = u.mfa_devices.max(1);
        }
    }
    if let Observed::Known(contact @ None) = &mut s.global.security_contact {
        *contact = Some(AlternateContact {
            name: "(to be registered)".into(),
            title: "Security".into(),
            email_address: "security@example.invalid".into(),
            phone_number: "+00 0000".into(),
        });
    }
    s
}
