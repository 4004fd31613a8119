"""Fixtures every test shares: AWS on moto built from template.yaml, an API client, the local stack."""

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from devstack import resources as res
from devstack.gateway import CompiledRoute, http_api_event
from devstack.lambda_runtime import Functions, LocalContext
from devstack.process import RunningStack, start_stack, stop_stack
from devstack.template import http_routes, load_template
from functions.shared.aws import reset_clients
from functions.shared.catalogue import clear_cache as clear_catalogue_cache
from functions.shared.dynamo import to_item
from functions.shared.observability import metrics
from functions.shared.settings import reset_settings

ROOT = Path(__file__).resolve().parent.parent

# The citizen, the officer and the postman that the tests of submit and issue share.
pytest_plugins = ["tests.kits.application_fixtures"]
REGION = "ap-southeast-3"
SITE_URL = "http://127.0.0.1:3000"


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--clock-shift-days N` runs the whole session with the clock moved N days ahead (no test may care)."""
    parser.addoption(
        "--clock-shift-days",
        type=int,
        default=0,
        help="move this process's clock N days ahead for the whole session, to prove no test depends on today",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs against the local stack `stack`, so the unit stage (`-m "not stack"`) stays fast."""
    for item in items:
        if "local_stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)


@pytest.fixture(scope="session", autouse=True)
def shifted_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Move the clock ahead (and let it tick) when --clock-shift-days is given; tests that pin time still can."""
    days = request.config.getoption("--clock-shift-days")
    if not days:
        yield
        return
    import time_machine

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def metrics_namespace() -> None:
    """Give the functions' Metrics the namespace the template gives every function.

    Powertools reads it from the environment once, when functions/shared/observability.py is imported, which in
    this process happens before any fixture sets the environment; without it, the hundredth value of one metric
    (a flush) raises "Must contain a metric namespace".
    """
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    metrics.namespace = variables["POWERTOOLS_METRICS_NAMESPACE"]


@pytest.fixture(autouse=True)
def _fresh_metrics() -> Iterator[None]:
    """Each test starts with no metric buffered by an earlier one (Lambda flushes after every invocation)."""
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and the Jakarta region, with no endpoint: boto3 can only reach moto."""
    for name, value in res.fake_aws_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@dataclass
class _Provisioned:
    """The template's resources in moto, created once and kept while no test wipes moto."""

    created: res.LocalResources | None = None
    environment: dict[str, str] | None = None


_PROVISIONED = _Provisioned()


def _still_provisioned(created: res.LocalResources) -> bool:
    # A test that opens its own `mock_aws()` wipes moto when it ends: then everything is created again.
    from moto.dynamodb.models import dynamodb_backends

    return created.refs["CatalogueTable"] in dynamodb_backends[res.ACCOUNT_ID][REGION].tables


def _provision() -> _Provisioned:
    """Create every resource of template.yaml and seed the catalogue, unless they are still there."""
    if _PROVISIONED.created is None or not _still_provisioned(_PROVISIONED.created):
        from devstack.seed import seed_catalogue

        session = boto3.session.Session(region_name=REGION)
        created, _, environment = res.provision(session, load_template(), "test", SITE_URL)
        seed_catalogue(session.resource("dynamodb").Table(created.refs["CatalogueTable"]))
        _PROVISIONED.created, _PROVISIONED.environment = created, environment
    return _PROVISIONED


def _reseed_sites_an_admin_changed(created: res.LocalResources) -> None:
    """Give back the seed's room figures to the sites a test set with the policy knob (a re-seed keeps them)."""
    from boto3.dynamodb.conditions import Attr, Key

    from functions.shared.catalogue import POLICY_SET_AT, SITE_PK

    table = boto3.resource("dynamodb", region_name=REGION).Table(created.refs["CatalogueTable"])
    changed = table.query(KeyConditionExpression=Key("pk").eq(SITE_PK), FilterExpression=Attr(POLICY_SET_AT).exists())[
        "Items"
    ]
    if changed:
        from seed.catalogue import build_sites

        seeded = {site["id"]: site for site in build_sites()}
        for item in changed:
            table.put_item(Item=to_item({**seeded[item["sk"]], "pk": SITE_PK, "sk": item["sk"]}))


def _forget_data(created: res.LocalResources) -> None:
    """Empty every table (but the seeded catalogue), queue and bucket, and forget the e-mails sent."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.ses.models import ses_backends
    from moto.sqs.models import sqs_backends

    for name, table in dynamodb_backends[res.ACCOUNT_ID][REGION].tables.items():
        if name != created.refs["CatalogueTable"]:
            table.items.clear()
    _reseed_sites_an_admin_changed(created)
    for queue in sqs_backends[res.ACCOUNT_ID][REGION].queues.values():
        queue._messages.clear()
        queue._pending_messages.clear()
    ses_backends[res.ACCOUNT_ID][REGION].sent_messages.clear()
    s3 = boto3.client("s3", region_name=REGION)
    for logical, name in created.refs.items():
        if logical.endswith("Bucket"):
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
                doomed = [
                    {"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in (*page.get("Versions", []), *page.get("DeleteMarkers", []))
                ]
                if doomed:
                    s3.delete_objects(Bucket=name, Delete={"Objects": doomed, "Quiet": True})


@pytest.fixture
def aws(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[res.LocalResources]:
    """Every resource of template.yaml in moto (in-process), empty but the catalogue; the functions' environment set.

    The resources are created once per session (creating them and seeding 318 service points took seconds
    per test); each test starts from empty tables, queues and buckets.
    """
    mock = mock_aws()
    # No reset: the resources of the tests before are kept, and only their data is forgotten.
    mock.start(reset=False)
    try:
        provisioned = _provision()
        assert provisioned.created is not None and provisioned.environment is not None
        _forget_data(provisioned.created)
        for name, value in provisioned.environment.items():
            monkeypatch.setenv(name, value)
        reset_settings()
        reset_clients()
        clear_catalogue_cache()
        yield provisioned.created
    finally:
        reset_settings()
        reset_clients()
        clear_catalogue_cache()
        mock.stop(remove_data=False)


@pytest.fixture
def catalogue(aws: res.LocalResources) -> Any:
    """The catalogue table, seeded with the real services and service points (once per session)."""
    return boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["CatalogueTable"])


@pytest.fixture
def lambda_context() -> LocalContext:
    """A Lambda context as Powertools reads it."""
    return LocalContext(function_name="test")


@dataclass
class ApiResponse:
    """What a route answered."""

    status: int
    headers: dict[str, str]
    body: Any


class ApiClient:
    """Calls the functions in-process through template.yaml's routes, as API Gateway would (no HTTP)."""

    def __init__(self) -> None:
        template = load_template()
        self.routes = sorted((CompiledRoute(r) for r in http_routes(template)), key=lambda r: r.rank)
        self.functions = Functions(template)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        claims: dict[str, Any] | None = None,
        raw_body: bytes | None = None,
    ) -> ApiResponse:
        """Send one request; `claims` stands for a token the JWT authorizer already accepted."""
        builder = EnvironBuilder(
            path=path, method=method, headers=headers or {}, query_string=query, json=json_body, data=raw_body
        )
        request = Request(builder.get_environ())
        for compiled in self.routes:
            params = compiled.match(method, path)
            if params is not None:
                break
        else:
            return ApiResponse(404, {}, {"message": "Not Found"})
        if compiled.route.authorizer and claims is None:
            return ApiResponse(401, {}, {"message": "Unauthorized"})
        result = self.functions.invoke(compiled.route.function, http_api_event(request, compiled.route, params, claims))
        body = result.get("body") or ""
        content_type = (result.get("headers") or {}).get("Content-Type", "")
        parsed = json.loads(body) if body and "json" in content_type else body
        return ApiResponse(int(result["statusCode"]), dict(result.get("headers") or {}), parsed)

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        """GET a path."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> ApiResponse:
        """POST a JSON body."""
        return self.request("POST", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        """DELETE a path."""
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(aws: res.LocalResources) -> ApiClient:
    """A client for the API on moto (no catalogue unless the test also asks for `catalogue`)."""
    return ApiClient()


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The whole local stack, started once for the session and stopped at its end."""
    folder = tmp_path_factory.mktemp("stack")
    stack = start_stack(folder / "stack.json", folder / "stack.log")
    yield stack
    stop_stack(stack)
