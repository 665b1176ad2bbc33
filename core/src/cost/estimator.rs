//! The estimator: one pass over the account's baseline state that prices each service.

use super::*;

pub(super) struct Estimator<'a> {
    pub(super) s: &'a Snapshot,
    pub(super) b: &'a Baseline,
    pub(super) p: &'a Prices,
    pub(super) u: &'a Usage,
    pub(super) items: Vec<CostItem>,
    /// Enabled regions of the account (a multi-region trail covers them all).
    pub(super) enabled: f64,
}

/// A trail that records something, with what it covers.
pub(super) struct LoggingTrail<'a> {
    trail: &'a Trail,
    /// Regions whose events it records.
    regions: f64,
    /// Management events a month it records.
    events: Range,
}

impl<'a> Estimator<'a> {
    pub(super) fn push(
        &mut self,
        service: &str,
        region: &str,
        item: &str,
        monthly_usd: Range,
        assumption: String,
        grows_with: String,
    ) {
        self.items.push(CostItem {
            service: service.into(),
            region: region.into(),
            item: item.into(),
            monthly_usd,
            assumption,
            grows_with,
        });
    }

    pub(super) fn home(&self) -> &str {
        &self.b.home_region
    }

    // ---- Security Hub ----

    pub(super) fn security_hub(&mut self, score: &Score) {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let checks = u.checks_per_control.range();
        let price = &p.security_hub_check;
        for (r, rs) in s.enabled_regions() {
            let Some(Some(hub)) = rs.services.security_hub.known() else {
                continue;
            };
            if !hub.standards.contains_key(&fsbp_standards_arn(r)) {
                continue;
            }
            let controls = score
                .regions
                .get(r)
                .map(|c| f64::from(c.passed + c.failed))
                .unwrap_or(0.0);
            let n = checks.scale(controls);
            self.push(
                "securityhub",
                r,
                "security checks",
                n.scale(price.each()),
                format!(
                    "{} enabled FSBP controls with a resource here × {} checks a month each = {} \
                     checks, at {} a check",
                    num(controls),
                    range_num(checks),
                    range_num(n),
                    usd(price.each())
                ),
                format!(
                    "each resource adds about {} checks a month per control that applies to \
                     it ({} each); findings of GuardDuty, Inspector and Macie beyond 10,000 a \
                     month are billed as ingestion",
                    num(checks.typical),
                    usd(checks.typical * price.each())
                ),
            );
        }
    }

    // ---- Config ----

    pub(super) fn config(&mut self) {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let price = &p.config_item;
        for (r, rs) in s.enabled_regions() {
            let Some(config) = rs.services.config.known() else {
                continue;
            };
            let Some(recorder) = config.recorders.iter().find(|c| c.recording) else {
                continue;
            };
            let mut items = u.config_items_per_region.range();
            let mut why = format!(
                "{} configuration items a month (resource and compliance changes of an idle \
                 region)",
                range_num(items)
            );
            if recorder.include_global_resource_types {
                let global = u.config_items_global.range();
                items = items.plus(global);
                why.push_str(&format!(
                    " + {} of global resource types (IAM)",
                    range_num(global)
                ));
            }
            self.push(
                "config",
                r,
                "configuration items recorded",
                items.scale(price.each()),
                format!("{why}, at {} an item", usd(price.each())),
                format!(
                    "each resource change records one item ({}); resources that churn (network \
                     interfaces of Lambda or ECS) record many",
                    usd(price.each())
                ),
            );
        }
    }

    // ---- CloudTrail ----

    /// Trails that log management events, the home region's first, each with what it
    /// covers; the first copy of management events is free, every other trail pays for its
    /// copy.
    pub(super) fn trails(&mut self) -> Vec<LoggingTrail<'a>> {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let mut trails: Vec<(&'a String, &'a Trail)> = s
            .enabled_regions()
            .flat_map(|(r, rs)| {
                rs.services
                    .trails
                    .known()
                    .into_iter()
                    .flatten()
                    .map(move |t| (r, t))
            })
            .filter(|(_, t)| t.is_logging)
            .collect();
        let home = self.home().to_string();
        trails.sort_by_key(|(r, t)| (**r != home, !t.is_multi_region_trail, t.name.clone()));
        let per_region = u.management_events_per_region.range();
        let price = &p.cloudtrail_extra_management_event;
        let mut out = Vec::new();
        for (i, (r, t)) in trails.into_iter().enumerate() {
            let regions = if t.is_multi_region_trail {
                self.enabled
            } else {
                1.0
            };
            let events = if t.management_events.is_some() {
                per_region.scale(regions)
            } else {
                Range::ZERO
            };
            let (cost, why) = if events.is_zero() {
                (Range::ZERO, "records no management events".to_string())
            } else if i == 0 {
                (
                    Range::ZERO,
                    format!(
                        "{} management events a month from {} region(s): the first copy of \
                         management events is free",
                        range_num(events),
                        num(regions)
                    ),
                )
            } else {
                (
                    events.scale(price.each()),
                    format!(
                        "{} management events a month from {} region(s), a second copy (another \
                         trail records them first) at {} per 100,000",
                        range_num(events),
                        num(regions),
                        usd(price.usd * 100_000.0 / price.per)
                    ),
                )
            };
            let data = &p.cloudtrail_data_event;
            let grows = if t.data_events {
                format!(
                    "it records data events: {} per 100,000 (not estimated: they follow the \
                     workloads' S3 and Lambda traffic)",
                    usd(data.usd * 100_000.0 / data.per)
                )
            } else {
                "management events grow with API activity; free for the first trail".to_string()
            };
            self.push(
                "cloudtrail",
                r,
                &format!("management events (trail {})", t.name),
                cost,
                why,
                grows,
            );
            out.push(LoggingTrail {
                trail: t,
                regions,
                events,
            });
        }
        out
    }

    // ---- S3: the log buckets ----

    /// Prices the requests and storage of the buckets the trails and Config deliver to,
    /// and of their access-log buckets; returns the requests a month into each bucket's
    /// region (for GuardDuty S3 Protection and Macie).
    pub(super) fn log_buckets(&mut self, trails: &[LoggingTrail<'a>]) -> BTreeMap<String, Range> {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        // Objects delivered into each destination bucket a month, and the GB a month.
        let mut puts: BTreeMap<String, (Range, Range, Vec<String>)> = BTreeMap::new();
        let files = u
            .trail_log_files_per_region
            .range()
            .plus(u.trail_digest_files_per_region.range());
        let gb_per_event = u
            .management_event_kb
            .range()
            .times(u.compressed_fraction.range())
            .scale(1.0 / KB_PER_GB);
        for t in trails {
            let e = puts.entry(t.trail.s3_bucket_name.clone()).or_default();
            e.0 = e.0.plus(files.scale(t.regions));
            e.1 = e.1.plus(t.events.times(gb_per_event));
            e.2.push(format!(
                "trail {}: {} log and digest files from {} region(s)",
                t.trail.name,
                range_num(files.scale(t.regions)),
                num(t.regions)
            ));
        }
        let deliveries = u.config_deliveries_per_region.range();
        let mut config_regions: BTreeMap<String, f64> = BTreeMap::new();
        for (_, rs) in s.enabled_regions() {
            let Some(config) = rs.services.config.known() else {
                continue;
            };
            if !config.recorders.iter().any(|c| c.recording) {
                continue;
            }
            for ch in &config.delivery_channels {
                *config_regions.entry(ch.s3_bucket_name.clone()).or_default() += 1.0;
            }
        }
        for (bucket, regions) in config_regions {
            let e = puts.entry(bucket).or_default();
            e.0 = e.0.plus(deliveries.scale(regions));
            e.2.push(format!(
                "Config: {} deliveries from {} region(s)",
                range_num(deliveries.scale(regions)),
                num(regions)
            ));
        }
        let months = u
            .log_bucket_months
            .range()
            .map(|m| m.min(f64::from(self.b.log_expiration_days) / DAYS_PER_MONTH));
        let ratio = u.access_log_ratio.range();
        let put_price = &p.s3_put_request;
        let storage_price = &p.s3_storage_gb_month;
        let mut by_region: BTreeMap<String, Range> = BTreeMap::new();
        let mut access: BTreeMap<String, (Range, Vec<String>)> = BTreeMap::new();
        for (name, (objects, gb, sources)) in &puts {
            let Some(bucket) = s.bucket(name) else {
                continue;
            };
            let region = bucket.region.clone();
            let e = by_region.entry(region.clone()).or_default();
            *e = e.plus(*objects);
            let stored = gb.times(months);
            self.push(
                "s3",
                &region,
                &format!("log bucket {name}"),
                objects
                    .scale(put_price.each())
                    .plus(stored.scale(storage_price.each())),
                format!(
                    "{}: {} PUT requests a month at {} per 1,000; {} GB stored ({} months of \
                     gzipped logs) at {} per GB-month",
                    sources.join("; "),
                    range_num(*objects),
                    usd(put_price.each() * 1000.0),
                    range_num(stored),
                    range_num(months),
                    usd(storage_price.each())
                ),
                "grows with API activity (more events, larger log files) and with the \
                 retention of the lifecycle rule"
                    .into(),
            );
            // Server access logging: the target receives log objects for these requests;
            // when the target logs back into this bucket, each delivery is logged in turn.
            if let Some(target) = &bucket.logging_target {
                let cycle = self
                    .s
                    .bucket(target)
                    .and_then(|t| t.logging_target.as_deref())
                    == Some(name.as_str());
                let logged = if cycle {
                    objects.times(ratio.map(|r| r / (1.0 - r)))
                } else {
                    objects.times(ratio)
                };
                let e = access.entry(target.clone()).or_default();
                e.0 = e.0.plus(logged);
                e.1.push(format!(
                    "access logs of {name}{}",
                    if cycle {
                        " (the two buckets log to each other)"
                    } else {
                        ""
                    }
                ));
            }
        }
        for (target, (objects, sources)) in access {
            let Some(bucket) = s.bucket(&target) else {
                continue;
            };
            let region = bucket.region.clone();
            let e = by_region.entry(region.clone()).or_default();
            *e = e.plus(objects);
            self.push(
                "s3",
                &region,
                &format!("access-log bucket {target}"),
                objects.scale(put_price.each()),
                format!(
                    "{}: {} log objects a month ({} per request logged) at {} per 1,000 PUTs; \
                     their storage is negligible",
                    sources.join("; "),
                    range_num(objects),
                    range_num(ratio),
                    usd(put_price.each() * 1000.0)
                ),
                "grows with the requests to the logged buckets".into(),
            );
        }
        by_region
    }

    // ---- KMS ----

    pub(super) fn kms(&mut self, trails: &[LoggingTrail<'a>]) {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let key_price = &p.kms_key_month;
        for (r, rs) in s.enabled_regions() {
            let Some(keys) = rs.services.kms_keys.known() else {
                continue;
            };
            for k in keys
                .iter()
                .filter(|k| k.key_state != KeyState::PendingDeletion)
            {
                let name = k.aliases.first().unwrap_or(&k.key_id);
                // Each of the first two rotations adds a key version billed like a key.
                let versions = if k.rotation_enabled {
                    Range {
                        low: 1.0,
                        typical: 1.0,
                        high: 3.0,
                    }
                } else {
                    Range::flat(1.0)
                };
                self.push(
                    "kms",
                    r,
                    &format!("customer managed key {name}"),
                    versions.scale(key_price.each()),
                    format!(
                        "{} a key-month{}",
                        usd(key_price.each()),
                        if k.rotation_enabled {
                            "; rotation on: the first two yearly rotations add 1 USD a month \
                             each (high: after two years)"
                        } else {
                            ""
                        }
                    ),
                    "flat: one key whatever the volume".into(),
                );
            }
        }
        // Requests: each log file of a trail encrypted with a KMS key is one
        // GenerateDataKey; the free tier covers the first requests of the account.
        let files = u.trail_log_files_per_region.range();
        let extra = u.kms_extra_request_fraction.range();
        let free = p.kms_free_requests.per;
        let price = &p.kms_request;
        let mut free_left = Range::flat(free);
        for t in trails {
            if t.trail.kms_key_id.is_none() {
                continue;
            }
            let requests = files.scale(t.regions).times(extra.map(|x| 1.0 + x));
            let billed = requests.zip(free_left, |r, f| (r - f).max(0.0));
            free_left = free_left.zip(requests, |f, r| (f - r).max(0.0));
            let region = if t.trail.home_region.is_empty() {
                self.home().to_string()
            } else {
                t.trail.home_region.clone()
            };
            self.push(
                "kms",
                &region,
                &format!("requests (trail {})", t.trail.name),
                billed.scale(price.each()),
                format!(
                    "{} GenerateDataKey calls a month (one per log file, {} region(s)) plus {} \
                     for readers = {} requests; the first {} a month are free; {} per 10,000",
                    range_num(files.scale(t.regions)),
                    num(t.regions),
                    range_num(extra),
                    range_num(requests),
                    num(free),
                    usd(price.each() * 10_000.0)
                ),
                "grows with the log files delivered and with whoever reads the logs".into(),
            );
        }
    }

    // ---- CloudWatch Logs ----

    pub(super) fn cloudwatch_logs(&mut self, trails: &[LoggingTrail<'a>]) {
        let (_, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let ingest = &p.logs_ingestion_gb;
        let store = &p.logs_storage_gb_month;
        for t in trails {
            let Some(arn) = &t.trail.cloud_watch_logs_log_group_arn else {
                continue;
            };
            // arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*
            let mut parts = arn.split(':');
            let region = parts.nth(3).unwrap_or(self.home()).to_string();
            let group = arn.split(":log-group:").nth(1).unwrap_or(arn);
            let group = group.trim_end_matches(":*").to_string();
            let retention = self
                .s
                .regions
                .get(&region)
                .and_then(|r| r.services.log_groups.known())
                .and_then(|gs| gs.iter().find(|g| g.name == group))
                .and_then(|g| g.retention_in_days);
            let gb = t
                .events
                .times(u.management_event_kb.range())
                .scale(1.0 / KB_PER_GB);
            let months = u.log_bucket_months.range().map(|m| match retention {
                Some(d) => m.min(f64::from(d) / DAYS_PER_MONTH),
                None => m,
            });
            let stored = gb.times(u.compressed_fraction.range()).times(months);
            self.push(
                "logs",
                &region,
                &format!("log group {group}"),
                gb.scale(ingest.each()).plus(stored.scale(store.each())),
                format!(
                    "{} management events a month × {} KB = {} GB ingested at {} per GB; {} GB \
                     archived ({} months, compressed) at {} per GB-month",
                    range_num(t.events),
                    range_num(u.management_event_kb.range()),
                    range_num(gb),
                    usd(ingest.each()),
                    range_num(stored),
                    range_num(months),
                    usd(store.each())
                ),
                format!(
                    "every API call of every workload is ingested: {} per million events of \
                     1.5 KB",
                    usd(1_000_000.0 * 1.5 / KB_PER_GB * ingest.each())
                ),
            );
        }
    }

    // ---- S3 server access logs of the customer's buckets ----

    /// The log objects of the customer's buckets that log into the tool's access-log
    /// bucket (S3.9): storage only (S3 charges nothing to deliver them).
    pub(super) fn customer_access_logs(&mut self) {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let log = Names::fill(&self.b.names.log_bucket, &s.account_id);
        let access = Names::fill(&self.b.names.access_log_bucket, &s.account_id);
        let store = &p.s3_storage_gb_month;
        for b in s.global.buckets.known().into_iter().flatten() {
            if b.name == log || b.name == access || b.logging_target.as_deref() != Some(&access) {
                continue;
            }
            let gb = u.access_log_gb_per_customer_bucket.range();
            let stored = gb.times(u.log_bucket_months.range());
            self.push(
                "s3",
                &b.region,
                &format!("server access logs of {}", b.name),
                stored.scale(store.each()),
                format!(
                    "{} GB of log objects a month, {} months kept, at {} per GB-month",
                    range_num(gb),
                    range_num(u.log_bucket_months.range()),
                    usd(store.each())
                ),
                format!(
                    "grows with the requests the bucket serves: a few hundred bytes each, {} \
                     per GB-month kept",
                    usd(store.each())
                ),
            );
        }
    }

    // ---- VPC flow logs ----

    /// The flow logs of the region's VPCs, delivered to S3 as vended logs (EC2.6).
    pub(super) fn flow_logs(&mut self) {
        let (s, p, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let price = &p.vended_logs_s3_gb;
        for (r, rs) in s.enabled_regions() {
            let n = rs.services.vpcs.known().map_or(0, |vpcs| {
                vpcs.iter().filter(|v| !v.flow_logs.is_empty()).count()
            });
            if n == 0 {
                continue;
            }
            let gb = u.flow_log_reject_gb_per_vpc.range().scale(n as f64);
            self.push(
                "vpc",
                r,
                &format!("flow logs of {n} VPC{}", if n == 1 { "" } else { "s" }),
                gb.scale(price.each()),
                format!(
                    "{} GB of rejected-traffic records a month ({} GB per VPC) delivered to S3 \
                     at {} per GB",
                    range_num(gb),
                    range_num(u.flow_log_reject_gb_per_vpc.range()),
                    usd(price.each())
                ),
                format!(
                    "grows with the traffic the VPCs refuse (probes of public addresses): {} \
                     per GB",
                    usd(price.each())
                ),
            );
        }
    }

    // ---- GuardDuty ----

    pub(super) fn guardduty(&mut self, s3_requests: &BTreeMap<String, Range>) {
        let (s, _, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let p = self.p;
        let events = u.management_events_per_region.range();
        for (r, rs) in s.enabled_regions() {
            let Some(Some(d)) = rs.services.guardduty.known() else {
                continue;
            };
            if !d.enabled {
                continue;
            }
            let on = |f: &str| d.features.get(f) == Some(&true);
            let price = &p.guardduty_management_event;
            self.push(
                "guardduty",
                r,
                "CloudTrail management events analysed",
                events.scale(price.each()),
                format!(
                    "{} management events a month at {} per million",
                    range_num(events),
                    usd(price.each() * 1_000_000.0)
                ),
                "grows with the API activity in the region".into(),
            );
            let has_vpc = rs.services.vpcs.known().is_some_and(|v| !v.is_empty());
            if has_vpc {
                let gb = u.flow_dns_gb_per_vpc_region.range();
                let price = &p.guardduty_flow_dns_gb;
                self.push(
                    "guardduty",
                    r,
                    "VPC flow and DNS logs analysed",
                    gb.scale(price.each()),
                    format!(
                        "{} GB a month from VPCs without workloads at {} per GB",
                        range_num(gb),
                        usd(price.each())
                    ),
                    format!(
                        "grows with the network traffic and DNS queries of workloads: {} per GB",
                        usd(price.each())
                    ),
                );
            }
            if on("S3_DATA_EVENTS") {
                let n = s3_requests.get(r).copied().unwrap_or_default();
                let price = &p.guardduty_s3_data_event;
                self.push(
                    "guardduty",
                    r,
                    "S3 data events analysed (S3 Protection)",
                    n.scale(price.each()),
                    format!(
                        "{} requests a month to the log buckets here at {} per million",
                        range_num(n),
                        usd(price.each() * 1_000_000.0)
                    ),
                    format!(
                        "grows with the workloads' S3 requests: {} per million",
                        usd(price.each() * 1_000_000.0)
                    ),
                );
            }
            // The protection plans billed by workloads a baseline does not create: nothing
            // a month until there are clusters, instances, databases or functions, but the
            // plan is on, and a declined one is off (`features.guardduty_*`).
            for (feature, item, grows) in [
                (
                    "EKS_AUDIT_LOGS",
                    "EKS Audit Log Monitoring",
                    "grows with the Kubernetes audit log events of each EKS cluster (GuardDuty \
                     pricing, per million events)",
                ),
                (
                    "EBS_MALWARE_PROTECTION",
                    "Malware Protection for EC2",
                    "grows with the EBS data scanned when an instance or container looks \
                     compromised (GuardDuty pricing, per GB scanned)",
                ),
                (
                    "RDS_LOGIN_EVENTS",
                    "RDS Protection",
                    "grows with the vCPUs of each Aurora and RDS database whose logins it \
                     monitors (GuardDuty pricing, per vCPU a month)",
                ),
                (
                    "LAMBDA_NETWORK_LOGS",
                    "Lambda Protection",
                    "grows with the network activity of each Lambda function (GuardDuty \
                     pricing, per GB analysed)",
                ),
            ] {
                if on(feature) {
                    self.push(
                        "guardduty",
                        r,
                        item,
                        Range::ZERO,
                        "no workload of its kind in an account the baseline sets up".into(),
                        grows.into(),
                    );
                }
            }
            if on("RUNTIME_MONITORING") {
                let price = &p.guardduty_runtime_vcpu_month;
                self.push(
                    "guardduty",
                    r,
                    "Runtime Monitoring",
                    Range::ZERO,
                    "no EC2 instance, EKS cluster or ECS task to monitor".into(),
                    format!(
                        "{} per vCPU monitored a month (EC2, EKS, ECS on Fargate); agent \
                         management also adds a VPC endpoint to each VPC with workloads",
                        usd(price.each())
                    ),
                );
            }
        }
    }

    // ---- Inspector ----

    pub(super) fn inspector(&mut self) {
        let (s, _, _): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let p = self.p;
        for (r, rs) in s.enabled_regions() {
            let Some(i) = rs.services.inspector.known() else {
                continue;
            };
            let mut grows = vec![];
            if i.ec2 {
                grows.push(format!(
                    "{} per EC2 instance a month",
                    usd(p.inspector_ec2_instance_month.each())
                ));
            }
            if i.ecr {
                grows.push(format!(
                    "{} per container image pushed",
                    usd(p.inspector_ecr_image.each())
                ));
            }
            if i.lambda {
                grows.push(format!(
                    "{} per Lambda function a month",
                    usd(p.inspector_lambda_function_month.each())
                ));
            }
            if i.lambda_code {
                grows.push(format!(
                    "{} more per Lambda function a month for code scanning",
                    usd(p.inspector_lambda_code_function_month.each())
                ));
            }
            if grows.is_empty() {
                continue;
            }
            self.push(
                "inspector2",
                r,
                "resources scanned",
                Range::ZERO,
                "no instance, image or function to scan".into(),
                grows.join("; "),
            );
        }
    }

    // ---- Macie ----

    pub(super) fn macie(&mut self, s3_requests: &BTreeMap<String, Range>) {
        let (s, _, u): (&'a Snapshot, &'a Prices, &'a Usage) = (self.s, self.p, self.u);
        let p = self.p;
        let buckets = s.global.buckets.known();
        let months = u
            .log_bucket_months
            .range()
            .map(|m| m.min(f64::from(self.b.log_expiration_days) / DAYS_PER_MONTH));
        for (r, rs) in s.enabled_regions() {
            let Some(m) = rs.services.macie.known() else {
                continue;
            };
            if !m.enabled {
                continue;
            }
            let here: Vec<&str> = buckets
                .into_iter()
                .flatten()
                .filter(|b| &b.region == r)
                .map(|b| b.name.as_str())
                .collect();
            let n = here.len() as f64;
            let price = &p.macie_bucket_month;
            self.push(
                "macie2",
                r,
                "buckets evaluated",
                Range::flat(n * price.each()),
                format!(
                    "{} bucket(s) here at {} a bucket-month",
                    num(n),
                    usd(price.each())
                ),
                format!("{} per bucket a month", usd(price.each())),
            );
            if !m.automated_discovery {
                continue;
            }
            let excluded = |name: &str| m.excluded_buckets.iter().any(|b| b == name);
            let in_scope: Vec<&str> = here.iter().copied().filter(|b| !excluded(b)).collect();
            // The objects of the log buckets pile up for as long as they are kept.
            let own = [
                Names::fill(&self.b.names.log_bucket, &s.account_id),
                Names::fill(&self.b.names.access_log_bucket, &s.account_id),
            ];
            let own_in_scope = in_scope.iter().any(|b| own.iter().any(|o| o == b));
            let objects = if own_in_scope {
                s3_requests
                    .get(r)
                    .copied()
                    .unwrap_or_default()
                    .times(months)
            } else {
                Range::ZERO
            };
            let gb = if in_scope.is_empty() {
                Range::ZERO
            } else {
                u.macie_gb_inspected_per_region.range()
            };
            let mon = &p.macie_objects_monitored;
            let insp = &p.macie_gb_inspected;
            self.push(
                "macie2",
                r,
                "automated sensitive data discovery",
                objects.scale(mon.each()).plus(gb.scale(insp.each())),
                format!(
                    "{} bucket(s) in scope{}: {} objects monitored at {} per 100,000, {} GB \
                     sampled at {} per GB",
                    num(in_scope.len() as f64),
                    if own_in_scope {
                        " (including the tool's log buckets, whose KMS-encrypted logs Macie \
                         cannot read)"
                    } else {
                        ""
                    },
                    range_num(objects),
                    usd(mon.each() * 100_000.0),
                    range_num(gb),
                    usd(insp.each())
                ),
                format!(
                    "grows with the objects stored in the buckets in scope ({} per 100,000 a \
                     month) and the data sampled ({} per GB)",
                    usd(mon.each() * 100_000.0),
                    usd(insp.each())
                ),
            );
        }
    }

    // ---- notifications ----

    /// The tool's notification stack: its KMS key is priced with the other keys
    /// ([`Estimator::kms`]); its SNS topic, e-mail subscription and EventBridge rules cost
    /// next to nothing, priced here as zero with the reason (the prices as of the price
    /// list: SNS e-mail notifications 2 USD per 100,000 after the first 1,000 a month;
    /// EventBridge rules on the default bus matching AWS service events free).
    pub(super) fn notifications(&mut self) {
        let s: &'a Snapshot = self.s;
        for (r, rs) in s.enabled_regions() {
            let Some(stacks) = rs.services.cloudformation_stacks.known() else {
                continue;
            };
            for stack in stacks.iter().filter(|st| {
                st.tags
                    .get(crate::notifications::PURPOSE_TAG.0)
                    .map(String::as_str)
                    == Some(crate::notifications::PURPOSE_TAG.1)
            }) {
                self.push(
                    "sns",
                    r,
                    &format!(
                        "notification topic and e-mail subscription of {}",
                        stack.name
                    ),
                    Range::ZERO,
                    "e-mail notifications: the first 1,000 a month are free, then 2 USD per \
                     100,000; security alerts stay far below"
                        .into(),
                    "the number of alerts".into(),
                );
                self.push(
                    "events",
                    r,
                    &format!("EventBridge rules of {}", stack.name),
                    Range::ZERO,
                    "rules on the default event bus matching AWS service events are free".into(),
                    "flat: free whatever the volume".into(),
                );
            }
        }
    }
}
