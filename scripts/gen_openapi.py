"""Generate functions/shared/openapi.json (what GET /api/openapi.json serves) from every function's routes."""

import json
import sys
from pathlib import Path

from generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "functions" / "shared" / "openapi.json"


def render() -> str:
    """Return the OpenAPI document as committed: sorted keys, two-space indent."""
    sys.path.insert(0, str(ROOT))  # the repo root, so `functions` is a package (never functions/ itself)
    from functions.shared.openapi import generate_document

    return json.dumps(generate_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check(TARGET, render, "openapi", __doc__))
