//! The arithmetic of each item, pinned on a fixed price table and fixed usage (not the
//! compiled-in data), so updating `core/data/prices.json` changes no test here.

use std::collections::BTreeMap;

use super::*;
use crate::evaluate::fixture::{ACCOUNT, OTHER, REGION, services, services_in, snapshot};
use crate::evaluate::{RegionScore, Score};
use crate::snapshot::*;

/// Round prices: every figure below can be checked by hand.
fn model() -> CostModel {
    let p = Price::new;
    CostModel {
        prices: PriceTable {
            as_of: "2000-01-01".into(),
            region: "test-1".into(),
            currency: "USD".into(),
            note: String::new(),
            prices: Prices {
                security_hub_check: p(0.001, 1.0),
                config_item: p(0.003, 1.0),
                cloudtrail_extra_management_event: p(2.0, 100_000.0),
                cloudtrail_data_event: p(0.1, 100_000.0),
                guardduty_management_event: p(4.0, 1_000_000.0),
                guardduty_flow_dns_gb: p(1.0, 1.0),
                guardduty_s3_data_event: p(0.8, 1_000_000.0),
                guardduty_runtime_vcpu_month: p(1.5, 1.0),
                kms_key_month: p(1.0, 1.0),
                kms_request: p(0.03, 10_000.0),
                kms_free_requests: p(0.0, 20_000.0),
                logs_ingestion_gb: p(0.5, 1.0),
                vended_logs_s3_gb: p(0.25, 1.0),
                logs_storage_gb_month: p(0.03, 1.0),
                s3_storage_gb_month: p(0.023, 1.0),
                s3_put_request: p(0.005, 1000.0),
                inspector_ec2_instance_month: p(1.25, 1.0),
                inspector_ecr_image: p(0.09, 1.0),
                inspector_lambda_function_month: p(0.3, 1.0),
                inspector_lambda_code_function_month: p(0.6, 1.0),
                macie_bucket_month: p(0.1, 1.0),
                macie_objects_monitored: p(0.01, 100_000.0),
                macie_gb_inspected: p(1.0, 1.0),
            },
        },
        usage: Usage {
            note: String::new(),
            management_events_per_region: Assumed {
                low: 50_000.0,
                typical: 100_000.0,
                high: 200_000.0,
                why: String::new(),
            },
            management_event_kb: Assumed::flat(1024.0),
            compressed_fraction: Assumed::flat(0.1),
            trail_log_files_per_region: Assumed::flat(10_000.0),
            trail_digest_files_per_region: Assumed::flat(1_000.0),
            config_items_per_region: Assumed::flat(200.0),
            config_items_global: Assumed::flat(100.0),
            config_deliveries_per_region: Assumed::flat(500.0),
            checks_per_control: Assumed {
                low: 15.0,
                typical: 30.0,
                high: 60.0,
                why: String::new(),
            },
            flow_dns_gb_per_vpc_region: Assumed::flat(0.5),
            flow_log_reject_gb_per_vpc: Assumed::flat(0.1),
            access_log_gb_per_customer_bucket: Assumed::flat(0.1),
            access_log_ratio: Assumed::flat(0.5),
            kms_extra_request_fraction: Assumed::flat(0.0),
            macie_gb_inspected_per_region: Assumed::flat(2.0),
            log_bucket_months: Assumed::flat(12.0),
        },
    }
}

fn empty_score() -> Score {
    Score {
        percent: 0.0,
        passed: 0,
        failed: 0,
        no_data: 0,
        disabled: 0,
        percent_if_manual_done: 0.0,
        failed_controls: vec![],
        regions: BTreeMap::new(),
        incomplete: false,
        unread_parts: vec![],
    }
}

fn baseline() -> Baseline {
    let mut b = Baseline::fsbp();
    b.home_region = REGION.into();
    b.log_expiration_days = 365;
    b
}

fn items<'e>(e: &'e Estimate, service: &str) -> Vec<&'e CostItem> {
    e.items.iter().filter(|i| i.service == service).collect()
}

fn only<'e>(e: &'e Estimate, service: &str, region: &str) -> &'e CostItem {
    let found: Vec<_> = e
        .items
        .iter()
        .filter(|i| i.service == service && i.region == region)
        .collect();
    assert_eq!(found.len(), 1, "{service} in {region}: {found:#?}");
    found[0]
}

fn run(s: &Snapshot) -> Estimate {
    estimate(s, &baseline(), &empty_score(), &model())
}

fn trail(name: &str, multi: bool) -> Trail {
    Trail {
        name: name.into(),
        home_region: REGION.into(),
        s3_bucket_name: format!("cloudtrail-logs-{ACCOUNT}"),
        is_multi_region_trail: multi,
        is_logging: true,
        management_events: Some("All".into()),
        ..Trail::default()
    }
}

fn bucket(name: &str, logging_target: Option<&str>) -> Bucket {
    Bucket {
        name: name.into(),
        region: REGION.into(),
        logging_target: logging_target.map(str::to_string),
        ..Bucket::default()
    }
}

#[test]
fn an_account_with_nothing_on_costs_nothing() {
    let e = run(&snapshot());
    assert!(e.items.is_empty(), "{:#?}", e.items);
    assert_eq!(e.total, Range::ZERO);
    assert_eq!(e.prices_as_of, "2000-01-01");
}

#[test]
fn security_hub_checks_are_controls_with_data_times_checks_a_month() {
    let mut s = snapshot();
    services(&mut s).security_hub = Observed::Known(Some(SecurityHub {
        standards: [(fsbp_standards_arn(REGION), "READY".to_string())].into(),
        ..SecurityHub::default()
    }));
    // A hub without the FSBP standard runs no FSBP checks.
    services_in(&mut s, OTHER).security_hub = Observed::Known(Some(SecurityHub::default()));
    let mut score = empty_score();
    score.regions.insert(
        REGION.into(),
        RegionScore {
            percent: 0.0,
            passed: 30,
            failed: 10,
        },
    );
    let e = estimate(&s, &baseline(), &score, &model());
    // 40 controls × 15 / 30 / 60 checks × $0.001.
    assert_eq!(
        only(&e, "securityhub", REGION).monthly_usd,
        Range {
            low: 0.6,
            typical: 1.2,
            high: 2.4
        }
    );
    assert_eq!(items(&e, "securityhub").len(), 1);
}

#[test]
fn config_items_per_recording_region_plus_global_types_at_home() {
    let mut s = snapshot();
    let recorder = |global| ConfigRecorder {
        name: "default".into(),
        recording: true,
        include_global_resource_types: global,
        ..ConfigRecorder::default()
    };
    services(&mut s).config = Observed::Known(ConfigService {
        recorders: vec![recorder(true)],
        delivery_channels: vec![],
    });
    services_in(&mut s, OTHER).config = Observed::Known(ConfigService {
        recorders: vec![recorder(false)],
        delivery_channels: vec![],
    });
    let e = run(&s);
    // (200 + 100) × $0.003 and 200 × $0.003.
    assert_eq!(only(&e, "config", REGION).monthly_usd, Range::flat(0.9));
    assert_eq!(only(&e, "config", OTHER).monthly_usd, Range::flat(0.6));
    // A recorder that is not recording records nothing.
    services_in(&mut s, OTHER)
        .config
        .known_mut()
        .unwrap()
        .recorders[0]
        .recording = false;
    assert_eq!(items(&run(&s), "config").len(), 1);
}

#[test]
fn the_first_trail_is_free_and_a_second_pays_for_its_copy() {
    let mut s = snapshot();
    services(&mut s).trails = Observed::Known(vec![trail("second", false), trail("main", true)]);
    let e = run(&s);
    let ct = items(&e, "cloudtrail");
    assert_eq!(ct.len(), 2);
    // The multi-region trail is the first copy: free.
    assert!(ct[0].item.contains("main"), "{:?}", ct[0].item);
    assert_eq!(ct[0].monthly_usd, Range::ZERO);
    // The single-region one: 50,000 / 100,000 / 200,000 events × $2 per 100,000.
    assert_eq!(
        ct[1].monthly_usd,
        Range {
            low: 1.0,
            typical: 2.0,
            high: 4.0
        }
    );
}

#[test]
fn guardduty_analyses_events_flow_logs_with_a_vpc_and_s3_requests() {
    let mut s = snapshot();
    services(&mut s).guardduty = Observed::Known(Some(Detector {
        enabled: true,
        features: [
            ("S3_DATA_EVENTS".to_string(), true),
            ("RUNTIME_MONITORING".to_string(), true),
        ]
        .into(),
        ..Detector::default()
    }));
    services(&mut s).vpcs = Observed::Known(vec![Vpc::default()]);
    let e = run(&s);
    let gd = items(&e, "guardduty");
    let cost = |what: &str| {
        gd.iter()
            .find(|i| i.item.starts_with(what))
            .unwrap_or_else(|| panic!("no {what}: {gd:#?}"))
            .monthly_usd
    };
    // 50,000 / 100,000 / 200,000 events × $4 per million.
    assert_eq!(
        cost("CloudTrail"),
        Range {
            low: 0.2,
            typical: 0.4,
            high: 0.8
        }
    );
    // 0.5 GB × $1.
    assert_eq!(cost("VPC flow"), Range::flat(0.5));
    // No log bucket here: no S3 requests yet.
    assert_eq!(cost("S3 data events"), Range::ZERO);
    assert_eq!(cost("Runtime Monitoring"), Range::ZERO);
    // A disabled detector costs nothing.
    services(&mut s)
        .guardduty
        .known_mut()
        .unwrap()
        .as_mut()
        .unwrap()
        .enabled = false;
    assert!(items(&run(&s), "guardduty").is_empty());
}

/// Each GuardDuty protection plan the detector has on is an item of `cost` (nothing a
/// month without its workloads), and one it has off is none: `cost` follows the features
/// the account has, whatever the baseline says.
#[test]
fn guardduty_itemises_each_protection_plan_the_detector_has_on() {
    let mut s = snapshot();
    let with = |on: &[&str]| Detector {
        enabled: true,
        features: [
            "S3_DATA_EVENTS",
            "EKS_AUDIT_LOGS",
            "EBS_MALWARE_PROTECTION",
            "RDS_LOGIN_EVENTS",
            "LAMBDA_NETWORK_LOGS",
        ]
        .iter()
        .map(|f| (f.to_string(), on.contains(f)))
        .collect(),
        ..Detector::default()
    };
    services(&mut s).guardduty = Observed::Known(Some(with(&[
        "S3_DATA_EVENTS",
        "EKS_AUDIT_LOGS",
        "EBS_MALWARE_PROTECTION",
    ])));
    let names = |s: &Snapshot| -> Vec<String> {
        items(&run(s), "guardduty")
            .iter()
            .map(|i| i.item.clone())
            .collect()
    };
    let got = names(&s);
    for item in ["EKS Audit Log Monitoring", "Malware Protection for EC2"] {
        assert!(got.iter().any(|i| i == item), "{item}: {got:?}");
    }
    for item in ["RDS Protection", "Lambda Protection"] {
        assert!(!got.iter().any(|i| i == item), "{item}: {got:?}");
    }
    services(&mut s).guardduty = Observed::Known(Some(with(&["RDS_LOGIN_EVENTS"])));
    let got = names(&s);
    assert!(got.iter().any(|i| i == "RDS Protection"), "{got:?}");
    assert!(
        !got.iter().any(|i| i == "EKS Audit Log Monitoring"),
        "{got:?}"
    );
}

/// A multi-region trail into the log bucket, encrypted, to CloudWatch Logs; Config in both
/// regions; the two log buckets logging to each other.
fn logging_account() -> Snapshot {
    let mut s = snapshot();
    let mut t = trail("cloudtrail", true);
    t.kms_key_id = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
    t.cloud_watch_logs_log_group_arn =
        Some("arn:aws:logs:us-east-1:123456789012:log-group:trail:*".into());
    services(&mut s).trails = Observed::Known(vec![t]);
    services(&mut s).log_groups = Observed::Known(vec![LogGroup {
        name: "trail".into(),
        retention_in_days: Some(365),
        tags: Default::default(),
    }]);
    services(&mut s).kms_keys = Observed::Known(vec![KmsKey {
        key_id: "k".into(),
        aliases: vec!["alias/trail_encrypt_key".into()],
        key_state: KeyState::Enabled,
        rotation_enabled: true,
        ..KmsKey::default()
    }]);
    let log = format!("cloudtrail-logs-{ACCOUNT}");
    let access = format!("s3-access-logs-{ACCOUNT}");
    s.global.buckets = Observed::Known(vec![
        bucket(&log, Some(&access)),
        bucket(&access, Some(&log)),
    ]);
    for r in [REGION, OTHER] {
        services_in(&mut s, r).config = Observed::Known(ConfigService {
            recorders: vec![ConfigRecorder {
                recording: true,
                ..ConfigRecorder::default()
            }],
            delivery_channels: vec![DeliveryChannel {
                name: "default".into(),
                s3_bucket_name: log.clone(),
                s3_key_prefix: None,
            }],
        });
    }
    s
}

#[test]
fn log_buckets_pay_for_requests_and_storage_and_the_logging_cycle() {
    let e = run(&logging_account());
    let s3 = items(&e, "s3");
    assert_eq!(s3.len(), 2, "{s3:#?}");
    // Log bucket: 2 regions × (10,000 + 1,000) files + 2 × 500 Config deliveries = 23,000
    // PUTs × $0.005 per 1,000 = $0.115; storage: 50,000 / 100,000 / 200,000 events a
    // region × 2 regions × 1/1,024 GB (1,024 KB) × 0.1 compressed = 9.766 / 19.531 /
    // 39.063 GB a month, × 12 months × $0.023 = 2.695 / 5.391 / 10.781.
    let log = s3
        .iter()
        .find(|i| i.item.starts_with("log bucket"))
        .unwrap();
    assert_eq!(
        log.monthly_usd,
        Range {
            low: 2.81,
            typical: 5.51,
            high: 10.9
        }
    );
    // Access logs: the buckets log to each other, so 23,000 × 0.5 / (1 − 0.5) = 23,000
    // objects × $0.005 per 1,000.
    let access = s3
        .iter()
        .find(|i| i.item.starts_with("access-log"))
        .unwrap();
    assert_eq!(access.monthly_usd, Range::flat(0.12));
}

#[test]
fn kms_bills_the_key_its_rotations_and_requests_beyond_the_free_tier() {
    let e = run(&logging_account());
    let kms = items(&e, "kms");
    let key = kms.iter().find(|i| i.item.contains("key")).unwrap();
    // $1 a month; with rotation, up to two more key versions at $1 (high).
    assert_eq!(
        key.monthly_usd,
        Range {
            low: 1.0,
            typical: 1.0,
            high: 3.0
        }
    );
    // 10,000 log files × 2 regions = 20,000 GenerateDataKey: all in the free tier.
    let requests = kms.iter().find(|i| i.item.starts_with("requests")).unwrap();
    assert_eq!(requests.monthly_usd, Range::ZERO);
    // With one more enabled region: 30,000 − 20,000 free = 10,000 × $0.03 per 10,000.
    let mut s = logging_account();
    s.regions.get_mut("af-south-1").unwrap().opt_in_status = OptInStatus::OptedIn;
    let e = run(&s);
    let requests = e
        .items
        .iter()
        .find(|i| i.service == "kms" && i.item.starts_with("requests"))
        .unwrap();
    assert_eq!(requests.monthly_usd, Range::flat(0.03));
}

#[test]
fn cloudwatch_logs_ingests_every_event_and_archives_them_compressed() {
    let e = run(&logging_account());
    let logs = only(&e, "logs", REGION);
    // 2 regions × 50,000 / 100,000 / 200,000 events × 1/1,024 GB = 97.66 / 195.31 / 390.63
    // GB × $0.5 = 48.83 / 97.66 / 195.31; archived: × 0.1 × 12 months (the usage's 12, below
    // the 365 days of retention) × $0.03 = 3.52 / 7.03 / 14.06.
    assert_eq!(
        logs.monthly_usd,
        Range {
            low: 52.34,
            typical: 104.69,
            high: 209.38
        }
    );
}

#[test]
fn inspector_and_macie_bill_by_what_they_meter() {
    let mut s = logging_account();
    services(&mut s).inspector = Observed::Known(Inspector {
        lambda: true,
        lambda_code: true,
        ..Inspector::default()
    });
    services(&mut s).macie = Observed::Known(Macie {
        enabled: true,
        automated_discovery: true,
        ..Macie::default()
    });
    let e = run(&s);
    // Nothing to scan: Inspector costs nothing, and says what it would.
    let insp = only(&e, "inspector2", REGION);
    assert_eq!(insp.monthly_usd, Range::ZERO);
    assert!(insp.grows_with.contains("$0.6 more per Lambda function"));
    let macie = items(&e, "macie2");
    // Two buckets × $0.1.
    assert_eq!(macie[0].monthly_usd, Range::flat(0.2));
    // Automated discovery: the log buckets' 23,000 + 23,000 PUTs a month × 12 months =
    // 552,000 objects × $0.01 per 100,000 = 0.0552, + 2 GB × $1.
    assert_eq!(macie[1].monthly_usd, Range::flat(2.06));
    // Excluding the tool's buckets leaves nothing in scope.
    services(&mut s).macie.known_mut().unwrap().excluded_buckets = vec![
        format!("cloudtrail-logs-{ACCOUNT}"),
        format!("s3-access-logs-{ACCOUNT}"),
    ];
    let e = run(&s);
    assert_eq!(items(&e, "macie2")[1].monthly_usd, Range::ZERO);
}

#[test]
fn the_total_is_the_sum_of_the_items_and_a_plan_costs_the_difference() {
    let e = run(&logging_account());
    let sum = e
        .items
        .iter()
        .fold(Range::ZERO, |a, i| a.plus(i.monthly_usd))
        .cents();
    assert_eq!(e.total, sum);
    let now = run(&snapshot());
    let c = plan_cost(&now, &e);
    assert_eq!(c.change, e.total);
    assert_eq!(c.now, Range::ZERO);
}

#[test]
fn numbers_read_well() {
    assert_eq!(num(1_234_567.5), "1,234,567.5");
    assert_eq!(num(0.001), "0.001");
    assert_eq!(num(30.0), "30");
    assert_eq!(range_num(Range::flat(2.0)), "2");
    assert_eq!(
        range_num(Range {
            low: 1.0,
            typical: 2.0,
            high: 3000.0
        }),
        "1 / 2 / 3,000"
    );
}

#[test]
fn the_compiled_in_tables_parse_and_are_dated() {
    let m = CostModel::builtin();
    assert_eq!(m.prices.as_of.len(), 10, "{}", m.prices.as_of);
    assert!(
        m.prices
            .prices
            .security_hub_check
            .source
            .starts_with("https://")
    );
}
