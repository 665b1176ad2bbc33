//! IAM Access Analyzer: the region's analyzers and their archive rules; reading them; the
//! account analyzer and the rule that archives findings for trusted principals.

use serde::{Deserialize, Serialize};

use crate::operation::{ActionFacts, Change, Effect, Operation, SLR, find_mut, known};
use crate::part::Part;
use crate::snapshot::AwsError;
use crate::snapshot::accessanalyzer::*;

/// This service's kinds, in the order of the one list of kinds
/// ([`for_each_action!`](crate::for_each_action)): a new kind of this service is one more
/// line here.
#[doc(hidden)]
#[macro_export]
macro_rules! __kinds_accessanalyzer {
    ($m:ident [$($acc:tt)*] $rest:tt) => {
        $crate::__next_kinds! { $m [$($acc)*
            accessanalyzer::CreateAnalyzer,
            accessanalyzer::CreateArchiveRule,
            accessanalyzer::UpdateArchiveRule,
        ] $rest }
    };
}

const ACCESS_ANALYZER: ActionFacts = ActionFacts {
    service: "accessanalyzer",
    reads: &[Part::Analyzers],
    // `CreateAnalyzer`, `CreateArchiveRule` and `UpdateArchiveRule` take a `clientToken`.
    client_token: true,
    ..ActionFacts::DEFAULT
};

/// `access-analyzer:CreateAnalyzer` of type `ACCOUNT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateAnalyzer {
    pub analyzer_name: String,
    pub r#type: String,
}

impl Operation for CreateAnalyzer {
    const FACTS: ActionFacts = ActionFacts {
        // `GetAnalyzer`: an analyzer of the name already there is success only if it has
        // the planned type.
        iam_actions: &[
            "access-analyzer:CreateAnalyzer",
            SLR,
            "access-analyzer:GetAnalyzer",
        ],
        change: Change::Create,
        // IAMAccessAnalyzerFullAccess grants its service-linked role.
        service_linked_roles: &["access-analyzer.amazonaws.com"],
        ..ACCESS_ANALYZER
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        known(&mut e.regional()?.analyzers, "analyzers")?.push(Analyzer {
            name: self.analyzer_name.clone(),
            kind: self.r#type.clone(),
            status: "ACTIVE".into(),
            archive_rules: Default::default(),
        });
        Ok(())
    }
}

/// `access-analyzer:CreateArchiveRule`: archives findings whose filter matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreateArchiveRule {
    pub analyzer_name: String,
    pub rule_name: String,
    pub filter: ArchiveFilter,
}

impl Operation for CreateArchiveRule {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["access-analyzer:CreateArchiveRule"],
        change: Change::Create,
        ..ACCESS_ANALYZER
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        set_rule(e, &self.analyzer_name, &self.rule_name, &self.filter)
    }
}

/// `access-analyzer:UpdateArchiveRule`: replaces the filter of an adopted rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UpdateArchiveRule {
    pub analyzer_name: String,
    pub rule_name: String,
    pub filter: ArchiveFilter,
}

impl Operation for UpdateArchiveRule {
    const FACTS: ActionFacts = ActionFacts {
        iam_actions: &["access-analyzer:UpdateArchiveRule"],
        ..ACCESS_ANALYZER
    };

    fn effect(&self, e: &mut Effect<'_>) -> Result<(), AwsError> {
        set_rule(e, &self.analyzer_name, &self.rule_name, &self.filter)
    }
}

fn set_rule(
    e: &mut Effect<'_>,
    analyzer: &str,
    rule: &str,
    filter: &ArchiveFilter,
) -> Result<(), AwsError> {
    let analyzers = known(&mut e.regional()?.analyzers, "analyzers")?;
    find_mut(
        analyzers,
        |a| a.name == analyzer,
        || format!("analyzer `{analyzer}`"),
    )?
    .archive_rules
    .insert(rule.to_string(), filter.clone());
    Ok(())
}
