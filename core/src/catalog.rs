//! The project's versioned catalog of FSBP v1.0.0 controls, kept as data in
//! `core/data/fsbp-catalog.json` and compiled in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the compiled-in catalog (the date of the research snapshot it follows).
pub const CATALOG_VERSION: &str = "2026-03";

/// The FSBP standard's ARN in a region.
pub fn fsbp_standards_arn(region: &str) -> String {
    format!(
        "arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0"
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub version: String,
    pub standard: String,
    pub source: String,
    pub controls: Vec<Control>,
    /// Position of each control in `controls`, by id (the planner and the evaluator look
    /// controls up in every region).
    #[serde(skip)]
    index: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Active,
    Retired,
}

/// One control of the standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    /// Security control id, e.g. `S3.1`.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub resource_types: Vec<String>,
    /// `false` for controls on global resources (IAM): Security Hub evaluates them where
    /// Config records global resources, so the baseline keeps them in the home region only.
    pub regional: bool,
    /// When the control joined the standard (`YYYY-MM-DD`).
    pub added: String,
    pub status: ControlStatus,
    /// How Security Hub evaluates it: the AWS Config managed rule behind it, or `None`
    /// for a service-managed check.
    pub config_rule: Option<String>,
    /// `change-triggered`, `periodic` or both.
    pub schedule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
}

impl Catalog {
    /// The catalog compiled into this build.
    pub fn builtin() -> &'static Catalog {
        use std::sync::OnceLock;
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::from_json(include_str!("../data/fsbp-catalog.json"))
                .expect("the compiled-in catalog parses")
        })
    }

    pub fn from_json(text: &str) -> Result<Catalog, serde_json::Error> {
        let c: Catalog = serde_json::from_str(text)?;
        Ok(Catalog::new(c.version, c.standard, c.source, c.controls))
    }

    pub fn new(
        version: String,
        standard: String,
        source: String,
        controls: Vec<Control>,
    ) -> Catalog {
        let index = controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Catalog {
            version,
            standard,
            source,
            controls,
            index,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Control> {
        self.index.get(id).and_then(|&i| self.controls.get(i))
    }

    /// Active controls, in catalog order.
    pub fn active(&self) -> impl Iterator<Item = &Control> {
        self.controls
            .iter()
            .filter(|c| c.status == ControlStatus::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_loads_and_ids_are_unique() {
        let c = Catalog::builtin();
        assert_eq!(c.version, CATALOG_VERSION);
        let mut ids: Vec<_> = c.controls.iter().map(|c| c.id.as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate control ids");
        assert!(c.active().count() > 300);
        assert!(c.get("IAM.6").is_some_and(|c| !c.regional));
    }
}
