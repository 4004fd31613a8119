"""Generate functions/shared/openapi.json (what GET /api/openapi.json serves) from every function's routes."""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "functions" / "shared" / "openapi.json"


def render() -> str:
    """Return the OpenAPI document as committed: sorted keys, two-space indent."""
    sys.path.insert(0, str(ROOT))  # the repo root, so `functions` is a package (never functions/ itself)
    from functions.shared.openapi import generate_document

    return json.dumps(generate_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    """Write the document, or with --check fail when the committed one is out of date."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    wanted = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != wanted:
            print("functions/shared/openapi.json is out of date: run `make openapi`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
