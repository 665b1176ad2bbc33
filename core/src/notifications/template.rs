//! The notification template (SPEC §2 last row, the seed's optional §4.2): an SNS topic
//! encrypted with its own customer managed key, an e-mail subscription, and EventBridge
//! rules that send it what a person must look at. Built as a [`Yaml`] value, so the
//! template text, the rules' patterns the tests evaluate and the stack the planner deploys
//! are one thing.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::yaml::Yaml;

/// The version of the template's layout, in its `Metadata` (a change of the template is a
/// change of the golden file `golden/notifications_template/template.yaml.snap`).
pub const TEMPLATE_VERSION: u32 = 1;

/// The template's parameter holding the subscribed address.
pub const EMAIL_PARAMETER: &str = "NotificationEmail";

/// The tag (on the stack, and through it on every resource of the stack) that marks the
/// notification stack as the tool's. CloudFormation propagates stack tags to the resources
/// it creates.
pub const PURPOSE_TAG: (&str, &str) = ("secure-account:purpose", "notifications");

/// The lowest severity a Security Hub finding must have to be sent.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MinSeverity {
    Medium,
    #[default]
    High,
    Critical,
}

impl MinSeverity {
    /// AWS's spelling (`HIGH`).
    pub fn as_str(self) -> &'static str {
        match self {
            MinSeverity::Medium => "MEDIUM",
            MinSeverity::High => "HIGH",
            MinSeverity::Critical => "CRITICAL",
        }
    }

    /// The ASFF `Severity.Label`s at or above this one.
    pub fn asff_labels(self) -> Vec<&'static str> {
        ["MEDIUM", "HIGH", "CRITICAL"]
            .into_iter()
            .skip(match self {
                MinSeverity::Medium => 0,
                MinSeverity::High => 1,
                MinSeverity::Critical => 2,
            })
            .collect()
    }

    /// The lowest OCSF `severity_id` at or above this one (3 Medium, 4 High, 5 Critical;
    /// 6 Fatal is above all).
    pub fn ocsf_severity_id(self) -> i64 {
        match self {
            MinSeverity::Medium => 3,
            MinSeverity::High => 4,
            MinSeverity::Critical => 5,
        }
    }

    /// The value for a name given on the command line or in a baseline (case-insensitive).
    pub fn parse(s: &str) -> Option<MinSeverity> {
        match s.to_ascii_uppercase().as_str() {
            "MEDIUM" => Some(MinSeverity::Medium),
            "HIGH" => Some(MinSeverity::High),
            "CRITICAL" => Some(MinSeverity::Critical),
            _ => None,
        }
    }
}

impl std::fmt::Display for MinSeverity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the template is made for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateOptions {
    /// The subscribed address, as the parameter's default; without it the parameter has no
    /// default and CloudFormation asks for it.
    pub email: Option<String>,
    pub min_severity: MinSeverity,
}

/// GuardDuty's lowest numeric severity that is sent: 4.0 is where GuardDuty's MEDIUM
/// starts (GuardDuty user guide, "Severity levels of GuardDuty findings": LOW 1.0–3.9,
/// MEDIUM 4.0–6.9, HIGH 7.0–8.9, CRITICAL 9.0–10.0).
pub const GUARDDUTY_MIN_SEVERITY: i64 = 4;

/// The calls that stop or weaken what the baseline set up, by event source.
pub const BASELINE_CALLS: [(&str, &[&str]); 5] = [
    (
        "cloudtrail.amazonaws.com",
        &["DeleteTrail", "StopLogging", "UpdateTrail"],
    ),
    (
        "config.amazonaws.com",
        &[
            "DeleteConfigurationRecorder",
            "DeleteDeliveryChannel",
            "StopConfigurationRecorder",
        ],
    ),
    ("guardduty.amazonaws.com", &["DeleteDetector"]),
    (
        "securityhub.amazonaws.com",
        &["BatchDisableStandards", "DisableSecurityHub"],
    ),
    ("access-analyzer.amazonaws.com", &["DeleteAnalyzer"]),
];

/// One EventBridge rule of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The logical id in the template (`GuardDutyFindingsRule`).
    pub logical_id: &'static str,
    /// The rule's name after the stack's name (`<stack>-guardduty-findings`).
    pub name_suffix: &'static str,
    pub description: &'static str,
    /// The event pattern; `{"Ref": "AWS::Region"}` stands for the stack's region
    /// ([`resolve_region`]).
    pub pattern: Value,
    /// The input transformer's variables (name → JSON path) and its template.
    pub paths: Vec<(&'static str, &'static str)>,
    pub lines: Vec<&'static str>,
}

/// The rules, in template order.
pub fn rules(min: MinSeverity) -> Vec<Rule> {
    let region = json!({"Ref": "AWS::Region"});
    // A finding of another product (GuardDuty, Inspector, Macie, …) has no compliance
    // status. GuardDuty's own findings in this region come through the GuardDuty rule;
    // those of other regions reach this region's Security Hub through the finding
    // aggregator, and only that way.
    let asff_product = json!({"Compliance": {"Status": [{"exists": false}]}});
    let ocsf_product =
        json!({"compliance": {"status_id": [{"exists": false}], "status": [{"exists": false}]}});
    let with = |base: &Value, extra: Value| {
        let mut m = base.as_object().cloned().unwrap_or_default();
        m.extend(extra.as_object().cloned().unwrap_or_default());
        Value::Object(m)
    };
    // `cloudtrail.amazonaws.com` → `aws.cloudtrail`.
    let baseline_sources: Vec<String> = BASELINE_CALLS
        .iter()
        .map(|(s, _)| format!("aws.{}", s.trim_end_matches(".amazonaws.com")))
        .collect();
    let mut baseline_names: Vec<&str> = BASELINE_CALLS
        .iter()
        .flat_map(|(_, n)| n.iter().copied())
        .collect();
    baseline_names.sort_unstable();
    vec![
        Rule {
            logical_id: "SecurityHubFindingsRule",
            name_suffix: "security-hub-findings",
            description: "Security Hub CSPM findings (ASFF, Security Hub Findings - Imported): \
                          active, new, at or above the threshold; control findings only when \
                          FAILED; GuardDuty findings of this region are left to the GuardDuty rule",
            pattern: json!({
                "source": ["aws.securityhub"],
                "detail-type": ["Security Hub Findings - Imported"],
                "detail": {"findings": {
                    "RecordState": ["ACTIVE"],
                    "Workflow": {"Status": ["NEW"]},
                    "Severity": {"Label": min.asff_labels()},
                    "$or": [
                        {"Compliance": {"Status": ["FAILED"]}},
                        with(&asff_product, json!({"ProductName": [{"anything-but": ["GuardDuty"]}]})),
                        with(&asff_product, json!({"Region": [{"anything-but": [region]}]})),
                    ]
                }}
            }),
            paths: vec![
                ("account", "$.detail.findings[0].AwsAccountId"),
                ("region", "$.detail.findings[0].Region"),
                ("severity", "$.detail.findings[0].Severity.Label"),
                (
                    "control",
                    "$.detail.findings[0].Compliance.SecurityControlId",
                ),
                ("product", "$.detail.findings[0].ProductName"),
                ("title", "$.detail.findings[0].Title"),
                ("resource", "$.detail.findings[0].Resources[0].Id"),
                ("type", "$.detail.findings[0].Types[0]"),
            ],
            lines: vec![
                "[<severity>] Security Hub: <title>",
                "Account <account>, region <region>",
                "Control: <control> (product <product>, type <type>)",
                "Resource: <resource>",
                "Console: https://console.aws.amazon.com/securityhub/home?region=<region>#/findings",
            ],
        },
        Rule {
            logical_id: "SecurityHubFindingsV2Rule",
            name_suffix: "security-hub-findings-v2",
            description: "Security Hub findings in OCSF (Findings Imported V2): not closed, new, \
                          at or above the threshold; compliance findings only when they fail; \
                          GuardDuty findings of this region are left to the GuardDuty rule",
            pattern: json!({
                "source": ["aws.securityhub"],
                "detail-type": ["Findings Imported V2"],
                "detail": {"findings": {
                    "activity_id": [{"anything-but": [3]}],
                    "status_id": [1],
                    "severity_id": [{"numeric": [">=", min.ocsf_severity_id()]}],
                    "$or": [
                        {"compliance": {"status_id": [3]}},
                        {"compliance": {"status": ["Fail"]}},
                        with(&ocsf_product, json!({"metadata": {"product": {"name": [{"anything-but": ["GuardDuty"]}]}}})),
                        with(&ocsf_product, json!({"cloud": {"region": [{"anything-but": [region]}]}})),
                    ]
                }}
            }),
            paths: vec![
                ("account", "$.detail.findings[0].cloud.account.uid"),
                ("region", "$.detail.findings[0].cloud.region"),
                ("severity", "$.detail.findings[0].severity"),
                ("control", "$.detail.findings[0].compliance.control"),
                ("product", "$.detail.findings[0].metadata.product.name"),
                ("title", "$.detail.findings[0].finding_info.title"),
                ("resource", "$.detail.findings[0].resources[0].uid"),
                ("type", "$.detail.findings[0].finding_info.types[0]"),
            ],
            lines: vec![
                "[<severity>] Security Hub: <title>",
                "Account <account>, region <region>",
                "Control: <control> (product <product>, type <type>)",
                "Resource: <resource>",
                "Console: https://console.aws.amazon.com/securityhub/v2/home?region=<region>",
            ],
        },
        Rule {
            logical_id: "GuardDutyFindingsRule",
            name_suffix: "guardduty-findings",
            description: "GuardDuty findings of this region with severity 4.0 or more (MEDIUM, \
                          HIGH, CRITICAL), not archived",
            pattern: json!({
                "source": ["aws.guardduty"],
                "detail-type": ["GuardDuty Finding"],
                "detail": {
                    "severity": [{"numeric": [">=", GUARDDUTY_MIN_SEVERITY]}],
                    "service": {"archived": [false]}
                }
            }),
            paths: vec![
                ("account", "$.detail.accountId"),
                ("region", "$.detail.region"),
                ("severity", "$.detail.severity"),
                ("type", "$.detail.type"),
                ("title", "$.detail.title"),
                ("id", "$.detail.id"),
            ],
            lines: vec![
                "[GuardDuty <severity>] <title>",
                "Account <account>, region <region>",
                "Finding type: <type>",
                "Console: https://console.aws.amazon.com/guardduty/home?region=<region>#/findings?macros=current&fId=<id>",
            ],
        },
        Rule {
            logical_id: "AccessAnalyzerFindingsRule",
            name_suffix: "access-analyzer-findings",
            description: "IAM Access Analyzer findings that are active (archived ones, such as \
                          those of the archive rule for trusted principals, are not sent)",
            pattern: json!({
                "source": ["aws.access-analyzer"],
                "detail-type": ["Access Analyzer Finding"],
                "detail": {"status": ["ACTIVE"]}
            }),
            paths: vec![
                ("account", "$.detail.accountId"),
                ("region", "$.detail.region"),
                ("resource", "$.detail.resource"),
                ("type", "$.detail.resourceType"),
                ("principal", "$.detail.principal"),
            ],
            lines: vec![
                "[Access Analyzer] <type> <resource> is shared outside the account",
                "Account <account>, region <region>",
                "Shared with: <principal>",
                "Console: https://console.aws.amazon.com/access-analyzer/home?region=<region>#/findings",
            ],
        },
        Rule {
            logical_id: "RootSignInRule",
            name_suffix: "root-sign-in",
            description: "Console sign-in of the root user (sign-in events reach EventBridge in \
                          the region of the sign-in endpoint, us-east-1 for most)",
            pattern: json!({
                "source": ["aws.signin"],
                "detail-type": ["AWS Console Sign In via CloudTrail"],
                "detail": {"userIdentity": {"type": ["Root"]}}
            }),
            paths: vec![
                ("account", "$.account"),
                ("region", "$.region"),
                ("time", "$.detail.eventTime"),
                ("ip", "$.detail.sourceIPAddress"),
                ("result", "$.detail.responseElements.ConsoleLogin"),
            ],
            lines: vec![
                "[Root sign-in] The root user signed in to the console (<result>)",
                "Account <account>, at <time> from <ip>",
                "Console: https://console.aws.amazon.com/cloudtrail/home?region=<region>#/events",
            ],
        },
        Rule {
            logical_id: "BaselineChangesRule",
            name_suffix: "baseline-changes",
            description: "Calls that stop or weaken the security baseline: the trail stopped, \
                          changed or deleted, Config stopped or deleted, the GuardDuty detector \
                          deleted, Security Hub or its standards disabled, the analyzer deleted",
            pattern: json!({
                "source": baseline_sources,
                "detail-type": ["AWS API Call via CloudTrail"],
                "detail": {
                    "eventSource": BASELINE_CALLS.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
                    "eventName": baseline_names
                }
            }),
            paths: vec![
                ("account", "$.account"),
                ("region", "$.region"),
                ("call", "$.detail.eventName"),
                ("source", "$.detail.eventSource"),
                ("who", "$.detail.userIdentity.arn"),
                ("error", "$.detail.errorCode"),
                ("id", "$.detail.eventID"),
            ],
            lines: vec![
                "[Baseline change] <call> (<source>)",
                "Account <account>, region <region>",
                "Called by <who>; error code, if it failed: <error>",
                "Console: https://console.aws.amazon.com/cloudtrail/home?region=<region>#/events/<id>",
            ],
        },
    ]
}

/// `pattern` with `{"Ref": "AWS::Region"}` replaced by `region`: the pattern as a rule of a
/// stack in `region` holds it.
pub fn resolve_region(pattern: &Value, region: &str) -> Value {
    match pattern {
        Value::Object(m) if m.len() == 1 && m.get("Ref") == Some(&json!("AWS::Region")) => {
            Value::String(region.to_string())
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), resolve_region(v, region)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve_region(v, region)).collect())
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => pattern.clone(),
    }
}

/// The input template of a transformer: each line a JSON string literal, so the message is
/// plain text line by line (EventBridge user guide, "Transforming input by using
/// CloudFormation").
fn input_template(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| format!("\"{}\"", l.replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join("\n")
}

const PATTERN_ORDER: [&str; 3] = ["source", "detail-type", "detail"];

/// The whole template.
pub fn template(options: &TemplateOptions) -> Yaml {
    let mut email = vec![
        ("Type", Yaml::str("String")),
        (
            "Description",
            Yaml::str(
                "The e-mail address that receives the alerts. AWS first sends it a \
                 subscription confirmation; nothing is delivered until its link is opened.",
            ),
        ),
        (
            "AllowedPattern",
            Yaml::str("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"),
        ),
        ("ConstraintDescription", Yaml::str("an e-mail address")),
    ];
    if let Some(address) = &options.email {
        email.push(("Default", Yaml::str(address)));
    }
    let tags = || {
        Yaml::List(vec![Yaml::map([
            ("Key", Yaml::str(PURPOSE_TAG.0)),
            ("Value", Yaml::str(PURPOSE_TAG.1)),
        ])])
    };
    let mut resources = vec![
        (
            "NotificationKey".to_string(),
            Yaml::map([
                ("Type", Yaml::str("AWS::KMS::Key")),
                // Said outright (cfn-lint I3011): the key encrypts messages only while
                // they pass through the topic, so nothing needs it once the stack is gone.
                // Deleting the stack schedules the key's deletion (KMS.3 then fails until
                // it is deleted); termination protection guards against that.
                ("DeletionPolicy", Yaml::str("Delete")),
                ("UpdateReplacePolicy", Yaml::str("Delete")),
                (
                    "Properties",
                    Yaml::map([
                        (
                            "Description",
                            Yaml::sub(
                                "Encrypts the security notifications topic of stack ${AWS::StackName}",
                            ),
                        ),
                        ("EnableKeyRotation", Yaml::Bool(true)),
                        ("KeyPolicy", key_policy()),
                        // No `Tags` here: moto 5.1.22 fails the whole stack on tags of an
                        // `AWS::KMS::Key` (it reads them as `TagKey`/`TagValue`), and the
                        // stack's own tags, which `notifications deploy` sets, reach the
                        // key anyway: CloudFormation propagates stack tags to its resources.
                    ]),
                ),
            ]),
        ),
        (
            "NotificationTopic".to_string(),
            Yaml::map([
                ("Type", Yaml::str("AWS::SNS::Topic")),
                (
                    "Properties",
                    Yaml::map([
                        ("TopicName", Yaml::reference("AWS::StackName")),
                        ("DisplayName", Yaml::str("AWS security alert")),
                        ("KmsMasterKeyId", Yaml::get_att("NotificationKey", "Arn")),
                        (
                            "Subscription",
                            Yaml::List(vec![Yaml::map([
                                ("Endpoint", Yaml::reference(EMAIL_PARAMETER)),
                                ("Protocol", Yaml::str("email")),
                            ])]),
                        ),
                        ("Tags", tags()),
                    ]),
                ),
            ]),
        ),
        (
            "NotificationTopicPolicy".to_string(),
            Yaml::map([
                ("Type", Yaml::str("AWS::SNS::TopicPolicy")),
                (
                    "Properties",
                    Yaml::map([
                        (
                            "Topics",
                            Yaml::List(vec![Yaml::reference("NotificationTopic")]),
                        ),
                        ("PolicyDocument", topic_policy()),
                    ]),
                ),
            ]),
        ),
    ];
    for rule in rules(options.min_severity) {
        resources.push((rule.logical_id.to_string(), rule_resource(&rule)));
    }
    Yaml::map([
        ("AWSTemplateFormatVersion", Yaml::str("2010-09-09")),
        (
            "Description",
            Yaml::str(format!(
                "secure-account security notifications: Security Hub findings (ASFF and OCSF) \
                 at or above {}, GuardDuty findings of severity {GUARDDUTY_MIN_SEVERITY} or \
                 more, active IAM Access Analyzer findings, root console sign-in and calls \
                 that stop or weaken the security baseline, sent by e-mail through an SNS \
                 topic encrypted with its own KMS key.",
                options.min_severity
            )),
        ),
        (
            "Metadata",
            Yaml::map([(
                "secure-account",
                Yaml::map([
                    ("TemplateVersion", Yaml::Int(TEMPLATE_VERSION.into())),
                    ("MinimumSeverity", Yaml::str(options.min_severity.as_str())),
                ]),
            )]),
        ),
        (
            "Parameters",
            Yaml::map([(EMAIL_PARAMETER, Yaml::map(email))]),
        ),
        ("Resources", Yaml::Map(resources)),
        (
            "Outputs",
            Yaml::map([
                (
                    "TopicArn",
                    Yaml::map([
                        (
                            "Description",
                            Yaml::str(
                                "The topic the rules publish to; subscribe more endpoints here",
                            ),
                        ),
                        ("Value", Yaml::reference("NotificationTopic")),
                    ]),
                ),
                (
                    "KeyArn",
                    Yaml::map([
                        (
                            "Description",
                            Yaml::str("The KMS key that encrypts the topic"),
                        ),
                        ("Value", Yaml::get_att("NotificationKey", "Arn")),
                    ]),
                ),
            ]),
        ),
    ])
}

/// The template's text (what `notifications template` prints and the deploy sends).
pub fn template_text(options: &TemplateOptions) -> String {
    template(options).to_text()
}

/// The key policy as KMS holds it for a stack in `account` (the `Fn::Sub`s resolved, in
/// the `aws` partition): what the prediction of a deploy puts on the key.
pub fn key_policy_text(account: &str) -> String {
    fn resolve(v: &Value, account: &str) -> Value {
        match v {
            Value::Object(m) if m.len() == 1 && m.contains_key("Fn::Sub") => Value::String(
                m["Fn::Sub"]
                    .as_str()
                    .unwrap_or_default()
                    .replace("${AWS::Partition}", "aws")
                    .replace("${AWS::AccountId}", account),
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), resolve(v, account)))
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.iter().map(|i| resolve(i, account)).collect())
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => v.clone(),
        }
    }
    crate::policy::to_text(&resolve(&key_policy().to_json(), account))
}

/// The key policy: the account administers the key through IAM, and EventBridge may use it
/// to publish to the topic. No `aws:SourceAccount`/`aws:SourceArn` condition on
/// EventBridge's statement: EventBridge does not send them to KMS, and the messages would
/// be dropped without an error (shared/research/aws-behaviour.md); the topic policy is
/// where the source is checked. The AWS managed key `alias/aws/sns` cannot be used for the
/// same reason: its policy cannot be changed to let EventBridge in.
fn key_policy() -> Yaml {
    Yaml::map([
        ("Version", Yaml::str("2012-10-17")),
        (
            "Statement",
            Yaml::List(vec![
                Yaml::map([
                    ("Sid", Yaml::str("AccountAdministersTheKey")),
                    ("Effect", Yaml::str("Allow")),
                    (
                        "Principal",
                        Yaml::map([(
                            "AWS",
                            Yaml::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
                        )]),
                    ),
                    ("Action", Yaml::str("kms:*")),
                    ("Resource", Yaml::str("*")),
                ]),
                Yaml::map([
                    ("Sid", Yaml::str("EventBridgePublishesToTheTopic")),
                    ("Effect", Yaml::str("Allow")),
                    (
                        "Principal",
                        Yaml::map([("Service", Yaml::str("events.amazonaws.com"))]),
                    ),
                    (
                        "Action",
                        Yaml::strs(["kms:Decrypt", "kms:GenerateDataKey*"]),
                    ),
                    ("Resource", Yaml::str("*")),
                ]),
            ]),
        ),
    ])
}

/// The topic policy: only EventBridge, and only for this stack's rules in this account, may
/// publish (SNS.4: no public access), and nothing reaches the topic without TLS.
fn topic_policy() -> Yaml {
    Yaml::map([
        ("Version", Yaml::str("2012-10-17")),
        (
            "Statement",
            Yaml::List(vec![
                Yaml::map([
                    ("Sid", Yaml::str("StackRulesPublish")),
                    ("Effect", Yaml::str("Allow")),
                    (
                        "Principal",
                        Yaml::map([("Service", Yaml::str("events.amazonaws.com"))]),
                    ),
                    ("Action", Yaml::str("sns:Publish")),
                    ("Resource", Yaml::reference("NotificationTopic")),
                    (
                        "Condition",
                        Yaml::map([
                            (
                                "StringEquals",
                                Yaml::map([(
                                    "aws:SourceAccount",
                                    Yaml::reference("AWS::AccountId"),
                                )]),
                            ),
                            (
                                "ArnLike",
                                Yaml::map([(
                                    "aws:SourceArn",
                                    Yaml::sub(
                                        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${AWS::StackName}-*",
                                    ),
                                )]),
                            ),
                        ]),
                    ),
                ]),
                Yaml::map([
                    ("Sid", Yaml::str("DenyWithoutTls")),
                    ("Effect", Yaml::str("Deny")),
                    ("Principal", Yaml::str("*")),
                    ("Action", Yaml::str("sns:Publish")),
                    ("Resource", Yaml::reference("NotificationTopic")),
                    (
                        "Condition",
                        Yaml::map([(
                            "Bool",
                            Yaml::map([("aws:SecureTransport", Yaml::str("false"))]),
                        )]),
                    ),
                ]),
            ]),
        ),
    ])
}

fn rule_resource(rule: &Rule) -> Yaml {
    let paths = Yaml::Map(
        rule.paths
            .iter()
            .map(|(k, v)| (k.to_string(), Yaml::str(*v)))
            .collect(),
    );
    Yaml::map([
        ("Type", Yaml::str("AWS::Events::Rule")),
        (
            "Properties",
            Yaml::map([
                (
                    "Name",
                    Yaml::sub(format!("${{AWS::StackName}}-{}", rule.name_suffix)),
                ),
                ("Description", Yaml::str(rule.description)),
                ("State", Yaml::str("ENABLED")),
                (
                    "EventPattern",
                    Yaml::from_json(&rule.pattern, &PATTERN_ORDER),
                ),
                (
                    "Targets",
                    Yaml::List(vec![Yaml::map([
                        ("Id", Yaml::str("NotificationTopic")),
                        ("Arn", Yaml::reference("NotificationTopic")),
                        (
                            "InputTransformer",
                            Yaml::map([
                                ("InputPathsMap", paths),
                                ("InputTemplate", Yaml::str(input_template(&rule.lines))),
                            ]),
                        ),
                    ])]),
                ),
            ]),
        ),
    ])
}
