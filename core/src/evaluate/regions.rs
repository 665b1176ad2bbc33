//! [`RegionStatuses`]: the status of one control in each region of the scope.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Index;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Status;

/// The status of a control in each region: a map from region name to status, read like a
/// `BTreeMap<String, Status>` (`get`, `[region]`, `iter`, `keys`, `values`, in region
/// order) and serialised as one (`{"eu-west-1": "passed", …}`).
///
/// Every result of an evaluation has the same regions, so the names are shared (one
/// allocation per evaluation) and each result holds only its statuses.
#[derive(Clone)]
pub struct RegionStatuses {
    /// Sorted and unique.
    names: Arc<[String]>,
    /// One per name (shared too, between the results that have the same).
    statuses: Arc<[Status]>,
}

impl RegionStatuses {
    /// `names` sorted and unique, `statuses` one per name.
    pub(super) fn new(names: Arc<[String]>, statuses: Arc<[Status]>) -> Self {
        debug_assert_eq!(names.len(), statuses.len());
        debug_assert!(names.windows(2).all(|w| w[0] < w[1]));
        RegionStatuses { names, statuses }
    }

    /// The status in `region`, if the region is in the map.
    pub fn get(&self, region: &str) -> Option<&Status> {
        self.names
            .binary_search_by(|name| name.as_str().cmp(region))
            .ok()
            .map(|i| &self.statuses[i])
    }

    /// The statuses, in region order.
    pub(super) fn statuses(&self) -> &[Status] {
        &self.statuses
    }

    pub fn contains_key(&self, region: &str) -> bool {
        self.get(region).is_some()
    }

    /// `(region, status)` pairs, in region order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Status)> + ExactSizeIterator {
        self.names.iter().zip(self.statuses.iter())
    }

    /// The regions, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.names.iter()
    }

    /// The statuses, in region order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Status> + ExactSizeIterator {
        self.statuses.iter()
    }

    pub fn len(&self) -> usize {
        self.statuses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.statuses.is_empty()
    }
}

impl<Q: AsRef<str> + ?Sized> Index<&Q> for RegionStatuses {
    type Output = Status;

    /// The status in `region`; panics when the region is not in the map (as a `BTreeMap`).
    fn index(&self, region: &Q) -> &Status {
        let region = region.as_ref();
        self.get(region)
            .unwrap_or_else(|| panic!("region `{region}` is not in the map"))
    }
}

impl<'a> IntoIterator for &'a RegionStatuses {
    type Item = (&'a String, &'a Status);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, String>, std::slice::Iter<'a, Status>>;

    fn into_iter(self) -> Self::IntoIter {
        self.names.iter().zip(self.statuses.iter())
    }
}

impl FromIterator<(String, Status)> for RegionStatuses {
    fn from_iter<I: IntoIterator<Item = (String, Status)>>(pairs: I) -> Self {
        pairs.into_iter().collect::<BTreeMap<_, _>>().into()
    }
}

impl From<BTreeMap<String, Status>> for RegionStatuses {
    fn from(map: BTreeMap<String, Status>) -> Self {
        let (names, statuses): (Vec<String>, Vec<Status>) = map.into_iter().unzip();
        RegionStatuses {
            names: names.into(),
            statuses: statuses.into(),
        }
    }
}

impl PartialEq for RegionStatuses {
    fn eq(&self, other: &Self) -> bool {
        self.statuses[..] == other.statuses[..]
            && (Arc::ptr_eq(&self.names, &other.names) || self.names == other.names)
    }
}

impl Eq for RegionStatuses {}

impl fmt::Debug for RegionStatuses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for RegionStatuses {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// In JSON, a map of region → status.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for RegionStatuses {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RegionStatuses".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<String, Status>>::json_schema(generator)
    }
}

impl<'de> Deserialize<'de> for RegionStatuses {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<String, Status>::deserialize(deserializer).map(RegionStatuses::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Failed, NoData, Passed};

    fn map() -> BTreeMap<String, Status> {
        BTreeMap::from([
            ("us-east-1".to_string(), Failed),
            ("eu-west-1".to_string(), Passed),
            ("ap-south-1".to_string(), NoData),
        ])
    }

    #[test]
    fn reads_like_the_map_it_replaces() {
        let map = map();
        let regions = RegionStatuses::from(map.clone());
        assert_eq!(regions.len(), 3);
        assert!(regions.iter().eq(map.iter()));
        assert!(regions.keys().eq(map.keys()));
        assert!(regions.values().eq(map.values()));
        assert!((&regions).into_iter().eq(map.iter()));
        assert_eq!(regions["eu-west-1"], Passed);
        assert_eq!(regions[&"us-east-1".to_string()], Failed);
        assert_eq!(regions.get("us-west-2"), None);
        assert!(!regions.contains_key("us-west-2"));
        assert_eq!(format!("{regions:?}"), format!("{map:?}"));
        assert_eq!(
            serde_json::to_string(&regions).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        let back: RegionStatuses =
            serde_json::from_str(&serde_json::to_string(&regions).unwrap()).unwrap();
        assert_eq!(back, regions);
        assert_eq!(map.into_iter().collect::<RegionStatuses>(), regions);
    }

    #[test]
    #[should_panic(expected = "region `us-west-2` is not in the map")]
    fn indexing_a_missing_region_panics() {
        let _ = RegionStatuses::from(map())["us-west-2"];
    }
}
