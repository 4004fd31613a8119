"""Fuzz every public operation of the published OpenAPI document: no 5xx, and every answer as the document says."""

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
import schemathesis
from moto import mock_aws
from werkzeug.wrappers import Request, Response

from devstack import resources as res
from devstack.gateway import CompiledRoute, http_api_event, lambda_result_to_response
from devstack.lambda_runtime import Functions
from devstack.seed import seed_catalogue
from devstack.template import http_routes, load_template
from functions.shared.aws import reset_clients
from functions.shared.catalogue import clear_cache as clear_catalogue_cache
from functions.shared.openapi import published_document
from functions.shared.settings import reset_settings
from seed.catalogue import build_sites, load_services

REGION = "ap-southeast-3"
SITE_URL = "http://127.0.0.1:3000"

SERVICES = load_services()
# Real catalogue ids, mixed into half the generated ids, so the fuzzer also reaches past "no such service".
DICTIONARIES = {
    "service_ids": {"values": [s["id"] for s in SERVICES]},
    # The requirements most services share, so a drawn service and requirement often belong together.
    "requirement_ids": {
        "values": [name for name, _ in Counter(r["id"] for s in SERVICES for r in s["requirements"]).most_common(3)]
    },
    "accepted_types": {"values": sorted({t for s in SERVICES for r in s["requirements"] for t in r["accepted_types"]})},
    "site_ids": {"values": [site["id"] for site in build_sites()]},
}
BINDINGS = {
    "path.service_id": "service_ids",
    "body.service_id": "service_ids",
    "body.requirement_id": "requirement_ids",
    "body.content_type": "accepted_types",
    "path.site_id": "site_ids",
}

# Bounded and reproducible: the same cases on every run, a few dozen per operation, well under a few minutes.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260401,
        "dictionaries": DICTIONARIES,
        "parameters": {key: {"dictionary": name, "probability": 0.5} for key, name in BINDINGS.items()},
        "generation": {"mode": "all", "max-examples": 30, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "enabled": False,
            # A 5xx is never the answer to anything a caller can send.
            "not_a_server_error": {"enabled": True},
            # Every answer is one the document declares, in the declared media type, shape and headers.
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            # Input the document rules out is refused with a 4xx.
            "negative_data_rejection": {"enabled": True},
            "missing_required_header": {"enabled": True},
            # Left out: positive_data_acceptance (a request can match the document and still break a rule it
            # cannot state: a service not in the catalogue, 0000-00-00 as a date, a NIK's checksum), and
            # unsupported_method (it wants 405; API Gateway answers 404 for a method no route serves).
        },
    }
)


class InProcessApi:
    """template.yaml's routes as a WSGI app: each request becomes an HTTP API event for the function, in-process."""

    def __init__(self) -> None:
        template = load_template()
        self.routes = sorted((CompiledRoute(r) for r in http_routes(template)), key=lambda r: r.rank)
        self.functions = Functions(template)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request as API Gateway's HTTP API would; no request here carries an officer's token."""
        request = Request(environ)
        for compiled in self.routes:
            params = compiled.match(request.method, request.path)
            if params is None:
                continue
            if compiled.route.authorizer:
                response = Response('{"message":"Unauthorized"}', 401, content_type="application/json")
            else:
                event = http_api_event(request, compiled.route, params, None)
                response = lambda_result_to_response(self.functions.invoke(compiled.route.function, event))
            break
        else:
            response = Response('{"message":"Not Found"}', 404, content_type="application/json")
        return response(environ, start_response)


schema = schemathesis.openapi.from_dict(published_document(), config=CONFIG)
schema.app = InProcessApi()
public_schema = schema.exclude(path_regex=r"^/api/officer/")


@contextmanager
def api_on_moto() -> Iterator[None]:
    """Every resource of template.yaml on moto, the functions' environment set, and the catalogue seeded."""
    with pytest.MonkeyPatch.context() as env, mock_aws():
        for name, value in res.fake_aws_environment(log_level="CRITICAL").items():
            env.setenv(name, value)
        env.delenv("AWS_ENDPOINT_URL", raising=False)
        session = boto3.session.Session(region_name=REGION)
        created, _, environment = res.provision(session, load_template(), "test", SITE_URL)
        for name, value in environment.items():
            env.setenv(name, value)
        reset_settings()
        reset_clients()
        clear_catalogue_cache()
        seed_catalogue(session.resource("dynamodb").Table(created.refs["CatalogueTable"]))
        yield
    reset_settings()
    reset_clients()
    clear_catalogue_cache()


@pytest.fixture(scope="module")
def seeded_api() -> Iterator[None]:
    """The API on moto, built once for all fuzzed operations (hypothesis reruns a test body, not its fixtures)."""
    with api_on_moto():
        yield


@public_schema.parametrize()
def test_public_operation_answers_within_its_document(case: schemathesis.Case, seeded_api: None) -> None:
    """Any input, valid or not, gets an answer the document declares: never a 5xx, never off its schema."""
    # Given the API on moto with the real catalogue, and a request generated from the published document
    # When it is sent through the operation's route
    # Then the answer passes every configured check
    case.call_and_validate()


# Bodies no generator writes (a JSON serializer refuses an integer of more than 4,300 digits), so they are sent raw
# to every operation that reads a body: each must be a 4xx the document declares, never a 5xx.
HOSTILE_BODIES = {
    "5000-digit integer": '{"service_id": "sktm", "size": ' + "9" * 5000 + "}",
    "arrays 500 deep": '{"documents": ' + "[" * 500 + "]" * 500 + "}",
    "objects 500 deep": '{"a": ' * 500 + "1" + "}" * 500,
    "over 1 MiB": '{"question": "' + "a" * (1024 * 1024) + '"}',
}
BODY_OPERATIONS = [
    operation
    for operation in (result.ok() for result in public_schema.get_all_operations())
    if operation.method.upper() in {"POST", "PUT", "PATCH"}
]


def test_the_document_has_operations_that_read_a_body() -> None:
    """The hostile bodies below reach something: the public POST routes are in the document."""
    assert {"POST /api/uploads", "POST /api/applications", "POST /api/consultations"} <= {
        op.label for op in BODY_OPERATIONS
    }


@pytest.mark.parametrize("operation", BODY_OPERATIONS, ids=lambda operation: operation.label)
@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_body_gets_a_declared_4xx(operation: Any, name: str, seeded_api: None) -> None:
    """A body too big, too deep or with an integer too long for Python is refused before it is parsed."""
    # Given a request to an operation that reads a JSON body, its path filled in and its headers present
    case = operation.Case(
        path_parameters={parameter.name: "SP-2026-000001" for parameter in operation.path_parameters},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        body={},
        media_type="application/json",
    )
    # When the hostile body is sent in place of the generated one
    response = case.call_and_validate(data=HOSTILE_BODIES[name].encode())
    # Then it is a 4xx (and every configured check passed: declared status, error shape, media type)
    assert 400 <= response.status_code < 500
