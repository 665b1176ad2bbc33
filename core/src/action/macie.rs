//! Macie: its state in a region; reading it; enabling Macie and automated sensitive data
//! discovery, with the tool's log buckets out of its scope.

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Change, Effect, ErrorClass, Operation, SLR, known};
use crate::part::Part;
use crate::snapshot::AwsError;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_macie {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            macie::EnableMacie,
            macie::UpdateAutomatedDiscoveryConfiguration,
            macie::UpdateClassificationScope,
        ] $rest }
    };
}

const MACIE: ActionFacts = ActionFacts {
    service: "macie2",
    reads: &[Part::Macie],
    ..ActionFacts::DEFAULT
};

/// Macie's settings answer `AccessDeniedException` "Macie is not enabled" for a short
/// while after `EnableMacie` (shared/research/aws-behaviour.md, second pass): propagation,
/// not a missing permission, which answers the same code with another message.
const MACIE_SETTLING: &[(&str, &str, ErrorClass)] = &[(
    "AccessDeniedException",
    "Macie is not enabled",
    ErrorClass::ResourcePropagation,
)];

/// `macie2:EnableMacie`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnableMacie {
    pub finding_publishing_frequency: String,
}

impl Operation for EnableMacie {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["macie2:EnableMacie", SLR],
        change: Change::Create,
        client_token: true,
        controls: &["Macie.1"],
        // AmazonMacieFullAccess grants its service-linked role.
        service_linked_roles: &["macie.amazonaws.com"],
        ..MACIE
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(&mut e.regional()?.macie, "Macie")?.enabled = true;
        Ok(())
    }
}

/// `macie2:UpdateAutomatedDiscoveryConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateAutomatedDiscoveryConfiguration {
    pub status: String,
}

impl Operation for UpdateAutomatedDiscoveryConfiguration {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["macie2:UpdateAutomatedDiscoveryConfiguration"],
        controls: &["Macie.2"],
        transient_messages: MACIE_SETTLING,
        ..MACIE
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(&mut e.regional()?.macie, "Macie")?.automated_discovery = self.status == "ENABLED";
        Ok(())
    }
}

/// `macie2:UpdateClassificationScope` (the scope `macie2:ListClassificationScopes` names),
/// adding these buckets to the exclusions of automated discovery (operation `ADD`: the
/// customer's own exclusions stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateClassificationScope {
    pub exclude_bucket_names: Vec<String>,
}

impl Operation for UpdateClassificationScope {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &[
            "macie2:UpdateClassificationScope",
            "macie2:ListClassificationScopes",
        ],
        // The log buckets are left out of discovery only once known to be the tool's.
        reads: &[Part::Macie, Part::Buckets],
        transient_messages: MACIE_SETTLING,
        ..MACIE
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        let m = known(&mut e.regional()?.macie, "Macie")?;
        m.excluded_buckets
            .extend(self.exclude_bucket_names.iter().cloned());
        m.excluded_buckets.sort();
        m.excluded_buckets.dedup();
        Ok(())
    }
}
