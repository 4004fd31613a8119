"""Two Powertools packages whose `__init__` imports far more than the functions use, made to import only what is used.

- `aws_lambda_powertools.event_handler`: its `__init__` imports every resolver Powertools has (AppSync and its
  events API, Bedrock agents, VPC Lattice, function URLs, the local HTTP server) and, through them, asyncio.
- `aws_lambda_powertools.utilities.data_classes`: its `__init__` imports some forty event classes (Kafka, S3,
  CodePipeline, Cognito triggers, ...), of which the HTTP resolver uses the API Gateway, ALB, function URL, VPC
  Lattice and Bedrock ones.

Together that was about a tenth of an HTTP function's cold start (bench/README.md), for code no function runs.
`defer_init` puts such a package in sys.modules with its real path but without running its `__init__`. Its modules
import as always. A name its `__init__` re-exports with `from .module import Name` is answered from that module,
importing only it. Any other name makes the real `__init__` run, once, so nothing a caller may ask for is lost.
tests/package/test_lean_imports.py holds each half.
"""

import importlib
import importlib.util
import re
import sys
from typing import Any

DEFERRED = ("aws_lambda_powertools.event_handler", "aws_lambda_powertools.utilities.data_classes")

# `from .module import A, B` or `from package.module import (A, B as C)` at the start of a line of an __init__.
_REEXPORT = re.compile(r"^from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n(]+)", re.MULTILINE)


def reexports(package: str, init_source: str) -> dict[str, str]:
    """Map each name an `__init__`'s `from <module of package> import ...` lines define to that module's full name."""
    names: dict[str, str] = {}
    for origin, imported in _REEXPORT.findall(init_source):
        module = f"{package}{origin}" if origin.startswith(".") else origin
        if not module.startswith(f"{package}.") or origin.startswith(".."):
            continue
        for part in imported.strip("()").replace("\n", " ").split(","):
            words = part.split()
            if len(words) == 1:
                names[words[0]] = module
            elif len(words) == 3 and words[1] == "as":
                names[words[2]] = module
    return names


def defer_init(package_name: str) -> None:
    """Register package_name so that its `__init__` runs only when a name it does not simply re-export is asked for.

    Does nothing if the package is imported already, or cannot be found (its import then fails where it is used).
    """
    if package_name in sys.modules:
        return
    spec = importlib.util.find_spec(package_name)
    if spec is None or spec.loader is None or spec.origin is None or spec.submodule_search_locations is None:
        return
    loader = spec.loader
    package = importlib.util.module_from_spec(spec)
    with open(spec.origin, encoding="utf-8") as init:
        exported = reexports(package_name, init.read())

    def __getattr__(name: str) -> Any:  # PEP 562: the package module's own hook for a name it does not have
        if name in exported:
            # Looked up first: a name may be both a module and what the __init__ re-exports from it
            # (data_classes' `from .event_source import event_source`), and the package answers the latter.
            value = getattr(importlib.import_module(exported[name]), name)
        elif (name.startswith("__") and name != "__all__") or importlib.util.find_spec(f"{package_name}.{name}"):
            # A dunder the module does not set (but `__all__`, which `import *` reads), or one of its modules
            # not imported yet: "missing" lets `from package import module` import that module alone.
            raise AttributeError(name)
        else:
            # Something the __init__ does besides re-exporting: run it now (it then holds every name).
            del package.__dict__["__getattr__"]
            loader.exec_module(package)
            value = getattr(package, name)
        setattr(package, name, value)
        return value

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[package_name] = package
    parent, _, child = package_name.rpartition(".")
    setattr(importlib.import_module(parent), child, package)


def defer_powertools_inits() -> None:
    """Defer the `__init__` of each package of DEFERRED (before anything imports them)."""
    for package_name in DEFERRED:
        defer_init(package_name)
