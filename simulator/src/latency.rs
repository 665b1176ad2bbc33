//! The latency model: how long each call takes on virtual time, and the per-service,
//! per-region rate limits (the table is in the crate documentation).

use std::collections::BTreeMap;
use std::time::Duration;

use secure_account_core::Action;

/// A sustained rate with a burst, as a token bucket: `burst` calls may go at once, then one
/// every `1 / per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

/// Per-operation latencies and rate limits.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyModel {
    /// Latency of a write call by action name (`create_trail`).
    pub writes: BTreeMap<String, Duration>,
    /// Latency of a write call not listed in `writes`.
    pub default_write: Duration,
    /// Latency of one read call by service (`ec2`).
    pub reads: BTreeMap<String, Duration>,
    /// Latency of a read call of a service not listed in `reads`.
    pub default_read: Duration,
    /// Latency of an answer that is refused before any work (throttling, access denied, a
    /// region that is not enabled).
    pub rejection: Duration,
    /// Write rate limits by service, per region (account-wide services: per account).
    pub rate_limits: BTreeMap<String, RateLimit>,
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

impl LatencyModel {
    /// Everything instant, no rate limits.
    pub fn zero() -> LatencyModel {
        LatencyModel {
            writes: BTreeMap::new(),
            default_write: Duration::ZERO,
            reads: BTreeMap::new(),
            default_read: Duration::ZERO,
            rejection: Duration::ZERO,
            rate_limits: BTreeMap::new(),
        }
    }

    /// Latencies and limits measured to be typical of AWS (see the crate documentation).
    pub fn aws_like() -> LatencyModel {
        let writes: &[(&str, u64)] = &[
            ("enable_security_hub", 1500),
            ("update_security_hub_configuration", 300),
            ("batch_enable_standards", 2000),
            ("batch_update_standards_control_associations", 800),
            ("create_finding_aggregator", 500),
            ("create_detector", 600),
            ("update_detector", 400),
            ("create_service_linked_role", 400),
            ("create_role", 300),
            ("put_role_policy", 150),
            ("update_account_password_policy", 150),
            ("put_configuration_recorder", 300),
            ("put_delivery_channel", 500),
            ("start_configuration_recorder", 300),
            ("create_bucket", 300),
            ("put_public_access_block", 150),
            ("put_account_public_access_block", 200),
            ("put_bucket_ownership_controls", 150),
            ("put_bucket_encryption", 150),
            ("put_bucket_versioning", 150),
            ("put_bucket_policy", 200),
            ("put_bucket_lifecycle_configuration", 200),
            ("put_bucket_logging", 200),
            ("create_key", 400),
            ("create_alias", 150),
            ("put_key_policy", 200),
            ("enable_key_rotation", 150),
            ("create_log_group", 150),
            ("put_retention_policy", 100),
            ("create_trail", 800),
            ("update_trail", 600),
            ("put_event_selectors", 300),
            ("start_logging", 300),
            ("create_analyzer", 700),
            ("create_archive_rule", 300),
            ("update_archive_rule", 300),
            ("enable_ebs_encryption_by_default", 200),
            ("enable_snapshot_block_public_access", 300),
            ("modify_vpc_block_public_access_options", 400),
            ("detach_internet_gateway", 400),
            ("delete_internet_gateway", 300),
            ("delete_subnet", 300),
            ("delete_vpc", 500),
            ("update_work_group", 200),
            ("put_alternate_contact", 300),
            ("update_service_setting", 200),
            ("enable_inspector", 1500),
            ("enable_macie", 1000),
            ("update_automated_discovery_configuration", 300),
        ];
        let reads: &[(&str, u64)] = &[
            ("iam", 80),
            ("sts", 50),
            ("s3", 60),
            ("s3control", 60),
            ("account", 80),
            ("ec2", 120),
            ("securityhub", 100),
            ("guardduty", 80),
            ("config", 90),
            ("cloudtrail", 90),
            ("kms", 60),
            ("logs", 70),
            ("accessanalyzer", 90),
            ("athena", 80),
            ("ssm", 70),
            ("inspector2", 110),
            ("macie2", 110),
        ];
        let limits: &[(&str, f64, u32)] = &[
            ("ec2", 5.0, 50),
            ("securityhub", 10.0, 30),
            ("guardduty", 10.0, 20),
            ("config", 5.0, 10),
            ("cloudtrail", 5.0, 10),
            ("kms", 5.0, 10),
            ("s3", 50.0, 100),
            ("s3control", 10.0, 20),
            ("iam", 10.0, 20),
            ("logs", 5.0, 10),
            ("accessanalyzer", 5.0, 10),
            ("athena", 5.0, 10),
            ("ssm", 5.0, 5),
            ("account", 2.0, 5),
            ("inspector2", 5.0, 10),
            ("macie2", 5.0, 10),
        ];
        LatencyModel {
            writes: writes
                .iter()
                .map(|(k, v)| (k.to_string(), ms(*v)))
                .collect(),
            default_write: ms(300),
            reads: reads.iter().map(|(k, v)| (k.to_string(), ms(*v))).collect(),
            default_read: ms(100),
            rejection: ms(50),
            rate_limits: limits
                .iter()
                .map(|(s, per_second, burst)| {
                    (
                        s.to_string(),
                        RateLimit {
                            per_second: *per_second,
                            burst: *burst,
                        },
                    )
                })
                .collect(),
        }
    }

    /// How long a successful call of `action` takes (the bench computes the plan's critical
    /// path with it).
    pub fn latency(&self, action: &Action) -> Duration {
        self.write_latency(action.name())
    }

    pub(crate) fn write_latency(&self, name: &str) -> Duration {
        self.writes.get(name).copied().unwrap_or(self.default_write)
    }

    /// How long one read call of `service` takes.
    pub fn read_latency(&self, service: &str) -> Duration {
        self.reads
            .get(service)
            .copied()
            .unwrap_or(self.default_read)
    }
}

impl Default for LatencyModel {
    fn default() -> Self {
        LatencyModel::zero()
    }
}

/// Token buckets on virtual time, one per (service, region), kept as the theoretical
/// arrival time of the next call (GCRA): a call that arrives before its slot waits for it,
/// as the SDK's client-side rate limiter would make it.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    next_slot: BTreeMap<(String, String), Duration>,
}

impl RateLimiter {
    /// Reserves a slot for a call at `now` (time since the simulator started) and returns
    /// how long the call waits for it.
    pub fn reserve(
        &mut self,
        limit: RateLimit,
        service: &str,
        region: &str,
        now: Duration,
    ) -> Duration {
        if limit.per_second <= 0.0 {
            return Duration::ZERO;
        }
        let interval = Duration::from_secs_f64(1.0 / limit.per_second);
        let tolerance = interval * limit.burst.saturating_sub(1);
        let slot = self
            .next_slot
            .entry((service.to_string(), region.to_string()))
            .or_insert(Duration::ZERO);
        let tat = (*slot).max(now);
        let allowed_at = tat.saturating_sub(tolerance);
        *slot = tat + interval;
        allowed_at.saturating_sub(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_sustained_rate() {
        let mut rl = RateLimiter::default();
        let limit = RateLimit {
            per_second: 2.0,
            burst: 2,
        };
        let now = Duration::ZERO;
        assert_eq!(rl.reserve(limit, "ec2", "us-east-1", now), Duration::ZERO);
        assert_eq!(rl.reserve(limit, "ec2", "us-east-1", now), Duration::ZERO);
        assert_eq!(rl.reserve(limit, "ec2", "us-east-1", now), ms(500));
        assert_eq!(rl.reserve(limit, "ec2", "us-east-1", now), ms(1000));
        // Other regions have their own bucket.
        assert_eq!(rl.reserve(limit, "ec2", "eu-west-1", now), Duration::ZERO);
        // After a quiet period the bucket is full again.
        let later = Duration::from_secs(10);
        assert_eq!(rl.reserve(limit, "ec2", "us-east-1", later), Duration::ZERO);
        assert_eq!(rl.reserve(limit, "ec2", "us-east-1", later), Duration::ZERO);
    }

    #[test]
    fn every_action_has_an_aws_like_latency() {
        let m = LatencyModel::aws_like();
        assert_eq!(
            m.latency(&Action::CreateBucket { bucket: "b".into() }),
            ms(300)
        );
        assert_eq!(
            m.latency(&Action::DeleteVpc { vpc_id: "v".into() }),
            ms(500)
        );
        assert_eq!(
            LatencyModel::zero().latency(&Action::EnableEbsEncryptionByDefault {}),
            Duration::ZERO
        );
    }
}
