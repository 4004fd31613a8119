"""The rush: many people booking the last places at once, on DynamoDB Local — never one booking too many."""

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from functions.queue import booking, site_policy, slots
from functions.shared import catalogue
from functions.shared.clock import JAKARTA
from functions.shared.errors import AppError
from tests.kits.visit_kit import counter

pytestmark = pytest.mark.dynamodb_local

# Monday 23 Nov 2026, 07:00 WIB; the visits are on Tuesday.
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=JAKARTA)
DAY = "2026-11-24"
BOOKERS = 200


def rush_site(capacity: int = 400, cap_percent: int = 50, counters: list[dict[str, Any]] | None = None) -> dict:
    """A service point for a race: 07:30-16:00 on weekdays, 30-minute slots and windows."""
    return {
        "id": "rush",
        "name": "Kantor Uji Antrean",
        "kind": "kecamatan",
        "area_code": "31.71.01",
        "address": "Jakarta",
        "capacity": capacity,
        "occupancy_cap_percent": cap_percent,
        "opening_hours": {"open": "07:30", "close": "16:00", "days": [0, 1, 2, 3, 4]},
        "timezone": "Asia/Jakarta",
        "window_minutes": 30,
        "booking_horizon_days": 14,
        "closed_dates": [],
        "counters": counters
        or [
            {
                "id": "ptsp",
                "agency": "PTSP",
                "name_id": "Loket",
                "name_en": "Counter",
                "slot_minutes": 30,
                "people_per_slot": 12,
                "daily_quota": None,
            }
        ],
    }


def nik(n: int) -> str:
    """A well-formed NIK for booker n (serial n)."""
    return f"317101010190{n + 1:04d}"


def request(n: int, counter_id: str = "ptsp", start: str = "09:00") -> dict[str, Any]:
    """Booker n's request."""
    return {
        "site_id": "rush",
        "counter_id": counter_id,
        "date": DAY,
        "start": start,
        "nik": nik(n),
        "name": f"Warga {n}",
        "email": f"warga{n}@example.com",
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
    }


def race(world, requests: list[dict[str, Any]]) -> Counter:
    """Let every request book at the same instant, one thread each; count the outcomes by code."""
    deps = world.deps()
    start = threading.Barrier(len(requests))

    def attempt(req: dict[str, Any]) -> str:
        start.wait()
        try:
            booking.book_visit(req, deps, NOW)
            return "booked"
        except AppError as error:
            return f"{int(error.status)} {error.code}"
        except Exception as error:  # anything else would be a 500
            return f"500 {type(error).__name__} {str(error)[:150]}"

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return Counter(pool.map(attempt, requests))


def counters_and_items(world) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Return every counter (by pk#sk) and every active booking item."""
    items = world.scan("BookingsTable")
    counts = {
        f"{i['pk']}#{i['sk']}": int(i["booked"])
        for i in items
        if "booked" in i and i["pk"].startswith(("SLOT#", "WINDOW#", "QUOTA#"))
    }
    booked = [i for i in items if i["sk"] == "BOOKING" and i["status"] == "BOOKED"]
    return counts, booked


def assert_counters_equal_items(world) -> list[dict[str, Any]]:
    """Every slot, window and quota counter equals the booking items it counts; one guard and e-mail per booking."""
    counts, booked = counters_and_items(world)
    expected: Counter = Counter()
    for item in booked:
        expected[f"SLOT#{item['site_id']}#{item['date']}#{item['counter_id']}#{item['start']}"] += 1
        for window in item["windows"]:
            expected[f"WINDOW#{item['site_id']}#{item['date']}#{window}"] += 1
        expected[f"QUOTA#{item['site_id']}#{item['date']}#{item['counter_id']}"] += 1
    for key, value in counts.items():
        assert value == expected[key], key
    for key, value in expected.items():
        if not key.startswith("QUOTA#"):
            assert counts.get(key, 0) == value, key
    items = world.scan("BookingsTable")
    assert len([i for i in items if i["pk"].startswith("GUARD#")]) == len(booked)
    # One confirmation e-mail per booking, committed with it.
    assert len(world.scan("NotificationOutboxTable")) == len(booked)
    return booked


def test_200_bookers_for_the_last_10_places_of_a_slot_give_exactly_10_bookings(world):
    # Given a slot of 12 with 2 places already taken
    world.put_site(rush_site())
    deps = world.deps()
    for n in (1, 2):
        booking.book_visit(request(900 + n), deps, NOW)
    # When 200 people book it at once
    outcomes = race(world, [request(n) for n in range(BOOKERS)])
    # Then exactly the 10 remaining places were given, and every other booker heard "slot full"
    assert outcomes == Counter({"booked": 10, "409 slot_full": 190})
    booked = assert_counters_equal_items(world)
    assert len(booked) == 12


def test_the_room_cap_binds_across_counters_under_a_rush(world):
    # Given three counters of 10 per slot in a room of 24 capped at 50 % (12 at once), 2 already inside at 09:00
    world.put_site(rush_site(capacity=24, counters=[counter("a", 10), counter("b", 10), counter("c", 10)]))
    deps = world.deps()
    booking.book_visit(request(901, "a"), deps, NOW)
    booking.book_visit(request(902, "b"), deps, NOW)
    # When 200 people spread over the three counters book the 09:00 window at once
    outcomes = race(world, [request(n, "abc"[n % 3]) for n in range(BOOKERS)])
    # Then the window took exactly its 10 remaining people, whatever their counter
    assert outcomes["booked"] == 10
    assert set(outcomes) <= {"booked", "409 window_full", "409 slot_full"}
    assert outcomes["409 window_full"] > 0
    booked = assert_counters_equal_items(world)
    assert len(booked) == 12
    assert world_window(world, "09:00") == 12


def test_a_lowered_cap_binds_a_rush_in_an_instance_that_still_holds_the_old_site(world):
    # Given the same room of 24 at 50 % (12 at once), 2 inside at 09:00, and this instance holding that site
    world.put_site(rush_site(capacity=24, counters=[counter("a", 10), counter("b", 10), counter("c", 10)]))
    deps = world.deps()
    booking.book_visit(request(901, "a"), deps, NOW)
    booking.book_visit(request(902, "b"), deps, NOW)
    held = dict(catalogue._cache)
    # When an admin (served by another instance) lowers the room to 10 people at 50 % (5 at once)
    site_policy.set_site_policy(deps.catalogue, deps.tables, "rush", 10, 50, "admin-1", NOW)
    catalogue._cache.update(held)
    assert slots.window_limit(catalogue.get_site(deps.catalogue, "rush")) == 12
    # And 200 people rush the 09:00 window and the 10:00 one (which nobody had booked) through this instance
    outcomes = race(world, [request(n, "abc"[n % 3], ("09:00", "10:00")[n % 2]) for n in range(BOOKERS)])
    # Then each window holds exactly the new cap: 3 more at 09:00, 5 at 10:00
    assert outcomes["booked"] == 8
    assert set(outcomes) <= {"booked", "409 window_full", "409 slot_full"}
    assert_counters_equal_items(world)
    assert (world_window(world, "09:00"), world_window(world, "10:00")) == (5, 5)


def world_window(world, start: str) -> int:
    """Return the booked count of one room window of the race day."""
    counts, _ = counters_and_items(world)
    return counts.get(f"WINDOW#rush#{DAY}#{start}", 0)


def test_the_daily_quota_binds_across_slots_under_a_rush(world):
    # Given a bank counter of 3 per slot with a daily quota of 12, 2 already used
    world.put_site(rush_site(counters=[counter("bank", 3, quota=12)]))
    deps = world.deps()
    booking.book_visit(request(901, "bank", "07:30"), deps, NOW)
    booking.book_visit(request(902, "bank", "08:00"), deps, NOW)
    # When 200 people book slots all over that day at once (17 slots of 3: far more than the quota)
    starts = [f"{(450 + 30 * k) // 60:02d}:{(450 + 30 * k) % 60:02d}" for k in range(17)]
    outcomes = race(world, [request(n, "bank", starts[n % 17]) for n in range(BOOKERS)])
    # Then exactly the 10 left of the quota were given
    assert outcomes["booked"] == 10
    assert set(outcomes) <= {"booked", "409 quota_reached", "409 slot_full"}
    assert outcomes["409 quota_reached"] > 0
    assert_counters_equal_items(world)
    counts, _ = counters_and_items(world)
    assert counts[f"QUOTA#rush#{DAY}#bank"] == 12


def test_one_person_racing_themselves_gets_one_booking(world):
    # Given one NIK sent 20 times at once for 20 different slots of one day
    world.put_site(rush_site())
    requests = [{**request(7), "start": f"{8 + k // 2:02d}:{'00' if k % 2 == 0 else '30'}"} for k in range(16)]
    # When they all race
    outcomes = race(world, requests)
    # Then one booking, and "already booked" for the rest
    assert outcomes == Counter({"booked": 1, "409 already_booked": 15})
    assert_counters_equal_items(world)


def test_a_refused_booker_is_offered_the_three_nearest_free_slots(world):
    # Given a full 09:00 slot of one place
    world.put_site(rush_site(counters=[counter("ptsp", 1)]))
    deps = world.deps()
    booking.book_visit(request(1), deps, NOW)
    # When someone else asks for it
    with pytest.raises(AppError) as refused:
        booking.book_visit(request(2), deps, NOW)
    # Then the answer is "slot full" with 08:30, 09:30 and then 08:00 or 10:00, the same day
    assert refused.value.code == "slot_full"
    alternatives = refused.value.details["alternatives"]
    assert [a["start"] for a in alternatives][:2] in (["08:30", "09:30"], ["09:30", "08:30"])
    assert len(alternatives) == 3 and all(a["date"] == DAY and a["available"] == 1 for a in alternatives)
