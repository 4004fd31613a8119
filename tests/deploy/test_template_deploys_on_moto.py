"""template.yaml deploys: translated by the SAM translator and created by CloudFormation, on moto's server.

No AWS account: the template goes through the same SAM transform CloudFormation applies (the translator that ships
with SAM CLI), the functions' code goes to S3 as one zip, and moto's CloudFormation creates the stack from the
template's S3 URL. moto's CloudFormation has no model for some resource types (MOTO_LACKS, named and asserted
below): those resources are taken out, every reference to them becomes a visible stand-in ("standin-<id>..."), and
everything else must be created.
"""

import io
import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto.cloudformation.parsing import get_model_map

from devstack.moto_server import MotoServer

ROOT = Path(__file__).resolve().parents[2]
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
REGION = "ap-southeast-3"
STACK = "satupintu-moto"
CODE_BUCKET = "satupintu-moto-artifacts"
PARAMETERS = {"Stage": "moto", "AlarmEmail": "ops@satupintu.example", "WebAclArn": ""}

# Resource types of the translated template that moto 5.2's CloudFormation cannot create. README "Deploying"
# lists them. When moto learns one, the assertion below fails: take it off this list.
MOTO_LACKS = frozenset(
    {
        "AWS::ApiGatewayV2::Api",  # the HTTP API, its routes, integrations and the JWT authorizer
        "AWS::ApiGatewayV2::Stage",
        "AWS::CloudFront::Distribution",
        "AWS::CloudFront::Function",  # the site router (the 404 page with its status)
        "AWS::CloudFront::OriginAccessControl",
        "AWS::CloudFront::ResponseHeadersPolicy",
        "AWS::CloudWatch::Alarm",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::S3::BucketPolicy",
        "AWS::SES::ConfigurationSet",
        "AWS::SES::EmailIdentity",
        "AWS::SNS::Subscription",
        "AWS::Scheduler::Schedule",
    }
)


def _standin(logical_id: str, attribute: str | None = None) -> str:
    return f"standin-{logical_id}" + (f"-{attribute}" if attribute else "")


def _replace_references(value: Any, removed: set[str]) -> Any:
    """Return `value` with every Ref, GetAtt and ${...} of a removed resource turned into its stand-in string."""
    if isinstance(value, list):
        return [_replace_references(v, removed) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in removed:
        return _standin(value["Ref"])
    if set(value) == {"Fn::GetAtt"}:
        target_attribute = value["Fn::GetAtt"]
        if isinstance(target_attribute, str):
            target_attribute = target_attribute.split(".", 1)
        target, attribute = target_attribute
        if target in removed:
            return _standin(target, attribute)
    if set(value) == {"Fn::Sub"}:
        text, variables = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        for logical_id in removed:
            text = text.replace("${" + logical_id + "}", _standin(logical_id))
            while "${" + logical_id + "." in text:
                start = text.index("${" + logical_id + ".")
                end = text.index("}", start)
                attribute = text[start + len(logical_id) + 3 : end]
                text = text[:start] + _standin(logical_id, attribute) + text[end + 1 :]
        variables = _replace_references(variables, removed)
        return {"Fn::Sub": [text, variables] if variables else text}
    return {k: _replace_references(v, removed) for k, v in value.items()}


def deployable_part(template: dict[str, Any], lacking: frozenset[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the template without the resources of `lacking` types (references to them stood in), and those."""
    removed = {k: r["Type"] for k, r in template["Resources"].items() if r["Type"] in lacking}
    kept = {}
    for logical_id, resource in template["Resources"].items():
        if logical_id in removed:
            continue
        resource = _replace_references(resource, set(removed))
        depends = resource.get("DependsOn")
        if depends:
            depends = [depends] if isinstance(depends, str) else depends
            resource["DependsOn"] = [d for d in depends if d not in removed]
        kept[logical_id] = resource
    outputs = _replace_references(template.get("Outputs", {}), set(removed))
    return {**template, "Resources": kept, "Outputs": outputs}, removed


def _zip_of_the_build() -> bytes:
    """The functions package as the build lays it out (`functions/...` at the root of the artifact)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((ROOT / "functions").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(ROOT).as_posix())
    return buffer.getvalue()


def _sam_python() -> Path:
    if not SAM_PYTHON.exists():  # SAM CLI's environment, as `make setup` installs it
        subprocess.run(["make", "--no-print-directory", ".venv-sam/.installed"], cwd=ROOT, check=True, timeout=900)
    return SAM_PYTHON


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    """template.yaml through the SAM transform, its code in the artifacts bucket."""
    result = subprocess.run(
        [str(_sam_python()), "scripts/sam_translate.py", "--code", f"s3://{CODE_BUCKET}/build.zip", "--region", REGION]
        + [f"{k}={v}" for k, v in PARAMETERS.items()],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = MotoServer("127.0.0.1", 0)
    server.start()
    try:
        yield server.url
    finally:
        # moto's backends live in this process, shared with every later test: leave none of this stack in them
        # (moto's own dashboard cannot even list some of what its CloudFormation made).
        requests.post(f"{server.url}/moto-api/reset", timeout=30)
        server.stop()


@pytest.fixture(scope="module")
def deployed(translated, moto_endpoint) -> dict[str, Any]:
    """Create the stack on moto's server; return its description, resources and what was left out."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    s3 = session.client("s3", endpoint_url=moto_endpoint)
    cloudformation = session.client("cloudformation", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket=CODE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=CODE_BUCKET, Key="build.zip", Body=_zip_of_the_build())
    template, removed = deployable_part(translated, MOTO_LACKS)
    s3.put_object(Bucket=CODE_BUCKET, Key="template.json", Body=json.dumps(template).encode())
    cloudformation.create_stack(
        StackName=STACK,
        TemplateURL=f"https://{CODE_BUCKET}.s3.{REGION}.amazonaws.com/template.json",
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in PARAMETERS.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    cloudformation.get_waiter("stack_create_complete").wait(StackName=STACK, WaiterConfig={"Delay": 1})
    return {
        "session": session,
        "endpoint": moto_endpoint,
        "stack": cloudformation.describe_stacks(StackName=STACK)["Stacks"][0],
        "resources": cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"],
        "template": template,
        "removed": removed,
    }


def _client(deployed: dict[str, Any], service: str) -> Any:
    return deployed["session"].client(service, endpoint_url=deployed["endpoint"])


def test_the_types_left_out_are_exactly_those_moto_cannot_create(translated):
    # Given every resource type of the translated template
    types = {resource["Type"] for resource in translated["Resources"].values()}

    # Then the list named above is neither short nor stale
    assert {t for t in types if t not in get_model_map()} == MOTO_LACKS


def test_the_sam_transform_leaves_no_serverless_resource(translated):
    assert not [r for r in translated["Resources"].values() if r["Type"].startswith("AWS::Serverless::")]
    assert "Transform" not in translated


def test_the_stack_reaches_create_complete_with_every_other_resource_created(deployed):
    # Then
    assert deployed["stack"]["StackStatus"] == "CREATE_COMPLETE"
    created = {r["LogicalResourceId"]: r for r in deployed["resources"]}
    assert set(created) == set(deployed["template"]["Resources"])
    assert {r["ResourceStatus"] for r in created.values()} == {"CREATE_COMPLETE"}
    # and what was left out is only of the named types, and is not nothing
    assert deployed["removed"] and set(deployed["removed"].values()) == MOTO_LACKS


def test_the_four_functions_exist_with_their_handlers_code_and_resolved_environment(deployed):
    # Given
    lambda_ = _client(deployed, "lambda")
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in deployed["resources"]}
    tables = set(_client(deployed, "dynamodb").list_tables()["TableNames"])

    # the variables that name a left-out resource: the distribution's domain, the user pool, the SES set
    standing_in = {
        "SubmitFunction": set(),
        "QueueFunction": set(),
        "IssueFunction": {"SITE_URL", "USER_POOL_ID", "USER_POOL_CLIENT_ID"},
        "NotifyFunction": {"SITE_URL", "SES_CONFIGURATION_SET"},
    }
    for name in standing_in:
        # When
        function = lambda_.get_function(FunctionName=physical[name])["Configuration"]

        # Then
        assert function["Handler"] == f"functions.{name.removesuffix('Function').lower()}.app.lambda_handler"
        assert function["Runtime"] == "python3.13"
        # (moto's CloudFormation drops Architectures; the translated template keeps it)
        assert deployed["template"]["Resources"][name]["Properties"]["Architectures"] == ["arm64"]
        code = lambda_.get_function(FunctionName=physical[name])["Code"]
        assert code.get("Location") or code.get("ImageUri") is None
        variables = function["Environment"]["Variables"]
        assert variables["CATALOGUE_TABLE"] == physical["CatalogueTable"] in tables
        assert variables["NOTIFICATIONS_QUEUE_URL"].endswith("/" + physical["NotificationsQueue"].rsplit("/", 1)[-1])
        assert not [value for value in variables.values() if "${" in value or "Fn::" in value]
        assert {key for key, value in variables.items() if "standin-" in value} == standing_in[name]


def test_each_work_queue_sends_failures_to_its_dead_letter_queue(deployed):
    # Given
    sqs = _client(deployed, "sqs")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in deployed["stack"]["Outputs"]}

    for queue, dlq in (("IssueJobsQueueUrl", "IssueJobsDLQUrl"), ("NotificationsQueueUrl", "NotificationsDLQUrl")):
        # When
        policy = sqs.get_queue_attributes(QueueUrl=outputs[queue], AttributeNames=["RedrivePolicy"])["Attributes"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=outputs[dlq], AttributeNames=["QueueArn"])["Attributes"]

        # Then
        assert json.loads(policy["RedrivePolicy"])["deadLetterTargetArn"] == dlq_arn["QueueArn"]


def test_every_output_resolves_and_only_those_of_left_out_resources_are_stand_ins(deployed):
    # Given
    outputs = {o["OutputKey"]: o["OutputValue"] for o in deployed["stack"]["Outputs"]}
    physical = {r["PhysicalResourceId"] for r in deployed["resources"]}

    # Then every output of the template is there, as a string with no intrinsic left in it
    assert set(outputs) == set(deployed["template"]["Outputs"])
    assert all(isinstance(v, str) and v and "${" not in v and "Fn::" not in v for v in outputs.values())
    # those that name a created resource name it
    for key in ("CatalogueTableName", "SiteBucketName", "NotificationsDLQUrl", "AlarmTopicArn", "SigningKeyId"):
        assert outputs[key] in physical or outputs[key].rsplit("/", 1)[-1] in physical, key
    # and those that stand in are exactly the outputs of left-out resources
    assert {k for k, v in outputs.items() if "standin-" in v} == {
        "SiteUrl", "ApiUrl", "HttpApiUrl", "DistributionId", "UserPoolId", "UserPoolClientId",
    }  # fmt: skip


def test_references_to_a_left_out_resource_become_stand_ins_in_every_form():
    # Given a template with an unsupported resource referenced every way CloudFormation allows
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGatewayV2::Api"},
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": ["Api", "Role"],
                "Properties": {
                    "A": {"Ref": "Api"},
                    "B": {"Fn::GetAtt": ["Api", "ApiEndpoint"]},
                    "C": {"Fn::GetAtt": "Api.ApiId"},
                    "D": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${Api}/${Api.ApiId}/*"},
                    "E": {"Fn::Sub": ["${X}/${Api}", {"X": {"Ref": "Api"}}]},
                    "F": {"Ref": "Role"},
                },
            },
            "Role": {"Type": "AWS::IAM::Role"},
        },
        "Outputs": {"Url": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}}},
    }

    # When
    kept, removed = deployable_part(template, frozenset({"AWS::ApiGatewayV2::Api"}))

    # Then
    assert removed == {"Api": "AWS::ApiGatewayV2::Api"}
    function = kept["Resources"]["Fn"]
    assert set(kept["Resources"]) == {"Fn", "Role"} and function["DependsOn"] == ["Role"]
    assert function["Properties"] == {
        "A": "standin-Api",
        "B": "standin-Api-ApiEndpoint",
        "C": "standin-Api-ApiId",
        "D": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:standin-Api/standin-Api-ApiId/*"},
        "E": {"Fn::Sub": ["${X}/standin-Api", {"X": "standin-Api"}]},
        "F": {"Ref": "Role"},
    }
    assert kept["Outputs"]["Url"]["Value"] == "standin-Api-ApiEndpoint"


def _resolve(value: Any, physical: dict[str, str]) -> Any:
    """Resolve the intrinsics an alarm uses against the created stack (a left-out resource keeps its stand-in)."""
    if isinstance(value, list):
        return [_resolve(v, physical) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return physical[value["Ref"]]
    if set(value) == {"Fn::GetAtt"}:
        target, attribute = value["Fn::GetAtt"]
        assert attribute == "QueueName", attribute
        return physical[target].rsplit("/", 1)[-1]
    return {k: _resolve(v, physical) for k, v in value.items()}


def test_every_alarm_is_a_valid_alarm_whose_actions_reach_the_created_topic(deployed, translated):
    # Given the alarms moto's CloudFormation cannot create, resolved against the stack that was
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in deployed["resources"]}
    physical.update({k: _standin(k) for k in deployed["removed"]})
    cloudwatch = _client(deployed, "cloudwatch")
    alarms = {k: r for k, r in translated["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    topic_arn = physical["AlarmTopic"]
    assert topic_arn in [t["TopicArn"] for t in _client(deployed, "sns").list_topics()["Topics"]]

    for logical_id, alarm in alarms.items():
        # When each is put as CloudFormation would (botocore checks every field against CloudWatch's API)
        cloudwatch.put_metric_alarm(AlarmName=f"{STACK}-{logical_id}", **_resolve(alarm["Properties"], physical))

    # Then
    described = cloudwatch.describe_alarms(AlarmNamePrefix=f"{STACK}-")["MetricAlarms"]
    assert len(described) == len(alarms) >= 7
    for alarm in described:
        assert alarm["AlarmActions"] == [topic_arn] and alarm["OKActions"] == [topic_arn], alarm["AlarmName"]
