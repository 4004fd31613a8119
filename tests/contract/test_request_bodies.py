"""Every route that reads a body bounds it before parsing: hostile JSON is a 4xx in the error shape, never a 500."""

import re
import uuid

import pytest

from devstack.template import http_routes, load_template

OFFICER = {"username": "petugas@satupintu.local", "cognito:groups": ["officer", "admin"]}
BODY_ROUTES = sorted(
    (route for route in http_routes(load_template()) if route.method in {"POST", "PUT", "PATCH"}),
    key=lambda route: route.key,
)

# Python will not read an integer of more than 4,300 digits; a validator walking 500 levels runs out of recursion.
HUGE_INTEGER = "9" * 5000
DEEP_ARRAYS = "[" * 500 + "]" * 500
HOSTILE_BODIES = {
    "5000-digit integer": f'{{"service_id": "sktm", "size": {HUGE_INTEGER}, "fields": {{"luas": {HUGE_INTEGER}}}}}',
    "5000-digit integer alone": HUGE_INTEGER,
    "arrays 500 deep": '{"service_id": "sktm", "documents": ' + DEEP_ARRAYS + "}",
    "arrays 500 deep alone": DEEP_ARRAYS,
    "objects 500 deep": '{"a": ' * 500 + "1" + "}" * 500,
}


def _send(api, route, raw: str | bytes):
    path = re.sub(r"\{[^}]+\}", "SP-2026-000001", route.path)
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    claims = OFFICER if route.authorizer else None
    return api.request(route.method, path, raw_body=raw, headers=headers, claims=claims)


def _assert_error_shape(body):
    error = body["error"]
    assert set(error) == {"code", "message", "message_en", "details"}
    assert error["message"] and error["message_en"] and error["message"] != error["message_en"]


def test_there_are_routes_that_read_a_body():
    assert {"POST /api/uploads", "POST /api/applications", "POST /api/consultations"} <= {r.key for r in BODY_ROUTES}


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda route: route.key)
@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_a_hostile_json_body_is_a_4xx_in_the_error_shape(api, route, name):
    # When
    response = _send(api, route, HOSTILE_BODIES[name])
    # Then
    assert response.status in {400, 422}, response.body
    _assert_error_shape(response.body)


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda route: route.key)
def test_a_body_over_the_limit_is_refused_with_413(api, route):
    # Given: valid JSON, just far more of it than any request of this API needs
    oversize = '{"question": "' + "a" * (1024 * 1024) + '"}'
    # When
    response = _send(api, route, oversize)
    # Then
    assert response.status == 413, response.body
    _assert_error_shape(response.body)
    assert response.body["error"]["code"] == "body_too_large"
