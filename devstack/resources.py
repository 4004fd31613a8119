"""Create every table, queue, bucket, key, user pool and e-mail identity from template.yaml's own definitions."""

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from devstack.template import Resolver, resources_of_type

ACCOUNT_ID = "123456789012"
REGION = "ap-southeast-3"  # Jakarta


@dataclass
class LocalResources:
    """The physical ids of what was created, and a resolver that maps template intrinsics onto them."""

    refs: dict[str, str] = field(default_factory=dict)
    attrs: dict[tuple[str, str], str] = field(default_factory=dict)


def physical_name(stage: str, logical_id: str) -> str:
    """Name a local resource after its logical id, as CloudFormation would (but readable)."""
    return f"satupintu-{stage}-{logical_id}"


def _table_args(props: dict[str, Any], name: str) -> dict[str, Any]:
    args: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("LocalSecondaryIndexes"):
        args["LocalSecondaryIndexes"] = props["LocalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return args


def create_tables(
    dynamodb: Any, template: dict[str, Any], stage: str, out: LocalResources, expire_items: bool = True
) -> None:
    """Create each AWS::DynamoDB::Table with its keys, indexes and TTL (unless `expire_items` is false)."""
    for logical_id, resource in resources_of_type(template, "AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        name = physical_name(stage, logical_id)
        dynamodb.create_table(**_table_args(props, name))
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled") and expire_items:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
            )
        out.refs[logical_id] = name
        out.attrs[(logical_id, "Arn")] = f"arn:aws:dynamodb:{dynamodb.meta.region_name}:{ACCOUNT_ID}:table/{name}"


def table_definitions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return CreateTable arguments for every table, named by logical id (for tests on mock_aws)."""
    return {
        logical_id: _table_args(resource["Properties"], logical_id)
        for logical_id, resource in resources_of_type(template, "AWS::DynamoDB::Table").items()
    }


def create_queues(sqs: Any, template: dict[str, Any], stage: str, out: LocalResources) -> None:
    """Create each AWS::SQS::Queue; dead-letter queues first so redrive policies can point at them."""
    queues = resources_of_type(template, "AWS::SQS::Queue")
    ordered = sorted(queues.items(), key=lambda kv: "RedrivePolicy" in kv[1].get("Properties", {}))
    for logical_id, resource in ordered:
        props = resource.get("Properties", {})
        attributes: dict[str, str] = {}
        for key in (
            "VisibilityTimeout",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
        ):
            if key in props:
                attributes[key] = str(props[key])
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            dlq = policy["deadLetterTargetArn"]["Fn::GetAtt"][0]
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": out.attrs[(dlq, "Arn")],
                    "maxReceiveCount": int(policy["maxReceiveCount"]),
                }
            )
        name = physical_name(stage, logical_id)
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        out.refs[logical_id] = url
        out.attrs[(logical_id, "Arn")] = arn
        out.attrs[(logical_id, "QueueUrl")] = url
        out.attrs[(logical_id, "QueueName")] = name


def create_buckets(s3: Any, template: dict[str, Any], stage: str, out: LocalResources) -> None:
    """Create each AWS::S3::Bucket with its encryption, lifecycle and CORS rules."""
    for logical_id, resource in resources_of_type(template, "AWS::S3::Bucket").items():
        props = resource.get("Properties", {})
        name = physical_name(stage, logical_id).lower()
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3.meta.region_name})
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
        if "BucketEncryption" in props:
            # CloudFormation spells it ServerSideEncryptionByDefault; the S3 API, ApplyServerSideEncryptionByDefault.
            rules = [
                {"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]}
                for r in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if props.get("LifecycleConfiguration"):
            rules = [_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
            s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
        # Locally the site is served from another origin than moto, so every origin may upload.
        if "CorsConfiguration" in props:
            rules = [
                {
                    "AllowedMethods": rule["AllowedMethods"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": rule.get("AllowedHeaders", []),
                    "MaxAgeSeconds": int(rule.get("MaxAge", 0)),
                }
                for rule in props["CorsConfiguration"]["CorsRules"]
            ]
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        out.refs[logical_id] = name
        out.attrs[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"
        out.attrs[(logical_id, "RegionalDomainName")] = f"{name}.s3.{s3.meta.region_name}.amazonaws.com"


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Translate a CloudFormation lifecycle rule into the S3 API's shape."""
    out: dict[str, Any] = {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        }
    return out


def create_keys(kms: Any, template: dict[str, Any], out: LocalResources) -> None:
    """Create each AWS::KMS::Key with its key spec and usage."""
    for logical_id, resource in resources_of_type(template, "AWS::KMS::Key").items():
        props = resource["Properties"]
        meta = kms.create_key(
            Description=props.get("Description", logical_id),
            KeySpec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
        )["KeyMetadata"]
        out.refs[logical_id] = meta["KeyId"]
        out.attrs[(logical_id, "Arn")] = meta["Arn"]


def create_user_pools(cognito: Any, template: dict[str, Any], resolver: Resolver, out: LocalResources) -> None:
    """Create the Cognito user pool, its app client and its groups."""
    for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPool").items():
        props = resolver.resolve(resource["Properties"])
        pool = cognito.create_user_pool(
            PoolName=props["UserPoolName"],
            Policies=props.get("Policies", {}),
            UsernameAttributes=props.get("UsernameAttributes", []),
            AutoVerifiedAttributes=props.get("AutoVerifiedAttributes", []),
            AdminCreateUserConfig=props.get("AdminCreateUserConfig", {}),
            MfaConfiguration=props.get("MfaConfiguration", "OFF"),
        )["UserPool"]
        if "SOFTWARE_TOKEN_MFA" in props.get("EnabledMfas", []):
            # What EnabledMfas says in the template; the local stack's moto checks the codes when the process sets
            # MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP (devstack/stack.py does).
            cognito.set_user_pool_mfa_config(
                UserPoolId=pool["Id"],
                SoftwareTokenMfaConfiguration={"Enabled": True},
                MfaConfiguration=props.get("MfaConfiguration", "OFF"),
            )
        out.refs[logical_id] = pool["Id"]
        out.attrs[(logical_id, "Arn")] = pool["Arn"]
        out.attrs[(logical_id, "ProviderURL")] = f"cognito-idp.{cognito.meta.region_name}.amazonaws.com/{pool['Id']}"
    for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPoolClient").items():
        props = resource["Properties"]
        pool_id = resolver.resolve(props["UserPoolId"])
        flows = list(props.get("ExplicitAuthFlows", []))
        # The local stack signs its ready-made officers in with the admin flow.
        flows.append("ALLOW_ADMIN_USER_PASSWORD_AUTH")
        client = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName=props["ClientName"], GenerateSecret=False, ExplicitAuthFlows=flows
        )["UserPoolClient"]
        out.refs[logical_id] = client["ClientId"]
    for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPoolGroup").items():
        props = resource["Properties"]
        cognito.create_group(
            UserPoolId=resolver.resolve(props["UserPoolId"]),
            GroupName=props["GroupName"],
            Description=props.get("Description", ""),
        )
        out.refs[logical_id] = props["GroupName"]


def create_email_identities(sesv2: Any, template: dict[str, Any], resolver: Resolver, out: LocalResources) -> None:
    """Create (and so verify, under moto) each SES identity and configuration set."""
    for logical_id, resource in resources_of_type(template, "AWS::SES::EmailIdentity").items():
        identity = resolver.resolve(resource["Properties"]["EmailIdentity"])
        sesv2.create_email_identity(EmailIdentity=identity)
        out.refs[logical_id] = identity
    for logical_id in resources_of_type(template, "AWS::SES::ConfigurationSet"):
        name = f"satupintu-{resolver.parameters['Stage']}-{logical_id}"
        sesv2.create_configuration_set(ConfigurationSetName=name)
        out.refs[logical_id] = name


def create_all(
    session: boto3.session.Session,
    template: dict[str, Any],
    parameters: dict[str, str],
    site_url: str,
    expire_items: bool = True,
) -> tuple[LocalResources, Resolver]:
    """Create every resource the functions use and return their ids with a resolver over them."""
    stage = parameters["Stage"]
    out = LocalResources()
    region = session.region_name
    pseudo = {
        "AWS::Region": region,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackName": f"satupintu-{stage}",
    }
    resolver = Resolver(template, parameters, out.refs, out.attrs, pseudo)
    create_tables(session.client("dynamodb"), template, stage, out, expire_items)
    create_queues(session.client("sqs"), template, stage, out)
    create_buckets(session.client("s3"), template, stage, out)
    create_keys(session.client("kms"), template, out)
    create_user_pools(session.client("cognito-idp"), template, resolver, out)
    create_email_identities(session.client("sesv2"), template, resolver, out)
    # What CloudFront would serve: locally the gateway serves the site itself.
    out.attrs[("SiteDistribution", "DomainName")] = site_url.split("://", 1)[-1].rstrip("/")
    out.refs["SiteDistribution"] = "local"
    out.refs["HttpApi"] = "local"
    return out, resolver


def function_environment(template: dict[str, Any], resolver: Resolver, function: str) -> dict[str, str]:
    """Return a function's environment variables (Globals, then its own), resolved locally."""
    variables: dict[str, Any] = {}
    variables.update(
        ((template.get("Globals") or {}).get("Function") or {}).get("Environment", {}).get("Variables", {})
    )
    props = template["Resources"][function]["Properties"]
    variables.update((props.get("Environment") or {}).get("Variables", {}))
    return {k: str(resolver.resolve(v)) for k, v in variables.items()}


def fake_aws_environment(endpoint: str | None = None, log_level: str = "WARNING") -> dict[str, str]:
    """The environment that keeps boto3 on moto: fixed test credentials, Jakarta, no tracing or metrics.

    With an endpoint, every client talks to that moto server; without, to moto in-process (`mock_aws`).
    """
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": log_level,
    }
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def provision(
    session: boto3.session.Session,
    template: dict[str, Any],
    stage: str,
    site_url: str,
    functions: list[str] | None = None,
    expire_items: bool = True,
) -> tuple[LocalResources, Resolver, dict[str, str]]:
    """Create every resource of the template and return them, their resolver, and the functions' environment.

    The environment is the union of the named functions' variables (all functions by default), less
    POWERTOOLS_SERVICE_NAME, which differs per function. `expire_items` false leaves TTL off: DynamoDB Local
    expires items by this machine's clock, which a stack whose clock is set (`--clock`) does not follow.
    """
    parameters = {name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()}
    parameters.update({"Stage": stage, "PublicUrl": site_url})
    created, resolver = create_all(session, template, parameters, site_url, expire_items)
    names = functions or [k for k, v in template["Resources"].items() if v["Type"] == "AWS::Serverless::Function"]
    env: dict[str, str] = {}
    for function in names:
        env.update(function_environment(template, resolver, function))
    env.pop("POWERTOOLS_SERVICE_NAME", None)
    return created, resolver, env
