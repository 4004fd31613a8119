"""The API's OpenAPI document: generated from every function's routes, committed, served as a file."""

import json
from functools import cache
from importlib import resources
from typing import Any

TITLE = "Satu Pintu API"
VERSION = "1.0.0"


@cache
def published_document() -> dict[str, Any]:
    """Return the committed OpenAPI document (functions/shared/openapi.json)."""
    return json.loads(resources.files("functions.shared").joinpath("openapi.json").read_text())


def generate_document() -> dict[str, Any]:
    """Build the OpenAPI document from the routers of all four functions (slow: imports everything)."""
    from functions.issue.app import ROUTERS as issue_routers
    from functions.queue.app import ROUTERS as queue_routers
    from functions.shared.api import create_resolver
    from functions.submit.app import ROUTERS as submit_routers

    combined = create_resolver()
    for router in (*submit_routers, *queue_routers, *issue_routers):
        combined.include_router(router)
    schema = combined.get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description="Layanan terpadu satu pintu / One-stop public services. All routes hang from /api.",
    )
    return _with_error_shape(json.loads(schema))


def _with_error_shape(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the error shape the API really answers with, for every 4xx, instead of Powertools' own."""
    from functions.shared.models import ErrorBody

    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorBody"] = error_schema
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)
    error_response = {
        "description": "Kesalahan / Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            responses["4XX"] = error_response
    return document
