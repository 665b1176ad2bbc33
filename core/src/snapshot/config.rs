//! AWS Config: the region's recorders and delivery channels; reading them; creating,
//! converging and starting them (Config.1).

use serde::{Deserialize, Serialize};

use super::{PartFacts, Reach};

// ---- state ----

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ConfigService {
    pub recorders: Vec<ConfigRecorder>,
    pub delivery_channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ConfigRecorder {
    pub name: String,
    pub role_arn: String,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// Resource types recorded when `all_supported` is false.
    pub resource_types: Vec<String>,
    pub recording: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct DeliveryChannel {
    pub name: String,
    pub s3_bucket_name: String,
    pub s3_key_prefix: Option<String>,
}

// ---- reads ----

/// `config`: the recorders, their status and the delivery channels.
pub const READ_CONFIG: PartFacts = PartFacts {
    reach: Reach::Regional,
    service: "config",
    iam_actions: &[
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:DescribeDeliveryChannels",
    ],
};
