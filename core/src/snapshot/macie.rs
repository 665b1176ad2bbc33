//! Macie: its state in a region; reading it; enabling Macie and automated sensitive data
//! discovery, with the tool's log buckets out of its scope.

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
