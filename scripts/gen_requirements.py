"""Generate functions/requirements.txt (what `sam build` installs) from pyproject.toml."""

import sys
import tomllib
from pathlib import Path

from generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "functions" / "requirements.txt"


def render() -> str:
    """Return the requirements file for the runtime dependencies in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = ["# Generated from pyproject.toml by `make requirements`; do not edit.", *project["dependencies"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check(TARGET, render, "requirements", __doc__))
