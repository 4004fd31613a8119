"""Write the site's file list into the CloudFront function in template.yaml (SiteRouterFunction's FILES).

The function answers the site's own 404 page for any address that is not one of these files, so the list
is exactly what `aws s3 sync frontend/` publishes (less the folder's README).
"""

import re
import sys
from pathlib import Path

from generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
SITE = ROOT / "frontend"
NOT_PUBLISHED = {"README.md"}
FILES_LINE = re.compile(r"^(?P<indent> *)var FILES = \[.*?\];$", re.MULTILINE | re.DOTALL)


def site_files() -> list[str]:
    """Every file the site publishes, as the path a browser asks for (e.g. /css/site.css)."""
    return sorted(
        "/" + path.relative_to(SITE).as_posix()
        for path in SITE.rglob("*")
        if path.is_file() and path.relative_to(SITE).as_posix() not in NOT_PUBLISHED
    )


def render() -> str:
    """template.yaml with the function's FILES set to the site's files."""
    text = TEMPLATE.read_text()
    matches = list(FILES_LINE.finditer(text))
    if len(matches) != 1:
        raise SystemExit(f"expected one `var FILES = [...];` in {TEMPLATE.name}, found {len(matches)}")
    indent = matches[0]["indent"]
    entries = "".join(f'{indent}  "{path}",\n' for path in site_files())
    return FILES_LINE.sub(lambda _: f"{indent}var FILES = [\n{entries}{indent}];", text, count=1)


if __name__ == "__main__":
    sys.exit(write_or_check(TEMPLATE, render, "site-paths", __doc__))
