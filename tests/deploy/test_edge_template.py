"""edge/waf.yaml: the web ACL `make deploy` puts in front of the distribution, valid and shaped as promised."""

import json
import re
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file

from devstack.template import load_template
from functions.shared.errors import TooManyRequests, error_body

ROOT = Path(__file__).resolve().parents[2]
EDGE = ROOT / "edge" / "waf.yaml"
TEMPLATE = load_template(EDGE)
WEB_ACL = TEMPLATE["Resources"]["WebAcl"]["Properties"]


def _lint(path: Path) -> list[str]:
    return [str(match) for match in lint_file(path, config=ManualArgs(regions=["us-east-1"]))]


def test_cfn_lint_finds_nothing_in_the_edge_template():
    assert _lint(EDGE) == []


def test_cfn_lint_does_find_a_broken_edge_template(tmp_path):
    # Given the same template with a scope WAF does not have
    broken = tmp_path / "waf.yaml"
    broken.write_text(EDGE.read_text().replace("Scope: CLOUDFRONT", "Scope: EVERYWHERE"))

    # When
    found = _lint(broken)

    # Then
    assert any("E3030" in match and "EVERYWHERE" in match for match in found), found


def test_the_web_acl_is_for_cloudfront_and_its_arn_is_the_output_the_stack_takes():
    assert WEB_ACL["Scope"] == "CLOUDFRONT"
    assert TEMPLATE["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    assert "WebAclArn" in load_template()["Parameters"]


@pytest.mark.parametrize("rule_name", ["emailing-posts-per-ip", "api-per-ip"])
def test_each_rate_rule_counts_per_ip_over_five_minutes_and_answers_429(rule_name):
    # Given
    rule = next(r for r in WEB_ACL["Rules"] if r["Name"] == rule_name)

    # Then
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP" and statement["EvaluationWindowSec"] == 300
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429


def test_the_emailing_rule_covers_every_post_that_sends_e_mail_or_takes_an_upload():
    # Given the routes of template.yaml that send e-mail to an address the request names, or take uploads
    rule = next(r for r in WEB_ACL["Rules"] if r["Name"] == "emailing-posts-per-ip")
    statements = rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["AndStatement"]["Statements"]
    pattern = re.compile(statements[1]["RegexMatchStatement"]["RegexString"])
    paths = ["/api/consultations", "/api/applications", "/api/uploads", "/api/bookings",
             "/api/uploads/u-1/check", "/api/applications/SP-2611-7K3M9Q/documents"]  # fmt: skip

    # Then
    assert all(pattern.fullmatch(p) for p in paths)
    assert not pattern.fullmatch("/api/services")


def test_aws_managed_rule_groups_sit_beside_the_rate_rules():
    groups = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in WEB_ACL["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert {"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList",
            "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"} <= groups  # fmt: skip
    assert len({r["Priority"] for r in WEB_ACL["Rules"]}) == len(WEB_ACL["Rules"])


def test_the_web_acl_answers_429_as_the_api_does_with_a_retry_after():
    # Given
    body = WEB_ACL["CustomResponseBodies"]["too-many-requests"]
    blocking = [r["Action"]["Block"]["CustomResponse"] for r in WEB_ACL["Rules"] if "Action" in r]

    # Then the body is the API's own 429
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"]) == error_body(
        TooManyRequests.code, TooManyRequests.message_id, TooManyRequests.message_en, []
    )
    # and every blocking rule sends it, saying when to come back
    assert blocking and all(r["CustomResponseBodyKey"] == "too-many-requests" for r in blocking)
    assert all(r["ResponseHeaders"] == [{"Name": "Retry-After", "Value": "300"}] for r in blocking)
