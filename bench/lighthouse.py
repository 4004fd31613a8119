"""Lighthouse (mobile) on every page of the site, against the local stack: the bar is CLS <= 0.05 and performance >= 95.

Starts the local stack as `make dev` does, runs Lighthouse's performance category with its default mobile settings
(simulated slow 4G and a 4x slower CPU, a phone-sized screen) on Debian's Chromium, several runs a page, and keeps
each page's median run. Prints a Markdown table, writes every run to bench/results/lighthouse-<time>.json, and exits
non-zero when a page is under the bar. Nothing leaves the machine: the pages, their API and the browser are local.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack.process import start_stack, stop_stack  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
LAYOUT = ROOT / "frontend" / "js" / "layout.js"
MIN_PERFORMANCE = 95
MAX_CLS = 0.05
NOT_FOUND_PAGE = "halaman-yang-tidak-ada"  # an unknown address: the site's own 404 page, status 404
WARM_INSTANCES = 2  # the local stack's instances per function (SATUPINTU_FUNCTION_CONCURRENCY's default)
# As the browser tests start it, plus the new headless mode Lighthouse expects: no background traffic at all.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
]
METRICS = {
    "cls": "cumulative-layout-shift",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "fcp_ms": "first-contentful-paint",
    "bytes": "total-byte-weight",
}


def warm_up(api_url: str, service_id: str) -> None:
    """Start every function instance the pages call, so that no run measures a local worker's cold start."""
    routes = ["/services", f"/services/{service_id}", "/sites", "/stats", "/status-list", "/config"]
    routes.append("/.well-known/jwks.json")
    with ThreadPoolExecutor(WARM_INSTANCES) as pool:
        for route in routes:
            list(pool.map(lambda url: requests.get(url, timeout=120), [api_url + route] * WARM_INSTANCES))


def site_pages(service_id: str) -> list[str]:
    """Every page the site lists (layout.js PAGES), with a real service where a page needs one, and the 404 page."""
    listed = re.findall(r'\{\s*href:\s*"([^"]+\.html)"', LAYOUT.read_text())
    if not listed:
        raise SystemExit(f"no PAGES found in {LAYOUT.relative_to(ROOT)}")
    pages = []
    for page in listed:
        if page == "service.html":
            pages.append(f"service.html?id={service_id}")
        elif page == "apply.html":
            pages += ["apply.html", f"apply.html?service={service_id}"]
        else:
            pages.append(page)
    return [*pages, NOT_FOUND_PAGE]


def run_lighthouse(url: str, chrome: str, report: Path, expected_status: int = 200) -> dict[str, Any]:
    """One Lighthouse run (performance only, mobile defaults); its figures."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]
    if expected_status != 200:
        command.append("--ignore-status-code")  # Lighthouse refuses an error page unless told it is one
    done = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0 or not report.exists():
        raise SystemExit(f"lighthouse failed on {url} (exit {done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise SystemExit(f"lighthouse could not measure {url}: {result['runtimeError']}")
    audits = result["audits"]
    figures: dict[str, Any] = {"performance": round(result["categories"]["performance"]["score"] * 100)}
    for name, audit in METRICS.items():
        figures[name] = audits[audit]["numericValue"]
    requests_made = audits["network-requests"]["details"]["items"]
    figures["status"] = next((r["statusCode"] for r in requests_made if r.get("resourceType") == "Document"), None)
    if figures["status"] != expected_status:
        raise SystemExit(f"{url} answered {figures['status']}, not {expected_status}")
    figures["warnings"] = result.get("runWarnings", [])
    figures["lighthouse"] = result["lighthouseVersion"]
    figures["user_agent"] = result["environment"]["hostUserAgent"]
    figures["benchmark_index"] = result["environment"].get("benchmarkIndex")
    return figures


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose performance score is the median (Lighthouse's own advice for noisy machines)."""
    ordered = sorted(runs, key=lambda run: (run["performance"], -run["tbt_ms"]))
    return ordered[(len(ordered) - 1) // 2]


def under_bar(run: dict[str, Any]) -> list[str]:
    """What a page's median run misses of the bar, if anything."""
    misses = []
    if run["performance"] < MIN_PERFORMANCE:
        misses.append(f"performance {run['performance']} < {MIN_PERFORMANCE}")
    if run["cls"] > MAX_CLS:
        misses.append(f"CLS {run['cls']:.3f} > {MAX_CLS}")
    return misses


def main() -> int:
    """Measure every page, print the table, write the JSON, and fail when a page is under the bar."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is kept)")
    parser.add_argument("--page", action="append", help="only these pages (as listed in the table)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `make node-deps` (npm ci)")
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if chrome is None:
        raise SystemExit("chromium is not installed: `make browser-deps` installs it")

    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    stack = start_stack(folder / "stack.json", folder / "stack.log")
    measured: dict[str, dict[str, Any]] = {}
    try:
        services = requests.get(stack.api_url + "/services", timeout=120).json()["services"]
        warm_up(stack.api_url, services[0]["id"])
        pages = site_pages(services[0]["id"])
        for page in args.page or pages:
            runs = [
                run_lighthouse(
                    stack.site_url + page,
                    chrome,
                    folder / f"report-{len(measured)}-{n}.json",
                    404 if page == NOT_FOUND_PAGE else 200,
                )
                for n in range(args.runs)
            ]
            measured[page] = {"median": median_run(runs), "runs": runs}
            print(f"  {page}: {[run['performance'] for run in runs]}", file=sys.stderr, flush=True)
    finally:
        stop_stack(stack)
    load_after = os.getloadavg()

    first = next(iter(measured.values()))["median"]
    chromium = re.search(r"Chrome/([\d.]+)", first["user_agent"])
    print(
        f"Lighthouse {first['lighthouse']}, mobile (simulated throttling), median of {args.runs} runs a page; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load_before[0]:.1f} before and {load_after[0]:.1f} after (1 min); "
        f"Chromium {chromium[1] if chromium else first['user_agent']}.\n"
    )
    print("| page | status | performance | CLS | LCP ms | TBT ms | FCP ms | total bytes | runs (performance) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    failures = []
    for page, result in measured.items():
        run = result["median"]
        misses = under_bar(run)
        failures += [f"{page}: {miss}" for miss in misses]
        flag = " (under)" if misses else ""
        print(
            f"| `{page}` | {run['status']} | {run['performance']}{flag} | {run['cls']:.3f} | {run['lcp_ms']:,.0f} | "
            f"{run['tbt_ms']:,.0f} | {run['fcp_ms']:,.0f} | {run['bytes']:,.0f} | "
            f"{', '.join(str(r['performance']) for r in result['runs'])} |"
        )
    spread = [r["performance"] for result in measured.values() for r in result["runs"]]
    print(f"\nEvery run: performance {min(spread)}–{max(spread)}, median {statistics.median(spread):g}.")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"lighthouse-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.write_text(
        json.dumps(
            {
                "bar": {"min_performance": MIN_PERFORMANCE, "max_cls": MAX_CLS},
                "load_average": {"before": load_before, "after": load_after},
                "cores": os.cpu_count(),
                "pages": measured,
            },
            indent=2,
        )
    )
    print(f"\nEvery run: {out.relative_to(ROOT)}")
    if failures:
        print("\nUnder the bar:\n" + "\n".join(f"- {failure}" for failure in failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
