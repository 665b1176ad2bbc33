//! `fleet template`: the CloudFormation template that runs the fleet on AWS when one
//! machine is not enough: a Lambda function (`provided.al2023`, one account per
//! invocation) and a Step Functions state machine whose Distributed Map fans out over the
//! accounts CSV in S3 (bounded concurrency, a tolerated failure percentage, results
//! written to S3), started on a schedule, logging on, each role allowed only what its
//! service does.
//!
//! The template is built as data here so that its tests can check the fields the state
//! machine relies on.

use serde_json::{Value, json};

/// The state machine's name: its role's permissions to start its own child executions
/// (the Distributed Map's) name it, and a generated name would make the role and the
/// machine refer to each other.
pub const STATE_MACHINE_NAME: &str = "secure-account-fleet";

/// The Amazon States Language definition of the state machine, with
/// `${FunctionArn}`, `${AccountsBucket}`, `${AccountsKey}`, `${ResultsBucket}`,
/// `${Command}`, `${MaxConcurrency}` and `${ToleratedFailurePercentage}` substituted by
/// CloudFormation (`DefinitionSubstitutions`).
pub fn state_machine_definition() -> Value {
    json!({
        "Comment": "secure-account: one account per Lambda invocation, over the accounts CSV",
        "StartAt": "Accounts",
        "States": {
            "Accounts": {
                "Type": "Map",
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                    "Parameters": {"Bucket": "${AccountsBucket}", "Key": "${AccountsKey}"}
                },
                "ItemSelector": {
                    "account.$": "$$.Map.Item.Value.id",
                    "name.$": "$$.Map.Item.Value.name",
                    "baseline.$": "$$.Map.Item.Value.baseline",
                    "command": "${Command}",
                    "round": 1
                },
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Baseline",
                    "States": {
                        "Baseline": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::lambda:invoke",
                            "Parameters": {"FunctionName": "${FunctionArn}", "Payload.$": "$"},
                            "OutputPath": "$.Payload",
                            "TimeoutSeconds": 900,
                            "Retry": [{
                                "ErrorEquals": [
                                    "Lambda.ServiceException",
                                    "Lambda.AWSLambdaException",
                                    "Lambda.SdkClientException",
                                    "Lambda.TooManyRequestsException"
                                ],
                                "IntervalSeconds": 2,
                                "MaxAttempts": 6,
                                "BackoffRate": 2
                            }],
                            "Next": "Resume?"
                        },
                        // An invocation that stopped before its deadline with work left
                        // says so: the account is run again, from where it stopped. An
                        // account that could not be opened, or still has work left after
                        // five rounds, fails its item, so `ToleratedFailurePercentage`
                        // counts it and the results' FAILED file lists it with its row.
                        "Resume?": {
                            "Type": "Choice",
                            "Choices": [
                                {
                                    "And": [
                                        {"Variable": "$.resume", "BooleanEquals": true},
                                        {"Variable": "$.next.round", "NumericLessThanEquals": 5}
                                    ],
                                    "Next": "Again"
                                },
                                {"Variable": "$.row.status", "StringEquals": "failed", "Next": "AccountFailed"},
                                {"Variable": "$.row.status", "StringEquals": "incomplete", "Next": "AccountIncomplete"},
                                {"Variable": "$.row.status", "StringEquals": "not_run", "Next": "AccountIncomplete"}
                            ],
                            "Default": "Done"
                        },
                        "Again": {"Type": "Pass", "OutputPath": "$.next", "Next": "Baseline"},
                        "AccountFailed": {
                            "Type": "Fail",
                            "Error": "secure-account.AccountFailed",
                            "CausePath": "States.JsonToString($.row)"
                        },
                        "AccountIncomplete": {
                            "Type": "Fail",
                            "Error": "secure-account.AccountIncomplete",
                            "CausePath": "States.JsonToString($.row)"
                        },
                        "Done": {"Type": "Succeed"}
                    }
                },
                "MaxConcurrency": "${MaxConcurrency}",
                "ToleratedFailurePercentage": "${ToleratedFailurePercentage}",
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "${ResultsBucket}", "Prefix": "runs"}
                },
                "End": true
            }
        }
    })
}

/// The CloudFormation template (JSON).
pub fn template() -> Value {
    let sub = |s: &str| json!({"Fn::Sub": s});
    let machine_arn = format!(
        "arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{STATE_MACHINE_NAME}"
    );
    let execution_arn = format!(
        "arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:execution:{STATE_MACHINE_NAME}/*"
    );
    let assume = |service: &str| {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
            }]
        })
    };
    let mut definition = state_machine_definition();
    // `MaxConcurrency` and `ToleratedFailurePercentage` are numbers in the definition:
    // substituted as strings they would not be, so they are written with a marker and the
    // definition is a string (`DefinitionString`) whose markers lose their quotes.
    let map = &mut definition["States"]["Accounts"];
    map["MaxConcurrency"] = json!("@MaxConcurrency@");
    map["ToleratedFailurePercentage"] = json!("@ToleratedFailurePercentage@");
    let definition_string = serde_json::to_string_pretty(&definition)
        .expect("a definition serialises")
        .replace("\"@MaxConcurrency@\"", "${MaxConcurrency}")
        .replace(
            "\"@ToleratedFailurePercentage@\"",
            "${ToleratedFailurePercentage}",
        );
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "secure-account fleet: a Step Functions Distributed Map over the accounts CSV, one Lambda invocation per account",
        "Parameters": {
            "CodeBucket": {"Type": "String", "Description": "The S3 bucket of the function's zip (cargo lambda build --release --arm64 --output-format zip --bin secure-account: the binary is the bootstrap)"},
            "CodeKey": {"Type": "String", "Description": "The S3 key of the function's zip"},
            "AccountsBucket": {"Type": "String", "Description": "The S3 bucket of the accounts CSV (header id,name,baseline)"},
            "AccountsKey": {"Type": "String", "Default": "accounts.csv"},
            "RoleName": {"Type": "String", "Default": "OrganizationAccountAccessRole", "Description": "The role assumed in each account"},
            "ExternalId": {"Type": "String", "Default": "", "NoEcho": true},
            "Command": {"Type": "String", "Default": "apply", "AllowedValues": ["plan", "apply", "verify"]},
            "ScheduleExpression": {"Type": "String", "Default": "rate(1 day)"},
            "MaxConcurrency": {"Type": "Number", "Default": 40, "MinValue": 1, "MaxValue": 1000},
            "ToleratedFailurePercentage": {"Type": "Number", "Default": 5, "MinValue": 0, "MaxValue": 100},
            "LogRetentionDays": {"Type": "Number", "Default": 365, "AllowedValues": [30, 90, 180, 365, 731, 1827, 3653]}
        },
        "Resources": {
            "ResultsBucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": true, "BlockPublicPolicy": true,
                        "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                    },
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "VersioningConfiguration": {"Status": "Enabled"}
                }
            },
            "ResultsBucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "ResultsBucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [
                                {"Fn::GetAtt": ["ResultsBucket", "Arn"]},
                                sub("${ResultsBucket.Arn}/*")
                            ],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                        }]
                    }
                }
            },
            "FunctionLogGroup": {
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {"RetentionInDays": {"Ref": "LogRetentionDays"}}
            },
            "FunctionRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": assume("lambda.amazonaws.com"),
                    "Policies": [{
                        "PolicyName": "secure-account-function",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Sid": "AssumeTheRoleInEachAccount",
                                    "Effect": "Allow",
                                    "Action": "sts:AssumeRole",
                                    "Resource": sub("arn:${AWS::Partition}:iam::*:role/${RoleName}")
                                },
                                {
                                    "Sid": "Logs",
                                    "Effect": "Allow",
                                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                    "Resource": sub("${FunctionLogGroup.Arn}")
                                }
                            ]
                        }
                    }]
                }
            },
            "Function": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "provided.al2023",
                    "Handler": "bootstrap",
                    "Architectures": ["arm64"],
                    "MemorySize": 256,
                    "Timeout": 900,
                    "Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
                    "Code": {"S3Bucket": {"Ref": "CodeBucket"}, "S3Key": {"Ref": "CodeKey"}},
                    "LoggingConfig": {"LogGroup": {"Ref": "FunctionLogGroup"}, "LogFormat": "JSON"},
                    "Environment": {"Variables": {
                        "SECURE_ACCOUNT_ROLE_NAME": {"Ref": "RoleName"},
                        "SECURE_ACCOUNT_EXTERNAL_ID": {"Ref": "ExternalId"}
                    }}
                }
            },
            "StateMachineLogGroup": {
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {"RetentionInDays": {"Ref": "LogRetentionDays"}}
            },
            "StateMachineRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": assume("states.amazonaws.com"),
                    "Policies": [{
                        "PolicyName": "secure-account-state-machine",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction",
                                 "Resource": [{"Fn::GetAtt": ["Function", "Arn"]}, sub("${Function.Arn}:*")]},
                                {"Sid": "ReadAccounts", "Effect": "Allow", "Action": "s3:GetObject",
                                 "Resource": sub("arn:${AWS::Partition}:s3:::${AccountsBucket}/${AccountsKey}")},
                                {"Sid": "WriteResults", "Effect": "Allow",
                                 "Action": ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
                                 "Resource": sub("${ResultsBucket.Arn}/runs/*")},
                                {"Sid": "ChildExecutions", "Effect": "Allow", "Action": "states:StartExecution",
                                 "Resource": sub(&machine_arn)},
                                {"Sid": "ChildExecutionsState", "Effect": "Allow",
                                 "Action": ["states:DescribeExecution", "states:StopExecution"],
                                 "Resource": sub(&execution_arn)},
                                // Vended log delivery: these actions take no resource ARN.
                                {"Sid": "LogDelivery", "Effect": "Allow",
                                 "Action": [
                                     "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                                     "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
                                     "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
                                     "logs:DescribeLogGroups"
                                 ],
                                 "Resource": "*"}
                            ]
                        }
                    }]
                }
            },
            "StateMachine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "StateMachineName": STATE_MACHINE_NAME,
                    "StateMachineType": "STANDARD",
                    "RoleArn": {"Fn::GetAtt": ["StateMachineRole", "Arn"]},
                    "DefinitionString": definition_string,
                    "DefinitionSubstitutions": {
                        "FunctionArn": {"Fn::GetAtt": ["Function", "Arn"]},
                        "AccountsBucket": {"Ref": "AccountsBucket"},
                        "AccountsKey": {"Ref": "AccountsKey"},
                        "ResultsBucket": {"Ref": "ResultsBucket"},
                        "Command": {"Ref": "Command"},
                        "MaxConcurrency": {"Ref": "MaxConcurrency"},
                        "ToleratedFailurePercentage": {"Ref": "ToleratedFailurePercentage"}
                    },
                    "LoggingConfiguration": {
                        "Level": "ALL",
                        "IncludeExecutionData": false,
                        "Destinations": [{"CloudWatchLogsLogGroup": {
                            "LogGroupArn": {"Fn::GetAtt": ["StateMachineLogGroup", "Arn"]}
                        }}]
                    },
                    "TracingConfiguration": {"Enabled": true}
                }
            },
            "ScheduleRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": assume("events.amazonaws.com"),
                    "Policies": [{
                        "PolicyName": "secure-account-schedule",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "states:StartExecution",
                                           "Resource": {"Ref": "StateMachine"}}]
                        }
                    }]
                }
            },
            "Schedule": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "ScheduleExpression": {"Ref": "ScheduleExpression"},
                    "State": "ENABLED",
                    "Targets": [{
                        "Id": "fleet",
                        "Arn": {"Ref": "StateMachine"},
                        "RoleArn": {"Fn::GetAtt": ["ScheduleRole", "Arn"]}
                    }]
                }
            }
        },
        "Outputs": {
            "StateMachineArn": {"Value": {"Ref": "StateMachine"}},
            "ResultsBucket": {"Value": {"Ref": "ResultsBucket"}},
            "FunctionName": {"Value": {"Ref": "Function"}}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distributed_map_has_the_fields_the_fleet_relies_on() {
        let d = state_machine_definition();
        let map = &d["States"]["Accounts"];
        assert_eq!(map["Type"], "Map");
        assert_eq!(
            map["ItemProcessor"]["ProcessorConfig"]["Mode"],
            "DISTRIBUTED"
        );
        assert_eq!(
            map["ItemProcessor"]["ProcessorConfig"]["ExecutionType"],
            "STANDARD"
        );
        assert_eq!(
            map["ItemReader"]["Resource"],
            "arn:aws:states:::s3:getObject"
        );
        assert_eq!(map["ItemReader"]["ReaderConfig"]["InputType"], "CSV");
        assert_eq!(
            map["ResultWriter"]["Resource"],
            "arn:aws:states:::s3:putObject"
        );
        assert!(map.get("MaxConcurrency").is_some());
        assert!(map.get("ToleratedFailurePercentage").is_some());
        // The item the handler gets: the CSV's columns and the command.
        let item = &map["ItemSelector"];
        for key in ["account.$", "name.$", "baseline.$", "command", "round"] {
            assert!(item.get(key).is_some(), "{key}");
        }
        let task = &map["ItemProcessor"]["States"]["Baseline"];
        assert_eq!(task["Resource"], "arn:aws:states:::lambda:invoke");
        assert_eq!(task["TimeoutSeconds"], 900);
        // A failed account, or one unfinished after its rounds, fails its item (what
        // `ToleratedFailurePercentage` counts); the others succeed.
        let states = &map["ItemProcessor"]["States"];
        let choices = states["Resume?"]["Choices"].as_array().unwrap();
        for (status, next) in [
            ("failed", "AccountFailed"),
            ("incomplete", "AccountIncomplete"),
            ("not_run", "AccountIncomplete"),
        ] {
            assert!(
                choices
                    .iter()
                    .any(|c| c["StringEquals"] == status && c["Next"] == next),
                "{choices:?}"
            );
            assert_eq!(states[next]["Type"], "Fail");
            assert_eq!(states[next]["CausePath"], "States.JsonToString($.row)");
        }
        // Resuming comes first: an incomplete account within its rounds runs again.
        assert_eq!(choices[0]["Next"], "Again");
        assert_eq!(states["Resume?"]["Default"], "Done");
    }

    #[test]
    fn the_template_substitutes_numbers_as_numbers_and_turns_logging_on() {
        let t = template();
        let sm = &t["Resources"]["StateMachine"]["Properties"];
        let def = sm["DefinitionString"].as_str().unwrap();
        assert!(
            def.contains("\"MaxConcurrency\": ${MaxConcurrency}"),
            "{def}"
        );
        assert!(def.contains("\"ToleratedFailurePercentage\": ${ToleratedFailurePercentage}"));
        // Every substitution the definition names is given.
        let subs = sm["DefinitionSubstitutions"].as_object().unwrap();
        for name in def.split("${").skip(1).map(|p| &p[..p.find('}').unwrap()]) {
            assert!(subs.contains_key(name), "{name}");
        }
        assert_eq!(sm["LoggingConfiguration"]["Level"], "ALL");
        assert_eq!(sm["StateMachineName"], STATE_MACHINE_NAME);
        let f = &t["Resources"]["Function"]["Properties"];
        assert_eq!(f["Runtime"], "provided.al2023");
        assert_eq!(f["Timeout"], 900);
        // Lambda.1: no resource policy lets anyone else invoke it.
        assert!(
            t["Resources"]
                .as_object()
                .unwrap()
                .values()
                .all(|r| r["Type"] != "AWS::Lambda::Permission")
        );
    }
}
