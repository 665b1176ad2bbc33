//! Account: the account's alternate contacts.

use secure_account_core::action::account::PutAlternateContact;

use super::*;

impl Simulate for PutAlternateContact {
    const AWS_LATENCY_MS: u64 = 300;

    fn check(&self, _: &Check<'_>) -> Result<(), AwsError> {
        let alternate_contact_type = self.alternate_contact_type.as_str();
        let (name, email_address, phone_number) =
            (&self.name, &self.email_address, &self.phone_number);
        if !matches!(
            alternate_contact_type,
            "BILLING" | "OPERATIONS" | "SECURITY"
        ) {
            return err(
                "ValidationException",
                format!("Invalid AlternateContactType {alternate_contact_type}"),
            );
        }
        let email_ok = email_address
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        if name.is_empty() || !email_ok || phone_number.is_empty() {
            return err(
                "ValidationException",
                "Invalid input: name, a valid email address and a phone number are required",
            );
        }
        Ok(())
    }
}
