"""Write a generated file, or with --check fail when the committed one is out of date."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(target: Path, render: Callable[[], str], make_target: str, description: str) -> int:
    """Parse --check; write `render()` to `target`, or compare and explain how to refresh it."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="fail if the committed file is not current")
    args = parser.parse_args()
    wanted = render()
    if args.check:
        if not target.exists() or target.read_text() != wanted:
            print(f"{target.name} is out of date: run `make {make_target}`", file=sys.stderr)
            return 1
        return 0
    target.write_text(wanted)
    return 0
