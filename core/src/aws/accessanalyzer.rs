//! IAM Access Analyzer: the region's analyzers and their archive rules; reading them; the
//! account analyzer and the rule that archives findings for trusted principals.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::{ActionFacts, Change, Operation, SLR};
use crate::effects::{Effect, find_mut, known};
use crate::part::{Part, PartFacts, Reach};
use crate::snapshot::AwsError;

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analyzer {
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, …
    pub kind: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
    /// Archive rules by name: each rule's filter, finding field to criterion.
    pub archive_rules: BTreeMap<String, ArchiveFilter>,
}

/// An IAM Access Analyzer archive rule's filter: a finding field (`principal.AWS`) to the
/// criterion it must meet; a finding is archived when every criterion holds.
pub type ArchiveFilter = BTreeMap<String, Criterion>;

/// One criterion of an archive rule's filter (Access Analyzer API `Criterion`): the field
/// equals one of `eq`, equals none of `neq`, contains one of `contains`, or exists.
/// AWS takes at most [`Criterion::MAX_VALUES`] values in each list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Criterion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

impl Criterion {
    /// The most values `eq`, `neq` or `contains` may hold (API_Criterion: 1 to 20 items).
    pub const MAX_VALUES: usize = 20;

    /// The field equals one of `values`.
    pub fn eq(values: Vec<String>) -> Criterion {
        Criterion {
            eq: Some(values),
            ..Criterion::default()
        }
    }
}

impl<'de> Deserialize<'de> for Criterion {
    /// The API's object, or a plain list of values (`eq`), as snapshots of earlier
    /// versions wrote it.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Criterion, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Object {
            #[serde(default)]
            eq: Option<Vec<String>>,
            #[serde(default)]
            neq: Option<Vec<String>>,
            #[serde(default)]
            contains: Option<Vec<String>>,
            #[serde(default)]
            exists: Option<bool>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Values(Vec<String>),
            Object(Object),
        }
        Ok(match Form::deserialize(d)? {
            Form::Values(values) => Criterion::eq(values),
            Form::Object(o) => Criterion {
                eq: o.eq,
                neq: o.neq,
                contains: o.contains,
                exists: o.exists,
            },
        })
    }
}

// ---- reads ----

/// `analyzers`: the analyzers with their archive rules.
pub const READ_ANALYZERS: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "accessanalyzer",
    iam_actions: &[
        "access-analyzer:ListAnalyzers",
        "access-analyzer:ListArchiveRules",
    ],
};

// ---- actions ----

const ACCESS_ANALYZER: ActionFacts = ActionFacts {
    service: "accessanalyzer",
    reads: &[Part::Analyzers],
    ..ActionFacts::DEFAULT
};

/// `access-analyzer:CreateAnalyzer` of type `ACCOUNT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
