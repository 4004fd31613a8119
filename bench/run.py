"""Measure what the design promises about speed: cold starts, gateway latency and throughput, page weight.

Run with `make bench`; it prints a Markdown report to paste into bench/README.md (with the date and machine).
"""

import argparse
import json
import os
import platform
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import coldstart  # noqa: E402
from devstack.process import start_stack, stop_stack  # noqa: E402

LATENCY_REQUESTS = 200
THROUGHPUT_SECONDS = 5
THROUGHPUT_THREADS = 4
ASSET_REFERENCE = re.compile(r'(?:href|src)="([^":#?]+\.(?:css|js))"|from\s+"([^"]+\.js)"|import\("([^"]+\.js)"\)')


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1)]


def bench_gateway(api_url: str) -> list[str]:
    """Sequential latency per route, then throughput with a few threads, all on loopback."""
    routes = ["/services", "/services/sipi", "/sites?kind=kecamatan", "/sites/mpp-dki", "/stats"]
    rows = ["| route | n | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: |"]
    session = requests.Session()
    for route in routes:
        if session.get(api_url + route, timeout=10).status_code == 404:
            continue  # a route a later version adds
        latencies = []
        for _ in range(LATENCY_REQUESTS):
            t = time.perf_counter()
            session.get(api_url + route, timeout=10).raise_for_status()
            latencies.append((time.perf_counter() - t) * 1000)
        rows.append(
            f"| `GET {route}` | {len(latencies)} | {percentile(latencies, 50):.1f} | "
            f"{percentile(latencies, 95):.1f} | {percentile(latencies, 99):.1f} |"
        )
    deadline = time.monotonic() + THROUGHPUT_SECONDS

    def hammer() -> int:
        own = requests.Session()
        count = 0
        while time.monotonic() < deadline:
            own.get(api_url + "/services/sipi", timeout=10).raise_for_status()
            count += 1
        return count

    with ThreadPoolExecutor(THROUGHPUT_THREADS) as pool:
        total = sum(pool.map(lambda _: hammer(), range(THROUGHPUT_THREADS)))
    rows.append("")
    rows.append(
        f"Throughput, `GET /services/sipi`, {THROUGHPUT_THREADS} client threads for {THROUGHPUT_SECONDS} s: "
        f"{total / THROUGHPUT_SECONDS:.0f} requests/s."
    )
    return rows


def bench_pages(site_url: str) -> list[str]:
    """Bytes each page pulls from the site (HTML, its CSS and JS modules, transitively), uncompressed."""
    rows = ["| page | files | bytes |", "| --- | ---: | ---: |"]
    for page in sorted(p.name for p in (ROOT / "frontend").glob("*.html")):
        seen: set[str] = set()
        pending = [page]
        total = 0
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            body = requests.get(site_url + path, timeout=10).content
            total += len(body)
            text = body.decode("utf-8", errors="ignore")
            base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            for ref in ASSET_REFERENCE.findall(text):
                target = next(r for r in ref if r)
                resolved = os.path.normpath(base + target).lstrip("./") if not target.startswith("/") else target[1:]
                pending.append(resolved)
        rows.append(f"| `{page}` | {len(seen)} | {total:,} |")
    return rows


def main() -> None:
    """Run every measurement and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime-python", default="python3.13", help="Lambda's runtime for the cold starts")
    args = parser.parse_args()
    runtime = coldstart.check_runtime(args.runtime_python)
    print(
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores; "
        f"cold starts with Python {runtime}.\n"
    )
    print("### Cold starts, as Lambda pays them\n")
    print("\n".join(coldstart.report(args.runtime_python)))
    folder = Path(tempfile.mkdtemp())
    t = time.perf_counter()
    stack = start_stack(folder / "stack.json", folder / "stack.log")
    started = time.perf_counter() - t
    try:
        print(f"\n### Local stack\n\nStart to ready (moto, resources, seed, users): {started:.1f} s.\n")
        print("### Gateway latency (local stack, loopback, sequential)\n")
        print("\n".join(bench_gateway(stack.api_url)))
        print("\n### Page weight (uncompressed; CloudFront compresses)\n")
        print("\n".join(bench_pages(stack.site_url)))
    finally:
        stop_stack(stack)
    print(json.dumps({"note": "figures above; paste into bench/README.md"}))


if __name__ == "__main__":
    main()
