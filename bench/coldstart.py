"""Cold starts as Lambda pays them: each function's handler import and first client, against the runtime's floor.

The package is laid out as `make build` ships it: functions/requirements.txt installed by the runtime's python
(without bytecode, as `sam build` installs it), functions/ copied in, then compiled as the build target compiles it
(`compileall --invalidation-mode unchecked-hash`), and made read-only, as /var/task is. For each function a fresh
interpreter, with only that directory and the standard library on its path and no bytecode writes, times
`import functions.<fn>.app` plus creating the boto3 client its first request needs; the floor is
`import boto3; boto3.client("dynamodb")` from the same directory. The same is measured once more from a copy
without bytecode, which is what every cold start paid before the build compiled it.

Run alone: `python bench/coldstart.py --runtime-python python3.13`; `make bench` runs it through bench/run.py.
"""

import argparse
import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9
BAR = 1.5
FLOOR = 'import boto3; boto3.client("dynamodb")'
# The client each function's first request creates: the catalogue and service points (DynamoDB) for the two
# HTTP functions, the sent ledger's table for issue's worker, SES for notify.
FUNCTIONS = {
    "submit": 'import functions.submit.app; import boto3; boto3.client("dynamodb")',
    "queue": 'import functions.queue.app; import boto3; boto3.client("dynamodb")',
    "issue": 'import functions.issue.app; import boto3; boto3.client("dynamodb")',
    "notify": 'import functions.notify.app; import boto3; boto3.client("sesv2")',
}
# What Lambda's environment gives every function; no credentials are needed to create a client.
LAMBDA_ENVIRONMENT = {
    "AWS_REGION": "ap-southeast-3",
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_LAMBDA_FUNCTION_NAME": "satupintu-bench",
    "POWERTOOLS_METRICS_NAMESPACE": "SatuPintu",
    "PYTHONDONTWRITEBYTECODE": "1",
}

# The pieces a cold start is made of, each timed after the ones before it (so a module two pieces share counts
# in the first); a piece is shown for a function only when its handler module really loads it. The batch
# processor comes before pydantic, as in the functions: imported after pydantic, it loads Powertools' parser models.
PIECES = [
    ("Powertools Logger and Metrics", "functions.shared.observability", "import functions.shared.observability"),
    (
        "Powertools batch processor",
        "aws_lambda_powertools.utilities.batch",
        "from aws_lambda_powertools.utilities.batch import BatchProcessor",
    ),
    ("pydantic", "pydantic.main", "from pydantic import BaseModel"),
    (
        "Powertools HTTP resolver with validation",
        "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
        "from functions.shared.api import create_resolver; create_resolver()",
    ),
]

# Run in the fresh interpreter: put the package first on the path (as /var/task is), time each step (wall and
# CPU), then check that every module outside the standard library came from the package, so nothing installed
# elsewhere on this machine stands in for what the build ships.
PROBE = """
import sys, time
sys.path.insert(0, {package!r})
timings = []
for step in {steps!r}:
    wall, cpu = time.perf_counter(), time.process_time()
    exec(step)
    timings.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
import json, sysconfig
stdlib = tuple(sysconfig.get_path(p) for p in ("stdlib", "platstdlib"))
elsewhere = tuple(sysconfig.get_path(p) for p in ("purelib", "platlib"))
foreign = sorted(
    name for name, module in list(sys.modules.items())
    if (path := getattr(module, "__file__", None) or "").startswith("/")
    and (path.startswith(elsewhere) or not path.startswith(({package!r},) + stdlib))
)
loaded = [name for name in {markers!r} if name in sys.modules]
print(json.dumps({{"timings": timings, "foreign": foreign, "loaded": loaded}}))
"""


@dataclass
class Timing:
    """The runs of one statement in one layout: (wall ms, CPU ms) each."""

    name: str
    runs: list[tuple[float, float]]

    @property
    def fastest(self) -> float:
        """The fastest wall-clock run: the least disturbed by anything else on the machine."""
        return min(wall for wall, _ in self.runs)

    @property
    def median(self) -> float:
        """The median wall-clock run."""
        return statistics.median(wall for wall, _ in self.runs)

    @property
    def fastest_cpu(self) -> float:
        """The least CPU time of a run: what the import computes, without the time spent waiting for a core."""
        return min(cpu for _, cpu in self.runs)


def check_runtime(python: str) -> str:
    """Return the runtime python's version, refusing any but Lambda's (3.13)."""
    found = shutil.which(python) if python else None
    version = (
        subprocess.run(
            [found, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], capture_output=True, text=True
        ).stdout.strip()
        if found
        else "not found"
    )
    if not version.startswith("3.13."):
        raise SystemExit(f"the cold start is measured with Lambda's runtime, python3.13 (got {python!r}: {version!r})")
    return version


def lay_out(python: str, target: Path) -> None:
    """Install the shipped requirements and the functions package into target, without bytecode, as sam build does."""
    installed = subprocess.run(
        [
            python,
            *("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"),
            *("--target", str(target), "-r", str(ROOT / "functions" / "requirements.txt")),
        ],
        capture_output=True,
        text=True,
    )
    if installed.returncode:
        raise SystemExit(f"pip could not lay the package out:\n{installed.stderr}")
    shutil.copytree(ROOT / "functions", target / "functions", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def compile_bytecode(python: str, target: Path) -> None:
    """Compile target's bytecode as the build target does."""
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def set_writable(folder: Path, writable: bool) -> None:
    """Make every file and folder under folder read-only (as /var/task is), or writable again to delete it."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write)


def bytecode_files(folder: Path) -> int:
    """Count the compiled modules under folder."""
    return sum(1 for _ in folder.rglob("*.pyc"))


@contextmanager
def deployed_layouts(python: str) -> Iterator[tuple[Path, Path]]:
    """Yield two read-only copies of the deployed package: (with the build's bytecode, without any)."""
    work = Path(tempfile.mkdtemp(prefix="coldstart-"))
    raw, compiled = work / "source-only", work / "compiled"
    try:
        lay_out(python, raw)
        shutil.copytree(raw, compiled, symlinks=True)
        compile_bytecode(python, compiled)
        set_writable(raw, False)
        set_writable(compiled, False)
        yield compiled, raw
    finally:
        set_writable(work, True)
        shutil.rmtree(work)


def probe(python: str, package: Path, steps: list[str], markers: list[str] | None = None) -> dict:
    """Run steps in a fresh, isolated interpreter over package; return their (wall, CPU) ms and the markers loaded."""
    code = PROBE.format(package=str(package), steps=steps, markers=markers or [])
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **LAMBDA_ENVIRONMENT}
    # -I: no user site, no PYTHON* variables, no current directory on the path; -B: write no bytecode.
    out = subprocess.run([python, "-I", "-B", "-c", code], env=env, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    if result["foreign"]:
        raise SystemExit(f"modules loaded from outside the package: {result['foreign'][:5]}")
    return result


def measure(python: str, layouts: list[Path], runs: int) -> list[dict[str, Timing]]:
    """Time the floor and every function in each layout, round by round, so a busy spell hits them all alike."""
    statements = {"floor": FLOOR, **FUNCTIONS}
    timings = [{name: Timing(name, []) for name in statements} for _ in layouts]
    for _ in range(runs):
        for package, timing in zip(layouts, timings, strict=True):
            for name, statement in statements.items():
                (wall_cpu,) = probe(python, package, [statement])["timings"]
                timing[name].runs.append(tuple(wall_cpu))
    return timings


def paired_ratio(timing: Timing, floor: Timing, cpu: bool = False) -> float:
    """The median, over the rounds, of a run's time to the floor's in the same round (robust to load that drifts)."""
    index = 1 if cpu else 0
    return statistics.median(run[index] / base[index] for run, base in zip(timing.runs, floor.runs, strict=True))


def ratio(value: float) -> str:
    """A ratio to the floor, marked when it is over the bar."""
    return f"{value:.2f}x" + (" (over)" if value > BAR else "")


def table(timings: dict[str, Timing], floor: dict[str, Timing], floor_label: str = f"floor: `{FLOOR}`") -> list[str]:
    """A Markdown table of the timings and their ratios to the floor."""
    base = floor["floor"]
    rows = [
        "| cold start | fastest ms | median ms | CPU ms | fastest / floor | median / floor | CPU / floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, timing in timings.items():
        label = floor_label if name == "floor" else f"`{name}`: `{FUNCTIONS[name].replace('; ', '` + `')}`"
        rows.append(
            f"| {label} | {timing.fastest:.0f} | {timing.median:.0f} | {timing.fastest_cpu:.0f} | "
            f"{ratio(timing.fastest / base.fastest)} | {ratio(paired_ratio(timing, base))} | "
            f"{ratio(paired_ratio(timing, base, cpu=True))} |"
        )
    return rows


def breakdown(python: str, package: Path, runs: int) -> list[str]:
    """Where each function's cold start goes beyond the floor: CPU ms of each piece, fastest of the runs."""
    header = ["function", "boto3 + client", *(label for label, _, _ in PIECES), "the function's own modules"]
    rows = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    for name, statement in FUNCTIONS.items():
        app, client = statement.split("; ", 1)
        loaded = set(probe(python, package, [app], [marker for _, marker, _ in PIECES])["loaded"])
        steps = [client, *(step for _, marker, step in PIECES if marker in loaded), app]
        runs_cpu = [[cpu for _, cpu in probe(python, package, steps)["timings"]] for _ in range(runs)]
        fastest = iter(min(values) for values in zip(*runs_cpu, strict=True))
        cells = [f"{next(fastest):.0f}", *(f"{next(fastest):.0f}" if m in loaded else "—" for _, m, _ in PIECES)]
        rows.append(f"| `{name}` | " + " | ".join([*cells, f"{next(fastest):.0f}"]) + " |")
    return rows


def report(python: str, runs: int = RUNS) -> list[str]:
    """Lay the package out, measure both layouts and return the Markdown section."""
    check_runtime(python)
    with deployed_layouts(python) as (compiled, raw):
        compiled_files = bytecode_files(compiled)
        with_bytecode, without_bytecode = measure(python, [compiled, raw], runs)
        pieces = breakdown(python, compiled, runs)
        if bytecode_files(raw):
            raise SystemExit("a run wrote bytecode into the read-only layout: the measurement is not what Lambda pays")
    base = with_bytecode["floor"]
    over = [
        name
        for name, timing in with_bytecode.items()
        if max(paired_ratio(timing, base), paired_ratio(timing, base, cpu=True)) > BAR
    ]
    verdict = (
        f"Every function within {BAR}x of the floor (median and CPU)."
        if not over
        else f"Over {BAR}x of the floor (median or CPU): {', '.join(over)}."
    )
    return [
        f"{runs} rounds; in each, every statement once from each layout, a fresh interpreter per run. Fastest: the"
        " fastest run's wall-clock time, to the floor's fastest. Median and CPU: the median over the rounds of a"
        " run's wall-clock or CPU time to the floor's in the same round (load that drifts hits both alike).",
        "",
        f"With the bytecode the build ships ({compiled_files:,} compiled modules):",
        "",
        *table(with_bytecode, with_bytecode),
        "",
        verdict,
        "",
        "Without bytecode (what `sam build` ships alone), against the same floor (the runtime's boto3 has bytecode):",
        "",
        *table(without_bytecode, with_bytecode, '`import boto3` + `boto3.client("dynamodb")`, no bytecode'),
        "",
        "Where it goes, with bytecode: CPU ms of each piece, fastest of the runs, each timed after the ones to its left"
        " (a module two pieces share counts in the first); — where the function does not load it:",
        "",
        *pieces,
    ]


def main() -> None:
    """Measure and print the cold-start section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime-python", default="python3.13", help="Lambda's runtime: a python3.13")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    print("\n".join(report(args.runtime_python, args.runs)))


if __name__ == "__main__":
    sys.exit(main())
