"""The API's OpenAPI document as committed (scripts/gen_openapi.py generates it from every function's routes)."""

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def published_document() -> dict[str, Any]:
    """Return the committed OpenAPI document (functions/shared/openapi.json)."""
    return json.loads(resources.files("functions.shared").joinpath("openapi.json").read_text())
