"""The Powertools packages whose `__init__` a cold start skips (functions/shared/lean_imports.py) lose no name.

Each check runs in a fresh interpreter: in this one, the packages were imported long before by other tests.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from functions.shared.lean_imports import DEFERRED, reexports

ROOT = Path(__file__).resolve().parents[2]


def run_fresh(code: str) -> dict:
    """Run code in a fresh interpreter from the project root; return the JSON it prints."""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


# Prints, for each name, the module and qualified name of the object a package gives for it.
WHERE = """
import importlib, json, sys, types
def where(value):
    if isinstance(value, types.ModuleType):
        return value.__name__
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', repr(value))}"
"""


@pytest.mark.parametrize("package", DEFERRED)
def test_every_name_a_deferred_package_exports_is_the_one_its_init_gives(package):
    # Given: every public name the real __init__ defines, and the object each is
    real = run_fresh(
        WHERE + f"package = importlib.import_module({package!r})\n"
        "print(json.dumps({name: where(getattr(package, name)) for name in package.__all__}))"
    )
    # When: a fresh interpreter imports `functions` (which defers the __init__, as every handler's import does),
    # then asks the package for each name
    deferred = run_fresh(
        "import functions\n" + WHERE + f"package = sys.modules[{package!r}]\n"
        "deferred = '__getattr__' in package.__dict__\n"
        f"names = {{name: where(getattr(package, name)) for name in {sorted(real)!r}}}\n"
        "print(json.dumps({'deferred': deferred, 'names': names}))"
    )
    # Then: the __init__ had not run, and each name is the very object the real __init__ gives
    assert deferred["deferred"] is True
    assert deferred["names"] == real


@pytest.mark.parametrize("package", DEFERRED)
def test_the_names_answered_without_the_init_are_the_ones_it_reexports(package):
    # Given: the names the deferral answers from their own module, read from the installed __init__
    origin = Path(importlib.util.find_spec(package).origin)
    exported = reexports(package, origin.read_text(encoding="utf-8"))
    # Then: it found them (an upgrade that changes the __init__'s form would show here), and each is where it says
    assert len(exported) >= 5
    found = run_fresh(
        "import importlib, json\n"
        f"exported = {exported!r}\n"
        "print(json.dumps(sorted(n for n, m in exported.items() if not hasattr(importlib.import_module(m), n))))"
    )
    assert found == []


def test_a_cold_start_skips_the_inits_and_a_later_caller_still_gets_every_name():
    # Given: a fresh interpreter that imports the submit function, as Lambda does
    result = run_fresh(
        """
import json, sys
import functions.submit.app
cold = {name: name in sys.modules for name in ("asyncio", "aws_lambda_powertools.event_handler.appsync",
        "aws_lambda_powertools.utilities.data_classes.sqs_event")}
# When: later code asks the packages for names only their __init__ defines or re-exports
from aws_lambda_powertools.event_handler import AppSyncResolver, APIGatewayHttpResolver
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.data_classes import *
print(json.dumps({"cold": cold, "asyncio_after": "asyncio" in sys.modules,
                  "names": [AppSyncResolver.__name__, APIGatewayHttpResolver.__name__, SQSEvent.__name__],
                  "star": "KafkaEvent" in globals()}))
"""
    )
    # Then: the cold start loaded none of the unused resolvers or event classes, and every name came when asked
    assert result["cold"] == {
        "asyncio": False,
        "aws_lambda_powertools.event_handler.appsync": False,
        "aws_lambda_powertools.utilities.data_classes.sqs_event": False,
    }
    assert result["names"] == ["AppSyncResolver", "APIGatewayHttpResolver", "SQSEvent"]
    assert result["asyncio_after"] is True
    assert result["star"] is True
