"""Generate functions/shared/openapi.json (what GET /api/openapi.json serves) from every function's routes.

It lives here, not in functions/shared, so that no shared module imports a function's package.
"""

import json
import sys
from pathlib import Path
from typing import Any

from generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "functions" / "shared" / "openapi.json"
TITLE = "Satu Pintu API"
VERSION = "1.0.0"


def generate_document() -> dict[str, Any]:
    """Build the OpenAPI document from the routers of all four functions (slow: imports everything)."""
    from functions.issue.app import routers as issue_routers
    from functions.queue.app import ROUTERS as queue_routers
    from functions.shared.api import create_resolver
    from functions.submit.app import ROUTERS as submit_routers

    combined = create_resolver()
    for router in (*submit_routers, *queue_routers, *issue_routers()):
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


def render() -> str:
    """Return the OpenAPI document as committed: sorted keys, two-space indent."""
    sys.path.insert(0, str(ROOT))  # the repo root, so `functions` is a package (never functions/ itself)
    return json.dumps(generate_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check(TARGET, render, "openapi", __doc__))
