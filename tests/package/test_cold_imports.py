"""What a cold start must not load: each function's handler module, imported in a fresh interpreter.

The figures are in bench/README.md (`make bench`); these keep the cuts made there from coming back unseen.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ["submit", "queue", "issue", "notify"]

# Each, with why it stays out of every cold start.
NEVER_AT_IMPORT = {
    # pydantic's EmailStr: functions/shared/email_address.py holds the address rule instead.
    "email_validator": "about 17 ms",
    # Powertools' Tracer: no function traces with the X-Ray SDK (functions/shared/observability.py).
    "aws_xray_sdk": "about 150 ms",
    "wrapt": "only the X-Ray SDK needs it",
    # Powertools' batch utility loads its pydantic parser models when pydantic is imported before it.
    "aws_lambda_powertools.utilities.parser": "dozens of pydantic models",
    # PDF and QR rendering load on the paths that render (DESIGN.md, Packaging).
    "fpdf": "about 750 ms",
    "qrcode": "about 90 ms",
    "PIL": "the image library behind both",
    # The resolvers and event classes Powertools' package __init__s import and no function uses
    # (functions/shared/lean_imports.py): asyncio comes with the AppSync resolvers.
    "asyncio": "with the unused resolvers, about 5 % of an HTTP function's cold start",
    "aws_lambda_powertools.event_handler.appsync": "a resolver no function uses",
    "aws_lambda_powertools.utilities.data_classes.kafka_event": "one of some forty event classes no function uses",
}


def modules_loaded_by(module: str) -> set[str]:
    """Import a module in a fresh interpreter from the project root; return every module then loaded."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_cold_start_loads_nothing_the_function_does_not_need(function):
    # When
    loaded = modules_loaded_by(f"functions.{function}.app")
    # Then
    unwanted = [
        f"{name} ({cost})"
        for name, cost in NEVER_AT_IMPORT.items()
        if any(m == name or m.startswith(name + ".") for m in loaded)
    ]
    assert not unwanted, f"functions.{function}.app loads {', '.join(unwanted)}"


def test_the_issue_functions_cold_start_loads_no_http_framework():
    # Given: the issue function, whose queue worker and schedules never route an HTTP request
    # When
    loaded = modules_loaded_by("functions.issue.app")
    # Then: its routes, pydantic and Powertools' HTTP resolver wait for the first HTTP event (functions/issue/app.py)
    framework = ["pydantic", "aws_lambda_powertools.event_handler.api_gateway", "functions.issue.document_routes"]
    assert not [name for name in framework if name in loaded]
