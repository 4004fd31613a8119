"""Code the standard library writes as text at import time, compiled when the package is built instead.

Three places in the standard library compile source text while modules are imported, and bytecode files do not
cover them:

- ``dataclasses`` writes each class's ``__init__``, ``__repr__``, ``__eq__`` (and ``__setattr__``, ``__hash__`` when
  frozen) as text and compiles it when the class is made;
- ``typing.ForwardRef`` compiles every annotation written as a string (pydantic_core's ninety ``TypedDict`` schemas
  alone make some eight hundred);
- ``collections.namedtuple`` compiles its ``__new__``.

On Lambda that is paid on every cold start: about an eighth of the two HTTP functions' (bench/README.md). The
build (``scripts/generated_code.py``) imports the functions' modules once under :func:`record`, which keeps every
such text with the code it compiled to, and writes them in Python's own format (marshal, as bytecode files are)
beside this module, named for the interpreter (``sys.implementation.cache_tag``).
At a cold start, :func:`use` loads that file and makes those three modules look a text up before compiling it. The
code is the same object compiling the text would give; a text the file lacks (another Python, a class made later)
is compiled as before, and without the file (tests, the local stack) nothing is changed.
"""

import builtins
import collections
import dataclasses
import marshal
import os
import sys
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# The modules whose builtin each compiles its text with, and that builtin's name.
_SITES: tuple[tuple[Any, str], ...] = ((dataclasses, "exec"), (typing, "compile"), (collections, "eval"))
_FILENAME = "<string>"  # what exec and eval name a text's code, and what ForwardRef passes to compile


def cache_file(folder: str | None = None) -> str:
    """The file for this interpreter (the format of code objects changes between Python versions)."""
    return os.path.join(folder or os.path.dirname(__file__), f"generated_code.{sys.implementation.cache_tag}.marshal")


def _callers(globals_: Any) -> Any:
    """The globals a builtin called without them would use: its caller's (two frames up, past our stand-in)."""
    return sys._getframe(2).f_globals if globals_ is None else globals_


def _standing_in(code_for: Callable[[str, str], Any]) -> dict[str, Any]:
    """exec, eval and compile as the three modules call them, each asking code_for(mode, text) for a text's code."""

    def exec_(source: Any, globals_: Any = None, locals_: Any = None, /) -> None:
        if isinstance(source, str):
            source = code_for("exec", source) or source
        builtins.exec(source, _callers(globals_), locals_)  # noqa: S102 the module's own call, with its own text

    def eval_(source: Any, globals_: Any = None, locals_: Any = None, /) -> Any:
        if isinstance(source, str):
            source = code_for("eval", source) or source
        return builtins.eval(source, _callers(globals_), locals_)  # noqa: S307 the module's own call, its own text

    def compile_(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs and filename == _FILENAME and isinstance(source, str):
            code = code_for(mode, source)
            if code is not None:
                return code
        return builtins.compile(source, filename, mode, *args, **kwargs)

    return {"exec": exec_, "eval": eval_, "compile": compile_}


def _install(stand_ins: dict[str, Any]) -> None:
    for module, name in _SITES:
        setattr(module, name, stand_ins[name])


def _uninstall() -> None:
    for module, name in _SITES:
        module.__dict__.pop(name, None)


def use(folder: str | None = None) -> int:
    """Compile no text the build already compiled: return how many the file holds (0: no file, nothing changed)."""
    try:
        with open(cache_file(folder), "rb") as file:
            data = file.read()  # at once: marshal.load on a file reads it a few bytes at a time (90 M instructions)
    except FileNotFoundError:
        return 0
    codes = marshal.loads(data)  # noqa: S302 built with the package, read-only beside its bytecode
    _install(_standing_in(lambda mode, source: codes.get((mode, source))))
    return len(codes)


@contextmanager
def record() -> Iterator[dict[tuple[str, str], Any]]:
    """Collect every text the three modules compile inside the block, with its code, into the dict yielded."""
    codes: dict[tuple[str, str], Any] = {}

    def code_for(mode: str, source: str) -> Any:
        if (mode, source) not in codes:
            codes[mode, source] = builtins.compile(source, _FILENAME, mode, dont_inherit=True)
        return codes[mode, source]

    _install(_standing_in(code_for))
    try:
        yield codes
    finally:
        _uninstall()


def write(codes: dict[tuple[str, str], Any], folder: str | None = None) -> str:
    """Write codes as this interpreter's file in folder (by default, beside this module)."""
    target = cache_file(folder)
    with open(target, "wb") as file:
        file.write(marshal.dumps(codes))
    return target
