//! Account-wide settings: the IAM password policy, the account public access block and
//! the security contact.

use crate::action::{account, iam, s3control};
use crate::baseline::Baseline;
use crate::part::Part;
use crate::plan::SkipReason;
use crate::snapshot::{GLOBAL, Observed, PasswordPolicy, PublicAccessBlock, Snapshot};

use super::{Planner, bucket_is_public};

impl<'a> Planner<'a> {
    // ---- account-wide ----

    pub(super) fn account_wide(&mut self) {
        if self.b.features.password_policy {
            match &self.s.global.password_policy {
                Observed::Unreadable { read_error } => {
                    let e = read_error.clone();
                    self.read_failed(GLOBAL, Part::PasswordPolicy, &e)
                }
                Observed::Known(existing) => {
                    let merged = merged_password_policy(existing.as_ref(), self.b);
                    if existing.as_ref() != Some(&merged) {
                        self.push(
                            GLOBAL,
                            None,
                            iam::UpdateAccountPasswordPolicy(merged),
                            vec![],
                        );
                    }
                }
            }
        }
        if self.b.features.s3_account_public_access_block {
            self.account_public_access_block();
        }
        if let Some(contact) = &self.b.security_contact {
            match &self.s.global.security_contact {
                Observed::Unreadable { read_error } => {
                    let e = read_error.clone();
                    self.read_failed(GLOBAL, Part::SecurityContact, &e)
                }
                Observed::Known(None) => {
                    self.push(
                        GLOBAL,
                        None,
                        account::PutAlternateContact {
                            alternate_contact_type: "SECURITY".into(),
                            name: contact.name.clone(),
                            title: contact.title.clone(),
                            email_address: contact.email_address.clone(),
                            phone_number: contact.phone_number.clone(),
                        },
                        vec![],
                    );
                }
                Observed::Known(Some(existing)) => {
                    if existing.email_address != contact.email_address {
                        self.skip(
                            "global/put_alternate_contact",
                            GLOBAL,
                            SkipReason::SecurityContactKept,
                            format!(
                                "the account already has a SECURITY contact (`{}`); it is kept",
                                existing.email_address
                            ),
                        );
                    }
                }
            }
        }
    }

    fn account_public_access_block(&mut self) {
        let snapshot: &'a Snapshot = self.s;
        let Some(v) = self.seen(
            GLOBAL,
            Part::AccountPublicAccessBlock,
            &snapshot.global.account_public_access_block,
        ) else {
            return;
        };
        let existing = v.unwrap_or_default();
        let desired = existing.union(&PublicAccessBlock::ALL);
        if desired == existing {
            return;
        }
        // Blocking public access account-wide would cut off a bucket that is public on
        // purpose (a website, public assets): never break what is in use.
        let public: Vec<String> = match self.s.global.buckets.known() {
            None => {
                return self.skip(
                    "global/put_account_public_access_block",
                    GLOBAL,
                    SkipReason::ReadFailed,
                    "the bucket list could not be read, so it is unknown whether blocking \
                     public access account-wide would cut off a public bucket"
                        .into(),
                );
            }
            Some(buckets) => buckets
                .iter()
                .filter(|b| bucket_is_public(b))
                .map(|b| format!("`{}`", b.name))
                .collect(),
        };
        if !public.is_empty() {
            return self.skip(
                "global/put_account_public_access_block",
                GLOBAL,
                SkipReason::PublicBucketInUse,
                format!(
                    "blocking public access account-wide would cut off the public bucket(s) {}; \
                     make them private (or serve them through CloudFront) and apply again",
                    public.join(", ")
                ),
            );
        }
        self.push(
            GLOBAL,
            None,
            s3control::PutAccountPublicAccessBlock {
                configuration: desired,
            },
            vec![],
        );
    }
}

/// The password policy to set: the baseline's, with every stronger existing value kept.
pub fn merged_password_policy(existing: Option<&PasswordPolicy>, b: &Baseline) -> PasswordPolicy {
    let t = &b.password_policy;
    let e = existing.cloned().unwrap_or_default();
    PasswordPolicy {
        minimum_password_length: t.minimum_password_length.max(e.minimum_password_length),
        require_symbols: t.require_symbols || e.require_symbols,
        require_numbers: t.require_numbers || e.require_numbers,
        require_uppercase_characters: t.require_uppercase_characters
            || e.require_uppercase_characters,
        require_lowercase_characters: t.require_lowercase_characters
            || e.require_lowercase_characters,
        allow_users_to_change_password: t.allow_users_to_change_password
            || e.allow_users_to_change_password,
        max_password_age: Some(match e.max_password_age {
            Some(days) if existing.is_some() => days.min(t.max_password_age),
            _ => t.max_password_age,
        }),
        password_reuse_prevention: Some(
            t.password_reuse_prevention
                .max(e.password_reuse_prevention.unwrap_or(0)),
        ),
        // Hard expiry locks users out; the baseline does not set it, but keeps it if set.
        hard_expiry: e.hard_expiry,
    }
}
