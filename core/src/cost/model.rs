//! The cost model's data: the dated price table (`core/data/prices.json`) and the usage an
//! empty account has (`core/data/cost-usage.json`), both compiled in. A price update
//! changes these files, never the code.

use serde::{Deserialize, Serialize};

/// A low / typical / high triple (USD, or a quantity).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Range {
    pub low: f64,
    pub typical: f64,
    pub high: f64,
}

impl Range {
    pub const ZERO: Range = Range::flat(0.0);

    pub const fn flat(v: f64) -> Range {
        Range {
            low: v,
            typical: v,
            high: v,
        }
    }

    pub fn map(self, f: impl Fn(f64) -> f64) -> Range {
        Range {
            low: f(self.low),
            typical: f(self.typical),
            high: f(self.high),
        }
    }

    /// Combines two ranges point by point (low with low, …).
    pub fn zip(self, other: Range, f: impl Fn(f64, f64) -> f64) -> Range {
        Range {
            low: f(self.low, other.low),
            typical: f(self.typical, other.typical),
            high: f(self.high, other.high),
        }
    }

    pub fn plus(self, other: Range) -> Range {
        self.zip(other, |a, b| a + b)
    }

    pub fn minus(self, other: Range) -> Range {
        self.zip(other, |a, b| a - b)
    }

    pub fn times(self, other: Range) -> Range {
        self.zip(other, |a, b| a * b)
    }

    pub fn scale(self, k: f64) -> Range {
        self.map(|v| v * k)
    }

    /// Rounded to cents.
    pub fn cents(self) -> Range {
        self.map(round_cents)
    }

    pub fn is_zero(&self) -> bool {
        self.low == 0.0 && self.typical == 0.0 && self.high == 0.0
    }
}

/// `v` rounded to cents (and never `-0`).
pub fn round_cents(v: f64) -> f64 {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

/// One list price: `usd` for `per` units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub usd: f64,
    pub per: f64,
    pub unit: String,
    /// The pricing page (and the tier or condition) the price comes from.
    pub source: String,
}

impl Price {
    /// USD for one unit.
    pub fn each(&self) -> f64 {
        self.usd / self.per
    }

    /// For tests and examples: `usd` for `per` units, no source.
    pub fn new(usd: f64, per: f64) -> Price {
        Price {
            usd,
            per,
            unit: String::new(),
            source: String::new(),
        }
    }
}

/// Every price the model uses, by name (a missing or unknown name is an error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Prices {
    pub security_hub_check: Price,
    pub config_item: Price,
    pub cloudtrail_extra_management_event: Price,
    pub cloudtrail_data_event: Price,
    pub guardduty_management_event: Price,
    pub guardduty_flow_dns_gb: Price,
    pub guardduty_s3_data_event: Price,
    pub guardduty_runtime_vcpu_month: Price,
    pub kms_key_month: Price,
    pub kms_request: Price,
    /// `per` is the number of free requests a month; `usd` is 0.
    pub kms_free_requests: Price,
    pub logs_ingestion_gb: Price,
    pub vended_logs_s3_gb: Price,
    pub logs_storage_gb_month: Price,
    pub s3_storage_gb_month: Price,
    pub s3_put_request: Price,
    pub inspector_ec2_instance_month: Price,
    pub inspector_ecr_image: Price,
    pub inspector_lambda_function_month: Price,
    pub inspector_lambda_code_function_month: Price,
    pub macie_bucket_month: Price,
    pub macie_objects_monitored: Price,
    pub macie_gb_inspected: Price,
}

/// The dated price table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// The date the prices were taken from the pricing pages (`YYYY-MM-DD`).
    pub as_of: String,
    /// The region whose list prices these are.
    pub region: String,
    pub currency: String,
    pub note: String,
    pub prices: Prices,
}

/// An assumed quantity with the reason for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assumed {
    pub low: f64,
    pub typical: f64,
    pub high: f64,
    pub why: String,
}

impl Assumed {
    pub fn range(&self) -> Range {
        Range {
            low: self.low,
            typical: self.typical,
            high: self.high,
        }
    }

    /// For tests: the same value in all three cases.
    pub fn flat(v: f64) -> Assumed {
        Assumed {
            low: v,
            typical: v,
            high: v,
            why: String::new(),
        }
    }
}

/// What an empty account does in a month (low / typical / high).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Usage {
    pub note: String,
    pub management_events_per_region: Assumed,
    pub management_event_kb: Assumed,
    pub compressed_fraction: Assumed,
    pub trail_log_files_per_region: Assumed,
    pub trail_digest_files_per_region: Assumed,
    pub config_items_per_region: Assumed,
    pub config_items_global: Assumed,
    pub config_deliveries_per_region: Assumed,
    pub checks_per_control: Assumed,
    pub flow_dns_gb_per_vpc_region: Assumed,
    pub flow_log_reject_gb_per_vpc: Assumed,
    pub access_log_gb_per_customer_bucket: Assumed,
    pub access_log_ratio: Assumed,
    pub kms_extra_request_fraction: Assumed,
    pub macie_gb_inspected_per_region: Assumed,
    pub log_bucket_months: Assumed,
}

/// Prices and usage together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostModel {
    pub prices: PriceTable,
    pub usage: Usage,
}

impl CostModel {
    /// The model compiled into this build.
    pub fn builtin() -> &'static CostModel {
        use std::sync::OnceLock;
        static MODEL: OnceLock<CostModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            CostModel::from_json(
                include_str!("../../data/prices.json"),
                include_str!("../../data/cost-usage.json"),
            )
            .expect("the compiled-in price table and usage parse")
        })
    }

    pub fn from_json(prices: &str, usage: &str) -> Result<CostModel, serde_json::Error> {
        Ok(CostModel {
            prices: serde_json::from_str(prices)?,
            usage: serde_json::from_str(usage)?,
        })
    }
}
