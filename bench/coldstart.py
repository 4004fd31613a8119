"""Cold starts as Lambda pays them: each function's handler import and first client, against the runtime's floor.

The package is laid out as `make build` ships it: functions/requirements.txt installed by the runtime's python
(without bytecode, as `sam build` installs it), functions/ copied in, then compiled as the build target compiles it
(`compileall --invalidation-mode unchecked-hash`, and the code the standard library would compile from text at import
recorded: scripts/generated_code.py), and made read-only, as /var/task is. For each function a fresh
interpreter, with only that directory and the standard library on its path and no bytecode writes, times
`import functions.<fn>.app` plus creating the boto3 client its first request needs; the floor is
`import boto3; boto3.client("dynamodb")` from the same directory. The same is measured once more from a copy
without bytecode, which is what every cold start paid before the build compiled it.

Then each HTTP function's first request after that cold start, so that work moved out of the import and into the
first request is counted: in a fresh interpreter, the import and client as above, then the first event the handler
gets (an API Gateway HTTP API event), its AWS calls answered over loopback by a stub that holds the seeded catalogue
(DynamoDB's wire protocol; every other call gets an empty answer).

Run alone: `python bench/coldstart.py --runtime-python python3.13`; `make bench` runs it through bench/run.py.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


def record_generated_code(python: str, package: Path) -> None:
    """Record the code the standard library generates at import into package, as the build target does.

    Skipped for a package whose functions/ predates it (a baseline from before the build recorded it).
    """
    if (package / "functions" / "shared" / "generated_code.py").exists():
        script = ROOT / "scripts" / "generated_code.py"
        subprocess.run([python, str(script), str(package)], check=True, stdout=subprocess.DEVNULL)


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
        record_generated_code(python, compiled)
        set_writable(raw, False)
        set_writable(compiled, False)
        yield compiled, raw
    finally:
        set_writable(work, True)
        shutil.rmtree(work)


def probe(
    python: str,
    package: Path,
    steps: list[str],
    markers: list[str] | None = None,
    environment: dict[str, str] | None = None,
) -> dict:
    """Run steps in a fresh, isolated interpreter over package; return their (wall, CPU) ms and the markers loaded."""
    code = PROBE.format(package=str(package), steps=steps, markers=markers or [])
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **LAMBDA_ENVIRONMENT, **(environment or {})}
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


def instructions(python: str, package: Path, statement: str) -> int:
    """Count the instructions the CPU runs for statement in a fresh interpreter over package (valgrind's callgrind).

    The count hardly moves from run to run or with the host's load, unlike CPU time on a shared machine.
    """
    env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **LAMBDA_ENVIRONMENT}
    code = f"import sys; sys.path.insert(0, {str(package)!r})\n{statement}"
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-I", "-B", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    collected = [line for line in out.stderr.splitlines() if "Collected :" in line]
    return int(collected[-1].rsplit(":", 1)[1])


def instruction_table(python: str, layouts: dict[str, Path]) -> list[str]:
    """Each function's instructions beyond an empty interpreter's, to the floor's, for each layout."""
    if not shutil.which("valgrind"):
        return ["valgrind is not installed here: no instruction counts (`apt-get install valgrind`)."]
    rows = [
        "| cold start | " + " | ".join(f"{name}: M instructions | {name}: / floor" for name in layouts) + " |",
        "| --- |" + " ---: | ---: |" * len(layouts),
    ]
    counts = {}
    for name, package in layouts.items():
        empty = instructions(python, package, "pass")  # the interpreter's own start, which both sides pay
        counts[name] = {
            fn: instructions(python, package, stmt) - empty for fn, stmt in {"floor": FLOOR, **FUNCTIONS}.items()
        }
    for fn in ["floor", *FUNCTIONS]:
        cells = []
        for name in layouts:
            value, floor = counts[name][fn], counts[name]["floor"]
            cells.append(f"{value / 1e6:,.0f} | {ratio(value / floor)}")
        rows.append(f"| `{fn}` | " + " | ".join(cells) + " |")
    return rows


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


# The first request of a cold HTTP function, as a visitor's browser sends it: the catalogue (submit), a service
# point's free slots for a working day ahead (queue), and a body its model refuses (422), which builds the request
# model and the error answer. `{date}` is a weekday a few days ahead.
FIRST_REQUESTS = {
    "submit": [("GET", "/api/services", "", None), ("POST", "/api/applications", "", {})],
    "queue": [
        ("GET", "/api/sites/mpp-dki/slots", "date={date}", None),
        ("POST", "/api/bookings", "", {"site_id": "mpp-dki"}),
    ],
}
# Runs in the probe after the cold start: build the event and a context, then hand the event to the handler.
FIRST_REQUEST = """
import {module} as _app
class _Context:
    function_name, memory_limit_in_mb, function_version = "satupintu-bench", 1024, "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:123456789012:function:satupintu-bench"
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 15000
_answer = _app.lambda_handler({event!r}, _Context())
assert _answer["statusCode"] in {statuses!r}, _answer
"""


def http_event(method: str, path: str, query: str, body: dict[str, Any] | None) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event for one request."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {"host": "bench.local", "user-agent": "bench", "content-type": "application/json"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "domainName": "bench.local",
            "domainPrefix": "bench",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "b"},
            "requestId": "bench",
            "routeKey": "$default",
            "stage": "$default",
            "time": "02/Dec/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = dict(part.split("=", 1) for part in query.split("&"))
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def function_variables() -> dict[str, str]:
    """The variables template.yaml's Globals give every function, with a made-up name for each resource."""
    from devstack.template import load_template

    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    return {name: name.lower().replace("_", "-") for name in variables if not name.startswith("POWERTOOLS_")} | {
        "STAGE": "bench"
    }


class AwsStub(ThreadingHTTPServer):
    """Answers the functions' AWS calls on loopback: DynamoDB from the seeded catalogue, anything else empty."""

    daemon_threads = True

    def __init__(self, catalogue_table: str) -> None:
        from boto3.dynamodb.types import TypeSerializer

        from functions.shared.dynamo import to_item
        from seed.catalogue import build_sites, load_services

        serialize = TypeSerializer().serialize
        self.catalogue_table = catalogue_table
        self.partitions: dict[str, list[dict[str, Any]]] = {}
        for pk, records in (("SERVICE", load_services()), ("SITE", build_sites())):
            self.partitions[pk] = [
                {k: serialize(v) for k, v in to_item({**r, "pk": pk, "sk": r["id"]}).items()} for r in records
            ]
        super().__init__(("127.0.0.1", 0), _StubHandler)

    def answer(self, target: str, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one call, by its X-Amz-Target."""
        operation = target.rsplit(".", 1)[-1]
        if not target.startswith("DynamoDB_") or request.get("TableName") != self.catalogue_table:
            return {"Items": [], "Count": 0, "ScannedCount": 0} if operation in {"Query", "Scan"} else {}
        if operation == "GetItem":
            key = request["Key"]
            found = [i for i in self.partitions.get(key["pk"]["S"], []) if i["sk"] == key["sk"]]
            return {"Item": found[0]} if found else {}
        if operation == "Query":
            (value,) = [v["S"] for v in request.get("ExpressionAttributeValues", {}).values()][:1]
            items = self.partitions.get(value, [])
            return {"Items": items, "Count": len(items), "ScannedCount": len(items)}
        return {}


class _StubHandler(BaseHTTPRequestHandler):
    server: AwsStub

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        body = json.dumps(self.server.answer(self.headers.get("X-Amz-Target", ""), request)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Say nothing."""


@contextmanager
def aws_stub() -> Iterator[dict[str, str]]:
    """Run the stub; yield the environment that points a function at it (as Lambda gives credentials)."""
    variables = function_variables()
    stub = AwsStub(variables["CATALOGUE_TABLE"])
    thread = threading.Thread(target=stub.serve_forever, daemon=True)
    thread.start()
    try:
        yield {
            **variables,
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{stub.server_address[1]}",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    finally:
        stub.shutdown()
        stub.server_close()


def first_requests(python: str, package: Path, runs: int) -> list[str]:
    """Time each HTTP function's cold start and then its first request, in the same fresh interpreter."""
    day = dt.date.today() + dt.timedelta(days=3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    rows = [
        "| function | first request | answer | cold start CPU ms | first request ms | first request CPU ms |"
        " cold start + first request CPU ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    with aws_stub() as environment:
        for name, requests in FIRST_REQUESTS.items():
            for method, path, query, body in requests:
                query = query.format(date=day.isoformat())
                statuses = {200} if body is None else {422}
                step = FIRST_REQUEST.format(
                    module=f"functions.{name}.app", event=http_event(method, path, query, body), statuses=statuses
                )
                results = [
                    probe(python, package, [FUNCTIONS[name], step], environment=environment)["timings"]
                    for _ in range(runs)
                ]
                start_cpu = statistics.median(r[0][1] for r in results)
                first_wall = statistics.median(r[1][0] for r in results)
                first_cpu = statistics.median(r[1][1] for r in results)
                total_cpu = statistics.median(r[0][1] + r[1][1] for r in results)
                shown = f"{method} {path}" + (f"?{query}" if query else "") + (" (body refused)" if body else "")
                rows.append(
                    f"| `{name}` | `{shown}` | {sorted(statuses)[0]} | {start_cpu:.0f} | {first_wall:.0f} |"
                    f" {first_cpu:.0f} | {total_cpu:.0f} |"
                )
    return rows


def baseline_layout(compiled: Path) -> Path:
    """Where the copy of the package with the baseline's functions/ is laid out, beside the compiled one."""
    return compiled.parent / "baseline"


def baseline_table(python: str, compiled: Path, baseline: Path, runs: int) -> list[str]:
    """Measure the package beside a copy whose functions/ comes from `baseline` (an earlier checkout), same rounds."""
    other = baseline_layout(compiled)
    shutil.copytree(compiled, other, symlinks=True, ignore=shutil.ignore_patterns("functions"))
    shutil.copytree(baseline / "functions", other / "functions", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    compile_bytecode(python, other / "functions")
    record_generated_code(python, other)
    set_writable(other, False)
    now, before = measure(python, [compiled, other], runs)
    rows = [
        "| cold start | before: median / floor | before: CPU / floor | now: median / floor | now: CPU / floor |"
        " now CPU / before CPU (per round, median) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in FUNCTIONS:
        per_round = statistics.median(n[1] / b[1] for n, b in zip(now[name].runs, before[name].runs, strict=True))
        rows.append(
            f"| `{name}` | {ratio(paired_ratio(before[name], before['floor']))} |"
            f" {ratio(paired_ratio(before[name], before['floor'], cpu=True))} |"
            f" {ratio(paired_ratio(now[name], now['floor']))} |"
            f" {ratio(paired_ratio(now[name], now['floor'], cpu=True))} |"
            f" {per_round:.2f} |"
        )
    return rows


def report(python: str, runs: int = RUNS, source_only: bool = True, baseline: Path | None = None) -> list[str]:
    """Lay the package out, measure both layouts (or only the compiled one) and return the Markdown section."""
    check_runtime(python)
    with deployed_layouts(python) as (compiled, raw):
        compiled_files = bytecode_files(compiled)
        if source_only:
            with_bytecode, without_bytecode = measure(python, [compiled, raw], runs)
        else:
            (with_bytecode,) = measure(python, [compiled], runs)
            without_bytecode = {}
        pieces = breakdown(python, compiled, runs)
        first = first_requests(python, compiled, runs)
        compared = baseline_table(python, compiled, baseline, runs) if baseline else []
        counted = instruction_table(
            python, {"now": compiled, **({baseline.name: baseline_layout(compiled)} if baseline else {})}
        )
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
        *(
            [
                "Without bytecode (what `sam build` ships alone), against the same floor (the runtime's boto3 has"
                " bytecode):",
                "",
                *table(without_bytecode, with_bytecode, '`import boto3` + `boto3.client("dynamodb")`, no bytecode'),
                "",
            ]
            if without_bytecode
            else []
        ),
        "Where it goes, with bytecode: CPU ms of each piece, fastest of the runs, each timed after the ones to its left"
        " (a module two pieces share counts in the first); — where the function does not load it:",
        "",
        *pieces,
        "",
        *(
            [f"Beside the functions of {baseline.name} (the same rounds, the same dependencies):", "", *compared, ""]
            if compared
            else []
        ),
        "Instructions, counted by valgrind (callgrind) in one run each: what the CPU does, whatever the host's load"
        " (an empty interpreter's start taken off both sides):",
        "",
        *counted,
        "",
        "The first request after a cold start (medians of the runs; its AWS calls answered by a loopback stub, so"
        " the network is not in it): what a visitor waits for beyond the cold start, in the same interpreter.",
        "",
        *first,
    ]


def main() -> None:
    """Measure and print the cold-start section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime-python", default="python3.13", help="Lambda's runtime: a python3.13")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--bytecode-only", action="store_true", help="skip the layout without bytecode (about half the time)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of an earlier commit (e.g. from `git worktree add`): its functions/ measured alongside",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # the stub reads the seed data and the template
    print("\n".join(report(args.runtime_python, args.runs, not args.bytecode_only, args.baseline)))


if __name__ == "__main__":
    sys.exit(main())
