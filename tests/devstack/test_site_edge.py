"""The site's edge (CloudFront): its own 404 page with the status 404 for unknown addresses, never on /api/*.

The CloudFront function is taken from template.yaml as deployed and run by Node.js, for both the events
it is associated with, as CloudFront would call it.
"""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devstack.template import load_template

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template()
DISTRIBUTION = TEMPLATE["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
ROUTER = TEMPLATE["Resources"]["SiteRouterFunction"]
CODE = ROUTER["Properties"]["FunctionCode"]
MAX_FUNCTION_BYTES = 10 * 1024  # CloudFront Functions' limit on a function's code

# Runs the function's code on each event given on stdin; answers what the handler returned, and its FILES.
HARNESS = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const loaded = new Function(input.code + "\\nreturn {handler: handler, files: FILES};")();
const results = input.events.map((event) => loaded.handler(JSON.parse(JSON.stringify(event))));
process.stdout.write(JSON.stringify({files: loaded.files, results: results}));
"""


def run_function(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Call the template's CloudFront function with each event, in Node.js."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the site's edge function is JavaScript (`make setup` needs Node.js)")
    done = subprocess.run(
        [node, "-e", HARNESS],
        input=json.dumps({"code": CODE, "events": events}),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def viewer_request(uri: str) -> dict[str, Any]:
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "192.0.2.1"},
        "request": {"method": "GET", "uri": uri, "querystring": {}, "headers": {}, "cookies": {}},
    }


def viewer_response(uri: str, status: int) -> dict[str, Any]:
    event = viewer_request(uri)
    event["context"]["eventType"] = "viewer-response"
    event["response"] = {"statusCode": status, "statusDescription": "OK", "headers": {}, "cookies": {}}
    return event


# (what the browser asks for, what S3 is asked for, the status the browser gets)
ADDRESSES = [
    ("/", "/index.html", 200),
    ("/index.html", "/index.html", 200),
    ("/apply.html", "/apply.html", 200),
    ("/service.html", "/service.html", 200),
    ("/css/site.css", "/css/site.css", 200),
    ("/js/layout.js", "/js/layout.js", 200),
    ("/favicon.svg", "/favicon.svg", 200),
    ("/verify-sw.js", "/verify-sw.js", 200),
    ("/nope", "/404.html", 404),
    ("/nope.html", "/404.html", 404),
    ("/Apply.html", "/404.html", 404),
    ("/css/x.css", "/404.html", 404),
    ("/js/", "/404.html", 404),
    ("/permohonan/SP-2611-7K3M9Q", "/404.html", 404),
    ("/README.md", "/404.html", 404),
    ("/404.html", "/404.html", 404),
    ("/../template.yaml", "/404.html", 404),
]


def test_a_site_file_is_served_a_folder_gets_its_index_and_any_other_address_the_404_page():
    # Given every address of the table, as a viewer request
    answers = run_function([viewer_request(uri) for uri, _, _ in ADDRESSES])["results"]
    # Then S3 is asked only for a file the site has: the file itself, a folder's index, else the 404 page
    assert [answer["uri"] for answer in answers] == [key for _, key, _ in ADDRESSES]


@pytest.mark.parametrize("seen_as", ["as the viewer asked", "as the request event rewrote it"])
def test_the_404_page_goes_out_with_the_status_404_and_a_site_file_with_its_own(seen_as):
    # Given S3's 200 for what it was asked, and the request as the response event may see it (either form)
    events = [viewer_response(uri if seen_as == "as the viewer asked" else key, 200) for uri, key, _ in ADDRESSES]
    # When the response event runs
    answers = run_function(events)["results"]
    # Then the browser gets 404 for every unknown address and 200 for every file of the site
    assert [answer["statusCode"] for answer in answers] == [status for _, _, status in ADDRESSES]
    assert all(a["statusDescription"] == "Not Found" for a in answers if a["statusCode"] == 404)


def test_a_response_that_is_not_a_200_is_left_as_it_is():
    # Given a revalidated file (304) and an unknown address S3 itself refused (403)
    answers = run_function([viewer_response("/apply.html", 304), viewer_response("/nope", 403)])["results"]
    # Then neither is turned into something else
    assert [answer["statusCode"] for answer in answers] == [304, 403]


def test_the_function_knows_exactly_the_files_the_site_publishes():
    # Given the files of frontend/ that `aws s3 sync` publishes (the folder's README is not part of the site)
    published = sorted(
        "/" + path.relative_to(ROOT / "frontend").as_posix()
        for path in (ROOT / "frontend").rglob("*")
        if path.is_file() and path.name != "README.md"
    )
    # Then the function's list is that list (`make site-paths` writes it)
    assert run_function([])["files"] == published


def test_the_function_is_cloudfront_js_2_and_within_the_size_cloudfront_allows():
    assert ROUTER["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert ROUTER["Properties"]["AutoPublish"] is True
    assert len(CODE.encode()) <= MAX_FUNCTION_BYTES


def test_only_the_site_behaviour_runs_the_function_on_both_events():
    # Given the default (S3) behaviour
    default = DISTRIBUTION["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "site"
    # Then it runs the router on the request and on the response
    associations = {a["EventType"]: a["FunctionARN"] for a in default["FunctionAssociations"]}
    assert associations == {
        "viewer-request": {"Fn::GetAtt": ["SiteRouterFunction", "FunctionARN"]},
        "viewer-response": {"Fn::GetAtt": ["SiteRouterFunction", "FunctionARN"]},
    }


def test_api_answers_are_never_rewritten_at_the_edge():
    # Given the behaviour that sends /api/* to the HTTP API
    api = [b for b in DISTRIBUTION["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert len(api) == 1
    assert api[0]["TargetOriginId"] == "api"
    # Then no function of any kind runs on it
    assert "FunctionAssociations" not in api[0]
    assert "LambdaFunctionAssociations" not in api[0]
    # And the distribution has no custom error responses: those would apply to every behaviour, the API's too
    assert "CustomErrorResponses" not in DISTRIBUTION
    # And no other behaviour sends anything to the API origin with the router on it
    for behaviour in DISTRIBUTION["CacheBehaviors"]:
        if behaviour["TargetOriginId"] == "api":
            assert "FunctionAssociations" not in behaviour
