"""Compile at build time the code the standard library would otherwise compile from text on every cold start.

    python3.13 scripts/generated_code.py ARTIFACT [ARTIFACT ...]

Each ARTIFACT is a folder laid out as Lambda's /var/task: the dependencies and functions/. A fresh interpreter (this
one: the file is in its format) with only the artifact on its path imports boto3 and every module of functions/ while
functions/shared/generated_code.py records what dataclasses, typing and namedtuple compile, then writes the file that
module reads at a cold start into the artifact's functions/shared/.

An artifact built for another machine (arm64, as template.yaml deploys, built on x86_64) has native modules this
interpreter cannot load; its texts are then recorded in a copy laid out for this machine with the same versions of
the same distributions (read from the artifact's .dist-info folders) and its functions/. The texts are the same:
they come from the pure-Python code of those versions. A text that still differed would only be compiled at the cold
start, as without the file.

Run by `make build` after `sam build` and the bytecode, and by bench/coldstart.py when it lays the package out.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RECORDER = """
import importlib, importlib.util, os, pkgutil, sys
folder, target = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
spec = importlib.util.spec_from_file_location("recorder", os.path.join(folder, "functions/shared/generated_code.py"))
recorder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(recorder)
for stale in {recorder.cache_file(os.path.join(folder, "functions/shared")), recorder.cache_file(target)}:
    if os.path.exists(stale):  # an earlier build's file would answer in place of the recording
        os.remove(stale)
with recorder.record() as codes:
    import boto3
    import functions
    for module in pkgutil.walk_packages(functions.__path__, "functions."):
        importlib.import_module(module.name)
print(recorder.write(codes, target), len(codes))
"""

# Importing needs no AWS account: a region for the clients some modules describe, nothing else.
ENVIRONMENT = {"AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3", "LANG": "C.UTF-8"}
LAYOUTS: dict[tuple[str, ...], Path] = {}  # the copies laid out for this machine, by the pins they hold
DIST_INFO = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)\.dist-info$")


def machine(path: Path) -> bytes:
    """The ELF header's machine field of a native file (b"" for anything else)."""
    with path.open("rb") as file:
        header = file.read(20)
    return header[18:20] if header[:4] == b"\x7fELF" else b""


def loads_here(artifact: Path) -> bool:
    """Whether this interpreter can load every native module of artifact (built for this machine)."""
    here = machine(Path(sys.executable).resolve())
    return all(machine(native) in (here, b"") for native in artifact.rglob("*.so"))


def distributions(artifact: Path) -> tuple[str, ...]:
    """The artifact's installed distributions as pins, `name==version`."""
    found = (DIST_INFO.match(entry.name) for entry in artifact.iterdir())
    return tuple(sorted(f"{m['name']}=={m['version']}" for m in found if m))


def laid_out_here(pins: tuple[str, ...]) -> Path:
    """A folder with pins installed for this machine (once per set of pins in a run; main removes them)."""
    if pins not in LAYOUTS:
        LAYOUTS[pins] = Path(tempfile.mkdtemp(prefix="generated-code-"))
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
        subprocess.run([*pip, "--no-deps", "--target", str(LAYOUTS[pins]), *pins], check=True)
    return LAYOUTS[pins]


def record_into(folder: Path, target: Path) -> str:
    """Import boto3 and every module of folder/functions in a fresh interpreter; write the texts' file into target."""
    out = subprocess.run(
        [sys.executable, "-I", "-B", "-c", RECORDER, str(folder), str(target)],
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"recording the generated code of {folder} failed:\n{out.stderr}")
    return out.stdout.strip()


def record(artifact: Path) -> str:
    """Write the artifact's file of compiled texts; return where, and how many texts."""
    target = artifact / "functions" / "shared"
    if loads_here(artifact):
        return record_into(artifact, target)
    folder = laid_out_here(distributions(artifact))
    shutil.rmtree(folder / "functions", ignore_errors=True)
    shutil.copytree(artifact / "functions", folder / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    return record_into(folder, target)


def main() -> None:
    artifacts = [Path(a) for a in sys.argv[1:]]
    try:
        for artifact in artifacts:
            if not (artifact / "functions" / "shared" / "generated_code.py").exists():
                raise SystemExit(f"{artifact} holds no functions package")
            print(record(artifact))
    finally:
        for folder in LAYOUTS.values():
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
