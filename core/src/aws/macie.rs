//! Macie: its state in a region; reading it; enabling Macie and automated sensitive data
//! discovery, with the tool's log buckets out of its scope.

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, Operation, SLR};
use crate::effects::{Effect, known};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::AwsError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Macie {
    pub enabled: bool,
    pub automated_discovery: bool,
    /// Buckets excluded from automated discovery (its classification scope).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_buckets: Vec<String>,
}

/// `macie`: the session, automated discovery and its classification scope.
pub const READ_MACIE: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "macie2",
    iam_actions: &[
        "macie2:GetMacieSession",
        "macie2:GetAutomatedDiscoveryConfiguration",
        "macie2:GetClassificationScope",
    ],
};

const MACIE: ActionFacts = ActionFacts {
    service: "macie2",
    reads: &[Part::Macie],
    ..ActionFacts::DEFAULT
};

/// `macie2:EnableMacie`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnableMacie {
    pub finding_publishing_frequency: String,
}

impl Operation for EnableMacie {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["macie2:EnableMacie", SLR],
        change: Change::Create,
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
pub struct UpdateAutomatedDiscoveryConfiguration {
    pub status: String,
}

impl Operation for UpdateAutomatedDiscoveryConfiguration {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["macie2:UpdateAutomatedDiscoveryConfiguration"],
        controls: &["Macie.2"],
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
