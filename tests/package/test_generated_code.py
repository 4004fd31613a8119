"""The code the standard library writes as text, compiled by the build (functions/shared/generated_code.py).

Each check runs in a fresh interpreter: the file changes three modules for the whole process.
"""

import json
import marshal
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import generated_code as build

ROOT = Path(__file__).resolve().parents[2]

# In a fresh interpreter: use the file in argv[2] (or none), then import the HTTP functions and report every text
# dataclasses, typing and namedtuple compiled meanwhile.
IMPORT_COUNTING = """
import json, sys
sys.path.insert(0, sys.argv[1])
from functions.shared import generated_code
held = generated_code.use(sys.argv[2]) if sys.argv[2] else 0
SITES = ("dataclasses.py", "typing.py", "collections/__init__.py")
compiled = []
def hook(event, args):
    if event == "compile" and args[1] == "<string>":
        frame = sys._getframe(1)
        while frame.f_code.co_filename.startswith("<"):
            frame = frame.f_back
        if frame.f_code.co_filename.endswith(SITES):
            compiled.append(args[0])
sys.addaudithook(hook)
import functions.submit.app, functions.queue.app
print(json.dumps({"held": held, "compiled": len(compiled)}))
"""

# In a fresh interpreter using the file: classes made from recorded texts behave as the standard library's.
BEHAVIOUR = """
import dataclasses, sys, typing
sys.path.insert(0, sys.argv[1])
from functions.shared import generated_code
assert generated_code.use(sys.argv[2]) > 0
from functions.shared.retention import VISIT, Period

copy = Period(VISIT.name, VISIT.keep, VISIT.counts_from, VISIT.reason)
assert copy == VISIT and hash(copy) == hash(VISIT) and copy is not VISIT
assert repr(VISIT).startswith("Period(name='visit', keep=datetime.timedelta(days=30)")
assert Period.__init__.__qualname__ == "Period.__init__"
try:
    VISIT.name = "changed"
except dataclasses.FrozenInstanceError:
    pass
else:
    raise AssertionError("a frozen dataclass took an assignment")

from functions.shared.models import FormField
field = FormField.model_validate({"id": "a", "label_id": "A", "label_en": "A", "type": "date", "required": True})
assert field.max_length is None
try:
    FormField.model_validate({"id": "a", "label_id": "A", "label_en": "A", "type": "colour", "required": True})
except Exception as refused:
    assert "literal_error" in repr(refused.errors()), refused
else:
    raise AssertionError("a model took a value outside its Literal")
ref = typing.ForwardRef("dict[str, int]")
assert ref._evaluate(globals(), None, recursive_guard=frozenset()) == dict[str, int]
import collections
Point = collections.namedtuple("Point", "x y")
assert Point(1, y=2) == (1, 2) and Point._make([3, 4]).y == 4
print("ok")
"""


def run(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-I", "-c", code, *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """The file the build writes, recorded from this checkout into a folder of its own."""
    folder = tmp_path_factory.mktemp("generated")
    build.record_into(ROOT, folder)
    return folder


def test_the_http_functions_compile_no_text_the_build_recorded(recorded):
    # Given: the same imports without the file, which compile hundreds of texts
    without = json.loads(run(IMPORT_COUNTING, str(ROOT), ""))
    assert without["compiled"] > 300
    # When
    using = json.loads(run(IMPORT_COUNTING, str(ROOT), str(recorded)))
    # Then
    assert using["held"] > 300
    assert using["compiled"] == 0


def test_classes_made_from_recorded_texts_behave_as_the_standard_librarys(recorded):
    assert run(BEHAVIOUR, str(ROOT), str(recorded)) == "ok"


def test_a_text_the_file_lacks_is_compiled_as_before(tmp_path):
    # Given: a file that holds one text, none of those a class defined below needs
    code = """
import dataclasses, sys
sys.path.insert(0, sys.argv[1])
from functions.shared import generated_code
with generated_code.record() as codes:
    Pair = __import__("collections").namedtuple("Pair", "a b")
generated_code.write(codes, sys.argv[2])
generated_code.use(sys.argv[2])
@dataclasses.dataclass(order=True)
class Late:
    when: int
    what: str = "x"
assert Late(1) < Late(2) and Late(1) == Late(1, "x")
print(len(codes))
"""
    # When / Then
    assert run(code, str(ROOT), str(tmp_path)) == "1"


def test_without_the_file_nothing_is_changed(tmp_path):
    code = """
import dataclasses, sys, typing, collections
sys.path.insert(0, sys.argv[1])
from functions.shared import generated_code
print(generated_code.use(sys.argv[2]), "exec" in vars(dataclasses), "compile" in vars(typing))
"""
    assert run(code, str(ROOT), str(tmp_path)) == "0 False False"


def test_an_artifact_for_another_machine_is_told_apart_and_its_pins_read(tmp_path):
    # Given: an artifact whose native module was built for another machine than this interpreter's
    here = build.machine(Path(sys.executable).resolve())
    other = (int.from_bytes(here, "little") ^ 0xFF).to_bytes(2, "little")
    native = tmp_path / "pydantic_core" / "_pydantic_core.abi3.so"
    native.parent.mkdir()
    native.write_bytes(b"\x7fELF" + bytes(14) + other + bytes(8))
    (tmp_path / "pydantic_core-2.50.5.dist-info").mkdir()
    (tmp_path / "boto3-1.44.8.dist-info").mkdir()
    # Then
    assert here
    assert not build.loads_here(tmp_path)
    assert build.distributions(tmp_path) == ("boto3==1.44.8", "pydantic_core==2.50.5")
    native.write_bytes(b"\x7fELF" + bytes(14) + here + bytes(8))
    assert build.loads_here(tmp_path)


def test_an_earlier_builds_file_does_not_stand_in_for_the_recording(tmp_path):
    # Given: an artifact whose functions/ still holds the file of an earlier build, with one text only
    unbuilt = shutil.ignore_patterns("__pycache__", "*.marshal")
    shutil.copytree(ROOT / "functions", tmp_path / "functions", ignore=unbuilt)
    stale = {("exec", "x = 1"): compile("x = 1", "<string>", "exec")}
    shared = tmp_path / "functions" / "shared"
    (shared / f"generated_code.{sys.implementation.cache_tag}.marshal").write_bytes(marshal.dumps(stale))
    # When
    written, count = build.record_into(tmp_path, shared).rsplit(" ", 1)
    # Then: the recording has every text, not only what the stale file would have answered
    assert int(count) > 300
    assert len(marshal.loads(Path(written).read_bytes())) == int(count)  # noqa: S302 the file the test wrote
