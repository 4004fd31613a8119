"""The local gateway serves exactly template.yaml's routes, and each function answers every route it is given."""

import importlib
import re

from devstack.gateway import CompiledRoute
from devstack.template import Route, handler_of, http_routes, load_template

TEMPLATE = load_template()


def _normalise(path: str) -> str:
    """Path parameters by position only: /api/services/{id} and /api/services/<service_id> are one route."""
    return re.sub(r"\{[^}]+\}|<[^>]+>", "{}", path)


def _resolver_routes(function: str) -> set[tuple[str, str]]:
    module = importlib.import_module(handler_of(TEMPLATE, function).rsplit(".", 1)[0])
    # A function whose cold start is mostly not HTTP (issue's worker) builds its resolver on first use.
    app = module.http_app() if hasattr(module, "http_app") else module.app
    return {(route.method.upper(), _normalise(route.path)) for route in (*app._static_routes, *app._dynamic_routes)}


def test_each_function_handles_exactly_the_routes_the_template_sends_it():
    # Given
    by_function: dict[str, set[tuple[str, str]]] = {}
    for route in http_routes(TEMPLATE):
        by_function.setdefault(route.function, set()).add((route.method, _normalise(route.path)))
    # Then: nothing declared that the code does not answer, nothing answered that is not declared.
    for function in {r.function for r in http_routes(TEMPLATE)} | {"SubmitFunction", "QueueFunction", "IssueFunction"}:
        assert _resolver_routes(function) == by_function.get(function, set()), function


def test_the_gateway_matches_literal_routes_before_parameterised_ones():
    # Given
    routes = sorted(
        (CompiledRoute(Route("F", "GET", p)) for p in ["/api/bookings/{id}", "/api/bookings/waitlist"]),
        key=lambda r: r.rank,
    )
    # When
    first = next(r for r in routes if r.match("GET", "/api/bookings/waitlist") is not None)
    # Then
    assert first.route.path == "/api/bookings/waitlist"
    assert routes[1].match("GET", "/api/bookings/BK-1") == {"id": "BK-1"}
    assert routes[1].match("POST", "/api/bookings/BK-1") is None
    assert routes[1].match("GET", "/api/bookings/BK-1/extra") is None
