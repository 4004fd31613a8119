"""The booking rush through the local stack's gateway, as Lambda scales out: several queue instances at once.

The stack runs its tables on DynamoDB Local (Amazon's engine, which takes concurrent writers; moto lets one
request in at a time), the queue function at four instances, and its functions' clock set to a Monday
morning. Each test books a handful of places first, then lets fifty people, each with their own NIK and
their own connection, send `POST /api/bookings` at the same instant.
"""

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from devstack.process import RunningStack, start_stack, stop_stack
from functions.shared.catalogue import put_catalogue
from tests.kits.visit_kit import counter

pytestmark = [pytest.mark.stack, pytest.mark.dynamodb_local]

INSTANCES = 4
BOOKERS = 50
# The functions' clock: Monday 23 Nov 2026, 07:00 WIB; the visits are on Tuesday.
CLOCK = "2026-11-23T07:00:00+07:00"
DAY = "2026-11-24"


@pytest.fixture(scope="module")
def rush_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The local stack on DynamoDB Local with four instances of each function and its clock set."""
    folder = tmp_path_factory.mktemp("rush-stack")
    stack = start_stack(
        folder / "stack.json",
        folder / "stack.log",
        timeout_s=120,
        extra_args=("--no-seed", "--dynamodb", "dynamodb-local", "--concurrency", str(INSTANCES), "--clock-at", CLOCK),
    )
    yield stack
    stop_stack(stack)


def put_site(stack: RunningStack, counters: list[dict[str, Any]], capacity: int = 400) -> str:
    """Store a fresh service point (07:30-16:00 on weekdays, 30-minute windows, 50 % cap); return its id."""
    site_id = f"rush-{uuid.uuid4().hex[:8]}"
    site = {
        "id": site_id,
        "name": "Kantor Uji Antrean",
        "kind": "kecamatan",
        "area_code": "31.71.01",
        "address": "Jakarta",
        "capacity": capacity,
        "occupancy_cap_percent": 50,
        "opening_hours": {"open": "07:30", "close": "16:00", "days": [0, 1, 2, 3, 4]},
        "timezone": "Asia/Jakarta",
        "window_minutes": 30,
        "booking_horizon_days": 14,
        "closed_dates": [],
        "counters": counters,
    }
    put_catalogue(stack.resource("dynamodb").Table(stack.info["resources"]["CatalogueTable"]), [], [site])
    return site_id


def booking_request(site_id: str, n: int, counter_id: str, start: str = "09:00") -> dict[str, Any]:
    """Booker n's request (NIK serial n, their own address)."""
    return {
        "site_id": site_id,
        "counter_id": counter_id,
        "date": DAY,
        "start": start,
        "nik": f"317101010190{n + 1:04d}",
        "name": f"Warga {n}",
        "email": f"warga{n}@example.com",
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }


def book(session: requests.Session, stack: RunningStack, body: dict[str, Any]) -> requests.Response:
    """`POST /api/bookings` once, with a fresh Idempotency-Key."""
    return session.post(
        f"{stack.api_url}/bookings", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=120
    )


def rush(stack: RunningStack, bodies: list[dict[str, Any]]) -> tuple[Counter, list[dict[str, Any]]]:
    """Send every booking at the same instant, one thread and connection each; count the answers by status and
    code, and return the refusals' bodies."""
    start = threading.Barrier(len(bodies))

    def attempt(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        with requests.Session() as session:
            session.get(f"{stack.site_url}_mailbox.json", timeout=60)  # the connection, opened before the start
            start.wait()
            answer = book(session, stack, body)
        if answer.status_code == 201:
            return "201", answer.json()
        payload = answer.json()
        return f"{answer.status_code} {payload.get('error', {}).get('code')}", payload

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        answers = list(pool.map(attempt, bodies))
    return Counter(outcome for outcome, _ in answers), [body for outcome, body in answers if outcome != "201"]


def queue_invocations(stack: RunningStack) -> list[dict[str, Any]]:
    """The queue function's invocations the stack remembers (instance pid, start and end on the stack's clock)."""
    return stack.invocations()["QueueFunction"]


def new_since(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The invocations in `after` that `before` did not have."""
    seen = {(i["pid"], i["start"]) for i in before}
    return [i for i in after if (i["pid"], i["start"]) not in seen]


def assert_instances_ran_side_by_side(invocations: list[dict[str, Any]]) -> None:
    """More than one instance served the rush, and two of them were busy at the same moment."""
    assert len({i["pid"] for i in invocations}) > 1, invocations
    overlapping = any(
        a["pid"] != b["pid"] and a["start"] < b["end"] and b["start"] < a["end"]
        for k, a in enumerate(invocations)
        for b in invocations[k + 1 :]
    )
    assert overlapping, "no two instances were busy at once"


def assert_counters_equal_items(stack: RunningStack, site_id: str) -> list[dict[str, Any]]:
    """Every slot, window and quota counter of the site equals the booking items it counts; one guard each."""
    table = stack.resource("dynamodb").Table(stack.info["resources"]["BookingsTable"])
    items, kwargs = [], {"ConsistentRead": True}
    while True:
        page = table.scan(**kwargs)
        items += page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    booked = [i for i in items if i["sk"] == "BOOKING" and i.get("site_id") == site_id and i["status"] == "BOOKED"]
    expected: Counter = Counter()
    for item in booked:
        expected[f"SLOT#{site_id}#{DAY}#{item['counter_id']}#{item['start']}"] += 1
        for window in item["windows"]:
            expected[f"WINDOW#{site_id}#{DAY}#{window}"] += 1
        expected[f"QUOTA#{site_id}#{DAY}#{item['counter_id']}"] += 1
    counts = {
        f"{i['pk']}#{i['sk']}": int(i["booked"]) for i in items if "booked" in i and f"#{site_id}#" in f"{i['pk']}#"
    }
    for key, value in counts.items():
        assert value == expected[key], key
    for key, value in expected.items():
        if not key.startswith("QUOTA#"):
            assert counts.get(key, 0) == value, key
    guards = {i["guard_pk"] for i in booked}
    assert len(guards) == len(booked)
    assert all(any(g["pk"] == guard for g in items) for guard in guards)
    return booked


def warm_instances(stack: RunningStack, site_id: str) -> None:
    """Start every queue instance before the rush: rounds of concurrent slot reads, until four have answered.

    A cold start on a loaded two-core machine takes seconds (on Lambda, well under one); the race is meant to be
    between instances booking, not between instances starting.
    """
    url = f"{stack.api_url}/sites/{site_id}/slots"
    for _ in range(5):
        with ThreadPoolExecutor(max_workers=INSTANCES * 2) as pool:
            answers = list(
                pool.map(lambda _: requests.get(url, params={"date": DAY}, timeout=120), range(INSTANCES * 2))
            )
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
        if len({i["pid"] for i in queue_invocations(stack)}) >= INSTANCES:
            return


def prefill(stack: RunningStack, bodies: list[dict[str, Any]]) -> None:
    """Book these one after another (the places already taken before the rush)."""
    warm_instances(stack, bodies[0]["site_id"])
    with requests.Session() as session:
        for body in bodies:
            answer = book(session, stack, body)
            assert answer.status_code == 201, answer.text


def test_fifty_bookers_for_the_last_five_places_of_a_slot_through_four_instances(rush_stack: RunningStack):
    # Given a slot of 7 with 2 places already taken
    site_id = put_site(rush_stack, [counter("ptsp", 7)])
    prefill(rush_stack, [booking_request(site_id, 900 + n, "ptsp") for n in (1, 2)])
    before = queue_invocations(rush_stack)
    # When 50 people book it at once through the gateway
    outcomes, refusals = rush(rush_stack, [booking_request(site_id, n, "ptsp") for n in range(BOOKERS)])
    # Then exactly the 5 remaining places were given; everyone else heard "slot full" with other slots offered
    assert outcomes == Counter({"201": 5, "409 slot_full": BOOKERS - 5})
    for refusal in refusals:
        alternatives = refusal["error"]["details"]["alternatives"]
        assert alternatives and all(a["date"] == DAY and a["available"] > 0 for a in alternatives)
        assert all(a["start"] != "09:00" for a in alternatives)
    assert len(assert_counters_equal_items(rush_stack, site_id)) == 7
    # And it was a real race: several queue instances served it, side by side
    assert_instances_ran_side_by_side(new_since(before, queue_invocations(rush_stack)))


def test_the_room_cap_binds_across_counters_and_instances(rush_stack: RunningStack):
    # Given three counters of 10 per slot in a room of 24 capped at 50 % (12 at once), 2 already booked at 09:00
    site_id = put_site(rush_stack, [counter("a", 10), counter("b", 10), counter("c", 10)], capacity=24)
    prefill(rush_stack, [booking_request(site_id, 901, "a"), booking_request(site_id, 902, "b")])
    before = queue_invocations(rush_stack)
    # When 50 people spread over the three counters book the 09:00 window at once
    outcomes, refusals = rush(rush_stack, [booking_request(site_id, n, "abc"[n % 3]) for n in range(BOOKERS)])
    # Then the window took exactly its 10 remaining people, whatever their counter
    assert outcomes["201"] == 10
    assert set(outcomes) <= {"201", "409 window_full", "409 slot_full"}
    assert outcomes["409 window_full"] > 0
    assert all(r["error"]["details"]["alternatives"] for r in refusals)
    booked = assert_counters_equal_items(rush_stack, site_id)
    assert len(booked) == 12
    assert_instances_ran_side_by_side(new_since(before, queue_invocations(rush_stack)))


def test_the_daily_quota_binds_across_slots_and_instances(rush_stack: RunningStack):
    # Given a bank counter of 3 per slot with a daily quota of 12, 2 already used
    site_id = put_site(rush_stack, [counter("bank", 3, quota=12)])
    prefill(rush_stack, [booking_request(site_id, 901 + k, "bank", at) for k, at in enumerate(["07:30", "08:00"])])
    before = queue_invocations(rush_stack)
    # When 50 people book slots all over that day at once (17 slots of 3: far more than the quota)
    starts = [f"{(450 + 30 * k) // 60:02d}:{(450 + 30 * k) % 60:02d}" for k in range(17)]
    outcomes, _ = rush(rush_stack, [booking_request(site_id, n, "bank", starts[n % 17]) for n in range(BOOKERS)])
    # Then exactly the 10 left of the quota were given
    assert outcomes["201"] == 10
    assert set(outcomes) <= {"201", "409 quota_reached", "409 slot_full"}
    assert outcomes["409 quota_reached"] > 0
    assert len(assert_counters_equal_items(rush_stack, site_id)) == 12
    assert_instances_ran_side_by_side(new_since(before, queue_invocations(rush_stack)))


def test_the_rush_ran_on_dynamodb_local_not_on_moto(rush_stack: RunningStack):
    # The tables are on DynamoDB Local (which takes concurrent writers); moto, which serves one request at a
    # time, holds none of them.
    bookings_table = rush_stack.info["resources"]["BookingsTable"]
    assert bookings_table in rush_stack.client("dynamodb").list_tables()["TableNames"]
    moto = rush_stack._session().client("dynamodb", endpoint_url=rush_stack.info["aws_endpoint_url"])
    assert bookings_table not in moto.list_tables()["TableNames"]
