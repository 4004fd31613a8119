"""template.yaml keeps the promises the design makes: packaging, queues, tables, least privilege, routes."""

import re

import pytest

from devstack.template import functions, http_routes, load_template, queue_sources, resources_of_type

TEMPLATE = load_template()
FUNCTION_TIMEOUT_DEFAULT = TEMPLATE["Globals"]["Function"]["Timeout"]


@pytest.mark.parametrize("logical_id", sorted(functions(TEMPLATE)))
def test_every_function_shares_one_build_and_keeps_the_functions_package(logical_id):
    # Given
    resource = TEMPLATE["Resources"][logical_id]
    # Then
    assert resource["Metadata"]["BuildProperties"] == {"ParentPackageMode": "explicit", "ParentPackages": "functions"}
    assert re.fullmatch(
        r"functions\.(submit|queue|issue|notify)\.app\.lambda_handler", resource["Properties"]["Handler"]
    )
    assert "CodeUri" not in resource["Properties"], "one build root, from Globals"
    assert TEMPLATE["Globals"]["Function"]["CodeUri"] == "functions/"
    assert TEMPLATE["Globals"]["Function"]["Runtime"] == "python3.13"
    assert TEMPLATE["Globals"]["Function"]["Architectures"] == ["arm64"]


def test_each_queue_feeding_a_function_has_a_dlq_after_five_receives_and_a_long_enough_visibility():
    for source in queue_sources(TEMPLATE):
        # Given
        queue = TEMPLATE["Resources"][source.queue]["Properties"]
        timeout = TEMPLATE["Resources"][source.function]["Properties"].get("Timeout", FUNCTION_TIMEOUT_DEFAULT)
        # Then
        assert queue["RedrivePolicy"]["maxReceiveCount"] == 5
        assert queue["VisibilityTimeout"] >= 6 * timeout
        assert source.report_batch_item_failures


def test_every_dead_letter_queue_has_an_alarm():
    # Given
    dlqs = {
        props["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for props in resources_of_type(TEMPLATE, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in props.get("Properties", {})
    }
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == "AWS/SQS"
    }
    # Then
    assert dlqs and dlqs <= alarmed


def test_tables_are_encrypted_and_recoverable():
    for logical_id, table in resources_of_type(TEMPLATE, "AWS::DynamoDB::Table").items():
        props = table["Properties"]
        assert props["SSESpecification"]["SSEEnabled"], logical_id
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], logical_id


def test_buckets_are_private_and_encrypted():
    for logical_id, bucket in resources_of_type(TEMPLATE, "AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), logical_id
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], logical_id


def _statements(function_props):
    for policy in function_props.get("Policies", []):
        if "Statement" in policy:
            yield from policy["Statement"]


@pytest.mark.parametrize("logical_id", sorted(functions(TEMPLATE)))
def test_iam_is_least_privilege_no_wildcard_actions_or_resources(logical_id):
    # Given
    props = TEMPLATE["Resources"][logical_id]["Properties"]
    # Then: SAM policy templates name one resource each; inline statements name their actions.
    for policy in props.get("Policies", []):
        assert isinstance(policy, dict), f"{logical_id}: managed policy by name is too broad: {policy}"
        for template_name, args in policy.items():
            if template_name != "Statement":
                assert args and all(v for v in args.values()), f"{logical_id}: {template_name} without a resource"
    for statement in _statements(props):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in a for a in actions), f"{logical_id}: wildcard action {actions}"
        assert statement["Resource"] != "*", f"{logical_id}: wildcard resource"


def test_officer_routes_and_only_they_sit_behind_the_jwt_authorizer():
    for route in http_routes(TEMPLATE):
        assert route.path.startswith("/api/")
        assert (route.authorizer == "OfficerJwt") == route.path.startswith("/api/officer/"), route.key


def _sends_as(statement):
    return "ses:SendEmail" in (statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])


def test_the_notify_function_may_send_only_as_the_stacks_own_sender_identity():
    # Given
    props = TEMPLATE["Resources"]["NotifyFunction"]["Properties"]
    # When
    resources = [r for s in _statements(props) if _sends_as(s) for r in s["Resource"]]
    # Then: the identity ARN names the stack's identity, never every identity of the account
    identities = [r["Fn::Sub"] for r in resources if ":identity/" in r["Fn::Sub"]]
    assert identities == ["arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderIdentity}"]
    assert all("*" not in r["Fn::Sub"] for r in resources)


def test_officers_and_admins_must_sign_in_with_a_totp_app():
    pool = TEMPLATE["Resources"]["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    client = TEMPLATE["Resources"]["UserPoolClient"]["Properties"]
    assert "ALLOW_ADMIN_USER_PASSWORD_AUTH" not in client["ExplicitAuthFlows"]


def test_every_page_and_api_answer_of_the_distribution_carries_the_security_headers():
    # Given
    distribution = TEMPLATE["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    policy = TEMPLATE["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = policy["SecurityHeadersConfig"]
    csp = " ".join(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"].split())
    # Then: the site and /api/* both use it
    behaviours = [distribution["DefaultCacheBehavior"], *distribution["CacheBehaviors"]]
    assert all(b["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"} for b in behaviours)
    # And it is strict: only our own scripts and styles, never framed
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
