"""Generate functions/requirements.txt (what `sam build` installs) from pyproject.toml."""

import argparse
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "functions" / "requirements.txt"


def render() -> str:
    """Return the requirements file for the runtime dependencies in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = ["# Generated from pyproject.toml by `make requirements`; do not edit.", *project["dependencies"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write the file, or with --check fail when it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is not current")
    args = parser.parse_args()
    wanted = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != wanted:
            print("functions/requirements.txt is out of date: run `make requirements`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
