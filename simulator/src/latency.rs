//! The latency model: how long each call takes on virtual time, and the per-service,
//! per-region rate limits (the table is in the crate documentation).

use std::collections::BTreeMap;
use std::time::Duration;

use secure_account_core::Action;
use secure_account_core::action::ActionKind;

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
    /// How long a standards subscription stays `PENDING` (and `NOT_READY_FOR_UPDATES`)
    /// after `batch_enable_standards` answered; zero: `READY` at once.
    pub standard_ready: Duration,
    /// How long each resource type `enable_inspector` asked for stays `ENABLING` after the
    /// call answered; zero: `ENABLED` at once.
    pub inspector_enabled: Duration,
}

/// How long AWS takes to make a new standards subscription `READY`, in the AWS-like model.
///
/// AWS documents no typical figure: `BatchEnableStandards` answers `PENDING` and the
/// subscription turns `READY` later (API_StandardsSubscription). terraform-provider-aws
/// waits up to 3 minutes for it (`standardsSubscriptionCreateTimeout`, a budget, not a
/// typical time); 60 s, a third of that budget, is the figure used here.
pub const AWS_STANDARD_READY: Duration = Duration::from_secs(60);

/// How long Inspector's resource types stay `ENABLING` after `Enable` answered, in the
/// AWS-like model.
///
/// An assumption: AWS documents no figure. `Enable` answers at once with the types
/// `ENABLING` (API_Enable, API_State) and they turn `ENABLED` once Inspector has set up the
/// account's scanning; terraform-provider-aws's `aws_inspector2_enabler` polls
/// `BatchGetAccountStatus` every 10 s within a 5-minute budget. 30 s is used here.
pub const AWS_INSPECTOR_ENABLED: Duration = Duration::from_secs(30);

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
            standard_ready: Duration::ZERO,
            inspector_enabled: Duration::ZERO,
        }
    }

    /// Latencies and limits measured to be typical of AWS (see the crate documentation).
    pub fn aws_like() -> LatencyModel {
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
            ("cloudformation", 100),
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
            ("cloudformation", 5.0, 10),
        ];
        LatencyModel {
            writes: ActionKind::all()
                .map(|k| (k.name().to_string(), ms(crate::aws::aws_write_ms(k))))
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
            standard_ready: AWS_STANDARD_READY,
            inspector_enabled: AWS_INSPECTOR_ENABLED,
        }
    }

    /// How long a successful call of `action` takes (the bench computes the plan's critical
    /// path with it).
    pub fn latency(&self, action: &Action) -> Duration {
        self.write_latency(action.name())
    }

    /// How long `action` takes until it is done, at the least: its call, and for
    /// `batch_enable_standards` the time the subscription stays `PENDING` plus the read
    /// that sees it `READY`, for `enable_inspector` the time its types stay `ENABLING`
    /// plus the read that sees them `ENABLED` (the engine waits for both; the bench's
    /// critical path includes them).
    pub fn until_done(&self, action: &Action) -> Duration {
        let call = self.latency(action);
        if matches!(action, Action::BatchEnableStandards(_)) {
            call + self.standard_ready + self.read_latency("securityhub")
        } else if matches!(action, Action::EnableInspector(_)) {
            call + self.inspector_enabled + self.read_latency("inspector2")
        } else {
            call
        }
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
    use secure_account_core::action::{ec2, s3};

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
            m.latency(
                &s3::CreateBucket {
                    bucket: "b".into(),
                    location_constraint: None,
                    tags: Default::default()
                }
                .into()
            ),
            ms(300)
        );
        assert_eq!(
            m.latency(&ec2::DeleteVpc { vpc_id: "v".into() }.into()),
            ms(500)
        );
        assert_eq!(
            LatencyModel::zero().latency(&ec2::EnableEbsEncryptionByDefault {}.into()),
            Duration::ZERO
        );
    }
}
