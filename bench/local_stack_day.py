"""A day at the mall on the local stack: N applications with their uploads, throughput and memory per hundred.

Starts the stack as `make dev` does, then citizens submit applications as the site does (ask for an upload,
POST the file to the presigned form, submit with an Idempotency-Key). After every hundred it prints how long
the hundred took and the resident memory of the stack's process and every process it started, summed; at
the end, how long the stack took to stop on Ctrl-C. Run: `python bench/local_stack_day.py [--applications N]`.
"""

import argparse
import itertools
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The citizen's kit the handler tests use: real PDFs, JPEGs and PNGs, plausible form values, a valid NIK.
from devstack.process import RunningStack, rss_bytes, start_stack, stop_stack  # noqa: E402
from tests.kits.submit_kit import FILES, VALID_NIK, form_values  # noqa: E402

SERVICE = "siup_perikanan"  # four required documents
TYPES = ["application/pdf", "image/jpeg", "image/png", "application/pdf"]
MB = 1024 * 1024


class Citizen:
    """One browser: uploads each required document through its presigned POST, then submits."""

    def __init__(self, api_url: str, service: dict[str, Any]) -> None:
        self.api = api_url
        self.service = service
        self.http = requests.Session()
        self.uploaded_bytes = 0

    def upload(self, requirement_id: str, content_type: str) -> str:
        """Ask for an upload and POST the file as a browser does; return the upload id."""
        content = FILES[content_type]()
        ticket = self.http.post(
            f"{self.api}/uploads",
            json={
                "service_id": self.service["id"],
                "requirement_id": requirement_id,
                "filename": f"{requirement_id}.bin",
                "content_type": content_type,
                "size": len(content),
            },
            timeout=60,
        )
        ticket.raise_for_status()
        form = ticket.json()
        posted = self.http.post(
            form["url"], data=form["fields"], files={"file": (requirement_id, content, content_type)}, timeout=60
        )
        posted.raise_for_status()
        self.uploaded_bytes += len(content)
        return form["upload_id"]

    def apply(self, n: int) -> int:
        """Upload every required document and submit; return the status code of the submission."""
        required = [r["id"] for r in self.service["requirements"] if r["required"]]
        documents = [
            {"requirement_id": r, "upload_id": self.upload(r, TYPES[i % len(TYPES)])} for i, r in enumerate(required)
        ]
        body = {
            "service_id": self.service["id"],
            "applicant": {
                "nik": VALID_NIK,
                "name": "Siti Rahayu",
                "email": f"warga.{n}@example.id",
                "phone": "+62 812-3456-7890",
            },
            "fields": form_values(self.service),
            "documents": documents,
            "locale": "id",
        }
        response = self.http.post(
            f"{self.api}/applications", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=60
        )
        return response.status_code


def memory_by_role(stack: RunningStack) -> dict[str, float]:
    """Resident memory of the stack's own process and of each function's instances (bytes)."""
    return stack.by_role(rss_bytes)


def run(applications: int, clients: int, concurrency: int | None) -> None:
    """Start the stack, submit, print a Markdown report, stop the stack."""
    folder = Path(tempfile.mkdtemp(prefix="satupintu-day-"))
    started = time.perf_counter()
    extra = ("--concurrency", str(concurrency)) if concurrency else ()
    stack = start_stack(folder / "stack.json", folder / "stack.log", timeout_s=120, extra_args=extra)
    print(
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: {applications} applications of `{SERVICE}` (4 uploads each), "
        f"{clients} client(s), --concurrency {concurrency or 'default'}. "
        f"Stack ready in {time.perf_counter() - started:.1f} s.\n",
        flush=True,
    )
    try:
        service = requests.get(f"{stack.api_url}/services/{SERVICE}", timeout=60).json()
        print(f"Memory at start: {stack.memory_bytes() / MB:.0f} MB over {len(stack.process_ids())} processes.\n")
        print(
            "| applications | seconds for this hundred | applications/s | stack CPU s for this hundred "
            "| memory MB (all processes) | processes |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)
        counter = itertools.count()
        lock = threading.Lock()
        statuses: Counter[int] = Counter()
        local = threading.local()
        mark = [time.perf_counter(), stack.cpu_seconds()]
        rows: list[tuple[int, float, int]] = []

        def one(_: int) -> None:
            citizen = getattr(local, "citizen", None)
            if citizen is None:
                citizen = local.citizen = Citizen(stack.api_url, service)
            n = next(counter)
            try:
                status = citizen.apply(n)
            except requests.RequestException as error:
                status = getattr(error.response, "status_code", 0) or 0
            with lock:
                statuses[status] += 1
                done = sum(statuses.values())
                if done % 100 == 0:
                    now, cpu = time.perf_counter(), stack.cpu_seconds()
                    seconds, cpu_used = now - mark[0], cpu - mark[1]
                    mark[:] = [now, cpu]
                    memory = stack.memory_bytes()
                    rows.append((done, seconds, memory))
                    print(
                        f"| {done} | {seconds:.1f} | {100 / seconds:.2f} | {cpu_used:.1f} | {memory / MB:.0f} | "
                        f"{len(stack.process_ids())} |",
                        flush=True,
                    )

        run_started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(one, range(applications)))
        elapsed = time.perf_counter() - run_started
        print(f"\nAnswers: {dict(sorted(statuses.items()))} in {elapsed:.0f} s ({applications / elapsed:.2f}/s).")
        drained = time.perf_counter()
        stack.wait_for_queue_drained("NotificationsQueue", timeout_s=600)
        mails = len(requests.get(f"{stack.mailbox_url}.json", timeout=120).json())
        print(f"E-mails in the mailbox: {mails} (queue drained {time.perf_counter() - drained:.0f} s after the last).")
        if rows:
            first, last = rows[0][1], rows[-1][1]
            peak = max(r[2] for r in rows)
            print(f"Last hundred / first hundred: {last / first:.2f}x the time. Peak memory: {peak / MB:.0f} MB.")
        roles = memory_by_role(stack)
        print("Memory at the end: " + ", ".join(f"{k} {v / MB:.0f} MB" for k, v in sorted(roles.items())) + ".")
    finally:
        stopping = time.perf_counter()
        try:
            code = stop_stack(stack)
            print(f"Stopped on Ctrl-C in {time.perf_counter() - stopping:.1f} s (exit code {code}).")
        except subprocess.TimeoutExpired:
            print("Not stopped 20 s after Ctrl-C: killed.")
        print(f"Stack log: {stack.log_path}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=1, help="citizens submitting at once")
    parser.add_argument("--concurrency", type=int, help="the stack's instances per function (its default if omitted)")
    args = parser.parse_args()
    run(args.applications, args.clients, args.concurrency)


if __name__ == "__main__":
    main()
