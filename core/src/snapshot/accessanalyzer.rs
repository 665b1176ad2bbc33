//! IAM Access Analyzer: the region's analyzers and their archive rules; reading them; the
//! account analyzer and the rule that archives findings for trusted principals.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
