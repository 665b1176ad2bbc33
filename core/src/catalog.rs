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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Active,
    Retired,
}

/// One control of the standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// The regions that offer the control, when not every region does
    /// (`core/data/regional-availability.json`); `None`: every region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered_in: Option<Vec<String>>,
}

impl Control {
    /// Whether `region` offers the control (Security Hub has it there).
    pub fn offered_in(&self, region: &str) -> bool {
        self.offered_in
            .as_ref()
            .is_none_or(|regions| regions.iter().any(|r| r == region))
    }

    /// A control on a global resource offered everywhere (IAM): Security Hub evaluates it
    /// in every region where it is enabled, so the baseline keeps it in the home region.
    /// Controls offered in one region only (CloudFront, Route 53, WAF Classic global) are
    /// not: disabling them there leaves them evaluated nowhere.
    pub fn kept_in_home_region_only(&self) -> bool {
        !self.regional && self.offered_in.is_none()
    }
}

/// Where controls are offered, when not everywhere: `core/data/regional-availability.json`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct RegionalAvailability {
    controls: Vec<AvailabilityGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct AvailabilityGroup {
    ids: Vec<String>,
    regions: Vec<String>,
}

impl Catalog {
    /// The catalog compiled into this build.
    pub fn builtin() -> &'static Catalog {
        use std::sync::OnceLock;
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let mut catalog = Catalog::from_json(include_str!("../data/fsbp-catalog.json"))
                .expect("the compiled-in catalog parses");
            let availability: RegionalAvailability =
                serde_json::from_str(include_str!("../data/regional-availability.json"))
                    .expect("the compiled-in regional availability parses");
            for group in availability.controls {
                for id in &group.ids {
                    let i = catalog
                        .position(id)
                        .unwrap_or_else(|| panic!("regional availability names `{id}`"));
                    catalog.controls[i].offered_in = Some(group.regions.clone());
                }
            }
            catalog
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

    /// The position of control `id` in `controls`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
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

/// How another catalog (a newer research file, or the live standard) differs from the
/// reviewed one, over active controls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CatalogDiff {
    /// Active in the other catalog, not in the reviewed one: a baseline reviewed against
    /// this catalog disables them as "not yet reviewed".
    pub added: Vec<String>,
    /// Active in the reviewed catalog, retired or absent in the other one.
    pub removed: Vec<String>,
    /// In both, with a field that differs.
    pub changed: Vec<ControlChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ControlChange {
    pub id: String,
    pub field: String,
    pub reviewed: String,
    pub other: String,
}

impl CatalogDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The key that sorts control ids as Security Hub lists them (`EC2.2` before `EC2.10`).
pub fn control_sort_key(id: &str) -> (String, u32) {
    match id.rsplit_once('.') {
        Some((p, n)) => (p.to_ascii_lowercase(), n.parse::<u32>().unwrap_or(u32::MAX)),
        None => (id.to_ascii_lowercase(), 0),
    }
}

/// Sorts control ids as Security Hub lists them (`EC2.2` before `EC2.10`).
fn by_id(ids: &mut [String]) {
    ids.sort_by_key(|id| control_sort_key(id));
}

impl Catalog {
    /// The difference between this (reviewed) catalog and `other`.
    pub fn diff(&self, other: &Catalog) -> CatalogDiff {
        let mut d = CatalogDiff::default();
        for c in other.active() {
            match self
                .get(&c.id)
                .filter(|r| r.status == ControlStatus::Active)
            {
                None => d.added.push(c.id.clone()),
                Some(r) => {
                    let mut field = |name: &str, a: String, b: String| {
                        if a != b {
                            d.changed.push(ControlChange {
                                id: c.id.clone(),
                                field: name.into(),
                                reviewed: a,
                                other: b,
                            });
                        }
                    };
                    field(
                        "severity",
                        format!("{:?}", r.severity).to_uppercase(),
                        format!("{:?}", c.severity).to_uppercase(),
                    );
                    field("regional", r.regional.to_string(), c.regional.to_string());
                    field("title", r.title.clone(), c.title.clone());
                }
            }
        }
        for r in self.active() {
            if other
                .get(&r.id)
                .is_none_or(|c| c.status != ControlStatus::Active)
            {
                d.removed.push(r.id.clone());
            }
        }
        by_id(&mut d.added);
        by_id(&mut d.removed);
        d
    }

    /// The difference between this catalog and a live standard known only by its control
    /// ids (`securityhub:ListSecurityControlDefinitions`, or the account's associations).
    pub fn diff_ids<'a>(&self, live: impl IntoIterator<Item = &'a str>) -> CatalogDiff {
        let live: std::collections::BTreeSet<&str> = live.into_iter().collect();
        let mut d = CatalogDiff::default();
        for id in &live {
            if self
                .get(id)
                .is_none_or(|c| c.status != ControlStatus::Active)
            {
                d.added.push(id.to_string());
            }
        }
        for c in self.active() {
            if !live.contains(c.id.as_str()) {
                d.removed.push(c.id.clone());
            }
        }
        by_id(&mut d.added);
        by_id(&mut d.removed);
        d
    }

    /// This catalog with the live standard's controls it lacks added, for review
    /// (`controls diff --write`): each added control is a placeholder that names itself and
    /// says what to fill in from the AWS controls reference before it is relied on.
    pub fn with_live_controls<'a>(&self, live: impl IntoIterator<Item = &'a str>) -> Catalog {
        let mut controls = self.controls.clone();
        for id in live {
            if self.get(id).is_none() {
                controls.push(Control {
                    id: id.to_string(),
                    title: "NOT REVIEWED: in the live standard, not in the reviewed catalog; fill \
                            in title, severity, resource types, scope, date added and rule from \
                            the Security Hub controls reference"
                        .into(),
                    severity: Severity::Medium,
                    resource_types: Vec::new(),
                    regional: true,
                    added: "unknown".into(),
                    status: ControlStatus::Active,
                    config_rule: None,
                    schedule: "unknown".into(),
                    renamed_to: None,
                    offered_in: None,
                });
            }
        }
        controls.sort_by_key(|c| control_sort_key(&c.id));
        Catalog::new(
            format!("{}+live", self.version),
            self.standard.clone(),
            format!(
                "{}; controls added from the account's live standard",
                self.source
            ),
            controls,
        )
    }

    /// The catalog file's JSON (the shape of `core/data/fsbp-catalog.json`).
    pub fn to_file_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a catalog always serialises");
        text.push('\n');
        text
    }

    /// Reads a catalog file, or a JSON list of controls (the research file's shape).
    pub fn from_json_or_list(text: &str) -> Result<Catalog, serde_json::Error> {
        match serde_json::from_str::<Vec<Control>>(text) {
            Ok(controls) => Ok(Catalog::new(
                "unversioned".into(),
                "aws-foundational-security-best-practices/v/1.0.0".into(),
                "a list of controls".into(),
                controls,
            )),
            Err(_) => Catalog::from_json(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_finds_added_removed_and_changed_controls() {
        let reviewed = Catalog::builtin();
        let mut controls = reviewed.controls.clone();
        controls.retain(|c| c.id != "S3.1");
        let mut new = controls[0].clone();
        new.id = "EC2.183".into();
        controls.push(new);
        for c in controls.iter_mut().filter(|c| c.id == "IAM.6") {
            c.severity = Severity::High;
        }
        let other = Catalog::new(
            "next".into(),
            reviewed.standard.clone(),
            "test".into(),
            controls,
        );
        let d = reviewed.diff(&other);
        assert_eq!(d.added, ["EC2.183"]);
        assert_eq!(d.removed, ["S3.1"]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].id, "IAM.6");
        assert!(reviewed.diff(reviewed).is_empty());
    }

    #[test]
    fn diff_against_live_ids() {
        let reviewed = Catalog::builtin();
        let mut live: Vec<&str> = reviewed.active().map(|c| c.id.as_str()).collect();
        live.retain(|id| *id != "EC2.2");
        live.push("EC2.999");
        let d = reviewed.diff_ids(live);
        assert_eq!(d.added, ["EC2.999"]);
        assert_eq!(d.removed, ["EC2.2"]);
    }

    #[test]
    fn the_research_list_parses_as_a_catalog() {
        let text = r#"[{"id":"X.1","title":"t","severity":"LOW","resource_types":[],"regional":true,"added":"2026-01-01","status":"active","config_rule":null,"schedule":"periodic","extra":1}]"#;
        let c = Catalog::from_json_or_list(text).unwrap();
        assert!(c.get("X.1").is_some());
    }

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
