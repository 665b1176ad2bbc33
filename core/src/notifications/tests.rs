//! The rules against the sample events: one data file, one check.

use serde::Deserialize;
use serde_json::Value;

use super::pattern::matches;
use super::template::{MinSeverity, TemplateOptions, resolve_region, rules, template};

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    min_severity: Option<String>,
    stack_region: String,
    matches: Vec<String>,
    event: Value,
}

fn cases() -> Vec<Case> {
    serde_json::from_str(include_str!("../../data/notifications/sample-events.json"))
        .expect("sample-events.json parses")
}

/// The rules of a stack in `region` whose events `event` reaches, by logical id.
fn matching(event: &Value, min: MinSeverity, region: &str) -> Vec<String> {
    rules(min)
        .into_iter()
        .filter(|r| matches(&resolve_region(&r.pattern, region), event))
        .map(|r| r.logical_id.to_string())
        .collect()
}

#[test]
fn each_sample_event_reaches_exactly_the_rules_it_names() {
    let cases = cases();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for c in &cases {
        let min = match &c.min_severity {
            Some(s) => MinSeverity::parse(s).expect("a severity"),
            None => MinSeverity::default(),
        };
        let got = matching(&c.event, min, &c.stack_region);
        if got != c.matches {
            failures.push(format!("{}: expected {:?}, got {got:?}", c.name, c.matches));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every rule is reached by some sample, and some samples reach none.
    for r in rules(MinSeverity::High) {
        assert!(
            cases
                .iter()
                .any(|c| c.matches.iter().any(|m| m == r.logical_id)),
            "no sample reaches {}",
            r.logical_id
        );
    }
    assert!(cases.iter().filter(|c| c.matches.is_empty()).count() >= 10);
}

/// The patterns in the template text are the rules' patterns (what the tests evaluate is
/// what is deployed), and every transformer variable is defined.
#[test]
fn the_template_holds_the_rules_the_tests_evaluate() {
    let doc = template(&TemplateOptions::default()).to_json();
    for r in rules(MinSeverity::High) {
        let resource = &doc["Resources"][r.logical_id];
        assert_eq!(resource["Type"], "AWS::Events::Rule");
        assert_eq!(resource["Properties"]["EventPattern"], r.pattern);
        let transformer = &resource["Properties"]["Targets"][0]["InputTransformer"];
        let template = transformer["InputTemplate"].as_str().unwrap();
        for line in template.lines() {
            assert!(line.starts_with('"') && line.ends_with('"'), "{line}");
        }
        let mut rest = template;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').unwrap() + start;
            let var = &rest[start + 1..end];
            assert!(
                transformer["InputPathsMap"].get(var).is_some(),
                "{}: <{var}> is not in InputPathsMap",
                r.logical_id
            );
            rest = &rest[end + 1..];
        }
    }
}

#[test]
fn the_template_is_deterministic_and_takes_the_options() {
    let with_email = TemplateOptions {
        email: Some("security@example.com".into()),
        min_severity: MinSeverity::Critical,
    };
    let text = super::template_text(&with_email);
    assert_eq!(text, super::template_text(&with_email));
    assert!(text.contains("Default: security@example.com"), "{text}");
    assert!(text.contains("- CRITICAL\n"), "{text}");
    assert!(!text.contains("- HIGH\n"), "{text}");
    let plain = super::template_text(&TemplateOptions::default());
    assert!(!plain.contains("Default:"));
}

/// The key is customer managed with rotation, its EventBridge statement has no source
/// conditions (EventBridge sends none to KMS), and the topic policy lets only EventBridge
/// of this account publish and denies what comes without TLS.
#[test]
fn key_and_topic_policies_follow_the_issue() {
    let doc = template(&TemplateOptions::default()).to_json();
    let key = &doc["Resources"]["NotificationKey"]["Properties"];
    assert_eq!(key["EnableKeyRotation"], true);
    let events = key["KeyPolicy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Principal"]["Service"] == "events.amazonaws.com")
        .unwrap();
    assert!(events.get("Condition").is_none());
    assert_eq!(
        events["Action"],
        serde_json::json!(["kms:Decrypt", "kms:GenerateDataKey*"])
    );
    let topic = &doc["Resources"]["NotificationTopic"]["Properties"];
    assert_eq!(topic["KmsMasterKeyId"]["Fn::GetAtt"][0], "NotificationKey");
    let statements =
        doc["Resources"]["NotificationTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
    for s in statements {
        if s["Effect"] == "Allow" {
            assert_eq!(s["Principal"]["Service"], "events.amazonaws.com");
            assert!(
                s["Condition"]["StringEquals"]
                    .get("aws:SourceAccount")
                    .is_some()
            );
            assert!(s["Condition"]["ArnLike"].get("aws:SourceArn").is_some());
        } else {
            assert_eq!(s["Condition"]["Bool"]["aws:SecureTransport"], "false");
        }
        // SNS.4 (`sns-topic-no-public-access`), judged as KMS.5 judges key policies.
        assert!(!crate::policy::allows_public(s), "SNS.4: {s}");
    }
    // KMS.5: the key policy, as KMS holds it in an account, allows no one public access.
    let held = crate::notifications::key_policy_text("123456789012");
    let held: serde_json::Value = serde_json::from_str(&held).unwrap();
    for s in held["Statement"].as_array().unwrap() {
        assert!(!crate::policy::allows_public(s), "KMS.5: {s}");
    }
}
