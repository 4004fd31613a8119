"""A big office's day replayed through the local stack's gateway: submissions, paper intake and every decision.

Starts the stack as `make dev` does and replays, at a chosen scale, the shape of DKI Jakarta's published year
(most applications issued, a quarter rejected, the most common reason incomplete requirements, some waiting on a
field survey): citizens apply online with their uploads, or on paper through the drop box (a cover sheet's
draft, keyed in by an officer) or a courier (the receipt photographed); officers start the review, return some
for a document (the citizen completes it with the access token), schedule and record field surveys, approve (the
issuing worker issues) and reject; some stay waiting. At the end it checks that the public counters
(`GET /api/stats`) equal the applications by status in the table, and reports applications per second, latency
per route (p50, p99) and the processor time of each part of the stack.

Run: `python bench/replay_day.py [--applications N] [--clients N] [--seed N]`.
"""

import argparse
import datetime as dt
import math
import os
import platform
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The citizen's kit the handler tests use: real PDFs, JPEGs and PNGs, plausible form values, a valid NIK.
from devstack.process import RunningStack, cpu_seconds, start_stack, stop_stack  # noqa: E402
from functions.shared.clock import JAKARTA  # noqa: E402
from tests.kits.submit_kit import FILES, VALID_NIK, form_values  # noqa: E402

SIMPLE = "iptb_legalisasi"  # one document, no survey
SURVEYED = "siup_perikanan"  # four documents and a field survey
TYPES = ["application/pdf", "image/jpeg", "image/png"]
# Of 100 applications: how each ends the day. From DKI's 2020 figures (about three quarters of decisions issued,
# a quarter rejected, incomplete requirements the first reason), with some still waiting at the end of the day.
OUTCOMES = [("issue", 50), ("return_then_issue", 15), ("reject", 20), ("wait_in_review", 8), ("wait_new", 7)]
# Of 100: how the papers arrive.
CHANNELS = [("online", 80), ("dropbox", 12), ("courier", 8)]
IN_PROCESS = {"IN_REVIEW", "SURVEY_SCHEDULED", "SURVEYED", "APPROVED"}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


@dataclass
class Timings:
    """Latency of every call, by route."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    by_route: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, route: str, seconds: float) -> None:
        """Record one call."""
        with self.lock:
            self.by_route[route].append(seconds)


@dataclass
class Plan:
    """One application of the day: how it arrives, for which service, and how its day ends."""

    n: int
    channel: str
    service_id: str
    outcome: str
    id: str | None = None
    token: str | None = None


class Office:
    """Citizens and officers calling the gateway as the site and the console do, timing each call."""

    def __init__(self, stack: RunningStack, timings: Timings, officer_token: str, services: dict[str, Any]) -> None:
        self.api = stack.api_url
        self.timings = timings
        self.officer = {"Authorization": f"Bearer {officer_token}"}
        self.services = services
        self.local = threading.local()

    @property
    def http(self) -> requests.Session:
        """One keep-alive session per thread, as one browser."""
        if not hasattr(self.local, "http"):
            self.local.http = requests.Session()
        return self.local.http

    def call(self, route: str, method: str, url: str, expect: int, **kwargs: Any) -> Any:
        """Make one call, time it under `route`, and insist on the status expected."""
        started = time.perf_counter()
        response = self.http.request(method, url, timeout=120, **kwargs)
        self.timings.add(route, time.perf_counter() - started)
        if response.status_code != expect:
            raise RuntimeError(f"{route}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content and "json" in response.headers.get("Content-Type", "") else None

    def upload(self, service_id: str, requirement_id: str, content_type: str) -> str:
        """Ask for an upload, POST the file to the presigned form, check it; return the upload id."""
        content = FILES[content_type]()
        ticket = self.call(
            "POST /api/uploads",
            "POST",
            f"{self.api}/uploads",
            201,
            json={
                "service_id": service_id,
                "requirement_id": requirement_id,
                "filename": f"{requirement_id}.bin",
                "content_type": content_type,
                "size": len(content),
            },
        )
        started = time.perf_counter()
        posted = self.http.post(
            ticket["url"], data=ticket["fields"], files={"file": (requirement_id, content, content_type)}, timeout=120
        )
        self.timings.add("POST (S3 presigned form)", time.perf_counter() - started)
        posted.raise_for_status()
        self.call("POST /api/uploads/{upload_id}/check", "POST", f"{self.api}/uploads/{ticket['upload_id']}/check", 200)
        return ticket["upload_id"]

    def documents(self, service: dict[str, Any]) -> list[dict[str, str]]:
        """Upload a file for every required document of a service."""
        required = [r for r in service["requirements"] if r["required"]]
        return [
            {"requirement_id": r["id"], "upload_id": self.upload(service["id"], r["id"], TYPES[i % len(TYPES)])}
            for i, r in enumerate(required)
        ]

    def arrive(self, plan: Plan) -> None:
        """The application comes in: online from the citizen, or on paper keyed in by an officer."""
        service = self.services[plan.service_id]
        applicant = {
            "nik": VALID_NIK,
            "name": "Siti Rahayu",
            "email": f"warga.{plan.n}@example.id",
            "phone": "+62 812-3456-7890",
        }
        body = {
            "service_id": service["id"],
            "applicant": applicant,
            "fields": form_values(service),
            "locale": "id",
            "declaration": True,
        }
        key = {"Idempotency-Key": str(uuid.uuid4())}
        if plan.channel == "online":
            receipt = self.call(
                "POST /api/applications",
                "POST",
                f"{self.api}/applications",
                201,
                json={**body, "documents": self.documents(service)},
                headers=key,
            )
            plan.id, plan.token = receipt["id"], receipt["access_token"]
            return
        intake: dict[str, Any] = {**body, "channel": plan.channel}
        if plan.channel == "dropbox":
            draft = {k: body[k] for k in ("service_id", "applicant", "fields", "locale")}
            saved = self.call(
                "POST /api/drafts", "POST", f"{self.api}/drafts", 201, json={**draft, "channel": "dropbox"}
            )
            self.call(
                "GET /api/officer/drafts/{reference}",
                "GET",
                f"{self.api}/officer/drafts/{saved['reference']}",
                200,
                headers=self.officer,
            )
            intake["cover_sheet_ref"] = saved["reference"]
        else:
            intake["receipt_upload_id"] = self.upload(service["id"], "delivery_receipt", "image/jpeg")
        intake["documents"] = self.documents(service)
        receipt = self.call(
            "POST /api/officer/applications",
            "POST",
            f"{self.api}/officer/applications",
            201,
            json=intake,
            headers={**key, **self.officer},
        )
        plan.id = receipt["id"]

    def decide(self, plan: Plan, action: str, **extra: Any) -> dict[str, Any]:
        """Post one officer's decision."""
        return self.call(
            "POST /api/officer/applications/{id}/decision",
            "POST",
            f"{self.api}/officer/applications/{plan.id}/decision",
            200,
            json={"action": action, **extra},
            headers=self.officer,
        )

    def approve(self, plan: Plan) -> None:
        """Survey first where the service needs one, then approve (the issuing worker issues)."""
        if self.services[plan.service_id].get("field_survey"):
            tomorrow = (dt.datetime.now(JAKARTA).date() + dt.timedelta(days=1)).isoformat()
            self.decide(plan, "schedule_survey", survey_date=tomorrow, survey_mode="on_site")
            self.decide(plan, "record_survey", survey_result="passed", reason="Sesuai dengan yang dinyatakan.")
        self.decide(plan, "approve")

    def work(self, plan: Plan) -> None:
        """The officers' part of the application's day, and the citizen's when it comes back to them."""
        if plan.outcome == "wait_new":
            return
        self.call(
            "GET /api/officer/applications/{id}",
            "GET",
            f"{self.api}/officer/applications/{plan.id}",
            200,
            headers=self.officer,
        )
        self.decide(plan, "start_review")
        if plan.outcome == "wait_in_review":
            return
        if plan.outcome == "reject":
            self.decide(plan, "reject", reason="Persyaratan tidak lengkap.")
            return
        if plan.outcome == "return_then_issue":
            service = self.services[plan.service_id]
            first = next(r for r in service["requirements"] if r["required"])
            self.decide(plan, "return", reason="Pindaian tidak terbaca.", missing_requirements=[first["id"]])
            new = self.upload(service["id"], first["id"], "application/pdf")
            self.call(
                "POST /api/applications/{id}/documents",
                "POST",
                f"{self.api}/applications/{plan.id}/documents",
                200,
                json={"documents": [{"requirement_id": first["id"], "upload_id": new}]},
                headers={"Authorization": f"Bearer {plan.token}"},
            )
            self.decide(plan, "start_review")
        self.approve(plan)


def plans_for(applications: int, seed: int) -> list[Plan]:
    """Draw the day: channel, service and outcome of each application (a return needs the online token)."""
    rng = random.Random(seed)
    plans = []
    for n in range(applications):
        channel = _pick(rng, CHANNELS)
        outcome = _pick(rng, OUTCOMES)
        if outcome == "return_then_issue" and channel != "online":
            outcome = "issue"
        service_id = SURVEYED if rng.random() < 0.25 else SIMPLE
        plans.append(Plan(n, channel, service_id, outcome))
    return plans


def cpu_by_role(stack: RunningStack) -> dict[str, float]:
    """Processor seconds used so far by the stack's own process (gateway, moto, pollers) and each function."""
    return stack.by_role(cpu_seconds)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def counts_in_table(stack: RunningStack) -> Counter[str]:
    """Applications by status, read from the table itself."""
    table = stack.resource("dynamodb").Table(stack.info["resources"]["ApplicationsTable"])
    statuses: Counter[str] = Counter()
    kwargs: dict[str, Any] = {"ProjectionExpression": "#s", "ExpressionAttributeNames": {"#s": "status"}}
    while True:
        page = table.scan(**kwargs)
        statuses.update(item["status"] for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return statuses
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(applications: int, clients: int, seed: int) -> int:
    """Start the stack, replay the day, check the counters, print a Markdown report; return the exit code."""
    folder = Path(tempfile.mkdtemp(prefix="satupintu-replay-"))
    stack = start_stack(folder / "stack.json", folder / "stack.log", timeout_s=120)
    load = os.getloadavg()
    print(
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load[0]:.1f} at the start: {applications} applications, "
        f"{clients} client threads, seed {seed}.\n",
        flush=True,
    )
    try:
        cognito = stack.client("cognito-idp")
        officer = stack.info["officer"]
        token = cognito.initiate_auth(
            ClientId=stack.info["user_pool_client_id"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": officer["username"], "PASSWORD": officer["password"]},
        )["AuthenticationResult"]["IdToken"]
        services = {s: requests.get(f"{stack.api_url}/services/{s}", timeout=60).json() for s in (SIMPLE, SURVEYED)}
        timings = Timings()
        office = Office(stack, timings, token, services)
        plans = plans_for(applications, seed)
        cpu_before = cpu_by_role(stack)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(office.arrive, plans))
        arrived = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(office.work, plans))
        decided = time.perf_counter()
        expected = Counter(
            {
                "issue": "ISSUED",
                "return_then_issue": "ISSUED",
                "reject": "REJECTED",
                "wait_in_review": "IN_REVIEW",
                "wait_new": "SUBMITTED",
            }[p.outcome]
            for p in plans
        )
        deadline = time.monotonic() + 600
        while counts_in_table(stack)["ISSUED"] < expected["ISSUED"] and time.monotonic() < deadline:
            time.sleep(0.5)
        issued = time.perf_counter()
        stack.wait_for_queue_drained("NotificationsQueue", timeout_s=600)
        cpu_after = cpu_by_role(stack)

        in_table = counts_in_table(stack)
        totals = requests.get(f"{stack.api_url}/stats", timeout=60).json()["totals"]
        from_table = {
            "submitted": sum(in_table.values()),
            "new": in_table["SUBMITTED"],
            "in_process": sum(in_table[s] for s in IN_PROCESS),
            "returned": in_table["RETURNED"],
            "issued": in_table["ISSUED"],
            "rejected": in_table["REJECTED"],
        }
        counters_match = all(totals[k] == v for k, v in from_table.items())
        outcomes_match = all(in_table[s] == n for s, n in expected.items()) and sum(in_table.values()) == applications

        elapsed = issued - started
        channels = Counter(p.channel for p in plans)
        print(
            f"Day: {dict(sorted(Counter(p.outcome for p in plans).items()))}; "
            f"channels {dict(sorted(channels.items()))}; "
            f"{sum(p.service_id == SURVEYED for p in plans)} with a field survey.\n"
        )
        print(
            f"Arrivals {arrived - started:.1f} s, decisions {decided - arrived:.1f} s, issuing caught up "
            f"{issued - decided:.1f} s later: **{applications / elapsed:.2f} applications/s** over the whole day "
            f"({elapsed:.1f} s); {sum(len(v) for v in timings.by_route.values())} calls.\n"
        )
        print("| route | n | p50 ms | p99 ms |")
        print("| --- | ---: | ---: | ---: |")
        for route, values in sorted(timings.by_route.items(), key=lambda kv: -sum(kv[1])):
            print(
                f"| `{route}` | {len(values)} | {percentile(values, 50) * 1000:.0f} | "
                f"{percentile(values, 99) * 1000:.0f} |"
            )
        print("\n| where the processor time went | CPU s | share |")
        print("| --- | ---: | ---: |")
        used = {k: cpu_after.get(k, 0.0) - cpu_before.get(k, 0.0) for k in cpu_after}
        whole = sum(used.values()) or 1.0
        for role, seconds in sorted(used.items(), key=lambda kv: -kv[1]):
            print(f"| {role} | {seconds:.1f} | {seconds / whole:.0%} |")
        print(f"\nApplications by status in the table: {dict(sorted(in_table.items()))}.")
        print(f"Public counters: {totals}.")
        print(
            f"Counters equal the table: {'yes' if counters_match else 'NO'}; "
            f"every application ended as planned: {'yes' if outcomes_match else 'NO'}."
        )
        return 0 if counters_match and outcomes_match else 1
    finally:
        stop_stack(stack)
        print(f"Stack log: {stack.log_path}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=40, help="applications in the day (default 40)")
    parser.add_argument("--clients", type=int, default=2, help="citizens and officers working at once")
    parser.add_argument("--seed", type=int, default=2020, help="the day's random draw")
    args = parser.parse_args()
    sys.exit(run(args.applications, args.clients, args.seed))


if __name__ == "__main__":
    main()
