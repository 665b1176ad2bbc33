//! `fleet deploy` on moto: the stack of `fleet template` created in an account of its own,
//! read back with boto3 (moto's own client, independent of the code under test), deployed
//! a second time, and refused without `--auto-approve` when nobody can be asked.

use super::*;

/// What boto3 reads of the stack and its resources, as JSON.
const READ_BACK: &str = r#"
import json, sys, boto3
name = sys.argv[1]
cfn = boto3.client("cloudformation")
stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
resources = cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]
physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources}
machine = boto3.client("stepfunctions").describe_state_machine(stateMachineArn=physical["StateMachine"])
function = boto3.client("lambda").get_function_configuration(FunctionName=physical["Function"])
params = {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}
# moto 5.1 stores `DefinitionString` as given: it does not apply `DefinitionSubstitutions`
# (moto/stepfunctions/models.py, create_from_cloudformation_json). Applied here as
# CloudFormation would, from the stack's own parameters and resources.
raw = machine["definition"]
substituted = raw
for k, v in {
    "FunctionArn": function["FunctionArn"], "AccountsBucket": params["AccountsBucket"],
    "AccountsKey": params["AccountsKey"], "ResultsBucket": physical["ResultsBucket"],
    "Command": params["Command"], "MaxConcurrency": params["MaxConcurrency"],
    "ToleratedFailurePercentage": params["ToleratedFailurePercentage"],
}.items():
    substituted = substituted.replace("${" + k + "}", v)
print(json.dumps({
    "raw_definition": raw,
    "status": stack["StackStatus"],
    "protection": stack.get("EnableTerminationProtection"),
    "parameters": {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])},
    "tags": {t["Key"]: t["Value"] for t in stack.get("Tags", [])},
    "types": sorted({r["ResourceType"] for r in resources}),
    "definition": json.loads(substituted),
    "runtime": function["Runtime"],
    "timeout": function["Timeout"],
}))
"#;

/// Runs boto3 `script` with `args` as the account of `creds`.
fn boto3(endpoint: &str, creds: (&str, &str, &str), script: &str, args: &[&str]) -> Output {
    let venv = moto::venv_dir().expect("moto's virtual environment");
    let python = venv.join("bin").join("python");
    Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", creds.0)
        .env("AWS_SECRET_ACCESS_KEY", creds.1)
        .env("AWS_SESSION_TOKEN", creds.2)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", python.display()))
}

pub fn fleet_deploy_on_moto_creates_the_stack_and_deploys_it_again(endpoint: String) {
    let (key, secret, token, account_id) = moto_account(&endpoint, 23);
    let creds = (key.as_str(), secret.as_str(), token.as_str());
    let home = tempfile::tempdir().unwrap();
    // The function's zip, where `--code-bucket`/`--code-key` say.
    let upload = boto3(
        &endpoint,
        creds,
        "import boto3; s3 = boto3.client('s3'); s3.create_bucket(Bucket='fleet-code'); \
         s3.put_object(Bucket='fleet-code', Key='secure-account/bootstrap.zip', \
         Body=b'PK\\x05\\x06' + bytes(18))",
        &[],
    );
    assert!(
        upload.status.success(),
        "{}",
        String::from_utf8_lossy(&upload.stderr)
    );
    let deploy = |extra: &[&str]| {
        let mut args = vec![
            "--endpoint-url",
            endpoint.as_str(),
            "--region",
            "us-east-1",
            "--output",
            "json",
            "fleet",
            "deploy",
            "--code-bucket",
            "fleet-code",
            "--accounts-bucket",
            "fleet-accounts",
            "--command",
            "verify",
            "--max-concurrency",
            "25",
        ];
        args.extend_from_slice(extra);
        with_credentials(home.path(), (&key, &secret, Some(&token)), &args)
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .expect("the binary runs")
    };

    // Nobody to ask, no `--auto-approve`: nothing is deployed, and the hint is the command.
    let refused = deploy(&[]);
    assert_eq!(code(&refused), 1, "{}", transcript(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("will be created"), "{stderr}");
    assert!(
        stderr.contains("fleet deploy --code-bucket fleet-code")
            && stderr.contains("--auto-approve"),
        "{stderr}"
    );

    let first = deploy(&["--auto-approve"]);
    assert_eq!(code(&first), 0, "{}", transcript(&first));
    let answer: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(answer["outcome"], "created", "{answer}");
    assert_eq!(answer["account_id"], account_id.as_str());
    let machine = answer["outputs"]["StateMachineArn"].as_str().unwrap();
    assert!(
        machine.contains(&account_id) && machine.ends_with(":stateMachine:secure-account-fleet"),
        "{answer}"
    );
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("secure-account-fleet: CREATE_COMPLETE")
    );

    let read = boto3(&endpoint, creds, READ_BACK, &["secure-account-fleet"]);
    assert!(
        read.status.success(),
        "boto3: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    let stack: Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(stack["status"], "CREATE_COMPLETE");
    assert_eq!(stack["protection"], true, "{stack}");
    assert_eq!(stack["parameters"]["CodeBucket"], "fleet-code");
    assert_eq!(stack["parameters"]["Command"], "verify");
    assert_eq!(stack["parameters"]["MaxConcurrency"], "25");
    assert_eq!(stack["tags"]["managed-by"], "secure-account");
    for t in [
        "AWS::Lambda::Function",
        "AWS::StepFunctions::StateMachine",
        "AWS::Events::Rule",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
    ] {
        assert!(
            stack["types"].as_array().unwrap().iter().any(|x| x == t),
            "{t}: {stack}"
        );
    }
    // The definition moto holds is the template's text, unsubstituted (moto applies no
    // `DefinitionSubstitutions`); substituted from the stack's parameters and resources it
    // is JSON, with the numbers as numbers.
    let template = {
        let out = Command::new(BIN)
            .args(["fleet", "template"])
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    assert_eq!(
        stack["raw_definition"],
        template["Resources"]["StateMachine"]["Properties"]["DefinitionString"]
    );
    let map = &stack["definition"]["States"]["Accounts"];
    assert_eq!(
        map["ItemProcessor"]["ProcessorConfig"]["Mode"],
        "DISTRIBUTED"
    );
    assert_eq!(map["MaxConcurrency"], 25, "{map}");
    assert_eq!(map["ItemSelector"]["command"], "verify");
    assert_eq!(map["ItemReader"]["Parameters"]["Bucket"], "fleet-accounts");
    assert_eq!(stack["runtime"], "provided.al2023");
    assert_eq!(stack["timeout"], 900);

    // Again: an update. AWS answers "No updates are to be performed." (`unchanged`); moto
    // 5.1 runs the update (`updated`).
    let second = deploy(&["--auto-approve"]);
    assert_eq!(code(&second), 0, "{}", transcript(&second));
    let again: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert!(
        again["outcome"] == "updated" || again["outcome"] == "unchanged",
        "{again}"
    );
    assert_eq!(again["outputs"]["StateMachineArn"], machine);
}
